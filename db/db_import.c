/*
 * db_import.c -- clients (and, for db_unit_import.c, any kind of row)
 * from a CSV file (RFC 4180): a header line names
 * the columns, fields may be quoted ("" is a quote; commas and line breaks
 * inside quotes are data), records end with LF or CRLF, blank lines are
 * skipped.
 *
 * All or nothing: every row is checked and every good row inserted inside
 * one transaction (so duplicates are found against the file and the
 * database alike); any error rolls it all back. Every error
 * names the file, the line the record starts on and the field. Text must
 * be UTF-8 without control characters but tab and line breaks
 * (db_text.c): "field medical: not valid UTF-8 at byte 5".
 *
 * Thread: whichever thread owns the struct db passed in (db.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "db.h"
#include "runtime.h"

#define IMPORT_MAX_FIELDS	32
#define IMPORT_MAX_ERRORS	1000

#define IMPORT_NCOLUMNS		16	/* at most, of any kind */
static const struct db_import_column import_client_columns[] = {
#define IMPORT_COLUMN(f) \
	{ #f, offsetof(struct db_client, f), sizeof ((struct db_client *)0)->f }
	IMPORT_COLUMN(ref),		/* ref and name first: required */
	IMPORT_COLUMN(name),
	IMPORT_COLUMN(born),
	IMPORT_COLUMN(address),
	IMPORT_COLUMN(phone),
	IMPORT_COLUMN(language),
	IMPORT_COLUMN(medical),
	IMPORT_COLUMN(access),
	IMPORT_COLUMN(level),
#undef IMPORT_COLUMN
};

/* One record: its fields NUL-terminated one after the other in buf. */
struct import_record {
	char		*buf;		/* owned */
	size_t		 len, cap;
	size_t		 off[IMPORT_MAX_FIELDS];
	size_t		 flen[IMPORT_MAX_FIELDS];
	int		 n;
	int		 line;		/* where the record starts */
};

struct import {
	const struct db_import_kind *kind;	/* borrowed */
	const char	*name;		/* borrowed: the file name */
	const char	*p, *end;	/* borrowed: the text */
	int		 line;		/* the current line, 1-based */
	int		 col[IMPORT_NCOLUMNS];	/* field index, -1 = absent */
	int		 nfields;	/* fields in the header */
	char		*errors;	/* owned, one per line */
	size_t		 elen;
	int		 nerrors;
	int		 row_line;	/* for import_field_error */
	unsigned	 skip;		/* fields already reported this row */
	int		*lines;		/* owned: line of each inserted row */
	size_t		 nlines;
	int64_t		 first_id;	/* id of the first inserted row */
};

static void __attribute__((format(printf, 3, 4)))
import_error(struct import *im, int line, const char *fmt, ...)
{
	va_list		 ap;
	char		 raw[512], msg[UTF8_CLEAN_SIZE(512)];
	unsigned char	*p;
	int		 n;

	if (im->nerrors++ >= IMPORT_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	/*
	 * Quoted text from the file: valid UTF-8, one error a line, no
	 * terminal controls (C0, DEL, C1).
	 */
	utf8_clean(msg, sizeof msg, raw);
	for (p = (unsigned char *)msg; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0) {
			p[0] = '?';
			p[1] = '?';
		}
	}
	if (im->nerrors == IMPORT_MAX_ERRORS)
		snprintf(msg, sizeof msg, "stopped after %d errors",
		    IMPORT_MAX_ERRORS);
	n = snprintf(NULL, 0, "%s%s: line %d%s%s", im->elen ? "\n" : "",
	    im->name, line, *msg == '\0' ? "" : ", ", msg);
	im->errors = xreallocarray(im->errors, 1, im->elen + n + 1);
	snprintf(im->errors + im->elen, n + 1, "%s%s: line %d%s%s",
	    im->elen ? "\n" : "", im->name, line, *msg == '\0' ? "" : ", ", msg);
	im->elen += n;
}

static void
import_put(struct import_record *r, char c)
{
	if (r->len == r->cap) {
		r->cap = r->cap == 0 ? 256 : r->cap * 2;
		r->buf = xreallocarray(r->buf, 1, r->cap);
	}
	r->buf[r->len++] = c;
}

/* At the end of a record: LF, CRLF or the end of the text. */
static int
import_eol(struct import *im)
{
	const char	*p = im->p;

	return (p == im->end || *p == '\n' || (*p == '\r' &&
	    (p + 1 == im->end || p[1] == '\n')));
}

/* Past the line break that ends the record (for a broken record). */
static void
import_skip_line(struct import *im)
{
	while (im->p < im->end && *im->p != '\n')
		im->p++;
	if (im->p < im->end) {
		im->p++;
		im->line++;
	}
}

/* One quoted field's data after the opening quote; 0 or -1 (reported). */
static int
import_quoted(struct import *im, struct import_record *r)
{
	char	 c;

	for (;;) {
		if (im->p == im->end) {
			import_error(im, r->line, "field %d: quoted field not "
			    "closed", r->n);
			return (-1);
		}
		c = *im->p++;
		if (c == '"') {
			if (im->p < im->end && *im->p == '"') {
				im->p++;
				import_put(r, '"');
				continue;
			}
			break;
		}
		if (c == '\n')
			im->line++;
		import_put(r, c);
	}
	if (!import_eol(im) && *im->p != ',') {
		import_error(im, r->line, "field %d: text after a closing quote",
		    r->n);
		import_skip_line(im);
		return (-1);
	}
	return (0);
}

/*
 * The next record: 1 read, 0 end of text, -1 malformed (reported, skipped).
 * Blank lines are skipped.
 */
static int
import_record(struct import *im, struct import_record *r)
{
	for (;;) {
		r->n = 0;
		r->len = 0;
		r->line = im->line;
		if (im->p == im->end)
			return (0);
		for (;;) {
			if (r->n == IMPORT_MAX_FIELDS) {
				import_error(im, r->line, "more than %d fields",
				    IMPORT_MAX_FIELDS);
				import_skip_line(im);
				return (-1);
			}
			r->off[r->n++] = r->len;
			if (im->p < im->end && *im->p == '"') {
				im->p++;
				if (import_quoted(im, r) == -1)
					return (-1);
			} else {
				while (!import_eol(im) && *im->p != ',') {
					if (*im->p == '"') {
						import_error(im, r->line,
						    "field %d: quote in an "
						    "unquoted field", r->n);
						import_skip_line(im);
						return (-1);
					}
					import_put(r, *im->p++);
				}
			}
			r->flen[r->n - 1] = r->len - r->off[r->n - 1];
			import_put(r, '\0');
			if (im->p < im->end && *im->p == ',') {
				im->p++;
				continue;
			}
			break;
		}
		if (im->p < im->end && *im->p == '\r')
			im->p++;
		if (im->p < im->end && *im->p == '\n') {
			im->p++;
			im->line++;
		}
		if (r->n > 1 || r->flen[0] > 0)
			return (1);
	}
}

/* A header name without the spaces around it (in place). */
static char *
import_trim(char *s)
{
	size_t	 len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		s[--len] = '\0';
	return (s);
}

/* Map the header's names to columns; 0 or -1 (reported). */
static int
import_header(struct import *im, struct import_record *r)
{
	char		*f;
	size_t		 c;
	int		 i, bad = 0;

	const struct db_import_kind	*k = im->kind;

	for (c = 0; c < IMPORT_NCOLUMNS; c++)
		im->col[c] = -1;
	im->nfields = r->n;
	for (i = 0; i < r->n; i++) {
		f = import_trim(r->buf + r->off[i]);
		for (c = 0; c < k->ncols; c++) {
			if (strcasecmp(f, k->cols[c].name) == 0 ||
			    (strcmp(k->cols[c].name, "level") == 0 &&
			    strcasecmp(f, "response_level") == 0))
				break;
		}
		if (c == k->ncols) {
			import_error(im, r->line, "field %d: unknown column "
			    "%.40s", i + 1, f);
			bad = 1;
		} else if (im->col[c] != -1) {
			import_error(im, r->line, "field %s: column given twice",
			    k->cols[c].name);
			bad = 1;
		} else
			im->col[c] = i;
	}
	for (c = 0; c < k->nrequired; c++) {
		if (im->col[c] == -1) {
			import_error(im, r->line, "no %s column",
			    k->cols[c].name);
			bad = 1;
		}
	}
	return (bad ? -1 : 0);
}

static size_t
import_column_index(const struct db_import_kind *k, const char *field)
{
	size_t	 c;

	for (c = 0; c < k->ncols; c++) {
		if (strcmp(field, k->cols[c].name) == 0)
			break;
	}
	return (c);
}

/* A problem with a field, unless the field was reported already. */
static void
import_check_cb(const char *field, const char *why, void *arg)
{
	db_import_problem(arg, field, why);
}

/* Report a problem with a field of the row (once a field); 1. */
int
db_import_problem(struct import *im, const char *field, const char *why)
{
	size_t		 c = import_column_index(im->kind, field);

	if (c < im->kind->ncols && (im->skip & (1U << c)))
		return (1);
	import_error(im, im->row_line, "field %s: %s", field, why);
	return (1);
}

/* The kind's argument (db_unit_import: the key file). */
const void *
db_import_arg(struct import *im)
{
	return (im->kind->arg);
}

/* The record as the kind's; the number of errors in it (reported). */
static int
import_fields(struct import *im, struct db *db, struct import_record *r,
    void *rec)
{
	const struct db_import_column	*col;
	const char			*f;
	size_t				 c, len;
	int				 before = im->nerrors;

	memset(rec, 0, im->kind->size);
	im->row_line = r->line;
	im->skip = 0;
	if (r->n != im->nfields) {
		import_error(im, r->line, "%d fields, the header has %d", r->n,
		    im->nfields);
		return (1);
	}
	for (c = 0; c < im->kind->ncols; c++) {
		col = &im->kind->cols[c];
		if (im->col[c] == -1)
			continue;
		f = r->buf + r->off[im->col[c]];
		len = r->flen[im->col[c]];
		if (strlen(f) != len) {
			import_error(im, r->line, "field %s: contains a NUL "
			    "byte", col->name);
			im->skip |= 1U << c;
		} else if (len >= col->size) {
			import_error(im, r->line, "field %s: too long (at most "
			    "%zu characters)", col->name, col->size - 1);
			im->skip |= 1U << c;
		} else
			memcpy((char *)rec + col->off, f, len + 1);
	}
	im->kind->check(im, db, rec);
	return (im->nerrors - before);
}

/* A key seen before: in the database, or on an earlier line of the file. */
static int
import_duplicate(struct import *im, struct db *db, const void *rec, int line)
{
	const struct db_import_kind	*kd = im->kind;
	int64_t				 id;
	size_t				 k;

	if ((id = kd->lookup(db, rec)) == -1)
		return (0);
	k = (size_t)(id - im->first_id);
	if (im->first_id != 0 && id >= im->first_id && k < im->nlines)
		import_error(im, line, "field %s: %s is also on line %d",
		    kd->keyname, kd->key(rec), im->lines[k]);
	else
		import_error(im, line, "field %s: %s %s exists", kd->keyname,
		    kd->noun, kd->key(rec));
	return (1);
}

static int
import_insert(struct import *im, struct db *db, const void *rec, int line)
{
	if (im->kind->insert(db, rec) == -1) {
		import_error(im, line, "field %s: %s: %s", im->kind->keyname,
		    im->kind->key(rec), db_errmsg(db));
		return (-1);
	}
	if (im->nlines == 0)
		im->first_id = sqlite3_last_insert_rowid(db_sqlite(db));
	im->lines = xreallocarray(im->lines, im->nlines + 1, sizeof *im->lines);
	im->lines[im->nlines++] = line;
	return (0);
}

/* Report each of a client's problems. */
static int
import_client_check(struct import *im, struct db *db, void *rec)
{
	(void)db;
	return (db_client_check(rec, import_check_cb, im));
}

static int64_t
import_client_lookup(struct db *db, const void *rec)
{
	struct db_client	 old;
	int64_t			 id = -1;

	if (db_client_by_ref(db, ((const struct db_client *)rec)->ref,
	    &old) == 0)
		id = old.id;
	explicit_bzero(&old, sizeof old);
	return (id);
}

static const char *
import_client_key(const void *rec)
{
	return (((const struct db_client *)rec)->ref);
}

static int
import_client_insert(struct db *db, const void *rec)
{
	return (db_client_insert(db, rec));
}

static const struct db_import_kind import_clients = {
	import_client_columns, nitems(import_client_columns), 2,
	sizeof (struct db_client), import_client_check, import_client_lookup,
	import_client_key, import_client_insert, "client", "ref", NULL
};

/*
 * Read every record of the text as kind and insert the good ones, in one
 * transaction kept only if there was no error. 0 and *n, or -1 and *cause.
 */
int
db_import_run(struct db *db, const struct db_import_kind *kind,
    const char *name, const char *buf, size_t len, size_t *n, char **cause)
{
	struct import		 im;
	struct import_record	 r;
	void			*rec;
	char			 detail[32], action[32];
	int			 rc;

	*cause = NULL;
	*n = 0;
	memset(&im, 0, sizeof im);
	memset(&r, 0, sizeof r);
	im.kind = kind;
	im.name = name;
	im.p = buf;
	im.end = buf + len;
	im.line = 1;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		im.p += 3;			/* a UTF-8 byte order mark */
	if (db_begin(db) == -1) {
		xasprintf(cause, "%s: %s", name, db_errmsg(db));
		return (-1);
	}
	rec = xcalloc(1, kind->size);
	if ((rc = import_record(&im, &r)) == 0)
		import_error(&im, 1, "no header line");
	if (rc == 1 && import_header(&im, &r) == 0) {
		while ((rc = import_record(&im, &r)) != 0) {
			if (rc == -1 || import_fields(&im, db, &r, rec) != 0)
				continue;
			if (import_duplicate(&im, db, rec, r.line) ||
			    import_insert(&im, db, rec, r.line) == -1)
				continue;
			(*n)++;
		}
	}
	explicit_bzero(rec, kind->size);
	free(rec);
	if (r.buf != NULL)
		explicit_bzero(r.buf, r.cap);
	free(r.buf);
	free(im.lines);
	if (im.nerrors == 0) {
		snprintf(detail, sizeof detail, "%zu %ss", *n, kind->noun);
		snprintf(action, sizeof action, "%s import", kind->noun);
		if (db_audit(db, db_actor(db), action, name, detail) == 0 &&
		    db_commit(db) == 0)
			return (0);
		xasprintf(&im.errors, "%s: %s", name, db_errmsg(db));
	}
	db_rollback(db);
	*n = 0;
	*cause = im.errors;
	return (-1);
}

/*
 * Import clients from CSV text. All or nothing: 0 and *n imported, or -1
 * and *cause holds every error, one per line. Audited ("client import").
 */
int
db_client_import(struct db *db, const char *name, const char *buf,
    size_t len, size_t *n, char **cause)
{
	return (db_import_run(db, &import_clients, name, buf, len, n, cause));
}
