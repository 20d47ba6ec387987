/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * Load balancing: "action lb to B1,B2,... [mode M] [snat IP]". See lb.h
 * for the shape. The NAT hash and the mapping array are made when the
 * first lb rule is added, so a run without lb pays nothing for them.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_jhash.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include <rte_telemetry.h>

#include <netinet/in.h>

#include "wf_pkt_mbuf.h"

#include "fault.h"
#include "lb.h"
#include "txrx.h"

/* Distinct SNAT addresses: each has one port pool, kept for the run. */
#define LB_SNAT_POOLS 64

/* A mapping released on the control lcore, freed after a grace period. */
struct lb_dead {
	uint32_t key_pos;          /* its key's slot in the NAT hash */
	uint32_t map;              /* its index in wf_lb_maps */
};

struct wf_nat_map *wf_lb_maps;

static struct {
	struct rte_hash *h;        /* server-side key -> mapping index */
	struct rte_ring *free;     /* free mapping indexes */
	struct rte_rcu_qsbr_dq *dq; /* released mappings in their grace */
	uint32_t capacity;
	struct {
		uint8_t family;
		uint8_t addr[16];
		uint16_t lo, hi;       /* its ports */
		struct wf_nat_ports *ports;
	} snat[LB_SNAT_POOLS];
	unsigned int nb_snat;
} lb;

/* Defer-queue callback: the grace period is over, the mapping is free. */
static void
lb_dead_free(void *p, void *e, unsigned int n)
{
	const struct lb_dead *d = e;
	unsigned int i;

	RTE_SET_USED(p);
	for (i = 0; i < n; i++) {
		struct wf_nat_map *map = &wf_lb_maps[d[i].map];

		rte_hash_free_key_with_position(lb.h, d[i].key_pos);
		/* only now may another connection have the port */
		if (map->has_snat && map->ports != NULL)
			wf_nat_ports_put(map->ports, map->sport);
		rte_ring_enqueue(lb.free, (void *)(uintptr_t)d[i].map);
	}
}

/* Make the NAT table: as many mappings as the flow table has flows. */
static int
lb_init(char *err, size_t err_len)
{
	struct rte_hash_parameters hp = { 0 };
	struct rte_rcu_qsbr_dq_parameters dp = { 0 };
	uint32_t i, seed, cap = (uint32_t)wf.opt.flows;

	if (__atomic_load_n(&wf.lb_active, __ATOMIC_ACQUIRE))
		return 0;
	hp.name = "wf_nat";
	hp.entries = cap;
	hp.key_len = sizeof(struct wf_flow_key);
	/* as the flow table's: CRC is cheap, a secret seed keeps clients
	 * (whose addresses and ports are in the keys) from planning
	 * collisions */
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (uint32_t)rte_rdtsc();
	hp.hash_func = rte_hash_crc;
	hp.hash_func_init_val = seed;
	hp.socket_id = (int)rte_socket_id();
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
		RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD |
		RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
	lb.h = rte_hash_create(&hp);
	wf_lb_maps = rte_zmalloc("wf_nat_maps", (size_t)cap *
			sizeof(*wf_lb_maps), RTE_CACHE_LINE_SIZE);
	lb.free = rte_ring_create("wf_nat_free", rte_align32pow2(cap + 1),
			(int)rte_socket_id(), 0);
	dp.name = "wf_nat_dq";
	dp.size = cap;
	dp.esize = sizeof(struct lb_dead);
	dp.trigger_reclaim_limit = 0;
	dp.max_reclaim_size = cap;
	dp.free_fn = lb_dead_free;
	dp.v = wf.qsv;
	lb.dq = lb.h != NULL ? rte_rcu_qsbr_dq_create(&dp) : NULL;
	if (lb.h == NULL || wf_lb_maps == NULL || lb.free == NULL ||
			lb.dq == NULL) {
		snprintf(err, err_len, "no memory for the NAT table (%u "
			"mappings): %s", cap, rte_strerror(rte_errno));
		goto fail;
	}
	for (i = 0; i < cap; i++)
		rte_ring_enqueue(lb.free, (void *)(uintptr_t)i);
	lb.capacity = cap;
	__atomic_store_n(&wf.lb_active, 1, __ATOMIC_RELEASE);
	WF_LOG(INFO, "NAT table: %u mappings\n", cap);
	return 0;
fail:
	if (lb.dq != NULL)
		rte_rcu_qsbr_dq_delete(lb.dq);
	rte_ring_free(lb.free);
	rte_free(wf_lb_maps);
	rte_hash_free(lb.h);
	memset(&lb, 0, sizeof(lb));
	wf_lb_maps = NULL;
	return -ENOMEM;
}

