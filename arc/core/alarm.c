/*
 * alarm.c -- the open alarms, their state machine, and the changes that
 * must be stored (what operators do is in alarm_act.c, what events do in
 * alarm_event.c).
 *
 * alarm_set_state() is the only writer of an alarm's state, operator and
 * state times: it checks the transition table and keeps the indexes (the
 * queue, the unit's open alarm, what each operator holds). Every decision
 * is applied in memory at once (so a close pipelined behind an accept
 * sees the accept) and comes out as a typed change (struct alarm_change)
 * in the caller's list; the pipeline writes it with its audit row and
 * hands the result back to alarm_done(). A failed write undoes its count
 * and, once no other write of the alarm is in flight, puts back the state
 * last stored (alarm->saved): memory is what the database holds.
 *
 * A closed alarm leaves every index at once (a new event of its unit
 * opens a new alarm) but is kept, closing, until its close is stored.
 *
 * Thread: the network thread.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"

static const char *alarm_state_names[ALARM_STATE_MAX] = {
	[ALARM_WAITING] = "waiting",
	[ALARM_OFFERED] = "offered",
	[ALARM_HANDLING] = "handling",
	[ALARM_CLOSED] = "closed",
};

static const char *alarm_outcome_names[OUTCOME_MAX] = {
	[OUTCOME_NONE] = "",
	[OUTCOME_NO_ASSISTANCE] = "no_assistance",
	[OUTCOME_PHONE] = "assisted_by_phone",
	[OUTCOME_RESPONDER] = "responder_sent",
	[OUTCOME_EMERGENCY] = "emergency_services",
	[OUTCOME_FALSE_ALARM] = "false_alarm",
	[OUTCOME_TECHNICAL] = "technical_fault",
	[OUTCOME_RESTORED] = "restored_before_answer",
};

/* The audit text of each action; NULL: recorded by the row or link only. */
static const char *alarm_action_names[ACTION_MAX] = {
	[ACTION_OPEN] = "open",
	[ACTION_ATTACH] = NULL,
	[ACTION_ANNOTATE] = NULL,
	[ACTION_RAISE] = "raise",
	[ACTION_RESTORED] = "restored before answer",
	[ACTION_RESTORED_HELD] = "restored while handled",
	[ACTION_OFFER] = "offer",
	[ACTION_ACCEPT] = "accept",
	[ACTION_DECLINE] = "decline",
	[ACTION_RELEASE] = "release",
	[ACTION_CLOSE] = "close",
	[ACTION_EXPIRED] = "offer expired",
	[ACTION_CONSOLE_LOST] = "console lost",
	[ACTION_HOLD_OVER] = "queued after hold",
	[ACTION_INCIDENT] = "incident",
	[ACTION_JOINED] = "joined incident",
	[ACTION_STORM_OVER] = "storm over",
	[ACTION_MEMBER_CLOSED] = "closed with incident",
	[ACTION_REASSIGN] = "reassign",
	[ACTION_COUNTED] = NULL,
	[ACTION_NO_RESPONDER] = "no responder",
};

/* Allowed transitions: [from][to]. */
static const uint8_t alarm_moves[ALARM_STATE_MAX][ALARM_STATE_MAX] = {
	/* to:	   waiting offered handling closed */
	[ALARM_WAITING]  = { 0, 1, 1, 1 },
	[ALARM_OFFERED]  = { 1, 0, 1, 0 },
	[ALARM_HANDLING] = { 1, 0, 1, 1 },	/* to another: reassigned */
	[ALARM_CLOSED]   = { 0, 0, 0, 0 },
};

int64_t			 alarm_next_id = 1;
static struct hmap	 alarm_by_id;		/* id -> alarm * (open) */
static struct hmap	 alarm_closing;		/* id -> alarm * (closing) */
static struct hmap	 alarm_by_unit;		/* unit key -> alarm * */

const char *
alarm_state_name(enum alarm_state s)
{
	return (s < ALARM_STATE_MAX ? alarm_state_names[s] : "unknown");
}

