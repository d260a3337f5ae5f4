/*
 * shown.c -- what the --console operator is shown, timed against what the
 * units sent: frame first sent -> its event shown on the console.
 *
 * Every event frame a unit sends is remembered (pending.c). An event is
 * shown when it arrives in an "alarm" (its events) or an "alarm_event"; if
 * its frame is remembered, now - first send goes into the histograms and
 * the frame is forgotten. P1 apart, by the event's own class: an alarm
 * raised to P1 by a pendant comes whole with the technical events it held
 * (a mains failure kept back by a hold or a storm), and those were not
 * late P1s (the alarm's class counts only where an event has none).
 *
 * An alarm_event names only its alarm, so the unit (from the account) and
 * the class of each open alarm are kept from its "alarm" and
 * "alarm_update" pushes: a direct-mapped table of SHOWN_ALARMS slots
 * indexed by the alarm id. arcd's ids grow by one per alarm, so an alarm is
 * overwritten only by one opened SHOWN_ALARMS alarms later while it is
 * still open: the table forgets the oldest first, and counts it. Closed
 * alarms and alarms collapsed into an incident are dropped.
 *
 * Owned by console.c; counts into its console_stats (borrowed); tells
 * loadgen.c through lg.check_done when an event was shown while draining.
 * One thread (the event loop).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "runtime.h"
#include "loadgen.h"

#define SHOWN_ALARMS	(1U << 16)	/* power of two */

struct shown_alarm {
	int64_t		 id;		/* 0: empty */
	int32_t		 idx;		/* unit, or -1: not ours */
	int32_t		 class;
};

struct shown {
	struct pending		*pending;	/* owned: frames not shown */
	struct shown_alarm	*alarm;		/* owned: SHOWN_ALARMS */
	struct hist		*all;		/* owned */
	struct hist		*p1;		/* owned */
	struct console_stats	*st;		/* borrowed */
};

struct shown *
shown_new(struct console_stats *st)
{
	struct shown	*s;

	s = xcalloc(1, sizeof *s);
	s->pending = pending_new();
	s->alarm = xcalloc(SHOWN_ALARMS, sizeof *s->alarm);
	s->all = hist_new();
	s->p1 = hist_new();
	s->st = st;
	return (s);
}

void
shown_free(struct shown *s)
{
	if (s == NULL)
		return;
	pending_free(s->pending);
	free(s->alarm);
	hist_free(s->all);
	hist_free(s->p1);
	free(s);
}

/* A unit sent an event frame for the first time. */
void
shown_sent(struct shown *s, uint32_t idx, uint16_t seq, uint64_t now)
{
	pending_sent(s->pending, idx, seq, now);
}

/* A unit's event frame was ACKed: it must be shown before the end. */
void
shown_acked(struct shown *s, uint32_t idx, uint16_t seq)
{
	pending_acked(s->pending, idx, seq);
}

/* ACKed frames not shown yet. */
uint64_t
shown_unshown(const struct shown *s)
{
	return (pending_unshown(s->pending));
}

uint64_t
shown_evicted(const struct shown *s)
{
	return (pending_evicted(s->pending));
}

/* The times from first send to shown: all, or P1 alarms only. */
const struct hist *
shown_hist(const struct shown *s, int p1)
{
	return (p1 ? s->p1 : s->all);
}

/* --- the open alarms --- */

static struct shown_alarm *
shown_slot(const struct shown *s, int64_t id)
{
	return (&s->alarm[(uint64_t)id & (SHOWN_ALARMS - 1)]);
}

/* Remember (or update) alarm id: unit idx (-1: not ours) and class. */
static void
shown_put(struct shown *s, int64_t id, int32_t idx, int32_t class)
{
	struct shown_alarm	*a;

	if (id <= 0)
		return;
	a = shown_slot(s, id);
	if (a->id != 0 && a->id != id)
		s->st->alarms_evicted++;
	a->id = id;
	a->idx = idx;
	a->class = class;
}

