/*
 * sim.c -- the simulated units: sockets, sending, retransmission, reply
 * matching and reconnection.
 *
 * A unit has at most one frame outstanding (out, frame[]); it sends the
 * same bytes again every --retry seconds until a matching ACK, a NAK or a
 * DUH. TCP units keep one connection (or, with --reconnect, make one per
 * frame); a lost connection is made again after a jittered back-off and
 * the outstanding frame is resent. UDP units own one connected socket.
 *
 * Called by loadgen.c and gen.c, and through hooks by the wheel
 * (sim_timer) and scenario.c (sim_arrival, sim_drop). It tells scenario.c
 * and console.c what went out and came back, and loadgen.c, through
 * lg.begin and lg.check_done, when the run may begin or end. One thread.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "runtime.h"
#include "loadgen.h"

#define SIM_BACKOFF_MIN_MS	50
#define SIM_BACKOFF_MAX_MS	1000
#define SIM_READ_MAX		16384

STAILQ_HEAD(unit_queue, unit);

static struct unit_queue	 sim_waiting =
				    STAILQ_HEAD_INITIALIZER(sim_waiting);
static int			 sim_connecting;
static uint8_t			 sim_buf[DC09_MAX_FRAME + SIM_READ_MAX];

static void	sim_kick(struct unit *, uint64_t);
static void	sim_connect_request(struct unit *, uint64_t);
static void	sim_read_cb(evutil_socket_t, short, void *);

static uint64_t
sim_retry_ms(void)
{
	return ((uint64_t)(lg.retry * 1000.0 + 0.5));
}

void
sim_init(void)
{
	struct unit	*u;
	uint32_t	 i;

	if (lg.units == 0)
		return;			/* --mqtt-echo alone */
	lg.unit = xcalloc(lg.units, sizeof *lg.unit);
	for (i = 0; i < lg.units; i++) {
		u = &lg.unit[i];
		u->idx = i;
		u->fd = -1;
		u->ev = event_new(lg.base, -1, 0, sim_read_cb, u);
		if (u->ev == NULL)
			fatalx("event_new failed");
	}
}

/* Bind a socket to the unit's source address (--sources). */
static int
sim_bind_source(struct unit *u, int fd)
{
	struct sockaddr_in	 sin;
	int			 one = 1;

	if (lg.sources <= 1 || lg.target.ss_family != AF_INET)
		return (0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x7f000001 + u->idx % lg.sources);
	if (!lg.udp)
		setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
		    sizeof one);
	return (bind(fd, (struct sockaddr *)&sin, sizeof sin));
}

static void
sim_set_up(struct unit *u)
{
	u->state = UNIT_UP;
	lg.st.connects++;
	if (u->backoff > 0)
		lg.st.reconnects++;
	u->backoff = 0;
	if (++lg.st.connected > lg.st.connected_peak) {
		lg.st.connected_peak = lg.st.connected;
		if (lg.st.connected_peak == lg.units)
			log_info("all %u units up after %.3f s", lg.units,
			    (double)(lg_now() - lg.start_us) / 1e6);
	}
	if (lg.phase == PHASE_CONNECT && lg.st.connected == lg.units)
		lg.begin(lg_now());
	if (lg.mqtt)
		return;			/* mqtt.c reads for it */
	event_assign(u->ev, lg.base, u->fd, EV_READ | EV_PERSIST, sim_read_cb,
	    u);
	event_add(u->ev, NULL);
}

static void
sim_close(struct unit *u)
{
	event_del(u->ev);
	if (u->fd != -1)
		close(u->fd);
	if (u->state == UNIT_UP)
		lg.st.connected--;
	u->fd = -1;
	u->state = UNIT_DOWN;
	free(u->rbuf);
	u->rbuf = NULL;
	u->rlen = 0;
}

