/*
 * test_dc09_data.c -- ADM-CID and SIA-DCS data blocks, extended data.
 * Frames are built by hand (token + data span): no dependency on dc09.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "proto.h"

static enum proto_err
run(enum dc09_token token, const char *data, struct dc09_event *ev,
    size_t max, size_t *n)
{
	struct dc09_frame	f;

	memset(&f, 0, sizeof f);
	f.token = token;
	f.data.p = data;
	f.data.len = data == NULL ? 0 : strlen(data);
	*n = 99;
	return dc09_events(&f, ev, max, n);
}

static enum proto_err
sia(const char *data, struct dc09_event *ev, size_t *n)
{
	return run(DC09_TOKEN_SIA_DCS, data, ev, DC09_MAX_EVENTS, n);
}

static enum proto_err
cid(const char *data, struct dc09_event *ev, size_t *n)
{
	return run(DC09_TOKEN_ADM_CID, data, ev, DC09_MAX_EVENTS, n);
}

static void
assert_span(struct proto_span s, const char *want)
{
	assert_int_equal(s.len, strlen(want));
	if (s.len != 0)
		assert_memory_equal(s.p, want, s.len);
}

static void
assert_event(const struct dc09_event *e, const char *raw, const char *code,
    enum code_class class, int restore, int known)
{
	assert_string_equal(e->raw_code, raw);
	assert_string_equal(e->code, code);
	assert_int_equal(e->class, class);
	assert_int_equal(e->restore, restore);
	assert_int_equal(e->known, known);
}

/* §6: "SIA-DCS"0001RF3L77#1234[#1234|NRR|Atest] */
static void
t_golden_rr_text(void **state)
{
	struct dc09_event	ev[DC09_MAX_EVENTS];
	size_t			n;

	(void)state;
	assert_int_equal(sia("#1234|NRR|Atest", ev, &n), PROTO_OK);
	assert_int_equal(n, 1);
	assert_event(&ev[0], "RR", "RR", CLASS_P4, 0, 1);
	assert_int_equal(ev[0].cid, 0);
	assert_int_equal(ev[0].qualifier, 'N');
	assert_string_equal(ev[0].zone, "");
	assert_string_equal(ev[0].area, "");
	assert_span(ev[0].text, "test");
}

/* §6: "SIA-DCS"0001L0#1234[] and the NULL polls. */
static void
t_golden_empty(void **state)
{
	struct dc09_event	ev[DC09_MAX_EVENTS];
	size_t			n;

	(void)state;
	assert_int_equal(sia("", ev, &n), PROTO_OK);
	assert_int_equal(n, 0);
	assert_int_equal(sia(NULL, ev, &n), PROTO_OK);
	assert_int_equal(n, 0);
	assert_int_equal(cid("", ev, &n), PROTO_OK);
	assert_int_equal(n, 0);
	assert_int_equal(run(DC09_TOKEN_NULL, "", ev, 8, &n), PROTO_OK);
	assert_int_equal(n, 0);
	assert_int_equal(run(DC09_TOKEN_NULL, "#0000|0000 00 000", ev, 8, &n),
	    PROTO_OK);
	assert_int_equal(n, 0);
	/* A dummy body on a data token is no event either. */
	assert_int_equal(cid("#0000|0000 00 000", ev, &n), PROTO_OK);
	assert_int_equal(n, 0);
	assert_int_equal(sia("#1234|", ev, &n), PROTO_OK);
	assert_int_equal(n, 0);
	/* NULL and replies carry no events whatever their data. */
	assert_int_equal(run(DC09_TOKEN_NULL, "#1234|Nri1MA15", ev, 8, &n),
	    PROTO_OK);
	assert_int_equal(n, 0);
	assert_int_equal(run(DC09_TOKEN_ACK, "#1234|1101 01 015", ev, 8, &n),
	    PROTO_OK);
	assert_int_equal(n, 0);
}

/* §6: "SIA-DCS"0002#0123[#0123|Nti20:50:26RP99] */
static void
t_golden_ti(void **state)
{
	struct dc09_event	ev[DC09_MAX_EVENTS];
	size_t			n;

	(void)state;
	assert_int_equal(sia("#0123|Nti20:50:26RP99", ev, &n), PROTO_OK);
	assert_int_equal(n, 1);
	assert_event(&ev[0], "RP", "RP", CLASS_P4, 0, 1);
	assert_int_equal(ev[0].has_time, 1);
	assert_string_equal(ev[0].time, "20:50:26");
	assert_string_equal(ev[0].zone, "99");
	assert_int_equal(ev[0].text.len, 0);

	assert_int_equal(sia("Nti09:05BA3", ev, &n), PROTO_OK);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].time, "09:05");
	assert_string_equal(ev[0].zone, "3");
}

