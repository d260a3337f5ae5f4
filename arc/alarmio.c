/*
 * alarmio.c -- alarm changes to the store, then to the consoles.
 *
 * The core decides and hands back typed changes (struct alarm_change);
 * this file makes them durable and visible. A frame's changes ride in the
 * frame's own store request (alarmio_frame: the event rows and the alarm
 * rows in one transaction, before the ACK); an operator's request, an
 * offer and the once-a-second work get a request of their own. When a
 * request comes back, each change goes back to the core (alarm_done:
 * kept, or undone so memory is what is stored), the consoles are shown
 * the alarms as stored, the operator who asked gets the reply, and the
 * free operators get offers (once per loop turn).
 *
 * What consoles have: every alarm visible and stored (the shown set). An
 * alarm goes to them whole once, when it is first shown (a console that
 * logs in gets the whole set in its snapshot); after that only what
 * changed: its update, each event linked to it, each note. An alarm
 * closed, held or collapsed into an incident leaves the set with a last
 * update.
 *
 * Thread: the network thread. Across a commit we hold alarm ids and a
 * reply tag, never pointers to alarms or sessions.
 */
#include <stdlib.h>
#include <string.h>

#include "arc.h"

struct alarm_write {
	struct store_req	 req;	/* its own (a frame's rides elsewhere) */
	struct alarm_change	*v;	/* in this block, after the struct */
	size_t			 n;
	struct store_alarm	*parts;	/* in this block: the rows, in order */
	size_t			 nparts;
	int64_t			*links;	/* owned: replayed events to link */
	size_t			 nlinks;
	uint64_t		 tag;	/* an operator's request; 0 = none */
	int64_t			 alarm_id;	/* for the reply */
	int64_t			 note_at;	/* a note: when */
	char			*note;		/* owned: a note's text */
	char			 login[32];	/* a note's author */
};

static struct alarmio_hooks	 aio_hooks;
static struct alarm_changes	 aio_cs;	/* one core call's changes */
static int			 aio_dispatch_due, aio_stopping;
static struct alarm_stats	 aio_last_stats;
static int64_t			 aio_hwm_at;	/* mono: hwm last raised */
static struct hmap		 aio_shown;	/* alarm ids consoles have */

static void	aio_write_done(struct store_req *);

/* The core's changes so far, with their rows as they are now (one block). */
static struct alarm_write *
aio_collect(void)
{
	struct alarm_write	*w;
	struct alarm_change	*c;
	struct store_alarm	*p;
	struct alarm		*a;
	size_t			 i, nrows = 0;

	if (aio_cs.n == 0)
		return (NULL);
	for (i = 0; i < aio_cs.n; i++)
		nrows += aio_cs.v[i].row;
	/* The header zeroed; the changes and rows are written in full below. */
	w = xmalloc(sizeof *w + aio_cs.n * sizeof *w->v +
	    nrows * sizeof *w->parts);
	memset(w, 0, sizeof *w);
	w->n = aio_cs.n;
	w->v = (struct alarm_change *)(w + 1);
	w->parts = (struct store_alarm *)(w->v + w->n);
	memcpy(w->v, aio_cs.v, w->n * sizeof *w->v);
	alarm_changes_clear(&aio_cs);
	for (i = 0; i < w->n; i++) {
		c = &w->v[i];
		if ((a = alarm_find(c->alarm_id)) == NULL)
			fatalx("alarm %lld: changed and gone",
			    (long long)c->alarm_id);
		c->version = a->version;
		if (!c->row)
			continue;
		alarm_snapshot(a, &c->snap);
		p = &w->parts[w->nparts++];
		alarm_to_db(a, &p->row);
		p->link = NULL;
		p->nlink = 0;
		p->actor = c->actor;
		p->action = alarm_action_name(c->action);
		p->detail = c->detail;
	}
	return (w);
}

static void
aio_free(struct alarm_write *w)
{
	free(w->links);
	free(w->note);
	free(w);
}

/* The row a change wrote (changes with rows, in order, own the parts). */
static const struct db_alarm *
aio_row(const struct alarm_write *w, size_t i)
{
	size_t	 j, k = 0;

	for (j = 0; j < i; j++)
		k += w->v[j].row;
	return (w->v[i].row ? &w->parts[k].row : NULL);
}

