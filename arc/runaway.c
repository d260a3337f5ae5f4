/*
 * runaway.c -- a token bucket per (unit, code, zone). A unit whose sensor
 * keeps firing drains its bucket; past it, alarm.c opens one P3 "runaway
 * unit" alarm and attaches the rest instead of queueing each again.
 *
 * Pure domain code: `now` is data, no timers. Buckets that are full again
 * are forgotten by runaway_sweep(). Thread: network thread.
 */
#include <stdlib.h>

#include "alarm.h"
#include "arc.h"

struct runaway_bucket {
	double		 tokens;
	int64_t		 refill;	/* ms */
};

static struct hmap	 rw_buckets;	/* key -> runaway_bucket * */
static double		 rw_burst = 10, rw_per_ms = 10.0 / 60000;

void
runaway_init(int burst, int per_min)
{
	rw_burst = burst;
	rw_per_ms = per_min / 60000.0;
	if (rw_buckets.cap == 0)
		hmap_init(&rw_buckets, 256);
}

static void
runaway_fill(struct runaway_bucket *b, int64_t now)
{
	if (now > b->refill) {
		b->tokens += (now - b->refill) * rw_per_ms;
		if (b->tokens > rw_burst)
			b->tokens = rw_burst;
		b->refill = now;
	}
}

/* One event of this (unit, code, zone): 0 within the burst, -1 past it. */
int
runaway_take(uint64_t key, int64_t now)
{
	struct runaway_bucket	*b;
	uint64_t		 v;

	if (rw_buckets.cap == 0)
		hmap_init(&rw_buckets, 256);
	if (hmap_get(&rw_buckets, key, &v) == 0)
		b = (struct runaway_bucket *)(uintptr_t)v;
	else {
		b = xcalloc(1, sizeof *b);
		b->tokens = rw_burst;
		b->refill = now;
		hmap_put(&rw_buckets, key, (uintptr_t)b);
	}
	runaway_fill(b, now);
	if (b->tokens < 1)
		return (-1);
	b->tokens -= 1;
	return (0);
}

/* Forget the buckets that are full again; returns how many are left. */
size_t
runaway_sweep(int64_t now)
{
	struct runaway_bucket	*b;
	uint64_t		*gone;
	size_t			 i, n = 0;

	if (rw_buckets.n == 0)
		return (0);
	gone = xreallocarray(NULL, rw_buckets.n, sizeof *gone);
	for (i = 0; i < rw_buckets.cap; i++) {
		if (!rw_buckets.used[i])
			continue;
		b = (struct runaway_bucket *)(uintptr_t)rw_buckets.vals[i];
		runaway_fill(b, now);
		if (b->tokens >= rw_burst) {
			gone[n++] = rw_buckets.keys[i];
			free(b);
		}
	}
	for (i = 0; i < n; i++)
		hmap_del(&rw_buckets, gone[i]);
	free(gone);
	return (rw_buckets.n);
}

void
runaway_free(void)
{
	size_t	 i;

	for (i = 0; i < rw_buckets.cap; i++)
		if (rw_buckets.used[i])
			free((void *)(uintptr_t)rw_buckets.vals[i]);
	hmap_free(&rw_buckets);
}
