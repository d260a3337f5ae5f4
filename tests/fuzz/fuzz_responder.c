/*
 * fuzz_responder.c -- a message as arc-responder reads it (responder_msg.c
 * and responder_book.c): the input as a page and as an ack, then into a
 * book. Checks what the screen relies on: a page read has a positive id,
 * and every text field NUL-terminated within its record and valid UTF-8;
 * an ack read has a positive page and, refused, an error word; a refusal
 * says why; the book stays within RESP_PAGES and its selection, if any,
 * is a page it holds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"
#include "responder.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_text(const char *s, size_t size)
{
	size_t	 n = strnlen(s, size);

	if (n == size || utf8_valid(s, n, NULL) != 0)
		abort();
}

static void
check_page(const struct resp_page *p)
{
	if (p->id <= 0 || p->alarm_id <= 0 || p->deadline <= 0)
		abort();
	check_text(p->reason, sizeof p->reason);
	check_text(p->client, sizeof p->client);
	check_text(p->address, sizeof p->address);
	check_text(p->access, sizeof p->access);
	check_text(p->medical, sizeof p->medical);
	check_text(p->phone, sizeof p->phone);
}

int
LLVMFuzzerTestOneInput(const uint8_t *buf, size_t len)
{
	static struct resp_book	 b;
	struct resp_page	 p;
	char			 err[64], *cause = NULL;
	int64_t			 id;
	int			 w, ok;
	size_t			 i;

	memset(&p, 0, sizeof p);
	if (responder_msg_page((const char *)buf, len, &p, &w, &cause) != 0) {
		if (cause == NULL)
			abort();
		free(cause);
		cause = NULL;
	} else if (!w)
		check_page(&p);
	else if (p.id <= 0)
		abort();
	if (responder_msg_ack((const char *)buf, len, &id, &ok, err,
	    sizeof err, &cause) != 0) {
		if (cause == NULL)
			abort();
		free(cause);
	} else if (id <= 0 || (!ok && err[0] == '\0'))
		abort();
	/* One book across inputs: pages, withdrawals and acks pile up. */
	responder_book_input(&b, "page", (const char *)buf, len, 1);
	if (b.n > 0)
		responder_book_sent(&b.pages[b.n - 1], RESP_ACCEPT, 2);
	responder_book_input(&b, "ack", (const char *)buf, len, 3);
	if (b.n > RESP_PAGES)
		abort();
	for (i = 0; i < b.n; i++)
		check_page(&b.pages[i]);
	if (b.sel != 0 && responder_book_find(&b, b.sel) == NULL)
		abort();
	return (0);
}
