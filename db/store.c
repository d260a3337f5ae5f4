/*
 * store.c -- the store writer thread: group commit of events (with the
 * alarm rows they open or change, in the same request), duplicates,
 * last-seen times, audit rows, alarms and their notes, with checkpoints
 * kept off the ACK path.
 *
 * Thread boundary. Three threads touch a struct store:
 *
 *   the caller (arcd's network loop): store_start, store_submit,
 *	store_done, store_drain, store_get_stats, store_audit_head,
 *	store_stop;
 *   the writer thread: owns wdb (a DB_WRITER connection: synchronous=FULL,
 *	no autocheckpoint), opened in the thread itself;
 *   the checkpoint thread: owns cdb (a normal connection, opened by
 *	store_start and handed over), runs a PASSIVE checkpoint every
 *	STORE_CKPT_MS while the writer has committed since the last one.
 *	The writer never checkpoints; when the WAL passes STORE_WAL_BIG
 *	frames the checkpoint thread closes the gate (see store_checkpoint)
 *	so the WAL can start over.
 *
 * Everything else in struct store (the queue, the done list, counters,
 * flags, the copy of the audit chain's head) is shared and only touched
 * with lock held. A store_req belongs to
 * the store from store_submit until store_done hands it back; the writer
 * reads it (and writes result, injected and ev[i].id) without the lock while it is
 * off both lists. notify is called from the writer thread, without the
 * lock, once per batch.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "runtime.h"

#define STORE_CKPT_MS	500
#define STORE_WAL_BIG	16384	/* WAL frames: 64 MB of 4 KB pages */

struct store {
	pthread_mutex_t	 lock;
	pthread_cond_t	 wake;		/* writer: work queued or stopping */
	pthread_cond_t	 idle;		/* start-up done, a batch finished */
	pthread_cond_t	 ckwake;	/* checkpoint thread: stopping */

	struct store_req *queue;	/* borrowed, submission order */
	struct store_req **queue_tail;
	struct store_req *done;		/* borrowed, submission order */
	struct store_req **done_tail;
	uint64_t	 submitted;	/* requests ever submitted */
	uint64_t	 finished;	/* ... written and notified */
	int		 stopping;
	int		 ckstopping;
	int		 started;	/* writer: 1 open, -1 failed */
	char		*start_cause;	/* owned */
	int		 wal_dirty;	/* committed since the last checkpoint */
	int		 writing;	/* the writer has a batch in hand */
	int		 gate;		/* checkpoint: start no batch */
	int		 fail_alarms;	/* fault injection (tests) */
	struct store_stats stats;
	int64_t		 head_seq;	/* the audit head, as the writer */
	uint8_t		 head_hash[DB_AUDIT_HASH];	/* last read it */

	char		*path;		/* owned */
	void		(*notify)(void *);
	void		*arg;
	pthread_t	 writer;
	pthread_t	 ckpt;
	struct db	*wdb;		/* owned by the writer thread */
	struct db	*cdb;		/* owned by the checkpoint thread */
};

static void	*store_writer_main(void *);
static void	*store_ckpt_main(void *);

static void
store_free(struct store *s)
{
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wake);
	pthread_cond_destroy(&s->idle);
	pthread_cond_destroy(&s->ckwake);
	free(s->start_cause);
	free(s->path);
	free(s);
}

static struct store *
store_new(const char *path, void (*notify)(void *), void *arg)
{
	struct store		*s;
	pthread_condattr_t	 ca;

	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	s->notify = notify;
	s->arg = arg;
	s->queue_tail = &s->queue;
	s->done_tail = &s->done;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	pthread_cond_init(&s->idle, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->ckwake, &ca);
	pthread_condattr_destroy(&ca);
	return (s);
}

