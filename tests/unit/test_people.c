/*
 * test_people.c -- db/: clients (add, lookups by ref and by unit), the CSV
 * import (a good file, quoting, a bad file whose every error is reported
 * and nothing imported, duplicates), zones, responders by rank, password
 * hashing, and operators. Every test works on a fresh database.
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
	const char	*tmp = getenv("TMPDIR");
	char		*cause = NULL;

	if (f == NULL)
		return (-1);
	snprintf(f->dir, sizeof f->dir, "%s/test_people.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(f->dir) == NULL)
		return (-1);
	snprintf(f->path, sizeof f->path, "%s/arc.db", f->dir);
	if ((f->db = db_open(f->path, DB_CREATE | DB_MIGRATE, &cause)) == NULL)
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

static int64_t
count_rows(struct db *db, const char *sql)
{
	int64_t	 n = tmpdb_count(db_sqlite(db), sql);

	if (n == -1)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db_sqlite(db)));
	return (n);
}

static void
client(struct db_client *c, const char *ref, const char *name)
{
	memset(c, 0, sizeof *c);
	snprintf(c->ref, sizeof c->ref, "%s", ref);
	snprintf(c->name, sizeof c->name, "%s", name);
}

static void
add_unit(struct db *db, const char *account, const char *ref)
{
	struct db_unit	 u;
	char		*cause = NULL;

	memset(&u, 0, sizeof u);
	snprintf(u.account, sizeof u.account, "%s", account);
	snprintf(u.client, sizeof u.client, "%s", ref);
	if (db_unit_add(db, &u, NULL, &cause) == -1)
		fail_msg("unit add: %s", cause);
}

static void
test_client_add(void **state)
{
	struct fixture		*f = *state;
	struct db_client	 c, got;
	char			*cause = NULL;

	client(&c, "C-0001", "Mary Smith");
	snprintf(c.born, sizeof c.born, "1938-04-02");
	snprintf(c.address, sizeof c.address, "1 High St, Coventry");
	snprintf(c.medical, sizeof c.medical, "diabetic");
	snprintf(c.level, sizeof c.level, "L2");
	assert_int_equal(db_client_add(f->db, &c, &cause), 0);

	assert_int_equal(db_client_add(f->db, &c, &cause), -1);
	assert_string_equal(cause, "client C-0001 exists");
	free(cause);

	client(&c, "C-0002", "Bob");
	snprintf(c.born, sizeof c.born, "1940-02-30");
	assert_int_equal(db_client_add(f->db, &c, &cause), -1);
	assert_string_equal(cause, "field born: not a date YYYY-MM-DD: "
	    "1940-02-30");
	free(cause);
	snprintf(c.born, sizeof c.born, "1940-02-29");	/* a leap year */
	snprintf(c.level, sizeof c.level, "L5");
	assert_int_equal(db_client_add(f->db, &c, &cause), -1);
	assert_non_null(strstr(cause, "field level"));
	free(cause);
	c.level[0] = '\0';				/* default L1 */
	assert_int_equal(db_client_add(f->db, &c, &cause), 0);

	assert_int_equal(db_client_by_ref(f->db, "C-0001", &got), 0);
	assert_string_equal(got.name, "Mary Smith");
	assert_string_equal(got.born, "1938-04-02");
	assert_string_equal(got.address, "1 High St, Coventry");
	assert_string_equal(got.level, "L2");
	assert_string_equal(got.phone, "");
	assert_int_equal(db_client_by_ref(f->db, "C-0002", &got), 0);
	assert_string_equal(got.level, "L1");
	assert_int_equal(db_client_by_ref(f->db, "C-9999", &got), -1);

	add_unit(f->db, "100000", "C-0001");
	add_unit(f->db, "100001", "");
	assert_int_equal(db_client_by_unit(f->db, 1, &got), 0);
	assert_string_equal(got.ref, "C-0001");
	assert_int_equal(db_client_by_unit(f->db, 2, &got), -1);
	assert_int_equal(db_unit_link(f->db, "100001", "C-0002", &cause), 0);
	assert_int_equal(db_client_by_unit(f->db, 2, &got), 0);
	assert_string_equal(got.ref, "C-0002");
	assert_int_equal(db_unit_link(f->db, "100009", "C-0002", &cause), -1);
	assert_string_equal(cause, "no unit 100009");
	free(cause);
	assert_int_equal(db_unit_link(f->db, "100001", "C-7", &cause), -1);
	assert_string_equal(cause, "no client C-7");
	free(cause);

	/* unit add, client add x2, unit link: audited, no personal data */
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM audit WHERE "
	    "detail LIKE '%Mary%' OR detail LIKE '%1938%'"), 0);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM audit WHERE "
	    "action = 'client add'"), 2);
}

