/*
 * ui.c -- the screen: status line, queue pane, message line, key bar, the
 * editors and overlays, and which alarm is selected. Renders struct
 * client; never speaks the protocol itself. The panes below it are
 * ui_alarm.c, ui_operators.c and ui_login.c; how text is put on the
 * screen is paint.c's. The keys (ui_key.c) call in from above. Main
 * thread only.
 */
#include <sys/ioctl.h>

#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <curses.h>
#include <jansson.h>

#include "runtime.h"
#include "console.h"

#define UI_QUEUE_X	14		/* where the client name starts */
#define UI_QUEUE_NAME	((COLS - UI_QUEUE_X) * 3 / 10)	/* client column */
#define UI_QUEUE_WHAT	((COLS - UI_QUEUE_X) * 3 / 10)	/* alarm column */

static const char *ui_help[] = {
	"a          accept: the offered alarm, else the selected, else the top",
	"Up/Down j/k  select an alarm (a row in the operators pane)",
	"PgUp/PgDn  scroll the alarm",
	"m          older events and notes (also: PgDn at the alarm's end)",
	"n          add a note to the selected alarm (Enter sends, Esc drops)",
	"c          close the selected alarm: pick an outcome, then a text",
	"r          release the selected alarm back to the queue",
	"d          decline the alarm offered to you",
	"o          supervisors: the operators pane instead of the alarm",
	"u          operators pane: unlock the selected login or address (y/n)",
	"R          reconnect now (after \"logged in elsewhere\" only R does)",
	"Ctrl-L     redraw             ?  this help       q  quit",
	"",
	"Ages: ! past 60 s, !! past 180 s; late: counted past 180 s today.",
	"A bell rings for every new P1.",
	"A note typed while disconnected is sent after the reconnect.",
};

struct ui *
ui_new(struct console *con, const char *login)
{
	struct ui	*ui;

	ui = xcalloc(1, sizeof *ui);
	ui->con = con;
	if (login != NULL)
		snprintf(ui->login, sizeof ui->login, "%s", login);
	ui->field = (login != NULL);
	ui->utf8 = (strcmp(nl_langinfo(CODESET), "UTF-8") == 0);
	ui->drawn_sec = -1;

	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(UI_P1, COLOR_RED, -1);
		init_pair(UI_P2, COLOR_YELLOW, -1);
		init_pair(UI_P3, COLOR_CYAN, -1);
		init_pair(UI_LATE, COLOR_BLACK, COLOR_YELLOW);
		init_pair(UI_OVERDUE, COLOR_WHITE, COLOR_RED);
		init_pair(UI_STATUS, COLOR_WHITE, COLOR_BLUE);
		init_pair(UI_ERROR, COLOR_RED, -1);
		init_pair(UI_TITLE, COLOR_BLACK, COLOR_CYAN);
		ui->colour = 1;
	}
	return (ui);
}

void
ui_free(struct ui *ui)
{
	if (ui == NULL)
		return;
	endwin();
	explicit_bzero(ui->pass, sizeof ui->pass);
	free(ui);
}

static void
ui_fill(int y, int attr)
{
	attron(attr);
	mvhline(y, 0, ' ', COLS);
	attroff(attr);
}

static const char *
ui_conn_text(struct ui *ui, char *buf, size_t size, int64_t now)
{
	struct console	*con = ui->con;
	int64_t		 left;

	switch (con->client->state) {
	case CLIENT_OFFLINE:
		if (con->client->replaced)
			return ("offline: R reconnects");
		left = con->retry_at - now;
		snprintf(buf, size, "reconnecting in %ds",
		    (int)((left < 0 ? 0 : left + 999) / 1000));
		return (buf);
	case CLIENT_CONNECTING:
		return ("connecting");
	case CLIENT_SYNC:
		if (con->client->loading)
			return ("loading");
		/* FALLTHROUGH */
	case CLIENT_HELLO:
	case CLIENT_AUTH:
		return ("logging in");
	case CLIENT_LOGIN:
		return ("login needed");
	case CLIENT_READY:
		return ("connected");
	}
	return ("?");
}

