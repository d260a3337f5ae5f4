/*
 * test_dc09_aes.c -- SIA DC-09 encryption: keys, the real hub frame of
 * PROTOCOLS.md section 6, pads of every kind, AES-128/192/256 round trips
 * and the encrypted ACK.
 *
 * Oracles: FIPS-197 appendix C and SP 800-38A F.2 vectors, and OpenSSL's
 * EVP interface (a different code path from the low-level AES API that
 * proto/ uses), itself checked against those vectors here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "dc09_oracle.h"

static const char real_hub[] = "\n76D80055\"*NULL\"0000R0L0#AAAB["
    "B4BC8B40D0E6D959D6BEA78E88CC0B2155741A3C44FBB96D476A3E557CAD64D9\r";
static const char real_plain[] = "ppppppppppp]_18:24:52,07-05-2020";

static const char *const sp_keys[3] = {
	"2b7e151628aed2a6abf7158809cf4f3c",
	"8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
	"603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
};
static const char sp_iv[] = "000102030405060708090a0b0c0d0e0f";
static const char sp_plain[] =
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
static const char *const sp_cipher[3] = {
	"7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2"
	"73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7",
	"4f021db243bc633d7178183a9fa071e8b4d9ada9ad7dedf4e5e738763f69145a"
	"571b242012fb7ae07fa9baac3df102e008b0e27988598881d920a9e64f5615cd",
	"f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
	"39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b",
};
static const char fips_plain[] = "00112233445566778899aabbccddeeff";
static const char *const fips_cipher[3] = {
	"69c4e0d86a7b0430d8cdb78070b4c55a",
	"dda97ca4864cdfe06eaf70a0ec0d7191",
	"8ea2b7ca516745bfeafc49904b496089",
};

static size_t
unhex(const char *s, uint8_t *out)
{
	size_t		n = strlen(s) / 2, i;
	unsigned	v;

	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return (n);
}

static void
tohex(const uint8_t *p, size_t n, char *out, int lower)
{
	size_t	i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, lower ? "%02x" : "%02X", p[i]);
}

/* AES-CBC through EVP, no padding. */
static void
oracle_cbc(int enc, const uint8_t *key, size_t klen, const uint8_t *iv,
    const uint8_t *in, size_t n, uint8_t *out)
{
	EVP_CIPHER_CTX		*ctx;
	const EVP_CIPHER	*c;
	uint8_t			 zero[16];
	int			 l1, l2;

	memset(zero, 0, sizeof zero);
	c = klen == 16 ? EVP_aes_128_cbc() :
	    klen == 24 ? EVP_aes_192_cbc() : EVP_aes_256_cbc();
	assert_non_null(ctx = EVP_CIPHER_CTX_new());
	assert_int_equal(EVP_CipherInit_ex(ctx, c, NULL, key,
	    iv != NULL ? iv : zero, enc), 1);
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	assert_int_equal(EVP_CipherUpdate(ctx, out, &l1, in, (int)n), 1);
	assert_int_equal(EVP_CipherFinal_ex(ctx, out + l1, &l2), 1);
	assert_int_equal((size_t)(l1 + l2), n);
	EVP_CIPHER_CTX_free(ctx);
}

/* An encrypted frame around hex ciphertext, with the oracle's CRC. */
static size_t
mkframe_cipher(char *out, size_t size, const char *head, const char *hex)
{
	char	body[2048];
	int	n;

	n = snprintf(body, sizeof body, "%s%s", head, hex);
	assert_true(n > 0 && (size_t)n < sizeof body);
	n = snprintf(out, size, "\n%04X%04X%s\r",
	    oracle_crc(body, strlen(body)), (unsigned)strlen(body), body);
	assert_true(n > 0 && (size_t)n < size);
	return ((size_t)n);
}

static void
mkkey(struct dc09_key *key, size_t len, uint8_t seed)
{
	size_t	i;

	key->len = len;
	for (i = 0; i < sizeof key->k; i++)
		key->k[i] = (uint8_t)(seed + i * 7);
}

