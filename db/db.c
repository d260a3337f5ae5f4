/*
 * db.c -- one SQLite connection: open, pragmas, migrations, the prepared
 * statement cache, transactions. A struct db belongs to the thread that
 * opened it (SQLite is opened in multi-thread mode: no connection mutex).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"
#include "runtime.h"

#define DB_BUSY_TIMEOUT	2000	/* ms */
#define DB_MAX_STMTS	96

struct db_cached {
	const char	*sql;		/* borrowed: a static string */
	sqlite3_stmt	*stmt;		/* owned */
};

struct db {
	sqlite3			*sq;		/* owned */
	int			 flags;
	int			 nstmts;
	struct db_cached	 stmts[DB_MAX_STMTS];
	char			 actor[64];	/* audit rows; "" = "arcctl" */
	int			 dry_run;	/* commit rolls back */
};

static int	db_private(const char *, int, char **);
static int	db_pragmas(struct db *, const char *, char **);
static int	db_migrate(struct db *, const char *, int, char **);
static int	db_user_version(struct db *, int *);

/* Open path; on failure return NULL and set *cause (caller frees). */
struct db *
db_open(const char *path, int flags, char **cause)
{
	struct db	*db;
	int		 oflags, rc;

	*cause = NULL;
	if (db_private(path, flags, cause) == -1)
		return (NULL);
	db = xcalloc(1, sizeof *db);
	db->flags = flags;
	oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	if (flags & DB_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	if ((rc = sqlite3_open_v2(path, &db->sq, oflags, NULL)) != SQLITE_OK) {
		xasprintf(cause, "%s: %s", path, db->sq != NULL ?
		    sqlite3_errmsg(db->sq) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(db->sq, 1);
	sqlite3_busy_timeout(db->sq, DB_BUSY_TIMEOUT);
	if (db_pragmas(db, path, cause) == -1)
		goto fail;
	if (db_migrate(db, path, flags, cause) == -1)
		goto fail;
	return (db);

fail:
	db_close(db);
	return (NULL);
}

/* A group- or world-accessible file of the database becomes 0600. */
static void
db_tighten(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	struct stat	 st;
	char		 p[PATH_MAX];
	size_t		 i;

	for (i = 0; i < nitems(suffix); i++) {
		if ((size_t)snprintf(p, sizeof p, "%s%s", path, suffix[i]) >=
		    sizeof p || stat(p, &st) == -1 || !S_ISREG(st.st_mode) ||
		    (st.st_mode & 077) == 0)
			continue;
		log_warnx("%s: readable by group or others (mode %04o); "
		    "made 0600", p, (unsigned)(st.st_mode & 07777));
		if (chmod(p, 0600) == -1)
			log_warn("%s: chmod 600", p);
	}
}

/*
 * The database is private: a new one is created 0600 before SQLite sees
 * it (SQLite gives its -wal and -shm the database's mode), an existing
 * one open to others is tightened with a warning. 0 or -1 and *cause.
 */
static int
db_private(const char *path, int flags, char **cause)
{
	struct stat	 st;
	int		 fd;

	if (stat(path, &st) == 0) {
		db_tighten(path);
		return (0);
	}
	if (errno != ENOENT) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (!(flags & DB_CREATE)) {
		xasprintf(cause, "%s: no such database", path);
		return (-1);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1 && errno != EEXIST) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fd != -1)
		close(fd);
	return (0);
}

static int
db_pragmas(struct db *db, const char *path, char **cause)
{
	sqlite3_stmt	*st;
	const char	*mode;
	int		 ok;

	if (sqlite3_prepare_v2(db->sq, "PRAGMA journal_mode = WAL", -1, &st,
	    NULL) != SQLITE_OK) {
		xasprintf(cause, "%s: %s", path, sqlite3_errmsg(db->sq));
		return (-1);
	}
	ok = sqlite3_step(st) == SQLITE_ROW &&
	    (mode = (const char *)sqlite3_column_text(st, 0)) != NULL &&
	    strcmp(mode, "wal") == 0;
	sqlite3_finalize(st);
	if (!ok) {
		xasprintf(cause, "%s: cannot use WAL mode: %s", path,
		    sqlite3_errmsg(db->sq));
		return (-1);
	}
	if (db_exec(db, "PRAGMA foreign_keys = ON") == -1 ||
	    db_exec(db, (db->flags & DB_WRITER) ?
	    "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 0; "
	    "PRAGMA journal_size_limit = 67108864" :
	    "PRAGMA synchronous = NORMAL") == -1) {
		xasprintf(cause, "%s: %s", path, sqlite3_errmsg(db->sq));
		return (-1);
	}
	return (0);
}

static int
db_user_version(struct db *db, int *v)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (sqlite3_prepare_v2(db->sq, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK)
		return (-1);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return (rc == SQLITE_ROW ? 0 : -1);
}

/* Apply migrations v..n-1 in one transaction, each bumping user_version. */
static int
db_apply(struct db *db, int v, char **cause)
{
	char	 sql[64];
	size_t	 i;

	for (i = v; i < db_nmigrations; i++) {
		snprintf(sql, sizeof sql, "PRAGMA user_version = %zu", i + 1);
		if (db_exec(db, db_migrations[i]) == -1 ||
		    db_exec(db, sql) == -1) {
			xasprintf(cause, "migration %zu: %s", i + 1,
			    sqlite3_errmsg(db->sq));
			return (-1);
		}
	}
	return (0);
}

static int
db_migrate(struct db *db, const char *path, int flags, char **cause)
{
	int	 v;

	/* Migrating takes the write lock first so two processes cannot race. */
	if (db_exec(db, (flags & DB_MIGRATE) ? "BEGIN IMMEDIATE" : "BEGIN") ==
	    -1 || db_user_version(db, &v) == -1) {
		xasprintf(cause, "%s: %s", path, sqlite3_errmsg(db->sq));
		goto fail;
	}
	if (v < 0 || (size_t)v > db_nmigrations) {
		xasprintf(cause, "%s: schema version %d is newer than this "
		    "program (%zu)", path, v, db_nmigrations);
		goto fail;
	}
	if ((size_t)v < db_nmigrations && !(flags & DB_MIGRATE)) {
		xasprintf(cause, "%s: schema version %d is older than this "
		    "program (%zu); run arcctl init", path, v, db_nmigrations);
		goto fail;
	}
	if ((size_t)v < db_nmigrations) {
		if (db_apply(db, v, cause) == -1) {
			char	*c = *cause;

			xasprintf(cause, "%s: %s", path, c);
			free(c);
			goto fail;
		}
	}
	if (db_commit(db) == -1) {
		xasprintf(cause, "%s: %s", path, sqlite3_errmsg(db->sq));
		goto fail;
	}
	return (0);

fail:
	db_rollback(db);
	return (-1);
}

void
db_close(struct db *db)
{
	int	 i;

	if (db == NULL)
		return;
	for (i = 0; i < db->nstmts; i++)
		sqlite3_finalize(db->stmts[i].stmt);
	if (db->sq != NULL && sqlite3_close(db->sq) != SQLITE_OK)
		log_warnx("db: close: %s", sqlite3_errmsg(db->sq));
	free(db);
}

int
db_version(struct db *db)
{
	int	 v;

	if (db_user_version(db, &v) == -1)
		return (-1);
	return (v);
}

const char *
db_errmsg(struct db *db)
{
	return (sqlite3_errmsg(db->sq));
}

/* Passive WAL checkpoint; from a non-writer connection. 0 or -1. */
int
db_checkpoint(struct db *db)
{
	int	 nlog, nckpt;

	return (db_wal_checkpoint(db, &nlog, &nckpt));
}

/* PASSIVE checkpoint; *nlog, *nckpt: frames in the WAL, checkpointed. */
int
db_wal_checkpoint(struct db *db, int *nlog, int *nckpt)
{
	int	 rc;

	*nlog = *nckpt = 0;
	rc = sqlite3_wal_checkpoint_v2(db->sq, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    nlog, nckpt);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		return (-1);
	return (0);
}

struct sqlite3 *
db_sqlite(struct db *db)
{
	return (db->sq);
}

/*
 * A cached prepared statement for sql, keyed by the string's address (the
 * callers pass static strings), reset and with no bindings. NULL on error.
 */
sqlite3_stmt *
db_stmt(struct db *db, const char *sql)
{
	struct db_cached	*c;
	int			 i;

	for (i = 0; i < db->nstmts; i++) {
		c = &db->stmts[i];
		if (c->sql == sql) {
			sqlite3_reset(c->stmt);
			sqlite3_clear_bindings(c->stmt);
			return (c->stmt);
		}
	}
	if (db->nstmts == DB_MAX_STMTS)
		fatalx("db: statement cache full");
	c = &db->stmts[db->nstmts];
	if (sqlite3_prepare_v3(db->sq, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &c->stmt, NULL) != SQLITE_OK) {
		log_warnx("db: prepare: %s", sqlite3_errmsg(db->sq));
		return (NULL);
	}
	c->sql = sql;
	db->nstmts++;
	return (c->stmt);
}

int
db_exec(struct db *db, const char *sql)
{
	return (sqlite3_exec(db->sq, sql, NULL, NULL, NULL) == SQLITE_OK ?
	    0 : -1);
}

int
db_begin(struct db *db)
{
	return (db_exec(db, "BEGIN IMMEDIATE"));
}

/* A dry run's connection never commits: the transaction is undone. */
int
db_commit(struct db *db)
{
	if (db->dry_run) {
		db_rollback(db);
		return (0);
	}
	return (db_exec(db, "COMMIT"));
}

/* Every later commit on this connection is rolled back instead. */
void
db_set_dry_run(struct db *db, int on)
{
	db->dry_run = on;
}

/* Who the audit rows of this connection's changes name (arcctl's user). */
void
db_set_actor(struct db *db, const char *actor)
{
	snprintf(db->actor, sizeof db->actor, "%s", actor);
}

const char *
db_actor(struct db *db)
{
	return (db->actor[0] != '\0' ? db->actor : "arcctl");
}

void
db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->sq))
		sqlite3_exec(db->sq, "ROLLBACK", NULL, NULL, NULL);
}

int
db_in_transaction(struct db *db)
{
	return (!sqlite3_get_autocommit(db->sq));
}

/* The last error means the connection should be closed and reopened. */
int
db_broken(struct db *db)
{
	switch (sqlite3_errcode(db->sq) & 0xff) {
	case SQLITE_IOERR:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_CANTOPEN:
		return (1);
	}
	return (0);
}

/* Text of at most size bytes, or NULL when empty; s outlives the step. */
void
db_bind_text(struct sqlite3_stmt *st, int i, const char *s, size_t size)
{
	size_t	 len = strnlen(s, size);

	if (len == 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, len, SQLITE_STATIC);
}

/* A number, or NULL when 0 (never, none). */
void
db_bind_int64(struct sqlite3_stmt *st, int i, int64_t v)
{
	if (v == 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, v);
}
