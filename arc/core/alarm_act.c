/*
 * alarm_act.c -- what operators (and arcd on their behalf) do to an
 * alarm: offer, accept, decline, release, close (an incident with its
 * members), an offer's expiry, and the coalesced count. Each checks what
 * may be done, then changes the alarm through alarm.c's one writer
 * (alarm_set_state) and records a typed change to store; a refusal
 * changes nothing and says why ("taken", "state", "not_yours",
 * "bad_request").
 *
 * Thread: the network thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

int
alarm_offer(struct alarm *a, const char *op, int64_t wall, int64_t until,
    struct alarm_changes *cs)
{
	if (a->state != ALARM_WAITING || a->closing)
		return (-1);
	alarm_set_state(a, ALARM_OFFERED, op, wall);
	a->offer_until = until;
	alarm_change(cs, a, ACTION_OFFER, "arcd", 1);
	return (0);
}

int
alarm_accept(struct alarm *a, const char *op, int64_t wall,
    struct alarm_changes *cs, const char **why)
{
	if (a->closing || a->state == ALARM_HANDLING ||
	    (a->state == ALARM_OFFERED && strcmp(a->operator, op) != 0)) {
		*why = strcmp(a->operator, op) == 0 ? "state" : "taken";
		return (-1);
	}
	if (a->state == ALARM_WAITING && !operator_may_take(op)) {
		*why = "limit";		/* max_held: close or release one */
		return (-1);
	}
	a->passed_by[0] = '\0';
	alarm_set_state(a, ALARM_HANDLING, op, wall);
	alarm_change(cs, a, ACTION_ACCEPT, op, 1);
	return (0);
}

int
alarm_decline(struct alarm *a, const char *op, int64_t wall,
    struct alarm_changes *cs, const char **why)
{
	if (a->closing || a->state != ALARM_OFFERED ||
	    strcmp(a->operator, op) != 0) {
		*why = "not_yours";
		return (-1);
	}
	strlcpy(a->passed_by, op, sizeof a->passed_by);
	alarm_set_state(a, ALARM_WAITING, NULL, wall);
	alarm_change(cs, a, ACTION_DECLINE, op, 1);
	return (0);
}

int
alarm_release(struct alarm *a, const char *op, int super,
    enum alarm_action action, int64_t wall, struct alarm_changes *cs,
    const char **why)
{
	struct alarm_change	*c;
	char			 lost[32];

	if (a->closing || a->state == ALARM_WAITING) {
		*why = "state";
		return (-1);
	}
	if (!super && strcmp(a->operator, op) != 0) {
		*why = "not_yours";
		return (-1);
	}
	strlcpy(lost, a->operator, sizeof lost);
	alarm_set_state(a, ALARM_WAITING, NULL, wall);
	c = alarm_change(cs, a, action, op, 1);
	if (strcmp(lost, op) != 0)	/* taken from someone: say whom */
		strlcpy(c->from, lost, sizeof c->from);
	return (0);
}

int
alarm_reassign(struct alarm *a, const char *by, const char *to, int64_t wall,
    struct alarm_changes *cs, const char **why)
{
	struct alarm_change	*c;
	struct operator		*op = operator_find(to);
	char			 lost[32];

	if (a->closing || (a->state != ALARM_WAITING &&
	    a->state != ALARM_OFFERED && a->state != ALARM_HANDLING)) {
		*why = "state";
		return (-1);
	}
	if (op == NULL || op->sessions == 0 || strcmp(a->operator, to) == 0) {
		*why = op == NULL || op->sessions == 0 ? "not_found" : "state";
		return (-1);
	}
	strlcpy(lost, a->operator, sizeof lost);
	a->passed_by[0] = '\0';
	alarm_set_state(a, ALARM_HANDLING, to, wall);
	c = alarm_change(cs, a, ACTION_REASSIGN, by, 1);
	strlcpy(c->from, lost, sizeof c->from);
	if (lost[0] != '\0')
		snprintf(c->detail, sizeof c->detail, "from %s to %s", lost,
		    to);
	else
		snprintf(c->detail, sizeof c->detail, "to %s", to);
	return (0);
}

