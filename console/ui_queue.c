/*
 * ui_queue.c -- the queue pane: one row an alarm (class, age, client,
 * cause, event count, state, late; R before the state: a responder on
 * the way, r: one being paged), a header of column titles (after a
 * bell, a banner saying why it rang instead: a new P1, an offer, an alarm
 * taken from us; for UI_BANNER_MS or until the operator presses a key),
 * for a supervisor a line of the queue's ageing per class. Called by
 * ui.c; draws with paint.c. Main thread only.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <curses.h>
#include <jansson.h>

#include "runtime.h"
#include "console.h"

#define UI_QUEUE_X	13		/* where the client name starts */
#define UI_QUEUE_NAME	((COLS - UI_QUEUE_X) * 22 / 100) /* client column */
#define UI_QUEUE_WHAT	((COLS - UI_QUEUE_X) * 42 / 100) /* cause column */

static void
ui_queue_fill(int y, int attr)
{
	attron(attr);
	mvhline(y, 0, ' ', COLS);
	attroff(attr);
}

static int
ui_queue_class_attr(struct ui *ui, int class)
{
	return (paint_attr(ui, class == 1 ? UI_P1 : class == 2 ? UI_P2 :
	    UI_P3));
}

static void
ui_queue_state(struct client *c, struct client_alarm *a, char *buf,
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
 * The alarm's cause: what its code means ("Personal emergency"; the
 * event that opened it, or the most urgent since), then the zone's
 * label ("pendant"), whichever there are; else the code.
 */
void
ui_queue_cause(struct client_alarm *a, char *buf, size_t size)
{
	const char	*zone;

	zone = json_string_value(json_object_get(json_object_get(a->obj,
	    "unit"), "zone_label"));
	if (zone != NULL && *zone == '\0')
		zone = NULL;
	if (a->name != NULL && *a->name != '\0')
		snprintf(buf, size, "%s%s%s", a->name, zone ? ", " : "",
		    zone ? zone : "");
	else if (zone != NULL)
		snprintf(buf, size, "%s%s%s", a->code ? a->code : "",
		    a->code ? " " : "", zone);
	else
		snprintf(buf, size, "%s", a->code != NULL ? a->code : "?");
	if (islower((unsigned char)buf[0]))
		buf[0] = (char)toupper((unsigned char)buf[0]);
}

const char *
ui_queue_who(struct client_alarm *a)
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

/* Class, age (! past 60 s, !! past 180 s), who, cause, count, state. */
static void
ui_queue_row(struct ui *ui, struct client_alarm *a, int y, int sel,
    int64_t now)
{
	struct client	*c = ui->con->client;
	struct client_ladder *l;
	char		 age[80], agebuf[32], buf[256], cls[4];
	int64_t		 ms = now + c->skew - a->opened_at;
	int		 x, row = sel ? A_REVERSE : A_NORMAL;
	int		 aattr = row, late, cols;

	if (sel)
		ui_queue_fill(y, A_REVERSE);
	paint_put(y, 0, 1, row | A_BOLD, sel ? ">" : " ");
	snprintf(cls, sizeof cls, "P%d", a->class);
	paint_put(y, 1, 2, row | ui_queue_class_attr(ui, a->class) |
	    (a->class == 1 ? A_BOLD : 0), cls);
	paint_fmt_age(agebuf, sizeof agebuf, ms);
	snprintf(age, sizeof age, "%7s%s", agebuf,
	    ms >= 180000 ? "!!" : ms >= 60000 ? "! " : "  ");
	if (ms >= 180000)
		aattr = paint_attr(ui, UI_OVERDUE);
	else if (ms >= 60000)
		aattr = paint_attr(ui, UI_LATE);
	paint_put(y, 4, 9, aattr, age);
	x = UI_QUEUE_X;
	paint_put(y, x, UI_QUEUE_NAME - 1, row | A_BOLD, ui_queue_who(a));
	x += UI_QUEUE_NAME;
	ui_queue_cause(a, buf, sizeof buf);
	paint_put(y, x, UI_QUEUE_WHAT - 1, row | (a->class == 1 ?
	    ui_queue_class_attr(ui, 1) : 0), buf);
	x += UI_QUEUE_WHAT;
	snprintf(buf, sizeof buf, "%s%lld", ui->utf8 ? "\xc3\x97" : "x",
	    (long long)a->count);
	paint_put(y, x, 5, row, buf);
	x += 6;
	if ((l = ladder_find(c, a->id)) != NULL && ladder_live(l)) {
		paint_put(y, x, 1, A_BOLD | A_REVERSE, ladder_on_way(l) ?
		    "R" : "r");
		x += 2;
	}
	ui_queue_state(c, a, buf, sizeof buf);
	late = queue_is_late(c, a->id) ? 5 : 0;	/* " late" */
	paint_put(y, x, COLS - x - late, row | (queue_is_mine(c, a) ? A_BOLD :
	    0), buf);
	if (late) {
		paint_fit(buf, COLS - x - late, &cols);
		paint_put(y, x + cols + 1, 4, paint_attr(ui, UI_OVERDUE),
		    "late");
	}
}

