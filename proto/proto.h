/*
 * proto.h -- arc's pure device codecs: SIA DC-09 framing, ADM-CID and SIA-DCS
 * data, AES, replies, and the Contact ID / SIA code tables.
 *
 * Everything here is pure: (buf, len) in, a result enum out. No sockets, no
 * libevent, no SQLite, no logging, no exit, no globals that change, and no
 * allocation while parsing. Parsed values point into the caller's buffer
 * (struct proto_span is borrowed) or are small fixed-size copies.
 */
#ifndef ARC_PROTO_H
#define ARC_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum proto_err {
	PROTO_OK = 0,
	PROTO_MORE,		/* need more bytes (scanner) */
	PROTO_JUNK,		/* skip *used bytes of junk (scanner) */
	PROTO_TOOLONG,		/* no CR within the limit: drop the connection */
	PROTO_BADCRC,		/* CRC mismatch: no reply */
	PROTO_BADLEN,		/* length field mismatch: no reply */
	PROTO_BADFRAME,		/* malformed header: no reply */
	PROTO_BADTOKEN,		/* well-formed, unknown ID token: DUH */
	PROTO_BADDATA,		/* malformed data block */
	PROTO_BADTIME,		/* malformed timestamp */
	PROTO_NOTIME,		/* encrypted frame without a timestamp: NAK */
	PROTO_DECRYPT,		/* cannot decrypt: NAK */
	PROTO_NOSPACE,		/* output buffer too small */
	PROTO_ERR_MAX
};
const char	*proto_err_name(enum proto_err);

/* A borrowed slice of a caller's buffer. */
struct proto_span {
	const char	*p;
	size_t		 len;
};

/* --- crc16.c --- */
/* CRC-16/ARC: poly 0x8005 reflected (0xA001), init 0, no final xor. */
uint16_t	 crc16_arc(const void *, size_t);

/* --- dc09.c: scanner, header parser, encoder --- */
#define DC09_MAX_FRAME	1024	/* longest frame we accept, LF..CR */
#define DC09_ACCT_MAX	16
#define DC09_BODY_MAX	(DC09_MAX_FRAME - 10)

enum dc09_token {
	DC09_TOKEN_NONE = 0,
	DC09_TOKEN_SIA_DCS,
	DC09_TOKEN_ADM_CID,
	DC09_TOKEN_NULL,
	DC09_TOKEN_ACK,
	DC09_TOKEN_NAK,
	DC09_TOKEN_DUH,
	DC09_TOKEN_RSP,
	DC09_TOKEN_MAX
};
const char	*dc09_token_name(enum dc09_token);	/* "SIA-DCS", ... */

struct dc09_frame {
	int			 binary_crc;	/* CRC came as 2 raw bytes */
	uint16_t		 crc;
	size_t			 body_len;
	struct proto_span	 body;		/* '"' .. before CR */
	enum dc09_token		 token;
	int			 encrypted;	/* token had a leading '*' */
	unsigned		 seq;		/* 0..9999 */
	int			 has_rcvr;
	struct proto_span	 rcvr;		/* without the 'R' */
	int			 has_pref;
	struct proto_span	 pref;		/* without the 'L' */
	/*
	 * Upper case. "#1234" is stored as "1234". Receiver replies may
	 * carry 'A' + 1..6 hex instead (NAK: "R0L0A0[", the 'A' split off
	 * the L or R run); that is stored with its 'A': "A0". Requests
	 * (SIA-DCS, ADM-CID, NULL, unknown tokens) must have '#'; replies
	 * may have no account at all ("").
	 */
	char			 acct[DC09_ACCT_MAX + 1];
	/*
	 * Clear frames: data is between '[' and the matching ']' (without
	 * the brackets, e.g. "#1234|1101 01 015"), xdata is every
	 * following "[...]" block, ts the timestamp after '_'.
	 * Encrypted frames: cipher is the hex after '[' up to CR; data,
	 * xdata and ts are filled by dc09_decrypt().
	 */
	struct proto_span	 data;
	struct proto_span	 xdata;
	struct proto_span	 cipher;
	int			 has_ts;
	time_t			 ts;		/* UTC */
};

