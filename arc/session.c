/*
 * session.c -- console connections: TLS (libevent bufferevent_openssl),
 * one JSON object per line (jansson). The transport of docs/console-
 * protocol.md; what a line asks is the line hook's (request.c, login.c).
 *
 * Every bound is counted:
 * - connections not logged in: at most console_unauth_per_source from
 *   one address and console_unauth_max in all; past the total the oldest
 *   of the address holding most makes room (one whose password is being
 *   checked only if there is no other), so a flood from a few addresses
 *   cannot keep an operator out;
 * - console_login_timeout from connecting to logged in, a deadline that
 *   reading or writing does not move; a line before login is at most
 *   SESSION_PRELOGIN_MAX bytes, after it SESSION_LINE_MAX;
 * - output: a console that stops reading is cut at SESSION_OUT_MAX
 *   waiting; the snapshot is streamed as it reads (never more than
 *   SESSION_PUMP_LOW of it waiting), so its size has no bound of its own;
 * - the heartbeat: a console that has not answered two is stuck, even if
 *   TCP is up, and goes (its offers at once, its alarms after the grace).
 *
 * States: connected (hello sent) -> logged in (snapshot streaming, then
 * deltas) -> closing (on the reap list; freed by the reap event, never
 * inside its own callback). Across a worker job or a commit others hold
 * the session's id, never a pointer.
 * Thread: network thread.
 */
#include <sys/queue.h>

#include <arpa/inet.h>
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

#define SESSION_OUT_MAX		(1024 * 1024)
#define SESSION_PUMP_LOW	(64 * 1024)	/* snapshot: refill below */
#define SESSION_LISTENERS	8

TAILQ_HEAD(session_list, session);

struct session_tagrec {
	uint64_t		 session;
	json_t			*id;		/* owned */
};

static struct event_base	*sess_base;
static const struct config	*sess_cfg;
static struct session_hooks	 sess_hooks;
static SSL_CTX			*sess_ssl;
static struct evconnlistener	*sess_listeners[SESSION_LISTENERS];
static size_t			 sess_nlisteners;
static struct session_list	 sessions = TAILQ_HEAD_INITIALIZER(sessions);
static struct session_list	 sess_reap = TAILQ_HEAD_INITIALIZER(sess_reap);
static struct event		*sess_reap_ev;
static struct hmap		 sess_by_id;	/* id -> session * */
static struct hmap		 sess_tags;	/* tag -> session_tagrec * */
static uint64_t			 sess_next_id = 1, sess_next_tag = 1;
static size_t			 sess_count, sess_unauth;

static void	session_pump(struct session *);

void
session_hooks(const struct session_hooks *hooks)
{
	sess_hooks = *hooks;
}

struct session *
session_by_id(uint64_t id)
{
	uint64_t	 v;

	if (sess_by_id.cap == 0 || hmap_get(&sess_by_id, id, &v) != 0)
		return (NULL);
	return ((struct session *)(uintptr_t)v);
}

/* Out as one line: 0, or -1 if this console is not reading (cut). */
static int
session_put(struct session *s, const char *txt, size_t len)
{
	struct evbuffer	*out = bufferevent_get_output(s->bev);

	if (len >= SESSION_LINE_MAX) {
		/* Never by construction (alarm_json's windows): say so. */
		log_warnx("%s: a message of %zu bytes not sent", s->peer,
		    len);
		return (0);
	}
	if (evbuffer_get_length(out) > SESSION_OUT_MAX) {
		/*
		 * A full buffer behind: this console is not reading. Cut it
		 * from the reap event, not here: we may be inside a loop
		 * over the sessions.
		 */
		COUNT(C_CONSOLE_SLOW);
		s->cut = 1;
		event_active(sess_reap_ev, EV_TIMEOUT, 0);
		return (-1);
	}
	evbuffer_add(out, txt, len);
	evbuffer_add(out, "\n", 1);
	return (0);
}

void
session_send(struct session *s, json_t *msg)
{
	char	*txt;

	if (msg == NULL)
		return;
	if (s->closing || s->cut) {
		json_decref(msg);
		return;
	}
	txt = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (txt != NULL)
		session_put(s, txt, strlen(txt));
	free(txt);
}

void
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

uint64_t
session_tag(struct session *s, json_t *id)
{
	struct session_tagrec	*t;
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
	struct session_tagrec	*t;
	struct session		*s;
	uint64_t		 v;

	if (tag == 0 || hmap_get(&sess_tags, tag, &v) != 0) {
		json_decref(extra);
		return;
	}
	hmap_del(&sess_tags, tag);
	t = (struct session_tagrec *)(uintptr_t)v;
	if ((s = session_by_id(t->session)) != NULL)
		session_reply(s, t->id, error, extra);
	else
		json_decref(extra);	/* the console went away meanwhile */
	json_decref(t->id);
	free(t);
}

