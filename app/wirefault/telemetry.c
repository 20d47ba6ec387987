/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * Read-only telemetry under /wirefault/. Callbacks run on telemetry's own
 * pthreads, concurrently with the workers: they only read (per-worker
 * counters with relaxed loads, ethdev and mempool counters), take no lock
 * a worker takes, and check every rte_tel_data_add_* result.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mempool.h>
#include <rte_telemetry.h>

#include "wf_tel_params.h"
#include "wirefault.h"

/* Bail out of a callback on the first failed add. */
#define TEL_CHECK(expr) do { \
	int tel_ret_ = (expr); \
	if (tel_ret_ != 0) \
		return tel_ret_; \
} while (0)

/* These commands take no parameters: anything given is an error. */
static int
no_params(const char *params)
{
	if (!__atomic_load_n(&wf.ready, __ATOMIC_ACQUIRE))
		return -EAGAIN; /* starting or shutting down */
	return wf_tel_no_params(params);
}

/* Add @p child as "<prefix><id>" to @p d, freeing it on failure. */
static int
add_child(struct rte_tel_data *d, const char *prefix, unsigned int id,
		struct rte_tel_data *child)
{
	char name[32];
	int ret;

	snprintf(name, sizeof(name), "%s%u", prefix, id);
	ret = rte_tel_data_add_dict_container(d, name, child, 0);
	if (ret != 0)
		rte_tel_data_free(child);
	return ret;
}

static int
port_stats_dict(uint16_t pid, struct rte_tel_data *d)
{
	struct wf_port_counters pc;
	unsigned int i;

	wf_stats_sum_port(wf.stats, wf.nb_workers, pid, &pc);
	TEL_CHECK(rte_tel_data_start_dict(d));
	TEL_CHECK(rte_tel_data_add_dict_int(d, "peer", wf.port[pid].peer));
	for (i = 0; i < WF_PS_MAX; i++)
		TEL_CHECK(rte_tel_data_add_dict_u64(d,
				wf_port_stat_desc[i].name, pc.c[i]));
	TEL_CHECK(rte_tel_data_add_dict_u64(d, "drops", wf_stats_drops(&pc)));
	return 0;
}

static int
tel_stats(const char *cmd __rte_unused, const char *params,
		struct rte_tel_data *d)
{
	struct rte_tel_data *child;
	char name[32];
	uint16_t pid;
	unsigned int w;
	int ret;

	TEL_CHECK(no_params(params));
	TEL_CHECK(rte_tel_data_start_dict(d));
	TEL_CHECK(rte_tel_data_add_dict_int(d, "forwarding",
			(int)__atomic_load_n(&wf.forwarding, __ATOMIC_ACQUIRE)));
	TEL_CHECK(rte_tel_data_add_dict_int(d, "workers", (int)wf.nb_workers));
	for (w = 0; w < wf.nb_workers; w++) {
		snprintf(name, sizeof(name), "lcore%u_loops",
				wf.worker[w].lcore_id);
		TEL_CHECK(rte_tel_data_add_dict_u64(d, name,
				wf_stat_read(&wf.stats[w].loops)));
		snprintf(name, sizeof(name), "lcore%u_busy_cycles",
				wf.worker[w].lcore_id);
		TEL_CHECK(rte_tel_data_add_dict_u64(d, name,
				wf_stat_read(&wf.stats[w].busy_cycles)));
		snprintf(name, sizeof(name), "lcore%u_busy_pkts",
				wf.worker[w].lcore_id);
		TEL_CHECK(rte_tel_data_add_dict_u64(d, name,
				wf_stat_read(&wf.stats[w].busy_pkts)));
	}
	RTE_ETH_FOREACH_DEV(pid) {
		if (!wf.port[pid].used || wf.port[pid].is_mirror)
			continue;
		child = rte_tel_data_alloc();
		if (child == NULL)
			return -ENOMEM;
		ret = port_stats_dict(pid, child);
		if (ret != 0) {
			rte_tel_data_free(child);
			return ret;
		}
		TEL_CHECK(add_child(d, "port", pid, child));
	}
	return 0;
}

