/*
 * ladder.c -- the escalation ladder of an alarm: once an operator decides
 * someone must go to the home, its responders are paged one at a time in
 * the order of the client's response plan, each with a time to accept;
 * a decline, a time-out or the operator's skip moves to the next; one
 * accepting is on the way, then arrived, entry gained, clear. If every
 * step fails the ladder is exhausted (the alarm goes back to the queue).
 * From the decision, arrival is due within 45 minutes; from arrival,
 * entry within 5: each raises one alert when missed.
 *
 * What happens comes out as events (struct ladder_evs) for the owner
 * (escalate.c) to apply: send a page, withdraw one, record a step, say
 * the ladder is exhausted, raise an alert. Time comes in as data (wall
 * for what is recorded, mono for deadlines): the tests move it.
 *
 * Thread: the network thread only.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"

static struct hmap	 ladders;	/* alarm id -> ladder * */
static struct hmap	 pages;		/* page id -> alarm id */
static int64_t		 ladder_next_page = 1;

static const char *ladder_state_names[LADDER_STATE_MAX] = {
	[LADDER_PAGING] = "paging",
	[LADDER_ON_WAY] = "on_the_way",
	[LADDER_ARRIVED] = "arrived",
	[LADDER_ENTRY] = "entry",
	[LADDER_CLEAR] = "clear",
	[LADDER_EXHAUSTED] = "exhausted",
	[LADDER_STOPPED] = "stopped",
	[LADDER_EMERGENCY] = "emergency_services",
};

static const char *ladder_step_names[STEP_STATE_MAX] = {
	[STEP_WAITING] = "waiting",
	[STEP_PAGED] = "paged",
	[STEP_DECLINED] = "declined",
	[STEP_TIMED_OUT] = "timed_out",
	[STEP_SKIPPED] = "skipped",
	[STEP_ACCEPTED] = "accepted",
	[STEP_WITHDRAWN] = "withdrawn",
};

const char *
ladder_state_name(enum ladder_state s)
{
	return (s < LADDER_STATE_MAX ? ladder_state_names[s] : "unknown");
}

const char *
ladder_step_name(enum ladder_step_state s)
{
	return (s < STEP_STATE_MAX ? ladder_step_names[s] : "unknown");
}

void
ladder_init(int64_t first_page_id)
{
	ladder_next_page = first_page_id > 0 ? first_page_id : 1;
	if (ladders.cap == 0)
		hmap_init(&ladders, 64);
	if (pages.cap == 0)
		hmap_init(&pages, 64);
}

static void
ladder_ev(struct ladder_evs *evs, enum ladder_ev_kind kind,
    const struct ladder *l, size_t step)
{
	struct ladder_ev	*e;

	if (evs->n == LADDER_EVS)
		return;			/* never: one call makes a few */
	e = &evs->v[evs->n++];
	e->kind = kind;
	e->alarm_id = l->alarm_id;
	e->step = step;
	e->page_id = step < l->n ? l->steps[step].page_id : 0;
}

struct ladder *
ladder_get(int64_t alarm_id)
{
	uint64_t	 v;

	if (ladders.cap == 0 || hmap_get(&ladders, (uint64_t)alarm_id, &v) != 0)
		return (NULL);
	return ((struct ladder *)(uintptr_t)v);
}

int
ladder_active(const struct ladder *l)
{
	return (l != NULL && l->state <= LADDER_ENTRY);
}

int
ladder_on_way(int64_t alarm_id)
{
	const struct ladder	*l = ladder_get(alarm_id);

	return (l != NULL && l->state >= LADDER_ON_WAY &&
	    l->state <= LADDER_ENTRY);
}

/* Page the next step still waiting, or the ladder is exhausted. */
static void
ladder_next(struct ladder *l, int64_t wall, int64_t mono,
    struct ladder_evs *evs)
{
	struct ladder_step	*s;

	while (l->at < l->n && l->steps[l->at].state != STEP_WAITING)
		l->at++;
	if (l->at == l->n) {
		l->state = LADDER_EXHAUSTED;
		l->ended_at = wall;
		ladder_ev(evs, LEV_EXHAUSTED, l, l->n);
		return;
	}
	s = &l->steps[l->at];
	s->state = STEP_PAGED;
	s->page_id = ladder_next_page++;
	s->paged_at = wall;
	s->deadline = mono + s->accept_ms;
	hmap_put(&pages, (uint64_t)s->page_id, (uint64_t)l->alarm_id);
	ladder_ev(evs, LEV_PAGE, l, l->at);
}

/* The step being paged ends (declined, timed out, skipped). */
static void
ladder_step_end(struct ladder *l, enum ladder_step_state how, int64_t wall,
    int64_t mono, struct ladder_evs *evs)
{
	struct ladder_step	*s = &l->steps[l->at];

	s->state = how;
	s->answered_at = wall;
	ladder_ev(evs, how == STEP_SKIPPED ? LEV_WITHDRAW : LEV_STEP, l,
	    l->at);
	l->at++;
	ladder_next(l, wall, mono, evs);
}

