/*
 * test_utf8.c -- the runtime's UTF-8 check and clean copy (utf8.c),
 * linked with the runtime alone. The oracles are not utf8.c's table: an
 * arithmetic decoder (code point, shortest form, surrogates, U+10FFFF)
 * checked against utf8_valid() over every string of up to three bytes and
 * the interesting four-byte ones, and the U+FFFD substitutions Python's
 * bytes.decode("utf-8", "replace") gives (the maximal subparts of
 * Unicode 3.9).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "runtime.h"

#define FFFD	"\xef\xbf\xbd"

/* Bytes one character starting with c takes, by its high bits; 0 none. */
static size_t
oracle_length(unsigned char c)
{
	if (c < 0x80)
		return (1);
	if ((c & 0xe0) == 0xc0)
		return (2);
	if ((c & 0xf0) == 0xe0)
		return (3);
	if ((c & 0xf8) == 0xf0)
		return (4);
	return (0);
}

/* The n bytes at s are one valid character: decode and judge the value. */
static int
oracle_char(const unsigned char *s, size_t n)
{
	static const uint32_t	 shortest[] = { 0, 0x01, 0x80, 0x800, 0x10000 };
	uint32_t		 cp;
	size_t			 i;

	cp = n == 1 ? s[0] : s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		cp = cp << 6 | (s[i] & 0x3f);
	}
	return (cp >= shortest[n] && cp <= 0x10ffff &&
	    (cp < 0xd800 || cp > 0xdfff));
}

/* -1 if valid, else the offset of the first character that is not. */
static long
oracle_bad(const unsigned char *s, size_t len)
{
	size_t	 i = 0, n;

	while (i < len) {
		n = oracle_length(s[i]);
		if (n == 0 || i + n > len || !oracle_char(s + i, n))
			return ((long)i);
		i += n;
	}
	return (-1);
}

static void
check_one(const unsigned char *s, size_t len)
{
	size_t	 bad = 12345;
	long	 want = oracle_bad(s, len);
	int	 rc = utf8_valid((const char *)s, len, &bad);

	if (rc != (want == -1 ? 0 : -1) || (want != -1 && bad != (size_t)want))
		fail_msg("%02x %02x %02x %02x (len %zu): rc %d bad %zu, "
		    "oracle %ld", s[0], len > 1 ? s[1] : 0, len > 2 ? s[2] : 0,
		    len > 3 ? s[3] : 0, len, rc, bad, want);
}

/* Every string of 1..3 bytes; four bytes after each plausible lead. */
static void
test_valid_exhaustive(void **state)
{
	static const unsigned char third[] = { 0x00, 0x41, 0x7f, 0x80, 0x8f,
	    0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xe2, 0xff };
	unsigned char	 s[4];
	unsigned	 a, b, c, d;
	size_t		 i;

	(void)state;
	for (a = 0; a < 256; a++) {
		s[0] = a;
		check_one(s, 1);
		for (b = 0; b < 256; b++) {
			s[1] = b;
			check_one(s, 2);
			for (c = 0; c < 256; c++) {
				s[2] = c;
				check_one(s, 3);
			}
		}
	}
	for (a = 0xf0; a < 0xf8; a++)
		for (b = 0; b < 256; b++)
			for (i = 0; i < nitems(third); i++)
				for (d = 0; d < 256; d++) {
					s[0] = a;
					s[1] = b;
					s[2] = third[i];
					s[3] = d;
					check_one(s, 4);
				}
}

struct valid_case {
	const char	*s;
	long		 bad;		/* -1: valid */
};

static void
test_valid_cases(void **state)
{
	static const struct valid_case cases[] = {
		{ "", -1 },
		{ "Mary Smith, 1 High St", -1 },
		{ "Zo\xc3\xab Br\xc3\xb8nsted, Stra\xc3\x9f" "e 5", -1 },
		{ "\xce\x95\xce\xbb\xce\xbb\xce\xac\xce\xb4\xce\xb1", -1 },
		{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", -1 },	/* 日本語 */
		{ "\xd8\xa7\xd9\x84\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a\xd8\xa9",
		    -1 },					/* العربية */
		{ "\xf0\x9f\x98\x80 ok", -1 },			/* U+1F600 */
		{ "\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf", -1 },
		{ "\xed\x9f\xbf\xee\x80\x80", -1 },		/* D7FF E000 */
		{ "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf", -1 }, /* 10000 10FFFF */
		/* overlongs */
		{ "ab\xc0\xaf", 2 }, { "\xc1\xbf", 0 }, { "\xe0\x80\xaf", 0 },
		{ "x\xe0\x9f\xbf", 1 }, { "\xf0\x80\x80\xaf", 0 },
		{ "\xf0\x8f\xbf\xbf", 0 },
		/* surrogates, alone and as a pair */
		{ "\xed\xa0\x80", 0 }, { "abc\xed\xbf\xbf", 3 },
		{ "\xed\xa0\xbd\xed\xb8\x80", 0 },
		/* above U+10FFFF */
		{ "\xf4\x90\x80\x80", 0 }, { "a\xf5\x80\x80\x80", 1 },
		{ "\xf7\xbf\xbf\xbf", 0 }, { "\xf8\x88\x80\x80\x80", 0 },
		{ "\xfe", 0 }, { "\xff", 0 },
		/* truncated, at the end and before more text */
		{ "ab\xe2\x82", 2 }, { "\xf0\x9f\x98", 0 },
		{ "\xe2\x82" "a", 0 },
		{ "\xc3", 0 }, { "Zo\xc3\xab\xc3", 4 },
		/* lone continuation bytes */
		{ "\x80", 0 }, { "ok\xbf", 2 },
	};
	size_t	 i, bad;
	int	 rc;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		bad = 999;
		rc = utf8_valid(cases[i].s, strlen(cases[i].s), &bad);
		if (rc != (cases[i].bad == -1 ? 0 : -1) ||
		    (cases[i].bad != -1 && bad != (size_t)cases[i].bad))
			fail_msg("case %zu: rc %d bad %zu", i, rc, bad);
	}
	/* A NUL inside the length is not text; NULL bad is allowed. */
	assert_int_equal(utf8_valid("a\0b", 3, &bad), -1);
	assert_int_equal(bad, 1);
	assert_int_equal(utf8_valid("a\0b", 1, NULL), 0);
	assert_int_equal(utf8_valid("\xff", 1, NULL), -1);
}