static void
test_key_parse(void **state)
{
	struct dc09_key	k, k2;
	char		s[80];

	(void)state;
	assert_int_equal(dc09_key_parse("AAAAAAAAAAAAAAAA", &k), 0);
	assert_int_equal(k.len, 16);
	assert_memory_equal(k.k, "AAAAAAAAAAAAAAAA", 16);
	assert_int_equal(dc09_key_parse("ascii:0123456789abcdefghijklmn", &k),
	    0);
	assert_int_equal(k.len, 24);
	assert_memory_equal(k.k, "0123456789abcdefghijklmn", 24);
	assert_int_equal(dc09_key_parse("hex:603deb1015ca71be2b73aef0857d7781"
	    "1F352C073B6108D72D9810A30914DFF4", &k), 0);
	assert_int_equal(k.len, 32);
	assert_int_equal(k.k[0], 0x60);
	assert_int_equal(k.k[31], 0xf4);
	dc09_key_format(&k, s);
	assert_string_equal(s, "hex:603DEB1015CA71BE2B73AEF0857D7781"
	    "1F352C073B6108D72D9810A30914DFF4");
	assert_int_equal(dc09_key_parse(s, &k2), 0);
	assert_int_equal(k2.len, 32);
	assert_memory_equal(k2.k, k.k, 32);
	assert_int_equal(dc09_key_parse("AAAAAAAAAAAAAAA", &k), -1);
	assert_int_equal(dc09_key_parse("ascii:AAAAAAAAAAAAAAAAA", &k), -1);
	assert_int_equal(dc09_key_parse("", &k), -1);
	assert_int_equal(dc09_key_parse("hex:0011", &k), -1);
	assert_int_equal(dc09_key_parse("hex:2b7e151628aed2a6abf7158809cf4f3",
	    &k), -1);
	assert_int_equal(dc09_key_parse("hex:2b7e151628aed2a6abf7158809cf4fzz",
	    &k), -1);
	/* Sixteen characters that look like hex are still ascii. */
	assert_int_equal(dc09_key_parse("0123456789abcdef", &k), 0);
	assert_memory_equal(k.k, "0123456789abcdef", 16);
}

/* The EVP oracle reproduces SP 800-38A, and so does dc09_decrypt. */
static void
test_sp800_38a(void **state)
{
	struct dc09_frame	f;
	struct dc09_key		key;
	uint8_t			iv[16], pt[64], ct[64], out[64], buf[128];
	char			hex[256], frame[512];
	size_t			i, n;

	(void)state;
	unhex(sp_iv, iv);
	unhex(sp_plain, pt);
	for (i = 0; i < 3; i++) {
		key.len = unhex(sp_keys[i], key.k);
		assert_int_equal(unhex(sp_cipher[i], ct), 64);
		oracle_cbc(1, key.k, key.len, iv, pt, 64, out);
		assert_memory_equal(out, ct, 64);
		oracle_cbc(0, key.k, key.len, iv, ct, 64, out);
		assert_memory_equal(out, pt, 64);
		/* Zero IV: prepend the IV as a block, skip its output. */
		snprintf(hex, sizeof hex, "%s%s", sp_iv, sp_cipher[i]);
		n = mkframe_cipher(frame, sizeof frame,
		    "\"*NULL\"0000L0#1234[", hex);
		assert_int_equal(dc09_parse((uint8_t *)frame, n, &f),
		    PROTO_OK);
		assert_int_equal(f.cipher.len, 160);
		(void)dc09_decrypt(&f, &key, buf, sizeof buf);
		assert_memory_equal(buf + 16, pt, 64);
	}
}

/* One block with a zero IV is FIPS-197 appendix C. */
static void
test_fips197(void **state)
{
	struct dc09_frame	f;
	struct dc09_key		key;
	uint8_t			pt[16], ct[16], out[16], buf[16];
	char			frame[256];
	size_t			i, n;

	(void)state;
	unhex(fips_plain, pt);
	for (i = 0; i < 3; i++) {
		key.len = 16 + 8 * i;
		for (n = 0; n < key.len; n++)
			key.k[n] = (uint8_t)n;
		unhex(fips_cipher[i], ct);
		oracle_cbc(1, key.k, key.len, NULL, pt, 16, out);
		assert_memory_equal(out, ct, 16);
		n = mkframe_cipher(frame, sizeof frame,
		    "\"*NULL\"0000L0#1234[", fips_cipher[i]);
		assert_int_equal(dc09_parse((uint8_t *)frame, n, &f),
		    PROTO_OK);
		assert_int_equal(dc09_decrypt(&f, &key, buf, sizeof buf),
		    PROTO_DECRYPT);
		assert_memory_equal(buf, pt, 16);
	}
}

