/*
 * ctl.c -- what arcctl's commands share: the usage text, error messages,
 * opening the database, formatting times and the --json output.
 *
 * Used by arcctl.c and ctl_people.c; calls nothing of theirs. Single
 * threaded, like all of arcctl.
 */
#include <sys/stat.h>

#include <errno.h>
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

int
ctl_usage(void)
{
	fprintf(stderr,
	    "usage: arcctl [-D database] init\n"
	    "       arcctl [-D database] unit add ACCOUNT "
	    "[--key ascii:KEY|hex:KEY]\n"
	    "              [--client ID] [--interval SECONDS]\n"
	    "       arcctl [-D database] unit list [--json] [--silent]\n"
	    "       arcctl [-D database] events [--since TIME] [--json]\n"
	    "       arcctl [-D database] unit link ACCOUNT REF\n"
	    "       arcctl [-D database] zone add ACCOUNT ZONE LABEL\n"
	    "       arcctl [-D database] client add REF --name NAME "
	    "[--born YYYY-MM-DD]\n"
	    "              [--address A] [--phone P] [--language L] "
	    "[--medical M]\n"
	    "              [--access A] [--level L1..L4]\n"
	    "       arcctl [-D database] client import FILE.csv\n"
	    "       arcctl [-D database] client list [--json]\n"
	    "       arcctl [-D database] client show REF [--json]\n"
	    "       arcctl [-D database] client link-responder REF "
	    "RESPONDER_ID [--rank N]\n"
	    "       arcctl [-D database] responder add --name N --phones P\n"
	    "              [--relation R] [--availability A]\n"
	    "       arcctl [-D database] operator add LOGIN --name NAME\n"
	    "              [--role operator|supervisor] "
	    "[--password-file FILE]\n"
	    "       arcctl [-D database] audit verify [--head SEQ:HEX]\n"
	    "TIME: 2026-11-23T10:00:00Z, \"2026-11-23 10:00:00\" (UTC), "
	    "unix seconds,\n"
	    "      or relative -30s, -10m, -2h, -1d\n"
	    "The database is -D, else $ARC_DB, else arc.db.\n");
	return (1);
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