/* Try again after 50 ms doubling to 1 s, jittered to 50..100%. */
static void
sim_backoff(struct unit *u, uint64_t now)
{
	uint64_t	 ms;

	ms = SIM_BACKOFF_MIN_MS << (u->backoff < 5 ? u->backoff : 5);
	if (ms > SIM_BACKOFF_MAX_MS)
		ms = SIM_BACKOFF_MAX_MS;
	ms = ms / 2 + (uint64_t)(prng_uniform() * (double)(ms / 2));
	if (u->backoff < 100)
		u->backoff++;
	u->waiting = 1;
	wheel_add(u, now / 1000 + ms);
}

/* The connection broke (or could not be made): close, wait, retry. */
static void
sim_lost(struct unit *u, uint64_t now)
{
	if (u->state == UNIT_UP)
		lg.st.lost++;
	else
		lg.st.connect_fail++;
	sim_close(u);
	if (lg.phase == PHASE_DONE)
		return;
	sim_backoff(u, now);
}

static void
sim_udp_open(struct unit *u, uint64_t now)
{
	int	 fd;

	fd = socket(lg.target.ss_family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (fd == -1 || sim_bind_source(u, fd) == -1 ||
	    connect(fd, (struct sockaddr *)&lg.target, lg.target_len) == -1) {
		if (fd != -1)
			close(fd);
		lg.st.connect_fail++;
		sim_backoff(u, now);
		return;
	}
	u->fd = fd;
	sim_set_up(u);
	sim_kick(u, now);
}

/* Send out[]: the first time, or again (same bytes). */
static void
sim_send(struct unit *u, uint64_t now)
{
	ssize_t		 n;

	if (lg.mqtt)		/* a refusal (link down): the retry resends */
		n = mqtt_send(u) == 0 ? u->out_len : 0;
	else
		n = send(u->fd, u->frame, u->out_len, MSG_NOSIGNAL);
	if (n != u->out_len && !lg.udp && !lg.mqtt) {
		sim_lost(u, now);
		return;
	}
	if (!u->out_sent) {
		u->out_sent = 1;
		if (u->first_us == 0)
			u->first_us = now;
		if (u->out == OUT_EVENT) {
			lg.st.sent++;
			series_sent();
			scenario_sent(u);
			console_sent(u->idx, u->seq, now);
		} else
			lg.st.polls_sent++;
		u->poll_due = now / 1000 +
		    (uint64_t)(lg.heartbeat * 1000.0);
	} else
		lg.st.retransmits++;
	wheel_add(u, now / 1000 + sim_retry_ms());
}

/* Make the next frame if there is one to make. */
static void
sim_next(struct unit *u, uint64_t now)
{
	time_t	 wall;

	wall = time(NULL);
	if (u->queued > 0) {
		u->queued--;
		lg.st.queued--;
	} else if (!(lg.closed && lg.phase == PHASE_RUN)) {
		if (lg.heartbeat > 0 && lg.phase == PHASE_RUN &&
		    u->poll_due <= now / 1000 && frame_poll(u, wall) == -1)
			fatalx("cannot encode a poll");
		return;
	}
	if (frame_event(u, wall) == -1)
		fatalx("cannot encode an event");
	lg.st.inflight++;
}

/* Decide what the unit does next. */
static void
sim_kick(struct unit *u, uint64_t now)
{
	if (u->out == OUT_NONE && scenario_muted(u)) {
		wheel_del(u);		/* silent: connected, sends nothing */
		return;
	}
	if (u->out == OUT_NONE)
		sim_next(u, now);
	if (u->out != OUT_NONE) {
		if (u->state == UNIT_UP && !u->out_sent)
			sim_send(u, now);
		else if (u->state == UNIT_DOWN && !u->waiting)
			sim_connect_request(u, now);
		return;
	}
	if (lg.reconnect && u->state == UNIT_UP)
		sim_close(u);
	if (lg.heartbeat > 0 && lg.phase == PHASE_RUN)
		wheel_add(u, u->poll_due);
	else
		wheel_del(u);
}

/*
 * The last unit up begins the run (sim_begin() kicks every unit, this one
 * too): what it sends then is not sent again here.
 */
static void
sim_connected(struct unit *u, uint64_t now)
{
	int	 had = u->out != OUT_NONE;

	sim_set_up(u);
	if (had)
		sim_send(u, now);	/* first send, or resend */
	else if (u->out == OUT_NONE)
		sim_kick(u, now);
}

static void
sim_connect_cb(evutil_socket_t fd, short what, void *arg)
{
	struct unit	*u = arg;
	uint64_t	 now = lg_now();
	socklen_t	 len = sizeof(int);
	int		 err = 0;

	(void)what;
	sim_connecting--;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 ||
	    err != 0)
		sim_lost(u, now);
	else
		sim_connected(u, now);
	sim_connect_request(NULL, now);
}

