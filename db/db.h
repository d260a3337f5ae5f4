/*
 * db.h -- arc's storage: the SQLite schema, its migrations, every SQL
 * statement, the store writer thread and the reader worker. Nothing
 * outside db/ says SQL.
 *
 * Threads: a struct db is one SQLite connection and belongs to one thread.
 * The store writer thread (struct store) owns its own write connection;
 * the network thread talks to it only through store_submit() and
 * store_done(), which take the store's mutex. The reader worker (struct
 * worker) owns a read connection and runs jobs handed over with
 * worker_submit(), back through worker_done(). Everything else in this
 * file is for whichever single thread opened the struct db.
 */
#ifndef ARC_DB_H
#define ARC_DB_H

#include <stddef.h>
#include <stdint.h>

struct db;

#define DB_CREATE	0x1	/* create the file if missing */
#define DB_MIGRATE	0x2	/* apply pending migrations */
#define DB_WRITER	0x4	/* the store writer: synchronous=FULL, no autocheckpoint */

/* Open path; on failure return NULL and set *cause (caller frees). */
struct db	*db_open(const char *, int, char **cause);
void		 db_close(struct db *);
int		 db_version(struct db *);		/* PRAGMA user_version */
extern const char *const db_migrations[];
extern const size_t db_nmigrations;
const char	*db_errmsg(struct db *);
/* Passive WAL checkpoint; from a non-writer connection. 0 or -1. */
int		 db_checkpoint(struct db *);
/*
 * arcctl's: the person its audit rows name (at most 63 bytes; default
 * "arcctl"), and a dry run (every commit rolls back: checked, not kept).
 */
void		 db_set_actor(struct db *, const char *);
const char	*db_actor(struct db *);
void		 db_set_dry_run(struct db *, int);

/*
 * --- db_keyfile.c: unit keys at rest ---
 * The key file "<database>.key" (0600, 64 hex digits) seals unit keys:
 * AES-256-GCM, a random nonce, the unit as associated data, stored as
 * "enc:BASE64". Keys stored before ("ascii:", "hex:") load as they are.
 */
#define DB_KEYFILE_LEN	32
struct db_keyfile {
	char		 path[1024];
	uint8_t		 key[DB_KEYFILE_LEN];	/* secret: db_keyfile_clear */
};
/* "<database>.key"; 0 or -1 (too long). */
int		 db_keyfile_path(const char *database, char *, size_t);
/* Make a new key file (0600): 0, 1 if one exists, -1 and *cause. */
int		 db_keyfile_make(const char *path, char **cause);
/* Read a key file, refused unless regular and 0600: 0 or -1, *cause. */
int		 db_keyfile_load(const char *path, struct db_keyfile *,
		    char **cause);
void		 db_keyfile_clear(struct db_keyfile *);
int		 db_keyfile_sealed(const char *key);	/* "enc:..." */
/* Key text <-> its sealed form, for one unit. 0 or -1. */
int		 db_keyfile_seal(const struct db_keyfile *,
		    const char *protocol, const char *account,
		    const char *plain, char *out, size_t);
int		 db_keyfile_unseal(const struct db_keyfile *,
		    const char *protocol, const char *account,
		    const char *sealed, char *plain, size_t);

/* --- units --- */
struct db_unit {
	int64_t		 id;
	char		 protocol[8];	/* "dc09" */
	char		 account[17];	/* upper case */
	char		 key[160];	/* "", "enc:..." (sealed, as stored),
					   "ascii:..." / "hex:..." (given to
					   db_unit_add; stored before sealing) */
	char		 client[64];	/* client id text, "" if none */
	int		 interval;	/* supervision seconds, 0 = default */
	int64_t		 last_seen;	/* unix ms, 0 = never */
	int64_t		 silent_since;	/* unix ms, 0 = heard */
};
/*
 * 0, or -1 with *cause ("account 1234 exists", ...). A key is sealed with
 * the key file (which may be NULL for a unit without a key).
 */
int		 db_unit_add(struct db *, const struct db_unit *,
		    const struct db_keyfile *, char **cause);