/* Start the writer; its open failure comes back through *cause. */
struct store *
store_start(const char *path, void (*notify)(void *), void *arg,
    char **cause)
{
	struct store	*s;

	*cause = NULL;
	s = store_new(path, notify, arg);
	if ((errno = pthread_create(&s->writer, NULL, store_writer_main, s))) {
		xasprintf(cause, "store: thread: %s", strerror(errno));
		store_free(s);
		return (NULL);
	}
	pthread_setname_np(s->writer, "arc-store");
	pthread_mutex_lock(&s->lock);
	while (s->started == 0)
		pthread_cond_wait(&s->idle, &s->lock);
	pthread_mutex_unlock(&s->lock);
	if (s->started == -1) {
		pthread_join(s->writer, NULL);
		*cause = s->start_cause;
		s->start_cause = NULL;
		store_free(s);
		return (NULL);
	}
	if ((s->cdb = db_open(path, 0, cause)) == NULL ||
	    (errno = pthread_create(&s->ckpt, NULL, store_ckpt_main, s))) {
		if (*cause == NULL)
			xasprintf(cause, "store: thread: %s", strerror(errno));
		db_close(s->cdb);
		s->cdb = NULL;
		store_stop(s);
		return (NULL);
	}
	pthread_setname_np(s->ckpt, "arc-ckpt");
	return (s);
}

void
store_fail_alarms(struct store *s, int n)
{
	pthread_mutex_lock(&s->lock);
	s->fail_alarms = n;
	pthread_mutex_unlock(&s->lock);
}

/* Fault injection: mark the batch's requests whose alarm rows fail. */
static void
store_inject(struct store *s, struct store_req *batch)
{
	struct store_req	*req;

	pthread_mutex_lock(&s->lock);
	for (req = batch; req != NULL; req = req->next) {
		req->injected = s->fail_alarms > 0 && req->nalarms > 0;
		if (req->injected)
			s->fail_alarms--;
	}
	pthread_mutex_unlock(&s->lock);
}

/* Queue a request; the writer takes it with everything else queued. */
void
store_submit(struct store *s, struct store_req *req)
{
	pthread_mutex_lock(&s->lock);
	req->next = NULL;
	req->result = -1;
	*s->queue_tail = req;
	s->queue_tail = &req->next;
	s->submitted++;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
}

/* The requests finished since the last call, in submission order. */
struct store_req *
store_done(struct store *s)
{
	struct store_req	*list;

	pthread_mutex_lock(&s->lock);
	list = s->done;
	s->done = NULL;
	s->done_tail = &s->done;
	pthread_mutex_unlock(&s->lock);
	return (list);
}

/* Waits for everything submitted so far to be written (and notified). */
void
store_drain(struct store *s)
{
	uint64_t	 target;

	pthread_mutex_lock(&s->lock);
	target = s->submitted;
	while (s->finished < target)
		pthread_cond_wait(&s->idle, &s->lock);
	pthread_mutex_unlock(&s->lock);
}

/*
 * Waits for everything submitted to be written, stops both threads, frees
 * the store, and returns the completed requests not yet taken with
 * store_done() (the caller owns them).
 */
struct store_req *
store_stop(struct store *s)
{
	struct store_req	*left;

	if (s == NULL)
		return (NULL);
	pthread_mutex_lock(&s->lock);
	s->stopping = 1;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->writer, NULL);

	if (s->cdb != NULL) {
		pthread_mutex_lock(&s->lock);
		s->ckstopping = 1;
		pthread_cond_signal(&s->ckwake);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->ckpt, NULL);
		db_close(s->cdb);
	}
	left = s->done;
	store_free(s);
	return (left);
}

void
store_get_stats(struct store *s, struct store_stats *st)
{
	pthread_mutex_lock(&s->lock);
	*st = s->stats;
	pthread_mutex_unlock(&s->lock);
}

void
store_audit_head(struct store *s, int64_t *seq, uint8_t hash[DB_AUDIT_HASH])
{
	pthread_mutex_lock(&s->lock);
	*seq = s->head_seq;
	memcpy(hash, s->head_hash, DB_AUDIT_HASH);
	pthread_mutex_unlock(&s->lock);
}

/* --- the writer thread --- */

/*
 * A request of several statements is all or nothing. Savepoints cost
 * (SQLite allocates per savepoint, glibc trims the writer's arena), so a
 * batch first runs without them; only if a statement fails is the whole
 * transaction rolled back and the batch run again "carefully", each
 * request in its own savepoint.
 */
static int
store_sp_begin(struct db *db, int careful)
{
	return (careful ? db_exec(db, "SAVEPOINT store_req") : 0);
}

