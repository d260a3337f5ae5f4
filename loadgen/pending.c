/*
 * pending.c -- the event frames the --console operator has not been shown
 * yet, remembered by (unit, seq) with the time of their first send.
 *
 * A FIFO ring of PENDING_MAX entries indexed by an open-addressing hash
 * (linear probing, backward-shift deletion). Bounded: when the ring is
 * full its oldest entry is evicted, and counted. A frame that is shown is
 * forgotten; one that was ACKed and never shown is what the run waits for
 * at its end and reports as not shown.
 *
 * Owned by console.c (one struct pending); calls nothing but xcalloc.
 * One thread (the event loop).
 */
#include <stdint.h>
#include <stdlib.h>

#include "runtime.h"
#include "loadgen.h"

#define PENDING_MAX		(1U << 18)	/* remembered frames */
#define PENDING_HASH_SIZE	(2 * PENDING_MAX)

/* One remembered event frame. */
struct pending_frame {
	uint64_t	 first_us;
	uint32_t	 idx;		/* unit */
	uint16_t	 seq;
	uint8_t		 live;
	uint8_t		 acked;
};

struct pending {
	struct pending_frame	*ring;		/* owned */
	uint32_t		*hash;		/* owned: ring index + 1 */
	uint64_t		 head, tail;	/* ring positions */
	uint64_t		 acked;		/* ACKed, not shown yet */
	uint64_t		 evicted;	/* forgotten unshown */
};

struct pending *
pending_new(void)
{
	struct pending	*p;

	p = xcalloc(1, sizeof *p);
	p->ring = xcalloc(PENDING_MAX, sizeof *p->ring);
	p->hash = xcalloc(PENDING_HASH_SIZE, sizeof *p->hash);
	return (p);
}

void
pending_free(struct pending *p)
{
	if (p == NULL)
		return;
	free(p->ring);
	free(p->hash);
	free(p);
}

static uint32_t
pending_slot(uint32_t idx, uint16_t seq)
{
	uint64_t	 x = ((uint64_t)idx << 16) | seq;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return ((uint32_t)x & (PENDING_HASH_SIZE - 1));
}

/* The hash slot holding (idx, seq), or -1. */
static int64_t
pending_find(const struct pending *p, uint32_t idx, uint16_t seq)
{
	const struct pending_frame	*f;
	uint32_t			 i, v;

	for (i = pending_slot(idx, seq); (v = p->hash[i]) != 0;
	    i = (i + 1) & (PENDING_HASH_SIZE - 1)) {
		f = &p->ring[v - 1];
		if (f->idx == idx && f->seq == seq)
			return (i);
	}
	return (-1);
}

/* Empty hash slot i and forget its frame; shift the probe run back. */
static void
pending_forget(struct pending *p, uint32_t i)
{
	struct pending_frame	*f;
	uint32_t		 j, home, mask = PENDING_HASH_SIZE - 1;

	f = &p->ring[p->hash[i] - 1];
	if (f->acked)
		p->acked--;
	f->live = 0;
	p->hash[i] = 0;
	for (j = (i + 1) & mask; p->hash[j] != 0; j = (j + 1) & mask) {
		f = &p->ring[p->hash[j] - 1];
		home = pending_slot(f->idx, f->seq);
		/* Move j back to i unless its home lies in (i, j]. */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			p->hash[i] = p->hash[j];
			p->hash[j] = 0;
			i = j;
		}
	}
}

static void
pending_evict(struct pending *p, uint32_t idx, uint16_t seq)
{
	int64_t		 i;

	if ((i = pending_find(p, idx, seq)) == -1)
		return;
	p->evicted++;
	pending_forget(p, i);
}

/* A unit sent an event frame for the first time. */
void
pending_sent(struct pending *p, uint32_t idx, uint16_t seq, uint64_t now)
{
	struct pending_frame	*f;
	uint32_t		 pos, i;

	pending_evict(p, idx, seq);	/* seq wrapped and never shown */
	if (p->tail - p->head == PENDING_MAX) {
		f = &p->ring[p->head % PENDING_MAX];
		if (f->live)
			pending_evict(p, f->idx, f->seq);
		p->head++;
	}
	pos = p->tail++ % PENDING_MAX;
	f = &p->ring[pos];
	f->first_us = now;
	f->idx = idx;
	f->seq = seq;
	f->live = 1;
	f->acked = 0;
	for (i = pending_slot(idx, seq); p->hash[i] != 0;
	    i = (i + 1) & (PENDING_HASH_SIZE - 1))
		;
	p->hash[i] = pos + 1;
}

/* A unit's event frame was ACKed: it must be shown before the end. */
void
pending_acked(struct pending *p, uint32_t idx, uint16_t seq)
{
	struct pending_frame	*f;
	int64_t			 i;

	if ((i = pending_find(p, idx, seq)) == -1)
		return;
	f = &p->ring[p->hash[i] - 1];
	if (!f->acked) {
		f->acked = 1;
		p->acked++;
	}
}

/*
 * An event of unit idx with this seq was shown: forget the frame and put
 * its first send in first_us. -1 if it is not remembered.
 */
int
pending_shown(struct pending *p, uint32_t idx, uint16_t seq,
    uint64_t *first_us)
{
	int64_t		 i;

	if ((i = pending_find(p, idx, seq)) == -1)
		return (-1);
	*first_us = p->ring[p->hash[i] - 1].first_us;
	pending_forget(p, i);
	return (0);
}

/* ACKed frames not shown yet. */
uint64_t
pending_unshown(const struct pending *p)
{
	return (p->acked);
}

uint64_t
pending_evicted(const struct pending *p)
{
	return (p->evicted);
}
