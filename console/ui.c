/*
 * ui.c -- the screen: status line, queue pane, message line, key bar, the
 * login screen, the editors and overlays, and the keys. Renders struct
 * client; never speaks the protocol itself. The alarm pane is ui_alarm.c.
 */
#include <sys/ioctl.h>

#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#include <curses.h>
#include <jansson.h>

#include "log.h"
#include "console.h"

#define UI_QUEUE_X	14		/* where the client name starts */
#define UI_QUEUE_NAME	((COLS - UI_QUEUE_X) * 3 / 10)	/* client column */
#define UI_QUEUE_WHAT	((COLS - UI_QUEUE_X) * 3 / 10)	/* alarm column */

static const char *ui_help[] = {
	"a          accept: the offered alarm, else the selected, else the top",
	"Up/Down j/k  select an alarm        PgUp/PgDn  scroll the alarm",
	"n          add a note to the selected alarm (Enter sends, Esc drops)",
	"c          close the selected alarm: pick an outcome, then a text",
	"r          release the selected alarm back to the queue",
	"d          decline the alarm offered to you",
	"o          supervisors: the operators pane instead of the alarm",
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

int
ui_utf8(struct ui *ui)
{
	return (ui->utf8);
}

/* The attributes of one role, in colour or (monochrome) without. */
int
ui_attr(struct ui *ui, int role)
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
ui_fit(const char *s, int width, int *cols)
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
ui_put(int y, int x, int width, int attr, const char *s)
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
ui_fmt_age(char *buf, size_t size, int64_t ms)
{
	int64_t	 s = ms < 0 ? 0 : ms / 1000;

	if (s < 3600)
		snprintf(buf, size, "%02d:%02d", (int)(s / 60), (int)(s % 60));
	else
		snprintf(buf, size, "%d:%02d:%02d", (int)(s / 3600),
		    (int)(s / 60 % 60), (int)(s % 60));
}

/* A UTC time in ms as HH:MM:SS. */
void
ui_fmt_hms(char *buf, size_t size, int64_t ms)
{
	time_t		 t = (time_t)(ms / 1000);
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%H:%M:%S", &tm);
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
		left = con->retry_at - now;
		snprintf(buf, size, "reconnecting in %ds",
		    (int)((left < 0 ? 0 : left + 999) / 1000));
		return (buf);
	case CLIENT_CONNECTING:
		return ("connecting");
	case CLIENT_HELLO:
	case CLIENT_AUTH:
	case CLIENT_SYNC:
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
	int		 attr = ui_attr(ui, UI_STATUS);

	if (c->have_stats)
		memcpy(q, c->queue, sizeof q);
	else {
		for (i = 0; i < c->nalarms; i++)
			q[c->alarms[i]->class]++;
	}
	ui_fmt_hms(clock, sizeof clock, now);
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
	ui_put(0, 0, COLS - 9, attr | A_BOLD, line);
	ui_put(0, COLS - 9, 9, attr, clock);
}

static int
ui_class_attr(struct ui *ui, int class)
{
	return (ui_attr(ui, class == 1 ? UI_P1 : class == 2 ? UI_P2 : UI_P3));
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
	ui_put(y, 0, 1, row | A_BOLD, sel ? ">" : " ");
	snprintf(cls, sizeof cls, "P%d", a->class);
	ui_put(y, 1, 2, row | ui_class_attr(ui, a->class), cls);
	ui_fmt_age(buf, sizeof buf, ms);
	snprintf(age, sizeof age, "%7s%s", buf,
	    ms >= 180000 ? "!!" : ms >= 60000 ? "! " : "  ");
	if (ms >= 180000)
		aattr = ui_attr(ui, UI_OVERDUE);
	else if (ms >= 60000)
		aattr = ui_attr(ui, UI_LATE);
	ui_put(y, 4, 9, aattr, age);
	x = UI_QUEUE_X;
	ui_put(y, x, wname - 1, row | A_BOLD, ui_alarm_who(a));
	x += wname;
	ui_put(y, x, wwhat - 1, row, ui_alarm_what(a));
	x += wwhat;
	snprintf(buf, sizeof buf, "%s%lld", ui->utf8 ? "\xc3\x97" : "x",
	    (long long)a->count);
	ui_put(y, x, 5, row, buf);
	x += 6;
	ui_state_text(c, a, buf, sizeof buf);
	late = queue_is_late(c, a->id) ? 5 : 0;	/* " late" */
	ui_put(y, x, COLS - x - late, row | (queue_is_mine(c, a) ? A_BOLD :
	    0), buf);
	if (late) {
		ui_fit(buf, COLS - x - late, &cols);
		ui_put(y, x + cols + 1, 4, ui_attr(ui, UI_OVERDUE), "late");
	}
}

/* Keep the selection on an alarm that exists; returns its index or -1. */
int
ui_selected(struct ui *ui)
{
	struct client	*c = ui->con->client;
	int		 idx;

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
	if (c->nalarms == 0) {
		ui_put(y + 1, 2, COLS - 2, A_NORMAL,
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
		ui_put(y, COLS - (int)strlen(more), (int)strlen(more),
		    A_BOLD | A_REVERSE, more);
	}
}

static void
ui_keybar(struct ui *ui)
{
	char	 keys[160];

	/* With a supervisor's o it is 80 columns. */
	snprintf(keys, sizeof keys, " a accept  %s j/k move  n note  c close"
	    "  r release  %s? help  q quit", ui->utf8 ?
	    "\xe2\x86\x91/\xe2\x86\x93" : "Up/Dn",
	    client_is_supervisor(ui->con->client) ? ui->show_operators ?
	    "o alarm  " : "o operators  " : "");
	ui_fill(LINES - 1, ui_attr(ui, UI_STATUS));
	ui_put(LINES - 1, 0, COLS, ui_attr(ui, UI_STATUS), keys);
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
	ui_put(LINES - 2, 0, COLS, A_BOLD, prompt);
	/* Show the tail: drop characters until the rest fits. */
	while (off < len && ui_fit(text + off, room - 1, NULL) < len - off) {
		off++;
		while (off < len && ((unsigned char)text[off] & 0xc0) == 0x80)
			off++;
	}
	ui_put(LINES - 2, plen, room, A_UNDERLINE, text + off);
	ui_fit(text + off, room, &cols);
	move(LINES - 2, plen + cols);
	curs_set(1);
}

static void
ui_message(struct ui *ui, int64_t now)
{
	struct client	*c = ui->con->client;
	char		 prompt[64];

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
		ui_put(LINES - 2, 0, COLS, A_BOLD | A_REVERSE,
		    " Quit arc-console? (y/n) ");
		return;
	default:
		break;
	}
	if (c->message[0] != '\0' && now - c->message_at < 15000)
		ui_put(LINES - 2, 1, COLS - 1, c->message_error ?
		    ui_attr(ui, UI_ERROR) : (int)A_BOLD, c->message);
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
		ui_put(2, x + 2, w - 4, A_BOLD, " Keys (any key closes) ");
		for (i = 0; i < n; i++)
			ui_put(3 + (int)i, x + 2, w - 4, A_NORMAL, ui_help[i]);
	} else if (ui->mode == UI_OUTCOME) {
		w = w > 44 ? 44 : w;
		x = (COLS - w) / 2;
		ui_box(ui, 3, x, (int)client_noutcomes + 4, w);
		ui_put(3, x + 2, w - 4, A_BOLD, " Close with outcome ");
		for (i = 0; i < client_noutcomes; i++) {
			snprintf(line, sizeof line, " %zu  %s ", i + 1,
			    client_outcomes[i].label);
			ui_put(4 + (int)i, x + 2, w - 4, (int)i ==
			    ui->outcome_sel ? A_REVERSE : A_NORMAL, line);
		}
		ui_put(5 + (int)client_noutcomes, x + 2, w - 4, A_NORMAL,
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
		ui_put(0, 0, COLS, A_BOLD, "arc-console: terminal too small");
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
	ui_fill(ay, ui_attr(ui, UI_TITLE));
	if (ui->show_operators && client_is_supervisor(c))
		ui_operators_draw(ui, ay, LINES - 3 - ay);
	else if (a != NULL) {
		snprintf(title, sizeof title, " Alarm %lld  P%d  %s",
		    (long long)a->id, a->class, a->name ? a->name : "");
		ui_put(ay, 0, COLS, ui_attr(ui, UI_TITLE) | A_BOLD, title);
		lines = ui_alarm_draw(ui, a, ay + 1, LINES - 3 - ay,
		    COLS, ui->scroll, now);
		if (ui->scroll > lines - 1)
			ui->scroll = lines > 0 ? lines - 1 : 0;
	} else
		ui_put(ay, 0, COLS, ui_attr(ui, UI_TITLE), " No alarm");
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
