/*
 * core.h -- arcd's decisions, and nothing else: the unit table, dedupe,
 * supervision deadlines, alarms and their transition table, the call
 * queue, storms and incidents, runaway units, operators, dispatch, the
 * service figures, the wallboard's gauges and the counters.
 *
 * Pure: no libevent, SQLite, OpenSSL or sockets. Time comes in as data:
 * `wall` (UTC ms) for what is recorded or shown, `mono` (ms) for every
 * deadline. The core links alone with the runtime (libcore.a +
 * libruntime.a, checked by make check-layers), so its tests run in
 * microseconds on a settable clock. db.h and proto.h are included for
 * their record types only (struct db_event, db_alarm, dc09_key,
 * enum code_class); no db_ or proto function is called from here.
 *
 * A decision that must be stored comes out as a typed change (struct
 * alarm_change) in the caller's list: the pipeline writes it (alarmio.c)
 * and hands the result back (alarm_done), which keeps memory as stored.
 *
 * Thread: the network thread only.
 */
#ifndef ARC_CORE_H
#define ARC_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "proto.h"
#include "runtime.h"

struct alarm_stats;

/* --- counter.c: every limit hit and every refusal, for /metrics --- */
enum counter {
	C_CONN_ACCEPTED,
	C_CONN_CLOSED,
	C_CONN_REFUSED_CAP,
	C_CONN_REFUSED_SOURCE,
	C_CONN_IDLE,
	C_CONN_TOOLONG,
	C_CONN_OUTPUT_FULL,
	C_CONN_NO_FRAME,
	C_CONN_HALFCLOSED,
	C_CONN_EVICTED,
	C_ACCEPT_ERRORS,
	C_FRAMES,
	C_FRAME_JUNK_BYTES,
	C_FRAME_BADCRC,
	C_FRAME_BADLEN,
	C_FRAME_BADFRAME,
	C_FRAME_BADTOKEN,
	C_FRAME_BADDATA,
	C_NAK_DECRYPT,
	C_NAK_NOTIME,
	C_NAK_TIME,
	C_NAK_PLAINTEXT,
	C_POLLS,
	C_EVENTS,
	C_EVENTS_STORED,
	C_EVENTS_UNREGISTERED,
	C_EVENTS_UNKNOWN_CODE,
	C_DUPLICATES,
	C_DUPLICATES_UNCOUNTED,
	C_UNREGISTERED_LIMITED,
	C_UNREGISTERED_GLOBAL_LIMITED,
	C_SOURCES_FULL,
	C_PENDING_FULL,
	C_STORE_FAILED,
	C_ACKS,
	C_REPLY_LOST,
	C_UDP_DATAGRAMS,
	C_UDP_SEND_ERRORS,
	C_DEDUPE_EVICTED,
	C_CONSOLE_ACCEPTED,
	C_CONSOLE_LOGINS,
	C_CONSOLE_LOGIN_FAILED,
	C_CONSOLE_BAD_INPUT,
	C_CONSOLE_SLOW,
	C_CONSOLE_LINES_UNKEPT,
	C_CONSOLE_REFUSED,
	C_CONSOLE_REFUSED_SOURCE,
	C_CONSOLE_LOGIN_TIMEOUT,
	C_CONSOLE_UNAUTH_EVICTED,
	C_CONSOLE_MARKS_RESET,
	C_CONSOLE_LOGIN_LOCKED,
	C_CONSOLE_LOGIN_UNKNOWN,
	C_CONSOLE_LOGIN_DISABLED,
	C_CONSOLE_LOGIN_PASSWORD,
	C_CONSOLE_LOGIN_LOCKS,
	C_CONSOLE_SOURCE_LOCKS,
	C_CONSOLE_LOGIN_UNTRACKED,
	C_CONSOLE_STUCK,
	C_CONSOLE_REPLACED,
	C_CONSOLE_HELD_LIMIT,
	C_ALARMS_OPENED,
	C_ALARM_WRITE_FAILED,
	C_LOOKUP_FAILED,
	C_CONFIG_RELOADS,
	C_CONFIG_RELOAD_FAILED,
	C_MQTT_CONNECTS,
	C_MQTT_DOWN,
	C_MQTT_MESSAGES,
	C_MQTT_PUBLISHED,
	C_MQTT_NOT_SENT,
	C_MQTT_BAD_EVENTS,
	C_PAGER_BAD_REPLIES,
	C_PAGER_REFUSED_REPLIES,
	C_PAGE_COMMANDS,
	C_PAGE_COMMAND_FAILED,
	C_PAGE_COMMAND_TIMEOUTS,
	C_PAGE_COMMAND_REFUSED,
	C_LADDER_STEPS_CUT,
	C_COUNTER_MAX
};
extern uint64_t	 counters[C_COUNTER_MAX];
#define COUNT(c)	(counters[(c)]++)
const char	*counter_name(enum counter);
const char	*counter_help(enum counter);	/* one line, for HELP */