void
session_each(void (*fn)(struct session *, void *), void *arg)
{
	struct session	*s, *next;

	TAILQ_FOREACH_SAFE(s, &sessions, entry, next)
		if (!s->closing && !s->cut)
			fn(s, arg);
}

int
session_any(void)
{
	struct session	*s;

	TAILQ_FOREACH(s, &sessions, entry)
		if (s->authed && !s->closing && !s->cut)
			return (1);
	return (0);
}

/* One serialisation for every console that gets it. */
static void
session_fanout_line(int64_t alarm_id, const char *txt, size_t len)
{
	struct session	*s;

	TAILQ_FOREACH(s, &sessions, entry) {
		if (!s->authed || s->closing || s->cut)
			continue;
		if (alarm_id != 0 && s->streaming && hmap_get(&s->snap_left,
		    (uint64_t)alarm_id, NULL) == 0)
			continue;	/* comes whole, as it is then */
		session_put(s, txt, len);
	}
}

static void
session_fanout(int64_t alarm_id, json_t *msg)
{
	char	*txt;

	if ((txt = json_dumps(msg, JSON_COMPACT)) != NULL)
		session_fanout_line(alarm_id, txt, strlen(txt));
	free(txt);
	json_decref(msg);
}

/* An alarm whole, as its kept line (alarmline.c). */
void
session_broadcast_alarm(const struct alarm *a)
{
	const char	*line;
	char		*built;
	size_t		 len;

	if ((line = alarmline_get(a, &len, &built)) != NULL)
		session_fanout_line(a->id, line, len);
	free(built);
}

void
session_broadcast(json_t *msg)
{
	if (msg != NULL)
		session_fanout(0, msg);
}

void
session_broadcast_about(int64_t alarm_id, json_t *msg)
{
	if (msg != NULL)
		session_fanout(alarm_id, msg);
}

size_t
session_count(void)
{
	return (sess_count);
}

/* --- the snapshot, streamed --- */

static void
session_snap_free(struct session *s)
{
	free(s->snap);
	s->snap = NULL;
	s->nsnap = s->snap_at = 0;
	hmap_free(&s->snap_left);
	s->streaming = 0;
}

static void
session_send_alarm(struct session *s, int64_t id)
{
	const struct alarm	*a;
	const char		*line;
	char			*built;
	size_t			 len;

	if (s->closing || s->cut || (a = alarmio_shown(id)) == NULL)
		return;
	if ((line = alarmline_get(a, &len, &built)) != NULL)
		session_put(s, line, len);
	free(built);
}

/* Refill the output with the next alarms while little is waiting. */
static void
session_pump(struct session *s)
{
	struct evbuffer	*out = bufferevent_get_output(s->bev);
	int64_t		 id;

	while (s->streaming && !s->closing && !s->cut &&
	    evbuffer_get_length(out) < SESSION_PUMP_LOW) {
		if (s->snap_at == s->nsnap) {
			session_snap_free(s);
			session_send(s, json_pack("{s:s}", "type",
			    "snapshot_end"));
			return;
		}
		id = s->snap[s->snap_at++];
		if (hmap_get(&s->snap_left, (uint64_t)id, NULL) != 0)
			continue;	/* pulled ahead */
		hmap_del(&s->snap_left, (uint64_t)id);
		session_send_alarm(s, id);
	}
}

void
session_snapshot(struct session *s, json_t *begin)
{
	size_t	 i;

	session_snap_free(s);
	s->nsnap = alarmio_queue(&s->snap);
	hmap_init(&s->snap_left, s->nsnap + 1);
	for (i = 0; i < s->nsnap; i++)
		hmap_put(&s->snap_left, (uint64_t)s->snap[i], 1);
	s->streaming = 1;
	json_object_set_new(begin, "alarms", json_integer(s->nsnap));
	session_send(s, begin);
	session_pump(s);
}

void
session_pull(struct session *s, int64_t alarm_id)
{
	if (!s->streaming || hmap_get(&s->snap_left, (uint64_t)alarm_id,
	    NULL) != 0)
		return;
	hmap_del(&s->snap_left, (uint64_t)alarm_id);
	session_send_alarm(s, alarm_id);
}

/* --- deadlines --- */

void
session_heartbeat_ack(struct session *s, int64_t seq)
{
	if (seq > s->hb_ack && seq <= s->hb_seq)
		s->hb_ack = seq;
}

