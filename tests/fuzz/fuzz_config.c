/*
 * fuzz_config.c -- libFuzzer target for arc.conf: the input is the file's
 * text, run through config_defaults, config_load_mem and config_check as
 * arcd does.
 *
 * A failure is one line: "line N: why" with N a line of the input (for
 * config_check, which sees no lines, any reason), valid UTF-8 and no
 * control character but tab whatever the input held. After a load that succeeds
 * every integer key is within its bounds, the listeners and holds fit
 * their arrays and parse again, the slots past them are untouched and
 * every string is NUL-terminated text; after config_check there is a
 * DC-09 listener, a console one has its certificate and key, and the
 * clamped pairs are in order. The effective settings config_print writes
 * load again to the same config (unless a printed line is longer than a
 * line may be: then the load must refuse it).
 * FUZZ_VERBOSE=1 in the environment prints each result.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct config	fuzz_cfg, fuzz_again;

/* One line, valid UTF-8, no control character but tab. */
static void
fuzz_config_check_text(const char *s, size_t size)
{
	char	 why[64];

	if (memchr(s, '\0', size) == NULL)
		abort();			/* not NUL-terminated */
	if (db_text_check(s, why, sizeof why) != 0 || strpbrk(s, "\r\n") !=
	    NULL)
		abort();
}

/* "line N: why", N one of the input's lines. */
static void
fuzz_config_check_cause(const char *cause, const uint8_t *data, size_t size)
{
	const uint8_t	*p;
	char		*end;
	long		 line, lines = 0;

	if (cause == NULL)
		abort();
	fuzz_config_check_text(cause, strlen(cause) + 1);
	for (p = data; p < data + size; p++)
		lines += *p == '\n';
	lines += size > 0 && data[size - 1] != '\n';
	if (strncmp(cause, "line ", 5) != 0)
		abort();
	line = strtol(cause + 5, &end, 10);
	if (line < 1 || line > lines || strncmp(end, ": ", 2) != 0 ||
	    end[2] == '\0')
		abort();
}

static void
fuzz_config_check_listen(const struct config *cfg)
{
	const struct listen_spec	*l;
	struct sockaddr_storage		 ss;
	socklen_t			 sslen;
	size_t				 i;
	char				 zero[sizeof *l];

	if (cfg->nlisten > CONFIG_MAX_LISTEN)
		abort();
	for (i = 0; i < cfg->nlisten; i++) {
		l = &cfg->listen[i];
		if (l->kind >= LISTEN_KIND_MAX || l->text[0] == '\0')
			abort();
		fuzz_config_check_text(l->text, sizeof l->text);
		if (config_parse_addr(l->text, &ss, &sslen) != 0 ||
		    sslen != l->sslen || memcmp(&ss, &l->ss, sizeof ss) != 0)
			abort();
		if (!(l->ss.ss_family == AF_INET &&
		    l->sslen == sizeof(struct sockaddr_in)) &&
		    !(l->ss.ss_family == AF_INET6 &&
		    l->sslen == sizeof(struct sockaddr_in6)))
			abort();
	}
	memset(zero, 0, sizeof zero);
	for (; i < CONFIG_MAX_LISTEN; i++) {
		if (memcmp(&cfg->listen[i], zero, sizeof zero) != 0)
			abort();		/* written past the count */
	}
}

static void
fuzz_config_check_holds(const struct config *cfg)
{
	size_t	 i, n;

	if (cfg->nholds > nitems(cfg->holds))
		abort();
	for (i = 0; i < cfg->nholds; i++) {
		if (memchr(cfg->holds[i].code, '\0',
		    sizeof cfg->holds[i].code) == NULL)
			abort();
		n = strlen(cfg->holds[i].code);
		if (n < 2 || strspn(cfg->holds[i].code,
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != n)
			abort();
		if (cfg->holds[i].secs < 1 || cfg->holds[i].secs > 86400)
			abort();
	}
	for (; i < nitems(cfg->holds); i++) {
		if (cfg->holds[i].code[0] != '\0' || cfg->holds[i].secs != 0)
			abort();
	}
}

/* What holds after a load that succeeded. */
static void
fuzz_config_check(const struct config *cfg)
{
	const char	*name;
	size_t		 i;
	int		 v, min, max;

	for (i = 0; (name = config_int_key(cfg, i, &v, &min, &max)) != NULL;
	    i++) {
		if (min > max || v < min || v > max)
			abort();
	}
	if (i == 0)
		abort();
	fuzz_config_check_text(cfg->database, sizeof cfg->database);
	if (cfg->database[0] == '\0')
		abort();
	fuzz_config_check_text(cfg->tls_cert, sizeof cfg->tls_cert);
	fuzz_config_check_text(cfg->tls_key, sizeof cfg->tls_key);
	fuzz_config_check_listen(cfg);
	fuzz_config_check_holds(cfg);
}

/* What config_check promises. */
static void
fuzz_config_checked(const struct config *cfg)
{
	size_t	 i, ndev = 0;

	for (i = 0; i < cfg->nlisten; i++) {
		if (cfg->listen[i].kind == LISTEN_DC09_TCP ||
		    cfg->listen[i].kind == LISTEN_DC09_UDP)
			ndev++;
		if (cfg->listen[i].kind == LISTEN_CONSOLE &&
		    (cfg->tls_cert[0] == '\0' || cfg->tls_key[0] == '\0'))
			abort();
	}
	if (ndev == 0 || cfg->max_per_source > cfg->max_connections ||
	    cfg->dedupe_window_untimed > cfg->dedupe_window)
		abort();
}

/* config_print's output loads again to the same settings. */
static void
fuzz_config_reprint(const struct config *cfg)
{
	FILE	*f;
	char	*text = NULL, *cause = NULL, *p, *nl;
	size_t	 len = 0;
	int	 toolong = 0, rc;

	if ((f = open_memstream(&text, &len)) == NULL)
		abort();
	config_print(cfg, f);
	if (fclose(f) != 0)
		abort();
	for (p = text; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		toolong |= nl - p > CONFIG_LINE_MAX;
	config_defaults(&fuzz_again);
	rc = config_load_mem(&fuzz_again, text, len, &cause);
	if (toolong) {
		if (rc != -1 || strstr(cause, "longer than") == NULL)
			abort();
	} else if (rc != 0 || config_check(&fuzz_again, &cause) != 0 ||
	    memcmp(cfg, &fuzz_again, sizeof *cfg) != 0)
		abort();
	free(cause);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	*cfg = &fuzz_cfg;
	char		*cause = NULL;
	int		 rc;

	config_defaults(cfg);
	rc = config_load_mem(cfg, (const char *)data, size, &cause);
	if (getenv("FUZZ_VERBOSE") != NULL)	/* for whoever edits the corpus */
		fprintf(stderr, "load %d %s\n", rc, cause != NULL ? cause : "");
	if (rc != 0) {
		if (rc != -1)
			abort();
		fuzz_config_check_cause(cause, data, size);
		free(cause);
		return (0);
	}
	if (cause != NULL)
		abort();
	fuzz_config_check(cfg);
	rc = config_check(cfg, &cause);
	if (getenv("FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "check %d %s\n", rc, cause != NULL ? cause : "");
	if (rc != 0) {
		if (rc != -1 || cause == NULL)
			abort();
		fuzz_config_check_text(cause, strlen(cause) + 1);
		free(cause);
		return (0);
	}
	if (cause != NULL)
		abort();
	fuzz_config_check(cfg);
	fuzz_config_checked(cfg);
	fuzz_config_reprint(cfg);
	return (0);
}
