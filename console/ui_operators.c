/*
 * ui_operators.c -- the supervisor's operators pane (key o, in place of the
 * alarm pane): every operator in the last operators list, whether they
 * are connected, their state (free, offered, handling N, away), whether
 * their login is locked (and for how long yet), each alarm they hold
 * with its class and age, their logins today and today's answers within
 * 60 s and 180 s (of those they answered); their name on a screen wider
 * than 80 columns; below them, the other locked
 * logins (arcd has no operator record for them: nobody is logged in as
 * them or holds alarms) and the locked addresses. One row is selected (j/k):
 * ui_key.c asks which lock it is when the supervisor presses u. A lock
 * whose time has run out (by the server's clock) is not shown: arcd does
 * not push when one ends. Called by ui.c and ui_key.c; draws with
 * paint.c. Main thread only.
 */
#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "runtime.h"
#include "console.h"

#define OPS_LOGIN	11		/* columns for the login */
#define OPS_STATE	18		/* "away, handling 12" */
#define OPS_LOCK	14		/* columns for "locked 14:59" */
#define OPS_KIND	8		/* a lock's kind: "login", "address" */
#define OPS_LOGINS	4		/* logins today */
#define OPS_TODAY	15		/* "12 100%  99%" */
#define OPS_FIXED	(OPS_LOGIN + OPS_STATE + OPS_LOGINS + OPS_TODAY + 24)

/* A row of the pane: an operator, or a lock of its own. */
struct ops_row {
	const struct client_operator	*op;	/* borrowed, or NULL */
	const struct client_lock	*lock;	/* borrowed, or NULL */
	int				 kind;	/* 0, or 1 + the lock's kind */
	const char			*name;	/* borrowed: login or address */
	int64_t				 until;	/* 0: not locked (any more) */
};

/* The locks of their own still running: those the pane shows. */
static size_t
ui_operators_nlocks(struct client *c, int64_t now)
{
	size_t	 i, n = 0;

	for (i = 0; i < c->nlocks; i++)
		n += operators_left(c, c->locks[i].until, now) > 0;
	return (n);
}

static int
ui_operators_nrows(struct client *c, int64_t now)
{
	return ((int)(c->noperators + ui_operators_nlocks(c, now)));
}

/* Row i of the pane; 0, or -1 past the end. */
static int
ui_operators_row_at(struct client *c, int i, int64_t now,
    struct ops_row *row)
{
	size_t	 j;
	int	 n = (int)c->noperators;

	memset(row, 0, sizeof *row);
	if (i < 0)
		return (-1);
	if (i < n) {
		row->op = &c->operators[i];
		row->name = row->op->login;
		if (operators_left(c, row->op->locked_until, now) > 0)
			row->until = row->op->locked_until;
		return (0);
	}
	for (j = 0; j < c->nlocks; j++) {
		if (operators_left(c, c->locks[j].until, now) == 0 || n++ < i)
			continue;
		row->lock = &c->locks[j];
		row->kind = 1 + (int)row->lock->kind;
		row->name = row->lock->name;
		row->until = row->lock->until;
		return (0);
	}
	return (-1);
}

/*
 * Keep the selection on the same operator or lock while pushes replace
 * the list (by what it is, else by place); returns the rows there are.
 */
static int
ui_operators_follow(struct ui *ui, int64_t now)
{
	struct client	*c = ui->con->client;
	struct ops_row	 row;
	int		 i, n = ui_operators_nrows(c, now);

	for (i = 0; i < n && ui->ops_sel_name[0] != '\0'; i++) {
		if (ui_operators_row_at(c, i, now, &row) == 0 &&
		    row.kind == ui->ops_sel_kind &&
		    strcmp(row.name, ui->ops_sel_name) == 0) {
			ui->ops_sel = i;
			return (n);
		}
	}
	if (ui->ops_sel >= n)
		ui->ops_sel = n - 1;
	if (ui->ops_sel < 0)
		ui->ops_sel = 0;
	ui->ops_sel_name[0] = '\0';
	if (ui_operators_row_at(c, ui->ops_sel, now, &row) == 0) {
		ui->ops_sel_kind = row.kind;
		snprintf(ui->ops_sel_name, sizeof ui->ops_sel_name, "%s",
		    row.name);
	}
	return (n);
}

/* j/k, arrows, Home, PgUp/PgDn in the pane: the selection moves. */
void
ui_operators_move(struct ui *ui, int delta, int64_t now)
{
	int	 n = ui_operators_follow(ui, now);

	ui->ops_sel += delta;
	if (ui->ops_sel >= n)
		ui->ops_sel = n - 1;
	if (ui->ops_sel < 0)
		ui->ops_sel = 0;
	ui->ops_sel_name[0] = '\0';	/* this place, whoever is in it */
	ui_operators_follow(ui, now);
}

/*
 * The selected row's lock, for u: 1 and its login or address (*source
 * set for an address) if it is locked, 0 and its login if not, -1 if
 * nothing is selected.
 */
