/*
 * unit.c -- the registered units, in memory: looked up by (protocol,
 * account) on every frame and by id across asynchronous gaps. The
 * pipeline applies changes one unit at a time (unit_put, unit_remove), so
 * a change to one unit costs nothing for the others; each unit is its own
 * allocation and keeps its address while registered. Last-seen times live
 * here and are written lazily (unit_flush_seen), off the ACK path.
 *
 * Thread: the network thread.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"

static struct hmap	 unit_by_key;	/* hash(protocol, account) -> unit * */
static struct hmap	 unit_by_ids;	/* id -> unit * */

static uint64_t
unit_key(const char *protocol, const char *account)
{
	char	 buf[8 + DC09_ACCT_MAX + 2];
	size_t	 p = strnlen(protocol, 8), a = strnlen(account, DC09_ACCT_MAX);

	memcpy(buf, protocol, p);
	buf[p] = '/';
	memcpy(buf + p + 1, account, a);
	return (hash64(buf, p + 1 + a, 0));
}

static void
unit_init_maps(void)
{
	if (unit_by_ids.cap == 0) {
		hmap_init(&unit_by_key, 1024);
		hmap_init(&unit_by_ids, 1024);
	}
}

static void
unit_unindex(struct unit *u)
{
	uint64_t	 key = unit_key(u->protocol, u->account), v;

	if (hmap_get(&unit_by_key, key, &v) == 0 &&
	    (struct unit *)(uintptr_t)v == u)
		hmap_del(&unit_by_key, key);
}

struct unit *
unit_put(const struct unit *t)
{
	struct unit	*u;

	unit_init_maps();
	if ((u = unit_by_id(t->id)) == NULL) {
		u = xcalloc(1, sizeof *u);
		*u = *t;
		u->deadline = 0;
		u->queued_at = 0;
		hmap_put(&unit_by_ids, (uint64_t)u->id, (uintptr_t)u);
	} else {
		unit_unindex(u);
		strlcpy(u->protocol, t->protocol, sizeof u->protocol);
		strlcpy(u->account, t->account, sizeof u->account);
		strlcpy(u->client, t->client, sizeof u->client);
		u->has_key = t->has_key;
		u->key = t->key;
		u->interval = t->interval;
		if (t->last_seen > u->last_seen)
			u->last_seen = t->last_seen;
	}
	hmap_put(&unit_by_key, unit_key(u->protocol, u->account),
	    (uintptr_t)u);
	return (u);
}

static void
unit_free(struct unit *u)
{
	explicit_bzero(u, sizeof *u);
	free(u);
}

void
unit_remove(int64_t id)
{
	struct unit	*u;

	if ((u = unit_by_id(id)) == NULL)
		return;
	unit_unindex(u);
	hmap_del(&unit_by_ids, (uint64_t)id);
	unit_free(u);
}

struct unit *
unit_find(const char *protocol, const char *account)
{
	struct unit	*u;
	uint64_t	 v;

	if (hmap_get(&unit_by_key, unit_key(protocol, account), &v) != 0)
		return (NULL);
	u = (struct unit *)(uintptr_t)v;
	if (strcmp(u->account, account) != 0 ||
	    strcmp(u->protocol, protocol) != 0)
		return (NULL);		/* a 64-bit collision: not this unit */
	return (u);
}

struct unit *
unit_by_id(int64_t id)
{
	uint64_t	 v;

	if (hmap_get(&unit_by_ids, (uint64_t)id, &v) != 0)
		return (NULL);
	return ((struct unit *)(uintptr_t)v);
}

size_t
unit_count(void)
{
	return (hmap_count(&unit_by_ids));
}

void
unit_seen(struct unit *u, int64_t wall)
{
	u->last_seen = wall;
	u->dirty = 1;
}

void
unit_each(void (*fn)(struct unit *, void *), void *arg)
{
	uint64_t	 v;
	size_t		 it = 0;

	while (hmap_next(&unit_by_ids, &it, NULL, &v))
		fn((struct unit *)(uintptr_t)v, arg);
}

struct unit_flush {
	void	(*fn)(const struct unit *, void *);
	void	*arg;
	size_t	 n;
};

static void
unit_flush_one(struct unit *u, void *arg)
{
	struct unit_flush	*f = arg;

	if (!u->dirty)
		return;
	u->dirty = 0;
	f->fn(u, f->arg);
	f->n++;
}

size_t
unit_flush_seen(void (*fn)(const struct unit *, void *), void *arg)
{
	struct unit_flush	 f = { fn, arg, 0 };

	unit_each(unit_flush_one, &f);
	return (f.n);
}

void
unit_free_all(void)
{
	uint64_t	 v;
	size_t		 it = 0;

	while (hmap_next(&unit_by_ids, &it, NULL, &v))
		unit_free((struct unit *)(uintptr_t)v);
	hmap_free(&unit_by_key);
	hmap_free(&unit_by_ids);
}
