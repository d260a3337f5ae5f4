/*
 * hist.c -- latency histogram: log-linear buckets (64 linear steps per
 * power of two, under 1.6% error), microsecond resolution up to 60 s.
 * Values over 60 s land in the last bucket; the maximum is kept exactly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"
#include "loadgen.h"

#define HIST_SUB_BITS	6
#define HIST_SUB	(1U << HIST_SUB_BITS)		/* 64 */
#define HIST_LINEAR	(2 * HIST_SUB)			/* exact below 128 */
#define HIST_LIMIT	60000000ULL			/* 60 s in us */
#define HIST_TOP_EXP	26				/* 2^26 > 60 s */
#define HIST_BUCKETS	(HIST_LINEAR + (HIST_TOP_EXP - 7) * HIST_SUB)

struct hist {
	uint64_t	 n;
	uint64_t	 max;
	uint64_t	 b[HIST_BUCKETS];
};

static unsigned
hist_index(uint64_t v)
{
	unsigned	 e, sub;

	if (v > HIST_LIMIT)
		v = HIST_LIMIT;
	if (v < HIST_LINEAR)
		return (v);
	e = 63 - __builtin_clzll(v);
	sub = (v >> (e - HIST_SUB_BITS)) & (HIST_SUB - 1);
	return (HIST_LINEAR + (e - 7) * HIST_SUB + sub);
}

/* The middle of bucket i. */
static uint64_t
hist_value(unsigned i)
{
	unsigned	 e, sub;
	uint64_t	 lo, width;

	if (i < HIST_LINEAR)
		return (i);
	e = 7 + (i - HIST_LINEAR) / HIST_SUB;
	sub = (i - HIST_LINEAR) % HIST_SUB;
	width = 1ULL << (e - HIST_SUB_BITS);
	lo = (1ULL << e) + sub * width;
	return (lo + width / 2);
}

struct hist *
hist_new(void)
{
	return (xcalloc(1, sizeof(struct hist)));
}

void
hist_free(struct hist *h)
{
	free(h);
}

void
hist_add(struct hist *h, uint64_t us)
{
	h->b[hist_index(us)]++;
	h->n++;
	if (us > h->max)
		h->max = us;
}

uint64_t
hist_count(const struct hist *h)
{
	return (h->n);
}

uint64_t
hist_max(const struct hist *h)
{
	return (h->max);
}

/* The value under which a fraction p (0..1) of the samples lie. */
uint64_t
hist_percentile(const struct hist *h, double p)
{
	uint64_t	 want, seen = 0, v;
	unsigned	 i;

	if (h->n == 0)
		return (0);
	want = (uint64_t)(p * (double)h->n + 0.999999);
	if (want == 0)
		want = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= want) {
			v = hist_value(i);
			return (v > h->max ? h->max : v);
		}
	}
	return (h->max);
}

void
hist_clear(struct hist *h)
{
	memset(h, 0, sizeof *h);
}

size_t
hist_nbuckets(void)
{
	return (HIST_BUCKETS);
}

/* Bucket i's count; *value is its middle (capped at the maximum). */
uint64_t
hist_bucket(const struct hist *h, size_t i, uint64_t *value)
{
	uint64_t	 v;

	if (i >= HIST_BUCKETS)
		return (0);
	v = hist_value(i);
	*value = v > h->max ? h->max : v;
	return (h->b[i]);
}
