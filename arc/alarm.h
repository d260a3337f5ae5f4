/*
 * alarm.h -- alarms, their state machine and the call queue: domain code
 * that never sees a socket or SQL and takes `now` as data, so it is tested
 * on its own (tests/unit/test_alarm.c). arcd wires it to the store and the
 * consoles through struct alarm_hooks.
 *
 * Thread: the network thread only.
 */
#ifndef ARC_ALARM_H
#define ARC_ALARM_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

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

struct alarm {
	int64_t		 id;
	int64_t		 unit_id;	/* 0 = unregistered */
	char		 account[17];
	int		 class;		/* 1..3 */
	char		 code[8];
	enum alarm_state state;
	char		 operator[32];	/* offered to / handled by */
	int64_t		 opened_at, last_at;
	int64_t		 offered_at, accepted_at, closed_at;
	int		 count;
	enum alarm_outcome outcome;
	char		*outcome_text;	/* owned, NULL = none */
	size_t		 heap;		/* index in the queue, or SIZE_MAX */
	uint64_t	 version;	/* bumped on every change */
	int		 dirty;		/* count/last_at not yet written */
	int64_t		 held_until;	/* not queued before (ms), 0 = no */
	int64_t		 incident_id;	/* collapsed into this incident */
	int		 incident;	/* this is an incident (a storm) */
};

/* How alarm.c reaches the rest of arcd (all optional in tests). */
struct alarm_hooks {
	/*
	 * Write a's current state (and link event_ids, raise the event
	 * high-water mark to hwm, audit action by actor): arcd submits a
	 * STORE_ALARM. tag is handed back through alarm_written().
	 */
	void	(*write)(const struct alarm *, const int64_t *event_ids,
		    size_t nevent_ids, int64_t hwm, const char *actor,
		    const char *action, const char *detail, uint64_t tag);
};

#define ALARM_OFFER_MS		30000	/* an offer not accepted returns */
#define ALARM_RUNAWAY		"RU"	/* arc's code: a runaway unit */
#define ALARM_INCIDENT		'*'	/* an incident's account: "*AT" */
#define ALARM_TOP_TARGET_MS	60000
#define ALARM_LATE_MS		180000

struct alarm_stats {
	int		 queue[4];	/* waiting+offered per class 1..3 */
	int		 answered;	/* P1/P2 opened today and accepted */
	int		 within_60;
	int		 within_180;
	int		 late_60;	/* not answered within 60 s (incl. waiting) */
	int		 late_180;
	double		 pct_60, pct_180;
	int64_t		 over_180[16];	/* ids of today's alarms past 180 s */
	size_t		 nover_180;
};

const char	*alarm_state_name(enum alarm_state);
const char	*alarm_outcome_name(enum alarm_outcome);
enum alarm_outcome alarm_outcome_parse(const char *);

void		 alarm_init(const struct alarm_hooks *, int64_t next_id);
void		 alarm_free_all(void);
/* Rebuild from the database at start-up. */
void		 alarm_restore(const struct db_alarm *, int64_t now);
/* After the last alarm_restore(): members whose incident is gone. */
void		 alarm_restore_done(void);
/* Count an alarm closed today (for the service figures). */
void		 alarm_restore_closed(const struct db_alarm *);

/*
 * Events of one stored frame (all of one unit), in order: P1-P3 open an
 * alarm or attach to the unit's open one; P4 annotate it. Returns the
 * alarm touched, or NULL.
 */
struct alarm	*alarm_events(const struct db_event *, size_t n, int64_t now);

struct alarm	*alarm_find(int64_t id);
/* The id of a unit's open alarm, 0 if none (events are linked to it). */
int64_t		 alarm_open_id(int64_t unit_id, const char *account);
/* The top of the queue (waiting only), or NULL. */
struct alarm	*alarm_top(void);
/* The alarm an operator has offered or in hand, or NULL. */
struct alarm	*alarm_of(const char *op);
/* Call fn on open alarms in queue order (class, then age). */
void		 alarm_foreach_open(void (*)(struct alarm *, void *), void *);
size_t		 alarm_count_open(void);

