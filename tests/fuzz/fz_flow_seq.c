/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The flow table under a sequence of packets, deletions, clock steps,
 * aging and RCU reclamation (HOSTILE.md c.3 fz_flow_seq), on a real
 * rte_hash of capacity 16 (EAL without hugepages), against a naive model:
 * an array of (key, position, state, last packet time).
 *
 * The input is a list of steps, an opcode byte each (low 3 bits: 0-1 a
 * packet, 2 another worker's insert of a known key, 3 a lookup of both
 * directions, 4 a delete, 5 a clock step and aging, 6 reclaim, 7 a small
 * clock step) and its argument bytes; endpoints come from a small
 * alphabet (4 addresses x 4 ports, IPv4 and IPv6, TCP and UDP, VLAN tags)
 * so that connections repeat and collide. Each input gets a fresh table.
 * After each step: the count equals the model's and is at most the
 * capacity; every model key is found at its position and no other key
 * is; both directions of a connection give one key (canonical order) and
 * so one entry; an insertion is refused for room only when the table is
 * full or slots wait for their grace period; aging deletes exactly the
 * idle entries of the positions it visits, and makes room only from
 * embryonic and closed ones; on_delete reports each deletion once.
 * At the end of each input a long clock step and a full aging pass
 * empty the table, and a quiescent point gives every slot back (but those
 * rte_hash itself loses: see slots_lost).
 *
 * The fuzzer's thread is both the control lcore and the table's only
 * reader, registered with the QSBR variable, as in tests/test_flow.c.
 */

#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_byteorder.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "wf_flow.h"

#define CAPACITY 16
#define HZ 1000ull             /* the driven clock: 1 tick = 1 ms */
#define NOW0 (1ull << 40)      /* every input starts here */
#define LONG_STEP (1ull << 50) /* beyond every timeout */

/* An oracle failed: say why, leave no EAL runtime directory, abort. */
#define FAIL(...) do { \
	fprintf(stderr, "fz_flow_seq: " __VA_ARGS__); \
	fputc('\n', stderr); \
	runtime_dir_remove(); \
	abort(); \
} while (0)

static void runtime_dir_remove(void);

/* One connection the model holds. */
struct ment {
	struct wf_flow_key key;
	int32_t pos;
	uint8_t state;
	uint64_t last;
};

static bool eal_up;
static struct rte_rcu_qsbr *qsv;
static struct wf_flow_table *table;
static struct wf_flow_timeouts timeouts;
static uint32_t nb_pos;
static uint32_t cursor;        /* the model of the table's aging cursor */
static uint64_t now;
/*
 * Key slots lost by rte_hash: in DPDK 22.11 (and upstream still), an
 * rte_hash_add_key that finds no free extendable bucket returns -ENOSPC
 * without giving back the key slot it took, so each such refusal holds
 * one slot for good. The ext buckets run out when deleted entries still
 * hold theirs for a grace period (RW_CONCURRENCY_LF); with 16 entries
 * that is easy to reach. Counted here so that every other slot is still
 * checked to come back.
 */
static uint32_t slots_lost;

static struct ment model[CAPACITY];
static unsigned int nb_model;

/* Deletions reported by on_delete during the current step. */
static struct ment gone[CAPACITY];
static unsigned int nb_gone;

static const uint32_t addr4[4] = {
	0xc6120001, 0xc6120002, 0x01000002, 0x02000001,
};
static const uint8_t addr6[4][16] = {
	{ 0x20, 0x01, 0, 2, [15] = 1 },
	{ 0x20, 0x01, 0, 2, [15] = 2 },
	{ [15] = 1 },
	{ 0xfe, 0x80, [13] = 1 },
};
static const uint16_t ports[4] = { 0, 80, 1024, 65535 };
/* no tag; VLAN 5; VLAN 5 with a priority; VLAN 10 with the top bits set */
static const uint16_t tcis[4] = { 0, 5, 0x2005, 0xf00a };

