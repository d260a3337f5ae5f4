/*
 * session.c -- console sessions: TLS (libevent bufferevent_openssl), one
 * JSON object per line (jansson), the protocol of docs/console-protocol.md.
 *
 * A session reads requests, checks them, hands them to alarmio.c and
 * answers once the change is durable (alarmio calls session_reply_tag
 * with the tag we gave it). A login's password is checked on the reader
 * worker (lookup.c), never on this thread. Every bound is counted: line
 * length, output waiting for a console that stops reading, sessions,
 * login attempts. Several console listeners may be configured.
 *
 * States: connected (hello sent) -> checking (password on the worker) ->
 * logged in -> closing (on the reap list; freed by the reap event, never
 * inside its own callback). Across the password check we hold the
 * session id.
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
#define SESSION_LISTENERS	8

struct session {
	uint64_t		 id;
	struct bufferevent	*bev;		/* owned */
	char			 peer[64];
	int			 authed;
	int			 super;
	char			 login[32];
	char			 name[96];
	int			 fails;
	int			 checking;	/* a password on the worker */
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

/* A login's password check, on the reader worker. */
struct session_check {
	struct worker_job	 job;
	uint64_t		 session;
	json_t			*id;		/* owned: the request's */
	char			 login[32];
	char			*password;	/* owned, wiped */
	int			 ok;
	char			 name[96];
	int			 super;
};

static struct event_base	*sess_base;
static const struct config	*sess_cfg;
static SSL_CTX			*sess_ssl;
static struct evconnlistener	*sess_listeners[SESSION_LISTENERS];
static size_t			 sess_nlisteners;
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

/* Is any console logged in? */
static int
session_any(void)
{
	struct session	*s;

	TAILQ_FOREACH(s, &sessions, entry)
		if (s->authed && !s->closing)
			return (1);
	return (0);
}

/* alarmio's show hook: the alarm as stored, to every console. */
void
session_show(const struct alarm *a)
{
	if (session_any())
		session_broadcast(json_pack("{s:s, s:o}", "type", "alarm",
		    "alarm", alarm_json(a)));
}

size_t
session_count(void)
{
	return (sess_count);
}

/* --- the supervisor's view --- */

static void
session_operator(struct operator *op, void *arg)
{
	json_t	*ids = json_array();
	size_t	 i;

	for (i = 0; i < op->nheld; i++)
		json_array_append_new(ids, json_integer(op->held[i]));
	json_array_append_new(arg, json_pack("{s:s, s:s, s:s, s:b, s:o}",
	    "login", op->login, "name", op->name, "role", op->super ?
	    "supervisor" : "operator", "connected", op->sessions > 0,
	    "alarms", ids));
}

static json_t *
session_operators(void)
{
	json_t	*ops = json_array();

	operator_all(session_operator, ops);
	return (ops);
}

/* The end of a loop turn: one push of the operators view, if it changed. */
void
session_turn(void)
{
	struct session	*s;
	json_t		*ops = NULL;

	if (!operator_dirty())
		return;
	operator_clean();
	TAILQ_FOREACH(s, &sessions, entry) {
		if (!s->authed || !s->super || s->closing || s->cut)
			continue;
		if (ops == NULL)
			ops = session_operators();
		session_send(s, json_pack("{s:s, s:O}", "type", "operators",
		    "operators", ops));
	}
	json_decref(ops);
}

/* --- requests --- */

static const struct {
	const char		*type;
	enum alarm_action	 action;
} session_changes[] = {
	{ "accept", ACTION_ACCEPT },
	{ "decline", ACTION_DECLINE },
	{ "release", ACTION_RELEASE },
	{ "close", ACTION_CLOSE },
};

/* accept, decline, release, close: 0, or -1 if type is none of them. */
static int
session_change(struct session *s, const char *type, json_t *req,
    json_t *id)
{
	struct alarmio_req	 q;
	json_t			*aid = json_object_get(req, "alarm_id");
	const char		*outcome;
	size_t			 i;

	for (i = 0; i < nitems(session_changes); i++)
		if (strcmp(type, session_changes[i].type) == 0)
			break;
	if (i == nitems(session_changes))
		return (-1);
	memset(&q, 0, sizeof q);
	q.action = session_changes[i].action;
	q.login = s->login;
	q.super = s->super;
	if (aid != NULL && !json_is_null(aid) && (!json_is_integer(aid) ||
	    json_integer_value(aid) <= 0)) {
		session_reply(s, id, "bad_request", NULL);
		return (0);
	}
	q.alarm_id = json_integer_value(aid);
	outcome = json_string_value(json_object_get(req, "outcome"));
	q.outcome = alarm_outcome_parse(outcome != NULL ? outcome : "");
	q.text = json_string_value(json_object_get(req, "text"));
	if (q.action == ACTION_CLOSE && q.text != NULL &&
	    strlen(q.text) > 1000) {
		session_reply(s, id, "bad_request", NULL);
		return (0);
	}
	q.tag = session_tag(s, id);
	alarmio_request(&q);
	return (0);
}

