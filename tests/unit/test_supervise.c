/*
 * test_supervise.c -- supervision on the core alone, deadlines as data:
 * from the last frame, never earlier than one grace after start-up, none
 * for a unit never heard; a frame moves the deadline; a missed one makes
 * the unit silent once; the next frame is "heard again"; a unit removed
 * meanwhile is forgotten. Minutes of supervision in microseconds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core.h"

#define NOW	(int64_t)1795000000000LL

static void
test_deadline_from_last_frame(void **state)
{
	(void)state;
	/* Heard 10 s ago, interval 90 s + grace 30 s: due in 110 s. */
	assert_int_equal(supervise_deadline(NOW - 10000, 120, 30, NOW),
	    NOW + 110000);
}

static void
test_deadline_after_restart(void **state)
{
	(void)state;
	/* Last heard long before arcd started: one grace from now. */
	assert_int_equal(supervise_deadline(NOW - 3600000, 120, 30, NOW),
	    NOW + 30000);
	/* Due within the grace: the grace wins. */
	assert_int_equal(supervise_deadline(NOW - 100000, 120, 30, NOW),
	    NOW + 30000);
}

static void
test_deadline_never_heard(void **state)
{
	(void)state;
	/* Not installed yet: supervised from its first frame. */
	assert_int_equal(supervise_deadline(0, 90000, 60, NOW), 0);
}

static int	 silent[8];
static size_t	 nsilent;

static void
record(struct unit *u, void *arg)
{
	(void)arg;
	silent[nsilent++ % nitems(silent)] = (int)u->id;
}

static struct unit *
add(int64_t id, int interval, int64_t last_seen)
{
	struct unit	 t;

	memset(&t, 0, sizeof t);
	t.id = id;
	snprintf(t.protocol, sizeof t.protocol, "dc09");
	snprintf(t.account, sizeof t.account, "%06llX",
	    (unsigned long long)(0x100000 + id));
	t.interval = interval;
	t.last_seen = last_seen;
	return (unit_put(&t));
}

#define M0	(int64_t)5000000	/* a monotonic time */

static void
test_missed_then_heard(void **state)
{
	struct unit	*u, *v;

	(void)state;
	nsilent = 0;
	supervise_init(3600, 30);
	u = add(1, 60, NOW - 10000);	/* heard 10 s ago: due in 80 s */
	supervise_arm(u, NOW, M0, 1);
	v = add(2, 60, 0);		/* never heard */
	supervise_arm(v, NOW, M0, 1);
	assert_int_equal(u->deadline, M0 + 80000);
	assert_int_equal(v->deadline, 0);
	assert_int_equal(supervise_next(), M0 + 80000);
	assert_int_equal(supervise_due(M0 + 79999, record, NULL), 0);
	/* A frame at +50 s moves it to +140 s: the old entry is lazy. */
	assert_int_equal(supervise_touch(u, M0 + 50000), 0);
	assert_int_equal(supervise_due(M0 + 80000, record, NULL), 0);
	assert_int_equal(supervise_due(M0 + 139999, record, NULL), 0);
	assert_int_equal(supervise_due(M0 + 140000, record, NULL), 1);
	assert_int_equal(silent[0], 1);
	assert_true(u->silent);
	/* Silent once, not again and again. */
	assert_int_equal(supervise_due(M0 + 999999, record, NULL), 0);
	assert_int_equal(supervise_touch(u, M0 + 1000000), 1); /* heard */
	assert_false(u->silent);
	assert_int_equal(supervise_touch(u, M0 + 1000001), 0);
	/* The unit never heard is supervised from its first frame. */
	assert_int_equal(supervise_touch(v, M0 + 1000000), 0);
	assert_int_equal(v->deadline, M0 + 1000000 + 90000);
	unit_remove(2);			/* removed meanwhile: forgotten */
	assert_int_equal(supervise_due(M0 + 9999999, record, NULL), 1);
	assert_int_equal(silent[1], 1);
	unit_free_all();
	supervise_free();
}

static void
test_reload_keeps_deadline(void **state)
{
	struct unit	*u;

	(void)state;
	nsilent = 0;
	supervise_init(3600, 30);
	u = add(3, 60, NOW - 95000);	/* overdue by 5 s at start-up */
	supervise_arm(u, NOW, M0, 1);
	assert_int_equal(u->deadline, M0 + 30000);	/* one grace */
	/* A change to the unit table gives no grace. */
	u = add(3, 60, NOW - 95000);
	supervise_arm(u, NOW, M0, 0);
	assert_int_equal(u->deadline, M0);	/* overdue: due now */
	assert_int_equal(supervise_due(M0, record, NULL), 1);
	unit_free_all();
	supervise_free();
}

/*
 * New defaults (arc.conf read again): the deadline armed stays, the unit
 * takes the new interval and grace at its next frame.
 */
static void
test_new_limits(void **state)
{
	struct unit	*u;

	(void)state;
	nsilent = 0;
	supervise_init(3600, 30);
	u = add(5, 0, NOW - 1000);	/* no interval of its own */
	supervise_arm(u, NOW, M0, 0);
	assert_int_equal(u->deadline, M0 + 3629000);
	supervise_limits(600, 10);
	assert_int_equal(supervise_next(), M0 + 3629000);
	assert_int_equal(supervise_due(M0 + 610000, record, NULL), 0);
	assert_int_equal(supervise_touch(u, M0 + 1000), 0);
	assert_int_equal(u->deadline, M0 + 1000 + 610000);
	assert_int_equal(supervise_due(M0 + 610999, record, NULL), 0);
	assert_int_equal(supervise_due(M0 + 611000, record, NULL), 1);
	unit_free_all();
	supervise_free();
}

/* The silent event could not be stored: raised again; heard again too. */
static void
test_undo(void **state)
{
	struct unit	*u;

	(void)state;
	nsilent = 0;
	supervise_init(3600, 30);
	u = add(4, 60, NOW - 10000);
	supervise_arm(u, NOW, M0, 0);
	assert_int_equal(supervise_due(M0 + 80000, record, NULL), 1);
	supervise_undo(u, 1, M0 + 80000);
	assert_false(u->silent);
	assert_int_equal(supervise_due(M0 + 80999, record, NULL), 0);
	assert_int_equal(supervise_due(M0 + 81000, record, NULL), 1);
	assert_int_equal(supervise_touch(u, M0 + 90000), 1);	/* heard */
	supervise_undo(u, 0, M0 + 90000);	/* ... not stored */
	assert_true(u->silent);
	assert_int_equal(supervise_touch(u, M0 + 91000), 1);	/* again */
	unit_free_all();
	supervise_free();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deadline_from_last_frame),
		cmocka_unit_test(test_deadline_after_restart),
		cmocka_unit_test(test_deadline_never_heard),
		cmocka_unit_test(test_missed_then_heard),
		cmocka_unit_test(test_reload_keeps_deadline),
		cmocka_unit_test(test_new_limits),
		cmocka_unit_test(test_undo),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
