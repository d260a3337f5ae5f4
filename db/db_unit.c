/*
 * db_unit.c -- registered units: add (validated and audited), list, the
 * unit_version counter and the changes since a version (arcd reads them on
 * its reader worker), and last-seen updates from the store writer.
 * Keys are given as "ascii:..." / "hex:...", stored sealed with the key
 * file ("enc:...", db_keyfile.c) and never logged or audited; keys stored
 * in the clear before sealing existed are sealed by db_unit_seal_keys.
 *
 * Thread: whichever thread owns the struct db passed in (db.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "runtime.h"
#include "proto.h"

static const char unit_insert_sql[] =
    "INSERT INTO unit (protocol, account, key, client, interval) "
    "VALUES (?, ?, ?, ?, ?)";
static const char unit_client_sql[] =
    "SELECT 1 FROM client WHERE ref = ?";
static const char unit_all_sql[] =
    "SELECT id, protocol, account, key, client, interval, last_seen, "
    "silent_since FROM unit ORDER BY account, protocol";
static const char unit_changed_sql[] =
    "SELECT id, protocol, account, key, client, interval, last_seen, "
    "silent_since FROM unit WHERE version > ? ORDER BY id";
static const char unit_gone_sql[] =
    "SELECT id FROM unit_gone WHERE version > ? ORDER BY id";
static const char unit_version_sql[] =
    "SELECT value FROM meta WHERE key = 'unit_version'";
static const char card_version_sql[] =
    "SELECT value FROM meta WHERE key = 'card_version'";
static const char unit_seen_sql[] =
    "UPDATE unit SET last_seen = ?2 WHERE id = ?1 AND "
    "(last_seen IS NULL OR last_seen < ?2)";
static const char unit_silent_sql[] =
    "UPDATE unit SET silent_since = ?2 WHERE id = ?1";
static const char unit_clear_sql[] =
    "SELECT id, protocol, account, key FROM unit WHERE id > ? AND "
    "key IS NOT NULL AND key NOT LIKE 'enc:%' ORDER BY id LIMIT 1";
static const char unit_rekey_sql[] =
    "UPDATE unit SET key = ? WHERE id = ?";

/* 3..16 hex digits, copied upper case into out. */
static int
unit_account(const char *in, char out[17])
{
	size_t	 i, len = strlen(in);

	if (len < 3 || len > 16)
		return (-1);
	for (i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)in[i]))
			return (-1);
		out[i] = toupper((unsigned char)in[i]);
	}
	out[len] = '\0';
	return (0);
}

static int
unit_key_ok(const char *key)
{
	struct dc09_key	 k;
	int		 rc;

	if (strncmp(key, "ascii:", 6) != 0 && strncmp(key, "hex:", 4) != 0)
		return (-1);
	rc = dc09_key_parse(key, &k);
	explicit_bzero(&k, sizeof k);
	return (rc);
}

static int
unit_validate(const struct db_unit *u, char account[17], char **cause)
{
	if (unit_account(u->account, account) == -1) {
		xasprintf(cause, "account %s: not 3-16 hex digits", u->account);
		return (-1);
	}
	if (u->protocol[0] != '\0' && strcmp(u->protocol, "dc09") != 0 &&
	    strcmp(u->protocol, "mqtt") != 0) {
		xasprintf(cause, "account %s: unknown protocol %s (dc09, mqtt)",
		    account, u->protocol);
		return (-1);
	}
	if (u->key[0] != '\0' && strcmp(u->protocol, "mqtt") == 0) {
		xasprintf(cause, "account %s: an MQTT unit has no key (the "
		    "broker's TLS and password guard it)", account);
		return (-1);
	}
	if (u->key[0] != '\0' && unit_key_ok(u->key) == -1) {
		xasprintf(cause, "account %s: key is not ascii: or hex: with "
		    "16, 24 or 32 bytes", account);
		return (-1);
	}
	if (u->interval != 0 && (u->interval < 20 || u->interval > 90000)) {
		xasprintf(cause, "account %s: interval %d: not 0 or 20..90000 "
		    "seconds", account, u->interval);
		return (-1);
	}
	return (0);
}

