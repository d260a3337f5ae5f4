-- 0002_people_alarms.sql -- the people an alarm is about and who answers
-- it (clients, zones, responders, operators), and the alarms themselves.
-- Applied by db.c inside one transaction that then sets user_version = 2.
--
-- Empty optional text is stored as NULL and read back as "".

-- A person the service looks after, known by a service reference
-- ("C-0001"); unit.client holds that reference (no foreign key: a unit may
-- be registered before its client).
CREATE TABLE client (
	id		INTEGER PRIMARY KEY,
	ref		TEXT UNIQUE NOT NULL CHECK (length(ref) BETWEEN 1 AND 31),
	name		TEXT NOT NULL CHECK (length(name) >= 1),
	born		TEXT CHECK (born IS NULL OR born GLOB
			    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	address		TEXT,
	phone		TEXT,
	language	TEXT,
	medical		TEXT,
	access		TEXT,				-- key safe, entry notes
	response_level	TEXT NOT NULL DEFAULT 'L1'
			CHECK (response_level IN ('L1', 'L2', 'L3', 'L4')),
	created_at	INTEGER NOT NULL DEFAULT
			(CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
);

-- What a unit's zone is ("001" = "pendant").
CREATE TABLE zone (
	unit_id		INTEGER NOT NULL REFERENCES unit (id) ON DELETE CASCADE,
	zone		TEXT NOT NULL,
	label		TEXT NOT NULL,
	PRIMARY KEY (unit_id, zone)
) WITHOUT ROWID;

-- Someone to call: family, neighbour, warden. Ranked per client.
CREATE TABLE responder (
	id		INTEGER PRIMARY KEY,
	name		TEXT NOT NULL CHECK (length(name) >= 1),
	phones		TEXT NOT NULL,
	relation	TEXT,
	availability	TEXT
);
CREATE TABLE client_responder (
	client_id	INTEGER NOT NULL REFERENCES client (id) ON DELETE CASCADE,
	responder_id	INTEGER NOT NULL REFERENCES responder (id)
			    ON DELETE CASCADE,
	rank		INTEGER NOT NULL CHECK (rank >= 1),
	UNIQUE (client_id, rank),
	UNIQUE (client_id, responder_id)
);
CREATE INDEX client_responder_responder ON client_responder (responder_id);

-- A person who answers alarms. hash is "pbkdf2-sha256$ITER$SALT$HASH".
CREATE TABLE operator (
	id		INTEGER PRIMARY KEY,
	login		TEXT UNIQUE NOT NULL CHECK (length(login) BETWEEN 1 AND 31),
	name		TEXT NOT NULL,
	role		TEXT NOT NULL DEFAULT 'operator'
			CHECK (role IN ('operator', 'supervisor')),
	hash		TEXT NOT NULL,
	disabled	INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created_at	INTEGER NOT NULL DEFAULT
			(CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
);

-- An alarm: one per unit while open, events attach to it. arcd allocates
-- the ids and is the only writer (store.c, STORE_ALARM). Times are unix
-- ms; offered_at, accepted_at, closed_at are NULL until they happen.
CREATE TABLE alarm (
	id		INTEGER PRIMARY KEY,
	unit_id		INTEGER,			-- NULL = unregistered
	account		TEXT NOT NULL,
	class		INTEGER NOT NULL CHECK (class BETWEEN 1 AND 3),
	code		TEXT,
	-- Not "IN (...)": an IN list costs an ephemeral table on every write.
	state		TEXT NOT NULL CHECK (state = 'waiting' OR
			    state = 'offered' OR state = 'handling' OR
			    state = 'closed'),
	operator	TEXT,				-- login, NULL = none
	opened_at	INTEGER NOT NULL,
	last_at		INTEGER NOT NULL,
	offered_at	INTEGER,
	accepted_at	INTEGER,
	closed_at	INTEGER,
	count		INTEGER NOT NULL DEFAULT 1,
	outcome		TEXT,
	outcome_text	TEXT
);
CREATE INDEX alarm_open ON alarm (id) WHERE state != 'closed';
CREATE INDEX alarm_closed_at ON alarm (closed_at) WHERE closed_at IS NOT NULL;

CREATE TABLE alarm_note (
	id		INTEGER PRIMARY KEY,
	alarm_id	INTEGER NOT NULL REFERENCES alarm (id),
	at		INTEGER NOT NULL,		-- unix ms
	operator	TEXT NOT NULL,
	text		TEXT NOT NULL
);
CREATE INDEX alarm_note_alarm ON alarm_note (alarm_id);

-- The alarm an event belongs to. NULL for most events, so the partial index
-- is untouched by the hot insert; no foreign key (events stay narrow).
ALTER TABLE event ADD COLUMN alarm_id INTEGER;
CREATE INDEX event_alarm ON event (alarm_id) WHERE alarm_id IS NOT NULL;

-- The highest event id the alarm logic has seen (crash recovery).
INSERT INTO meta (key, value) VALUES ('alarm_hwm', 0);
