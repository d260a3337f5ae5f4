/*
 * responder.h -- arc-responder, the on-call responder's terminal: one
 * internal header, a section per file.
 *
 * responder_msg.c (the page, ack and reply JSON of docs/mqtt.md,
 * "Responders") and responder_book.c (the pages kept, their state and
 * the last ack) are the protocol state: no curses, no sockets, time
 * passed in as data; responder_auto.c decides what --auto answers and
 * when. responder_link.c owns the broker connection (libmosquitto,
 * driven from the main loop: one thread), responder_ui.c draws the pages
 * with ncurses (paint.c's safe text beneath it) and turns keys into
 * replies, responder.c owns the process: options and the loop.
 *
 * Calls go down, never back up:
 *	responder.c -> responder_ui.c, responder_auto.c, responder_link.c
 *	    -> responder_book.c -> responder_msg.c;  responder_ui.c -> paint.c
 */
#ifndef RESPONDER_H
#define RESPONDER_H

#include <stddef.h>
#include <stdint.h>

#define RESP_PAGES	16		/* pages kept; the oldest finished go */
#define RESP_MSG_MAX	8192		/* bytes of a page or ack we read */

/* What a responder answers, in the order of a visit. */
enum resp_action {
	RESP_ACCEPT,
	RESP_DECLINE,
	RESP_ARRIVED,
	RESP_ENTRY,
	RESP_CLEAR,
	RESP_NACTIONS
};

/* Where a page stands for this responder, as arcd acked it. */
enum resp_state {
	RESP_PAGED,			/* not answered yet */
	RESP_ACCEPTED,
	RESP_DECLINED,
	RESP_ARRIVED_ON_SITE,
	RESP_INSIDE,
	RESP_CLEARED,
	RESP_WITHDRAWN,			/* skipped, stopped: not ours now */
	RESP_REFUSED			/* arcd said finished */
};

/* A page as arcd sent it (strings cut to fit, checked UTF-8 not). */
struct resp_page {
	int64_t		 id;		/* arcd's page id */
	int64_t		 alarm_id;
	int64_t		 responder;
	int64_t		 step;
	int64_t		 deadline;	/* wall ms: the ladder's */
	char		 reason[96];
	char		 client[96];
	char		 address[192];
	char		 access[192];
	char		 medical[192];
	char		 phone[64];

	enum resp_state	 state;
	int		 sent;		/* an action awaits its ack: 1 + it */
	char		 ack[96];	/* the last ack, in words */
	int64_t		 since;		/* mono ms: the state last changed */
	int		 news;		/* changed since --auto logged it */
};

/* The pages this responder has, newest last. */
struct resp_book {
	struct resp_page pages[RESP_PAGES];
	size_t		 n;
	int64_t		 self;		/* our responder id (0: any) */
	int64_t		 sel;		/* the selected page's id, or 0 */
	uint64_t	 bad;		/* messages we could not read */
	uint64_t	 dropped;	/* pages pushed out by newer ones */
	uint64_t	 stray;		/* acks and withdrawals of no page */
	uint64_t	 paged;		/* new pages so far (the bell) */
};

/* responder_msg.c */
const char	*responder_msg_action_name(enum resp_action);
int		 responder_msg_action(const char *, enum resp_action *);
int		 responder_msg_page(const char *, size_t, struct resp_page *,
		     int *, char **);
int		 responder_msg_ack(const char *, size_t, int64_t *, int *,
		     char *, size_t, char **);
char		*responder_msg_reply(int64_t, enum resp_action, const char *);
const char	*responder_msg_error_words(const char *);

/* responder_book.c */
const char	*responder_book_state_name(enum resp_state);
void		 responder_book_init(struct resp_book *);
struct resp_page *responder_book_find(struct resp_book *, int64_t);
struct resp_page *responder_book_selected(struct resp_book *);
int		 responder_book_input(struct resp_book *, const char *,
		     const char *, size_t, int64_t);
int		 responder_book_can(const struct resp_page *, enum resp_action);
void		 responder_book_sent(struct resp_page *, enum resp_action,
		     int64_t);
void		 responder_book_unsent(struct resp_page *, const char *);
void		 responder_book_select(struct resp_book *, int);
int		 responder_book_open(const struct resp_page *);

/* responder_auto.c */
enum resp_auto {
	RESP_AUTO_OFF,
	RESP_AUTO_ACCEPT,
	RESP_AUTO_DECLINE,
	RESP_AUTO_IGNORE
};
int		 responder_auto_mode(const char *, enum resp_auto *);
int		 responder_auto_next(struct resp_book *, enum resp_auto, int64_t,
		     int64_t, int64_t *, enum resp_action *);

/* responder_link.c */
struct resp_link_opts {
	const char	*host;
	int		 port;
	int64_t		 id;		/* the responder's */
	const char	*prefix;	/* "arc" */
	const char	*user;
	const char	*password_file;
	const char	*ca_file;
	const char	*cert_file;
	const char	*key_file;
	int		 keepalive;	/* s */
};
struct resp_link;
struct resp_link *responder_link_new(const struct resp_link_opts *,
		     struct resp_book *, char **);
void		 responder_link_free(struct resp_link *);
int		 responder_link_fd(const struct resp_link *, short *);
void		 responder_link_run(struct resp_link *, int, int64_t);
int		 responder_link_up(const struct resp_link *);
const char	*responder_link_status(const struct resp_link *);
int		 responder_link_changed(struct resp_link *);
int		 responder_link_reply(struct resp_link *, int64_t,
		     enum resp_action, char **);

/* responder_ui.c */
struct resp_ui;
struct resp_ui	*responder_ui_open(char **);
void		 responder_ui_close(struct resp_ui *);
void		 responder_ui_draw(struct resp_ui *, struct resp_book *,
		     const char *, int64_t, int64_t);
int		 responder_ui_key(struct resp_ui *, struct resp_book *,
		     struct resp_link *, int64_t);

#endif /* RESPONDER_H */