static int
unit_insert(struct db *db, const struct db_unit *u, const char *account,
    const char *sealed)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, unit_insert_sql)) == NULL)
		return (SQLITE_ERROR);
	sqlite3_bind_text(st, 1, u->protocol[0] != '\0' ? u->protocol : "dc09",
	    -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, account, -1, SQLITE_STATIC);
	if (sealed[0] != '\0')
		sqlite3_bind_text(st, 3, sealed, -1, SQLITE_STATIC);
	if (u->client[0] != '\0')
		sqlite3_bind_text(st, 4, u->client, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, u->interval);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);	/* drop the key's address */
	return (rc);
}

/* The key of u sealed for its unit into sealed ("" if none). 0 or -1. */
static int
unit_seal(const struct db_unit *u, const char *account,
    const struct db_keyfile *kf, char *sealed, size_t size, char **cause)
{
	sealed[0] = '\0';
	if (u->key[0] == '\0')
		return (0);
	if (kf == NULL) {
		xasprintf(cause, "account %s: no key file to seal its key "
		    "with", account);
		return (-1);
	}
	if (db_keyfile_seal(kf, u->protocol[0] != '\0' ? u->protocol :
	    "dc09", account, u->key, sealed, size) == -1) {
		xasprintf(cause, "account %s: cannot seal its key", account);
		return (-1);
	}
	return (0);
}

static void
unit_copy(char *dst, size_t size, const unsigned char *src)
{
	snprintf(dst, size, "%s", src != NULL ? (const char *)src : "");
}

/* The unit's client ref names a client: SQLITE_ROW, SQLITE_DONE or error. */
static int
unit_client(struct db *db, const char *ref)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, unit_client_sql)) == NULL)
		return (SQLITE_ERROR);
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return (rc);
}

/*
 * 0, or -1 with *cause ("account 1234 exists", "account 1234: no client
 * C-9", ...). Audited.
 */
int
db_unit_add(struct db *db, const struct db_unit *u,
    const struct db_keyfile *kf, char **cause)
{
	char	 account[17], detail[160], sealed[sizeof u->key];
	int	 rc;

	*cause = NULL;
	if (unit_validate(u, account, cause) == -1 ||
	    unit_seal(u, account, kf, sealed, sizeof sealed, cause) == -1)
		return (-1);
	if (db_begin(db) == -1)
		goto fail;
	rc = unit_insert(db, u, account, sealed);
	if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		xasprintf(cause, "account %s exists", account);
		goto fail;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	/* A unit never points at a client that is not there. */
	if (u->client[0] != '\0' && (rc = unit_client(db, u->client)) !=
	    SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			xasprintf(cause, "account %s: no client %.40s", account,
			    u->client);
		goto fail;
	}
	snprintf(detail, sizeof detail, "client=%s interval=%d key=%s",
	    u->client[0] != '\0' ? u->client : "-", u->interval,
	    u->key[0] == '\0' ? "none" : u->key[0] == 'a' ? "ascii" : "hex");
	if (db_audit(db, db_actor(db), "unit add", account, detail) == -1)
		goto fail;
	if (db_commit(db) == -1)
		goto fail;
	return (0);

fail:
	if (*cause == NULL)
		xasprintf(cause, "account %s: %s", account, db_errmsg(db));
	db_rollback(db);
	return (-1);
}


/* The next unit after id with a key in the clear: 1, 0 (none) or -1. */
static int
unit_next_clear(struct db *db, int64_t after, struct db_unit *u)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, unit_clear_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, after);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(u, 0, sizeof *u);
		u->id = sqlite3_column_int64(st, 0);
		unit_copy(u->protocol, sizeof u->protocol,
		    sqlite3_column_text(st, 1));
		unit_copy(u->account, sizeof u->account,
		    sqlite3_column_text(st, 2));
		unit_copy(u->key, sizeof u->key, sqlite3_column_text(st, 3));
	}
	sqlite3_reset(st);
	return (rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1);
}

