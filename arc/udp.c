/*
 * udp.c -- DC-09 over UDP: one datagram is one frame; the reply goes to
 * the sender's address from the same socket (the origin carries both). A
 * bounded number of datagrams is read per wakeup so one busy socket
 * cannot starve the rest.
 *
 * Thread: the network thread.
 */
#include <sys/socket.h>

#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arc.h"

#define UDP_BURST	64

struct udp {
	int		 fd;
	struct event	*ev;		/* owned */
};

static struct udp	 udps[CONFIG_MAX_LISTEN];
static size_t		 nudps;

static int	udp_send(const struct origin *, const uint8_t *, size_t);
static void	udp_done(const struct origin *);

static const struct origin_ops udp_ops = {
	.protocol = "dc09",
	.ack = dc09_ack,
	.send = udp_send,
	.done = udp_done,
};

/* One datagram: skip junk before the LF; one frame per datagram. */
static void
udp_datagram(const struct origin *o, const uint8_t *buf, size_t n)
{
	struct source	*src;
	char		 name[64];
	size_t		 used, off;

	src = source_get((const struct sockaddr *)&o->peer);
	source_name((const struct sockaddr *)&o->peer, "udp", name,
	    sizeof name);
	for (off = 0; off < n; off += used) {
		switch (dc09_scan(buf + off, n - off, DC09_MAX_FRAME, &used)) {
		case PROTO_JUNK:
			counters[C_FRAME_JUNK_BYTES] += used;
			continue;
		case PROTO_OK:
			dc09_in(o, &src->unreg, name, buf + off, used);
			break;
		default:
			COUNT(C_FRAME_BADFRAME);
			break;
		}
		break;
	}
	source_release(src);
}

static void
udp_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct origin	 o;
	uint8_t		 buf[DC09_MAX_FRAME + 64];
	ssize_t		 n;
	int		 i;

	(void)what;
	(void)arg;
	for (i = 0; i < UDP_BURST; i++) {
		memset(&o, 0, sizeof o);
		o.ops = &udp_ops;
		o.fd = fd;
		o.peerlen = sizeof o.peer;
		n = recvfrom(fd, buf, sizeof buf, 0,
		    (struct sockaddr *)&o.peer, &o.peerlen);
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("udp: recvfrom");
			return;
		}
		COUNT(C_UDP_DATAGRAMS);
		udp_datagram(&o, buf, (size_t)n);
	}
}

int
udp_open(struct event_base *base, const struct listen_spec *ls,
    char **cause)
{
	struct udp	*u;
	int		 fd;

	if (nudps == CONFIG_MAX_LISTEN) {
		xasprintf(cause, "too many udp listeners");
		return (-1);
	}
	if ((fd = source_socket(ls, SOCK_DGRAM, cause)) == -1)
		return (-1);
	u = &udps[nudps++];
	u->fd = fd;
	u->ev = event_new(base, fd, EV_READ | EV_PERSIST, udp_read_cb, u);
	event_add(u->ev, NULL);
	source_announce(fd, ls);
	return (0);
}

static int
udp_send(const struct origin *o, const uint8_t *buf, size_t len)
{
	if (sendto(o->fd, buf, len, 0, (const struct sockaddr *)&o->peer,
	    o->peerlen) == -1) {
		COUNT(C_UDP_SEND_ERRORS);
		return (-1);
	}
	return (0);
}

/* Nothing waits on a datagram socket. */
static void
udp_done(const struct origin *o)
{
	(void)o;
}

void
udp_close_all(void)
{
	size_t	 i;

	for (i = 0; i < nudps; i++) {
		event_free(udps[i].ev);
		close(udps[i].fd);
	}
	nudps = 0;
}
