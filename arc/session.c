/*
 * session.c -- console sessions: TLS (libevent bufferevent_openssl), one
 * JSON object per line (jansson), the protocol of docs/console-protocol.md.
 *
 * A session reads requests, checks them, calls alarm.c and answers once
 * the change is durable (alarmio.c calls session_reply_tag with the tag we
 * gave it). Every bound is counted: line length, output waiting for a
 * console that stops reading, sessions, login attempts.
 *
 * States: connected (hello sent) -> logged in -> closing (on the reap
 * list; freed by the reap event, never inside its own callback).
 * Thread: network thread.
 */
#include <sys/queue.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>

#include "alarm.h"
#include "arc.h"

#ifndef TAILQ_FOREACH_SAFE
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = TAILQ_FIRST(head);					\
	    (var) != NULL && ((tvar) = TAILQ_NEXT(var, field), 1);	\
	    (var) = (tvar))
#endif

#define SESSION_LINE_MAX	65536
#define SESSION_OUT_MAX		(1024 * 1024)
#define SESSION_MAX_FAILS	5
#define SESSION_LOGIN_SECS	30
#define SESSION_PROTOCOL	1

struct session {
	uint64_t		 id;
	struct bufferevent	*bev;		/* owned */
	char			 peer[64];
	int			 authed;
	int			 super;
	char			 login[32];
	char			 name[96];
	int			 fails;
	struct event		*delay;		/* owned: a refused login */
	json_t			*delayed;	/* owned: its reply */
	int			 closing;
	int			 cut;		/* not reading: close from reap */
	const char		*close_after;	/* close once output is sent */
	TAILQ_ENTRY(session)	 entry;
};
TAILQ_HEAD(session_list, session);

struct session_tag {
	uint64_t		 session;
	json_t			*id;		/* owned */
};

static struct event_base	*sess_base;
static const struct config	*sess_cfg;
static struct db		*sess_db;	/* borrowed: arcd's reader */
static SSL_CTX			*sess_ssl;
static struct evconnlistener	*sess_listener;
static struct session_list	 sessions = TAILQ_HEAD_INITIALIZER(sessions);
static struct session_list	 sess_reap = TAILQ_HEAD_INITIALIZER(sess_reap);
static struct event		*sess_reap_ev;
static struct hmap		 sess_by_id;	/* id -> session * */
static struct hmap		 sess_tags;	/* tag -> session_tag * */
static uint64_t			 sess_next_id = 1, sess_next_tag = 1;
static size_t			 sess_count;

static void	session_close(struct session *, const char *);
static void	session_close_soon(struct session *, const char *);

static struct session *
session_by_id(uint64_t id)
{
	uint64_t	 v;

	if (hmap_get(&sess_by_id, id, &v) != 0)
		return (NULL);
	return ((struct session *)(uintptr_t)v);
}

/* Send one message (steals msg). A console that stops reading is cut. */
static void
session_send(struct session *s, json_t *msg)
{
	struct evbuffer	*out;
	char		*txt;

	if (msg == NULL)
		return;
	if (s->closing || s->cut) {
		json_decref(msg);
		return;
	}
	out = bufferevent_get_output(s->bev);
	if (evbuffer_get_length(out) > SESSION_OUT_MAX) {
		/*
		 * Already a full buffer behind: this console is not reading.
		 * Cut it from the reap event, not here: we may be inside a
		 * loop over the sessions.
		 */
		COUNT(C_CONSOLE_SLOW);
		s->cut = 1;
		event_active(sess_reap_ev, EV_TIMEOUT, 0);
		json_decref(msg);
		return;
	}
	txt = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (txt == NULL)
		return;
	evbuffer_add(out, txt, strlen(txt));
	evbuffer_add(out, "\n", 1);
	free(txt);
}

