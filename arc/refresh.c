/*
 * refresh.c -- the units and the client cards follow the database: a
 * change made with arcctl (a unit added, a key changed, a client
 * imported) reaches arcd within a second, without arcd reading anything
 * on its network thread and without touching the units that did not
 * change.
 *
 * Once a second (refresh_tick) a job goes to the reader worker: it reads
 * the two change counters (meta unit_version, card_version, bumped by
 * triggers); the units changed or removed since the last version (one
 * query each, using unit.version and unit_gone); and, if people data
 * changed, a whole new card set. Back on the loop the units are applied
 * one by one (unit_put / unit_remove, supervision re-armed without a
 * grace) and the card set swapped in. One job is in flight at a time.
 *
 * A unit's key is stored sealed with the key file (db_keyfile.c) and
 * opened here, on the worker; a key stored in the clear before sealing
 * existed is read as it is.
 *
 * The same job carries arcctl's unlock requests (operator unlock, table
 * unlock_request): login lockouts live in memory on the loop, out of
 * arcctl's reach, so arcctl writes a row and the job reads the rows after
 * the last one seen (at most REFRESH_UNLOCKS a pass; requests written
 * before start-up are skipped, as the locks they were for are gone). Back
 * on the loop each is handed to the unlock hook (arcd.c sets login_unlock,
 * which lifts the lock and audits it with the person who asked).
 *
 * Threads: refresh_run runs on the worker and touches only its job (and
 * the key file, read-only after start-up); everything else, the hook and
 * the static state here, is the loop's.
 */
#include <stdlib.h>
#include <string.h>

#include "arc.h"

#define REFRESH_UNLOCKS	32	/* unlock requests read a pass */

struct refresh_job {
	struct worker_job job;
	int64_t		 unit_since, card_since;	/* in */
	int64_t		 unit_version, card_version;	/* out */
	struct unit	*units;		/* owned (wiped): changed */
	size_t		 nunits, capunits;
	int64_t		*gone;		/* owned: removed ids */
	size_t		 ngone, capgone;
	struct card_set	*cards;		/* owned; NULL = unchanged */
	int64_t		 unlock_after;			/* in */
	struct db_unlock unlocks[REFRESH_UNLOCKS];	/* out */
	size_t		 nunlocks;
	char		*cause;		/* owned */
};

static int64_t		 refresh_unit_version = -1, refresh_card_version = -1;
static uint64_t		 refresh_gen;	/* refresh_generation() */
static int64_t		 refresh_unlock_after;	/* the last request seen */
static refresh_unlock_fn refresh_unlock_hook;
static int		 refresh_busy;
static const struct db_keyfile *refresh_keys;	/* borrowed, read-only */

void
refresh_set_unlock(refresh_unlock_fn fn)
{
	refresh_unlock_hook = fn;
}

void
refresh_keyfile(const struct db_keyfile *kf)
{
	refresh_keys = kf;
}

/* A unit's AES key: opened with the key file, or stored in the clear. */
static int
refresh_key(const struct db_unit *du, struct dc09_key *k)
{
	char	 plain[sizeof du->key];
	int	 rc;

	if (!db_keyfile_sealed(du->key)) {
		if ((rc = dc09_key_parse(du->key, k)) != 0)
			log_warnx("unit %s: stored key does not parse",
			    du->account);
		return (rc);
	}
	if (refresh_keys == NULL || db_keyfile_unseal(refresh_keys,
	    du->protocol, du->account, du->key, plain, sizeof plain) != 0) {
		log_warnx("unit %s: sealed key does not open with key file %s",
		    du->account, refresh_keys != NULL ? refresh_keys->path :
		    "(none)");
		return (-1);
	}
	rc = dc09_key_parse(plain, k);
	explicit_bzero(plain, sizeof plain);
	if (rc != 0)
		log_warnx("unit %s: sealed key does not parse", du->account);
	return (rc);
}

/* A stored unit as the core holds it (the key opened and parsed). */
static void
refresh_unit(const struct db_unit *du, struct unit *u)
{
	memset(u, 0, sizeof *u);
	u->id = du->id;
	strlcpy(u->protocol, du->protocol, sizeof u->protocol);
	strlcpy(u->account, du->account, sizeof u->account);
	strlcpy(u->client, du->client, sizeof u->client);
	if (du->key[0] != '\0') {
		/* Refuse nothing: without its key the unit is NAKed. */
		if (refresh_key(du, &u->key) != 0)
			u->key.len = 0;
		u->has_key = 1;
	}
	u->interval = du->interval;
	u->last_seen = du->last_seen;
	u->silent = du->silent_since != 0;
}

static int
refresh_unit_one(const struct db_unit *du, void *arg)
{
	struct refresh_job	*r = arg;

	if (r->nunits == r->capunits) {
		r->capunits = r->capunits ? r->capunits * 2 : 64;
		r->units = xreallocarray(r->units, r->capunits,
		    sizeof *r->units);
	}
	refresh_unit(du, &r->units[r->nunits++]);
	return (0);
}

static int
refresh_gone_one(int64_t id, void *arg)
{
	struct refresh_job	*r = arg;

	if (r->ngone == r->capgone) {
		r->capgone = r->capgone ? r->capgone * 2 : 16;
		r->gone = xreallocarray(r->gone, r->capgone, sizeof *r->gone);
	}
	r->gone[r->ngone++] = id;
	return (0);
}

