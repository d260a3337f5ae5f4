/*
 * console.h -- arc-console, the operator's terminal: one internal header,
 * a section per file.
 *
 * client.c (session, replies, pushes; protocol 2: the streamed snapshot,
 * heartbeats, a session taken over), request.c (requests with ids, kept
 * across a reconnect, flushed after the snapshot), queue.c (the alarms in
 * queue order and the deltas that change them), history.c (an alarm's
 * events and notes: the window of 20 the server sends, pushes, older
 * pages asked for), operators.c (a supervisor's view: the operators with
 * their state, held alarms and figures, the logins and addresses locked
 * after failed logins), supervise.c (away and back, reassign and
 * take-over; an operator's state, the queue's ageing), ladder.c (the
 * escalation ladders pushed, per alarm, with their last alert),
 * respond.c (send a responder; skip, stop, emergency services), text.c
 * (error words, zone names checked) and draft.c (what the operator
 * types; a close's reason when a responder is on the way) are
 * the protocol state: no curses, no sockets; lines in, lines out through
 * a send function, time passed in as data (libconsole.a, unit-tested
 * alone).
 * console.c owns the process and the TLS connection (lines up to the
 * hello's line_max; a longer one is skipped and said so; no reconnect
 * after "replaced" until the operator presses R; a terminal it cannot
 * draw on is said before the screen is taken: ui_term.c picks it); ui.c
 * (status line, key line, bell and banner, the centre's zone set in TZ),
 * ui_queue.c,
 * ui_alarm.c, ui_operators.c, ui_late.c, ui_give.c, ui_key.c and
 * ui_login.c render that state with ncurses and turn keys into requests
 * (m, or PgDn at the end of the alarm pane: older events and notes; R:
 * reconnect now, which ui_key.c hands to console.c as UI_KEY_RECONNECT;
 * in a supervisor's operators pane, j/k select a row and u unlocks it
 * after a y; p away and back; l the late list; g and t give and take an
 * alarm after a y; s sends a responder, x skips, X and e stop the
 * ladder after a y); paint.c (attributes, safe text, times) and key.c
 * (what a key is) are the helpers beneath them.
 *
 * Calls go down, never back up:
 *	console.c -> ui_key.c -> ui.c -> ui_alarm.c, ui_login.c, ui_operators.c,
 *	    ui_queue.c, ui_late.c, ui_give.c, ui_term.c -> paint.c, key.c;
 *	ui_key.c, ui_give.c, ui_queue.c, ui_operators.c -> supervise.c
 *	    -> client.c;  ui_key.c, ui.c -> draft.c -> client.c -> request.c
 *	    -> queue.c -> history.c;  client.c -> operators.c, text.c,
 *	    ladder.c;  ui_key.c -> respond.c -> client.c, ladder.c;
 *	ui.c, ui_alarm.c, ui_queue.c -> ladder.c;
 *	ui_key.c -> ui_operators.c -> operators.c;  ui_alarm.c -> history.c
 */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>
#include <sys/queue.h>

#ifndef TAILQ_FOREACH_SAFE
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = TAILQ_FIRST(head);					\
	    (var) != NULL && ((tvar) = TAILQ_NEXT(var, field), 1);	\
	    (var) = (tvar))
#endif

struct json_t;
struct event;
struct event_base;
struct bufferevent;
struct ssl_ctx_st;

