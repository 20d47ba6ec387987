/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The rule language: words in, struct wf_rule out, and the same words
 * back. One table of match words drives both directions, so the printer
 * cannot forget a word the parser knows, and parse(format(r)) == r holds
 * byte for byte: the output is zeroed first and every value is stored in
 * one canonical form (addresses masked, lists as bit sets).
 *
 * Messages name the word first ("dport: ..."), and every value they echo
 * goes through echo(): at most ECHO_MAX bytes, non-printing bytes as \xNN,
 * so a hostile line cannot put escapes on an operator's terminal
 * (HOSTILE.md C8).
 */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "wf_cmd.h"
#include "wf_num.h"
#include "wf_rule.h"
#include "wf_tcp.h"

#define ECHO_MAX 40            /* bytes of a value echoed in a message */
#define EXPIRE_MAX 31536000u   /* a year, in seconds */

/*
 * WF_DIR_ORIG and WF_DIR_REPLY of wf_flow.h: the rule library does not
 * depend on the flow table, so the values are repeated here.
 */
#define DIR_C2S 0
#define DIR_S2C 1

/* Not a WF_RM_* bit: marks "name" as seen while parsing. */
#define SEEN_NAME 0x8000

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

struct ctx {
	const struct wf_rule_env *env;
	struct wf_rule *r;
	char *err;
	size_t err_len;
};

/* An echoed value: each byte may become 4 ("\xNN"), then "...". */
struct echo {
	char s[ECHO_MAX * 4 + sizeof("...")];
};

/* Output that counts what it could not store, as snprintf does. */
struct sbuf {
	char *buf;
	size_t len;
	size_t off;
};

