/*
 * fuzz_events.c -- the input as an ADM-CID and a SIA-DCS data block, and
 * as extended data. Checks the invariants: n <= max, every span inside the
 * input, every string field terminated, a class in range.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_span(struct proto_span s, const char *p, size_t len)
{
	if (s.len == 0)
		return;
	if (s.p < p || s.p + s.len > p + len)
		abort();
}

static void
check_event(const struct dc09_event *e, const char *p, size_t len)
{
	if (memchr(e->raw_code, '\0', sizeof e->raw_code) == NULL ||
	    memchr(e->code, '\0', sizeof e->code) == NULL ||
	    memchr(e->area, '\0', sizeof e->area) == NULL ||
	    memchr(e->zone, '\0', sizeof e->zone) == NULL ||
	    memchr(e->user, '\0', sizeof e->user) == NULL ||
	    memchr(e->time, '\0', sizeof e->time) == NULL)
		abort();
	if (e->class <= CLASS_NONE || e->class >= CLASS_MAX)
		abort();
	if (e->known == 0 && e->class != CLASS_P2)
		abort();
	if (strcmp(code_class_name(e->class), "unknown") == 0)
		abort();
	check_span(e->text, p, len);
}

static void
run(enum dc09_token token, const char *p, size_t len, size_t max)
{
	struct dc09_frame	f;
	struct dc09_event	ev[DC09_MAX_EVENTS];
	size_t			i, n = 0;
	enum proto_err		e;

	memset(&f, 0, sizeof f);
	f.token = token;
	f.data.p = p;
	f.data.len = len;
	e = dc09_events(&f, ev, max, &n);
	if (e != PROTO_OK && e != PROTO_BADDATA)
		abort();
	if (n > max || (e != PROTO_OK && n != 0))
		abort();
	for (i = 0; i < n; i++)
		check_event(&ev[i], p, len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*p = (const char *)data;
	struct dc09_xdata	 x;
	struct proto_span	 s;

	run(DC09_TOKEN_ADM_CID, p, size, DC09_MAX_EVENTS);
	run(DC09_TOKEN_SIA_DCS, p, size, DC09_MAX_EVENTS);
	run(DC09_TOKEN_SIA_DCS, p, size, 2);
	run(DC09_TOKEN_NULL, p, size, DC09_MAX_EVENTS);
	s.p = p;
	s.len = size;
	if (dc09_xdata_parse(s, &x) == PROTO_OK) {
		check_span(x.x, p, size);
		check_span(x.y, p, size);
		check_span(x.z, p, size);
		check_span(x.l, p, size);
		check_span(x.r, p, size);
		check_span(x.v, p, size);
		check_span(x.h, p, size);
		check_span(x.i, p, size);
		check_span(x.m, p, size);
		check_span(x.k, p, size);
	}
	return 0;
}
