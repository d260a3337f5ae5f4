/*
 * fuzz_decrypt.c -- libFuzzer target for dc09_decrypt. The first byte
 * picks the key (0x41 repeated 16, 24 or 32 times, by byte % 3) and, by
 * its top bit, the mode:
 *   bit clear: the rest is a plaintext; it is encrypted here (zero IV,
 *           zero fill to a block) and put in a frame, so the fuzzer
 *           explores the plaintext parser (pad, '|', ']', xdata,
 *           timestamp, trailing zeros and 0x10 blocks);
 *   bit set: the rest is a whole frame, parsed and, if encrypted,
 *           decrypted.
 * A plaintext that decrypts must give spans inside the buffer, and the
 * frame re-encrypted with dc09_encode_encrypted must decrypt the same.
 */
#define OPENSSL_API_COMPAT	0x10100000L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/aes.h>

#include "proto.h"

#define PT_MAX	((DC09_BODY_MAX - 40) / 2 / 16 * 16)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_key(struct dc09_key *key, uint8_t sel)
{
	size_t	i;

	key->len = 16 + 8 * (sel % 3);
	for (i = 0; i < sizeof key->k; i++)
		key->k[i] = 'A';
}

static void
check_span(struct proto_span sp, const uint8_t *buf, size_t size)
{
	if (sp.len != 0 && ((const uint8_t *)sp.p < buf ||
	    (const uint8_t *)sp.p + sp.len > buf + size))
		abort();
}

/* Encrypt pt with the low-level API and wrap it in a frame. */
static size_t
fuzz_frame(const struct dc09_key *key, const uint8_t *pt, size_t n,
    uint8_t *out, size_t size)
{
	AES_KEY		ks;
	uint8_t		ct[PT_MAX], iv[16];
	char		body[2 * PT_MAX + 64];
	size_t		i, blen;
	uint16_t	crc;

	memcpy(ct, pt, n);
	memset(ct + n, 0, (16 - n % 16) % 16);
	n += (16 - n % 16) % 16;
	memset(iv, 0, sizeof iv);
	AES_set_encrypt_key(key->k, (int)key->len * 8, &ks);
	AES_cbc_encrypt(ct, ct, n, &ks, iv, AES_ENCRYPT);
	blen = (size_t)snprintf(body, sizeof body, "\"*SIA-DCS\"0001L0#1234[");
	for (i = 0; i < n; i++)
		blen += (size_t)snprintf(body + blen, sizeof body - blen,
		    "%02X", ct[i]);
	crc = crc16_arc(body, blen);
	return ((size_t)snprintf((char *)out, size, "\n%04X%04X%s\r",
	    crc, (unsigned)blen, body));
}

/* Re-encrypt what was decrypted; it must come back the same. */
static void
check_again(const struct dc09_frame *f, const struct dc09_key *key)
{
	struct dc09_frame	g;
	struct dc09_msg		msg;
	char			data[DC09_MAX_FRAME], xdata[DC09_MAX_FRAME];
	uint8_t			rnd[16], out[4 * DC09_MAX_FRAME];
	uint8_t			buf[4 * DC09_MAX_FRAME];
	size_t			n;

	memcpy(data, f->data.p, f->data.len);
	data[f->data.len] = '\0';
	memcpy(xdata, f->xdata.p, f->xdata.len);
	xdata[f->xdata.len] = '\0';
	if (strlen(data) != f->data.len || strlen(xdata) != f->xdata.len)
		return;		/* NUL inside: a C string cannot carry it */
	memset(&msg, 0, sizeof msg);
	msg.token = "*SIA-DCS";
	msg.seq = 1;
	msg.acct = "#1234";
	msg.data = data;
	msg.xdata = xdata;
	msg.ts = f->ts;
	memset(rnd, 0x42, sizeof rnd);
	if ((n = dc09_encode_encrypted(&msg, key, rnd, out, sizeof out)) == 0)
		return;		/* too long for one frame */
	if (dc09_parse(out, n, &g) != PROTO_OK ||
	    dc09_decrypt(&g, key, buf, sizeof buf) != PROTO_OK ||
	    g.data.len != f->data.len || g.xdata.len != f->xdata.len ||
	    memcmp(g.data.p, f->data.p, f->data.len) != 0 ||
	    memcmp(g.xdata.p, f->xdata.p, f->xdata.len) != 0 ||
	    g.ts != f->ts)
		abort();
}

static void
fuzz_one(const uint8_t *frame, size_t n, const struct dc09_key *key)
{
	struct dc09_frame	f;
	uint8_t			buf[DC09_MAX_FRAME];
	enum proto_err		e;

	if (dc09_parse(frame, n, &f) != PROTO_OK || !f.encrypted)
		return;
	e = dc09_decrypt(&f, key, buf, sizeof buf);
	if ((unsigned)e >= PROTO_ERR_MAX)
		abort();
	check_span(f.data, buf, sizeof buf);
	check_span(f.xdata, buf, sizeof buf);
	if (e == PROTO_OK) {
		if (!f.has_ts)
			abort();
		check_again(&f, key);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dc09_key	key;
	uint8_t		frame[4 * DC09_MAX_FRAME];
	size_t		n;

	if (size < 1)
		return (0);
	fuzz_key(&key, data[0]);
	data++;
	size--;
	if ((data[-1] & 0x80) != 0) {
		fuzz_one(data, size, &key);
		return (0);
	}
	if (size == 0 || size > PT_MAX)
		return (0);
	n = fuzz_frame(&key, data, size, frame, sizeof frame);
	fuzz_one(frame, n, &key);
	return (0);
}
