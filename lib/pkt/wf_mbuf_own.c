/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#include <stdio.h>
#include <stdlib.h>

#include <rte_mbuf_dyn.h>

#include "wf_mbuf_own.h"

#ifdef WF_MBUF_DEBUG
int wf_mbuf_own_off = -1;

void
wf_mbuf_own_fail(const struct rte_mbuf *m, const char *what)
{
	fprintf(stderr, "wirefault: mbuf %p (pool %s, refcnt %u, pkt_len %u): %s\n",
		(const void *)m, m->pool != NULL ? m->pool->name : "?",
		rte_mbuf_refcnt_read(m), m->pkt_len, what);
	abort();
}

int
wf_mbuf_own_init(void)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = "wirefault_mbuf_owner",
		.size = sizeof(uint8_t),
		.align = __alignof__(uint8_t),
	};

	wf_mbuf_own_off = rte_mbuf_dynfield_register(&desc);
	return wf_mbuf_own_off < 0 ? -1 : 0;
}
#else
int
wf_mbuf_own_init(void)
{
	return 0;
}
#endif
