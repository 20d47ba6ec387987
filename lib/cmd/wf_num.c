/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#include <errno.h>
#include <stdlib.h>

#include "wf_num.h"

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
wf_num_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	const char *p;
	char *end;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	/* strtoull alone accepts spaces, signs and wraps "-1": check first. */
	for (p = s; *p != '\0'; p++)
		if (!is_digit(*p))
			return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int
wf_num_double(const char *s, double min, double max, double *out)
{
	const char *p = s;
	int digits = 0;
	double v;
	char *end;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	/* digits [. digits]: no sign, exponent, inf or nan */
	while (is_digit(*p)) {
		p++;
		digits++;
	}
	if (*p == '.') {
		p++;
		while (is_digit(*p)) {
			p++;
			digits++;
		}
	}
	if (*p != '\0' || digits == 0)
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0')
		return -EINVAL;
	/* strtod flags underflow with ERANGE too: a tiny value is no error */
	if ((errno == ERANGE && v >= 1.0) || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}
