/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#include <errno.h>
#include <string.h>

#include "wf_num.h"
#include "wf_tel_params.h"

int
wf_tel_no_params(const char *params)
{
	return params != NULL && params[0] != '\0' ? -EINVAL : 0;
}

int
wf_tel_page_params(const char *params, uint32_t def_count, uint32_t max_count,
		uint32_t *start, uint32_t *count)
{
	char buf[32], *comma;
	uint64_t s, c = def_count;

	if (params == NULL || params[0] == '\0') {
		*start = 0;
		*count = def_count;
		return 0;
	}
	if (strlen(params) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, params);
	comma = strchr(buf, ',');
	if (comma != NULL) {
		*comma = '\0';
		if (wf_num_u64(comma + 1, 1, max_count, &c) != 0)
			return -EINVAL;
	}
	if (wf_num_u64(buf, 0, UINT32_MAX, &s) != 0)
		return -EINVAL;
	*start = (uint32_t)s;
	*count = (uint32_t)c;
	return 0;
}
