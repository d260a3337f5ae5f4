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
 * default. So is a line longer than CONFIG_LINE_MAX (inih would cut it and
 * read its tail as another line) or one that is not UTF-8 text. Each line
 * stands alone: an indented one is not more of the value above. The text
 * is parsed from memory (config_load_mem, which the fuzzer eats);
 * config_load reads the file and hands it over.
 *
 * Thread: the network thread, at start-up, on SIGHUP (config_apply) and
 * for arcd -n.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arc.h"

struct config_int {
	const char	*name;
	size_t		 off;
	int		 min, max;
	int		 restart;	/* a reload cannot change it */
};

#define CI(n, lo, hi) { #n, offsetof(struct config, n), lo, hi, 0 }
#define CR(n, lo, hi) { #n, offsetof(struct config, n), lo, hi, 1 }
static const struct config_int config_ints[] = {
	CI(max_connections, 1, 1000000),
	CI(max_per_source, 1, 1000000),
	CI(idle_timeout, 1, 7 * 86400),
	CI(dedupe_window, 10, 86400),
	CI(dedupe_window_untimed, 10, 86400),
	CR(dedupe_max, 1024, 1 << 26),
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
	CR(mqtt_port, 1, 65535),
	CR(mqtt_keepalive, 5, 3600),
	CR(mqtt_events_out, 0, 1),
	CI(responder_accept, 10, 3600),
	CI(page_command_timeout, 1, 300),
};
#define NCONFIG_INTS (sizeof config_ints / sizeof config_ints[0])

/* Text keys: every one takes a restart. */
struct config_str {
	const char	*name;
	size_t		 off, size;
	int		 empty;		/* may be "" */
	const char	*extra;		/* only letters, digits and these;
					   NULL: any text */
};

#define CS(n, e, c) { #n, offsetof(struct config, n), \
    sizeof ((struct config *)0)->n, e, c }
static const struct config_str config_strs[] = {
	CS(database, 0, NULL),
	CS(tls_cert, 1, NULL),
	CS(tls_key, 1, NULL),
	CS(mqtt_host, 1, "-_.:"),		/* a name or an address */
	CS(mqtt_client_id, 0, "-_."),
	CS(mqtt_prefix, 0, "-_./"),		/* no wildcards */
	CS(mqtt_username, 1, NULL),
	CS(mqtt_password_file, 1, NULL),
	CS(mqtt_ca_file, 1, NULL),
	CS(mqtt_cert_file, 1, NULL),
	CS(mqtt_key_file, 1, NULL),
	CS(mobile_team, 1, NULL),		/* a client's ref */
	CS(page_command, 1, NULL),		/* argv with %tokens */
};
#define NCONFIG_STRS (sizeof config_strs / sizeof config_strs[0])

#define CONFIG_KEYS	64

struct config_parse {
	struct config	*cfg;
	char		*cause;		/* the first error, "line N: why" */
	int		 cause_line;
	int		 listen_seen;
	const char	*buf;		/* the text, borrowed */
	size_t		 len, off;
	int		 line;		/* inih here has no line numbers */
	struct {
		char	 name[32];
		int	 line;
	}		 seen[CONFIG_KEYS];	/* keys given once, and where */
	size_t		 nseen;
};

void
config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	strlcpy(cfg->database, "arc.db", sizeof cfg->database);
	strlcpy(cfg->mqtt_client_id, "arcd", sizeof cfg->mqtt_client_id);
	strlcpy(cfg->mqtt_prefix, "arc", sizeof cfg->mqtt_prefix);
	cfg->mqtt_port = 1883;
	cfg->mqtt_keepalive = 30;
	cfg->responder_accept = 120;
	cfg->page_command_timeout = 10;
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

/*
 * "AT:300": queue a technical code only if no restore comes within. The
 * code is capitals and digits (as events carry it), the seconds digits.
 */
