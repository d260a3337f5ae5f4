/*
 * db_event.c -- the event table: the hot insert (store writer), duplicate
 * counts, and the reads for arcctl and the dedupe window at start-up.
 *
 * Empty optional text fields and zero unit_id / device_time are stored as
 * NULL and read back as "" / 0.
 *
 * Thread: whichever thread owns the struct db passed in (db.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "runtime.h"

static const char event_insert_sql[] =
    "INSERT INTO event (unit_id, protocol, account, seq, token, dedupe, "
    "part, code, raw_code, class, qualifier, area, zone, text, location, "
    "device_time, received_at, source, flags, raw, dup_count, alarm_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?)";
static const char event_dup_sql[] =
    "UPDATE event SET dup_count = dup_count + 1 WHERE id = ?";
static const char event_since_sql[] =
    "SELECT " DB_EVENT_COLUMNS " FROM event "
    "WHERE received_at >= ? ORDER BY received_at, id";
static const char event_after_sql[] =
    "SELECT " DB_EVENT_COLUMNS " FROM event WHERE id > ? AND "
    "alarm_id IS NULL ORDER BY id";
static const char event_dedupe_sql[] =
    "SELECT dedupe, id FROM event WHERE received_at >= ?";


static void
event_bind(sqlite3_stmt *st, const struct db_event *ev)
{
	db_bind_int64(st, 1, ev->unit_id);
	BIND_TEXT(st, 2, ev->protocol);
	sqlite3_bind_text(st, 3, ev->account, strnlen(ev->account,
	    sizeof ev->account), SQLITE_STATIC);
	sqlite3_bind_int(st, 4, ev->seq);
	sqlite3_bind_text(st, 5, ev->token, strnlen(ev->token,
	    sizeof ev->token), SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, ev->dedupe);
	sqlite3_bind_int(st, 7, ev->part);
	BIND_TEXT(st, 8, ev->code);
	BIND_TEXT(st, 9, ev->raw_code);
	sqlite3_bind_int(st, 10, ev->class);
	BIND_TEXT(st, 11, ev->qualifier);
	BIND_TEXT(st, 12, ev->area);
	BIND_TEXT(st, 13, ev->zone);
	BIND_TEXT(st, 14, ev->text);
	BIND_TEXT(st, 15, ev->location);
	db_bind_int64(st, 16, ev->device_time);
	sqlite3_bind_int64(st, 17, ev->received_at);
	BIND_TEXT(st, 18, ev->source);
	sqlite3_bind_int(st, 19, ev->flags);
	if (ev->raw != NULL)
		sqlite3_bind_blob(st, 20, ev->raw, ev->raw_len, SQLITE_STATIC);
	sqlite3_bind_int(st, 21, ev->dup_count);
	if (ev->alarm_id != 0)
		sqlite3_bind_int64(st, 22, ev->alarm_id);
	else
		sqlite3_bind_null(st, 22);
}

/* Insert one row and set ev->id. 0 or -1. */
int
db_event_insert(struct db *db, struct db_event *ev)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, event_insert_sql)) == NULL)
		return (-1);
	event_bind(st, ev);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return (-1);
	ev->id = sqlite3_last_insert_rowid(db_sqlite(db));
	return (0);
}

/* dup_count += 1 on event id. 0 or -1 (also if there is no such row). */
int
db_event_duplicate(struct db *db, int64_t id)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, event_dup_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE || sqlite3_changes(db_sqlite(db)) != 1)
		return (-1);
	return (0);
}

static void
event_text(sqlite3_stmt *st, int i, char *dst, size_t size)
{
	const unsigned char	*s = sqlite3_column_text(st, i);

	snprintf(dst, size, "%s", s != NULL ? (const char *)s : "");
}

#define COL_TEXT(st, i, f)	event_text(st, i, f, sizeof f)

