/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */
/* STUB: being written; replaced whole by the real tracker. */
#include <string.h>
#include "wf_pkt.h"
#include "wf_tcp.h"

bool wf_tcp_flags_valid(uint8_t flags) { (void)flags; return true; }
enum wf_tcp_kind wf_tcp_kind(const struct wf_tcp_seg *s) { (void)s; return WF_TCP_K_DATA; }
bool wf_tcp_may_create(const struct wf_tcp_seg *s, bool loose)
{ return (s->flags & (WF_TCP_SYN | WF_TCP_ACK)) == WF_TCP_SYN || loose; }
struct wf_tcp_result wf_tcp_init(struct wf_tcp_conn *c,
		const struct wf_tcp_seg *s, uint64_t now_us)
{
	struct wf_tcp_result r = { 0, 0, WF_TCP_SYN_SENT, WF_TCP_R_STATE_CHANGED };
	(void)s;
	memset(c, 0, sizeof(*c));
	c->state = WF_TCP_SYN_SENT;
	c->syn_count = 1;
	c->syn_time0_us = now_us;
	return r;
}
struct wf_tcp_result wf_tcp_track(struct wf_tcp_conn *c, unsigned int dir,
		const struct wf_tcp_seg *s, uint64_t now_us)
{
	struct wf_tcp_result r = { 0, c->state, c->state, 0 };
	(void)dir; (void)s; (void)now_us;
	return r;
}
const char *wf_tcp_state_name(unsigned int state)
{
	static const char *const n[] = { "NONE",
#define X(name) #name,
		WF_TCP_STATES(X)
#undef X
	};
	return state < WF_TCP_STATE_MAX ? n[state] : "?";
}
int wf_tcp_state_parse(const char *name) { (void)name; return -1; }
const char *wf_tcp_kind_name(unsigned int kind) { (void)kind; return "?"; }
