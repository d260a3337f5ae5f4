/*
 * mqtt.c -- arcd's one link to the MQTT broker, driven by the loop:
 * libmosquitto's socket watched by a libevent read event (and a write
 * event while it has output), mosquitto_loop_read/write on them and
 * mosquitto_loop_misc (keepalive) from the once-a-second tick. No thread
 * of libmosquitto's own: its callbacks run here, on the network thread.
 *
 * Down (refused, lost, never up) it tries again after a back-off that
 * doubles from 1 s to 60 s, on the monotonic clock (so a test moves it).
 * Who uses the link (mqttunit.c) is told through hooks: up (subscribe
 * again: the session is clean) and each message.
 *
 * The broker's name is resolved by libmosquitto on the loop (at each
 * try): give an address, or a name /etc/hosts answers.
 *
 * Thread: the network thread.
 */
#include <sys/stat.h>

#include <errno.h>
#include <event2/event.h>
#include <mosquitto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc.h"

#define MQTT_BACKOFF_MIN	1000	/* ms */
#define MQTT_BACKOFF_MAX	60000
#define MQTT_PASSWORD_MAX	256
#define MQTT_OUT_MAX		65536	/* QoS 1 publishes not yet acked */

static struct {
	const struct config	*cfg;
	struct event_base	*base;
	struct mosquitto	*mosq;
	struct mqtt_hooks	 hooks;
	struct event		*rd, *wr;	/* on fd; owned */
	int			 fd;
	int			 up;
	int64_t			 down_since;	/* wall ms; 0: up (or off) */
	int64_t			 retry_at;	/* mono ms; 0: not waiting */
	int64_t			 backoff;	/* ms */
	size_t			 out;		/* publishes awaiting PUBACK */
	char			 why[128];	/* the last reason it is down */
} mq = { .fd = -1 };

static void	mqtt_sync(void);

/* Up or down: the figures say so, the hook tells the consoles. */
static void
mqtt_changed(void)
{
	alarm_json_broker(mq.up, mq.down_since);
	if (mq.hooks.changed != NULL)
		mq.hooks.changed();
}

static void
mqtt_events_free(void)
{
	if (mq.rd != NULL)
		event_free(mq.rd);
	if (mq.wr != NULL)
		event_free(mq.wr);
	mq.rd = mq.wr = NULL;
	mq.fd = -1;
}

/* Down: try again after the back-off; every failure is logged once. */
static void
mqtt_down(const char *why)
{
	if (mq.up) {
		mq.down_since = clock_wall();
		COUNT(C_MQTT_DOWN);
		mq.up = 0;
		mqtt_changed();
	}
	if (mq.retry_at != 0)
		return;			/* this failure is said already */
	strlcpy(mq.why, why, sizeof mq.why);
	mq.why[strcspn(mq.why, ".")] = '\0';	/* "...: not authorised." */
	log_warnx("mqtt: %s:%d: %s; next try in %lld s", mq.cfg->mqtt_host,
	    mq.cfg->mqtt_port, mq.why, (long long)mq.backoff / 1000);
	mq.retry_at = clock_mono() + mq.backoff;
	mq.backoff = mq.backoff * 2 > MQTT_BACKOFF_MAX ? MQTT_BACKOFF_MAX :
	    mq.backoff * 2;
}

static void
mqtt_check(int rc)
{
	if (rc == MOSQ_ERR_SUCCESS)
		return;
	mqtt_down(rc == MOSQ_ERR_ERRNO ? strerror(errno) :
	    mosquitto_strerror(rc));
}

static void
mqtt_read_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	/* Also drives a TLS handshake in progress. */
	mqtt_check(mosquitto_loop_read(mq.mosq, 16));
	mqtt_sync();
}

static void
mqtt_write_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	mqtt_check(mosquitto_loop_write(mq.mosq, 16));
	mqtt_sync();
}

/*
 * After every call into libmosquitto: its socket may be new or gone
 * (events follow it), and it may have output waiting (write event).
 */
static void
mqtt_sync(void)
{
	int	 fd = mosquitto_socket(mq.mosq);

	if (fd != mq.fd) {
		mqtt_events_free();
		if (fd != -1) {
			mq.fd = fd;
			mq.rd = event_new(mq.base, fd, EV_READ | EV_PERSIST,
			    mqtt_read_cb, NULL);
			mq.wr = event_new(mq.base, fd, EV_WRITE,
			    mqtt_write_cb, NULL);
			event_add(mq.rd, NULL);
		}
	}
	if (fd == -1) {
		if (mq.up || mq.retry_at == 0)
			mqtt_down(mq.why[0] != '\0' ? mq.why :
			    "connection lost");
		return;
	}
	if (mosquitto_want_write(mq.mosq))
		event_add(mq.wr, NULL);
}

