/*
 * frame.c -- what the simulated units say: the event mix and the frames
 * (ADM-CID events and NULL polls, plain or encrypted, always with R1 L1
 * and a UTC timestamp).
 *
 * Mix names (Contact ID qualifier, code, zone; area is always 01):
 *   pendant 1 101 001    medical 1 100 002    fall    1 101 002
 *   smoke   1 111 010    co      1 162 011    flood   1 154 012
 *   mains   1 301 000    battery 1 302 000    comms   1 350 000
 *   tamper  1 137 000    test    1 602 000    cancel  1 406 001
 *   restore 3 301 000    (mains restored)
 * Raw entries: "EEE=W" (qualifier 1, zone 001) or "QEEE=W".
 *
 * With --mqtt an event is the JSON of docs/mqtt.md instead (the same
 * code, zone and area, the time in Unix seconds).
 *
 * Called by loadgen.c (the mix) and sim.c (the frames); a scenario unit's
 * event comes from scenario.c. One thread (the event loop).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"
#include "loadgen.h"

struct frame_name {
	const char	*name;
	char		 qual;
	uint16_t	 code;
	uint16_t	 zone;
};

static const struct frame_name frame_names[] = {
	{ "pendant", '1', 101, 1 },
	{ "medical", '1', 100, 2 },
	{ "fall", '1', 101, 2 },
	{ "smoke", '1', 111, 10 },
	{ "co", '1', 162, 11 },
	{ "flood", '1', 154, 12 },
	{ "mains", '1', 301, 0 },
	{ "battery", '1', 302, 0 },
	{ "comms", '1', 350, 0 },
	{ "tamper", '1', 137, 0 },
	{ "test", '1', 602, 0 },
	{ "cancel", '1', 406, 1 },
	{ "restore", '3', 301, 0 },
};

static int
frame_mix_entry(const char *name, struct mix_entry *m)
{
	size_t		 i, len;

	for (i = 0; i < sizeof frame_names / sizeof frame_names[0]; i++) {
		if (strcmp(name, frame_names[i].name) == 0) {
			m->qual = frame_names[i].qual;
			m->code = frame_names[i].code;
			m->zone = frame_names[i].zone;
			return (0);
		}
	}
	len = strlen(name);
	if ((len != 3 && len != 4) || strspn(name, "0123456789") != len)
		return (-1);
	m->qual = '1';
	if (len == 4) {
		if (name[0] != '1' && name[0] != '3' && name[0] != '6')
			return (-1);
		m->qual = *name++;
	}
	m->code = (uint16_t)atoi(name);
	m->zone = 1;
	return (0);
}

/* "pendant=60,fall=5" or "101=50,301=50". */
int
frame_mix_parse(const char *s, char **cause)
{
	char		*copy, *p, *item, *eq, *end;
	unsigned long	 w;
	struct mix_entry *m;

	copy = xstrdup(s);
	p = copy;
	lg.nmix = 0;
	lg.mix_total = 0;
	while ((item = strsep(&p, ",")) != NULL) {
		if (lg.nmix == sizeof lg.mix / sizeof lg.mix[0])
			goto fail;
		if ((eq = strchr(item, '=')) == NULL)
			goto fail;
		*eq++ = '\0';
		m = &lg.mix[lg.nmix];
		if (frame_mix_entry(item, m) == -1)
			goto fail;
		w = strtoul(eq, &end, 10);
		if (*eq == '\0' || *end != '\0' || w > 1000000)
			goto fail;
		if (w == 0)
			continue;
		lg.mix_total += w;
		m->cum = lg.mix_total;
		lg.nmix++;
	}
	free(copy);
	if (lg.nmix == 0) {
		xasprintf(cause, "--mix: no event with a weight");
		return (-1);
	}
	return (0);
fail:
	xasprintf(cause, "--mix: bad entry \"%s\"", item);
	free(copy);
	return (-1);
}

void
frame_mix_default(void)
{
	frame_mix_entry("pendant", &lg.mix[0]);
	lg.mix[0].cum = 1;
	lg.mix_total = 1;
	lg.nmix = 1;
}

