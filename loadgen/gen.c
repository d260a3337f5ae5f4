/*
 * gen.c -- the event generator: open-loop Poisson arrivals, run from the
 * 1 ms tick. Each arrival goes to a unit chosen at random (or by the
 * scenario: scenario_pick()); the unit queues it if it is busy
 * (sim_arrival()). The random numbers are prng.c's.
 */
#include <math.h>
#include <stdint.h>

#include "runtime.h"
#include "loadgen.h"

static uint64_t	 gen_next_us;	/* next arrival */

/* Exponential inter-arrival time for the total rate, in us. */
static uint64_t
gen_interval(void)
{
	double	 us;

	us = -log(prng_uniform()) * 1e6 / lg.rate;
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
