/*
 * ctl_audit.c -- arcctl's audit commands: the trail read back (who did
 * what, when) and its hash chain verified.
 *
 *	audit [list] [--since TIME] [--by ACTOR] [--json]
 *	audit verify [--head SEQ:HEX]
 *
 * Called by arcctl.c's main(); uses ctl.c's helpers. Single threaded.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ctl.h"
#include "db.h"
#include "runtime.h"

struct ctl_audit_list {
	struct ctl	*ctl;
	const char	*actor;		/* borrowed: only this actor's */
	int64_t		 n;
};

/* --head SEQ:HEX, as arcd logs it ("audit head: seq SEQ hash HEX"). */
static int
ctl_audit_args(int argc, char **argv, int64_t *seq, const char **hex)
{
	static const struct option opts[] = {
		{ "head", required_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char		*end;
	long long	 n;
	int		 ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'h')
			return (ctl_usage());
		errno = 0;
		n = strtoll(optarg, &end, 10);
		if (errno != 0 || end == optarg || n < 0 || *end != ':' ||
		    strlen(end + 1) < 8 || strlen(end + 1) > 64 ||
		    strspn(end + 1, "0123456789abcdefABCDEF") !=
		    strlen(end + 1)) {
			ctl_error("audit verify: --head %s: not SEQ:HEX (the "
			    "row and 8 to 64 hex digits of its hash, as arcd "
			    "logs them)", optarg);
			return (1);
		}
		*seq = n;
		*hex = end + 1;
	}
	if (optind != argc)
		return (ctl_usage());
	return (0);
}

static int
ctl_audit_verify(struct ctl *ctl, int argc, char **argv)
{
	const char	*hex = NULL;
	char		*cause = NULL;
	int64_t		 bad, rows, seq = 0;
	int		 rc;

	if ((rc = ctl_audit_args(argc, argv, &seq, &hex)) != 0)
		return (rc);
	if (ctl_open(ctl, 0) == -1)
		return (1);
	if (db_audit_verify(ctl->db, &bad, &rows, &cause) == -1 ||
	    (hex != NULL && db_audit_verify_logged(ctl->db, seq, hex,
	    &cause) == -1)) {
		ctl_error("audit: %s", cause);
		free(cause);
		return (1);
	}
	printf("audit: %lld rows checked, chain intact up to its head\n",
	    (long long)rows);
	if (hex != NULL)
		printf("audit: the logged head, row %lld %s, is in the chain\n",
		    (long long)seq, hex);
	return (0);
}

static int
ctl_audit_print(const struct db_audit_row *r, void *arg)
{
	struct ctl_audit_list	*l = arg;
	char			 at[40];

	if (l->actor != NULL && strcmp(r->actor, l->actor) != 0)
		return (0);
	l->n++;
	ctl_time_format(r->at, at, sizeof at);
	if (l->ctl->json) {
		json_array_append_new(l->ctl->array, json_pack("{s:I, s:s, "
		    "s:s, s:s, s:s, s:s}", "id", (json_int_t)r->id, "at", at,
		    "actor", r->actor, "action", r->action, "subject",
		    r->subject, "detail", r->detail));
		return (0);
	}
	printf("%6lld %-24s %-12s %-24s %-16s %s\n", (long long)r->id, at,
	    r->actor, r->action, r->subject, r->detail);
	return (0);
}

static int
ctl_audit_list(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "by", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl_audit_list	 l;
	int64_t			 since = 0;
	int			 ch;

	memset(&l, 0, sizeof l);
	l.ctl = ctl;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'j')
			ctl->json = 1;
		else if (ch == 'a')
			l.actor = optarg;
		else if (ch == 's') {
			if (ctl_time_parse(optarg, ctl_now(), &since) == -1) {
				ctl_error("audit: --since %s: not a time",
				    optarg);
				return (1);
			}
		} else
			return (ctl_usage());
	}
	if (optind != argc)
		return (ctl_usage());
	if (ctl_open(ctl, 0) == -1)
		return (1);
	if (ctl->json)
		ctl->array = json_array();
	else
		printf("%6s %-24s %-12s %-24s %-16s %s\n", "ROW", "AT",
		    "ACTOR", "ACTION", "SUBJECT", "DETAIL");
	if (db_audit_foreach(ctl->db, since, ctl_audit_print, &l) == -1) {
		ctl_error("audit: %s", db_errmsg(ctl->db));
		return (1);
	}
	if (ctl->json && ctl_json_flush(ctl) == -1)
		return (1);
	return (0);
}

int
ctl_audit(struct ctl *ctl, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return (ctl_audit_verify(ctl, argc - 1, argv + 1));
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return (ctl_audit_list(ctl, argc - 1, argv + 1));
	return (ctl_audit_list(ctl, argc, argv));
}
