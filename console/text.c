/*
 * text.c -- words for people and names checked: what a protocol error
 * word means to an operator, and whether a time zone name the server
 * sends looks like one of tzdata's ("Europe/London"). Pure: no curses,
 * no sockets; called by client.c (below it).
 */
#include <string.h>

#include "console.h"

/* Protocol error words and what an operator reads. */
static const struct {
	const char	*error;
	const char	*text;
} text_errors[] = {
	{ "auth",	  "wrong login or password" },
	{ "protocol",	  "the server does not speak this console's protocol" },
	{ "login",	  "not logged in" },
	{ "not_found",	  "no such alarm" },
	{ "taken",	  "another operator has it" },
	{ "state",	  "not allowed in the alarm's state" },
	{ "not_yours",	  "the alarm is not yours" },
	{ "bad_request",  "the server refused the request" },
	{ "forbidden",	  "not allowed for your role" },
	{ "storage",	  "could not be stored; nothing changed" },
	{ "unknown_type", "the server does not know this request" },
	{ "limit",	  "you hold the most alarms allowed: close or release "
			  "one" },
	{ "busy",	  "a responder is being sent already" },
	{ "no_responders", "the client has no responders registered" },
	{ "responder_on_way", "a responder is on the way: say why you "
			  "close" },
	{ "locked",	  "this login is locked after failed tries: ask a "
			  "supervisor" },
};

const char *
text_error(const char *error)
{
	size_t	 i;

	if (error == NULL)
		return ("failed");
	for (i = 0; i < sizeof text_errors / sizeof *text_errors; i++) {
		if (strcmp(text_errors[i].error, error) == 0)
			return (text_errors[i].text);
	}
	return (error);
}

/*
 * A zone name as tzdata spells it: letters, digits and "_+-", parts
 * joined by single "/"s, no "..": safe to put in TZ.
 */
int
text_zone_ok(const char *tz)
{
	const char	*p;

	if (*tz == '\0' || *tz == '/' || tz[strlen(tz) - 1] == '/' ||
	    strstr(tz, "..") != NULL || strstr(tz, "//") != NULL)
		return (0);
	for (p = tz; *p != '\0'; p++) {
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && strchr("_+-/", *p) == NULL)
			return (0);
	}
	return (1);
}
