/*
 * ingest.c -- the alarm path for one DC-09 frame: validate, find the
 * unit, decrypt and check the time window, dedupe, hand to the store
 * writer, and ACK only once the store says the event is durable.
 *
 * Thread boundary: ingest runs on the network thread. A struct pending
 * (owned here) goes to the store writer inside its store_req and comes
 * back through store_done() after the group commit; the writer wakes us
 * with an eventfd. Across that gap we hold ids (device id, unit id), never
 * pointers to connections or units, and look them up again.
 */
#include <sys/eventfd.h>

#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alarm.h"
#include "arc.h"

/* What a reply needs, copied out of the frame. */
struct ackinfo {
	unsigned	 seq;
	int64_t		 unit_id;	/* for the key of a *ACK */
	uint8_t		 binary, encrypted, has_rcvr, has_pref;
	char		 rcvr[8], pref[8];
	char		 acct[DC09_ACCT_MAX + 1];
};

struct waiter {
	struct reply_to	 to;
	struct ackinfo	 ack;
	struct waiter	*next;
};

struct pending {
	struct store_req req;
	uint64_t	 dkey;
	struct reply_to	 to;
	struct ackinfo	 ack;
	struct waiter	*waiters;	/* owned: duplicates awaiting this */
	int		 nwaiters;
	int		 system;	/* raised by arcd: nobody to answer */
	size_t		 nev;
	struct db_event	 ev[];		/* then the raw frame */
};

#define INGEST_MAX_WAITERS	16
#define INGEST_MAX_DUP_WRITES	4096	/* dup-count writes in flight */

static struct event_base	*ingest_base;
static const struct config	*ingest_cfg;
static struct db		*ingest_rdb;	/* borrowed: arcd's reader */
static struct store		*ingest_store;
static int			 ingest_efd = -1;
static struct event		*ingest_ev, *ingest_tick;
static size_t			 ingest_npending;
static size_t			 ingest_ndups;	/* STORE_DUPLICATE in flight */
static int64_t			 ingest_unit_version;
static int64_t			 ingest_last_flush, ingest_fail_logged;
static uint64_t			 ingest_fail_quiet;

static void	ingest_done_cb(evutil_socket_t, short, void *);
static void	ingest_tick_cb(evutil_socket_t, short, void *);

static void
ingest_send(const struct reply_to *to, const uint8_t *buf, size_t len)
{
	int	 rc;

	if (len == 0)
		return;
	rc = to->udp ? udp_send(to, buf, len) : device_send(to->conn, buf,
	    len);
	if (rc != 0)
		COUNT(C_REPLY_LOST);
}

static void
ingest_ackinfo(const struct dc09_frame *f, const struct unit *u,
    struct ackinfo *a)
{
	memset(a, 0, sizeof *a);
	a->seq = f->seq;
	a->unit_id = u != NULL ? u->id : 0;
	a->binary = f->binary_crc;
	a->encrypted = f->encrypted;
	a->has_rcvr = f->has_rcvr && f->rcvr.len < sizeof a->rcvr;
	if (a->has_rcvr)
		memcpy(a->rcvr, f->rcvr.p, f->rcvr.len);
	a->has_pref = f->has_pref && f->pref.len < sizeof a->pref;
	if (a->has_pref)
		memcpy(a->pref, f->pref.p, f->pref.len);
	strlcpy(a->acct, f->acct, sizeof a->acct);
}

