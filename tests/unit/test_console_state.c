/*
 * test_console_state.c -- arc-console's protocol state (console/client.c,
 * request.c, queue.c, history.c, draft.c) driven with protocol lines
 * written out here from docs/console-protocol.md (version 2): queue order
 * after a streamed snapshot and deltas, the snapshot's loading and its
 * bells, alarm_update merged (the card, events and notes kept; closed and
 * collapsed alarms leaving the queue; an unknown one asked for),
 * alarm_event and alarm_note, heartbeats answered at once, "replaced",
 * older events and notes paged in and bounded, replies matched to
 * requests by id, the limit and locked errors, the note draft surviving a
 * reconnect and being sent after it, a supervisor's operators list
 * (asked for, pushed, replaced; ignored for an operator) with the locked
 * logins and addresses (on an operator's row or of their own; bounded;
 * junk skipped and counted; time left by the server's clock), unlock
 * (by login or address; its replies said; refused to operators and
 * offline) and the ids of the alarms past 180 s.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "console.h"

#define T0	1795000000000LL

/* What the client wrote, one complete line at a time. */
struct wire {
	char	 buf[65536];
	size_t	 len;
};

static void
wire_send(const char *s, size_t len, void *arg)
{
	struct wire	*w = arg;

	assert_true(w->len + len < sizeof w->buf);
	memcpy(w->buf + w->len, s, len);
	w->len += len;
	w->buf[w->len] = '\0';
}

/* Take the oldest line written as a JSON object (NULL if none). */
static json_t *
wire_take(struct wire *w)
{
	char		*nl;
	json_t		*o;
	size_t		 n;

	if ((nl = memchr(w->buf, '\n', w->len)) == NULL)
		return (NULL);
	n = nl - w->buf;
	o = json_loadb(w->buf, n, 0, NULL);
	assert_non_null(o);
	memmove(w->buf, nl + 1, w->len - n - 1);
	w->len -= n + 1;
	w->buf[w->len] = '\0';
	return (o);
}

static void
feed(struct client *c, const char *line)
{
	assert_int_equal(client_input(c, line, strlen(line), T0), 0);
}

static void
feedf(struct client *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
feedf(struct client *c, const char *fmt, ...)
{
	char	 line[4096];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	feed(c, line);
}

/* An alarm object as the protocol document shows it. */
static const char *
alarm_json(char *buf, size_t size, int id, const char *state, int class,
    long long opened, const char *notes)
{
	snprintf(buf, size, "{\"id\":%d,\"state\":\"%s\",\"class\":%d,"
	    "\"code\":\"QA\",\"name\":\"personal emergency\","
	    "\"incident\":null,\"incident_id\":null,"
	    "\"operator\":%s,\"opened_at\":%lld,\"last_at\":%lld,"
	    "\"count\":1,\"offered_to\":null,\"accepted_at\":null,"
	    "\"closed_at\":null,\"outcome\":null,\"restored_at\":null,"
	    "\"unit\":{\"account\":\"10000%d\",\"protocol\":\"dc09\","
	    "\"zone\":\"001\",\"zone_label\":\"pendant\"},"
	    "\"client\":{\"id\":\"C-%d\",\"name\":\"Mary Smith\"},"
	    "\"responders\":[],\"events\":[{\"id\":%d,\"code\":\"QA\","
	    "\"received_at\":%lld}],\"events_total\":1,\"notes\":%s,"
	    "\"notes_total\":%d}", id, state, class,
	    strcmp(state, "handling") == 0 ? "\"op1\"" : "null", opened,
	    opened, id, id, id * 100, opened, notes,
	    strcmp(notes, "[]") == 0 ? 0 : 1);
	return (buf);
}

/* The hello of protocol 2. */
#define HELLO	"{\"type\":\"hello\",\"server\":\"arcd\",\"protocol\":2," \
	"\"line_max\":65536,\"heartbeat\":10}"

/* snapshot_begin announcing n alarms. */
static void
snapshot_begin(struct client *c, int n)
{
	feedf(c, "{\"type\":\"snapshot_begin\",\"alarms\":%d,\"stats\":"
	    "{\"queue\":{\"p1\":1,\"p2\":1,\"p3\":1},\"today\":"
	    "{\"answered\":5,\"within_60\":5,\"within_180\":5,"
	    "\"pct_60\":100.0,\"pct_180\":100.0},\"over_180\":[]},"
	    "\"server_time\":%lld}", n, T0 + 500);
}

static void
push_alarm(struct client *c, const char *a)
{
	feedf(c, "{\"type\":\"alarm\",\"alarm\":%s}", a);
}

/* Log c in as who (a role) and take the login line off the wire. */
static void
login_as(struct client *c, struct wire *w, const char *who,
    const char *role)
{
	json_t	*o;

	if (!c->have_creds)
		client_set_credentials(c, who, "secret-pass", T0);
	client_connected(c, T0);
	feed(c, HELLO);
	assert_int_equal(c->state, CLIENT_AUTH);
	assert_int_equal(c->line_max, 65536);
	assert_int_equal(c->heartbeat, 10);
	o = wire_take(w);
	assert_string_equal(json_string_value(json_object_get(o, "type")),
	    "login");
	assert_int_equal(json_integer_value(json_object_get(o, "protocol")),
	    2);
	assert_string_equal(json_string_value(json_object_get(o, "login")),
	    who);
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":true,\"operator\":"
	    "{\"login\":\"%s\",\"name\":\"Ann Operator\",\"role\":"
	    "\"%s\"}}", json_integer_value(json_object_get(o, "id")), who,
	    role);
	json_decref(o);
	assert_int_equal(c->state, CLIENT_SYNC);
	assert_string_equal(c->op_login, who);
	assert_string_equal(c->op_role, role);
}

static void
login(struct client *c, struct wire *w)
{
	login_as(c, w, "op1", "operator");
}

/* A snapshot streamed with the given alarm objects. */
static void
snapshot(struct client *c, const char *a1, const char *a2, const char *a3)
{
	snapshot_begin(c, 1 + (a2 != NULL) + (a3 != NULL));
	assert_int_equal(c->state, CLIENT_SYNC);
	assert_true(c->loading);
	push_alarm(c, a1);
	if (a2 != NULL)
		push_alarm(c, a2);
	if (a3 != NULL)
		push_alarm(c, a3);
	feed(c, "{\"type\":\"snapshot_end\"}");
	assert_int_equal(c->state, CLIENT_READY);
	assert_false(c->loading);
}

static void
assert_order(struct client *c, const int64_t *ids, size_t n)
{
	size_t	 i;

	assert_int_equal(c->nalarms, n);
	for (i = 0; i < n; i++)
		assert_int_equal(c->alarms[i]->id, ids[i]);
}