static void
session_reply(struct session *s, json_t *id, const char *error,
    json_t *extra)
{
	json_t	*r;

	r = json_pack("{s:s, s:O, s:b}", "type", "reply", "id",
	    id ? id : json_null(), "ok", error == NULL);
	if (error != NULL)
		json_object_set_new(r, "error", json_string(error));
	if (extra != NULL)
		json_object_update(r, extra);
	json_decref(extra);
	session_send(s, r);
}

static uint64_t
session_tag(struct session *s, json_t *id)
{
	struct session_tag	*t;
	uint64_t		 tag = sess_next_tag++;

	t = xcalloc(1, sizeof *t);
	t->session = s->id;
	t->id = json_incref(id ? id : json_null());
	hmap_put(&sess_tags, tag, (uintptr_t)t);
	return (tag);
}

void
session_reply_tag(uint64_t tag, const char *error, json_t *extra)
{
	struct session_tag	*t;
	struct session		*s;
	uint64_t		 v;

	if (tag == 0 || hmap_get(&sess_tags, tag, &v) != 0) {
		json_decref(extra);
		return;
	}
	hmap_del(&sess_tags, tag);
	t = (struct session_tag *)(uintptr_t)v;
	if ((s = session_by_id(t->session)) != NULL)
		session_reply(s, t->id, error, extra);
	else
		json_decref(extra);	/* the console went away meanwhile */
	json_decref(t->id);
	free(t);
}

void
session_broadcast(json_t *msg)
{
	struct session	*s;

	if (msg == NULL)
		return;
	TAILQ_FOREACH(s, &sessions, entry)
		if (s->authed && !s->cut)
			session_send(s, json_incref(msg));
	json_decref(msg);
}

void
session_offer(const char *login, int64_t alarm_id)
{
	struct session	*s;

	TAILQ_FOREACH(s, &sessions, entry)
		if (s->authed && strcmp(s->login, login) == 0)
			session_send(s, json_pack("{s:s, s:I}", "type",
			    "offer", "alarm_id", (json_int_t)alarm_id));
}

void
session_foreach_login(void (*fn)(const char *, int, void *), void *arg)
{
	struct session	*s, *t;

	TAILQ_FOREACH_SAFE(s, &sessions, entry, t)
		if (s->authed && !s->closing && !s->cut)
			fn(s->login, s->super, arg);
}

/* Is any console logged in? */
int
session_any(void)
{
	struct session	*s;

	TAILQ_FOREACH(s, &sessions, entry)
		if (s->authed && !s->closing)
			return (1);
	return (0);
}

int
session_logged_in(const char *login)
{
	struct session	*s;

	TAILQ_FOREACH(s, &sessions, entry)
		if (s->authed && !s->closing && strcmp(s->login, login) == 0)
			return (1);
	return (0);
}

/* --- the supervisor's view --- */

static json_t *
session_operators(void)
{
	struct session	*s;
	struct alarm	*a;
	json_t		*ops, *ids;

	ops = json_array();
	TAILQ_FOREACH(s, &sessions, entry) {
		if (!s->authed || s->closing)
			continue;
		ids = json_array();
		if ((a = alarm_of(s->login)) != NULL)
			json_array_append_new(ids, json_integer(a->id));
		json_array_append_new(ops, json_pack("{s:s, s:s, s:s, s:b, "
		    "s:o}", "login", s->login, "name", s->name, "role",
		    s->super ? "supervisor" : "operator", "connected", 1,
		    "alarms", ids));
	}
	return (ops);
}

void
session_push_operators(void)
{
	struct session	*s;
	json_t		*ops = NULL;

	TAILQ_FOREACH(s, &sessions, entry) {
		if (!s->authed || !s->super)
			continue;
		if (ops == NULL)
			ops = session_operators();
		session_send(s, json_pack("{s:s, s:O}", "type", "operators",
		    "operators", ops));
	}
	json_decref(ops);
}

/* --- requests --- */