enum alarm_state
alarm_state_parse(const char *s)
{
	int	 i;

	for (i = 0; i < ALARM_STATE_MAX; i++)
		if (strcmp(s, alarm_state_names[i]) == 0)
			return (i);
	return (ALARM_WAITING);
}

const char *
alarm_outcome_name(enum alarm_outcome o)
{
	return (o < OUTCOME_MAX ? alarm_outcome_names[o] : "unknown");
}

enum alarm_outcome
alarm_outcome_parse(const char *s)
{
	int	 i;

	for (i = OUTCOME_NO_ASSISTANCE; i < OUTCOME_RESTORED; i++)
		if (strcmp(s, alarm_outcome_names[i]) == 0)
			return (i);
	return (OUTCOME_NONE);
}

const char *
alarm_action_name(enum alarm_action a)
{
	return (a < ACTION_MAX ? alarm_action_names[a] : NULL);
}

uint64_t
alarm_unit_key(int64_t unit_id, const char *account)
{
	if (unit_id > 0)
		return ((uint64_t)unit_id);
	return (hash64(account, strlen(account), 0) | (1ULL << 63));
}

/* --- the change list --- */

void
alarm_changes_clear(struct alarm_changes *cs)
{
	cs->n = 0;
}

void
alarm_changes_free(struct alarm_changes *cs)
{
	free(cs->v);
	memset(cs, 0, sizeof *cs);
}

/* Record a change of a; row: its row is written (one more in flight). */
struct alarm_change *
alarm_change(struct alarm_changes *cs, struct alarm *a,
    enum alarm_action action, const char *actor, int row)
{
	struct alarm_change	*c;

	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 16;
		cs->v = xreallocarray(cs->v, cs->cap, sizeof *cs->v);
	}
	c = &cs->v[cs->n++];
	memset(c, 0, sizeof *c);
	c->action = action;
	c->alarm_id = a->id;
	c->row = row;
	strlcpy(c->actor, actor != NULL ? actor : "arcd", sizeof c->actor);
	if (row)
		a->writing++;
	return (c);
}

/* --- lifetime and indexes --- */

void
alarm_init(int64_t next_id)
{
	alarm_next_id = next_id > 0 ? next_id : 1;
	hmap_init(&alarm_by_id, 256);
	hmap_init(&alarm_closing, 16);
	hmap_init(&alarm_by_unit, 256);
}

static void
alarm_free(struct alarm *a)
{
	free(a->outcome_text);
	free(a);
}

static void
alarm_free_map(struct hmap *m)
{
	uint64_t	 v;
	size_t		 it = 0;

	while (hmap_next(m, &it, NULL, &v))
		alarm_free((struct alarm *)(uintptr_t)v);
	hmap_free(m);
}

void
alarm_free_all(void)
{
	alarm_free_map(&alarm_by_id);
	alarm_free_map(&alarm_closing);
	hmap_free(&alarm_by_unit);
	alarmq_free();
	runaway_free();
	storm_free();
	stats_reset();
}

struct alarm *
alarm_add(int64_t id, int64_t unit_id, const char *account)
{
	struct alarm	*a;

	a = xcalloc(1, sizeof *a);
	a->id = id;
	a->unit_id = unit_id;
	strlcpy(a->account, account, sizeof a->account);
	a->heap = SIZE_MAX;
	hmap_put(&alarm_by_id, (uint64_t)id, (uintptr_t)a);
	hmap_put(&alarm_by_unit, alarm_unit_key(unit_id, account),
	    (uintptr_t)a);
	if (id >= alarm_next_id)
		alarm_next_id = id + 1;
	return (a);
}

/* Leave the unit index, if a is the unit's open alarm. */
static void
alarm_unit_leave(struct alarm *a)
{
	uint64_t	 key = alarm_unit_key(a->unit_id, a->account), v;

	if (hmap_get(&alarm_by_unit, key, &v) == 0 &&
	    (struct alarm *)(uintptr_t)v == a)
		hmap_del(&alarm_by_unit, key);
}

