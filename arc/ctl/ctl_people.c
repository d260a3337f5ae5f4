/*
 * ctl_people.c -- arcctl's commands for the people of an alarm:
 *
 *	unit link ACCOUNT REF
 *	zone add ACCOUNT ZONE LABEL
 *	client add REF --name NAME [--born YYYY-MM-DD] [--address A]
 *	    [--phone P] [--language L] [--medical M] [--access A]
 *	    [--level L1..L4]
 *	client import FILE.csv
 *	client list [--json]
 *	client show REF [--json]
 *	client link-responder REF RESPONDER_ID [--rank N]
 *	responder add --name N --phones P [--relation R] [--availability A]
 *	    [--reach mqtt|command]
 *	operator add LOGIN --name NAME [--role operator|supervisor]
 *	    [--password-file FILE]
 *
 * Changes are audited by db/ with the person (--actor); reading a
 * client's card is audited here. A password is read from the first line
 * of a file only its owner may read (0600, else refused), of the standard
 * input (--password-file -) or from the terminal with echo off, never
 * printed, and wiped after use (ctl_people_password, also for operator
 * passwd).
 *
 * Called by arcctl.c's main(); uses ctl.c's helpers. Single threaded.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <jansson.h>

#include "ctl.h"
#include "db.h"
#include "runtime.h"


/* --- unit link, zone add --- */

int
ctl_people_unit_link(struct ctl *ctl, int argc, char **argv)
{
	char	*cause = NULL;

	if (argc != 3)
		return (ctl_usage());
	if (ctl_open(ctl, 0) == -1)
		return (1);
	if (db_unit_link(ctl->db, argv[1], argv[2], &cause) == -1) {
		ctl_error("unit link: %s", cause);
		free(cause);
		return (1);
	}
	ctl_done(ctl, "unit %s linked to client %s", argv[1], argv[2]);
	return (0);
}

int
ctl_people_zone(struct ctl *ctl, int argc, char **argv)
{
	char	*cause = NULL;

	if (argc != 5 || strcmp(argv[1], "add") != 0)
		return (ctl_usage());
	if (ctl_open(ctl, 0) == -1)
		return (1);
	if (db_zone_add(ctl->db, argv[2], argv[3], argv[4], &cause) == -1) {
		ctl_error("zone add: %s", cause);
		free(cause);
		return (1);
	}
	ctl_done(ctl, "unit %s zone %s: %s", argv[2], argv[3], argv[4]);
	return (0);
}

/* --- client add --- */

/* client add's (and edit's) options into c: only those given change. */
int
ctl_people_client_args(int argc, char **argv, struct db_client *c,
    const char *cmd)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "born", required_argument, NULL, 'b' },
		{ "address", required_argument, NULL, 'a' },
		{ "phone", required_argument, NULL, 'p' },
		{ "language", required_argument, NULL, 'L' },
		{ "medical", required_argument, NULL, 'm' },
		{ "access", required_argument, NULL, 'A' },
		{ "level", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	int		 ch, i, rc = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, &i)) != -1) {
		switch (ch) {
		case 'n':
			rc |= ctl_field(c->name, sizeof c->name, optarg, cmd,
			    "name");
			break;
		case 'b':
			rc |= ctl_field(c->born, sizeof c->born, optarg, cmd,
			    "born");
			break;
		case 'a':
			rc |= ctl_field(c->address, sizeof c->address, optarg,
			    cmd, "address");
			break;
		case 'p':
			rc |= ctl_field(c->phone, sizeof c->phone, optarg, cmd,
			    "phone");
			break;
		case 'L':
			rc |= ctl_field(c->language, sizeof c->language, optarg,
			    cmd, "language");
			break;
		case 'm':
			rc |= ctl_field(c->medical, sizeof c->medical, optarg,
			    cmd, "medical");
			break;
		case 'A':
			rc |= ctl_field(c->access, sizeof c->access, optarg,
			    cmd, "access");
			break;
		case 'l':
			rc |= ctl_field(c->level, sizeof c->level, optarg, cmd,
			    "level");
			break;
		default:
			ctl_usage();
			return (-1);
		}
	}
	if (optind != argc - 1) {
		ctl_usage();
		return (-1);
	}
	if (rc != 0 || ctl_field(c->ref, sizeof c->ref, argv[optind], cmd,
	    "ref") == -1)
		return (-1);
	return (0);
}

