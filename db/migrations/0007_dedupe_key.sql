-- 0007_dedupe_key.sql -- the dedupe hash is keyed (SipHash) with a random
-- key of this database, so a unit cannot aim a new event at the hash of
-- another and have it ACKed as a copy. And when a technical alarm an
-- operator is handling is restored, the alarm says so (restored_at).
INSERT INTO meta (key, value) VALUES ('dedupe_k0', random());
INSERT INTO meta (key, value) VALUES ('dedupe_k1', random());
ALTER TABLE alarm ADD COLUMN restored_at INTEGER;
