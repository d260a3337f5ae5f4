/*
 * device.c -- DC-09 over TCP: sessions with units. Read, split the
 * stream into frames, hand each to dc09.c with this connection as its
 * origin (device_ops: send by connection id, done), write the replies.
 *
 * Memory per idle connection is the point of this file: one struct
 * device and one struct event, nothing else. Reads go into one shared
 * buffer; only a partial frame (at most DC09_MAX_FRAME bytes) is kept per
 * connection, and only unsent output (capped) is buffered. The idle
 * timeout is the read event's own timeout on a libevent common timeout
 * queue, so it costs nothing to reset.
 *
 * States: unproven (until its first valid frame: first_frame_timeout) ->
 * open (idle_timeout) -> (eof: the peer half-closed; answer what is
 * pending, within halfclosed_timeout) -> closing (events removed, on the
 * reap list) -> freed by the reap event, never inside its own callback.
 * When the connection table is full, the oldest unproven connection makes
 * room for a new one (device_evict): nobody holds slots with silence.
 * Replies find a device by id; a reply for a device that has gone is
 * dropped and counted.
 *
 * Thread: the network thread.
 */
#include <sys/queue.h>

#include <errno.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arc.h"

#define DEVICE_READ_SIZE	65536
#define DEVICE_OUT_MAX		16384
#define DEVICE_EVICT_AGE_MS	1000	/* an unproven connection's chance */

struct device {
	uint64_t	 id;
	int		 fd;
	struct event	*ev;		/* owned: read + idle timeout */
	struct event	*wev;		/* owned, lazily: write */
	void		*src;		/* borrowed: the closed hook's, until
					   closing */
	struct bucket	*unreg;		/* borrowed: the source's */
	uint8_t		*in;		/* owned: a partial frame */
	uint8_t		*out;		/* owned: unsent replies */
	uint32_t	 inlen;
	uint32_t	 outlen;
	uint32_t	 pending;	/* replies awaited from the store */
	uint8_t		 eof;
	uint8_t		 closing;
	uint8_t		 proven;	/* sent a valid frame */
	int64_t		 since;		/* mono ms: connected */
	char		 name[48];	/* "127.0.0.1:4242/tcp" */
	struct device	*reap_next;
	TAILQ_ENTRY(device) unproven;	/* while !proven, oldest first */
};
TAILQ_HEAD(device_list, device);

static struct event_base	*device_base;
static void			(*device_closed)(void *);
static const struct timeval	*device_idle_tv;
static const struct timeval	*device_first_tv;	/* first frame */
static const struct timeval	*device_eof_tv;		/* half-closed */
static struct hmap		 devices;	/* id -> device * */
static struct device_list	 device_unproven =
				    TAILQ_HEAD_INITIALIZER(device_unproven);
static size_t			 device_live;	/* not closing */
static size_t			 device_outbytes;	/* unsent, in all */
static uint64_t			 device_next_id = 1;
static struct device		*device_reap_list;
static struct event		*device_reap_ev;	/* owned */
static uint8_t			 device_rbuf[DEVICE_READ_SIZE + DC09_MAX_FRAME];

static void	device_read_cb(evutil_socket_t, short, void *);
static void	device_write_cb(evutil_socket_t, short, void *);
static void	device_reap_cb(evutil_socket_t, short, void *);
static int	device_send(const struct origin *, const uint8_t *, size_t);
static void	device_done(const struct origin *);

static const struct origin_ops device_ops = {
	.protocol = "dc09",
	.ack = dc09_ack,
	.send = device_send,
	.done = device_done,
};

/*
 * The three timeouts, as libevent common timeouts (one queue each, not a
 * heap entry per connection); past libevent's limit of those, plain ones.
 * Again on a reload: a connection takes the new value when its timer is
 * next set (its next read or write).
 */
void
device_timeouts(const struct config *cfg)
{
	static struct timeval	 plain[3];
	struct timeval		 tv[3] = {
		{ cfg->idle_timeout, 0 },
		{ cfg->first_frame_timeout, 0 },
		{ cfg->halfclosed_timeout, 0 },
	};
	const struct timeval	**to[3] = {
		&device_idle_tv, &device_first_tv, &device_eof_tv
	};
	size_t			 i;

	for (i = 0; i < nitems(tv); i++) {
		*to[i] = event_base_init_common_timeout(device_base, &tv[i]);
		if (*to[i] == NULL) {
			plain[i] = tv[i];
			*to[i] = &plain[i];
		}
	}
}

