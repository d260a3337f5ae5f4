/*
 * responder_link.c -- arc-responder's link to the MQTT broker, driven
 * from the main loop (no libmosquitto thread): responder.c polls the
 * socket this file gives it beside the terminal, and calls
 * responder_link_run() each turn, which reads, writes and keeps alive
 * (mosquitto_loop_read/write/misc). libmosquitto's callbacks therefore
 * run on the main thread, inside responder_link_run(), and touch only
 * this link and the book: there is one thread and nothing to lock.
 *
 * The session is persistent (clean session off, the fixed client id
 * arc-responder-<id>, QoS 1 both ways): pages and acks the broker holds
 * while we are away come when we are back. Down (refused, lost, never
 * up) it tries again after a back-off that doubles from 1 s to 10 s on
 * the monotonic clock; the book (the pages on screen) is kept meanwhile.
 */
#include <sys/stat.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>

#include "runtime.h"
#include "responder.h"

#define LINK_BACKOFF_MIN	1000	/* ms */
#define LINK_BACKOFF_MAX	10000
#define LINK_PASSWORD_MAX	256

struct resp_link {
	struct resp_link_opts	 o;		/* strings borrowed (argv) */
	struct resp_book	*book;		/* borrowed */
	struct mosquitto	*mosq;		/* owned */
	char			 topic_page[128];
	char			 topic_ack[128];
	char			 topic_reply[128];
	int			 up;
	int			 sub_mid[2];	/* the SUBSCRIBEs in flight */
	int			 changed;	/* the screen should redraw */
	int64_t			 retry_at;	/* mono ms; 0: not waiting */
	int64_t			 backoff;
	char			 status[160];
};

/* Down: say why, try again after the back-off. */
static void
responder_link_down(struct resp_link *l, const char *why, int64_t now)
{
	l->up = 0;
	l->changed = 1;
	l->retry_at = now + l->backoff;
	snprintf(l->status, sizeof l->status, "%s:%d: %s; next try in %lld s",
	    l->o.host, l->o.port, why, (long long)l->backoff / 1000);
	l->backoff = l->backoff * 2 > LINK_BACKOFF_MAX ? LINK_BACKOFF_MAX :
	    l->backoff * 2;
}

static void
responder_link_check(struct resp_link *l, int rc, int64_t now)
{
	if (rc == MOSQ_ERR_SUCCESS)
		return;
	if (l->up || l->retry_at == 0)
		responder_link_down(l, rc == MOSQ_ERR_ERRNO ? strerror(errno) :
		    mosquitto_strerror(rc), now);
}

static void
responder_link_on_connect(struct mosquitto *m, void *arg, int rc)
{
	struct resp_link	*l = arg;

	if (rc != 0) {
		responder_link_down(l, mosquitto_connack_string(rc),
		    clock_mono());
		mosquitto_disconnect(m);
		return;
	}
	l->up = 1;
	l->changed = 1;
	l->retry_at = 0;
	l->backoff = LINK_BACKOFF_MIN;
	snprintf(l->status, sizeof l->status, "connected to %s:%d, "
	    "subscribing", l->o.host, l->o.port);
	/* The session keeps them; subscribing again costs nothing. */
	mosquitto_subscribe(m, &l->sub_mid[0], l->topic_page, 1);
	mosquitto_subscribe(m, &l->sub_mid[1], l->topic_ack, 1);
}

/* Both SUBACKs: pages reach us from now on (said, for tests too). */
static void
responder_link_on_subscribe(struct mosquitto *m, void *arg, int mid,
    int nqos, const int *qos)
{
	struct resp_link	*l = arg;

	(void)m;
	if (nqos < 1 || qos[0] > 2) {
		snprintf(l->status, sizeof l->status, "%s:%d: subscription "
		    "refused (the broker's ACL?)", l->o.host, l->o.port);
		l->changed = 1;
		return;
	}
	if (mid == l->sub_mid[0])
		l->sub_mid[0] = 0;
	if (mid == l->sub_mid[1])
		l->sub_mid[1] = 0;
	if (l->sub_mid[0] != 0 || l->sub_mid[1] != 0)
		return;
	snprintf(l->status, sizeof l->status, "connected to %s:%d as "
	    "responder %lld", l->o.host, l->o.port, (long long)l->o.id);
	l->changed = 1;
}

