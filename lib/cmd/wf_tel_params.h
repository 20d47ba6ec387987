/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#ifndef WF_TEL_PARAMS_H
#define WF_TEL_PARAMS_H

/**
 * @file
 * The parameters of wirefault's telemetry commands. DPDK hands a callback
 * whatever followed the first comma of the request, or NULL when there was
 * none; these parse it whole and refuse anything else (HOSTILE.md C9).
 */

#include <stdint.h>

/** A command without parameters: 0 for NULL or "", else -EINVAL. */
int wf_tel_no_params(const char *params);

/**
 * The paging parameters of /wirefault/flows and /wirefault/rules: "",
 * "START" or "START,COUNT", each decimal, COUNT in [1, max_count].
 *
 * @return 0 with *start and *count set (0 and @p def_count when not
 *   given), or -EINVAL with both untouched.
 */
int wf_tel_page_params(const char *params, uint32_t def_count,
		uint32_t max_count, uint32_t *start, uint32_t *count);

#endif /* WF_TEL_PARAMS_H */
