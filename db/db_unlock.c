/*
 * db_unlock.c -- unlock requests (migration 0008): arcctl writes one to
 * lift a login lockout, arcd's refresh job reads those it has not seen
 * (db_unlock_foreach after the last id) and lifts the lock in memory.
 * arcd only reads (its one writer is the store): arcctl prunes requests
 * older than a week as it writes a new one, keeping the newest, so ids
 * keep growing past the last one arcd saw. The audit trail keeps the
 * record of every request and unlock.
 *
 * Thread: whichever thread owns the struct db passed in (db.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "db.h"
#include "runtime.h"

#define UNLOCK_KEEP_MS	(7LL * 86400 * 1000)	/* a week: then pruned */

static const char unlock_insert_sql[] =
    "INSERT INTO unlock_request (at, login, source, actor) "
    "VALUES (?, ?, ?, ?)";
/* Handled long ago; the newest stays, so ids only grow (arcd's mark). */
static const char unlock_prune_sql[] =
    "DELETE FROM unlock_request WHERE at < ? AND "
    "id < (SELECT max(id) FROM unlock_request)";
static const char unlock_last_sql[] =
    "SELECT coalesce(max(id), 0) FROM unlock_request";
static const char unlock_after_sql[] =
    "SELECT id, at, login, source, actor FROM unlock_request "
    "WHERE id > ? ORDER BY id LIMIT ?";

/* A login or an address: printable ASCII without spaces, 1..max bytes. */
static int
unlock_word(const char *s, size_t max)
{
	size_t	 i, len = strlen(s);

	if (len == 0 || len > max)
		return (-1);
	for (i = 0; i < len; i++) {
		if (!isgraph((unsigned char)s[i]))
			return (-1);
	}
	return (0);
}

/* Write a request to lift the lock of a login or a source (audited). */
int
db_unlock_request(struct db *db, const char *login, const char *source,
    int64_t *id, char **cause)
{
	sqlite3_stmt	*st;
	struct timespec	 ts;
	char		 subject[128];
	int		 rc;

	*cause = NULL;
	*id = 0;
	if ((login == NULL) == (source == NULL) ||
	    unlock_word(login != NULL ? login : source, login != NULL ? 31 :
	    63) == -1) {
		xasprintf(cause, "not a login (1-31 characters) or an address "
		    "(1-63)");
		return (-1);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	if (db_begin(db) == -1 || (st = db_stmt(db, unlock_insert_sql)) ==
	    NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, (int64_t)ts.tv_sec * 1000 +
	    ts.tv_nsec / 1000000);
	if (login != NULL)
		sqlite3_bind_text(st, 2, login, -1, SQLITE_STATIC);
	if (source != NULL)
		sqlite3_bind_text(st, 3, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, db_actor(db), -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		goto fail;
	*id = sqlite3_last_insert_rowid(db_sqlite(db));
	if ((st = db_stmt(db, unlock_prune_sql)) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, (int64_t)ts.tv_sec * 1000 - UNLOCK_KEEP_MS);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto fail;
	snprintf(subject, sizeof subject, "%s %s", login != NULL ?
	    "operator" : "source", login != NULL ? login : source);
	if (db_audit(db, db_actor(db), "unlock requested", subject, "") == -1 ||
	    db_commit(db) == -1)
		goto fail;
	return (0);
fail:
	xasprintf(cause, "unlock request: %s", db_errmsg(db));
	db_rollback(db);
	return (-1);
}

/* The highest request id (0: none); -1 on error. */
int64_t
db_unlock_last(struct db *db)
{
	sqlite3_stmt	*st;
	int64_t		 v = -1;

	if ((st = db_stmt(db, unlock_last_sql)) == NULL)
		return (-1);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return (v);
}

static void
unlock_text(sqlite3_stmt *st, int i, char *dst, size_t size)
{
	const unsigned char	*s = sqlite3_column_text(st, i);

	snprintf(dst, size, "%s", s != NULL ? (const char *)s : "");
}

/* Requests with id > after, oldest first, at most max. 0 or -1. */
int
db_unlock_foreach(struct db *db, int64_t after, int max,
    int (*fn)(const struct db_unlock *, void *), void *arg)
{
	sqlite3_stmt	*st;
	struct db_unlock u;
	int		 rc, stop = 0;

	if ((st = db_stmt(db, unlock_after_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, max);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&u, 0, sizeof u);
		u.id = sqlite3_column_int64(st, 0);
		u.at = sqlite3_column_int64(st, 1);
		unlock_text(st, 2, u.login, sizeof u.login);
		unlock_text(st, 3, u.source, sizeof u.source);
		unlock_text(st, 4, u.actor, sizeof u.actor);
		stop = fn(&u, arg);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return (stop || rc == SQLITE_DONE ? 0 : -1);
}
