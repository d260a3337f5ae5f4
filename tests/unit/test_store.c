/*
 * test_store.c -- the store writer thread: group commit, ids, duplicates,
 * last-seen, audit, a locked database failing a batch and the next batch
 * succeeding, start-up failure, and leftovers handed back by store_stop.
 * The test thread plays arcd's loop: notify writes to a pipe, the test
 * polls it with a deadline and collects with store_done().
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "db.h"
#include "tmpdb.h"

#define NREQ		5000
#define DEADLINE_MS	20000

struct fixture {
	char		 dir[256];
	char		 path[300];
	int		 pipe[2];
	struct store	*store;
};

static void
notify(void *arg)
{
	struct fixture	*f = arg;
	ssize_t		 n;

	n = write(f->pipe[1], "x", 1);	/* a full pipe is awake enough */
	(void)n;
}

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof *f);
	const char	*tmp = getenv("TMPDIR");
	struct db	*db;
	char		*cause = NULL;

	if (f == NULL || pipe(f->pipe) == -1)
		return (-1);
	snprintf(f->dir, sizeof f->dir, "%s/test_store.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(f->dir) == NULL)
		return (-1);
	snprintf(f->path, sizeof f->path, "%s/arc.db", f->dir);
	if ((db = db_open(f->path, DB_CREATE | DB_MIGRATE, &cause)) == NULL)
		fail_msg("db_open: %s", cause);
	db_close(db);
	f->store = store_start(f->path, notify, f, &cause);
	if (f->store == NULL)
		fail_msg("store_start: %s", cause);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	if (f->store != NULL)
		store_stop(f->store);
	close(f->pipe[0]);
	close(f->pipe[1]);
	tmpdb_remove(f->dir, f->path);
	free(f);
	return (0);
}

/* Collect n finished requests (in done order) into out; fail on timeout. */
static void
collect(struct fixture *f, struct store_req **out, size_t n)
{
	struct pollfd		 pfd = { .fd = f->pipe[0], .events = POLLIN };
	struct store_req	*req;
	size_t			 got = 0;
	char			 buf[256];

	while (got < n) {
		if (poll(&pfd, 1, DEADLINE_MS) != 1)
			fail_msg("no notify within %d ms (%zu/%zu)",
			    DEADLINE_MS, got, n);
		if (read(f->pipe[0], buf, sizeof buf) <= 0)
			fail_msg("read: %s", strerror(errno));
		for (req = store_done(f->store); req != NULL; req = req->next) {
			if (got == n)
				fail_msg("more requests done than submitted");
			out[got++] = req;
		}
	}
}

static void
fill_event(struct db_event *ev, int i)
{
	memset(ev, 0, sizeof *ev);
	snprintf(ev->protocol, sizeof ev->protocol, "dc09");
	snprintf(ev->account, sizeof ev->account, "%04X", i % 65536);
	ev->seq = i % 9999 + 1;
	snprintf(ev->token, sizeof ev->token, "ADM-CID");
	ev->dedupe = (int64_t)i * 2654435761LL;
	snprintf(ev->code, sizeof ev->code, "QA");
	snprintf(ev->raw_code, sizeof ev->raw_code, "101");
	ev->class = 1;
	snprintf(ev->zone, sizeof ev->zone, "%03d", i % 1000);
	snprintf(ev->source, sizeof ev->source, "127.0.0.1:4242/tcp");
	ev->received_at = 1700000000000LL + i;
	ev->raw = "\n5E1D0035\"ADM-CID\"0001L0#1234[#1234|1101 01 015]\r";
	ev->raw_len = strlen(ev->raw);
}