#define CLIENT_PROTOCOL		2
#define CLIENT_LINE_MAX		(1024 * 1024)	/* a hello may say up to this */
#define CLIENT_LINE_MIN		1024	/* a hello's line_max below it: junk */
#define CLIENT_WINDOW		20	/* events, notes an alarm carries */
#define CLIENT_HISTORY_MAX	500	/* events, notes kept per alarm */
#define CLIENT_PAGE		50	/* events, notes asked for at a time */
#define CLIENT_TEXT_MAX		1000	/* bytes of a note */
#define CLIENT_MAX_ALARMS	10000	/* open alarms kept */
#define CLIENT_MAX_REQUESTS	64	/* requests waiting for a reply */
#define CLIENT_RESERVED		2	/* of them kept for a login, a ping */
#define CLIENT_CLOSED_KEEP	8	/* closed alarms kept for display */
#define CLIENT_PING_IDLE	30000	/* ms without input before a ping */
#define CLIENT_PING_TIMEOUT	20000	/* ms a ping may wait for its reply */
#define CLIENT_MAX_OPERATORS	256	/* operators kept from a list */
#define CLIENT_MAX_LOCKS	256	/* locks kept beside the operators */
#define CLIENT_LOCK_NAME	64	/* bytes of a locked login, address */
#define CLIENT_OPERATOR_ALARMS	8	/* alarm ids kept per operator */
#define CLIENT_LATE_KEEP	256	/* over_180 ids kept (arcd lists 256) */
#define CLIENT_MAX_LADDERS	256	/* escalation ladders kept */
#define CLIENT_LADDER_STEPS	16	/* steps kept per ladder */
#define CLIENT_ALERT_MAX	128	/* bytes of an alert's text kept */

/* --- client.c --- */
enum client_state {
	CLIENT_OFFLINE,		/* no connection; waiting to retry */
	CLIENT_CONNECTING,	/* TCP + TLS in progress */
	CLIENT_HELLO,		/* connected, waiting for the hello */
	CLIENT_LOGIN,		/* hello seen, no credentials yet */
	CLIENT_AUTH,		/* login sent, waiting for its reply */
	CLIENT_SYNC,		/* logged in, waiting for the snapshot */
	CLIENT_READY		/* snapshot applied; deltas flow */
};

enum client_alarm_state {
	ALARM_WAITING,
	ALARM_OFFERED,
	ALARM_HANDLING,
	ALARM_CLOSED,
	ALARM_UNKNOWN
};

enum client_req {
	REQ_LOGIN,
	REQ_PING,
	REQ_ACCEPT,
	REQ_RELEASE,
	REQ_NOTE,
	REQ_CLOSE,
	REQ_DECLINE,
	REQ_OPERATORS,		/* supervisor: the operators list */
	REQ_ALARM,		/* the whole alarm (an update for one unknown) */
	REQ_EVENTS,		/* older events of alarm_id, before an id */
	REQ_NOTES,		/* older notes of alarm_id, before an id */
	REQ_UNLOCK,		/* supervisor: "unlock" the login in text */
	REQ_UNLOCK_SOURCE,	/* supervisor: "unlock" the address in text */
	REQ_AWAY,		/* away (before 1) or back (before 0) */
	REQ_REASSIGN,		/* supervisor: alarm_id to the login in text */
	REQ_SEND_RESPONDER,	/* start alarm_id's escalation ladder */
	REQ_LADDER		/* steer it: text is "skip", "stop", "emergency" */
};
#define REQ_LAST	REQ_LADDER

/* An alarm's two histories (history.c). */
enum history_kind {
	HISTORY_EVENTS,		/* "events": newest first */
	HISTORY_NOTES		/* "notes": oldest first */
};

enum client_draft_kind {
	DRAFT_NONE,
	DRAFT_NOTE,		/* a note for alarm_id */
	DRAFT_CLOSE,		/* the free text closing alarm_id */
	DRAFT_REASON		/* the same, required: a responder is on
				   the way (the server said so) */
};

/* An escalation ladder's state and its steps' (docs/console-protocol.md). */
enum client_ladder_state {
	LADDER_PAGING,
	LADDER_ON_WAY,
	LADDER_ARRIVED,
	LADDER_ENTRY,
	LADDER_CLEAR,
	LADDER_EXHAUSTED,	/* every step failed */
	LADDER_STOPPED,
	LADDER_EMERGENCY	/* the emergency services called instead */
};

