/*
 * alarmline.c -- an open alarm's whole line, {"type":"alarm","alarm":..},
 * kept as it was last serialised, so a login's snapshot of 5,000 alarms
 * copies bytes instead of building 5,000 jansson trees on the network
 * thread (an alarm with full windows of events and notes costs about
 * 0.1 ms to build, a copy a microsecond).
 *
 * A kept line is reused only while everything it was built from is as it
 * was: the alarm (its version, which every change bumps, and the count and
 * last time, which events move without a version), its history (the
 * totals of events and notes: the windows only change with them) and the
 * units and client cards (refresh.c's generation). When one of them moved
 * (at 1,000 events/s most lines do between two logins) the line is put
 * together again from its parts, each kept serialised too: the alarm's own
 * fields (built again: they are what moved), its unit and card (kept while
 * the directory and the oldest event are the same), and each event and
 * note of the windows (kept by id: a new event costs one serialisation,
 * not twenty). An incident's members change without its version:
 * incidents are built whole each time. Lines go with the alarm's history,
 * when its close is shown; held in all to ALARMLINE_MAX bytes, past which
 * a line is built, sent and not kept (console_lines_unkept).
 *
 * Thread: the network thread.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "arc.h"

struct alarmline_from {
	uint64_t	 version;
	int64_t		 last_at, events, notes;
	uint64_t	 directory;
	int		 count;
};

struct alarmline_part {
	int64_t		 id;		/* an event's, a note's */
	char		*txt;		/* owned */
	size_t		 len;
};

struct alarmline {
	struct alarmline_from	 from;
	char			*txt;	/* owned, no newline */
	size_t			 len;
	uint64_t		 card_dir;	/* the card's, as built from */
	int64_t			 card_first;	/* ... and the oldest event */
	struct alarmline_part	 card;	/* "unit":..,"client":..,".." */
	struct alarmline_part	 ev[HISTORY_EVENTS], notes[HISTORY_NOTES];
	size_t			 nev, nnotes;
	size_t			 bytes;	/* all of it, as counted */
};

/* Parts being gathered: the old ones to reuse, the new list. */
struct alarmline_gather {
	struct alarmline_part	*old, *out;
	size_t			 nold, nout;
};

static struct hmap	 lines;		/* alarm id -> alarmline * */
static size_t		 lines_bytes;

static void
alarmline_from(const struct alarm *a, struct alarmline_from *f)
{
	memset(f, 0, sizeof *f);	/* compared whole: no stray padding */
	f->version = a->version;
	f->last_at = a->last_at;
	f->count = a->count;
	f->events = history_events_total(a->id);
	f->notes = history_notes_total(a->id);
	f->directory = refresh_generation();
}

/* An object's members as text: "{...}" without its braces. */
static int
alarmline_dump(json_t *o, struct alarmline_part *p)
{
	char	*txt;
	size_t	 len;

	txt = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (txt == NULL || (len = strlen(txt)) < 2)
		return (free(txt), -1);
	p->txt = txt;
	p->len = len;
	return (0);
}

/* The old part with this id, kept: 1; 0 if there is none. */
static int
alarmline_reuse(struct alarmline_gather *g, int64_t id)
{
	size_t	 i;

	for (i = 0; i < g->nold; i++) {
		if (g->old[i].txt != NULL && g->old[i].id == id) {
			g->out[g->nout++] = g->old[i];
			g->old[i].txt = NULL;
			return (1);
		}
	}
	return (0);
}

static void
alarmline_add(struct alarmline_gather *g, int64_t id, json_t *o)
{
	if (alarmline_dump(o, &g->out[g->nout]) == 0)
		g->out[g->nout++].id = id;
}

static void
alarmline_event(const struct history_event *e, void *arg)
{
	struct alarmline_gather	*g = arg;

	if (!alarmline_reuse(g, e->id))
		alarmline_add(g, e->id, alarm_json_event(e));
}

static void
alarmline_note(const struct history_note *n, void *arg)
{
	struct alarmline_gather	*g = arg;

	if (!alarmline_reuse(g, n->id))
		alarmline_add(g, n->id, alarm_json_note(n));
}

static void
alarmline_parts_free(struct alarmline_part *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(p[i].txt);
}

/* The windows: the parts still in them kept, the rest freed. */
static void
alarmline_windows(const struct alarm *a, struct alarmline *l)
{
	struct alarmline_part	 ev[HISTORY_EVENTS], notes[HISTORY_NOTES];
	struct alarmline_gather	 g;

	g = (struct alarmline_gather){ l->ev, ev, l->nev, 0 };
	history_each_event(a->id, alarmline_event, &g);
	alarmline_parts_free(l->ev, l->nev);
	memcpy(l->ev, ev, g.nout * sizeof ev[0]);
	l->nev = g.nout;
	g = (struct alarmline_gather){ l->notes, notes, l->nnotes, 0 };
	history_each_note(a->id, alarmline_note, &g);
	alarmline_parts_free(l->notes, l->nnotes);
	memcpy(l->notes, notes, g.nout * sizeof notes[0]);
	l->nnotes = g.nout;
}

/* Its unit and card, again if the directory or the oldest event moved. */
static int
alarmline_card(const struct alarm *a, struct alarmline *l)
{
	const struct history_event	*first = history_oldest(a->id);
	int64_t				 fid = first != NULL ? first->id : 0;

	if (l->card.txt != NULL && l->card_dir == l->from.directory &&
	    l->card_first == fid)
		return (0);
	free(l->card.txt);
	l->card.txt = NULL;
	l->card_dir = l->from.directory;
	l->card_first = fid;
	return (alarmline_dump(alarm_json_card(a), &l->card));
}

