/*
 * client.c -- the console protocol state (docs/console-protocol.md,
 * version 2): hello (line_max, heartbeat), login, the streamed snapshot,
 * the alarm deltas (handed to queue.c), offers, heartbeats answered at
 * once, a session taken over ("replaced": stay offline), requests with
 * ids and their replies, older events and notes asked for, a
 * supervisor's operators view (kept by operators.c) and unlock, the
 * hello's time zone, the bell (client_ring: new P1s are queue.c's, offers
 * and alarms a supervisor takes away are here) and the replies to away
 * and reassign (sent by supervise.c, above). What the operator is typing
 * is draft.c's, which sends it through here; client.c does not call it.
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

struct client *
client_new(client_send_fn *send, void *arg)
{
	struct client	*c;

	c = xcalloc(1, sizeof *c);
	c->send = send;
	c->send_arg = arg;
	c->next_id = 1;
	c->line_max = CLIENT_LINE_MAX;
	TAILQ_INIT(&c->requests);
	return (c);
}

void
client_free(struct client *c)
{
	if (c == NULL)
		return;
	request_free_all(c);
	queue_free(c);
	ladder_clear(c);
	operators_free(c);
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

/* Ring the bell (and flash a banner saying fmt) at the next draw. */
void
client_ring(struct client *c, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(c->flash, sizeof c->flash, fmt, ap);
	va_end(ap);
	c->bells++;
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

/*
 * Queue a request: sent now when logged in; notes and closes wait for the
 * next session when offline, anything else is refused. Returns the id (or
 * 0 when queued), -1 when refused.
 */
int64_t
client_request(struct client *c, enum client_req kind, int64_t alarm_id,
    const char *text, const char *outcome, int64_t now)
{
	struct client_request	*r;
	int			 keep = (kind == REQ_NOTE || kind == REQ_CLOSE);

	if (c->nrequests >= CLIENT_MAX_REQUESTS - CLIENT_RESERVED) {
		client_message(c, 1, now, "too many requests waiting");
		return (-1);
	}
	if (c->state != CLIENT_READY && !keep) {
		client_message(c, 1, now, "%s: not connected",
		    request_name(kind));
		return (-1);
	}
	r = request_new(c, kind, alarm_id, text, outcome);
	if (c->state != CLIENT_READY) {
		client_message(c, 0, now, "%s queued: sent when reconnected",
		    request_name(kind));
		return (0);
	}
	request_send(c, r, now);
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

/*
 * Lift the lock on a login (source 0) or an address (supervisors only):
 * sent now or refused, never kept for a reconnect.
 */
int64_t
client_unlock(struct client *c, const char *name, int source, int64_t now)
{
	if (!client_is_supervisor(c)) {
		client_message(c, 1, now, "unlock: for supervisors only");
		return (-1);
	}
	if (*name == '\0' || strlen(name) >= CLIENT_LOCK_NAME) {
		client_message(c, 1, now, "unlock: no such login or address");
		return (-1);
	}
	return (client_request(c, source ? REQ_UNLOCK_SOURCE : REQ_UNLOCK, 0,
	    name, NULL, now));
}

/*
 * Ask for the next page of older events and of older notes of an alarm,
 * where the server has more than is held. Returns how many kinds are on
 * their way (0: everything is held, or as much as is kept).
 */
int
client_history(struct client *c, int64_t alarm_id, int64_t now)
{
	static const enum client_req req[] = {
		[HISTORY_EVENTS] = REQ_EVENTS,
		[HISTORY_NOTES] = REQ_NOTES,
	};
	struct client_alarm	*a;
	int64_t			 before;
	int			 k, n = 0;

	if ((a = queue_find(c, alarm_id)) == NULL)
		return (0);
	for (k = HISTORY_EVENTS; k <= HISTORY_NOTES; k++) {
		if (history_before(a, k, &before) &&
		    request_fetch(c, req[k], alarm_id, before, now) >= 0)
			n++;
	}
	return (n);
}

/* The transport is starting a connection (the operator's, after replaced). */
void
client_connecting(struct client *c)
{
	c->state = CLIENT_CONNECTING;
	c->replaced = 0;
}

void
client_connected(struct client *c, int64_t now)
{
	c->state = CLIENT_HELLO;
	c->last_rx = now;
	c->line_max = CLIENT_LINE_MAX;
	c->heartbeat = 0;
}

/*
 * The connection is gone. Notes and closes not answered go back to the
 * queue (request_flush() drops those the new snapshot shows were done);
 * anything else is reported and forgotten. Alarms stay on screen until the
 * next snapshot replaces them; the draft is not touched.
 */
void
client_disconnected(struct client *c, int64_t now)
{
	c->state = CLIENT_OFFLINE;
	c->offer_id = 0;
	c->loading = 0;		/* c->known stays for the next snapshot */
	if (request_lost(c) > 0)
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
	r = request_new(c, REQ_LOGIN, 0, NULL, NULL);
	c->state = CLIENT_AUTH;
	request_send(c, r, now);
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

/* snapshot_begin: the queue starts again; the figures and the clock. */
static void
client_snapshot_begin(struct client *c, json_t *m, int64_t now)
{
	queue_begin(c);
	ladder_clear(c);	/* every live one comes again */
	c->load_total = client_jint(m, "alarms");
	if (c->load_total < 0)
		c->load_total = 0;
	queue_stats(c, json_object_get(m, "stats"));
	/* Unix ms: a negative one is junk (and would overflow the skew). */
	if (json_is_integer(json_object_get(m, "server_time")) &&
	    client_jint(m, "server_time") >= 0 && now >= 0)
		c->skew = client_jint(m, "server_time") - now;
	c->state = CLIENT_SYNC;
}

/* snapshot_end: the queue is complete; what waited is sent. */
static void
client_snapshot_end(struct client *c, json_t *m, int64_t now)
{
	struct client_request	*r;

	(void)m;
	if (!c->loading) {
		c->bad_messages++;
		return;
	}
	queue_end(c);
	c->state = CLIENT_READY;
	request_flush(c, now);
	if (c->away && c->nrequests < CLIENT_MAX_REQUESTS) {
		/* A new session starts present: say it again. */
		r = request_new(c, REQ_AWAY, 0, NULL, NULL);
		r->before = 1;
		request_send(c, r, now);
	}
	/* Pushes only say what changed: a supervisor asks for the list. */
	if (client_is_supervisor(c))
		client_operators(c, now);
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
	    text_error(error));
	if (error != NULL && (strcmp(error, "auth") == 0 ||
	    strcmp(error, "locked") == 0)) {
		/* Ask the person again; keep the login. */
		freezero_str(c->password);
		c->password = NULL;
		c->have_creds = 0;
		c->state = CLIENT_LOGIN;
	} else
		client_message(c, 1, now, "login: %s", c->login_error);
}

/* The answer to request_fetch(): an alarm, or a page of its history. */
static void
client_fetched(struct client *c, struct client_request *r, json_t *m,
    int64_t now)
{
	struct client_alarm	*a;
	int			 more = json_is_true(json_object_get(m, "more"));

	if (!json_is_true(json_object_get(m, "ok"))) {
		if (r->kind != REQ_ALARM)
			client_message(c, 1, now, "%s %lld: %s",
			    request_name(r->kind), (long long)r->alarm_id,
			    text_error(client_jstr(m, "error")));
		return;
	}
	if (r->kind == REQ_ALARM) {
		/* Only if nothing newer came meanwhile. */
		if (queue_find(c, r->alarm_id) == NULL)
			queue_alarm(c, json_object_get(m, "alarm"));
		return;
	}
	if ((a = queue_find(c, r->alarm_id)) == NULL)
		return;
	if (r->kind == REQ_EVENTS)
		history_page(a, HISTORY_EVENTS, json_object_get(m, "events"),
		    more);
	else
		history_page(a, HISTORY_NOTES, json_object_get(m, "notes"),
		    more);
}

/* The answer to an unlock; the operators push that follows shows it. */
static void
client_unlocked(struct client *c, struct client_request *r, json_t *m,
    int64_t now)
{
	const char	*what = r->kind == REQ_UNLOCK ? "login" : "address";
	const char	*error = client_jstr(m, "error");

	if (json_is_true(json_object_get(m, "ok")))
		client_message(c, 0, now, "%s %s unlocked", what, r->text);
	else if (error != NULL && strcmp(error, "not_found") == 0)
		client_message(c, 1, now, "unlock %s %s: not locked", what,
		    r->text);
	else
		client_message(c, 1, now, "unlock %s %s: %s", what, r->text,
		    text_error(error));
}

static void
client_reply(struct client *c, json_t *m, int64_t now)
{
	struct client_request	*r;
	int			 ok = json_is_true(json_object_get(m, "ok"));
	const char		*what, *error;

	if ((r = request_find(c, json_object_get(m, "id"))) == NULL) {
		c->stray_replies++;
		return;
	}
	what = request_name(r->kind);
	switch (r->kind) {
	case REQ_LOGIN:
		client_login_reply(c, m, now);
		break;
	case REQ_PING:
		break;
	case REQ_ALARM:
	case REQ_EVENTS:
	case REQ_NOTES:
		client_fetched(c, r, m, now);
		break;
	case REQ_OPERATORS:
		if (ok && client_is_supervisor(c))
			operators_set(c, m);
		else if (!ok)
			client_message(c, 1, now, "operators: %s",
			    text_error(client_jstr(m, "error")));
		break;
	case REQ_UNLOCK:
	case REQ_UNLOCK_SOURCE:
		client_unlocked(c, r, m, now);
		break;
	case REQ_AWAY:
		if (ok)
			c->away = (r->before != 0);
		client_message(c, !ok, now, ok ? (c->away ? "away: no offers "
		    "until you are back (p)" : "back: offers again") :
		    "away: %s", text_error(client_jstr(m, "error")));
		break;
	default:
		if (r->kind == REQ_LADDER)
			what = r->text;
		if (!ok && r->kind == REQ_CLOSE && (error = client_jstr(m,
		    "error")) != NULL && strcmp(error, "responder_on_way") == 0) {
			c->reason_id = r->alarm_id;	/* the screen asks */
			c->reason_outcome = r->outcome;
		}
		if (!ok) {
			client_message(c, 1, now, "%s %lld: %s", what,
			    (long long)r->alarm_id,
			    text_error(client_jstr(m, "error")));
			break;
		}
		if (r->kind == REQ_ACCEPT) {
			c->focus_id = client_jint(m, "alarm_id");
			client_message(c, 0, now, "alarm %lld accepted",
			    (long long)c->focus_id);
		} else if (r->kind == REQ_REASSIGN)
			client_message(c, 0, now, "alarm %lld given to %s",
			    (long long)r->alarm_id, r->text);
		else if (r->kind == REQ_CLOSE)
			client_message(c, 0, now, "alarm %lld closed: %s",
			    (long long)r->alarm_id,
			    client_outcome_label(r->outcome));
		else if (r->kind == REQ_SEND_RESPONDER)
			client_message(c, 0, now, "alarm %lld: paging its "
			    "responders", (long long)r->alarm_id);
		else if (r->kind == REQ_LADDER)
			client_message(c, 0, now, "alarm %lld: %s",
			    (long long)r->alarm_id, ladder_do_label(r->text));
		else
			client_message(c, 0, now, "%s %lld: done", what,
			    (long long)r->alarm_id);
		break;
	}
	request_remove(c, r);
}

/* The centre's zone from the hello: a tzdata name, else none (UTC). */
static void
client_zone(struct client *c, const char *tz)
{
	c->timezone[0] = '\0';
	if (tz == NULL)
		return;
	if (!text_zone_ok(tz) || strlen(tz) >= sizeof c->timezone) {
		c->bad_messages++;
		return;
	}
	memcpy(c->timezone, tz, strlen(tz) + 1);
}

static void
client_hello(struct client *c, json_t *m, int64_t now)
{
	int64_t	 line_max = client_jint(m, "line_max");
	int64_t	 heartbeat = client_jint(m, "heartbeat");

	if (client_jint(m, "protocol") != CLIENT_PROTOCOL)
		client_message(c, 1, now, "server speaks protocol %lld, not %d",
		    (long long)client_jint(m, "protocol"), CLIENT_PROTOCOL);
	/* Never more than the console keeps; junk: the most. */
	c->line_max = CLIENT_LINE_MAX;
	if (line_max >= CLIENT_LINE_MIN && line_max < CLIENT_LINE_MAX)
		c->line_max = (size_t)line_max;
	c->heartbeat = heartbeat > 0 && heartbeat <= 3600 ? (int)heartbeat : 0;
	client_zone(c, client_jstr(m, "timezone"));
	if (c->state == CLIENT_HELLO)
		client_login(c, now);
}

/* Answered at once, whatever else is going on: it proves we read. */
static void
client_heartbeat(struct client *c, json_t *m, int64_t now)
{
	json_t	*seq = json_object_get(m, "seq");

	(void)now;
	if (!json_is_integer(seq)) {
		c->bad_messages++;
		return;
	}
	request_sendj(c, json_pack("{s:s, s:I}", "type", "heartbeat", "seq",
	    json_integer_value(seq)));
	c->heartbeats++;
}

/* A notice; "replaced": logged in elsewhere, the caller goes offline. */
static void
client_system(struct client *c, json_t *m, int64_t now)
{
	const char	*text = client_jstr(m, "text");
	const char	*code = client_jstr(m, "code");

	if (code != NULL && strcmp(code, "replaced") == 0) {
		c->replaced = 1;
		client_message(c, 1, now, "%s: offline until you press R",
		    text != NULL ? text : "logged in elsewhere");
	} else if (code != NULL && (strcmp(code, "reassigned") == 0 ||
	    strcmp(code, "released") == 0)) {
		/* A supervisor took an alarm from us: the text says who. */
		client_message(c, 1, now, "%s", text != NULL ? text :
		    "a supervisor took an alarm from you");
		client_ring(c, "%s", c->message);
	} else if (text != NULL)
		client_message(c, 1, now, "server: %s", text);
}

static void
client_offer(struct client *c, json_t *m, int64_t now)
{
	c->offer_id = client_jint(m, "alarm_id");
	c->focus_id = c->offer_id;
	client_message(c, 0, now, "alarm %lld offered to you: a to accept",
	    (long long)c->offer_id);
	client_ring(c, "Alarm %lld offered to you", (long long)c->offer_id);
}

static void
client_stats(struct client *c, json_t *m, int64_t now)
{
	(void)now;
	queue_stats(c, json_object_get(m, "stats") ?
	    json_object_get(m, "stats") : m);
}

/* The operators view changed (pushed to supervisors only). */
static void
client_operators_push(struct client *c, json_t *m, int64_t now)
{
	(void)now;
	if (client_is_supervisor(c))
		operators_set(c, m);
}

static void
client_alarm_push(struct client *c, json_t *m, int64_t now)
{
	(void)now;
	queue_alarm(c, json_object_get(m, "alarm"));
}

/*
 * alarm_update; for an alarm not held (never sent, or lost to a bound)
 * the whole alarm is asked for, unless it is gone anyway.
 */
static void
client_update(struct client *c, json_t *m, int64_t now)
{
	json_t		*u = json_object_get(m, "alarm");
	const char	*state = client_jstr(u, "state");

	if (queue_update(c, u) != 1)
		return;
	if ((state == NULL || strcmp(state, "closed") != 0) &&
	    !json_is_integer(json_object_get(u, "incident_id")))
		request_fetch(c, REQ_ALARM, client_jint(u, "id"), 0, now);
}

static void
client_event_push(struct client *c, json_t *m, int64_t now)
{
	(void)now;
	queue_event(c, m);
}

static void
client_note_push(struct client *c, json_t *m, int64_t now)
{
	(void)now;
	queue_note(c, m);
}

/* No responder, or one overdue: the bell, and the text kept. */
static void
client_alert(struct client *c, json_t *m, int64_t now)
{
	const char	*text = client_jstr(m, "text");
	int64_t		 id = client_jint(m, "alarm_id");

	if (id <= 0 || text == NULL) {
		c->bad_messages++;
		return;
	}
	ladder_alert(c, id, text, now);
	client_message(c, 1, now, "ALERT alarm %lld: %s", (long long)id, text);
	client_ring(c, "%s", c->message);
}

/* When a message is taken: always, once logged in, once alarms flow. */
enum client_when {
	WHEN_ANY,
	WHEN_LOGGED_IN,		/* CLIENT_SYNC, CLIENT_READY */
	WHEN_ALARMS		/* in the snapshot, or ready */
};

static const struct {
	const char	*type;
	enum client_when when;
	void		(*fn)(struct client *, json_t *, int64_t);
} client_handlers[] = {
	{ "hello",		WHEN_ANY,	client_hello },
	{ "reply",		WHEN_ANY,	client_reply },
	{ "heartbeat",		WHEN_ANY,	client_heartbeat },
	{ "system",		WHEN_ANY,	client_system },
	{ "snapshot_begin",	WHEN_LOGGED_IN,	client_snapshot_begin },
	{ "snapshot_end",	WHEN_LOGGED_IN,	client_snapshot_end },
	{ "stats",		WHEN_LOGGED_IN,	client_stats },
	{ "offer",		WHEN_LOGGED_IN,	client_offer },
	{ "operators",		WHEN_LOGGED_IN,	client_operators_push },
	{ "ladder",		WHEN_LOGGED_IN,	ladder_push },
	{ "alert",		WHEN_LOGGED_IN,	client_alert },
	{ "alarm",		WHEN_ALARMS,	client_alarm_push },
	{ "alarm_update",	WHEN_ALARMS,	client_update },
	{ "alarm_event",	WHEN_ALARMS,	client_event_push },
	{ "alarm_note",		WHEN_ALARMS,	client_note_push },
};

static int
client_taken(struct client *c, enum client_when when)
{
	switch (when) {
	case WHEN_ANY:
		return (1);
	case WHEN_LOGGED_IN:
		return (c->state == CLIENT_SYNC || c->state == CLIENT_READY);
	case WHEN_ALARMS:
		return (c->state == CLIENT_READY ||
		    (c->state == CLIENT_SYNC && c->loading));
	}
	return (0);
}

/*
 * One line from the server. Returns -1 when the line is not a JSON object:
 * the caller closes the connection. Unknown types are ignored; a known
 * one out of its time is counted.
 */
int
client_input(struct client *c, const char *line, size_t len, int64_t now)
{
	json_t		*m;
	json_error_t	 err;
	const char	*type;
	size_t		 i;

	c->last_rx = now;
	m = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err);
	if (m == NULL || !json_is_object(m)) {
		json_decref(m);
		c->bad_messages++;
		return (-1);
	}
	if ((type = client_jstr(m, "type")) == NULL)
		c->bad_messages++;
	for (i = 0; type != NULL &&
	    i < sizeof client_handlers / sizeof *client_handlers; i++) {
		if (strcmp(type, client_handlers[i].type) != 0)
			continue;
		if (client_taken(c, client_handlers[i].when))
			client_handlers[i].fn(c, m, now);
		else
			c->bad_messages++;
		break;
	}
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
	int64_t			 idle;

	if (c->state < CLIENT_HELLO)
		return (0);
	TAILQ_FOREACH(r, &c->requests, entry) {
		if (r->sent_at != 0 && now - r->sent_at > CLIENT_PING_TIMEOUT &&
		    r->kind == REQ_PING)
			return (-1);
		if (r->kind == REQ_PING)
			return (0);
	}
	/* Heartbeats should come: a server quiet past two is asked. */
	idle = CLIENT_PING_IDLE;
	if (c->heartbeat > 0 && c->heartbeat * 2000 + 1000 < idle)
		idle = c->heartbeat * 2000 + 1000;
	if (c->state == CLIENT_READY && now - c->last_rx > idle &&
	    c->nrequests < CLIENT_MAX_REQUESTS)
		request_send(c, request_new(c, REQ_PING, 0,
		    NULL, NULL), now);
	return (0);
}
