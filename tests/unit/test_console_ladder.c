/*
 * test_console_ladder.c -- the escalation ladder in arc-console's protocol
 * state (console/ladder.c, respond.c, and their lines in client.c and
 * draft.c; the wire in console_wire.c): ladder pushes kept per alarm
 * (before the alarm itself, replaced whole, junk counted and changing
 * nothing, bounded), send_responder and the ladder's skip, stop and
 * emergency on the wire with their replies said, alerts rung and kept,
 * and a close refused with responder_on_way asking for a reason that may
 * not be empty.
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

/* A ladder push for alarm id in state, with the given steps array. */
static void
push_ladder(struct client *c, int id, const char *state, const char *steps)
{
	feedf(c, "{\"type\":\"ladder\",\"alarm_id\":%d,\"state\":\"%s\","
	    "\"operator\":\"op1\",\"decided_at\":%lld,\"accepted_at\":null,"
	    "\"arrived_at\":null,\"entry_at\":null,\"ended_at\":null,"
	    "\"steps\":%s}", id, state, T0, steps);
}

#define STEPS_PAGED "[{\"responder\":7,\"name\":\"John Smith\"," \
	"\"phones\":\"+44\",\"mobile\":false,\"state\":\"paged\"," \
	"\"paged_at\":1795000000000,\"answered_at\":null," \
	"\"deadline\":1795000120000},{\"responder\":9,\"name\":" \
	"\"Mobile One\",\"mobile\":true,\"state\":\"waiting\"," \
	"\"paged_at\":null,\"answered_at\":null,\"deadline\":null}]"

#define STEPS_ACCEPTED "[{\"responder\":7,\"name\":\"John Smith\"," \
	"\"mobile\":false,\"state\":\"declined\",\"paged_at\":1795000000000," \
	"\"answered_at\":1795000010000,\"deadline\":null},{\"responder\":9," \
	"\"name\":\"Mobile One\",\"mobile\":true,\"state\":\"accepted\"," \
	"\"paged_at\":1795000010000,\"answered_at\":1795000020000," \
	"\"deadline\":null}]"

/* Logged in, a snapshot holding alarm 42 in op1's hands. */
static struct client *
ready(struct wire *w)
{
	struct client	*c = client_new(wire_send, w);
	char		 a1[1024];

	login(c, w);
	snapshot(c, alarm_json(a1, sizeof a1, 42, "handling", 1, T0, "[]"),
	    NULL, NULL);
	return (c);
}

static void
test_ladder_kept(void **state)
{
	struct wire		 w = { .len = 0 };
	struct client		*c = client_new(wire_send, &w);
	struct client_ladder	*l;
	char			 a1[1024], big[8192];
	size_t			 i, len;

	(void)state;
	login(c, &w);
	/* arcd sends the live ladders right after snapshot_begin. */
	snapshot_begin(c, 1);
	push_ladder(c, 42, "paging", STEPS_PAGED);
	push_alarm(c, alarm_json(a1, sizeof a1, 42, "handling", 1, T0, "[]"));
	feed(c, "{\"type\":\"snapshot_end\"}");
	assert_int_equal(c->bad_messages, 0);
	assert_non_null(l = ladder_find(c, 42));
	assert_null(ladder_find(c, 43));
	assert_int_equal(l->state, LADDER_PAGING);
	assert_string_equal(l->operator, "op1");
	assert_int_equal(l->decided_at, T0);
	assert_int_equal(l->accepted_at, 0);
	assert_int_equal(l->nsteps, 2);
	assert_string_equal(l->steps[0].name, "John Smith");
	assert_int_equal(l->steps[0].state, STEP_PAGED);
	assert_int_equal(l->steps[0].deadline, T0 + 120000);
	assert_false(l->steps[0].mobile);
	assert_true(l->steps[1].mobile);
	assert_int_equal(l->steps[1].state, STEP_WAITING);
	assert_true(ladder_live(l));
	assert_false(ladder_on_way(l));
	assert_ptr_equal(ladder_paged(l), &l->steps[0]);

	/* The next push replaces it whole. */
	push_ladder(c, 42, "on_the_way", STEPS_ACCEPTED);
	assert_ptr_equal(ladder_find(c, 42), l);
	assert_int_equal(l->state, LADDER_ON_WAY);
	assert_int_equal(l->steps[0].state, STEP_DECLINED);
	assert_int_equal(l->steps[1].state, STEP_ACCEPTED);
	assert_int_equal(l->steps[1].answered_at, T0 + 20000);
	assert_true(ladder_on_way(l));
	assert_null(ladder_paged(l));
	assert_string_equal(ladder_state_label(l->state),
	    "responder on the way");

	/* Junk: counted, and the ladder held stays as it was. */
	feed(c, "{\"type\":\"ladder\",\"state\":\"paging\",\"steps\":[]}");
	push_ladder(c, 42, "flying", "[]");
	push_ladder(c, 42, "paging", "[{\"state\":\"asleep\"}]");
	push_ladder(c, 42, "paging", "[7]");
	push_ladder(c, 42, "paging", "{}");
	feed(c, "{\"type\":\"ladder\",\"alarm_id\":-3,\"state\":\"paging\","
	    "\"steps\":[]}");
	assert_int_equal(c->bad_messages, 6);
	assert_int_equal(l->state, LADDER_ON_WAY);
	assert_int_equal(l->nsteps, 2);
	assert_int_equal(c->nladders, 1);

	/* More steps than kept: the count says so. */
	len = (size_t)snprintf(big, sizeof big, "[");
	for (i = 0; i < CLIENT_LADDER_STEPS + 4; i++)
		len += (size_t)snprintf(big + len, sizeof big - len,
		    "%s{\"name\":\"R%zu\",\"state\":\"waiting\"}",
		    i ? "," : "", i);
	snprintf(big + len, sizeof big - len, "]");
	push_ladder(c, 42, "paging", big);
	assert_int_equal(l->nsteps, CLIENT_LADDER_STEPS);
	assert_int_equal(l->steps_total, CLIENT_LADDER_STEPS + 4);

	/* Ended: kept for the screen, not live. */
	push_ladder(c, 42, "exhausted", STEPS_ACCEPTED);
	assert_false(ladder_live(l));
	/* A new snapshot: the live ones come again with it. */
	snapshot_begin(c, 0);
	assert_null(ladder_find(c, 42));
	assert_int_equal(c->nladders, 0);
	client_free(c);
}

