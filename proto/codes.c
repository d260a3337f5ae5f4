/*
 * codes.c -- the Contact ID and SIA event code tables (PROTOCOLS.md §2, §3)
 * and the arc class of each code (DESIGN.md: P1 emergency .. P4 information).
 *
 * Every restore is P4: it annotates an open alarm and is never queued.
 */
#include <string.h>

#include "proto.h"

struct cid_code {
	unsigned	 cid;
	const char	*sia;		/* canonical code, new event or status */
	const char	*sia_restore;	/* qualifier 3; NULL: same as sia */
	enum code_class	 class;
	const char	*name;
};

/*
 * Contact ID -> SIA. The mapping of PROTOCOLS.md §3 where it gives one; the
 * others are arc's choice, the closest SIA DC-03 code:
 *	102 fail to report in	XX (fail to test; no restore code)
 *	112, 115-118 fire kinds	FA/FH (118 "near alarm" kept P1: it is fire)
 *	113 water flow		SA/SH (sprinkler)
 *	120, 122 panic		PA/PH; 121 duress HA/HH (hold-up)
 *	137, 144, 383 tamper	TA/TR
 *	158 high temperature	KT/KJ (heat trouble, not KA: P2, not fire)
 *	159 low temperature	ZA/ZH (freeze)
 *	309 battery test fail	YT/YR; 311 battery missing YM/YR
 *	384 RF low battery	XT/XR (transmitter battery)
 *	351 telco line fault	LT/LR
 *	355, 381 supervision	UT/UJ (untyped trouble: SIA has no better one)
 *	406 cancel		OC (cancel report)
 *	603 periodic RF test	RP
 *	606 listen-in to follow	LF (listen-in begin)
 *	641, 654 inactivity	NA (no activity)
 * Codes with no restore code keep their code on a restore (flag set).
 */
static const struct cid_code cid_codes[] = {
	{ 100, "MA", "MH", CLASS_P1, "medical" },
	{ 101, "QA", "QH", CLASS_P1, "personal emergency" },
	{ 102, "XX", NULL, CLASS_P2, "fail to report in" },
	{ 110, "FA", "FH", CLASS_P1, "fire" },
	{ 111, "FA", "FH", CLASS_P1, "smoke" },
	{ 112, "FA", "FH", CLASS_P1, "combustion" },
	{ 113, "SA", "SH", CLASS_P1, "water flow (sprinkler)" },
	{ 114, "KA", "KH", CLASS_P1, "heat" },
	{ 115, "FA", "FH", CLASS_P1, "fire pull station" },
	{ 116, "FA", "FH", CLASS_P1, "duct smoke" },
	{ 117, "FA", "FH", CLASS_P1, "flame" },
	{ 118, "FA", "FH", CLASS_P1, "fire near alarm" },
	{ 120, "PA", "PH", CLASS_P1, "panic" },
	{ 121, "HA", "HH", CLASS_P1, "duress" },
	{ 122, "PA", "PH", CLASS_P1, "silent panic" },
	{ 137, "TA", "TR", CLASS_P3, "tamper (unit)" },
	{ 144, "TA", "TR", CLASS_P3, "sensor tamper" },
	{ 151, "GA", "GH", CLASS_P1, "gas" },
	{ 154, "WA", "WH", CLASS_P2, "water leakage" },
	{ 158, "KT", "KJ", CLASS_P2, "high temperature" },
	{ 159, "ZA", "ZH", CLASS_P2, "low temperature" },
	{ 162, "GA", "GH", CLASS_P1, "carbon monoxide" },
	{ 301, "AT", "AR", CLASS_P3, "AC (mains) loss" },
	{ 302, "YT", "YR", CLASS_P3, "system battery low" },
	{ 305, "YW", NULL, CLASS_P4, "system reset" },
	{ 309, "YT", "YR", CLASS_P3, "battery test failure" },
	{ 311, "YM", "YR", CLASS_P3, "battery missing" },
	{ 350, "YC", "YK", CLASS_P3, "communication trouble" },
	{ 351, "LT", "LR", CLASS_P3, "telephone line fault" },
	{ 354, "YC", "YK", CLASS_P3, "failure to communicate" },
	{ 355, "UT", "UJ", CLASS_P3, "loss of radio supervision" },
	{ 381, "UT", "UJ", CLASS_P3, "loss of RF supervision" },
	{ 383, "TA", "TR", CLASS_P3, "RF sensor tamper" },
	{ 384, "XT", "XR", CLASS_P3, "RF low battery" },
	{ 406, "OC", NULL, CLASS_P4, "cancel" },
	{ 601, "RX", NULL, CLASS_P4, "manual test" },
	{ 602, "RP", NULL, CLASS_P4, "periodic test" },
	{ 603, "RP", NULL, CLASS_P4, "periodic RF test" },
	{ 606, "LF", NULL, CLASS_P4, "listen-in to follow" },
	{ 641, "NA", NULL, CLASS_P2, "senior watch trouble" },
	{ 654, "NA", NULL, CLASS_P2, "system inactivity" },
};

struct sia_code {
	const char	 code[3];
	enum code_class	 class;
	int		 restore;
	const char	*name;
};