/*
 * " (late: 40 41 +3)": the alarms past 180 s, as many whole ids as fit in
 * room columns (nothing when not even one does).
 */
static void
ui_status_late(struct client *c, char *buf, size_t size, int room)
{
	char	 id[32];
	size_t	 i, len, tail;

	buf[0] = '\0';
	if (c->nlate == 0 || room <= 0 || size < 64)
		return;
	len = (size_t)snprintf(buf, size, " (late:");
	for (i = 0; i < c->nlate; i++) {
		snprintf(id, sizeof id, " %lld", (long long)c->late[i]);
		/* Room for what follows: ")" or " +N)". */
		tail = i + 1 < c->over_180 ? 8 : 1;
		if (len + strlen(id) + tail > (size_t)room ||
		    len + strlen(id) + tail >= size)
			break;
		len += (size_t)snprintf(buf + len, size - len, "%s", id);
	}
	if (i == 0) {
		buf[0] = '\0';
		return;
	}
	if (i < c->over_180)
		snprintf(buf + len, size - len, " +%zu)", c->over_180 - i);
	else
		snprintf(buf + len, size - len, ")");
}

static void
ui_status(struct ui *ui, int64_t now)
{
	struct client	*c = ui->con->client;
	char		 line[256], conn[64], clock[16], who[128], figures[64];
	char		 late[128];
	const char	*state;
	double		 pct60, pct180;
	int64_t		 q[4] = { 0, 0, 0, 0 };
	size_t		 i;
	int		 attr = paint_attr(ui, UI_STATUS);

	if (c->have_stats)
		memcpy(q, c->queue, sizeof q);
	else {
		for (i = 0; i < c->nalarms; i++)
			q[c->alarms[i]->class]++;
	}
	paint_fmt_hms(clock, sizeof clock, now);
	who[0] = '\0';
	if (c->op_login[0] != '\0')
		snprintf(who, sizeof who, "%s (%s)", c->op_login, c->op_role);
	state = ui_conn_text(ui, conn, sizeof conn, now);
	/* Today's figures; '!' below target (98.5 % and 99 %). */
	pct60 = c->have_stats ? c->pct_60 : 100.0;
	pct180 = c->have_stats ? c->pct_180 : 100.0;
	snprintf(figures, sizeof figures, "60s: %.1f%%%s  180s: %.1f%%%s",
	    pct60, pct60 < 98.5 ? "!" : "", pct180, pct180 < 99.0 ? "!" : "");
	snprintf(line, sizeof line, " %s  %s  P1 %lld P2 %lld P3 %lld  %s",
	    state, who, (long long)q[1], (long long)q[2], (long long)q[3],
	    figures);
	/* Narrow: drop the role, to keep room for one late id. */
	if ((int)strlen(line) + (c->nlate ? 12 : 0) > COLS - 10 &&
	    c->op_login[0] != '\0')
		snprintf(line, sizeof line, " %s  %s  P1 %lld P2 %lld P3 %lld"
		    "  %s", state, c->op_login, (long long)q[1],
		    (long long)q[2], (long long)q[3], figures);
	ui_status_late(c, late, sizeof late, COLS - 10 - (int)strlen(line));
	if (strlen(line) + strlen(late) < sizeof line)
		memcpy(line + strlen(line), late, strlen(late) + 1);
	ui_fill(0, attr);
	paint_put(0, 0, COLS - 9, attr | A_BOLD, line);
	paint_put(0, COLS - 9, 9, attr, clock);
}

static int
ui_class_attr(struct ui *ui, int class)
{
	return (paint_attr(ui, class == 1 ? UI_P1 : class == 2 ? UI_P2 :
	    UI_P3));
}