/*
 * --- unit.c: the registered units, by (protocol, account) and by id ---
 * Units are added, changed and removed one at a time (the pipeline reads
 * the changes off the loop); a struct unit stays at its address while it
 * is registered.
 */
struct unit {
	int64_t		 id;
	char		 protocol[8];	/* "dc09" */
	char		 account[DC09_ACCT_MAX + 1];
	char		 client[32];	/* client ref, "" = none */
	int		 has_key;
	struct dc09_key	 key;		/* wiped on free; len 0 = unusable */
	int		 interval;	/* supervision s, 0 = the default */
	int64_t		 last_seen;	/* wall ms, 0 = never */
	int		 dirty;		/* last_seen not yet written */
	int		 silent;	/* missed its supervision deadline */
	int64_t		 deadline;	/* mono ms, 0 = not supervised */
	int64_t		 queued_at;	/* its entry in supervise's heap */
};
/*
 * Add or change the unit t->id (copied). A change keeps a newer last_seen
 * and the silent flag. Returns the unit.
 */
struct unit	*unit_put(const struct unit *);
void		 unit_remove(int64_t id);
struct unit	*unit_find(const char *protocol, const char *account);
struct unit	*unit_by_id(int64_t);
size_t		 unit_count(void);
void		 unit_seen(struct unit *, int64_t wall);
/* Call fn for every unit whose last_seen is not yet written; clears it. */
size_t		 unit_flush_seen(void (*)(const struct unit *, void *), void *);
/* Every unit, in no order; fn must not add or remove units. */
void		 unit_each(void (*)(struct unit *, void *), void *);
void		 unit_free_all(void);

/*
 * --- supervise.c: a deadline per unit, as data ---
 * Interval (the unit's, else the default) plus grace after the last
 * frame. A heap of (deadline, unit id), checked lazily: touching a unit
 * on every frame is O(1).
 */
void		 supervise_init(int default_s, int grace_s);
void		 supervise_limits(int default_s, int grace_s);
int		 supervise_secs(const struct unit *);
int64_t		 supervise_deadline(int64_t seen, int secs, int grace,
		    int64_t now);
/* After a (re)load: the deadline from last_seen; startup adds a grace. */
void		 supervise_arm(struct unit *, int64_t wall, int64_t mono,
		    int startup);
/* A valid frame: a new deadline. 1 if the unit was silent (heard again). */
int		 supervise_touch(struct unit *, int64_t mono);
/* Silent now, its deadline or not (it said so): 1, or 0 if it was. */
int		 supervise_lost(struct unit *);
/* Units past their deadline become silent; fn is called for each. */
size_t		 supervise_due(int64_t mono,
		    void (*)(struct unit *, void *), void *);
int64_t		 supervise_next(void);	/* the earliest deadline, 0 = none */
/* Its silent (1) or heard-again (0) event was not stored: undo, retry. */
void		 supervise_undo(struct unit *, int silent, int64_t mono);
void		 supervise_free(void);

