/*
 * echo.c -- arc-echo: the benchmark baseline. A bare libevent server that
 * answers every CR-terminated frame at once with one fixed DC-09 ACK
 * ("ACK"0000R1L1#0000[]_ts, made at start): no parsing, no storage.
 * arc-loadgen takes that ACK (account LOADGEN_ECHO_ACCT, seq 0000) as the
 * reply to whatever plain frame a unit has outstanding.
 *
 *	arc-echo -L tcp=127.0.0.1:PORT -L udp=127.0.0.1:PORT [-v]
 *
 * Port 0 picks a free port; every listener is printed to stderr as
 * "listen tcp 127.0.0.1:PORT".
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "runtime.h"
#include "loadgen.h"

#define ECHO_LISTENERS		16
#define ECHO_ACCEPTS		256	/* per wakeup */
#define ECHO_READ_MAX		65536
#define ECHO_BACKLOG		4096

/* A TCP connection: the count of ACK bytes it still owes. */
struct echo_conn {
	TAILQ_ENTRY(echo_conn)	 entry;
	int			 fd;
	int			 closing;
	int			 writing;	/* EV_WRITE wanted */
	uint64_t		 pending;
	struct event		*ev;		/* owned */
};
TAILQ_HEAD(echo_conns, echo_conn);

struct echo_listener {
	int			 fd;
	int			 udp;
	struct event		*ev;		/* owned */
};

static struct event_base	*echo_base;
static struct echo_listener	 echo_listeners[ECHO_LISTENERS];
static int			 echo_nlisteners;
static struct echo_conns	 echo_conns =
				    TAILQ_HEAD_INITIALIZER(echo_conns);
static struct echo_conns	 echo_dead = TAILQ_HEAD_INITIALIZER(echo_dead);
static struct event		*echo_reap_ev;
static struct event		*echo_resume_ev;
static uint8_t			 echo_ack[64 * 128];	/* repeated ACKs */
static size_t			 echo_ack_len;		/* one ACK */
static size_t			 echo_ack_run;		/* whole copies */
static uint8_t			 echo_buf[ECHO_READ_MAX];

static void	echo_conn_cb(evutil_socket_t, short, void *);

static const struct option echo_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* --help: stdout, exit 0; a bad command line: stderr, exit 2. */
static void __attribute__((noreturn))
echo_usage(int help)
{
	FILE	*f = help ? stdout : stderr;

	fprintf(f, "usage: arc-echo -L tcp=HOST:PORT "
	    "[-L udp=HOST:PORT ...] [-v]\n");
	if (help)
		fprintf(f, "A DC-09 receiver that ACKs every frame at once, "
		    "storing nothing:\n"
		    "arc-loadgen's baseline (see arc-loadgen(1)).\n");
	exit(help ? 0 : 2);
}

static void
echo_make_ack(void)
{
	struct dc09_msg	 msg;
	size_t		 i;

	memset(&msg, 0, sizeof msg);
	msg.token = "ACK";
	msg.seq = 0;
	msg.rcvr = "1";
	msg.pref = "1";
	msg.acct = "#" LOADGEN_ECHO_ACCT;
	msg.data = "";
	msg.ts = time(NULL);
	echo_ack_len = dc09_encode(&msg, echo_ack, sizeof echo_ack);
	if (echo_ack_len == 0)
		fatalx("cannot encode the ACK");
	echo_ack_run = sizeof echo_ack / echo_ack_len;
	for (i = 1; i < echo_ack_run; i++)
		memcpy(echo_ack + i * echo_ack_len, echo_ack, echo_ack_len);
	echo_ack_run *= echo_ack_len;
}

/* Close later, outside the connection's own callback. */
static void
echo_conn_close(struct echo_conn *c)
{
	if (c->closing)
		return;
	c->closing = 1;
	event_del(c->ev);
	TAILQ_REMOVE(&echo_conns, c, entry);
	TAILQ_INSERT_TAIL(&echo_dead, c, entry);
	event_active(echo_reap_ev, EV_TIMEOUT, 0);
}

static void
echo_conn_free(struct echo_conn *c)
{
	event_free(c->ev);
	close(c->fd);
	free(c);
}

static void
echo_reap_cb(evutil_socket_t fd, short what, void *arg)
{
	struct echo_conn	*c;

	(void)fd;
	(void)what;
	(void)arg;
	while ((c = TAILQ_FIRST(&echo_dead)) != NULL) {
		TAILQ_REMOVE(&echo_dead, c, entry);
		echo_conn_free(c);
	}
}

