/*
 * test_db.c -- db/: migrations, version refusal, units, audit chain, events.
 * Every test works on a fresh database in a temporary directory.
 */
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

struct fixture {
	char	 dir[256];
	char	 path[300];
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof *f);
	const char	*tmp = getenv("TMPDIR");

	if (f == NULL)
		return (-1);
	snprintf(f->dir, sizeof f->dir, "%s/test_db.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(f->dir) == NULL)
		return (-1);
	snprintf(f->path, sizeof f->path, "%s/arc.db", f->dir);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	tmpdb_remove(f->dir, f->path);
	free(f);
	return (0);
}

static struct db *
open_new(struct fixture *f)
{
	struct db	*db;
	char		*cause = NULL;

	db = db_open(f->path, DB_CREATE | DB_MIGRATE, &cause);
	if (db == NULL)
		fail_msg("db_open: %s", cause);
	return (db);
}

static void
raw_exec(struct db *db, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db_sqlite(db), sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
}

static int64_t
count_rows(struct db *db, const char *sql)
{
	int64_t	 n = tmpdb_count(db_sqlite(db), sql);

	if (n == -1)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db_sqlite(db)));
	return (n);
}

/* db_audit_verify without its message (test_audit.c checks those). */
static int
audit_verify(struct db *db, int64_t *bad, int64_t *rows)
{
	char	*cause = NULL;
	int	 rc;

	rc = db_audit_verify(db, bad, rows, &cause);
	free(cause);
	return (rc);
}

static void
test_migrate(void **state)
{
	struct fixture	*f = *state;
	struct db	*db;
	char		*cause = NULL;

	assert_true(db_nmigrations >= 1);
	db = open_new(f);
	assert_int_equal(db_version(db), (int)db_nmigrations);
	assert_int_equal(db_unit_version(db), 0);
	db_close(db);

	/* Reopening (migrating or not) changes nothing. */
	db = db_open(f->path, DB_MIGRATE, &cause);
	assert_non_null(db);
	assert_int_equal(db_version(db), (int)db_nmigrations);
	db_close(db);
	db = db_open(f->path, 0, &cause);
	assert_non_null(db);
	assert_int_equal(db_version(db), (int)db_nmigrations);
	db_close(db);
}

static void
test_no_such(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;

	assert_null(db_open(f->path, DB_MIGRATE, &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, "no such database"));
	free(cause);
	assert_int_equal(access(f->path, F_OK), -1);
}

static void
test_newer_refused(void **state)
{
	struct fixture	*f = *state;
	struct db	*db;
	char		*cause = NULL, sql[64];

	db = open_new(f);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %zu",
	    db_nmigrations + 1);
	raw_exec(db, sql);
	db_close(db);

	assert_null(db_open(f->path, DB_MIGRATE, &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, "newer than this program"));
	free(cause);
}