static void
test_real_hub(void **state)
{
	struct dc09_frame	f;
	struct dc09_key		key;
	uint8_t			buf[64];

	(void)state;
	assert_int_equal(dc09_parse((const uint8_t *)real_hub,
	    strlen(real_hub), &f), PROTO_OK);
	assert_int_equal(f.crc, 0x76D8);
	assert_int_equal(f.body_len, 0x55);
	assert_int_equal(f.encrypted, 1);
	assert_int_equal(f.token, DC09_TOKEN_NULL);
	assert_int_equal(f.seq, 0);
	assert_span(f.rcvr, "0");
	assert_span(f.pref, "0");
	assert_string_equal(f.acct, "AAAB");
	assert_int_equal(f.cipher.len, 64);
	assert_int_equal(dc09_key_parse("ascii:AAAAAAAAAAAAAAAA", &key), 0);
	assert_int_equal(dc09_decrypt(&f, &key, buf, sizeof buf), PROTO_OK);
	assert_memory_equal(buf, real_plain, 32);
	assert_int_equal(f.data.len, 0);
	assert_int_equal(f.xdata.len, 0);
	assert_int_equal(f.has_ts, 1);
	assert_int_equal(f.ts, 1593973492);
	/* Too small a buffer, a wrong key. */
	assert_int_equal(dc09_decrypt(&f, &key, buf, 31), PROTO_NOSPACE);
	assert_int_equal(dc09_key_parse("ascii:AAAAAAAAAAAAAAAB", &key), 0);
	assert_int_equal(dc09_decrypt(&f, &key, buf, sizeof buf),
	    PROTO_DECRYPT);
	assert_int_equal(f.has_ts, 0);
}

struct padcase {
	const char	*pad;		/* filler, repeated to a block */
	size_t		 padlen;	/* bytes of pad (0: strlen) */
	const char	*content;	/* after the pad */
	int		 tail;		/* 1: zeros, 2: a 0x10 block */
	enum proto_err	 want;
	const char	*data;
	const char	*xdata;
};

#define TS	"_18:25:49,07-05-2020"
static const struct padcase padcases[] = {
	{ "abcd", 0, "|1101 01 015][X1.5][Y2]" TS, 0, PROTO_OK,
	  "1101 01 015", "[X1.5][Y2]" },
	{ "\0\0\0\0", 4, "|1101 01 015]" TS, 0, PROTO_OK, "1101 01 015", "" },
	{ "\x01\x02\r\n\t\x1b\x7f", 7, "|Nri1MA15]" TS, 0, PROTO_OK,
	  "Nri1MA15", "" },
	{ "\x80\xff]\xfe[\x9c\x00", 7, "|Nri1MA15]" TS, 0, PROTO_OK,
	  "Nri1MA15", "" },
	{ "pppp", 0, "]" TS, 0, PROTO_OK, "", "" },
	{ "\x01\x00\x02", 3, "]" TS, 0, PROTO_OK, "", "" },
	{ "xy", 0, "|1101 01 015]" TS, 2, PROTO_OK, "1101 01 015", "" },
	{ "xy", 0, "]" TS, 2, PROTO_OK, "", "" },
	{ "", 0, "|1101 01 015]" TS, 1, PROTO_OK, "1101 01 015", "" },
	{ "q", 0, "|1101 01 015]", 0, PROTO_NOTIME, NULL, NULL },
	{ "q", 0, "]", 0, PROTO_NOTIME, NULL, NULL },
	{ "q", 0, "|1101 01 015]_18:25:49,13-05-2020", 0, PROTO_BADTIME,
	  NULL, NULL },
	{ "q", 0, "no separators at all" TS, 0, PROTO_DECRYPT, NULL, NULL },
	{ "q", 0, "|1101 01 015]junk" TS, 0, PROTO_DECRYPT, NULL, NULL },
};

/* Plaintext of a case, a multiple of 16. */
static size_t
padcase_plain(const struct padcase *pc, uint8_t *pt)
{
	size_t	plen = pc->padlen ? pc->padlen : strlen(pc->pad);
	size_t	clen = strlen(pc->content), n = 0, i;

	if (pc->tail != 1) {
		/* Front pad: repeat the filler to a whole block. */
		while ((n + clen) % 16 != 0) {
			pt[n] = plen ? (uint8_t)pc->pad[n % plen] : 'z';
			n++;
		}
	}
	memcpy(pt + n, pc->content, clen);
	n += clen;
	if (pc->tail == 1)
		while (n % 16 != 0)
			pt[n++] = 0;
	if (pc->tail == 2)
		for (i = 0; i < 16; i++)
			pt[n++] = 0x10;
	return (n);
}