static void
test_queue_order(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	char		 a[3][1024], d[1024];
	const int64_t	 want1[] = { 2, 3, 1 };
	const int64_t	 want2[] = { 5, 2, 3, 4, 1 };

	(void)state;
	login(c, &w);
	/* Sent out of order: P3 first, then a young P1, an old P1. */
	snapshot(c, alarm_json(a[0], sizeof a[0], 1, "waiting", 3, T0 - 1000,
	    "[]"), alarm_json(a[1], sizeof a[1], 2, "waiting", 1, T0 - 90000,
	    "[]"), alarm_json(a[2], sizeof a[2], 3, "waiting", 1, T0 - 1000,
	    "[]"));
	assert_int_equal(c->state, CLIENT_READY);
	assert_int_equal(c->skew, 500);
	assert_order(c, want1, 3);
	assert_int_equal(c->bells, 2);		/* two P1s never seen */
	assert_true(c->have_stats);
	assert_int_equal(c->queue[1], 1);

	/* A P2 and an older P1 arrive as whole alarms. */
	push_alarm(c, alarm_json(d, sizeof d, 4, "waiting", 2, T0, "[]"));
	push_alarm(c, alarm_json(d, sizeof d, 5, "waiting", 1, T0 - 100000,
	    "[]"));
	assert_order(c, want2, 5);
	assert_int_equal(c->bells, 3);
	/* A whole alarm for a known one replaces it in place. */
	push_alarm(c, alarm_json(d, sizeof d, 2, "handling", 1, T0 - 90000,
	    "[]"));
	assert_order(c, want2, 5);
	assert_int_equal(c->alarms[1]->state, ALARM_HANDLING);
	assert_true(queue_is_mine(c, c->alarms[1]));
	assert_int_equal(c->bells, 3);
	client_free(c);
}

static void
test_closed_disappears(void **state)
{
	struct wire		 w = { .len = 0 };
	struct client		*c = client_new(wire_send, &w);
	struct client_alarm	*a;
	char			 a1[1024], a2[1024], d[1200], d2[1300];
	char			*p;
	const int64_t		 want[] = { 8 };

	(void)state;
	login(c, &w);
	snapshot(c, alarm_json(a1, sizeof a1, 7, "handling", 1, T0, "[]"),
	    alarm_json(a2, sizeof a2, 8, "waiting", 2, T0, "[]"), NULL);
	/* Closed: an alarm_update carries the state, outcome and time. */
	feed(c, "{\"type\":\"alarm_update\",\"alarm\":{\"id\":7,"
	    "\"state\":\"closed\",\"class\":1,\"operator\":\"op1\","
	    "\"opened_at\":1795000000000,\"closed_at\":1795000060000,"
	    "\"outcome\":\"false_alarm\",\"count\":1}}");
	assert_order(c, want, 1);
	assert_int_equal(queue_index(c, 7), -1);
	/* Still there to show the operator what happened, card and all. */
	a = queue_find(c, 7);
	assert_non_null(a);
	assert_int_equal(a->state, ALARM_CLOSED);
	assert_string_equal(a->outcome, "false_alarm");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    a->obj, "client"), "name")), "Mary Smith");
	/* An unknown alarm closing elsewhere does not enter the queue ... */
	feed(c, "{\"type\":\"alarm_update\",\"alarm\":{\"id\":99,"
	    "\"state\":\"closed\",\"class\":1,\"outcome\":\"false_alarm\"}}");
	assert_order(c, want, 1);
	assert_null(queue_find(c, 99));
	assert_null(wire_take(&w));		/* ... and is not asked for */
	/* A whole alarm that comes closed goes to the closed ones. */
	alarm_json(d, sizeof d, 98, "closed", 1, T0, "[]");
	p = strstr(d, "\"outcome\":null");
	snprintf(d2, sizeof d2, "%.*s\"outcome\":\"false_alarm\"%s",
	    (int)(p - d), d, p + 14);
	push_alarm(c, d2);
	assert_order(c, want, 1);
	assert_int_equal(queue_find(c, 98)->state, ALARM_CLOSED);
	client_free(c);
}

static void
test_reply_ids(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	char		 a1[1024], a2[1024];
	json_t		*o1, *o2;
	int64_t		 id1, id2;

	(void)state;
	login(c, &w);
	snapshot(c, alarm_json(a1, sizeof a1, 1, "waiting", 1, T0, "[]"),
	    alarm_json(a2, sizeof a2, 2, "waiting", 1, T0 + 1, "[]"), NULL);
	id1 = client_accept(c, 1, T0);
	id2 = client_accept(c, 0, T0);
	assert_true(id1 > 0 && id2 > 0 && id1 != id2);
	assert_int_equal(c->nrequests, 2);

	o1 = wire_take(&w);
	o2 = wire_take(&w);
	assert_string_equal(json_string_value(json_object_get(o1, "type")),
	    "accept");
	assert_int_equal(json_integer_value(json_object_get(o1, "id")), id1);
	assert_int_equal(json_integer_value(json_object_get(o1, "alarm_id")),
	    1);
	assert_int_equal(json_integer_value(json_object_get(o2, "id")), id2);
	assert_true(json_is_null(json_object_get(o2, "alarm_id")));
	json_decref(o1);
	json_decref(o2);

	/* Answered in the other order: each reply finds its request. */
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":false,"
	    "\"error\":\"taken\"}", (long long)id2);
	assert_int_equal(c->nrequests, 1);
	assert_true(c->message_error);
	assert_non_null(strstr(c->message, "another operator has it"));
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":true,"
	    "\"alarm_id\":1}", (long long)id1);
	assert_int_equal(c->nrequests, 0);
	assert_int_equal(c->focus_id, 1);
	assert_false(c->message_error);
	/* A reply nobody asked for is counted, not applied. */
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":true}",
	    (long long)id1);
	assert_int_equal(c->stray_replies, 1);
	/* Malformed JSON is refused: the caller closes. */
	assert_int_equal(client_input(c, "{\"type\":", 8, T0), -1);
	client_free(c);
}

static void
type_text(struct client *c, const char *s)
{
	draft_insert(c, s, strlen(s));
}

static void
test_draft_survives_reconnect(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	char		 a1[1024], a2[1400];
	json_t		*o;

	(void)state;
	client_set_credentials(c, "op1", "secret-pass", T0);
	login(c, &w);
	snapshot(c, alarm_json(a1, sizeof a1, 5, "handling", 1, T0, "[]"),
	    NULL, NULL);

	/* The operator starts a note; the link drops mid-sentence. */
	draft_start(c, DRAFT_NOTE, 5, NULL);
	type_text(c, "spoke to Mary, ");
	client_disconnected(c, T0 + 1000);
	assert_int_equal(c->state, CLIENT_OFFLINE);
	assert_string_equal(c->draft.text, "spoke to Mary, ");
	/* Typing goes on offline; accept is refused, the note is queued. */
	draft_start(c, DRAFT_NOTE, 5, NULL);	/* same draft */
	type_text(c, "she is fine");
	assert_int_equal(client_accept(c, 5, T0), -1);
	assert_int_equal(draft_submit(c, T0 + 2000), 0);
	assert_int_equal(c->draft.kind, DRAFT_NONE);
	assert_int_equal(w.len, 0);		/* nothing written offline */

	/* Reconnect: the saved credentials log in again, then the note. */
	login(c, &w);
	assert_null(wire_take(&w));		/* not before the snapshot */
	snapshot(c, alarm_json(a1, sizeof a1, 5, "handling", 1, T0, "[]"),
	    NULL, NULL);
	o = wire_take(&w);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "type")),
	    "note");
	assert_int_equal(json_integer_value(json_object_get(o, "alarm_id")),
	    5);
	assert_string_equal(json_string_value(json_object_get(o, "text")),
	    "spoke to Mary, she is fine");
	json_decref(o);

	/* The link drops before the reply; the note was stored after all. */
	client_disconnected(c, T0 + 3000);
	assert_int_equal(c->nrequests, 1);
	login(c, &w);
	snapshot(c, alarm_json(a2, sizeof a2, 5, "handling", 1, T0,
	    "[{\"id\":1,\"at\":1795000003000,\"operator\":\"op1\","
	    "\"text\":\"spoke to Mary, she is fine\"}]"), NULL, NULL);
	assert_null(wire_take(&w));		/* not sent twice */
	assert_int_equal(c->nrequests, 0);
	client_free(c);
}

