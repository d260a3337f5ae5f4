/*
 * queue.c -- the open alarms as the server last sent them, in queue order
 * (class, then opened_at), and the few just closed so the operator can
 * still read them; the streamed snapshot and the deltas that change them
 * (whole alarms, updates merged into the alarm held, events and notes
 * through history.c); the service figures. Part of the protocol state: no
 * curses, no sockets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runtime.h"
#include "console.h"

static const char *queue_state_names[] = {
	[ALARM_WAITING] = "waiting",
	[ALARM_OFFERED] = "offered",
	[ALARM_HANDLING] = "handling",
	[ALARM_CLOSED] = "closed",
	[ALARM_UNKNOWN] = "unknown",
};

const char *
queue_state_name(enum client_alarm_state s)
{
	if ((size_t)s >= sizeof queue_state_names / sizeof *queue_state_names)
		return ("?");
	return (queue_state_names[s]);
}

static const char *
queue_jstr(json_t *o, const char *key)
{
	return (json_string_value(json_object_get(o, key)));
}

static int64_t
queue_jint(json_t *o, const char *key)
{
	return ((int64_t)json_integer_value(json_object_get(o, key)));
}

static void
queue_alarm_free(struct client_alarm *a)
{
	if (a == NULL)
		return;
	json_decref(a->obj);
	free(a);
}

/* Read the fields kept beside obj again (after a parse or a merge). */
static void
queue_alarm_fields(struct client_alarm *a)
{
	json_t		*o = a->obj;
	const char	*state;
	size_t		 i;

	a->class = (int)queue_jint(o, "class");
	if (a->class < 1 || a->class > 3)
		a->class = 3;
	a->opened_at = queue_jint(o, "opened_at");
	a->last_at = queue_jint(o, "last_at");
	a->count = queue_jint(o, "count");
	a->operator = queue_jstr(o, "operator");
	a->offered_to = queue_jstr(o, "offered_to");
	a->code = queue_jstr(o, "code");
	a->name = queue_jstr(o, "name");
	a->outcome = queue_jstr(o, "outcome");
	a->state = ALARM_UNKNOWN;
	if ((state = queue_jstr(o, "state")) != NULL) {
		for (i = 0; i < ALARM_UNKNOWN; i++) {
			if (strcmp(state, queue_state_names[i]) == 0)
				a->state = i;
		}
	}
}

static struct client_alarm *
queue_alarm_parse(json_t *o)
{
	struct client_alarm	*a;

	if (!json_is_object(o) || !json_is_integer(json_object_get(o, "id")))
		return (NULL);
	a = xcalloc(1, sizeof *a);
	a->obj = json_incref(o);
	a->id = queue_jint(o, "id");
	queue_alarm_fields(a);
	return (a);
}

/* Queue order: class, then opened_at, then id. */
static int
queue_alarm_cmp(const struct client_alarm *a, const struct client_alarm *b)
{
	if (a->class != b->class)
		return (a->class < b->class ? -1 : 1);
	if (a->opened_at != b->opened_at)
		return (a->opened_at < b->opened_at ? -1 : 1);
	if (a->id != b->id)
		return (a->id < b->id ? -1 : 1);
	return (0);
}

int
queue_index(struct client *c, int64_t id)
{
	size_t	 i;

	for (i = 0; i < c->nalarms; i++) {
		if (c->alarms[i]->id == id)
			return ((int)i);
	}
	return (-1);
}

/* An open alarm, else one recently closed, else NULL. */
struct client_alarm *
queue_find(struct client *c, int64_t id)
{
	size_t	 i;
	int	 idx;

	if ((idx = queue_index(c, id)) != -1)
		return (c->alarms[idx]);
	for (i = 0; i < CLIENT_CLOSED_KEEP; i++) {
		if (c->closed[i] != NULL && c->closed[i]->id == id)
			return (c->closed[i]);
	}
	return (NULL);
}

