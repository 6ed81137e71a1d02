// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * x86_64: where KASLR put the kernel, from the kernel's own page tables.
 *
 * The image is physically contiguous, so once an anchor object is found in
 * physical memory (kernel_locate.c), init_top_pgt (the kernel's top-level
 * page table, init_level4_pgt before 4.13) is at the same distance from it
 * as in the System.map. Its entries for the kernel text mapping
 * (__START_KERNEL_map, 1 GiB with KASLR) say which virtual address maps the
 * anchor's physical page: that is the KASLR offset, and with it phys_base.
 * No register is needed, so this works for kdump and QEMU dumps alike.
 */
#include <inttypes.h>
#include <stdio.h>

#include "arch/arch.h"
#include "kernel_locate.h"
#include "program.h"
#include "read.h"

/* __START_KERNEL_map (arch/x86/include/asm/page_64_types.h), the same for 4 and 5 levels. */
#define KERNEL_MAP 0xffffffff80000000ull
/* KERNEL_IMAGE_SIZE with CONFIG_RANDOMIZE_BASE: the whole range KASLR may use. */
#define KERNEL_MAP_SIZE (1ull << 30)

#define PTE_PRESENT 0x1ull
#define PTE_PSE 0x80ull
/* Physical address bits 12-51 of an entry (the SME encryption bit stays out of reach). */
#define PTE_ADDR 0x000ffffffffff000ull

struct walk {
	struct lc_program *prog;
	uint64_t root;
	unsigned levels; /* 4 or 5 */
};

static unsigned index_at(uint64_t va, unsigned level)
{
	return (unsigned)(va >> (12 + 9 * (level - 1))) & 511;
}

static struct lc_error *entry(struct walk *w, uint64_t table, unsigned idx, uint64_t *ret)
{
	return lc_phys_read_u64(w->prog, (table & PTE_ADDR) + 8ull * idx, ret);
}

/* Translate va through the tables; false (with why) when it is not mapped. */
static struct lc_error *translate(struct walk *w, uint64_t va, uint64_t *phys)
{
	uint64_t table = w->root;
	for (unsigned level = w->levels; level >= 1; level--) {
		uint64_t e;
		struct lc_error *err = entry(w, table, index_at(va, level), &e);
		if (err)
			return err;
		if (!(e & PTE_PRESENT))
			return lc_error_fault(
				va, "0x%" PRIx64 " is not mapped (level %u entry 0x%" PRIx64 ")",
				va, level, e);
		/* 1 GiB (level 3) and 2 MiB (level 2) pages end the walk early. */
		if (level == 1 || ((level == 2 || level == 3) && (e & PTE_PSE))) {
			uint64_t size = 1ull << (12 + 9 * (level - 1));
			*phys = ((e & PTE_ADDR) & ~(size - 1)) | (va & (size - 1));
			return NULL;
		}
		table = e;
	}
	return lc_error_create(LC_ERR_BAD_DATA, "page-table walk did not end");
}

/*
 * Every virtual address of the kernel text mapping that maps phys. The
 * mapping is 2 MiB pages, split into 4 KiB ones at section boundaries;
 * only the one page-middle-directory table covering it needs reading
 * entry by entry.
 */
static struct lc_error *find_mapping(struct walk *w, uint64_t phys, uint64_t *va_ret,
				     unsigned *hits)
{
	*hits = 0;
	uint64_t table = w->root;
	for (unsigned level = w->levels; level > 2; level--) {
		uint64_t e;
		struct lc_error *err = entry(w, table, index_at(KERNEL_MAP, level), &e);
		if (err)
			return err;
		if (!(e & PTE_PRESENT))
			return lc_error_create(
				LC_ERR_BAD_DATA,
				"no kernel text mapping (level %u entry 0x%" PRIx64 ")", level, e);
		if (level == 3 && (e & PTE_PSE)) {
			uint64_t base = e & PTE_ADDR & ~(KERNEL_MAP_SIZE - 1);
			if (phys >= base && phys - base < KERNEL_MAP_SIZE) {
				*va_ret = KERNEL_MAP + (phys - base);
				*hits = 1;
			}
			return NULL;
		}
		table = e;
	}
	uint8_t pmd[4096], pte[4096];
	struct lc_error *err =
		lc_dump_read(w->prog->dump, LC_PHYSADDR, table & PTE_ADDR, pmd, sizeof(pmd));
	if (err)
		return err;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = lc_decode_uint(w->prog, pmd + 8 * i, 8);
		uint64_t va = KERNEL_MAP + ((uint64_t)i << 21);
		if (!(e & PTE_PRESENT))
			continue;
		if (e & PTE_PSE) {
			uint64_t base = e & PTE_ADDR & ~((1ull << 21) - 1);
			if (phys >= base && phys - base < (1ull << 21)) {
				*va_ret = va + (phys - base);
				++*hits;
			}
			continue;
		}
		/* A 4 KiB table missing from a minimal dump cannot hold the anchor's page. */
		err = lc_dump_read(w->prog->dump, LC_PHYSADDR, e & PTE_ADDR, pte, sizeof(pte));
		if (err) {
			lc_error_destroy(err);
			continue;
		}
		for (unsigned j = 0; j < 512; j++) {
			uint64_t p = lc_decode_uint(w->prog, pte + 8 * j, 8);
			if ((p & PTE_PRESENT) && (p & PTE_ADDR) == (phys & ~0xfffull)) {
				*va_ret = va + ((uint64_t)j << 12) + (phys & 0xfff);
				++*hits;
			}
		}
	}
	return NULL;
}