static int
config_add_hold(struct config *cfg, const char *value, char **why)
{
	const char	*colon = strchr(value, ':');
	char		*end = NULL;
	long		 secs = 0;
	size_t		 n;

	if (cfg->nholds == nitems(cfg->holds)) {
		xasprintf(why, "hold: at most %zu", nitems(cfg->holds));
		return (-1);
	}
	n = colon != NULL ? (size_t)(colon - value) : 0;
	if (n > 0 && colon[1] >= '0' && colon[1] <= '9')
		secs = strtol(colon + 1, &end, 10);
	if (n < 2 || n >= sizeof cfg->holds[0].code ||
	    strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != n ||
	    end == NULL || *end != '\0' || secs < 1 || secs > 86400) {
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

/* The first error wins; later lines are not read. */
static void
config_fail(struct config_parse *cp, const char *why)
{
	if (cp->cause != NULL)
		return;
	xasprintf(&cp->cause, "line %d: %s", cp->line, why);
	cp->cause_line = cp->line;
}

/*
 * A "[section]" line, checked here: inih would cut a long name and drop
 * what follows the ']'. arcd has one section.
 */
static int
config_line_section(const char *p, size_t n, char *why, size_t whysize)
{
	const char	*q = p, *e = p + n, *end;

	for (;;) {			/* blanks, a BOM (inih skips both) */
		if (q < e && (*q == ' ' || *q == '\t'))
			q++;
		else if (e - q >= 3 && memcmp(q, "\xef\xbb\xbf", 3) == 0)
			q += 3;
		else
			break;
	}
	if (q == e || *q != '[' || (end = memchr(q, ']', e - q)) == NULL)
		return (0);		/* not one, or inih's syntax error */
	if (end - q != 5 || memcmp(q, "[arcd", 5) != 0) {
		snprintf(why, whysize, "unknown section [%.*s]",
		    (int)(end - q - 1), q + 1);
		return (-1);
	}
	for (end++; end < e && *end != ';'; end++) {
		if (*end != ' ' && *end != '\t') {
			snprintf(why, whysize, "text after ']' at byte %zu",
			    (size_t)(end - p) + 1);
			return (-1);
		}
	}
	return (0);
}

/*
 * A line (without its "\n" or "\r\n") inih may see: short enough for its
 * buffer (inih would cut a longer one and read the rest as another line)
 * and text (db_text_check; no NUL, no CR but the one ending it).
 */
static int
config_line_check(const char *p, size_t len, int size, char *why,
    size_t whysize)
{
	char		 line[CONFIG_LINE_MAX + 1];
	const char	*c;

	if (len > CONFIG_LINE_MAX || len + 2 > (size_t)size) {
		snprintf(why, whysize, "longer than %d bytes",
		    CONFIG_LINE_MAX);
		return (-1);
	}
	if (len > 0 && p[len - 1] == '\r')
		len--;
	if ((c = memchr(p, '\0', len)) != NULL) {
		snprintf(why, whysize, "NUL byte at byte %zu",
		    (size_t)(c - p) + 1);
		return (-1);
	}
	if ((c = memchr(p, '\r', len)) != NULL) {
		snprintf(why, whysize, "control character U+000D at byte %zu",
		    (size_t)(c - p) + 1);
		return (-1);
	}
	memcpy(line, p, len);
	line[len] = '\0';
	if (db_text_check(line, why, whysize) != 0)
		return (-1);
	return (config_line_section(p, len, why, whysize));
}

/* inih's reader: one line of the text, counted so errors can name it. */
static char *
config_reader(char *buf, int size, void *arg)
{
	struct config_parse	*cp = arg;
	const char		*p = cp->buf + cp->off, *nl;
	size_t			 len, n;
	char			 why[CONFIG_LINE_MAX + 64];

	if (cp->cause != NULL || cp->off == cp->len)
		return (NULL);
	cp->line++;
	nl = memchr(p, '\n', cp->len - cp->off);
	len = nl != NULL ? (size_t)(nl - p) : cp->len - cp->off;
	n = len + (nl != NULL);
	cp->off += n;
	if (config_line_check(p, len, size, why, sizeof why) != 0) {
		config_fail(cp, why);
		return (NULL);
	}
	/* Leading blanks go: an indented line is a line, not more value. */
	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	memcpy(buf, p, n);
	buf[n] = '\0';
	return (buf);
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

/*
 * timezone = Europe/London: a zone name as tzdata spells it (letters,
 * digits, "_+-", parts joined by "/"); config_check looks it up.
 */
static int
config_set_zone(struct config *cfg, const char *value, char **why)
{
	const char	*p;

	if (*value == '\0' || strlen(value) >= sizeof cfg->timezone ||
	    *value == '/' || strstr(value, "..") != NULL ||
	    strstr(value, "//") != NULL || value[strlen(value) - 1] == '/') {
		xasprintf(why, "timezone %s: not a zone name (e.g. "
		    "Europe/London)", value);
		return (-1);
	}
	for (p = value; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && strchr("_+-/", *p) == NULL) {
			xasprintf(why, "timezone %s: not a zone name (e.g. "
			    "Europe/London)", value);
			return (-1);
		}
	}
	strlcpy(cfg->timezone, value, sizeof cfg->timezone);
	return (0);
}

static const struct config_str *
config_str_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < NCONFIG_STRS; i++)
		if (strcmp(name, config_strs[i].name) == 0)
			return (&config_strs[i]);
	return (NULL);
}

static int
config_str_chars(const char *s, const char *extra)
{
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr(extra, *s) == NULL)
			return (0);
	return (1);
}

