/*
 * test_config.c -- arc.conf's parser (config.c), linked with what it uses
 * below it (db_text.c, the runtime) and inih: the values a good file
 * gives, the error each bad one gets (its line, why), the file read the
 * same way as the text, and config_print's output loading back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "arc.h"

#define LISTEN	"listen = dc09-tcp=127.0.0.1:7000\n"

static int
load(struct config *cfg, const char *text, size_t len, char **cause)
{
	config_defaults(cfg);
	*cause = NULL;
	return (config_load_mem(cfg, text, len, cause));
}

static void
test_good(void **state)
{
	static const char text[] = "\xef\xbb\xbf[arcd] ; one section\r\n"
	    "  database = /srv/arc/b\xc3\xa4r.db ; a comment\r\n"
	    "\t" LISTEN
	    "listen: dc09-udp=[::1]:7001\n"
	    "idle_timeout = 60\n"
	    "hold = AT:300\n"
	    "hold = 301:5";
	struct config	 cfg;
	char		*cause;

	(void)state;
	assert_int_equal(load(&cfg, text, sizeof text - 1, &cause), 0);
	assert_null(cause);
	assert_string_equal(cfg.database, "/srv/arc/b\xc3\xa4r.db");
	assert_int_equal(cfg.nlisten, 2);
	assert_int_equal(cfg.listen[1].kind, LISTEN_DC09_UDP);
	assert_string_equal(cfg.listen[1].text, "[::1]:7001");
	assert_int_equal(cfg.idle_timeout, 60);
	assert_int_equal(cfg.nholds, 2);
	assert_string_equal(cfg.holds[1].code, "301");
	assert_int_equal(cfg.holds[1].secs, 5);
	assert_int_equal(config_check(&cfg, &cause), 0);
}

static void
test_errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*cause;
	} cases[] = {
		{ "[arcd]\nidle_timeout = 5\n\tidle_timeout = 6\n",
		  "line 3: idle_timeout given twice (first on line 2)" },
		{ "[arcd]\n" LISTEN "  dc09-udp=127.0.0.1:7000\n",
		  "line 3: unknown key dc09-udp" },
		{ "[arcd]\nwhat is this\nnosuch = 1\n",
		  "line 2: not key = value, [section] or a comment" },
		{ "[arcd]\nnosuch = 1\nwhat is this\n",
		  "line 2: unknown key nosuch" },
		{ "idle_timeout = 5\n[arcd]\n",
		  "line 1: idle_timeout before [arcd]" },
		{ "[arcd] " LISTEN, "line 1: text after ']' at byte 8" },
		{ "[arcd]\n[other]\n", "line 2: unknown section [other]" },
		{ "[arcd]\n= 5\n", "line 2: no key before '='" },
		{ "[arcd]\ntls_cert =;c.pem\n",
		  "line 2: tls_cert = ;c.pem: a value may not start with ';'" },
		{ "[arcd]\ndatabase = a\rb\n",
		  "line 2: control character U+000D at byte 13" },
		{ "[arcd]\ndatabase = a\x1b[2J\n",
		  "line 2: control character U+001B at byte 13" },
		{ "[arcd]\ndatabase = b\xe4r\n",
		  "line 2: not valid UTF-8 at byte 13" },
		{ "[arcd]\nidle_timeout = 0\n",
		  "line 2: idle_timeout = 0: not a number in 1..604800" },
		{ "[arcd]\nlisten = dc09-tcp=::1:7000\n",
		  "line 2: listen dc09-tcp=::1:7000: bad address (host:port, "
		  "[v6]:port)" },
		{ "[arcd]\nlisten = dc09-tcp=[]:7000\n",
		  "line 2: listen dc09-tcp=[]:7000: bad address (host:port, "
		  "[v6]:port)" },
		{ "[arcd]\nlisten = dc09-tcp=[127.0.0.1]:7000\n",
		  "line 2: listen dc09-tcp=[127.0.0.1]:7000: bad address "
		  "(host:port, [v6]:port)" },
		{ "[arcd]\nlisten = dc09-tcp=127.0.0.1:+80\n",
		  "line 2: listen dc09-tcp=127.0.0.1:+80: bad address "
		  "(host:port, [v6]:port)" },
		{ "[arcd]\nhold = at:300\n",
		  "line 2: hold = at:300: want CODE:SECONDS, e.g. AT:300" },
		{ "[arcd]\nhold = AT:+300\n",
		  "line 2: hold = AT:+300: want CODE:SECONDS, e.g. AT:300" },
	};
	struct config	 cfg;
	char		*cause;
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(cases); i++) {
		assert_int_equal(load(&cfg, cases[i].text,
		    strlen(cases[i].text), &cause), -1);
		assert_non_null(cause);
		if (strcmp(cause, cases[i].cause) != 0)
			fail_msg("case %zu: %s", i, cause);
		free(cause);
	}
}

/* A NUL, and a long line whose tail inih would have read as a line. */
static void
test_nul_and_long_lines(void **state)
{
	static const char nul[] = "[arcd]\nidle_timeout = 5\0" LISTEN;
	struct config	 cfg;
	char		 text[512], *cause;
	int		 n;

	(void)state;
	assert_int_equal(load(&cfg, nul, sizeof nul - 1, &cause), -1);
	assert_string_equal(cause, "line 2: NUL byte at byte 17");
	free(cause);

	n = snprintf(text, sizeof text, "[arcd]\n" LISTEN "#%0197d\n", 0);
	assert_int_equal(load(&cfg, text, n, &cause), 0);	/* 198 bytes */
	n = snprintf(text, sizeof text, "[arcd]\n" LISTEN "#%0197d%s", 0,
	    "listen = metrics=0.0.0.0:9109\n");
	assert_int_equal(load(&cfg, text, n, &cause), -1);
	assert_string_equal(cause, "line 3: longer than 198 bytes");
	assert_int_equal(cfg.nlisten, 1);
	free(cause);
}