/*
 * --- dedupe.c: frames seen within the window (mono ms) ---
 * The key is the pipeline's hash of (protocol, what a retransmission
 * repeats). An entry is pending (pending != NULL, borrowed: the
 * pipeline's) until its commit, then holds the event id.
 */
struct dedupe_entry {
	uint64_t	 key;
	int64_t		 event_id;	/* 0 while the commit is pending */
	int64_t		 expires;	/* mono ms */
	void		*pending;	/* borrowed, opaque */
};
void		 dedupe_init(size_t max, int window_s);
void		 dedupe_window(int window_s);	/* again on a reload */
void		 dedupe_free(void);
struct dedupe_entry *dedupe_find(uint64_t key, int64_t mono);
/*
 * Add, remembered for window_ms (0: the configured window), evicting
 * expired or, if full, the oldest entry (counted).
 */
struct dedupe_entry *dedupe_add(uint64_t key, int64_t mono,
		    int64_t window_ms);
void		 dedupe_remove(uint64_t key);
size_t		 dedupe_count(void);

/* --- runaway.c: a token bucket per (unit, code, zone) --- */
void		 runaway_init(int burst, int per_min);
int		 runaway_take(uint64_t key, int64_t mono);
size_t		 runaway_sweep(int64_t mono);
void		 runaway_free(void);

/* --- storm.c: distinct units per technical code within a window --- */
void		 storm_init(int threshold, int window_s, int quiet_s);
int		 storm_threshold_units(void);
int		 storm_suspect_units(void);
int64_t		 storm_window_ms(void);
int		 storm_count(const char *code, uint64_t unit, int64_t mono);
int64_t		 storm_incident(const char *code);
void		 storm_set_incident(const char *code, int64_t id);
void		 storm_expire(int64_t mono, void (*)(int64_t, void *), void *);
void		 storm_free(void);

/* --- incident.c: what a storm means for an alarm just opened --- */
enum storm_verdict {
	STORM_NONE,		/* queue it */
	STORM_SUSPECT,		/* hold it until *until: it may collapse */
	STORM_START,		/* a storm begins: open the incident */
	STORM_JOIN,		/* collapse into incident *id */
};
enum storm_verdict incident_judge(const char *code, uint64_t unit_key,
		    int64_t mono, int64_t *id, int64_t *until);

/*
 * --- alarm.c: alarms, their state machine, and the changes to store ---
 */
enum alarm_state {
	ALARM_WAITING,		/* in the queue */
	ALARM_OFFERED,		/* offered to one operator */
	ALARM_HANDLING,		/* accepted by one operator */
	ALARM_CLOSED,
	ALARM_STATE_MAX
};

enum alarm_outcome {
	OUTCOME_NONE,
	OUTCOME_NO_ASSISTANCE,
	OUTCOME_PHONE,
	OUTCOME_RESPONDER,
	OUTCOME_EMERGENCY,
	OUTCOME_FALSE_ALARM,
	OUTCOME_TECHNICAL,
	OUTCOME_RESTORED,	/* system: restored before answer */
	OUTCOME_MAX
};

/* Every change to an alarm; the name is the audit text (NULL: none). */
enum alarm_action {
	ACTION_OPEN,		/* an event opened it */
	ACTION_ATTACH,		/* events attached (count, last time) */
	ACTION_ANNOTATE,	/* a P4 event linked to it */
	ACTION_RAISE,		/* an event raised its class */
	ACTION_RESTORED,	/* closed: restored before answer */
	ACTION_RESTORED_HELD,	/* restored while an operator has it */
	ACTION_OFFER,
	ACTION_ACCEPT,
	ACTION_DECLINE,
	ACTION_RELEASE,
	ACTION_CLOSE,
	ACTION_EXPIRED,		/* an offer not accepted in time */
	ACTION_CONSOLE_LOST,	/* the operator's console grace ran out */
	ACTION_HOLD_OVER,	/* queued after its hold */
	ACTION_INCIDENT,	/* an incident opened (a storm) */
	ACTION_JOINED,		/* collapsed into an incident */
	ACTION_STORM_OVER,
	ACTION_MEMBER_CLOSED,	/* closed with its incident */
	ACTION_REASSIGN,	/* a supervisor gave it to another operator */
	ACTION_COUNTED,		/* count and last time written, coalesced */
	ACTION_NO_RESPONDER,	/* every responder failed: queued again, P1 */
	ACTION_MAX
};

