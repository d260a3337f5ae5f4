/*
 * request.c -- what a console asks, once its line is a JSON object
 * (session.c) and checked (reqparse.c): before login only login (and
 * nothing else is parsed further); after it the alarm requests go to
 * alarmio (answered once durable), the pages of an alarm's older events
 * and notes are read on the reader worker, the operators view and unlock
 * are the supervisor's.
 *
 * Thread: network thread; request_page_run on the reader worker.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "arc.h"

/* A page of an alarm's events or notes, read on the worker. */
struct request_page {
	struct worker_job	 job;
	uint64_t		 tag;
	int			 notes;		/* else events */
	int64_t			 alarm_id, before;
	int			 limit;
	json_t			*items;		/* built on the worker */
	int			 n;
};

static int
request_page_event(const struct db_event *e, void *arg)
{
	struct request_page	*p = arg;
	struct history_event	 he;

	if (p->n++ == p->limit)
		return (1);		/* one more: there is more */
	history_copy(&he, e);
	json_array_append_new(p->items, alarm_json_event(&he));
	return (0);
}

static int
request_page_note(const struct db_note *n, void *arg)
{
	struct request_page	*p = arg;
	struct history_note	 hn;

	if (p->n++ == p->limit)
		return (1);
	hn.id = n->id;
	hn.at = n->at;
	strlcpy(hn.op, n->op, sizeof hn.op);
	hn.text = (char *)(uintptr_t)n->text;	/* borrowed, not freed */
	json_array_append_new(p->items, alarm_json_note(&hn));
	return (0);
}

/* Worker thread: one more row than asked says whether there are more. */
static void
request_page_run(struct db *db, struct worker_job *job)
{
	struct request_page	*p = (struct request_page *)job;

	p->items = json_array();
	if (p->notes)
		job->result = db_alarm_notes(db, p->alarm_id, p->before,
		    p->limit + 1, request_page_note, p);
	else
		job->result = db_alarm_events(db, p->alarm_id, p->before,
		    p->limit + 1, request_page_event, p);
}

static void
request_page_done(struct worker_job *job)
{
	struct request_page	*p = (struct request_page *)job;

	if (job->result != 0 || p->items == NULL) {
		json_decref(p->items);
		session_reply_tag(p->tag, "storage", NULL);
	} else
		session_reply_tag(p->tag, NULL, json_pack("{s:o, s:b}",
		    p->notes ? "notes" : "events", p->items, "more",
		    p->n > p->limit));
	free(p);
}

static void
request_page(struct session *s, const struct request *r)
{
	struct request_page	*p;

	p = xcalloc(1, sizeof *p);
	p->job.run = request_page_run;
	p->job.done = request_page_done;
	p->tag = session_tag(s, r->id);
	p->notes = r->type == REQ_NOTES;
	p->alarm_id = r->alarm_id;
	p->before = r->before;
	p->limit = r->limit;
	lookup_submit(&p->job);
}

/* accept, decline, release, close: through alarmio, answered by tag. */
static void
request_change(struct session *s, const struct request *r)
{
	struct alarmio_req	 q;

	memset(&q, 0, sizeof q);
	switch (r->type) {
	case REQ_ACCEPT:
		q.action = ACTION_ACCEPT;
		break;
	case REQ_DECLINE:
		q.action = ACTION_DECLINE;
		break;
	case REQ_RELEASE:
		q.action = ACTION_RELEASE;
		break;
	default:
		q.action = ACTION_CLOSE;
		break;
	}
	q.login = s->login;
	q.super = s->super;
	q.alarm_id = r->alarm_id;
	q.outcome = r->outcome;
	q.text = r->text;
	q.tag = session_tag(s, r->id);
	alarmio_request(&q);
}

static void
request_alarm(struct session *s, const struct request *r)
{
	const struct alarm	*a = alarmio_shown(r->alarm_id);

	if (a == NULL) {
		session_reply(s, r->id, "not_found", NULL);
		return;
	}
	session_pull(s, a->id);		/* not again in the snapshot */
	session_reply(s, r->id, NULL, json_pack("{s:o}", "alarm",
	    alarm_json(a)));
}

/* A supervisor gives an alarm to an operator (to themselves: take over). */
static void
request_reassign(struct session *s, const struct request *r)
{
	struct alarmio_req	 q;

	memset(&q, 0, sizeof q);
	q.action = ACTION_REASSIGN;
	q.login = s->login;
	q.super = 1;
	q.alarm_id = r->alarm_id;
	q.to = r->login;
	q.tag = session_tag(s, r->id);
	alarmio_request(&q);
}

static void
request_super(struct session *s, const struct request *r)
{
	if (!s->super) {
		session_reply(s, r->id, "forbidden", NULL);
		return;
	}
	if (r->type == REQ_REASSIGN)
		request_reassign(s, r);
	else if (r->type == REQ_OPERATORS)
		session_reply(s, r->id, NULL, push_operators());
	else if (login_unlock(r->login, r->source, s->login) != 0)
		session_reply(s, r->id, "not_found", NULL);
	else
		session_reply(s, r->id, NULL, NULL);
}

/* The ladder: its operator (or a supervisor) starts and steers it. */
static void
request_ladder(struct session *s, const struct request *r)
{
	const struct ladder	*l = ladder_get(r->alarm_id);
	const char		*why = NULL;
	int			 rc;

	if (r->type == REQ_SEND_RESPONDER)
		rc = escalate_start(r->alarm_id, s->login, &why);
	else if (l != NULL && !s->super && strcmp(l->operator, s->login) != 0) {
		why = "not_yours";
		rc = -1;
	} else
		rc = escalate_command(r->alarm_id, s->login, r->what, &why);
	session_reply(s, r->id, rc == 0 ? NULL : why, NULL);
}

static void
request_authed(struct session *s, const struct request *r)
{
	switch (r->type) {
	case REQ_LOGIN:
		session_reply(s, r->id, "bad_request", NULL);
		break;
	case REQ_HEARTBEAT:
		session_heartbeat_ack(s, r->seq);
		break;
	case REQ_PING:
		session_reply(s, r->id, NULL, NULL);
		break;
	case REQ_ACCEPT:
	case REQ_DECLINE:
	case REQ_RELEASE:
	case REQ_CLOSE:
		request_change(s, r);
		break;
	case REQ_NOTE:
		alarmio_note(r->alarm_id, s->login, r->text,
		    session_tag(s, r->id));
		break;
	case REQ_ALARM:
		request_alarm(s, r);
		break;
	case REQ_EVENTS:
	case REQ_NOTES:
		request_page(s, r);
		break;
	case REQ_AWAY:
		if (alarmio_away(s->login, r->away) != 0)
			session_reply(s, r->id, "state", NULL);
		else
			session_reply(s, r->id, NULL, NULL);
		break;
	case REQ_OPERATORS:
	case REQ_UNLOCK:
	case REQ_REASSIGN:
		request_super(s, r);
		break;
	case REQ_SEND_RESPONDER:
	case REQ_LADDER:
		request_ladder(s, r);
		break;
	}
}

void
request_line(struct session *s, json_t *o)
{
	struct request	 r;
	const char	*error;

	error = request_parse(o, &r);
	if (!s->authed && (r.type != REQ_LOGIN || (error != NULL &&
	    strcmp(error, "unknown_type") == 0))) {
		session_reply(s, r.id, "login", NULL);	/* nothing else yet */
		return;
	}
	if (error != NULL)
		session_reply(s, r.id, error, NULL);
	else if (!s->authed)
		login_request(s, &r);
	else
		request_authed(s, &r);
}