struct clean_case {
	const char	*in;
	const char	*out;
};

static void
test_clean(void **state)
{
	static const struct clean_case cases[] = {	/* Python's answers */
		{ "", "" },
		{ "Zo\xc3\xab \xf0\x9f\x98\x80",
		    "Zo\xc3\xab \xf0\x9f\x98\x80" },
		{ "\xe2" "abc", FFFD "abc" },
		{ "\xe2\x82" "a", FFFD "a" },
		{ "\xc0\xaf", FFFD FFFD },
		{ "\xe0\x80\xaf", FFFD FFFD FFFD },
		{ "\xf0\x80\x80\xaf", FFFD FFFD FFFD FFFD },
		{ "\xed\xa0\x80", FFFD FFFD FFFD },
		{ "\xed\x9f\xbf\xed\xa0\x80", "\xed\x9f\xbf" FFFD FFFD FFFD },
		{ "\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD },
		{ "\xf0\x9f\x98", FFFD },
		{ "a\xf0\x9f\x98\x80\xff" "b", "a\xf0\x9f\x98\x80" FFFD "b" },
	};
	char	 buf[64];
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		memset(buf, 'x', sizeof buf);
		assert_int_equal(utf8_clean(buf, sizeof buf, cases[i].in),
		    strlen(cases[i].out));
		assert_string_equal(buf, cases[i].out);
	}
}

/* Cut at the end of the buffer: whole characters only, always a NUL. */
static void
test_clean_cut(void **state)
{
	char	 buf[16];

	(void)state;
	/* "ab€c": the euro sign (3 bytes) does not fit in 5; c is not kept. */
	memset(buf, 'x', sizeof buf);
	assert_int_equal(utf8_clean(buf, 5, "ab\xe2\x82\xac" "c"), 6);
	assert_string_equal(buf, "ab");
	assert_int_equal(utf8_clean(buf, 6, "ab\xe2\x82\xac" "c"), 6);
	assert_string_equal(buf, "ab\xe2\x82\xac");
	assert_int_equal(utf8_clean(buf, 7, "ab\xe2\x82\xac" "c"), 6);
	assert_string_equal(buf, "ab\xe2\x82\xac" "c");
	/* A replacement is cut the same way. */
	assert_int_equal(utf8_clean(buf, 4, "a\xff"), 4);
	assert_string_equal(buf, "a");
	assert_int_equal(utf8_clean(buf, 1, "abc"), 3);
	assert_string_equal(buf, "");
	buf[0] = 'x';
	assert_int_equal(utf8_clean(buf, 0, "abc"), 3);
	assert_int_equal(buf[0], 'x');			/* nothing written */
	/* The worst case fits UTF8_CLEAN_SIZE. */
	assert_int_equal(utf8_clean(buf, UTF8_CLEAN_SIZE(5), "\xff\xfe\x80"
	    "\xc0\xf5"), 15);
	assert_string_equal(buf, FFFD FFFD FFFD FFFD FFFD);
}

/* Whatever goes in, what comes out is valid; valid text is unchanged. */
static void
test_clean_random(void **state)
{
	static const unsigned char pick[] = { 'a', 0x7f, 0x80, 0x9f, 0xa0,
	    0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5,
	    0xff };
	unsigned char	 in[17];
	char		 out[UTF8_CLEAN_SIZE(16)];
	uint32_t	 r = 12345;
	size_t		 i, j, len, n;

	(void)state;
	for (i = 0; i < 200000; i++) {
		len = i % 17;
		for (j = 0; j < len; j++) {
			r = r * 1103515245 + 12345;
			in[j] = pick[(r >> 16) % nitems(pick)];
		}
		in[len] = '\0';
		n = utf8_clean(out, sizeof out, (const char *)in);
		assert_int_equal(n, strlen(out));
		assert_int_equal(utf8_valid(out, n, NULL), 0);
		if (oracle_bad(in, len) == -1)
			assert_string_equal(out, (const char *)in);
		else
			assert_non_null(strstr(out, FFFD));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_exhaustive),
		cmocka_unit_test(test_valid_cases),
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_clean_cut),
		cmocka_unit_test(test_clean_random),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
