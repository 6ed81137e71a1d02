// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdio.h>

#include "vmcoreinfo.h"

void lc_vmcoreinfo_init(struct lc_vmcoreinfo *vi)
{
	memset(vi, 0, sizeof(*vi));
	lc_strmap_init(&vi->lines);
}

void lc_vmcoreinfo_deinit(struct lc_vmcoreinfo *vi)
{
	for (size_t i = 0; i < vi->nvalues; i++)
		free(vi->values[i]);
	free(vi->values);
	lc_strmap_deinit(&vi->lines);
	lc_vmcoreinfo_init(vi);
}

struct lc_error *lc_vmcoreinfo_parse(struct lc_vmcoreinfo *vi, const char *text, size_t len)
{
	const char *end = memchr(text, '\0', len);
	if (!end)
		end = text + len;
	for (const char *line = text; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *line_end = nl ? nl : end;
		const char *eq = memchr(line, '=', (size_t)(line_end - line));
		if (eq && eq > line) {
			size_t klen = (size_t)(eq - line);
			char key[256];
			if (klen < sizeof(key)) {
				memcpy(key, line, klen);
				key[klen] = '\0';
				char *value = strndup(eq + 1, (size_t)(line_end - eq - 1));
				if (!value ||
				    !lc_grow((void **)&vi->values, &vi->capacity, vi->nvalues + 1,
					     sizeof(*vi->values))) {
					free(value);
					return lc_error_nomem;
				}
				vi->values[vi->nvalues] = value;
				struct lc_error *err =
					lc_strmap_set(&vi->lines, key, (uintptr_t)vi->nvalues);
				vi->nvalues++;
				if (err)
					return err;
			}
		}
		line = line_end + 1;
	}
	return NULL;
}

const char *lc_vmcoreinfo_get(const struct lc_vmcoreinfo *vi, const char *key)
{
	uintptr_t idx;
	if (!lc_strmap_get(&vi->lines, key, &idx))
		return NULL;
	return vi->values[idx];
}

static bool parse_u64(const char *s, int base, uint64_t *ret)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, base);
	if (errno || *end)
		return false;
	*ret = v;
	return true;
}

bool lc_vmcoreinfo_hex(const struct lc_vmcoreinfo *vi, const char *key, uint64_t *ret)
{
	return parse_u64(lc_vmcoreinfo_get(vi, key), 16, ret);
}

bool lc_vmcoreinfo_symbol(const struct lc_vmcoreinfo *vi, const char *name, uint64_t *ret)
{
	char key[256];
	if ((size_t)snprintf(key, sizeof(key), "SYMBOL(%s)", name) >= sizeof(key))
		return false;
	return lc_vmcoreinfo_hex(vi, key, ret);
}

bool lc_vmcoreinfo_number(const struct lc_vmcoreinfo *vi, const char *name, int64_t *ret)
{
	char key[256];
	if ((size_t)snprintf(key, sizeof(key), "NUMBER(%s)", name) >= sizeof(key))
		return false;
	const char *s = lc_vmcoreinfo_get(vi, key);
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 0);
	if (errno || *end)
		return false;
	*ret = v;
	return true;
}
