/*
 * report.c -- what arc-loadgen says at the end: the summary (text, or
 * JSON with --json) on stdout and, with --report PREFIX, the results file
 * PREFIX.json (the summary, every second of the run and the latency
 * distribution) and its plot PREFIX.svg (plot.c), named in the summary.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"
#include "loadgen.h"

static struct {
	char	*json;		/* owned: the results file, once written */
	char	*svg;		/* owned: the plot, once drawn */
	char	*why;		/* owned: why there is no plot */
} rp;

static double
report_ms(double p)
{
	if (p >= 1.0)
		return ((double)hist_max(lg.lat) / 1000.0);
	return ((double)hist_percentile(lg.lat, p) / 1000.0);
}

static double
report_seconds(void)
{
	return ((double)(lg.run_end_us - lg.start_us) / 1e6);
}

static double
report_rate(void)
{
	double	 s = report_seconds();

	return (s > 0 ? (double)lg.st.acked_run / s : 0.0);
}

/* A JSON string of s: paths come from the command line. */
static void
report_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* The summary's members, without the braces. */
static void
report_members(FILE *f)
{
	struct loadgen_stats	*st = &lg.st;

	fprintf(f, "\"units\": %u, \"connected_peak\": %" PRIu64
	    ", \"sent\": %" PRIu64 ", \"acked\": %" PRIu64
	    ", \"nak\": %" PRIu64 ", \"duh\": %" PRIu64
	    ", \"bad\": %" PRIu64 ", \"retransmits\": %" PRIu64
	    ", \"unacked\": %" PRIu64 ", \"reconnects\": %" PRIu64
	    ", \"polls_sent\": %" PRIu64 ", \"polls_acked\": %" PRIu64
	    ", \"duration_s\": %.3f, \"acked_per_s\": %.1f",
	    lg.units, st->connected_peak, st->sent, st->acked, st->nak,
	    st->duh, st->bad, st->retransmits, st->unacked, st->reconnects,
	    st->polls_sent, st->polls_acked, report_seconds(),
	    report_rate());
	fprintf(f, ", \"unsent\": %" PRIu64 ", \"dropped\": %" PRIu64
	    ", \"dup_acks\": %" PRIu64 ", \"connects\": %" PRIu64
	    ", \"connect_failures\": %" PRIu64 ", \"lost\": %" PRIu64
	    ", \"seed\": %" PRIu64,
	    st->unsent, st->dropped, st->dup_acks, st->connects,
	    st->connect_fail, st->lost, lg.seed);
	scenario_report_json(f);
	fprintf(f, ", \"latency_ms\": {\"p50\": %.3f, \"p90\": %.3f, "
	    "\"p99\": %.3f, \"p999\": %.3f, \"max\": %.3f}",
	    report_ms(0.5), report_ms(0.9), report_ms(0.99),
	    report_ms(0.999), report_ms(1.0));
	console_report_json(f);
	mqtt_report_json(f);
	respond_report_json(f);
}

static void
report_samples(FILE *f)
{
	const struct series_sample	*s;
	size_t				 n, i;
	uint64_t			 dropped;

	s = series_samples(&n, &dropped);
	fprintf(f, ", \"samples_dropped\": %" PRIu64 ", \"samples\": [",
	    dropped);
	for (i = 0; i < n; i++) {
		fprintf(f, "%s\n{\"t\": %" PRIu64 ", \"sent\": %" PRIu64
		    ", \"acked\": %" PRIu64 ", \"nak\": %" PRIu64, i ? "," : "",
		    s[i].t, s[i].sent, s[i].acked, s[i].nak);
		if (s[i].acked == 0)
			fprintf(f, ", \"p50_ms\": null, \"p99_ms\": null"
			    ", \"max_ms\": null}");
		else
			fprintf(f, ", \"p50_ms\": %.3f, \"p99_ms\": %.3f"
			    ", \"max_ms\": %.3f}", s[i].p50_us / 1000.0,
			    s[i].p99_us / 1000.0, s[i].max_us / 1000.0);
	}
	fprintf(f, "]");
}

