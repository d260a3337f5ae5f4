/*
 * console.c -- arc-console: options, the event loop, and the TLS
 * connection to arcd's console listener with reconnects (1 s doubling to
 * 30 s), except after the server said this session was taken over
 * ("replaced"): then only when the operator presses R. Lines (up to the
 * hello's line_max; a longer one is skipped to its newline and said so)
 * go to client.c; the screen is ui.c's, keys go to ui_key.c, which says
 * whether to redraw, reconnect or quit; those are done here. The top of
 * the console: nothing calls back into it. One thread.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "runtime.h"
#include "console.h"

#define CONSOLE_BACKOFF_MAX	30	/* s */
#define CONSOLE_TICK_MS		200

static void	console_connect(struct console *);
static void	console_drop(struct console *, const char *);

static const struct option console_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* --help: stdout, exit 0; a bad command line: stderr, exit 1. */
static __attribute__((noreturn)) void
usage(int help)
{
	FILE	*f = help ? stdout : stderr;

	fprintf(f, "usage: arc-console [-k] [-C cafile] [-u login] "
	    "[-p password-file] host:port\n");
	if (help)
		fprintf(f, "\n"
		    "  -C cafile   trust this CA (default: the system's)\n"
		    "  -k          do not verify the certificate (tests "
		    "only)\n"
		    "  -u login    the login (else asked)\n"
		    "  -p file     read the password from a file (else "
		    "asked)\n"
		    "  --help, --version\n"
		    "\nIn the console, ? shows every key. See "
		    "arc-console(1).\n");
	exit(help ? 0 : 1);
}

/* UTC wall time in ms: the protocol's clock. */
int64_t
console_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static void
console_quit(struct console *con)
{
	event_base_loopbreak(con->base);
}

static void
console_send(const char *buf, size_t len, void *arg)
{
	struct console	*con = arg;

	if (con->bev != NULL)
		bufferevent_write(con->bev, buf, len);
}

static void
console_reap_cb(evutil_socket_t fd, short events, void *arg)
{
	(void)fd;
	(void)events;
	bufferevent_free(arg);
}

/*
 * Lose the connection (never freed inside its own callback) and retry,
 * unless the session was taken over: then the operator decides.
 */
static void
console_drop(struct console *con, const char *why)
{
	struct timeval	 tv = { 0, 0 };
	int64_t		 now = console_now();
	int		 replaced = con->client->replaced;

	if (con->bev != NULL) {
		bufferevent_disable(con->bev, EV_READ | EV_WRITE);
		bufferevent_setcb(con->bev, NULL, NULL, NULL, NULL);
		event_base_once(con->base, -1, EV_TIMEOUT, console_reap_cb,
		    con->bev, &tv);
		con->bev = NULL;
	}
	con->skipping = 0;
	if (replaced)
		;			/* client.c said what happened */
	else if (con->client->state >= CLIENT_HELLO)
		client_message(con->client, 1, now, "connection lost: %s",
		    why);
	else
		client_message(con->client, 1, now, "cannot connect: %s",
		    why);
	client_disconnected(con->client, now);
	if (replaced) {
		con->retry_at = 0;
		return;
	}
	tv.tv_sec = con->backoff;
	con->retry_at = now + con->backoff * 1000;
	con->backoff *= 2;
	if (con->backoff > CONSOLE_BACKOFF_MAX)
		con->backoff = CONSOLE_BACKOFF_MAX;
	evtimer_add(con->retry_ev, &tv);
	con->addr_index++;
}

/* A line past line_max: say so once it is known, skip to its newline. */
static void
console_skip(struct console *con, struct evbuffer *in, int64_t now)
{
	struct evbuffer_ptr	 eol;

	if (!con->skipping) {
		con->skipping = 1;
		con->long_lines++;
		client_message(con->client, 1, now, "a message longer than %zu "
		    "bytes was skipped", con->client->line_max);
	}
	eol = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);
	if (eol.pos < 0) {
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	evbuffer_drain(in, (size_t)eol.pos + 1);
	con->skipping = 0;
}

/* One line, without its newline, to client.c; 0 if there is none yet. */
static int
console_line(struct console *con, struct evbuffer *in, int64_t now)
{
	struct evbuffer_ptr	 eol;
	char			*line;
	size_t			 len, max = con->client->line_max;
	int			 r;

	if (con->skipping) {
		console_skip(con, in, now);
		return (!con->skipping);
	}
	eol = evbuffer_search_eol(in, NULL, NULL, EVBUFFER_EOL_LF);
	if ((eol.pos < 0 && evbuffer_get_length(in) > max) ||
	    (eol.pos >= 0 && (size_t)eol.pos > max)) {
		console_skip(con, in, now);
		return (!con->skipping);
	}
	if (eol.pos < 0 ||
	    (line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF)) == NULL)
		return (0);
	r = client_input(con->client, line, len, now);
	free(line);
	if (r == -1)
		console_drop(con, "malformed message");
	else if (con->client->replaced)
		console_drop(con, "logged in elsewhere");
	return (con->bev != NULL);
}

