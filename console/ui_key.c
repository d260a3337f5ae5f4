/*
 * ui_key.c -- what the operator's keys do: the main screen, the note and
 * closing-text editors, the outcome picker, help, the supervisor's
 * operators pane (a row selected, u: unlock it after y), away and back
 * (p), give and take over (g, t: ui_give.c), the escalation ladder (s
 * sends a responder, x skips the one paged, X stops and e says the
 * emergency services were called instead, both after a y: respond.c) and
 * the quit and unlock confirmations; the login form's keys go to ui_login.c. Requests
 * go through client.c and draft.c; which row of the operators pane is
 * selected, and what it is, is ui_operators.c's; what a key is, is
 * key.c's.
 *
 * It neither draws, connects nor quits: ui_key_input() tells console.c
 * which to do.
 * Main thread only.
 */
#include <stdio.h>
#include <wchar.h>

#include <curses.h>

#include "runtime.h"
#include "console.h"

#define UI_KEY_ESC	27
#define UI_KEY_CTRL(c)	((c) & 0x1f)

static void
ui_key_edit(struct ui *ui, int fn, wint_t k, int64_t now)
{
	struct client	*c = ui->con->client;
	char		 buf[8];
	size_t		 n;

	if (!fn && k == UI_KEY_ESC) {
		draft_clear(c);
		ui->mode = UI_MAIN;
	} else if (key_is_enter(fn, k)) {
		if (draft_submit(c, now) != -1)
			ui->mode = UI_MAIN;
	} else if (key_is_backspace(fn, k))
		draft_backspace(c);
	else if ((n = key_utf8(fn, k, buf, sizeof buf)) != 0)
		draft_insert(c, buf, n);
}

static void
ui_key_outcome(struct ui *ui, int fn, wint_t k)
{
	struct client	*c = ui->con->client;
	int		 pick = -1;

	if (!fn && k == UI_KEY_ESC)
		ui->mode = UI_MAIN;
	else if ((fn && k == KEY_UP) || (!fn && k == 'k'))
		ui->outcome_sel = ui->outcome_sel > 0 ? ui->outcome_sel - 1 : 0;
	else if ((fn && k == KEY_DOWN) || (!fn && k == 'j')) {
		if (ui->outcome_sel + 1 < (int)client_noutcomes)
			ui->outcome_sel++;
	} else if (key_is_enter(fn, k))
		pick = ui->outcome_sel;
	else if (!fn && k >= '1' && k < '1' + (wint_t)client_noutcomes)
		pick = (int)(k - '1');
	if (pick == -1)
		return;
	draft_start(c, DRAFT_CLOSE, ui->sel_id,
	    client_outcomes[pick].name);
	ui->mode = UI_CLOSETEXT;
}

/* a: the alarm offered to us, else the selected waiting one, else top. */
static void
ui_key_accept(struct ui *ui, int64_t now)
{
	struct client		*c = ui->con->client;
	struct client_alarm	*a;
	int64_t			 id = 0;

	if (c->offer_id != 0 && queue_index(c, c->offer_id) != -1)
		id = c->offer_id;
	else if ((a = queue_find(c, ui->sel_id)) != NULL &&
	    (a->state == ALARM_WAITING ||
	    (a->state == ALARM_OFFERED && queue_is_mine(c, a))))
		id = a->id;
	client_accept(c, id, now);
}

static void
ui_key_move(struct ui *ui, int delta)
{
	struct client	*c = ui->con->client;
	int		 idx = ui_selected(ui);

	if (c->nalarms == 0)
		return;
	if (idx == -1)
		idx = 0;
	else
		idx += delta;
	if (idx < 0)
		idx = 0;
	if (idx >= (int)c->nalarms)
		idx = (int)c->nalarms - 1;
	if (c->alarms[idx]->id != ui->sel_id)
		ui->scroll = 0;
	ui->sel_id = c->alarms[idx]->id;
}

/*
 * m, or scrolling to the end of the alarm pane: older events and notes of
 * the selected alarm, where the server has more than is shown.
 */
static void
ui_key_history(struct ui *ui, int asked, int64_t now)
{
	struct client	*c = ui->con->client;

	if (ui->show_operators || queue_find(c, ui->sel_id) == NULL)
		return;
	if (client_history(c, ui->sel_id, now) == 0 && asked)
		client_message(c, 0, now, "alarm %lld: no older events or notes "
		    "to fetch", (long long)ui->sel_id);
}

/* PgDn, space: down a page; at the end, fetch what is older. */
static void
ui_key_scroll(struct ui *ui, int64_t now)
{
	ui->scroll += LINES / 3;
	if (ui->alarm_lines > 0 && ui->scroll + ui->alarm_rows >=
	    ui->alarm_lines)
		ui_key_history(ui, 0, now);
}

/* o: a supervisor's operators pane in place of the alarm, and back. */
static void
ui_key_operators(struct ui *ui, int64_t now)
{
	struct client	*c = ui->con->client;

	if (!client_is_supervisor(c))
		return;			/* operators: not a key */
	ui->show_operators = !ui->show_operators;
	ui->show_late = 0;
	ui->scroll = 0;
	if (ui->show_operators && c->state == CLIENT_READY)
		client_operators(c, now);	/* fresh, not just the pushes */
}

