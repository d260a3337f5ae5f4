/*
 * test_console_state.c -- arc-console's protocol state (console/client.c,
 * request.c, queue.c, history.c, draft.c) driven with protocol lines
 * written out from docs/console-protocol.md (version 2; the lines and the
 * wire in console_wire.c): queue order after a streamed snapshot and
 * deltas, the snapshot's loading and its bells, alarm_update merged (the
 * card, events and notes kept; closed and collapsed alarms leaving the
 * queue; an unknown one asked for), alarm_event and alarm_note, replies
 * matched to requests by id, the note draft surviving a reconnect and
 * being sent after it, a wrong password, and the ids of the alarms past
 * 180 s.
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
	/* The pager link: down since a time, then up again. */
	assert_int_equal(c->pager_down, 0);
	feed(c, "{\"type\":\"stats\",\"stats\":{\"broker\":{\"state\":"
	    "\"down\",\"since\":1796688000000}}}");
	assert_int_equal(c->pager_down, 1796688000000LL);
	feed(c, "{\"type\":\"stats\",\"stats\":{\"broker\":\"up\"}}");
	assert_int_equal(c->pager_down, 0);
	feed(c, "{\"type\":\"stats\",\"stats\":{\"broker\":{}}}");
	assert_int_equal(c->pager_down, 1);	/* down, since unknown */
	/* Replaced, not added to: an empty list clears it. */
	feed(c, "{\"type\":\"stats\",\"stats\":{\"over_180\":[]}}");
	assert_int_equal(c->nlate, 0);
	assert_int_equal(c->over_180, 0);
	assert_false(queue_is_late(c, 100));
	client_free(c);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_order),
		cmocka_unit_test(test_closed_disappears),
		cmocka_unit_test(test_reply_ids),
		cmocka_unit_test(test_draft_survives_reconnect),
		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_over_180),
		cmocka_unit_test(test_snapshot_streamed),
		cmocka_unit_test(test_alarm_update),
		cmocka_unit_test(test_alarm_event),
		cmocka_unit_test(test_alarm_note),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
