-- 0008_unlock_request.sql -- arcctl asks arcd to lift a login lockout.
-- Lockouts live in arcd's memory (login.c); arcctl cannot reach it, so it
-- writes a request here (audited) and arcd's refresh job, which reads the
-- database once a second, picks up the rows after the last it saw and
-- lifts the lock on its network thread (audited again, with the actor).
-- Exactly one of login and source is given. arcctl prunes rows older than
-- a week (never the newest: arcd marks what it has seen by the last id).
CREATE TABLE unlock_request (
	id		INTEGER PRIMARY KEY,
	at		INTEGER NOT NULL,		-- unix ms
	login		TEXT CHECK (login IS NULL OR
			    length(login) BETWEEN 1 AND 31),
	source		TEXT CHECK (source IS NULL OR
			    length(source) BETWEEN 1 AND 63),
	actor		TEXT NOT NULL,
	CHECK ((login IS NULL) != (source IS NULL))
);
