// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lockcore/error.h"

struct lc_error {
	enum lc_error_code code;
	bool has_address;
	uint64_t address;
	char *message;
};

static struct lc_error nomem_error = {
	.code = LC_ERR_NOMEM,
	.message = (char *)"out of memory",
};

struct lc_error *const lc_error_nomem = &nomem_error;

struct lc_error *lc_error_createv(enum lc_error_code code, const char *fmt, va_list ap)
{
	struct lc_error *err = calloc(1, sizeof(*err));
	if (!err)
		return lc_error_nomem;
	err->code = code;
	if (vasprintf(&err->message, fmt, ap) < 0) {
		free(err);
		return lc_error_nomem;
	}
	return err;
}

struct lc_error *lc_error_create(enum lc_error_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct lc_error *err = lc_error_createv(code, fmt, ap);
	va_end(ap);
	return err;
}

struct lc_error *lc_error_fault(uint64_t address, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct lc_error *err = lc_error_createv(LC_ERR_FAULT, fmt, ap);
	va_end(ap);
	if (err != lc_error_nomem) {
		err->has_address = true;
		err->address = address;
	}
	return err;
}

struct lc_error *lc_error_prefix(struct lc_error *err, const char *fmt, ...)
{
	if (!err || err == lc_error_nomem)
		return err;
	char *prefix;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&prefix, fmt, ap);
	va_end(ap);
	if (n < 0)
		return err; /* keep the original message rather than lose it */
	char *joined;
	if (asprintf(&joined, "%s: %s", prefix, err->message) >= 0) {
		free(err->message);
		err->message = joined;
	}
	free(prefix);
	return err;
}

enum lc_error_code lc_error_code(const struct lc_error *err)
{
	return err ? err->code : 0;
}

const char *lc_error_message(const struct lc_error *err)
{
	return err ? err->message : "success";
}

bool lc_error_address(const struct lc_error *err, uint64_t *ret)
{
	if (!err || !err->has_address)
		return false;
	*ret = err->address;
	return true;
}

const char *lc_error_code_name(enum lc_error_code code)
{
	switch (code) {
	case LC_ERR_NOMEM:
		return "nomem";
	case LC_ERR_OS:
		return "os";
	case LC_ERR_INVALID:
		return "invalid";
	case LC_ERR_FORMAT:
		return "format";
	case LC_ERR_FAULT:
		return "fault";
	case LC_ERR_LOOKUP:
		return "lookup";
	case LC_ERR_BAD_DATA:
		return "bad-data";
	case LC_ERR_UNSUPPORTED:
		return "unsupported";
	case LC_ERR_MISMATCH:
		return "mismatch";
	case LC_ERR_STOP:
		return "stop";
	}
	return "unknown";
}

void lc_error_destroy(struct lc_error *err)
{
	if (!err || err == lc_error_nomem)
		return;
	free(err->message);
	free(err);
}
