/*
 * db_text.c -- the text a person or a file may store (clients, responders,
 * zone labels, operator names): valid UTF-8 (the runtime's utf8.c), and no
 * control characters but tab and line breaks (a quoted CSV field may span
 * lines: an address, a note). C1 controls (U+0080..U+009F) are refused
 * too: they are terminal controls, not text anyone types.
 *
 * Thread: any; no state.
 */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "runtime.h"

/* A control character at p (valid UTF-8): its code point, or -1. */
static int
db_text_control(const unsigned char *p)
{
	if (*p == '\t' || *p == '\n' || *p == '\r')
		return (-1);
	if (*p < 0x20 || *p == 0x7f)
		return (*p);
	if (*p == 0xc2 && p[1] < 0xa0)		/* valid: p[1] is 0x80.. */
		return (p[1]);
	return (-1);
}

/*
 * 0 if s may be stored, else -1 and why ("not valid UTF-8 at byte 4",
 * "control character U+001B at byte 2": bytes count from 1).
 */
int
db_text_check(const char *s, char *why, size_t size)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len = strlen(s), i;
	int			 c;

	if (utf8_valid(s, len, &i) == -1) {
		snprintf(why, size, "not valid UTF-8 at byte %zu", i + 1);
		return (-1);
	}
	for (i = 0; i < len; i++) {
		if ((c = db_text_control(p + i)) != -1) {
			snprintf(why, size, "control character U+%04X at byte "
			    "%zu", (unsigned)c, i + 1);
			return (-1);
		}
	}
	return (0);
}