/* config_load reads the file and says which. */
static void
test_file(void **state)
{
	struct config	 cfg;
	char		 path[] = "/tmp/test_config.XXXXXX", *cause = NULL;
	int		 fd;

	(void)state;
	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(write(fd, "[arcd]\nnosuch = 1\n", 18), 18);
	close(fd);
	config_defaults(&cfg);
	assert_int_equal(config_load(&cfg, path, &cause), -1);
	assert_non_null(strstr(cause, ": line 2: unknown key nosuch"));
	assert_memory_equal(cause, path, strlen(path));
	free(cause);
	unlink(path);
	assert_int_equal(config_load(&cfg, path, &cause), -1);
	assert_non_null(strstr(cause, "No such file"));
	free(cause);
}

/*
 * timezone: a tzdata name (checked by config_check against the zone
 * files; Debian's tzdata is in make deps); none: the system's (TZ here).
 */
static void
test_timezone(void **state)
{
	static const char ny[] = "[arcd]\n" LISTEN
	    "timezone = America/New_York\n";
	static const char nozone[] = "[arcd]\n" LISTEN
	    "timezone = Mars/Olympus\n";
	static const char *bad[] = { "timezone = ../../etc/passwd\n",
	    "timezone = /etc/localtime\n", "timezone = Europe/Lon don\n",
	    "timezone = Europe//London\n", "timezone =\n" };
	struct config	 cfg;
	char		*cause, text[128];
	size_t		 i;

	(void)state;
	assert_int_equal(load(&cfg, ny, sizeof ny - 1, &cause), 0);
	assert_int_equal(config_check(&cfg, &cause), 0);
	assert_string_equal(cfg.timezone, "America/New_York");
	assert_int_equal(load(&cfg, nozone, sizeof nozone - 1, &cause), 0);
	assert_int_equal(config_check(&cfg, &cause), -1);
	assert_non_null(strstr(cause, "timezone Mars/Olympus: unknown zone"));
	free(cause);
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		snprintf(text, sizeof text, "[arcd]\n%s", bad[i]);
		assert_int_equal(load(&cfg, text, strlen(text), &cause), -1);
		assert_non_null(strstr(cause, "line 2: timezone"));
		free(cause);
	}
	/* None given: the system's; TZ if it names a zone, else not TZ. */
	setenv("TZ", "Asia/Tokyo", 1);
	assert_int_equal(load(&cfg, ny, sizeof LISTEN + 6, &cause), 0);
	assert_int_equal(config_check(&cfg, &cause), 0);
	assert_string_equal(cfg.timezone, "Asia/Tokyo");
	setenv("TZ", "JST-9", 1);	/* a POSIX rule, not a zone name */
	assert_int_equal(load(&cfg, ny, sizeof LISTEN + 6, &cause), 0);
	assert_int_equal(config_check(&cfg, &cause), 0);
	assert_string_not_equal(cfg.timezone, "JST-9");
	assert_true(cfg.timezone[0] != '\0');
	unsetenv("TZ");
}

