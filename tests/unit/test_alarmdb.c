/*
 * test_alarmdb.c -- alarms in db/ through the store writer: STORE_ALARM
 * inserts and updates an alarm, links its events, raises the high-water
 * mark only upwards and audits, all or nothing; STORE_NOTE; and the reads
 * arcd makes (open alarms, alarms closed since, events after an id, an
 * alarm's events newest first, its notes).
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

#define DEADLINE_MS	20000

struct fixture {
	char		 dir[256];
	char		 path[300];
	int		 pipe[2];
	struct store	*store;
	struct db	*db;		/* a reader, as arcd's loop has */
};

static void
notify(void *arg)
{
	struct fixture	*f = arg;
	ssize_t		 n;

	n = write(f->pipe[1], "x", 1);
	(void)n;
}

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof *f);
	const char	*tmp = getenv("TMPDIR");
	char		*cause = NULL;

	if (f == NULL || pipe(f->pipe) == -1)
		return (-1);
	snprintf(f->dir, sizeof f->dir, "%s/test_alarmdb.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(f->dir) == NULL)
		return (-1);
	snprintf(f->path, sizeof f->path, "%s/arc.db", f->dir);
	if ((f->db = db_open(f->path, DB_CREATE | DB_MIGRATE, &cause)) == NULL)
		fail_msg("db_open: %s", cause);
	if ((f->store = store_start(f->path, notify, f, &cause)) == NULL)
		fail_msg("store_start: %s", cause);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	store_stop(f->store);
	db_close(f->db);
	close(f->pipe[0]);
	close(f->pipe[1]);
	tmpdb_remove(f->dir, f->path);
	free(f);
	return (0);
}

/* Submit one request and wait for it. */
static int
run(struct fixture *f, struct store_req *req)
{
	struct pollfd		 pfd = { .fd = f->pipe[0], .events = POLLIN };
	struct store_req	*done = NULL;
	char			 buf[64];

	store_submit(f->store, req);
	while (done == NULL) {
		if (poll(&pfd, 1, DEADLINE_MS) != 1)
			fail_msg("no notify within %d ms", DEADLINE_MS);
		if (read(f->pipe[0], buf, sizeof buf) <= 0)
			fail_msg("read: %s", strerror(errno));
		done = store_done(f->store);
	}
	assert_ptr_equal(done, req);
	assert_null(done->next);
	return (req->result);
}

static int64_t
count_rows(struct db *db, const char *sql)
{
	int64_t	 n = tmpdb_count(db_sqlite(db), sql);

	if (n == -1)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db_sqlite(db)));
	return (n);
}

/* Store n events of account 100000 (class 1, zone 001); ids into ids. */
static void
events(struct fixture *f, struct db_event *ev, size_t n, int64_t *ids)
{
	struct store_req	 req;
	size_t			 i;

	for (i = 0; i < n; i++) {
		memset(&ev[i], 0, sizeof ev[i]);
		snprintf(ev[i].protocol, sizeof ev[i].protocol, "dc09");
		snprintf(ev[i].account, sizeof ev[i].account, "100000");
		snprintf(ev[i].token, sizeof ev[i].token, "ADM-CID");
		snprintf(ev[i].code, sizeof ev[i].code, "QA");
		snprintf(ev[i].zone, sizeof ev[i].zone, "001");
		ev[i].seq = (int)i + 1;
		ev[i].part = (int)i;
		ev[i].class = 1;
		ev[i].dedupe = (int64_t)i;
		ev[i].received_at = 1795000000000LL + (int64_t)i * 1000;
	}
	memset(&req, 0, sizeof req);
	req.op = STORE_EVENTS;
	req.ev = ev;
	req.nev = n;
	assert_int_equal(run(f, &req), 0);
	for (i = 0; i < n; i++)
		ids[i] = ev[i].id;
}

static void
alarm_init(struct db_alarm *a, int64_t id)
{
	memset(a, 0, sizeof *a);
	a->id = id;
	snprintf(a->account, sizeof a->account, "100000");
	a->class = 1;
	snprintf(a->code, sizeof a->code, "QA");
	snprintf(a->state, sizeof a->state, "waiting");
	a->opened_at = a->last_at = 1795000000000LL;
	a->count = 1;
}

static struct store_alarm	 part;	/* the one row of alarm_req */

/* A request writing alarm a (linking ids, raising the mark to hwm). */
static struct store_req
alarm_req(struct db_alarm *a, const int64_t *ids, size_t n, int64_t hwm,
    const char *action)
{
	struct store_req	 req;

	memset(&part, 0, sizeof part);
	part.row = *a;
	part.link = ids;
	part.nlink = n;
	part.actor = "arcd";
	part.action = action;
	part.detail = "";
	memset(&req, 0, sizeof req);
	req.op = STORE_ALARM;
	req.alarms = &part;
	req.nalarms = 1;
	req.hwm = hwm;
	return (req);
}

