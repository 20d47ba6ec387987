/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/*
 * Telemetry parameters and the one number parser (HOSTILE.md C3, C4, C9),
 * each against a reference written here. The first input byte picks the
 * function (bits 0-1), its range (bits 2-5) and NULL instead of the text
 * (bit 6); the rest, up to a NUL, is the text. Checked:
 *   - acceptance and the errno agree with the reference: wf_num_u64 takes
 *     only [0-9]+ in [min, max] (-EINVAL for any other byte, -ERANGE for a
 *     value out of range or past 2^64); wf_num_double only digits with an
 *     optional fraction, in range, never NaN; the page parameters only
 *     "", "START" or "START,COUNT" (START a u32, COUNT in [1, max]);
 *   - on error every output keeps its sentinel;
 *   - on success the values are in range, equal the reference's, and
 *     printing them and parsing the text again gives the same values.
 */

#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wf_num.h"
#include "wf_tel_params.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

#define SENT_U32 0xa5a5a5a5u
#define SENT_U64 UINT64_C(0xa5a5a5a5a5a5a5a5)
#define SENT_DBL (-12345.5)

/* wf_tel_page_params() refuses params of this many bytes or more */
#define PAGE_PARAMS_MAX 32

#define FAIL(...) do { \
	fprintf(stderr, "fz_tel_params: " __VA_ARGS__); \
	fputc('\n', stderr); \
	abort(); \
} while (0)

static const struct { uint64_t min, max; } u64_ranges[] = {
	{ 0, UINT64_MAX }, { 1, UINT32_MAX }, { 0, UINT16_MAX }, { 1, 65535 },
	{ 0, 0 }, { 5, 3 }, { UINT64_MAX, UINT64_MAX }, { 10, 100 },
	{ 0, UINT32_MAX }, { 1, 31536000 }, { UINT64_MAX - 1, UINT64_MAX },
	{ 0, 1 }, { 1, 64 }, { 0, 65534 }, { 100, 100 }, { 0, 10 },
};

static const struct { double min, max; } dbl_ranges[] = {
	{ 0.0, 1.0 }, { 0.0, 100.0 }, { 0.25, 0.75 }, { 0.0, DBL_MAX },
	{ 1e-300, 1.0 }, { 1.0, 1.0 }, { 2.0, 1.0 }, { 0.0, 0.0 },
	{ 0.5, 1e300 }, { 0.0, 4294967295.0 }, { 1e-10, 1e-5 }, { 0.0, 0.5 },
	{ 3.0, 3.0 }, { 0.1, 0.1 }, { 0.0, 1e-320 }, { 0.0, 1.0 },
};

static const struct { uint32_t def, max; } page_ranges[] = {
	{ 64, 64 }, { 10, 64 }, { 1, 1 }, { 0, 0 }, { UINT32_MAX, UINT32_MAX },
	{ 100, 1000 }, { 64, 10 }, { 1, UINT32_MAX }, { 0, 64 }, { 16, 16 },
	{ 32, 256 }, { 1, 2 }, { 5, 5 }, { 64, 65535 }, { 0, 1 }, { 7, 9 },
};

