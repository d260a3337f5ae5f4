/*
 * test_supervise.c -- supervision deadlines on a settable clock: from the
 * last frame, never earlier than one grace after start-up, and none for a
 * unit never heard.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "arc.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deadline_from_last_frame),
		cmocka_unit_test(test_deadline_after_restart),
		cmocka_unit_test(test_deadline_never_heard),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
