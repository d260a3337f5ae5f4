/*
 * ui_give.c -- a supervisor gives an alarm to an operator (g) or takes
 * it over (t): g picks the operator from the last operators list in a
 * box (j/k or a digit, Enter), then either asks "Give alarm 42 (op1's)
 * to op2? (y/n)" or "Take over alarm 42 from op1? (y/n)" on the message
 * line; y sends reassign (supervise.c), anything else sends nothing.
 * Called by ui_key.c (keys) and ui.c (drawing). Main thread only.
 */
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include <curses.h>

#include "runtime.h"
#include "console.h"

#define GIVE_ESC	27
#define GIVE_ROWS	9		/* operators listed at once */

/* Operator i can be given the alarm: logged in, not the one holding it. */
static int
ui_give_can(struct ui *ui, size_t i)
{
	struct client			*c = ui->con->client;
	const struct client_operator	*op = &c->operators[i];

	return (op->connected && op->name[0] != '\0' &&
	    strcmp(op->login, ui->give_from) != 0);
}

/* The n-th operator that can be given it; -1 if none. */
static int
ui_give_nth(struct ui *ui, int n)
{
	struct client	*c = ui->con->client;
	size_t		 i;

	for (i = 0; i < c->noperators; i++) {
		if (ui_give_can(ui, i) && n-- == 0)
			return ((int)i);
	}
	return (-1);
}

static int
ui_give_count(struct ui *ui)
{
	int	 n = 0;

	while (ui_give_nth(ui, n) != -1)
		n++;
	return (n);
}

/* g (take 0) or t (take 1): the selected alarm, then whom, then y/n. */
void
ui_give_start(struct ui *ui, int take, int64_t now)
{
	struct client		*c = ui->con->client;
	struct client_alarm	*a = queue_find(c, ui->sel_id);
	const char		*from;

	if (!client_is_supervisor(c))
		return;			/* operators: not a key */
	if (a == NULL || a->state == ALARM_CLOSED) {
		client_message(c, 1, now, "%s: no alarm selected", take ?
		    "take over" : "give");
		return;
	}
	from = supervise_holder(c, a->id);
	ui->give_id = a->id;
	snprintf(ui->give_from, sizeof ui->give_from, "%s", from ? from : "");
	if (take) {
		if (strcmp(ui->give_from, c->op_login) == 0) {
			client_message(c, 1, now, "alarm %lld is yours already",
			    (long long)a->id);
			return;
		}
		snprintf(ui->give_to, sizeof ui->give_to, "%s", c->op_login);
		ui->mode = UI_REASSIGN;
		return;
	}
	if (!c->have_operators || ui_give_count(ui) == 0) {
		client_message(c, 1, now, "give: no other operator logged in");
		return;
	}
	ui->give_sel = 0;
	ui->mode = UI_GIVE;
}

/* The picker's keys: j/k, arrows, a digit, Enter; Esc or q cancels. */
void
ui_give_key(struct ui *ui, int fn, wint_t k, int64_t now)
{
	int	 n = ui_give_count(ui), pick = -1, i;

	if ((!fn && (k == GIVE_ESC || k == 'q')) || n == 0) {
		ui->mode = UI_MAIN;
		client_message(ui->con->client, 0, now, "alarm %lld: not given",
		    (long long)ui->give_id);
		return;
	}
	if ((fn && k == KEY_UP) || (!fn && k == 'k'))
		ui->give_sel = ui->give_sel > 0 ? ui->give_sel - 1 : 0;
	else if ((fn && k == KEY_DOWN) || (!fn && k == 'j'))
		ui->give_sel = ui->give_sel + 1 < n ? ui->give_sel + 1 : n - 1;
	else if (key_is_enter(fn, k))
		pick = ui->give_sel;
	else if (!fn && k >= '1' && k <= '9' && (int)(k - '1') < n)
		pick = (int)(k - '1');
	if (pick == -1 || (i = ui_give_nth(ui, pick)) == -1)
		return;
	snprintf(ui->give_to, sizeof ui->give_to, "%s",
	    ui->con->client->operators[i].login);
	ui->mode = UI_REASSIGN;
}

/* y sends it; anything else leaves the alarm where it is. */
void
ui_give_confirm(struct ui *ui, int fn, wint_t k, int64_t now)
{
	struct client	*c = ui->con->client;

	ui->mode = UI_MAIN;
	if (!fn && (k == 'y' || k == 'Y'))
		supervise_reassign(c, ui->give_id, ui->give_to, now);
	else
		client_message(c, 0, now, "alarm %lld left with %s",
		    (long long)ui->give_id, ui->give_from[0] ? ui->give_from :
		    "the queue");
}

/* The picker: a box of the operators who can be given the alarm. */
void
ui_give_draw(struct ui *ui)
{
	struct client			*c = ui->con->client;
	const struct client_operator	*op;
	char				 line[512], state[48];
	int				 n = ui_give_count(ui), i, j, top = 0;
	int				 w = COLS > 60 ? 58 : COLS - 2;
	int				 x = (COLS - w) / 2, rows;

	rows = n < GIVE_ROWS ? n : GIVE_ROWS;
	if (ui->give_sel >= rows)
		top = ui->give_sel - rows + 1;
	for (i = 0; i < rows + 3; i++) {	/* over the queue: all of it */
		move(3 + i, 0);
		clrtoeol();
	}
	snprintf(line, sizeof line, " Give alarm %lld to (Enter, Esc) ",
	    (long long)ui->give_id);
	paint_put(3, x + 1, w - 2, A_BOLD | A_REVERSE, line);
	for (i = 0; i < rows; i++) {
		if ((j = ui_give_nth(ui, top + i)) == -1)
			break;
		op = &c->operators[j];
		supervise_state(op, state, sizeof state);
		snprintf(line, sizeof line, " %d  %-12s %-20s %s", top + i + 1,
		    op->login, op->name, state);
		paint_put(4 + i, x + 1, w - 2, top + i == ui->give_sel ?
		    A_REVERSE : A_NORMAL, line);
	}
	paint_put(5 + rows, x + 1, w - 2, A_NORMAL,
	    " j/k or 1-9 picks; you are asked again (y/n)");
}

/* The question on the message line. */
void
ui_give_prompt(struct ui *ui)
{
	struct client	*c = ui->con->client;
	char		 q[256];

	if (strcmp(ui->give_to, c->op_login) == 0)
		snprintf(q, sizeof q, " Take over alarm %lld%s%s? (y/n) ",
		    (long long)ui->give_id, ui->give_from[0] ? " from " : "",
		    ui->give_from);
	else
		snprintf(q, sizeof q, " Give alarm %lld%s%s%s to %s? (y/n) ",
		    (long long)ui->give_id, ui->give_from[0] ? " (" : "",
		    ui->give_from, ui->give_from[0] ? "'s)" : "",
		    ui->give_to);
	paint_put(LINES - 2, 0, COLS, A_BOLD | A_REVERSE, q);
}