/* What a write stores and a failed write puts back. */
struct alarm_saved {
	enum alarm_state state;
	char		 operator[32];
	int64_t		 offered_at, accepted_at, closed_at;
	enum alarm_outcome outcome;
	int		 class;
	char		 code[8];
	int64_t		 incident_id;
};

struct alarm {
	int64_t		 id;
	int64_t		 unit_id;	/* 0 = unregistered or an incident */
	char		 account[17];	/* an incident's: "*AT" */
	int		 class;		/* CLASS_P1..CLASS_P3 */
	char		 code[8];
	enum alarm_state state;
	char		 operator[32];	/* offered to / handled by */
	char		 passed_by[32];	/* let its last offer pass */
	int64_t		 opened_at, last_at;	/* wall ms */
	int64_t		 offered_at, accepted_at, closed_at;
	int		 count;		/* events; an incident: member units */
	enum alarm_outcome outcome;
	char		*outcome_text;	/* owned, NULL = none */
	int64_t		 incident_id;	/* collapsed into this incident */
	int		 incident;	/* this is an incident (a storm) */
	int64_t		 restored_at;	/* wall ms: restored while in hand */
	int64_t		 held_until;	/* mono ms: not queued before; 0 = no */
	int64_t		 offer_until;	/* mono ms: the offer returns */
	size_t		 heap;		/* index in the queue, or SIZE_MAX */
	uint64_t	 version;	/* bumped on every change */
	uint64_t	 sversion;	/* ... on every change of what is saved */
	int		 dirty;		/* count/last_at not yet written */
	int		 stored;	/* its row is in the database */
	int		 writing;	/* writes of its row in flight */
	int		 closing;	/* closed; freed once the close is stored */
	struct alarm_saved saved;	/* as last stored */
};

/* One decision to store (and show). */
struct alarm_change {
	enum alarm_action action;
	int64_t		 alarm_id;
	uint64_t	 version;	/* the alarm's after the call */
	int		 row;		/* writes the alarm's row */
	int		 counted;	/* events counted (undone on failure) */
	char		 actor[32];	/* "arcd" or an operator's login */
	char		 from[32];	/* who lost it (REASSIGN, RELEASE) */
	char		 detail[96];
	struct alarm_saved snap;	/* the row written (alarm_snapshot) */
};
struct alarm_changes {
	struct alarm_change *v;		/* owned */
	size_t		 n, cap;
};

#define ALARM_OFFER_MS		30000	/* an offer not accepted returns */
#define ALARM_RUNAWAY		"RU"	/* arc's code: a runaway unit */
#define ALARM_INCIDENT		'*'	/* an incident's account: "*AT" */
#define ALARM_TOP_TARGET_MS	60000
#define ALARM_LATE_MS		180000

const char	*alarm_state_name(enum alarm_state);
enum alarm_state alarm_state_parse(const char *);
const char	*alarm_outcome_name(enum alarm_outcome);
/* An operator's outcome (never the system's); OUTCOME_NONE if not one. */
enum alarm_outcome alarm_outcome_parse(const char *);
const char	*alarm_action_name(enum alarm_action);

void		 alarm_changes_clear(struct alarm_changes *);
void		 alarm_changes_free(struct alarm_changes *);