static int
model_find(const struct wf_flow_key *k)
{
	unsigned int i;

	for (i = 0; i < nb_model; i++)
		if (memcmp(&model[i].key, k, sizeof(*k)) == 0)
			return (int)i;
	return -1;
}

static int
model_find_pos(int32_t pos)
{
	unsigned int i;

	for (i = 0; i < nb_model; i++)
		if (model[i].pos == pos)
			return (int)i;
	return -1;
}

/* The table deleted an entry: it must be one the model holds. */
static void
on_delete(void *ctx, struct wf_flow *f)
{
	int32_t pos = (int32_t)(f - wf_flow_at(table, 0));
	const struct wf_flow_key *kp = NULL;
	int32_t found;
	int i;

	(void)ctx;
	i = model_find_pos(pos);
	if (i < 0)
		FAIL("on_delete for position %d, which holds no connection",
			pos);
	if (__atomic_load_n(&f->in_use, __ATOMIC_ACQUIRE) != 0)
		FAIL("on_delete: position %d still in use", pos);
	kp = &model[i].key;
	wf_flow_lookup_bulk(table, &kp, 1, &found);
	if (found >= 0)
		FAIL("on_delete: the key of position %d is still found at %d",
			pos, found);
	gone[nb_gone++] = model[i];
	model[i] = model[--nb_model];
}

/* A connection's packet from the alphabet; @p rev swaps its ends. */
static void
pkt_make(uint8_t b1, uint8_t b2, bool rev, struct wf_pkt *p)
{
	unsigned int a[2] = { b1 & 3, (b1 >> 4) & 3 };
	unsigned int pt[2] = { (b1 >> 2) & 3, (b1 >> 6) & 3 };
	unsigned int s = rev ? 1 : 0, d = rev ? 0 : 1;
	uint32_t v4;

	memset(p, 0, sizeof(*p));
	p->family = (b2 & 1) ? 6 : 4;
	p->proto = (b2 & 8) ? 17 : 6;
	if (p->family == 4) {
		v4 = rte_cpu_to_be_32(addr4[a[s]]);
		memcpy(p->src, &v4, 4);
		v4 = rte_cpu_to_be_32(addr4[a[d]]);
		memcpy(p->dst, &v4, 4);
	} else {
		memcpy(p->src, addr6[a[s]], 16);
		memcpy(p->dst, addr6[a[d]], 16);
	}
	p->sport = ports[pt[s]];
	p->dport = ports[pt[d]];
	p->vlan_tci[0] = tcis[(b2 >> 1) & 3];
	p->nb_vlan = p->vlan_tci[0] != 0;
}

/*
 * The key of both directions: one key, in canonical order, the sides
 * told apart unless both ends are the same endpoint.
 */
static unsigned int
key_both(uint8_t b1, uint8_t b2, struct wf_flow_key *k)
{
	struct wf_pkt p, q;
	struct wf_flow_key rk;
	unsigned int side, rside, alen;
	bool same;
	int c;

	pkt_make(b1, b2, false, &p);
	pkt_make(b1, b2, true, &q);
	side = wf_flow_key_make(&p, k);
	rside = wf_flow_key_make(&q, &rk);
	if (memcmp(k, &rk, sizeof(rk)) != 0)
		FAIL("key %02x%02x: the two directions give two keys", b1, b2);
	alen = p.family == 4 ? 4 : 16;
	same = memcmp(p.src, p.dst, alen) == 0 && p.sport == p.dport;
	if (same ? side != 0 || rside != 0 : side == rside || side > 1 ||
			rside > 1)
		FAIL("key %02x%02x: sides %u and %u", b1, b2, side, rside);
	c = memcmp(k->addr[0], k->addr[1], alen);
	if (c > 0 || (c == 0 && k->port[0] > k->port[1]))
		FAIL("key %02x%02x: not in canonical order", b1, b2);
	if (k->vlan != (p.vlan_tci[0] & 0xfff) || k->family != p.family ||
			k->proto != p.proto)
		FAIL("key %02x%02x: vlan/family/proto", b1, b2);
	if (alen == 4 && (memcmp(k->addr[0] + 4, k->addr[1] + 4, 12) != 0 ||
			k->addr[0][15] != 0 || k->addr[0][4] != 0))
		FAIL("key %02x%02x: IPv4 tail not zero", b1, b2);
	return side;
}