static void
mqtt_on_connect(struct mosquitto *m, void *arg, int rc)
{
	(void)m;
	(void)arg;
	if (rc != 0) {
		mqtt_down(mosquitto_connack_string(rc));
		return;
	}
	mq.up = 1;
	mq.down_since = 0;
	mq.retry_at = 0;
	mq.why[0] = '\0';
	mq.backoff = MQTT_BACKOFF_MIN;
	COUNT(C_MQTT_CONNECTS);
	log_notice("mqtt: connected to %s:%d as %s", mq.cfg->mqtt_host,
	    mq.cfg->mqtt_port, mq.cfg->mqtt_client_id);
	if (mq.hooks.up != NULL)
		mq.hooks.up();
	mqtt_changed();
}

static void
mqtt_on_disconnect(struct mosquitto *m, void *arg, int rc)
{
	(void)m;
	(void)arg;
	mqtt_down(rc == 0 ? "disconnected" : "connection lost");
}

static void
mqtt_on_publish(struct mosquitto *m, void *arg, int mid)
{
	(void)m;
	(void)arg;
	(void)mid;
	if (mq.out > 0)
		mq.out--;
}

static void
mqtt_on_message(struct mosquitto *m, void *arg,
    const struct mosquitto_message *msg)
{
	(void)m;
	(void)arg;
	COUNT(C_MQTT_MESSAGES);
	if (mq.hooks.message != NULL && msg->payloadlen >= 0)
		mq.hooks.message(msg->topic, msg->payload,
		    (size_t)msg->payloadlen);
}

/* A try: connect (or reconnect) without waiting for the broker. */
static void
mqtt_try(void)
{
	int	 rc;

	mq.retry_at = 0;
	rc = mosquitto_connect_async(mq.mosq, mq.cfg->mqtt_host,
	    mq.cfg->mqtt_port, mq.cfg->mqtt_keepalive);
	if (rc != MOSQ_ERR_SUCCESS)
		mqtt_check(rc);
	mqtt_sync();
}

/* The password: the first line of a file only its owner may read. */
static int
mqtt_password(const char *path, char *pw, size_t size, char **cause)
{
	struct stat	 sb;
	FILE		*f;
	int		 rc = -1;

	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "mqtt_password_file %s: %s", path,
		    strerror(errno));
		return (-1);
	}
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    (sb.st_mode & 077) != 0)
		xasprintf(cause, "mqtt_password_file %s: not a regular "
		    "file of mode 0600 or less", path);
	else if (fgets(pw, size, f) == NULL || (strchr(pw, '\n') == NULL &&
	    strlen(pw) == size - 1) || (pw[strcspn(pw, "\r\n")] = '\0',
	    pw[0] == '\0'))
		xasprintf(cause, "mqtt_password_file %s: empty, or a "
		    "line longer than %zu bytes", path, size - 2);
	else
		rc = 0;
	fclose(f);
	return (rc);
}

/* Credentials and TLS, as the configuration says. 0 or -1. */
static int
mqtt_setup(const struct config *cfg, char **cause)
{
	char	 pw[MQTT_PASSWORD_MAX];
	int	 rc;

	if (cfg->mqtt_username[0] != '\0') {
		pw[0] = '\0';
		if (cfg->mqtt_password_file[0] != '\0' &&
		    mqtt_password(cfg->mqtt_password_file, pw, sizeof pw,
		    cause) != 0)
			return (-1);
		rc = mosquitto_username_pw_set(mq.mosq, cfg->mqtt_username,
		    pw[0] != '\0' ? pw : NULL);
		explicit_bzero(pw, sizeof pw);
		if (rc != MOSQ_ERR_SUCCESS) {
			xasprintf(cause, "mqtt_username: %s",
			    mosquitto_strerror(rc));
			return (-1);
		}
	}
	if (cfg->mqtt_ca_file[0] == '\0')
		return (0);
	rc = mosquitto_tls_set(mq.mosq, cfg->mqtt_ca_file, NULL,
	    cfg->mqtt_cert_file[0] != '\0' ? cfg->mqtt_cert_file : NULL,
	    cfg->mqtt_key_file[0] != '\0' ? cfg->mqtt_key_file : NULL, NULL);
	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_tls_opts_set(mq.mosq, 1, "tlsv1.2", NULL);
	if (rc != MOSQ_ERR_SUCCESS) {
		xasprintf(cause, "mqtt TLS (%s): %s", cfg->mqtt_ca_file,
		    rc == MOSQ_ERR_ERRNO ? strerror(errno) :
		    mosquitto_strerror(rc));
		return (-1);
	}
	return (0);
}

