/*
 * fuzz_console.c -- libFuzzer target for the console's protocol state
 * (console/client.c, request.c, queue.c, history.c, draft.c,
 * operators.c, supervise.c, text.c): the input
 * is what a server sends, split on '\n', each line handed to
 * client_input() as console.c does. A line client_input() refuses drops
 * the connection and the console reconnects (client_disconnected,
 * client_connected), as console.c does; a line past line_max is skipped;
 * after "replaced" the console is offline and server lines are not read
 * until the operator reconnects (!x).
 *
 * A line starting with '!' (never a JSON object) is the operator instead,
 * so replies can meet the requests they answer:
 *	!a[ID] accept	!r[ID] release	!d[ID] decline	!t  31 s pass, tick
 *	!nTEXT note	!cTEXT close	!wTEXT draft a note, backspace, submit
 *	!x  the link drops and comes back	!p  the credentials again
 *	!m[ID] older events and notes
 *	!uNAME unlock a login	!UNAME unlock an address
 *	!g[ID] give to "op2"	!o away (or back, if away)
 * ID defaults to the alarm offered, else the first in the queue.
 *
 * After every line the state must hold together: the queue sorted, no
 * closed alarm in it, no duplicate ids, borrowed strings alive, events and
 * notes bounded, requests counted and bounded, the operators and locks
 * bounded and their names terminated (a lock's: not empty, and its time
 * to run never negative); every line the client
 * writes is one JSON object with a type and an id, or a heartbeat with
 * its seq and nothing else. FUZZ_VERBOSE=1 in the environment prints the
 * state after each line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "console.h"

#define FUZZ_T0		1795000000000LL
#define FUZZ_WIRE_MAX	(256 * 1024)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The line being written by the client. */
struct fuzz_wire {
	char	 buf[FUZZ_WIRE_MAX];
	size_t	 len;
	size_t	 lines;
};

static void
fuzz_wire_line(const char *s, size_t len)
{
	json_t	*o;

	if (memchr(s, '\n', len) != NULL)
		abort();
	if ((o = json_loadb(s, len, JSON_REJECT_DUPLICATES, NULL)) == NULL)
		abort();
	if (json_is_object(o) && json_is_string(json_object_get(o, "type")) &&
	    strcmp(json_string_value(json_object_get(o, "type")),
	    "heartbeat") == 0) {
		if (json_object_size(o) != 2 ||
		    !json_is_integer(json_object_get(o, "seq")))
			abort();
		json_decref(o);
		return;
	}
	if (!json_is_object(o) ||
	    !json_is_string(json_object_get(o, "type")) ||
	    !json_is_integer(json_object_get(o, "id")) ||
	    json_integer_value(json_object_get(o, "id")) < 1)
		abort();
	json_decref(o);
}

static void
fuzz_send(const char *s, size_t len, void *arg)
{
	struct fuzz_wire	*w = arg;

	if (len == 1 && *s == '\n') {
		fuzz_wire_line(w->buf, w->len);
		w->len = 0;
		w->lines++;
		return;
	}
	if (len > sizeof w->buf - w->len)
		abort();
	memcpy(w->buf + w->len, s, len);
	w->len += len;
}

static void
fuzz_check_str(const char *s, json_t *obj, const char *key)
{
	if (s == NULL)
		return;
	if (s != json_string_value(json_object_get(obj, key)))
		abort();
	(void)strlen(s);		/* alive, terminated */
}

static void
fuzz_check_alarm(const struct client_alarm *a)
{
	if (a == NULL || a->obj == NULL || !json_is_object(a->obj) ||
	    a->class < 1 || a->class > 3 || (unsigned)a->state > ALARM_UNKNOWN)
		abort();
	if (!json_is_integer(json_object_get(a->obj, "id")) ||
	    json_integer_value(json_object_get(a->obj, "id")) != a->id)
		abort();
	fuzz_check_str(a->operator, a->obj, "operator");
	fuzz_check_str(a->offered_to, a->obj, "offered_to");
	fuzz_check_str(a->code, a->obj, "code");
	fuzz_check_str(a->name, a->obj, "name");
	fuzz_check_str(a->outcome, a->obj, "outcome");
	if (history_held(a, HISTORY_EVENTS) >
	    CLIENT_HISTORY_MAX ||
	    history_held(a, HISTORY_NOTES) >
	    CLIENT_HISTORY_MAX ||
	    history_total(a, HISTORY_EVENTS) <
	    (int64_t)history_held(a, HISTORY_EVENTS))
		abort();
}