/* Seal every key stored in the clear (audited); *n sealed. 0 or -1. */
int		 db_unit_seal_keys(struct db *, const struct db_keyfile *,
		    int *n, char **cause);
/* Call fn for every unit (ordered by account); stops early if fn != 0. */
int		 db_unit_foreach(struct db *,
		    int (*fn)(const struct db_unit *, void *), void *);
/* Units changed (fn) and removed (gone) after unit_version since. */
int		 db_unit_changes(struct db *, int64_t since,
		    int (*fn)(const struct db_unit *, void *),
		    int (*gone)(int64_t id, void *), void *);
/* Counters bumped by triggers on every unit / people-data change. */
int64_t		 db_unit_version(struct db *);
int64_t		 db_card_version(struct db *);

/* --- events --- */
#define EVENT_UNREGISTERED	0x01	/* unknown account */
#define EVENT_ENCRYPTED		0x02
#define EVENT_UNKNOWN_CODE	0x04
#define EVENT_SUPERVISION	0x08	/* raised by arcd: unit silent/heard */

struct db_event {
	int64_t		 id;		/* set by the store */
	int64_t		 unit_id;	/* 0 = unregistered */
	char		 protocol[8];
	char		 account[17];
	int		 seq;
	char		 token[12];	/* "ADM-CID", "*SIA-DCS", "NULL" */
	int64_t		 dedupe;	/* hash of (account, seq, token, data) */
	int		 part;		/* index within a multi-event frame */
	char		 code[8];	/* canonical: "QA" (raw if unknown) */
	char		 raw_code[8];	/* "101", "MA" */
	int		 class;		/* 1..4 */
	char		 qualifier[2];
	char		 area[8];
	char		 zone[8];
	char		 text[64];
	char		 location[128];	/* extended data X/Y/L/R/V, "" if none */
	int64_t		 device_time;	/* unix s, 0 = none */
	int64_t		 received_at;	/* unix ms */
	char		 source[64];	/* "127.0.0.1:4242/tcp" */
	int		 flags;		/* EVENT_* */
	const char	*raw;		/* the frame, borrowed */
	size_t		 raw_len;
	int		 dup_count;
	int64_t		 alarm_id;	/* linked at insert, 0 = none */
};
/* Events with received_at >= since (ms), oldest first. */
int		 db_event_foreach(struct db *, int64_t since,
		    int (*fn)(const struct db_event *, void *), void *);

/* The database's random key for the dedupe hash (16 bytes). 0 or -1. */
int		 db_dedupe_secret(struct db *, uint8_t key[16]);
/* Dedupe keys seen since a time (ms), for the dedupe window at start-up. */
int		 db_dedupe_foreach(struct db *, int64_t since,
		    int (*fn)(int64_t dedupe, int64_t event_id, void *), void *);

/*
 * --- audit (append-only, hash-chained, its head recorded: db_audit.c) ---
 * The head (migration 0006) is the last row's id (seq) and hash, moved in
 * the same statement as every row.
 */
#define DB_AUDIT_HASH	32	/* SHA-256 */
int		 db_audit(struct db *, const char *actor, const char *action,
		    const char *subject, const char *detail);
/* The head record: seq 0 (and a zero hash) before the first row. 0 or -1. */
int		 db_audit_head(struct db *, int64_t *seq,
		    uint8_t hash[DB_AUDIT_HASH]);
/*
 * Recompute the chain (ids 1, 2, 3... and every hash) and check that its
 * last row is its head. 0 intact, or -1 and *cause (caller frees) says
 * what is wrong: "row 3 is broken", "rows 42 to 57 missing", "the chain
 * ends at row 41 but its head says 57: rows 42 to 57 deleted". *bad_id =
 * the first row broken or missing (0: none named); *rows = rows checked.
 */
int		 db_audit_verify(struct db *, int64_t *bad_id, int64_t *rows,
		    char **cause);
/*
 * A head logged outside the database (arcd's "audit head: seq N hash
 * HEX"): 0 if row seq is in the chain and its hash begins with hex (1 to
 * 64 hex digits), else -1 and *cause. Meaningful after db_audit_verify.
 */
