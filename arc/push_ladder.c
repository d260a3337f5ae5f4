/*
 * push_ladder.c -- escalation ladders to the consoles (docs/console-
 * protocol.md): the whole ladder of an alarm on each change ("ladder":
 * every step with its responder, state and times), every live ladder to
 * a console that logs in, and an alert (no responder, overdue arrival or
 * entry) to the operator who decided and to supervisors.
 *
 * Thread: the network thread.
 */
#include <jansson.h>
#include <string.h>

#include "arc.h"

static json_t *
push_ladder_json(const struct ladder *l)
{
	const struct ladder_step	*s;
	json_t				*steps = json_array(), *o;
	size_t				 i;

	for (i = 0; i < l->n; i++) {
		s = &l->steps[i];
		json_array_append_new(steps, json_pack("{s:I, s:o, s:o, s:b, "
		    "s:s, s:o, s:o, s:o}", "responder",
		    (json_int_t)s->responder_id, "name",
		    alarm_json_text(s->name), "phones",
		    alarm_json_text(s->phones), "mobile", s->mobile, "state",
		    ladder_step_name(s->state), "paged_at",
		    alarm_json_time(s->paged_at), "answered_at",
		    alarm_json_time(s->answered_at), "deadline", s->state ==
		    STEP_PAGED ? json_integer(s->paged_at + s->accept_ms) :
		    json_null()));
	}
	o = json_pack("{s:s, s:I, s:s, s:o, s:I, s:o}", "type", "ladder",
	    "alarm_id", (json_int_t)l->alarm_id, "state",
	    ladder_state_name(l->state), "operator",
	    alarm_json_text(l->operator), "decided_at",
	    (json_int_t)l->decided_at, "steps", steps);
	json_object_set_new(o, "accepted_at", alarm_json_time(l->accepted_at));
	json_object_set_new(o, "arrived_at", alarm_json_time(l->arrived_at));
	json_object_set_new(o, "entry_at", alarm_json_time(l->entry_at));
	json_object_set_new(o, "ended_at", alarm_json_time(l->ended_at));
	return (o);
}

void
push_ladder(const struct ladder *l)
{
	if (session_any())
		session_broadcast(push_ladder_json(l));
}

static void
push_ladder_to(const struct ladder *l, void *arg)
{
	if (ladder_active(l))
		session_send(arg, push_ladder_json(l));
}

void
push_ladders(struct session *s)
{
	ladder_each(push_ladder_to, s);
}

struct push_alert {
	const char	*login;
	json_t		*msg;
};

static void
push_alert_one(struct session *s, void *arg)
{
	struct push_alert	*a = arg;

	if (s->authed && (s->super || strcmp(s->login, a->login) == 0))
		session_send(s, json_incref(a->msg));
}

void
push_alert(const struct ladder *l, const char *text)
{
	struct push_alert	 a = { l->operator, NULL };

	a.msg = json_pack("{s:s, s:I, s:s, s:s}", "type", "alert",
	    "alarm_id", (json_int_t)l->alarm_id, "text", text, "ladder",
	    ladder_state_name(l->state));
	session_each(push_alert_one, &a);
	json_decref(a.msg);
}
