/*
 * alarm_json.c -- the objects of the console protocol (docs/
 * console-protocol.md) built with jansson, from memory only: the alarm
 * (core), its unit (core), its client card and zone labels (card.c), its
 * newest events and notes (history.c), an incident's members, and the
 * service figures. No SQLite here: building an alarm for 64 consoles or a
 * login's snapshot of every open alarm costs no disk read.
 *
 * Thread: the network thread.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "arc.h"

#define ALARM_JSON_MEMBERS	100

/*
 * Text as a JSON string, never NULL: jansson refuses invalid UTF-8 (a byte
 * written by SQL), which would take the whole alarm with it, so such text
 * goes out cleaned, U+FFFD in place of each bad sequence. (What DC-09
 * brings is printable ASCII already: dc09.c.)
 */
json_t *
alarm_json_text(const char *s)
{
	json_t	*j;
	char	*clean;
	size_t	 size;

	if ((j = json_string(s)) != NULL)
		return (j);
	size = UTF8_CLEAN_SIZE(strlen(s));
	clean = xmalloc(size);
	utf8_clean(clean, size, s);
	j = json_string(clean);
	free(clean);
	return (j != NULL ? j : json_null());
}

json_t *
alarm_json_str(const char *s)
{
	return (s != NULL && *s != '\0' ? alarm_json_text(s) : json_null());
}

json_t *
alarm_json_time(int64_t ms)
{
	return (ms != 0 ? json_integer(ms) : json_null());
}

static const struct card *
aj_card(int64_t unit_id)
{
	const struct unit	*u;

	if (unit_id == 0 || (u = unit_by_id(unit_id)) == NULL)
		return (NULL);
	return (card_of(u->client));
}

static json_t *
aj_client(const struct card *c)
{
	if (c == NULL)
		return (json_null());
	return (json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "id", alarm_json_text(c->ref), "name", alarm_json_text(c->name), "born",
	    alarm_json_str(c->born), "address", alarm_json_str(c->address), "phone",
	    alarm_json_str(c->phone), "language", alarm_json_str(c->language), "medical",
	    alarm_json_str(c->medical), "access", alarm_json_str(c->access),
	    "response_level", alarm_json_text(c->level)));
}

static json_t *
aj_responders(const struct card *c)
{
	json_t	*resp = json_array();
	size_t	 i;

	for (i = 0; c != NULL && i < c->nresp; i++)
		json_array_append_new(resp, json_pack("{s:i, s:o, s:o, s:o, "
		    "s:o}", "rank", c->resp[i].rank, "name",
		    alarm_json_text(c->resp[i].name), "relation",
		    alarm_json_str(c->resp[i].relation), "phones",
		    alarm_json_text(c->resp[i].phones), "availability",
		    alarm_json_str(c->resp[i].availability)));
	return (resp);
}

json_t *
alarm_json_event(const struct history_event *e)
{
	return (json_pack("{s:I, s:i, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:I}",
	    "id", (json_int_t)e->id, "seq", e->seq, "code", e->code,
	    "raw_code", e->raw_code, "class", e->class, "qualifier",
	    e->qualifier, "zone", e->zone, "text", e->text, "location",
	    e->location, "received_at", (json_int_t)e->received_at));
}

static void
aj_event(const struct history_event *e, void *arg)
{
	json_t	*ev;

	if ((ev = alarm_json_event(e)) != NULL)
		json_array_append_new(arg, ev);
}

json_t *
alarm_json_note(const struct history_note *n)
{
	return (json_pack("{s:I, s:I, s:o, s:o}", "id", (json_int_t)n->id,
	    "at", (json_int_t)n->at, "operator", alarm_json_text(n->op), "text",
	    alarm_json_text(n->text)));
}

static void
aj_note(const struct history_note *n, void *arg)
{
	json_t	*o;

	if ((o = alarm_json_note(n)) != NULL)
		json_array_append_new(arg, o);
}

static json_t *
aj_unit(const struct alarm *a, const char *zone)
{
	const struct unit	*u = unit_by_id(a->unit_id);

	/* An unregistered unit has no row; DC-09 is all that reaches us. */
	return (json_pack("{s:s, s:s, s:o, s:o}", "account", a->account,
	    "protocol", u != NULL ? u->protocol : "dc09", "zone",
	    alarm_json_str(zone), "zone_label", alarm_json_str(card_zone(a->unit_id, zone))));
}

struct aj_members {
	json_t	*list;
	size_t	 n;
};

static void
aj_member(struct alarm *a, void *arg)
{
	struct aj_members	*m = arg;
	const struct card	*c;

	if (m->n++ >= ALARM_JSON_MEMBERS)
		return;
	c = aj_card(a->unit_id);
	json_array_append_new(m->list, json_pack("{s:I, s:s, s:o, s:o, s:o}",
	    "alarm_id", (json_int_t)a->id, "account", a->account, "client",
	    alarm_json_str(c ? c->name : NULL), "address", alarm_json_str(c ? c->address :
	    NULL), "phone", alarm_json_str(c ? c->phone : NULL)));
}