static void
console_read_cb(struct bufferevent *bev, void *arg)
{
	struct console		*con = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	int64_t			 now = console_now();

	while (console_line(con, in, now)) {
		if (con->client->state == CLIENT_READY)
			con->backoff = 1;
	}
	ui_draw(con->ui, now);
}

static const char *
console_ssl_error(struct bufferevent *bev)
{
	static char	 buf[160];
	unsigned long	 e;

	if ((e = bufferevent_get_openssl_error(bev)) == 0) {
		if (errno != 0)
			return (strerror(errno));
		return ("closed by the server");
	}
	ERR_error_string_n(e, buf, sizeof buf);
	return (buf);
}

static void
console_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct console	*con = arg;
	int64_t		 now = console_now();

	if (what & BEV_EVENT_CONNECTED) {
		con->retry_at = 0;
		client_connected(con->client, now);
		ui_draw(con->ui, now);
		return;
	}
	if (what & BEV_EVENT_EOF)
		console_drop(con, "closed by the server");
	else if (what & BEV_EVENT_ERROR)
		console_drop(con, console_ssl_error(bev));
	ui_draw(con->ui, now);
}

/* Start one connection attempt; failures come back through console_drop. */
static void
console_connect(struct console *con)
{
	struct addrinfo	 hints, *res, *ai;
	SSL		*ssl;
	X509_VERIFY_PARAM *param;
	int		 e, n, i;

	client_connecting(con->client);
	con->retry_at = 0;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((e = getaddrinfo(con->host, con->port, &hints, &res)) != 0) {
		console_drop(con, gai_strerror(e));
		return;
	}
	for (n = 0, ai = res; ai != NULL; ai = ai->ai_next)
		n++;
	for (i = 0, ai = res; i < con->addr_index % n; i++)
		ai = ai->ai_next;

	if ((ssl = SSL_new(con->ctx)) == NULL)
		fatalx("console: SSL_new failed");
	if (!con->insecure) {
		param = SSL_get0_param(ssl);
		if (X509_VERIFY_PARAM_set1_ip_asc(param, con->host) != 1) {
			SSL_set_tlsext_host_name(ssl, con->host);
			if (!SSL_set1_host(ssl, con->host))
				fatalx("console: SSL_set1_host failed");
		}
	}
	con->bev = bufferevent_openssl_socket_new(con->base, -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING,
	    BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
	if (con->bev == NULL)
		fatalx("console: cannot create a TLS connection");
	bufferevent_setcb(con->bev, console_read_cb, NULL, console_event_cb,
	    con);
	bufferevent_enable(con->bev, EV_READ | EV_WRITE);
	errno = 0;
	if (bufferevent_socket_connect(con->bev, ai->ai_addr,
	    ai->ai_addrlen) == -1) {
		freeaddrinfo(res);
		console_drop(con, errno ? strerror(errno) : "connect failed");
		return;
	}
	freeaddrinfo(res);
}

static void
console_retry_cb(evutil_socket_t fd, short events, void *arg)
{
	struct console	*con = arg;

	(void)fd;
	(void)events;
	console_connect(con);
	ui_draw(con->ui, console_now());
}

static void
console_tick_cb(evutil_socket_t fd, short events, void *arg)
{
	struct console	*con = arg;
	int64_t		 now = console_now();

	(void)fd;
	(void)events;
	if (con->bev != NULL && client_tick(con->client, now) == -1)
		console_drop(con, "the server does not answer");
	ui_draw(con->ui, now);
}

/* R: connect now, whether waiting for a retry or told "replaced". */
static void
console_reconnect(struct console *con)
{
	if (con->bev != NULL)
		return;			/* connected, or on the way */
	evtimer_del(con->retry_ev);
	con->backoff = 1;
	console_connect(con);
}

static void
console_stdin_cb(evutil_socket_t fd, short events, void *arg)
{
	struct console	*con = arg;
	int64_t		 now = console_now();

	(void)fd;
	(void)events;
	switch (ui_key_input(con->ui, now)) {
	case UI_KEY_QUIT:
		console_quit(con);
		return;
	case UI_KEY_RECONNECT:
		console_reconnect(con);
		break;
	case UI_KEY_REDRAW:
		break;
	}
	ui_draw(con->ui, now);
}

static void
console_signal_cb(evutil_socket_t sig, short events, void *arg)
{
	struct console	*con = arg;

	(void)events;
	if (sig == SIGWINCH)
		ui_resize(con->ui, console_now());
	else
		console_quit(con);
}

static SSL_CTX *
console_tls(int insecure, const char *cafile)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		fatalx("console: SSL_CTX_new failed");
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (insecure) {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
		return (ctx);
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (cafile != NULL) {
		if (!SSL_CTX_load_verify_locations(ctx, cafile, NULL)) {
			fprintf(stderr, "arc-console: %s: cannot load the CA "
			    "certificates\n", cafile);
			exit(1);
		}
	} else if (!SSL_CTX_set_default_verify_paths(ctx))
		fatalx("console: no system certificate store");
	return (ctx);
}

/* The password is the first line of the file. */
static char *
console_read_password(const char *path)
{
	FILE	*f;
	char	 buf[1024];
	size_t	 len;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "arc-console: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if (fgets(buf, sizeof buf, f) == NULL)
		buf[0] = '\0';
	fclose(f);
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	if (len == 0) {
		fprintf(stderr, "arc-console: %s: empty password file\n", path);
		exit(1);
	}
	return (xstrdup(buf));
}

static void
console_split(struct console *con, const char *arg)
{
	const char	*colon = strrchr(arg, ':');
	size_t		 hlen;

	if (colon == NULL || colon == arg || colon[1] == '\0')
		usage(0);
	hlen = colon - arg;
	if (arg[0] == '[' && colon[-1] == ']') {	/* [::1]:7010 */
		arg++;
		hlen -= 2;
	}
	con->host = xmalloc(hlen + 1);
	memcpy(con->host, arg, hlen);
	con->host[hlen] = '\0';
	con->port = xstrdup(colon + 1);
}

static void
console_events(struct console *con)
{
	static const int sigs[] = { SIGWINCH, SIGTERM, SIGINT, SIGHUP };
	struct timeval	 tick = { 0, CONSOLE_TICK_MS * 1000 };
	size_t		 i;

	con->retry_ev = evtimer_new(con->base, console_retry_cb, con);
	con->tick_ev = event_new(con->base, -1, EV_PERSIST, console_tick_cb,
	    con);
	con->stdin_ev = event_new(con->base, STDIN_FILENO, EV_READ | EV_PERSIST,
	    console_stdin_cb, con);
	for (i = 0; i < 4; i++) {
		con->sig_ev[i] = evsignal_new(con->base, sigs[i],
		    console_signal_cb, con);
		evsignal_add(con->sig_ev[i], NULL);
	}
	evtimer_add(con->tick_ev, &tick);
	event_add(con->stdin_ev, NULL);
}

int
main(int argc, char **argv)
{
	struct console	 con;
	const char	*cafile = NULL, *login = NULL, *pwfile = NULL, *term;
	char		*password = NULL, *cause = NULL;
	size_t		 i;
	int		 ch, errfd;

	setlocale(LC_ALL, "");
	memset(&con, 0, sizeof con);
	while ((ch = getopt_long(argc, argv, "kC:u:p:", console_longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'k':
			con.insecure = 1;
			break;
		case 'C':
			cafile = optarg;
			break;
		case 'u':
			login = optarg;
			break;
		case 'p':
			pwfile = optarg;
			break;
		case 'h':
			usage(1);
		case 'V':
			printf("arc-console %s\n", ARC_VERSION);
			exit(0);
		default:
			usage(0);
		}
	}
	if (argc - optind != 1)
		usage(0);
	console_split(&con, argv[optind]);
	if (pwfile != NULL)
		password = console_read_password(pwfile);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "arc-console: needs a terminal\n");
		exit(1);
	}
	log_init("arc-console", 1, 0);
	signal(SIGPIPE, SIG_IGN);
	con.ctx = console_tls(con.insecure, cafile);
	if ((con.base = event_base_new()) == NULL)
		fatalx("console: event_base_new failed");
	con.client = client_new(console_send, &con);
	if (login != NULL && password != NULL)
		client_set_credentials(con.client, login, password, 0);
	freezero_str(password);
	con.backoff = 1;

	/* Before stderr goes: a terminal we cannot draw on is said. */
	if ((con.ui = ui_new(&con, login, &cause)) == NULL) {
		fprintf(stderr, "arc-console: %s\n", cause);
		exit(1);
	}
	term = getenv("TERM");
	if (term == NULL || strcmp(term, con.ui->term) != 0)
		client_message(con.client, 1, console_now(), "terminal type "
		    "'%s' unknown: drawn as %s (set TERM=xterm-256color or "
		    "vt100)", term != NULL ? term : "", con.ui->term);

	/* The screen is ours: log lines would tear it. */
	errfd = dup(STDERR_FILENO);
	if ((ch = open("/dev/null", O_WRONLY)) != -1) {
		dup2(ch, STDERR_FILENO);
		close(ch);
	}
	console_events(&con);
	console_connect(&con);
	ui_draw(con.ui, console_now());
	event_base_dispatch(con.base);

	for (i = 0; i < 4; i++)
		event_free(con.sig_ev[i]);
	event_free(con.retry_ev);
	event_free(con.tick_ev);
	event_free(con.stdin_ev);
	if (con.bev != NULL)
		bufferevent_free(con.bev);
	con.bev = NULL;
	event_base_loop(con.base, EVLOOP_NONBLOCK);	/* reap dropped ones */
	ui_free(con.ui);
	if (errfd != -1) {
		dup2(errfd, STDERR_FILENO);
		close(errfd);
	}
	client_free(con.client);
	event_base_free(con.base);
	SSL_CTX_free(con.ctx);
	free(con.host);
	free(con.port);
	return (0);
}
