/*
 * test_dc09_reply.c -- DC-09 timestamps and the receiver's replies (ACK,
 * NAK, DUH) in both CRC forms, against frames assembled by the oracle.
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
test_time(void **state)
{
	static const char	*bad[] = {
		"24:00:00,01-01-2020", "23:60:00,01-01-2020",
		"23:59:60,01-01-2020", "00:00:00,00-01-2020",
		"00:00:00,13-01-2020", "00:00:00,01-00-2020",
		"00:00:00,01-32-2020", "00:00:00,02-29-2023",
		"00:00:00,02-30-2024", "00:00:00,04-31-2024",
		"00:00:00,02-29-1900", "00:00:00,01-01-1969",
		"0a:00:00,01-01-2020", "00-00-00,01-01-2020",
		"00:00:00 01-01-2020", "00:00:00,01/01/2020",
		"-1:00:00,01-01-2020",
	};
	char		 out[20];
	time_t		 t;
	size_t		 i;
	long long	 v;

	(void)state;
	assert_int_equal(dc09_time_parse("12:00:00,02-29-2024", 19, &t),
	    PROTO_OK);
	assert_int_equal(t, 1709208000);
	assert_int_equal(dc09_time_parse("00:00:00,01-01-1970", 19, &t),
	    PROTO_OK);
	assert_int_equal(t, 0);
	assert_int_equal(dc09_time_parse("23:59:59,12-31-9999", 19, &t),
	    PROTO_OK);
	assert_int_equal(t, 253402300799LL);
	assert_int_equal(dc09_time_parse("00:00:00,02-29-2000", 19, &t),
	    PROTO_OK);
	assert_int_equal(dc09_time_parse("12:00:00,02-29-2024", 18, &t),
	    PROTO_BADTIME);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(dc09_time_parse(bad[i], 19, &t),
		    PROTO_BADTIME);
	dc09_time_format(1593973549, out);
	assert_string_equal(out, "18:25:49,07-05-2020");
	dc09_time_format(1709208000, out);
	assert_string_equal(out, "12:00:00,02-29-2024");
	dc09_time_format(-5, out);
	assert_string_equal(out, "00:00:00,01-01-1970");
	srand(777);
	for (i = 0; i < 20000; i++) {
		v = ((long long)rand() << 16 ^ rand()) % 253402300800LL;
		dc09_time_format((time_t)v, out);
		assert_int_equal(dc09_time_parse(out, 19, &t), PROTO_OK);
		assert_int_equal(t, v);
	}
}

static void
test_reply_nak(void **state)
{
	const struct golden	*g = &goldens[2];
	char			 want[128];
	uint8_t			 out[128];
	size_t			 n;

	(void)state;
	n = mkframe(want, sizeof want, g->crc, g->len, g->body);
	assert_int_equal(dc09_reply_nak(NULL, g->ts, out, sizeof out), n);
	assert_memory_equal(out, want, n);
	assert_int_equal(dc09_reply_nak(NULL, g->ts, out, n - 1), 0);
}

static void
test_reply_ack(void **state)
{
	struct dc09_frame	f, r;
	char			buf[256], want[256];
	uint8_t			out[256];
	size_t			n, wn;

	(void)state;
	/* Golden 8 (the real panel poll): L echoed, no R. */
	n = mkframe(buf, sizeof buf, goldens[7].crc, goldens[7].len,
	    goldens[7].body);
	assert_int_equal(parse_str(buf, n, &f), PROTO_OK);
	wn = mkframe_auto(want, sizeof want,
	    "\"ACK\"0000L0#1409[]_20:38:07,08-27-2026");
	assert_int_equal(dc09_reply_ack(&f, 1787863087, out, sizeof out), wn);
	assert_memory_equal(out, want, wn);
	assert_int_equal(dc09_reply_ack(&f, 1787863087, out, wn - 1), 0);

	/* Golden 1: R and L echoed verbatim. */
	n = mkframe(buf, sizeof buf, goldens[0].crc, goldens[0].len,
	    goldens[0].body);
	assert_int_equal(parse_str(buf, n, &f), PROTO_OK);
	wn = mkframe_auto(want, sizeof want,
	    "\"ACK\"0001RF3L77#1234[]_16:20:01,09-24-2025");
	assert_int_equal(dc09_reply_ack(&f, 1758730801, out, sizeof out), wn);
	assert_memory_equal(out, want, wn);
	assert_int_equal(dc09_parse(out, wn, &r), PROTO_OK);
	assert_int_equal(r.token, DC09_TOKEN_ACK);

	/* Golden 4: neither R nor L, and none invented. */
	n = mkframe(buf, sizeof buf, goldens[3].crc, goldens[3].len,
	    goldens[3].body);
	assert_int_equal(parse_str(buf, n, &f), PROTO_OK);
	wn = mkframe_auto(want, sizeof want,
	    "\"ACK\"0002#0123[]_16:20:01,09-24-2025");
	assert_int_equal(dc09_reply_ack(&f, 1758730801, out, sizeof out), wn);
	assert_memory_equal(out, want, wn);
}

static void
test_reply_binary(void **state)
{
	struct dc09_frame	f;
	uint8_t			frame[128], want[128], out[128];
	size_t			n, wn;

	(void)state;
	n = mkframe_bin(frame, sizeof frame, trikdis_body);
	assert_int_equal(dc09_parse(frame, n, &f), PROTO_OK);
	wn = mkframe_bin(want, sizeof want,
	    "\"ACK\"0000R1L1#9413[]_23:05:30,08-30-2023");
	assert_int_equal(dc09_reply_ack(&f, 1693436730, out, sizeof out), wn);
	assert_memory_equal(out, want, wn);
	wn = mkframe_bin(want, sizeof want,
	    "\"NAK\"0000R0L0A0[]_23:05:30,08-30-2023");
	assert_int_equal(dc09_reply_nak(&f, 1693436730, out, sizeof out), wn);
	assert_memory_equal(out, want, wn);
}

static void
test_reply_duh(void **state)
{
	struct dc09_frame	f;
	char			buf[256], want[256];
	uint8_t			out[256];
	size_t			n, wn;

	(void)state;
	n = mkframe_auto(buf, sizeof buf, "\"FOO\"0042R12L3#abcd[#ABCD|x]");
	assert_int_equal(parse_str(buf, n, &f), PROTO_BADTOKEN);
	wn = mkframe_auto(want, sizeof want,
	    "\"DUH\"0042R12L3#ABCD[]_16:20:01,09-24-2025");
	assert_int_equal(dc09_reply_duh(&f, 1758730801, out, sizeof out), wn);
	assert_memory_equal(out, want, wn);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(proto_err_name(PROTO_OK), "ok");
	assert_string_equal(proto_err_name(PROTO_NOSPACE), "no space");
	assert_string_equal(proto_err_name(PROTO_ERR_MAX), "unknown");
	assert_string_equal(dc09_token_name(DC09_TOKEN_SIA_DCS), "SIA-DCS");
	assert_string_equal(dc09_token_name(DC09_TOKEN_RSP), "RSP");
	assert_string_equal(dc09_token_name(DC09_TOKEN_MAX), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_reply_nak),
		cmocka_unit_test(test_reply_ack),
		cmocka_unit_test(test_reply_binary),
		cmocka_unit_test(test_reply_duh),
		cmocka_unit_test(test_names),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
