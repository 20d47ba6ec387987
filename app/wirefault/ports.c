/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * Pools and ports, in the l2fwd order: pair the ports, size one pool per
 * NUMA socket from a formula, then configure each port by what its
 * rte_eth_dev_info says it can do, and start it.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_pdump.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "txrx.h"
#include "wirefault.h"

#define WF_POOL_CACHE 256

/*
 * A repeated 0x6d5a key makes Toeplitz RSS symmetric: both directions of
 * a connection hash to the same queue index, and so to the same worker.
 */
static uint8_t symmetric_rss_key[64];

static int
port_socket(uint16_t port_id)
{
	int s = rte_eth_dev_socket_id(port_id);

	return s >= 0 ? s : (int)rte_socket_id();
}

const char *
wf_port_role(uint16_t port_id)
{
	const struct wf_port *p = &wf.port[port_id];

	if (!p->used)
		return "unused";
	return p->is_mirror ? "mirror" : "forward";
}

/* Pair the ports 0<->1, 2<->3, ..., leaving out the mirror port. */
static int
ports_pair(void)
{
	uint16_t pid, pending = WF_PORT_NONE;

	wf.nb_ports = rte_eth_dev_count_avail();
	if (wf.opt.mirror_port != WF_PORT_NONE &&
			!rte_eth_dev_is_valid_port(wf.opt.mirror_port)) {
		fprintf(stderr, "wirefault: --mirror-port %u: no such port "
			"(%u ports)\n", wf.opt.mirror_port, wf.nb_ports);
		return -EINVAL;
	}
	RTE_ETH_FOREACH_DEV(pid) {
		struct wf_port *p = &wf.port[pid];

		p->used = true;
		p->socket = port_socket(pid);
		p->peer = WF_PORT_NONE;
		if (pid == wf.opt.mirror_port) {
			p->is_mirror = true;
			continue;
		}
		if (pending == WF_PORT_NONE) {
			pending = pid;
		} else {
			p->peer = pending;
			wf.port[pending].peer = pid;
			pending = WF_PORT_NONE;
		}
	}
	if (pending != WF_PORT_NONE) {
		fprintf(stderr, "wirefault: port %u has no peer: ports come in "
			"pairs (0<->1, 2<->3, ...); name a spare port with "
			"--mirror-port\n", pending);
		return -EINVAL;
	}
	if (wf.nb_ports == 0 || (wf.nb_ports == 1 &&
			wf.opt.mirror_port != WF_PORT_NONE)) {
		fprintf(stderr, "wirefault: no port pair to forward between "
			"(give two ports, e.g. --vdev net_null0 --vdev net_null1)\n");
		return -EINVAL;
	}
	return 0;
}

/* Queues per port: one per worker sharing a pair, within device limits. */
static void
ports_size_queues(void)
{
	unsigned int nb_pairs = 0, want;
	struct rte_eth_dev_info info;
	uint16_t pid;

	RTE_ETH_FOREACH_DEV(pid)
		if (!wf.port[pid].is_mirror && pid < wf.port[pid].peer)
			nb_pairs++;
	want = wf.opt.nb_queues != 0 ? wf.opt.nb_queues :
		RTE_MAX(1u, wf.nb_workers / RTE_MAX(nb_pairs, 1u));

	RTE_ETH_FOREACH_DEV(pid) {
		struct wf_port *p = &wf.port[pid];
		uint16_t q = (uint16_t)want;

		if (p->is_mirror) {
			/* one TX queue per worker, so workers never share one */
			p->nb_rxq = 1;
			p->nb_txq = (uint16_t)wf.nb_workers;
			continue;
		}
		/* both ports of a pair use the same queue count */
		if (rte_eth_dev_info_get(pid, &info) == 0)
			q = RTE_MIN(q, RTE_MIN(info.max_rx_queues,
					info.max_tx_queues));
		if (rte_eth_dev_info_get(p->peer, &info) == 0)
			q = RTE_MIN(q, RTE_MIN(info.max_rx_queues,
					info.max_tx_queues));
		p->nb_rxq = p->nb_txq = RTE_MAX(q, (uint16_t)1);
	}
}

