/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/* pass: forward the packet, stop evaluating (iptables ACCEPT). */

#include "wf_act_private.h"

static int
pass_parse(int argc, char *const argv[], struct wf_action *a,
		char *err, size_t err_len)
{
	a->kind = WF_ACT_PASS;  /* the row has no kind: set it here too */
	return wf_act_no_args("pass", argc, argv, err, err_len);
}

static int
pass_format(const struct wf_action *a, char *buf, size_t len)
{
	(void)a;
	if (len > 0)
		buf[0] = '\0';
	return 0;
}

const struct wf_action_ops wf_act_pass_ops = {
	.name = "pass",
	.synopsis = "",
	.terminal = true,
	.parse = pass_parse,
	.format = pass_format,
};
