/*
 * scenario.c -- arc-loadgen --scenario: which units do what, on top of the
 * normal machinery (persistent TCP units, retransmission, the acked log,
 * console latency). Times count from the start of the run.
 *
 *   storm    The first half of the units ("home units on mains") each
 *            send one "mains lost" (1301 zone 000) at a uniformly random
 *            moment within --storm-spread s. At --storm-spread + 5 s every
 *            unit's connection is closed at once and all reconnect with
 *            the normal back-off (the reconnect wave). Throughout, the
 *            last 10 % ("pendant homes") press pendants (1101 zone 001)
 *            at --rate in total; the rest only poll (with --heartbeat).
 *   runaway  Unit 0 sends a smoke alarm (1111 zone 010) every second (a
 *            faulty detector); the others press pendants at --rate.
 *   silent   Every unit polls at --heartbeat; at half the duration the
 *            first 10 % stop sending anything (they stay connected).
 *
 * A scenario chooses every unit's events: --mix does not apply.
 *
 * Below sim.c and frame.c, which ask it what a unit sends (scenario_event,
 * scenario_muted) and tell it what went out and came back. It acts on the
 * units only through the two functions given to scenario_init() (an
 * arrival, a dropped connection: sim.c's). One thread (the event loop).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"
#include "loadgen.h"

#define SCENARIO_WAVE_AFTER_S	5	/* storm: wave after the spread */
#define SCENARIO_SMOKE_EVERY_US	1000000	/* runaway: one smoke a second */

/* The events a scenario sends, counted apart. */
enum scenario_kind {
	KIND_MAINS = 0,
	KIND_PENDANT,
	KIND_SMOKE,
	KIND_MAX
};

static const struct mix_entry scenario_events[KIND_MAX] = {
	{ 301, '1', 0, 1 },	/* mains lost */
	{ 101, '1', 1, 1 },	/* pendant */
	{ 111, '1', 10, 1 },	/* smoke */
};

static const char *scenario_kind_names[KIND_MAX] = {
	[KIND_MAINS] = "mains",
	[KIND_PENDANT] = "pendant",
	[KIND_SMOKE] = "smoke",
};

static const char *scenario_names[] = {
	[SCENARIO_NONE] = "none",
	[SCENARIO_STORM] = "storm",
	[SCENARIO_RUNAWAY] = "runaway",
	[SCENARIO_SILENT] = "silent",
};

/* One storm unit's "mains lost", due at us after the start. */
struct scenario_due {
	uint64_t	 us;
	uint32_t	 idx;
};

/* What a scenario knows while it runs. */
static struct scenario_state {
	uint64_t		 start_us;	/* 0 until the run starts */
	uint32_t		 mains_units;	/* storm: units [0, n) */
	uint32_t		 silent_units;	/* silent: units [0, n) */
	uint32_t		 p_first;	/* pendant homes [first, +n) */
	uint32_t		 p_count;
	struct scenario_due	*due;		/* owned: sorted by us */
	uint32_t		 ndue;
	uint32_t		 next_due;
	int			 waved;		/* storm: the wave happened */
	uint64_t		 wave_closed;	/* connections it closed */
	uint64_t		 smoke_next_us;	/* runaway */
	int			 muted;		/* silent: the 10 % stopped */
	uint64_t		 sent[KIND_MAX];
	uint64_t		 acked[KIND_MAX];
	scenario_arrive_fn	*arrive;	/* an event for a unit */
	scenario_drop_fn	*drop;		/* close a unit's connection */
} sc;

const char *
scenario_name(int s)
{
	if (s < 0 || (size_t)s >= sizeof scenario_names /
	    sizeof scenario_names[0])
		return ("unknown");
	return (scenario_names[s]);
}

/* --scenario NAME: 0, or -1 if there is no such scenario. */
int
scenario_parse(const char *s)
{
	size_t	 i;

	for (i = 1; i < sizeof scenario_names / sizeof scenario_names[0];
	    i++) {
		if (strcmp(s, scenario_names[i]) == 0) {
			lg.scenario = (int)i;
			return (0);
		}
	}
	return (-1);
}

