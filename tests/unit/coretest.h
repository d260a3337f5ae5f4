/*
 * coretest.h -- what the core's tests share: the pipeline's part of a
 * write, in miniature. core_commit() takes every change the core made,
 * snapshots the rows as alarmio.c does, "stores" them (ok or failed) and
 * hands them back (alarm_done). record, if set, sees each change first.
 */
#ifndef ARC_CORETEST_H
#define ARC_CORETEST_H

#include "core.h"

static void
core_commit(struct alarm_changes *cs, int ok,
    void (*record)(const struct alarm_change *, const struct alarm *))
{
	struct alarm_change	*c;
	struct alarm		*a;
	size_t			 i;

	for (i = 0; i < cs->n; i++) {
		c = &cs->v[i];
		a = alarm_find(c->alarm_id);
		assert_non_null(a);
		c->version = a->version;
		if (c->row)
			alarm_snapshot(a, &c->snap);
		if (record != NULL)
			record(c, a);
	}
	for (i = 0; i < cs->n; i++)
		alarm_done(&cs->v[i], ok);
	alarm_changes_clear(cs);
}

#endif /* ARC_CORETEST_H */