/* Start a non-blocking connect. */
static void
sim_connect(struct unit *u, uint64_t now)
{
	int	 fd, one = 1;

	wheel_del(u);
	if (lg.reconnect && u->out != OUT_NONE && u->first_us == 0)
		u->first_us = now;	/* --reconnect: time the connect too */
	fd = socket(lg.target.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd == -1) {
		lg.st.connect_fail++;
		u->state = UNIT_DOWN;
		sim_backoff(u, now);
		return;
	}
	u->fd = fd;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (sim_bind_source(u, fd) == -1)
		goto fail;
	if (connect(fd, (struct sockaddr *)&lg.target, lg.target_len) == 0) {
		sim_connected(u, now);
		return;
	}
	if (errno != EINPROGRESS)
		goto fail;
	u->state = UNIT_CONNECTING;
	sim_connecting++;
	event_assign(u->ev, lg.base, fd, EV_WRITE, sim_connect_cb, u);
	event_add(u->ev, NULL);
	return;
fail:
	u->state = UNIT_CONNECTING;	/* counted as a failed connect */
	sim_lost(u, now);
}

/* Queue u (if not NULL) for a connect; start what the cap allows. */
static void
sim_connect_request(struct unit *u, uint64_t now)
{
	if (u != NULL && lg.udp) {
		sim_udp_open(u, now);
		return;
	}
	if (u != NULL) {
		u->state = UNIT_WAITSLOT;
		STAILQ_INSERT_TAIL(&sim_waiting, u, centry);
	}
	while (sim_connecting < LOADGEN_CONNECTS_MAX &&
	    (u = STAILQ_FIRST(&sim_waiting)) != NULL) {
		STAILQ_REMOVE_HEAD(&sim_waiting, centry);
		sim_connect(u, now);
	}
}

/* mqtt.c: the units [first, first + n) are subscribed to their acks. */
static void
sim_mqtt_up(uint32_t first, uint32_t n, uint64_t now)
{
	uint32_t	 i;

	for (i = first; i < first + n && i < lg.units; i++)
		if (lg.unit[i].state != UNIT_UP)
			sim_connected(&lg.unit[i], now);
	if (lg.units == 0 && lg.phase == PHASE_CONNECT)
		lg.begin(now);		/* --mqtt-echo alone: it is up */
}

static void	sim_done(struct unit *, uint64_t, int);

/* mqtt.c: arc's ack (error: {"seq": n, "error": ...}) for unit u. */
static void
sim_mqtt_ack(struct unit *u, uint64_t seq, int error, uint64_t now)
{
	if (u->out == OUT_EVENT && u->out_sent && seq == u->seq) {
		if (error)
			series_nak();
		sim_done(u, now, !error);
	} else if (seq == u->last_acked)
		lg.st.dup_acks++;
	else
		lg.st.bad++;
}

void
sim_start(void)
{
	struct unit	*u;
	uint64_t	 now = lg_now();
	uint32_t	 i;

	if (lg.mqtt) {
		mqtt_init(sim_mqtt_up, sim_mqtt_ack);
		mqtt_start();
		return;
	}

	for (i = 0; i < lg.units; i++) {
		u = &lg.unit[i];
		if (lg.heartbeat > 0)
			u->poll_due = now / 1000 + (uint64_t)(prng_uniform() *
			    lg.heartbeat * 1000.0);
		if (lg.reconnect)
			sim_kick(u, now);
		else
			sim_connect_request(u, now);
	}
}

