/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#ifndef WF_FLOW_H
#define WF_FLOW_H

/**
 * @file
 * The flow table: one entry per connection, both directions in one entry.
 *
 * Workers look flows up and insert them without locks on the lookup path
 * (rte_hash with RW_CONCURRENCY_LF; inserts take the hash's writer lock,
 * once per new flow). Each flow is written only by the worker its packets
 * reach (symmetric RSS). The control lcore ages and evicts entries; a
 * deleted entry's slot is reused only after every worker has passed a
 * quiescent point (rte_rcu_qsbr), so a worker never sees its entry change
 * under it. Time is injected as TSC values: the logic reads no clock.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_rcu_qsbr.h>

#include "wf_action.h"
#include "wf_pkt.h"
#include "wf_tcp.h"

/**
 * The key of a connection: its two endpoints in canonical order (the lower
 * address/port first), so both directions give the same key.
 */
struct wf_flow_key {
	uint8_t addr[2][16];   /**< network order; IPv4 in the first 4 bytes */
	uint16_t port[2];      /**< host order */
	uint16_t vlan;         /**< outer VLAN ID, 0 when untagged */
	uint8_t proto;
	uint8_t family;        /**< 4 or 6 */
	/*
	 * Zero. 48 bytes is a size rte_hash compares with vector loads (40
	 * calls memcmp), and its key-store slot (key + 8) is then exactly one
	 * cache line: one miss per lookup, not two for half the slots.
	 */
	uint8_t pad[8];
} __rte_aligned(8);  /* rte_hash_crc reads it 8 bytes at a time (UBSan) */

/** Directions, relative to the connection's originator. */
#define WF_DIR_ORIG  0
#define WF_DIR_REPLY 1

/**
 * What the rules know of a flow, on its own cache line: touched only when
 * a rule set is loaded. Per direction, the rule-set version it was worked
 * out for and which of the first 63 rules match the flow's addresses and
 * ports (the part of a rule that is the same for all its packets), bit 63
 * whether a later rule does, so a packet checks only its flags, kind and
 * state against those; then the counting actions' per-flow slots.
 */
struct wf_flow_rules {
	uint32_t version[2];   /**< per WF_DIR_*: 0 = not worked out yet */
	uint64_t cand[2];      /**< per WF_DIR_*: bit i = rule i's flow part;
	                            bit 63: a later rule's */
	struct wf_act_slots act;
	uint32_t nat;          /**< load-balancing mapping + 1; 0 = none */
};

/** One connection. Written by its worker; read by the control lcore. */
struct wf_flow {
	uint64_t first_tsc;    /**< first packet (or reopening SYN) */
	uint64_t last_tsc;     /**< latest packet */
	uint64_t pkts[2];      /**< per WF_DIR_* */
	uint64_t bytes[2];     /**< per WF_DIR_*, frame bytes */
	uint16_t retrans[2];   /**< retransmissions per WF_DIR_* (saturate) */
	uint8_t in_use;        /**< atomic: set on insert, cleared on delete */
	uint8_t orig_side;     /**< key endpoint (0 or 1) of the originator */
	struct wf_tcp_conn tcp;
	struct wf_flow_rules rules __rte_cache_aligned;
};

/** Control-lcore counters of a table (one writer: the control lcore). */
struct wf_flow_table_stats {
	uint64_t aged;              /**< deleted by their state's timeout */
	uint64_t evicted_embryonic; /**< deleted early to make room (full) */
	uint64_t reclaimed;         /**< slots returned after a grace period */
};

struct wf_flow_table;

struct wf_flow_params {
	const char *name;
	uint32_t capacity;     /**< flows (>= 8) */
	int socket_id;
	uint32_t seed;         /**< hash seed: random at start-up */
	struct rte_rcu_qsbr *qsv; /**< the workers' QSBR variable */
	/** Optional: called on the control lcore as an entry is deleted. */
	void (*on_delete)(void *ctx, struct wf_flow *f);
	void *on_delete_ctx;
};

/** Create a table; NULL with rte_errno set on failure. */
struct wf_flow_table *wf_flow_table_create(const struct wf_flow_params *p);
void wf_flow_table_free(struct wf_flow_table *t);

/**
 * Empty the table at once, as it was when created (positions are handed
 * out in the same order again; on_delete is not called). Only while no
 * other thread uses it, and once every reader has reported quiescent
 * since the last delete.
 *
 * @return 0, or -EBUSY (nothing changed) while deleted slots still wait
 *   for their grace period.
 */
int wf_flow_table_reset(struct wf_flow_table *t);

/* Every byte of the key is a field: nothing else to clear before hashing. */
_Static_assert(sizeof(struct wf_flow_key) == 2 * 16 + 2 * 2 + 2 + 1 + 1 + 8,
		"struct wf_flow_key has no padding");