/*
 * Find one frame at the start of buf. Returns PROTO_OK with *used = the
 * frame's length (LF .. CR inclusive), PROTO_JUNK with *used = bytes to
 * skip before the next LF, PROTO_MORE when no CR yet (and fewer than max
 * bytes are held), PROTO_TOOLONG when max bytes are held without a CR.
 */
enum proto_err	 dc09_scan(const uint8_t *, size_t, size_t max, size_t *used);

/*
 * Parse and validate one frame as returned by dc09_scan (LF..CR). Checks
 * length (PROTO_BADLEN), then CRC (PROTO_BADCRC), then syntax. An unknown
 * token with a sound header gives PROTO_BADTOKEN with seq, R, L and acct
 * filled (for DUH). An encrypted frame whose rest is not whole blocks of
 * hex gives PROTO_DECRYPT (header filled: NAK).
 */
enum proto_err	 dc09_parse(const uint8_t *, size_t, struct dc09_frame *);

/* "_HH:MM:SS,MM-DD-YYYY" (without the '_', 19 bytes) <-> time_t UTC. */
enum proto_err	 dc09_time_parse(const char *, size_t, time_t *);
void		 dc09_time_format(time_t, char [20]);	/* NUL-terminated */

/*
 * Build a whole frame: LF, CRC, length, body, CR. Absent rcvr/pref are
 * NULL (not emitted). data is written between '[' and ']' verbatim (may be
 * empty); xdata (may be NULL) follows verbatim; ts < 0 means no timestamp.
 * Returns the frame length, or 0 if it does not fit.
 */
struct dc09_msg {
	const char	*token;		/* "ADM-CID", "*SIA-DCS", "ACK", ... */
	unsigned	 seq;
	const char	*rcvr;
	const char	*pref;
	const char	*acct;		/* with its marker: "#1234", "A0" */
	const char	*data;
	const char	*xdata;
	time_t		 ts;
	int		 binary_crc;
};
size_t		 dc09_encode(const struct dc09_msg *, uint8_t *, size_t);

/*
 * Internal to proto/ (shared by dc09*.c; programs should not call them).
 * dc09_encode_head writes LF, room for CRC and length, and the body from
 * '"' up to and including '['; it returns the offset after '[' or 0.
 * dc09_encode_finish appends CR and fills in CRC and length for a body
 * that ends at off; it returns the frame length or 0. dc09_parse_block
 * parses what follows '[' in a clear frame or a decrypted plaintext:
 * data up to the first ']', any "[...]" blocks, an optional "_" and 19-byte
 * timestamp, end (PROTO_OK, PROTO_BADFRAME or PROTO_BADTIME).
 */
size_t		 dc09_encode_head(const struct dc09_msg *, uint8_t *, size_t);
size_t		 dc09_encode_finish(int, uint8_t *, size_t, size_t);
enum proto_err	 dc09_parse_block(const char *, size_t, struct dc09_frame *);

/* A hex digit's value, either case, or -1 (shared by the dc09 files). */
int		 dc09_hexval(int);

/* --- dc09_aes.c --- */
struct dc09_key {
	uint8_t		 k[32];
	size_t		 len;		/* 16, 24 or 32 */
};
/* "ascii:KEY" or "hex:KEY"; a bare string is ascii. 0 or -1. */
int		 dc09_key_parse(const char *, struct dc09_key *);
/* Inverse of dc09_key_parse: always "hex:..." (66+5 bytes max). */
void		 dc09_key_format(const struct dc09_key *, char [80]);

/*
 * Decrypt f->cipher into buf and point f->data, f->xdata, f->ts at the
 * plaintext (pad|data]xdata_ts). Tolerates any pad, a missing '|' (NULL),
 * a stray trailing block of 0x10, trailing zero bytes. PROTO_DECRYPT if
 * it does not decode, PROTO_NOTIME if there is no timestamp, PROTO_BADTIME
 * if it is malformed, PROTO_NOSPACE if bufsize < cipher.len / 2. Whatever
 * the result, buf holds the raw plaintext (cipher.len / 2 bytes) once the
 * hex decoded.
 */