/* One pool per socket that has ports: descriptors + bursts + caches. */
static int
pools_create(void)
{
	unsigned int need[RTE_MAX_NUMA_NODES] = { 0 };
	unsigned int nb_lcores = rte_lcore_count();
	char name[RTE_MEMPOOL_NAMESIZE];
	uint16_t pid;
	int s;

	RTE_ETH_FOREACH_DEV(pid) {
		struct wf_port *p = &wf.port[pid];

		need[p->socket] += p->nb_rxq * wf.opt.nb_rxd +
			p->nb_txq * wf.opt.nb_txd;
	}
	for (s = 0; s < RTE_MAX_NUMA_NODES; s++) {
		unsigned int n;

		if (need[s] == 0)
			continue;
		n = need[s] + nb_lcores * (WF_BURST + WF_POOL_CACHE);
		n = RTE_MAX(n, 8192u);
		if (wf.opt.nb_mbufs != 0)
			n = wf.opt.nb_mbufs;
		snprintf(name, sizeof(name), "wf_pool_s%d", s);
		wf.pools[s] = rte_pktmbuf_pool_create(name, n, WF_POOL_CACHE,
				0, wf.opt.mbuf_size, s);
		if (wf.pools[s] == NULL) {
			fprintf(stderr, "wirefault: rte_pktmbuf_pool_create(%s, "
				"%u mbufs of %u bytes, socket %d) failed: %s\n",
				name, n, wf.opt.mbuf_size, s,
				rte_strerror(rte_errno));
			return -rte_errno;
		}
		WF_LOG(INFO, "pool %s: %u mbufs of %u bytes on socket %d\n",
			name, n, wf.opt.mbuf_size, s);
	}
	RTE_ETH_FOREACH_DEV(pid)
		wf.port[pid].pool = wf.pools[wf.port[pid].socket];
	return 0;
}

static int
port_configure(uint16_t pid)
{
	struct wf_port *p = &wf.port[pid];
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	struct rte_eth_rxconf rxconf;
	struct rte_eth_txconf txconf;
	uint16_t q;
	int ret;

	ret = rte_eth_dev_info_get(pid, &info);
	if (ret != 0) {
		fprintf(stderr, "wirefault: rte_eth_dev_info_get(port %u): %s\n",
			pid, rte_strerror(-ret));
		return ret;
	}
	memset(&conf, 0, sizeof(conf));
	if (p->nb_rxq > 1) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_key = symmetric_rss_key;
		conf.rx_adv_conf.rss_conf.rss_key_len =
			info.hash_key_size != 0 ? info.hash_key_size : 40;
		conf.rx_adv_conf.rss_conf.rss_hf = (RTE_ETH_RSS_IP |
			RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP) &
			info.flow_type_rss_offloads;
	}
	if (p->nb_txq > info.max_tx_queues) {
		fprintf(stderr, "wirefault: port %u (%s) has %u TX queues, "
			"needs %u\n", pid, rte_dev_name(info.device),
			info.max_tx_queues, p->nb_txq);
		return -EINVAL;
	}
	ret = rte_eth_dev_configure(pid, p->nb_rxq, p->nb_txq, &conf);
	if (ret != 0) {
		fprintf(stderr, "wirefault: rte_eth_dev_configure(port %u, "
			"%u rxq, %u txq): %s\n", pid, p->nb_rxq, p->nb_txq,
			rte_strerror(-ret));
		return ret;
	}
	p->nb_rxd = wf.opt.nb_rxd;
	p->nb_txd = wf.opt.nb_txd;
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(pid, &p->nb_rxd, &p->nb_txd);
	if (ret != 0) {
		fprintf(stderr, "wirefault: rte_eth_dev_adjust_nb_rx_tx_desc"
			"(port %u): %s\n", pid, rte_strerror(-ret));
		return ret;
	}
	rxconf = info.default_rxconf;
	rxconf.offloads = conf.rxmode.offloads;
	for (q = 0; q < p->nb_rxq; q++) {
		ret = rte_eth_rx_queue_setup(pid, q, p->nb_rxd, p->socket,
				&rxconf, p->pool);
		if (ret != 0) {
			fprintf(stderr, "wirefault: rte_eth_rx_queue_setup(port "
				"%u, queue %u): %s\n", pid, q,
				rte_strerror(-ret));
			return ret;
		}
	}
	txconf = info.default_txconf;
	txconf.offloads = conf.txmode.offloads;
	for (q = 0; q < p->nb_txq; q++) {
		ret = rte_eth_tx_queue_setup(pid, q, p->nb_txd, p->socket,
				&txconf);
		if (ret != 0) {
			fprintf(stderr, "wirefault: rte_eth_tx_queue_setup(port "
				"%u, queue %u): %s\n", pid, q,
				rte_strerror(-ret));
			return ret;
		}
	}
	/* a bump in the wire forwards every frame, whatever its MAC */
	ret = rte_eth_promiscuous_enable(pid);
	if (ret != 0 && ret != -ENOTSUP)
		WF_LOG(WARNING, "port %u: promiscuous mode: %s\n", pid,
			rte_strerror(-ret));
	return 0;
}

static void
port_print(uint16_t pid)
{
	struct wf_port *p = &wf.port[pid];
	struct rte_eth_link link;
	struct rte_ether_addr mac;
	char link_txt[RTE_ETH_LINK_MAX_STR_LEN];
	char mac_txt[RTE_ETHER_ADDR_FMT_SIZE] = "?";

	if (rte_eth_link_get_nowait(pid, &link) == 0)
		rte_eth_link_to_str(link_txt, sizeof(link_txt), &link);
	else
		snprintf(link_txt, sizeof(link_txt), "link unknown");
	if (rte_eth_macaddr_get(pid, &mac) == 0) {
		rte_ether_format_addr(mac_txt, sizeof(mac_txt), &mac);
		memcpy(p->mac, mac.addr_bytes, sizeof(p->mac));
	}
	if (p->is_mirror)
		printf("port %u: %s, mirror port, %u txq, %s\n", pid, mac_txt,
			p->nb_txq, link_txt);
	else
		printf("port %u: %s, paired with port %u, %u queue(s), "
			"%u/%u descriptors, %s\n", pid, mac_txt, p->peer,
			p->nb_rxq, p->nb_rxd, p->nb_txd, link_txt);
}