/*
 * The port pool of the SNAT address of @p a, made on first use. An
 * address has one pool for the run, so every rule naming it must name
 * the same ports.
 */
static struct wf_nat_ports *
snat_pool(const struct wf_act_lb *a, char *err, size_t err_len)
{
	char txt[INET6_ADDRSTRLEN];
	unsigned int i;

	for (i = 0; i < lb.nb_snat; i++) {
		if (lb.snat[i].family != a->family ||
				memcmp(lb.snat[i].addr, a->snat, 16) != 0)
			continue;
		if (lb.snat[i].lo == a->snat_lo && lb.snat[i].hi == a->snat_hi)
			return lb.snat[i].ports;
		inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->snat, txt,
			sizeof(txt));
		snprintf(err, err_len, "snat: %s has ports %u-%u already (one "
			"range per SNAT address)", txt, lb.snat[i].lo,
			lb.snat[i].hi);
		return NULL;
	}
	if (lb.nb_snat == LB_SNAT_POOLS) {
		snprintf(err, err_len, "snat: no room for another SNAT "
			"address (%u at most)", LB_SNAT_POOLS);
		return NULL;
	}
	lb.snat[i].ports = WF_FAULT_ALLOC(wf_nat_ports_create(a->snat_lo,
			a->snat_hi));
	if (lb.snat[i].ports == NULL) {
		snprintf(err, err_len, "snat: no memory for its port pool");
		return NULL;
	}
	lb.snat[i].family = a->family;
	memcpy(lb.snat[i].addr, a->snat, 16);
	lb.snat[i].lo = a->snat_lo;
	lb.snat[i].hi = a->snat_hi;
	lb.nb_snat++;
	return lb.snat[i].ports;
}

int
wf_lb_rule_new(struct wf_rule_rt *rt, char *err, size_t err_len)
{
	const struct wf_act_lb *a = &rt->r.a.lb;
	struct wf_lb_rt *l;

	if (lb_init(err, err_len) != 0)
		return -ENOMEM;
	l = WF_FAULT_ALLOC(rte_zmalloc("wf_lb_rt", sizeof(*l),
			RTE_CACHE_LINE_SIZE));
	if (l == NULL) {
		snprintf(err, err_len, "no memory for the lb rule");
		return -ENOMEM;
	}
	l->w = WF_FAULT_ALLOC(rte_zmalloc("wf_lb_w",
			sizeof(*l->w) * wf.nb_workers, RTE_CACHE_LINE_SIZE));
	if (l->w == NULL) {
		rte_free(l);
		snprintf(err, err_len, "no memory for the lb rule's counters");
		return -ENOMEM;
	}
	if (a->has_snat) {
		l->ports = snat_pool(a, err, err_len);
		if (l->ports == NULL) {
			rte_free(l->w);
			rte_free(l);
			return -ENOSPC;
		}
	}
	l->any_client_port = !(rt->r.m.present & WF_RM_IN);
	l->client_port = rt->r.m.in_port;
	rt->lb = l;
	return 0;
}

