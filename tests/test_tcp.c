/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * TCP connection tracking: netfilter's packetdrill selftests rebuilt as
 * segment sequences (the expected state and result bits after every
 * segment), the flag allow-list, retransmissions, the SYN backoff series,
 * accept-queue overflow, and the same scenarios as real IPv4 and IPv6
 * frames through the packet parser.
 */

#include <stdint.h>
#include <string.h>

#include "wf_pkt.h"
#include "wf_tcp.h"
#include "wf_test.h"

/* Flags, short, for the scenario tables. */
#define F_ WF_TCP_FIN
#define S_ WF_TCP_SYN
#define R_ WF_TCP_RST
#define P_ WF_TCP_PSH
#define A_ WF_TCP_ACK
#define U_ WF_TCP_URG

/* Result bits, short. */
#define CH WF_TCP_R_STATE_CHANGED
#define RT WF_TCP_R_RETRANS
#define BF WF_TCP_R_BAD_FLAGS
#define RI WF_TCP_R_RST_INVALID
#define RX WF_TCP_R_RST_INEXACT
#define SU WF_TCP_R_SYN_UNANSWERED
#define AD WF_TCP_R_SYNACK_AFTER_DATA
#define RO WF_TCP_R_REOPEN
#define IG WF_TCP_R_IGNORED

/* Results that promise the connection did not change at all. */
#define NO_CHANGE (BF | RI | RX | IG)

/* One segment of a scenario and what must follow from it. */
struct step {
	uint8_t dir;      /* 0 originator, 1 responder */
	uint8_t flags;
	uint32_t seq, ack, len;
	uint16_t win;
	int8_t ws;        /* window scale option, -1 none */
	uint8_t state;    /* expected state after the segment */
	uint16_t bits;    /* expected result bits, exactly */
	uint8_t kind;     /* expected kind */
};

#define STW(d, f, sq, ak, ln, w, wsc, st, bt, kd) { \
	.dir = d, .flags = f, .seq = sq, .ack = ak, .len = ln, .win = w, \
	.ws = wsc, .state = WF_TCP_##st, .bits = bt, .kind = WF_TCP_K_##kd }
#define ST(d, f, sq, ak, ln, st, bt, kd) \
	STW(d, f, sq, ak, ln, 65535, -1, st, bt, kd)

#define NB(a) (sizeof(a) / sizeof((a)[0]))

static struct wf_tcp_seg
step_seg(const struct step *st)
{
	struct wf_tcp_seg s = {
		.flags = st->flags,
		.win = st->win,
		.seq = st->seq,
		.ack = st->ack,
		.len = st->len,
	};

	if (st->ws >= 0) {
		s.has_wscale = 1;
		s.wscale = (uint8_t)st->ws;
	}
	return s;
}

/*
 * Feed @p s (segment @p i of scenario @p name) to @p c: wf_tcp_init()
 * when @p c is not a connection yet, else wf_tcp_track(). Checks the
 * result against @p st, and that results promising no change changed
 * nothing.
 */
static int
check_seg(struct wf_tcp_conn *c, const struct wf_tcp_seg *s,
		const struct step *st, const char *name, unsigned int i)
{
	struct wf_tcp_conn before = *c;
	struct wf_tcp_result r;
	uint64_t now = 1000000 + (uint64_t)i * 1000;

	if (c->state == WF_TCP_NONE)
		r = wf_tcp_init(c, s, now);
	else
		r = wf_tcp_track(c, st->dir, s, now);
	WF_TEST_ASSERT_EQUAL(r.old_state, before.state, "%s #%u", name, i);
	WF_TEST_ASSERT_STR_EQUAL(wf_tcp_state_name(r.new_state),
			wf_tcp_state_name(st->state), "%s #%u", name, i);
	WF_TEST_ASSERT_EQUAL(c->state, r.new_state, "%s #%u", name, i);
	WF_TEST_ASSERT_EQUAL(r.bits, st->bits, "%s #%u: bits 0x%x", name, i,
			(unsigned int)r.bits);
	WF_TEST_ASSERT_STR_EQUAL(wf_tcp_kind_name(r.kind),
			wf_tcp_kind_name(st->kind), "%s #%u", name, i);
	if (r.bits & NO_CHANGE)
		WF_TEST_ASSERT(memcmp(&before, c, sizeof(*c)) == 0,
				"%s #%u changed the connection", name, i);
	return 0;
}

static int
run_steps(struct wf_tcp_conn *c, const struct step *steps, unsigned int n,
		const char *name)
{
	struct wf_tcp_seg s;
	unsigned int i;

	for (i = 0; i < n; i++) {
		s = step_seg(&steps[i]);
		WF_TEST_ASSERT_SUCCESS(check_seg(c, &s, &steps[i], name, i));
	}
	return 0;
}

static int
run_fresh(const struct step *steps, unsigned int n, const char *name,
		struct wf_tcp_conn *out)
{
	struct wf_tcp_conn c;

	memset(&c, 0, sizeof(c));
	WF_TEST_ASSERT_SUCCESS(run_steps(&c, steps, n, name));
	if (out != NULL)
		*out = c;
	return 0;
}

/* Handshake, data both ways, the client closes first; then port reuse. */
static const struct step client_close[] = {
	ST(0, S_, 1000, 0, 0, SYN_SENT, CH, SYN),
	ST(1, S_ | A_, 5000, 1001, 0, SYN_RECV, CH, SYNACK),
	ST(0, A_, 1001, 5001, 0, ESTABLISHED, CH, HSACK),
	ST(0, P_ | A_, 1001, 5001, 100, ESTABLISHED, 0, DATA),
	ST(1, A_, 5001, 1101, 0, ESTABLISHED, 0, PUREACK),
	ST(1, P_ | A_, 5001, 1101, 500, ESTABLISHED, 0, DATA),
	ST(0, A_, 1101, 5501, 0, ESTABLISHED, 0, PUREACK),
	ST(0, F_ | A_, 1101, 5501, 0, FIN_WAIT, CH, FIN),
	/* the closer's own ACK does not acknowledge its FIN */
	ST(0, A_, 1102, 5501, 0, FIN_WAIT, 0, PUREACK),
	ST(1, A_, 5501, 1102, 0, CLOSE_WAIT, CH, PUREACK),
	/* the server may still send (half close) */
	ST(1, P_ | A_, 5501, 1102, 10, CLOSE_WAIT, 0, DATA),
	ST(0, A_, 1102, 5511, 0, CLOSE_WAIT, 0, PUREACK),
	ST(1, F_ | A_, 5511, 1102, 0, LAST_ACK, CH, FIN),
	ST(1, F_ | A_, 5511, 1102, 0, LAST_ACK, RT, FIN),
	ST(0, A_, 1102, 5512, 0, TIME_WAIT, CH, PUREACK),
	ST(0, A_, 1102, 5512, 0, TIME_WAIT, 0, PUREACK),
	/* same 5-tuple, new connection */
	ST(0, S_, 90000, 0, 0, SYN_SENT, CH | RO, SYN),
	ST(1, S_ | A_, 70000, 90001, 0, SYN_RECV, CH, SYNACK),
	ST(0, A_, 90001, 70001, 0, ESTABLISHED, CH, HSACK),
};

