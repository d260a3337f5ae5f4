/*
 * db_edit.c -- arcctl's edits and deletes of what it adds: units (their
 * key, client, interval), zones, clients, responders and their links.
 * Operators are edited in db_operator.c.
 *
 * Each change is one transaction, audited with db_actor() (the person
 * using arcctl) and the names of what changed, never personal data. A
 * delete that takes other rows with it says which (*what, caller frees);
 * a client with units or open alarms, a unit with open alarms and a
 * responder linked to clients are deleted only with force. Alarms are
 * arcd's (it is their only writer): an open alarm of a deleted unit stays
 * open for an operator to close.
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
#include "proto.h"

#define EDIT_LIST_MAX	20	/* accounts named in a message */

static const char unit_find_sql[] =
    "SELECT id FROM unit WHERE account = ? ORDER BY protocol <> 'dc09' "
    "LIMIT 1";
static const char unit_get_sql[] =
    "SELECT client, interval, key FROM unit WHERE id = ?";
static const char unit_update_sql[] =
    "UPDATE unit SET key = ?, client = ?, interval = ? WHERE id = ?";
static const char unit_delete_sql[] =
    "DELETE FROM unit WHERE id = ?";
static const char unit_alarms_sql[] =
    "SELECT count(*) FROM alarm WHERE unit_id = ? AND state != 'closed'";
static const char unit_zones_sql[] =
    "SELECT count(*) FROM zone WHERE unit_id = ?";
static const char client_exists_sql[] =
    "SELECT id FROM client WHERE ref = ?";
static const char client_units_sql[] =
    "SELECT id, account FROM unit WHERE client = ? ORDER BY account";
static const char client_alarms_sql[] =
    "SELECT count(*) FROM alarm a JOIN unit u ON u.id = a.unit_id "
    "WHERE u.client = ? AND a.state != 'closed'";
static const char client_zones_sql[] =
    "SELECT count(*) FROM zone z JOIN unit u ON u.id = z.unit_id "
    "WHERE u.client = ?";
static const char client_links_sql[] =
    "SELECT count(*) FROM client_responder cr JOIN client c ON "
    "c.id = cr.client_id WHERE c.ref = ?";
static const char client_units_delete_sql[] =
    "DELETE FROM unit WHERE client = ?";
static const char client_update_sql[] =
    "UPDATE client SET name = ?, born = ?, address = ?, phone = ?, "
    "language = ?, medical = ?, access = ?, response_level = ? "
    "WHERE ref = ?";
static const char client_delete_sql[] =
    "DELETE FROM client WHERE ref = ?";
static const char zone_delete_sql[] =
    "DELETE FROM zone WHERE unit_id = ? AND zone = ?";
static const char responder_get_sql[] =
    "SELECT id, name, phones, relation, availability, reach FROM "
    "responder WHERE id = ?";
static const char responder_update_sql[] =
    "UPDATE responder SET name = ?, phones = ?, relation = ?, "
    "availability = ?, reach = ? WHERE id = ?";
static const char responder_delete_sql[] =
    "DELETE FROM responder WHERE id = ?";
static const char responder_links_sql[] =
    "SELECT c.ref FROM client_responder cr JOIN client c ON "
    "c.id = cr.client_id WHERE cr.responder_id = ? ORDER BY c.ref";
static const char unlink_sql[] =
    "DELETE FROM client_responder WHERE responder_id = ?2 AND client_id = "
    "(SELECT id FROM client WHERE ref = ?1)";

/* Append src to the string in buf, cut to fit. */
static void
edit_cat(char *buf, const char *src, size_t size)
{
	size_t	 len = strlen(buf);

	if (len < size)
		snprintf(buf + len, size - len, "%s", src);
}

/* Text, or NULL when empty. */
static void
edit_bind(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL || *s == '\0')
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static int
edit_step(sqlite3_stmt *st)
{
	int	 rc;

	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return (rc);
}

/* The first column of sql's row (text or id bound); -1 none or error. */
static int64_t
edit_scalar(struct db *db, const char *sql, const char *text, int64_t id)
{
	sqlite3_stmt	*st;
	int64_t		 v = -1;

	if ((st = db_stmt(db, sql)) == NULL)
		return (-1);
	if (text != NULL)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return (v);
}

/* One bound statement by text or id (then text2 as ?2); SQLite's code. */
static int
edit_run(struct db *db, const char *sql, const char *text, int64_t id)
{
	sqlite3_stmt	*st;

	if ((st = db_stmt(db, sql)) == NULL)
		return (SQLITE_ERROR);
	if (text != NULL)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	return (edit_step(st));
}

