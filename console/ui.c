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
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include <curses.h>
#include <jansson.h>

#include "runtime.h"
#include "console.h"


static const char *ui_help[] = {
	"a          accept: the offered alarm, else the selected, else the top",
	"Up/Down j/k  select an alarm (a row in the operators pane)",
	"PgUp/PgDn  scroll the alarm",
	"m          older events and notes (also: PgDn at the alarm's end)",
	"n          add a note to the selected alarm (Enter sends, Esc drops)",
	"c          close the selected alarm: pick an outcome, then a text",
	"r, d       release the selected alarm; decline the one offered to you",
	"s          send a responder (the client's, then the mobile team's)",
	"x, X, e    skip the one paged; stop; emergency services called (y/n)",
	"p, l       away (no offers) and back; the late list (past 180 s)",
	"o          supervisors: the operators pane instead of the alarm",
	"u          operators pane: unlock the selected login or address (y/n)",
	"g, t       supervisors: give the alarm to an operator, take it (y/n)",
	"R          reconnect now (after \"logged in elsewhere\" only R does)",
	"Ctrl-L     redraw             ?  this help       q  quit",
	"",
	"Ages: ! past 60 s, !! past 180 s. R: a responder on the way, r: paged.",
	"Times are the centre's (its zone on the clock).",
	"Bell and banner: a new P1, an offer, an alarm taken from you, alerts.",
	"A note typed while disconnected is sent after the reconnect.",
};

