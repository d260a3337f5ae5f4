/*
 * ingest.c -- decoded events from any protocol, to the store and back.
 *
 * An adapter (dc09.c today; MQTT and SIP next) decodes a frame and hands
 * it here with its origin: where it came from and how to acknowledge it
 * (struct origin and its ops). Here, whatever the protocol: the unit by
 * (protocol, account), last-seen and supervision, dedupe, the
 * unregistered-traffic limit, the pending bound, the alarm decision
 * (alarmio_frame: the alarm rows ride in the same request as the events),
 * the commit, and the acknowledgement through the origin once the store
 * says the events are durable.
 *
 * Thread boundary: a struct pending (owned here) goes to the store writer
 * inside its store_req and comes back through commit.c. Across that gap
 * we hold copies (the origin, with the transport's connection id), never
 * pointers to connections or units.
 */
#include <stdlib.h>
#include <string.h>

#include "arc.h"

struct waiter {
	struct origin	 o;
	struct waiter	*next;
};

struct pending {
	struct store_req req;
	uint64_t	 dkey;
	struct origin	 o;
	struct waiter	*waiters;	/* owned: copies awaiting this */
	int		 nwaiters;
	int		 system;	/* raised by arcd: nobody to answer */
	struct alarm_write *aw;		/* alarmio's, until done */
	size_t		 nev;
	struct db_event	 ev[];		/* then the raw frame */
};

#define INGEST_MAX_WAITERS	16
#define INGEST_MAX_DUP_WRITES	4096	/* dup-count writes in flight */

static const struct config	*ingest_cfg;
static uint8_t			 ingest_secret[16];	/* the dedupe key */
static struct bucket_rate	 ingest_unreg;	/* per source */
static struct bucket_rate	 ingest_unreg_all_rate;
static struct bucket		 ingest_unreg_all;	/* every source */
static size_t			 ingest_npending;
static size_t			 ingest_ndups;
static int64_t			 ingest_last_flush;

static void	ingest_done(struct store_req *);

/*
 * The dedupe key of a frame: SipHash of (protocol, what a retransmission
 * repeats) under this database's random key, so no unit can make a new
 * event look like a copy of another. Stored in event.dedupe.
 */
static uint64_t
ingest_key(const char *protocol, const void *ident, size_t len)
{
	uint8_t	 buf[16 + DC09_MAX_FRAME + 64];
	size_t	 p = strnlen(protocol, 15);

	memcpy(buf, protocol, p);
	buf[p++] = '\0';
	if (len > sizeof buf - p)
		len = sizeof buf - p;
	memcpy(buf + p, ident, len);
	return (siphash(ingest_secret, buf, p + len) & INT64_MAX);
}

static void
ingest_ack(const struct origin *o)
{
	COUNT(C_ACKS);
	o->ops->ack(o);
}

static void
ingest_log(const struct pending *p, const char *what)
{
	const struct db_event	*e;
	size_t			 i;

	if (log_verbose() < 1)
		return;
	for (i = 0; i < p->nev; i++) {
		e = &p->ev[i];
		log_info("event %s seq %04d %s %s %s P%d%s%s%s%s: %s %lld",
		    e->account, e->seq, e->token,
		    e->raw_code[0] ? e->raw_code : "-", e->code, e->class,
		    e->area[0] ? " area " : "", e->area,
		    e->zone[0] ? " zone " : "", e->zone, what,
		    (long long)e->id);
	}
}