int		 db_audit_verify_logged(struct db *, int64_t seq,
		    const char *hex, char **cause);

/*
 * --- clients, responders, operators (migration 0002) ---
 * A client is known by its service reference ("C-0001", unit.client).
 */
struct db_client {
	int64_t		 id;
	char		 ref[32];
	char		 name[96];
	char		 born[11];	/* YYYY-MM-DD or "" */
	char		 address[200];
	char		 phone[40];
	char		 language[16];
	char		 medical[400];
	char		 access[200];	/* key safe, entry notes */
	char		 level[3];	/* response level "L1".."L4" */
};
struct db_responder {
	int64_t		 id;
	int		 rank;		/* per client, 1 first */
	char		 name[96];
	char		 phones[80];
	char		 relation[40];
	char		 availability[120];
	char		 reach[8];	/* "mqtt" (default), "command" */
};
struct db_operator {
	int64_t		 id;
	char		 login[32];
	char		 name[96];
	char		 role[12];	/* "operator" | "supervisor" */
	char		 hash[160];	/* "pbkdf2-sha256$iter$salt$hash" */
	int		 disabled;
};
/* 0 found, -1 not found or error. */
int		 db_client_by_ref(struct db *, const char *, struct db_client *);
/* The client of a unit (by protocol + account), if linked. */
int		 db_client_by_unit(struct db *, int64_t unit_id,
		    struct db_client *);
int		 db_client_responders(struct db *, int64_t client_id,
		    int (*fn)(const struct db_responder *, void *), void *);
/* Validated, inserted and audited (actor "arcctl"); 0 or -1 and *cause. */
int		 db_client_add(struct db *, const struct db_client *,
		    char **cause);
/* Every client, ordered by ref; stops early if fn != 0. */
int		 db_client_foreach(struct db *,
		    int (*fn)(const struct db_client *, void *), void *);
/* The units whose unit.client is ref, ordered by account. */
int		 db_client_units(struct db *, const char *ref,
		    int (*fn)(const struct db_unit *, void *), void *);
/*
 * Import clients from CSV text (RFC 4180; the header line names the
 * columns ref,name,born,address,phone,language,medical,access,level in any
 * order, ref and name required). All or nothing: 0 and *n imported, or -1
 * and *cause holds every error, one per line ("NAME: line 7, field born:
 * not a date YYYY-MM-DD: 1938-13-02"). name is the file name for messages.
 */
int		 db_client_import(struct db *, const char *name,
		    const char *buf, size_t len, size_t *n, char **cause);
/* Set unit.client of the dc09 unit ACCOUNT to an existing client ref. */
int		 db_unit_link(struct db *, const char *account, const char *ref,
		    char **cause);
/* Add or relabel zone of the dc09 unit ACCOUNT. */
int		 db_zone_add(struct db *, const char *account, const char *zone,
		    const char *label, char **cause);
/* Insert a responder (rank ignored); *id = its id. */
int		 db_responder_add(struct db *, const struct db_responder *,
		    int64_t *id, char **cause);
/* Link a responder to a client at rank (0 = next free); *rankp = rank. */
int		 db_client_link_responder(struct db *, const char *ref,
		    int64_t responder_id, int rank, int *rankp, char **cause);
/* Insert an operator with the hash of password (>= 8 characters). */
int		 db_operator_add(struct db *, const struct db_operator *,
		    const char *password, char **cause);
/* The label of a unit's zone ("pendant"), "" if none. */
int		 db_zone_label(struct db *, int64_t unit_id, const char *zone,
		    char *, size_t);
/* Every zone label. */
int		 db_zone_foreach(struct db *, int (*fn)(int64_t unit_id,
		    const char *zone, const char *label, void *), void *);
int		 db_operator_get(struct db *, const char *login,
		    struct db_operator *);
/* Salted PBKDF2-HMAC-SHA256 (OpenSSL); 0 or -1. */
int		 db_password_hash(const char *password, char *out, size_t);
/* 1 matches, 0 does not (constant time), -1 bad hash string. */
int		 db_password_verify(const char *password, const char *hash);
#define DB_PASSWORD_MIN	8	/* characters */