static void
test_older_needs_migrate(void **state)
{
	struct fixture	*f = *state;
	struct db	*db;
	char		*cause = NULL;
	sqlite3		*sq;

	assert_int_equal(sqlite3_open(f->path, &sq), SQLITE_OK);
	assert_int_equal(sqlite3_exec(sq, "CREATE TABLE x (y)", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(sq);

	assert_null(db_open(f->path, 0, &cause));
	assert_non_null(strstr(cause, "older than this program"));
	free(cause);
	db = db_open(f->path, DB_MIGRATE, &cause);
	assert_non_null(db);
	assert_int_equal(db_version(db), (int)db_nmigrations);
	db_close(db);
}

/* A key file in memory: the tests of db_keyfile.c are test_keyfile.c. */
static const struct db_keyfile test_kf = { .key = { 1, 2, 3, 4, 5 } };

static int
unit_add(struct db *db, const char *acct, const char *key, int interval,
    char **cause)
{
	struct db_unit	 u;

	memset(&u, 0, sizeof u);
	snprintf(u.account, sizeof u.account, "%s", acct);
	snprintf(u.key, sizeof u.key, "%s", key != NULL ? key : "");
	snprintf(u.client, sizeof u.client, "C-%s", acct);
	u.interval = interval;
	*cause = NULL;
	return (db_unit_add(db, &u, &test_kf, cause));
}

static void
expect_refused(struct db *db, const char *acct, const char *key,
    int interval, const char *why)
{
	char	*cause = NULL;

	if (unit_add(db, acct, key, interval, &cause) != -1)
		fail_msg("%s key %s interval %d: accepted", acct,
		    key != NULL ? key : "-", interval);
	assert_non_null(cause);
	if (strstr(cause, why) == NULL)
		fail_msg("%s: cause \"%s\" lacks \"%s\"", acct, cause, why);
	if (key != NULL && *key != '\0' && strstr(cause, key) != NULL)
		fail_msg("cause shows the key: %s", cause);
	free(cause);
}

struct collect {
	int		 n;
	struct db_unit	 u[8];
};

static int
collect_unit(const struct db_unit *u, void *arg)
{
	struct collect	*c = arg;

	if (c->n < 8)
		c->u[c->n] = *u;
	c->n++;
	return (0);
}

static void
test_unit_add(void **state)
{
	struct fixture	*f = *state;
	struct db	*db = open_new(f);
	struct collect	 c = { 0 };
	char		*cause, key[80];
	int64_t		 bad, rows;

	/* Each unit names its client C-ACCOUNT, which must exist. */
	raw_exec(db, "INSERT INTO client (ref, name) VALUES ('C-1234', 'A'), "
	    "('C-abcdef', 'B'), ('C-FFFFFFFFFFFFFFFF', 'C')");
	assert_int_equal(unit_add(db, "1234", NULL, 0, &cause), 0);
	assert_int_equal(db_unit_version(db), 1);
	assert_int_equal(unit_add(db, "abcdef", "ascii:0123456789abcdef", 20,
	    &cause), 0);
	assert_int_equal(unit_add(db, "FFFFFFFFFFFFFFFF",
	    "hex:000102030405060708090a0b0c0d0e0f", 90000, &cause), 0);
	assert_int_equal(db_unit_version(db), 3);

	expect_refused(db, "1234", NULL, 0, "account 1234 exists");
	expect_refused(db, "ABCDEF", NULL, 0, "account ABCDEF exists");
	expect_refused(db, "12G4", NULL, 0, "account 12G4: not 3-16 hex");
	expect_refused(db, "12", NULL, 0, "not 3-16 hex digits");
	expect_refused(db, "", NULL, 0, "not 3-16 hex digits");
	expect_refused(db, "12 4", NULL, 0, "not 3-16 hex digits");
	expect_refused(db, "999", "ascii:short", 0, "key");
	expect_refused(db, "999", "hex:zz", 0, "key");
	expect_refused(db, "999", "0123456789abcdef", 0, "key");
	expect_refused(db, "999", NULL, 19, "interval 19");
	expect_refused(db, "999", NULL, 90001, "interval 90001");
	expect_refused(db, "999", NULL, 0, "account 999: no client C-999");
	assert_int_equal(db_unit_version(db), 3);

	assert_int_equal(db_unit_foreach(db, collect_unit, &c), 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.u[0].account, "1234");
	assert_string_equal(c.u[0].key, "");
	assert_string_equal(c.u[1].account, "ABCDEF");
	assert_true(db_keyfile_sealed(c.u[1].key));	/* stored sealed */
	assert_int_equal(db_keyfile_unseal(&test_kf, "dc09", "ABCDEF",
	    c.u[1].key, key, sizeof key), 0);
	assert_string_equal(key, "ascii:0123456789abcdef");
	assert_string_equal(c.u[1].client, "C-abcdef");
	assert_string_equal(c.u[1].protocol, "dc09");
	assert_int_equal(c.u[1].interval, 20);
	assert_int_equal(c.u[1].last_seen, 0);

	/* last_seen is not a unit change; a key change is. */
	assert_int_equal(db_unit_seen(db, c.u[0].id, 1700000000000LL), 0);
	assert_int_equal(db_unit_version(db), 3);
	raw_exec(db, "UPDATE unit SET key = NULL WHERE account = 'ABCDEF'");
	assert_int_equal(db_unit_version(db), 4);
	raw_exec(db, "DELETE FROM unit WHERE account = 'ABCDEF'");
	assert_int_equal(db_unit_version(db), 5);

	/* One audit row per successful add, and it holds no key. */
	assert_int_equal(audit_verify(db, &bad, &rows), 0);
	assert_int_equal(rows, 3);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM audit WHERE "
	    "detail LIKE '%0123%' OR detail LIKE '%0001%'"), 0);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM audit WHERE "
	    "detail LIKE '%key=ascii%'"), 1);
	db_close(db);
}