struct lc_error *lc_x86_64_locate_kernel(struct lc_program *prog, const struct lc_symbols *link,
					 const struct lc_kernel_anchor *anchor,
					 struct lc_kernel_location *ret)
{
	const char *root_name = "init_top_pgt";
	uint64_t root_link;
	if (lc_link_symbol(link, root_name, &root_link)) {
		root_name = "init_level4_pgt";
		struct lc_error *err = lc_link_symbol(link, root_name, &root_link);
		if (err)
			return lc_error_prefix(err, "no init_top_pgt either");
	}
	struct walk w = {.prog = prog, .root = anchor->phys + (root_link - anchor->link)};
	/*
	 * 4 or 5 levels: read as the wrong one, the tables do not map the
	 * kernel text range (a 5-level root's entry 511 points to a P4D whose
	 * entry 510 is empty), so the level count that finds the anchor is it.
	 */
	uint64_t va = 0;
	unsigned hits = 0, levels = 0;
	struct lc_error *why = NULL;
	for (unsigned l = 4; l <= 5; l++) {
		w.levels = l;
		uint64_t v;
		unsigned h;
		struct lc_error *err = find_mapping(&w, anchor->phys, &v, &h);
		if (err) {
			lc_error_destroy(why);
			why = lc_error_prefix(err, "%u-level walk", l);
			continue;
		}
		if (h && levels)
			return lc_error_create(LC_ERR_BAD_DATA,
					       "%s at 0x%" PRIx64 " reads as 4- and 5-level tables",
					       root_name, w.root);
		if (h) {
			va = v;
			hits = h;
			levels = l;
		}
	}
	if (!levels) {
		struct lc_error *err = lc_error_create(
			why ? lc_error_code(why) : LC_ERR_BAD_DATA,
			"%s at physical 0x%" PRIx64
			" does not map it into the kernel text range%s%s",
			root_name, w.root, why ? ": " : "", why ? lc_error_message(why) : "");
		lc_error_destroy(why);
		return err;
	}
	lc_error_destroy(why);
	w.levels = levels;
	if (hits > 1)
		return lc_error_create(LC_ERR_BAD_DATA,
				       "%s maps physical 0x%" PRIx64 " at %u kernel text addresses",
				       root_name, anchor->phys, hits);
	uint64_t offset = va - anchor->link;
	/* The same tables must also map the root itself where the offset puts it. */
	uint64_t check = 0;
	struct lc_error *err = translate(&w, root_link + offset, &check);
	if (!err && check != w.root)
		err = lc_error_create(LC_ERR_BAD_DATA,
				      "%s+0x%" PRIx64 " maps to 0x%" PRIx64
				      ", not to itself (0x%" PRIx64 ")",
				      root_name, offset, check, w.root);
	if (err)
		return lc_error_prefix(err, "KASLR offset 0x%" PRIx64 " does not hold", offset);
	/* phys = va - __START_KERNEL_map + phys_base for the whole image. */
	uint64_t phys_base = anchor->phys - (va - KERNEL_MAP);

	char lines[512];
	int n = snprintf(lines, sizeof(lines),
			 "OSRELEASE=%s\nPAGESIZE=4096\nSYMBOL(%s)=%" PRIx64
			 "\nNUMBER(phys_base)=%" PRId64 "\nNUMBER(pgtable_l5_enabled)=%d\n"
			 "KERNELOFFSET=%" PRIx64 "\n",
			 anchor->release, root_name, root_link + offset, (int64_t)phys_base,
			 levels == 5, offset);
	err = lc_kernel_location_finish(ret, link, anchor, lines, sizeof(lines), n, offset);
	if (err)
		return err;
	snprintf(ret->how, sizeof(ret->how),
		 "%s found at physical 0x%" PRIx64 ", mapped at 0x%" PRIx64
		 " by %s (%u-level); phys_base 0x%" PRIx64,
		 anchor->symbol, anchor->phys, va, root_name, levels, phys_base);
	return NULL;
}
