/*
 * login.c -- a console's login: the password checked on the reader worker
 * (PBKDF2, about 18 ms: never on this thread), failures limited, one
 * console per operator.
 *
 * Failures are counted per login and per source address within
 * login_lock seconds: login_max_fails of one login lock it for
 * login_lock seconds, login_source_max_fails from one address lock the
 * address. A locked login or address is refused without a look at the
 * password (so guessing gets nowhere and costs nothing); locks are
 * audited, shown to supervisors in the operators view, and lifted by a
 * supervisor (unlock) or in time. Every refusal is answered a second
 * after it was asked (wrong password, unknown login or locked look the
 * same, and no faster), and a connection goes after SESSION_MAX_FAILS.
 * The tables are bounded (LOGIN_TABLE_MAX each, counted when full) and
 * keyed with SipHash under a random key, so no one can aim at another's
 * entry. Neither the password nor the request line is ever logged.
 *
 * A second login of an operator takes over: the older console is told
 * "replaced" and closed (its alarms stay the operator's).
 *
 * Thread: network thread; login_check_run on the reader worker.
 */
#include <sys/queue.h>
#include <sys/random.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "arc.h"

#define LOGIN_TABLE_MAX		4096
#define LOGIN_REFUSE_MS		1000
#define SESSION_MAX_FAILS	5

struct login_limit {
	char		 key[64];	/* a login, or an address */
	int		 fails;
	int64_t		 first;		/* mono ms: the window's first */
	int64_t		 until;		/* mono ms: locked until; 0 = not */
	int64_t		 until_wall;
};

struct login_table {
	struct hmap	 map;		/* siphash(key) -> login_limit * */
	int		 sources;
	int		 max;		/* failures to lock */
};

/* A refusal waiting for its second. */
struct login_refusal {
	uint64_t		 session;
	json_t			*reply;		/* owned */
	int64_t			 due;		/* mono ms */
	TAILQ_ENTRY(login_refusal) entry;
};
TAILQ_HEAD(login_refusals, login_refusal);

/* A password check, on the reader worker. */
struct login_check {
	struct worker_job	 job;
	uint64_t		 session;
	json_t			*id;		/* owned: the request's */
	char			 addr[48];
	char			 login[32];
	char			*password;	/* owned, wiped */
	int64_t			 asked;		/* mono ms */
	int			 ok;
	enum counter		 why;		/* a refusal's reason */
	char			 name[96];
	int			 super;
};

static struct login_table	 lt_logins, lt_sources = { .sources = 1 };
static struct login_refusals	 lt_refusals =
    TAILQ_HEAD_INITIALIZER(lt_refusals);
static uint8_t			 lt_key[16];
static int64_t			 lt_lock_ms = 900000;
static int			 lt_dirty;

/* The lockout limits (a reload may change them; locks held stay). */
void
login_reload(const struct config *cfg)
{
	lt_lock_ms = cfg->login_lock * 1000LL;
	lt_logins.max = cfg->login_max_fails;
	lt_sources.max = cfg->login_source_max_fails;
}

void
login_init(const struct config *cfg)
{
	if (getrandom(lt_key, sizeof lt_key, 0) != sizeof lt_key)
		fatal("getrandom");
	login_reload(cfg);
	hmap_init(&lt_logins.map, 64);
	hmap_init(&lt_sources.map, 64);
}

/* A login as given, fit for a log line (no control characters). */
static void
login_printable(const char *in, char *out, size_t size)
{
	size_t	 i;

	for (i = 0; in[i] != '\0' && i + 1 < size; i++)
		out[i] = isprint((unsigned char)in[i]) ? in[i] : '?';
	out[i] = '\0';
}

/* The entry for key (made if create and there is room), or NULL. */
static struct login_limit *
login_entry(struct login_table *t, const char *key, int create)
{
	struct login_limit	*e;
	uint64_t		 h = siphash(lt_key, key, strlen(key)), v;

	if (hmap_get(&t->map, h, &v) == 0) {
		e = (struct login_limit *)(uintptr_t)v;
		return (strcmp(e->key, key) == 0 ? e : NULL);
	}
	if (!create)
		return (NULL);
	if (hmap_count(&t->map) >= LOGIN_TABLE_MAX) {
		COUNT(C_CONSOLE_LOGIN_UNTRACKED);
		return (NULL);
	}
	e = xcalloc(1, sizeof *e);
	strlcpy(e->key, key, sizeof e->key);
	hmap_put(&t->map, h, (uintptr_t)e);
	return (e);
}

static void
login_forget(struct login_table *t, struct login_limit *e)
{
	hmap_del(&t->map, siphash(lt_key, e->key, strlen(e->key)));
	free(e);
}

static int
login_locked(struct login_table *t, const char *key, int64_t now)
{
	struct login_limit	*e = login_entry(t, key, 0);

	return (e != NULL && e->until > now);
}

