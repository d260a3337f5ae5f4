/*
 * pagecmd.c -- pages to responders who have no app (responder reach =
 * command): arc.conf's page_command, an SMS or voice gateway's program,
 *
 *	page_command = /usr/local/bin/send-sms %phone %text
 *
 * split on spaces and run without a shell (posix_spawn), each %token
 * replaced whole by one argument: %phone (the responder's first number),
 * %text (the page in words), %page, %alarm, %responder, %name. Its
 * output goes to /dev/null; its exit status is logged and counted. One
 * that runs past page_command_timeout seconds (on the monotonic clock) is
 * killed. At most PAGECMD_MAX run at once; past it a page is not sent
 * (counted) and its step times out as any unanswered page does. The
 * gateway's answer (the responder's SMS reply) comes back as a reply on
 * the responder's MQTT topic (docs/mqtt.md), or the operator steers the
 * ladder from the console.
 *
 * Thread: the network thread (children reaped from the tick).
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc.h"

#define PAGECMD_MAX	32
#define PAGECMD_ARGS	32

extern char	**environ;

struct pagecmd_child {
	pid_t		 pid;
	int64_t		 page_id;
	int64_t		 deadline;	/* mono ms */
	int		 killed;
};

static const struct config	*pc_cfg;
static struct pagecmd_child	 pc_children[PAGECMD_MAX];
static size_t			 pc_n;

void
pagecmd_init(const struct config *cfg)
{
	pc_cfg = cfg;
}

int
pagecmd_enabled(void)
{
	return (pc_cfg != NULL && pc_cfg->page_command[0] != '\0');
}

/* The page in words, for a text message. */
static void
pagecmd_text(const struct ladder *l, const struct ladder_step *s,
    const char *reason, const char *client, const char *address,
    char *buf, size_t size)
{
	snprintf(buf, size, "ARC alarm %lld: %s for %s, %s. Page %lld: "
	    "reply ACCEPT or DECLINE within %lld min.", (long long)l->alarm_id,
	    reason, client, address, (long long)s->page_id,
	    (long long)(s->accept_ms + 59999) / 60000);
}

/* One argument: a %token's value, or the word as it is. */
static char *
pagecmd_arg(const char *word, const struct ladder *l,
    const struct ladder_step *s, const char *text)
{
	char	 buf[64];

	if (strcmp(word, "%phone") == 0) {
		strlcpy(buf, s->phones, sizeof buf);
		buf[strcspn(buf, ",;/")] = '\0';	/* the first number */
		return (xstrdup(buf));
	}
	if (strcmp(word, "%text") == 0)
		return (xstrdup(text));
	if (strcmp(word, "%name") == 0)
		return (xstrdup(s->name));
	if (strcmp(word, "%page") == 0 || strcmp(word, "%alarm") == 0 ||
	    strcmp(word, "%responder") == 0) {
		snprintf(buf, sizeof buf, "%lld", (long long)(word[1] == 'p' ?
		    s->page_id : word[1] == 'a' ? l->alarm_id :
		    s->responder_id));
		return (xstrdup(buf));
	}
	return (xstrdup(word));
}

static pid_t
pagecmd_spawn(char **argv)
{
	posix_spawn_file_actions_t	 fa;
	pid_t				 pid;
	int				 rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		log_warnx("page_command %s: %s", argv[0], strerror(rc));
		return (-1);
	}
	return (pid);
}

void
pagecmd_page(const struct ladder *l, size_t step, const char *reason,
    const char *client, const char *address)
{
	const struct ladder_step	*s = &l->steps[step];
	char				 tmpl[sizeof pc_cfg->page_command];
	char				 text[320], *argv[PAGECMD_ARGS + 1];
	char				*w, *p;
	size_t				 n = 0, i;
	pid_t				 pid;

	if (pc_n == PAGECMD_MAX) {
		COUNT(C_PAGE_COMMAND_REFUSED);
		log_warnx("page %lld: %d page commands running already",
		    (long long)s->page_id, PAGECMD_MAX);
		return;
	}
	pagecmd_text(l, s, reason, client, address, text, sizeof text);
	strlcpy(tmpl, pc_cfg->page_command, sizeof tmpl);
	for (p = tmpl; (w = strsep(&p, " \t")) != NULL && n < PAGECMD_ARGS;)
		if (*w != '\0')
			argv[n++] = pagecmd_arg(w, l, s, text);
	argv[n] = NULL;
	pid = n > 0 ? pagecmd_spawn(argv) : -1;
	for (i = 0; i < n; i++)
		free(argv[i]);
	COUNT(C_PAGE_COMMANDS);
	if (pid == -1) {
		COUNT(C_PAGE_COMMAND_FAILED);
		return;
	}
	pc_children[pc_n].pid = pid;
	pc_children[pc_n].page_id = s->page_id;
	pc_children[pc_n].deadline = clock_mono() +
	    pc_cfg->page_command_timeout * 1000LL;
	pc_children[pc_n++].killed = 0;
}

/* A child ended: say how, and forget it. */
static void
pagecmd_reaped(size_t i, int status)
{
	struct pagecmd_child	*c = &pc_children[i];

	if (c->killed) {
		COUNT(C_PAGE_COMMAND_TIMEOUTS);
		log_warnx("page %lld: page_command killed after %d s",
		    (long long)c->page_id, pc_cfg->page_command_timeout);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		COUNT(C_PAGE_COMMAND_FAILED);
		log_warnx("page %lld: page_command failed (status %d)",
		    (long long)c->page_id, status);
	} else
		log_info("page %lld: page_command done", (long long)c->page_id);
	pc_children[i] = pc_children[--pc_n];
}

/* Once a second: reap the finished, kill the late. */
void
pagecmd_tick(void)
{
	size_t	 i = 0;
	int	 status;
	pid_t	 r;

	while (i < pc_n) {
		r = waitpid(pc_children[i].pid, &status, WNOHANG);
		if (r == pc_children[i].pid || (r == -1 && errno == ECHILD)) {
			pagecmd_reaped(i, r == -1 ? 0 : status);
			continue;	/* the last moved here */
		}
		if (!pc_children[i].killed &&
		    clock_mono() >= pc_children[i].deadline) {
			kill(pc_children[i].pid, SIGKILL);
			pc_children[i].killed = 1;
		}
		i++;
	}
}

/* Stopping: nothing outlives arcd. */
void
pagecmd_stop(void)
{
	size_t	 i;

	for (i = 0; i < pc_n; i++) {
		kill(pc_children[i].pid, SIGKILL);
		waitpid(pc_children[i].pid, NULL, 0);
	}
	pc_n = 0;
}