static void
test_wrong_password(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	json_t		*o;

	(void)state;
	client_set_credentials(c, "op1", "nope", T0);
	client_connected(c, T0);
	feed(c, HELLO);
	o = wire_take(&w);
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":false,"
	    "\"error\":\"auth\"}", json_integer_value(json_object_get(o, "id")));
	json_decref(o);
	assert_int_equal(c->state, CLIENT_LOGIN);
	assert_false(c->have_creds);
	assert_string_equal(c->login_error, "wrong login or password");
	/* A second try on the same connection. */
	client_set_credentials(c, "op1", "secret-pass", T0);
	assert_int_equal(c->state, CLIENT_AUTH);
	o = wire_take(&w);
	assert_string_equal(json_string_value(json_object_get(o,
	    "password")), "secret-pass");
	json_decref(o);
	client_free(c);
}

/* An operators list as the protocol document shows it. */
#define OPS_TWO	"[{\"login\":\"op1\",\"name\":\"Ann Operator\"," \
	"\"role\":\"operator\",\"connected\":true,\"alarms\":[42]}," \
	"{\"login\":\"boss\",\"name\":\"Sam Super\"," \
	"\"role\":\"supervisor\",\"connected\":true,\"alarms\":[]}]"

static void
test_operators(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	char		 a1[1024];
	json_t		*o;
	int64_t		 id;

	(void)state;
	login_as(c, &w, "boss", "supervisor");
	assert_true(client_is_supervisor(c));
	snapshot(c, alarm_json(a1, sizeof a1, 42, "handling", 1, T0, "[]"),
	    NULL, NULL);
	/* After the snapshot a supervisor asks for the list. */
	o = wire_take(&w);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "type")),
	    "operators");
	id = json_integer_value(json_object_get(o, "id"));
	assert_true(id > 0);
	assert_null(json_object_get(o, "alarm_id"));
	json_decref(o);
	assert_false(c->have_operators);
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":true,"
	    "\"operators\":%s}", (long long)id, OPS_TWO);
	assert_int_equal(c->nrequests, 0);
	assert_true(c->have_operators);
	assert_int_equal(c->noperators, 2);
	assert_string_equal(c->operators[0].login, "op1");
	assert_string_equal(c->operators[0].name, "Ann Operator");
	assert_string_equal(c->operators[0].role, "operator");
	assert_true(c->operators[0].connected);
	assert_int_equal(c->operators[0].nalarms, 1);
	assert_int_equal(c->operators[0].alarms[0], 42);
	assert_string_equal(c->operators[1].role, "supervisor");
	assert_int_equal(c->operators[1].nalarms, 0);

	/* A push replaces the list; ids past the bound are counted. */
	feed(c, "{\"type\":\"operators\",\"operators\":[{\"login\":"
	    "\"op2\",\"name\":\"Bo\",\"role\":\"operator\",\"connected\":"
	    "false,\"alarms\":[1,2,3,4,5,6,7,8,9,10]},{\"name\":\"no login\"}]}");
	assert_int_equal(c->noperators, 1);
	assert_string_equal(c->operators[0].login, "op2");
	assert_false(c->operators[0].connected);
	assert_int_equal(c->operators[0].nalarms, CLIENT_OPERATOR_ALARMS);
	assert_int_equal(c->operators[0].alarms_total, 10);
	assert_int_equal(c->bad_messages, 1);
	/* An empty list is a list. */
	feed(c, "{\"type\":\"operators\",\"operators\":[]}");
	assert_int_equal(c->noperators, 0);
	assert_true(c->have_operators);
	/* Asking again; a refusal is shown, the list kept. */
	id = client_operators(c, T0);
	assert_true(id > 0);
	json_decref(wire_take(&w));
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":false,"
	    "\"error\":\"forbidden\"}", (long long)id);
	assert_true(c->message_error);
	assert_non_null(strstr(c->message, "not allowed for your role"));
	assert_true(c->have_operators);
	client_free(c);
}

static void
test_operators_not_for_operators(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	char		 a1[1024];

	(void)state;
	login(c, &w);
	assert_false(client_is_supervisor(c));
	snapshot(c, alarm_json(a1, sizeof a1, 42, "waiting", 1, T0, "[]"),
	    NULL, NULL);
	assert_null(wire_take(&w));		/* no operators request */
	assert_int_equal(client_operators(c, T0), -1);
	assert_null(wire_take(&w));
	feed(c, "{\"type\":\"operators\",\"operators\":" OPS_TWO "}");
	assert_false(c->have_operators);
	assert_int_equal(c->noperators, 0);
	client_free(c);
}

static void
test_over_180(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	char		 line[4096], a1[1024];
	size_t		 i, len;

	(void)state;
	login(c, &w);
	snapshot(c, alarm_json(a1, sizeof a1, 40, "waiting", 1, T0 - 200000,
	    "[]"), NULL, NULL);
	assert_int_equal(c->nlate, 0);
	assert_false(queue_is_late(c, 40));
	feed(c, "{\"type\":\"stats\",\"stats\":{\"queue\":{\"p1\":1,"
	    "\"p2\":0,\"p3\":0},\"today\":{\"answered\":50,\"pct_60\":96.0,"
	    "\"pct_180\":98.0},\"over_180\":[{\"id\":40,\"opened_at\":1},"
	    "{\"id\":41},{\"opened_at\":5}]}}");
	assert_int_equal(c->over_180, 3);	/* as listed */
	assert_int_equal(c->nlate, 2);		/* the ids */
	assert_int_equal(c->late[0], 40);
	assert_int_equal(c->late[1], 41);
	assert_true(queue_is_late(c, 40));
	assert_true(queue_is_late(c, 41));
	assert_false(queue_is_late(c, 42));
	assert_true(c->pct_180 > 97.9 && c->pct_180 < 98.1);
	/* A longer list than is kept: the first ids, the total counted. */
	len = (size_t)snprintf(line, sizeof line, "{\"type\":\"stats\","
	    "\"stats\":{\"over_180\":[");
	for (i = 0; i < CLIENT_LATE_KEEP + 6; i++)
		len += (size_t)snprintf(line + len, sizeof line - len,
		    "%s{\"id\":%zu}", i ? "," : "", 100 + i);
	snprintf(line + len, sizeof line - len, "]}}");
	feed(c, line);
	assert_int_equal(c->over_180, CLIENT_LATE_KEEP + 6);
	assert_int_equal(c->nlate, CLIENT_LATE_KEEP);
	assert_int_equal(c->late[CLIENT_LATE_KEEP - 1],
	    100 + CLIENT_LATE_KEEP - 1);
	assert_false(queue_is_late(c, 40));
	/* Replaced, not added to: an empty list clears it. */
	feed(c, "{\"type\":\"stats\",\"stats\":{\"over_180\":[]}}");
	assert_int_equal(c->nlate, 0);
	assert_int_equal(c->over_180, 0);
	assert_false(queue_is_late(c, 100));
	client_free(c);
}

/* The type of the next line written, and the object (caller frees). */
static json_t *
wire_expect(struct wire *w, const char *type)
{
	json_t	*o = wire_take(w);

	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "type")),
	    type);
	return (o);
}