/* §6: "ADM-CID"0001R1L1#1234[#1234|1101 01 015] */
static void
t_golden_cid(void **state)
{
	struct dc09_event	ev[DC09_MAX_EVENTS];
	size_t			n;

	(void)state;
	assert_int_equal(cid("#1234|1101 01 015", ev, &n), PROTO_OK);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].cid, 1);
	assert_event(&ev[0], "101", "QA", CLASS_P1, 0, 1);
	assert_int_equal(ev[0].qualifier, '1');
	assert_string_equal(ev[0].area, "01");
	assert_string_equal(ev[0].zone, "015");
	assert_string_equal(ev[0].user, "");
	assert_int_equal(ev[0].has_time, 0);
}

/* §6: "SIA-DCS"0002R1L1#1234[#1234|Nri1MA15] */
static void
t_golden_ma(void **state)
{
	struct dc09_event	ev[DC09_MAX_EVENTS];
	size_t			n;

	(void)state;
	assert_int_equal(sia("#1234|Nri1MA15", ev, &n), PROTO_OK);
	assert_int_equal(n, 1);
	assert_event(&ev[0], "MA", "MA", CLASS_P1, 0, 1);
	assert_string_equal(ev[0].area, "1");
	assert_string_equal(ev[0].zone, "15");
}

static void
t_cid_forms(void **state)
{
	struct dc09_event	ev[DC09_MAX_EVENTS];
	size_t			n;

	(void)state;
	/* Decrypted (no account), no spaces. */
	assert_int_equal(cid("110101015", ev, &n), PROTO_OK);
	assert_int_equal(n, 1);
	assert_event(&ev[0], "101", "QA", CLASS_P1, 0, 1);
	assert_string_equal(ev[0].area, "01");
	assert_string_equal(ev[0].zone, "015");
	assert_int_equal(cid("1101 01 015", ev, &n), PROTO_OK);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].zone, "015");
	assert_int_equal(cid("#ab12|1100 02 003 ", ev, &n), PROTO_OK);
	assert_event(&ev[0], "100", "MA", CLASS_P1, 0, 1);
	assert_string_equal(ev[0].area, "02");
	/* Hex digits are accepted, upper-cased, and unknown. */
	assert_int_equal(cid("11a0 0b 00c", ev, &n), PROTO_OK);
	assert_event(&ev[0], "1A0", "1A0", CLASS_P2, 0, 0);
	assert_string_equal(ev[0].area, "0B");
	assert_string_equal(ev[0].zone, "00C");
}

static void
t_cid_qualifiers(void **state)
{
	struct dc09_event	ev[DC09_MAX_EVENTS];
	size_t			n;

	(void)state;
	assert_int_equal(cid("#1234|3101 01 015", ev, &n), PROTO_OK);
	assert_event(&ev[0], "101", "QH", CLASS_P4, 1, 1);
	assert_int_equal(ev[0].qualifier, '3');
	assert_int_equal(cid("#1234|6301 00 000", ev, &n), PROTO_OK);
	assert_event(&ev[0], "301", "AT", CLASS_P3, 0, 1);
	assert_int_equal(ev[0].qualifier, '6');
	assert_int_equal(cid("3301 00 000", ev, &n), PROTO_OK);
	assert_event(&ev[0], "301", "AR", CLASS_P4, 1, 1);
	/* Another digit is kept and read as a new event. */
	assert_int_equal(cid("5100 01 001", ev, &n), PROTO_OK);
	assert_event(&ev[0], "100", "MA", CLASS_P1, 0, 1);
	assert_int_equal(ev[0].qualifier, '5');
}

static void
t_unknown(void **state)
{
	struct dc09_event	ev[DC09_MAX_EVENTS];
	size_t			n;

	(void)state;
	assert_int_equal(cid("#1234|1999 01 001", ev, &n), PROTO_OK);
	assert_int_equal(n, 1);
	assert_event(&ev[0], "999", "999", CLASS_P2, 0, 0);
	assert_string_equal(code_class_name(ev[0].class), "P2");
	assert_int_equal(cid("3999 01 001", ev, &n), PROTO_OK);
	assert_event(&ev[0], "999", "999", CLASS_P2, 1, 0);
	assert_int_equal(sia("#1234|NQQ01", ev, &n), PROTO_OK);
	assert_int_equal(n, 1);
	assert_event(&ev[0], "QQ", "QQ", CLASS_P2, 0, 0);
	assert_string_equal(ev[0].zone, "01");
}

