/*
 * incident.c -- what a storm means for a technical alarm just opened: a
 * verdict, which alarm_event.c applies (one writer per field).
 *
 * storm.c counts the distinct units per code within its window. At the
 * threshold a storm begins: one incident (an alarm with account "*CODE",
 * no unit) collects the code's waiting alarms and every new one, so the
 * queue shows one row with a live count. Past a tenth of the threshold a
 * storm is suspected: new alarms of the code are held (at most one
 * window) until it is clear whether they collapse. P1 and P2 never
 * collapse, and arc's runaway alarms ("RU") are never counted.
 *
 * Thread: network thread.
 */
#include <string.h>

#include "core.h"

enum storm_verdict
incident_judge(const char *code, uint64_t unit_key, int64_t mono,
    int64_t *id, int64_t *until)
{
	int	 n;

	*id = 0;
	*until = 0;
	if (strcmp(code, ALARM_RUNAWAY) == 0)
		return (STORM_NONE);
	n = storm_count(code, unit_key, mono);
	if ((*id = storm_incident(code)) != 0)
		return (STORM_JOIN);
	if (n >= storm_threshold_units())
		return (STORM_START);
	if (n >= storm_suspect_units()) {
		*until = mono + storm_window_ms();
		return (STORM_SUSPECT);
	}
	return (STORM_NONE);
}
