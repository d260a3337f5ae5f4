/*
 * bucket.c -- a token bucket: `burst` tokens when full, refilled at a
 * steady rate. Used for the unregistered-traffic limit per source and for
 * runaway units; one piece of code, so a refill can never take a token.
 * Times are monotonic ms (clock_mono), passed in.
 *
 * Thread: the caller's; a bucket belongs to one thread.
 */
#include "runtime.h"

void
bucket_rate(struct bucket_rate *r, int burst, int per_min)
{
	r->burst = burst;
	r->per_ms = per_min / 60000.0;
}

void
bucket_init(struct bucket *b, const struct bucket_rate *r, int64_t now)
{
	b->tokens = r->burst;
	b->at = now;
}

void
bucket_refill(struct bucket *b, const struct bucket_rate *r, int64_t now)
{
	if (now <= b->at)
		return;
	b->tokens += (now - b->at) * r->per_ms;
	if (b->tokens > r->burst)
		b->tokens = r->burst;
	b->at = now;
}

int
bucket_take(struct bucket *b, const struct bucket_rate *r, int64_t now)
{
	bucket_refill(b, r, now);
	if (b->tokens < 1)
		return (-1);
	b->tokens -= 1;
	return (0);
}

int
bucket_full(const struct bucket *b, const struct bucket_rate *r)
{
	return (b->tokens >= r->burst);
}
