/*
 * console.c -- arc-loadgen --console: a scripted operator console that
 * measures how long an event frame takes to be shown to an operator.
 *
 * One TLS connection to arcd's console listener (docs/console-protocol.md;
 * no certificate verification: a test and benchmark tool). It logs in,
 * takes the snapshot, then accepts every offer and closes it at once as a
 * false alarm (accept and close pipelined).
 *
 * Every event frame a unit sends is remembered by (unit, seq) with the
 * time of its first send (pending.c). An "alarm" push (or a snapshot)
 * showing an event that is remembered records now - first send and
 * forgets it.
 *
 * With --console-urgent-only the operator handles P1 and P2 alarms only:
 * it accepts each one it sees waiting (or offered to it) directly by id
 * and closes it, ignores offers, and never touches a technical alarm or
 * an incident (a P3 offer stays pending until arcd takes it back). So a
 * storm's incident stays open and keeps its members, as it would with a
 * supervisor handling it while the operators answer pendants.
 *
 * A lost connection is made again after CONSOLE_RETRY_S; the session logs
 * in again and takes a new snapshot. A refused login is fatal.
 *
 * Told by sim.c what was sent and ACKed; reports the snapshot (the run
 * may begin) and the last shown event (it may end) through lg.begin and
 * lg.check_done. One thread (the event loop).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <jansson.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "runtime.h"
#include "loadgen.h"

#define CONSOLE_LINE_MAX	65536
#define CONSOLE_RETRY_S		1
#define CONSOLE_KINDS_MAX	8		/* error strings kept apart */
#define CONSOLE_TAKEN_MAX	256		/* urgent-only: ids taken */

/* Request kinds, in the low two bits of a request id. */
#define CONSOLE_REQ_LOGIN	1
#define CONSOLE_REQ_ACCEPT	2
#define CONSOLE_REQ_CLOSE	3

enum console_state {
	CONSOLE_DOWN = 0,	/* no connection; maybe a retry timer */
	CONSOLE_CONNECTING,	/* TCP and TLS handshake */
	CONSOLE_HELLO,		/* waiting for hello */
	CONSOLE_LOGIN,		/* login sent */
	CONSOLE_SNAPSHOT,	/* logged in, waiting for the snapshot */
	CONSOLE_READY
};

struct console_kind {
	char		 name[24];
	uint64_t	 n;
};

struct console {
	struct sockaddr_storage	 addr;
	socklen_t		 addr_len;
	char			*where;		/* owned: HOST:PORT */
	char			*login;		/* owned */
	char			*password;	/* owned, wiped */
	SSL_CTX			*ctx;		/* owned */
	struct bufferevent	*bev;		/* owned */
	struct bufferevent	*dead;		/* owned: dropped, to free */
	struct event		*retry;		/* owned */
	enum console_state	 state;
	int			 started;	/* first snapshot seen */
	uint64_t		 next_req;

	struct pending		*pending;	/* owned: frames not shown */

	struct console_stats	 st;
	struct console_kind	 kinds[CONSOLE_KINDS_MAX];
	uint64_t		 kinds_other;
	struct hist		*shown;		/* owned */
	struct hist		*p1;		/* owned */
	json_int_t		 taken[CONSOLE_TAKEN_MAX]; /* urgent-only */
	unsigned		 ntaken;	/* next slot, wraps */
};

static struct console	*con;

static void	console_connect(void);

/* --- remembered frames (pending.c) --- */

/* A unit sent an event frame for the first time. */
void
console_sent(uint32_t idx, uint16_t seq, uint64_t now)
{
	if (con != NULL)
		pending_sent(con->pending, idx, seq, now);
}

/* A unit's event frame was ACKed: it must be shown before the end. */
void
console_acked(uint32_t idx, uint16_t seq)
{
	if (con != NULL)
		pending_acked(con->pending, idx, seq);
}

/* An account from arcd as a unit index, or -1 if it is not ours. */
static int64_t
console_unit(const char *account)
{
	unsigned long long	 v;
	char			*end;

	if (account == NULL || *account == '\0')
		return (-1);
	errno = 0;
	v = strtoull(account, &end, 16);
	if (*end != '\0' || errno != 0 || v < lg.first_account ||
	    v - lg.first_account >= lg.units)
		return (-1);
	return ((int64_t)(v - lg.first_account));
}

