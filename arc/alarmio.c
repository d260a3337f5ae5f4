/*
 * alarmio.c -- alarms between the store and the consoles.
 *
 * alarm.c decides; this file makes the decisions durable and visible:
 * every change of an alarm becomes a STORE_ALARM request (the alarm row,
 * its event links, the event high-water mark and the audit row, in the
 * writer's next group commit); when it comes back committed, every
 * console gets the alarm, and the operator who asked gets the reply.
 * Then the free operators get offers.
 *
 * At start-up the open alarms are loaded, today's answered ones counted,
 * and every stored event past the high-water mark (stored, then a crash
 * before its alarm was written) goes through alarm.c again.
 *
 * Thread: network thread. Across a commit we hold the alarm id and tag.
 */
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "alarm.h"
#include "arc.h"

struct alarm_write {
	struct store_req req;
	struct db_alarm	 da;
	uint64_t	 version;
	uint64_t	 tag;
	char		 actor[32];
	char		 action[32];
	char		 detail[96];
	size_t		 nids;
	int64_t		 ids[];
};

struct alarm_lost {
	char		 login[32];
	int64_t		 deadline;
	struct alarm_lost *next;
};

static const struct config	*aio_cfg;
static struct event		*aio_tick;
static struct alarm_lost	*aio_lost;		/* owned list */
static struct alarm_stats	 aio_last_stats;
static int			 aio_stopping;
static int64_t			 aio_hwm_at;	/* when hwm was last written */

static void
aio_write(const struct alarm *a, const int64_t *ids, size_t n, int64_t hwm,
    const char *actor, const char *action, const char *detail, uint64_t tag)
{
	struct alarm_write	*w;

	w = xcalloc(1, sizeof *w + n * sizeof *w->ids);
	alarm_to_db(a, &w->da);
	w->version = a->version;
	w->tag = tag;
	if (n > 0)
		memcpy(w->ids, ids, n * sizeof *ids);
	w->nids = n;
	strlcpy(w->actor, actor ? actor : "arcd", sizeof w->actor);
	strlcpy(w->action, action ? action : "", sizeof w->action);
	strlcpy(w->detail, detail ? detail : "", sizeof w->detail);
	w->req.op = STORE_ALARM;
	w->req.alarm = &w->da;
	w->req.event_ids = w->ids;
	w->req.nevent_ids = n;
	/*
	 * The high-water mark only bounds the replay at start-up (which
	 * skips events already linked), so once a second is enough.
	 */
	if (hwm > 0 && now_ms() - aio_hwm_at >= 1000) {
		w->req.hwm = hwm;
		aio_hwm_at = now_ms();
	}
	w->req.actor = w->actor;
	w->req.action = action != NULL ? w->action : NULL;
	w->req.subject = NULL;
	w->req.detail = w->detail;
	w->req.arg = w;
	ingest_submit(&w->req);
}

/* Show an alarm as it is now (its events are committed). */
static void
aio_show_now(const struct alarm *a)
{
	/* A storm's member is shown through its incident (flushed). */
	if (a->held_until == 0 && a->incident_id == 0 && session_any())
		session_broadcast(json_pack("{s:s, s:o}", "type", "alarm",
		    "alarm", alarm_json(a)));
}

/* Show the durable state of an alarm to every console. */
static void
aio_show(const struct alarm_write *w)
{
	struct alarm	*a, tmp;

	if (!session_any())
		return;		/* nobody to show it to */
	a = alarm_find(w->da.id);
	if (a != NULL && a->version != w->version)
		return;		/* a later write will show it */
	if (a != NULL && a->held_until != 0)
		return;		/* held: not in the queue yet */
	if (a != NULL && a->incident_id != 0 &&
	    strcmp(w->action, "joined incident") != 0)
		return;		/* shown through its incident */
	if (strcmp(w->action, "closed with incident") == 0)
		return;		/* the incident's own row says it */
	if (a == NULL) {
		alarm_from_db(&w->da, &tmp);
		a = &tmp;
	}
	session_broadcast(json_pack("{s:s, s:o}", "type", "alarm", "alarm",
	    alarm_json(a)));
}

