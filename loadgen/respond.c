/*
 * respond.c -- arc-loadgen --responders MIX: on-call responders played
 * against arcd's pages (docs/mqtt.md, "Responders"), so load and storm
 * runs include escalation. Every page that reaches loadgen's responder
 * connection (mqtt.c subscribes arc/responder/+/page and /ack) is
 * accepted, declined or ignored as MIX says (accept=70,decline=20,
 * ignore=10; drawn with the run's seed), after --respond-delay seconds;
 * an accepted page then goes on to arrived, entry and clear, each after
 * the same delay. A withdrawn page cancels what is still to come for it.
 * arc's answers on the ack topic are counted: ok, and refusals.
 *
 * Replies wait on libevent timers in the run's loop; at most RESPOND_MAX
 * pages are followed at once (more are counted and ignored). mqtt.c
 * publishes for it through the hook given to respond_init (no call back
 * into mqtt.c by name). One thread (the event loop).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <jansson.h>

#include "runtime.h"
#include "loadgen.h"

#define RESPOND_MAX	4096

enum respond_next { R_ACCEPT, R_DECLINE, R_ARRIVED, R_ENTRY, R_CLEAR };

static const char *respond_names[] = { "accept", "decline", "arrived",
    "entry", "clear" };

struct respond_page {
	int64_t			 page;
	int64_t			 responder;
	enum respond_next	 next;
	struct event		*ev;		/* owned; NULL: slot free */
};

static struct {
	respond_publish_fn	*publish;
	struct respond_page	 p[RESPOND_MAX];
	uint64_t		 pages, accepted, declined, ignored;
	uint64_t		 withdrawn, replies, ok, refused, dropped;
} rs;

void
respond_init(respond_publish_fn *publish)
{
	rs.publish = publish;
}

static void
respond_forget(struct respond_page *p)
{
	if (p->ev != NULL)
		event_free(p->ev);
	p->ev = NULL;
}

static void
respond_later(struct respond_page *p)
{
	struct timeval	 tv;
	double		 d = lg.respond_delay;

	tv.tv_sec = (time_t)d;
	tv.tv_usec = (suseconds_t)((d - (double)tv.tv_sec) * 1e6);
	event_add(p->ev, &tv);
}

static void
respond_cb(evutil_socket_t fd, short what, void *arg)
{
	struct respond_page	*p = arg;
	char			 topic[64], msg[128];

	(void)fd;
	(void)what;
	snprintf(topic, sizeof topic, "arc/responder/%" PRId64 "/reply",
	    p->responder);
	snprintf(msg, sizeof msg, "{\"page\": %" PRId64 ", \"action\": "
	    "\"%s\"}", p->page, respond_names[p->next]);
	rs.publish(topic, msg);
	rs.replies++;
	if (p->next == R_DECLINE || p->next == R_CLEAR) {
		respond_forget(p);
		return;
	}
	p->next = p->next == R_ACCEPT ? R_ARRIVED : p->next + 1;
	respond_later(p);
}

static struct respond_page *
respond_find(int64_t page)
{
	size_t	 i;

	for (i = 0; i < RESPOND_MAX; i++)
		if (rs.p[i].ev != NULL && rs.p[i].page == page)
			return (&rs.p[i]);
	return (NULL);
}

/* "arc/responder/<id>/page": a page (or its withdrawal) to play. */
void
respond_page(const char *topic, json_t *o)
{
	struct respond_page	*p;
	long long		 rid;
	int64_t			 page;
	double			 x;
	size_t			 i;

	if (sscanf(topic, "arc/responder/%lld/page", &rid) != 1 ||
	    !json_is_integer(json_object_get(o, "page")))
		return;
	page = json_integer_value(json_object_get(o, "page"));
	if (json_is_true(json_object_get(o, "withdrawn"))) {
		rs.withdrawn++;
		if ((p = respond_find(page)) != NULL)
			respond_forget(p);
		return;
	}
	if (respond_find(page) != NULL)
		return;			/* sent again (the link came back) */
	rs.pages++;
	x = prng_uniform() * 100;
	if (x >= lg.respond_accept + lg.respond_decline) {
		rs.ignored++;
		return;
	}
	for (i = 0; i < RESPOND_MAX && rs.p[i].ev != NULL; i++)
		;
	if (i == RESPOND_MAX) {
		rs.dropped++;
		return;
	}
	p = &rs.p[i];
	p->page = page;
	p->responder = rid;
	p->next = x < lg.respond_accept ? R_ACCEPT : R_DECLINE;
	if (p->next == R_ACCEPT)
		rs.accepted++;
	else
		rs.declined++;
	if ((p->ev = evtimer_new(lg.base, respond_cb, p)) == NULL)
		fatalx("evtimer_new failed");
	respond_later(p);
}

/* arc's answer to a reply. */
void
respond_ack(json_t *o)
{
	if (json_is_true(json_object_get(o, "ok")))
		rs.ok++;
	else
		rs.refused++;
}

void
respond_report_json(FILE *f)
{
	if (!lg.responders)
		return;
	fprintf(f, ", \"responders\": {\"pages\": %" PRIu64 ", \"accepted\": "
	    "%" PRIu64 ", \"declined\": %" PRIu64 ", \"ignored\": %" PRIu64
	    ", \"withdrawn\": %" PRIu64 ", \"replies\": %" PRIu64 ", \"ok\": %"
	    PRIu64 ", \"refused\": %" PRIu64 ", \"dropped\": %" PRIu64 "}",
	    rs.pages, rs.accepted, rs.declined, rs.ignored, rs.withdrawn,
	    rs.replies, rs.ok, rs.refused, rs.dropped);
}

void
respond_report_text(void)
{
	if (!lg.responders)
		return;
	printf("responder pages  %" PRIu64 " (accepted %" PRIu64 ", declined "
	    "%" PRIu64 ", ignored %" PRIu64 ", withdrawn %" PRIu64 ")\n",
	    rs.pages, rs.accepted, rs.declined, rs.ignored, rs.withdrawn);
	printf("responder replies %" PRIu64 " (arc: ok %" PRIu64 ", refused %"
	    PRIu64 ")\n", rs.replies, rs.ok, rs.refused);
}

void
respond_free(void)
{
	size_t	 i;

	for (i = 0; i < RESPOND_MAX; i++)
		respond_forget(&rs.p[i]);
}
