/*
 * arc.h -- arcd's pipeline and adapters: one section per file.
 *
 * Layers (calls go down only; make check-layers proves it):
 *
 *	arcd.c		wiring: creates everything, sets every hook
 *	adapters	source, listen, device (DC-09 TCP), udp, dc09, session
 *			(consoles), metrics
 *	pipeline	ingest (protocol-neutral) -> commit (the store) ->
 *			alarmio (alarm changes to the store and the consoles),
 *			refresh/lookup (reads off the loop), card, history,
 *			alarm_json, notify, config
 *	core/		decisions (core.h)
 *	runtime/	log, xmalloc, hmap, heap, clock, bucket (runtime.h)
 *
 * An upward need (a change a console must see, a freed slot that must
 * wake the accept loop) is a hook or an ops table that arcd.c sets.
 *
 * Threads: everything declared here runs on the network thread (one
 * libevent event_base), except the store writer and checkpointer threads
 * inside db/store.c and the reader thread inside db/worker.c; the
 * crossings are commit.c (store) and lookup.c (worker), each woken by an
 * eventfd (notify.c).
 */
#ifndef ARC_ARC_H
#define ARC_ARC_H

#include <sys/queue.h>
#include <sys/socket.h>

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "core.h"
#include "db.h"
#include "proto.h"
#include "runtime.h"

struct event_base;

/* --- config.c: arc.conf and -L --- */
enum listen_kind {
	LISTEN_DC09_TCP,
	LISTEN_DC09_UDP,
	LISTEN_METRICS,
	LISTEN_CONSOLE,
	LISTEN_KIND_MAX
};
const char	*listen_kind_name(enum listen_kind);

#define CONFIG_MAX_LISTEN	16

struct listen_spec {
	enum listen_kind	 kind;
	char			 text[128];	/* "127.0.0.1:7009" as given */
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
};

struct config {
	char			 database[1024];
	struct listen_spec	 listen[CONFIG_MAX_LISTEN];
	size_t			 nlisten;
	int			 max_connections;
	int			 max_per_source;
	int			 idle_timeout;		/* s */
	int			 dedupe_window;		/* s */
	int			 dedupe_window_untimed;	/* s, frames without time */
	int			 dedupe_max;		/* entries */
	int			 max_pending;		/* frames awaiting commit */
	int			 unregistered_burst;	/* per source */
	int			 unregistered_per_min;
	int			 unregistered_all_burst;	/* all sources */
	int			 unregistered_all_per_min;
	int			 max_sources;		/* sources remembered */
	int			 first_frame_timeout;	/* s, a valid frame */
	int			 halfclosed_timeout;	/* s, after the peer's EOF */
	int			 console_login_timeout;	/* s */
	int			 console_unauth_max;	/* not logged in, in all */
	int			 console_unauth_per_source;
	int			 console_heartbeat;	/* s */
	int			 max_held;		/* alarms per operator */
	int			 login_max_fails;	/* per login, in login_lock */
	int			 login_source_max_fails;	/* per source */
	int			 login_lock;		/* s: window and lockout */
	int			 lastseen_flush;	/* s */
	int			 time_ahead;		/* s, encrypted window */
	int			 time_behind;		/* s */
	struct {
		char		 code[8];	/* SIA code, e.g. "AT" */
		int		 secs;
	}			 holds[16];		/* hold = AT:300 */
	size_t			 nholds;
	int			 storm_units;		/* to call a storm */
	int			 storm_window;		/* s */
	int			 storm_quiet;		/* s */
	int			 runaway_burst;		/* events */
	int			 runaway_per_min;
	int			 supervision_default;	/* s */
	int			 supervision_grace;	/* s */
	char			 tls_cert[1024];	/* console TLS */
	char			 tls_key[1024];
	int			 console_grace;		/* s */
	int			 max_consoles;
	char			 timezone[64];	/* the centre's: "Europe/London";
						   "" until config_check */
	/* The MQTT broker (mqtt.c); no mqtt_host: no broker. */
	char			 mqtt_host[256];
	int			 mqtt_port;
	int			 mqtt_keepalive;	/* s */
	char			 mqtt_client_id[64];
	char			 mqtt_prefix[64];	/* topics: "arc/unit/..." */
	char			 mqtt_username[64];
	char			 mqtt_password_file[1024];
	char			 mqtt_ca_file[1024];	/* set: TLS */
	char			 mqtt_cert_file[1024];	/* a client certificate */
	char			 mqtt_key_file[1024];
	int			 mqtt_events_out;	/* arc/alarm/... on */
	/* Escalation (escalate.c). */
	char			 mobile_team[32];	/* a client's ref */
	int			 responder_accept;	/* s, a step's */
	char			 page_command[192];	/* argv, %tokens */
	int			 page_command_timeout;	/* s */
};

