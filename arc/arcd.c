/*
 * arcd.c -- the alarm receiving daemon: options, the wiring of every
 * layer (the only file that names them all and sets every hook), the
 * loop, signals and an orderly stop. Crash-only: a SIGKILL at any moment
 * loses nothing that was acknowledged, so a restart is a normal start.
 *
 *	arcd [-dnv] [-f arc.conf] [-D database] [-L proto=addr:port]...
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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arc.h"

#define ARCD_HEAD_MS	(3600 * 1000)	/* the audit head is logged hourly */

static struct event_base	*base;
static int			 arcd_quit;
static int64_t			 arcd_head_at;	/* mono ms, last logged */
static struct db_keyfile	 arcd_keys;	/* opens sealed unit keys */

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: arcd [-dnv] [-f arc.conf] [-D database] "
	    "[-L proto=addr:port]...\n"
	    "       proto: dc09-tcp, dc09-udp, metrics, console\n");
	exit(1);
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
		log_notice("SIGHUP: reading unit and card changes");
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

static void
arcd_options(int argc, char **argv, struct config *cfg, int *foreground,
    int *check, int *verbose)
{
	const char	*conf = NULL, *dbpath = NULL;
	char		*cause = NULL, *listen[CONFIG_MAX_LISTEN];
	int		 ch, nlisten = 0, i;

	while ((ch = getopt(argc, argv, "dnvf:D:L:")) != -1) {
		switch (ch) {
		case 'd':
			*foreground = 1;
			break;
		case 'n':
			*check = 1;
			break;
		case 'v':
			(*verbose)++;
			break;
		case 'f':
			conf = optarg;
			break;
		case 'D':
			dbpath = optarg;
			break;
		case 'L':
			if (nlisten == CONFIG_MAX_LISTEN)
				fatalx("too many -L options");
			listen[nlisten++] = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	config_defaults(cfg);
	if (conf != NULL && config_load(cfg, conf, &cause) != 0)
		fatalx("%s", cause);
	if (dbpath != NULL &&
	    strlcpy(cfg->database, dbpath, sizeof cfg->database) >=
	    sizeof cfg->database)
		fatalx("-D %s: path too long", dbpath);
	if (nlisten > 0)
		cfg->nlisten = 0;	/* -L replaces the config's listeners */
	for (i = 0; i < nlisten; i++)
		if (config_add_listen(cfg, listen[i], &cause) != 0)
			fatalx("-L %s", cause);
	if (config_check(cfg, &cause) != 0)
		fatalx("%s", cause);
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

static void
arcd_start(const struct config *cfg)
{
	struct alarmio_hooks	 hooks = {
		.alarm = push_alarm,
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
	if (alarmload(rdb, &cause) != 0)
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
	struct config	 cfg;
	struct event	*sigs[4], *tick;
	struct timeval	 tv = { 1, 0 };
	int		 signos[4] = { SIGINT, SIGTERM, SIGHUP, 0 };
	int		 foreground = 0, check = 0, verbose = 0, i;

	umask(077);		/* the database, its WAL: nobody else's */
	log_init("arcd", 1, 0);
	arcd_options(argc, argv, &cfg, &foreground, &check, &verbose);
	if (check) {
		config_print(&cfg, stdout);
		fprintf(stderr, "configuration OK\n");
		return (0);
	}
	log_init("arcd", foreground, verbose);
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
	arcd_start(&cfg);
	tick = event_new(base, -1, EV_PERSIST, arcd_tick_cb, NULL);
	event_add(tick, &tv);
	log_notice("running, database %s", cfg.database);
	arcd_loop();
	event_free(tick);
	arcd_stop();
	for (i = 0; signos[i] != 0; i++)
		event_free(sigs[i]);
	event_base_free(base);
	log_notice("stopped");
	return (0);
}
