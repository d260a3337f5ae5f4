/*
 * heap.c -- a binary min-heap of (at, id) pairs: deadlines kept as data
 * (supervision, offers), run by one tick. Entries are never updated in
 * place; the owner re-checks an entry when it comes due, so moving a
 * deadline is free and a stale entry is dropped then.
 *
 * Thread: the caller's; a heap belongs to one thread.
 */
#include <stdlib.h>

#include "runtime.h"

static int
heap_less(const struct heap_entry *a, const struct heap_entry *b)
{
	return (a->at < b->at || (a->at == b->at && a->id < b->id));
}

void
heap_push(struct heap *h, int64_t at, uint64_t id)
{
	struct heap_entry	 e = { at, id };
	size_t			 i;

	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->v = xreallocarray(h->v, h->cap, sizeof *h->v);
	}
	for (i = h->n++; i > 0 && heap_less(&e, &h->v[(i - 1) / 2]);
	    i = (i - 1) / 2)
		h->v[i] = h->v[(i - 1) / 2];
	h->v[i] = e;
}

int
heap_top(const struct heap *h, int64_t *at, uint64_t *id)
{
	if (h->n == 0)
		return (-1);
	if (at != NULL)
		*at = h->v[0].at;
	if (id != NULL)
		*id = h->v[0].id;
	return (0);
}

void
heap_pop(struct heap *h)
{
	struct heap_entry	 last;
	size_t			 i = 0, c;

	if (h->n == 0)
		return;
	last = h->v[--h->n];
	while ((c = 2 * i + 1) < h->n) {
		if (c + 1 < h->n && heap_less(&h->v[c + 1], &h->v[c]))
			c++;
		if (!heap_less(&h->v[c], &last))
			break;
		h->v[i] = h->v[c];
		i = c;
	}
	if (h->n > 0)
		h->v[i] = last;
}

void
heap_free(struct heap *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}
