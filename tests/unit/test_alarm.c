/*
 * test_alarm.c -- alarms and the call queue, on the core alone (it links
 * libcore.a and libruntime.a, nothing else): queue order, attach and
 * annotate, the state machine (exactly one handler), offers timing out,
 * holds, runaway units, storms, the service figures -- and a failed write
 * putting memory back as stored. The "store" here is commit(): it records
 * each typed change and hands it back to the core, as alarmio.c does.
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

#define T0	(int64_t)1795000000000LL	/* ms, mid-day UTC */

struct write_rec {
	int64_t		 alarm;
	char		 state[12];
	char		 action[24];
	char		 actor[32];
	int		 row;
	int		 counted;
};
static struct write_rec		 writes[256];
static size_t			 nwrites;
static struct alarm_changes	 cs;
static int64_t			 next_event = 1;

static void
record(const struct alarm_change *c, const struct alarm *a)
{
	struct write_rec	*w = &writes[nwrites++ % nitems(writes)];

	w->alarm = c->alarm_id;
	snprintf(w->state, sizeof w->state, "%s", alarm_state_name(a->state));
	snprintf(w->action, sizeof w->action, "%s",
	    alarm_action_name(c->action) ? alarm_action_name(c->action) : "");
	snprintf(w->actor, sizeof w->actor, "%s", c->actor);
	w->row = c->row;
	w->counted = c->counted;
}

/* The pipeline's part: rows as they are now, "stored", handed back. */
static void
commit_as(int ok)
{
	core_commit(&cs, ok, record);
}

static void
commit(void)
{
	commit_as(1);
}

static const struct write_rec *
last_write(void)
{
	return (&writes[(nwrites - 1) % nitems(writes)]);
}

static int
setup(void **state)
{
	(void)state;
	nwrites = 0;
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
	alarm_hold_clear();
	operator_free_all();
	dispatch_free();
	return (0);
}

static void
fill(struct db_event *e, int64_t unit, const char *code, int class)
{
	memset(e, 0, sizeof *e);
	e->id = next_event++;
	e->unit_id = unit;
	snprintf(e->account, sizeof e->account, "%06llX",
	    (unsigned long long)(0x100000 + unit));
	snprintf(e->code, sizeof e->code, "%s", code);
	e->class = class;
}

/* One event of a unit, decided and stored. */
static struct alarm *
event_as(int64_t unit, const char *code, int class, int64_t now, int ok)
{
	struct db_event	 e;
	struct alarm	*a;

	fill(&e, unit, code, class);
	a = alarm_events(&e, 1, now, now, &cs);
	if (a != NULL)
		assert_int_equal(e.alarm_id, a->id);	/* linked at insert */
	commit_as(ok);
	return (ok ? a : alarm_find(e.alarm_id));
}

static struct alarm *
event(int64_t unit, const char *code, int class, int64_t now)
{
	return (event_as(unit, code, class, now, 1));
}

static int
accept(struct alarm *a, const char *op, int64_t now, const char **why)
{
	int	 rc = alarm_accept(a, op, now, &cs, why);

	commit();
	return (rc);
}

static int
release(struct alarm *a, const char *op, int super, const char **why)
{
	int	 rc = alarm_release(a, op, super, ACTION_RELEASE, T0, &cs, why);

	commit();
	return (rc);
}

static int
close_as(struct alarm *a, const char *op, enum alarm_outcome o,
    const char *text, const char **why)
{
	int	 rc = alarm_close(a, op, o, text, T0, &cs, why);

	commit();
	return (rc);
}

static size_t
held(const char *op)
{
	struct operator	*o = operator_find(op);

	return (o != NULL ? o->nheld : 0);
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
	assert_int_equal(accept(p1a, "op1", T0 + 4000, &why), 0);
	assert_ptr_equal(alarm_top(), p1b);
	assert_int_equal(accept(p1b, "op2", T0 + 4000, &why), 0);
	assert_ptr_equal(alarm_top(), p2);
	assert_int_equal(accept(p2, "op3", T0 + 4000, &why), 0);
	assert_ptr_equal(alarm_top(), p3);
	assert_int_equal(release(p1a, "op1", 0, &why), 0);
	assert_ptr_equal(alarm_top(), p1a);	/* back in, by its age */
}

