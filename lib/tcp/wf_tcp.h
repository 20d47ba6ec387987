/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#ifndef WF_TCP_H
#define WF_TCP_H

/**
 * @file
 * TCP connection tracking on the netfilter model: the state of a
 * connection as both ends see it from the wire, the kind of every segment,
 * and retransmissions detected from sequence numbers. A pure function of
 * (connection, direction, segment, time): no globals, no DPDK calls.
 *
 * Direction 0 is the originator (the side that sent the first tracked
 * segment, the SYN for a connection seen from its start), 1 the responder.
 *
 * Invalid segments (bad flag combinations, out-of-window RSTs) never change
 * state: the result says why, and the caller counts it.
 */

#include <stdbool.h>
#include <stdint.h>

/** States, X(name): the census prints them in this order. */
#define WF_TCP_STATES(X) \
	X(SYN_SENT) X(SYN_RECV) X(ESTABLISHED) X(FIN_WAIT) X(CLOSE_WAIT) \
	X(LAST_ACK) X(TIME_WAIT) X(CLOSED)

enum wf_tcp_state {
	WF_TCP_NONE = 0,       /**< no connection (never stored in a flow) */
#define WF_X_TCP_STATE(name) WF_TCP_##name,
	WF_TCP_STATES(WF_X_TCP_STATE)
#undef WF_X_TCP_STATE
	WF_TCP_STATE_MAX
};

/** Segment kinds. */
enum wf_tcp_kind {
	WF_TCP_K_SYN = 0,      /**< SYN without ACK */
	WF_TCP_K_SYNACK,       /**< SYN + ACK */
	WF_TCP_K_HSACK,        /**< the ACK that completes the handshake */
	WF_TCP_K_DATA,         /**< carries payload (no SYN, FIN, RST) */
	WF_TCP_K_PUREACK,      /**< ACK without payload, SYN, FIN or RST */
	WF_TCP_K_FIN,          /**< FIN (with or without payload) */
	WF_TCP_K_RST,          /**< RST */
	WF_TCP_K_INVALID,      /**< flag combination outside the allow-list */
	WF_TCP_KIND_MAX
};

/** What one segment needs from the tracker (host order). */
struct wf_tcp_seg {
	uint8_t flags;         /**< WF_TCP_* from wf_pkt.h */
	uint8_t wscale;        /**< window scale option of a SYN */
	uint8_t has_wscale;
	uint16_t win;          /**< raw window field */
	uint32_t seq, ack;
	uint32_t len;          /**< payload bytes */
};

/** Most SYN times kept per connection: the first and 5 retransmissions. */
#define WF_TCP_SYN_TIMES 6

/** One direction's sequence-space view (netfilter's td_*). */
struct wf_tcp_dir {
	uint32_t end;          /**< highest seq + len (+SYN/FIN) sent */
	uint32_t maxwin;       /**< largest (scaled) window sent */
	uint32_t last_ack;     /**< last ack number sent */
	uint8_t wscale;        /**< 0..14; 0xff until known */
	uint8_t flags;         /**< WF_TCP_DF_* */
};

#define WF_TCP_DF_SEEN_DATA 0x01   /**< sent payload */
#define WF_TCP_DF_SEEN_FIN  0x02   /**< sent a FIN */
#define WF_TCP_DF_FIN_ACKED 0x04   /**< its FIN was acknowledged */
#define WF_TCP_DF_SEEN_ACK  0x08   /**< sent a segment with ACK */
#define WF_TCP_DF_SEQ_KNOWN 0x10   /**< end/maxwin are meaningful */

/** A tracked connection: lives inside the flow entry. */
struct wf_tcp_conn {
	uint8_t state;         /**< enum wf_tcp_state */
	uint8_t syn_count;     /**< SYNs seen from the originator */
	uint8_t synack_count;  /**< SYN-ACKs seen from the responder */
	uint8_t picked_up;     /**< created mid-stream (loose pickup) */
	struct wf_tcp_dir dir[2];
	/**
	 * Times of the first WF_TCP_SYN_TIMES SYNs, in microseconds after
	 * syn_time0_us (the first one's time, in the caller's clock);
	 * syn_us[0] is 0.
	 */
	uint64_t syn_time0_us;
	uint32_t syn_us[WF_TCP_SYN_TIMES];
};

