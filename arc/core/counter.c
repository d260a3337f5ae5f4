/*
 * counter.c -- arcd's counters: every frame refused, every limit hit,
 * every failure. Plain data that every layer bumps with COUNT(); the
 * metrics adapter serves them as Prometheus text and arcd logs them at
 * shutdown. Thread: the network thread (the writer thread counts its own).
 */
#include "core.h"

uint64_t	 counters[C_COUNTER_MAX];

static const struct {
	const char	*name;
	const char	*help;
} counter_tab[C_COUNTER_MAX] = {
	[C_CONN_ACCEPTED] = { "connections_accepted",
	    "DC-09 TCP connections accepted" },
	[C_CONN_CLOSED] = { "connections_closed",
	    "DC-09 TCP connections closed" },
	[C_CONN_REFUSED_CAP] = { "connections_refused_cap",
	    "times accepting paused: max_connections reached" },
	[C_CONN_REFUSED_SOURCE] = { "connections_refused_source",
	    "connections closed at once: too many from one address" },
	[C_CONN_IDLE] = { "connections_idle_closed",
	    "connections closed after the idle time" },
	[C_CONN_TOOLONG] = { "connections_frame_too_long",
	    "connections closed: too many bytes without a CR" },
	[C_CONN_OUTPUT_FULL] = { "connections_output_full",
	    "connections closed: unsent output over its limit" },
	[C_CONN_NO_FRAME] = { "connections_no_valid_frame",
	    "connections closed: no valid frame in time" },
	[C_CONN_HALFCLOSED] = { "connections_halfclosed_closed",
	    "connections closed: answers unread after the peer's EOF" },
	[C_CONN_EVICTED] = { "connections_evicted_unproven",
	    "connections with no valid frame evicted to make room" },
	[C_ACCEPT_ERRORS] = { "accept_errors",
	    "accept() failures" },
	[C_FRAMES] = { "frames",
	    "DC-09 frames received" },
	[C_FRAME_JUNK_BYTES] = { "frame_junk_bytes",
	    "bytes skipped between frames" },
	[C_FRAME_BADCRC] = { "frames_bad_crc",
	    "frames refused: bad CRC" },
	[C_FRAME_BADLEN] = { "frames_bad_length",
	    "frames refused: bad length" },
	[C_FRAME_BADFRAME] = { "frames_malformed",
	    "frames refused: malformed" },
	[C_FRAME_BADTOKEN] = { "frames_unknown_token",
	    "frames refused: unknown token" },
	[C_FRAME_BADDATA] = { "frames_bad_data",
	    "frames refused: bad data" },
	[C_NAK_DECRYPT] = { "nak_undecryptable",
	    "NAKs: a frame that would not decrypt" },
	[C_NAK_NOTIME] = { "nak_no_timestamp",
	    "NAKs: an encrypted frame without a timestamp" },
	[C_NAK_TIME] = { "nak_time_window",
	    "NAKs: a timestamp outside the window" },
	[C_NAK_PLAINTEXT] = { "nak_plaintext_for_keyed_unit",
	    "NAKs: plain text from a unit that has a key" },
	[C_POLLS] = { "polls",
	    "supervision polls (NULL frames) received" },
	[C_EVENTS] = { "events",
	    "events received" },
	[C_EVENTS_STORED] = { "events_stored",
	    "events stored" },
	[C_EVENTS_UNREGISTERED] = { "events_unregistered",
	    "events from unregistered accounts" },
	[C_EVENTS_UNKNOWN_CODE] = { "events_unknown_code",
	    "events with a code arc does not know" },
	[C_DUPLICATES] = { "duplicates",
	    "retransmissions recognised and acknowledged again" },
	[C_DUPLICATES_UNCOUNTED] = { "duplicates_not_counted",
	    "duplicates whose count was not written: too many writes "
	    "in flight" },
	[C_UNREGISTERED_LIMITED] = { "unregistered_rate_limited",
	    "unregistered events not answered: over the per-address rate" },
	[C_UNREGISTERED_GLOBAL_LIMITED] = { "unregistered_global_limited",
	    "unregistered events not answered: over the global rate" },
	[C_SOURCES_FULL] = { "sources_table_full",
	    "new source addresses sharing one entry: table full" },
	[C_PENDING_FULL] = { "pending_full",
	    "frames not answered: too many awaiting commit" },
	[C_STORE_FAILED] = { "store_failed",
	    "store requests that failed" },
	[C_ACKS] = { "acks",
	    "ACKs sent" },
	[C_REPLY_LOST] = { "replies_lost",
	    "replies dropped: the connection or key had gone" },
	[C_UDP_DATAGRAMS] = { "udp_datagrams",
	    "DC-09 UDP datagrams received" },
	[C_UDP_SEND_ERRORS] = { "udp_send_errors",
	    "DC-09 UDP replies that could not be sent" },
	[C_DEDUPE_EVICTED] = { "dedupe_evicted",
	    "dedupe entries forgotten early: table full" },
	[C_CONSOLE_ACCEPTED] = { "console_connections",
	    "console connections accepted" },
	[C_CONSOLE_LOGINS] = { "console_logins",
	    "console logins" },
	[C_CONSOLE_LOGIN_FAILED] = { "console_login_failures",
	    "console logins refused after the check: unknown, "
	    "disabled or wrong password" },
	[C_CONSOLE_BAD_INPUT] = { "console_bad_input",
	    "consoles closed: a bad or over-long line" },
	[C_CONSOLE_SLOW] = { "console_slow_disconnected",
	    "consoles cut: output waiting over its limit" },
	[C_CONSOLE_REFUSED] = { "console_refused",
	    "console connections refused: too many consoles" },
	[C_CONSOLE_REFUSED_SOURCE] = { "console_refused_source",
	    "console connections refused: too many not logged in from "
	    "one address" },
	[C_CONSOLE_LOGIN_TIMEOUT] = { "console_login_timeouts",
	    "consoles closed: not logged in in time" },
	[C_CONSOLE_UNAUTH_EVICTED] = { "console_unauthenticated_evicted",
	    "consoles not logged in evicted to make room" },
	[C_CONSOLE_MARKS_RESET] = { "console_stranger_marks_reset",
	    "addresses that lost a console connection: table full, forgotten" },
	[C_CONSOLE_LOGIN_LOCKED] = { "console_login_refused_locked",
	    "console logins refused: the login or address is locked" },
	[C_CONSOLE_LOGIN_UNKNOWN] = { "console_login_refused_unknown",
	    "console logins refused: no such operator" },
	[C_CONSOLE_LOGIN_DISABLED] = { "console_login_refused_disabled",
	    "console logins refused: the operator is disabled" },
	[C_CONSOLE_LOGIN_PASSWORD] = { "console_login_refused_password",
	    "console logins refused: wrong password" },
	[C_CONSOLE_LOGIN_LOCKS] = { "console_login_locks",
	    "logins locked after failed logins" },
	[C_CONSOLE_SOURCE_LOCKS] = { "console_source_locks",
	    "addresses locked after failed logins" },
	[C_CONSOLE_LOGIN_UNTRACKED] = { "console_login_table_full",
	    "failed logins not tracked: table full" },
	[C_CONSOLE_STUCK] = { "console_stuck_disconnected",
	    "consoles closed: heartbeats unanswered" },
	[C_CONSOLE_REPLACED] = { "console_replaced",
	    "consoles replaced by a newer login of the same operator" },
	[C_CONSOLE_HELD_LIMIT] = { "console_held_limit",
	    "accepts refused: the operator holds max_held alarms" },
	[C_ALARMS_OPENED] = { "alarms_opened",
	    "alarms opened" },
	[C_ALARM_WRITE_FAILED] = { "alarm_writes_failed",
	    "alarm writes that failed (undone, retried)" },
	[C_LOOKUP_FAILED] = { "lookups_failed",
	    "reader worker lookups that failed" },
	[C_CONFIG_RELOADS] = { "config_reloads",
	    "arc.conf read again on SIGHUP and applied" },
	[C_CONFIG_RELOAD_FAILED] = { "config_reload_failures",
	    "arc.conf read on SIGHUP but refused (the running one kept)" },
};

const char *
counter_name(enum counter c)
{
	if (c >= C_COUNTER_MAX || counter_tab[c].name == NULL)
		return ("unknown");
	return (counter_tab[c].name);
}

const char *
counter_help(enum counter c)
{
	if (c >= C_COUNTER_MAX || counter_tab[c].help == NULL)
		return ("");
	return (counter_tab[c].help);
}
