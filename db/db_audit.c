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
 * The head (table audit_head, migration 0006) holds the last row's id and
 * hash; a trigger moves it in the row's own INSERT. A new row follows the
 * head rather than the last row found, so a tail deleted behind the
 * head's back stays a gap in the chain after later rows. Verifying checks
 * the ids run 1, 2, 3... without a gap, every hash, and that the last row
 * is the head; a head logged outside the database (arcd) must still be a
 * row of the chain.
 *
 * Thread: whichever thread owns the struct db passed in (db.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "db.h"
#include "runtime.h"

#define AUDIT_HASH_LEN	DB_AUDIT_HASH

static const char audit_last_sql[] =
    "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1";
static const char audit_head_sql[] =
    "SELECT seq, hash FROM audit_head WHERE id = 1";
static const char audit_row_sql[] =
    "SELECT hash FROM audit WHERE id = ?";
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

/*
 * One (id, hash) row of sql, the last row or the head: 0 and *found = 1,
 * 0 and *found = 0 if there is none, -1 on an error or a hash that is not
 * 32 bytes.
 */
static int
audit_pair(struct db *db, const char *sql, int64_t *id,
    uint8_t hash[AUDIT_HASH_LEN], int *found)
{
	sqlite3_stmt	*st;
	int		 rc;

	*id = 0;
	*found = 0;
	if ((st = db_stmt(db, sql)) == NULL)
		return (-1);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 1) != AUDIT_HASH_LEN) {
			sqlite3_reset(st);
			return (-1);
		}
		*id = sqlite3_column_int64(st, 0);
		memcpy(hash, sqlite3_column_blob(st, 1), AUDIT_HASH_LEN);
		*found = 1;
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
 * takes the write lock (BEGIN IMMEDIATE) so the chain cannot fork. The
 * row follows the head (the trigger of migration 0006 then moves the head
 * in the same INSERT), or the last row if rows were added behind the
 * head's back or the head is gone.
 */
