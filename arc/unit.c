/*
 * unit.c -- the registered units, in memory, looked up by account on every
 * frame. Loaded from the database at start-up and reloaded whole when the
 * unit table changes (db_unit_version); last-seen times live here and are
 * written lazily in batches, off the ACK path.
 */
#include <stdlib.h>
#include <string.h>

#include "arc.h"

static struct unit	*units;		/* owned, array */
static size_t		 nunits;
static struct hmap	 by_account;	/* hash(account) -> index */
static struct hmap	 by_id;		/* id -> index */

struct unit_load_ctx {
	struct unit	*u;
	size_t		 n, cap;
	char		*cause;
};

static int
unit_load_one(const struct db_unit *du, void *arg)
{
	struct unit_load_ctx	*c = arg;
	struct unit		*u;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->u = xreallocarray(c->u, c->cap, sizeof *c->u);
	}
	u = &c->u[c->n];
	memset(u, 0, sizeof *u);
	u->id = du->id;
	strlcpy(u->account, du->account, sizeof u->account);
	if (du->key[0] != '\0') {
		if (dc09_key_parse(du->key, &u->key) != 0) {
			/* Refuse nothing: without its key the unit is NAKed. */
			log_warnx("unit %s: stored key does not parse",
			    du->account);
			u->key.len = 0;
		}
		u->has_key = 1;
	}
	u->interval = du->interval;
	u->last_seen = du->last_seen;
	u->silent = du->silent_since != 0;
	c->n++;
	return (0);
}

static void
unit_wipe(struct unit *u, size_t n)
{
	if (u != NULL)
		explicit_bzero(u, n * sizeof *u);
	free(u);
}

int
unit_load(struct db *db, char **cause)
{
	struct unit_load_ctx	 c = { NULL, 0, 0, NULL };
	struct unit		*old;
	size_t			 i;
	uint64_t		 j;
	int			 startup;

	if (db_unit_foreach(db, unit_load_one, &c) != 0) {
		xasprintf(cause, "loading units: %s", db_errmsg(db));
		unit_wipe(c.u, c.n);
		return (-1);
	}
	/* Keep last-seen times not yet written, and who is silent. */
	for (i = 0; i < c.n; i++) {
		if ((old = unit_by_id(c.u[i].id)) == NULL)
			continue;
		c.u[i].silent = old->silent;
		if (old->last_seen > c.u[i].last_seen) {
			c.u[i].last_seen = old->last_seen;
			c.u[i].dirty = old->dirty;
		}
	}
	startup = units == NULL;
	unit_free_all();
	units = c.u;
	nunits = c.n;
	hmap_init(&by_account, nunits);
	hmap_init(&by_id, nunits);
	for (j = 0; j < nunits; j++) {
		hmap_put(&by_account, hash64(units[j].account,
		    strlen(units[j].account), 0), j);
		hmap_put(&by_id, (uint64_t)units[j].id, j);
		supervise_arm(&units[j], now_ms(), startup);
	}
	return (0);
}

void
unit_free_all(void)
{
	size_t	 i;

	for (i = 0; i < nunits; i++)
		supervise_disarm(&units[i]);
	unit_wipe(units, nunits);
	units = NULL;
	nunits = 0;
	hmap_free(&by_account);
	hmap_free(&by_id);
}

struct unit *
unit_find(const char *account)
{
	uint64_t	 i;

	if (hmap_get(&by_account, hash64(account, strlen(account), 0),
	    &i) != 0)
		return (NULL);
	if (strcmp(units[i].account, account) != 0)
		return (NULL);		/* a 64-bit collision: not this unit */
	return (&units[i]);
}

struct unit *
unit_by_id(int64_t id)
{
	uint64_t	 i;

	if (hmap_get(&by_id, (uint64_t)id, &i) != 0)
		return (NULL);
	return (&units[i]);
}

size_t
unit_count(void)
{
	return (nunits);
}

void
unit_seen(struct unit *u, int64_t now)
{
	u->last_seen = now;
	u->dirty = 1;
	supervise_touch(u, now);
}

size_t
unit_flush_seen(struct store *st)
{
	struct store_req	*r;
	size_t			 i, n = 0;

	for (i = 0; i < nunits; i++) {
		if (!units[i].dirty)
			continue;
		r = xcalloc(1, sizeof *r);
		r->op = STORE_LASTSEEN;
		r->id = units[i].id;
		r->at = units[i].last_seen;
		store_submit(st, r);
		units[i].dirty = 0;
		n++;
	}
	return (n);
}