static void
test_snapshot_streamed(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	char		 a[4][1024];
	const int64_t	 want[] = { 2, 1, 3 };
	json_t		*o;

	(void)state;
	login(c, &w);
	snapshot_begin(c, 3);
	assert_int_equal(c->state, CLIENT_SYNC);
	assert_true(c->loading);
	assert_int_equal(c->load_total, 3);
	assert_int_equal(c->skew, 500);
	assert_true(c->have_stats);
	/* Requests wait for the end: the queue is not complete. */
	assert_int_equal(client_accept(c, 1, T0), -1);
	push_alarm(c, alarm_json(a[0], sizeof a[0], 1, "waiting", 1, T0, "[]"));
	push_alarm(c, alarm_json(a[1], sizeof a[1], 2, "waiting", 1,
	    T0 - 5000, "[]"));
	assert_int_equal(c->load_count, 2);
	/* A delta for an alarm already sent may come in between. */
	feed(c, "{\"type\":\"alarm_update\",\"alarm\":{\"id\":1,"
	    "\"state\":\"offered\",\"class\":1,\"offered_to\":\"op2\","
	    "\"opened_at\":1795000000000}}");
	assert_int_equal(queue_find(c, 1)->state, ALARM_OFFERED);
	push_alarm(c, alarm_json(a[2], sizeof a[2], 3, "waiting", 2, T0, "[]"));
	assert_int_equal(c->state, CLIENT_SYNC);
	feed(c, "{\"type\":\"snapshot_end\"}");
	assert_int_equal(c->state, CLIENT_READY);
	assert_false(c->loading);
	assert_order(c, want, 3);
	assert_int_equal(c->bells, 2);		/* two P1s never seen */
	assert_null(wire_take(&w));		/* an operator asks nothing */

	/* Reconnect: a new snapshot clears the queue; known P1s are quiet. */
	c->bells = 0;
	client_disconnected(c, T0);
	login(c, &w);
	snapshot_begin(c, 2);
	assert_int_equal(c->nalarms, 0);
	push_alarm(c, alarm_json(a[0], sizeof a[0], 1, "waiting", 1, T0, "[]"));
	/* Cut off mid-stream and streamed again: still quiet. */
	client_disconnected(c, T0);
	assert_false(c->loading);
	login(c, &w);
	snapshot_begin(c, 2);
	push_alarm(c, alarm_json(a[0], sizeof a[0], 1, "waiting", 1, T0, "[]"));
	push_alarm(c, alarm_json(a[3], sizeof a[3], 4, "waiting", 1, T0, "[]"));
	feed(c, "{\"type\":\"snapshot_end\"}");
	assert_int_equal(c->nalarms, 2);	/* 2 and 3 are gone */
	assert_int_equal(queue_index(c, 2), -1);
	assert_int_equal(c->bells, 1);		/* only 4 is new */
	assert_null(c->known);

	/* Out of turn: alarms before a begin, an end without one. */
	client_disconnected(c, T0);
	login(c, &w);
	push_alarm(c, alarm_json(a[2], sizeof a[2], 3, "waiting", 2, T0, "[]"));
	feed(c, "{\"type\":\"snapshot_end\"}");
	assert_int_equal(c->state, CLIENT_SYNC);
	assert_int_equal(c->bad_messages, 2);
	assert_int_equal(queue_index(c, 3), -1);
	o = wire_take(&w);
	assert_null(o);
	client_free(c);
}

/* An update as arcd sends it: no unit, client, responders, events, notes. */
static void
test_alarm_update(void **state)
{
	struct wire		 w = { .len = 0 };
	struct client		*c = client_new(wire_send, &w);
	struct client_alarm	*a;
	char			 a1[1024], a2[1024], inc[1024];
	const int64_t		 want[] = { 2, 1 };
	json_t			*o;
	int64_t			 id;

	(void)state;
	login(c, &w);
	snapshot(c, alarm_json(a1, sizeof a1, 1, "waiting", 1, T0, "[]"),
	    alarm_json(a2, sizeof a2, 2, "waiting", 2, T0, "[]"), NULL);
	feed(c, "{\"type\":\"alarm_update\",\"alarm\":{\"id\":1,"
	    "\"state\":\"handling\",\"class\":1,\"operator\":\"op1\","
	    "\"accepted_at\":1795000001000,\"count\":3,"
	    "\"events\":[],\"notes\":[],\"client\":null}}");
	a = queue_find(c, 1);
	assert_int_equal(a->state, ALARM_HANDLING);
	assert_string_equal(a->operator, "op1");
	assert_true(queue_is_mine(c, a));
	assert_int_equal(a->count, 3);
	assert_string_equal(a->code, "QA");	/* not sent: kept */
	/* The card, the events and the notes are never an update's. */
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    a->obj, "client"), "name")), "Mary Smith");
	assert_int_equal(json_array_size(json_object_get(a->obj, "events")),
	    1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    a->obj, "unit"), "zone_label")), "pendant");
	/* A class change moves it. */
	feed(c, "{\"type\":\"alarm_update\",\"alarm\":{\"id\":1,\"class\":3}}");
	assert_order(c, want, 2);
	/* Collapsed into an incident: the incident's row stands for it. */
	feed(c, "{\"type\":\"alarm_update\",\"alarm\":{\"id\":2,"
	    "\"incident_id\":77}}");
	assert_int_equal(c->nalarms, 1);
	assert_null(queue_find(c, 2));
	assert_null(wire_take(&w));

	/* An incident's update keeps its members unless it sends them. */
	snprintf(inc, sizeof inc, "{\"id\":77,\"state\":\"waiting\",\"class\":3,"
	    "\"opened_at\":1795000000000,\"incident\":{\"units\":2,\"members\":"
	    "[{\"alarm_id\":2,\"account\":\"100002\"}]},\"unit\":{\"account\":"
	    "\"*AT\"},\"events\":[],\"events_total\":0,\"notes\":[],"
	    "\"notes_total\":0}");
	push_alarm(c, inc);
	feed(c, "{\"type\":\"alarm_update\",\"alarm\":{\"id\":77,"
	    "\"incident\":{\"units\":1812}}}");
	o = json_object_get(queue_find(c, 77)->obj, "incident");
	assert_int_equal(json_integer_value(json_object_get(o, "units")), 1812);
	assert_int_equal(json_array_size(json_object_get(o, "members")), 1);

	/* An update for an alarm not held: the whole alarm is asked for. */
	feed(c, "{\"type\":\"alarm_update\",\"alarm\":{\"id\":9,"
	    "\"state\":\"waiting\",\"class\":1}}");
	assert_int_equal(c->unknown_alarms, 1);
	assert_null(queue_find(c, 9));
	o = wire_expect(&w, "alarm");
	assert_int_equal(json_integer_value(json_object_get(o, "alarm_id")), 9);
	id = json_integer_value(json_object_get(o, "id"));
	json_decref(o);
	feed(c, "{\"type\":\"alarm_update\",\"alarm\":{\"id\":9,\"count\":2}}");
	assert_null(wire_take(&w));		/* asked once */
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":true,\"alarm\":%s}",
	    (long long)id, alarm_json(a1, sizeof a1, 9, "waiting", 1, T0,
	    "[]"));
	assert_non_null(queue_find(c, 9));
	assert_int_equal(c->nrequests, 0);
	/* Junk is counted, not applied. */
	feed(c, "{\"type\":\"alarm_update\",\"alarm\":{\"state\":\"closed\"}}");
	feed(c, "{\"type\":\"alarm_update\"}");
	assert_int_equal(c->bad_messages, 2);
	client_free(c);
}

