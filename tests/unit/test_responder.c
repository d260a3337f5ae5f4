/*
 * test_responder.c -- arc-responder's protocol state without curses or a
 * broker: the page, withdrawal and ack JSON of docs/mqtt.md (the example
 * page from the doc is the oracle, typed in here, not made by our code),
 * hostile messages refused and counted, the book keeping a page sent
 * again, acks moving a page's state, the bound on pages, and --auto's
 * replies in order with their delays (now passed in).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runtime.h"
#include "responder.h"

/* docs/mqtt.md's page, byte for byte. */
static const char doc_page[] =
    "{\"page\": 1796688000123, \"alarm_id\": 42, \"responder\": 7, "
    "\"step\": 1,\n \"reason\": \"personal emergency\", \"deadline\": "
    "1796688120123,\n \"client\": \"Mary Smith\", \"address\": \"1 High "
    "St\", \"access\": \"key safe 1234\",\n \"medical\": \"diabetic\", "
    "\"phone\": \"+44 24 7600 0001\"}";

static int
input(struct resp_book *b, const char *kind, const char *s, int64_t now)
{
	return (responder_book_input(b, kind, s, strlen(s), now));
}

static void
test_the_doc_page_is_read(void **state)
{
	struct resp_page	 p;
	char			*cause = NULL;
	int			 w = -1;

	(void)state;
	assert_int_equal(responder_msg_page(doc_page, strlen(doc_page), &p,
	    &w, &cause), 0);
	assert_int_equal(w, 0);
	assert_true(p.id == 1796688000123LL);
	assert_true(p.deadline == 1796688120123LL);
	assert_int_equal(p.alarm_id, 42);
	assert_int_equal(p.responder, 7);
	assert_int_equal(p.step, 1);
	assert_string_equal(p.reason, "personal emergency");
	assert_string_equal(p.client, "Mary Smith");
	assert_string_equal(p.address, "1 High St");
	assert_string_equal(p.access, "key safe 1234");
	assert_string_equal(p.medical, "diabetic");
	assert_string_equal(p.phone, "+44 24 7600 0001");
}

static void
test_a_withdrawal_and_an_ack_are_read(void **state)
{
	struct resp_page	 p;
	char			 err[32], *cause = NULL;
	const char		*w = "{\"page\": 9, \"withdrawn\": true}";
	const char		*a = "{\"page\": 9, \"ok\": false, \"error\": "
				    "\"finished\"}";
	int64_t			 id;
	int			 wd, ok;

	(void)state;
	memset(&p, 0, sizeof p);
	assert_int_equal(responder_msg_page(w, strlen(w), &p, &wd, &cause), 0);
	assert_int_equal(wd, 1);
	assert_int_equal(p.id, 9);
	assert_int_equal(responder_msg_ack(a, strlen(a), &id, &ok, err,
	    sizeof err, &cause), 0);
	assert_int_equal(id, 9);
	assert_int_equal(ok, 0);
	assert_string_equal(err, "finished");
	a = "{\"page\": 9, \"ok\": true}";
	assert_int_equal(responder_msg_ack(a, strlen(a), &id, &ok, err,
	    sizeof err, &cause), 0);
	assert_int_equal(ok, 1);
}

