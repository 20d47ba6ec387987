/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#ifndef WF_RULE_H
#define WF_RULE_H

/**
 * @file
 * The rule language: one parser for the console, rule files, the control
 * socket and the tests (a pure function on words), the printer that
 * writes a rule back in the same words, and the matchers.
 *
 *   [name NAME] MATCH... action ACTION [ARGS...] [expire SECONDS] [seed N]
 *
 * Matching is split in two so that flows can cache the first half: the
 * flow part (protocol, addresses, ports) is the same for every packet of
 * one flow and direction; the packet part (ingress port, direction, TCP
 * flags, kind, state) is checked per packet.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wf_action.h"
#include "wf_cmd.h"
#include "wf_pkt.h"
#include "wf_tcp.h"

#define WF_RULE_NAME_MAX 64    /**< [A-Za-z0-9_.-]{1,64} */
/** Longest printed rule: "rule add " and it fit a command line. */
#define WF_RULE_TEXT_MAX (WF_CMD_LINE_MAX - 9)

/* Matchers present in a rule (wf_rule_match.present). */
#define WF_RM_IN    0x0001
#define WF_RM_DIR   0x0002
#define WF_RM_PROTO 0x0004
#define WF_RM_SRC   0x0008
#define WF_RM_DST   0x0010
#define WF_RM_SPORT 0x0020
#define WF_RM_DPORT 0x0040
#define WF_RM_PORT  0x0080
#define WF_RM_FLAGS 0x0100
#define WF_RM_TCP   0x0200
#define WF_RM_STATE 0x0400
/** The matchers that are the same for all packets of a flow direction. */
#define WF_RM_FLOW_PART (WF_RM_PROTO | WF_RM_SRC | WF_RM_DST | \
		WF_RM_SPORT | WF_RM_DPORT | WF_RM_PORT)

/* proto words: tcp, udp, icmp (ICMP or ICMPv6), ip (any IP packet) */
#define WF_RULE_PROTO_IP 0xff

/* tcp words: a bit per enum wf_tcp_kind, plus retrans */
#define WF_RULE_TCP_RETRANS (1u << 15)

/* state words (a bit each) and the tracker states they cover */
#define WF_RULE_ST_NEW         0x01  /**< SYN_SENT, SYN_RECV */
#define WF_RULE_ST_ESTABLISHED 0x02  /**< ESTABLISHED */
#define WF_RULE_ST_CLOSING     0x04  /**< FIN_WAIT, CLOSE_WAIT, LAST_ACK, TIME_WAIT */
#define WF_RULE_ST_CLOSED      0x08  /**< CLOSED */

/** An address prefix; addr holds only the prefix bits (the rest zero). */
struct wf_cidr {
	uint8_t family;        /**< 4 or 6 */
	uint8_t plen;          /**< 0..32 or 0..128 */
	uint8_t addr[16];      /**< network order; IPv4 in the first 4 */
};

struct wf_port_range {
	uint16_t lo, hi;       /**< lo <= hi */
};

struct wf_rule_match {
	uint16_t present;      /**< WF_RM_* */
	uint16_t in_port;
	uint8_t dir;           /**< WF_DIR_ORIG (c2s) or WF_DIR_REPLY (s2c) */
	uint8_t proto;         /**< IPPROTO_TCP, _UDP, _ICMP or WF_RULE_PROTO_IP */
	uint8_t flags_set;     /**< of the flags in flags_mask, exactly these */
	uint8_t flags_mask;
	uint16_t tcp_kinds;    /**< bits 1 << WF_TCP_K_*, WF_RULE_TCP_RETRANS */
	uint8_t states;        /**< WF_RULE_ST_* */
	struct wf_cidr src, dst;
	struct wf_port_range sport, dport, port;
};

/** A parsed rule. Parsing zeroes it first, so equal text gives equal bytes. */
struct wf_rule {
	char name[WF_RULE_NAME_MAX + 1]; /**< "" when unnamed */
	struct wf_rule_match m;
	struct wf_action a;
	uint32_t expire_s;     /**< 0: never */
	bool has_seed;
	uint64_t seed;
};

/** What the parser checks against the running appliance. */
struct wf_rule_env {
	uint16_t nb_ports;     /**< "in P" must be below this */
};

/**
 * Parse the words of one rule (those after "rule add").
 *
 * @return 0 and @p out filled; or -EINVAL with @p err naming the word and
 *   the reason ("dport: 70000 is not a port (0-65535)"); @p out is then
 *   unspecified and nothing else changed.
 */
int wf_rule_parse(int argc, char *const argv[], const struct wf_rule_env *env,
		struct wf_rule *out, char *err, size_t err_len);

/** The same for a whole line, split at blanks (tests and fuzzers). */
int wf_rule_parse_line(const char *line, const struct wf_rule_env *env,
		struct wf_rule *out, char *err, size_t err_len);

/**
 * Print a rule in the words wf_rule_parse() reads, in a fixed order, so
 * that parse(format(r)) == r.
 * @return the length of the text (as snprintf: may exceed @p len).
 */
