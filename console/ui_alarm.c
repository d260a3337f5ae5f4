/*
 * ui_alarm.c -- the alarm pane: the escalation ladder when a responder
 * was sent (its state, each step with a countdown while paged, the times
 * in minutes, the last alert), the client card, the unit and zone, the
 * events held with their time and location, the responders by rank, the
 * notes held, how many older ones the server has (history.c), and the
 * outcome. Lines are laid out virtually and only those inside the
 * scrolled window are drawn. Called by ui.c; draws with paint.c. Main
 * thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>
#include <jansson.h>

#include "runtime.h"
#include "console.h"

#define PANE_LABEL	11		/* columns for a field's label */

struct pane {
	int	 y;			/* screen row of the first line */
	int	 h;			/* rows */
	int	 w;			/* columns */
	int	 scroll;		/* virtual lines skipped */
	int	 line;			/* next virtual line */
};

static const char *
pane_str(json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return (s != NULL ? s : "");
}

/* Emit virtual line text at column x if it is inside the window. */
static void
pane_emit(struct pane *p, int x, int width, int attr, const char *s)
{
	int	 row = p->line - p->scroll;

	if (row >= 0 && row < p->h)
		paint_put(p->y + row, x, width, attr, s);
}

/*
 * Word-wrap s into the columns from indent to the pane's width; the first
 * line is drawn after a label (bold) when there is one.
 */
static void
pane_field(struct pane *p, const char *label, int attr, const char *s)
{
	char	 chunk[1024];
	size_t	 n, len, cut;
	int	 indent = label != NULL ? PANE_LABEL : 2, room;

	if (label != NULL)
		pane_emit(p, 1, PANE_LABEL - 1, A_BOLD, label);
	room = p->w - indent - 1;
	if (room < 10)
		room = 10;
	len = strlen(s);
	do {
		n = paint_fit(s, room, NULL);
		if (n < len) {
			for (cut = n; cut > 0 && s[cut] != ' '; cut--)
				;
			if (cut > n / 2)
				n = cut;
		}
		if (n == 0 && len > 0)
			n = 1;
		if (n >= sizeof chunk)
			n = sizeof chunk - 1;
		memcpy(chunk, s, n);
		chunk[n] = '\0';
		pane_emit(p, indent, room, attr, chunk);
		p->line++;
		s += n;
		len -= n;
		while (len > 0 && *s == ' ') {
			s++;
			len--;
		}
	} while (len > 0);
}

static void
pane_head(struct pane *p, const char *title)
{
	pane_emit(p, 0, p->w, A_BOLD | A_UNDERLINE, title);
	p->line++;
}

/* Whole years between a YYYY-MM-DD birth date and now. */
static int
pane_age(const char *born, int64_t now)
{
	struct tm	 tm;
	time_t		 t = (time_t)(now / 1000);
	int		 y, m, d, age;

	if (sscanf(born, "%d-%d-%d", &y, &m, &d) != 3)
		return (-1);
	gmtime_r(&t, &tm);
	age = tm.tm_year + 1900 - y;
	if (tm.tm_mon + 1 < m || (tm.tm_mon + 1 == m && tm.tm_mday < d))
		age--;
	return (age);
}

static void
pane_client(struct pane *p, json_t *cl, int64_t now)
{
	char	 buf[512];
	int	 age;

	if (!json_is_object(cl)) {
		pane_field(p, "Client", A_BOLD, "no client registered for this "
		    "unit");
		return;
	}
	age = pane_age(pane_str(cl, "born"), now);
	if (age >= 0)
		snprintf(buf, sizeof buf, "%s, %d  (%s)", pane_str(cl, "name"),
		    age, pane_str(cl, "id"));
	else
		snprintf(buf, sizeof buf, "%s  (%s)", pane_str(cl, "name"),
		    pane_str(cl, "id"));
	pane_field(p, "Client", A_BOLD, buf);
	pane_field(p, "Address", A_NORMAL, pane_str(cl, "address"));
	snprintf(buf, sizeof buf, "%s   language %s   response %s",
	    pane_str(cl, "phone"), pane_str(cl, "language"),
	    pane_str(cl, "response_level"));
	pane_field(p, "Phone", A_NORMAL, buf);
	pane_field(p, "Medical", A_NORMAL, pane_str(cl, "medical"));
	pane_field(p, "Access", A_NORMAL, pane_str(cl, "access"));
}

static void
pane_unit(struct pane *p, struct client_alarm *a, json_t *u)
{
	char	 buf[512], opened[16], last[16];

	snprintf(buf, sizeof buf, "%s (%s)  zone %s %s", pane_str(u, "account"),
	    pane_str(u, "protocol"), pane_str(u, "zone"),
	    pane_str(u, "zone_label"));
	pane_field(p, "Unit", A_NORMAL, buf);
	paint_fmt_hms(opened, sizeof opened, a->opened_at);
	paint_fmt_hms(last, sizeof last, a->last_at);
	snprintf(buf, sizeof buf, "%s %s, opened %s, last %s, %lld event%s",
	    a->code ? a->code : "", a->name ? a->name : "", opened, last,
	    (long long)a->count, a->count == 1 ? "" : "s");
	pane_field(p, "Alarm", A_NORMAL, buf);
}

