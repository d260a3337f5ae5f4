/*
 * stats.c -- the live service figures: of today's (UTC) P1/P2
 * alarms, the share answered within 60 s and within 180 s (targets 98.5 %
 * and 99 %), an alarm still waiting counting late as soon as it passes the
 * mark, and the list of those past 180 s; the same per operator (who
 * accepted it), with their logins today. Pure: `now` is wall ms (a
 * figure of the UTC day, not a deadline), passed in.
 *
 * Thread: network thread.
 */
#include <string.h>

#include "core.h"

static int64_t		 stats_day;
static int		 stats_answered, stats_within_60, stats_within_180;
static int64_t		 stats_late[STATS_LATE_MAX];
static size_t		 stats_nlate;

/* Today's figures per operator (a shift's logins and answers). */
#define STATS_OPERATORS	256
static struct {
	char			 login[32];
	struct stats_operator	 st;
}			 stats_ops[STATS_OPERATORS];
static size_t		 stats_nops;

/* The operator's figures, made if there is room; NULL if not. */
static struct stats_operator *
stats_op(const char *login, int create)
{
	size_t	 i;

	for (i = 0; i < stats_nops; i++)
		if (strcmp(stats_ops[i].login, login) == 0)
			return (&stats_ops[i].st);
	if (!create || stats_nops == STATS_OPERATORS || *login == '\0')
		return (NULL);
	strlcpy(stats_ops[stats_nops].login, login,
	    sizeof stats_ops[0].login);
	memset(&stats_ops[stats_nops].st, 0, sizeof stats_ops[0].st);
	return (&stats_ops[stats_nops++].st);
}

void
stats_reset(void)
{
	stats_answered = stats_within_60 = stats_within_180 = 0;
	stats_nlate = 0;
	stats_nops = 0;
	stats_day = 0;
}

static int64_t
stats_day_of(int64_t ms)
{
	return (ms / 86400000);
}

/* A new UTC day starts the figures from nothing. */
void
stats_day_roll(int64_t now)
{
	if (stats_day_of(now) == stats_day)
		return;
	stats_day = stats_day_of(now);
	stats_answered = stats_within_60 = stats_within_180 = 0;
	stats_nlate = 0;
	stats_nops = 0;
}

void
stats_count_login(const char *login, int64_t now)
{
	struct stats_operator	*o;

	stats_day_roll(now);
	if ((o = stats_op(login, 1)) != NULL)
		o->logins++;
}

void
stats_of_operator(const char *login, struct stats_operator *out)
{
	struct stats_operator	*o = stats_op(login, 0);

	if (o != NULL)
		*out = *o;
	else
		memset(out, 0, sizeof *out);
}

/* A P1/P2 alarm of today was accepted for the first time. */
void
stats_count_answer(const struct alarm *a)
{
	struct stats_operator	*o;
	int64_t			 took = a->accepted_at - a->opened_at;

	if (stats_day_of(a->accepted_at) < stats_day)
		return;		/* an earlier day's: never roll back */
	stats_day_roll(a->accepted_at);
	if (a->class > CLASS_P2 || stats_day_of(a->opened_at) != stats_day)
		return;
	stats_answered++;
	if ((o = stats_op(a->operator, 1)) != NULL)
		o->answered++;
	if (took <= ALARM_TOP_TARGET_MS) {
		stats_within_60++;
		if (o != NULL)
			o->within_60++;
	}
	if (took <= ALARM_LATE_MS) {
		stats_within_180++;
		if (o != NULL)
			o->within_180++;
	} else if (stats_nlate < nitems(stats_late))
		stats_late[stats_nlate++] = a->id;
}

void
stats_restore_closed(const struct db_alarm *da)
{
	struct alarm	 a;

	memset(&a, 0, sizeof a);
	a.id = da->id;
	a.class = da->class;
	a.opened_at = da->opened_at;
	a.accepted_at = da->accepted_at;
	strlcpy(a.operator, da->operator, sizeof a.operator);
	if (a.accepted_at != 0)
		stats_count_answer(&a);
}

/* Today's answered figures: the start of a walk over the open alarms. */
void
stats_begin(int64_t now, struct alarm_stats *st)
{
	stats_day_roll(now);
	memset(st, 0, sizeof *st);
	st->answered = stats_answered;
	st->within_60 = stats_within_60;
	st->within_180 = stats_within_180;
	st->late_60 = stats_answered - stats_within_60;
	st->late_180 = stats_answered - stats_within_180;
	memcpy(st->over_180, stats_late, stats_nlate * sizeof *stats_late);
	st->nover_180 = stats_nlate;
}

/* One open alarm: the queue per class, and today's P1/P2 not answered. */
void
stats_open(struct alarm_stats *st, const struct alarm *a, int queued,
    int64_t now)
{
	int64_t	 waited;

	if (queued && a->class >= CLASS_P1 && a->class <= CLASS_P3)
		st->queue[a->class]++;
	if (a->accepted_at != 0 || a->class > CLASS_P2 ||
	    stats_day_of(a->opened_at) != stats_day)
		return;
	waited = now - a->opened_at;
	if (waited > ALARM_TOP_TARGET_MS)
		st->late_60++;
	if (waited > ALARM_LATE_MS) {
		st->late_180++;
		if (st->nover_180 < nitems(st->over_180))
			st->over_180[st->nover_180++] = a->id;
	}
}

void
stats_end(struct alarm_stats *st)
{
	st->pct_60 = 100.0 * st->within_60 /
	    (st->within_60 + st->late_60 ? st->within_60 + st->late_60 : 1);
	st->pct_180 = 100.0 * st->within_180 /
	    (st->within_180 + st->late_180 ? st->within_180 + st->late_180 : 1);
	if (st->within_60 + st->late_60 == 0)
		st->pct_60 = 100.0;
	if (st->within_180 + st->late_180 == 0)
		st->pct_180 = 100.0;
}
