/*
 * fuzz_units.c -- libFuzzer target for db_unit_import: the input is the
 * text of a unit CSV file (as arcctl export units writes it), imported
 * into a real database with a key file, both made once per process in a
 * temporary directory.
 *
 * The database holds client C-0001 and unit 0001, so a file naming them
 * meets a client that exists and a duplicate. Invariants: all or nothing
 * -- on success *cause is NULL and exactly *n units are new, each with an
 * upper-case hex account of 3-16 digits, an interval of 0 or 20..90000,
 * a client that exists or none, and a key that is NULL or sealed and
 * opens with the key file; on failure *n is 0, nothing is new and every
 * line of *cause names the file and is valid UTF-8 without control
 * characters. No transaction is left open. The new units are deleted
 * after each input. FUZZ_VERBOSE=1 prints each result.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"
#include "runtime.h"

#define FUZZ_NAME	"units.csv"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct db		*fuzz_db;
static struct db_keyfile	 fuzz_kf;
static char			 fuzz_dir[64];

static void
fuzz_path(char *buf, size_t size, const char *suffix)
{
	int	 r;

	r = snprintf(buf, size, "%s/units.db%s", fuzz_dir, suffix);
	if (r < 0 || (size_t)r >= size)
		abort();
}

static void
fuzz_cleanup(void)
{
	static const char *const suffixes[] = { "", "-wal", "-shm",
	    "-journal", ".key" };
	char	 path[128];
	size_t	 i;

	db_close(fuzz_db);
	fuzz_db = NULL;
	db_keyfile_clear(&fuzz_kf);
	for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		fuzz_path(path, sizeof path, suffixes[i]);
		unlink(path);
	}
	rmdir(fuzz_dir);
}

static void
fuzz_init(void)
{
	struct db_client	 cl;
	struct db_unit		 u;
	const char		*tmp = getenv("TMPDIR");
	char			 path[128], *cause = NULL;
	int			 r;

	r = snprintf(fuzz_dir, sizeof fuzz_dir, "%s/arc-fuzz-units.XXXXXX",
	    tmp != NULL && *tmp != '\0' && strlen(tmp) < 32 ? tmp : "/tmp");
	if (r < 0 || (size_t)r >= sizeof fuzz_dir || mkdtemp(fuzz_dir) ==
	    NULL)
		abort();
	fuzz_path(path, sizeof path, "");
	if ((fuzz_db = db_open(path, DB_CREATE | DB_MIGRATE, &cause)) == NULL)
		goto fail;
	atexit(fuzz_cleanup);
	fuzz_path(path, sizeof path, ".key");
	if (db_keyfile_make(path, &cause) == -1 ||
	    db_keyfile_load(path, &fuzz_kf, &cause) == -1)
		goto fail;
	memset(&cl, 0, sizeof cl);
	strcpy(cl.ref, "C-0001");
	strcpy(cl.name, "Existing Client");
	memset(&u, 0, sizeof u);
	strcpy(u.account, "0001");
	if (db_client_add(fuzz_db, &cl, &cause) == -1 ||
	    db_unit_add(fuzz_db, &u, NULL, &cause) == -1)
		goto fail;
	return;
fail:
	fprintf(stderr, "fuzz_units: %s\n", cause);
	abort();
}

static int64_t
fuzz_count(void)
{
	sqlite3_stmt	*st;
	int64_t		 n = -1;

	if (sqlite3_prepare_v2(db_sqlite(fuzz_db), "SELECT count(*) FROM unit",
	    -1, &st, NULL) != SQLITE_OK)
		abort();
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (n < 1)
		abort();		/* 0001 is always there */
	return (n);
}

/* Every unit stored is one db_unit_add could have stored. */
static void
fuzz_check_rows(void)
{
	sqlite3_stmt	*st;
	const char	*acct, *key, *client;
	char		 plain[160];
	size_t		 len;
	int		 iv;

	if (sqlite3_prepare_v2(db_sqlite(fuzz_db), "SELECT account, key, "
	    "client, interval FROM unit WHERE account <> '0001' AND "
	    "(client IS NULL OR client IN (SELECT ref FROM client))", -1, &st,
	    NULL) != SQLITE_OK)
		abort();
	while (sqlite3_step(st) == SQLITE_ROW) {
		acct = (const char *)sqlite3_column_text(st, 0);
		key = (const char *)sqlite3_column_text(st, 1);
		client = (const char *)sqlite3_column_text(st, 2);
		iv = sqlite3_column_int(st, 3);
		len = strlen(acct);
		if (len < 3 || len > 16 || strspn(acct, "0123456789ABCDEF") !=
		    len || (iv != 0 && (iv < 20 || iv > 90000)) ||
		    (client != NULL && strcmp(client, "C-0001") != 0))
			abort();
		if (key != NULL && db_keyfile_unseal(&fuzz_kf, "dc09", acct,
		    key, plain, sizeof plain) != 0)
			abort();
	}
	sqlite3_finalize(st);
}

/* No unit names a client that is not there. */
static void
fuzz_check_clients(void)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(db_sqlite(fuzz_db), "SELECT count(*) FROM unit "
	    "WHERE client IS NOT NULL AND client NOT IN (SELECT ref FROM "
	    "client)", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int64(st, 0) != 0)
		abort();
	sqlite3_finalize(st);
}

static void
fuzz_check_cause(const char *cause)
{
	const char	*p, *nl;
	size_t		 plen = strlen(FUZZ_NAME ": ");

	if (cause == NULL || *cause == '\0' ||
	    utf8_valid(cause, strlen(cause), NULL) == -1)
		abort();
	for (p = cause; *p != '\0'; p++) {
		if (((unsigned char)*p < 0x20 && *p != '\n') || *p == 0x7f)
			abort();
	}
	for (p = cause;;) {
		if (strncmp(p, FUZZ_NAME ": ", plen) != 0)
			abort();
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		p = nl + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*cause = (char *)"unset";
	size_t		 n = (size_t)-1;
	int64_t		 before, after;
	int		 rc;

	if (fuzz_db == NULL)
		fuzz_init();
	before = fuzz_count();
	rc = db_unit_import(fuzz_db, &fuzz_kf, FUZZ_NAME, (const char *)data,
	    size, &n, &cause);
	if (db_in_transaction(fuzz_db))
		abort();
	after = fuzz_count();
	if (getenv("FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "rc %d n %zu\n%s\n", rc, n,
		    cause != NULL ? cause : "");
	if (rc == 0) {
		if (cause != NULL || after - before != (int64_t)n)
			abort();
		fuzz_check_rows();
		fuzz_check_clients();
	} else if (rc == -1) {
		if (n != 0 || after != before)
			abort();
		fuzz_check_cause(cause);
	} else
		abort();
	free(cause);
	if (after != before && sqlite3_exec(db_sqlite(fuzz_db),
	    "DELETE FROM unit WHERE account <> '0001'", NULL, NULL,
	    NULL) != SQLITE_OK)
		abort();
	return (0);
}
