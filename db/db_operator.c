/*
 * db_operator.c -- operators (the people who answer alarms) and their
 * passwords: salted PBKDF2-HMAC-SHA256 from OpenSSL, stored as
 * "pbkdf2-sha256$ITER$SALTHEX$HASHHEX", compared in constant time. No
 * password or derived key outlives the call that used it.
 *
 * Thread: whichever thread owns the struct db passed in (db.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include "db.h"
#include "runtime.h"

#define PASSWORD_PREFIX		"pbkdf2-sha256$"
#define PASSWORD_ITER		60000
#define PASSWORD_SALT		16
#define PASSWORD_KEY		32
#define PASSWORD_MAX		1024

static const char operator_insert_sql[] =
    "INSERT INTO operator (login, name, role, hash) VALUES (?, ?, ?, ?)";
static const char operator_update_sql[] =
    "UPDATE operator SET name = ?, role = ?, disabled = ? WHERE login = ?";
static const char operator_delete_sql[] =
    "DELETE FROM operator WHERE login = ?";
static const char operator_passwd_sql[] =
    "UPDATE operator SET hash = ? WHERE login = ?";
static const char operator_get_sql[] =
    "SELECT id, login, name, role, hash, disabled FROM operator "
    "WHERE login = ?";

static void
operator_text(sqlite3_stmt *st, int i, char *dst, size_t size)
{
	const unsigned char	*s = sqlite3_column_text(st, i);

	snprintf(dst, size, "%s", s != NULL ? (const char *)s : "");
}

#define COL_TEXT(st, i, f)	operator_text(st, i, f, sizeof f)

static int
operator_fail(struct db *db, char **cause, const char *login)
{
	if (*cause == NULL)
		xasprintf(cause, "operator %s: %s", login, db_errmsg(db));
	db_rollback(db);
	return (-1);
}

static void
operator_hex(const unsigned char *in, size_t len, char *out)
{
	static const char	 digits[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}

/* Exactly len bytes of hex from s (up to '$' or the end); 0 or -1. */
static int
operator_unhex(const char *s, size_t n, unsigned char *out, size_t len)
{
	size_t	 i;
	int	 hi, lo;

	if (n != 2 * len)
		return (-1);
	for (i = 0; i < len; i++) {
		hi = (unsigned char)s[2 * i];
		lo = (unsigned char)s[2 * i + 1];
		if (!isxdigit(hi) || !isxdigit(lo))
			return (-1);
		hi = isdigit(hi) ? hi - '0' : tolower(hi) - 'a' + 10;
		lo = isdigit(lo) ? lo - '0' : tolower(lo) - 'a' + 10;
		out[i] = hi << 4 | lo;
	}
	return (0);
}

static int
operator_pbkdf2(const char *password, const unsigned char *salt, int iter,
    unsigned char key[PASSWORD_KEY])
{
	size_t	 len = strlen(password);

	if (len > PASSWORD_MAX)
		return (-1);
	return (PKCS5_PBKDF2_HMAC(password, (int)len, salt, PASSWORD_SALT,
	    iter, EVP_sha256(), PASSWORD_KEY, key) == 1 ? 0 : -1);
}

/* "pbkdf2-sha256$ITER$SALTHEX$HASHHEX" into out; 0 or -1. */
int
db_password_hash(const char *password, char *out, size_t size)
{
	unsigned char	 salt[PASSWORD_SALT], key[PASSWORD_KEY];
	char		 salthex[2 * PASSWORD_SALT + 1];
	char		 keyhex[2 * PASSWORD_KEY + 1];
	int		 n, rc = -1;

	if (RAND_bytes(salt, sizeof salt) != 1 ||
	    operator_pbkdf2(password, salt, PASSWORD_ITER, key) == -1)
		goto out;
	operator_hex(salt, sizeof salt, salthex);
	operator_hex(key, sizeof key, keyhex);
	n = snprintf(out, size, PASSWORD_PREFIX "%d$%s$%s", PASSWORD_ITER,
	    salthex, keyhex);
	rc = n > 0 && (size_t)n < size ? 0 : -1;
out:
	explicit_bzero(key, sizeof key);
	explicit_bzero(keyhex, sizeof keyhex);
	return (rc);
}

