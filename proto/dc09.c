/*
 * dc09.c -- SIA DC-09 framing: the stream scanner, the header parser and
 * the error and token names. See PROTOCOLS.md section 1.
 *
 * Pure: parsed values point into the caller's buffer; nothing is
 * allocated.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto.h"

#define DC09_FIELD_MAX	6	/* R and L fields: 1..6 hex digits */
#define DC09_TOKEN_LEN	16	/* longest token we call well-formed */

static const char *const proto_err_names[PROTO_ERR_MAX] = {
	[PROTO_OK] = "ok",
	[PROTO_MORE] = "more",
	[PROTO_JUNK] = "junk",
	[PROTO_TOOLONG] = "too long",
	[PROTO_BADCRC] = "bad crc",
	[PROTO_BADLEN] = "bad length",
	[PROTO_BADFRAME] = "bad frame",
	[PROTO_BADTOKEN] = "bad token",
	[PROTO_BADDATA] = "bad data",
	[PROTO_BADTIME] = "bad time",
	[PROTO_NOTIME] = "no time",
	[PROTO_DECRYPT] = "decrypt",
	[PROTO_NOSPACE] = "no space",
};

static const char *const dc09_token_names[DC09_TOKEN_MAX] = {
	[DC09_TOKEN_NONE] = "NONE",
	[DC09_TOKEN_SIA_DCS] = "SIA-DCS",
	[DC09_TOKEN_ADM_CID] = "ADM-CID",
	[DC09_TOKEN_NULL] = "NULL",
	[DC09_TOKEN_ACK] = "ACK",
	[DC09_TOKEN_NAK] = "NAK",
	[DC09_TOKEN_DUH] = "DUH",
	[DC09_TOKEN_RSP] = "RSP",
};

const char *
proto_err_name(enum proto_err e)
{
	if ((unsigned)e >= PROTO_ERR_MAX || proto_err_names[e] == NULL)
		return ("unknown");
	return (proto_err_names[e]);
}

const char *
dc09_token_name(enum dc09_token t)
{
	if ((unsigned)t >= DC09_TOKEN_MAX || dc09_token_names[t] == NULL)
		return ("unknown");
	return (dc09_token_names[t]);
}

/* A hex digit's value, either case, or -1. */
int
dc09_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (-1);
}

/* Length of the run of hex digits at p[0..n). */
static size_t
dc09_hexrun(const char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < n && dc09_hexval((unsigned char)p[i]) != -1; i++)
		;
	return (i);
}

/* Four hex digits, either case. 0 or -1. */
static int
dc09_hex4(const uint8_t *p, unsigned *v)
{
	int	i, d;

	*v = 0;
	for (i = 0; i < 4; i++) {
		if ((d = dc09_hexval(p[i])) == -1)
			return (-1);
		*v = (*v << 4) | (unsigned)d;
	}
	return (0);
}

/*
 * Scanning starts at the LF. The binary-CRC form (byte 3 '0', byte 7 '"')
 * has two raw CRC bytes at offsets 1-2 that may be CR or LF: search from
 * offset 3 there. Returns the offset to search from, or 0 if we cannot
 * tell the form yet.
 */
static size_t
dc09_scan_start(const uint8_t *buf, size_t len)
{
	if (len >= 8)
		return (buf[3] == '0' && buf[7] == '"' ? 3 : 1);
	if (len >= 4 && buf[3] != '0')
		return (1);
	return (0);
}

enum proto_err
dc09_scan(const uint8_t *buf, size_t len, size_t max, size_t *used)
{
	const uint8_t	*lf;
	size_t		 i, start, lim;

	*used = 0;
	if (len == 0)
		return (PROTO_MORE);
	if ((lf = memchr(buf, '\n', len)) == NULL) {
		*used = len;
		return (PROTO_JUNK);
	}
	if (lf != buf) {
		*used = (size_t)(lf - buf);
		return (PROTO_JUNK);
	}
	lim = len < max ? len : max;
	if ((start = dc09_scan_start(buf, lim)) != 0) {
		for (i = start; i < lim; i++) {
			if (buf[i] == '\r') {
				*used = i + 1;
				return (PROTO_OK);
			}
			if (buf[i] == '\n') {
				*used = i;	/* truncated frame */
				return (PROTO_JUNK);
			}
		}
	}
	if (len >= max) {
		*used = len;
		return (PROTO_TOOLONG);
	}
	return (PROTO_MORE);
}

