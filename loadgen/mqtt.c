/*
 * mqtt.c -- arc-loadgen --mqtt: the units speak MQTT through a broker
 * (docs/mqtt.md). Each unit publishes its event (QoS 1) on
 * arc/unit/<account>/event and waits for arc's {"seq": n} on
 * arc/unit/<account>/ack, which arcd sends once the event is stored.
 *
 * A few client connections carry the units: connection i carries units
 * [i * per, (i + 1) * per) (--mqtt-per-connection, default 250), each
 * subscribed (QoS 1, one SUBSCRIBE) to its units' ack topics. Its units
 * are up once the broker has granted that subscription. A lost
 * connection is made again after MQTT_RETRY_MS and subscribes again;
 * meanwhile its units' events are not sent and go again on their retry
 * timer (sim.c), as do those whose ack the clean session lost.
 *
 * With --mqtt-echo one more connection, subscribed to arc/unit/+/event,
 * answers every event with {"seq": n} itself: the broker's round trip
 * without arcd, the baseline. The units connect once it is subscribed.
 * With --units 0 it is all this loadgen does (until --duration ends or
 * a signal): the echo in a process of its own, as arcd is.
 *
 * libmosquitto runs in the event loop, as in arcd: each socket watched by
 * a read event (and a write event while it has output), its keepalive
 * from mqtt_tick(). No thread of its own.
 *
 * Called by sim.c (start, send), loadgen.c (tick, free) and report.c;
 * what comes back (units up, an ack) goes to sim.c through the hooks
 * given to mqtt_init(). One thread (the event loop).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>
#include <mosquitto.h>

#include "runtime.h"
#include "loadgen.h"

#define MQTT_RETRY_MS		1000
#define MQTT_KEEPALIVE		60
#define MQTT_TOPIC_MAX		(LOADGEN_ACCT_MAX + 32)
#define MQTT_PAYLOAD_MAX	2048

/* One client connection to the broker. */
struct mconn {
	struct mosquitto	*mosq;		/* owned */
	struct event		*rd;		/* owned: on fd */
	struct event		*wr;		/* owned: on fd, while output */
	int			 fd;
	int			 echo;		/* the --mqtt-echo subscriber */
	int			 resp;		/* --responders' connection */
	int			 up;		/* CONNACK seen */
	int			 ready;		/* subscribed at least once */
	int			 was_up;	/* a connection was made once */
	int			 sub_mid;	/* the SUBSCRIBE's message id */
	uint32_t		 first;		/* its units */
	uint32_t		 count;
	uint64_t		 retry_ms;	/* 0: not waiting */
};

static struct {
	struct mconn		*conn;		/* owned: nconn of them */
	uint32_t		 nconn;
	mqtt_up_fn		*up;
	mqtt_ack_fn		*ack;
	uint64_t		 tick_ms;
	uint64_t		 errors;	/* {"error": ...} acks */
	uint64_t		 unmatched;	/* acks for no unit of ours */
	uint64_t		 echoed;	/* --mqtt-echo answers */
	uint64_t		 not_sent;	/* publishes refused: link down */
	int			 started;	/* unit connections started */
} mq;

static void	mqtt_sync(struct mconn *);
static void	mqtt_connect(struct mconn *);

void
mqtt_init(mqtt_up_fn *up, mqtt_ack_fn *ack)
{
	mq.up = up;
	mq.ack = ack;
}

/* Connection lost or never made: try again later. */
static void
mqtt_lost(struct mconn *c)
{
	if (c->retry_ms != 0)
		return;
	if (c->up)
		lg.st.lost++;
	else
		lg.st.connect_fail++;
	c->up = 0;
	c->retry_ms = lg_now() / 1000 + MQTT_RETRY_MS;
}

static void
mqtt_check(struct mconn *c, int rc)
{
	if (rc != MOSQ_ERR_SUCCESS) {
		log_debug("mqtt connection %td: %s", c - mq.conn,
		    rc == MOSQ_ERR_ERRNO ? strerror(errno) :
		    mosquitto_strerror(rc));
		mqtt_lost(c);
	}
}

static void
mqtt_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct mconn	*c = arg;

	(void)fd;
	(void)what;
	mqtt_check(c, mosquitto_loop_read(c->mosq, 1));
	mqtt_sync(c);
}

static void
mqtt_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct mconn	*c = arg;

	(void)fd;
	(void)what;
	mqtt_check(c, mosquitto_loop_write(c->mosq, 1));
	mqtt_sync(c);
}