void		 alarm_init(int64_t next_id);
void		 alarm_free_all(void);
struct alarm	*alarm_find(int64_t id);	/* open (or closing) */
/* The unit's open alarm, or NULL. */
struct alarm	*alarm_of_unit(int64_t unit_id, const char *account);
uint64_t	 alarm_unit_key(int64_t unit_id, const char *account);
struct alarm	*alarm_top(void);	/* the queue's top, or NULL */
/* Every open alarm, in no order; fn must not open or forget alarms. */
void		 alarm_each(void (*)(struct alarm *, void *), void *);
/* ... in queue order (class, then age). */
void		 alarm_foreach_open(void (*)(struct alarm *, void *), void *);
size_t		 alarm_count_open(void);
/* The service figures now (stats.c), over every open alarm. */
void		 alarm_stats(int64_t wall, struct alarm_stats *);
/* Shown on its own (not held, not collapsed into an incident). */
int		 alarm_visible(const struct alarm *);
void		 alarm_snapshot(const struct alarm *, struct alarm_saved *);
/*
 * A change came back from the store: ok keeps it (the row is the saved
 * state); a failure undoes its count and, once no other write of the
 * alarm is in flight, puts back the saved state (or forgets an alarm
 * never stored). Frees an alarm whose close is stored.
 */
void		 alarm_done(const struct alarm_change *, int ok);

/* Operator actions: 0, or -1 with *why ("taken", "state", "not_yours"). */
int		 alarm_offer(struct alarm *, const char *op, int64_t wall,
		    int64_t until, struct alarm_changes *);
int		 alarm_accept(struct alarm *, const char *op, int64_t wall,
		    struct alarm_changes *, const char **why);
int		 alarm_decline(struct alarm *, const char *op, int64_t wall,
		    struct alarm_changes *, const char **why);
/* super: a supervisor, or arcd itself (action says which). */
int		 alarm_release(struct alarm *, const char *op, int super,
		    enum alarm_action, int64_t wall, struct alarm_changes *,
		    const char **why);
int		 alarm_close(struct alarm *, const char *op,
		    enum alarm_outcome, const char *text, int64_t wall,
		    struct alarm_changes *, const char **why);
/* A supervisor (by) gives an alarm offered or in hand to operator to. */
int		 alarm_reassign(struct alarm *, const char *by, const char *to,
		    int64_t wall, struct alarm_changes *, const char **why);
/* Every responder of its ladder failed: a P1 in the queue again. */
int		 alarm_no_responder(struct alarm *, int64_t wall,
		    struct alarm_changes *);
/* An offer past its time (until must match the alarm's offer). */
int		 alarm_expire(struct alarm *, int64_t until, int64_t wall,
		    struct alarm_changes *);
/* Write the alarms whose count or last time changed; returns how many. */
int		 alarm_flush(struct alarm_changes *);
/* Rebuild from the database at start-up (offers do not survive). */
void		 alarm_restore(const struct db_alarm *, int64_t wall);
/* After the last alarm_restore(): members whose incident is gone. */
void		 alarm_restore_done(void);
/* The row of an alarm, and a detached alarm from a row (db conversions). */
void		 alarm_to_db(const struct alarm *, struct db_alarm *);
void		 alarm_from_db(const struct db_alarm *, struct alarm *);

/* Internal to the alarm files (alarm*.c): the one writer of each field. */
struct alarm	*alarm_add(int64_t id, int64_t unit_id, const char *account);
struct alarm_change *alarm_change(struct alarm_changes *, struct alarm *,
		    enum alarm_action, const char *actor, int row);
void		 alarm_set_state(struct alarm *, enum alarm_state,
		    const char *op, int64_t wall);
void		 alarm_set_class(struct alarm *, int class, const char *code);
void		 alarm_set_member(struct alarm *, int64_t incident_id);
void		 alarm_set_held(struct alarm *, int64_t until);
void		 alarm_count_events(struct alarm *, int n, int64_t wall);
void		 alarm_queue(struct alarm *);
extern int64_t	 alarm_next_id;

/* --- alarm_event.c: what a unit's events do to its alarm --- */
/* A technical code waits secs for its restore before it is queued. */
void		 alarm_hold(const char *code, int secs);
void		 alarm_hold_clear(void);
/*
 * The events of one frame (all of one unit), in order: P1-P3 open an
 * alarm or attach to the unit's open one; P4 annotate it; a technical
 * restore closes a waiting technical alarm. Sets ev[i].alarm_id (linked
 * at insert). Returns the alarm touched, or NULL.
 */
