/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#include <string.h>

#include "wf_stats.h"

const struct wf_stat_desc wf_port_stat_desc[WF_PS_MAX] = {
#define WF_X_DESC(name, kind, desc) [WF_PS_##name] = { #name, kind, desc },
	WF_PORT_STATS(WF_X_DESC)
#undef WF_X_DESC
};

void
wf_stats_sum_port(const struct wf_worker_stats *workers,
		unsigned int nb_workers, uint16_t port,
		struct wf_port_counters *out)
{
	unsigned int w, i;

	memset(out, 0, sizeof(*out));
	if (port >= RTE_MAX_ETHPORTS)
		return;
	for (w = 0; w < nb_workers; w++)
		for (i = 0; i < WF_PS_MAX; i++)
			out->c[i] += wf_stat_read(&workers[w].port[port].c[i]);
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
