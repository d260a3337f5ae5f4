/*
 * ctl_edit.c -- arcctl's edits and deletes of units (and their keys),
 * zones, clients and responders:
 *
 *	unit edit ACCOUNT [--key ascii:KEY|hex:KEY | --no-key]
 *	    [--client REF | --no-client] [--interval SECONDS]
 *	unit delete ACCOUNT [--force]
 *	zone edit ACCOUNT ZONE LABEL
 *	zone delete ACCOUNT ZONE
 *	client edit REF [the options of client add]
 *	client delete REF [--force]
 *	client unlink-responder REF RESPONDER_ID
 *	responder edit ID [--name N] [--phones P] [--relation R] [--reach R]
 *	    [--availability A]
 *	responder delete ID [--force]
 *
 * db/ checks and audits each change with the person (--actor); a dry run
 * (--dry-run) does it all and keeps nothing. A delete says what went with
 * it; one that would take units or open alarms with it, or unlink a
 * responder from clients, needs --force.
 *
 * Called by arcctl.c's main(); uses ctl_people.c and ctl.c. Single
 * threaded.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "db.h"
#include "runtime.h"

/* Report a cause from db/ and free it: 1. */
static int
ctl_edit_fail(const char *cmd, char *cause)
{
	ctl_error("%s: %s", cmd, cause != NULL ? cause : "failed");
	free(cause);
	return (1);
}

/* "--force" as the only option; its index set. 0 or -1 (usage). */
static int
ctl_edit_force(int argc, char **argv, int *force)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch;

	*force = 0;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'f')
			return (-1);
		*force = 1;
	}
	return (0);
}

/* --- units --- */

static int
ctl_unit_edit_args(int argc, char **argv, struct db_unit *u, int *set)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "no-key", no_argument, NULL, 'K' },
		{ "client", required_argument, NULL, 'c' },
		{ "no-client", no_argument, NULL, 'C' },
		{ "interval", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*cmd = "unit edit";
	long long	 v;
	int		 ch, rc = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'k') {
			rc |= ctl_field(u->key, sizeof u->key, optarg, cmd,
			    "key");
			explicit_bzero(optarg, strlen(optarg));
		} else if (ch == 'c')
			rc |= ctl_field(u->client, sizeof u->client, optarg,
			    cmd, "client");
		else if (ch == 'i') {
			if (strcmp(optarg, "0") == 0)
				v = 0;
			else if (ctl_number(optarg, 90000, &v) == -1) {
				ctl_error("unit edit: interval %s: not 0 or "
				    "20..90000 seconds", optarg);
				rc = -1;
			}
			u->interval = (int)v;
		} else if (ch != 'K' && ch != 'C')
			return (-1);
		*set |= ch == 'k' || ch == 'K' ? DB_UNIT_SET_KEY :
		    ch == 'c' || ch == 'C' ? DB_UNIT_SET_CLIENT :
		    DB_UNIT_SET_INTERVAL;
	}
	if (optind != argc - 1 || *set == 0)
		return (-1);
	if (rc != 0 || ctl_field(u->account, sizeof u->account, argv[optind],
	    cmd, "account") == -1)
		return (-2);
	return (0);
}

static int
ctl_unit_edit(struct ctl *ctl, int argc, char **argv)
{
	struct db_unit		 u;
	struct db_keyfile	 kf;
	char			*cause = NULL;
	int			 set = 0, rc;

	memset(&u, 0, sizeof u);
	memset(&kf, 0, sizeof kf);
	if ((rc = ctl_unit_edit_args(argc, argv, &u, &set)) != 0) {
		explicit_bzero(&u, sizeof u);
		return (rc == -1 ? ctl_usage() : 1);
	}
	rc = 1;
	if (ctl_open(ctl, 0) == -1 || (u.key[0] != '\0' &&
	    ctl_keyfile(ctl, 0, &kf) == -1))
		goto out;
	if (db_unit_edit(ctl->db, &u, set, &kf, &cause) == -1) {
		ctl_edit_fail("unit edit", cause);
		goto out;
	}
	ctl_done(ctl, "unit %s changed", u.account);
	rc = 0;
out:
	explicit_bzero(&u, sizeof u);
	db_keyfile_clear(&kf);
	return (rc);
}