struct alarm *
alarm_find(int64_t id)
{
	uint64_t	 v;

	if (hmap_get(&alarm_by_id, (uint64_t)id, &v) == 0 ||
	    hmap_get(&alarm_closing, (uint64_t)id, &v) == 0)
		return ((struct alarm *)(uintptr_t)v);
	return (NULL);
}

struct alarm *
alarm_of_unit(int64_t unit_id, const char *account)
{
	uint64_t	 v;

	if (hmap_get(&alarm_by_unit, alarm_unit_key(unit_id, account),
	    &v) != 0)
		return (NULL);
	return ((struct alarm *)(uintptr_t)v);
}

void
alarm_each(void (*fn)(struct alarm *, void *), void *arg)
{
	uint64_t	 v;
	size_t		 it = 0;

	while (hmap_next(&alarm_by_id, &it, NULL, &v))
		fn((struct alarm *)(uintptr_t)v, arg);
}

size_t
alarm_count_open(void)
{
	return (hmap_count(&alarm_by_id));
}

struct alarm *
alarm_top(void)
{
	return (alarmq_top());
}

int
alarm_visible(const struct alarm *a)
{
	return (a->held_until == 0 && a->incident_id == 0 && !a->closing);
}

/* In the queue exactly when waiting and shown on its own. */
void
alarm_queue(struct alarm *a)
{
	if (a->state == ALARM_WAITING && alarm_visible(a)) {
		if (a->heap == SIZE_MAX)
			alarmq_push(a);
	} else
		alarmq_remove(a);
}

void
alarm_snapshot(const struct alarm *a, struct alarm_saved *s)
{
	memset(s, 0, sizeof *s);
	s->state = a->state;
	strlcpy(s->operator, a->operator, sizeof s->operator);
	s->offered_at = a->offered_at;
	s->accepted_at = a->accepted_at;
	s->closed_at = a->closed_at;
	s->outcome = a->outcome;
	s->class = a->class;
	strlcpy(s->code, a->code, sizeof s->code);
	s->incident_id = a->incident_id;
}

/* --- the writers --- */

/* The one writer of a's membership of an incident and of its count. */
void
alarm_set_member(struct alarm *a, int64_t id)
{
	struct alarm	*inc;

	if (a->incident_id == id)
		return;
	if (a->incident_id != 0 && (inc = alarm_find(a->incident_id))) {
		inc->count--;
		inc->dirty = 1;
		inc->version++;
	}
	a->incident_id = id;
	if (id != 0 && (inc = alarm_find(id)) != NULL) {
		a->held_until = 0;
		inc->count++;
		if (a->opened_at > inc->last_at)
			inc->last_at = a->opened_at;
		inc->dirty = 1;
		inc->version++;
	}
	a->version++;
	a->sversion++;
	alarm_queue(a);
}

/* The one writer of class and code: only ever up (more urgent). */
void
alarm_set_class(struct alarm *a, int class, const char *code)
{
	a->class = class;
	strlcpy(a->code, code, sizeof a->code);
	a->version++;
	a->sversion++;
	if (a->heap != SIZE_MAX)
		alarmq_fix(a);
}

void
alarm_set_held(struct alarm *a, int64_t until)
{
	a->held_until = until;
	a->version++;
	alarm_queue(a);
}

/* The one writer of an alarm's event count and last time. */
void
alarm_count_events(struct alarm *a, int n, int64_t wall)
{
	a->count += n;
	if (wall > a->last_at)
		a->last_at = wall;
	a->version++;
}

static void
alarm_close_now(struct alarm *a)
{
	alarm_unit_leave(a);
	hmap_del(&alarm_by_id, (uint64_t)a->id);
	hmap_put(&alarm_closing, (uint64_t)a->id, (uintptr_t)a);
	a->closing = 1;
	if (a->incident_id != 0)
		alarm_set_member(a, 0);
	if (a->incident && storm_incident(a->code) == a->id)
		storm_set_incident(a->code, 0);	/* a new storm: a new one */
}

/*
 * The only writer of a->state, its operator and its state times. An
 * illegal transition is a bug: callers check what may be done first.
 */
