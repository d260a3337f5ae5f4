/*
 * test_alarm.c -- alarms and the call queue: queue order, attach and
 * annotate, the state machine (exactly one handler), offers timing out,
 * and the service figures, all on a settable clock. The write hook is a
 * recorder standing in for the store.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "alarm.h"
#include "arc.h"

#define T0	(int64_t)1795000000000LL	/* ms, mid-day UTC */

struct write_rec {
	int64_t		 alarm;
	char		 state[12];
	char		 action[24];
	char		 actor[32];
	size_t		 nids;
	int64_t		 hwm;
	uint64_t	 tag;
};
static struct write_rec	 writes[64];
static size_t		 nwrites;
static int64_t		 next_event = 1;

static void
record_write(const struct alarm *a, const int64_t *ids, size_t n,
    int64_t hwm, const char *actor, const char *action, const char *detail,
    uint64_t tag)
{
	struct write_rec	*w = &writes[nwrites++ % 64];

	(void)ids;
	(void)detail;
	w->alarm = a->id;
	snprintf(w->state, sizeof w->state, "%s", alarm_state_name(a->state));
	snprintf(w->action, sizeof w->action, "%s", action ? action : "");
	snprintf(w->actor, sizeof w->actor, "%s", actor ? actor : "");
	w->nids = n;
	w->hwm = hwm;
	w->tag = tag;
}

static const struct write_rec *
last_write(void)
{
	return (&writes[(nwrites - 1) % 64]);
}

static int
setup(void **state)
{
	struct alarm_hooks	 h = { record_write };

	(void)state;
	nwrites = 0;
	alarm_init(&h, 1);
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	alarm_free_all();
	return (0);
}

static struct alarm *
event(int64_t unit, const char *code, int class, int64_t now)
{
	struct db_event	 e;

	memset(&e, 0, sizeof e);
	e.id = next_event++;
	e.unit_id = unit;
	snprintf(e.account, sizeof e.account, "%06llX",
	    (unsigned long long)(0x100000 + unit));
	snprintf(e.code, sizeof e.code, "%s", code);
	e.class = class;
	return (alarm_events(&e, 1, now));
}

static void
test_queue_order(void **state)
{
	struct alarm	*p3, *p1a, *p2, *p1b;
	const char	*why;

	(void)state;
	p3 = event(1, "AT", 3, T0);
	p1a = event(2, "QA", 1, T0 + 1000);
	p2 = event(3, "WA", 2, T0 + 2000);
	p1b = event(4, "FA", 1, T0 + 3000);
	assert_ptr_equal(alarm_top(), p1a);
	assert_int_equal(alarm_accept(p1a, "op1", T0 + 4000, 0, &why), 0);
	assert_ptr_equal(alarm_top(), p1b);
	assert_int_equal(alarm_accept(p1b, "op2", T0 + 4000, 0, &why), 0);
	assert_ptr_equal(alarm_top(), p2);
	assert_int_equal(alarm_accept(p2, "op3", T0 + 4000, 0, &why), 0);
	assert_ptr_equal(alarm_top(), p3);
	assert_int_equal(alarm_release(p1a, "op1", 0, T0 + 5000, 0, &why), 0);
	assert_ptr_equal(alarm_top(), p1a);	/* back in, by its age */
}

static void
test_attach_annotate_raise(void **state)
{
	struct alarm	*a, *b;

	(void)state;
	a = event(7, "AT", 3, T0);
	assert_string_equal(last_write()->action, "open");
	b = event(7, "QA", 1, T0 + 1000);	/* same unit: attaches */
	assert_ptr_equal(a, b);
	assert_int_equal(a->count, 2);
	assert_int_equal(a->class, 1);		/* raised to the pendant */
	assert_string_equal(a->code, "QA");
	assert_string_equal(last_write()->action, "raise");	/* audited */
	assert_int_equal(last_write()->nids, 1);
	b = event(7, "QA", 1, T0 + 1500);	/* another press: attaches */
	assert_string_equal(last_write()->action, "");	/* not audited */
	assert_int_equal(last_write()->nids, 1);	/* but linked */
	assert_int_equal(a->count, 3);
	b = event(7, "OC", 4, T0 + 2000);	/* a cancel annotates */
	assert_ptr_equal(a, b);
	assert_int_equal(a->count, 3);
	assert_int_equal(a->state, ALARM_WAITING);	/* never closes a P1 */
	assert_string_equal(last_write()->action, "");
	assert_int_equal(last_write()->nids, 1);
	assert_int_equal(last_write()->hwm, next_event - 1);
	assert_null(event(8, "RP", 4, T0));	/* P4 alone: no alarm */
	assert_int_equal(alarm_count_open(), 1);
}