static void
test_hostile_messages_are_refused_with_a_cause(void **state)
{
	static const char *pages[] = {
		"",
		"[]",
		"not json",
		"{\"page\": 0, \"alarm_id\": 1, \"deadline\": 2}",
		"{\"page\": \"9\", \"alarm_id\": 1, \"deadline\": 2}",
		"{\"page\": 9, \"deadline\": 2}",
		"{\"page\": 9, \"alarm_id\": 1}",
		"{\"page\": 9, \"alarm_id\": 1, \"deadline\": 2, "
		    "\"client\": 5}",
		"{\"page\": 9, \"withdrawn\": \"yes\"}",
		"{\"page\": 9, \"page\": 10, \"alarm_id\": 1, "
		    "\"deadline\": 2}",
		"{\"page\": -9, \"alarm_id\": 1, \"deadline\": 2}",
	};
	static const char *acks[] = {
		"{}",
		"{\"page\": 9}",
		"{\"page\": 9, \"ok\": 1}",
		"{\"ok\": true}",
		"{\"page\": 9, \"ok\": false, \"error\": 3}",
	};
	struct resp_page	 p;
	struct resp_book	 b;
	char			 err[32], *cause, *big;
	int64_t			 id;
	int			 w, ok;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof pages / sizeof *pages; i++) {
		cause = NULL;
		assert_int_equal(responder_msg_page(pages[i], strlen(pages[i]),
		    &p, &w, &cause), -1);
		assert_non_null(cause);
		free(cause);
	}
	for (i = 0; i < sizeof acks / sizeof *acks; i++) {
		cause = NULL;
		assert_int_equal(responder_msg_ack(acks[i], strlen(acks[i]),
		    &id, &ok, err, sizeof err, &cause), -1);
		assert_non_null(cause);
		free(cause);
	}
	big = xcalloc(1, RESP_MSG_MAX + 2);
	memset(big, ' ', RESP_MSG_MAX + 1);
	big[0] = '{';
	big[RESP_MSG_MAX] = '}';
	cause = NULL;
	assert_int_equal(responder_msg_page(big, strlen(big), &p, &w, &cause),
	    -1);
	assert_non_null(strstr(cause, "longer"));
	free(cause);
	free(big);
	/* The book counts them and keeps nothing. */
	responder_book_init(&b);
	assert_int_equal(input(&b, "page", pages[3], 0), -1);
	assert_int_equal(input(&b, "ack", acks[0], 0), -1);
	assert_int_equal(b.bad, 2);
	assert_int_equal(b.n, 0);
	/* Another responder's page (docs/mqtt.md's is responder 7's). */
	b.self = 8;
	assert_int_equal(input(&b, "page", doc_page, 0), -1);
	assert_int_equal(b.bad, 3);
	assert_int_equal(b.n, 0);
	b.self = 7;
	assert_int_equal(input(&b, "page", doc_page, 0), 1);
	assert_int_equal(b.n, 1);
}

static void
test_long_and_broken_text_is_cut_and_cleaned(void **state)
{
	struct resp_page	 p;
	char			 msg[1024], *cause = NULL;
	int			 w;

	(void)state;
	snprintf(msg, sizeof msg, "{\"page\": 1, \"alarm_id\": 2, "
	    "\"deadline\": 3, \"client\": \"%0200d\", \"access\": "
	    "\"a\\u0007b\"}", 0);
	assert_int_equal(responder_msg_page(msg, strlen(msg), &p, &w,
	    &cause), 0);
	assert_int_equal(strlen(p.client), sizeof p.client - 1);
	assert_string_equal(p.address, "");
}

static void
test_the_reply_is_the_documented_json(void **state)
{
	char	*s;

	(void)state;
	s = responder_msg_reply(1796688000123LL, RESP_ACCEPT, NULL);
	assert_string_equal(s, "{\"page\":1796688000123,\"action\":\"accept\"}");
	free(s);
	s = responder_msg_reply(9, RESP_CLEAR, "all well");
	assert_string_equal(s, "{\"page\":9,\"action\":\"clear\","
	    "\"note\":\"all well\"}");
	free(s);
}

