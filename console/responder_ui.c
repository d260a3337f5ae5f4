/*
 * responder_ui.c -- arc-responder's screen: a title line, the broker
 * link, the pages (one row each), the selected page's client card with a
 * countdown to its deadline, the last ack in words, and a key line. In
 * the look of arc-console (reverse title and key lines) and without
 * colour, so it reads the same on a monochrome 80x24 terminal; text from
 * the broker goes through paint.c (control characters and broken UTF-8
 * become '?', cut to the width). Keys: a d r e c send a reply for the
 * selected page (one at a time: the next once arc acked it, or after
 * 30 s without an ack), j/k (arrows) select, q quits.
 *
 * Called by responder.c; calls responder_book.c, responder_link.c and
 * paint.c. Main thread only, like all of curses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <curses.h>

#include "runtime.h"
#include "console.h"
#include "responder.h"

#define UI_LIST_ROWS	4		/* pages listed above the card */
#define UI_ACK_WAIT_MS	30000		/* then a reply may be sent again */

struct resp_ui {
	SCREEN	*screen;		/* owned */
	char	 said[96];		/* the last key's answer */
	uint64_t rung;			/* pages the bell rang for */
};

struct resp_ui *
responder_ui_open(char **cause)
{
	struct resp_ui	*u;
	SCREEN		*s;

	if ((s = newterm(NULL, stdout, stdin)) == NULL &&
	    (s = newterm("vt100", stdout, stdin)) == NULL) {
		xasprintf(cause, "cannot draw on this terminal; set "
		    "TERM=xterm-256color or vt100");
		return (NULL);
	}
	u = xcalloc(1, sizeof *u);
	u->screen = s;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	return (u);
}

void
responder_ui_close(struct resp_ui *u)
{
	if (u == NULL)
		return;
	endwin();
	delscreen(u->screen);
	free(u);
}

/* "01:23 to answer", or that the deadline passed. */
static void
responder_ui_countdown(char *buf, size_t size, const struct resp_page *p,
    int64_t wall)
{
	char	 age[32];

	if (p->state != RESP_PAGED) {
		buf[0] = '\0';
		return;
	}
	if (wall >= p->deadline) {
		snprintf(buf, size, "deadline passed");
		return;
	}
	paint_fmt_age(age, sizeof age, p->deadline - wall + 999);
	snprintf(buf, size, "%s to answer", age);
}

/* One row of the page list. */
static void
responder_ui_row(int y, const struct resp_page *p, int sel, int64_t wall)
{
	char	 line[256], left[48];

	responder_ui_countdown(left, sizeof left, p, wall);
	snprintf(line, sizeof line, "%c alarm %-6lld %-24.24s %-10s %s",
	    sel ? '>' : ' ', (long long)p->alarm_id, p->client,
	    responder_book_state_name(p->state), left);
	paint_put(y, 0, COLS, sel ? A_BOLD : A_NORMAL, line);
}

/* A labelled line of the card; the value is untrusted text. */
static int
responder_ui_field(int y, const char *label, const char *value, int attr)
{
	if (y >= LINES - 2)
		return (y);
	paint_put(y, 0, 10, A_NORMAL, label);
	paint_put(y, 10, COLS - 10, attr, value[0] != '\0' ? value : "-");
	return (y + 1);
}

/* The selected page's card, from row y. */
static void
responder_ui_card(int y, const struct resp_page *p, int64_t wall)
{
	char	 buf[256], left[48];

	snprintf(buf, sizeof buf, "Alarm %lld: %s (step %lld, page %lld)",
	    (long long)p->alarm_id, p->reason[0] != '\0' ? p->reason :
	    "alarm", (long long)p->step, (long long)p->id);
	paint_put(y++, 0, COLS, A_BOLD, buf);
	y = responder_ui_field(y, "Client", p->client, A_BOLD);
	y = responder_ui_field(y, "Address", p->address, A_NORMAL);
	y = responder_ui_field(y, "Access", p->access, A_BOLD);
	y = responder_ui_field(y, "Medical", p->medical, A_NORMAL);
	y = responder_ui_field(y, "Phone", p->phone, A_NORMAL);
	responder_ui_countdown(left, sizeof left, p, wall);
	snprintf(buf, sizeof buf, "%s%s%s", responder_book_state_name(p->state),
	    left[0] != '\0' ? ", " : "", left);
	y = responder_ui_field(y, "State", buf,
	    p->state == RESP_PAGED || p->state == RESP_WITHDRAWN ?
	    A_REVERSE | A_BOLD : A_BOLD);
	y = responder_ui_field(y, "Arc says", p->ack, A_NORMAL);
}

