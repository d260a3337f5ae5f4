/*
 * arcd.c -- the alarm receiving daemon: options, the wiring of every
 * layer (the only file that names them all and sets every hook), the
 * loop, signals and an orderly stop. Crash-only: a SIGKILL at any moment
 * loses nothing that was acknowledged, so a restart is a normal start.
 *
 *	arcd [-dFnv] [-f arc.conf] [-D database] [-L proto=addr:port]...
 *
 * Logs go to stderr with -d, or with -F when stderr is a terminal;
 * otherwise to syslog (daemon facility). SIGHUP reads arc.conf again
 * (config_apply says which keys a running arcd takes) and the unit and
 * card changes in the database.
 *
 * The loop runs one turn at a time: the clock is read once per turn, and
 * at the end of each turn the free operators get offers and the
 * supervisors the operators view, once (dirty flags, as tmux redraws).
 *
 * Built twice: arcd, and arcd-test (-DARC_TEST) whose metrics listener
 * also answers, to loopback peers only, /test/clock?advance=MS (move the
 * clock forward and run the tick: supervision, offers, holds and grace
 * periods are tested without waiting) and /test/fail-alarms?n=N (the
 * store fails the next N requests that write alarm rows).
 *
 * Thread: the network thread (main); it starts the store writer, the
 * checkpointer and the reader worker (commit.c, lookup.c).
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arc.h"

#define ARCD_HEAD_MS	(3600 * 1000)	/* the audit head is logged hourly */

static struct event_base	*base;
static struct config		 arcd_cfg;	/* running; modules borrow it */
static const char		*arcd_conf;	/* -f, read again on SIGHUP */
static const char		*arcd_dbpath;	/* -D */
static const char		*arcd_listens[CONFIG_MAX_LISTEN];	/* -L */
static int			 arcd_nlistens;
static int			 arcd_quit;
static int64_t			 arcd_head_at;	/* mono ms, last logged */
static struct db_keyfile	 arcd_keys;	/* opens sealed unit keys */

static void	 arcd_reload(void);

static const struct option arcd_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* --help: the options on stdout, exit 0; a bad command line: stderr, 1. */
static void __attribute__((noreturn))
usage(int help)
{
	FILE	*f = help ? stdout : stderr;

	fprintf(f, "usage: arcd [-dFnv] [-f arc.conf] [-D database] "
	    "[-L proto=addr:port]...\n");
	if (help)
		fprintf(f, "\n"
		    "  -d          debug: stay in the foreground, log to stderr\n"
		    "  -F          stay in the foreground (systemd); log to "
		    "syslog,\n"
		    "              or to stderr if it is a terminal\n"
		    "  -n          check the configuration, print what arcd "
		    "would listen\n"
		    "              on and its settings, and exit\n"
		    "  -v          more verbose logs (again: debug)\n"
		    "  -f file     arc.conf (read again on SIGHUP)\n"
		    "  -D file     the database (instead of arc.conf's)\n"
		    "  -L p=a:p    listen (replaces arc.conf's listen lines); "
		    "p is\n"
		    "              dc09-tcp, dc09-udp, metrics or console\n"
		    "  --help, --version\n"
		    "\nSee arcd(8) and arc.conf(5).\n");
	else
		fprintf(f, "       proto: dc09-tcp, dc09-udp, metrics, "
		    "console; arcd --help\n");
	exit(help ? 0 : 1);
}

/*
 * The audit chain's head, logged at start, stop and hourly: a copy kept
 * outside the database (syslog) to compare with arcctl audit verify
 * --head SEQ:HEX, for when the database was rolled back, head and all.
 * The store's copy: no SQLite on the loop.
 */
static void
arcd_audit_head(const char *when)
{
	uint8_t	 hash[DB_AUDIT_HASH];
	char	 hex[17];
	int64_t	 seq;
	int	 i;

	commit_audit_head(&seq, hash);
	for (i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02x", hash[i]);
	log_notice("audit head: seq %lld hash %s (%s)", (long long)seq, hex,
	    when);
	arcd_head_at = clock_mono();
}

/* The once-a-second work of every layer. */
static void
arcd_tick(void)
{
	ingest_tick();
	alarmio_tick();
	session_tick();
	login_tick();
	refresh_tick();
	source_sweep();
	escalate_tick();
	pagecmd_tick();
	mqtt_tick();
	if (clock_mono() - arcd_head_at >= ARCD_HEAD_MS)
		arcd_audit_head("hourly");
}

static void
arcd_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	arcd_tick();
}

