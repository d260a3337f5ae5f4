/*
 * alarmq.c -- the call queue: a binary heap of the waiting alarms, most
 * urgent class first, then the oldest, then the lowest id. Each alarm
 * knows its index (alarm->heap, SIZE_MAX when not queued), so removing or
 * re-placing one is O(log n). Only alarm.c calls this (alarm_queue
 * decides who is in the queue).
 *
 * Thread: the network thread.
 */
#include <stdlib.h>

#include "core.h"

static struct alarm	**alarm_heap;		/* owned array, borrowed items */
static size_t		 alarm_nheap, alarm_heapcap;

/* Does a go before b in the queue? */
int
alarmq_before(const struct alarm *a, const struct alarm *b)
{
	if (a->class != b->class)
		return (a->class < b->class);
	if (a->opened_at != b->opened_at)
		return (a->opened_at < b->opened_at);
	return (a->id < b->id);
}

static void
alarm_heap_set(size_t i, struct alarm *a)
{
	alarm_heap[i] = a;
	a->heap = i;
}

static void
alarm_heap_up(size_t i)
{
	struct alarm	*a = alarm_heap[i];

	while (i > 0 && alarmq_before(a, alarm_heap[(i - 1) / 2])) {
		alarm_heap_set(i, alarm_heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	alarm_heap_set(i, a);
}

static void
alarm_heap_down(size_t i)
{
	struct alarm	*a = alarm_heap[i];
	size_t		 c;

	while ((c = 2 * i + 1) < alarm_nheap) {
		if (c + 1 < alarm_nheap &&
		    alarmq_before(alarm_heap[c + 1], alarm_heap[c]))
			c++;
		if (!alarmq_before(alarm_heap[c], a))
			break;
		alarm_heap_set(i, alarm_heap[c]);
		i = c;
	}
	alarm_heap_set(i, a);
}

void
alarmq_push(struct alarm *a)
{
	if (alarm_nheap == alarm_heapcap) {
		alarm_heapcap = alarm_heapcap ? alarm_heapcap * 2 : 64;
		alarm_heap = xreallocarray(alarm_heap, alarm_heapcap,
		    sizeof *alarm_heap);
	}
	alarm_heap_set(alarm_nheap++, a);
	alarm_heap_up(a->heap);
}

void
alarmq_remove(struct alarm *a)
{
	size_t	 i = a->heap;

	if (i == SIZE_MAX)
		return;
	a->heap = SIZE_MAX;
	if (i == --alarm_nheap)
		return;
	alarm_heap_set(i, alarm_heap[alarm_nheap]);
	alarm_heap_up(i);
	alarm_heap_down(alarm_heap[i]->heap);
}

/* Its class changed: move it up or down. */
void
alarmq_fix(struct alarm *a)
{
	if (a->heap == SIZE_MAX)
		return;
	alarm_heap_up(a->heap);
	alarm_heap_down(a->heap);
}

struct alarm *
alarmq_top(void)
{
	return (alarm_nheap > 0 ? alarm_heap[0] : NULL);
}

void
alarmq_free(void)
{
	free(alarm_heap);
	alarm_heap = NULL;
	alarm_nheap = alarm_heapcap = 0;
}
