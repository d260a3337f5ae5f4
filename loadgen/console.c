/*
 * console.c -- arc-loadgen --console: a scripted operator console that
 * measures how long an event frame takes to be shown to an operator.
 *
 * One TLS connection to arcd's console listener (docs/console-protocol.md,
 * protocol 2; no certificate verification: a test and benchmark tool). It
 * logs in, reads the streamed snapshot (snapshot_begin, one "alarm" per
 * open alarm, snapshot_end), then accepts every offer and closes it at once
 * as a false alarm (accept and close pipelined). It answers every
 * heartbeat at once, and takes arcd as stuck after CONSOLE_SILENT_BEATS
 * heartbeats without a byte. A line past the hello's line_max is counted
 * and skipped. Failed requests are counted by arcd's error word.
 *
 * What it is shown is timed in shown.c: every event frame a unit sends is
 * remembered by (unit, seq) with the time of its first send; an event is
 * shown when it arrives in an "alarm" (its events) or an "alarm_event".
 *
 * With --console-urgent-only the operator handles P1 and P2 alarms only:
 * it accepts each one it sees waiting (or offered to it) directly by id
 * and closes it, ignores offers, and never touches a technical alarm or
 * an incident (a P3 offer stays pending until arcd takes it back). So a
 * storm's incident stays open and keeps its members, as it would with a
 * supervisor handling it while the operators answer pendants.
 *
 * A lost connection is made again after CONSOLE_RETRY_S; the session logs
 * in again and takes a new snapshot. A refused login is fatal. A session
 * taken over by another login of the operator ("replaced") stays down.
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

#define CONSOLE_LINE_MAX	65536		/* until the hello says */
#define CONSOLE_LINE_CAP	(1U << 20)	/* the most a hello may say */
#define CONSOLE_RETRY_S		1
#define CONSOLE_SILENT_BEATS	3		/* heartbeats unheard: stuck */
#define CONSOLE_KINDS_MAX	16		/* error strings kept apart */
#define CONSOLE_TAKEN_MAX	256		/* ids taken this session */

/*
 * A request id is (alarm id << 2) | kind: a reply says which alarm an
 * accept was for. The login's is CONSOLE_REQ_LOGIN.
 */
#define CONSOLE_REQ_LOGIN	1
#define CONSOLE_REQ_ACCEPT	2
#define CONSOLE_REQ_CLOSE	3

enum console_state {
	CONSOLE_DOWN = 0,	/* no connection; maybe a retry timer */
	CONSOLE_CONNECTING,	/* TCP and TLS handshake */
	CONSOLE_HELLO,		/* waiting for hello */
	CONSOLE_LOGIN,		/* login sent */
	CONSOLE_SNAPSHOT,	/* logged in, the snapshot streaming */
	CONSOLE_READY		/* snapshot_end seen */
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
	struct event		*watch;		/* owned: heartbeat watchdog */
	enum console_state	 state;
	int			 started;	/* first snapshot seen */
	int			 replaced;	/* taken over: stay down */
	int			 skipping;	/* a long line, to its \n */
	size_t			 line_max;	/* from the hello */
	int			 heartbeat;	/* s, from the hello; 0: none */
	uint64_t		 heard_us;	/* last bytes from arcd */
	json_int_t		 snapshot_n;	/* alarms announced */

	struct shown		*shown;		/* owned: sent -> shown */
	struct console_stats	 st;
	struct console_kind	 kinds[CONSOLE_KINDS_MAX];
	uint64_t		 kinds_other;
	json_int_t		 taken[CONSOLE_TAKEN_MAX];
	unsigned		 ntaken;	/* next slot, wraps */
};

static struct console	*con;

static void	console_connect(void);
static void	console_drop(const char *);

/* --- what the units sent (shown.c) --- */

/* A unit sent an event frame for the first time. */
void
console_sent(uint32_t idx, uint16_t seq, uint64_t now)
{
	if (con != NULL)
		shown_sent(con->shown, idx, seq, now);
}

