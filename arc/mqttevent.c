/*
 * mqttevent.c -- an MQTT unit's event (docs/mqtt.md), decoded: the topic
 * "<prefix>/unit/<account>/event" and its JSON payload
 *
 *	{"seq": 17, "code": "1101", "zone": "015", "area": "01",
 *	 "time": 1796688000, "battery": 87, "location": "hall", "text": ".."}
 *
 * into the event record every protocol fills (db_event), and what a
 * retransmission repeats (the dedupe identity). The code is Contact ID
 * (qualifier and event: "1101" a pendant, "3101" its restore) or SIA (two
 * letters: "QA"), looked up in proto's tables. Pure: no I/O, no state,
 * so the fuzzer eats it (tests/fuzz/fuzz_mqtt.c). Every refusal names
 * what was wrong, for the unit's ack topic.
 *
 * Thread: any (the network thread in arcd).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc.h"

/* The account from the topic: 0, or -1 if it is not a unit's event. */
int
mqttevent_topic(const char *topic, const char *prefix, const char *leaf,
    char *acct, size_t size)
{
	size_t		 pl = strlen(prefix), n;
	const char	*p, *slash;

	if (strncmp(topic, prefix, pl) != 0 ||
	    strncmp(topic + pl, "/unit/", 6) != 0)
		return (-1);
	p = topic + pl + 6;
	if ((slash = strchr(p, '/')) == NULL || strcmp(slash + 1, leaf) != 0)
		return (-1);
	n = slash - p;
	if (n == 0 || n >= size || n > MQTTEVENT_ACCOUNT_MAX)
		return (-1);
	memcpy(acct, p, n);
	acct[n] = '\0';
	return (strspn(acct, MQTTEVENT_ACCOUNT_CHARS) == n ? 0 : -1);
}

/* An optional string member of at most max bytes, printable ASCII. */
static int
mqttevent_str(json_t *o, const char *key, char *dst, size_t size,
    const char *allowed, char *why, size_t whysize)
{
	json_t		*v = json_object_get(o, key);
	const char	*s;
	size_t		 i, n;

	dst[0] = '\0';
	if (v == NULL || json_is_null(v))
		return (0);
	if (!json_is_string(v) || (n = json_string_length(v)) >= size) {
		snprintf(why, whysize, "%s: a string of at most %zu bytes",
		    key, size - 1);
		return (-1);
	}
	s = json_string_value(v);
	for (i = 0; i < n; i++) {
		if (s[i] < 0x20 || s[i] >= 0x7f || (allowed != NULL &&
		    strchr(allowed, s[i]) == NULL)) {
			snprintf(why, whysize, "%s: byte %zu not allowed", key,
			    i + 1);
			return (-1);
		}
	}
	memcpy(dst, s, n + 1);
	return (0);
}

/* An optional integer member within [lo, hi]; *out untouched if none. */
static int
mqttevent_int(json_t *o, const char *key, json_int_t lo, json_int_t hi,
    json_int_t *out, char *why, size_t whysize)
{
	json_t	*v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return (0);
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi) {
		snprintf(why, whysize, "%s: an integer from %lld to %lld", key,
		    (long long)lo, (long long)hi);
		return (-1);
	}
	*out = json_integer_value(v);
	return (0);
}

/* "1101" (Contact ID) or "QA" (SIA): the event's code and class. */
static int
mqttevent_code(const char *code, struct db_event *e)
{
	struct code_info	 ci;
	int			 known;

	if (strlen(code) == 4 && strchr("136", code[0]) != NULL &&
	    strspn(code + 1, "0123456789") == 3) {
		known = codes_cid((unsigned)atoi(code + 1), code[0], &ci) == 0;
		e->qualifier[0] = code[0];
		strlcpy(e->raw_code, code + 1, sizeof e->raw_code);
	} else if (strlen(code) == 2 && strspn(code,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 2) {
		known = codes_sia(code, &ci) == 0;
		strlcpy(e->raw_code, code, sizeof e->raw_code);
	} else
		return (-1);
	strlcpy(e->code, known ? ci.code : "??", sizeof e->code);
	e->class = ci.class;
	if (!known)
		e->flags |= EVENT_UNKNOWN_CODE;
	return (0);
}

static int
mqttevent_fields(json_t *o, struct db_event *e, char *why, size_t whysize)
{
	char		 code[8], text[sizeof e->text - 16];
	json_int_t	 seq = -1, t = 0, battery = -1;
	size_t		 n;

	if (mqttevent_int(o, "seq", 0, MQTTEVENT_SEQ_MAX, &seq, why,
	    whysize) != 0 || mqttevent_int(o, "time", 0, INT32_MAX, &t, why,
	    whysize) != 0 || mqttevent_int(o, "battery", 0, 100, &battery,
	    why, whysize) != 0)
		return (-1);
	if (seq < 0) {
		snprintf(why, whysize, "seq: missing");
		return (-1);
	}
	e->seq = (int)seq;
	e->device_time = t;
	if (mqttevent_str(o, "code", code, sizeof code, NULL, why,
	    whysize) != 0 || mqttevent_str(o, "zone", e->zone, 4,
	    "0123456789", why, whysize) != 0 || mqttevent_str(o, "area",
	    e->area, 3, "0123456789", why, whysize) != 0 ||
	    mqttevent_str(o, "location", e->location, sizeof e->location,
	    NULL, why, whysize) != 0 || mqttevent_str(o, "text", text,
	    sizeof text, NULL, why, whysize) != 0)
		return (-1);
	if (code[0] == '\0' || mqttevent_code(code, e) != 0) {
		snprintf(why, whysize, "code: Contact ID (\"1101\") or SIA "
		    "(\"QA\")");
		return (-1);
	}
	strlcpy(e->text, text, sizeof e->text);
	n = strlen(e->text);		/* short enough for the battery */
	if (battery >= 0)
		snprintf(e->text + n, sizeof e->text - n, "%sbattery %d%%",
		    n != 0 ? "; " : "", (int)battery);
	return (0);
}

int
mqttevent_decode(const char *acct, const void *payload, size_t len,
    struct db_event *e, char *why, size_t whysize)
{
	json_error_t	 err;
	json_t		*o;
	int		 rc = -1;

	memset(e, 0, sizeof *e);
	e->seq = -1;
	strlcpy(e->account, acct, sizeof e->account);
	strlcpy(e->token, "MQTT", sizeof e->token);
	if (len > MQTTEVENT_PAYLOAD_MAX) {
		snprintf(why, whysize, "payload over %d bytes",
		    MQTTEVENT_PAYLOAD_MAX);
		return (-1);
	}
	o = json_loadb(payload, len, JSON_REJECT_DUPLICATES, &err);
	if (o == NULL || !json_is_object(o))
		snprintf(why, whysize, "not a JSON object");
	else
		rc = mqttevent_fields(o, e, why, whysize);
	json_decref(o);
	return (rc);
}

/* What a retransmission repeats: the unit, its seq and the event. */
size_t
mqttevent_ident(const struct db_event *e, uint8_t *buf, size_t size)
{
	int	 n;

	n = snprintf((char *)buf, size, "%s|%d|%s%s|%s|%s|%lld",
	    e->account, e->seq, e->qualifier, e->raw_code, e->area, e->zone,
	    (long long)e->device_time);
	return (n < 0 ? 0 : (size_t)n >= size ? size - 1 : (size_t)n);
}
