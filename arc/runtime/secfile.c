/*
 * secfile.c -- a file that holds a secret (the console's TLS key, the
 * key file that seals unit keys, an operator's password file) is opened
 * only if it is a regular file nobody but its owner may read or write.
 * Anything else is refused with the file's role, its path, why and what
 * to do: "tls_key /etc/arc/key.pem: readable by group or others (mode
 * 0644); chmod 600 it".
 *
 * Thread: any.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runtime.h"

/* The descriptor of path open for reading, or -1 and *cause. */
static int
secfile_fd(const char *what, const char *path, char **cause)
{
	struct stat	 st;
	int		 fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd == -1) {
		xasprintf(cause, "%s %s: %s", what, path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		xasprintf(cause, "%s %s: %s", what, path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		xasprintf(cause, "%s %s: not a regular file", what, path);
		goto fail;
	}
	if ((st.st_mode & 077) != 0) {
		xasprintf(cause, "%s %s: %s by group or others (mode %04o); "
		    "chmod 600 it", what, path, (st.st_mode & 044) ?
		    "readable" : (st.st_mode & 022) ? "writable" : "usable",
		    (unsigned)(st.st_mode & 07777));
		goto fail;
	}
	return (fd);

fail:
	close(fd);
	return (-1);
}

/* path open for reading (unbuffered: no stdio copy), or NULL and *cause. */
FILE *
secfile_open(const char *what, const char *path, char **cause)
{
	FILE	*f;
	int	 fd;

	if ((fd = secfile_fd(what, path, cause)) == -1)
		return (NULL);
	if ((f = fdopen(fd, "r")) == NULL) {
		xasprintf(cause, "%s %s: %s", what, path, strerror(errno));
		close(fd);
		return (NULL);
	}
	setvbuf(f, NULL, _IONBF, 0);
	return (f);
}
