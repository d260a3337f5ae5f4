/*
 * test_edit.c -- db/: arcctl's edits and deletes (db_edit.c, operators),
 * the actor and the dry run of a connection, the CSV export (golden bytes
 * written by hand: quoting, doubled quotes, line breaks kept) and its
 * import back (clients and units, sealed keys), and unlock requests.
 * Every test works on a fresh database; counts come from raw SQL.
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
	char			 dir[256];
	char			 path[300];
	char			 keypath[320];
	struct db		*db;
	struct db_keyfile	 kf;
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof *f);
	char		*cause = NULL;

	if (f == NULL || tmpdb_make("test_edit", f->dir, sizeof f->dir,
	    f->path, sizeof f->path) == -1)
		return (-1);
	if ((f->db = db_open(f->path, DB_CREATE | DB_MIGRATE, &cause)) == NULL)
		fail_msg("db_open: %s", cause);
	snprintf(f->keypath, sizeof f->keypath, "%s.key", f->path);
	if (db_keyfile_make(f->keypath, &cause) != 0 ||
	    db_keyfile_load(f->keypath, &f->kf, &cause) != 0)
		fail_msg("key file: %s", cause);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	db_close(f->db);
	db_keyfile_clear(&f->kf);
	unlink(f->keypath);
	tmpdb_remove(f->dir, f->path);
	free(f);
	return (0);
}

static int64_t
count(struct db *db, const char *sql)
{
	int64_t	 n = tmpdb_count(db_sqlite(db), sql);

	if (n == -1)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db_sqlite(db)));
	return (n);
}

static void
add_client(struct db *db, const char *ref, const char *name)
{
	struct db_client	 c;
	char			*cause = NULL;

	memset(&c, 0, sizeof c);
	snprintf(c.ref, sizeof c.ref, "%s", ref);
	snprintf(c.name, sizeof c.name, "%s", name);
	if (db_client_add(db, &c, &cause) != 0)
		fail_msg("client add: %s", cause);
}

static void
add_unit(struct fixture *f, const char *account, const char *ref,
    const char *key)
{
	struct db_unit	 u;
	char		*cause = NULL;

	memset(&u, 0, sizeof u);
	snprintf(u.account, sizeof u.account, "%s", account);
	snprintf(u.client, sizeof u.client, "%s", ref);
	snprintf(u.key, sizeof u.key, "%s", key);
	if (db_unit_add(f->db, &u, &f->kf, &cause) != 0)
		fail_msg("unit add: %s", cause);
}

/* The export into a string (the caller frees). */
struct sink {
	char	*buf;
	size_t	 len;
};

static int
sink_put(const char *s, size_t len, void *arg)
{
	struct sink	*k = arg;

	k->buf = realloc(k->buf, k->len + len + 1);
	if (k->buf == NULL)
		return (-1);
	memcpy(k->buf + k->len, s, len);
	k->len += len;
	k->buf[k->len] = '\0';
	return (0);
}

static char *
export(struct db *db, int units)
{
	struct sink	 k = { NULL, 0 };

	if ((units ? db_unit_export(db, sink_put, &k) :
	    db_client_export(db, sink_put, &k)) != 0)
		fail_msg("export failed");
	return (k.buf);
}

static void
test_actor_and_dry_run(void **state)
{
	struct fixture	*f = *state;
	int64_t		 audit;

	assert_string_equal(db_actor(f->db), "arcctl");
	db_set_actor(f->db, "alice");
	add_client(f->db, "C-1", "Mary");
	assert_int_equal(count(f->db, "SELECT count(*) FROM audit WHERE "
	    "actor = 'alice' AND action = 'client add'"), 1);
	audit = count(f->db, "SELECT count(*) FROM audit");
	db_set_dry_run(f->db, 1);
	add_client(f->db, "C-2", "Bob");		/* succeeds ... */
	assert_int_equal(count(f->db, "SELECT count(*) FROM client"), 1);
	assert_int_equal(count(f->db, "SELECT count(*) FROM audit"), audit);
	db_set_dry_run(f->db, 0);
	add_client(f->db, "C-2", "Bob");		/* ... and is undone */
	assert_int_equal(count(f->db, "SELECT count(*) FROM client"), 2);
}

