/*
 * test_console_super.c -- a supervisor's view in arc-console's protocol
 * state (console/client.c, operators.c; the lines and the wire in
 * console_wire.c): the operators list (asked for, pushed, replaced;
 * ignored for an operator) with the locked logins and addresses (on an
 * operator's row or of their own; bounded; junk skipped and counted; time
 * left by the server's clock), and unlock (by login or address; its
 * replies said; refused to operators and offline).
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

/* An operators list as the protocol document shows it. */
#define OPS_TWO	"[{\"login\":\"op1\",\"name\":\"Ann Operator\"," \
	"\"role\":\"operator\",\"connected\":true,\"alarms\":[42]}," \
	"{\"login\":\"boss\",\"name\":\"Sam Super\"," \
	"\"role\":\"supervisor\",\"connected\":true,\"alarms\":[]}]"

static void
test_operators(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	char		 a1[1024];
	json_t		*o;
	int64_t		 id;

	(void)state;
	login_as(c, &w, "boss", "supervisor");
	assert_true(client_is_supervisor(c));
	snapshot(c, alarm_json(a1, sizeof a1, 42, "handling", 1, T0, "[]"),
	    NULL, NULL);
	/* After the snapshot a supervisor asks for the list. */
	o = wire_take(&w);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "type")),
	    "operators");
	id = json_integer_value(json_object_get(o, "id"));
	assert_true(id > 0);
	assert_null(json_object_get(o, "alarm_id"));
	json_decref(o);
	assert_false(c->have_operators);
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":true,"
	    "\"operators\":%s}", (long long)id, OPS_TWO);
	assert_int_equal(c->nrequests, 0);
	assert_true(c->have_operators);
	assert_int_equal(c->noperators, 2);
	assert_string_equal(c->operators[0].login, "op1");
	assert_string_equal(c->operators[0].name, "Ann Operator");
	assert_string_equal(c->operators[0].role, "operator");
	assert_true(c->operators[0].connected);
	assert_int_equal(c->operators[0].nalarms, 1);
	assert_int_equal(c->operators[0].alarms[0], 42);
	assert_string_equal(c->operators[1].role, "supervisor");
	assert_int_equal(c->operators[1].nalarms, 0);

	/* A push replaces the list; ids past the bound are counted. */
	feed(c, "{\"type\":\"operators\",\"operators\":[{\"login\":"
	    "\"op2\",\"name\":\"Bo\",\"role\":\"operator\",\"connected\":"
	    "false,\"alarms\":[1,2,3,4,5,6,7,8,9,10]},{\"name\":\"no login\"}]}");
	assert_int_equal(c->noperators, 1);
	assert_string_equal(c->operators[0].login, "op2");
	assert_false(c->operators[0].connected);
	assert_int_equal(c->operators[0].nalarms, CLIENT_OPERATOR_ALARMS);
	assert_int_equal(c->operators[0].alarms_total, 10);
	assert_int_equal(c->bad_messages, 1);
	/* An empty list is a list. */
	feed(c, "{\"type\":\"operators\",\"operators\":[]}");
	assert_int_equal(c->noperators, 0);
	assert_true(c->have_operators);
	/* Asking again; a refusal is shown, the list kept. */
	id = client_operators(c, T0);
	assert_true(id > 0);
	json_decref(wire_take(&w));
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":false,"
	    "\"error\":\"forbidden\"}", (long long)id);
	assert_true(c->message_error);
	assert_non_null(strstr(c->message, "not allowed for your role"));
	assert_true(c->have_operators);
	client_free(c);
}

static void
test_operators_not_for_operators(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	char		 a1[1024];

	(void)state;
	login(c, &w);
	assert_false(client_is_supervisor(c));
	snapshot(c, alarm_json(a1, sizeof a1, 42, "waiting", 1, T0, "[]"),
	    NULL, NULL);
	assert_null(wire_take(&w));		/* no operators request */
	assert_int_equal(client_operators(c, T0), -1);
	assert_null(wire_take(&w));
	feed(c, "{\"type\":\"operators\",\"operators\":" OPS_TWO "}");
	assert_false(c->have_operators);
	assert_int_equal(c->noperators, 0);
	client_free(c);
}

