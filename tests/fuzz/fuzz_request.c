/*
 * fuzz_request.c -- a console's line as arcd reads it: JSON (jansson,
 * duplicates refused, as session.c), then request_parse. Checks what the
 * rest of arcd relies on: an error is one of the protocol's, a request
 * read is of a known type with every field within its bounds, strings
 * NUL-free and short, and the id echoed is a number or a short string.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static size_t
chars(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return (n);
}

static void
check_str(const char *s, size_t max, int needed)
{
	if (s == NULL) {
		if (needed)
			abort();
		return;
	}
	if (*s == '\0' || chars(s) > max)
		abort();
}

static void
check(const struct request *r)
{
	switch (r->type) {
	case REQ_LOGIN:
		check_str(r->login, REQUEST_LOGIN_MAX, 1);
		check_str(r->password, REQUEST_PASSWORD_MAX, 1);
		if (strlen(r->login) > REQUEST_LOGIN_MAX)
			abort();
		break;
	case REQ_HEARTBEAT:
		if (r->seq < 0)
			abort();
		break;
	case REQ_NOTE:
		check_str(r->text, REQUEST_TEXT_MAX, 1);
		/* FALLTHROUGH */
	case REQ_DECLINE:
	case REQ_RELEASE:
	case REQ_ALARM:
		if (r->alarm_id <= 0)
			abort();
		break;
	case REQ_CLOSE:
		if (r->alarm_id <= 0 || r->outcome == OUTCOME_NONE ||
		    r->outcome >= OUTCOME_MAX)
			abort();
		check_str(r->text, REQUEST_TEXT_MAX, 0);
		break;
	case REQ_ACCEPT:
		if (r->alarm_id < 0)
			abort();
		break;
	case REQ_EVENTS:
	case REQ_NOTES:
		if (r->alarm_id <= 0 || r->before < 0 || r->limit < 1 ||
		    r->limit > REQUEST_PAGE_MAX)
			abort();
		break;
	case REQ_UNLOCK:
		if ((r->login == NULL) == (r->source == NULL))
			abort();
		check_str(r->login, REQUEST_LOGIN_MAX, 0);
		check_str(r->source, 63, 0);
		break;
	case REQ_PING:
	case REQ_OPERATORS:
		break;
	default:
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct request	 r;
	json_error_t	 err;
	json_t		*o;
	const char	*e;

	o = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &err);
	if (o == NULL)
		return (0);
	if (json_is_object(o)) {
		e = request_parse(o, &r);
		if (r.id != NULL && !json_is_integer(r.id) &&
		    !(json_is_string(r.id) &&
		    json_string_length(r.id) <= REQUEST_ID_MAX))
			abort();
		if (e == NULL)
			check(&r);
		else if (strcmp(e, "bad_request") != 0 &&
		    strcmp(e, "unknown_type") != 0)
			abort();
	}
	json_decref(o);
	return (0);
}
