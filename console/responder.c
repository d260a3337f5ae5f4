/*
 * responder.c -- arc-responder, the on-call responder's terminal: options,
 * and the one loop that drives everything. Each turn polls the terminal
 * and the broker's socket (250 ms at most, so the countdowns tick), runs
 * the MQTT link (responder_link.c: libmosquitto driven from this loop, no
 * thread of its own, its callbacks run here), then the keys
 * (responder_ui.c) or, with --auto, the replies due (responder_auto.c),
 * and redraws when something changed or a second passed. One thread;
 * signals only set a flag. The top of the program: nothing calls back
 * into it.
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime.h"
#include "responder.h"

#define RESPONDER_TURN_MS	250

static volatile sig_atomic_t responder_quit;

static const struct option responder_longopts[] = {
	{ "auto", required_argument, NULL, 'a' },
	{ "delay", required_argument, NULL, 'd' },
	{ "cert", required_argument, NULL, 'c' },
	{ "key", required_argument, NULL, 'K' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* --help: stdout, exit 0; a bad command line: stderr, exit 1. */
static __attribute__((noreturn)) void
usage(int help)
{
	FILE	*f = help ? stdout : stderr;

	fprintf(f, "usage: arc-responder [-v] [-H host] [-p port] "
	    "[-u user] [-P password-file]\n"
	    "\t[-C cafile [--cert file --key file]] [-t prefix] "
	    "[--auto accept|decline|ignore [--delay seconds]] -i id\n");
	if (help)
		fprintf(f, "\n"
		    "  -i id       the responder id (arcctl responder list)\n"
		    "  -H host     the MQTT broker (default 127.0.0.1)\n"
		    "  -p port     its port (default 1883)\n"
		    "  -u user     the broker user name\n"
		    "  -P file     read the broker password from a file\n"
		    "  -C cafile   TLS to the broker, trusting this CA\n"
		    "  --cert file, --key file   a client certificate\n"
		    "  -t prefix   the topic prefix (default arc)\n"
		    "  --auto accept|decline|ignore   no terminal: answer "
		    "pages alone\n"
		    "  --delay s   --auto: seconds between steps (default 5)\n"
		    "  -v          --auto: log more\n"
		    "  --help, --version\n"
		    "\nKeys: a accept, d decline, r arrived, e entry, "
		    "c clear, j/k page, q quit.\nSee arc-responder(1).\n");
	exit(help ? 0 : 1);
}

static void
responder_signal(int sig)
{
	(void)sig;
	responder_quit = 1;
}

static long long
responder_number(const char *s, long long lo, long long hi, const char *opt)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "arc-responder: %s %s: not %lld-%lld\n", opt,
		    s, lo, hi);
		exit(1);
	}
	return (v);
}

static int64_t
responder_delay(const char *s)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0) ||
	    v > 3600) {
		fprintf(stderr, "arc-responder: --delay %s: not 0-3600 "
		    "seconds\n", s);
		exit(1);
	}
	return ((int64_t)(v * 1000));
}

/* --auto: send what is due, log what arc said. */
static void
responder_auto_turn(struct resp_book *b, struct resp_link *l,
    enum resp_auto m, int64_t delay, int64_t now)
{
	struct resp_page	*p;
	enum resp_action	 a;
	int64_t			 id;
	char			*cause = NULL;
	size_t			 i;

	for (i = 0; i < b->n; i++) {
		p = &b->pages[i];
		if (!p->news)
			continue;
		p->news = 0;
		log_info("page %lld alarm %lld: %s%s%s", (long long)p->id,
		    (long long)p->alarm_id, responder_book_state_name(p->state),
		    p->ack[0] != '\0' ? ": " : "", p->ack);
	}
	while (responder_link_up(l) &&
	    responder_auto_next(b, m, delay, now, &id, &a)) {
		p = responder_book_find(b, id);
		if (responder_link_reply(l, id, a, &cause) != 0) {
			log_warnx("page %lld: %s not sent: %s", (long long)id,
			    responder_msg_action_name(a), cause);
			free(cause);
			return;
		}
		responder_book_sent(p, a, now);
		log_info("page %lld alarm %lld: %s sent", (long long)id,
		    (long long)p->alarm_id, responder_msg_action_name(a));
	}
}

/* The loop, until q or a signal. */
static void
responder_loop(struct resp_book *b, struct resp_link *l, struct resp_ui *ui,
    enum resp_auto m, int64_t delay, int64_t id)
{
	struct pollfd	 pfd[2];
	int64_t		 now, wall, drawn = -1;
	char		 said[160] = "";
	int		 n, redraw = 1;

