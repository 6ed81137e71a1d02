/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A minimal check harness: every failed check prints a line; main returns the count. */
#ifndef LC_TESTS_CHECK_H
#define LC_TESTS_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			check_failures++;                                                          \
		}                                                                                  \
	} while (0)

#define CHECK_EQ_U64(a, b)                                                                         \
	do {                                                                                       \
		uint64_t check_a_ = (a), check_b_ = (b);                                           \
		if (check_a_ != check_b_) {                                                        \
			fprintf(stderr, "%s:%d: %s == 0x%" PRIx64 ", expected 0x%" PRIx64 "\n",    \
				__FILE__, __LINE__, #a, check_a_, check_b_);                       \
			check_failures++;                                                          \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *check_a_ = (a), *check_b_ = (b);                                       \
		if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {                   \
			fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__,        \
				__LINE__, #a, check_a_ ? check_a_ : "(null)",                      \
				check_b_ ? check_b_ : "(null)");                                   \
			check_failures++;                                                          \
		}                                                                                  \
	} while (0)

/* The call must succeed; on failure print its message. */
#define CHECK_OK(expr)                                                                             \
	do {                                                                                       \
		struct lc_error *check_err_ = (expr);                                              \
		if (check_err_) {                                                                  \
			fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #expr,       \
				lc_error_message(check_err_));                                     \
			lc_error_destroy(check_err_);                                              \
			check_failures++;                                                          \
		}                                                                                  \
	} while (0)

/* The call must fail with the given code; the message is checked for a fragment. */
#define CHECK_ERR(expr, code, fragment)                                                            \
	do {                                                                                       \
		struct lc_error *check_err_ = (expr);                                              \
		if (!check_err_) {                                                                 \
			fprintf(stderr, "%s:%d: %s succeeded, expected an error\n", __FILE__,      \
				__LINE__, #expr);                                                  \
			check_failures++;                                                          \
		} else {                                                                           \
			if (lc_error_code(check_err_) != (code) ||                                 \
			    !strstr(lc_error_message(check_err_), (fragment))) {                   \
				fprintf(stderr, "%s:%d: %s: unexpected error [%s] %s\n", __FILE__, \
					__LINE__, #expr,                                           \
					lc_error_code_name(lc_error_code(check_err_)),             \
					lc_error_message(check_err_));                             \
				check_failures++;                                                  \
			}                                                                          \
			lc_error_destroy(check_err_);                                              \
		}                                                                                  \
	} while (0)

#define CHECK_DONE()                                                                               \
	do {                                                                                       \
		if (check_failures)                                                                \
			fprintf(stderr, "%d check(s) failed\n", check_failures);                   \
		return check_failures ? 1 : 0;                                                     \
	} while (0)

#endif