/* 1 matches, 0 does not (constant time), -1 bad hash string. */
int
db_password_verify(const char *password, const char *hash)
{
	unsigned char	 salt[PASSWORD_SALT], want[PASSWORD_KEY];
	unsigned char	 key[PASSWORD_KEY];
	const char	*p, *s, *h;
	long		 iter = 0;
	int		 rc = -1;

	if (strncmp(hash, PASSWORD_PREFIX, strlen(PASSWORD_PREFIX)) != 0)
		return (-1);
	p = hash + strlen(PASSWORD_PREFIX);
	for (s = p; isdigit((unsigned char)*s) && s - p < 8; s++)
		iter = iter * 10 + (*s - '0');
	if (s == p || *s != '$' || iter < 1000 || iter > 10000000)
		return (-1);
	s++;
	if ((h = strchr(s, '$')) == NULL)
		return (-1);
	if (operator_unhex(s, h - s, salt, sizeof salt) == -1 ||
	    operator_unhex(h + 1, strlen(h + 1), want, sizeof want) == -1)
		goto out;
	if (operator_pbkdf2(password, salt, (int)iter, key) == -1)
		goto out;
	rc = CRYPTO_memcmp(key, want, sizeof key) == 0;
out:
	explicit_bzero(key, sizeof key);
	explicit_bzero(want, sizeof want);
	return (rc);
}

static int
operator_login(const char *s)
{
	size_t	 i;

	if (*s == '\0' || strlen(s) > 31)
		return (-1);
	for (i = 0; s[i] != '\0'; i++) {
		if (!isalnum((unsigned char)s[i]) && strchr("-_.", s[i]) ==
		    NULL)
			return (-1);
	}
	return (0);
}

/* Insert an operator with the hash of password (>= 8 characters). */
int
db_operator_add(struct db *db, const struct db_operator *op,
    const char *password, char **cause)
{
	sqlite3_stmt	*st;
	const char	*role = op->role[0] != '\0' ? op->role : "operator";
	char		 hash[sizeof op->hash], detail[40], why[64];
	int		 rc;

	*cause = NULL;
	if (operator_login(op->login) == -1) {
		xasprintf(cause, "login %.40s: not 1-31 letters, digits or -_.",
		    op->login);
		return (-1);
	}
	if (op->name[0] == '\0') {
		xasprintf(cause, "operator %s: name missing", op->login);
		return (-1);
	}
	if (db_text_check(op->name, why, sizeof why) == -1) {
		xasprintf(cause, "operator %s: name: %s", op->login, why);
		return (-1);
	}
	if (strcmp(role, "operator") != 0 && strcmp(role, "supervisor") != 0) {
		xasprintf(cause, "operator %s: role %.20s: not operator or "
		    "supervisor", op->login, role);
		return (-1);
	}
	if (strlen(password) < DB_PASSWORD_MIN ||
	    strlen(password) > PASSWORD_MAX) {
		xasprintf(cause, "operator %s: password not %d-%d characters",
		    op->login, DB_PASSWORD_MIN, PASSWORD_MAX);
		return (-1);
	}
	if (db_password_hash(password, hash, sizeof hash) == -1) {
		xasprintf(cause, "operator %s: cannot hash the password",
		    op->login);
		return (-1);
	}
	if (db_begin(db) == -1 ||
	    (st = db_stmt(db, operator_insert_sql)) == NULL) {
		explicit_bzero(hash, sizeof hash);
		return (operator_fail(db, cause, op->login));
	}
	sqlite3_bind_text(st, 1, op->login, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, op->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	explicit_bzero(hash, sizeof hash);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		xasprintf(cause, "operator %s exists", op->login);
	snprintf(detail, sizeof detail, "role=%s", role);
	if (rc != SQLITE_DONE || db_audit(db, db_actor(db), "operator add",
	    op->login, detail) == -1 || db_commit(db) == -1)
		return (operator_fail(db, cause, op->login));
	return (0);
}

/* 0 found, -1 not found or error. */
int
db_operator_get(struct db *db, const char *login, struct db_operator *op)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_stmt(db, operator_get_sql)) == NULL)
		return (-1);
	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(op, 0, sizeof *op);
		op->id = sqlite3_column_int64(st, 0);
		COL_TEXT(st, 1, op->login);
		COL_TEXT(st, 2, op->name);
		COL_TEXT(st, 3, op->role);
		COL_TEXT(st, 4, op->hash);
		op->disabled = sqlite3_column_int(st, 5);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return (rc == SQLITE_ROW ? 0 : -1);
}

