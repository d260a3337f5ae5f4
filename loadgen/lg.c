/*
 * lg.c -- what all of arc-loadgen shares: the options and the run's state
 * (lg; main() in loadgen.c fills it in and owns what it points to), the
 * monotonic clock, and reading the small things options name (a file's
 * first line, HOST:PORT).
 *
 * The bottom of loadgen: every file uses it, it calls nothing of theirs.
 * What must reach back up (the run begins, the run may be done) goes
 * through the hooks main() sets in lg. One thread (the event loop).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime.h"
#include "loadgen.h"

struct loadgen		 lg;

/* Monotonic microseconds: loadgen's clock. */
uint64_t
lg_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000);
}

/* The first line of path, without its newline. */
char *
lg_first_line(const char *opt, const char *path)
{
	FILE	*f;
	char	*line = NULL;
	size_t	 size = 0;
	ssize_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		fatal("%s %s", opt, path);
	n = getline(&line, &size, f);
	fclose(f);
	if (n == -1)
		fatalx("%s %s: empty", opt, path);
	line[strcspn(line, "\r\n")] = '\0';
	if (*line == '\0')
		fatalx("%s %s: empty first line", opt, path);
	return (line);
}

/* HOST:PORT or [v6]:PORT for option opt; exits with a clear error. */
void
lg_addr(const char *opt, const char *s, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct addrinfo	 hints, *res;
	char		*host, *port;
	int		 error;

	host = xstrdup(s);
	if ((port = strrchr(host, ':')) == NULL)
		fatalx("%s: want HOST:PORT", opt);
	*port++ = '\0';
	if (host[0] == '[' && port - host >= 3 && port[-2] == ']') {
		port[-2] = '\0';
		memmove(host, host + 1, strlen(host + 1) + 1);
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	error = getaddrinfo(host, port, &hints, &res);
	if (error != 0)
		fatalx("%s %s: %s", opt, s, gai_strerror(error));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	free(host);
}

/*
 * HOST:PORT or [v6]:PORT split into *host (allocated) and *port, 1 to
 * 65535; the host is not resolved here. 0, or -1 if s is not that.
 */
int
lg_host_port(const char *s, char **host, int *port)
{
	const char	*colon;
	char		*end;
	size_t		 len;
	long		 p;

	if ((colon = strrchr(s, ':')) == NULL || colon == s)
		return (-1);
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end != '\0' ||
	    errno != 0 || p < 1 || p > 65535)
		return (-1);
	len = (size_t)(colon - s);
	if (s[0] == '[') {
		if (len < 3 || s[len - 1] != ']')
			return (-1);
		s++;
		len -= 2;
	} else if (memchr(s, ':', len) != NULL)
		return (-1);		/* a v6 address wants brackets */
	*host = xmalloc(len + 1);
	memcpy(*host, s, len);
	(*host)[len] = '\0';
	*port = (int)p;
	return (0);
}