	while (!responder_quit) {
		pfd[0].fd = ui != NULL ? STDIN_FILENO : -1;
		pfd[0].events = POLLIN;
		pfd[1].fd = responder_link_fd(l, &pfd[1].events);
		pfd[0].revents = pfd[1].revents = 0;
		n = poll(pfd, 2, RESPONDER_TURN_MS);
		if (n == -1 && errno != EINTR)
			fatal("poll");
		clock_turn();
		now = clock_mono();
		wall = clock_wall();
		responder_link_run(l, n > 0 ? pfd[1].revents : 0, now);
		if (responder_link_changed(l))
			redraw = 1;
		if (ui == NULL) {
			if (strcmp(responder_link_status(l), said) != 0) {
				strlcpy(said, responder_link_status(l),
				    sizeof said);
				log_info("%s", said);
			}
			responder_auto_turn(b, l, m, delay, now);
			continue;
		}
		if ((n = responder_ui_key(ui, b, l, now)) == -1)
			break;
		if (n || redraw || wall / 1000 != drawn) {
			responder_ui_draw(ui, b, responder_link_status(l), id,
			    wall);
			drawn = wall / 1000;
			redraw = 0;
		}
	}
}

int
main(int argc, char **argv)
{
	struct resp_link_opts	 o;
	struct resp_book	 book;
	struct resp_link	*l;
	struct resp_ui		*ui = NULL;
	enum resp_auto		 m = RESP_AUTO_OFF;
	int64_t			 delay = 5000;
	char			*cause = NULL;
	int			 ch, verbose = 0;

	setlocale(LC_ALL, "");
	memset(&o, 0, sizeof o);
	o.host = "127.0.0.1";
	o.port = 1883;
	o.prefix = "arc";
	o.keepalive = 30;
	while ((ch = getopt_long(argc, argv, "C:H:i:p:P:t:u:v",
	    responder_longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			if (responder_auto_mode(optarg, &m) != 0) {
				fprintf(stderr, "arc-responder: --auto %s: "
				    "not accept, decline or ignore\n", optarg);
				exit(1);
			}
			break;
		case 'd':
			delay = responder_delay(optarg);
			break;
		case 'c':
			o.cert_file = optarg;
			break;
		case 'K':
			o.key_file = optarg;
			break;
		case 'C':
			o.ca_file = optarg;
			break;
		case 'H':
			o.host = optarg;
			break;
		case 'i':
			o.id = responder_number(optarg, 1, INT64_MAX, "-i");
			break;
		case 'p':
			o.port = (int)responder_number(optarg, 1, 65535, "-p");
			break;
		case 'P':
			o.password_file = optarg;
			break;
		case 't':
			if (*optarg == '\0' || strpbrk(optarg, "#+") != NULL ||
			    strlen(optarg) > 64) {
				fprintf(stderr, "arc-responder: -t %s: not a "
				    "topic prefix\n", optarg);
				exit(1);
			}
			o.prefix = optarg;
			break;
		case 'u':
			o.user = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(1);
		case 'V':
			printf("arc-responder %s\n", ARC_VERSION);
			exit(0);
		default:
			usage(0);
		}
	}
	if (argc != optind || o.id == 0)
		usage(0);
	if ((o.cert_file == NULL) != (o.key_file == NULL) ||
	    (o.cert_file != NULL && o.ca_file == NULL)) {
		fprintf(stderr, "arc-responder: --cert and --key go together, "
		    "with -C\n");
		exit(1);
	}
	if (m == RESP_AUTO_OFF &&
	    (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(stderr, "arc-responder: needs a terminal (or --auto)\n");
		exit(1);
	}
	log_init("arc-responder", 1, verbose + (m != RESP_AUTO_OFF));
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, responder_signal);
	signal(SIGTERM, responder_signal);
	signal(SIGHUP, responder_signal);
	responder_book_init(&book);
	book.self = o.id;
	if ((l = responder_link_new(&o, &book, &cause)) == NULL) {
		fprintf(stderr, "arc-responder: %s\n", cause);
		exit(1);
	}
	if (m == RESP_AUTO_OFF && (ui = responder_ui_open(&cause)) == NULL) {
		fprintf(stderr, "arc-responder: %s\n", cause);
		responder_link_free(l);
		exit(1);
	}
	responder_loop(&book, l, ui, m, delay, o.id);
	responder_ui_close(ui);
	responder_link_free(l);
	return (0);
}