static void
test_alarm_event(void **state)
{
	struct wire		 w = { .len = 0 };
	struct client		*c = client_new(wire_send, &w);
	struct client_alarm	*a;
	char			 a1[1024];
	json_t			*ev;
	int			 i;

	(void)state;
	login(c, &w);
	snapshot(c, alarm_json(a1, sizeof a1, 1, "waiting", 1, T0, "[]"), NULL,
	    NULL);
	feed(c, "{\"type\":\"alarm_event\",\"alarm_id\":1,\"event\":{\"id\":101,"
	    "\"seq\":18,\"code\":\"QA\",\"raw_code\":\"101\",\"class\":1,"
	    "\"zone\":\"002\",\"received_at\":1795000005000},\"count\":2,"
	    "\"last_at\":1795000005000}");
	a = queue_find(c, 1);
	assert_int_equal(a->count, 2);
	assert_int_equal(a->last_at, T0 + 5000);
	assert_int_equal(history_held(a, HISTORY_EVENTS), 2);
	assert_int_equal(history_total(a, HISTORY_EVENTS), 2);
	ev = json_array_get(json_object_get(a->obj, "events"), 0);
	assert_int_equal(json_integer_value(json_object_get(ev, "id")), 101);
	/* The same event again changes nothing. */
	feed(c, "{\"type\":\"alarm_event\",\"alarm_id\":1,\"event\":{\"id\":101},"
	    "\"count\":9,\"last_at\":1}");
	assert_int_equal(a->count, 2);
	assert_int_equal(history_total(a, HISTORY_EVENTS), 2);
	/* The window stays at 20, newest first; the total counts them all. */
	for (i = 0; i < 30; i++)
		feedf(c, "{\"type\":\"alarm_event\",\"alarm_id\":1,\"event\":"
		    "{\"id\":%d},\"count\":%d,\"last_at\":%lld}", 200 + i, 3 + i,
		    T0 + 6000 + i);
	a = queue_find(c, 1);
	assert_int_equal(history_held(a, HISTORY_EVENTS), CLIENT_WINDOW);
	assert_int_equal(history_total(a, HISTORY_EVENTS), 32);
	assert_int_equal(a->count, 32);
	ev = json_object_get(a->obj, "events");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(ev,
	    0), "id")), 229);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(ev,
	    19), "id")), 210);
	/* Unknown alarms and junk: counted. */
	feed(c, "{\"type\":\"alarm_event\",\"alarm_id\":5,\"event\":{\"id\":1}}");
	assert_int_equal(c->unknown_alarms, 1);
	feed(c, "{\"type\":\"alarm_event\",\"alarm_id\":1,\"event\":{}}");
	feed(c, "{\"type\":\"alarm_event\",\"event\":{\"id\":1}}");
	assert_int_equal(c->bad_messages, 2);
	client_free(c);
}

static void
test_alarm_note(void **state)
{
	struct wire		 w = { .len = 0 };
	struct client		*c = client_new(wire_send, &w);
	struct client_alarm	*a;
	char			 a1[1024];
	json_t			*notes;
	int			 i;

	(void)state;
	login(c, &w);
	snapshot(c, alarm_json(a1, sizeof a1, 1, "handling", 1, T0,
	    "[{\"id\":3,\"at\":1795000001000,\"operator\":\"op1\",\"text\":"
	    "\"first\"}]"), NULL, NULL);
	feed(c, "{\"type\":\"alarm_note\",\"alarm_id\":1,\"note\":{\"id\":4,"
	    "\"at\":1795000002000,\"operator\":\"op1\",\"text\":\"second\"},"
	    "\"notes_total\":2}");
	a = queue_find(c, 1);
	notes = json_object_get(a->obj, "notes");
	assert_int_equal(json_array_size(notes), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    notes, 1), "text")), "second");	/* oldest first */
	assert_int_equal(history_total(a, HISTORY_NOTES), 2);
	for (i = 0; i < 25; i++)
		feedf(c, "{\"type\":\"alarm_note\",\"alarm_id\":1,\"note\":"
		    "{\"id\":%d,\"text\":\"n%d\"},\"notes_total\":%d}", 10 + i, i,
		    3 + i);
	notes = json_object_get(a->obj, "notes");
	assert_int_equal(json_array_size(notes), CLIENT_WINDOW);
	assert_int_equal(history_total(a, HISTORY_NOTES), 27);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
	    notes, 19), "id")), 34);
	/* Without notes_total: one more. */
	feed(c, "{\"type\":\"alarm_note\",\"alarm_id\":1,\"note\":{\"id\":40}}");
	assert_int_equal(history_total(a, HISTORY_NOTES), 28);
	/* A closed alarm still takes its closing note. */
	feed(c, "{\"type\":\"alarm_update\",\"alarm\":{\"id\":1,"
	    "\"state\":\"closed\",\"outcome\":\"false_alarm\"}}");
	feed(c, "{\"type\":\"alarm_note\",\"alarm_id\":1,\"note\":{\"id\":41,"
	    "\"text\":\"closing\"},\"notes_total\":29}");
	a = queue_find(c, 1);
	assert_int_equal(a->state, ALARM_CLOSED);
	assert_int_equal(history_total(a, HISTORY_NOTES), 29);
	client_free(c);
}

static void
test_heartbeat(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	char		 a1[1024];
	json_t		*o;

	(void)state;
	login(c, &w);
	/* Answered at once, even mid-snapshot; a heartbeat has no id. */
	snapshot_begin(c, 1);
	feed(c, "{\"type\":\"heartbeat\",\"seq\":7}");
	o = wire_expect(&w, "heartbeat");
	assert_int_equal(json_integer_value(json_object_get(o, "seq")), 7);
	assert_null(json_object_get(o, "id"));
	assert_int_equal(json_object_size(o), 2);
	json_decref(o);
	assert_int_equal(c->nrequests, 0);
	push_alarm(c, alarm_json(a1, sizeof a1, 1, "waiting", 1, T0, "[]"));
	feed(c, "{\"type\":\"snapshot_end\"}");
	feed(c, "{\"type\":\"heartbeat\",\"seq\":8}");
	o = wire_expect(&w, "heartbeat");
	assert_int_equal(json_integer_value(json_object_get(o, "seq")), 8);
	json_decref(o);
	assert_int_equal(c->heartbeats, 2);
	/* Without a number there is nothing to answer. */
	feed(c, "{\"type\":\"heartbeat\",\"seq\":\"8\"}");
	assert_null(wire_take(&w));
	/* Quiet past two heartbeats (10 s): the console pings. */
	assert_int_equal(client_tick(c, T0 + 20000), 0);
	assert_null(wire_take(&w));
	assert_int_equal(client_tick(c, T0 + 21001), 0);
	json_decref(wire_expect(&w, "ping"));
	client_free(c);
}

static void
test_replaced(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	char		 a1[1024];

	(void)state;
	login(c, &w);
	snapshot(c, alarm_json(a1, sizeof a1, 1, "handling", 1, T0, "[]"),
	    NULL, NULL);
	feed(c, "{\"type\":\"system\",\"text\":\"database slow\"}");
	assert_false(c->replaced);
	assert_non_null(strstr(c->message, "database slow"));
	feed(c, "{\"type\":\"system\",\"text\":\"logged in elsewhere\","
	    "\"code\":\"replaced\"}");
	assert_true(c->replaced);
	assert_true(c->message_error);
	assert_non_null(strstr(c->message, "logged in elsewhere"));
	/* The transport goes; the flag stays until the operator connects. */
	client_disconnected(c, T0);
	assert_int_equal(c->state, CLIENT_OFFLINE);
	assert_true(c->replaced);
	assert_non_null(queue_find(c, 1));	/* still on screen */
	client_connecting(c);
	assert_false(c->replaced);
	client_free(c);
}