static int
collect_responder(const struct db_responder *r, void *arg)
{
	char	*out = arg;
	size_t	 len = strlen(out);

	snprintf(out + len, 256 - len, "%d:%s;", r->rank, r->name);
	return (0);
}

static void
test_zones_responders(void **state)
{
	struct fixture		*f = *state;
	struct db_client	 c;
	struct db_responder	 r;
	char			*cause = NULL, label[64], out[256] = "";
	int64_t			 id1, id2, id3;
	int			 rank;

	client(&c, "C-0001", "Mary");
	assert_int_equal(db_client_add(f->db, &c, &cause), 0);
	add_unit(f->db, "100000", "C-0001");
	assert_int_equal(db_zone_add(f->db, "100000", "001", "pendant",
	    &cause), 0);
	assert_int_equal(db_zone_label(f->db, 1, "001", label, sizeof label),
	    0);
	assert_string_equal(label, "pendant");
	assert_int_equal(db_zone_add(f->db, "100000", "001", "wrist pendant",
	    &cause), 0);
	assert_int_equal(db_zone_label(f->db, 1, "001", label, sizeof label),
	    0);
	assert_string_equal(label, "wrist pendant");
	assert_int_equal(db_zone_label(f->db, 1, "002", label, sizeof label),
	    0);
	assert_string_equal(label, "");
	assert_int_equal(db_zone_add(f->db, "ABCDEF", "001", "x", &cause), -1);
	free(cause);

	memset(&r, 0, sizeof r);
	snprintf(r.name, sizeof r.name, "John");
	snprintf(r.phones, sizeof r.phones, "+44 7700 900001");
	assert_int_equal(db_responder_add(f->db, &r, &id1, &cause), 0);
	snprintf(r.name, sizeof r.name, "Jane");
	assert_int_equal(db_responder_add(f->db, &r, &id2, &cause), 0);
	snprintf(r.name, sizeof r.name, "Warden");
	assert_int_equal(db_responder_add(f->db, &r, &id3, &cause), 0);
	assert_true(id1 > 0 && id2 > id1 && id3 > id2);

	assert_int_equal(db_client_link_responder(f->db, "C-0001", id2, 0,
	    &rank, &cause), 0);
	assert_int_equal(rank, 1);
	assert_int_equal(db_client_link_responder(f->db, "C-0001", id1, 5,
	    &rank, &cause), 0);
	assert_int_equal(rank, 5);
	assert_int_equal(db_client_link_responder(f->db, "C-0001", id3, 0,
	    &rank, &cause), 0);
	assert_int_equal(rank, 6);
	assert_int_equal(db_client_link_responder(f->db, "C-0001", id3, 0,
	    &rank, &cause), -1);
	assert_non_null(strstr(cause, "already rank 6"));
	free(cause);
	assert_int_equal(db_client_link_responder(f->db, "C-0001", 999, 0,
	    &rank, &cause), -1);
	assert_string_equal(cause, "no responder 999");
	free(cause);

	assert_int_equal(db_client_responders(f->db, c.id != 0 ? c.id : 1,
	    collect_responder, out), 0);
	assert_string_equal(out, "1:Jane;5:John;6:Warden;");
}

static const char good_csv[] =
    "name, ref ,born,Response_Level,address,medical\r\n"
    "Mary Smith,C-0001,1938-04-02,L2,\"1 High St, Coventry\",diabetic\r\n"
    "\r\n"
    "\"Bob \"\"Bobby\"\" Jones\",C-0002,,,\"Flat 2\n3 Low Rd\",\r\n"
    "Ann,C-0003,1950-01-01,L4,,";

