/*
 * db_people.c -- the people of an alarm: clients (known by their service
 * reference, unit.client), zone labels and ranked responders. Operators
 * are in db_operator.c, the CSV import in db_import.c.
 *
 * Changes made here are audited with db_actor() (the person using arcctl) and never carry
 * personal data in the audit detail (the ref or login names the subject).
 * Empty optional text is stored as NULL and read back as "".
 *
 * Thread: whichever thread owns the struct db passed in (db.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "runtime.h"

#define CLIENT_COLUMNS \
    "c.id, c.ref, c.name, c.born, c.address, c.phone, c.language, " \
    "c.medical, c.access, c.response_level"

static const char client_insert_sql[] =
    "INSERT INTO client (ref, name, born, address, phone, language, "
    "medical, access, response_level) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char client_ref_sql[] =
    "SELECT " CLIENT_COLUMNS " FROM client c WHERE c.ref = ?";
static const char client_unit_sql[] =
    "SELECT " CLIENT_COLUMNS " FROM unit u JOIN client c ON c.ref = u.client "
    "WHERE u.id = ?";
static const char client_all_sql[] =
    "SELECT " CLIENT_COLUMNS " FROM client c ORDER BY c.ref";
static const char client_units_sql[] =
    "SELECT id, protocol, account, client, interval, last_seen FROM unit "
    "WHERE client = ? ORDER BY account, protocol";
static const char client_responders_sql[] =
    "SELECT r.id, cr.rank, r.name, r.phones, r.relation, r.availability, "
    "r.reach FROM client_responder cr JOIN responder r ON r.id = cr.responder_id "
    "WHERE cr.client_id = ? ORDER BY cr.rank";
static const char zone_label_sql[] =
    "SELECT label FROM zone WHERE unit_id = ? AND zone = ?";
static const char zone_all_sql[] =
    "SELECT unit_id, zone, label FROM zone ORDER BY unit_id, zone";
static const char zone_add_sql[] =
    "INSERT INTO zone (unit_id, zone, label) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (unit_id, zone) DO UPDATE SET label = ?3";
static const char unit_find_sql[] =
    "SELECT id FROM unit WHERE account = ? ORDER BY protocol <> 'dc09' "
    "LIMIT 1";
static const char unit_link_sql[] =
    "UPDATE unit SET client = ? WHERE id = ?";
static const char responder_insert_sql[] =
    "INSERT INTO responder (name, phones, relation, availability, reach) "
    "VALUES (?, ?, ?, ?, ?)";
static const char responder_exists_sql[] =
    "SELECT 1 FROM responder WHERE id = ?";
static const char cr_linked_sql[] =
    "SELECT rank FROM client_responder WHERE client_id = ? AND "
    "responder_id = ?";
static const char cr_next_sql[] =
    "SELECT coalesce(max(rank), 0) + 1 FROM client_responder "
    "WHERE client_id = ?";
static const char cr_insert_sql[] =
    "INSERT INTO client_responder (client_id, responder_id, rank) "
    "VALUES (?, ?, ?)";

/* Text, or NULL when empty. */
static void
people_bind(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL || *s == '\0')
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static void
people_text(sqlite3_stmt *st, int i, char *dst, size_t size)
{
	const unsigned char	*s = sqlite3_column_text(st, i);

	snprintf(dst, size, "%s", s != NULL ? (const char *)s : "");
}

#define COL_TEXT(st, i, f)	people_text(st, i, f, sizeof f)

/* One statement with an int64 result (first column); -1 none or error. */
static int64_t
people_scalar(struct db *db, const char *sql, const char *text, int64_t a,
    int64_t b)
{
	sqlite3_stmt	*st;
	int64_t		 v = -1;

	if ((st = db_stmt(db, sql)) == NULL)
		return (-1);
	if (text != NULL)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	else {
		sqlite3_bind_int64(st, 1, a);
		sqlite3_bind_int64(st, 2, b);
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return (v);
}

/* Run one bound statement to completion; the SQLite result code. */
static int
people_step(sqlite3_stmt *st)
{
	int	 rc;

	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return (rc);
}

/* Audit (actor arcctl) and commit; on failure set *cause if unset. */
static int
people_commit(struct db *db, const char *action, const char *subject,
    const char *detail, char **cause)
{
	if (db_audit(db, db_actor(db), action, subject, detail) == -1 ||
	    db_commit(db) == -1) {
		if (*cause == NULL)
			xasprintf(cause, "%s %s: %s", action, subject,
			    db_errmsg(db));
		db_rollback(db);
		return (-1);
	}
	return (0);
}

/* Roll back after *cause was set. */
static int
people_abort(struct db *db)
{
	db_rollback(db);
	return (-1);
}

static int
people_fail(struct db *db, char **cause, const char *what)
{
	if (*cause == NULL)
		xasprintf(cause, "%s: %s", what, db_errmsg(db));
	db_rollback(db);
	return (-1);
}

/* --- clients --- */

static int
people_date(const char *s)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };
	int	 i, y, m, d, leap;

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return (-1);
		} else if (!isdigit((unsigned char)s[i]))
			return (-1);
	}
	if (s[10] != '\0')
		return (-1);
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1850 || m < 1 || m > 12 || d < 1)
		return (-1);
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return (d <= days[m - 1] + (m == 2 && leap) ? 0 : -1);
}