static int
collect_alarm(const struct db_alarm *a, void *arg)
{
	char	*out = arg;
	size_t	 len = strlen(out);

	snprintf(out + len, 256 - len, "%lld:%s:%s:%d;", (long long)a->id,
	    a->state, a->operator, a->count);
	return (0);
}

static void
test_alarm_write(void **state)
{
	struct fixture		*f = *state;
	struct db_event		 ev[3];
	struct db_alarm		 a;
	struct store_req	 req;
	int64_t			 ids[3];
	char			 out[256] = "";

	events(f, ev, 3, ids);
	assert_int_equal(db_alarm_max_id(f->db), 0);
	assert_int_equal(db_alarm_hwm(f->db), 0);

	alarm_init(&a, 1);
	req = alarm_req(&a, ids, 1, ids[0], "open");
	assert_int_equal(run(f, &req), 0);
	assert_int_equal(db_alarm_max_id(f->db), 1);
	assert_int_equal(db_alarm_hwm(f->db), ids[0]);

	/* An update of the same row: accepted, a second event attached. */
	snprintf(a.state, sizeof a.state, "handling");
	snprintf(a.operator, sizeof a.operator, "op1");
	a.offered_at = 1795000001000LL;
	a.accepted_at = 1795000002000LL;
	a.count = 2;
	req = alarm_req(&a, ids + 1, 1, ids[1], "accept");
	part.actor = "op1";
	assert_int_equal(run(f, &req), 0);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM alarm"), 1);
	assert_int_equal(count_rows(f->db, "SELECT accepted_at FROM alarm "
	    "WHERE id = 1 AND state = 'handling' AND operator = 'op1' AND "
	    "closed_at IS NULL"), 1795000002000LL);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM event WHERE "
	    "alarm_id = 1"), 2);
	assert_int_equal(db_alarm_hwm(f->db), ids[1]);

	/* A lower hwm and no action: the mark stays, no audit row. */
	req = alarm_req(&a, NULL, 0, ids[0], NULL);
	assert_int_equal(run(f, &req), 0);
	assert_int_equal(db_alarm_hwm(f->db), ids[1]);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM audit"), 2);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM audit WHERE "
	    "actor = 'op1' AND action = 'accept' AND subject = 'alarm 1'"), 1);

	assert_int_equal(db_alarm_foreach_open(f->db, collect_alarm, out), 0);
	assert_string_equal(out, "1:handling:op1:2;");

	/* All or nothing: a missing event fails the request, nothing moves. */
	alarm_init(&a, 2);
	ids[2] = 4242;
	req = alarm_req(&a, ids + 2, 1, 4242, "open");
	assert_int_equal(run(f, &req), -1);
	assert_int_equal(db_alarm_max_id(f->db), 1);
	assert_int_equal(db_alarm_hwm(f->db), ids[1]);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM audit"), 2);
	/* ... and an invalid row (class 4) too. */
	a.class = 4;
	req = alarm_req(&a, NULL, 0, 0, "open");
	assert_int_equal(run(f, &req), -1);
	assert_int_equal(db_alarm_max_id(f->db), 1);
}

static int
collect_note(const struct db_note *n, void *arg)
{
	char	*out = arg;
	size_t	 len = strlen(out);

	snprintf(out + len, 256 - len, "%lld:%lld:%s:%s;", (long long)n->id,
	    (long long)n->at, n->op, n->text);
	return (0);
}

static void
test_note(void **state)
{
	struct fixture		*f = *state;
	struct db_alarm		 a;
	struct store_req	 req;
	char			 out[256] = "";
	int64_t			 nev, nnotes;

	alarm_init(&a, 7);
	req = alarm_req(&a, NULL, 0, 0, "open");
	assert_int_equal(run(f, &req), 0);

	memset(&req, 0, sizeof req);
	req.op = STORE_NOTE;
	req.id = 7;
	req.at = 1795000010000LL;
	req.actor = "op1";
	req.detail = "spoke to Mary, she is fine";
	assert_int_equal(run(f, &req), 0);
	assert_int_equal(req.out_id, 1);	/* the note's id comes back */
	req.at = 1795000020000LL;
	req.detail = "son on his way";
	assert_int_equal(run(f, &req), 0);
	assert_int_equal(req.out_id, 2);
	req.id = 8;				/* no such alarm */
	assert_int_equal(run(f, &req), -1);

	/* Newest first; a page below an id; the counts. */
	assert_int_equal(db_alarm_notes(f->db, 7, 0, 50, collect_note, out),
	    0);
	assert_string_equal(out, "2:1795000020000:op1:son on his way;"
	    "1:1795000010000:op1:spoke to Mary, she is fine;");
	out[0] = '\0';
	assert_int_equal(db_alarm_notes(f->db, 7, 2, 50, collect_note, out),
	    0);
	assert_string_equal(out, "1:1795000010000:op1:spoke to Mary, she is "
	    "fine;");
	out[0] = '\0';
	assert_int_equal(db_alarm_notes(f->db, 7, 0, 1, collect_note, out),
	    0);
	assert_string_equal(out, "2:1795000020000:op1:son on his way;");
	assert_int_equal(db_alarm_counts(f->db, 7, &nev, &nnotes), 0);
	assert_int_equal(nnotes, 2);
	assert_int_equal(nev, 0);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM audit WHERE "
	    "action = 'note' AND actor = 'op1' AND subject = 'alarm 7'"), 2);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM alarm_note"),
	    2);
}