static int
aio_is_shown(int64_t id)
{
	return (aio_shown.cap != 0 &&
	    hmap_get(&aio_shown, (uint64_t)id, NULL) == 0);
}

/* Into the shown set: 1 if it was not there. */
static int
aio_show_add(int64_t id)
{
	if (aio_shown.cap == 0)
		hmap_init(&aio_shown, 256);
	if (hmap_get(&aio_shown, (uint64_t)id, NULL) == 0)
		return (0);
	hmap_put(&aio_shown, (uint64_t)id, 1);
	return (1);
}

/* Out of the shown set: 1 if it was there. */
static int
aio_show_del(int64_t id)
{
	if (!aio_is_shown(id))
		return (0);
	hmap_del(&aio_shown, (uint64_t)id);
	return (1);
}

/* Show one alarm as stored (after its change came back). */
static void
aio_show(const struct alarm_change *c, const struct db_alarm *row, int ok)
{
	struct alarm	*a = alarm_find(c->alarm_id), tmp;

	if (!ok) {
		/* Put back: consoles may have missed an earlier change. */
		if (a != NULL && a->writing == 0 && a->stored &&
		    aio_is_shown(a->id))
			aio_hooks.alarm(a, 0);
		return;
	}
	if (a != NULL && a->version != c->version)
		return;		/* a later change shows it */
	if (a == NULL) {	/* closed (or with its incident) */
		if (aio_show_del(c->alarm_id) && row != NULL) {
			alarm_from_db(row, &tmp);
			aio_hooks.alarm(&tmp, 0);
		}
		history_drop(c->alarm_id);
		alarmline_drop(c->alarm_id);
		ladder_drop(c->alarm_id);
		return;
	}
	if (!alarm_visible(a)) {	/* held, or into an incident */
		if (aio_show_del(a->id))
			aio_hooks.alarm(a, 0);
		return;
	}
	if (aio_show_add(a->id))
		aio_hooks.alarm(a, 1);	/* first shown: whole */
	else if (c->action != ACTION_ATTACH && c->action != ACTION_ANNOTATE &&
	    c->action != ACTION_COUNTED)
		aio_hooks.alarm(a, 0);	/* events went as alarm_event */
}

/* Is change i the last of its alarm in w (the one that shows it)? */
static int
aio_last_of_alarm(const struct alarm_write *w, size_t i, struct hmap *seen)
{
	size_t	 j;

	if (w->n <= 8) {
		for (j = i + 1; j < w->n; j++)
			if (w->v[j].alarm_id == w->v[i].alarm_id)
				return (0);
		return (1);
	}
	if (hmap_get(seen, (uint64_t)w->v[i].alarm_id, NULL) == 0)
		return (0);		/* walked backwards: seen later */
	hmap_put(seen, (uint64_t)w->v[i].alarm_id, 1);
	return (1);
}

/* A write came back: to the core, then to the consoles and the asker. */
static void
aio_finish(struct alarm_write *w, int ok)
{
	struct hmap	 seen;
	size_t		 i;

	for (i = 0; i < w->n; i++) {
		alarm_done(&w->v[i], ok);
		if (ok && w->v[i].action == ACTION_OPEN)
			COUNT(C_ALARMS_OPENED);
	}
	if (!ok && w->nparts > 0) {
		COUNT(C_ALARM_WRITE_FAILED);
		log_warnx("alarm %lld: write failed (%s); memory as stored",
		    (long long)w->v[0].alarm_id,
		    alarm_action_name(w->v[0].action) ? alarm_action_name(
		    w->v[0].action) : "count");
	}
	memset(&seen, 0, sizeof seen);
	if (w->n > 8)
		hmap_init(&seen, w->n);
	for (i = w->n; i > 0; i--)
		if (aio_last_of_alarm(w, i - 1, &seen))
			aio_show(&w->v[i - 1], aio_row(w, i - 1), ok);
	hmap_free(&seen);
	for (i = 0; ok && i < w->n; i++) {
		if (w->v[i].action == ACTION_OFFER)
			aio_hooks.offer(w->v[i].snap.operator,
			    w->v[i].alarm_id);
		else if (w->v[i].from[0] != '\0')
			aio_hooks.lost(w->v[i].from, w->v[i].alarm_id,
			    w->v[i].actor, w->v[i].snap.operator);
	}
	if (w->tag != 0 && aio_hooks.reply != NULL)
		aio_hooks.reply(w->tag, ok ? NULL : "storage",
		    json_pack("{s:I}", "alarm_id", (json_int_t)w->alarm_id));
	aio_dispatch_due = 1;
}