/* Options that do not fit the scenario: exit with the reason. */
void
scenario_check(void)
{
	if (lg.scenario == SCENARIO_NONE) {
		if (lg.storm_spread_set)
			fatalx("--storm-spread needs --scenario storm");
		return;
	}
	if (lg.udp || lg.reconnect || lg.closed)
		fatalx("--scenario: persistent TCP units only (no --udp, "
		    "--reconnect or --closed)");
	if (lg.mix_set)
		fatalx("--scenario chooses the events: no --mix");
	if (lg.storm_spread_set && lg.scenario != SCENARIO_STORM)
		fatalx("--storm-spread needs --scenario storm");
	if (lg.scenario == SCENARIO_SILENT && lg.heartbeat <= 0)
		fatalx("--scenario silent needs --heartbeat S");
	if (lg.scenario == SCENARIO_SILENT)
		lg.rate = 0;		/* polls only */
	if (lg.scenario == SCENARIO_STORM &&
	    lg.duration < lg.storm_spread + SCENARIO_WAVE_AFTER_S)
		log_warnx("scenario storm: the reconnect wave at %.1f s "
		    "comes after the run's end (--duration %.1f)",
		    lg.storm_spread + SCENARIO_WAVE_AFTER_S, lg.duration);
}

/* Who is who, and how to act on units; after sim_init(). */
void
scenario_init(scenario_arrive_fn *arrive, scenario_drop_fn *drop)
{
	uint32_t	 tenth = (lg.units + 9) / 10;

	sc.arrive = arrive;
	sc.drop = drop;

	switch (lg.scenario) {
	case SCENARIO_STORM:
		sc.mains_units = lg.units / 2;
		sc.p_count = tenth;
		sc.p_first = lg.units - tenth;
		break;
	case SCENARIO_RUNAWAY:
		sc.p_first = 1;
		sc.p_count = lg.units - 1;
		break;
	case SCENARIO_SILENT:
		sc.silent_units = tenth;
		break;
	default:
		break;
	}
}

static int
scenario_due_cmp(const void *a, const void *b)
{
	const struct scenario_due	*x = a, *y = b;

	if (x->us != y->us)
		return (x->us < y->us ? -1 : 1);
	return (x->idx < y->idx ? -1 : x->idx > y->idx);
}

/* The run starts: the storm's moments are drawn now. */
void
scenario_begin(uint64_t now)
{
	uint32_t	 i;

	if (lg.scenario == SCENARIO_NONE)
		return;
	sc.start_us = now;
	if (lg.scenario == SCENARIO_STORM && sc.mains_units > 0) {
		sc.due = xcalloc(sc.mains_units, sizeof *sc.due);
		for (i = 0; i < sc.mains_units; i++) {
			sc.due[i].idx = i;
			sc.due[i].us = (uint64_t)((1.0 - prng_uniform()) *
			    lg.storm_spread * 1e6);
		}
		qsort(sc.due, sc.mains_units, sizeof *sc.due,
		    scenario_due_cmp);
		sc.ndue = sc.mains_units;
	}
	if (lg.scenario == SCENARIO_RUNAWAY)
		sc.smoke_next_us = now;
	log_info("scenario %s: %u units, started",
	    scenario_name(lg.scenario), lg.units);
}

/* The reconnect wave: every connection closed at once. */
static void
scenario_wave(uint64_t now)
{
	uint32_t	 i;

	sc.waved = 1;
	for (i = 0; i < lg.units; i++)
		sc.wave_closed += sc.drop(&lg.unit[i], now);
	log_info("scenario storm: reconnect wave, %" PRIu64
	    " connections closed", sc.wave_closed);
}

/* Called from the 1 ms tick while the run is on. */
void
scenario_tick(uint64_t now)
{
	uint64_t	 t;

	if (lg.scenario == SCENARIO_NONE || sc.start_us == 0 ||
	    lg.phase != PHASE_RUN)
		return;
	t = now - sc.start_us;
	switch (lg.scenario) {
	case SCENARIO_STORM:
		while (sc.next_due < sc.ndue && sc.due[sc.next_due].us <= t)
			sc.arrive(&lg.unit[sc.due[sc.next_due++].idx]);
		if (!sc.waved && t >= (uint64_t)((lg.storm_spread +
		    SCENARIO_WAVE_AFTER_S) * 1e6))
			scenario_wave(now);
		break;
	case SCENARIO_RUNAWAY:
		while (sc.smoke_next_us <= now) {
			sc.arrive(&lg.unit[0]);
			sc.smoke_next_us += SCENARIO_SMOKE_EVERY_US;
		}
		break;
	case SCENARIO_SILENT:
		if (!sc.muted && t >= (uint64_t)(lg.duration * 1e6 / 2)) {
			sc.muted = 1;
			log_info("scenario silent: %u units fall silent",
			    sc.silent_units);
		}
		break;
	default:
		break;
	}
}

