/*
 * ctl.c -- what arcctl's commands share: the usage text, the options
 * of every command (--actor, --dry-run), error messages, opening the
 * database, reading times, files and option values, and the --json
 * output.
 *
 * Used by every other ctl file; calls nothing of theirs. Single
 * threaded, like all of arcctl.
 */
#include <sys/stat.h>

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "ctl.h"
#include "db.h"
#include "runtime.h"

/* "arcctl: " and the message; a quoted bad byte is shown as U+FFFD. */
void
ctl_error(const char *fmt, ...)
{
	va_list	 ap;
	char	*msg, *clean;
	size_t	 size;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	msg = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);
	size = UTF8_CLEAN_SIZE((size_t)n);
	clean = xmalloc(size);
	utf8_clean(clean, size, msg);
	fprintf(stderr, "arcctl: %s\n", clean);
	free(clean);
	free(msg);
}

static const char ctl_usage_text[] =
    "usage: arcctl [-D database] [--actor NAME] [--dry-run] command ...\n"
    "       arcctl --help | --version\n"
    "\n"
    "Database, units, zones and unit keys:\n"
    "  init\n"
    "  unit add ACCOUNT [--key ascii:KEY|hex:KEY] [--client REF]\n"
    "      [--interval SECONDS] [--protocol dc09|mqtt]\n"
    "  unit edit ACCOUNT [--key ascii:KEY|hex:KEY | --no-key]\n"
    "      [--client REF | --no-client] [--interval SECONDS]\n"
    "  unit delete ACCOUNT [--force]\n"
    "  unit list [--json] [--silent]\n"
    "  unit link ACCOUNT REF\n"
    "  unit import FILE.csv\n"
    "  zone add ACCOUNT ZONE LABEL\n"
    "  zone edit ACCOUNT ZONE LABEL\n"
    "  zone delete ACCOUNT ZONE\n"
    "Clients and responders:\n"
    "  client add REF --name NAME [--born YYYY-MM-DD] [--address A]\n"
    "      [--phone P] [--language L] [--medical M] [--access A]\n"
    "      [--level L1..L4]\n"
    "  client edit REF [the options of client add]\n"
    "  client delete REF [--force]\n"
    "  client import FILE.csv\n"
    "  client list [--json]\n"
    "  client show REF [--json]\n"
    "  client link-responder REF RESPONDER_ID [--rank N]\n"
    "  client unlink-responder REF RESPONDER_ID\n"
    "  responder add --name N --phones P [--relation R] [--availability A]\n"
    "      [--reach mqtt|command]\n"
    "  responder edit ID [the options of responder add]\n"
    "  responder delete ID [--force]\n"
    "  export clients|units [--output FILE]\n"
    "Operators:\n"
    "  operator add LOGIN --name NAME [--role operator|supervisor]\n"
    "      [--password-file FILE]\n"
    "  operator edit LOGIN [--name NAME] [--role operator|supervisor]\n"
    "      [--disable | --enable]\n"
    "  operator delete LOGIN\n"
    "  operator passwd LOGIN [--password-file FILE|-]\n"
    "  operator unlock LOGIN | operator unlock --source ADDRESS\n"
    "Records:\n"
    "  events [--since TIME] [--json]\n"
    "  audit [list] [--since TIME] [--by ACTOR] [--json]\n"
    "  audit verify [--head SEQ:HEX]\n"
    "\n"
    "The database is -D, else $ARC_DB, else arc.db.\n"
    "--actor NAME: the person every change is audited with (default: the\n"
    "  login user). --dry-run: check a change and say what it would do,\n"
    "  keep nothing. Both (and --help) may be given anywhere on the line.\n"
    "--force: delete a client with its units (and their zones), a unit\n"
    "  with open alarms, a responder linked to clients.\n"
    "A password is read from --password-file (a file only its owner may\n"
    "  read, or - for the standard input; its first line) or asked twice\n"
    "  on the terminal.\n"
    "CSV: a header line naming the columns; export writes what import\n"
    "  reads back unchanged (unit keys stay sealed for this key file).\n"
    "TIME: 2026-11-23T10:00:00Z, \"2026-11-23 10:00:00\" (UTC), unix seconds,\n"
    "  or relative -30s, -10m, -2h, -1d\n";

/* The usage on stderr: 1 (a mistake). */
int
ctl_usage(void)
{
	fputs(ctl_usage_text, stderr);
	return (1);
}

