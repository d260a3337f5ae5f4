/*
 * metrics.c -- arcd's counters: every limit hit and every frame refused
 * is counted here, served as Prometheus text at /metrics (libevent evhttp,
 * loopback by default) with /healthz, and logged at shutdown.
 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <stdlib.h>
#include <string.h>

#include "arc.h"

uint64_t	 counters[C_COUNTER_MAX];

static const char *counter_names[C_COUNTER_MAX] = {
	"connections_accepted",
	"connections_closed",
	"connections_refused_cap",
	"connections_refused_source",
	"connections_idle_closed",
	"connections_frame_too_long",
	"connections_output_full",
	"accept_errors",
	"frames",
	"frame_junk_bytes",
	"frames_bad_crc",
	"frames_bad_length",
	"frames_malformed",
	"frames_unknown_token",
	"frames_bad_data",
	"nak_undecryptable",
	"nak_no_timestamp",
	"nak_time_window",
	"nak_plaintext_for_keyed_unit",
	"polls",
	"events",
	"events_stored",
	"events_unregistered",
	"events_unknown_code",
	"duplicates",
	"duplicates_not_counted",
	"unregistered_rate_limited",
	"pending_full",
	"store_failed",
	"acks",
	"replies_lost",
	"udp_datagrams",
	"udp_send_errors",
	"dedupe_evicted",
	"console_connections",
	"console_logins",
	"console_login_failures",
	"console_bad_input",
	"console_slow_disconnected",
	"console_refused",
	"alarms_opened",
	"alarm_writes_failed",
};

static struct evhttp	*metrics_http;	/* owned */

const char *
counter_name(enum counter c)
{
	if (c >= C_COUNTER_MAX)
		return ("unknown");
	return (counter_names[c]);
}

static void
metrics_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*b = evbuffer_new();
	size_t		 i;

	(void)arg;
	for (i = 0; i < C_COUNTER_MAX; i++)
		evbuffer_add_printf(b, "# TYPE arc_%s_total counter\n"
		    "arc_%s_total %llu\n", counter_names[i], counter_names[i],
		    (unsigned long long)counters[i]);
	evbuffer_add_printf(b, "# TYPE arc_connections gauge\n"
	    "arc_connections %zu\n", device_count());
	evbuffer_add_printf(b, "# TYPE arc_pending_commits gauge\n"
	    "arc_pending_commits %zu\n", ingest_pending());
	evbuffer_add_printf(b, "# TYPE arc_units gauge\narc_units %zu\n",
	    unit_count());
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

	if (metrics_http == NULL) {
		metrics_http = evhttp_new(base);
		evhttp_set_cb(metrics_http, "/metrics", metrics_cb, NULL);
		evhttp_set_cb(metrics_http, "/healthz", metrics_health_cb,
		    NULL);
		evhttp_set_timeout(metrics_http, 10);
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
			log_notice("counter %s %llu", counter_names[i],
			    (unsigned long long)counters[i]);
}
