/*
 * arcctl.c -- arc's admin command line: main(), which picks the command,
 * and the commands that create the database, register and list units
 * and list stored events.
 *
 *	arcctl [-D database] [--actor NAME] [--dry-run] command ...
 *	arcctl --help | --version
 *
 *	init
 *	unit add ACCOUNT [--key ascii:KEY|hex:KEY] [--client ID]
 *	    [--interval SECONDS] [--protocol dc09|mqtt]
 *	unit list [--json] [--silent]
 *	events [--since TIME] [--json]
 *	unit link | zone add | client ... | responder add |
 *	    operator add				(ctl_people.c)
 *	unit|zone|client|responder edit|delete ...	(ctl_edit.c)
 *	operator edit|delete|passwd|unlock		(ctl_operator.c)
 *	export, unit import				(ctl_export.c)
 *	audit [list], audit verify			(ctl_audit.c)
 *
 * The database is -D, else $ARC_DB, else "arc.db". Only init creates it,
 * and the key file beside it ("<database>.key", 0600) that seals unit
 * keys (db_keyfile.c); init also seals keys stored in the clear before.
 * Keys are never printed: listings show how they are stored only. The usage
 * text and the helpers every command uses are in ctl.c.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "ctl.h"
#include "db.h"
#include "runtime.h"

/* --- init --- */

/* Create or migrate the database, make the key file, seal clear keys. */
static int
ctl_init(struct ctl *ctl, int argc, char **argv)
{
	struct db_keyfile	 kf;
	char			*cause = NULL;
	int			 n, rc = 1;

	(void)argv;
	if (argc != 1)
		return (ctl_usage());
	if (ctl->dry_run) {
		ctl_error("init: no --dry-run (it makes the database)");
		return (1);
	}
	if (ctl_open(ctl, DB_CREATE | DB_MIGRATE) == -1)
		return (1);
	printf("%s: schema version %d\n", ctl->path, db_version(ctl->db));
	if (ctl_keyfile(ctl, 1, &kf) == -1)
		return (1);
	if (db_unit_seal_keys(ctl->db, &kf, &n, &cause) == -1) {
		ctl_error("init: %s", cause);
		free(cause);
	} else {
		if (n > 0)
			printf("%d unit keys stored in the clear are now "
			    "sealed\n", n);
		rc = 0;
	}
	db_keyfile_clear(&kf);
	return (rc);
}

/* --- unit add / unit list --- */

static int
ctl_copy(char *dst, size_t size, const char *src, const char *what)
{
	if (strlen(src) >= size) {
		ctl_error("unit add: %s too long (at most %zu characters)",
		    what, size - 1);
		return (-1);
	}
	memcpy(dst, src, strlen(src) + 1);
	return (0);
}

static int
ctl_unit_interval(const char *s, int *interval)
{
	char		*end;
	long		 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 90000) {
		ctl_error("unit add: interval %s: not 0 or 20..90000 seconds",
		    s);
		return (-1);
	}
	*interval = (int)v;
	return (0);
}

/* Parse unit add's arguments into u; the key argument is wiped. */
static int
ctl_unit_args(int argc, char **argv, struct db_unit *u)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "client", required_argument, NULL, 'c' },
		{ "interval", required_argument, NULL, 'i' },
		{ "protocol", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch, rc = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'k') {
			rc |= ctl_copy(u->key, sizeof u->key, optarg, "key");
			explicit_bzero(optarg, strlen(optarg));
		} else if (ch == 'c')
			rc |= ctl_copy(u->client, sizeof u->client, optarg,
			    "client");
		else if (ch == 'i')
			rc |= ctl_unit_interval(optarg, &u->interval);
		else if (ch == 'p')
			rc |= ctl_copy(u->protocol, sizeof u->protocol, optarg,
			    "protocol");
		else {
			ctl_usage();
			return (-1);
		}
	}
	if (optind != argc - 1) {
		ctl_usage();
		return (-1);
	}
	if (rc != 0)
		return (-1);
	if (strlen(argv[optind]) >= sizeof u->account) {
		ctl_error("unit add: account %s: not 3-16 hex digits",
		    argv[optind]);
		return (-1);
	}
	memcpy(u->account, argv[optind], strlen(argv[optind]) + 1);
	return (0);
}

