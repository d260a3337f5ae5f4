/*
 * console_wire.h -- the helpers arc-console's protocol tests share
 * (console_wire.c).
 */
#ifndef CONSOLE_WIRE_H
#define CONSOLE_WIRE_H

#define T0	1795000000000LL

/* The hello of protocol 2. */
#define HELLO	"{\"type\":\"hello\",\"server\":\"arcd\",\"protocol\":2," \
	"\"line_max\":65536,\"heartbeat\":10}"

/* What the client wrote, one complete line at a time. */
struct wire {
	char	 buf[65536];
	size_t	 len;
};

void		 wire_send(const char *, size_t, void *);
json_t		*wire_take(struct wire *);
json_t		*wire_expect(struct wire *, const char *);
void		 feed(struct client *, const char *);
void		 feedf(struct client *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
const char	*alarm_json(char *, size_t, int, const char *, int,
		    long long, const char *);
void		 snapshot_begin(struct client *, int);
void		 push_alarm(struct client *, const char *);
void		 login_as(struct client *, struct wire *, const char *,
		    const char *);
void		 login(struct client *, struct wire *);
void		 snapshot(struct client *, const char *, const char *,
		    const char *);
void		 assert_order(struct client *, const int64_t *, size_t);

#endif
