/*
 * ladderio.c -- an alarm's escalation ladder as a row (JSON), written
 * through the store on every change and read back at start-up for the
 * alarms still open, so a restart (kill -9 included) resumes it: pages
 * keep their ids (a responder's reply still counts) and their deadlines
 * (wall times, turned into the monotonic clock again), a responder on the
 * way is still on the way. A row that cannot be read is logged and
 * skipped: the alarm stays, its ladder is gone (the audit trail has it).
 *
 * Thread: the network thread.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "arc.h"

static json_t *
ladderio_step(const struct ladder_step *s)
{
	return (json_pack("{s:I, s:s, s:s, s:b, s:b, s:I, s:i, s:I, s:I, s:I}",
	    "responder", (json_int_t)s->responder_id, "name", s->name,
	    "phones", s->phones, "mobile", s->mobile, "command", s->command,
	    "accept_ms", (json_int_t)s->accept_ms, "state", (int)s->state,
	    "page", (json_int_t)s->page_id, "paged_at",
	    (json_int_t)s->paged_at, "answered_at",
	    (json_int_t)s->answered_at));
}

void
ladderio_save(const struct ladder *l)
{
	json_t	*o, *steps = json_array();
	char	*txt;
	size_t	 i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(steps, ladderio_step(&l->steps[i]));
	o = json_pack("{s:I, s:s, s:i, s:i, s:I, s:I, s:I, s:I, s:I, s:b, s:b, "
	    "s:o}", "alarm_id", (json_int_t)l->alarm_id, "operator",
	    l->operator, "state", (int)l->state, "at", (int)l->at,
	    "decided_at", (json_int_t)l->decided_at, "accepted_at",
	    (json_int_t)l->accepted_at, "arrived_at",
	    (json_int_t)l->arrived_at, "entry_at", (json_int_t)l->entry_at,
	    "ended_at", (json_int_t)l->ended_at, "late_arrival",
	    l->late_arrival, "late_entry", l->late_entry, "steps", steps);
	txt = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (txt != NULL)
		commit_ladder(l->alarm_id, clock_wall(), txt);
}

static int
ladderio_int(json_t *o, const char *key, int64_t lo, int64_t hi,
    int64_t *v)
{
	json_t	*j = json_object_get(o, key);

	if (!json_is_integer(j) && !json_is_boolean(j))
		return (-1);
	*v = json_is_boolean(j) ? json_is_true(j) : json_integer_value(j);
	return (*v < lo || *v > hi ? -1 : 0);
}

static int
ladderio_str(json_t *o, const char *key, char *dst, size_t size)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return (s == NULL || strlcpy(dst, s, size) >= size ? -1 : 0);
}

static int
ladderio_read_step(json_t *o, struct ladder_step *s)
{
	int64_t	 v[8];
	int	 bad;

	bad = ladderio_int(o, "responder", 1, INT64_MAX, &v[0]) |
	    ladderio_int(o, "mobile", 0, 1, &v[1]) |
	    ladderio_int(o, "command", 0, 1, &v[2]) |
	    ladderio_int(o, "accept_ms", 0, INT32_MAX, &v[3]) |
	    ladderio_int(o, "state", 0, STEP_STATE_MAX - 1, &v[4]) |
	    ladderio_int(o, "page", 0, INT64_MAX, &v[5]) |
	    ladderio_int(o, "paged_at", 0, INT64_MAX, &v[6]) |
	    ladderio_int(o, "answered_at", 0, INT64_MAX, &v[7]) |
	    ladderio_str(o, "name", s->name, sizeof s->name) |
	    ladderio_str(o, "phones", s->phones, sizeof s->phones);
	s->responder_id = v[0];
	s->mobile = (int)v[1];
	s->command = (int)v[2];
	s->accept_ms = v[3];
	s->state = (enum ladder_step_state)v[4];
	s->page_id = v[5];
	s->paged_at = v[6];
	s->answered_at = v[7];
	return (bad ? -1 : 0);
}

static int
ladderio_read(json_t *o, struct ladder *l)
{
	int64_t		 v[9];
	json_t		*steps = json_object_get(o, "steps");
	size_t		 i;
	int		 bad;

	memset(l, 0, sizeof *l);
	bad = ladderio_int(o, "alarm_id", 1, INT64_MAX, &v[0]) |
	    ladderio_int(o, "state", 0, LADDER_STATE_MAX - 1, &v[1]) |
	    ladderio_int(o, "at", 0, LADDER_STEPS, &v[2]) |
	    ladderio_int(o, "decided_at", 0, INT64_MAX, &v[3]) |
	    ladderio_int(o, "accepted_at", 0, INT64_MAX, &v[4]) |
	    ladderio_int(o, "arrived_at", 0, INT64_MAX, &v[5]) |
	    ladderio_int(o, "entry_at", 0, INT64_MAX, &v[6]) |
	    ladderio_int(o, "ended_at", 0, INT64_MAX, &v[7]) |
	    ladderio_str(o, "operator", l->operator, sizeof l->operator);
	if (bad || !json_is_array(steps) || json_array_size(steps) >
	    LADDER_STEPS)
		return (-1);
	l->alarm_id = v[0];
	l->state = (enum ladder_state)v[1];
	l->at = (size_t)v[2];
	l->decided_at = v[3];
	l->accepted_at = v[4];
	l->arrived_at = v[5];
	l->entry_at = v[6];
	l->ended_at = v[7];
	if (ladderio_int(o, "late_arrival", 0, 1, &v[8]) == 0)
		l->late_arrival = (int)v[8];
	if (ladderio_int(o, "late_entry", 0, 1, &v[8]) == 0)
		l->late_entry = (int)v[8];
	l->n = json_array_size(steps);
	for (i = 0; i < l->n; i++)
		if (ladderio_read_step(json_array_get(steps, i),
		    &l->steps[i]) != 0)
			return (-1);
	return (0);
}

static int
ladderio_one(int64_t alarm_id, const char *txt, void *arg)
{
	struct ladder	 l;
	json_t		*o;
	size_t		*n = arg;

	o = json_loads(txt, 0, NULL);
	if (o == NULL || ladderio_read(o, &l) != 0 || l.alarm_id != alarm_id)
		log_warnx("alarm %lld: its ladder cannot be read; gone",
		    (long long)alarm_id);
	else {
		ladder_restore(&l, clock_wall(), clock_mono());
		(*n)++;
	}
	json_decref(o);
	return (0);
}

int
ladderio_load(struct db *db, char **cause)
{
	size_t	 n = 0;

	if (db_ladders(db, ladderio_one, &n) != 0) {
		xasprintf(cause, "reading ladders: %s", db_errmsg(db));
		return (-1);
	}
	if (n > 0)
		log_notice("escalation: %zu ladders resumed", n);
	return (0);
}
