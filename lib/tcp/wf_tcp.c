/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * TCP connection tracking from the wire, on the model of netfilter's
 * nf_conntrack_proto_tcp.c, with one difference of aim: netfilter decides
 * what a firewall may let through, wirefault reports what the two hosts
 * believe (the census must agree with `ss -ant` on them) and forwards
 * everything. So:
 *
 * - Flag combinations outside netfilter's allow-list never create, change
 *   or delete state (HOSTILE.md b.1 case 40).
 * - Segments that are valid but do not fit the state (a SYN-ACK from the
 *   originator, data before the SYN-ACK, a SYN inside an established
 *   connection) are IGNORED and change nothing, like netfilter's sIG: the
 *   hosts sort them out (RST, challenge ACK) and we follow what they do.
 * - Every result with BAD_FLAGS, RST_INVALID, RST_INEXACT or IGNORED leaves
 *   the connection byte for byte as it was, so a spoofed segment cannot
 *   move the census or the retransmission detection.
 * - The closing states are derived from per-direction FIN/ACK flags rather
 *   than from netfilter's table: netfilter takes any ACK in FIN_WAIT for
 *   the answer to the FIN, we know which side sent the FIN and which ACK
 *   covers it.
 *
 * Simultaneous open (netfilter's SYN_SENT2) is not modelled: a SYN from
 * the responder is IGNORED. It is rare enough on real networks that a
 * state of its own would cost more in the census than it tells.
 */

#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "wf_pkt.h"
#include "wf_tcp.h"

/* wf_tcp_dir.wscale: no window scale option (or not seen yet). */
#define WSCALE_NONE 0xff
/* RFC 7323 2.3: larger shifts are taken as 14, as netfilter does. */
#define WSCALE_MAX 14
/*
 * Window used when the receiver's is not known: a quarter of the sequence
 * space, netfilter's be_liberal. A picked-up flow never learns its window
 * scale, so its windows are unknown for good.
 */
#define WIN_LIBERAL (UINT32_C(1) << 30)
/* Floor of a known window, as netfilter's MAXACKWINCONST. */
#define WIN_FLOOR 66000u

/* Sequence comparisons modulo 2^32 (the kernel's before()/after()). */
static inline bool
seq_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool
seq_after(uint32_t a, uint32_t b)
{
	return seq_before(b, a);
}

/* The sequence number after the segment: SYN and FIN take one each. */
static inline uint32_t
seg_end(const struct wf_tcp_seg *s)
{
	return s->seq + s->len + !!(s->flags & WF_TCP_SYN) +
		!!(s->flags & WF_TCP_FIN);
}

bool
wf_tcp_flags_valid(uint8_t flags)
{
	/* PSH, ECE and CWR may go with anything (netfilter tcp_error()). */
	switch (flags & (WF_TCP_FIN | WF_TCP_SYN | WF_TCP_RST | WF_TCP_ACK |
			WF_TCP_URG)) {
	case WF_TCP_SYN:
	case WF_TCP_SYN | WF_TCP_URG:
	case WF_TCP_SYN | WF_TCP_ACK:
	case WF_TCP_RST:
	case WF_TCP_RST | WF_TCP_ACK:
	case WF_TCP_FIN | WF_TCP_ACK:
	case WF_TCP_FIN | WF_TCP_ACK | WF_TCP_URG:
	case WF_TCP_ACK:
	case WF_TCP_ACK | WF_TCP_URG:
		return true;
	default:
		return false;
	}
}

enum wf_tcp_kind
wf_tcp_kind(const struct wf_tcp_seg *s)
{
	if (!wf_tcp_flags_valid(s->flags))
		return WF_TCP_K_INVALID;
	if (s->flags & WF_TCP_RST)
		return WF_TCP_K_RST;
	if (s->flags & WF_TCP_SYN)
		return (s->flags & WF_TCP_ACK) ? WF_TCP_K_SYNACK : WF_TCP_K_SYN;
	if (s->flags & WF_TCP_FIN)
		return WF_TCP_K_FIN;
	return s->len != 0 ? WF_TCP_K_DATA : WF_TCP_K_PUREACK;
}

bool
wf_tcp_may_create(const struct wf_tcp_seg *s, bool loose)
{
	/*
	 * SYN-ACK, FIN and RST never create: a flood of spoofed ones must
	 * not fill the table (HOSTILE.md b.1 case 41).
	 */
	switch (wf_tcp_kind(s)) {
	case WF_TCP_K_SYN:
		return true;
	case WF_TCP_K_DATA:
	case WF_TCP_K_PUREACK:
		return loose;
	default:
		return false;
	}
}

/* Windows are scaled only when both SYNs carried the option (RFC 7323). */
static inline bool
scaling_on(const struct wf_tcp_conn *c)
{
	return c->dir[0].wscale != WSCALE_NONE &&
		c->dir[1].wscale != WSCALE_NONE;
}

/* How far beyond its end a sender may plausibly go towards @p rcv. */
static uint32_t
seq_window(const struct wf_tcp_conn *c, const struct wf_tcp_dir *rcv)
{
	if (c->picked_up || rcv->maxwin == 0)
		return WIN_LIBERAL;
	return rcv->maxwin > WIN_FLOOR ? rcv->maxwin : WIN_FLOOR;
}

/*
 * May @p ack be believed as an acknowledgement of @p rcv's data? Never
 * beyond what @p rcv sent: a forged ACK must not raise last_ack, which the
 * RST checks trust.
 */
static bool
ack_ok(uint32_t ack, const struct wf_tcp_dir *rcv)
{
	if (!(rcv->flags & WF_TCP_DF_SEQ_KNOWN))
		return true;
	return !seq_after(ack, rcv->end) && rcv->end - ack < WIN_LIBERAL;
}

/* Learn a direction from its SYN or SYN-ACK. */
static void
dir_learn_syn(struct wf_tcp_dir *d, const struct wf_tcp_seg *s)
{
	memset(d, 0, sizeof(*d));
	d->end = seg_end(s);
	d->maxwin = s->win; /* the window of a SYN is never scaled */
	d->wscale = s->has_wscale ?
		(s->wscale > WSCALE_MAX ? WSCALE_MAX : s->wscale) : WSCALE_NONE;
	d->flags = WF_TCP_DF_SEQ_KNOWN;
	if (s->flags & WF_TCP_ACK) {
		d->last_ack = s->ack;
		d->flags |= WF_TCP_DF_SEEN_ACK;
	}
}

/* Append a SYN to the backoff series. */
static void
record_syn(struct wf_tcp_conn *c, uint64_t now_us)
{
	uint64_t dt;

	if (c->syn_count < WF_TCP_SYN_TIMES) {
		dt = now_us > c->syn_time0_us ? now_us - c->syn_time0_us : 0;
		c->syn_us[c->syn_count] = dt > UINT32_MAX ?
			UINT32_MAX : (uint32_t)dt;
	}
	if (c->syn_count < UINT8_MAX)
		c->syn_count++;
}

/* A connection from its first SYN (also on reopening). */
static void
init_syn(struct wf_tcp_conn *c, const struct wf_tcp_seg *s, uint64_t now_us)
{
	memset(c, 0, sizeof(*c));
	c->state = WF_TCP_SYN_SENT;
	c->syn_count = 1;
	c->syn_time0_us = now_us;
	dir_learn_syn(&c->dir[0], s);
	c->dir[1].wscale = WSCALE_NONE;
}

/*
 * Account one accepted segment to its direction: sequence space,
 * retransmission, window, ACK and FIN flags. Returns WF_TCP_R_RETRANS or 0.
 */
static uint16_t
dir_update(struct wf_tcp_conn *c, unsigned int d, const struct wf_tcp_seg *s)
{
	struct wf_tcp_dir *snd = &c->dir[d], *rcv = &c->dir[d ^ 1];
	uint32_t end = seg_end(s), win = s->win;
	bool carries = s->len != 0 || (s->flags & (WF_TCP_SYN | WF_TCP_FIN));
	uint16_t bits = 0;

	if (!(snd->flags & WF_TCP_DF_SEQ_KNOWN)) {
		snd->end = end;
		snd->flags |= WF_TCP_DF_SEQ_KNOWN;
	} else if (seq_after(end, snd->end)) {
		/*
		 * A segment far beyond anything the receiver allowed is
		 * stray or forged: taking its end would make every later
		 * segment look like a retransmission.
		 */
		if (end - snd->end <= seq_window(c, rcv))
			snd->end = end;
	} else if (carries) {
		bits |= WF_TCP_R_RETRANS;
	}

	/* 65535 << 14 < 2^30: no overflow. */
	if (!(s->flags & WF_TCP_SYN) && scaling_on(c))
		win <<= snd->wscale;
	if (win > snd->maxwin)
		snd->maxwin = win;

	if ((s->flags & WF_TCP_ACK) && ack_ok(s->ack, rcv)) {
		if (!(snd->flags & WF_TCP_DF_SEEN_ACK) ||
				seq_after(s->ack, snd->last_ack))
			snd->last_ack = s->ack;
		snd->flags |= WF_TCP_DF_SEEN_ACK;
		/* The FIN is the last thing its sender sent: end covers it. */
		if ((rcv->flags & WF_TCP_DF_SEEN_FIN) &&
				!seq_before(s->ack, rcv->end))
			rcv->flags |= WF_TCP_DF_FIN_ACKED;
	}
	/* SYN payload (TCP Fast Open) is not "data after the handshake". */
	if (s->len != 0 && !(s->flags & WF_TCP_SYN))
		snd->flags |= WF_TCP_DF_SEEN_DATA;
	if (s->flags & WF_TCP_FIN)
		snd->flags |= WF_TCP_DF_SEEN_FIN;
	return bits;
}

/*
 * The state of an open connection from who sent a FIN and whose FIN was
 * acknowledged. Flags only ever get set, so the state only moves forward.
 */
static uint8_t
close_state(const struct wf_tcp_conn *c)
{
	uint8_t f0 = c->dir[0].flags, f1 = c->dir[1].flags;
	bool fin0 = f0 & WF_TCP_DF_SEEN_FIN, fin1 = f1 & WF_TCP_DF_SEEN_FIN;
	bool ack0 = f0 & WF_TCP_DF_FIN_ACKED, ack1 = f1 & WF_TCP_DF_FIN_ACKED;

	if (fin0 && fin1)
		return ack0 && ack1 ? WF_TCP_TIME_WAIT : WF_TCP_LAST_ACK;
	if (fin0)
		return ack0 ? WF_TCP_CLOSE_WAIT : WF_TCP_FIN_WAIT;
	if (fin1)
		return ack1 ? WF_TCP_CLOSE_WAIT : WF_TCP_FIN_WAIT;
	return WF_TCP_ESTABLISHED;
}

static void
track_syn(struct wf_tcp_conn *c, unsigned int d, const struct wf_tcp_seg *s,
		uint64_t now_us, struct wf_tcp_result *r)
{
	if (d != 0) {
		/* Simultaneous open, or a new connection the other way. */
		r->bits |= WF_TCP_R_IGNORED;
		return;
	}
	switch (c->state) {
	case WF_TCP_CLOSED:
	case WF_TCP_TIME_WAIT:
		/*
		 * Port reuse (RFC 1122 4.2.2.13 for TIME_WAIT; netfilter's
		 * "attempt to reopen"): a new connection, with a new backoff
		 * series and fresh per-connection counters.
		 */
		init_syn(c, s, now_us);
		r->bits |= WF_TCP_R_REOPEN;
		return;
	case WF_TCP_SYN_SENT:
		/* Only SYNs from us: nothing answered yet. */
		r->bits |= WF_TCP_R_SYN_UNANSWERED;
		if (seq_after(seg_end(s), c->dir[0].end)) {
			/* A new ISN: take its options (netfilter does too). */
			dir_learn_syn(&c->dir[0], s);
		} else {
			r->bits |= dir_update(c, 0, s);
		}
		record_syn(c, now_us);
		return;
	case WF_TCP_SYN_RECV:
		/*
		 * The client did not get our SYN-ACK (lost after us) and
		 * tries again: part of the backoff series. A SYN with a new
		 * ISN here is ignored, as netfilter does.
		 */
		if (seq_after(seg_end(s), c->dir[0].end)) {
			r->bits |= WF_TCP_R_IGNORED;
			return;
		}
		r->bits |= dir_update(c, 0, s);
		record_syn(c, now_us);
		return;
	default:
		/*
		 * A SYN inside a synchronised connection: RFC 5961 4.2 has
		 * the receiver answer with a challenge ACK; the client then
		 * sends an RST (the peer's exact sequence) and a new SYN,
		 * which reopens. Ignored, as netfilter does, so that a SYN
		 * never tears an established connection down by itself
		 * (selftests conntrack_syn_challenge_ack, _synack_reuse).
		 */
		r->bits |= WF_TCP_R_IGNORED;
		return;
	}
}

static void
track_synack(struct wf_tcp_conn *c, unsigned int d, const struct wf_tcp_seg *s,
		struct wf_tcp_result *r)
{
	struct wf_tcp_dir *rsp = &c->dir[1];
	bool client_data = c->dir[0].flags & WF_TCP_DF_SEEN_DATA;

	if (d != 1) {
		r->bits |= WF_TCP_R_IGNORED;
		return;
	}
	switch (c->state) {
	case WF_TCP_SYN_SENT:
		/* It must answer our SYN, else the client resets it. */
		if (!(s->ack == c->dir[0].end)) {
			r->bits |= WF_TCP_R_IGNORED;
			return;
		}
		dir_learn_syn(rsp, s);
		c->synack_count = 1;
		c->state = WF_TCP_SYN_RECV;
		return;
	case WF_TCP_SYN_RECV:
		if (seq_after(seg_end(s), rsp->end))
			dir_learn_syn(rsp, s); /* new ISN: netfilter re-inits */
		else
			r->bits |= dir_update(c, 1, s);
		break;
	case WF_TCP_ESTABLISHED:
		/*
		 * A server retransmits its SYN-ACK only while it is in
		 * SYN_RECV: the handshake ACK never reached its socket (lost,
		 * dropped by a rule, or dropped by the server because its
		 * accept queue was full, tcp_abort_on_overflow = 0). So does
		 * `ss` on the server: back to SYN_RECV. Not when the server
		 * has shown it finished (sent data, a FIN, or acknowledged
		 * more than this SYN-ACK does): then it is a stray duplicate.
		 */
		if (c->picked_up ||
				(rsp->flags & (WF_TCP_DF_SEEN_DATA |
					WF_TCP_DF_SEEN_FIN)) ||
				seg_end(s) != rsp->end ||
				seq_after(rsp->last_ack, s->ack)) {
			r->bits |= WF_TCP_R_IGNORED;
			return;
		}
		r->bits |= dir_update(c, 1, s);
		c->state = WF_TCP_SYN_RECV;
		break;
	default:
		r->bits |= WF_TCP_R_IGNORED;
		return;
	}
	if (c->synack_count < UINT8_MAX)
		c->synack_count++;
	if (client_data)
		r->bits |= WF_TCP_R_SYNACK_AFTER_DATA;
}

/* How an RST's sequence number stands, RFC 5961 3.2. */
enum rst_class { RST_EXACT, RST_INEXACT, RST_INVALID };

static enum rst_class
rst_classify(const struct wf_tcp_conn *c, unsigned int d, uint32_t seq)
{
	const struct wf_tcp_dir *snd = &c->dir[d], *rcv = &c->dir[d ^ 1];
	uint32_t base, win;

	/*
	 * Exact: the sender's next sequence number, as the sender sent it
	 * (its end) or as the receiver acknowledged it (RCV.NXT: an RST
	 * answering a segment from a host with no socket).
	 */
	if ((snd->flags & WF_TCP_DF_SEQ_KNOWN) && seq == snd->end)
		return RST_EXACT;
	if ((rcv->flags & WF_TCP_DF_SEEN_ACK) && seq == rcv->last_ack)
		return RST_EXACT;
	if (rcv->flags & WF_TCP_DF_SEEN_ACK)
		base = rcv->last_ack;
	else if (snd->flags & WF_TCP_DF_SEQ_KNOWN)
		base = snd->end;
	else
		return RST_EXACT; /* nothing to check against: liberal */
	/* Picked up: the scale is unknown, take any window (be_liberal). */
	win = c->picked_up || rcv->maxwin == 0 ? WIN_LIBERAL : rcv->maxwin;
	if (!seq_before(seq, base) && seq - base < win)
		return RST_INEXACT;
	/* Below what the receiver acknowledged, or beyond its window. */
	return RST_INVALID;
}

static void
track_rst(struct wf_tcp_conn *c, unsigned int d, const struct wf_tcp_seg *s,
		struct wf_tcp_result *r)
{
	switch (c->state) {
	case WF_TCP_CLOSED:
		/*
		 * Already closed: the other end's answer to our RST, or a
		 * late one. Not counted invalid (conntrack_inexact_rst).
		 */
		return;
	case WF_TCP_SYN_SENT:
		if (d == 1) {
			/*
			 * "Connection refused": RST+ACK acknowledging the SYN
			 * (RFC 793: seq 0, ack = SYN + 1). Anything else did
			 * not answer our SYN.
			 */
			if ((s->flags & WF_TCP_ACK) && s->ack == c->dir[0].end)
				c->state = WF_TCP_CLOSED;
			else
				r->bits |= WF_TCP_R_RST_INVALID;
			return;
		}
		/*
		 * From the client: at its own sequence it aborts. Otherwise it
		 * answers an unacceptable ACK (RFC 793 SYN-SENT processing,
		 * e.g. a challenge ACK from an old incarnation) and stays in
		 * SYN-SENT, retransmitting its SYN (in the selftest
		 * conntrack_syn_challenge_ack the entry is still SYN_SENT
		 * after that RST).
		 */
		if (s->seq == c->dir[0].end)
			c->state = WF_TCP_CLOSED;
		else
			r->bits |= WF_TCP_R_IGNORED;
		return;
	default:
		break;
	}

	switch (rst_classify(c, d, s->seq)) {
	case RST_EXACT:
		c->state = WF_TCP_CLOSED;
		return;
	case RST_INEXACT:
		/*
		 * RFC 5961: the receiver answers an in-window, inexact RST
		 * with a challenge ACK and keeps the connection, so do we.
		 * netfilter closes on it once a FIN was seen (the tuple may
		 * already be reused, conntrack_inexact_rst); we follow it
		 * there, where the receiver may well have no socket left.
		 */
		if (c->state >= WF_TCP_FIN_WAIT &&
				c->state <= WF_TCP_TIME_WAIT)
			c->state = WF_TCP_CLOSED;
		else
			r->bits |= WF_TCP_R_RST_INEXACT;
		return;
	case RST_INVALID:
	default:
		/*
		 * Out of window (seq 0, seq 1000000, below what the peer
		 * acknowledged): a blind attack or a stale RST. The host
		 * drops it; we count it and keep the state, in every state
		 * (netfilter skips the check once closing; we do not, so
		 * that such an RST never closes anything).
		 */
		r->bits |= WF_TCP_R_RST_INVALID;
		return;
	}
}

/* ACK, data and FIN (no SYN, no RST). */
static void
track_other(struct wf_tcp_conn *c, unsigned int d, const struct wf_tcp_seg *s,
		struct wf_tcp_result *r)
{
	struct wf_tcp_dir *peer = &c->dir[d ^ 1];
	bool after_data, hs_ack;

	switch (c->state) {
	case WF_TCP_SYN_SENT:
		/*
		 * Nothing but a SYN-ACK or an RST synchronises: from the
		 * responder this is a challenge ACK or a half-open
		 * connection's, from the originator it was not invited.
		 */
		r->bits |= WF_TCP_R_IGNORED;
		return;
	case WF_TCP_SYN_RECV:
		if (!ack_ok(s->ack, peer)) {
			r->bits |= WF_TCP_R_IGNORED;
			return;
		}
		/*
		 * After-data mode: the client already sent data, then the
		 * server retransmitted its SYN-ACK, i.e. it dropped the
		 * handshake ACK (accept queue full). The client's answers to
		 * the SYN-ACK may be dropped again, so they prove nothing;
		 * the server's first ACK or data proves its socket exists (a
		 * request socket sends only SYN-ACKs), and that is when `ss`
		 * on the server shows ESTABLISHED. Otherwise (first
		 * handshake) the client's ACK of the SYN-ACK establishes, and
		 * the server's ACKs keep SYN_RECV, as in netfilter.
		 */
		after_data = c->dir[0].flags & WF_TCP_DF_SEEN_DATA;
		hs_ack = d == 0 && s->ack == peer->end;
		if (hs_ack && s->len == 0 && !(s->flags & WF_TCP_FIN))
			r->kind = WF_TCP_K_HSACK;
		r->bits |= dir_update(c, d, s);
		if (s->flags & WF_TCP_FIN)
			c->state = close_state(c);
		else if (after_data ? d == 1 : hs_ack)
			c->state = WF_TCP_ESTABLISHED;
		return;
	case WF_TCP_ESTABLISHED:
	case WF_TCP_FIN_WAIT:
	case WF_TCP_CLOSE_WAIT:
	case WF_TCP_LAST_ACK:
	case WF_TCP_TIME_WAIT:
		r->bits |= dir_update(c, d, s);
		c->state = close_state(c);
		return;
	default:
		/* CLOSED: stragglers after an RST change nothing. */
		return;
	}
}

struct wf_tcp_result
wf_tcp_init(struct wf_tcp_conn *c, const struct wf_tcp_seg *s, uint64_t now_us)
{
	struct wf_tcp_result r = {
		.kind = (uint8_t)wf_tcp_kind(s),
		.old_state = WF_TCP_NONE,
		.new_state = WF_TCP_NONE,
	};

	memset(c, 0, sizeof(*c));
	switch (r.kind) {
	case WF_TCP_K_SYN:
		init_syn(c, s, now_us);
		break;
	case WF_TCP_K_DATA:
	case WF_TCP_K_PUREACK:
		/*
		 * Loose pickup: the history is lost. The sender's sequence
		 * comes from the segment, the other side's from its ACK
		 * (what the sender expects next from it), as netfilter's
		 * tcp_new() does. The window scale stays unknown, so every
		 * window check on this connection is liberal.
		 */
		c->state = WF_TCP_ESTABLISHED;
		c->picked_up = 1;
		c->dir[0].end = seg_end(s);
		c->dir[0].maxwin = s->win;
		c->dir[0].last_ack = s->ack;
		c->dir[0].wscale = WSCALE_NONE;
		c->dir[0].flags = WF_TCP_DF_SEQ_KNOWN | WF_TCP_DF_SEEN_ACK |
			(s->len != 0 ? WF_TCP_DF_SEEN_DATA : 0);
		c->dir[1].end = s->ack;
		c->dir[1].wscale = WSCALE_NONE;
		c->dir[1].flags = WF_TCP_DF_SEQ_KNOWN;
		break;
	case WF_TCP_K_INVALID:
		/* The caller should have asked wf_tcp_may_create(). */
		r.bits = WF_TCP_R_BAD_FLAGS;
		return r;
	default:
		r.bits = WF_TCP_R_IGNORED;
		return r;
	}
	r.new_state = c->state;
	r.bits |= WF_TCP_R_STATE_CHANGED;
	return r;
}

void
wf_tcp_track_into(struct wf_tcp_conn *c, unsigned int dir,
		const struct wf_tcp_seg *s, uint64_t now_us,
		struct wf_tcp_result *r)
{
	unsigned int d = dir != 0;

	r->kind = (uint8_t)wf_tcp_kind(s);
	r->old_state = c->state;
	r->new_state = c->state;
	r->bits = 0;
	if (r->kind == WF_TCP_K_INVALID) {
		r->bits = WF_TCP_R_BAD_FLAGS;
		return;
	}
	if (c->state == WF_TCP_NONE || c->state >= WF_TCP_STATE_MAX) {
		/* Not a tracked connection: never invent one here. */
		r->bits = WF_TCP_R_IGNORED;
		return;
	}
	switch (r->kind) {
	case WF_TCP_K_SYN:
		track_syn(c, d, s, now_us, r);
		break;
	case WF_TCP_K_SYNACK:
		track_synack(c, d, s, r);
		break;
	case WF_TCP_K_RST:
		track_rst(c, d, s, r);
		break;
	default:
		track_other(c, d, s, r);
		break;
	}
	r->new_state = c->state;
	if (r->new_state != r->old_state)
		r->bits |= WF_TCP_R_STATE_CHANGED;
}

static const char *const state_names[WF_TCP_STATE_MAX] = {
	"NONE",
#define WF_X_TCP_NAME(name) #name,
	WF_TCP_STATES(WF_X_TCP_NAME)
#undef WF_X_TCP_NAME
};

const char *
wf_tcp_state_name(unsigned int state)
{
	return state < WF_TCP_STATE_MAX ? state_names[state] : "?";
}

/* Case-insensitive, '-' and '_' alike (ss prints SYN-SENT). */
static bool
state_name_eq(const char *in, const char *name)
{
	char ch;

	for (; *in != '\0' && *name != '\0'; in++, name++) {
		ch = *in == '-' ? '_' : (char)toupper((unsigned char)*in);
		if (ch != *name)
			return false;
	}
	return *in == '\0' && *name == '\0';
}

int
wf_tcp_state_parse(const char *name)
{
	/* What ss and conntrack print for the same states. */
	static const struct {
		const char *alias;
		int state;
	} aliases[] = {
		{ "ESTAB", WF_TCP_ESTABLISHED },
		{ "CLOSE", WF_TCP_CLOSED },
	};
	unsigned int i;

	if (name == NULL)
		return -1;
	for (i = 0; i < WF_TCP_STATE_MAX; i++)
		if (state_name_eq(name, state_names[i]))
			return (int)i;
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (state_name_eq(name, aliases[i].alias))
			return aliases[i].state;
	return -1;
}

const char *
wf_tcp_kind_name(unsigned int kind)
{
	static const char *const names[WF_TCP_KIND_MAX] = {
		[WF_TCP_K_SYN] = "syn",
		[WF_TCP_K_SYNACK] = "synack",
		[WF_TCP_K_HSACK] = "hsack",
		[WF_TCP_K_DATA] = "data",
		[WF_TCP_K_PUREACK] = "pureack",
		[WF_TCP_K_FIN] = "fin",
		[WF_TCP_K_RST] = "rst",
		[WF_TCP_K_INVALID] = "invalid",
	};

	return kind < WF_TCP_KIND_MAX ? names[kind] : "?";
}