void
device_init(struct event_base *base, const struct config *cfg,
    void (*closed)(void *))
{
	device_base = base;
	device_closed = closed;
	device_timeouts(cfg);
	hmap_init(&devices, 1024);
	device_reap_ev = event_new(base, -1, 0, device_reap_cb, NULL);
}

/* Replies waiting in arcd for connections that do not read. */
size_t
device_waiting_bytes(void)
{
	return (device_outbytes);
}

/* Connections held, not counting those closing. */
size_t
device_count(void)
{
	return (device_live);
}

void
device_new(int fd, const struct sockaddr *sa, void *src,
    struct bucket *unreg)
{
	struct device	*d;

	d = xcalloc(1, sizeof *d);
	d->id = device_next_id++;
	d->fd = fd;
	d->src = src;
	d->unreg = unreg;
	d->since = clock_mono();
	source_name(sa, "tcp", d->name, sizeof d->name);
	d->ev = event_new(device_base, fd, EV_READ | EV_PERSIST,
	    device_read_cb, d);
	event_add(d->ev, device_first_tv);
	hmap_put(&devices, d->id, (uintptr_t)d);
	TAILQ_INSERT_TAIL(&device_unproven, d, unproven);
	device_live++;
	COUNT(C_CONN_ACCEPTED);
	log_debug("device %llu: connected from %s", (unsigned long long)d->id,
	    d->name);
}

static void
device_close(struct device *d, const char *why)
{
	if (d->closing)
		return;
	d->closing = 1;
	device_live--;
	if (!d->proven)
		TAILQ_REMOVE(&device_unproven, d, unproven);
	/* Its slot (and its source's) is free now, not at the reap. */
	if (device_closed != NULL)
		device_closed(d->src);
	d->src = NULL;
	event_del(d->ev);
	if (d->wev != NULL)
		event_del(d->wev);
	log_debug("device %llu: closing: %s", (unsigned long long)d->id, why);
	d->reap_next = device_reap_list;
	device_reap_list = d;
	event_active(device_reap_ev, EV_TIMEOUT, 0);
}

static void
device_free(struct device *d)
{
	hmap_del(&devices, d->id);
	event_free(d->ev);
	if (d->wev != NULL)
		event_free(d->wev);
	close(d->fd);
	free(d->in);
	free(d->out);
	device_outbytes -= d->outlen;
	COUNT(C_CONN_CLOSED);
	free(d);
}

static void
device_reap_cb(evutil_socket_t fd, short what, void *arg)
{
	struct device	*d;

	(void)fd;
	(void)what;
	(void)arg;
	while ((d = device_reap_list) != NULL) {
		device_reap_list = d->reap_next;
		device_free(d);
	}
}

/*
 * The table is full: close the oldest connection that never sent a valid
 * frame (and had DEVICE_EVICT_AGE_MS to send one), to make room. 1 if
 * one was closed.
 */
int
device_evict(void)
{
	struct device	*d;

	if ((d = TAILQ_FIRST(&device_unproven)) == NULL ||
	    clock_mono() - d->since < DEVICE_EVICT_AGE_MS)
		return (0);
	COUNT(C_CONN_EVICTED);
	device_close(d, "evicted: no valid frame, the table is full");
	return (1);
}

/* Its first valid frame: a unit, idle_timeout from now on. */
static void
device_proven(struct device *d)
{
	d->proven = 1;
	TAILQ_REMOVE(&device_unproven, d, unproven);
	event_add(d->ev, device_idle_tv);
}

static void
device_maybe_finish(struct device *d)
{
	if (d->eof && d->pending == 0 && d->outlen == 0)
		device_close(d, "end of stream");
}

/* One frame: a reply awaited, and the first valid frame proves the unit. */
static void
device_frame(struct device *d, const struct origin *o, const uint8_t *buf,
    size_t len)
{
	int	 rc = dc09_in(o, d->unreg, d->name, buf, len);

	if (rc == INGEST_PENDING)
		d->pending++;
	if (rc != INGEST_REFUSED && !d->proven && !d->closing)
		device_proven(d);
}

/* Split what we hold into frames; keep a partial frame for later. */
static void
device_frames(struct device *d, uint8_t *buf, size_t total)
{
	struct origin	 o;
	size_t		 off = 0, used;
	enum proto_err	 e;

	memset(&o, 0, sizeof o);
	o.ops = &device_ops;
	o.conn = d->id;
	while (off < total && !d->closing) {
		e = dc09_scan(buf + off, total - off, DC09_MAX_FRAME, &used);
		if (e == PROTO_MORE)
			break;
		if (e == PROTO_TOOLONG) {
			COUNT(C_CONN_TOOLONG);
			device_close(d, "no CR within the frame limit");
			return;
		}
		if (e == PROTO_JUNK)
			counters[C_FRAME_JUNK_BYTES] += used;
		else
			device_frame(d, &o, buf + off, used);
		off += used;
	}
	if (off < total && !d->closing) {
		d->inlen = total - off;
		d->in = xmalloc(d->inlen);
		memcpy(d->in, buf + off, d->inlen);
	}
}

