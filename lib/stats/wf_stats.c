/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#include <string.h>
#include <time.h>

#include <rte_pause.h>

#include "wf_stats.h"

const struct wf_stat_desc wf_port_stat_desc[WF_PS_MAX] = {
#define WF_X_DESC(name, kind, desc) [WF_PS_##name] = { #name, kind, desc },
	WF_PORT_STATS(WF_X_DESC)
#undef WF_X_DESC
};

/* Past this, a worker stuck inside a burst is read as it is. */
#define BURST_WAIT_NS (200 * 1000 * 1000)

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Add @p w's counters of @p port to @p out as they stood between two of
 * its bursts: never a burst's rx without its tx and drops.
 */
static void
sum_worker_port(const struct wf_worker_stats *w, uint16_t port,
		struct wf_port_counters *out)
{
	struct wf_port_counters got;
	uint64_t seq, deadline = 0;
	unsigned int i, tries;

	for (tries = 0;; tries++) {
		seq = __atomic_load_n(&w->burst_seq, __ATOMIC_ACQUIRE);
		for (i = 0; i < WF_PS_MAX; i++)
			got.c[i] = wf_stat_read(&w->port[port].c[i]);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if ((seq & 1) == 0 &&
				__atomic_load_n(&w->burst_seq,
					__ATOMIC_RELAXED) == seq)
			break;
		/* a burst takes microseconds, unless its lcore was preempted:
		 * spin a little, then sleep, and give up only much later */
		if (tries < 1000) {
			rte_pause();
			continue;
		}
		if (deadline == 0)
			deadline = mono_ns() + BURST_WAIT_NS;
		else if (mono_ns() > deadline)
			break;
		nanosleep(&(struct timespec){ .tv_nsec = 10000 }, NULL);
	}
	for (i = 0; i < WF_PS_MAX; i++)
		out->c[i] += got.c[i];
}

void
wf_stats_sum_port(const struct wf_worker_stats *workers,
		unsigned int nb_workers, uint16_t port,
		struct wf_port_counters *out)
{
	unsigned int w;

	memset(out, 0, sizeof(*out));
	if (port >= RTE_MAX_ETHPORTS)
		return;
	for (w = 0; w < nb_workers; w++)
		sum_worker_port(&workers[w], port, out);
}

uint64_t
wf_stats_drops(const struct wf_port_counters *pc)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < WF_PS_MAX; i++)
		if (wf_port_stat_desc[i].kind == WF_STAT_DROP)
			sum += pc->c[i];
	return sum;
}

bool
wf_stats_balanced(const struct wf_port_counters *pc)
{
	return pc->c[WF_PS_rx] == pc->c[WF_PS_tx] + wf_stats_drops(pc);
}

void
wf_stats_diff(const struct wf_port_counters *now,
		const struct wf_port_counters *base,
		struct wf_port_counters *out)
{
	unsigned int i;

	for (i = 0; i < WF_PS_MAX; i++)
		out->c[i] = now->c[i] - base->c[i];
}