static void
test_client_delete(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL, *what = NULL;

	add_client(f->db, "C-1", "Mary");
	add_unit(f, "1234", "C-1", "");
	add_unit(f, "5678", "C-1", "");
	assert_int_equal(db_zone_add(f->db, "1234", "001", "pendant", &cause),
	    0);
	assert_int_equal(db_client_delete(f->db, "C-1", 0, &what, &cause), -1);
	assert_non_null(strstr(cause, "2 units (1234, 5678) with 1 zone"));
	assert_null(what);
	free(cause);
	assert_int_equal(count(f->db, "SELECT count(*) FROM unit"), 2);
	assert_int_equal(db_client_delete(f->db, "C-1", 1, &what, &cause), 0);
	assert_string_equal(what, "2 units (1234, 5678) with 1 zone, "
	    "0 responder links, 0 open alarms");
	free(what);
	assert_int_equal(count(f->db, "SELECT count(*) FROM unit"), 0);
	assert_int_equal(count(f->db, "SELECT count(*) FROM zone"), 0);
	assert_int_equal(count(f->db, "SELECT count(*) FROM unit_gone"), 2);
	assert_int_equal(db_client_delete(f->db, "C-1", 1, &what, &cause), -1);
	assert_string_equal(cause, "no client C-1");
	free(cause);
}

static void
test_unit_edit(void **state)
{
	struct fixture	*f = *state;
	struct db_unit	 u;
	char		*cause = NULL;

	add_client(f->db, "C-1", "Mary");
	add_unit(f, "abc", "", "");
	memset(&u, 0, sizeof u);
	snprintf(u.account, sizeof u.account, "ABC");
	snprintf(u.key, sizeof u.key, "ascii:0123456789abcdef");
	snprintf(u.client, sizeof u.client, "C-1");
	assert_int_equal(db_unit_edit(f->db, &u, DB_UNIT_SET_KEY |
	    DB_UNIT_SET_CLIENT, &f->kf, &cause), 0);
	assert_int_equal(count(f->db, "SELECT count(*) FROM unit WHERE key "
	    "LIKE 'enc:%' AND client = 'C-1' AND interval = 0"), 1);
	assert_int_equal(count(f->db, "SELECT count(*) FROM audit WHERE "
	    "action = 'unit edit' AND detail = 'key=new client=C-1'"), 1);
	u.interval = 5;
	assert_int_equal(db_unit_edit(f->db, &u, DB_UNIT_SET_INTERVAL, &f->kf,
	    &cause), -1);
	free(cause);
	snprintf(u.client, sizeof u.client, "C-9");
	assert_int_equal(db_unit_edit(f->db, &u, DB_UNIT_SET_CLIENT, &f->kf,
	    &cause), -1);
	assert_string_equal(cause, "unit ABC: no client C-9");
	free(cause);
	u.key[0] = '\0';
	assert_int_equal(db_unit_edit(f->db, &u, DB_UNIT_SET_KEY, &f->kf,
	    &cause), 0);
	assert_int_equal(count(f->db, "SELECT count(*) FROM unit WHERE key IS "
	    "NULL AND client = 'C-1'"), 1);
}

/* Written by hand from RFC 4180: the oracle is not db_export.c. */
static const char golden_clients[] =
    "ref,name,born,address,phone,language,medical,access,level\n"
    "C-1,\"Smith, Mary\",1938-04-02,\"1 High St\r\nCoventry\",,,"
    "\"said \"\"no\"\"\",,L2\n"
    "C-2,Bob,,,,,,,L1\n";

static void
test_export_golden_and_back(void **state)
{
	struct fixture	*f = *state;
	struct db	*db2;
	char		 path2[400], *cause = NULL, *text, *again;
	size_t		 n;

	assert_int_equal(db_client_import(f->db, "in.csv", golden_clients,
	    strlen(golden_clients), &n, &cause), 0);
	assert_int_equal(n, 2);
	text = export(f->db, 0);
	assert_string_equal(text, golden_clients);
	add_unit(f, "1234", "C-1", "hex:000102030405060708090a0b0c0d0e0f");
	add_unit(f, "99AA", "", "");
	free(text);
	text = export(f->db, 1);
	assert_non_null(strstr(text, "account,protocol,key,client,interval\n"
	    "1234,dc09,enc:"));
	assert_non_null(strstr(text, ",C-1,0\n99AA,dc09,,,0\n"));

	/* Another database with the same key file takes both back. */
	snprintf(path2, sizeof path2, "%s/two.db", f->dir);
	if ((db2 = db_open(path2, DB_CREATE | DB_MIGRATE, &cause)) == NULL)
		fail_msg("db_open: %s", cause);
	assert_int_equal(db_client_import(db2, "c", golden_clients,
	    strlen(golden_clients), &n, &cause), 0);
	assert_int_equal(db_unit_import(db2, &f->kf, "u", text, strlen(text),
	    &n, &cause), 0);
	assert_int_equal(n, 2);
	again = export(db2, 1);
	assert_string_equal(again, text);
	/* Once more: every account exists, nothing is added. */
	assert_int_equal(db_unit_import(db2, &f->kf, "u", text, strlen(text),
	    &n, &cause), -1);
	assert_non_null(strstr(cause, "u: line 2, field account: unit 1234 "
	    "exists"));
	assert_int_equal(n, 0);
	free(cause);
	free(again);
	free(text);
	db_close(db2);
	tmpdb_remove(f->dir, path2);
}