static void
ui_state_text(struct client *c, struct client_alarm *a, char *buf,
    size_t size)
{
	int	 mine = queue_is_mine(c, a);

	switch (a->state) {
	case ALARM_OFFERED:
		snprintf(buf, size, "offered to %s", mine ? "you" :
		    a->offered_to ? a->offered_to : "?");
		break;
	case ALARM_HANDLING:
		snprintf(buf, size, "handling by %s", mine ? "you" :
		    a->operator ? a->operator : "?");
		break;
	default:
		snprintf(buf, size, "%s", queue_state_name(a->state));
		break;
	}
}

/*
 * What the queue calls an alarm: for a person's alarm the zone label
 * ("pendant"), for a technical one what happened ("AC (mains) loss");
 * else whichever there is, else the code.
 */
static const char *
ui_alarm_what(struct client_alarm *a)
{
	const char	*s;

	if (a->class >= 3 && a->name != NULL && *a->name != '\0')
		return (a->name);
	s = json_string_value(json_object_get(json_object_get(a->obj, "unit"),
	    "zone_label"));
	if (s != NULL && *s != '\0')
		return (s);
	if (a->name != NULL && *a->name != '\0')
		return (a->name);
	return (a->code != NULL ? a->code : "?");
}

static const char *
ui_alarm_who(struct client_alarm *a)
{
	static char	 inc[48];
	const char	*s;
	json_t		*o;

	if (json_is_object(o = json_object_get(a->obj, "incident"))) {
		snprintf(inc, sizeof inc, "INCIDENT: %lld units",
		    (long long)json_integer_value(json_object_get(o, "units")));
		return (inc);
	}
	s = json_string_value(json_object_get(json_object_get(a->obj,
	    "client"), "name"));
	if (s != NULL && *s != '\0')
		return (s);
	s = json_string_value(json_object_get(json_object_get(a->obj, "unit"),
	    "account"));
	return (s != NULL ? s : "?");
}

static void
ui_queue_row(struct ui *ui, struct client_alarm *a, int y, int sel,
    int64_t now)
{
	struct client	*c = ui->con->client;
	char		 age[80], buf[64], cls[4];
	int64_t		 ms = now + c->skew - a->opened_at;
	int		 wname, wwhat, x, row = sel ? A_REVERSE : A_NORMAL;
	int		 aattr = row, late, cols;

	wname = UI_QUEUE_NAME;
	wwhat = UI_QUEUE_WHAT;
	if (sel)
		ui_fill(y, A_REVERSE);
	paint_put(y, 0, 1, row | A_BOLD, sel ? ">" : " ");
	snprintf(cls, sizeof cls, "P%d", a->class);
	paint_put(y, 1, 2, row | ui_class_attr(ui, a->class), cls);
	paint_fmt_age(buf, sizeof buf, ms);
	snprintf(age, sizeof age, "%7s%s", buf,
	    ms >= 180000 ? "!!" : ms >= 60000 ? "! " : "  ");
	if (ms >= 180000)
		aattr = paint_attr(ui, UI_OVERDUE);
	else if (ms >= 60000)
		aattr = paint_attr(ui, UI_LATE);
	paint_put(y, 4, 9, aattr, age);
	x = UI_QUEUE_X;
	paint_put(y, x, wname - 1, row | A_BOLD, ui_alarm_who(a));
	x += wname;
	paint_put(y, x, wwhat - 1, row, ui_alarm_what(a));
	x += wwhat;
	snprintf(buf, sizeof buf, "%s%lld", ui->utf8 ? "\xc3\x97" : "x",
	    (long long)a->count);
	paint_put(y, x, 5, row, buf);
	x += 6;
	ui_state_text(c, a, buf, sizeof buf);
	late = queue_is_late(c, a->id) ? 5 : 0;	/* " late" */
	paint_put(y, x, COLS - x - late, row | (queue_is_mine(c, a) ? A_BOLD :
	    0), buf);
	if (late) {
		paint_fit(buf, COLS - x - late, &cols);
		paint_put(y, x + cols + 1, 4, paint_attr(ui, UI_OVERDUE),
		    "late");
	}
}

