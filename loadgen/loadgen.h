/*
 * loadgen.h -- arc-loadgen: simulated DC-09 units for tests, the crash test
 * and benchmarks. One libevent loop, no threads, raw non-blocking sockets.
 *
 * Time inside loadgen is monotonic microseconds (lg_now()).
 * Timers are a 1 ms tick that drives Poisson arrivals (gen.c) and a timer
 * wheel (wheel.c) holding at most one deadline per unit: retransmission,
 * reconnect back-off or the next heartbeat, depending on the unit's state.
 *
 * Calls go down only: loadgen.c (main, phases) -> report.c (the summary,
 * the results file) -> plot.c (gnuplot); loadgen.c -> progress.c (the
 * progress line); loadgen.c -> gen.c (arrivals) -> sim.c (the units) ->
 * mqtt.c (the broker) -> frame.c, scenario.c, console.c, wheel.c,
 * series.c (each second) -> shown.c -> pending.c, hist.c, prng.c, lg.c
 * (shared state). What goes back up is a hook: lg.begin and lg.check_done
 * (loadgen.c's), the wheel's fire function (sim_timer), the scenario's
 * arrive and drop and mqtt.c's units up and ack (sim.c's).
 *
 * Latency runs from a frame's first send to its ACK (with --reconnect,
 * from the connect made for its first send, so the handshake counts).
 *
 * With --console (console.c) a scripted operator console logs in to arcd
 * and times each event frame from its first send to the first "alarm" or
 * "alarm_event" push that shows it (shown.c).
 *
 * With --scenario (scenario.c) the units play a storm, a runaway unit or
 * a silence: who sends what, and when, on top of the same machinery.
 *
 * With --mqtt (mqtt.c) the units publish JSON events through an MQTT
 * broker and wait for arc's ack message instead of a DC-09 ACK; frame[]
 * holds the JSON payload. --mqtt-echo answers them in loadgen itself.
 *
 * arc-echo (echo.c) answers every frame with one fixed ACK for account
 * LOADGEN_ECHO_ACCT, seq 0000; loadgen accepts that ACK as a wildcard for
 * any outstanding frame (plain or encrypted), so arc-echo is a baseline
 * without parsing.
 */
#ifndef ARC_LOADGEN_H
#define ARC_LOADGEN_H

#include <sys/queue.h>
#include <sys/socket.h>

#include <stdint.h>
#include <stdio.h>

#include "proto.h"

struct event;
struct event_base;
struct hist;
struct pending;
struct shown;
struct json_t;

#define LOADGEN_ECHO_ACCT	"0000"
#define LOADGEN_FRAME_MAX	200	/* one outstanding frame, encrypted */
#define LOADGEN_ACCT_MAX	17
#define LOADGEN_QUEUE_MAX	100	/* arrivals waiting per unit */
#define LOADGEN_CONNECTS_MAX	512	/* connects in flight */
#define LOADGEN_SOURCES_MAX	254

enum loadgen_phase {
	PHASE_CONNECT = 0,	/* persistent units connecting; nothing sent */
	PHASE_RUN,		/* creating events */
	PHASE_DRAIN,		/* waiting for outstanding ACKs */
	PHASE_DONE
};

enum scenario {
	SCENARIO_NONE = 0,
	SCENARIO_STORM,
	SCENARIO_RUNAWAY,
	SCENARIO_SILENT
};

enum unit_state {
	UNIT_DOWN = 0,		/* no socket; maybe a back-off timer */
	UNIT_WAITSLOT,		/* queued for a connect slot */
	UNIT_CONNECTING,	/* non-blocking connect in flight */
	UNIT_UP			/* connected (UDP: socket open) */
};

enum unit_out {
	OUT_NONE = 0,
	OUT_EVENT,
	OUT_POLL
};

