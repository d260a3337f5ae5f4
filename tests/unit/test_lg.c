/*
 * test_lg.c -- arc-loadgen's HOST:PORT reading for --mqtt
 * (lg_host_port() in loadgen/lg.c): a name or an IPv4 address and a
 * port, an IPv6 address in brackets; no port, port 0 or past 65535,
 * junk after the port, an empty host and a bare IPv6 address are refused
 * and leave nothing allocated.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "runtime.h"
#include "loadgen.h"

static void
want(const char *s, const char *host, int port)
{
	char	*h = NULL;
	int	 p = -1;

	assert_int_equal(lg_host_port(s, &h, &p), 0);
	assert_string_equal(h, host);
	assert_int_equal(p, port);
	free(h);
}

static void
refused(const char *s)
{
	char	*h = NULL;
	int	 p = -1;

	assert_int_equal(lg_host_port(s, &h, &p), -1);
	assert_null(h);
	assert_int_equal(p, -1);
}

static void
test_host_and_port(void **state)
{
	(void)state;
	want("127.0.0.1:1883", "127.0.0.1", 1883);
	want("broker.example:8883", "broker.example", 8883);
	want("localhost:1", "localhost", 1);
	want("h:65535", "h", 65535);
	want("[::1]:1883", "::1", 1883);
	want("[fe80::1%lo]:1884", "fe80::1%lo", 1884);
}

static void
test_refused(void **state)
{
	(void)state;
	refused("");
	refused("127.0.0.1");
	refused("127.0.0.1:");
	refused(":1883");
	refused("127.0.0.1:0");
	refused("127.0.0.1:65536");
	refused("127.0.0.1:-1");
	refused("127.0.0.1:1883x");
	refused("127.0.0.1: 1883");
	refused("::1:1883");
	refused("[::1:1883");
	refused("[]:1883");
	refused("127.0.0.1:99999999999999999999");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_and_port),
		cmocka_unit_test(test_refused),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
