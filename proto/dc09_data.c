/*
 * dc09_data.c -- the data block of a DC-09 frame: ADM-CID ("QEEE GG ZZZ"),
 * SIA-DCS ("Nri1/BA01^text^|Atext") and the extended "[X..][Y..]" blocks.
 *
 * Pure: spans point into the caller's frame, small fields are copied.
 */
#include <string.h>

#include "proto.h"

/* A read position in a borrowed buffer. */
struct cursor {
	const char	*p;
	size_t		 len;
	size_t		 off;
};

/* SIA modifiers seen so far: they carry over to every later event. */
struct sia_state {
	char		 qualifier;
	char		 area[8];
	char		 user[8];
	int		 has_time;
	char		 time[9];
	char		 last[3];	/* last event code, for "BA01/02" */
};

static const char *const class_names[CLASS_MAX] = {
	[CLASS_NONE] = "none",
	[CLASS_P1] = "P1",
	[CLASS_P2] = "P2",
	[CLASS_P3] = "P3",
	[CLASS_P4] = "P4",
};

const char *
code_class_name(enum code_class c)
{
	if ((unsigned)c >= CLASS_MAX)
		return "unknown";
	return class_names[c];
}

static int
is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static int
is_upper(int ch)
{
	return ch >= 'A' && ch <= 'Z';
}

static int
is_lower(int ch)
{
	return ch >= 'a' && ch <= 'z';
}

static int
is_hex(int ch)
{
	return is_digit(ch) || (ch >= 'A' && ch <= 'F') ||
	    (ch >= 'a' && ch <= 'f');
}

/* The byte at off + ahead, or -1 past the end. */
static int
cur_peek(const struct cursor *c, size_t ahead)
{
	if (c->len - c->off <= ahead)
		return -1;
	return (unsigned char)c->p[c->off + ahead];
}

static void
cur_skip_spaces(struct cursor *c)
{
	while (cur_peek(c, 0) == ' ')
		c->off++;
}

