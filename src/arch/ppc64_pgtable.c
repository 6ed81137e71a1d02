// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A software walk of the book3s64 kernel page tables, for what
 * libkdumpfile 0.5.1 cannot translate on ppc64 (the vmalloc and module areas
 * of radix kernels: "Page table address not specified"). The tables are the
 * kernel's own Linux-format ones, rooted at swapper_pg_dir, entries stored
 * big-endian whatever the CPU's byte order; the index widths differ between
 * radix and hash and between 4K and 64K pages, and the kernel keeps them in
 * __{pgd,pud,pmd,pte}_index_size, so they are read rather than assumed.
 */
#include "arch/arch.h"
#include "program.h"
#include "read.h"

enum {
	PAGE_PTE = 0, /* index in the bits array */
	PAGE_PMD,
	PAGE_PUD,
	PAGE_PGD,
};

/* arch/powerpc/include/asm/book3s/64/pgtable.h */
#define PPC64_PAGE_PTE 0x4000000000000000ull      /* a leaf, also at PMD/PUD level */
#define PPC64_PAGE_PRESENT 0x8000000000000000ull  /* the entry translates */
#define PPC64_TABLE_MASKED_BITS 0xc0000000000000ffull
#define PPC64_PA_MAX 53
#define PPC64_PAGE_OFFSET 0xc000000000000000ull

struct ppc64_pgtable {
	unsigned bits[4];
	uint64_t root_phys;
	unsigned page_shift;
};

static struct lc_error *setup(struct lc_program *prog, struct ppc64_pgtable *pt)
{
	static const char *const names[] = {"__pte_index_size", "__pmd_index_size",
					    "__pud_index_size", "__pgd_index_size"};
	for (unsigned i = 0; i < 4; i++) {
		uint64_t addr, v;
		struct lc_error *err = lc_symbol_address(prog, names[i], &addr);
		if (!err)
			err = lc_read_ulong(prog, addr, &v);
		if (err)
			return err;
		if (v > 16)
			return lc_error_create(LC_ERR_BAD_DATA, "%s is %" PRIu64, names[i], v);
		pt->bits[i] = (unsigned)v;
	}
	uint64_t root;
	if (!lc_vmcoreinfo_symbol(&prog->vmcoreinfo, "swapper_pg_dir", &root)) {
		struct lc_error *err = lc_symbol_address(prog, "swapper_pg_dir", &root);
		if (err)
			return err;
	}
	if (root < PPC64_PAGE_OFFSET)
		return lc_error_create(LC_ERR_BAD_DATA, "swapper_pg_dir 0x%" PRIx64 " is not linear",
				       root);
	pt->root_phys = root - PPC64_PAGE_OFFSET;
	pt->page_shift = 0;
	for (uint64_t ps = prog->desc->page_size; ps > 1; ps >>= 1)
		pt->page_shift++;
	return NULL;
}

struct lc_error *lc_ppc64_translate(struct lc_program *prog, uint64_t va, uint64_t *phys_ret)
{
	struct ppc64_pgtable pt = {0};
	struct lc_error *err = setup(prog, &pt);
	if (err)
		return lc_error_prefix(err, "walking the ppc64 page tables");
	uint64_t table = pt.root_phys;
	unsigned shift = pt.page_shift + pt.bits[PAGE_PTE] + pt.bits[PAGE_PMD] + pt.bits[PAGE_PUD];
	for (int level = PAGE_PGD; level >= PAGE_PTE; level--) {
		uint64_t idx = (va >> shift) & ((1ull << pt.bits[level]) - 1);
		uint8_t raw[8];
		err = lc_dump_read(prog->dump, LC_PHYSADDR, table + idx * 8, raw, sizeof(raw));
		if (err)
			return lc_error_prefix(err, "reading a page-table entry for 0x%" PRIx64, va);
		uint64_t e = lc_load_uint(raw, 8, true);
		if (!(e & PPC64_PAGE_PRESENT) && level == PAGE_PTE)
			return lc_error_fault(va, "address 0x%" PRIx64 " is not mapped (pte 0x%" PRIx64
					      ")", va, e);
		if (!e)
			return lc_error_fault(va, "address 0x%" PRIx64 " is not mapped", va);
		if (level == PAGE_PTE || (e & PPC64_PAGE_PTE)) {
			uint64_t rpn = e & ((1ull << PPC64_PA_MAX) - 1) & ~((1ull << shift) - 1);
			*phys_ret = rpn | (va & ((1ull << shift) - 1));
			return NULL;
		}
		table = e & ~PPC64_TABLE_MASKED_BITS;
		shift -= pt.bits[level - 1];
	}
	return lc_error_fault(va, "address 0x%" PRIx64 " is not mapped", va);
}
