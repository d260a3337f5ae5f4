/*
 * test_console_state.c -- arc-console's protocol state (console/client.c)
 * driven with protocol lines written out here from
 * docs/console-protocol.md: queue order after a snapshot and deltas, closed
 * alarms leaving the queue, replies matched to requests by id, the
 * note draft surviving a reconnect and being sent after it, a
 * supervisor's operators list (asked for, pushed, replaced; ignored for
 * an operator) and the ids of the alarms past 180 s.
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
	    "\"operator\":%s,\"opened_at\":%lld,\"last_at\":%lld,"
	    "\"count\":1,\"offered_to\":null,\"accepted_at\":null,"
	    "\"closed_at\":null,\"outcome\":null,"
	    "\"unit\":{\"account\":\"10000%d\",\"protocol\":\"dc09\","
	    "\"zone\":\"001\",\"zone_label\":\"pendant\"},\"client\":null,"
	    "\"responders\":[],\"events\":[],\"notes\":%s}", id, state, class,
	    strcmp(state, "handling") == 0 ? "\"op1\"" : "null", opened,
	    opened, id, notes);
	return (buf);
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
	feed(c, "{\"type\":\"hello\",\"server\":\"arcd\",\"protocol\":1}");
	assert_int_equal(c->state, CLIENT_AUTH);
	o = wire_take(w);
	assert_string_equal(json_string_value(json_object_get(o, "type")),
	    "login");
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

/* A snapshot with the given alarm objects. */
static void
snapshot(struct client *c, const char *a1, const char *a2, const char *a3)
{
	char	 line[8192];

	snprintf(line, sizeof line, "{\"type\":\"snapshot\",\"alarms\":[%s%s%s"
	    "%s%s],\"stats\":{\"queue\":{\"p1\":1,\"p2\":1,\"p3\":1},"
	    "\"today\":{\"answered\":5,\"within_60\":5,\"within_180\":5,"
	    "\"pct_60\":100.0,\"pct_180\":100.0},\"over_180\":[]},"
	    "\"server_time\":%lld}", a1, a2 ? "," : "", a2 ? a2 : "",
	    a3 ? "," : "", a3 ? a3 : "", T0 + 500);
	feed(c, line);
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

	/* A P2 and an older P1 arrive as deltas. */
	feedf(c, "{\"type\":\"alarm\",\"alarm\":%s}", alarm_json(d, sizeof d,
	    4, "waiting", 2, T0, "[]"));
	feedf(c, "{\"type\":\"alarm\",\"alarm\":%s}", alarm_json(d, sizeof d,
	    5, "waiting", 1, T0 - 100000, "[]"));
	assert_order(c, want2, 5);
	assert_int_equal(c->bells, 3);
	/* A delta for a known alarm replaces it in place. */
	feedf(c, "{\"type\":\"alarm\",\"alarm\":%s}", alarm_json(d, sizeof d,
	    2, "handling", 1, T0 - 90000, "[]"));
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
	alarm_json(d, sizeof d, 7, "closed", 1, T0, "[]");
	/* The object as closed: outcome set. */
	p = strstr(d, "\"outcome\":null");
	snprintf(d2, sizeof d2, "%.*s\"outcome\":\"false_alarm\"%s",
	    (int)(p - d), d, p + 14);
	feedf(c, "{\"type\":\"alarm\",\"alarm\":%s}", d2);
	assert_order(c, want, 1);
	assert_int_equal(queue_index(c, 7), -1);
	/* Still there to show the operator what happened. */
	a = queue_find(c, 7);
	assert_non_null(a);
	assert_int_equal(a->state, ALARM_CLOSED);
	assert_string_equal(a->outcome, "false_alarm");
	/* An unknown alarm closing elsewhere does not enter the queue. */
	feedf(c, "{\"type\":\"alarm\",\"alarm\":%s}", alarm_json(d, sizeof d,
	    99, "closed", 1, T0, "[]"));
	assert_order(c, want, 1);
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
	    "[{\"at\":1795000003000,\"operator\":\"op1\","
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
	feed(c, "{\"type\":\"hello\",\"server\":\"arcd\",\"protocol\":1}");
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
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