static int
ctl_client_add(struct ctl *ctl, int argc, char **argv)
{
	struct db_client	 c;
	char			*cause = NULL;
	int			 rc = 1;

	memset(&c, 0, sizeof c);
	if (ctl_people_client_args(argc, argv, &c, "client add") == -1 ||
	    ctl_open(ctl, 0) == -1)
		goto out;
	if (db_client_add(ctl->db, &c, &cause) == -1) {
		ctl_error("client add: %s: %s", c.ref, cause);
		free(cause);
		goto out;
	}
	ctl_done(ctl, "client %s added", c.ref);
	rc = 0;
out:
	explicit_bzero(&c, sizeof c);
	return (rc);
}

/* --- client import --- */

static int
ctl_client_import(struct ctl *ctl, int argc, char **argv)
{
	char	*buf, *cause = NULL, *line, *next;
	size_t	 len, n;
	int	 nerr = 0;

	if (argc != 2)
		return (ctl_usage());
	if (ctl_read_file(argv[1], &buf, &len) == -1)
		return (1);
	if (ctl_open(ctl, 0) == -1) {
		free(buf);
		return (1);
	}
	if (db_client_import(ctl->db, argv[1], buf, len, &n, &cause) == 0) {
		ctl_done(ctl, "imported %zu clients", n);
		explicit_bzero(buf, len);
		free(buf);
		return (0);
	}
	for (line = cause; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		ctl_error("%s", line);
		nerr++;
	}
	ctl_error("client import: %d error%s, nothing imported", nerr,
	    nerr == 1 ? "" : "s");
	free(cause);
	explicit_bzero(buf, len);
	free(buf);
	return (1);
}

/* --- client list, client show --- */

static json_t *
ctl_client_json(const struct db_client *c)
{
	return (json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "ref", c->ref, "name", c->name, "born", c->born,
	    "address", c->address, "phone", c->phone,
	    "language", c->language, "medical", c->medical,
	    "access", c->access, "level", c->level));
}

static int
ctl_client_print(const struct db_client *c, void *arg)
{
	struct ctl	*ctl = arg;

	if (ctl->json)
		json_array_append_new(ctl->array, ctl_client_json(c));
	else
		printf("%-12s %-30s %-10s %-5s %s\n", c->ref, c->name,
		    c->born[0] != '\0' ? c->born : "-", c->level,
		    c->phone[0] != '\0' ? c->phone : "-");
	return (0);
}

static int
ctl_client_list(struct ctl *ctl, int argc, char **argv)
{
	if (ctl_json_arg(argc, argv, ctl) == -1)
		return (ctl_usage());
	if (ctl_open(ctl, 0) == -1)
		return (1);
	if (ctl->json)
		ctl->array = json_array();
	else
		printf("%-12s %-30s %-10s %-5s %s\n", "REF", "NAME", "BORN",
		    "LEVEL", "PHONE");
	if (db_client_foreach(ctl->db, ctl_client_print, ctl) == -1 ||
	    db_audit(ctl->db, ctl->actor, "client list", "", "") == -1) {
		ctl_error("client list: %s", db_errmsg(ctl->db));
		return (1);
	}
	if (ctl->json && ctl_json_flush(ctl) == -1)
		return (1);
	return (0);
}

static int
ctl_show_unit(const struct db_unit *u, void *arg)
{
	json_t	*units = arg;
	char	 seen[40];

	if (u->last_seen != 0)
		ctl_time_format(u->last_seen, seen, sizeof seen);
	else
		snprintf(seen, sizeof seen, "never");
	if (units != NULL)
		json_array_append_new(units, json_pack("{s:s, s:s, s:s}",
		    "account", u->account, "protocol", u->protocol,
		    "last_seen", seen));
	else
		printf("%-12s %s (%s), last seen %s\n", "unit", u->account,
		    u->protocol, seen);
	return (0);
}

static int
ctl_show_responder(const struct db_responder *r, void *arg)
{
	json_t	*list = arg;

	if (list != NULL)
		json_array_append_new(list, json_pack("{s:i, s:I, s:s, s:s, "
		    "s:s, s:s}", "rank", r->rank, "id", (json_int_t)r->id,
		    "name", r->name, "relation", r->relation,
		    "phones", r->phones, "availability", r->availability));
	else
		printf("%-12s %d. %s%s%s%s, %s%s%s\n", "responder", r->rank,
		    r->name, r->relation[0] ? " (" : "", r->relation,
		    r->relation[0] ? ")" : "", r->phones,
		    r->availability[0] ? ", " : "", r->availability);
	return (0);
}

