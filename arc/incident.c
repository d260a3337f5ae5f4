/*
 * incident.c -- storms collapse into incidents. When storm.c sees one
 * technical code from many units within its window, the code's alarms
 * join one incident: a single queue row (an alarm with account "*CODE"
 * and no unit) carrying the live count and the list of affected units;
 * the member alarms stay in the database, pointing at it, and are not
 * queued. Past a tenth of the threshold a storm is suspected and new
 * alarms of the code are held (at most one window) until it is clear
 * whether they collapse. P1 and P2 never collapse: a member raised to
 * P1/P2 leaves. The storm ends after a quiet period; the incident stays
 * until an operator closes it, which closes its members with the same
 * outcome.
 *
 * Thread: network thread.
 */
#include <stdlib.h>
#include <string.h>

#include "alarm.h"
#include "arc.h"

static void
alarm_join(struct alarm *a, struct alarm *inc)
{
	alarmq_remove(a);
	a->held_until = 0;
	a->incident_id = inc->id;
	inc->count++;
	if (a->opened_at > inc->last_at)
		inc->last_at = a->opened_at;
	inc->dirty = 1;
	inc->version++;
}

void
alarm_leave(struct alarm *a)
{
	struct alarm	*inc = alarm_find(a->incident_id);

	a->incident_id = 0;
	if (inc != NULL) {
		inc->count--;
		inc->dirty = 1;
		inc->version++;
	}
}

/* An alarm of the storm's code still waiting joins the incident. */
static void
alarm_sweep_one(struct alarm *a, void *arg)
{
	struct alarm	*inc = arg;
	char		 acct[17];
	int		 queued;

	if (a == inc || a->incident || a->incident_id != 0 || a->class != 3 ||
	    a->state != ALARM_WAITING || strcmp(a->code, inc->code) != 0)
		return;
	queued = a->heap != SIZE_MAX || a->held_until != 0;
	alarm_join(a, inc);
	snprintf(acct, sizeof acct, "%s", inc->account);
	if (queued)	/* not the one being opened: written here */
		alarm_write(a, NULL, 0, 0, "arcd", "joined incident", acct, 0);
}

/* A storm of `code` began: one incident, and the waiting alarms join it. */
static struct alarm *
alarm_incident_start(const char *code, int64_t now)
{
	struct alarm	*inc;
	char		 acct[17], detail[64];

	snprintf(acct, sizeof acct, "%c%s", ALARM_INCIDENT, code);
	inc = alarm_add(alarm_next_id, 0, acct);
	inc->incident = 1;
	inc->class = 3;
	strlcpy(inc->code, code, sizeof inc->code);
	inc->opened_at = inc->last_at = now;
	inc->state = ALARM_WAITING;
	alarmq_push(inc);
	storm_set_incident(code, inc->id);
	alarm_each(alarm_sweep_one, inc);
	snprintf(detail, sizeof detail, "storm of %s: %d units", code,
	    storm_threshold_units());
	inc->dirty = 0;
	alarm_write(inc, NULL, 0, 0, "arcd", "incident", detail, 0);
	return (inc);
}

/*
 * A technical alarm just opened: count it towards a storm of its code and,
 * in one, collapse it into the incident. Returns the incident, or NULL.
 */
struct alarm *
alarm_storm(struct alarm *a, int64_t now)
{
	struct alarm	*inc;
	int		 n;

	if (strcmp(a->code, ALARM_RUNAWAY) == 0)
		return (NULL);
	n = storm_count(a->code, alarm_unit_key(a->unit_id, a->account), now);
	inc = alarm_find(storm_incident(a->code));
	if (inc == NULL && n >= storm_threshold_units())
		inc = alarm_incident_start(a->code, now);
	if (inc != NULL && a->incident_id == 0)
		alarm_join(a, inc);
	else if (inc == NULL && n >= storm_suspect_units())
		a->held_until = now + storm_window_ms();	/* suspected */
	return (inc);
}

/* Closing an incident closes the alarms it collapsed, with its outcome. */
struct alarm_members {
	int64_t		 incident;
	struct alarm	**m;
	size_t		 n, cap;
};

static void
alarm_collect_one(struct alarm *a, void *arg)
{
	struct alarm_members	*ms = arg;

	if (a->incident_id != ms->incident || a->state == ALARM_OFFERED)
		return;
	if (ms->n == ms->cap) {
		ms->cap = ms->cap ? ms->cap * 2 : 64;
		ms->m = xreallocarray(ms->m, ms->cap, sizeof *ms->m);
	}
	ms->m[ms->n++] = a;
}

void
alarm_close_members(struct alarm *inc, const char *op, int64_t now)
{
	struct alarm_members	 ms = { inc->id, NULL, 0, 0 };
	struct alarm		**m;
	size_t			 i, n;

	alarm_each(alarm_collect_one, &ms);
	m = ms.m;
	n = ms.n;
	for (i = 0; i < n; i++) {
		m[i]->outcome = inc->outcome;
		m[i]->incident_id = 0;	/* the incident is closing too */
		alarm_set_state(m[i], ALARM_CLOSED, op, now, op,
		    "closed with incident", 0);
	}
	inc->count = 0;
	free(m);
}

struct alarm_member_walk {
	int64_t		 incident;
	void		(*fn)(struct alarm *, void *);
	void		*arg;
};

static void
alarm_member_one(struct alarm *a, void *arg)
{
	struct alarm_member_walk	*w = arg;

	if (a->incident_id == w->incident)
		w->fn(a, w->arg);
}

void
alarm_foreach_member(int64_t incident, void (*fn)(struct alarm *, void *),
    void *arg)
{
	struct alarm_member_walk	 w = { incident, fn, arg };

	alarm_each(alarm_member_one, &w);
}

static void
alarm_storm_over(int64_t id, void *arg)
{
	struct alarm	*inc = alarm_find(id);
	char		 detail[64];

	(*(int *)arg)++;
	if (inc == NULL)
		return;
	snprintf(detail, sizeof detail, "%d units", inc->count);
	inc->version++;
	inc->dirty = 0;
	alarm_write(inc, NULL, 0, 0, "arcd", "storm over", detail, 0);
}

int
alarm_storms_over(int64_t now)
{
	int	 n = 0;

	storm_expire(now, alarm_storm_over, &n);
	return (n);
}