static int32_t
lookup1(const struct wf_flow_key *k)
{
	const struct wf_flow_key *kp = k;
	int32_t pos;

	wf_flow_lookup_bulk(table, &kp, 1, &pos);
	return pos;
}

/* The table agrees with the model. */
static void
check_table(const char *when)
{
	const struct wf_flow_key *keys[CAPACITY];
	int32_t pos[CAPACITY];
	unsigned int i, j;

	if (wf_flow_count(table) != nb_model)
		FAIL("%s: count %u, model %u", when, wf_flow_count(table),
			nb_model);
	if (nb_model > CAPACITY)
		FAIL("%s: %u connections, capacity %u", when, nb_model,
			CAPACITY);
	if (wf_flow_slots_used(table) < nb_model + slots_lost)
		FAIL("%s: %u slots for %u connections, %u lost", when,
			wf_flow_slots_used(table), nb_model, slots_lost);
	for (i = 0; i < nb_model; i++)
		keys[i] = &model[i].key;
	wf_flow_lookup_bulk(table, keys, nb_model, pos);
	for (i = 0; i < nb_model; i++) {
		const struct wf_flow_key *k = wf_flow_key_at(table,
				model[i].pos);

		if (pos[i] != model[i].pos)
			FAIL("%s: connection %u found at %d, not %d", when, i,
				pos[i], model[i].pos);
		if (k == NULL || memcmp(k, &model[i].key, sizeof(*k)) != 0)
			FAIL("%s: position %d holds another key", when,
				model[i].pos);
		for (j = 0; j < i; j++)
			if (model[j].pos == model[i].pos)
				FAIL("%s: two connections at %d", when,
					model[i].pos);
	}
}

/* Every position: only the model's hold a key. */
static void
check_scan(const char *when)
{
	uint32_t p, n = 0;

	for (p = 0; p < nb_pos; p++) {
		if (wf_flow_key_at(table, (int32_t)p) == NULL)
			continue;
		if (model_find_pos((int32_t)p) < 0)
			FAIL("%s: position %u holds a key the model lacks",
				when, p);
		n++;
	}
	if (n != nb_model)
		FAIL("%s: %u positions hold keys, model %u", when, n, nb_model);
}

/* A packet of a connection: touch its entry, or insert it. */
static void
step_pkt(uint8_t op, uint8_t b1, uint8_t b2)
{
	struct wf_flow_key k;
	unsigned int side = key_both(b1, b2, &k);
	uint8_t state = (uint8_t)(1 + (b2 >> 4) % (WF_TCP_STATE_MAX - 1));
	/* a worker's clock may run a little ahead of the control lcore's */
	uint64_t t = now + ((op & 8) ? (op >> 4) : 0);
	int i = model_find(&k);
	int32_t pos = lookup1(&k);
	struct wf_flow *f;
	bool existed;

	if (i >= 0 ? pos != model[i].pos : pos >= 0)
		FAIL("pkt %02x%02x: lookup %d, model %d", b1, b2, pos,
			i >= 0 ? model[i].pos : -1);
	if (pos < 0) {
		pos = wf_flow_insert(table, &k, &existed);
		if (pos == -ENOSPC) {
			if (nb_model == CAPACITY)
				return;
			/* only deleted entries awaiting reclaim hold room */
			if (wf_flow_slots_used(table) == nb_model + slots_lost)
				FAIL("pkt %02x%02x: no room with %u of %u",
					b1, b2, nb_model, CAPACITY);
			slots_lost++;
			return;
		}
		if (pos < 0 || (uint32_t)pos >= nb_pos || existed)
			FAIL("pkt %02x%02x: insert %d existed %d", b1, b2, pos,
				existed);
		if (nb_model >= CAPACITY)
			FAIL("pkt %02x%02x: inserted past the capacity", b1,
				b2);
		if (model_find_pos(pos) >= 0)
			FAIL("pkt %02x%02x: position %d given twice", b1, b2,
				pos);
		f = wf_flow_at(table, pos);
		memset(f, 0, offsetof(struct wf_flow, in_use));
		memset(&f->rules, 0, sizeof(f->rules));
		memset(&f->tcp, 0, sizeof(f->tcp));
		f->first_tsc = t;
		f->orig_side = (uint8_t)side;
		i = (int)nb_model++;
		model[i].key = k;
		model[i].pos = pos;
	}
	f = wf_flow_at(table, pos);
	f->last_tsc = t;
	f->tcp.state = state;
	f->pkts[side != f->orig_side]++;
	__atomic_store_n(&f->in_use, 1, __ATOMIC_RELEASE);
	model[i].state = state;
	model[i].last = t;
}

