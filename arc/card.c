/*
 * card.c -- the client cards (who the person is, how to reach them, who
 * responds) and the zone labels, in memory, so building an alarm for a
 * console reads no SQLite. A whole set is read on the reader worker
 * (card_read) whenever people data changes (refresh.c), and swapped in
 * on the loop (card_use). Strings are kept at their own length: a card
 * costs a few hundred bytes, not the 1.2 KB of its database record.
 *
 * Threads: card_read runs on the worker and touches only the set it
 * builds; everything else runs on the network thread.
 */
#include <stdlib.h>
#include <string.h>

#include "arc.h"

struct card_set {
	struct hmap	 by_ref;	/* hash(ref) -> card * */
	struct hmap	 zones;		/* hash(unit id, zone) -> char * */
	struct db	*db;		/* borrowed while reading */
	int		 failed;
};

static struct card_set	*cards;		/* owned: the set in use */

static char *
card_str(const char *s)
{
	return (s != NULL && *s != '\0' ? xstrdup(s) : NULL);
}

static uint64_t
card_ref_key(const char *ref)
{
	return (hash64(ref, strlen(ref), 0));
}

static uint64_t
card_zone_key(int64_t unit_id, const char *zone)
{
	char	 buf[32];
	size_t	 z = strnlen(zone, 8);

	memcpy(buf, &unit_id, sizeof unit_id);
	memcpy(buf + sizeof unit_id, zone, z);
	return (hash64(buf, sizeof unit_id + z, 1));
}

static void
card_free(struct card *c)
{
	size_t	 i;

	for (i = 0; i < c->nresp; i++) {
		free(c->resp[i].name);
		free(c->resp[i].relation);
		free(c->resp[i].phones);
		free(c->resp[i].availability);
	}
	free(c->resp);
	free(c->ref);
	free(c->name);
	free(c->born);
	free(c->address);
	free(c->phone);
	free(c->language);
	free(c->medical);
	free(c->access);
	free(c);
}

void
card_set_free(struct card_set *set)
{
	uint64_t	 v;
	size_t		 it = 0;

	if (set == NULL)
		return;
	while (hmap_next(&set->by_ref, &it, NULL, &v))
		card_free((struct card *)(uintptr_t)v);
	it = 0;
	while (hmap_next(&set->zones, &it, NULL, &v))
		free((char *)(uintptr_t)v);
	hmap_free(&set->by_ref);
	hmap_free(&set->zones);
	free(set);
}

static int
card_read_responder(const struct db_responder *r, void *arg)
{
	struct card		*c = arg;
	struct card_responder	*cr;

	c->resp = xreallocarray(c->resp, c->nresp + 1, sizeof *c->resp);
	cr = &c->resp[c->nresp++];
	cr->id = r->id;
	cr->rank = r->rank;
	cr->command = strcmp(r->reach, "command") == 0;
	cr->name = xstrdup(r->name);
	cr->relation = card_str(r->relation);
	cr->phones = xstrdup(r->phones);
	cr->availability = card_str(r->availability);
	return (0);
}

static int
card_read_client(const struct db_client *dc, void *arg)
{
	struct card_set	*set = arg;
	struct card	*c;

	c = xcalloc(1, sizeof *c);
	c->ref = xstrdup(dc->ref);
	c->name = xstrdup(dc->name);
	c->born = card_str(dc->born);
	c->address = card_str(dc->address);
	c->phone = card_str(dc->phone);
	c->language = card_str(dc->language);
	c->medical = card_str(dc->medical);
	c->access = card_str(dc->access);
	strlcpy(c->level, dc->level, sizeof c->level);
	if (db_client_responders(set->db, dc->id, card_read_responder, c) != 0)
		set->failed = 1;
	hmap_put(&set->by_ref, card_ref_key(c->ref), (uintptr_t)c);
	return (0);
}

static int
card_read_zone(int64_t unit_id, const char *zone, const char *label,
    void *arg)
{
	struct card_set	*set = arg;

	hmap_put(&set->zones, card_zone_key(unit_id, zone),
	    (uintptr_t)xstrdup(label));
	return (0);
}

struct card_set *
card_read(struct db *db, char **cause)
{
	struct card_set	*set;

	set = xcalloc(1, sizeof *set);
	hmap_init(&set->by_ref, 256);
	hmap_init(&set->zones, 256);
	set->db = db;
	if (db_client_foreach(db, card_read_client, set) != 0 ||
	    db_zone_foreach(db, card_read_zone, set) != 0 || set->failed) {
		xasprintf(cause, "reading client cards: %s", db_errmsg(db));
		card_set_free(set);
		return (NULL);
	}
	set->db = NULL;
	return (set);
}

void
card_use(struct card_set *set)
{
	card_set_free(cards);
	cards = set;
}

const struct card *
card_of(const char *ref)
{
	struct card	*c;
	uint64_t	 v;

	if (cards == NULL || ref == NULL || *ref == '\0' ||
	    hmap_get(&cards->by_ref, card_ref_key(ref), &v) != 0)
		return (NULL);
	c = (struct card *)(uintptr_t)v;
	return (strcmp(c->ref, ref) == 0 ? c : NULL);
}

const char *
card_zone(int64_t unit_id, const char *zone)
{
	uint64_t	 v;

	if (cards == NULL || zone == NULL || *zone == '\0' ||
	    hmap_get(&cards->zones, card_zone_key(unit_id, zone), &v) != 0)
		return (NULL);
	return ((const char *)(uintptr_t)v);
}

size_t
card_count(void)
{
	return (cards != NULL ? hmap_count(&cards->by_ref) : 0);
}