/* A unit's event frame was ACKed: it must be shown before the end. */
void
console_acked(uint32_t idx, uint16_t seq)
{
	if (con != NULL)
		shown_acked(con->shown, idx, seq);
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

static void
console_login(void)
{
	console_send(json_pack("{s:s, s:i, s:i, s:s, s:s}", "type", "login",
	    "id", CONSOLE_REQ_LOGIN, "protocol", 2, "login", con->login,
	    "password", con->password));
	con->state = CONSOLE_LOGIN;
}

/*
 * "Logs in and accepts everything": accept, then close, not waiting. Each
 * alarm once a session (pushes repeat while an alarm changes), unless its
 * accept fails.
 */
static void
console_take(json_int_t alarm_id, int accept)
{
	unsigned	 i;

	for (i = 0; i < CONSOLE_TAKEN_MAX; i++)
		if (con->taken[i] == alarm_id)
			return;
	con->taken[con->ntaken++ % CONSOLE_TAKEN_MAX] = alarm_id;
	if (accept)
		console_send(json_pack("{s:s, s:I, s:I}", "type", "accept",
		    "id", (alarm_id << 2) | CONSOLE_REQ_ACCEPT, "alarm_id",
		    alarm_id));
	console_send(json_pack("{s:s, s:I, s:I, s:s}", "type", "close", "id",
	    (alarm_id << 2) | CONSOLE_REQ_CLOSE, "alarm_id", alarm_id,
	    "outcome", "false_alarm"));
}

/* Its accept failed: take it when it comes again. */
static void
console_untake(json_int_t alarm_id)
{
	unsigned	 i;

	for (i = 0; i < CONSOLE_TAKEN_MAX; i++)
		if (con->taken[i] == alarm_id)
			con->taken[i] = 0;
}

/*
 * An alarm, whole or an update: take it if it is for us. Urgent-only: a
 * P1/P2 alarm that waits or is ours. Otherwise, while the snapshot
 * streams, ours from before a reconnect, which arcd will not offer again
 * (after it, offers come as "offer").
 */
static void
console_consider(json_t *alarm)
{
	json_int_t	 id, class;
	const char	*state, *who;
	int		 accept;

	id = json_integer_value(json_object_get(alarm, "id"));
	class = json_integer_value(json_object_get(alarm, "class"));
	state = json_string_value(json_object_get(alarm, "state"));
	if (id <= 0 || state == NULL ||
	    json_is_integer(json_object_get(alarm, "incident_id")))
		return;
	if (lg.console_urgent_only ? class < 1 || class > 2 :
	    con->state != CONSOLE_SNAPSHOT)
		return;
	who = json_string_value(json_object_get(alarm, "operator"));
	if (strcmp(state, "waiting") == 0 && lg.console_urgent_only) {
		who = con->login;
		accept = 1;
	} else if (strcmp(state, "offered") == 0) {
		if (json_is_string(json_object_get(alarm, "offered_to")))
			who = json_string_value(json_object_get(alarm,
			    "offered_to"));
		accept = 1;
	} else if (strcmp(state, "handling") == 0)
		accept = 0;
	else
		return;
	if (who != NULL && strcmp(who, con->login) == 0)
		console_take(id, accept);
}

/* --- what arcd says --- */

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
		/* The snapshot sends every open alarm again. */
		con->state = CONSOLE_SNAPSHOT;
		con->snapshot_n = 0;
		memset(con->taken, 0, sizeof con->taken);
		shown_clear(con->shown);
		break;
	case CONSOLE_REQ_ACCEPT:
	case CONSOLE_REQ_CLOSE:
		if (!ok) {
			console_error(why);
			if (kind == CONSOLE_REQ_ACCEPT)
				console_untake(json_integer_value(id) >> 2);
		} else if (kind == CONSOLE_REQ_ACCEPT)
			con->st.accepted++;
		else
			con->st.closed++;
		break;
	}
}