static int
config_set_str(struct config *cfg, const struct config_str *cs,
    const char *value, char **why)
{
	char	*dst = (char *)cfg + cs->off;

	if (*value == '\0' && !cs->empty)
		xasprintf(why, "%s: empty", cs->name);
	else if (strlen(value) >= cs->size)
		xasprintf(why, "%s: too long (at most %zu bytes)", cs->name,
		    cs->size - 1);
	else if (cs->extra != NULL && !config_str_chars(value, cs->extra))
		xasprintf(why, "%s = %s: only letters, digits and %s",
		    cs->name, value, cs->extra);
	else {
		strlcpy(dst, value, cs->size);
		return (0);
	}
	return (-1);
}

static int
config_handler(void *arg, const char *section, const char *name,
    const char *value)
{
	struct config_parse	*cp = arg;
	struct config		*cfg = cp->cfg;
	const struct config_str	*str;
	char			*why = NULL;
	size_t			 i;
	int			 rc = -1;

	if (*section == '\0')
		xasprintf(&why, "%s before [arcd]", name);
	else if (strcmp(section, "arcd") != 0)
		xasprintf(&why, "unknown section [%s]", section);
	else if (*name == '\0')
		xasprintf(&why, "no key before '='");
	else if (*value == ';')		/* "k =;x" is ";x", "k = ;x" empty */
		xasprintf(&why, "%s = %s: a value may not start with ';'",
		    name, value);
	else if (config_once(cp, name, &why) != 0)
		;
	else if ((str = config_str_find(name)) != NULL) {
		rc = config_set_str(cfg, str, value, &why);
	} else if (strcmp(name, "timezone") == 0) {
		rc = config_set_zone(cfg, value, &why);
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
	if (rc != 0)
		config_fail(cp, why);
	free(why);
	return (rc == 0);
}

/*
 * Parse arc.conf's text (len bytes, not NUL-terminated): 0, or -1 and
 * *cause naming the first bad line ("line 3: ..."). Each line is at most
 * CONFIG_LINE_MAX bytes of UTF-8 text.
 */
int
config_load_mem(struct config *cfg, const char *buf, size_t len,
    char **cause)
{
	struct config_parse	 cp;
	int			 rc;

	memset(&cp, 0, sizeof cp);
	cp.cfg = cfg;
	cp.buf = buf;
	cp.len = len;
	rc = ini_parse_stream(config_reader, &cp, config_handler, &cp);
	if (rc > 0 && (cp.cause == NULL || rc < cp.cause_line)) {
		free(cp.cause);
		xasprintf(cause, "line %d: not key = value, [section] or "
		    "a comment", rc);
		return (-1);
	}
	if (cp.cause != NULL) {
		*cause = cp.cause;
		return (-1);
	}
	if (rc != 0) {
		xasprintf(cause, "cannot parse (%d)", rc);
		return (-1);
	}
	return (0);
}

int
config_load(struct config *cfg, const char *path, char **cause)
{
	FILE	*f;
	char	*buf, *why = NULL;
	size_t	 len;
	int	 rc = -1;

	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	buf = xmalloc(CONFIG_FILE_MAX + 1);
	len = fread(buf, 1, CONFIG_FILE_MAX + 1, f);
	if (ferror(f))
		xasprintf(cause, "%s: %s", path, strerror(errno));
	else if (len > CONFIG_FILE_MAX)
		xasprintf(cause, "%s: larger than %d bytes", path,
		    CONFIG_FILE_MAX);
	else if ((rc = config_load_mem(cfg, buf, len, &why)) != 0)
		xasprintf(cause, "%s: %s", path, why);
	free(why);
	free(buf);
	fclose(f);
	return (rc);
}

/* A zone tzdata knows: a name, its file under /usr/share/zoneinfo. */
static int
config_zone_known(const char *name)
{
	char	 path[128];

	if (strcmp(name, "UTC") == 0)
		return (1);		/* known without tzdata */
	if (*name == '\0' || *name == '/' || strstr(name, "..") != NULL)
		return (0);
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name);
	return (access(path, R_OK) == 0);
}

/*
 * The system's zone when arc.conf names none: TZ (":Europe/London" too)
 * if it names a zone, else where /etc/localtime points into a zoneinfo
 * tree, else UTC.
 */