/* One simulated unit: about 300 bytes plus its struct event. */
struct unit {
	TAILQ_ENTRY(unit)	 wentry;	/* timer wheel slot */
	STAILQ_ENTRY(unit)	 centry;	/* connect queue */
	struct event		*ev;		/* owned: socket event */
	uint8_t			*rbuf;		/* owned: partial reply */
	uint64_t		 deadline;	/* wheel deadline, ms */
	uint64_t		 first_us;	/* first send of frame[] */
	uint64_t		 poll_due;	/* next heartbeat, ms */
	int			 fd;
	uint32_t		 idx;
	uint16_t		 seq;		/* last seq used, 1..9999 */
	uint16_t		 last_acked;	/* seq of the previous ACK */
	uint16_t		 queued;	/* arrivals waiting */
	uint16_t		 code;		/* Contact ID code of frame[] */
	uint16_t		 out_len;
	uint16_t		 rlen;
	uint8_t			 state;		/* enum unit_state */
	uint8_t			 out;		/* enum unit_out */
	uint8_t			 out_sent;	/* frame[] went out once */
	uint8_t			 on_wheel;
	uint8_t			 backoff;	/* failed connects in a row */
	uint8_t			 waiting;	/* back-off timer pending */
	uint8_t			 frame[LOADGEN_FRAME_MAX];
};
TAILQ_HEAD(unit_list, unit);

struct loadgen_stats {
	uint64_t	 sent;		/* events, first sends */
	uint64_t	 acked;
	uint64_t	 acked_run;	/* acked while sending */
	uint64_t	 nak;
	uint64_t	 duh;
	uint64_t	 bad;
	uint64_t	 dup_acks;	/* ACK of a copy already ACKed */
	uint64_t	 retransmits;
	uint64_t	 unacked;	/* set at the end */
	uint64_t	 unsent;	/* still queued at the end */
	uint64_t	 dropped;	/* arrivals over a unit's queue */
	uint64_t	 connects;
	uint64_t	 connect_fail;
	uint64_t	 reconnects;	/* connections lost and made again */
	uint64_t	 lost;		/* connections lost */
	uint64_t	 polls_sent;
	uint64_t	 polls_acked;
	uint64_t	 replies;	/* frames received */
	uint64_t	 connected;	/* now */
	uint64_t	 connected_peak;
	uint64_t	 inflight;	/* events outstanding now */
	uint64_t	 queued;	/* arrivals queued now */
};

/* --console: what the scripted operator saw and did. */
struct console_stats {
	uint64_t	 alarms_seen;	/* "alarm" pushes */
	uint64_t	 events_shown;	/* remembered frames shown */
	uint64_t	 not_shown;	/* ACKed, never shown; set at the end */
	uint64_t	 evicted;	/* forgotten unshown: ring full */
	uint64_t	 accepted;
	uint64_t	 closed;
	uint64_t	 errors;	/* accept/close replies not ok */
	uint64_t	 logins;
	uint64_t	 disconnects;
	uint64_t	 connect_fail;
	uint64_t	 updates;	/* "alarm_update" pushes */
	uint64_t	 event_pushes;	/* "alarm_event" pushes */
	uint64_t	 events_unmatched; /* alarm_event, alarm unknown */
	uint64_t	 alarms_evicted; /* open alarms forgotten */
	uint64_t	 heartbeats;	/* answered */
	uint64_t	 silent;	/* drops: no heartbeat heard */
	uint64_t	 long_lines;	/* lines past line_max, skipped */
	uint64_t	 replaced;	/* "system" code "replaced" */
};

/* The mix of events: cumulative weights. */
struct mix_entry {
	uint16_t	 code;
	char		 qual;
	uint16_t	 zone;
	uint32_t	 cum;
};

/* The hooks lg carries back up to loadgen.c. */
typedef void lg_begin_fn(uint64_t);
typedef void lg_check_fn(void);