static void
ui_queue_loading(struct ui *ui, int y, const char *dots)
{
	struct client	*c = ui->con->client;
	char		 buf[128];

	snprintf(buf, sizeof buf, "loading %lld alarm%s%s  (%lld so far)",
	    (long long)c->load_total, c->load_total == 1 ? "" : "s", dots,
	    (long long)c->load_count);
	paint_put(y, 2, COLS - 2, A_BOLD, buf);
}

/* The column titles, or the banner of the last bell while it lasts. */
static void
ui_queue_header(struct ui *ui, int y, int64_t now)
{
	char	 banner[192];
	int	 attr;

	if (now < ui->banner_until) {
		attr = paint_attr(ui, UI_OVERDUE) | A_BOLD | A_REVERSE;
		if (ui->colour)
			attr = paint_attr(ui, UI_OVERDUE) | A_BOLD;
		snprintf(banner, sizeof banner, " *** %s *** ", ui->banner);
		ui_queue_fill(y, attr);
		paint_put(y, (COLS - (int)strlen(banner)) / 2 > 0 ?
		    (COLS - (int)strlen(banner)) / 2 : 0, COLS, attr, banner);
		return;
	}
	attron(A_UNDERLINE);
	mvhline(y, 0, ' ', COLS);
	mvaddstr(y, 1, "Cl");
	mvaddstr(y, 6, "Age");
	mvaddstr(y, UI_QUEUE_X, "Client");
	mvaddstr(y, UI_QUEUE_X + UI_QUEUE_NAME, "Alarm");
	mvaddstr(y, UI_QUEUE_X + UI_QUEUE_NAME + UI_QUEUE_WHAT, "Ev");
	mvaddstr(y, UI_QUEUE_X + UI_QUEUE_NAME + UI_QUEUE_WHAT + 6, "State");
	attroff(A_UNDERLINE);
}

/*
 * A supervisor's line of the queue's ageing: per class the alarms not
 * yet in hand and the oldest's wait ("P1 2 oldest 01:05").
 */
void
ui_queue_ageing(struct ui *ui, int y, int64_t now)
{
	struct client	*c = ui->con->client;
	int64_t		 count[4], oldest[4];
	char		 line[160], age[32];
	size_t		 len;
	int		 k;

	supervise_ageing(c, now, count, oldest);
	len = (size_t)snprintf(line, sizeof line, " Waiting:");
	for (k = 1; k <= 3; k++) {
		if (count[k] == 0) {
			len += (size_t)snprintf(line + len, sizeof line - len,
			    "  P%d 0", k);
			continue;
		}
		paint_fmt_age(age, sizeof age, oldest[k]);
		len += (size_t)snprintf(line + len, sizeof line - len,
		    "  P%d %lld oldest %s", k, (long long)count[k], age);
	}
	paint_put(y, 0, COLS, A_BOLD | (count[1] > 0 ? ui_queue_class_attr(ui,
	    1) : 0), line);
}

/* The queue in h rows below its header at y; sel is the selected index. */
void
ui_queue_draw(struct ui *ui, int y, int h, int sel, int64_t now)
{
	struct client	*c = ui->con->client;
	char		 more[32];
	int		 i, top = 0;

	ui_queue_header(ui, y, now);
	if (c->state == CLIENT_SYNC && c->loading) {
		/* Until snapshot_end the queue is not the queue. */
		snprintf(more, sizeof more, "%s", ui->utf8 ? "\xe2\x80\xa6" :
		    "...");
		ui_queue_loading(ui, y + 1, more);
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