static void
echo_conn_want(struct echo_conn *c, int writing)
{
	short	 what = EV_READ | EV_PERSIST;

	if (c->writing == writing)
		return;
	c->writing = writing;
	if (writing)
		what |= EV_WRITE;
	event_del(c->ev);
	event_assign(c->ev, echo_base, c->fd, what, echo_conn_cb, c);
	event_add(c->ev, NULL);
}

/* Send what is owed; 0, or -1 when the connection is gone. */
static int
echo_conn_flush(struct echo_conn *c)
{
	size_t	 pos, chunk;
	ssize_t	 n;

	while (c->pending > 0) {
		pos = (echo_ack_len - c->pending % echo_ack_len) %
		    echo_ack_len;
		chunk = echo_ack_run - pos;
		if (chunk > c->pending)
			chunk = c->pending;
		n = send(c->fd, echo_ack + pos, chunk, MSG_NOSIGNAL);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n <= 0)
			return (-1);
		c->pending -= n;
	}
	echo_conn_want(c, c->pending > 0);
	return (0);
}

static size_t
echo_count_cr(const uint8_t *p, size_t len)
{
	const uint8_t	*end = p + len, *cr;
	size_t		 n = 0;

	while (p < end && (cr = memchr(p, '\r', end - p)) != NULL) {
		n++;
		p = cr + 1;
	}
	return (n);
}

static void
echo_conn_cb(evutil_socket_t fd, short what, void *arg)
{
	struct echo_conn	*c = arg;
	ssize_t			 n;

	if (what & EV_READ) {
		n = recv(fd, echo_buf, sizeof echo_buf, 0);
		if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) {
			echo_conn_close(c);
			return;
		}
		if (n > 0)
			c->pending += echo_count_cr(echo_buf, n) * echo_ack_len;
	}
	if (echo_conn_flush(c) == -1)
		echo_conn_close(c);
}

static void
echo_conn_new(int fd)
{
	struct echo_conn	*c;
	int			 one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	c = xcalloc(1, sizeof *c);
	c->fd = fd;
	c->ev = event_new(echo_base, fd, EV_READ | EV_PERSIST, echo_conn_cb,
	    c);
	if (c->ev == NULL)
		fatalx("event_new failed");
	event_add(c->ev, NULL);
	TAILQ_INSERT_TAIL(&echo_conns, c, entry);
}

/* Out of descriptors: stop accepting for 100 ms. */
static void
echo_pause(void)
{
	struct timeval	 tv = { 0, 100000 };
	int		 i;

	log_warnx("accept: out of descriptors, pausing");
	for (i = 0; i < echo_nlisteners; i++) {
		if (!echo_listeners[i].udp)
			event_del(echo_listeners[i].ev);
	}
	evtimer_add(echo_resume_ev, &tv);
}

static void
echo_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	int	 i;

	(void)fd;
	(void)what;
	(void)arg;
	for (i = 0; i < echo_nlisteners; i++) {
		if (!echo_listeners[i].udp)
			event_add(echo_listeners[i].ev, NULL);
	}
}

static void
echo_accept_cb(evutil_socket_t lfd, short what, void *arg)
{
	int	 i, fd;

	(void)what;
	(void)arg;
	for (i = 0; i < ECHO_ACCEPTS; i++) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd != -1) {
			echo_conn_new(fd);
			continue;
		}
		if (errno == EMFILE || errno == ENFILE)
			echo_pause();
		else if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("accept");
		return;
	}
}

static void
echo_udp_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sockaddr_storage	 ss;
	socklen_t		 slen;
	ssize_t			 n;
	int			 i;

	(void)what;
	(void)arg;
	for (i = 0; i < ECHO_ACCEPTS; i++) {
		slen = sizeof ss;
		n = recvfrom(fd, echo_buf, sizeof echo_buf, 0,
		    (struct sockaddr *)&ss, &slen);
		if (n == -1)
			return;
		if (memchr(echo_buf, '\r', n) != NULL)
			sendto(fd, echo_ack, echo_ack_len, MSG_DONTWAIT,
			    (struct sockaddr *)&ss, slen);
	}
}

