/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#ifndef WF_ACTION_H
#define WF_ACTION_H

/**
 * @file
 * What a rule does to the packets it matches. Each action is one small
 * file (wf_act_<name>.c) that registers a row of ops: how its words are
 * parsed and printed, and whether it ends rule evaluation. The rule parser
 * only finds the row by name, so a new action never touches the parser.
 *
 * The decisions are pure functions of their inputs (the action's
 * parameters, the per-flow and per-worker state, the packet summary), so
 * they are unit-tested on synthetic packets; the app owns the mbufs, the
 * rings and the files.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wf_pkt.h"

enum wf_action_kind {
	WF_ACT_PASS = 0,   /**< forward, stop evaluating */
	WF_ACT_DROP,       /**< drop [nth N] [count J] [every K] [prob P] */
	WF_ACT_DROP_SEG,   /**< drop seg N [times R] */
	WF_ACT_RESET,      /**< drop, and send an RST to both ends */
	WF_ACT_LOG,        /**< log [file PCAP]; non-terminal */
	WF_ACT_MIRROR,     /**< mirror [port P]; non-terminal */
	WF_ACT_LB,         /**< lb to IP:PORT,... [mode M] [snat IP [ports LO-HI]] */
	WF_ACT_KIND_MAX
};

/** Longest log file path, in bytes. */
#define WF_ACT_PATH_MAX 255

/** Log file when "log" names none. */
#define WF_ACT_LOG_DEFAULT "wirefault.pcap"

/* Which drop modifiers a rule gave (WF_ACT_DROP). */
#define WF_DROP_NTH   0x01
#define WF_DROP_COUNT 0x02
#define WF_DROP_EVERY 0x04
#define WF_DROP_PROB  0x08

/** "mirror" without "port P": the port given by --mirror-port. */
#define WF_ACT_MIRROR_DEFAULT UINT16_MAX

/** Most backends of one lb rule. */
#define WF_LB_MAX_BACKENDS 16

/** How lb picks a new connection's backend. */
enum wf_lb_mode {
	WF_LB_RR = 0,          /**< strict rotation */
	WF_LB_RANDOM,          /**< seeded random */
	WF_LB_HASH,            /**< hash of the client address and port */
	WF_LB_MODE_MAX
};

/** One backend: an address (family of its rule) and a port. */
struct wf_lb_backend {
	uint8_t addr[16];      /**< network order; IPv4 in the first 4 */
	uint16_t port;         /**< host order, 1..65535 */
};

/** The source ports of an SNAT address when "ports" is not given. */
#define WF_LB_SNAT_PORT_LO 1024
#define WF_LB_SNAT_PORT_HI 65535

/** The parameters of an lb action. */
struct wf_act_lb {
	uint8_t family;        /**< 4 or 6: of every backend and the snat */
	uint8_t mode;          /**< enum wf_lb_mode */
	uint8_t nb;            /**< backends, 1..WF_LB_MAX_BACKENDS */
	uint8_t has_snat;
	uint8_t snat[16];      /**< snat IP, network order */
	uint16_t snat_lo;      /**< its source ports: lo..hi, host order */
	uint16_t snat_hi;
	struct wf_lb_backend be[WF_LB_MAX_BACKENDS];
};

/** An action and its parameters, as parsed. Zeroed fields are unset. */
struct wf_action {
	uint8_t kind;          /**< enum wf_action_kind */
	uint8_t drop_mods;     /**< WF_DROP_* given (WF_ACT_DROP) */
	uint32_t nth;          /**< first matching packet dropped, 1-based */
	uint32_t count;        /**< packets dropped from nth on (default 1) */
	uint32_t every;        /**< each every-th matching packet */
	double prob;           /**< 0..1 */
	uint64_t prob_cut;     /**< drop when a 64-bit random < prob_cut */
	uint32_t seg;          /**< WF_ACT_DROP_SEG: N-th data segment */
	uint32_t times;        /**< ... dropped this many times (default 1) */
	uint16_t port;         /**< WF_ACT_MIRROR: port, or _MIRROR_DEFAULT */
	union {
		char file[WF_ACT_PATH_MAX + 1]; /**< WF_ACT_LOG: pcap path */
		struct wf_act_lb lb;            /**< WF_ACT_LB */
	};
};

