-- 0001_init.sql -- arc's first schema: units, events, the audit trail, meta.
-- Applied by db.c inside one transaction that then sets user_version = 1.

-- A counter per name; 'unit_version' is bumped by the unit triggers below so
-- arcd can tell cheaply that its in-memory unit table is stale.
CREATE TABLE meta (
	key		TEXT PRIMARY KEY,
	value		INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('unit_version', 0);

-- A registered device. key is "ascii:..." or "hex:..." (NULL: no
-- encryption); it is never logged, audited or listed.
CREATE TABLE unit (
	id		INTEGER PRIMARY KEY,
	protocol	TEXT NOT NULL DEFAULT 'dc09',
	account		TEXT NOT NULL
			CHECK (length(account) BETWEEN 3 AND 16 AND
			    account = upper(account)),
	key		TEXT,
	client		TEXT,
	interval	INTEGER NOT NULL DEFAULT 0
			CHECK (interval = 0 OR interval BETWEEN 20 AND 90000),
	last_seen	INTEGER,			-- unix ms, NULL = never
	created_at	INTEGER NOT NULL DEFAULT
			(CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)),
	UNIQUE (protocol, account)
);

CREATE TRIGGER unit_version_insert AFTER INSERT ON unit
BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'unit_version';
END;
CREATE TRIGGER unit_version_update
AFTER UPDATE OF key, account, protocol, interval, client ON unit
BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'unit_version';
END;
CREATE TRIGGER unit_version_delete AFTER DELETE ON unit
BEGIN
	UPDATE meta SET value = value + 1 WHERE key = 'unit_version';
END;

-- Every received event, one row per event of a frame (part = index).
-- unit_id is NULL for an unregistered account; deliberately no foreign key:
-- events are the record and outlive their unit, and the hot insert stays
-- narrow. The only index is on received_at (monotone, cheap to maintain);
-- an index on a random key (dedupe) costs ~4.5x insert throughput.
CREATE TABLE event (
	id		INTEGER PRIMARY KEY,
	unit_id		INTEGER,
	protocol	TEXT NOT NULL,
	account		TEXT NOT NULL,
	seq		INTEGER NOT NULL,
	token		TEXT NOT NULL,
	dedupe		INTEGER NOT NULL,
	part		INTEGER NOT NULL DEFAULT 0,
	code		TEXT,
	raw_code	TEXT,
	class		INTEGER NOT NULL DEFAULT 0,
	qualifier	TEXT,
	area		TEXT,
	zone		TEXT,
	text		TEXT,
	location	TEXT,
	device_time	INTEGER,			-- unix s, NULL = none
	received_at	INTEGER NOT NULL,		-- unix ms
	source		TEXT,
	flags		INTEGER NOT NULL DEFAULT 0,
	raw		BLOB,				-- the frame as received
	dup_count	INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX event_received_at ON event (received_at);

-- The record of what people and arc did. Append-only and hash-chained:
-- hash = SHA-256(previous row's hash || canonical text of this row), the
-- first row hashing its canonical text alone (see db_audit.c).
CREATE TABLE audit (
	id		INTEGER PRIMARY KEY,
	at		INTEGER NOT NULL,		-- unix ms, UTC
	actor		TEXT NOT NULL DEFAULT '',
	action		TEXT NOT NULL DEFAULT '',
	subject		TEXT NOT NULL DEFAULT '',
	detail		TEXT NOT NULL DEFAULT '',
	hash		BLOB NOT NULL CHECK (length(hash) = 32)
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit is append-only');
END;
