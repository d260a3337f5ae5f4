/*
 * plot.c -- the results drawn: PREFIX.dat (the seconds and the latency
 * distribution, as gnuplot reads them), PREFIX.gp (the script) and
 * PREFIX.svg, drawn by running gnuplot (Debian's gnuplot-nox) without a
 * shell and with a time limit. To draw again by hand:
 *	gnuplot -c PREFIX.gp PREFIX.dat PREFIX.svg
 * The paths reach gnuplot as arguments, never as script text.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime.h"
#include "loadgen.h"

#define PLOT_TIMEOUT_MS	30000

static const char plot_script[] =
"# arc-loadgen's plot; draw again with:\n"
"#   gnuplot -c PREFIX.gp PREFIX.dat PREFIX.svg\n"
"set terminal svg size 900,800 dynamic noenhanced font 'sans,11' "
    "background rgb 'white'\n"
"set output ARG2\n"
"set datafile missing '?'\n"
"set multiplot layout 2,1 title 'arc-loadgen: ACK latency'\n"
"set title 'ACK latency per second (p50, p99, max) and events ACKed'\n"
"set xlabel 'seconds since sending began'\n"
"set ylabel 'ACK latency, ms'\n"
"set y2label 'events ACKed per second'\n"
"set ytics nomirror\n"
"set y2tics\n"
"set yrange [0:*]\n"
"set y2range [0:*]\n"
"set key top left box opaque\n"
"set grid\n"
"plot ARG1 index 0 using 1:5 with linespoints pt 7 ps 0.3 lw 2 "
    "title 'p50', \\\n"
"     '' index 0 using 1:6 with linespoints pt 7 ps 0.3 lw 2 "
    "title 'p99', \\\n"
"     '' index 0 using 1:7 with points pt 6 ps 0.5 title 'max', \\\n"
"     '' index 0 using 1:3 axes x1y2 with steps lc rgb '#888888' "
    "title 'ACKed/s'\n"
"set title 'ACK latency distribution: share of ACKs at or under a "
    "latency'\n"
"set xlabel 'ACK latency, ms (log scale)'\n"
"set ylabel '% of ACKed events'\n"
"unset y2label\n"
"unset y2tics\n"
"set logscale x\n"
"set yrange [0:100]\n"
"plot ARG1 index 1 using 1:2 with steps lw 2 title 'cumulative %'\n"
"unset multiplot\n";

static int
plot_data(const char *path)
{
	const struct series_sample	*s;
	FILE				*f;
	size_t				 n, i;
	uint64_t			 dropped, count, v, cum = 0, all;

	if ((f = fopen(path, "w")) == NULL)
		return (-1);
	fprintf(f, "# t sent acked nak p50_ms p99_ms max_ms\n");
	s = series_samples(&n, &dropped);
	for (i = 0; i < n; i++) {
		fprintf(f, "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64,
		    s[i].t, s[i].sent, s[i].acked, s[i].nak);
		if (s[i].acked == 0)
			fprintf(f, " ? ? ?\n");
		else
			fprintf(f, " %.3f %.3f %.3f\n", s[i].p50_us / 1000.0,
			    s[i].p99_us / 1000.0, s[i].max_us / 1000.0);
	}
	fprintf(f, "\n\n# ms cumulative_percent\n");
	all = hist_count(lg.lat);
	for (i = 0; i < hist_nbuckets() && all != 0; i++) {
		if ((count = hist_bucket(lg.lat, i, &v)) == 0)
			continue;
		cum += count;
		/* A log axis has no 0: under 1 us is drawn at 1 us. */
		fprintf(f, "%.3f %.3f\n", (v == 0 ? 1 : v) / 1000.0,
		    100.0 * (double)cum / (double)all);
	}
	if (ferror(f) | (fclose(f) == EOF))
		return (-1);
	return (0);
}

static int
plot_file(const char *path, const char *text)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL)
		return (-1);
	fputs(text, f);
	if (ferror(f) | (fclose(f) == EOF))
		return (-1);
	return (0);
}

/*
 * gnuplot's child: quiet stdin and stdout, the same stderr, none of the
 * units' sockets (arcd sees them close when loadgen ends, not gnuplot).
 */
static void __attribute__((noreturn))
plot_exec(char *const argv[])
{
	int	 fd;

	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
	}
	closefrom(STDERR_FILENO + 1);
	execvp(argv[0], argv);
	_exit(errno == ENOENT ? 127 : 126);
}

/* Wait for pid at most PLOT_TIMEOUT_MS; kill it past that. */
static int
plot_wait(pid_t pid, int *status)
{
	struct timespec	 ts = { 0, 10 * 1000 * 1000 };
	int		 ms;
	pid_t		 r;

	for (ms = 0; ms < PLOT_TIMEOUT_MS; ms += 10) {
		if ((r = waitpid(pid, status, WNOHANG)) == pid)
			return (0);
		if (r == -1 && errno != EINTR)
			return (-1);
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	return (-1);
}

static int
plot_run(char *gp, char *dat, char *svg, char **why)
{
	char	*argv[] = { "gnuplot", "-c", gp, dat, svg, NULL };
	pid_t	 pid;
	int	 status;

	if (unlink(svg) == -1 && errno != ENOENT) {
		xasprintf(why, "%s: %s", svg, strerror(errno));
		return (-1);
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		xasprintf(why, "fork: %s", strerror(errno));
		return (-1);
	}
	if (pid == 0)
		plot_exec(argv);
	if (plot_wait(pid, &status) == -1) {
		xasprintf(why, "gnuplot did not finish in %d s",
		    PLOT_TIMEOUT_MS / 1000);
		return (-1);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		*why = xstrdup("gnuplot not found (apt-get install "
		    "gnuplot-nox)");
		return (-1);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		xasprintf(why, "gnuplot failed; try: gnuplot -c %s %s %s",
		    gp, dat, svg);
		return (-1);
	}
	return (0);
}

/* Write PREFIX.dat and PREFIX.gp and draw svg; 0, or -1 and why. */
int
plot_draw(const char *prefix, const char *svg, char **why)
{
	char	*dat, *gp, *out;
	int	 rc = -1;

	xasprintf(&dat, "%s.dat", prefix);
	xasprintf(&gp, "%s.gp", prefix);
	out = xstrdup(svg);
	if (plot_data(dat) == -1)
		xasprintf(why, "%s: %s", dat, strerror(errno));
	else if (plot_file(gp, plot_script) == -1)
		xasprintf(why, "%s: %s", gp, strerror(errno));
	else
		rc = plot_run(gp, dat, out, why);
	free(dat);
	free(gp);
	free(out);
	return (rc);
}
