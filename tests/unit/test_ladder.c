/*
 * test_ladder.c -- the escalation ladder on the core alone, its clock as
 * data: the first responder paged; a decline, a time-out and a skip move
 * to the next; an accept is on the way, then arrived, entry, clear; every
 * step failing exhausts it; late arrival and late entry alert once; a
 * reply for an unknown, finished or other responder's page changes
 * nothing; stopping or calling the emergency services withdraws the page.
 * Hours of escalation in microseconds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core.h"

#define WALL	(int64_t)1795000000000LL
#define ALARM	42

static struct ladder_evs	 evs;
static const char		*why;

static void
steps(struct ladder_step *v, size_t n)
{
	size_t	 i;

	memset(v, 0, n * sizeof *v);
	for (i = 0; i < n; i++) {
		v[i].responder_id = 100 + i;
		snprintf(v[i].name, sizeof v[i].name, "responder %zu", i);
		v[i].accept_ms = LADDER_ACCEPT_MS;
	}
}

static int
setup(void **state)
{
	(void)state;
	ladder_init(1);
	memset(&evs, 0, sizeof evs);
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	ladder_free_all();
	return (0);
}

/* The kinds of events since the last call, as letters. */
static const char *
kinds(void)
{
	static char	 buf[LADDER_EVS + 1];
	size_t		 i;

	for (i = 0; i < evs.n; i++)
		buf[i] = "DPSWXEAN"[evs.v[i].kind];
	buf[evs.n] = '\0';
	evs.n = 0;
	return (buf);
}

static int64_t
paged(size_t step)
{
	return (ladder_get(ALARM)->steps[step].page_id);
}

static void
start(size_t n)
{
	struct ladder_step	 v[LADDER_STEPS];

	steps(v, n);
	assert_int_equal(ladder_start(ALARM, "op1", v, n, WALL, 0, &evs,
	    &why), 0);
	assert_string_equal(kinds(), "DP");
}

static void
test_accept_arrive_entry_clear(void **state)
{
	struct ladder	*l;

	(void)state;
	start(3);
	l = ladder_get(ALARM);
	assert_int_equal(l->state, LADDER_PAGING);
	assert_int_equal(l->steps[0].state, STEP_PAGED);
	assert_int_equal(ladder_reply(paged(0), 100, REPLY_ACCEPT, WALL + 30000,
	    30000, &evs, &why), 0);
	assert_string_equal(kinds(), "S");
	assert_int_equal(l->state, LADDER_ON_WAY);
	assert_true(ladder_on_way(ALARM));
	/* In order only: entry before arrival is refused. */
	assert_int_equal(ladder_reply(paged(0), 100, REPLY_ENTRY, WALL, 0,
	    &evs, &why), -1);
	assert_string_equal(why, "out_of_order");
	assert_int_equal(ladder_reply(paged(0), 100, REPLY_ARRIVED,
	    WALL + 1200000, 1200000, &evs, &why), 0);
	assert_int_equal(ladder_reply(paged(0), 100, REPLY_ENTRY,
	    WALL + 1260000, 1260000, &evs, &why), 0);
	assert_int_equal(ladder_reply(paged(0), 100, REPLY_CLEAR,
	    WALL + 2400000, 2400000, &evs, &why), 0);
	assert_string_equal(kinds(), "SSS");
	assert_int_equal(l->state, LADDER_CLEAR);
	assert_int_equal(l->arrived_at, WALL + 1200000);
	assert_int_equal(l->entry_at, WALL + 1260000);
	assert_false(ladder_on_way(ALARM));
	/* A later reply to a finished ladder changes nothing. */
	assert_int_equal(ladder_reply(paged(0), 100, REPLY_CLEAR, WALL, 0,
	    &evs, &why), -1);
	assert_string_equal(why, "finished");
}