/* Every non-empty latency bucket: its middle and its count. */
static void
report_distribution(FILE *f)
{
	size_t		 i, n = 0;
	uint64_t	 count, v;

	fprintf(f, ", \"distribution\": [");
	for (i = 0; i < hist_nbuckets(); i++) {
		if ((count = hist_bucket(lg.lat, i, &v)) == 0)
			continue;
		fprintf(f, "%s\n{\"ms\": %.3f, \"count\": %" PRIu64 "}",
		    n++ ? "," : "", v / 1000.0, count);
	}
	fprintf(f, "]");
}

static char *
report_path(const char *prefix, const char *ext)
{
	char	*p;

	xasprintf(&p, "%s.%s", prefix, ext);
	return (p);
}

static int
report_results(const char *path)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL) {
		log_warn("%s", path);
		return (-1);
	}
	fprintf(f, "{");
	report_members(f);
	report_samples(f);
	report_distribution(f);
	fprintf(f, "}\n");
	if (ferror(f) | (fclose(f) == EOF)) {
		log_warnx("%s: write failed", path);
		return (-1);
	}
	return (0);
}

/* --report PREFIX: PREFIX.json, and PREFIX.svg drawn by gnuplot. */
void
report_files(const char *prefix)
{
	char	*json, *svg;

	json = report_path(prefix, "json");
	if (report_results(json) == -1) {
		free(json);
		xasprintf(&rp.why, "no results: %s.json not written",
		    prefix);
		return;
	}
	rp.json = json;
	if (lg.st.acked == 0) {
		rp.why = xstrdup("nothing was ACKed");
		return;
	}
	svg = report_path(prefix, "svg");
	if (plot_draw(prefix, svg, &rp.why) == 0)
		rp.svg = svg;
	else
		free(svg);
}

void
report_json(void)
{
	printf("{");
	report_members(stdout);
	if (rp.json != NULL) {
		printf(", \"results\": ");
		report_string(stdout, rp.json);
	}
	if (rp.svg != NULL) {
		printf(", \"plot\": ");
		report_string(stdout, rp.svg);
	}
	if (rp.why != NULL) {
		printf(", \"plot_error\": ");
		report_string(stdout, rp.why);
	}
	printf("}\n");
}

void
report_text(void)
{
	struct loadgen_stats	*st = &lg.st;

	printf("units            %u (%s%s)\n", lg.units, lg.mqtt ? "mqtt" :
	    lg.udp ? "udp" : "tcp", lg.reconnect ? ", reconnect" :
	    lg.mqtt_echo ? ", echo" : "");
	printf("connected (peak) %" PRIu64 "\n", st->connected_peak);
	printf("sent             %" PRIu64 "\n", st->sent);
	printf("acked            %" PRIu64 "\n", st->acked);
	printf("nak              %" PRIu64 "\n", st->nak);
	printf("duh              %" PRIu64 "\n", st->duh);
	printf("bad replies      %" PRIu64 "\n", st->bad);
	printf("duplicate acks   %" PRIu64 "\n", st->dup_acks);
	printf("retransmissions  %" PRIu64 "\n", st->retransmits);
	printf("timeouts         %" PRIu64 " (never acked)\n", st->unacked);
	printf("unsent           %" PRIu64 "\n", st->unsent);
	printf("dropped by generator %" PRIu64 "\n", st->dropped);
	printf("connects         %" PRIu64 " (%" PRIu64 " failed)\n",
	    st->connects, st->connect_fail);
	printf("reconnects       %" PRIu64 " (%" PRIu64 " lost)\n",
	    st->reconnects, st->lost);
	printf("polls sent/acked %" PRIu64 "/%" PRIu64 "\n", st->polls_sent,
	    st->polls_acked);
	printf("sending period   %.3f s\n", report_seconds());
	printf("events/s acked   %.1f\n", report_rate());
	printf("latency ms       p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  "
	    "max %.3f\n", report_ms(0.5), report_ms(0.9), report_ms(0.99),
	    report_ms(0.999), report_ms(1.0));
	scenario_report_text();
	console_report_text();
	mqtt_report_text();
	respond_report_text();
	if (rp.json != NULL)
		printf("results          %s\n", rp.json);
	if (rp.svg != NULL)
		printf("plot             %s\n", rp.svg);
	else if (rp.why != NULL)
		printf("plot             none: %s\n", rp.why);
}

void
report_free(void)
{
	free(rp.json);
	free(rp.svg);
	free(rp.why);
	memset(&rp, 0, sizeof rp);
}
