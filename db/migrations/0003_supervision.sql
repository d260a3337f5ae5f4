-- 0003_supervision.sql -- when arcd found a unit silent (missed its
-- supervision deadline); NULL while it is heard. Written by arcd only;
-- the unit_version triggers do not fire on it.
ALTER TABLE unit ADD COLUMN silent_since INTEGER;
