/*
 * ui_late.c -- the late list (key l, in place of the alarm pane): every
 * alarm of today past 180 s that arcd lists (up to 256; more are
 * counted), one a line with its class, age, client, cause and state, or
 * "answered late" for one no longer open; scrolled with j/k, PgUp/PgDn.
 * Called by ui.c (drawing) and ui_key.c (scrolling); draws with paint.c
 * and ui_queue.c. Main thread only.
 */
#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "runtime.h"
#include "console.h"

/* Lines the list has: one per late id kept, and one for the rest. */
static int
ui_late_lines(struct client *c)
{
	return ((int)c->nlate + (c->over_180 > c->nlate));
}

/* Scroll by delta lines, kept within the list. */
void
ui_late_scroll(struct ui *ui, int delta)
{
	int	 n = ui_late_lines(ui->con->client);

	ui->scroll += delta;
	if (ui->scroll > n - 1)
		ui->scroll = n - 1;
	if (ui->scroll < 0)
		ui->scroll = 0;
}

static void
ui_late_line(struct ui *ui, int i, int y, int64_t now)
{
	struct client		*c = ui->con->client;
	struct client_alarm	*a;
	char			 line[512], cause[256], age[32];

	if (i >= (int)c->nlate) {
		snprintf(line, sizeof line, "  and %zu more",
		    c->over_180 - c->nlate);
		paint_put(y, 0, COLS, A_BOLD, line);
		return;
	}
	if ((a = queue_find(c, c->late[i])) == NULL ||
	    a->state == ALARM_CLOSED) {
		snprintf(line, sizeof line, " %6lld  answered late (or closed)",
		    (long long)c->late[i]);
		paint_put(y, 0, COLS, A_NORMAL, line);
		return;
	}
	paint_fmt_age(age, sizeof age, now + c->skew - a->opened_at);
	ui_queue_cause(a, cause, sizeof cause);
	snprintf(line, sizeof line, " %6lld  P%d %8s  %-16.16s  %-28.28s  %s",
	    (long long)a->id, a->class, age, ui_queue_who(a), cause,
	    queue_state_name(a->state));
	paint_put(y, 0, COLS, a->state == ALARM_WAITING ?
	    paint_attr(ui, UI_OVERDUE) : (int)A_NORMAL, line);
}

/* The title at row y, the list in the h rows below it. */
void
ui_late_draw(struct ui *ui, int y, int h, int64_t now)
{
	struct client	*c = ui->con->client;
	char		 title[128];
	int		 i, n = ui_late_lines(c);
	int		 tattr = paint_attr(ui, UI_TITLE);

	snprintf(title, sizeof title, " Late: %zu past 180 s today  "
	    "(j/k PgUp/PgDn scroll, l: back to the alarm)", c->over_180);
	attron(tattr);
	mvhline(y, 0, ' ', COLS);
	attroff(tattr);
	paint_put(y, 0, COLS, tattr | A_BOLD, title);
	if (n == 0) {
		paint_put(y + 1, 2, COLS - 2, A_NORMAL, "none late today");
		return;
	}
	ui_late_scroll(ui, 0);
	for (i = 0; i < h && ui->scroll + i < n; i++)
		ui_late_line(ui, ui->scroll + i, y + 1 + i, now);
	if (ui->scroll + h < n) {
		snprintf(title, sizeof title, " %d more: PgDn ",
		    n - ui->scroll - h);
		paint_put(y + h, COLS - (int)strlen(title), (int)strlen(title),
		    A_BOLD | A_REVERSE, title);
	}
}
