/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The actions: their words (every form, every error naming its word, the
 * printed form parsing back to the same bytes), the drop decisions on
 * synthetic packet sequences (per flow, direction and rule; seeded
 * randomness), drop seg on retransmissions, and the RSTs of reset, parsed
 * back with wf_pkt_parse() and their checksums recomputed here.
 */

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "wf_action.h"
#include "wf_pkt.h"
#include "wf_test.h"

#define NB(a) (sizeof(a) / sizeof((a)[0]))
#define ERR_LEN 256
#define ARGV_MAX 16

/* ---- words ---- */

/* A line split at spaces into argv, as the console does. */
struct words {
	char buf[1024];
	char *argv[ARGV_MAX];
	int argc;
};

static void
split(struct words *w, const char *line)
{
	char *p, *save = NULL;

	snprintf(w->buf, sizeof(w->buf), "%s", line);
	w->argc = 0;
	for (p = strtok_r(w->buf, " ", &save); p != NULL && w->argc < ARGV_MAX;
			p = strtok_r(NULL, " ", &save))
		w->argv[w->argc++] = p;
}

/* Parse "ACTION WORDS" the way the rule parser does: zeroed struct. */
static int
parse_words(const char *name, int argc, char *const argv[],
		struct wf_action *a, char *err)
{
	const struct wf_action_ops *ops = wf_action_find(name);

	if (ops == NULL)
		return -ENOENT;
	memset(a, 0, sizeof(*a));
	err[0] = '\0';
	return ops->parse(argc, argv, a, err, ERR_LEN);
}

static int
parse_line(const char *name, const char *line, struct wf_action *a,
		char *err)
{
	struct words w;

	split(&w, line);
	return parse_words(name, w.argc, w.argv, a, err);
}

static int
test_registry(void)
{
	static const struct {
		const char *name;
		uint8_t kind;
		bool terminal;
	} rows[] = {
		{ "pass", WF_ACT_PASS, true },
		{ "drop", WF_ACT_DROP, true },
		{ "reset", WF_ACT_RESET, true },
		{ "log", WF_ACT_LOG, false },
		{ "mirror", WF_ACT_MIRROR, false },
		{ "lb", WF_ACT_LB, true },
	};
	const struct wf_action_ops *ops;
	struct wf_action a;
	unsigned int i;

	WF_TEST_ASSERT_STR_EQUAL(wf_action_names(),
		"pass, drop, reset, log, mirror, lb");
	for (i = 0; i < NB(rows); i++) {
		ops = wf_action_find(rows[i].name);
		WF_TEST_ASSERT(ops != NULL, "%s", rows[i].name);
		WF_TEST_ASSERT_STR_EQUAL(ops->name, rows[i].name);
		WF_TEST_ASSERT(ops->synopsis != NULL, "%s", rows[i].name);
		WF_TEST_ASSERT_EQUAL(ops->terminal, rows[i].terminal, "%s",
				rows[i].name);
		WF_TEST_ASSERT(strstr(wf_action_names(), rows[i].name) != NULL);
		memset(&a, 0, sizeof(a));
		a.kind = rows[i].kind;
		WF_TEST_ASSERT(wf_action_ops_of(&a) == ops, "%s", rows[i].name);
	}
	a.kind = WF_ACT_DROP_SEG;
	WF_TEST_ASSERT(wf_action_ops_of(&a) == wf_action_find("drop"));
	a.kind = WF_ACT_KIND_MAX;
	WF_TEST_ASSERT(wf_action_ops_of(&a) == NULL);
	WF_TEST_ASSERT(wf_action_find("tee") == NULL);
	WF_TEST_ASSERT(wf_action_find("DROP") == NULL);
	WF_TEST_ASSERT(wf_action_find("") == NULL);
	WF_TEST_ASSERT(wf_action_find(NULL) == NULL);
	return 0;
}

/* One accepted form: what it parses to and how it prints. */
struct ok_row {
	const char *name, *words, *printed;
	uint8_t kind, mods;
	uint32_t nth, count, every;
	double prob;
	uint32_t seg, times;
	const char *file;
};

#define W_WIN (WF_DROP_NTH | WF_DROP_COUNT)

static const struct ok_row ok_rows[] = {
	{ "pass", "", "", WF_ACT_PASS, 0, 0, 0, 0, 0, 0, 0, NULL },
	{ "reset", "", "", WF_ACT_RESET, 0, 0, 0, 0, 0, 0, 0, NULL },
	{ "drop", "", "", WF_ACT_DROP, 0, 0, 0, 0, 0, 0, 0, NULL },
	{ "drop", "nth 3", "nth 3 count 1", WF_ACT_DROP, W_WIN, 3, 1, 0, 0,
		0, 0, NULL },
	/* count alone starts at the first packet */
	{ "drop", "count 5", "nth 1 count 5", WF_ACT_DROP, W_WIN, 1, 5, 0, 0,
		0, 0, NULL },
	{ "drop", "count 2 nth 3", "nth 3 count 2", WF_ACT_DROP, W_WIN, 3, 2,
		0, 0, 0, 0, NULL },
	{ "drop", "every 3", "every 3", WF_ACT_DROP, WF_DROP_EVERY, 0, 0, 3,
		0, 0, 0, NULL },
	{ "drop", "prob 0.5", "prob 0.5", WF_ACT_DROP, WF_DROP_PROB, 0, 0, 0,
		0.5, 0, 0, NULL },
	{ "drop", "prob 0", "prob 0", WF_ACT_DROP, WF_DROP_PROB, 0, 0, 0,
		0, 0, 0, NULL },
	{ "drop", "prob 1.000", "prob 1", WF_ACT_DROP, WF_DROP_PROB, 0, 0, 0,
		1, 0, 0, NULL },
	{ "drop", "prob .25", "prob 0.25", WF_ACT_DROP, WF_DROP_PROB, 0, 0, 0,
		0.25, 0, 0, NULL },
	{ "drop", "prob 0.1", "prob 0.1", WF_ACT_DROP, WF_DROP_PROB, 0, 0, 0,
		0.1, 0, 0, NULL },
	/* small: %g would print 1e-06, which the parser refuses */
	{ "drop", "prob 0.000001", "prob 0.000001", WF_ACT_DROP, WF_DROP_PROB,
		0, 0, 0, 0.000001, 0, 0, NULL },
	{ "drop", "prob 0.30000000000000004", "prob 0.30000000000000004",
		WF_ACT_DROP, WF_DROP_PROB, 0, 0, 0, 0.30000000000000004, 0, 0,
		NULL },
	{ "drop", "every 2 prob 0.1 nth 4294967295 count 4294967295",
		"nth 4294967295 count 4294967295 every 2 prob 0.1",
		WF_ACT_DROP, W_WIN | WF_DROP_EVERY | WF_DROP_PROB,
		UINT32_MAX, UINT32_MAX, 2, 0.1, 0, 0, NULL },
	{ "drop", "seg 2", "seg 2 times 1", WF_ACT_DROP_SEG, 0, 0, 0, 0, 0,
		2, 1, NULL },
	{ "drop", "times 3 seg 2", "seg 2 times 3", WF_ACT_DROP_SEG, 0, 0, 0,
		0, 0, 2, 3, NULL },
	{ "drop", "seg 4294967295 times 4294967295",
		"seg 4294967295 times 4294967295", WF_ACT_DROP_SEG, 0, 0, 0, 0,
		0, UINT32_MAX, UINT32_MAX, NULL },
	{ "log", "", "file wirefault.pcap", WF_ACT_LOG, 0, 0, 0, 0, 0, 0, 0,
		WF_ACT_LOG_DEFAULT },
	{ "log", "file badflags.pcap", "file badflags.pcap", WF_ACT_LOG, 0, 0,
		0, 0, 0, 0, 0, "badflags.pcap" },
	{ "log", "file /var/tmp/x-1_2.pcap", "file /var/tmp/x-1_2.pcap",
		WF_ACT_LOG, 0, 0, 0, 0, 0, 0, 0, "/var/tmp/x-1_2.pcap" },
};