static void
echo_print(struct echo_listener *l)
{
	struct sockaddr_storage	 ss;
	socklen_t		 slen = sizeof ss;
	char			 host[NI_MAXHOST], port[NI_MAXSERV];

	if (getsockname(l->fd, (struct sockaddr *)&ss, &slen) == -1 ||
	    getnameinfo((struct sockaddr *)&ss, slen, host, sizeof host,
	    port, sizeof port, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		fatal("getsockname");
	fprintf(stderr, ss.ss_family == AF_INET6 ? "listen %s [%s]:%s\n" :
	    "listen %s %s:%s\n", l->udp ? "udp" : "tcp", host, port);
}

static int
echo_socket(const char *spec, int udp)
{
	struct addrinfo	 hints, *res;
	char		*host, *port;
	int		 fd, error, one = 1, rcvbuf = 4 << 20;

	host = xstrdup(spec);
	if ((port = strrchr(host, ':')) == NULL)
		fatalx("-L %s: want HOST:PORT", spec);
	*port++ = '\0';
	if (host[0] == '[' && port - host >= 3 && port[-2] == ']') {
		port[-2] = '\0';
		memmove(host, host + 1, strlen(host + 1) + 1);
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((error = getaddrinfo(host, port, &hints, &res)) != 0)
		fatalx("-L %s: %s", spec, gai_strerror(error));
	fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK, 0);
	if (fd == -1)
		fatal("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (udp)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	if (bind(fd, res->ai_addr, res->ai_addrlen) == -1)
		fatal("bind %s", spec);
	if (!udp && listen(fd, ECHO_BACKLOG) == -1)
		fatal("listen %s", spec);
	freeaddrinfo(res);
	free(host);
	return (fd);
}

static void
echo_listen(const char *arg)
{
	struct echo_listener	*l;
	int			 udp;

	if (echo_nlisteners == ECHO_LISTENERS)
		fatalx("too many -L");
	if (strncmp(arg, "tcp=", 4) == 0)
		udp = 0;
	else if (strncmp(arg, "udp=", 4) == 0)
		udp = 1;
	else
		fatalx("-L %s: want tcp=HOST:PORT or udp=HOST:PORT", arg);
	l = &echo_listeners[echo_nlisteners++];
	l->udp = udp;
	l->fd = echo_socket(arg + 4, udp);
	l->ev = event_new(echo_base, l->fd, EV_READ | EV_PERSIST,
	    udp ? echo_udp_cb : echo_accept_cb, l);
	if (l->ev == NULL)
		fatalx("event_new failed");
	event_add(l->ev, NULL);
	echo_print(l);
}

static void
echo_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	(void)arg;
	event_base_loopbreak(echo_base);
}

static void
echo_nofile(void)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		fatal("getrlimit");
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		fatal("setrlimit");
}

static void
echo_free(void)
{
	struct echo_conn	*c;
	int			 i;

	echo_reap_cb(-1, 0, NULL);
	while ((c = TAILQ_FIRST(&echo_conns)) != NULL) {
		TAILQ_REMOVE(&echo_conns, c, entry);
		echo_conn_free(c);
	}
	for (i = 0; i < echo_nlisteners; i++) {
		event_free(echo_listeners[i].ev);
		close(echo_listeners[i].fd);
	}
	event_free(echo_reap_ev);
	event_free(echo_resume_ev);
}

int
main(int argc, char **argv)
{
	struct event	*sigint, *sigterm;
	int		 ch, verbose = 0;

	log_init("arc-echo", 1, 0);
	echo_nofile();
	signal(SIGPIPE, SIG_IGN);
	echo_make_ack();
	if ((echo_base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	echo_reap_ev = event_new(echo_base, -1, 0, echo_reap_cb, NULL);
	echo_resume_ev = evtimer_new(echo_base, echo_resume_cb, NULL);
	while ((ch = getopt_long(argc, argv, "L:v", echo_longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'L':
			echo_listen(optarg);
			break;
		case 'v':
			log_init("arc-echo", 1, ++verbose);
			break;
		case 'h':
			echo_usage(1);
		case 'V':
			printf("arc-echo %s\n", ARC_VERSION);
			exit(0);
		default:
			echo_usage(0);
		}
	}
	if (optind != argc || echo_nlisteners == 0)
		echo_usage(0);
	sigint = evsignal_new(echo_base, SIGINT, echo_signal_cb, NULL);
	sigterm = evsignal_new(echo_base, SIGTERM, echo_signal_cb, NULL);
	evsignal_add(sigint, NULL);
	evsignal_add(sigterm, NULL);
	event_base_dispatch(echo_base);

	echo_free();
	event_free(sigint);
	event_free(sigterm);
	event_base_free(echo_base);
	return (0);
}
