/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */
/* STUB: being written; replaced whole by the real parser. */
#include <string.h>
#include "wf_pkt.h"

enum wf_pkt_verdict
wf_pkt_parse(const uint8_t *buf, uint32_t buf_len, uint32_t frame_len,
		unsigned int flags, struct wf_pkt *out)
{
	(void)buf; (void)buf_len; (void)frame_len; (void)flags;
	memset(out, 0, sizeof(*out));
	out->reason = WF_PKT_R_l2_non_ip;
	return WF_PKT_PASS;
}

const char *
wf_pkt_reason_name(unsigned int reason)
{
	static const char *const names[] = {
		"ok",
#define X(name, k, err, desc) #name,
		WF_PKT_REASONS(X, 0)
#undef X
	};
	return reason < WF_PKT_R_MAX ? names[reason] : "?";
}

bool
wf_pkt_reason_is_error(unsigned int reason)
{
	static const bool err[] = {
		false,
#define X(name, k, e, desc) e,
		WF_PKT_REASONS(X, 0)
#undef X
	};
	return reason < WF_PKT_R_MAX && err[reason];
}