/* ACK (or *ACK with the unit's key) as the request asked. */
static void
ingest_ack(const struct reply_to *to, const struct ackinfo *a)
{
	struct dc09_frame	 f;
	const struct unit	*u = NULL;
	uint8_t			 out[256], rnd[16];
	size_t			 len;
	time_t			 now = time(NULL);

	memset(&f, 0, sizeof f);
	f.binary_crc = a->binary;
	f.seq = a->seq;
	f.has_rcvr = a->has_rcvr;
	f.rcvr.p = a->rcvr;
	f.rcvr.len = strlen(a->rcvr);
	f.has_pref = a->has_pref;
	f.pref.p = a->pref;
	f.pref.len = strlen(a->pref);
	strlcpy(f.acct, a->acct, sizeof f.acct);
	if (a->encrypted) {
		u = unit_by_id(a->unit_id);
		if (u == NULL || !u->has_key || u->key.len == 0) {
			COUNT(C_REPLY_LOST);	/* key gone: it retries */
			return;
		}
		arc4random_buf(rnd, sizeof rnd);
		len = dc09_reply_ack_encrypted(&f, &u->key, rnd, now, out,
		    sizeof out);
	} else
		len = dc09_reply_ack(&f, now, out, sizeof out);
	COUNT(C_ACKS);
	ingest_send(to, out, len);
}

static void
ingest_nak(const struct reply_to *to, const struct dc09_frame *f,
    enum counter c)
{
	uint8_t	 out[128];

	COUNT(c);
	ingest_send(to, out, dc09_reply_nak(f, time(NULL), out, sizeof out));
}

static void
ingest_duh(const struct reply_to *to, const struct dc09_frame *f)
{
	uint8_t	 out[128];

	COUNT(C_FRAME_BADTOKEN);
	ingest_send(to, out, dc09_reply_duh(f, time(NULL), out, sizeof out));
}

static void
ingest_copy_span(char *dst, size_t size, struct proto_span s)
{
	size_t	 i, n = s.len < size - 1 ? s.len : size - 1;

	/* Printable ASCII only: this text reaches logs, screens and JSON. */
	for (i = 0; i < n; i++)
		dst[i] = (s.p[i] >= 0x20 && s.p[i] < 0x7f) ? s.p[i] : '?';
	dst[n] = '\0';
}

static void
ingest_location(const struct dc09_frame *f, char *dst, size_t size)
{
	struct dc09_xdata	 x;
	const struct proto_span	*v[] = { &x.x, &x.y, &x.l, &x.r, &x.v };
	const char		*names = "XYLRV";
	char			 part[64];
	size_t			 i, off = 0;
	int			 n;

	dst[0] = '\0';
	if (f->xdata.len == 0 || dc09_xdata_parse(f->xdata, &x) != PROTO_OK)
		return;
	for (i = 0; i < 5 && off < size; i++) {
		if (v[i]->len == 0)
			continue;
		ingest_copy_span(part, sizeof part, *v[i]);
		n = snprintf(dst + off, size - off, "%s%c=%s",
		    off ? " " : "", names[i], part);
		if (n < 0)
			break;
		off += n;
	}
}

/* One db_event per decoded event; an unreadable data block is kept too. */
static void
ingest_fill(struct db_event *e, const struct dc09_frame *f,
    const struct dc09_event *de, const struct unit *u, uint64_t dkey,
    const char *srcname, int64_t now)
{
	memset(e, 0, sizeof *e);
	e->unit_id = u != NULL ? u->id : 0;
	strlcpy(e->protocol, "dc09", sizeof e->protocol);
	strlcpy(e->account, f->acct, sizeof e->account);
	e->seq = f->seq;
	snprintf(e->token, sizeof e->token, "%s%s", f->encrypted ? "*" : "",
	    dc09_token_name(f->token));
	e->dedupe = (int64_t)dkey;
	e->device_time = f->has_ts ? (int64_t)f->ts : 0;
	e->received_at = now;
	strlcpy(e->source, srcname, sizeof e->source);
	e->flags = (u == NULL ? EVENT_UNREGISTERED : 0) |
	    (f->encrypted ? EVENT_ENCRYPTED : 0);
	ingest_location(f, e->location, sizeof e->location);
	if (de == NULL) {
		/* Never throw away what may be an emergency. */
		strlcpy(e->code, "??", sizeof e->code);
		e->class = CLASS_P2;
		e->flags |= EVENT_UNKNOWN_CODE;
		return;
	}
	strlcpy(e->code, de->code, sizeof e->code);
	strlcpy(e->raw_code, de->raw_code, sizeof e->raw_code);
	e->class = de->class;
	e->qualifier[0] = de->qualifier;
	strlcpy(e->area, de->area, sizeof e->area);
	strlcpy(e->zone, de->zone, sizeof e->zone);
	ingest_copy_span(e->text, sizeof e->text, de->text);
	if (!de->known)
		e->flags |= EVENT_UNKNOWN_CODE;
}