static struct alarm *
session_alarm(struct session *s, json_t *req, json_t *id)
{
	json_t		*aid = json_object_get(req, "alarm_id");
	struct alarm	*a;

	if (json_is_null(aid) || aid == NULL) {
		if ((a = alarm_of(s->login)) != NULL &&
		    a->state == ALARM_OFFERED)
			return (a);
		if ((a = alarm_top()) == NULL)
			session_reply(s, id, "not_found", NULL);
		return (a);
	}
	if (!json_is_integer(aid)) {
		session_reply(s, id, "bad_request", NULL);
		return (NULL);
	}
	if ((a = alarm_find(json_integer_value(aid))) == NULL)
		session_reply(s, id, "not_found", NULL);
	return (a);
}

static void
session_change(struct session *s, const char *type, json_t *req,
    json_t *id)
{
	struct alarm		*a;
	const char		*why = "bad_request", *text;
	enum alarm_outcome	 o;
	int64_t			 now = now_ms();
	uint64_t		 tag;
	int			 rc = -1;

	if ((a = session_alarm(s, req, id)) == NULL)
		return;
	tag = session_tag(s, id);
	if (strcmp(type, "accept") == 0)
		rc = alarm_accept(a, s->login, now, tag, &why);
	else if (strcmp(type, "decline") == 0)
		rc = alarm_decline(a, s->login, now, tag, &why);
	else if (strcmp(type, "release") == 0)
		rc = alarm_release(a, s->login, s->super, now, tag, &why);
	else if (strcmp(type, "close") == 0) {
		o = alarm_outcome_parse(json_string_value(json_object_get(req,
		    "outcome")) ? json_string_value(json_object_get(req,
		    "outcome")) : "");
		text = json_string_value(json_object_get(req, "text"));
		if (text != NULL && strlen(text) > 1000)
			why = "bad_request";
		else
			rc = alarm_close(a, s->login, o, text, now, tag, &why);
	}
	if (rc != 0)
		session_reply_tag(tag, why, NULL);
	session_push_operators();
}

static void
session_note(struct session *s, json_t *req, json_t *id)
{
	const char	*text = json_string_value(json_object_get(req, "text"));
	json_t		*aid = json_object_get(req, "alarm_id");
	uint64_t	 tag;

	if (text == NULL || *text == '\0' || strlen(text) > 1000 ||
	    !json_is_integer(aid)) {
		session_reply(s, id, "bad_request", NULL);
		return;
	}
	tag = session_tag(s, id);
	if (alarmio_note(json_integer_value(aid), s->login, text, tag) != 0)
		session_reply_tag(tag, "not_found", NULL);
}

static void
session_request(struct session *s, json_t *req)
{
	const char	*type = json_string_value(json_object_get(req, "type"));
	json_t		*id = json_object_get(req, "id");

	if (type == NULL) {
		session_reply(s, id, "bad_request", NULL);
		return;
	}
	if (strcmp(type, "ping") == 0)
		session_reply(s, id, NULL, NULL);
	else if (strcmp(type, "accept") == 0 || strcmp(type, "decline") == 0 ||
	    strcmp(type, "release") == 0 || strcmp(type, "close") == 0)
		session_change(s, type, req, id);
	else if (strcmp(type, "note") == 0)
		session_note(s, req, id);
	else if (strcmp(type, "operators") == 0) {
		if (!s->super)
			session_reply(s, id, "forbidden", NULL);
		else
			session_reply(s, id, NULL, json_pack("{s:o}",
			    "operators", session_operators()));
	} else
		session_reply(s, id, "unknown_type", NULL);
}

/* --- login --- */

static void
session_delay_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session	*s = arg;
	json_t		*r = s->delayed;

	(void)fd;
	(void)what;
	s->delayed = NULL;
	session_send(s, r);
	if (s->fails >= SESSION_MAX_FAILS)
		session_close_soon(s, "too many failed logins");
}