void
alarm_set_state(struct alarm *a, enum alarm_state to, const char *op,
    int64_t wall)
{
	int	 held, holds, same;

	if (!alarm_moves[a->state][to])
		fatalx("alarm %lld: illegal transition %s -> %s",
		    (long long)a->id, alarm_state_name(a->state),
		    alarm_state_name(to));
	held = a->state == ALARM_OFFERED || a->state == ALARM_HANDLING;
	holds = to == ALARM_OFFERED || to == ALARM_HANDLING;
	same = held && holds && strcmp(a->operator, op) == 0;
	if (holds && a->incident_id != 0)
		alarm_set_member(a, 0);	/* an operator takes it on its own */
	if (held && !same)
		operator_unhold(a->operator, a->id);
	a->state = to;
	a->held_until = 0;
	a->version++;
	a->sversion++;
	switch (to) {
	case ALARM_WAITING:
		a->operator[0] = '\0';
		break;
	case ALARM_OFFERED:
		strlcpy(a->operator, op, sizeof a->operator);
		a->offered_at = wall;
		break;
	case ALARM_HANDLING:
		strlcpy(a->operator, op, sizeof a->operator);
		if (a->accepted_at == 0)
			a->accepted_at = wall;	/* counted once stored */
		break;
	case ALARM_CLOSED:
		a->closed_at = wall;
		alarm_close_now(a);
		break;
	default:
		break;
	}
	if (holds && !same)
		operator_hold(a->operator, a->id);
	else if (same)
		operator_touch();	/* offered to handling: the view shows it */
	alarm_queue(a);
}

/* --- a write came back --- */

/* An open, stored incident, or NULL: what a member may point at. */
static struct alarm *
alarm_incident_of(int64_t id)
{
	struct alarm	*inc;

	if (id == 0 || (inc = alarm_find(id)) == NULL || !inc->incident ||
	    inc->closing || !inc->stored)
		return (NULL);
	return (inc);
}

/*
 * An incident is gone (never stored): its storm forgets it and its
 * members stand alone again; their rows are written again (dirty).
 */
static void
alarm_incident_gone(struct alarm *inc)
{
	struct alarm	*m;
	uint64_t	 v;
	size_t		 it = 0;

	if (storm_incident(inc->code) == inc->id)
		storm_set_incident(inc->code, 0);
	while (hmap_next(&alarm_by_id, &it, NULL, &v)) {
		m = (struct alarm *)(uintptr_t)v;
		if (m->incident_id != inc->id)
			continue;
		alarm_set_member(m, 0);
		m->dirty = 1;
	}
}

static void
alarm_forget(struct alarm *a)
{
	if (a->state == ALARM_OFFERED || a->state == ALARM_HANDLING)
		operator_unhold(a->operator, a->id);
	if (a->incident_id != 0)
		alarm_set_member(a, 0);
	alarmq_remove(a);
	alarm_unit_leave(a);
	hmap_del(&alarm_by_id, (uint64_t)a->id);
	hmap_del(&alarm_closing, (uint64_t)a->id);
	if (a->incident)
		alarm_incident_gone(a);
	alarm_free(a);
}

/* Out of the closing limbo, back among the open alarms. */
static void
alarm_reopen(struct alarm *a)
{
	hmap_del(&alarm_closing, (uint64_t)a->id);
	hmap_put(&alarm_by_id, (uint64_t)a->id, (uintptr_t)a);
	if (alarm_of_unit(a->unit_id, a->account) == NULL)
		hmap_put(&alarm_by_unit, alarm_unit_key(a->unit_id,
		    a->account), (uintptr_t)a);
	if (a->incident && storm_incident(a->code) == 0)
		storm_set_incident(a->code, a->id);
	a->closing = 0;
}

/*
 * Put back the state last stored; an alarm never stored is forgotten. An
 * offer comes back as waiting (its deadline is gone, as after a restart;
 * the row follows with the next count), and membership only of an
 * incident still open.
 */