static void
test_import_good(void **state)
{
	struct fixture		*f = *state;
	struct db_client	 c;
	char			*cause = NULL;
	size_t			 n;

	if (db_client_import(f->db, "clients.csv", good_csv,
	    strlen(good_csv), &n, &cause) == -1)
		fail_msg("import: %s", cause);
	assert_int_equal(n, 3);
	assert_int_equal(db_client_by_ref(f->db, "C-0001", &c), 0);
	assert_string_equal(c.address, "1 High St, Coventry");
	assert_string_equal(c.level, "L2");
	assert_int_equal(db_client_by_ref(f->db, "C-0002", &c), 0);
	assert_string_equal(c.name, "Bob \"Bobby\" Jones");
	assert_string_equal(c.address, "Flat 2\n3 Low Rd");
	assert_string_equal(c.level, "L1");
	assert_string_equal(c.born, "");
	assert_int_equal(db_client_by_ref(f->db, "C-0003", &c), 0);
	assert_string_equal(c.level, "L4");
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM audit WHERE "
	    "action = 'client import' AND subject = 'clients.csv' AND "
	    "detail = '3 clients'"), 1);

	/* Importing it again: every ref exists, nothing is imported. */
	assert_int_equal(db_client_import(f->db, "clients.csv", good_csv,
	    strlen(good_csv), &n, &cause), -1);
	assert_string_equal(cause,
	    "clients.csv: line 2, field ref: client C-0001 exists\n"
	    "clients.csv: line 4, field ref: client C-0002 exists\n"
	    "clients.csv: line 6, field ref: client C-0003 exists");
	free(cause);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM client"), 3);
}

static const char bad_csv[] =
    "ref,name,born,level\n"
    "C-0001,Mary Smith,1938-04-02,L2\n"
    "C-0002,Bob,1938-13-02,L1\n"
    "C-0003,,1950-01-01,L1\n"
    "C-0004,Ann,1950-01-01,L9\n"
    "C-0005,Eve,1951-01-01,L1\n";

static void
test_import_bad(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;
	size_t		 n = 99;

	assert_int_equal(db_client_import(f->db, "clients.csv", bad_csv,
	    strlen(bad_csv), &n, &cause), -1);
	assert_int_equal(n, 0);
	assert_string_equal(cause,
	    "clients.csv: line 3, field born: not a date YYYY-MM-DD: "
	    "1938-13-02\n"
	    "clients.csv: line 4, field name: missing\n"
	    "clients.csv: line 5, field level: not L1, L2, L3 or L4: L9");
	free(cause);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM client"), 0);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM audit"), 0);
}

static void
expect_errors(struct db *db, const char *csv, const char *want)
{
	char	*cause = NULL;
	size_t	 n;

	if (db_client_import(db, "x.csv", csv, strlen(csv), &n, &cause) == 0)
		fail_msg("imported %zu from %s", n, csv);
	if (strcmp(cause, want) != 0)
		fail_msg("got:\n%s\nwant:\n%s", cause, want);
	free(cause);
}

static void
test_import_syntax(void **state)
{
	struct fixture	*f = *state;

	expect_errors(f->db, "", "x.csv: line 1, no header line");
	expect_errors(f->db, "ref,born\nC-1,1938-01-01\n",
	    "x.csv: line 1, no name column");
	expect_errors(f->db, "ref,name,colour\n",
	    "x.csv: line 1, field 3: unknown column colour");
	expect_errors(f->db, "ref,name\nC-1,Mary,extra\nC-2\n",
	    "x.csv: line 2, 3 fields, the header has 2\n"
	    "x.csv: line 3, 1 fields, the header has 2");
	expect_errors(f->db, "ref,name\nC-1,Ma\"ry\nC-2,\"Bob\"x\n"
	    "C-3,\"Ann\nC-4,Eve\n",
	    "x.csv: line 2, field 2: quote in an unquoted field\n"
	    "x.csv: line 3, field 2: text after a closing quote\n"
	    "x.csv: line 4, field 2: quoted field not closed");
	expect_errors(f->db, "ref,name\nC-1,Mary\nC 2,Bob\nC-1,\"Mary\n"
	    "again\"\nC-4,Ann\nC-1,Eve\n",
	    "x.csv: line 3, field ref: not 1-31 letters, digits or -_./: C 2\n"
	    "x.csv: line 4, field ref: C-1 is also on line 2\n"
	    "x.csv: line 7, field ref: C-1 is also on line 2");
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM client"), 0);
}