struct alarm	*alarm_events(struct db_event *, size_t n, int64_t wall,
		    int64_t mono, struct alarm_changes *);
/* Held alarms whose hold is over are queued; returns how many. */
int		 alarm_release_holds(int64_t mono, struct alarm_changes *);
/* Storms that have been quiet end (the incident stays for its operator). */
int		 alarm_storms_over(int64_t mono, struct alarm_changes *);
/* Call fn on the alarms collapsed into an incident. */
void		 alarm_foreach_member(int64_t incident,
		    void (*)(struct alarm *, void *), void *);

/* --- alarmq.c: the call queue (alarm.c only) --- */
int		 alarmq_before(const struct alarm *, const struct alarm *);
void		 alarmq_push(struct alarm *);
void		 alarmq_remove(struct alarm *);
void		 alarmq_fix(struct alarm *);	/* its class changed */
struct alarm	*alarmq_top(void);
void		 alarmq_free(void);

/* --- stats.c: the live service figures (wall time: a UTC day) --- */
#define STATS_LATE_MAX	256	/* late ids listed; the rest are counted */
struct alarm_stats {
	int		 queue[CLASS_P3 + 1];	/* waiting+offered per class */
	int		 answered;	/* P1/P2 opened today and accepted */
	int		 within_60;
	int		 within_180;
	int		 late_60;	/* not answered within 60 s (incl. waiting) */
	int		 late_180;
	double		 pct_60, pct_180;
	int64_t		 over_180[STATS_LATE_MAX]; /* ids of today's alarms
						   past 180 s (the first) */
	size_t		 nover_180;
};
void		 stats_reset(void);
void		 stats_day_roll(int64_t wall);
/* A P1/P2 alarm was accepted for the first time. */
void		 stats_count_answer(const struct alarm *);
/* A closed alarm of today, at start-up. */
void		 stats_restore_closed(const struct db_alarm *);
/* A walk over the open alarms (alarm_stats): begin, each, end. */
void		 stats_begin(int64_t wall, struct alarm_stats *);
void		 stats_open(struct alarm_stats *, const struct alarm *,
		    int queued, int64_t wall);
void		 stats_end(struct alarm_stats *);
/* One operator's figures today: P1/P2 alarms answered, within 60/180 s. */
struct stats_operator {
	int		 logins;
	int		 answered;
	int		 within_60;
	int		 within_180;
};
void		 stats_count_login(const char *login, int64_t wall);
void		 stats_of_operator(const char *login, struct stats_operator *);

/*
 * --- operator.c: who is logged in, in offer order, and what each holds ---
 * An operator record lives while the login has a console, holds an
 * alarm, or is in its grace. Any change marks the operators view dirty.
 */
struct operator {
	char		 login[32];
	char		 name[96];
	int		 super;		/* supervisor */
	int		 away;		/* set themselves away: no offers */
	int		 sessions;	/* consoles logged in as this login */
	uint64_t	 order;		/* login order: offers go in it */
	int64_t		 grace_until;	/* mono ms: console lost; 0 = none */
	int64_t		*held;		/* owned: alarms offered or in hand */
	size_t		 nheld, capheld;
};
/* What a logged-in operator is doing (dispatch_state). */
enum operator_state {
	OPERATOR_FREE,		/* may be offered the top of the queue */
	OPERATOR_OFFERED,	/* an offer waits for them */
	OPERATOR_HANDLING,	/* an alarm in hand */
	OPERATOR_AWAY,		/* set themselves away: no offers */
	OPERATOR_STATE_MAX
};
const char	*operator_state_name(enum operator_state);
void		 operator_init(int grace_s, int max_held);
/* May login take one more alarm (max_held; supervisors: no limit)? */
int		 operator_may_take(const char *login);
/* Away (no offers) or back; -1 if login has no console. */
int		 operator_set_away(const char *login, int away);
void		 operator_free_all(void);
struct operator	*operator_find(const char *login);
/* A console logged in as login (moves it to the end of the offer order). */
struct operator	*operator_login(const char *login, const char *name,
		    int super);