void
alarmio_done(struct store_req *r)
{
	struct alarm_write	*w = r->arg;

	if (r->op == STORE_NOTE) {
		if (r->result == 0)
			aio_show(w);
		session_reply_tag(w->tag, r->result == 0 ? NULL : "storage",
		    NULL);
		free(w);
		return;
	}
	if (r->result != 0) {
		COUNT(C_ALARM_WRITE_FAILED);
		log_warnx("alarm %lld: write failed (%s); kept in memory",
		    (long long)w->da.id, w->action);
	} else
		aio_show(w);
	if (w->tag != 0)
		session_reply_tag(w->tag, r->result == 0 ? NULL : "storage",
		    json_pack("{s:I}", "alarm_id", (json_int_t)w->da.id));
	free(w);
	alarmio_dispatch(now_ms());
}

int
alarmio_note(int64_t alarm_id, const char *op, const char *text,
    uint64_t tag)
{
	struct alarm		*a;
	struct alarm_write	*w;

	if ((a = alarm_find(alarm_id)) == NULL)
		return (-1);
	w = xcalloc(1, sizeof *w + strlen(text) + 1);
	alarm_to_db(a, &w->da);
	w->version = a->version;
	w->tag = tag;
	strlcpy(w->actor, op, sizeof w->actor);
	memcpy((char *)w->ids, text, strlen(text) + 1);
	w->req.op = STORE_NOTE;
	w->req.id = alarm_id;
	w->req.at = now_ms();
	w->req.actor = w->actor;
	w->req.detail = (const char *)w->ids;
	w->req.arg = w;
	ingest_submit(&w->req);
	return (0);
}

void
alarmio_frame(const struct db_event *ev, size_t n, int64_t now)
{
	struct alarm	*a;
	size_t		 before = alarm_count_open();

	/* An alarm's age counts from when the unit reported. */
	a = alarm_events(ev, n, n > 0 && ev[0].received_at ?
	    ev[0].received_at : now);
	if (a != NULL && alarm_count_open() > before)
		COUNT(C_ALARMS_OPENED);
	if (a != NULL && a->dirty)
		aio_show_now(a);	/* attached: shown without a write */
}

/* Offer the top of the queue to every operator with nothing in hand. */
static void
aio_offer_one(const char *login, int super, void *arg)
{
	struct alarm	*top;
	int64_t		*now = arg;

	(void)super;
	if (alarm_of(login) != NULL || (top = alarm_top()) == NULL)
		return;
	if (alarm_offer(top, login, *now) == 0)
		session_offer(login, top->id);
}

void
alarmio_dispatch(int64_t now)
{
	if (aio_stopping)
		return;
	session_foreach_login(aio_offer_one, &now);
}

/* An operator's console went away: their alarms wait for the grace. */
void
alarmio_lost(const char *login, int64_t now)
{
	struct alarm		*a;
	struct alarm_lost	*l;
	const char		*why;

	if ((a = alarm_of(login)) != NULL && a->state == ALARM_OFFERED)
		alarm_decline(a, login, now, 0, &why);
	if (alarm_of(login) == NULL)
		return;
	l = xcalloc(1, sizeof *l);
	strlcpy(l->login, login, sizeof l->login);
	l->deadline = now + aio_cfg->console_grace * 1000LL;
	l->next = aio_lost;
	aio_lost = l;
}

/* The operator is back: their alarms no longer wait for the grace. */
void
alarmio_found(const char *login)
{
	struct alarm_lost	**lp, *l;

	for (lp = &aio_lost; (l = *lp) != NULL;) {
		if (strcmp(l->login, login) == 0) {
			*lp = l->next;
			free(l);
		} else
			lp = &l->next;
	}
}

static void
aio_grace(int64_t now)
{
	struct alarm_lost	**lp, *l;
	struct alarm		*a;
	const char		*why;

	for (lp = &aio_lost; (l = *lp) != NULL;) {
		if (l->deadline > now) {
			lp = &l->next;
			continue;
		}
		*lp = l->next;
		if (!session_logged_in(l->login)) {
			while ((a = alarm_of(l->login)) != NULL)
				alarm_release(a, "arcd", 1, now, 0, &why);
			log_notice("operator %s: console lost, alarms back in "
			    "the queue", l->login);
		}
		free(l);
	}
}

json_t *
alarmio_stats_json(int64_t now)
{
	alarm_stats(now, &aio_last_stats);
	return (alarm_json_stats(&aio_last_stats));
}