static void
test_attach_annotate_raise(void **state)
{
	struct alarm	*a, *b;

	(void)state;
	a = event(7, "AT", 3, T0);
	assert_string_equal(last_write()->action, "open");
	assert_int_equal(last_write()->row, 1);
	assert_int_equal(last_write()->counted, 1);
	b = event(7, "QA", 1, T0 + 1000);	/* same unit: attaches */
	assert_ptr_equal(a, b);
	assert_int_equal(a->count, 2);
	assert_int_equal(a->class, CLASS_P1);	/* raised to the pendant */
	assert_string_equal(a->code, "QA");
	assert_string_equal(last_write()->action, "raise");	/* audited */
	assert_int_equal(last_write()->row, 1);
	b = event(7, "QA", 1, T0 + 1500);	/* another press: attaches */
	assert_string_equal(last_write()->action, "");	/* not audited */
	assert_int_equal(last_write()->row, 0);	/* linked; count later */
	assert_true(a->dirty);
	assert_int_equal(a->count, 3);
	b = event(7, "OC", 4, T0 + 2000);	/* a cancel annotates */
	assert_ptr_equal(a, b);
	assert_int_equal(a->count, 3);
	assert_int_equal(a->state, ALARM_WAITING);	/* never closes a P1 */
	assert_int_equal(last_write()->row, 0);
	assert_null(event(8, "RP", 4, T0));	/* P4 alone: no alarm */
	assert_int_equal(alarm_count_open(), 1);
	assert_int_equal(alarm_flush(&cs), 1);	/* the count, coalesced */
	commit();
	assert_false(a->dirty);
	assert_int_equal(alarm_flush(&cs), 0);
}

static void
test_not_stored_goes_with_the_event(void **state)
{
	struct db_event	 e[2];
	struct alarm	*a;

	(void)state;
	/* Two frames of one unit in flight: the second carries the row. */
	fill(&e[0], 9, "QA", 1);
	a = alarm_events(&e[0], 1, T0, T0, &cs);
	fill(&e[1], 9, "QA", 1);
	assert_ptr_equal(alarm_events(&e[1], 1, T0 + 1, T0 + 1, &cs), a);
	assert_int_equal(cs.n, 2);
	assert_int_equal(cs.v[0].row, 1);	/* open */
	assert_int_equal(cs.v[1].row, 1);	/* attach: not stored yet */
	assert_int_equal(a->writing, 2);
	commit();
	assert_true(a->stored);
	assert_int_equal(a->writing, 0);
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
	e.class = CLASS_P3;
	e.flags = EVENT_UNREGISTERED;
	a = alarm_events(&e, 1, T0, T0, &cs);
	commit();
	assert_non_null(a);
	assert_int_equal(a->class, CLASS_P2);
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
	assert_int_equal(alarm_offer(a, "op1", T0 + 100, T0 + 30100, &cs), 0);
	commit();
	assert_int_equal(a->state, ALARM_OFFERED);
	assert_int_equal(accept(a, "op2", T0 + 200, &why), -1);
	assert_string_equal(why, "taken");
	assert_int_equal(accept(a, "op1", T0 + 300, &why), 0);
	assert_string_equal(last_write()->actor, "op1");
	assert_string_equal(last_write()->action, "accept");
	assert_int_equal(accept(a, "op2", T0 + 400, &why), -1);
	assert_string_equal(why, "taken");
	assert_int_equal(release(a, "op2", 0, &why), -1);
	assert_string_equal(why, "not_yours");
	assert_int_equal(close_as(a, "op1", OUTCOME_NONE, NULL, &why), -1);
	assert_string_equal(why, "bad_request");
	assert_int_equal(close_as(a, "op2", OUTCOME_PHONE, NULL, &why), -1);
	assert_string_equal(why, "not_yours");
	assert_int_equal(close_as(a, "op1", OUTCOME_PHONE, "fine", &why), 0);
	assert_string_equal(last_write()->state, "closed");
	assert_string_equal(last_write()->action, "close");
	assert_null(alarm_find(id));		/* stored: freed */
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
	assert_int_equal(close_as(a, "op1", OUTCOME_PHONE, NULL, &why), -1);
	assert_string_equal(why, "state");	/* waiting: accept first */
	assert_int_equal(release(a, "op1", 1, &why), -1);
	assert_string_equal(why, "state");
	assert_int_equal(alarm_decline(a, "op1", T0, &cs, &why), -1);
	assert_int_equal(accept(a, "op1", T0, &why), 0);
	assert_int_equal(alarm_offer(a, "op2", T0, T0, &cs), -1);
	/* A supervisor may release anyone's alarm. */
	assert_int_equal(release(a, "boss", 1, &why), 0);
	assert_int_equal(a->state, ALARM_WAITING);
	assert_string_equal(a->operator, "");
	assert_int_equal(cs.n, 0);		/* refused: nothing to write */
}