enum client_step_state {
	STEP_WAITING,
	STEP_PAGED,
	STEP_DECLINED,
	STEP_TIMED_OUT,
	STEP_SKIPPED,
	STEP_ACCEPTED,
	STEP_WITHDRAWN
};

/* One responder of a ladder, as the last push said. */
struct client_step {
	int64_t			 responder;	/* id */
	char			 name[64];
	int			 mobile;	/* the mobile team's */
	enum client_step_state	 state;
	int64_t			 paged_at;	/* wall ms (server's); 0: not */
	int64_t			 answered_at;
	int64_t			 deadline;	/* STEP_PAGED: accept by */
};

/* An alarm's escalation ladder (ladder.c): the whole of the last push. */
struct client_ladder {
	int64_t			 alarm_id;
	enum client_ladder_state state;
	char			 operator[64];	/* who sent the responder */
	int64_t			 decided_at;	/* wall ms (server's); 0: not */
	int64_t			 accepted_at;
	int64_t			 arrived_at;
	int64_t			 entry_at;
	int64_t			 ended_at;
	struct client_step	 steps[CLIENT_LADDER_STEPS];
	size_t			 nsteps;	/* kept */
	size_t			 steps_total;	/* the server listed */
	char			 alert[CLIENT_ALERT_MAX]; /* the last alert */
	int64_t			 alert_at;	/* local ms; 0: none */
};

/* One alarm as the server last sent it. */
struct client_alarm {
	int64_t			 id;
	enum client_alarm_state	 state;
	int			 class;		/* 1..3 */
	int64_t			 opened_at;	/* ms UTC */
	int64_t			 last_at;
	int64_t			 count;		/* events attached */
	const char		*operator;	/* borrowed from obj, or NULL */
	const char		*offered_to;	/* borrowed from obj, or NULL */
	const char		*code;		/* borrowed from obj, or NULL */
	const char		*name;		/* borrowed from obj, or NULL */
	const char		*outcome;	/* borrowed from obj, or NULL */
	struct json_t		*obj;		/* owned reference */
	int			 history_end[2]; /* the server has no older */
};

/* A request sent (or waiting to be sent) and not yet answered. */
struct client_request {
	int64_t			 id;		/* 0 until sent */
	enum client_req		 kind;
	int64_t			 alarm_id;	/* 0: null */
	char			*text;		/* owned, or NULL */
	const char		*outcome;	/* static, or NULL */
	int64_t			 before;	/* REQ_EVENTS, REQ_NOTES: 0 none;
						   REQ_AWAY: 1 away, 0 back */
	int64_t			 sent_at;	/* ms; 0 while unsent */
	TAILQ_ENTRY(client_request) entry;
};
TAILQ_HEAD(client_requests, client_request);

/* What the operator is typing; survives reconnects. */
struct client_draft {
	enum client_draft_kind	 kind;
	int64_t			 alarm_id;
	const char		*outcome;	/* static; DRAFT_CLOSE */
	char			 text[CLIENT_TEXT_MAX + 1];
	size_t			 len;
};

struct client_outcome {
	const char		*name;		/* protocol word */
	const char		*label;		/* for people */
};

/* An alarm an operator holds, as the operators view says. */
struct client_held {
	int64_t			 id;
	int			 handling;	/* else offered */
	int			 class;		/* 1..3, 0: not said */
	int64_t			 since;		/* wall ms (server's); 0: not */
};

/* One operator as the last operators list showed them (supervisors). */
struct client_operator {
	char			 login[64];
	char			 name[128];
	char			 role[32];
	char			 state[16];	/* free, offered, handling,
						   away; "" if not said */
	int			 connected;
	int			 away;
	int64_t			 alarms[CLIENT_OPERATOR_ALARMS];
	size_t			 nalarms;	/* ids kept in alarms */
	size_t			 alarms_total;	/* ids the server listed */
	struct client_held	 held[CLIENT_OPERATOR_ALARMS];
	size_t			 nheld;		/* kept in held */
	size_t			 nhandling;	/* of all listed, in hand */
	int64_t			 locked_until;	/* wall ms (server's); 0: not */
	int64_t			 logins;	/* today; -1: not said */
	int64_t			 answered;	/* today, and of them: */
	int64_t			 within_60;
	int64_t			 within_180;
};