/* --help: the usage on stdout, 0. */
int
ctl_help(void)
{
	fputs(ctl_usage_text, stdout);
	return (fflush(stdout) == 0 ? 0 : 1);
}

/* The login user: getlogin(), else the user of the process. */
static void
ctl_login_user(char *buf, size_t size)
{
	struct passwd	*pw;
	char		 name[256];

	if (getlogin_r(name, sizeof name) == 0 && name[0] != '\0')
		strlcpy(buf, name, size);
	else if ((pw = getpwuid(getuid())) != NULL)
		snprintf(buf, size, "%s", pw->pw_name);
	else
		snprintf(buf, size, "uid %lu", (unsigned long)getuid());
}

/* 1-63 bytes, valid UTF-8, no control characters. 0 or -1 (reported). */
static int
ctl_actor_set(struct ctl *ctl, const char *s)
{
	char		 clean[UTF8_CLEAN_SIZE(64)];
	size_t		 i, len = strlen(s);

	utf8_clean(clean, sizeof clean, s);
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			break;
	}
	if (len == 0 || len >= sizeof ctl->actor || i < len ||
	    strcmp(clean, s) != 0) {
		ctl_error("--actor: not 1-63 printable characters of UTF-8");
		return (-1);
	}
	memcpy(ctl->actor, s, len + 1);
	return (0);
}

/*
 * Take --dry-run, --help and --actor NAME (or --actor=NAME) out of argv,
 * wherever they are before a "--"; the actor defaults to the login user.
 * 0 or -1.
 */
int
ctl_global_args(struct ctl *ctl, int *argc, char **argv)
{
	int	 i, j = 0, rc = 0;

	ctl_login_user(ctl->actor, sizeof ctl->actor);
	for (i = 0; i < *argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < *argc)
				argv[j++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], "--dry-run") == 0)
			ctl->dry_run = 1;
		else if (strcmp(argv[i], "--help") == 0)
			ctl->help = 1;
		else if (strcmp(argv[i], "--actor") == 0) {
			if (i + 1 == *argc) {
				ctl_error("--actor: a name is needed");
				return (-1);
			}
			rc |= ctl_actor_set(ctl, argv[++i]);
		} else if (strncmp(argv[i], "--actor=", 8) == 0)
			rc |= ctl_actor_set(ctl, argv[i] + 8);
		else
			argv[j++] = argv[i];
	}
	*argc = j;
	argv[j] = NULL;
	return (rc);
}

/* A change done: said, and said to be undone on a dry run. */
void
ctl_done(struct ctl *ctl, const char *fmt, ...)
{
	va_list	 ap;

	if (ctl->dry_run)
		printf("dry run: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(ctl->dry_run ? " (nothing changed)\n" : "\n");
}

/* Open an existing database (init creates and migrates). 0 or -1. */
int
ctl_open(struct ctl *ctl, int flags)
{
	struct stat	 st;
	char		*cause = NULL;

	if (!(flags & DB_CREATE) && stat(ctl->path, &st) == -1 &&
	    errno == ENOENT) {
		ctl_error("%s: no such database; run arcctl init", ctl->path);
		return (-1);
	}
	if ((ctl->db = db_open(ctl->path, flags, &cause)) == NULL) {
		ctl_error("%s", cause);
		free(cause);
		return (-1);
	}
	db_set_actor(ctl->db, ctl->actor);
	db_set_dry_run(ctl->db, ctl->dry_run);
	return (0);
}

/*
 * The key file beside the database into kf: made first if make (arcctl
 * init), else it must exist. 0 or -1 (reported). Wipe kf after use.
 */
int
ctl_keyfile(struct ctl *ctl, int make, struct db_keyfile *kf)
{
	char	 path[sizeof kf->path], *cause = NULL;
	int	 rc = 0;

	if (db_keyfile_path(ctl->path, path, sizeof path) == -1) {
		ctl_error("%s: path too long", ctl->path);
		return (-1);
	}
	if (make && (rc = db_keyfile_make(path, &cause)) == 0)
		printf("%s: new key file; back it up with the database\n",
		    path);
	if (!make && access(path, F_OK) == -1 && errno == ENOENT)
		xasprintf(&cause, "key file %s: missing; run arcctl init",
		    path);
	if (cause == NULL && db_keyfile_load(path, kf, &cause) == 0)
		return (0);
	ctl_error("%s", cause);
	free(cause);
	return (-1);
}

/* "2026-11-23T10:00:00.123Z" */
void
ctl_time_format(int64_t ms, char *buf, size_t size)
{
	struct tm	 tm;
	time_t		 t = ms / 1000;
	char		 s[32];

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		snprintf(buf, size, "%lld", (long long)ms);
		return;
	}
	snprintf(buf, size, "%s.%03dZ", s, (int)(ms % 1000));
}