static void
check_padcase(const struct padcase *pc, size_t klen, int lower)
{
	struct dc09_frame	f;
	struct dc09_key		key;
	uint8_t			pt[256], ct[256], buf[256];
	char			hex[600], frame[800];
	size_t			n;

	mkkey(&key, klen, 0x31);
	n = padcase_plain(pc, pt);
	oracle_cbc(1, key.k, key.len, NULL, pt, n, ct);
	tohex(ct, n, hex, lower);
	n = mkframe_cipher(frame, sizeof frame, "\"*ADM-CID\"0007R1L1#12ab[",
	    hex);
	assert_int_equal(dc09_parse((uint8_t *)frame, n, &f), PROTO_OK);
	assert_int_equal(f.token, DC09_TOKEN_ADM_CID);
	assert_int_equal(f.encrypted, 1);
	assert_int_equal(f.seq, 7);
	assert_string_equal(f.acct, "12AB");
	assert_int_equal(dc09_decrypt(&f, &key, buf, sizeof buf), pc->want);
	if (pc->want != PROTO_OK)
		return;
	assert_span(f.data, pc->data);
	assert_span(f.xdata, pc->xdata);
	assert_int_equal(f.has_ts, 1);
	assert_int_equal(f.ts, 1593973549);
}

static void
test_pads(void **state)
{
	size_t	i, k;

	(void)state;
	for (k = 16; k <= 32; k += 8)
		for (i = 0; i < sizeof padcases / sizeof padcases[0]; i++)
			check_padcase(&padcases[i], k, (int)(i & 1));
}

/* Oracle-decrypt an encrypted frame's ciphertext. */
static size_t
oracle_open(const struct dc09_frame *f, const struct dc09_key *key,
    uint8_t *pt)
{
	uint8_t	ct[512];
	char	hex[1100];
	size_t	n;

	assert_true(f->cipher.len < sizeof hex);
	memcpy(hex, f->cipher.p, f->cipher.len);
	hex[f->cipher.len] = '\0';
	n = unhex(hex, ct);
	oracle_cbc(0, key->k, key->len, NULL, ct, n, pt);
	return (n);
}

/* The pad is 1..16 printable bytes, never '|', '[' or ']'. */
static size_t
check_pad(const uint8_t *pt, size_t n, char stop)
{
	size_t	i;

	for (i = 0; i < n && pt[i] != stop; i++) {
		assert_true(pt[i] > ' ' && pt[i] < 0x7f);
		assert_true(pt[i] != '|' && pt[i] != '[' && pt[i] != ']');
	}
	assert_true(i >= 1 && i <= 16);
	return (i);
}

static void
roundtrip(size_t klen, const uint8_t rnd[16], int binary)
{
	static const char	 want[] = "|1101 01 015][X1][Y2]" TS;
	struct dc09_frame	 f;
	struct dc09_key		 key;
	struct dc09_msg		 msg;
	uint8_t			 out[512], buf[512], pt[512];
	size_t			 n, k, p;

	mkkey(&key, klen, (uint8_t)klen);
	memset(&msg, 0, sizeof msg);
	msg.token = "*ADM-CID";
	msg.seq = 12;
	msg.rcvr = "1";
	msg.pref = "1";
	msg.acct = "#1234";
	msg.data = "1101 01 015";
	msg.xdata = "[X1][Y2]";
	msg.ts = 1593973549;
	msg.binary_crc = binary;
	n = dc09_encode_encrypted(&msg, &key, rnd, out, sizeof out);
	assert_true(n > 0);
	for (k = 0; k < n; k++)
		assert_int_equal(dc09_encode_encrypted(&msg, &key, rnd, out,
		    k), 0);
	assert_int_equal(dc09_encode_encrypted(&msg, &key, rnd, out, n), n);
	assert_int_equal(dc09_parse(out, n, &f), PROTO_OK);
	assert_int_equal(f.binary_crc, binary);
	assert_int_equal(f.encrypted, 1);
	assert_int_equal(f.token, DC09_TOKEN_ADM_CID);
	assert_int_equal(f.seq, 12);
	assert_string_equal(f.acct, "1234");
	/* The oracle sees pad | data ] xdata _ts. */
	k = oracle_open(&f, &key, pt);
	assert_int_equal(k % 16, 0);
	p = check_pad(pt, k, '|');
	assert_int_equal(k - p, strlen(want));
	assert_memory_equal(pt + p, want, k - p);
	assert_int_equal(dc09_decrypt(&f, &key, buf, sizeof buf), PROTO_OK);
	assert_span(f.data, "1101 01 015");
	assert_span(f.xdata, "[X1][Y2]");
	assert_int_equal(f.ts, 1593973549);
}