static int
test_close_by_client(void)
{
	struct wf_tcp_conn c;

	WF_TEST_ASSERT_SUCCESS(run_fresh(client_close, NB(client_close),
			"client_close", &c));
	WF_TEST_ASSERT_EQUAL(c.syn_count, 1, "reopen restarts the series");
	WF_TEST_ASSERT_EQUAL(c.synack_count, 1);
	WF_TEST_ASSERT_EQUAL(c.dir[0].end, 90001u);
	WF_TEST_ASSERT_EQUAL(c.dir[1].end, 70001u);
	WF_TEST_ASSERT_EQUAL(c.dir[0].flags & WF_TCP_DF_SEEN_DATA, 0,
			"reopen forgets the old data");
	return 0;
}

/* The server closes first; FIN and ACK in one segment on the way back. */
static const struct step server_close[] = {
	ST(0, S_, 1000, 0, 0, SYN_SENT, CH, SYN),
	ST(1, S_ | A_, 5000, 1001, 0, SYN_RECV, CH, SYNACK),
	ST(0, A_, 1001, 5001, 0, ESTABLISHED, CH, HSACK),
	ST(0, P_ | A_, 1001, 5001, 100, ESTABLISHED, 0, DATA),
	ST(1, P_ | A_, 5001, 1101, 500, ESTABLISHED, 0, DATA),
	ST(1, F_ | A_, 5501, 1101, 0, FIN_WAIT, CH, FIN),
	/* the FIN again: a retransmission, still one FIN */
	ST(1, F_ | A_, 5501, 1101, 0, FIN_WAIT, RT, FIN),
	/* an ACK short of the FIN does not acknowledge it */
	ST(0, A_, 1101, 5501, 0, FIN_WAIT, 0, PUREACK),
	ST(0, A_, 1101, 5502, 0, CLOSE_WAIT, CH, PUREACK),
	ST(0, F_ | A_, 1101, 5502, 0, LAST_ACK, CH, FIN),
	ST(1, A_, 5502, 1102, 0, TIME_WAIT, CH, PUREACK),
};

/* Both FINs cross; each acknowledges the other in a later ACK. */
static const struct step crossed_fins[] = {
	ST(0, S_, 1000, 0, 0, SYN_SENT, CH, SYN),
	ST(1, S_ | A_, 5000, 1001, 0, SYN_RECV, CH, SYNACK),
	ST(0, A_, 1001, 5001, 0, ESTABLISHED, CH, HSACK),
	ST(0, F_ | A_, 1001, 5001, 0, FIN_WAIT, CH, FIN),
	ST(1, F_ | A_, 5001, 1001, 0, LAST_ACK, CH, FIN),
	ST(0, A_, 1002, 5002, 0, LAST_ACK, 0, PUREACK),
	ST(1, A_, 5002, 1002, 0, TIME_WAIT, CH, PUREACK),
};

static int
test_close_by_server(void)
{
	WF_TEST_ASSERT_SUCCESS(run_fresh(server_close, NB(server_close),
			"server_close", NULL));
	WF_TEST_ASSERT_SUCCESS(run_fresh(crossed_fins, NB(crossed_fins),
			"crossed_fins", NULL));
	return 0;
}

/*
 * conntrack_rst_invalid.pkt, from the client (orig): out-of-window RSTs
 * (seq 0, 1000000, 42, and 3000 after 3001 was acknowledged) are counted
 * and leave ESTABLISHED; the one at the exact next sequence closes. The
 * selftest expects four invalid RSTs: so do we.
 */
static const struct step rst_invalid[] = {
	STW(0, S_, 0, 0, 0, 65535, 8, SYN_SENT, CH, SYN),
	ST(1, S_ | A_, 0, 1, 0, SYN_RECV, CH, SYNACK),
	ST(0, A_, 1, 1, 0, ESTABLISHED, CH, HSACK),
	ST(1, A_, 1, 1, 1000, ESTABLISHED, 0, DATA),
	ST(1, A_, 1001, 1, 1000, ESTABLISHED, 0, DATA),
	ST(1, A_, 2001, 1, 1000, ESTABLISHED, 0, DATA),
	ST(0, A_, 1, 1001, 0, ESTABLISHED, 0, PUREACK),
	ST(0, A_, 1, 2001, 0, ESTABLISHED, 0, PUREACK),
	ST(0, A_, 1, 3001, 0, ESTABLISHED, 0, PUREACK),
	STW(1, R_, 0, 0, 0, 0, -1, ESTABLISHED, RI, RST),
	STW(1, R_, 1000000, 0, 0, 0, -1, ESTABLISHED, RI, RST),
	STW(1, R_, 42, 0, 0, 0, -1, ESTABLISHED, RI, RST),
	ST(0, P_ | A_, 1, 3001, 1000, ESTABLISHED, 0, DATA),
	ST(1, A_, 3001, 1001, 0, ESTABLISHED, 0, PUREACK),
	STW(1, R_ | A_, 3000, 1001, 0, 0, -1, ESTABLISHED, RI, RST),
	STW(1, R_ | A_, 3001, 1001, 0, 0, -1, CLOSED, CH, RST),
};

static int
test_rst_invalid(void)
{
	unsigned int i, invalid = 0;

	WF_TEST_ASSERT_SUCCESS(run_fresh(rst_invalid, NB(rst_invalid),
			"rst_invalid", NULL));
	for (i = 0; i < NB(rst_invalid); i++)
		invalid += (rst_invalid[i].bits & RI) != 0;
	WF_TEST_ASSERT_EQUAL(invalid, 4, "the selftest's count");
	return 0;
}

/*
 * In window but not exact (RFC 5961 3.2): the receiver sends a challenge
 * ACK and keeps the connection, so the flow stays. Then the exact one.
 */
static const struct step rst_inexact_est[] = {
	STW(0, S_, 0, 0, 0, 65535, 8, SYN_SENT, CH, SYN),
	ST(1, S_ | A_, 0, 1, 0, SYN_RECV, CH, SYNACK),
	ST(0, A_, 1, 1, 0, ESTABLISHED, CH, HSACK),
	ST(1, A_, 1, 1, 3000, ESTABLISHED, 0, DATA),
	ST(0, A_, 1, 3001, 0, ESTABLISHED, 0, PUREACK),
	STW(1, R_, 3101, 0, 0, 0, -1, ESTABLISHED, RX, RST),
	STW(1, R_, 3001 + 65534, 0, 0, 0, -1, ESTABLISHED, RX, RST),
	STW(1, R_, 3001 + 65535, 0, 0, 0, -1, ESTABLISHED, RI, RST),
	/* the challenge ACK, then the peer's RST at the exact sequence */
	ST(0, A_, 1, 3001, 0, ESTABLISHED, 0, PUREACK),
	STW(1, R_, 3001, 0, 0, 0, -1, CLOSED, CH, RST),
	/* late RSTs on a closed flow are not invalid */
	STW(1, R_, 7, 0, 0, 0, -1, CLOSED, 0, RST),
};

/*
 * conntrack_inexact_rst.pkt, from the client: the server's FIN, the
 * client's ACK (CLOSE_WAIT), the client aborts with an RST (CLOSED), then
 * a spurious RST from the server must not be counted invalid.
 */
