/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#ifndef WF_TXRX_H
#define WF_TXRX_H

/*
 * The one way wirefault receives and sends packets. Received mbufs become
 * wirefault's (wf_mbuf_own.h); TX takes ownership of the packets it
 * accepts and leaves the rest to the caller, to free and count. The fault
 * hook of fault-injection builds can make TX accept fewer.
 */

#include <rte_ethdev.h>

#include "fault.h"
#include "wf_mbuf_own.h"

static inline uint16_t
wf_rx_burst(uint16_t port, uint16_t queue, struct rte_mbuf **pkts,
		uint16_t n)
{
	uint16_t got = rte_eth_rx_burst(port, queue, pkts, n);

	wf_mbuf_take_bulk(pkts, got);
	return got;
}

static inline uint16_t
wf_tx_burst(uint16_t port, uint16_t queue, struct rte_mbuf **pkts,
		uint16_t n)
{
	uint16_t sent;

	wf_mbuf_give_bulk(pkts, n);
	sent = rte_eth_tx_burst(port, queue, pkts, wf_fault_tx_accept(n));
	wf_mbuf_take_bulk(pkts + sent, n - sent);
	return sent;
}

#endif /* WF_TXRX_H */