/* A refused login is answered after a second, and counted. */
static void
session_refuse(struct session *s, json_t *id, const char *login)
{
	struct timeval	 tv = { 1, 0 };

	COUNT(C_CONSOLE_LOGIN_FAILED);
	s->fails++;
	log_warnx("console %s: login refused for %s", s->peer, login);
	json_decref(s->delayed);
	s->delayed = json_pack("{s:s, s:O, s:b, s:s}", "type", "reply", "id",
	    id ? id : json_null(), "ok", 0, "error", "auth");
	if (s->delay == NULL)
		s->delay = evtimer_new(sess_base, session_delay_cb, s);
	evtimer_add(s->delay, &tv);
}

static void
session_welcome(struct session *s, json_t *id)
{
	struct session	*t, *next;
	json_t		*alarms;
	int64_t		 now = now_ms();

	alarmio_found(s->login);
	TAILQ_FOREACH_SAFE(t, &sessions, entry, next) {
		if (t != s && t->authed && strcmp(t->login, s->login) == 0) {
			session_send(t, json_pack("{s:s, s:s}", "type",
			    "system", "text", "logged in elsewhere"));
			t->authed = 0;	/* its alarms stay with the login */
			session_close_soon(t, "logged in elsewhere");
		}
	}
	/* Move to the end: offers go in login order. */
	TAILQ_REMOVE(&sessions, s, entry);
	TAILQ_INSERT_TAIL(&sessions, s, entry);
	COUNT(C_CONSOLE_LOGINS);
	log_notice("console %s: operator %s logged in", s->peer, s->login);
	session_reply(s, id, NULL, json_pack("{s:{s:s, s:s, s:s}}",
	    "operator", "login", s->login, "name", s->name, "role",
	    s->super ? "supervisor" : "operator"));
	alarms = json_array();
	alarmio_snapshot(alarms);
	session_send(s, json_pack("{s:s, s:o, s:o, s:I}", "type", "snapshot",
	    "alarms", alarms, "stats", alarmio_stats_json(now),
	    "server_time", (json_int_t)now));
	alarmio_dispatch(now);
	session_push_operators();
}

static void
session_login(struct session *s, json_t *req)
{
	json_t			*id = json_object_get(req, "id");
	const char		*login, *pw;
	struct db_operator	 op;
	int			 ok;

	login = json_string_value(json_object_get(req, "login"));
	pw = json_string_value(json_object_get(req, "password"));
	if (json_integer_value(json_object_get(req, "protocol")) !=
	    SESSION_PROTOCOL) {
		session_reply(s, id, "protocol", NULL);
		return;
	}
	if (login == NULL || pw == NULL || s->delayed != NULL || s->authed) {
		session_reply(s, id, "bad_request", NULL);
		return;
	}
	ok = db_operator_get(sess_db, login, &op) == 0 && !op.disabled &&
	    db_password_verify(pw, op.hash) == 1;
	explicit_bzero(op.hash, sizeof op.hash);
	if (!ok) {
		session_refuse(s, id, login);
		return;
	}
	s->authed = 1;
	bufferevent_set_timeouts(s->bev, NULL, NULL);
	s->super = strcmp(op.role, "supervisor") == 0;
	strlcpy(s->login, op.login, sizeof s->login);
	strlcpy(s->name, op.name, sizeof s->name);
	session_welcome(s, id);
}

/* --- the connection --- */

static void
session_line(struct session *s, const char *line, size_t len)
{
	json_t		*req;
	json_error_t	 err;
	const char	*type;

	req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err);
	if (req == NULL || !json_is_object(req)) {
		COUNT(C_CONSOLE_BAD_INPUT);
		json_decref(req);
		session_close(s, "malformed JSON");
		return;
	}
	type = json_string_value(json_object_get(req, "type"));
	if (type != NULL && strcmp(type, "login") == 0)
		session_login(s, req);
	else if (!s->authed && (type == NULL || strcmp(type, "ping") != 0))
		session_reply(s, json_object_get(req, "id"), "login", NULL);
	else
		session_request(s, req);
	json_decref(req);
}

