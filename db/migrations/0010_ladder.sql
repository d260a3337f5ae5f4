-- An alarm's escalation ladder as arcd last had it (JSON: its steps, their
-- pages and times), so a restart resumes it: pages keep their ids and
-- deadlines, a responder on the way is still on the way.
CREATE TABLE ladder (
	alarm_id	INTEGER PRIMARY KEY REFERENCES alarm (id)
			    ON DELETE CASCADE,
	at		INTEGER NOT NULL,		-- unix ms, written
	state		TEXT NOT NULL			-- JSON
);
