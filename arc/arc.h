/*
 * arc.h -- arcd's internal header: one section per file.
 *
 * Threads: everything declared here runs on the network thread (one
 * libevent event_base), except the store writer and checkpointer threads
 * inside db/store.c. The only crossing is store_submit() (network ->
 * writer) and the eventfd + store_done() (writer -> network); see ingest.c.
 */
#ifndef ARC_ARC_H
#define ARC_ARC_H

#include <sys/socket.h>

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "db.h"
#include "log.h"
#include "proto.h"

struct event_base;

/* --- config.c --- */
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
	int			 dedupe_max;		/* entries */
	int			 max_pending;		/* frames awaiting commit */
	int			 unregistered_burst;
	int			 unregistered_per_min;
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
};

void	 config_defaults(struct config *);
/* Read an INI file; 0 or -1 with *cause. A missing file is an error. */
int	 config_load(struct config *, const char *path, char **cause);
/* "dc09-tcp=127.0.0.1:7009"; 0 or -1 with *cause. */
int	 config_add_listen(struct config *, const char *, char **cause);
int	 config_check(struct config *, char **cause);
void	 config_print(const struct config *, FILE *);
/* "host:port", "[v6]:port", ":port" -> sockaddr. 0 or -1. */
int	 config_parse_addr(const char *, struct sockaddr_storage *,
	    socklen_t *);

/* --- metrics.c: counters, /metrics and /healthz --- */
enum counter {
	C_CONN_ACCEPTED,
	C_CONN_CLOSED,
	C_CONN_REFUSED_CAP,
	C_CONN_REFUSED_SOURCE,
	C_CONN_IDLE,
	C_CONN_TOOLONG,
	C_CONN_OUTPUT_FULL,
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
	C_CONSOLE_REFUSED,
	C_ALARMS_OPENED,
	C_ALARM_WRITE_FAILED,
	C_COUNTER_MAX
};
extern uint64_t	 counters[C_COUNTER_MAX];
#define COUNT(c)	(counters[(c)]++)
const char	*counter_name(enum counter);
int	 metrics_listen(struct event_base *, const struct listen_spec *,
	    char **cause);
void	 metrics_close(void);
void	 metrics_log(void);

/* --- hmap.c: open addressing, uint64 key -> uint64 value --- */
struct hmap {
	uint64_t	*keys;		/* owned */
	uint64_t	*vals;		/* owned */
	uint8_t		*used;		/* owned */
	size_t		 cap;		/* power of two */
	size_t		 n;
	uint64_t	 seed;
};
void	 hmap_init(struct hmap *, size_t hint);
void	 hmap_free(struct hmap *);
int	 hmap_get(const struct hmap *, uint64_t, uint64_t *);
void	 hmap_put(struct hmap *, uint64_t, uint64_t);
int	 hmap_del(struct hmap *, uint64_t);
uint64_t hash64(const void *, size_t, uint64_t);

/* --- unit.c: the table of registered units --- */
struct unit {
	int64_t		 id;
	char		 account[DC09_ACCT_MAX + 1];
	int		 has_key;
	struct dc09_key	 key;		/* wiped on free */
	int		 interval;
	int64_t		 last_seen;	/* unix ms */
	int		 dirty;		/* last_seen not yet written */
	int		 silent;	/* missed its supervision deadline */
	struct event	*sup_ev;	/* owned: the deadline (supervise.c) */
};
int	 unit_load(struct db *, char **cause);
void	 unit_free_all(void);
struct unit *unit_find(const char *account);
struct unit *unit_by_id(int64_t);
size_t	 unit_count(void);
void	 unit_seen(struct unit *, int64_t now_ms);
/* Submit dirty last_seen times to the store; returns how many. */
size_t	 unit_flush_seen(struct store *);

/* --- supervise.c: a deadline per unit --- */
void	 supervise_init(struct event_base *, const struct config *);
int64_t	 supervise_deadline(int64_t seen, int secs, int grace, int64_t now);
void	 supervise_arm(struct unit *, int64_t now, int startup);
void	 supervise_touch(struct unit *, int64_t now);
void	 supervise_disarm(struct unit *);

/* --- dedupe.c: frames seen within the window --- */
struct pending;
struct dedupe_entry {
	uint64_t	 key;
	int64_t		 event_id;	/* 0 while the commit is pending */
	int64_t		 expires;	/* unix ms */
	struct pending	*pending;	/* borrowed, ingest.c owns it */
};
void	 dedupe_init(size_t max, int window_s);
void	 dedupe_free(void);
struct dedupe_entry *dedupe_find(uint64_t key, int64_t now_ms);
/* Add (evicting expired or, if full, the oldest entry). */
struct dedupe_entry *dedupe_add(uint64_t key, int64_t now_ms);
void	 dedupe_remove(uint64_t key);
size_t	 dedupe_count(void);
uint64_t dedupe_key(const struct dc09_frame *);

