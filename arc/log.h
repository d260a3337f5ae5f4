/*
 * log.h -- the shared runtime every arc program links: logging in the
 * OpenBSD daemon style, and allocation that cannot fail.
 *
 * One line per happening: "subsystem id: what[: why]". Never keys,
 * passwords, names, addresses or medical notes. Thread-safe (one write(2)
 * per line).
 */
#ifndef ARC_LOG_H
#define ARC_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#ifndef nitems
#define nitems(a)	(sizeof (a) / sizeof (a)[0])
#endif

/* --- log.c --- */
void	log_init(const char *name, int foreground, int verbose);
int	log_verbose(void);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_notice(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/* --- xmalloc.c --- */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
#if defined(__GLIBC__) && (__GLIBC__ < 2 || __GLIBC_MINOR__ < 38)
#define ARC_NEED_STRLCPY
size_t	 strlcpy(char *, const char *, size_t);
#endif
/* Wipe then free: for anything that held a secret. */
void	 freezero_str(char *);

#endif /* ARC_LOG_H */
