/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#ifndef WF_MBUF_OWN_H
#define WF_MBUF_OWN_H

/**
 * @file
 * Who holds an mbuf. Pool counts cannot see a double free (a freed mbuf
 * keeps refcnt 1 and the available count clamps at the pool size), so
 * mbuf_debug builds (-DWF_MBUF_DEBUG) keep a one-byte tag in an mbuf
 * dynfield: set while wirefault holds the mbuf, clear while a pool or a
 * PMD does. Every mbuf wirefault receives or allocates is taken, every one
 * it frees or hands to TX is given; taking a held mbuf or giving a free
 * one is a bug, reported with its mbuf and the checks of rte_mbuf_check()
 * before the process aborts. In other builds these are plain calls.
 */

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

/** Register the tag (mbuf_debug builds): before the first pool. 0 or -1. */
int wf_mbuf_own_init(void);

#ifdef WF_MBUF_DEBUG
extern int wf_mbuf_own_off;

/** Report a broken ownership rule and abort. */
__rte_noreturn void wf_mbuf_own_fail(const struct rte_mbuf *m,
		const char *what);

static inline uint8_t *
wf_mbuf_own_tag(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, wf_mbuf_own_off, uint8_t *);
}

static inline void
wf_mbuf_own_check(const struct rte_mbuf *m)
{
	const char *reason;

	if (rte_mbuf_check(m, 1, &reason) != 0)
		wf_mbuf_own_fail(m, reason);
}

/** wirefault now holds @p m (received or allocated). */
static inline void
wf_mbuf_take(struct rte_mbuf *m)
{
	wf_mbuf_own_check(m);
	if (*wf_mbuf_own_tag(m) != 0)
		wf_mbuf_own_fail(m, "came from a pool while held: freed without wf_mbuf_free");
	*wf_mbuf_own_tag(m) = 1;
}

/** wirefault lets go of @p m (to free it or to send it). */
static inline void
wf_mbuf_give(struct rte_mbuf *m)
{
	wf_mbuf_own_check(m);
	if (*wf_mbuf_own_tag(m) != 1)
		wf_mbuf_own_fail(m, "freed or sent while not held: a double free or a use after TX");
	*wf_mbuf_own_tag(m) = 0;
}
#else
static inline void wf_mbuf_take(struct rte_mbuf *m __rte_unused) {}
static inline void wf_mbuf_give(struct rte_mbuf *m __rte_unused) {}
#endif

static inline void
wf_mbuf_take_bulk(struct rte_mbuf **m, unsigned int n)
{
#ifdef WF_MBUF_DEBUG
	unsigned int i;

	for (i = 0; i < n; i++)
		wf_mbuf_take(m[i]);
#else
	RTE_SET_USED(m);
	RTE_SET_USED(n);
#endif
}

static inline void
wf_mbuf_give_bulk(struct rte_mbuf **m, unsigned int n)
{
#ifdef WF_MBUF_DEBUG
	unsigned int i;

	for (i = 0; i < n; i++)
		wf_mbuf_give(m[i]);
#else
	RTE_SET_USED(m);
	RTE_SET_USED(n);
#endif
}

static inline struct rte_mbuf *
wf_mbuf_alloc(struct rte_mempool *pool)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	if (likely(m != NULL))
		wf_mbuf_take(m);
	return m;
}

/** rte_pktmbuf_copy, whose copy is held (the tag is not copied along). */
static inline struct rte_mbuf *
wf_mbuf_copy(const struct rte_mbuf *m, struct rte_mempool *pool)
{
	struct rte_mbuf *c = rte_pktmbuf_copy(m, pool, 0, UINT32_MAX);

#ifdef WF_MBUF_DEBUG
	/* the copy's dynfields, the tag included, came from @p m */
	if (likely(c != NULL))
		*wf_mbuf_own_tag(c) = 0;
#endif
	if (likely(c != NULL))
		wf_mbuf_take(c);
	return c;
}

static inline void
wf_mbuf_free(struct rte_mbuf *m)
{
	wf_mbuf_give(m);
	rte_pktmbuf_free(m);
}

static inline void
wf_mbuf_free_bulk(struct rte_mbuf **m, unsigned int n)
{
	wf_mbuf_give_bulk(m, n);
	rte_pktmbuf_free_bulk(m, n);
}

#endif /* WF_MBUF_OWN_H */