/* What is locked beside the operators' rows (supervisors). */
enum client_lock_kind {
	LOCK_LOGIN,		/* a login with no operator record */
	LOCK_SOURCE		/* an address */
};

struct client_lock {
	enum client_lock_kind	 kind;
	char			 name[CLIENT_LOCK_NAME];
	int64_t			 until;		/* wall ms (server's) */
};

typedef void client_send_fn(const char *, size_t, void *);

struct client {
	enum client_state	 state;
	client_send_fn		*send;
	void			*send_arg;

	char			*login;		/* owned */
	char			*password;	/* owned, wiped */
	int			 have_creds;
	char			 login_error[128];

	char			 op_login[64];
	char			 op_name[128];
	char			 op_role[32];

	size_t			 line_max;	/* bytes a line (the hello's) */
	char			 timezone[64];	/* the centre's (hello), or "" */
	int			 away;		/* we said away (no offers) */
	int			 heartbeat;	/* s between heartbeats, or 0 */
	int			 replaced;	/* logged in elsewhere: stay
						   offline until asked */
	int			 loading;	/* snapshot_begin seen, not _end */
	int64_t			 load_total;	/* alarms the begin announced */
	int64_t			 load_count;	/* alarm messages since */
	int64_t			*known;		/* owned; sorted ids held before
						   the snapshot (bells) */
	size_t			 nknown;

	struct client_alarm	**alarms;	/* owned; queue order */
	size_t			 nalarms;
	size_t			 alarms_size;
	struct client_alarm	*closed[CLIENT_CLOSED_KEEP]; /* owned */
	size_t			 closed_next;

	int			 have_stats;
	int64_t			 queue[4];	/* [1..3]: P1..P3 */
	double			 pct_60;
	double			 pct_180;
	int64_t			 pager_down;	/* wall ms the broker link
						   went down; 0: up or none */
	int64_t			 answered;
	size_t			 over_180;	/* ids the server listed */
	int64_t			 late[CLIENT_LATE_KEEP]; /* over_180 ids */
	size_t			 nlate;		/* ids kept in late */

	struct client_ladder	*ladders;	/* owned; by arrival */
	size_t			 nladders;
	size_t			 ladders_size;
	int64_t			 reason_id;	/* a close came back
						   responder_on_way: ask why */
	const char		*reason_outcome; /* static; its outcome */

	struct client_operator	*operators;	/* owned; supervisors */
	size_t			 noperators;
	int			 have_operators;
	struct client_lock	*locks;		/* owned; logins, then addresses */
	size_t			 nlocks;

	int64_t			 skew;		/* server - local, ms */
	int64_t			 offer_id;	/* offered to us, or 0 */
	int64_t			 focus_id;	/* the UI should select it */
	unsigned		 bells;		/* P1s, offers, losses to ring */
	char			 flash[128];	/* the banner of the next bell;
						   "": a new P1 */
	int64_t			 last_rx;	/* ms of the last line */

	struct client_requests	 requests;
	size_t			 nrequests;
	int64_t			 next_id;

	char			 message[256];
	int			 message_error;
	int64_t			 message_at;

	struct client_draft	 draft;

	uint64_t		 stray_replies;
	uint64_t		 bad_messages;
	uint64_t		 heartbeats;	/* answered */
	uint64_t		 unknown_alarms; /* deltas for alarms not held */
	uint64_t		 dropped_alarms;
	uint64_t		 dropped_operators;
	uint64_t		 dropped_locks;
	uint64_t		 dropped_ladders;
};