/* Letters, digits and "-_./", 1..31 of them. */
static int
people_ref(const char *s, size_t max)
{
	size_t	 i;

	if (*s == '\0' || strlen(s) > max)
		return (-1);
	for (i = 0; s[i] != '\0'; i++) {
		if (!isalnum((unsigned char)s[i]) && strchr("-_./", s[i]) ==
		    NULL)
			return (-1);
	}
	return (0);
}

/* 0 if text may be stored; else -1, fn(field, why) and *n += 1. */
static int
people_check_text(const char *text, const char *field,
    void (*fn)(const char *, const char *, void *), void *arg, int *n)
{
	char	 why[64];

	if (db_text_check(text, why, sizeof why) == 0)
		return (0);
	fn(field, why, arg);
	(*n)++;
	return (-1);
}

/* A client's problems, one fn(field, why) call each; their number. */
int
db_client_check(const struct db_client *c,
    void (*fn)(const char *, const char *, void *), void *arg)
{
	char	 why[160];
	int	 n = 0;

	if (c->ref[0] == '\0') {
		fn("ref", "missing", arg);
		n++;
	} else if (people_check_text(c->ref, "ref", fn, arg, &n) == 0 &&
	    people_ref(c->ref, sizeof c->ref - 1) == -1) {
		snprintf(why, sizeof why, "not 1-31 letters, digits or -_./: "
		    "%.60s", c->ref);
		fn("ref", why, arg);
		n++;
	}
	if (c->name[0] == '\0') {
		fn("name", "missing", arg);
		n++;
	} else
		people_check_text(c->name, "name", fn, arg, &n);
	if (c->born[0] != '\0' && people_check_text(c->born, "born", fn, arg,
	    &n) == 0 && people_date(c->born) == -1) {
		snprintf(why, sizeof why, "not a date YYYY-MM-DD: %s", c->born);
		fn("born", why, arg);
		n++;
	}
	people_check_text(c->address, "address", fn, arg, &n);
	people_check_text(c->phone, "phone", fn, arg, &n);
	people_check_text(c->language, "language", fn, arg, &n);
	people_check_text(c->medical, "medical", fn, arg, &n);
	people_check_text(c->access, "access", fn, arg, &n);
	if (c->level[0] != '\0' && people_check_text(c->level, "level", fn, arg,
	    &n) == 0 && (c->level[0] != 'L' || c->level[1] < '1' ||
	    c->level[1] > '4' || c->level[2] != '\0')) {
		snprintf(why, sizeof why, "not L1, L2, L3 or L4: %s", c->level);
		fn("level", why, arg);
		n++;
	}
	return (n);
}

/* Insert a checked client (no audit, no transaction). 0 or -1. */
int
db_client_insert(struct db *db, const struct db_client *c)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, client_insert_sql)) == NULL)
		return (-1);
	sqlite3_bind_text(st, 1, c->ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->name, -1, SQLITE_STATIC);
	people_bind(st, 3, c->born);
	people_bind(st, 4, c->address);
	people_bind(st, 5, c->phone);
	people_bind(st, 6, c->language);
	people_bind(st, 7, c->medical);
	people_bind(st, 8, c->access);
	sqlite3_bind_text(st, 9, c->level[0] != '\0' ? c->level : "L1", -1,
	    SQLITE_STATIC);
	return (people_step(st) == SQLITE_DONE ? 0 : -1);
}

static void
people_first(const char *field, const char *why, void *arg)
{
	char	**cause = arg;

	if (*cause == NULL)
		xasprintf(cause, "field %s: %s", field, why);
}

