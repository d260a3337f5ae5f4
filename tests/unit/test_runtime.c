/*
 * test_runtime.c -- the shared runtime: the token bucket (a refill never
 * takes a token: registered traffic used to drain the unregistered
 * bucket this way), the deadline heap, hash map iteration and removal,
 * the clock a test can set and advance, and secret files (0600 or
 * refused, named).
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime.h"

static void
test_bucket(void **state)
{
	struct bucket_rate	 r;
	struct bucket		 b;
	int			 i;

	(void)state;
	bucket_rate(&r, 3, 60);			/* 3, one a second back */
	bucket_init(&b, &r, 1000);
	for (i = 0; i < 100; i++)		/* refills alone take nothing */
		bucket_refill(&b, &r, 1000 + i);
	assert_true(bucket_full(&b, &r));
	for (i = 0; i < 3; i++)
		assert_int_equal(bucket_take(&b, &r, 1100), 0);
	assert_int_equal(bucket_take(&b, &r, 1100), -1);
	assert_false(bucket_full(&b, &r));
	assert_int_equal(bucket_take(&b, &r, 2099), -1);
	assert_int_equal(bucket_take(&b, &r, 2100), 0);	/* one back */
	bucket_refill(&b, &r, 1000000);
	assert_true(bucket_full(&b, &r));	/* never above the burst */
	assert_true(b.tokens == 3);
}

static void
test_heap(void **state)
{
	struct heap	 h;
	int64_t		 at, v[] = { 50, 10, 40, 10, 30, 20 };
	uint64_t	 id;
	size_t		 i;

	(void)state;
	memset(&h, 0, sizeof h);
	assert_int_equal(heap_top(&h, &at, &id), -1);
	for (i = 0; i < nitems(v); i++)
		heap_push(&h, v[i], i);
	for (i = 0; i < 200; i++)
		heap_push(&h, 1000 + (int64_t)((i * 7919) % 200), 100 + i);
	at = -1;
	for (i = 0; i < nitems(v) + 200; i++) {
		int64_t	 prev = at;

		assert_int_equal(heap_top(&h, &at, &id), 0);
		assert_true(at >= prev);
		heap_pop(&h);
	}
	assert_int_equal(heap_top(&h, &at, &id), -1);
	heap_free(&h);
}

static void
test_hmap(void **state)
{
	struct hmap	 m;
	uint64_t	 k, v, sum = 0;
	size_t		 it = 0, n = 0, i;

	(void)state;
	hmap_init(&m, 4);
	for (i = 1; i <= 1000; i++)
		hmap_put(&m, i, i * 2);
	for (i = 1; i <= 1000; i += 2)
		assert_int_equal(hmap_del(&m, i), 0);
	assert_int_equal(hmap_count(&m), 500);
	while (hmap_next(&m, &it, &k, &v)) {
		assert_int_equal(v, k * 2);
		assert_int_equal(k % 2, 0);
		sum += k;
		n++;
	}
	assert_int_equal(n, 500);
	assert_int_equal(sum, 500 * 501);	/* 2 + 4 + ... + 1000 */
	assert_int_equal(hmap_next(&m, &it, &k, &v), 0);
	hmap_free(&m);
}

static void
test_clock(void **state)
{
	(void)state;
	clock_set(1795000000000LL, 5000);
	clock_turn();
	assert_int_equal(clock_wall(), 1795000000000LL);
	assert_int_equal(clock_mono(), 5000);
	clock_advance(30000);
	assert_int_equal(clock_wall(), 1795000030000LL);
	assert_int_equal(clock_mono(), 35000);
	clock_advance(-5);			/* time does not go back */
	assert_int_equal(clock_mono(), 35000);
}

/* The reference vectors of the SipHash paper (key 00..0f, input 00..n-1). */
static void
test_siphash(void **state)
{
	static const uint64_t	 want[] = {
		0x726fdb47dd0e0e31ULL, 0x74f839c593dc67fdULL,
		0x0d6c8009d9a94f5aULL, 0x85676696d7fb7e2dULL,
		0xcf2794e0277187b7ULL, 0x18765564cd99a68dULL,
		0xcbc9466e58fee3ceULL, 0xab0200f58b01d137ULL,
		0x93f5f5799a932462ULL, 0x9e0082df0ba9e4b0ULL,
	};
	uint8_t			 key[16], in[16];
	size_t			 i;

	(void)state;
	for (i = 0; i < 16; i++)
		key[i] = in[i] = (uint8_t)i;
	for (i = 0; i < nitems(want); i++)
		assert_int_equal(siphash(key, in, i), want[i]);
	key[0] ^= 1;			/* another key: another hash */
	assert_int_not_equal(siphash(key, in, 8), want[8]);
}

static void
test_secfile(void **state)
{
	char	 dir[] = "/tmp/test_secfile.XXXXXX", path[64], buf[16];
	char	*cause = NULL;
	FILE	*f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/key", dir);
	assert_null(secfile_open("key_file", path, &cause));	/* missing */
	assert_non_null(strstr(cause, "key_file "));
	free(cause);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("secret\n", f);
	fclose(f);
	assert_int_equal(chmod(path, 0644), 0);
	assert_null(secfile_open("key_file", path, &cause));
	assert_non_null(strstr(cause, "readable by group or others (mode "
	    "0644); chmod 600 it"));
	assert_non_null(strstr(cause, path));
	free(cause);
	assert_int_equal(chmod(path, 0620), 0);
	assert_null(secfile_open("key_file", path, &cause));
	assert_non_null(strstr(cause, "writable by group or others"));
	free(cause);
	assert_null(secfile_open("key_file", dir, &cause));
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
	assert_int_equal(chmod(path, 0600), 0);
	f = secfile_open("key_file", path, &cause);
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof buf, f));
	assert_string_equal(buf, "secret\n");
	fclose(f);
	assert_int_equal(chmod(path, 0400), 0);		/* read-only is fine */
	f = secfile_open("key_file", path, &cause);
	assert_non_null(f);
	fclose(f);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket),
		cmocka_unit_test(test_heap),
		cmocka_unit_test(test_hmap),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_siphash),
		cmocka_unit_test(test_secfile),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
