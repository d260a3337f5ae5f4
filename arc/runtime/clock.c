/*
 * clock.c -- arc's one clock: wall time (UTC ms) for protocol times,
 * stored times, the audit trail and display; monotonic time (ms) for
 * every deadline, so an NTP step cannot stretch or cut an offer, a hold,
 * a grace period or a supervision interval.
 *
 * Read once per loop turn, as tmux caches its current time: clock_turn()
 * (arcd calls it after each turn) marks the cache stale, and the first
 * clock_wall() or clock_mono() of the next turn -- after the loop woke --
 * reads both clocks. Every decision in one turn sees one time.
 *
 * Tests fix the clock (clock_set) or move it forward (clock_advance:
 * arcd's test build takes that from a loopback control), so deadlines of
 * minutes are tested in microseconds.
 *
 * Thread: whoever runs the loop (arcd's network thread).
 */
#include <time.h>

#include "runtime.h"

static int64_t	 clock_wall_ms, clock_mono_ms;
static int64_t	 clock_offset;		/* clock_advance() so far */
static int	 clock_fixed;
static int	 clock_stale = 1;

static int64_t
clock_read(clockid_t id)
{
	struct timespec	 ts;

	clock_gettime(id, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static void
clock_now(void)
{
	clock_stale = 0;
	if (clock_fixed)
		return;
	clock_wall_ms = clock_read(CLOCK_REALTIME) + clock_offset;
	clock_mono_ms = clock_read(CLOCK_MONOTONIC) + clock_offset;
}

void
clock_turn(void)
{
	clock_stale = 1;
}

int64_t
clock_wall(void)
{
	if (clock_stale)
		clock_now();
	return (clock_wall_ms);
}

int64_t
clock_mono(void)
{
	if (clock_stale)
		clock_now();
	return (clock_mono_ms);
}

void
clock_set(int64_t wall, int64_t mono)
{
	clock_fixed = 1;
	clock_stale = 0;
	clock_wall_ms = wall;
	clock_mono_ms = mono;
}

void
clock_advance(int64_t ms)
{
	if (ms <= 0)
		return;
	clock_offset += ms;
	clock_wall_ms += ms;
	clock_mono_ms += ms;
}