static int fail(const struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
fail(const struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err != NULL && c->err_len > 0) {
		va_start(ap, fmt);
		vsnprintf(c->err, c->err_len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool
is_print(unsigned char ch)
{
	return ch >= 0x20 && ch < 0x7f && ch != '\\';
}

/* The first ECHO_MAX bytes of s[0..n), safe to print anywhere. */
static const char *
echo_n(struct echo *e, const char *s, size_t n)
{
	size_t i, o = 0;

	if (n == 0)
		return "\"\"";
	for (i = 0; i < n && i < ECHO_MAX; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (is_print(ch))
			e->s[o++] = (char)ch;
		else
			o += (size_t)snprintf(e->s + o, sizeof(e->s) - o,
					"\\x%02x", ch);
	}
	e->s[o] = '\0';
	if (i < n)
		memcpy(e->s + o, "...", sizeof("..."));
	return e->s;
}

static const char *
echo(struct echo *e, const char *s)
{
	return echo_n(e, s, strlen(s));
}

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	bool room = b->off < b->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? b->buf + b->off : NULL, room ? b->len - b->off : 0,
			fmt, ap);
	va_end(ap);
	if (n > 0)
		b->off += (size_t)n;
}

/* A word and its value are separated from what came before by a blank. */
static void
sb_word(struct sbuf *b, const char *word)
{
	sb_printf(b, "%s%s ", b->off > 0 ? " " : "", word);
}

/* ---- keyword values ---- */

struct kw {
	const char *name;
	unsigned int val;
};

static const struct kw dir_kws[] = {
	{ "c2s", DIR_C2S },
	{ "s2c", DIR_S2C },
};

static const struct kw proto_kws[] = {
	{ "tcp", IPPROTO_TCP },
	{ "udp", IPPROTO_UDP },
	{ "icmp", IPPROTO_ICMP },
	{ "ip", WF_RULE_PROTO_IP },
};

static const struct kw state_kws[] = {
	{ "new", WF_RULE_ST_NEW },
	{ "established", WF_RULE_ST_ESTABLISHED },
	{ "closing", WF_RULE_ST_CLOSING },
	{ "closed", WF_RULE_ST_CLOSED },
};

/* In the order they print; ALL and NONE are handled apart. */
static const struct kw flag_kws[] = {
	{ "SYN", WF_TCP_SYN }, { "ACK", WF_TCP_ACK }, { "FIN", WF_TCP_FIN },
	{ "RST", WF_TCP_RST }, { "PSH", WF_TCP_PSH }, { "URG", WF_TCP_URG },
	{ "ECE", WF_TCP_ECE }, { "CWR", WF_TCP_CWR },
};

#define FLAGS_ALL 0xff

/* Values are read case-insensitively; they print in lower (upper) case. */
static bool
kw_find(const struct kw *t, size_t nb, const char *s, size_t n,
		unsigned int *val)
{
	size_t i;

	for (i = 0; i < nb; i++) {
		if (strlen(t[i].name) != n || strncasecmp(s, t[i].name, n) != 0)
			continue;
		*val = t[i].val;
		return true;
	}
	return false;
}

static const char *
kw_name(const struct kw *t, size_t nb, unsigned int val)
{
	size_t i;

	for (i = 0; i < nb; i++)
		if (t[i].val == val)
			return t[i].name;
	return "?";
}

/* Bits of a comma list: print those of t set in @p bits, in t's order. */
static void
kw_print_bits(struct sbuf *b, const struct kw *t, size_t nb,
		unsigned int bits)
{
	const char *sep = "";
	size_t i;

	for (i = 0; i < nb; i++)
		if (bits & t[i].val) {
			sb_printf(b, "%s%s", sep, t[i].name);
			sep = ",";
		}
}

typedef bool (*item_find_t)(const char *s, size_t n, unsigned int *bit);

/*
 * The union of the items of a comma list. On error *bad and *bad_len are
 * the first item not known (possibly empty, as in "syn,,fin").
 */
static bool
list_parse(const char *val, size_t val_len, item_find_t find,
		unsigned int *bits, const char **bad, size_t *bad_len)
{
	const char *p = val, *end = val + val_len, *comma;
	unsigned int bit;
	size_t n;

	*bits = 0;
	for (;;) {
		comma = memchr(p, ',', (size_t)(end - p));
		n = (size_t)((comma != NULL ? comma : end) - p);
		if (!find(p, n, &bit)) {
			*bad = p;
			*bad_len = n;
			return false;
		}
		*bits |= bit;
		if (p + n == end)
			return true;
		p += n + 1;
	}
}

static bool
state_find(const char *s, size_t n, unsigned int *bit)
{
	return kw_find(state_kws, DIM(state_kws), s, n, bit);
}

static bool
flag_find(const char *s, size_t n, unsigned int *bit)
{
	if (n == 3 && strncasecmp(s, "ALL", 3) == 0) {
		*bit = FLAGS_ALL;
		return true;
	}
	if (n == 4 && strncasecmp(s, "NONE", 4) == 0) {
		*bit = 0;
		return true;
	}
	return kw_find(flag_kws, DIM(flag_kws), s, n, bit);
}

/* The kinds the grammar offers; the tracker's "invalid" is not one. */
#define TCP_KIND_LAST WF_TCP_K_RST
#define TCP_KINDS_TEXT "syn, synack, hsack, data, pureack, fin, rst, retrans"

static bool
kind_find(const char *s, size_t n, unsigned int *bit)
{
	const char *name;
	unsigned int k;

	for (k = 0; k <= TCP_KIND_LAST; k++) {
		name = wf_tcp_kind_name(k);
		if (strlen(name) == n && strncasecmp(s, name, n) == 0) {
			*bit = 1u << k;
			return true;
		}
	}
	if (n == 7 && strncasecmp(s, "retrans", 7) == 0) {
		*bit = WF_RULE_TCP_RETRANS;
		return true;
	}
	return false;
}

/* ---- the match words ---- */

/* Outcome of the name check, so the parser can say what is wrong. */
enum name_fault {
	NAME_OK = 0,
	NAME_EMPTY,
	NAME_LONG,
	NAME_CHAR,
	NAME_DIGITS,
};

static bool
name_char_ok(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		(ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-';
}

static enum name_fault
name_check(const char *name)
{
	bool digits = true;
	size_t i;

	for (i = 0; name[i] != '\0'; i++) {
		if (i == WF_RULE_NAME_MAX)
			return NAME_LONG;
		if (!name_char_ok(name[i]))
			return NAME_CHAR;
		if (name[i] < '0' || name[i] > '9')
			digits = false;
	}
	if (i == 0)
		return NAME_EMPTY;
	/* "rule del 12" means rule id 12, so a name cannot look like one. */
	return digits ? NAME_DIGITS : NAME_OK;
}

bool
wf_rule_name_valid(const char *name)
{
	return name != NULL && name_check(name) == NAME_OK;
}

static int
parse_name(struct ctx *c, const char *word, const char *val)
{
	struct echo e;

	switch (name_check(val)) {
	case NAME_OK:
		memcpy(c->r->name, val, strlen(val) + 1);
		return 0;
	case NAME_EMPTY:
		return fail(c, "%s: empty (1-%d characters of [A-Za-z0-9_.-])",
			word, WF_RULE_NAME_MAX);
	case NAME_LONG:
		return fail(c, "%s: %s is longer than %d characters (%zu)",
			word, echo(&e, val), WF_RULE_NAME_MAX, strlen(val));
	case NAME_CHAR:
		return fail(c, "%s: %s has a character outside [A-Za-z0-9_.-] "
			"(names are 1-%d of them)", word, echo(&e, val),
			WF_RULE_NAME_MAX);
	case NAME_DIGITS:
		break;
	}
	return fail(c, "%s: %s is all digits (digits are rule ids; "
		"1-%d characters of [A-Za-z0-9_.-])", word, echo(&e, val),
		WF_RULE_NAME_MAX);
}

static int
parse_in(struct ctx *c, const char *word, const char *val)
{
	unsigned int nb = c->env != NULL ? c->env->nb_ports : UINT16_MAX + 1u;
	struct echo e;
	uint64_t v;

	if (wf_num_u64(val, 0, UINT64_MAX, &v) == -EINVAL)
		return fail(c, "%s: %s is not a port id (0-%u)", word,
			echo(&e, val), nb > 0 ? nb - 1 : 0);
	if (nb == 0)
		return fail(c, "%s: port %s does not exist (no ports)", word,
			echo(&e, val));
	if (wf_num_u64(val, 0, nb - 1, &v) != 0)
		return fail(c, "%s: port %s does not exist (0-%u)", word,
			echo(&e, val), nb - 1);
	c->r->m.in_port = (uint16_t)v;
	return 0;
}

static int
parse_dir(struct ctx *c, const char *word, const char *val)
{
	unsigned int v;
	struct echo e;

	if (!kw_find(dir_kws, DIM(dir_kws), val, strlen(val), &v))
		return fail(c, "%s: %s is not a direction (c2s, s2c)", word,
			echo(&e, val));
	c->r->m.dir = (uint8_t)v;
	return 0;
}

static int
parse_proto(struct ctx *c, const char *word, const char *val)
{
	unsigned int v;
	struct echo e;

	if (!kw_find(proto_kws, DIM(proto_kws), val, strlen(val), &v))
		return fail(c, "%s: %s is not a protocol (tcp, udp, icmp, ip)",
			word, echo(&e, val));
	c->r->m.proto = (uint8_t)v;
	return 0;
}

/* Clear the bits past the prefix, so equal prefixes are equal bytes. */
static void
cidr_mask(uint8_t *addr, unsigned int plen, unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < bytes; i++) {
		if (plen >= 8) {
			plen -= 8;
			continue;
		}
		addr[i] &= (uint8_t)(0xff00 >> plen);
		plen = 0;
	}
}

/* "ADDR" or "ADDR/LEN", IPv4 or IPv6; a bare address is a host. */
static int
parse_cidr(struct ctx *c, const char *word, const char *val,
		struct wf_cidr *out)
{
	char addr[INET6_ADDRSTRLEN + sizeof("/128")];
	size_t n = strlen(val);
	bool v6 = strchr(val, ':') != NULL;
	unsigned int max = v6 ? 128 : 32;
	char *slash;
	struct echo e;
	uint64_t plen = max;

	if (n >= sizeof(addr))
		goto bad_addr;
	memcpy(addr, val, n + 1);
	slash = strchr(addr, '/');
	if (slash != NULL)
		*slash = '\0';
	if (inet_pton(v6 ? AF_INET6 : AF_INET, addr, out->addr) != 1)
		goto bad_addr;
	if (slash != NULL && wf_num_u64(slash + 1, 0, max, &plen) != 0)
		return fail(c, "%s: %s is not a prefix (length 0-%u for %s)",
			word, echo(&e, val), max, v6 ? "IPv6" : "IPv4");
	out->family = v6 ? 6 : 4;
	out->plen = (uint8_t)plen;
	cidr_mask(out->addr, out->plen, v6 ? 16 : 4);
	return 0;
bad_addr:
	memset(out, 0, sizeof(*out));
	return fail(c, "%s: %s is not an address (IPv4 or IPv6, optional /LEN)",
		word, echo(&e, val));
}

static int
parse_src(struct ctx *c, const char *word, const char *val)
{
	return parse_cidr(c, word, val, &c->r->m.src);
}

static int
parse_dst(struct ctx *c, const char *word, const char *val)
{
	return parse_cidr(c, word, val, &c->r->m.dst);
}

/* "P" or "P-Q". */
static int
parse_range(struct ctx *c, const char *word, const char *val,
		struct wf_port_range *out)
{
	char buf[64];  /* leading zeros are allowed, as in every number */
	size_t n = strlen(val);
	uint64_t lo, hi;
	struct echo e;
	char *dash;

	if (n >= sizeof(buf))
		goto bad;
	memcpy(buf, val, n + 1);
	dash = strchr(buf, '-');
	if (dash != NULL)
		*dash = '\0';
	if (wf_num_u64(buf, 0, UINT16_MAX, &lo) != 0)
		goto bad;
	hi = lo;
	if (dash != NULL && wf_num_u64(dash + 1, 0, UINT16_MAX, &hi) != 0)
		goto bad;
	if (lo > hi)
		return fail(c, "%s: %s is not a range (low > high)", word,
			echo(&e, val));
	out->lo = (uint16_t)lo;
	out->hi = (uint16_t)hi;
	return 0;
bad:
	return fail(c, strchr(val, '-') != NULL ?
		"%s: %s is not a port range (P-Q, each 0-65535)" :
		"%s: %s is not a port (0-65535)", word, echo(&e, val));
}

static int
parse_sport(struct ctx *c, const char *word, const char *val)
{
	return parse_range(c, word, val, &c->r->m.sport);
}

static int
parse_dport(struct ctx *c, const char *word, const char *val)
{
	return parse_range(c, word, val, &c->r->m.dport);
}

static int
parse_port(struct ctx *c, const char *word, const char *val)
{
	return parse_range(c, word, val, &c->r->m.port);
}

#define FLAG_NAMES_TEXT \
	"SYN ACK FIN RST PSH URG ECE CWR, comma-joined, ALL, NONE"

/* SET/MASK, as iptables --tcp-flags MASK SET with the halves swapped. */
static int
parse_flags(struct ctx *c, const char *word, const char *val)
{
	const char *slash = strchr(val, '/'), *bad;
	unsigned int set, mask;
	struct echo e;
	size_t bad_len;

	if (slash == NULL || strchr(slash + 1, '/') != NULL)
		return fail(c, "%s: %s is not SET/MASK (e.g. SYN/SYN,ACK; "
			"names " FLAG_NAMES_TEXT ")", word, echo(&e, val));
	if (!list_parse(val, (size_t)(slash - val), flag_find, &set, &bad,
			&bad_len) ||
	    !list_parse(slash + 1, strlen(slash + 1), flag_find, &mask, &bad,
			&bad_len))
		return fail(c, "%s: %s is not a flag (" FLAG_NAMES_TEXT ")",
			word, echo_n(&e, bad, bad_len));
	if ((set & ~mask) != 0)
		return fail(c, "%s: %s sets flags outside its MASK "
			"(SET/MASK: of the flags in MASK exactly SET are set)",
			word, echo(&e, val));
	c->r->m.flags_set = (uint8_t)set;
	c->r->m.flags_mask = (uint8_t)mask;
	return 0;
}

static int
parse_tcp(struct ctx *c, const char *word, const char *val)
{
	unsigned int bits;
	const char *bad;
	struct echo e;
	size_t bad_len;

	if (!list_parse(val, strlen(val), kind_find, &bits, &bad, &bad_len))
		return fail(c, "%s: %s is not a packet kind (" TCP_KINDS_TEXT
			")", word, echo_n(&e, bad, bad_len));
	c->r->m.tcp_kinds = (uint16_t)bits;
	return 0;
}

static int
parse_state(struct ctx *c, const char *word, const char *val)
{
	unsigned int bits;
	const char *bad;
	struct echo e;
	size_t bad_len;

	if (!list_parse(val, strlen(val), state_find, &bits, &bad, &bad_len))
		return fail(c, "%s: %s is not a state (new, established, "
			"closing, closed)", word, echo_n(&e, bad, bad_len));
	c->r->m.states = (uint8_t)bits;
	return 0;
}

static void
print_in(struct sbuf *b, const struct wf_rule_match *m)
{
	sb_printf(b, "%u", m->in_port);
}

static void
print_dir(struct sbuf *b, const struct wf_rule_match *m)
{
	sb_printf(b, "%s", kw_name(dir_kws, DIM(dir_kws), m->dir));
}

static void
print_proto(struct sbuf *b, const struct wf_rule_match *m)
{
	sb_printf(b, "%s", kw_name(proto_kws, DIM(proto_kws), m->proto));
}

static void
print_cidr(struct sbuf *b, const struct wf_cidr *cidr)
{
	char addr[INET6_ADDRSTRLEN];

	if (inet_ntop(cidr->family == 6 ? AF_INET6 : AF_INET, cidr->addr, addr,
			sizeof(addr)) == NULL)
		memcpy(addr, "?", sizeof("?"));
	sb_printf(b, "%s/%u", addr, cidr->plen);
}

static void
print_src(struct sbuf *b, const struct wf_rule_match *m)
{
	print_cidr(b, &m->src);
}

static void
print_dst(struct sbuf *b, const struct wf_rule_match *m)
{
	print_cidr(b, &m->dst);
}

static void
print_range(struct sbuf *b, const struct wf_port_range *r)
{
	if (r->lo == r->hi)
		sb_printf(b, "%u", r->lo);
	else
		sb_printf(b, "%u-%u", r->lo, r->hi);
}

static void
print_sport(struct sbuf *b, const struct wf_rule_match *m)
{
	print_range(b, &m->sport);
}

static void
print_dport(struct sbuf *b, const struct wf_rule_match *m)
{
	print_range(b, &m->dport);
}

static void
print_port(struct sbuf *b, const struct wf_rule_match *m)
{
	print_range(b, &m->port);
}

static void
print_flag_set(struct sbuf *b, unsigned int f)
{
	if (f == 0)
		sb_printf(b, "NONE");
	else if (f == FLAGS_ALL)
		sb_printf(b, "ALL");
	else
		kw_print_bits(b, flag_kws, DIM(flag_kws), f);
}

static void
print_flags(struct sbuf *b, const struct wf_rule_match *m)
{
	print_flag_set(b, m->flags_set);
	sb_printf(b, "/");
	print_flag_set(b, m->flags_mask);
}

static void
print_tcp(struct sbuf *b, const struct wf_rule_match *m)
{
	const char *sep = "";
	unsigned int k;

	for (k = 0; k <= TCP_KIND_LAST; k++)
		if (m->tcp_kinds & (1u << k)) {
			sb_printf(b, "%s%s", sep, wf_tcp_kind_name(k));
			sep = ",";
		}
	if (m->tcp_kinds & WF_RULE_TCP_RETRANS)
		sb_printf(b, "%sretrans", sep);
}

static void
print_state(struct sbuf *b, const struct wf_rule_match *m)
{
	kw_print_bits(b, state_kws, DIM(state_kws), m->states);
}

/* The match words, in the order wf_rule_format() prints them. */
static const struct match_word {
	const char *word;
	uint16_t bit;          /* WF_RM_*, or SEEN_NAME */
	int (*parse)(struct ctx *c, const char *word, const char *val);
	void (*print)(struct sbuf *b, const struct wf_rule_match *m);
} match_words[] = {
	{ "name", SEEN_NAME, parse_name, NULL },
	{ "in", WF_RM_IN, parse_in, print_in },
	{ "dir", WF_RM_DIR, parse_dir, print_dir },
	{ "proto", WF_RM_PROTO, parse_proto, print_proto },
	{ "src", WF_RM_SRC, parse_src, print_src },
	{ "dst", WF_RM_DST, parse_dst, print_dst },
	{ "sport", WF_RM_SPORT, parse_sport, print_sport },
	{ "dport", WF_RM_DPORT, parse_dport, print_dport },
	{ "port", WF_RM_PORT, parse_port, print_port },
	{ "flags", WF_RM_FLAGS, parse_flags, print_flags },
	{ "tcp", WF_RM_TCP, parse_tcp, print_tcp },
	{ "state", WF_RM_STATE, parse_state, print_state },
};

#define MATCH_WORDS_TEXT "in, dir, proto, src, dst, sport, dport, port, " \
	"flags, tcp, state, name, action"

static const struct match_word *
match_word_find(const char *word)
{
	size_t i;

	for (i = 0; i < DIM(match_words); i++)
		if (strcmp(word, match_words[i].word) == 0)
			return &match_words[i];
	return NULL;
}

/* ---- the parser ---- */

/* The match part: word value pairs up to "action"; *next indexes it. */
static int
parse_matches(struct ctx *c, int argc, char *const argv[], int *next)
{
	const struct match_word *mw;
	unsigned int seen = 0;
	struct echo e;
	int i, ret;

	for (i = 0; i < argc && strcmp(argv[i], "action") != 0; i += 2) {
		mw = match_word_find(argv[i]);
		if (mw == NULL)
			return fail(c, "%s: unknown word (expected "
				MATCH_WORDS_TEXT ")", echo(&e, argv[i]));
		/* "dport action drop": the value is missing, not "action" */
		if (i + 1 >= argc || strcmp(argv[i + 1], "action") == 0)
			return fail(c, "%s: needs a value", mw->word);
		if (seen & mw->bit)
			return fail(c, "%s: given twice", mw->word);
		seen |= mw->bit;
		ret = mw->parse(c, mw->word, argv[i + 1]);
		if (ret != 0)
			return ret;
	}
	if (i >= argc)
		return fail(c, "action: missing (rule add ... action ACTION)");
	c->r->m.present = (uint16_t)(seen & ~SEEN_NAME);
	*next = i;
	return 0;
}

/* A rule that names a protocol must not ask for what it does not have. */
static int
check_proto(struct ctx *c)
{
	const struct wf_rule_match *m = &c->r->m;
	const char *proto = kw_name(proto_kws, DIM(proto_kws), m->proto);
	const uint16_t ports = WF_RM_SPORT | WF_RM_DPORT | WF_RM_PORT;

	if (!(m->present & WF_RM_PROTO) || m->proto == WF_RULE_PROTO_IP ||
			m->proto == IPPROTO_TCP)
		return 0;
	if (m->present & WF_RM_FLAGS)
		return fail(c, "flags: only TCP has flags (proto %s)", proto);
	if (m->present & WF_RM_TCP)
		return fail(c, "tcp: only TCP has packet kinds (proto %s)",
			proto);
	if (m->proto == IPPROTO_UDP || !(m->present & ports))
		return 0;
	return fail(c, "%s: only TCP and UDP have ports (proto %s)",
		(m->present & WF_RM_SPORT) ? "sport" :
		(m->present & WF_RM_DPORT) ? "dport" : "port", proto);
}

/* Words that end the action's arguments. */
static bool
is_tail_word(const char *w)
{
	return strcmp(w, "expire") == 0 || strcmp(w, "seed") == 0;
}

/* The kind of a registry row: the first kind whose row it is. */
static int
action_kind_of(const struct wf_action_ops *ops)
{
	struct wf_action a;
	unsigned int k;

	memset(&a, 0, sizeof(a));
	for (k = 0; k < WF_ACT_KIND_MAX; k++) {
		a.kind = (uint8_t)k;
		if (wf_action_ops_of(&a) == ops)
			return (int)k;
	}
	return -1;
}

/* An action may echo what it was given: make its message printable. */
static void
err_sanitize(const struct ctx *c)
{
	size_t i;

	if (c->err == NULL || c->err_len == 0)
		return;
	for (i = 0; c->err[i] != '\0'; i++)
		if ((unsigned char)c->err[i] < 0x20 ||
				(unsigned char)c->err[i] >= 0x7f)
			c->err[i] = '?';
}

/* argv[0] names the action; *used is how many words it took. */
static int
parse_action(struct ctx *c, int argc, char *const argv[], int *used)
{
	const struct wf_action_ops *ops;
	struct echo e;
	int n, kind;

	if (argc < 1)
		return fail(c, "action: needs a value (%s)", wf_action_names());
	ops = wf_action_find(argv[0]);
	if (ops == NULL)
		return fail(c, "action: unknown action '%s' (%s)",
			echo(&e, argv[0]), wf_action_names());
	kind = action_kind_of(ops);
	if (kind < 0)
		return fail(c, "action: %s has no kind (internal error)",
			ops->name);
	c->r->a.kind = (uint8_t)kind;
	for (n = 1; n < argc && !is_tail_word(argv[n]); n++)
		;
	if (c->err != NULL && c->err_len > 0)
		c->err[0] = '\0';
	if (ops->parse(n - 1, argv + 1, &c->r->a, c->err, c->err_len) != 0) {
		if (c->err != NULL && c->err_len > 0 && c->err[0] == '\0')
			return fail(c, "action: %s: bad arguments (%s)",
				ops->name, ops->synopsis);
		err_sanitize(c);
		return -EINVAL;
	}
	*used = n;
	return 0;
}

static int
parse_expire(struct ctx *c, const char *val)
{
	struct echo e;
	uint64_t v;

	if (c->r->expire_s != 0)
		return fail(c, "expire: given twice");
	if (wf_num_u64(val, 1, EXPIRE_MAX, &v) != 0)
		return fail(c, "expire: %s is not a number of seconds (1-%u)",
			echo(&e, val), EXPIRE_MAX);
	c->r->expire_s = (uint32_t)v;
	return 0;
}

static int
parse_seed(struct ctx *c, const char *val)
{
	struct echo e;
	uint64_t v;

	if (c->r->has_seed)
		return fail(c, "seed: given twice");
	if (wf_num_u64(val, 0, UINT64_MAX, &v) != 0)
		return fail(c, "seed: %s is not a seed (0-%" PRIu64 ")",
			echo(&e, val), UINT64_MAX);
	c->r->has_seed = true;
	c->r->seed = v;
	return 0;
}

/* expire SECONDS and seed N, each at most once, after the action. */
static int
parse_tail(struct ctx *c, int argc, char *const argv[])
{
	struct echo e;
	int i, ret;

	for (i = 0; i < argc; i += 2) {
		if (!is_tail_word(argv[i]))
			return fail(c, match_word_find(argv[i]) != NULL ?
				"%s: match words go before action" :
				"%s: unknown word (after the action's words "
				"only expire SECONDS and seed N may follow)",
				echo(&e, argv[i]));
		if (i + 1 >= argc)
			return fail(c, "%s: needs a value", argv[i]);
		ret = strcmp(argv[i], "expire") == 0 ?
			parse_expire(c, argv[i + 1]) :
			parse_seed(c, argv[i + 1]);
		if (ret != 0)
			return ret;
	}
	return 0;
}

int
wf_rule_parse(int argc, char *const argv[], const struct wf_rule_env *env,
		struct wf_rule *out, char *err, size_t err_len)
{
	struct ctx c = { .env = env, .r = out, .err = err, .err_len = err_len };
	const struct wf_action *a = &out->a;
	const struct wf_action_ops *ops;
	int i = 0, used = 0, ret;

	memset(out, 0, sizeof(*out));
	if (err != NULL && err_len > 0)
		err[0] = '\0';
	if (argc < 0 || (argc > 0 && argv == NULL))
		argc = 0;
	ret = parse_matches(&c, argc, argv, &i);
	if (ret == 0)
		ret = check_proto(&c);
	if (ret == 0)
		ret = parse_action(&c, argc - i - 1, argv + i + 1, &used);
	if (ret == 0)
		ret = parse_tail(&c, argc - i - 1 - used, argv + i + 1 + used);
	if (ret != 0)
		return ret;
	ops = wf_action_ops_of(a);
	if (ops->check != NULL) {
		const struct wf_rule_match *m = &out->m;
		const struct wf_act_match_view v = {
			.proto_tcp = (m->present & WF_RM_PROTO) &&
				m->proto == IPPROTO_TCP,
			.dst_family = (m->present & WF_RM_DST) ?
				m->dst.family : 0,
			.dst_host = (m->present & WF_RM_DST) &&
				m->dst.plen == (m->dst.family == 4 ? 32 : 128),
		};

		if (ops->check(a, &v, err, err_len) != 0) {
			err_sanitize(&c);
			return -EINVAL;
		}
	}
	/* the seed feeds only the generators of drop prob and lb random */
	if (out->has_seed && (ops->seeded == NULL || !ops->seeded(a)))
		return fail(&c, "seed: only drop prob and lb mode random "
			"use a seed");
	/* what "rule added" and show rules print must load back as a line */
	ret = wf_rule_format(out, NULL, 0);
	if (ret > WF_RULE_TEXT_MAX)
		return fail(&c, "rule: prints as %d bytes (defaults and "
			"prefixes written out), more than a line holds (%d)",
			ret, WF_RULE_TEXT_MAX);
	return 0;
}

static bool
is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

int
wf_rule_parse_line(const char *line, const struct wf_rule_env *env,
		struct wf_rule *out, char *err, size_t err_len)
{
	struct ctx c = { .env = env, .r = out, .err = err, .err_len = err_len };
	char buf[WF_CMD_LINE_MAX + 1];
	char *argv[WF_CMD_WORDS_MAX];
	size_t n = line != NULL ? strlen(line) : 0;
	int argc = 0;
	char *p;

	memset(out, 0, sizeof(*out));
	/* the same limits as wf_cmd_exec: the line end does not count */
	if (n > 0 && line[n - 1] == '\n')
		n--;
	if (n > 0 && line[n - 1] == '\r')
		n--;
	/* checked before anything is read: a long line is refused whole */
	if (n > WF_CMD_LINE_MAX)
		return fail(&c, "line too long (%zu > %d)", n, WF_CMD_LINE_MAX);
	if (n > 0)
		memcpy(buf, line, n);
	buf[n] = '\0';
	for (p = buf; *p != '\0';) {
		while (is_blank(*p))
			*p++ = '\0';
		if (*p == '\0')
			break;
		if (argc == WF_CMD_WORDS_MAX)
			return fail(&c, "line: more than %d words",
				WF_CMD_WORDS_MAX);
		argv[argc++] = p;
		while (*p != '\0' && !is_blank(*p))
			p++;
	}
	return wf_rule_parse(argc, argv, env, out, err, err_len);
}

/* ---- the printer ---- */

/* " ARGS" of the action, nothing when it has none. */
static void
print_action(struct sbuf *b, const struct wf_action *a)
{
	const struct wf_action_ops *ops = wf_action_ops_of(a);
	char args[1024];
	int n;

	sb_word(b, "action");
	sb_printf(b, "%s", ops != NULL ? ops->name : "?");
	if (ops == NULL)
		return;
	args[0] = '\0';
	n = ops->format(a, args, sizeof(args));
	if (n <= 0 || args[0] == '\0')
		return;
	sb_printf(b, " %s", args);
	/* keep the snprintf contract when the arguments did not fit args */
	if ((size_t)n >= sizeof(args))
		b->off += (size_t)n - strlen(args);
}

int
wf_rule_format(const struct wf_rule *r, char *buf, size_t len)
{
	struct sbuf b = { .buf = buf, .len = buf != NULL ? len : 0, .off = 0 };
	const struct match_word *mw;
	struct echo e;
	size_t i;

	if (b.len > 0)
		buf[0] = '\0';
	if (r->name[0] != '\0') {
		sb_word(&b, "name");
		/* only a struct made by hand can hold a bad name: escape it */
		sb_printf(&b, "%s", wf_rule_name_valid(r->name) ? r->name :
			echo_n(&e, r->name,
				strnlen(r->name, WF_RULE_NAME_MAX)));
	}
	for (i = 0; i < DIM(match_words); i++) {
		mw = &match_words[i];
		if (mw->print == NULL || !(r->m.present & mw->bit))
			continue;
		sb_word(&b, mw->word);
		mw->print(&b, &r->m);
	}
	print_action(&b, &r->a);
	if (r->expire_s != 0)
		sb_printf(&b, " expire %" PRIu32, r->expire_s);
	if (r->has_seed)
		sb_printf(&b, " seed %" PRIu64, r->seed);
	return b.off > INT32_MAX ? INT32_MAX : (int)b.off;
}
