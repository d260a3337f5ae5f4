/*
 * storm.c -- storm detection: a burst of one technical code across many
 * units (a power cut: thousands of "mains lost"). For each code it counts
 * the distinct units heard within the window; incident.c judges from the
 * count and alarm_event.c collapses that code's alarms into one incident,
 * until the code has been quiet for the quiet period. Pure: `now` is
 * monotonic ms, passed in.
 *
 * Thread: network thread.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"

struct storm_hit {
	int64_t		 t;
	uint64_t	 unit;
};

struct storm_code {
	char		 code[8];
	struct storm_hit *ring;		/* owned: hits within the window */
	size_t		 cap, head, n;
	struct hmap	 units;		/* unit -> hits within the window */
	int64_t		 incident;	/* the open incident, 0 = none */
	int64_t		 last;		/* ms */
};

static struct storm_code	*storm_codes[32];
static size_t			 storm_ncodes;
static int			 storm_threshold = 50;
static int64_t			 storm_window = 60000, storm_quiet = 120000;

void
storm_init(int threshold, int window_s, int quiet_s)
{
	storm_threshold = threshold;
	storm_window = window_s * 1000LL;
	storm_quiet = quiet_s * 1000LL;
}

int
storm_threshold_units(void)
{
	return (storm_threshold);
}

/*
 * Past a tenth of the threshold a storm is suspected: new alarms of the
 * code wait (at most one window) to see whether it becomes one, so an
 * operator's queue does not fill with what is about to collapse.
 */
int
storm_suspect_units(void)
{
	return (storm_threshold / 10 > 2 ? storm_threshold / 10 : 2);
}

int64_t
storm_window_ms(void)
{
	return (storm_window);
}

static struct storm_code *
storm_code(const char *code)
{
	struct storm_code	*c;
	size_t			 i;

	for (i = 0; i < storm_ncodes; i++)
		if (strcmp(storm_codes[i]->code, code) == 0)
			return (storm_codes[i]);
	if (storm_ncodes == nitems(storm_codes))
		return (NULL);
	c = xcalloc(1, sizeof *c);
	strlcpy(c->code, code, sizeof c->code);
	hmap_init(&c->units, 64);
	return (storm_codes[storm_ncodes++] = c);
}

/* Drop hits older than the window. */
static void
storm_age(struct storm_code *c, int64_t now)
{
	struct storm_hit	*h;
	uint64_t		 v;

	while (c->n > 0) {
		h = &c->ring[c->head];
		if (h->t > now - storm_window)
			break;
		if (hmap_get(&c->units, h->unit, &v) == 0) {
			if (v <= 1)
				hmap_del(&c->units, h->unit);
			else
				hmap_put(&c->units, h->unit, v - 1);
		}
		c->head = (c->head + 1) % c->cap;
		c->n--;
	}
}

static void
storm_push(struct storm_code *c, uint64_t unit, int64_t now)
{
	struct storm_hit	*ring;
	size_t			 i;

	if (c->n == c->cap) {
		ring = xreallocarray(NULL, c->cap ? c->cap * 2 : 256,
		    sizeof *ring);
		for (i = 0; i < c->n; i++)
			ring[i] = c->ring[(c->head + i) % c->cap];
		free(c->ring);
		c->ring = ring;
		c->head = 0;
		c->cap = c->cap ? c->cap * 2 : 256;
	}
	c->ring[(c->head + c->n) % c->cap].t = now;
	c->ring[(c->head + c->n) % c->cap].unit = unit;
	c->n++;
}

/* A technical event of `code` from `unit`: the distinct units in window. */
int
storm_count(const char *code, uint64_t unit, int64_t now)
{
	struct storm_code	*c;
	uint64_t		 v = 0;

	if ((c = storm_code(code)) == NULL)
		return (0);
	storm_age(c, now);
	storm_push(c, unit, now);
	hmap_get(&c->units, unit, &v);
	hmap_put(&c->units, unit, v + 1);
	c->last = now;
	return ((int)c->units.n);
}

int64_t
storm_incident(const char *code)
{
	struct storm_code	*c = storm_code(code);

	return (c != NULL ? c->incident : 0);
}

void
storm_set_incident(const char *code, int64_t id)
{
	struct storm_code	*c = storm_code(code);

	if (c != NULL)
		c->incident = id;
}

/* Storms quiet for the quiet period end; fn is called for each. */
void
storm_expire(int64_t now, void (*fn)(int64_t incident, void *), void *arg)
{
	struct storm_code	*c;
	size_t			 i;
	int64_t			 id;

	for (i = 0; i < storm_ncodes; i++) {
		c = storm_codes[i];
		storm_age(c, now);
		if (c->incident == 0 || now - c->last < storm_quiet)
			continue;
		id = c->incident;
		c->incident = 0;
		fn(id, arg);
	}
}

void
storm_free(void)
{
	size_t	 i;

	for (i = 0; i < storm_ncodes; i++) {
		free(storm_codes[i]->ring);
		hmap_free(&storm_codes[i]->units);
		free(storm_codes[i]);
	}
	storm_ncodes = 0;
}