/* Run st (bound) for op login, audit and commit: 0, or -1 and *cause. */
static int
operator_change(struct db *db, sqlite3_stmt *st, const char *login,
    const char *action, const char *detail, char **cause)
{
	int	 rc;

	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return (operator_fail(db, cause, login));
	if (sqlite3_changes(db_sqlite(db)) == 0) {
		xasprintf(cause, "no operator %.40s", login);
		db_rollback(db);
		return (-1);
	}
	if (db_audit(db, db_actor(db), action, login, detail) == -1 ||
	    db_commit(db) == -1)
		return (operator_fail(db, cause, login));
	return (0);
}

/* Name, role and disabled of op->login as given. 0, or -1 and *cause. */
int
db_operator_update(struct db *db, const struct db_operator *op,
    char **cause)
{
	sqlite3_stmt	*st;
	char		 detail[48], why[64];

	*cause = NULL;
	if (op->name[0] == '\0' || db_text_check(op->name, why,
	    sizeof why) == -1) {
		xasprintf(cause, "operator %s: name: %s", op->login,
		    op->name[0] == '\0' ? "missing" : why);
		return (-1);
	}
	if (strcmp(op->role, "operator") != 0 &&
	    strcmp(op->role, "supervisor") != 0) {
		xasprintf(cause, "operator %s: role %.20s: not operator or "
		    "supervisor", op->login, op->role);
		return (-1);
	}
	if (db_begin(db) == -1 ||
	    (st = db_stmt(db, operator_update_sql)) == NULL)
		return (operator_fail(db, cause, op->login));
	sqlite3_bind_text(st, 1, op->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, op->role, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, op->disabled ? 1 : 0);
	sqlite3_bind_text(st, 4, op->login, -1, SQLITE_STATIC);
	snprintf(detail, sizeof detail, "role=%s disabled=%d", op->role,
	    op->disabled ? 1 : 0);
	return (operator_change(db, st, op->login, "operator edit", detail,
	    cause));
}

/* Delete an operator (the alarms they handled keep their login). */
int
db_operator_delete(struct db *db, const char *login, char **cause)
{
	sqlite3_stmt	*st;

	*cause = NULL;
	if (db_begin(db) == -1 ||
	    (st = db_stmt(db, operator_delete_sql)) == NULL)
		return (operator_fail(db, cause, login));
	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	return (operator_change(db, st, login, "operator delete", "", cause));
}

/* A new password for login, hashed (never stored or audited as it is). */
int
db_operator_passwd(struct db *db, const char *login, const char *password,
    char **cause)
{
	sqlite3_stmt	*st;
	char		 hash[sizeof ((struct db_operator *)0)->hash];
	int		 rc;

	*cause = NULL;
	if (strlen(password) < DB_PASSWORD_MIN ||
	    strlen(password) > PASSWORD_MAX) {
		xasprintf(cause, "operator %.40s: password not %d-%d "
		    "characters", login, DB_PASSWORD_MIN, PASSWORD_MAX);
		return (-1);
	}
	if (db_password_hash(password, hash, sizeof hash) == -1) {
		xasprintf(cause, "operator %.40s: cannot hash the password",
		    login);
		return (-1);
	}
	if (db_begin(db) == -1 ||
	    (st = db_stmt(db, operator_passwd_sql)) == NULL) {
		explicit_bzero(hash, sizeof hash);
		return (operator_fail(db, cause, login));
	}
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, login, -1, SQLITE_STATIC);
	rc = operator_change(db, st, login, "operator passwd", "", cause);
	explicit_bzero(hash, sizeof hash);
	return (rc);
}
