/*
 * client.c -- the console protocol state (docs/console-protocol.md): hello,
 * login, snapshot, alarm deltas, offers, requests with ids and their
 * replies. What the operator is typing is draft.c's, which sends it
 * through here; client.c does not call it.
 *
 * No curses, no sockets: client_input() takes one line, c->send gets the
 * lines to write, and every function that needs the time takes it as data,
 * so the unit tests drive it directly.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runtime.h"
#include "console.h"

const struct client_outcome client_outcomes[] = {
	{ "no_assistance",	"no assistance needed" },
	{ "assisted_by_phone",	"assisted by phone" },
	{ "responder_sent",	"responder sent" },
	{ "emergency_services",	"emergency services called" },
	{ "false_alarm",	"false alarm" },
	{ "technical_fault",	"technical fault" },
};
const size_t client_noutcomes =
    sizeof client_outcomes / sizeof client_outcomes[0];

static const char *client_state_names[] = {
	[CLIENT_OFFLINE] = "offline",
	[CLIENT_CONNECTING] = "connecting",
	[CLIENT_HELLO] = "hello",
	[CLIENT_LOGIN] = "login",
	[CLIENT_AUTH] = "auth",
	[CLIENT_SYNC] = "sync",
	[CLIENT_READY] = "ready",
};

static const char *client_req_names[] = {
	[REQ_LOGIN] = "login",
	[REQ_PING] = "ping",
	[REQ_ACCEPT] = "accept",
	[REQ_RELEASE] = "release",
	[REQ_NOTE] = "note",
	[REQ_CLOSE] = "close",
	[REQ_DECLINE] = "decline",
	[REQ_OPERATORS] = "operators",
};

/* Protocol error words and what an operator reads. */
static const struct {
	const char	*error;
	const char	*text;
} client_errors[] = {
	{ "auth",	  "wrong login or password" },
	{ "protocol",	  "the server does not speak this console's protocol" },
	{ "login",	  "not logged in" },
	{ "not_found",	  "no such alarm" },
	{ "taken",	  "another operator has it" },
	{ "state",	  "not allowed in the alarm's state" },
	{ "not_yours",	  "the alarm is not yours" },
	{ "bad_request",  "the server refused the request" },
	{ "forbidden",	  "not allowed for your role" },
	{ "storage",	  "could not be stored; nothing changed" },
	{ "unknown_type", "the server does not know this request" },
};

static void	client_flush(struct client *, int64_t);

const char *
client_state_name(enum client_state s)
{
	if ((size_t)s >= sizeof client_state_names / sizeof *client_state_names)
		return ("?");
	return (client_state_names[s]);
}

const char *
client_outcome_label(const char *name)
{
	size_t	 i;

	if (name == NULL)
		return (NULL);
	for (i = 0; i < client_noutcomes; i++) {
		if (strcmp(client_outcomes[i].name, name) == 0)
			return (client_outcomes[i].label);
	}
	return (name);
}

static const char *
client_error_text(const char *error)
{
	size_t	 i;

	if (error == NULL)
		return ("failed");
	for (i = 0; i < sizeof client_errors / sizeof *client_errors; i++) {
		if (strcmp(client_errors[i].error, error) == 0)
			return (client_errors[i].text);
	}
	return (error);
}

struct client *
client_new(client_send_fn *send, void *arg)
{
	struct client	*c;

	c = xcalloc(1, sizeof *c);
	c->send = send;
	c->send_arg = arg;
	c->next_id = 1;
	TAILQ_INIT(&c->requests);
	return (c);
}

static void
client_request_free(struct client_request *r)
{
	if (r == NULL)
		return;
	free(r->text);
	free(r);
}

static void
client_request_remove(struct client *c, struct client_request *r)
{
	TAILQ_REMOVE(&c->requests, r, entry);
	c->nrequests--;
	client_request_free(r);
}

void
client_free(struct client *c)
{
	struct client_request	*r;

	if (c == NULL)
		return;
	while ((r = TAILQ_FIRST(&c->requests)) != NULL)
		client_request_remove(c, r);
	queue_free(c);
	free(c->operators);
	free(c->login);
	freezero_str(c->password);
	explicit_bzero(&c->draft, sizeof c->draft);	/* draft.c's text */
	free(c);
}