static const struct step inexact_rst[] = {
	STW(0, S_, 0, 0, 0, 65535, 8, SYN_SENT, CH, SYN),
	ST(1, S_ | A_, 0, 1, 0, SYN_RECV, CH, SYNACK),
	ST(0, A_, 1, 1, 0, ESTABLISHED, CH, HSACK),
	ST(1, A_, 1, 1, 1000, ESTABLISHED, 0, DATA),
	ST(1, A_, 1001, 1, 1000, ESTABLISHED, 0, DATA),
	ST(1, A_, 2001, 1, 1000, ESTABLISHED, 0, DATA),
	ST(0, A_, 1, 1001, 0, ESTABLISHED, 0, PUREACK),
	ST(0, A_, 1, 2001, 0, ESTABLISHED, 0, PUREACK),
	ST(0, A_, 1, 3001, 0, ESTABLISHED, 0, PUREACK),
	ST(0, P_ | A_, 1, 3001, 1000, ESTABLISHED, 0, DATA),
	ST(1, F_ | A_, 3001, 1001, 0, FIN_WAIT, CH, FIN),
	ST(0, A_, 1001, 3002, 0, CLOSE_WAIT, CH, PUREACK),
	ST(0, R_ | A_, 1001, 3002, 0, CLOSED, CH, RST),
	STW(1, R_, 2001, 0, 0, 0, -1, CLOSED, 0, RST),
};

/*
 * The selftest's title case: once closing, an inexact RST does close (as
 * netfilter); an out-of-window one still does not.
 */
static const struct step inexact_rst_closing[] = {
	STW(0, S_, 0, 0, 0, 65535, 8, SYN_SENT, CH, SYN),
	ST(1, S_ | A_, 0, 1, 0, SYN_RECV, CH, SYNACK),
	ST(0, A_, 1, 1, 0, ESTABLISHED, CH, HSACK),
	ST(0, P_ | A_, 1, 1, 1000, ESTABLISHED, 0, DATA),
	ST(1, F_ | A_, 1, 1001, 0, FIN_WAIT, CH, FIN),
	ST(0, A_, 1001, 2, 0, CLOSE_WAIT, CH, PUREACK),
	STW(0, R_, 0, 0, 0, 0, -1, CLOSE_WAIT, RI, RST),
	STW(0, R_, 1011, 0, 0, 0, -1, CLOSED, CH, RST),
};

static int
test_inexact_rst(void)
{
	WF_TEST_ASSERT_SUCCESS(run_fresh(rst_inexact_est, NB(rst_inexact_est),
			"rst_inexact_est", NULL));
	WF_TEST_ASSERT_SUCCESS(run_fresh(inexact_rst, NB(inexact_rst),
			"inexact_rst", NULL));
	WF_TEST_ASSERT_SUCCESS(run_fresh(inexact_rst_closing,
			NB(inexact_rst_closing), "inexact_rst_closing", NULL));
	return 0;
}

/*
 * conntrack_syn_challenge_ack.pkt, from the client: the server still has
 * the old incarnation and answers the SYN with a challenge ACK; the client
 * answers that with an RST at the ACK's number and stays in SYN-SENT
 * (RFC 793), then retransmits its SYN, which completes. Nothing invalid.
 */
static const struct step syn_challenge_ack[] = {
	STW(0, S_, 1000, 0, 0, 65535, 8, SYN_SENT, CH, SYN),
	STW(1, A_, 145824453, 643160523, 0, 240, -1, SYN_SENT, IG, PUREACK),
	STW(0, R_, 643160523, 0, 0, 0, -1, SYN_SENT, IG, RST),
	STW(0, S_, 1000, 0, 0, 65535, 8, SYN_SENT, RT | SU, SYN),
	STW(1, S_ | A_, 0, 1001, 0, 250, 0, SYN_RECV, CH, SYNACK),
	STW(0, A_, 1001, 1, 0, 256, -1, ESTABLISHED, CH, HSACK),
};

static int
test_syn_challenge_ack(void)
{
	struct wf_tcp_conn c;
	unsigned int i;

	WF_TEST_ASSERT_SUCCESS(run_fresh(syn_challenge_ack,
			NB(syn_challenge_ack), "syn_challenge_ack", &c));
	for (i = 0; i < NB(syn_challenge_ack); i++)
		WF_TEST_ASSERT_EQUAL(syn_challenge_ack[i].bits & (BF | RI), 0);
	WF_TEST_ASSERT_EQUAL(c.syn_count, 2);
	return 0;
}

/*
 * conntrack_synack_reuse.pkt, from the server: a new SYN inside an
 * established connection is ignored (the server answers with a challenge
 * ACK), the client resets at its exact sequence, and its SYN retransmit
 * reopens: the server answers with a SYN-ACK and we show SYN_RECV.
 */
static const struct step synack_reuse[] = {
	STW(0, S_, 0, 0, 0, 32792, 7, SYN_SENT, CH, SYN),
	STW(1, S_ | A_, 0, 1, 0, 65535, 8, SYN_RECV, CH, SYNACK),
	STW(0, A_, 1, 1, 0, 257, -1, ESTABLISHED, CH, HSACK),
	STW(0, P_ | A_, 1, 1, 100, 257, -1, ESTABLISHED, 0, DATA),
	STW(1, A_, 1, 101, 0, 256, -1, ESTABLISHED, 0, PUREACK),
	STW(0, S_, 2000, 0, 0, 32792, 7, ESTABLISHED, IG, SYN),
	STW(1, A_, 1, 101, 0, 256, -1, ESTABLISHED, 0, PUREACK),
	STW(0, R_ | A_, 101, 1, 0, 257, -1, CLOSED, CH, RST),
	STW(0, S_, 2000, 0, 0, 32792, 0, SYN_SENT, CH | RO, SYN),
	STW(1, S_ | A_, 9000, 2001, 0, 65535, 8, SYN_RECV, CH, SYNACK),
};

static int
test_synack_reuse(void)
{
	struct wf_tcp_conn c;

	WF_TEST_ASSERT_SUCCESS(run_fresh(synack_reuse, NB(synack_reuse),
			"synack_reuse", &c));
	WF_TEST_ASSERT_EQUAL(c.syn_count, 1);
	WF_TEST_ASSERT_EQUAL(c.dir[0].wscale, 0, "the new SYN's options");
	return 0;
}

/*
 * conntrack_ack_loss_stall.pkt, from the server: 46 segments each
 * acknowledged, then the first one again. netfilter once marked it invalid
 * (under the window's lower bound); it is a retransmission, and passes.
 */
