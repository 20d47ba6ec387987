/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#ifndef WF_NAT_H
#define WF_NAT_H

/**
 * @file
 * The packet side of load balancing: rewriting an address and port in
 * place with incremental checksums (RFC 1624), answering and asking ARP
 * and IPv6 neighbour discovery, and the SNAT port pool. Pure functions on
 * bytes (and one lock-free bitmap), so they are unit-tested and fuzzed
 * without DPDK; the app owns the mbufs and the per-flow mappings.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wf_pkt.h"

/**
 * Fold a change of @p len bytes (even) from @p old to @p new into the
 * one's-complement checksum @p csum (network order, as stored in a
 * header): RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'). A checksum that was
 * wrong stays wrong by the same amount.
 */
uint16_t wf_csum_adjust(uint16_t csum, const void *old, const void *new,
		size_t len);

/** Which endpoint wf_nat_rewrite() changes. */
#define WF_NAT_SRC 0
#define WF_NAT_DST 1

/**
 * Rewrite one endpoint (address and port) of a classified TCP or UDP
 * packet in place: the IPv4 header checksum, and the TCP or UDP checksum
 * (its pseudo-header included) are updated incrementally; a UDP/IPv4
 * checksum of 0 (none) stays 0. Nothing else changes: lengths, padding
 * after the datagram, options.
 *
 * @param frame  the frame's bytes, writable, holding at least the headers
 * @param len    bytes available at @p frame
 * @param p      the frame's parse summary (CLASSIFY; family 4 or 6)
 * @param which  WF_NAT_SRC or WF_NAT_DST
 * @param addr   the new address, network order (4 or 16 bytes by family)
 * @param port   the new port, host order
 * @return 0, or -EINVAL when the headers are not all within @p len or the
 *   packet is neither TCP nor UDP (then nothing was written)
 */
int wf_nat_rewrite(uint8_t *frame, uint32_t len, const struct wf_pkt *p,
		unsigned int which, const uint8_t *addr, uint16_t port);

/** Set the Ethernet destination and source of a frame (6 bytes each). */
void wf_nat_set_macs(uint8_t *frame, const uint8_t dst[6],
		const uint8_t src[6]);

/* Neighbour resolution: ARP for IPv4, NS/NA (ICMPv6 135/136) for IPv6. */
#define WF_NEIGH_REQUEST 1    /**< ARP request, neighbour solicitation */
#define WF_NEIGH_REPLY   2    /**< ARP reply, neighbour advertisement */

/** What an ARP message or NS/NA says. */
struct wf_neigh {
	uint8_t family;            /**< 4 (ARP) or 6 (ICMPv6 ND) */
	uint8_t op;                /**< WF_NEIGH_REQUEST or WF_NEIGH_REPLY */
	uint8_t nb_vlan;           /**< VLAN tags before it (0..2) */
	bool has_mac;              /**< @c mac is known */
	/**
	 * The link address of @c ip: ARP's sender hardware address; for NS
	 * the source link-layer option (else the Ethernet source); for NA
	 * the target link-layer option (else the Ethernet source).
	 */
	uint8_t mac[6];
	/** ARP sender IP; IPv6: the NS's source address, the NA's target. */
	uint8_t ip[16];
	/** What is asked about: ARP target IP; IPv6: the NS/NA target. */
	uint8_t target[16];
	uint8_t eth_src[6];        /**< the frame's Ethernet source */
	uint8_t ip6_src[16];       /**< IPv6: the packet's source address */
};

/**
 * Parse an ARP frame (Ethernet/IPv4 ARP, after 0-2 VLAN tags) or an ICMPv6
 * neighbour solicitation or advertisement (hop limit 255, code 0, with
 * bounds-checked options), from the start of the frame.
 * @return 0, or -EINVAL for anything else, truncated or malformed
 */
int wf_neigh_parse(const uint8_t *frame, uint32_t len, struct wf_neigh *n);

/**
 * Should a device that owns the addresses @p addrs (each 16 bytes,
 * IPv4 in the first 4, the rest zero; family given by @p n) answer @p n?
 * Only a request whose target is one of them, from a sender that is not
 * itself claiming the target (no gratuitous ARP, no DAD probe with an
 * unspecified source for IPv6).
 */
bool wf_neigh_should_answer(const struct wf_neigh *n,
		const uint8_t (*addrs)[16], unsigned int nb_addrs);

/**
 * Build the answer to the request @p req_frame (parsed as @p n): an ARP
 * reply, or an NA (solicited, override, hop limit 255, target link-layer
 * option) sent to the NS's source, saying @p n->target is at @p mac. VLAN
 * tags are kept; the Ethernet destination is the requester.
 * @return the frame's length, or 0 when @p cap is too small
 */
uint32_t wf_neigh_answer(const uint8_t *req_frame, const struct wf_neigh *n,
		const uint8_t mac[6], uint8_t *out, uint32_t cap);

/**
 * Build a request for @p target (ARP request broadcast, or NS to the
 * solicited-node multicast address with a source link-layer option) from
 * @p src_ip at @p src_mac, untagged.
 * @param family 4 or 6
 * @return the frame's length, or 0 when @p cap is too small
 */
uint32_t wf_neigh_request(unsigned int family, const uint8_t src_mac[6],
		const uint8_t *src_ip, const uint8_t *target, uint8_t *out,
		uint32_t cap);

/** Longest frame wf_neigh_answer() and wf_neigh_request() build. */
#define WF_NEIGH_FRAME_MAX 128

/**
 * A pool of SNAT ports: a bitmap, one bit per port, taken with a
 * compare-and-swap so any number of workers may take ports while the
 * control lcore returns them. A port in use is never handed out again
 * until it is put back.
 */
struct wf_nat_ports;

/** A pool of the ports lo..hi (host order, lo <= hi); NULL when no memory. */
struct wf_nat_ports *wf_nat_ports_create(uint16_t lo, uint16_t hi);
void wf_nat_ports_free(struct wf_nat_ports *p);

/**
 * Take a free port (host order), searching on from the last one taken.
 * @return the port, or -ENOSPC when every port is in use
 */
int wf_nat_ports_get(struct wf_nat_ports *p);

/** Return @p port; -EINVAL if it is outside the pool or was not taken. */
int wf_nat_ports_put(struct wf_nat_ports *p, uint16_t port);

/** Ports in use now. */
uint32_t wf_nat_ports_in_use(const struct wf_nat_ports *p);

#endif /* WF_NAT_H */