static void
test_a_page_sent_again_keeps_its_state(void **state)
{
	struct resp_book	 b;
	struct resp_page	*p;

	(void)state;
	responder_book_init(&b);
	assert_int_equal(input(&b, "page", doc_page, 100), 1);
	assert_int_equal(b.n, 1);
	p = responder_book_selected(&b);
	assert_non_null(p);
	assert_int_equal(p->state, RESP_PAGED);
	assert_true(responder_book_can(p, RESP_ACCEPT));
	assert_false(responder_book_can(p, RESP_ARRIVED));
	responder_book_sent(p, RESP_ACCEPT, 200);
	assert_false(responder_book_can(p, RESP_ACCEPT));
	assert_int_equal(input(&b, "ack", "{\"page\": 1796688000123, "
	    "\"ok\": true}", 300), 1);
	assert_int_equal(p->state, RESP_ACCEPTED);
	assert_string_equal(p->ack, "accept: ok");
	/* After a reconnect the broker sends it again: still accepted. */
	assert_int_equal(input(&b, "page", doc_page, 400), 1);
	assert_int_equal(b.n, 1);
	assert_int_equal(p->state, RESP_ACCEPTED);
	assert_int_equal(p->since, 300);
	/* An ack nobody waits for is a stray. */
	assert_int_equal(input(&b, "ack", "{\"page\": 1796688000123, "
	    "\"ok\": true}", 500), 1);
	assert_int_equal(b.stray, 1);
	assert_int_equal(p->state, RESP_ACCEPTED);
}

static void
test_refusals_are_said_in_words_and_withdrawal_ends_a_page(void **state)
{
	struct resp_book	 b;
	struct resp_page	*p;

	(void)state;
	responder_book_init(&b);
	input(&b, "page", doc_page, 0);
	p = &b.pages[0];
	responder_book_sent(p, RESP_ARRIVED, 10);
	input(&b, "ack", "{\"page\": 1796688000123, \"ok\": false, "
	    "\"error\": \"out_of_order\"}", 20);
	assert_int_equal(p->state, RESP_PAGED);
	assert_non_null(strstr(p->ack, "arrived refused: not yet"));
	input(&b, "page", "{\"page\": 1796688000123, \"withdrawn\": true}",
	    30);
	assert_int_equal(p->state, RESP_WITHDRAWN);
	assert_false(responder_book_open(p));
	assert_false(responder_book_can(p, RESP_ACCEPT));
	/* A withdrawal of a page we never had: counted, nothing kept. */
	input(&b, "page", "{\"page\": 5, \"withdrawn\": true}", 40);
	assert_int_equal(b.stray, 1);
	assert_int_equal(b.n, 1);
	/* finished: the page is over. */
	input(&b, "page", "{\"page\": 6, \"alarm_id\": 1, \"deadline\": 2}",
	    50);
	p = responder_book_find(&b, 6);
	responder_book_sent(p, RESP_ACCEPT, 60);
	input(&b, "ack", "{\"page\": 6, \"ok\": false, \"error\": "
	    "\"finished\"}", 70);
	assert_int_equal(p->state, RESP_REFUSED);
	assert_non_null(strstr(p->ack, "accept refused: this page is "
	    "finished"));
}

static void
test_the_book_is_bounded_and_drops_finished_pages_first(void **state)
{
	struct resp_book	 b;
	char			 msg[128];
	int			 i;

	(void)state;
	responder_book_init(&b);
	for (i = 1; i <= RESP_PAGES; i++) {
		snprintf(msg, sizeof msg, "{\"page\": %d, \"alarm_id\": %d, "
		    "\"deadline\": 5}", i, i);
		input(&b, "page", msg, i);
	}
	assert_int_equal(b.n, RESP_PAGES);
	input(&b, "page", "{\"page\": 3, \"withdrawn\": true}", 100);
	input(&b, "page", "{\"page\": 99, \"alarm_id\": 99, "
	    "\"deadline\": 5}", 101);
	assert_int_equal(b.n, RESP_PAGES);
	assert_int_equal(b.dropped, 1);
	assert_null(responder_book_find(&b, 3));	/* the finished one */
	assert_non_null(responder_book_find(&b, 1));
	input(&b, "page", "{\"page\": 100, \"alarm_id\": 9, "
	    "\"deadline\": 5}", 102);
	assert_null(responder_book_find(&b, 1));	/* then the oldest */
	assert_int_equal(b.dropped, 2);
	/* The selection moves and stops at the ends. */
	b.sel = 2;
	responder_book_select(&b, -5);
	assert_int_equal(b.sel, 2);
	responder_book_select(&b, 100);
	assert_int_equal(b.sel, 100);
}

