/*
 * dc09.c -- SIA DC-09 on the server side: everything about the protocol
 * that is not a pure codec (those are in proto/). A scanned frame from a
 * transport (device.c: TCP, udp.c: UDP) is parsed; a bad one is answered
 * as DC-09 says (nothing, NAK, DUH); the unit's key is checked (a keyed
 * unit must encrypt), an encrypted frame is decrypted and its timestamp
 * checked against the window (+20/-40 s); its events are decoded into
 * event records and handed to ingest.c with the origin, whose ack (below)
 * builds the ACK or *ACK in the form the request used once the events
 * are stored.
 *
 * The origin carries what the ACK needs (struct dc09_reply, in its ctx):
 * a copy, so nothing points into the frame or the connection across the
 * commit.
 *
 * Thread: the network thread.
 */
#include <stdlib.h>
#include <string.h>

#include "arc.h"

/* What a reply needs, copied out of the frame. */
struct dc09_reply {
	unsigned	 seq;
	uint8_t		 binary, encrypted, has_rcvr, has_pref;
	char		 rcvr[8], pref[8];
	char		 acct[DC09_ACCT_MAX + 1];
};
_Static_assert(sizeof(struct dc09_reply) <= ORIGIN_CTX,
    "the DC-09 reply state must fit an origin");

static const struct config	*dc09_cfg;

void
dc09_init(const struct config *cfg)
{
	dc09_cfg = cfg;
}

static void
dc09_send(const struct origin *o, const uint8_t *buf, size_t len)
{
	if (len != 0 && o->ops->send(o, buf, len) != 0)
		COUNT(C_REPLY_LOST);
}

static void
dc09_reply_state(const struct dc09_frame *f, struct origin *o)
{
	struct dc09_reply	*r = (struct dc09_reply *)o->ctx.b;

	memset(r, 0, sizeof *r);
	r->seq = f->seq;
	r->binary = f->binary_crc;
	r->encrypted = f->encrypted;
	r->has_rcvr = f->has_rcvr && f->rcvr.len < sizeof r->rcvr;
	if (r->has_rcvr)
		memcpy(r->rcvr, f->rcvr.p, f->rcvr.len);
	r->has_pref = f->has_pref && f->pref.len < sizeof r->pref;
	if (r->has_pref)
		memcpy(r->pref, f->pref.p, f->pref.len);
	strlcpy(r->acct, f->acct, sizeof r->acct);
}

/* ACK (or *ACK with the unit's key) as the request asked. */
void
dc09_ack(const struct origin *o)
{
	const struct dc09_reply	*r = (const struct dc09_reply *)o->ctx.b;
	const struct unit	*u;
	struct dc09_frame	 f;
	uint8_t			 out[256], rnd[16];
	time_t			 now = clock_wall() / 1000;
	size_t			 len;

	memset(&f, 0, sizeof f);
	f.binary_crc = r->binary;
	f.seq = r->seq;
	f.has_rcvr = r->has_rcvr;
	f.rcvr.p = r->rcvr;
	f.rcvr.len = strlen(r->rcvr);
	f.has_pref = r->has_pref;
	f.pref.p = r->pref;
	f.pref.len = strlen(r->pref);
	strlcpy(f.acct, r->acct, sizeof f.acct);
	if (r->encrypted) {
		u = unit_by_id(o->unit_id);
		if (u == NULL || !u->has_key || u->key.len == 0) {
			COUNT(C_REPLY_LOST);	/* key gone: it retries */
			return;
		}
		arc4random_buf(rnd, sizeof rnd);
		len = dc09_reply_ack_encrypted(&f, &u->key, rnd, now, out,
		    sizeof out);
	} else
		len = dc09_reply_ack(&f, now, out, sizeof out);
	dc09_send(o, out, len);
}

static void
dc09_nak(const struct origin *o, const struct dc09_frame *f, enum counter c)
{
	uint8_t	 out[128];

	COUNT(c);
	dc09_send(o, out, dc09_reply_nak(f, clock_wall() / 1000, out,
	    sizeof out));
}

static void
dc09_duh(const struct origin *o, const struct dc09_frame *f)
{
	uint8_t	 out[128];

	COUNT(C_FRAME_BADTOKEN);
	dc09_send(o, out, dc09_reply_duh(f, clock_wall() / 1000, out,
	    sizeof out));
}

static int
dc09_parse_frame(const struct origin *o, const uint8_t *buf, size_t len,
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
		dc09_duh(o, f);
		return (-1);
	case PROTO_DECRYPT:		/* encrypted, not whole hex blocks */
		dc09_nak(o, f, C_NAK_DECRYPT);
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
		dc09_duh(o, f);
		return (-1);
	}
}

/* Decrypt and check the time window. 0 to go on, -1 when a NAK was sent. */
static int
dc09_decrypt_frame(const struct origin *o, struct dc09_frame *f,
    const struct unit *u, uint8_t *buf, size_t size)
{
	enum proto_err	 e;
	time_t		 now = clock_wall() / 1000;

	if (u == NULL || !u->has_key || u->key.len == 0) {
		dc09_nak(o, f, C_NAK_DECRYPT);	/* no key to use */
		return (-1);
	}
	if ((e = dc09_decrypt(f, &u->key, buf, size)) != PROTO_OK) {
		dc09_nak(o, f, e == PROTO_NOTIME ? C_NAK_NOTIME :
		    C_NAK_DECRYPT);
		return (-1);
	}
	if (f->ts > now + dc09_cfg->time_ahead ||
	    f->ts < now - dc09_cfg->time_behind) {
		dc09_nak(o, f, C_NAK_TIME);
		return (-1);
	}
	return (0);
}

