/*
 * test_console_shift.c -- the console's protocol state for a shift
 * (console/client.c, supervise.c, operators.c, text.c; no curses, no
 * sockets): the hello's time zone (kept, or junk counted and UTC), away
 * and back (the request, the flag on its reply, said again after a
 * reconnect), reassign (supervisors only, the request, its reply), a
 * supervisor taking an alarm away (the message, the bell and its
 * banner), an offer ringing, and the operators view's state, held alarms
 * and figures (bounded; junk counted). The wire and the lines it shares
 * with the other console tests are in console_wire.c.
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

/* A hello of protocol 2 with fields of the test's own. */
#define HELLO_WITH	"{\"type\":\"hello\",\"server\":\"arcd\"," \
	"\"protocol\":2,\"line_max\":65536,\"heartbeat\":10%s}"

static int64_t
wire_id(json_t *o)
{
	int64_t	 id = json_integer_value(json_object_get(o, "id"));

	json_decref(o);
	return (id);
}

/* Connected, hello (with extra fields), logged in as who, ready. */
static void
ready(struct client *c, struct wire *w, const char *hello_extra,
    const char *who, const char *role)
{
	int64_t	 id;

	client_set_credentials(c, who, "pw", T0);
	client_connected(c, T0);
	feedf(c, HELLO_WITH, hello_extra);
	id = wire_id(wire_expect(w, "login"));
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":true,\"operator\":"
	    "{\"login\":\"%s\",\"name\":\"N\",\"role\":\"%s\"}}",
	    (long long)id, who, role);
	feedf(c, "{\"type\":\"snapshot_begin\",\"alarms\":0,"
	    "\"server_time\":%lld}", T0);
	feedf(c, "{\"type\":\"snapshot_end\"}");
	assert_int_equal(c->state, CLIENT_READY);
}

static void
test_timezone_from_the_hello(void **state)
{
	static const char *junk[] = { ",\"timezone\":\"../../etc/passwd\"",
	    ",\"timezone\":\"/etc/localtime\"", ",\"timezone\":\"a b\"",
	    ",\"timezone\":\"Europe//London\"", ",\"timezone\":\"Europe/\"" };
	struct wire	 w = { .len = 0 };
	struct client	*c;
	size_t		 i;

	(void)state;
	c = client_new(wire_send, &w);
	ready(c, &w, ",\"timezone\":\"America/New_York\"", "op1", "operator");
	assert_string_equal(c->timezone, "America/New_York");
	assert_int_equal(c->bad_messages, 0);
	client_free(c);
	c = client_new(wire_send, &w);
	w.len = 0;
	ready(c, &w, "", "op1", "operator");	/* none said: UTC, not junk */
	assert_string_equal(c->timezone, "");
	assert_int_equal(c->bad_messages, 0);
	client_free(c);
	for (i = 0; i < sizeof junk / sizeof *junk; i++) {
		c = client_new(wire_send, &w);
		w.len = 0;
		ready(c, &w, junk[i], "op1", "operator");
		assert_string_equal(c->timezone, "");
		assert_int_equal(c->bad_messages, 1);
		client_free(c);
	}
}

static void
test_away_and_back(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	json_t		*o;
	int64_t		 id;

	(void)state;
	ready(c, &w, "", "op1", "operator");
	id = supervise_away(c, 1, T0);
	o = wire_expect(&w, "away");
	assert_true(json_is_true(json_object_get(o, "away")));
	assert_int_equal(wire_id(o), id);
	assert_false(c->away);			/* not until the reply */
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":true}",
	    (long long)id);
	assert_true(c->away);
	assert_string_equal(c->message,
	    "away: no offers until you are back (p)");
	/* A new session says it again. */
	client_disconnected(c, T0);
	assert_int_equal(supervise_away(c, 0, T0), -1);	/* offline */
	client_connected(c, T0);
	feedf(c, HELLO_WITH, "");
	id = wire_id(wire_expect(&w, "login"));
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":true,\"operator\":"
	    "{\"login\":\"op1\",\"name\":\"N\",\"role\":\"operator\"}}",
	    (long long)id);
	feedf(c, "{\"type\":\"snapshot_begin\",\"alarms\":0}");
	feedf(c, "{\"type\":\"snapshot_end\"}");
	o = wire_expect(&w, "away");
	assert_true(json_is_true(json_object_get(o, "away")));
	json_decref(o);
	/* Back; a refusal keeps the flag and says why. */
	id = supervise_away(c, 0, T0);
	o = wire_expect(&w, "away");
	assert_true(json_is_false(json_object_get(o, "away")));
	json_decref(o);
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":false,"
	    "\"error\":\"state\"}", (long long)id);
	assert_true(c->away);
	assert_true(c->message_error);
	id = supervise_away(c, 0, T0);
	json_decref(wire_expect(&w, "away"));
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":true}",
	    (long long)id);
	assert_false(c->away);
	assert_string_equal(c->message, "back: offers again");
	client_free(c);
}

