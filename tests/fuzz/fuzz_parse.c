/*
 * fuzz_parse.c -- libFuzzer target for dc09_parse: the input is one frame
 * (LF..CR), and, when it starts with '"', also a body that is framed here
 * with the right CRC and length (hex and binary form) so the fuzzer gets
 * past the CRC. Every span must lie inside the input; a frame that parses is
 * rebuilt with dc09_encode and must parse back to the same fields; the
 * replies to it must parse as replies.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_span(struct proto_span sp, const uint8_t *data, size_t size)
{
	if (sp.len == 0)
		return;
	if ((const uint8_t *)sp.p < data ||
	    (const uint8_t *)sp.p + sp.len > data + size)
		abort();
}

static int
span_eq(struct proto_span a, struct proto_span b)
{
	return (a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0));
}

static const char *
span_str(int has, struct proto_span sp, char *buf, size_t size)
{
	if (!has)
		return (NULL);
	if (sp.len >= size)
		abort();
	memcpy(buf, sp.p, sp.len);
	buf[sp.len] = '\0';
	return (buf);
}

/* Rebuild a clear frame from its fields and parse it again. */
static void
check_reencode(const struct dc09_frame *f)
{
	struct dc09_frame	g;
	struct dc09_msg		msg;
	char			rcvr[8], pref[8], acct[20], data[1100];
	char			xdata[1100], token[24];
	uint8_t			out[2 * DC09_MAX_FRAME];
	size_t			n, hlen;

	if (memchr(f->data.p, '\0', f->data.len) != NULL ||
	    memchr(f->xdata.p, '\0', f->xdata.len) != NULL)
		return;		/* a C string cannot carry it */
	memset(&msg, 0, sizeof msg);
	strcpy(token, f->encrypted ? "*" : "");
	strcat(token, dc09_token_name(f->token));
	msg.token = token;
	msg.seq = f->seq;
	msg.rcvr = span_str(f->has_rcvr, f->rcvr, rcvr, sizeof rcvr);
	msg.pref = span_str(f->has_pref, f->pref, pref, sizeof pref);
	hlen = (size_t)(f->data.p - f->body.p);
	if (f->acct[0] != '\0') {
		acct[0] = memchr(f->body.p, '#', hlen) != NULL ? '#' : 'A';
		strcpy(acct + 1, f->acct + (acct[0] == 'A'));
		msg.acct = acct;
	}
	msg.data = span_str(1, f->data, data, sizeof data);
	msg.xdata = span_str(1, f->xdata, xdata, sizeof xdata);
	msg.ts = f->has_ts ? f->ts : -1;
	msg.binary_crc = f->binary_crc;
	if ((n = dc09_encode(&msg, out, sizeof out)) == 0)
		abort();
	if (dc09_parse(out, n, &g) != PROTO_OK)
		abort();
	if (g.token != f->token || g.seq != f->seq ||
	    g.has_rcvr != f->has_rcvr || !span_eq(g.rcvr, f->rcvr) ||
	    g.has_pref != f->has_pref || !span_eq(g.pref, f->pref) ||
	    strcmp(g.acct, f->acct) != 0 || !span_eq(g.data, f->data) ||
	    !span_eq(g.xdata, f->xdata) || g.has_ts != f->has_ts ||
	    g.ts != f->ts || g.binary_crc != f->binary_crc)
		abort();
}

static void
check_reply(size_t (*fn)(const struct dc09_frame *, time_t, uint8_t *,
    size_t), const struct dc09_frame *f, enum dc09_token want)
{
	struct dc09_frame	r;
	uint8_t			out[256];
	size_t			n;

	if ((n = fn(f, 1593973549, out, sizeof out)) == 0)
		abort();
	if (dc09_parse(out, n, &r) != PROTO_OK || r.token != want ||
	    r.binary_crc != f->binary_crc || r.ts != 1593973549)
		abort();
}

static void
check_frame(const uint8_t *data, size_t size)
{
	struct dc09_frame	f;
	enum proto_err		e;

	e = dc09_parse(data, size, &f);
	if ((unsigned)e >= PROTO_ERR_MAX || proto_err_name(e) == NULL)
		abort();
	check_span(f.body, data, size);
	check_span(f.rcvr, data, size);
	check_span(f.pref, data, size);
	check_span(f.data, data, size);
	check_span(f.xdata, data, size);
	check_span(f.cipher, data, size);
	if (f.acct[DC09_ACCT_MAX] != '\0' || f.seq > 9999)
		abort();
	if (e == PROTO_BADTOKEN)
		check_reply(dc09_reply_duh, &f, DC09_TOKEN_DUH);
	if (e != PROTO_OK)
		return;
	if (f.encrypted && f.cipher.len == 0)
		abort();
	if (!f.encrypted)
		check_reencode(&f);
	if (f.token == DC09_TOKEN_SIA_DCS || f.token == DC09_TOKEN_ADM_CID ||
	    f.token == DC09_TOKEN_NULL)
		check_reply(dc09_reply_ack, &f, DC09_TOKEN_ACK);
	check_reply(dc09_reply_nak, &f, DC09_TOKEN_NAK);
}

/* The input as a body, framed with the right CRC and length. */
static void
check_body(const uint8_t *body, size_t n, int binary)
{
	uint8_t		frame[DC09_MAX_FRAME + 16];
	size_t		hdr = binary ? 7 : 9;
	uint16_t	crc = crc16_arc(body, n);
	char		hex[10];

	if (n > DC09_BODY_MAX)
		return;
	snprintf(hex, sizeof hex, "%04X%04X", crc, (unsigned)n);
	frame[0] = '\n';
	if (binary) {
		frame[1] = (uint8_t)(crc >> 8);
		frame[2] = (uint8_t)crc;
		memcpy(frame + 3, hex + 4, 4);
	} else
		memcpy(frame + 1, hex, 8);
	memcpy(frame + hdr, body, n);
	frame[hdr + n] = '\r';
	check_frame(frame, hdr + n + 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_frame(data, size);
	if (size > 0 && data[0] == '"') {
		check_body(data, size, 0);
		check_body(data, size, 1);
	}
	return (0);
}
