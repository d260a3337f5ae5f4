/*
 * db_alarm.c -- the alarm tables: the rows the store writer writes (an
 * alarm row with its links and audit, a note) and the reads arcd makes at
 * start-up (open alarms, today's closed ones, each alarm's newest events
 * and notes, events never linked).
 *
 * Empty text and zero times are stored as NULL and read back as "" / 0.
 *
 * Thread: whichever thread owns the struct db passed in (db.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "runtime.h"

#define ALARM_COLUMNS \
    "id, unit_id, account, class, code, state, operator, opened_at, " \
    "last_at, offered_at, accepted_at, closed_at, count, outcome, " \
    "outcome_text, incident_id, restored_at"

static const char alarm_write_sql[] =
    "INSERT INTO alarm (" ALARM_COLUMNS ") VALUES "
    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
    "?16, ?17) "
    "ON CONFLICT (id) DO UPDATE SET unit_id = ?2, account = ?3, class = ?4, "
    "code = ?5, state = ?6, operator = ?7, opened_at = ?8, last_at = ?9, "
    "offered_at = ?10, accepted_at = ?11, closed_at = ?12, count = ?13, "
    "outcome = ?14, outcome_text = ?15, incident_id = ?16, "
    "restored_at = ?17";
static const char alarm_link_sql[] =
    "UPDATE event SET alarm_id = ? WHERE id = ?";
static const char alarm_hwm_raise_sql[] =
    "UPDATE meta SET value = max(value, ?) WHERE key = 'alarm_hwm'";
static const char alarm_hwm_sql[] =
    "SELECT value FROM meta WHERE key = 'alarm_hwm'";
static const char alarm_max_sql[] =
    "SELECT coalesce(max(id), 0) FROM alarm";
static const char alarm_note_sql[] =
    "INSERT INTO alarm_note (alarm_id, at, operator, text) "
    "VALUES (?, ?, ?, ?)";
static const char alarm_open_sql[] =
    "SELECT " ALARM_COLUMNS " FROM alarm WHERE state != 'closed' "
    "ORDER BY id";
static const char alarm_since_sql[] =
    "SELECT " ALARM_COLUMNS " FROM alarm WHERE closed_at >= ? "
    "ORDER BY closed_at, id";
static const char alarm_events_sql[] =
    "SELECT " DB_EVENT_COLUMNS " FROM event WHERE alarm_id = ? AND id < ? "
    "ORDER BY id DESC LIMIT ?";
static const char alarm_notes_sql[] =
    "SELECT id, at, operator, text FROM alarm_note WHERE alarm_id = ? "
    "AND id < ? ORDER BY id DESC LIMIT ?";
static const char alarm_event_count_sql[] =
    "SELECT count(*) FROM event WHERE alarm_id = ?";
static const char alarm_note_count_sql[] =
    "SELECT count(*) FROM alarm_note WHERE alarm_id = ?";


/* Insert or update the alarm row a->id (an upsert: notes keep their row). */
int
db_alarm_write(struct db *db, const struct db_alarm *a)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (a->id <= 0)
		return (-1);
	if ((st = db_stmt(db, alarm_write_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, a->id);
	db_bind_int64(st, 2, a->unit_id);
	sqlite3_bind_text(st, 3, a->account, strnlen(a->account,
	    sizeof a->account), SQLITE_STATIC);
	sqlite3_bind_int(st, 4, a->class);
	BIND_TEXT(st, 5, a->code);
	sqlite3_bind_text(st, 6, a->state, strnlen(a->state, sizeof a->state),
	    SQLITE_STATIC);
	BIND_TEXT(st, 7, a->operator);
	sqlite3_bind_int64(st, 8, a->opened_at);
	sqlite3_bind_int64(st, 9, a->last_at);
	db_bind_int64(st, 10, a->offered_at);
	db_bind_int64(st, 11, a->accepted_at);
	db_bind_int64(st, 12, a->closed_at);
	sqlite3_bind_int(st, 13, a->count);
	BIND_TEXT(st, 14, a->outcome);
	BIND_TEXT(st, 15, a->outcome_text);
	db_bind_int64(st, 16, a->incident_id);
	db_bind_int64(st, 17, a->restored_at);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* event_id belongs to alarm_id. -1 also if there is no such event. */
int
db_alarm_link(struct db *db, int64_t alarm_id, int64_t event_id)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, alarm_link_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, alarm_id);
	sqlite3_bind_int64(st, 2, event_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE || sqlite3_changes(db_sqlite(db)) != 1)
		return (-1);
	return (0);
}

/* meta alarm_hwm = max(alarm_hwm, hwm). */
int
db_alarm_raise_hwm(struct db *db, int64_t hwm)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, alarm_hwm_raise_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, hwm);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return (rc == SQLITE_DONE ? 0 : -1);
}

int
db_alarm_note_add(struct db *db, int64_t alarm_id, int64_t at,
    const char *op, const char *text, int64_t *id)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, alarm_note_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, alarm_id);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_text(st, 3, op != NULL ? op : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, text != NULL ? text : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_DONE && id != NULL)
		*id = sqlite3_last_insert_rowid(db_sqlite(db));
	return (rc == SQLITE_DONE ? 0 : -1);
}