/* Keep the selection on an alarm that exists; returns its index or -1. */
int
ui_selected(struct ui *ui)
{
	struct client	*c = ui->con->client;
	int		 idx;

	if (c->state == CLIENT_SYNC)	/* the snapshot is coming: wait */
		return (queue_index(c, ui->sel_id));
	if (c->focus_id != 0 && queue_find(c, c->focus_id) != NULL) {
		if (ui->sel_id != c->focus_id)
			ui->scroll = 0;
		ui->sel_id = c->focus_id;
		c->focus_id = 0;
	}
	if ((idx = queue_index(c, ui->sel_id)) != -1)
		return (idx);
	if (queue_find(c, ui->sel_id) != NULL)
		return (-1);		/* just closed: still shown */
	ui->scroll = 0;
	ui->sel_id = c->nalarms > 0 ? c->alarms[0]->id : 0;
	return (c->nalarms > 0 ? 0 : -1);
}

static void
ui_loading(struct ui *ui, int y, const char *dots)
{
	struct client	*c = ui->con->client;
	char		 buf[128];

	snprintf(buf, sizeof buf, "loading %lld alarm%s%s  (%lld so far)",
	    (long long)c->load_total, c->load_total == 1 ? "" : "s", dots,
	    (long long)c->load_count);
	paint_put(y, 2, COLS - 2, A_BOLD, buf);
}

static void
ui_queue(struct ui *ui, int y, int h, int sel, int64_t now)
{
	struct client	*c = ui->con->client;
	char		 more[32];
	int		 i, top = 0;

	attron(A_UNDERLINE);
	mvhline(y, 0, ' ', COLS);
	mvaddstr(y, 1, "Cl");
	mvaddstr(y, 6, "Age");
	mvaddstr(y, UI_QUEUE_X, "Client");
	mvaddstr(y, UI_QUEUE_X + UI_QUEUE_NAME, "Alarm");
	mvaddstr(y, UI_QUEUE_X + UI_QUEUE_NAME + UI_QUEUE_WHAT, "Ev");
	mvaddstr(y, UI_QUEUE_X + UI_QUEUE_NAME + UI_QUEUE_WHAT + 6, "State");
	attroff(A_UNDERLINE);
	if (c->state == CLIENT_SYNC && c->loading) {
		/* Until snapshot_end the queue is not the queue. */
		snprintf(more, sizeof more, "%s", ui->utf8 ? "\xe2\x80\xa6" :
		    "...");
		ui_loading(ui, y + 1, more);
		return;
	}
	if (c->nalarms == 0) {
		paint_put(y + 1, 2, COLS - 2, A_NORMAL,
		    c->state == CLIENT_READY ? "no open alarms" :
		    "waiting for the server");
		return;
	}
	if (sel >= h)
		top = sel - h + 1;
	for (i = 0; i < h && top + i < (int)c->nalarms; i++)
		ui_queue_row(ui, c->alarms[top + i], y + 1 + i,
		    top + i == sel, now);
	if (top + h < (int)c->nalarms) {
		snprintf(more, sizeof more, " %d more ",
		    (int)c->nalarms - top - h);
		paint_put(y, COLS - (int)strlen(more), (int)strlen(more),
		    A_BOLD | A_REVERSE, more);
	}
}

static void
ui_keybar(struct ui *ui)
{
	const char	*arrows = ui->utf8 ? "\xe2\x86\x91/\xe2\x86\x93" :
			    "Up/Dn";
	char		 keys[160];

	/* With a supervisor's o it is 80 columns. */
	if (ui->show_operators && client_is_supervisor(ui->con->client))
		snprintf(keys, sizeof keys, " a accept  %s j/k select  "
		    "u unlock  o alarm  ? help  q quit", arrows);
	else
		snprintf(keys, sizeof keys, " a accept  %s j/k move  n note  "
		    "c close  r release  %s? help  q quit", arrows,
		    client_is_supervisor(ui->con->client) ? "o operators  " :
		    "");
	ui_fill(LINES - 1, paint_attr(ui, UI_STATUS));
	paint_put(LINES - 1, 0, COLS, paint_attr(ui, UI_STATUS), keys);
}