/* Operator actions: 0, or -1 with *why ("taken", "state", "not_yours"). */
/* tag is handed to the write hook, so the caller can answer after it. */
int		 alarm_offer(struct alarm *, const char *op, int64_t now);
int		 alarm_accept(struct alarm *, const char *op, int64_t now,
		    uint64_t tag, const char **why);
int		 alarm_decline(struct alarm *, const char *op, int64_t now,
		    uint64_t tag, const char **why);
int		 alarm_release(struct alarm *, const char *op, int super,
		    int64_t now, uint64_t tag, const char **why);
int		 alarm_close(struct alarm *, const char *op,
		    enum alarm_outcome, const char *text, int64_t now,
		    uint64_t tag, const char **why);
/* Hold a technical code for secs before queueing it (restores clear it). */
void		 alarm_hold(const char *code, int secs);
/* Storms that have been quiet end (the incident stays for its operator). */
int		 alarm_storms_over(int64_t now);
/* Call fn on the alarms collapsed into an incident. */
void		 alarm_foreach_member(int64_t incident,
		    void (*)(struct alarm *, void *), void *);
/* Queue the held alarms whose hold is over; returns how many. */
int		 alarm_release_holds(int64_t now);
/* Write the alarms whose count or last time changed; returns how many. */
int		 alarm_flush(void);
/* Offers past their time go back to the queue; returns how many. */
int		 alarm_expire_offers(int64_t now);
void		 alarm_stats(int64_t now, struct alarm_stats *);
/* Copy for a STORE_ALARM request, and back (not registered). */
void		 alarm_to_db(const struct alarm *, struct db_alarm *);
void		 alarm_from_db(const struct db_alarm *, struct alarm *);

/* Internal to alarm*.c and incident.c. */
struct alarm	*alarm_add(int64_t id, int64_t unit_id, const char *account);
void		 alarm_write(const struct alarm *, const int64_t *, size_t,
		    int64_t, const char *, const char *, const char *,
		    uint64_t);
void		 alarm_set_state(struct alarm *, enum alarm_state,
		    const char *, int64_t, const char *, const char *,
		    uint64_t);
uint64_t	 alarm_unit_key(int64_t unit_id, const char *account);
void		 alarm_each(void (*)(struct alarm *, void *), void *);
extern int64_t	 alarm_next_id;
/* alarm_stats.c */
void		 alarm_stats_reset(void);
void		 alarm_day_roll(int64_t now);
void		 alarm_count_answer(const struct alarm *);
/* incident.c */
struct alarm	*alarm_storm(struct alarm *, int64_t now);
void		 alarm_leave(struct alarm *);
void		 alarm_close_members(struct alarm *, const char *, int64_t);

/* storm.c: distinct units per technical code within a window. */
void		 storm_init(int threshold, int window_s, int quiet_s);
int		 storm_threshold_units(void);
int		 storm_suspect_units(void);
int64_t		 storm_window_ms(void);
int		 storm_count(const char *code, uint64_t unit, int64_t now);
int64_t		 storm_incident(const char *code);
void		 storm_set_incident(const char *code, int64_t id);
void		 storm_expire(int64_t now, void (*)(int64_t, void *), void *);
void		 storm_free(void);

/* runaway.c: a token bucket per (unit, code, zone). */
void		 runaway_init(int burst, int per_min);
int		 runaway_take(uint64_t key, int64_t now);
size_t		 runaway_sweep(int64_t now);
void		 runaway_free(void);

/* alarmq.c: the call queue, for alarm.c only. */
int		 alarmq_before(const struct alarm *, const struct alarm *);
void		 alarmq_push(struct alarm *);
void		 alarmq_remove(struct alarm *);
void		 alarmq_raise(struct alarm *);	/* its class went up */
struct alarm	*alarmq_top(void);
void		 alarmq_free(void);

#endif /* ARC_ALARM_H */