int
db_audit(struct db *db, const char *actor, const char *action,
    const char *subject, const char *detail)
{
	struct audit_row	 r;
	uint8_t			 last_hash[AUDIT_HASH_LEN];
	uint8_t			 head_hash[AUDIT_HASH_LEN];
	uint8_t			 hash[AUDIT_HASH_LEN];
	const uint8_t		*prev;
	int64_t			 last, head;
	int			 own, has_last, has_head;

	own = !db_in_transaction(db);
	if (own && db_begin(db) == -1)
		return (-1);
	if (audit_pair(db, audit_last_sql, &last, last_hash, &has_last) == -1 ||
	    audit_pair(db, audit_head_sql, &head, head_hash, &has_head) == -1)
		goto fail;
	if (has_head && head >= last) {
		r.id = head + 1;
		prev = head > 0 ? head_hash : NULL;
	} else {
		r.id = last + 1;
		prev = has_last ? last_hash : NULL;
	}
	r.at = audit_now_ms();
	r.f[0] = actor != NULL ? actor : "";
	r.f[1] = action != NULL ? action : "";
	r.f[2] = subject != NULL ? subject : "";
	r.f[3] = detail != NULL ? detail : "";
	if (audit_hash(prev, &r, hash) == -1)
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

/* The head record: the last row's id (0: no row yet) and hash. 0 or -1. */
int
db_audit_head(struct db *db, int64_t *seq, uint8_t hash[DB_AUDIT_HASH])
{
	int	 found;

	memset(hash, 0, AUDIT_HASH_LEN);
	if (audit_pair(db, audit_head_sql, seq, hash, &found) == -1)
		return (-1);
	return (found ? 0 : -1);
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

/* "row 7" or "rows 7 to 9". */
static void
audit_rows(char *buf, size_t size, int64_t from, int64_t to)
{
	if (from == to)
		snprintf(buf, size, "row %lld", (long long)from);
	else
		snprintf(buf, size, "rows %lld to %lld", (long long)from,
		    (long long)to);
}

/* Every row: ids 1, 2, 3... and every hash. 0, or -1 and *cause. */
static int
audit_chain(struct db *db, int64_t *last, uint8_t last_hash[AUDIT_HASH_LEN],
    int64_t *bad_id, int64_t *rows, char **cause)
{
	sqlite3_stmt	*st;
	uint8_t		 cur[AUDIT_HASH_LEN];
	int64_t		 id;
	char		 gap[64];
	int		 rc;

	if ((st = db_stmt(db, audit_all_sql)) == NULL)
		return (-1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		if (id != *last + 1) {
			sqlite3_reset(st);
			*bad_id = *last + 1;
			if (id <= *last) {
				xasprintf(cause, "row %lld is out of sequence "
				    "(the chain starts at row 1)",
				    (long long)id);
				return (-1);
			}
			audit_rows(gap, sizeof gap, *last + 1, id - 1);
			if (*last == 0)
				xasprintf(cause, "%s missing (deleted): the "
				    "chain starts at row %lld", gap,
				    (long long)id);
			else
				xasprintf(cause, "%s missing (deleted): row "
				    "%lld follows row %lld", gap, (long long)id,
				    (long long)*last);
			return (-1);
		}
		if (audit_check(st, *last > 0 ? last_hash : NULL, cur) == -1) {
			sqlite3_reset(st);
			*bad_id = id;
			xasprintf(cause, "row %lld is broken (%lld rows before "
			    "it intact)", (long long)id, (long long)*rows);
			return (-1);
		}
		memcpy(last_hash, cur, AUDIT_HASH_LEN);
		*last = id;
		(*rows)++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		xasprintf(cause, "%s", db_errmsg(db));
		return (-1);
	}
	return (0);
}

/* The chain's last row against the head record. 0, or -1 and *cause. */
static int
audit_end(struct db *db, int64_t last, const uint8_t *last_hash,
    int64_t *bad_id, char **cause)
{
	uint8_t		 head_hash[AUDIT_HASH_LEN];
	int64_t		 head;
	char		 gap[64];
	int		 found;

	if (audit_pair(db, audit_head_sql, &head, head_hash, &found) == -1) {
		xasprintf(cause, "the head: %s", db_errmsg(db));
		return (-1);
	}
	if (!found) {
		xasprintf(cause, "the chain has no head record (audit_head "
		    "emptied)");
		return (-1);
	}
	if (head > last) {
		*bad_id = last + 1;
		audit_rows(gap, sizeof gap, last + 1, head);
		xasprintf(cause, "the chain ends at row %lld but its head "
		    "says %lld: %s deleted", (long long)last, (long long)head,
		    gap);
		return (-1);
	}
	if (head < last) {
		*bad_id = head + 1;
		audit_rows(gap, sizeof gap, head + 1, last);
		xasprintf(cause, "the chain ends at row %lld but its head "
		    "says %lld: %s added behind the head's back",
		    (long long)last, (long long)head, gap);
		return (-1);
	}
	if (last > 0 && memcmp(last_hash, head_hash, AUDIT_HASH_LEN) != 0) {
		*bad_id = last;
		xasprintf(cause, "row %lld is not the row its head recorded "
		    "(the hashes differ): replaced", (long long)last);
		return (-1);
	}
	return (0);
}

/*
 * Recompute the chain and check that it ends at its head, in one read
 * transaction (a snapshot: arcd may be writing).
 */
int
db_audit_verify(struct db *db, int64_t *bad_id, int64_t *rows,
    char **cause)
{
	uint8_t		 last_hash[AUDIT_HASH_LEN];
	int64_t		 last = 0;
	int		 own, rc;

	*bad_id = 0;
	*rows = 0;
	*cause = NULL;
	own = !db_in_transaction(db);
	if (own && db_exec(db, "BEGIN") == -1) {
		xasprintf(cause, "%s", db_errmsg(db));
		return (-1);
	}
	rc = audit_chain(db, &last, last_hash, bad_id, rows, cause);
	if (rc == 0)
		rc = audit_end(db, last, last_hash, bad_id, cause);
	if (own)
		db_rollback(db);
	return (rc);
}

static void
audit_hex(const uint8_t *hash, char out[2 * AUDIT_HASH_LEN + 1])
{
	int	 i;

	for (i = 0; i < AUDIT_HASH_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", hash[i]);
}

/*
 * A head logged earlier (arcd's "audit head: seq N hash HEX"): 0 if row
 * seq is still in the chain and its hash begins with hex, else -1 and
 * *cause. Run after db_audit_verify: an intact chain makes the row's hash
 * stand for every row up to it.
 */
int
db_audit_verify_logged(struct db *db, int64_t seq, const char *hex,
    char **cause)
{
	sqlite3_stmt	*st;
	uint8_t		 hash[AUDIT_HASH_LEN];
	char		 have[2 * AUDIT_HASH_LEN + 1];
	size_t		 n = strlen(hex);
	int64_t		 last;
	int		 rc, found = 0;

	*cause = NULL;
	if (seq < 0 || n == 0 || n > 2 * AUDIT_HASH_LEN ||
	    strspn(hex, "0123456789abcdefABCDEF") != n) {
		xasprintf(cause, "the logged head %lld:%s is not SEQ:HEX",
		    (long long)seq, hex);
		return (-1);
	}
	memset(hash, 0, sizeof hash);	/* seq 0: the empty chain's head */
	if (seq == 0)
		found = 1;
	else {
		if ((st = db_stmt(db, audit_row_sql)) == NULL)
			goto error;
		sqlite3_bind_int64(st, 1, seq);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
		    sqlite3_column_bytes(st, 0) == AUDIT_HASH_LEN) {
			memcpy(hash, sqlite3_column_blob(st, 0), sizeof hash);
			found = 1;
		}
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			goto error;
	}
	if (!found) {
		if (audit_pair(db, audit_last_sql, &last, hash, &found) == -1)
			goto error;
		if (last < seq)
			xasprintf(cause, "the logged head is row %lld but the "
			    "chain ends at row %lld: rows deleted, or an older "
			    "copy of the database restored", (long long)seq,
			    (long long)last);
		else
			xasprintf(cause, "the logged head, row %lld, is "
			    "missing", (long long)seq);
		return (-1);
	}
	audit_hex(hash, have);
	if (strncasecmp(have, hex, n) != 0) {
		xasprintf(cause, "row %lld's hash begins %.*s, the logged "
		    "head says %s: the chain was rewritten", (long long)seq,
		    (int)n, have, hex);
		return (-1);
	}
	return (0);

error:
	xasprintf(cause, "%s", db_errmsg(db));
	return (-1);
}

static const char audit_since_sql[] =
    "SELECT id, at, actor, action, subject, detail FROM audit "
    "WHERE at >= ? ORDER BY id";

/* Rows with at >= since (ms), oldest first; stops early if fn != 0. */
int
db_audit_foreach(struct db *db, int64_t since,
    int (*fn)(const struct db_audit_row *, void *), void *arg)
{
	struct db_audit_row	 r;
	sqlite3_stmt		*st;
	const char		**f[4];
	int			 i, rc = SQLITE_DONE, stop = 0;

	f[0] = &r.actor;
	f[1] = &r.action;
	f[2] = &r.subject;
	f[3] = &r.detail;
	if ((st = db_stmt(db, audit_since_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, since);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.id = sqlite3_column_int64(st, 0);
		r.at = sqlite3_column_int64(st, 1);
		for (i = 0; i < 4; i++) {
			*f[i] = (const char *)sqlite3_column_text(st, 2 + i);
			if (*f[i] == NULL)
				*f[i] = "";
		}
		stop = fn(&r, arg);
	}
	sqlite3_reset(st);
	return (stop || rc == SQLITE_DONE ? 0 : -1);
}
