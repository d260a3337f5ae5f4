/*
 * gauge.c -- the wallboard's figures: the queue per class (alarms waiting
 * or offered, shown on their own, as the consoles count them) and how
 * long its oldest has waited since it opened; operators logged in and
 * what each is doing; offers pending, alarms in hand, alarms held for
 * their restore, open incidents and their members. Read from the core's
 * state when /metrics is asked; `wall` (UTC ms) comes in as data.
 *
 * Thread: the network thread.
 */
#include <string.h>

#include "core.h"

struct gauge_walk {
	struct gauges	*g;
	int64_t		 wall;
};

static void
gauge_alarm(struct alarm *a, void *arg)
{
	struct gauge_walk	*w = arg;
	struct gauges		*g = w->g;
	int64_t			 waited;

	if (a->closing)
		return;
	if (a->incident_id != 0)
		g->members++;
	else if (a->held_until != 0)
		g->on_hold++;
	if (a->incident)
		g->incidents++;
	if (a->state == ALARM_OFFERED)
		g->offers++;
	else if (a->state == ALARM_HANDLING)
		g->handling++;
	if (a->state == ALARM_HANDLING || !alarm_visible(a) ||
	    a->class < CLASS_P1 || a->class > CLASS_P3)
		return;
	g->queue[a->class]++;
	waited = w->wall - a->opened_at;
	if (waited > g->oldest_ms[a->class])
		g->oldest_ms[a->class] = waited;
}

static void
gauge_operator(struct operator *op, void *arg)
{
	struct gauges	*g = arg;

	g->operators++;
	g->by_state[dispatch_state(op)]++;
}

void
gauge_read(int64_t wall, struct gauges *g)
{
	struct gauge_walk	 w = { g, wall };

	memset(g, 0, sizeof *g);
	alarm_each(gauge_alarm, &w);
	operator_each(gauge_operator, g);
}
