/*
 * ctl_export.c -- clients and units out as CSV, and units back in:
 *
 *	export clients|units [--output FILE]
 *	unit import FILE.csv
 *
 * export writes what client import and unit import read back unchanged
 * (db_export.c): to the standard output, or to a new file only its owner
 * may read (it holds personal data). Unit keys stay sealed with this
 * database's key file. Exporting clients is audited, as reading a card is.
 *
 * Called by arcctl.c's main(); uses ctl.c's helpers. Single threaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "db.h"
#include "runtime.h"

static int
ctl_export_put(const char *s, size_t len, void *arg)
{
	return (fwrite(s, 1, len, arg) == len ? 0 : -1);
}

/* A new file, 0600, not one that exists. NULL (reported) on failure. */
static FILE *
ctl_export_file(const char *path)
{
	FILE	*f;
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		ctl_error("export: %s: %s", path, strerror(errno));
		return (NULL);
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		ctl_error("export: %s: %s", path, strerror(errno));
		close(fd);
	}
	return (f);
}

int
ctl_export(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*path = NULL;
	FILE		*f = stdout;
	int		 ch, units, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'o')
			return (ctl_usage());
		path = optarg;
	}
	if (optind != argc - 1 || (strcmp(argv[optind], "clients") != 0 &&
	    strcmp(argv[optind], "units") != 0))
		return (ctl_usage());
	units = strcmp(argv[optind], "units") == 0;
	if (ctl_open(ctl, 0) == -1)
		return (1);
	if (path != NULL && (f = ctl_export_file(path)) == NULL)
		return (1);
	rc = units ? db_unit_export(ctl->db, ctl_export_put, f) :
	    db_client_export(ctl->db, ctl_export_put, f);
	if (rc == 0 && !units && db_audit(ctl->db, ctl->actor,
	    "client export", path != NULL ? path : "-", "") == -1)
		rc = -1;
	if (fflush(f) != 0 || ferror(f))
		rc = -1;
	if (f != stdout && fclose(f) != 0)
		rc = -1;
	if (rc == -1) {
		ctl_error("export %s: %s", argv[optind], db_errmsg(ctl->db));
		if (path != NULL)
			unlink(path);
		return (1);
	}
	return (0);
}

int
ctl_export_unit_import(struct ctl *ctl, int argc, char **argv)
{
	struct db_keyfile	 kf;
	char			*buf, *cause = NULL, *line, *next;
	size_t			 len, n;
	int			 nerr = 0, rc = 1;

	if (argc != 2)
		return (ctl_usage());
	memset(&kf, 0, sizeof kf);
	if (ctl_read_file(argv[1], &buf, &len) == -1)
		return (1);
	if (ctl_open(ctl, 0) == -1 || ctl_keyfile(ctl, 0, &kf) == -1)
		goto out;
	if (db_unit_import(ctl->db, &kf, argv[1], buf, len, &n,
	    &cause) == 0) {
		ctl_done(ctl, "imported %zu units", n);
		rc = 0;
		goto out;
	}
	for (line = cause; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		ctl_error("%s", line);
		nerr++;
	}
	ctl_error("unit import: %d error%s, nothing imported", nerr,
	    nerr == 1 ? "" : "s");
	free(cause);
out:
	db_keyfile_clear(&kf);
	explicit_bzero(buf, len);
	free(buf);
	return (rc);
}