extern const struct client_outcome client_outcomes[];
extern const size_t client_noutcomes;

struct client	*client_new(client_send_fn *, void *);
void		 client_free(struct client *);
const char	*client_state_name(enum client_state);
const char	*client_outcome_label(const char *);
void		 client_set_credentials(struct client *, const char *,
		     const char *, int64_t);
void		 client_connecting(struct client *);
void		 client_connected(struct client *, int64_t);
void		 client_disconnected(struct client *, int64_t);
int		 client_input(struct client *, const char *, size_t, int64_t);
int		 client_tick(struct client *, int64_t);
int64_t		 client_accept(struct client *, int64_t, int64_t);
int64_t		 client_release(struct client *, int64_t, int64_t);
int64_t		 client_decline(struct client *, int64_t, int64_t);
int64_t		 client_note(struct client *, int64_t, const char *, int64_t);
int64_t		 client_close(struct client *, int64_t, const char *,
		     const char *, int64_t);
int64_t		 client_operators(struct client *, int64_t);
int64_t		 client_unlock(struct client *, const char *, int, int64_t);
int64_t		 client_request(struct client *, enum client_req,
		     int64_t, const char *, const char *, int64_t);
void		 client_ring(struct client *, const char *, ...)
		     __attribute__((format(printf, 2, 3)));
int		 client_history(struct client *, int64_t, int64_t);
int		 client_is_supervisor(struct client *);
void		 client_message(struct client *, int, int64_t, const char *,
		     ...) __attribute__((format(printf, 4, 5)));

/* --- queue.c --- */
const char	*queue_state_name(enum client_alarm_state);
void		 queue_begin(struct client *);
void		 queue_end(struct client *);
void		 queue_alarm(struct client *, struct json_t *);
int		 queue_update(struct client *, struct json_t *);
void		 queue_event(struct client *, struct json_t *);
void		 queue_note(struct client *, struct json_t *);
void		 queue_stats(struct client *, struct json_t *);
void		 queue_clear(struct client *);
void		 queue_free(struct client *);
int		 queue_index(struct client *, int64_t);
struct client_alarm *queue_find(struct client *, int64_t);
int		 queue_is_mine(struct client *, const struct client_alarm *);
int		 queue_is_late(struct client *, int64_t);

/* --- ladder.c --- */
const char	*ladder_state_label(enum client_ladder_state);
const char	*ladder_step_label(enum client_step_state);
const char	*ladder_do_label(const char *);
int		 ladder_set(struct client *, struct json_t *);
void		 ladder_push(struct client *, struct json_t *, int64_t);
struct client_ladder *ladder_find(struct client *, int64_t);
int		 ladder_live(const struct client_ladder *);
int		 ladder_on_way(const struct client_ladder *);
struct client_step *ladder_paged(struct client_ladder *);
void		 ladder_alert(struct client *, int64_t, const char *, int64_t);
void		 ladder_clear(struct client *);

/* --- respond.c --- */
int64_t		 respond_send(struct client *, int64_t, int64_t);
int64_t		 respond_ladder(struct client *, int64_t, const char *,
		     int64_t);

/* --- operators.c --- */
void		 operators_set(struct client *, struct json_t *);
int64_t		 operators_left(const struct client *, int64_t, int64_t);
void		 operators_free(struct client *);

/* --- text.c --- */
const char	*text_error(const char *);
int		 text_zone_ok(const char *);

/* --- supervise.c --- */
int64_t		 supervise_away(struct client *, int, int64_t);
int64_t		 supervise_reassign(struct client *, int64_t,
		     const char *, int64_t);
const char	*supervise_holder(struct client *, int64_t);
void		 supervise_state(const struct client_operator *, char *,
		     size_t);
void		 supervise_pct(const struct client_operator *, char *, size_t);
void		 supervise_ageing(struct client *, int64_t, int64_t *,
		     int64_t *);