int
ui_operators_lock(struct ui *ui, int64_t now, char *name, size_t size,
    int *source)
{
	struct client	*c = ui->con->client;
	struct ops_row	 row;

	ui_operators_follow(ui, now);
	if (!c->have_operators ||
	    ui_operators_row_at(c, ui->ops_sel, now, &row) == -1)
		return (-1);
	snprintf(name, size, "%s", row.name);
	*source = (row.kind == 1 + LOCK_SOURCE);
	return (row.until != 0);
}

/*
 * What an operator holds, each with its class and how long they have had
 * it: "42 P1 01:05, 43 P2 offered 00:10 +1"; "-" for nothing.
 */
static void
ui_operators_held(struct client *c, const struct client_operator *op,
    int64_t now, char *buf, size_t size)
{
	const struct client_held	*h;
	char				 age[32], cls[8];
	size_t				 i, len = 0;
	int				 n;

	buf[0] = '\0';
	if (op->alarms_total == 0 && op->nheld == 0) {
		snprintf(buf, size, "-");
		return;
	}
	for (i = 0; i < op->nheld; i++) {
		h = &op->held[i];
		paint_fmt_age(age, sizeof age, h->since > 0 ? now + c->skew -
		    h->since : 0);
		cls[0] = '\0';
		if (h->class != 0)
			snprintf(cls, sizeof cls, " P%d", h->class);
		n = snprintf(buf + len, size - len, "%s%lld%s %s%s",
		    i ? ", " : "", (long long)h->id, cls, h->handling ? "" :
		    "offered ", age);
		if (n < 0 || (size_t)n >= size - len)
			return;
		len += (size_t)n;
	}
	for (i = op->nheld; i < op->nalarms && op->nheld == 0; i++) {
		n = snprintf(buf + len, size - len, "%s%lld", i ? " " : "",
		    (long long)op->alarms[i]);
		if (n < 0 || (size_t)n >= size - len)
			return;
		len += (size_t)n;
	}
	i = op->nheld > 0 ? op->nheld : op->nalarms;
	if (op->alarms_total > i)
		snprintf(buf + len, size - len, " +%zu", op->alarms_total - i);
}

/* The name column: only on a screen wider than 80 columns. */
static int
ui_operators_wname(int w)
{
	return (w > 80 ? (w - 2 - OPS_FIXED) * 2 / 5 : 0);
}

/* Where the alarms held (and a lock's time) start. */
static int
ui_operators_xlock(int w)
{
	return (2 + OPS_LOGIN + ui_operators_wname(w) + OPS_STATE);
}

/* Where the figures of today start: logins, answered, 60 s, 180 s. */
static int
ui_operators_xtoday(int w)
{
	return (w - OPS_TODAY - OPS_LOGINS);
}

/* Column titles, cut at the edge (a narrow screen has no room for some). */
static void
ui_operators_header(int y, int w)
{
	int	 x = 2, wname = ui_operators_wname(w);

	attron(A_UNDERLINE);
	mvhline(y, 0, ' ', w);
	attroff(A_UNDERLINE);
	paint_put(y, x, OPS_LOGIN - 1, A_UNDERLINE, "Login");
	x += OPS_LOGIN;
	if (wname > 0)
		paint_put(y, x, wname - 1, A_UNDERLINE, "Name");
	x += wname;
	paint_put(y, x, OPS_STATE - 1, A_UNDERLINE, "State");
	x += OPS_STATE;
	paint_put(y, x, ui_operators_xtoday(w) - x - 1, A_UNDERLINE,
	    "Holds (age)  / locked");
	x = ui_operators_xtoday(w);
	paint_put(y, x, OPS_LOGINS + OPS_TODAY, A_UNDERLINE,
	    "In  Today 60s  180s");
}

/* "locked 14:59": minutes and seconds to run, rounded up. */
static void
ui_operators_left(struct ui *ui, const struct ops_row *row, int y, int sel,
    int64_t now)
{
	char	 buf[32];
	int64_t	 s;

	if (row->until == 0)
		return;
	s = (operators_left(ui->con->client, row->until, now) + 999) / 1000;
	snprintf(buf, sizeof buf, "locked %lld:%02d", (long long)(s / 60),
	    (int)(s % 60));
	paint_put(y, ui_operators_xlock(COLS), OPS_LOCK - 1, sel |
	    paint_attr(ui, UI_ERROR) | A_BOLD, buf);
}

/*
 * An operator: login, name (wide screens), state, what they hold and
 * since when (after their lock, if locked), logins and answers today.
 */
