/*
 * wheel.c -- a hashed timer wheel with 1 ms slots, one deadline per unit.
 * Insert and delete are O(1); a deadline past the wheel's span waits in
 * its slot until its turn comes round. A deadline that comes is handed to
 * the fire function given to wheel_init() (sim_timer()); the wheel calls
 * nothing else. One thread (the event loop).
 */
#include <sys/queue.h>

#include <stdint.h>

#include "runtime.h"
#include "loadgen.h"

#define WHEEL_SLOTS	8192		/* power of two: 8.2 s */

static struct unit_list	 wheel_slot[WHEEL_SLOTS];
static struct unit_list	 wheel_due;	/* the slot being run */
static uint64_t		 wheel_cur;	/* next slot to run, ms */
static wheel_fire_fn	*wheel_fire;	/* a unit's deadline came */

/* on_wheel: 0 off, 1 in its slot, 2 in wheel_due. */

void
wheel_init(uint64_t now_ms, wheel_fire_fn *fire)
{
	unsigned	 i;

	for (i = 0; i < WHEEL_SLOTS; i++)
		TAILQ_INIT(&wheel_slot[i]);
	TAILQ_INIT(&wheel_due);
	wheel_cur = now_ms;
	wheel_fire = fire;
}

void
wheel_del(struct unit *u)
{
	if (u->on_wheel == 0)
		return;
	if (u->on_wheel == 2)
		TAILQ_REMOVE(&wheel_due, u, wentry);
	else
		TAILQ_REMOVE(&wheel_slot[u->deadline & (WHEEL_SLOTS - 1)], u,
		    wentry);
	u->on_wheel = 0;
}

/* Set (or move) the unit's deadline, in ms. */
void
wheel_add(struct unit *u, uint64_t when_ms)
{
	wheel_del(u);
	if (when_ms < wheel_cur)
		when_ms = wheel_cur;
	u->deadline = when_ms;
	u->on_wheel = 1;
	TAILQ_INSERT_TAIL(&wheel_slot[when_ms & (WHEEL_SLOTS - 1)], u, wentry);
}

/* Fire every deadline up to now_ms. */
void
wheel_run(uint64_t now_ms)
{
	struct unit	*u;
	uint64_t	 now_us;

	now_us = now_ms * 1000;
	while (wheel_cur <= now_ms) {
		TAILQ_CONCAT(&wheel_due,
		    &wheel_slot[wheel_cur & (WHEEL_SLOTS - 1)], wentry);
		TAILQ_FOREACH(u, &wheel_due, wentry)
			u->on_wheel = 2;
		wheel_cur++;	/* re-added deadlines go to a later slot */
		while ((u = TAILQ_FIRST(&wheel_due)) != NULL) {
			TAILQ_REMOVE(&wheel_due, u, wentry);
			u->on_wheel = 0;
			if (u->deadline > now_ms) {
				wheel_add(u, u->deadline);
				continue;
			}
			wheel_fire(u, now_us);
		}
	}
}