/* An alarm object: record every remembered event it shows. */
static void
console_alarm_events(json_t *alarm, uint64_t now)
{
	json_t		*events, *ev, *seq;
	int64_t		 idx;
	size_t		 n;
	int		 p1;
	uint64_t	 us;

	idx = console_unit(json_string_value(json_object_get(
	    json_object_get(alarm, "unit"), "account")));
	events = json_object_get(alarm, "events");
	if (idx == -1 || !json_is_array(events))
		return;
	p1 = json_integer_value(json_object_get(alarm, "class")) == 1;
	json_array_foreach(events, n, ev) {
		seq = json_object_get(ev, "seq");
		if (!json_is_integer(seq) || json_integer_value(seq) < 0 ||
		    json_integer_value(seq) > 9999)
			continue;
		if (pending_shown(con->pending, idx,
		    (uint16_t)json_integer_value(seq), &us) == -1)
			continue;
		us = now - us;
		hist_add(con->shown, us);
		if (p1)
			hist_add(con->p1, us);
		con->st.events_shown++;
	}
	if (lg.phase == PHASE_DRAIN)
		lg.check_done();
}

/* --- requests --- */

static void
console_send(json_t *msg)
{
	char	*s;

	if (msg == NULL)
		fatalx("console: cannot build a request");
	s = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (s == NULL)
		fatalx("console: cannot encode a request");
	evbuffer_add(bufferevent_get_output(con->bev), s, strlen(s));
	evbuffer_add(bufferevent_get_output(con->bev), "\n", 1);
	freezero_str(s);		/* may hold the password */
}

static json_int_t
console_req_id(int kind)
{
	return ((json_int_t)((con->next_req++ << 2) | kind));
}

static void
console_login(void)
{
	con->next_req = 0;
	console_send(json_pack("{s:s, s:I, s:i, s:s, s:s}", "type", "login",
	    "id", console_req_id(CONSOLE_REQ_LOGIN), "protocol", 1, "login",
	    con->login, "password", con->password));
	con->state = CONSOLE_LOGIN;
}

/* "Logs in and accepts everything": accept, then close, not waiting. */
static void
console_take(json_int_t alarm_id, int accept)
{
	if (accept)
		console_send(json_pack("{s:s, s:I, s:I}", "type", "accept",
		    "id", console_req_id(CONSOLE_REQ_ACCEPT), "alarm_id",
		    alarm_id));
	console_send(json_pack("{s:s, s:I, s:I, s:s}", "type", "close", "id",
	    console_req_id(CONSOLE_REQ_CLOSE), "alarm_id", alarm_id,
	    "outcome", "false_alarm"));
}

/*
 * --console-urgent-only: take a P1/P2 alarm that waits or is ours, once
 * (pushes repeat while an alarm changes). Technical alarms are left.
 */
static void
console_take_urgent(json_t *alarm)
{
	json_int_t	 id, class;
	const char	*state, *op;
	unsigned	 i;
	int		 accept;

	id = json_integer_value(json_object_get(alarm, "id"));
	class = json_integer_value(json_object_get(alarm, "class"));
	state = json_string_value(json_object_get(alarm, "state"));
	op = json_string_value(json_object_get(alarm, "operator"));
	if (id <= 0 || class < 1 || class > 2 || state == NULL)
		return;
	if (strcmp(state, "waiting") == 0)
		accept = 1;
	else if (op == NULL || strcmp(op, con->login) != 0)
		return;
	else if (strcmp(state, "offered") == 0)
		accept = 1;
	else if (strcmp(state, "handling") == 0)
		accept = 0;
	else
		return;
	for (i = 0; i < CONSOLE_TAKEN_MAX; i++)
		if (con->taken[i] == id)
			return;
	con->taken[con->ntaken++ % CONSOLE_TAKEN_MAX] = id;
	console_take(id, accept);
}

static void
console_error(const char *why)
{
	size_t	 i;

	con->st.errors++;
	if (why == NULL)
		why = "(none)";
	for (i = 0; i < CONSOLE_KINDS_MAX; i++) {
		if (con->kinds[i].name[0] == '\0') {
			strlcpy(con->kinds[i].name, why,
			    sizeof con->kinds[i].name);
			con->kinds[i].n = 1;
			return;
		}
		if (strcmp(con->kinds[i].name, why) == 0) {
			con->kinds[i].n++;
			return;
		}
	}
	con->kinds_other++;
}