/*
 * The run starts: closed-loop units send their first frame (with
 * --reconnect and --console, every unit: none is connected yet).
 */
void
sim_begin(uint64_t now)
{
	uint32_t	 i;

	for (i = 0; i < lg.units; i++)
		if (lg.unit[i].state == UNIT_UP || lg.reconnect)
			sim_kick(&lg.unit[i], now);
}

/* An open-loop event for this unit. */
void
sim_arrival(struct unit *u)
{
	if (u->queued >= LOADGEN_QUEUE_MAX) {
		lg.st.dropped++;
		return;
	}
	u->queued++;
	lg.st.queued++;
	if (u->out == OUT_NONE)
		sim_kick(u, lg_now());
}

/* The unit's wheel deadline came. */
void
sim_timer(struct unit *u, uint64_t now)
{
	switch (u->state) {
	case UNIT_DOWN:
		u->waiting = 0;
		if (lg.reconnect && u->out == OUT_NONE)
			sim_kick(u, now);
		else if (lg.phase != PHASE_DONE)
			sim_connect_request(u, now);
		break;
	case UNIT_UP:
		if (u->out != OUT_NONE)
			sim_send(u, now);	/* retransmission */
		else
			sim_kick(u, now);	/* heartbeat */
		break;
	default:
		break;
	}
}

static void
sim_acked_log(struct unit *u)
{
	char	 acct[LOADGEN_ACCT_MAX];

	if (lg.acked_log == NULL)
		return;
	frame_account(u->idx, acct);
	fprintf(lg.acked_log, "%s %u %u\n", acct, u->seq, u->code);
}

/* The outstanding frame is finished: ACKed (acked) or given up. */
static void
sim_done(struct unit *u, uint64_t now, int acked)
{
	if (u->out == OUT_EVENT) {
		lg.st.inflight--;
		if (acked) {
			lg.st.acked++;
			if (lg.phase == PHASE_RUN)
				lg.st.acked_run++;
			hist_add(lg.lat, now - u->first_us);
			series_acked(now - u->first_us);
			sim_acked_log(u);
			scenario_acked(u);
			console_acked(u->idx, u->seq);
		}
	} else if (acked)
		lg.st.polls_acked++;
	if (acked)
		u->last_acked = u->out == OUT_EVENT ? u->seq : 0;
	u->out = OUT_NONE;
	u->out_sent = 0;
	u->first_us = 0;
	wheel_del(u);
	if (lg.reconnect && u->state == UNIT_UP)
		sim_close(u);		/* one connection per message */
	sim_kick(u, now);
	if (lg.phase == PHASE_DRAIN)
		lg.check_done();
}

/* Is this ACK the reply to out[]? 1 yes, 0 a late copy, -1 bad. */
static int
sim_ack_match(struct unit *u, struct dc09_frame *f)
{
	char		 acct[LOADGEN_ACCT_MAX];
	unsigned	 seq;
	uint8_t		 plain[DC09_MAX_FRAME];

	frame_account(u->idx, acct);
	if (!f->encrypted && f->seq == 0 &&
	    strcmp(f->acct, LOADGEN_ECHO_ACCT) == 0)
		return (u->out != OUT_NONE && u->out_sent ? 1 : 0);
	if (strcmp(f->acct, acct) != 0 || !f->encrypted != !lg.keyed)
		return (-1);
	if (lg.keyed &&
	    dc09_decrypt(f, &lg.key, plain, sizeof plain) != PROTO_OK)
		return (-1);
	seq = u->out == OUT_EVENT ? u->seq : 0;
	if (u->out != OUT_NONE && u->out_sent && f->seq == seq)
		return (1);
	if (f->seq == u->last_acked)
		return (0);
	return (-1);
}

