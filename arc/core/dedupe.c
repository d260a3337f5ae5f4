/*
 * dedupe.c -- the frames seen within the dedupe window, so a
 * retransmission is ACKed again but stored once.
 *
 * The key is the pipeline's 64-bit hash of the protocol and what a
 * retransmission repeats byte for byte (for DC-09: account, seq, token,
 * device timestamp, data; dc09.c says which). The same value is stored in
 * event.dedupe, so the window is rebuilt from SQLite at start-up and a
 * frame committed just before a crash is still known as a duplicate after
 * it. Expiry is on the monotonic clock. Entries live in a ring in
 * arrival order (so expiry is a walk from the oldest) indexed by a hash
 * map key -> slot.
 * The ring is bounded (dedupe_max): when full the oldest entry goes,
 * counted, even if it has not expired.
 *
 * A 64-bit key means two different frames collide with probability
 * about n^2 / 2^65 for n frames in the window: 1e-10 for 60,000.
 *
 * Thread: the network thread.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"

static struct dedupe_entry *dedupe_ring;	/* owned */
static size_t		 dedupe_cap;
static uint64_t		 dedupe_head;		/* oldest, absolute */
static uint64_t		 dedupe_tail;		/* next, absolute */
static struct hmap	 dedupe_map;		/* key -> absolute slot */
static int64_t		 dedupe_window_ms;

void
dedupe_init(size_t max, int window_s)
{
	dedupe_cap = max;
	dedupe_ring = xcalloc(max, sizeof *dedupe_ring);
	dedupe_head = dedupe_tail = 0;
	dedupe_window(window_s);
	hmap_init(&dedupe_map, 1024);
}

/* The window of frames seen from now on (a reload may change it). */
void
dedupe_window(int window_s)
{
	dedupe_window_ms = (int64_t)window_s * 1000;
}

void
dedupe_free(void)
{
	free(dedupe_ring);
	dedupe_ring = NULL;
	hmap_free(&dedupe_map);
}

size_t
dedupe_count(void)
{
	return (hmap_count(&dedupe_map));
}

/* Drop the oldest ring slot, and its map entry if it still owns it. */
static void
dedupe_pop(void)
{
	struct dedupe_entry	*e = &dedupe_ring[dedupe_head % dedupe_cap];
	uint64_t		 slot;

	if (hmap_get(&dedupe_map, e->key, &slot) == 0 && slot == dedupe_head)
		hmap_del(&dedupe_map, e->key);
	memset(e, 0, sizeof *e);
	dedupe_head++;
}

struct dedupe_entry *
dedupe_find(uint64_t key, int64_t mono)
{
	struct dedupe_entry	*e;
	uint64_t		 slot;

	if (hmap_get(&dedupe_map, key, &slot) != 0)
		return (NULL);
	e = &dedupe_ring[slot % dedupe_cap];
	if (e->pending == NULL && e->expires <= mono)
		return (NULL);
	return (e);
}

struct dedupe_entry *
dedupe_add(uint64_t key, int64_t mono, int64_t window_ms)
{
	struct dedupe_entry	*e;

	while (dedupe_head != dedupe_tail) {
		e = &dedupe_ring[dedupe_head % dedupe_cap];
		if (e->pending != NULL || e->expires > mono)
			break;
		dedupe_pop();
	}
	if (dedupe_tail - dedupe_head == dedupe_cap) {
		COUNT(C_DEDUPE_EVICTED);
		dedupe_pop();
	}
	e = &dedupe_ring[dedupe_tail % dedupe_cap];
	memset(e, 0, sizeof *e);
	e->key = key;
	e->expires = mono + (window_ms > 0 ? window_ms : dedupe_window_ms);
	hmap_put(&dedupe_map, key, dedupe_tail);
	dedupe_tail++;
	return (e);
}

void
dedupe_remove(uint64_t key)
{
	struct dedupe_entry	*e;
	uint64_t		 slot;

	if (hmap_get(&dedupe_map, key, &slot) != 0)
		return;
	e = &dedupe_ring[slot % dedupe_cap];
	e->pending = NULL;
	e->expires = 0;
	hmap_del(&dedupe_map, key);
}
