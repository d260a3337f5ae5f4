/*
 * ladder.c -- the escalation ladders the server pushes (docs/console-
 * protocol.md, "Escalation ladders"), kept per alarm beside the queue:
 * each push is the whole ladder and replaces the one held; a push that
 * is not one (no alarm id, a state or a step state unknown) changes
 * nothing and is counted. At most CLIENT_MAX_LADDERS are kept
 * (an ended one makes room first) and CLIENT_LADDER_STEPS steps each.
 * The last alert of an alarm is kept on its ladder.
 *
 * Protocol state beneath client.c: no curses, no sockets, no clock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runtime.h"
#include "console.h"

static const char *ladder_state_words[] = {
	[LADDER_PAGING] = "paging",
	[LADDER_ON_WAY] = "on_the_way",
	[LADDER_ARRIVED] = "arrived",
	[LADDER_ENTRY] = "entry",
	[LADDER_CLEAR] = "clear",
	[LADDER_EXHAUSTED] = "exhausted",
	[LADDER_STOPPED] = "stopped",
	[LADDER_EMERGENCY] = "emergency_services",
};

static const char *ladder_state_labels[] = {
	[LADDER_PAGING] = "paging a responder",
	[LADDER_ON_WAY] = "responder on the way",
	[LADDER_ARRIVED] = "responder arrived",
	[LADDER_ENTRY] = "responder inside",
	[LADDER_CLEAR] = "responder done (clear)",
	[LADDER_EXHAUSTED] = "NO RESPONDER: every step failed",
	[LADDER_STOPPED] = "stopped",
	[LADDER_EMERGENCY] = "emergency services called instead",
};

static const char *ladder_step_words[] = {
	[STEP_WAITING] = "waiting",
	[STEP_PAGED] = "paged",
	[STEP_DECLINED] = "declined",
	[STEP_TIMED_OUT] = "timed_out",
	[STEP_SKIPPED] = "skipped",
	[STEP_ACCEPTED] = "accepted",
	[STEP_WITHDRAWN] = "withdrawn",
};

static const char *ladder_step_labels[] = {
	[STEP_WAITING] = "not yet paged",
	[STEP_PAGED] = "PAGED",
	[STEP_DECLINED] = "declined",
	[STEP_TIMED_OUT] = "timed out",
	[STEP_SKIPPED] = "skipped",
	[STEP_ACCEPTED] = "ACCEPTED",
	[STEP_WITHDRAWN] = "withdrawn",
};

/* What a steer of the ladder ("do") did, for people. */
static const struct {
	const char	*word;
	const char	*label;
} ladder_dos[] = {
	{ "skip",	"the responder paged was skipped" },
	{ "stop",	"the ladder was stopped" },
	{ "emergency",	"emergency services called instead" },
};

#define LADDER_NSTATES	(sizeof ladder_state_words / sizeof *ladder_state_words)
#define LADDER_NSTEPS	(sizeof ladder_step_words / sizeof *ladder_step_words)

const char *
ladder_state_label(enum client_ladder_state s)
{
	return ((size_t)s < LADDER_NSTATES ? ladder_state_labels[s] : "?");
}

const char *
ladder_step_label(enum client_step_state s)
{
	return ((size_t)s < LADDER_NSTEPS ? ladder_step_labels[s] : "?");
}

/* What a "do" word did, for the status line; NULL: not a word. */
const char *
ladder_do_label(const char *what)
{
	size_t	 i;

	for (i = 0; what != NULL && i < sizeof ladder_dos / sizeof *ladder_dos;
	    i++) {
		if (strcmp(ladder_dos[i].word, what) == 0)
			return (ladder_dos[i].label);
	}
	return (NULL);
}

/* A protocol word's index in words, or -1. */
static int
ladder_word(const char *const *words, size_t n, json_t *v)
{
	const char	*s = json_string_value(v);
	size_t		 i;

	for (i = 0; s != NULL && i < n; i++) {
		if (strcmp(words[i], s) == 0)
			return ((int)i);
	}
	return (-1);
}

/* A time: wall ms, or 0 for null (and for junk). */
static int64_t
ladder_time(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return (0);
	return ((int64_t)json_integer_value(v));
}

static void
ladder_text(char *buf, size_t size, json_t *v)
{
	const char	*s = json_string_value(v);

	snprintf(buf, size, "%s", s != NULL ? s : "");
}

/* One step of the push into st; -1 when it is not one. */
static int
ladder_step(json_t *o, struct client_step *st)
{
	int	 k;

	if (!json_is_object(o) || (k = ladder_word(ladder_step_words,
	    LADDER_NSTEPS, json_object_get(o, "state"))) == -1)
		return (-1);
	memset(st, 0, sizeof *st);
	st->state = (enum client_step_state)k;
	st->responder = ladder_time(o, "responder");
	ladder_text(st->name, sizeof st->name, json_object_get(o, "name"));
	st->mobile = json_is_true(json_object_get(o, "mobile"));
	st->paged_at = ladder_time(o, "paged_at");
	st->answered_at = ladder_time(o, "answered_at");
	st->deadline = ladder_time(o, "deadline");
	return (0);
}

