/*
 * alarm.c -- alarms and the call queue.
 *
 * An event that needs a person (P1-P3) opens an alarm for its unit, or
 * attaches to the unit's open alarm (count, last time); P4 events
 * annotate it. alarm_set_state() is the only writer of alarm->state: it
 * checks the transition table and hands every change to the write hook,
 * which stores it with its audit row. The queue is a binary heap of
 * waiting alarms ordered by class, then age.
 */
#include <stdlib.h>
#include <string.h>

#include "alarm.h"
#include "arc.h"

static const char *alarm_state_names[ALARM_STATE_MAX] = {
	"waiting", "offered", "handling", "closed"
};

static const char *alarm_outcome_names[OUTCOME_MAX] = {
	"", "no_assistance", "assisted_by_phone", "responder_sent",
	"emergency_services", "false_alarm", "technical_fault",
	"restored_before_answer"
};

/* Allowed transitions: [from][to]. */
static const uint8_t alarm_moves[ALARM_STATE_MAX][ALARM_STATE_MAX] = {
	/* to:	   waiting offered handling closed */
	[ALARM_WAITING]  = { 0, 1, 1, 1 },
	[ALARM_OFFERED]  = { 1, 0, 1, 0 },
	[ALARM_HANDLING] = { 1, 0, 0, 1 },
	[ALARM_CLOSED]   = { 0, 0, 0, 0 },
};

static struct alarm_hooks alarm_hooks;
static struct {
	char		 code[8];
	int		 secs;
}			 alarm_holds[16];
static size_t		 alarm_nholds;
int64_t			 alarm_next_id = 1;
static struct hmap	 alarm_by_id;		/* id -> alarm * (open) */
static struct hmap	 alarm_by_unit;		/* unit key -> alarm * */
static struct hmap	 alarm_by_op;		/* hash(login) -> alarm * */
static struct hmap	 alarm_op_count;	/* hash(login) -> alarms held */