static void
arcd_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	(void)arg;
	if (sig == SIGHUP) {
		log_notice("SIGHUP: reading the configuration, unit and "
		    "card changes");
		arcd_reload();
		refresh_tick();
		return;
	}
	log_notice("signal %d: stopping", (int)sig);
	arcd_quit = 1;
	event_base_loopbreak(base);
}

#ifdef ARC_TEST
/* /test/clock?advance=MS: time passes at once. */
static int
arcd_test_clock(const char *query)
{
	long long	 ms;

	if (sscanf(query, "advance=%lld", &ms) != 1 || ms <= 0)
		return (-1);
	clock_advance(ms);
	log_notice("test: clock advanced %lld ms", ms);
	arcd_tick();
	return (0);
}

/* /test/fail-alarms?n=N: the next N alarm writes fail. */
static int
arcd_test_fail(const char *query)
{
	int	 n;

	if (sscanf(query, "n=%d", &n) != 1 || n < 0)
		return (-1);
	commit_fail_alarms(n);
	log_notice("test: the next %d alarm writes fail", n);
	return (0);
}
#endif

/* Hold as many descriptors as the hard limit allows. */
static void
arcd_raise_nofile(void)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			log_warn("arcd: setrlimit");
	}
}

/*
 * The configuration from arc.conf and the command line (-D, -L win),
 * checked: 0, or -1 and *cause. At start-up and on each SIGHUP.
 */
static int
arcd_config_read(struct config *cfg, char **cause)
{
	char	*why = NULL;
	int	 i;

	config_defaults(cfg);
	if (arcd_conf != NULL && config_load(cfg, arcd_conf, cause) != 0)
		return (-1);
	if (arcd_dbpath != NULL &&
	    strlcpy(cfg->database, arcd_dbpath, sizeof cfg->database) >=
	    sizeof cfg->database) {
		xasprintf(cause, "-D %s: path too long", arcd_dbpath);
		return (-1);
	}
	if (arcd_nlistens > 0)
		cfg->nlisten = 0;	/* -L replaces the config's listeners */
	for (i = 0; i < arcd_nlistens; i++) {
		if (config_add_listen(cfg, arcd_listens[i], &why) != 0) {
			xasprintf(cause, "-L %s", why);
			free(why);
			return (-1);
		}
	}
	return (config_check(cfg, cause));
}

/*
 * SIGHUP: arc.conf again. A file that does not load or check changes
 * nothing (said, with its line, and counted); otherwise the keys a
 * running arcd can take are applied and those that need a restart named.
 */
static void
arcd_reload(void)
{
	struct config	 nc;
	char		*cause = NULL, changed[512], restart[512];

	if (arcd_conf == NULL) {
		log_notice("reload: no configuration file (-f)");
		return;
	}
	if (arcd_config_read(&nc, &cause) != 0) {
		COUNT(C_CONFIG_RELOAD_FAILED);
		log_warnx("reload: %s; the running configuration is kept",
		    cause);
		free(cause);
		return;
	}
	COUNT(C_CONFIG_RELOADS);
	config_apply(&arcd_cfg, &nc, changed, restart, sizeof changed);
	alarmio_reload(&arcd_cfg);
	ingest_reload(&arcd_cfg);
	source_init(&arcd_cfg);
	login_reload(&arcd_cfg);
	device_timeouts(&arcd_cfg);
	log_notice("reload: %s: %s", arcd_conf,
	    changed[0] != '\0' ? changed : "no change");
	if (restart[0] != '\0')
		log_warnx("reload: %s changed: takes a restart, the running "
		    "values are kept", restart);
}

/* What -n prints: where arcd would listen, then arc.conf as it runs. */
static void
arcd_check(const struct config *cfg)
{
	static const char	*what[LISTEN_KIND_MAX] = {
		[LISTEN_DC09_TCP] = "TCP: DC-09 from units",
		[LISTEN_DC09_UDP] = "UDP: DC-09 from units",
		[LISTEN_METRICS] = "TCP: HTTP /metrics, /healthz",
		[LISTEN_CONSOLE] = "TCP: TLS, arc-console",
	};
	const struct listen_spec	*ls;
	size_t				 i;

	printf("# arcd would listen on:\n");
	for (i = 0; i < cfg->nlisten; i++) {
		ls = &cfg->listen[i];
		printf("#   %-9s %-22s %s\n", listen_kind_name(ls->kind),
		    ls->text, what[ls->kind]);
	}
	printf("# and use the database %s\n", cfg->database);
	config_print(cfg, stdout);
	fprintf(stderr, "%s: configuration OK\n",
	    arcd_conf != NULL ? arcd_conf : "arcd");
}