void
wf_lb_rule_free(struct wf_rule_rt *rt)
{
	if (rt->lb == NULL)
		return;
	rte_free(rt->lb->w);
	rte_free(rt->lb);
	rt->lb = NULL;
}

/* The VIP of an lb rule is its dst; its port the dport range, if any. */
static bool
vip_overlap(const struct wf_rule *a, const struct wf_rule *b)
{
	const struct wf_port_range *pa = &a->m.dport, *pb = &b->m.dport;
	bool any_a = !(a->m.present & WF_RM_DPORT);
	bool any_b = !(b->m.present & WF_RM_DPORT);

	if (a->m.dst.family != b->m.dst.family ||
			memcmp(a->m.dst.addr, b->m.dst.addr, 16) != 0)
		return false;
	return any_a || any_b || (pa->lo <= pb->hi && pb->lo <= pa->hi);
}

int
wf_lb_vip_clash(const struct wf_rule_rt *rt, struct wf_rule_rt *const *list,
		uint32_t nb, char *err, size_t err_len)
{
	char txt[INET6_ADDRSTRLEN];
	uint32_t i;

	if (rt->r.a.kind != WF_ACT_LB)
		return 0;
	for (i = 0; i < nb; i++) {
		if (list[i] == rt || list[i]->r.a.kind != WF_ACT_LB ||
				!vip_overlap(&rt->r, &list[i]->r))
			continue;
		inet_ntop(rt->r.m.dst.family == 4 ? AF_INET : AF_INET6,
			rt->r.m.dst.addr, txt, sizeof(txt));
		snprintf(err, err_len, "lb: VIP %s (the same ports) is "
			"balanced by rule %u already", txt, list[i]->id);
		return -EEXIST;
	}
	return 0;
}

/*
 * Control lcore: flow @p f is being deleted. Its mapping's key leaves the
 * NAT hash now (no new packet finds it); the mapping and its SNAT port
 * are freed after a grace period.
 */
void
wf_lb_flow_deleted(void *ctx, struct wf_flow *f)
{
	struct wf_nat_map *map;
	struct lb_dead d;
	int32_t pos;

	RTE_SET_USED(ctx);
	if (f->rules.nat == 0 || wf_lb_maps == NULL)
		return;
	map = &wf_lb_maps[f->rules.nat - 1];
	d.map = f->rules.nat - 1;
	f->rules.nat = 0;
	pos = rte_hash_del_key(lb.h, &map->key);
	if (pos < 0) {
		/* not in the hash: nothing can reach it any more */
		rte_rcu_qsbr_synchronize(wf.qsv, RTE_QSBR_THRID_INVALID);
		if (map->has_snat && map->ports != NULL)
			wf_nat_ports_put(map->ports, map->sport);
		rte_ring_enqueue(lb.free, (void *)(uintptr_t)d.map);
		return;
	}
	d.key_pos = (uint32_t)pos;
	if (rte_rcu_qsbr_dq_enqueue(lb.dq, &d) != 0) {
		rte_rcu_qsbr_synchronize(wf.qsv, RTE_QSBR_THRID_INVALID);
		lb_dead_free(NULL, &d, 1);
	}
}

void
wf_lb_tick(void)
{
	unsigned int freed, pending, avail;

	if (__atomic_load_n(&wf.lb_active, __ATOMIC_ACQUIRE))
		rte_rcu_qsbr_dq_reclaim(lb.dq, UINT32_MAX, &freed, &pending,
			&avail);
}

static void
mac_text(uint64_t v, char *buf, size_t len)
{
	if (!(v & WF_LB_MAC_KNOWN)) {
		snprintf(buf, len, "unresolved");
		return;
	}
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		(unsigned int)(v >> 40) & 0xff, (unsigned int)(v >> 32) & 0xff,
		(unsigned int)(v >> 24) & 0xff, (unsigned int)(v >> 16) & 0xff,
		(unsigned int)(v >> 8) & 0xff, (unsigned int)v & 0xff);
}

