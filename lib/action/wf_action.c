/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * The registry of actions, the helpers their parsers share, and the
 * per-worker random generator of "prob".
 */

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "wf_num.h"
#include "wf_act_private.h"

#define WF_X_ACT_ROW(n) &wf_act_##n##_ops,
static const struct wf_action_ops *const act_table[] = {
	WF_ACTIONS(WF_X_ACT_ROW)
};
#undef WF_X_ACT_ROW

/* Each kind's row: both forms of drop share one word, hence one row. */
static const struct wf_action_ops *const act_by_kind[WF_ACT_KIND_MAX] = {
	[WF_ACT_PASS] = &wf_act_pass_ops,
	[WF_ACT_DROP] = &wf_act_drop_ops,
	[WF_ACT_DROP_SEG] = &wf_act_drop_ops,
	[WF_ACT_RESET] = &wf_act_reset_ops,
	[WF_ACT_LOG] = &wf_act_log_ops,
	[WF_ACT_MIRROR] = &wf_act_mirror_ops,
	[WF_ACT_LB] = &wf_act_lb_ops,
};

/* ", pass, drop, ...": the names joined at compile time, from one list. */
#define WF_X_ACT_NAME(n) ", " #n
static const char act_names[] = WF_ACTIONS(WF_X_ACT_NAME);
#undef WF_X_ACT_NAME

const struct wf_action_ops *
wf_action_find(const char *name)
{
	unsigned int i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < sizeof(act_table) / sizeof(act_table[0]); i++)
		if (strcmp(act_table[i]->name, name) == 0)
			return act_table[i];
	return NULL;
}

const struct wf_action_ops *
wf_action_ops_of(const struct wf_action *a)
{
	if (a == NULL || a->kind >= WF_ACT_KIND_MAX)
		return NULL;
	return act_by_kind[a->kind];
}

const char *
wf_action_names(void)
{
	return act_names + 2;  /* past the first ", " */
}

/* ---- helpers of the parsers and printers ---- */

void
wf_act_err(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || err_len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
}

const char *
wf_act_echo(const char *s, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i, o = 0;

	for (i = 0; u[i] != '\0' && i < WF_ACT_ECHO_BYTES; i++) {
		/* control bytes and non-ASCII must not reach a terminal raw */
		if (u[i] >= 0x20 && u[i] < 0x7f) {
			buf[o++] = (char)u[i];
			continue;
		}
		buf[o++] = '\\';
		buf[o++] = 'x';
		buf[o++] = hex[u[i] >> 4];
		buf[o++] = hex[u[i] & 0xf];
	}
	if (u[i] != '\0') {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

int
wf_act_arg_u32(const char *word, int argc, char *const argv[], int *i,
		const char *what, uint32_t *out, char *err, size_t err_len)
{
	char echo[WF_ACT_ECHO_SIZE];
	const char *v;
	uint64_t n;

	if (*i + 1 >= argc) {
		wf_act_err(err, err_len, "%s: needs a value", word);
		return -EINVAL;
	}
	v = argv[++*i];
	if (wf_num_u64(v, 1, UINT32_MAX, &n) != 0) {
		wf_act_err(err, err_len, "%s: %s is not a %s (1-%u)", word,
				wf_act_echo(v, echo), what, UINT32_MAX);
		return -EINVAL;
	}
	*out = (uint32_t)n;
	return 0;
}

int
wf_act_no_args(const char *name, int argc, char *const argv[],
		char *err, size_t err_len)
{
	char echo[WF_ACT_ECHO_SIZE];

	if (argc <= 0)
		return 0;
	wf_act_err(err, err_len, "%s: takes no arguments, got '%s'", name,
			wf_act_echo(argv[0], echo));
	return -EINVAL;
}

void
wf_act_cat(char *buf, size_t len, int *total, const char *fmt, ...)
{
	size_t off = *total < 0 ? 0 : (size_t)*total;
	va_list ap;
	int n;

	va_start(ap, fmt);
	if (off < len)
		n = vsnprintf(buf + off, len - off, fmt, ap);
	else
		n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*total += n;
}

/* ---- the generator of "prob" ---- */

/* Sebastiano Vigna's splitmix64: spreads any seed, 0 included. */
static uint64_t
splitmix64(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

void
wf_act_worker_seed(struct wf_act_worker *w, uint64_t seed,
		unsigned int worker_index)
{
	/*
	 * Each worker its own stream of one seed: the odd multiplier keeps
	 * index -> xor distinct, splitmix64 decorrelates neighbours.
	 */
	w->rng = splitmix64(seed ^ ((uint64_t)worker_index *
			UINT64_C(0xd1342543de82ef95)));
	if (w->rng == 0)  /* xorshift's one fixed point */
		w->rng = WF_ACT_RNG_FALLBACK;
}

/*
 * A decision drops when random < cut, or always when cut == UINT64_MAX
 * (p >= 1; no 64-bit cut is above every random). For 0 < p < 1, p * 2^64
 * is exact in a double (a power-of-two scale only moves the exponent) and
 * below 2^64, so the cast only drops the fraction: the probability is
 * p within 2^-64. Below 2^-64, the cut is 0: never.
 */
uint64_t
wf_act_prob_cut(double prob)
{
	if (!(prob > 0))  /* NaN too: never */
		return 0;
	if (prob >= 1)
		return UINT64_MAX;
	return (uint64_t)ldexp(prob, 64);
}

void
wf_act_slots_prune(struct wf_act_slots *slots,
		bool (*keep)(uint32_t rule_id, void *ctx), void *ctx)
{
	unsigned int k;

	if (slots == NULL)
		return;
	for (k = 0; k < WF_ACT_SLOTS; k++) {
		struct wf_act_slot *s = &slots->slot[k];

		if (s->tag != 0 && !keep(s->tag >> 1, ctx))
			*s = (struct wf_act_slot){ 0 };
	}
}