/* The unit for a Poisson arrival; NULL: the arrival is not used. */
struct unit *
scenario_pick(void)
{
	uint64_t	 r = prng_random();

	if (lg.scenario == SCENARIO_NONE)
		return (&lg.unit[r % lg.units]);
	if (sc.p_count == 0)
		return (NULL);
	return (&lg.unit[sc.p_first + r % sc.p_count]);
}

static int
scenario_kind(const struct unit *u)
{
	switch (lg.scenario) {
	case SCENARIO_STORM:
		if (u->idx < sc.mains_units)
			return (KIND_MAINS);
		return (KIND_PENDANT);
	case SCENARIO_RUNAWAY:
		return (u->idx == 0 ? KIND_SMOKE : KIND_PENDANT);
	case SCENARIO_SILENT:
		return (KIND_PENDANT);
	default:
		return (-1);
	}
}

/* The event the unit sends; NULL: pick from --mix. */
const struct mix_entry *
scenario_event(const struct unit *u)
{
	int	 k = scenario_kind(u);

	return (k == -1 ? NULL : &scenario_events[k]);
}

/* Silent: this unit sends nothing more. */
int
scenario_muted(const struct unit *u)
{
	return (sc.muted && u->idx < sc.silent_units);
}

static int
scenario_code_kind(uint16_t code)
{
	int	 k;

	for (k = 0; k < KIND_MAX; k++)
		if (scenario_events[k].code == code)
			return (k);
	return (-1);
}

/* An event frame went out the first time. */
void
scenario_sent(const struct unit *u)
{
	int	 k = scenario_code_kind(u->code);

	if (lg.scenario != SCENARIO_NONE && k != -1)
		sc.sent[k]++;
}

/* An event frame was ACKed. */
void
scenario_acked(const struct unit *u)
{
	int	 k = scenario_code_kind(u->code);

	if (lg.scenario != SCENARIO_NONE && k != -1)
		sc.acked[k]++;
}

static int
scenario_reports(int k)
{
	switch (lg.scenario) {
	case SCENARIO_STORM:
		return (k == KIND_MAINS || k == KIND_PENDANT);
	case SCENARIO_RUNAWAY:
		return (k == KIND_SMOKE || k == KIND_PENDANT);
	default:
		return (0);
	}
}

/* The scenario's members of the JSON report: ", \"scenario\": ...". */
void
scenario_report_json(FILE *f)
{
	int	 k;

	if (lg.scenario == SCENARIO_NONE)
		return;
	fprintf(f, ", \"scenario\": \"%s\"", scenario_name(lg.scenario));
	for (k = 0; k < KIND_MAX; k++) {
		if (!scenario_reports(k))
			continue;
		fprintf(f, ", \"%s_sent\": %" PRIu64 ", \"%s_acked\": %" PRIu64,
		    scenario_kind_names[k], sc.sent[k], scenario_kind_names[k],
		    sc.acked[k]);
	}
	if (lg.scenario == SCENARIO_STORM)
		fprintf(f, ", \"mains_units\": %u, \"pendant_units\": %u"
		    ", \"storm_spread_s\": %.3f, \"wave\": %s"
		    ", \"wave_closed\": %" PRIu64, sc.mains_units, sc.p_count,
		    lg.storm_spread, sc.waved ? "true" : "false",
		    sc.wave_closed);
	if (lg.scenario == SCENARIO_SILENT)
		fprintf(f, ", \"silent_units\": %u, \"silenced\": %s",
		    sc.silent_units, sc.muted ? "true" : "false");
}

void
scenario_report_text(void)
{
	int	 k;

	if (lg.scenario == SCENARIO_NONE)
		return;
	printf("scenario         %s\n", scenario_name(lg.scenario));
	for (k = 0; k < KIND_MAX; k++) {
		if (scenario_reports(k))
			printf("%-8s sent/acked %" PRIu64 "/%" PRIu64 "\n",
			    scenario_kind_names[k], sc.sent[k], sc.acked[k]);
	}
	if (lg.scenario == SCENARIO_STORM)
		printf("reconnect wave   %s (%" PRIu64 " connections "
		    "closed; %u mains units, %u pendant units)\n",
		    sc.waved ? "done" : "not reached", sc.wave_closed,
		    sc.mains_units, sc.p_count);
	if (lg.scenario == SCENARIO_SILENT)
		printf("silent units     %u (%s)\n", sc.silent_units,
		    sc.muted ? "silenced at half time" : "not reached");
}

void
scenario_free(void)
{
	free(sc.due);
	sc.due = NULL;
}