int
wf_ports_init(void)
{
	uint16_t pid;
	unsigned int i;
	int ret;

	for (i = 0; i < sizeof(symmetric_rss_key); i += 2) {
		symmetric_rss_key[i] = 0x6d;
		symmetric_rss_key[i + 1] = 0x5a;
	}
	ret = ports_pair();
	if (ret != 0)
		return ret;
	ports_size_queues();
	ret = pools_create();
	if (ret != 0)
		return ret;
	RTE_ETH_FOREACH_DEV(pid) {
		ret = port_configure(pid);
		if (ret != 0)
			return ret;
	}
	RTE_ETH_FOREACH_DEV(pid) {
		ret = rte_eth_dev_start(pid);
		if (ret != 0) {
			fprintf(stderr, "wirefault: rte_eth_dev_start(port %u): "
				"%s\n", pid, rte_strerror(-ret));
			return ret;
		}
		port_print(pid);
	}
	/* dpdk-dumpcap attaches to a primary on hugepages */
	ret = rte_pdump_init();
	if (ret != 0)
		WF_LOG(NOTICE, "rte_pdump_init: %s: dpdk-dumpcap cannot "
			"capture here\n", rte_strerror(rte_errno));
	return 0;
}

/*
 * The mbufs of @p pool not back in it once the ports are closed, reported.
 * Only where every driver gives back what it held: net_af_xdp keeps its
 * fill ring's mbufs past close, so there the count proves nothing.
 */
static unsigned int
pool_leaked(const struct rte_mempool *pool, bool checkable)
{
	unsigned int n = pool != NULL ? rte_mempool_in_use_count(pool) : 0;

	if (n == 0)
		return 0;
	if (!checkable) {
		WF_LOG(INFO, "pool %s: %u mbufs held by a driver after close "
			"(not checked for leaks)\n", pool->name, n);
		return 0;
	}
	WF_LOG(ERR, "pool %s: %u mbufs not returned after the ports closed: "
		"a leak\n", pool->name, n);
	return n;
}

/* Does port @p pid's driver give every mbuf back when it is closed? */
static bool
port_returns_mbufs(uint16_t pid)
{
	struct rte_eth_dev_info info;

	return rte_eth_dev_info_get(pid, &info) == 0 &&
		strcmp(info.driver_name, "net_af_xdp") != 0;
}

/*
 * Give the pools back what the port's queues still hold, before the leak
 * check: what waits in its RX queues (a net_ring port nobody reads keeps
 * our mirror copies there), and what its TX rings have sent but not freed.
 */
static void
port_drain(uint16_t pid)
{
	struct rte_mbuf *pkts[WF_BURST];
	uint16_t q, n;
	unsigned int bursts;

	for (q = 0; q < wf.port[pid].nb_rxq; q++)
		/* bounded: an infinite_rx pcap never runs dry */
		for (bursts = 0; bursts < 4096; bursts++) {
			n = wf_rx_burst(pid, q, pkts, WF_BURST);
			if (n == 0)
				break;
			wf_mbuf_free_bulk(pkts, n);
		}
	for (q = 0; q < wf.port[pid].nb_txq; q++)
		rte_eth_tx_done_cleanup(pid, q, 0);  /* -ENOTSUP is fine */
}

unsigned int
wf_ports_close(void)
{
	unsigned int leaked = 0;
	bool checkable = true;
	uint16_t pid;
	int s, ret;

	rte_pdump_uninit();
	RTE_ETH_FOREACH_DEV(pid) {
		if (!wf.port[pid].used)
			continue;
		checkable = checkable && port_returns_mbufs(pid);
		port_drain(pid);
		ret = rte_eth_dev_stop(pid);
		if (ret != 0)
			WF_LOG(WARNING, "rte_eth_dev_stop(port %u): %s\n", pid,
				rte_strerror(-ret));
		rte_eth_dev_close(pid);
		wf.port[pid].used = false;
	}
	/* closed ports hold no mbuf: every one is back, or one leaked */
	for (s = 0; s < RTE_MAX_NUMA_NODES; s++) {
		leaked += pool_leaked(wf.pools[s], checkable);
		rte_mempool_free(wf.pools[s]);
		wf.pools[s] = NULL;
	}
	leaked += pool_leaked(wf.mirror_pool, checkable);
	rte_mempool_free(wf.mirror_pool);
	wf.mirror_pool = NULL;
	return leaked;
}
