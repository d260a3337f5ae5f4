/*
 * tmpdb.h -- shared by the db/ unit tests: a database file in a fresh
 * temporary directory, removed with its WAL files afterwards, and a row
 * count through the raw SQLite handle (an oracle apart from db/'s SQL).
 */
#ifndef TMPDB_H
#define TMPDB_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "db.h"

/* dir = $TMPDIR/name.XXXXXX made, path = dir/arc.db. 0 or -1. */
static inline int
tmpdb_make(const char *name, char *dir, size_t dsize, char *path,
    size_t psize)
{
	const char	*tmp = getenv("TMPDIR");

	snprintf(dir, dsize, "%s/%s.XXXXXX", tmp != NULL && *tmp != '\0' ?
	    tmp : "/tmp", name);
	if (mkdtemp(dir) == NULL)
		return (-1);
	snprintf(path, psize, "%s/arc.db", dir);
	return (0);
}

static inline void
tmpdb_remove(const char *dir, const char *path)
{
	char	 p[512];

	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
	rmdir(dir);
}

/* The first column of the first row of sql, or -1. */
static inline int64_t
tmpdb_count(sqlite3 *h, const char *sql)
{
	sqlite3_stmt	*st;
	int64_t		 n = -1;

	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		return (-1);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return (n);
}

#endif /* TMPDB_H */