struct loadgen {
	/* Options. */
	struct sockaddr_storage	 target;
	socklen_t		 target_len;
	uint32_t		 units;
	unsigned long long	 first_account;
	double			 rate;
	int			 closed;
	double			 duration;
	double			 drain;
	int			 udp;
	int			 reconnect;
	int			 sources;
	int			 keyed;
	struct dc09_key		 key;
	double			 heartbeat;
	double			 retry;
	int			 json;
	int			 expect_all;
	uint64_t		 seed;
	struct mix_entry	 mix[32];
	size_t			 nmix;
	uint32_t		 mix_total;
	FILE			*acked_log;	/* owned */
	const char		*console;	/* borrowed: HOST:PORT */
	const char		*console_login;	/* borrowed */
	const char		*console_pwfile; /* borrowed */
	int			 console_urgent_only;
	int			 mix_set;	/* --mix given */
	int			 scenario;	/* enum scenario */
	double			 storm_spread;
	int			 storm_spread_set;
	const char		*report;	/* borrowed: --report PREFIX */
	int			 mqtt;		/* --mqtt given */
	char			*mqtt_host;	/* owned */
	int			 mqtt_port;
	int			 mqtt_echo;	/* --mqtt-echo */
	uint32_t		 mqtt_per_conn;	/* units per connection */
	int			 responders;	/* --responders given */
	double			 respond_accept; /* % of pages */
	double			 respond_decline;
	double			 respond_delay;	/* s, before each reply */
	double			 progress;	/* s; -1: not given */

	/* Run time. */
	struct event_base	*base;		/* owned */
	enum loadgen_phase	 phase;
	uint64_t		 start_us;
	uint64_t		 run_end_us;	/* end of sending, when known */
	struct unit		*unit;		/* owned: units[] */
	struct loadgen_stats	 st;
	struct hist		*lat;		/* owned */

	/* Hooks, set by main() before anything runs. */
	lg_begin_fn		*begin;		/* units up or console ready */
	lg_check_fn		*check_done;	/* draining: stop once idle */
};

/* lg.c */
extern struct loadgen	 lg;
uint64_t	 lg_now(void);
char		*lg_first_line(const char *opt, const char *path);
void		 lg_addr(const char *, const char *,
		    struct sockaddr_storage *, socklen_t *);
int		 lg_host_port(const char *, char **, int *);

/* loadgen.c */
#define LOADGEN_CONNECT_WAIT	10	/* s */

/* prng.c */
void		 prng_seed(uint64_t);
uint64_t	 prng_random(void);
double		 prng_uniform(void);

/* hist.c */
struct hist	*hist_new(void);
void		 hist_free(struct hist *);
void		 hist_add(struct hist *, uint64_t);
uint64_t	 hist_count(const struct hist *);
uint64_t	 hist_percentile(const struct hist *, double);
uint64_t	 hist_max(const struct hist *);
void		 hist_clear(struct hist *);
size_t		 hist_nbuckets(void);
uint64_t	 hist_bucket(const struct hist *, size_t, uint64_t *);

/* series.c: one second of the run. */
struct series_sample {
	uint64_t	 t;		/* s from the start of sending */
	uint64_t	 sent;
	uint64_t	 acked;
	uint64_t	 nak;
	uint64_t	 p50_us;	/* of the ACKs in this second */
	uint64_t	 p99_us;
	uint64_t	 max_us;
};
void		 series_init(uint64_t, int);
void		 series_start(uint64_t);
void		 series_sent(void);
void		 series_nak(void);
void		 series_acked(uint64_t);
void		 series_tick(uint64_t);
void		 series_finish(uint64_t);
const struct series_sample *series_samples(size_t *, uint64_t *);
void		 series_free(void);

/* gen.c */
void		 gen_start(uint64_t);
void		 gen_tick(uint64_t);

/* frame.c */
int		 frame_mix_parse(const char *, char **);
void		 frame_mix_default(void);
void		 frame_account(uint32_t, char [LOADGEN_ACCT_MAX]);
int		 frame_event(struct unit *, time_t);
int		 frame_poll(struct unit *, time_t);

/* wheel.c */
typedef void wheel_fire_fn(struct unit *, uint64_t);
void		 wheel_init(uint64_t, wheel_fire_fn *);
void		 wheel_add(struct unit *, uint64_t);
void		 wheel_del(struct unit *);
void		 wheel_run(uint64_t);