static void
console_reply(json_t *m)
{
	json_t		*id = json_object_get(m, "id");
	const char	*why;
	int		 kind, ok;

	if (!json_is_integer(id))
		return;
	kind = json_integer_value(id) & 3;
	ok = json_is_true(json_object_get(m, "ok"));
	why = json_string_value(json_object_get(m, "error"));
	switch (kind) {
	case CONSOLE_REQ_LOGIN:
		if (!ok)
			fatalx("console %s: login as \"%s\" refused: %s",
			    con->where, con->login, why ? why : "no reason");
		con->state = CONSOLE_SNAPSHOT;
		break;
	case CONSOLE_REQ_ACCEPT:
	case CONSOLE_REQ_CLOSE:
		if (!ok)
			console_error(why);
		else if (kind == CONSOLE_REQ_ACCEPT)
			con->st.accepted++;
		else
			con->st.closed++;
		break;
	}
}

/*
 * The snapshot: events shown while we were away, and our own alarms from
 * before a reconnect, which arcd will not offer again.
 */
static void
console_snapshot(json_t *m, uint64_t now)
{
	json_t		*alarms, *a;
	const char	*state, *op;
	size_t		 i;

	alarms = json_object_get(m, "alarms");
	json_array_foreach(alarms, i, a) {
		console_alarm_events(a, now);
		if (lg.console_urgent_only) {
			console_take_urgent(a);
			continue;
		}
		state = json_string_value(json_object_get(a, "state"));
		op = json_string_value(json_object_get(a, "operator"));
		if (state == NULL || op == NULL || strcmp(op, con->login) != 0)
			continue;
		if (strcmp(state, "offered") == 0)
			console_take(json_integer_value(json_object_get(a,
			    "id")), 1);
		else if (strcmp(state, "handling") == 0)
			console_take(json_integer_value(json_object_get(a,
			    "id")), 0);
	}
	con->state = CONSOLE_READY;
	con->st.logins++;
	log_info("console %s: logged in as %s, %zu open alarms", con->where,
	    con->login, json_array_size(alarms));
	if (!con->started) {
		con->started = 1;
		if (lg.reconnect || lg.st.connected == lg.units)
			lg.begin(lg_now());
	}
}

/* One line from arcd. */
static int
console_message(const char *line, size_t len, uint64_t now)
{
	json_t		*m, *alarm_id;
	json_error_t	 err;
	const char	*type;

	if ((m = json_loadb(line, len, 0, &err)) == NULL) {
		log_warnx("console %s: bad JSON: %s", con->where, err.text);
		return (-1);
	}
	type = json_string_value(json_object_get(m, "type"));
	if (type == NULL)
		type = "";
	if (strcmp(type, "alarm") == 0) {
		con->st.alarms_seen++;
		console_alarm_events(json_object_get(m, "alarm"), now);
		if (lg.console_urgent_only && con->state == CONSOLE_READY)
			console_take_urgent(json_object_get(m, "alarm"));
	} else if (strcmp(type, "offer") == 0 && !lg.console_urgent_only) {
		alarm_id = json_object_get(m, "alarm_id");
		if (json_is_integer(alarm_id))
			console_take(json_integer_value(alarm_id), 1);
	} else if (strcmp(type, "reply") == 0)
		console_reply(m);
	else if (strcmp(type, "hello") == 0 &&
	    con->state == CONSOLE_HELLO)
		console_login();
	else if (strcmp(type, "snapshot") == 0)
		console_snapshot(m, now);
	else if (strcmp(type, "system") == 0)
		log_warnx("console %s: %s", con->where,
		    json_string_value(json_object_get(m, "text")));
	json_decref(m);
	return (0);
}

/* --- the connection --- */

static void
console_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (con->dead != NULL) {
		bufferevent_free(con->dead);
		con->dead = NULL;
	}
	if (lg.phase != PHASE_DONE)
		console_connect();
}

/* The connection is gone: keep it to free later, and try again. */
static void
console_drop(const char *why)
{
	struct timeval	 tv = { CONSOLE_RETRY_S, 0 };

	if (con->state == CONSOLE_DOWN)
		return;
	if (con->state == CONSOLE_CONNECTING)
		con->st.connect_fail++;
	else
		con->st.disconnects++;
	log_warnx("console %s: %s; again in %d s", con->where, why,
	    CONSOLE_RETRY_S);
	con->state = CONSOLE_DOWN;
	if (con->bev != NULL) {
		bufferevent_disable(con->bev, EV_READ | EV_WRITE);
		bufferevent_setcb(con->bev, NULL, NULL, NULL, NULL);
		con->dead = con->bev;
		con->bev = NULL;
	}
	evtimer_add(con->retry, &tv);
}