static void
test_audit_chain(void **state)
{
	struct fixture	*f = *state;
	struct db	*db = open_new(f);
	sqlite3		*sq = db_sqlite(db);
	int64_t		 bad, rows;
	int		 i;

	assert_int_equal(audit_verify(db, &bad, &rows), 0);
	assert_int_equal(rows, 0);
	for (i = 0; i < 5; i++)
		assert_int_equal(db_audit(db, "op1", "alarm accept", "A42",
		    i == 2 ? NULL : "detail"), 0);
	assert_int_equal(audit_verify(db, &bad, &rows), 0);
	assert_int_equal(rows, 5);

	/* Append-only. */
	assert_int_not_equal(sqlite3_exec(sq, "UPDATE audit SET detail = 'x' "
	    "WHERE id = 2", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(sq, "DELETE FROM audit WHERE id = 5",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(audit_verify(db, &bad, &rows), 0);

	/* Tamper behind the triggers' back: row 3 is named. */
	raw_exec(db, "DROP TRIGGER audit_no_update");
	raw_exec(db, "UPDATE audit SET actor = 'op2' WHERE id = 3");
	assert_int_equal(audit_verify(db, &bad, &rows), -1);
	assert_int_equal(bad, 3);
	assert_int_equal(rows, 2);

	/* A deleted row is named: the first row missing. */
	raw_exec(db, "UPDATE audit SET actor = 'op1' WHERE id = 3");
	assert_int_equal(audit_verify(db, &bad, &rows), 0);
	raw_exec(db, "DROP TRIGGER audit_no_delete");
	raw_exec(db, "DELETE FROM audit WHERE id = 2");
	assert_int_equal(audit_verify(db, &bad, &rows), -1);
	assert_int_equal(bad, 2);
	db_close(db);
}

static const char raw_frame[] = "\n1234\"ADM-CID\"0001L0#1234[\x01\xff]\r";

static void
fill_event(struct db_event *ev, int i, int64_t at)
{

	memset(ev, 0, sizeof *ev);
	snprintf(ev->protocol, sizeof ev->protocol, "dc09");
	snprintf(ev->account, sizeof ev->account, "1234");
	ev->seq = i;
	snprintf(ev->token, sizeof ev->token, "ADM-CID");
	ev->dedupe = 0x7fffffff00000000LL + i;
	snprintf(ev->code, sizeof ev->code, "QA");
	snprintf(ev->raw_code, sizeof ev->raw_code, "101");
	ev->class = 1;
	snprintf(ev->zone, sizeof ev->zone, "015");
	ev->received_at = at;
	ev->flags = EVENT_UNREGISTERED;
	ev->raw = raw_frame;
	ev->raw_len = sizeof raw_frame - 1;
}

static int
count_event(const struct db_event *ev, void *arg)
{
	int	*n = arg;

	assert_int_equal(ev->seq, 100 + *n);
	assert_string_equal(ev->code, "QA");
	assert_string_equal(ev->zone, "015");
	assert_string_equal(ev->area, "");
	assert_int_equal(ev->unit_id, 0);
	assert_int_equal(ev->raw_len, sizeof raw_frame - 1);
	assert_memory_equal(ev->raw, raw_frame, sizeof raw_frame - 1);
	assert_int_equal(ev->dup_count, *n == 0 ? 2 : 0);
	(*n)++;
	return (0);
}

static int
count_dedupe(int64_t dedupe, int64_t id, void *arg)
{
	int	*n = arg;

	assert_true(dedupe > 0x7fffffff00000000LL);
	assert_true(id > 0);
	(*n)++;
	return (0);
}

static void
test_events(void **state)
{
	struct fixture	*f = *state;
	struct db	*db = open_new(f);
	struct db_event	 ev[4];
	int		 i, n;

	assert_int_equal(db_begin(db), 0);
	for (i = 0; i < 4; i++) {
		fill_event(&ev[i], 98 + i, 1000 + i * 1000);
		assert_int_equal(db_event_insert(db, &ev[i]), 0);
		assert_true(ev[i].id > 0);
	}
	assert_int_equal(db_commit(db), 0);
	assert_int_equal(db_event_duplicate(db, ev[2].id), 0);
	assert_int_equal(db_event_duplicate(db, ev[2].id), 0);
	assert_int_equal(db_event_duplicate(db, 999999), -1);

	n = 0;
	assert_int_equal(db_event_foreach(db, 3000, count_event, &n), 0);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(db_dedupe_foreach(db, 2000, count_dedupe, &n), 0);
	assert_int_equal(n, 3);
	db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_such, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_older_needs_migrate,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unit_add, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_chain, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_events, setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