/* u: ask to unlock the selected login or address of the operators pane. */
static void
ui_key_unlock(struct ui *ui, int64_t now)
{
	struct client	*c = ui->con->client;
	char		 name[CLIENT_LOCK_NAME];
	int		 source = 0;

	switch (ui_operators_lock(ui, now, name, sizeof name, &source)) {
	case -1:
		client_message(c, 1, now, "unlock: nothing selected");
		return;
	case 0:
		client_message(c, 1, now, "%s is not locked", name);
		return;
	}
	snprintf(ui->unlock_name, sizeof ui->unlock_name, "%s", name);
	ui->unlock_source = source;
	ui->mode = UI_UNLOCK;
}

/* The unlock asked: y sends it, any other key leaves the lock. */
static void
ui_key_unlock_confirm(struct ui *ui, int fn, wint_t k, int64_t now)
{
	struct client	*c = ui->con->client;

	ui->mode = UI_MAIN;
	if (!fn && (k == 'y' || k == 'Y'))
		client_unlock(c, ui->unlock_name, ui->unlock_source, now);
	else
		client_message(c, 0, now, "%s %s left locked",
		    ui->unlock_source ? "address" : "login", ui->unlock_name);
}

/* X, e: ask before stopping the selected alarm's ladder for good. */
static void
ui_key_ladder(struct ui *ui, const char *what, int64_t now)
{
	struct client		*c = ui->con->client;
	struct client_ladder	*l = ladder_find(c, ui->sel_id);

	if (l == NULL || !ladder_live(l)) {
		client_message(c, 1, now, "%s: no responder is being sent to "
		    "this alarm", what);
		return;
	}
	ui->ladder_id = ui->sel_id;
	ui->ladder_do = what;
	ui->mode = UI_LADDER;
}

/* The stop or emergency asked: y sends it, any other key leaves it. */
static void
ui_key_ladder_confirm(struct ui *ui, int fn, wint_t k, int64_t now)
{
	struct client	*c = ui->con->client;

	ui->mode = UI_MAIN;
	if (!fn && (k == 'y' || k == 'Y'))
		respond_ladder(c, ui->ladder_id, ui->ladder_do, now);
	else
		client_message(c, 0, now, "alarm %lld: the ladder goes on",
		    (long long)ui->ladder_id);
}

/*
 * The operators pane's own keys (a supervisor's, while it is shown): the
 * selection moves, u unlocks. Returns 0 for a key it leaves to the main
 * screen.
 */
static int
ui_key_pane(struct ui *ui, int fn, wint_t k, int64_t now)
{
	int	 page = LINES / 3;

	if ((fn && k == KEY_UP) || (!fn && k == 'k'))
		ui_operators_move(ui, -1, now);
	else if ((fn && k == KEY_DOWN) || (!fn && k == 'j'))
		ui_operators_move(ui, 1, now);
	else if (fn && k == KEY_HOME)
		ui_operators_move(ui, -(CLIENT_MAX_OPERATORS +
		    CLIENT_MAX_LOCKS), now);
	else if ((fn && k == KEY_NPAGE) || (!fn && k == ' '))
		ui_operators_move(ui, page, now);
	else if ((fn && k == KEY_PPAGE) || (!fn && k == 'b'))
		ui_operators_move(ui, -page, now);
	else if (!fn && k == 'u')
		ui_key_unlock(ui, now);
	else
		return (0);
	return (1);
}

/* The late list's keys (while it is shown): it scrolls. */
static int
ui_key_late(struct ui *ui, int fn, wint_t k)
{
	int	 page = LINES / 3;

	if ((fn && k == KEY_UP) || (!fn && k == 'k'))
		ui_late_scroll(ui, -1);
	else if ((fn && k == KEY_DOWN) || (!fn && k == 'j'))
		ui_late_scroll(ui, 1);
	else if ((fn && k == KEY_NPAGE) || (!fn && k == ' '))
		ui_late_scroll(ui, page);
	else if ((fn && k == KEY_PPAGE) || (!fn && k == 'b'))
		ui_late_scroll(ui, -page);
	else
		return (0);
	return (1);
}

/* Arrows, Home, PgUp/PgDn. */
static void
ui_key_fn(struct ui *ui, wint_t k, int64_t now)
{
	struct client	*c = ui->con->client;
	int		 page = LINES / 3;

	if (k == KEY_UP)
		ui_key_move(ui, -1);
	else if (k == KEY_DOWN)
		ui_key_move(ui, 1);
	else if (k == KEY_HOME)
		ui_key_move(ui, -(int)c->nalarms);
	else if (k == KEY_NPAGE)
		ui_key_scroll(ui, now);
	else if (k == KEY_PPAGE)
		ui->scroll = ui->scroll > page ? ui->scroll - page : 0;
}

