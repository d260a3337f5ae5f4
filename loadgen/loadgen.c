/*
 * loadgen.c -- arc-loadgen: main(), the options, the run's phases
 * (connect, send, drain, done) and the report.
 *
 * The top of loadgen: it starts every other file. The phase changes that
 * sim.c and console.c trigger come back here through the hooks main()
 * sets in lg (lg.begin, lg.check_done). One thread (the event loop).
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "runtime.h"
#include "loadgen.h"

static uint64_t		 loadgen_drain_end;

static const struct option loadgen_opts[] = {
	{ "target", required_argument, NULL, 't' },
	{ "mqtt", required_argument, NULL, 'M' },
	{ "mqtt-echo", no_argument, NULL, 'E' },
	{ "mqtt-per-connection", required_argument, NULL, 'G' },
	{ "responders", required_argument, NULL, 'Q' },
	{ "respond-delay", required_argument, NULL, 'Y' },
	{ "units", required_argument, NULL, 'u' },
	{ "first-account", required_argument, NULL, 'a' },
	{ "rate", required_argument, NULL, 'r' },
	{ "closed", no_argument, NULL, 'c' },
	{ "duration", required_argument, NULL, 'd' },
	{ "drain", required_argument, NULL, 'D' },
	{ "udp", no_argument, NULL, 'U' },
	{ "reconnect", no_argument, NULL, 'R' },
	{ "sources", required_argument, NULL, 's' },
	{ "key", required_argument, NULL, 'k' },
	{ "mix", required_argument, NULL, 'm' },
	{ "heartbeat", required_argument, NULL, 'H' },
	{ "retry", required_argument, NULL, 'T' },
	{ "seed", required_argument, NULL, 'S' },
	{ "acked-log", required_argument, NULL, 'l' },
	{ "json", no_argument, NULL, 'j' },
	{ "expect-all", no_argument, NULL, 'e' },
	{ "console", required_argument, NULL, 'C' },
	{ "console-login", required_argument, NULL, 'N' },
	{ "console-password-file", required_argument, NULL, 'P' },
	{ "console-urgent-only", no_argument, NULL, 'O' },
	{ "scenario", required_argument, NULL, 'Z' },
	{ "storm-spread", required_argument, NULL, 'W' },
	{ "report", required_argument, NULL, 'o' },
	{ "progress", required_argument, NULL, 'p' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* --help: stdout, exit 0; a bad command line: stderr, exit 2. */