/* --- request.c --- */
const char	*request_name(enum client_req);
struct client_request *request_new(struct client *, enum client_req, int64_t,
		     const char *, const char *);
void		 request_remove(struct client *, struct client_request *);
void		 request_free_all(struct client *);
void		 request_sendj(struct client *, struct json_t *);
void		 request_send(struct client *, struct client_request *,
		     int64_t);
struct client_request *request_find(struct client *, struct json_t *);
int64_t		 request_fetch(struct client *, enum client_req, int64_t,
		     int64_t, int64_t);
int		 request_lost(struct client *);
void		 request_flush(struct client *, int64_t);

/* --- history.c --- */
size_t		 history_held(const struct client_alarm *, enum history_kind);
int64_t		 history_total(const struct client_alarm *,
		     enum history_kind);
int		 history_before(struct client_alarm *, enum history_kind,
		     int64_t *);
int		 history_push(struct client_alarm *, enum history_kind,
		     struct json_t *);
size_t		 history_page(struct client_alarm *, enum history_kind,
		     struct json_t *, int);

/* --- draft.c --- */
void		 draft_start(struct client *, enum client_draft_kind, int64_t,
		     const char *);
void		 draft_insert(struct client *, const char *, size_t);
void		 draft_backspace(struct client *);
void		 draft_clear(struct client *);
int64_t		 draft_submit(struct client *, int64_t);

/* --- console.c --- */
struct console {
	struct event_base	*base;
	struct ssl_ctx_st	*ctx;
	struct bufferevent	*bev;		/* owned, or NULL */
	char			*host;		/* owned */
	char			*port;		/* owned */
	int			 insecure;
	int			 addr_index;
	int			 backoff;	/* s before the next retry */
	int64_t			 retry_at;	/* ms; 0 if not waiting */
	int			 skipping;	/* in a line past line_max */
	uint64_t		 long_lines;	/* lines skipped */
	struct event		*retry_ev;
	struct event		*tick_ev;
	struct event		*stdin_ev;
	struct event		*sig_ev[4];
	struct client		*client;	/* owned */
	struct ui		*ui;		/* owned */
};

int64_t		 console_now(void);

/* --- ui.c --- */
enum ui_mode {
	UI_MAIN,
	UI_NOTE,	/* editing client->draft (a note) */
	UI_OUTCOME,	/* picking the outcome of a close */
	UI_CLOSETEXT,	/* editing client->draft (closing text) */
	UI_HELP,
	UI_UNLOCK,	/* confirming u: unlock_name */
	UI_GIVE,	/* g: picking whom to give give_id to */
	UI_REASSIGN,	/* confirming g or t: give_id to give_to */
	UI_LADDER,	/* confirming X or e: ladder_do on ladder_id */
	UI_QUIT		/* confirming q */
};

#define UI_BANNER_MS	10000	/* a bell's banner, unless a key first */

/* The screen's own state: selection, mode, the login form. */
struct ui {
	struct console	*con;		/* borrowed */
	enum ui_mode	 mode;
	int64_t		 sel_id;	/* selected alarm, or 0 */
	int		 show_operators; /* supervisor: operators pane */
	int		 show_late;	/* the late list */
	int		 ops_sel;	/* the pane's selected row */
	int		 ops_sel_kind;	/* what it is: 0 operator, 1 + lock */
	char		 ops_sel_name[CLIENT_LOCK_NAME]; /* whose */
	char		 unlock_name[CLIENT_LOCK_NAME]; /* UI_UNLOCK: what */
	int		 unlock_source;	/* ... is an address, not a login */
	int		 scroll;	/* alarm or operators pane, in lines */
	int		 alarm_lines;	/* the alarm pane's, as last drawn */
	int		 alarm_rows;	/* rows it had */
	int		 outcome_sel;
	char		 login[64];
	char		 pass[256];	/* wiped */
	int		 field;		/* login screen: 0 login, 1 password */
	int		 colour;
	int		 utf8;
	int64_t		 drawn_sec;
	void		*screen;	/* SCREEN *, owned */
	char		 term[64];	/* the terminal type drawn for */
	char		 zone[64];	/* TZ set for (the hello's) */
	char		 banner[128];	/* why the last bell rang */
	int64_t		 banner_until;	/* ms: shown until (or a key) */
	int64_t		 give_id;	/* UI_GIVE, UI_REASSIGN: the alarm */
	int		 give_sel;	/* UI_GIVE: the operator picked */
	char		 give_to[64];	/* UI_REASSIGN: to whom */
	char		 give_from[64];	/* ... from whom, or "" */
	int64_t		 ladder_id;	/* UI_LADDER: the alarm */
	const char	*ladder_do;	/* ... "stop" or "emergency" */
};

