/*
 * reqparse.c -- a console's request (one JSON object) checked and read
 * into a struct request: the type known, every field of the right type
 * and within its bounds. Nothing else looks at a console's JSON, so what
 * reaches the alarm logic is always well formed (fuzz_request).
 *
 * Thread: any (no state).
 */
#include <jansson.h>
#include <string.h>

#include "arc.h"

static const struct {
	const char		*name;
	enum request_type	 type;
} reqparse_types[] = {
	{ "login", REQ_LOGIN },
	{ "heartbeat", REQ_HEARTBEAT },
	{ "ping", REQ_PING },
	{ "accept", REQ_ACCEPT },
	{ "decline", REQ_DECLINE },
	{ "release", REQ_RELEASE },
	{ "close", REQ_CLOSE },
	{ "note", REQ_NOTE },
	{ "alarm", REQ_ALARM },
	{ "events", REQ_EVENTS },
	{ "notes", REQ_NOTES },
	{ "operators", REQ_OPERATORS },
	{ "unlock", REQ_UNLOCK },
	{ "away", REQ_AWAY },
	{ "reassign", REQ_REASSIGN },
	{ "send_responder", REQ_SEND_RESPONDER },
	{ "ladder", REQ_LADDER },
};

/* Characters in UTF-8 text (jansson has checked it is UTF-8). */
static size_t
reqparse_chars(const char *s, size_t len)
{
	size_t	 i, n = 0;

	for (i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return (n);
}

/* A string field: absent (NULL, 0), or 1..max characters, no NUL. */
static int
reqparse_str(json_t *o, const char *key, size_t max, const char **out)
{
	json_t		*v = json_object_get(o, key);
	const char	*s;
	size_t		 len;

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return (0);
	if (!json_is_string(v) || (len = json_string_length(v)) == 0 ||
	    len > 4 * max)
		return (-1);
	s = json_string_value(v);
	if (strlen(s) != len || reqparse_chars(s, len) > max)
		return (-1);		/* with a NUL, or too long */
	*out = s;
	return (0);
}

/* An integer field: absent (def), or within lo..hi. */
static int
reqparse_int(json_t *o, const char *key, int64_t lo, int64_t hi,
    int64_t def, int64_t *out)
{
	json_t	*v = json_object_get(o, key);

	*out = def;
	if (v == NULL || json_is_null(v))
		return (0);
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi)
		return (-1);
	*out = json_integer_value(v);
	return (0);
}

static int
reqparse_login(json_t *o, struct request *r)
{
	int64_t	 protocol;

	if (reqparse_int(o, "protocol", 0, INT32_MAX, 0, &protocol) != 0 ||
	    reqparse_str(o, "login", REQUEST_LOGIN_MAX, &r->login) != 0 ||
	    reqparse_str(o, "password", REQUEST_PASSWORD_MAX,
	    &r->password) != 0 || r->login == NULL || r->password == NULL ||
	    strlen(r->login) > REQUEST_LOGIN_MAX)
		return (-1);
	r->protocol = (int)protocol;
	return (0);
}

/* What each type needs besides its type and id. */
static int
reqparse_fields(json_t *o, struct request *r)
{
	const char	*outcome;
	int64_t		 v;

	switch (r->type) {
	case REQ_LOGIN:
		return (reqparse_login(o, r));
	case REQ_HEARTBEAT:
		return (reqparse_int(o, "seq", 0, INT64_MAX, -1, &r->seq) != 0 ||
		    r->seq < 0 ? -1 : 0);
	case REQ_ACCEPT:		/* null: the offered one, or the top */
	case REQ_DECLINE:
	case REQ_RELEASE:
	case REQ_CLOSE:
	case REQ_NOTE:
	case REQ_ALARM:
	case REQ_EVENTS:
	case REQ_NOTES:
		if (reqparse_int(o, "alarm_id", 1, INT64_MAX, 0,
		    &r->alarm_id) != 0 || reqparse_str(o, "text",
		    REQUEST_TEXT_MAX, &r->text) != 0)
			return (-1);
		if (r->alarm_id == 0 && r->type != REQ_ACCEPT)
			return (-1);
		break;
	case REQ_AWAY:
		if (!json_is_boolean(json_object_get(o, "away")))
			return (-1);
		r->away = json_is_true(json_object_get(o, "away"));
		return (0);
	case REQ_REASSIGN:
		if (reqparse_int(o, "alarm_id", 1, INT64_MAX, 0,
		    &r->alarm_id) != 0 || r->alarm_id == 0 ||
		    reqparse_str(o, "to", REQUEST_LOGIN_MAX, &r->login) != 0 ||
		    r->login == NULL || strlen(r->login) > REQUEST_LOGIN_MAX)
			return (-1);
		return (0);
	case REQ_SEND_RESPONDER:
	case REQ_LADDER:
		if (reqparse_int(o, "alarm_id", 1, INT64_MAX, 0,
		    &r->alarm_id) != 0 || r->alarm_id == 0)
			return (-1);
		if (r->type == REQ_SEND_RESPONDER)
			return (0);
		r->what = json_string_value(json_object_get(o, "do"));
		return (r->what != NULL && (strcmp(r->what, "skip") == 0 ||
		    strcmp(r->what, "stop") == 0 ||
		    strcmp(r->what, "emergency") == 0) ? 0 : -1);
	case REQ_UNLOCK:
		if (reqparse_str(o, "login", REQUEST_LOGIN_MAX,
		    &r->login) != 0 || reqparse_str(o, "source", 63,
		    &r->source) != 0 || (r->login == NULL) ==
		    (r->source == NULL) || (r->login != NULL &&
		    strlen(r->login) > REQUEST_LOGIN_MAX))
			return (-1);	/* one of them */
		return (0);
	default:
		return (0);
	}
	if (r->type == REQ_NOTE && r->text == NULL)
		return (-1);
	if (r->type == REQ_CLOSE) {
		outcome = json_string_value(json_object_get(o, "outcome"));
		r->outcome = alarm_outcome_parse(outcome != NULL ? outcome :
		    "");
		if (r->outcome == OUTCOME_NONE)
			return (-1);
	}
	if (r->type == REQ_EVENTS || r->type == REQ_NOTES) {
		if (reqparse_int(o, "before", 1, INT64_MAX, 0,
		    &r->before) != 0 || reqparse_int(o, "limit", 1,
		    REQUEST_PAGE_MAX, REQUEST_PAGE_DEFAULT, &v) != 0)
			return (-1);
		r->limit = (int)v;
	}
	return (0);
}

/*
 * Read o into r (its strings borrowed from o). NULL, or the error to
 * answer: "bad_request", "unknown_type". r->id is set either way.
 */
const char *
request_parse(json_t *o, struct request *r)
{
	const char	*type;
	json_t		*id;
	size_t		 i;

	memset(r, 0, sizeof *r);
	id = json_object_get(o, "id");
	/* An id is a number or a short string, echoed as it came. */
	if (id != NULL && (json_is_integer(id) || (json_is_string(id) &&
	    json_string_length(id) <= REQUEST_ID_MAX)))
		r->id = id;
	if ((type = json_string_value(json_object_get(o, "type"))) == NULL)
		return ("bad_request");
	for (i = 0; i < nitems(reqparse_types); i++)
		if (strcmp(type, reqparse_types[i].name) == 0)
			break;
	if (i == nitems(reqparse_types))
		return ("unknown_type");
	r->type = reqparse_types[i].type;
	if (id != NULL && r->id == NULL)
		return ("bad_request");
	return (reqparse_fields(o, r) == 0 ? NULL : "bad_request");
}
