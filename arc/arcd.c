/*
 * arcd.c -- the alarm receiving daemon: options, start-up, signals and
 * an orderly stop. Crash-only: a SIGKILL at any moment loses nothing that
 * was acknowledged, so a restart is a normal start.
 *
 *	arcd [-dnv] [-f arc.conf] [-D database] [-L proto=addr:port]...
 */
#include <sys/resource.h>

#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arc.h"

static struct event_base	*base;
static struct db		*rdb;		/* the loop's reader */

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: arcd [-dnv] [-f arc.conf] [-D database] "
	    "[-L proto=addr:port]...\n"
	    "       proto: dc09-tcp, dc09-udp, metrics, console\n");
	exit(1);
}

static void
arcd_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	(void)arg;
	if (sig == SIGHUP) {
		log_notice("SIGHUP: units reload on the next tick");
		return;
	}
	log_notice("signal %d: stopping", (int)sig);
	event_base_loopexit(base, NULL);
}

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
arcd_start(struct config *cfg)
{
	char	*cause = NULL;
	size_t	 i;

	rdb = db_open(cfg->database, DB_CREATE | DB_MIGRATE, &cause);
	if (rdb == NULL)
		fatalx("%s: %s", cfg->database, cause);
	device_init(base, cfg);
	if (ingest_init(base, cfg, rdb, &cause) != 0)
		fatalx("%s: %s", cfg->database, cause);
	if (alarmio_init(base, cfg, rdb, &cause) != 0)
		fatalx("%s: %s", cfg->database, cause);
	if (listen_open(base, cfg, &cause) != 0)
		fatalx("%s", cause);
	for (i = 0; i < cfg->nlisten; i++)
		if (cfg->listen[i].kind == LISTEN_CONSOLE &&
		    session_listen(base, cfg, &cfg->listen[i], rdb, &cause) != 0)
			fatalx("%s", cause);
	db_audit(rdb, "arcd", "start", NULL, NULL);
}

static void
arcd_stop(void)
{
	alarmio_quiesce();
	ingest_shutdown();	/* write and ACK what is queued */
	session_close_all();
	alarmio_shutdown();
	device_close_all();
	udp_close_all();
	listen_close();
	metrics_close();
	metrics_log();
	db_audit(rdb, "arcd", "stop", NULL, NULL);
	db_close(rdb);
}

int
main(int argc, char **argv)
{
	struct config	 cfg;
	struct event	*sigs[4];
	int		 signos[4] = { SIGINT, SIGTERM, SIGHUP, 0 };
	int		 foreground = 0, check = 0, verbose = 0, i;

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
	log_notice("running, database %s", cfg.database);
	event_base_dispatch(base);
	arcd_stop();
	for (i = 0; signos[i] != 0; i++)
		event_free(sigs[i]);
	event_base_free(base);
	log_notice("stopped");
	return (0);
}