struct ui	*ui_new(struct console *, const char *, char **);
void		 ui_free(struct ui *);
void		 ui_draw(struct ui *, int64_t);
void		 ui_resize(struct ui *, int64_t);
int		 ui_selected(struct ui *);

/* --- ui_key.c --- */
enum ui_key_result {
	UI_KEY_REDRAW,	/* keys handled: draw the screen */
	UI_KEY_RECONNECT, /* R while offline: connect now */
	UI_KEY_QUIT	/* the operator confirmed q */
};
enum ui_key_result ui_key_input(struct ui *, int64_t);

/* --- ui_term.c --- */
void		*ui_term_open(struct ui *, char **);

/* --- ui_queue.c --- */
void		 ui_queue_cause(struct client_alarm *, char *, size_t);
const char	*ui_queue_who(struct client_alarm *);
void		 ui_queue_ageing(struct ui *, int, int64_t);
void		 ui_queue_draw(struct ui *, int, int, int, int64_t);

/* --- ui_late.c --- */
void		 ui_late_scroll(struct ui *, int);
void		 ui_late_draw(struct ui *, int, int, int64_t);

/* --- ui_give.c --- */
void		 ui_give_start(struct ui *, int, int64_t);
void		 ui_give_key(struct ui *, int, wint_t, int64_t);
void		 ui_give_confirm(struct ui *, int, wint_t, int64_t);
void		 ui_give_draw(struct ui *);
void		 ui_give_prompt(struct ui *);

/* --- ui_login.c --- */
void		 ui_login_draw(struct ui *);
void		 ui_login_key(struct ui *, int, wint_t, int64_t);

/* --- ui_operators.c --- */
void		 ui_operators_draw(struct ui *, int, int, int64_t);
void		 ui_operators_move(struct ui *, int, int64_t);
int		 ui_operators_lock(struct ui *, int64_t, char *, size_t, int *);

/* --- ui_alarm.c --- */
int		 ui_alarm_draw(struct ui *, struct client_alarm *, int, int,
		     int, int, int64_t);

/* --- paint.c --- */
/* The roles text is painted in: a colour pair each (paint_attr). */
enum ui_colour {
	UI_P1 = 1,
	UI_P2,
	UI_P3,
	UI_LATE,	/* past 60 s */
	UI_OVERDUE,	/* past 180 s */
	UI_STATUS,
	UI_ERROR,
	UI_TITLE
};
int		 paint_attr(struct ui *, int);
size_t		 paint_fit(const char *, int, int *);
void		 paint_put(int, int, int, int, const char *);
void		 paint_fmt_age(char *, size_t, int64_t);
void		 paint_fmt_hms(char *, size_t, int64_t);
void		 paint_fmt_zone(char *, size_t, int64_t);

/* --- key.c --- */
int		 key_is_enter(int, wint_t);
int		 key_is_backspace(int, wint_t);
size_t		 key_utf8(int, wint_t, char *, size_t);

#endif /* CONSOLE_H */