static void
config_system_zone(struct config *cfg)
{
	const char	*tz = getenv("TZ"), *p;
	char		 link[1024];
	ssize_t		 n;

	if (tz != NULL && *tz == ':')
		tz++;
	if (tz != NULL && strlen(tz) < sizeof cfg->timezone &&
	    config_zone_known(tz)) {
		strlcpy(cfg->timezone, tz, sizeof cfg->timezone);
		return;
	}
	n = readlink("/etc/localtime", link, sizeof link - 1);
	if (n > 0) {
		link[n] = '\0';
		if ((p = strstr(link, "zoneinfo/")) != NULL &&
		    strlen(p + 9) < sizeof cfg->timezone &&
		    config_zone_known(p + 9)) {
			strlcpy(cfg->timezone, p + 9, sizeof cfg->timezone);
			return;
		}
	}
	strlcpy(cfg->timezone, "UTC", sizeof cfg->timezone);
}

/* arc.conf's timezone must be known; none: the system's. */
static int
config_check_zone(struct config *cfg, char **cause)
{
	if (cfg->timezone[0] == '\0')
		config_system_zone(cfg);
	if (!config_zone_known(cfg->timezone)) {
		xasprintf(cause, "timezone %s: unknown zone (not in "
		    "/usr/share/zoneinfo; e.g. Europe/London)", cfg->timezone);
		return (-1);
	}
	return (0);
}

int
config_check(struct config *cfg, char **cause)
{
	size_t	 i, ndev = 0;

	if (config_check_zone(cfg, cause) != 0)
		return (-1);

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

	fprintf(f, "[arcd]\n");
	for (i = 0; i < NCONFIG_STRS; i++)
		if (*((const char *)cfg + config_strs[i].off) != '\0')
			fprintf(f, "%s = %s\n", config_strs[i].name,
			    (const char *)cfg + config_strs[i].off);
	if (cfg->timezone[0] != '\0')
		fprintf(f, "timezone = %s\n", cfg->timezone);
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

/* The i-th integer key: its name, value and bounds; NULL past the last. */
const char *
config_int_key(const struct config *cfg, size_t i, int *value, int *min,
    int *max)
{
	if (i >= NCONFIG_INTS)
		return (NULL);
	*value = *(const int *)((const char *)cfg + config_ints[i].off);
	*min = config_ints[i].min;
	*max = config_ints[i].max;
	return (config_ints[i].name);
}

/* Add name to a ", "-separated list in buf (cut, never overrun). */
static void
config_list(char *buf, size_t size, const char *name)
{
	size_t	 len = strlen(buf);

	snprintf(buf + len, size - len, "%s%s", len > 0 ? ", " : "", name);
}

static int
config_same_listen(const struct config *a, const struct config *b)
{
	size_t	 i;

	if (a->nlisten != b->nlisten)
		return (0);
	for (i = 0; i < a->nlisten; i++) {
		if (a->listen[i].kind != b->listen[i].kind ||
		    strcmp(a->listen[i].text, b->listen[i].text) != 0)
			return (0);
	}
	return (1);
}

static int
config_same_holds(const struct config *a, const struct config *b)
{
	size_t	 i;

	if (a->nholds != b->nholds)
		return (0);
	for (i = 0; i < a->nholds; i++) {
		if (strcmp(a->holds[i].code, b->holds[i].code) != 0 ||
		    a->holds[i].secs != b->holds[i].secs)
			return (0);
	}
	return (1);
}

/*
 * A reload (SIGHUP): nc, read and checked, becomes cfg where a running
 * arcd can take it. The keys copied are named in changed; those that
 * differ but take a restart (listeners, the database, the TLS files, the
 * dedupe table's size) are named in restart and keep their running
 * values. Both lists are ", "-separated,
 * "" when empty, cut to size. Returns the number of keys changed.
 */
int
config_apply(struct config *cfg, const struct config *nc, char *changed,
    char *restart, size_t size)
{
	const struct config_int	*ci;
	const int		*from;
	int			*to, n = 0;
	size_t			 i;

	changed[0] = restart[0] = '\0';
	for (i = 0; i < NCONFIG_STRS; i++)
		if (strcmp((const char *)cfg + config_strs[i].off,
		    (const char *)nc + config_strs[i].off) != 0)
			config_list(restart, size, config_strs[i].name);
	if (!config_same_listen(cfg, nc))
		config_list(restart, size, "listen");
	if (!config_same_holds(cfg, nc)) {
		memcpy(cfg->holds, nc->holds, sizeof cfg->holds);
		cfg->nholds = nc->nholds;
		config_list(changed, size, "hold");
		n++;
	}
	for (i = 0; i < NCONFIG_INTS; i++) {
		ci = &config_ints[i];
		from = (const int *)((const char *)nc + ci->off);
		to = (int *)((char *)cfg + ci->off);
		if (*from == *to)
			continue;
		if (ci->restart) {
			config_list(restart, size, ci->name);
			continue;
		}
		*to = *from;
		config_list(changed, size, ci->name);
		n++;
	}
		return (n);
}