/* Reference of wf_num_u64: digits only, then the range, in 64 bits. */
static int
ref_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	bool over = false;
	uint64_t v = 0;
	size_t i;

	if (s == NULL || s[0] == '\0')
		return -EINVAL;
	for (i = 0; s[i] != '\0'; i++) {
		unsigned int d;

		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		d = (unsigned int)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			over = true;
		else
			v = v * 10 + d;
	}
	if (over || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

static void
check_u64(const char *s, unsigned int ri)
{
	const uint64_t min = u64_ranges[ri].min, max = u64_ranges[ri].max;
	uint64_t v = SENT_U64, ref = SENT_U64, back = SENT_U64;
	int ret = wf_num_u64(s, min, max, &v);
	int want = ref_u64(s, min, max, &ref);
	char txt[32];

	if (ret != want)
		FAIL("wf_num_u64('%s', %" PRIu64 ", %" PRIu64 ") = %d, "
			"reference %d", s, min, max, ret, want);
	if (ret != 0) {
		if (v != SENT_U64)
			FAIL("wf_num_u64('%s') failed but wrote %" PRIu64, s,
				v);
		return;
	}
	if (v != ref || v < min || v > max)
		FAIL("wf_num_u64('%s') = %" PRIu64 ", reference %" PRIu64
			" in [%" PRIu64 ", %" PRIu64 "]", s, v, ref, min, max);
	snprintf(txt, sizeof(txt), "%" PRIu64, v);
	if (wf_num_u64(txt, min, max, &back) != 0 || back != v)
		FAIL("wf_num_u64: '%s' -> %" PRIu64 " -> '%s' does not read "
			"back", s, v, txt);
}

/*
 * Reference syntax of wf_num_double: digits [. digits], one digit at
 * least. Returns the value of the digits in long double (no rounding to
 * double; infinite or NaN past its range), or -1 when the syntax is wrong.
 */
static long double
ref_double(const char *s)
{
	long double acc = 0, scale = 1;
	int digits = 0;
	const char *p = s;

	if (s == NULL)
		return -1;
	for (; *p >= '0' && *p <= '9'; p++, digits++)
		acc = acc * 10 + (*p - '0');
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
			acc = acc * 10 + (*p - '0');
			scale *= 10;
		}
	if (*p != '\0' || digits == 0)
		return -1;
	return acc / scale;
}

/* fabsl() without libm (the replay links none) */
static long double
ld_abs(long double x)
{
	return x < 0 ? -x : x;
}

/* How far a decimal may be from a bound and still round past it. */
static long double
tol(double bound)
{
	long double t = ld_abs((long double)bound) * 1e-12L;

	return t > 1e-321L ? t : 1e-321L;
}

static void
check_double(const char *s, unsigned int ri)
{
	const double min = dbl_ranges[ri].min, max = dbl_ranges[ri].max;
	double v = SENT_DBL, back = SENT_DBL;
	long double ref = ref_double(s);
	int ret = wf_num_double(s, min, max, &v);
	static char txt[DBL_MAX_10_EXP + 1200];

	if (ref < 0) {
		if (ret != -EINVAL || v != SENT_DBL)
			FAIL("wf_num_double('%s') = %d: not a decimal, "
				"want -EINVAL and no output", s, ret);
		return;
	}
	if (ret == -EINVAL)
		FAIL("wf_num_double('%s'): a decimal refused as syntax", s);
	if (ret != 0) {
		if (ret != -ERANGE || v != SENT_DBL)
			FAIL("wf_num_double('%s') = %d, output %g", s, ret, v);
		/* out of range: the value is, to rounding, outside */
		if (isfinite(ref) && ref >= min + tol(min) &&
				ref <= max - tol(max))
			FAIL("wf_num_double('%s') = -ERANGE, value %Lg in "
				"[%g, %g]", s, ref, min, max);
		return;
	}
	if (isnan(v) || v < min || v > max)
		FAIL("wf_num_double('%s') = %g, outside [%g, %g]", s, v, min,
			max);
	/*
	 * The value of the digits: relative, or absolute near underflow
	 * (unknown past thousands of digits, where long double overflows).
	 */
	if (isfinite(ref) && (ref < 1e-300L ? ld_abs(v - ref) > 1e-300L :
			ld_abs(v - ref) > ref * 1e-12L))
		FAIL("wf_num_double('%s') = %.17g, reference %.20Lg", s, v,
			ref);
	/* every double printed exactly in fixed notation reads back */
	snprintf(txt, sizeof(txt), "%.1100f", v);
	if (wf_num_double(txt, min, max, &back) != 0 || back != v)
		FAIL("wf_num_double: '%s' -> %.17g does not read back", s, v);
}