static struct pending *
ingest_pending_new(const char *protocol, const struct ingest_in *in,
    const struct unit *u, uint64_t dkey)
{
	struct pending	*p;
	struct db_event	*e;
	uint8_t		*raw;
	size_t		 i;

	/* Only the header needs zeroing: the events and the frame are copied. */
	p = xmalloc(sizeof *p + in->nev * sizeof p->ev[0] + in->rawlen);
	memset(p, 0, sizeof *p);
	raw = (uint8_t *)&p->ev[in->nev];
	if (in->rawlen > 0)
		memcpy(raw, in->raw, in->rawlen);
	p->nev = in->nev;
	p->dkey = dkey;
	for (i = 0; i < in->nev; i++) {
		e = &p->ev[i];
		*e = in->ev[i];
		e->unit_id = u != NULL ? u->id : 0;
		strlcpy(e->protocol, protocol, sizeof e->protocol);
		strlcpy(e->account, in->account, sizeof e->account);
		e->dedupe = (int64_t)dkey;
		e->part = (int)i;
		e->received_at = clock_wall();
		strlcpy(e->source, in->source, sizeof e->source);
		if (u == NULL)
			e->flags |= EVENT_UNREGISTERED;
		e->raw = (const char *)raw;
		e->raw_len = in->rawlen;
		e->alarm_id = 0;
		if (e->flags & EVENT_UNKNOWN_CODE)
			COUNT(C_EVENTS_UNKNOWN_CODE);
	}
	p->req.op = STORE_EVENTS;
	p->req.ev = p->ev;
	p->req.nev = p->nev;
	p->req.done = ingest_done;
	p->req.arg = p;
	return (p);
}

static void
ingest_pending_free(struct pending *p)
{
	struct waiter	*w;

	while ((w = p->waiters) != NULL) {
		p->waiters = w->next;
		free(w);
	}
	free(p);
}

/*
 * Decide the alarm, then hand the events (and its rows) to the store. A
 * frame without the device's time is remembered for the shorter window:
 * only its seq and data tell it apart, and a unit that restarted may send
 * the same bytes again as a new press.
 */
static void
ingest_submit(struct pending *p, int timed)
{
	struct dedupe_entry	*de;

	p->aw = alarmio_frame(p->ev, p->nev, clock_wall(), clock_mono(),
	    &p->req);
	de = dedupe_add(p->dkey, clock_mono(), timed ? 0 :
	    ingest_cfg->dedupe_window_untimed * 1000LL);
	de->pending = p;
	ingest_npending++;
	commit_submit(&p->req);
}

static void
ingest_dup_done(struct store_req *r)
{
	ingest_ndups--;
	free(r);
}

/* A copy of a frame already seen: ACK again, store once. */
static int
ingest_duplicate(const struct origin *o, struct dedupe_entry *de)
{
	struct pending		*p = de->pending;
	struct store_req	*r;
	struct waiter		*w;

	COUNT(C_DUPLICATES);
	if (p != NULL) {
		if (p->nwaiters >= INGEST_MAX_WAITERS)
			return (INGEST_REFUSED); /* enough copies waiting */
		w = xcalloc(1, sizeof *w);
		w->o = *o;
		w->next = p->waiters;
		p->waiters = w;
		p->nwaiters++;
		return (INGEST_PENDING);
	}
	ingest_ack(o);
	/*
	 * The copy is counted in the event's row; a flood of copies (they
	 * cost nothing to send) must not queue unbounded writes.
	 */
	if (ingest_ndups >= INGEST_MAX_DUP_WRITES) {
		COUNT(C_DUPLICATES_UNCOUNTED);
		return (INGEST_ANSWERED);
	}
	r = xcalloc(1, sizeof *r);
	r->op = STORE_DUPLICATE;
	r->id = de->event_id;
	r->done = ingest_dup_done;
	ingest_ndups++;
	commit_submit(r);
	return (INGEST_ANSWERED);
}

static void
ingest_free_req(struct store_req *r)
{
	free(r);
}

/* A valid frame of a registered unit: last seen, and maybe heard again. */
static void
ingest_heard(struct unit *u)
{
	unit_seen(u, clock_wall());
	if (!supervise_touch(u, clock_mono()))
		return;
	log_notice("unit %s: heard again", u->account);
	ingest_system_event(u, "YK", CLASS_P4, "unit heard again");
}

void
ingest_unit_online(struct unit *u)
{
	ingest_heard(u);
}

/* A unit's own word that it is gone (MQTT's last will): silent now. */
void
ingest_unit_offline(struct unit *u)
{
	if (!supervise_lost(u))
		return;			/* silent already */
	log_notice("unit %s: communication lost (its last will)",
	    u->account);
	ingest_system_event(u, "YS", CLASS_P3, "communication lost");
}

