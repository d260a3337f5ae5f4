/*
 * responder_book.c -- the pages a responder has: each page arcd sent
 * (a page sent again after a reconnect updates the one kept), its state
 * as arcd acked it, the reply waiting for its ack and the last ack in
 * words. Kept across lost broker connections; bounded at RESP_PAGES
 * (the oldest finished page goes first, counted). No curses, no sockets;
 * now (monotonic ms) passed in. Called by responder_link.c, _ui.c and
 * _auto.c; main thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"
#include "responder.h"

static const char *resp_state_names[] = {
	[RESP_PAGED] = "paged",
	[RESP_ACCEPTED] = "on the way",
	[RESP_DECLINED] = "declined",
	[RESP_ARRIVED_ON_SITE] = "arrived",
	[RESP_INSIDE] = "inside",
	[RESP_CLEARED] = "cleared",
	[RESP_WITHDRAWN] = "withdrawn",
	[RESP_REFUSED] = "finished",
};

const char *
responder_book_state_name(enum resp_state s)
{
	if (s < 0 || s > RESP_REFUSED)
		return ("?");
	return (resp_state_names[s]);
}

void
responder_book_init(struct resp_book *b)
{
	memset(b, 0, sizeof *b);
}

struct resp_page *
responder_book_find(struct resp_book *b, int64_t id)
{
	size_t	 i;

	for (i = 0; i < b->n; i++) {
		if (b->pages[i].id == id)
			return (&b->pages[i]);
	}
	return (NULL);
}

struct resp_page *
responder_book_selected(struct resp_book *b)
{
	return (b->sel == 0 ? NULL : responder_book_find(b, b->sel));
}

/* Is the page still this responder's to answer? */
int
responder_book_open(const struct resp_page *p)
{
	return (p->state == RESP_PAGED || p->state == RESP_ACCEPTED ||
	    p->state == RESP_ARRIVED_ON_SITE || p->state == RESP_INSIDE);
}

/* Make room for one more: the oldest finished page, else the oldest. */
static void
responder_book_evict(struct resp_book *b)
{
	size_t	 i, victim = 0;

	for (i = 0; i < b->n; i++) {
		if (!responder_book_open(&b->pages[i])) {
			victim = i;
			break;
		}
	}
	if (b->sel == b->pages[victim].id)
		b->sel = 0;
	memmove(&b->pages[victim], &b->pages[victim + 1],
	    (b->n - victim - 1) * sizeof b->pages[0]);
	b->n--;
	b->dropped++;
}

/* A page: new, or sent again (its fields refreshed, its state kept). */
static void
responder_book_page(struct resp_book *b, const struct resp_page *m,
    int64_t now)
{
	struct resp_page	*p, *sel;
	struct resp_page	 keep;

	if ((p = responder_book_find(b, m->id)) != NULL) {
		keep = *p;
		*p = *m;
		p->state = keep.state;
		p->sent = keep.sent;
		p->since = keep.since;
		memcpy(p->ack, keep.ack, sizeof p->ack);
		return;
	}
	if (b->n == RESP_PAGES)
		responder_book_evict(b);
	p = &b->pages[b->n++];
	*p = *m;
	p->state = RESP_PAGED;
	p->sent = 0;
	p->ack[0] = '\0';
	p->since = now;
	p->news = 1;
	b->paged++;
	sel = responder_book_selected(b);
	if (sel == NULL || !responder_book_open(sel))
		b->sel = p->id;
}

static void
responder_book_withdraw(struct resp_book *b, int64_t id, int64_t now)
{
	struct resp_page	*p;

	if ((p = responder_book_find(b, id)) == NULL) {
		b->stray++;
		return;
	}
	if (!responder_book_open(p))
		return;
	p->state = RESP_WITHDRAWN;
	p->sent = 0;
	p->news = 1;
	p->since = now;
	strlcpy(p->ack, "withdrawn: this page is no longer yours",
	    sizeof p->ack);
}

/* What an acked action makes of the page. */
static enum resp_state
responder_book_after(enum resp_action a)
{
	switch (a) {
	case RESP_ACCEPT:
		return (RESP_ACCEPTED);
	case RESP_DECLINE:
		return (RESP_DECLINED);
	case RESP_ARRIVED:
		return (RESP_ARRIVED_ON_SITE);
	case RESP_ENTRY:
		return (RESP_INSIDE);
	default:
		return (RESP_CLEARED);
	}
}

