/*
 * fuzz_mqtt.c -- an MQTT unit's message as arcd reads it (mqttevent.c):
 * the input as a topic ("<prefix>/unit/<account>/event") and as an event
 * payload. Checks what ingest relies on: an account read is 1-16 of the
 * allowed characters; an event decoded has its seq in range, a code and a
 * class, and every text field NUL-terminated, printable and within its
 * record; a refusal says why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_text(const char *s, size_t size)
{
	size_t	 i, n = strnlen(s, size);

	if (n == size)
		abort();
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] >= 0x7f)
			abort();
}

static void
check_topic(const uint8_t *buf, size_t len)
{
	char	 topic[512], acct[MQTTEVENT_ACCOUNT_MAX + 1];
	size_t	 n = len < sizeof topic - 1 ? len : sizeof topic - 1;

	memcpy(topic, buf, n);
	topic[n] = '\0';
	if (mqttevent_topic(topic, "arc", "event", acct, sizeof acct) != 0)
		return;
	n = strlen(acct);
	if (n == 0 || n > MQTTEVENT_ACCOUNT_MAX ||
	    strspn(acct, MQTTEVENT_ACCOUNT_CHARS) != n)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	struct db_event	 e;
	uint8_t		 ident[256];
	char		 why[128];

	check_topic(buf, len);
	why[0] = '\0';
	if (mqttevent_decode("4A01", buf, len, &e, why, sizeof why) != 0) {
		if (why[0] == '\0' || strnlen(why, sizeof why) == sizeof why)
			abort();
		return (0);
	}
	if (e.seq < 0 || e.seq > MQTTEVENT_SEQ_MAX || e.code[0] == '\0' ||
	    e.class < 1 || e.class > 4 || strcmp(e.account, "4A01") != 0)
		abort();
	check_text(e.code, sizeof e.code);
	check_text(e.raw_code, sizeof e.raw_code);
	check_text(e.zone, sizeof e.zone);
	check_text(e.area, sizeof e.area);
	check_text(e.text, sizeof e.text);
	check_text(e.location, sizeof e.location);
	if (mqttevent_ident(&e, ident, sizeof ident) == 0)
		abort();
	return (0);
}
