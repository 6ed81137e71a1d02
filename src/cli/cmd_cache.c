// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cache VMLINUX: write the per-build-id symbol and type caches from a -dbg
 * vmlinux before any dump exists, so the first dump of that kernel (arm64 and
 * ppc64el Debian kernels lack KALLSYMS_ALL, ppc64el lacks BTF) needs nothing else.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "dwarf_types.h"
#include "symbol_cache.h"
#include "type_cache.h"
#include "types.h"
#include "vmlinux.h"

int lc_cmd_cache(struct lc_cli *cli)
{
	if (cli->argc > 0) {
		fprintf(stderr, "usage: lockcore cache VMLINUX\n");
		return 2;
	}
	struct lc_vmlinux *vm;
	struct lc_error *err = lc_vmlinux_open(cli->dump, &vm);
	if (err)
		return lc_cli_fail(err);
	const char *id = lc_vmlinux_build_id(vm);
	if (!id) {
		lc_vmlinux_destroy(vm);
		return lc_cli_fail(lc_error_create(LC_ERR_LOOKUP,
						   "'%s' has no build-id: nothing to key a cache by",
						   cli->dump));
	}
	/* The build-id belongs to vm: name the cache files while it is alive. */
	char *sym_path = NULL, *type_path = NULL;
	lc_error_destroy(lc_cache_path(id, ".syms", &sym_path));
	lc_error_destroy(lc_type_cache_path(id, &type_path));
	size_t sym_size = 0, type_size = 0;
	err = lc_symbol_cache_store_vmlinux(id, vm, &sym_size);
	if (err) {
		lc_vmlinux_destroy(vm);
		free(sym_path);
		free(type_path);
		return lc_cli_fail(lc_error_prefix(err, "writing the symbol cache"));
	}
	Elf *elf = lc_vmlinux_debug_elf(vm, &err);
	struct lc_type_source *dwarf = NULL;
	if (!err)
		err = lc_dwarf_create(elf, &dwarf);
	if (!err)
		err = lc_type_cache_store(id, dwarf, &type_size);
	if (dwarf)
		dwarf->ops->destroy(dwarf);
	if (err) {
		lc_vmlinux_destroy(vm);
		free(sym_path);
		free(type_path);
		return lc_cli_fail(lc_error_prefix(err, "writing the type cache"));
	}
	if (!cli->quiet)
		printf("build-id %s\n  symbols %s (%zu KiB)\n  types   %s (%zu KiB)\n", id,
		       sym_path ? sym_path : "?", (sym_size + 1023) / 1024,
		       type_path ? type_path : "?", (type_size + 1023) / 1024);
	free(sym_path);
	free(type_path);
	lc_vmlinux_destroy(vm);
	return 0;
}