static void
test_linked_at_insert(void **state)
{
	struct db_event	 e;
	struct alarm	*a;
	size_t		 before;

	(void)state;
	a = event(9, "QA", 1, T0);
	memset(&e, 0, sizeof e);
	e.id = next_event++;
	e.unit_id = 9;
	snprintf(e.account, sizeof e.account, "%06llX",
	    (unsigned long long)(0x100000 + 9));
	snprintf(e.code, sizeof e.code, "RP");
	e.class = 4;
	e.alarm_id = alarm_open_id(9, e.account);
	assert_int_equal(e.alarm_id, a->id);
	before = nwrites;
	assert_ptr_equal(alarm_events(&e, 1, T0 + 1), a);
	assert_int_equal(nwrites, before);	/* nothing new to write */
	e.id = next_event++;
	snprintf(e.code, sizeof e.code, "QA");
	e.class = 1;				/* a press: count goes up */
	assert_ptr_equal(alarm_events(&e, 1, T0 + 2), a);
	assert_int_equal(nwrites, before);	/* linked: written later */
	assert_int_equal(a->count, 2);
	assert_true(a->dirty);
	assert_int_equal(alarm_flush(), 1);	/* the count, coalesced */
	assert_int_equal(nwrites, before + 1);
	assert_int_equal(last_write()->nids, 0);
	assert_false(a->dirty);
	assert_int_equal(alarm_flush(), 0);
}

static void
test_linked_raise_is_written_at_once(void **state)
{
	struct db_event	 e;
	struct alarm	*a;
	size_t		 before;

	(void)state;
	a = event(11, "AT", 3, T0);
	memset(&e, 0, sizeof e);
	e.id = next_event++;
	e.unit_id = 11;
	snprintf(e.account, sizeof e.account, "%06llX",
	    (unsigned long long)(0x100000 + 11));
	snprintf(e.code, sizeof e.code, "QA");
	e.class = 1;
	e.alarm_id = a->id;			/* linked at insert */
	before = nwrites;
	assert_ptr_equal(alarm_events(&e, 1, T0 + 1), a);
	assert_int_equal(nwrites, before + 1);	/* not left to the flush */
	assert_string_equal(last_write()->action, "raise");
	assert_int_equal(a->class, 1);
	assert_false(a->dirty);
}

static void
test_unregistered_is_at_least_p2(void **state)
{
	struct db_event	 e;
	struct alarm	*a;

	(void)state;
	memset(&e, 0, sizeof e);
	e.id = next_event++;
	snprintf(e.account, sizeof e.account, "BEEF");
	snprintf(e.code, sizeof e.code, "AT");
	e.class = 3;
	e.flags = EVENT_UNREGISTERED;
	a = alarm_events(&e, 1, T0);
	assert_non_null(a);
	assert_int_equal(a->class, 2);
}

static void
test_one_handler(void **state)
{
	struct alarm	*a;
	const char	*why = NULL;
	int64_t		 id;

	(void)state;
	a = event(1, "QA", 1, T0);
	id = a->id;
	assert_int_equal(alarm_offer(a, "op1", T0 + 100), 0);
	assert_int_equal(a->state, ALARM_OFFERED);
	assert_int_equal(alarm_accept(a, "op2", T0 + 200, 0, &why), -1);
	assert_string_equal(why, "taken");
	assert_int_equal(alarm_accept(a, "op1", T0 + 300, 42, &why), 0);
	assert_int_equal(last_write()->tag, 42);
	assert_string_equal(last_write()->actor, "op1");
	assert_int_equal(alarm_accept(a, "op2", T0 + 400, 0, &why), -1);
	assert_string_equal(why, "taken");
	assert_int_equal(alarm_release(a, "op2", 0, T0, 0, &why), -1);
	assert_string_equal(why, "not_yours");
	assert_int_equal(alarm_close(a, "op1", OUTCOME_NONE, NULL, T0, 0,
	    &why), -1);
	assert_string_equal(why, "bad_request");
	assert_int_equal(alarm_close(a, "op2", OUTCOME_PHONE, NULL, T0, 0,
	    &why), -1);
	assert_string_equal(why, "not_yours");
	assert_int_equal(alarm_close(a, "op1", OUTCOME_PHONE, "fine", T0 +
	    500, 7, &why), 0);
	assert_string_equal(last_write()->state, "closed");
	assert_string_equal(last_write()->action, "close");
	assert_null(alarm_find(id));
	/* A new event of the unit opens a new alarm. */
	a = event(1, "QA", 1, T0 + 600);
	assert_int_not_equal(a->id, id);
}