/* Another worker's insert of a key already there: its position. */
static void
step_reinsert(uint8_t b1)
{
	const struct ment *m;
	bool existed;
	int32_t pos;

	if (nb_model == 0)
		return;
	m = &model[b1 % nb_model];
	pos = wf_flow_insert(table, &m->key, &existed);
	/* the capacity is checked first: a full table refuses it */
	if (pos == -ENOSPC && nb_model == CAPACITY)
		return;
	if (pos != m->pos || !existed)
		FAIL("reinsert: %d existed %d, model %d", pos, existed, m->pos);
}

/* Both directions of a connection find the same entry, or none. */
static void
step_lookup(uint8_t b1, uint8_t b2)
{
	struct wf_flow_key k, rk;
	struct wf_pkt q;
	int i;
	int32_t pos, rpos;

	key_both(b1, b2, &k);
	pkt_make(b1, b2, true, &q);
	wf_flow_key_make(&q, &rk);
	pos = lookup1(&k);
	rpos = lookup1(&rk);
	i = model_find(&k);
	if (pos != rpos || (i >= 0 ? pos != model[i].pos : pos != -ENOENT))
		FAIL("lookup %02x%02x: %d and %d, model %d", b1, b2, pos, rpos,
			i >= 0 ? model[i].pos : -1);
}

/* Delete a connection, or try a position that holds none. */
static void
step_delete(uint8_t b1, uint8_t b2)
{
	int32_t pos;
	int i, ret, want;

	if ((b1 & 0x80) == 0 && nb_model > 0) {
		pos = model[b1 % nb_model].pos;
	} else {
		/* -1 .. nb_pos: both ends are out of range */
		pos = (int32_t)(((uint32_t)(b1 & 0x7f) << 8 | b2) %
				(nb_pos + 2)) - 1;
	}
	i = model_find_pos(pos);
	want = pos < 0 || (uint32_t)pos >= nb_pos ? -EINVAL :
		i >= 0 ? 0 : -ENOENT;
	nb_gone = 0;
	ret = wf_flow_delete(table, pos);
	if (ret != want)
		FAIL("delete %d: %d, want %d", pos, ret, want);
	if (nb_gone != (ret == 0 ? 1u : 0u) ||
			(ret == 0 && gone[0].pos != pos))
		FAIL("delete %d: %u on_delete calls", pos, nb_gone);
}

static bool
evictable(uint8_t state, unsigned int pass)
{
	if (pass == 0)
		return state == WF_TCP_CLOSED || state == WF_TCP_TIME_WAIT;
	return state == WF_TCP_SYN_SENT || state == WF_TCP_SYN_RECV;
}

static bool
expired(const struct ment *m)
{
	return now > m->last && now - m->last > timeouts.tsc[m->state];
}