/** Result bits of wf_tcp_track(). */
#define WF_TCP_R_RETRANS        0x0001 /**< repeats sequence space already sent */
#define WF_TCP_R_BAD_FLAGS      0x0002 /**< invalid flag combination: ignored */
#define WF_TCP_R_RST_INVALID    0x0004 /**< RST out of window: ignored */
#define WF_TCP_R_RST_INEXACT    0x0008 /**< RST in window, not exact: ignored */
#define WF_TCP_R_SYN_UNANSWERED 0x0010 /**< SYN again and no SYN-ACK yet */
#define WF_TCP_R_SYNACK_AFTER_DATA 0x0020 /**< SYN-ACK again after client data */
#define WF_TCP_R_REOPEN         0x0040 /**< SYN reopened a closed connection */
#define WF_TCP_R_IGNORED        0x0080 /**< valid flags, no state change
                                            possible (e.g. SYN-ACK from
                                            the originator) */
#define WF_TCP_R_STATE_CHANGED  0x0100

struct wf_tcp_result {
	uint8_t kind;          /**< enum wf_tcp_kind */
	uint8_t old_state, new_state;
	uint32_t bits;         /**< WF_TCP_R_* (a whole word: read as one) */
};

/** True when @p flags are in netfilter's allow-list (tcp_valid_flags). */
bool wf_tcp_flags_valid(uint8_t flags);

/** The kind of a segment from its flags and length (before tracking). */
enum wf_tcp_kind wf_tcp_kind(const struct wf_tcp_seg *s);

/**
 * May a segment of no known connection create one? A SYN (no ACK) always;
 * a mid-stream ACK or data segment only with @p loose (netfilter's
 * nf_conntrack_tcp_loose); SYN-ACK, FIN, RST and invalid flags never.
 */
bool wf_tcp_may_create(const struct wf_tcp_seg *s, bool loose);

/**
 * Start tracking @p c from its first segment @p s (from direction 0) at
 * @p now_us. The caller checked wf_tcp_may_create().
 */
struct wf_tcp_result wf_tcp_init(struct wf_tcp_conn *c,
		const struct wf_tcp_seg *s, uint64_t now_us);

/**
 * Track segment @p s of @p c sent in direction @p dir (0 originator, 1
 * responder) at @p now_us. A SYN from the originator on a CLOSED or
 * TIME_WAIT connection reinitialises it (WF_TCP_R_REOPEN): the caller
 * resets whatever else it keeps per connection.
 */
void wf_tcp_track_into(struct wf_tcp_conn *c, unsigned int dir,
		const struct wf_tcp_seg *s, uint64_t now_us,
		struct wf_tcp_result *r);

/*
 * The same, by value. The result goes through memory on purpose: a 5-byte
 * struct returned in a register is packed from narrow stores and reloaded
 * whole, a store-forwarding stall on every segment.
 */
static inline struct wf_tcp_result
wf_tcp_track(struct wf_tcp_conn *c, unsigned int dir,
		const struct wf_tcp_seg *s, uint64_t now_us)
{
	struct wf_tcp_result r;

	wf_tcp_track_into(c, dir, s, now_us, &r);
	return r;
}

/** "SYN_SENT", ... ("NONE" for 0, "?" when out of range). */
const char *wf_tcp_state_name(unsigned int state);

/** Parse a state name (case-insensitive, '-' or '_'); -1 when unknown. */
int wf_tcp_state_parse(const char *name);

/** "syn", "synack", "hsack", "data", "pureack", "fin", "rst", "invalid". */
const char *wf_tcp_kind_name(unsigned int kind);

#endif /* WF_TCP_H */
