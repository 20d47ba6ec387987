/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#ifndef WF_ACT_PRIVATE_H
#define WF_ACT_PRIVATE_H

/**
 * @file
 * Shared between the action files and the registry, not installed: the
 * list of actions, their ops rows, and the helpers their parsers and
 * printers have in common (so every error reads the same).
 */

#include <stddef.h>
#include <stdint.h>

#include "wf_action.h"

/*
 * Every action, in the order wf_action_names() lists them. A new action
 * is one file with its ops row and one X() here.
 */
#define WF_ACTIONS(X) X(pass) X(drop) X(reset) X(log) X(mirror) X(lb)

#define WF_X_ACT_EXTERN(n) extern const struct wf_action_ops wf_act_##n##_ops;
WF_ACTIONS(WF_X_ACT_EXTERN)
#undef WF_X_ACT_EXTERN

/** Bytes of a user's word echoed in an error message. */
#define WF_ACT_ECHO_BYTES 40
/** Room for an echo: every byte as \xNN, an ellipsis and the NUL. */
#define WF_ACT_ECHO_SIZE (WF_ACT_ECHO_BYTES * 4 + 4)

/** Format an error message into @p err (NULL or 0 bytes: none). */
void wf_act_err(char *err, size_t err_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * @p s made safe to print: its first WF_ACT_ECHO_BYTES bytes, non-printing
 * ones as \xNN, "..." when cut. Returns @p buf (WF_ACT_ECHO_SIZE bytes).
 */
const char *wf_act_echo(const char *s, char *buf);

/**
 * Parse the value of modifier @p word, argv[*i + 1], as a number in
 * 1..UINT32_MAX; @p what names it in the error ("packet index").
 * Advances *i past the value. Returns 0 or -EINVAL with the message.
 */
int wf_act_arg_u32(const char *word, int argc, char *const argv[], int *i,
		const char *what, uint32_t *out, char *err, size_t err_len);

/** For actions without arguments: 0, or -EINVAL naming the first word. */
int wf_act_no_args(const char *name, int argc, char *const argv[],
		char *err, size_t err_len);

/**
 * Append to @p buf as snprintf would, at offset *total, which grows by
 * the full length even when @p buf is too small (so the caller can return
 * the length snprintf would have).
 */
void wf_act_cat(char *buf, size_t len, int *total, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/** The tag of a (rule, direction) slot; never 0 since rule ids start at 1. */
static inline uint32_t
wf_act_slot_tag(uint32_t rule_id, uint8_t dir)
{
	return rule_id << 1 | (dir & 1u);
}

/**
 * The slot of (@p rule_id, @p dir) in @p slots: the one tagged so, else
 * the first free one, claimed and zeroed. NULL when all are taken. Inline:
 * it runs for every packet a counting rule matches.
 */
static inline struct wf_act_slot *
wf_act_slot_get(struct wf_act_slots *slots, uint32_t rule_id, uint8_t dir)
{
	const uint32_t tag = wf_act_slot_tag(rule_id, dir);
	struct wf_act_slot *free_slot = NULL, *s;
	unsigned int k;

	for (k = 0; k < WF_ACT_SLOTS; k++) {
		s = &slots->slot[k];
		if (s->tag == tag)
			return s;
		if (s->tag == 0 && free_slot == NULL)
			free_slot = s;
	}
	if (free_slot != NULL)
		*free_slot = (struct wf_act_slot){ .tag = tag };
	return free_slot;
}

#endif /* WF_ACT_PRIVATE_H */