static int
ctl_unit_add(struct ctl *ctl, int argc, char **argv)
{
	struct db_unit		 u;
	struct db_keyfile	 kf;
	char			*cause = NULL;
	int			 rc;

	memset(&u, 0, sizeof u);
	memset(&kf, 0, sizeof kf);
	snprintf(u.protocol, sizeof u.protocol, "dc09");
	rc = ctl_unit_args(argc, argv, &u);
	if (rc == 0 && ctl_open(ctl, 0) == -1)
		rc = -1;
	if (rc == 0 && u.key[0] != '\0' && ctl_keyfile(ctl, 0, &kf) == -1)
		rc = -1;
	if (rc == 0 && db_unit_add(ctl->db, &u, u.key[0] != '\0' ? &kf : NULL,
	    &cause) == -1) {
		ctl_error("unit add: %s", cause);
		free(cause);
		rc = -1;
	}
	if (rc == 0)
		ctl_done(ctl, "unit %s added", u.account);
	explicit_bzero(&u, sizeof u);
	db_keyfile_clear(&kf);
	return (rc == 0 ? 0 : 1);
}

/* How a key is stored: "sealed", or in the clear (stored before). */
static const char *
ctl_key_encoding(const char *key)
{
	if (db_keyfile_sealed(key))
		return ("sealed");
	if (strncmp(key, "ascii:", 6) == 0)
		return ("ascii");
	if (strncmp(key, "hex:", 4) == 0)
		return ("hex");
	return (key[0] == '\0' ? "-" : "?");
}

static int
ctl_unit_print(const struct db_unit *u, void *arg)
{
	struct ctl	*ctl = arg;
	char		 seen[40], iv[16], silent[40];

	if (ctl->silent_only && u->silent_since == 0)
		return (0);
	if (u->silent_since != 0)
		ctl_time_format(u->silent_since, silent, sizeof silent);
	else
		snprintf(silent, sizeof silent, "-");
	if (u->last_seen != 0)
		ctl_time_format(u->last_seen, seen, sizeof seen);
	else
		snprintf(seen, sizeof seen, "never");
	if (ctl->json) {
		json_array_append_new(ctl->array, json_pack(
		    "{s:s, s:s, s:s?, s:s, s:i, s:s?, s:s?}",
		    "account", u->account, "protocol", u->protocol,
		    "key", u->key[0] != '\0' ? ctl_key_encoding(u->key) : NULL,
		    "client", u->client, "interval", u->interval,
		    "last_seen", u->last_seen != 0 ? seen : NULL,
		    "silent_since", u->silent_since != 0 ? silent : NULL));
		return (0);
	}
	if (u->interval != 0)
		snprintf(iv, sizeof iv, "%d", u->interval);
	else
		snprintf(iv, sizeof iv, "default");
	printf("%-16s %-8s %-6s %-16s %8s %-24s %s\n", u->account,
	    u->protocol, ctl_key_encoding(u->key), u->client[0] != '\0' ?
	    u->client : "-", iv, seen, silent);
	return (0);
}

static int
ctl_unit_list(struct ctl *ctl, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[argc - 1], "--silent") == 0) {
		ctl->silent_only = 1;	/* units that missed their deadline */
		argc--;
	}
	if (ctl_json_arg(argc, argv, ctl) == -1)
		return (ctl_usage());
	if (ctl_open(ctl, 0) == -1)
		return (1);
	if (ctl->json)
		ctl->array = json_array();
	else
		printf("%-16s %-8s %-6s %-16s %8s %-24s %s\n", "ACCOUNT",
		    "PROTOCOL", "KEY", "CLIENT", "INTERVAL", "LAST SEEN",
		    "SILENT SINCE");
	if (db_unit_foreach(ctl->db, ctl_unit_print, ctl) == -1) {
		ctl_error("unit list: %s", db_errmsg(ctl->db));
		return (1);
	}
	if (ctl->json && ctl_json_flush(ctl) == -1)
		return (1);
	return (0);
}