/*
 * A supervisor logged in, the snapshot (server_time T0 + 500: the skew
 * is 500 ms) taken; returns the id of the operators request it makes.
 */
static int64_t
supervisor_ready(struct client *c, struct wire *w)
{
	char	 a1[1024];
	json_t	*o;
	int64_t	 id;

	login_as(c, w, "boss", "supervisor");
	snapshot(c, alarm_json(a1, sizeof a1, 42, "waiting", 1, T0, "[]"),
	    NULL, NULL);
	assert_int_equal(c->skew, 500);
	o = wire_expect(w, "operators");
	id = json_integer_value(json_object_get(o, "id"));
	json_decref(o);
	return (id);
}

/* As arcd sends it: op1 locked on its row, ghost on a row of its own. */
#define OPS_LOCKED "[{\"login\":\"op1\",\"name\":\"Ann Operator\"," \
	"\"role\":\"operator\",\"connected\":true,\"alarms\":[42]," \
	"\"locked_until\":1795000900000}," \
	"{\"login\":\"boss\",\"name\":\"Sam Super\",\"role\":\"supervisor\"," \
	"\"connected\":true,\"alarms\":[],\"locked_until\":null}," \
	"{\"login\":\"ghost\",\"name\":null,\"role\":null,\"connected\":false," \
	"\"alarms\":[],\"locked_until\":1795000600000}]"
#define SOURCES_LOCKED "[{\"source\":\"127.0.0.6\"," \
	"\"locked_until\":1795000300000},{\"source\":\"127.0.0.5\"," \
	"\"locked_until\":1795000900000}]"

static void
test_operators_locked(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	int64_t		 id;

	(void)state;
	id = supervisor_ready(c, &w);
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":true,\"operators\":"
	    OPS_LOCKED ",\"locked_sources\":" SOURCES_LOCKED "}",
	    (long long)id);
	assert_int_equal(c->bad_messages, 0);
	/* Operators keep their rows; a login with no record is a lock. */
	assert_int_equal(c->noperators, 2);
	assert_string_equal(c->operators[0].login, "op1");
	assert_int_equal(c->operators[0].locked_until, T0 + 900000);
	assert_int_equal(c->operators[0].nalarms, 1);
	assert_string_equal(c->operators[1].login, "boss");
	assert_int_equal(c->operators[1].locked_until, 0);
	/* Logins first, then addresses, each in order. */
	assert_int_equal(c->nlocks, 3);
	assert_int_equal(c->locks[0].kind, LOCK_LOGIN);
	assert_string_equal(c->locks[0].name, "ghost");
	assert_int_equal(c->locks[0].until, T0 + 600000);
	assert_int_equal(c->locks[1].kind, LOCK_SOURCE);
	assert_string_equal(c->locks[1].name, "127.0.0.5");
	assert_int_equal(c->locks[1].until, T0 + 900000);
	assert_string_equal(c->locks[2].name, "127.0.0.6");
	assert_int_equal(c->locks[2].until, T0 + 300000);
	/* Time left by the server's clock: now + the skew of 500 ms. */
	assert_int_equal(operators_left(c, c->locks[0].until, T0),
	    600000 - 500);
	assert_int_equal(operators_left(c, c->locks[2].until, T0 + 299500),
	    0);
	assert_int_equal(operators_left(c, c->locks[2].until, T0 + 299499),
	    1);
	assert_int_equal(operators_left(c, 0, T0), 0);
	c->skew = INT64_MAX;		/* no overflow, whatever the clocks */
	assert_int_equal(operators_left(c, INT64_MAX, INT64_MAX), 0);
	c->skew = 500;

	/* A push replaces it all; no locked_sources: none. */
	feed(c, "{\"type\":\"operators\",\"operators\":[{\"login\":\"op1\","
	    "\"name\":\"Ann Operator\",\"role\":\"operator\",\"connected\":"
	    "true,\"alarms\":[],\"locked_until\":null}]}");
	assert_int_equal(c->noperators, 1);
	assert_int_equal(c->operators[0].locked_until, 0);
	assert_int_equal(c->nlocks, 0);
	assert_int_equal(c->bad_messages, 0);
	client_free(c);
}

