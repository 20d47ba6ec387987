/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

/* The one number parser: HOSTILE.md C3 and C4's numeric rows. */

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "wf_num.h"
#include "wf_test.h"

static int
test_u64_accepts(void)
{
	static const struct { const char *s; uint64_t v; } ok[] = {
		{ "0", 0 }, { "7", 7 }, { "010", 10 }, { "65535", 65535 },
		{ "4294967295", 4294967295u },
		{ "18446744073709551615", UINT64_MAX },
	};
	unsigned int i;
	uint64_t v;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		WF_TEST_ASSERT_EQUAL(wf_num_u64(ok[i].s, 0, UINT64_MAX, &v), 0,
				"%s", ok[i].s);
		WF_TEST_ASSERT_EQUAL(v, ok[i].v, "%s", ok[i].s);
	}
	return 0;
}

static int
test_u64_rejects(void)
{
	static const struct { const char *s; int err; } bad[] = {
		{ "", -EINVAL }, { "-1", -EINVAL }, { "+5", -EINVAL },
		{ "12abc", -EINVAL }, { "0x10", -EINVAL }, { "1e3", -EINVAL },
		{ " 5", -EINVAL }, { "5 ", -EINVAL }, { "nan", -EINVAL },
		{ "inf", -EINVAL }, { "1.5", -EINVAL },
		{ "4294967296", -ERANGE },              /* a u32 range below */
		{ "18446744073709551616", -ERANGE },    /* past u64 */
		{ "99999999999999999999999", -ERANGE },
	};
	unsigned int i;
	uint64_t v = 42;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		WF_TEST_ASSERT_EQUAL(wf_num_u64(bad[i].s, 0, UINT32_MAX, &v),
				bad[i].err, "'%s'", bad[i].s);
		WF_TEST_ASSERT_EQUAL(v, 42u, "'%s' changed the output", bad[i].s);
	}
	WF_TEST_ASSERT_EQUAL(wf_num_u64(NULL, 0, 1, &v), -EINVAL, "NULL");
	return 0;
}

static int
test_u64_bounds(void)
{
	uint64_t v;

	WF_TEST_ASSERT_EQUAL(wf_num_u64("0", 1, 10, &v), -ERANGE, "below min");
	WF_TEST_ASSERT_EQUAL(wf_num_u64("1", 1, 10, &v), 0, "min");
	WF_TEST_ASSERT_EQUAL(wf_num_u64("10", 1, 10, &v), 0, "max");
	WF_TEST_ASSERT_EQUAL(wf_num_u64("11", 1, 10, &v), -ERANGE, "above max");
	WF_TEST_ASSERT_EQUAL(wf_num_u64("65536", 0, 65535, &v), -ERANGE, "port");
	return 0;
}

static int
test_double(void)
{
	static const char *const bad[] = {
		"", "-0.1", "1.5", "nan", "inf", "1e309", "1e-3", ".", "0x1",
		" 0.5", "0.5 ", "1..2",
	};
	unsigned int i;
	double v = 9;

	WF_TEST_ASSERT_EQUAL(wf_num_double("0.25", 0, 1, &v), 0, "0.25");
	WF_TEST_ASSERT(v == 0.25, "value %f", v);
	WF_TEST_ASSERT_EQUAL(wf_num_double("1", 0, 1, &v), 0, "1");
	WF_TEST_ASSERT_EQUAL(wf_num_double(".5", 0, 1, &v), 0, ".5");
	WF_TEST_ASSERT_EQUAL(wf_num_double("0.", 0, 1, &v), 0, "0.");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 9;
		WF_TEST_ASSERT(wf_num_double(bad[i], 0, 1, &v) < 0, "'%s'", bad[i]);
		WF_TEST_ASSERT(v == 9, "'%s' changed the output", bad[i]);
	}
	return 0;
}