/* Parse a ladder push into l (its alert left alone); -1: not a ladder. */
static int
ladder_parse(json_t *m, struct client_ladder *l)
{
	json_t	*steps = json_object_get(m, "steps"), *o;
	size_t	 i;
	int	 k;

	if (ladder_time(m, "alarm_id") <= 0 || !json_is_array(steps) ||
	    (k = ladder_word(ladder_state_words, LADDER_NSTATES,
	    json_object_get(m, "state"))) == -1)
		return (-1);
	l->alarm_id = ladder_time(m, "alarm_id");
	l->state = (enum client_ladder_state)k;
	ladder_text(l->operator, sizeof l->operator,
	    json_object_get(m, "operator"));
	l->decided_at = ladder_time(m, "decided_at");
	l->accepted_at = ladder_time(m, "accepted_at");
	l->arrived_at = ladder_time(m, "arrived_at");
	l->entry_at = ladder_time(m, "entry_at");
	l->ended_at = ladder_time(m, "ended_at");
	l->nsteps = 0;
	l->steps_total = json_array_size(steps);
	json_array_foreach(steps, i, o) {
		if (i >= CLIENT_LADDER_STEPS)
			break;
		if (ladder_step(o, &l->steps[l->nsteps++]) == -1)
			return (-1);
	}
	return (0);
}

struct client_ladder *
ladder_find(struct client *c, int64_t alarm_id)
{
	size_t	 i;

	for (i = 0; i < c->nladders; i++) {
		if (c->ladders[i].alarm_id == alarm_id)
			return (&c->ladders[i]);
	}
	return (NULL);
}

/* A slot for a new ladder: a fresh one, else an ended one's; or NULL. */
static struct client_ladder *
ladder_slot(struct client *c)
{
	size_t	 i;

	if (c->nladders < CLIENT_MAX_LADDERS) {
		if (c->nladders == c->ladders_size) {
			c->ladders_size = c->ladders_size ? c->ladders_size * 2 :
			    8;
			c->ladders = xreallocarray(c->ladders, c->ladders_size,
			    sizeof *c->ladders);
		}
		return (&c->ladders[c->nladders++]);
	}
	for (i = 0; i < c->nladders; i++) {
		if (!ladder_live(&c->ladders[i]))
			return (&c->ladders[i]);
	}
	return (NULL);
}

/*
 * A ladder push: replaces the alarm's ladder. Returns 0, -1 when it is
 * not a ladder (nothing changed), -2 when there is no room (counted).
 */
int
ladder_set(struct client *c, json_t *m)
{
	struct client_ladder	 l, *held;

	memset(&l, 0, sizeof l);
	if (ladder_parse(m, &l) == -1)
		return (-1);
	if ((held = ladder_find(c, l.alarm_id)) != NULL) {
		memcpy(l.alert, held->alert, sizeof l.alert);
		l.alert_at = held->alert_at;
	} else if ((held = ladder_slot(c)) == NULL) {
		c->dropped_ladders++;
		return (-2);
	}
	*held = l;
	return (0);
}

/* The "ladder" push (client.c's table): junk is counted. */
void
ladder_push(struct client *c, json_t *m, int64_t now)
{
	(void)now;
	if (ladder_set(c, m) == -1)
		c->bad_messages++;
}

/* Still running: paging, or a responder not yet clear. */
int
ladder_live(const struct client_ladder *l)
{
	return (l->state == LADDER_PAGING || ladder_on_way(l));
}

/* A responder accepted and is not yet clear (arcd wants a close reason). */
int
ladder_on_way(const struct client_ladder *l)
{
	return (l->state == LADDER_ON_WAY || l->state == LADDER_ARRIVED ||
	    l->state == LADDER_ENTRY);
}

/* The step paged now (what a skip skips), or NULL. */
struct client_step *
ladder_paged(struct client_ladder *l)
{
	size_t	 i;

	if (l->state != LADDER_PAGING)
		return (NULL);
	for (i = 0; i < l->nsteps; i++) {
		if (l->steps[i].state == STEP_PAGED)
			return (&l->steps[i]);
	}
	return (NULL);
}

/* An alert for alarm_id: kept on its ladder (if one is held). */
void
ladder_alert(struct client *c, int64_t alarm_id, const char *text,
    int64_t now)
{
	struct client_ladder	*l;

	if ((l = ladder_find(c, alarm_id)) == NULL)
		return;
	snprintf(l->alert, sizeof l->alert, "%s", text);
	l->alert_at = now > 0 ? now : 1;
}

/* A new snapshot: every live ladder comes again with it. */
void
ladder_clear(struct client *c)
{
	free(c->ladders);
	c->ladders = NULL;
	c->nladders = 0;
	c->ladders_size = 0;
}
