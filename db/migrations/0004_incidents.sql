-- 0004_incidents.sql -- storms: an incident is itself an alarm (one queue
-- row, account '*', no unit); the alarms it collapses point at it.
ALTER TABLE alarm ADD COLUMN incident_id INTEGER;
CREATE INDEX alarm_incident ON alarm (incident_id) WHERE incident_id IS NOT NULL;