static int
ctl_unit_delete(struct ctl *ctl, int argc, char **argv)
{
	char	*cause = NULL, *what = NULL;
	int	 force;

	if (ctl_edit_force(argc, argv, &force) == -1 || optind != argc - 1)
		return (ctl_usage());
	if (ctl_open(ctl, 0) == -1)
		return (1);
	if (db_unit_delete(ctl->db, argv[optind], force, &what, &cause) == -1)
		return (ctl_edit_fail("unit delete", cause));
	ctl_done(ctl, "unit %s deleted, with %s", argv[optind], what);
	free(what);
	return (0);
}

int
ctl_edit_unit(struct ctl *ctl, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "edit") == 0)
		return (ctl_unit_edit(ctl, argc - 1, argv + 1));
	if (argc >= 2 && strcmp(argv[1], "delete") == 0)
		return (ctl_unit_delete(ctl, argc - 1, argv + 1));
	return (ctl_usage());
}

/* --- zones --- */

int
ctl_edit_zone(struct ctl *ctl, int argc, char **argv)
{
	char	*cause = NULL;
	int	 edit;

	if (argc == 5 && strcmp(argv[1], "edit") == 0)
		edit = 1;
	else if (argc == 4 && strcmp(argv[1], "delete") == 0)
		edit = 0;
	else
		return (ctl_usage());
	if (ctl_open(ctl, 0) == -1)
		return (1);
	if (edit ? db_zone_edit(ctl->db, argv[2], argv[3], argv[4],
	    &cause) : db_zone_delete(ctl->db, argv[2], argv[3], &cause))
		return (ctl_edit_fail(edit ? "zone edit" : "zone delete",
		    cause));
	if (edit)
		ctl_done(ctl, "unit %s zone %s: %s", argv[2], argv[3],
		    argv[4]);
	else
		ctl_done(ctl, "unit %s zone %s deleted", argv[2], argv[3]);
	return (0);
}

/* --- clients --- */

static int
ctl_client_edit(struct ctl *ctl, int argc, char **argv)
{
	struct db_client	 c;
	char			*cause = NULL;
	int			 rc = 1;

	/* Once for the ref, then over the stored card: the rest stays. */
	memset(&c, 0, sizeof c);
	if (ctl_people_client_args(argc, argv, &c, "client edit") == -1)
		goto out;
	if (ctl_open(ctl, 0) == -1)
		goto out;
	if (db_client_by_ref(ctl->db, c.ref, &c) == -1) {
		ctl_error("client edit: no client %s", c.ref);
		goto out;
	}
	if (ctl_people_client_args(argc, argv, &c, "client edit") == -1)
		goto out;
	if (db_client_update(ctl->db, &c, &cause) == -1) {
		ctl_error("client edit: %s: %s", c.ref, cause);
		free(cause);
		goto out;
	}
	ctl_done(ctl, "client %s changed", c.ref);
	rc = 0;
out:
	explicit_bzero(&c, sizeof c);
	return (rc);
}

static int
ctl_client_delete(struct ctl *ctl, int argc, char **argv)
{
	char	*cause = NULL, *what = NULL;
	int	 force;

	if (ctl_edit_force(argc, argv, &force) == -1 || optind != argc - 1)
		return (ctl_usage());
	if (ctl_open(ctl, 0) == -1)
		return (1);
	if (db_client_delete(ctl->db, argv[optind], force, &what,
	    &cause) == -1)
		return (ctl_edit_fail("client delete", cause));
	ctl_done(ctl, "client %s deleted, with %s", argv[optind], what);
	free(what);
	return (0);
}

static int
ctl_client_unlink(struct ctl *ctl, int argc, char **argv)
{
	long long	 id;
	char		*cause = NULL;

	if (argc != 3)
		return (ctl_usage());
	if (ctl_number(argv[2], INT64_MAX, &id) == -1) {
		ctl_error("client unlink-responder: %s: not a responder id",
		    argv[2]);
		return (1);
	}
	if (ctl_open(ctl, 0) == -1)
		return (1);
	if (db_client_unlink_responder(ctl->db, argv[1], id, &cause) == -1)
		return (ctl_edit_fail("client unlink-responder", cause));
	ctl_done(ctl, "responder %lld is no longer on client %s's list", id,
	    argv[1]);
	return (0);
}