static void
test_offer_expires(void **state)
{
	struct alarm	*a;

	(void)state;
	a = event(1, "QA", 1, T0);
	assert_int_equal(alarm_offer(a, "op1", T0, T0 + ALARM_OFFER_MS, &cs),
	    0);
	commit();
	assert_int_equal(held("op1"), 1);
	assert_null(alarm_top());
	assert_int_equal(alarm_expire(a, T0 + 1, T0, &cs), -1);	/* not it */
	assert_int_equal(alarm_expire(a, T0 + ALARM_OFFER_MS, T0, &cs), 0);
	commit();
	assert_int_equal(a->state, ALARM_WAITING);
	assert_string_equal(last_write()->action, "offer expired");
	assert_ptr_equal(alarm_top(), a);
	assert_int_equal(held("op1"), 0);
}

/* The late list names up to STATS_LATE_MAX alarms: more than 16. */
static void
test_late_list_is_long(void **state)
{
	struct alarm_stats	 st;
	int			 i;

	(void)state;
	for (i = 0; i < 40; i++)
		event(100 + i, "QA", 1, T0 + i);
	alarm_stats(T0 + 200000, &st);
	assert_int_equal(st.late_180, 40);
	assert_int_equal(st.nover_180, 40);
	for (i = 0; i < STATS_LATE_MAX; i++)
		event(1000 + i, "QA", 1, T0 + 1000);
	alarm_stats(T0 + 200000, &st);
	assert_int_equal(st.late_180, 40 + STATS_LATE_MAX);
	assert_int_equal(st.nover_180, STATS_LATE_MAX);	/* the rest counted */
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
	assert_int_equal(accept(a, "op1", T0 + 30000, &why), 0);
	assert_int_equal(accept(b, "op2", T0 + 120000, &why), 0);
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
	assert_int_equal(st.queue[CLASS_P1], 1);
	assert_int_equal(st.queue[CLASS_P3], 1);
	/* A new day starts from nothing. */
	alarm_stats(T0 + 86400000LL * 2, &st);
	assert_int_equal(st.answered, 0);
}

