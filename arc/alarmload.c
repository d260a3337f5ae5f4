/*
 * alarmload.c -- the alarms at start-up, read with the loop's own
 * connection before the loop runs: the open alarms (offers do not survive
 * a restart; alarms in hand keep their operator, who has one console
 * grace to log in again), today's closed ones for the service figures,
 * each open alarm's newest events and notes, and -- the safety net --
 * every stored event past the high-water mark that no alarm links yet,
 * through the core again (alarmio_replay). Events and their alarm rows
 * are written in one transaction, so that finds nothing after a crash of
 * this version; it catches what an older one left.
 *
 * Thread: the network thread, at start-up (before the loop runs).
 */
#include <stdlib.h>
#include <string.h>

#include "arc.h"

struct alarmload_replay {
	struct db_event	 ev[DC09_MAX_EVENTS];
	size_t		 n;
	size_t		 total;
};

static int
alarmload_open(const struct db_alarm *da, void *arg)
{
	alarm_restore(da, *(int64_t *)arg);
	return (0);
}

static int
alarmload_closed(const struct db_alarm *da, void *arg)
{
	(void)arg;
	if (strcmp(da->state, "closed") == 0)
		stats_restore_closed(da);
	return (0);
}

struct alarmload_ids {
	int64_t		*v;
	size_t		 n;
};

static void
alarmload_id(struct alarm *a, void *arg)
{
	struct alarmload_ids	*ids = arg;

	ids->v[ids->n++] = a->id;
}

static int
alarmload_history(struct db *db)
{
	struct alarmload_ids	 ids = { NULL, 0 };
	size_t			 i;
	int			 rc = 0;

	if (alarm_count_open() == 0)
		return (0);
	ids.v = xreallocarray(NULL, alarm_count_open(), sizeof *ids.v);
	alarm_each(alarmload_id, &ids);
	for (i = 0; rc == 0 && i < ids.n; i++)
		rc = history_load(db, ids.v[i]);
	free(ids.v);
	return (rc);
}

static void
alarmload_flush(struct alarmload_replay *r)
{
	if (r->n > 0)
		alarmio_replay(r->ev, r->n);
	r->total += r->n;
	r->n = 0;
}

/* Events stored but never seen by the core: one frame at a time. */
static int
alarmload_replay_one(const struct db_event *e, void *arg)
{
	struct alarmload_replay	*r = arg;

	/*
	 * Only what needs a person: an unlinked P4 event found no alarm
	 * when it came (a restore replayed now could close a later alarm).
	 */
	if (e->class == CLASS_P4 && !(e->flags & EVENT_UNREGISTERED))
		return (0);
	if (r->n > 0 && (r->ev[0].dedupe != e->dedupe ||
	    strcmp(r->ev[0].account, e->account) != 0 ||
	    r->n == nitems(r->ev)))
		alarmload_flush(r);
	r->ev[r->n] = *e;
	r->ev[r->n].raw = NULL;
	r->n++;
	return (0);
}

int
alarmload(struct db *db, char **cause)
{
	struct alarmload_replay	*r;
	int64_t			 wall = clock_wall();

	alarm_init(db_alarm_max_id(db) + 1);
	if (db_alarm_foreach_open(db, alarmload_open, &wall) != 0 ||
	    db_alarm_foreach_since(db, wall - wall % 86400000,
	    alarmload_closed, NULL) != 0 || alarmload_history(db) != 0) {
		xasprintf(cause, "loading alarms: %s", db_errmsg(db));
		return (-1);
	}
	alarm_restore_done();
	alarmio_loaded();
	r = xcalloc(1, sizeof *r);
	if (db_event_foreach_after(db, db_alarm_hwm(db), alarmload_replay_one,
	    r) != 0) {
		xasprintf(cause, "replaying events: %s", db_errmsg(db));
		free(r);
		return (-1);
	}
	alarmload_flush(r);
	log_notice("alarms: %zu open, %zu stored events replayed",
	    alarm_count_open(), r->total);
	free(r);
	return (0);
}