static int64_t
count_rows(const char *path, const char *sql)
{
	sqlite3		*sq;
	sqlite3_stmt	*st;
	int64_t		 n = -1;

	assert_int_equal(sqlite3_open(path, &sq), SQLITE_OK);
	if (sqlite3_prepare_v2(sq, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(sq));
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(sq);
	return (n);
}

static void
test_many(void **state)
{
	struct fixture		*f = *state;
	struct store_req	*req, **done;
	struct db_event		*ev;
	struct store_stats	 stats;
	int			 i;

	req = calloc(NREQ, sizeof *req);
	ev = calloc(NREQ, sizeof *ev);
	done = calloc(NREQ, sizeof *done);
	assert_true(req != NULL && ev != NULL && done != NULL);
	for (i = 0; i < NREQ; i++) {
		fill_event(&ev[i], i);
		req[i].op = STORE_EVENTS;
		req[i].ev = &ev[i];
		req[i].nev = 1;
		store_submit(f->store, &req[i]);
	}
	collect(f, done, NREQ);
	for (i = 0; i < NREQ; i++) {
		assert_ptr_equal(done[i], &req[i]);	/* submission order */
		assert_int_equal(req[i].result, 0);
		assert_true(ev[i].id > 0);
		if (i > 0)
			assert_true(ev[i].id > ev[i - 1].id);
	}
	assert_int_equal(count_rows(f->path, "SELECT count(*) FROM event"),
	    NREQ);
	assert_int_equal(count_rows(f->path, "SELECT count(*) FROM event "
	    "WHERE instr(raw, CAST('1101 01 015]' AS BLOB)) > 0 AND "
	    "code = 'QA' AND typeof(raw) = 'blob'"), NREQ);
	store_get_stats(f->store, &stats);
	assert_int_equal(stats.requests, NREQ);
	assert_int_equal(stats.failures, 0);
	assert_true(stats.batches >= 1 && stats.batches <= NREQ);
	free(req);
	free(ev);
	free(done);
}

static void
test_ops(void **state)
{
	struct fixture		*f = *state;
	struct store_req	 r[6], *done[6];
	struct db_event		 ev[3], bad[3];
	int			 i;

	memset(r, 0, sizeof r);
	for (i = 0; i < 3; i++) {
		fill_event(&ev[i], i);
		ev[i].part = i;
		fill_event(&bad[i], 10 + i);
	}
	bad[1].protocol[0] = '\0';		/* NOT NULL: the row fails */
	r[0] = (struct store_req){ .op = STORE_EVENTS, .ev = ev, .nev = 3 };
	r[1] = (struct store_req){ .op = STORE_EVENTS, .ev = bad, .nev = 3 };
	r[2] = (struct store_req){ .op = STORE_AUDIT, .actor = "arcd",
	    .action = "start", .subject = "arcd", .detail = "test" };
	for (i = 0; i < 3; i++)
		store_submit(f->store, &r[i]);
	collect(f, done, 3);
	assert_int_equal(r[0].result, 0);
	assert_int_equal(r[1].result, -1);		/* all or nothing */
	for (i = 0; i < 3; i++)
		assert_int_equal(bad[i].id, 0);
	assert_int_equal(r[2].result, 0);
	assert_int_equal(count_rows(f->path, "SELECT count(*) FROM event"), 3);

	r[3] = (struct store_req){ .op = STORE_DUPLICATE, .id = ev[1].id };
	r[4] = (struct store_req){ .op = STORE_DUPLICATE, .id = ev[1].id };
	r[5] = (struct store_req){ .op = STORE_DUPLICATE, .id = 424242 };
	for (i = 3; i < 6; i++)
		store_submit(f->store, &r[i]);
	collect(f, done, 3);
	assert_int_equal(r[3].result, 0);
	assert_int_equal(r[4].result, 0);
	assert_int_equal(r[5].result, -1);		/* no such event */
	assert_int_equal(count_rows(f->path, "SELECT dup_count FROM event "
	    "WHERE part = 1"), 2);
	assert_int_equal(count_rows(f->path, "SELECT count(*) FROM audit"), 1);
}

static void
test_lastseen(void **state)
{
	struct fixture		*f = *state;
	struct store_req	 r[2], *done[2];
	struct db_unit		 u;
	struct db		*db;
	char			*cause = NULL;

	db = db_open(f->path, 0, &cause);
	assert_non_null(db);
	memset(&u, 0, sizeof u);
	snprintf(u.account, sizeof u.account, "ABC123");
	assert_int_equal(db_unit_add(db, &u, NULL, &cause), 0);
	assert_int_equal(db_unit_version(db), 1);

	memset(r, 0, sizeof r);
	r[0] = (struct store_req){ .op = STORE_LASTSEEN, .id = 1,
	    .at = 1700000005000LL };
	r[1] = (struct store_req){ .op = STORE_LASTSEEN, .id = 1,
	    .at = 1700000001000LL };		/* older: ignored */
	store_submit(f->store, &r[0]);
	store_submit(f->store, &r[1]);
	collect(f, done, 2);
	assert_int_equal(r[0].result, 0);
	assert_int_equal(r[1].result, 0);
	assert_int_equal(count_rows(f->path, "SELECT last_seen FROM unit"),
	    1700000005000LL);
	assert_int_equal(db_unit_version(db), 1);	/* not a unit change */
	db_close(db);
}

static void
test_locked(void **state)
{
	struct fixture		*f = *state;
	struct store_req	 r[2], *done[1];
	struct db_event		 ev[2];
	struct store_stats	 stats;
	sqlite3			*sq;

	assert_int_equal(sqlite3_open(f->path, &sq), SQLITE_OK);
	assert_int_equal(sqlite3_exec(sq, "BEGIN EXCLUSIVE", NULL, NULL,
	    NULL), SQLITE_OK);
	memset(r, 0, sizeof r);
	fill_event(&ev[0], 1);
	fill_event(&ev[1], 2);
	r[0] = (struct store_req){ .op = STORE_EVENTS, .ev = &ev[0], .nev = 1 };
	r[1] = (struct store_req){ .op = STORE_EVENTS, .ev = &ev[1], .nev = 1 };
	store_submit(f->store, &r[0]);
	collect(f, done, 1);		/* after the 2 s busy timeout */
	assert_int_equal(r[0].result, -1);
	assert_int_equal(ev[0].id, 0);
	assert_int_equal(sqlite3_exec(sq, "COMMIT", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(sq);

	store_submit(f->store, &r[1]);
	collect(f, done, 1);
	assert_int_equal(r[1].result, 0);
	assert_true(ev[1].id > 0);
	store_get_stats(f->store, &stats);
	assert_int_equal(stats.failures, 1);
	assert_int_equal(stats.requests, 2);
}

static void
test_stop_leftovers(void **state)
{
	struct fixture		*f = *state;
	struct store_req	 r[10], *left;
	struct db_event		 ev[10];
	int			 i, n = 0;

	memset(r, 0, sizeof r);
	for (i = 0; i < 10; i++) {
		fill_event(&ev[i], i);
		r[i] = (struct store_req){ .op = STORE_EVENTS, .ev = &ev[i],
		    .nev = 1 };
		store_submit(f->store, &r[i]);
	}
	left = store_stop(f->store);
	f->store = NULL;
	for (; left != NULL; left = left->next) {
		assert_ptr_equal(left, &r[n]);
		assert_int_equal(left->result, 0);
		n++;
	}
	assert_int_equal(n, 10);
	assert_int_equal(count_rows(f->path, "SELECT count(*) FROM event"), 10);
}

static void
test_start_fails(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL, path[400];

	snprintf(path, sizeof path, "%s/missing.db", f->dir);
	assert_null(store_start(path, notify, f, &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, "no such database"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_many, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lastseen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_locked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_leftovers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_start_fails, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
