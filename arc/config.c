/*
 * config.c -- arc.conf (INI, parsed with inih) and -L listen specs.
 *
 *	[arcd]
 *	database = /var/lib/arc/arc.db
 *	listen = dc09-tcp=0.0.0.0:7009
 *	listen = dc09-udp=0.0.0.0:7009
 *	listen = metrics=127.0.0.1:9109
 *	max_connections = 16000
 *
 * Every key may appear once except listen and hold: a key given twice is
 * an error naming both lines (which one was meant?). Unknown sections or
 * keys are errors, named with their line: a typo must not silently keep a
 * default.
 *
 * Thread: the network thread, at start-up (and arcd -n).
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc.h"

static const char *listen_kind_names[LISTEN_KIND_MAX] = {
	[LISTEN_DC09_TCP] = "dc09-tcp",
	[LISTEN_DC09_UDP] = "dc09-udp",
	[LISTEN_METRICS] = "metrics",
	[LISTEN_CONSOLE] = "console",
};

struct config_int {
	const char	*name;
	size_t		 off;
	int		 min, max;
};

#define CI(n, lo, hi) { #n, offsetof(struct config, n), lo, hi }
static const struct config_int config_ints[] = {
	CI(max_connections, 1, 1000000),
	CI(max_per_source, 1, 1000000),
	CI(idle_timeout, 1, 7 * 86400),
	CI(dedupe_window, 10, 86400),
	CI(dedupe_window_untimed, 10, 86400),
	CI(dedupe_max, 1024, 1 << 26),
	CI(max_pending, 16, 1 << 24),
	CI(unregistered_burst, 1, 1000000),
	CI(unregistered_per_min, 1, 1000000),
	CI(unregistered_all_burst, 1, 10000000),
	CI(unregistered_all_per_min, 1, 10000000),
	CI(max_sources, 16, 10000000),
	CI(first_frame_timeout, 1, 3600),
	CI(halfclosed_timeout, 1, 3600),
	CI(console_login_timeout, 1, 300),
	CI(console_unauth_max, 1, 4096),
	CI(console_unauth_per_source, 1, 4096),
	CI(console_heartbeat, 2, 300),
	CI(max_held, 1, 1000),
	CI(login_max_fails, 1, 1000),
	CI(login_source_max_fails, 1, 100000),
	CI(login_lock, 1, 86400),
	CI(lastseen_flush, 1, 3600),
	CI(time_ahead, 0, 3600),
	CI(time_behind, 0, 3600),
	CI(console_grace, 0, 3600),
	CI(storm_units, 2, 1000000),
	CI(storm_window, 1, 86400),
	CI(storm_quiet, 1, 86400),
	CI(runaway_burst, 1, 100000),
	CI(runaway_per_min, 1, 100000),
	CI(supervision_default, 20, 90000),
	CI(supervision_grace, 1, 86400),
	CI(max_consoles, 1, 4096),
};
#define NCONFIG_INTS (sizeof config_ints / sizeof config_ints[0])

#define CONFIG_KEYS	64

struct config_parse {
	struct config	*cfg;
	char		*cause;
	int		 listen_seen;
	FILE		*f;
	int		 line;		/* inih here has no line numbers */
	struct {
		char	 name[32];
		int	 line;
	}		 seen[CONFIG_KEYS];	/* keys given once, and where */
	size_t		 nseen;
};

const char *
listen_kind_name(enum listen_kind k)
{
	if (k >= LISTEN_KIND_MAX)
		return ("unknown");
	return (listen_kind_names[k]);
}

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	strlcpy(cfg->database, "arc.db", sizeof cfg->database);
	cfg->max_connections = 16000;
	cfg->max_per_source = 4096;
	cfg->idle_timeout = 900;
	cfg->dedupe_window = 600;
	cfg->dedupe_window_untimed = 120;
	cfg->dedupe_max = 1 << 20;
	cfg->max_pending = 100000;
	cfg->unregistered_burst = 20;
	cfg->unregistered_per_min = 60;
	cfg->unregistered_all_burst = 200;
	cfg->unregistered_all_per_min = 1200;
	cfg->max_sources = 65536;
	cfg->first_frame_timeout = 30;
	cfg->halfclosed_timeout = 30;
	cfg->console_login_timeout = 10;
	cfg->console_unauth_max = 16;
	cfg->console_unauth_per_source = 4;
	cfg->console_heartbeat = 10;
	cfg->max_held = 3;
	cfg->login_max_fails = 5;
	cfg->login_source_max_fails = 20;
	cfg->login_lock = 900;
	cfg->lastseen_flush = 30;
	cfg->time_ahead = 20;
	cfg->time_behind = 40;
	cfg->console_grace = 60;
	cfg->storm_units = 50;
	cfg->storm_window = 60;
	cfg->storm_quiet = 120;
	cfg->runaway_burst = 10;
	cfg->runaway_per_min = 6;
	cfg->supervision_default = 3600;
	cfg->supervision_grace = 60;
	cfg->max_consoles = 64;
}

