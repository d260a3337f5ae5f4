/*
 * test_keyfile.c -- unit keys at rest (db/db_keyfile.c): the key file is
 * made 0600 and refused when loose or malformed; a sealed key opens only
 * with its key file, for its unit, unchanged; units store their keys
 * sealed, and keys stored in the clear before are sealed in place.
 */
#include <sys/stat.h>

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

#define KEY	"ascii:0123456789abcdef"

struct fixture {
	char	 dir[256];
	char	 path[300];
	char	 keypath[310];
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof *f);

	if (f == NULL || tmpdb_make("test_keyfile", f->dir, sizeof f->dir,
	    f->path, sizeof f->path) == -1)
		return (-1);
	if (db_keyfile_path(f->path, f->keypath, sizeof f->keypath) == -1)
		return (-1);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	unlink(f->keypath);
	tmpdb_remove(f->dir, f->path);
	free(f);
	return (0);
}

static void
expect_load_refused(const char *path, const char *why)
{
	struct db_keyfile	 kf;
	char			*cause = NULL;

	assert_int_equal(db_keyfile_load(path, &kf, &cause), -1);
	if (strstr(cause, why) == NULL || strstr(cause, path) == NULL)
		fail_msg("cause \"%s\" lacks \"%s\" or the path", cause, why);
	free(cause);
}