static char *
alarmline_cat(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return (p + n);
}

/* A list of parts: "[a,b,c]". */
static char *
alarmline_list(char *p, const struct alarmline_part *v, size_t n)
{
	size_t	 i;

	*p++ = '[';
	for (i = 0; i < n; i++) {
		if (i > 0)
			*p++ = ',';
		p = alarmline_cat(p, v[i].txt, v[i].len);
	}
	*p++ = ']';
	return (p);
}

#define AL_HEAD		"{\"type\":\"alarm\",\"alarm\":{"
#define AL_EVENTS	",\"events\":"
#define AL_NOTES	",\"notes\":"

/* The line from its parts: head (the alarm's own fields), card, windows. */
static int
alarmline_join(const struct alarm *a, struct alarmline *l)
{
	struct alarmline_part	 head;
	size_t			 i, n;
	char			*p;

	if (alarmline_card(a, l) != 0 ||
	    alarmline_dump(alarm_json_update(a), &head) != 0)
		return (-1);
	alarmline_windows(a, l);
	n = sizeof AL_HEAD + head.len + l->card.len + sizeof AL_EVENTS +
	    sizeof AL_NOTES + 8;
	for (i = 0; i < l->nev; i++)
		n += l->ev[i].len + 1;
	for (i = 0; i < l->nnotes; i++)
		n += l->notes[i].len + 1;
	free(l->txt);
	p = l->txt = xmalloc(n);
	p = alarmline_cat(p, AL_HEAD, sizeof AL_HEAD - 1);
	p = alarmline_cat(p, head.txt + 1, head.len - 2);
	*p++ = ',';
	p = alarmline_cat(p, l->card.txt + 1, l->card.len - 2);
	p = alarmline_cat(p, AL_EVENTS, sizeof AL_EVENTS - 1);
	p = alarmline_list(p, l->ev, l->nev);
	p = alarmline_cat(p, AL_NOTES, sizeof AL_NOTES - 1);
	p = alarmline_list(p, l->notes, l->nnotes);
	p = alarmline_cat(p, "}}", 3);
	l->len = p - l->txt - 1;
	free(head.txt);
	return (0);
}

/* What the line holds, with its parts. */
static size_t
alarmline_size(const struct alarmline *l)
{
	size_t	 i, n = sizeof *l + l->len + l->card.len;

	for (i = 0; i < l->nev; i++)
		n += l->ev[i].len;
	for (i = 0; i < l->nnotes; i++)
		n += l->notes[i].len;
	return (n);
}

static struct alarmline *
alarmline_find(int64_t alarm_id)
{
	uint64_t	 v;

	if (lines.cap == 0 || hmap_get(&lines, (uint64_t)alarm_id, &v) != 0)
		return (NULL);
	return ((struct alarmline *)(uintptr_t)v);
}

static void
alarmline_free(struct alarmline *l)
{
	free(l->txt);
	free(l->card.txt);
	alarmline_parts_free(l->ev, l->nev);
	alarmline_parts_free(l->notes, l->nnotes);
	free(l);
}

/* Built whole, not kept: an incident, or no room. */
static const char *
alarmline_whole(const struct alarm *a, size_t *len, char **built)
{
	json_t	*msg;

	msg = json_pack("{s:s, s:o}", "type", "alarm", "alarm", alarm_json(a));
	*built = msg != NULL ? json_dumps(msg, JSON_COMPACT) : NULL;
	json_decref(msg);
	*len = *built != NULL ? strlen(*built) : 0;
	return (*built);
}

const char *
alarmline_get(const struct alarm *a, size_t *len, char **built)
{
	struct alarmline_from	 f;
	struct alarmline	*l;

	*built = NULL;
	if (a->incident)
		return (alarmline_whole(a, len, built));
	alarmline_from(a, &f);
	if ((l = alarmline_find(a->id)) == NULL) {
		if (lines_bytes + sizeof *l > ALARMLINE_MAX) {
			COUNT(C_CONSOLE_LINES_UNKEPT);
			return (alarmline_whole(a, len, built));
		}
		if (lines.cap == 0)
			hmap_init(&lines, 256);
		l = xcalloc(1, sizeof *l);
		hmap_put(&lines, (uint64_t)a->id, (uintptr_t)l);
	} else if (l->txt != NULL && memcmp(&l->from, &f, sizeof f) == 0) {
		*len = l->len;
		return (l->txt);
	}
	l->from = f;
	lines_bytes -= l->bytes;
	if (alarmline_join(a, l) != 0) {
		alarmline_drop(a->id);
		return (NULL);
	}
	lines_bytes += (l->bytes = alarmline_size(l));
	if (lines_bytes > ALARMLINE_MAX) {
		COUNT(C_CONSOLE_LINES_UNKEPT);
		*built = l->txt;	/* sent once, then forgotten */
		l->txt = NULL;
		*len = l->len;
		alarmline_drop(a->id);
		return (*built);
	}
	*len = l->len;
	return (l->txt);
}

void
alarmline_drop(int64_t alarm_id)
{
	struct alarmline	*l;

	if ((l = alarmline_find(alarm_id)) == NULL)
		return;
	hmap_del(&lines, (uint64_t)alarm_id);
	lines_bytes -= l->bytes;
	alarmline_free(l);
}

void
alarmline_free_all(void)
{
	uint64_t	 v;
	size_t		 it = 0;

	while (hmap_next(&lines, &it, NULL, &v))
		alarmline_free((struct alarmline *)(uintptr_t)v);
	hmap_free(&lines);
	lines_bytes = 0;
}
