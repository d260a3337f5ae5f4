/*
 * operators.c -- a supervisor's view of the operators, from the operators
 * push or reply: who is logged in or holds alarms, and what is locked
 * after failed logins: a login on its operator's row (locked_until), a
 * locked login with no operator record (a row with name and role null)
 * and a locked address (locked_sources) in a list of their own. Both
 * lists are bounded (CLIENT_MAX_OPERATORS, CLIENT_MAX_LOCKS; the rest is
 * counted); malformed entries are skipped and counted as bad messages.
 *
 * client.c hands it what a supervisor is sent; the operators pane
 * (ui_operators.c) reads it. Part of the protocol state: no curses, no
 * sockets; it calls nothing of client.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runtime.h"
#include "console.h"

/*
 * A lock's end: null or absent is none (0), a positive integer is wall
 * ms; anything else is junk (-1).
 */
static int64_t
operators_until(json_t *v)
{
	if (v == NULL || json_is_null(v))
		return (0);
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return (-1);
	return ((int64_t)json_integer_value(v));
}

/* Copy a login or address a lock is lifted by; 0 if it does not fit. */
static int
operators_name(char *dst, size_t size, const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) >= size)
		return (0);
	memcpy(dst, s, strlen(s) + 1);
	return (1);
}

static const char *
operators_str(json_t *o, const char *key)
{
	return (json_string_value(json_object_get(o, key)));
}

/* A count the view gives (logins, answered, ...); -1 if not given. */
static int64_t
operators_count(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return (-1);
	return ((int64_t)json_integer_value(v));
}

/* "held": [{id, state, class, since}], the first few kept; junk skipped. */
static void
operators_held(struct client *c, struct client_operator *op, json_t *list)
{
	struct client_held	*h;
	const char		*state;
	json_t			*o;
	size_t			 i;

	json_array_foreach(list, i, o) {
		state = operators_str(o, "state");
		if (state == NULL ||
		    !json_is_integer(json_object_get(o, "id"))) {
			c->bad_messages++;
			continue;
		}
		op->nhandling += strcmp(state, "handling") == 0;
		if (op->nheld == CLIENT_OPERATOR_ALARMS)
			continue;
		h = &op->held[op->nheld++];
		h->id = json_integer_value(json_object_get(o, "id"));
		h->handling = strcmp(state, "handling") == 0;
		h->class = (int)operators_count(o, "class");
		if (h->class < 1 || h->class > 3)
			h->class = 0;
		h->since = operators_count(o, "since");
		if (h->since < 0)
			h->since = 0;
	}
}

static void
operators_parse(struct client *c, struct client_operator *op, json_t *o,
    int64_t until)
{
	json_t	*ids, *id;
	size_t	 i;

	memset(op, 0, sizeof *op);
	snprintf(op->login, sizeof op->login, "%s", operators_str(o, "login"));
	snprintf(op->name, sizeof op->name, "%s", operators_str(o, "name") ?
	    operators_str(o, "name") : "");
	snprintf(op->role, sizeof op->role, "%s", operators_str(o, "role") ?
	    operators_str(o, "role") : "");
	op->connected = json_is_true(json_object_get(o, "connected"));
	op->away = json_is_true(json_object_get(o, "away"));
	snprintf(op->state, sizeof op->state, "%s", operators_str(o, "state") ?
	    operators_str(o, "state") : "");
	op->logins = operators_count(o, "logins");
	op->answered = operators_count(o, "answered");
	op->within_60 = operators_count(o, "within_60");
	op->within_180 = operators_count(o, "within_180");
	operators_held(c, op, json_object_get(o, "held"));
	ids = json_object_get(o, "alarms");
	json_array_foreach(ids, i, id) {
		if (!json_is_integer(id))
			continue;
		op->alarms_total++;
		if (op->nalarms < CLIENT_OPERATOR_ALARMS)
			op->alarms[op->nalarms++] = json_integer_value(id);
	}
	/* A lock on a login that was cut short could not be lifted. */
	if (until > 0 && strlen(operators_str(o, "login")) >= sizeof op->login)
		c->bad_messages++;
	else
		op->locked_until = until;
}