void	 config_defaults(struct config *);
#define CONFIG_LINE_MAX	198		/* bytes a line, without "\n" */
#define CONFIG_FILE_MAX	(1024 * 1024)
/* Read an INI file; 0 or -1 with *cause. A missing file is an error. */
int	 config_load(struct config *, const char *path, char **cause);
/* The same from memory: 0 or -1 with *cause ("line N: why"). */
int	 config_load_mem(struct config *, const char *, size_t, char **cause);
/* "dc09-tcp=127.0.0.1:7009"; 0 or -1 with *cause. */
int	 config_add_listen(struct config *, const char *, char **cause);
int	 config_check(struct config *, char **cause);
void	 config_print(const struct config *, FILE *);
/* A reload: the live keys of the second into the first; see config.c. */
int	 config_apply(struct config *, const struct config *, char *changed,
	    char *restart, size_t);
/* The i-th integer key: name, value and bounds; NULL past the last. */
const char	*config_int_key(const struct config *, size_t, int *value,
		    int *min, int *max);
/* "host:port", "[v6]:port", ":port" -> sockaddr. 0 or -1. */
int	 config_parse_addr(const char *, struct sockaddr_storage *,
	    socklen_t *);

/* --- notify.c: another thread wakes the loop (an eventfd) --- */
struct notify;
struct notify	*notify_new(struct event_base *, void (*)(void *), void *,
		    char **cause);
/* From any thread: wake the loop; it calls the callback. */
void		 notify_poke(void *notify);
void		 notify_free(struct notify *);

/* --- commit.c: the store writer, seen from the loop --- */
int	 commit_start(struct event_base *, const char *path, char **cause);
/* Queue a write; r->done runs on the loop once it is written or failed. */
void	 commit_submit(struct store_req *);
/* An audit row (strings copied; a failure is logged). */
void	 commit_audit(const char *actor, const char *action,
	    const char *subject, const char *detail);
/* An alarm's ladder as it is now (json: owned, freed when written). */
void	 commit_ladder(int64_t alarm_id, int64_t at, char *json);
/* Nothing failed in the last 10 s. */
int	 commit_storage_ok(void);
/* ms since the last failed write; -1: none since start. */
int64_t	 commit_failed_ago(void);
void	 commit_fail_alarms(int n);	/* fault injection (tests) */
size_t	 commit_inflight(void);
/* How far behind the writer is: the oldest request not done (ms), 0. */
int64_t	 commit_behind_ms(void);
/* The audit chain's head as last written (a copy; reads no SQLite). */
void	 commit_audit_head(int64_t *seq, uint8_t hash[DB_AUDIT_HASH]);
/* Write what is queued, run every done, stop the writer. */
void	 commit_stop(void);

/* --- lookup.c: slow reads on the worker thread, seen from the loop --- */
int	 lookup_start(struct event_base *, const char *path, char **cause);
/* Run job->run on the worker; job->done runs on the loop. */
void	 lookup_submit(struct worker_job *);
void	 lookup_stop(void);

/* --- card.c: the client cards and zone labels, in memory --- */
struct card_responder {
	int64_t		 id;		/* the responder's row */
	int		 rank;
	int		 command;	/* paged by page_command, not MQTT */
	char		*name, *relation, *phones, *availability; /* owned */
};
struct card {
	char		*ref, *name, *born, *address, *phone;	/* owned */
	char		*language, *medical, *access;		/* owned */
	char		 level[3];
	struct card_responder *resp;	/* owned, by rank */
	size_t		 nresp;
};
struct card_set;
/* Worker thread: every card and zone label, read with db. */
struct card_set	*card_read(struct db *, char **cause);
/* Loop: the set read becomes the one in use (the old one is freed). */
void		 card_use(struct card_set *);
void		 card_set_free(struct card_set *);
const struct card *card_of(const char *ref);
/* The label of a unit's zone ("pendant"), or NULL. */
const char	*card_zone(int64_t unit_id, const char *zone);
size_t		 card_count(void);

