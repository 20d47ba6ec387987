/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * drop [nth N] [count J] [every K] [prob P] | drop seg N [times R]
 *
 * Without modifiers every matching packet is dropped. The modifiers are
 * conditions that must all hold; nth/count and every count the matching
 * packets of each flow and direction (recipe 1: the same n-th packet of
 * every connection), prob draws from the worker's seeded generator. The
 * seg form is decided in wf_act_seg.c; both forms share the word, so they
 * share this parser and printer.
 */

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "wf_num.h"
#include "wf_act_private.h"

/* Words of the seg form, next to the WF_DROP_* bits in one mask. */
#define DROP_W_SEG   0x10
#define DROP_W_TIMES 0x20
#define DROP_W_MODS (WF_DROP_NTH | WF_DROP_COUNT | WF_DROP_EVERY | WF_DROP_PROB)
#define DROP_W_WINDOW (WF_DROP_NTH | WF_DROP_COUNT)
/* the modifiers that need a per-flow counter */
#define DROP_COUNTING (WF_DROP_NTH | WF_DROP_COUNT | WF_DROP_EVERY)

static const struct drop_word {
	const char *word;
	unsigned int bit;
	const char *what;      /* how the error calls its value */
	size_t off;            /* its uint32_t field (not prob) */
} drop_words[] = {
	{ "nth", WF_DROP_NTH, "packet index", offsetof(struct wf_action, nth) },
	{ "count", WF_DROP_COUNT, "packet count",
		offsetof(struct wf_action, count) },
	{ "every", WF_DROP_EVERY, "packet interval",
		offsetof(struct wf_action, every) },
	{ "prob", WF_DROP_PROB, "probability", 0 },
	{ "seg", DROP_W_SEG, "segment index", offsetof(struct wf_action, seg) },
	{ "times", DROP_W_TIMES, "repeat count",
		offsetof(struct wf_action, times) },
};

static const struct drop_word *
drop_word_find(const char *w)
{
	unsigned int k;

	for (k = 0; k < sizeof(drop_words) / sizeof(drop_words[0]); k++)
		if (strcmp(drop_words[k].word, w) == 0)
			return &drop_words[k];
	return NULL;
}

static int
drop_arg_prob(int argc, char *const argv[], int *i, struct wf_action *a,
		char *err, size_t err_len)
{
	char echo[WF_ACT_ECHO_SIZE];
	const char *v;

	if (*i + 1 >= argc) {
		wf_act_err(err, err_len, "prob: needs a value");
		return -EINVAL;
	}
	v = argv[++*i];
	/* decimal digits only: nan, inf, 1e309 and signs never get here */
	if (wf_num_double(v, 0.0, 1.0, &a->prob) != 0) {
		wf_act_err(err, err_len, "prob: %s is not a probability (0-1)",
				wf_act_echo(v, echo));
		return -EINVAL;
	}
	return 0;
}

/* Fill the fields the words left unset, so equal meaning gives equal bytes. */
static int
drop_finish(unsigned int given, struct wf_action *a, char *err,
		size_t err_len)
{
	if (given & (DROP_W_SEG | DROP_W_TIMES)) {
		if (!(given & DROP_W_SEG)) {
			wf_act_err(err, err_len, "times: only with seg N");
			return -EINVAL;
		}
		if (given & DROP_W_MODS) {
			wf_act_err(err, err_len, "seg: cannot be combined with "
					"nth, count, every or prob");
			return -EINVAL;
		}
		a->kind = WF_ACT_DROP_SEG;
		if (!(given & DROP_W_TIMES))
			a->times = 1;
		return 0;
	}
	/*
	 * nth and count are one window: either alone implies the other
	 * (nth 1, count 1), and both bits are set so that the printed form,
	 * which names both, parses back to the same bytes.
	 */
	if (given & DROP_W_WINDOW) {
		if (!(given & WF_DROP_NTH))
			a->nth = 1;
		if (!(given & WF_DROP_COUNT))
			a->count = 1;
		given |= DROP_W_WINDOW;
	}
	if (given & WF_DROP_PROB)
		a->prob_cut = wf_act_prob_cut(a->prob);
	a->drop_mods = (uint8_t)(given & DROP_W_MODS);
	return 0;
}