static void
responder_link_on_disconnect(struct mosquitto *m, void *arg, int rc)
{
	struct resp_link	*l = arg;

	(void)m;
	if (l->up || l->retry_at == 0)
		responder_link_down(l, rc == 0 ? "disconnected" :
		    "connection lost", clock_mono());
}

static void
responder_link_on_message(struct mosquitto *m, void *arg,
    const struct mosquitto_message *msg)
{
	struct resp_link	*l = arg;
	const char		*kind = NULL;

	(void)m;
	if (msg->payloadlen < 0)
		return;
	if (strcmp(msg->topic, l->topic_page) == 0)
		kind = "page";
	else if (strcmp(msg->topic, l->topic_ack) == 0)
		kind = "ack";
	else {
		l->book->stray++;
		return;
	}
	if (responder_book_input(l->book, kind, msg->payload,
	    (size_t)msg->payloadlen, clock_mono()) != 0)
		l->changed = 1;
}

/* The password: the first line of a file only its owner may read. */
static int
responder_link_password(const char *path, char *pw, size_t size,
    char **cause)
{
	struct stat	 sb;
	FILE		*f;
	int		 rc = -1;

	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    (sb.st_mode & 077) != 0)
		xasprintf(cause, "%s: not a regular file of mode 0600 or "
		    "less", path);
	else if (fgets(pw, size, f) == NULL || (strchr(pw, '\n') == NULL &&
	    strlen(pw) == size - 1) || (pw[strcspn(pw, "\r\n")] = '\0',
	    pw[0] == '\0'))
		xasprintf(cause, "%s: empty, or a line longer than %zu bytes",
		    path, size - 2);
	else
		rc = 0;
	fclose(f);
	return (rc);
}

/* Credentials and TLS, as the options say. 0 or -1 and *cause. */
static int
responder_link_setup(struct resp_link *l, char **cause)
{
	char	 pw[LINK_PASSWORD_MAX];
	int	 rc;

	if (l->o.user != NULL) {
		pw[0] = '\0';
		if (l->o.password_file != NULL &&
		    responder_link_password(l->o.password_file, pw, sizeof pw,
		    cause) != 0)
			return (-1);
		rc = mosquitto_username_pw_set(l->mosq, l->o.user,
		    pw[0] != '\0' ? pw : NULL);
		explicit_bzero(pw, sizeof pw);
		if (rc != MOSQ_ERR_SUCCESS) {
			xasprintf(cause, "-u: %s", mosquitto_strerror(rc));
			return (-1);
		}
	}
	if (l->o.ca_file == NULL)
		return (0);
	rc = mosquitto_tls_set(l->mosq, l->o.ca_file, NULL, l->o.cert_file,
	    l->o.key_file, NULL);
	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_tls_opts_set(l->mosq, 1, "tlsv1.2", NULL);
	if (rc != MOSQ_ERR_SUCCESS) {
		xasprintf(cause, "TLS (%s): %s", l->o.ca_file,
		    rc == MOSQ_ERR_ERRNO ? strerror(errno) :
		    mosquitto_strerror(rc));
		return (-1);
	}
	return (0);
}

