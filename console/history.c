/*
 * history.c -- an alarm's events and notes as the console holds them: the
 * window the server sends with the alarm (the newest CLIENT_WINDOW),
 * the pushes that add a newer one (alarm_event, alarm_note), and the older
 * pages the operator asked for (events, notes replies), at most
 * CLIENT_HISTORY_MAX of each. Events are kept newest first, notes oldest
 * first, as the protocol sends them; ids grow with time, so "older" is "a
 * smaller id". Part of the protocol state: no curses, no sockets; works on
 * one alarm's JSON object and calls nothing of the console's.
 */
#include <string.h>

#include <jansson.h>

#include "runtime.h"
#include "console.h"

static const struct {
	const char	*list;		/* the array in the alarm */
	const char	*total;		/* how many the server has */
	int		 newest_first;
} history_kinds[] = {
	[HISTORY_EVENTS] = { "events", "events_total", 1 },
	[HISTORY_NOTES] = { "notes", "notes_total", 0 },
};

/* The alarm's array of kind; a missing or junk one becomes empty. */
static json_t *
history_list(struct client_alarm *a, enum history_kind k)
{
	json_t	*l = json_object_get(a->obj, history_kinds[k].list);

	if (json_is_array(l))
		return (l);
	l = json_array();
	json_object_set_new(a->obj, history_kinds[k].list, l);
	return (l);
}

/* An item's id (ids are positive), or -1. */
static int64_t
history_id(json_t *item)
{
	json_t	*id = json_object_get(item, "id");

	if (!json_is_integer(id) || json_integer_value(id) <= 0)
		return (-1);
	return ((int64_t)json_integer_value(id));
}

/* The index of the oldest one held (the list is not empty). */
static size_t
history_oldest_index(json_t *l, enum history_kind k)
{
	return (history_kinds[k].newest_first ? json_array_size(l) - 1 : 0);
}

/* The smallest id held, or -1 (none, or the oldest has no id). */
static int64_t
history_oldest(json_t *l, enum history_kind k)
{
	if (json_array_size(l) == 0)
		return (-1);
	return (history_id(json_array_get(l, history_oldest_index(l, k))));
}

static int
history_has(json_t *l, int64_t id)
{
	json_t	*item;
	size_t	 i;

	json_array_foreach(l, i, item) {
		if (history_id(item) == id)
			return (1);
	}
	return (0);
}

size_t
history_held(const struct client_alarm *a, enum history_kind k)
{
	return (json_array_size(json_object_get(a->obj,
	    history_kinds[k].list)));
}

/* How many the server has: its total, else what is held. */
int64_t
history_total(const struct client_alarm *a, enum history_kind k)
{
	json_t	*t = json_object_get(a->obj, history_kinds[k].total);
	int64_t	 held = (int64_t)history_held(a, k);

	if (!json_is_integer(t) || json_integer_value(t) < held)
		return (held);
	return ((int64_t)json_integer_value(t));
}

/*
 * Whether older ones should be asked for (the server has more, it has not
 * said there are no more, the bound leaves room); *before is the oldest
 * id held, 0 when none is.
 */
int
history_before(struct client_alarm *a, enum history_kind k, int64_t *before)
{
	size_t	 held = history_held(a, k);
	int64_t	 oldest;

	*before = 0;
	if (a->history_end[k] || held >= CLIENT_HISTORY_MAX ||
	    (int64_t)held >= history_total(a, k))
		return (0);
	if (held > 0) {
		oldest = history_oldest(json_object_get(a->obj,
		    history_kinds[k].list), k);
		if (oldest < 0)
			return (0);	/* no id to page from */
		*before = oldest;
	}
	return (1);
}

/*
 * A newer one pushed (alarm_event, alarm_note): added at the newest end
 * unless held already. The window does not grow by pushes: past
 * CLIENT_WINDOW (or what paging brought, up to the bound) the oldest goes.
 * Returns 1 if added, 0 if held already, -1 if it is not an item with an
 * id.
 */
int
history_push(struct client_alarm *a, enum history_kind k, json_t *item)
{
	json_t	*l;
	size_t	 n, keep;

	if (!json_is_object(item) || history_id(item) < 0)
		return (-1);
	l = history_list(a, k);
	if (history_has(l, history_id(item)))
		return (0);
	n = json_array_size(l);
	if (history_kinds[k].newest_first)
		json_array_insert(l, 0, item);
	else
		json_array_append(l, item);
	keep = n > CLIENT_WINDOW ? n : CLIENT_WINDOW;
	if (keep > CLIENT_HISTORY_MAX)
		keep = CLIENT_HISTORY_MAX;
	while (json_array_size(l) > keep) {
		json_array_remove(l, history_oldest_index(l, k));
		a->history_end[k] = 0;	/* the server has older again */
	}
	return (1);
}

/*
 * A page of older ones (newest first, as the events and notes replies
 * send them): each older than the oldest held is added at the oldest end,
 * up to the bound. When the server says there are no more, or the page
 * brought nothing new, it is not asked again. Returns how many were added.
 */
size_t
history_page(struct client_alarm *a, enum history_kind k, json_t *page,
    int more)
{
	json_t	*l = history_list(a, k), *item;
	int64_t	 oldest = history_oldest(l, k), id;
	size_t	 i, added = 0;

	if (json_array_size(l) > 0 && oldest < 0) {
		a->history_end[k] = 1;	/* nothing to page from */
		return (0);
	}
	json_array_foreach(page, i, item) {
		if (json_array_size(l) >= CLIENT_HISTORY_MAX)
			break;
		id = history_id(item);
		if (!json_is_object(item) || id < 0 ||
		    (oldest > 0 && id >= oldest))
			continue;
		if (history_kinds[k].newest_first)
			json_array_append(l, item);
		else
			json_array_insert(l, 0, item);
		oldest = id;
		added++;
	}
	if (!more || added == 0)
		a->history_end[k] = 1;
	return (added);
}