static uint64_t
backend_conns(const struct wf_lb_rt *l, unsigned int b)
{
	uint64_t sum = 0;
	unsigned int w;

	for (w = 0; w < wf.nb_workers; w++)
		sum += __atomic_load_n(&l->w[w].conns[b], __ATOMIC_RELAXED);
	return sum;
}

static void
backend_text(const struct wf_act_lb *a, unsigned int b, char *buf,
		size_t len)
{
	char txt[INET6_ADDRSTRLEN];

	inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->be[b].addr, txt,
		sizeof(txt));
	snprintf(buf, len, a->family == 4 ? "%s:%u" : "[%s]:%u", txt,
		a->be[b].port);
}

void
wf_lb_show(const struct wf_rule_rt *rt, struct wf_reply *r)
{
	const struct wf_act_lb *a = &rt->r.a.lb;
	char be[INET6_ADDRSTRLEN + 8], mac[24];
	unsigned int b;

	if (rt->lb == NULL)
		return;
	for (b = 0; b < a->nb; b++) {
		backend_text(a, b, be, sizeof(be));
		mac_text(__atomic_load_n(&rt->lb->mac[b], __ATOMIC_RELAXED),
			mac, sizeof(mac));
		wf_reply_printf(r, "%22s backend %-24s conns %12" PRIu64
			"  mac %s\n", "", be, backend_conns(rt->lb, b), mac);
	}
	if (rt->lb->ports != NULL)
		wf_reply_printf(r, "%22s snat ports in use %u of %u\n", "",
			wf_nat_ports_in_use(rt->lb->ports),
			a->snat_hi - a->snat_lo + 1);
}

int
wf_lb_tel(const struct wf_rule_rt *rt, struct rte_tel_data *d)
{
	const struct wf_act_lb *a = &rt->r.a.lb;
	struct rte_tel_data *list;
	char be[INET6_ADDRSTRLEN + 8], mac[24], key[16];
	unsigned int b;

	if (rt->lb == NULL)
		return 0;
	for (b = 0; b < a->nb; b++) {
		list = rte_tel_data_alloc();
		if (list == NULL)
			return -1;
		backend_text(a, b, be, sizeof(be));
		mac_text(__atomic_load_n(&rt->lb->mac[b], __ATOMIC_RELAXED),
			mac, sizeof(mac));
		rte_tel_data_start_dict(list);
		snprintf(key, sizeof(key), "backend%u", b);
		if (rte_tel_data_add_dict_string(list, "addr", be) != 0 ||
				rte_tel_data_add_dict_u64(list, "conns",
					backend_conns(rt->lb, b)) != 0 ||
				rte_tel_data_add_dict_string(list, "mac", mac) != 0 ||
				rte_tel_data_add_dict_container(d, key, list,
					0) != 0) {
			rte_tel_data_free(list);
			return -1;
		}
	}
	if (rt->lb->ports != NULL && rte_tel_data_add_dict_u64(d,
			"snat_ports_in_use",
			wf_nat_ports_in_use(rt->lb->ports)) != 0)
		return -1;
	return 0;
}

/* ---- workers ---- */

_Static_assert(WF_BURST <= RTE_HASH_LOOKUP_BULK_MAX,
		"a burst's keys fit one bulk lookup");

void
wf_lb_rev_lookup_bulk(const struct wf_flow_key **keys, unsigned int n,
		struct wf_nat_map **maps)
{
	void *data[RTE_HASH_LOOKUP_BULK_MAX];
	uint64_t hits = 0;
	unsigned int i;

	/* one call for the burst: rte_hash prefetches every bucket first */
	if (n == 0 || rte_hash_lookup_bulk_data(lb.h, (const void **)keys,
			n, &hits, data) < 0)
		hits = 0;
	for (i = 0; i < n; i++)
		maps[i] = hits >> i & 1 ?
			&wf_lb_maps[(uintptr_t)data[i]] : NULL;
}