void
responder_ui_draw(struct resp_ui *u, struct resp_book *b, const char *link,
    int64_t id, int64_t wall)
{
	struct resp_page	*sel = responder_book_selected(b);
	char			 buf[256], hms[16];
	size_t			 i, first = 0;
	int			 y;

	if (b->paged != u->rung) {
		u->rung = b->paged;
		beep();			/* a new page */
	}
	erase();
	paint_fmt_hms(hms, sizeof hms, wall);
	snprintf(buf, sizeof buf, " arc-responder: responder %lld   %zu "
	    "page%s   %s", (long long)id, b->n, b->n == 1 ? "" : "s", hms);
	if (b->bad != 0)
		snprintf(buf, sizeof buf, " arc-responder: responder %lld   "
		    "%zu page%s   %llu unreadable   %s", (long long)id, b->n,
		    b->n == 1 ? "" : "s", (unsigned long long)b->bad, hms);
	mvhline(0, 0, ' ', COLS);
	paint_put(0, 0, COLS, A_REVERSE, buf);
	mvchgat(0, 0, -1, A_REVERSE, 0, NULL);
	paint_put(1, 0, COLS, A_NORMAL, link);
	y = 3;
	if (b->n == 0)
		paint_put(y, 2, COLS - 2, A_NORMAL, "No pages. Waiting for arc.");
	if (b->n > UI_LIST_ROWS)
		first = b->n - UI_LIST_ROWS;
	for (i = 0; i < b->n; i++) {
		if (sel != NULL && sel == &b->pages[i] && i < first)
			first = i;
	}
	for (i = first; i < b->n && i < first + UI_LIST_ROWS; i++)
		responder_ui_row(y++, &b->pages[i], sel == &b->pages[i], wall);
	if (sel != NULL)
		responder_ui_card(y + 1, sel, wall);
	paint_put(LINES - 2, 0, COLS, A_BOLD, u->said);
	mvhline(LINES - 1, 0, ' ', COLS);
	paint_put(LINES - 1, 0, COLS, A_REVERSE, " a accept  d decline  "
	    "r arrived  e entry  c clear  j/k page  q quit");
	mvchgat(LINES - 1, 0, -1, A_REVERSE, 0, NULL);
	refresh();
}

/* A reply key for the selected page: sent, or why not. */
static void
responder_ui_send(struct resp_ui *u, struct resp_book *b,
    struct resp_link *l, enum resp_action a, int64_t now)
{
	struct resp_page	*p = responder_book_selected(b);
	char			*cause = NULL;
	const char		*what = responder_msg_action_name(a);

	if (p == NULL) {
		snprintf(u->said, sizeof u->said, "%s: no page", what);
		return;
	}
	if (!responder_book_open(p)) {
		snprintf(u->said, sizeof u->said, "%s: this page is %s", what,
		    responder_book_state_name(p->state));
		return;
	}
	if (p->sent != 0 && now < p->since + UI_ACK_WAIT_MS) {
		snprintf(u->said, sizeof u->said, "%s: still waiting for "
		    "arc's answer to %s", what,
		    responder_msg_action_name(p->sent - 1));
		return;
	}
	if (responder_link_reply(l, p->id, a, &cause) != 0) {
		responder_book_unsent(p, cause);
		snprintf(u->said, sizeof u->said, "%s not sent: %s", what,
		    cause);
		free(cause);
		return;
	}
	responder_book_sent(p, a, now);
	snprintf(u->said, sizeof u->said, "%s sent for alarm %lld", what,
	    (long long)p->alarm_id);
}

/* Every key waiting: 1 to redraw, 0 if none came, -1 to quit. */
int
responder_ui_key(struct resp_ui *u, struct resp_book *b, struct resp_link *l,
    int64_t now)
{
	static const char	 keys[RESP_NACTIONS] = {
		[RESP_ACCEPT] = 'a', [RESP_DECLINE] = 'd',
		[RESP_ARRIVED] = 'r', [RESP_ENTRY] = 'e', [RESP_CLEAR] = 'c',
	};
	wint_t			 k;
	int			 r, fn, i, redraw = 0;

	while ((r = wget_wch(stdscr, &k)) != ERR) {
		fn = r == KEY_CODE_YES;
		redraw = 1;
		if (!fn && (k == 'q' || k == 'Q'))
			return (-1);
		if ((fn && k == KEY_DOWN) || (!fn && k == 'j'))
			responder_book_select(b, 1);
		else if ((fn && k == KEY_UP) || (!fn && k == 'k'))
			responder_book_select(b, -1);
		else if (fn)
			continue;
		for (i = 0; i < RESP_NACTIONS && !fn; i++) {
			if (k == (wint_t)keys[i])
				responder_ui_send(u, b, l, i, now);
		}
	}
	return (redraw);
}
