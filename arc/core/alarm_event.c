/*
 * alarm_event.c -- what a unit's events do to its alarm, decided before
 * the events are stored so the alarm's row is written in the same
 * transaction (the pipeline's request carries both).
 *
 * An event that needs a person (P1-P3) opens an alarm for its unit, or
 * attaches to the unit's open alarm (count, last time); its class can
 * only rise. P4 events annotate it. An unregistered unit's alarm is at
 * least P2. A unit past its runaway bucket for one (code, zone) raises
 * nothing: one P3 "runaway unit" alarm takes the rest. A technical
 * restore closes the unit's waiting technical alarm of the matching code
 * ("restored before answer"). A technical alarm may be held (hold = AT:300)
 * or, in a storm, collapse into an incident (incident.c decides).
 *
 * Thread: the network thread.
 */
#include <stdio.h>
#include <string.h>

#include "core.h"

static struct {
	char		 code[8];
	int		 secs;
}			 alarm_holds[16];
static size_t		 alarm_nholds;

/* Technical conditions and the restores that end them (SIA codes). */
static const char *alarm_restores[][2] = {
	{ "AR", "AT" },		/* AC (mains) */
	{ "YR", "YT" },		/* system battery */
	{ "XR", "XT" },		/* transmitter battery */
	{ "YK", "YC" },		/* communications */
	{ "YK", "YS" },		/* communications trouble; unit silent */
	{ "TR", "TA" },		/* tamper */
	{ "LR", "LT" },		/* phone line */
	{ "UJ", "UT" },		/* radio supervision */
};

void
alarm_hold(const char *code, int secs)
{
	if (alarm_nholds == nitems(alarm_holds))
		return;
	strlcpy(alarm_holds[alarm_nholds].code, code,
	    sizeof alarm_holds[0].code);
	alarm_holds[alarm_nholds++].secs = secs;
}

void
alarm_hold_clear(void)
{
	alarm_nholds = 0;
}

static int
alarm_needs_person(int class)
{
	return (class >= CLASS_P1 && class <= CLASS_P3);
}

static int
alarm_event_class(const struct db_event *e)
{
	/* An unregistered unit always needs a person to look. */
	if ((e->flags & EVENT_UNREGISTERED) && e->class > CLASS_P2)
		return (CLASS_P2);
	return (e->class);
}

/* The runaway bucket of (unit, code, zone); an unregistered unit by account. */
static uint64_t
alarm_runaway_key(const struct db_event *e)
{
	struct {
		int64_t	 unit;
		char	 account[17];
		char	 code[8];
		char	 zone[8];
	}	 k;

	memset(&k, 0, sizeof k);
	k.unit = e->unit_id;
	if (e->unit_id == 0)
		strlcpy(k.account, e->account, sizeof k.account);
	strlcpy(k.code, e->code, sizeof k.code);
	strlcpy(k.zone, e->zone, sizeof k.zone);
	return (hash64(&k, sizeof k, 0));
}

/* --- storms --- */

/* The open, stored incident of a storm of code, or NULL. */
static struct alarm *
alarm_storm_incident(const char *code)
{
	struct alarm	*inc;
	int64_t		 id = storm_incident(code);

	if (id == 0 || (inc = alarm_find(id)) == NULL || inc->closing ||
	    !inc->stored)
		return (NULL);
	return (inc);
}

/* An alarm of the storm's code still waiting joins the incident. */
struct alarm_sweep {
	struct alarm		*inc;
	struct alarm_changes	*cs;
};

static void
alarm_sweep_one(struct alarm *a, void *arg)
{
	struct alarm_sweep	*sw = arg;
	struct alarm		*inc = sw->inc;
	struct alarm_change	*c;
	int			 queued;

	if (a == inc || a->incident || a->incident_id != 0 ||
	    a->class != CLASS_P3 || a->state != ALARM_WAITING ||
	    strcmp(a->code, inc->code) != 0)
		return;
	queued = a->heap != SIZE_MAX || a->held_until != 0;
	alarm_set_member(a, inc->id);
	if (!queued)
		return;		/* the one being opened: written by its open */
	c = alarm_change(sw->cs, a, ACTION_JOINED, "arcd", 1);
	strlcpy(c->detail, inc->account, sizeof c->detail);
}