/* The one-line editor: prompt, then the tail of the text that fits. */
static void
ui_editor(struct ui *ui, const char *prompt, const char *text)
{
	int	 plen = (int)strlen(prompt), room = COLS - plen - 1, cols;
	size_t	 len = strlen(text), off = 0;

	(void)ui;
	move(LINES - 2, 0);
	clrtoeol();
	paint_put(LINES - 2, 0, COLS, A_BOLD, prompt);
	/* Show the tail: drop characters until the rest fits. */
	while (off < len && paint_fit(text + off, room - 1, NULL) < len - off) {
		off++;
		while (off < len && ((unsigned char)text[off] & 0xc0) == 0x80)
			off++;
	}
	paint_put(LINES - 2, plen, room, A_UNDERLINE, text + off);
	paint_fit(text + off, room, &cols);
	move(LINES - 2, plen + cols);
	curs_set(1);
}

static void
ui_message(struct ui *ui, int64_t now)
{
	struct client	*c = ui->con->client;
	char		 prompt[64];
	int		 cols;

	switch (ui->mode) {
	case UI_NOTE:
		snprintf(prompt, sizeof prompt, "Note for %lld: ",
		    (long long)c->draft.alarm_id);
		ui_editor(ui, prompt, c->draft.text);
		return;
	case UI_CLOSETEXT:
		snprintf(prompt, sizeof prompt, "Close %lld (%s), text: ",
		    (long long)c->draft.alarm_id,
		    client_outcome_label(c->draft.outcome));
		ui_editor(ui, prompt, c->draft.text);
		return;
	case UI_QUIT:
		paint_put(LINES - 2, 0, COLS, A_BOLD | A_REVERSE,
		    " Quit arc-console? (y/n) ");
		return;
	case UI_UNLOCK:
		snprintf(prompt, sizeof prompt, " Unlock %s ",
		    ui->unlock_source ? "address" : "login");
		paint_put(LINES - 2, 0, COLS, A_BOLD | A_REVERSE, prompt);
		paint_put(LINES - 2, (int)strlen(prompt), CLIENT_LOCK_NAME,
		    A_BOLD | A_REVERSE, ui->unlock_name);
		paint_fit(ui->unlock_name, CLIENT_LOCK_NAME, &cols);
		paint_put(LINES - 2, (int)strlen(prompt) + cols, 10,
		    A_BOLD | A_REVERSE, "? (y/n) ");
		return;
	default:
		break;
	}
	if (c->message[0] != '\0' && now - c->message_at < 15000)
		paint_put(LINES - 2, 1, COLS - 1, c->message_error ?
		    paint_attr(ui, UI_ERROR) : (int)A_BOLD, c->message);
}

/* A frame drawn with text (line-drawing in UTF-8, else ASCII). */
static void
ui_box(struct ui *ui, int y, int x, int h, int w)
{
	const char	*hl = ui->utf8 ? "\xe2\x94\x80" : "-";
	const char	*vl = ui->utf8 ? "\xe2\x94\x82" : "|";
	int		 i, j;

	for (i = 0; i < h; i++) {
		move(y + i, x);
		hline(' ', w);
	}
	for (j = 1; j < w - 1; j++) {
		mvaddstr(y, x + j, hl);
		mvaddstr(y + h - 1, x + j, hl);
	}
	for (i = 1; i < h - 1; i++) {
		mvaddstr(y + i, x, vl);
		mvaddstr(y + i, x + w - 1, vl);
	}
	mvaddstr(y, x, ui->utf8 ? "\xe2\x94\x8c" : "+");
	mvaddstr(y, x + w - 1, ui->utf8 ? "\xe2\x94\x90" : "+");
	mvaddstr(y + h - 1, x, ui->utf8 ? "\xe2\x94\x94" : "+");
	mvaddstr(y + h - 1, x + w - 1, ui->utf8 ? "\xe2\x94\x98" : "+");
}