static int
ctl_unit(struct ctl *ctl, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return (ctl_unit_add(ctl, argc - 1, argv + 1));
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return (ctl_unit_list(ctl, argc - 1, argv + 1));
	if (argc >= 2 && strcmp(argv[1], "link") == 0)
		return (ctl_people_unit_link(ctl, argc - 1, argv + 1));
	return (ctl_usage());
}

/* --- events --- */

/* "unregistered,encrypted,unknown-code" or "-"; names into list too. */
static void
ctl_flags(int flags, char *buf, size_t size, json_t *list)
{
	static const struct {
		int		 flag;
		const char	*name;
	} names[] = {
		{ EVENT_UNREGISTERED, "unregistered" },
		{ EVENT_ENCRYPTED, "encrypted" },
		{ EVENT_UNKNOWN_CODE, "unknown-code" },
	};
	size_t	 i, off = 0;
	int	 n;

	snprintf(buf, size, "-");
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(flags & names[i].flag))
			continue;
		if (list != NULL)
			json_array_append_new(list, json_string(names[i].name));
		n = snprintf(buf + off, size - off, "%s%s", off ? "," : "",
		    names[i].name);
		if (n < 0 || (size_t)n >= size - off)
			break;
		off += n;
	}
}

static json_t *
ctl_event_json(const struct db_event *ev, const char *at, const char *cls)
{
	json_t	*flags = json_array();
	char	 buf[64];

	ctl_flags(ev->flags, buf, sizeof buf, flags);
	return (json_pack("{s:I, s:s, s:I, s:s, s:s, s:i, s:s, s:s, s:s, "
	    "s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:o, s:s, s:i}",
	    "id", (json_int_t)ev->id, "received_at", at,
	    "received_at_ms", (json_int_t)ev->received_at,
	    "protocol", ev->protocol, "account", ev->account, "seq", ev->seq,
	    "token", ev->token, "code", ev->code, "raw_code", ev->raw_code,
	    "class", cls, "qualifier", ev->qualifier, "area", ev->area,
	    "zone", ev->zone, "text", ev->text, "location", ev->location,
	    "dup_count", ev->dup_count, "flags", flags, "source", ev->source,
	    "part", ev->part));
}

static int
ctl_event_print(const struct db_event *ev, void *arg)
{
	struct ctl	*ctl = arg;
	char		 at[40], cls[8], flags[64];

	ctl_time_format(ev->received_at, at, sizeof at);
	if (ev->class >= 1 && ev->class <= 4)
		snprintf(cls, sizeof cls, "P%d", ev->class);
	else
		snprintf(cls, sizeof cls, "-");
	if (ctl->json) {
		json_array_append_new(ctl->array, ctl_event_json(ev, at, cls));
		return (0);
	}
	ctl_flags(ev->flags, flags, sizeof flags, NULL);
	printf("%-24s %-16s %4d %-8s %-4s %-2s %-5s %3d %-12s %s\n", at,
	    ev->account, ev->seq, ev->token, ev->code[0] ? ev->code : "-",
	    cls, ev->zone[0] ? ev->zone : "-", ev->dup_count, flags,
	    ev->source[0] ? ev->source : "-");
	return (0);
}

static int
ctl_events_args(struct ctl *ctl, int argc, char **argv, int64_t *since)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'j')
			ctl->json = 1;
		else if (ch == 's') {
			if (ctl_time_parse(optarg, ctl_now(), since) == -1) {
				ctl_error("events: --since %s: not a time",
				    optarg);
				return (-1);
			}
		} else {
			ctl_usage();
			return (-1);
		}
	}
	if (optind != argc) {
		ctl_usage();
		return (-1);
	}
	return (0);
}