static const struct mix_entry *
frame_mix_pick(void)
{
	uint32_t	 r;
	size_t		 i;

	if (lg.nmix == 1)
		return (&lg.mix[0]);
	r = (uint32_t)(prng_random() % lg.mix_total);
	for (i = 0; i < lg.nmix - 1; i++) {
		if (r < lg.mix[i].cum)
			break;
	}
	return (&lg.mix[i]);
}

void
frame_account(uint32_t idx, char acct[LOADGEN_ACCT_MAX])
{
	snprintf(acct, LOADGEN_ACCT_MAX, "%03llX", lg.first_account + idx);
}

static int
frame_encode(struct unit *u, struct dc09_msg *msg)
{
	uint8_t		 rnd[16];
	uint64_t	 r[2];
	size_t		 len;

	if (lg.keyed) {
		r[0] = prng_random();
		r[1] = prng_random();
		memcpy(rnd, r, sizeof rnd);
		len = dc09_encode_encrypted(msg, &lg.key, rnd, u->frame,
		    sizeof u->frame);
	} else
		len = dc09_encode(msg, u->frame, sizeof u->frame);
	if (len == 0)
		return (-1);
	u->out_len = (uint16_t)len;
	u->out_sent = 0;
	return (0);
}

/* --mqtt: the event's JSON payload (docs/mqtt.md). */
static int
frame_json(struct unit *u, const struct mix_entry *m, time_t now)
{
	int	 n;

	u->seq = u->seq >= 9999 ? 1 : u->seq + 1;
	n = snprintf((char *)u->frame, sizeof u->frame, "{\"seq\": %u, "
	    "\"code\": \"%c%03u\", \"zone\": \"%03u\", \"area\": \"01\", "
	    "\"time\": %lld}", u->seq, m->qual, m->code, m->zone,
	    (long long)now);
	if (n < 0 || (size_t)n >= sizeof u->frame)
		return (-1);
	u->out_len = (uint16_t)n;
	u->out_sent = 0;
	u->code = m->code;
	u->out = OUT_EVENT;
	return (0);
}

/* Make the unit's next event frame. */
int
frame_event(struct unit *u, time_t now)
{
	const struct mix_entry	*m;
	struct dc09_msg		 msg;
	char			 acct[LOADGEN_ACCT_MAX + 1];
	char			 data[LOADGEN_ACCT_MAX + 32];

	if ((m = scenario_event(u)) == NULL)
		m = frame_mix_pick();
	if (lg.mqtt)
		return (frame_json(u, m, now));
	acct[0] = '#';
	frame_account(u->idx, acct + 1);
	snprintf(data, sizeof data, "%s|%c%03u 01 %03u", acct, m->qual,
	    m->code, m->zone);
	u->seq = u->seq >= 9999 ? 1 : u->seq + 1;
	memset(&msg, 0, sizeof msg);
	msg.token = lg.keyed ? "*ADM-CID" : "ADM-CID";
	msg.seq = u->seq;
	msg.rcvr = "1";
	msg.pref = "1";
	msg.acct = acct;
	msg.data = data;
	msg.ts = now;
	if (frame_encode(u, &msg) == -1)
		return (-1);
	u->code = m->code;
	u->out = OUT_EVENT;
	return (0);
}

/* Make a NULL poll (seq 0000). */
int
frame_poll(struct unit *u, time_t now)
{
	struct dc09_msg		 msg;
	char			 acct[LOADGEN_ACCT_MAX + 1];

	acct[0] = '#';
	frame_account(u->idx, acct + 1);
	memset(&msg, 0, sizeof msg);
	msg.token = lg.keyed ? "*NULL" : "NULL";
	msg.seq = 0;
	msg.rcvr = "1";
	msg.pref = "1";
	msg.acct = acct;
	msg.data = lg.keyed ? NULL : "";
	msg.ts = now;
	if (frame_encode(u, &msg) == -1)
		return (-1);
	u->code = 0;
	u->out = OUT_POLL;
	return (0);
}