/* An incident: its live count and (the first of) its units and clients. */
static json_t *
aj_incident(const struct alarm *a)
{
	struct aj_members	 m = { json_array(), 0 };

	alarm_foreach_member(a->id, aj_member, &m);
	return (json_pack("{s:i, s:o}", "units", a->count, "members",
	    m.list));
}

/* What the alarm is, in words. */
static const char *
aj_name(const struct alarm *a, const struct history_event *first)
{
	struct code_info	 ci;

	if (strcmp(a->code, ALARM_RUNAWAY) == 0)
		return ("runaway unit");
	if (first != NULL && strcmp(a->code, "YS") == 0 &&
	    (strcmp(first->text, "unit silent") == 0 ||
	    strcmp(first->text, "communication lost") == 0))
		return (first->text);	/* raised by supervision, a will */
	return (codes_sia(a->code, &ci) == 0 ? ci.name : "unknown event");
}

/* What every form of the alarm carries: its state, as an update. */
json_t *
alarm_json_update(const struct alarm *a)
{
	const struct history_event	*first = history_oldest(a->id);
	json_t				*o;

	o = json_pack("{s:I, s:s, s:i, s:s, s:s, s:o, s:I, s:I, s:i}",
	    "id", (json_int_t)a->id, "state", alarm_state_name(a->state),
	    "class", a->class, "code", a->code, "name", aj_name(a, first),
	    "operator", alarm_json_str(a->operator), "opened_at",
	    (json_int_t)a->opened_at, "last_at", (json_int_t)a->last_at,
	    "count", a->count);
	json_object_set_new(o, "offered_to", a->state == ALARM_OFFERED ?
	    alarm_json_text(a->operator) : json_null());
	json_object_set_new(o, "accepted_at", alarm_json_time(a->accepted_at));
	json_object_set_new(o, "closed_at", alarm_json_time(a->closed_at));
	json_object_set_new(o, "restored_at", alarm_json_time(a->restored_at));
	json_object_set_new(o, "outcome", a->outcome == OUTCOME_NONE ?
	    json_null() : json_string(alarm_outcome_name(a->outcome)));
	json_object_set_new(o, "incident", a->incident ? json_pack("{s:i}",
	    "units", a->count) : json_null());
	json_object_set_new(o, "incident_id", a->incident_id ?
	    json_integer(a->incident_id) : json_null());
	json_object_set_new(o, "events_total",
	    json_integer(history_events_total(a->id)));
	json_object_set_new(o, "notes_total",
	    json_integer(history_notes_total(a->id)));
	return (o);
}

/* Its unit, client card and responders: what the directory says. */
json_t *
alarm_json_card(const struct alarm *a)
{
	const struct history_event	*first = history_oldest(a->id);
	const struct card		*c = aj_card(a->unit_id);

	return (json_pack("{s:o, s:o, s:o}", "unit", aj_unit(a, first ?
	    first->zone : NULL), "client", aj_client(c), "responders",
	    aj_responders(c)));
}

/*
 * The whole alarm object: the update's fields, its unit, client card and
 * responders, the window of its events (newest first) and notes (oldest
 * first), an incident's members.
 */
json_t *
alarm_json(const struct alarm *a)
{
	json_t	*o, *events, *notes;

	o = alarm_json_update(a);
	events = json_array();
	notes = json_array();
	history_each_event(a->id, aj_event, events);
	history_each_note(a->id, aj_note, notes);
	json_object_update_new(o, alarm_json_card(a));
	json_object_set_new(o, "events", events);
	json_object_set_new(o, "notes", notes);
	if (a->incident)
		json_object_set_new(o, "incident", aj_incident(a));
	return (o);
}

/* The pager link, as the broker link (mqtt.c) last said. */
static int	 aj_broker_up = -1;		/* -1 none, 0 down, 1 up */
static int64_t	 aj_broker_since;

void
alarm_json_broker(int up, int64_t since)
{
	aj_broker_up = up;
	aj_broker_since = since;
}

/* "up", "off" (none configured), or when it went down. */
static json_t *
aj_broker(void)
{
	if (aj_broker_up == 0)
		return (json_pack("{s:s, s:I}", "state", "down", "since",
		    (json_int_t)aj_broker_since));
	return (json_string(aj_broker_up == 1 ? "up" : "off"));
}

json_t *
alarm_json_stats(const struct alarm_stats *st)
{
	json_t	*over;
	size_t	 i;

	over = json_array();
	for (i = 0; i < st->nover_180; i++)
		json_array_append_new(over, json_pack("{s:I}", "id",
		    (json_int_t)st->over_180[i]));
	return (json_pack("{s:{s:i, s:i, s:i}, s:{s:i, s:i, s:i, s:f, s:f},"
	    " s:o, s:o, s:s}",
	    "queue", "p1", st->queue[CLASS_P1], "p2", st->queue[CLASS_P2],
	    "p3", st->queue[CLASS_P3], "today", "answered", st->answered,
	    "within_60", st->within_60, "within_180", st->within_180,
	    "pct_60", st->pct_60, "pct_180", st->pct_180, "over_180", over,
	    "broker", aj_broker(), "storage", commit_storage_ok() ? "ok" :
	    "failing"));
}