const char *
alarm_state_name(enum alarm_state s)
{
	return (s < ALARM_STATE_MAX ? alarm_state_names[s] : "unknown");
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

uint64_t
alarm_unit_key(int64_t unit_id, const char *account)
{
	if (unit_id > 0)
		return ((uint64_t)unit_id);
	return (hash64(account, strlen(account), 0) | (1ULL << 63));
}

/* --- lifetime --- */

void
alarm_init(const struct alarm_hooks *hooks, int64_t next_id)
{
	if (hooks != NULL)
		alarm_hooks = *hooks;
	alarm_next_id = next_id > 0 ? next_id : 1;
	hmap_init(&alarm_by_id, 256);
	hmap_init(&alarm_by_unit, 256);
	hmap_init(&alarm_by_op, 64);
	hmap_init(&alarm_op_count, 64);
}

static void
alarm_free(struct alarm *a)
{
	free(a->outcome_text);
	free(a);
}

void
alarm_free_all(void)
{
	size_t	 i;

	for (i = 0; i < alarm_by_id.cap; i++)
		if (alarm_by_id.used != NULL && alarm_by_id.used[i])
			alarm_free((struct alarm *)(uintptr_t)
			    alarm_by_id.vals[i]);
	hmap_free(&alarm_by_id);
	hmap_free(&alarm_by_unit);
	hmap_free(&alarm_by_op);
	hmap_free(&alarm_op_count);
	alarmq_free();
	runaway_free();
	storm_free();
	alarm_nholds = 0;
	alarm_stats_reset();
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

static void
alarm_forget(struct alarm *a)
{
	uint64_t	 key = alarm_unit_key(a->unit_id, a->account), v;
	struct alarm	*inc;

	if (a->incident_id != 0 && (inc = alarm_find(a->incident_id)) != NULL) {
		inc->count--;		/* the live count of the storm */
		inc->dirty = 1;
		inc->version++;
	}

	alarmq_remove(a);
	hmap_del(&alarm_by_id, (uint64_t)a->id);
	if (hmap_get(&alarm_by_unit, key, &v) == 0 &&
	    (struct alarm *)(uintptr_t)v == a)
		hmap_del(&alarm_by_unit, key);
	alarm_free(a);
}

struct alarm *
alarm_find(int64_t id)
{
	uint64_t	 v;

	if (hmap_get(&alarm_by_id, (uint64_t)id, &v) != 0)
		return (NULL);
	return ((struct alarm *)(uintptr_t)v);
}

/* Every open alarm, in no order; fn must not open or forget alarms. */
void
alarm_each(void (*fn)(struct alarm *, void *), void *arg)
{
	size_t	 i;

	for (i = 0; i < alarm_by_id.cap; i++)
		if (alarm_by_id.used[i])
			fn((struct alarm *)(uintptr_t)alarm_by_id.vals[i], arg);
}

int64_t
alarm_open_id(int64_t unit_id, const char *account)
{
	uint64_t	 v;

	if (hmap_get(&alarm_by_unit, alarm_unit_key(unit_id, account),
	    &v) != 0)
		return (0);
	return (((struct alarm *)(uintptr_t)v)->id);
}

size_t
alarm_count_open(void)
{
	return (alarm_by_id.n);
}

void
alarm_write(const struct alarm *a, const int64_t *ids, size_t n,
    int64_t hwm, const char *actor, const char *action, const char *detail,
    uint64_t tag)
{
	if (alarm_hooks.write != NULL)
		alarm_hooks.write(a, ids, n, hwm, actor, action, detail, tag);
}

static uint64_t
alarm_op_key(const char *op)
{
	return (hash64(op, strlen(op), 0));
}

/* Keep the per-operator index: a took (held = 1) or let go of an alarm. */
static void
alarm_op_index(struct alarm *a, int held)
{
	uint64_t	 key = alarm_op_key(a->operator), n = 0, v;
	struct alarm	*b;
	size_t		 i;

	hmap_get(&alarm_op_count, key, &n);
	if (held) {
		hmap_put(&alarm_op_count, key, n + 1);
		hmap_put(&alarm_by_op, key, (uintptr_t)a);
		return;
	}
	if (n <= 1)
		hmap_del(&alarm_op_count, key);
	else
		hmap_put(&alarm_op_count, key, n - 1);
	if (hmap_get(&alarm_by_op, key, &v) != 0 ||
	    (struct alarm *)(uintptr_t)v != a)
		return;
	hmap_del(&alarm_by_op, key);
	if (n <= 1)
		return;
	/* Rare: the operator holds more than one; find another. */
	for (i = 0; i < alarm_by_id.cap; i++) {
		if (!alarm_by_id.used[i])
			continue;
		b = (struct alarm *)(uintptr_t)alarm_by_id.vals[i];
		if (b != a && b->state != ALARM_WAITING &&
		    strcmp(b->operator, a->operator) == 0) {
			hmap_put(&alarm_by_op, key, (uintptr_t)b);
			return;
		}
	}
}

/* --- state --- */

/*
 * The only writer of a->state. An illegal transition is a bug: callers
 * check what an operator may do before they get here.
 */
void
alarm_set_state(struct alarm *a, enum alarm_state to, const char *op,
    int64_t now, const char *actor, const char *action, uint64_t tag)
{
	int	 held, holds, same;

	if (!alarm_moves[a->state][to])
		fatalx("alarm %lld: illegal transition %s -> %s",
		    (long long)a->id, alarm_state_name(a->state),
		    alarm_state_name(to));
	held = a->state == ALARM_OFFERED || a->state == ALARM_HANDLING;
	holds = to == ALARM_OFFERED || to == ALARM_HANDLING;
	if (holds && a->incident_id != 0)
		alarm_leave(a);		/* an operator takes it on its own */
	same = held && holds && strcmp(a->operator, op) == 0;
	if (a->state == ALARM_WAITING)
		alarmq_remove(a);
	a->held_until = 0;
	if (held && !same)
		alarm_op_index(a, 0);	/* the operator lets it go */
	a->state = to;
	a->version++;
	switch (to) {
	case ALARM_WAITING:
		a->operator[0] = '\0';
		alarmq_push(a);
		break;
	case ALARM_OFFERED:
		strlcpy(a->operator, op, sizeof a->operator);
		a->offered_at = now;
		break;
	case ALARM_HANDLING:
		strlcpy(a->operator, op, sizeof a->operator);
		if (a->accepted_at == 0) {
			a->accepted_at = now;
			alarm_count_answer(a);
		}
		break;
	case ALARM_CLOSED:
		a->closed_at = now;
		break;
	default:
		break;
	}
	if (holds && !same)
		alarm_op_index(a, 1);
	a->dirty = 0;
	alarm_write(a, NULL, 0, 0, actor, action, alarm_state_name(to), tag);
	if (to == ALARM_CLOSED)
		alarm_forget(a);
}

/* --- events --- */

static int
alarm_event_class(const struct db_event *e)
{
	/* An unregistered unit always needs a person to look. */
	if ((e->flags & EVENT_UNREGISTERED) && e->class > 2)
		return (2);
	return (e->class);
}

static struct alarm *
alarm_open(const struct db_event *e, int class, const char *code,
    int64_t now)
{
	struct alarm	*a;
	size_t		 i;

	a = alarm_add(alarm_next_id, e->unit_id, e->account);
	a->class = class;
	strlcpy(a->code, code, sizeof a->code);
	a->opened_at = a->last_at = now;
	a->count = 0;
	a->state = ALARM_WAITING;
	if (class == 3 && alarm_storm(a, now) != NULL)
		return (a);		/* collapsed into the incident */
	for (i = 0; class == 3 && a->held_until == 0 && i < alarm_nholds; i++)
		if (strcmp(a->code, alarm_holds[i].code) == 0)
			a->held_until = now + alarm_holds[i].secs * 1000LL;
	if (a->held_until == 0)
		alarmq_push(a);
	return (a);
}

static uint64_t
alarm_runaway_key(const struct db_event *e)
{
	char	 key[64];
	int	 n;

	n = snprintf(key, sizeof key, "%lld %s %s %s", (long long)e->unit_id,
	    e->unit_id ? "" : e->account, e->code, e->zone);
	return (hash64(key, n > 0 ? (size_t)n : 0, 0));
}

static struct alarm *
alarm_events_apply(const struct db_event *ev, size_t n, int64_t now)
{
	struct alarm	*a = NULL;
	const char	*action = "annotate";
	int64_t		 ids[DC09_MAX_EVENTS], hwm = 0;
	uint64_t	 v;
	size_t		 i, nids = 0;
	int		 class, runaway;
	char		 detail[64];

	if (n == 0)
		return (NULL);
	if (hmap_get(&alarm_by_unit, alarm_unit_key(ev[0].unit_id,
	    ev[0].account), &v) == 0)
		a = (struct alarm *)(uintptr_t)v;
	for (i = 0; i < n && i < nitems(ids); i++) {
		if (ev[i].id > hwm)
			hwm = ev[i].id;
		class = alarm_event_class(&ev[i]);
		runaway = class >= 1 && class <= 3 &&
		    runaway_take(alarm_runaway_key(&ev[i]), now) != 0;
		if (runaway)
			class = 3;	/* past its bucket: never raises */
		if (class >= 1 && class <= 3) {
			if (a == NULL) {
				a = alarm_open(&ev[i], class, runaway ?
				    ALARM_RUNAWAY : ev[i].code, now);
				action = "open";
			} else if (strcmp(action, "open") != 0 &&
			    strcmp(action, "raise") != 0)
				action = "attach";
			a->count++;
			a->last_at = now;
			if (class < a->class) {
				a->class = class;
				strlcpy(a->code, ev[i].code, sizeof a->code);
				if (strcmp(action, "open") != 0)
					action = "raise";	/* audited now */
				if (a->incident_id != 0)
					alarm_leave(a);	/* P1/P2 never collapse */
				if (a->held_until != 0 || (a->state ==
				    ALARM_WAITING && a->heap == SIZE_MAX)) {
					a->held_until = 0;	/* a person now */
					alarmq_push(a);
				} else if (a->heap != SIZE_MAX)
					alarmq_raise(a);
			}
		} else if (a == NULL)
			continue;
		if (ev[i].alarm_id != a->id)	/* not linked at insert */
			ids[nids++] = ev[i].id;
	}
	if (a == NULL)
		return (NULL);
	/* A P4 note already linked at insert changes nothing to write. */
	if (nids == 0 && strcmp(action, "annotate") == 0)
		return (a);
	a->version++;
	if (nids == 0 && strcmp(action, "attach") == 0) {
		/*
		 * Linked at insert: the event row is the record. The alarm's
		 * count and last time follow in alarm_flush(), coalesced.
		 */
		a->dirty = 1;
		return (a);
	}
	/*
	 * Opening and raising the class are decisions and are audited at
	 * once; attaching and annotating are recorded by the event's link
	 * and the alarm's count.
	 */
	a->dirty = 0;
	snprintf(detail, sizeof detail, "event %lld %s P%d",
	    (long long)ev[0].id, ev[0].code, ev[0].class);
	alarm_write(a, ids, nids, hwm, "arcd", strcmp(action, "open") == 0 ||
	    strcmp(action, "raise") == 0 ? action : NULL, detail, 0);
	return (a);
}

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

/*
 * Apply a frame's events. A technical restore clears the matching
 * technical alarm if nobody has taken it yet ("restored before answer");
 * an alarm an operator holds is only annotated. Returns the alarm still
 * open, or NULL.
 */
struct alarm *
alarm_events(const struct db_event *ev, size_t n, int64_t now)
{
	struct alarm	*a;

	a = alarm_events_apply(ev, n, now);
	if (a == NULL || a->state != ALARM_WAITING || a->class != 3 ||
	    !alarm_frame_restores(ev, n, a->code))
		return (a);
	a->outcome = OUTCOME_RESTORED;
	alarm_set_state(a, ALARM_CLOSED, "arcd", now, "arcd",
	    "restored before answer", 0);
	return (NULL);
}

/* --- operators --- */

struct alarm *
alarm_top(void)
{
	return (alarmq_top());
}

struct alarm *
alarm_of(const char *op)
{
	uint64_t	 v;

	if (hmap_get(&alarm_by_op, alarm_op_key(op), &v) != 0)
		return (NULL);
	return ((struct alarm *)(uintptr_t)v);
}

int
alarm_offer(struct alarm *a, const char *op, int64_t now)
{
	if (a->state != ALARM_WAITING)
		return (-1);
	alarm_set_state(a, ALARM_OFFERED, op, now, "arcd", "offer", 0);
	return (0);
}

int
alarm_accept(struct alarm *a, const char *op, int64_t now, uint64_t tag,
    const char **why)
{
	if (a->state == ALARM_HANDLING || (a->state == ALARM_OFFERED &&
	    strcmp(a->operator, op) != 0)) {
		*why = strcmp(a->operator, op) == 0 ? "state" : "taken";
		return (-1);
	}
	alarm_set_state(a, ALARM_HANDLING, op, now, op, "accept", tag);
	return (0);
}

int
alarm_decline(struct alarm *a, const char *op, int64_t now, uint64_t tag,
    const char **why)
{
	if (a->state != ALARM_OFFERED || strcmp(a->operator, op) != 0) {
		*why = "not_yours";
		return (-1);
	}
	alarm_set_state(a, ALARM_WAITING, NULL, now, op, "decline", tag);
	return (0);
}

int
alarm_release(struct alarm *a, const char *op, int super, int64_t now,
    uint64_t tag, const char **why)
{
	if (a->state == ALARM_WAITING) {
		*why = "state";
		return (-1);
	}
	if (!super && strcmp(a->operator, op) != 0) {
		*why = "not_yours";
		return (-1);
	}
	alarm_set_state(a, ALARM_WAITING, NULL, now, op, "release", tag);
	return (0);
}

int
alarm_close(struct alarm *a, const char *op, enum alarm_outcome outcome,
    const char *text, int64_t now, uint64_t tag, const char **why)
{
	if (outcome == OUTCOME_NONE || outcome >= OUTCOME_MAX) {
		*why = "bad_request";
		return (-1);
	}
	if (a->state != ALARM_HANDLING) {
		*why = "state";
		return (-1);
	}
	if (strcmp(a->operator, op) != 0) {
		*why = "not_yours";
		return (-1);
	}
	a->outcome = outcome;
	free(a->outcome_text);
	a->outcome_text = (text != NULL && *text != '\0') ? xstrdup(text) :
	    NULL;
	if (a->incident)
		alarm_close_members(a, op, now);
	alarm_set_state(a, ALARM_CLOSED, op, now, op, "close", tag);
	return (0);
}

void
alarm_hold(const char *code, int secs)
{
	if (alarm_nholds == nitems(alarm_holds))
		return;
	strlcpy(alarm_holds[alarm_nholds].code, code,
	    sizeof alarm_holds[0].code);
	alarm_holds[alarm_nholds++].secs = secs;
}

static void
alarm_release_one(struct alarm *a, void *arg)
{
	int64_t		*now = arg;

	if (a->held_until == 0 || a->held_until > now[0])
		return;
	a->held_until = 0;
	if (a->state == ALARM_WAITING && a->heap == SIZE_MAX)
		alarmq_push(a);
	a->version++;
	a->dirty = 0;
	alarm_write(a, NULL, 0, 0, "arcd", "queued after hold", "", 0);
	now[1]++;
}

int
alarm_release_holds(int64_t now)
{
	int64_t	 walk[2] = { now, 0 };	/* now, released */

	alarm_each(alarm_release_one, walk);
	return ((int)walk[1]);
}

static void
alarm_flush_one(struct alarm *a, void *arg)
{
	if (!a->dirty)
		return;
	a->dirty = 0;
	alarm_write(a, NULL, 0, 0, "arcd", NULL, "", 0);
	(*(int *)arg)++;
}

int
alarm_flush(void)
{
	int	 n = 0;

	alarm_each(alarm_flush_one, &n);
	return (n);
}

int
alarm_expire_offers(int64_t now)
{
	struct alarm	*a, *expired[64];
	size_t		 i, n = 0;

	for (i = 0; i < alarm_by_id.cap && n < nitems(expired); i++) {
		if (!alarm_by_id.used[i])
			continue;
		a = (struct alarm *)(uintptr_t)alarm_by_id.vals[i];
		if (a->state == ALARM_OFFERED &&
		    now - a->offered_at >= ALARM_OFFER_MS)
			expired[n++] = a;
	}
	for (i = 0; i < n; i++)
		alarm_set_state(expired[i], ALARM_WAITING, NULL, now, "arcd",
		    "offer expired", 0);
	return ((int)n);
}

/* --- queries --- */

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
	size_t		 i, n = 0;

	if (alarm_by_id.n == 0)
		return;
	all = xreallocarray(NULL, alarm_by_id.n, sizeof *all);
	for (i = 0; i < alarm_by_id.cap; i++)
		if (alarm_by_id.used[i])
			all[n++] = (struct alarm *)(uintptr_t)
			    alarm_by_id.vals[i];
	qsort(all, n, sizeof *all, alarm_cmp);
	for (i = 0; i < n; i++)
		fn(all[i], arg);
	free(all);
}

/* --- the database --- */

static enum alarm_state
alarm_state_parse(const char *s)
{
	int	 i;

	for (i = 0; i < ALARM_STATE_MAX; i++)
		if (strcmp(s, alarm_state_names[i]) == 0)
			return (i);
	return (ALARM_WAITING);
}

/* A detached copy (e.g. of a closed alarm, to show it once more). */
void
alarm_from_db(const struct db_alarm *da, struct alarm *a)
{
	int	 o;

	memset(a, 0, sizeof *a);
	a->id = da->id;
	a->unit_id = da->unit_id;
	strlcpy(a->account, da->account, sizeof a->account);
	a->class = da->class;
	strlcpy(a->code, da->code, sizeof a->code);
	a->state = alarm_state_parse(da->state);
	strlcpy(a->operator, da->operator, sizeof a->operator);
	a->opened_at = da->opened_at;
	a->last_at = da->last_at;
	a->offered_at = da->offered_at;
	a->accepted_at = da->accepted_at;
	a->closed_at = da->closed_at;
	a->count = da->count;
	a->incident_id = da->incident_id;
	a->incident = da->account[0] == ALARM_INCIDENT;
	for (o = OUTCOME_NO_ASSISTANCE; o < OUTCOME_MAX; o++)
		if (strcmp(da->outcome, alarm_outcome_names[o]) == 0)
			a->outcome = o;
	a->heap = SIZE_MAX;
}

void
alarm_restore(const struct db_alarm *da, int64_t now)
{
	struct alarm	*a;
	int		 s;

	a = alarm_add(da->id, da->unit_id, da->account);
	a->class = da->class;
	strlcpy(a->code, da->code, sizeof a->code);
	a->opened_at = da->opened_at;
	a->last_at = da->last_at;
	a->offered_at = da->offered_at;
	a->accepted_at = da->accepted_at;
	a->count = da->count;
	s = alarm_state_parse(da->state);
	/* Offers do not survive a restart; handled alarms keep their op. */
	if (s == ALARM_HANDLING)
		strlcpy(a->operator, da->operator, sizeof a->operator);
	a->state = s == ALARM_HANDLING ? ALARM_HANDLING : ALARM_WAITING;
	a->incident_id = da->incident_id;
	if ((a->incident = da->account[0] == ALARM_INCIDENT))
		storm_set_incident(a->code, a->id);
	if (a->state == ALARM_WAITING && a->incident_id == 0)
		alarmq_push(a);
	else if (a->state != ALARM_WAITING)
		alarm_op_index(a, 1);
	if (a->accepted_at != 0) {
		alarm_day_roll(now);
		alarm_count_answer(a);
	}
}

static void
alarm_orphan_one(struct alarm *a, void *arg)
{
	(void)arg;
	if (a->incident_id == 0 || alarm_find(a->incident_id) != NULL)
		return;
	a->incident_id = 0;	/* its incident is closed: queue it alone */
	if (a->state == ALARM_WAITING && a->heap == SIZE_MAX)
		alarmq_push(a);
}

/* After every open alarm is restored: members whose incident is gone. */
void
alarm_restore_done(void)
{
	alarm_each(alarm_orphan_one, NULL);
}

void
alarm_to_db(const struct alarm *a, struct db_alarm *da)
{
	memset(da, 0, sizeof *da);
	da->id = a->id;
	da->unit_id = a->unit_id;
	strlcpy(da->account, a->account, sizeof da->account);
	da->class = a->class;
	strlcpy(da->code, a->code, sizeof da->code);
	strlcpy(da->state, alarm_state_name(a->state), sizeof da->state);
	strlcpy(da->operator, a->operator, sizeof da->operator);
	da->opened_at = a->opened_at;
	da->last_at = a->last_at;
	da->offered_at = a->offered_at;
	da->accepted_at = a->accepted_at;
	da->closed_at = a->closed_at;
	da->count = a->count;
	strlcpy(da->outcome, a->outcome == OUTCOME_NONE ? "" :
	    alarm_outcome_name(a->outcome), sizeof da->outcome);
	if (a->outcome_text != NULL)
		strlcpy(da->outcome_text, a->outcome_text,
		    sizeof da->outcome_text);
	da->incident_id = a->incident_id;
}