/*
 * Events from an account nobody registered: stored (a misconfigured
 * pendant is still a person), at most the source's bucket and, so that no
 * number of sources can flood the store, the global one. 0 or -1.
 */
static int
ingest_unregistered(const struct ingest_in *in)
{
	int64_t	 now = clock_mono();

	if (in->unreg == NULL ||
	    bucket_take(in->unreg, &ingest_unreg, now) != 0) {
		COUNT(C_UNREGISTERED_LIMITED);
		return (-1);
	}
	if (bucket_take(&ingest_unreg_all, &ingest_unreg_all_rate, now) != 0) {
		COUNT(C_UNREGISTERED_GLOBAL_LIMITED);
		return (-1);
	}
	return (0);
}

int
ingest_frame(const struct origin *o, const struct ingest_in *in)
{
	struct unit		*u;
	struct dedupe_entry	*de;
	struct pending		*p;
	uint64_t		 dkey;

	if ((u = unit_find(o->ops->protocol, in->account)) != NULL)
		ingest_heard(u);
	if (in->nev == 0) {
		COUNT(C_POLLS);
		ingest_ack(o);
		return (INGEST_ANSWERED);
	}
	dkey = ingest_key(o->ops->protocol, in->ident, in->identlen);
	if ((de = dedupe_find(dkey, clock_mono())) != NULL)
		return (ingest_duplicate(o, de));
	if (u == NULL && ingest_unregistered(in) != 0)
		return (INGEST_REFUSED);	/* no reply: it retries */
	if (ingest_npending >= (size_t)ingest_cfg->max_pending) {
		COUNT(C_PENDING_FULL);		/* no reply: it retries */
		return (INGEST_REFUSED);
	}
	COUNT(C_EVENTS);
	if (u == NULL)
		COUNT(C_EVENTS_UNREGISTERED);
	p = ingest_pending_new(o->ops->protocol, in, u, dkey);
	p->o = *o;
	ingest_submit(p, in->timed);
	return (INGEST_PENDING);
}

static void
ingest_done(struct store_req *r)
{
	struct pending		*p = r->arg;
	struct dedupe_entry	*de;
	struct waiter		*w;
	struct unit		*u;

	de = dedupe_find(p->dkey, clock_mono());
	if (r->result == 0) {
		counters[C_EVENTS_STORED] += p->nev;
		if (de != NULL && de->pending == p) {
			de->pending = NULL;
			de->event_id = p->ev[0].id;
		}
		ingest_log(p, "stored");
		if (!p->system)
			ingest_ack(&p->o);
		for (w = p->waiters; w != NULL; w = w->next)
			ingest_ack(&w->o);
	} else {
		if (de != NULL && de->pending == p)
			dedupe_remove(p->dkey);
		if (p->system && (u = unit_by_id(p->ev[0].unit_id)) != NULL)
			supervise_undo(u, strcmp(p->ev[0].code, "YS") == 0,
			    clock_mono());
	}
	alarmio_frame_done(p->aw, r);
	if (!p->system)
		p->o.ops->done(&p->o);
	for (w = p->waiters; w != NULL; w = w->next)
		w->o.ops->done(&w->o);
	ingest_npending--;
	ingest_pending_free(p);
}

/*
 * An event arcd raises itself for a unit (supervision): stored and turned
 * into an alarm like any other, with the unit's silent_since, answered to
 * nobody. If it cannot be stored, supervision raises it again.
 */