/* --- refresh.c: unit and card changes, read off the loop --- */
/* Start-up: the units and cards, read with the loop's own db. */
/* The key file that opens sealed unit keys (borrowed; NULL: none). */
void	 refresh_keyfile(const struct db_keyfile *);
int	 refresh_load(struct db *, char **cause);
/* Check for changes (on the worker); applied on the loop when read. */
void	 refresh_tick(void);
/* Bumped whenever units or cards change: what was built from them is old. */
uint64_t refresh_generation(void);
/*
 * arcctl's unlock requests go to this hook on the loop (login, source:
 * one of them NULL; by: the person who asked); 0 unlocked, -1 not locked.
 */
typedef int	(*refresh_unlock_fn)(const char *login, const char *source,
		    const char *by);
void	 refresh_set_unlock(refresh_unlock_fn);
void	 refresh_free(void);

/*
 * --- history.c: each open alarm's newest events and notes ---
 * A window of the newest HISTORY_EVENTS events and HISTORY_NOTES notes
 * and how many of each in all; older ones are read from the database on
 * request (the console's events and notes requests).
 */
#define HISTORY_EVENTS	20
#define HISTORY_NOTES	20
struct history_event {
	int64_t		 id;
	int		 seq;
	char		 code[8];
	char		 raw_code[8];
	int		 class;
	char		 qualifier[2];
	char		 zone[8];
	char		 text[64];
	char		 location[128];
	int64_t		 received_at;
};
struct history_note {
	int64_t		 id;
	int64_t		 at;		/* wall ms */
	char		 op[32];
	char		*text;		/* owned by history.c */
};
/* An event linked to an alarm was stored. */
void	 history_event(int64_t alarm_id, const struct db_event *);
/* What a console is shown of a stored event (pure: any thread). */
void	 history_copy(struct history_event *, const struct db_event *);
/* A note was stored (id: its row). */
void	 history_note(int64_t alarm_id, int64_t id, int64_t at,
	    const char *op, const char *text);
/* The window: events newest first, notes oldest first. */
void	 history_each_event(int64_t alarm_id,
	    void (*)(const struct history_event *, void *), void *);
void	 history_each_note(int64_t alarm_id,
	    void (*)(const struct history_note *, void *), void *);
/* The oldest event kept (the one that opened it, mostly), or NULL. */
const struct history_event *history_oldest(int64_t alarm_id);
/* The newest, or NULL. */
const struct history_event *history_newest(int64_t alarm_id);
/* How many in all (the window's and the older ones). */
int64_t	 history_events_total(int64_t alarm_id);
int64_t	 history_notes_total(int64_t alarm_id);
void	 history_drop(int64_t alarm_id);
/* Start-up: read an open alarm's window and counts. */
int	 history_load(struct db *, int64_t alarm_id);
void	 history_free_all(void);

/* --- alarmline.c: an open alarm's whole line, kept while unchanged --- */
#define ALARMLINE_MAX	(128 * 1024 * 1024)	/* bytes kept in all */
/*
 * The line (no newline) and its length; NULL if it could not be built.
 * Borrowed until the next call, or in *built (the caller frees it).
 */
const char *alarmline_get(const struct alarm *, size_t *len, char **built);
void	 alarmline_drop(int64_t alarm_id);
void	 alarmline_free_all(void);

/* --- alarm_json.c: console protocol objects (from memory only) --- */
json_t	*alarm_json(const struct alarm *);		/* whole */
json_t	*alarm_json_update(const struct alarm *);	/* no unit, card,
							   events, notes */
/* {"unit", "client", "responders"}: from its unit and the cards. */
json_t	*alarm_json_card(const struct alarm *);
json_t	*alarm_json_event(const struct history_event *);
json_t	*alarm_json_note(const struct history_note *);
json_t	*alarm_json_stats(const struct alarm_stats *);
/* The broker link for the figures: up 1, down 0 (since: wall ms), none -1. */
void	 alarm_json_broker(int up, int64_t since);
/* Text as a JSON string, cleaned to U+FFFD where it is not UTF-8. */
json_t	*alarm_json_text(const char *);
json_t	*alarm_json_str(const char *);	/* NULL or "": null */
json_t	*alarm_json_time(int64_t ms);		/* 0: null */

