/*
 * key.c -- what a key is: Enter, Backspace, or a printable character and
 * its UTF-8 bytes, as wget_wch() reports them (fn: a function key).
 *
 * Called by ui_key.c and ui_login.c; calls nothing of the console. Main
 * thread only.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include <curses.h>

#include "runtime.h"
#include "console.h"

int
key_is_enter(int fn, wint_t k)
{
	return ((fn && k == KEY_ENTER) || (!fn && (k == '\n' || k == '\r')));
}

int
key_is_backspace(int fn, wint_t k)
{
	return ((fn && k == KEY_BACKSPACE) || (!fn && (k == 127 || k == 8)));
}

/* A printable character as UTF-8 into buf; returns its length or 0. */
size_t
key_utf8(int fn, wint_t k, char *buf, size_t size)
{
	mbstate_t	 ps;
	size_t		 n;

	if (fn || !iswprint(k) || size < MB_CUR_MAX)
		return (0);
	memset(&ps, 0, sizeof ps);
	n = wcrtomb(buf, (wchar_t)k, &ps);
	return (n == (size_t)-1 ? 0 : n);
}