/* Every rejection of wf_num_u64 says which kind, and keeps *out. */
static int
test_u64_errors_and_out(void)
{
	static const char *const invalid[] = {
		"", "-1", "-0", "+5", "12abc", "abc", "0x10", "0X10", "1e3",
		" 5", "5 ", "\t5", "5\n", "nan", "inf", "1.0", "1,000", "1_000",
		"\xd9\xa3", /* Arabic-Indic digit three: not 0-9 */
	};
	char digits[400];
	unsigned int i;
	uint64_t v;

	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		v = 0xdeadbeef;
		WF_TEST_ASSERT_EQUAL(wf_num_u64(invalid[i], 0, UINT64_MAX, &v),
				-EINVAL, "'%s'", invalid[i]);
		WF_TEST_ASSERT_EQUAL_U64(v, 0xdeadbeef, "'%s'", invalid[i]);
	}
	/* in range for a u64, not for a u32: ERANGE, out untouched */
	v = 7;
	WF_TEST_ASSERT_EQUAL(wf_num_u64("4294967296", 0, UINT32_MAX, &v),
			-ERANGE, "u32 + 1");
	WF_TEST_ASSERT_EQUAL_U64(v, 7, "ERANGE changed the output");
	WF_TEST_ASSERT_EQUAL(wf_num_u64("4294967296", 0, UINT64_MAX, &v), 0,
			"the same as a u64");
	WF_TEST_ASSERT_EQUAL_U64(v, 4294967296u, "value");
	/* many leading zeros are still one small decimal number */
	memset(digits, '0', sizeof(digits) - 3);
	memcpy(digits + sizeof(digits) - 3, "42", 3);
	WF_TEST_ASSERT_EQUAL(wf_num_u64(digits, 0, 100, &v), 0, "0...042");
	WF_TEST_ASSERT_EQUAL_U64(v, 42, "0...042");
	/* 400 digits: out of range, not wrapped */
	memset(digits, '9', sizeof(digits) - 1);
	digits[sizeof(digits) - 1] = '\0';
	v = 7;
	WF_TEST_ASSERT_EQUAL(wf_num_u64(digits, 0, UINT64_MAX, &v), -ERANGE,
			"400 nines");
	WF_TEST_ASSERT_EQUAL_U64(v, 7, "ERANGE changed the output");
	/* min == max */
	WF_TEST_ASSERT_EQUAL(wf_num_u64("5", 5, 5, &v), 0, "min == max");
	WF_TEST_ASSERT_EQUAL(wf_num_u64("4", 5, 5, &v), -ERANGE, "below");
	WF_TEST_ASSERT_EQUAL(wf_num_u64("6", 5, 5, &v), -ERANGE, "above");
	return 0;
}

/* wf_num_double: which errors are EINVAL and which ERANGE; bounds. */
static int
test_double_errors_and_bounds(void)
{
	static const char *const invalid[] = {
		"", ".", "-0.5", "+0.5", "-0", "1e3", "1E3", "1e309", "1e-3",
		"nan", "NAN", "inf", "-inf", "infinity", "0x1p3", "0x10",
		" 0.5", "0.5 ", "1,5", "1.2.3", "..5", "5..", "0.5\n", "1/2",
	};
	char big[400];
	unsigned int i;
	double v;

	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		v = 9;
		WF_TEST_ASSERT_EQUAL(wf_num_double(invalid[i], 0, 1e300, &v),
				-EINVAL, "'%s'", invalid[i]);
		WF_TEST_ASSERT(v == 9, "'%s' changed the output", invalid[i]);
	}
	WF_TEST_ASSERT_EQUAL(wf_num_double(NULL, 0, 1, &v), -EINVAL, "NULL");
	/* a probability: [0, 1] inclusive */
	WF_TEST_ASSERT_EQUAL(wf_num_double("0", 0, 1, &v), 0, "0");
	WF_TEST_ASSERT(v == 0, "%f", v);
	WF_TEST_ASSERT_EQUAL(wf_num_double("1.000", 0, 1, &v), 0, "1.000");
	WF_TEST_ASSERT(v == 1, "%f", v);
	WF_TEST_ASSERT_EQUAL(wf_num_double("010", 0, 100, &v), 0, "010");
	WF_TEST_ASSERT(v == 10, "010 is ten, not octal: %f", v);
	v = 9;
	WF_TEST_ASSERT_EQUAL(wf_num_double("1.0001", 0, 1, &v), -ERANGE,
			"above max");
	WF_TEST_ASSERT_EQUAL(wf_num_double("0.1", 0.2, 1, &v), -ERANGE,
			"below min");
	WF_TEST_ASSERT(v == 9, "ERANGE changed the output");
	/* 1 followed by 399 zeros overflows a double: ERANGE, not inf */
	memset(big, '0', sizeof(big) - 1);
	big[0] = '1';
	big[sizeof(big) - 1] = '\0';
	WF_TEST_ASSERT_EQUAL(wf_num_double(big, 0, 1e308, &v), -ERANGE,
			"10^399");
	WF_TEST_ASSERT(v == 9, "ERANGE changed the output");
	/* underflow is not out of range: "0." then 310 zeros then 1 */
	memset(big, '0', sizeof(big) - 1);
	big[1] = '.';
	big[312] = '1';
	big[313] = '\0';
	WF_TEST_ASSERT_EQUAL(wf_num_double(big, 0, 1, &v), 0, "tiny value");
	WF_TEST_ASSERT(v >= 0 && v < 1e-300, "tiny value parsed");
	return 0;
}

int
main(void)
{
	static const struct wf_test_case cases[] = {
		WF_TEST(test_u64_accepts),
		WF_TEST(test_u64_rejects),
		WF_TEST(test_u64_bounds),
		WF_TEST(test_u64_errors_and_out),
		WF_TEST(test_double),
		WF_TEST(test_double_errors_and_bounds),
	};

	return wf_test_run("num", cases, sizeof(cases) / sizeof(cases[0]));
}
