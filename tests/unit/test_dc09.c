/*
 * test_dc09.c -- SIA DC-09 framing: the golden frames of PROTOCOLS.md
 * section 6 (decoded and reproduced byte for byte), the stream scanner,
 * header errors, timestamps, CRC-16/ARC against a bitwise oracle, and the
 * clear replies.
 *
 * Oracles: the CRC and length values printed in PROTOCOLS.md, a bitwise
 * CRC written here, and expected frames assembled here by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dc09_oracle.h"


static void
test_crc_oracle(void **state)
{
	uint8_t		buf[300];
	size_t		i, n;
	int		round;

	(void)state;
	assert_int_equal(crc16_arc("123456789", 9), 0xBB3D);
	assert_int_equal(oracle_crc("123456789", 9), 0xBB3D);
	assert_int_equal(crc16_arc("", 0), 0);
	srand(12345);
	for (round = 0; round < 2000; round++) {
		n = (size_t)rand() % sizeof buf;
		for (i = 0; i < n; i++)
			buf[i] = (uint8_t)rand();
		assert_int_equal(crc16_arc(buf, n), oracle_crc(buf, n));
	}
}

static void
check_golden(const struct golden *g, const struct dc09_frame *f)
{
	char	crc[5];

	snprintf(crc, sizeof crc, "%04X", f->crc);
	assert_string_equal(crc, g->crc);
	assert_int_equal(f->body_len, strtoul(g->len, NULL, 16));
	assert_span(f->body, g->body);
	assert_int_equal(f->binary_crc, 0);
	assert_int_equal(f->encrypted, 0);
	assert_int_equal(f->token, g->tok);
	assert_int_equal(f->seq, g->seq);
	assert_int_equal(f->has_rcvr, g->rcvr != NULL);
	if (g->rcvr != NULL)
		assert_span(f->rcvr, g->rcvr);
	assert_int_equal(f->has_pref, g->pref != NULL);
	if (g->pref != NULL)
		assert_span(f->pref, g->pref);
	assert_string_equal(f->acct, g->acct);
	assert_span(f->data, g->data);
	assert_int_equal(f->xdata.len, 0);
	assert_int_equal(f->cipher.len, 0);
	assert_int_equal(f->has_ts, g->ts != -1);
	if (g->ts != -1)
		assert_int_equal(f->ts, g->ts);
}

static void
test_golden_decode(void **state)
{
	struct dc09_frame	f;
	char			buf[256];
	size_t			i, n;

	(void)state;
	for (i = 0; i < NGOLDENS; i++) {
		n = mkframe(buf, sizeof buf, goldens[i].crc, goldens[i].len,
		    goldens[i].body);
		assert_int_equal(parse_str(buf, n, &f), PROTO_OK);
		check_golden(&goldens[i], &f);
	}
}

static void
test_golden_encode(void **state)
{
	const struct golden	*g;
	struct dc09_msg		 msg;
	char			 want[256];
	uint8_t			 out[256];
	size_t			 i, n, k;

	(void)state;
	for (i = 0; i < NGOLDENS; i++) {
		g = &goldens[i];
		n = mkframe(want, sizeof want, g->crc, g->len, g->body);
		memset(&msg, 0, sizeof msg);
		msg.token = g->token;
		msg.seq = g->seq;
		msg.rcvr = g->rcvr;
		msg.pref = g->pref;
		msg.acct = g->macct;
		msg.data = g->data;
		msg.ts = g->ts;
		assert_int_equal(dc09_encode(&msg, out, sizeof out), n);
		assert_memory_equal(out, want, n);
		/* Exactly n bytes are needed, no more. */
		assert_int_equal(dc09_encode(&msg, out, n), n);
		for (k = 0; k < n; k++)
			assert_int_equal(dc09_encode(&msg, out, k), 0);
	}
}