int
ladder_start(int64_t alarm_id, const char *op, const struct ladder_step *steps,
    size_t n, int64_t wall, int64_t mono, struct ladder_evs *evs,
    const char **why)
{
	struct ladder	*l = ladder_get(alarm_id);
	size_t		 i;

	if (ladder_active(l)) {
		*why = "busy";		/* one ladder at a time */
		return (-1);
	}
	if (n == 0) {
		*why = "no_responders";
		return (-1);
	}
	if (l == NULL) {
		l = xcalloc(1, sizeof *l);
		hmap_put(&ladders, (uint64_t)alarm_id, (uintptr_t)l);
	}
	for (i = 0; i < l->n; i++)	/* an ended ladder's pages: gone */
		if (l->steps[i].page_id != 0)
			hmap_del(&pages, (uint64_t)l->steps[i].page_id);
	memset(l, 0, sizeof *l);
	l->alarm_id = alarm_id;
	strlcpy(l->operator, op, sizeof l->operator);
	l->n = n < LADDER_STEPS ? n : LADDER_STEPS;
	for (i = 0; i < l->n; i++) {
		l->steps[i] = steps[i];
		l->steps[i].state = STEP_WAITING;
		l->steps[i].page_id = 0;
	}
	l->state = LADDER_PAGING;
	l->decided_at = wall;
	l->decided_mono = mono;
	ladder_ev(evs, LEV_DECIDED, l, l->n);
	ladder_next(l, wall, mono, evs);
	return (0);
}

void
ladder_restore(const struct ladder *src, int64_t wall, int64_t mono)
{
	struct ladder		*l;
	struct ladder_step	*s;
	size_t			 i;

	ladder_drop(src->alarm_id);
	l = xcalloc(1, sizeof *l);
	*l = *src;
	if (l->n > LADDER_STEPS)
		l->n = LADDER_STEPS;
	l->decided_mono = mono - (wall - l->decided_at);
	l->arrived_mono = mono - (wall - l->arrived_at);
	for (i = 0; i < l->n; i++) {
		s = &l->steps[i];
		if (s->state == STEP_PAGED)
			s->deadline = mono + (s->paged_at + s->accept_ms - wall);
		if (s->page_id == 0)
			continue;
		hmap_put(&pages, (uint64_t)s->page_id, (uint64_t)l->alarm_id);
		if (s->page_id >= ladder_next_page)
			ladder_next_page = s->page_id + 1;
	}
	hmap_put(&ladders, (uint64_t)l->alarm_id, (uintptr_t)l);
}

/* The ladder and step of a page, or NULL. */
static struct ladder *
ladder_of_page(int64_t page_id, size_t *step)
{
	struct ladder	*l;
	uint64_t	 v;
	size_t		 i;

	if (pages.cap == 0 || hmap_get(&pages, (uint64_t)page_id, &v) != 0 ||
	    (l = ladder_get((int64_t)v)) == NULL)
		return (NULL);
	for (i = 0; i < l->n; i++) {
		if (l->steps[i].page_id == page_id) {
			*step = i;
			return (l);
		}
	}
	return (NULL);
}

int64_t
ladder_page_alarm(int64_t page_id)
{
	const struct ladder	*l;
	size_t			 i;

	return ((l = ladder_of_page(page_id, &i)) != NULL ? l->alarm_id : 0);
}

/* The responder has accepted: on the way, arrived, entry, clear. */
static int
ladder_progress(struct ladder *l, enum ladder_reply r, int64_t wall,
    int64_t mono)
{
	switch (r) {
	case REPLY_ARRIVED:
		if (l->state != LADDER_ON_WAY)
			return (-1);
		l->state = LADDER_ARRIVED;
		l->arrived_at = wall;
		l->arrived_mono = mono;
		return (0);
	case REPLY_ENTRY:
		if (l->state != LADDER_ARRIVED)
			return (-1);
		l->state = LADDER_ENTRY;
		l->entry_at = wall;
		return (0);
	case REPLY_CLEAR:
		if (l->state != LADDER_ARRIVED && l->state != LADDER_ENTRY)
			return (-1);
		l->state = LADDER_CLEAR;
		l->ended_at = wall;
		return (0);
	default:
		return (-1);
	}
}