static void
dc09_copy_span(char *dst, size_t size, struct proto_span s)
{
	size_t	 i, n = s.len < size - 1 ? s.len : size - 1;

	/* Printable ASCII only: this text reaches logs, screens and JSON. */
	for (i = 0; i < n; i++)
		dst[i] = (s.p[i] >= 0x20 && s.p[i] < 0x7f) ? s.p[i] : '?';
	dst[n] = '\0';
}

static void
dc09_location(const struct dc09_frame *f, char *dst, size_t size)
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
		dc09_copy_span(part, sizeof part, *v[i]);
		n = snprintf(dst + off, size - off, "%s%c=%s",
		    off ? " " : "", names[i], part);
		if (n < 0)
			break;
		off += n;
	}
}

/* One event record per decoded event; an unreadable data block is kept. */
static void
dc09_fill(struct db_event *e, const struct dc09_frame *f,
    const struct dc09_event *de)
{
	memset(e, 0, sizeof *e);
	e->seq = f->seq;
	snprintf(e->token, sizeof e->token, "%s%s", f->encrypted ? "*" : "",
	    dc09_token_name(f->token));
	e->device_time = f->has_ts ? (int64_t)f->ts : 0;
	e->flags = f->encrypted ? EVENT_ENCRYPTED : 0;
	dc09_location(f, e->location, sizeof e->location);
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
	dc09_copy_span(e->text, sizeof e->text, de->text);
	if (!de->known)
		e->flags |= EVENT_UNKNOWN_CODE;
}

/*
 * The frame's identity: what a retransmission repeats byte for byte.
 * A frame without a timestamp can only be told apart by seq and data, so
 * a unit that re-uses a seq for the same event within the window is seen
 * as a retransmission: ACKed, counted, not presented again.
 */
static size_t
dc09_ident(const struct dc09_frame *f, uint8_t *buf, size_t size)
{
	size_t		 n = 0, acct = strlen(f->acct);
	const char	*tok = dc09_token_name(f->token);
	size_t		 tl = strlen(tok);

	memcpy(buf + n, f->acct, acct + 1);
	n += acct + 1;
	buf[n++] = f->seq >> 8;
	buf[n++] = f->seq & 0xff;
	memcpy(buf + n, tok, tl + 1);
	n += tl + 1;
	/* The device's own timestamp: a new press re-using a seq differs. */
	if (f->has_ts) {
		memcpy(buf + n, &f->ts, sizeof f->ts);
		n += sizeof f->ts;
	}
	if (f->data.len + f->xdata.len <= size - n) {
		memcpy(buf + n, f->data.p, f->data.len);
		n += f->data.len;
		memcpy(buf + n, f->xdata.p, f->xdata.len);
		n += f->xdata.len;
	}
	return (n);
}

/*
 * The frame's events, decoded (every one a frame can hold); NULL and 0
 * for a poll. Up to DC09_EV_STACK fit the caller's array, more are
 * allocated (the caller frees ev if it is not evbuf).
 */
#define DC09_EV_STACK	8
static struct db_event *
dc09_events_in(const struct dc09_frame *f, struct db_event *evbuf,
    size_t *nev)
{
	static struct dc09_event evs[DC09_MAX_EVENTS];	/* one thread */
	struct db_event		*ev = evbuf;
	size_t			 i, n = 0;

	*nev = 0;
	if (f->token == DC09_TOKEN_NULL)
		return (evbuf);
	if (dc09_events(f, evs, DC09_MAX_EVENTS, &n) != PROTO_OK) {
		COUNT(C_FRAME_BADDATA);
		dc09_fill(&ev[0], f, NULL);	/* stored raw, as unknown */
		*nev = 1;
		return (evbuf);
	}
	if (n > DC09_EV_STACK)
		ev = xreallocarray(NULL, n, sizeof *ev);
	for (i = 0; i < n; i++)
		dc09_fill(&ev[i], f, &evs[i]);
	*nev = n;
	return (ev);
}

int
dc09_in(const struct origin *from, struct bucket *unreg,
    const char *srcname, const uint8_t *buf, size_t len)
{
	struct dc09_frame	 f;
	struct db_event		 evbuf[DC09_EV_STACK];
	struct ingest_in	 in;
	struct origin		 o = *from;
	const struct unit	*u;
	uint8_t			 plain[DC09_MAX_FRAME];
	uint8_t			 ident[DC09_MAX_FRAME + 64];
	int			 rc;

	COUNT(C_FRAMES);
	if (dc09_parse_frame(&o, buf, len, &f) != 0)
		return (INGEST_REFUSED);
	u = unit_find(o.ops->protocol, f.acct);
	if (u != NULL && u->has_key && !f.encrypted) {
		dc09_nak(&o, &f, C_NAK_PLAINTEXT);
		return (INGEST_REFUSED);
	}
	if (f.encrypted &&
	    dc09_decrypt_frame(&o, &f, u, plain, sizeof plain) != 0)
		return (INGEST_REFUSED);
	dc09_reply_state(&f, &o);
	o.unit_id = u != NULL ? u->id : 0;
	memset(&in, 0, sizeof in);
	in.account = f.acct;
	in.ev = dc09_events_in(&f, evbuf, &in.nev);
	in.ident = ident;
	in.identlen = dc09_ident(&f, ident, sizeof ident);
	in.timed = f.has_ts;
	in.raw = buf;
	in.rawlen = len;
	in.source = srcname;
	in.unreg = unreg;
	rc = ingest_frame(&o, &in);
	if (in.ev != evbuf)
		free(in.ev);
	return (rc);
}
