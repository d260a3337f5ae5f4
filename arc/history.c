/*
 * history.c -- what a console shows of an open alarm besides its row: a
 * window of its newest HISTORY_EVENTS events and HISTORY_NOTES notes and
 * how many of each it has in all, kept in memory as they are stored (and
 * read once at start-up), so a broadcast or a login's snapshot reads no
 * SQLite and an alarm with a thousand notes costs what one with twenty
 * does. Older events and notes are paged from the database on request.
 * Dropped when the alarm's close is shown.
 *
 * Thread: the network thread.
 */
#include <stdlib.h>
#include <string.h>

#include "arc.h"

struct history {
	struct history_event	 ev[HISTORY_EVENTS];	/* a ring */
	size_t			 nev, evhead;		/* head: next slot */
	int64_t			 evtotal;
	struct history_note	 notes[HISTORY_NOTES];	/* a ring */
	size_t			 nnotes, nhead;
	int64_t			 ntotal;
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

/* The same fixed, NUL-terminated arrays: copied whole, no strlen. */
void
history_copy(struct history_event *he, const struct db_event *e)
{
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
}

void
history_event(int64_t alarm_id, const struct db_event *e)
{
	struct history	*h = history_get(alarm_id, 1);

	history_copy(&h->ev[h->evhead], e);
	h->evhead = (h->evhead + 1) % HISTORY_EVENTS;
	if (h->nev < HISTORY_EVENTS)
		h->nev++;
	h->evtotal++;
}

void
history_note(int64_t alarm_id, int64_t id, int64_t at, const char *op,
    const char *text)
{
	struct history		*h = history_get(alarm_id, 1);
	struct history_note	*n = &h->notes[h->nhead];

	free(n->text);			/* the oldest, out of the window */
	n->id = id;
	n->at = at;
	strlcpy(n->op, op, sizeof n->op);
	n->text = xstrdup(text);
	h->nhead = (h->nhead + 1) % HISTORY_NOTES;
	if (h->nnotes < HISTORY_NOTES)
		h->nnotes++;
	h->ntotal++;
}

void
history_each_event(int64_t alarm_id,
    void (*fn)(const struct history_event *, void *), void *arg)
{
	struct history	*h = history_get(alarm_id, 0);
	size_t		 i;

	for (i = 1; h != NULL && i <= h->nev; i++)
		fn(&h->ev[(h->evhead + HISTORY_EVENTS - i) % HISTORY_EVENTS],
		    arg);
}

void
history_each_note(int64_t alarm_id,
    void (*fn)(const struct history_note *, void *), void *arg)
{
	struct history	*h = history_get(alarm_id, 0);
	size_t		 i;

	for (i = h != NULL ? h->nnotes : 0; i > 0; i--)
		fn(&h->notes[(h->nhead + HISTORY_NOTES - i) % HISTORY_NOTES],
		    arg);
}

const struct history_event *
history_oldest(int64_t alarm_id)
{
	struct history	*h = history_get(alarm_id, 0);

	if (h == NULL || h->nev == 0)
		return (NULL);
	return (&h->ev[(h->evhead + HISTORY_EVENTS - h->nev) %
	    HISTORY_EVENTS]);
}

const struct history_event *
history_newest(int64_t alarm_id)
{
	struct history	*h = history_get(alarm_id, 0);

	if (h == NULL || h->nev == 0)
		return (NULL);
	return (&h->ev[(h->evhead + HISTORY_EVENTS - 1) % HISTORY_EVENTS]);
}

int64_t
history_events_total(int64_t alarm_id)
{
	struct history	*h = history_get(alarm_id, 0);

	return (h != NULL ? h->evtotal : 0);
}

int64_t
history_notes_total(int64_t alarm_id)
{
	struct history	*h = history_get(alarm_id, 0);

	return (h != NULL ? h->ntotal : 0);
}

static void
history_free(struct history *h)
{
	size_t	 i;

	for (i = 0; i < HISTORY_NOTES; i++)
		free(h->notes[i].text);
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

/* Start-up: rows come newest first; the window is filled oldest first. */
struct history_load {
	struct db_event	 ev[HISTORY_EVENTS];
	size_t		 nev;
	struct {
		int64_t	 id, at;
		char	 op[32];
		char	*text;
	}		 notes[HISTORY_NOTES];
	size_t		 nnotes;
};

static int
history_load_event(const struct db_event *e, void *arg)
{
	struct history_load	*l = arg;

	if (l->nev < HISTORY_EVENTS)
		l->ev[l->nev++] = *e;
	return (0);
}

static int
history_load_note(const struct db_note *n, void *arg)
{
	struct history_load	*l = arg;

	if (l->nnotes == HISTORY_NOTES)
		return (1);
	l->notes[l->nnotes].id = n->id;
	l->notes[l->nnotes].at = n->at;
	strlcpy(l->notes[l->nnotes].op, n->op, sizeof l->notes[0].op);
	l->notes[l->nnotes++].text = xstrdup(n->text);
	return (0);
}

int
history_load(struct db *db, int64_t alarm_id)
{
	struct history_load	*l;
	struct history		*h;
	int64_t			 nev, nnotes;
	size_t			 i;
	int			 rc = -1;

	l = xcalloc(1, sizeof *l);
	if (db_alarm_events(db, alarm_id, 0, HISTORY_EVENTS,
	    history_load_event, l) != 0 || db_alarm_notes(db, alarm_id, 0,
	    HISTORY_NOTES, history_load_note, l) != 0 ||
	    db_alarm_counts(db, alarm_id, &nev, &nnotes) != 0)
		goto out;
	for (i = l->nev; i > 0; i--)
		history_event(alarm_id, &l->ev[i - 1]);
	for (i = l->nnotes; i > 0; i--)
		history_note(alarm_id, l->notes[i - 1].id, l->notes[i - 1].at,
		    l->notes[i - 1].op, l->notes[i - 1].text);
	if ((h = history_get(alarm_id, 0)) != NULL) {
		h->evtotal = nev;
		h->ntotal = nnotes;
	}
	rc = 0;
out:
	for (i = 0; i < l->nnotes; i++)
		free(l->notes[i].text);
	free(l);
	return (rc);
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
