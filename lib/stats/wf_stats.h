/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#ifndef WF_STATS_H
#define WF_STATS_H

/**
 * @file
 * Per-worker packet counters. Each worker owns one cache-aligned block and
 * is its only writer; the control lcore and telemetry threads read the
 * blocks without locks and sum them. One X-macro list gives the enum, the
 * names and the kind of every counter, so they never drift apart.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_config.h>

#include "wf_pkt.h"

/**
 * Every counter kept per ingress port: X(name, kind, description). The
 * accounting counters come first, then one per packet-check reason of
 * wf_pkt.h, then the flow and TCP tracking counters.
 */
#define WF_PORT_STATS(X) \
	X(rx,        WF_STAT_RX,   "packets received on the port") \
	X(tx,        WF_STAT_TX,   "packets sent on out of the peer port") \
	X(tx_full,   WF_STAT_DROP, "dropped: the peer port's TX queue refused them") \
	X(malformed, WF_STAT_DROP, "dropped: malformed (with --malformed drop) or a tiny fragment") \
	X(rule_drop, WF_STAT_DROP, "dropped by a rule's drop action") \
	X(rule_reset, WF_STAT_DROP, "dropped by a rule's reset action (RSTs sent to both ends)") \
	X(lb_refused, WF_STAT_DROP, "dropped: a new connection lb could not map (see lb_no_mac, lb_snat_no_port, lb_map_full, lb_martian)") \
	X(neigh_answered, WF_STAT_DROP, "ARP/NS for a VIP or SNAT address (or an answer to wirefault's own): taken, not forwarded") \
	WF_PKT_REASONS(WF_X_PKT_AS_STAT, X) \
	WF_TRACK_STATS(X) \
	WF_RULE_STATS(X)

/* A packet-check reason of wf_pkt.h as an informational counter. */
#define WF_X_PKT_AS_STAT(name, X, err, desc) X(name, WF_STAT_INFO, desc)

/** Flow-table and TCP-tracking counters (informational). */
#define WF_TRACK_STATS(X) \
	X(l4_untracked,      WF_STAT_INFO, "valid UDP or ICMP: forwarded, not tracked") \
	X(flow_new,          WF_STAT_INFO, "connections added to the flow table") \
	X(flow_table_full,   WF_STAT_INFO, "new connection not tracked: table full") \
	X(flow_insert_clash, WF_STAT_INFO, "another worker added the same connection first") \
	X(tcp_pickup,        WF_STAT_INFO, "connection picked up mid-stream (loose pickup)") \
	X(tcp_no_flow,       WF_STAT_INFO, "SYN-ACK, FIN, RST (or strict mid-stream) of no known connection: not tracked") \
	X(tcp_bad_flags,     WF_STAT_INFO, "flag combination outside the allow-list: never tracked") \
	X(tcp_rst_invalid,   WF_STAT_INFO, "RST out of window: ignored") \
	X(tcp_rst_inexact,   WF_STAT_INFO, "RST in window but not exact: ignored (challenge ACK)") \
	X(tcp_reopen,        WF_STAT_INFO, "SYN reopened a closed or TIME_WAIT connection") \
	X(tcp_retrans,       WF_STAT_INFO, "segments repeating sequence space already sent") \
	X(syn_unanswered,    WF_STAT_INFO, "SYN retransmitted with no SYN-ACK seen (SYN queue full, listener gone)") \
	X(synack_retrans_after_data, WF_STAT_INFO, "SYN-ACK retransmitted after client data (accept queue full)")

/** Rule-action counters (informational). */
#define WF_RULE_STATS(X) \
	X(rst_sent,        WF_STAT_INFO, "RSTs sent by reset actions") \
	X(rst_failed,      WF_STAT_INFO, "RSTs not sent: no mbuf, or the TX queue was full") \
	X(log_lost,        WF_STAT_INFO, "log copies lost: copy pool empty or log ring full") \
	X(rule_slots_full, WF_STAT_INFO, "a counting rule (nth, every, seg) skipped a packet: its flow's slots were taken") \
	X(mirror_tx,       WF_STAT_INFO, "mirror copies sent out of the mirror port") \
	X(mirror_tx_fail,  WF_STAT_INFO, "mirror copies lost: the mirror port's TX queue was full") \
	X(mirror_nombuf,   WF_STAT_INFO, "mirror copies lost: the copy pool was empty") \
	X(lb_new,          WF_STAT_INFO, "connections mapped to a backend by lb") \
	X(lb_no_mac,       WF_STAT_INFO, "lb: SYN dropped, the backend's MAC is not known yet (asked)") \
	X(lb_snat_no_port, WF_STAT_INFO, "lb: SYN dropped, every SNAT port is in use") \
	X(lb_map_full,     WF_STAT_INFO, "lb: SYN dropped, the NAT table is full or the backend side clashes") \
	X(lb_martian,      WF_STAT_INFO, "lb: SYN from a martian source dropped, never mapped") \
	X(lb_no_map,       WF_STAT_INFO, "lb: a packet to a VIP with no mapping (not a new connection): forwarded as is") \
	X(lb_rewrite_fail, WF_STAT_INFO, "lb: headers not in the first segment, not rewritten (dropped as lb_refused)") \
	X(neigh_sent,      WF_STAT_INFO, "ARP/NS requests and answers sent by wirefault for lb")

