/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The flow table on a real rte_hash (EAL without hugepages): both
 * directions in one entry, the full-table policy, aging back to empty,
 * RCU reclamation returning the count to 0, and a forced-collision set.
 * The test thread is the table's only reader, registered with QSBR, so
 * it decides when a grace period ends.
 */

#include <inttypes.h>
#include <stddef.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_byteorder.h>
#include <rte_eal.h>
#include <rte_hash_crc.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "wf_flow.h"
#include "wf_test.h"
#include "wf_test_eal.h"

#define TSC_HZ 1000000ull       /* the tests' clock: 1 tick = 1 us */

static struct rte_rcu_qsbr *qsv;
static unsigned int table_seq;

static struct wf_flow_table *
table_new(uint32_t capacity, uint32_t seed)
{
	struct wf_flow_params p = { 0 };
	char name[32];

	snprintf(name, sizeof(name), "tf%u", table_seq++);
	p.name = name;
	p.capacity = capacity;
	p.socket_id = SOCKET_ID_ANY;
	p.seed = seed;
	p.qsv = qsv;
	return wf_flow_table_create(&p);
}

/* A classified IPv4 TCP packet summary from a to b. */
static struct wf_pkt
pkt4(uint32_t a, uint16_t ap, uint32_t b, uint16_t bp)
{
	struct wf_pkt p;

	memset(&p, 0, sizeof(p));
	p.family = 4;
	p.proto = 6;
	memcpy(p.src, &a, 4);
	memcpy(p.dst, &b, 4);
	p.sport = ap;
	p.dport = bp;
	return p;
}

/* Insert the connection i (198.18.x.y:i -> 198.18.0.2:80) in @p state. */
static int32_t
add_flow(struct wf_flow_table *t, uint32_t i, uint8_t state, uint64_t tsc)
{
	struct wf_pkt p = pkt4(rte_cpu_to_be_32(0xc6120000 | (i >> 8)),
			(uint16_t)(1024 + (i & 0xff)),
			rte_cpu_to_be_32(0xc6130002), 80);
	struct wf_flow_key k;
	struct wf_flow *f;
	bool existed;
	int32_t pos;

	wf_flow_key_make(&p, &k);
	pos = wf_flow_insert(t, &k, &existed);
	if (pos < 0 || existed)
		return pos < 0 ? pos : -EEXIST;
	f = wf_flow_at(t, pos);
	memset(f, 0, sizeof(*f));
	f->first_tsc = f->last_tsc = tsc;
	f->tcp.state = state;
	f->in_use = 1;
	return pos;
}

/* Connections a lookup can find (rte_hash_count also counts held slots). */
static uint32_t
live_count(const struct wf_flow_table *t)
{
	uint32_t pos, n = 0;

	for (pos = 0; pos < wf_flow_max_pos(t); pos++)
		n += wf_flow_key_at(t, pos) != NULL;
	return n;
}

static void
quiesce_and_reclaim(struct wf_flow_table *t)
{
	rte_rcu_qsbr_quiescent(qsv, 0);
	wf_flow_reclaim(t);
}

static void
timeouts_all(struct wf_flow_timeouts *to, uint64_t s)
{
	unsigned int i;

	for (i = 0; i < WF_TCP_STATE_MAX; i++)
		to->tsc[i] = s * TSC_HZ;
}

static int
test_both_directions_one_key(void)
{
	struct wf_pkt fwd = pkt4(rte_cpu_to_be_32(0xc6120001), 40000,
			rte_cpu_to_be_32(0xc6120002), 80);
	struct wf_pkt rev = pkt4(rte_cpu_to_be_32(0xc6120002), 80,
			rte_cpu_to_be_32(0xc6120001), 40000);
	struct wf_pkt same_addr = pkt4(rte_cpu_to_be_32(0xc6120001), 80,
			rte_cpu_to_be_32(0xc6120001), 0);
	struct wf_flow_key a, b;
	unsigned int sa, sb;

	sa = wf_flow_key_make(&fwd, &a);
	sb = wf_flow_key_make(&rev, &b);
	WF_TEST_ASSERT(memcmp(&a, &b, sizeof(a)) == 0, "one key per connection");
	WF_TEST_ASSERT(sa != sb, "the sides differ: %u %u", sa, sb);
	/* port 0 is a port, not "none" (HOSTILE b.1 row 44); LAND orders by port */
	sa = wf_flow_key_make(&same_addr, &a);
	WF_TEST_ASSERT_EQUAL(sa, 1u, "port 80 > port 0: sender is side 1");
	WF_TEST_ASSERT_EQUAL(a.port[0], 0, "port 0 kept in the key");
	return 0;
}