int wf_rule_format(const struct wf_rule *r, char *buf, size_t len);

/** Is @p name a valid rule name? */
bool wf_rule_name_valid(const char *name);

/** What the packet part of a rule sees of one packet. */
struct wf_rule_pkt {
	const struct wf_pkt *pkt;  /**< CLASSIFY */
	uint16_t in_port;
	uint8_t has_flow;      /**< dir and state are known */
	uint8_t dir;           /**< WF_DIR_* of its flow */
	uint8_t state;         /**< enum wf_tcp_state after this packet */
	uint16_t tcp_kinds;    /**< 1 << its kind, | WF_RULE_TCP_RETRANS */
};

/** Does the flow part of @p m match a packet? */
bool wf_rule_match_flow(const struct wf_rule_match *m, const struct wf_pkt *p);

/**
 * Does the packet part of @p m match? A rule with "dir" or "state" never
 * matches a packet that has no flow.
 */
bool wf_rule_match_pkt(const struct wf_rule_match *m,
		const struct wf_rule_pkt *rp);

/** Rules a prefilter covers: the first 64 of a set (a bit each). */
#define WF_RULE_PF_RULES 64
/** Ingress ports with a vector of their own; higher ones share one. */
#define WF_RULE_PF_PORTS 64

/**
 * The packet parts of up to 64 rules as one bit vector per field value
 * (the bit-vector scheme of Lakshman and Stiliadis): ANDing the vectors of
 * a packet's flags, ingress port, direction and state, and kinds leaves
 * the rules whose packet part may match, in a few loads instead of a call
 * per rule. Never leaves out a rule that matches; a rule left in still
 * runs wf_rule_match_pkt() (the vectors ignore the protocol).
 */
struct wf_rule_prefilter {
	uint64_t flags[256];               /**< by TCP flags */
	uint64_t in[WF_RULE_PF_PORTS];     /**< by ingress port */
	uint64_t in_far;                   /**< ports past the vector */
	uint64_t flow[2][WF_TCP_STATE_MAX + 1]; /**< by dir, state; the
						   last: out of range */
	uint64_t no_flow;                  /**< packets without a flow */
	uint64_t kind[256];                /**< by the kind bits of the packet
					      (rules without "tcp" in all) */
	uint64_t retrans;                  /**< rules with "tcp retrans" */
};

/** Start an empty prefilter (no rule passes). */
void wf_rule_prefilter_init(struct wf_rule_prefilter *pf);

/** Add the packet part of @p m as rule @p bit (< WF_RULE_PF_RULES). */
void wf_rule_prefilter_add(struct wf_rule_prefilter *pf, unsigned int bit,
		const struct wf_rule_match *m);

_Static_assert(WF_TCP_KIND_MAX <= 8 && WF_RULE_TCP_RETRANS == 1u << 15,
		"a packet's kind bits index wf_rule_prefilter.kind");

/**
 * The rules whose packet part may match a packet: one bit each. From the
 * fields of a struct wf_rule_pkt, passed as values so that a caller can
 * ask before it builds one (no reload of what it has just stored).
 */
static inline uint64_t
wf_rule_prefilter_of(const struct wf_rule_prefilter *pf, uint8_t tcp_flags,
		uint16_t in_port, bool has_flow, unsigned int dir,
		unsigned int state, unsigned int kinds)
{
	uint64_t ok = pf->flags[tcp_flags];

	ok &= in_port < WF_RULE_PF_PORTS ? pf->in[in_port] : pf->in_far;
	ok &= has_flow ? pf->flow[dir & 1][state < WF_TCP_STATE_MAX ?
			state : WF_TCP_STATE_MAX] : pf->no_flow;
	return ok & (pf->kind[kinds & 0xff] |
		(kinds & WF_RULE_TCP_RETRANS ? pf->retrans : 0));
}

/** The rules whose packet part may match @p rp: one bit each. */
static inline uint64_t
wf_rule_prefilter(const struct wf_rule_prefilter *pf,
		const struct wf_rule_pkt *rp)
{
	return wf_rule_prefilter_of(pf, rp->pkt->tcp_flags, rp->in_port,
			rp->has_flow, rp->dir, rp->state, rp->tcp_kinds);
}

/**
 * The flow parts (protocol, addresses, ports) of a long rule set compiled
 * with rte_acl: wf_rule_acl_first() gives the first of them that matches
 * a packet, as wf_rule_match_flow() over each in turn would.
 */
struct wf_rule_acl;

/**
 * Compile rules first .. first + n - 1, whose matchers are m[0 .. n - 1].
 * Takes a while for thousands of rules (the control lcore's job).
 * @return NULL with rte_errno set on failure.
 */
struct wf_rule_acl *wf_rule_acl_build(const struct wf_rule_match *const *m,
		uint32_t first, uint32_t n, int socket_id);

/** Index of the first rule whose flow part matches @p p; UINT32_MAX if none. */
uint32_t wf_rule_acl_first(const struct wf_rule_acl *a, const struct wf_pkt *p);

void wf_rule_acl_free(struct wf_rule_acl *a);

#endif /* WF_RULE_H */
