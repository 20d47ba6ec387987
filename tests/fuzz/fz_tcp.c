/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * fz_tcp: the connection tracker of lib/tcp on the segments of one
 * connection. The input is a header (two initial sequence numbers, the
 * pickup mode) and STEP_LEN bytes per segment:
 *
 *   0  bit 0 sender (endpoint 0 or 1), bit 1 window scale option,
 *      bit 2 far sequence number, bits 3-7 time step (x 16384 us)
 *   1  TCP flags
 *   2  sequence number delta, low byte
 *   3  ack delta (signed) from what the other endpoint sent
 *   4  window: w << 8 | w
 *   5  payload length (0xf0-0xff: 1..16 x 1448)
 *   6  window scale value
 *   7  far: sequence number + (b7 << 24 | b2 << 16); else the delta is
 *      the signed 16 bits b7:b2, from what the sender sent so far
 *
 * Sequence and ack numbers are relative to what each endpoint has sent,
 * so zero deltas make a plausible conversation. Until a segment may
 * create the connection (wf_tcp_may_create), segments are what a flow
 * table would drop; the creator is the originator. Checked (HOSTILE.md
 * c.3, b.1 rows 40-43; the contract in wf_tcp.c):
 *
 * - the state is always a valid state, never NONE once created;
 * - wf_tcp_track() on no connection (NONE) creates nothing;
 * - a segment with invalid flags, an RST classified invalid or inexact,
 *   and any IGNORED segment leave the connection byte for byte as it was;
 * - an RST changes the state only to CLOSED; nothing else closes;
 * - result fields agree with the connection and with wf_tcp_kind();
 * - SYN and SYN-ACK counters never go down but on a reopen;
 * - wf_tcp_may_create() and wf_tcp_init() agree;
 * - the same input on a fresh connection gives the same results.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wf_pkt.h"
#include "wf_tcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HDR_LEN 9
#define STEP_LEN 8
#define STEPS_MAX 512

#define NO_CHANGE (WF_TCP_R_BAD_FLAGS | WF_TCP_R_RST_INVALID | \
	WF_TCP_R_RST_INEXACT | WF_TCP_R_IGNORED)
#define ALL_BITS (WF_TCP_R_RETRANS | WF_TCP_R_BAD_FLAGS | \
	WF_TCP_R_RST_INVALID | WF_TCP_R_RST_INEXACT | \
	WF_TCP_R_SYN_UNANSWERED | WF_TCP_R_SYNACK_AFTER_DATA | \
	WF_TCP_R_REOPEN | WF_TCP_R_IGNORED | WF_TCP_R_STATE_CHANGED)

/* One run: the results of every step and the connection at the end. */
struct run {
	struct wf_tcp_result res[STEPS_MAX];
	struct wf_tcp_conn conn;
	unsigned int nb;
	int created;           /* step that created the connection, or -1 */
};

static unsigned int cur_step;

static __attribute__((noreturn)) void
fail(const char *what, const struct wf_tcp_conn *before,
		const struct wf_tcp_conn *after, const struct wf_tcp_seg *s,
		const struct wf_tcp_result *r)
{
	fprintf(stderr, "fz_tcp: step %u: %s\n", cur_step, what);
	fprintf(stderr, "  segment flags %#x seq %u ack %u len %u "
			"win %u ws %u/%u\n", s->flags, s->seq, s->ack,
			s->len, s->win, s->has_wscale, s->wscale);
	fprintf(stderr, "  result kind %s %s -> %s bits %#x\n",
			wf_tcp_kind_name(r->kind),
			wf_tcp_state_name(r->old_state),
			wf_tcp_state_name(r->new_state), r->bits);
	fprintf(stderr, "  connection state %s -> %s\n",
			wf_tcp_state_name(before->state),
			wf_tcp_state_name(after->state));
	abort();
}

#define CHECK(cond, what) do { \
	if (!(cond)) \
		fail(what ": " #cond, prev, c, s, &r); \
} while (0)

static inline bool
seq_after(uint32_t a, uint32_t b)
{
	return (int32_t)(b - a) < 0;
}

static uint32_t
rd32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		(uint32_t)b[2] << 8 | b[3];
}

/* Decode one step; @p nxt is what each endpoint has sent so far. */
static void
decode(const uint8_t *b, const uint32_t nxt[2], struct wf_tcp_seg *s,
		unsigned int *ep, bool *far, uint64_t *dt)
{
	unsigned int e = b[0] & 1;

	memset(s, 0, sizeof(*s));
	*ep = e;
	*far = b[0] & 4;
	*dt = (uint64_t)(b[0] >> 3) << 14;
	s->flags = b[1];
	if (*far)
		s->seq = nxt[e] + ((uint32_t)b[7] << 24 | (uint32_t)b[2] << 16);
	else
		s->seq = nxt[e] + (uint32_t)(int32_t)(int16_t)(b[7] << 8 | b[2]);
	s->ack = nxt[e ^ 1] + (uint32_t)(int32_t)(int8_t)b[3];
	s->win = (uint16_t)(b[4] << 8 | b[4]);
	s->len = b[5] < 0xf0 ? b[5] : (b[5] - 0xefu) * 1448;
	s->has_wscale = (b[0] >> 1) & 1;
	s->wscale = s->has_wscale ? b[6] : 0;
}

