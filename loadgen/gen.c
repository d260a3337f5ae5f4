/*
 * gen.c -- the event generator: a seeded PRNG (xoshiro256**) and open-loop
 * Poisson arrivals, run from the 1 ms tick. Each arrival goes to a unit
 * chosen at random; the unit queues it if it is busy.
 */
#include <math.h>
#include <stdint.h>

#include "log.h"
#include "loadgen.h"

static uint64_t	 gen_s[4];
static uint64_t	 gen_next_us;	/* next arrival */

static uint64_t
gen_splitmix(uint64_t *x)
{
	uint64_t	 z;

	z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

void
gen_seed(uint64_t seed)
{
	int	 i;

	for (i = 0; i < 4; i++)
		gen_s[i] = gen_splitmix(&seed);
}

static uint64_t
gen_rotl(uint64_t x, int k)
{
	return ((x << k) | (x >> (64 - k)));
}

uint64_t
gen_random(void)
{
	uint64_t	 r, t;

	r = gen_rotl(gen_s[1] * 5, 7) * 9;
	t = gen_s[1] << 17;
	gen_s[2] ^= gen_s[0];
	gen_s[3] ^= gen_s[1];
	gen_s[1] ^= gen_s[2];
	gen_s[0] ^= gen_s[3];
	gen_s[2] ^= t;
	gen_s[3] = gen_rotl(gen_s[3], 45);
	return (r);
}

/* Uniform in (0, 1]. */
double
gen_uniform(void)
{
	return ((double)((gen_random() >> 11) + 1) * 0x1.0p-53);
}

/* Exponential inter-arrival time for the total rate, in us. */
static uint64_t
gen_interval(void)
{
	double	 us;

	us = -log(gen_uniform()) * 1e6 / lg.rate;
	if (us > 3.6e9)
		us = 3.6e9;
	return ((uint64_t)us);
}

void
gen_start(uint64_t now)
{
	if (lg.rate > 0 && !lg.closed)
		gen_next_us = now + gen_interval();
}

/* Hand out every arrival due by now. */
void
gen_tick(uint64_t now)
{
	struct unit	*u;

	if (lg.phase != PHASE_RUN || lg.rate <= 0 || lg.closed)
		return;
	while (gen_next_us <= now) {
		if ((u = scenario_pick()) != NULL)
			sim_arrival(u);
		gen_next_us += gen_interval();
	}
}
