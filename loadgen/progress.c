/*
 * progress.c -- the progress line: sent, ACKed, NAKed, in flight, the
 * ACK rate of the last interval and the ACK p99 so far, on stderr.
 *
 * On a terminal one line rewritten in place (\r) every second by default;
 * elsewhere nothing unless --progress S asks for a plain line every S
 * seconds. Called from loadgen's 1 ms tick: no thread, no timer of its own.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "runtime.h"
#include "loadgen.h"

static struct {
	int		 tty;
	uint64_t	 every;		/* us; 0: off */
	uint64_t	 next;		/* us: the next line */
	uint64_t	 last_us;	/* the previous line's time */
	uint64_t	 last_acked;	/* and lg.st.acked then */
	int		 shown;		/* a line is on the terminal */
} pr;

void
progress_init(double every, int tty, uint64_t now)
{
	pr.tty = tty;
	pr.every = (uint64_t)(every * 1e6);
	pr.next = now + pr.every;
	pr.last_us = now;
}

static const char *
progress_phase(void)
{
	switch (lg.phase) {
	case PHASE_CONNECT:
		return ("connecting");
	case PHASE_RUN:
		return ("sending");
	case PHASE_DRAIN:
		return ("draining");
	default:
		return ("done");
	}
}

static void
progress_line(uint64_t now)
{
	struct loadgen_stats	*st = &lg.st;
	double			 s, rate;

	s = (double)(now - pr.last_us) / 1e6;
	rate = s > 0 ? (double)(st->acked - pr.last_acked) / s : 0;
	pr.last_us = now;
	pr.last_acked = st->acked;
	fprintf(stderr, "%s%5.0f s %-10s sent %" PRIu64 "  acked %" PRIu64
	    "  nak %" PRIu64 "  in flight %" PRIu64 "  %.0f/s  p99 %.3f ms"
	    "  up %" PRIu64 "%s", pr.tty ? "\r" : "",
	    (double)(now - lg.start_us) / 1e6, progress_phase(), st->sent,
	    st->acked, st->nak, st->inflight, rate,
	    (double)hist_percentile(lg.lat, 0.99) / 1000.0, st->connected,
	    pr.tty ? "\033[K" : "\n");
	fflush(stderr);
	pr.shown = pr.tty;
}

void
progress_tick(uint64_t now)
{
	if (pr.every == 0 || now < pr.next)
		return;
	progress_line(now);
	pr.next += pr.every;
	if (pr.next <= now)
		pr.next = now + pr.every;
}

/* The run is over: end the terminal's line so the summary starts clean. */
void
progress_end(void)
{
	if (pr.shown)
		fputc('\n', stderr);
	pr.shown = 0;
}