static void
mqtt_events_free(struct mconn *c)
{
	if (c->rd != NULL)
		event_free(c->rd);
	if (c->wr != NULL)
		event_free(c->wr);
	c->rd = c->wr = NULL;
	c->fd = -1;
}

/* After every call into libmosquitto: follow its socket and its output. */
static void
mqtt_sync(struct mconn *c)
{
	int	 fd = mosquitto_socket(c->mosq);

	if (fd != c->fd) {
		mqtt_events_free(c);
		if (fd != -1) {
			c->fd = fd;
			c->rd = event_new(lg.base, fd, EV_READ | EV_PERSIST,
			    mqtt_read_cb, c);
			c->wr = event_new(lg.base, fd, EV_WRITE,
			    mqtt_write_cb, c);
			if (c->rd == NULL || c->wr == NULL)
				fatalx("event_new failed");
			event_add(c->rd, NULL);
		}
	}
	if (fd == -1) {
		mqtt_lost(c);
		return;
	}
	if (mosquitto_want_write(c->mosq))
		event_add(c->wr, NULL);
}

/* Subscribe to the connection's units' ack topics (or every event). */
static void
mqtt_subscribe(struct mconn *c)
{
	char		**topics, acct[LOADGEN_ACCT_MAX];
	uint32_t	  i, n = c->echo ? 1 : c->resp ? 2 : c->count;
	int		  rc;

	topics = xcalloc(n, sizeof *topics);
	for (i = 0; i < n; i++) {
		if (c->resp) {
			topics[i] = xstrdup(i == 0 ? "arc/responder/+/page" :
			    "arc/responder/+/ack");
			continue;
		}
		if (c->echo) {
			topics[i] = xstrdup("arc/unit/+/event");
			continue;
		}
		frame_account(c->first + i, acct);
		xasprintf(&topics[i], "arc/unit/%s/ack", acct);
	}
	rc = mosquitto_subscribe_multiple(c->mosq, &c->sub_mid, (int)n,
	    topics, 1, 0, NULL);
	for (i = 0; i < n; i++)
		free(topics[i]);
	free(topics);
	mqtt_check(c, rc);
}

static void
mqtt_on_connect(struct mosquitto *m, void *arg, int rc)
{
	struct mconn	*c = arg;

	(void)m;
	if (rc != 0) {
		log_warnx("mqtt connection %td: %s", c - mq.conn,
		    mosquitto_connack_string(rc));
		mqtt_lost(c);
		return;
	}
	c->up = 1;
	if (c->was_up)
		lg.st.reconnects++;
	c->was_up = 1;
	mqtt_subscribe(c);
}

static void
mqtt_start_units(void)
{
	uint32_t	 i;

	mq.started = 1;
	for (i = 0; i < mq.nconn; i++)
		if (!mq.conn[i].echo && !mq.conn[i].resp)
			mqtt_connect(&mq.conn[i]);
}

static void
mqtt_on_subscribe(struct mosquitto *m, void *arg, int mid, int n,
    const int *granted)
{
	struct mconn	*c = arg;

	(void)m;
	if (mid != c->sub_mid)
		return;
	if (n < 1 || granted[0] > 2)
		fatalx("mqtt: the broker refused the subscription");
	if (c->ready)
		return;
	c->ready = 1;
	if (c->resp) {			/* the responders: nothing waits */
		log_info("responders: subscribed to every responder's pages");
		if (lg.units == 0 && !lg.mqtt_echo)
			mq.up(0, 0, lg_now());
		return;
	}
	if (c->echo && !mq.started) {
		mqtt_start_units();
		if (lg.units == 0)
			mq.up(0, 0, lg_now());
	} else if (!c->echo)
		mq.up(c->first, c->count, lg_now());
}

/* A number member of a JSON object, or -1. */
static long long
mqtt_json_seq(json_t *o)
{
	json_t	*v = json_object_get(o, "seq");

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return (-1);
	return (json_integer_value(v));
}

/* "arc/unit/<account>/<what>": the account, or NULL. */
static const char *
mqtt_topic_account(const char *topic, const char *what, char *acct,
    size_t size)
{
	const char	*p, *end;
	size_t		 len;

	if (strncmp(topic, "arc/unit/", 9) != 0)
		return (NULL);
	p = topic + 9;
	if ((end = strchr(p, '/')) == NULL || strcmp(end + 1, what) != 0)
		return (NULL);
	len = (size_t)(end - p);
	if (len == 0 || len >= size)
		return (NULL);
	memcpy(acct, p, len);
	acct[len] = '\0';
	return (acct);
}

