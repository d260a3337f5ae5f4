/*
 * notify.c -- another thread wakes the loop: an eventfd the loop reads,
 * then the owner's callback runs on the loop. The store writer and the
 * reader worker each hand their completions back this way.
 *
 * notify_poke() is the one function here another thread may call.
 */
#include <sys/eventfd.h>

#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arc.h"

struct notify {
	int		 fd;
	struct event	*ev;		/* owned */
	void		(*cb)(void *);
	void		*arg;
};

static void
notify_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct notify	*n = arg;
	uint64_t	 v;

	(void)what;
	if (read(fd, &v, sizeof v) == -1 && errno != EAGAIN)
		log_warn("notify: eventfd read");
	n->cb(n->arg);
}

struct notify *
notify_new(struct event_base *base, void (*cb)(void *), void *arg,
    char **cause)
{
	struct notify	*n;

	n = xcalloc(1, sizeof *n);
	if ((n->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
		xasprintf(cause, "eventfd: %s", strerror(errno));
		free(n);
		return (NULL);
	}
	n->cb = cb;
	n->arg = arg;
	n->ev = event_new(base, n->fd, EV_READ | EV_PERSIST, notify_read_cb,
	    n);
	event_add(n->ev, NULL);
	return (n);
}

/* Any thread: only write the eventfd. */
void
notify_poke(void *arg)
{
	struct notify	*n = arg;
	uint64_t	 one = 1;

	if (write(n->fd, &one, sizeof one) == -1 && errno != EAGAIN)
		log_warn("notify: eventfd");
}

void
notify_free(struct notify *n)
{
	if (n == NULL)
		return;
	event_free(n->ev);
	close(n->fd);
	free(n);
}