static int
test_full_table_evicts_embryonic_first(void)
{
	struct wf_flow_table *t = table_new(64, 7);
	struct wf_flow_timeouts to;
	uint32_t i, n = 0, established = 0, after;
	int32_t pos;

	WF_TEST_ASSERT(t != NULL, "create");
	timeouts_all(&to, 3600);
	/* fill the table: every 4th flow established, the rest embryonic */
	for (i = 0; ; i++) {
		uint8_t st = (i % 4 == 0) ? WF_TCP_ESTABLISHED : WF_TCP_SYN_SENT;

		pos = add_flow(t, i, st, 1);
		if (pos == -ENOSPC)
			break;
		WF_TEST_ASSERT(pos >= 0, "insert %u: %d", i, pos);
		established += st == WF_TCP_ESTABLISHED;
		n++;
		WF_TEST_ASSERT(i < 100000, "never full");
	}
	WF_TEST_ASSERT_EQUAL(n, 64u, "holds exactly its capacity");
	/* make room: only embryonic entries go, established all stay */
	wf_flow_age(t, 2, &to, wf_flow_max_pos(t), true, n);
	quiesce_and_reclaim(t);
	after = live_count(t);
	WF_TEST_ASSERT_EQUAL(after, established, "only established left");
	WF_TEST_ASSERT_EQUAL_U64(wf_flow_table_stats(t)->evicted_embryonic,
			(uint64_t)(n - established), "evictions counted");
	/* and the freed room takes new connections again */
	WF_TEST_ASSERT(add_flow(t, 500000, WF_TCP_SYN_SENT, 3) >= 0, "room");
	wf_flow_table_free(t);
	return 0;
}

static int
test_closed_evicted_before_syn_sent(void)
{
	struct wf_flow_table *t = table_new(64, 9);
	struct wf_flow_timeouts to;
	int32_t closed, syn;

	WF_TEST_ASSERT(t != NULL, "create");
	timeouts_all(&to, 3600);
	syn = add_flow(t, 1, WF_TCP_SYN_SENT, 1);
	closed = add_flow(t, 2, WF_TCP_TIME_WAIT, 1);
	WF_TEST_ASSERT(syn >= 0 && closed >= 0, "insert");
	wf_flow_age(t, 2, &to, wf_flow_max_pos(t), true, 1);
	WF_TEST_ASSERT(wf_flow_key_at(t, closed) == NULL, "TIME_WAIT went first");
	WF_TEST_ASSERT(wf_flow_key_at(t, syn) != NULL, "SYN_SENT stayed");
	quiesce_and_reclaim(t);
	wf_flow_table_free(t);
	return 0;
}

static int
test_aging_back_to_empty(void)
{
	struct wf_flow_table *t = table_new(1024, 11);
	struct wf_flow_timeouts to;
	uint32_t i;

	WF_TEST_ASSERT(t != NULL, "create");
	timeouts_all(&to, 3600);
	to.tsc[WF_TCP_SYN_SENT] = 30 * TSC_HZ;
	to.tsc[WF_TCP_TIME_WAIT] = 120 * TSC_HZ;
	for (i = 0; i < 300; i++)
		WF_TEST_ASSERT(add_flow(t, i, i % 2 ? WF_TCP_SYN_SENT :
				WF_TCP_TIME_WAIT, 0) >= 0, "insert %u", i);
	WF_TEST_ASSERT_EQUAL(wf_flow_count(t), 300u, "all in");
	/* at 60 s only the SYN_SENT ones (30 s) are too old */
	wf_flow_age(t, 60 * TSC_HZ, &to, wf_flow_max_pos(t), false, 0);
	quiesce_and_reclaim(t);
	WF_TEST_ASSERT_EQUAL(wf_flow_count(t), 150u, "SYN_SENT aged out");
	/* at 200 s everything; aging in slices gets there too */
	for (i = 0; i < 20; i++)
		wf_flow_age(t, 200 * TSC_HZ, &to, wf_flow_max_pos(t) / 20 + 1,
				false, 0);
	quiesce_and_reclaim(t);
	WF_TEST_ASSERT_EQUAL(wf_flow_count(t), 0u, "empty again");
	WF_TEST_ASSERT_EQUAL(wf_flow_slots_used(t), 0u, "every slot back");
	WF_TEST_ASSERT_EQUAL_U64(wf_flow_table_stats(t)->aged, 300u, "aged");
	wf_flow_table_free(t);
	return 0;
}

