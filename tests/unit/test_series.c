/*
 * test_series.c -- arc-loadgen's run second by second (loadgen/series.c)
 * and the histogram's buckets it and the results file read (hist.c):
 * a second closes on the tick after it ends, silent seconds are kept as
 * zeros, start() moves second 0, the sums hold every event, at most a
 * day of seconds is kept and the rest counted, nothing is kept without
 * --report; the buckets add up to the count, in order, up to the maximum.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "runtime.h"
#include "loadgen.h"

#define S	1000000ULL	/* one second in us */

static void
test_seconds_close_on_the_tick(void **state)
{
	const struct series_sample	*s;
	size_t				 n;
	uint64_t			 dropped;

	(void)state;
	series_init(10 * S, 1);
	series_sent();
	series_sent();
	series_sent();
	series_acked(1000);
	series_acked(3000);
	series_nak();
	series_tick(11 * S - 1);
	s = series_samples(&n, &dropped);
	assert_int_equal(n, 0);
	series_tick(11 * S);
	s = series_samples(&n, &dropped);
	assert_int_equal(n, 1);
	assert_int_equal(s[0].t, 0);
	assert_int_equal(s[0].sent, 3);
	assert_int_equal(s[0].acked, 2);
	assert_int_equal(s[0].nak, 1);
	assert_true(s[0].p50_us >= 990 && s[0].p50_us <= 1010);
	assert_true(s[0].p99_us >= 2950 && s[0].p99_us <= 3000);
	assert_int_equal(s[0].max_us, 3000);

	/* Two silent seconds, then one ACK in the fourth, then the end. */
	series_tick(13 * S + S / 2);
	series_acked(500);
	series_finish(13 * S + S / 2 + 1);
	s = series_samples(&n, &dropped);
	assert_int_equal(n, 4);
	assert_int_equal(s[1].t, 1);
	assert_int_equal(s[1].acked, 0);
	assert_int_equal(s[1].p99_us, 0);
	assert_int_equal(s[2].t, 2);
	assert_int_equal(s[3].t, 3);
	assert_int_equal(s[3].acked, 1);
	assert_int_equal(s[3].max_us, 500);
	assert_int_equal(dropped, 0);
	series_free();
}

static void
test_start_moves_second_zero(void **state)
{
	const struct series_sample	*s;
	size_t				 n;
	uint64_t			 dropped;

	(void)state;
	series_init(0, 1);
	series_sent();			/* counted before the start: kept */
	series_start(5 * S);
	series_tick(5 * S + S / 2);
	series_samples(&n, &dropped);
	assert_int_equal(n, 0);
	series_tick(6 * S);
	s = series_samples(&n, &dropped);
	assert_int_equal(n, 1);
	assert_int_equal(s[0].sent, 1);
	series_free();
}

static void
test_a_day_at_most(void **state)
{
	const struct series_sample	*s;
	size_t				 n;
	uint64_t			 dropped;

	(void)state;
	series_init(0, 1);
	series_sent();
	series_tick(86410 * S);
	s = series_samples(&n, &dropped);
	assert_int_equal(n, 86400);
	assert_int_equal(dropped, 10);
	assert_int_equal(s[0].sent, 1);
	assert_int_equal(s[86399].t, 86399);
	series_free();
}

static void
test_nothing_kept_without_report(void **state)
{
	size_t		 n;
	uint64_t	 dropped;

	(void)state;
	series_init(0, 0);
	series_sent();
	series_tick(5 * S);
	series_finish(5 * S + 1);
	assert_null(series_samples(&n, &dropped));
	assert_int_equal(n, 0);
	series_free();
}

static void
test_buckets_add_up(void **state)
{
	struct hist	*h = hist_new();
	uint64_t	 v, prev = 0, sum = 0, c, vals[] = { 0, 1, 127, 128,
			    1000, 1001, 5000, 123456, 59000000, 90000000 };
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof vals / sizeof vals[0]; i++)
		hist_add(h, vals[i]);
	for (i = 0; i < hist_nbuckets(); i++) {
		if ((c = hist_bucket(h, i, &v)) == 0)
			continue;
		assert_true(v >= prev);
		assert_true(v <= hist_max(h));
		prev = v;
		sum += c;
	}
	assert_int_equal(sum, hist_count(h));
	assert_int_equal(hist_bucket(h, hist_nbuckets(), &v), 0);
	hist_clear(h);
	assert_int_equal(hist_count(h), 0);
	assert_int_equal(hist_max(h), 0);
	hist_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seconds_close_on_the_tick),
		cmocka_unit_test(test_start_moves_second_zero),
		cmocka_unit_test(test_a_day_at_most),
		cmocka_unit_test(test_nothing_kept_without_report),
		cmocka_unit_test(test_buckets_add_up),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
