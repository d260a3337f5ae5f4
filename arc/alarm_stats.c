/*
 * alarm_stats.c -- the live service figures: of today's (UTC) P1/P2
 * alarms, the share answered within 60 s and within 180 s (targets 98.5 %
 * and 99 %), an alarm still waiting counting late as soon as it passes the
 * mark, and the list of those past 180 s. Pure: `now` is data.
 *
 * Thread: network thread.
 */
#include <string.h>

#include "alarm.h"
#include "arc.h"

static int64_t		 alarm_day;
static int		 alarm_answered, alarm_within_60, alarm_within_180;
static int64_t		 alarm_late[16];
static size_t		 alarm_nlate;

void
alarm_stats_reset(void)
{
	alarm_answered = alarm_within_60 = alarm_within_180 = 0;
	alarm_nlate = 0;
	alarm_day = 0;
}

static int64_t
alarm_day_of(int64_t ms)
{
	return (ms / 86400000);
}

/* A new UTC day starts the figures from nothing. */
void
alarm_day_roll(int64_t now)
{
	if (alarm_day_of(now) == alarm_day)
		return;
	alarm_day = alarm_day_of(now);
	alarm_answered = alarm_within_60 = alarm_within_180 = 0;
	alarm_nlate = 0;
}

/* A P1/P2 alarm of today was accepted for the first time. */
void
alarm_count_answer(const struct alarm *a)
{
	int64_t	 took = a->accepted_at - a->opened_at;

	if (alarm_day_of(a->accepted_at) < alarm_day)
		return;		/* an earlier day's: never roll back */
	alarm_day_roll(a->accepted_at);
	if (a->class > 2 || alarm_day_of(a->opened_at) != alarm_day)
		return;
	alarm_answered++;
	if (took <= ALARM_TOP_TARGET_MS)
		alarm_within_60++;
	if (took <= ALARM_LATE_MS)
		alarm_within_180++;
	else if (alarm_nlate < nitems(alarm_late))
		alarm_late[alarm_nlate++] = a->id;
}

void
alarm_restore_closed(const struct db_alarm *da)
{
	struct alarm	 a;

	memset(&a, 0, sizeof a);
	a.id = da->id;
	a.class = da->class;
	a.opened_at = da->opened_at;
	a.accepted_at = da->accepted_at;
	if (a.accepted_at != 0)
		alarm_count_answer(&a);
}

struct alarm_stats_walk {
	struct alarm_stats	*st;
	int64_t			 now;
};

/* The queue per class, and today's P1/P2 alarms still not answered. */
static void
alarm_stats_one(struct alarm *a, void *arg)
{
	struct alarm_stats_walk	*w = arg;
	struct alarm_stats	*st = w->st;
	int64_t			 waited;

	if (a->state != ALARM_HANDLING && a->held_until == 0 &&
	    a->incident_id == 0 && a->class >= 1 && a->class <= 3)
		st->queue[a->class]++;
	if (a->accepted_at != 0 || a->class > 2 ||
	    alarm_day_of(a->opened_at) != alarm_day)
		return;
	waited = w->now - a->opened_at;
	if (waited > ALARM_TOP_TARGET_MS)
		st->late_60++;
	if (waited > ALARM_LATE_MS) {
		st->late_180++;
		if (st->nover_180 < nitems(st->over_180))
			st->over_180[st->nover_180++] = a->id;
	}
}

void
alarm_stats(int64_t now, struct alarm_stats *st)
{
	struct alarm_stats_walk	 w = { st, now };

	alarm_day_roll(now);
	memset(st, 0, sizeof *st);
	st->answered = alarm_answered;
	st->within_60 = alarm_within_60;
	st->within_180 = alarm_within_180;
	st->late_60 = alarm_answered - alarm_within_60;
	st->late_180 = alarm_answered - alarm_within_180;
	memcpy(st->over_180, alarm_late, alarm_nlate * sizeof *alarm_late);
	st->nover_180 = alarm_nlate;
	alarm_each(alarm_stats_one, &w);
	st->pct_60 = 100.0 * st->within_60 /
	    (st->within_60 + st->late_60 ? st->within_60 + st->late_60 : 1);
	st->pct_180 = 100.0 * st->within_180 /
	    (st->within_180 + st->late_180 ? st->within_180 + st->late_180 : 1);
	if (st->within_60 + st->late_60 == 0)
		st->pct_60 = 100.0;
	if (st->within_180 + st->late_180 == 0)
		st->pct_180 = 100.0;
}