/* "(35 older events: m fetches them)" when the server has more. */
static void
pane_older(struct pane *p, struct client_alarm *a, enum history_kind k,
    const char *what)
{
	size_t	 held = history_held(a, k);
	int64_t	 older = history_total(a, k) - (int64_t)held;
	char	 buf[128];

	if (older <= 0)
		return;
	if (held >= CLIENT_HISTORY_MAX)
		snprintf(buf, sizeof buf, "(%lld older %s not kept: the "
		    "console keeps %d)", (long long)older, what,
		    CLIENT_HISTORY_MAX);
	else if (a->history_end[k])
		snprintf(buf, sizeof buf, "(%lld older %s not sent)",
		    (long long)older, what);
	else
		snprintf(buf, sizeof buf, "(%lld older %s: m, or PgDn at "
		    "the end, fetches them)", (long long)older, what);
	pane_field(p, NULL, A_DIM, buf);
}

static void
pane_events(struct pane *p, struct client_alarm *a)
{
	json_t	*e;
	size_t	 i;
	char	 buf[512], t[16];

	pane_head(p, "Events");
	json_array_foreach(json_object_get(a->obj, "events"), i, e) {
		paint_fmt_hms(t, sizeof t, (int64_t)json_integer_value(
		    json_object_get(e, "received_at")));
		snprintf(buf, sizeof buf, "%s  %s %s  zone %s%s%s%s%s", t,
		    pane_str(e, "code"), pane_str(e, "raw_code"),
		    pane_str(e, "zone"), *pane_str(e, "text") ? "  " : "",
		    pane_str(e, "text"),
		    *pane_str(e, "location") ? "  at " : "",
		    pane_str(e, "location"));
		pane_field(p, NULL, A_NORMAL, buf);
	}
	pane_older(p, a, HISTORY_EVENTS, "events");
}

static void
pane_responders(struct pane *p, json_t *list)
{
	json_t	*r;
	size_t	 i;
	char	 buf[512];

	pane_head(p, "Responders");
	if (json_array_size(list) == 0)
		pane_field(p, NULL, A_NORMAL, "none");
	json_array_foreach(list, i, r) {
		snprintf(buf, sizeof buf, "%lld. %s (%s)  %s  %s",
		    (long long)json_integer_value(json_object_get(r, "rank")),
		    pane_str(r, "name"), pane_str(r, "relation"),
		    pane_str(r, "phones"), pane_str(r, "availability"));
		pane_field(p, NULL, A_NORMAL, buf);
	}
}

static void
pane_notes(struct pane *p, struct client_alarm *a)
{
	json_t	*n, *list = json_object_get(a->obj, "notes");
	size_t	 i;
	char	 buf[1200], t[16];

	pane_head(p, "Notes");
	pane_older(p, a, HISTORY_NOTES, "notes");
	if (json_array_size(list) == 0 && history_total(a, HISTORY_NOTES) == 0)
		pane_field(p, NULL, A_NORMAL, "none");
	json_array_foreach(list, i, n) {
		paint_fmt_hms(t, sizeof t, (int64_t)json_integer_value(
		    json_object_get(n, "at")));
		snprintf(buf, sizeof buf, "%s %s: %s", t,
		    pane_str(n, "operator"), pane_str(n, "text"));
		pane_field(p, NULL, A_NORMAL, buf);
	}
}

/* An incident (a storm): how many units, and who, for welfare checks. */
static void
pane_incident(struct pane *p, json_t *inc)
{
	json_t	*m;
	size_t	 i;
	char	 buf[512];

	snprintf(buf, sizeof buf, "%lld units affected",
	    (long long)json_integer_value(json_object_get(inc, "units")));
	pane_field(p, "Incident", A_BOLD, buf);
	pane_head(p, "Units and clients");
	json_array_foreach(json_object_get(inc, "members"), i, m) {
		snprintf(buf, sizeof buf, "%-10s %s  %s  %s",
		    pane_str(m, "account"), pane_str(m, "client"),
		    pane_str(m, "phone"), pane_str(m, "address"));
		pane_field(p, NULL, A_NORMAL, buf);
	}
}

/* "12" minutes from t to srv (both the server's wall ms), or "-". */
static void
pane_mins(char *buf, size_t size, int64_t t, int64_t srv)
{
	if (t <= 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%lld", (long long)(srv > t ?
		    (srv - t) / 60000 : 0));
}