static void
t_sia_multi(void **state)
{
	struct dc09_event	ev[DC09_MAX_EVENTS];
	size_t			n;

	(void)state;
	assert_int_equal(sia("Nri1/BA01/BR01", ev, &n), PROTO_OK);
	assert_int_equal(n, 2);
	assert_event(&ev[0], "BA", "BA", CLASS_P2, 0, 1);
	assert_event(&ev[1], "BR", "BR", CLASS_P4, 1, 1);
	assert_string_equal(ev[0].area, "1");
	assert_string_equal(ev[1].area, "1");
	assert_string_equal(ev[0].zone, "01");
	assert_string_equal(ev[1].zone, "01");

	/* A new ri changes the area of what follows only. */
	assert_int_equal(sia("#1234|Nri1FA01/ri2MA02", ev, &n), PROTO_OK);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].area, "1");
	assert_string_equal(ev[1].area, "2");
	assert_string_equal(ev[1].code, "MA");

	/* Modifiers before the code in any order, others skipped. */
	assert_int_equal(sia("Nid7pi123ti10:20:30da0412ri3/QA9", ev, &n),
	    PROTO_OK);
	assert_int_equal(n, 1);
	assert_event(&ev[0], "QA", "QA", CLASS_P1, 0, 1);
	assert_string_equal(ev[0].user, "7");
	assert_string_equal(ev[0].area, "3");
	assert_string_equal(ev[0].time, "10:20:30");
	assert_string_equal(ev[0].zone, "9");

	/* "BA01/02": a bare zone repeats the code. */
	assert_int_equal(sia("NBA01/02", ev, &n), PROTO_OK);
	assert_int_equal(n, 2);
	assert_string_equal(ev[1].raw_code, "BA");
	assert_string_equal(ev[1].zone, "02");
}

static void
t_sia_text(void **state)
{
	struct dc09_event	ev[DC09_MAX_EVENTS];
	size_t			n;

	(void)state;
	assert_int_equal(sia("Nri01id12/FA03^KITCHEN^", ev, &n), PROTO_OK);
	assert_int_equal(n, 1);
	assert_event(&ev[0], "FA", "FA", CLASS_P1, 0, 1);
	assert_string_equal(ev[0].area, "01");
	assert_string_equal(ev[0].user, "12");
	assert_string_equal(ev[0].zone, "03");
	assert_span(ev[0].text, "KITCHEN");

	assert_int_equal(sia("NFA03^^/MA1|Ahall way", ev, &n), PROTO_OK);
	assert_int_equal(n, 2);
	assert_span(ev[0].text, "");
	assert_span(ev[1].text, "hall way");
	assert_string_equal(ev[1].zone, "1");
}

static void
t_sia_qualifier(void **state)
{
	struct dc09_event	ev[DC09_MAX_EVENTS];
	size_t			n;

	(void)state;
	assert_int_equal(sia("Ori1BA01", ev, &n), PROTO_OK);
	assert_int_equal(ev[0].qualifier, 'O');
	/* No qualifier: "NA01" is the code NA, not N + A0. */
	assert_int_equal(sia("NA01", ev, &n), PROTO_OK);
	assert_int_equal(n, 1);
	assert_event(&ev[0], "NA", "NA", CLASS_P2, 0, 1);
	assert_int_equal(sia("NNA01", ev, &n), PROTO_OK);
	assert_event(&ev[0], "NA", "NA", CLASS_P2, 0, 1);
	assert_int_equal(sia("MA1", ev, &n), PROTO_OK);
	assert_event(&ev[0], "MA", "MA", CLASS_P1, 0, 1);
	assert_int_equal(ev[0].qualifier, 'N');
}

static void
t_max_events(void **state)
{
	const char		*ten = "Nri1/BA01/BA02/BA03/BA04/BA05/BA06/"
				    "BA07/BA08/BA09/BA10";
	struct dc09_event	 ev[9];
	size_t			 n;

	(void)state;
	memset(ev, 0x55, sizeof ev);
	assert_int_equal(run(DC09_TOKEN_SIA_DCS, ten, ev, 8, &n), PROTO_OK);
	assert_int_equal(n, 8);
	assert_string_equal(ev[7].zone, "08");
	assert_int_equal((unsigned char)ev[8].raw_code[0], 0x55);
	assert_int_equal(run(DC09_TOKEN_SIA_DCS, ten, ev, 1, &n), PROTO_OK);
	assert_int_equal(n, 1);
	assert_string_equal(ev[0].zone, "01");
	assert_int_equal(run(DC09_TOKEN_SIA_DCS, ten, NULL, 0, &n), PROTO_OK);
	assert_int_equal(n, 0);
	assert_int_equal(run(DC09_TOKEN_ADM_CID, "1101 01 015", NULL, 0, &n),
	    PROTO_OK);
	assert_int_equal(n, 0);
}

