/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* VMCOREINFO: "KEY=value" lines the kernel leaves for dump tools. */
#ifndef LC_VMCOREINFO_H
#define LC_VMCOREINFO_H

#include <stdint.h>

#include "util.h"

struct lc_vmcoreinfo {
	struct lc_strmap lines; /* key -> index into values */
	char **values;
	size_t nvalues, capacity;
};

void lc_vmcoreinfo_init(struct lc_vmcoreinfo *vi);
void lc_vmcoreinfo_deinit(struct lc_vmcoreinfo *vi);
/* Parse text (untrusted: stops at NUL, ignores malformed lines). */
struct lc_error *lc_vmcoreinfo_parse(struct lc_vmcoreinfo *vi, const char *text, size_t len);
/* NULL when absent. */
const char *lc_vmcoreinfo_get(const struct lc_vmcoreinfo *vi, const char *key);
/* SYMBOL(name)=hex, NUMBER(name)=dec, OFFSET(a.b)=dec, SIZE(name)=dec; false when absent. */
bool lc_vmcoreinfo_symbol(const struct lc_vmcoreinfo *vi, const char *name, uint64_t *ret);
bool lc_vmcoreinfo_number(const struct lc_vmcoreinfo *vi, const char *name, int64_t *ret);
bool lc_vmcoreinfo_hex(const struct lc_vmcoreinfo *vi, const char *key, uint64_t *ret);

#endif
