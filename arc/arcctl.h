/*
 * arcctl.h -- arcctl's internal header: the command state and the helpers
 * arcctl.c shares with arcctl_people.c.
 */
#ifndef ARCCTL_H
#define ARCCTL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct ctl {
	const char	*path;		/* borrowed: argv or environment */
	struct db	*db;		/* owned */
	int		 json;
	json_t		*array;		/* owned, --json output */
	int		 silent_only;	/* unit list --silent */
};

/* arcctl.c */
void		 ctl_error(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
int		 ctl_usage(void);
int		 ctl_open(struct ctl *, int);
void		 ctl_time_format(int64_t, char *, size_t);
int		 ctl_json_flush(struct ctl *);
int		 ctl_json_arg(int, char **, struct ctl *);

/* arcctl_people.c */
int		 ctl_unit_link(struct ctl *, int, char **);
int		 ctl_zone(struct ctl *, int, char **);
int		 ctl_client(struct ctl *, int, char **);
int		 ctl_responder(struct ctl *, int, char **);
int		 ctl_operator(struct ctl *, int, char **);

#endif /* ARCCTL_H */