static void
ctl_show_text(const struct db_client *c)
{
	const struct {
		const char	*label;
		const char	*value;
	} f[] = {
		{ "ref", c->ref }, { "name", c->name }, { "born", c->born },
		{ "address", c->address }, { "phone", c->phone },
		{ "language", c->language }, { "medical", c->medical },
		{ "access", c->access }, { "level", c->level },
	};
	size_t	 i;

	for (i = 0; i < sizeof f / sizeof f[0]; i++)
		printf("%-12s %s\n", f[i].label, f[i].value[0] != '\0' ?
		    f[i].value : "-");
}

static int
ctl_client_show(struct ctl *ctl, int argc, char **argv)
{
	struct db_client	 c;
	json_t			*card = NULL, *units = NULL, *resp = NULL;
	int			 rc = 1;

	if (argc == 3 && strcmp(argv[2], "--json") == 0)
		ctl->json = 1;
	else if (argc != 2)
		return (ctl_usage());
	if (ctl_open(ctl, 0) == -1)
		return (1);
	if (db_client_by_ref(ctl->db, argv[1], &c) == -1) {
		ctl_error("client show: no client %s", argv[1]);
		return (1);
	}
	if (ctl->json) {
		card = ctl_client_json(&c);
		units = json_array();
		resp = json_array();
	} else
		ctl_show_text(&c);
	if (db_client_units(ctl->db, c.ref, ctl_show_unit, units) == -1 ||
	    db_client_responders(ctl->db, c.id, ctl_show_responder,
	    resp) == -1 ||
	    db_audit(ctl->db, ctl->actor, "client show", c.ref, "") == -1) {
		ctl_error("client show: %s", db_errmsg(ctl->db));
		goto out;
	}
	rc = 0;
	if (card != NULL) {
		json_object_set(card, "units", units);
		json_object_set(card, "responders", resp);
		rc = json_dumpf(card, stdout, JSON_INDENT(2)) == 0 ? 0 : 1;
		fputc('\n', stdout);
	}
out:
	json_decref(card);
	json_decref(units);
	json_decref(resp);
	explicit_bzero(&c, sizeof c);
	return (rc);
}

static int
ctl_client_link(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rank", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	long long	 id, rank = 0;
	char		*cause = NULL;
	int		 ch, got;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'r')
			return (ctl_usage());
		if (ctl_number(optarg, 99, &rank) == -1) {
			ctl_error("client link-responder: --rank %s: not 1-99",
			    optarg);
			return (1);
		}
	}
	if (optind != argc - 2)
		return (ctl_usage());
	if (ctl_number(argv[optind + 1], INT64_MAX, &id) == -1) {
		ctl_error("client link-responder: %s: not a responder id",
		    argv[optind + 1]);
		return (1);
	}
	if (ctl_open(ctl, 0) == -1)
		return (1);
	if (db_client_link_responder(ctl->db, argv[optind], id, (int)rank,
	    &got, &cause) == -1) {
		ctl_error("client link-responder: %s", cause);
		free(cause);
		return (1);
	}
	ctl_done(ctl, "responder %lld is rank %d of client %s", id, got,
	    argv[optind]);
	return (0);
}

int
ctl_people_client(struct ctl *ctl, int argc, char **argv)
{
	if (argc < 2)
		return (ctl_usage());
	if (strcmp(argv[1], "add") == 0)
		return (ctl_client_add(ctl, argc - 1, argv + 1));
	if (strcmp(argv[1], "import") == 0)
		return (ctl_client_import(ctl, argc - 1, argv + 1));
	if (strcmp(argv[1], "list") == 0)
		return (ctl_client_list(ctl, argc - 1, argv + 1));
	if (strcmp(argv[1], "show") == 0)
		return (ctl_client_show(ctl, argc - 1, argv + 1));
	if (strcmp(argv[1], "link-responder") == 0)
		return (ctl_client_link(ctl, argc - 1, argv + 1));
	return (ctl_usage());
}

/* --- responder add --- */