int
ctl_edit_client(struct ctl *ctl, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "edit") == 0)
		return (ctl_client_edit(ctl, argc - 1, argv + 1));
	if (argc >= 2 && strcmp(argv[1], "delete") == 0)
		return (ctl_client_delete(ctl, argc - 1, argv + 1));
	if (argc >= 2 && strcmp(argv[1], "unlink-responder") == 0)
		return (ctl_client_unlink(ctl, argc - 1, argv + 1));
	return (ctl_usage());
}

/* --- responders --- */

static int
ctl_responder_args(int argc, char **argv, struct db_responder *r)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "phones", required_argument, NULL, 'p' },
		{ "relation", required_argument, NULL, 'r' },
		{ "availability", required_argument, NULL, 'a' },
		{ "reach", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*cmd = "responder edit";
	int		 ch, rc = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'n')
			rc |= ctl_field(r->name, sizeof r->name, optarg, cmd,
			    "name");
		else if (ch == 'p')
			rc |= ctl_field(r->phones, sizeof r->phones, optarg,
			    cmd, "phones");
		else if (ch == 'r')
			rc |= ctl_field(r->relation, sizeof r->relation, optarg,
			    cmd, "relation");
		else if (ch == 'a')
			rc |= ctl_field(r->availability, sizeof r->availability,
			    optarg, cmd, "availability");
		else if (ch == 'R')
			rc |= ctl_field(r->reach, sizeof r->reach, optarg, cmd,
			    "reach");
		else {
			ctl_usage();
			return (-1);
		}
	}
	if (optind != argc - 1) {
		ctl_usage();
		return (-1);
	}
	return (rc == 0 ? 0 : -1);
}

/* The responder id of argv[1]: 0, or -1 (reported). */
static int
ctl_responder_id(const char *cmd, const char *s, int64_t *id)
{
	long long	 v;

	if (ctl_number(s, INT64_MAX, &v) == -1) {
		ctl_error("%s: %s: not a responder id", cmd, s);
		return (-1);
	}
	*id = v;
	return (0);
}

static int
ctl_responder_edit(struct ctl *ctl, int argc, char **argv)
{
	struct db_responder	 r;
	char			*cause = NULL;
	int64_t			 id;

	/* Once for the id, then over the stored row: the rest stays. */
	memset(&r, 0, sizeof r);
	if (ctl_responder_args(argc, argv, &r) == -1 ||
	    ctl_responder_id("responder edit", argv[optind], &id) == -1 ||
	    ctl_open(ctl, 0) == -1)
		return (1);
	if (db_responder_get(ctl->db, id, &r) == -1) {
		ctl_error("responder edit: no responder %lld", (long long)id);
		return (1);
	}
	if (ctl_responder_args(argc, argv, &r) == -1)
		return (1);
	r.id = id;
	if (db_responder_update(ctl->db, &r, &cause) == -1)
		return (ctl_edit_fail("responder edit", cause));
	ctl_done(ctl, "responder %lld changed", (long long)id);
	return (0);
}

static int
ctl_responder_delete(struct ctl *ctl, int argc, char **argv)
{
	char	*cause = NULL, *what = NULL;
	int64_t	 id;
	int	 force;

	if (ctl_edit_force(argc, argv, &force) == -1 || optind != argc - 1)
		return (ctl_usage());
	if (ctl_responder_id("responder delete", argv[optind], &id) == -1 ||
	    ctl_open(ctl, 0) == -1)
		return (1);
	if (db_responder_delete(ctl->db, id, force, &what, &cause) == -1)
		return (ctl_edit_fail("responder delete", cause));
	ctl_done(ctl, "responder %lld deleted, with %s", (long long)id, what);
	free(what);
	return (0);
}

int
ctl_edit_responder(struct ctl *ctl, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "edit") == 0)
		return (ctl_responder_edit(ctl, argc - 1, argv + 1));
	if (argc >= 2 && strcmp(argv[1], "delete") == 0)
		return (ctl_responder_delete(ctl, argc - 1, argv + 1));
	return (ctl_usage());
}