/* A console of login went away; its alarms wait a grace. */
void		 operator_logout(const char *login, int64_t mono);
void		 operator_hold(const char *login, int64_t alarm_id);
void		 operator_unhold(const char *login, int64_t alarm_id);
/* Logged-in operators in offer order. */
void		 operator_each(void (*)(struct operator *, void *), void *);
/* ... and those holding alarms without a console (fn must not log out). */
void		 operator_all(void (*)(struct operator *, void *), void *);
/* Operators whose grace ran out with no console; up to max logins. */
size_t		 operator_grace_due(int64_t mono, char (*)[32], size_t max);
int		 operator_dirty(void);
void		 operator_clean(void);
void		 operator_touch(void);

/* --- dispatch.c: offers, and their expiry --- */
void		 dispatch_init(void);
void		 dispatch_free(void);
/* Offer the top of the queue to each logged-in operator with nothing. */
size_t		 dispatch_run(int64_t wall, int64_t mono,
		    struct alarm_changes *);
/* Offers past their time and consoles past their grace: back in line. */
size_t		 dispatch_expire(int64_t wall, int64_t mono,
		    struct alarm_changes *);
/* A console of login went away: its offers go back at once. */
void		 dispatch_logout(const char *login, int64_t wall,
		    int64_t mono, struct alarm_changes *);
/* The alarm an operator has been offered, or NULL. */
struct alarm	*dispatch_offered(const char *login);
/* An alarm the operator holds (offered or in hand), or NULL. */
struct alarm	*dispatch_held(const char *login);
/* Handling if any alarm is in hand, else offered, else away or free. */
enum operator_state dispatch_state(const struct operator *);

/*
 * --- gauge.c: the wallboard's figures, from the core's state now ---
 * wall (UTC ms) ages the alarms; nothing here reads the clock.
 */
struct gauges {
	int		 queue[CLASS_P3 + 1];	/* waiting or offered, shown */
	int64_t		 oldest_ms[CLASS_P3 + 1]; /* of those, the longest
						   since opened; 0 = none */
	int		 operators;		/* logged in */
	int		 by_state[OPERATOR_STATE_MAX];	/* ... by state */
	int		 offers;		/* alarms offered, not taken */
	int		 handling;		/* alarms in hand */
	int		 on_hold;		/* held for their restore */
	int		 incidents;		/* open incidents (storms) */
	int		 members;		/* alarms collapsed into one */
};
void		 gauge_read(int64_t wall, struct gauges *);

/*
 * --- ladder.c: an alarm's escalation ladder (responders paged in turn) ---
 * Steps in the order of the response plan, each with its time to accept;
 * what happens comes out as events for the owner (escalate.c) to apply.
 */