static void
t_malformed(void **state)
{
	static const char	*bad_cid[] = {
		"#1234|1101 01", "#1234|1101 01 01", "A101 01 015",
		"#1234|1101 01 015X", "1101 01 0155", "#1234", "#12G4|1101 01 015",
		"1101 0 1015 9", "1", "|1101 01 015",
	};
	static const char	*bad_sia[] = {
		"Nri01id12/FA03^KITCHEN", "#1234|N", "Nri1", "N1",
		"Nri1B", "NBa01", "Nti2050RP99", "Nti20:5RP99", "Nti20:50:2RP99",
		"NBA12345678", "Nri12345678BA1", "NRR|Xfoo", "N|Atext",
		"NBA01#", "Nr", "Nri1/BA01/BR01^", "#1234NRR",
	};
	struct dc09_event	 ev[DC09_MAX_EVENTS];
	size_t			 i, n;

	(void)state;
	for (i = 0; i < sizeof bad_cid / sizeof bad_cid[0]; i++) {
		if (cid(bad_cid[i], ev, &n) != PROTO_BADDATA)
			fail_msg("cid \"%s\" accepted", bad_cid[i]);
		assert_int_equal(n, 0);
	}
	for (i = 0; i < sizeof bad_sia / sizeof bad_sia[0]; i++) {
		if (sia(bad_sia[i], ev, &n) != PROTO_BADDATA)
			fail_msg("sia \"%s\" accepted", bad_sia[i]);
		assert_int_equal(n, 0);
	}
}

static void
t_xdata(void **state)
{
	struct dc09_xdata	x;
	struct proto_span	s;

	(void)state;
	s.p = "[X-1.5123][Y52.4068][LKitchen][Rbedroom]";
	s.len = strlen(s.p);
	assert_int_equal(dc09_xdata_parse(s, &x), PROTO_OK);
	assert_span(x.x, "-1.5123");
	assert_span(x.y, "52.4068");
	assert_span(x.l, "Kitchen");
	assert_span(x.r, "bedroom");
	assert_null(x.v.p);
	assert_int_equal(x.z.len, 0);

	s.p = "[Qnope][][Vhttp://x/y][H2026-11-23][Mab:cd][Kkey][I2][Z9]";
	s.len = strlen(s.p);
	assert_int_equal(dc09_xdata_parse(s, &x), PROTO_OK);
	assert_span(x.v, "http://x/y");
	assert_span(x.h, "2026-11-23");
	assert_span(x.m, "ab:cd");
	assert_span(x.k, "key");
	assert_span(x.i, "2");
	assert_span(x.z, "9");
	assert_null(x.x.p);

	s.p = NULL;
	s.len = 0;
	assert_int_equal(dc09_xdata_parse(s, &x), PROTO_OK);
	assert_null(x.x.p);

	s.p = "[X1.0][Y2";
	s.len = strlen(s.p);
	assert_int_equal(dc09_xdata_parse(s, &x), PROTO_BADDATA);
	s.p = "[X1.0]junk";
	s.len = strlen(s.p);
	assert_int_equal(dc09_xdata_parse(s, &x), PROTO_BADDATA);
	s.p = "[";
	s.len = 1;
	assert_int_equal(dc09_xdata_parse(s, &x), PROTO_BADDATA);
}

static void
t_class_names(void **state)
{
	(void)state;
	assert_string_equal(code_class_name(CLASS_NONE), "none");
	assert_string_equal(code_class_name(CLASS_P1), "P1");
	assert_string_equal(code_class_name(CLASS_P2), "P2");
	assert_string_equal(code_class_name(CLASS_P3), "P3");
	assert_string_equal(code_class_name(CLASS_P4), "P4");
	assert_string_equal(code_class_name(CLASS_MAX), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_golden_rr_text),
		cmocka_unit_test(t_golden_empty),
		cmocka_unit_test(t_golden_ti),
		cmocka_unit_test(t_golden_cid),
		cmocka_unit_test(t_golden_ma),
		cmocka_unit_test(t_cid_forms),
		cmocka_unit_test(t_cid_qualifiers),
		cmocka_unit_test(t_unknown),
		cmocka_unit_test(t_sia_multi),
		cmocka_unit_test(t_sia_text),
		cmocka_unit_test(t_sia_qualifier),
		cmocka_unit_test(t_max_events),
		cmocka_unit_test(t_malformed),
		cmocka_unit_test(t_xdata),
		cmocka_unit_test(t_class_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