static int
port_info_dict(uint16_t pid, struct rte_tel_data *d)
{
	const struct wf_port *p = &wf.port[pid];
	struct rte_eth_stats s;
	struct rte_eth_link link;
	char name[RTE_ETH_NAME_MAX_LEN];

	TEL_CHECK(rte_tel_data_start_dict(d));
	if (rte_eth_dev_get_name_by_port(pid, name) == 0)
		TEL_CHECK(rte_tel_data_add_dict_string(d, "name", name));
	TEL_CHECK(rte_tel_data_add_dict_string(d, "role", wf_port_role(pid)));
	TEL_CHECK(rte_tel_data_add_dict_int(d, "peer",
			p->peer == WF_PORT_NONE ? -1 : p->peer));
	TEL_CHECK(rte_tel_data_add_dict_int(d, "socket", p->socket));
	TEL_CHECK(rte_tel_data_add_dict_int(d, "rx_queues", p->nb_rxq));
	TEL_CHECK(rte_tel_data_add_dict_int(d, "tx_queues", p->nb_txq));
	TEL_CHECK(rte_tel_data_add_dict_int(d, "rx_descriptors", p->nb_rxd));
	TEL_CHECK(rte_tel_data_add_dict_int(d, "tx_descriptors", p->nb_txd));
	if (rte_eth_link_get_nowait(pid, &link) == 0) {
		TEL_CHECK(rte_tel_data_add_dict_int(d, "link_up",
				link.link_status));
		TEL_CHECK(rte_tel_data_add_dict_u64(d, "link_speed_mbps",
				link.link_speed));
	}
	if (rte_eth_stats_get(pid, &s) == 0) {
		TEL_CHECK(rte_tel_data_add_dict_u64(d, "ipackets", s.ipackets));
		TEL_CHECK(rte_tel_data_add_dict_u64(d, "opackets", s.opackets));
		TEL_CHECK(rte_tel_data_add_dict_u64(d, "ibytes", s.ibytes));
		TEL_CHECK(rte_tel_data_add_dict_u64(d, "obytes", s.obytes));
		TEL_CHECK(rte_tel_data_add_dict_u64(d, "imissed", s.imissed));
		TEL_CHECK(rte_tel_data_add_dict_u64(d, "ierrors", s.ierrors));
		TEL_CHECK(rte_tel_data_add_dict_u64(d, "oerrors", s.oerrors));
		TEL_CHECK(rte_tel_data_add_dict_u64(d, "rx_nombuf",
				s.rx_nombuf));
	}
	return 0;
}

static int
tel_ports(const char *cmd __rte_unused, const char *params,
		struct rte_tel_data *d)
{
	struct rte_tel_data *child;
	uint16_t pid;
	int ret;

	TEL_CHECK(no_params(params));
	TEL_CHECK(rte_tel_data_start_dict(d));
	RTE_ETH_FOREACH_DEV(pid) {
		if (!wf.port[pid].used)
			continue;
		child = rte_tel_data_alloc();
		if (child == NULL)
			return -ENOMEM;
		ret = port_info_dict(pid, child);
		if (ret != 0) {
			rte_tel_data_free(child);
			return ret;
		}
		TEL_CHECK(add_child(d, "port", pid, child));
	}
	return 0;
}

static int
pool_dict(const struct rte_mempool *mp, struct rte_tel_data *d)
{
	TEL_CHECK(rte_tel_data_start_dict(d));
	TEL_CHECK(rte_tel_data_add_dict_string(d, "name", mp->name));
	TEL_CHECK(rte_tel_data_add_dict_u64(d, "size", mp->size));
	TEL_CHECK(rte_tel_data_add_dict_u64(d, "in_use",
			rte_mempool_in_use_count(mp)));
	TEL_CHECK(rte_tel_data_add_dict_u64(d, "available",
			rte_mempool_avail_count(mp)));
	TEL_CHECK(rte_tel_data_add_dict_u64(d, "cache_size", mp->cache_size));
	TEL_CHECK(rte_tel_data_add_dict_u64(d, "element_size", mp->elt_size));
	return 0;
}