static void
session_read_cb(struct bufferevent *bev, void *arg)
{
	struct session	*s = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	char		*line;
	size_t		 len;

	while (!s->closing &&
	    (line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF)) != NULL) {
		if (len > SESSION_LINE_MAX) {
			COUNT(C_CONSOLE_BAD_INPUT);
			session_close(s, "line too long");
		} else
			session_line(s, line, len);
		free(line);
	}
	if (!s->closing && evbuffer_get_length(in) > SESSION_LINE_MAX) {
		COUNT(C_CONSOLE_BAD_INPUT);
		session_close(s, "line too long");
	}
}

/* Output drained: a session told to go goes now. */
static void
session_write_cb(struct bufferevent *bev, void *arg)
{
	struct session	*s = arg;

	(void)bev;
	if (s->close_after != NULL)
		session_close(s, s->close_after);
}

/* Send what is queued, then close (a goodbye the console should read). */
static void
session_close_soon(struct session *s, const char *why)
{
	if (s->closing)
		return;
	s->close_after = why;
	bufferevent_disable(s->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(s->bev)) == 0)
		session_close(s, why);
}

static void
session_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct session	*s = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		return;
	session_close(s, (what & BEV_EVENT_EOF) ? "closed by the console" :
	    "connection error");
}

static void
session_close(struct session *s, const char *why)
{
	if (s->closing)
		return;
	s->closing = 1;
	log_notice("console %s%s%s: closing: %s", s->peer,
	    s->authed ? " operator " : "", s->authed ? s->login : "", why);
	bufferevent_disable(s->bev, EV_READ | EV_WRITE);
	TAILQ_REMOVE(&sessions, s, entry);
	TAILQ_INSERT_TAIL(&sess_reap, s, entry);
	event_active(sess_reap_ev, EV_TIMEOUT, 0);
	if (s->authed && !session_logged_in(s->login))
		alarmio_lost(s->login, now_ms());
	if (s->authed)
		session_push_operators();
}

static void
session_free(struct session *s)
{
	hmap_del(&sess_by_id, s->id);
	bufferevent_free(s->bev);
	if (s->delay != NULL)
		event_free(s->delay);
	json_decref(s->delayed);
	sess_count--;
	free(s);
}

static void
session_reap_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session	*s;

	struct session	*t;

	(void)fd;
	(void)what;
	(void)arg;
	TAILQ_FOREACH_SAFE(s, &sessions, entry, t)
		if (s->cut)
			session_close(s, "not reading: output limit reached");
	while ((s = TAILQ_FIRST(&sess_reap)) != NULL) {
		TAILQ_REMOVE(&sess_reap, s, entry);
		session_free(s);
	}
}

static void
session_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct session	*s;
	SSL		*ssl;
	struct timeval	 login_tv = { SESSION_LOGIN_SECS, 0 };
	int		 sndbuf = 65536, one = 1;

	(void)l;
	(void)salen;
	(void)arg;
	if (sess_count >= (size_t)sess_cfg->max_consoles ||
	    (ssl = SSL_new(sess_ssl)) == NULL) {
		COUNT(C_CONSOLE_REFUSED);
		evutil_closesocket(fd);
		return;
	}
	/* Keep the kernel's share small too: the bound is ours to count. */
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	s = xcalloc(1, sizeof *s);
	s->id = sess_next_id++;
	source_name(sa, "console", s->peer, sizeof s->peer);
	s->bev = bufferevent_openssl_socket_new(sess_base, fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (s->bev == NULL) {
		SSL_free(ssl);
		evutil_closesocket(fd);
		free(s);
		return;
	}
	bufferevent_setcb(s->bev, session_read_cb, session_write_cb,
	    session_event_cb, s);
	/* A console has this long to finish TLS and log in. */
	bufferevent_set_timeouts(s->bev, &login_tv, NULL);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&sessions, s, entry);
	hmap_put(&sess_by_id, s->id, (uintptr_t)s);
	sess_count++;
	COUNT(C_CONSOLE_ACCEPTED);
	session_send(s, json_pack("{s:s, s:s, s:i}", "type", "hello",
	    "server", "arcd", "protocol", SESSION_PROTOCOL));
}