static void
test_binary_crc(void **state)
{
	struct dc09_frame	f;
	struct dc09_msg		msg;
	uint8_t			frame[128], out[128];
	size_t			n, used;

	(void)state;
	n = strlen(trikdis_body);
	frame[0] = 0x0A;
	frame[1] = 0xD1;
	frame[2] = 0x4B;
	memcpy(frame + 3, "0029", 4);
	memcpy(frame + 7, trikdis_body, n);
	frame[7 + n] = 0x0D;
	n += 8;
	assert_int_equal(oracle_crc(trikdis_body, strlen(trikdis_body)),
	    0xD14B);
	assert_int_equal(dc09_scan(frame, n, DC09_MAX_FRAME, &used), PROTO_OK);
	assert_int_equal(used, n);
	assert_int_equal(dc09_parse(frame, n, &f), PROTO_OK);
	assert_int_equal(f.binary_crc, 1);
	assert_int_equal(f.crc, 0xD14B);
	assert_int_equal(f.body_len, 0x29);
	assert_int_equal(f.token, DC09_TOKEN_NULL);
	assert_span(f.rcvr, "1");
	assert_span(f.pref, "1");
	assert_string_equal(f.acct, "9413");
	assert_int_equal(f.has_ts, 1);
	assert_int_equal(f.ts, 1693436728);

	memset(&msg, 0, sizeof msg);
	msg.token = "NULL";
	msg.rcvr = "1";
	msg.pref = "1";
	msg.acct = "#9413";
	msg.data = "";
	msg.ts = 1693436728;
	msg.binary_crc = 1;
	assert_int_equal(dc09_encode(&msg, out, sizeof out), n);
	assert_memory_equal(out, frame, n);
}

/* Find a body whose CRC has byte hi (or lo) equal to c. */
static void
find_body(char *body, size_t size, int hi, uint8_t c)
{
	uint16_t	crc;
	unsigned	seq;

	for (seq = 1; seq < 10000; seq++) {
		snprintf(body, size, "\"NULL\"%04uR1L1#9413[]", seq);
		crc = oracle_crc(body, strlen(body));
		if ((hi ? crc >> 8 : crc & 0xff) == c)
			return;
	}
	fail_msg("no body with that CRC byte");
}

static void
test_scan_binary_crlf(void **state)
{
	static const uint8_t	cs[2] = { 0x0D, 0x0A };
	struct dc09_frame	f;
	uint8_t			frame[128];
	char			body[64];
	size_t			n, used, k;
	int			hi, c;

	(void)state;
	for (hi = 0; hi < 2; hi++) {
		for (c = 0; c < 2; c++) {
			find_body(body, sizeof body, hi, cs[c]);
			n = mkframe_bin(frame, sizeof frame, body);
			assert_int_equal(frame[hi ? 1 : 2], cs[c]);
			for (k = 1; k < n; k++)
				assert_int_equal(dc09_scan(frame, k,
				    DC09_MAX_FRAME, &used), PROTO_MORE);
			assert_int_equal(dc09_scan(frame, n, DC09_MAX_FRAME,
			    &used), PROTO_OK);
			assert_int_equal(used, n);
			assert_int_equal(dc09_parse(frame, n, &f), PROTO_OK);
			assert_int_equal(f.binary_crc, 1);
		}
	}
}

/* Scan a stream held in pieces; collect frames as "\n..\r" strings. */
struct feeder {
	uint8_t		buf[4096];
	size_t		len;
	char		out[4096];
	size_t		olen;
	int		frames;
	int		junk;
};

static void
feed(struct feeder *fd, const uint8_t *p, size_t n)
{
	enum proto_err	e;
	size_t		used;

	memcpy(fd->buf + fd->len, p, n);
	fd->len += n;
	while (fd->len > 0) {
		e = dc09_scan(fd->buf, fd->len, DC09_MAX_FRAME, &used);
		if (e == PROTO_MORE)
			return;
		assert_true(e == PROTO_OK || e == PROTO_JUNK);
		assert_true(used > 0 && used <= fd->len);
		if (e == PROTO_OK) {
			memcpy(fd->out + fd->olen, fd->buf, used);
			fd->olen += used;
			fd->frames++;
		} else
			fd->junk++;
		memmove(fd->buf, fd->buf + used, fd->len - used);
		fd->len -= used;
	}
}

/* All golden frames and the binary one, back to back. */
static size_t
golden_stream(uint8_t *out, size_t size)
{
	size_t	i, n = 0;

	for (i = 0; i < NGOLDENS; i++)
		n += mkframe((char *)out + n, size - n, goldens[i].crc,
		    goldens[i].len, goldens[i].body);
	n += mkframe_bin(out + n, size - n, trikdis_body);
	return (n);
}