static int
test_rcu_holds_slots_until_quiescent(void)
{
	struct wf_flow_table *t = table_new(64, 13);
	int32_t pos[10];
	uint32_t i;

	WF_TEST_ASSERT(t != NULL, "create");
	for (i = 0; i < 10; i++) {
		pos[i] = add_flow(t, i, WF_TCP_ESTABLISHED, 0);
		WF_TEST_ASSERT(pos[i] >= 0, "insert");
	}
	for (i = 0; i < 10; i++)
		WF_TEST_ASSERT_SUCCESS(wf_flow_delete(t, pos[i]), "delete");
	/* deleted keys are gone for lookups at once ... */
	for (i = 0; i < 10; i++)
		WF_TEST_ASSERT(wf_flow_key_at(t, pos[i]) == NULL, "unlinked");
	/* ... but a reader that has not passed a quiescent point keeps them */
	wf_flow_reclaim(t);
	WF_TEST_ASSERT_EQUAL(wf_flow_count(t), 0u, "no connection left");
	WF_TEST_ASSERT_EQUAL(wf_flow_slots_used(t), 10u, "slots held for readers");
	quiesce_and_reclaim(t);
	WF_TEST_ASSERT_EQUAL(wf_flow_slots_used(t), 0u,
			"rte_hash_count back to 0");
	WF_TEST_ASSERT_EQUAL_U64(wf_flow_table_stats(t)->reclaimed, 10u, "count");
	wf_flow_table_free(t);
	return 0;
}

/*
 * Keys chosen so that both cuckoo buckets are bucket 0: with the seed
 * known, all land on the same 8 slots (HOSTILE b.1 row 48). The extendable
 * buckets must take the rest; with a random seed at start-up an attacker
 * cannot choose such keys.
 */
static int
test_forced_collisions(void)
{
	const uint32_t seed = 0x5eed, mask = 64 / 8 - 1;
	struct wf_flow_table *t = table_new(64, seed);
	struct wf_flow_key k;
	uint32_t i, found = 0;
	bool existed;

	WF_TEST_ASSERT(t != NULL, "create");
	for (i = 0; i < 2000000 && found < 20; i++) {
		struct wf_pkt p = pkt4(rte_cpu_to_be_32(0xc6120000 | (i >> 16)),
				(uint16_t)i, rte_cpu_to_be_32(0xc6130002), 80);
		uint32_t h, prim, alt;

		wf_flow_key_make(&p, &k);
		h = rte_hash_crc(&k, sizeof(k), seed);
		prim = h & mask;
		alt = (prim ^ (h >> 16)) & mask;
		if (prim != 0 || alt != 0)
			continue;
		WF_TEST_ASSERT(wf_flow_insert(t, &k, &existed) >= 0 && !existed,
				"colliding key %u inserted", found);
		found++;
	}
	WF_TEST_ASSERT_EQUAL(found, 20u, "found 20 colliding keys");
	WF_TEST_ASSERT_EQUAL(wf_flow_count(t), 20u, "all 20 in the table");
	wf_flow_table_free(t);
	return 0;
}

static int
test_memory_per_flow(void)
{
	struct wf_flow_table *t = table_new(1 << 16, 1);

	WF_TEST_ASSERT(t != NULL, "create");
	printf("memory: %" PRIu64 " bytes for %u flows; entry %zu bytes\n",
			wf_flow_table_memory(t), 1u << 16, sizeof(struct wf_flow));
	/* tracking in two cache lines; the rules' per-flow state in a third */
	WF_TEST_ASSERT(offsetof(struct wf_flow, rules) <= 128,
			"tracking within 128 B");
	WF_TEST_ASSERT(sizeof(struct wf_flow) <= 192, "entry within 192 B");
	wf_flow_table_free(t);
	return 0;
}

static const struct wf_test_case cases[] = {
	WF_TEST(test_both_directions_one_key),
	WF_TEST(test_full_table_evicts_embryonic_first),
	WF_TEST(test_closed_evicted_before_syn_sent),
	WF_TEST(test_aging_back_to_empty),
	WF_TEST(test_rcu_holds_slots_until_quiescent),
	WF_TEST(test_forced_collisions),
	WF_TEST(test_memory_per_flow),
};

int
main(void)
{
	size_t sz;
	int ret;

	if (wf_test_eal_init("test_flow") != 0)
		return 1;
	sz = rte_rcu_qsbr_get_memsize(1);
	qsv = rte_zmalloc("qsv", sz, RTE_CACHE_LINE_SIZE);
	if (qsv == NULL || rte_rcu_qsbr_init(qsv, 1) != 0 ||
			rte_rcu_qsbr_thread_register(qsv, 0) != 0)
		return 1;
	rte_rcu_qsbr_thread_online(qsv, 0);
	ret = wf_test_run("flow", cases, RTE_DIM(cases));
	wf_test_eal_done();
	return ret;
}