/*
 * --- db_edit.c, db_operator.c: arcctl's edits and deletes ---
 * One audited transaction each (db_actor()); *what (caller frees) says
 * what a delete took with it. Alarms stay arcd's: an open alarm of a
 * deleted unit stays open.
 */
#define DB_UNIT_SET_KEY		0x1	/* key: "ascii:"/"hex:", "" = none */
#define DB_UNIT_SET_CLIENT	0x2	/* client: a ref, "" = unlinked */
#define DB_UNIT_SET_INTERVAL	0x4
int		 db_unit_edit(struct db *, const struct db_unit *, int set,
		    const struct db_keyfile *, char **cause);
/* With open alarms only if force. */
int		 db_unit_delete(struct db *, const char *account, int force,
		    char **what, char **cause);
/* Relabel an existing zone. */
int		 db_zone_edit(struct db *, const char *account, const char *zone,
		    const char *label, char **cause);
int		 db_zone_delete(struct db *, const char *account,
		    const char *zone, char **cause);
/* Store the client c->ref as given (validated). */
int		 db_client_update(struct db *, const struct db_client *,
		    char **cause);
/* With units or open alarms only if force: its units and zones go too. */
int		 db_client_delete(struct db *, const char *ref, int force,
		    char **what, char **cause);
int		 db_responder_get(struct db *, int64_t id,
		    struct db_responder *);
int		 db_responder_update(struct db *, const struct db_responder *,
		    char **cause);
/* Linked to clients only if force (the links go too). */
int		 db_responder_delete(struct db *, int64_t id, int force,
		    char **what, char **cause);
int		 db_client_unlink_responder(struct db *, const char *ref,
		    int64_t responder_id, char **cause);
/* Name, role and disabled of op->login as given. */
int		 db_operator_update(struct db *, const struct db_operator *,
		    char **cause);
int		 db_operator_delete(struct db *, const char *login,
		    char **cause);
/* A new password (>= DB_PASSWORD_MIN characters), hashed. */
int		 db_operator_passwd(struct db *, const char *login,
		    const char *password, char **cause);

/*
 * --- db_unlock.c: unlock requests (migration 0008) ---
 * arcctl asks, arcd (which keeps login lockouts in memory) acts: arcctl
 * writes a row naming a login or a source address, arcd's refresh job
 * reads the rows after the last one it saw and lifts the lock.
 */
struct db_unlock {
	int64_t		 id;
	int64_t		 at;		/* unix ms */
	char		 login[32];	/* "" when a source */
	char		 source[64];	/* "" when a login */
	char		 actor[64];
};
/* Write a request (audited "unlock requested"); *id = its id. */
int		 db_unlock_request(struct db *, const char *login,
		    const char *source, int64_t *id, char **cause);
/* The highest request id (0: none); -1 on error. */
int64_t		 db_unlock_last(struct db *);
/* Requests with id > after, oldest first, at most max. */
int		 db_unlock_foreach(struct db *, int64_t after, int max,
		    int (*fn)(const struct db_unlock *, void *), void *);

/*
 * --- db_export.c: clients and units as CSV (RFC 4180) ---
 * What db_client_import and db_unit_import read back unchanged. A unit's
 * key is exported sealed ("enc:..."), as stored: it opens only with the
 * key file of the database it came from (copy that file beside the new
 * database before arcctl init).
 */
int		 db_client_export(struct db *, int (*put)(const char *,
		    size_t, void *), void *);
int		 db_unit_export(struct db *, int (*put)(const char *, size_t,
		    void *), void *);
/*
 * Import units from CSV (columns account,protocol,key,client,interval; only
 * account required; key "ascii:"/"hex:" sealed with kf, "enc:" checked to
 * open with it). All or nothing, errors as db_client_import's.
 */
int		 db_unit_import(struct db *, const struct db_keyfile *,
		    const char *name, const char *buf, size_t len, size_t *n,
		    char **cause);

