/*
 * udp.c -- DC-09 over UDP: one datagram is one frame; the reply goes to
 * the sender's address from the same socket. A bounded number of
 * datagrams is read per wakeup so one busy socket cannot starve the rest.
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

static void
udp_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct reply_to	 to;
	struct source	*src;
	uint8_t		 buf[DC09_MAX_FRAME + 64];
	char		 name[64];
	size_t		 used, off;
	ssize_t		 n;
	int		 i;

	(void)what;
	(void)arg;
	for (i = 0; i < UDP_BURST; i++) {
		memset(&to, 0, sizeof to);
		to.udp = 1;
		to.fd = fd;
		to.peerlen = sizeof to.peer;
		n = recvfrom(fd, buf, sizeof buf, 0,
		    (struct sockaddr *)&to.peer, &to.peerlen);
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("udp: recvfrom");
			return;
		}
		COUNT(C_UDP_DATAGRAMS);
		src = source_get((struct sockaddr *)&to.peer);
		source_name((struct sockaddr *)&to.peer, "udp", name,
		    sizeof name);
		/* Skip junk before the LF; one frame per datagram. */
		for (off = 0; off < (size_t)n; off += used) {
			switch (dc09_scan(buf + off, n - off, DC09_MAX_FRAME,
			    &used)) {
			case PROTO_JUNK:
				counters[C_FRAME_JUNK_BYTES] += used;
				continue;
			case PROTO_OK:
				ingest_frame(&to, src, name, buf + off, used);
				break;
			default:
				COUNT(C_FRAME_BADFRAME);
				break;
			}
			break;
		}
		source_release(src);
	}
}

int
udp_open(struct event_base *base, int fd, const struct listen_spec *ls,
    char **cause)
{
	struct udp	*u;

	(void)ls;
	if (nudps == CONFIG_MAX_LISTEN) {
		xasprintf(cause, "too many udp listeners");
		close(fd);
		return (-1);
	}
	u = &udps[nudps++];
	u->fd = fd;
	u->ev = event_new(base, fd, EV_READ | EV_PERSIST, udp_read_cb, u);
	event_add(u->ev, NULL);
	return (0);
}

int
udp_send(const struct reply_to *to, const uint8_t *buf, size_t len)
{
	if (sendto(to->fd, buf, len, 0, (const struct sockaddr *)&to->peer,
	    to->peerlen) == -1) {
		COUNT(C_UDP_SEND_ERRORS);
		return (-1);
	}
	return (0);
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