/* --mqtt-echo: answer the event with its ack. */
static void
mqtt_echo(struct mconn *c, const struct mosquitto_message *msg, json_t *o)
{
	char		 acct[LOADGEN_ACCT_MAX], topic[MQTT_TOPIC_MAX];
	char		 reply[64];
	long long	 seq;
	int		 len;

	if (mqtt_topic_account(msg->topic, "event", acct, sizeof acct) ==
	    NULL || (seq = mqtt_json_seq(o)) == -1) {
		lg.st.bad++;
		return;
	}
	snprintf(topic, sizeof topic, "arc/unit/%s/ack", acct);
	len = snprintf(reply, sizeof reply, "{\"seq\": %lld}", seq);
	mqtt_check(c, mosquitto_publish(c->mosq, NULL, topic, len, reply, 1,
	    false));
	mq.echoed++;
}

/* An ack for one of our units: "arc/unit/<account>/ack". */
static void
mqtt_ack(const struct mosquitto_message *msg, json_t *o, uint64_t now)
{
	char			 acct[LOADGEN_ACCT_MAX], *end;
	unsigned long long	 a;
	long long		 seq;
	int			 error;

	if (mqtt_topic_account(msg->topic, "ack", acct, sizeof acct) == NULL) {
		mq.unmatched++;
		return;
	}
	errno = 0;
	a = strtoull(acct, &end, 16);
	if (*end != '\0' || errno != 0 || a < lg.first_account ||
	    a - lg.first_account >= lg.units) {
		mq.unmatched++;
		return;
	}
	seq = mqtt_json_seq(o);
	error = json_object_get(o, "error") != NULL;
	if (error)
		mq.errors++;
	if (seq == -1) {
		lg.st.bad++;
		return;
	}
	mq.ack(&lg.unit[a - lg.first_account], (uint64_t)seq, error, now);
}

static void
mqtt_on_message(struct mosquitto *m, void *arg,
    const struct mosquitto_message *msg)
{
	struct mconn	*c = arg;
	uint64_t	 now = lg_now();
	json_t		*o;

	(void)m;
	lg.st.replies++;
	if (msg->payloadlen <= 0 || msg->payloadlen > MQTT_PAYLOAD_MAX ||
	    (o = json_loadb(msg->payload, (size_t)msg->payloadlen, 0,
	    NULL)) == NULL) {
		lg.st.bad++;
		return;
	}
	if (!json_is_object(o))
		lg.st.bad++;
	else if (c->resp && strstr(msg->topic, "/page") != NULL)
		respond_page(msg->topic, o);
	else if (c->resp)
		respond_ack(o);
	else if (c->echo)
		mqtt_echo(c, msg, o);
	else
		mqtt_ack(msg, o, now);
	json_decref(o);
}

static void
mqtt_connect(struct mconn *c)
{
	c->retry_ms = 0;
	mqtt_check(c, mosquitto_connect_async(c->mosq, lg.mqtt_host,
	    lg.mqtt_port, MQTT_KEEPALIVE));
	mqtt_sync(c);
}

static void
mqtt_new(struct mconn *c, uint32_t i)
{
	char	 id[64];

	snprintf(id, sizeof id, "arc-loadgen-%ld-%u", (long)getpid(), i);
	c->fd = -1;
	if ((c->mosq = mosquitto_new(id, true, c)) == NULL)
		fatal("mosquitto_new");
	mosquitto_int_option(c->mosq, MOSQ_OPT_PROTOCOL_VERSION,
	    MQTT_PROTOCOL_V311);
	mosquitto_int_option(c->mosq, MOSQ_OPT_TCP_NODELAY, 1);
	mosquitto_max_inflight_messages_set(c->mosq, 0);
	mosquitto_connect_callback_set(c->mosq, mqtt_on_connect);
	mosquitto_subscribe_callback_set(c->mosq, mqtt_on_subscribe);
	mosquitto_message_callback_set(c->mosq, mqtt_on_message);
}

/* --responders' replies, on their own connection (respond.c's hook). */
static void
mqtt_respond_publish(const char *topic, const char *payload)
{
	struct mconn	*c = &mq.conn[mq.nconn - 1];

	if (!c->resp || !c->up) {
		mq.not_sent++;
		return;
	}
	mqtt_check(c, mosquitto_publish(c->mosq, NULL, topic,
	    (int)strlen(payload), payload, 1, false));
	mqtt_sync(c);
}

/*
 * Make the connections: the echo subscriber's first, if there is one;
 * the responders' (the last) at once.
 */
