/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#ifndef WF_REPLY_H
#define WF_REPLY_H

/**
 * @file
 * A growing text buffer for command replies, capped so that no command can
 * make the control plane allocate without bound.
 */

#include <stdbool.h>
#include <stddef.h>

/** Largest reply kept; text past it is cut and marked. */
#define WF_REPLY_MAX (4u << 20)

struct wf_reply {
	char *buf;        /**< NUL-terminated text, or NULL while empty */
	size_t len;       /**< bytes of text */
	size_t cap;       /**< bytes allocated */
	bool truncated;   /**< text was cut at WF_REPLY_MAX or on ENOMEM */
};

/** An empty reply. */
void wf_reply_init(struct wf_reply *r);

/** Free the text; the reply is empty again. */
void wf_reply_free(struct wf_reply *r);

/** Forget the text but keep the buffer. */
void wf_reply_reset(struct wf_reply *r);

/** Append formatted text. */
void wf_reply_printf(struct wf_reply *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** The text, "" when empty. */
const char *wf_reply_text(const struct wf_reply *r);

#endif /* WF_REPLY_H */