int
ctl_people_responder(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "phones", required_argument, NULL, 'p' },
		{ "relation", required_argument, NULL, 'r' },
		{ "availability", required_argument, NULL, 'a' },
		{ "reach", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	const char		*cmd = "responder add";
	struct db_responder	 r;
	char			*cause = NULL;
	int64_t			 id;
	int			 ch, rc = 0;

	if (argc < 2 || strcmp(argv[1], "add") != 0)
		return (ctl_usage());
	argc--;
	argv++;
	memset(&r, 0, sizeof r);
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'n')
			rc |= ctl_field(r.name, sizeof r.name, optarg, cmd,
			    "name");
		else if (ch == 'p')
			rc |= ctl_field(r.phones, sizeof r.phones, optarg, cmd,
			    "phones");
		else if (ch == 'r')
			rc |= ctl_field(r.relation, sizeof r.relation, optarg,
			    cmd, "relation");
		else if (ch == 'a')
			rc |= ctl_field(r.availability, sizeof r.availability,
			    optarg, cmd, "availability");
		else if (ch == 'R')
			rc |= ctl_field(r.reach, sizeof r.reach, optarg, cmd,
			    "reach");
		else
			return (ctl_usage());
	}
	if (optind != argc)
		return (ctl_usage());
	if (rc != 0 || ctl_open(ctl, 0) == -1)
		return (1);
	if (db_responder_add(ctl->db, &r, &id, &cause) == -1) {
		ctl_error("%s", cause);
		free(cause);
		return (1);
	}
	if (ctl->dry_run)
		ctl_done(ctl, "responder %lld added", (long long)id);
	else
		printf("%lld\n", (long long)id);
	return (0);
}

/* --- operator add --- */

static volatile sig_atomic_t ctl_signo;

static void
ctl_signal(int signo)
{
	ctl_signo = signo;
}

/* Strip the line break; 0, or -1 if there was none and the line is full. */
static int
ctl_chomp(char *s, size_t size)
{
	size_t	 len = strlen(s);

	if (len > 0 && s[len - 1] == '\n')
		s[--len] = '\0';
	else if (len == size - 1)
		return (-1);
	if (len > 0 && s[len - 1] == '\r')
		s[--len] = '\0';
	return (0);
}

/*
 * Read a line from the terminal with echo off (readpassphrase-style: the
 * terminal is restored even if a signal interrupts, then the signal is
 * re-raised). 0 or -1.
 */
static int
ctl_tty_read(int fd, const char *prompt, char *buf, size_t size)
{
	static const int	 sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT,
	    SIGTSTP };
	struct sigaction	 sa, old[5];
	struct termios		 t, saved;
	size_t			 len = 0, i;
	ssize_t			 n = 0;
	char			 c;
	int			 rc = 0;

	if (tcgetattr(fd, &saved) == -1)
		return (-1);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = ctl_signal;		/* no SA_RESTART: read stops */
	sigemptyset(&sa.sa_mask);
	ctl_signo = 0;
	for (i = 0; i < 5; i++)
		sigaction(sigs[i], &sa, &old[i]);
	t = saved;
	t.c_lflag &= ~(ECHO | ECHONL);
	if (tcsetattr(fd, TCSAFLUSH, &t) == -1)
		rc = -1;
	if (rc == 0 && write(fd, prompt, strlen(prompt)) == -1)
		rc = -1;
	while (rc == 0 && (n = read(fd, &c, 1)) == 1 && c != '\n') {
		if (len < size - 1)
			buf[len++] = c;
	}
	if (rc == 0 && (n != 1 || ctl_signo != 0))
		rc = -1;
	buf[len] = '\0';
	c = 0;
	tcsetattr(fd, TCSAFLUSH, &saved);
	if (write(fd, "\n", 1) == -1)
		rc = -1;
	for (i = 0; i < 5; i++)
		sigaction(sigs[i], &old[i], NULL);
	if (ctl_signo != 0) {
		explicit_bzero(buf, size);
		raise(ctl_signo);
	}
	return (rc);
}