static void
session_tick_one(struct session *s, int64_t now)
{
	int64_t	 every = sess_cfg->console_heartbeat * 1000LL;

	if (!s->authed) {
		if (now >= s->login_by) {
			COUNT(C_CONSOLE_LOGIN_TIMEOUT);
			strangers_mark(s->addr, now);
			session_close(s, "not logged in in time");
		}
		return;
	}
	if (now - s->hb_at < every)
		return;
	if (s->hb_seq - s->hb_ack >= 2) {
		/* Two unanswered: not reading, or not answering. */
		COUNT(C_CONSOLE_STUCK);
		session_close(s, "stuck: heartbeats not answered");
		return;
	}
	s->hb_at = now;
	session_send(s, json_pack("{s:s, s:I}", "type", "heartbeat", "seq",
	    (json_int_t)++s->hb_seq));
}

void
session_tick(void)
{
	struct session	*s, *next;
	int64_t		 now = clock_mono();

	TAILQ_FOREACH_SAFE(s, &sessions, entry, next)
		if (!s->closing)
			session_tick_one(s, now);
}

/* --- the connection --- */

static void
session_line(struct session *s, const char *line, size_t len)
{
	json_t		*req;
	json_error_t	 err;

	req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err);
	if (req == NULL || !json_is_object(req)) {
		COUNT(C_CONSOLE_BAD_INPUT);
		json_decref(req);
		session_close(s, "malformed JSON");
		return;
	}
	sess_hooks.line(s, req);
	json_decref(req);
}

static void
session_read_cb(struct bufferevent *bev, void *arg)
{
	struct session	*s = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	char		*line;
	size_t		 len, max;

	for (;;) {
		max = s->authed ? SESSION_LINE_MAX : SESSION_PRELOGIN_MAX;
		if (s->closing || s->close_after != NULL || (line =
		    evbuffer_readln(in, &len, EVBUFFER_EOL_LF)) == NULL)
			break;
		if (len > max) {
			COUNT(C_CONSOLE_BAD_INPUT);
			session_close(s, "line too long");
		} else {
			s->spoke = 1;
			session_line(s, line, len);
		}
		free(line);
	}
	if (!s->closing && evbuffer_get_length(in) > max) {
		COUNT(C_CONSOLE_BAD_INPUT);
		session_close(s, "line too long");
	}
}

/* Output drained (below the low mark): stream on, or go if told to. */
static void
session_write_cb(struct bufferevent *bev, void *arg)
{
	struct session	*s = arg;

	if (s->close_after != NULL) {
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
			session_close(s, s->close_after);
		return;
	}
	session_pump(s);
}

void
session_close_soon(struct session *s, const char *why)
{
	if (s->closing || s->close_after != NULL)
		return;
	s->close_after = why;
	session_snap_free(s);
	bufferevent_disable(s->bev, EV_READ);
	bufferevent_setwatermark(s->bev, EV_WRITE, 0, 0);
	if (evbuffer_get_length(bufferevent_get_output(s->bev)) == 0)
		session_close(s, why);
}

static void
session_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct session	*s = arg;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		s->tls_up = 1;
		return;
	}
	session_close(s, (what & BEV_EVENT_EOF) ? "closed by the console" :
	    "connection error");
}

void
session_close(struct session *s, const char *why)
{
	char	 subject[48];

	if (s->closing)
		return;
	s->closing = 1;
	log_notice("%s%s%s: closing: %s", s->peer, s->authed ? " operator " :
	    "", s->authed ? s->login : "", why);
	bufferevent_disable(s->bev, EV_READ | EV_WRITE);
	TAILQ_REMOVE(&sessions, s, entry);
	TAILQ_INSERT_TAIL(&sess_reap, s, entry);
	event_active(sess_reap_ev, EV_TIMEOUT, 0);
	if (s->authed) {
		snprintf(subject, sizeof subject, "operator %s", s->login);
		commit_audit(s->login, "logout", subject, why);
		alarmio_logout(s->login);
	} else
		sess_unauth--;
}

static void
session_free(struct session *s)
{
	hmap_del(&sess_by_id, s->id);
	bufferevent_free(s->bev);
	session_snap_free(s);
	sess_count--;
	free(s);
}