void
client_message(struct client *c, int error, int64_t now, const char *fmt,
    ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(c->message, sizeof c->message, fmt, ap);
	va_end(ap);
	c->message_error = error;
	c->message_at = now;
}

static void	client_login(struct client *, int64_t);

/* Who to log in as; logs in at once if the server is waiting for it. */
void
client_set_credentials(struct client *c, const char *login,
    const char *password, int64_t now)
{
	free(c->login);
	freezero_str(c->password);
	c->login = xstrdup(login);
	c->password = xstrdup(password);
	c->have_creds = 1;
	c->login_error[0] = '\0';
	if (c->state == CLIENT_LOGIN)
		client_login(c, now);
}

/* Encode and hand one object to the transport; takes the reference. */
static void
client_sendj(struct client *c, json_t *o)
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

static json_t *
client_alarm_id_json(int64_t id)
{
	return (id == 0 ? json_null() : json_integer(id));
}

/* Write a queued request to the wire with a fresh id. */
static void
client_send_request(struct client *c, struct client_request *r, int64_t now)
{
	json_t	*o;

	r->id = c->next_id++;
	r->sent_at = now;
	o = json_pack("{s:s, s:I}", "type", client_req_names[r->kind],
	    "id", (json_int_t)r->id);
	switch (r->kind) {
	case REQ_LOGIN:
		json_object_set_new(o, "protocol",
		    json_integer(CLIENT_PROTOCOL));
		json_object_set_new(o, "login", json_string(c->login));
		json_object_set_new(o, "password", json_string(c->password));
		break;
	case REQ_PING:
	case REQ_OPERATORS:
		break;
	case REQ_NOTE:
	case REQ_CLOSE:
		if (r->outcome != NULL)
			json_object_set_new(o, "outcome",
			    json_string(r->outcome));
		if (r->text != NULL && *r->text != '\0')
			json_object_set_new(o, "text", json_string(r->text));
		/* FALLTHROUGH */
	case REQ_ACCEPT:
	case REQ_RELEASE:
	case REQ_DECLINE:
		json_object_set_new(o, "alarm_id",
		    client_alarm_id_json(r->alarm_id));
		break;
	}
	client_sendj(c, o);
}

