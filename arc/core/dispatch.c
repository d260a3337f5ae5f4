/*
 * dispatch.c -- offers: the top of the queue goes to each logged-in
 * operator with nothing offered or in hand, in login order; an offer not
 * accepted within ALARM_OFFER_MS returns to the queue and goes to the next
 * operator (the one who let it pass gets it again only if no one else is
 * free); the alarms of an operator whose console grace ran out go back
 * too.
 *
 * Offer deadlines are data: a heap of (deadline, alarm id), checked
 * lazily against the alarm (alarm_expire ignores an alarm taken, declined
 * or offered again since). Only alarms whose row is stored are offered,
 * so an operator never holds what a failed write would take back.
 *
 * Thread: the network thread.
 */
#include <string.h>

#include "core.h"

static struct heap	 dispatch_offers;	/* (deadline, alarm id) */

void
dispatch_init(void)
{
	heap_free(&dispatch_offers);
}

void
dispatch_free(void)
{
	heap_free(&dispatch_offers);
}

struct dispatch_walk {
	int64_t			 wall, mono;
	struct alarm_changes	*cs;
	size_t			 n;
	int			 second;	/* the pass that ignores passed_by */
};

static void
dispatch_one(struct operator *op, void *arg)
{
	struct dispatch_walk	*w = arg;
	struct alarm		*top;
	int64_t			 until = w->mono + ALARM_OFFER_MS;

	if (op->nheld != 0 || op->away || (top = alarm_top()) == NULL ||
	    !top->stored)
		return;
	if (!w->second && strcmp(top->passed_by, op->login) == 0)
		return;		/* someone else first */
	if (alarm_offer(top, op->login, w->wall, until, w->cs) != 0)
		return;
	heap_push(&dispatch_offers, until, (uint64_t)top->id);
	w->n++;
}

size_t
dispatch_run(int64_t wall, int64_t mono, struct alarm_changes *cs)
{
	struct dispatch_walk	 w = { wall, mono, cs, 0, 0 };

	operator_each(dispatch_one, &w);
	w.second = 1;
	operator_each(dispatch_one, &w);
	return (w.n);
}

size_t
dispatch_expire(int64_t wall, int64_t mono, struct alarm_changes *cs)
{
	struct alarm	*a;
	char		 lost[16][32];
	const char	*why;
	int64_t		 at;
	uint64_t	 id;
	size_t		 i, n = 0, nlost;

	while (heap_top(&dispatch_offers, &at, &id) == 0 && at <= mono) {
		heap_pop(&dispatch_offers);
		if ((a = alarm_find((int64_t)id)) != NULL &&
		    alarm_expire(a, at, wall, cs) == 0)
			n++;
	}
	nlost = operator_grace_due(mono, lost, nitems(lost));
	for (i = 0; i < nlost; i++) {
		log_notice("operator %s: console lost, alarms back in the "
		    "queue", lost[i]);
		while ((a = dispatch_held(lost[i])) != NULL &&
		    alarm_release(a, "arcd", 1, ACTION_CONSOLE_LOST, wall, cs,
		    &why) == 0)
			n++;
	}
	return (n);
}

void
dispatch_logout(const char *login, int64_t wall, int64_t mono,
    struct alarm_changes *cs)
{
	struct operator	*op = operator_find(login);
	struct alarm	*a;
	const char	*why;

	if (op != NULL && op->sessions == 1) {
		while ((a = dispatch_offered(login)) != NULL &&
		    alarm_decline(a, login, wall, cs, &why) == 0)
			;
	}
	operator_logout(login, mono);
}

struct alarm *
dispatch_held(const char *login)
{
	struct operator	*op = operator_find(login);
	struct alarm	*a;
	size_t		 i;

	for (i = 0; op != NULL && i < op->nheld; i++)
		if ((a = alarm_find(op->held[i])) != NULL && !a->closing)
			return (a);
	return (NULL);
}

struct alarm *
dispatch_offered(const char *login)
{
	struct operator	*op = operator_find(login);
	struct alarm	*a;
	size_t		 i;

	for (i = 0; op != NULL && i < op->nheld; i++)
		if ((a = alarm_find(op->held[i])) != NULL &&
		    a->state == ALARM_OFFERED)
			return (a);
	return (NULL);
}

enum operator_state
dispatch_state(const struct operator *op)
{
	const struct alarm	*a;
	size_t			 i, held = 0;

	for (i = 0; i < op->nheld; i++) {
		if ((a = alarm_find(op->held[i])) == NULL)
			continue;
		if (a->state == ALARM_HANDLING)
			return (OPERATOR_HANDLING);
		held++;
	}
	if (held > 0)
		return (OPERATOR_OFFERED);
	return (op->away ? OPERATOR_AWAY : OPERATOR_FREE);
}