static void
console_hello(json_t *m)
{
	json_t	*v;

	con->line_max = CONSOLE_LINE_MAX;
	v = json_object_get(m, "line_max");
	if (json_is_integer(v) && json_integer_value(v) >= 1024)
		con->line_max = json_integer_value(v) > CONSOLE_LINE_CAP ?
		    CONSOLE_LINE_CAP : (size_t)json_integer_value(v);
	con->heartbeat = 0;
	v = json_object_get(m, "heartbeat");
	if (json_is_integer(v) && json_integer_value(v) > 0 &&
	    json_integer_value(v) <= 3600) {
		con->heartbeat = json_integer_value(v);
		event_add(con->watch, &(struct timeval){ con->heartbeat, 0 });
	}
	console_login();
}

/* Answer at once, or arcd takes this console as stuck. */
static void
console_heartbeat(json_t *m)
{
	json_t	*seq = json_object_get(m, "seq");

	if (!json_is_integer(seq))
		return;
	console_send(json_pack("{s:s, s:I}", "type", "heartbeat", "seq",
	    json_integer_value(seq)));
	con->st.heartbeats++;
}

static void
console_snapshot_end(void)
{
	con->state = CONSOLE_READY;
	con->st.logins++;
	log_info("console %s: logged in as %s, %lld open alarms", con->where,
	    con->login, (long long)con->snapshot_n);
	if (!con->started) {
		con->started = 1;
		if (lg.reconnect || lg.st.connected == lg.units)
			lg.begin(lg_now());
	}
}

static void
console_system(json_t *m)
{
	const char	*code, *text;

	code = json_string_value(json_object_get(m, "code"));
	text = json_string_value(json_object_get(m, "text"));
	log_warnx("console %s: %s", con->where, text ? text : "(no text)");
	if (code == NULL || strcmp(code, "replaced") != 0)
		return;
	con->st.replaced++;
	con->replaced = 1;
	if (!con->started)
		fatalx("console %s: %s logged in elsewhere before the run "
		    "began", con->where, con->login);
	console_drop("logged in elsewhere");
}

/* One line from arcd. */
static int
console_message(const char *line, size_t len, uint64_t now)
{
	json_t		*m, *alarm_id;
	json_error_t	 err;
	const char	*type;
	int		 in = con->state >= CONSOLE_SNAPSHOT;

	if ((m = json_loadb(line, len, 0, &err)) == NULL) {
		log_warnx("console %s: bad JSON: %s", con->where, err.text);
		return (-1);
	}
	type = json_string_value(json_object_get(m, "type"));
	if (type == NULL)
		type = "";
	if (strcmp(type, "alarm_event") == 0 && in) {
		con->st.event_pushes++;
		shown_event(con->shown, m, now);
	} else if (strcmp(type, "alarm_update") == 0 && in) {
		con->st.updates++;
		shown_update(con->shown, json_object_get(m, "alarm"));
		console_consider(json_object_get(m, "alarm"));
	} else if (strcmp(type, "alarm") == 0 && in) {
		con->st.alarms_seen++;
		shown_alarm(con->shown, json_object_get(m, "alarm"), now);
		console_consider(json_object_get(m, "alarm"));
	} else if (strcmp(type, "heartbeat") == 0)
		console_heartbeat(m);
	else if (strcmp(type, "offer") == 0 && in &&
	    !lg.console_urgent_only) {
		alarm_id = json_object_get(m, "alarm_id");
		if (json_is_integer(alarm_id))
			console_take(json_integer_value(alarm_id), 1);
	} else if (strcmp(type, "reply") == 0)
		console_reply(m);
	else if (strcmp(type, "hello") == 0 && con->state == CONSOLE_HELLO)
		console_hello(m);
	else if (strcmp(type, "snapshot_begin") == 0 &&
	    con->state == CONSOLE_SNAPSHOT)
		con->snapshot_n = json_integer_value(json_object_get(m,
		    "alarms"));
	else if (strcmp(type, "snapshot_end") == 0 &&
	    con->state == CONSOLE_SNAPSHOT)
		console_snapshot_end();
	else if (strcmp(type, "system") == 0)
		console_system(m);
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

/*
 * The connection is gone: keep it to free later, and try again, unless
 * the session was taken over (then nothing more will be shown).
 */
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
	con->state = CONSOLE_DOWN;
	event_del(con->watch);
	if (con->bev != NULL) {
		bufferevent_disable(con->bev, EV_READ | EV_WRITE);
		bufferevent_setcb(con->bev, NULL, NULL, NULL, NULL);
		if (con->dead != NULL)
			bufferevent_free(con->dead);
		con->dead = con->bev;
		con->bev = NULL;
	}
	if (con->replaced) {
		log_warnx("console %s: %s; not logging in again", con->where,
		    why);
		if (lg.phase == PHASE_DRAIN)
			lg.check_done();
		return;
	}
	log_warnx("console %s: %s; again in %d s", con->where, why,
	    CONSOLE_RETRY_S);
	evtimer_add(con->retry, &tv);
}