/* One step: "2. Jane Smith (mobile team)  PAGED 1:45 left". */
static void
pane_step(struct pane *p, struct client_step *st, size_t n, int64_t srv)
{
	char	 buf[256], when[64], mins[24];
	int64_t	 left = st->deadline - srv;
	int	 attr = A_NORMAL;

	when[0] = '\0';
	if (st->state == STEP_PAGED && st->deadline > 0) {
		if (left < 0)
			left = 0;
		snprintf(when, sizeof when, " %lld:%02lld left",
		    (long long)(left / 60000), (long long)(left / 1000 % 60));
		attr = A_BOLD;
	} else if (st->state == STEP_ACCEPTED) {
		pane_mins(mins, sizeof mins, st->answered_at, srv);
		snprintf(when, sizeof when, " %s min ago", mins);
		attr = A_BOLD;
	}
	snprintf(buf, sizeof buf, "%zu. %s%s  %s%s", n, st->name[0] ?
	    st->name : "?", st->mobile ? " (mobile team)" : "",
	    ladder_step_label(st->state), when);
	pane_field(p, NULL, attr, buf);
}

/* The ladder: state, who sent it, the times, each step, the alert. */
static void
pane_ladder(struct ui *ui, struct pane *p, struct client_ladder *l,
    int64_t now)
{
	char	 buf[256], t[5][24];
	int64_t	 srv = now + ui->con->client->skew;
	size_t	 i;
	int	 attr = A_BOLD;

	if (l->state == LADDER_EXHAUSTED)
		attr = paint_attr(ui, UI_OVERDUE);
	snprintf(buf, sizeof buf, "%s%s%s", ladder_state_label(l->state),
	    l->operator[0] ? ", sent by " : "", l->operator);
	pane_field(p, "Responder", attr, buf);
	pane_mins(t[0], sizeof t[0], l->decided_at, srv);
	pane_mins(t[1], sizeof t[1], l->accepted_at, srv);
	pane_mins(t[2], sizeof t[2], l->arrived_at, srv);
	pane_mins(t[3], sizeof t[3], l->entry_at, srv);
	pane_mins(t[4], sizeof t[4], l->ended_at, srv);
	snprintf(buf, sizeof buf, "min ago: decided %s, accepted %s, "
	    "arrived %s, entry %s, %s %s", t[0], t[1], t[2], t[3],
	    l->state == LADDER_STOPPED || l->state == LADDER_EXHAUSTED ||
	    l->state == LADDER_EMERGENCY ? "ended" : "clear", t[4]);
	pane_field(p, "Times", A_NORMAL, buf);
	for (i = 0; i < l->nsteps; i++)
		pane_step(p, &l->steps[i], i + 1, srv);
	if (l->steps_total > l->nsteps) {
		snprintf(buf, sizeof buf, "(%zu more steps not kept)",
		    l->steps_total - l->nsteps);
		pane_field(p, NULL, A_DIM, buf);
	}
	if (l->alert[0] != '\0')
		pane_field(p, "ALERT", paint_attr(ui, UI_OVERDUE), l->alert);
	if (ladder_live(l))
		pane_field(p, NULL, A_DIM, l->state == LADDER_PAGING ?
		    "x skips the one paged, X stops, e: emergency services "
		    "called instead" : "X stops, e: emergency services "
		    "called instead");
}

/*
 * Draw alarm a in rows y..y+h-1, skipping scroll lines; returns how many
 * lines it has so the caller can bound the scroll.
 */
int
ui_alarm_draw(struct ui *ui, struct client_alarm *a, int y, int h, int w,
    int scroll, int64_t now)
{
	struct pane	 p = { y, h, w, scroll, 0 };
	struct client_ladder *l = ladder_find(ui->con->client, a->id);
	json_t		*o = a->obj;
	char		 buf[256], t[16];

	if (a->state == ALARM_CLOSED) {
		paint_fmt_hms(t, sizeof t, (int64_t)json_integer_value(
		    json_object_get(o, "closed_at")));
		snprintf(buf, sizeof buf, "CLOSED %s: %s", t,
		    a->outcome ? client_outcome_label(a->outcome) : "?");
		pane_field(&p, "Outcome", A_BOLD | A_REVERSE, buf);
	}
	if (json_is_object(json_object_get(o, "incident"))) {
		pane_incident(&p, json_object_get(o, "incident"));
		pane_notes(&p, a);
		return (p.line);
	}
	if (l != NULL)
		pane_ladder(ui, &p, l, now);
	pane_client(&p, json_object_get(o, "client"), now);
	pane_unit(&p, a, json_object_get(o, "unit"));
	pane_responders(&p, json_object_get(o, "responders"));
	pane_notes(&p, a);
	pane_events(&p, a);
	if (p.line - scroll > h)
		paint_put(y + h - 1, w - 14, 14, A_BOLD, " PgDn: more ");
	return (p.line);
}
