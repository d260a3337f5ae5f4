/*
 * queue.c -- the open alarms as the server last sent them, in queue order
 * (class, then opened_at), and the few just closed so the operator can
 * still read them; the service figures. Part of the protocol state: no
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

static struct client_alarm *
queue_alarm_parse(json_t *o)
{
	struct client_alarm	*a;
	const char		*state;
	size_t			 i;

	if (!json_is_object(o) || !json_is_integer(json_object_get(o, "id")))
		return (NULL);
	a = xcalloc(1, sizeof *a);
	a->obj = json_incref(o);
	a->id = queue_jint(o, "id");
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
	return (a);
}

/* Queue order: class, then opened_at, then id. */
static int
queue_alarm_cmp(const void *pa, const void *pb)
{
	const struct client_alarm *a = *(struct client_alarm *const *)pa;
	const struct client_alarm *b = *(struct client_alarm *const *)pb;

	if (a->class != b->class)
		return (a->class < b->class ? -1 : 1);
	if (a->opened_at != b->opened_at)
		return (a->opened_at < b->opened_at ? -1 : 1);
	if (a->id != b->id)
		return (a->id < b->id ? -1 : 1);
	return (0);
}

static void
queue_sort(struct client *c)
{
	if (c->nalarms > 1)	/* alarms is NULL until the first one */
		qsort(c->alarms, c->nalarms, sizeof *c->alarms,
		    queue_alarm_cmp);
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
	size_t	 i;

	for (i = 0; i < CLIENT_CLOSED_KEEP; i++) {
		if (c->closed[i] != NULL && c->closed[i]->id == a->id) {
			queue_alarm_free(c->closed[i]);
			c->closed[i] = a;
			return;
		}
	}
	queue_alarm_free(c->closed[c->closed_next]);
	c->closed[c->closed_next] = a;
	c->closed_next = (c->closed_next + 1) % CLIENT_CLOSED_KEEP;
}

/* Insert, replace or (when closed) remove one alarm; no sorting. */
static void
queue_store(struct client *c, struct client_alarm *a, int ring)
{
	int	 idx = queue_index(c, a->id);

	if (a->state == ALARM_OFFERED && queue_is_mine(c, a))
		c->offer_id = a->id;
	else if (c->offer_id == a->id)
		c->offer_id = 0;
	if (a->state == ALARM_CLOSED) {
		if (idx != -1) {
			queue_alarm_free(c->alarms[idx]);
			c->alarms[idx] = c->alarms[--c->nalarms];
		}
		queue_keep_closed(c, a);
		return;
	}
	/* Collapsed into an incident: the incident's row stands for it. */
	if (json_is_integer(json_object_get(a->obj, "incident_id"))) {
		if (idx != -1) {
			queue_alarm_free(c->alarms[idx]);
			c->alarms[idx] = c->alarms[--c->nalarms];
		}
		queue_alarm_free(a);
		return;
	}
	if (idx != -1) {
		queue_alarm_free(c->alarms[idx]);
		c->alarms[idx] = a;
		return;
	}
	if (c->nalarms >= CLIENT_MAX_ALARMS) {
		c->dropped_alarms++;
		queue_alarm_free(a);
		return;
	}
	if (c->nalarms == c->alarms_size) {
		c->alarms_size = c->alarms_size ? c->alarms_size * 2 : 64;
		c->alarms = xreallocarray(c->alarms, c->alarms_size,
		    sizeof *c->alarms);
	}
	c->alarms[c->nalarms++] = a;
	if (ring && a->class == 1)
		c->bells++;
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
}

void
queue_delta(struct client *c, json_t *m)
{
	struct client_alarm	*a;

	if ((a = queue_alarm_parse(json_object_get(m, "alarm"))) == NULL) {
		c->bad_messages++;
		return;
	}
	queue_store(c, a, 1);
	queue_sort(c);
}

void
queue_clear(struct client *c)
{
	size_t	 i;

	for (i = 0; i < c->nalarms; i++)
		queue_alarm_free(c->alarms[i]);
	c->nalarms = 0;
}

/* Replace every alarm with a snapshot's; ring for P1s not seen before. */
void
queue_snapshot(struct client *c, json_t *list)
{
	struct client_alarm	*a;
	json_t			*o;
	int64_t			*known;
	size_t			 i, j, nknown;
	int			 seen;

	nknown = c->nalarms;
	known = xreallocarray(NULL, nknown + 1, sizeof *known);
	for (i = 0; i < nknown; i++)
		known[i] = c->alarms[i]->id;
	queue_clear(c);
	c->offer_id = 0;
	json_array_foreach(list, i, o) {
		if ((a = queue_alarm_parse(o)) == NULL) {
			c->bad_messages++;
			continue;
		}
		for (seen = 0, j = 0; j < nknown && !seen; j++)
			seen = (known[j] == a->id);
		queue_store(c, a, !seen);
	}
	free(known);
	queue_sort(c);
}

void
queue_free(struct client *c)
{
	size_t	 i;

	queue_clear(c);
	free(c->alarms);
	c->alarms = NULL;
	c->alarms_size = 0;
	for (i = 0; i < CLIENT_CLOSED_KEEP; i++) {
		queue_alarm_free(c->closed[i]);
		c->closed[i] = NULL;
	}
}