static void
ok_row_expect(const struct ok_row *r, struct wf_action *e)
{
	memset(e, 0, sizeof(*e));
	e->kind = r->kind;
	e->drop_mods = r->mods;
	e->nth = r->nth;
	e->count = r->count;
	e->every = r->every;
	e->prob = r->prob;
	if (r->mods & WF_DROP_PROB)
		e->prob_cut = wf_act_prob_cut(r->prob);
	e->seg = r->seg;
	e->times = r->times;
	if (r->file != NULL)
		memcpy(e->file, r->file, strlen(r->file));
}

/* parse(format(a)) == a, byte for byte, and the text is stable. */
static int
round_trip(const char *name, const struct wf_action *a, const char *why)
{
	const struct wf_action_ops *ops = wf_action_ops_of(a);
	char text[512], text2[512], err[ERR_LEN];
	struct wf_action b;
	int n;

	WF_TEST_ASSERT(ops != NULL, "%s", why);
	WF_TEST_ASSERT_STR_EQUAL(ops->name, name, "%s", why);
	n = ops->format(a, text, sizeof(text));
	WF_TEST_ASSERT_EQUAL(n, strlen(text), "%s", why);
	/* a probability is never printed in exponent form */
	if (strstr(text, "prob ") != NULL)
		WF_TEST_ASSERT(strchr(strstr(text, "prob "), 'e') == NULL,
				"%s: '%s'", why, text);
	WF_TEST_ASSERT_SUCCESS(parse_line(name, text, &b, err),
			"%s: '%s': %s", why, text, err);
	WF_TEST_ASSERT(memcmp(a, &b, sizeof(b)) == 0, "%s: '%s' differs",
			why, text);
	ops->format(&b, text2, sizeof(text2));
	WF_TEST_ASSERT_STR_EQUAL(text, text2, "%s", why);
	return 0;
}

static int
test_parse_format(void)
{
	char text[512], err[ERR_LEN], small[6];
	const struct wf_action_ops *ops;
	struct wf_action a, e;
	unsigned int i;
	int n;

	for (i = 0; i < NB(ok_rows); i++) {
		const struct ok_row *r = &ok_rows[i];

		WF_TEST_ASSERT_SUCCESS(parse_line(r->name, r->words, &a, err),
				"%s %s: %s", r->name, r->words, err);
		ok_row_expect(r, &e);
		WF_TEST_ASSERT(memcmp(&a, &e, sizeof(a)) == 0,
				"%s %s: fields differ", r->name, r->words);
		ops = wf_action_ops_of(&a);
		n = ops->format(&a, text, sizeof(text));
		WF_TEST_ASSERT_STR_EQUAL(text, r->printed, "%s %s", r->name,
				r->words);
		/* as snprintf: the full length, even when cut */
		memset(small, 'X', sizeof(small));
		WF_TEST_ASSERT_EQUAL(ops->format(&a, small, sizeof(small)), n,
				"%s %s", r->name, r->words);
		WF_TEST_ASSERT(memchr(small, '\0', sizeof(small)) != NULL);
		WF_TEST_ASSERT_EQUAL(strncmp(small, text, sizeof(small) - 1), 0);
		WF_TEST_ASSERT_SUCCESS(round_trip(r->name, &a, r->words));
	}
	/* the probability cuts of the edges */
	WF_TEST_ASSERT_SUCCESS(parse_line("drop", "prob 1", &a, err));
	WF_TEST_ASSERT_EQUAL_U64(a.prob_cut, UINT64_MAX);
	WF_TEST_ASSERT_SUCCESS(parse_line("drop", "prob 0", &a, err));
	WF_TEST_ASSERT_EQUAL_U64(a.prob_cut, 0);
	WF_TEST_ASSERT_SUCCESS(parse_line("drop", "prob 0.5", &a, err));
	WF_TEST_ASSERT_EQUAL_U64(a.prob_cut, UINT64_C(1) << 63);
	return 0;
}

static int
test_log_path_limits(void)
{
	char path[300], err[ERR_LEN];
	char *argv[2] = { (char *)(uintptr_t)"file", path };
	struct wf_action a;

	memset(path, 'p', 255);
	path[255] = '\0';
	WF_TEST_ASSERT_SUCCESS(parse_words("log", 2, argv, &a, err), "%s", err);
	WF_TEST_ASSERT_EQUAL(strlen(a.file), 255);
	WF_TEST_ASSERT_SUCCESS(round_trip("log", &a, "255-byte path"));
	path[255] = 'p';
	path[256] = '\0';
	WF_TEST_ASSERT_EQUAL(parse_words("log", 2, argv, &a, err), -EINVAL);
	/* the echo is cut at 40 bytes */
	WF_TEST_ASSERT_STR_CONTAINS(err, "file: 'pppppppppppppppppppppppppppppp"
			"pppppppppp...' is not a pcap path");
	return 0;
}