static void
test_transitions_checked(void **state)
{
	struct alarm	*a;
	const char	*why = NULL;

	(void)state;
	a = event(1, "QA", 1, T0);
	assert_int_equal(alarm_close(a, "op1", OUTCOME_PHONE, NULL, T0, 0,
	    &why), -1);			/* waiting: accept first */
	assert_string_equal(why, "state");
	assert_int_equal(alarm_release(a, "op1", 1, T0, 0, &why), -1);
	assert_string_equal(why, "state");
	assert_int_equal(alarm_decline(a, "op1", T0, 0, &why), -1);
	assert_int_equal(alarm_accept(a, "op1", T0, 0, &why), 0);
	assert_int_equal(alarm_offer(a, "op2", T0), -1);
	/* A supervisor may release anyone's alarm. */
	assert_int_equal(alarm_release(a, "boss", 1, T0, 0, &why), 0);
	assert_int_equal(a->state, ALARM_WAITING);
	assert_string_equal(a->operator, "");
}

static void
test_offer_expires(void **state)
{
	struct alarm	*a;

	(void)state;
	a = event(1, "QA", 1, T0);
	assert_int_equal(alarm_offer(a, "op1", T0), 0);
	assert_ptr_equal(alarm_of("op1"), a);
	assert_null(alarm_top());
	assert_int_equal(alarm_expire_offers(T0 + ALARM_OFFER_MS - 1), 0);
	assert_int_equal(alarm_expire_offers(T0 + ALARM_OFFER_MS), 1);
	assert_int_equal(a->state, ALARM_WAITING);
	assert_string_equal(last_write()->action, "offer expired");
	assert_ptr_equal(alarm_top(), a);
	assert_null(alarm_of("op1"));
}

static void
test_service_figures(void **state)
{
	struct alarm_stats	 st;
	struct alarm		*a, *b, *c;
	const char		*why;

	(void)state;
	alarm_stats(T0, &st);
	assert_true(st.pct_60 == 100.0 && st.pct_180 == 100.0);
	a = event(1, "QA", 1, T0);
	b = event(2, "WA", 2, T0);
	c = event(3, "QA", 1, T0);
	event(4, "AT", 3, T0);			/* P3: not in the figures */
	assert_int_equal(alarm_accept(a, "op1", T0 + 30000, 0, &why), 0);
	assert_int_equal(alarm_accept(b, "op2", T0 + 120000, 0, &why), 0);
	alarm_stats(T0 + 200000, &st);		/* c still waiting, 200 s */
	assert_int_equal(st.answered, 2);
	assert_int_equal(st.within_60, 1);
	assert_int_equal(st.within_180, 2);
	assert_int_equal(st.late_60, 2);	/* b, and c waiting */
	assert_int_equal(st.late_180, 1);	/* c */
	assert_int_equal(st.nover_180, 1);
	assert_int_equal(st.over_180[0], c->id);
	assert_true(st.pct_60 > 33.3 && st.pct_60 < 33.4);
	assert_true(st.pct_180 > 66.6 && st.pct_180 < 66.7);
	assert_int_equal(st.queue[1], 1);
	assert_int_equal(st.queue[3], 1);
	/* A new day starts from nothing. */
	alarm_stats(T0 + 86400000LL * 2, &st);
	assert_int_equal(st.answered, 0);
}