/* An alarm with a window of 20 of events_total events, 20 of notes_total. */
static const char *
alarm_long(char *buf, size_t size, int id, int events_total,
    int notes_total)
{
	size_t	 len;
	int	 i;

	len = (size_t)snprintf(buf, size, "{\"id\":%d,\"state\":\"waiting\","
	    "\"class\":1,\"opened_at\":%lld,\"events\":[", id, T0);
	for (i = 0; i < 20 && i < events_total; i++)	/* newest first */
		len += (size_t)snprintf(buf + len, size - len, "%s{\"id\":%d}",
		    i ? "," : "", events_total - i);
	len += (size_t)snprintf(buf + len, size - len, "],\"events_total\":%d,"
	    "\"notes\":[", events_total);
	for (i = 0; i < 20 && i < notes_total; i++)	/* oldest first */
		len += (size_t)snprintf(buf + len, size - len, "%s{\"id\":%d}",
		    i ? "," : "", notes_total - 19 + i);
	snprintf(buf + len, size - len, "],\"notes_total\":%d}", notes_total);
	return (buf);
}

/* A page reply: ids from down to down - n + 1, newest first. */
static void
page_reply(struct client *c, int64_t id, const char *list, int down, int n,
    int more)
{
	char	 line[16384];
	size_t	 len;
	int	 i;

	len = (size_t)snprintf(line, sizeof line, "{\"type\":\"reply\","
	    "\"id\":%lld,\"ok\":true,\"%s\":[", (long long)id, list);
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(line + len, sizeof line - len,
		    "%s{\"id\":%d}", i ? "," : "", down - i);
	snprintf(line + len, sizeof line - len, "],\"more\":%s}",
	    more ? "true" : "false");
	feed(c, line);
}

static int64_t
page_request(struct wire *w, const char *type, int64_t alarm_id,
    int64_t before)
{
	json_t	*o = wire_expect(w, type);
	int64_t	 id;

	assert_int_equal(json_integer_value(json_object_get(o, "alarm_id")),
	    alarm_id);
	if (before == 0)
		assert_null(json_object_get(o, "before"));
	else
		assert_int_equal(json_integer_value(json_object_get(o,
		    "before")), before);
	assert_int_equal(json_integer_value(json_object_get(o, "limit")),
	    CLIENT_PAGE);
	id = json_integer_value(json_object_get(o, "id"));
	json_decref(o);
	return (id);
}

static void
test_paging(void **state)
{
	struct wire		 w = { .len = 0 };
	struct client		*c = client_new(wire_send, &w);
	struct client_alarm	*a;
	char			 a1[2048], a2[2048];
	json_t			*l;
	int64_t			 ev, nt;
	int			 i;

	(void)state;
	login(c, &w);
	snapshot(c, alarm_long(a1, sizeof a1, 1, 45, 30),
	    alarm_long(a2, sizeof a2, 2, 20, 3), NULL);
	/* Everything held: nothing to ask. */
	assert_int_equal(client_history(c, 2, T0), 0);
	assert_null(wire_take(&w));
	/* 25 older events and 10 older notes. */
	assert_int_equal(client_history(c, 1, T0), 2);
	ev = page_request(&w, "events", 1, 26);
	nt = page_request(&w, "notes", 1, 11);
	assert_int_equal(client_history(c, 1, T0), 2);	/* on their way */
	assert_null(wire_take(&w));
	page_reply(c, ev, "events", 25, 25, 0);
	page_reply(c, nt, "notes", 10, 10, 0);
	a = queue_find(c, 1);
	assert_int_equal(history_held(a, HISTORY_EVENTS), 45);
	assert_int_equal(history_held(a, HISTORY_NOTES), 30);
	l = json_object_get(a->obj, "events");		/* newest first */
	for (i = 0; i < 45; i++)
		assert_int_equal(json_integer_value(json_object_get(
		    json_array_get(l, i), "id")), 45 - i);
	l = json_object_get(a->obj, "notes");		/* oldest first */
	for (i = 0; i < 30; i++)
		assert_int_equal(json_integer_value(json_object_get(
		    json_array_get(l, i), "id")), 1 + i);
	assert_int_equal(client_history(c, 1, T0), 0);
	assert_int_equal(c->nrequests, 0);
	/* A push after paging keeps what was paged. */
	feed(c, "{\"type\":\"alarm_event\",\"alarm_id\":1,\"event\":{\"id\":46},"
	    "\"count\":46,\"last_at\":1}");
	assert_int_equal(history_held(a, HISTORY_EVENTS), 45);
	assert_int_equal(history_total(a, HISTORY_EVENTS), 46);
	client_free(c);
}

static void
test_paging_bounded(void **state)
{
	struct wire		 w = { .len = 0 };
	struct client		*c = client_new(wire_send, &w);
	struct client_alarm	*a;
	char			 a1[2048];
	int64_t			 id, before = 981;
	json_t			*o;

	(void)state;
	login(c, &w);
	snapshot(c, alarm_long(a1, sizeof a1, 1, 1000, 0), NULL, NULL);
	a = queue_find(c, 1);
	while (client_history(c, 1, T0) == 1) {
		id = page_request(&w, "events", 1, before);
		page_reply(c, id, "events", (int)before - 1, CLIENT_PAGE, 1);
		before -= CLIENT_PAGE;
	}
	assert_int_equal(history_held(a, HISTORY_EVENTS), CLIENT_HISTORY_MAX);
	assert_int_equal(history_total(a, HISTORY_EVENTS), 1000);
	assert_null(wire_take(&w));
	/* A page that brings nothing new ends the asking; so does an error. */
	snapshot(c, alarm_long(a1, sizeof a1, 1, 60, 0), NULL, NULL);
	a = queue_find(c, 1);
	assert_int_equal(client_history(c, 1, T0), 1);
	id = page_request(&w, "events", 1, 41);
	page_reply(c, id, "events", 50, 10, 1);	/* ids not older */
	assert_int_equal(history_held(a, HISTORY_EVENTS), 20);
	assert_int_equal(client_history(c, 1, T0), 0);
	snapshot(c, alarm_long(a1, sizeof a1, 1, 60, 0), NULL, NULL);
	assert_int_equal(client_history(c, 1, T0), 1);
	o = wire_expect(&w, "events");
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":false,"
	    "\"error\":\"not_found\"}", json_integer_value(json_object_get(o,
	    "id")));
	json_decref(o);
	assert_true(c->message_error);
	assert_non_null(strstr(c->message, "no such alarm"));
	/* Offline: not asked. */
	client_disconnected(c, T0);
	assert_int_equal(client_history(c, 1, T0), 0);
	client_free(c);
}

