/*
 * log.c -- logging to stderr (foreground) or syslog, one line each, one
 * write(2) per line: safe from any thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "runtime.h"

static int	 log_foreground = 1;
static int	 log_level;
static const char *log_name = "arc";

void
log_init(const char *name, int foreground, int verbose)
{
	log_name = name;
	log_foreground = foreground;
	log_level = verbose;
	if (!foreground)
		openlog(name, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	tzset();
}

int
log_verbose(void)
{
	return (log_level);
}

static void
log_vwrite(int pri, const char *fmt, va_list ap, const char *why)
{
	char		 line[1024], stamp[32];
	struct timespec	 ts;
	struct tm	 tm;
	int		 n, m;

	n = vsnprintf(line, sizeof line, fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = sizeof line - 1;
	if (why != NULL) {
		m = snprintf(line + n, sizeof line - n, ": %s", why);
		if (m > 0)
			n += m;
		if ((size_t)n >= sizeof line)
			n = sizeof line - 1;
	}
	if (!log_foreground) {
		syslog(pri, "%s", line);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
	dprintf(STDERR_FILENO, "%s.%03ld %s: %s\n", stamp,
	    ts.tv_nsec / 1000000, log_name, line);
}

#define LOG_BODY(pri, why) do {			\
	va_list ap;				\
	va_start(ap, fmt);			\
	log_vwrite(pri, fmt, ap, why);		\
	va_end(ap);				\
} while (0)

void
log_warn(const char *fmt, ...)
{
	const char *why = strerror(errno);

	LOG_BODY(LOG_WARNING, why);
}

void
log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_WARNING, NULL);
}

/* Always logged, not a problem: start-up, listening, shutdown. */
void
log_notice(const char *fmt, ...)
{
	LOG_BODY(LOG_NOTICE, NULL);
}

void
log_info(const char *fmt, ...)
{
	if (log_level < 1)
		return;
	LOG_BODY(LOG_INFO, NULL);
}

void
log_debug(const char *fmt, ...)
{
	if (log_level < 2)
		return;
	LOG_BODY(LOG_DEBUG, NULL);
}

void
fatal(const char *fmt, ...)
{
	const char *why = strerror(errno);

	LOG_BODY(LOG_CRIT, why);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_CRIT, NULL);
	exit(1);
}