/*
 * Text is valid UTF-8 without control characters (but tab and line
 * breaks), in every field of a file: each bad field named with its line
 * and byte, nothing imported; text the file held is quoted cleaned.
 */
static const char bad_text_csv[] =
    "ref,name,born,medical,address,phone\n"
    "C-0001,Mary,1938-04-02,ok,ok,1\n"
    "C-0002,Zo\xc3\xab,,\xe2" "abc,,\n"			/* truncated */
    "C-0003,\xc0\xafx,,,,\n"				/* overlong */
    "C-0004,Ann,19\xed\xa0\x80,,,\n"			/* surrogate */
    "C-0005,Eve,,,\"1 Road\x1b[2J\",\n"			/* ESC */
    "C-0006,Joe,,,,\xc2\x9b" "1\n"			/* C1 CSI */
    "C-0007,Kim,,,\"Flat 2\n3 Low Rd\",\t+44\n"		/* fine */
    "C-\xf4\x90\x80\x80,Lee,,,,\n";			/* > U+10FFFF */

static void
test_import_text(void **state)
{
	struct fixture	*f = *state;

	expect_errors(f->db, bad_text_csv,
	    "x.csv: line 3, field medical: not valid UTF-8 at byte 1\n"
	    "x.csv: line 4, field name: not valid UTF-8 at byte 1\n"
	    "x.csv: line 5, field born: not valid UTF-8 at byte 3\n"
	    "x.csv: line 6, field address: control character U+001B at "
	    "byte 7\n"
	    "x.csv: line 7, field phone: control character U+009B at byte 1\n"
	    "x.csv: line 10, field ref: not valid UTF-8 at byte 3");
	expect_errors(f->db, "ref,name,col\xff\n",
	    "x.csv: line 1, field 3: unknown column col\xef\xbf\xbd");
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM client"), 0);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM audit"), 0);
}

/* The same rule for every other text arcctl stores. */
static void
test_text(void **state)
{
	struct fixture		*f = *state;
	struct db_client	 c;
	struct db_responder	 r;
	struct db_operator	 op;
	char			*cause = NULL;
	int64_t			 id;

	client(&c, "C-0001", "Mary");
	snprintf(c.medical, sizeof c.medical, "diab\xe9tic");	/* Latin-1 */
	assert_int_equal(db_client_add(f->db, &c, &cause), -1);
	assert_string_equal(cause, "field medical: not valid UTF-8 at byte 5");
	free(cause);
	snprintf(c.medical, sizeof c.medical, "diab\xc3\xa9tic");
	assert_int_equal(db_client_add(f->db, &c, &cause), 0);

	add_unit(f->db, "100000", "C-0001");
	assert_int_equal(db_zone_add(f->db, "100000", "001", "p\xe2\x82",
	    &cause), -1);
	assert_string_equal(cause, "zone 001: label: not valid UTF-8 at "
	    "byte 2");
	free(cause);
	assert_int_equal(db_zone_add(f->db, "100000", "\x7f", "x", &cause),
	    -1);
	assert_string_equal(cause, "zone: control character U+007F at byte 1");
	free(cause);

	memset(&r, 0, sizeof r);
	snprintf(r.name, sizeof r.name, "John");
	snprintf(r.phones, sizeof r.phones, "1");
	snprintf(r.relation, sizeof r.relation, "s\xed\xb0\x80n");
	assert_int_equal(db_responder_add(f->db, &r, &id, &cause), -1);
	assert_string_equal(cause, "responder add: field relation: not valid "
	    "UTF-8 at byte 2");
	free(cause);

	memset(&op, 0, sizeof op);
	snprintf(op.login, sizeof op.login, "op9");
	snprintf(op.name, sizeof op.name, "\xf0\x82\x82\xac");	/* overlong */
	assert_int_equal(db_operator_add(f->db, &op, "long enough", &cause),
	    -1);
	assert_string_equal(cause, "operator op9: name: not valid UTF-8 at "
	    "byte 1");
	free(cause);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM zone"), 0);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM responder"),
	    0);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM operator"), 0);
}