/**
 * What an action may require of its rule's match part (see the check
 * op): enough to say "lb needs proto tcp and a dst host".
 */
struct wf_act_match_view {
	bool proto_tcp;        /**< the rule says proto tcp */
	uint8_t dst_family;    /**< 4 or 6 when the rule names dst, else 0 */
	bool dst_host;         /**< ... and it is one address (/32, /128) */
};

/** One action's row in the registry. */
struct wf_action_ops {
	const char *name;      /**< the word after "action" */
	const char *synopsis;  /**< its arguments, for help and errors */
	bool terminal;         /**< ends rule evaluation when it applies */
	/**
	 * Parse the words after the action's name (argv[0] is the first
	 * argument, possibly none) into @p a, whose kind is already set.
	 * @return 0, or -EINVAL with a message naming the word in @p err.
	 */
	int (*parse)(int argc, char *const argv[], struct wf_action *a,
			char *err, size_t err_len);
	/** Print the arguments (not the name) as parse reads them; "" if none. */
	int (*format)(const struct wf_action *a, char *buf, size_t len);
	/**
	 * Optional: check a parsed action against its rule's match part.
	 * @return 0, or -EINVAL with a message in @p err.
	 */
	int (*check)(const struct wf_action *a,
			const struct wf_act_match_view *m, char *err,
			size_t err_len);
	/** Takes "seed N" (its randomness is reproducible). */
	bool (*seeded)(const struct wf_action *a);
};

/** The row of an action word, NULL when no action has that name. */
const struct wf_action_ops *wf_action_find(const char *name);

/** The row of a parsed action (by its kind). */
const struct wf_action_ops *wf_action_ops_of(const struct wf_action *a);

/** Names of all actions, "pass, drop, ...", for error messages. */
const char *wf_action_names(void);

/*
 * Per-flow state of the counting actions (nth, every, seg), kept per rule
 * and direction in a few slots of the flow entry. A slot is claimed by
 * the first packet of a (rule, direction) that the action counts and is
 * freed when its rule leaves the rule set.
 */
#define WF_ACT_SLOTS 3

struct wf_act_slot {
	uint32_t tag;          /**< rule id << 1 | direction; 0 = free
	                            (so rule ids stay below 2^31) */
	uint32_t n;            /**< matching packets (or data segments) counted */
	uint32_t seq;          /**< drop seg: sequence number of segment N */
};

struct wf_act_slots {
	struct wf_act_slot slot[WF_ACT_SLOTS];
};

/** Per-worker state of one rule: written only by that worker. */
struct wf_act_worker {
	uint64_t matched;      /**< packets the rule matched */
	uint64_t acted;        /**< packets it acted on (dropped, logged...) */
	uint64_t rng;          /**< prob: generator state (never 0) */
	uint32_t n;            /**< nth/every count for packets with no flow */
	uint32_t pad;
};

/** Seed the generator of a worker's state (any seed, 0 included). */
void wf_act_worker_seed(struct wf_act_worker *w, uint64_t seed,
		unsigned int worker_index);

/** A non-zero state for a generator that was never seeded. */
#define WF_ACT_RNG_FALLBACK UINT64_C(0x853c49e6748fea9b)

/** Next 64 random bits of a worker's generator (deterministic). */
static inline uint64_t
wf_act_random(struct wf_act_worker *w)
{
	uint64_t x = w->rng;

	/* xorshift64* (Vigna 2016): full period 2^64 - 1 over non-zero x */
	if (x == 0)
		x = WF_ACT_RNG_FALLBACK;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	w->rng = x;
	return x * UINT64_C(0x2545f4914f6cdd1d);
}