/* One rejected form and (part of) its message, which names the word. */
static const struct {
	const char *name, *words, *msg;
} bad_rows[] = {
	{ "pass", "x", "pass: takes no arguments, got 'x'" },
	{ "reset", "now please", "reset: takes no arguments, got 'now'" },
	{ "drop", "x", "drop: unknown word 'x' (nth, count, every, prob, seg)" },
	{ "drop", "nth 3 4", "drop: unknown word '4'" },
	{ "drop", "nth 0", "nth: 0 is not a packet index (1-4294967295)" },
	{ "drop", "nth 4294967296",
		"nth: 4294967296 is not a packet index (1-4294967295)" },
	{ "drop", "nth -1", "nth: -1 is not a packet index" },
	{ "drop", "nth 0x10", "nth: 0x10 is not a packet index" },
	{ "drop", "nth 1.5", "nth: 1.5 is not a packet index" },
	{ "drop", "nth", "nth: needs a value" },
	{ "drop", "nth 1 nth 2", "nth: given twice" },
	{ "drop", "count 0", "count: 0 is not a packet count (1-4294967295)" },
	{ "drop", "count 1 count 2", "count: given twice" },
	{ "drop", "nth 2 count", "count: needs a value" },
	{ "drop", "every", "every: needs a value" },
	{ "drop", "every 0",
		"every: 0 is not a packet interval (1-4294967295)" },
	{ "drop", "every 2 every 2", "every: given twice" },
	{ "drop", "prob 1.5", "prob: 1.5 is not a probability (0-1)" },
	{ "drop", "prob nan", "prob: nan is not a probability (0-1)" },
	{ "drop", "prob inf", "prob: inf is not a probability (0-1)" },
	{ "drop", "prob 1e309", "prob: 1e309 is not a probability (0-1)" },
	{ "drop", "prob 1e-3", "prob: 1e-3 is not a probability (0-1)" },
	{ "drop", "prob -0.1", "prob: -0.1 is not a probability (0-1)" },
	{ "drop", "prob 0x0.8", "prob: 0x0.8 is not a probability (0-1)" },
	{ "drop", "prob", "prob: needs a value" },
	{ "drop", "prob 0.5 prob 0.5", "prob: given twice" },
	{ "drop", "seg 0", "seg: 0 is not a segment index (1-4294967295)" },
	{ "drop", "seg", "seg: needs a value" },
	{ "drop", "seg 1 seg 2", "seg: given twice" },
	{ "drop", "seg 2 times 0",
		"times: 0 is not a repeat count (1-4294967295)" },
	{ "drop", "seg 2 times", "times: needs a value" },
	{ "drop", "seg 2 times 1 times 2", "times: given twice" },
	{ "drop", "times 2", "times: only with seg N" },
	{ "drop", "seg 2 nth 3",
		"seg: cannot be combined with nth, count, every or prob" },
	{ "drop", "prob 0.5 seg 2",
		"seg: cannot be combined with nth, count, every or prob" },
	{ "drop", "every 2 seg 2 times 2",
		"seg: cannot be combined with nth, count, every or prob" },
	{ "log", "x", "log: unknown word 'x' (file)" },
	{ "log", "file", "file: needs a value" },
	{ "log", "file a file b", "file: given twice" },
	{ "log", "file dir/", "file: 'dir/' is not a pcap path" },
	{ "log", "file ..", "file: '..' is not a pcap path" },
	{ "log", "file a/.", "file: 'a/.' is not a pcap path" },
	{ "drop", "nth 123456789012345678901234567890123456789012345",
		"nth: 1234567890123456789012345678901234567890... is not" },
};

static int
test_parse_errors(void)
{
	char err[ERR_LEN], tiny[8];
	char *argv[2];
	struct wf_action a;
	unsigned int i;

	for (i = 0; i < NB(bad_rows); i++) {
		WF_TEST_ASSERT_EQUAL(parse_line(bad_rows[i].name,
				bad_rows[i].words, &a, err), -EINVAL,
				"%s %s", bad_rows[i].name, bad_rows[i].words);
		WF_TEST_ASSERT_STR_CONTAINS(err, bad_rows[i].msg,
				"%s %s", bad_rows[i].name, bad_rows[i].words);
	}
	/* non-printing bytes are echoed as \xNN, never raw */
	argv[0] = (char *)(uintptr_t)"file";
	argv[1] = (char *)(uintptr_t)"a\x01\x1b[2J\xff";
	WF_TEST_ASSERT_EQUAL(parse_words("log", 2, argv, &a, err), -EINVAL);
	WF_TEST_ASSERT_STR_CONTAINS(err, "'a\\x01\\x1b[2J\\xff'");
	argv[0] = (char *)(uintptr_t)"file";
	argv[1] = (char *)(uintptr_t)"with space";
	WF_TEST_ASSERT_EQUAL(parse_words("log", 2, argv, &a, err), -EINVAL);
	argv[0] = (char *)(uintptr_t)"\t";
	WF_TEST_ASSERT_EQUAL(parse_words("drop", 1, argv, &a, err), -EINVAL);
	WF_TEST_ASSERT_STR_CONTAINS(err, "unknown word '\\x09'");
	/* a short or absent error buffer is cut, never overrun */
	memset(tiny, 'X', sizeof(tiny));
	memset(&a, 0, sizeof(a));
	argv[0] = (char *)(uintptr_t)"bogus";
	WF_TEST_ASSERT_EQUAL(wf_action_find("drop")->parse(1, argv, &a, tiny,
			sizeof(tiny)), -EINVAL);
	WF_TEST_ASSERT_STR_EQUAL(tiny, "drop: u");
	WF_TEST_ASSERT_EQUAL(wf_action_find("drop")->parse(1, argv, &a, NULL,
			0), -EINVAL);
	return 0;
}

/* A probability prints so that it parses back to the same double. */
static int
test_prob_text(void)
{
	static const double fixed[] = {
		0, 1, 0.5, 0.1, 1.0 / 3, 2.0 / 3, 0.999, 1e-20, 1e-300,
		DBL_MIN, DBL_TRUE_MIN, 1 - DBL_EPSILON / 2, 0x1p-64, 0x1p-65,
		0.123456789012345678,
	};
	struct wf_action a;
	struct wf_act_worker w;
	unsigned int i;
	char why[64];

	for (i = 0; i < NB(fixed) + 2000; i++) {
		memset(&a, 0, sizeof(a));
		a.kind = WF_ACT_DROP;
		a.drop_mods = WF_DROP_PROB;
		if (i < NB(fixed)) {
			a.prob = fixed[i];
		} else {
			if (i == NB(fixed))
				wf_act_worker_seed(&w, 1, 0);
			/* 53 random bits, scaled by a random power of two */
			a.prob = (double)(wf_act_random(&w) >> 11) * 0x1p-53;
			a.prob = ldexp(a.prob, -(int)(wf_act_random(&w) % 64));
		}
		a.prob_cut = wf_act_prob_cut(a.prob);
		snprintf(why, sizeof(why), "prob %.17g", a.prob);
		WF_TEST_ASSERT_SUCCESS(round_trip("drop", &a, why));
	}
	return 0;
}

static int
test_prob_cut(void)
{
	WF_TEST_ASSERT_EQUAL_U64(wf_act_prob_cut(0), 0);
	WF_TEST_ASSERT_EQUAL_U64(wf_act_prob_cut(-1), 0);
	WF_TEST_ASSERT_EQUAL_U64(wf_act_prob_cut(NAN), 0);
	WF_TEST_ASSERT_EQUAL_U64(wf_act_prob_cut(1), UINT64_MAX);
	WF_TEST_ASSERT_EQUAL_U64(wf_act_prob_cut(2), UINT64_MAX);
	WF_TEST_ASSERT_EQUAL_U64(wf_act_prob_cut(0.5), UINT64_C(1) << 63);
	WF_TEST_ASSERT_EQUAL_U64(wf_act_prob_cut(0.25), UINT64_C(1) << 62);
	WF_TEST_ASSERT_EQUAL_U64(wf_act_prob_cut(0x1p-64), 1);
	WF_TEST_ASSERT_EQUAL_U64(wf_act_prob_cut(0x1p-70), 0);
	/* the largest double below 1 is not "always" */
	WF_TEST_ASSERT_EQUAL_U64(wf_act_prob_cut(1 - DBL_EPSILON / 2),
			UINT64_MAX - 2047);
	return 0;
}