static void
test_password(void **state)
{
	char	 h1[160], h2[160], bad[160];
	size_t	 len;

	(void)state;
	assert_int_equal(db_password_hash("correct horse", h1, sizeof h1), 0);
	assert_int_equal(db_password_hash("correct horse", h2, sizeof h2), 0);
	assert_int_equal(strncmp(h1, "pbkdf2-sha256$60000$", 20), 0);
	len = strlen(h1);
	assert_int_equal(len, 20 + 32 + 1 + 64);
	assert_string_not_equal(h1, h2);		/* salted */
	assert_int_equal(db_password_verify("correct horse", h1), 1);
	assert_int_equal(db_password_verify("correct horse", h2), 1);
	assert_int_equal(db_password_verify("correct hors", h1), 0);
	assert_int_equal(db_password_verify("", h1), 0);

	/* A changed digit of the hash or salt no longer matches. */
	snprintf(bad, sizeof bad, "%s", h1);
	bad[len - 1] = bad[len - 1] == '0' ? '1' : '0';
	assert_int_equal(db_password_verify("correct horse", bad), 0);
	snprintf(bad, sizeof bad, "%s", h1);
	bad[21] = bad[21] == '0' ? '1' : '0';
	assert_int_equal(db_password_verify("correct horse", bad), 0);
	/* Malformed strings are -1. */
	snprintf(bad, sizeof bad, "%s", h1);
	bad[len - 1] = 'z';
	assert_int_equal(db_password_verify("correct horse", bad), -1);
	snprintf(bad, sizeof bad, "%.*s", (int)len - 2, h1);
	assert_int_equal(db_password_verify("correct horse", bad), -1);
	assert_int_equal(db_password_verify("x", "md5$abc"), -1);
	assert_int_equal(db_password_verify("x", "pbkdf2-sha256$1$00$00"), -1);
	assert_int_equal(db_password_verify("x", ""), -1);
	assert_int_equal(db_password_hash("correct horse", bad, 40), -1);
}

static void
test_operator(void **state)
{
	struct fixture		*f = *state;
	struct db_operator	 op, got;
	char			*cause = NULL;

	memset(&op, 0, sizeof op);
	snprintf(op.login, sizeof op.login, "op1");
	snprintf(op.name, sizeof op.name, "Ann Operator");
	assert_int_equal(db_operator_add(f->db, &op, "short", &cause), -1);
	assert_non_null(strstr(cause, "password"));
	free(cause);
	assert_int_equal(db_operator_add(f->db, &op, "s3cret-pass", &cause),
	    0);
	assert_int_equal(db_operator_add(f->db, &op, "s3cret-pass", &cause),
	    -1);
	assert_string_equal(cause, "operator op1 exists");
	free(cause);
	snprintf(op.login, sizeof op.login, "sup");
	snprintf(op.role, sizeof op.role, "boss");
	assert_int_equal(db_operator_add(f->db, &op, "s3cret-pass", &cause),
	    -1);
	free(cause);
	snprintf(op.role, sizeof op.role, "supervisor");
	assert_int_equal(db_operator_add(f->db, &op, "another-pass", &cause),
	    0);
	snprintf(op.login, sizeof op.login, "bad login");
	assert_int_equal(db_operator_add(f->db, &op, "another-pass", &cause),
	    -1);
	free(cause);

	assert_int_equal(db_operator_get(f->db, "op1", &got), 0);
	assert_string_equal(got.name, "Ann Operator");
	assert_string_equal(got.role, "operator");
	assert_int_equal(got.disabled, 0);
	assert_int_equal(db_password_verify("s3cret-pass", got.hash), 1);
	assert_int_equal(db_password_verify("another-pass", got.hash), 0);
	assert_int_equal(db_operator_get(f->db, "sup", &got), 0);
	assert_string_equal(got.role, "supervisor");
	assert_int_equal(db_operator_get(f->db, "nobody", &got), -1);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM audit WHERE "
	    "action = 'operator add' AND detail NOT LIKE '%pass%'"), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_client_add, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_zones_responders, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_import_good, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_import_bad, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_import_syntax, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_import_text, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_text, setup, teardown),
		cmocka_unit_test(test_password),
		cmocka_unit_test_setup_teardown(test_operator, setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
