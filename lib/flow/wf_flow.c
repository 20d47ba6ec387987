/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The flow table on rte_hash. Deletion is split in two, as rte_hash's
 * lock-free mode asks: rte_hash_del_key unlinks the key at once (new
 * lookups miss it), and the slot, with our entry at the same position, goes
 * back to the free list only after a grace period of the workers' QSBR
 * variable. We keep our own defer queue rather than the hash's integrated
 * one so the control lcore can reclaim on its own schedule: the hash's
 * queue reclaims only inside later deletes and full inserts, which leaves
 * the last deleted slots counted forever once traffic stops.
 */

#include <stddef.h>
#include <errno.h>
#include <stdio.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "wf_flow.h"

/* rte_hash's bucket width (private to the library) */
#define WF_HASH_BUCKET_ENTRIES 8

_Static_assert(sizeof(struct wf_flow_key) == 48, "flow key has no padding");
_Static_assert(offsetof(struct wf_flow, rules) <= 128,
		"the tracking part of a flow entry stays within two cache lines");
_Static_assert(sizeof(struct wf_flow) <= 192, "a flow entry stays within 192 B");

struct wf_flow_table {
	struct rte_hash *h;
	struct wf_flow *entry;       /* indexed by key position */
	struct rte_rcu_qsbr_dq *dq;
	struct rte_rcu_qsbr *qsv;
	uint32_t capacity;
	uint32_t nb_pos;             /* positions rte_hash can hand out */
	uint32_t age_cursor;         /* control lcore: next position to age */
	uint32_t live;               /* atomic: entries a lookup can find */
	uint64_t memory;
	struct wf_flow_table_stats stats;
	void (*on_delete)(void *ctx, struct wf_flow *f);
	void *on_delete_ctx;
};

/* Defer-queue callback: the grace period is over, the slot is free. */
static void
flow_slot_free(void *p, void *e, unsigned int n)
{
	struct wf_flow_table *t = p;
	const uint32_t *pos = e;
	unsigned int i;

	for (i = 0; i < n; i++) {
		rte_hash_free_key_with_position(t->h, pos[i]);
		t->stats.reclaimed++;
	}
}

/* What rte_hash allocates for @p entries keys of our size (estimate). */
static uint64_t
hash_memory(uint32_t entries, uint32_t nb_slots)
{
	uint64_t buckets = rte_align32pow2(entries) / WF_HASH_BUCKET_ENTRIES;
	uint64_t key_entry = RTE_ALIGN(sizeof(void *) +
			sizeof(struct wf_flow_key), 16);

	return key_entry * nb_slots                 /* key store */
		+ 2 * buckets * 64                   /* buckets + ext buckets */
		+ 4 * (uint64_t)rte_align32pow2(nb_slots) /* free-slot ring */
		+ 4 * (uint64_t)rte_align32pow2(buckets + 1) /* ext ring */
		+ 4 * (uint64_t)nb_slots;            /* ext buckets to free */
}

