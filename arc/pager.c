/*
 * pager.c -- responders' pages over MQTT (docs/mqtt.md), and the ladder
 * as the consoles see it:
 *
 *	<prefix>/responder/<id>/page	arc -> responder, QoS 1: a page
 *					(the client's card, the deadline to
 *					accept), or {"page": n, "withdrawn":
 *					true}
 *	<prefix>/responder/<id>/reply	responder -> arc: {"page": n,
 *					"action": "accept" | "decline" |
 *					"arrived" | "entry" | "clear",
 *					"note": ".."}
 *	<prefix>/responder/<id>/ack	arc -> responder: {"page": n, "ok":
 *					true} or {"ok": false, "error": ..}
 *
 * A page the broker could not take (the link down) stays the ladder's
 * step: it is sent again when the link comes back, until its deadline,
 * which is the ladder's (escalate.c), never the broker's. A reply for an
 * unknown or finished page, or from another responder, is answered with
 * an error and changes nothing.
 *
 * Thread: the network thread.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc.h"

#define PAGER_REPLY_MAX	1024

static void
pager_publish(int64_t responder_id, const char *leaf, json_t *o)
{
	char	 topic[256], *txt;

	snprintf(topic, sizeof topic, "%s/responder/%lld/%s", mqtt_prefix(),
	    (long long)responder_id, leaf);
	if ((txt = json_dumps(o, JSON_COMPACT)) != NULL)
		mqtt_publish(topic, txt, strlen(txt), 1, 0);
	free(txt);
	json_decref(o);
}

/* A responder without an app: the site's gateway (pagecmd.c). */
static void
pager_command(const struct ladder *l, size_t step, json_t *o)
{
	const char	*reason = json_string_value(json_object_get(o,
			    "reason"));
	const char	*client = json_string_value(json_object_get(o,
			    "client"));
	const char	*address = json_string_value(json_object_get(o,
			    "address"));

	if (!pagecmd_enabled()) {
		COUNT(C_PAGE_COMMAND_REFUSED);
		log_warnx("page %lld: responder %lld is reached by command "
		    "and there is no page_command",
		    (long long)l->steps[step].page_id,
		    (long long)l->steps[step].responder_id);
	} else
		pagecmd_page(l, step, reason ? reason : "an alarm",
		    client ? client : "a client", address ? address : "");
	json_decref(o);
}

/* What a responder needs at the door: who, where, how to get in. */
void
pager_page(const struct ladder *l, size_t step)
{
	const struct ladder_step	*s = &l->steps[step];
	const struct alarm		*a = alarmio_shown(l->alarm_id);
	const struct unit		*u;
	const struct card		*c = NULL;
	json_t				*o, *up;

	if (a != NULL && (u = unit_by_id(a->unit_id)) != NULL)
		c = card_of(u->client);
	up = a != NULL ? alarm_json_update(a) : NULL;
	o = json_pack("{s:I, s:I, s:I, s:i, s:o, s:I}", "page",
	    (json_int_t)s->page_id, "alarm_id", (json_int_t)l->alarm_id,
	    "responder", (json_int_t)s->responder_id, "step", (int)step + 1,
	    "reason", up != NULL ? json_incref(json_object_get(up, "name")) :
	    json_null(), "deadline", (json_int_t)(s->paged_at + s->accept_ms));
	json_decref(up);
	json_object_set_new(o, "client", alarm_json_str(c ? c->name : NULL));
	json_object_set_new(o, "address", alarm_json_str(c ? c->address : NULL));
	json_object_set_new(o, "access", alarm_json_str(c ? c->access : NULL));
	json_object_set_new(o, "medical", alarm_json_str(c ? c->medical : NULL));
	json_object_set_new(o, "phone", alarm_json_str(c ? c->phone : NULL));
	if (s->command)
		pager_command(l, step, o);
	else
		pager_publish(s->responder_id, "page", o);
}

void
pager_withdraw(const struct ladder *l, size_t step)
{
	const struct ladder_step	*s = &l->steps[step];

	if (s->command)
		return;		/* a text message cannot be taken back */
	pager_publish(s->responder_id, "page", json_pack("{s:I, s:b}", "page",
	    (json_int_t)s->page_id, "withdrawn", 1));
}

/* The link is back: the pages still waiting go again. */
static void
pager_resend_one(const struct ladder *l, void *arg)
{
	(void)arg;
	if (l->state == LADDER_PAGING && l->at < l->n &&
	    l->steps[l->at].state == STEP_PAGED && !l->steps[l->at].command)
		pager_page(l, l->at);
}

void
pager_up(void)
{
	char	 pat[256];

	snprintf(pat, sizeof pat, "%s/responder/+/reply", mqtt_prefix());
	mqtt_subscribe(pat, 1);
	ladder_each(pager_resend_one, NULL);
}

static int
pager_action(const char *s, enum ladder_reply *r)
{
	static const char	*names[] = { "accept", "decline", "arrived",
				    "entry", "clear" };
	size_t			 i;

	for (i = 0; s != NULL && i < nitems(names); i++) {
		if (strcmp(s, names[i]) == 0) {
			*r = (enum ladder_reply)i;
			return (0);
		}
	}
	return (-1);
}

/* "<prefix>/responder/<id>/reply": the id, or -1. */
static int64_t
pager_responder(const char *topic)
{
	size_t		 pl = strlen(mqtt_prefix());
	const char	*p;
	char		*end;
	long long	 id;

	if (strncmp(topic, mqtt_prefix(), pl) != 0 ||
	    strncmp(topic + pl, "/responder/", 11) != 0)
		return (-1);
	p = topic + pl + 11;
	if (*p < '1' || *p > '9')
		return (-1);
	id = strtoll(p, &end, 10);
	return (strcmp(end, "/reply") == 0 && id > 0 ? id : -1);
}

static void
pager_answer(int64_t rid, json_t *page, const char *error)
{
	json_t	*o = json_pack("{s:O, s:b}", "page", page != NULL ? page :
	    json_null(), "ok", error == NULL);

	if (error != NULL)
		json_object_set_new(o, "error", json_string(error));
	pager_publish(rid, "ack", o);
}

int
pager_message(const char *topic, const void *payload, size_t len)
{
	json_t			*o = NULL, *page = NULL;
	const char		*why = "bad_request", *note;
	char			 who[32];
	enum ladder_reply	 r;
	int64_t			 rid, alarm_id;

	if ((rid = pager_responder(topic)) < 0)
		return (0);		/* not a reply: someone else's */
	if (len <= PAGER_REPLY_MAX)
		o = json_loadb(payload, len, JSON_REJECT_DUPLICATES, NULL);
	if (o != NULL && json_is_object(o))
		page = json_object_get(o, "page");
	note = json_string_value(json_object_get(o, "note"));
	if (page == NULL || !json_is_integer(page) ||
	    pager_action(json_string_value(json_object_get(o, "action")),
	    &r) != 0)
		COUNT(C_PAGER_BAD_REPLIES);
	else if (escalate_reply(json_integer_value(page), rid, r, &why) != 0)
		COUNT(C_PAGER_REFUSED_REPLIES);
	else {
		why = NULL;
		alarm_id = ladder_page_alarm(json_integer_value(page));
		if (alarm_id != 0 && note != NULL && *note != '\0' &&
		    strlen(note) <= REQUEST_TEXT_MAX) {
			snprintf(who, sizeof who, "responder %lld",
			    (long long)rid);
			alarmio_note(alarm_id, who, note, 0);
		}
	}
	pager_answer(rid, page != NULL && json_is_integer(page) ? page : NULL,
	    why);
	json_decref(o);
	return (1);
}
