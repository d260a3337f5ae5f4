/*
 * request.c -- the requests a console makes: queued, written with a fresh
 * id, found again by the id of their reply, kept across a reconnect when
 * they are the operator's words (notes, closes) and sent after the next
 * snapshot unless it shows they were done; and the few the console makes
 * by itself (an alarm it lacks, older events and notes). Beneath
 * client.c, which decides what to ask and tells the operator; no
 * messages here. Part of the protocol state: no curses, no sockets.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runtime.h"
#include "console.h"

static const char *request_names[] = {
	[REQ_LOGIN] = "login",
	[REQ_PING] = "ping",
	[REQ_ACCEPT] = "accept",
	[REQ_RELEASE] = "release",
	[REQ_NOTE] = "note",
	[REQ_CLOSE] = "close",
	[REQ_DECLINE] = "decline",
	[REQ_OPERATORS] = "operators",
	[REQ_ALARM] = "alarm",
	[REQ_EVENTS] = "events",
	[REQ_NOTES] = "notes",
	[REQ_UNLOCK] = "unlock",
	[REQ_UNLOCK_SOURCE] = "unlock",
	[REQ_AWAY] = "away",
	[REQ_REASSIGN] = "reassign",
	[REQ_SEND_RESPONDER] = "send_responder",
	[REQ_LADDER] = "ladder",
};

const char *
request_name(enum client_req kind)
{
	if ((size_t)kind >= sizeof request_names / sizeof *request_names)
		return ("?");
	return (request_names[kind]);
}

struct client_request *
request_new(struct client *c, enum client_req kind, int64_t alarm_id,
    const char *text, const char *outcome)
{
	struct client_request	*r;

	r = xcalloc(1, sizeof *r);
	r->kind = kind;
	r->alarm_id = alarm_id;
	r->text = text != NULL ? xstrdup(text) : NULL;
	r->outcome = outcome;
	TAILQ_INSERT_TAIL(&c->requests, r, entry);
	c->nrequests++;
	return (r);
}

void
request_remove(struct client *c, struct client_request *r)
{
	TAILQ_REMOVE(&c->requests, r, entry);
	c->nrequests--;
	free(r->text);
	free(r);
}

void
request_free_all(struct client *c)
{
	struct client_request	*r;

	while ((r = TAILQ_FIRST(&c->requests)) != NULL)
		request_remove(c, r);
}

/* Encode and hand one object to the transport; takes the reference. */
void
request_sendj(struct client *c, json_t *o)
{
	char	*s;

	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (s == NULL)
		fatalx("client: cannot encode a request");
	if (c->send != NULL) {
		c->send(s, strlen(s), c->send_arg);
		c->send("\n", 1, c->send_arg);
	}
	free(s);
}

/* The fields after type and id. */
static void
request_fields(struct client *c, struct client_request *r, json_t *o)
{
	switch (r->kind) {
	case REQ_LOGIN:
		json_object_set_new(o, "protocol",
		    json_integer(CLIENT_PROTOCOL));
		json_object_set_new(o, "login", json_string(c->login));
		json_object_set_new(o, "password", json_string(c->password));
		return;
	case REQ_PING:
	case REQ_OPERATORS:
		return;
	case REQ_UNLOCK:
		json_object_set_new(o, "login", json_string(r->text));
		return;
	case REQ_UNLOCK_SOURCE:
		json_object_set_new(o, "source", json_string(r->text));
		return;
	case REQ_AWAY:
		json_object_set_new(o, "away", json_boolean(r->before != 0));
		return;
	case REQ_REASSIGN:
		json_object_set_new(o, "to", json_string(r->text));
		break;
	case REQ_LADDER:
		json_object_set_new(o, "do", json_string(r->text));
		break;
	case REQ_EVENTS:
	case REQ_NOTES:
		if (r->before > 0)
			json_object_set_new(o, "before",
			    json_integer(r->before));
		json_object_set_new(o, "limit", json_integer(CLIENT_PAGE));
		break;
	case REQ_NOTE:
	case REQ_CLOSE:
		if (r->outcome != NULL)
			json_object_set_new(o, "outcome",
			    json_string(r->outcome));
		if (r->text != NULL && *r->text != '\0')
			json_object_set_new(o, "text", json_string(r->text));
		break;
	case REQ_ALARM:
	case REQ_SEND_RESPONDER:
	case REQ_ACCEPT:
	case REQ_RELEASE:
	case REQ_DECLINE:
		break;
	}
	json_object_set_new(o, "alarm_id", r->alarm_id == 0 ? json_null() :
	    json_integer(r->alarm_id));
}