static int
test_random(void)
{
	struct wf_act_worker a, b, c, z;
	unsigned int i, same = 0;
	uint64_t x, y;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	wf_act_worker_seed(&a, 7, 0);
	wf_act_worker_seed(&b, 7, 0);
	wf_act_worker_seed(&c, 7, 1);
	for (i = 0; i < 1000; i++) {
		x = wf_act_random(&a);
		WF_TEST_ASSERT_EQUAL_U64(x, wf_act_random(&b), "draw %u", i);
		y = wf_act_random(&c);
		same += x == y;
	}
	WF_TEST_ASSERT_EQUAL(same, 0, "worker 1 repeats worker 0");
	/* any seed, 0 included, and any index give a live generator */
	for (i = 0; i < 64; i++) {
		wf_act_worker_seed(&a, 0, i);
		WF_TEST_ASSERT(a.rng != 0, "index %u", i);
		wf_act_worker_seed(&a, UINT64_MAX, i);
		WF_TEST_ASSERT(a.rng != 0, "index %u", i);
	}
	wf_act_worker_seed(&a, 1, 0);
	wf_act_worker_seed(&b, 2, 0);
	WF_TEST_ASSERT(a.rng != b.rng);
	/* a state never seeded does not stick at zero */
	memset(&z, 0, sizeof(z));
	x = wf_act_random(&z);
	WF_TEST_ASSERT(x != 0 && z.rng != 0);
	WF_TEST_ASSERT(wf_act_random(&z) != x);
	return 0;
}

/* ---- drop decisions ---- */

static int
drop_action(const char *words, struct wf_action *a)
{
	char err[ERR_LEN];

	WF_TEST_ASSERT_SUCCESS(parse_line("drop", words, a, err), "%s: %s",
			words, err);
	return 0;
}

/* Bits 1..n: which of @p n packets (1-based) were dropped. */
static uint64_t
drop_run(const struct wf_action *a, uint32_t rule_id,
		struct wf_act_slots *slots, uint8_t dir,
		struct wf_act_worker *w, unsigned int n)
{
	const struct wf_act_pkt p = { .seq = 1, .payload_len = 100, .dir = dir };
	uint64_t dropped = 0;
	unsigned int i;

	for (i = 1; i <= n; i++)
		if (wf_act_drop_decide(a, rule_id, slots, &p, w) ==
				WF_ACT_DROPPED)
			dropped |= UINT64_C(1) << i;
	return dropped;
}

#define BIT(i) (UINT64_C(1) << (i))

static int
test_drop_nth_count(void)
{
	struct wf_act_slots s1, s2;
	struct wf_act_worker w;
	struct wf_action a;
	const struct wf_act_pkt p[2] = {
		{ .payload_len = 10, .dir = 0 }, { .payload_len = 10, .dir = 1 },
	};
	uint64_t d[2][2] = { { 0 } };
	unsigned int i, k;

	WF_TEST_ASSERT_SUCCESS(drop_action("nth 3 count 2", &a));
	memset(&s1, 0, sizeof(s1));
	memset(&w, 0, sizeof(w));
	wf_act_worker_seed(&w, 0, 0);
	WF_TEST_ASSERT_EQUAL_U64(drop_run(&a, 1, &s1, 0, &w, 10),
			BIT(3) | BIT(4));
	WF_TEST_ASSERT_EQUAL(s1.slot[0].n, 10);
	WF_TEST_ASSERT_EQUAL(s1.slot[0].tag, 1 << 1 | 0);

	/* directions and rules each count on their own: 3 slots taken */
	memset(&s1, 0, sizeof(s1));
	memset(&s2, 0, sizeof(s2));
	for (i = 1; i <= 10; i++)
		for (k = 0; k < 2; k++) {
			if (wf_act_drop_decide(&a, 1, &s1, &p[k], &w) ==
					WF_ACT_DROPPED)
				d[0][k] |= BIT(i);
			if (k == 0 && wf_act_drop_decide(&a, 2, &s1, &p[k], &w)
					== WF_ACT_DROPPED)
				d[1][k] |= BIT(i);
		}
	WF_TEST_ASSERT_EQUAL_U64(d[0][0], BIT(3) | BIT(4), "rule 1 dir 0");
	WF_TEST_ASSERT_EQUAL_U64(d[0][1], BIT(3) | BIT(4), "rule 1 dir 1");
	WF_TEST_ASSERT_EQUAL_U64(d[1][0], BIT(3) | BIT(4), "rule 2 dir 0");
	/* a fourth (rule, direction) finds no slot */
	WF_TEST_ASSERT_EQUAL(wf_act_drop_decide(&a, 2, &s1, &p[1], &w),
			WF_ACT_NO_SLOT);

	/* two flows: each its own count */
	memset(&s1, 0, sizeof(s1));
	WF_TEST_ASSERT_EQUAL_U64(drop_run(&a, 1, &s1, 0, &w, 2), 0);
	WF_TEST_ASSERT_EQUAL_U64(drop_run(&a, 1, &s2, 0, &w, 5),
			BIT(3) | BIT(4));
	WF_TEST_ASSERT_EQUAL_U64(drop_run(&a, 1, &s1, 0, &w, 3), BIT(1) | BIT(2),
			"flow 1 went on from its own third packet");

	/* no flow: one counter per worker and rule */
	memset(&w, 0, sizeof(w));
	WF_TEST_ASSERT_EQUAL_U64(drop_run(&a, 1, NULL, 0, &w, 10),
			BIT(3) | BIT(4));
	WF_TEST_ASSERT_EQUAL(w.n, 10);

	WF_TEST_ASSERT_SUCCESS(drop_action("count 2", &a));
	memset(&s1, 0, sizeof(s1));
	WF_TEST_ASSERT_EQUAL_U64(drop_run(&a, 1, &s1, 1, &w, 10),
			BIT(1) | BIT(2));
	WF_TEST_ASSERT_SUCCESS(drop_action("nth 5", &a));
	memset(&s1, 0, sizeof(s1));
	WF_TEST_ASSERT_EQUAL_U64(drop_run(&a, 1, &s1, 1, &w, 10), BIT(5));
	return 0;
}