/** The prob_cut of a probability: P(random < cut) = prob. */
uint64_t wf_act_prob_cut(double prob);

/**
 * One draw of a "prob" condition: true when it holds (the packet may be
 * dropped). Every matching packet draws, whatever else decides.
 */
static inline bool
wf_act_prob_hit(const struct wf_action *a, struct wf_act_worker *w)
{
	uint64_t r = wf_act_random(w);

	return a->prob_cut == UINT64_MAX || r < a->prob_cut;
}

/** What the drop decisions know of one packet. */
struct wf_act_pkt {
	uint32_t seq;          /**< TCP sequence number (host order) */
	uint32_t payload_len;  /**< TCP payload bytes */
	bool retrans;          /**< the tracker saw this sequence space before */
	uint8_t dir;           /**< WF_DIR_ORIG or WF_DIR_REPLY of its flow */
};

/** Result of a drop decision. */
enum wf_act_decision {
	WF_ACT_KEEP = 0,       /**< the packet goes on */
	WF_ACT_DROPPED,        /**< drop it */
	WF_ACT_NO_SLOT,        /**< would count it, but all slots are taken */
};

/**
 * Decide a WF_ACT_DROP for one matching packet.
 *
 * @param a       the action (kind WF_ACT_DROP)
 * @param rule_id the rule's id (>= 1), which tags its per-flow slot
 * @param slots   the packet's flow's slots, NULL for a packet with no flow
 *                (then nth/every count per rule in @p w)
 * @param p       the packet (dir used only with @p slots)
 * @param w       the calling worker's state of this rule
 */
enum wf_act_decision wf_act_drop_decide(const struct wf_action *a,
		uint32_t rule_id, struct wf_act_slots *slots,
		const struct wf_act_pkt *p, struct wf_act_worker *w);

/**
 * Decide a WF_ACT_DROP_SEG for one matching packet: fresh data segments of
 * each flow and direction are numbered 1, 2, ...; segment N is dropped, and
 * so is every later segment that starts at the same sequence number (its
 * retransmissions), R drops in all. Packets without payload or without a
 * flow are kept.
 */
enum wf_act_decision wf_act_seg_decide(const struct wf_action *a,
		uint32_t rule_id, struct wf_act_slots *slots,
		const struct wf_act_pkt *p);

/** Free the slots whose rule @p keep says is gone (after a rule-set change). */
void wf_act_slots_prune(struct wf_act_slots *slots,
		bool (*keep)(uint32_t rule_id, void *ctx), void *ctx);

/**
 * Build the RST that a reset action sends to one end of a TCP connection,
 * from the packet that matched.
 *
 * @param frame   the matched frame's first bytes (its headers)
 * @param p       its parse summary (CLASSIFY, TCP)
 * @param to_sender false: the RST continues the packet's direction, to its
 *                receiver, from the sender's address, seq = the packet's
 *                seq (RST|ACK with the packet's ack, or a bare RST with ack 0
 *                when the packet has no ACK); true: it goes back to the
 *                sender, from the receiver's address, RST|ACK with seq = the
 *                packet's ack (the sender's rcv_nxt; 0 when the packet has
 *                no ACK, as a kernel answers a SYN) and ack = the end of
 *                the packet's sequence space
 * @param out     the RST frame: L2 header (MACs swapped for to_sender,
 *                VLAN tags kept), IPv4 (TTL 64, DF) or IPv6 (hop limit 64),
 *                20-byte TCP header, window 0, checksums set
 * @param out_cap bytes available at @p out
 * @return the frame's length, or 0 when it cannot be built (not TCP, too
 *   small a buffer)
 */
uint32_t wf_act_rst_build(const uint8_t *frame, const struct wf_pkt *p,
		bool to_sender, uint8_t *out, uint32_t out_cap);

/** Length of the longest frame wf_act_rst_build() makes. */
#define WF_ACT_RST_MAX (14 + 8 + 40 + 20)

#endif /* WF_ACTION_H */
