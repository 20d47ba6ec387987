/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#ifndef WF_NUM_H
#define WF_NUM_H

/**
 * @file
 * The one number parser for every control input: options, console, files,
 * the control socket and telemetry parameters.
 */

#include <stdint.h>

/**
 * Parse a whole string as a decimal unsigned integer in [min, max].
 *
 * Only the digits 0-9 are accepted: no sign, no spaces, no hex ("0x10")
 * and no exponent; leading zeros are decimal ("010" is ten).
 *
 * @return 0 and *out set, -EINVAL when @p s is not a decimal number,
 *   -ERANGE when it is outside [min, max]. *out is untouched on error.
 */
int wf_num_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/** The same for a decimal number with an optional fraction ("0.5"). */
int wf_num_double(const char *s, double min, double max, double *out);

#endif /* WF_NUM_H */
