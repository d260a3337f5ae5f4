/*
 * respond.c -- the operator's side of an escalation ladder: send a
 * responder to the alarm in hand (send_responder), and steer the ladder
 * running: skip the responder paged now, stop it, or say the emergency
 * services were called instead ("ladder" with "do"). Sent now or refused
 * (never kept for a reconnect: the ladder may have moved meanwhile); the
 * server decides, its reply is said by client.c.
 *
 * Above client.c (it sends through client_request), below ui_key.c. No
 * curses, no sockets; time is passed in.
 */
#include <string.h>

#include "runtime.h"
#include "console.h"

/* Send a responder to alarm_id (it must be in the operator's hands). */
int64_t
respond_send(struct client *c, int64_t alarm_id, int64_t now)
{
	if (alarm_id <= 0 || queue_find(c, alarm_id) == NULL) {
		client_message(c, 1, now, "send a responder: no alarm "
		    "selected");
		return (-1);
	}
	if (c->state != CLIENT_READY) {
		client_message(c, 1, now, "send a responder: not connected");
		return (-1);
	}
	return (client_request(c, REQ_SEND_RESPONDER, alarm_id, NULL, NULL,
	    now));
}

/* Steer alarm_id's ladder: what is "skip", "stop" or "emergency". */
int64_t
respond_ladder(struct client *c, int64_t alarm_id, const char *what,
    int64_t now)
{
	if (ladder_do_label(what) == NULL) {
		client_message(c, 1, now, "ladder: no such action");
		return (-1);
	}
	if (alarm_id <= 0 || ladder_find(c, alarm_id) == NULL) {
		client_message(c, 1, now, "%s: no responder sent to this "
		    "alarm", what);
		return (-1);
	}
	if (c->state != CLIENT_READY) {
		client_message(c, 1, now, "%s: not connected", what);
		return (-1);
	}
	return (client_request(c, REQ_LADDER, alarm_id, what, NULL, now));
}