static int
test_drop_no_slot(void)
{
	const struct wf_act_pkt p = { .payload_len = 10, .dir = 0 };
	struct wf_act_slots s, before;
	struct wf_act_worker w;
	struct wf_action a;
	uint64_t rng;
	unsigned int k;

	memset(&s, 0, sizeof(s));
	for (k = 0; k < WF_ACT_SLOTS; k++)
		s.slot[k] = (struct wf_act_slot){ .tag = (5 + k) << 1, .n = 9 };
	before = s;
	wf_act_worker_seed(&w, 3, 0);
	rng = w.rng;
	WF_TEST_ASSERT_SUCCESS(drop_action("nth 1 prob 1", &a));
	WF_TEST_ASSERT_EQUAL(wf_act_drop_decide(&a, 1, &s, &p, &w),
			WF_ACT_NO_SLOT);
	WF_TEST_ASSERT(memcmp(&s, &before, sizeof(s)) == 0, "slots changed");
	/* the caller retries after a prune: the draw must still be unmade */
	WF_TEST_ASSERT_EQUAL_U64(w.rng, rng, "NO_SLOT drew a random");
	WF_TEST_ASSERT_SUCCESS(drop_action("every 1", &a));
	WF_TEST_ASSERT_EQUAL(wf_act_drop_decide(&a, 1, &s, &p, &w),
			WF_ACT_NO_SLOT);
	/* the rule's own slot is found even when the others are full */
	WF_TEST_ASSERT_EQUAL(wf_act_drop_decide(&a, 6, &s, &p, &w),
			WF_ACT_DROPPED);
	WF_TEST_ASSERT_EQUAL(s.slot[1].n, 10);
	/* nothing to count: no slot needed */
	WF_TEST_ASSERT_SUCCESS(drop_action("", &a));
	WF_TEST_ASSERT_EQUAL(wf_act_drop_decide(&a, 1, &s, &p, &w),
			WF_ACT_DROPPED);
	WF_TEST_ASSERT_SUCCESS(drop_action("prob 1", &a));
	WF_TEST_ASSERT_EQUAL(wf_act_drop_decide(&a, 1, &s, &p, &w),
			WF_ACT_DROPPED);
	/* a freed slot is claimed again, first free first */
	s.slot[1].tag = 0;
	WF_TEST_ASSERT_SUCCESS(drop_action("nth 2", &a));
	WF_TEST_ASSERT_EQUAL(wf_act_drop_decide(&a, 1, &s, &p, &w),
			WF_ACT_KEEP);
	WF_TEST_ASSERT_EQUAL(s.slot[1].tag, 1 << 1);
	WF_TEST_ASSERT_EQUAL(s.slot[1].n, 1, "a claimed slot starts at 0");
	return 0;
}

static int
test_drop_every(void)
{
	struct wf_act_slots s;
	struct wf_act_worker w;
	struct wf_action a;

	memset(&w, 0, sizeof(w));
	memset(&s, 0, sizeof(s));
	WF_TEST_ASSERT_SUCCESS(drop_action("every 3", &a));
	WF_TEST_ASSERT_EQUAL_U64(drop_run(&a, 4, &s, 0, &w, 10),
			BIT(3) | BIT(6) | BIT(9));
	/* both conditions: packets 2..7, the even ones */
	memset(&s, 0, sizeof(s));
	WF_TEST_ASSERT_SUCCESS(drop_action("nth 2 count 6 every 2", &a));
	WF_TEST_ASSERT_EQUAL_U64(drop_run(&a, 4, &s, 0, &w, 12),
			BIT(2) | BIT(4) | BIT(6));
	memset(&s, 0, sizeof(s));
	WF_TEST_ASSERT_SUCCESS(drop_action("every 1", &a));
	WF_TEST_ASSERT_EQUAL_U64(drop_run(&a, 4, &s, 0, &w, 5),
			BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5));
	return 0;
}

/* At 2^32 - 1 packets the counter stops; later packets have no index. */
static int
test_drop_saturates(void)
{
	const struct wf_act_pkt p = { .payload_len = 1 };
	struct wf_act_slots s;
	struct wf_act_worker w;
	struct wf_action a;

	memset(&w, 0, sizeof(w));
	WF_TEST_ASSERT_SUCCESS(drop_action(
			"nth 4294967294 count 4294967295", &a));
	memset(&s, 0, sizeof(s));
	s.slot[0] = (struct wf_act_slot){ .tag = 1 << 1, .n = UINT32_MAX - 3 };
	WF_TEST_ASSERT_EQUAL(wf_act_drop_decide(&a, 1, &s, &p, &w),
			WF_ACT_KEEP);                    /* 2^32 - 3 */
	WF_TEST_ASSERT_EQUAL(wf_act_drop_decide(&a, 1, &s, &p, &w),
			WF_ACT_DROPPED);                 /* 2^32 - 2 */
	WF_TEST_ASSERT_EQUAL(wf_act_drop_decide(&a, 1, &s, &p, &w),
			WF_ACT_DROPPED);                 /* 2^32 - 1 */
	WF_TEST_ASSERT_EQUAL(s.slot[0].n, UINT32_MAX);
	WF_TEST_ASSERT_EQUAL(wf_act_drop_decide(&a, 1, &s, &p, &w),
			WF_ACT_KEEP, "past the counter");
	WF_TEST_ASSERT_EQUAL(s.slot[0].n, UINT32_MAX, "wrapped");
	WF_TEST_ASSERT_SUCCESS(drop_action("every 1", &a));
	WF_TEST_ASSERT_EQUAL(wf_act_drop_decide(&a, 1, &s, &p, &w),
			WF_ACT_KEEP);
	w.n = UINT32_MAX;
	WF_TEST_ASSERT_EQUAL(wf_act_drop_decide(&a, 1, NULL, &p, &w),
			WF_ACT_KEEP);
	WF_TEST_ASSERT_EQUAL(w.n, UINT32_MAX);
	return 0;
}

static int
test_drop_prob(void)
{
	struct wf_act_worker w, w2;
	struct wf_action a, b;
	unsigned int i, dropped = 0, differ = 0;
	uint64_t d1, d2;

	memset(&w, 0, sizeof(w));
	wf_act_worker_seed(&w, 7, 0);
	WF_TEST_ASSERT_SUCCESS(drop_action("prob 0", &a));
	for (i = 0; i < 10000; i++)
		WF_TEST_ASSERT_EQUAL(drop_run(&a, 1, NULL, 0, &w, 1), 0);
	WF_TEST_ASSERT_SUCCESS(drop_action("prob 1", &a));
	for (i = 0; i < 10000; i++)
		WF_TEST_ASSERT_EQUAL_U64(drop_run(&a, 1, NULL, 0, &w, 1), BIT(1));

	WF_TEST_ASSERT_SUCCESS(drop_action("prob 0.5", &a));
	wf_act_worker_seed(&w, 7, 0);
	for (i = 0; i < 100000; i++)
		dropped += drop_run(&a, 1, NULL, 0, &w, 1) != 0;
	WF_TEST_ASSERT(dropped >= 49000 && dropped <= 51000, "%u of 100000",
			dropped);

	/* a seed replays; another worker index draws another stream */
	wf_act_worker_seed(&w, 7, 0);
	wf_act_worker_seed(&w2, 7, 0);
	for (i = 0; i < 100; i++)
		WF_TEST_ASSERT_EQUAL_U64(drop_run(&a, 1, NULL, 0, &w, 60),
				drop_run(&a, 1, NULL, 0, &w2, 60), "run %u", i);
	wf_act_worker_seed(&w, 7, 0);
	wf_act_worker_seed(&w2, 7, 1);
	for (i = 0; i < 100; i++) {
		d1 = drop_run(&a, 1, NULL, 0, &w, 60);
		d2 = drop_run(&a, 1, NULL, 0, &w2, 60);
		differ += d1 != d2;
	}
	WF_TEST_ASSERT(differ > 90, "worker 1 decided as worker 0: %u", differ);

	/* one draw per matching packet, whatever the other conditions say */
	WF_TEST_ASSERT_SUCCESS(drop_action("nth 5 every 2 prob 0.5", &b));
	wf_act_worker_seed(&w, 9, 0);
	wf_act_worker_seed(&w2, 9, 0);
	w.n = 0;
	drop_run(&a, 1, NULL, 0, &w, 17);
	drop_run(&b, 1, NULL, 0, &w2, 17);
	WF_TEST_ASSERT_EQUAL_U64(w.rng, w2.rng);
	return 0;
}