static inline void
mac_put(uint8_t out[6], uint64_t v)
{
	unsigned int i;

	for (i = 0; i < 6; i++)
		out[i] = (uint8_t)(v >> (40 - 8 * i));
}

static inline uint64_t
mac_get(const uint8_t m[6])
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < 6; i++)
		v = v << 8 | m[i];
	return v;
}

static inline bool
mac_known(const struct wf_lb_rt *l, unsigned int b)
{
	return (__atomic_load_n(&l->mac[b], __ATOMIC_RELAXED) &
		WF_LB_MAC_KNOWN) != 0;
}

/*
 * Which backend a new connection goes to; -1 when that backend's MAC is
 * not known yet. rr turns only for a backend that can take the
 * connection, so a SYN dropped while a MAC is asked for does not skew
 * the rotation: it stays exact across workers (compare-and-swap).
 */
static int
lb_pick(struct wf_rule_rt *rt, unsigned int wi, const struct wf_pkt *p)
{
	const struct wf_act_lb *a = &rt->r.a.lb;
	uint32_t h, turn;
	unsigned int b;

	switch (a->mode) {
	case WF_LB_RANDOM:
		b = (unsigned int)(wf_act_random(&rt->w[wi].a) % a->nb);
		break;
	case WF_LB_HASH:
		/* stable across runs: a fixed seed, the client's side only */
		h = rte_jhash(p->src, p->family == 4 ? 4 : 16, p->sport);
		b = h % a->nb;
		break;
	default:
		turn = __atomic_load_n(&rt->lb->rr, __ATOMIC_RELAXED);
		do {
			b = turn % a->nb;
			if (!mac_known(rt->lb, b))
				return -(int)b - 1;
		} while (!__atomic_compare_exchange_n(&rt->lb->rr, &turn,
				turn + 1, false, __ATOMIC_RELAXED,
				__ATOMIC_RELAXED));
		return (int)b;
	}
	return mac_known(rt->lb, b) ? (int)b : -(int)b - 1;
}

enum wf_lb_result
wf_lb_connect(struct wf_rule_rt *rt, unsigned int wi, struct wf_flow *f,
		int32_t pos, const struct wf_pkt *p, const uint8_t *frame,
		uint16_t out_port)
{
	const struct wf_act_lb *a = &rt->r.a.lb;
	struct wf_lb_rt *l = rt->lb;
	const size_t alen = p->family == 4 ? 4 : 16;
	struct wf_nat_map *map;
	struct wf_pkt np;
	unsigned int b;
	uint64_t mac;
	void *slot;
	int port = 0, pick;

	if (p->notes & WF_PKT_NOTE(WF_PKT_R_ip_martian))
		return WF_LB_MARTIAN;
	pick = lb_pick(rt, wi, p);
	if (pick < 0) {
		/* ask at once; the client's SYN retry finds the answer */
		__atomic_store_n(&l->probe_at[-pick - 1], 0, __ATOMIC_RELAXED);
		return WF_LB_NO_MAC;
	}
	b = (unsigned int)pick;
	mac = __atomic_load_n(&l->mac[b], __ATOMIC_RELAXED);
	if (a->has_snat) {
		port = wf_nat_ports_get(l->ports);
		if (port < 0)
			return WF_LB_NO_PORT;
	}
	if (rte_ring_dequeue(lb.free, &slot) != 0)
		goto no_map;
	map = &wf_lb_maps[(uintptr_t)slot];
	memset(map, 0, sizeof(*map));
	map->flow_pos = pos;
	map->family = p->family;
	map->has_snat = a->has_snat;
	map->backend = (uint8_t)b;
	map->rule_id = rt->id;
	map->vport = p->dport;
	map->cport = p->sport;
	map->bport = a->be[b].port;
	map->sport = (uint16_t)port;
	memcpy(map->vip, p->dst, alen);
	memcpy(map->client, p->src, alen);
	memcpy(map->be, a->be[b].addr, alen);
	memcpy(map->snat, a->snat, alen);
	memcpy(map->vip_mac, frame, 6);
	memcpy(map->client_mac, frame + 6, 6);
	mac_put(map->be_mac, mac);
	memcpy(map->srv_mac, wf.port[out_port].mac, 6);
	map->ports = l->ports;
	/* the key of the server side: (client or SNAT) <-> backend */
	np = *p;
	memcpy(np.src, a->has_snat ? a->snat : p->src, alen);
	np.sport = a->has_snat ? (uint16_t)port : p->sport;
	memcpy(np.dst, a->be[b].addr, alen);
	np.dport = a->be[b].port;
	map->rev_client_side = (uint8_t)wf_flow_key_make(&np, &map->key);
	/* an add would overwrite a live mapping's key: refuse instead */
	if (rte_hash_lookup(lb.h, &map->key) >= 0 ||
			rte_hash_add_key_data(lb.h, &map->key, slot) != 0) {
		rte_ring_enqueue(lb.free, slot);
		goto no_map;
	}
	f->rules.nat = (uint32_t)(uintptr_t)slot + 1;
	wf_stat_add(&l->w[wi].conns[b], 1);
	return WF_LB_MAPPED;
no_map:
	if (a->has_snat)
		wf_nat_ports_put(l->ports, (uint16_t)port);
	return WF_LB_NO_MAP;
}