int
config_parse_addr(const char *s, struct sockaddr_storage *ss,
    socklen_t *sslen)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;
	char			 host[128];
	const char		*colon, *port;
	char			*end;
	long			 p;
	size_t			 hl;

	if (s[0] == '[') {
		if ((colon = strstr(s, "]:")) == NULL)
			return (-1);
		hl = colon - (s + 1);
		port = colon + 2;
		s++;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return (-1);
		hl = colon - s;
		port = colon + 1;
	}
	if (hl >= sizeof host)
		return (-1);
	memcpy(host, s, hl);
	host[hl] = '\0';
	errno = 0;
	p = strtol(port, &end, 10);
	if (*port == '\0' || *end != '\0' || errno != 0 || p < 0 || p > 65535)
		return (-1);
	memset(ss, 0, sizeof *ss);
	if (hl == 0 || strcmp(host, "*") == 0)
		strlcpy(host, "0.0.0.0", sizeof host);
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(p);
		*sslen = sizeof *sin;
		return (0);
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(p);
		*sslen = sizeof *sin6;
		return (0);
	}
	return (-1);
}

int
config_add_listen(struct config *cfg, const char *spec, char **cause)
{
	struct listen_spec	*l;
	const char		*eq;
	size_t			 i, n;

	if (cfg->nlisten == CONFIG_MAX_LISTEN) {
		xasprintf(cause, "listen %s: more than %d listeners", spec,
		    CONFIG_MAX_LISTEN);
		return (-1);
	}
	l = &cfg->listen[cfg->nlisten];
	if ((eq = strchr(spec, '=')) == NULL) {
		xasprintf(cause, "listen %s: expected proto=addr:port", spec);
		return (-1);
	}
	n = eq - spec;
	for (i = 0; i < LISTEN_KIND_MAX; i++) {
		if (strlen(listen_kind_names[i]) == n &&
		    strncmp(spec, listen_kind_names[i], n) == 0)
			break;
	}
	if (i == LISTEN_KIND_MAX) {
		xasprintf(cause, "listen %s: unknown protocol (dc09-tcp, "
		    "dc09-udp, metrics, console)", spec);
		return (-1);
	}
	l->kind = i;
	if (strlcpy(l->text, eq + 1, sizeof l->text) >= sizeof l->text ||
	    config_parse_addr(l->text, &l->ss, &l->sslen) != 0) {
		xasprintf(cause, "listen %s: bad address (host:port, "
		    "[v6]:port)", spec);
		return (-1);
	}
	cfg->nlisten++;
	return (0);
}

/* "AT:300": queue a technical code only if no restore comes within. */
static int
config_add_hold(struct config *cfg, const char *value, char **why)
{
	const char	*colon = strchr(value, ':');
	char		*end;
	long		 secs;
	size_t		 n;

	if (cfg->nholds == nitems(cfg->holds)) {
		xasprintf(why, "hold: at most %zu", nitems(cfg->holds));
		return (-1);
	}
	n = colon != NULL ? (size_t)(colon - value) : 0;
	secs = colon != NULL ? strtol(colon + 1, &end, 10) : 0;
	if (n < 2 || n >= sizeof cfg->holds[0].code || *end != '\0' ||
	    secs < 1 || secs > 86400) {
		xasprintf(why, "hold = %s: want CODE:SECONDS, e.g. AT:300",
		    value);
		return (-1);
	}
	memcpy(cfg->holds[cfg->nholds].code, value, n);
	cfg->holds[cfg->nholds].code[n] = '\0';
	cfg->holds[cfg->nholds++].secs = (int)secs;
	return (0);
}

static int
config_set_int(struct config *cfg, const struct config_int *ci,
    const char *value, char **cause)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(value, &end, 10);
	if (*value == '\0' || *end != '\0' || errno != 0 || v < ci->min ||
	    v > ci->max) {
		xasprintf(cause, "%s = %s: not a number in %d..%d", ci->name,
		    value, ci->min, ci->max);
		return (-1);
	}
	*(int *)((char *)cfg + ci->off) = (int)v;
	return (0);
}

/* inih's reader: count lines so errors can name them. */
static char *
config_reader(char *buf, int size, void *arg)
{
	struct config_parse	*cp = arg;

	cp->line++;
	return (fgets(buf, size, cp->f));
}

/* A key that may appear once: 0 the first time, -1 (and *why) again. */
static int
config_once(struct config_parse *cp, const char *name, char **why)
{
	size_t	 i;

	if (strcmp(name, "listen") == 0 || strcmp(name, "hold") == 0)
		return (0);
	for (i = 0; i < cp->nseen; i++) {
		if (strcmp(cp->seen[i].name, name) == 0) {
			xasprintf(why, "%s given twice (first on line %d)",
			    name, cp->seen[i].line);
			return (-1);
		}
	}
	if (cp->nseen < CONFIG_KEYS && strlen(name) < sizeof cp->seen[0].name) {
		strlcpy(cp->seen[cp->nseen].name, name,
		    sizeof cp->seen[0].name);
		cp->seen[cp->nseen++].line = cp->line;
	}
	return (0);
}

