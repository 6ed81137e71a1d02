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
#include <inttypes.h>
#include <stdio.h>

#include "arch/arch.h"
#include "kernel_locate.h"
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

/*
 * Before the symbols are known (kallsyms is found through reads of the
 * kernel image) the linear map's end is not: every book3s64 layout maps at
 * least its first 1 TiB linearly (hash 4K, the smallest, up to
 * H_KERN_VIRT_START 0xc0003d0000000000), and the image and kallsyms live at
 * its start.
 */
#define PPC64_BOOT_LINEAR_SIZE (1ull << 40)

struct ppc64_pgtable {
	unsigned bits[4];
	uint64_t root_phys;
	unsigned page_shift;
};

/*
 * A variable of the kernel image, read at its linear-map physical address:
 * the walk must not depend on the translation it implements (libkdumpfile
 * may have none at all: 0.5.1 rejects ppc64 with 4K pages).
 */
static struct lc_error *read_image_ulong(struct lc_program *prog, const char *name,
					 uint64_t *ret)
{
	uint64_t addr;
	uint8_t raw[8];
	struct lc_error *err = lc_symbol_address(prog, name, &addr);
	if (err)
		return err;
	if (addr < PPC64_PAGE_OFFSET)
		return lc_error_create(LC_ERR_BAD_DATA, "%s at 0x%" PRIx64 " is not linear", name,
				       addr);
	err = lc_dump_read(prog->dump, LC_PHYSADDR, addr - PPC64_PAGE_OFFSET, raw, sizeof(raw));
	if (err)
		return err;
	*ret = lc_load_uint(raw, 8, prog->big_endian);
	return NULL;
}

/* End of the linear map: __kernel_virt_start, where vmalloc and I/O begin. */
static uint64_t linear_end(struct lc_program *prog)
{
	uint64_t end;
	struct lc_error *err = read_image_ulong(prog, "__kernel_virt_start", &end);
	if (err || end <= PPC64_PAGE_OFFSET) {
		lc_error_destroy(err);
		return PPC64_PAGE_OFFSET + PPC64_BOOT_LINEAR_SIZE;
	}
	return end;
}

static struct lc_error *setup(struct lc_program *prog, struct ppc64_pgtable *pt)
{
	static const char *const names[] = {"__pte_index_size", "__pmd_index_size",
					    "__pud_index_size", "__pgd_index_size"};
	for (unsigned i = 0; i < 4; i++) {
		uint64_t v;
		struct lc_error *err = read_image_ulong(prog, names[i], &v);
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
	/*
	 * All RAM is mapped at PAGE_OFFSET + its physical address (__va()). The
	 * first TiB needs no lookup, which ends the recursion below: symbol
	 * lookups may decode kallsyms from the dump, and those reads come back
	 * here.
	 */
	if (va >= PPC64_PAGE_OFFSET && va - PPC64_PAGE_OFFSET < PPC64_BOOT_LINEAR_SIZE) {
		*phys_ret = va - PPC64_PAGE_OFFSET;
		return NULL;
	}
	bool nested = prog->in_arch_translate;
	prog->in_arch_translate = false;
	uint64_t end = linear_end(prog);
	struct ppc64_pgtable pt = {0};
	struct lc_error *err = va >= PPC64_PAGE_OFFSET && va < end ? NULL : setup(prog, &pt);
	prog->in_arch_translate = nested;
	if (!err && va >= PPC64_PAGE_OFFSET && va < end) {
		*phys_ret = va - PPC64_PAGE_OFFSET;
		return NULL;
	}
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

/*
 * Without VMCOREINFO (kernel_locate.h). Book3s64 kernels have no KASLR and
 * run at physical 0: the exception vectors live at real address 0, so a
 * relocatable kernel copies itself there at boot (only a kdump capture
 * kernel runs elsewhere, and it is not what a dump holds). The anchor is
 * therefore looked for at one place, its link address minus PAGE_OFFSET
 * (kernel_phys_align = 2^52 makes that the only candidate); finding it
 * there proves the offset 0 that VMCOREINFO would say, and libkdumpfile
 * translates the linear map without further help.
 */
struct lc_error *lc_ppc64_locate_kernel(struct lc_program *prog, const struct lc_symbols *link,
					const struct lc_kernel_anchor *anchor,
					struct lc_kernel_location *ret)
{
	(void)prog;
	if (anchor->link < PPC64_PAGE_OFFSET || anchor->link - PPC64_PAGE_OFFSET != anchor->phys)
		return lc_error_create(
			LC_ERR_UNSUPPORTED,
			"the kernel is not at physical 0 (relocated ppc64 kernels are "
			"not supported)");
	/*
	 * The page size (4 or 64 KiB, a build option) is not in the dump's ELF
	 * headers: empty_zero_page is one page, page-aligned, and the next
	 * page-aligned .bss object follows it.
	 */
	const struct lc_symbol *zero = lc_symbols_find(link, "empty_zero_page");
	if (!zero || (zero->size != 4096 && zero->size != 65536))
		return lc_error_create(LC_ERR_LOOKUP,
				       "cannot tell the page size: empty_zero_page is %s",
				       zero ? "neither 4 nor 64 KiB long" : "not in the symbols");
	char lines[160];
	int n = snprintf(lines, sizeof(lines), "OSRELEASE=%s\nPAGESIZE=%" PRIu64 "\n",
			 anchor->release, zero->size);
	if (n < 0 || (size_t)n >= sizeof(lines))
		return lc_error_create(LC_ERR_BAD_DATA, "release '%s' is implausible",
				       anchor->release);
	ret->vmcoreinfo = strdup(lines);
	if (!ret->vmcoreinfo)
		return lc_error_nomem;
	ret->kaslr_offset = 0;
	snprintf(ret->how, sizeof(ret->how),
		 "%s found at physical 0x%" PRIx64
		 ", where PAGE_OFFSET maps it: not relocated (ppc64 has no KASLR); %" PRIu64
		 " KiB pages (the size of empty_zero_page)",
		 anchor->symbol, anchor->phys, zero->size >> 10);
	return NULL;
}
