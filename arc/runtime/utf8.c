/*
 * utf8.c -- UTF-8 as RFC 3629 and Unicode (table 3-7) define it: no
 * overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
 * arc's text is C strings, so a NUL byte counts as invalid too.
 *
 * utf8_valid() checks text a person or a file gave us (arcctl, the CSV
 * import); utf8_clean() makes any stored text safe to show (console JSON,
 * error messages quoting a file): each ill-formed sequence, taken as its
 * maximal subpart (Unicode 3.9, "U+FFFD substitution of maximal
 * subparts"), becomes one U+FFFD.
 *
 * Thread: any; no state.
 */
#include "runtime.h"

#define UTF8_FFFD	"\xef\xbf\xbd"

/*
 * The character at s (len > 0 bytes): its length when whole and valid,
 * else 0 and *bad = the bytes one U+FFFD stands for (at least 1).
 */
static size_t
utf8_char(const unsigned char *s, size_t len, size_t *bad)
{
	unsigned char	 c = s[0], lo = 0x80, hi = 0xbf;
	size_t		 n, i;

	*bad = 1;
	if (c < 0x80)
		return (c != 0 ? 1 : 0);
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;		/* overlong below U+0800 */
		else if (c == 0xed)
			hi = 0x9f;		/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;		/* overlong below U+10000 */
		else if (c == 0xf4)
			hi = 0x8f;		/* above U+10FFFF */
	} else
		return (0);	/* a continuation byte, C0, C1 or F5..FF */
	for (i = 1; i < n; i++) {
		if (i == len || s[i] < lo || s[i] > hi) {
			*bad = i;
			return (0);
		}
		lo = 0x80;
		hi = 0xbf;
	}
	return (n);
}

/*
 * 0 if the len bytes at s are valid UTF-8 without a NUL; else -1 and, if
 * bad is not NULL, *bad = the offset of the first byte that is not.
 */
int
utf8_valid(const char *s, size_t len, size_t *bad)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n, skip;

	while (i < len) {
		if (p[i] >= 0x01 && p[i] < 0x80) {
			i++;
			continue;
		}
		if ((n = utf8_char(p + i, len - i, &skip)) == 0) {
			if (bad != NULL)
				*bad = i;
			return (-1);
		}
		i += n;
	}
	return (0);
}

/*
 * Copy src to dst (size bytes), each ill-formed sequence replaced by
 * U+FFFD. dst is always NUL-terminated (if size > 0) and never ends in
 * part of a character. Returns the length of the whole clean text, like
 * strlcpy: size or more means it was cut. UTF8_CLEAN_SIZE(strlen(src))
 * bytes always hold it.
 */
size_t
utf8_clean(char *dst, size_t size, const char *src)
{
	const unsigned char	*s = (const unsigned char *)src;
	const char		*from;
	size_t			 len = strlen(src), i = 0, out = 0, kept = 0;
	size_t			 n, skip;

	while (i < len) {
		if ((n = utf8_char(s + i, len - i, &skip)) != 0) {
			from = src + i;
			i += n;
		} else {
			from = UTF8_FFFD;
			n = 3;
			i += skip;
		}
		/* Whole characters only (out only grows: none after a cut). */
		if (out + n < size) {
			memcpy(dst + out, from, n);
			kept = out + n;
		}
		out += n;
	}
	if (size > 0)
		dst[kept] = '\0';
	return (out);
}