static void
session_note(struct session *s, json_t *req, json_t *id)
{
	const char	*text = json_string_value(json_object_get(req, "text"));
	json_t		*aid = json_object_get(req, "alarm_id");

	if (text == NULL || *text == '\0' || strlen(text) > 1000 ||
	    !json_is_integer(aid)) {
		session_reply(s, id, "bad_request", NULL);
		return;
	}
	alarmio_note(json_integer_value(aid), s->login, text,
	    session_tag(s, id));
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
	else if (session_change(s, type, req, id) == 0)
		return;
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

	/* First in: the old console's going keeps the login's alarms. */
	alarmio_login(s->login, s->name, s->super);
	TAILQ_FOREACH_SAFE(t, &sessions, entry, next) {
		if (t != s && t->authed && strcmp(t->login, s->login) == 0) {
			session_send(t, json_pack("{s:s, s:s}", "type",
			    "system", "text", "logged in elsewhere"));
			session_close_soon(t, "logged in elsewhere");
		}
	}
	COUNT(C_CONSOLE_LOGINS);
	log_notice("console %s: operator %s logged in", s->peer, s->login);
	session_reply(s, id, NULL, json_pack("{s:{s:s, s:s, s:s}}",
	    "operator", "login", s->login, "name", s->name, "role",
	    s->super ? "supervisor" : "operator"));
	session_send(s, json_pack("{s:s, s:o, s:o, s:I}", "type", "snapshot",
	    "alarms", alarmio_snapshot(), "stats", alarmio_stats_json(),
	    "server_time", (json_int_t)clock_wall()));
}

/* Worker thread: the operator's row and the password check (PBKDF2). */
static void
session_check_run(struct db *db, struct worker_job *job)
{
	struct session_check	*c = (struct session_check *)job;
	struct db_operator	 op;

	c->ok = db_operator_get(db, c->login, &op) == 0 && !op.disabled &&
	    db_password_verify(c->password, op.hash) == 1;
	if (c->ok) {
		strlcpy(c->login, op.login, sizeof c->login);
		strlcpy(c->name, op.name, sizeof c->name);
		c->super = strcmp(op.role, "supervisor") == 0;
	}
	explicit_bzero(&op, sizeof op);
}

static void
session_check_done(struct worker_job *job)
{
	struct session_check	*c = (struct session_check *)job;
	struct session		*s = session_by_id(c->session);

	freezero_str(c->password);
	if (s != NULL && !s->closing) {
		s->checking = 0;
		if (!c->ok)
			session_refuse(s, c->id, c->login);
		else {
			s->authed = 1;
			bufferevent_set_timeouts(s->bev, NULL, NULL);
			s->super = c->super;
			strlcpy(s->login, c->login, sizeof s->login);
			strlcpy(s->name, c->name, sizeof s->name);
			session_welcome(s, c->id);
		}
	}
	json_decref(c->id);
	free(c);
}