static void __attribute__((noreturn))
loadgen_usage(int help)
{
	FILE	*f = help ? stdout : stderr;

	fprintf(f,
	    "usage: arc-loadgen --target HOST:PORT | --mqtt HOST:PORT "
	    "[--mqtt-echo]\n"
	    "\t[--mqtt-per-connection N] [--units N] "
	    "[--first-account HEX]\n"
	    "\t[--rate R | --closed] [--duration S] [--drain S] "
	    "[--udp | --reconnect]\n"
	    "\t[--sources N] [--key ascii:KEY|hex:KEY] [--mix SPEC] "
	    "[--heartbeat S]\n"
	    "\t[--retry S] [--seed N] [--acked-log FILE] [--json] "
	    "[--expect-all]\n"
	    "\t[--console HOST:PORT --console-password-file FILE "
	    "[--console-login LOGIN]\n"
	    "\t[--console-urgent-only]]\n"
	    "\t[--scenario storm|runaway|silent] [--storm-spread S]\n"
	    "\t[--report PREFIX] [--progress S]\n"
	    "\t[--responders accept=P,decline=P,ignore=P [--respond-delay S]]\n"
	    "--report: PREFIX.json (summary, each second, the latency "
	    "distribution)\n"
	    "\tand PREFIX.svg drawn with gnuplot (PREFIX.dat, PREFIX.gp)\n"
	    "--progress: a line every S s on stderr (default: 1 on a "
	    "terminal, else\n"
	    "\tnone; 0: none)\n"
	    "--console: an operator console that accepts and closes every "
	    "offer and times\n"
	    "\tframe to alarm shown; TLS WITHOUT certificate verification "
	    "(a test tool);\n"
	    "\twith --console-urgent-only it takes P1/P2 alarms only and "
	    "leaves technical\n"
	    "\talarms and incidents alone\n"
	    "mix names: pendant medical fall smoke co flood mains battery "
	    "comms tamper\n"
	    "\ttest cancel restore, or Contact ID codes EEE / QEEE; "
	    "e.g. pendant=60,mains=40\n"
	    "--scenario (persistent TCP units; the scenario picks the "
	    "events):\n"
	    "\tstorm    first half: one mains lost each within "
	    "--storm-spread S (30);\n"
	    "\t         at S+5 s every connection closes and reconnects; "
	    "last 10 %%\n"
	    "\t         press pendants at --rate; suggest --duration 60\n"
	    "\trunaway  unit 0 sends smoke every second; the others "
	    "pendants at --rate\n"
	    "\tsilent   all poll at --heartbeat S (required); the first "
	    "10 %% fall\n"
	    "\t         silent at half the duration\n"
	    "--mqtt: the units publish arc/unit/ACCOUNT/event through the "
	    "broker and wait\n"
	    "\tfor arc's ack (docs/mqtt.md), N units per connection "
	    "(default 250);\n"
	    "\t--mqtt-echo: loadgen answers them itself (the bare broker, "
	    "no arcd);\n"
	    "\twith --units 0 that is all it does, until --duration ends or "
	    "a signal\n"
	    "--responders accept=P,decline=P,ignore=P [--respond-delay S]: "
	    "with --mqtt,\n"
	    "\tplay on-call responders: answer arc's pages (percentages), "
	    "each reply\n"
	    "\tafter S s (1); an accepted page goes on to arrived, entry, "
	    "clear\n"
	    "--help, --version; see arc-loadgen(1)\n");
	exit(help ? 0 : 2);
}

static double
loadgen_number(const char *name, const char *s, double min, double max)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max ||
	    v != v)
		fatalx("--%s: bad value \"%s\"", name, s);
	return (v);
}

static void
loadgen_key(const char *s)
{
	if (dc09_key_parse(s, &lg.key) == -1)
		fatalx("--key: want ascii:KEY or hex:KEY of 16, 24 or 32 "
		    "bytes");
	lg.keyed = 1;
}

static void
loadgen_account(const char *s)
{
	char	*end;

	errno = 0;
	lg.first_account = strtoull(s, &end, 16);
	if (*s == '\0' || *end != '\0' || errno != 0 || strlen(s) > 15)
		fatalx("--first-account: want up to 15 hex digits");
}

static void
loadgen_acked_log(const char *path)
{
	if ((lg.acked_log = fopen(path, "a")) == NULL)
		fatal("%s", path);
	setvbuf(lg.acked_log, NULL, _IOFBF, 1 << 16);
}

static void
loadgen_seed(const char *s)
{
	char	*end;

	errno = 0;
	lg.seed = strtoull(s, &end, 0);
	if (*s == '\0' || *end != '\0' || errno != 0)
		fatalx("--seed: want an unsigned number");
}

/* --responders accept=70,decline=20,ignore=10: percentages, 100 in all. */
static void
loadgen_responders(const char *arg)
{
	char	*copy = xstrdup(arg), *p = copy, *w, *eq;
	double	 v, sum = 0;

	lg.responders = 1;
	while ((w = strsep(&p, ",")) != NULL) {
		if ((eq = strchr(w, '=')) == NULL)
			fatalx("--responders: want accept=P,decline=P,ignore=P");
		*eq++ = '\0';
		v = loadgen_number("responders", eq, 0, 100);
		if (strcmp(w, "accept") == 0)
			lg.respond_accept = v;
		else if (strcmp(w, "decline") == 0)
			lg.respond_decline = v;
		else if (strcmp(w, "ignore") != 0)
			fatalx("--responders: %s: accept, decline or ignore", w);
		sum += v;
	}
	free(copy);
	if (sum < 99.99 || sum > 100.01)
		fatalx("--responders: the percentages make %.1f, not 100", sum);
}

