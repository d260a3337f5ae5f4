/*
 * metrics.c -- arcd's counters (core/counter.c) and gauges, served as
 * Prometheus text at /metrics (libevent evhttp, loopback by default) with
 * /healthz, and logged at shutdown. arcd's test build adds its /test
 * routes here (metrics_route).
 *
 * Thread: the network thread.
 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <stdlib.h>
#include <string.h>

#include "arc.h"

#define METRICS_ROUTES	8

static struct evhttp	*metrics_http;	/* owned */
static struct {
	char		 path[32];
	int		(*fn)(const char *);
}			 metrics_routes[METRICS_ROUTES];
static size_t		 metrics_nroutes;

static void
metrics_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*b = evbuffer_new();
	size_t		 i;

	(void)arg;
	for (i = 0; i < C_COUNTER_MAX; i++)
		evbuffer_add_printf(b, "# TYPE arc_%s_total counter\n"
		    "arc_%s_total %llu\n", counter_name(i), counter_name(i),
		    (unsigned long long)counters[i]);
	evbuffer_add_printf(b, "# TYPE arc_connections gauge\n"
	    "arc_connections %zu\n", device_count());
	evbuffer_add_printf(b, "# TYPE arc_pending_commits gauge\n"
	    "arc_pending_commits %zu\n", ingest_pending());
	evbuffer_add_printf(b, "# TYPE arc_units gauge\narc_units %zu\n",
	    unit_count());
	evbuffer_add_printf(b, "# TYPE arc_alarms_open gauge\n"
	    "arc_alarms_open %zu\n", alarm_count_open());
	evbuffer_add_printf(b, "# TYPE arc_consoles gauge\n"
	    "arc_consoles %zu\n", session_count());
	evbuffer_add_printf(b, "# TYPE arc_sources gauge\n"
	    "arc_sources %zu\n", source_count());
	evbuffer_add_printf(b, "# TYPE arc_output_waiting_bytes gauge\n"
	    "arc_output_waiting_bytes %zu\n", device_waiting_bytes());
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; version=0.0.4");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

static void
metrics_health_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*b = evbuffer_new();

	(void)arg;
	evbuffer_add_printf(b, "ok\n");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

/* Is the request's peer on this host (127.0.0.0/8 or ::1)? */
static int
metrics_loopback(struct evhttp_request *req)
{
	struct evhttp_connection	*conn;
	char				*host = NULL;
	ev_uint16_t			 port;

	if ((conn = evhttp_request_get_connection(req)) == NULL)
		return (0);
	evhttp_connection_get_peer(conn, &host, &port);
	return (host != NULL && (strncmp(host, "127.", 4) == 0 ||
	    strcmp(host, "::1") == 0));
}

/* A route of arcd's, loopback only: fn(query) answers 200 or 400. */
static void
metrics_route_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*b;
	const char	*q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(
			    req));
	int		 ok;

	if (!metrics_loopback(req)) {
		evhttp_send_error(req, 403, "loopback only");
		return;
	}
	b = evbuffer_new();
	ok = metrics_routes[(uintptr_t)arg].fn(q != NULL ? q : "") == 0;
	evbuffer_add_printf(b, "%s\n", ok ? "ok" : "bad request");
	evhttp_send_reply(req, ok ? 200 : 400, ok ? "OK" : "Bad Request", b);
	evbuffer_free(b);
}

void
metrics_route(const char *path, int (*fn)(const char *))
{
	size_t	 i = metrics_nroutes;

	if (i == METRICS_ROUTES)
		fatalx("metrics: too many routes");
	strlcpy(metrics_routes[i].path, path, sizeof metrics_routes[i].path);
	metrics_routes[i].fn = fn;
	metrics_nroutes++;
	if (metrics_http != NULL)
		evhttp_set_cb(metrics_http, metrics_routes[i].path,
		    metrics_route_cb, (void *)(uintptr_t)i);
}

static void
metrics_announce(struct evhttp_bound_socket *bs)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;
	char			 name[128];

	if (getsockname(evhttp_bound_socket_get_fd(bs),
	    (struct sockaddr *)&ss, &len) == -1)
		return;
	source_name((struct sockaddr *)&ss, NULL, name, sizeof name);
	log_notice("listen metrics %s", name);
}

int
metrics_listen(struct event_base *base, const struct listen_spec *ls,
    char **cause)
{
	struct evhttp_bound_socket	*bs;
	char				 host[128], *colon;
	size_t				 i;

	if (metrics_http == NULL) {
		metrics_http = evhttp_new(base);
		evhttp_set_cb(metrics_http, "/metrics", metrics_cb, NULL);
		evhttp_set_cb(metrics_http, "/healthz", metrics_health_cb,
		    NULL);
		evhttp_set_timeout(metrics_http, 10);
		for (i = 0; i < metrics_nroutes; i++)
			evhttp_set_cb(metrics_http, metrics_routes[i].path,
			    metrics_route_cb, (void *)(uintptr_t)i);
	}
	strlcpy(host, ls->text, sizeof host);
	if ((colon = strrchr(host, ':')) == NULL) {
		xasprintf(cause, "metrics %s: bad address", ls->text);
		return (-1);
	}
	*colon = '\0';
	if (host[0] == '[' && colon > host && colon[-1] == ']')
		colon[-1] = '\0';
	bs = evhttp_bind_socket_with_handle(metrics_http, host[0] == '[' ?
	    host + 1 : host, atoi(colon + 1));
	if (bs == NULL) {
		xasprintf(cause, "metrics %s: cannot bind", ls->text);
		return (-1);
	}
	metrics_announce(bs);
	return (0);
}

void
metrics_close(void)
{
	if (metrics_http != NULL)
		evhttp_free(metrics_http);
	metrics_http = NULL;
}

void
metrics_log(void)
{
	size_t	 i;

	for (i = 0; i < C_COUNTER_MAX; i++)
		if (counters[i] != 0)
			log_notice("counter %s %llu", counter_name(i),
			    (unsigned long long)counters[i]);
}