static void
test_limit_and_locked(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	char		 a1[1024];
	json_t		*o;
	int64_t		 id;

	(void)state;
	login(c, &w);
	snapshot(c, alarm_json(a1, sizeof a1, 1, "waiting", 1, T0, "[]"), NULL,
	    NULL);
	id = client_accept(c, 1, T0);
	json_decref(wire_take(&w));
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":false,"
	    "\"error\":\"limit\"}", (long long)id);
	assert_true(c->message_error);
	assert_non_null(strstr(c->message, "you hold the most alarms allowed: "
	    "close or release one"));

	/* A locked login: back to the form, with the reason. */
	client_disconnected(c, T0);
	client_connected(c, T0);
	feed(c, HELLO);
	o = wire_expect(&w, "login");
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":false,"
	    "\"error\":\"locked\"}", json_integer_value(json_object_get(o,
	    "id")));
	json_decref(o);
	assert_int_equal(c->state, CLIENT_LOGIN);
	assert_false(c->have_creds);
	assert_string_equal(c->login_error, "this login is locked after "
	    "failed tries: ask a supervisor");
	client_free(c);
}

/*
 * A supervisor logged in, the snapshot (server_time T0 + 500: the skew
 * is 500 ms) taken; returns the id of the operators request it makes.
 */
static int64_t
supervisor_ready(struct client *c, struct wire *w)
{
	char	 a1[1024];
	json_t	*o;
	int64_t	 id;

	login_as(c, w, "boss", "supervisor");
	snapshot(c, alarm_json(a1, sizeof a1, 42, "waiting", 1, T0, "[]"),
	    NULL, NULL);
	assert_int_equal(c->skew, 500);
	o = wire_expect(w, "operators");
	id = json_integer_value(json_object_get(o, "id"));
	json_decref(o);
	return (id);
}

/* As arcd sends it: op1 locked on its row, ghost on a row of its own. */
#define OPS_LOCKED "[{\"login\":\"op1\",\"name\":\"Ann Operator\"," \
	"\"role\":\"operator\",\"connected\":true,\"alarms\":[42]," \
	"\"locked_until\":1795000900000}," \
	"{\"login\":\"boss\",\"name\":\"Sam Super\",\"role\":\"supervisor\"," \
	"\"connected\":true,\"alarms\":[],\"locked_until\":null}," \
	"{\"login\":\"ghost\",\"name\":null,\"role\":null,\"connected\":false," \
	"\"alarms\":[],\"locked_until\":1795000600000}]"
#define SOURCES_LOCKED "[{\"source\":\"127.0.0.6\"," \
	"\"locked_until\":1795000300000},{\"source\":\"127.0.0.5\"," \
	"\"locked_until\":1795000900000}]"

static void
test_operators_locked(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	int64_t		 id;

	(void)state;
	id = supervisor_ready(c, &w);
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":true,\"operators\":"
	    OPS_LOCKED ",\"locked_sources\":" SOURCES_LOCKED "}",
	    (long long)id);
	assert_int_equal(c->bad_messages, 0);
	/* Operators keep their rows; a login with no record is a lock. */
	assert_int_equal(c->noperators, 2);
	assert_string_equal(c->operators[0].login, "op1");
	assert_int_equal(c->operators[0].locked_until, T0 + 900000);
	assert_int_equal(c->operators[0].nalarms, 1);
	assert_string_equal(c->operators[1].login, "boss");
	assert_int_equal(c->operators[1].locked_until, 0);
	/* Logins first, then addresses, each in order. */
	assert_int_equal(c->nlocks, 3);
	assert_int_equal(c->locks[0].kind, LOCK_LOGIN);
	assert_string_equal(c->locks[0].name, "ghost");
	assert_int_equal(c->locks[0].until, T0 + 600000);
	assert_int_equal(c->locks[1].kind, LOCK_SOURCE);
	assert_string_equal(c->locks[1].name, "127.0.0.5");
	assert_int_equal(c->locks[1].until, T0 + 900000);
	assert_string_equal(c->locks[2].name, "127.0.0.6");
	assert_int_equal(c->locks[2].until, T0 + 300000);
	/* Time left by the server's clock: now + the skew of 500 ms. */
	assert_int_equal(operators_left(c, c->locks[0].until, T0),
	    600000 - 500);
	assert_int_equal(operators_left(c, c->locks[2].until, T0 + 299500),
	    0);
	assert_int_equal(operators_left(c, c->locks[2].until, T0 + 299499),
	    1);
	assert_int_equal(operators_left(c, 0, T0), 0);
	c->skew = INT64_MAX;		/* no overflow, whatever the clocks */
	assert_int_equal(operators_left(c, INT64_MAX, INT64_MAX), 0);
	c->skew = 500;

	/* A push replaces it all; no locked_sources: none. */
	feed(c, "{\"type\":\"operators\",\"operators\":[{\"login\":\"op1\","
	    "\"name\":\"Ann Operator\",\"role\":\"operator\",\"connected\":"
	    "true,\"alarms\":[],\"locked_until\":null}]}");
	assert_int_equal(c->noperators, 1);
	assert_int_equal(c->operators[0].locked_until, 0);
	assert_int_equal(c->nlocks, 0);
	assert_int_equal(c->bad_messages, 0);
	client_free(c);
}

static void
test_operators_locked_junk(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	char		 long_name[CLIENT_LOCK_NAME + 1];

	(void)state;
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	supervisor_ready(c, &w);
	/* Bad ends of a lock: the row kept, the lock not, each counted. */
	feed(c, "{\"type\":\"operators\",\"operators\":["
	    "{\"login\":\"op1\",\"name\":\"A\",\"role\":\"operator\","
	    "\"locked_until\":\"soon\"},"
	    "{\"login\":\"op2\",\"name\":\"B\",\"role\":\"operator\","
	    "\"locked_until\":-5},"
	    "{\"login\":\"op3\",\"name\":\"C\",\"role\":\"operator\","
	    "\"locked_until\":1.5},"
	    "{\"login\":\"op4\",\"name\":null,\"role\":null,"
	    "\"locked_until\":0},"
	    "{\"name\":null,\"role\":null,\"locked_until\":1795000900000}],"
	    "\"locked_sources\":{\"source\":\"127.0.0.5\"}}");
	assert_int_equal(c->noperators, 4);
	assert_int_equal(c->operators[0].locked_until, 0);
	assert_int_equal(c->operators[1].locked_until, 0);
	assert_int_equal(c->operators[2].locked_until, 0);
	assert_int_equal(c->operators[3].locked_until, 0);
	assert_int_equal(c->nlocks, 0);
	/* "soon", -5, 1.5, 0, the row without a login, the object. */
	assert_int_equal(c->bad_messages, 6);

	/* Bad addresses and logins: skipped, counted; the good one kept. */
	c->bad_messages = 0;
	feedf(c, "{\"type\":\"operators\",\"operators\":["
	    "{\"login\":\"%s\",\"name\":null,\"role\":null,"
	    "\"locked_until\":1795000900000},"
	    "{\"login\":\"%s\",\"name\":\"Long\",\"role\":\"operator\","
	    "\"locked_until\":1795000900000},"
	    "{\"login\":\"\",\"name\":null,\"role\":null,"
	    "\"locked_until\":1795000900000}],"
	    "\"locked_sources\":[1,\"127.0.0.5\",{},{\"source\":7,"
	    "\"locked_until\":1795000900000},{\"source\":\"\","
	    "\"locked_until\":1795000900000},{\"source\":\"%s\","
	    "\"locked_until\":1795000900000},{\"source\":\"127.0.0.7\"},"
	    "{\"source\":\"127.0.0.8\",\"locked_until\":null},"
	    "{\"source\":\"127.0.0.9\",\"locked_until\":\"x\"},"
	    "{\"source\":\"::1\",\"locked_until\":1795000900000}]}",
	    long_name, long_name, long_name);
	/* The long login's row is kept (cut), not its lock. */
	assert_int_equal(c->noperators, 1);
	assert_int_equal(c->operators[0].locked_until, 0);
	assert_int_equal(c->nlocks, 1);
	assert_int_equal(c->locks[0].kind, LOCK_SOURCE);
	assert_string_equal(c->locks[0].name, "::1");
	assert_int_equal(c->bad_messages, 12);
	/* Not a list: nothing changes. */
	feed(c, "{\"type\":\"operators\",\"operators\":{},"
	    "\"locked_sources\":[]}");
	assert_int_equal(c->bad_messages, 13);
	assert_int_equal(c->nlocks, 1);
	client_free(c);
}

