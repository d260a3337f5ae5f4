/*
 * console_wire.c -- what arc-console's protocol tests share: a wire that
 * keeps what the client writes, lines fed to it as arcd would send them
 * (docs/console-protocol.md, version 2), an alarm object, a login, a
 * streamed snapshot. The tests: test_console_state.c (the queue and its
 * deltas), test_console_session.c (heartbeats, paging, limits),
 * test_console_super.c (the supervisor's operators and locks),
 * test_console_shift.c (a shift: time zone, away, reassign).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "console.h"
#include "console_wire.h"

void
wire_send(const char *s, size_t len, void *arg)
{
	struct wire	*w = arg;

	assert_true(w->len + len < sizeof w->buf);
	memcpy(w->buf + w->len, s, len);
	w->len += len;
	w->buf[w->len] = '\0';
}

/* Take the oldest line written as a JSON object (NULL if none). */
json_t *
wire_take(struct wire *w)
{
	char		*nl;
	json_t		*o;
	size_t		 n;

	if ((nl = memchr(w->buf, '\n', w->len)) == NULL)
		return (NULL);
	n = nl - w->buf;
	o = json_loadb(w->buf, n, 0, NULL);
	assert_non_null(o);
	memmove(w->buf, nl + 1, w->len - n - 1);
	w->len -= n + 1;
	w->buf[w->len] = '\0';
	return (o);
}

void
feed(struct client *c, const char *line)
{
	assert_int_equal(client_input(c, line, strlen(line), T0), 0);
}

void
feedf(struct client *c, const char *fmt, ...)
{
	char	 line[4096];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	feed(c, line);
}

/* An alarm object as the protocol document shows it. */
const char *
alarm_json(char *buf, size_t size, int id, const char *state, int class,
    long long opened, const char *notes)
{
	snprintf(buf, size, "{\"id\":%d,\"state\":\"%s\",\"class\":%d,"
	    "\"code\":\"QA\",\"name\":\"personal emergency\","
	    "\"incident\":null,\"incident_id\":null,"
	    "\"operator\":%s,\"opened_at\":%lld,\"last_at\":%lld,"
	    "\"count\":1,\"offered_to\":null,\"accepted_at\":null,"
	    "\"closed_at\":null,\"outcome\":null,\"restored_at\":null,"
	    "\"unit\":{\"account\":\"10000%d\",\"protocol\":\"dc09\","
	    "\"zone\":\"001\",\"zone_label\":\"pendant\"},"
	    "\"client\":{\"id\":\"C-%d\",\"name\":\"Mary Smith\"},"
	    "\"responders\":[],\"events\":[{\"id\":%d,\"code\":\"QA\","
	    "\"received_at\":%lld}],\"events_total\":1,\"notes\":%s,"
	    "\"notes_total\":%d}", id, state, class,
	    strcmp(state, "handling") == 0 ? "\"op1\"" : "null", opened,
	    opened, id, id, id * 100, opened, notes,
	    strcmp(notes, "[]") == 0 ? 0 : 1);
	return (buf);
}

/* snapshot_begin announcing n alarms. */
void
snapshot_begin(struct client *c, int n)
{
	feedf(c, "{\"type\":\"snapshot_begin\",\"alarms\":%d,\"stats\":"
	    "{\"queue\":{\"p1\":1,\"p2\":1,\"p3\":1},\"today\":"
	    "{\"answered\":5,\"within_60\":5,\"within_180\":5,"
	    "\"pct_60\":100.0,\"pct_180\":100.0},\"over_180\":[]},"
	    "\"server_time\":%lld}", n, T0 + 500);
}

void
push_alarm(struct client *c, const char *a)
{
	feedf(c, "{\"type\":\"alarm\",\"alarm\":%s}", a);
}

/* Log c in as who (a role) and take the login line off the wire. */
void
login_as(struct client *c, struct wire *w, const char *who,
    const char *role)
{
	json_t	*o;

	if (!c->have_creds)
		client_set_credentials(c, who, "secret-pass", T0);
	client_connected(c, T0);
	feed(c, HELLO);
	assert_int_equal(c->state, CLIENT_AUTH);
	assert_int_equal(c->line_max, 65536);
	assert_int_equal(c->heartbeat, 10);
	o = wire_take(w);
	assert_string_equal(json_string_value(json_object_get(o, "type")),
	    "login");
	assert_int_equal(json_integer_value(json_object_get(o, "protocol")),
	    2);
	assert_string_equal(json_string_value(json_object_get(o, "login")),
	    who);
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":true,\"operator\":"
	    "{\"login\":\"%s\",\"name\":\"Ann Operator\",\"role\":"
	    "\"%s\"}}", json_integer_value(json_object_get(o, "id")), who,
	    role);
	json_decref(o);
	assert_int_equal(c->state, CLIENT_SYNC);
	assert_string_equal(c->op_login, who);
	assert_string_equal(c->op_role, role);
}

void
login(struct client *c, struct wire *w)
{
	login_as(c, w, "op1", "operator");
}

/* A snapshot streamed with the given alarm objects. */
void
snapshot(struct client *c, const char *a1, const char *a2, const char *a3)
{
	snapshot_begin(c, 1 + (a2 != NULL) + (a3 != NULL));
	assert_int_equal(c->state, CLIENT_SYNC);
	assert_true(c->loading);
	push_alarm(c, a1);
	if (a2 != NULL)
		push_alarm(c, a2);
	if (a3 != NULL)
		push_alarm(c, a3);
	feed(c, "{\"type\":\"snapshot_end\"}");
	assert_int_equal(c->state, CLIENT_READY);
	assert_false(c->loading);
}

void
assert_order(struct client *c, const int64_t *ids, size_t n)
{
	size_t	 i;

	assert_int_equal(c->nalarms, n);
	for (i = 0; i < n; i++)
		assert_int_equal(c->alarms[i]->id, ids[i]);
}

/* The type of the next line written, and the object (caller frees). */
json_t *
wire_expect(struct wire *w, const char *type)
{
	json_t	*o = wire_take(w);

	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "type")),
	    type);
	return (o);
}