static void
responder_book_ack(struct resp_book *b, int64_t id, int ok, const char *err,
    int64_t now)
{
	struct resp_page	*p;
	const char		*what, *words;

	if ((p = responder_book_find(b, id)) == NULL || p->sent == 0) {
		b->stray++;		/* not ours, or a duplicate */
		return;
	}
	what = responder_msg_action_name(p->sent - 1);
	if (ok) {
		if (responder_book_open(p))
			p->state = responder_book_after(p->sent - 1);
		snprintf(p->ack, sizeof p->ack, "%s: ok", what);
	} else {
		if ((words = responder_msg_error_words(err)) == NULL)
			words = err;
		snprintf(p->ack, sizeof p->ack, "%s refused: %s", what, words);
		if (strcmp(err, "finished") == 0 && responder_book_open(p))
			p->state = RESP_REFUSED;
	}
	p->sent = 0;
	p->since = now;
	p->news = 1;
}

/*
 * A message from the broker: kind "page" or "ack". 1 if the book
 * changed, 0 if not, -1 if it could not be read (counted).
 */
int
responder_book_input(struct resp_book *b, const char *kind, const char *buf,
    size_t len, int64_t now)
{
	struct resp_page	 m;
	char			 err[64], *cause = NULL;
	int64_t			 id;
	int			 withdrawn, ok;

	if (strcmp(kind, "page") == 0) {
		if (responder_msg_page(buf, len, &m, &withdrawn, &cause) != 0)
			goto bad;
		if (!withdrawn && m.responder != 0 && b->self != 0 &&
		    m.responder != b->self) {
			xasprintf(&cause, "page %lld is responder %lld's",
			    (long long)m.id, (long long)m.responder);
			goto bad;
		}
		if (withdrawn)
			responder_book_withdraw(b, m.id, now);
		else
			responder_book_page(b, &m, now);
		return (1);
	}
	if (strcmp(kind, "ack") == 0) {
		if (responder_msg_ack(buf, len, &id, &ok, err, sizeof err,
		    &cause) != 0)
			goto bad;
		responder_book_ack(b, id, ok, err, now);
		return (1);
	}
	b->stray++;
	return (0);
bad:
	b->bad++;
	log_debug("responder: bad %s: %s", kind, cause);
	free(cause);
	return (-1);
}

/* May action a go now: the page open, no reply waiting, in order? */
int
responder_book_can(const struct resp_page *p, enum resp_action a)
{
	if (!responder_book_open(p) || p->sent != 0)
		return (0);
	switch (a) {
	case RESP_ACCEPT:
	case RESP_DECLINE:
		return (p->state == RESP_PAGED);
	case RESP_ARRIVED:
		return (p->state == RESP_ACCEPTED);
	case RESP_ENTRY:
		return (p->state == RESP_ARRIVED_ON_SITE);
	case RESP_CLEAR:
		return (p->state == RESP_ARRIVED_ON_SITE ||
		    p->state == RESP_INSIDE);
	default:
		return (0);
	}
}

void
responder_book_sent(struct resp_page *p, enum resp_action a, int64_t now)
{
	p->sent = 1 + (int)a;
	p->since = now;
	snprintf(p->ack, sizeof p->ack, "%s sent, waiting for arc",
	    responder_msg_action_name(a));
}

void
responder_book_unsent(struct resp_page *p, const char *why)
{
	snprintf(p->ack, sizeof p->ack, "not sent: %s", why);
}

/* Move the selection by delta pages (newest last), stopping at the ends. */
void
responder_book_select(struct resp_book *b, int delta)
{
	size_t	 i;
	long	 at = (long)b->n - 1;

	if (b->n == 0)
		return;
	for (i = 0; i < b->n; i++) {
		if (b->pages[i].id == b->sel)
			at = (long)i;
	}
	at += delta;
	if (at < 0)
		at = 0;
	if (at >= (long)b->n)
		at = (long)b->n - 1;
	b->sel = b->pages[at].id;
}
