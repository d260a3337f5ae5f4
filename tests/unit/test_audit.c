/*
 * test_audit.c -- the audit chain's head (migration 0006, db_audit.c):
 * moved with every row and undone with it, a deleted tail named by
 * arcctl audit verify's check and still visible after later rows, a head
 * rewritten or missing, a head logged outside the database (an older copy
 * restored is caught by it), the migration starting the head from an
 * existing chain, and the store writer's copy of the head. Tampering goes
 * through the raw SQLite handle, as an attacker with the file would.
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
	char		 dir[256];
	char		 path[300];
	struct db	*db;
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof *f);
	char		*cause = NULL;

	if (f == NULL || tmpdb_make("test_audit", f->dir, sizeof f->dir,
	    f->path, sizeof f->path) == -1)
		return (-1);
	f->db = db_open(f->path, DB_CREATE | DB_MIGRATE, &cause);
	if (f->db == NULL)
		fail_msg("db_open: %s", cause);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	db_close(f->db);
	tmpdb_remove(f->dir, f->path);
	free(f);
	return (0);
}

static void
raw_exec(struct db *db, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db_sqlite(db), sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
}

static int
raw_refused(struct db *db, const char *sql)
{
	return (sqlite3_exec(db_sqlite(db), sql, NULL, NULL, NULL) !=
	    SQLITE_OK);
}

static int64_t
count_rows(struct db *db, const char *sql)
{
	int64_t	 n = tmpdb_count(db_sqlite(db), sql);

	if (n == -1)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db_sqlite(db)));
	return (n);
}

static void
add_rows(struct db *db, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		assert_int_equal(db_audit(db, "op1", "accept", "alarm 7",
		    "detail"), 0);
}

/* Verify must fail, name row bad and say want. */
static void
expect_broken(struct db *db, int64_t bad, const char *want)
{
	int64_t	 b, rows;
	char	*cause = NULL;

	if (db_audit_verify(db, &b, &rows, &cause) != -1)
		fail_msg("verify passed, expected \"%s\"", want);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("cause \"%s\" lacks \"%s\"", cause, want);
	assert_int_equal(b, bad);
	free(cause);
}

static void
expect_intact(struct db *db, int64_t nrows)
{
	int64_t	 b, rows;
	char	*cause = NULL;

	if (db_audit_verify(db, &b, &rows, &cause) != 0)
		fail_msg("verify: %s", cause);
	assert_null(cause);
	assert_int_equal(rows, nrows);
}

