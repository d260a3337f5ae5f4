/*
 * test_codes.c -- the Contact ID and SIA code tables against the classes of
 * PROTOCOLS.md §2/§3 and DESIGN.md, written out again here as the oracle.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "proto.h"

struct want_cid {
	unsigned	 cid;
	const char	*code;
	const char	*restore;
	enum code_class	 class;
};

/* Every Contact ID code arc knows: canonical code, restore code, class. */
static const struct want_cid want_cid[] = {
	{ 100, "MA", "MH", CLASS_P1 }, { 101, "QA", "QH", CLASS_P1 },
	{ 102, "XX", "XX", CLASS_P2 },
	{ 110, "FA", "FH", CLASS_P1 }, { 111, "FA", "FH", CLASS_P1 },
	{ 112, "FA", "FH", CLASS_P1 }, { 113, "SA", "SH", CLASS_P1 },
	{ 114, "KA", "KH", CLASS_P1 }, { 115, "FA", "FH", CLASS_P1 },
	{ 116, "FA", "FH", CLASS_P1 }, { 117, "FA", "FH", CLASS_P1 },
	{ 118, "FA", "FH", CLASS_P1 },
	{ 120, "PA", "PH", CLASS_P1 }, { 121, "HA", "HH", CLASS_P1 },
	{ 122, "PA", "PH", CLASS_P1 },
	{ 137, "TA", "TR", CLASS_P3 }, { 144, "TA", "TR", CLASS_P3 },
	{ 383, "TA", "TR", CLASS_P3 },
	{ 151, "GA", "GH", CLASS_P1 }, { 162, "GA", "GH", CLASS_P1 },
	{ 154, "WA", "WH", CLASS_P2 },
	{ 158, "KT", "KJ", CLASS_P2 }, { 159, "ZA", "ZH", CLASS_P2 },
	{ 641, "NA", "NA", CLASS_P2 }, { 654, "NA", "NA", CLASS_P2 },
	{ 301, "AT", "AR", CLASS_P3 },
	{ 302, "YT", "YR", CLASS_P3 }, { 309, "YT", "YR", CLASS_P3 },
	{ 311, "YM", "YR", CLASS_P3 }, { 384, "XT", "XR", CLASS_P3 },
	{ 350, "YC", "YK", CLASS_P3 }, { 351, "LT", "LR", CLASS_P3 },
	{ 354, "YC", "YK", CLASS_P3 },
	{ 355, "UT", "UJ", CLASS_P3 }, { 381, "UT", "UJ", CLASS_P3 },
	{ 305, "YW", "YW", CLASS_P4 }, { 406, "OC", "OC", CLASS_P4 },
	{ 601, "RX", "RX", CLASS_P4 }, { 602, "RP", "RP", CLASS_P4 },
	{ 603, "RP", "RP", CLASS_P4 }, { 606, "LF", "LF", CLASS_P4 },
};

struct want_sia {
	const char	*code;
	enum code_class	 class;
	int		 restore;
};

static const struct want_sia want_sia[] = {
	{ "MA", CLASS_P1, 0 }, { "QA", CLASS_P1, 0 }, { "PA", CLASS_P1, 0 },
	{ "HA", CLASS_P1, 0 }, { "FA", CLASS_P1, 0 }, { "KA", CLASS_P1, 0 },
	{ "GA", CLASS_P1, 0 }, { "SA", CLASS_P1, 0 },
	{ "WA", CLASS_P2, 0 }, { "ZA", CLASS_P2, 0 }, { "UA", CLASS_P2, 0 },
	{ "KT", CLASS_P2, 0 }, { "NA", CLASS_P2, 0 }, { "XX", CLASS_P2, 0 },
	{ "BA", CLASS_P2, 0 },
	{ "AT", CLASS_P3, 0 }, { "YT", CLASS_P3, 0 }, { "XT", CLASS_P3, 0 },
	{ "YC", CLASS_P3, 0 }, { "YS", CLASS_P3, 0 }, { "TA", CLASS_P3, 0 },
	{ "LT", CLASS_P3, 0 }, { "YM", CLASS_P3, 0 }, { "UT", CLASS_P3, 0 },
	{ "RP", CLASS_P4, 0 }, { "RX", CLASS_P4, 0 }, { "RR", CLASS_P4, 0 },
	{ "YW", CLASS_P4, 0 }, { "OC", CLASS_P4, 0 }, { "LF", CLASS_P4, 0 },
	{ "MH", CLASS_P4, 1 }, { "QH", CLASS_P4, 1 }, { "PH", CLASS_P4, 1 },
	{ "HH", CLASS_P4, 1 }, { "FH", CLASS_P4, 1 }, { "SH", CLASS_P4, 1 },
	{ "KH", CLASS_P4, 1 }, { "GH", CLASS_P4, 1 }, { "WH", CLASS_P4, 1 },
	{ "ZH", CLASS_P4, 1 }, { "KJ", CLASS_P4, 1 }, { "UH", CLASS_P4, 1 },
	{ "BR", CLASS_P4, 1 }, { "AR", CLASS_P4, 1 }, { "YR", CLASS_P4, 1 },
	{ "XR", CLASS_P4, 1 }, { "YK", CLASS_P4, 1 }, { "TR", CLASS_P4, 1 },
	{ "LR", CLASS_P4, 1 }, { "UJ", CLASS_P4, 1 },
};

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

