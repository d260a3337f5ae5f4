/*
 * series.c -- the run second by second: events sent, ACKed and NAKed in
 * each second and the ACK latency of that second (p50, p99, max), for the
 * results file and its plot (report.c, plot.c).
 *
 * Bounded: at most SERIES_MAX seconds are kept (a day); later seconds are
 * counted as dropped, the totals still hold them. Without --report none
 * are kept (make run's units play for a day). Time is loadgen's
 * monotonic clock; second 0 starts when the units start sending.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"
#include "loadgen.h"

#define SERIES_MAX	86400

static struct {
	struct series_sample	*s;		/* owned: kept seconds */
	size_t			 n;
	size_t			 size;
	uint64_t		 dropped;	/* seconds past SERIES_MAX */
	int			 keep;		/* 0: count, keep nothing */
	uint64_t		 origin;	/* us: start of second 0 */
	uint64_t		 second;	/* the second being counted */
	struct series_sample	 cur;
	struct hist		*lat;		/* owned: this second's */
} se;

/* keep: the seconds are wanted (--report); else they are not kept. */
void
series_init(uint64_t now, int keep)
{
	se.keep = keep;
	se.lat = hist_new();
	series_start(now);
}

/* Second 0 begins now; what was counted before stays in it. */
void
series_start(uint64_t now)
{
	se.origin = now;
	se.second = 0;
}

void
series_sent(void)
{
	se.cur.sent++;
}

void
series_nak(void)
{
	se.cur.nak++;
}

void
series_acked(uint64_t us)
{
	se.cur.acked++;
	hist_add(se.lat, us);
}

static void
series_keep(const struct series_sample *s)
{
	if (!se.keep)
		return;
	if (se.n == SERIES_MAX) {
		se.dropped++;
		return;
	}
	if (se.n == se.size) {
		se.size = se.size == 0 ? 64 : se.size * 2;
		if (se.size > SERIES_MAX)
			se.size = SERIES_MAX;
		se.s = xreallocarray(se.s, se.size, sizeof *se.s);
	}
	se.s[se.n++] = *s;
}

/* Close the second being counted (and any silent ones up to now). */
static void
series_close(uint64_t now)
{
	struct series_sample	 zero;
	uint64_t		 at;

	se.cur.t = se.second;
	if (se.cur.acked != 0) {
		se.cur.p50_us = hist_percentile(se.lat, 0.5);
		se.cur.p99_us = hist_percentile(se.lat, 0.99);
		se.cur.max_us = hist_max(se.lat);
	}
	series_keep(&se.cur);
	memset(&se.cur, 0, sizeof se.cur);
	hist_clear(se.lat);
	se.second++;
	at = (now - se.origin) / 1000000;
	memset(&zero, 0, sizeof zero);
	while (se.second < at) {
		zero.t = se.second++;
		series_keep(&zero);
	}
}

/* Called every tick: a second is over, close it. */
void
series_tick(uint64_t now)
{
	if (now >= se.origin + (se.second + 1) * 1000000)
		series_close(now);
}

/* The run is over: the partial second is the last sample. */
void
series_finish(uint64_t now)
{
	if (se.cur.sent != 0 || se.cur.acked != 0 || se.cur.nak != 0 ||
	    se.n == 0)
		series_close(now);
}

const struct series_sample *
series_samples(size_t *n, uint64_t *dropped)
{
	*n = se.n;
	*dropped = se.dropped;
	return (se.s);
}

void
series_free(void)
{
	free(se.s);
	hist_free(se.lat);
	memset(&se, 0, sizeof se);
}