/* What arcd -n prints loads back to the same settings. */
static void
test_print_loads_back(void **state)
{
	static const char text[] = "[arcd]\n" LISTEN "tls_key = k.pem\n"
	    "hold = YT:60\nmax_connections = 5\nmax_per_source = 50\n";
	struct config	 cfg, again;
	char		*out = NULL, *cause;
	size_t		 len = 0;
	FILE		*f;

	(void)state;
	assert_int_equal(load(&cfg, text, sizeof text - 1, &cause), 0);
	assert_int_equal(config_check(&cfg, &cause), 0);
	assert_int_equal(cfg.max_per_source, 5);
	assert_non_null(f = open_memstream(&out, &len));
	config_print(&cfg, f);
	fclose(f);
	assert_non_null(strstr(out, "tls_key = k.pem\n"));
	assert_int_equal(load(&again, out, len, &cause), 0);
	assert_int_equal(config_check(&again, &cause), 0);
	assert_memory_equal(&cfg, &again, sizeof cfg);
	free(out);
}

/*
 * A reload: live keys are taken, restart keys are named and kept, and a
 * file equal to the running one changes nothing.
 */
static void
test_apply(void **state)
{
	static const char run[] = "[arcd]\n" LISTEN "max_held = 3\n"
	    "dedupe_window = 100\ndedupe_window_untimed = 90\n";
	static const char next[] = "[arcd]\ndatabase = /other.db\n"
	    "listen = dc09-tcp=127.0.0.1:7001\nmax_held = 9\n"
	    "dedupe_window = 50\ndedupe_window_untimed = 95\n"
	    "hold = AT:30\nmax_connections = 7\ndedupe_max = 2048\n";
	struct config	 cfg, nc, same;
	char		*cause, changed[256], restart[256], tiny[12];

	(void)state;
	assert_int_equal(load(&cfg, run, sizeof run - 1, &cause), 0);
	assert_int_equal(config_check(&cfg, &cause), 0);
	same = cfg;
	assert_int_equal(config_apply(&cfg, &same, changed, restart,
	    sizeof changed), 0);
	assert_string_equal(changed, "");
	assert_string_equal(restart, "");

	assert_int_equal(load(&nc, next, sizeof next - 1, &cause), 0);
	assert_int_equal(config_check(&nc, &cause), 0);
	assert_int_equal(config_apply(&cfg, &nc, changed, restart,
	    sizeof changed), 6);
	assert_string_equal(changed, "hold, max_connections, "
	    "max_per_source, dedupe_window, dedupe_window_untimed, max_held");
	assert_string_equal(restart, "database, listen, dedupe_max");
	assert_int_equal(cfg.max_held, 9);
	assert_int_equal(cfg.max_connections, 7);
	assert_int_equal(cfg.max_per_source, 7);
	assert_int_equal(cfg.nholds, 1);
	assert_string_equal(cfg.holds[0].code, "AT");
	assert_string_equal(cfg.database, "arc.db");
	assert_string_equal(cfg.listen[0].text, "127.0.0.1:7000");
	assert_int_equal(cfg.dedupe_max, 1 << 20);
	assert_int_equal(cfg.dedupe_window, 50);
	/* The new window bounds it, as config_check did. */
	assert_int_equal(cfg.dedupe_window_untimed, 50);

	/* Lists are cut, never overrun. */
	assert_int_equal(load(&cfg, run, sizeof run - 1, &cause), 0);
	assert_int_equal(config_apply(&cfg, &nc, tiny, restart,
	    sizeof tiny), 6);
	assert_string_equal(tiny, "hold, max_c");
	assert_string_equal(restart, "database, l");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_nul_and_long_lines),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_print_loads_back),
		cmocka_unit_test(test_timezone),
		cmocka_unit_test(test_apply),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