static int
edit_fail(struct db *db, char **cause, const char *what)
{
	if (*cause == NULL)
		xasprintf(cause, "%s: %s", what, db_errmsg(db));
	db_rollback(db);
	return (-1);
}

static int
edit_abort(struct db *db)
{
	db_rollback(db);
	return (-1);
}

/* Audit and commit (a dry run rolls back here). */
static int
edit_commit(struct db *db, const char *action, const char *subject,
    const char *detail, char **cause)
{
	if (db_audit(db, db_actor(db), action, subject, detail) == -1 ||
	    db_commit(db) == -1)
		return (edit_fail(db, cause, action));
	return (0);
}

/* The id of the dc09 unit ACCOUNT (any case), its account upper case. */
static int64_t
edit_unit(struct db *db, const char *account, char acct[17], char **cause)
{
	size_t	 i, len = strlen(account);
	int64_t	 id = -1;

	if (len >= 3 && len <= 16) {
		for (i = 0; i <= len; i++)
			acct[i] = toupper((unsigned char)account[i]);
		id = edit_scalar(db, unit_find_sql, acct, 0);
	}
	if (id == -1)
		xasprintf(cause, "no unit %.20s", account);
	return (id);
}

/* "s" unless one. */
static const char *
edit_s(int64_t n)
{
	return (n == 1 ? "" : "s");
}

/* --- units --- */

static int
edit_unit_key(const struct db_unit *u, const char *acct,
    const struct db_keyfile *kf, char *sealed, size_t size, char **cause)
{
	struct dc09_key	 k;
	int		 rc;

	sealed[0] = '\0';
	if (u->key[0] == '\0')
		return (0);
	if (strncmp(u->key, "ascii:", 6) != 0 && strncmp(u->key, "hex:", 4))
		rc = -1;
	else
		rc = dc09_key_parse(u->key, &k);
	explicit_bzero(&k, sizeof k);
	if (rc != 0) {
		xasprintf(cause, "unit %s: key is not ascii: or hex: with 16, "
		    "24 or 32 bytes", acct);
		return (-1);
	}
	if (kf == NULL || db_keyfile_seal(kf, "dc09", acct, u->key, sealed,
	    size) == -1) {
		xasprintf(cause, "unit %s: cannot seal its key", acct);
		return (-1);
	}
	return (0);
}

