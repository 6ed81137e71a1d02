// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer: kernel module files (-m FILE.ko) as libelf and lockcore read
 * them: section headers, symbols, .modinfo and notes. Every name and index
 * the parser hands out is touched, as placing the symbols would.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "module_elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lc_ko *ko;
	struct lc_error *err = lc_ko_open_memory(data, size, "fuzz.ko", &ko);
	if (err) {
		lc_error_destroy(err);
		return 0;
	}
	volatile size_t sum = strlen(ko->name) + strlen(ko->srcversion) + strlen(ko->vermagic) +
			      strlen(ko->build_id);
	for (size_t i = 0; i < ko->nsections; i++) {
		sum += strlen(ko->sections[i].name);
		for (size_t k = 0; ko->sections[i].data && k < ko->sections[i].data_size; k++)
			sum += ko->sections[i].data[k];
	}
	for (size_t i = 0; i < ko->nsymbols; i++) {
		sum += strlen(ko->symbols[i].name);
		if (ko->symbols[i].shndx < ko->nsections)
			sum += ko->sections[ko->symbols[i].shndx].size;
	}
	sum += lc_ko_find_section(ko, ".gnu.linkonce.this_module", 0);
	(void)sum;
	lc_ko_destroy(ko);
	return 0;
}