static void
test_operator_holds(void **state)
{
	struct alarm	*a, *b;
	const char	*why;

	(void)state;
	a = event(1, "QA", 1, T0);
	b = event(2, "QA", 1, T0 + 1);
	assert_int_equal(held("op1"), 0);
	assert_int_equal(alarm_offer(a, "op1", T0, T0, &cs), 0);
	commit();
	assert_ptr_equal(dispatch_offered("op1"), a);
	assert_int_equal(accept(a, "op1", T0, &why), 0);
	assert_null(dispatch_offered("op1"));
	assert_int_equal(held("op1"), 1);
	assert_int_equal(accept(b, "op1", T0, &why), 0);
	assert_int_equal(held("op1"), 2);	/* an operator may hold several */
	assert_int_equal(release(b, "op1", 0, &why), 0);
	assert_ptr_equal(dispatch_held("op1"), a);	/* still holds a */
	assert_int_equal(close_as(a, "op1", OUTCOME_FALSE_ALARM, NULL, &why),
	    0);
	assert_int_equal(held("op1"), 0);
	assert_null(operator_find("op1"));	/* nothing left: forgotten */
	assert_int_equal(accept(b, "op2", T0, &why), 0);
	assert_ptr_equal(dispatch_held("op2"), b);
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
	assert_int_equal(accept(b, "op1", T0, &why), 0);
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
		assert_int_equal(a->class, CLASS_P1);
		assert_int_equal(accept(a, "op1", T0 + i, &why), 0);
		assert_int_equal(close_as(a, "op1", OUTCOME_FALSE_ALARM, NULL,
		    &why), 0);
	}
	r = event(5, "FA", 1, T0 + 3);	/* ... past the burst */
	assert_int_equal(r->class, CLASS_P3);
	assert_string_equal(r->code, ALARM_RUNAWAY);
	assert_string_equal(last_write()->action, "open");
	assert_ptr_equal(event(5, "FA", 1, T0 + 4), r);	/* attached */
	assert_int_equal(r->class, CLASS_P3);		/* not raised */
	assert_int_equal(r->count, 2);
	assert_ptr_equal(event(5, "QA", 1, T0 + 5), r);	/* a real press */
	assert_int_equal(r->class, CLASS_P1);		/* is raised */
	assert_ptr_equal(alarm_top(), r);
	/* Another unit is not affected; a full bucket is forgotten. */
	assert_int_equal(event(6, "FA", 1, T0 + 6)->class, CLASS_P1);
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
	assert_int_equal(st.queue[CLASS_P3], 0);
	assert_null(event(1, "AR", 4, T0 + 60000));	/* restored in time */
	assert_null(alarm_find(id));
	assert_string_equal(last_write()->action, "restored before answer");
	b = event(2, "AT", 3, T0);	/* no restore comes */
	assert_int_equal(alarm_release_holds(T0 + 299999, &cs), 0);
	assert_null(alarm_top());
	assert_int_equal(alarm_release_holds(T0 + 300000, &cs), 1);
	commit();
	assert_string_equal(last_write()->action, "queued after hold");
	assert_ptr_equal(alarm_top(), b);
	c = event(3, "AT", 3, T0);	/* held, then a pendant press */
	assert_ptr_equal(event(3, "QA", 1, T0 + 1000), c);
	assert_int_equal(c->held_until, 0);
	assert_ptr_equal(alarm_top(), c);	/* queued at once, as P1 */
	assert_int_equal(event(4, "YT", 3, T0)->held_until, 0); /* not held */
}

static struct alarm *
of_unit(int64_t unit)
{
	char	 acct[17];

	snprintf(acct, sizeof acct, "%06llX",
	    (unsigned long long)(0x100000 + unit));
	return (alarm_of_unit(unit, acct));
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
	assert_non_null(of_unit(100));
	assert_int_equal(of_unit(101)->held_until, T0 + 1 + 60000);
	a = event(104, "AT", 3, T0 + 4);	/* the fifth: a storm */
	assert_int_not_equal(a->incident_id, 0);
	inc = alarm_find(a->incident_id);
	assert_non_null(inc);
	assert_true(inc->incident);
	assert_true(inc->stored);		/* written with the event */
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
	assert_int_equal(alarm_storms_over(T0 + 60000, &cs), 0);
	assert_int_equal(alarm_storms_over(T0 + 130000, &cs), 1);
	commit();
	assert_string_equal(last_write()->action, "storm over");
	assert_int_equal(event(300, "AT", 3, T0 + 130001)->incident_id, 0);
	/* A member an operator takes leaves the incident. */
	p1 = of_unit(102);
	assert_non_null(p1);
	assert_int_equal(accept(p1, "op2", T0, &why), 0);
	assert_int_equal(p1->incident_id, 0);
	assert_int_equal(inc->count, 3);
	assert_int_equal(accept(inc, "op1", T0, &why), 0);
	aid = a->id;
	assert_int_equal(close_as(inc, "op1", OUTCOME_TECHNICAL, NULL, &why),
	    0);
	assert_null(alarm_find(aid));		/* closed with it */
	storm_init(50, 60, 120);
}

/*
 * A failed write puts memory back as stored: the operator's accept, a
 * close (the alarm comes back), an accept and close pipelined, and an
 * alarm opened by an event that was never stored.
 */
