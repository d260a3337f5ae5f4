/*
 * lookup.c -- slow reads, seen from the loop: jobs run on the reader
 * worker (db/worker.c: its own thread and connection), and each job's
 * done() is called here on the loop. Password checks (PBKDF2) and the
 * unit and card refreshes go this way, so no unit waits for its ACK
 * while someone logs in.
 */
#include <stdlib.h>

#include "arc.h"

static struct worker	*lookup_worker;
static struct notify	*lookup_notify;

static void
lookup_complete(struct worker_job *list)
{
	struct worker_job	*j, *next;

	for (j = list; j != NULL; j = next) {
		next = j->next;
		if (j->result != 0)
			COUNT(C_LOOKUP_FAILED);
		j->done(j);		/* may free j */
	}
}

static void
lookup_done_cb(void *arg)
{
	(void)arg;
	if (lookup_worker != NULL)
		lookup_complete(worker_done(lookup_worker));
}

int
lookup_start(struct event_base *base, const char *path, char **cause)
{
	if ((lookup_notify = notify_new(base, lookup_done_cb, NULL,
	    cause)) == NULL)
		return (-1);
	lookup_worker = worker_start(path, "arc-lookup", notify_poke,
	    lookup_notify, cause);
	return (lookup_worker != NULL ? 0 : -1);
}

void
lookup_submit(struct worker_job *j)
{
	if (lookup_worker == NULL) {
		j->result = -1;
		j->next = NULL;
		lookup_complete(j);
		return;
	}
	worker_submit(lookup_worker, j);
}

void
lookup_stop(void)
{
	struct worker	*w = lookup_worker;

	if (w != NULL) {
		lookup_complete(worker_done(w));
		lookup_worker = NULL;
		lookup_complete(worker_stop(w));
	}
	notify_free(lookup_notify);
	lookup_notify = NULL;
}