/* The password twice from /dev/tty; 0 or -1 (reported). */
static int
ctl_password_tty(const char *cmd, const char *login, char *pw, size_t size)
{
	char	 again[CTL_PASSWORD], prompt[80];
	int	 fd, rc = -1;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1) {
		ctl_error("%s: no terminal to ask for the password; "
		    "use --password-file", cmd);
		return (-1);
	}
	snprintf(prompt, sizeof prompt, "Password for %s: ", login);
	if (ctl_tty_read(fd, prompt, pw, size) == -1 ||
	    ctl_tty_read(fd, "Again: ", again, sizeof again) == -1)
		ctl_error("%s: cannot read the password", cmd);
	else if (strcmp(pw, again) != 0)
		ctl_error("%s: the passwords differ", cmd);
	else
		rc = 0;
	explicit_bzero(again, sizeof again);
	close(fd);
	return (rc);
}

/*
 * The first line of path, a file only its owner may read, or of the
 * standard input ("-"); 0 or -1.
 */
static int
ctl_password_file(const char *cmd, const char *path, char *pw, size_t size)
{
	FILE	*f;
	char	*cause = NULL;
	int	 rc = 0;

	if (strcmp(path, "-") == 0) {
		f = stdin;
		path = "the standard input";
		setvbuf(f, NULL, _IONBF, 0);	/* no stdio copy */
	} else if ((f = secfile_open("--password-file", path,
	    &cause)) == NULL) {		/* unbuffered: no stdio copy */
		ctl_error("%s: %s", cmd, cause);
		free(cause);
		return (-1);
	}
	if (fgets(pw, size, f) == NULL) {
		ctl_error("%s: %s: no password in it", cmd, path);
		rc = -1;
	} else if (ctl_chomp(pw, size) == -1) {
		ctl_error("%s: %s: password longer than %zu characters", cmd,
		    path, size - 3);
		rc = -1;
	}
	if (f != stdin)
		fclose(f);
	return (rc);
}

/*
 * A new password for login: from file (or "-", the standard input) if
 * given, else asked twice on the terminal; at least DB_PASSWORD_MIN
 * characters. 0 or -1 (reported). Wipe pw after use.
 */
int
ctl_people_password(const char *cmd, const char *login, const char *file,
    char *pw, size_t size)
{
	if (file != NULL ? ctl_password_file(cmd, file, pw, size) :
	    ctl_password_tty(cmd, login, pw, size))
		return (-1);
	if (strlen(pw) < DB_PASSWORD_MIN) {
		ctl_error("%s: the password is shorter than %d characters",
		    cmd, DB_PASSWORD_MIN);
		return (-1);
	}
	return (0);
}

static int
ctl_operator_args(int argc, char **argv, struct db_operator *op,
    const char **file)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "role", required_argument, NULL, 'r' },
		{ "password-file", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*cmd = "operator add";
	int		 ch, rc = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'n')
			rc |= ctl_field(op->name, sizeof op->name, optarg, cmd,
			    "name");
		else if (ch == 'r')
			rc |= ctl_field(op->role, sizeof op->role, optarg, cmd,
			    "role");
		else if (ch == 'p')
			*file = optarg;
		else {
			ctl_usage();
			return (-1);
		}
	}
	if (optind != argc - 1) {
		ctl_usage();
		return (-1);
	}
	if (rc != 0 || ctl_field(op->login, sizeof op->login, argv[optind],
	    cmd, "login") == -1)
		return (-1);
	if (op->name[0] == '\0') {
		ctl_error("operator add: --name is required");
		return (-1);
	}
	return (0);
}

int
ctl_people_operator(struct ctl *ctl, int argc, char **argv)
{
	struct db_operator	 op;
	const char		*file = NULL;
	char			 pw[CTL_PASSWORD], *cause = NULL;
	int			 rc = 1;

	if (argc < 2 || strcmp(argv[1], "add") != 0)
		return (ctl_usage());
	memset(&op, 0, sizeof op);
	memset(pw, 0, sizeof pw);
	if (ctl_operator_args(argc - 1, argv + 1, &op, &file) == -1)
		return (1);
	if (ctl_open(ctl, 0) == -1)
		return (1);
	if (ctl_people_password("operator add", op.login, file, pw,
	    sizeof pw) == -1)
		goto out;
	if (db_operator_add(ctl->db, &op, pw, &cause) == -1) {
		ctl_error("operator add: %s", cause);
		free(cause);
		goto out;
	}
	ctl_done(ctl, "operator %s added (%s)", op.login,
	    op.role[0] != '\0' ? op.role : "operator");
	rc = 0;
out:
	explicit_bzero(pw, sizeof pw);
	return (rc);
}
