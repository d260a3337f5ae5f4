/*
 * test_shown.c -- arc-loadgen's frame -> shown timing (loadgen/shown.c):
 * the P1 figure counts P1 events only. An alarm raised to P1 by a pendant
 * comes whole with the technical events it held back (a mains failure in
 * a hold or a storm); their wait is not a P1 shown late. An event without
 * a class is counted by its alarm's; an alarm_event by its own class.
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

#include "runtime.h"
#include "loadgen.h"

#define MS	1000ULL		/* one millisecond in us */

struct loadgen		 lg;	/* shown.c reads the accounts and the phase */

static struct console_stats	 st;

static struct shown *
setup_shown(void)
{
	memset(&lg, 0, sizeof lg);
	memset(&st, 0, sizeof st);
	lg.units = 10;
	lg.first_account = 0x100000;
	lg.phase = PHASE_RUN;
	return (shown_new(&st));
}

/* A whole alarm of unit 100003, class cls, with events (seq, class). */
static json_t *
alarm_of(int64_t id, int cls, const int (*ev)[2], size_t n)
{
	json_t	*events = json_array();
	size_t	 i;

	for (i = 0; i < n; i++)
		json_array_append_new(events, json_pack("{s:i, s:i}", "seq",
		    ev[i][0], "class", ev[i][1]));
	return (json_pack("{s:I, s:i, s:s, s:{s:s}, s:o}", "id",
	    (json_int_t)id, "class", cls, "state", "waiting", "unit",
	    "account", "100003", "events", events));
}

static void
test_held_technical_events_are_not_late_p1s(void **state)
{
	const int	 ev[2][2] = { { 1, 3 }, { 2, 1 } };
	struct shown	*s = setup_shown();
	json_t		*a;

	(void)state;
	shown_sent(s, 3, 1, 0);			/* mains lost: held */
	shown_sent(s, 3, 2, 9000 * MS);		/* the pendant, 9 s later */
	a = alarm_of(7, 1, ev, 2);
	shown_alarm(s, a, 9005 * MS);		/* raised: whole, both */
	json_decref(a);
	assert_int_equal(st.events_shown, 2);
	assert_int_equal(hist_count(shown_hist(s, 0)), 2);
	assert_int_equal(hist_count(shown_hist(s, 1)), 1);
	assert_true(hist_max(shown_hist(s, 1)) < 10 * MS);
	assert_true(hist_max(shown_hist(s, 0)) >= 9000 * MS);
	shown_free(s);
}

static void
test_alarm_event_counts_by_its_own_class(void **state)
{
	const int	 ev[1][2] = { { 1, 3 } };
	struct shown	*s = setup_shown();
	json_t		*a, *m;

	(void)state;
	shown_sent(s, 3, 1, 0);
	a = alarm_of(7, 3, ev, 1);		/* a mains alarm, shown */
	shown_alarm(s, a, 2 * MS);
	json_decref(a);
	shown_sent(s, 3, 2, 100 * MS);		/* a pendant on it */
	m = json_pack("{s:s, s:I, s:{s:i, s:i}}", "type", "alarm_event",
	    "alarm_id", (json_int_t)7, "event", "seq", 2, "class", 1);
	shown_event(s, m, 103 * MS);
	json_decref(m);
	assert_int_equal(hist_count(shown_hist(s, 0)), 2);
	assert_int_equal(hist_count(shown_hist(s, 1)), 1);
	shown_free(s);
}

static void
test_no_event_class_counts_by_the_alarm(void **state)
{
	struct shown	*s = setup_shown();
	json_t		*a;

	(void)state;
	shown_sent(s, 3, 1, 0);
	a = json_pack("{s:I, s:i, s:s, s:{s:s}, s:[{s:i}]}", "id",
	    (json_int_t)8, "class", 1, "state", "waiting", "unit", "account",
	    "100003", "events", "seq", 1);
	shown_alarm(s, a, 4 * MS);
	json_decref(a);
	assert_int_equal(hist_count(shown_hist(s, 1)), 1);
	shown_free(s);
}

int
main(void)
{
	const struct CMUnitTest	 tests[] = {
		cmocka_unit_test(test_held_technical_events_are_not_late_p1s),
		cmocka_unit_test(test_alarm_event_counts_by_its_own_class),
		cmocka_unit_test(test_no_event_class_counts_by_the_alarm),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
