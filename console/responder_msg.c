/*
 * responder_msg.c -- the JSON a responder reads and writes (docs/mqtt.md,
 * "Responders"): a page or its withdrawal on arc/responder/<id>/page, an
 * ack on .../ack, a reply on .../reply. Untrusted in, checked field by
 * field: a message we cannot read is an error with a cause, never a
 * half-filled page. No curses, no sockets, no clock; called by
 * responder_book.c and responder_link.c. Any thread (no globals).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runtime.h"
#include "responder.h"

static const char *resp_action_names[RESP_NACTIONS] = {
	[RESP_ACCEPT] = "accept",
	[RESP_DECLINE] = "decline",
	[RESP_ARRIVED] = "arrived",
	[RESP_ENTRY] = "entry",
	[RESP_CLEAR] = "clear",
};

const char *
responder_msg_action_name(enum resp_action a)
{
	if (a < 0 || a >= RESP_NACTIONS)
		return ("?");
	return (resp_action_names[a]);
}

int
responder_msg_action(const char *s, enum resp_action *a)
{
	int	 i;

	for (i = 0; i < RESP_NACTIONS; i++) {
		if (strcmp(s, resp_action_names[i]) == 0) {
			*a = i;
			return (0);
		}
	}
	return (-1);
}

/* A JSON object from (buf, len), or NULL and *cause. */
static json_t *
responder_msg_object(const char *buf, size_t len, char **cause)
{
	json_error_t	 err;
	json_t		*o;

	if (len > RESP_MSG_MAX) {
		xasprintf(cause, "%zu bytes: longer than %d", len,
		    RESP_MSG_MAX);
		return (NULL);
	}
	o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	if (o == NULL) {
		xasprintf(cause, "not JSON: %s", err.text);
		return (NULL);
	}
	if (!json_is_object(o)) {
		json_decref(o);
		xasprintf(cause, "not a JSON object");
		return (NULL);
	}
	return (o);
}

/* A positive integer field; 0 if present and good. */
static int
responder_msg_id(json_t *o, const char *key, int64_t *v, char **cause)
{
	json_t	*j = json_object_get(o, key);

	if (!json_is_integer(j) || json_integer_value(j) <= 0) {
		xasprintf(cause, "%s: %s", key, j == NULL ? "missing" :
		    "not a positive integer");
		return (-1);
	}
	*v = json_integer_value(j);
	return (0);
}

/* An optional string field, cut to size (the screen cuts again). */
static int
responder_msg_str(json_t *o, const char *key, char *dst, size_t size,
    char **cause)
{
	json_t	*j = json_object_get(o, key);

	dst[0] = '\0';
	if (j == NULL || json_is_null(j))
		return (0);
	if (!json_is_string(j)) {
		xasprintf(cause, "%s: not a string", key);
		return (-1);
	}
	utf8_clean(dst, size, json_string_value(j));
	return (0);
}

/*
 * A page, or (*withdrawn set) the withdrawal of page p->id. Fills p's
 * message fields only; 0, or -1 and *cause.
 */
int
responder_msg_page(const char *buf, size_t len, struct resp_page *p,
    int *withdrawn, char **cause)
{
	static const struct {
		const char	*key;
		size_t		 off, size;
	} strs[] = {
#define S(f) { #f, offsetof(struct resp_page, f), \
	sizeof ((struct resp_page *)0)->f }
		S(reason), S(client), S(address), S(access), S(medical),
		S(phone),
#undef S
	};
	struct resp_page	 n;
	json_t			*o, *w;
	size_t			 i;
	int			 r = -1;

	if ((o = responder_msg_object(buf, len, cause)) == NULL)
		return (-1);
	memset(&n, 0, sizeof n);
	if (responder_msg_id(o, "page", &n.id, cause) != 0)
		goto fail;
	w = json_object_get(o, "withdrawn");
	if (w != NULL && !json_is_boolean(w)) {
		xasprintf(cause, "withdrawn: not true or false");
		goto fail;
	}
	*withdrawn = json_is_true(w);
	if (*withdrawn) {
		p->id = n.id;
		r = 0;
		goto fail;
	}
	if (responder_msg_id(o, "alarm_id", &n.alarm_id, cause) != 0 ||
	    responder_msg_id(o, "deadline", &n.deadline, cause) != 0)
		goto fail;
	if (json_object_get(o, "step") != NULL &&
	    responder_msg_id(o, "step", &n.step, cause) != 0)
		goto fail;
	if (json_object_get(o, "responder") != NULL &&
	    responder_msg_id(o, "responder", &n.responder, cause) != 0)
		goto fail;
	for (i = 0; i < sizeof strs / sizeof *strs; i++) {
		if (responder_msg_str(o, strs[i].key, (char *)&n + strs[i].off,
		    strs[i].size, cause) != 0)
			goto fail;
	}
	memcpy(p, &n, sizeof *p);
	r = 0;
fail:
	json_decref(o);
	return (r);
}

/* An ack: its page, ok, and (not ok) arcd's error word into err. */
int
responder_msg_ack(const char *buf, size_t len, int64_t *page, int *ok,
    char *err, size_t errsize, char **cause)
{
	json_t	*o, *j;
	int	 r = -1;

	if ((o = responder_msg_object(buf, len, cause)) == NULL)
		return (-1);
	if (responder_msg_id(o, "page", page, cause) != 0)
		goto fail;
	j = json_object_get(o, "ok");
	if (!json_is_boolean(j)) {
		xasprintf(cause, "ok: %s", j == NULL ? "missing" :
		    "not true or false");
		goto fail;
	}
	*ok = json_is_true(j);
	if (responder_msg_str(o, "error", err, errsize, cause) != 0)
		goto fail;
	if (!*ok && err[0] == '\0')
		strlcpy(err, "refused", errsize);
	r = 0;
fail:
	json_decref(o);
	return (r);
}

/* The reply to publish (allocated), e.g. {"page": 9, "action": "accept"}. */
char *
responder_msg_reply(int64_t page, enum resp_action a, const char *note)
{
	json_t	*o;
	char	*s;

	o = json_pack("{s:I, s:s}", "page", (json_int_t)page, "action",
	    responder_msg_action_name(a));
	if (o == NULL)
		fatalx("responder_msg_reply: json_pack");
	if (note != NULL && *note != '\0')
		json_object_set_new(o, "note", json_string(note));
	if ((s = json_dumps(o, JSON_COMPACT)) == NULL)
		fatalx("responder_msg_reply: json_dumps");
	json_decref(o);
	return (s);
}

/* arcd's ack errors in words a responder understands. */
const char *
responder_msg_error_words(const char *e)
{
	static const struct {
		const char	*code, *words;
	} t[] = {
		{ "unknown_page", "arc does not know this page" },
		{ "finished", "this page is finished (timed out, declined, "
		    "withdrawn or ended)" },
		{ "not_yours", "this page is another responder's" },
		{ "out_of_order", "not yet: accept, arrived, entry, clear "
		    "in that order" },
		{ "bad_request", "arc could not read the reply" },
	};
	size_t	 i;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		if (strcmp(e, t[i].code) == 0)
			return (t[i].words);
	}
	return (NULL);
}