int
alarm_no_responder(struct alarm *a, int64_t wall, struct alarm_changes *cs)
{
	struct alarm_change	*c;
	char			 lost[32];

	if (a->closing || a->state == ALARM_CLOSED)
		return (-1);
	strlcpy(lost, a->operator, sizeof lost);
	if (a->class != CLASS_P1)
		alarm_set_class(a, CLASS_P1, a->code);
	a->passed_by[0] = '\0';
	if (a->state != ALARM_WAITING)
		alarm_set_state(a, ALARM_WAITING, NULL, wall);
	c = alarm_change(cs, a, ACTION_NO_RESPONDER, "arcd", 1);
	strlcpy(c->from, lost, sizeof c->from);
	snprintf(c->detail, sizeof c->detail, "every responder failed");
	return (0);
}

struct alarm_members {
	int64_t		 incident;
	struct alarm	**m;
	size_t		 n, cap;
};

static void
alarm_collect_member(struct alarm *a, void *arg)
{
	struct alarm_members	*ms = arg;

	if (a->incident_id != ms->incident || a->state != ALARM_WAITING)
		return;
	if (ms->n == ms->cap) {
		ms->cap = ms->cap ? ms->cap * 2 : 64;
		ms->m = xreallocarray(ms->m, ms->cap, sizeof *ms->m);
	}
	ms->m[ms->n++] = a;
}

/* Closing an incident closes the alarms it collapsed, with its outcome. */
static void
alarm_close_members(struct alarm *inc, const char *op, int64_t wall,
    struct alarm_changes *cs)
{
	struct alarm_members	 ms = { inc->id, NULL, 0, 0 };
	size_t			 i;

	alarm_each(alarm_collect_member, &ms);
	for (i = 0; i < ms.n; i++) {
		ms.m[i]->outcome = inc->outcome;
		alarm_set_state(ms.m[i], ALARM_CLOSED, op, wall);
		alarm_change(cs, ms.m[i], ACTION_MEMBER_CLOSED, op, 1);
	}
	free(ms.m);
}

int
alarm_close(struct alarm *a, const char *op, enum alarm_outcome outcome,
    const char *text, int64_t wall, struct alarm_changes *cs,
    const char **why)
{
	if (outcome == OUTCOME_NONE || outcome >= OUTCOME_MAX) {
		*why = "bad_request";
		return (-1);
	}
	if (a->closing || a->state != ALARM_HANDLING) {
		*why = "state";
		return (-1);
	}
	if (strcmp(a->operator, op) != 0) {
		*why = "not_yours";
		return (-1);
	}
	a->outcome = outcome;
	free(a->outcome_text);
	a->outcome_text = (text != NULL && *text != '\0') ? xstrdup(text) :
	    NULL;
	if (a->incident)
		alarm_close_members(a, op, wall, cs);
	alarm_set_state(a, ALARM_CLOSED, op, wall);
	alarm_change(cs, a, ACTION_CLOSE, op, 1);
	return (0);
}

int
alarm_expire(struct alarm *a, int64_t until, int64_t wall,
    struct alarm_changes *cs)
{
	if (a->closing || a->state != ALARM_OFFERED || a->offer_until != until)
		return (-1);		/* taken, declined or offered again */
	strlcpy(a->passed_by, a->operator, sizeof a->passed_by);
	alarm_set_state(a, ALARM_WAITING, NULL, wall);
	alarm_change(cs, a, ACTION_EXPIRED, "arcd", 1);
	return (0);
}

static void
alarm_flush_one(struct alarm *a, void *arg)
{
	if (!a->dirty)
		return;
	a->dirty = 0;
	alarm_change(arg, a, ACTION_COUNTED, "arcd", 1);
}

int
alarm_flush(struct alarm_changes *cs)
{
	size_t	 before = cs->n;

	alarm_each(alarm_flush_one, cs);
	return ((int)(cs->n - before));
}
