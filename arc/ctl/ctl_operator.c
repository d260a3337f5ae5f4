/*
 * ctl_operator.c -- arcctl's commands for operators after they are added
 * (operator add is ctl_people.c's):
 *
 *	operator edit LOGIN [--name NAME] [--role operator|supervisor]
 *	    [--disable | --enable]
 *	operator delete LOGIN
 *	operator passwd LOGIN [--password-file FILE|-]
 *	operator unlock LOGIN | operator unlock --source ADDRESS
 *
 * A lockout after failed logins lives in arcd's memory, out of arcctl's
 * reach: unlock writes a request to the database (db_unlock.c) and arcd's
 * refresh job lifts the lock within a second or so, audited with the
 * person who asked. A new password is read as operator add reads one and
 * wiped after use. Every change is audited by db/ with the person
 * (--actor).
 *
 * Called by arcctl.c's main(); uses ctl_people.c and ctl.c. Single
 * threaded.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "db.h"
#include "runtime.h"

static int
ctl_operator_fail(const char *cmd, char *cause)
{
	ctl_error("%s: %s", cmd, cause != NULL ? cause : "failed");
	free(cause);
	return (1);
}

static int
ctl_operator_edit_args(int argc, char **argv, struct db_operator *op)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "role", required_argument, NULL, 'r' },
		{ "disable", no_argument, NULL, 'd' },
		{ "enable", no_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*cmd = "operator edit";
	int		 ch, rc = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'n')
			rc |= ctl_field(op->name, sizeof op->name, optarg, cmd,
			    "name");
		else if (ch == 'r')
			rc |= ctl_field(op->role, sizeof op->role, optarg, cmd,
			    "role");
		else if (ch == 'd' || ch == 'e')
			op->disabled = ch == 'd';
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

static int
ctl_operator_edit(struct ctl *ctl, int argc, char **argv)
{
	struct db_operator	 op;
	char			*cause = NULL;
	int			 rc;

	/* Once for the login, then over the stored row: the rest stays. */
	memset(&op, 0, sizeof op);
	if (ctl_operator_edit_args(argc, argv, &op) == -1)
		return (1);
	if (ctl_open(ctl, 0) == -1)
		return (1);
	if (db_operator_get(ctl->db, argv[optind], &op) == -1) {
		ctl_error("operator edit: no operator %s", argv[optind]);
		return (1);
	}
	explicit_bzero(op.hash, sizeof op.hash);
	if (ctl_operator_edit_args(argc, argv, &op) == -1)
		return (1);
	rc = db_operator_update(ctl->db, &op, &cause);
	if (rc == -1)
		return (ctl_operator_fail("operator edit", cause));
	ctl_done(ctl, "operator %s changed (%s%s)", op.login, op.role,
	    op.disabled ? ", disabled" : "");
	return (0);
}

static int
ctl_operator_delete(struct ctl *ctl, int argc, char **argv)
{
	char	*cause = NULL;

	if (argc != 2)
		return (ctl_usage());
	if (ctl_open(ctl, 0) == -1)
		return (1);
	if (db_operator_delete(ctl->db, argv[1], &cause) == -1)
		return (ctl_operator_fail("operator delete", cause));
	ctl_done(ctl, "operator %s deleted", argv[1]);
	return (0);
}

static int
ctl_operator_passwd(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "password-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	struct db_operator	 op;
	const char		*file = NULL, *cmd = "operator passwd";
	char			 pw[CTL_PASSWORD], *cause = NULL;
	int			 ch, rc = 1;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'p')
			return (ctl_usage());
		file = optarg;
	}
	if (optind != argc - 1)
		return (ctl_usage());
	if (ctl_open(ctl, 0) == -1)
		return (1);
	if (db_operator_get(ctl->db, argv[optind], &op) == -1) {
		ctl_error("%s: no operator %s", cmd, argv[optind]);
		return (1);
	}
	explicit_bzero(&op, sizeof op);
	memset(pw, 0, sizeof pw);
	if (ctl_people_password(cmd, argv[optind], file, pw, sizeof pw) == -1)
		goto out;
	if (db_operator_passwd(ctl->db, argv[optind], pw, &cause) == -1) {
		ctl_operator_fail(cmd, cause);
		goto out;
	}
	ctl_done(ctl, "operator %s has a new password", argv[optind]);
	rc = 0;
out:
	explicit_bzero(pw, sizeof pw);
	return (rc);
}

static int
ctl_operator_unlock(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "source", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*source = NULL, *login = NULL;
	char		*cause = NULL;
	int64_t		 id;
	int		 ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 's')
			return (ctl_usage());
		source = optarg;
	}
	if (source == NULL && optind == argc - 1)
		login = argv[optind];
	else if (source == NULL || optind != argc)
		return (ctl_usage());
	if (ctl_open(ctl, 0) == -1)
		return (1);
	if (db_unlock_request(ctl->db, login, source, &id, &cause) == -1)
		return (ctl_operator_fail("operator unlock", cause));
	ctl_done(ctl, "%s %s: unlock asked of arcd (request %lld; a running "
	    "arcd lifts the lock within a few seconds)", login != NULL ?
	    "login" : "source", login != NULL ? login : source, (long long)id);
	return (0);
}

int
ctl_operator(struct ctl *ctl, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "edit") == 0)
		return (ctl_operator_edit(ctl, argc - 1, argv + 1));
	if (argc >= 2 && strcmp(argv[1], "delete") == 0)
		return (ctl_operator_delete(ctl, argc - 1, argv + 1));
	if (argc >= 2 && strcmp(argv[1], "passwd") == 0)
		return (ctl_operator_passwd(ctl, argc - 1, argv + 1));
	if (argc >= 2 && strcmp(argv[1], "unlock") == 0)
		return (ctl_operator_unlock(ctl, argc - 1, argv + 1));
	return (ctl_people_operator(ctl, argc, argv));
}