static void
loadgen_option(int ch, const char *arg)
{
	char	*cause;

	switch (ch) {
	case 't':
		lg_addr("--target", arg, &lg.target, &lg.target_len);
		break;
	case 'M':
		if (lg_host_port(arg, &lg.mqtt_host, &lg.mqtt_port) == -1)
			fatalx("--mqtt: want HOST:PORT or [v6]:PORT");
		lg.mqtt = 1;
		break;
	case 'E':
		lg.mqtt_echo = 1;
		break;
	case 'G':
		lg.mqtt_per_conn = loadgen_number("mqtt-per-connection", arg,
		    1, 100000);
		break;
	case 'Q':
		loadgen_responders(arg);
		break;
	case 'Y':
		lg.respond_delay = loadgen_number("respond-delay", arg, 0,
		    3600);
		break;
	case 'u':
		lg.units = loadgen_number("units", arg, 0, 1e6);
		break;
	case 'a':
		loadgen_account(arg);
		break;
	case 'r':
		lg.rate = loadgen_number("rate", arg, 0, 1e7);
		break;
	case 'c':
		lg.closed = 1;
		break;
	case 'd':
		lg.duration = loadgen_number("duration", arg, 0, 1e6);
		break;
	case 'D':
		lg.drain = loadgen_number("drain", arg, 0, 1e6);
		break;
	case 'U':
		lg.udp = 1;
		break;
	case 'R':
		lg.reconnect = 1;
		break;
	case 's':
		lg.sources = loadgen_number("sources", arg, 1,
		    LOADGEN_SOURCES_MAX);
		break;
	case 'k':
		loadgen_key(arg);
		break;
	case 'm':
		lg.mix_set = 1;
		if (frame_mix_parse(arg, &cause) == -1)
			fatalx("%s", cause);
		break;
	case 'H':
		lg.heartbeat = loadgen_number("heartbeat", arg, 0, 1e6);
		break;
	case 'T':
		lg.retry = loadgen_number("retry", arg, 0.001, 3600);
		break;
	case 'S':
		loadgen_seed(arg);
		break;
	case 'l':
		loadgen_acked_log(arg);
		break;
	case 'j':
		lg.json = 1;
		break;
	case 'e':
		lg.expect_all = 1;
		break;
	case 'C':
		lg.console = arg;
		break;
	case 'N':
		lg.console_login = arg;
		break;
	case 'P':
		lg.console_pwfile = arg;
		break;
	case 'O':
		lg.console_urgent_only = 1;
		break;
	case 'Z':
		if (scenario_parse(arg) == -1)
			fatalx("--scenario: want storm, runaway or silent");
		break;
	case 'o':
		if (*arg == '\0')
			fatalx("--report: want a path prefix");
		lg.report = arg;
		break;
	case 'p':
		lg.progress = loadgen_number("progress", arg, 0, 86400);
		break;
	case 'W':
		lg.storm_spread = loadgen_number("storm-spread", arg, 0.001,
		    86400);
		lg.storm_spread_set = 1;
		break;
	case 'h':
		loadgen_usage(1);
	case 'V':
		printf("arc-loadgen %s\n", ARC_VERSION);
		exit(0);
	default:
		loadgen_usage(0);
	}
}

/* What --mqtt does not do. */
static void
loadgen_mqtt_check(void)
{
	if (!lg.mqtt) {
		if (lg.mqtt_echo || lg.mqtt_per_conn != 0 || lg.responders)
			fatalx("--mqtt-echo, --mqtt-per-connection and "
			    "--responders need --mqtt");
		if (lg.units == 0)
			fatalx("--units: want 1 or more");
		return;
	}
	if (lg.udp || lg.reconnect || lg.sources > 1 || lg.keyed ||
	    lg.heartbeat > 0 || lg.console != NULL ||
	    lg.scenario != SCENARIO_NONE)
		fatalx("--mqtt does not mix with --udp, --reconnect, "
		    "--sources, --key, --heartbeat, --console or --scenario");
	if (lg.mqtt_per_conn == 0)
		lg.mqtt_per_conn = 250;
	if (lg.units == 0 && !lg.mqtt_echo && !lg.responders)
		fatalx("--units 0 only with --mqtt-echo or --responders");
	if (lg.units == 0 && lg.closed)
		fatalx("--units 0 does not mix with --closed");
	if (lg.units == 0)
		lg.rate = 0;		/* nobody to send */
}