int
queue_is_mine(struct client *c, const struct client_alarm *a)
{
	if (c->op_login[0] == '\0')
		return (0);
	if (a->state == ALARM_HANDLING)
		return (a->operator != NULL &&
		    strcmp(a->operator, c->op_login) == 0);
	if (a->state == ALARM_OFFERED)
		return (a->offered_to != NULL &&
		    strcmp(a->offered_to, c->op_login) == 0);
	return (0);
}

static void
queue_keep_closed(struct client *c, struct client_alarm *a)
{
	queue_alarm_free(c->closed[c->closed_next]);
	c->closed[c->closed_next] = a;
	c->closed_next = (c->closed_next + 1) % CLIENT_CLOSED_KEEP;
}

/*
 * Take alarm id out of the queue (order kept) or the closed ones; the
 * caller owns it. NULL when it is held nowhere.
 */
static struct client_alarm *
queue_take(struct client *c, int64_t id)
{
	struct client_alarm	*a;
	size_t			 i;
	int			 idx;

	if ((idx = queue_index(c, id)) != -1) {
		a = c->alarms[idx];
		memmove(c->alarms + idx, c->alarms + idx + 1,
		    (c->nalarms - idx - 1) * sizeof *c->alarms);
		c->nalarms--;
		return (a);
	}
	for (i = 0; i < CLIENT_CLOSED_KEEP; i++) {
		if ((a = c->closed[i]) != NULL && a->id == id) {
			c->closed[i] = NULL;
			return (a);
		}
	}
	return (NULL);
}