static void
console_read_cb(struct bufferevent *bev, void *arg)
{
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct evbuffer_ptr	 eol;
	const char		*line;
	uint64_t		 now = lg_now();

	(void)arg;
	while (con->state != CONSOLE_DOWN) {
		eol = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);
		if (eol.pos < 0) {
			if (evbuffer_get_length(in) > CONSOLE_LINE_MAX)
				console_drop("line too long");
			return;
		}
		if ((size_t)eol.pos > CONSOLE_LINE_MAX) {
			console_drop("line too long");
			return;
		}
		line = (const char *)evbuffer_pullup(in, eol.pos + 1);
		if (console_message(line, eol.pos, now) == -1) {
			console_drop("malformed message");
			return;
		}
		evbuffer_drain(in, eol.pos + 1);
	}
}

static const char *
console_ssl_error(struct bufferevent *bev)
{
	static char	 buf[160];
	unsigned long	 e;

	if ((e = bufferevent_get_openssl_error(bev)) == 0) {
		if (errno != 0)
			return (strerror(errno));
		return ("closed by the server");
	}
	ERR_error_string_n(e, buf, sizeof buf);
	return (buf);
}

static void
console_event_cb(struct bufferevent *bev, short what, void *arg)
{
	(void)arg;
	if (what & BEV_EVENT_CONNECTED) {
		con->state = CONSOLE_HELLO;
		return;
	}
	if (what & BEV_EVENT_EOF)
		console_drop("closed by the server");
	else if (what & BEV_EVENT_ERROR)
		console_drop(console_ssl_error(bev));
}