static int
test_ack_loss_stall(void)
{
	struct step hs[] = {
		STW(0, S_, 0, 0, 0, 32792, -1, SYN_SENT, CH, SYN),
		STW(1, S_ | A_, 0, 1, 0, 65535, -1, SYN_RECV, CH, SYNACK),
		STW(0, A_, 1, 1, 0, 65535, -1, ESTABLISHED, CH, HSACK),
	};
	struct step data = STW(0, P_ | A_, 0, 1, 1460, 257, -1,
			ESTABLISHED, 0, DATA);
	struct step ack = STW(1, A_, 1, 0, 0, 65535, -1,
			ESTABLISHED, 0, PUREACK);
	struct wf_tcp_conn c;
	struct wf_tcp_seg s;
	uint32_t seq;
	unsigned int i;

	memset(&c, 0, sizeof(c));
	WF_TEST_ASSERT_SUCCESS(run_steps(&c, hs, NB(hs), "ack_loss_stall"));
	for (i = 0, seq = 1; i < 46; i++, seq += 1460) {
		data.seq = seq;
		s = step_seg(&data);
		WF_TEST_ASSERT_SUCCESS(check_seg(&c, &s, &data, "data", i));
		ack.ack = seq + 1460;
		s = step_seg(&ack);
		WF_TEST_ASSERT_SUCCESS(check_seg(&c, &s, &ack, "ack", i));
	}
	WF_TEST_ASSERT_EQUAL(seq, 67161u);
	data.seq = 1;
	data.bits = RT;
	s = step_seg(&data);
	WF_TEST_ASSERT_SUCCESS(check_seg(&c, &s, &data, "retrans", 0));
	ack.ack = 67161;
	s = step_seg(&ack);
	WF_TEST_ASSERT_SUCCESS(check_seg(&c, &s, &ack, "ack", 99));
	return 0;
}

/* The allow-list against all 256 flag bytes. */
static int
test_flags_all_bytes(void)
{
	/* netfilter's tcp_valid_flags[], over FIN SYN RST ACK URG */
	static const uint8_t allowed[] = {
		S_, S_ | U_, S_ | A_, R_, R_ | A_, F_ | A_, F_ | A_ | U_,
		A_, A_ | U_,
	};
	static const uint8_t named_invalid[] = {
		0,                        /* NULL */
		S_ | F_, S_ | R_, S_ | F_ | R_ | A_,
		F_, F_ | P_, F_ | U_,     /* FIN without ACK */
		F_ | P_ | U_, 0xff, 0x3f, /* XMAS variants */
		R_ | F_ | A_, U_, P_, P_ | U_, WF_TCP_ECE | WF_TCP_CWR,
	};
	struct wf_tcp_conn est, before;
	struct wf_tcp_result r;
	struct wf_tcp_seg s;
	unsigned int f, i, nb_valid = 0;
	const unsigned int ignore = P_ | WF_TCP_ECE | WF_TCP_CWR;
	bool expect;

	memset(&est, 0, sizeof(est));
	WF_TEST_ASSERT_SUCCESS(run_steps(&est, client_close, 7, "est"));
	for (f = 0; f < 256; f++) {
		expect = false;
		for (i = 0; i < NB(allowed); i++)
			if ((f & ~ignore) == allowed[i])
				expect = true;
		WF_TEST_ASSERT_EQUAL(wf_tcp_flags_valid((uint8_t)f), expect,
				"flags 0x%02x", f);
		nb_valid += expect;
		memset(&s, 0, sizeof(s));
		s.flags = (uint8_t)f;
		s.seq = 1101;
		s.ack = 5501;
		s.len = 10;
		WF_TEST_ASSERT_EQUAL(wf_tcp_kind(&s) == WF_TCP_K_INVALID,
				!expect, "flags 0x%02x", f);
		if (expect)
			continue;
		WF_TEST_ASSERT(!wf_tcp_may_create(&s, true), "0x%02x", f);
		before = est;
		r = wf_tcp_track(&est, f & 1, &s, 5000000);
		WF_TEST_ASSERT_EQUAL(r.bits, BF, "0x%02x", f);
		WF_TEST_ASSERT_EQUAL(r.kind, WF_TCP_K_INVALID);
		WF_TEST_ASSERT_EQUAL(r.new_state, WF_TCP_ESTABLISHED);
		WF_TEST_ASSERT(memcmp(&before, &est, sizeof(est)) == 0,
				"0x%02x changed the connection", f);
		r = wf_tcp_init(&before, &s, 0);
		WF_TEST_ASSERT_EQUAL(r.bits, BF, "0x%02x", f);
		WF_TEST_ASSERT_EQUAL(r.new_state, WF_TCP_NONE, "0x%02x", f);
	}
	/* 9 combinations, each with any of PSH, ECE, CWR */
	WF_TEST_ASSERT_EQUAL(nb_valid, 9 * 8);
	for (i = 0; i < NB(named_invalid); i++)
		WF_TEST_ASSERT(!wf_tcp_flags_valid(named_invalid[i]),
				"0x%02x", named_invalid[i]);
	WF_TEST_ASSERT(wf_tcp_flags_valid(S_ | WF_TCP_ECE | WF_TCP_CWR));
	WF_TEST_ASSERT(wf_tcp_flags_valid(P_ | A_));
	WF_TEST_ASSERT(wf_tcp_flags_valid(F_ | P_ | A_));
	return 0;
}

static int
test_may_create(void)
{
	static const struct {
		uint8_t flags;
		uint32_t len;
		bool strict, loose;
	} t[] = {
		{ S_, 0, true, true },
		{ S_ | WF_TCP_ECE | WF_TCP_CWR, 0, true, true },
		{ S_, 100, true, true },  /* TCP Fast Open */
		{ A_, 0, false, true },
		{ P_ | A_, 100, false, true },
		{ A_ | U_, 1, false, true },
		{ S_ | A_, 0, false, false },
		{ F_ | A_, 0, false, false },
		{ R_, 0, false, false },
		{ R_ | A_, 0, false, false },
		{ S_ | F_, 0, false, false },
		{ 0, 0, false, false },
	};
	struct wf_tcp_seg s;
	unsigned int i;

	for (i = 0; i < NB(t); i++) {
		memset(&s, 0, sizeof(s));
		s.flags = t[i].flags;
		s.len = t[i].len;
		WF_TEST_ASSERT_EQUAL(wf_tcp_may_create(&s, false), t[i].strict,
				"row %u", i);
		WF_TEST_ASSERT_EQUAL(wf_tcp_may_create(&s, true), t[i].loose,
				"row %u", i);
	}
	return 0;
}

/* Retransmissions of data, FIN and SYN; what is never one. */
static const struct step retrans[] = {
	ST(0, S_, 100, 0, 0, SYN_SENT, CH, SYN),
	ST(0, S_, 100, 0, 0, SYN_SENT, RT | SU, SYN),
	ST(1, S_ | A_, 700, 101, 0, SYN_RECV, CH, SYNACK),
	ST(1, S_ | A_, 700, 101, 0, SYN_RECV, RT, SYNACK),
	/* the SYN-ACK was lost beyond us: the client tries again */
	ST(0, S_, 100, 0, 0, SYN_RECV, RT, SYN),
	ST(0, A_, 101, 701, 0, ESTABLISHED, CH, HSACK),
	ST(0, A_, 101, 701, 1000, ESTABLISHED, 0, DATA),
	ST(0, A_, 1101, 701, 1000, ESTABLISHED, 0, DATA),
	ST(0, A_, 101, 701, 1000, ESTABLISHED, RT, DATA),
	/* overlaps, ends inside what was sent */
	ST(0, A_, 601, 701, 500, ESTABLISHED, RT, DATA),
	/* overlaps, goes beyond: new data */
	ST(0, A_, 1601, 701, 1000, ESTABLISHED, 0, DATA),
	/* keep-alive (seq - 1, no payload) and duplicate ACKs are not */
	ST(0, A_, 2600, 701, 0, ESTABLISHED, 0, PUREACK),
	ST(1, A_, 701, 2601, 0, ESTABLISHED, 0, PUREACK),
	ST(1, A_, 701, 2601, 0, ESTABLISHED, 0, PUREACK),
	/* a zero-window probe's byte is */
	ST(0, A_, 2600, 701, 1, ESTABLISHED, RT, DATA),
	ST(0, F_ | A_, 2601, 701, 0, FIN_WAIT, CH, FIN),
	ST(0, F_ | A_, 2601, 701, 0, FIN_WAIT, RT, FIN),
	/* FIN with the last data, then again */
	ST(1, F_ | A_, 701, 2602, 50, LAST_ACK, CH, FIN),
	ST(1, F_ | A_, 701, 2602, 50, LAST_ACK, RT, FIN),
	ST(0, A_, 2602, 752, 0, TIME_WAIT, CH, PUREACK),
};

