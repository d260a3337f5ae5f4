/*
 * db_unit_import.c -- units from a CSV file, as db_unit_export writes
 * them: account (required), protocol, key, client, interval. The CSV
 * reading and the all-or-nothing transaction are db_import.c's; this
 * file says what a good unit row is.
 *
 * A key given as "ascii:"/"hex:" is sealed with the database's key file;
 * a sealed key ("enc:...", as exported) must open with it and is stored as
 * it is. The client must exist (import clients first).
 *
 * Thread: whichever thread owns the struct db passed in (db.h).
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "runtime.h"
#include "proto.h"

struct unit_row {
	char		 account[17];
	char		 protocol[8];
	char		 key[160];
	char		 client[64];
	char		 interval[8];
};

static const char unit_find_sql[] =
    "SELECT id FROM unit WHERE protocol = 'dc09' AND account = ?";
static const char unit_client_sql[] =
    "SELECT id FROM client WHERE ref = ?";
static const char unit_insert_sql[] =
    "INSERT INTO unit (protocol, account, key, client, interval) "
    "VALUES ('dc09', ?, ?, ?, ?)";

static const struct db_import_column unit_columns[] = {
#define UNIT_COLUMN(f) \
	{ #f, offsetof(struct unit_row, f), sizeof ((struct unit_row *)0)->f }
	UNIT_COLUMN(account),		/* required */
	UNIT_COLUMN(protocol),
	UNIT_COLUMN(key),
	UNIT_COLUMN(client),
	UNIT_COLUMN(interval),
#undef UNIT_COLUMN
};

static int64_t
unit_scalar(struct db *db, const char *sql, const char *text)
{
	sqlite3_stmt	*st;
	int64_t		 v = -1;

	if ((st = db_stmt(db, sql)) == NULL)
		return (-1);
	sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return (v);
}

/* The key as stored: sealed with kf. 0, or -1 and why. */
static int
unit_key(struct unit_row *u, const struct db_keyfile *kf, const char **why)
{
	struct dc09_key	 k;
	char		 plain[sizeof u->key], sealed[sizeof u->key];
	int		 rc = -1;

	memset(&k, 0, sizeof k);
	if (kf == NULL)
		*why = "no key file to seal or open it with";
	else if (db_keyfile_sealed(u->key)) {
		if (db_keyfile_unseal(kf, "dc09", u->account, u->key, plain,
		    sizeof plain) != 0 || dc09_key_parse(plain, &k) != 0)
			*why = "sealed, and does not open with this "
			    "database's key file";
		else
			rc = 0;
	} else if ((strncmp(u->key, "ascii:", 6) != 0 &&
	    strncmp(u->key, "hex:", 4) != 0) ||
	    dc09_key_parse(u->key, &k) != 0)
		*why = "not ascii: or hex: with 16, 24 or 32 bytes, or enc:";
	else if (db_keyfile_seal(kf, "dc09", u->account, u->key, sealed,
	    sizeof sealed) != 0)
		*why = "cannot seal it";
	else {
		memcpy(u->key, sealed, sizeof sealed);
		rc = 0;
	}
	explicit_bzero(&k, sizeof k);
	explicit_bzero(plain, sizeof plain);
	explicit_bzero(sealed, sizeof sealed);
	return (rc);
}

/* 0 or 20..90000 seconds ("" = 0). */
static int
unit_interval(const char *s)
{
	size_t	 len = strlen(s);
	long	 v;

	if (len == 0)
		return (0);
	if (len > 5 || strspn(s, "0123456789") != len)
		return (-1);
	v = strtol(s, NULL, 10);
	return (v == 0 || (v >= 20 && v <= 90000) ? 0 : -1);
}

static int
unit_check(struct import *im, struct db *db, void *rec)
{
	struct unit_row	*u = rec;
	const char	*why = NULL;
	char		 buf[128];
	size_t		 i, len = strlen(u->account);
	int		 n = 0;

	for (i = 0; i < len; i++)
		u->account[i] = toupper((unsigned char)u->account[i]);
	if (len < 3 || strspn(u->account, "0123456789ABCDEF") != len) {
		snprintf(buf, sizeof buf, "not 3-16 hex digits: %.20s",
		    u->account);
		n += db_import_problem(im, "account", buf);
		return (n);		/* the key is sealed for the account */
	}
	if (u->protocol[0] != '\0' && strcmp(u->protocol, "dc09") != 0)
		n += db_import_problem(im, "protocol", "not dc09");
	if (u->key[0] != '\0' && unit_key(u, db_import_arg(im), &why) == -1)
		n += db_import_problem(im, "key", why);
	if (u->client[0] != '\0' && unit_scalar(db, unit_client_sql,
	    u->client) == -1) {
		snprintf(buf, sizeof buf, "no client %.40s (import clients "
		    "first)", u->client);
		n += db_import_problem(im, "client", buf);
	}
	if (unit_interval(u->interval) == -1)
		n += db_import_problem(im, "interval", "not 0 or 20..90000 "
		    "seconds");
	return (n);
}

static int64_t
unit_lookup(struct db *db, const void *rec)
{
	return (unit_scalar(db, unit_find_sql,
	    ((const struct unit_row *)rec)->account));
}

static const char *
unit_keytext(const void *rec)
{
	return (((const struct unit_row *)rec)->account);
}

static int
unit_insert(struct db *db, const void *rec)
{
	const struct unit_row	*u = rec;
	sqlite3_stmt		*st;
	int			 rc;

	if ((st = db_stmt(db, unit_insert_sql)) == NULL)
		return (-1);
	sqlite3_bind_text(st, 1, u->account, -1, SQLITE_STATIC);
	if (u->key[0] != '\0')
		sqlite3_bind_text(st, 2, u->key, -1, SQLITE_STATIC);
	if (u->client[0] != '\0')
		sqlite3_bind_text(st, 3, u->client, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, (int)strtol(u->interval, NULL, 10));
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* Units from CSV text, all or nothing; audited ("unit import"). */
int
db_unit_import(struct db *db, const struct db_keyfile *kf, const char *name,
    const char *buf, size_t len, size_t *n, char **cause)
{
	const struct db_import_kind kind = {
		unit_columns, nitems(unit_columns), 1, sizeof (struct unit_row),
		unit_check, unit_lookup, unit_keytext, unit_insert, "unit",
		"account", kf
	};

	return (db_import_run(db, &kind, name, buf, len, n, cause));
}