static void
test_operator_changes(void **state)
{
	struct fixture		*f = *state;
	struct db_operator	 op;
	char			*cause = NULL;

	memset(&op, 0, sizeof op);
	snprintf(op.login, sizeof op.login, "op1");
	snprintf(op.name, sizeof op.name, "Ann");
	assert_int_equal(db_operator_add(f->db, &op, "password-1", &cause), 0);
	assert_int_equal(db_operator_passwd(f->db, "op1", "password-2",
	    &cause), 0);
	assert_int_equal(db_operator_get(f->db, "op1", &op), 0);
	assert_int_equal(db_password_verify("password-2", op.hash), 1);
	assert_int_equal(db_password_verify("password-1", op.hash), 0);
	assert_int_equal(db_operator_passwd(f->db, "op1", "short", &cause), -1);
	free(cause);
	assert_int_equal(db_operator_passwd(f->db, "nobody", "password-3",
	    &cause), -1);
	assert_string_equal(cause, "no operator nobody");
	free(cause);
	snprintf(op.role, sizeof op.role, "supervisor");
	op.disabled = 1;
	assert_int_equal(db_operator_update(f->db, &op, &cause), 0);
	assert_int_equal(count(f->db, "SELECT count(*) FROM operator WHERE "
	    "role = 'supervisor' AND disabled = 1"), 1);
	assert_int_equal(db_operator_delete(f->db, "op1", &cause), 0);
	assert_int_equal(count(f->db, "SELECT count(*) FROM operator"), 0);
}

static int
unlock_seen(const struct db_unlock *u, void *arg)
{
	int	*n = arg;

	(*n)++;
	assert_string_equal(u->actor, "alice");
	assert_true((u->login[0] != '\0') != (u->source[0] != '\0'));
	return (0);
}

static void
test_unlock_requests(void **state)
{
	struct fixture	*f = *state;
	char		*cause = NULL;
	int64_t		 id;
	int		 n = 0;

	db_set_actor(f->db, "alice");
	assert_int_equal(db_unlock_last(f->db), 0);
	assert_int_equal(db_unlock_request(f->db, "op1", NULL, &id, &cause),
	    0);
	assert_int_equal(db_unlock_request(f->db, NULL, "127.0.0.5", &id,
	    &cause), 0);
	assert_int_equal(db_unlock_request(f->db, "a b", NULL, &id, &cause),
	    -1);
	free(cause);
	assert_int_equal(db_unlock_request(f->db, NULL, NULL, &id, &cause),
	    -1);
	free(cause);
	assert_int_equal(db_unlock_last(f->db), 2);
	assert_int_equal(db_unlock_foreach(f->db, 0, 32, unlock_seen, &n), 0);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(db_unlock_foreach(f->db, 1, 32, unlock_seen, &n), 0);
	assert_int_equal(n, 1);
	/* Requests a week old go as the next is written; ids keep growing. */
	assert_int_equal(sqlite3_exec(db_sqlite(f->db), "UPDATE "
	    "unlock_request SET at = 0", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(db_unlock_request(f->db, "op2", NULL, &id, &cause),
	    0);
	assert_int_equal(id, 3);
	assert_int_equal(count(f->db, "SELECT count(*) FROM unlock_request"),
	    1);
	assert_int_equal(db_unlock_last(f->db), 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_actor_and_dry_run, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_client_delete, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unit_edit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_export_golden_and_back,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_operator_changes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unlock_requests, setup,
		    teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
