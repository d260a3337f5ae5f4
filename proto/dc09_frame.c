/*
 * dc09_frame.c -- building SIA DC-09 frames and the DC-09 timestamp
 * "HH:MM:SS,MM-DD-YYYY" (UTC) in both directions.
 *
 * Calendar arithmetic is done here (days from the civil date and back) so
 * that nothing depends on TZ or on the C library's time functions.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto.h"

#define DC09_TIME_MIN	0LL		/* 00:00:00,01-01-1970 */
#define DC09_TIME_MAX	253402300799LL	/* 23:59:59,12-31-9999 */

static const char dc09_hexdigits[] = "0123456789ABCDEF";

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static long long
dc09_days_from_civil(long long y, unsigned m, unsigned d)
{
	long long	era;
	unsigned	yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + (long long)doe - 719468);
}

static void
dc09_civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
	long long	era;
	unsigned	doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long long)yoe + era * 400 + (*m <= 2);
}

static unsigned
dc09_mdays(long long y, unsigned m)
{
	static const unsigned	mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return (29);
	return (mdays[m - 1]);
}

/* n decimal digits, or -1. */
static int
dc09_digits(const char *p, int n)
{
	int	v = 0;

	while (n-- > 0) {
		if (*p < '0' || *p > '9')
			return (-1);
		v = v * 10 + (*p++ - '0');
	}
	return (v);
}

enum proto_err
dc09_time_parse(const char *s, size_t len, time_t *t)
{
	int	hh, mi, ss, mo, dd, yy;

	if (len != 19 || s[2] != ':' || s[5] != ':' || s[8] != ',' ||
	    s[11] != '-' || s[14] != '-')
		return (PROTO_BADTIME);
	hh = dc09_digits(s, 2);
	mi = dc09_digits(s + 3, 2);
	ss = dc09_digits(s + 6, 2);
	mo = dc09_digits(s + 9, 2);
	dd = dc09_digits(s + 12, 2);
	yy = dc09_digits(s + 15, 4);
	if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59)
		return (PROTO_BADTIME);
	if (yy < 1970 || mo < 1 || mo > 12 || dd < 1 ||
	    (unsigned)dd > dc09_mdays(yy, (unsigned)mo))
		return (PROTO_BADTIME);
	*t = (time_t)(dc09_days_from_civil(yy, (unsigned)mo, (unsigned)dd) *
	    86400 + hh * 3600 + mi * 60 + ss);
	return (PROTO_OK);
}

static void
dc09_put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

void
dc09_time_format(time_t t, char out[20])
{
	long long	v = (long long)t, y;
	unsigned	m, d, s;

	if (v < DC09_TIME_MIN)
		v = DC09_TIME_MIN;
	if (v > DC09_TIME_MAX)
		v = DC09_TIME_MAX;
	dc09_civil_from_days(v / 86400, &y, &m, &d);
	s = (unsigned)(v % 86400);
	dc09_put2(out, s / 3600);
	out[2] = ':';
	dc09_put2(out + 3, s / 60 % 60);
	out[5] = ':';
	dc09_put2(out + 6, s % 60);
	out[8] = ',';
	dc09_put2(out + 9, m);
	out[11] = '-';
	dc09_put2(out + 12, d);
	out[14] = '-';
	dc09_put2(out + 15, (unsigned)(y / 100));
	dc09_put2(out + 17, (unsigned)(y % 100));
	out[19] = '\0';
}

/* Append n bytes at *off; -1 if they do not fit. */
static int
dc09_put(uint8_t *out, size_t size, size_t *off, const void *p, size_t n)
{
	if (*off > size || n > size - *off)
		return (-1);
	memcpy(out + *off, p, n);
	*off += n;
	return (0);
}

static int
dc09_puts(uint8_t *out, size_t size, size_t *off, const char *s)
{
	return (dc09_put(out, size, off, s, strlen(s)));
}

size_t
dc09_encode_head(const struct dc09_msg *msg, uint8_t *out, size_t size)
{
	size_t	off = msg->binary_crc ? 7 : 9;
	char	seq[4];

	seq[0] = (char)('0' + msg->seq / 1000 % 10);
	seq[1] = (char)('0' + msg->seq / 100 % 10);
	dc09_put2(seq + 2, msg->seq % 100);
	if (dc09_puts(out, size, &off, "\"") == -1 ||
	    dc09_puts(out, size, &off, msg->token) == -1 ||
	    dc09_puts(out, size, &off, "\"") == -1 ||
	    dc09_put(out, size, &off, seq, sizeof seq) == -1)
		return (0);
	if (msg->rcvr != NULL && (dc09_puts(out, size, &off, "R") == -1 ||
	    dc09_puts(out, size, &off, msg->rcvr) == -1))
		return (0);
	if (msg->pref != NULL && (dc09_puts(out, size, &off, "L") == -1 ||
	    dc09_puts(out, size, &off, msg->pref) == -1))
		return (0);
	if (msg->acct != NULL && dc09_puts(out, size, &off, msg->acct) == -1)
		return (0);
	if (dc09_puts(out, size, &off, "[") == -1)
		return (0);
	return (off);
}

static void
dc09_put_hex4(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)dc09_hexdigits[(v >> 12) & 0xf];
	p[1] = (uint8_t)dc09_hexdigits[(v >> 8) & 0xf];
	p[2] = (uint8_t)dc09_hexdigits[(v >> 4) & 0xf];
	p[3] = (uint8_t)dc09_hexdigits[v & 0xf];
}

size_t
dc09_encode_finish(int binary_crc, uint8_t *out, size_t off, size_t size)
{
	size_t		hdr = binary_crc ? 7 : 9, blen;
	uint16_t	crc;

	if (off < hdr || off >= size)
		return (0);
	blen = off - hdr;
	if (blen > 0xfff)
		return (0);
	crc = crc16_arc(out + hdr, blen);
	out[off++] = '\r';
	out[0] = '\n';
	if (binary_crc) {
		out[1] = (uint8_t)(crc >> 8);
		out[2] = (uint8_t)(crc & 0xff);
	} else
		dc09_put_hex4(out + 1, crc);
	dc09_put_hex4(out + hdr - 4, (unsigned)blen);
	return (off);
}

size_t
dc09_encode(const struct dc09_msg *msg, uint8_t *out, size_t size)
{
	size_t	off;
	char	ts[21];

	if ((off = dc09_encode_head(msg, out, size)) == 0)
		return (0);
	if (msg->data != NULL && dc09_puts(out, size, &off, msg->data) == -1)
		return (0);
	if (dc09_puts(out, size, &off, "]") == -1)
		return (0);
	if (msg->xdata != NULL &&
	    dc09_puts(out, size, &off, msg->xdata) == -1)
		return (0);
	if (msg->ts >= 0) {
		ts[0] = '_';
		dc09_time_format(msg->ts, ts + 1);	/* 19 bytes + NUL */
		if (dc09_put(out, size, &off, ts, 20) == -1)
			return (0);
	}
	return (dc09_encode_finish(msg->binary_crc, out, off, size));
}