/* Order of two 16-byte addresses as big-endian numbers (memcmp's order). */
static inline int
wf_flow_addr_cmp(const uint8_t *a, const uint8_t *b)
{
	uint64_t a0, a1, b0, b1;

	memcpy(&a0, a, 8);
	memcpy(&a1, a + 8, 8);
	memcpy(&b0, b, 8);
	memcpy(&b1, b + 8, 8);
	a0 = rte_be_to_cpu_64(a0);
	b0 = rte_be_to_cpu_64(b0);
	if (a0 != b0)
		return a0 < b0 ? -1 : 1;
	a1 = rte_be_to_cpu_64(a1);
	b1 = rte_be_to_cpu_64(b1);
	if (a1 != b1)
		return a1 < b1 ? -1 : 1;
	return 0;
}

/**
 * Canonical key of a classified packet. Returns the key endpoint (0 or 1)
 * that sent it. Fixed-size copies and compares of the whole 16-byte
 * address fields (an IPv4 packet's tails are zero on both sides): no
 * length-dependent memcpy, which costs tens of cycles on short copies.
 */
static inline unsigned int
wf_flow_key_make(const struct wf_pkt *p, struct wf_flow_key *k)
{
	int c = wf_flow_addr_cmp(p->src, p->dst);
	unsigned int lo;

	if (c == 0)
		c = (int)p->sport - (int)p->dport;
	lo = c <= 0 ? 0 : 1;
	memcpy(k->addr[lo], p->src, 16);
	memcpy(k->addr[1 - lo], p->dst, 16);
	k->port[lo] = p->sport;
	k->port[1 - lo] = p->dport;
	k->vlan = p->nb_vlan != 0 ? (p->vlan_tci[0] & 0xfff) : 0;
	k->proto = p->proto;
	k->family = p->family;
	memset(k->pad, 0, sizeof(k->pad));
	return lo;
}

/* Workers. */

/**
 * Look up @p n keys; pos[i] gets the entry position or a negative errno.
 * n <= RTE_HASH_LOOKUP_BULK_MAX.
 */
void wf_flow_lookup_bulk(const struct wf_flow_table *t,
		const struct wf_flow_key **keys, unsigned int n, int32_t *pos);

/**
 * Insert @p key; the position, or -ENOSPC when the table is full. When
 * another worker inserted the same key first, its position is returned
 * and *@p existed is set.
 */
int32_t wf_flow_insert(struct wf_flow_table *t, const struct wf_flow_key *key,
		bool *existed);

/** The entry at @p pos (a position from lookup or insert). */
struct wf_flow *wf_flow_at(const struct wf_flow_table *t, int32_t pos);

/**
 * The entries, indexed by position: entries[pos] is wf_flow_at(t, pos).
 * For a worker's burst, which would otherwise call wf_flow_at per packet.
 */
struct wf_flow *wf_flow_entries(const struct wf_flow_table *t);

/* Control lcore. */

/** Per-state idle timeouts in TSC cycles, indexed by enum wf_tcp_state. */
struct wf_flow_timeouts {
	uint64_t tsc[WF_TCP_STATE_MAX];
};

/**
 * Age up to @p budget positions from the table's cursor: delete entries
 * idle longer than their state's timeout at @p now_tsc. When @p make_room
 * (the table is full or nearly), also delete CLOSED and TIME_WAIT
 * entries, then SYN_SENT and SYN_RECV ones, never others, up to
 * @p room entries. Returns the number deleted.
 */
unsigned int wf_flow_age(struct wf_flow_table *t, uint64_t now_tsc,
		const struct wf_flow_timeouts *to, uint32_t budget,
		bool make_room, uint32_t room);

/** Return the slots of deleted entries whose grace period is over. */
unsigned int wf_flow_reclaim(struct wf_flow_table *t);

/** Delete the entry at @p pos now (control lcore only). */
int wf_flow_delete(struct wf_flow_table *t, int32_t pos);

/** Connections in the table (what lookups can find). */
uint32_t wf_flow_count(const struct wf_flow_table *t);
/** Hash slots in use: deleted entries count until their grace period ends. */
uint32_t wf_flow_slots_used(const struct wf_flow_table *t);
uint32_t wf_flow_capacity(const struct wf_flow_table *t);
/** One past the highest position an entry can have. */
uint32_t wf_flow_max_pos(const struct wf_flow_table *t);
/** The key at @p pos; NULL when the position holds none. */
const struct wf_flow_key *wf_flow_key_at(const struct wf_flow_table *t,
		int32_t pos);
const struct wf_flow_table_stats *
wf_flow_table_stats(const struct wf_flow_table *t);
/** Bytes of memory the table holds (hash, keys, entries, queues). */
uint64_t wf_flow_table_memory(const struct wf_flow_table *t);

#endif /* WF_FLOW_H */