/* The stored hash of row id, read apart from db/'s SQL. */
static void
row_hash(struct db *db, int64_t id, uint8_t hash[DB_AUDIT_HASH])
{
	sqlite3_stmt	*st;

	assert_int_equal(sqlite3_prepare_v2(db_sqlite(db),
	    "SELECT hash FROM audit WHERE id = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_bytes(st, 0), DB_AUDIT_HASH);
	memcpy(hash, sqlite3_column_blob(st, 0), DB_AUDIT_HASH);
	sqlite3_finalize(st);
}

static void
expect_head(struct db *db, int64_t seq)
{
	uint8_t	 hash[DB_AUDIT_HASH], want[DB_AUDIT_HASH];
	int64_t	 got;

	assert_int_equal(db_audit_head(db, &got, hash), 0);
	assert_int_equal(got, seq);
	if (seq == 0)
		memset(want, 0, sizeof want);
	else
		row_hash(db, seq, want);
	assert_memory_equal(hash, want, DB_AUDIT_HASH);
}

static void
hex(const uint8_t *hash, size_t n, char *out)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", hash[i]);
}

static void
test_head_follows_every_row(void **state)
{
	struct fixture	*f = *state;

	expect_head(f->db, 0);
	expect_intact(f->db, 0);
	add_rows(f->db, 5);
	expect_head(f->db, 5);
	expect_intact(f->db, 5);

	/* The head refuses to go back or away, as the rows do. */
	assert_true(raw_refused(f->db, "UPDATE audit_head SET seq = 4"));
	assert_true(raw_refused(f->db, "DELETE FROM audit_head"));
	assert_true(raw_refused(f->db, "INSERT INTO audit_head (id, seq, hash) "
	    "VALUES (2, 9, zeroblob(32))"));
	expect_head(f->db, 5);
}

static void
test_truncated_tail_is_named(void **state)
{
	struct fixture	*f = *state;

	add_rows(f->db, 10);
	expect_intact(f->db, 10);
	raw_exec(f->db, "DROP TRIGGER audit_no_delete");
	raw_exec(f->db, "DELETE FROM audit WHERE id > 6");
	expect_broken(f->db, 7, "the chain ends at row 6 but its head says "
	    "10: rows 7 to 10 deleted");

	/* Later rows follow the head: the gap stays in the chain. */
	add_rows(f->db, 2);
	expect_head(f->db, 12);
	expect_broken(f->db, 7, "rows 7 to 10 missing (deleted): row 11 "
	    "follows row 6");

	/* The first rows gone. */
	raw_exec(f->db, "DELETE FROM audit WHERE id <= 6");
	expect_broken(f->db, 1, "rows 1 to 10 missing (deleted): the chain "
	    "starts at row 11");
}

static void
test_last_row_deleted(void **state)
{
	struct fixture	*f = *state;

	add_rows(f->db, 3);
	raw_exec(f->db, "DROP TRIGGER audit_no_delete");
	raw_exec(f->db, "DELETE FROM audit WHERE id = 3");
	expect_broken(f->db, 3, "the chain ends at row 2 but its head says 3: "
	    "row 3 deleted");
	raw_exec(f->db, "DELETE FROM audit");
	expect_broken(f->db, 1, "the chain ends at row 0 but its head says 3: "
	    "rows 1 to 3 deleted");
}

static void
test_head_undone_with_its_row(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 before[DB_AUDIT_HASH], after[DB_AUDIT_HASH];
	int64_t		 seq;

	add_rows(f->db, 5);
	assert_int_equal(db_audit_head(f->db, &seq, before), 0);

	/* A row in a caller's transaction moves the head; a rollback both. */
	assert_int_equal(db_begin(f->db), 0);
	add_rows(f->db, 1);
	expect_head(f->db, 6);
	db_rollback(f->db);
	assert_int_equal(db_audit_head(f->db, &seq, after), 0);
	assert_int_equal(seq, 5);
	assert_memory_equal(before, after, DB_AUDIT_HASH);
	expect_intact(f->db, 5);

	/* A row that fails to insert leaves the head as it was. */
	raw_exec(f->db, "CREATE TRIGGER no_rows BEFORE INSERT ON audit "
	    "BEGIN SELECT RAISE(ABORT, 'no'); END");
	assert_int_equal(db_audit(f->db, "op1", "accept", "alarm 7", ""), -1);
	raw_exec(f->db, "DROP TRIGGER no_rows");
	expect_head(f->db, 5);

	/*
	 * A head that fails to move takes its row with it, even inside a
	 * caller's transaction that goes on and commits (the store's
	 * careful retry): one statement.
	 */
	raw_exec(f->db, "CREATE TRIGGER no_head BEFORE UPDATE ON audit_head "
	    "BEGIN SELECT RAISE(ABORT, 'no'); END");
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(db_audit(f->db, "op1", "accept", "alarm 7", ""), -1);
	assert_int_equal(db_commit(f->db), 0);
	raw_exec(f->db, "DROP TRIGGER no_head");
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM audit"), 5);
	expect_head(f->db, 5);
	expect_intact(f->db, 5);
	add_rows(f->db, 1);
	expect_intact(f->db, 6);
}

static void
test_head_tampered(void **state)
{
	struct fixture	*f = *state;

	add_rows(f->db, 5);

	/* A head moved back behind the triggers' back. */
	raw_exec(f->db, "DROP TRIGGER audit_head_forward");
	raw_exec(f->db, "UPDATE audit_head SET seq = 3");
	expect_broken(f->db, 4, "the chain ends at row 5 but its head says 3: "
	    "rows 4 to 5 added behind the head's back");

	/* Right seq, wrong hash: the last row is not the one recorded. */
	raw_exec(f->db, "UPDATE audit_head SET seq = 5, hash = zeroblob(32)");
	expect_broken(f->db, 5, "row 5 is not the row its head recorded");

	/* No head at all; the next row puts one back. */
	raw_exec(f->db, "DROP TRIGGER audit_head_no_delete");
	raw_exec(f->db, "DELETE FROM audit_head");
	expect_broken(f->db, 0, "no head record");
	add_rows(f->db, 1);
	expect_head(f->db, 6);
	expect_intact(f->db, 6);
}

static void
test_logged_head(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 hash[DB_AUDIT_HASH];
	char		 h[2 * DB_AUDIT_HASH + 1], *cause = NULL;
	int64_t		 seq;

	/* The empty chain's head. */
	assert_int_equal(db_audit_verify_logged(f->db, 0, "0000000000000000",
	    &cause), 0);
	assert_int_equal(db_audit_verify_logged(f->db, 0, "0000000000000001",
	    &cause), -1);
	free(cause);

	add_rows(f->db, 5);
	assert_int_equal(db_audit_head(f->db, &seq, hash), 0);
	hex(hash, 8, h);			/* what arcd logs */
	assert_int_equal(db_audit_verify_logged(f->db, 5, h, &cause), 0);
	add_rows(f->db, 3);			/* a logged head stays valid */
	assert_int_equal(db_audit_verify_logged(f->db, 5, h, &cause), 0);
	h[3] = h[3] == 'a' ? 'b' : 'a';
	assert_int_equal(db_audit_verify_logged(f->db, 5, h, &cause), -1);
	assert_non_null(strstr(cause, "the chain was rewritten"));
	free(cause);
	assert_int_equal(db_audit_verify_logged(f->db, 5, "xyz", &cause), -1);
	free(cause);

	/*
	 * An older copy restored: rows 6 to 8 and the head rolled back
	 * together. The database alone is consistent; the logged head of
	 * row 8 is not in it.
	 */
	assert_int_equal(db_audit_head(f->db, &seq, hash), 0);
	hex(hash, 8, h);
	raw_exec(f->db, "DROP TRIGGER audit_no_delete");
	raw_exec(f->db, "DROP TRIGGER audit_head_forward");
	raw_exec(f->db, "DELETE FROM audit WHERE id > 5");
	raw_exec(f->db, "UPDATE audit_head SET seq = 5, hash = (SELECT hash "
	    "FROM audit WHERE id = 5)");
	expect_intact(f->db, 5);
	assert_int_equal(db_audit_verify_logged(f->db, 8, h, &cause), -1);
	assert_non_null(strstr(cause, "the logged head is row 8 but the chain "
	    "ends at row 5"));
	free(cause);
}

/* Migration 0006 starts the head from the chain already there. */
static void
test_migration_starts_head(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;

	add_rows(f->db, 4);
	raw_exec(f->db, "DROP TRIGGER audit_head_follow");
	raw_exec(f->db, "DROP TABLE audit_head");
	/* Migration 0006 alone, on a chain written before it. */
	raw_exec(f->db, db_migrations[5]);
	db_close(f->db);
	f->db = db_open(f->path, DB_MIGRATE, &cause);
	if (f->db == NULL)
		fail_msg("db_open: %s", cause);
	expect_head(f->db, 4);
	expect_intact(f->db, 4);
	add_rows(f->db, 1);
	expect_head(f->db, 5);
	expect_intact(f->db, 5);
}

/* The writer's copy: at start-up, then after each audited batch. */
static void
test_store_head(void **state)
{
	struct fixture		*f = *state;
	struct store		*s;
	struct store_req	 r;
	uint8_t			 hash[DB_AUDIT_HASH], want[DB_AUDIT_HASH];
	int64_t			 seq;
	char			*cause = NULL;

	add_rows(f->db, 2);
	s = store_start(f->path, NULL, NULL, &cause);
	if (s == NULL)
		fail_msg("store_start: %s", cause);
	store_audit_head(s, &seq, hash);
	assert_int_equal(seq, 2);
	row_hash(f->db, 2, want);
	assert_memory_equal(hash, want, DB_AUDIT_HASH);

	r = (struct store_req){ .op = STORE_AUDIT, .actor = "arcd",
	    .action = "start", .subject = "", .detail = "" };
	store_submit(s, &r);
	store_drain(s);
	assert_ptr_equal(store_done(s), &r);
	assert_int_equal(r.result, 0);
	store_audit_head(s, &seq, hash);
	assert_int_equal(seq, 3);
	row_hash(f->db, 3, want);
	assert_memory_equal(hash, want, DB_AUDIT_HASH);
	assert_null(store_stop(s));
	expect_intact(f->db, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_head_follows_every_row,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_tail_is_named,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_last_row_deleted, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_head_undone_with_its_row,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_head_tampered, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_logged_head, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migration_starts_head,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_head, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
