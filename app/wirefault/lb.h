/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#ifndef WF_APP_LB_H
#define WF_APP_LB_H

/*
 * Load balancing in the app: the per-flow NAT mappings, the table that
 * finds a flow from its server-side addresses, the lb rules' backends
 * (their learned MACs and counters), and ARP/ND for VIPs and SNAT
 * addresses. The byte work (rewrites, ARP/ND frames, the SNAT port pool)
 * is lib/nat's.
 *
 * A connection to a VIP is one flow, keyed by its client-side addresses
 * as always. Its mapping holds both sides; the server-side addresses are
 * a second key in a NAT hash that leads to the same flow, so both
 * directions are tracked in one entry. Mappings die with their flow (the
 * flow table's delete hook), after a grace period: only then is the SNAT
 * port free again.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "wf_nat.h"
#include "wirefault.h"

/* One connection's translation. Written once, by the worker that maps it. */
struct wf_nat_map {
	int32_t flow_pos;          /* the flow it belongs to */
	uint8_t family;
	uint8_t has_snat;
	uint8_t rev_client_side;   /* endpoint of the client in the NAT key */
	uint8_t backend;           /* index in its rule */
	uint16_t vport, cport;     /* host order: the VIP's and client's */
	uint16_t bport, sport;     /* the backend's and the SNAT port */
	uint8_t vip[16], client[16], be[16], snat[16];
	uint8_t client_mac[6], vip_mac[6], be_mac[6], srv_mac[6];
	struct wf_nat_ports *ports; /* the SNAT pool its port came from */
	struct wf_flow_key key;    /* its key in the NAT hash */
	uint32_t rule_id;
} __rte_cache_aligned;

/* An lb rule's state beside its parsed form. */
#define WF_LB_MAC_KNOWN (UINT64_C(1) << 63)

struct wf_lb_wcount {
	uint64_t conns[WF_LB_MAX_BACKENDS];  /* connections sent to each */
} __rte_cache_aligned;

struct wf_lb_rt {
	uint32_t rr;               /* atomic: rotation counter of mode rr */
	uint16_t client_port;      /* where the VIP is answered: "in P" ... */
	bool any_client_port;      /* ... or the first port of every pair */
	struct wf_nat_ports *ports; /* SNAT pool (per SNAT address), or NULL */
	uint64_t mac[WF_LB_MAX_BACKENDS];      /* atomic: KNOWN | MAC */
	uint64_t probe_at[WF_LB_MAX_BACKENDS]; /* atomic: TSC of next ask */
	struct wf_lb_wcount *w;    /* one per worker */
};

/* Control lcore. */
int wf_lb_rule_new(struct wf_rule_rt *rt, char *err, size_t err_len);
void wf_lb_rule_free(struct wf_rule_rt *rt);
/* -EEXIST with a message when @p rt balances a VIP another rule does. */
int wf_lb_vip_clash(const struct wf_rule_rt *rt, struct wf_rule_rt *const *list,
		uint32_t nb, char *err, size_t err_len);
void wf_lb_flow_deleted(void *ctx, struct wf_flow *f);
void wf_lb_tick(void);
void wf_lb_show(const struct wf_rule_rt *rt, struct wf_reply *r);
struct rte_tel_data;
int wf_lb_tel(const struct wf_rule_rt *rt, struct rte_tel_data *d);

/* Workers. */
extern struct wf_nat_map *wf_lb_maps;

static inline struct wf_nat_map *
wf_lb_map_of(const struct wf_flow *f)
{
	return f->rules.nat != 0 ? &wf_lb_maps[f->rules.nat - 1] : NULL;
}

/*
 * The mappings whose server-side keys are @p keys[0 .. n - 1] (n at most
 * RTE_HASH_LOOKUP_BULK_MAX), NULL for each key that has none.
 */
void wf_lb_rev_lookup_bulk(const struct wf_flow_key **keys,
		unsigned int n, struct wf_nat_map **maps);

/* Outcome of mapping a new connection. */
enum wf_lb_result {
	WF_LB_MAPPED = 0,
	WF_LB_NO_MAC,              /* backend MAC not known yet: asked */
	WF_LB_NO_PORT,             /* SNAT pool exhausted */
	WF_LB_NO_MAP,              /* NAT table full or key clash */
	WF_LB_MARTIAN,             /* martian client: never mapped */
};

/*
 * Map the connection of flow @p f (at @p pos), whose SYN @p p (frame
 * @p frame) matched lb rule @p rt, to a backend, leaving the packet as it
 * is (the rewrite stage changes it).
 */
enum wf_lb_result wf_lb_connect(struct wf_rule_rt *rt, unsigned int wi,
		struct wf_flow *f, int32_t pos, const struct wf_pkt *p,
		const uint8_t *frame, uint16_t out_port);

/*
 * Rewrite a packet of a mapped connection: @p to_backend for the client's
 * packets (DNAT, SNAT), else the backend's (back to the VIP). 0, or -1
 * when its headers are not in the first segment.
 */
int wf_lb_rewrite(struct rte_mbuf *m, const struct wf_pkt *p,
		const struct wf_nat_map *map, bool to_backend);

/*
 * An ARP or ND packet @p m, received on @p rx_port, while lb rules exist:
 * learn backend MACs from it; when it asks for a VIP or SNAT address of
 * this side (or answers one of our own requests), return true (the packet
 * is consumed) with the answer in *@p reply (NULL when none is due or no
 * mbuf was free).
 */
bool wf_lb_neigh(const struct wf_ruleset *set, struct rte_mbuf *m,
		uint16_t rx_port, struct rte_mbuf **reply);

/* Ask for unknown backend MACs on @p port, TX queue @p queue (rate-limited). */
unsigned int wf_lb_probe(const struct wf_ruleset *set, uint16_t port,
		uint16_t queue, uint64_t now_tsc);

#endif /* WF_APP_LB_H */
