/*
 * test_gauge.c -- the wallboard's figures, on the core alone: the queue
 * per class and its oldest alarm's age at a given wall time, alarms
 * offered and in hand, operators by state, alarms held for their restore.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core.h"
#include "coretest.h"

#define W0	(int64_t)1795000000000LL	/* wall ms */
#define M0	(int64_t)1000000		/* mono ms */

static struct alarm_changes	 cs;
static int64_t			 next_event = 1;

/* An event of unit, stored at once. */
static struct alarm *
event(int64_t unit, const char *code, int class, int64_t at)
{
	struct db_event	 e;
	struct alarm	*a;

	memset(&e, 0, sizeof e);
	e.id = next_event++;
	e.unit_id = unit;
	snprintf(e.account, sizeof e.account, "%06llX",
	    (unsigned long long)(0x100000 + unit));
	strlcpy(e.code, code, sizeof e.code);
	e.class = class;
	a = alarm_events(&e, 1, W0 + at, M0 + at, &cs);
	core_commit(&cs, 1, NULL);
	return (a);
}

static int
setup(void **state)
{
	(void)state;
	alarm_init(1);
	operator_init(60, 3);
	dispatch_init();
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	alarm_changes_free(&cs);
	alarm_hold_clear();
	alarm_free_all();
	operator_free_all();
	dispatch_free();
	return (0);
}

static void
test_nothing(void **state)
{
	struct gauges	 g;
	int		 c;

	(void)state;
	memset(&g, 0xff, sizeof g);	/* every field is written */
	gauge_read(W0, &g);
	for (c = CLASS_P1; c <= CLASS_P3; c++) {
		assert_int_equal(g.queue[c], 0);
		assert_int_equal(g.oldest_ms[c], 0);
	}
	assert_int_equal(g.operators, 0);
	assert_int_equal(g.by_state[OPERATOR_FREE], 0);
	assert_int_equal(g.offers + g.handling + g.on_hold, 0);
	assert_int_equal(g.incidents + g.members, 0);
}

static void
test_queue_and_age_per_class(void **state)
{
	struct gauges	 g;

	(void)state;
	event(1, "QA", CLASS_P1, 0);
	event(2, "QA", CLASS_P1, 5000);
	event(3, "WA", CLASS_P2, 10000);
	gauge_read(W0 + 40000, &g);
	assert_int_equal(g.queue[CLASS_P1], 2);
	assert_int_equal(g.oldest_ms[CLASS_P1], 40000);	/* the oldest */
	assert_int_equal(g.queue[CLASS_P2], 1);
	assert_int_equal(g.oldest_ms[CLASS_P2], 30000);
	assert_int_equal(g.queue[CLASS_P3], 0);
	assert_int_equal(g.oldest_ms[CLASS_P3], 0);
	gauge_read(W0 + 100000, &g);			/* time passes */
	assert_int_equal(g.oldest_ms[CLASS_P1], 100000);
	gauge_read(W0 - 1000, &g);			/* a clock behind */
	assert_int_equal(g.oldest_ms[CLASS_P1], 0);
}

static void
test_operators_offers_and_hands(void **state)
{
	struct gauges	 g;
	struct alarm	*a;
	const char	*why;

	(void)state;
	operator_login("ann", "Ann", 0);
	operator_login("bob", "Bob", 0);
	operator_login("cid", "Cid", 1);
	assert_int_equal(operator_set_away("cid", 1), 0);
	gauge_read(W0, &g);
	assert_int_equal(g.operators, 3);
	assert_int_equal(g.by_state[OPERATOR_FREE], 2);
	assert_int_equal(g.by_state[OPERATOR_AWAY], 1);
	a = event(1, "QA", CLASS_P1, 0);
	assert_int_equal(dispatch_run(W0 + 1000, M0 + 1000, &cs), 1);
	core_commit(&cs, 1, NULL);
	assert_int_equal(dispatch_state(operator_find("ann")),
	    OPERATOR_OFFERED);
	gauge_read(W0 + 2000, &g);
	assert_int_equal(g.queue[CLASS_P1], 1);		/* not answered */
	assert_int_equal(g.oldest_ms[CLASS_P1], 2000);
	assert_int_equal(g.offers, 1);
	assert_int_equal(g.by_state[OPERATOR_OFFERED], 1);
	assert_int_equal(g.by_state[OPERATOR_FREE], 1);
	assert_int_equal(alarm_accept(a, "ann", W0 + 3000, &cs, &why), 0);
	core_commit(&cs, 1, NULL);
	gauge_read(W0 + 4000, &g);
	assert_int_equal(g.queue[CLASS_P1], 0);
	assert_int_equal(g.oldest_ms[CLASS_P1], 0);
	assert_int_equal(g.offers, 0);
	assert_int_equal(g.handling, 1);
	assert_int_equal(g.by_state[OPERATOR_HANDLING], 1);
	assert_string_equal(operator_state_name(OPERATOR_HANDLING),
	    "handling");
	/* A console lost: no longer logged in, its alarm still in hand. */
	operator_logout("ann", M0 + 5000);
	gauge_read(W0 + 5000, &g);
	assert_int_equal(g.operators, 2);
	assert_int_equal(g.by_state[OPERATOR_HANDLING], 0);
	assert_int_equal(g.handling, 1);
}

static void
test_held_for_restore(void **state)
{
	struct gauges	 g;

	(void)state;
	alarm_hold("AT", 300);
	event(1, "AT", CLASS_P3, 0);
	gauge_read(W0 + 1000, &g);
	assert_int_equal(g.on_hold, 1);
	assert_int_equal(g.queue[CLASS_P3], 0);
	assert_int_equal(alarm_release_holds(M0 + 300000, &cs), 1);
	core_commit(&cs, 1, NULL);
	gauge_read(W0 + 300000, &g);
	assert_int_equal(g.on_hold, 0);
	assert_int_equal(g.queue[CLASS_P3], 1);
	assert_int_equal(g.oldest_ms[CLASS_P3], 300000);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_nothing),
		T(test_queue_and_age_per_class),
		T(test_operators_offers_and_hands),
		T(test_held_for_restore),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
