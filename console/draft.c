/*
 * draft.c -- what the operator is typing (a note, or the text closing an
 * alarm; a reason, not to be left empty, when the server refused a close
 * because a responder is on the way). It lives beside the protocol state, not in the screen, so it
 * survives reconnects and is sent once the console is back.
 *
 * Above client.c: a draft becomes client_note() or client_close();
 * client.c only wipes c->draft when it is freed.
 */
#include <string.h>

#include "runtime.h"
#include "console.h"

void
draft_start(struct client *c, enum client_draft_kind kind,
    int64_t alarm_id, const char *outcome)
{
	if (c->draft.kind == kind && c->draft.alarm_id == alarm_id &&
	    c->draft.outcome == outcome)
		return;				/* carry on typing */
	draft_clear(c);
	c->draft.kind = kind;
	c->draft.alarm_id = alarm_id;
	c->draft.outcome = outcome;
}

void
draft_insert(struct client *c, const char *s, size_t len)
{
	struct client_draft	*d = &c->draft;

	if (d->kind == DRAFT_NONE || d->len + len > CLIENT_TEXT_MAX)
		return;
	memcpy(d->text + d->len, s, len);
	d->len += len;
	d->text[d->len] = '\0';
}

/* Remove the last character (all bytes of a UTF-8 sequence). */
void
draft_backspace(struct client *c)
{
	struct client_draft	*d = &c->draft;

	while (d->len > 0) {
		d->len--;
		if (((unsigned char)d->text[d->len] & 0xc0) != 0x80)
			break;
	}
	d->text[d->len] = '\0';
}

void
draft_clear(struct client *c)
{
	struct client_draft	*d = &c->draft;

	explicit_bzero(d->text, sizeof d->text);
	d->len = 0;
	d->kind = DRAFT_NONE;
	d->alarm_id = 0;
	d->outcome = NULL;
}

/* Turn the draft into its request (queued when offline) and clear it. */
int64_t
draft_submit(struct client *c, int64_t now)
{
	struct client_draft	*d = &c->draft;
	int64_t			 id = -1;

	switch (d->kind) {
	case DRAFT_NONE:
		return (-1);
	case DRAFT_NOTE:
		id = client_note(c, d->alarm_id, d->text, now);
		break;
	case DRAFT_REASON:
		if (d->len == 0) {
			client_message(c, 1, now, "a responder is on the way: "
			    "say why you close (Esc: keep it open)");
			return (-1);
		}
		/* FALLTHROUGH */
	case DRAFT_CLOSE:
		id = client_close(c, d->alarm_id, d->outcome, d->text, now);
		break;
	}
	if (id != -1)
		draft_clear(c);
	return (id);
}