/* The fields of set (DB_UNIT_SET_*) from u; the rest stay. */
static int
edit_unit_apply(struct db *db, int64_t id, const char *acct,
    const struct db_unit *u, int set, const char *sealed, char **cause)
{
	sqlite3_stmt	*st;
	char		 client[sizeof u->client], key[sizeof u->key];
	int		 interval, rc;

	if ((st = db_stmt(db, unit_get_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(client, sizeof client, "%s",
		    sqlite3_column_type(st, 0) == SQLITE_NULL ? "" :
		    (const char *)sqlite3_column_text(st, 0));
		interval = sqlite3_column_int(st, 1);
		snprintf(key, sizeof key, "%s",
		    sqlite3_column_type(st, 2) == SQLITE_NULL ? "" :
		    (const char *)sqlite3_column_text(st, 2));
	}
	edit_step(st);
	if (rc != SQLITE_ROW)
		return (-1);
	if (set & DB_UNIT_SET_KEY)
		snprintf(key, sizeof key, "%s", sealed);
	if (set & DB_UNIT_SET_CLIENT)
		snprintf(client, sizeof client, "%s", u->client);
	if (set & DB_UNIT_SET_INTERVAL)
		interval = u->interval;
	if (client[0] != '\0' && edit_scalar(db, client_exists_sql, client,
	    0) == -1) {
		xasprintf(cause, "unit %s: no client %.40s", acct, client);
		explicit_bzero(key, sizeof key);
		return (-1);
	}
	if ((st = db_stmt(db, unit_update_sql)) == NULL)
		rc = SQLITE_ERROR;
	else {
		edit_bind(st, 1, key);
		edit_bind(st, 2, client);
		sqlite3_bind_int(st, 3, interval);
		sqlite3_bind_int64(st, 4, id);
		rc = edit_step(st);
	}
	explicit_bzero(key, sizeof key);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* "key=new client=C-1 interval=60": what was set (never the key). */
static void
edit_unit_detail(const struct db_unit *u, int set, char *buf, size_t size)
{
	size_t	 len;

	buf[0] = '\0';
	if (set & DB_UNIT_SET_KEY)
		edit_cat(buf, u->key[0] != '\0' ? " key=new" : " key=none",
		    size);
	len = strlen(buf);
	if (set & DB_UNIT_SET_CLIENT)
		snprintf(buf + len, size - len, " client=%s",
		    u->client[0] != '\0' ? u->client : "-");
	len = strlen(buf);
	if (set & DB_UNIT_SET_INTERVAL)
		snprintf(buf + len, size - len, " interval=%d", u->interval);
	if (buf[0] == ' ')
		memmove(buf, buf + 1, strlen(buf));
}

/*
 * Change the fields of set (DB_UNIT_SET_*) of the dc09 unit u->account: a
 * key given as "ascii:"/"hex:" is sealed with kf ("" removes the key),
 * client "" unlinks it. 0, or -1 and *cause.
 */
int
db_unit_edit(struct db *db, const struct db_unit *u, int set,
    const struct db_keyfile *kf, char **cause)
{
	char		 acct[17], sealed[sizeof u->key], detail[128];
	int64_t		 id;
	int		 rc;

	*cause = NULL;
	if ((set & DB_UNIT_SET_INTERVAL) && u->interval != 0 &&
	    (u->interval < 20 || u->interval > 90000)) {
		xasprintf(cause, "unit %s: interval %d: not 0 or 20..90000 "
		    "seconds", u->account, u->interval);
		return (-1);
	}
	/* The old key's bytes are overwritten, not left in free pages. */
	if (db_exec(db, "PRAGMA secure_delete = ON") == -1 ||
	    db_begin(db) == -1)
		return (edit_fail(db, cause, "unit edit"));
	if ((id = edit_unit(db, u->account, acct, cause)) == -1)
		return (edit_abort(db));
	if ((set & DB_UNIT_SET_KEY) && edit_unit_key(u, acct, kf, sealed,
	    sizeof sealed, cause) == -1)
		return (edit_abort(db));
	rc = edit_unit_apply(db, id, acct, u, set, sealed, cause);
	explicit_bzero(sealed, sizeof sealed);
	if (rc == -1)
		return (edit_fail(db, cause, "unit edit"));
	edit_unit_detail(u, set, detail, sizeof detail);
	return (edit_commit(db, "unit edit", acct, detail, cause));
}

/*
 * Delete the dc09 unit ACCOUNT and its zones (its events stay, the
 * record). With open alarms only if force. *what says what went with it.
 */
int
db_unit_delete(struct db *db, const char *account, int force, char **what,
    char **cause)
{
	char		 acct[17], detail[64];
	int64_t		 id, zones, alarms;

	*cause = *what = NULL;
	if (db_begin(db) == -1)
		return (edit_fail(db, cause, "unit delete"));
	if ((id = edit_unit(db, account, acct, cause)) == -1)
		return (edit_abort(db));
	zones = edit_scalar(db, unit_zones_sql, NULL, id);
	alarms = edit_scalar(db, unit_alarms_sql, NULL, id);
	if (zones < 0 || alarms < 0)
		return (edit_fail(db, cause, "unit delete"));
	if (alarms > 0 && !force) {
		xasprintf(cause, "unit %s has %lld open alarm%s: --force "
		    "deletes it all the same (the alarm%s stay%s open for an "
		    "operator to close)", acct, (long long)alarms,
		    edit_s(alarms), edit_s(alarms), alarms == 1 ? "s" : "");
		return (edit_abort(db));
	}
	if (edit_run(db, unit_delete_sql, NULL, id) != SQLITE_DONE)
		return (edit_fail(db, cause, "unit delete"));
	xasprintf(what, "%lld zone%s; %lld open alarm%s left to arcd",
	    (long long)zones, edit_s(zones), (long long)alarms, edit_s(alarms));
	snprintf(detail, sizeof detail, "zones=%lld open_alarms=%lld",
	    (long long)zones, (long long)alarms);
	if (edit_commit(db, "unit delete", acct, detail, cause) == -1) {
		free(*what);
		*what = NULL;
		return (-1);
	}
	return (0);
}

/* Delete a unit's zone label. 0, or -1 and *cause. */
int
db_zone_delete(struct db *db, const char *account, const char *zone,
    char **cause)
{
	sqlite3_stmt	*st;
	char		 acct[17], detail[32];
	int64_t		 id;

	*cause = NULL;
	if (db_begin(db) == -1)
		return (edit_fail(db, cause, "zone delete"));
	if ((id = edit_unit(db, account, acct, cause)) == -1)
		return (edit_abort(db));
	if ((st = db_stmt(db, zone_delete_sql)) == NULL)
		return (edit_fail(db, cause, "zone delete"));
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, zone, -1, SQLITE_STATIC);
	if (edit_step(st) != SQLITE_DONE)
		return (edit_fail(db, cause, "zone delete"));
	if (sqlite3_changes(db_sqlite(db)) == 0) {
		xasprintf(cause, "unit %s has no zone %.20s", acct, zone);
		return (edit_abort(db));
	}
	snprintf(detail, sizeof detail, "zone=%.20s", zone);
	return (edit_commit(db, "zone delete", acct, detail, cause));
}

/* --- clients --- */

static void
edit_first(const char *field, const char *why, void *arg)
{
	char	**cause = arg;

	if (*cause == NULL)
		xasprintf(cause, "field %s: %s", field, why);
}

/* "name,phone": the fields that differ (names only: no personal data). */
static void
edit_client_diff(const struct db_client *a, const struct db_client *b,
    char *buf, size_t size)
{
	const struct {
		const char	*name;
		const char	*x, *y;
	} f[] = {
		{ "name", a->name, b->name }, { "born", a->born, b->born },
		{ "address", a->address, b->address },
		{ "phone", a->phone, b->phone },
		{ "language", a->language, b->language },
		{ "medical", a->medical, b->medical },
		{ "access", a->access, b->access },
		{ "level", a->level, b->level },
	};
	size_t	 i;

	snprintf(buf, size, "fields=");
	for (i = 0; i < nitems(f); i++) {
		if (strcmp(f[i].x, f[i].y) == 0)
			continue;
		if (buf[strlen(buf) - 1] != '=')
			edit_cat(buf, ",", size);
		edit_cat(buf, f[i].name, size);
	}
	if (buf[strlen(buf) - 1] == '=')
		edit_cat(buf, "none", size);
}

/* Store c (found by c->ref) as it is now given: validated, audited. */
int
db_client_update(struct db *db, const struct db_client *c, char **cause)
{
	struct db_client	 old;
	sqlite3_stmt		*st;
	char			 detail[128];
	int			 rc;

	*cause = NULL;
	if (db_client_check(c, edit_first, cause) != 0)
		return (-1);
	if (db_begin(db) == -1)
		return (edit_fail(db, cause, "client edit"));
	if (db_client_by_ref(db, c->ref, &old) == -1) {
		xasprintf(cause, "no client %.40s", c->ref);
		return (edit_abort(db));
	}
	edit_client_diff(&old, c, detail, sizeof detail);
	explicit_bzero(&old, sizeof old);
	if ((st = db_stmt(db, client_update_sql)) == NULL)
		return (edit_fail(db, cause, "client edit"));
	sqlite3_bind_text(st, 1, c->name, -1, SQLITE_STATIC);
	edit_bind(st, 2, c->born);
	edit_bind(st, 3, c->address);
	edit_bind(st, 4, c->phone);
	edit_bind(st, 5, c->language);
	edit_bind(st, 6, c->medical);
	edit_bind(st, 7, c->access);
	sqlite3_bind_text(st, 8, c->level[0] != '\0' ? c->level : "L1", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 9, c->ref, -1, SQLITE_STATIC);
	if ((rc = edit_step(st)) != SQLITE_DONE)
		return (edit_fail(db, cause, "client edit"));
	return (edit_commit(db, "client edit", c->ref, detail, cause));
}

/* "1234, 5678" (at most EDIT_LIST_MAX, then "and N more"); their number. */
static int64_t
edit_client_units(struct db *db, const char *ref, char *buf, size_t size)
{
	sqlite3_stmt	*st;
	int64_t		 n = 0;
	int		 rc;

	buf[0] = '\0';
	if ((st = db_stmt(db, client_units_sql)) == NULL)
		return (-1);
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n < EDIT_LIST_MAX) {
			if (n > 0)
				edit_cat(buf, ", ", size);
			edit_cat(buf, (const char *)sqlite3_column_text(st, 1),
			    size);
		}
		n++;
	}
	edit_step(st);
	if (rc != SQLITE_DONE)
		return (-1);
	if (n > EDIT_LIST_MAX)
		snprintf(buf + strlen(buf), size - strlen(buf),
		    " and %lld more", (long long)(n - EDIT_LIST_MAX));
	return (n);
}