static void
t_cid_every_code(void **state)
{
	const struct want_cid	*w;
	struct code_info	 info;
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(want_cid); i++) {
		w = &want_cid[i];
		/* New event and status: the code and class of the table. */
		assert_int_equal(codes_cid(w->cid, '1', &info), 0);
		assert_string_equal(info.code, w->code);
		assert_int_equal(info.class, w->class);
		assert_int_equal(info.restore, 0);
		assert_non_null(info.name);
		assert_string_not_equal(info.name, "unknown event");
		assert_int_equal(codes_cid(w->cid, '6', &info), 0);
		assert_string_equal(info.code, w->code);
		assert_int_equal(info.class, w->class);
		assert_int_equal(info.restore, 0);
		/* Restore: the restore code, P4. */
		assert_int_equal(codes_cid(w->cid, '3', &info), 0);
		assert_string_equal(info.code, w->restore);
		assert_int_equal(info.class, CLASS_P4);
		assert_int_equal(info.restore, 1);
	}
}

/* The SIA code a Contact ID code maps to agrees on the class. */
static void
t_cid_sia_agree(void **state)
{
	const struct want_cid	*w;
	struct code_info	 c, s;
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(want_cid); i++) {
		w = &want_cid[i];
		assert_int_equal(codes_cid(w->cid, '1', &c), 0);
		if (codes_sia(c.code, &s) != 0)
			fail_msg("CID %u -> %s not in the SIA table", w->cid,
			    c.code);
		assert_int_equal(s.class, c.class);
		assert_int_equal(s.restore, 0);
		/* A restore code of its own is a P4 restore in SIA too. */
		assert_int_equal(codes_cid(w->cid, '3', &c), 0);
		assert_int_equal(codes_sia(c.code, &s), 0);
		if (strcmp(w->code, w->restore) != 0) {
			assert_int_equal(s.class, CLASS_P4);
			assert_int_equal(s.restore, 1);
		}
	}
}

static void
t_cid_spec_mapping(void **state)
{
	/* PROTOCOLS.md §3, verbatim. */
	static const struct { unsigned cid; const char *code; } map[] = {
		{ 100, "MA" }, { 101, "QA" }, { 110, "FA" }, { 111, "FA" },
		{ 114, "KA" }, { 151, "GA" }, { 162, "GA" }, { 154, "WA" },
		{ 301, "AT" }, { 302, "YT" }, { 305, "YW" }, { 350, "YC" },
		{ 354, "YC" }, { 601, "RX" }, { 602, "RP" },
	};
	struct code_info	 info;
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(map); i++) {
		assert_int_equal(codes_cid(map[i].cid, '1', &info), 0);
		assert_string_equal(info.code, map[i].code);
	}
	assert_int_equal(codes_cid(101, '1', &info), 0);
	assert_string_equal(info.name, "personal emergency");
	assert_int_equal(codes_cid(301, '1', &info), 0);
	assert_string_equal(info.name, "AC (mains) loss");
}

static void
t_cid_unknown(void **state)
{
	static const unsigned	 unknown[] = { 0, 1, 99, 103, 999, 1000, 65535 };
	struct code_info	 info;
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(unknown); i++) {
		memset(&info, 0x55, sizeof info);
		assert_int_equal(codes_cid(unknown[i], '1', &info), -1);
		assert_null(info.code);
		assert_int_equal(info.class, CLASS_P2);
		assert_int_equal(info.restore, 0);
		assert_string_equal(info.name, "unknown event");
	}
}

static void
t_sia_every_code(void **state)
{
	const struct want_sia	*w;
	struct code_info	 info;
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(want_sia); i++) {
		w = &want_sia[i];
		if (codes_sia(w->code, &info) != 0)
			fail_msg("SIA %s unknown", w->code);
		assert_string_equal(info.code, w->code);
		assert_int_equal(info.class, w->class);
		assert_int_equal(info.restore, w->restore);
		assert_non_null(info.name);
	}
}

static void
t_sia_unknown(void **state)
{
	static const char	*unknown[] = {
		"QQ", "", "M", "MAX", "ma", "Ma", "ZZ", "99",
	};
	struct code_info	 info;
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(unknown); i++) {
		assert_int_equal(codes_sia(unknown[i], &info), -1);
		assert_null(info.code);
		assert_int_equal(info.class, CLASS_P2);
		assert_string_equal(info.name, "unknown event");
	}
	assert_int_equal(codes_sia(NULL, &info), -1);
	assert_int_equal(info.class, CLASS_P2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_cid_every_code),
		cmocka_unit_test(t_cid_sia_agree),
		cmocka_unit_test(t_cid_spec_mapping),
		cmocka_unit_test(t_cid_unknown),
		cmocka_unit_test(t_sia_every_code),
		cmocka_unit_test(t_sia_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