int
wf_lb_rewrite(struct rte_mbuf *m, const struct wf_pkt *p,
		const struct wf_nat_map *map, bool to_backend)
{
	uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t len = m->data_len;

	if (to_backend) {
		if (wf_nat_rewrite(frame, len, p, WF_NAT_DST, map->be,
				map->bport) != 0)
			return -1;
		if (map->has_snat)
			wf_nat_rewrite(frame, len, p, WF_NAT_SRC, map->snat,
				map->sport);
		/* behind SNAT the backend answers to us, else the client */
		wf_nat_set_macs(frame, map->be_mac, map->has_snat ?
			map->srv_mac : map->client_mac);
		return 0;
	}
	if (wf_nat_rewrite(frame, len, p, WF_NAT_SRC, map->vip,
			map->vport) != 0)
		return -1;
	if (map->has_snat)
		wf_nat_rewrite(frame, len, p, WF_NAT_DST, map->client,
			map->cport);
	wf_nat_set_macs(frame, map->client_mac, map->vip_mac);
	return 0;
}

/* Does lb rule @p rt answer for its VIP on port @p port? */
static inline bool
vip_side(const struct wf_rule_rt *rt, uint16_t port)
{
	if (!rt->lb->any_client_port)
		return port == rt->lb->client_port;
	return port < wf.port[port].peer;
}

/* Learn a backend's MAC from what it said about its own address. */
static void
neigh_learn(const struct wf_ruleset *set, const struct wf_neigh *n)
{
	uint32_t i;
	unsigned int b;

	if (!n->has_mac)
		return;
	for (i = 0; i < set->nb; i++) {
		const struct wf_rule_rt *rt = set->rule[i];
		const struct wf_act_lb *a = &rt->r.a.lb;

		if (rt->r.a.kind != WF_ACT_LB || a->family != n->family)
			continue;
		for (b = 0; b < a->nb; b++)
			if (memcmp(a->be[b].addr, n->ip, 16) == 0)
				__atomic_store_n(&rt->lb->mac[b],
					WF_LB_MAC_KNOWN | mac_get(n->mac),
					__ATOMIC_RELAXED);
	}
}

#define LB_OWNED_MAX 64