/* --- db_audit.c: the trail read back --- */
struct db_audit_row {
	int64_t		 id;
	int64_t		 at;		/* unix ms */
	const char	*actor, *action, *subject, *detail; /* borrowed */
};
/* Rows with at >= since (ms), oldest first; stops early if fn != 0. */
int		 db_audit_foreach(struct db *, int64_t since,
		    int (*fn)(const struct db_audit_row *, void *), void *);

/*
 * --- alarms (migration 0002) ---
 * arcd is the only writer of alarms; it allocates ids itself (max + 1 at
 * start-up) and writes every change through STORE_ALARM.
 */
struct db_alarm {
	int64_t		 id;
	int64_t		 unit_id;	/* 0 = unregistered */
	char		 account[17];
	int		 class;		/* 1..3 */
	char		 code[8];	/* canonical code of the opening event */
	char		 state[12];	/* waiting offered handling closed */
	char		 operator[32];	/* login, "" = none */
	int64_t		 opened_at, last_at;		/* unix ms */
	int64_t		 offered_at, accepted_at, closed_at;	/* 0 = never */
	int		 count;		/* events attached */
	char		 outcome[24];	/* "" until closed */
	char		 outcome_text[1024];
	int64_t		 incident_id;	/* the storm it is part of, 0 = none */
	int64_t		 restored_at;	/* its condition ended while handled */
};
int		 db_alarm_foreach_open(struct db *,
		    int (*fn)(const struct db_alarm *, void *), void *);
/* Alarms closed at or after since (ms), for today's service figures. */
int		 db_alarm_foreach_since(struct db *, int64_t since,
		    int (*fn)(const struct db_alarm *, void *), void *);
int64_t		 db_alarm_max_id(struct db *);
/* The highest event id the alarm logic has seen (meta alarm_hwm). */
int64_t		 db_alarm_hwm(struct db *);
/*
 * Events with id > after not linked to an alarm, oldest first (crash
 * recovery of alarms).
 */
int		 db_event_foreach_after(struct db *, int64_t after,
		    int (*fn)(const struct db_event *, void *), void *);
/*
 * An alarm's events and notes a page at a time: at most max, newest first,
 * with ids below before (0: from the newest). The counts of both.
 */
struct db_note {
	int64_t		 id;
	int64_t		 at;		/* unix ms */
	const char	*op;		/* borrowed for the call */
	const char	*text;		/* borrowed for the call */
};
int		 db_alarm_events(struct db *, int64_t alarm_id, int64_t before,
		    int max, int (*fn)(const struct db_event *, void *), void *);
int		 db_alarm_notes(struct db *, int64_t alarm_id, int64_t before,
		    int max, int (*fn)(const struct db_note *, void *), void *);
int		 db_alarm_counts(struct db *, int64_t alarm_id,
		    int64_t *events, int64_t *notes);

/*
 * --- store.c: the store writer thread ---
 *
 * The network thread fills store_req and submits it; the writer takes
 * everything queued, writes it in one transaction (group commit, one
 * fsync), sets result (0 ok, -1 failed) and hands the requests back. A
 * request is all or nothing: the events of a frame and the alarm rows
 * they open or change are one request, so an event is never stored
 * without its alarm. The notify function is called from the writer
 * thread after each batch (it should only wake the loop, e.g. write an
 * eventfd); the loop then calls store_done() and gets the completed list,
 * in submission order, and calls each request's done.
 */
enum store_op {
	STORE_EVENTS,		/* insert ev[0..nev-1] (fills ev[i].id), then
				   write alarms[] */
	STORE_DUPLICATE,	/* dup_count += 1 on event id */
	STORE_LASTSEEN,		/* unit id: last_seen = at */
	STORE_SILENT,		/* unit id: silent_since = at (0: heard) */
	STORE_AUDIT,		/* an audit row */
	STORE_ALARM,		/* write alarms[] */
	STORE_LADDER,		/* the ladder of alarm id: detail (JSON) */
	STORE_NOTE,		/* alarm_note (id = alarm, actor, detail) +
				   audit */
};

/* One alarm row in a request: upsert, link events, audit. */
struct store_alarm {
	struct db_alarm	 row;
	const char	*actor;		/* borrowed until done */
	const char	*action;	/* audit text; NULL = no audit row */
	const char	*detail;
	const int64_t	*link;		/* events to link to it, borrowed */
	size_t		 nlink;
};