/* Sequence numbers wrap: the comparisons are modular. */
static const struct step retrans_wrap[] = {
	ST(0, S_, 0xfffffc00, 0, 0, SYN_SENT, CH, SYN),
	ST(1, S_ | A_, 0x7ffffff0, 0xfffffc01, 0, SYN_RECV, CH, SYNACK),
	ST(0, A_, 0xfffffc01, 0x7ffffff1, 0, ESTABLISHED, CH, HSACK),
	ST(0, A_, 0xfffffc01, 0x7ffffff1, 1000, ESTABLISHED, 0, DATA),
	ST(0, A_, 0xffffffe9, 0x7ffffff1, 1000, ESTABLISHED, 0, DATA),
	ST(0, A_, 0xffffffe9, 0x7ffffff1, 1000, ESTABLISHED, RT, DATA),
	ST(0, A_, 0xfffffc01, 0x7ffffff1, 1000, ESTABLISHED, RT, DATA),
	ST(0, A_, 0x3d1, 0x7ffffff1, 1000, ESTABLISHED, 0, DATA),
	ST(1, A_, 0x7ffffff1, 0x7b9, 1000, ESTABLISHED, 0, DATA),
	ST(1, A_, 0x7ffffff1, 0x7b9, 1000, ESTABLISHED, RT, DATA),
	ST(1, A_, 0x800003d9, 0x7b9, 1000, ESTABLISHED, 0, DATA),
	/* a segment far beyond the window does not move end */
	ST(0, A_, 0x40000000, 0x7ffffff1, 1000, ESTABLISHED, 0, DATA),
	ST(0, A_, 0x3d1, 0x7ffffff1, 1000, ESTABLISHED, RT, DATA),
	ST(0, A_, 0x7b9, 0x7ffffff1, 1, ESTABLISHED, 0, DATA),
};

static int
test_retransmissions(void)
{
	struct wf_tcp_conn c;

	WF_TEST_ASSERT_SUCCESS(run_fresh(retrans, NB(retrans), "retrans", &c));
	WF_TEST_ASSERT_EQUAL(c.syn_count, 3);
	WF_TEST_ASSERT_EQUAL(c.synack_count, 2);
	WF_TEST_ASSERT_SUCCESS(run_fresh(retrans_wrap, NB(retrans_wrap),
			"retrans_wrap", &c));
	WF_TEST_ASSERT_EQUAL(c.dir[0].end, 0x7bau);
	return 0;
}

/* RECIPES.md 2: the SYNs of a blackholed connect, 1 2 4 8 16 32 s apart. */
static int
test_syn_backoff(void)
{
	static const uint32_t gaps_s[] = { 1, 2, 4, 8, 16, 32 };
	const uint64_t t0 = UINT64_C(123456789000);
	struct wf_tcp_seg syn = { .flags = S_, .seq = 4242, .win = 64240 };
	struct wf_tcp_conn c;
	struct wf_tcp_result r;
	uint64_t t = t0;
	unsigned int i;

	r = wf_tcp_init(&c, &syn, t0);
	WF_TEST_ASSERT_EQUAL(r.bits, CH);
	WF_TEST_ASSERT_EQUAL(c.syn_count, 1);
	WF_TEST_ASSERT_EQUAL_U64(c.syn_time0_us, t0);
	for (i = 0; i < NB(gaps_s); i++) {
		t += (uint64_t)gaps_s[i] * 1000000;
		r = wf_tcp_track(&c, 0, &syn, t);
		WF_TEST_ASSERT_EQUAL(r.bits, RT | SU, "SYN %u", i + 2);
		WF_TEST_ASSERT_EQUAL(r.new_state, WF_TCP_SYN_SENT);
	}
	WF_TEST_ASSERT_EQUAL(c.syn_count, 7, "all counted");
	WF_TEST_ASSERT_EQUAL(c.syn_us[0], 0u);
	WF_TEST_ASSERT_EQUAL(c.syn_us[1], 1000000u);
	WF_TEST_ASSERT_EQUAL(c.syn_us[2], 3000000u);
	WF_TEST_ASSERT_EQUAL(c.syn_us[3], 7000000u);
	WF_TEST_ASSERT_EQUAL(c.syn_us[4], 15000000u);
	WF_TEST_ASSERT_EQUAL(c.syn_us[5], 31000000u, "only the first 6 timed");
	/* saturating count, times past 2^32 us clamp */
	for (i = 0; i < 300; i++)
		wf_tcp_track(&c, 0, &syn, t);
	WF_TEST_ASSERT_EQUAL(c.syn_count, 255);
	WF_TEST_ASSERT_EQUAL(c.syn_us[5], 31000000u);
	wf_tcp_init(&c, &syn, t0);
	wf_tcp_track(&c, 0, &syn, t0 + UINT64_C(5000000000));
	WF_TEST_ASSERT_EQUAL(c.syn_us[1], UINT32_MAX);
	/* a clock that went backwards gives 0, not a huge gap */
	wf_tcp_init(&c, &syn, t0);
	wf_tcp_track(&c, 0, &syn, t0 - 5);
	WF_TEST_ASSERT_EQUAL(c.syn_us[1], 0u);
	return 0;
}

/*
 * RECIPES.md 3, accept queue full (tcp_abort_on_overflow = 0): the server
 * drops the handshake ACK and the client's data, and retransmits its
 * SYN-ACK. ss on the server says SYN_RECV until it takes the connection;
 * its first ACK shows it did.
 */
static const struct step synack_after_data[] = {
	ST(0, S_, 1000, 0, 0, SYN_SENT, CH, SYN),
	ST(1, S_ | A_, 5000, 1001, 0, SYN_RECV, CH, SYNACK),
	ST(0, A_, 1001, 5001, 0, ESTABLISHED, CH, HSACK),
	ST(0, P_ | A_, 1001, 5001, 100, ESTABLISHED, 0, DATA),
	ST(1, S_ | A_, 5000, 1001, 0, SYN_RECV, CH | RT | AD, SYNACK),
	/* the client's answer may be dropped again: proves nothing */
	ST(0, A_, 1101, 5001, 0, SYN_RECV, 0, HSACK),
	ST(0, P_ | A_, 1001, 5001, 100, SYN_RECV, RT, DATA),
	ST(1, S_ | A_, 5000, 1001, 0, SYN_RECV, RT | AD, SYNACK),
	ST(0, A_, 1101, 5001, 0, SYN_RECV, 0, HSACK),
	/* the server took it: it acknowledges the data */
	ST(1, A_, 5001, 1101, 0, ESTABLISHED, CH, PUREACK),
	/* a late SYN-ACK after that is a stray duplicate */
	ST(1, S_ | A_, 5000, 1001, 0, ESTABLISHED, IG, SYNACK),
	ST(1, P_ | A_, 5001, 1101, 10, ESTABLISHED, 0, DATA),
};

