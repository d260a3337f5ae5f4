/*
 * ui_operators.c -- the supervisor's operators pane (key o, in place of the
 * alarm pane): every operator in the last operators list with their role,
 * whether they are connected and the alarms they hold. Called by ui.c;
 * draws with paint.c. Main thread only.
 */
#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "runtime.h"
#include "console.h"

#define OPS_LOGIN	12		/* columns for the login */
#define OPS_ROLE	11		/* columns for the role */

/* "42 43 +2": the alarm ids an operator holds, or "-". */
static void
ui_operators_ids(const struct client_operator *op, char *buf, size_t size)
{
	size_t	 i, len = 0;
	int	 n;

	buf[0] = '\0';
	if (op->alarms_total == 0) {
		snprintf(buf, size, "-");
		return;
	}
	for (i = 0; i < op->nalarms; i++) {
		n = snprintf(buf + len, size - len, "%s%lld", i ? " " : "",
		    (long long)op->alarms[i]);
		if (n < 0 || (size_t)n >= size - len)
			return;
		len += (size_t)n;
	}
	if (op->alarms_total > op->nalarms)
		snprintf(buf + len, size - len, " +%zu",
		    op->alarms_total - op->nalarms);
}

static int
ui_operators_wname(int w)
{
	return ((w - 2 - OPS_LOGIN - OPS_ROLE) / 2);
}

static void
ui_operators_header(int y, int w)
{
	int	 x = 2;

	attron(A_UNDERLINE);
	mvhline(y, 0, ' ', w);
	mvaddstr(y, x, "Login");
	x += OPS_LOGIN;
	mvaddstr(y, x, "Name");
	x += ui_operators_wname(w);
	mvaddstr(y, x, "Role");
	x += OPS_ROLE;
	mvaddstr(y, x, "Alarms");
	attroff(A_UNDERLINE);
}

static void
ui_operators_row(const struct client_operator *op, int y, int w)
{
	char	 ids[160];
	int	 wname = ui_operators_wname(w), x = 2;
	int	 attr = op->connected ? A_NORMAL : A_DIM;

	paint_put(y, 0, 1, A_BOLD, op->connected ? "*" : " ");
	paint_put(y, x, OPS_LOGIN - 1, attr | A_BOLD, op->login);
	x += OPS_LOGIN;
	paint_put(y, x, wname - 1, attr, op->name);
	x += wname;
	paint_put(y, x, OPS_ROLE - 1, attr, op->role);
	x += OPS_ROLE;
	ui_operators_ids(op, ids, sizeof ids);
	paint_put(y, x, w - x, attr | (op->alarms_total ? A_BOLD : 0), ids);
}

/*
 * The title at row y, the list (a header, then one operator a line,
 * scrolled; * marks the connected) in the h rows below it.
 */
void
ui_operators_draw(struct ui *ui, int y, int h)
{
	struct client	*c = ui->con->client;
	char		 title[96];
	size_t		 i, connected = 0;
	int		 row, tattr = paint_attr(ui, UI_TITLE);

	for (i = 0; i < c->noperators; i++)
		connected += (c->operators[i].connected != 0);
	snprintf(title, sizeof title, " Operators  %zu connected  "
	    "(o: back to the alarm)", connected);
	attron(tattr);
	mvhline(y, 0, ' ', COLS);
	attroff(tattr);
	paint_put(y, 0, COLS, tattr | A_BOLD, title);
	if (!c->have_operators) {
		paint_put(y + 1, 2, COLS - 2, A_NORMAL, "waiting for the list");
		return;
	}
	if (c->noperators == 0) {
		paint_put(y + 1, 2, COLS - 2, A_NORMAL, "no operators");
		return;
	}
	ui_operators_header(++y, COLS);
	h--;
	if (ui->scroll > (int)c->noperators - 1)
		ui->scroll = (int)c->noperators - 1;
	for (row = 0; row < h && ui->scroll + row < (int)c->noperators; row++)
		ui_operators_row(&c->operators[ui->scroll + row], y + 1 + row,
		    COLS);
	if (ui->scroll + h < (int)c->noperators)
		paint_put(y + h, COLS - 14, 14, A_BOLD, " PgDn: more ");
}
