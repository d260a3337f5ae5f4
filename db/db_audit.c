/*
 * db_audit.c -- the audit trail: append-only (triggers refuse UPDATE and
 * DELETE) and hash-chained.
 *
 * Row i stores hash_i = SHA-256(hash_{i-1} || canonical_i), where the first
 * row has no predecessor (hash_1 = SHA-256(canonical_1)) and canonical is
 *
 *	"<id>\n<at>\n<len>:<actor>\n<len>:<action>\n<len>:<subject>\n<len>:<detail>\n"
 *
 * with id and at in decimal and len the byte length of the field that
 * follows, so no two different rows have the same canonical text.
 *
 * Thread: whichever thread owns the struct db passed in (db.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "db.h"
#include "runtime.h"

#define AUDIT_HASH_LEN	32

static const char audit_last_sql[] =
    "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1";
static const char audit_insert_sql[] =
    "INSERT INTO audit (id, at, actor, action, subject, detail, hash) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char audit_all_sql[] =
    "SELECT id, at, actor, action, subject, detail, hash FROM audit "
    "ORDER BY id";

struct audit_row {
	int64_t		 id;
	int64_t		 at;
	const char	*f[4];		/* actor, action, subject, detail */
};

/* hash = SHA-256(prev || canonical(row)); prev may be NULL (first row). */
static int
audit_hash(const uint8_t *prev, const struct audit_row *r,
    uint8_t hash[AUDIT_HASH_LEN])
{
	EVP_MD_CTX	*ctx;
	char		 num[64];
	int		 i, n, ok;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return (-1);
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	if (ok && prev != NULL)
		ok = EVP_DigestUpdate(ctx, prev, AUDIT_HASH_LEN);
	n = snprintf(num, sizeof num, "%lld\n%lld\n", (long long)r->id,
	    (long long)r->at);
	if (ok)
		ok = EVP_DigestUpdate(ctx, num, n);
	for (i = 0; ok && i < 4; i++) {
		n = snprintf(num, sizeof num, "%zu:", strlen(r->f[i]));
		ok = EVP_DigestUpdate(ctx, num, n) &&
		    EVP_DigestUpdate(ctx, r->f[i], strlen(r->f[i])) &&
		    EVP_DigestUpdate(ctx, "\n", 1);
	}
	if (ok)
		ok = EVP_DigestFinal_ex(ctx, hash, NULL);
	EVP_MD_CTX_free(ctx);
	return (ok ? 0 : -1);
}

static int64_t
audit_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* The last row's id and hash (0 and has_prev = 0 on an empty table). */
static int
audit_last(struct db *db, int64_t *id, uint8_t prev[AUDIT_HASH_LEN],
    int *has_prev)
{
	sqlite3_stmt	*st;
	int		 rc;

	*id = 0;
	*has_prev = 0;
	if ((st = db_stmt(db, audit_last_sql)) == NULL)
		return (-1);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 1) != AUDIT_HASH_LEN) {
			sqlite3_reset(st);
			return (-1);
		}
		*id = sqlite3_column_int64(st, 0);
		memcpy(prev, sqlite3_column_blob(st, 1), AUDIT_HASH_LEN);
		*has_prev = 1;
		rc = SQLITE_DONE;
	}
	sqlite3_reset(st);
	return (rc == SQLITE_DONE ? 0 : -1);
}

static int
audit_insert(struct db *db, const struct audit_row *r,
    const uint8_t hash[AUDIT_HASH_LEN])
{
	sqlite3_stmt	*st;
	int		 i, rc;

	if ((st = db_stmt(db, audit_insert_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int64(st, 2, r->at);
	for (i = 0; i < 4; i++)
		sqlite3_bind_text(st, 3 + i, r->f[i], -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, hash, AUDIT_HASH_LEN, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/*
 * Append a row. Inside a caller's transaction it joins it; otherwise it
 * takes the write lock (BEGIN IMMEDIATE) so the chain cannot fork.
 */
int
db_audit(struct db *db, const char *actor, const char *action,
    const char *subject, const char *detail)
{
	struct audit_row	 r;
	uint8_t			 prev[AUDIT_HASH_LEN], hash[AUDIT_HASH_LEN];
	int			 own, has_prev;

	own = !db_in_transaction(db);
	if (own && db_begin(db) == -1)
		return (-1);
	if (audit_last(db, &r.id, prev, &has_prev) == -1)
		goto fail;
	r.id++;
	r.at = audit_now_ms();
	r.f[0] = actor != NULL ? actor : "";
	r.f[1] = action != NULL ? action : "";
	r.f[2] = subject != NULL ? subject : "";
	r.f[3] = detail != NULL ? detail : "";
	if (audit_hash(has_prev ? prev : NULL, &r, hash) == -1)
		goto fail;
	if (audit_insert(db, &r, hash) == -1)
		goto fail;
	if (own && db_commit(db) == -1)
		goto fail;
	return (0);

fail:
	if (own)
		db_rollback(db);
	return (-1);
}

/* Check one row against the previous stored hash; 0 intact, -1 broken. */
static int
audit_check(sqlite3_stmt *st, const uint8_t *prev, uint8_t *stored)
{
	struct audit_row	 r;
	uint8_t			 hash[AUDIT_HASH_LEN];
	int			 i;

	r.id = sqlite3_column_int64(st, 0);
	r.at = sqlite3_column_int64(st, 1);
	for (i = 0; i < 4; i++) {
		r.f[i] = (const char *)sqlite3_column_text(st, 2 + i);
		if (r.f[i] == NULL)
			return (-1);
	}
	if (sqlite3_column_bytes(st, 6) != AUDIT_HASH_LEN)
		return (-1);
	memcpy(stored, sqlite3_column_blob(st, 6), AUDIT_HASH_LEN);
	if (audit_hash(prev, &r, hash) == -1)
		return (-1);
	return (memcmp(hash, stored, AUDIT_HASH_LEN) == 0 ? 0 : -1);
}

/*
 * Recompute the chain: 0 intact, or -1 and *bad_id = first broken row
 * (*bad_id = 0 if the table could not be read). *rows = rows checked.
 */
int
db_audit_verify(struct db *db, int64_t *bad_id, int64_t *rows)
{
	sqlite3_stmt	*st;
	uint8_t		 prev[AUDIT_HASH_LEN], cur[AUDIT_HASH_LEN];
	int		 rc, first = 1;

	*bad_id = 0;
	*rows = 0;
	if ((st = db_stmt(db, audit_all_sql)) == NULL)
		return (-1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (audit_check(st, first ? NULL : prev, cur) == -1) {
			*bad_id = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
			return (-1);
		}
		memcpy(prev, cur, AUDIT_HASH_LEN);
		first = 0;
		(*rows)++;
	}
	sqlite3_reset(st);
	return (rc == SQLITE_DONE ? 0 : -1);
}