/* Insert a where queue order puts it (binary search; no sort). */
static void
queue_insert(struct client *c, struct client_alarm *a)
{
	size_t	 lo = 0, hi = c->nalarms, mid;

	if (c->nalarms == c->alarms_size) {
		c->alarms_size = c->alarms_size ? c->alarms_size * 2 : 64;
		c->alarms = xreallocarray(c->alarms, c->alarms_size,
		    sizeof *c->alarms);
	}
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (queue_alarm_cmp(c->alarms[mid], a) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(c->alarms + lo + 1, c->alarms + lo,
	    (c->nalarms - lo) * sizeof *c->alarms);
	c->alarms[lo] = a;
	c->nalarms++;
}

/*
 * Put a (held nowhere) where its state says: the queue, the closed ones,
 * or nowhere when collapsed into an incident (the incident's row stands
 * for it). ring: a P1 new to this console rings.
 */
static void
queue_put(struct client *c, struct client_alarm *a, int ring)
{
	if (a->state == ALARM_OFFERED && queue_is_mine(c, a))
		c->offer_id = a->id;
	else if (c->offer_id == a->id)
		c->offer_id = 0;
	if (a->state == ALARM_CLOSED) {
		queue_keep_closed(c, a);
		return;
	}
	if (json_is_integer(json_object_get(a->obj, "incident_id"))) {
		queue_alarm_free(a);
		return;
	}
	if (c->nalarms >= CLIENT_MAX_ALARMS) {
		c->dropped_alarms++;
		queue_alarm_free(a);
		return;
	}
	queue_insert(c, a);
	if (ring && a->class == 1)
		c->bells++;
}

static int
queue_id_cmp(const void *pa, const void *pb)
{
	int64_t	 a = *(const int64_t *)pa, b = *(const int64_t *)pb;

	return (a < b ? -1 : a > b);
}

/* Held before the snapshot began (so its P1s do not ring again). */
static int
queue_known(struct client *c, int64_t id)
{
	if (c->nknown == 0)
		return (0);
	return (bsearch(&id, c->known, c->nknown, sizeof *c->known,
	    queue_id_cmp) != NULL);
}

/* The ids of the alarms past 180 s: the first CLIENT_LATE_KEEP kept. */
static void
queue_late(struct client *c, json_t *list)
{
	json_t	*o;
	size_t	 i;

	c->over_180 = json_array_size(list);
	c->nlate = 0;
	json_array_foreach(list, i, o) {
		if (!json_is_integer(json_object_get(o, "id")))
			continue;
		if (c->nlate == CLIENT_LATE_KEEP)
			break;
		c->late[c->nlate++] = queue_jint(o, "id");
	}
}

int
queue_is_late(struct client *c, int64_t id)
{
	size_t	 i;

	for (i = 0; i < c->nlate; i++) {
		if (c->late[i] == id)
			return (1);
	}
	return (0);
}

void
queue_stats(struct client *c, json_t *s)
{
	json_t	*q, *t, *o;

	if (!json_is_object(s))
		return;
	c->have_stats = 1;
	if ((q = json_object_get(s, "queue")) != NULL) {
		c->queue[1] = queue_jint(q, "p1");
		c->queue[2] = queue_jint(q, "p2");
		c->queue[3] = queue_jint(q, "p3");
	}
	if ((t = json_object_get(s, "today")) != NULL) {
		c->answered = queue_jint(t, "answered");
		c->pct_60 = json_number_value(json_object_get(t, "pct_60"));
		c->pct_180 = json_number_value(json_object_get(t, "pct_180"));
	}
	if ((o = json_object_get(s, "over_180")) != NULL)
		queue_late(c, o);
	/* The pager link: "up", "off", or {"state": "down", "since": ms}. */
	if ((o = json_object_get(s, "broker")) != NULL) {
		c->pager_down = 0;
		if (json_is_object(o)) {
			c->pager_down = json_integer_value(json_object_get(o,
			    "since"));
			if (c->pager_down <= 0)
				c->pager_down = 1;	/* down, since unknown */
		}
	}
}

/*
 * snapshot_begin: the queue starts again. The ids held before (and those
 * of a snapshot cut off) are remembered until snapshot_end so only P1s
 * this console has not shown ring.
 */
void
queue_begin(struct client *c)
{
	size_t	 i, n;

	c->known = xreallocarray(c->known, c->nknown + c->nalarms + 1,
	    sizeof *c->known);
	for (i = 0; i < c->nalarms; i++)
		c->known[c->nknown++] = c->alarms[i]->id;
	qsort(c->known, c->nknown, sizeof *c->known, queue_id_cmp);
	for (i = n = 0; i < c->nknown; i++) {
		if (n == 0 || c->known[n - 1] != c->known[i])
			c->known[n++] = c->known[i];
	}
	c->nknown = n;
	queue_clear(c);
	c->offer_id = 0;
	c->loading = 1;
	c->load_count = 0;
}

/* snapshot_end: the queue is complete. */
void
queue_end(struct client *c)
{
	free(c->known);
	c->known = NULL;
	c->nknown = 0;
	c->loading = 0;
}

/* A whole alarm (snapshot or push): added, or replacing the one held. */
void
queue_alarm(struct client *c, json_t *o)
{
	struct client_alarm	*a, *old;

	if ((a = queue_alarm_parse(o)) == NULL) {
		c->bad_messages++;
		return;
	}
	if (c->loading)
		c->load_count++;
	old = queue_take(c, a->id);
	queue_put(c, a, old == NULL && !queue_known(c, a->id));
	queue_alarm_free(old);
}

/* Fields an alarm_update never changes: the card and the histories. */
static int
queue_kept(const char *key)
{
	static const char *kept[] = { "id", "unit", "client", "responders",
	    "events", "notes" };
	size_t	 i;

	for (i = 0; i < sizeof kept / sizeof *kept; i++) {
		if (strcmp(key, kept[i]) == 0)
			return (1);
	}
	return (0);
}

/* Merge u's fields into a; an incident's members stay unless sent. */
static void
queue_merge(struct client_alarm *a, json_t *u)
{
	const char	*key;
	json_t		*v, *inc, *old;

	json_object_foreach(u, key, v) {
		if (queue_kept(key))
			continue;
		old = json_object_get(a->obj, "incident");
		if (strcmp(key, "incident") == 0 && json_is_object(v) &&
		    json_object_get(v, "members") == NULL &&
		    json_object_get(old, "members") != NULL) {
			inc = json_copy(v);
			json_object_set(inc, "members",
			    json_object_get(old, "members"));
			json_object_set_new(a->obj, key, inc);
		} else
			json_object_set(a->obj, key, v);
	}
	queue_alarm_fields(a);
}

/*
 * alarm_update: the fields it carries merged into the alarm held, which
 * then goes where its state says (closed: out of the queue; collapsed
 * into an incident: dropped). Returns 0 when applied, 1 when the alarm is
 * not held (counted; the caller may ask for it), -1 on junk.
 */
int
queue_update(struct client *c, json_t *u)
{
	struct client_alarm	*a;
	json_t			*id = json_object_get(u, "id");

	if (!json_is_object(u) || !json_is_integer(id)) {
		c->bad_messages++;
		return (-1);
	}
	if ((a = queue_take(c, json_integer_value(id))) == NULL) {
		c->unknown_alarms++;
		return (1);
	}
	queue_merge(a, u);
	queue_put(c, a, 0);
	return (0);
}

/* The alarm a push names, or NULL (counted). */
static struct client_alarm *
queue_pushed(struct client *c, json_t *m)
{
	struct client_alarm	*a;
	json_t			*id = json_object_get(m, "alarm_id");

	if (!json_is_integer(id)) {
		c->bad_messages++;
		return (NULL);
	}
	if ((a = queue_find(c, json_integer_value(id))) == NULL)
		c->unknown_alarms++;
	return (a);
}

/* alarm_event: the event first, the count, the last time, one more. */
void
queue_event(struct client *c, json_t *m)
{
	struct client_alarm	*a;
	json_t			*o;
	int64_t			 total;

	if ((a = queue_pushed(c, m)) == NULL)
		return;
	total = history_total(a, HISTORY_EVENTS) + 1;
	switch (history_push(a, HISTORY_EVENTS, json_object_get(m, "event"))) {
	case -1:
		c->bad_messages++;
		return;
	case 0:
		return;			/* held already */
	}
	json_object_set_new(a->obj, "events_total", json_integer(total));
	if (json_is_integer(o = json_object_get(m, "count")))
		json_object_set(a->obj, "count", o);
	if (json_is_integer(o = json_object_get(m, "last_at")))
		json_object_set(a->obj, "last_at", o);
	queue_alarm_fields(a);
}

/* alarm_note: the note last, and how many there are. */
void
queue_note(struct client *c, json_t *m)
{
	struct client_alarm	*a;
	json_t			*o;
	int64_t			 total;

	if ((a = queue_pushed(c, m)) == NULL)
		return;
	total = history_total(a, HISTORY_NOTES) + 1;
	switch (history_push(a, HISTORY_NOTES, json_object_get(m, "note"))) {
	case -1:
		c->bad_messages++;
		return;
	case 0:
		return;			/* held already */
	}
	if (json_is_integer(o = json_object_get(m, "notes_total")) &&
	    json_integer_value(o) >= (json_int_t)history_held(a,
	    HISTORY_NOTES))
		total = json_integer_value(o);
	json_object_set_new(a->obj, "notes_total", json_integer(total));
}

void
queue_clear(struct client *c)
{
	size_t	 i;

	for (i = 0; i < c->nalarms; i++)
		queue_alarm_free(c->alarms[i]);
	c->nalarms = 0;
}

void
queue_free(struct client *c)
{
	size_t	 i;

	queue_clear(c);
	queue_end(c);
	free(c->alarms);
	c->alarms = NULL;
	c->alarms_size = 0;
	for (i = 0; i < CLIENT_CLOSED_KEEP; i++) {
		queue_alarm_free(c->closed[i]);
		c->closed[i] = NULL;
	}
}
