/*
 * alarm_json.c -- the objects of the console protocol (docs/
 * console-protocol.md) built with jansson: an alarm with its client card,
 * responders, events and notes, and the service figures. The card comes
 * from the network thread's reader connection.
 */
#include <jansson.h>
#include <string.h>

#include "alarm.h"
#include "arc.h"

#define ALARM_JSON_EVENTS	20

static struct db	*aj_db;		/* borrowed: arcd's reader */

void
alarm_json_init(struct db *db)
{
	aj_db = db;
}

static json_t *
aj_str(const char *s)
{
	return (s != NULL && *s != '\0' ? json_string(s) : json_null());
}

static json_t *
aj_time(int64_t ms)
{
	return (ms != 0 ? json_integer(ms) : json_null());
}

static json_t *
aj_client(int64_t unit_id, int64_t *client_id)
{
	struct db_client	 c;

	*client_id = 0;
	if (unit_id == 0 || db_client_by_unit(aj_db, unit_id, &c) != 0)
		return (json_null());
	*client_id = c.id;
	return (json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:s}",
	    "id", c.ref, "name", c.name, "born", aj_str(c.born),
	    "address", aj_str(c.address), "phone", aj_str(c.phone),
	    "language", aj_str(c.language), "medical", aj_str(c.medical),
	    "access", aj_str(c.access), "response_level", c.level));
}

static int
aj_responder(const struct db_responder *r, void *arg)
{
	json_array_append_new(arg, json_pack("{s:i, s:s, s:o, s:s, s:o}",
	    "rank", r->rank, "name", r->name, "relation",
	    aj_str(r->relation), "phones", r->phones, "availability",
	    aj_str(r->availability)));
	return (0);
}

static int
aj_event(const struct db_event *e, void *arg)
{
	json_t	*ev;

	ev = json_pack("{s:I, s:i, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:I}",
	    "id", (json_int_t)e->id, "seq", e->seq, "code", e->code,
	    "raw_code", e->raw_code,
	    "class", e->class, "qualifier", e->qualifier, "zone", e->zone,
	    "text", e->text, "location", e->location, "received_at",
	    (json_int_t)e->received_at);
	if (ev != NULL)
		json_array_append_new(arg, ev);
	return (0);
}

static int
aj_note(int64_t at, const char *op, const char *text, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s, s:s}", "at",
	    (json_int_t)at, "operator", op, "text", text));
	return (0);
}

static json_t *
aj_unit(const struct alarm *a, const char *zone)
{
	char	 label[64] = "";

	if (a->unit_id != 0 && zone != NULL)
		db_zone_label(aj_db, a->unit_id, zone, label, sizeof label);
	return (json_pack("{s:s, s:s, s:o, s:o}", "account", a->account,
	    "protocol", "dc09", "zone", aj_str(zone), "zone_label",
	    aj_str(label)));
}

#define ALARM_JSON_MEMBERS	100

struct aj_members {
	json_t	*list;
	size_t	 n;
};

static void
aj_member(struct alarm *a, void *arg)
{
	struct aj_members	*m = arg;
	struct db_client	 c;

	if (m->n++ >= ALARM_JSON_MEMBERS)
		return;
	if (a->unit_id == 0 || db_client_by_unit(aj_db, a->unit_id, &c) != 0)
		memset(&c, 0, sizeof c);
	json_array_append_new(m->list, json_pack("{s:I, s:s, s:o, s:o, s:o}",
	    "alarm_id", (json_int_t)a->id, "account", a->account, "client",
	    aj_str(c.name), "address", aj_str(c.address), "phone",
	    aj_str(c.phone)));
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

/* The whole alarm object, as every console sees it. */
json_t *
alarm_json(const struct alarm *a)
{
	json_t		*o, *events, *resp, *notes, *first;
	int64_t		 client_id;
	const char	*zone = NULL, *name;
	struct code_info ci;

	events = json_array();
	resp = json_array();
	notes = json_array();
	db_alarm_events(aj_db, a->id, ALARM_JSON_EVENTS, aj_event, events);
	db_alarm_notes(aj_db, a->id, aj_note, notes);
	if ((first = json_array_get(events, json_array_size(events) - 1)))
		zone = json_string_value(json_object_get(first, "zone"));
	if (strcmp(a->code, ALARM_RUNAWAY) == 0)
		name = "runaway unit";
	else if (first != NULL && strcmp(a->code, "YS") == 0 &&
	    strcmp(json_string_value(json_object_get(first, "text")) ?
	    json_string_value(json_object_get(first, "text")) : "",
	    "unit silent") == 0)
		name = "unit silent";	/* raised by supervision */
	else
		name = codes_sia(a->code, &ci) == 0 ? ci.name : "unknown event";
	o = json_pack("{s:I, s:s, s:i, s:s, s:s, s:o, s:I, s:I, s:i}",
	    "id", (json_int_t)a->id, "state", alarm_state_name(a->state),
	    "class", a->class, "code", a->code, "name", name,
	    "operator", aj_str(a->operator), "opened_at",
	    (json_int_t)a->opened_at, "last_at", (json_int_t)a->last_at,
	    "count", a->count);
	json_object_set_new(o, "offered_to", a->state == ALARM_OFFERED ?
	    json_string(a->operator) : json_null());
	json_object_set_new(o, "accepted_at", aj_time(a->accepted_at));
	json_object_set_new(o, "closed_at", aj_time(a->closed_at));
	json_object_set_new(o, "outcome", a->outcome == OUTCOME_NONE ?
	    json_null() : json_string(alarm_outcome_name(a->outcome)));
	json_object_set_new(o, "unit", aj_unit(a, zone));
	json_object_set_new(o, "client", aj_client(a->unit_id, &client_id));
	if (client_id != 0)
		db_client_responders(aj_db, client_id, aj_responder, resp);
	json_object_set_new(o, "responders", resp);
	json_object_set_new(o, "events", events);
	json_object_set_new(o, "notes", notes);
	json_object_set_new(o, "incident", a->incident ? aj_incident(a) :
	    json_null());
	json_object_set_new(o, "incident_id", a->incident_id ?
	    json_integer(a->incident_id) : json_null());
	return (o);
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
	    " s:o, s:s, s:s}",
	    "queue", "p1", st->queue[1], "p2", st->queue[2], "p3",
	    st->queue[3], "today", "answered", st->answered, "within_60",
	    st->within_60, "within_180", st->within_180, "pct_60",
	    st->pct_60, "pct_180", st->pct_180, "over_180", over, "broker",
	    "n/a", "storage", ingest_storage_ok() ? "ok" : "failing"));
}
