/*
 * ctl.h -- arcctl's internal header: the command state, the helpers in
 * ctl.c and the commands in ctl_people.c.
 *
 * Calls go down: arcctl.c (main) -> ctl_people.c -> ctl.c.
 */
#ifndef CTL_H
#define CTL_H

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

/* ctl.c */
void		 ctl_error(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
int		 ctl_usage(void);
int		 ctl_open(struct ctl *, int);
struct db_keyfile;
int		 ctl_keyfile(struct ctl *, int, struct db_keyfile *);
void		 ctl_time_format(int64_t, char *, size_t);
int		 ctl_json_flush(struct ctl *);
int		 ctl_json_arg(int, char **, struct ctl *);

/* ctl_people.c */
int		 ctl_people_unit_link(struct ctl *, int, char **);
int		 ctl_people_zone(struct ctl *, int, char **);
int		 ctl_people_client(struct ctl *, int, char **);
int		 ctl_people_responder(struct ctl *, int, char **);
int		 ctl_people_operator(struct ctl *, int, char **);

#endif /* CTL_H */