/* Print the --json array (jansson) and free it. 0 or -1. */
int
ctl_json_flush(struct ctl *ctl)
{
	int	 rc;

	rc = json_dumpf(ctl->array, stdout, JSON_INDENT(2)) == 0 ? 0 : -1;
	json_decref(ctl->array);
	ctl->array = NULL;
	fputc('\n', stdout);
	if (rc == -1)
		ctl_error("json output failed");
	return (rc);
}

int
ctl_json_arg(int argc, char **argv, struct ctl *ctl)
{
	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		ctl->json = 1;
	else if (argc != 1)
		return (-1);
	return (0);
}

/* Copy an option's value; an error names the option if it is too long. */
int
ctl_field(char *dst, size_t size, const char *src, const char *cmd,
    const char *opt)
{
	size_t	 len = strlen(src);

	if (len >= size) {
		ctl_error("%s: --%s too long (at most %zu characters)", cmd,
		    opt, size - 1);
		return (-1);
	}
	memcpy(dst, src, len + 1);
	return (0);
}

int
ctl_number(const char *s, long long max, long long *v)
{
	char	*end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *v < 1 || *v > max)
		return (-1);
	return (0);
}

/* The whole file (at most CTL_IMPORT_MAX bytes) into *buf. */
int
ctl_read_file(const char *path, char **buf, size_t *len)
{
	FILE	*f;
	size_t	 cap = 65536, n;

	*buf = NULL;
	*len = 0;
	if ((f = fopen(path, "r")) == NULL) {
		ctl_error("%s: %s", path, strerror(errno));
		return (-1);
	}
	*buf = xmalloc(cap);
	while ((n = fread(*buf + *len, 1, cap - *len, f)) > 0) {
		*len += n;
		if (*len == cap) {
			if (cap >= CTL_IMPORT_MAX) {
				ctl_error("%s: larger than %d MB", path,
				    CTL_IMPORT_MAX >> 20);
				goto fail;
			}
			*buf = xreallocarray(*buf, 2, cap);
			cap *= 2;
		}
	}
	if (ferror(f)) {
		ctl_error("%s: %s", path, strerror(errno));
		goto fail;
	}
	fclose(f);
	return (0);
fail:
	fclose(f);
	free(*buf);
	*buf = NULL;
	return (-1);
}

static int
ctl_time_relative(const char *s, int64_t now, int64_t *ms)
{
	char		*end;
	long long	 n;
	int64_t		 unit;

	errno = 0;
	n = strtoll(s + 1, &end, 10);
	if (errno != 0 || end == s + 1 || n < 0 || n > 100000000)
		return (-1);
	if (strcmp(end, "s") == 0)
		unit = 1000;
	else if (strcmp(end, "m") == 0)
		unit = 60 * 1000;
	else if (strcmp(end, "h") == 0)
		unit = 3600 * 1000;
	else if (strcmp(end, "d") == 0)
		unit = 86400 * 1000;
	else
		return (-1);
	*ms = now - n * unit;
	return (0);
}

/* TIME as documented in the usage; 0 or -1. */
int
ctl_time_parse(const char *s, int64_t now, int64_t *ms)
{
	static const char *const forms[] = {
		"%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"
	};
	struct tm	 tm;
	const char	*end;
	char		*e;
	long long	 n;
	size_t		 i;

	if (s[0] == '-')
		return (ctl_time_relative(s, now, ms));
	if (s[0] >= '0' && s[0] <= '9' && strspn(s, "0123456789") ==
	    strlen(s)) {
		errno = 0;
		n = strtoll(s, &e, 10);
		if (errno != 0 || n > 100000000000LL)
			return (-1);
		*ms = n * 1000;
		return (0);
	}
	for (i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		memset(&tm, 0, sizeof tm);
		if ((end = strptime(s, forms[i], &tm)) == NULL)
			continue;
		if (*end == 'Z')
			end++;
		if (*end != '\0')
			continue;
		*ms = (int64_t)timegm(&tm) * 1000;
		return (0);
	}
	return (-1);
}

/* The wall clock, unix ms. */
int64_t
ctl_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}
