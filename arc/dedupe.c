/*
 * dedupe.c -- the frames seen within the dedupe window, so a
 * retransmission is ACKed again but stored once.
 *
 * The key is a 64-bit hash of (account, seq, token, device timestamp,
 * data): a retransmission repeats the same bytes, while a unit that
 * restarted its seq and reports the same event again a minute later
 * carries another timestamp and is a new event. The same
 * value is stored in event.dedupe, so the window is rebuilt from SQLite
 * at start-up and a frame committed just before a crash is still known
 * as a duplicate after it. Entries live in a ring in arrival order (so
 * expiry is a walk from the oldest) indexed by a hash map key -> slot.
 * The ring is bounded (dedupe_max): when full the oldest entry goes,
 * counted, even if it has not expired.
 *
 * A 64-bit key means two different frames collide with probability
 * about n^2 / 2^65 for n frames in the window: 1e-10 for 60,000.
 */
#include <stdlib.h>
#include <string.h>

#include "arc.h"

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
	dedupe_window_ms = (int64_t)window_s * 1000;
	hmap_init(&dedupe_map, 1024);
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
	return (dedupe_map.n);
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
dedupe_find(uint64_t key, int64_t now)
{
	struct dedupe_entry	*e;
	uint64_t		 slot;

	if (hmap_get(&dedupe_map, key, &slot) != 0)
		return (NULL);
	e = &dedupe_ring[slot % dedupe_cap];
	if (e->pending == NULL && e->expires <= now)
		return (NULL);
	return (e);
}

struct dedupe_entry *
dedupe_add(uint64_t key, int64_t now)
{
	struct dedupe_entry	*e;

	while (dedupe_head != dedupe_tail) {
		e = &dedupe_ring[dedupe_head % dedupe_cap];
		if (e->pending != NULL || e->expires > now)
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
	e->expires = now + dedupe_window_ms;
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

/*
 * The frame's identity: what a retransmission repeats byte for byte.
 * A frame without a timestamp can only be told apart by seq and data, so
 * a unit that re-uses a seq for the same event within the window is seen
 * as a retransmission: ACKed, counted, not presented again.
 */
uint64_t
dedupe_key(const struct dc09_frame *f)
{
	uint8_t		 buf[DC09_MAX_FRAME + 64];
	size_t		 n = 0, acct = strlen(f->acct);
	const char	*tok = dc09_token_name(f->token);
	size_t		 tl = strlen(tok);

	memcpy(buf + n, f->acct, acct + 1);
	n += acct + 1;
	buf[n++] = f->seq >> 8;
	buf[n++] = f->seq & 0xff;
	memcpy(buf + n, tok, tl + 1);
	n += tl + 1;
	/* The device's own timestamp: a new press re-using a seq differs. */
	if (f->has_ts) {
		memcpy(buf + n, &f->ts, sizeof f->ts);
		n += sizeof f->ts;
	}
	if (f->data.len + f->xdata.len <= sizeof buf - n) {
		memcpy(buf + n, f->data.p, f->data.len);
		n += f->data.len;
		memcpy(buf + n, f->xdata.p, f->xdata.len);
		n += f->xdata.len;
	}
	return (hash64(buf, n, 0) & INT64_MAX);
}