static int
unit_rekey(struct db *db, int64_t id, const char *sealed)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, unit_rekey_sql)) == NULL)
		return (-1);
	sqlite3_bind_text(st, 1, sealed, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/*
 * Seal every key stored in the clear, in one audited transaction; the
 * old bytes are overwritten (secure_delete). A stored key that does not
 * parse is left as it is (arcd warns about it). 0 or -1 and *cause.
 */
int
db_unit_seal_keys(struct db *db, const struct db_keyfile *kf, int *n,
    char **cause)
{
	struct db_unit	 u;
	char		 sealed[sizeof u.key], detail[32];
	int64_t		 after = 0;
	int		 rc;

	*n = 0;
	*cause = NULL;
	memset(&u, 0, sizeof u);
	if (db_exec(db, "PRAGMA secure_delete = ON") == -1 ||
	    db_begin(db) == -1)
		goto fail;
	while ((rc = unit_next_clear(db, after, &u)) == 1) {
		after = u.id;
		if (unit_key_ok(u.key) == -1)
			continue;
		if (db_keyfile_seal(kf, u.protocol, u.account, u.key, sealed,
		    sizeof sealed) == -1) {
			xasprintf(cause, "account %s: cannot seal its key",
			    u.account);
			goto fail;
		}
		if (unit_rekey(db, u.id, sealed) == -1)
			goto fail;
		(*n)++;
	}
	snprintf(detail, sizeof detail, "keys=%d", *n);
	if (rc == -1 || (*n > 0 && db_audit(db, db_actor(db), "unit keys sealed",
	    "", detail) == -1) || db_commit(db) == -1)
		goto fail;
	explicit_bzero(&u, sizeof u);
	return (0);

fail:
	explicit_bzero(&u, sizeof u);
	if (*cause == NULL)
		xasprintf(cause, "sealing unit keys: %s", db_errmsg(db));
	db_rollback(db);
	*n = 0;
	return (-1);
}

/* Run st (bound) and call fn for each unit row; stops early if fn != 0. */
static int
unit_rows(sqlite3_stmt *st, int (*fn)(const struct db_unit *, void *),
    void *arg)
{
	struct db_unit	 u;
	int		 rc = SQLITE_DONE, stop = 0;

	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&u, 0, sizeof u);
		u.id = sqlite3_column_int64(st, 0);
		unit_copy(u.protocol, sizeof u.protocol,
		    sqlite3_column_text(st, 1));
		unit_copy(u.account, sizeof u.account,
		    sqlite3_column_text(st, 2));
		unit_copy(u.key, sizeof u.key, sqlite3_column_text(st, 3));
		unit_copy(u.client, sizeof u.client, sqlite3_column_text(st, 4));
		u.interval = sqlite3_column_int(st, 5);
		u.last_seen = sqlite3_column_int64(st, 6);
		u.silent_since = sqlite3_column_int64(st, 7);
		stop = fn(&u, arg);
		explicit_bzero(&u, sizeof u);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return (stop || rc == SQLITE_DONE ? 0 : -1);
}

/* Call fn for every unit (ordered by account); stops early if fn != 0. */
int
db_unit_foreach(struct db *db, int (*fn)(const struct db_unit *, void *),
    void *arg)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, unit_all_sql)) == NULL)
		return (-1);
	return (unit_rows(st, fn, arg));
}

/* Units changed, and ids removed, after unit_version `since`. */
int
db_unit_changes(struct db *db, int64_t since,
    int (*fn)(const struct db_unit *, void *),
    int (*gone)(int64_t id, void *), void *arg)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, unit_changed_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, since);
	if (unit_rows(st, fn, arg) != 0)
		return (-1);
	if ((st = db_stmt(db, unit_gone_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, since);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		gone(sqlite3_column_int64(st, 0), arg);
	sqlite3_reset(st);
	return (rc == SQLITE_DONE ? 0 : -1);
}

static int64_t
unit_meta(struct db *db, const char *sql)
{
	sqlite3_stmt	*st;
	int64_t		 v = -1;

	if ((st = db_stmt(db, sql)) == NULL)
		return (-1);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return (v);
}

/* A counter bumped by a trigger on every change to people data. */
int64_t
db_card_version(struct db *db)
{
	return (unit_meta(db, card_version_sql));
}

/* A counter bumped by a trigger on every unit change; -1 on error. */
int64_t
db_unit_version(struct db *db)
{
	return (unit_meta(db, unit_version_sql));
}

/* last_seen = at for unit id (never moves backwards). 0 or -1. */
int
db_unit_seen(struct db *db, int64_t id, int64_t at)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, unit_seen_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, at);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* A unit fell silent at `at` (ms), or was heard again (at = 0). */
int
db_unit_silent(struct db *db, int64_t id, int64_t at)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, unit_silent_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, id);
	if (at != 0)
		sqlite3_bind_int64(st, 2, at);
	else
		sqlite3_bind_null(st, 2);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return (rc == SQLITE_DONE ? 0 : -1);
}
