/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The wirefault authors
 */

#ifndef WF_TEST_H
#define WF_TEST_H

/**
 * @file
 * A small assert header for the C unit tests, in the manner of DPDK's
 * app/test/test.h (rte_test.h is not installed by Debian's DPDK).
 *
 * A test is a function `static int test_x(void)` that returns 0 on success.
 * The assertions print where and why they failed and return -1 from the
 * function that contains them, so a helper that asserts can be checked
 * with WF_TEST_ASSERT_SUCCESS(helper(...), "...").
 *
 *     static const struct wf_test_case cases[] = {
 *             WF_TEST_CASE(test_x),
 *             WF_TEST_CASE(test_y),
 *     };
 *     WF_TEST_MAIN("num", cases)
 *
 * prints one line per test, then "num: N passed, N failed", and exits
 * non-zero when a test failed.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WF_TEST_SUCCESS 0
#define WF_TEST_FAILED (-1)

/*
 * Every assertion takes an optional message: a printf format string
 * literal and its arguments, e.g. WF_TEST_ASSERT(n == 3, "n=%d", n) or
 * just WF_TEST_ASSERT(n == 3).
 */
#define WF_TEST_FAIL_AT_(...) do { \
	fprintf(stderr, ": " __VA_ARGS__); \
	fputc('\n', stderr); \
	return WF_TEST_FAILED; \
} while (0)

/** Fail the current test when @p cond is false. */
#define WF_TEST_ASSERT(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: %s: assertion '%s' failed", \
			__FILE__, __LINE__, __func__, #cond); \
		WF_TEST_FAIL_AT_(__VA_ARGS__); \
	} \
} while (0)

/** @p a == @p b, compared as integers (printed as intmax_t). */
#define WF_TEST_ASSERT_EQUAL(a, b, ...) do { \
	intmax_t wf_a_ = (intmax_t)(a), wf_b_ = (intmax_t)(b); \
	if (wf_a_ != wf_b_) { \
		fprintf(stderr, "%s:%d: %s: '%s' == '%s' failed (%jd != %jd)", \
			__FILE__, __LINE__, __func__, #a, #b, wf_a_, wf_b_); \
		WF_TEST_FAIL_AT_(__VA_ARGS__); \
	} \
} while (0)

/** @p a != @p b, compared as integers. */
#define WF_TEST_ASSERT_NOT_EQUAL(a, b, ...) do { \
	intmax_t wf_a_ = (intmax_t)(a), wf_b_ = (intmax_t)(b); \
	if (wf_a_ == wf_b_) { \
		fprintf(stderr, "%s:%d: %s: '%s' != '%s' failed (both %jd)", \
			__FILE__, __LINE__, __func__, #a, #b, wf_a_); \
		WF_TEST_FAIL_AT_(__VA_ARGS__); \
	} \
} while (0)

/** @p a == @p b, compared as uint64_t (for counters past INTMAX_MAX). */
#define WF_TEST_ASSERT_EQUAL_U64(a, b, ...) do { \
	uint64_t wf_a_ = (uint64_t)(a), wf_b_ = (uint64_t)(b); \
	if (wf_a_ != wf_b_) { \
		fprintf(stderr, "%s:%d: %s: '%s' == '%s' failed " \
			"(%" PRIu64 " != %" PRIu64 ")", __FILE__, __LINE__, \
			__func__, #a, #b, wf_a_, wf_b_); \
		WF_TEST_FAIL_AT_(__VA_ARGS__); \
	} \
} while (0)

/** @p ret is 0 (a function that returns 0 or a negative errno). */
#define WF_TEST_ASSERT_SUCCESS(ret, ...) \
	WF_TEST_ASSERT_EQUAL(ret, 0, __VA_ARGS__)

/** @p ret is not 0. */
#define WF_TEST_ASSERT_FAIL(ret, ...) \
	WF_TEST_ASSERT_NOT_EQUAL(ret, 0, __VA_ARGS__)

/** Two NUL-terminated strings are equal. */
#define WF_TEST_ASSERT_STR_EQUAL(a, b, ...) do { \
	const char *wf_a_ = (a), *wf_b_ = (b); \
	if (wf_a_ == NULL || wf_b_ == NULL || strcmp(wf_a_, wf_b_) != 0) { \
		fprintf(stderr, "%s:%d: %s: '%s' == '%s' failed " \
			"(\"%s\" != \"%s\")", __FILE__, __LINE__, __func__, \
			#a, #b, wf_a_ ? wf_a_ : "(null)", \
			wf_b_ ? wf_b_ : "(null)"); \
		WF_TEST_FAIL_AT_(__VA_ARGS__); \
	} \
} while (0)

/** @p hay contains @p needle. */
#define WF_TEST_ASSERT_STR_CONTAINS(hay, needle, ...) do { \
	const char *wf_h_ = (hay), *wf_n_ = (needle); \
	if (wf_h_ == NULL || strstr(wf_h_, wf_n_) == NULL) { \
		fprintf(stderr, "%s:%d: %s: \"%s\" not found in \"%s\"", \
			__FILE__, __LINE__, __func__, wf_n_, \
			wf_h_ ? wf_h_ : "(null)"); \
		WF_TEST_FAIL_AT_(__VA_ARGS__); \
	} \
} while (0)

/** A named test function. */
struct wf_test_case {
	const char *name;
	int (*fn)(void);
};

#define WF_TEST_CASE(fn) { #fn, fn }

/** The same, shorter. */
#define WF_TEST(fn) WF_TEST_CASE(fn)

/**
 * Run every case, print one line per case and a summary.
 *
 * @return EXIT_SUCCESS when every case passed, EXIT_FAILURE otherwise.
 */
static inline int
wf_test_run(const char *suite, const struct wf_test_case *cases,
		unsigned int nb_cases)
{
	unsigned int i, passed = 0, failed = 0;
	int ret;

	for (i = 0; i < nb_cases; i++) {
		ret = cases[i].fn();
		fflush(stderr);
		if (ret == WF_TEST_SUCCESS) {
			passed++;
			printf("ok   %s\n", cases[i].name);
		} else {
			failed++;
			printf("FAIL %s\n", cases[i].name);
		}
		fflush(stdout);
	}
	printf("%s: %u passed, %u failed\n", suite, passed, failed);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/** A main() that runs the array @p cases. */
#define WF_TEST_MAIN(suite, cases) \
int \
main(void) \
{ \
	return wf_test_run(suite, cases, \
			(unsigned int)(sizeof(cases) / sizeof((cases)[0]))); \
}

#endif /* WF_TEST_H */