static void
operators_lock(struct client *c, enum client_lock_kind kind,
    const char *name, int64_t until)
{
	struct client_lock	*lk;

	if (c->nlocks >= CLIENT_MAX_LOCKS) {
		c->dropped_locks++;
		return;
	}
	lk = &c->locks[c->nlocks];
	if (until <= 0 || !operators_name(lk->name, sizeof lk->name, name)) {
		c->bad_messages++;
		return;
	}
	lk->kind = kind;
	lk->until = until;
	c->nlocks++;
}

/*
 * One row of "operators": an operator (with its lock, if any), or a
 * locked login with no record (name and role null). Rows without a
 * login are junk.
 */
static void
operators_row(struct client *c, json_t *o)
{
	int64_t	 until;

	if (!json_is_object(o) || operators_str(o, "login") == NULL) {
		c->bad_messages++;
		return;
	}
	if ((until = operators_until(json_object_get(o, "locked_until"))) ==
	    -1) {
		c->bad_messages++;
		until = 0;
	}
	if (until > 0 && !json_is_string(json_object_get(o, "name")) &&
	    !json_is_string(json_object_get(o, "role"))) {
		operators_lock(c, LOCK_LOGIN, operators_str(o, "login"), until);
		return;
	}
	if (c->noperators >= CLIENT_MAX_OPERATORS) {
		c->dropped_operators++;
		return;
	}
	operators_parse(c, &c->operators[c->noperators++], o, until);
}

static void
operators_sources(struct client *c, json_t *list)
{
	json_t	*o;
	size_t	 i;
	int64_t	 until;

	if (list == NULL)
		return;			/* nothing locked by address */
	if (!json_is_array(list)) {
		c->bad_messages++;
		return;
	}
	json_array_foreach(list, i, o) {
		until = operators_until(json_object_get(o, "locked_until"));
		operators_lock(c, LOCK_SOURCE, operators_str(o, "source"),
		    until);		/* none (0) or junk (-1): counted */
	}
}

/* Logins before addresses, each in order: a list that keeps still. */
static int
operators_lock_cmp(const void *a, const void *b)
{
	const struct client_lock	*la = a, *lb = b;

	if (la->kind != lb->kind)
		return (la->kind == LOCK_LOGIN ? -1 : 1);
	return (strcmp(la->name, lb->name));
}

/*
 * Replace the view with a push's or a reply's (m: its "operators" and
 * "locked_sources"). A message without an operators list is junk and
 * changes nothing.
 */
void
operators_set(struct client *c, json_t *m)
{
	json_t	*list = json_object_get(m, "operators");
	json_t	*sources = json_object_get(m, "locked_sources");
	size_t	 i, n, nlocks;

	if (!json_is_array(list)) {
		c->bad_messages++;
		return;
	}
	n = json_array_size(list);
	nlocks = n + json_array_size(sources);
	operators_free(c);
	c->operators = xreallocarray(NULL, (n < CLIENT_MAX_OPERATORS ? n :
	    CLIENT_MAX_OPERATORS) + 1, sizeof *c->operators);
	c->locks = xreallocarray(NULL, (nlocks < CLIENT_MAX_LOCKS ? nlocks :
	    CLIENT_MAX_LOCKS) + 1, sizeof *c->locks);
	for (i = 0; i < n; i++)
		operators_row(c, json_array_get(list, i));
	operators_sources(c, sources);
	qsort(c->locks, c->nlocks, sizeof *c->locks, operators_lock_cmp);
	c->have_operators = 1;
}

/*
 * How long a lock has to run, in ms by the server's clock (the skew the
 * snapshot measured); 0: over (arcd does not say when one runs out).
 */
int64_t
operators_left(const struct client *c, int64_t until, int64_t now)
{
	int64_t	 server_now, left;

	if (until <= 0 || __builtin_add_overflow(now, c->skew, &server_now) ||
	    __builtin_sub_overflow(until, server_now, &left) || left <= 0)
		return (0);
	return (left);
}

void
operators_free(struct client *c)
{
	free(c->operators);
	c->operators = NULL;
	c->noperators = 0;
	free(c->locks);
	c->locks = NULL;
	c->nlocks = 0;
}
