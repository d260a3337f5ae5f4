/*
 * fuzz_scan.c -- libFuzzer target for dc09_scan: the input is a TCP
 * stream. It is scanned whole and again in small pieces through a held
 * buffer, as a connection would see it; both must find the same frames,
 * every result must move forward and stay inside the buffer, and each
 * frame found is handed to dc09_parse.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

#define SCAN_MAX	256	/* small, so the fuzzer reaches TOOLONG */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct scan_out {
	uint8_t	*frames;	/* every OK frame, back to back */
	size_t	 len;
	int	 toolong;
};

/* Scan what is held; returns bytes consumed. -1 once TOOLONG. */
static long
scan_held(const uint8_t *buf, size_t len, struct scan_out *so)
{
	struct dc09_frame	f;
	enum proto_err		e;
	size_t			off = 0, used;

	while (off < len) {
		e = dc09_scan(buf + off, len - off, SCAN_MAX, &used);
		if (e == PROTO_MORE)
			break;
		if (e == PROTO_TOOLONG) {
			so->toolong = 1;
			return (-1);
		}
		if ((e != PROTO_OK && e != PROTO_JUNK) || used == 0 ||
		    used > len - off)
			abort();
		if (e == PROTO_OK) {
			if (used > SCAN_MAX || buf[off] != '\n' ||
			    buf[off + used - 1] != '\r')
				abort();
			(void)dc09_parse(buf + off, used, &f);
			memcpy(so->frames + so->len, buf + off, used);
			so->len += used;
		}
		off += used;
	}
	return ((long)off);
}

static void
scan_chunked(const uint8_t *data, size_t size, struct scan_out *so)
{
	uint8_t	*held;
	size_t	 hlen = 0, i = 0, step = 0, n;
	long	 used;

	if ((held = malloc(size + 1)) == NULL)
		abort();
	while (i < size) {
		n = 1 + (step++ * 7 + data[i]) % 13;
		if (n > size - i)
			n = size - i;
		memcpy(held + hlen, data + i, n);
		hlen += n;
		i += n;
		if ((used = scan_held(held, hlen, so)) < 0)
			break;
		memmove(held, held + used, hlen - (size_t)used);
		hlen -= (size_t)used;
	}
	free(held);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scan_out	whole, parts;

	whole.frames = malloc(size + 1);
	parts.frames = malloc(size + 1);
	if (whole.frames == NULL || parts.frames == NULL)
		abort();
	whole.len = parts.len = 0;
	whole.toolong = parts.toolong = 0;
	(void)scan_held(data, size, &whole);
	scan_chunked(data, size, &parts);
	if (whole.toolong != parts.toolong || whole.len != parts.len ||
	    memcmp(whole.frames, parts.frames, whole.len) != 0)
		abort();
	free(whole.frames);
	free(parts.frames);
	return (0);
}
