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

/** Every counter kept per ingress port: X(name, kind, description). */
#define WF_PORT_STATS(X) \
	X(rx,      WF_STAT_RX,   "packets received on the port") \
	X(tx,      WF_STAT_TX,   "packets sent on out of the peer port") \
	X(tx_full, WF_STAT_DROP, "dropped: the peer port's TX queue refused them")

/** How a counter enters the accounting rx = tx + sum(drops). */
enum wf_stat_kind {
	WF_STAT_RX,
	WF_STAT_TX,
	WF_STAT_DROP,
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

/** Read a counter that another thread may be writing. */
static inline uint64_t
wf_stat_read(const uint64_t *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

/** Sum the counters of @p port over @p nb_workers worker blocks. */
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
