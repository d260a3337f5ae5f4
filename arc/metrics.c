/*
 * metrics.c -- arcd's counters (core/counter.c) and gauges (the sizes of
 * its tables and the wallboard's figures, core/gauge.c), served as
 * Prometheus text at /metrics (libevent evhttp, loopback by default);
 * /healthz says whether storage is writable and how far behind the store
 * writer is (200 or 503); the counters are logged at shutdown. arcd's
 * test build adds its /test routes here (metrics_route).
 *
 * Thread: the network thread.
 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc.h"

#define METRICS_ROUTES		8
#define METRICS_BEHIND_MS	5000	/* /healthz: the store falls behind */

static struct evhttp	*metrics_http;	/* owned */
static struct {
	char		 path[32];
	int		(*fn)(const char *);
}			 metrics_routes[METRICS_ROUTES];
static size_t		 metrics_nroutes;

/* A family's HELP and TYPE lines (arc_ is added). */
static void
metrics_family(struct evbuffer *b, const char *name, const char *type,
    const char *help)
{
	evbuffer_add_printf(b, "# HELP arc_%s %s\n# TYPE arc_%s %s\n", name,
	    help, name, type);
}

static void
metrics_gauge(struct evbuffer *b, const char *name, const char *help,
    long long v)
{
	metrics_family(b, name, "gauge", help);
	evbuffer_add_printf(b, "arc_%s %lld\n", name, v);
}

static void
metrics_counters(struct evbuffer *b)
{
	char	 name[64];
	size_t	 i;

	for (i = 0; i < C_COUNTER_MAX; i++) {
		snprintf(name, sizeof name, "%s_total", counter_name(i));
		metrics_family(b, name, "counter", counter_help(i));
		evbuffer_add_printf(b, "arc_%s %llu\n", name,
		    (unsigned long long)counters[i]);
	}
}

/* The broker link: up (1), down (0) or none configured (-1). */
static void
metrics_mqtt(struct evbuffer *b)
{
	enum mqtt_state	 st;
	int64_t		 since;

	st = mqtt_state(&since);
	metrics_gauge(b, "mqtt_up", "1 if the MQTT broker link is up, 0 if "
	    "down, -1 if no broker is configured", st == MQTT_UP ? 1 :
	    st == MQTT_DOWN ? 0 : -1);
	metrics_gauge(b, "mqtt_outstanding", "QoS 1 publishes the broker has "
	    "not acknowledged yet (at most 65,536, then not sent)",
	    mqtt_outstanding());
	metrics_family(b, "mqtt_down_seconds", "gauge",
	    "how long the MQTT broker link has been down (0: up or none)");
	evbuffer_add_printf(b, "arc_mqtt_down_seconds %.3f\n",
	    st == MQTT_DOWN ? (clock_wall() - since) / 1000.0 : 0.0);
}

/* The pipeline's and the adapters' sizes. */
static void
metrics_sizes(struct evbuffer *b)
{
	metrics_gauge(b, "connections", "DC-09 TCP connections open",
	    device_count());
	metrics_gauge(b, "pending_commits", "frames awaiting their commit",
	    ingest_pending());
	metrics_gauge(b, "units", "registered units", unit_count());
	metrics_gauge(b, "alarms_open", "alarms open, in every state",
	    alarm_count_open());
	metrics_gauge(b, "consoles", "console connections", session_count());
	metrics_gauge(b, "ladders", "escalation ladders of open alarms "
	    "(running or ended)", ladder_count());
	metrics_gauge(b, "sources", "source addresses remembered",
	    source_count());
	metrics_gauge(b, "output_waiting_bytes",
	    "bytes waiting to be sent to units", device_waiting_bytes());
	metrics_gauge(b, "storage_writable",
	    "1 if no store write failed in the last 10 s", commit_storage_ok());
	metrics_gauge(b, "store_pending_requests",
	    "requests queued to the store writer, not yet done",
	    commit_inflight());
	metrics_family(b, "store_behind_seconds", "gauge",
	    "age of the oldest request not yet written");
	evbuffer_add_printf(b, "arc_store_behind_seconds %.3f\n",
	    commit_behind_ms() / 1000.0);
	metrics_mqtt(b);
}

/* The wallboard: the queue per class, operators, alarms in hand. */
static void
metrics_wallboard(struct evbuffer *b)
{
	struct gauges	 g;
	int		 c, st;

	gauge_read(clock_wall(), &g);
	metrics_family(b, "queue_depth", "gauge",
	    "alarms waiting or offered, not yet accepted, by class");
	for (c = CLASS_P1; c <= CLASS_P3; c++)
		evbuffer_add_printf(b, "arc_queue_depth{class=\"%s\"} %d\n",
		    code_class_name(c), g.queue[c]);
	metrics_family(b, "queue_oldest_seconds", "gauge",
	    "how long the oldest alarm not yet accepted has waited since it "
	    "opened, by class; 0 if none");
	for (c = CLASS_P1; c <= CLASS_P3; c++)
		evbuffer_add_printf(b, "arc_queue_oldest_seconds{class=\"%s\"} "
		    "%.3f\n", code_class_name(c), g.oldest_ms[c] / 1000.0);
	metrics_gauge(b, "operators_logged_in",
	    "operators and supervisors with a console logged in",
	    g.operators);
	metrics_family(b, "operators", "gauge",
	    "operators logged in, by what they are doing");
	for (st = 0; st < OPERATOR_STATE_MAX; st++)
		evbuffer_add_printf(b, "arc_operators{state=\"%s\"} %d\n",
		    operator_state_name(st), g.by_state[st]);
	metrics_gauge(b, "alarms_held",
	    "alarms operators hold: offered to them or in hand",
	    g.offers + g.handling);
	metrics_gauge(b, "offers_pending", "alarms offered, not yet accepted",
	    g.offers);
	metrics_gauge(b, "alarms_awaiting_restore",
	    "technical alarms held back while their restore may come",
	    g.on_hold);
	metrics_gauge(b, "incidents_open", "open incidents (storms)",
	    g.incidents);
	metrics_gauge(b, "incident_members",
	    "alarms collapsed into an open incident", g.members);
}

static void
metrics_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*b = evbuffer_new();

	(void)arg;
	metrics_counters(b);
	metrics_sizes(b);
	metrics_wallboard(b);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; version=0.0.4");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

/*
 * 200 if storage is writable and the writer keeps up (its oldest request
 * younger than METRICS_BEHIND_MS), else 503; a line of JSON says which.
 */
static void
metrics_health_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*b = evbuffer_new();
	int64_t		 behind = commit_behind_ms();
	int64_t		 ago = commit_failed_ago();
	int		 writable = commit_storage_ok();
	int		 ok = writable && behind < METRICS_BEHIND_MS;

	(void)arg;
	evbuffer_add_printf(b, "{\"status\": \"%s\", \"storage\": \"%s\", "
	    "\"store\": \"%s\", \"store_pending\": %zu, "
	    "\"store_behind_seconds\": %.3f, \"last_failure_seconds_ago\": ",
	    ok ? "ok" : "unhealthy", writable ? "writable" : "failing",
	    behind < METRICS_BEHIND_MS ? "keeping up" : "behind",
	    commit_inflight(), behind / 1000.0);
	if (ago < 0)
		evbuffer_add_printf(b, "null}\n");
	else
		evbuffer_add_printf(b, "%.3f}\n", ago / 1000.0);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json");
	evhttp_send_reply(req, ok ? 200 : 503, ok ? "OK" :
	    "Service Unavailable", b);
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
