/*
 * test_console_session.c -- arc-console's protocol state over a session
 * (console/client.c, request.c, history.c; the lines and the wire in
 * console_wire.c): heartbeats answered at once, "replaced", older events
 * and notes paged in and bounded, the limit and locked errors, and the
 * operator's requests bounded so a login and a ping always have room.
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
#include "console_wire.h"

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
		cmocka_unit_test(test_heartbeat),
		cmocka_unit_test(test_replaced),
		cmocka_unit_test(test_paging),
		cmocka_unit_test(test_paging_bounded),
		cmocka_unit_test(test_limit_and_locked),
		cmocka_unit_test(test_requests_bounded),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