static void
test_scan_split(void **state)
{
	struct feeder	*fd;
	uint8_t		 stream[2048];
	size_t		 n, k, i;

	(void)state;
	fd = calloc(1, sizeof *fd);
	assert_non_null(fd);
	n = golden_stream(stream, sizeof stream);
	for (k = 0; k <= n; k++) {
		memset(fd, 0, sizeof *fd);
		feed(fd, stream, k);
		feed(fd, stream + k, n - k);
		assert_int_equal(fd->frames, NGOLDENS + 1);
		assert_int_equal(fd->junk, 0);
		assert_int_equal(fd->olen, n);
		assert_memory_equal(fd->out, stream, n);
	}
	/* One byte at a time. */
	memset(fd, 0, sizeof *fd);
	for (i = 0; i < n; i++)
		feed(fd, stream + i, 1);
	assert_int_equal(fd->frames, NGOLDENS + 1);
	assert_memory_equal(fd->out, stream, n);
	free(fd);
}

static void
test_scan_coalesced(void **state)
{
	struct dc09_frame	f;
	uint8_t			stream[512];
	size_t			n = 0, off = 0, used;
	int			i;

	(void)state;
	for (i = 4; i < 7; i++)
		n += mkframe((char *)stream + n, sizeof stream - n,
		    goldens[i].crc, goldens[i].len, goldens[i].body);
	for (i = 4; i < 7; i++) {
		assert_int_equal(dc09_scan(stream + off, n - off,
		    DC09_MAX_FRAME, &used), PROTO_OK);
		assert_int_equal(dc09_parse(stream + off, used, &f), PROTO_OK);
		assert_int_equal(f.token, goldens[i].tok);
		off += used;
	}
	assert_int_equal(off, n);
	assert_int_equal(dc09_scan(stream, 0, DC09_MAX_FRAME, &used),
	    PROTO_MORE);
}

static void
test_scan_junk(void **state)
{
	uint8_t	buf[256];
	size_t	n, used;

	(void)state;
	memcpy(buf, "garbage\r\0xx", 11);
	n = 11 + mkframe((char *)buf + 11, sizeof buf - 11, goldens[5].crc,
	    goldens[5].len, goldens[5].body);
	assert_int_equal(dc09_scan(buf, n, DC09_MAX_FRAME, &used), PROTO_JUNK);
	assert_int_equal(used, 11);
	assert_int_equal(dc09_scan(buf + 11, n - 11, DC09_MAX_FRAME, &used),
	    PROTO_OK);
	assert_int_equal(used, n - 11);

	/* No LF at all: everything is junk. */
	assert_int_equal(dc09_scan(buf, 7, DC09_MAX_FRAME, &used), PROTO_JUNK);
	assert_int_equal(used, 7);

	/* A truncated frame followed by a whole one: junk to the 2nd LF. */
	memcpy(buf, "\n21A30015\"NU", 12);
	n = 12 + mkframe((char *)buf + 12, sizeof buf - 12, goldens[5].crc,
	    goldens[5].len, goldens[5].body);
	assert_int_equal(dc09_scan(buf, n, DC09_MAX_FRAME, &used), PROTO_JUNK);
	assert_int_equal(used, 12);
	assert_int_equal(dc09_scan(buf + 12, n - 12, DC09_MAX_FRAME, &used),
	    PROTO_OK);
}

static void
test_scan_toolong(void **state)
{
	uint8_t	buf[2048];
	size_t	used;

	(void)state;
	memset(buf, 'A', sizeof buf);
	buf[0] = '\n';
	assert_int_equal(dc09_scan(buf, 1023, 1024, &used), PROTO_MORE);
	assert_int_equal(dc09_scan(buf, 1024, 1024, &used), PROTO_TOOLONG);
	assert_int_equal(dc09_scan(buf, 2048, 1024, &used), PROTO_TOOLONG);
	/* A CR past the limit does not make a frame. */
	buf[1500] = '\r';
	assert_int_equal(dc09_scan(buf, 2048, 1024, &used), PROTO_TOOLONG);
	/* Right at the limit it does. */
	buf[1023] = '\r';
	assert_int_equal(dc09_scan(buf, 2048, 1024, &used), PROTO_OK);
	assert_int_equal(used, 1024);
}