static void
test_failed_write_puts_back(void **state)
{
	struct alarm	*a;
	const char	*why;
	int64_t		 id;

	(void)state;
	a = event(1, "QA", 1, T0);
	id = a->id;
	assert_int_equal(alarm_accept(a, "op1", T0, &cs, &why), 0);
	commit_as(0);
	assert_int_equal(a->state, ALARM_WAITING);
	assert_string_equal(a->operator, "");
	assert_int_equal(a->accepted_at, 0);
	assert_int_equal(held("op1"), 0);
	assert_ptr_equal(alarm_top(), a);

	assert_int_equal(accept(a, "op1", T0, &why), 0);
	assert_int_equal(alarm_close(a, "op1", OUTCOME_PHONE, "x", T0, &cs,
	    &why), 0);
	assert_null(of_unit(1));		/* closed at once ... */
	commit_as(0);
	assert_ptr_equal(alarm_find(id), a);	/* ... and back */
	assert_int_equal(a->state, ALARM_HANDLING);
	assert_int_equal(a->outcome, OUTCOME_NONE);
	assert_null(a->outcome_text);
	assert_ptr_equal(of_unit(1), a);
	assert_ptr_equal(dispatch_held("op1"), a);

	/* Pipelined: release, accept again and close; all fail. */
	assert_int_equal(alarm_release(a, "op1", 0, ACTION_RELEASE, T0, &cs,
	    &why), 0);
	assert_int_equal(alarm_accept(a, "op2", T0, &cs, &why), 0);
	assert_int_equal(alarm_close(a, "op2", OUTCOME_PHONE, NULL, T0, &cs,
	    &why), 0);
	commit_as(0);
	assert_int_equal(a->state, ALARM_HANDLING);
	assert_string_equal(a->operator, "op1");
	assert_int_equal(held("op2"), 0);

	/* An event whose write failed: its alarm never existed. */
	assert_null(event_as(2, "QA", 1, T0, 0));
	assert_null(of_unit(2));
	/* ... and an attach that failed is not counted. */
	assert_int_equal(a->count, 1);
	assert_ptr_equal(event_as(1, "QA", 1, T0, 0), a);
	assert_int_equal(a->count, 1);
	assert_int_equal(a->class, CLASS_P1);
}

static void
test_failed_raise_puts_back(void **state)
{
	struct alarm	*a;

	(void)state;
	a = event(3, "AT", 3, T0);
	assert_ptr_equal(event_as(3, "QA", 1, T0 + 1, 0), a);
	assert_int_equal(a->class, CLASS_P3);
	assert_string_equal(a->code, "AT");
	assert_int_equal(a->count, 1);
}

/*
 * An accept of a member and the incident's close, pipelined: the accept
 * fails, the close is stored. The member must stand alone again, not
 * point at the closed incident (where nobody would ever see it).
 */
static void
test_revert_into_closed_incident(void **state)
{
	struct alarm	*a, *inc, *m;
	const char	*why;
	size_t		 i;
	int64_t		 incid;
	int		 u;

	(void)state;
	storm_init(3, 60, 120);
	for (u = 0; u < 3; u++)
		a = event(10 + u, "AT", 3, T0 + u);
	inc = alarm_find(a->incident_id);
	assert_non_null(inc);
	incid = inc->id;
	assert_int_equal(accept(inc, "op1", T0, &why), 0);
	m = of_unit(10);
	assert_int_equal(m->incident_id, incid);
	assert_int_equal(alarm_accept(m, "op2", T0, &cs, &why), 0);
	assert_int_equal(alarm_close(inc, "op1", OUTCOME_TECHNICAL, NULL, T0,
	    &cs, &why), 0);
	for (i = 0; i < cs.n; i++) {		/* the rows, as alarmio takes */
		a = alarm_find(cs.v[i].alarm_id);
		cs.v[i].version = a->version;
		alarm_snapshot(a, &cs.v[i].snap);
	}
	assert_int_equal(cs.v[0].action, ACTION_ACCEPT);
	alarm_done(&cs.v[0], 0);		/* the accept fails */
	for (i = 1; i < cs.n; i++)
		alarm_done(&cs.v[i], 1);	/* the close is stored */
	alarm_changes_clear(&cs);
	assert_null(alarm_find(incid));
	assert_ptr_equal(of_unit(10), m);
	assert_int_equal(m->state, ALARM_WAITING);
	assert_int_equal(m->incident_id, 0);	/* stands alone ... */
	assert_true(m->heap != SIZE_MAX);	/* ... in the queue */
	assert_true(m->dirty);			/* its row is rewritten */
	storm_init(50, 60, 120);
}

/* An incident whose first write failed is forgotten: its storm too, and
 * a storm alarm that came meanwhile is held, not joined to it. */