/* ---- drop seg ---- */

struct seg_step {
	uint32_t seq;
	uint32_t len;
	bool retrans;
	uint8_t dir;
	enum wf_act_decision want;
	const char *why;
};

static int
seg_run(const char *words, struct wf_act_slots *s, const struct seg_step *st,
		unsigned int n)
{
	struct wf_action a;
	unsigned int i;

	WF_TEST_ASSERT_SUCCESS(drop_action(words, &a));
	WF_TEST_ASSERT_EQUAL(a.kind, WF_ACT_DROP_SEG);
	for (i = 0; i < n; i++) {
		const struct wf_act_pkt p = { .seq = st[i].seq,
			.payload_len = st[i].len, .retrans = st[i].retrans,
			.dir = st[i].dir };

		WF_TEST_ASSERT_EQUAL(wf_act_seg_decide(&a, 3, s, &p),
				st[i].want, "%s: step %u (%s)", words, i,
				st[i].why);
	}
	return 0;
}

#define K WF_ACT_KEEP
#define D WF_ACT_DROPPED

static int
test_seg(void)
{
	static const struct seg_step times3[] = {
		{ 1000, 100, false, 0, K, "segment 1" },
		{ 1100, 0, false, 0, K, "pure ACK: not a segment" },
		{ 1100, 100, false, 0, D, "segment 2" },
		{ 5000, 100, false, 1, K, "segment 1 of the other direction" },
		{ 1200, 100, false, 0, K, "segment 3" },
		{ 1100, 100, true, 0, D, "retransmission 1 of segment 2" },
		{ 1000, 100, true, 0, K, "retransmission of segment 1" },
		{ 1100, 0, true, 0, K, "no payload at segment 2's seq" },
		{ 1100, 100, true, 0, D, "retransmission 2: third drop" },
		{ 1100, 100, true, 0, K, "retransmission 3: done" },
		{ 1300, 100, false, 0, K, "segment 4" },
		{ 5100, 100, false, 1, D, "segment 2 of the other direction" },
		{ 1100, 100, true, 0, K, "retransmission 4" },
	};
	static const struct seg_step retrans_first[] = {
		{ 1000, 100, false, 0, K, "segment 1" },
		{ 1000, 100, true, 0, K, "its retransmission is not segment 2" },
		{ 1100, 50, false, 0, D, "segment 2" },
		{ 1100, 100, false, 0, K, "times 1: no more" },
		{ 1150, 50, false, 0, K, "segment 3" },
	};
	static const struct seg_step first[] = {
		{ 7, 1, false, 0, D, "segment 1" },
		{ 7, 1, false, 0, D, "same seq, not flagged retrans" },
		{ 8, 1, false, 0, K, "segment 2" },
	};
	const struct wf_act_pkt p = { .seq = 1, .payload_len = 1 };
	struct wf_act_slots s;
	struct wf_action a;
	unsigned int k;

	memset(&s, 0, sizeof(s));
	WF_TEST_ASSERT_SUCCESS(seg_run("seg 2 times 3", &s, times3,
			NB(times3)));
	memset(&s, 0, sizeof(s));
	WF_TEST_ASSERT_SUCCESS(seg_run("seg 2", &s, retrans_first,
			NB(retrans_first)));
	memset(&s, 0, sizeof(s));
	WF_TEST_ASSERT_SUCCESS(seg_run("seg 1 times 2", &s, first, NB(first)));

	/* no flow: nothing to count in */
	WF_TEST_ASSERT_SUCCESS(drop_action("seg 1", &a));
	WF_TEST_ASSERT_EQUAL(wf_act_seg_decide(&a, 3, NULL, &p), WF_ACT_KEEP);
	/* full slots */
	for (k = 0; k < WF_ACT_SLOTS; k++)
		s.slot[k] = (struct wf_act_slot){ .tag = (10 + k) << 1 };
	WF_TEST_ASSERT_EQUAL(wf_act_seg_decide(&a, 3, &s, &p), WF_ACT_NO_SLOT);
	return 0;
}

/* N and R at 2^32 - 1: the counter caps, it never wraps. */
static int
test_seg_limits(void)
{
	static const struct seg_step big[] = {
		{ 10, 5, false, 0, D, "segment 2^32 - 1" },
		{ 10, 5, true, 0, K, "no room to count a second drop" },
		{ 15, 5, false, 0, K, "segment 2^32" },
		{ 10, 5, true, 0, K, "still not" },
	};
	static const struct seg_step many[] = {
		{ 10, 5, false, 0, D, "segment 1" },
		{ 10, 5, true, 0, D, "2" },
		{ 10, 5, true, 0, D, "3" },
		{ 15, 5, false, 0, K, "segment 2" },
		{ 10, 5, true, 0, D, "4" },
	};
	struct wf_act_slots s;

	memset(&s, 0, sizeof(s));
	s.slot[0] = (struct wf_act_slot){ .tag = 3 << 1, .n = UINT32_MAX - 1 };
	WF_TEST_ASSERT_SUCCESS(seg_run("seg 4294967295 times 4294967295", &s,
			big, NB(big)));
	WF_TEST_ASSERT_EQUAL(s.slot[0].n, UINT32_MAX);
	memset(&s, 0, sizeof(s));
	WF_TEST_ASSERT_SUCCESS(seg_run("seg 1 times 4294967295", &s, many,
			NB(many)));
	return 0;
}

#undef K
#undef D

static bool
keep_even(uint32_t rule_id, void *ctx)
{
	unsigned int *calls = ctx;

	(*calls)++;
	return rule_id % 2 == 0;
}

static int
test_prune(void)
{
	struct wf_act_slots s;
	unsigned int calls = 0;

	memset(&s, 0, sizeof(s));
	s.slot[0] = (struct wf_act_slot){ .tag = 1 << 1, .n = 3, .seq = 9 };
	s.slot[1] = (struct wf_act_slot){ .tag = 2 << 1 | 1, .n = 4, .seq = 8 };
	s.slot[2] = (struct wf_act_slot){ .tag = 3 << 1 | 1, .n = 5 };
	wf_act_slots_prune(&s, keep_even, &calls);
	WF_TEST_ASSERT_EQUAL(calls, 3);
	WF_TEST_ASSERT(s.slot[0].tag == 0 && s.slot[0].n == 0 &&
			s.slot[0].seq == 0);
	WF_TEST_ASSERT(s.slot[1].tag == (2 << 1 | 1) && s.slot[1].n == 4 &&
			s.slot[1].seq == 8);
	WF_TEST_ASSERT(s.slot[2].tag == 0 && s.slot[2].n == 0);
	/* free slots are not asked about */
	calls = 0;
	wf_act_slots_prune(&s, keep_even, &calls);
	WF_TEST_ASSERT_EQUAL(calls, 1);
	wf_act_slots_prune(NULL, keep_even, &calls);
	return 0;
}