void
ingest_system_event(const struct unit *u, const char *code, int class,
    const char *text)
{
	struct pending	*p;
	struct db_event	*e;
	char		 key[64];
	int		 n;

	p = xcalloc(1, sizeof *p + sizeof p->ev[0]);
	p->system = 1;
	p->nev = 1;
	e = &p->ev[0];
	e->unit_id = u->id;
	strlcpy(e->protocol, u->protocol, sizeof e->protocol);
	strlcpy(e->account, u->account, sizeof e->account);
	strlcpy(e->token, "ARC", sizeof e->token);
	n = snprintf(key, sizeof key, "%s %s %lld", u->account, code,
	    (long long)clock_wall());
	p->dkey = ingest_key(u->protocol, key, n > 0 ? (size_t)n : 0);
	e->dedupe = (int64_t)p->dkey;
	strlcpy(e->code, code, sizeof e->code);
	strlcpy(e->raw_code, code, sizeof e->raw_code);
	e->class = class;
	strlcpy(e->text, text, sizeof e->text);
	e->received_at = clock_wall();
	strlcpy(e->source, "arcd", sizeof e->source);
	e->flags = EVENT_SUPERVISION;
	p->req.op = STORE_EVENTS;
	p->req.ev = p->ev;
	p->req.nev = 1;
	/* unit.silent_since goes with the event: all or nothing. */
	p->req.silent_unit = u->id;
	p->req.silent_at = strcmp(code, "YS") == 0 ? e->received_at : 0;
	p->req.done = ingest_done;
	p->req.arg = p;
	ingest_submit(p, 1);
}

static void
ingest_silent(struct unit *u, void *arg)
{
	(void)arg;
	log_notice("unit %s: silent (nothing for %d s)", u->account,
	    supervise_secs(u));
	ingest_system_event(u, "YS", CLASS_P3, "unit silent");
}

static void
ingest_seen_row(const struct unit *u, void *arg)
{
	struct store_req	*r;

	(void)arg;
	r = xcalloc(1, sizeof *r);
	r->op = STORE_LASTSEEN;
	r->id = u->id;
	r->at = u->last_seen;
	r->done = ingest_free_req;
	commit_submit(r);
}

/* Once a second: silent units, and last-seen times now and then. */
void
ingest_tick(void)
{
	int64_t	 now = clock_mono();

	supervise_due(now, ingest_silent, NULL);
	if (now - ingest_last_flush >= ingest_cfg->lastseen_flush * 1000LL) {
		unit_flush_seen(ingest_seen_row, NULL);
		ingest_last_flush = now;
	}
}

static int
ingest_dedupe_load_one(int64_t key, int64_t event_id, void *arg)
{
	struct dedupe_entry	*de;

	(void)arg;
	/* Loaded oldest first; expiry counts from now, a safe overestimate. */
	de = dedupe_add((uint64_t)key, clock_mono(), 0);
	de->event_id = event_id;
	return (0);
}

/* What a reload may change that is kept as a copy: rates, windows. */
void
ingest_reload(const struct config *cfg)
{
	bucket_rate(&ingest_unreg, cfg->unregistered_burst,
	    cfg->unregistered_per_min);
	bucket_rate(&ingest_unreg_all_rate, cfg->unregistered_all_burst,
	    cfg->unregistered_all_per_min);
	supervise_limits(cfg->supervision_default, cfg->supervision_grace);
	dedupe_window(cfg->dedupe_window);
}

int
ingest_start(const struct config *cfg, struct db *rdb, char **cause)
{
	ingest_cfg = cfg;
	ingest_reload(cfg);
	bucket_init(&ingest_unreg_all, &ingest_unreg_all_rate, clock_mono());
	supervise_init(cfg->supervision_default, cfg->supervision_grace);
	ingest_last_flush = clock_mono();
	dedupe_init(cfg->dedupe_max, cfg->dedupe_window);
	if (db_dedupe_secret(rdb, ingest_secret) != 0) {
		xasprintf(cause, "reading the dedupe key: %s", db_errmsg(rdb));
		return (-1);
	}
	if (db_dedupe_foreach(rdb, clock_wall() - cfg->dedupe_window * 1000LL,
	    ingest_dedupe_load_one, NULL) != 0) {
		xasprintf(cause, "loading the dedupe window: %s",
		    db_errmsg(rdb));
		return (-1);
	}
	return (0);
}

size_t
ingest_pending(void)
{
	return (ingest_npending);
}

/* Last-seen times to the store, before it stops. */
void
ingest_flush(void)
{
	unit_flush_seen(ingest_seen_row, NULL);
}

void
ingest_stop(void)
{
	explicit_bzero(ingest_secret, sizeof ingest_secret);
	dedupe_free();
	supervise_free();
}
