/*
 * dc09_aes.c -- SIA DC-09 encryption: AES-CBC with an all-zero IV and no
 * PKCS#7, key 128/192/256 bit. Plaintext = pad | data ] xdata _ts.
 *
 * The low-level AES API is used so that nothing is allocated; key
 * schedules are wiped after use.
 */
#define OPENSSL_API_COMPAT	0x10100000L

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <openssl/aes.h>

#include "proto.h"

#define DC09_AES_BLOCK	16

static const char dc09_aes_hexdigits[] = "0123456789ABCDEF";

/* Pad characters: printable, never '|', '[' or ']'. */
static const char dc09_aes_padchars[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";


/* 2n hex digits to n bytes. 0 or -1. */
static int
dc09_aes_unhex(const char *s, size_t n, uint8_t *out)
{
	size_t	i;
	int	hi, lo;

	for (i = 0; i < n; i++) {
		hi = dc09_hexval((unsigned char)s[2 * i]);
		lo = dc09_hexval((unsigned char)s[2 * i + 1]);
		if (hi == -1 || lo == -1)
			return (-1);
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (0);
}

static void
dc09_aes_hex(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		out[2 * i] = (uint8_t)dc09_aes_hexdigits[in[i] >> 4];
		out[2 * i + 1] = (uint8_t)dc09_aes_hexdigits[in[i] & 0xf];
	}
}

static int
dc09_aes_keylen_ok(size_t len)
{
	return (len == 16 || len == 24 || len == 32);
}

int
dc09_key_parse(const char *s, struct dc09_key *key)
{
	size_t	n;

	memset(key, 0, sizeof *key);
	if (strncmp(s, "hex:", 4) == 0) {
		s += 4;
		n = strlen(s);
		if (n % 2 != 0 || !dc09_aes_keylen_ok(n / 2) ||
		    dc09_aes_unhex(s, n / 2, key->k) == -1) {
			explicit_bzero(key, sizeof *key);
			return (-1);
		}
		key->len = n / 2;
		return (0);
	}
	if (strncmp(s, "ascii:", 6) == 0)
		s += 6;
	n = strlen(s);
	if (!dc09_aes_keylen_ok(n))
		return (-1);
	memcpy(key->k, s, n);
	key->len = n;
	return (0);
}

void
dc09_key_format(const struct dc09_key *key, char out[80])
{
	size_t	n = key->len > sizeof key->k ? sizeof key->k : key->len;

	memcpy(out, "hex:", 4);
	dc09_aes_hex(key->k, n, (uint8_t *)out + 4);
	out[4 + 2 * n] = '\0';
}

/* Drop trailing zero bytes and a stray trailing block of 0x10. */
static size_t
dc09_aes_trim(const uint8_t *p, size_t n)
{
	size_t	i;

	while (n > 0 && p[n - 1] == 0)
		n--;
	if (n >= DC09_AES_BLOCK) {
		for (i = n - DC09_AES_BLOCK; i < n && p[i] == 0x10; i++)
			;
		if (i == n)
			n -= DC09_AES_BLOCK;
	}
	while (n > 0 && p[n - 1] == 0)
		n--;
	return (n);
}

/* Point f->data, xdata and ts into the plaintext. */
static enum proto_err
dc09_aes_split(struct dc09_frame *f, const uint8_t *buf, size_t n)
{
	const char	*p = (const char *)buf, *q;
	enum proto_err	 e;

	n = dc09_aes_trim(buf, n);
	if ((q = memchr(p, '|', n)) != NULL)
		q++;
	else if ((q = memchr(p, ']', n)) == NULL)
		return (PROTO_DECRYPT);
	e = dc09_parse_block(q, n - (size_t)(q - p), f);
	if (e == PROTO_BADFRAME)
		e = PROTO_DECRYPT;
	if (e != PROTO_OK) {
		memset(&f->data, 0, sizeof f->data);
		memset(&f->xdata, 0, sizeof f->xdata);
		f->has_ts = 0;
		return (e);
	}
	return (f->has_ts ? PROTO_OK : PROTO_NOTIME);
}

enum proto_err
dc09_decrypt(struct dc09_frame *f, const struct dc09_key *key, uint8_t *buf,
    size_t bufsize)
{
	AES_KEY	ks;
	uint8_t	iv[DC09_AES_BLOCK];
	size_t	n = f->cipher.len / 2;

	f->has_ts = 0;
	if (!dc09_aes_keylen_ok(key->len) || f->cipher.p == NULL ||
	    n == 0 || f->cipher.len % (2 * DC09_AES_BLOCK) != 0)
		return (PROTO_DECRYPT);
	if (n > bufsize)
		return (PROTO_NOSPACE);
	if (dc09_aes_unhex(f->cipher.p, n, buf) == -1)
		return (PROTO_DECRYPT);
	if (AES_set_decrypt_key(key->k, (int)key->len * 8, &ks) != 0)
		return (PROTO_DECRYPT);
	memset(iv, 0, sizeof iv);
	AES_cbc_encrypt(buf, buf, n, &ks, iv, AES_DECRYPT);
	explicit_bzero(&ks, sizeof ks);
	return (dc09_aes_split(f, buf, n));
}

/*
 * Build the plaintext: a printable pad of 1..16 bytes from rnd, then
 * "|" data "]" xdata (requests) or "]" (replies), then "_" ts. Returns its
 * length, a multiple of 16, or 0 if it does not fit.
 */
static size_t
dc09_aes_plain(const struct dc09_msg *msg, const uint8_t rnd[16],
    uint8_t *pt, size_t size)
{
	size_t	dlen = 0, xlen = 0, clen, pad, i, off;

	if (msg->data != NULL) {
		dlen = strlen(msg->data);
		if (msg->xdata != NULL)
			xlen = strlen(msg->xdata);
	}
	clen = (msg->data != NULL ? 1 + dlen : 0) + 1 + xlen +
	    (msg->ts >= 0 ? 20 : 0);
	pad = DC09_AES_BLOCK - clen % DC09_AES_BLOCK;
	if (clen > size || pad > size - clen)
		return (0);
	for (i = 0; i < pad; i++)
		pt[i] = (uint8_t)dc09_aes_padchars[rnd[i] %
		    (sizeof dc09_aes_padchars - 1)];
	off = pad;
	if (msg->data != NULL) {
		pt[off++] = '|';
		memcpy(pt + off, msg->data, dlen);
		off += dlen;
	}
	pt[off++] = ']';
	memcpy(pt + off, msg->xdata != NULL ? msg->xdata : "", xlen);
	off += xlen;
	if (msg->ts >= 0) {
		pt[off] = '_';
		dc09_time_format(msg->ts, (char *)pt + off + 1);
		off += 20;
	}
	return (off);
}

size_t
dc09_encode_encrypted(const struct dc09_msg *msg, const struct dc09_key *key,
    const uint8_t rnd[16], uint8_t *out, size_t size)
{
	AES_KEY	ks;
	uint8_t	pt[DC09_BODY_MAX / 2 + 1], iv[DC09_AES_BLOCK];
	size_t	n, off, ret = 0;

	if (!dc09_aes_keylen_ok(key->len))
		return (0);
	if ((n = dc09_aes_plain(msg, rnd, pt, sizeof pt - 1)) == 0)
		return (0);
	if ((off = dc09_encode_head(msg, out, size)) == 0 ||
	    2 * n >= size - off)
		goto out;
	if (AES_set_encrypt_key(key->k, (int)key->len * 8, &ks) != 0)
		goto out;
	memset(iv, 0, sizeof iv);
	AES_cbc_encrypt(pt, pt, n, &ks, iv, AES_ENCRYPT);
	explicit_bzero(&ks, sizeof ks);
	dc09_aes_hex(pt, n, out + off);
	ret = dc09_encode_finish(msg->binary_crc, out, off + 2 * n, size);
out:
	explicit_bzero(pt, sizeof pt);
	return (ret);
}
