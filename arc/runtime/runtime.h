/*
 * runtime.h -- the shared runtime every arc program links: logging in the
 * OpenBSD daemon style, allocation that cannot fail, a hash map, the
 * clock, a token bucket, files holding secrets and UTF-8 checks. Nothing
 * here uses more than libc (the build checks it: make check-layers).
 *
 * Logs: one line per happening, "subsystem id: what[: why]". Never keys,
 * passwords, names, addresses or medical notes. Thread-safe (one write(2)
 * per line). The rest is for one thread at a time: arcd's clock is read
 * and advanced by its network thread only.
 */
#ifndef ARC_RUNTIME_H
#define ARC_RUNTIME_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* What every program's --version says (and the man pages' footers). */
#define ARC_VERSION	"0.1.0"

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

/* --- hmap.c: open addressing, uint64 key -> uint64 value --- */
struct hmap {
	uint64_t	*keys;		/* owned */
	uint64_t	*vals;		/* owned */
	uint8_t		*used;		/* owned */
	size_t		 cap;		/* power of two */
	size_t		 n;
	uint64_t	 seed;
};
void	 hmap_init(struct hmap *, size_t hint);
void	 hmap_free(struct hmap *);
int	 hmap_get(const struct hmap *, uint64_t, uint64_t *);
void	 hmap_put(struct hmap *, uint64_t, uint64_t);
int	 hmap_del(struct hmap *, uint64_t);
size_t	 hmap_count(const struct hmap *);
/*
 * Iterate: start with *it = 0; 1 and the next entry, or 0 at the end.
 * The map must not change during a walk (collect, then change).
 */
int	 hmap_next(const struct hmap *, size_t *it, uint64_t *key,
	    uint64_t *val);
uint64_t hash64(const void *, size_t, uint64_t);

/* --- siphash.c: SipHash-2-4, a keyed hash (what a peer can aim at) --- */
uint64_t siphash(const uint8_t key[16], const void *, size_t);

/*
 * --- heap.c: a min-heap of (at, id), for deadlines kept as data ---
 * The owner checks an entry when it comes due: its id may be gone, or
 * its deadline moved since (lazy: moving a deadline costs nothing).
 */
struct heap_entry {
	int64_t		 at;
	uint64_t	 id;
};
struct heap {
	struct heap_entry *v;		/* owned */
	size_t		 n, cap;
};
void	 heap_push(struct heap *, int64_t at, uint64_t id);
/* The earliest entry: 0, or -1 when empty. */
int	 heap_top(const struct heap *, int64_t *at, uint64_t *id);
void	 heap_pop(struct heap *);
void	 heap_free(struct heap *);

/*
 * --- clock.c: one clock, read once per loop turn ---
 * Wall time (UTC ms) for protocol fields, stored times, the audit trail
 * and display; monotonic time (ms) for every deadline. Both are cached:
 * after clock_turn() (arcd calls it after each loop turn) the next read
 * reads the system's clocks, so every decision in one turn sees one time.
 * Tests set or advance them.
 */
void	 clock_turn(void);		/* the next read is a new time */
int64_t	 clock_wall(void);		/* unix ms, UTC */
int64_t	 clock_mono(void);		/* ms, monotonic */
/* Tests: a fixed clock (clock_turn no longer reads the system's). */
void	 clock_set(int64_t wall, int64_t mono);
/* Tests: move both clocks forward by ms from now on. */
void	 clock_advance(int64_t ms);

/*
 * --- bucket.c: a token bucket (rate limits, runaway units) ---
 * A bucket starts full. Refilling never takes a token.
 */
struct bucket_rate {
	double		 burst;		/* tokens when full */
	double		 per_ms;	/* refill rate */
};
struct bucket {
	double		 tokens;
	int64_t		 at;		/* mono ms of the last refill */
};
void	 bucket_rate(struct bucket_rate *, int burst, int per_min);
void	 bucket_init(struct bucket *, const struct bucket_rate *, int64_t);
void	 bucket_refill(struct bucket *, const struct bucket_rate *, int64_t);
/* Take one token: 0, or -1 when empty (nothing taken). */
int	 bucket_take(struct bucket *, const struct bucket_rate *, int64_t);
/* Full again (after a refill): nothing to remember it for. */
int	 bucket_full(const struct bucket *, const struct bucket_rate *);

/*
 * --- secfile.c: a file holding a secret ---
 * Open path for reading (unbuffered) if it is a regular file of mode 0600
 * or less, or NULL and *cause naming what (its role) and path.
 */
FILE	*secfile_open(const char *what, const char *path, char **cause);

/*
 * --- utf8.c: text is valid UTF-8 everywhere ---
 * Valid: no overlong form, surrogate or code point above U+10FFFF, and
 * (arc's text is C strings) no NUL.
 */
/* 0 valid, or -1 and *bad (if not NULL) = offset of the first bad byte. */
int	 utf8_valid(const char *, size_t, size_t *bad);
/*
 * Copy, each ill-formed sequence replaced by U+FFFD; always NUL-terminated,
 * never cut inside a character. The clean text's whole length (as
 * strlcpy: >= size means cut).
 */
size_t	 utf8_clean(char *dst, size_t size, const char *src);
/* What always holds the clean copy of len bytes (U+FFFD is 3 bytes). */
#define UTF8_CLEAN_SIZE(len)	((len) * 3 + 1)

#endif /* ARC_RUNTIME_H */