struct store_req {
	enum store_op	 op;
	struct db_event	*ev;		/* borrowed until done */
	size_t		 nev;
	struct store_alarm *alarms;	/* borrowed until done */
	size_t		 nalarms;
	int64_t		 id;		/* DUPLICATE: event id; LASTSEEN: unit;
					   NOTE: alarm */
	int64_t		 out_id;	/* NOTE: the note's id, set by the
					   writer */
	int64_t		 at;		/* LASTSEEN: unix ms */
	int64_t		 hwm;		/* raise the event high-water mark to
					   this id, or STORE_HWM_LAST */
	int64_t		 silent_unit;	/* EVENTS: this unit's silent_since */
	int64_t		 silent_at;	/* ... = this (0: heard again) */
	const char	*actor, *action, *subject, *detail; /* AUDIT, NOTE */
	int		 result;	/* set by the writer: 0 or -1 */
	int		 injected;	/* the writer's: a fault (tests) */
	void		(*done)(struct store_req *);	/* the caller's */
	void		*arg;		/* the caller's */
	struct store_req *next;		/* owned by the store while queued */
};

#define STORE_HWM_LAST	(-1)	/* hwm: this request's last event */

struct store_stats {
	uint64_t	 batches;
	uint64_t	 requests;
	uint64_t	 failures;
	uint64_t	 checkpoints;
	uint64_t	 max_batch;
};

struct store	*store_start(const char *path, void (*notify)(void *),
		    void *arg, char **cause);
void		 store_submit(struct store *, struct store_req *);
struct store_req *store_done(struct store *);
/*
 * Waits for everything submitted to be written, stops the threads, frees
 * the store, and returns the completed requests not yet taken with
 * store_done() (the caller owns them).
 */
struct store_req *store_stop(struct store *);
void		 store_get_stats(struct store *, struct store_stats *);
/*
 * The audit chain's head as the writer last saw it: read at start-up and
 * after every committed batch that may have written audit rows (a copy,
 * under the store's lock; no SQLite on the caller's thread).
 */
void		 store_audit_head(struct store *, int64_t *seq,
		    uint8_t hash[DB_AUDIT_HASH]);
/* Waits for everything submitted so far to be written (and notified). */
void		 store_drain(struct store *);
/* Fault injection (tests): the next n requests with alarm rows fail. */
void		 store_fail_alarms(struct store *, int n);

/*
 * --- worker.c: a reader thread for slow reads off the loop ---
 *
 * Runs jobs on its own thread with its own read connection: a login's
 * password check (PBKDF2, ~20 ms), the unit changes, the client cards.
 * run() is called on the worker thread; the loop takes finished jobs with
 * worker_done() (after notify, as for the store) and calls done().
 */
struct worker_job {
	void		(*run)(struct db *, struct worker_job *);
	void		(*done)(struct worker_job *);
	int		 result;	/* set by run */
	void		*arg;		/* the caller's */
	struct worker_job *next;	/* the worker's while queued */
};
struct worker	*worker_start(const char *path, const char *name,
		    void (*notify)(void *), void *arg, char **cause);
void		 worker_submit(struct worker *, struct worker_job *);
struct worker_job *worker_done(struct worker *);
/* Runs what is queued, stops, and returns the jobs not yet taken. */
struct worker_job *worker_stop(struct worker *);

/*
 * --- internal to db/: the helpers the db_*.c files and store.c share ---
 * Not for callers outside db/.
 */
struct sqlite3;
struct sqlite3_stmt;
struct sqlite3	*db_sqlite(struct db *);
/* A cached prepared statement for sql (keyed by the pointer), reset. */
struct sqlite3_stmt *db_stmt(struct db *, const char *sql);

/* --- db_ladder.c: escalation ladders, as JSON, per open alarm --- */
int	 db_ladder_put(struct db *, int64_t alarm_id, int64_t at,
	    const char *json);
