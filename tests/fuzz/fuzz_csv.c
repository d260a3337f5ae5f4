/*
 * fuzz_csv.c -- libFuzzer target for db_client_import: the input is the
 * text of a client CSV file, imported into a real database opened once per
 * process (a file in a temporary directory: db_open insists on WAL mode,
 * which ":memory:" cannot give).
 *
 * The database holds one client, C-0001, so a file naming it meets a
 * duplicate. Invariants: all or nothing -- on success *cause is NULL,
 * exactly *n clients are new and every text stored passes db_text_check
 * (valid UTF-8, no control characters but tab and line breaks); on
 * failure *n is 0, nothing is new, and *cause names the file on every
 * line, holds no other control characters and is valid UTF-8 (it quotes
 * the file's text). Either way no transaction is left open. The
 * imported clients are deleted after each input so every input sees the
 * same database (the audit trail, append-only, grows).
 * FUZZ_VERBOSE=1 in the environment prints each result.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"
#include "runtime.h"

#define FUZZ_CSV_NAME	"fuzz.csv"
#define FUZZ_CSV_REF	"C-0001"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct db	*fuzz_db;
static char		 fuzz_dir[64];

static void
fuzz_csv_file(char *buf, size_t size, const char *suffix)
{
	int	 r;

	r = snprintf(buf, size, "%s/clients.db%s", fuzz_dir, suffix);
	if (r < 0 || (size_t)r >= size)
		abort();
}

static void
fuzz_csv_cleanup(void)
{
	static const char *const suffixes[] = { "", "-wal", "-shm",
	    "-journal" };
	char	 path[128];
	size_t	 i;

	db_close(fuzz_db);
	fuzz_db = NULL;
	for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		fuzz_csv_file(path, sizeof path, suffixes[i]);
		unlink(path);
	}
	rmdir(fuzz_dir);
}

static void
fuzz_csv_init(void)
{
	struct db_client	 cl;
	const char		*tmp = getenv("TMPDIR");
	char			 path[128], *cause = NULL;
	int			 r;

	r = snprintf(fuzz_dir, sizeof fuzz_dir, "%s/arc-fuzz-csv.XXXXXX",
	    tmp != NULL && *tmp != '\0' && strlen(tmp) < 32 ? tmp : "/tmp");
	if (r < 0 || (size_t)r >= sizeof fuzz_dir || mkdtemp(fuzz_dir) ==
	    NULL) {
		fprintf(stderr, "fuzz_csv: cannot make a temporary directory\n");
		abort();
	}
	fuzz_csv_file(path, sizeof path, "");
	if ((fuzz_db = db_open(path, DB_CREATE | DB_MIGRATE, &cause)) ==
	    NULL) {
		fprintf(stderr, "fuzz_csv: %s\n", cause);
		abort();
	}
	atexit(fuzz_csv_cleanup);
	memset(&cl, 0, sizeof cl);
	strcpy(cl.ref, FUZZ_CSV_REF);
	strcpy(cl.name, "Existing Client");
	if (db_client_add(fuzz_db, &cl, &cause) == -1) {
		fprintf(stderr, "fuzz_csv: %s\n", cause);
		abort();
	}
}

static int64_t
fuzz_csv_count(void)
{
	sqlite3_stmt	*st;
	int64_t		 n = -1;

	if (sqlite3_prepare_v2(db_sqlite(fuzz_db), "SELECT count(*) FROM "
	    "client", -1, &st, NULL) != SQLITE_OK)
		abort();
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (n < 1)
		abort();		/* C-0001 is always there */
	return (n);
}

/* Every text the import stored may be stored (db_text_check). */
static void
fuzz_csv_check_rows(void)
{
	sqlite3_stmt	*st;
	const char	*t;
	char		 why[64];
	int		 i;

	if (sqlite3_prepare_v2(db_sqlite(fuzz_db), "SELECT ref, name, born, "
	    "address, phone, language, medical, access, response_level FROM "
	    "client WHERE ref <> '" FUZZ_CSV_REF "'", -1, &st, NULL) !=
	    SQLITE_OK)
		abort();
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < 9; i++) {
			t = (const char *)sqlite3_column_text(st, i);
			if (t != NULL && db_text_check(t, why, sizeof why) != 0)
				abort();
		}
	}
	sqlite3_finalize(st);
}

/*
 * Every line of a failure names the file; no other control characters;
 * valid UTF-8 whatever the file held.
 */
static void
fuzz_csv_check_cause(const char *cause)
{
	const char	*p = cause, *nl;
	size_t		 plen = strlen(FUZZ_CSV_NAME ": ");

	if (cause == NULL || *cause == '\0' ||
	    utf8_valid(cause, strlen(cause), NULL) == -1)
		abort();
	for (p = cause; *p != '\0'; p++) {
		if (((unsigned char)*p < 0x20 && *p != '\n') || *p == 0x7f)
			abort();
	}
	for (p = cause;;) {
		if (strncmp(p, FUZZ_CSV_NAME ": ", plen) != 0)
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
		fuzz_csv_init();
	before = fuzz_csv_count();
	rc = db_client_import(fuzz_db, FUZZ_CSV_NAME, (const char *)data, size,
	    &n, &cause);
	if (db_in_transaction(fuzz_db))
		abort();
	after = fuzz_csv_count();
	if (getenv("FUZZ_VERBOSE") != NULL)	/* for whoever edits the corpus */
		fprintf(stderr, "rc %d n %zu\n%s\n", rc, n,
		    cause != NULL ? cause : "");
	if (rc == 0) {
		if (cause != NULL || after - before != (int64_t)n)
			abort();
		fuzz_csv_check_rows();
	} else if (rc == -1) {
		if (n != 0 || after != before)
			abort();
		fuzz_csv_check_cause(cause);
	} else
		abort();
	free(cause);
	if (after != before && sqlite3_exec(db_sqlite(fuzz_db),
	    "DELETE FROM client WHERE ref <> '" FUZZ_CSV_REF "'", NULL, NULL,
	    NULL) != SQLITE_OK)
		abort();
	return (0);
}