static int
drop_parse(int argc, char *const argv[], struct wf_action *a,
		char *err, size_t err_len)
{
	char echo[WF_ACT_ECHO_SIZE];
	const struct drop_word *dw;
	unsigned int given = 0;
	int i, ret;

	a->kind = WF_ACT_DROP;
	for (i = 0; i < argc; i++) {
		dw = drop_word_find(argv[i]);
		if (dw == NULL) {
			wf_act_err(err, err_len, "drop: unknown word '%s' "
					"(nth, count, every, prob, seg)",
					wf_act_echo(argv[i], echo));
			return -EINVAL;
		}
		if (given & dw->bit) {
			wf_act_err(err, err_len, "%s: given twice", dw->word);
			return -EINVAL;
		}
		given |= dw->bit;
		if (dw->bit == WF_DROP_PROB)
			ret = drop_arg_prob(argc, argv, &i, a, err, err_len);
		else
			ret = wf_act_arg_u32(dw->word, argc, argv, &i, dw->what,
					(uint32_t *)((char *)a + dw->off),
					err, err_len);
		if (ret != 0)
			return ret;
	}
	return drop_finish(given, a, err, err_len);
}

/*
 * The shortest decimal that wf_num_double() reads back as exactly @p p.
 * %g would be shorter, but its exponent form ("1e-05") is not a word the
 * parser takes, so fixed notation with the fewest places that round-trip;
 * the fewest never end in 0 (one place less would round to the same).
 * 340 places reach the smallest subnormal (4.9e-324) and its neighbours.
 */
static void
drop_prob_text(double p, char *buf, size_t len)
{
	double back;
	int prec;

	for (prec = 0; prec <= 340; prec++) {
		snprintf(buf, len, "%.*f", prec, p);
		if (wf_num_double(buf, 0.0, 1.0, &back) == 0 && back == p)
			return;
	}
	snprintf(buf, len, "%.17g", p);  /* not a probability: say so as is */
}

static int
drop_format(const struct wf_action *a, char *buf, size_t len)
{
	char prob[360];
	int total = 0;

	if (len > 0)
		buf[0] = '\0';
	if (a->kind == WF_ACT_DROP_SEG) {
		wf_act_cat(buf, len, &total, "seg %u times %u", a->seg,
				a->times);
		return total;
	}
	if (a->drop_mods & DROP_W_WINDOW)
		wf_act_cat(buf, len, &total, "nth %u count %u", a->nth,
				a->count);
	if (a->drop_mods & WF_DROP_EVERY)
		wf_act_cat(buf, len, &total, "%severy %u",
				total > 0 ? " " : "", a->every);
	if (a->drop_mods & WF_DROP_PROB) {
		drop_prob_text(a->prob, prob, sizeof(prob));
		wf_act_cat(buf, len, &total, "%sprob %s",
				total > 0 ? " " : "", prob);
	}
	return total;
}

/* Only "prob" draws random numbers. */
static bool
drop_seeded(const struct wf_action *a)
{
	return a->kind == WF_ACT_DROP && (a->drop_mods & WF_DROP_PROB);
}

const struct wf_action_ops wf_act_drop_ops = {
	.name = "drop",
	.synopsis = "[nth N] [count J] [every K] [prob P] | seg N [times R]",
	.seeded = drop_seeded,
	.terminal = true,
	.parse = drop_parse,
	.format = drop_format,
};

/*
 * Index of this matching packet among those of its rule: 1, 2, ... per
 * flow and direction, or per worker without a flow. The counter stops at
 * UINT32_MAX rather than wrap (a wrap would restart "nth"); a packet past
 * it has no index: 0, which no window or interval selects.
 */
static inline uint32_t
drop_next_index(uint32_t *n)
{
	if (*n == UINT32_MAX)
		return 0;
	return ++*n;
}

enum wf_act_decision
wf_act_drop_decide(const struct wf_action *a, uint32_t rule_id,
		struct wf_act_slots *slots, const struct wf_act_pkt *p,
		struct wf_act_worker *w)
{
	const unsigned int mods = a->drop_mods;
	struct wf_act_slot *s;
	bool drop = true;
	uint32_t i;

	if (mods & DROP_COUNTING) {
		if (slots != NULL) {
			/* before the generator: a retry must draw the same */
			s = wf_act_slot_get(slots, rule_id, p->dir);
			if (s == NULL)
				return WF_ACT_NO_SLOT;
			i = drop_next_index(&s->n);
		} else {
			i = drop_next_index(&w->n);
		}
		/* 64-bit: nth + count may pass 2^32 */
		if ((mods & DROP_W_WINDOW) && (i < a->nth ||
				(uint64_t)i >= (uint64_t)a->nth + a->count))
			drop = false;
		if ((mods & WF_DROP_EVERY) &&
				(i == 0 || a->every == 0 || i % a->every != 0))
			drop = false;
	}
	if (mods & WF_DROP_PROB) {
		/*
		 * Drawn for every matching packet, whatever the other
		 * conditions say, so that a seed gives the same stream of
		 * draws to the same stream of packets.
		 */
		if (!wf_act_prob_hit(a, w))
			drop = false;
	}
	return drop ? WF_ACT_DROPPED : WF_ACT_KEEP;
}
