/*
 * runaway.c -- a token bucket per (unit, code, zone). A unit whose sensor
 * keeps firing drains its bucket; past it, alarm.c opens one P3 "runaway
 * unit" alarm and attaches the rest instead of queueing each again.
 *
 * Pure: `mono` is data, no timers; the bucket is the runtime's
 * (bucket.c). Buckets that are full again are forgotten by
 * runaway_sweep(). Thread: network thread.
 */
#include <stdlib.h>

#include "core.h"

static struct hmap		 rw_buckets;	/* key -> bucket * */
static struct bucket_rate	 rw_rate = { 10, 10.0 / 60000 };

void
runaway_init(int burst, int per_min)
{
	bucket_rate(&rw_rate, burst, per_min);
	if (rw_buckets.cap == 0)
		hmap_init(&rw_buckets, 256);
}

/* One event of this (unit, code, zone): 0 within the burst, -1 past it. */
int
runaway_take(uint64_t key, int64_t mono)
{
	struct bucket	*b;
	uint64_t	 v;

	if (rw_buckets.cap == 0)
		hmap_init(&rw_buckets, 256);
	if (hmap_get(&rw_buckets, key, &v) == 0)
		b = (struct bucket *)(uintptr_t)v;
	else {
		b = xcalloc(1, sizeof *b);
		bucket_init(b, &rw_rate, mono);
		hmap_put(&rw_buckets, key, (uintptr_t)b);
	}
	return (bucket_take(b, &rw_rate, mono));
}

/* Forget the buckets that are full again; returns how many are left. */
size_t
runaway_sweep(int64_t mono)
{
	struct bucket	*b;
	uint64_t	*gone, key, v;
	size_t		 it = 0, i, n = 0;

	if (hmap_count(&rw_buckets) == 0)
		return (0);
	gone = xreallocarray(NULL, hmap_count(&rw_buckets), sizeof *gone);
	while (hmap_next(&rw_buckets, &it, &key, &v)) {
		b = (struct bucket *)(uintptr_t)v;
		bucket_refill(b, &rw_rate, mono);
		if (bucket_full(b, &rw_rate)) {
			gone[n++] = key;
			free(b);
		}
	}
	for (i = 0; i < n; i++)
		hmap_del(&rw_buckets, gone[i]);
	free(gone);
	return (hmap_count(&rw_buckets));
}

void
runaway_free(void)
{
	uint64_t	 v;
	size_t		 it = 0;

	while (hmap_next(&rw_buckets, &it, NULL, &v))
		free((void *)(uintptr_t)v);
	hmap_free(&rw_buckets);
}