/* Step st through its rows of DB_EVENT_COLUMNS, calling fn on each. */
int
db_event_rows(sqlite3_stmt *st, int (*fn)(const struct db_event *, void *),
    void *arg)
{
	struct db_event	 ev;
	int		 rc = SQLITE_DONE, stop = 0;

	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_event_row(st, &ev);
		stop = fn(&ev, arg);
	}
	sqlite3_reset(st);
	return (stop || rc == SQLITE_DONE ? 0 : -1);
}

/* Fill ev from a row of DB_EVENT_COLUMNS; ev->raw points into the row. */
void
db_event_row(sqlite3_stmt *st, struct db_event *ev)
{
	memset(ev, 0, sizeof *ev);
	ev->id = sqlite3_column_int64(st, 0);
	ev->unit_id = sqlite3_column_int64(st, 1);
	COL_TEXT(st, 2, ev->protocol);
	COL_TEXT(st, 3, ev->account);
	ev->seq = sqlite3_column_int(st, 4);
	COL_TEXT(st, 5, ev->token);
	ev->dedupe = sqlite3_column_int64(st, 6);
	ev->part = sqlite3_column_int(st, 7);
	COL_TEXT(st, 8, ev->code);
	COL_TEXT(st, 9, ev->raw_code);
	ev->class = sqlite3_column_int(st, 10);
	COL_TEXT(st, 11, ev->qualifier);
	COL_TEXT(st, 12, ev->area);
	COL_TEXT(st, 13, ev->zone);
	COL_TEXT(st, 14, ev->text);
	COL_TEXT(st, 15, ev->location);
	ev->device_time = sqlite3_column_int64(st, 16);
	ev->received_at = sqlite3_column_int64(st, 17);
	COL_TEXT(st, 18, ev->source);
	ev->flags = sqlite3_column_int(st, 19);
	ev->raw = sqlite3_column_blob(st, 20);
	ev->raw_len = sqlite3_column_bytes(st, 20);
	ev->dup_count = sqlite3_column_int(st, 21);
}

/*
 * Events with received_at >= since (ms), oldest first; stops early if fn
 * returns non-zero. ev->raw is valid only during the call.
 */
int
db_event_foreach(struct db *db, int64_t since,
    int (*fn)(const struct db_event *, void *), void *arg)
{
	sqlite3_stmt	*st;
	if ((st = db_stmt(db, event_since_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, since);
	return (db_event_rows(st, fn, arg));
}

/* Dedupe keys seen since a time (ms), for the dedupe window at start-up. */
int
db_dedupe_secret(struct db *db, uint8_t key[16])
{
	sqlite3_stmt	*st;
	uint64_t	 k[2];
	int		 n = 0;

	if ((st = db_stmt(db, "SELECT key, value FROM meta WHERE key IN "
	    "('dedupe_k0', 'dedupe_k1') ORDER BY key")) == NULL)
		return (-1);
	while (n < 2 && sqlite3_step(st) == SQLITE_ROW)
		k[n++] = (uint64_t)sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	if (n != 2)
		return (-1);
	memcpy(key, &k[0], 8);
	memcpy(key + 8, &k[1], 8);
	explicit_bzero(k, sizeof k);
	return (0);
}

int
db_dedupe_foreach(struct db *db, int64_t since,
    int (*fn)(int64_t, int64_t, void *), void *arg)
{
	sqlite3_stmt	*st;
	int		 rc = SQLITE_DONE, stop = 0;

	if ((st = db_stmt(db, event_dedupe_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, since);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = fn(sqlite3_column_int64(st, 0),
		    sqlite3_column_int64(st, 1), arg);
	sqlite3_reset(st);
	return (stop || rc == SQLITE_DONE ? 0 : -1);
}

/*
 * Events with id > after, oldest first (crash recovery of alarms); stops
 * early if fn returns non-zero. ev->raw is valid only during the call.
 */
int
db_event_foreach_after(struct db *db, int64_t after,
    int (*fn)(const struct db_event *, void *), void *arg)
{
	sqlite3_stmt	*st;
	if ((st = db_stmt(db, event_after_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, after);
	return (db_event_rows(st, fn, arg));
}