/* Write the core's changes in a request of their own. */
static void
aio_submit(struct alarm_write *w)
{
	if (w == NULL)
		return;
	if (w->nparts == 0) {
		aio_finish(w, 1);
		aio_free(w);
		return;
	}
	w->req.op = STORE_ALARM;
	w->req.alarms = w->parts;
	w->req.nalarms = w->nparts;
	w->req.done = aio_write_done;
	w->req.arg = w;
	commit_submit(&w->req);
}

static void
aio_write_done(struct store_req *r)
{
	struct alarm_write	*w = r->arg;

	aio_finish(w, r->result == 0);
	aio_free(w);
}

/* --- frames --- */

struct alarm_write *
alarmio_frame(struct db_event *ev, size_t n, int64_t wall, int64_t mono,
    struct store_req *r)
{
	struct alarm_write	*w;

	alarm_events(ev, n, wall, mono, &aio_cs);
	/* The replay at start-up reads from the mark; once a second. */
	if (mono - aio_hwm_at >= 1000) {
		r->hwm = STORE_HWM_LAST;
		aio_hwm_at = mono;
	}
	if ((w = aio_collect()) == NULL)
		return (NULL);
	r->alarms = w->parts;
	r->nalarms = w->nparts;
	return (w);
}

/* An event stored and linked: into the history; to consoles that have it. */
static void
aio_event(const struct db_event *e)
{
	struct alarm	*a;

	history_event(e->alarm_id, e);
	if (aio_is_shown(e->alarm_id) && (a = alarm_find(e->alarm_id)) != NULL)
		aio_hooks.event(a, history_newest(e->alarm_id));
}

void
alarmio_frame_done(struct alarm_write *w, const struct store_req *r)
{
	size_t	 i;

	for (i = 0; r->result == 0 && i < r->nev; i++)
		if (r->ev[i].alarm_id != 0)
			aio_event(&r->ev[i]);
	if (w == NULL)
		return;
	aio_finish(w, r->result == 0);
	aio_free(w);
}

/* Each part links the replayed events of its alarm (once per alarm). */
static void
aio_links(struct alarm_write *w, const struct db_event *ev, size_t n)
{
	struct store_alarm	*p;
	size_t			 i, j, k;

	w->links = xreallocarray(NULL, n, sizeof *w->links);
	for (j = 0; j < w->nparts; j++) {
		p = &w->parts[j];
		for (k = 0; k < j; k++)
			if (w->parts[k].row.id == p->row.id)
				break;
		if (k < j)
			continue;
		p->link = w->links + w->nlinks;
		for (i = 0; i < n; i++) {
			if (ev[i].alarm_id == p->row.id) {
				w->links[w->nlinks++] = ev[i].id;
				p->nlink++;
			}
		}
	}
}

/*
 * Start-up: events stored but never linked to an alarm (written by an
 * older arcd) go through the core again; their links are written with
 * the alarm's row.
 */
void
alarmio_replay(struct db_event *ev, size_t n)
{
	struct alarm_write	*w;
	struct alarm		*a;
	size_t			 i;

	a = alarm_events(ev, n, ev[0].received_at, clock_mono(), &aio_cs);
	if (a != NULL)		/* a row to carry the links */
		alarm_change(&aio_cs, a, ACTION_COUNTED, "arcd", 1);
	if ((w = aio_collect()) == NULL)
		return;
	aio_links(w, ev, n);
	for (i = 0; i < n; i++)
		if (ev[i].alarm_id != 0)
			history_event(ev[i].alarm_id, &ev[i]);
	aio_submit(w);
}

/* --- operators --- */

static void
aio_reply_now(uint64_t tag, const char *error)
{
	if (aio_hooks.reply != NULL)
		aio_hooks.reply(tag, error, NULL);
}