/* The link, not yet connected (the first run tries); NULL and *cause. */
struct resp_link *
responder_link_new(const struct resp_link_opts *o, struct resp_book *book,
    char **cause)
{
	struct resp_link	*l;
	char			 id[64];

	l = xcalloc(1, sizeof *l);
	l->o = *o;
	l->book = book;
	l->backoff = LINK_BACKOFF_MIN;
	snprintf(l->topic_page, sizeof l->topic_page, "%s/responder/%lld/page",
	    o->prefix, (long long)o->id);
	snprintf(l->topic_ack, sizeof l->topic_ack, "%s/responder/%lld/ack",
	    o->prefix, (long long)o->id);
	snprintf(l->topic_reply, sizeof l->topic_reply,
	    "%s/responder/%lld/reply", o->prefix, (long long)o->id);
	snprintf(l->status, sizeof l->status, "connecting to %s:%d",
	    o->host, o->port);
	snprintf(id, sizeof id, "arc-responder-%lld", (long long)o->id);
	mosquitto_lib_init();
	if ((l->mosq = mosquitto_new(id, false, l)) == NULL) {
		xasprintf(cause, "mosquitto_new: %s", strerror(errno));
		goto fail;
	}
	mosquitto_int_option(l->mosq, MOSQ_OPT_PROTOCOL_VERSION,
	    MQTT_PROTOCOL_V311);
	if (responder_link_setup(l, cause) != 0)
		goto fail;
	mosquitto_connect_callback_set(l->mosq, responder_link_on_connect);
	mosquitto_disconnect_callback_set(l->mosq,
	    responder_link_on_disconnect);
	mosquitto_message_callback_set(l->mosq, responder_link_on_message);
	mosquitto_subscribe_callback_set(l->mosq, responder_link_on_subscribe);
	l->retry_at = 1;		/* the first run tries */
	return (l);
fail:
	responder_link_free(l);
	return (NULL);
}

void
responder_link_free(struct resp_link *l)
{
	if (l == NULL)
		return;
	if (l->mosq != NULL) {
		if (l->up) {
			mosquitto_disconnect(l->mosq);
			mosquitto_loop_write(l->mosq, 1); /* say goodbye */
		}
		mosquitto_destroy(l->mosq);
	}
	mosquitto_lib_cleanup();
	free(l);
}

/* The socket to poll and for what (POLLIN, POLLOUT), or -1. */
int
responder_link_fd(const struct resp_link *l, short *events)
{
	int	 fd = mosquitto_socket(l->mosq);

	*events = POLLIN;
	if (fd != -1 && mosquitto_want_write(l->mosq))
		*events |= POLLOUT;
	return (fd);
}

/* One turn: try to connect if due, read and write what poll said. */
void
responder_link_run(struct resp_link *l, int revents, int64_t now)
{
	int	 rc;

	if (mosquitto_socket(l->mosq) == -1) {
		if (l->retry_at == 0)	/* lost without a callback */
			responder_link_down(l, "connection lost", now);
		if (now < l->retry_at)
			return;
		l->retry_at = 0;
		rc = mosquitto_connect_async(l->mosq, l->o.host, l->o.port,
		    l->o.keepalive);
		responder_link_check(l, rc, now);
		return;
	}
	if (revents & (POLLIN | POLLERR | POLLHUP))
		responder_link_check(l, mosquitto_loop_read(l->mosq, 16), now);
	if (mosquitto_socket(l->mosq) != -1 && (revents & POLLOUT))
		responder_link_check(l, mosquitto_loop_write(l->mosq, 16),
		    now);
	if (mosquitto_socket(l->mosq) != -1)
		responder_link_check(l, mosquitto_loop_misc(l->mosq), now);
}

int
responder_link_up(const struct resp_link *l)
{
	return (l->up);
}

const char *
responder_link_status(const struct resp_link *l)
{
	return (l->status);
}

/* Did anything change since the last call (redraw)? */
int
responder_link_changed(struct resp_link *l)
{
	int	 c = l->changed;

	l->changed = 0;
	return (c);
}

/* Send a reply (QoS 1). 0, or -1 and *cause (not connected, ...). */
int
responder_link_reply(struct resp_link *l, int64_t page, enum resp_action a,
    char **cause)
{
	char	*s;
	int	 rc;

	if (!l->up) {
		xasprintf(cause, "not connected to the broker");
		return (-1);
	}
	s = responder_msg_reply(page, a, NULL);
	rc = mosquitto_publish(l->mosq, NULL, l->topic_reply, (int)strlen(s),
	    s, 1, false);
	free(s);
	if (rc != MOSQ_ERR_SUCCESS) {
		xasprintf(cause, "%s", mosquitto_strerror(rc));
		return (-1);
	}
	return (0);
}