static void
test_bad_crc_len(void **state)
{
	struct dc09_frame	f;
	char			buf[256];
	size_t			n;

	(void)state;
	n = mkframe(buf, sizeof buf, "F4D3", "0029", goldens[0].body);
	assert_int_equal(parse_str(buf, n, &f), PROTO_BADCRC);
	n = mkframe(buf, sizeof buf, "F4D2", "0028", goldens[0].body);
	assert_int_equal(parse_str(buf, n, &f), PROTO_BADLEN);
	n = mkframe(buf, sizeof buf, "F4D2", "1029", goldens[0].body);
	assert_int_equal(parse_str(buf, n, &f), PROTO_BADLEN);
	n = mkframe(buf, sizeof buf, "F4DX", "0029", goldens[0].body);
	assert_int_equal(parse_str(buf, n, &f), PROTO_BADFRAME);
	n = mkframe(buf, sizeof buf, "F4D2", "00 9", goldens[0].body);
	assert_int_equal(parse_str(buf, n, &f), PROTO_BADFRAME);
	/* A flipped body byte. */
	n = mkframe(buf, sizeof buf, "F4D2", "0029",
	    "\"SIA-DCS\"0001RF3L77#1234[#1234|NRR|Atesu]");
	assert_int_equal(parse_str(buf, n, &f), PROTO_BADCRC);
	/* Lower-case CRC and length are accepted. */
	n = mkframe(buf, sizeof buf, "f4d2", "0029", goldens[0].body);
	assert_int_equal(parse_str(buf, n, &f), PROTO_OK);
	n = mkframe(buf, sizeof buf, "821f", "003a", goldens[9].body);
	assert_int_equal(parse_str(buf, n, &f), PROTO_OK);
	/* Not a frame at all. */
	assert_int_equal(parse_str("\n\r", 2, &f), PROTO_BADFRAME);
	assert_int_equal(parse_str("\n00000000\r", 10, &f), PROTO_BADFRAME);
	assert_int_equal(parse_str("x", 1, &f), PROTO_BADFRAME);
}

static enum proto_err
parse_body(const char *body, struct dc09_frame *f)
{
	char	buf[512];
	size_t	n;

	n = mkframe_auto(buf, sizeof buf, body);
	return (parse_str(buf, n, f));
}

static void
test_bad_token(void **state)
{
	struct dc09_frame	f;

	(void)state;
	assert_int_equal(parse_body("\"FOO-BAR\"0042R12L3#abcd[#ABCD|x]", &f),
	    PROTO_BADTOKEN);
	assert_int_equal(f.token, DC09_TOKEN_NONE);
	assert_int_equal(f.seq, 42);
	assert_span(f.rcvr, "12");
	assert_span(f.pref, "3");
	assert_string_equal(f.acct, "ABCD");
	/* The rest may be anything after '[' ... */
	assert_int_equal(parse_body("\"XYZ\"0001L0#1234[no bracket", &f),
	    PROTO_BADTOKEN);
	assert_int_equal(f.seq, 1);
	/* ... but the header must be sound. */
	assert_int_equal(parse_body("\"XYZ\"001L0#1234[]", &f),
	    PROTO_BADFRAME);
	assert_int_equal(parse_body("\"\"0001L0#1234[]", &f), PROTO_BADFRAME);
	assert_int_equal(parse_body("\"A B\"0001L0#1234[]", &f),
	    PROTO_BADFRAME);
	assert_int_equal(parse_body("\"SIA-DCS0001L0#1234[]", &f),
	    PROTO_BADFRAME);
	assert_int_equal(parse_body("SIA-DCS\"0001L0#1234[]", &f),
	    PROTO_BADFRAME);
}