struct edit_client_gone {
	int64_t		 units, zones, alarms, links;
	char		 accounts[EDIT_LIST_MAX * 18 + 32];
};

/* "2 units (1234, 5678) with 3 zones, 2 responder links, 1 open alarm" */
static void
edit_client_what(const struct edit_client_gone *g, char **what)
{
	xasprintf(what, "%lld unit%s%s%s%s with %lld zone%s, %lld responder "
	    "link%s, %lld open alarm%s", (long long)g->units, edit_s(g->units),
	    g->units ? " (" : "", g->accounts, g->units ? ")" : "",
	    (long long)g->zones, edit_s(g->zones), (long long)g->links,
	    edit_s(g->links), (long long)g->alarms, edit_s(g->alarms));
}

/*
 * Delete client ref and its responder links; with units or open alarms
 * only if force, and then its units and their zones too (alarms stay
 * arcd's). *what says what went with it.
 */
int
db_client_delete(struct db *db, const char *ref, int force, char **what,
    char **cause)
{
	struct edit_client_gone	 g;
	char			 detail[96];

	*cause = *what = NULL;
	memset(&g, 0, sizeof g);
	if (db_begin(db) == -1)
		return (edit_fail(db, cause, "client delete"));
	if (edit_scalar(db, client_exists_sql, ref, 0) == -1) {
		xasprintf(cause, "no client %.40s", ref);
		return (edit_abort(db));
	}
	g.units = edit_client_units(db, ref, g.accounts, sizeof g.accounts);
	g.zones = edit_scalar(db, client_zones_sql, ref, 0);
	g.alarms = edit_scalar(db, client_alarms_sql, ref, 0);
	g.links = edit_scalar(db, client_links_sql, ref, 0);
	if (g.units < 0 || g.zones < 0 || g.alarms < 0 || g.links < 0)
		return (edit_fail(db, cause, "client delete"));
	edit_client_what(&g, what);
	if ((g.units > 0 || g.alarms > 0) && !force) {
		xasprintf(cause, "client %s has %s: --force deletes it with "
		    "its units, their zones and its responder links (open "
		    "alarms stay for an operator to close)", ref, *what);
		free(*what);
		*what = NULL;
		return (edit_abort(db));
	}
	if (edit_run(db, client_units_delete_sql, ref, 0) != SQLITE_DONE ||
	    edit_run(db, client_delete_sql, ref, 0) != SQLITE_DONE)
		goto fail;
	snprintf(detail, sizeof detail, "units=%lld zones=%lld "
	    "responder_links=%lld open_alarms=%lld", (long long)g.units,
	    (long long)g.zones, (long long)g.links, (long long)g.alarms);
	if (edit_commit(db, "client delete", ref, detail, cause) == 0)
		return (0);
fail:
	free(*what);
	*what = NULL;
	return (edit_fail(db, cause, "client delete"));
}

