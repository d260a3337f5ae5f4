/*
 * supervise.c -- every unit has a deadline: its supervision interval (its
 * row's, else supervision_default) plus supervision_grace after the last
 * valid frame. Missing it raises a P3 "unit silent" event through the
 * normal pipeline (stored, alarm, audit); the unit's next frame raises the
 * restore ("unit heard again"), which clears a silent alarm no operator has
 * answered yet.
 *
 * Each unit has one timer event. Re-arming on every frame must be cheap
 * for 100,000 units, so the timers sit on libevent common-timeout queues
 * (one per distinct interval: O(1) to re-arm). Deadlines survive a
 * restart: they are derived from the stored last-seen time, never earlier
 * than one grace after start-up (the units were reporting to the backup
 * receiver meanwhile, or will now). A unit never heard is supervised from
 * its first frame.
 *
 * Thread: network thread. Timers carry the unit id, not a pointer: the
 * unit table is rebuilt when units change.
 */
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "arc.h"

#define SUPERVISE_QUEUES	64

struct supervise_queue {
	int			 secs;
	const struct timeval	*tv;	/* libevent's common timeout */
};

static struct event_base	*sup_base;
static const struct config	*sup_cfg;
static struct supervise_queue	 sup_queues[SUPERVISE_QUEUES];
static size_t			 sup_nqueues;

void
supervise_init(struct event_base *base, const struct config *cfg)
{
	sup_base = base;
	sup_cfg = cfg;
	sup_nqueues = 0;
}

static int
supervise_secs(const struct unit *u)
{
	int	 iv = u->interval > 0 ? u->interval : sup_cfg->supervision_default;

	return (iv + sup_cfg->supervision_grace);
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

/* The common timeout for a duration, or NULL past SUPERVISE_QUEUES. */
static const struct timeval *
supervise_queue(int secs)
{
	struct timeval	 tv = { secs, 0 };
	size_t		 i;

	for (i = 0; i < sup_nqueues; i++)
		if (sup_queues[i].secs == secs)
			return (sup_queues[i].tv);
	if (sup_nqueues == SUPERVISE_QUEUES)
		return (NULL);
	sup_queues[sup_nqueues].secs = secs;
	sup_queues[sup_nqueues].tv = event_base_init_common_timeout(sup_base,
	    &tv);
	return (sup_queues[sup_nqueues++].tv);
}

static void
supervise_cb(evutil_socket_t fd, short what, void *arg)
{
	struct unit	*u;
	int64_t		 now = now_ms();

	(void)fd;
	(void)what;
	if ((u = unit_by_id((int64_t)(intptr_t)arg)) == NULL || u->silent)
		return;
	u->silent = 1;
	log_notice("unit %s: silent (nothing for %d s)", u->account,
	    supervise_secs(u));
	ingest_system_event(u, "YS", CLASS_P3, "unit silent", now);
	ingest_unit_silent(u->id, now);
}

/*
 * After a (re)load: the timer from the last-seen time. Only at start-up
 * does an overdue unit get one grace; a reload of the unit table (a unit
 * added or changed) must not postpone anyone's deadline.
 */
void
supervise_arm(struct unit *u, int64_t now, int startup)
{
	struct timeval	 tv;
	int64_t		 d;

	if (u->sup_ev == NULL)
		u->sup_ev = evtimer_new(sup_base, supervise_cb,
		    (void *)(intptr_t)u->id);
	if (u->silent)
		return;			/* until it is heard again */
	if ((d = supervise_deadline(u->last_seen, supervise_secs(u),
	    startup ? sup_cfg->supervision_grace : 0, now)) == 0)
		return;			/* from its first frame */
	d -= now;
	tv.tv_sec = d / 1000;
	tv.tv_usec = (d % 1000) * 1000;
	evtimer_add(u->sup_ev, &tv);
}

/* A valid frame from the unit: a new deadline, and maybe a restore. */
void
supervise_touch(struct unit *u, int64_t now)
{
	const struct timeval	*q;
	struct timeval		 tv;

	if (u->sup_ev == NULL)
		return;
	if (u->silent) {
		u->silent = 0;
		log_notice("unit %s: heard again", u->account);
		ingest_system_event(u, "YK", CLASS_P4, "unit heard again",
		    now);
		ingest_unit_silent(u->id, 0);
	}
	if ((q = supervise_queue(supervise_secs(u))) == NULL) {
		tv.tv_sec = supervise_secs(u);
		tv.tv_usec = 0;
		q = &tv;
	}
	evtimer_add(u->sup_ev, q);
}

void
supervise_disarm(struct unit *u)
{
	if (u->sup_ev != NULL)
		event_free(u->sup_ev);
	u->sup_ev = NULL;
}
