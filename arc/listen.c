/*
 * listen.c -- the device listeners: bind, accept with a cap on
 * connections (in total and per source address) and back-off when the
 * cap or the descriptor limit is hit; the per-source table.
 */
#include <sys/socket.h>
#include <sys/resource.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arc.h"

#define LISTEN_ACCEPT_BURST	64	/* accepts per wakeup */
#define LISTEN_BACKOFF_MS	100

struct listener {
	int			 fd;
	struct event		*ev;		/* owned */
	struct listen_spec	 spec;
	int			 paused;
};

static struct event_base	*listen_base;
static const struct config	*listen_cfg;
static struct listener		 listeners[CONFIG_MAX_LISTEN];
static size_t			 nlisteners;
static struct event		*listen_backoff_ev;	/* owned */
static struct hmap		 sources;		/* key -> source * */

static void	listen_accept_cb(evutil_socket_t, short, void *);

static void
listen_backoff_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	listen_resume();
}

static int
listen_socket(const struct listen_spec *ls, int type, char **cause)
{
	int	 fd, one = 1;

	fd = socket(ls->ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		xasprintf(cause, "%s %s: socket: %s",
		    listen_kind_name(ls->kind), ls->text, strerror(errno));
		return (-1);
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ls->ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, (const struct sockaddr *)&ls->ss, ls->sslen) == -1 ||
	    (type == SOCK_STREAM && listen(fd, 4096) == -1)) {
		xasprintf(cause, "%s %s: bind: %s", listen_kind_name(ls->kind),
		    ls->text, strerror(errno));
		close(fd);
		return (-1);
	}
	return (fd);
}

/* Log where we listen, with the real port when 0 was asked for. */
static void
listen_announce(int fd, const struct listen_spec *ls)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;
	char			 name[128];

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return;
	source_name((struct sockaddr *)&ss, NULL, name, sizeof name);
	log_notice("listen %s %s", listen_kind_name(ls->kind), name);
}

int
listen_open(struct event_base *base, struct config *cfg, char **cause)
{
	struct listen_spec	*ls;
	struct listener		*l;
	size_t			 i;
	int			 fd;

	listen_base = base;
	listen_cfg = cfg;
	hmap_init(&sources, 256);
	listen_backoff_ev = evtimer_new(base, listen_backoff_cb, NULL);
	for (i = 0; i < cfg->nlisten; i++) {
		ls = &cfg->listen[i];
		switch (ls->kind) {
		case LISTEN_DC09_TCP:
			if ((fd = listen_socket(ls, SOCK_STREAM, cause)) == -1)
				return (-1);
			l = &listeners[nlisteners++];
			l->fd = fd;
			l->spec = *ls;
			l->ev = event_new(base, fd, EV_READ | EV_PERSIST,
			    listen_accept_cb, l);
			event_add(l->ev, NULL);
			listen_announce(fd, ls);
			break;
		case LISTEN_DC09_UDP:
			if ((fd = listen_socket(ls, SOCK_DGRAM, cause)) == -1)
				return (-1);
			if (udp_open(base, fd, ls, cause) != 0)
				return (-1);
			listen_announce(fd, ls);
			break;
		case LISTEN_METRICS:
			if (metrics_listen(base, ls, cause) != 0)
				return (-1);
			break;
		default:
			break;
		}
	}
	return (0);
}

static void
listen_pause(void)
{
	struct timeval	 tv = { 0, LISTEN_BACKOFF_MS * 1000 };
	size_t		 i;

	for (i = 0; i < nlisteners; i++) {
		if (!listeners[i].paused)
			event_del(listeners[i].ev);
		listeners[i].paused = 1;
	}
	evtimer_add(listen_backoff_ev, &tv);
}

