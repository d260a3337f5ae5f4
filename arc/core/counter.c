/*
 * counter.c -- arcd's counters: every frame refused, every limit hit,
 * every failure. Plain data that every layer bumps with COUNT(); the
 * metrics adapter serves them as Prometheus text and arcd logs them at
 * shutdown. Thread: the network thread (the writer thread counts its own).
 */
#include "core.h"

uint64_t	 counters[C_COUNTER_MAX];

static const char *counter_names[C_COUNTER_MAX] = {
	[C_CONN_ACCEPTED] = "connections_accepted",
	[C_CONN_CLOSED] = "connections_closed",
	[C_CONN_REFUSED_CAP] = "connections_refused_cap",
	[C_CONN_REFUSED_SOURCE] = "connections_refused_source",
	[C_CONN_IDLE] = "connections_idle_closed",
	[C_CONN_TOOLONG] = "connections_frame_too_long",
	[C_CONN_OUTPUT_FULL] = "connections_output_full",
	[C_CONN_NO_FRAME] = "connections_no_valid_frame",
	[C_CONN_HALFCLOSED] = "connections_halfclosed_closed",
	[C_CONN_EVICTED] = "connections_evicted_unproven",
	[C_ACCEPT_ERRORS] = "accept_errors",
	[C_FRAMES] = "frames",
	[C_FRAME_JUNK_BYTES] = "frame_junk_bytes",
	[C_FRAME_BADCRC] = "frames_bad_crc",
	[C_FRAME_BADLEN] = "frames_bad_length",
	[C_FRAME_BADFRAME] = "frames_malformed",
	[C_FRAME_BADTOKEN] = "frames_unknown_token",
	[C_FRAME_BADDATA] = "frames_bad_data",
	[C_NAK_DECRYPT] = "nak_undecryptable",
	[C_NAK_NOTIME] = "nak_no_timestamp",
	[C_NAK_TIME] = "nak_time_window",
	[C_NAK_PLAINTEXT] = "nak_plaintext_for_keyed_unit",
	[C_POLLS] = "polls",
	[C_EVENTS] = "events",
	[C_EVENTS_STORED] = "events_stored",
	[C_EVENTS_UNREGISTERED] = "events_unregistered",
	[C_EVENTS_UNKNOWN_CODE] = "events_unknown_code",
	[C_DUPLICATES] = "duplicates",
	[C_DUPLICATES_UNCOUNTED] = "duplicates_not_counted",
	[C_UNREGISTERED_LIMITED] = "unregistered_rate_limited",
	[C_UNREGISTERED_GLOBAL_LIMITED] = "unregistered_global_limited",
	[C_SOURCES_FULL] = "sources_table_full",
	[C_PENDING_FULL] = "pending_full",
	[C_STORE_FAILED] = "store_failed",
	[C_ACKS] = "acks",
	[C_REPLY_LOST] = "replies_lost",
	[C_UDP_DATAGRAMS] = "udp_datagrams",
	[C_UDP_SEND_ERRORS] = "udp_send_errors",
	[C_DEDUPE_EVICTED] = "dedupe_evicted",
	[C_CONSOLE_ACCEPTED] = "console_connections",
	[C_CONSOLE_LOGINS] = "console_logins",
	[C_CONSOLE_LOGIN_FAILED] = "console_login_failures",
	[C_CONSOLE_BAD_INPUT] = "console_bad_input",
	[C_CONSOLE_SLOW] = "console_slow_disconnected",
	[C_CONSOLE_REFUSED] = "console_refused",
	[C_CONSOLE_REFUSED_SOURCE] = "console_refused_source",
	[C_CONSOLE_LOGIN_TIMEOUT] = "console_login_timeouts",
	[C_CONSOLE_UNAUTH_EVICTED] = "console_unauthenticated_evicted",
	[C_CONSOLE_LOGIN_LOCKED] = "console_login_refused_locked",
	[C_CONSOLE_LOGIN_LOCKS] = "console_login_locks",
	[C_CONSOLE_SOURCE_LOCKS] = "console_source_locks",
	[C_CONSOLE_LOGIN_UNTRACKED] = "console_login_table_full",
	[C_CONSOLE_STUCK] = "console_stuck_disconnected",
	[C_CONSOLE_REPLACED] = "console_replaced",
	[C_CONSOLE_HELD_LIMIT] = "console_held_limit",
	[C_ALARMS_OPENED] = "alarms_opened",
	[C_ALARM_WRITE_FAILED] = "alarm_writes_failed",
	[C_LOOKUP_FAILED] = "lookups_failed",
	[C_CONFIG_RELOADS] = "config_reloads",
	[C_CONFIG_RELOAD_FAILED] = "config_reload_failures",
};

const char *
counter_name(enum counter c)
{
	if (c >= C_COUNTER_MAX || counter_names[c] == NULL)
		return ("unknown");
	return (counter_names[c]);
}