/* Validated, inserted and audited (actor db_actor()); 0 or -1 and *cause. */
int
db_client_add(struct db *db, const struct db_client *c, char **cause)
{
	*cause = NULL;
	if (db_client_check(c, people_first, cause) != 0)
		return (-1);
	if (db_begin(db) == -1)
		return (people_fail(db, cause, "client add"));
	if (people_scalar(db, client_ref_sql, c->ref, 0, 0) != -1) {
		xasprintf(cause, "client %s exists", c->ref);
		return (people_abort(db));
	}
	if (db_client_insert(db, c) == -1)
		return (people_fail(db, cause, "client add"));
	return (people_commit(db, "client add", c->ref, "", cause));
}

static void
people_client_row(sqlite3_stmt *st, struct db_client *c)
{
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	COL_TEXT(st, 1, c->ref);
	COL_TEXT(st, 2, c->name);
	COL_TEXT(st, 3, c->born);
	COL_TEXT(st, 4, c->address);
	COL_TEXT(st, 5, c->phone);
	COL_TEXT(st, 6, c->language);
	COL_TEXT(st, 7, c->medical);
	COL_TEXT(st, 8, c->access);
	COL_TEXT(st, 9, c->level);
}

static int
people_client_one(sqlite3_stmt *st, struct db_client *c)
{
	int	 rc;

	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		people_client_row(st, c);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return (rc == SQLITE_ROW ? 0 : -1);
}

/* 0 found, -1 not found or error. */
int
db_client_by_ref(struct db *db, const char *ref, struct db_client *c)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, client_ref_sql)) == NULL)
		return (-1);
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	return (people_client_one(st, c));
}

/* The client of a unit (unit.client = client.ref), if linked. */
int
db_client_by_unit(struct db *db, int64_t unit_id, struct db_client *c)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, client_unit_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, unit_id);
	return (people_client_one(st, c));
}

/* Every client, ordered by ref; stops early if fn != 0. */
int
db_client_foreach(struct db *db, int (*fn)(const struct db_client *, void *),
    void *arg)
{
	sqlite3_stmt		*st;
	struct db_client	*c;
	int			 rc = SQLITE_DONE, stop = 0;

	if ((st = db_stmt(db, client_all_sql)) == NULL)
		return (-1);
	c = xmalloc(sizeof *c);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		people_client_row(st, c);
		stop = fn(c, arg);
	}
	sqlite3_reset(st);
	explicit_bzero(c, sizeof *c);
	free(c);
	return (stop || rc == SQLITE_DONE ? 0 : -1);
}

/* The units whose unit.client is ref, ordered by account (no keys). */
int
db_client_units(struct db *db, const char *ref,
    int (*fn)(const struct db_unit *, void *), void *arg)
{
	sqlite3_stmt	*st;
	struct db_unit	 u;
	int		 rc = SQLITE_DONE, stop = 0;

	if ((st = db_stmt(db, client_units_sql)) == NULL)
		return (-1);
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&u, 0, sizeof u);
		u.id = sqlite3_column_int64(st, 0);
		COL_TEXT(st, 1, u.protocol);
		COL_TEXT(st, 2, u.account);
		COL_TEXT(st, 3, u.client);
		u.interval = sqlite3_column_int(st, 4);
		u.last_seen = sqlite3_column_int64(st, 5);
		stop = fn(&u, arg);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return (stop || rc == SQLITE_DONE ? 0 : -1);
}