/* Every heartbeat: has arcd been silent for CONSOLE_SILENT_BEATS? */
static void
console_watch_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (con->state == CONSOLE_DOWN || lg_now() - con->heard_us <
	    (uint64_t)con->heartbeat * CONSOLE_SILENT_BEATS * 1000000)
		return;
	con->st.silent++;
	console_drop("no heartbeat from arcd");
}

/* A line past line_max: say so once and skip to its end. */
static void
console_long_line(void)
{
	if (con->skipping)
		return;
	con->skipping = 1;
	con->st.long_lines++;
	log_warnx("console %s: a line longer than %zu bytes skipped",
	    con->where, con->line_max);
}

static void
console_read_cb(struct bufferevent *bev, void *arg)
{
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct evbuffer_ptr	 eol;
	const char		*line;
	uint64_t		 now = lg_now();

	(void)arg;
	con->heard_us = now;
	while (con->state != CONSOLE_DOWN) {
		eol = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);
		if (eol.pos < 0) {
			if (evbuffer_get_length(in) > con->line_max) {
				console_long_line();
				evbuffer_drain(in, evbuffer_get_length(in));
			}
			return;
		}
		if (con->skipping || (size_t)eol.pos > con->line_max) {
			console_long_line();
			con->skipping = 0;
			evbuffer_drain(in, eol.pos + 1);
			continue;
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
		con->line_max = CONSOLE_LINE_MAX;
		con->skipping = 0;
		con->heard_us = lg_now();
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
	con->shown = shown_new(&con->st);
	if ((con->ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		fatalx("console: SSL_CTX_new failed");
	SSL_CTX_set_min_proto_version(con->ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(con->ctx, SSL_VERIFY_NONE, NULL);	/* bench tool */
	if ((con->retry = evtimer_new(lg.base, console_retry_cb, NULL)) ==
	    NULL || (con->watch = event_new(lg.base, -1, EV_PERSIST,
	    console_watch_cb, NULL)) == NULL)
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
	if (con == NULL || con->replaced)
		return (0);		/* replaced: nothing more to show */
	return (shown_unshown(con->shown));
}

int
console_enabled(void)
{
	return (con != NULL);
}

const struct console_stats *
console_stats(void)
{
	con->st.not_shown = shown_unshown(con->shown);
	con->st.evicted = shown_evicted(con->shown);
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
console_json_hist(FILE *f, const char *name, const struct hist *h)
{
	fprintf(f, ", \"%s\": {\"p50\": %.3f, \"p90\": %.3f, \"p99\": %.3f, "
	    "\"p999\": %.3f, \"max\": %.3f}", name, console_ms(h, 0.5),
	    console_ms(h, 0.9), console_ms(h, 0.99), console_ms(h, 0.999),
	    console_ms(h, 1.0));
}

static void
console_text_hist(const char *name, const struct hist *h)
{
	printf("%s p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f\n",
	    name, console_ms(h, 0.5), console_ms(h, 0.9), console_ms(h, 0.99),
	    console_ms(h, 0.999), console_ms(h, 1.0));
}

/* The ", \"console\": {...}" member of the JSON report. */
void
console_report_json(FILE *f)
{
	const struct console_stats	*st;
	size_t				 i;

	if (con == NULL)
		return;
	st = console_stats();
	fprintf(f, ", \"console\": {\"alarms_seen\": %" PRIu64
	    ", \"events_shown\": %" PRIu64 ", \"not_shown\": %" PRIu64
	    ", \"evicted\": %" PRIu64 ", \"accepted\": %" PRIu64
	    ", \"closed\": %" PRIu64 ", \"errors\": %" PRIu64
	    ", \"logins\": %" PRIu64 ", \"disconnects\": %" PRIu64
	    ", \"connect_failures\": %" PRIu64,
	    st->alarms_seen, st->events_shown, st->not_shown, st->evicted,
	    st->accepted, st->closed, st->errors, st->logins,
	    st->disconnects, st->connect_fail);
	fprintf(f, ", \"updates\": %" PRIu64 ", \"event_pushes\": %" PRIu64
	    ", \"events_unmatched\": %" PRIu64 ", \"alarms_evicted\": %"
	    PRIu64 ", \"heartbeats\": %" PRIu64 ", \"silent\": %" PRIu64
	    ", \"long_lines\": %" PRIu64 ", \"replaced\": %" PRIu64,
	    st->updates, st->event_pushes, st->events_unmatched,
	    st->alarms_evicted, st->heartbeats, st->silent, st->long_lines,
	    st->replaced);
	fprintf(f, ", \"error_kinds\": {");
	for (i = 0; i < CONSOLE_KINDS_MAX && con->kinds[i].name[0]; i++) {
		/* arcd's error strings are plain words; keep it so. */
		fprintf(f, "%s\"%.*s\": %" PRIu64, i ? ", " : "",
		    (int)strcspn(con->kinds[i].name, "\"\\"),
		    con->kinds[i].name, con->kinds[i].n);
	}
	if (con->kinds_other != 0)
		fprintf(f, "%s\"other\": %" PRIu64, i ? ", " : "",
		    con->kinds_other);
	fprintf(f, "}");
	console_json_hist(f, "shown_ms", shown_hist(con->shown, 0));
	console_json_hist(f, "p1_shown_ms", shown_hist(con->shown, 1));
	fprintf(f, "}");
}

void
console_report_text(void)
{
	const struct console_stats	*st;
	size_t				 i;

	if (con == NULL)
		return;
	st = console_stats();
	printf("console pushes   %" PRIu64 " alarms, %" PRIu64 " updates, %"
	    PRIu64 " events (%" PRIu64 " of unknown alarms; %" PRIu64
	    " alarms forgotten)\n", st->alarms_seen, st->updates,
	    st->event_pushes, st->events_unmatched, st->alarms_evicted);
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
	    PRIu64 " silent, %" PRIu64 " failed connects, %" PRIu64
	    " replaced)\n", st->logins, st->disconnects, st->silent,
	    st->connect_fail, st->replaced);
	printf("console lines    %" PRIu64 " heartbeats answered, %" PRIu64
	    " long lines skipped\n", st->heartbeats, st->long_lines);
	console_text_hist("shown ms        ", shown_hist(con->shown, 0));
	console_text_hist("P1 shown ms     ", shown_hist(con->shown, 1));
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
	if (con->watch != NULL)
		event_free(con->watch);
	SSL_CTX_free(con->ctx);
	shown_free(con->shown);
	free(con->where);
	free(con->login);
	freezero_str(con->password);
	free(con);
	con = NULL;
}