static void
test_auto_accept_walks_the_visit_with_its_delays(void **state)
{
	struct resp_book	 b;
	struct resp_page	*p;
	enum resp_action	 a;
	enum resp_auto		 m;
	int64_t			 id, t = 1000;
	static const enum resp_action want[] = { RESP_ACCEPT, RESP_ARRIVED,
					    RESP_ENTRY, RESP_CLEAR };
	static const char *ok = "{\"page\": 1796688000123, \"ok\": true}";
	size_t			 i;

	(void)state;
	assert_int_equal(responder_auto_mode("accept", &m), 0);
	assert_int_equal(responder_auto_mode("maybe", &m), -1);
	assert_int_equal(m, RESP_AUTO_ACCEPT);
	responder_book_init(&b);
	input(&b, "page", doc_page, t);
	p = &b.pages[0];
	for (i = 0; i < sizeof want / sizeof *want; i++) {
		assert_int_equal(responder_auto_next(&b, m, 500, t + 499, &id,
		    &a), 0);
		assert_int_equal(responder_auto_next(&b, m, 500, t + 500, &id,
		    &a), 1);
		assert_true(id == p->id);
		assert_int_equal(a, want[i]);
		t += 500;
		responder_book_sent(p, a, t);
		/* Nothing more until arc acks it. */
		assert_int_equal(responder_auto_next(&b, m, 500, t + 5000, &id,
		    &a), 0);
		input(&b, "ack", ok, t);
	}
	assert_int_equal(p->state, RESP_CLEARED);
	assert_int_equal(responder_auto_next(&b, m, 0, t + 9999, &id, &a), 0);
}

static void
test_auto_decline_and_ignore(void **state)
{
	struct resp_book	 b;
	enum resp_action	 a;
	int64_t			 id;

	(void)state;
	responder_book_init(&b);
	input(&b, "page", doc_page, 0);
	assert_int_equal(responder_auto_next(&b, RESP_AUTO_IGNORE, 0, 99999,
	    &id, &a), 0);
	assert_int_equal(responder_auto_next(&b, RESP_AUTO_OFF, 0, 99999,
	    &id, &a), 0);
	assert_int_equal(responder_auto_next(&b, RESP_AUTO_DECLINE, 0, 0,
	    &id, &a), 1);
	assert_int_equal(a, RESP_DECLINE);
	responder_book_sent(&b.pages[0], a, 1);
	input(&b, "ack", "{\"page\": 1796688000123, \"ok\": true}", 2);
	assert_int_equal(b.pages[0].state, RESP_DECLINED);
	assert_int_equal(responder_auto_next(&b, RESP_AUTO_DECLINE, 0, 99999,
	    &id, &a), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_doc_page_is_read),
		cmocka_unit_test(test_a_withdrawal_and_an_ack_are_read),
		cmocka_unit_test(test_hostile_messages_are_refused_with_a_cause),
		cmocka_unit_test(test_long_and_broken_text_is_cut_and_cleaned),
		cmocka_unit_test(test_the_reply_is_the_documented_json),
		cmocka_unit_test(test_a_page_sent_again_keeps_its_state),
		cmocka_unit_test(
		    test_refusals_are_said_in_words_and_withdrawal_ends_a_page),
		cmocka_unit_test(
		    test_the_book_is_bounded_and_drops_finished_pages_first),
		cmocka_unit_test(test_auto_accept_walks_the_visit_with_its_delays),
		cmocka_unit_test(test_auto_decline_and_ignore),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