static void
test_decline_timeout_skip_then_exhausted(void **state)
{
	struct ladder	*l;

	(void)state;
	start(3);
	l = ladder_get(ALARM);
	assert_int_equal(ladder_reply(paged(0), 100, REPLY_DECLINE, WALL, 1000,
	    &evs, &why), 0);
	assert_string_equal(kinds(), "SP");
	assert_int_equal(l->steps[0].state, STEP_DECLINED);
	assert_int_equal(l->at, 1);
	/* Not yet its deadline (120 s from 1 s): nothing. */
	ladder_due(WALL, 120000, &evs);
	assert_string_equal(kinds(), "");
	ladder_due(WALL, 121000, &evs);
	assert_string_equal(kinds(), "SP");
	assert_int_equal(l->steps[1].state, STEP_TIMED_OUT);
	/* The timed-out page answered late: refused, nothing moves. */
	assert_int_equal(ladder_reply(paged(1), 101, REPLY_ACCEPT, WALL,
	    122000, &evs, &why), -1);
	assert_string_equal(why, "finished");
	assert_int_equal(ladder_skip(ALARM, WALL, 123000, &evs, &why), 0);
	assert_string_equal(kinds(), "WX");
	assert_int_equal(l->steps[2].state, STEP_SKIPPED);
	assert_int_equal(l->state, LADDER_EXHAUSTED);
	assert_false(ladder_active(l));
	/* Once exhausted, a new ladder may start, with new pages. */
	start(1);
	assert_int_equal(paged(0), 4);
}

static void
test_bad_replies_change_nothing(void **state)
{
	(void)state;
	start(2);
	assert_int_equal(ladder_reply(999, 100, REPLY_ACCEPT, WALL, 0, &evs,
	    &why), -1);
	assert_string_equal(why, "unknown_page");
	assert_int_equal(ladder_reply(paged(0), 101, REPLY_ACCEPT, WALL, 0,
	    &evs, &why), -1);
	assert_string_equal(why, "not_yours");
	assert_int_equal(ladder_reply(paged(0), 100, REPLY_ARRIVED, WALL, 0,
	    &evs, &why), -1);
	assert_string_equal(why, "out_of_order");
	assert_string_equal(kinds(), "");
	assert_int_equal(ladder_get(ALARM)->state, LADDER_PAGING);
	/* One ladder at a time. */
	assert_int_equal(ladder_start(ALARM, "op1", ladder_get(ALARM)->steps,
	    1, WALL, 0, &evs, &why), -1);
	assert_string_equal(why, "busy");
}

static void
test_late_arrival_and_entry_alert_once(void **state)
{
	(void)state;
	start(1);
	assert_int_equal(ladder_reply(paged(0), 100, REPLY_ACCEPT, WALL, 1000,
	    &evs, &why), 0);
	kinds();
	ladder_due(WALL, LADDER_ARRIVAL_MS - 1, &evs);
	assert_string_equal(kinds(), "");
	ladder_due(WALL, LADDER_ARRIVAL_MS, &evs);
	ladder_due(WALL, LADDER_ARRIVAL_MS + 60000, &evs);
	assert_string_equal(kinds(), "A");
	assert_int_equal(ladder_reply(paged(0), 100, REPLY_ARRIVED, WALL,
	    3000000, &evs, &why), 0);
	kinds();
	ladder_due(WALL, 3000000 + LADDER_ENTRY_MS - 1, &evs);
	assert_string_equal(kinds(), "");
	ladder_due(WALL, 3000000 + LADDER_ENTRY_MS, &evs);
	ladder_due(WALL, 3000000 + LADDER_ENTRY_MS + 1, &evs);
	assert_string_equal(kinds(), "N");
}

static void
test_stop_and_emergency_withdraw_the_page(void **state)
{
	(void)state;
	start(2);
	assert_int_equal(ladder_end(ALARM, LADDER_EMERGENCY, WALL, &evs, &why),
	    0);
	assert_string_equal(kinds(), "WE");
	assert_int_equal(ladder_get(ALARM)->steps[0].state, STEP_WITHDRAWN);
	assert_int_equal(ladder_get(ALARM)->state, LADDER_EMERGENCY);
	assert_int_equal(ladder_end(ALARM, LADDER_STOPPED, WALL, &evs, &why),
	    -1);
	assert_int_equal(ladder_skip(ALARM, WALL, 0, &evs, &why), -1);
	/* Nobody is paged after the end, whatever the clock does. */
	ladder_due(WALL, 10 * LADDER_ARRIVAL_MS, &evs);
	assert_string_equal(kinds(), "");
	ladder_drop(ALARM);
	assert_null(ladder_get(ALARM));
	assert_int_equal(ladder_count(), 0);
}

static void
test_no_responders(void **state)
{
	(void)state;
	assert_int_equal(ladder_start(ALARM, "op1", NULL, 0, WALL, 0, &evs,
	    &why), -1);
	assert_string_equal(why, "no_responders");
	assert_null(ladder_get(ALARM));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_accept_arrive_entry_clear,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_decline_timeout_skip_then_exhausted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_replies_change_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_late_arrival_and_entry_alert_once, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_stop_and_emergency_withdraw_the_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_responders, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
