/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The SNAT port pool: one bit per port, set while the port is in use.
 * Workers take bits with a compare-and-swap on the 64-bit word that holds
 * them, the control lcore clears them with an atomic AND, so no lock is
 * held on the packet path and no port is ever handed to two flows.
 *
 * The search starts after the last port taken rather than at the lowest
 * free one: a port just put back (its flow just closed) is then reused
 * as late as possible, which keeps a new flow off a 5-tuple the server
 * may still hold in TIME_WAIT.
 */

#include <errno.h>
#include <stdlib.h>

#include "wf_nat.h"

#define WORD_BITS 64u

struct wf_nat_ports {
	uint16_t lo;
	uint32_t nb_ports;      /* hi - lo + 1, up to 65536 */
	uint32_t nb_words;
	uint32_t cursor;        /* index where the next search starts */
	uint32_t in_use;
	uint64_t bits[];        /* bits past nb_ports are set: never free */
};

struct wf_nat_ports *
wf_nat_ports_create(uint16_t lo, uint16_t hi)
{
	struct wf_nat_ports *p;
	uint32_t nb, words, spare;

	if (lo > hi)
		return NULL;
	nb = (uint32_t)hi - lo + 1;
	words = (nb + WORD_BITS - 1) / WORD_BITS;
	p = calloc(1, sizeof(*p) + words * sizeof(p->bits[0]));
	if (p == NULL)
		return NULL;
	p->lo = lo;
	p->nb_ports = nb;
	p->nb_words = words;
	/* the last word's bits past the pool look taken, so get() skips them */
	spare = words * WORD_BITS - nb;
	if (spare > 0)
		p->bits[words - 1] = ~UINT64_C(0) << (WORD_BITS - spare);
	return p;
}

void
wf_nat_ports_free(struct wf_nat_ports *p)
{
	free(p);
}

/*
 * Take the lowest free bit of @p word among @p mask; its number, or -1.
 * Acquire: the flow state a previous owner wrote before put() is done.
 */
static int
take_bit(uint64_t *word, uint64_t mask)
{
	uint64_t old = __atomic_load_n(word, __ATOMIC_RELAXED), free_bits, bit;

	while ((free_bits = ~old & mask) != 0) {
		bit = free_bits & -free_bits;
		/* on failure old is reloaded: another worker took a bit */
		if (__atomic_compare_exchange_n(word, &old, old | bit, false,
				__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return __builtin_ctzll(bit);
	}
	return -1;
}

/*
 * Which bits of the i-th word visited may be taken: the first word from
 * the cursor's bit up, the middle ones whole, and the first word again at
 * the end (i == nb_words) for the bits below the cursor.
 */
static inline uint64_t
scan_mask(uint32_t i, uint32_t nb_words, unsigned int b0)
{
	if (i == 0)
		return ~UINT64_C(0) << b0;
	if (i == nb_words)
		return ~(~UINT64_C(0) << b0);
	return ~UINT64_C(0);
}

int
wf_nat_ports_get(struct wf_nat_ports *p)
{
	uint32_t start, w0, w, i, idx;
	unsigned int b0;
	int bit;

	if (p == NULL)
		return -EINVAL;
	/* a hint only: racing workers may start from the same place */
	start = __atomic_load_n(&p->cursor, __ATOMIC_RELAXED);
	if (start >= p->nb_ports)
		start = 0;
	w0 = start / WORD_BITS;
	b0 = start % WORD_BITS;
	for (i = 0; i <= p->nb_words; i++) {
		w = w0 + i;
		if (w >= p->nb_words)
			w -= p->nb_words;
		bit = take_bit(&p->bits[w], scan_mask(i, p->nb_words, b0));
		if (bit < 0)
			continue;
		idx = w * WORD_BITS + (uint32_t)bit;
		__atomic_store_n(&p->cursor, idx + 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&p->in_use, 1, __ATOMIC_RELAXED);
		return (int)(p->lo + idx);
	}
	return -ENOSPC;
}

int
wf_nat_ports_put(struct wf_nat_ports *p, uint16_t port)
{
	uint32_t idx;
	uint64_t bit, old;

	if (p == NULL || port < p->lo)
		return -EINVAL;
	idx = (uint32_t)port - p->lo;
	if (idx >= p->nb_ports)
		return -EINVAL;
	bit = UINT64_C(1) << (idx % WORD_BITS);
	/* release: what the owner wrote is seen by the next taker */
	old = __atomic_fetch_and(&p->bits[idx / WORD_BITS], ~bit,
			__ATOMIC_RELEASE);
	/* clearing a clear bit changed nothing: only say so */
	if (!(old & bit))
		return -EINVAL;
	__atomic_fetch_sub(&p->in_use, 1, __ATOMIC_RELAXED);
	return 0;
}

uint32_t
wf_nat_ports_in_use(const struct wf_nat_ports *p)
{
	return p == NULL ? 0 : __atomic_load_n(&p->in_use, __ATOMIC_RELAXED);
}