/* Accept again (after the back-off, or when a connection closed). */
void
listen_resume(void)
{
	size_t	 i;

	if (device_count() >= (size_t)listen_cfg->max_connections)
		return;
	for (i = 0; i < nlisteners; i++) {
		if (listeners[i].paused)
			event_add(listeners[i].ev, NULL);
		listeners[i].paused = 0;
	}
}

static void
listen_accept_cb(evutil_socket_t lfd, short what, void *arg)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	struct source		*src;
	int			 fd, i, one = 1;

	(void)what;
	(void)arg;
	for (i = 0; i < LISTEN_ACCEPT_BURST; i++) {
		if (device_count() >= (size_t)listen_cfg->max_connections) {
			COUNT(C_CONN_REFUSED_CAP);
			listen_pause();
			return;
		}
		len = sizeof ss;
		fd = accept4(lfd, (struct sockaddr *)&ss, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EAGAIN || errno == EINTR ||
			    errno == ECONNABORTED)
				return;
			COUNT(C_ACCEPT_ERRORS);
			log_warn("listen: accept");
			listen_pause();		/* EMFILE, ENFILE, ENOBUFS */
			return;
		}
		src = source_get((struct sockaddr *)&ss);
		if (src->conns >= listen_cfg->max_per_source) {
			COUNT(C_CONN_REFUSED_SOURCE);
			source_release(src);
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		src->conns++;
		device_new(fd, (struct sockaddr *)&ss, len, src);
	}
}

void
listen_close(void)
{
	size_t	 i;
	uint64_t j;

	for (i = 0; i < nlisteners; i++) {
		event_free(listeners[i].ev);
		close(listeners[i].fd);
	}
	nlisteners = 0;
	if (listen_backoff_ev != NULL)
		event_free(listen_backoff_ev);
	listen_backoff_ev = NULL;
	for (j = 0; j < sources.cap; j++)
		if (sources.used != NULL && sources.used[j])
			free((void *)(uintptr_t)sources.vals[j]);
	hmap_free(&sources);
}

static uint64_t
source_key(const struct sockaddr *sa)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)sa;

	if (sa->sa_family == AF_INET)
		return (hash64(&sin->sin_addr, sizeof sin->sin_addr, 4));
	return (hash64(&sin6->sin6_addr, sizeof sin6->sin6_addr, 6));
}

struct source *
source_get(const struct sockaddr *sa)
{
	struct source	*src;
	uint64_t	 key = source_key(sa), v;

	if (hmap_get(&sources, key, &v) == 0)
		return ((struct source *)(uintptr_t)v);
	src = xcalloc(1, sizeof *src);
	src->key = key;
	src->tokens = listen_cfg->unregistered_burst;
	src->refill = now_ms();
	hmap_put(&sources, key, (uintptr_t)src);
	return (src);
}

/* Forget a source with no connections and a full bucket. */
void
source_release(struct source *src)
{
	source_take(src, now_ms());	/* refill */
	if (src->tokens < listen_cfg->unregistered_burst - 1)
		return;
	if (src->conns > 0)
		return;
	hmap_del(&sources, src->key);
	free(src);
}

int
source_take(struct source *src, int64_t now)
{
	double	 burst = listen_cfg->unregistered_burst;

	if (now > src->refill) {
		src->tokens += (now - src->refill) *
		    listen_cfg->unregistered_per_min / 60000.0;
		if (src->tokens > burst)
			src->tokens = burst;
		src->refill = now;
	}
	if (src->tokens < 1)
		return (-1);
	src->tokens -= 1;
	return (0);
}

void
source_name(const struct sockaddr *sa, const char *proto, char *buf,
    size_t size)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)sa;
	char				 host[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET) {
		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof host);
		snprintf(buf, size, "%s:%u%s%s", host, ntohs(sin->sin_port),
		    proto ? "/" : "", proto ? proto : "");
	} else {
		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof host);
		snprintf(buf, size, "[%s]:%u%s%s", host,
		    ntohs(sin6->sin6_port), proto ? "/" : "",
		    proto ? proto : "");
	}
}