static void
test_ladder_bound(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = ready(&w);
	int		 i;

	(void)state;
	for (i = 1; i <= CLIENT_MAX_LADDERS; i++)
		push_ladder(c, i, "paging", "[]");
	assert_int_equal(c->nladders, CLIENT_MAX_LADDERS);
	/* Every one live: the next is dropped and counted. */
	push_ladder(c, 5000, "paging", "[]");
	assert_null(ladder_find(c, 5000));
	assert_int_equal(c->dropped_ladders, 1);
	/* An update to one held still lands. */
	push_ladder(c, 7, "stopped", "[]");
	assert_int_equal(ladder_find(c, 7)->state, LADDER_STOPPED);
	/* The ended one makes room. */
	push_ladder(c, 5000, "paging", "[]");
	assert_non_null(ladder_find(c, 5000));
	assert_null(ladder_find(c, 7));
	assert_int_equal(c->nladders, CLIENT_MAX_LADDERS);
	assert_int_equal(c->bad_messages, 0);
	client_free(c);
}

/* The next line on the wire must be type for alarm 42; returns its id. */
static int64_t
expect42(struct wire *w, const char *type, const char *what)
{
	json_t	*o = wire_expect(w, type);
	int64_t	 id = json_integer_value(json_object_get(o, "id"));

	assert_int_equal(json_integer_value(json_object_get(o, "alarm_id")),
	    42);
	if (what != NULL)
		assert_string_equal(json_string_value(json_object_get(o,
		    "do")), what);
	else
		assert_null(json_object_get(o, "do"));
	json_decref(o);
	return (id);
}