void
mqtt_start(void)
{
	uint32_t	 i, per = lg.mqtt_per_conn, units;

	mosquitto_lib_init();
	units = (lg.units + per - 1) / per;
	mq.nconn = units + (lg.mqtt_echo ? 1 : 0) + (lg.responders ? 1 : 0);
	mq.conn = xcalloc(mq.nconn, sizeof *mq.conn);
	for (i = 0; i < mq.nconn; i++) {
		mqtt_new(&mq.conn[i], i);
		if (i < units) {
			mq.conn[i].first = i * per;
			mq.conn[i].count = lg.units - i * per < per ?
			    lg.units - i * per : per;
		} else if (lg.responders && i == mq.nconn - 1)
			mq.conn[i].resp = 1;
		else
			mq.conn[i].echo = 1;
	}
	if (lg.responders) {
		respond_init(mqtt_respond_publish);
		mqtt_connect(&mq.conn[mq.nconn - 1]);
	}
	if (lg.mqtt_echo)
		mqtt_connect(&mq.conn[units]);
	else
		mqtt_start_units();
}

/* Publish the unit's event (frame[]); -1 if its connection is down. */
int
mqtt_send(struct unit *u)
{
	struct mconn	*c = &mq.conn[u->idx / lg.mqtt_per_conn];
	char		 acct[LOADGEN_ACCT_MAX], topic[MQTT_TOPIC_MAX];
	int		 rc;

	if (!c->up || !c->ready) {
		mq.not_sent++;
		return (-1);
	}
	frame_account(u->idx, acct);
	snprintf(topic, sizeof topic, "arc/unit/%s/event", acct);
	rc = mosquitto_publish(c->mosq, NULL, topic, u->out_len, u->frame, 1,
	    false);
	mqtt_check(c, rc);
	mqtt_sync(c);
	if (rc != MOSQ_ERR_SUCCESS)
		mq.not_sent++;
	return (rc == MOSQ_ERR_SUCCESS ? 0 : -1);
}

/* From the 1 ms tick: keepalives once a second, retries when due. */
void
mqtt_tick(uint64_t now)
{
	struct mconn	*c;
	uint64_t	 ms = now / 1000;
	uint32_t	 i;

	if (mq.conn == NULL || ms < mq.tick_ms + 1000)
		return;
	mq.tick_ms = ms;
	for (i = 0; i < mq.nconn; i++) {
		c = &mq.conn[i];
		if (c->retry_ms != 0 && ms >= c->retry_ms) {
			c->retry_ms = 0;
			mqtt_check(c, mosquitto_reconnect_async(c->mosq));
			mqtt_sync(c);
		} else if (c->fd != -1) {
			mqtt_check(c, mosquitto_loop_misc(c->mosq));
			mqtt_sync(c);
		}
	}
}

void
mqtt_report_json(FILE *f)
{
	if (!lg.mqtt)
		return;
	fprintf(f, ", \"mqtt\": {\"connections\": %" PRIu32 ", \"echo\": %s"
	    ", \"errors\": %" PRIu64 ", \"unmatched\": %" PRIu64
	    ", \"echoed\": %" PRIu64 ", \"not_sent\": %" PRIu64 "}",
	    mq.nconn, lg.mqtt_echo ? "true" : "false", mq.errors,
	    mq.unmatched, mq.echoed, mq.not_sent);
}

void
mqtt_report_text(void)
{
	if (!lg.mqtt)
		return;
	printf("mqtt connections %" PRIu32 "%s\n", mq.nconn,
	    lg.mqtt_echo ? " (one is the echo)" : "");
	printf("mqtt error acks  %" PRIu64 "\n", mq.errors);
	printf("mqtt unmatched   %" PRIu64 " (acks for no unit of ours)\n",
	    mq.unmatched);
	printf("mqtt not sent    %" PRIu64 " (connection down; retried)\n",
	    mq.not_sent);
	if (lg.mqtt_echo)
		printf("mqtt echoed      %" PRIu64 "\n", mq.echoed);
}

uint64_t
mqtt_errors(void)
{
	return (mq.errors);
}

void
mqtt_free(void)
{
	struct mconn	*c;
	uint32_t	 i;

	if (mq.conn == NULL)
		return;
	for (i = 0; i < mq.nconn; i++) {
		c = &mq.conn[i];
		if (c->up) {
			mosquitto_disconnect(c->mosq);
			mosquitto_loop_write(c->mosq, 1);
		}
		mqtt_events_free(c);
		mosquitto_destroy(c->mosq);
	}
	free(mq.conn);
	memset(&mq, 0, sizeof mq);
	respond_free();
	mosquitto_lib_cleanup();
}