/* Write a queued request to the wire with a fresh id. */
void
request_send(struct client *c, struct client_request *r, int64_t now)
{
	json_t	*o;

	r->id = c->next_id++;
	r->sent_at = now;
	o = json_pack("{s:s, s:I}", "type", request_name(r->kind), "id",
	    (json_int_t)r->id);
	request_fields(c, r, o);
	request_sendj(c, o);
}

/* The request a reply's id answers, or NULL. */
struct client_request *
request_find(struct client *c, json_t *id)
{
	struct client_request	*r;

	if (!json_is_integer(id))
		return (NULL);
	TAILQ_FOREACH(r, &c->requests, entry) {
		if (r->sent_at != 0 && json_integer_value(id) == r->id)
			return (r);
	}
	return (NULL);
}

/*
 * A request the console makes by itself (an alarm it lacks, older events
 * or notes): only when ready, once per alarm and kind, never taking the
 * operator's last two slots (nor those kept for a login and a ping).
 * Returns the id, 0 when asked already, -1 when not now.
 */
int64_t
request_fetch(struct client *c, enum client_req kind, int64_t alarm_id,
    int64_t before, int64_t now)
{
	struct client_request	*r;

	if (c->state != CLIENT_READY ||
	    c->nrequests + 2 >= CLIENT_MAX_REQUESTS - CLIENT_RESERVED)
		return (-1);
	TAILQ_FOREACH(r, &c->requests, entry) {
		if (r->kind == kind && r->alarm_id == alarm_id)
			return (0);
	}
	r = request_new(c, kind, alarm_id, NULL, NULL);
	r->before = before;
	request_send(c, r, now);
	return (r->id);
}

/*
 * The connection is gone: notes and closes not answered wait to be sent
 * again, anything else is forgotten. Returns how many accepts, releases
 * and declines were lost without an answer.
 */
int
request_lost(struct client *c)
{
	struct client_request	*r, *next;
	int			 lost = 0;

	TAILQ_FOREACH_SAFE(r, &c->requests, entry, next) {
		if (r->sent_at == 0)
			continue;
		if (r->kind == REQ_NOTE || r->kind == REQ_CLOSE) {
			r->id = 0;
			r->sent_at = 0;
			continue;
		}
		if (r->kind == REQ_ACCEPT || r->kind == REQ_RELEASE ||
		    r->kind == REQ_DECLINE || r->kind == REQ_SEND_RESPONDER ||
		    r->kind == REQ_LADDER)
			lost++;
		request_remove(c, r);
	}
	return (lost);
}

/* A note the alarm shows already: by us, with the same text. */
static int
request_note_stored(struct client *c, struct client_request *r,
    struct client_alarm *a)
{
	json_t		*n;
	const char	*text, *op;
	size_t		 i;

	if (r->text == NULL)
		return (0);
	json_array_foreach(json_object_get(a->obj, "notes"), i, n) {
		text = json_string_value(json_object_get(n, "text"));
		op = json_string_value(json_object_get(n, "operator"));
		if (text != NULL && strcmp(text, r->text) == 0 &&
		    op != NULL && strcmp(op, c->op_login) == 0)
			return (1);
	}
	return (0);
}

/*
 * After a snapshot: send what waited for the connection, except what the
 * snapshot shows already happened (a note stored before the link broke)
 * or can no longer happen (closing an alarm that is gone).
 */
void
request_flush(struct client *c, int64_t now)
{
	struct client_request	*r, *next;
	struct client_alarm	*a;

	TAILQ_FOREACH_SAFE(r, &c->requests, entry, next) {
		if (r->sent_at != 0)
			continue;
		a = queue_find(c, r->alarm_id);
		if (a == NULL || a->state == ALARM_CLOSED ||
		    (r->kind == REQ_NOTE && request_note_stored(c, r, a))) {
			request_remove(c, r);
			continue;
		}
		request_send(c, r, now);
	}
}