/* Only the handshake ACK was lost (or dropped by a rule): no data. */
static const struct step synack_hsack_lost[] = {
	ST(0, S_, 1000, 0, 0, SYN_SENT, CH, SYN),
	ST(1, S_ | A_, 5000, 1001, 0, SYN_RECV, CH, SYNACK),
	ST(0, A_, 1001, 5001, 0, ESTABLISHED, CH, HSACK),
	ST(1, S_ | A_, 5000, 1001, 0, SYN_RECV, CH | RT, SYNACK),
	ST(0, A_, 1001, 5001, 0, ESTABLISHED, CH, HSACK),
	/* the server's ACKs in the first SYN_RECV keep it (netfilter) */
};

static const struct step synrecv_server_ack[] = {
	ST(0, S_, 1000, 0, 0, SYN_SENT, CH, SYN),
	ST(1, S_ | A_, 5000, 1001, 0, SYN_RECV, CH, SYNACK),
	ST(1, A_, 5001, 1001, 0, SYN_RECV, 0, PUREACK),
	/* an ACK of something the server never sent */
	ST(0, A_, 1001, 9999, 0, SYN_RECV, IG, PUREACK),
	/* data that acknowledges the SYN-ACK completes the handshake */
	ST(0, P_ | A_, 1001, 5001, 10, ESTABLISHED, CH, DATA),
};

static int
test_synack_after_data(void)
{
	struct wf_tcp_conn c;

	WF_TEST_ASSERT_SUCCESS(run_fresh(synack_after_data,
			NB(synack_after_data), "synack_after_data", &c));
	WF_TEST_ASSERT_EQUAL(c.synack_count, 3);
	WF_TEST_ASSERT_SUCCESS(run_fresh(synack_hsack_lost,
			NB(synack_hsack_lost), "synack_hsack_lost", &c));
	WF_TEST_ASSERT_EQUAL(c.synack_count, 2);
	WF_TEST_ASSERT_SUCCESS(run_fresh(synrecv_server_ack,
			NB(synrecv_server_ack), "synrecv_server_ack", NULL));
	return 0;
}

/* Valid segments that fit no transition: ignored, nothing changes. */
static const struct step ignored[] = {
	ST(0, S_, 1000, 0, 0, SYN_SENT, CH, SYN),
	ST(0, S_ | A_, 1000, 77, 0, SYN_SENT, IG, SYNACK),
	ST(1, S_, 5000, 0, 0, SYN_SENT, IG, SYN),
	ST(0, A_, 1001, 0, 10, SYN_SENT, IG, DATA),
	ST(0, F_ | A_, 1001, 0, 0, SYN_SENT, IG, FIN),
	ST(1, A_, 5001, 1001, 0, SYN_SENT, IG, PUREACK),
	/* a SYN-ACK for some other SYN */
	ST(1, S_ | A_, 5000, 4242, 0, SYN_SENT, IG, SYNACK),
	ST(1, S_ | A_, 5000, 1001, 0, SYN_RECV, CH, SYNACK),
	ST(1, S_, 5000, 0, 0, SYN_RECV, IG, SYN),
	ST(0, S_, 3000, 0, 0, SYN_RECV, IG, SYN),
	ST(0, A_, 1001, 5001, 0, ESTABLISHED, CH, HSACK),
	ST(0, S_, 1000, 0, 0, ESTABLISHED, IG, SYN),
	ST(0, S_ | A_, 1001, 5001, 0, ESTABLISHED, IG, SYNACK),
	ST(1, S_, 5000, 0, 0, ESTABLISHED, IG, SYN),
	ST(0, F_ | A_, 1001, 5001, 0, FIN_WAIT, CH, FIN),
	ST(1, S_ | A_, 5000, 1001, 0, FIN_WAIT, IG, SYNACK),
	ST(0, S_, 1000, 0, 0, FIN_WAIT, IG, SYN),
	/* the responder reopening the other way is not ours to decide */
	ST(1, R_ | A_, 5001, 1002, 0, CLOSED, CH, RST),
	ST(1, S_, 8000, 0, 0, CLOSED, IG, SYN),
};

static int
test_ignored(void)
{
	return run_fresh(ignored, NB(ignored), "ignored", NULL);
}

/* RSTs around the handshake and on picked-up flows. */
static const struct step rst_refused[] = {
	ST(0, S_, 1000, 0, 0, SYN_SENT, CH, SYN),
	/* blind RSTs do not answer the SYN */
	ST(1, R_, 0, 0, 0, SYN_SENT, RI, RST),
	ST(1, R_ | A_, 0, 1000, 0, SYN_SENT, RI, RST),
	/* connection refused */
	ST(1, R_ | A_, 0, 1001, 0, CLOSED, CH, RST),
	ST(0, S_, 1000, 0, 0, SYN_SENT, CH | RO, SYN),
};

static const struct step rst_synrecv[] = {
	ST(0, S_, 1000, 0, 0, SYN_SENT, CH, SYN),
	ST(1, S_ | A_, 5000, 1001, 0, SYN_RECV, CH, SYNACK),
	ST(1, R_, 1, 0, 0, SYN_RECV, RI, RST),
	/* tcp_abort_on_overflow = 1, or the listener went away */
	ST(1, R_, 5001, 0, 0, CLOSED, CH, RST),
};

static const struct step rst_pickup[] = {
	/* picked up from the client's data; the server's window unknown */
	ST(0, P_ | A_, 1000, 2000, 100, ESTABLISHED, CH, DATA),
	/* below what the client acknowledged: stale */
	ST(1, R_, 1999, 0, 0, ESTABLISHED, RI, RST),
	/* any window: inexact, never out of window above */
	ST(1, R_, 1000000, 0, 0, ESTABLISHED, RX, RST),
	ST(1, A_, 2000, 1100, 0, ESTABLISHED, 0, PUREACK),
	ST(1, A_, 2000, 1100, 50, ESTABLISHED, 0, DATA),
	/* the server's data again, seen before or not, is a retransmission */
	ST(1, A_, 1990, 1100, 60, ESTABLISHED, RT, DATA),
	/* exact: the server's next sequence */
	ST(1, R_, 2050, 0, 0, CLOSED, CH, RST),
};

static const struct step rst_pickup_ack[] = {
	ST(0, A_, 1000, 2000, 0, ESTABLISHED, CH, PUREACK),
	/* the server never spoke: the client's ACK says what it expects */
	ST(1, R_, 2000, 0, 0, CLOSED, CH, RST),
};