/* --- alarmio.c: alarm changes to the store, then to the consoles --- */
struct alarmio_hooks {
	/* An alarm as stored, to every console: whole (first shown) or not. */
	void	(*alarm)(const struct alarm *, int whole);
	/* An event linked to an alarm consoles have. */
	void	(*event)(const struct alarm *, const struct history_event *);
	/* A note stored on an alarm consoles have; total: its notes now. */
	void	(*note)(int64_t alarm_id, const struct history_note *,
		    int64_t total);
	void	(*broadcast)(json_t *);		/* to every console; steals */
	/* Answer an operator's request by tag; steals extra. */
	void	(*reply)(uint64_t tag, const char *error, json_t *extra);
	void	(*offer)(const char *login, int64_t alarm_id);
	/* A supervisor took alarm_id from login (to: the new one, or ""). */
	void	(*lost)(const char *login, int64_t alarm_id, const char *by,
		    const char *to);
};
/* An operator's request on an alarm: answered through reply by tag. */
struct alarmio_req {
	enum alarm_action action;	/* ACCEPT, DECLINE, RELEASE, CLOSE,
					   REASSIGN */
	const char	*to;		/* REASSIGN: the operator */
	const char	*login;
	int		 super;
	int64_t		 alarm_id;	/* 0: the one offered, else the top */
	enum alarm_outcome outcome;	/* CLOSE */
	const char	*text;		/* CLOSE, optional */
	uint64_t	 tag;
};
struct alarm_write;
void	 alarmio_start(const struct config *, const struct alarmio_hooks *);
void	 alarmio_reload(const struct config *);
/*
 * A frame's events, before they are stored: decide what they do to the
 * unit's alarm; the rows to write go into r (r->alarms, r->nalarms), in
 * the same request. NULL when there is nothing to write or show.
 */
struct alarm_write *alarmio_frame(struct db_event *, size_t n,
	    int64_t wall, int64_t mono, struct store_req *r);
/* The frame's request came back (r->result): keep or undo, then show. */
void	 alarmio_frame_done(struct alarm_write *, const struct store_req *);
/* Start-up: a stored frame never linked to an alarm, through the core. */
void	 alarmio_replay(struct db_event *, size_t n);
void	 alarmio_request(const struct alarmio_req *);
void	 alarmio_note(int64_t alarm_id, const char *login, const char *text,
	    uint64_t tag);
/* A console logged in as (login, name) / went away. */
void	 alarmio_login(const char *login, const char *name, int super);
void	 alarmio_logout(const char *login);
/* An operator away (no offers) or back; -1 if not logged in. */
int	 alarmio_away(const char *login, int away);
/* What consoles have, in queue order (*ids: caller frees); how many. */
size_t	 alarmio_queue(int64_t **ids);
/* Alarm id if consoles have it (visible and stored), else NULL. */
const struct alarm *alarmio_shown(int64_t id);
/* Every responder of its ladder failed (escalate.c). */
void	 alarmio_no_responder(int64_t alarm_id);
/* Start-up: the alarms loaded are what consoles will have. */
void	 alarmio_loaded(void);
json_t	*alarmio_stats_json(void);
/* The end of a loop turn: offers, once. */
void	 alarmio_turn(void);
/* The once-a-second work: storms, counts, holds, expiry, figures. */
void	 alarmio_tick(void);
void	 alarmio_quiesce(void);	/* before the store drains */
void	 alarmio_stop(void);

/* --- alarmload.c: the alarms at start-up --- */
/* Open alarms, today's figures, their history; replay unlinked events. */
int	 alarmload(struct db *, char **cause);