static int
refresh_unlock_one(const struct db_unlock *u, void *arg)
{
	struct refresh_job	*r = arg;

	if (r->nunlocks == REFRESH_UNLOCKS)
		return (1);
	r->unlocks[r->nunlocks++] = *u;
	return (0);
}

/* Read what changed (the worker, or start-up). 0 or -1 (r->cause). */
static int
refresh_read(struct db *db, struct refresh_job *r)
{
	r->unit_version = db_unit_version(db);
	r->card_version = db_card_version(db);
	if (r->unit_version < 0 || r->card_version < 0) {
		xasprintf(&r->cause, "reading versions: %s", db_errmsg(db));
		return (-1);
	}
	if (r->unit_version != r->unit_since && db_unit_changes(db,
	    r->unit_since, refresh_unit_one, refresh_gone_one, r) != 0) {
		xasprintf(&r->cause, "reading units: %s", db_errmsg(db));
		return (-1);
	}
	if (r->card_version != r->card_since &&
	    (r->cards = card_read(db, &r->cause)) == NULL)
		return (-1);
	if (db_unlock_foreach(db, r->unlock_after, REFRESH_UNLOCKS,
	    refresh_unlock_one, r) != 0) {
		xasprintf(&r->cause, "reading unlock requests: %s",
		    db_errmsg(db));
		return (-1);
	}
	return (0);
}

static void
refresh_run(struct db *db, struct worker_job *job)
{
	job->result = refresh_read(db, (struct refresh_job *)job);
}

static void
refresh_job_free(struct refresh_job *r)
{
	if (r->units != NULL)
		explicit_bzero(r->units, r->capunits * sizeof *r->units);
	free(r->units);
	free(r->gone);
	card_set_free(r->cards);
	free(r->cause);
	free(r);
}

/* Printable ASCII, the rest '?': a request's text goes to the log. */
static void
refresh_printable(char *s)
{
	for (; *s != '\0'; s++) {
		if (*s < 0x20 || *s > 0x7e)
			*s = '?';
	}
}

/* Lift the locks asked for, in order; each request once. */
static void
refresh_unlocks(struct refresh_job *r)
{
	struct db_unlock	*u;
	size_t			 i;

	for (i = 0; i < r->nunlocks; i++) {
		u = &r->unlocks[i];
		if (u->id <= refresh_unlock_after)
			continue;
		refresh_unlock_after = u->id;
		refresh_printable(u->login);
		refresh_printable(u->source);
		refresh_printable(u->actor);
		if (refresh_unlock_hook == NULL || refresh_unlock_hook(
		    u->login[0] != '\0' ? u->login : NULL,
		    u->login[0] != '\0' ? NULL : u->source,
		    u->actor[0] != '\0' ? u->actor : "arcctl") != 0)
			log_notice("unlock request %lld: %s %s was not locked",
			    (long long)u->id, u->login[0] != '\0' ? "login" :
			    "source", u->login[0] != '\0' ? u->login :
			    u->source);
	}
}

/* Apply what was read, one unit at a time. */
static void
refresh_apply(struct refresh_job *r, int startup)
{
	struct unit	*u;
	size_t		 i;

	for (i = 0; i < r->ngone; i++)
		unit_remove(r->gone[i]);
	for (i = 0; i < r->nunits; i++) {
		u = unit_put(&r->units[i]);
		supervise_arm(u, clock_wall(), clock_mono(), startup);
	}
	if (r->nunits != 0 || r->ngone != 0 || r->cards != NULL)
		refresh_gen++;
	if (r->cards != NULL) {
		card_use(r->cards);
		r->cards = NULL;
		refresh_card_version = r->card_version;
	}
	refresh_unit_version = r->unit_version;
	if (!startup)
		refresh_unlocks(r);
	if (!startup && (r->nunits != 0 || r->ngone != 0))
		log_notice("units: %zu changed, %zu removed, %zu registered",
		    r->nunits, r->ngone, unit_count());
}

static void
refresh_done(struct worker_job *job)
{
	struct refresh_job	*r = (struct refresh_job *)job;

	refresh_busy = 0;
	if (job->result == 0)
		refresh_apply(r, 0);
	else
		log_warnx("units: refresh failed: %s",
		    r->cause != NULL ? r->cause : "no reader");
	refresh_job_free(r);
}

static struct refresh_job *
refresh_job_new(void)
{
	struct refresh_job	*r;

	r = xcalloc(1, sizeof *r);
	r->unit_since = refresh_unit_version;
	r->card_since = refresh_card_version;
	r->unlock_after = refresh_unlock_after;
	r->job.run = refresh_run;
	r->job.done = refresh_done;
	return (r);
}

int
refresh_load(struct db *db, char **cause)
{
	struct refresh_job	*r = refresh_job_new();

	/* Requests from before start-up were for locks that are gone. */
	if ((refresh_unlock_after = db_unlock_last(db)) < 0) {
		xasprintf(cause, "reading unlock requests: %s", db_errmsg(db));
		refresh_job_free(r);
		return (-1);
	}
	r->unlock_after = refresh_unlock_after;
	if (refresh_read(db, r) != 0) {
		*cause = r->cause;
		r->cause = NULL;
		refresh_job_free(r);
		return (-1);
	}
	refresh_apply(r, 1);
	refresh_job_free(r);
	return (0);
}

uint64_t
refresh_generation(void)
{
	return (refresh_gen);
}

void
refresh_tick(void)
{
	if (refresh_busy)
		return;
	refresh_busy = 1;
	lookup_submit(&refresh_job_new()->job);
}

void
refresh_free(void)
{
	card_use(NULL);
	unit_free_all();
}
