/*
 * history.c -- what a console shows of an open alarm besides its row:
 * its newest HISTORY_EVENTS events and its notes, kept in memory as they
 * are stored (and read once at start-up), so a broadcast or a login's
 * snapshot reads no SQLite. Dropped when the alarm's close is shown.
 *
 * Thread: the network thread.
 */
#include <stdlib.h>
#include <string.h>

#include "arc.h"

struct history_noterec {
	int64_t		 at;
	char		 op[32];
	char		*text;		/* owned */
};

struct history {
	struct history_event	 ev[HISTORY_EVENTS];	/* a ring */
	size_t			 nev, head;		/* head: the next slot */
	struct history_noterec	*notes;			/* owned, oldest first */
	size_t			 nnotes;
};

static struct hmap	 histories;	/* alarm id -> history * */

#define HISTORY_SAME(f) _Static_assert(sizeof ((struct history_event *)0)->f \
    == sizeof ((struct db_event *)0)->f, "history_event." #f " as db_event")
HISTORY_SAME(code);
HISTORY_SAME(raw_code);
HISTORY_SAME(qualifier);
HISTORY_SAME(zone);
HISTORY_SAME(text);
HISTORY_SAME(location);

static struct history *
history_get(int64_t alarm_id, int create)
{
	struct history	*h;
	uint64_t	 v;

	if (histories.cap == 0)
		hmap_init(&histories, 256);
	if (hmap_get(&histories, (uint64_t)alarm_id, &v) == 0)
		return ((struct history *)(uintptr_t)v);
	if (!create)
		return (NULL);
	h = xcalloc(1, sizeof *h);
	hmap_put(&histories, (uint64_t)alarm_id, (uintptr_t)h);
	return (h);
}

void
history_event(int64_t alarm_id, const struct db_event *e)
{
	struct history		*h = history_get(alarm_id, 1);
	struct history_event	*he = &h->ev[h->head];

	/* The same fixed, NUL-terminated arrays: copied whole, no strlen. */
	he->id = e->id;
	he->seq = e->seq;
	memcpy(he->code, e->code, sizeof he->code);
	memcpy(he->raw_code, e->raw_code, sizeof he->raw_code);
	he->class = e->class;
	memcpy(he->qualifier, e->qualifier, sizeof he->qualifier);
	memcpy(he->zone, e->zone, sizeof he->zone);
	memcpy(he->text, e->text, sizeof he->text);
	memcpy(he->location, e->location, sizeof he->location);
	he->received_at = e->received_at;
	h->head = (h->head + 1) % HISTORY_EVENTS;
	if (h->nev < HISTORY_EVENTS)
		h->nev++;
}

void
history_note(int64_t alarm_id, int64_t at, const char *op, const char *text)
{
	struct history		*h = history_get(alarm_id, 1);
	struct history_noterec	*n;

	h->notes = xreallocarray(h->notes, h->nnotes + 1, sizeof *h->notes);
	n = &h->notes[h->nnotes++];
	n->at = at;
	strlcpy(n->op, op, sizeof n->op);
	n->text = xstrdup(text);
}

void
history_each_event(int64_t alarm_id,
    void (*fn)(const struct history_event *, void *), void *arg)
{
	struct history	*h = history_get(alarm_id, 0);
	size_t		 i;

	for (i = 1; h != NULL && i <= h->nev; i++)
		fn(&h->ev[(h->head + HISTORY_EVENTS - i) % HISTORY_EVENTS],
		    arg);
}

const struct history_event *
history_oldest(int64_t alarm_id)
{
	struct history	*h = history_get(alarm_id, 0);

	if (h == NULL || h->nev == 0)
		return (NULL);
	return (&h->ev[(h->head + HISTORY_EVENTS - h->nev) % HISTORY_EVENTS]);
}

void
history_each_note(int64_t alarm_id, void (*fn)(int64_t, const char *,
    const char *, void *), void *arg)
{
	struct history	*h = history_get(alarm_id, 0);
	size_t		 i;

	for (i = 0; h != NULL && i < h->nnotes; i++)
		fn(h->notes[i].at, h->notes[i].op, h->notes[i].text, arg);
}

static void
history_free(struct history *h)
{
	size_t	 i;

	for (i = 0; i < h->nnotes; i++)
		free(h->notes[i].text);
	free(h->notes);
	free(h);
}

void
history_drop(int64_t alarm_id)
{
	struct history	*h = history_get(alarm_id, 0);

	if (h == NULL)
		return;
	hmap_del(&histories, (uint64_t)alarm_id);
	history_free(h);
}

/* Start-up: events come newest first; keep them oldest first. */
struct history_load {
	struct db_event	 ev[HISTORY_EVENTS];
	size_t		 n;
};

static int
history_load_event(const struct db_event *e, void *arg)
{
	struct history_load	*l = arg;

	if (l->n < HISTORY_EVENTS)
		l->ev[l->n++] = *e;
	return (0);
}

static int
history_load_note(int64_t at, const char *op, const char *text, void *arg)
{
	history_note(*(int64_t *)arg, at, op, text);
	return (0);
}

int
history_load(struct db *db, int64_t alarm_id)
{
	struct history_load	*l;
	size_t			 i;

	l = xcalloc(1, sizeof *l);
	if (db_alarm_events(db, alarm_id, HISTORY_EVENTS, history_load_event,
	    l) != 0 || db_alarm_notes(db, alarm_id, history_load_note,
	    &alarm_id) != 0) {
		free(l);
		return (-1);
	}
	for (i = l->n; i > 0; i--)
		history_event(alarm_id, &l->ev[i - 1]);
	free(l);
	return (0);
}

void
history_free_all(void)
{
	uint64_t	 v;
	size_t		 it = 0;

	while (hmap_next(&histories, &it, NULL, &v))
		history_free((struct history *)(uintptr_t)v);
	hmap_free(&histories);
}