/* --- ingest.c: decoded events from any protocol, to the store and back --- */
#define ORIGIN_CTX	64
struct origin;
struct origin_ops {
	const char	*protocol;	/* the unit table's: "dc09" */
	/* The events are durable (or a duplicate, or a poll): acknowledge. */
	void		(*ack)(const struct origin *);
	/* Send bytes back (a protocol's NAK); -1 if the peer is gone. */
	int		(*send)(const struct origin *, const uint8_t *, size_t);
	/* A reply the connection waited for is resolved (sent or not). */
	void		(*done)(const struct origin *);
};
/* Where a frame came from and how to answer it; copied, never borrowed. */
struct origin {
	const struct origin_ops	*ops;
	uint64_t		 conn;		/* the transport's id, 0 = none */
	int			 fd;		/* a datagram socket */
	struct sockaddr_storage	 peer;		/* a datagram's sender */
	socklen_t		 peerlen;
	int64_t			 unit_id;	/* 0 = unregistered */
	union {
		uint8_t		 b[ORIGIN_CTX];	/* the protocol's reply state */
		int64_t		 align;
	}			 ctx;
};
/* One decoded frame from a unit. */
struct ingest_in {
	const char	*account;
	struct db_event	*ev;		/* the adapter's fields filled */
	size_t		 nev;		/* 0: a poll (ACKed at once) */
	const void	*ident;		/* what a retransmission repeats */
	size_t		 identlen;
	int		 timed;		/* ident holds the device's time */
	const uint8_t	*raw;		/* the frame, stored with its events */
	size_t		 rawlen;
	const char	*source;	/* "127.0.0.1:4242/tcp" */
	struct bucket	*unreg;		/* the source's unregistered bucket */
};
int	 ingest_start(const struct config *, struct db *, char **cause);
void	 ingest_reload(const struct config *);
void	 ingest_stop(void);
/*
 * INGEST_PENDING: the acknowledgement follows (after the commit);
 * INGEST_ANSWERED: answered now (a poll, a copy); INGEST_REFUSED: not
 * taken (a limit; the unit retries). An adapter's frame that fails its
 * checks (CRC, key, time) is refused too.
 */
#define INGEST_REFUSED	(-1)
#define INGEST_ANSWERED	0
#define INGEST_PENDING	1
int	 ingest_frame(const struct origin *, const struct ingest_in *);
/* An event arcd itself raises for a unit (supervision), stored as any. */
void	 ingest_system_event(const struct unit *, const char *code,
	    int class, const char *text);
/* A unit says it is back (a valid frame does as much), or gone. */
void	 ingest_unit_online(struct unit *);
void	 ingest_unit_offline(struct unit *);
/* The once-a-second work: supervision, last-seen times. */
void	 ingest_tick(void);
size_t	 ingest_pending(void);
/* Last-seen times to the store (before it stops). */
void	 ingest_flush(void);

/* --- mqtt.c: the link to the MQTT broker, on the loop --- */
enum mqtt_state { MQTT_OFF, MQTT_UP, MQTT_DOWN };
struct mqtt_hooks {
	void	(*up)(void);			/* connected: subscribe */
	void	(*changed)(void);		/* up or down: tell people */
	void	(*message)(const char *topic, const void *, size_t);
};
/* No mqtt_host: 0 and nothing; else connects (async). 0 or -1. */
int	 mqtt_start(struct event_base *, const struct config *,
	    const struct mqtt_hooks *, char **cause);
void	 mqtt_stop(void);
void	 mqtt_tick(void);
/* 0 queued to the broker; -1 not (down, or refused): counted. */
int	 mqtt_publish(const char *topic, const void *, size_t, int qos,
	    int retain);
int	 mqtt_subscribe(const char *pattern, int qos);
const char *mqtt_prefix(void);			/* "arc" */
size_t	 mqtt_outstanding(void);	/* QoS 1 publishes not yet acked */
/* since: wall ms it went down (MQTT_DOWN), else 0. */
enum mqtt_state mqtt_state(int64_t *since);

/* --- mqttevent.c: an MQTT unit's event, decoded (pure) --- */
#define MQTTEVENT_PAYLOAD_MAX	2048
#define MQTTEVENT_ACCOUNT_MAX	16
#define MQTTEVENT_ACCOUNT_CHARS	"0123456789ABCDEFabcdef"
#define MQTTEVENT_SEQ_MAX	999999999
/* "<prefix>/unit/<account>/<leaf>": 0 and the account, or -1. */
int	 mqttevent_topic(const char *topic, const char *prefix,
	    const char *leaf, char *acct, size_t);