/* More than is kept: the first ones, the rest counted. */
static void
test_operators_locked_bounded(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	char		*line;
	size_t		 size = 256 * 1024, len;
	int		 i, n = CLIENT_MAX_OPERATORS + 10;

	(void)state;
	supervisor_ready(c, &w);
	line = malloc(size);
	assert_non_null(line);
	len = (size_t)snprintf(line, size, "{\"type\":\"operators\","
	    "\"operators\":[");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(line + len, size - len, "%s{\"login\":"
		    "\"op%03d\",\"name\":\"Op\",\"role\":\"operator\"},"
		    "{\"login\":\"gone%03d\",\"name\":null,\"role\":null,"
		    "\"locked_until\":1795000900000}", i ? "," : "", i, i);
	len += (size_t)snprintf(line + len, size - len,
	    "],\"locked_sources\":[");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(line + len, size - len, "%s{\"source\":"
		    "\"10.0.%d.%d\",\"locked_until\":1795000900000}",
		    i ? "," : "", i / 256, i % 256);
	len += (size_t)snprintf(line + len, size - len, "]}");
	assert_true(len < size - 1);
	assert_int_equal(client_input(c, line, len, T0), 0);
	free(line);
	assert_int_equal(c->noperators, CLIENT_MAX_OPERATORS);
	assert_int_equal(c->dropped_operators, 10);
	assert_int_equal(c->nlocks, CLIENT_MAX_LOCKS);
	assert_int_equal(c->dropped_locks, 2 * n - CLIENT_MAX_LOCKS);
	assert_int_equal(c->bad_messages, 0);
	/* The logins came first: every kept lock is one. */
	assert_int_equal(c->locks[0].kind, LOCK_LOGIN);
	assert_int_equal(c->locks[CLIENT_MAX_LOCKS - 1].kind, LOCK_LOGIN);
	client_free(c);
}

/* The request written for an unlock; returns its id. */
static int64_t
unlock_expect(struct wire *w, const char *key, const char *name)
{
	json_t	*o = wire_expect(w, "unlock");
	int64_t	 id = json_integer_value(json_object_get(o, "id"));

	assert_true(id > 0);
	assert_string_equal(json_string_value(json_object_get(o, key)), name);
	assert_int_equal(json_object_size(o), 3);	/* type, id, key */
	json_decref(o);
	return (id);
}

static void
test_unlock(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	char		 long_name[CLIENT_LOCK_NAME + 1];
	int64_t		 id;

	(void)state;
	id = supervisor_ready(c, &w);
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":true,\"operators\":"
	    OPS_LOCKED ",\"locked_sources\":" SOURCES_LOCKED "}",
	    (long long)id);
	id = client_unlock(c, "op1", 0, T0);
	assert_int_equal(unlock_expect(&w, "login", "op1"), id);
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":true}",
	    (long long)id);
	assert_false(c->message_error);
	assert_string_equal(c->message, "login op1 unlocked");
	assert_int_equal(c->nrequests, 0);
	/* An address; not locked (any more). */
	id = client_unlock(c, "127.0.0.5", 1, T0);
	assert_int_equal(unlock_expect(&w, "source", "127.0.0.5"), id);
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":false,"
	    "\"error\":\"not_found\"}", (long long)id);
	assert_true(c->message_error);
	assert_string_equal(c->message, "unlock address 127.0.0.5: not locked");
	/* Any other refusal is said as such. */
	id = client_unlock(c, "op2", 0, T0);
	unlock_expect(&w, "login", "op2");
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":false,"
	    "\"error\":\"forbidden\"}", (long long)id);
	assert_string_equal(c->message, "unlock login op2: not allowed for "
	    "your role");
	assert_int_equal(c->nrequests, 0);
	/* Nothing to unlock: not sent. */
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	assert_int_equal(client_unlock(c, "", 0, T0), -1);
	assert_int_equal(client_unlock(c, long_name, 1, T0), -1);
	assert_null(wire_take(&w));
	/* Offline: refused, not kept for the next session. */
	client_disconnected(c, T0);
	assert_int_equal(client_unlock(c, "op1", 0, T0), -1);
	assert_string_equal(c->message, "unlock: not connected");
	assert_int_equal(c->nrequests, 0);
	assert_null(wire_take(&w));
	client_free(c);

	/* An operator cannot. */
	c = client_new(wire_send, &w);
	login(c, &w);
	assert_int_equal(client_unlock(c, "op2", 0, T0), -1);
	assert_string_equal(c->message, "unlock: for supervisors only");
	assert_null(wire_take(&w));
	client_free(c);
}

/* The operator's requests leave room for a login and a ping. */
static void
test_requests_bounded(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	char		 a1[1024];
	int		 i, n = 0;

	(void)state;
	login(c, &w);
	snapshot(c, alarm_json(a1, sizeof a1, 1, "handling", 1, T0, "[]"),
	    NULL, NULL);
	client_disconnected(c, T0);
	for (i = 0; i < CLIENT_MAX_REQUESTS + 5; i++)
		if (client_note(c, 1, "a note", T0) == 0)
			n++;
	assert_int_equal(n, CLIENT_MAX_REQUESTS - CLIENT_RESERVED);
	assert_non_null(strstr(c->message, "too many requests waiting"));
	/* The login still goes; so does a ping; nothing past the bound. */
	login(c, &w);
	assert_int_equal(c->nrequests, CLIENT_MAX_REQUESTS - CLIENT_RESERVED);
	c->state = CLIENT_READY;	/* before the snapshot flushes them */
	assert_int_equal(client_tick(c, T0 + CLIENT_PING_IDLE + 1), 0);
	json_decref(wire_expect(&w, "ping"));
	assert_true(c->nrequests <= CLIENT_MAX_REQUESTS);
	/* The console's own fetches do not take the operator's last slots. */
	feed(c, "{\"type\":\"alarm_update\",\"alarm\":{\"id\":9,\"class\":1}}");
	assert_null(wire_take(&w));
	client_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_order),
		cmocka_unit_test(test_closed_disappears),
		cmocka_unit_test(test_reply_ids),
		cmocka_unit_test(test_draft_survives_reconnect),
		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_operators_not_for_operators),
		cmocka_unit_test(test_over_180),
		cmocka_unit_test(test_snapshot_streamed),
		cmocka_unit_test(test_alarm_update),
		cmocka_unit_test(test_alarm_event),
		cmocka_unit_test(test_alarm_note),
		cmocka_unit_test(test_heartbeat),
		cmocka_unit_test(test_replaced),
		cmocka_unit_test(test_paging),
		cmocka_unit_test(test_paging_bounded),
		cmocka_unit_test(test_limit_and_locked),
		cmocka_unit_test(test_requests_bounded),
		cmocka_unit_test(test_operators_locked),
		cmocka_unit_test(test_operators_locked_junk),
		cmocka_unit_test(test_operators_locked_bounded),
		cmocka_unit_test(test_unlock),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
