-- 0006_audit_head.sql -- the audit chain's head: the id (seq) and hash of
-- its last row. A chain that ends before its head has lost its tail (rows
-- deleted behind the triggers' back); arcctl audit verify checks both.
-- arcd also logs the head ("audit head: seq N hash ..."), a copy outside
-- the database for when the head itself was rewritten or an older copy of
-- the database restored (arcctl audit verify --head SEQ:HEX).
--
-- The head follows every audit row in the row's own INSERT statement (the
-- trigger below), so a row and its head are written, or undone, together.
-- seq 0 with a zero hash: no row yet. db_audit.c chains a new row from the
-- head, so a lost tail stays a visible gap after later writes.
CREATE TABLE audit_head (
	id		INTEGER PRIMARY KEY CHECK (id = 1),
	seq		INTEGER NOT NULL,
	hash		BLOB NOT NULL CHECK (length(hash) = 32)
);
INSERT INTO audit_head (id, seq, hash)
SELECT 1, coalesce(max(id), 0), coalesce((SELECT hash FROM audit
    ORDER BY id DESC LIMIT 1), zeroblob(32)) FROM audit;

CREATE TRIGGER audit_head_follow AFTER INSERT ON audit
BEGIN
	INSERT INTO audit_head (id, seq, hash) VALUES (1, NEW.id, NEW.hash)
	    ON CONFLICT (id) DO UPDATE SET seq = excluded.seq,
	    hash = excluded.hash;
END;
CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head
WHEN NEW.seq <= OLD.seq
BEGIN
	SELECT RAISE(ABORT, 'the audit head only moves forward');
END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN
	SELECT RAISE(ABORT, 'the audit head cannot be deleted');
END;
