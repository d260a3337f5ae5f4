/*
 * commit.c -- the store writer, seen from the loop: it owns the store
 * handle, the eventfd that wakes the loop after each group commit, the
 * storage-health flag, and how far behind the writer is (the age of the
 * oldest request not yet done). Every request carries its own completion
 * (store_req.done), called here on the loop in submission order; nothing
 * switches on what a request was.
 *
 * Thread boundary: a request belongs to the writer from commit_submit()
 * until its done() runs here (db/store.c documents the writer's side).
 */
#include <stdlib.h>
#include <string.h>

#include "arc.h"

static struct store	*commit_store;
static struct notify	*commit_notify;
static size_t		 commit_n;		/* submitted, not done */
static int64_t		 commit_fail_at;	/* mono ms of the last failure */
static int64_t		 commit_fail_logged;
static uint64_t		 commit_fail_quiet;
static int64_t		*commit_at;		/* owned: a ring of submit
						   times (mono ms), oldest
						   first */
static size_t		 commit_atcap, commit_athead;
static int64_t		 commit_head_seq;	/* the audit head at stop */
static uint8_t		 commit_head_hash[DB_AUDIT_HASH];

static void
commit_failed(void)
{
	int64_t	 now = clock_mono();

	COUNT(C_STORE_FAILED);
	commit_fail_at = now;
	if (commit_fail_logged != 0 && now - commit_fail_logged < 5000) {
		commit_fail_quiet++;
		return;
	}
	log_warnx("store: write failed, not acknowledging (%llu more since "
	    "last said); units will retransmit",
	    (unsigned long long)commit_fail_quiet);
	commit_fail_logged = now;
	commit_fail_quiet = 0;
}

/* A request goes in: its time at the ring's end (grown as needed). */
static void
commit_at_push(int64_t now)
{
	int64_t	*v;
	size_t	 i, cap;

	if (commit_n == commit_atcap) {
		cap = commit_atcap != 0 ? commit_atcap * 2 : 256;
		v = xreallocarray(NULL, cap, sizeof *v);
		for (i = 0; i < commit_n; i++)
			v[i] = commit_at[(commit_athead + i) % commit_atcap];
		free(commit_at);
		commit_at = v;
		commit_atcap = cap;
		commit_athead = 0;
	}
	commit_at[(commit_athead + commit_n) % commit_atcap] = now;
	commit_n++;
}

/* The oldest is done (completions come in submission order). */
static void
commit_at_pop(void)
{
	if (commit_n == 0)
		fatalx("commit: more done than submitted");
	commit_athead = (commit_athead + 1) % commit_atcap;
	commit_n--;
}

static void
commit_complete(struct store_req *list)
{
	struct store_req	*r, *next;

	for (r = list; r != NULL; r = next) {
		next = r->next;
		commit_at_pop();
		if (r->result != 0)
			commit_failed();
		r->done(r);		/* may free r */
	}
}

static void
commit_done_cb(void *arg)
{
	(void)arg;
	if (commit_store != NULL)
		commit_complete(store_done(commit_store));
}

int
commit_start(struct event_base *base, const char *path, char **cause)
{
	if ((commit_notify = notify_new(base, commit_done_cb, NULL,
	    cause)) == NULL)
		return (-1);
	commit_store = store_start(path, notify_poke, commit_notify, cause);
	return (commit_store != NULL ? 0 : -1);
}

void
commit_submit(struct store_req *r)
{
	if (commit_store == NULL) {	/* stopped: refused */
		r->result = -1;
		r->next = NULL;
		commit_failed();
		r->done(r);		/* may free r */
		return;
	}
	commit_at_push(clock_mono());
	store_submit(commit_store, r);
}

/* An audit row of its own (the strings are copied); its result logged. */
struct commit_audit {
	struct store_req	 req;
	char			 actor[32], action[48], subject[64], detail[160];
};

static void
commit_audit_done(struct store_req *r)
{
	if (r->result != 0)
		log_warnx("audit: %s %s %s: not stored", r->actor, r->action,
		    r->subject);
	free(r);
}

void
commit_audit(const char *actor, const char *action, const char *subject,
    const char *detail)
{
	struct commit_audit	*a;

	a = xcalloc(1, sizeof *a);
	strlcpy(a->actor, actor, sizeof a->actor);
	strlcpy(a->action, action, sizeof a->action);
	strlcpy(a->subject, subject, sizeof a->subject);
	strlcpy(a->detail, detail, sizeof a->detail);
	a->req.op = STORE_AUDIT;
	a->req.actor = a->actor;
	a->req.action = a->action;
	a->req.subject = a->subject;
	a->req.detail = a->detail;
	a->req.done = commit_audit_done;
	commit_submit(&a->req);
}

struct commit_ladder {
	struct store_req	 req;
	char			*json;		/* owned */
};

static void
commit_ladder_done(struct store_req *r)
{
	struct commit_ladder	*l = (struct commit_ladder *)r;

	if (r->result != 0)
		log_warnx("ladder of alarm %lld: not stored", (long long)r->id);
	free(l->json);
	free(l);
}

void
commit_ladder(int64_t alarm_id, int64_t at, char *json)
{
	struct commit_ladder	*l;

	l = xcalloc(1, sizeof *l);
	l->json = json;
	l->req.op = STORE_LADDER;
	l->req.id = alarm_id;
	l->req.at = at;
	l->req.detail = json;
	l->req.done = commit_ladder_done;
	commit_submit(&l->req);
}

int
commit_storage_ok(void)
{
	return (commit_fail_at == 0 || clock_mono() - commit_fail_at > 10000);
}

int64_t
commit_failed_ago(void)
{
	return (commit_fail_at == 0 ? -1 : clock_mono() - commit_fail_at);
}

int64_t
commit_behind_ms(void)
{
	int64_t	 d;

	if (commit_n == 0)
		return (0);
	d = clock_mono() - commit_at[commit_athead];
	return (d > 0 ? d : 0);
}

void
commit_fail_alarms(int n)
{
	if (commit_store != NULL)
		store_fail_alarms(commit_store, n);
}

/* The audit chain's head as the writer last saw it (after stop: the last). */
void
commit_audit_head(int64_t *seq, uint8_t hash[DB_AUDIT_HASH])
{
	if (commit_store != NULL)
		store_audit_head(commit_store, &commit_head_seq,
		    commit_head_hash);
	*seq = commit_head_seq;
	memcpy(hash, commit_head_hash, DB_AUDIT_HASH);
}

size_t
commit_inflight(void)
{
	return (commit_n);
}

void
commit_stop(void)
{
	struct store	*st = commit_store;

	if (st != NULL) {
		commit_complete(store_done(st));
		commit_store = NULL;	/* what completions submit is refused */
		store_drain(st);	/* everything written: the last head */
		store_audit_head(st, &commit_head_seq, commit_head_hash);
		commit_complete(store_stop(st));
	}
	notify_free(commit_notify);
	commit_notify = NULL;
	free(commit_at);
	commit_at = NULL;
	commit_atcap = commit_athead = commit_n = 0;
}