static int
store_sp_end(struct db *db, int careful, int ok)
{
	if (!careful)
		return (ok ? 0 : -1);
	if (!ok)
		db_exec(db, "ROLLBACK TO store_req");
	if (db_exec(db, "RELEASE store_req") == -1)
		return (-1);
	return (ok ? 0 : -1);
}

/* "alarm 42" when the caller gave no subject. */
static const char *
store_subject(const char *given, int64_t id, char *buf, size_t size)
{
	if (given != NULL)
		return (given);
	snprintf(buf, size, "alarm %lld", (long long)id);
	return (buf);
}

/* One alarm row: upsert, link its events, audit. 0 or -1. */
static int
store_alarm_one(struct db *db, const struct store_alarm *sa)
{
	char	 subject[32];
	size_t	 i;

	if (db_alarm_write(db, &sa->row) == -1) {
		log_warnx("store: alarm %lld: %s", (long long)sa->row.id,
		    db_errmsg(db));
		return (-1);
	}
	for (i = 0; i < sa->nlink; i++) {
		if (db_alarm_link(db, sa->row.id, sa->link[i]) == -1) {
			log_warnx("store: alarm %lld: link event %lld failed",
			    (long long)sa->row.id, (long long)sa->link[i]);
			return (-1);
		}
	}
	if (sa->action != NULL && db_audit(db, sa->actor, sa->action,
	    store_subject(NULL, sa->row.id, subject, sizeof subject),
	    sa->detail) == -1)
		return (-1);
	return (0);
}

/*
 * A request's events, then its alarm rows, then the high-water mark: all
 * or nothing (a savepoint inside the batch transaction when careful).
 */
static int
store_rows(struct db *db, struct store_req *req, int careful)
{
	size_t	 i;
	int64_t	 hwm = req->hwm;
	int	 simple = req->nev <= 1 && req->nalarms == 0 && hwm == 0 &&
		    req->silent_unit == 0;

	if (hwm == STORE_HWM_LAST)
		hwm = req->nev > 0 ? req->ev[req->nev - 1].id : 0;

	if (!simple && store_sp_begin(db, careful) == -1)
		return (-1);
	for (i = 0; i < req->nev; i++) {
		if (db_event_insert(db, &req->ev[i]) == -1) {
			log_warnx("store: event %zu/%zu: %s", i + 1, req->nev,
			    db_errmsg(db));
			goto fail;
		}
	}
	if (req->silent_unit != 0 &&
	    db_unit_silent(db, req->silent_unit, req->silent_at) == -1)
		goto fail;
	if (req->injected) {
		log_warnx("store: alarm write failed (injected)");
		goto fail;
	}
	for (i = 0; i < req->nalarms; i++)
		if (store_alarm_one(db, &req->alarms[i]) == -1)
			goto fail;
	if (hwm > 0 && db_alarm_raise_hwm(db, hwm) == -1)
		goto fail;
	return (simple ? 0 : store_sp_end(db, careful, 1));

fail:
	return (simple ? -1 : store_sp_end(db, careful, 0));
}

/* A note on alarm req->id by req->actor, text req->detail, and its audit. */
static int
store_note(struct db *db, struct store_req *req, int careful)
{
	char	 subject[32];

	if (store_sp_begin(db, careful) == -1)
		return (-1);
	if (db_alarm_note_add(db, req->id, req->at, req->actor,
	    req->detail, &req->out_id) == -1) {
		log_warnx("store: alarm %lld: note: %s", (long long)req->id,
		    db_errmsg(db));
		goto fail;
	}
	if (db_audit(db, req->actor, "note", store_subject(req->subject,
	    req->id, subject, sizeof subject), req->detail) == -1)
		goto fail;
	return (store_sp_end(db, careful, 1));

fail:
	return (store_sp_end(db, careful, 0));
}

static const char *
store_op_name(enum store_op op)
{
	switch (op) {
	case STORE_EVENTS:
		return ("events");
	case STORE_DUPLICATE:
		return ("duplicate");
	case STORE_LASTSEEN:
		return ("last-seen");
	case STORE_SILENT:
		return ("silent");
	case STORE_AUDIT:
		return ("audit");
	case STORE_ALARM:
		return ("alarm");
	case STORE_NOTE:
		return ("note");
	case STORE_LADDER:
		return ("ladder");
	}
	return ("unknown");
}