static void
loadgen_options(int argc, char **argv)
{
	int	 ch, verbose = 0, seeded = 0;

	log_init("arc-loadgen", 1, 0);
	lg.units = 10;
	lg.rate = 10;
	lg.first_account = 0x100000;
	lg.duration = 10;
	lg.drain = 5;
	lg.sources = 1;
	lg.storm_spread = 30;
	lg.progress = -1;
	lg.respond_delay = 1;
	frame_mix_default();
	while ((ch = getopt_long(argc, argv, "v", loadgen_opts, NULL)) != -1) {
		if (ch == 'v')
			verbose++;
		if (ch == 'S')
			seeded = 1;
		if (ch != 'v')
			loadgen_option(ch, optarg);
	}
	log_init("arc-loadgen", 1, verbose);
	if (optind != argc || (lg.target_len == 0) == !lg.mqtt)
		loadgen_usage(0);
	loadgen_mqtt_check();
	if (lg.udp && lg.reconnect)
		fatalx("--udp and --reconnect do not mix");
	if (lg.console != NULL && lg.console_pwfile == NULL)
		fatalx("--console needs --console-password-file");
	if (lg.console == NULL &&
	    (lg.console_pwfile != NULL || lg.console_login != NULL ||
	    lg.console_urgent_only))
		fatalx("--console-login, --console-password-file and "
		    "--console-urgent-only need --console");
	scenario_check();
	if (lg.retry == 0)
		lg.retry = lg.udp ? 1.0 : 2.0;
	if (lg.progress < 0)
		lg.progress = isatty(STDERR_FILENO) ? 1 : 0;
	if (!seeded)
		lg.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
}

static void
loadgen_nofile(void)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		fatal("getrlimit");
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		fatal("setrlimit");
	if (!lg.udp && !lg.mqtt && rl.rlim_cur < (rlim_t)lg.units + 64)
		log_warnx("descriptor limit %llu is below --units %u",
		    (unsigned long long)rl.rlim_cur, lg.units);
}

static void
loadgen_end(void)
{
	if (lg.phase == PHASE_CONNECT)
		lg.start_us = lg_now();
	if (lg.phase == PHASE_RUN || lg.phase == PHASE_CONNECT)
		lg.run_end_us = lg_now();
	lg.phase = PHASE_DONE;
	event_base_loopbreak(lg.base);
}

/* Draining, nothing left in flight, every ACKed event shown: stop now. */
static void
loadgen_check_done(void)
{
	if (lg.phase == PHASE_DRAIN && lg.st.inflight == 0 &&
	    lg.st.queued == 0 && console_pending() == 0)
		loadgen_end();
}

/*
 * The clock starts once every persistent unit is connected (or after
 * LOADGEN_CONNECT_WAIT s), so a connection storm is not measured as ACK
 * latency; with --console, not before the console has its snapshot.
 */
static void
loadgen_begin(uint64_t now)
{
	if (lg.phase != PHASE_CONNECT || !console_ready())
		return;
	lg.phase = PHASE_RUN;
	lg.start_us = now;
	series_start(now);
	gen_start(now);
	sim_begin(now);
	scenario_begin(now);
}