static void
test_reassign(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	json_t		*o;
	int64_t		 id;
	char		 login[80];

	(void)state;
	ready(c, &w, "", "op1", "operator");
	assert_int_equal(supervise_reassign(c, 42, "op2", T0), -1);
	assert_string_equal(c->message, "reassign: for supervisors only");
	assert_int_equal(w.len, 0);		/* nothing sent */
	client_free(c);

	c = client_new(wire_send, &w);
	ready(c, &w, "", "boss", "supervisor");
	json_decref(wire_expect(&w, "operators"));
	id = supervise_reassign(c, 42, "op2", T0);
	o = wire_expect(&w, "reassign");
	assert_int_equal(json_integer_value(json_object_get(o, "alarm_id")),
	    42);
	assert_string_equal(json_string_value(json_object_get(o, "to")),
	    "op2");
	assert_int_equal(wire_id(o), id);
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":true}",
	    (long long)id);
	assert_string_equal(c->message, "alarm 42 given to op2");
	id = supervise_reassign(c, 42, "nobody", T0);
	json_decref(wire_expect(&w, "reassign"));
	feedf(c, "{\"type\":\"reply\",\"id\":%lld,\"ok\":false,"
	    "\"error\":\"not_found\"}", (long long)id);
	assert_true(c->message_error);
	assert_string_equal(c->message, "reassign 42: no such alarm");
	/* No alarm, no one, a login too long: not sent. */
	memset(login, 'a', sizeof login - 1);
	login[sizeof login - 1] = '\0';
	assert_int_equal(supervise_reassign(c, 0, "op2", T0), -1);
	assert_int_equal(supervise_reassign(c, 42, "", T0), -1);
	assert_int_equal(supervise_reassign(c, 42, login, T0), -1);
	assert_int_equal(w.len, 0);
	client_free(c);
}

static void
test_told_and_rung(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);

	(void)state;
	ready(c, &w, "", "op1", "operator");
	assert_int_equal(c->bells, 0);
	feedf(c, "{\"type\":\"system\",\"code\":\"reassigned\",\"text\":"
	    "\"alarm 42 was given to op2 by boss\",\"alarm_id\":42,"
	    "\"by\":\"boss\",\"to\":\"op2\"}");
	assert_string_equal(c->message, "alarm 42 was given to op2 by boss");
	assert_true(c->message_error);
	assert_int_equal(c->bells, 1);
	assert_string_equal(c->flash, "alarm 42 was given to op2 by boss");
	feedf(c, "{\"type\":\"system\",\"code\":\"released\",\"alarm_id\":43,"
	    "\"by\":\"boss\",\"to\":null}");		/* no text: said anyway */
	assert_string_equal(c->message, "a supervisor took an alarm from you");
	assert_int_equal(c->bells, 2);
	feedf(c, "{\"type\":\"offer\",\"alarm_id\":44}");
	assert_int_equal(c->bells, 3);
	assert_string_equal(c->flash, "Alarm 44 offered to you");
	client_free(c);
}

/* A row as arcd sends it: state, held alarms, figures. */
#define ROW_BUSY "{\"login\":\"op1\",\"name\":\"Ann\",\"role\":\"operator\"," \
	"\"connected\":true,\"state\":\"handling\",\"away\":true," \
	"\"alarms\":[1,2,3,4,5,6,7,8,9,10]," \
	"\"held\":[{\"id\":1,\"state\":\"handling\",\"class\":1,\"since\":5}," \
	"{\"id\":2,\"state\":\"offered\",\"class\":9,\"since\":-4}," \
	"{\"id\":\"x\",\"state\":\"handling\"},{\"id\":3}," \
	"{\"id\":4,\"state\":\"handling\"},{\"id\":5,\"state\":\"handling\"}," \
	"{\"id\":6,\"state\":\"handling\"},{\"id\":7,\"state\":\"handling\"}," \
	"{\"id\":8,\"state\":\"handling\"},{\"id\":9,\"state\":\"handling\"}," \
	"{\"id\":10,\"state\":\"handling\"}]," \
	"\"logins\":2,\"answered\":4,\"within_60\":3,\"within_180\":4," \
	"\"locked_until\":null}"