static int
test_rst_handshake_and_pickup(void)
{
	struct wf_tcp_conn c;

	WF_TEST_ASSERT_SUCCESS(run_fresh(rst_refused, NB(rst_refused),
			"rst_refused", NULL));
	WF_TEST_ASSERT_SUCCESS(run_fresh(rst_synrecv, NB(rst_synrecv),
			"rst_synrecv", NULL));
	WF_TEST_ASSERT_SUCCESS(run_fresh(rst_pickup, NB(rst_pickup),
			"rst_pickup", &c));
	WF_TEST_ASSERT_EQUAL(c.picked_up, 1);
	WF_TEST_ASSERT_SUCCESS(run_fresh(rst_pickup_ack, NB(rst_pickup_ack),
			"rst_pickup_ack", NULL));
	return 0;
}

/* Window scale: only when both SYNs carry it; clamped to 14; no overflow. */
static int
test_window_scale(void)
{
	static const struct step both[] = {
		STW(0, S_, 1, 0, 0, 65535, 7, SYN_SENT, CH, SYN),
		STW(1, S_ | A_, 1, 2, 0, 65535, 20, SYN_RECV, CH, SYNACK),
		STW(0, A_, 2, 2, 0, 1000, -1, ESTABLISHED, CH, HSACK),
		STW(1, A_, 2, 2, 0, 65535, -1, ESTABLISHED, 0, PUREACK),
	};
	static const struct step one[] = {
		STW(0, S_, 1, 0, 0, 29200, 7, SYN_SENT, CH, SYN),
		STW(1, S_ | A_, 1, 2, 0, 65535, -1, SYN_RECV, CH, SYNACK),
		STW(0, A_, 2, 2, 0, 30000, -1, ESTABLISHED, CH, HSACK),
	};
	static const struct step pick[] = {
		STW(0, A_, 1, 2, 0, 1000, -1, ESTABLISHED, CH, PUREACK),
		STW(0, A_, 1, 2, 0, 2000, -1, ESTABLISHED, 0, PUREACK),
	};
	struct wf_tcp_conn c;

	WF_TEST_ASSERT_SUCCESS(run_fresh(both, NB(both), "both", &c));
	WF_TEST_ASSERT_EQUAL(c.dir[0].wscale, 7);
	WF_TEST_ASSERT_EQUAL(c.dir[1].wscale, 14, "clamped");
	WF_TEST_ASSERT_EQUAL(c.dir[0].maxwin, 1000u << 7);
	WF_TEST_ASSERT_EQUAL(c.dir[1].maxwin, 65535u << 14);
	WF_TEST_ASSERT_SUCCESS(run_fresh(one, NB(one), "one", &c));
	WF_TEST_ASSERT_EQUAL(c.dir[0].maxwin, 30000u, "not scaled");
	WF_TEST_ASSERT_SUCCESS(run_fresh(pick, NB(pick), "pick", &c));
	WF_TEST_ASSERT_EQUAL(c.dir[0].maxwin, 2000u);
	WF_TEST_ASSERT_EQUAL(c.dir[0].wscale, 0xff);
	WF_TEST_ASSERT_EQUAL(c.dir[1].wscale, 0xff);
	WF_TEST_ASSERT_EQUAL(c.dir[1].end, 2u, "learned from the ACK");
	return 0;
}

static int
test_names(void)
{
	static const char *const kinds[] = {
		"syn", "synack", "hsack", "data", "pureack", "fin", "rst",
		"invalid",
	};
	static const struct {
		const char *in;
		int state;
	} parse[] = {
		{ "SYN_SENT", WF_TCP_SYN_SENT },
		{ "syn-sent", WF_TCP_SYN_SENT },
		{ "Syn_Recv", WF_TCP_SYN_RECV },
		{ "established", WF_TCP_ESTABLISHED },
		{ "ESTAB", WF_TCP_ESTABLISHED },
		{ "fin-wait", WF_TCP_FIN_WAIT },
		{ "CLOSE-WAIT", WF_TCP_CLOSE_WAIT },
		{ "last_ack", WF_TCP_LAST_ACK },
		{ "TIME-WAIT", WF_TCP_TIME_WAIT },
		{ "closed", WF_TCP_CLOSED },
		{ "close", WF_TCP_CLOSED },
		{ "none", WF_TCP_NONE },
		{ "", -1 },
		{ "SYN", -1 },
		{ "SYN_SENTX", -1 },
		{ "SYN SENT", -1 },
		{ "FIN-WAIT-1", -1 },
		{ "established ", -1 },
	};
	unsigned int i;

	for (i = 0; i < NB(kinds); i++)
		WF_TEST_ASSERT_STR_EQUAL(wf_tcp_kind_name(i), kinds[i]);
	WF_TEST_ASSERT_EQUAL(NB(kinds), WF_TCP_KIND_MAX);
	WF_TEST_ASSERT_STR_EQUAL(wf_tcp_kind_name(WF_TCP_KIND_MAX), "?");
	WF_TEST_ASSERT_STR_EQUAL(wf_tcp_state_name(WF_TCP_NONE), "NONE");
	WF_TEST_ASSERT_STR_EQUAL(wf_tcp_state_name(WF_TCP_SYN_SENT),
			"SYN_SENT");
	WF_TEST_ASSERT_STR_EQUAL(wf_tcp_state_name(WF_TCP_CLOSED), "CLOSED");
	WF_TEST_ASSERT_STR_EQUAL(wf_tcp_state_name(WF_TCP_STATE_MAX), "?");
	for (i = 0; i < WF_TCP_STATE_MAX; i++)
		WF_TEST_ASSERT_EQUAL(wf_tcp_state_parse(wf_tcp_state_name(i)),
				(int)i, "round trip %u", i);
	for (i = 0; i < NB(parse); i++)
		WF_TEST_ASSERT_EQUAL(wf_tcp_state_parse(parse[i].in),
				parse[i].state, "\"%s\"", parse[i].in);
	WF_TEST_ASSERT_EQUAL(wf_tcp_state_parse(NULL), -1);
	return 0;
}

/* The connection must fit the flow entry (lib/flow/wf_flow.h). */
static int
test_layout(void)
{
	WF_TEST_ASSERT(sizeof(struct wf_tcp_conn) <= 72,
			"%zu bytes", sizeof(struct wf_tcp_conn));
	WF_TEST_ASSERT(sizeof(struct wf_tcp_dir) <= 16);
	return 0;
}

/* A track on something that is not a connection invents nothing. */
static int
test_untracked(void)
{
	struct wf_tcp_seg s = { .flags = A_, .seq = 1, .ack = 1 };
	struct wf_tcp_conn c, before;
	struct wf_tcp_result r;

	memset(&c, 0, sizeof(c));
	before = c;
	r = wf_tcp_track(&c, 0, &s, 1);
	WF_TEST_ASSERT_EQUAL(r.bits, IG);
	WF_TEST_ASSERT(memcmp(&before, &c, sizeof(c)) == 0);
	s.flags = R_;
	r = wf_tcp_init(&c, &s, 1);
	WF_TEST_ASSERT_EQUAL(r.new_state, WF_TCP_NONE);
	WF_TEST_ASSERT_EQUAL(r.bits, IG);
	return 0;
}