/* A storm of `code` began: one incident, and the waiting alarms join it. */
static struct alarm *
alarm_incident_start(const char *code, int64_t wall, struct alarm_changes *cs)
{
	struct alarm_sweep	 sw;
	struct alarm_change	*c;
	struct alarm		*inc;
	char			 acct[17];

	snprintf(acct, sizeof acct, "%c%s", ALARM_INCIDENT, code);
	inc = alarm_add(alarm_next_id, 0, acct);
	inc->incident = 1;
	inc->class = CLASS_P3;
	strlcpy(inc->code, code, sizeof inc->code);
	inc->opened_at = inc->last_at = wall;
	inc->state = ALARM_WAITING;
	alarm_queue(inc);
	storm_set_incident(code, inc->id);
	c = alarm_change(cs, inc, ACTION_INCIDENT, "arcd", 1);
	snprintf(c->detail, sizeof c->detail, "storm of %s: %d units", code,
	    storm_threshold_units());
	sw.inc = inc;
	sw.cs = cs;
	alarm_each(alarm_sweep_one, &sw);
	inc->dirty = 0;
	return (inc);
}

/* A technical alarm just opened: a storm, a hold, or the queue. */
static void
alarm_technical(struct alarm *a, int64_t wall, int64_t mono,
    struct alarm_changes *cs)
{
	struct alarm	*inc;
	int64_t		 id, until;
	size_t		 i;

	switch (incident_judge(a->code, alarm_unit_key(a->unit_id, a->account),
	    mono, &id, &until)) {
	case STORM_START:
		inc = alarm_incident_start(a->code, wall, cs);
		alarm_set_member(a, inc->id);
		return;
	case STORM_JOIN:
		if ((inc = alarm_storm_incident(a->code)) != NULL) {
			alarm_set_member(a, inc->id);
			return;
		}
		/* Its incident is not stored yet: wait a moment, then see. */
		alarm_set_held(a, mono + 1000);
		return;
	case STORM_SUSPECT:
		alarm_set_held(a, until);
		return;
	case STORM_NONE:
		break;
	}
	for (i = 0; i < alarm_nholds; i++) {
		if (strcmp(a->code, alarm_holds[i].code) == 0) {
			alarm_set_held(a, mono + alarm_holds[i].secs * 1000LL);
			return;
		}
	}
	alarm_queue(a);
}

/* --- events --- */

static struct alarm *
alarm_open(const struct db_event *e, int class, const char *code,
    int64_t wall)
{
	struct alarm	*a;

	a = alarm_add(alarm_next_id, e->unit_id, e->account);
	a->class = class;
	strlcpy(a->code, code, sizeof a->code);
	a->opened_at = a->last_at = wall;
	a->state = ALARM_WAITING;
	return (a);
}

static int
alarm_frame_restores(const struct db_event *ev, size_t n, const char *code)
{
	size_t	 i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < nitems(alarm_restores); j++)
			if (strcmp(ev[i].code, alarm_restores[j][0]) == 0 &&
			    strcmp(code, alarm_restores[j][1]) == 0)
				return (1);
	return (0);
}

/* The change that records what the frame did to a. */
static void
alarm_events_change(struct alarm *a, const struct db_event *ev, int opened,
    int raised, int counted, struct alarm_changes *cs)
{
	struct alarm_change	*c;
	enum alarm_action	 action;
	int			 row = 1;

	if (opened)
		action = ACTION_OPEN;
	else if (raised)
		action = ACTION_RAISE;		/* a decision: audited now */
	else if (counted) {
		/*
		 * Linked at insert: the event row is the record, the count
		 * follows coalesced (alarm_flush) -- unless the alarm's own
		 * row is not stored yet, then it goes with the event.
		 */
		action = ACTION_ATTACH;
		row = !a->stored;
		a->dirty = !row;
	} else {
		action = ACTION_ANNOTATE;	/* shown; the link is the record */
		row = !a->stored;		/* ... unless its row is not */
	}
	c = alarm_change(cs, a, action, "arcd", row);
	c->counted = counted;
	if (alarm_action_name(action) != NULL)	/* audited: say why */
		snprintf(c->detail, sizeof c->detail, "%s P%d seq %04d from %s",
		    ev->code, ev->class, ev->seq, ev->account);
}

/*
 * The condition of a technical alarm ended: nobody has answered it yet
 * (waiting, or only offered): closed, "restored before answer"; an
 * operator has it: it says so (restored_at), and stays theirs.
 */