static void
arcd_options(int argc, char **argv, int *debug, int *foreground,
    int *check, int *verbose)
{
	int	 ch;

	while ((ch = getopt_long(argc, argv, "dFnvf:D:L:", arcd_longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'd':
			*debug = *foreground = 1;
			break;
		case 'F':
			*foreground = 1;
			break;
		case 'n':
			*check = 1;
			break;
		case 'v':
			(*verbose)++;
			break;
		case 'f':
			arcd_conf = optarg;
			break;
		case 'D':
			arcd_dbpath = optarg;
			break;
		case 'L':
			if (arcd_nlistens == CONFIG_MAX_LISTEN)
				fatalx("too many -L options");
			arcd_listens[arcd_nlistens++] = optarg;
			break;
		case 'h':
			usage(1);
		case 'V':
			printf("arcd %s\n", ARC_VERSION);
			exit(0);
		default:
			usage(0);
		}
	}
	if (optind != argc)
		usage(0);
}

static void
arcd_listen(const struct config *cfg)
{
	const struct listen_spec	*ls;
	char				*cause = NULL;
	size_t				 i;
	int				 rc = 0;

	for (i = 0; i < cfg->nlisten && rc == 0; i++) {
		ls = &cfg->listen[i];
		switch (ls->kind) {
		case LISTEN_DC09_TCP:
			rc = listen_open(base, cfg, ls, &cause);
			break;
		case LISTEN_DC09_UDP:
			rc = udp_open(base, ls, &cause);
			break;
		case LISTEN_METRICS:
			rc = metrics_listen(base, ls, &cause);
			break;
		case LISTEN_CONSOLE:
			rc = session_listen(base, cfg, ls, &cause);
			break;
		default:
			break;
		}
	}
	if (rc != 0)
		fatalx("%s", cause);
}

/* The key file beside the database, made if missing, refused if loose. */
static void
arcd_keyfile(const struct config *cfg)
{
	char	 path[sizeof arcd_keys.path], *cause = NULL;
	int	 rc;

	if (db_keyfile_path(cfg->database, path, sizeof path) == -1)
		fatalx("%s: path too long", cfg->database);
	if ((rc = db_keyfile_make(path, &cause)) == -1)
		fatalx("%s", cause);
	if (rc == 0)
		log_notice("%s: new key file; back it up with the database",
		    path);
	if (db_keyfile_load(path, &arcd_keys, &cause) == -1)
		fatalx("%s", cause);
	refresh_keyfile(&arcd_keys);
	refresh_set_unlock(login_unlock);
}

/* A shown alarm changed: to the consoles, and out to integrations. */
static void
arcd_alarm(const struct alarm *a, int whole)
{
	push_alarm(a, whole);
	mqttout_alarm(a);
}

/* The broker link is up: units' and responders' topics again. */
static void
arcd_mqtt_up(void)
{
	mqttunit_up();
	pager_up();
}

static void
arcd_mqtt_message(const char *topic, const void *payload, size_t len)
{
	if (!pager_message(topic, payload, len))
		mqttunit_message(topic, payload, len);
}

/* The broker link went up or down: every console's figures say so. */
static void
arcd_mqtt_changed(void)
{
	session_broadcast(json_pack("{s:s, s:o}", "type", "stats", "stats",
	    alarmio_stats_json()));
}

static void
arcd_start(const struct config *cfg)
{
	struct alarmio_hooks	 hooks = {
		.alarm = arcd_alarm,
		.event = push_event,
		.note = push_note,
		.broadcast = session_broadcast,
		.reply = session_reply_tag,
		.offer = push_offer,
		.lost = push_lost,
	};
	struct session_hooks	 shooks = {
		.line = request_line,
	};
	struct mqtt_hooks	 mhooks = {
		.up = arcd_mqtt_up,
		.message = arcd_mqtt_message,
		.changed = arcd_mqtt_changed,
	};
	struct escalate_hooks	 ehooks = {
		.page = pager_page,
		.withdraw = pager_withdraw,
		.changed = push_ladder,
		.alert = push_alert,
	};
	struct db		*rdb;
	char			*cause = NULL;

	rdb = db_open(cfg->database, DB_CREATE | DB_MIGRATE, &cause);
	if (rdb == NULL)
		fatalx("%s: %s", cfg->database, cause);
	arcd_keyfile(cfg);
	if (commit_start(base, cfg->database, &cause) != 0 ||
	    lookup_start(base, cfg->database, &cause) != 0 ||
	    ingest_start(cfg, rdb, &cause) != 0 ||
	    refresh_load(rdb, &cause) != 0)
		fatalx("%s: %s", cfg->database, cause);
	alarmio_start(cfg, &hooks);
	escalate_init(cfg, &ehooks);
	if (alarmload(rdb, &cause) != 0 || ladderio_load(rdb, &cause) != 0)
		fatalx("%s: %s", cfg->database, cause);
	db_close(rdb);		/* from here on the loop reads no SQLite */
	log_notice("ingest: %zu units, %zu frames in the dedupe window, %zu "
	    "client cards", unit_count(), dedupe_count(), card_count());
	dc09_init(cfg);
	source_init(cfg);
	device_init(base, cfg, listen_closed);
#ifdef ARC_TEST
	metrics_route("/test/clock", arcd_test_clock);
	metrics_route("/test/fail-alarms", arcd_test_fail);
#endif
	login_init(cfg);
	session_hooks(&shooks);
	arcd_listen(cfg);
	mqttunit_init(cfg);
	mqttout_init(cfg);
	pagecmd_init(cfg);
	if (mqtt_start(base, cfg, &mhooks, &cause) != 0)
		fatalx("%s", cause);
	arcd_audit_head("start");
	commit_audit("arcd", "start", "", "");
}

static void
arcd_stop(void)
{
	alarmio_quiesce();
	ingest_flush();
	commit_audit("arcd", "stop", "", "");
	commit_stop();		/* write and ACK what is queued */
	arcd_audit_head("stop");
	lookup_stop();
	session_close_all();
	mqtt_stop();
	pagecmd_stop();
	escalate_stop();
	login_free();
	device_close_all();
	udp_close_all();
	listen_close();
	metrics_close();
	metrics_log();
	alarmio_stop();
	ingest_stop();
	refresh_free();
	source_free_all();
	db_keyfile_clear(&arcd_keys);
}

/* One turn at a time; the end of each turn pushes what changed, once. */
static void
arcd_loop(void)
{
	while (!arcd_quit) {
		if (event_base_loop(base, EVLOOP_ONCE) == -1)
			fatalx("event_base_loop failed");
		alarmio_turn();
		push_turn();
		clock_turn();
	}
}

int
main(int argc, char **argv)
{
	struct event	*sigs[4], *tick;
	struct timeval	 tv = { 1, 0 };
	int		 signos[4] = { SIGINT, SIGTERM, SIGHUP, 0 };
	int		 debug = 0, foreground = 0, check = 0, verbose = 0, i;
	char		*cause = NULL;

	umask(077);		/* the database, its WAL: nobody else's */
	log_init("arcd", 1, 0);
	arcd_options(argc, argv, &debug, &foreground, &check, &verbose);
	if (arcd_config_read(&arcd_cfg, &cause) != 0)
		fatalx("%s", cause);
	if (check) {
		arcd_check(&arcd_cfg);
		return (0);
	}
	log_init("arcd", debug || (foreground && isatty(STDERR_FILENO)),
	    verbose);
	if (!foreground && daemon(1, 0) == -1)
		fatal("daemon");
	signal(SIGPIPE, SIG_IGN);
	arcd_raise_nofile();
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	for (i = 0; signos[i] != 0; i++) {
		sigs[i] = evsignal_new(base, signos[i], arcd_signal_cb, NULL);
		evsignal_add(sigs[i], NULL);
	}
	arcd_start(&arcd_cfg);
	tick = event_new(base, -1, EV_PERSIST, arcd_tick_cb, NULL);
	event_add(tick, &tv);
	log_notice("running, database %s", arcd_cfg.database);
	arcd_loop();
	event_free(tick);
	arcd_stop();
	for (i = 0; signos[i] != 0; i++)
		event_free(sigs[i]);
	event_base_free(base);
	log_notice("stopped");
	return (0);
}