/** How a counter enters the accounting rx = tx + sum(drops). */
enum wf_stat_kind {
	WF_STAT_RX,
	WF_STAT_TX,
	WF_STAT_DROP,
	WF_STAT_INFO,  /**< outside the accounting: what was seen */
};

enum wf_port_stat {
#define WF_X_ENUM(name, kind, desc) WF_PS_##name,
	WF_PORT_STATS(WF_X_ENUM)
#undef WF_X_ENUM
	WF_PS_MAX
};

struct wf_stat_desc {
	const char *name;
	enum wf_stat_kind kind;
	const char *desc;
};

/** Names, kinds and descriptions, indexed by enum wf_port_stat. */
extern const struct wf_stat_desc wf_port_stat_desc[WF_PS_MAX];

/** The counters of one ingress port. */
struct wf_port_counters {
	uint64_t c[WF_PS_MAX];
};

/** One worker's counters: written only by that worker. */
struct wf_worker_stats {
	uint64_t loops;        /**< poll-loop iterations: the lcore is alive */
	uint64_t idle_sleeps;  /**< back-off sleeps after runs of empty polls */
	/*
	 * The worker's own cost: TSC cycles from a burst's receipt to its
	 * last TX, and the packets of those bursts (the PMD's RX is not in
	 * it, its TX is).
	 */
	uint64_t busy_cycles;
	uint64_t busy_pkts;
	/*
	 * Odd while a burst is counted: its rx is in, its tx and drops may
	 * not be yet. Readers that need rx = tx + drops (a "clear stats"
	 * base) read between bursts; see wf_stats_burst_begin().
	 */
	uint64_t burst_seq;
	struct wf_port_counters port[RTE_MAX_ETHPORTS];
} __rte_cache_aligned;

/**
 * Add to a counter owned by the calling worker. A relaxed store, not an
 * atomic read-modify-write: there is one writer, and readers on other
 * threads must only never see a torn value.
 */
static inline void
wf_stat_add(uint64_t *counter, uint64_t n)
{
	__atomic_store_n(counter, *counter + n, __ATOMIC_RELAXED);
}

/**
 * The calling worker starts counting a burst (a sequence count: the
 * counters stay plain stores; a reader retries when it saw a burst in
 * progress or one end meanwhile).
 */
static inline void
wf_stats_burst_begin(struct wf_worker_stats *st)
{
	__atomic_store_n(&st->burst_seq, st->burst_seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

/** The calling worker has counted all of the burst. */
static inline void
wf_stats_burst_end(struct wf_worker_stats *st)
{
	__atomic_store_n(&st->burst_seq, st->burst_seq + 1, __ATOMIC_RELEASE);
}

/** Read a counter that another thread may be writing. */
static inline uint64_t
wf_stat_read(const uint64_t *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

/**
 * Sum the counters of @p port over @p nb_workers worker blocks, each read
 * between two of its bursts (waits for a burst in progress to be counted
 * in full; not for a worker to call).
 */
void wf_stats_sum_port(const struct wf_worker_stats *workers,
		unsigned int nb_workers, uint16_t port,
		struct wf_port_counters *out);

/** Sum of every drop-kind counter of one port. */
uint64_t wf_stats_drops(const struct wf_port_counters *pc);

/** True when rx = tx + sum(drops) holds for @p pc. */
bool wf_stats_balanced(const struct wf_port_counters *pc);

/** @p out = @p now - @p base, counter by counter (for "clear stats"). */
void wf_stats_diff(const struct wf_port_counters *now,
		const struct wf_port_counters *base,
		struct wf_port_counters *out);

#endif /* WF_STATS_H */
