/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wf_reply.h"

static const char truncated_mark[] = "\n... (reply truncated)\n";

void
wf_reply_init(struct wf_reply *r)
{
	memset(r, 0, sizeof(*r));
}

void
wf_reply_free(struct wf_reply *r)
{
	free(r->buf);
	wf_reply_init(r);
}

void
wf_reply_reset(struct wf_reply *r)
{
	r->len = 0;
	r->truncated = false;
	if (r->buf != NULL)
		r->buf[0] = '\0';
}

/* Make room for @p need more bytes plus the NUL; false when we cannot. */
static bool
reply_reserve(struct wf_reply *r, size_t need)
{
	size_t want = r->len + need + 1;
	size_t cap;
	char *buf;

	if (want <= r->cap)
		return true;
	if (want > WF_REPLY_MAX)
		return false;
	cap = r->cap != 0 ? r->cap : 1024;
	while (cap < want)
		cap *= 2;
	if (cap > WF_REPLY_MAX)
		cap = WF_REPLY_MAX;
	buf = realloc(r->buf, cap);
	if (buf == NULL)
		return false;
	r->buf = buf;
	r->cap = cap;
	return true;
}

static void
reply_mark_truncated(struct wf_reply *r)
{
	if (r->truncated)
		return;
	r->truncated = true;
	if (r->buf != NULL && r->cap > sizeof(truncated_mark)) {
		if (r->len + sizeof(truncated_mark) > r->cap)
			r->len = r->cap - sizeof(truncated_mark);
		memcpy(r->buf + r->len, truncated_mark, sizeof(truncated_mark));
		r->len += sizeof(truncated_mark) - 1;
	}
}

void
wf_reply_printf(struct wf_reply *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->truncated)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (!reply_reserve(r, (size_t)n)) {
		reply_mark_truncated(r);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(r->buf + r->len, r->cap - r->len, fmt, ap);
	va_end(ap);
	r->len += (size_t)n;
}

const char *
wf_reply_text(const struct wf_reply *r)
{
	return r->buf != NULL ? r->buf : "";
}