/* The checks of one tracked segment; @p prev: the connection before it. */
static void
check_step(const struct wf_tcp_conn *c, const struct wf_tcp_conn *prev,
		const struct wf_tcp_seg *s, struct wf_tcp_result r)
{
	enum wf_tcp_kind k = wf_tcp_kind(s);

	CHECK(c->state > WF_TCP_NONE && c->state < WF_TCP_STATE_MAX,
			"state valid");
	CHECK(r.old_state == prev->state && r.new_state == c->state,
			"result states");
	CHECK(!!(r.bits & WF_TCP_R_STATE_CHANGED) ==
			(r.old_state != r.new_state), "STATE_CHANGED bit");
	CHECK((r.bits & ~ALL_BITS) == 0, "known bits only");
	CHECK(r.kind == k || (k == WF_TCP_K_PUREACK &&
			r.kind == WF_TCP_K_HSACK), "kind");
	CHECK((k == WF_TCP_K_INVALID) == !wf_tcp_flags_valid(s->flags),
			"kind invalid iff flags invalid");
	if (!wf_tcp_flags_valid(s->flags))
		CHECK(r.bits == WF_TCP_R_BAD_FLAGS, "bad flags: that alone");
	if (r.bits & NO_CHANGE)
		CHECK(memcmp(c, prev, sizeof(*c)) == 0,
				"ignored segment changed the connection");
	if (k == WF_TCP_K_RST && c->state != prev->state)
		CHECK(c->state == WF_TCP_CLOSED, "an RST closes or nothing");
	if (k != WF_TCP_K_RST && c->state != prev->state)
		CHECK(c->state != WF_TCP_CLOSED, "only an RST closes");
	if (r.bits & WF_TCP_R_REOPEN) {
		CHECK(k == WF_TCP_K_SYN && c->state == WF_TCP_SYN_SENT,
				"reopen by a SYN");
	} else {
		CHECK(c->syn_count >= prev->syn_count, "SYNs counted up");
		CHECK(c->synack_count >= prev->synack_count,
				"SYN-ACKs counted up");
		CHECK(c->picked_up == prev->picked_up, "picked_up kept");
	}
	CHECK(c->dir[0].wscale <= 14 || c->dir[0].wscale == 0xff,
			"window scale in range");
	CHECK(c->dir[1].wscale <= 14 || c->dir[1].wscale == 0xff,
			"window scale in range");
}

static void
run_once(const uint8_t *data, size_t size, struct run *out)
{
	struct wf_tcp_conn scratch, before, *c = &out->conn;
	const struct wf_tcp_conn *prev = &before;
	uint32_t nxt[2], end;
	unsigned int ep, orig = 0, i;
	struct wf_tcp_result r;
	struct wf_tcp_seg seg, *s = &seg;
	uint64_t now = 1000000, dt;
	bool loose, far, created = false;

	memset(out, 0, sizeof(*out));
	out->created = -1;
	nxt[0] = rd32(data);
	nxt[1] = rd32(data + 4);
	loose = data[8] & 1;
	for (i = 0; i < STEPS_MAX && HDR_LEN + (i + 1) * STEP_LEN <= size;
			i++) {
		cur_step = i;
		decode(data + HDR_LEN + i * STEP_LEN, nxt, s, &ep, &far, &dt);
		now += dt;
		if (!created) {
			bool may = wf_tcp_may_create(s, loose);

			/* no connection: tracking never invents one */
			memset(&before, 0, sizeof(before));
			memset(&scratch, 0, sizeof(scratch));
			r = wf_tcp_track(&scratch, ep, s, now);
			CHECK(memcmp(&scratch, prev, sizeof(scratch)) == 0 &&
					r.new_state == WF_TCP_NONE,
					"tracked without a connection");
			r = wf_tcp_init(&scratch, s, now);
			CHECK(!may || wf_tcp_may_create(s, true),
					"loose allows more");
			CHECK(wf_tcp_may_create(s, false) ==
					(r.new_state == WF_TCP_SYN_SENT),
					"strict creation is a SYN");
			CHECK(wf_tcp_may_create(s, true) ==
					(r.new_state != WF_TCP_NONE),
					"may_create and init agree");
			if (!wf_tcp_flags_valid(s->flags))
				CHECK(r.bits == WF_TCP_R_BAD_FLAGS &&
						!wf_tcp_may_create(s, true),
						"bad flags never create");
			if (may) {
				memcpy(c, &scratch, sizeof(*c));
				created = true;
				orig = ep;
				out->created = (int)i;
				CHECK(c->state == WF_TCP_SYN_SENT ||
						c->state == WF_TCP_ESTABLISHED,
						"first state");
			}
		} else {
			memcpy(&before, c, sizeof(before));
			r = wf_tcp_track(c, ep ^ orig, s, now);
			check_step(c, &before, s, r);
		}
		out->res[i] = r;
		out->nb = i + 1;
		/* what the sender has sent, as the encoding sees it */
		end = s->seq + s->len + !!(s->flags & WF_TCP_SYN) +
			!!(s->flags & WF_TCP_FIN);
		if (!far && seq_after(end, nxt[ep]))
			nxt[ep] = end;
	}
}

/* Results field by field: the struct may have padding. */
static bool
same_results(const struct run *a, const struct run *b)
{
	unsigned int i;

	if (a->nb != b->nb || a->created != b->created)
		return false;
	for (i = 0; i < a->nb; i++)
		if (a->res[i].kind != b->res[i].kind ||
				a->res[i].old_state != b->res[i].old_state ||
				a->res[i].new_state != b->res[i].new_state ||
				a->res[i].bits != b->res[i].bits)
			return false;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run a, b;

	if (size < HDR_LEN)
		return 0;
	run_once(data, size, &a);
	run_once(data, size, &b);
	if (!same_results(&a, &b) ||
			memcmp(&a.conn, &b.conn, sizeof(a.conn)) != 0) {
		fprintf(stderr, "fz_tcp: a second run differs\n");
		abort();
	}
	return 0;
}