static void
aio_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct alarm_stats	 st;
	int64_t			 now = now_ms();

	(void)fd;
	(void)what;
	(void)arg;
	alarm_storms_over(now);
	alarm_flush();
	alarm_release_holds(now);
	alarm_expire_offers(now);
	aio_grace(now);
	runaway_sweep(now);
	alarmio_dispatch(now);
	alarm_stats(now, &st);
	if (memcmp(&st, &aio_last_stats, sizeof st) != 0) {
		aio_last_stats = st;
		session_broadcast(json_pack("{s:s, s:o}", "type", "stats",
		    "stats", alarm_json_stats(&st)));
	}
}

static void
aio_snapshot_one(struct alarm *a, void *arg)
{
	if (a->held_until == 0 && a->incident_id == 0)
		json_array_append_new(arg, alarm_json(a));
}

void
alarmio_snapshot(json_t *alarms)
{
	alarm_foreach_open(aio_snapshot_one, alarms);
}

/* --- start-up and shutdown --- */

static int
aio_restore_open(const struct db_alarm *da, void *arg)
{
	alarm_restore(da, *(int64_t *)arg);
	return (0);
}

static int
aio_restore_closed(const struct db_alarm *da, void *arg)
{
	(void)arg;
	if (strcmp(da->state, "closed") == 0)
		alarm_restore_closed(da);
	return (0);
}

struct aio_replay {
	struct db_event	 ev[DC09_MAX_EVENTS];
	size_t		 n;
	size_t		 total;
	int64_t		 now;
};

static void
aio_replay_flush(struct aio_replay *r)
{
	if (r->n > 0)
		alarmio_frame(r->ev, r->n, r->now);
	r->total += r->n;
	r->n = 0;
}

/* Events stored but never seen by alarm.c: one frame at a time. */
static int
aio_replay_one(const struct db_event *e, void *arg)
{
	struct aio_replay	*r = arg;

	if (r->n > 0 && (r->ev[0].dedupe != e->dedupe ||
	    strcmp(r->ev[0].account, e->account) != 0 ||
	    r->n == nitems(r->ev)))
		aio_replay_flush(r);
	r->ev[r->n] = *e;
	r->ev[r->n].raw = NULL;
	r->n++;
	return (0);
}

int
alarmio_init(struct event_base *base, const struct config *cfg,
    struct db *rdb, char **cause)
{
	struct alarm_hooks	 hooks = { aio_write };
	struct aio_replay	*r;
	struct timeval		 tv = { 1, 0 };
	int64_t			 now = now_ms();
	size_t			 i;

	aio_cfg = cfg;
	alarm_json_init(rdb);
	alarm_init(&hooks, db_alarm_max_id(rdb) + 1);
	runaway_init(cfg->runaway_burst, cfg->runaway_per_min);
	storm_init(cfg->storm_units, cfg->storm_window, cfg->storm_quiet);
	for (i = 0; i < cfg->nholds; i++)
		alarm_hold(cfg->holds[i].code, cfg->holds[i].secs);
	if (db_alarm_foreach_open(rdb, aio_restore_open, &now) != 0 ||
	    db_alarm_foreach_since(rdb, now - now % 86400000,
	    aio_restore_closed, NULL) != 0) {
		xasprintf(cause, "loading alarms: %s", db_errmsg(rdb));
		return (-1);
	}
	alarm_restore_done();
	r = xcalloc(1, sizeof *r);
	r->now = now;
	if (db_event_foreach_after(rdb, db_alarm_hwm(rdb), aio_replay_one,
	    r) != 0) {
		xasprintf(cause, "replaying events: %s", db_errmsg(rdb));
		free(r);
		return (-1);
	}
	aio_replay_flush(r);
	log_notice("alarms: %zu open, %zu stored events replayed",
	    alarm_count_open(), r->total);
	free(r);
	aio_tick = event_new(base, -1, EV_PERSIST, aio_tick_cb, NULL);
	event_add(aio_tick, &tv);
	return (0);
}

/* Before the store drains: no more offers, no more ticks. */
void
alarmio_quiesce(void)
{
	alarm_flush();		/* the last counts, before the store stops */
	aio_stopping = 1;
	if (aio_tick != NULL)
		event_free(aio_tick);
	aio_tick = NULL;
}

void
alarmio_shutdown(void)
{
	struct alarm_lost	*l;

	while ((l = aio_lost) != NULL) {
		aio_lost = l->next;
		free(l);
	}
	alarm_free_all();
}