bool
wf_lb_neigh(const struct wf_ruleset *set, struct rte_mbuf *m,
		uint16_t rx_port, struct rte_mbuf **reply)
{
	uint8_t copy[WF_PKT_HDR_MAX], owned[LB_OWNED_MAX][16];
	const uint8_t *frame;
	struct wf_neigh n;
	unsigned int nb = 0;
	struct rte_mbuf *r;
	uint32_t i, len;

	*reply = NULL;
	frame = rte_pktmbuf_read(m, 0, RTE_MIN(m->pkt_len,
			(uint32_t)WF_PKT_HDR_MAX), copy);
	if (frame == NULL || wf_neigh_parse(frame, RTE_MIN(m->pkt_len,
			(uint32_t)WF_PKT_HDR_MAX), &n) != 0)
		return false;
	neigh_learn(set, &n);
	/* the addresses wirefault stands for on this side */
	for (i = 0; i < set->nb && nb < LB_OWNED_MAX; i++) {
		const struct wf_rule_rt *rt = set->rule[i];

		if (rt->r.a.kind != WF_ACT_LB || rt->r.a.lb.family != n.family)
			continue;
		if (vip_side(rt, rx_port))
			memcpy(owned[nb++], rt->r.m.dst.addr, 16);
		else if (rt->r.a.lb.has_snat)
			memcpy(owned[nb++], rt->r.a.lb.snat, 16);
	}
	if (n.op == WF_NEIGH_REPLY)
		/* an answer to our own request: learnt, not passed on */
		return memcmp(frame, wf.port[rx_port].mac, 6) == 0;
	if (!wf_neigh_should_answer(&n, (const uint8_t (*)[16])owned, nb))
		return false;
	r = wf_mbuf_alloc(wf.port[rx_port].pool);
	if (r == NULL)
		return true;
	len = wf_neigh_answer(frame, &n, wf.port[rx_port].mac,
			rte_pktmbuf_mtod(r, uint8_t *), rte_pktmbuf_tailroom(r));
	if (len == 0) {
		wf_mbuf_free(r);
		return true;
	}
	wf_pkt_mbuf_frame_done(r, len);
	*reply = r;
	return true;
}

unsigned int
wf_lb_probe(const struct wf_ruleset *set, uint16_t port, uint16_t queue,
		uint64_t now_tsc)
{
	struct rte_mbuf *out[WF_BURST];
	unsigned int nb = 0, b, sent;
	uint32_t i;

	for (i = 0; i < set->nb && nb < WF_BURST; i++) {
		struct wf_rule_rt *rt = set->rule[i];
		const struct wf_act_lb *a = &rt->r.a.lb;

		if (rt->r.a.kind != WF_ACT_LB)
			continue;
		for (b = 0; b < a->nb && nb < WF_BURST; b++) {
			uint64_t at = __atomic_load_n(&rt->lb->probe_at[b],
					__ATOMIC_RELAXED);
			struct rte_mbuf *m;
			uint32_t len;

			if ((__atomic_load_n(&rt->lb->mac[b],
					__ATOMIC_RELAXED) & WF_LB_MAC_KNOWN) ||
					now_tsc < at ||
					!__atomic_compare_exchange_n(
						&rt->lb->probe_at[b], &at,
						now_tsc + rte_get_tsc_hz() / 2,
						false, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
				continue;
			m = wf_mbuf_alloc(wf.port[port].pool);
			if (m == NULL)
				continue;
			len = wf_neigh_request(a->family, wf.port[port].mac,
				a->has_snat ? a->snat : rt->r.m.dst.addr,
				a->be[b].addr, rte_pktmbuf_mtod(m, uint8_t *),
				rte_pktmbuf_tailroom(m));
			if (len == 0) {
				wf_mbuf_free(m);
				continue;
			}
			wf_pkt_mbuf_frame_done(m, len);
			out[nb++] = m;
		}
	}
	if (nb == 0)
		return 0;
	sent = wf_tx_burst(port, queue, out, (uint16_t)nb);
	if (sent < nb)
		wf_mbuf_free_bulk(&out[sent], nb - sent);
	return sent;
}