static void
test_make_load(void **state)
{
	struct fixture		*f = *state;
	struct db_keyfile	 kf, again;
	struct stat		 st;
	char			*cause = NULL;
	FILE			*fp;

	assert_string_equal(f->keypath + strlen(f->path), ".key");
	expect_load_refused(f->keypath, "No such file");
	assert_int_equal(db_keyfile_make(f->keypath, &cause), 0);
	assert_int_equal(stat(f->keypath, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 65);
	assert_int_equal(db_keyfile_make(f->keypath, &cause), 1); /* kept */
	assert_int_equal(db_keyfile_load(f->keypath, &kf, &cause), 0);
	assert_string_equal(kf.path, f->keypath);
	assert_int_equal(db_keyfile_load(f->keypath, &again, &cause), 0);
	assert_memory_equal(kf.key, again.key, sizeof kf.key);

	assert_int_equal(chmod(f->keypath, 0644), 0);
	expect_load_refused(f->keypath, "readable by group or others (mode "
	    "0644); chmod 600 it");
	assert_int_equal(chmod(f->keypath, 0600), 0);
	fp = fopen(f->keypath, "w");
	assert_non_null(fp);
	fputs("0123456789abcdef\n", fp);	/* too short */
	fclose(fp);
	expect_load_refused(f->keypath, "not 64 hex digits");
	db_keyfile_clear(&kf);
}

static void
test_seal_unseal(void **state)
{
	struct db_keyfile	 kf = { .key = { 7 } }, other = { .key = { 8 } };
	struct db_unit		 u;
	char			 a[sizeof u.key], b[sizeof u.key], plain[80];
	char			 hex[80];

	(void)state;
	assert_int_equal(db_keyfile_seal(&kf, "dc09", "ABCDEF", KEY, a,
	    sizeof a), 0);
	assert_true(db_keyfile_sealed(a));
	assert_null(strstr(a, "0123456789abcdef"));
	assert_int_equal(db_keyfile_unseal(&kf, "dc09", "ABCDEF", a, plain,
	    sizeof plain), 0);
	assert_string_equal(plain, KEY);
	/* A fresh nonce each time: the same key never seals the same. */
	assert_int_equal(db_keyfile_seal(&kf, "dc09", "ABCDEF", KEY, b,
	    sizeof b), 0);
	assert_string_not_equal(a, b);
	/* Another key file, another unit, a changed byte: nothing opens. */
	assert_int_equal(db_keyfile_unseal(&other, "dc09", "ABCDEF", a, plain,
	    sizeof plain), -1);
	assert_int_equal(db_keyfile_unseal(&kf, "dc09", "ABCDEE", a, plain,
	    sizeof plain), -1);
	a[10] = a[10] == 'A' ? 'B' : 'A';
	assert_int_equal(db_keyfile_unseal(&kf, "dc09", "ABCDEF", a, plain,
	    sizeof plain), -1);
	assert_int_equal(db_keyfile_unseal(&kf, "dc09", "ABCDEF", KEY, plain,
	    sizeof plain), -1);
	assert_int_equal(db_keyfile_unseal(&kf, "dc09", "ABCDEF", "enc:%%%",
	    plain, sizeof plain), -1);
	assert_int_equal(db_keyfile_unseal(&kf, "dc09", "ABCDEF", "enc:",
	    plain, sizeof plain), -1);
	/* The longest key (AES-256 in hex) fits a unit row sealed. */
	memset(hex, 0, sizeof hex);
	memcpy(hex, "hex:", 4);
	memset(hex + 4, 'f', 64);
	assert_int_equal(db_keyfile_seal(&kf, "dc09", "FFFFFFFFFFFFFFFF", hex,
	    a, sizeof a), 0);
	assert_int_equal(db_keyfile_unseal(&kf, "dc09", "FFFFFFFFFFFFFFFF", a,
	    plain, sizeof plain), 0);
	assert_string_equal(plain, hex);
}

static int
first_key(const struct db_unit *u, void *arg)
{
	snprintf(arg, sizeof u->key, "%s", u->key);
	return (1);
}

static void
test_units_sealed(void **state)
{
	struct fixture		*f = *state;
	struct db_keyfile	 kf = { .key = { 9 } };
	struct db_unit		 u;
	struct db		*db;
	char			*cause = NULL, stored[sizeof u.key], plain[80];
	int64_t			 bad, rows;
	int			 n;

	db = db_open(f->path, DB_CREATE | DB_MIGRATE, &cause);
	assert_non_null(db);
	memset(&u, 0, sizeof u);
	snprintf(u.account, sizeof u.account, "abcdef");
	snprintf(u.key, sizeof u.key, KEY);
	assert_int_equal(db_unit_add(db, &u, NULL, &cause), -1);
	assert_non_null(strstr(cause, "no key file"));
	assert_null(strstr(cause, "0123"));
	free(cause);
	assert_int_equal(db_unit_add(db, &u, &kf, &cause), 0);
	assert_int_equal(tmpdb_count(db_sqlite(db), "SELECT count(*) FROM "
	    "unit WHERE key LIKE 'enc:%' AND key NOT LIKE '%0123%'"), 1);
	assert_int_equal(db_unit_foreach(db, first_key, stored), 0);
	assert_int_equal(db_keyfile_unseal(&kf, "dc09", "ABCDEF", stored,
	    plain, sizeof plain), 0);
	assert_string_equal(plain, KEY);

	/* A key stored in the clear before sealing existed is sealed. */
	assert_int_equal(sqlite3_exec(db_sqlite(db), "UPDATE unit SET key = '"
	    KEY "'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_unit_seal_keys(db, &kf, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(db_unit_foreach(db, first_key, stored), 0);
	assert_int_equal(db_keyfile_unseal(&kf, "dc09", "ABCDEF", stored,
	    plain, sizeof plain), 0);
	assert_string_equal(plain, KEY);
	assert_int_equal(db_unit_seal_keys(db, &kf, &n, &cause), 0);
	assert_int_equal(n, 0);				/* nothing left */
	assert_int_equal(db_audit_verify(db, &bad, &rows, &cause), 0);
	assert_int_equal(tmpdb_count(db_sqlite(db), "SELECT count(*) FROM "
	    "audit WHERE action = 'unit keys sealed' AND detail = 'keys=1'"),
	    1);
	db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_make_load, setup,
		    teardown),
		cmocka_unit_test(test_seal_unseal),
		cmocka_unit_test_setup_teardown(test_units_sealed, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