static void
test_send_and_steer(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = ready(&w);
	int64_t		 id;

	(void)state;
	/* No alarm: refused here, nothing written. */
	assert_int_equal(respond_send(c, 77, T0), -1);
	assert_null(wire_take(&w));
	id = respond_send(c, 42, T0);
	assert_int_equal(expect42(&w, "send_responder", NULL), id);
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":false,\"error\":"
	    "\"no_responders\"}", (long long)id);
	assert_true(c->message_error);
	assert_non_null(strstr(c->message, "no responders registered"));
	id = respond_send(c, 42, T0);
	expect42(&w, "send_responder", NULL);
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":false,\"error\":"
	    "\"busy\"}", (long long)id);
	assert_non_null(strstr(c->message, "being sent already"));
	id = respond_send(c, 42, T0);
	expect42(&w, "send_responder", NULL);
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":true}", (long long)id);
	assert_false(c->message_error);
	assert_non_null(strstr(c->message, "paging its responders"));
	assert_int_equal(c->nrequests, 0);

	/* Steering needs a ladder, and one of the three words. */
	assert_int_equal(respond_ladder(c, 42, "skip", T0), -1);
	assert_null(wire_take(&w));
	push_ladder(c, 42, "paging", STEPS_PAGED);
	assert_int_equal(respond_ladder(c, 42, "jump", T0), -1);
	assert_null(wire_take(&w));
	id = respond_ladder(c, 42, "skip", T0);
	assert_int_equal(expect42(&w, "ladder", "skip"), id);
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":true}", (long long)id);
	assert_non_null(strstr(c->message, "skipped"));
	id = respond_ladder(c, 42, "stop", T0);
	expect42(&w, "ladder", "stop");
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":false,\"error\":"
	    "\"state\"}", (long long)id);
	assert_true(c->message_error);
	assert_non_null(strstr(c->message, "stop 42"));
	id = respond_ladder(c, 42, "emergency", T0);
	expect42(&w, "ladder", "emergency");
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":true}", (long long)id);
	assert_non_null(strstr(c->message, "emergency services called"));

	/* Offline: refused, never kept for the next session. */
	client_disconnected(c, T0);
	assert_int_equal(respond_send(c, 42, T0), -1);
	assert_int_equal(respond_ladder(c, 42, "skip", T0), -1);
	assert_int_equal(c->nrequests, 0);
	client_free(c);
}

static void
test_alert(void **state)
{
	struct wire		 w = { .len = 0 };
	struct client		*c = ready(&w);
	struct client_ladder	*l;

	(void)state;
	push_ladder(c, 42, "on_the_way", STEPS_ACCEPTED);
	c->bells = 0;
	feed(c, "{\"type\":\"alert\",\"alarm_id\":42,\"text\":\"overdue: "
	    "nobody on site 45 min after the decision\",\"ladder\":"
	    "\"on_the_way\"}");
	assert_int_equal(c->bells, 1);
	assert_non_null(strstr(c->flash, "nobody on site"));
	assert_non_null(strstr(c->flash, "42"));
	assert_true(c->message_error);
	l = ladder_find(c, 42);
	assert_non_null(strstr(l->alert, "nobody on site"));
	/* Kept when the ladder moves on. */
	push_ladder(c, 42, "arrived", STEPS_ACCEPTED);
	assert_non_null(strstr(l->alert, "nobody on site"));
	/* An alert for an alarm without a ladder still rings. */
	feed(c, "{\"type\":\"alert\",\"alarm_id\":43,\"text\":\"no responder\""
	    ",\"ladder\":\"exhausted\"}");
	assert_int_equal(c->bells, 2);
	/* Junk: counted, no bell. */
	feed(c, "{\"type\":\"alert\",\"alarm_id\":42}");
	feed(c, "{\"type\":\"alert\",\"text\":\"x\"}");
	assert_int_equal(c->bells, 2);
	assert_int_equal(c->bad_messages, 2);
	client_free(c);
}

static void
test_close_reason(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = ready(&w);
	json_t		*o;
	int64_t		 id;

	(void)state;
	id = client_close(c, 42, "responder_sent", "", T0);
	o = wire_expect(&w, "close");
	assert_null(json_object_get(o, "text"));
	json_decref(o);
	assert_int_equal(c->reason_id, 0);
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":false,\"error\":"
	    "\"responder_on_way\"}", (long long)id);
	assert_int_equal(c->reason_id, 42);
	assert_string_equal(c->reason_outcome, "responder_sent");
	assert_non_null(strstr(c->message, "say why you close"));
	/* The screen asks: an empty reason is not sent. */
	draft_start(c, DRAFT_REASON, c->reason_id, c->reason_outcome);
	assert_int_equal(draft_submit(c, T0), -1);
	assert_null(wire_take(&w));
	assert_int_equal(c->draft.kind, DRAFT_REASON);
	draft_insert(c, "family took her to hospital", 27);
	id = draft_submit(c, T0);
	assert_true(id > 0);
	o = wire_expect(&w, "close");
	assert_string_equal(json_string_value(json_object_get(o, "outcome")),
	    "responder_sent");
	assert_string_equal(json_string_value(json_object_get(o, "text")),
	    "family took her to hospital");
	json_decref(o);
	assert_int_equal(c->draft.kind, DRAFT_NONE);
	/* Any other refusal asks nothing. */
	c->reason_id = 0;
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":false,\"error\":"
	    "\"state\"}", (long long)id);
	assert_int_equal(c->reason_id, 0);
	client_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ladder_kept),
		cmocka_unit_test(test_ladder_bound),
		cmocka_unit_test(test_send_and_steer),
		cmocka_unit_test(test_alert),
		cmocka_unit_test(test_close_reason),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
