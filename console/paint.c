/*
 * paint.c -- how the screen draws text: the attributes of each role (in
 * colour or monochrome), fitting untrusted UTF-8 into columns and putting
 * it on the screen safely, and the time formats shown.
 *
 * The bottom of the screen code: ui.c and the panes (ui_alarm.c,
 * ui_login.c, ui_operators.c) call it; it calls nothing of theirs. Main
 * thread only, like all of curses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>
#include <wctype.h>

#include <curses.h>

#include "runtime.h"
#include "console.h"

/* The attributes of one role, in colour or (monochrome) without. */
int
paint_attr(struct ui *ui, int role)
{
	static const int mono[] = {
		[UI_P1] = A_BOLD | A_UNDERLINE,
		[UI_P2] = A_BOLD,
		[UI_P3] = A_NORMAL,
		[UI_LATE] = A_BOLD,
		[UI_OVERDUE] = A_REVERSE | A_BOLD,
		[UI_STATUS] = A_REVERSE,
		[UI_ERROR] = A_BOLD,
		[UI_TITLE] = A_REVERSE,
	};

	if (role < UI_P1 || role > UI_TITLE)
		return (A_NORMAL);
	if (!ui->colour)
		return (mono[role]);
	if (role == UI_P1 || role == UI_ERROR || role == UI_OVERDUE)
		return (COLOR_PAIR(role) | A_BOLD);
	return (COLOR_PAIR(role));
}

/*
 * How many bytes of s fit in width columns; *cols gets the columns used.
 * Bytes that are not printable UTF-8 count as one column (drawn as '?').
 */
size_t
paint_fit(const char *s, int width, int *cols)
{
	mbstate_t	 ps;
	wchar_t		 wc;
	size_t		 off = 0, n, len = strlen(s);
	int		 w, used = 0;

	memset(&ps, 0, sizeof ps);
	while (off < len) {
		n = mbrtowc(&wc, s + off, len - off, &ps);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&ps, 0, sizeof ps);
			n = 1;
			w = 1;
		} else if ((w = wcwidth(wc)) < 0)
			w = 1;
		if (used + w > width)
			break;
		used += w;
		off += n;
	}
	if (cols != NULL)
		*cols = used;
	return (off);
}

/*
 * Draw untrusted text at (y, x) in at most width columns: control
 * characters and broken UTF-8 become '?'.
 */
void
paint_put(int y, int x, int width, int attr, const char *s)
{
	char		 out[1024];
	mbstate_t	 ps;
	wchar_t		 wc;
	size_t		 off = 0, o = 0, n, len;
	int		 w, used = 0;

	if (s == NULL || width <= 0 || y < 0 || y >= LINES || x >= COLS)
		return;
	if (width > COLS - x)
		width = COLS - x;
	len = strlen(s);
	memset(&ps, 0, sizeof ps);
	while (off < len && o + MB_CUR_MAX < sizeof out) {
		n = mbrtowc(&wc, s + off, len - off, &ps);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0 ||
		    !iswprint(wc) || (w = wcwidth(wc)) < 0) {
			memset(&ps, 0, sizeof ps);
			if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
				n = 1;
			if (used + 1 > width)
				break;
			out[o++] = '?';
			used++;
			off += n;
			continue;
		}
		if (used + w > width)
			break;
		memcpy(out + o, s + off, n);
		o += n;
		used += w;
		off += n;
	}
	out[o] = '\0';
	attron(attr);
	mvaddstr(y, x, out);
	attroff(attr);
}

/* An age in ms as mm:ss, then h:mm:ss. */
void
paint_fmt_age(char *buf, size_t size, int64_t ms)
{
	int64_t	 s = ms < 0 ? 0 : ms / 1000;

	if (s < 3600)
		snprintf(buf, size, "%02d:%02d", (int)(s / 60), (int)(s % 60));
	else
		snprintf(buf, size, "%d:%02d:%02d", (int)(s / 3600),
		    (int)(s / 60 % 60), (int)(s % 60));
}

/*
 * A time in ms as HH:MM:SS in the centre's zone (TZ, which ui.c sets from
 * the hello); paint_fmt_zone: " GMT", the zone's name at that time.
 */
void
paint_fmt_hms(char *buf, size_t size, int64_t ms)
{
	time_t		 t = (time_t)(ms / 1000);
	struct tm	 tm;

	localtime_r(&t, &tm);
	if (strftime(buf, size, "%H:%M:%S", &tm) == 0 && size > 0)
		buf[0] = '\0';
}

void
paint_fmt_zone(char *buf, size_t size, int64_t ms)
{
	time_t		 t = (time_t)(ms / 1000);
	struct tm	 tm;

	localtime_r(&t, &tm);
	if (strftime(buf, size, " %Z", &tm) == 0 && size > 0)
		buf[0] = '\0';
}
