/*
 * ctl.h -- arcctl's internal header: the command state, the helpers in
 * ctl.c and the commands in ctl_people.c, ctl_edit.c, ctl_operator.c and
 * ctl_export.c.
 *
 * Calls go down: arcctl.c (main) -> ctl_edit.c, ctl_operator.c,
 * ctl_export.c -> ctl_people.c -> ctl.c.
 */
#ifndef CTL_H
#define CTL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define CTL_IMPORT_MAX	(64 * 1024 * 1024)	/* bytes of CSV */
#define CTL_PASSWORD	1026			/* 1024 + CR LF */

struct ctl {
	const char	*path;		/* borrowed: argv or environment */
	char		 actor[64];	/* who the audit rows name */
	int		 dry_run;	/* check every change, keep none */
	int		 help;		/* --help anywhere */
	struct db	*db;		/* owned */
	int		 json;
	json_t		*array;		/* owned, --json output */
	int		 silent_only;	/* unit list --silent */
};

/* ctl.c */
void		 ctl_error(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
int		 ctl_usage(void);
int		 ctl_help(void);
int		 ctl_global_args(struct ctl *, int *, char **);
int		 ctl_open(struct ctl *, int);
void		 ctl_done(struct ctl *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
int		 ctl_field(char *, size_t, const char *, const char *,
		    const char *);
int		 ctl_number(const char *, long long, long long *);
int		 ctl_read_file(const char *, char **, size_t *);
struct db_keyfile;
struct db_client;
int		 ctl_keyfile(struct ctl *, int, struct db_keyfile *);
void		 ctl_time_format(int64_t, char *, size_t);
int		 ctl_time_parse(const char *, int64_t, int64_t *);
int64_t		 ctl_now(void);
int		 ctl_json_flush(struct ctl *);
int		 ctl_json_arg(int, char **, struct ctl *);

/* ctl_people.c */
int		 ctl_people_unit_link(struct ctl *, int, char **);
int		 ctl_people_zone(struct ctl *, int, char **);
int		 ctl_people_client(struct ctl *, int, char **);
int		 ctl_people_responder(struct ctl *, int, char **);
int		 ctl_people_operator(struct ctl *, int, char **);
int		 ctl_people_client_args(int, char **, struct db_client *,
		    const char *);
int		 ctl_people_password(const char *, const char *, const char *,
		    char *, size_t);

/* ctl_edit.c */
int		 ctl_edit_unit(struct ctl *, int, char **);
int		 ctl_edit_zone(struct ctl *, int, char **);
int		 ctl_edit_client(struct ctl *, int, char **);
int		 ctl_edit_responder(struct ctl *, int, char **);

/* ctl_operator.c */
int		 ctl_operator(struct ctl *, int, char **);

/* ctl_export.c */
int		 ctl_export(struct ctl *, int, char **);
int		 ctl_export_unit_import(struct ctl *, int, char **);

/* ctl_audit.c */
int		 ctl_audit(struct ctl *, int, char **);

#endif /* CTL_H */