static enum dc09_token
dc09_token_find(const char *p, size_t n)
{
	const char	*name;
	int		 t;

	for (t = DC09_TOKEN_NONE + 1; t < DC09_TOKEN_MAX; t++) {
		name = dc09_token_name((enum dc09_token)t);
		if (strlen(name) == n && memcmp(name, p, n) == 0)
			return ((enum dc09_token)t);
	}
	return (DC09_TOKEN_NONE);
}

static int
dc09_is_reply(enum dc09_token t)
{
	return (t == DC09_TOKEN_ACK || t == DC09_TOKEN_NAK ||
	    t == DC09_TOKEN_DUH || t == DC09_TOKEN_RSP);
}

/* '"' ['*'] token '"' seq: returns -1 on bad syntax. */
static int
dc09_parse_token(const char *p, size_t n, size_t *i, struct dc09_frame *f)
{
	size_t	j, k;

	if (n < 1 || p[0] != '"')
		return (-1);
	j = 1;
	if (j < n && p[j] == '*') {
		f->encrypted = 1;
		j++;
	}
	for (k = j; k < n && p[k] != '"'; k++) {
		if (p[k] <= ' ' || p[k] > '~')
			return (-1);
	}
	if (k == n || k == j || k - j > DC09_TOKEN_LEN)
		return (-1);
	f->token = dc09_token_find(p + j, k - j);
	k++;
	if (n - k < 4)
		return (-1);
	f->seq = 0;
	for (j = k; j < k + 4; j++) {
		if (p[j] < '0' || p[j] > '9')
			return (-1);
		f->seq = f->seq * 10 + (unsigned)(p[j] - '0');
	}
	*i = j;
	return (0);
}

/* Letter c and a run of hex digits: 0 absent, 1 present, -1 bad. */
static int
dc09_parse_field(const char *p, size_t n, size_t *i, char c,
    struct proto_span *sp)
{
	size_t	run;

	if (*i >= n || p[*i] != c)
		return (0);
	run = dc09_hexrun(p + *i + 1, n - *i - 1);
	if (run == 0)
		return (-1);
	sp->p = p + *i + 1;
	sp->len = run;
	*i += 1 + run;
	return (1);
}

/* Copy the receiver-form account 'A' + hex, upper case. */
static void
dc09_acct_recv(const char *p, size_t n, struct dc09_frame *f)
{
	size_t	k;

	f->acct[0] = 'A';
	for (k = 0; k < n; k++) {
		f->acct[k + 1] = p[k];
		if (p[k] >= 'a' && p[k] <= 'f')
			f->acct[k + 1] = p[k] - 'a' + 'A';
	}
	f->acct[n + 1] = '\0';
}

/*
 * Receiver replies carry 'A' + 1..6 hex after L (NAK: "R0L0A0["). 'A' is a
 * hex digit, so the L (or R) run swallowed it: split it off again.
 */
static void
dc09_split_recv(struct proto_span *sp, struct dc09_frame *f)
{
	size_t	k, rest;

	for (k = 1; k < sp->len && k <= DC09_FIELD_MAX; k++) {
		rest = sp->len - k - 1;
		if (sp->p[k] == 'A' && rest >= 1 && rest <= DC09_FIELD_MAX) {
			dc09_acct_recv(sp->p + k + 1, rest, f);
			sp->len = k;
			return;
		}
	}
}

/* '#' + 3..16 hex (or, in replies, 'A' + 1..6 hex, or nothing). */
static int
dc09_parse_acct(const char *p, size_t n, size_t *i, struct dc09_frame *f)
{
	size_t	run, k;
	int	reply = dc09_is_reply(f->token);

	if (*i < n && p[*i] == '#') {
		run = dc09_hexrun(p + *i + 1, n - *i - 1);
		if (run < 3 || run > DC09_ACCT_MAX)
			return (-1);
		for (k = 0; k < run; k++) {
			f->acct[k] = p[*i + 1 + k];
			if (f->acct[k] >= 'a' && f->acct[k] <= 'f')
				f->acct[k] = f->acct[k] - 'a' + 'A';
		}
		f->acct[run] = '\0';
		*i += 1 + run;
		return (0);
	}
	if (reply && *i < n && p[*i] == 'A') {
		run = dc09_hexrun(p + *i + 1, n - *i - 1);
		if (run < 1 || run > DC09_FIELD_MAX)
			return (-1);
		dc09_acct_recv(p + *i + 1, run, f);
		*i += 1 + run;
		return (0);
	}
	if (!reply)
		return (-1);
	if (f->has_pref)
		dc09_split_recv(&f->pref, f);
	else if (f->has_rcvr)
		dc09_split_recv(&f->rcvr, f);
	return (0);
}