/* The payload into e (account, seq, code...): 0, or -1 and why. */
int	 mqttevent_decode(const char *acct, const void *, size_t,
	    struct db_event *e, char *why, size_t);
size_t	 mqttevent_ident(const struct db_event *, uint8_t *, size_t);

/* --- mqttunit.c: MQTT units: their events in, arc's ACKs out --- */
void	 mqttunit_init(const struct config *);
void	 mqttunit_up(void);				/* mqtt hook */
void	 mqttunit_message(const char *topic, const void *, size_t);

/* --- mqttout.c: alarm changes out to the broker (mqtt_events_out) --- */
void	 mqttout_init(const struct config *);
void	 mqttout_alarm(const struct alarm *);

/* --- escalate.c: escalation ladders applied (core/ladder.c decides) --- */
struct escalate_hooks {
	void	(*page)(const struct ladder *, size_t step);
	void	(*withdraw)(const struct ladder *, size_t step);
	void	(*changed)(const struct ladder *);
	void	(*alert)(const struct ladder *, const char *text);
};
void	 escalate_init(const struct config *, const struct escalate_hooks *);
void	 escalate_stop(void);
void	 escalate_tick(void);
/* The operator handling the alarm sends a responder: 0, or -1 and why. */
int	 escalate_start(int64_t alarm_id, const char *op, const char **why);
/* what: "skip", "stop", "emergency". */
int	 escalate_command(int64_t alarm_id, const char *op, const char *what,
	    const char **why);
int	 escalate_reply(int64_t page_id, int64_t responder_id,
	    enum ladder_reply, const char **why);

/* --- ladderio.c: ladders to their rows and back (a restart resumes) --- */
void	 ladderio_save(const struct ladder *);
/* Start-up: the open alarms' ladders, from db. 0 or -1 with *cause. */
int	 ladderio_load(struct db *, char **cause);

/* --- pagecmd.c: pages by the site's page_command (SMS, voice) --- */
void	 pagecmd_init(const struct config *);
int	 pagecmd_enabled(void);
void	 pagecmd_page(const struct ladder *, size_t step, const char *reason,
	    const char *client, const char *address);
void	 pagecmd_tick(void);
void	 pagecmd_stop(void);

/* --- pager.c: responders' pages and replies over MQTT --- */
void	 pager_page(const struct ladder *, size_t step);
void	 pager_withdraw(const struct ladder *, size_t step);
void	 pager_up(void);				/* mqtt hook */
/* 1 if the topic was a responder's reply (handled), 0 if not. */
int	 pager_message(const char *topic, const void *, size_t);

/* --- source.c: per source address: connections and a bucket --- */
struct source {
	uint64_t	 key;
	int		 conns;
	struct bucket	 unreg;		/* unregistered-frame bucket */
};
void	 source_init(const struct config *);	/* again on a reload */
void	 source_free_all(void);
struct source *source_get(const struct sockaddr *);
/* Forget a source with no connections and a full bucket. */
void	 source_release(struct source *);
/* The once-a-second sweep of such sources; how many are left. */
size_t	 source_sweep(void);
size_t	 source_count(void);
void	 source_name(const struct sockaddr *, const char *proto, char *,
	    size_t);
/* A socket for a listen spec (bound; listening if a stream). */
int	 source_socket(const struct listen_spec *, int type, char **cause);
void	 source_announce(int fd, const struct listen_spec *);

/* --- listen.c: DC-09 TCP listeners, accept with caps and back-off --- */
int	 listen_open(struct event_base *, const struct config *,
	    const struct listen_spec *, char **cause);
void	 listen_close(void);
/* A connection closed (device.c's hook): accept again, release source. */
void	 listen_closed(void *src);

/* --- device.c: DC-09 TCP sessions with units --- */
void	 device_timeouts(const struct config *);	/* again on a reload */
void	 device_init(struct event_base *, const struct config *,
	    void (*closed)(void *));
void	 device_new(int fd, const struct sockaddr *, void *src,
	    struct bucket *);
void	 device_close_all(void);
size_t	 device_count(void);
/* The table is full: close the oldest connection never proven. 1 or 0. */
int	 device_evict(void);
size_t	 device_waiting_bytes(void);

/* --- udp.c: DC-09 over UDP --- */
int	 udp_open(struct event_base *, const struct listen_spec *,
	    char **cause);