/* The alarm a request means: by id, else the one offered, else the top. */
static struct alarm *
aio_resolve(const struct alarmio_req *q)
{
	struct alarm	*a;

	if (q->alarm_id != 0)
		a = alarm_find(q->alarm_id);
	else if ((a = dispatch_offered(q->login)) == NULL)
		a = alarm_top();
	/* Not stored yet: nobody has seen it, nobody may take it. */
	return (a != NULL && !a->closing && a->stored ? a : NULL);
}

void
alarmio_request(const struct alarmio_req *q)
{
	struct alarm_write	*w;
	struct alarm		*a;
	const char		*why = "bad_request";
	int64_t			 wall = clock_wall(), id;
	int			 rc = -1;

	if ((a = aio_resolve(q)) == NULL) {
		aio_reply_now(q->tag, "not_found");
		return;
	}
	id = a->id;
	switch (q->action) {
	case ACTION_ACCEPT:
		rc = alarm_accept(a, q->login, wall, &aio_cs, &why);
		break;
	case ACTION_DECLINE:
		rc = alarm_decline(a, q->login, wall, &aio_cs, &why);
		break;
	case ACTION_RELEASE:
		rc = alarm_release(a, q->login, q->super, ACTION_RELEASE, wall,
		    &aio_cs, &why);
		break;
	case ACTION_CLOSE:
		/* A responder on the way: closing needs a reason. */
		if (ladder_on_way(a->id) && (q->text == NULL ||
		    q->text[0] == '\0')) {
			why = "responder_on_way";
			break;
		}
		rc = alarm_close(a, q->login, q->outcome, q->text, wall,
		    &aio_cs, &why);
		break;
	case ACTION_REASSIGN:
		rc = alarm_reassign(a, q->login, q->to, wall, &aio_cs, &why);
		break;
	default:
		break;
	}
	if (rc != 0) {
		if (strcmp(why, "limit") == 0)
			COUNT(C_CONSOLE_HELD_LIMIT);
		aio_reply_now(q->tag, why);
		return;
	}
	if ((w = aio_collect()) == NULL)
		return;
	w->tag = q->tag;
	w->alarm_id = id;
	aio_submit(w);
}

/* Its ladder ran out of responders: back to the queue, a P1. */
void
alarmio_no_responder(int64_t alarm_id)
{
	struct alarm_write	*w;
	struct alarm		*a;

	if ((a = alarm_find(alarm_id)) == NULL ||
	    alarm_no_responder(a, clock_wall(), &aio_cs) != 0)
		return;
	if ((w = aio_collect()) != NULL)
		aio_submit(w);
}

static void
aio_note_done(struct store_req *r)
{
	struct alarm_write	*w = r->arg;
	struct history_note	 n;

	if (r->result == 0) {
		history_note(w->alarm_id, r->out_id, w->note_at, w->login,
		    w->note);
		if (aio_is_shown(w->alarm_id)) {
			n.id = r->out_id;
			n.at = w->note_at;
			strlcpy(n.op, w->login, sizeof n.op);
			n.text = w->note;
			aio_hooks.note(w->alarm_id, &n,
			    history_notes_total(w->alarm_id));
		}
	}
	aio_hooks.reply(w->tag, r->result == 0 ? NULL : "storage",
	    r->result == 0 ? json_pack("{s:I}", "note_id",
	    (json_int_t)r->out_id) : NULL);
	free(w->note);
	free(w);
}

void
alarmio_note(int64_t alarm_id, const char *login, const char *text,
    uint64_t tag)
{
	struct alarm_write	*w;
	struct alarm		*a;

	if ((a = alarm_find(alarm_id)) == NULL || a->closing || !a->stored) {
		aio_reply_now(tag, "not_found");
		return;
	}
	w = xcalloc(1, sizeof *w);
	w->tag = tag;
	w->alarm_id = alarm_id;
	w->note_at = clock_wall();
	w->note = xstrdup(text);
	w->req.op = STORE_NOTE;
	w->req.id = alarm_id;
	w->req.at = w->note_at;
	strlcpy(w->login, login, sizeof w->login);
	w->req.actor = w->login;
	w->req.detail = w->note;
	w->req.done = aio_note_done;
	w->req.arg = w;
	commit_submit(&w->req);
}