static void
alarm_revert(struct alarm *a)
{
	const struct alarm_saved *s = &a->saved;

	if (!a->stored) {
		alarm_forget(a);
		return;
	}
	if (a->state == ALARM_OFFERED || a->state == ALARM_HANDLING)
		operator_unhold(a->operator, a->id);
	if (a->closing)
		alarm_reopen(a);
	a->state = s->state;
	strlcpy(a->operator, s->operator, sizeof a->operator);
	if (a->state == ALARM_OFFERED) {
		a->state = ALARM_WAITING;
		a->operator[0] = '\0';
		a->dirty = 1;
	}
	a->offered_at = s->offered_at;
	a->accepted_at = s->accepted_at;
	a->closed_at = s->closed_at;
	if (a->outcome != s->outcome) {
		free(a->outcome_text);
		a->outcome_text = NULL;
	}
	a->outcome = s->outcome;
	a->class = s->class;
	strlcpy(a->code, s->code, sizeof a->code);
	alarm_set_member(a, alarm_incident_of(s->incident_id) != NULL ?
	    s->incident_id : 0);
	if (a->incident_id != s->incident_id)
		a->dirty = 1;		/* its incident has gone: say so */
	if (a->state == ALARM_HANDLING)
		operator_hold(a->operator, a->id);
	a->version++;
	a->sversion++;
	alarmq_remove(a);
	alarm_queue(a);
}

void
alarm_done(const struct alarm_change *c, int ok)
{
	struct alarm	*a, tmp;

	if ((a = alarm_find(c->alarm_id)) == NULL)
		return;
	if (!ok && c->counted != 0) {
		a->count -= c->counted;
		if (a->count < 0)
			a->count = 0;
	}
	if (!c->row)
		return;
	a->writing--;
	if (ok && a->saved.accepted_at == 0 && c->snap.accepted_at != 0) {
		tmp = *a;		/* answered: the figures count it now */
		tmp.accepted_at = c->snap.accepted_at;
		tmp.class = c->snap.class;
		strlcpy(tmp.operator, c->snap.operator, sizeof tmp.operator);
		stats_count_answer(&tmp);
	}
	if (ok) {
		a->stored = 1;
		a->saved = c->snap;
	}
	if (a->writing > 0)
		return;			/* the last one in flight decides */
	if (!ok)
		alarm_revert(a);
	else if (a->closing && a->saved.state == ALARM_CLOSED) {
		hmap_del(&alarm_closing, (uint64_t)a->id);
		alarm_free(a);
	}
}

/* --- queries --- */

struct alarm_stats_walk {
	struct alarm_stats	*st;
	int64_t			 wall;
};

static void
alarm_stats_one(struct alarm *a, void *arg)
{
	struct alarm_stats_walk	*w = arg;

	stats_open(w->st, a, a->state != ALARM_HANDLING && alarm_visible(a),
	    w->wall);
}

void
alarm_stats(int64_t wall, struct alarm_stats *st)
{
	struct alarm_stats_walk	 w = { st, wall };

	stats_begin(wall, st);
	alarm_each(alarm_stats_one, &w);
	stats_end(st);
}

static int
alarm_cmp(const void *pa, const void *pb)
{
	const struct alarm	*a = *(struct alarm *const *)pa;
	const struct alarm	*b = *(struct alarm *const *)pb;

	return (alarmq_before(a, b) ? -1 : alarmq_before(b, a) ? 1 : 0);
}

void
alarm_foreach_open(void (*fn)(struct alarm *, void *), void *arg)
{
	struct alarm	**all;
	uint64_t	 v;
	size_t		 it = 0, i, n = 0;

	if (hmap_count(&alarm_by_id) == 0)
		return;
	all = xreallocarray(NULL, hmap_count(&alarm_by_id), sizeof *all);
	while (hmap_next(&alarm_by_id, &it, NULL, &v))
		all[n++] = (struct alarm *)(uintptr_t)v;
	qsort(all, n, sizeof *all, alarm_cmp);
	for (i = 0; i < n; i++)
		fn(all[i], arg);
	free(all);
}