static void
check_no_params(const char *s)
{
	int want = s == NULL || s[0] == '\0' ? 0 : -EINVAL;
	int ret = wf_tel_no_params(s);

	if (ret != want)
		FAIL("wf_tel_no_params('%s') = %d, want %d",
			s != NULL ? s : "(null)", ret, want);
}

/* Reference of the page parameters. */
static int
ref_page(const char *s, uint32_t def, uint32_t max, uint32_t *start,
		uint32_t *count, bool *has_count)
{
	char buf[PAGE_PARAMS_MAX], *comma;
	uint64_t st, c = def;

	*has_count = false;
	if (s == NULL || s[0] == '\0') {
		*start = 0;
		*count = def;
		return 0;
	}
	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	comma = strchr(buf, ',');
	if (comma != NULL) {
		*comma = '\0';
		if (ref_u64(comma + 1, 1, max, &c) != 0)
			return -EINVAL;
		*has_count = true;
	}
	if (ref_u64(buf, 0, UINT32_MAX, &st) != 0)
		return -EINVAL;
	*start = (uint32_t)st;
	*count = (uint32_t)c;
	return 0;
}

static void
check_page(const char *s, unsigned int ri)
{
	const uint32_t def = page_ranges[ri].def, max = page_ranges[ri].max;
	uint32_t start = SENT_U32, count = SENT_U32, rs = 0, rc = 0;
	uint32_t s2 = SENT_U32, c2 = SENT_U32;
	const char *show = s != NULL ? s : "(null)";
	bool has_count;
	int ret = wf_tel_page_params(s, def, max, &start, &count);
	int want = ref_page(s, def, max, &rs, &rc, &has_count);
	char txt[32];

	if (ret != want)
		FAIL("wf_tel_page_params('%s', %u, %u) = %d, reference %d",
			show, def, max, ret, want);
	if (ret != 0) {
		if (start != SENT_U32 || count != SENT_U32)
			FAIL("wf_tel_page_params('%s') failed but wrote %u,%u",
				show, start, count);
		return;
	}
	if (start != rs || count != rc)
		FAIL("wf_tel_page_params('%s') = %u,%u, reference %u,%u",
			show, start, count, rs, rc);
	if (has_count ? count < 1 || count > max : count != def)
		FAIL("wf_tel_page_params('%s'): count %u out of [1, %u] "
			"(default %u)", show, count, max, def);
	if (has_count)
		snprintf(txt, sizeof(txt), "%u,%u", start, count);
	else
		snprintf(txt, sizeof(txt), "%u", start);
	if (wf_tel_page_params(txt, def, max, &s2, &c2) != 0 || s2 != start ||
			c2 != count)
		FAIL("wf_tel_page_params: '%s' -> %u,%u -> '%s' does not read "
			"back", show, start, count, txt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool null_checked;
	unsigned int fn, ri;
	uint64_t u = SENT_U64;
	double d = SENT_DBL;
	const char *s;
	char *text;

	if (!null_checked) {
		/* a telemetry request without a comma: params == NULL */
		check_no_params(NULL);
		check_page(NULL, 0);
		if (wf_num_u64(NULL, 0, 1, &u) != -EINVAL || u != SENT_U64 ||
				wf_num_double(NULL, 0, 1, &d) != -EINVAL ||
				d != SENT_DBL)
			FAIL("a NULL number was not refused");
		null_checked = true;
	}
	if (size == 0)
		return 0;
	fn = data[0] & 3;
	ri = (data[0] >> 2) & 15;
	text = malloc(size);
	if (text == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	s = (data[0] & 0x40) ? NULL : text;
	switch (fn) {
	case 0:
		check_no_params(s);
		break;
	case 1:
		check_page(s, ri);
		break;
	case 2:
		check_u64(s, ri);
		break;
	default:
		check_double(s, ri);
		break;
	}
	free(text);
	return 0;
}