void
alarmio_login(const char *login, const char *name, int super)
{
	operator_login(login, name, super);
	stats_count_login(login, clock_wall());
	aio_dispatch_due = 1;
}

int
alarmio_away(const char *login, int away)
{
	char	 subject[48];

	if (operator_set_away(login, away) != 0)
		return (-1);
	snprintf(subject, sizeof subject, "operator %s", login);
	commit_audit(login, away ? "away" : "back", subject, "");
	aio_dispatch_due = 1;
	return (0);
}

void
alarmio_logout(const char *login)
{
	dispatch_logout(login, clock_wall(), clock_mono(), &aio_cs);
	aio_submit(aio_collect());
}

struct aio_queue {
	int64_t		*v;
	size_t		 n;
};

static void
aio_queue_one(struct alarm *a, void *arg)
{
	struct aio_queue	*q = arg;

	if (aio_is_shown(a->id))
		q->v[q->n++] = a->id;
}

size_t
alarmio_queue(int64_t **ids)
{
	struct aio_queue	 q;

	q.v = xreallocarray(NULL, hmap_count(&aio_shown) + 1, sizeof *q.v);
	q.n = 0;
	alarm_foreach_open(aio_queue_one, &q);
	*ids = q.v;
	return (q.n);
}

const struct alarm *
alarmio_shown(int64_t id)
{
	return (aio_is_shown(id) ? alarm_find(id) : NULL);
}

static void
aio_loaded_one(struct alarm *a, void *arg)
{
	(void)arg;
	if (alarm_visible(a) && a->stored)
		aio_show_add(a->id);
}

void
alarmio_loaded(void)
{
	alarm_each(aio_loaded_one, NULL);
}

json_t *
alarmio_stats_json(void)
{
	alarm_stats(clock_wall(), &aio_last_stats);
	return (alarm_json_stats(&aio_last_stats));
}

/* --- the loop --- */

void
alarmio_turn(void)
{
	if (!aio_dispatch_due || aio_stopping)
		return;
	aio_dispatch_due = 0;
	dispatch_run(clock_wall(), clock_mono(), &aio_cs);
	aio_submit(aio_collect());
}

void
alarmio_tick(void)
{
	struct alarm_stats	 st;
	int64_t			 wall = clock_wall(), mono = clock_mono();

	if (aio_stopping)
		return;
	alarm_storms_over(mono, &aio_cs);
	alarm_flush(&aio_cs);
	alarm_release_holds(mono, &aio_cs);
	dispatch_expire(wall, mono, &aio_cs);
	aio_submit(aio_collect());
	runaway_sweep(mono);
	aio_dispatch_due = 1;
	alarm_stats(wall, &st);
	if (memcmp(&st, &aio_last_stats, sizeof st) != 0) {
		aio_last_stats = st;
		if (aio_hooks.broadcast != NULL)
			aio_hooks.broadcast(json_pack("{s:s, s:o}", "type",
			    "stats", "stats", alarm_json_stats(&st)));
	}
}

void
alarmio_start(const struct config *cfg, const struct alarmio_hooks *hooks)
{
	aio_hooks = *hooks;
	dispatch_init();
	alarmio_reload(cfg);
}

/* The limits a reload may change: held, grace, runaways, storms, holds. */
void
alarmio_reload(const struct config *cfg)
{
	size_t	 i;

	operator_init(cfg->console_grace, cfg->max_held);
	runaway_init(cfg->runaway_burst, cfg->runaway_per_min);
	storm_init(cfg->storm_units, cfg->storm_window, cfg->storm_quiet);
	alarm_hold_clear();
	for (i = 0; i < cfg->nholds; i++)
		alarm_hold(cfg->holds[i].code, cfg->holds[i].secs);
}

/* Before the store drains: the last counts, then no more changes. */
void
alarmio_quiesce(void)
{
	alarm_flush(&aio_cs);
	aio_submit(aio_collect());
	aio_stopping = 1;
}

void
alarmio_stop(void)
{
	alarm_changes_free(&aio_cs);
	alarm_free_all();
	alarm_hold_clear();
	operator_free_all();
	dispatch_free();
	history_free_all();
	alarmline_free_all();
	hmap_free(&aio_shown);
}