static void
ui_operators_draw_op(struct ui *ui, const struct ops_row *row, int y,
    int sel, int64_t now)
{
	const struct client_operator	*op = row->op;
	char				 buf[256];
	int				 w = COLS;
	int				 wname = ui_operators_wname(w);
	int				 x = 2, xt = ui_operators_xtoday(w);
	int				 attr = sel | (op->connected ?
					     A_NORMAL : A_DIM);

	paint_put(y, 1, 1, sel | A_BOLD, op->connected ? "*" : " ");
	paint_put(y, x, OPS_LOGIN - 1, attr | A_BOLD, op->login);
	x += OPS_LOGIN;
	if (wname > 0) {
		snprintf(buf, sizeof buf, "%s%s", op->name, strcmp(op->role,
		    "supervisor") == 0 ? " (sup)" : "");
		paint_put(y, x, wname - 1, attr, buf);
	}
	x += wname;
	supervise_state(op, buf, sizeof buf);
	paint_put(y, x, OPS_STATE - 1, attr | (op->away ? A_BOLD : 0), buf);
	x += OPS_STATE + (row->until != 0 ? OPS_LOCK : 0);
	ui_operators_held(ui->con->client, op, now, buf, sizeof buf);
	paint_put(y, x, xt - x - 1, attr | (op->alarms_total ? A_BOLD : 0),
	    buf);
	snprintf(buf, sizeof buf, "%lld", (long long)(op->logins < 0 ? 0 :
	    op->logins));
	paint_put(y, xt, OPS_LOGINS - 1, attr, op->logins < 0 ? "-" : buf);
	supervise_pct(op, buf, sizeof buf);
	paint_put(y, xt + OPS_LOGINS, OPS_TODAY, attr, buf);
}

/* A lock of its own: what it is, the login or address. */
static void
ui_operators_draw_lock(const struct ops_row *row, int y, int sel, int w)
{
	int	 x = 2 + OPS_KIND;

	paint_put(y, 2, OPS_KIND - 1, sel, row->lock->kind == LOCK_SOURCE ?
	    "address" : "login");
	paint_put(y, x, ui_operators_xlock(w) - x - 1, sel | A_BOLD,
	    row->name);
}

/* Pane line `line` (operators, then a heading and the locks) at y. */
static void
ui_operators_line(struct ui *ui, int line, int y, int64_t now)
{
	struct client	*c = ui->con->client;
	struct ops_row	 row;
	int		 i = line, sel;

	if (line == (int)c->noperators) {
		paint_put(y, 2, COLS - 2, A_UNDERLINE, "Also locked: other "
		    "logins, addresses");
		return;
	}
	if (line > (int)c->noperators)
		i--;
	if (ui_operators_row_at(c, i, now, &row) == -1)
		return;
	sel = (i == ui->ops_sel) ? A_REVERSE : A_NORMAL;
	if (sel) {
		attron(A_REVERSE);
		mvhline(y, 0, ' ', COLS);
		attroff(A_REVERSE);
		paint_put(y, 0, 1, sel | A_BOLD, ">");
	}
	if (row.op != NULL)
		ui_operators_draw_op(ui, &row, y, sel, now);
	else
		ui_operators_draw_lock(&row, y, sel, COLS);
	ui_operators_left(ui, &row, y, sel, now);
}

static void
ui_operators_title(struct ui *ui, int y, int64_t now)
{
	struct client	*c = ui->con->client;
	char		 title[128];
	size_t		 i, connected = 0, locked;
	int		 tattr = paint_attr(ui, UI_TITLE);

	locked = ui_operators_nlocks(c, now);
	for (i = 0; i < c->noperators; i++) {
		connected += (c->operators[i].connected != 0);
		locked += operators_left(c, c->operators[i].locked_until,
		    now) > 0;
	}
	snprintf(title, sizeof title, " Operators  %zu connected  %zu locked"
	    "  (o: back to the alarm)", connected, locked);
	attron(tattr);
	mvhline(y, 0, ' ', COLS);
	attroff(tattr);
	paint_put(y, 0, COLS, tattr | A_BOLD, title);
}

/*
 * The title at row y, the list (a header, then one operator a line, then
 * the locks of their own; scrolled to keep the selection in sight; *
 * marks the connected, > the selected) in the h rows below it.
 */
void
ui_operators_draw(struct ui *ui, int y, int h, int64_t now)
{
	struct client	*c = ui->con->client;
	int		 n, lines, sel, row;

	ui_operators_title(ui, y, now);
	if (!c->have_operators) {
		paint_put(y + 1, 2, COLS - 2, A_NORMAL, "waiting for the list");
		return;
	}
	if ((n = ui_operators_follow(ui, now)) == 0) {
		paint_put(y + 1, 2, COLS - 2, A_NORMAL, "no operators");
		return;
	}
	ui_operators_header(++y, COLS);
	h--;
	lines = n + (n > (int)c->noperators);	/* the locks' heading */
	sel = ui->ops_sel + (ui->ops_sel >= (int)c->noperators);
	if (sel < ui->scroll)
		ui->scroll = sel;
	if (sel >= ui->scroll + h)
		ui->scroll = sel - h + 1;
	if (ui->scroll > lines - 1)
		ui->scroll = lines - 1;
	for (row = 0; row < h && ui->scroll + row < lines; row++)
		ui_operators_line(ui, ui->scroll + row, y + 1 + row, now);
	if (ui->scroll + h < lines)
		paint_put(y + h, COLS - 12, 12, A_BOLD, " j/k: more ");
}
