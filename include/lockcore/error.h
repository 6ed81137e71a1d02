/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef LOCKCORE_ERROR_H
#define LOCKCORE_ERROR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Every fallible function returns a struct lc_error * (NULL on success).
 * Callers may switch on the code to fall back; the message is for humans
 * and grows context as the error travels up ("reading x: reading y: ...").
 */
enum lc_error_code {
	LC_ERR_NOMEM = 1,   /* allocation failed (static error, never allocates) */
	LC_ERR_OS,          /* a system call failed; errno is in the message */
	LC_ERR_INVALID,     /* the caller passed something unusable */
	LC_ERR_FORMAT,      /* the file is not a dump we can read, or its headers are corrupt */
	LC_ERR_FAULT,       /* memory of the dumped machine could not be read */
	LC_ERR_LOOKUP,      /* a symbol, type or member does not exist */
	LC_ERR_BAD_DATA,    /* dump contents are inconsistent (cyclic list, bad count, ...) */
	LC_ERR_UNSUPPORTED, /* valid but not handled (architecture, format, kernel layout) */
	LC_ERR_MISMATCH,    /* debuginfo does not belong to this dump */
	LC_ERR_STOP,        /* an iteration was stopped on purpose; not a failure */
};

struct lc_error;

struct lc_error *lc_error_create(enum lc_error_code code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
struct lc_error *lc_error_createv(enum lc_error_code code, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* An LC_ERR_FAULT carrying the address that could not be read. */
struct lc_error *lc_error_fault(uint64_t address, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Prepend "context: " to the message and return err, so that
 * "return lc_error_prefix(err, "reading %s", name);" reads naturally.
 * Passing NULL returns NULL.
 */
struct lc_error *lc_error_prefix(struct lc_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

enum lc_error_code lc_error_code(const struct lc_error *err);
const char *lc_error_message(const struct lc_error *err);
/* The faulting address of an LC_ERR_FAULT; false when there is none. */
bool lc_error_address(const struct lc_error *err, uint64_t *ret);
const char *lc_error_code_name(enum lc_error_code code);

void lc_error_destroy(struct lc_error *err);

/* The shared out-of-memory error; lc_error_destroy() ignores it. */
extern struct lc_error *const lc_error_nomem;

#ifdef __cplusplus
}
#endif
#endif