static void
ui_overlay(struct ui *ui)
{
	char	 line[128];
	size_t	 i, n;
	int	 w = COLS > 76 ? 74 : COLS - 2, x = (COLS - w) / 2;

	if (ui->mode == UI_HELP) {
		n = sizeof ui_help / sizeof *ui_help;
		ui_box(ui, 2, x, (int)n + 3, w);
		paint_put(2, x + 2, w - 4, A_BOLD, " Keys (any key closes) ");
		for (i = 0; i < n; i++)
			paint_put(3 + (int)i, x + 2, w - 4, A_NORMAL,
			    ui_help[i]);
	} else if (ui->mode == UI_OUTCOME) {
		w = w > 44 ? 44 : w;
		x = (COLS - w) / 2;
		ui_box(ui, 3, x, (int)client_noutcomes + 4, w);
		paint_put(3, x + 2, w - 4, A_BOLD, " Close with outcome ");
		for (i = 0; i < client_noutcomes; i++) {
			snprintf(line, sizeof line, " %zu  %s ", i + 1,
			    client_outcomes[i].label);
			paint_put(4 + (int)i, x + 2, w - 4, (int)i ==
			    ui->outcome_sel ? A_REVERSE : A_NORMAL, line);
		}
		paint_put(5 + (int)client_noutcomes, x + 2, w - 4, A_NORMAL,
		    "1-6 or Enter picks, Esc cancels");
	}
}

void
ui_draw(struct ui *ui, int64_t now)
{
	struct client		*c = ui->con->client;
	struct client_alarm	*a;
	char			 title[256];
	int			 qh, sel, ay, lines;

	if (c->bells > 0) {
		beep();
		c->bells = 0;
	}
	ui->drawn_sec = now / 1000;
	erase();
	curs_set(0);
	if (LINES < 10 || COLS < 40) {
		paint_put(0, 0, COLS, A_BOLD,
		    "arc-console: terminal too small");
		refresh();
		return;
	}
	ui_status(ui, now);
	if (!c->have_creds) {
		ui_login_draw(ui);
		refresh();
		return;
	}
	qh = (LINES - 5) * 2 / 5;
	sel = ui_selected(ui);
	ui_queue(ui, 1, qh, sel, now);
	ay = qh + 2;
	a = queue_find(c, ui->sel_id);
	ui->alarm_lines = 0;
	ui_fill(ay, paint_attr(ui, UI_TITLE));
	if (ui->show_operators && client_is_supervisor(c))
		ui_operators_draw(ui, ay, LINES - 3 - ay, now);
	else if (a != NULL) {
		snprintf(title, sizeof title, " Alarm %lld  P%d  %s",
		    (long long)a->id, a->class, a->name ? a->name : "");
		paint_put(ay, 0, COLS, paint_attr(ui, UI_TITLE) | A_BOLD,
		    title);
		lines = ui_alarm_draw(ui, a, ay + 1, LINES - 3 - ay,
		    COLS, ui->scroll, now);
		if (ui->scroll > lines - 1)
			ui->scroll = lines > 0 ? lines - 1 : 0;
		ui->alarm_lines = lines;
		ui->alarm_rows = LINES - 3 - ay;
	} else
		paint_put(ay, 0, COLS, paint_attr(ui, UI_TITLE), " No alarm");
	ui_keybar(ui);
	ui_overlay(ui);
	ui_message(ui, now);
	refresh();
}

void
ui_resize(struct ui *ui, int64_t now)
{
	struct winsize	 ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
	ui_draw(ui, now);
}