/* One more failure of key; locked at the table's max. */
static void
login_fail(struct login_table *t, const char *key, const char *addr,
    int64_t now)
{
	struct login_limit	*e;
	char			 subject[96], detail[128], safe[64];

	if ((e = login_entry(t, key, 1)) == NULL || e->until > now)
		return;
	if (e->fails == 0 || now - e->first >= lt_lock_ms) {
		e->fails = 0;
		e->first = now;
	}
	if (++e->fails < t->max)
		return;
	e->until = now + lt_lock_ms;
	e->until_wall = clock_wall() + lt_lock_ms;
	lt_dirty = 1;
	COUNT(t->sources ? C_CONSOLE_SOURCE_LOCKS : C_CONSOLE_LOGIN_LOCKS);
	login_printable(key, safe, sizeof safe);
	log_warnx("%s %s locked for %lld s: %d failed logins (the last from "
	    "%s)", t->sources ? "source" : "login", safe,
	    (long long)(lt_lock_ms / 1000), e->fails, addr);
	snprintf(subject, sizeof subject, "%s %s", t->sources ? "source" :
	    "operator", safe);
	snprintf(detail, sizeof detail, "%d failures; last from %s",
	    e->fails, addr);
	commit_audit("arcd", t->sources ? "source locked" : "login locked",
	    subject, detail);
}

/* Answer s's login with error a second after it was asked. */
static void
login_refuse(struct session *s, json_t *id, const char *error,
    int64_t asked)
{
	struct login_refusal	*r;

	s->busy = 1;
	s->fails++;
	r = xcalloc(1, sizeof *r);
	r->session = s->id;
	r->due = asked + LOGIN_REFUSE_MS;
	r->reply = json_pack("{s:s, s:O, s:b, s:s}", "type", "reply", "id",
	    id != NULL ? id : json_null(), "ok", 0, "error", error);
	TAILQ_INSERT_TAIL(&lt_refusals, r, entry);
}

static void
login_replace(struct session *t, void *arg)
{
	struct session	*s = arg;

	if (t == s || !t->authed || strcmp(t->login, s->login) != 0)
		return;
	COUNT(C_CONSOLE_REPLACED);
	session_send(t, json_pack("{s:s, s:s, s:s}", "type", "system", "text",
	    "logged in elsewhere", "code", "replaced"));
	session_close_soon(t, "logged in elsewhere");
}

static void
login_welcome(struct session *s, const struct login_check *c)
{
	struct login_limit	*e;
	char			 subject[48];

	if ((e = login_entry(&lt_logins, c->login, 0)) != NULL)
		login_forget(&lt_logins, e);	/* not locked: checked */
	session_authed(s, c->login, c->name, c->super);
	s->busy = 0;
	/* First in: the older console's going keeps the login's alarms. */
	alarmio_login(s->login, s->name, s->super);
	session_each(login_replace, s);
	COUNT(C_CONSOLE_LOGINS);
	log_notice("%s: operator %s logged in", s->peer, s->login);
	snprintf(subject, sizeof subject, "operator %s", s->login);
	commit_audit(s->login, "login", subject, s->addr);
	session_reply(s, c->id, NULL, json_pack("{s:{s:o, s:o, s:s}}",
	    "operator", "login", alarm_json_text(s->login), "name",
	    alarm_json_text(s->name), "role", s->super ? "supervisor" :
	    "operator"));
	session_snapshot(s, json_pack("{s:s, s:o, s:I}", "type",
	    "snapshot_begin", "stats", alarmio_stats_json(), "server_time",
	    (json_int_t)clock_wall()));
	push_ladders(s);
}

/* Worker thread: the operator's row and the password check (PBKDF2). */
static void
login_check_run(struct db *db, struct worker_job *job)
{
	struct login_check	*c = (struct login_check *)job;
	struct db_operator	 op;

	c->ok = 0;
	if (db_operator_get(db, c->login, &op) != 0)
		c->why = C_CONSOLE_LOGIN_UNKNOWN;
	else if (op.disabled)
		c->why = C_CONSOLE_LOGIN_DISABLED;
	else if (db_password_verify(c->password, op.hash) != 1)
		c->why = C_CONSOLE_LOGIN_PASSWORD;
	else
		c->ok = 1;
	if (c->ok) {
		strlcpy(c->login, op.login, sizeof c->login);
		strlcpy(c->name, op.name, sizeof c->name);
		c->super = strcmp(op.role, "supervisor") == 0;
	}
	explicit_bzero(&op, sizeof op);
}

static void
login_check_done(struct worker_job *job)
{
	struct login_check	*c = (struct login_check *)job;
	struct session		*s = session_by_id(c->session);
	char			 safe[64];
	int64_t			 now = clock_mono();

	freezero_str(c->password);
	if (!c->ok) {		/* counted even if the console has gone */
		COUNT(C_CONSOLE_LOGIN_FAILED);
		COUNT(c->why);		/* for /metrics, never the console */
		login_printable(c->login, safe, sizeof safe);
		log_warnx("console %s: login refused for %s", c->addr, safe);
		login_fail(&lt_logins, c->login, c->addr, now);
		login_fail(&lt_sources, c->addr, c->addr, now);
	}
	if (s != NULL && !s->closing) {
		s->checking = 0;
		if (c->ok)
			login_welcome(s, c);
		else
			login_refuse(s, c->id, "auth", c->asked);
	}
	json_decref(c->id);
	free(c);
}