static void
str_copy(char *dst, size_t size, const char *src)
{
	size_t	len = strlen(src);

	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* Skip an optional "#acct|" prefix (clear frames carry one). */
static enum proto_err
data_skip_account(struct cursor *c)
{
	size_t	i;

	if (cur_peek(c, 0) != '#')
		return PROTO_OK;
	for (i = 1; cur_peek(c, i) != -1 && is_hex(cur_peek(c, i)); i++)
		continue;
	if (cur_peek(c, i) != '|')
		return PROTO_BADDATA;
	c->off += i + 1;
	return PROTO_OK;
}

/* Nothing left, or a dummy "0000 00 000" body: no events. */
static int
data_is_empty(const struct cursor *c)
{
	size_t	i;

	for (i = c->off; i < c->len; i++) {
		if (c->p[i] != '0' && c->p[i] != ' ')
			return 0;
	}
	return 1;
}

/* Set the table fields of ev; unknown codes are P2 and keep the raw code. */
static void
event_classify(struct dc09_event *ev)
{
	struct code_info	 info;
	unsigned		 code = 0;
	int			 r, i;

	if (ev->cid) {
		for (i = 0; i < 3 && is_digit(ev->raw_code[i]); i++)
			code = code * 10 + (ev->raw_code[i] - '0');
		r = (i == 3) ? codes_cid(code, ev->qualifier, &info) : -1;
	} else
		r = codes_sia(ev->raw_code, &info);
	ev->known = (r == 0);
	if (r != 0) {
		str_copy(ev->code, sizeof ev->code, ev->raw_code);
		ev->class = CLASS_P2;
		ev->restore = ev->cid && ev->qualifier == '3';
		return;
	}
	str_copy(ev->code, sizeof ev->code, info.code);
	ev->class = info.class;
	ev->restore = info.restore;
}

/* Copy exactly n hex characters, upper-cased. */
static enum proto_err
cid_take(struct cursor *c, char *dst, size_t n)
{
	size_t	i;
	int	ch;

	cur_skip_spaces(c);
	for (i = 0; i < n; i++) {
		ch = cur_peek(c, 0);
		if (ch == -1 || !is_hex(ch))
			return PROTO_BADDATA;
		dst[i] = (ch >= 'a') ? ch - 'a' + 'A' : ch;
		c->off++;
	}
	dst[n] = '\0';
	return PROTO_OK;
}

/* "QEEE GG ZZZ", spaces optional: one event. */
static enum proto_err
cid_parse(struct cursor *c, struct dc09_event *ev, size_t max, size_t *n)
{
	struct dc09_event	 e;
	int			 ch;

	memset(&e, 0, sizeof e);
	e.cid = 1;
	cur_skip_spaces(c);
	if ((ch = cur_peek(c, 0)) == -1 || !is_digit(ch))
		return PROTO_BADDATA;
	e.qualifier = ch;
	c->off++;
	if (cid_take(c, e.raw_code, 3) != PROTO_OK ||
	    cid_take(c, e.area, 2) != PROTO_OK ||
	    cid_take(c, e.zone, 3) != PROTO_OK)
		return PROTO_BADDATA;
	cur_skip_spaces(c);
	if (c->off != c->len)
		return PROTO_BADDATA;
	event_classify(&e);
	if (max > 0) {
		ev[0] = e;
		*n = 1;
	}
	return PROTO_OK;
}

/* Up to size - 1 digits (maybe none) into dst. */
static enum proto_err
sia_digits(struct cursor *c, char *dst, size_t size)
{
	size_t	i;

	for (i = 0; is_digit(cur_peek(c, 0)); i++) {
		if (i == size - 1)
			return PROTO_BADDATA;
		dst[i] = c->p[c->off++];
	}
	dst[i] = '\0';
	return PROTO_OK;
}

/* "HH:MM" or "HH:MM:SS". */
static enum proto_err
sia_time(struct cursor *c, struct sia_state *st)
{
	size_t	len = 5, i;

	for (i = 0; i < 8; i++) {
		if (i == 5 && cur_peek(c, i) != ':')
			break;
		if (i % 3 == 2 ? cur_peek(c, i) != ':' :
		    !is_digit(cur_peek(c, i)))
			return PROTO_BADDATA;
		len = i + 1;
	}
	if (len != 5 && len != 8)
		return PROTO_BADDATA;
	memcpy(st->time, c->p + c->off, len);
	st->time[len] = '\0';
	st->has_time = 1;
	c->off += len;
	return PROTO_OK;
}

/* A lower-case modifier and its value: ri, id, ti kept, others skipped. */
static enum proto_err
sia_modifier(struct cursor *c, struct sia_state *st)
{
	int	a = cur_peek(c, 0), b = cur_peek(c, 1), ch;

	if (!is_lower(b))
		return PROTO_BADDATA;
	c->off += 2;
	if (a == 'r' && b == 'i')
		return sia_digits(c, st->area, sizeof st->area);
	if (a == 'i' && b == 'd')
		return sia_digits(c, st->user, sizeof st->user);
	if (a == 't' && b == 'i')
		return sia_time(c, st);
	while ((ch = cur_peek(c, 0)) != -1 && !is_upper(ch) && !is_lower(ch) &&
	    ch != '/' && ch != '^' && ch != '|')
		c->off++;
	return PROTO_OK;
}

/* After the code: the zone, then an optional ^text^. */
static enum proto_err
sia_event_tail(struct cursor *c, const struct sia_state *st,
    struct dc09_event *ev)
{
	size_t	i;

	ev->cid = 0;
	ev->qualifier = st->qualifier;
	str_copy(ev->area, sizeof ev->area, st->area);
	str_copy(ev->user, sizeof ev->user, st->user);
	ev->has_time = st->has_time;
	str_copy(ev->time, sizeof ev->time, st->time);
	if (sia_digits(c, ev->zone, sizeof ev->zone) != PROTO_OK)
		return PROTO_BADDATA;
	if (cur_peek(c, 0) == '^') {
		for (i = 1; cur_peek(c, i) != -1 && cur_peek(c, i) != '^'; i++)
			continue;
		if (cur_peek(c, i) == -1)
			return PROTO_BADDATA;
		ev->text.p = c->p + c->off + 1;
		ev->text.len = i - 1;
		c->off += i + 1;
	}
	event_classify(ev);
	return PROTO_OK;
}

/* "BA01^text^", or "02" repeating the last code ("BA01/02"). */
static enum proto_err
sia_event(struct cursor *c, struct sia_state *st, struct dc09_event *ev)
{
	memset(ev, 0, sizeof *ev);
	if (is_digit(cur_peek(c, 0))) {
		if (st->last[0] == '\0')
			return PROTO_BADDATA;
		memcpy(ev->raw_code, st->last, 3);
	} else {
		if (!is_upper(cur_peek(c, 1)))
			return PROTO_BADDATA;
		ev->raw_code[0] = c->p[c->off];
		ev->raw_code[1] = c->p[c->off + 1];
		c->off += 2;
		memcpy(st->last, ev->raw_code, 3);
	}
	return sia_event_tail(c, st, ev);
}

/*
 * The leading 'N' (new) or 'O' (old), when it is one: "NRR" is N + RR but
 * "NA01" is the code NA, zone 01.
 */
static void
sia_qualifier(struct cursor *c, struct sia_state *st)
{
	int	q = cur_peek(c, 0), b = cur_peek(c, 1);

	st->qualifier = 'N';
	if (q != 'N' && q != 'O')
		return;
	if (b == -1 || is_lower(b) || b == '/' || b == '|' || b == ' ' ||
	    (is_upper(b) && is_upper(cur_peek(c, 2)))) {
		st->qualifier = q;
		c->off++;
	}
}

/* "|A text" at the end: text for the last event. */
static enum proto_err
sia_trailer(struct cursor *c, struct dc09_event *last)
{
	if (last == NULL || cur_peek(c, 1) != 'A')
		return PROTO_BADDATA;
	last->text.p = c->p + c->off + 2;
	last->text.len = c->len - c->off - 2;
	c->off = c->len;
	return PROTO_OK;
}

/*
 * Modifiers and events in any order. Past max events the rest is not read
 * (and not checked): the first max come back with PROTO_OK. A block with
 * no event code at all is PROTO_BADDATA.
 */
static enum proto_err
sia_parse(struct cursor *c, struct dc09_event *ev, size_t max, size_t *n)
{
	struct sia_state	 st;
	enum proto_err		 e;
	int			 ch;

	memset(&st, 0, sizeof st);
	sia_qualifier(c, &st);
	for (;;) {
		while ((ch = cur_peek(c, 0)) == '/' || ch == ' ')
			c->off++;
		if (ch == -1)
			break;
		if ((is_upper(ch) || is_digit(ch)) && *n == max)
			return PROTO_OK;
		if (is_lower(ch))
			e = sia_modifier(c, &st);
		else if (is_upper(ch) || is_digit(ch))
			e = sia_event(c, &st, &ev[(*n)++]);
		else if (ch == '|')
			e = sia_trailer(c, *n ? &ev[*n - 1] : NULL);
		else
			e = PROTO_BADDATA;
		if (e != PROTO_OK) {
			*n = 0;
			return e;
		}
	}
	return *n == 0 ? PROTO_BADDATA : PROTO_OK;
}

/*
 * Clear frames carry "#acct|" before the events, decrypted ones do not;
 * either is accepted. Tokens other than ADM-CID and SIA-DCS (NULL, replies)
 * and dummy bodies ("#0000|0000 00 000") give no events.
 */
enum proto_err
dc09_events(const struct dc09_frame *f, struct dc09_event *ev, size_t max,
    size_t *n)
{
	struct cursor	c;
	enum proto_err	e;

	*n = 0;
	if (f->token != DC09_TOKEN_ADM_CID && f->token != DC09_TOKEN_SIA_DCS)
		return PROTO_OK;
	if (f->data.p == NULL || f->data.len == 0)
		return PROTO_OK;
	c.p = f->data.p;
	c.len = f->data.len;
	c.off = 0;
	if ((e = data_skip_account(&c)) != PROTO_OK)
		return e;
	if (data_is_empty(&c))
		return PROTO_OK;
	if (f->token == DC09_TOKEN_ADM_CID)
		return cid_parse(&c, ev, max, n);
	return sia_parse(&c, ev, max, n);
}

static struct proto_span *
xdata_field(struct dc09_xdata *x, int letter)
{
	switch (letter) {
	case 'X': return &x->x;
	case 'Y': return &x->y;
	case 'Z': return &x->z;
	case 'L': return &x->l;
	case 'R': return &x->r;
	case 'V': return &x->v;
	case 'H': return &x->h;
	case 'I': return &x->i;
	case 'M': return &x->m;
	case 'K': return &x->k;
	}
	return NULL;
}

/*
 * "[Xlon][Ylat]...": each span is the value without its letter. Unknown
 * letters and empty blocks are ignored; a repeated letter: the last wins.
 */
enum proto_err
dc09_xdata_parse(struct proto_span s, struct dc09_xdata *x)
{
	struct proto_span	*field;
	size_t			 off = 0, end;

	memset(x, 0, sizeof *x);
	while (off < s.len) {
		if (s.p[off] != '[')
			return PROTO_BADDATA;
		for (end = off + 1; end < s.len && s.p[end] != ']'; end++)
			continue;
		if (end == s.len)
			return PROTO_BADDATA;
		if (end > off + 1 &&
		    (field = xdata_field(x, (unsigned char)s.p[off + 1])) != NULL) {
			field->p = s.p + off + 2;
			field->len = end - off - 2;
		}
		off = end + 1;
	}
	return PROTO_OK;
}