int
ladder_reply(int64_t page_id, int64_t responder_id, enum ladder_reply r,
    int64_t wall, int64_t mono, struct ladder_evs *evs, const char **why)
{
	struct ladder		*l;
	struct ladder_step	*s;
	size_t			 i;

	if ((l = ladder_of_page(page_id, &i)) == NULL) {
		*why = "unknown_page";
		return (-1);
	}
	s = &l->steps[i];
	if (s->responder_id != responder_id) {
		*why = "not_yours";
		return (-1);
	}
	if (r == REPLY_ACCEPT || r == REPLY_DECLINE) {
		if (l->state != LADDER_PAGING || i != l->at ||
		    s->state != STEP_PAGED) {
			*why = "finished";
			return (-1);
		}
		if (r == REPLY_DECLINE) {
			ladder_step_end(l, STEP_DECLINED, wall, mono, evs);
			return (0);
		}
		s->state = STEP_ACCEPTED;
		s->answered_at = wall;
		l->state = LADDER_ON_WAY;
		l->accepted_at = wall;
		ladder_ev(evs, LEV_STEP, l, i);
		return (0);
	}
	if (s->state != STEP_ACCEPTED || !ladder_active(l) ||
	    ladder_progress(l, r, wall, mono) != 0) {
		/* Still its turn (paged, or on its way): not yet, or not so. */
		*why = ladder_active(l) && i == l->at &&
		    (s->state == STEP_ACCEPTED || s->state == STEP_PAGED) ?
		    "out_of_order" : "finished";
		return (-1);
	}
	ladder_ev(evs, LEV_STEP, l, i);
	return (0);
}

int
ladder_skip(int64_t alarm_id, int64_t wall, int64_t mono,
    struct ladder_evs *evs, const char **why)
{
	struct ladder	*l = ladder_get(alarm_id);

	if (l == NULL || l->state != LADDER_PAGING) {
		*why = "state";		/* nobody is being paged */
		return (-1);
	}
	ladder_step_end(l, STEP_SKIPPED, wall, mono, evs);
	return (0);
}

/* Stopped, or the emergency services called instead: paging ends. */
int
ladder_end(int64_t alarm_id, enum ladder_state how, int64_t wall,
    struct ladder_evs *evs, const char **why)
{
	struct ladder	*l = ladder_get(alarm_id);

	if (!ladder_active(l)) {
		*why = "state";
		return (-1);
	}
	if (l->state == LADDER_PAGING && l->at < l->n &&
	    l->steps[l->at].state == STEP_PAGED) {
		l->steps[l->at].state = STEP_WITHDRAWN;
		l->steps[l->at].answered_at = wall;
		ladder_ev(evs, LEV_WITHDRAW, l, l->at);
	}
	l->state = how;
	l->ended_at = wall;
	ladder_ev(evs, LEV_ENDED, l, l->n);
	return (0);
}

/* One ladder's deadlines: the page's time to accept, arrival, entry. */
static void
ladder_due_one(struct ladder *l, int64_t wall, int64_t mono,
    struct ladder_evs *evs)
{
	if (l->state == LADDER_PAGING && l->at < l->n &&
	    l->steps[l->at].state == STEP_PAGED &&
	    mono >= l->steps[l->at].deadline)
		ladder_step_end(l, STEP_TIMED_OUT, wall, mono, evs);
	if (!l->late_arrival && (l->state == LADDER_PAGING ||
	    l->state == LADDER_ON_WAY) &&
	    mono >= l->decided_mono + LADDER_ARRIVAL_MS) {
		l->late_arrival = 1;
		ladder_ev(evs, LEV_LATE_ARRIVAL, l, l->n);
	}
	if (!l->late_entry && l->state == LADDER_ARRIVED &&
	    mono >= l->arrived_mono + LADDER_ENTRY_MS) {
		l->late_entry = 1;
		ladder_ev(evs, LEV_LATE_ENTRY, l, l->n);
	}
}

void
ladder_due(int64_t wall, int64_t mono, struct ladder_evs *evs)
{
	uint64_t	 v;
	size_t		 it = 0;

	while (evs->n + 4 < LADDER_EVS &&
	    hmap_next(&ladders, &it, NULL, &v))
		ladder_due_one((struct ladder *)(uintptr_t)v, wall, mono, evs);
}

void
ladder_each(void (*fn)(const struct ladder *, void *), void *arg)
{
	uint64_t	 v;
	size_t		 it = 0;

	while (hmap_next(&ladders, &it, NULL, &v))
		fn((const struct ladder *)(uintptr_t)v, arg);
}

static void
ladder_free(struct ladder *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		if (l->steps[i].page_id != 0)
			hmap_del(&pages, (uint64_t)l->steps[i].page_id);
	free(l);
}

void
ladder_drop(int64_t alarm_id)
{
	struct ladder	*l = ladder_get(alarm_id);

	if (l == NULL)
		return;
	hmap_del(&ladders, (uint64_t)alarm_id);
	ladder_free(l);
}

size_t
ladder_count(void)
{
	return (hmap_count(&ladders));
}

void
ladder_free_all(void)
{
	uint64_t	 v;
	size_t		 it = 0;

	while (hmap_next(&ladders, &it, NULL, &v))
		ladder_free((struct ladder *)(uintptr_t)v);
	hmap_free(&ladders);
	hmap_free(&pages);
}