static void
test_open_and_since(void **state)
{
	struct fixture		*f = *state;
	struct db_alarm		 a;
	struct store_req	 req;
	char			 out[256] = "";
	int			 i;

	for (i = 1; i <= 4; i++) {
		alarm_init(&a, i);
		if (i % 2 == 0) {
			snprintf(a.state, sizeof a.state, "closed");
			snprintf(a.outcome, sizeof a.outcome, "false_alarm");
			a.closed_at = 1795000000000LL + i * 1000;
		}
		req = alarm_req(&a, NULL, 0, 0, NULL);
		assert_int_equal(run(f, &req), 0);
	}
	assert_int_equal(db_alarm_foreach_open(f->db, collect_alarm, out), 0);
	assert_string_equal(out, "1:waiting::1;3:waiting::1;");
	out[0] = '\0';
	assert_int_equal(db_alarm_foreach_since(f->db, 1795000002000LL,
	    collect_alarm, out), 0);
	assert_string_equal(out, "2:closed::1;4:closed::1;");
	out[0] = '\0';
	assert_int_equal(db_alarm_foreach_since(f->db, 1795000003000LL,
	    collect_alarm, out), 0);
	assert_string_equal(out, "4:closed::1;");
	assert_int_equal(db_alarm_max_id(f->db), 4);
}

static int
collect_event(const struct db_event *ev, void *arg)
{
	char	*out = arg;
	size_t	 len = strlen(out);

	snprintf(out + len, 256 - len, "%lld;", (long long)ev->id);
	return (0);
}

static void
test_events(void **state)
{
	struct fixture		*f = *state;
	struct db_event		 ev[5];
	struct db_alarm		 a;
	struct store_req	 req;
	int64_t			 ids[5], link[3];
	char			 out[256] = "", want[256];
	int64_t			 nev, nnotes;

	events(f, ev, 5, ids);
	assert_int_equal(db_event_foreach_after(f->db, ids[2], collect_event,
	    out), 0);
	snprintf(want, sizeof want, "%lld;%lld;", (long long)ids[3],
	    (long long)ids[4]);
	assert_string_equal(out, want);
	out[0] = '\0';
	assert_int_equal(db_event_foreach_after(f->db, ids[4], collect_event,
	    out), 0);
	assert_string_equal(out, "");

	alarm_init(&a, 3);
	link[0] = ids[0];
	link[1] = ids[2];
	link[2] = ids[3];
	req = alarm_req(&a, link, 3, 0, "open");
	assert_int_equal(run(f, &req), 0);
	out[0] = '\0';
	assert_int_equal(db_alarm_events(f->db, 3, 0, 20, collect_event, out), 0);
	snprintf(want, sizeof want, "%lld;%lld;%lld;", (long long)ids[3],
	    (long long)ids[2], (long long)ids[0]);
	assert_string_equal(out, want);
	out[0] = '\0';
	assert_int_equal(db_alarm_events(f->db, 3, 0, 2, collect_event, out),
	    0);
	snprintf(want, sizeof want, "%lld;%lld;", (long long)ids[3],
	    (long long)ids[2]);
	assert_string_equal(out, want);
	out[0] = '\0';			/* the page below the oldest shown */
	assert_int_equal(db_alarm_events(f->db, 3, ids[2], 20, collect_event,
	    out), 0);
	snprintf(want, sizeof want, "%lld;", (long long)ids[0]);
	assert_string_equal(out, want);
	assert_int_equal(db_alarm_counts(f->db, 3, &nev, &nnotes), 0);
	assert_int_equal(nev, 3);
	assert_int_equal(nnotes, 0);
	out[0] = '\0';
	assert_int_equal(db_alarm_events(f->db, 99, 0, 20, collect_event,
	    out), 0);
	assert_string_equal(out, "");
}

/* The hot insert touches no new index: event_alarm is partial. */
static void
test_plan(void **state)
{
	struct fixture	*f = *state;
	sqlite3_stmt	*st;
	const char	*detail;
	int		 used = 0;

	assert_int_equal(sqlite3_prepare_v2(db_sqlite(f->db), "EXPLAIN QUERY "
	    "PLAN SELECT id FROM event WHERE alarm_id = 3 ORDER BY id DESC",
	    -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		detail = (const char *)sqlite3_column_text(st, 3);
		if (detail != NULL && strstr(detail, "event_alarm") != NULL)
			used = 1;
	}
	sqlite3_finalize(st);
	assert_true(used);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM sqlite_master "
	    "WHERE type = 'index' AND tbl_name = 'event' AND sql NOT LIKE "
	    "'%WHERE%'"), 1);			/* only event_received_at */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alarm_write, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_note, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_and_since, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan, setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