struct wf_flow_table *
wf_flow_table_create(const struct wf_flow_params *p)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = p->capacity,
		.key_len = sizeof(struct wf_flow_key),
		.hash_func = rte_hash_crc,
		.hash_func_init_val = p->seed,
		.socket_id = p->socket_id,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			RTE_HASH_EXTRA_FLAGS_MULTI_WRITER_ADD |
			RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct rte_rcu_qsbr_dq_parameters dp = { 0 };
	struct wf_flow_table *t;
	char dq_name[RTE_RING_NAMESIZE];
	int32_t max_id;

	if (p->capacity < WF_HASH_BUCKET_ENTRIES || p->qsv == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	t = rte_zmalloc_socket("wf_flow_table", sizeof(*t), 0, p->socket_id);
	if (t == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	snprintf(name, sizeof(name), "%s", p->name);
	t->h = rte_hash_create(&hp);
	if (t->h == NULL)
		goto fail;
	max_id = rte_hash_max_key_id(t->h);
	if (max_id < 0)
		goto fail;
	t->nb_pos = (uint32_t)max_id + 1;
	t->capacity = p->capacity;
	t->qsv = p->qsv;
	t->on_delete = p->on_delete;
	t->on_delete_ctx = p->on_delete_ctx;
	t->entry = rte_zmalloc_socket("wf_flow_entries",
			(size_t)t->nb_pos * sizeof(struct wf_flow),
			RTE_CACHE_LINE_SIZE, p->socket_id);
	if (t->entry == NULL) {
		rte_errno = ENOMEM;
		goto fail;
	}
	snprintf(dq_name, sizeof(dq_name), "dq_%s", p->name);
	dp.name = dq_name;
	dp.size = t->nb_pos;
	dp.esize = sizeof(uint32_t);
	/* reclaim on enqueue too, so a burst of deletes cannot fill it */
	dp.trigger_reclaim_limit = 1024;
	dp.max_reclaim_size = 1024;
	dp.free_fn = flow_slot_free;
	dp.p = t;
	dp.v = p->qsv;
	t->dq = rte_rcu_qsbr_dq_create(&dp);
	if (t->dq == NULL)
		goto fail;
	t->memory = sizeof(*t) + hash_memory(p->capacity, t->nb_pos + 1) +
		(uint64_t)t->nb_pos * sizeof(struct wf_flow) +
		(uint64_t)rte_align32pow2(t->nb_pos + 1) *
			(sizeof(uint32_t) + sizeof(uint64_t));
	return t;
fail:
	wf_flow_table_free(t);
	return NULL;
}

int
wf_flow_table_reset(struct wf_flow_table *t)
{
	unsigned int freed, pending, avail;

	if (rte_rcu_qsbr_dq_reclaim(t->dq, UINT32_MAX, &freed, &pending,
			&avail) != 0 || pending != 0)
		return -EBUSY;
	rte_hash_reset(t->h);
	memset(t->entry, 0, (size_t)t->nb_pos * sizeof(*t->entry));
	t->age_cursor = 0;
	__atomic_store_n(&t->live, 0, __ATOMIC_RELEASE);
	memset(&t->stats, 0, sizeof(t->stats));
	return 0;
}

void
wf_flow_table_free(struct wf_flow_table *t)
{
	if (t == NULL)
		return;
	if (t->dq != NULL)
		rte_rcu_qsbr_dq_delete(t->dq);
	rte_hash_free(t->h);
	rte_free(t->entry);
	rte_free(t);
}

void
wf_flow_lookup_bulk(const struct wf_flow_table *t,
		const struct wf_flow_key **keys, unsigned int n, int32_t *pos)
{
	if (n == 0)
		return;
	rte_hash_lookup_bulk(t->h, (const void **)keys, n, pos);
}

int32_t
wf_flow_insert(struct wf_flow_table *t, const struct wf_flow_key *key,
		bool *existed)
{
	int32_t pos;

	*existed = false;
	/*
	 * rte_hash would take more keys than asked (its per-lcore slot
	 * caches add slack): hold the capacity ourselves. Racing workers
	 * can overshoot by one each, never more.
	 */
	if (__atomic_load_n(&t->live, __ATOMIC_RELAXED) >= t->capacity)
		return -ENOSPC;
	pos = rte_hash_add_key(t->h, key);
	if (pos < 0)
		return pos;
	/*
	 * rte_hash_add_key returns the existing position for a key that
	 * another worker inserted meanwhile; our entry says which it was.
	 */
	if (__atomic_load_n(&t->entry[pos].in_use, __ATOMIC_ACQUIRE))
		*existed = true;
	else
		__atomic_add_fetch(&t->live, 1, __ATOMIC_RELAXED);
	return pos;
}

struct wf_flow *
wf_flow_at(const struct wf_flow_table *t, int32_t pos)
{
	return &t->entry[pos];
}

struct wf_flow *
wf_flow_entries(const struct wf_flow_table *t)
{
	return t->entry;
}

int
wf_flow_delete(struct wf_flow_table *t, int32_t pos)
{
	const void *key;
	uint32_t slot = (uint32_t)pos;
	int32_t ret;

	if (pos < 0 || (uint32_t)pos >= t->nb_pos)
		return -EINVAL;
	if (rte_hash_get_key_with_position(t->h, pos, (void **)(uintptr_t)&key) != 0)
		return -ENOENT;
	__atomic_store_n(&t->entry[pos].in_use, 0, __ATOMIC_RELEASE);
	ret = rte_hash_del_key(t->h, key);
	if (ret < 0)
		return ret;
	if (t->on_delete != NULL)
		t->on_delete(t->on_delete_ctx, &t->entry[pos]);
	__atomic_sub_fetch(&t->live, 1, __ATOMIC_RELAXED);
	if (rte_rcu_qsbr_dq_enqueue(t->dq, &slot) != 0) {
		/* queue full even after reclaiming: wait for the workers */
		rte_rcu_qsbr_synchronize(t->qsv, RTE_QSBR_THRID_INVALID);
		rte_hash_free_key_with_position(t->h, pos);
		t->stats.reclaimed++;
	}
	return 0;
}

/* May the room-making pass delete an entry in @p state, in pass @p pass? */
static inline bool
evictable(uint8_t state, unsigned int pass)
{
	if (pass == 0)
		return state == WF_TCP_CLOSED || state == WF_TCP_TIME_WAIT;
	return state == WF_TCP_SYN_SENT || state == WF_TCP_SYN_RECV;
}

unsigned int
wf_flow_age(struct wf_flow_table *t, uint64_t now_tsc,
		const struct wf_flow_timeouts *to, uint32_t budget,
		bool make_room, uint32_t room)
{
	uint32_t start = t->age_cursor, pos, i;
	unsigned int deleted = 0, pass, evicted = 0;

	if (budget > t->nb_pos)
		budget = t->nb_pos;
	for (i = 0, pos = start; i < budget; i++) {
		struct wf_flow *f = &t->entry[pos];
		uint64_t last = __atomic_load_n(&f->last_tsc, __ATOMIC_RELAXED);
		uint8_t state = __atomic_load_n(&f->tcp.state, __ATOMIC_RELAXED);

		if (__atomic_load_n(&f->in_use, __ATOMIC_ACQUIRE) &&
				state < WF_TCP_STATE_MAX &&
				now_tsc > last && now_tsc - last > to->tsc[state] &&
				wf_flow_delete(t, pos) == 0) {
			t->stats.aged++;
			deleted++;
		}
		if (++pos == t->nb_pos)
			pos = 0;
	}
	t->age_cursor = pos;
	if (!make_room)
		return deleted;
	/* early drop as netfilter does: never established flows */
	for (pass = 0; pass < 2 && evicted < room; pass++) {
		for (i = 0, pos = start; i < budget && evicted < room; i++) {
			struct wf_flow *f = &t->entry[pos];

			if (__atomic_load_n(&f->in_use, __ATOMIC_ACQUIRE) &&
					evictable(__atomic_load_n(&f->tcp.state,
						__ATOMIC_RELAXED), pass) &&
					wf_flow_delete(t, pos) == 0) {
				t->stats.evicted_embryonic++;
				evicted++;
			}
			if (++pos == t->nb_pos)
				pos = 0;
		}
	}
	return deleted + evicted;
}

unsigned int
wf_flow_reclaim(struct wf_flow_table *t)
{
	unsigned int freed = 0, pending = 0, avail = 0;

	rte_rcu_qsbr_dq_reclaim(t->dq, UINT32_MAX, &freed, &pending, &avail);
	return freed;
}

uint32_t
wf_flow_count(const struct wf_flow_table *t)
{
	return __atomic_load_n(&t->live, __ATOMIC_RELAXED);
}

uint32_t
wf_flow_slots_used(const struct wf_flow_table *t)
{
	int32_t n = rte_hash_count(t->h);

	return n < 0 ? 0 : (uint32_t)n;
}

uint32_t
wf_flow_capacity(const struct wf_flow_table *t)
{
	return t->capacity;
}

uint32_t
wf_flow_max_pos(const struct wf_flow_table *t)
{
	return t->nb_pos;
}

const struct wf_flow_key *
wf_flow_key_at(const struct wf_flow_table *t, int32_t pos)
{
	void *key;

	if (pos < 0 || (uint32_t)pos >= t->nb_pos ||
			!__atomic_load_n(&t->entry[pos].in_use, __ATOMIC_ACQUIRE))
		return NULL;
	if (rte_hash_get_key_with_position(t->h, pos, &key) != 0)
		return NULL;
	return key;
}

const struct wf_flow_table_stats *
wf_flow_table_stats(const struct wf_flow_table *t)
{
	return &t->stats;
}

uint64_t
wf_flow_table_memory(const struct wf_flow_table *t)
{
	return t->memory;
}