void	 udp_close_all(void);

/* --- dc09.c: the DC-09 protocol on the server side --- */
void	 dc09_init(const struct config *);
/*
 * One scanned frame from o (a copy of o is kept if needed): parse, answer
 * per protocol (NAK, DUH, nothing), decrypt and check the time window,
 * decode the events and hand them to ingest. Returns as ingest_frame:
 * INGEST_PENDING (an ACK will follow), INGEST_ANSWERED, INGEST_REFUSED.
 */
int	 dc09_in(const struct origin *, struct bucket *unreg,
	    const char *srcname, const uint8_t *, size_t);
/* An origin's ack for DC-09: ACK or *ACK in the form the request used. */
void	 dc09_ack(const struct origin *);

/*
 * --- session.c: console connections (TLS, one JSON object per line) ---
 * The transport of docs/console-protocol.md: accept within the limits
 * for connections not logged in, the line limits, the output bound, the
 * login deadline, the heartbeat, the snapshot streamed as the console
 * reads it, replies by tag, broadcasts. What a line asks is the line
 * hook's (request.c).
 */
#define SESSION_PROTOCOL	2
#define SESSION_LINE_MAX	262144	/* either way, logged in */
#define SESSION_PRELOGIN_MAX	1024	/* a line before login */
struct session {
	uint64_t		 id;
	struct bufferevent	*bev;		/* owned */
	char			 peer[64];	/* "console 127.0.0.1:4242" */
	char			 addr[48];	/* its source address */
	int			 authed;
	int			 super;
	char			 login[32];
	char			 name[96];
	int			 fails;		/* failed logins here */
	int			 busy;		/* a login being answered */
	int			 checking;	/* ... its password on the worker */
	int			 tls_up;	/* its TLS handshake done */
	int			 spoke;		/* a line read (hello, login) */
	int64_t			 since;		/* mono ms: connected */
	int64_t			 login_by;	/* mono ms: log in by then */
	int64_t			 hb_at;		/* mono ms: heartbeat sent */
	int64_t			 hb_seq, hb_ack;
	int64_t			*snap;		/* owned: alarms to stream */
	size_t			 nsnap, snap_at;
	struct hmap		 snap_left;	/* ... not sent yet */
	int			 streaming;
	int			 closing;
	int			 cut;		/* not reading: close from reap */
	const char		*close_after;	/* close once output is sent */
	TAILQ_ENTRY(session)	 entry;
};
/* --- strangers.c: who makes room among consoles not logged in --- */
void	 strangers_mark(const char *addr, int64_t now);
int	 strangers_rank(const struct session *, int64_t now);
void	 strangers_free(void);

struct session_hooks {
	void	(*line)(struct session *, json_t *);	/* a JSON object */
};
int	 session_listen(struct event_base *, const struct config *,
	    const struct listen_spec *, char **cause);
void	 session_hooks(const struct session_hooks *);
void	 session_close_all(void);
struct session *session_by_id(uint64_t);
/* Send msg (steals it); a console that stops reading is cut. */
void	 session_send(struct session *, json_t *msg);
/* A reply to a request's id (error NULL: ok); steals extra. */
void	 session_reply(struct session *, json_t *id, const char *error,
	    json_t *extra);
/* A tag for a reply that comes later (session_reply_tag). */
uint64_t session_tag(struct session *, json_t *id);
void	 session_reply_tag(uint64_t tag, const char *error, json_t *extra);
void	 session_close(struct session *, const char *why);
/* Send what is queued, then close. */
void	 session_close_soon(struct session *, const char *why);
/* Every session (logged in or not) not closing. */
void	 session_each(void (*)(struct session *, void *), void *);
/* To every logged-in console (steals msg). */
void	 session_broadcast(json_t *);
/* ... about one alarm: not to those still to be sent it whole. */
void	 session_broadcast_about(int64_t alarm_id, json_t *);
/* An alarm whole, as alarmline.c keeps it; as _about. */
void	 session_broadcast_alarm(const struct alarm *);
int	 session_any(void);	/* is any console logged in? */
/* The password was right: s is login's now. */
void	 session_authed(struct session *, const char *login,
	    const char *name, int super);
