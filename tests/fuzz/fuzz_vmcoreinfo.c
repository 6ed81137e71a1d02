// SPDX-License-Identifier: LGPL-2.1-or-later
/* libFuzzer: VMCOREINFO text straight from the dump's note. */
#include <stddef.h>
#include <stdint.h>

#include "vmcoreinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lc_vmcoreinfo vi;
	lc_vmcoreinfo_init(&vi);
	lc_error_destroy(lc_vmcoreinfo_parse(&vi, (const char *)data, size));
	uint64_t a;
	int64_t n;
	lc_vmcoreinfo_symbol(&vi, "init_uts_ns", &a);
	lc_vmcoreinfo_number(&vi, "phys_base", &n);
	lc_vmcoreinfo_hex(&vi, "KERNELOFFSET", &a);
	(void)lc_vmcoreinfo_get(&vi, "OSRELEASE");
	lc_vmcoreinfo_deinit(&vi);
	return 0;
}
