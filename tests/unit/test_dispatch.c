/*
 * test_dispatch.c -- operators and offers, on the core alone: offers go to
 * free operators in login order, one at a time, only once the alarm is
 * stored; an offer not taken within ALARM_OFFER_MS returns; a console
 * that goes away gives its offers back at once and its alarms after the
 * grace; an operator holding alarms after a restart gets one grace too.
 * Half an hour of shift runs in microseconds on the monotonic clock.
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

static void
commit(void)
{
	core_commit(&cs, 1, NULL);
}

static struct alarm *
press(int64_t unit, int64_t at)
{
	struct db_event	 e;
	struct alarm	*a;

	memset(&e, 0, sizeof e);
	e.id = next_event++;
	e.unit_id = unit;
	snprintf(e.account, sizeof e.account, "%06llX",
	    (unsigned long long)(0x100000 + unit));
	snprintf(e.code, sizeof e.code, "QA");
	e.class = CLASS_P1;
	a = alarm_events(&e, 1, W0 + at, M0 + at, &cs);
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
	alarm_free_all();
	operator_free_all();
	dispatch_free();
	return (0);
}

static size_t
run(int64_t at)
{
	size_t	 n = dispatch_run(W0 + at, M0 + at, &cs);

	commit();
	return (n);
}

static void
test_offers_in_login_order(void **state)
{
	struct alarm	*a, *b;

	(void)state;
	operator_login("ann", "Ann", 0);
	operator_login("bob", "Bob", 0);
	assert_true(operator_dirty());
	a = press(1, 0);
	assert_int_equal(run(0), 0);		/* not stored yet: no offer */
	commit();
	b = press(2, 1);
	commit();
	assert_int_equal(run(2), 2);
	assert_ptr_equal(dispatch_offered("ann"), a);	/* first in line */
	assert_ptr_equal(dispatch_offered("bob"), b);
	assert_int_equal(run(3), 0);		/* nobody is free */
	/* A login goes to the end of the line. */
	operator_login("ann", "Ann", 0);
	operator_logout("ann", M0);
	assert_ptr_equal(dispatch_offered("ann"), a);
}

static void
test_offer_expires(void **state)
{
	struct alarm	*a;
	const char	*why;

	(void)state;
	operator_login("ann", "Ann", 0);
	a = press(1, 0);
	commit();
	assert_int_equal(run(0), 1);
	assert_int_equal(dispatch_expire(W0, M0 + ALARM_OFFER_MS - 1, &cs), 0);
	assert_int_equal(dispatch_expire(W0, M0 + ALARM_OFFER_MS, &cs), 1);
	commit();
	assert_int_equal(a->state, ALARM_WAITING);
	assert_null(dispatch_offered("ann"));
	/* Offered again, then accepted: the old deadline does nothing. */
	assert_int_equal(run(ALARM_OFFER_MS + 1), 1);
	assert_int_equal(alarm_accept(a, "ann", W0, &cs, &why), 0);
	commit();
	assert_int_equal(dispatch_expire(W0, M0 + 10 * ALARM_OFFER_MS, &cs),
	    0);
	assert_int_equal(a->state, ALARM_HANDLING);
}

static void
test_console_lost(void **state)
{
	struct alarm	*a, *b;
	const char	*why;

	(void)state;
	operator_login("ann", "Ann", 0);
	a = press(1, 0);
	b = press(2, 1);
	commit();
	assert_int_equal(run(2), 1);		/* a offered to ann ... */
	assert_ptr_equal(dispatch_offered("ann"), a);
	assert_int_equal(alarm_accept(b, "ann", W0, &cs, &why), 0);
	commit();				/* ... who takes b herself */
	dispatch_logout("ann", W0, M0 + 5, &cs);	/* ... and goes */
	commit();
	assert_int_equal(a->state, ALARM_WAITING);	/* the offer: at once */
	assert_int_equal(b->state, ALARM_HANDLING);	/* in hand: a grace */
	assert_int_equal(dispatch_expire(W0, M0 + 5 + 59999, &cs), 0);
	assert_int_equal(dispatch_expire(W0, M0 + 5 + 60000, &cs), 1);
	commit();
	assert_int_equal(b->state, ALARM_WAITING);
	assert_null(operator_find("ann"));
}

static void
test_back_within_grace(void **state)
{
	struct alarm	*a;
	const char	*why;

	(void)state;
	operator_login("ann", "Ann", 0);
	a = press(1, 0);
	commit();
	assert_int_equal(alarm_accept(a, "ann", W0, &cs, &why), 0);
	commit();
	dispatch_logout("ann", W0, M0, &cs);
	operator_login("ann", "Ann", 0);	/* back in time */
	assert_int_equal(dispatch_expire(W0, M0 + 3600000, &cs), 0);
	assert_int_equal(a->state, ALARM_HANDLING);
}

static void
test_restored_holder_gets_a_grace(void **state)
{
	struct db_alarm	 da;
	struct alarm	*a;

	(void)state;
	memset(&da, 0, sizeof da);
	da.id = 7;
	snprintf(da.account, sizeof da.account, "100007");
	da.unit_id = 7;
	da.class = CLASS_P1;
	snprintf(da.code, sizeof da.code, "QA");
	snprintf(da.state, sizeof da.state, "handling");
	snprintf(da.operator, sizeof da.operator, "ann");
	da.opened_at = da.last_at = W0;
	da.accepted_at = W0 + 1;
	alarm_restore(&da, W0);
	alarm_restore_done();
	a = alarm_find(7);
	assert_non_null(a);
	assert_ptr_equal(dispatch_held("ann"), a);
	/* Nobody logs in as ann: one grace from the first look. */
	assert_int_equal(dispatch_expire(W0, M0, &cs), 0);
	assert_int_equal(dispatch_expire(W0, M0 + 60000, &cs), 1);
	commit();
	assert_int_equal(a->state, ALARM_WAITING);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_offers_in_login_order),
		T(test_offer_expires),
		T(test_console_lost),
		T(test_back_within_grace),
		T(test_restored_holder_gets_a_grace),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