static void
session_reap_cb(evutil_socket_t fd, short what, void *arg)
{
	struct session	*s, *t;

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

/* Logged in: no longer counted against the limits for strangers. */
void
session_authed(struct session *s, const char *login, const char *name,
    int super)
{
	s->authed = 1;
	sess_unauth--;
	s->super = super;
	strlcpy(s->login, login, sizeof s->login);
	strlcpy(s->name, name, sizeof s->name);
	s->hb_at = clock_mono();
	s->hb_seq = s->hb_ack = 0;
	/* Stream the snapshot: refill when half of what we put is read. */
	bufferevent_setwatermark(s->bev, EV_WRITE, SESSION_PUMP_LOW / 2, 0);
}

/* Not logged in from addr: how many. */
static size_t
session_unauth_from(const char *addr)
{
	struct session	*s;
	size_t		 n = 0;

	TAILQ_FOREACH(s, &sessions, entry)
		if (!s->authed && strcmp(s->addr, addr) == 0)
			n++;
	return (n);
}

/*
 * The table of strangers is full: the one ranked first by strangers.c
 * goes (a flood's address, then the least far into its login); between
 * equals the address holding most, then the oldest. 0, or -1 if none.
 */
static int
session_evict(void)
{
	struct session	*s, *victim = NULL;
	size_t		 n, most = 0;
	int		 r, best = -1;
	int64_t		 now = clock_mono();

	TAILQ_FOREACH(s, &sessions, entry) {
		if (s->authed || s->closing)
			continue;
		r = strangers_rank(s, now);
		n = session_unauth_from(s->addr);
		if (r > best || (r == best && n > most))  /* oldest first */
			best = r, most = n, victim = s;
	}
	if (victim == NULL)
		return (-1);
	COUNT(C_CONSOLE_UNAUTH_EVICTED);
	strangers_mark(victim->addr, now);
	session_close(victim, "making room: not logged in");
	return (0);
}

static void
session_addr(const struct sockaddr *sa, char *buf, size_t len)
{
	const void	*a;

	if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	else
		a = &((const struct sockaddr_in *)sa)->sin_addr;
	if (inet_ntop(sa->sa_family, a, buf, len) == NULL)
		strlcpy(buf, "?", len);
}

/* May a stranger from addr come in? Room made if need be. */
static int
session_admit(const char *addr)
{
	if (session_unauth_from(addr) >=
	    (size_t)sess_cfg->console_unauth_per_source) {
		COUNT(C_CONSOLE_REFUSED_SOURCE);
		return (-1);
	}
	if ((sess_unauth >= (size_t)sess_cfg->console_unauth_max ||
	    sess_count >= (size_t)sess_cfg->max_consoles) &&
	    (sess_unauth == 0 || session_evict() != 0)) {
		COUNT(C_CONSOLE_REFUSED);
		return (-1);
	}
	return (0);
}

static struct session *
session_new(evutil_socket_t fd, const struct sockaddr *sa, const char *addr)
{
	struct session	*s;
	SSL		*ssl;
	int		 sndbuf = 65536, one = 1;

	if ((ssl = SSL_new(sess_ssl)) == NULL)
		return (NULL);
	/* Keep the kernel's share small too: the bound is ours to count. */
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	s = xcalloc(1, sizeof *s);
	s->bev = bufferevent_openssl_socket_new(sess_base, fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (s->bev == NULL) {
		SSL_free(ssl);
		free(s);
		return (NULL);
	}
	s->id = sess_next_id++;
	source_name(sa, "console", s->peer, sizeof s->peer);
	strlcpy(s->addr, addr, sizeof s->addr);
	s->since = clock_mono();
	s->login_by = s->since + sess_cfg->console_login_timeout * 1000LL;
	return (s);
}

static void
session_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct session	*s;
	char		 addr[48];

	(void)l;
	(void)salen;
	(void)arg;
	session_addr(sa, addr, sizeof addr);
	if (session_admit(addr) != 0 || (s = session_new(fd, sa,
	    addr)) == NULL) {
		evutil_closesocket(fd);
		return;
	}
	bufferevent_setcb(s->bev, session_read_cb, session_write_cb,
	    session_event_cb, s);
	bufferevent_enable(s->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&sessions, s, entry);
	hmap_put(&sess_by_id, s->id, (uintptr_t)s);
	sess_count++;
	sess_unauth++;
	COUNT(C_CONSOLE_ACCEPTED);
	session_send(s, json_pack("{s:s, s:s, s:i, s:i, s:i, s:s}", "type",
	    "hello", "server", "arcd", "protocol", SESSION_PROTOCOL,
	    "line_max", SESSION_LINE_MAX, "heartbeat",
	    sess_cfg->console_heartbeat, "timezone", sess_cfg->timezone[0] ?
	    sess_cfg->timezone : "UTC"));
}

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
	struct session_tagrec	*t;
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
		t = (struct session_tagrec *)(uintptr_t)v;
		json_decref(t->id);
		free(t);
	}
	if (sess_reap_ev != NULL) {
		event_free(sess_reap_ev);
		hmap_free(&sess_by_id);
		hmap_free(&sess_tags);
	}
	strangers_free();
	sess_reap_ev = NULL;
	for (i = 0; i < sess_nlisteners; i++)
		evconnlistener_free(sess_listeners[i]);
	sess_nlisteners = 0;
	if (sess_ssl != NULL)
		SSL_CTX_free(sess_ssl);
	sess_ssl = NULL;
}