/* One reply frame (LF..CR) for u. */
static void
sim_reply(struct unit *u, const uint8_t *p, size_t len, uint64_t now)
{
	struct dc09_frame	 f;

	lg.st.replies++;
	if (dc09_parse(p, len, &f) != PROTO_OK) {
		lg.st.bad++;
		return;
	}
	switch (f.token) {
	case DC09_TOKEN_ACK:
		switch (sim_ack_match(u, &f)) {
		case 1:
			sim_done(u, now, 1);
			break;
		case 0:
			lg.st.dup_acks++;
			break;
		default:
			lg.st.bad++;
			break;
		}
		break;
	case DC09_TOKEN_NAK:
	case DC09_TOKEN_DUH:
		if (f.token == DC09_TOKEN_NAK) {
			lg.st.nak++;
			series_nak();
		} else
			lg.st.duh++;
		if (u->out != OUT_NONE && u->out_sent)
			sim_done(u, now, 0);
		break;
	default:
		lg.st.bad++;
		break;
	}
}

/* Keep an incomplete reply for the next read. */
static void
sim_keep(struct unit *u, const uint8_t *p, size_t len)
{
	if (len == 0) {
		free(u->rbuf);
		u->rbuf = NULL;
		u->rlen = 0;
		return;
	}
	if (u->rbuf == NULL)
		u->rbuf = xmalloc(DC09_MAX_FRAME);
	memmove(u->rbuf, p, len);
	u->rlen = (uint16_t)len;
}

/* Split what was read into frames; 0, or -1 if the stream is bad. */
static int
sim_frames(struct unit *u, uint8_t *p, size_t len, uint64_t now)
{
	int		 fd = u->fd;
	size_t		 used;
	enum proto_err	 e;

	while (len > 0) {
		e = dc09_scan(p, len, DC09_MAX_FRAME, &used);
		if (e == PROTO_MORE)
			break;
		if (e == PROTO_TOOLONG) {
			lg.st.bad++;
			return (-1);
		}
		if (e == PROTO_OK)
			sim_reply(u, p, used, now);
		p += used;
		len -= used;
		if (u->fd != fd || u->state != UNIT_UP)
			return (0);	/* closed by the reply */
	}
	if (!lg.udp)
		sim_keep(u, p, len);
	return (0);
}

static void
sim_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct unit	*u = arg;
	uint64_t	 now;
	size_t		 have = 0;
	ssize_t		 n;

	(void)what;
	if (u->rlen > 0) {
		have = u->rlen;
		memcpy(sim_buf, u->rbuf, have);
	}
	n = recv(fd, sim_buf + have, SIM_READ_MAX, 0);
	now = lg_now();
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (lg.udp) {
		if (n > 0)
			sim_frames(u, sim_buf, n, now);
		return;			/* ICMP errors: the retry covers */
	}
	if (n <= 0 || sim_frames(u, sim_buf, have + n, now) == -1)
		sim_lost(u, now);
}

/*
 * Close the unit's connection as if it were lost (--scenario storm's
 * reconnect wave); it comes back with the normal back-off and resends
 * what is outstanding. 1 if there was a connection to close.
 */
int
sim_drop(struct unit *u, uint64_t now)
{
	if (lg.udp || u->state != UNIT_UP)
		return (0);
	sim_lost(u, now);
	return (1);
}

/* Sending stopped: idle units stop their heartbeat timers. */
void
sim_drain(void)
{
	uint32_t	 i;

	for (i = 0; i < lg.units; i++) {
		if (lg.unit[i].out == OUT_NONE && !lg.unit[i].waiting)
			wheel_del(&lg.unit[i]);
	}
}

/* Count what never got through. */
void
sim_finish(void)
{
	struct unit	*u;
	uint32_t	 i;

	lg.st.unacked = lg.st.unsent = 0;
	for (i = 0; i < lg.units; i++) {
		u = &lg.unit[i];
		if (u->out == OUT_EVENT) {
			if (u->out_sent)
				lg.st.unacked++;
			else
				lg.st.unsent++;
		}
		lg.st.unsent += u->queued;
	}
}

void
sim_free(void)
{
	uint32_t	 i;

	if (lg.unit == NULL)
		return;
	for (i = 0; i < lg.units; i++) {
		sim_close(&lg.unit[i]);
		event_free(lg.unit[i].ev);
	}
	free(lg.unit);
	lg.unit = NULL;
}