static void
test_incident_never_stored(void **state)
{
	struct db_event	 e;
	struct alarm	*a, *b;
	int		 i;

	(void)state;
	storm_init(3, 60, 120);
	for (i = 0; i < 2; i++)
		event(20 + i, "AT", 3, T0 + i);
	fill(&e, 22, "AT", 3);
	a = alarm_events(&e, 1, T0 + 2, T0 + 2, &cs);	/* the third: a storm */
	assert_int_not_equal(a->incident_id, 0);
	assert_int_not_equal(storm_incident("AT"), 0);
	fill(&e, 23, "AT", 3);
	b = alarm_events(&e, 1, T0 + 3, T0 + 3, &cs);	/* before it is stored */
	assert_int_equal(b->incident_id, 0);
	assert_int_equal(b->held_until, T0 + 3 + 1000);	/* looks again */
	core_commit(&cs, 0, NULL);
	assert_int_equal(storm_incident("AT"), 0);
	assert_null(of_unit(22));		/* its frame failed too */
	assert_int_equal(of_unit(20)->incident_id, 0);
	assert_int_equal(of_unit(21)->incident_id, 0);
	storm_init(50, 60, 120);
}

/* An offer whose expiry could not be stored comes back waiting. */
static void
test_failed_expiry_frees_the_operator(void **state)
{
	struct alarm	*a;

	(void)state;
	a = event(1, "QA", 1, T0);
	assert_int_equal(alarm_offer(a, "op1", T0, T0 + 1, &cs), 0);
	commit();
	assert_int_equal(alarm_expire(a, T0 + 1, T0, &cs), 0);
	commit_as(0);
	assert_int_equal(a->state, ALARM_WAITING);
	assert_int_equal(held("op1"), 0);
	assert_ptr_equal(alarm_top(), a);
	assert_true(a->dirty);		/* the row says offered: rewritten */
}

/* A P4 annotation of an alarm not yet stored carries its row. */
static void
test_annotate_unstored(void **state)
{
	struct db_event	 e[2];
	struct alarm	*a;

	(void)state;
	fill(&e[0], 30, "QA", 1);
	a = alarm_events(&e[0], 1, T0, T0, &cs);
	fill(&e[1], 30, "RP", 4);
	assert_ptr_equal(alarm_events(&e[1], 1, T0, T0, &cs), a);
	assert_int_equal(cs.v[1].action, ACTION_ANNOTATE);
	assert_int_equal(cs.v[1].row, 1);
	commit();
}

static void
test_names(void **state)
{
	int	 i, audited = 0;

	(void)state;
	assert_int_equal(alarm_outcome_parse("responder_sent"),
	    OUTCOME_RESPONDER);
	assert_int_equal(alarm_outcome_parse("restored_before_answer"),
	    OUTCOME_NONE);		/* the system's, not an operator's */
	assert_int_equal(alarm_outcome_parse("nonsense"), OUTCOME_NONE);
	assert_string_equal(alarm_state_name(ALARM_HANDLING), "handling");
	assert_int_equal(alarm_state_parse("offered"), ALARM_OFFERED);
	for (i = 0; i < ACTION_MAX; i++)
		audited += alarm_action_name(i) != NULL;
	assert_int_equal(audited, ACTION_MAX - 3);	/* attach, annotate, count */
	assert_null(alarm_action_name(ACTION_MAX));
	for (i = 0; i < C_COUNTER_MAX; i++)
		assert_string_not_equal(counter_name(i), "unknown");
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_queue_order),
		T(test_attach_annotate_raise),
		T(test_not_stored_goes_with_the_event),
		T(test_unregistered_is_at_least_p2),
		T(test_one_handler),
		T(test_transitions_checked),
		T(test_offer_expires),
		T(test_service_figures),
		T(test_late_list_is_long),
		T(test_operator_holds),
		T(test_restore_before_answer),
		T(test_runaway_unit),
		T(test_hold_technical),
		T(test_storm_incident),
		T(test_failed_write_puts_back),
		T(test_failed_raise_puts_back),
		T(test_revert_into_closed_incident),
		T(test_incident_never_stored),
		T(test_failed_expiry_frees_the_operator),
		T(test_annotate_unstored),
		T(test_names),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
