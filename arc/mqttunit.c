/*
 * mqttunit.c -- units that speak MQTT (docs/mqtt.md), through the broker
 * link (mqtt.c) into the same protocol-neutral ingest as DC-09:
 *
 *	<prefix>/unit/<account>/event	unit -> arc, QoS 1, JSON
 *	<prefix>/unit/<account>/ack	arc -> unit, QoS 1, {"seq": n} once
 *					stored; {"seq": n, "error": ".."}
 *					for a payload arc cannot take
 *	<prefix>/unit/<account>/status	the unit's last will: "offline"
 *					(comms lost now), "online"
 *
 * The broker's PUBACK says only that the broker has the event; arc's own
 * ack on the unit's topic, published once the event is durable, is what
 * a unit waits for and retries on. A retransmission (the same seq and
 * event) is a duplicate: acked again, not shown again. A unit refused by
 * a limit (unregistered flood, too much pending) gets no ack: it retries.
 * The account is the topic's: the broker's ACL lets each unit publish
 * under its own account only (docs/mqtt.md).
 *
 * Thread: the network thread.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arc.h"

/* What an origin carries to the ack: the unit and its seq. */
struct mqttunit_ctx {
	char		 account[MQTTEVENT_ACCOUNT_MAX + 1];
	int32_t		 seq;
};
_Static_assert(sizeof (struct mqttunit_ctx) <= ORIGIN_CTX,
    "mqttunit_ctx fits an origin");

static struct bucket_rate	 mu_rate;
static struct bucket		 mu_unreg;	/* the broker: one source */

static void	mqttunit_ack(const struct origin *);
static int	mqttunit_send(const struct origin *, const uint8_t *, size_t);
static void	mqttunit_done(const struct origin *);

static const struct origin_ops mqttunit_ops = {
	.protocol = "mqtt",
	.ack = mqttunit_ack,
	.send = mqttunit_send,
	.done = mqttunit_done,
};

void
mqttunit_init(const struct config *cfg)
{
	bucket_rate(&mu_rate, cfg->unregistered_burst,
	    cfg->unregistered_per_min);
	bucket_init(&mu_unreg, &mu_rate, clock_mono());
}

/* To the unit's ack topic: {"seq": n} and, for a refusal, why. */
static void
mqttunit_reply(const char *account, int seq, const char *error)
{
	char	 topic[256], *txt;
	json_t	*o;

	snprintf(topic, sizeof topic, "%s/unit/%s/ack", mqtt_prefix(),
	    account);
	o = json_object();
	if (seq >= 0)
		json_object_set_new(o, "seq", json_integer(seq));
	if (error != NULL)
		json_object_set_new(o, "error", json_string(error));
	if ((txt = json_dumps(o, JSON_COMPACT)) != NULL)
		mqtt_publish(topic, txt, strlen(txt), 1, 0);
	free(txt);
	json_decref(o);
}

static void
mqttunit_ack(const struct origin *o)
{
	const struct mqttunit_ctx	*c = (const void *)o->ctx.b;

	mqttunit_reply(c->account, c->seq, NULL);
}

/* Bytes back are a DC-09 notion (a NAK): an MQTT unit has none. */
static int
mqttunit_send(const struct origin *o, const uint8_t *buf, size_t len)
{
	(void)o;
	(void)buf;
	(void)len;
	return (-1);
}

static void
mqttunit_done(const struct origin *o)
{
	(void)o;
}

/* The topic's account, as the unit table spells it (upper case). */
static int
mqttunit_account(const char *topic, const char *leaf, char *acct,
    size_t size)
{
	size_t	 i;

	if (mqttevent_topic(topic, mqtt_prefix(), leaf, acct, size) != 0 ||
	    strlen(acct) < 3)
		return (-1);
	for (i = 0; acct[i] != '\0'; i++)
		if (acct[i] >= 'a' && acct[i] <= 'f')
			acct[i] -= 'a' - 'A';
	return (0);
}

static void
mqttunit_event(const char *acct, const void *payload, size_t len)
{
	struct db_event		 e;
	struct ingest_in	 in;
	struct origin		 o;
	struct mqttunit_ctx	*c = (void *)o.ctx.b;
	const struct unit	*u;
	uint8_t			 ident[256];
	char			 why[128];

	COUNT(C_FRAMES);
	if (mqttevent_decode(acct, payload, len, &e, why, sizeof why) != 0) {
		COUNT(C_MQTT_BAD_EVENTS);
		log_info("mqtt unit %s: event refused: %s", acct, why);
		mqttunit_reply(acct, e.seq, why);
		return;
	}
	memset(&o, 0, sizeof o);
	o.ops = &mqttunit_ops;
	u = unit_find(mqttunit_ops.protocol, acct);
	o.unit_id = u != NULL ? u->id : 0;
	strlcpy(c->account, acct, sizeof c->account);
	c->seq = e.seq;
	memset(&in, 0, sizeof in);
	in.account = acct;
	in.ev = &e;
	in.nev = 1;
	in.ident = ident;
	in.identlen = mqttevent_ident(&e, ident, sizeof ident);
	in.timed = e.device_time != 0;
	in.raw = payload;
	in.rawlen = len;
	in.source = "mqtt";
	in.unreg = &mu_unreg;
	ingest_frame(&o, &in);
}

/* The unit's last will (or its own word): gone, or back. */
static void
mqttunit_status(const char *acct, const void *payload, size_t len)
{
	struct unit	*u;

	if ((u = unit_find(mqttunit_ops.protocol, acct)) == NULL) {
		COUNT(C_MQTT_BAD_EVENTS);
		return;
	}
	if (len == 7 && strncasecmp(payload, "offline", 7) == 0)
		ingest_unit_offline(u);
	else if (len == 6 && strncasecmp(payload, "online", 6) == 0)
		ingest_unit_online(u);
	else
		COUNT(C_MQTT_BAD_EVENTS);
}

void
mqttunit_up(void)
{
	char	 pat[256];

	snprintf(pat, sizeof pat, "%s/unit/+/event", mqtt_prefix());
	mqtt_subscribe(pat, 1);
	snprintf(pat, sizeof pat, "%s/unit/+/status", mqtt_prefix());
	mqtt_subscribe(pat, 1);
}

void
mqttunit_message(const char *topic, const void *payload, size_t len)
{
	char	 acct[MQTTEVENT_ACCOUNT_MAX + 1];

	if (mqttunit_account(topic, "event", acct, sizeof acct) == 0)
		mqttunit_event(acct, payload, len);
	else if (mqttunit_account(topic, "status", acct, sizeof acct) == 0)
		mqttunit_status(acct, payload, len);
	else
		COUNT(C_MQTT_BAD_EVENTS);
}