#define ROW_OLD "{\"login\":\"op2\",\"name\":\"Bo\",\"role\":\"operator\"," \
	"\"connected\":false,\"alarms\":[11],\"locked_until\":null}"

static void
test_operators_view(void **state)
{
	struct wire			 w = { .len = 0 };
	struct client			*c = client_new(wire_send, &w);
	const struct client_operator	*op;
	char				 buf[64];
	uint64_t			 bad;

	(void)state;
	ready(c, &w, "", "boss", "supervisor");
	json_decref(wire_expect(&w, "operators"));
	bad = c->bad_messages;
	feedf(c, "{\"type\":\"operators\",\"operators\":[" ROW_BUSY ","
	    ROW_OLD "],\"locked_sources\":[]}");
	assert_int_equal(c->noperators, 2);
	op = &c->operators[0];
	assert_string_equal(op->state, "handling");
	assert_true(op->away);
	/* Two junk entries counted; eight kept; all nine in hand counted. */
	assert_int_equal(c->bad_messages, bad + 2);
	assert_int_equal(op->nheld, CLIENT_OPERATOR_ALARMS);
	assert_int_equal(op->nhandling, 8);
	assert_int_equal(op->held[0].id, 1);
	assert_true(op->held[0].handling);
	assert_int_equal(op->held[0].class, 1);
	assert_int_equal(op->held[0].since, 5);
	assert_false(op->held[1].handling);
	assert_int_equal(op->held[1].class, 0);		/* 9: not a class */
	assert_int_equal(op->held[1].since, 0);		/* negative: none */
	assert_int_equal(op->logins, 2);
	supervise_state(op, buf, sizeof buf);
	assert_string_equal(buf, "away, handling 8");
	supervise_pct(op, buf, sizeof buf);
	assert_string_equal(buf, "4  75% 100%");
	/* An older arcd's row: no state, no figures. */
	op = &c->operators[1];
	assert_int_equal(op->logins, -1);
	supervise_state(op, buf, sizeof buf);
	assert_string_equal(buf, "offered lost");
	supervise_pct(op, buf, sizeof buf);
	assert_string_equal(buf, "-");
	client_free(c);
}

static void
test_ageing(void **state)
{
	struct wire	 w = { .len = 0 };
	struct client	*c = client_new(wire_send, &w);
	int64_t		 count[4], oldest[4];
	const char	*fmt = "{\"type\":\"alarm\",\"alarm\":{\"id\":%d,"
			    "\"state\":\"%s\",\"class\":%d,\"opened_at\":%lld,"
			    "\"last_at\":%lld,\"count\":1}}";

	(void)state;
	ready(c, &w, "", "op1", "operator");
	feedf(c, fmt, 1, "waiting", 1, T0 - 70000, T0);
	feedf(c, fmt, 2, "offered", 1, T0 - 10000, T0);
	feedf(c, "{\"type\":\"alarm\",\"alarm\":{\"id\":3,\"state\":"
	    "\"handling\",\"class\":1,\"operator\":\"op9\",\"opened_at\":"
	    "%lld,\"last_at\":%lld,\"count\":1}}", T0 - 500000, T0);
	feedf(c, fmt, 4, "waiting", 3, T0 - 200000, T0);
	supervise_ageing(c, T0, count, oldest);
	assert_int_equal(count[1], 2);
	assert_int_equal(oldest[1], 70000);
	assert_int_equal(count[2], 0);
	assert_int_equal(oldest[2], 0);
	assert_int_equal(count[3], 1);
	assert_int_equal(oldest[3], 200000);
	assert_int_equal(count[0], 3);
	assert_int_equal(oldest[0], 200000);
	assert_string_equal(supervise_holder(c, 3), "op9");	/* in hand */
	assert_null(supervise_holder(c, 1));
	assert_null(supervise_holder(c, 99));
	client_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timezone_from_the_hello),
		cmocka_unit_test(test_away_and_back),
		cmocka_unit_test(test_reassign),
		cmocka_unit_test(test_told_and_rung),
		cmocka_unit_test(test_operators_view),
		cmocka_unit_test(test_ageing),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