/* --- responders --- */

/* 0 found, -1 not found or error. */
int
db_responder_get(struct db *db, int64_t id, struct db_responder *r)
{
	sqlite3_stmt	*st;
	int		 rc, i;
	struct {
		char	*dst;
		size_t	 size;
	} f[] = {
		{ r->name, sizeof r->name }, { r->phones, sizeof r->phones },
		{ r->relation, sizeof r->relation },
		{ r->availability, sizeof r->availability },
		{ r->reach, sizeof r->reach },
	};
	const unsigned char	*s;

	if ((st = db_stmt(db, responder_get_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(r, 0, sizeof *r);
		r->id = sqlite3_column_int64(st, 0);
		for (i = 0; i < 5; i++) {
			s = sqlite3_column_text(st, 1 + i);
			snprintf(f[i].dst, f[i].size, "%s", s != NULL ?
			    (const char *)s : "");
		}
	}
	edit_step(st);
	return (rc == SQLITE_ROW ? 0 : -1);
}

/* Store responder r->id as given: name and phones required. */
int
db_responder_update(struct db *db, const struct db_responder *r,
    char **cause)
{
	sqlite3_stmt	*st;
	const char	*text[] = { r->name, r->phones, r->relation,
	    r->availability };
	char		 subject[40], why[64];
	int		 i;

	*cause = NULL;
	if (r->name[0] == '\0' || r->phones[0] == '\0') {
		xasprintf(cause, "responder %lld: %s missing", (long long)r->id,
		    r->name[0] == '\0' ? "name" : "phones");
		return (-1);
	}
	for (i = 0; i < 4; i++) {
		if (db_text_check(text[i], why, sizeof why) == -1) {
			xasprintf(cause, "responder %lld: %s", (long long)r->id,
			    why);
			return (-1);
		}
	}
	if (r->reach[0] != '\0' && strcmp(r->reach, "mqtt") != 0 &&
	    strcmp(r->reach, "command") != 0) {
		xasprintf(cause, "responder %lld: reach %s: mqtt or command",
		    (long long)r->id, r->reach);
		return (-1);
	}
	if (db_begin(db) == -1 ||
	    (st = db_stmt(db, responder_update_sql)) == NULL)
		return (edit_fail(db, cause, "responder edit"));
	for (i = 0; i < 4; i++)
		edit_bind(st, 1 + i, text[i]);
	sqlite3_bind_text(st, 5, r->reach[0] != '\0' ? r->reach : "mqtt", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, r->id);
	if (edit_step(st) != SQLITE_DONE)
		return (edit_fail(db, cause, "responder edit"));
	if (sqlite3_changes(db_sqlite(db)) == 0) {
		xasprintf(cause, "no responder %lld", (long long)r->id);
		return (edit_abort(db));
	}
	snprintf(subject, sizeof subject, "responder %lld", (long long)r->id);
	return (edit_commit(db, "responder edit", subject, "", cause));
}

/* "C-0001, C-0002"; their number, -1 on error. */
static int64_t
edit_responder_clients(struct db *db, int64_t id, char *buf, size_t size)
{
	sqlite3_stmt	*st;
	int64_t		 n = 0;
	int		 rc;

	buf[0] = '\0';
	if ((st = db_stmt(db, responder_links_sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n < EDIT_LIST_MAX) {
			if (n > 0)
				edit_cat(buf, ", ", size);
			edit_cat(buf, (const char *)sqlite3_column_text(st, 0),
			    size);
		}
		n++;
	}
	edit_step(st);
	if (n > EDIT_LIST_MAX)
		snprintf(buf + strlen(buf), size - strlen(buf),
		    " and %lld more", (long long)(n - EDIT_LIST_MAX));
	return (rc == SQLITE_DONE ? n : -1);
}

/* Delete a responder; linked to clients only if force (links go too). */
int
db_responder_delete(struct db *db, int64_t id, int force, char **what,
    char **cause)
{
	char		 refs[EDIT_LIST_MAX * 34 + 32], subject[40], detail[32];
	int64_t		 n;

	*cause = *what = NULL;
	snprintf(subject, sizeof subject, "responder %lld", (long long)id);
	if (db_begin(db) == -1)
		return (edit_fail(db, cause, "responder delete"));
	if (edit_scalar(db, responder_get_sql, NULL, id) == -1) {
		xasprintf(cause, "no responder %lld", (long long)id);
		return (edit_abort(db));
	}
	if ((n = edit_responder_clients(db, id, refs, sizeof refs)) < 0)
		return (edit_fail(db, cause, "responder delete"));
	if (n > 0 && !force) {
		xasprintf(cause, "responder %lld is linked to client%s %s: "
		    "--force deletes it and the link%s", (long long)id,
		    edit_s(n), refs, edit_s(n));
		return (edit_abort(db));
	}
	if (edit_run(db, responder_delete_sql, NULL, id) != SQLITE_DONE)
		return (edit_fail(db, cause, "responder delete"));
	if (n > 0)
		xasprintf(what, "links to client%s %s", edit_s(n), refs);
	else
		xasprintf(what, "no links");
	snprintf(detail, sizeof detail, "links=%lld", (long long)n);
	if (edit_commit(db, "responder delete", subject, detail, cause) == -1) {
		free(*what);
		*what = NULL;
		return (-1);
	}
	return (0);
}

/* Take a responder off a client's list. 0, or -1 and *cause. */
int
db_client_unlink_responder(struct db *db, const char *ref, int64_t id,
    char **cause)
{
	sqlite3_stmt	*st;
	char		 detail[40];

	*cause = NULL;
	if (db_begin(db) == -1 || (st = db_stmt(db, unlink_sql)) == NULL)
		return (edit_fail(db, cause, "client unlink-responder"));
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	if (edit_step(st) != SQLITE_DONE)
		return (edit_fail(db, cause, "client unlink-responder"));
	if (sqlite3_changes(db_sqlite(db)) == 0) {
		xasprintf(cause, "responder %lld is not linked to client %.40s",
		    (long long)id, ref);
		return (edit_abort(db));
	}
	snprintf(detail, sizeof detail, "responder=%lld", (long long)id);
	return (edit_commit(db, "client unlink-responder", ref, detail,
	    cause));
}