static void
ui_colours(struct ui *ui)
{
	if (!has_colors() || start_color() == ERR)
		return;
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

/* The screen; NULL and *cause when the terminal cannot be drawn on. */
struct ui *
ui_new(struct console *con, const char *login, char **cause)
{
	struct ui	*ui;

	ui = xcalloc(1, sizeof *ui);
	ui->con = con;
	if (login != NULL)
		snprintf(ui->login, sizeof ui->login, "%s", login);
	ui->field = (login != NULL);
	ui->utf8 = (strcmp(nl_langinfo(CODESET), "UTF-8") == 0);
	ui->drawn_sec = -1;
	if ((ui->screen = ui_term_open(ui, cause)) == NULL) {
		free(ui);
		return (NULL);
	}
	set_term(ui->screen);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	ui_colours(ui);
	setenv("TZ", "UTC", 1);		/* until the hello names the zone */
	tzset();
	return (ui);
}

void
ui_free(struct ui *ui)
{
	if (ui == NULL)
		return;
	endwin();
	delscreen(ui->screen);
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
	if (i == 0) {		/* not one id: the count, l lists them */
		snprintf(buf, size, " (late %zu)", c->over_180);
		if ((int)strlen(buf) > room)
			buf[0] = '\0';
		return;
	}
	if (i < c->over_180)
		snprintf(buf + len, size - len, " +%zu)", c->over_180 - i);
	else
		snprintf(buf + len, size - len, ")");
}

/* What an operator away is told on their own screen. */
static const char *
ui_away(struct ui *ui)
{
	return (ui->utf8 ? "AWAY \xe2\x80\x94 no offers" : "AWAY - no offers");
}

static void
ui_status_line(char *line, size_t size, const char *state, const char *who,
    const int64_t *q, const char *figures)
{
	snprintf(line, size, " %s%s%sP1 %lld P2 %lld P3 %lld  %s", state,
	    *state ? "  " : "", who, (long long)q[1], (long long)q[2],
	    (long long)q[3], figures);
}

/*
 * Pages cannot reach responders: say so, and since when, ahead of the
 * figures (a narrow screen cuts those first).
 */
static void
ui_status_pager(const struct client *c, char *buf, size_t size)
{
	char	 since[32], figures[64];

	if (c->pager_down == 0)
		return;
	since[0] = '\0';
	if (c->pager_down > 1)
		paint_fmt_hms(since, sizeof since, c->pager_down);
	since[5] = '\0';			/* HH:MM */
	strlcpy(figures, buf, sizeof figures);
	snprintf(buf, size, "PAGER DOWN%s%s  %s", since[0] ? " " : "", since,
	    figures);
}

static void
ui_status(struct ui *ui, int64_t now)
{
	struct client	*c = ui->con->client;
	char		 line[256], conn[64], clock[32], who[160], figures[96];
	char		 late[128];
	const char	*state;
	double		 pct60, pct180;
	int64_t		 q[4] = { 0, 0, 0, 0 };
	size_t		 i;
	int		 attr = paint_attr(ui, UI_STATUS), cw, room;

	if (c->have_stats)
		memcpy(q, c->queue, sizeof q);
	else {
		for (i = 0; i < c->nalarms; i++)
			q[c->alarms[i]->class]++;
	}
	paint_fmt_hms(clock, sizeof clock, now);
	paint_fmt_zone(clock + strlen(clock), sizeof clock - strlen(clock),
	    now);
	who[0] = '\0';
	if (c->op_login[0] != '\0')
		snprintf(who, sizeof who, "%s (%s)  ", c->op_login, c->op_role);
	state = ui_conn_text(ui, conn, sizeof conn, now);
	if (c->away && c->state == CLIENT_READY)
		state = ui_away(ui);
	/* Today's figures; '!' below target (98.5 % and 99 %). */
	pct60 = c->have_stats ? c->pct_60 : 100.0;
	pct180 = c->have_stats ? c->pct_180 : 100.0;
	snprintf(figures, sizeof figures, "60s:%.*f%%%s 180s:%.*f%%%s",
	    pct60 >= 99.95 ? 0 : 1, pct60, pct60 < 98.5 ? "!" : "",
	    pct180 >= 99.95 ? 0 : 1, pct180, pct180 < 99.0 ? "!" : "");
	ui_status_pager(c, figures, sizeof figures);
	/* Narrow: drop the role, to keep room for a late id. */
	room = COLS - (int)strlen(clock) - 2 - (c->nlate ? 11 : 0);
	ui_status_line(line, sizeof line, state, who, q, figures);
	if ((int)strlen(line) > room && c->op_login[0] != '\0') {
		snprintf(who, sizeof who, "%s  ", c->op_login);
		ui_status_line(line, sizeof line, state, who, q, figures);
	}
	cw = (int)strlen(clock) + 1;
	ui_status_late(c, late, sizeof late, COLS - cw - 1 -
	    (int)strlen(line));
	if (strlen(line) + strlen(late) < sizeof line)
		memcpy(line + strlen(line), late, strlen(late) + 1);
	ui_fill(0, attr);
	paint_put(0, 0, COLS - cw, attr | A_BOLD, line);
	paint_put(0, COLS - cw, cw, attr, clock);
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

/* The selected alarm has a ladder running: its keys in the bar. */
static int
ui_keybar_ladder(struct ui *ui)
{
	struct client_ladder	*l = ladder_find(ui->con->client, ui->sel_id);

	return (l != NULL && ladder_live(l));
}

static void
ui_keybar(struct ui *ui)
{
	const char	*arrows = ui->utf8 ? "\xe2\x86\x91/\xe2\x86\x93" :
			    "Up/Dn";
	char		 keys[160];

	/* Each fits 80 columns; the rest are in help (?). */
	if (ui->show_operators && client_is_supervisor(ui->con->client))
		snprintf(keys, sizeof keys, " %s j/k select  u unlock  "
		    "g give  t take  o alarm  ? help  q quit", arrows);
	else if (ui_keybar_ladder(ui))
		snprintf(keys, sizeof keys, " n note  c close  x skip  "
		    "X stop  e emergency  %s j/k move  ? help  q quit", arrows);
	else if (client_is_supervisor(ui->con->client))
		snprintf(keys, sizeof keys, " a accept  n note  c close  "
		    "g give  t take  p %s  o operators  ? help  q quit",
		    ui->con->client->away ? "back" : "away");
	else
		snprintf(keys, sizeof keys, " a accept  j/k  n note  "
		    "c close  r release  s responder  p %s  ? help  q quit",
		    ui->con->client->away ? "back" : "away");
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
		if (c->draft.kind == DRAFT_REASON)
			snprintf(prompt, sizeof prompt, "Responder on the way: "
			    "why close %lld? ", (long long)c->draft.alarm_id);
		else
			snprintf(prompt, sizeof prompt, "Close %lld (%s), "
			    "text: ", (long long)c->draft.alarm_id,
			    client_outcome_label(c->draft.outcome));
		ui_editor(ui, prompt, c->draft.text);
		return;
	case UI_LADDER:
		snprintf(prompt, sizeof prompt, strcmp(ui->ladder_do, "stop") ==
		    0 ? " Stop sending a responder to %lld? (y/n) " :
		    " %lld: emergency services called instead? (y/n) ",
		    (long long)ui->ladder_id);
		paint_put(LINES - 2, 0, COLS, A_BOLD | A_REVERSE, prompt);
		return;
	case UI_QUIT:
		paint_put(LINES - 2, 0, COLS, A_BOLD | A_REVERSE,
		    " Quit arc-console? (y/n) ");
		return;
	case UI_REASSIGN:
		ui_give_prompt(ui);
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

	if (ui->mode == UI_GIVE)
		ui_give_draw(ui);
	else if (ui->mode == UI_HELP) {
		n = sizeof ui_help / sizeof *ui_help;
		ui_box(ui, 1, x, (int)n + 3, w);
		paint_put(1, x + 2, w - 4, A_BOLD, " Keys (any key closes) ");
		for (i = 0; i < n; i++)
			paint_put(2 + (int)i, x + 2, w - 4, A_NORMAL,
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
		snprintf(ui->banner, sizeof ui->banner, "%s", c->flash[0] ?
		    c->flash : "NEW P1 ALARM");
		ui->banner_until = now + UI_BANNER_MS;
		c->flash[0] = '\0';
		c->bells = 0;
	}
	if (c->reason_id != 0 && ui->mode == UI_MAIN) {
		/* A close refused, a responder on the way: ask why. */
		draft_start(c, DRAFT_REASON, c->reason_id, c->reason_outcome);
		ui->mode = UI_CLOSETEXT;
		c->reason_id = 0;
	}
	if (strcmp(ui->zone, c->timezone) != 0) {
		/* The centre's zone, from the hello: every time shown in it. */
		snprintf(ui->zone, sizeof ui->zone, "%s", c->timezone);
		setenv("TZ", ui->zone[0] != '\0' ? ui->zone : "UTC", 1);
		tzset();
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
	ui_queue_draw(ui, 1, qh, sel, now);
	ay = qh + 2;
	if (client_is_supervisor(c) && c->state == CLIENT_READY)
		ui_queue_ageing(ui, ay++, now);
	a = queue_find(c, ui->sel_id);
	ui->alarm_lines = 0;
	ui_fill(ay, paint_attr(ui, UI_TITLE));
	if (ui->show_late)
		ui_late_draw(ui, ay, LINES - 3 - ay, now);
	else if (ui->show_operators && client_is_supervisor(c))
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