int
mqtt_start(struct event_base *base, const struct config *cfg,
    const struct mqtt_hooks *hooks, char **cause)
{
	if (cfg->mqtt_host[0] == '\0')
		return (0);		/* no broker */
	mosquitto_lib_init();
	mq.cfg = cfg;
	mq.base = base;
	mq.hooks = *hooks;
	mq.backoff = MQTT_BACKOFF_MIN;
	mq.down_since = clock_wall();
	strlcpy(mq.why, "not connected yet", sizeof mq.why);
	alarm_json_broker(0, mq.down_since);
	/* A session the broker keeps: unit events queue while arcd is away. */
	if ((mq.mosq = mosquitto_new(cfg->mqtt_client_id, false, NULL)) ==
	    NULL) {
		xasprintf(cause, "mqtt: %s", strerror(errno));
		return (-1);
	}
	mosquitto_int_option(mq.mosq, MOSQ_OPT_PROTOCOL_VERSION,
	    MQTT_PROTOCOL_V311);
	/* Unit ACKs and pages are QoS 1: none held back by a window. */
	mosquitto_max_inflight_messages_set(mq.mosq, 0);
	if (mqtt_setup(cfg, cause) != 0) {
		mqtt_stop();
		return (-1);
	}
	mosquitto_connect_callback_set(mq.mosq, mqtt_on_connect);
	mosquitto_disconnect_callback_set(mq.mosq, mqtt_on_disconnect);
	mosquitto_message_callback_set(mq.mosq, mqtt_on_message);
	mosquitto_publish_callback_set(mq.mosq, mqtt_on_publish);
	mqtt_try();
	return (0);
}

void
mqtt_stop(void)
{
	if (mq.mosq == NULL)
		return;
	if (mq.up) {
		mosquitto_disconnect(mq.mosq);
		mosquitto_loop_write(mq.mosq, 1);	/* say goodbye */
	}
	mqtt_events_free();
	mosquitto_destroy(mq.mosq);
	mq.mosq = NULL;
	mq.up = 0;
	mosquitto_lib_cleanup();
}

/* Once a second: keepalive, and a try when the back-off has passed. */
void
mqtt_tick(void)
{
	if (mq.mosq == NULL)
		return;
	if (!mq.up && mq.retry_at != 0 && clock_mono() >= mq.retry_at) {
		mqtt_try();
		return;
	}
	if (mq.fd != -1)
		mqtt_check(mosquitto_loop_misc(mq.mosq));
	mqtt_sync();
}

int
mqtt_publish(const char *topic, const void *payload, size_t len, int qos,
    int retain)
{
	int	 rc;

	if (mq.mosq == NULL || !mq.up || (qos > 0 && mq.out >= MQTT_OUT_MAX)) {
		/* Down, or the broker is not taking what we send: bounded. */
		COUNT(C_MQTT_NOT_SENT);
		return (-1);
	}
	rc = mosquitto_publish(mq.mosq, NULL, topic, (int)len, payload, qos,
	    retain != 0);
	if (rc == MOSQ_ERR_SUCCESS && qos > 0)
		mq.out++;
	if (rc != MOSQ_ERR_SUCCESS) {
		COUNT(C_MQTT_NOT_SENT);
		mqtt_check(rc);
		mqtt_sync();
		return (-1);
	}
	COUNT(C_MQTT_PUBLISHED);
	mqtt_sync();
	return (0);
}

int
mqtt_subscribe(const char *pattern, int qos)
{
	int	 rc;

	if (mq.mosq == NULL || !mq.up)
		return (-1);
	rc = mosquitto_subscribe(mq.mosq, NULL, pattern, qos);
	mqtt_sync();
	if (rc != MOSQ_ERR_SUCCESS) {
		log_warnx("mqtt: subscribe %s: %s", pattern,
		    mosquitto_strerror(rc));
		return (-1);
	}
	return (0);
}

const char *
mqtt_prefix(void)
{
	return (mq.cfg != NULL ? mq.cfg->mqtt_prefix : "arc");
}

size_t
mqtt_outstanding(void)
{
	return (mq.out);
}

enum mqtt_state
mqtt_state(int64_t *since)
{
	*since = mq.down_since;
	if (mq.mosq == NULL)
		return (MQTT_OFF);
	return (mq.up ? MQTT_UP : MQTT_DOWN);
}