/* sim.c */
void		 sim_init(void);
void		 sim_start(void);
void		 sim_begin(uint64_t);
void		 sim_arrival(struct unit *);
void		 sim_timer(struct unit *, uint64_t);
void		 sim_drain(void);
void		 sim_finish(void);
void		 sim_free(void);
int		 sim_drop(struct unit *, uint64_t);

/* pending.c */
struct pending	*pending_new(void);
void		 pending_free(struct pending *);
void		 pending_sent(struct pending *, uint32_t, uint16_t, uint64_t);
void		 pending_acked(struct pending *, uint32_t, uint16_t);
int		 pending_shown(struct pending *, uint32_t, uint16_t,
		    uint64_t *);
uint64_t	 pending_unshown(const struct pending *);
uint64_t	 pending_evicted(const struct pending *);

/* shown.c */
struct shown	*shown_new(struct console_stats *);
void		 shown_free(struct shown *);
void		 shown_sent(struct shown *, uint32_t, uint16_t, uint64_t);
void		 shown_acked(struct shown *, uint32_t, uint16_t);
uint64_t	 shown_unshown(const struct shown *);
uint64_t	 shown_evicted(const struct shown *);
const struct hist *shown_hist(const struct shown *, int);
void		 shown_clear(struct shown *);
void		 shown_alarm(struct shown *, struct json_t *, uint64_t);
void		 shown_update(struct shown *, struct json_t *);
void		 shown_event(struct shown *, struct json_t *, uint64_t);

/* console.c */
void		 console_init(void);
int		 console_enabled(void);
int		 console_ready(void);
uint64_t	 console_pending(void);
void		 console_sent(uint32_t, uint16_t, uint64_t);
void		 console_acked(uint32_t, uint16_t);
const struct console_stats *console_stats(void);
void		 console_report_json(FILE *);
void		 console_report_text(void);
void		 console_free(void);

/* respond.c */
typedef void respond_publish_fn(const char *, const char *);
void		 respond_init(respond_publish_fn *);
void		 respond_page(const char *, struct json_t *);
void		 respond_ack(struct json_t *);
void		 respond_report_json(FILE *);
void		 respond_report_text(void);
void		 respond_free(void);

/* mqtt.c */
typedef void mqtt_up_fn(uint32_t, uint32_t, uint64_t);
typedef void mqtt_ack_fn(struct unit *, uint64_t, int, uint64_t);
void		 mqtt_init(mqtt_up_fn *, mqtt_ack_fn *);
void		 mqtt_start(void);
int		 mqtt_send(struct unit *);
void		 mqtt_tick(uint64_t);
uint64_t	 mqtt_errors(void);
void		 mqtt_report_json(FILE *);
void		 mqtt_report_text(void);
void		 mqtt_free(void);

/* progress.c */
void		 progress_init(double, int, uint64_t);
void		 progress_tick(uint64_t);
void		 progress_end(void);

/* plot.c */
int		 plot_draw(const char *, const char *, char **);

/* report.c */
void		 report_files(const char *);
void		 report_json(void);
void		 report_text(void);
void		 report_free(void);

/* scenario.c */
typedef void scenario_arrive_fn(struct unit *);
typedef int scenario_drop_fn(struct unit *, uint64_t);
const char	*scenario_name(int);
int		 scenario_parse(const char *);
void		 scenario_check(void);
void		 scenario_init(scenario_arrive_fn *, scenario_drop_fn *);
void		 scenario_begin(uint64_t);
void		 scenario_tick(uint64_t);
struct unit	*scenario_pick(void);
const struct mix_entry *scenario_event(const struct unit *);
int		 scenario_muted(const struct unit *);
void		 scenario_sent(const struct unit *);
void		 scenario_acked(const struct unit *);
void		 scenario_report_json(FILE *);
void		 scenario_report_text(void);
void		 scenario_free(void);

#endif /* ARC_LOADGEN_H */
