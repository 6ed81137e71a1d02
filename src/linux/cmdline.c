// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel command line: saved_command_line when the symbols know it (a
 * data symbol, absent from kallsyms without KALLSYMS_ALL), else the boot
 * record "Kernel command line: ..." while the log still holds it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/kernel.h"
#include "linux/printk.h"
#include "program.h"
#include "read.h"

enum { CMDLINE_MAX = 4096 };

static const char LOG_PREFIX[] = "Kernel command line: ";

struct lc_error *lc_kernel_cmdline(struct lc_program *prog, char **ret, const char **source)
{
	*ret = NULL;
	*source = NULL;
	uint64_t var, str;
	struct lc_error *err = lc_symbol_address(prog, "saved_command_line", &var);
	if (!err)
		err = lc_read_uint(prog, var, prog->ptr_size, &str);
	if (!err) {
		char *buf = malloc(CMDLINE_MAX);
		if (!buf)
			return lc_error_nomem;
		err = lc_read_cstr(prog, str, buf, CMDLINE_MAX);
		if (!err) {
			*ret = buf;
			*source = "saved_command_line";
			return NULL;
		}
		free(buf);
	}
	lc_error_destroy(err);
	const struct lc_printk_log *log;
	err = lc_printk_get(prog, &log);
	if (err) {
		lc_error_destroy(err);
		return NULL;
	}
	for (size_t i = 0; i < log->count; i++) {
		const char *text = log->records[i].text;
		if (text && !strncmp(text, LOG_PREFIX, sizeof(LOG_PREFIX) - 1)) {
			*ret = strdup(text + sizeof(LOG_PREFIX) - 1);
			if (!*ret)
				return lc_error_nomem;
			*source = "the boot log";
			return NULL;
		}
	}
	return NULL;
}

bool lc_cmdline_has(const char *cmdline, const char *param)
{
	size_t n = strlen(param);
	for (const char *p = cmdline; (p = strstr(p, param)); p += n) {
		if ((p == cmdline || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	}
	return false;
}
