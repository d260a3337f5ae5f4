/*
 * mqttout.c -- alarm events out (docs/mqtt.md), for integrations and
 * wallboards, when mqtt_events_out is on: every change of a shown alarm
 * (opened, offered, accepted, its count, closed with its outcome) as the
 * consoles' update object plus the unit's account, at QoS 1 to
 * <prefix>/alarm/<id>/event, and the last of them retained on
 * <prefix>/alarm/<id>/state, cleared (an empty retained message) once the
 * alarm is closed. Ids, class, state, times and the account only: never
 * the client's card, medical or access notes. With the broker down they
 * are not sent (counted: mqtt_not_sent); the state topic is right again
 * at the alarm's next change.
 *
 * Thread: the network thread.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc.h"

static int	 mo_on;

void
mqttout_init(const struct config *cfg)
{
	mo_on = cfg->mqtt_events_out && cfg->mqtt_host[0] != '\0';
}

void
mqttout_alarm(const struct alarm *a)
{
	char	 topic[256], *txt;
	json_t	*o;
	size_t	 len;

	if (!mo_on)
		return;
	o = alarm_json_update(a);
	json_object_set_new(o, "account", a->incident ? json_null() :
	    json_string(a->account));
	json_object_set_new(o, "at", json_integer(clock_wall()));
	txt = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (txt == NULL)
		return;
	len = strlen(txt);
	snprintf(topic, sizeof topic, "%s/alarm/%lld/event", mqtt_prefix(),
	    (long long)a->id);
	mqtt_publish(topic, txt, len, 1, 0);
	snprintf(topic, sizeof topic, "%s/alarm/%lld/state", mqtt_prefix(),
	    (long long)a->id);
	if (a->state == ALARM_CLOSED)
		mqtt_publish(topic, "", 0, 1, 1);	/* clears it */
	else
		mqtt_publish(topic, txt, len, 1, 1);
	free(txt);
}
