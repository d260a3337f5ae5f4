/*
 * supervise.c -- every unit has a deadline: its supervision interval (its
 * own, else the default) plus a grace after the last valid frame. Missing
 * it makes the unit silent; the pipeline raises a P3 "unit silent" event
 * through the normal path, and the unit's next frame the restore ("unit
 * heard again").
 *
 * Deadlines are data: unit->deadline (monotonic ms) and one heap of
 * (deadline, unit id) run by one tick. A frame only moves unit->deadline
 * later (O(1), on every frame of 100,000 units); when a heap entry comes
 * due the unit is checked again and, if its deadline moved, pushed back
 * with the new one. A deadline moved earlier (a shorter interval) gets a
 * new entry; unit->queued_at names the entry that counts, so an older
 * one is skipped when it comes up. Deadlines
 * survive a restart: derived from the stored last-seen time, never
 * earlier than one grace after start-up (the units were reporting to the
 * backup receiver meanwhile, or will now). A unit never heard is
 * supervised from its first frame.
 *
 * Thread: the network thread. Entries carry the unit id: a unit removed
 * meanwhile is simply not found.
 */
#include "core.h"

static int		 sup_default = 3600, sup_grace = 60;
static struct heap	 sup_heap;

void
supervise_init(int default_s, int grace_s)
{
	supervise_limits(default_s, grace_s);
	heap_free(&sup_heap);
}

/* The defaults again (a reload): each unit takes them at its next frame. */
void
supervise_limits(int default_s, int grace_s)
{
	sup_default = default_s;
	sup_grace = grace_s;
}

void
supervise_free(void)
{
	heap_free(&sup_heap);
}

int
supervise_secs(const struct unit *u)
{
	return ((u->interval > 0 ? u->interval : sup_default) + sup_grace);
}

/*
 * The deadline of a unit last heard at `seen` (ms), at `now`; 0 for a unit
 * never heard (not installed yet: supervised from its first frame).
 */
int64_t
supervise_deadline(int64_t seen, int secs, int grace, int64_t now)
{
	int64_t	 d = seen + secs * 1000LL;

	if (seen == 0)
		return (0);
	if (d < now + grace * 1000LL)
		d = now + grace * 1000LL;	/* at start-up: one grace */
	return (d);
}

/* Make sure an entry comes up no later than the unit's deadline. */
static void
supervise_queue(struct unit *u)
{
	if (u->deadline == 0 ||
	    (u->queued_at != 0 && u->queued_at <= u->deadline))
		return;
	heap_push(&sup_heap, u->deadline, (uint64_t)u->id);
	u->queued_at = u->deadline;
}

/*
 * After a (re)load: the deadline from the last-seen time (wall), as a
 * monotonic deadline. Only at start-up does an overdue unit get one grace;
 * a change to the unit table must not postpone anyone's deadline.
 */
void
supervise_arm(struct unit *u, int64_t wall, int64_t mono, int startup)
{
	int64_t	 d;

	if (u->silent)
		return;			/* until it is heard again */
	d = supervise_deadline(u->last_seen, supervise_secs(u),
	    startup ? sup_grace : 0, wall);
	if (d == 0)
		return;			/* from its first frame */
	u->deadline = mono + (d - wall);
	supervise_queue(u);
}

int
supervise_touch(struct unit *u, int64_t mono)
{
	int	 was = u->silent;

	u->silent = 0;
	u->deadline = mono + supervise_secs(u) * 1000LL;
	supervise_queue(u);
	return (was);
}

int
supervise_lost(struct unit *u)
{
	if (u->silent)
		return (0);
	u->silent = 1;
	u->deadline = 0;
	return (1);
}

size_t
supervise_due(int64_t mono, void (*fn)(struct unit *, void *), void *arg)
{
	struct unit	*u;
	int64_t		 at;
	uint64_t	 id;
	size_t		 n = 0;

	while (heap_top(&sup_heap, &at, &id) == 0 && at <= mono) {
		heap_pop(&sup_heap);
		if ((u = unit_by_id((int64_t)id)) == NULL ||
		    u->queued_at != at)
			continue;	/* removed, or an older entry */
		u->queued_at = 0;
		if (u->deadline == 0 || u->silent)
			continue;
		if (u->deadline > mono) {
			supervise_queue(u);	/* heard since: moved on */
			continue;
		}
		u->silent = 1;
		u->deadline = 0;
		fn(u, arg);
		n++;
	}
	return (n);
}

/*
 * The unit's "silent" (silent 1) or "heard again" event could not be
 * stored: as it was. Silent is raised again a second later; heard again
 * waits for the unit's next frame.
 */
void
supervise_undo(struct unit *u, int silent, int64_t mono)
{
	if (silent) {
		u->silent = 0;
		u->deadline = mono + 1000;
		supervise_queue(u);
	} else {
		u->silent = 1;
		u->deadline = 0;
	}
}

int64_t
supervise_next(void)
{
	int64_t	 at;

	return (heap_top(&sup_heap, &at, NULL) == 0 ? at : 0);
}