static int
config_handler(void *arg, const char *section, const char *name,
    const char *value)
{
	struct config_parse	*cp = arg;
	int			 line = cp->line;
	struct config		*cfg = cp->cfg;
	char			*why = NULL, *dst;
	size_t			 i;
	int			 rc = -1;

	if (strcmp(section, "arcd") != 0)
		xasprintf(&why, "unknown section [%s]", section);
	else if (config_once(cp, name, &why) != 0)
		;
	else if (strcmp(name, "database") == 0) {
		if (strlcpy(cfg->database, value, sizeof cfg->database) <
		    sizeof cfg->database && *value != '\0')
			rc = 0;
		else
			xasprintf(&why, "database: empty or too long");
	} else if (strcmp(name, "tls_cert") == 0 ||
	    strcmp(name, "tls_key") == 0) {
		dst = name[4] == 'c' ? cfg->tls_cert : cfg->tls_key;
		if (strlcpy(dst, value, sizeof cfg->tls_cert) <
		    sizeof cfg->tls_cert)
			rc = 0;
		else
			xasprintf(&why, "%s: too long", name);
	} else if (strcmp(name, "hold") == 0) {
		rc = config_add_hold(cfg, value, &why);
	} else if (strcmp(name, "listen") == 0) {
		if (!cp->listen_seen)
			cfg->nlisten = 0;
		cp->listen_seen = 1;
		rc = config_add_listen(cfg, value, &why);
	} else {
		for (i = 0; i < NCONFIG_INTS; i++)
			if (strcmp(name, config_ints[i].name) == 0)
				break;
		if (i < NCONFIG_INTS)
			rc = config_set_int(cfg, &config_ints[i], value, &why);
		else
			xasprintf(&why, "unknown key %s", name);
	}
	if (rc != 0 && cp->cause == NULL)
		xasprintf(&cp->cause, "line %d: %s", line, why);
	free(why);
	return (rc == 0);
}

int
config_load(struct config *cfg, const char *path, char **cause)
{
	struct config_parse	 cp;
	int			 rc;

	memset(&cp, 0, sizeof cp);
	cp.cfg = cfg;
	if ((cp.f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	rc = ini_parse_stream(config_reader, &cp, config_handler, &cp);
	fclose(cp.f);
	if (rc != 0) {
		if (cp.cause != NULL) {
			xasprintf(cause, "%s: %s", path, cp.cause);
			free(cp.cause);
		} else
			xasprintf(cause, "%s: line %d: syntax error", path, rc);
		return (-1);
	}
	return (0);
}

int
config_check(struct config *cfg, char **cause)
{
	size_t	 i, ndev = 0;

	for (i = 0; i < cfg->nlisten; i++) {
		if (cfg->listen[i].kind == LISTEN_DC09_TCP ||
		    cfg->listen[i].kind == LISTEN_DC09_UDP)
			ndev++;
		if (cfg->listen[i].kind == LISTEN_CONSOLE &&
		    (cfg->tls_cert[0] == '\0' || cfg->tls_key[0] == '\0')) {
			xasprintf(cause, "console %s: tls_cert and tls_key "
			    "are needed", cfg->listen[i].text);
			return (-1);
		}
	}
	if (ndev == 0) {
		xasprintf(cause, "no dc09-tcp or dc09-udp listener "
		    "(use -L dc09-tcp=addr:port or listen = in the config)");
		return (-1);
	}
	if (cfg->max_per_source > cfg->max_connections)
		cfg->max_per_source = cfg->max_connections;
	if (cfg->dedupe_window_untimed > cfg->dedupe_window)
		cfg->dedupe_window_untimed = cfg->dedupe_window;
	return (0);
}

void
config_print(const struct config *cfg, FILE *f)
{
	size_t	 i;

	fprintf(f, "[arcd]\ndatabase = %s\n", cfg->database);
	if (cfg->tls_cert[0] != '\0')
		fprintf(f, "tls_cert = %s\ntls_key = %s\n", cfg->tls_cert,
		    cfg->tls_key);
	for (i = 0; i < cfg->nlisten; i++)
		fprintf(f, "listen = %s=%s\n",
		    listen_kind_name(cfg->listen[i].kind), cfg->listen[i].text);
	for (i = 0; i < cfg->nholds; i++)
		fprintf(f, "hold = %s:%d\n", cfg->holds[i].code,
		    cfg->holds[i].secs);
	for (i = 0; i < NCONFIG_INTS; i++)
		fprintf(f, "%s = %d\n", config_ints[i].name,
		    *(const int *)((const char *)cfg + config_ints[i].off));
}
