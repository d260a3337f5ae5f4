/*
 * ui_term.c -- which terminal arc-console draws for: TERM if terminfo
 * knows it, else the first of xterm, vt100 and dumb that it knows
 * (console.c says so on screen), else nothing and why. A name is looked
 * up in the terminfo directories before ncurses is asked, so an unknown
 * one costs nothing (a newterm() that fails leaves memory behind).
 * Called by ui.c. Main thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>

#include "runtime.h"
#include "console.h"

/* Is there a compiled entry for name under dir ("x/xterm", "78/xterm")? */
static int
ui_term_in(const char *dir, const char *name)
{
	char	 path[1024];

	if (dir == NULL || *dir == '\0')
		return (0);
	snprintf(path, sizeof path, "%s/%c/%s", dir, name[0], name);
	if (access(path, R_OK) == 0)
		return (1);
	snprintf(path, sizeof path, "%s/%02x/%s", dir,
	    (unsigned char)name[0], name);
	return (access(path, R_OK) == 0);
}

/* Where ncurses looks: TERMINFO, ~/.terminfo, TERMINFO_DIRS, the system. */
static int
ui_term_known(const char *name)
{
	static const char	*system[] = { "/etc/terminfo", "/lib/terminfo",
				    "/usr/share/terminfo", "/usr/lib/terminfo" };
	char			 home[1024], *dirs, *d, *next;
	const char		*h = getenv("HOME");
	size_t			 i;
	int			 found = 0;

	if (name == NULL || *name == '\0' || strchr(name, '/') != NULL ||
	    strlen(name) > 128)
		return (0);
	if (ui_term_in(getenv("TERMINFO"), name))
		return (1);
	if (h != NULL) {
		snprintf(home, sizeof home, "%s/.terminfo", h);
		if (ui_term_in(home, name))
			return (1);
	}
	if (getenv("TERMINFO_DIRS") != NULL) {
		dirs = xstrdup(getenv("TERMINFO_DIRS"));
		for (d = dirs; d != NULL && !found; d = next) {
			if ((next = strchr(d, ':')) != NULL)
				*next++ = '\0';
			found = ui_term_in(d, name);
		}
		free(dirs);
	}
	for (i = 0; i < sizeof system / sizeof *system && !found; i++)
		found = ui_term_in(system[i], name);
	return (found);
}

/* The screen, and ui->term the type drawn for; NULL and *cause if none. */
void *
ui_term_open(struct ui *ui, char **cause)
{
	static const char	*fallback[] = { "xterm", "vt100", "dumb" };
	const char		*term = getenv("TERM");
	SCREEN			*scr;
	size_t			 i;

	if (ui_term_known(term) && (scr = newterm(term, stdout,
	    stdin)) != NULL) {
		snprintf(ui->term, sizeof ui->term, "%s", term);
		return (scr);
	}
	for (i = 0; i < sizeof fallback / sizeof *fallback; i++) {
		if (!ui_term_known(fallback[i]) ||
		    (scr = newterm(fallback[i], stdout, stdin)) == NULL)
			continue;
		snprintf(ui->term, sizeof ui->term, "%s", fallback[i]);
		return (scr);		/* console.c says so */
	}
	xasprintf(cause, "terminal type '%s' unknown; set "
	    "TERM=xterm-256color or vt100", term != NULL ? term : "");
	return (NULL);
}