/* seq is parsed; R, L, account and '['. */
static int
dc09_parse_ids(const char *p, size_t n, size_t *i, struct dc09_frame *f)
{
	int	r;

	if ((r = dc09_parse_field(p, n, i, 'R', &f->rcvr)) == -1)
		return (-1);
	f->has_rcvr = r;
	if ((r = dc09_parse_field(p, n, i, 'L', &f->pref)) == -1)
		return (-1);
	f->has_pref = r;
	if (dc09_parse_acct(p, n, i, f) == -1)
		return (-1);
	if (f->rcvr.len > DC09_FIELD_MAX || f->pref.len > DC09_FIELD_MAX)
		return (-1);
	if (*i >= n || p[*i] != '[')
		return (-1);
	(*i)++;
	return (0);
}

enum proto_err
dc09_parse_block(const char *p, size_t n, struct dc09_frame *f)
{
	const char	*end = p + n, *q, *x;

	if ((q = memchr(p, ']', n)) == NULL)
		return (PROTO_BADFRAME);
	f->data.p = p;
	f->data.len = (size_t)(q - p);
	x = p = q + 1;
	while (p < end && *p == '[') {
		if ((q = memchr(p, ']', (size_t)(end - p))) == NULL)
			return (PROTO_BADFRAME);
		p = q + 1;
	}
	f->xdata.p = x;
	f->xdata.len = (size_t)(p - x);
	if (p == end)
		return (PROTO_OK);
	if (*p != '_' || end - p != 20)
		return (PROTO_BADFRAME);
	if (dc09_time_parse(p + 1, 19, &f->ts) != PROTO_OK)
		return (PROTO_BADTIME);
	f->has_ts = 1;
	return (PROTO_OK);
}

/* Encrypted: the rest is hex, a non-zero multiple of one block. */
static enum proto_err
dc09_parse_cipher(const char *p, size_t n, struct dc09_frame *f)
{
	if (n == 0 || n % 32 != 0 || dc09_hexrun(p, n) != n)
		return (PROTO_DECRYPT);
	f->cipher.p = p;
	f->cipher.len = n;
	return (PROTO_OK);
}

static enum proto_err
dc09_parse_body(struct dc09_frame *f)
{
	const char	*p = f->body.p;
	size_t		 n = f->body.len, i;
	enum proto_err	 e;

	if (dc09_parse_token(p, n, &i, f) == -1)
		return (PROTO_BADFRAME);
	if (dc09_parse_ids(p, n, &i, f) == -1)
		return (PROTO_BADFRAME);
	if (f->encrypted)
		e = dc09_parse_cipher(p + i, n - i, f);
	else
		e = dc09_parse_block(p + i, n - i, f);
	if (f->token != DC09_TOKEN_NONE)
		return (e);
	/* Unknown token: the header is enough to answer DUH. */
	memset(&f->data, 0, sizeof f->data);
	memset(&f->xdata, 0, sizeof f->xdata);
	memset(&f->cipher, 0, sizeof f->cipher);
	f->has_ts = 0;
	f->ts = 0;
	return (PROTO_BADTOKEN);
}

enum proto_err
dc09_parse(const uint8_t *buf, size_t len, struct dc09_frame *f)
{
	unsigned	crc, blen;
	size_t		hdr;

	memset(f, 0, sizeof *f);
	if (len < 2 || buf[0] != '\n' || buf[len - 1] != '\r')
		return (PROTO_BADFRAME);
	if (len >= 8 && buf[3] == '0' && buf[7] == '"') {
		f->binary_crc = 1;
		crc = (unsigned)buf[1] << 8 | buf[2];
		hdr = 7;
	} else {
		hdr = 9;
		if (len < hdr + 1 || dc09_hex4(buf + 1, &crc) == -1)
			return (PROTO_BADFRAME);
	}
	if (dc09_hex4(buf + hdr - 4, &blen) == -1)
		return (PROTO_BADFRAME);
	f->crc = (uint16_t)crc;
	f->body.p = (const char *)buf + hdr;
	f->body.len = len - hdr - 1;
	f->body_len = f->body.len;
	if (blen != f->body.len)
		return (PROTO_BADLEN);
	if (crc16_arc(f->body.p, f->body.len) != crc)
		return (PROTO_BADCRC);
	return (dc09_parse_body(f));
}
