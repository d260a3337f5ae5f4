/*
 * operator.c -- the operators: who is logged in (and on how many
 * consoles), in which order offers go to them, what each holds (alarms
 * offered or in hand), and the grace a lost console gets before its
 * alarms go back to the queue.
 *
 * A record lives while its login has a console, holds an alarm, or is in
 * its grace. Offers go in login order: a console that logs in goes to the
 * end of the line. Any change marks the operators view dirty; the
 * pipeline pushes it to the supervisors once per loop turn.
 *
 * Thread: the network thread.
 */
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include "core.h"

struct operator_rec {
	struct operator		 op;
	TAILQ_ENTRY(operator_rec) entry;
};
TAILQ_HEAD(operator_list, operator_rec);

static struct operator_list	 ops = TAILQ_HEAD_INITIALIZER(ops);
static int			 op_grace = 60;
static size_t			 op_max_held = 3;
static uint64_t			 op_order;
static int			 op_dirty;

static const char *operator_state_names[OPERATOR_STATE_MAX] = {
	[OPERATOR_FREE] = "free",
	[OPERATOR_OFFERED] = "offered",
	[OPERATOR_HANDLING] = "handling",
	[OPERATOR_AWAY] = "away",
};

const char *
operator_state_name(enum operator_state st)
{
	if (st >= OPERATOR_STATE_MAX)
		return ("unknown");
	return (operator_state_names[st]);
}

void
operator_init(int grace_s, int max_held)
{
	op_grace = grace_s;
	op_max_held = max_held > 0 ? (size_t)max_held : 1;
}

int
operator_set_away(const char *login, int away)
{
	struct operator	*op = operator_find(login);

	if (op == NULL || op->sessions == 0)
		return (-1);
	if (op->away != away)
		op_dirty = 1;
	op->away = away;
	return (0);
}

/* May login take one more alarm? Supervisors have no limit. */
int
operator_may_take(const char *login)
{
	struct operator	*op = operator_find(login);

	return (op == NULL || op->super || op->nheld < op_max_held);
}

static struct operator_rec *
operator_rec(const char *login)
{
	struct operator_rec	*r;

	TAILQ_FOREACH(r, &ops, entry)
		if (strcmp(r->op.login, login) == 0)
			return (r);
	return (NULL);
}

struct operator *
operator_find(const char *login)
{
	struct operator_rec	*r = operator_rec(login);

	return (r != NULL ? &r->op : NULL);
}

static struct operator_rec *
operator_get(const char *login)
{
	struct operator_rec	*r;

	if ((r = operator_rec(login)) != NULL)
		return (r);
	r = xcalloc(1, sizeof *r);
	strlcpy(r->op.login, login, sizeof r->op.login);
	TAILQ_INSERT_TAIL(&ops, r, entry);
	return (r);
}

static void
operator_free(struct operator_rec *r)
{
	TAILQ_REMOVE(&ops, r, entry);
	free(r->op.held);
	free(r);
}

/* Forget a record nobody needs: no console, nothing held, no grace. */
static void
operator_maybe_forget(struct operator_rec *r)
{
	if (r->op.sessions == 0 && r->op.nheld == 0)
		operator_free(r);
}

struct operator *
operator_login(const char *login, const char *name, int super)
{
	struct operator_rec	*r = operator_get(login);

	strlcpy(r->op.name, name, sizeof r->op.name);
	r->op.super = super;
	if (r->op.sessions == 0)
		r->op.away = 0;		/* a new shift: available */
	r->op.sessions++;
	r->op.grace_until = 0;
	r->op.order = ++op_order;
	TAILQ_REMOVE(&ops, r, entry);
	TAILQ_INSERT_TAIL(&ops, r, entry);
	op_dirty = 1;
	return (&r->op);
}

void
operator_logout(const char *login, int64_t mono)
{
	struct operator_rec	*r;

	if ((r = operator_rec(login)) == NULL || r->op.sessions == 0)
		return;
	op_dirty = 1;
	if (--r->op.sessions > 0)
		return;
	if (r->op.nheld == 0) {
		operator_free(r);
		return;
	}
	r->op.grace_until = mono + op_grace * 1000LL;
}

void
operator_hold(const char *login, int64_t alarm_id)
{
	struct operator_rec	*r = operator_get(login);
	struct operator		*op = &r->op;
	size_t			 i;

	for (i = 0; i < op->nheld; i++)
		if (op->held[i] == alarm_id)
			return;
	if (op->nheld == op->capheld) {
		op->capheld = op->capheld ? op->capheld * 2 : 4;
		op->held = xreallocarray(op->held, op->capheld,
		    sizeof *op->held);
	}
	op->held[op->nheld++] = alarm_id;
	op_dirty = 1;
}

void
operator_unhold(const char *login, int64_t alarm_id)
{
	struct operator_rec	*r;
	struct operator		*op;
	size_t			 i;

	if ((r = operator_rec(login)) == NULL)
		return;
	op = &r->op;
	for (i = 0; i < op->nheld; i++) {
		if (op->held[i] != alarm_id)
			continue;
		memmove(&op->held[i], &op->held[i + 1],
		    (op->nheld - i - 1) * sizeof *op->held);
		op->nheld--;
		op_dirty = 1;
		break;
	}
	if (op->nheld == 0)
		op->grace_until = 0;
	operator_maybe_forget(r);
}

void
operator_each(void (*fn)(struct operator *, void *), void *arg)
{
	struct operator_rec	*r, *next;

	for (r = TAILQ_FIRST(&ops); r != NULL; r = next) {
		next = TAILQ_NEXT(r, entry);
		if (r->op.sessions > 0)
			fn(&r->op, arg);
	}
}

/* Every operator record: logged in, or holding alarms without a console. */
void
operator_all(void (*fn)(struct operator *, void *), void *arg)
{
	struct operator_rec	*r;

	TAILQ_FOREACH(r, &ops, entry)
		fn(&r->op, arg);
}

/*
 * Operators without a console whose grace ran out. An operator holding
 * alarms with no console and no grace (after a restart) gets one now.
 */
size_t
operator_grace_due(int64_t mono, char (*logins)[32], size_t max)
{
	struct operator_rec	*r;
	size_t			 n = 0;

	TAILQ_FOREACH(r, &ops, entry) {
		if (r->op.sessions > 0 || r->op.nheld == 0)
			continue;
		if (r->op.grace_until == 0)
			r->op.grace_until = mono + op_grace * 1000LL;
		if (r->op.grace_until > mono || n == max)
			continue;
		strlcpy(logins[n++], r->op.login, sizeof logins[0]);
		r->op.grace_until = 0;
	}
	return (n);
}

int
operator_dirty(void)
{
	return (op_dirty);
}

void
operator_clean(void)
{
	op_dirty = 0;
}

void
operator_touch(void)
{
	op_dirty = 1;
}

void
operator_free_all(void)
{
	struct operator_rec	*r;

	while ((r = TAILQ_FIRST(&ops)) != NULL)
		operator_free(r);
	op_order = 0;
	op_dirty = 0;
}