static struct pending *
ingest_pending_new(const struct dc09_frame *f, const struct dc09_event *evs,
    size_t n, const struct unit *u, uint64_t dkey, const char *srcname,
    const uint8_t *raw, size_t rawlen, int64_t now)
{
	struct pending	*p;
	uint8_t		*copy;
	size_t		 i, nev = n ? n : 1;

	p = xcalloc(1, sizeof *p + nev * sizeof p->ev[0] + rawlen);
	copy = (uint8_t *)&p->ev[nev];
	memcpy(copy, raw, rawlen);
	p->nev = nev;
	p->dkey = dkey;
	for (i = 0; i < nev; i++) {
		ingest_fill(&p->ev[i], f, n ? &evs[i] : NULL, u, dkey,
		    srcname, now);
		/* Linked now to the unit's open alarm, if it stays open. */
		p->ev[i].alarm_id = alarm_open_id(p->ev[i].unit_id,
		    p->ev[i].account);
		p->ev[i].part = i;
		p->ev[i].raw = (const char *)copy;
		p->ev[i].raw_len = rawlen;
		if (p->ev[i].flags & EVENT_UNKNOWN_CODE)
			COUNT(C_EVENTS_UNKNOWN_CODE);
	}
	p->req.op = STORE_EVENTS;
	p->req.ev = p->ev;
	p->req.nev = nev;
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

/* A copy of a frame already seen: ACK again, store once. */
static int
ingest_duplicate(const struct reply_to *to, struct dedupe_entry *de,
    const struct ackinfo *a)
{
	struct store_req	*r;
	struct waiter		*w;

	COUNT(C_DUPLICATES);
	if (de->pending != NULL) {
		if (de->pending->nwaiters >= INGEST_MAX_WAITERS)
			return (0);	/* enough copies waiting; it retries */
		w = xcalloc(1, sizeof *w);
		w->to = *to;
		w->ack = *a;
		w->next = de->pending->waiters;
		de->pending->waiters = w;
		de->pending->nwaiters++;
		return (1);
	}
	ingest_ack(to, a);
	/*
	 * The copy is counted in the event's row; a flood of copies (they
	 * cost nothing to send) must not queue unbounded writes.
	 */
	if (ingest_ndups >= INGEST_MAX_DUP_WRITES) {
		COUNT(C_DUPLICATES_UNCOUNTED);
		return (0);
	}
	r = xcalloc(1, sizeof *r);
	r->op = STORE_DUPLICATE;
	r->id = de->event_id;
	ingest_ndups++;
	store_submit(ingest_store, r);
	return (0);
}

/*
 * Decrypt and check the time window. 0 to go on, -1 when a NAK was sent.
 */
static int
ingest_decrypt(const struct reply_to *to, struct dc09_frame *f,
    const struct unit *u, uint8_t *buf, size_t size)
{
	enum proto_err	 e;
	time_t		 now = time(NULL);

	if (u == NULL || !u->has_key || u->key.len == 0) {
		ingest_nak(to, f, C_NAK_DECRYPT);	/* no key to use */
		return (-1);
	}
	if ((e = dc09_decrypt(f, &u->key, buf, size)) != PROTO_OK) {
		ingest_nak(to, f, e == PROTO_NOTIME ? C_NAK_NOTIME :
		    C_NAK_DECRYPT);
		return (-1);
	}
	if (f->ts > now + ingest_cfg->time_ahead ||
	    f->ts < now - ingest_cfg->time_behind) {
		ingest_nak(to, f, C_NAK_TIME);
		return (-1);
	}
	return (0);
}

static int
ingest_parse(const struct reply_to *to, const uint8_t *buf, size_t len,
    struct dc09_frame *f)
{
	switch (dc09_parse(buf, len, f)) {
	case PROTO_OK:
		break;
	case PROTO_BADCRC:
		COUNT(C_FRAME_BADCRC);		/* silent: it retransmits */
		return (-1);
	case PROTO_BADLEN:
		COUNT(C_FRAME_BADLEN);
		return (-1);
	case PROTO_BADTOKEN:
		ingest_duh(to, f);
		return (-1);
	case PROTO_DECRYPT:		/* encrypted, not whole hex blocks */
		ingest_nak(to, f, C_NAK_DECRYPT);
		return (-1);
	default:
		COUNT(C_FRAME_BADFRAME);
		return (-1);
	}
	switch (f->token) {
	case DC09_TOKEN_SIA_DCS:
	case DC09_TOKEN_ADM_CID:
	case DC09_TOKEN_NULL:
		return (0);
	default:			/* a receiver's token sent to us */
		ingest_duh(to, f);
		return (-1);
	}
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

/*
 * Handle one scanned frame. Returns 1 when a reply will follow later (from
 * the store's completion), 0 when it was answered now or needs no answer.
 */
int
ingest_frame(const struct reply_to *to, struct source *src,
    const char *srcname, const uint8_t *buf, size_t len)
{
	struct dc09_frame	 f;
	struct dc09_event	 evs[DC09_MAX_EVENTS];
	struct ackinfo		 a;
	struct unit		*u;
	struct dedupe_entry	*de;
	struct pending		*p;
	uint8_t			 plain[DC09_MAX_FRAME];
	size_t			 n = 0;
	uint64_t		 dkey;
	int64_t			 now = now_ms();

	COUNT(C_FRAMES);
	if (ingest_parse(to, buf, len, &f) != 0)
		return (0);
	u = unit_find(f.acct);
	if (u != NULL && u->has_key && !f.encrypted) {
		ingest_nak(to, &f, C_NAK_PLAINTEXT);
		return (0);
	}
	if (f.encrypted && ingest_decrypt(to, &f, u, plain, sizeof plain) != 0)
		return (0);
	ingest_ackinfo(&f, u, &a);
	if (f.token != DC09_TOKEN_NULL &&
	    dc09_events(&f, evs, DC09_MAX_EVENTS, &n) != PROTO_OK) {
		COUNT(C_FRAME_BADDATA);
		n = SIZE_MAX;		/* stored raw as an unknown event */
	}
	if (u != NULL)
		unit_seen(u, now);
	if (f.token == DC09_TOKEN_NULL || n == 0) {
		COUNT(C_POLLS);
		ingest_ack(to, &a);
		return (0);
	}
	dkey = dedupe_key(&f);
	if ((de = dedupe_find(dkey, now)) != NULL)
		return (ingest_duplicate(to, de, &a));
	if (u == NULL && source_take(src, now) != 0) {
		COUNT(C_UNREGISTERED_LIMITED);	/* no reply: it retries */
		return (0);
	}
	if (ingest_npending >= (size_t)ingest_cfg->max_pending) {
		COUNT(C_PENDING_FULL);		/* no reply: it retries */
		return (0);
	}
	COUNT(C_EVENTS);
	if (u == NULL)
		COUNT(C_EVENTS_UNREGISTERED);
	p = ingest_pending_new(&f, evs, n == SIZE_MAX ? 0 : n, u, dkey,
	    srcname, buf, len, now);
	p->to = *to;
	p->ack = a;
	de = dedupe_add(dkey, now);
	de->pending = p;
	ingest_npending++;
	store_submit(ingest_store, &p->req);
	return (1);
}

static void
ingest_reply_done(const struct reply_to *to)
{
	if (!to->udp)
		device_done(to->conn);
}

static void
ingest_committed(struct pending *p)
{
	struct dedupe_entry	*de;
	struct waiter		*w;

	de = dedupe_find(p->dkey, now_ms());
	if (p->req.result == 0) {
		counters[C_EVENTS_STORED] += p->nev;
		if (de != NULL && de->pending == p) {
			de->pending = NULL;
			de->event_id = p->ev[0].id;
		}
		ingest_log(p, "stored");
		if (!p->system)
			ingest_ack(&p->to, &p->ack);
		for (w = p->waiters; w != NULL; w = w->next)
			ingest_ack(&w->to, &w->ack);
		alarmio_frame(p->ev, p->nev, p->ev[0].received_at);
	} else {
		COUNT(C_STORE_FAILED);
		if (de != NULL && de->pending == p)
			dedupe_remove(p->dkey);
	}
	if (!p->system)
		ingest_reply_done(&p->to);
	for (w = p->waiters; w != NULL; w = w->next)
		ingest_reply_done(&w->to);
	ingest_npending--;
	ingest_pending_free(p);
}

static void
ingest_failed_log(struct store_req *r)
{
	int64_t	 now = now_ms();

	if (r->result == 0)
		return;
	if (now - ingest_fail_logged < 5000) {
		ingest_fail_quiet++;
		return;
	}
	log_warnx("store: write failed, not acknowledging (%llu more "
	    "since last said); units will retransmit",
	    (unsigned long long)ingest_fail_quiet);
	ingest_fail_logged = now;
	ingest_fail_quiet = 0;
}

static void
ingest_complete(struct store_req *list)
{
	struct store_req	*r, *next;

	for (r = list; r != NULL; r = next) {
		next = r->next;
		ingest_failed_log(r);
		switch (r->op) {
		case STORE_EVENTS:
			ingest_committed(r->arg);
			break;
		case STORE_ALARM:
		case STORE_NOTE:
			alarmio_done(r);
			break;
		case STORE_DUPLICATE:
			ingest_ndups--;
			free(r);
			break;
		default:
			free(r);
			break;
		}
	}
}

/* The store writer finished a batch (writer thread: only wake the loop). */
static void
ingest_notify(void *arg)
{
	uint64_t	 one = 1;

	(void)arg;
	if (write(ingest_efd, &one, sizeof one) == -1 && errno != EAGAIN)
		log_warn("store: eventfd");
}

static void
ingest_done_cb(evutil_socket_t fd, short what, void *arg)
{
	uint64_t	 v;

	(void)what;
	(void)arg;
	if (read(fd, &v, sizeof v) == -1 && errno != EAGAIN)
		log_warn("store: eventfd read");
	ingest_complete(store_done(ingest_store));
}

static void
ingest_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	int64_t	 v, now = now_ms();
	char	*cause = NULL;

	(void)fd;
	(void)what;
	(void)arg;
	v = db_unit_version(ingest_rdb);
	if (v >= 0 && v != ingest_unit_version) {
		if (unit_load(ingest_rdb, &cause) == 0) {
			ingest_unit_version = v;
			log_notice("units: reloaded, %zu registered",
			    unit_count());
		} else {
			log_warnx("units: reload failed: %s", cause);
			free(cause);
		}
	}
	if (now - ingest_last_flush >= ingest_cfg->lastseen_flush * 1000LL) {
		unit_flush_seen(ingest_store);
		ingest_last_flush = now;
	}
}

static int
ingest_dedupe_load_one(int64_t key, int64_t event_id, void *arg)
{
	struct dedupe_entry	*de;
	int64_t			*at = arg;

	/* Loaded oldest first; expiry counts from now, a safe overestimate. */
	de = dedupe_add((uint64_t)key, *at);
	de->event_id = event_id;
	return (0);
}

int
ingest_init(struct event_base *base, const struct config *cfg,
    struct db *rdb, char **cause)
{
	struct timeval	 tv = { 1, 0 };
	int64_t		 now = now_ms();

	ingest_base = base;
	ingest_cfg = cfg;
	ingest_rdb = rdb;
	supervise_init(base, cfg);
	ingest_last_flush = now;
	dedupe_init(cfg->dedupe_max, cfg->dedupe_window);
	if (db_dedupe_foreach(rdb, now - cfg->dedupe_window * 1000LL,
	    ingest_dedupe_load_one, &now) != 0) {
		xasprintf(cause, "loading the dedupe window: %s",
		    db_errmsg(rdb));
		return (-1);
	}
	ingest_unit_version = db_unit_version(rdb);
	if (unit_load(rdb, cause) != 0)
		return (-1);
	if ((ingest_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
		xasprintf(cause, "eventfd: %s", strerror(errno));
		return (-1);
	}
	ingest_ev = event_new(base, ingest_efd, EV_READ | EV_PERSIST,
	    ingest_done_cb, NULL);
	event_add(ingest_ev, NULL);
	ingest_tick = event_new(base, -1, EV_PERSIST, ingest_tick_cb, NULL);
	event_add(ingest_tick, &tv);
	ingest_store = store_start(cfg->database, ingest_notify, NULL, cause);
	if (ingest_store == NULL)
		return (-1);
	log_notice("ingest: %zu units, %zu frames in the dedupe window",
	    unit_count(), dedupe_count());
	return (0);
}

/*
 * An event arcd raises itself for a unit (supervision): stored and turned
 * into an alarm like any other, answered to nobody.
 */
void
ingest_system_event(const struct unit *u, const char *code, int class,
    const char *text, int64_t now)
{
	struct pending	*p;
	struct db_event	*e;
	char		 key[64];

	p = xcalloc(1, sizeof *p + sizeof p->ev[0]);
	p->system = 1;
	p->nev = 1;
	e = &p->ev[0];
	e->unit_id = u->id;
	strlcpy(e->protocol, "dc09", sizeof e->protocol);
	strlcpy(e->account, u->account, sizeof e->account);
	strlcpy(e->token, "ARC", sizeof e->token);
	snprintf(key, sizeof key, "%s %s %lld", u->account, code,
	    (long long)now);
	e->dedupe = (int64_t)(hash64(key, strlen(key), 0) & INT64_MAX);
	strlcpy(e->code, code, sizeof e->code);
	strlcpy(e->raw_code, code, sizeof e->raw_code);
	e->class = class;
	strlcpy(e->text, text, sizeof e->text);
	e->received_at = now;
	strlcpy(e->source, "arcd", sizeof e->source);
	e->flags = EVENT_SUPERVISION;
	e->alarm_id = alarm_open_id(u->id, u->account);
	p->dkey = (uint64_t)e->dedupe;
	p->req.op = STORE_EVENTS;
	p->req.ev = p->ev;
	p->req.nev = 1;
	p->req.arg = p;
	ingest_npending++;
	ingest_submit(&p->req);
}

void
ingest_unit_silent(int64_t unit_id, int64_t at)
{
	struct store_req	*r;

	r = xcalloc(1, sizeof *r);
	r->op = STORE_SILENT;
	r->id = unit_id;
	r->at = at;
	ingest_submit(r);
}

/* Hand a request to the store writer; refused once it has stopped. */
void
ingest_submit(struct store_req *r)
{
	if (ingest_store == NULL) {
		r->result = -1;
		r->next = NULL;
		ingest_complete(r);
		return;
	}
	store_submit(ingest_store, r);
}

int
ingest_storage_ok(void)
{
	return (ingest_fail_logged == 0 ||
	    now_ms() - ingest_fail_logged > 10000);
}

size_t
ingest_pending(void)
{
	return (ingest_npending);
}

/* Write what is queued (and the last-seen times), ACK it, then stop. */
void
ingest_shutdown(void)
{
	if (ingest_store != NULL) {
		struct store *st = ingest_store;

		unit_flush_seen(st);
		ingest_store = NULL;	/* what completions submit is refused */
		ingest_complete(store_stop(st));
	}
	if (ingest_ev != NULL)
		event_free(ingest_ev);
	if (ingest_tick != NULL)
		event_free(ingest_tick);
	ingest_ev = ingest_tick = NULL;
	if (ingest_efd != -1)
		close(ingest_efd);
	ingest_efd = -1;
	unit_free_all();
	dedupe_free();
}