static int
fuzz_before(const struct client_alarm *a, const struct client_alarm *b)
{
	if (a->class != b->class)
		return (a->class < b->class);
	if (a->opened_at != b->opened_at)
		return (a->opened_at < b->opened_at);
	return (a->id < b->id);
}

static void
fuzz_check(struct client *c)
{
	struct client_request	*r, *r2;
	size_t			 i, j, n = 0;

	if ((unsigned)c->state > CLIENT_READY ||
	    strcmp(client_state_name(c->state), "?") == 0)
		abort();
	if (c->nalarms > CLIENT_MAX_ALARMS || c->nalarms > c->alarms_size ||
	    (c->alarms == NULL && c->nalarms != 0))
		abort();
	for (i = 0; i < c->nalarms; i++) {
		fuzz_check_alarm(c->alarms[i]);
		if (c->alarms[i]->state == ALARM_CLOSED)
			abort();
		if (i > 0 && !fuzz_before(c->alarms[i - 1], c->alarms[i]))
			abort();	/* unsorted, or the same id twice */
		if (queue_find(c, c->alarms[i]->id) != c->alarms[i])
			abort();
	}
	if (c->nalarms <= 256) {
		for (i = 0; i < c->nalarms; i++)
			for (j = i + 1; j < c->nalarms; j++)
				if (c->alarms[i]->id == c->alarms[j]->id)
					abort();
	}
	if (c->closed_next >= CLIENT_CLOSED_KEEP)
		abort();
	for (i = 0; i < CLIENT_CLOSED_KEEP; i++) {
		if (c->closed[i] == NULL)
			continue;
		fuzz_check_alarm(c->closed[i]);
		if (c->closed[i]->state != ALARM_CLOSED)
			abort();
		for (j = i + 1; j < CLIENT_CLOSED_KEEP; j++)
			if (c->closed[j] != NULL &&
			    c->closed[j]->id == c->closed[i]->id)
				abort();
	}
	TAILQ_FOREACH(r, &c->requests, entry) {
		n++;
		if ((unsigned)r->kind > REQ_LAST ||
		    strcmp(request_name(r->kind), "?") == 0)
			abort();
		if ((r->sent_at != 0) != (r->id != 0) || r->id < 0 ||
		    r->id >= c->next_id)
			abort();
		if (r->sent_at == 0 && r->kind != REQ_NOTE &&
		    r->kind != REQ_CLOSE)
			abort();	/* only these wait for a session */
		for (r2 = TAILQ_NEXT(r, entry); r2 != NULL;
		    r2 = TAILQ_NEXT(r2, entry))
			if (r->id != 0 && r2->id == r->id)
				abort();
	}
	if (n != c->nrequests || n > CLIENT_MAX_REQUESTS)
		abort();
	if (strnlen(c->message, sizeof c->message) == sizeof c->message ||
	    strnlen(c->login_error, sizeof c->login_error) ==
	    sizeof c->login_error ||
	    strnlen(c->op_login, sizeof c->op_login) == sizeof c->op_login ||
	    strnlen(c->op_name, sizeof c->op_name) == sizeof c->op_name ||
	    strnlen(c->op_role, sizeof c->op_role) == sizeof c->op_role)
		abort();
	if (c->noperators > CLIENT_MAX_OPERATORS ||
	    (c->noperators != 0 && !c->have_operators) ||
	    c->nlate > CLIENT_LATE_KEEP || c->nlate > c->over_180)
		abort();
	for (i = 0; i < c->noperators; i++) {
		if (c->operators[i].nalarms > CLIENT_OPERATOR_ALARMS ||
		    c->operators[i].nalarms > c->operators[i].alarms_total ||
		    strnlen(c->operators[i].login,
		    sizeof c->operators[i].login) ==
		    sizeof c->operators[i].login ||
		    c->operators[i].locked_until < 0 ||
		    c->operators[i].nheld > CLIENT_OPERATOR_ALARMS ||
		    c->operators[i].nheld > c->operators[i].nhandling +
		    CLIENT_OPERATOR_ALARMS ||
		    strnlen(c->operators[i].state,
		    sizeof c->operators[i].state) ==
		    sizeof c->operators[i].state)
			abort();
		for (j = 0; j < c->operators[i].nheld; j++)
			if (c->operators[i].held[j].class < 0 ||
			    c->operators[i].held[j].class > 3 ||
			    c->operators[i].held[j].since < 0)
				abort();
	}
	if (strnlen(c->timezone, sizeof c->timezone) == sizeof c->timezone ||
	    (c->timezone[0] != '\0' && !text_zone_ok(c->timezone)) ||
	    strnlen(c->flash, sizeof c->flash) == sizeof c->flash)
		abort();
	if (c->nlocks > CLIENT_MAX_LOCKS ||
	    (c->nlocks != 0 && !c->have_operators))
		abort();
	for (i = 0; i < c->nlocks; i++) {
		if (c->locks[i].until <= 0 || c->locks[i].name[0] == '\0' ||
		    strnlen(c->locks[i].name, sizeof c->locks[i].name) ==
		    sizeof c->locks[i].name ||
		    operators_left(c, c->locks[i].until, FUZZ_T0) < 0 ||
		    (i > 0 && c->locks[i - 1].kind > c->locks[i].kind))
			abort();
	}
	if (c->nladders > CLIENT_MAX_LADDERS || c->nladders > c->ladders_size)
		abort();
	for (i = 0; i < c->nladders; i++) {
		if (c->ladders[i].alarm_id <= 0 ||
		    c->ladders[i].nsteps > CLIENT_LADDER_STEPS ||
		    c->ladders[i].nsteps > c->ladders[i].steps_total ||
		    strcmp(ladder_state_label(c->ladders[i].state), "?") == 0 ||
		    ladder_find(c, c->ladders[i].alarm_id) != &c->ladders[i])
			abort();	/* the same alarm twice */
		for (j = 0; j < c->ladders[i].nsteps; j++)
			if (strcmp(ladder_step_label(
			    c->ladders[i].steps[j].state), "?") == 0)
				abort();
	}
	if (c->draft.len > CLIENT_TEXT_MAX ||
	    strlen(c->draft.text) != c->draft.len)
		abort();
	if (c->line_max < CLIENT_LINE_MIN || c->line_max > CLIENT_LINE_MAX ||
	    (c->loading && c->state != CLIENT_SYNC) ||
	    (c->replaced && c->state != CLIENT_OFFLINE) ||
	    (c->known == NULL && c->nknown != 0) ||
	    (c->known != NULL && !c->loading && c->state == CLIENT_READY))
		abort();
}