#define LADDER_STEPS		16
#define LADDER_EVS		64
#define LADDER_ACCEPT_MS	120000		/* a step's default */
#define LADDER_ARRIVAL_MS	(45 * 60000)	/* decision -> on site */
#define LADDER_ENTRY_MS		(5 * 60000)	/* on site -> entry */
enum ladder_state {
	LADDER_PAGING,		/* a step paged, waiting for an accept */
	LADDER_ON_WAY,		/* accepted */
	LADDER_ARRIVED,
	LADDER_ENTRY,		/* entry gained */
	LADDER_CLEAR,		/* the responder has left: done */
	LADDER_EXHAUSTED,	/* every step failed */
	LADDER_STOPPED,		/* the operator stopped it */
	LADDER_EMERGENCY,	/* the emergency services called instead */
	LADDER_STATE_MAX
};
enum ladder_step_state {
	STEP_WAITING, STEP_PAGED, STEP_DECLINED, STEP_TIMED_OUT,
	STEP_SKIPPED, STEP_ACCEPTED, STEP_WITHDRAWN, STEP_STATE_MAX
};
enum ladder_reply {
	REPLY_ACCEPT, REPLY_DECLINE, REPLY_ARRIVED, REPLY_ENTRY, REPLY_CLEAR
};
struct ladder_step {
	int64_t		 responder_id;
	char		 name[96];
	char		 phones[80];
	int		 mobile;	/* the mobile team, not a keyholder */
	int		 command;	/* paged by page_command (SMS...) */
	int64_t		 accept_ms;
	enum ladder_step_state state;
	int64_t		 page_id;	/* 0 until paged */
	int64_t		 paged_at, answered_at;	/* wall ms */
	int64_t		 deadline;	/* mono ms: accept by */
};
struct ladder {
	int64_t		 alarm_id;
	char		 operator[32];	/* who decided */
	enum ladder_state state;
	struct ladder_step steps[LADDER_STEPS];
	size_t		 n, at;		/* at: the step paged (or next) */
	int64_t		 decided_at, accepted_at, arrived_at, entry_at;
	int64_t		 ended_at;	/* wall ms; 0 = not yet */
	int64_t		 decided_mono, arrived_mono;
	int		 late_arrival, late_entry;	/* alerts raised */
};
enum ladder_ev_kind {
	LEV_DECIDED,		/* started (step: n) */
	LEV_PAGE,		/* page this step */
	LEV_STEP,		/* a step's state changed (answered) */
	LEV_WITHDRAW,		/* this step's page is withdrawn */
	LEV_EXHAUSTED,		/* every step failed */
	LEV_ENDED,		/* stopped, or the emergency services */
	LEV_LATE_ARRIVAL,	/* nobody on site 45 min after the decision */
	LEV_LATE_ENTRY		/* no entry 5 min after arrival */
};
struct ladder_ev {
	enum ladder_ev_kind kind;
	int64_t		 alarm_id;
	size_t		 step;		/* n: the ladder, not a step */
	int64_t		 page_id;
};
struct ladder_evs {
	struct ladder_ev v[LADDER_EVS];
	size_t		 n;
};
const char	*ladder_state_name(enum ladder_state);
const char	*ladder_step_name(enum ladder_step_state);
void		 ladder_init(int64_t first_page_id);
void		 ladder_free_all(void);
struct ladder	*ladder_get(int64_t alarm_id);
int		 ladder_active(const struct ladder *);
/* A responder accepted and has not cleared: closing needs a reason. */
int		 ladder_on_way(int64_t alarm_id);
/* 0, or -1 and why ("busy", "no_responders"). */
int		 ladder_start(int64_t alarm_id, const char *op,
		    const struct ladder_step *, size_t n, int64_t wall,
		    int64_t mono, struct ladder_evs *, const char **why);
/* 0, or -1 and why ("unknown_page", "not_yours", "finished",
   "out_of_order"): a refusal changes nothing. */
int		 ladder_reply(int64_t page_id, int64_t responder_id,
		    enum ladder_reply, int64_t wall, int64_t mono,
		    struct ladder_evs *, const char **why);
int		 ladder_skip(int64_t alarm_id, int64_t wall, int64_t mono,
		    struct ladder_evs *, const char **why);
/* how: LADDER_STOPPED or LADDER_EMERGENCY. */
int		 ladder_end(int64_t alarm_id, enum ladder_state how,
		    int64_t wall, struct ladder_evs *, const char **why);
void		 ladder_due(int64_t wall, int64_t mono, struct ladder_evs *);
void		 ladder_each(void (*)(const struct ladder *, void *), void *);
void		 ladder_drop(int64_t alarm_id);	/* its alarm is closed */
int64_t		 ladder_page_alarm(int64_t page_id);	/* 0: none */
/* A ladder as stored (wall times): its deadlines again, from now. */
void		 ladder_restore(const struct ladder *, int64_t wall,
		    int64_t mono);
size_t		 ladder_count(void);

#endif /* ARC_CORE_H */