static void
loadgen_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	uint64_t	 now = lg_now();

	(void)fd;
	(void)what;
	(void)arg;
	if (lg.phase == PHASE_CONNECT &&
	    now >= lg.start_us + LOADGEN_CONNECT_WAIT * 1000000ULL) {
		if (!console_ready())
			fatalx("console %s: not logged in after %d s",
			    lg.console, LOADGEN_CONNECT_WAIT);
		if (!lg.reconnect)
			log_warnx("only %llu of %u units up after %d s; "
			    "starting", (unsigned long long)lg.st.connected,
			    lg.units, LOADGEN_CONNECT_WAIT);
		loadgen_begin(now);
	}
	if (lg.phase == PHASE_RUN &&
	    now >= lg.start_us + (uint64_t)(lg.duration * 1e6)) {
		lg.phase = PHASE_DRAIN;
		lg.run_end_us = now;
		loadgen_drain_end = now + (uint64_t)(lg.drain * 1e6);
		sim_drain();
		loadgen_check_done();
	}
	if (lg.phase == PHASE_DRAIN && now >= loadgen_drain_end)
		loadgen_end();
	if (lg.phase == PHASE_DONE)
		return;
	if (lg.phase != PHASE_CONNECT)
		series_tick(now);
	progress_tick(now);
	scenario_tick(now);
	gen_tick(now);
	wheel_run(now / 1000);
	mqtt_tick(now);
}

static void
loadgen_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	(void)arg;
	log_info("signal %d: ending the run", (int)sig);
	loadgen_end();
}

/*
 * 1 if nothing at all got through (or, with --expect-all, anything not,
 * including an ACKed event the console never showed).
 */
static int
loadgen_status(void)
{
	struct loadgen_stats	*st = &lg.st;
	uint64_t		 tried;

	if (lg.units == 0)		/* --mqtt-echo alone */
		return (0);
	tried = st->sent + st->polls_sent + st->unsent + st->connect_fail;
	if (lg.udp && st->replies == 0)
		return (1);
	if (!lg.udp && st->connects == 0 && (!lg.reconnect || tried != 0))
		return (1);
	if (lg.expect_all && st->unacked + st->unsent + st->nak + st->duh +
	    mqtt_errors() != 0)
		return (1);
	if (lg.expect_all && console_enabled() &&
	    console_stats()->not_shown != 0)
		return (1);
	return (0);
}

int
main(int argc, char **argv)
{
	struct event	*tick, *sigint, *sigterm;
	struct timeval	 tv = { 0, 1000 };
	int		 status;

	lg.begin = loadgen_begin;
	lg.check_done = loadgen_check_done;
	loadgen_options(argc, argv);
	loadgen_nofile();
	signal(SIGPIPE, SIG_IGN);
	prng_seed(lg.seed);
	if ((lg.base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	lg.lat = hist_new();
	tick = event_new(lg.base, -1, EV_PERSIST, loadgen_tick_cb, NULL);
	sigint = evsignal_new(lg.base, SIGINT, loadgen_signal_cb, NULL);
	sigterm = evsignal_new(lg.base, SIGTERM, loadgen_signal_cb, NULL);
	evsignal_add(sigint, NULL);
	evsignal_add(sigterm, NULL);

	lg.start_us = lg_now();
	wheel_init(lg.start_us / 1000, sim_timer);
	series_init(lg.start_us, lg.report != NULL);
	progress_init(lg.progress, isatty(STDERR_FILENO), lg.start_us);
	sim_init();
	scenario_init(sim_arrival, sim_drop);
	lg.phase = lg.reconnect && lg.console == NULL ? PHASE_RUN :
	    PHASE_CONNECT;
	if (lg.phase == PHASE_RUN)
		gen_start(lg.start_us);
	console_init();
	sim_start();
	event_add(tick, &tv);
	event_base_dispatch(lg.base);
	if (lg.phase != PHASE_DONE)
		loadgen_end();

	series_finish(lg_now());
	progress_end();
	sim_finish();
	if (lg.report != NULL)
		report_files(lg.report);
	if (lg.json)
		report_json();
	else
		report_text();
	fflush(stdout);
	status = loadgen_status();

	if (lg.acked_log != NULL && fclose(lg.acked_log) == EOF)
		log_warn("acked log");
	sim_free();
	scenario_free();
	series_free();
	report_free();
	console_free();
	mqtt_free();
	free(lg.mqtt_host);
	event_free(tick);
	event_free(sigint);
	event_free(sigterm);
	event_base_free(lg.base);
	hist_free(lg.lat);
	explicit_bzero(&lg.key, sizeof lg.key);
	return (status);
}
