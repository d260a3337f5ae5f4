/*
 * db_export.c -- clients and units as CSV (RFC 4180), in the columns and
 * order db_client_import and db_unit_import read: a header line, then one
 * record per row ordered by its key, LF line ends; a field with a comma,
 * a quote or a line break is quoted (a quote doubled). Importing the file
 * into an empty database and exporting again gives the same bytes.
 *
 * A unit's key is written as stored, sealed ("enc:..."): it opens only
 * with the key file of this database. A key stored in the clear before
 * sealing existed is written as it is (run arcctl init to seal it first).
 *
 * Thread: whichever thread owns the struct db passed in (db.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "runtime.h"

struct export {
	int		(*put)(const char *, size_t, void *);
	void		*arg;
	int		 failed;
};

static void
export_put(struct export *e, const char *s, size_t len)
{
	if (!e->failed && len > 0 && e->put(s, len, e->arg) != 0)
		e->failed = 1;
}

/* One field, quoted if it must be; sep before it unless first. */
static void
export_field(struct export *e, const char *s, int first)
{
	const char	*q;

	if (!first)
		export_put(e, ",", 1);
	if (strpbrk(s, ",\"\r\n") == NULL) {
		export_put(e, s, strlen(s));
		return;
	}
	export_put(e, "\"", 1);
	while ((q = strchr(s, '"')) != NULL) {
		export_put(e, s, q - s + 1);
		export_put(e, "\"", 1);		/* the quote doubled */
		s = q + 1;
	}
	export_put(e, s, strlen(s));
	export_put(e, "\"", 1);
}

static void
export_record(struct export *e, const char *const *f, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		export_field(e, f[i], i == 0);
	export_put(e, "\n", 1);
}

static int
export_client(const struct db_client *c, void *arg)
{
	const char *const f[] = { c->ref, c->name, c->born, c->address,
	    c->phone, c->language, c->medical, c->access, c->level };

	export_record(arg, f, nitems(f));
	return (((struct export *)arg)->failed);
}

/* Every client as CSV, through put (0, or nonzero to stop). 0 or -1. */
int
db_client_export(struct db *db, int (*put)(const char *, size_t, void *),
    void *arg)
{
	static const char *const head[] = { "ref", "name", "born", "address",
	    "phone", "language", "medical", "access", "level" };
	struct export	 e = { put, arg, 0 };

	export_record(&e, head, nitems(head));
	if (db_client_foreach(db, export_client, &e) == -1 || e.failed)
		return (-1);
	return (0);
}

static int
export_unit(const struct db_unit *u, void *arg)
{
	char		 interval[16];
	const char	*f[] = { u->account, u->protocol, u->key, u->client,
	    interval };

	snprintf(interval, sizeof interval, "%d", u->interval);
	export_record(arg, f, nitems(f));
	return (((struct export *)arg)->failed);
}

/* Every unit as CSV (keys sealed, as stored). 0 or -1. */
int
db_unit_export(struct db *db, int (*put)(const char *, size_t, void *),
    void *arg)
{
	static const char *const head[] = { "account", "protocol", "key",
	    "client", "interval" };
	struct export	 e = { put, arg, 0 };

	export_record(&e, head, nitems(head));
	if (db_unit_foreach(db, export_unit, &e) == -1 || e.failed)
		return (-1);
	return (0);
}