/* --- ingest.c: one frame from a unit, to the store and back --- */
struct reply_to {
	int		 udp;
	uint64_t	 conn;		/* TCP: device id */
	int		 fd;		/* UDP: the listener socket */
	struct sockaddr_storage peer;	/* UDP */
	socklen_t	 peerlen;
};
struct source;
int	 ingest_init(struct event_base *, const struct config *,
	    struct db *, char **cause);
void	 ingest_shutdown(void);
void	 ingest_submit(struct store_req *);
/* An event arcd itself raises for a unit (supervision), stored as any. */
void	 ingest_system_event(const struct unit *, const char *code,
	    int class, const char *text, int64_t now);
void	 ingest_unit_silent(int64_t unit_id, int64_t at);
int	 ingest_storage_ok(void);
int	 ingest_frame(const struct reply_to *, struct source *,
	    const char *srcname, const uint8_t *, size_t);
size_t	 ingest_pending(void);

/* --- listen.c: sockets, accept, per-source accounting --- */
struct source {
	uint64_t	 key;
	int		 conns;
	double		 tokens;	/* unregistered-frame bucket */
	int64_t		 refill;	/* unix ms */
};
int	 listen_open(struct event_base *, struct config *, char **cause);
void	 listen_close(void);
void	 listen_resume(void);		/* a slot freed: accept again */
struct source *source_get(const struct sockaddr *);
void	 source_release(struct source *);
/* Take one unregistered-frame token: 0 ok, -1 limited. */
int	 source_take(struct source *, int64_t now_ms);
void	 source_name(const struct sockaddr *, const char *proto, char *,
	    size_t);

/* --- device.c: TCP sessions with units --- */
void	 device_init(struct event_base *, const struct config *);
int	 device_new(int fd, const struct sockaddr *, socklen_t,
	    struct source *);
/* Queue bytes to a device by id; -1 if it is gone. */
int	 device_send(uint64_t id, const uint8_t *, size_t);
void	 device_done(uint64_t id);	/* one pending reply resolved */
void	 device_close_all(void);
size_t	 device_count(void);

/* --- udp.c --- */
int	 udp_open(struct event_base *, int fd, const struct listen_spec *,
	    char **cause);
void	 udp_close_all(void);
int	 udp_send(const struct reply_to *, const uint8_t *, size_t);

/* --- alarm_json.c: console protocol objects --- */
struct alarm;
struct alarm_stats;
void	 alarm_json_init(struct db *);
json_t	*alarm_json(const struct alarm *);
json_t	*alarm_json_stats(const struct alarm_stats *);

/* --- alarmio.c: alarms to the store and to the consoles --- */
int	 alarmio_init(struct event_base *, const struct config *,
	    struct db *, char **cause);
void	 alarmio_quiesce(void);
void	 alarmio_shutdown(void);
void	 alarmio_frame(const struct db_event *, size_t, int64_t now);
void	 alarmio_done(struct store_req *);
void	 alarmio_dispatch(int64_t now);
void	 alarmio_lost(const char *login, int64_t now);
void	 alarmio_found(const char *login);
void	 alarmio_snapshot(json_t *alarms);
json_t	*alarmio_stats_json(int64_t now);
/* A note: stored, then tag is answered. 0 or -1 (not found). */
int	 alarmio_note(int64_t alarm_id, const char *op, const char *text,
	    uint64_t tag);

/* --- session.c: console sessions (TLS, JSON lines) --- */
int	 session_listen(struct event_base *, const struct config *,
	    const struct listen_spec *, struct db *, char **cause);
void	 session_close_all(void);
void	 session_broadcast(json_t *);		/* steals the reference */
void	 session_offer(const char *login, int64_t alarm_id);
/* Answer a request by tag: ok, or error (with the JSON extra, stolen). */
void	 session_reply_tag(uint64_t tag, const char *error, json_t *extra);
/* Call fn for each logged-in operator, in login order. */
void	 session_foreach_login(void (*)(const char *, int, void *), void *);
int	 session_logged_in(const char *login);
int	 session_any(void);
void	 session_push_operators(void);

/* --- clock.c --- */
int64_t	 now_ms(void);		/* UTC wall clock, ms */

#endif /* ARC_ARC_H */