static struct client_request *
client_request_new(struct client *c, enum client_req kind, int64_t alarm_id,
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

/*
 * Queue a request: sent now when logged in; notes and closes wait for the
 * next session when offline, anything else is refused. Returns the id (or
 * 0 when queued), -1 when refused.
 */
static int64_t
client_request(struct client *c, enum client_req kind, int64_t alarm_id,
    const char *text, const char *outcome, int64_t now)
{
	struct client_request	*r;
	int			 keep = (kind == REQ_NOTE || kind == REQ_CLOSE);

	if (c->nrequests >= CLIENT_MAX_REQUESTS) {
		client_message(c, 1, now, "too many requests waiting");
		return (-1);
	}
	if (c->state != CLIENT_READY && !keep) {
		client_message(c, 1, now, "%s: not connected",
		    client_req_names[kind]);
		return (-1);
	}
	r = client_request_new(c, kind, alarm_id, text, outcome);
	if (c->state != CLIENT_READY) {
		client_message(c, 0, now, "%s queued: sent when reconnected",
		    client_req_names[kind]);
		return (0);
	}
	client_send_request(c, r, now);
	return (r->id);
}

int64_t
client_accept(struct client *c, int64_t alarm_id, int64_t now)
{
	return (client_request(c, REQ_ACCEPT, alarm_id, NULL, NULL, now));
}

int64_t
client_release(struct client *c, int64_t alarm_id, int64_t now)
{
	return (client_request(c, REQ_RELEASE, alarm_id, NULL, NULL, now));
}

int64_t
client_decline(struct client *c, int64_t alarm_id, int64_t now)
{
	return (client_request(c, REQ_DECLINE, alarm_id, NULL, NULL, now));
}

int64_t
client_note(struct client *c, int64_t alarm_id, const char *text,
    int64_t now)
{
	size_t	 len = strlen(text);

	if (len == 0 || len > CLIENT_TEXT_MAX) {
		client_message(c, 1, now, "a note has 1 to %d characters",
		    CLIENT_TEXT_MAX);
		return (-1);
	}
	return (client_request(c, REQ_NOTE, alarm_id, text, NULL, now));
}

int64_t
client_close(struct client *c, int64_t alarm_id, const char *outcome,
    const char *text, int64_t now)
{
	return (client_request(c, REQ_CLOSE, alarm_id, text, outcome, now));
}

int
client_is_supervisor(struct client *c)
{
	return (strcmp(c->op_role, "supervisor") == 0);
}

/* Ask for the operators list (supervisors only; others are refused). */
int64_t
client_operators(struct client *c, int64_t now)
{
	if (!client_is_supervisor(c)) {
		client_message(c, 1, now, "operators: for supervisors only");
		return (-1);
	}
	return (client_request(c, REQ_OPERATORS, 0, NULL, NULL, now));
}

/* The transport is starting a connection. */
void
client_connecting(struct client *c)
{
	c->state = CLIENT_CONNECTING;
}

void
client_connected(struct client *c, int64_t now)
{
	c->state = CLIENT_HELLO;
	c->last_rx = now;
}

/*
 * The connection is gone. Notes and closes not answered go back to the
 * queue (client_flush() drops those the new snapshot shows were done);
 * anything else is reported and forgotten. Alarms stay on screen until the
 * next snapshot replaces them; the draft is not touched.
 */
void
client_disconnected(struct client *c, int64_t now)
{
	struct client_request	*r, *next;
	int			 lost = 0;

	c->state = CLIENT_OFFLINE;
	c->offer_id = 0;
	TAILQ_FOREACH_SAFE(r, &c->requests, entry, next) {
		if (r->sent_at == 0)
			continue;
		if (r->kind == REQ_NOTE || r->kind == REQ_CLOSE) {
			r->id = 0;
			r->sent_at = 0;
			continue;
		}
		if (r->kind == REQ_ACCEPT || r->kind == REQ_RELEASE ||
		    r->kind == REQ_DECLINE)
			lost++;
		client_request_remove(c, r);
	}
	if (lost)
		client_message(c, 1, now, "connection lost: check the alarm "
		    "you acted on");
}

/* Send the login if we have what it needs. */
static void
client_login(struct client *c, int64_t now)
{
	struct client_request	*r;

	if (!c->have_creds) {
		c->state = CLIENT_LOGIN;
		return;
	}
	r = client_request_new(c, REQ_LOGIN, 0, NULL, NULL);
	c->state = CLIENT_AUTH;
	client_send_request(c, r, now);
}

static const char *
client_jstr(json_t *o, const char *key)
{
	return (json_string_value(json_object_get(o, key)));
}

static int64_t
client_jint(json_t *o, const char *key)
{
	return ((int64_t)json_integer_value(json_object_get(o, key)));
}

static void
client_snapshot(struct client *c, json_t *m, int64_t now)
{
	queue_snapshot(c, json_object_get(m, "alarms"));
	queue_stats(c, json_object_get(m, "stats"));
	/* Unix ms: a negative one is junk (and would overflow the skew). */
	if (json_is_integer(json_object_get(m, "server_time")) &&
	    client_jint(m, "server_time") >= 0 && now >= 0)
		c->skew = client_jint(m, "server_time") - now;
	c->state = CLIENT_READY;
	client_flush(c, now);
	/* Pushes only say what changed: a supervisor asks for the list. */
	if (client_is_supervisor(c))
		client_operators(c, now);
}

static void
client_operator_parse(struct client_operator *op, json_t *o)
{
	json_t	*ids, *id;
	size_t	 i;

	memset(op, 0, sizeof *op);
	snprintf(op->login, sizeof op->login, "%s", client_jstr(o, "login"));
	snprintf(op->name, sizeof op->name, "%s", client_jstr(o, "name") ?
	    client_jstr(o, "name") : "");
	snprintf(op->role, sizeof op->role, "%s", client_jstr(o, "role") ?
	    client_jstr(o, "role") : "");
	op->connected = json_is_true(json_object_get(o, "connected"));
	ids = json_object_get(o, "alarms");
	json_array_foreach(ids, i, id) {
		if (!json_is_integer(id))
			continue;
		op->alarms_total++;
		if (op->nalarms < CLIENT_OPERATOR_ALARMS)
			op->alarms[op->nalarms++] = json_integer_value(id);
	}
}

/*
 * Replace the operators list (a push or the reply to a request). Ignored
 * unless we are a supervisor; entries without a login are counted junk.
 */
static void
client_operators_set(struct client *c, json_t *list)
{
	json_t	*o;
	size_t	 i, n;

	if (!client_is_supervisor(c))
		return;
	if (!json_is_array(list)) {
		c->bad_messages++;
		return;
	}
	n = json_array_size(list);
	if (n > CLIENT_MAX_OPERATORS) {
		c->dropped_operators += n - CLIENT_MAX_OPERATORS;
		n = CLIENT_MAX_OPERATORS;
	}
	free(c->operators);
	c->operators = xreallocarray(NULL, n + 1, sizeof *c->operators);
	c->noperators = 0;
	for (i = 0; i < n; i++) {
		o = json_array_get(list, i);
		if (!json_is_object(o) || client_jstr(o, "login") == NULL) {
			c->bad_messages++;
			continue;
		}
		client_operator_parse(&c->operators[c->noperators++], o);
	}
	c->have_operators = 1;
}

/*
 * After a snapshot: send what waited for the connection, except what the
 * snapshot shows already happened (a note stored before the link broke)
 * or can no longer happen (closing an alarm that is gone).
 */
static void
client_flush(struct client *c, int64_t now)
{
	struct client_request	*r, *next;
	struct client_alarm	*a;
	json_t			*notes, *n;
	size_t			 i;
	int			 done;

	TAILQ_FOREACH_SAFE(r, &c->requests, entry, next) {
		if (r->sent_at != 0)
			continue;
		a = queue_find(c, r->alarm_id);
		done = (a == NULL || a->state == ALARM_CLOSED);
		if (!done && r->kind == REQ_NOTE) {
			notes = json_object_get(a->obj, "notes");
			json_array_foreach(notes, i, n) {
				if (r->text != NULL &&
				    client_jstr(n, "text") != NULL &&
				    strcmp(client_jstr(n, "text"), r->text) == 0 &&
				    client_jstr(n, "operator") != NULL &&
				    strcmp(client_jstr(n, "operator"),
				    c->op_login) == 0)
					done = 1;
			}
		}
		if (done) {
			client_request_remove(c, r);
			continue;
		}
		client_send_request(c, r, now);
	}
}

static void
client_login_reply(struct client *c, json_t *m, int64_t now)
{
	json_t		*op;
	const char	*error;

	if (json_is_true(json_object_get(m, "ok"))) {
		op = json_object_get(m, "operator");
		snprintf(c->op_login, sizeof c->op_login, "%s",
		    client_jstr(op, "login") ? client_jstr(op, "login") :
		    c->login);
		snprintf(c->op_name, sizeof c->op_name, "%s",
		    client_jstr(op, "name") ? client_jstr(op, "name") : "");
		snprintf(c->op_role, sizeof c->op_role, "%s",
		    client_jstr(op, "role") ? client_jstr(op, "role") : "");
		c->login_error[0] = '\0';
		c->state = CLIENT_SYNC;
		return;
	}
	error = client_jstr(m, "error");
	snprintf(c->login_error, sizeof c->login_error, "%s",
	    client_error_text(error));
	if (error != NULL && strcmp(error, "auth") == 0) {
		/* Ask the person again; keep the login. */
		freezero_str(c->password);
		c->password = NULL;
		c->have_creds = 0;
		c->state = CLIENT_LOGIN;
	} else
		client_message(c, 1, now, "login: %s", c->login_error);
}

static void
client_reply(struct client *c, json_t *m, int64_t now)
{
	struct client_request	*r;
	json_t			*idj = json_object_get(m, "id");
	int			 ok = json_is_true(json_object_get(m, "ok"));
	const char		*what;

	TAILQ_FOREACH(r, &c->requests, entry) {
		if (r->sent_at != 0 && json_is_integer(idj) &&
		    json_integer_value(idj) == r->id)
			break;
	}
	if (r == NULL) {
		c->stray_replies++;
		return;
	}
	what = client_req_names[r->kind];
	switch (r->kind) {
	case REQ_LOGIN:
		client_login_reply(c, m, now);
		break;
	case REQ_PING:
		break;
	case REQ_OPERATORS:
		if (ok)
			client_operators_set(c, json_object_get(m,
			    "operators"));
		else
			client_message(c, 1, now, "operators: %s",
			    client_error_text(client_jstr(m, "error")));
		break;
	default:
		if (!ok) {
			client_message(c, 1, now, "%s %lld: %s", what,
			    (long long)r->alarm_id,
			    client_error_text(client_jstr(m, "error")));
			break;
		}
		if (r->kind == REQ_ACCEPT) {
			c->focus_id = client_jint(m, "alarm_id");
			client_message(c, 0, now, "alarm %lld accepted",
			    (long long)c->focus_id);
		} else if (r->kind == REQ_CLOSE)
			client_message(c, 0, now, "alarm %lld closed: %s",
			    (long long)r->alarm_id,
			    client_outcome_label(r->outcome));
		else
			client_message(c, 0, now, "%s %lld: done", what,
			    (long long)r->alarm_id);
		break;
	}
	client_request_remove(c, r);
}

/*
 * One line from the server. Returns -1 when the line is not a JSON object:
 * the caller closes the connection. Unknown types are ignored.
 */
int
client_input(struct client *c, const char *line, size_t len, int64_t now)
{
	json_t		*m;
	json_error_t	 err;
	const char	*type;

	c->last_rx = now;
	m = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err);
	if (m == NULL || !json_is_object(m)) {
		json_decref(m);
		c->bad_messages++;
		return (-1);
	}
	if ((type = client_jstr(m, "type")) == NULL)
		c->bad_messages++;
	else if (strcmp(type, "hello") == 0) {
		if (client_jint(m, "protocol") != CLIENT_PROTOCOL)
			client_message(c, 1, now, "server speaks protocol "
			    "%lld, not %d", (long long)client_jint(m,
			    "protocol"), CLIENT_PROTOCOL);
		if (c->state == CLIENT_HELLO)
			client_login(c, now);
	} else if (strcmp(type, "reply") == 0)
		client_reply(c, m, now);
	else if (strcmp(type, "snapshot") == 0)
		client_snapshot(c, m, now);
	else if (strcmp(type, "alarm") == 0 && c->state == CLIENT_READY)
		queue_delta(c, m);
	else if (strcmp(type, "offer") == 0) {
		c->offer_id = client_jint(m, "alarm_id");
		c->focus_id = c->offer_id;
		client_message(c, 0, now, "alarm %lld offered to you: "
		    "a to accept", (long long)c->offer_id);
	} else if (strcmp(type, "stats") == 0)
		queue_stats(c, json_object_get(m, "stats") ?
		    json_object_get(m, "stats") : m);
	else if (strcmp(type, "operators") == 0)
		client_operators_set(c, json_object_get(m, "operators"));
	else if (strcmp(type, "system") == 0 && client_jstr(m, "text"))
		client_message(c, 1, now, "server: %s", client_jstr(m, "text"));
	json_decref(m);
	return (0);
}

/*
 * Once in a while: ping an idle server and report one that does not
 * answer (-1: the caller drops the connection).
 */
int
client_tick(struct client *c, int64_t now)
{
	struct client_request	*r;

	if (c->state < CLIENT_HELLO)
		return (0);
	TAILQ_FOREACH(r, &c->requests, entry) {
		if (r->sent_at != 0 && now - r->sent_at > CLIENT_PING_TIMEOUT &&
		    r->kind == REQ_PING)
			return (-1);
		if (r->kind == REQ_PING)
			return (0);
	}
	if (c->state == CLIENT_READY && now - c->last_rx > CLIENT_PING_IDLE)
		client_send_request(c, client_request_new(c, REQ_PING, 0,
		    NULL, NULL), now);
	return (0);
}