/*
 * Real frames: Ethernet + IPv4 or IPv6 + TCP (with MSS and window scale
 * options on SYNs) + payload, padded to the Ethernet minimum, parsed by
 * wf_pkt_parse() and turned into segments.
 */
#define FRAME_MAX 1600

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t
ip_csum(const uint8_t *p, unsigned int n)
{
	uint32_t sum = 0;
	unsigned int i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static const uint8_t addr4[2][4] = { { 192, 0, 2, 1 }, { 198, 51, 100, 2 } };
static const uint8_t addr6[2][16] = {
	{ 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
	{ 0x20, 0x01, 0x0d, 0xb8, [15] = 2 },
};
static const uint16_t ports[2] = { 40000, 8080 };

/* Frame @p st sent by its direction (0 client, 1 server); its length. */
static uint32_t
build_frame(uint8_t *f, int family, const struct step *st)
{
	unsigned int d = st->dir, l3 = 14, iphl = family == 4 ? 20 : 40;
	unsigned int optlen = 0, tcphl, tot;
	uint8_t *ip = f + l3, *tcp, *o;

	memset(f, 0, FRAME_MAX);
	f[0] = 0x02;
	f[5] = (uint8_t)(1 + (d ^ 1));
	f[6] = 0x02;
	f[11] = (uint8_t)(1 + d);
	put16(f + 12, family == 4 ? 0x0800 : 0x86dd);
	tcp = ip + iphl;
	o = tcp + 20;
	if (st->flags & S_) {
		o[0] = 2;               /* MSS 1460 */
		o[1] = 4;
		put16(o + 2, 1460);
		optlen = 4;
		if (st->ws >= 0) {
			o[4] = 1;       /* NOP */
			o[5] = 3;       /* window scale */
			o[6] = 3;
			o[7] = (uint8_t)st->ws;
			optlen = 8;
		}
	}
	tcphl = 20 + optlen;
	put16(tcp, ports[d]);
	put16(tcp + 2, ports[d ^ 1]);
	put32(tcp + 4, st->seq);
	put32(tcp + 8, st->ack);
	tcp[12] = (uint8_t)((tcphl / 4) << 4);
	tcp[13] = st->flags;
	put16(tcp + 14, st->win);
	memset(tcp + tcphl, 0xa5, st->len);
	tot = iphl + tcphl + st->len;
	if (family == 4) {
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)tot);
		put16(ip + 4, 0x1234);
		put16(ip + 6, 0x4000);  /* DF */
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, addr4[d], 4);
		memcpy(ip + 16, addr4[d ^ 1], 4);
		put16(ip + 10, ip_csum(ip, 20));
	} else {
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)(tot - 40));
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, addr6[d], 16);
		memcpy(ip + 24, addr6[d ^ 1], 16);
	}
	tot += l3;
	/* short frames are padded: the padding is not payload */
	return tot < 60 ? 60 : tot;
}

static int
frame_to_seg(int family, const struct step *st, struct wf_tcp_seg *s)
{
	static uint8_t f[FRAME_MAX];
	struct wf_pkt p;
	uint32_t n = build_frame(f, family, st);
	enum wf_pkt_verdict v;

	v = wf_pkt_parse(f, n, n, WF_PKT_F_SYN_OPTS, &p);
	WF_TEST_ASSERT_EQUAL(v, WF_PKT_CLASSIFY, "IPv%d: reason %s", family,
			wf_pkt_reason_name(p.reason));
	WF_TEST_ASSERT_EQUAL(p.family, family);
	WF_TEST_ASSERT_EQUAL(p.proto, 6);
	WF_TEST_ASSERT_EQUAL(p.sport, ports[st->dir]);
	WF_TEST_ASSERT_EQUAL(p.dport, ports[st->dir ^ 1]);
	WF_TEST_ASSERT(memcmp(p.src, family == 4 ? addr4[st->dir] :
			addr6[st->dir], family == 4 ? 4 : 16) == 0);
	WF_TEST_ASSERT_EQUAL(p.payload_len, st->len, "padding excluded");
	WF_TEST_ASSERT_EQUAL(p.tcp_flags, st->flags);
	memset(s, 0, sizeof(*s));
	s->flags = p.tcp_flags;
	s->win = p.tcp_win;
	s->seq = p.seq;
	s->ack = p.ack;
	s->len = p.payload_len;
	if (p.has_wscale) {
		s->has_wscale = 1;
		s->wscale = p.wscale;
	}
	WF_TEST_ASSERT_EQUAL(s->has_wscale, st->ws >= 0 && (st->flags & S_));
	return 0;
}

static int
run_frames(int family, const struct step *steps, unsigned int n,
		const char *name)
{
	struct wf_tcp_conn c, direct;
	struct wf_tcp_seg s;
	unsigned int i;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < n; i++) {
		WF_TEST_ASSERT_SUCCESS(frame_to_seg(family, &steps[i], &s),
				"%s #%u", name, i);
		WF_TEST_ASSERT_SUCCESS(check_seg(&c, &s, &steps[i], name, i),
				"IPv%d", family);
	}
	/* the frames and the tables tell the same story */
	WF_TEST_ASSERT_SUCCESS(run_fresh(steps, n, name, &direct));
	WF_TEST_ASSERT(memcmp(&c, &direct, sizeof(c)) == 0, "%s IPv%d",
			name, family);
	return 0;
}

static int
test_frames_ipv4_ipv6(void)
{
	static const struct {
		const struct step *steps;
		unsigned int n;
		const char *name;
	} sc[] = {
		{ client_close, NB(client_close), "client_close" },
		{ server_close, NB(server_close), "server_close" },
		{ rst_invalid, NB(rst_invalid), "rst_invalid" },
		{ inexact_rst, NB(inexact_rst), "inexact_rst" },
		{ syn_challenge_ack, NB(syn_challenge_ack),
			"syn_challenge_ack" },
		{ synack_reuse, NB(synack_reuse), "synack_reuse" },
		{ synack_after_data, NB(synack_after_data),
			"synack_after_data" },
		{ retrans, NB(retrans), "retrans" },
	};
	static const int families[] = { 4, 6 };
	unsigned int i, j;

	for (j = 0; j < NB(families); j++)
		for (i = 0; i < NB(sc); i++)
			WF_TEST_ASSERT_SUCCESS(run_frames(families[j],
					sc[i].steps, sc[i].n, sc[i].name));
	return 0;
}

static const struct wf_test_case cases[] = {
	WF_TEST(test_close_by_client),
	WF_TEST(test_close_by_server),
	WF_TEST(test_rst_invalid),
	WF_TEST(test_inexact_rst),
	WF_TEST(test_syn_challenge_ack),
	WF_TEST(test_synack_reuse),
	WF_TEST(test_ack_loss_stall),
	WF_TEST(test_flags_all_bytes),
	WF_TEST(test_may_create),
	WF_TEST(test_retransmissions),
	WF_TEST(test_syn_backoff),
	WF_TEST(test_synack_after_data),
	WF_TEST(test_ignored),
	WF_TEST(test_rst_handshake_and_pickup),
	WF_TEST(test_window_scale),
	WF_TEST(test_names),
	WF_TEST(test_layout),
	WF_TEST(test_untracked),
	WF_TEST(test_frames_ipv4_ipv6),
};

WF_TEST_MAIN("tcp", cases)
