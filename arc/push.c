/*
 * push.c -- what changed, to the consoles: alarmio's hooks as messages of
 * docs/console-protocol.md. An alarm goes whole once (alarm), then as
 * its update (alarm_update), each event linked to it (alarm_event) and
 * each note (alarm_note); offers to their operator; the operators view
 * to supervisors once per loop turn when it changed. Each message is
 * built once and serialised once for every console (session.c), and not
 * at all when no console is logged in.
 *
 * Thread: network thread.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "arc.h"

void
push_alarm(const struct alarm *a, int whole)
{
	if (!session_any())
		return;
	if (whole)
		session_broadcast_alarm(a);
	else
		session_broadcast_about(a->id, json_pack("{s:s, s:o}", "type",
		    "alarm_update", "alarm", alarm_json_update(a)));
}

void
push_event(const struct alarm *a, const struct history_event *e)
{
	if (!session_any() || e == NULL)
		return;
	session_broadcast_about(a->id, json_pack("{s:s, s:I, s:o, s:i, s:I, "
	    "s:I}", "type", "alarm_event", "alarm_id", (json_int_t)a->id,
	    "event", alarm_json_event(e), "count", a->count, "last_at",
	    (json_int_t)a->last_at, "events_total",
	    (json_int_t)history_events_total(a->id)));
}

void
push_note(int64_t alarm_id, const struct history_note *n, int64_t total)
{
	if (!session_any())
		return;
	session_broadcast_about(alarm_id, json_pack("{s:s, s:I, s:o, s:I}",
	    "type", "alarm_note", "alarm_id", (json_int_t)alarm_id, "note",
	    alarm_json_note(n), "notes_total", (json_int_t)total));
}

struct push_offer {
	const char	*login;
	int64_t		 alarm_id;
};

static void
push_offer_one(struct session *s, void *arg)
{
	struct push_offer	*o = arg;

	if (!s->authed || strcmp(s->login, o->login) != 0)
		return;
	session_pull(s, o->alarm_id);	/* the alarm before its offer */
	session_send(s, json_pack("{s:s, s:I}", "type", "offer", "alarm_id",
	    (json_int_t)o->alarm_id));
}

void
push_offer(const char *login, int64_t alarm_id)
{
	struct push_offer	 o = { login, alarm_id };

	session_each(push_offer_one, &o);
}

struct push_lost {
	const char	*login;
	json_t		*msg;
};

static void
push_lost_one(struct session *s, void *arg)
{
	struct push_lost	*l = arg;

	if (s->authed && strcmp(s->login, l->login) == 0)
		session_send(s, json_incref(l->msg));
}

/* Tell an operator a supervisor took an alarm from them, and who has it. */
void
push_lost(const char *login, int64_t alarm_id, const char *by,
    const char *to)
{
	struct push_lost	 l = { login, NULL };
	char			 text[160];

	if (*to != '\0')
		snprintf(text, sizeof text, "alarm %lld was given to %s by %s",
		    (long long)alarm_id, to, by);
	else
		snprintf(text, sizeof text, "alarm %lld was put back in the "
		    "queue by %s", (long long)alarm_id, by);
	l.msg = json_pack("{s:s, s:s, s:o, s:I, s:o, s:o}", "type", "system",
	    "code", *to != '\0' ? "reassigned" : "released", "text",
	    alarm_json_text(text), "alarm_id", (json_int_t)alarm_id, "by",
	    alarm_json_text(by), "to", *to != '\0' ? alarm_json_text(to) :
	    json_null());
	session_each(push_lost_one, &l);
	json_decref(l.msg);
}

/* --- the supervisor's view --- */

static void
push_operator(struct operator *op, void *arg)
{
	struct stats_operator	 st;
	const struct alarm	*a;
	json_t			*ids = json_array(), *held = json_array();
	size_t			 i;

	for (i = 0; i < op->nheld; i++) {
		json_array_append_new(ids, json_integer(op->held[i]));
		if ((a = alarm_find(op->held[i])) == NULL)
			continue;
		json_array_append_new(held, json_pack("{s:I, s:s, s:i, s:I}",
		    "id", (json_int_t)a->id, "state",
		    alarm_state_name(a->state), "class", a->class, "since",
		    (json_int_t)(a->state == ALARM_HANDLING ? a->accepted_at :
		    a->offered_at)));
	}
	stats_of_operator(op->login, &st);
	json_array_append_new(arg, json_pack("{s:o, s:o, s:s, s:b, s:s, "
	    "s:b, s:o, s:o, s:n, s:i, s:i, s:i, s:i}", "login",
	    alarm_json_text(op->login), "name", alarm_json_text(op->name),
	    "role", op->super ? "supervisor" : "operator", "connected",
	    op->sessions > 0, "state", operator_state_name(dispatch_state(op)), "away",
	    op->away, "alarms", ids, "held", held, "locked_until", "logins",
	    st.logins, "answered", st.answered, "within_60", st.within_60,
	    "within_180", st.within_180));
}

/* A locked login: on its operator's row, or a row of its own. */
static void
push_locked(const char *login, int64_t until, void *arg)
{
	json_t	*row, *name = alarm_json_text(login);
	size_t	 i;

	json_array_foreach(arg, i, row) {
		if (json_equal(json_object_get(row, "login"), name)) {
			json_object_set_new(row, "locked_until",
			    json_integer(until));
			json_decref(name);
			return;
		}
	}
	json_array_append_new(arg, json_pack("{s:O, s:n, s:n, s:b, s:[], "
	    "s:I}", "login", name, "name", "role", "connected", 0, "alarms",
	    "locked_until", (json_int_t)until));
	json_decref(name);
}

static void
push_locked_source(const char *addr, int64_t until, void *arg)
{
	json_array_append_new(arg, json_pack("{s:o, s:I}", "source",
	    alarm_json_text(addr), "locked_until", (json_int_t)until));
}

json_t *
push_operators(void)
{
	json_t	*ops = json_array(), *sources = json_array();

	operator_all(push_operator, ops);
	login_locked_each(0, push_locked, ops);
	login_locked_each(1, push_locked_source, sources);
	return (json_pack("{s:o, s:o}", "operators", ops, "locked_sources",
	    sources));
}

static void
push_super(struct session *s, void *arg)
{
	json_t	**view = arg;

	if (!s->authed || !s->super)
		return;
	if (*view == NULL) {
		*view = push_operators();
		json_object_set_new(*view, "type", json_string("operators"));
	}
	session_send(s, json_incref(*view));
}

void
push_turn(void)
{
	json_t	*view = NULL;
	int	 dirty;

	dirty = operator_dirty();
	dirty |= login_dirty();
	if (!dirty)
		return;
	operator_clean();
	session_each(push_super, &view);
	json_decref(view);
}