static int
store_one(struct db *db, struct store_req *req, int careful)
{
	switch (req->op) {
	case STORE_EVENTS:
	case STORE_ALARM:
		return (store_rows(db, req, careful));
	case STORE_DUPLICATE:
		return (db_event_duplicate(db, req->id));
	case STORE_LASTSEEN:
		return (db_unit_seen(db, req->id, req->at));
	case STORE_SILENT:
		return (db_unit_silent(db, req->id, req->at));
	case STORE_AUDIT:
		return (db_audit(db, req->actor, req->action, req->subject,
		    req->detail));
	case STORE_NOTE:
		return (store_note(db, req, careful));
	case STORE_LADDER:
		return (db_ladder_put(db, req->id, req->at, req->detail));
	}
	return (-1);
}

/* The whole batch failed (or was rolled back): every result -1, no ids. */
static void
store_fail_all(struct store_req *batch)
{
	struct store_req	*req;
	size_t			 i;

	for (req = batch; req != NULL; req = req->next) {
		req->result = -1;
		if (req->op == STORE_EVENTS) {
			for (i = 0; i < req->nev; i++)
				req->ev[i].id = 0;
		}
	}
}

/*
 * Run every request of the batch in one transaction. 0, -1, or (not
 * careful) -2: a request failed, the transaction was rolled back, run the
 * batch again carefully.
 */
static int
store_transaction(struct db *db, struct store_req *batch, int careful)
{
	struct store_req	*req;
	size_t			 i;

	if (db_begin(db) == -1) {
		log_warnx("store: begin: %s", db_errmsg(db));
		return (-1);
	}
	for (req = batch; req != NULL; req = req->next) {
		req->result = store_one(db, req, careful);
		if (req->result == -1 && !careful) {
			db_rollback(db);
			return (-2);
		}
		if (req->result == -1) {
			log_warnx("store: %s request failed", store_op_name(req->op));
			if (!db_in_transaction(db))
				return (-1);	/* SQLite rolled back */
			if (req->op == STORE_EVENTS) {
				for (i = 0; i < req->nev; i++)
					req->ev[i].id = 0;
			}
		}
	}
	if (db_commit(db) == -1) {
		log_warnx("store: commit: %s", db_errmsg(db));
		db_rollback(db);
		return (-1);
	}
	return (0);
}

/* Write one batch; reopen the connection after an I/O error. 0 or -1. */
static int
store_write(struct store *s, struct store_req *batch)
{
	char	*cause;

	store_inject(s, batch);
	if (s->wdb == NULL) {
		if ((s->wdb = db_open(s->path, DB_WRITER, &cause)) == NULL) {
			log_warnx("store: reopen: %s", cause);
			free(cause);
			store_fail_all(batch);
			return (-1);
		}
		log_info("store: %s: reopened", s->path);
	}
	switch (store_transaction(s->wdb, batch, 0)) {
	case 0:
		return (0);
	case -2:
		if (store_transaction(s->wdb, batch, 1) == 0)
			return (0);
		break;
	default:
		break;
	}
	store_fail_all(batch);
	if (db_broken(s->wdb)) {
		db_close(s->wdb);
		s->wdb = NULL;
	}
	return (-1);
}

/* A request that may write audit rows. */
static int
store_audits(const struct store_req *req)
{
	return (req->op == STORE_AUDIT || req->op == STORE_NOTE ||
	    req->nalarms > 0);
}

/*
 * The writer thread: read the audit head (after a commit that may have
 * moved it, or at start-up) and publish a copy under the lock.
 */
static void
store_read_head(struct store *s, struct store_req *batch)
{
	struct store_req	*req;
	uint8_t			 hash[DB_AUDIT_HASH];
	int64_t			 seq;

	for (req = batch; req != NULL && !store_audits(req); req = req->next)
		;
	if (batch != NULL && req == NULL)
		return;
	if (db_audit_head(s->wdb, &seq, hash) == -1) {
		log_warnx("store: audit head: %s", db_errmsg(s->wdb));
		return;
	}
	pthread_mutex_lock(&s->lock);
	s->head_seq = seq;
	memcpy(s->head_hash, hash, DB_AUDIT_HASH);
	pthread_mutex_unlock(&s->lock);
}

