/*
 * config_listen.c -- where arcd listens: "dc09-tcp=127.0.0.1:7009" specs
 * (arc.conf's listen = and arcd -L) and the addresses in them.
 *
 * Thread: the network thread, at start-up and on SIGHUP.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arc.h"

static const char *listen_kind_names[LISTEN_KIND_MAX] = {
	[LISTEN_DC09_TCP] = "dc09-tcp",
	[LISTEN_DC09_UDP] = "dc09-udp",
	[LISTEN_METRICS] = "metrics",
	[LISTEN_CONSOLE] = "console",
};

const char *
listen_kind_name(enum listen_kind k)
{
	if (k >= LISTEN_KIND_MAX)
		return ("unknown");
	return (listen_kind_names[k]);
}

int
config_parse_addr(const char *s, struct sockaddr_storage *ss,
    socklen_t *sslen)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;
	char			 host[128];
	const char		*colon, *port;
	char			*end;
	long			 p;
	size_t			 hl;
	int			 v6 = s[0] == '[';

	if (v6) {
		if ((colon = strstr(s, "]:")) == NULL)
			return (-1);
		hl = colon - (s + 1);
		port = colon + 2;
		s++;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return (-1);
		hl = colon - s;
		port = colon + 1;
	}
	/* "[]:port" or a bare "::1:7009" (which colon ends it?): refused. */
	if (hl >= sizeof host || (v6 && hl == 0) ||
	    (!v6 && memchr(s, ':', hl) != NULL))
		return (-1);
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (strlen(port) > 5 || strspn(port, "0123456789") != strlen(port))
		return (-1);		/* digits only: no sign, no space */
	errno = 0;
	p = strtol(port, &end, 10);
	if (*port == '\0' || *end != '\0' || errno != 0 || p < 0 || p > 65535)
		return (-1);
	memset(ss, 0, sizeof *ss);
	if (hl == 0 || strcmp(host, "*") == 0)
		strlcpy(host, "0.0.0.0", sizeof host);
	if (!v6 && inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(p);
		*sslen = sizeof *sin;
		return (0);
	}
	if (v6 && inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(p);
		*sslen = sizeof *sin6;
		return (0);
	}
	return (-1);
}

int
config_add_listen(struct config *cfg, const char *spec, char **cause)
{
	struct listen_spec	*l;
	const char		*eq;
	size_t			 i, n;

	if (cfg->nlisten == CONFIG_MAX_LISTEN) {
		xasprintf(cause, "listen %s: more than %d listeners", spec,
		    CONFIG_MAX_LISTEN);
		return (-1);
	}
	l = &cfg->listen[cfg->nlisten];
	if ((eq = strchr(spec, '=')) == NULL) {
		xasprintf(cause, "listen %s: expected proto=addr:port", spec);
		return (-1);
	}
	n = eq - spec;
	for (i = 0; i < LISTEN_KIND_MAX; i++) {
		if (strlen(listen_kind_names[i]) == n &&
		    strncmp(spec, listen_kind_names[i], n) == 0)
			break;
	}
	if (i == LISTEN_KIND_MAX) {
		xasprintf(cause, "listen %s: unknown protocol (dc09-tcp, "
		    "dc09-udp, metrics, console)", spec);
		return (-1);
	}
	l->kind = i;
	if (strlcpy(l->text, eq + 1, sizeof l->text) >= sizeof l->text ||
	    config_parse_addr(l->text, &l->ss, &l->sslen) != 0) {
		xasprintf(cause, "listen %s: bad address (host:port, "
		    "[v6]:port)", spec);
		return (-1);
	}
	cfg->nlisten++;
	return (0);
}