static void
test_operator_index(void **state)
{
	struct alarm	*a, *b;
	const char	*why;

	(void)state;
	a = event(1, "QA", 1, T0);
	b = event(2, "QA", 1, T0 + 1);
	assert_null(alarm_of("op1"));
	assert_int_equal(alarm_offer(a, "op1", T0), 0);
	assert_ptr_equal(alarm_of("op1"), a);
	assert_int_equal(alarm_accept(a, "op1", T0, 0, &why), 0);
	assert_ptr_equal(alarm_of("op1"), a);
	assert_int_equal(alarm_accept(b, "op1", T0, 0, &why), 0);
	assert_ptr_equal(alarm_of("op1"), b);
	assert_int_equal(alarm_release(b, "op1", 0, T0, 0, &why), 0);
	assert_ptr_equal(alarm_of("op1"), a);	/* still holds a */
	assert_int_equal(alarm_close(a, "op1", OUTCOME_FALSE_ALARM, NULL, T0,
	    0, &why), 0);
	assert_null(alarm_of("op1"));
	assert_int_equal(alarm_accept(b, "op2", T0, 0, &why), 0);
	assert_ptr_equal(alarm_of("op2"), b);
	assert_null(alarm_of("op1"));
}

static void
test_restore_before_answer(void **state)
{
	struct alarm	*a, *b, *c;
	const char	*why;
	int64_t		 id;

	(void)state;
	a = event(1, "AT", 3, T0);		/* mains lost, waiting */
	id = a->id;
	assert_null(event(1, "AR", 4, T0 + 1000));	/* mains back */
	assert_null(alarm_find(id));
	assert_string_equal(last_write()->action, "restored before answer");
	assert_string_equal(last_write()->state, "closed");
	b = event(2, "AT", 3, T0);		/* taken by an operator */
	assert_int_equal(alarm_accept(b, "op1", T0, 0, &why), 0);
	assert_ptr_equal(event(2, "AR", 4, T0 + 1000), b);
	assert_int_equal(b->state, ALARM_HANDLING);	/* only annotated */
	c = event(3, "QA", 1, T0);		/* a pendant is never cleared */
	assert_ptr_equal(event(3, "AR", 4, T0 + 1000), c);
	assert_ptr_equal(event(3, "YK", 4, T0 + 1000), c);
	assert_int_equal(c->state, ALARM_WAITING);
	b = event(4, "YS", 3, T0);		/* unit silent ... */
	assert_ptr_equal(event(4, "AR", 4, T0 + 1), b);	/* not its restore */
	assert_null(event(4, "YK", 4, T0 + 2));	/* heard again */
}

static void
test_runaway_unit(void **state)
{
	struct alarm	*a, *r;
	const char	*why;
	int		 i;

	(void)state;
	runaway_init(3, 60);		/* a burst of 3, one a second back */
	for (i = 0; i < 3; i++) {	/* closed as false alarms, again ... */
		a = event(5, "FA", 1, T0 + i);
		assert_int_equal(a->class, 1);
		assert_int_equal(alarm_accept(a, "op1", T0 + i, 0, &why), 0);
		assert_int_equal(alarm_close(a, "op1", OUTCOME_FALSE_ALARM,
		    NULL, T0 + i, 0, &why), 0);
	}
	r = event(5, "FA", 1, T0 + 3);	/* ... past the burst */
	assert_int_equal(r->class, 3);
	assert_string_equal(r->code, ALARM_RUNAWAY);
	assert_string_equal(last_write()->action, "open");
	assert_ptr_equal(event(5, "FA", 1, T0 + 4), r);	/* attached */
	assert_int_equal(r->class, 3);			/* not raised */
	assert_int_equal(r->count, 2);
	assert_ptr_equal(event(5, "QA", 1, T0 + 5), r);	/* a real press */
	assert_int_equal(r->class, 1);			/* is raised */
	assert_ptr_equal(alarm_top(), r);
	/* Another unit is not affected; a full bucket is forgotten. */
	assert_int_equal(event(6, "FA", 1, T0 + 6)->class, 1);
	assert_true(runaway_sweep(T0 + 3600000) == 0);
	runaway_init(10, 6);
}