/* Hand the batch back, count it, and wake the caller. */
static void
store_finish(struct store *s, struct store_req *batch, int ok)
{
	struct store_req	*req, *last = NULL;
	uint64_t		 n = 0, failed = 0;

	for (req = batch; req != NULL; req = req->next) {
		n++;
		failed += req->result != 0;
		last = req;
	}
	pthread_mutex_lock(&s->lock);
	*s->done_tail = batch;
	s->done_tail = &last->next;
	s->stats.batches++;
	s->stats.requests += n;
	s->stats.failures += failed;
	if (n > s->stats.max_batch)
		s->stats.max_batch = n;
	if (ok == 0)
		s->wal_dirty = 1;
	pthread_mutex_unlock(&s->lock);

	if (s->notify != NULL)
		s->notify(s->arg);

	pthread_mutex_lock(&s->lock);
	s->finished += n;
	s->writing = 0;
	pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->lock);
}

static void *
store_writer_main(void *arg)
{
	struct store		*s = arg;
	struct store_req	*batch;
	char			*cause;
	int			 ok;

	s->wdb = db_open(s->path, DB_WRITER | DB_MIGRATE, &cause);
	if (s->wdb != NULL)
		store_read_head(s, NULL);
	pthread_mutex_lock(&s->lock);
	s->started = s->wdb != NULL ? 1 : -1;
	s->start_cause = s->wdb != NULL ? NULL : cause;
	pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->lock);
	if (s->wdb == NULL)
		return (NULL);

	for (;;) {
		pthread_mutex_lock(&s->lock);
		while ((s->queue == NULL || s->gate) && !s->stopping)
			pthread_cond_wait(&s->wake, &s->lock);
		batch = s->queue;
		s->queue = NULL;
		s->queue_tail = &s->queue;
		s->writing = batch != NULL;
		pthread_mutex_unlock(&s->lock);
		if (batch == NULL)
			break;			/* stopping and drained */
		ok = store_write(s, batch);
		if (ok == 0)
			store_read_head(s, batch);
		store_finish(s, batch, ok);
	}
	db_close(s->wdb);
	s->wdb = NULL;
	return (NULL);
}

/* --- the checkpoint thread --- */

static void
store_deadline(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

/*
 * A passive checkpoint that runs while commits keep coming never catches
 * up, and the WAL only starts over once one has. So past STORE_WAL_BIG
 * frames, close the gate: the writer finishes its batch and starts no
 * other until a second passive checkpoint has caught up (a pause of a few
 * ms, at most once per ~64 MB written under sustained load). Called and
 * returns with lock held.
 */
static int
store_checkpoint(struct store *s)
{
	int	 nlog, nckpt, rc;

	pthread_mutex_unlock(&s->lock);
	rc = db_wal_checkpoint(s->cdb, &nlog, &nckpt);
	pthread_mutex_lock(&s->lock);
	if (rc == -1 || nlog < STORE_WAL_BIG)
		return (rc);

	s->gate = 1;
	while (s->writing)
		pthread_cond_wait(&s->idle, &s->lock);
	pthread_mutex_unlock(&s->lock);
	rc = db_wal_checkpoint(s->cdb, &nlog, &nckpt);
	pthread_mutex_lock(&s->lock);
	s->gate = 0;
	s->stats.checkpoints++;
	pthread_cond_signal(&s->wake);
	return (rc);
}

static void *
store_ckpt_main(void *arg)
{
	struct store	*s = arg;
	struct timespec	 ts;
	int		 rc;

	pthread_mutex_lock(&s->lock);
	while (!s->ckstopping) {
		store_deadline(&ts, STORE_CKPT_MS);
		while (!s->ckstopping && pthread_cond_timedwait(&s->ckwake,
		    &s->lock, &ts) != ETIMEDOUT)
			;
		if (s->ckstopping || !s->wal_dirty)
			continue;
		s->wal_dirty = 0;
		if ((rc = store_checkpoint(s)) == 0)
			s->stats.checkpoints++;
		else {
			log_warnx("store: checkpoint: %s", db_errmsg(s->cdb));
			s->wal_dirty = 1;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return (NULL);
}