static struct alarm *
alarm_restored(struct alarm *a, int64_t wall, struct alarm_changes *cs)
{
	if (a->state == ALARM_HANDLING) {
		if (a->restored_at == 0) {
			a->restored_at = wall;
			a->version++;
			alarm_change(cs, a, ACTION_RESTORED_HELD, "arcd", 1);
		}
		return (a);
	}
	if (a->state == ALARM_OFFERED)
		alarm_set_state(a, ALARM_WAITING, NULL, wall);
	a->outcome = OUTCOME_RESTORED;
	alarm_set_state(a, ALARM_CLOSED, "arcd", wall);
	alarm_change(cs, a, ACTION_RESTORED, "arcd", 1);
	return (NULL);
}

struct alarm *
alarm_events(struct db_event *ev, size_t n, int64_t wall, int64_t mono,
    struct alarm_changes *cs)
{
	struct alarm	*a;
	size_t		 i;
	int		 class, runaway, opened = 0, raised = 0, counted = 0;

	if (n == 0)
		return (NULL);
	a = alarm_of_unit(ev[0].unit_id, ev[0].account);
	for (i = 0; i < n; i++) {
		class = alarm_event_class(&ev[i]);
		runaway = alarm_needs_person(class) &&
		    runaway_take(alarm_runaway_key(&ev[i]), mono) != 0;
		if (runaway)
			class = CLASS_P3;	/* past its bucket: never raises */
		if (alarm_needs_person(class)) {
			if (a == NULL) {
				a = alarm_open(&ev[i], class, runaway ?
				    ALARM_RUNAWAY : ev[i].code, wall);
				opened = 1;
			} else if (class < a->class) {
				alarm_set_class(a, class, ev[i].code);
				raised = 1;
				if (a->incident_id != 0)	/* P1/P2 never */
					alarm_set_member(a, 0);	/* collapse */
				if (a->held_until != 0)
					alarm_set_held(a, 0);	/* a person now */
			}
			counted++;
		} else if (a == NULL)
			continue;
		ev[i].alarm_id = a->id;
	}
	if (a == NULL)
		return (NULL);
	if (counted)
		alarm_count_events(a, counted, wall);
	alarm_events_change(a, &ev[0], opened, raised, counted, cs);
	if (opened && a->class == CLASS_P3)
		alarm_technical(a, wall, mono, cs);
	else if (opened)
		alarm_queue(a);
	if (a->class != CLASS_P3 || !alarm_frame_restores(ev, n, a->code))
		return (a);
	return (alarm_restored(a, wall, cs));
}

/* --- ticks --- */

struct alarm_hold_walk {
	int64_t			 mono;
	struct alarm		*due[256];
	size_t			 n;
};

static void
alarm_hold_one(struct alarm *a, void *arg)
{
	struct alarm_hold_walk	*w = arg;

	if (a->held_until != 0 && a->held_until <= w->mono &&
	    w->n < nitems(w->due))
		w->due[w->n++] = a;
}

/* A hold is over: into its storm's incident if one has begun, else queued. */
static void
alarm_hold_over(struct alarm *a, struct alarm_changes *cs)
{
	struct alarm_change	*c;
	struct alarm		*inc;

	alarm_set_held(a, 0);
	if (a->class == CLASS_P3 && a->state == ALARM_WAITING &&
	    (inc = alarm_storm_incident(a->code)) != NULL) {
		alarm_set_member(a, inc->id);
		c = alarm_change(cs, a, ACTION_JOINED, "arcd", 1);
		strlcpy(c->detail, inc->account, sizeof c->detail);
		return;
	}
	alarm_change(cs, a, ACTION_HOLD_OVER, "arcd", 1);
}

int
alarm_release_holds(int64_t mono, struct alarm_changes *cs)
{
	struct alarm_hold_walk	 w;
	size_t			 i;

	w.mono = mono;
	w.n = 0;
	alarm_each(alarm_hold_one, &w);
	for (i = 0; i < w.n; i++)
		alarm_hold_over(w.due[i], cs);
	return ((int)w.n);
}

struct alarm_storm_walk {
	struct alarm_changes	*cs;
	int			 n;
};

static void
alarm_storm_over(int64_t id, void *arg)
{
	struct alarm_storm_walk	*w = arg;
	struct alarm		*inc = alarm_find(id);
	struct alarm_change	*c;

	w->n++;
	if (inc == NULL || inc->closing)
		return;
	inc->dirty = 0;
	c = alarm_change(w->cs, inc, ACTION_STORM_OVER, "arcd", 1);
	snprintf(c->detail, sizeof c->detail, "%d units", inc->count);
}

int
alarm_storms_over(int64_t mono, struct alarm_changes *cs)
{
	struct alarm_storm_walk	 w = { cs, 0 };

	storm_expire(mono, alarm_storm_over, &w);
	return (w.n);
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
