/*
 * listen.c -- the DC-09 TCP listeners: accept with a cap on connections
 * (in total and per source address) and a back-off when the cap or the
 * descriptor limit is hit. A connection that closes (device.c calls the
 * hook arcd.c set, listen_closed) releases its source and lets accepting
 * resume.
 *
 * Thread: the network thread.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arc.h"

#define LISTEN_ACCEPT_BURST	64	/* accepts per wakeup */
#define LISTEN_BACKOFF_MS	100

struct listener {
	int			 fd;
	struct event		*ev;		/* owned */
	int			 paused;
};

static const struct config	*listen_cfg;
static struct listener		 listeners[CONFIG_MAX_LISTEN];
static size_t			 nlisteners;
static struct event		*listen_backoff_ev;	/* owned */

static void	listen_accept_cb(evutil_socket_t, short, void *);
static void	listen_resume(void);

static void
listen_backoff_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	listen_resume();
}

int
listen_open(struct event_base *base, const struct config *cfg,
    const struct listen_spec *ls, char **cause)
{
	struct listener	*l;
	int		 fd;

	listen_cfg = cfg;
	if (listen_backoff_ev == NULL)
		listen_backoff_ev = evtimer_new(base, listen_backoff_cb, NULL);
	if ((fd = source_socket(ls, SOCK_STREAM, cause)) == -1)
		return (-1);
	l = &listeners[nlisteners++];
	l->fd = fd;
	l->ev = event_new(base, fd, EV_READ | EV_PERSIST, listen_accept_cb, l);
	event_add(l->ev, NULL);
	source_announce(fd, ls);
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

/*
 * Accept again (after the back-off, or when a connection closed). At the
 * cap too: a connection waiting may take the slot of a silent one.
 */
static void
listen_resume(void)
{
	size_t	 i;

	for (i = 0; i < nlisteners; i++) {
		if (listeners[i].paused)
			event_add(listeners[i].ev, NULL);
		listeners[i].paused = 0;
	}
}

void
listen_closed(void *arg)
{
	struct source	*src = arg;

	src->conns--;
	source_release(src);
	listen_resume();
}

static void
listen_accept_cb(evutil_socket_t lfd, short what, void *arg)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	struct source		*src;
	int			 fd, i, one = 1, sndbuf = 16384;

	(void)what;
	(void)arg;
	for (i = 0; i < LISTEN_ACCEPT_BURST; i++) {
		if (device_count() >= (size_t)listen_cfg->max_connections) {
			/* Only when one is surely waiting: this wakeup's. */
			if (i > 0)
				return;
			if (!device_evict()) {
				COUNT(C_CONN_REFUSED_CAP);
				listen_pause();
				return;
			}
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
		/* The kernel's share is small and fixed: the bound is ours. */
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
		src->conns++;
		device_new(fd, (struct sockaddr *)&ss, src, &src->unreg);
	}
}

void
listen_close(void)
{
	size_t	 i;

	for (i = 0; i < nlisteners; i++) {
		event_free(listeners[i].ev);
		close(listeners[i].fd);
	}
	nlisteners = 0;
	if (listen_backoff_ev != NULL)
		event_free(listen_backoff_ev);
	listen_backoff_ev = NULL;
}