/* Alarm id, or NULL if it is not known. */
static struct shown_alarm *
shown_get(const struct shown *s, int64_t id)
{
	struct shown_alarm	*a;

	if (id <= 0 || (a = shown_slot(s, id))->id != id)
		return (NULL);
	return (a);
}

static void
shown_drop(struct shown *s, int64_t id)
{
	struct shown_alarm	*a;

	if ((a = shown_get(s, id)) != NULL)
		a->id = 0;
}

/* A new login: its snapshot sends every open alarm again. */
void
shown_clear(struct shown *s)
{
	memset(s->alarm, 0, SHOWN_ALARMS * sizeof *s->alarm);
}

/* Closed, or collapsed into an incident: no longer in the queue. */
static int
shown_gone(json_t *alarm)
{
	const char	*state;

	state = json_string_value(json_object_get(alarm, "state"));
	return ((state != NULL && strcmp(state, "closed") == 0) ||
	    json_is_integer(json_object_get(alarm, "incident_id")));
}

/* An account from arcd as a unit index, or -1 if it is not ours. */
static int32_t
shown_unit(const char *account)
{
	unsigned long long	 v;
	char			*end;

	if (account == NULL || *account == '\0')
		return (-1);
	errno = 0;
	v = strtoull(account, &end, 16);
	if (*end != '\0' || errno != 0 || v < lg.first_account ||
	    v - lg.first_account >= lg.units)
		return (-1);
	return ((int32_t)(v - lg.first_account));
}

/* --- events shown --- */

/* An event of an alarm of unit idx (-1: not ours) was shown: time it. */
static void
shown_one(struct shown *s, int32_t idx, int32_t class, json_t *ev,
    uint64_t now)
{
	json_t		*seq = json_object_get(ev, "seq");
	json_t		*evclass = json_object_get(ev, "class");
	uint64_t	 first;

	if (idx == -1 || !json_is_integer(seq) ||
	    json_integer_value(seq) < 0 || json_integer_value(seq) > 9999)
		return;
	if (pending_shown(s->pending, (uint32_t)idx,
	    (uint16_t)json_integer_value(seq), &first) == -1)
		return;
	if (json_is_integer(evclass))
		class = (int32_t)json_integer_value(evclass);
	hist_add(s->all, now - first);
	if (class == 1)
		hist_add(s->p1, now - first);
	s->st->events_shown++;
	if (lg.phase == PHASE_DRAIN)
		lg.check_done();
}

/* A whole alarm: first shown, in the snapshot, or asked for. */
void
shown_alarm(struct shown *s, json_t *alarm, uint64_t now)
{
	json_t		*ev;
	json_int_t	 id;
	int32_t		 idx, class;
	size_t		 n;

	id = json_integer_value(json_object_get(alarm, "id"));
	class = json_integer_value(json_object_get(alarm, "class"));
	idx = shown_unit(json_string_value(json_object_get(
	    json_object_get(alarm, "unit"), "account")));
	if (shown_gone(alarm))
		shown_drop(s, id);
	else
		shown_put(s, id, idx, class);
	json_array_foreach(json_object_get(alarm, "events"), n, ev)
		shown_one(s, idx, class, ev, now);
}

/* An alarm_update: its state, class... changed; no events in it. */
void
shown_update(struct shown *s, json_t *alarm)
{
	json_t			*class = json_object_get(alarm, "class");
	json_int_t		 id;
	struct shown_alarm	*a;

	id = json_integer_value(json_object_get(alarm, "id"));
	if (shown_gone(alarm))
		shown_drop(s, id);
	else if (json_is_integer(class) && (a = shown_get(s, id)) != NULL)
		a->class = json_integer_value(class);
}

/* An alarm_event: an event linked to an alarm sent whole before. */
void
shown_event(struct shown *s, json_t *m, uint64_t now)
{
	struct shown_alarm	*a;

	a = shown_get(s, json_integer_value(json_object_get(m, "alarm_id")));
	if (a == NULL) {
		s->st->events_unmatched++;
		return;
	}
	shown_one(s, a->idx, a->class, json_object_get(m, "event"), now);
}