/* A client's responders by rank. */
int
db_client_responders(struct db *db, int64_t client_id,
    int (*fn)(const struct db_responder *, void *), void *arg)
{
	sqlite3_stmt		*st;
	struct db_responder	 r;
	int			 rc = SQLITE_DONE, stop = 0;

	if ((st = db_stmt(db, client_responders_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, client_id);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		r.id = sqlite3_column_int64(st, 0);
		r.rank = sqlite3_column_int(st, 1);
		COL_TEXT(st, 2, r.name);
		COL_TEXT(st, 3, r.phones);
		COL_TEXT(st, 4, r.relation);
		COL_TEXT(st, 5, r.availability);
		COL_TEXT(st, 6, r.reach);
		stop = fn(&r, arg);
	}
	sqlite3_reset(st);
	return (stop || rc == SQLITE_DONE ? 0 : -1);
}

/* --- units and zones --- */

/* The id of the dc09 unit ACCOUNT (any case); -1 and *cause if none. */
static int64_t
people_unit(struct db *db, const char *account, char **cause)
{
	char	 acct[17];
	size_t	 i, len = strlen(account);
	int64_t	 id;

	if (len == 0 || len >= sizeof acct) {
		xasprintf(cause, "no unit %.20s", account);
		return (-1);
	}
	for (i = 0; i <= len; i++)
		acct[i] = toupper((unsigned char)account[i]);
	if ((id = people_scalar(db, unit_find_sql, acct, 0, 0)) == -1)
		xasprintf(cause, "no unit %s", acct);
	return (id);
}

/* Set unit.client of the dc09 unit ACCOUNT to an existing client ref. */
int
db_unit_link(struct db *db, const char *account, const char *ref,
    char **cause)
{
	sqlite3_stmt	*st;
	int64_t		 id;
	char		 detail[64];

	*cause = NULL;
	if (db_begin(db) == -1)
		return (people_fail(db, cause, "unit link"));
	if ((id = people_unit(db, account, cause)) == -1)
		return (people_abort(db));
	if (people_scalar(db, client_ref_sql, ref, 0, 0) == -1) {
		xasprintf(cause, "no client %.40s", ref);
		return (people_abort(db));
	}
	if ((st = db_stmt(db, unit_link_sql)) == NULL)
		return (people_fail(db, cause, "unit link"));
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	if (people_step(st) != SQLITE_DONE)
		return (people_fail(db, cause, "unit link"));
	snprintf(detail, sizeof detail, "client=%s", ref);
	return (people_commit(db, "unit link", account, detail, cause));
}

/* The label of a unit's zone ("pendant"); "" and 0 if none, -1 error. */
int
db_zone_label(struct db *db, int64_t unit_id, const char *zone, char *buf,
    size_t size)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (size > 0)
		*buf = '\0';
	if ((st = db_stmt(db, zone_label_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, unit_id);
	sqlite3_bind_text(st, 2, zone, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		people_text(st, 0, buf, size);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return (rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1);
}

int
db_zone_foreach(struct db *db, int (*fn)(int64_t, const char *, const char *,
    void *), void *arg)
{
	sqlite3_stmt	*st;
	int		 rc = SQLITE_DONE, stop = 0;

	if ((st = db_stmt(db, zone_all_sql)) == NULL)
		return (-1);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = fn(sqlite3_column_int64(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2), arg);
	sqlite3_reset(st);
	return (stop || rc == SQLITE_DONE ? 0 : -1);
}

/* Add or relabel zone of the dc09 unit ACCOUNT (relabel only: edit). */
static int
people_zone(struct db *db, const char *account, const char *zone,
    const char *label, int edit, char **cause)
{
	const char	*action = edit ? "zone edit" : "zone add";
	sqlite3_stmt	*st;
	int64_t		 id;
	char		 detail[32], why[64], had[64];

	*cause = NULL;
	if (db_text_check(zone, why, sizeof why) == -1) {
		xasprintf(cause, "zone: %s", why);
		return (-1);
	}
	if (db_text_check(label, why, sizeof why) == -1) {
		xasprintf(cause, "zone %s: label: %s", zone, why);
		return (-1);
	}
	if (*zone == '\0' || strlen(zone) > 7) {
		xasprintf(cause, "zone %.20s: not 1-7 characters", zone);
		return (-1);
	}
	if (*label == '\0' || strlen(label) > 63) {
		xasprintf(cause, "zone %s: label not 1-63 characters", zone);
		return (-1);
	}
	if (db_begin(db) == -1)
		return (people_fail(db, cause, action));
	if ((id = people_unit(db, account, cause)) == -1)
		return (people_abort(db));
	if (edit && (db_zone_label(db, id, zone, had, sizeof had) == -1 ||
	    had[0] == '\0')) {
		xasprintf(cause, "unit %s has no zone %s", account, zone);
		return (people_abort(db));
	}
	if ((st = db_stmt(db, zone_add_sql)) == NULL)
		return (people_fail(db, cause, action));
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, zone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, label, -1, SQLITE_STATIC);
	if (people_step(st) != SQLITE_DONE)
		return (people_fail(db, cause, action));
	snprintf(detail, sizeof detail, "zone=%s", zone);
	return (people_commit(db, action, account, detail, cause));
}

int
db_zone_add(struct db *db, const char *account, const char *zone,
    const char *label, char **cause)
{
	return (people_zone(db, account, zone, label, 0, cause));
}

int
db_zone_edit(struct db *db, const char *account, const char *zone,
    const char *label, char **cause)
{
	return (people_zone(db, account, zone, label, 1, cause));
}



/* --- responders --- */

/* A responder's text; 0, or -1 and *cause naming the field. */
static int
people_responder_text(const struct db_responder *r, char **cause)
{
	const struct {
		const char	*field;
		const char	*text;
	} f[] = {
		{ "name", r->name },
		{ "phones", r->phones },
		{ "relation", r->relation },
		{ "availability", r->availability },
	};
	char	 why[64];
	size_t	 i;

	for (i = 0; i < nitems(f); i++) {
		if (db_text_check(f[i].text, why, sizeof why) == -1) {
			xasprintf(cause, "responder add: field %s: %s",
			    f[i].field, why);
			return (-1);
		}
	}
	return (0);
}

/* Insert a responder (rank ignored); *id = its id. */
int
db_responder_add(struct db *db, const struct db_responder *r, int64_t *id,
    char **cause)
{
	sqlite3_stmt	*st;
	char		 subject[40];

	*cause = NULL;
	*id = 0;
	if (r->name[0] == '\0' || r->phones[0] == '\0') {
		xasprintf(cause, "responder add: %s missing",
		    r->name[0] == '\0' ? "name" : "phones");
		return (-1);
	}
	if (people_responder_text(r, cause) == -1)
		return (-1);
	if (r->reach[0] != '\0' && strcmp(r->reach, "mqtt") != 0 &&
	    strcmp(r->reach, "command") != 0) {
		xasprintf(cause, "responder add: reach %s: mqtt or command",
		    r->reach);
		return (-1);
	}
	if (db_begin(db) == -1 ||
	    (st = db_stmt(db, responder_insert_sql)) == NULL)
		return (people_fail(db, cause, "responder add"));
	sqlite3_bind_text(st, 1, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->phones, -1, SQLITE_STATIC);
	people_bind(st, 3, r->relation);
	people_bind(st, 4, r->availability);
	sqlite3_bind_text(st, 5, r->reach[0] != '\0' ? r->reach : "mqtt", -1,
	    SQLITE_STATIC);
	if (people_step(st) != SQLITE_DONE)
		return (people_fail(db, cause, "responder add"));
	*id = sqlite3_last_insert_rowid(db_sqlite(db));
	snprintf(subject, sizeof subject, "responder %lld", (long long)*id);
	return (people_commit(db, "responder add", subject, "", cause));
}

/* Link a responder to a client at rank (0 = next free); *rankp = rank. */
int
db_client_link_responder(struct db *db, const char *ref,
    int64_t responder_id, int rank, int *rankp, char **cause)
{
	sqlite3_stmt	*st;
	int64_t		 cid, had;
	char		 detail[64];
	int		 rc;

	*cause = NULL;
	*rankp = 0;
	if (rank < 0 || rank > 99) {
		xasprintf(cause, "rank %d: not 1-99", rank);
		return (-1);
	}
	if (db_begin(db) == -1)
		return (people_fail(db, cause, "client link-responder"));
	if ((cid = people_scalar(db, client_ref_sql, ref, 0, 0)) == -1) {
		xasprintf(cause, "no client %.40s", ref);
		return (people_abort(db));
	}
	if (people_scalar(db, responder_exists_sql, NULL, responder_id,
	    0) == -1) {
		xasprintf(cause, "no responder %lld", (long long)responder_id);
		return (people_abort(db));
	}
	if ((had = people_scalar(db, cr_linked_sql, NULL, cid,
	    responder_id)) != -1) {
		xasprintf(cause, "responder %lld is already rank %lld of %s",
		    (long long)responder_id, (long long)had, ref);
		return (people_abort(db));
	}
	if (rank == 0 && (rank = (int)people_scalar(db, cr_next_sql, NULL,
	    cid, 0)) <= 0)
		return (people_fail(db, cause, "client link-responder"));
	if ((st = db_stmt(db, cr_insert_sql)) == NULL)
		return (people_fail(db, cause, "client link-responder"));
	sqlite3_bind_int64(st, 1, cid);
	sqlite3_bind_int64(st, 2, responder_id);
	sqlite3_bind_int(st, 3, rank);
	if ((rc = people_step(st)) == SQLITE_CONSTRAINT_UNIQUE) {
		xasprintf(cause, "rank %d of %s is taken", rank, ref);
		return (people_abort(db));
	}
	if (rc != SQLITE_DONE)
		return (people_fail(db, cause, "client link-responder"));
	*rankp = rank;
	snprintf(detail, sizeof detail, "responder=%lld rank=%d",
	    (long long)responder_id, rank);
	return (people_commit(db, "client link-responder", ref, detail, cause));
}