/* Time passes; aging visits @p budget positions from the cursor. */
static void
step_age(uint8_t op, uint8_t b1, uint8_t b2, uint8_t b3)
{
	const struct wf_flow_table_stats *st = wf_flow_table_stats(table);
	uint64_t aged0 = st->aged, evicted0 = st->evicted_embryonic;
	struct ment before[CAPACITY];
	unsigned int nb_before = nb_model, i, j, nb_aged = 0, nb_evicted = 0;
	unsigned int shift = (op >> 4) & 7;
	bool make_room = (op & 8) != 0, syn_evicted = false;
	uint32_t budget, room = op >> 4, start = cursor, win, ret;

	now += ((uint64_t)b1 << 8 | b2) << shift;
	budget = b3 == 0 ? nb_pos : b3 < 128 ? b3 : (uint32_t)(b3 - 128) * 64;
	win = budget < nb_pos ? budget : nb_pos;
	memcpy(before, model, sizeof(before));
	nb_gone = 0;
	ret = wf_flow_age(table, now, &timeouts, budget, make_room, room);
	cursor = (start + win) % nb_pos;
	if (ret != nb_gone)
		FAIL("age: returned %u, %u on_delete calls", ret, nb_gone);
	for (i = 0; i < nb_gone; i++) {
		const struct ment *m = &gone[i];
		uint32_t off = ((uint32_t)m->pos + nb_pos - start) % nb_pos;

		if (off >= win)
			FAIL("age: deleted %d outside [%u, +%u)", m->pos, start,
				win);
		if (expired(m)) {
			nb_aged++;
			continue;
		}
		if (!make_room || !(evictable(m->state, 0) ||
				evictable(m->state, 1)))
			FAIL("age: deleted %d in state %u, idle %llu",
				m->pos, m->state,
				(unsigned long long)(now - m->last));
		nb_evicted++;
		syn_evicted |= evictable(m->state, 1);
	}
	if (nb_evicted > room)
		FAIL("age: %u evicted for room %u", nb_evicted, room);
	if (st->aged - aged0 != nb_aged ||
			st->evicted_embryonic - evicted0 != nb_evicted)
		FAIL("age: stats aged +%llu evicted +%llu, model %u %u",
			(unsigned long long)(st->aged - aged0),
			(unsigned long long)(st->evicted_embryonic - evicted0),
			nb_aged, nb_evicted);
	/* what stayed in the window: not idle, and not evictable */
	for (j = 0; j < nb_before; j++) {
		const struct ment *m = &before[j];
		uint32_t off = ((uint32_t)m->pos + nb_pos - start) % nb_pos;

		if (off >= win || model_find_pos(m->pos) < 0)
			continue;
		if (expired(m))
			FAIL("age: %d idle %llu past its timeout, kept",
				m->pos, (unsigned long long)(now - m->last));
		if (make_room && nb_evicted < room &&
				(evictable(m->state, 0) ||
				 evictable(m->state, 1)))
			FAIL("age: %d evictable (state %u), kept with room",
				m->pos, m->state);
		if (make_room && syn_evicted && evictable(m->state, 0))
			FAIL("age: SYN entries evicted before closed %d",
				m->pos);
	}
}

/* Reclaim, after a quiescent point of the reader when @p quiesce. */
static void
step_reclaim(bool quiesce)
{
	if (quiesce)
		rte_rcu_qsbr_quiescent(qsv, 0);
	wf_flow_reclaim(table);
	if (quiesce && wf_flow_slots_used(table) != nb_model + slots_lost)
		FAIL("reclaim: %u slots held after a quiescent point, %u "
			"connections, %u lost", wf_flow_slots_used(table),
			nb_model, slots_lost);
}

/* The end of every input: a long pause empties the table. */
static void
finish(void)
{
	uint32_t ret;

	now += LONG_STEP;
	nb_gone = 0;
	ret = wf_flow_age(table, now, &timeouts, nb_pos, false, 0);
	if (nb_model != 0 || wf_flow_count(table) != 0 || ret != nb_gone)
		FAIL("end: %u connections left (model %u) after a long pause",
			wf_flow_count(table), nb_model);
	check_scan("end");
	rte_rcu_qsbr_quiescent(qsv, 0);
	wf_flow_reclaim(table);
	if (wf_flow_slots_used(table) != slots_lost)
		FAIL("end: %u slots held after a grace period, %u lost",
			wf_flow_slots_used(table), slots_lost);
}

