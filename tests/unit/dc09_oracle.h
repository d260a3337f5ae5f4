/*
 * dc09_oracle.h -- shared by the DC-09 framing tests: the golden frames of
 * PROTOCOLS.md section 6 with their listed CRC and length, a bitwise
 * CRC-16/ARC written independently of proto/crc16.c, and frame builders
 * that use that oracle (never arc's own encoder).
 */
#ifndef DC09_ORACLE_H
#define DC09_ORACLE_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "proto.h"

struct golden {
	const char	*body;
	const char	*crc;		/* as listed in PROTOCOLS.md */
	const char	*len;
	const char	*token;		/* for dc09_msg */
	enum dc09_token	 tok;
	unsigned	 seq;
	const char	*rcvr;
	const char	*pref;
	const char	*acct;		/* f->acct */
	const char	*macct;		/* dc09_msg acct, with marker */
	const char	*data;
	time_t		 ts;		/* -1: none */
};

static const struct golden goldens[] __attribute__((unused)) = {
	{ "\"SIA-DCS\"0001RF3L77#1234[#1234|NRR|Atest]", "F4D2", "0029",
	  "SIA-DCS", DC09_TOKEN_SIA_DCS, 1, "F3", "77", "1234", "#1234",
	  "#1234|NRR|Atest", -1 },
	{ "\"SIA-DCS\"0001L0#1234[]", "96ED", "0016",
	  "SIA-DCS", DC09_TOKEN_SIA_DCS, 1, NULL, "0", "1234", "#1234",
	  "", -1 },
	{ "\"NAK\"0000R0L0A0[]_16:20:01,09-24-2025", "E441", "0025",
	  "NAK", DC09_TOKEN_NAK, 0, "0", "0", "A0", "A0", "", 1758730801 },
	{ "\"SIA-DCS\"0002#0123[#0123|Nti20:50:26RP99]", "3BAC", "0029",
	  "SIA-DCS", DC09_TOKEN_SIA_DCS, 2, NULL, NULL, "0123", "#0123",
	  "#0123|Nti20:50:26RP99", -1 },
	{ "\"ADM-CID\"0001R1L1#1234[#1234|1101 01 015]", "7947", "0029",
	  "ADM-CID", DC09_TOKEN_ADM_CID, 1, "1", "1", "1234", "#1234",
	  "#1234|1101 01 015", -1 },
	{ "\"NULL\"0000R1L1#1234[]", "21A3", "0015",
	  "NULL", DC09_TOKEN_NULL, 0, "1", "1", "1234", "#1234", "", -1 },
	{ "\"SIA-DCS\"0002R1L1#1234[#1234|Nri1MA15]", "7248", "0026",
	  "SIA-DCS", DC09_TOKEN_SIA_DCS, 2, "1", "1", "1234", "#1234",
	  "#1234|Nri1MA15", -1 },
	{ "\"NULL\"0000L0#1409[]_20:38:07,08-27-2026", "EA74", "0027",
	  "NULL", DC09_TOKEN_NULL, 0, NULL, "0", "1409", "#1409", "",
	  1787863087 },
	{ "\"ACK\"0000L0#1409[]", "5989", "0012",
	  "ACK", DC09_TOKEN_ACK, 0, NULL, "0", "1409", "#1409", "", -1 },
	{ "\"NULL\"0000R0L0#AAAB[#0000|0000 00 000]_18:25:49,07-05-2020",
	  "821F", "003A", "NULL", DC09_TOKEN_NULL, 0, "0", "0", "AAAB",
	  "#AAAB", "#0000|0000 00 000", 1593973549 },
};
#define NGOLDENS	(sizeof goldens / sizeof goldens[0])

/* The Trikdis binary-CRC frame. */
static const char trikdis_body[] __attribute__((unused)) =
    "\"NULL\"0000R1L1#9413[]_23:05:28,08-30-2023";

/* Bitwise CRC-16/ARC: the oracle for crc16_arc. */
static inline uint16_t
oracle_crc(const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	uint16_t	 crc = 0;
	size_t		 i;
	int		 b;

	for (i = 0; i < len; i++) {
		for (b = 0; b < 8; b++) {
			if (((crc ^ (p[i] >> b)) & 1) != 0)
				crc = (crc >> 1) ^ 0xA001;
			else
				crc >>= 1;
		}
	}
	return (crc);
}

/* "\n" CRC LEN body "\r" from the strings given. */
static inline size_t
mkframe(char *out, size_t size, const char *crc, const char *len,
    const char *body)
{
	int	n;

	n = snprintf(out, size, "\n%s%s%s\r", crc, len, body);
	assert_true(n > 0 && (size_t)n < size);
	return ((size_t)n);
}

/* A clear frame with the oracle's CRC and the right length. */
static inline size_t
mkframe_auto(char *out, size_t size, const char *body)
{
	char	crc[17], len[17];

	snprintf(crc, sizeof crc, "%04X", oracle_crc(body, strlen(body)));
	snprintf(len, sizeof len, "%04zX", strlen(body));
	return (mkframe(out, size, crc, len, body));
}

/* The binary-CRC form of body, with the oracle's CRC. */
static inline size_t
mkframe_bin(uint8_t *out, size_t size, const char *body)
{
	uint16_t	crc = oracle_crc(body, strlen(body));
	size_t		n = strlen(body);
	char		len[17];

	assert_true(n + 8 <= size);
	snprintf(len, sizeof len, "%04zX", n);
	out[0] = '\n';
	out[1] = (uint8_t)(crc >> 8);
	out[2] = (uint8_t)crc;
	memcpy(out + 3, len, 4);
	memcpy(out + 7, body, n);
	out[7 + n] = '\r';
	return (n + 8);
}

static inline void
assert_span(struct proto_span sp, const char *s)
{
	assert_int_equal(sp.len, strlen(s));
	assert_memory_equal(sp.p, s, sp.len);
}

static inline enum proto_err
parse_str(const char *s, size_t n, struct dc09_frame *f)
{
	return (dc09_parse((const uint8_t *)s, n, f));
}


#endif /* DC09_ORACLE_H */