static void
test_fields(void **state)
{
	struct dc09_frame	f;

	(void)state;
	/* Lower-case account, stored upper-case. */
	assert_int_equal(parse_body("\"NULL\"0000L0#00abcdef[]", &f),
	    PROTO_OK);
	assert_string_equal(f.acct, "00ABCDEF");
	/* Account bounds: 3..16 hex. */
	assert_int_equal(parse_body("\"NULL\"0000#123[]", &f), PROTO_OK);
	assert_int_equal(parse_body("\"NULL\"0000#12[]", &f), PROTO_BADFRAME);
	assert_int_equal(parse_body("\"NULL\"0000#0123456789ABCDEF[]", &f),
	    PROTO_OK);
	assert_string_equal(f.acct, "0123456789ABCDEF");
	assert_int_equal(parse_body("\"NULL\"0000#0123456789ABCDEF0[]", &f),
	    PROTO_BADFRAME);
	assert_int_equal(parse_body("\"NULL\"0000#12G4[]", &f),
	    PROTO_BADFRAME);
	/* A request must carry an account. */
	assert_int_equal(parse_body("\"NULL\"0000R1L1[]", &f), PROTO_BADFRAME);
	/* seq: exactly four digits. */
	assert_int_equal(parse_body("\"NULL\"9999L0#1234[]", &f), PROTO_OK);
	assert_int_equal(f.seq, 9999);
	assert_int_equal(parse_body("\"NULL\"000L0#1234[]", &f),
	    PROTO_BADFRAME);
	assert_int_equal(parse_body("\"NULL\"00001L0#1234[]", &f),
	    PROTO_BADFRAME);
	assert_int_equal(parse_body("\"NULL\"00a1L0#1234[]", &f),
	    PROTO_BADFRAME);
	/* R and L: 1..6 hex, each optional. */
	assert_int_equal(parse_body("\"NULL\"0001R123456#1234[]", &f),
	    PROTO_OK);
	assert_int_equal(f.has_pref, 0);
	assert_span(f.rcvr, "123456");
	assert_int_equal(parse_body("\"NULL\"0001R1234567#1234[]", &f),
	    PROTO_BADFRAME);
	assert_int_equal(parse_body("\"NULL\"0001R#1234[]", &f),
	    PROTO_BADFRAME);
	assert_int_equal(parse_body("\"NULL\"0001Lab#1234[]", &f), PROTO_OK);
	assert_span(f.pref, "ab");
	/* A NULL with a dummy body and extended data. */
	assert_int_equal(parse_body("\"NULL\"0000R0L0#AAAB[#0000|0000 00 000]"
	    "[X12.5][Yabc]_18:25:49,07-05-2020", &f), PROTO_OK);
	assert_span(f.data, "#0000|0000 00 000");
	assert_span(f.xdata, "[X12.5][Yabc]");
	assert_int_equal(f.ts, 1593973549);
}

static void
test_bad_block(void **state)
{
	struct dc09_frame	f;

	(void)state;
	assert_int_equal(parse_body("\"NULL\"0000L0#1234", &f),
	    PROTO_BADFRAME);
	assert_int_equal(parse_body("\"NULL\"0000L0#1234[", &f),
	    PROTO_BADFRAME);
	assert_int_equal(parse_body("\"NULL\"0000L0#1234[]x", &f),
	    PROTO_BADFRAME);
	assert_int_equal(parse_body("\"NULL\"0000L0#1234[][X1", &f),
	    PROTO_BADFRAME);
	assert_int_equal(parse_body("\"NULL\"0000L0#1234[]_18:25:49", &f),
	    PROTO_BADFRAME);
	assert_int_equal(parse_body("\"NULL\"0000L0#1234[]_18:25:49,13-05-2020",
	    &f), PROTO_BADTIME);
	/* Encrypted: the rest must be whole blocks of hex. */
	assert_int_equal(parse_body("\"*NULL\"0000L0#1234[]", &f),
	    PROTO_DECRYPT);
	assert_int_equal(parse_body("\"*NULL\"0000L0#1234[0123456789abcdef"
	    "0123456789ABCDEF]", &f), PROTO_DECRYPT);
	assert_int_equal(parse_body("\"*NULL\"0000L0#1234[0123456789abcdef"
	    "0123456789ABCDEF", &f), PROTO_OK);
	assert_int_equal(f.encrypted, 1);
	assert_int_equal(f.cipher.len, 32);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_crc_oracle),
		cmocka_unit_test(test_golden_decode),
		cmocka_unit_test(test_golden_encode),
		cmocka_unit_test(test_binary_crc),
		cmocka_unit_test(test_scan_binary_crlf),
		cmocka_unit_test(test_scan_split),
		cmocka_unit_test(test_scan_coalesced),
		cmocka_unit_test(test_scan_junk),
		cmocka_unit_test(test_scan_toolong),
		cmocka_unit_test(test_bad_crc_len),
		cmocka_unit_test(test_bad_token),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_bad_block),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