/* ---- reset: the RSTs ---- */

#define FRAME_MAX 1600

struct fspec {
	const char *why;
	uint8_t family;
	uint8_t nb_vlan;
	uint8_t proto;
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t len;
};

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t v4_a[4] = { 198, 18, 0, 1 }, v4_b[4] = { 198, 19, 0, 2 };
static const uint8_t v6_a[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t v6_b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, [15] = 2 };
static const uint16_t vlan_tpid[2] = { 0x88a8, 0x8100 };
static const uint16_t vlan_tci[2] = { 0x0064, 0x2005 };
#define PORT_A 40000
#define PORT_B 80

static void
be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
be32(uint8_t *p, uint32_t v)
{
	be16(p, (uint16_t)(v >> 16));
	be16(p + 2, (uint16_t)v);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

/* A frame from A to B as specified; its length. */
static uint32_t
build_frame(uint8_t *f, const struct fspec *s)
{
	uint32_t off = 12, iphl = s->family == 4 ? 20 : 40, l4len, tot, i;
	uint8_t *ip, *l4;

	memset(f, 0, FRAME_MAX);
	memcpy(f, mac_b, 6);
	memcpy(f + 6, mac_a, 6);
	for (i = 0; i < s->nb_vlan; i++) {
		be16(f + off, vlan_tpid[i + (s->nb_vlan == 1)]);
		be16(f + off + 2, vlan_tci[i]);
		off += 4;
	}
	be16(f + off, s->family == 4 ? 0x0800 : 0x86dd);
	ip = f + off + 2;
	l4 = ip + iphl;
	l4len = (s->proto == 6 ? 20 : 8) + s->len;
	tot = iphl + l4len;
	if (s->family == 4) {
		ip[0] = 0x45;
		be16(ip + 2, (uint16_t)tot);
		ip[8] = 50;
		ip[9] = s->proto;
		memcpy(ip + 12, v4_a, 4);
		memcpy(ip + 16, v4_b, 4);
	} else {
		ip[0] = 0x60;
		be16(ip + 4, (uint16_t)l4len);
		ip[6] = s->proto;
		ip[7] = 50;
		memcpy(ip + 8, v6_a, 16);
		memcpy(ip + 24, v6_b, 16);
	}
	be16(l4, PORT_A);
	be16(l4 + 2, PORT_B);
	if (s->proto == 6) {
		be32(l4 + 4, s->seq);
		be32(l4 + 8, s->ack);
		l4[12] = 5 << 4;
		l4[13] = s->flags;
		be16(l4 + 14, 501);
	} else {
		be16(l4 + 4, (uint16_t)l4len);
	}
	memset(l4 + l4len - s->len, 0x5a, s->len);
	return (uint32_t)(l4 + l4len - f);
}

/*
 * The Internet checksum as a receiver checks it: the sum over the data,
 * checksum field included, is 0xffff. Written apart from the library's:
 * the pseudo-header is laid out in a buffer, words summed in 64 bits.
 */
static uint16_t
sum16(const uint8_t *p, uint32_t n)
{
	uint64_t sum = 0;
	uint32_t i;

	for (i = 0; i < n; i += 2)
		sum += (uint64_t)p[i] * 256 + (i + 1 < n ? p[i + 1] : 0);
	while (sum > 0xffff)
		sum = (sum >> 16) + (sum & 0xffff);
	return (uint16_t)sum;
}

static uint16_t
tcp_sum(const uint8_t *ip, int family, const uint8_t *tcp, uint32_t tcp_len)
{
	uint8_t b[40 + 60];
	uint32_t n;

	memset(b, 0, sizeof(b));
	if (family == 4) {
		memcpy(b, ip + 12, 8);
		b[9] = 6;
		be16(b + 10, (uint16_t)tcp_len);
		n = 12;
	} else {
		memcpy(b, ip + 8, 32);
		be32(b + 32, tcp_len);
		b[39] = 6;
		n = 40;
	}
	memcpy(b + n, tcp, tcp_len);
	return sum16(b, n + tcp_len);
}

static const struct fspec rst_cases[] = {
	{ "v4 data", 4, 0, 6, WF_TCP_PSH | WF_TCP_ACK, 1000, 5000, 100 },
	{ "v6 data", 6, 0, 6, WF_TCP_PSH | WF_TCP_ACK, 0xfffffff0, 7, 100 },
	{ "v4 one tag", 4, 1, 6, WF_TCP_ACK, 123456, 654321, 0 },
	{ "v6 two tags", 6, 2, 6, WF_TCP_ACK, 42, 4242, 1 },
	{ "v4 two tags fin", 4, 2, 6, WF_TCP_FIN | WF_TCP_ACK, 9, 99, 10 },
	{ "v4 syn", 4, 0, 6, WF_TCP_SYN, 0x80000000, 0, 0 },
	{ "v6 one tag syn", 6, 1, 6, WF_TCP_SYN, UINT32_MAX, 0, 0 },
	{ "v4 synack", 4, 0, 6, WF_TCP_SYN | WF_TCP_ACK, 300, 101, 0 },
};

/* The expected seq, ack and flags of one RST. */
static void
rst_expect(const struct fspec *s, bool to_sender, uint32_t *seq,
		uint32_t *ack, uint8_t *flags)
{
	bool has_ack = s->flags & WF_TCP_ACK;
	uint32_t end = s->seq + s->len + !!(s->flags & WF_TCP_SYN) +
		!!(s->flags & WF_TCP_FIN);

	if (!to_sender) {
		*seq = s->seq;
		*ack = has_ack ? s->ack : 0;
		*flags = has_ack ? WF_TCP_RST | WF_TCP_ACK : WF_TCP_RST;
	} else {
		*seq = has_ack ? s->ack : 0;
		*ack = end;
		*flags = WF_TCP_RST | WF_TCP_ACK;
	}
}

static int
rst_check(const struct fspec *s, const uint8_t *f, uint32_t flen,
		bool to_sender)
{
	const uint32_t iphl = s->family == 4 ? 20 : 40;
	const uint8_t *asrc = s->family == 4 ? v4_a : v6_a;
	const uint8_t *adst = s->family == 4 ? v4_b : v6_b;
	const uint32_t alen = s->family == 4 ? 4 : 16;
	uint8_t out[WF_ACT_RST_MAX], flags;
	struct wf_pkt p, q;
	uint32_t len, seq, ack, i;
	const uint8_t *ip, *tcp;

	WF_TEST_ASSERT_EQUAL(wf_pkt_parse(f, flen, flen, 0, &p),
			WF_PKT_CLASSIFY, "%s: the input", s->why);
	len = wf_act_rst_build(f, &p, to_sender, out, sizeof(out));
	WF_TEST_ASSERT_EQUAL(len, 14 + 4 * s->nb_vlan + iphl + 20, "%s",
			s->why);
	/* exactly the room it needs, and not a byte less */
	WF_TEST_ASSERT_EQUAL(wf_act_rst_build(f, &p, to_sender, out, len),
			len, "%s", s->why);
	WF_TEST_ASSERT_EQUAL(wf_act_rst_build(f, &p, to_sender, out, len - 1),
			0, "%s", s->why);

	WF_TEST_ASSERT_EQUAL(wf_pkt_parse(out, len, len, 0, &q),
			WF_PKT_CLASSIFY, "%s: reason %s", s->why,
			wf_pkt_reason_name(q.reason));
	WF_TEST_ASSERT(memcmp(out, to_sender ? mac_a : mac_b, 6) == 0,
			"%s: dst MAC", s->why);
	WF_TEST_ASSERT(memcmp(out + 6, to_sender ? mac_b : mac_a, 6) == 0,
			"%s: src MAC", s->why);
	WF_TEST_ASSERT_EQUAL(q.nb_vlan, s->nb_vlan, "%s", s->why);
	for (i = 0; i < s->nb_vlan; i++)
		WF_TEST_ASSERT_EQUAL(q.vlan_tci[i], vlan_tci[i], "%s", s->why);
	WF_TEST_ASSERT(memcmp(out + 12, f + 12, p.l3_off - 12) == 0,
			"%s: tags and ethertype", s->why);
	WF_TEST_ASSERT_EQUAL(q.family, s->family, "%s", s->why);
	WF_TEST_ASSERT_EQUAL(q.proto, 6, "%s", s->why);
	WF_TEST_ASSERT(memcmp(q.src, to_sender ? adst : asrc, alen) == 0,
			"%s: src", s->why);
	WF_TEST_ASSERT(memcmp(q.dst, to_sender ? asrc : adst, alen) == 0,
			"%s: dst", s->why);
	WF_TEST_ASSERT_EQUAL(q.sport, to_sender ? PORT_B : PORT_A, "%s",
			s->why);
	WF_TEST_ASSERT_EQUAL(q.dport, to_sender ? PORT_A : PORT_B, "%s",
			s->why);
	rst_expect(s, to_sender, &seq, &ack, &flags);
	WF_TEST_ASSERT_EQUAL(q.tcp_flags, flags, "%s", s->why);
	WF_TEST_ASSERT_EQUAL_U64(q.seq, seq, "%s", s->why);
	WF_TEST_ASSERT_EQUAL_U64(q.ack, ack, "%s", s->why);
	WF_TEST_ASSERT_EQUAL(q.tcp_hlen, 20, "%s", s->why);
	WF_TEST_ASSERT_EQUAL(q.tcp_win, 0, "%s", s->why);
	WF_TEST_ASSERT_EQUAL(q.payload_len, 0, "%s", s->why);
	WF_TEST_ASSERT_EQUAL(q.notes, 0, "%s", s->why);

	ip = out + q.l3_off;
	tcp = out + q.l4_off;
	if (s->family == 4) {
		static const uint8_t want[10] = {
			0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6,
		};
		WF_TEST_ASSERT(memcmp(ip, want, sizeof(want)) == 0,
				"%s: IPv4 header", s->why);
		WF_TEST_ASSERT_EQUAL(sum16(ip, 20), 0xffff, "%s: IP csum",
				s->why);
	} else {
		static const uint8_t want[8] = { 0x60, 0, 0, 0, 0, 20, 6, 64 };
		WF_TEST_ASSERT(memcmp(ip, want, sizeof(want)) == 0,
				"%s: IPv6 header", s->why);
	}
	WF_TEST_ASSERT(tcp[16] != 0 || tcp[17] != 0, "%s: TCP csum unset",
			s->why);
	WF_TEST_ASSERT_EQUAL(tcp_sum(ip, s->family, tcp, 20), 0xffff,
			"%s: TCP csum", s->why);
	WF_TEST_ASSERT_EQUAL(get32(tcp + 4), seq, "%s", s->why);
	WF_TEST_ASSERT_EQUAL(tcp[18] | tcp[19], 0, "%s: urgent", s->why);
	return 0;
}

static int
test_rst(void)
{
	uint8_t f[FRAME_MAX];
	unsigned int i;
	uint32_t flen;

	for (i = 0; i < NB(rst_cases); i++) {
		flen = build_frame(f, &rst_cases[i]);
		WF_TEST_ASSERT_SUCCESS(rst_check(&rst_cases[i], f, flen, false));
		WF_TEST_ASSERT_SUCCESS(rst_check(&rst_cases[i], f, flen, true));
	}
	return 0;
}

static int
test_rst_refused(void)
{
	static const struct fspec udp = { "udp", 4, 0, 17, 0, 0, 0, 10 };
	static const struct fspec v6_2 = { "v6 2 tags", 6, 2, 6, WF_TCP_ACK,
		1, 2, 0 };
	uint8_t f[FRAME_MAX], out[WF_ACT_RST_MAX + 8];
	struct wf_pkt p;
	uint32_t flen;

	flen = build_frame(f, &udp);
	WF_TEST_ASSERT_EQUAL(wf_pkt_parse(f, flen, flen, 0, &p),
			WF_PKT_CLASSIFY);
	WF_TEST_ASSERT_EQUAL(wf_act_rst_build(f, &p, false, out, sizeof(out)),
			0);
	WF_TEST_ASSERT_EQUAL(wf_act_rst_build(f, &p, true, out, sizeof(out)),
			0);
	/* the largest RST is WF_ACT_RST_MAX */
	flen = build_frame(f, &v6_2);
	WF_TEST_ASSERT_EQUAL(wf_pkt_parse(f, flen, flen, 0, &p),
			WF_PKT_CLASSIFY);
	WF_TEST_ASSERT_EQUAL(wf_act_rst_build(f, &p, true, out, sizeof(out)),
			WF_ACT_RST_MAX);
	WF_TEST_ASSERT_EQUAL(wf_act_rst_build(f, &p, true, out, 0), 0);
	return 0;
}

static const struct wf_test_case cases[] = {
	WF_TEST(test_registry),
	WF_TEST(test_parse_format),
	WF_TEST(test_log_path_limits),
	WF_TEST(test_parse_errors),
	WF_TEST(test_prob_text),
	WF_TEST(test_prob_cut),
	WF_TEST(test_random),
	WF_TEST(test_drop_nth_count),
	WF_TEST(test_drop_no_slot),
	WF_TEST(test_drop_every),
	WF_TEST(test_drop_saturates),
	WF_TEST(test_drop_prob),
	WF_TEST(test_seg),
	WF_TEST(test_seg_limits),
	WF_TEST(test_prune),
	WF_TEST(test_rst),
	WF_TEST(test_rst_refused),
};

WF_TEST_MAIN("action", cases)