/* Each open alarm's ladder; fn returns non-zero to stop. 0 or -1. */
int	 db_ladders(struct db *, int (*fn)(int64_t alarm_id, const char *,
	    void *), void *);
int		 db_exec(struct db *, const char *sql);	/* 0 or -1 */
void		 db_bind_text(struct sqlite3_stmt *, int, const char *, size_t);
void		 db_bind_int64(struct sqlite3_stmt *, int, int64_t);
#define BIND_TEXT(st, i, f)	db_bind_text(st, i, f, sizeof f)
int		 db_begin(struct db *);		/* BEGIN IMMEDIATE */
int		 db_commit(struct db *);
void		 db_rollback(struct db *);	/* no-op outside a transaction */
int		 db_in_transaction(struct db *);
/* PASSIVE checkpoint: frames in the WAL and frames checkpointed. */
int		 db_wal_checkpoint(struct db *, int *nlog, int *nckpt);
/* The last error means the connection should be closed and reopened. */
int		 db_broken(struct db *);
/* One row each; 0 or -1 (db_errmsg says why). */
int		 db_event_insert(struct db *, struct db_event *);	/* sets id */
int		 db_event_duplicate(struct db *, int64_t id);
int		 db_unit_seen(struct db *, int64_t id, int64_t at);
int		 db_unit_silent(struct db *, int64_t id, int64_t at);
/* The event columns db_event_row() reads, in order, for SELECTs. */
#define DB_EVENT_COLUMNS \
    "id, unit_id, protocol, account, seq, token, dedupe, part, code, " \
    "raw_code, class, qualifier, area, zone, text, location, device_time, " \
    "received_at, source, flags, raw, dup_count"
void		 db_event_row(struct sqlite3_stmt *, struct db_event *);
int		 db_event_rows(struct sqlite3_stmt *,
		    int (*)(const struct db_event *, void *), void *);
/*
 * Text a person or a file gives (db_text.c): valid UTF-8, no control
 * characters but tab, CR and LF. 0, or -1 and why ("not valid UTF-8 at
 * byte 4"; bytes count from 1).
 */
int		 db_text_check(const char *, char *why, size_t);
/* A client's problems, one fn(field, why) call each; their number. */
int		 db_client_check(const struct db_client *,
		    void (*fn)(const char *field, const char *why, void *),
		    void *);
/* Insert a checked client (no audit, no transaction). 0 or -1. */
int		 db_client_insert(struct db *, const struct db_client *);
/* STORE_ALARM and STORE_NOTE, one row each (db_alarm.c). 0 or -1. */
int		 db_alarm_write(struct db *, const struct db_alarm *);
int		 db_alarm_link(struct db *, int64_t alarm_id, int64_t event_id);
int		 db_alarm_raise_hwm(struct db *, int64_t hwm);
int		 db_alarm_note_add(struct db *, int64_t alarm_id, int64_t at,
		    const char *op, const char *text, int64_t *id);

/*
 * The CSV import (db_import.c) for each kind of row: the columns a file
 * may have and where they go in the kind's record, and what is a good
 * record. db_unit_import.c is a kind.
 */
struct db_import_column {
	const char	*name;
	size_t		 off;
	size_t		 size;
};
struct import;
struct db_import_kind {
	const struct db_import_column *cols;	/* the required ones first */
	size_t		 ncols;			/* at most 16 */
	size_t		 nrequired;
	size_t		 size;		/* of a record */
	/* Report each problem (db_import_problem); their number. */
	int		(*check)(struct import *, struct db *, void *);
	/* The id of the stored row with the record's key, -1 none. */
	int64_t		(*lookup)(struct db *, const void *);
	const char	*(*key)(const void *);
	int		(*insert)(struct db *, const void *);
	const char	*noun;		/* "client" */
	const char	*keyname;	/* "ref" */
	const void	*arg;		/* the kind's: the key file */
};
int		 db_import_run(struct db *, const struct db_import_kind *,
		    const char *name, const char *buf, size_t len, size_t *n,
		    char **cause);
int		 db_import_problem(struct import *, const char *field,
		    const char *why);
const void	*db_import_arg(struct import *);

#endif /* ARC_DB_H */
