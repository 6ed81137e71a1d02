// SPDX-License-Identifier: LGPL-2.1-or-later
#include <string.h>

#include "arch/arch.h"

static const struct lc_arch_ops *const all_arches[] = {
	&lc_arch_x86_64,
	&lc_arch_arm64,
	&lc_arch_ppc64,
};

const struct lc_arch_ops *lc_arch_find(const char *kdump_arch_name)
{
	if (!kdump_arch_name)
		return NULL;
	for (size_t i = 0; i < sizeof(all_arches) / sizeof(all_arches[0]); i++) {
		for (const char *const *n = all_arches[i]->kdump_names; *n; n++) {
			if (strcmp(*n, kdump_arch_name) == 0)
				return all_arches[i];
		}
	}
	return NULL;
}

const char *lc_arch_machine(const struct lc_arch_ops *arch, bool big_endian)
{
	if (arch->id == LC_ARCH_PPC64 && !big_endian)
		return "ppc64le";
	return arch->name;
}
