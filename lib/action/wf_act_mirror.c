/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * mirror [port P]: send a copy of the packet out of the mirror port and go
 * on evaluating (like iptables' TEE). Only the words are here; whether P
 * is a mirror port is the app's to say (it knows --mirror-port).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "wf_num.h"
#include "wf_act_private.h"

static int
mirror_parse(int argc, char *const argv[], struct wf_action *a,
		char *err, size_t err_len)
{
	char echo[WF_ACT_ECHO_SIZE];
	uint64_t v;
	int i;

	a->kind = WF_ACT_MIRROR;
	a->port = WF_ACT_MIRROR_DEFAULT;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "port") != 0) {
			wf_act_err(err, err_len,
				"mirror: unknown word '%s' (port)",
				wf_act_echo(argv[i], echo));
			return -EINVAL;
		}
		if (a->port != WF_ACT_MIRROR_DEFAULT) {
			wf_act_err(err, err_len, "port: given twice");
			return -EINVAL;
		}
		if (i + 1 >= argc) {
			wf_act_err(err, err_len, "port: needs a value");
			return -EINVAL;
		}
		if (wf_num_u64(argv[++i], 0, WF_ACT_MIRROR_DEFAULT - 1,
				&v) != 0) {
			wf_act_err(err, err_len,
				"port: %s is not a port id (0-%u)",
				wf_act_echo(argv[i], echo),
				WF_ACT_MIRROR_DEFAULT - 1);
			return -EINVAL;
		}
		a->port = (uint16_t)v;
	}
	return 0;
}

static int
mirror_format(const struct wf_action *a, char *buf, size_t len)
{
	if (a->port == WF_ACT_MIRROR_DEFAULT)
		return snprintf(buf, len, "%s", "");
	return snprintf(buf, len, "port %u", a->port);
}

const struct wf_action_ops wf_act_mirror_ops = {
	.name = "mirror",
	.synopsis = "[port P]",
	.terminal = false,
	.parse = mirror_parse,
	.format = mirror_format,
};