static void
test_operators_locked_junk(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	char		 long_name[CLIENT_LOCK_NAME + 1];

	(void)state;
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	supervisor_ready(c, &w);
	/* Bad ends of a lock: the row kept, the lock not, each counted. */
	feed(c, "{\"type\":\"operators\",\"operators\":["
	    "{\"login\":\"op1\",\"name\":\"A\",\"role\":\"operator\","
	    "\"locked_until\":\"soon\"},"
	    "{\"login\":\"op2\",\"name\":\"B\",\"role\":\"operator\","
	    "\"locked_until\":-5},"
	    "{\"login\":\"op3\",\"name\":\"C\",\"role\":\"operator\","
	    "\"locked_until\":1.5},"
	    "{\"login\":\"op4\",\"name\":null,\"role\":null,"
	    "\"locked_until\":0},"
	    "{\"name\":null,\"role\":null,\"locked_until\":1795000900000}],"
	    "\"locked_sources\":{\"source\":\"127.0.0.5\"}}");
	assert_int_equal(c->noperators, 4);
	assert_int_equal(c->operators[0].locked_until, 0);
	assert_int_equal(c->operators[1].locked_until, 0);
	assert_int_equal(c->operators[2].locked_until, 0);
	assert_int_equal(c->operators[3].locked_until, 0);
	assert_int_equal(c->nlocks, 0);
	/* "soon", -5, 1.5, 0, the row without a login, the object. */
	assert_int_equal(c->bad_messages, 6);

	/* Bad addresses and logins: skipped, counted; the good one kept. */
	c->bad_messages = 0;
	feedf(c, "{\"type\":\"operators\",\"operators\":["
	    "{\"login\":\"%s\",\"name\":null,\"role\":null,"
	    "\"locked_until\":1795000900000},"
	    "{\"login\":\"%s\",\"name\":\"Long\",\"role\":\"operator\","
	    "\"locked_until\":1795000900000},"
	    "{\"login\":\"\",\"name\":null,\"role\":null,"
	    "\"locked_until\":1795000900000}],"
	    "\"locked_sources\":[1,\"127.0.0.5\",{},{\"source\":7,"
	    "\"locked_until\":1795000900000},{\"source\":\"\","
	    "\"locked_until\":1795000900000},{\"source\":\"%s\","
	    "\"locked_until\":1795000900000},{\"source\":\"127.0.0.7\"},"
	    "{\"source\":\"127.0.0.8\",\"locked_until\":null},"
	    "{\"source\":\"127.0.0.9\",\"locked_until\":\"x\"},"
	    "{\"source\":\"::1\",\"locked_until\":1795000900000}]}",
	    long_name, long_name, long_name);
	/* The long login's row is kept (cut), not its lock. */
	assert_int_equal(c->noperators, 1);
	assert_int_equal(c->operators[0].locked_until, 0);
	assert_int_equal(c->nlocks, 1);
	assert_int_equal(c->locks[0].kind, LOCK_SOURCE);
	assert_string_equal(c->locks[0].name, "::1");
	assert_int_equal(c->bad_messages, 12);
	/* Not a list: nothing changes. */
	feed(c, "{\"type\":\"operators\",\"operators\":{},"
	    "\"locked_sources\":[]}");
	assert_int_equal(c->bad_messages, 13);
	assert_int_equal(c->nlocks, 1);
	client_free(c);
}