static int64_t
alarm_scalar(struct db *db, const char *sql)
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

/* The highest alarm id, 0 if none, -1 on error. */
int64_t
db_alarm_max_id(struct db *db)
{
	return (alarm_scalar(db, alarm_max_sql));
}

/* The highest event id the alarm logic has seen; -1 on error. */
int64_t
db_alarm_hwm(struct db *db)
{
	return (alarm_scalar(db, alarm_hwm_sql));
}

static void
alarm_text(sqlite3_stmt *st, int i, char *dst, size_t size)
{
	const unsigned char	*s = sqlite3_column_text(st, i);

	snprintf(dst, size, "%s", s != NULL ? (const char *)s : "");
}

#define COL_TEXT(st, i, f)	alarm_text(st, i, f, sizeof f)

static void
alarm_row(sqlite3_stmt *st, struct db_alarm *a)
{
	memset(a, 0, sizeof *a);
	a->id = sqlite3_column_int64(st, 0);
	a->unit_id = sqlite3_column_int64(st, 1);
	COL_TEXT(st, 2, a->account);
	a->class = sqlite3_column_int(st, 3);
	COL_TEXT(st, 4, a->code);
	COL_TEXT(st, 5, a->state);
	COL_TEXT(st, 6, a->operator);
	a->opened_at = sqlite3_column_int64(st, 7);
	a->last_at = sqlite3_column_int64(st, 8);
	a->offered_at = sqlite3_column_int64(st, 9);
	a->accepted_at = sqlite3_column_int64(st, 10);
	a->closed_at = sqlite3_column_int64(st, 11);
	a->count = sqlite3_column_int(st, 12);
	COL_TEXT(st, 13, a->outcome);
	COL_TEXT(st, 14, a->outcome_text);
	a->incident_id = sqlite3_column_int64(st, 15);
	a->restored_at = sqlite3_column_int64(st, 16);
}

/* Step st (bound) and call fn per alarm; stops early if fn != 0. */
static int
alarm_foreach(sqlite3_stmt *st, int (*fn)(const struct db_alarm *, void *),
    void *arg)
{
	struct db_alarm	*a;
	int		 rc = SQLITE_DONE, stop = 0;

	a = xmalloc(sizeof *a);		/* > 1 KB: not on the stack per call */
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		alarm_row(st, a);
		stop = fn(a, arg);
	}
	sqlite3_reset(st);
	free(a);
	return (stop || rc == SQLITE_DONE ? 0 : -1);
}

/* Every alarm not closed, by id. */
int
db_alarm_foreach_open(struct db *db,
    int (*fn)(const struct db_alarm *, void *), void *arg)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, alarm_open_sql)) == NULL)
		return (-1);
	return (alarm_foreach(st, fn, arg));
}

/* Alarms closed at or after since (ms), by closing time. */
int
db_alarm_foreach_since(struct db *db, int64_t since,
    int (*fn)(const struct db_alarm *, void *), void *arg)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, alarm_since_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, since);
	return (alarm_foreach(st, fn, arg));
}

/* At most max events of an alarm below id before (0: all), newest first. */
int
db_alarm_events(struct db *db, int64_t alarm_id, int64_t before, int max,
    int (*fn)(const struct db_event *, void *), void *arg)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, alarm_events_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, alarm_id);
	sqlite3_bind_int64(st, 2, before > 0 ? before : INT64_MAX);
	sqlite3_bind_int(st, 3, max);
	return (db_event_rows(st, fn, arg));
}

/* ... and its notes the same way. */
int
db_alarm_notes(struct db *db, int64_t alarm_id, int64_t before, int max,
    int (*fn)(const struct db_note *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct db_note		 n;
	const unsigned char	*op, *text;
	int			 rc = SQLITE_DONE, stop = 0;

	if ((st = db_stmt(db, alarm_notes_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, alarm_id);
	sqlite3_bind_int64(st, 2, before > 0 ? before : INT64_MAX);
	sqlite3_bind_int(st, 3, max);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		n.id = sqlite3_column_int64(st, 0);
		n.at = sqlite3_column_int64(st, 1);
		op = sqlite3_column_text(st, 2);
		text = sqlite3_column_text(st, 3);
		n.op = op != NULL ? (const char *)op : "";
		n.text = text != NULL ? (const char *)text : "";
		stop = fn(&n, arg);
	}
	sqlite3_reset(st);
	return (stop || rc == SQLITE_DONE ? 0 : -1);
}

static int
alarm_count(struct db *db, const char *sql, int64_t alarm_id, int64_t *n)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, alarm_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return (rc == SQLITE_ROW ? 0 : -1);
}

int
db_alarm_counts(struct db *db, int64_t alarm_id, int64_t *events,
    int64_t *notes)
{
	if (alarm_count(db, alarm_event_count_sql, alarm_id, events) != 0 ||
	    alarm_count(db, alarm_note_count_sql, alarm_id, notes) != 0)
		return (-1);
	return (0);
}