static enum ui_key_result
ui_key_main(struct ui *ui, int fn, wint_t k, int64_t now)
{
	struct client	*c = ui->con->client;
	int		 page = LINES / 3;

	if (ui->show_late && ui_key_late(ui, fn, k))
		return (UI_KEY_REDRAW);
	if (!ui->show_late && ui->show_operators && client_is_supervisor(c) &&
	    ui_key_pane(ui, fn, k, now))
		return (UI_KEY_REDRAW);
	if (fn) {
		ui_key_fn(ui, k, now);
		return (UI_KEY_REDRAW);
	}
	switch (k) {
	case 'a':
		ui_key_accept(ui, now);
		break;
	case 'k':
		ui_key_move(ui, -1);
		break;
	case 'j':
		ui_key_move(ui, 1);
		break;
	case ' ':
		ui_key_scroll(ui, now);
		break;
	case 'm':
		ui_key_history(ui, 1, now);
		break;
	case 'R':
		if (c->state == CLIENT_OFFLINE)
			return (UI_KEY_RECONNECT);
		break;
	case 'b':
		ui->scroll = ui->scroll > page ? ui->scroll - page : 0;
		break;
	case 'n':
	case 'c':
		if (queue_find(c, ui->sel_id) == NULL) {
			client_message(c, 1, now, "no alarm selected");
			break;
		}
		if (k == 'n') {
			draft_start(c, DRAFT_NOTE, ui->sel_id, NULL);
			ui->mode = UI_NOTE;
		} else {
			ui->outcome_sel = 0;
			ui->mode = UI_OUTCOME;
		}
		break;
	case 'r':
		if (ui->sel_id != 0)
			client_release(c, ui->sel_id, now);
		break;
	case 'd':
		if (c->offer_id != 0)
			client_decline(c, c->offer_id, now);
		break;
	case 'o':
		ui_key_operators(ui, now);
		break;
	case 's':
		respond_send(c, ui->sel_id, now);
		break;
	case 'x':
		respond_ladder(c, ui->sel_id, "skip", now);
		break;
	case 'X':
		ui_key_ladder(ui, "stop", now);
		break;
	case 'e':
		ui_key_ladder(ui, "emergency", now);
		break;
	case 'p':
		supervise_away(c, !c->away, now);
		break;
	case 'l':
		ui->show_late = !ui->show_late;
		ui->scroll = 0;
		break;
	case 'g':
	case 't':
		ui_give_start(ui, k == 't', now);
		break;
	case '?':
		ui->mode = UI_HELP;
		break;
	case 'q':
		ui->mode = UI_QUIT;
		break;
	case UI_KEY_CTRL('l'):
		clearok(curscr, TRUE);
		break;
	}
	return (UI_KEY_REDRAW);
}

/* One key; UI_KEY_QUIT once the operator has confirmed q. */
static enum ui_key_result
ui_key(struct ui *ui, int fn, wint_t k, int64_t now)
{
	if (fn && k == KEY_RESIZE) {
		/* ncurses has resized already (ui_resize pushes this). */
		return (UI_KEY_REDRAW);
	}
	if (!ui->con->client->have_creds) {
		ui_login_key(ui, fn, k, now);
		return (UI_KEY_REDRAW);
	}
	switch (ui->mode) {
	case UI_MAIN:
		return (ui_key_main(ui, fn, k, now));
	case UI_NOTE:
	case UI_CLOSETEXT:
		ui_key_edit(ui, fn, k, now);
		break;
	case UI_OUTCOME:
		ui_key_outcome(ui, fn, k);
		break;
	case UI_HELP:
		ui->mode = UI_MAIN;
		break;
	case UI_UNLOCK:
		ui_key_unlock_confirm(ui, fn, k, now);
		break;
	case UI_GIVE:
		ui_give_key(ui, fn, k, now);
		break;
	case UI_REASSIGN:
		ui_give_confirm(ui, fn, k, now);
		break;
	case UI_LADDER:
		ui_key_ladder_confirm(ui, fn, k, now);
		break;
	case UI_QUIT:
		if (!fn && (k == 'y' || k == 'Y' || k == 'q'))
			return (UI_KEY_QUIT);
		ui->mode = UI_MAIN;
		break;
	}
	return (UI_KEY_REDRAW);
}

/*
 * Every key waiting on the terminal. UI_KEY_QUIT: the operator confirmed
 * q, the caller quits (keys after it are left unread); UI_KEY_RECONNECT:
 * the caller connects now (the keys after it are read first); else the
 * caller redraws once.
 */
enum ui_key_result
ui_key_input(struct ui *ui, int64_t now)
{
	enum ui_key_result	 result = UI_KEY_REDRAW, r1;
	wint_t			 k;
	int			 r, n = 0;

	while (n++ < 256 && (r = wget_wch(stdscr, &k)) != ERR) {
		ui->banner_until = 0;		/* seen: the banner goes */
		if ((r1 = ui_key(ui, r == KEY_CODE_YES, k, now)) ==
		    UI_KEY_QUIT)
			return (UI_KEY_QUIT);
		if (r1 == UI_KEY_RECONNECT)
			result = r1;
	}
	return (result);
}
