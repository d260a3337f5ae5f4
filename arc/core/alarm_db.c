/*
 * alarm_db.c -- alarms to and from their database rows: the one place the
 * core converts (struct alarm <-> struct db_alarm, names for enums), and
 * the rebuild at start-up. No SQL: the pipeline reads the rows.
 *
 * Thread: the network thread (and start-up, before the loop runs).
 */
#include <string.h>

#include "core.h"

void
alarm_to_db(const struct alarm *a, struct db_alarm *da)
{
	memset(da, 0, sizeof *da);
	da->id = a->id;
	da->unit_id = a->unit_id;
	strlcpy(da->account, a->account, sizeof da->account);
	da->class = a->class;
	strlcpy(da->code, a->code, sizeof da->code);
	strlcpy(da->state, alarm_state_name(a->state), sizeof da->state);
	strlcpy(da->operator, a->operator, sizeof da->operator);
	da->opened_at = a->opened_at;
	da->last_at = a->last_at;
	da->offered_at = a->offered_at;
	da->accepted_at = a->accepted_at;
	da->closed_at = a->closed_at;
	da->count = a->count;
	strlcpy(da->outcome, alarm_outcome_name(a->outcome),
	    sizeof da->outcome);
	if (a->outcome_text != NULL)
		strlcpy(da->outcome_text, a->outcome_text,
		    sizeof da->outcome_text);
	da->incident_id = a->incident_id;
	da->restored_at = a->restored_at;
}

static enum alarm_outcome
alarm_outcome_of(const char *s)
{
	int	 o;

	for (o = OUTCOME_NO_ASSISTANCE; o < OUTCOME_MAX; o++)
		if (strcmp(s, alarm_outcome_name(o)) == 0)
			return (o);
	return (OUTCOME_NONE);
}

/* A detached copy (e.g. of a closed alarm, to show it once more). */
void
alarm_from_db(const struct db_alarm *da, struct alarm *a)
{
	memset(a, 0, sizeof *a);
	a->id = da->id;
	a->unit_id = da->unit_id;
	strlcpy(a->account, da->account, sizeof a->account);
	a->class = da->class;
	strlcpy(a->code, da->code, sizeof a->code);
	a->state = alarm_state_parse(da->state);
	strlcpy(a->operator, da->operator, sizeof a->operator);
	a->opened_at = da->opened_at;
	a->last_at = da->last_at;
	a->offered_at = da->offered_at;
	a->accepted_at = da->accepted_at;
	a->closed_at = da->closed_at;
	a->count = da->count;
	a->incident_id = da->incident_id;
	a->incident = da->account[0] == ALARM_INCIDENT;
	a->restored_at = da->restored_at;
	a->outcome = alarm_outcome_of(da->outcome);
	a->heap = SIZE_MAX;
}

/*
 * An open alarm from its row, at start-up. Offers do not survive a
 * restart; handled alarms keep their operator (who has one console grace
 * to log in again: operator.c).
 */
void
alarm_restore(const struct db_alarm *da, int64_t wall)
{
	struct alarm	*a;
	enum alarm_state s;

	a = alarm_add(da->id, da->unit_id, da->account);
	a->class = da->class;
	strlcpy(a->code, da->code, sizeof a->code);
	a->opened_at = da->opened_at;
	a->last_at = da->last_at;
	a->offered_at = da->offered_at;
	a->accepted_at = da->accepted_at;
	a->count = da->count;
	s = alarm_state_parse(da->state);
	if (s == ALARM_HANDLING)
		strlcpy(a->operator, da->operator, sizeof a->operator);
	a->state = s == ALARM_HANDLING ? ALARM_HANDLING : ALARM_WAITING;
	a->incident_id = da->incident_id;
	a->restored_at = da->restored_at;
	if ((a->incident = da->account[0] == ALARM_INCIDENT))
		storm_set_incident(a->code, a->id);
	if (a->state == ALARM_HANDLING)
		operator_hold(a->operator, a->id);
	a->stored = 1;
	alarm_snapshot(a, &a->saved);
	if (a->accepted_at != 0) {
		stats_day_roll(wall);
		stats_count_answer(a);
	}
}

static void
alarm_orphan_one(struct alarm *a, void *arg)
{
	struct alarm	*inc;

	(void)arg;
	if (a->incident_id != 0 && ((inc = alarm_find(a->incident_id)) ==
	    NULL || !inc->incident))
		a->incident_id = 0;	/* its incident is closed */
	alarm_queue(a);
}

/* After every open alarm is restored: queue them; orphans stand alone. */
void
alarm_restore_done(void)
{
	alarm_each(alarm_orphan_one, NULL);
}
