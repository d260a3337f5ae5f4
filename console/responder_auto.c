/*
 * responder_auto.c -- what arc-responder --auto answers, and when: a new
 * page is accepted (or declined, or left to time out) delay ms after it
 * came; an accepted page is followed, delay ms apart each, by arrived,
 * entry and clear. A reply waits for its ack before the next. Decides
 * only: now (monotonic ms) passed in, the caller sends. Called by
 * responder.c; main thread only.
 */
#include <string.h>

#include "runtime.h"
#include "responder.h"

int
responder_auto_mode(const char *s, enum resp_auto *m)
{
	if (strcmp(s, "accept") == 0)
		*m = RESP_AUTO_ACCEPT;
	else if (strcmp(s, "decline") == 0)
		*m = RESP_AUTO_DECLINE;
	else if (strcmp(s, "ignore") == 0)
		*m = RESP_AUTO_IGNORE;
	else
		return (-1);
	return (0);
}

/* The next step for one page, or -1 for none. */
static int
responder_auto_step(const struct resp_page *p, enum resp_auto m)
{
	switch (p->state) {
	case RESP_PAGED:
		if (m == RESP_AUTO_ACCEPT)
			return (RESP_ACCEPT);
		if (m == RESP_AUTO_DECLINE)
			return (RESP_DECLINE);
		return (-1);
	case RESP_ACCEPTED:
		return (RESP_ARRIVED);
	case RESP_ARRIVED_ON_SITE:
		return (RESP_ENTRY);
	case RESP_INSIDE:
		return (RESP_CLEAR);
	default:
		return (-1);
	}
}

/* The first reply due at now: 1 with its page and action, else 0. */
int
responder_auto_next(struct resp_book *b, enum resp_auto m, int64_t delay,
    int64_t now, int64_t *page, enum resp_action *a)
{
	struct resp_page	*p;
	size_t			 i;
	int			 step;

	if (m == RESP_AUTO_OFF)
		return (0);
	for (i = 0; i < b->n; i++) {
		p = &b->pages[i];
		if (!responder_book_open(p) || p->sent != 0 ||
		    now < p->since + delay)
			continue;
		if ((step = responder_auto_step(p, m)) < 0 ||
		    !responder_book_can(p, step))
			continue;
		*page = p->id;
		*a = step;
		return (1);
	}
	return (0);
}
