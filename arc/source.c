/*
 * source.c -- what arcd knows per source address: how many connections it
 * holds (capped per source) and its bucket for frames from unregistered
 * accounts. A source with no connections and a full bucket is forgotten,
 * at once or by the once-a-second sweep. The table is bounded
 * (max_sources): past it every new address shares one overflow entry (its
 * connections and its bucket), counted, so no number of addresses can
 * grow it. Also the socket helpers the listeners share.
 *
 * Thread: the network thread.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arc.h"

static struct hmap		 sources;	/* key -> source * */
static struct bucket_rate	 source_rate;
static struct source		 source_overflow;	/* past max_sources */
static size_t			 source_max;

void
source_init(const struct config *cfg)
{
	bucket_rate(&source_rate, cfg->unregistered_burst,
	    cfg->unregistered_per_min);
	source_max = cfg->max_sources;
	bucket_init(&source_overflow.unreg, &source_rate, clock_mono());
	if (sources.cap == 0)
		hmap_init(&sources, 256);
}

void
source_free_all(void)
{
	uint64_t	 v;
	size_t		 it = 0;

	while (hmap_next(&sources, &it, NULL, &v))
		free((void *)(uintptr_t)v);
	hmap_free(&sources);
}

static uint64_t
source_key(const struct sockaddr *sa)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)sa;

	if (sa->sa_family == AF_INET)
		return (hash64(&sin->sin_addr, sizeof sin->sin_addr, 4));
	return (hash64(&sin6->sin6_addr, sizeof sin6->sin6_addr, 6));
}

struct source *
source_get(const struct sockaddr *sa)
{
	struct source	*src;
	uint64_t	 key = source_key(sa), v;

	if (hmap_get(&sources, key, &v) == 0)
		return ((struct source *)(uintptr_t)v);
	if (hmap_count(&sources) >= source_max) {
		COUNT(C_SOURCES_FULL);
		return (&source_overflow);
	}
	src = xcalloc(1, sizeof *src);
	src->key = key;
	bucket_init(&src->unreg, &source_rate, clock_mono());
	hmap_put(&sources, key, (uintptr_t)src);
	return (src);
}

void
source_release(struct source *src)
{
	if (src->conns > 0 || src == &source_overflow)
		return;
	bucket_refill(&src->unreg, &source_rate, clock_mono());
	if (!bucket_full(&src->unreg, &source_rate))
		return;		/* it remembers what it spent */
	hmap_del(&sources, src->key);
	free(src);
}

/* Forget the sources with no connections whose bucket is full again. */
size_t
source_sweep(void)
{
	struct source	*src, *gone[256];
	uint64_t	 v;
	size_t		 it = 0, i, n = 0;

	while (n < nitems(gone) && hmap_next(&sources, &it, NULL, &v)) {
		src = (struct source *)(uintptr_t)v;
		if (src->conns > 0)
			continue;
		bucket_refill(&src->unreg, &source_rate, clock_mono());
		if (bucket_full(&src->unreg, &source_rate))
			gone[n++] = src;
	}
	for (i = 0; i < n; i++) {
		hmap_del(&sources, gone[i]->key);
		free(gone[i]);
	}
	return (hmap_count(&sources));
}

size_t
source_count(void)
{
	return (hmap_count(&sources));
}

void
source_name(const struct sockaddr *sa, const char *proto, char *buf,
    size_t size)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6	*sin6 = (const struct sockaddr_in6 *)sa;
	char				 host[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET) {
		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof host);
		snprintf(buf, size, "%s:%u%s%s", host, ntohs(sin->sin_port),
		    proto ? "/" : "", proto ? proto : "");
	} else {
		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof host);
		snprintf(buf, size, "[%s]:%u%s%s", host,
		    ntohs(sin6->sin6_port), proto ? "/" : "",
		    proto ? proto : "");
	}
}

int
source_socket(const struct listen_spec *ls, int type, char **cause)
{
	int	 fd, one = 1;

	fd = socket(ls->ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		xasprintf(cause, "%s %s: socket: %s",
		    listen_kind_name(ls->kind), ls->text, strerror(errno));
		return (-1);
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ls->ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	if (bind(fd, (const struct sockaddr *)&ls->ss, ls->sslen) == -1 ||
	    (type == SOCK_STREAM && listen(fd, 4096) == -1)) {
		xasprintf(cause, "%s %s: bind: %s", listen_kind_name(ls->kind),
		    ls->text, strerror(errno));
		close(fd);
		return (-1);
	}
	return (fd);
}

/* Log where we listen, with the real port when 0 was asked for. */
void
source_announce(int fd, const struct listen_spec *ls)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;
	char			 name[128];

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return;
	source_name((struct sockaddr *)&ss, NULL, name, sizeof name);
	log_notice("listen %s %s", listen_kind_name(ls->kind), name);
}