static void
test_hold_technical(void **state)
{
	struct alarm_stats	 st;
	struct alarm		*a, *b, *c;
	int64_t			 id;

	(void)state;
	alarm_hold("AT", 300);		/* mains lost: wait 5 minutes */
	a = event(1, "AT", 3, T0);
	id = a->id;
	assert_null(alarm_top());	/* held, not queued */
	alarm_stats(T0, &st);
	assert_int_equal(st.queue[3], 0);
	assert_null(event(1, "AR", 4, T0 + 60000));	/* restored in time */
	assert_null(alarm_find(id));
	assert_string_equal(last_write()->action, "restored before answer");
	b = event(2, "AT", 3, T0);	/* no restore comes */
	assert_int_equal(alarm_release_holds(T0 + 299999), 0);
	assert_null(alarm_top());
	assert_int_equal(alarm_release_holds(T0 + 300000), 1);
	assert_string_equal(last_write()->action, "queued after hold");
	assert_ptr_equal(alarm_top(), b);
	c = event(3, "AT", 3, T0);	/* held, then a pendant press */
	assert_ptr_equal(event(3, "QA", 1, T0 + 1000), c);
	assert_int_equal(c->held_until, 0);
	assert_ptr_equal(alarm_top(), c);	/* queued at once, as P1 */
	assert_int_equal(event(4, "YT", 3, T0)->held_until, 0); /* not held */
}

static void
test_storm_incident(void **state)
{
	struct alarm	*a, *inc, *p1;
	const char	*why;
	int64_t		 aid;
	int		 i;

	(void)state;
	storm_init(5, 60, 120);		/* 5 units within 60 s */
	for (i = 0; i < 4; i++)
		assert_int_equal(event(100 + i, "AT", 3, T0 + i)->incident_id,
		    0);
	/* From the second a storm is suspected: held, not queued. */
	assert_int_equal(alarm_find(alarm_open_id(100, "100064")) != NULL, 1);
	assert_int_equal(alarm_find(alarm_open_id(101, "100065"))->held_until,
	    T0 + 1 + 60000);
	a = event(104, "AT", 3, T0 + 4);	/* the fifth: a storm */
	assert_int_not_equal(a->incident_id, 0);
	inc = alarm_find(a->incident_id);
	assert_non_null(inc);
	assert_true(inc->incident);
	assert_int_equal(inc->count, 5);	/* the four before joined */
	assert_ptr_equal(alarm_top(), inc);	/* one row in the queue */
	p1 = event(200, "QA", 1, T0 + 5);	/* a pendant mid-storm */
	assert_ptr_equal(alarm_top(), p1);
	assert_int_equal(event(105, "AT", 3, T0 + 6)->incident_id, inc->id);
	assert_int_equal(inc->count, 6);
	event(103, "QA", 1, T0 + 7);		/* a member's pendant: leaves */
	assert_int_equal(inc->count, 5);
	assert_null(event(101, "AR", 4, T0 + 8));	/* restored */
	assert_int_equal(inc->count, 4);
	assert_int_equal(alarm_storms_over(T0 + 60000), 0);
	assert_int_equal(alarm_storms_over(T0 + 130000), 1);
	assert_int_equal(event(300, "AT", 3, T0 + 130001)->incident_id, 0);
	/* A member an operator takes leaves the incident. */
	p1 = alarm_find(alarm_open_id(102, "100066"));
	assert_non_null(p1);
	assert_int_equal(alarm_accept(p1, "op2", T0, 0, &why), 0);
	assert_int_equal(p1->incident_id, 0);
	assert_int_equal(inc->count, 3);
	assert_int_equal(alarm_accept(inc, "op1", T0, 0, &why), 0);
	aid = a->id;
	assert_int_equal(alarm_close(inc, "op1", OUTCOME_TECHNICAL, NULL, T0,
	    0, &why), 0);
	assert_null(alarm_find(aid));		/* closed with it */
	storm_init(50, 60, 120);
}

static void
test_outcome_names(void **state)
{
	(void)state;
	assert_int_equal(alarm_outcome_parse("responder_sent"),
	    OUTCOME_RESPONDER);
	assert_int_equal(alarm_outcome_parse("restored_before_answer"),
	    OUTCOME_NONE);		/* the system's, not an operator's */
	assert_int_equal(alarm_outcome_parse("nonsense"), OUTCOME_NONE);
	assert_string_equal(alarm_state_name(ALARM_HANDLING), "handling");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_queue_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_attach_annotate_raise,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_unregistered_is_at_least_p2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_linked_at_insert, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_linked_raise_is_written_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_handler, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_transitions_checked,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_offer_expires, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_service_figures, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_operator_index, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_restore_before_answer,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_runaway_unit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hold_technical, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_storm_incident, setup,
		    teardown),
		cmocka_unit_test(test_outcome_names),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