/*
 * An empty table per input: rte_hash hands out positions in an order that
 * depends on its past, so each input starts from a table as new (one
 * created once, then reset: creating one per input ran 30 times slower).
 */
static void
table_new(void)
{
	struct wf_flow_params p = { 0 };

	if (table != NULL) {
		if (wf_flow_table_reset(table) != 0)
			FAIL("table reset: slots still in their grace period");
		cursor = 0;
		slots_lost = 0;
		return;
	}

	p.name = "fzflow";
	p.capacity = CAPACITY;
	p.socket_id = SOCKET_ID_ANY;
	p.seed = 0x5eed;
	p.qsv = qsv;
	p.on_delete = on_delete;
	table = wf_flow_table_create(&p);
	if (table == NULL)
		FAIL("table create failed: %d", rte_errno);
	nb_pos = wf_flow_max_pos(table);
	if (nb_pos < CAPACITY || wf_flow_capacity(table) != CAPACITY)
		FAIL("table of %u positions, capacity %u", nb_pos,
			wf_flow_capacity(table));
	cursor = 0;
	slots_lost = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i = 0;

	table_new();
	now = NOW0;
	while (i < size) {
		uint8_t op = data[i++];
		uint8_t b[3] = { 0, 0, 0 };
		size_t k;

		for (k = 0; k < 3 && i + k < size; k++)
			b[k] = data[i + k];
		switch (op & 7) {
		case 0:
		case 1:
			step_pkt(op, b[0], b[1]);
			i += 2;
			break;
		case 2:
			step_reinsert(b[0]);
			i += 1;
			break;
		case 3:
			step_lookup(b[0], b[1]);
			i += 2;
			break;
		case 4:
			step_delete(b[0], b[1]);
			i += 2;
			break;
		case 5:
			step_age(op, b[0], b[1], b[2]);
			i += 3;
			break;
		case 6:
			step_reclaim((op & 8) != 0);
			break;
		default:
			/* time passes without aging */
			now += op >> 3;
			break;
		}
		check_table("step");
	}
	finish();
	return 0;
}

/* EAL leaves its runtime directory behind: remove what this run made. */
static void
runtime_dir_remove(void)
{
	const char *dir = rte_eal_get_runtime_dir();
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	/* before EAL's set-up the directory is not ours */
	if (!eal_up || (d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static void
teardown(void)
{
	rte_free(qsv);
	runtime_dir_remove();
	rte_eal_cleanup();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char prefix[64];
	char *eal_argv[] = {
		(char *)(uintptr_t)"fz_flow_seq",
		(char *)(uintptr_t)"--no-huge",
		(char *)(uintptr_t)"-m", (char *)(uintptr_t)"128",
		(char *)(uintptr_t)"--no-pci",
		(char *)(uintptr_t)"--no-telemetry",
		(char *)(uintptr_t)"--log-level=error",
		(char *)(uintptr_t)"-l", (char *)(uintptr_t)"0",
		(char *)(uintptr_t)"--file-prefix", prefix,
	};
	unsigned int s;
	size_t sz;

	(void)argc;
	(void)argv;
	snprintf(prefix, sizeof(prefix), "fzflow%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal_argv), eal_argv) < 0)
		FAIL("EAL init failed");
	eal_up = true;
	sz = rte_rcu_qsbr_get_memsize(1);
	qsv = rte_zmalloc("fz_qsv", sz, RTE_CACHE_LINE_SIZE);
	if (qsv == NULL || rte_rcu_qsbr_init(qsv, 1) != 0 ||
			rte_rcu_qsbr_thread_register(qsv, 0) != 0)
		FAIL("QSBR set-up failed");
	rte_rcu_qsbr_thread_online(qsv, 0);
	/* per state: none; 5 s, 10 s, ... ; CLOSED 0: gone at the next tick */
	for (s = 0; s < WF_TCP_STATE_MAX; s++)
		timeouts.tsc[s] = s * 5 * HZ;
	timeouts.tsc[WF_TCP_CLOSED] = 0;
	atexit(teardown);
	return 0;
}
