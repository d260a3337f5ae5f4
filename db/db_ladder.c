/*
 * db_ladder.c -- escalation ladders as arcd last had them (one JSON text
 * per alarm, written by the store writer on every change) and read back
 * at start-up for the alarms still open.
 *
 * Thread: the store writer (db_ladder_put), the loop at start-up
 * (db_ladders).
 */
#include <sqlite3.h>
#include <stdlib.h>

#include "db.h"

static const char ladder_put_sql[] =
    "INSERT INTO ladder (alarm_id, at, state) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (alarm_id) DO UPDATE SET at = ?2, state = ?3";
static const char ladders_sql[] =
    "SELECT l.alarm_id, l.state FROM ladder l JOIN alarm a ON "
    "a.id = l.alarm_id WHERE a.state <> 'closed' ORDER BY l.alarm_id";

int
db_ladder_put(struct db *db, int64_t alarm_id, int64_t at, const char *json)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, ladder_put_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, alarm_id);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_text(st, 3, json, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return (rc == SQLITE_DONE ? 0 : -1);
}

int
db_ladders(struct db *db, int (*fn)(int64_t, const char *, void *),
    void *arg)
{
	sqlite3_stmt		*st;
	const unsigned char	*s;
	int			 rc = SQLITE_DONE, stop = 0;

	if ((st = db_stmt(db, ladders_sql)) == NULL)
		return (-1);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		s = sqlite3_column_text(st, 1);
		stop = fn(sqlite3_column_int64(st, 0), s != NULL ?
		    (const char *)s : "", arg);
	}
	sqlite3_reset(st);
	return (stop || rc == SQLITE_DONE ? 0 : -1);
}