static void
test_roundtrip(void **state)
{
	uint8_t	rnd[16];
	size_t	k, i;

	(void)state;
	for (k = 16; k <= 32; k += 8) {
		memset(rnd, 0, sizeof rnd);
		roundtrip(k, rnd, 0);
		memset(rnd, 0xff, sizeof rnd);
		roundtrip(k, rnd, 1);
		for (i = 0; i < 16; i++)
			rnd[i] = (uint8_t)(i * 37 + k);
		roundtrip(k, rnd, 0);
	}
}

static void
test_fresh_pad(void **state)
{
	struct dc09_key	key;
	struct dc09_msg	msg;
	uint8_t		r1[16], r2[16], o1[256], o2[256];
	size_t		n1, n2;

	(void)state;
	mkkey(&key, 16, 1);
	memset(&msg, 0, sizeof msg);
	msg.token = "*NULL";
	msg.acct = "#1234";
	msg.data = "";
	msg.ts = 1593973549;
	memset(r1, 'a', sizeof r1);
	memset(r2, 'b', sizeof r2);
	n1 = dc09_encode_encrypted(&msg, &key, r1, o1, sizeof o1);
	n2 = dc09_encode_encrypted(&msg, &key, r2, o2, sizeof o2);
	assert_true(n1 > 0 && n1 == n2);
	assert_memory_not_equal(o1, o2, n1);
	/* A bad key length encodes nothing. */
	key.len = 17;
	assert_int_equal(dc09_encode_encrypted(&msg, &key, r1, o1, sizeof o1),
	    0);
}

static void
test_ack_encrypted(void **state)
{
	struct dc09_frame	f, r;
	struct dc09_key		key;
	uint8_t			rnd[16], out[256], buf[256], pt[256];
	size_t			n, k, p;
	char			ts[20];

	(void)state;
	assert_int_equal(dc09_parse((const uint8_t *)real_hub,
	    strlen(real_hub), &f), PROTO_OK);
	assert_int_equal(dc09_key_parse("AAAAAAAAAAAAAAAA", &key), 0);
	memset(rnd, 0x5d, sizeof rnd);		/* ']' must not leak in */
	n = dc09_reply_ack_encrypted(&f, &key, rnd, 1593973500, out,
	    sizeof out);
	assert_true(n > 0);
	assert_memory_equal(out + 9, "\"*ACK\"0000R0L0#AAAB[", 20);
	assert_int_equal(dc09_parse(out, n, &r), PROTO_OK);
	assert_int_equal(r.token, DC09_TOKEN_ACK);
	assert_int_equal(r.encrypted, 1);
	assert_string_equal(r.acct, "AAAB");
	k = oracle_open(&r, &key, pt);
	p = check_pad(pt, k, ']');
	dc09_time_format(1593973500, ts);
	assert_int_equal(k - p, 21);
	assert_memory_equal(pt + p, "]_", 2);
	assert_memory_equal(pt + p + 2, ts, 19);
	assert_int_equal(dc09_decrypt(&r, &key, buf, sizeof buf), PROTO_OK);
	assert_int_equal(r.data.len, 0);
	assert_int_equal(r.ts, 1593973500);
	assert_int_equal(dc09_reply_ack_encrypted(&f, &key, rnd, 1593973500,
	    out, n - 1), 0);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_key_parse),
		cmocka_unit_test(test_sp800_38a),
		cmocka_unit_test(test_fips197),
		cmocka_unit_test(test_real_hub),
		cmocka_unit_test(test_pads),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_fresh_pad),
		cmocka_unit_test(test_ack_encrypted),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
