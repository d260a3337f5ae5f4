/*
 * prng.c -- loadgen's random numbers: xoshiro256**, seeded through
 * splitmix64 from --seed, so a seeded run makes the same choices again.
 *
 * The bottom of loadgen with lg.c: used by gen.c, frame.c, scenario.c and
 * sim.c; calls nothing. One thread (the event loop).
 */
#include <stdint.h>

#include "runtime.h"
#include "loadgen.h"

static uint64_t	 prng_s[4];

static uint64_t
prng_splitmix(uint64_t *x)
{
	uint64_t	 z;

	z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

void
prng_seed(uint64_t seed)
{
	int	 i;

	for (i = 0; i < 4; i++)
		prng_s[i] = prng_splitmix(&seed);
}

static uint64_t
prng_rotl(uint64_t x, int k)
{
	return ((x << k) | (x >> (64 - k)));
}

uint64_t
prng_random(void)
{
	uint64_t	 r, t;

	r = prng_rotl(prng_s[1] * 5, 7) * 9;
	t = prng_s[1] << 17;
	prng_s[2] ^= prng_s[0];
	prng_s[3] ^= prng_s[1];
	prng_s[1] ^= prng_s[2];
	prng_s[0] ^= prng_s[3];
	prng_s[2] ^= t;
	prng_s[3] = prng_rotl(prng_s[3], 45);
	return (r);
}

/* Uniform in (0, 1]. */
double
prng_uniform(void)
{
	return ((double)((prng_random() >> 11) + 1) * 0x1.0p-53);
}