enum proto_err	 dc09_decrypt(struct dc09_frame *, const struct dc09_key *,
		    uint8_t *buf, size_t bufsize);

/*
 * Encrypted frame: the body is "*TOKEN"seqRrcvrLpref#acct[ + hex(AES(
 * pad | data ] xdata _ts)) where pad is taken from the caller's random
 * bytes (made printable) so the plaintext is a multiple of 16. For a reply
 * (msg->data == NULL) the plaintext is pad ] _ts with no '|'.
 */
size_t		 dc09_encode_encrypted(const struct dc09_msg *,
		    const struct dc09_key *, const uint8_t rnd[16],
		    uint8_t *, size_t);

/* --- dc09_reply.c: receiver replies, in the CRC form the request used --- */
size_t		 dc09_reply_ack(const struct dc09_frame *, time_t now,
		    uint8_t *, size_t);
size_t		 dc09_reply_ack_encrypted(const struct dc09_frame *,
		    const struct dc09_key *, const uint8_t rnd[16], time_t now,
		    uint8_t *, size_t);
size_t		 dc09_reply_nak(const struct dc09_frame *, time_t now,
		    uint8_t *, size_t);
size_t		 dc09_reply_duh(const struct dc09_frame *, time_t now,
		    uint8_t *, size_t);

/* --- dc09_data.c: the data block of ADM-CID and SIA-DCS --- */
enum code_class {
	CLASS_NONE = 0,
	CLASS_P1,		/* emergency */
	CLASS_P2,		/* urgent */
	CLASS_P3,		/* technical */
	CLASS_P4,		/* information */
	CLASS_MAX
};
const char	*code_class_name(enum code_class);	/* "P1".. */

/*
 * As many events as a frame can hold (a 1,024-byte frame of two-letter
 * SIA events and slashes): none is ever left unread.
 */
#define DC09_MAX_EVENTS	(DC09_MAX_FRAME / 2)

struct dc09_event {
	int			 cid;		/* 1: Contact ID, 0: SIA */
	char			 raw_code[4];	/* "101", "MA" */
	char			 qualifier;	/* CID '1' '3' '6'; SIA 'N' */
	char			 area[8];	/* "01"; "" if none */
	char			 zone[8];	/* "015"; "" if none */
	char			 user[8];	/* SIA id modifier */
	struct proto_span	 text;		/* ^text^ or |A text */
	int			 has_time;	/* SIA ti modifier */
	char			 time[9];	/* "HH:MM" or "HH:MM:SS" */
	/* Filled from the code tables. */
	char			 code[4];	/* canonical (SIA letters) */
	enum code_class		 class;
	int			 restore;
	int			 known;
};

/* Location and other extended data ([X..][Y..][L..][R..][V..]...). */
struct dc09_xdata {
	struct proto_span	 x, y, z, l, r, v, h, i, m, k;
};

/*
 * Parse f->data per f->token into at most max events. A NULL frame (or
 * an empty/dummy data block) gives n = 0. The account inside the data
 * ("#1234|") is optional and not checked against the header here.
 */
enum proto_err	 dc09_events(const struct dc09_frame *, struct dc09_event *,
		    size_t max, size_t *n);
enum proto_err	 dc09_xdata_parse(struct proto_span, struct dc09_xdata *);

/* --- codes.c: Contact ID and SIA code tables --- */
struct code_info {
	const char	*code;		/* canonical SIA code: "QA", "AT" */
	enum code_class	 class;
	int		 restore;
	const char	*name;		/* "personal emergency" */
};
/*
 * Look up a Contact ID event (code 0..999, qualifier '1' '3' '6') or a
 * SIA code ("MA"). Unknown codes give class P2, name "unknown event", code
 * NULL, and return -1; known ones return 0.
 */
int		 codes_cid(unsigned, char, struct code_info *);
int		 codes_sia(const char *, struct code_info *);

#endif /* ARC_PROTO_H */