static void
session_login(struct session *s, json_t *req)
{
	json_t			*id = json_object_get(req, "id");
	struct session_check	*c;
	const char		*login, *pw;

	login = json_string_value(json_object_get(req, "login"));
	pw = json_string_value(json_object_get(req, "password"));
	if (json_integer_value(json_object_get(req, "protocol")) !=
	    SESSION_PROTOCOL) {
		session_reply(s, id, "protocol", NULL);
		return;
	}
	if (login == NULL || pw == NULL || strlen(login) >= 32 ||
	    s->delayed != NULL || s->authed || s->checking) {
		session_reply(s, id, "bad_request", NULL);
		return;
	}
	c = xcalloc(1, sizeof *c);
	c->job.run = session_check_run;
	c->job.done = session_check_done;
	c->session = s->id;
	c->id = json_incref(id != NULL ? id : json_null());
	strlcpy(c->login, login, sizeof c->login);
	c->password = xstrdup(pw);
	s->checking = 1;
	lookup_submit(&c->job);
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
	if (s->authed)
		alarmio_logout(s->login);
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

/*
 * The console's TLS. The key only from a file nobody else may read.
 * TLS 1.3, or TLS 1.2 with ephemeral ECDH and an AEAD cipher (AES-GCM,
 * ChaCha20-Poly1305): no CBC, no SHA-1 MAC, no RSA key exchange. The
 * server's order wins; no renegotiation, no compression.
 */
static int
session_tls(const struct config *cfg, char **cause)
{
	static const char	 tls12[] =
	    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
	    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
	    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
	static const char	 tls13[] =
	    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"
	    "TLS_CHACHA20_POLY1305_SHA256";
	EVP_PKEY	*pkey;
	FILE		*f;
	int		 rc = 0;

	if ((f = secfile_open("tls_key", cfg->tls_key, cause)) == NULL)
		return (-1);
	pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if ((sess_ssl = SSL_CTX_new(TLS_server_method())) == NULL) {
		EVP_PKEY_free(pkey);
		xasprintf(cause, "console: SSL_CTX_new failed");
		return (-1);
	}
	SSL_CTX_set_min_proto_version(sess_ssl, TLS1_2_VERSION);
	SSL_CTX_set_options(sess_ssl, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION);
	SSL_CTX_set_mode(sess_ssl, SSL_MODE_RELEASE_BUFFERS);
	if (SSL_CTX_set_cipher_list(sess_ssl, tls12) != 1 ||
	    SSL_CTX_set_ciphersuites(sess_ssl, tls13) != 1 || pkey == NULL ||
	    SSL_CTX_use_certificate_chain_file(sess_ssl, cfg->tls_cert) != 1 ||
	    SSL_CTX_use_PrivateKey(sess_ssl, pkey) != 1 ||
	    SSL_CTX_check_private_key(sess_ssl) != 1) {
		xasprintf(cause, "console: tls_cert %s / tls_key %s: %s",
		    cfg->tls_cert, cfg->tls_key,
		    ERR_reason_error_string(ERR_get_error()));
		rc = -1;
	}
	EVP_PKEY_free(pkey);
	return (rc);
}

int
session_listen(struct event_base *base, const struct config *cfg,
    const struct listen_spec *ls, char **cause)
{
	struct evconnlistener	*l;
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;
	char			 name[128];

	sess_base = base;
	sess_cfg = cfg;
	if (cfg->tls_cert[0] == '\0' || cfg->tls_key[0] == '\0') {
		xasprintf(cause, "console %s: tls_cert and tls_key are needed",
		    ls->text);
		return (-1);
	}
	if (sess_nlisteners == SESSION_LISTENERS) {
		xasprintf(cause, "console %s: more than %d console listeners",
		    ls->text, SESSION_LISTENERS);
		return (-1);
	}
	if (sess_ssl == NULL && session_tls(cfg, cause) != 0)
		return (-1);
	if (sess_reap_ev == NULL) {
		sess_reap_ev = event_new(base, -1, 0, session_reap_cb, NULL);
		hmap_init(&sess_by_id, 64);
		hmap_init(&sess_tags, 64);
	}
	l = evconnlistener_new_bind(base, session_accept_cb, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
	    64, (const struct sockaddr *)&ls->ss, ls->sslen);
	if (l == NULL) {
		xasprintf(cause, "console %s: cannot bind", ls->text);
		return (-1);
	}
	sess_listeners[sess_nlisteners++] = l;
	if (getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&ss,
	    &len) == 0) {
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
	uint64_t		 v;
	size_t			 i, it = 0;

	while ((s = TAILQ_FIRST(&sessions)) != NULL) {
		s->authed = 0;		/* shutting down: no grace needed */
		session_close(s, "shutting down");
	}
	while ((s = TAILQ_FIRST(&sess_reap)) != NULL) {
		TAILQ_REMOVE(&sess_reap, s, entry);
		session_free(s);
	}
	while (hmap_next(&sess_tags, &it, NULL, &v)) {
		t = (struct session_tag *)(uintptr_t)v;
		json_decref(t->id);
		free(t);
	}
	if (sess_reap_ev != NULL) {
		event_free(sess_reap_ev);
		hmap_free(&sess_by_id);
		hmap_free(&sess_tags);
	}
	sess_reap_ev = NULL;
	for (i = 0; i < sess_nlisteners; i++)
		evconnlistener_free(sess_listeners[i]);
	sess_nlisteners = 0;
	if (sess_ssl != NULL)
		SSL_CTX_free(sess_ssl);
	sess_ssl = NULL;
}