static int
ctl_events(struct ctl *ctl, int argc, char **argv)
{
	int64_t	 since = 0;

	if (ctl_events_args(ctl, argc, argv, &since) == -1)
		return (1);
	if (ctl_open(ctl, 0) == -1)
		return (1);
	if (ctl->json)
		ctl->array = json_array();
	else
		printf("%-24s %-16s %4s %-8s %-4s %-2s %-5s %3s %-12s %s\n",
		    "RECEIVED", "ACCOUNT", "SEQ", "TOKEN", "CODE", "CL",
		    "ZONE", "DUP", "FLAGS", "SOURCE");
	if (db_event_foreach(ctl->db, since, ctl_event_print, ctl) == -1) {
		ctl_error("events: %s", db_errmsg(ctl->db));
		return (1);
	}
	if (ctl->json && ctl_json_flush(ctl) == -1)
		return (1);
	return (0);
}

/* The command's handler: argv[0] is the command, argv[1] what it does. */
static int
ctl_command(struct ctl *ctl, int argc, char **argv)
{
	const char	*cmd = argv[0], *sub = argc >= 2 ? argv[1] : "";
	int		 edit;

	edit = strcmp(sub, "edit") == 0 || strcmp(sub, "delete") == 0;
	if (strcmp(cmd, "init") == 0)
		return (ctl_init(ctl, argc, argv));
	if (strcmp(cmd, "unit") == 0 && strcmp(sub, "import") == 0)
		return (ctl_export_unit_import(ctl, argc - 1, argv + 1));
	if (strcmp(cmd, "unit") == 0)
		return (edit ? ctl_edit_unit(ctl, argc, argv) :
		    ctl_unit(ctl, argc, argv));
	if (strcmp(cmd, "events") == 0)
		return (ctl_events(ctl, argc, argv));
	if (strcmp(cmd, "audit") == 0)
		return (ctl_audit(ctl, argc, argv));
	if (strcmp(cmd, "export") == 0)
		return (ctl_export(ctl, argc, argv));
	if (strcmp(cmd, "client") == 0)
		return (edit || strcmp(sub, "unlink-responder") == 0 ?
		    ctl_edit_client(ctl, argc, argv) :
		    ctl_people_client(ctl, argc, argv));
	if (strcmp(cmd, "zone") == 0)
		return (edit ? ctl_edit_zone(ctl, argc, argv) :
		    ctl_people_zone(ctl, argc, argv));
	if (strcmp(cmd, "responder") == 0)
		return (edit ? ctl_edit_responder(ctl, argc, argv) :
		    ctl_people_responder(ctl, argc, argv));
	if (strcmp(cmd, "operator") == 0)
		return (ctl_operator(ctl, argc, argv));
	return (ctl_usage());
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl	 ctl;
	int		 ch, rc;

	umask(077);		/* what arcctl creates is private */
	memset(&ctl, 0, sizeof ctl);
	log_init("arcctl", 1, 0);
	if ((ctl.path = getenv("ARC_DB")) == NULL || *ctl.path == '\0')
		ctl.path = "arc.db";
	if (ctl_global_args(&ctl, &argc, argv) == -1)
		return (1);
	if (ctl.help)
		return (ctl_help());
	while ((ch = getopt_long(argc, argv, "+D:h", opts, NULL)) != -1) {
		if (ch == 'D')
			ctl.path = optarg;
		else if (ch == 'h')
			return (ctl_help());
		else if (ch == 'V') {
			printf("arcctl %s\n", ARC_VERSION);
			return (0);
		} else
			return (ctl_usage());
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return (ctl_usage());
	rc = ctl_command(&ctl, argc, argv);
	json_decref(ctl.array);
	db_close(ctl.db);
	return (rc);
}
