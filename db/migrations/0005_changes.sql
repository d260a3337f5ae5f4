-- 0005_changes.sql -- what changed since arcd last looked, so it applies
-- unit changes one unit at a time and reloads client cards only when
-- people data changed, without reading anything on its network thread.
-- unit.version is the unit_version of the unit's last change; unit_gone
-- remembers removed units; meta card_version is bumped by any change to
-- clients, zones, responders or their links.
ALTER TABLE unit ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
UPDATE unit SET version = (SELECT value FROM meta WHERE key = 'unit_version');
CREATE TABLE unit_gone (
	id		INTEGER PRIMARY KEY,
	version		INTEGER NOT NULL
);

DROP TRIGGER unit_version_insert;
DROP TRIGGER unit_version_update;
DROP TRIGGER unit_version_delete;
CREATE TRIGGER unit_version_insert AFTER INSERT ON unit
BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'unit_version';
	UPDATE unit SET version = (SELECT value FROM meta
	    WHERE key = 'unit_version') WHERE id = NEW.id;
	DELETE FROM unit_gone WHERE id = NEW.id;
END;
CREATE TRIGGER unit_version_update
AFTER UPDATE OF key, account, protocol, interval, client ON unit
BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'unit_version';
	UPDATE unit SET version = (SELECT value FROM meta
	    WHERE key = 'unit_version') WHERE id = NEW.id;
END;
CREATE TRIGGER unit_version_delete AFTER DELETE ON unit
BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'unit_version';
	INSERT OR REPLACE INTO unit_gone (id, version) VALUES (OLD.id,
	    (SELECT value FROM meta WHERE key = 'unit_version'));
END;
CREATE INDEX unit_changed ON unit (version);

INSERT INTO meta (key, value) VALUES ('card_version', 0);
CREATE TRIGGER card_client_insert AFTER INSERT ON client BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'card_version'; END;
CREATE TRIGGER card_client_update AFTER UPDATE ON client BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'card_version'; END;
CREATE TRIGGER card_client_delete AFTER DELETE ON client BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'card_version'; END;
CREATE TRIGGER card_zone_insert AFTER INSERT ON zone BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'card_version'; END;
CREATE TRIGGER card_zone_update AFTER UPDATE ON zone BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'card_version'; END;
CREATE TRIGGER card_zone_delete AFTER DELETE ON zone BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'card_version'; END;
CREATE TRIGGER card_responder_insert AFTER INSERT ON responder BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'card_version'; END;
CREATE TRIGGER card_responder_update AFTER UPDATE ON responder BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'card_version'; END;
CREATE TRIGGER card_responder_delete AFTER DELETE ON responder BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'card_version'; END;
CREATE TRIGGER card_link_insert AFTER INSERT ON client_responder BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'card_version'; END;
CREATE TRIGGER card_link_update AFTER UPDATE ON client_responder BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'card_version'; END;
CREATE TRIGGER card_link_delete AFTER DELETE ON client_responder BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'card_version'; END;
