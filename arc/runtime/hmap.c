/*
 * hmap.c -- an open-addressing hash map from uint64 keys to uint64 values
 * (ids, or pointers cast through uintptr_t), linear probing with
 * backward-shift deletion, so there are no tombstones and lookups stay
 * short under churn. Keys are mixed with a per-map random seed so a
 * hostile peer cannot aim collisions at one probe chain.
 *
 * Thread: the caller's; a map belongs to one thread (hash64 is pure).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "runtime.h"

static uint64_t
hmap_mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return (x);
}

/*
 * Eight bytes a step (multiply, rotate), finished with a strong mix;
 * stable across runs for a seed (event.dedupe stores it). Not keyed: a
 * table a peer can aim at mixes its keys again with a random seed.
 */
uint64_t
hash64(const void *buf, size_t len, uint64_t seed)
{
	const uint8_t	*p = buf;
	uint64_t	 h = 0xcbf29ce484222325ULL ^ seed, w;
	size_t		 n = len;

	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&w, p, 8);
		w *= 0x87c37b91114253d5ULL;
		h ^= (w << 31) | (w >> 33);
		h = ((h << 27) | (h >> 37)) * 5 + 0x52dce729;
	}
	if (n > 0) {
		w = 0;
		memcpy(&w, p, n);
		w *= 0x4cf5ad432745937fULL;
		h ^= (w << 33) | (w >> 31);
	}
	return (hmap_mix(h ^ len));
}

void
hmap_init(struct hmap *m, size_t hint)
{
	size_t	 cap = 16;

	while (cap < hint * 2)
		cap <<= 1;
	m->cap = cap;
	m->n = 0;
	m->keys = xcalloc(cap, sizeof *m->keys);
	m->vals = xcalloc(cap, sizeof *m->vals);
	m->used = xcalloc(cap, 1);
	if (getrandom(&m->seed, sizeof m->seed, 0) != sizeof m->seed)
		m->seed = (uint64_t)(uintptr_t)m ^ 0x9e3779b97f4a7c15ULL;
}

void
hmap_free(struct hmap *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
	memset(m, 0, sizeof *m);
}

static size_t
hmap_slot(const struct hmap *m, uint64_t key)
{
	return (hmap_mix(key ^ m->seed) & (m->cap - 1));
}

static void
hmap_grow(struct hmap *m)
{
	struct hmap	 old = *m;
	size_t		 i;

	m->cap = old.cap * 2;
	m->n = 0;
	m->keys = xcalloc(m->cap, sizeof *m->keys);
	m->vals = xcalloc(m->cap, sizeof *m->vals);
	m->used = xcalloc(m->cap, 1);
	for (i = 0; i < old.cap; i++)
		if (old.used[i])
			hmap_put(m, old.keys[i], old.vals[i]);
	free(old.keys);
	free(old.vals);
	free(old.used);
}

int
hmap_get(const struct hmap *m, uint64_t key, uint64_t *val)
{
	size_t	 i;

	if (m->cap == 0)
		return (-1);
	for (i = hmap_slot(m, key); m->used[i]; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			if (val != NULL)
				*val = m->vals[i];
			return (0);
		}
	}
	return (-1);
}

void
hmap_put(struct hmap *m, uint64_t key, uint64_t val)
{
	size_t	 i;

	if ((m->n + 1) * 4 > m->cap * 3)
		hmap_grow(m);
	for (i = hmap_slot(m, key); m->used[i]; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			m->vals[i] = val;
			return;
		}
	}
	m->used[i] = 1;
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
}

int
hmap_del(struct hmap *m, uint64_t key)
{
	size_t	 i, j, k, mask = m->cap - 1;

	if (m->cap == 0)
		return (-1);
	for (i = hmap_slot(m, key); m->used[i]; i = (i + 1) & mask)
		if (m->keys[i] == key)
			break;
	if (!m->used[i])
		return (-1);
	/* Backward shift: pull later members of the chain into the hole. */
	for (j = (i + 1) & mask; m->used[j]; j = (j + 1) & mask) {
		k = hmap_slot(m, m->keys[j]);
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			m->keys[i] = m->keys[j];
			m->vals[i] = m->vals[j];
			i = j;
		}
	}
	m->used[i] = 0;
	m->n--;
	return (0);
}

size_t
hmap_count(const struct hmap *m)
{
	return (m->n);
}

int
hmap_next(const struct hmap *m, size_t *it, uint64_t *key, uint64_t *val)
{
	size_t	 i;

	for (i = *it; i < m->cap; i++) {
		if (!m->used[i])
			continue;
		if (key != NULL)
			*key = m->keys[i];
		if (val != NULL)
			*val = m->vals[i];
		*it = i + 1;
		return (1);
	}
	*it = m->cap;
	return (0);
}