/* One attempt; a failure comes back through console_drop. */
static void
console_connect(void)
{
	SSL	*ssl;
	int	 fd, one = 1;

	con->state = CONSOLE_CONNECTING;
	fd = socket(con->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd == -1) {
		console_drop(strerror(errno));
		return;
	}
	/* Requests are small and pipelined: send each at once. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if ((ssl = SSL_new(con->ctx)) == NULL)
		fatalx("console: SSL_new failed");
	con->bev = bufferevent_openssl_socket_new(lg.base, fd, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	if (con->bev == NULL)
		fatalx("console: cannot create a TLS connection");
	bufferevent_setcb(con->bev, console_read_cb, NULL, console_event_cb,
	    NULL);
	bufferevent_enable(con->bev, EV_READ | EV_WRITE);
	errno = 0;
	if (bufferevent_socket_connect(con->bev,
	    (struct sockaddr *)&con->addr, con->addr_len) == -1)
		console_drop(errno ? strerror(errno) : "connect failed");
}

/* --- set-up, report, tear-down --- */

/* Set up and connect, if --console was given. */
void
console_init(void)
{
	if (lg.console == NULL)
		return;
	if (lg.console_pwfile == NULL)
		fatalx("--console needs --console-password-file");
	con = xcalloc(1, sizeof *con);
	con->where = xstrdup(lg.console);
	lg_addr("--console", lg.console, &con->addr, &con->addr_len);
	con->login = xstrdup(lg.console_login != NULL ? lg.console_login :
	    "loadgen");
	con->password = lg_first_line("--console-password-file",
	    lg.console_pwfile);
	con->pending = pending_new();
	con->shown = hist_new();
	con->p1 = hist_new();
	if ((con->ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		fatalx("console: SSL_CTX_new failed");
	SSL_CTX_set_min_proto_version(con->ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(con->ctx, SSL_VERIFY_NONE, NULL);	/* bench tool */
	if ((con->retry = evtimer_new(lg.base, console_retry_cb, NULL)) ==
	    NULL)
		fatalx("console: evtimer_new failed");
	console_connect();
}

/* Logged in with a snapshot (or no --console): the run may start. */
int
console_ready(void)
{
	return (con == NULL || con->started);
}

/* ACKed event frames not shown yet. */
uint64_t
console_pending(void)
{
	return (con == NULL ? 0 : pending_unshown(con->pending));
}

int
console_enabled(void)
{
	return (con != NULL);
}

const struct console_stats *
console_stats(void)
{
	con->st.not_shown = pending_unshown(con->pending);
	con->st.evicted = pending_evicted(con->pending);
	return (&con->st);
}

static double
console_ms(const struct hist *h, double p)
{
	if (p >= 1.0)
		return ((double)hist_max(h) / 1000.0);
	return ((double)hist_percentile(h, p) / 1000.0);
}

static void
console_json_hist(const char *name, const struct hist *h)
{
	printf(", \"%s\": {\"p50\": %.3f, \"p90\": %.3f, \"p99\": %.3f, "
	    "\"p999\": %.3f, \"max\": %.3f}", name, console_ms(h, 0.5),
	    console_ms(h, 0.9), console_ms(h, 0.99), console_ms(h, 0.999),
	    console_ms(h, 1.0));
}

/* The ", \"console\": {...}" member of the JSON report. */
void
console_report_json(void)
{
	const struct console_stats	*st;
	size_t				 i;

	if (con == NULL)
		return;
	st = console_stats();
	printf(", \"console\": {\"alarms_seen\": %" PRIu64
	    ", \"events_shown\": %" PRIu64 ", \"not_shown\": %" PRIu64
	    ", \"evicted\": %" PRIu64 ", \"accepted\": %" PRIu64
	    ", \"closed\": %" PRIu64 ", \"errors\": %" PRIu64
	    ", \"logins\": %" PRIu64 ", \"disconnects\": %" PRIu64
	    ", \"connect_failures\": %" PRIu64 ", \"error_kinds\": {",
	    st->alarms_seen, st->events_shown, st->not_shown, st->evicted,
	    st->accepted, st->closed, st->errors, st->logins,
	    st->disconnects, st->connect_fail);
	for (i = 0; i < CONSOLE_KINDS_MAX && con->kinds[i].name[0]; i++) {
		/* arcd's error strings are plain words; keep it so. */
		printf("%s\"%.*s\": %" PRIu64, i ? ", " : "",
		    (int)strcspn(con->kinds[i].name, "\"\\"),
		    con->kinds[i].name, con->kinds[i].n);
	}
	if (con->kinds_other != 0)
		printf("%s\"other\": %" PRIu64, i ? ", " : "",
		    con->kinds_other);
	printf("}");
	console_json_hist("shown_ms", con->shown);
	console_json_hist("p1_shown_ms", con->p1);
	printf("}");
}

void
console_report_text(void)
{
	const struct console_stats	*st;
	size_t				 i;

	if (con == NULL)
		return;
	st = console_stats();
	printf("console alarms   %" PRIu64 " pushes seen\n", st->alarms_seen);
	printf("console shown    %" PRIu64 " events (%" PRIu64
	    " ACKed never shown, %" PRIu64 " evicted)\n", st->events_shown,
	    st->not_shown, st->evicted);
	printf("console handled  %" PRIu64 " accepted, %" PRIu64
	    " closed, %" PRIu64 " errors", st->accepted, st->closed,
	    st->errors);
	for (i = 0; i < CONSOLE_KINDS_MAX && con->kinds[i].name[0]; i++)
		printf("%s%s %" PRIu64, i ? ", " : " (", con->kinds[i].name,
		    con->kinds[i].n);
	if (con->kinds_other != 0)
		printf("%sother %" PRIu64, i ? ", " : " (", con->kinds_other);
	printf("%s\n", i || con->kinds_other ? ")" : "");
	printf("console logins   %" PRIu64 " (%" PRIu64 " disconnects, %"
	    PRIu64 " failed connects)\n", st->logins, st->disconnects,
	    st->connect_fail);
	printf("shown ms         p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  "
	    "max %.3f\n", console_ms(con->shown, 0.5),
	    console_ms(con->shown, 0.9), console_ms(con->shown, 0.99),
	    console_ms(con->shown, 0.999), console_ms(con->shown, 1.0));
	printf("P1 shown ms      p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  "
	    "max %.3f\n", console_ms(con->p1, 0.5), console_ms(con->p1, 0.9),
	    console_ms(con->p1, 0.99), console_ms(con->p1, 0.999),
	    console_ms(con->p1, 1.0));
}

void
console_free(void)
{
	if (con == NULL)
		return;
	if (con->bev != NULL)
		bufferevent_free(con->bev);
	if (con->dead != NULL)
		bufferevent_free(con->dead);
	if (con->retry != NULL)
		event_free(con->retry);
	SSL_CTX_free(con->ctx);
	hist_free(con->shown);
	hist_free(con->p1);
	pending_free(con->pending);
	free(con->where);
	free(con->login);
	freezero_str(con->password);
	free(con);
	con = NULL;
}