/* More than is kept: the first ones, the rest counted. */
static void
test_operators_locked_bounded(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	char		*line;
	size_t		 size = 256 * 1024, len;
	int		 i, n = CLIENT_MAX_OPERATORS + 10;

	(void)state;
	supervisor_ready(c, &w);
	line = malloc(size);
	assert_non_null(line);
	len = (size_t)snprintf(line, size, "{\"type\":\"operators\","
	    "\"operators\":[");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(line + len, size - len, "%s{\"login\":"
		    "\"op%03d\",\"name\":\"Op\",\"role\":\"operator\"},"
		    "{\"login\":\"gone%03d\",\"name\":null,\"role\":null,"
		    "\"locked_until\":1795000900000}", i ? "," : "", i, i);
	len += (size_t)snprintf(line + len, size - len,
	    "],\"locked_sources\":[");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(line + len, size - len, "%s{\"source\":"
		    "\"10.0.%d.%d\",\"locked_until\":1795000900000}",
		    i ? "," : "", i / 256, i % 256);
	len += (size_t)snprintf(line + len, size - len, "]}");
	assert_true(len < size - 1);
	assert_int_equal(client_input(c, line, len, T0), 0);
	free(line);
	assert_int_equal(c->noperators, CLIENT_MAX_OPERATORS);
	assert_int_equal(c->dropped_operators, 10);
	assert_int_equal(c->nlocks, CLIENT_MAX_LOCKS);
	assert_int_equal(c->dropped_locks, 2 * n - CLIENT_MAX_LOCKS);
	assert_int_equal(c->bad_messages, 0);
	/* The logins came first: every kept lock is one. */
	assert_int_equal(c->locks[0].kind, LOCK_LOGIN);
	assert_int_equal(c->locks[CLIENT_MAX_LOCKS - 1].kind, LOCK_LOGIN);
	client_free(c);
}

/* The request written for an unlock; returns its id. */
static int64_t
unlock_expect(struct wire *w, const char *key, const char *name)
{
	json_t	*o = wire_expect(w, "unlock");
	int64_t	 id = json_integer_value(json_object_get(o, "id"));

	assert_true(id > 0);
	assert_string_equal(json_string_value(json_object_get(o, key)), name);
	assert_int_equal(json_object_size(o), 3);	/* type, id, key */
	json_decref(o);
	return (id);
}

static void
test_unlock(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	char		 long_name[CLIENT_LOCK_NAME + 1];
	int64_t		 id;

	(void)state;
	id = supervisor_ready(c, &w);
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":true,\"operators\":"
	    OPS_LOCKED ",\"locked_sources\":" SOURCES_LOCKED "}",
	    (long long)id);
	id = client_unlock(c, "op1", 0, T0);
	assert_int_equal(unlock_expect(&w, "login", "op1"), id);
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":true}",
	    (long long)id);
	assert_false(c->message_error);
	assert_string_equal(c->message, "login op1 unlocked");
	assert_int_equal(c->nrequests, 0);
	/* An address; not locked (any more). */
	id = client_unlock(c, "127.0.0.5", 1, T0);
	assert_int_equal(unlock_expect(&w, "source", "127.0.0.5"), id);
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":false,"
	    "\"error\":\"not_found\"}", (long long)id);
	assert_true(c->message_error);
	assert_string_equal(c->message, "unlock address 127.0.0.5: not locked");
	/* Any other refusal is said as such. */
	id = client_unlock(c, "op2", 0, T0);
	unlock_expect(&w, "login", "op2");
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":false,"
	    "\"error\":\"forbidden\"}", (long long)id);
	assert_string_equal(c->message, "unlock login op2: not allowed for "
	    "your role");
	assert_int_equal(c->nrequests, 0);
	/* Nothing to unlock: not sent. */
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	assert_int_equal(client_unlock(c, "", 0, T0), -1);
	assert_int_equal(client_unlock(c, long_name, 1, T0), -1);
	assert_null(wire_take(&w));
	/* Offline: refused, not kept for the next session. */
	client_disconnected(c, T0);
	assert_int_equal(client_unlock(c, "op1", 0, T0), -1);
	assert_string_equal(c->message, "unlock: not connected");
	assert_int_equal(c->nrequests, 0);
	assert_null(wire_take(&w));
	client_free(c);

	/* An operator cannot. */
	c = client_new(wire_send, &w);
	login(c, &w);
	assert_int_equal(client_unlock(c, "op2", 0, T0), -1);
	assert_string_equal(c->message, "unlock: for supervisors only");
	assert_null(wire_take(&w));
	client_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_operators_not_for_operators),
		cmocka_unit_test(test_operators_locked),
		cmocka_unit_test(test_operators_locked_junk),
		cmocka_unit_test(test_operators_locked_bounded),
		cmocka_unit_test(test_unlock),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