/* Logged in: start streaming the snapshot after begin (stolen). */
void	 session_snapshot(struct session *, json_t *begin);
/* The alarm not sent yet in s's snapshot: send it now. */
void	 session_pull(struct session *, int64_t alarm_id);
void	 session_heartbeat_ack(struct session *, int64_t seq);
/* The once-a-second work: login deadlines, heartbeats. */
void	 session_tick(void);
size_t	 session_count(void);

/* --- reqparse.c: a console request, checked --- */
#define REQUEST_LOGIN_MAX	31	/* bytes */
#define REQUEST_PASSWORD_MAX	256	/* characters */
#define REQUEST_TEXT_MAX	1000	/* characters: notes, close text */
#define REQUEST_ID_MAX		64
#define REQUEST_PAGE_MAX	100
#define REQUEST_PAGE_DEFAULT	50
enum request_type {
	REQ_LOGIN,
	REQ_HEARTBEAT,
	REQ_PING,
	REQ_ACCEPT,
	REQ_DECLINE,
	REQ_RELEASE,
	REQ_CLOSE,
	REQ_NOTE,
	REQ_ALARM,
	REQ_EVENTS,
	REQ_NOTES,
	REQ_OPERATORS,
	REQ_UNLOCK,
	REQ_AWAY,
	REQ_REASSIGN,
	REQ_SEND_RESPONDER,
	REQ_LADDER,
};
struct request {
	enum request_type type;
	json_t		*id;		/* borrowed; NULL: none */
	int		 protocol;	/* LOGIN */
	const char	*login;		/* LOGIN, UNLOCK, REASSIGN's "to"
					   (borrowed) */
	int		 away;		/* AWAY: 1 away, 0 back */
	const char	*password;	/* LOGIN */
	const char	*source;	/* UNLOCK */
	int64_t		 seq;		/* HEARTBEAT */
	int64_t		 alarm_id;	/* 0: ACCEPT's offered one or top */
	const char	*text;		/* NOTE, CLOSE */
	enum alarm_outcome outcome;	/* CLOSE */
	int64_t		 before;	/* EVENTS, NOTES: 0 = the newest */
	int		 limit;
	const char	*what;		/* LADDER: skip, stop, emergency */
};
const char *request_parse(json_t *, struct request *);

/*
 * --- login.c: logins: the password off the loop, failures limited per
 * login and per source (locked, audited, shown to supervisors, unlocked
 * by one or in time), one console per operator ---
 */
void	 login_init(const struct config *);
void	 login_reload(const struct config *);
void	 login_request(struct session *, const struct request *);
/* Lift a lock on a login or a source; -1 if there was none. */
int	 login_unlock(const char *login, const char *source, const char *by);
/* Locked logins / sources, for the operators view. */
void	 login_locked_each(int sources, void (*)(const char *,
	    int64_t until_wall, void *), void *);
int	 login_dirty(void);		/* a lock came or went */
void	 login_tick(void);		/* refusals due, locks over */
void	 login_free(void);

/* --- push.c: what changed, to the consoles (alarmio's hooks) --- */
void	 push_alarm(const struct alarm *, int whole);
void	 push_event(const struct alarm *, const struct history_event *);
void	 push_note(int64_t alarm_id, const struct history_note *,
	    int64_t total);
void	 push_offer(const char *login, int64_t alarm_id);
void	 push_lost(const char *login, int64_t alarm_id, const char *by,
	    const char *to);
json_t	*push_operators(void);
/* The end of a loop turn: the operators view to supervisors, if dirty. */
void	 push_turn(void);
/* --- push_ladder.c: ladders and their alerts to the consoles --- */
void	 push_ladder(const struct ladder *);
void	 push_ladders(struct session *);		/* at login */
void	 push_alert(const struct ladder *, const char *text);

/* --- request.c: a logged-in console's requests --- */
void	 request_line(struct session *, json_t *);

/* --- metrics.c: /metrics and /healthz (and, in test builds, /test) --- */
int	 metrics_listen(struct event_base *, const struct listen_spec *,
	    char **cause);
/* A path handled by fn(query) -> 0 (200 OK) or -1 (400). */
void	 metrics_route(const char *path, int (*)(const char *query));
void	 metrics_close(void);
void	 metrics_log(void);

#endif /* ARC_ARC_H */
