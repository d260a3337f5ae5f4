/*
 * supervise.c -- the shift's requests beyond an alarm's own and what the
 * supervisor's screen reads off the state: away and back (any operator:
 * no offers while away), reassign (a supervisor gives an alarm to an
 * operator; to themselves it is a take-over); an operator's state, their
 * figures of today, and the queue's ageing per class.
 *
 * Above client.c (it sends through client_request), below ui_key.c and
 * ui_operators.c. No curses, no sockets; time is passed in.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "runtime.h"
#include "console.h"

/*
 * Away (no offers) or back: sent now or refused; the reply sets
 * c->away, and a new session says it again (client.c).
 */
int64_t
supervise_away(struct client *c, int away, int64_t now)
{
	struct client_request	*r;

	if (c->state != CLIENT_READY) {
		client_message(c, 1, now, "%s: not connected", away ? "away" :
		    "back");
		return (-1);
	}
	if (c->nrequests >= CLIENT_MAX_REQUESTS - CLIENT_RESERVED) {
		client_message(c, 1, now, "too many requests waiting");
		return (-1);
	}
	r = request_new(c, REQ_AWAY, 0, NULL, NULL);
	r->before = (away != 0);
	request_send(c, r, now);
	return (r->id);
}

/* Give alarm_id to login `to` (a supervisor's own: take over). */
int64_t
supervise_reassign(struct client *c, int64_t alarm_id, const char *to,
    int64_t now)
{
	if (!client_is_supervisor(c)) {
		client_message(c, 1, now, "reassign: for supervisors only");
		return (-1);
	}
	if (alarm_id <= 0 || *to == '\0' || strlen(to) >= 64) {
		client_message(c, 1, now, "reassign: no alarm or operator");
		return (-1);
	}
	return (client_request(c, REQ_REASSIGN, alarm_id, to, NULL, now));
}

/* Who has the alarm (handling it, or offered it); NULL: nobody. */
const char *
supervise_holder(struct client *c, int64_t alarm_id)
{
	struct client_alarm	*a = queue_find(c, alarm_id);

	if (a == NULL)
		return (NULL);
	if (a->state == ALARM_HANDLING)
		return (a->operator);
	if (a->state == ALARM_OFFERED)
		return (a->offered_to);
	return (NULL);
}

/*
 * "free", "offered", "handling 2", "away", "away, handling 1"; "lost"
 * when the console is gone and its grace runs.
 */
void
supervise_state(const struct client_operator *op, char *buf, size_t size)
{
	size_t	 handling = op->nhandling;

	if (strcmp(op->state, "handling") == 0 || handling > 0)
		snprintf(buf, size, "%shandling %zu", op->away ? "away, " : "",
		    handling > 0 ? handling : op->alarms_total);
	else if (op->state[0] != '\0')
		snprintf(buf, size, "%s", op->state);
	else
		snprintf(buf, size, "%s", op->alarms_total > 0 ? "offered" :
		    "free");
	if (!op->connected && strlen(buf) + 6 < size)
		strcat(buf, " lost");
}

/* Today's answers: "3 100% 100%" (within 60 s, 180 s), "0" or "-". */
void
supervise_pct(const struct client_operator *op, char *buf, size_t size)
{
	if (op->answered < 0)
		snprintf(buf, size, "-");
	else if (op->answered == 0)
		snprintf(buf, size, "0");
	else
		snprintf(buf, size, "%lld %3d%% %3d%%",
		    (long long)op->answered,
		    (int)(100 * op->within_60 / op->answered),
		    (int)(100 * op->within_180 / op->answered));
}

/*
 * The queue's ageing: per class 1..3, the alarms not yet in hand
 * (waiting or offered) and how long the oldest has waited (ms, by the
 * server's clock); count[0] and oldest[0] are all classes.
 */
void
supervise_ageing(struct client *c, int64_t now, int64_t *count,
    int64_t *oldest)
{
	struct client_alarm	*a;
	int64_t			 age;
	size_t			 i;

	memset(count, 0, 4 * sizeof *count);
	memset(oldest, 0, 4 * sizeof *oldest);
	for (i = 0; i < c->nalarms; i++) {
		a = c->alarms[i];
		if ((a->state != ALARM_WAITING && a->state != ALARM_OFFERED) ||
		    a->class < 1 || a->class > 3)
			continue;
		age = now + c->skew - a->opened_at;
		count[a->class]++;
		count[0]++;
		if (age > oldest[a->class])
			oldest[a->class] = age;
		if (age > oldest[0])
			oldest[0] = age;
	}
}
