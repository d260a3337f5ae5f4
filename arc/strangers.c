/*
 * strangers.c -- which console connection not logged in makes room when
 * the table of strangers is full (session.c asks).
 *
 * A flood of connections that never log in must not push out an
 * operator who is logging in. Oldest-first alone does not hold: a flood
 * of a thousand connections a second fills sixteen places in sixteen
 * milliseconds, and an operator's TLS handshake and login on a busy
 * machine take longer, so the operator would be the oldest. So a
 * stranger is ranked by what it did and where it comes from:
 *
 *   - an address that lost a connection here (evicted, or not logged in
 *     in time) in the last STRANGERS_MARK_MS goes first: that is a flood
 *     reconnecting, never an operator's first try;
 *   - then one that has not finished its TLS handshake, then one that
 *     has but sent no line, then one that sent its hello or login;
 *   - one whose password is being checked, only if there is no other.
 * Between equals, the address holding most, then the oldest (session.c).
 *
 * The marks are bounded (STRANGERS_MARKS addresses, keyed by a hash of
 * the address: a collision only moves a stranger up the order); when
 * full they are forgotten at once and counted (strangers_marks_reset).
 *
 * Thread: the main (network) thread, as session.c.
 */
#include <string.h>

#include "arc.h"

#define STRANGERS_MARK_MS	60000
#define STRANGERS_MARKS		4096

static struct hmap	 marks;		/* hash(addr) -> mono ms of a loss */
static int		 marks_ready;

static uint64_t
strangers_key(const char *addr)
{
	return (hash64(addr, strlen(addr), 0));
}

/* addr lost a connection at now (evicted, or timed out before login). */
void
strangers_mark(const char *addr, int64_t now)
{
	if (!marks_ready) {
		hmap_init(&marks, 64);
		marks_ready = 1;
	}
	if (hmap_count(&marks) >= STRANGERS_MARKS) {
		hmap_free(&marks);
		hmap_init(&marks, 64);
		COUNT(C_CONSOLE_MARKS_RESET);
	}
	hmap_put(&marks, strangers_key(addr), (uint64_t)now);
}

static int
strangers_marked(const char *addr, int64_t now)
{
	uint64_t	 at;

	if (!marks_ready || hmap_get(&marks, strangers_key(addr), &at) != 0)
		return (0);
	return (now - (int64_t)at < STRANGERS_MARK_MS);
}

/* How readily s makes room: higher first; 0 only when being checked. */
int
strangers_rank(const struct session *s, int64_t now)
{
	int	 r = 1;

	if (s->checking)
		return (0);
	if (strangers_marked(s->addr, now))
		r += 8;
	if (!s->spoke)
		r += s->tls_up ? 2 : 4;
	return (r);
}

void
strangers_free(void)
{
	if (marks_ready)
		hmap_free(&marks);
	marks_ready = 0;
}