static int
session_tls(const struct config *cfg, char **cause)
{
	if ((sess_ssl = SSL_CTX_new(TLS_server_method())) == NULL) {
		xasprintf(cause, "console: SSL_CTX_new failed");
		return (-1);
	}
	SSL_CTX_set_min_proto_version(sess_ssl, TLS1_2_VERSION);
	SSL_CTX_set_mode(sess_ssl, SSL_MODE_RELEASE_BUFFERS);
	if (SSL_CTX_use_certificate_chain_file(sess_ssl, cfg->tls_cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(sess_ssl, cfg->tls_key,
	    SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(sess_ssl) != 1) {
		xasprintf(cause, "console: tls_cert %s / tls_key %s: %s",
		    cfg->tls_cert, cfg->tls_key,
		    ERR_reason_error_string(ERR_get_error()));
		return (-1);
	}
	return (0);
}

int
session_listen(struct event_base *base, const struct config *cfg,
    const struct listen_spec *ls, struct db *db, char **cause)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;
	char			 name[128];

	sess_base = base;
	sess_cfg = cfg;
	sess_db = db;
	if (cfg->tls_cert[0] == '\0' || cfg->tls_key[0] == '\0') {
		xasprintf(cause, "console %s: tls_cert and tls_key are needed",
		    ls->text);
		return (-1);
	}
	if (sess_ssl == NULL && session_tls(cfg, cause) != 0)
		return (-1);
	if (sess_reap_ev == NULL) {
		sess_reap_ev = event_new(base, -1, 0, session_reap_cb, NULL);
		hmap_init(&sess_by_id, 64);
		hmap_init(&sess_tags, 64);
	}
	sess_listener = evconnlistener_new_bind(base, session_accept_cb, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
	    64, (const struct sockaddr *)&ls->ss, ls->sslen);
	if (sess_listener == NULL) {
		xasprintf(cause, "console %s: cannot bind", ls->text);
		return (-1);
	}
	if (getsockname(evconnlistener_get_fd(sess_listener),
	    (struct sockaddr *)&ss, &len) == 0) {
		source_name((struct sockaddr *)&ss, NULL, name, sizeof name);
		log_notice("listen console %s", name);
	}
	return (0);
}

void
session_close_all(void)
{
	struct session		*s;
	struct session_tag	*t;
	size_t			 i;

	while ((s = TAILQ_FIRST(&sessions)) != NULL) {
		s->authed = 0;		/* shutting down: no grace needed */
		session_close(s, "shutting down");
	}
	while ((s = TAILQ_FIRST(&sess_reap)) != NULL) {
		TAILQ_REMOVE(&sess_reap, s, entry);
		session_free(s);
	}
	for (i = 0; i < sess_tags.cap; i++) {
		if (!sess_tags.used[i])
			continue;
		t = (struct session_tag *)(uintptr_t)sess_tags.vals[i];
		json_decref(t->id);
		free(t);
	}
	if (sess_reap_ev != NULL) {
		event_free(sess_reap_ev);
		hmap_free(&sess_by_id);
		hmap_free(&sess_tags);
	}
	sess_reap_ev = NULL;
	if (sess_listener != NULL)
		evconnlistener_free(sess_listener);
	sess_listener = NULL;
	if (sess_ssl != NULL)
		SSL_CTX_free(sess_ssl);
	sess_ssl = NULL;
}
