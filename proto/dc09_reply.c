/*
 * dc09_reply.c -- receiver replies to a SIA DC-09 frame: ACK, *ACK, NAK and
 * DUH, in the CRC form (hex or raw bytes) the request used.
 *
 * ACK and DUH echo seq, and R and L verbatim only when the request had
 * them, then "#acct[]" and always the receiver's timestamp.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto.h"

#define DC09_REPLY_FIELD	8	/* R or L: 6 hex + NUL, rounded */

struct dc09_reply {
	char	rcvr[DC09_REPLY_FIELD];
	char	pref[DC09_REPLY_FIELD];
	char	acct[DC09_ACCT_MAX + 2];	/* '#' + acct + NUL */
};

/* Copy a span into a NUL-terminated field; NULL if absent or too long. */
static const char *
dc09_reply_span(int has, struct proto_span sp, char *out, size_t size)
{
	if (!has || sp.len >= size)
		return (NULL);
	memcpy(out, sp.p, sp.len);
	out[sp.len] = '\0';
	return (out);
}

/* Fill msg from the request f: seq, R, L, account, CRC form, now. */
static void
dc09_reply_msg(const struct dc09_frame *f, const char *token, time_t now,
    struct dc09_reply *r, struct dc09_msg *msg)
{
	memset(msg, 0, sizeof *msg);
	msg->token = token;
	msg->seq = f->seq;
	msg->rcvr = dc09_reply_span(f->has_rcvr, f->rcvr, r->rcvr,
	    sizeof r->rcvr);
	msg->pref = dc09_reply_span(f->has_pref, f->pref, r->pref,
	    sizeof r->pref);
	if (f->acct[0] != '\0') {
		r->acct[0] = '#';
		memcpy(r->acct + 1, f->acct, sizeof f->acct);
		r->acct[sizeof r->acct - 1] = '\0';
		msg->acct = r->acct;
	}
	msg->data = "";
	msg->ts = now;
	msg->binary_crc = f->binary_crc;
}

size_t
dc09_reply_ack(const struct dc09_frame *f, time_t now, uint8_t *out,
    size_t size)
{
	struct dc09_reply	r;
	struct dc09_msg		msg;

	dc09_reply_msg(f, "ACK", now, &r, &msg);
	return (dc09_encode(&msg, out, size));
}

size_t
dc09_reply_ack_encrypted(const struct dc09_frame *f,
    const struct dc09_key *key, const uint8_t rnd[16], time_t now,
    uint8_t *out, size_t size)
{
	struct dc09_reply	r;
	struct dc09_msg		msg;

	dc09_reply_msg(f, "*ACK", now, &r, &msg);
	msg.data = NULL;			/* plaintext: pad ] _ts */
	return (dc09_encode_encrypted(&msg, key, rnd, out, size));
}

/* "NAK"0000R0L0A0[]_ts: never encrypted, f may be NULL (hex CRC). */
size_t
dc09_reply_nak(const struct dc09_frame *f, time_t now, uint8_t *out,
    size_t size)
{
	struct dc09_msg	msg;

	memset(&msg, 0, sizeof msg);
	msg.token = "NAK";
	msg.seq = 0;
	msg.rcvr = "0";
	msg.pref = "0";
	msg.acct = "A0";
	msg.data = "";
	msg.ts = now;
	msg.binary_crc = f != NULL ? f->binary_crc : 0;
	return (dc09_encode(&msg, out, size));
}

size_t
dc09_reply_duh(const struct dc09_frame *f, time_t now, uint8_t *out,
    size_t size)
{
	struct dc09_reply	r;
	struct dc09_msg		msg;

	dc09_reply_msg(f, "DUH", now, &r, &msg);
	return (dc09_encode(&msg, out, size));
}