void
login_request(struct session *s, const struct request *r)
{
	struct login_check	*c;
	int64_t			 now = clock_mono();

	if (r->protocol != SESSION_PROTOCOL) {
		session_reply(s, r->id, "protocol", NULL);
		return;
	}
	if (s->authed || s->busy) {
		session_reply(s, r->id, "bad_request", NULL);
		return;
	}
	if (login_locked(&lt_sources, s->addr, now) ||
	    login_locked(&lt_logins, r->login, now)) {
		COUNT(C_CONSOLE_LOGIN_LOCKED);
		login_refuse(s, r->id, "locked", now);
		return;
	}
	c = xcalloc(1, sizeof *c);
	c->job.run = login_check_run;
	c->job.done = login_check_done;
	c->session = s->id;
	c->id = json_incref(r->id != NULL ? r->id : json_null());
	strlcpy(c->addr, s->addr, sizeof c->addr);
	strlcpy(c->login, r->login, sizeof c->login);
	c->password = xstrdup(r->password);
	c->asked = now;
	s->busy = s->checking = 1;
	lookup_submit(&c->job);
}

int
login_unlock(const char *login, const char *source, const char *by)
{
	struct login_table	*t = login != NULL ? &lt_logins : &lt_sources;
	struct login_limit	*e;
	const char		*key = login != NULL ? login : source;
	char			 subject[96], safe[64];

	if ((e = login_entry(t, key, 0)) == NULL || e->until <= clock_mono())
		return (-1);
	login_printable(e->key, safe, sizeof safe);
	log_notice("%s %s unlocked by %s", t->sources ? "source" : "login",
	    safe, by);
	snprintf(subject, sizeof subject, "%s %s", t->sources ? "source" :
	    "operator", safe);
	commit_audit(by, t->sources ? "source unlocked" : "login unlocked",
	    subject, "");
	login_forget(t, e);
	lt_dirty = 1;
	return (0);
}

void
login_locked_each(int sources, void (*fn)(const char *, int64_t, void *),
    void *arg)
{
	struct login_table	*t = sources ? &lt_sources : &lt_logins;
	struct login_limit	*e;
	int64_t			 now = clock_mono();
	uint64_t		 v;
	size_t			 it = 0;

	while (hmap_next(&t->map, &it, NULL, &v)) {
		e = (struct login_limit *)(uintptr_t)v;
		if (e->until > now)
			fn(e->key, e->until_wall, arg);
	}
}

int
login_dirty(void)
{
	int	 d = lt_dirty;

	lt_dirty = 0;
	return (d);
}

/* Entries past their window and lock go; a lock over is news. */
static void
login_sweep(struct login_table *t, int64_t now)
{
	struct login_limit	*e, **gone = NULL;
	char			 safe[64];
	uint64_t		 v;
	size_t			 it = 0, n = 0, i;

	while (hmap_next(&t->map, &it, NULL, &v)) {
		e = (struct login_limit *)(uintptr_t)v;
		if (e->until > now || (e->until == 0 &&
		    now - e->first < lt_lock_ms))
			continue;
		if (e->until != 0) {
			lt_dirty = 1;
			login_printable(e->key, safe, sizeof safe);
			log_notice("%s %s: lock over", t->sources ? "source" :
			    "login", safe);
		}
		gone = xreallocarray(gone, n + 1, sizeof *gone);
		gone[n++] = e;
	}
	for (i = 0; i < n; i++)
		login_forget(t, gone[i]);
	free(gone);
}

void
login_tick(void)
{
	struct login_refusal	*r, *next;
	struct session		*s;
	int64_t			 now = clock_mono();

	for (r = TAILQ_FIRST(&lt_refusals); r != NULL; r = next) {
		next = TAILQ_NEXT(r, entry);
		if (r->due > now)
			continue;
		TAILQ_REMOVE(&lt_refusals, r, entry);
		if ((s = session_by_id(r->session)) != NULL && !s->closing) {
			s->busy = 0;
			session_send(s, r->reply);
			r->reply = NULL;
			if (s->fails >= SESSION_MAX_FAILS)
				session_close_soon(s, "too many failed logins");
		}
		json_decref(r->reply);
		free(r);
	}
	login_sweep(&lt_logins, now);
	login_sweep(&lt_sources, now);
}

void
login_free(void)
{
	struct login_refusal	*r;
	uint64_t		 v;
	size_t			 it = 0;

	while ((r = TAILQ_FIRST(&lt_refusals)) != NULL) {
		TAILQ_REMOVE(&lt_refusals, r, entry);
		json_decref(r->reply);
		free(r);
	}
	while (hmap_next(&lt_logins.map, &it, NULL, &v))
		free((void *)(uintptr_t)v);
	it = 0;
	while (hmap_next(&lt_sources.map, &it, NULL, &v))
		free((void *)(uintptr_t)v);
	hmap_free(&lt_logins.map);
	hmap_free(&lt_sources.map);
}