static void
fuzz_reconnect(struct client *c, int64_t now)
{
	client_disconnected(c, now);
	client_connecting(c);
	client_connected(c, now);
}

/* Operator text: printable ASCII, as the UI would have it typed. */
static void
fuzz_text(char *out, size_t size, const char *s, size_t len)
{
	size_t	 i;

	if (len >= size)
		len = size - 1;
	for (i = 0; i < len; i++)
		out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	out[len] = '\0';
}

static int64_t
fuzz_alarm_id(struct client *c, const char *s, size_t len)
{
	char	 num[24];

	if (len > 0 && ((s[0] >= '0' && s[0] <= '9') || s[0] == '-')) {
		fuzz_text(num, sizeof num, s, len);
		return ((int64_t)strtoll(num, NULL, 10));
	}
	if (c->offer_id != 0)
		return (c->offer_id);
	return (c->nalarms > 0 ? c->alarms[0]->id : 0);
}

/* One operator line ("!..."); len counts the '!'. */
static void
fuzz_operator(struct client *c, const char *s, size_t len, int64_t *now)
{
	char		 text[CLIENT_TEXT_MAX + 64];
	const char	*outcome;
	const char	*arg = s + 2;
	size_t		 alen = len > 2 ? len - 2 : 0;

	if (len < 2)
		return;
	switch (s[1]) {
	case 'a':
		client_accept(c, fuzz_alarm_id(c, arg, alen), *now);
		break;
	case 'r':
		client_release(c, fuzz_alarm_id(c, arg, alen), *now);
		break;
	case 'd':
		client_decline(c, fuzz_alarm_id(c, arg, alen), *now);
		break;
	case 'm':
		client_history(c, fuzz_alarm_id(c, arg, alen), *now);
		break;
	case 'n':
		fuzz_text(text, sizeof text, arg, alen);
		client_note(c, fuzz_alarm_id(c, "", 0), text, *now);
		break;
	case 'c':
		fuzz_text(text, sizeof text, arg, alen);
		outcome = client_outcomes[alen % client_noutcomes].name;
		client_close(c, fuzz_alarm_id(c, "", 0), outcome, text, *now);
		break;
	case 'w':
		fuzz_text(text, sizeof text, arg, alen);
		draft_start(c, DRAFT_NOTE, fuzz_alarm_id(c, "", 0), NULL);
		draft_insert(c, text, strlen(text));
		draft_backspace(c);
		draft_submit(c, *now);
		break;
	case 't':
		*now += CLIENT_PING_IDLE + 1000;
		if (client_tick(c, *now) == -1)
			fuzz_reconnect(c, *now);
		break;
	case 'x':
		fuzz_reconnect(c, *now);
		break;
	case 'p':
		client_set_credentials(c, "op1", "secret-pass", *now);
		break;
	case 'u':
	case 'U':
		fuzz_text(text, sizeof text, arg, alen);
		client_unlock(c, text, s[1] == 'U', *now);
		break;
	case 'g':
		supervise_reassign(c, fuzz_alarm_id(c, arg, alen), "op2", *now);
		break;
	case 'o':
		supervise_away(c, !c->away, *now);
		break;
	case 's':
		respond_send(c, fuzz_alarm_id(c, arg, alen), *now);
		break;
	case 'l':
		respond_ladder(c, fuzz_alarm_id(c, "", 0), alen % 4 == 0 ?
		    "skip" : alen % 4 == 1 ? "stop" : alen % 4 == 2 ?
		    "emergency" : "jump", *now);
		break;
	case 'y':
		/* The screen's answer to responder_on_way: a reason. */
		if (c->reason_id == 0)
			break;
		fuzz_text(text, sizeof text, arg, alen);
		draft_start(c, DRAFT_REASON, c->reason_id, c->reason_outcome);
		c->reason_id = 0;
		draft_insert(c, text, strlen(text));
		draft_submit(c, *now);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_wire	 w;
	struct client		*c;
	const char		*p = (const char *)data, *end = p + size, *nl;
	size_t			 len;
	int64_t			 now = FUZZ_T0;
	int			 verbose = getenv("FUZZ_VERBOSE") != NULL;

	w.len = 0;
	w.lines = 0;
	c = client_new(fuzz_send, &w);
	client_set_credentials(c, "op1", "secret-pass", now);
	client_connecting(c);
	client_connected(c, now);
	while (p < end) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		len = nl - p;
		if (len > 0 && *p == '!')
			fuzz_operator(c, p, len, &now);
		else if (c->state == CLIENT_OFFLINE)
			;		/* replaced: nobody reads */
		else if (len > c->line_max)
			;		/* skipped, as console.c does */
		else if (client_input(c, p, len, now) == -1)
			fuzz_reconnect(c, now);
		else if (c->replaced)
			client_disconnected(c, now);	/* no retry */
		fuzz_check(c);
		if (verbose)		/* for whoever edits the corpus */
			fprintf(stderr, "%-10.*s %s alarms %zu requests %zu "
			    "sent %zu: %s\n", (int)(len < 10 ? len : 10), p,
			    client_state_name(c->state),
			    c->nalarms, c->nrequests, w.lines, c->message);
		if (w.len != 0)
			abort();	/* a line written without its end */
		now += 100;
		p = nl < end ? nl + 1 : end;
	}
	client_free(c);
	return (0);
}