static const struct sia_code sia_codes[] = {
	/* P1 emergency */
	{ "MA", CLASS_P1, 0, "medical alarm" },
	{ "QA", CLASS_P1, 0, "personal emergency" },
	{ "PA", CLASS_P1, 0, "panic alarm" },
	{ "HA", CLASS_P1, 0, "hold-up (duress) alarm" },
	{ "FA", CLASS_P1, 0, "fire alarm" },
	{ "SA", CLASS_P1, 0, "sprinkler (water flow) alarm" },
	{ "KA", CLASS_P1, 0, "heat alarm" },
	{ "GA", CLASS_P1, 0, "gas alarm" },
	/* P2 urgent */
	{ "WA", CLASS_P2, 0, "water alarm" },
	{ "ZA", CLASS_P2, 0, "freeze alarm" },
	{ "KT", CLASS_P2, 0, "heat trouble (high temperature)" },
	{ "NA", CLASS_P2, 0, "no activity" },
	{ "XX", CLASS_P2, 0, "fail to report in" },
	{ "UA", CLASS_P2, 0, "untyped alarm" },
	{ "BA", CLASS_P2, 0, "burglary (door) alarm" },
	/* P3 technical */
	{ "AT", CLASS_P3, 0, "AC (mains) loss" },
	{ "YT", CLASS_P3, 0, "system battery trouble" },
	{ "YM", CLASS_P3, 0, "system battery missing" },
	{ "XT", CLASS_P3, 0, "transmitter battery trouble" },
	{ "YC", CLASS_P3, 0, "communication failure" },
	{ "YS", CLASS_P3, 0, "communication trouble" },
	{ "TA", CLASS_P3, 0, "tamper" },
	{ "LT", CLASS_P3, 0, "telephone line trouble" },
	{ "UT", CLASS_P3, 0, "supervision trouble" },
	/* P4 information */
	{ "RP", CLASS_P4, 0, "automatic test" },
	{ "RX", CLASS_P4, 0, "manual test" },
	{ "RR", CLASS_P4, 0, "power up" },
	{ "YW", CLASS_P4, 0, "watchdog reset" },
	{ "OC", CLASS_P4, 0, "cancel" },
	{ "LF", CLASS_P4, 0, "listen-in to follow" },
	/* P4 restores */
	{ "MH", CLASS_P4, 1, "medical restore" },
	{ "QH", CLASS_P4, 1, "personal emergency restore" },
	{ "PH", CLASS_P4, 1, "panic restore" },
	{ "HH", CLASS_P4, 1, "hold-up restore" },
	{ "FH", CLASS_P4, 1, "fire restore" },
	{ "SH", CLASS_P4, 1, "sprinkler restore" },
	{ "KH", CLASS_P4, 1, "heat restore" },
	{ "GH", CLASS_P4, 1, "gas restore" },
	{ "WH", CLASS_P4, 1, "water restore" },
	{ "ZH", CLASS_P4, 1, "freeze restore" },
	{ "KJ", CLASS_P4, 1, "heat trouble restore" },
	{ "UH", CLASS_P4, 1, "untyped alarm restore" },
	{ "BR", CLASS_P4, 1, "burglary restore" },
	{ "AR", CLASS_P4, 1, "AC (mains) restore" },
	{ "YR", CLASS_P4, 1, "system battery restore" },
	{ "XR", CLASS_P4, 1, "transmitter battery restore" },
	{ "YK", CLASS_P4, 1, "communication restore" },
	{ "TR", CLASS_P4, 1, "tamper restore" },
	{ "LR", CLASS_P4, 1, "telephone line restore" },
	{ "UJ", CLASS_P4, 1, "supervision restore" },
};

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

static int
codes_unknown(struct code_info *info)
{
	info->code = NULL;
	info->class = CLASS_P2;
	info->restore = 0;
	info->name = "unknown event";
	return -1;
}

/*
 * Qualifier '3' gives the restore code (P4, restore set); '1', '6' and any
 * other qualifier give the event's own code and class. A restore keeps the
 * Contact ID name ("personal emergency"): the restore flag says the rest.
 */
int
codes_cid(unsigned code, char qualifier, struct code_info *info)
{
	const struct cid_code	*c;
	size_t			 i;

	for (i = 0; i < nitems(cid_codes); i++) {
		c = &cid_codes[i];
		if (c->cid != code)
			continue;
		info->code = c->sia;
		info->class = c->class;
		info->restore = 0;
		info->name = c->name;
		if (qualifier == '3') {
			if (c->sia_restore != NULL)
				info->code = c->sia_restore;
			info->class = CLASS_P4;
			info->restore = 1;
		}
		return 0;
	}
	return codes_unknown(info);
}

/* code is a NUL-terminated two-letter upper-case SIA code. */
int
codes_sia(const char *code, struct code_info *info)
{
	const struct sia_code	*s;
	size_t			 i;

	if (code == NULL || strlen(code) != 2)
		return codes_unknown(info);
	for (i = 0; i < nitems(sia_codes); i++) {
		s = &sia_codes[i];
		if (s->code[0] != code[0] || s->code[1] != code[1])
			continue;
		info->code = s->code;
		info->class = s->class;
		info->restore = s->restore;
		info->name = s->name;
		return 0;
	}
	return codes_unknown(info);
}