static void
device_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct device	*d = arg;
	size_t		 held = d->inlen;
	ssize_t		 n;

	if (what & EV_TIMEOUT) {
		if (d->proven) {
			COUNT(C_CONN_IDLE);
			device_close(d, "idle");
		} else {
			COUNT(C_CONN_NO_FRAME);
			device_close(d, "no valid frame in time");
		}
		return;
	}
	if (held != 0)
		memcpy(device_rbuf, d->in, held);
	n = read(fd, device_rbuf + held, DEVICE_READ_SIZE);
	if (n == -1) {
		if (errno != EAGAIN && errno != EINTR)
			device_close(d, strerror(errno));
		return;
	}
	if (n == 0) {
		event_del(d->ev);
		d->eof = 1;
		if (d->wev != NULL && d->outlen != 0)	/* answers within */
			event_add(d->wev, device_eof_tv);
		device_maybe_finish(d);
		return;
	}
	free(d->in);
	d->in = NULL;
	d->inlen = 0;
	device_frames(d, device_rbuf, held + n);
}

static int
device_queue(struct device *d, const uint8_t *buf, size_t len)
{
	if (d->outlen + len > DEVICE_OUT_MAX) {
		COUNT(C_CONN_OUTPUT_FULL);
		device_close(d, "output buffer full");
		return (-1);
	}
	if (d->out == NULL)
		d->out = xmalloc(DEVICE_OUT_MAX);
	memcpy(d->out + d->outlen, buf, len);
	d->outlen += len;
	device_outbytes += len;
	if (d->wev == NULL)
		d->wev = event_new(device_base, d->fd, EV_WRITE | EV_PERSIST,
		    device_write_cb, d);
	event_add(d->wev, d->eof ? device_eof_tv : NULL);
	return (0);
}

/* An origin's send: queue bytes to the device by id; -1 if it is gone. */
static int
device_send(const struct origin *o, const uint8_t *buf, size_t len)
{
	struct device	*d;
	uint64_t	 v;
	ssize_t		 n = 0;

	if (hmap_get(&devices, o->conn, &v) != 0)
		return (-1);
	d = (struct device *)(uintptr_t)v;
	if (d->closing)
		return (-1);
	if (d->outlen == 0) {
		n = write(d->fd, buf, len);
		if (n == (ssize_t)len)
			return (0);
		if (n == -1) {
			if (errno != EAGAIN && errno != EINTR) {
				device_close(d, strerror(errno));
				return (-1);
			}
			n = 0;
		}
	}
	return (device_queue(d, buf + n, len - n));
}

static void
device_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct device	*d = arg;
	ssize_t		 n;

	if (what & EV_TIMEOUT) {	/* half-closed and not reading */
		COUNT(C_CONN_HALFCLOSED);
		device_close(d, "half-closed, its answers not read");
		return;
	}
	n = write(fd, d->out, d->outlen);
	if (n == -1) {
		if (errno != EAGAIN && errno != EINTR)
			device_close(d, strerror(errno));
		return;
	}
	memmove(d->out, d->out + n, d->outlen - n);
	d->outlen -= n;
	device_outbytes -= n;
	if (d->outlen != 0)
		return;
	event_del(d->wev);
	free(d->out);
	d->out = NULL;
	device_maybe_finish(d);
}

/* An origin's done: one reply the connection waited for is resolved. */
static void
device_done(const struct origin *o)
{
	struct device	*d;
	uint64_t	 v;

	if (hmap_get(&devices, o->conn, &v) != 0)
		return;
	d = (struct device *)(uintptr_t)v;
	if (d->pending > 0)
		d->pending--;
	if (!d->closing)
		device_maybe_finish(d);
}

void
device_close_all(void)
{
	struct device	*d;
	uint64_t	 v;
	size_t		 it = 0;

	while (hmap_next(&devices, &it, NULL, &v)) {
		d = (struct device *)(uintptr_t)v;
		if (!d->closing)
			device_close(d, "shutting down");
	}
	while ((d = device_reap_list) != NULL) {
		device_reap_list = d->reap_next;
		device_free(d);
	}
	hmap_free(&devices);
	if (device_reap_ev != NULL)
		event_free(device_reap_ev);
	device_reap_ev = NULL;
}