/* Add @p mp (if it exists) to @p d as @p name. */
static int
copy_pool_dict(struct rte_tel_data *d, const char *name,
		const struct rte_mempool *mp)
{
	struct rte_tel_data *child;
	int ret;

	if (mp == NULL)
		return 0;
	child = rte_tel_data_alloc();
	if (child == NULL)
		return -ENOMEM;
	ret = pool_dict(mp, child);
	if (ret == 0)
		ret = rte_tel_data_add_dict_container(d, name, child, 0);
	if (ret != 0)
		rte_tel_data_free(child);
	return ret;
}

static int
tel_mempool(const char *cmd __rte_unused, const char *params,
		struct rte_tel_data *d)
{
	struct rte_tel_data *child;
	unsigned int s;
	int ret;

	TEL_CHECK(no_params(params));
	TEL_CHECK(rte_tel_data_start_dict(d));
	for (s = 0; s < RTE_MAX_NUMA_NODES; s++) {
		if (wf.pools[s] == NULL)
			continue;
		child = rte_tel_data_alloc();
		if (child == NULL)
			return -ENOMEM;
		ret = pool_dict(wf.pools[s], child);
		if (ret != 0) {
			rte_tel_data_free(child);
			return ret;
		}
		TEL_CHECK(add_child(d, "socket", s, child));
	}
	/* the copy pools: "action mirror" and "action log" */
	TEL_CHECK(copy_pool_dict(d, "mirror", wf.mirror_pool));
	TEL_CHECK(copy_pool_dict(d, "log", wf.log_pool));
	return 0;
}

static int
tel_tcp_states(const char *cmd __rte_unused, const char *params,
		struct rte_tel_data *d)
{
	TEL_CHECK(no_params(params));
	return wf_tel_tcp_states(d);
}

static int
tel_flows(const char *cmd __rte_unused, const char *params,
		struct rte_tel_data *d)
{
	if (!__atomic_load_n(&wf.ready, __ATOMIC_ACQUIRE))
		return -EAGAIN;
	return wf_tel_flows(params, d);
}

static int
tel_rules(const char *cmd __rte_unused, const char *params,
		struct rte_tel_data *d)
{
	if (!__atomic_load_n(&wf.ready, __ATOMIC_ACQUIRE))
		return -EAGAIN;
	return wf_tel_rules(params, d);
}

int
wf_telemetry_register(void)
{
	TEL_CHECK(rte_telemetry_register_cmd("/wirefault/stats", tel_stats,
		"Per-port rx, tx and drop counters, per-lcore loops. "
		"No parameters"));
	TEL_CHECK(rte_telemetry_register_cmd("/wirefault/ports", tel_ports,
		"Ports: role, peer, queues, link and NIC counters. "
		"No parameters"));
	TEL_CHECK(rte_telemetry_register_cmd("/wirefault/mempool", tel_mempool,
		"Packet pools: size, in_use, available. No parameters"));
	TEL_CHECK(rte_telemetry_register_cmd("/wirefault/tcp_states",
		tel_tcp_states, "Connections per TCP state, table size, "
		"syn_unanswered, synack_retrans_after_data. No parameters"));
	TEL_CHECK(rte_telemetry_register_cmd("/wirefault/flows", tel_flows,
		"Tracked connections in table order. Parameters: START[,COUNT] "
		"(COUNT 1-32, default 16); 'next' is the START of the next page"));
	TEL_CHECK(rte_telemetry_register_cmd("/wirefault/rules", tel_rules,
		"Rules in order with matched and acted counts, version, "
		"deadman_ms. Parameters: START[,COUNT] (COUNT 1-32, default 32)"));
	return 0;
}
