// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * arm64: where KASLR put the kernel, from the kernel's own page tables.
 *
 * swapper_pg_dir (what TTBR1 points to) is part of the image, at the same
 * distance from the anchor as in the System.map. The walk needs the
 * translation granule and the number of virtual address bits, which only
 * TCR_EL1 holds and no CPU note carries: every combination the architecture
 * allows is tried, and the one whose tables map the anchor into the kernel
 * image range, and swapper_pg_dir onto itself, is the answer. The variables
 * that say the same (kimage_voffset, vabits_actual) are rarely in a
 * filtered dump's pages, the tables always are: every translation reads them.
 */
#include <inttypes.h>
#include <stdio.h>

#include "arch/arch.h"
#include "kernel_locate.h"
#include "program.h"
#include "read.h"

/* Output address bits 47..12 of a descriptor (52-bit PA formats are not handled). */
#define DESC_ADDR 0x0000fffffffff000ull
/* A walk reading more tables than this is not following real page tables. */
enum { MAX_TABLES = 4096 };

struct walk {
	struct lc_program *prog;
	uint64_t root;
	unsigned page_shift; /* 12, 14 or 16 */
	unsigned va_bits;    /* 36..52 */
	unsigned levels;
	uint64_t target; /* physical address looked for */
	uint64_t lo;	 /* lowest virtual address of interest */
	uint64_t hit_va;
	unsigned hits;
	unsigned tables;
	uint8_t *buf; /* one table per level */
};

static unsigned bits_per_level(const struct walk *w)
{
	return w->page_shift - 3;
}

/* Lowest virtual-address bit that a level-l (1 = leaf) entry indexes. */
static unsigned level_shift(const struct walk *w, unsigned l)
{
	return w->page_shift + bits_per_level(w) * (l - 1);
}

static unsigned level_entries(const struct walk *w, unsigned l)
{
	unsigned bits = l == w->levels ? w->va_bits - level_shift(w, l) : bits_per_level(w);
	return 1u << bits;
}

static uint64_t va_of(const struct walk *w, uint64_t prefix)
{
	/* TTBR1 addresses: every bit above va_bits is one. */
	return prefix | (~0ull << w->va_bits);
}

/* Find the virtual addresses >= lo that map target, under the table at phys. */
static struct lc_error *scan(struct walk *w, uint64_t table, unsigned l, uint64_t prefix)
{
	if (++w->tables > MAX_TABLES)
		return lc_error_create(LC_ERR_BAD_DATA, "more than %u page tables", MAX_TABLES);
	size_t n = level_entries(w, l);
	uint8_t *t = w->buf + (size_t)(w->levels - l) * (1u << 16);
	struct lc_error *err =
		lc_dump_read(w->prog->dump, LC_PHYSADDR, table & DESC_ADDR, t, n * 8);
	if (err)
		return err;
	unsigned shift = level_shift(w, l);
	uint64_t span = 1ull << shift;
	for (size_t i = 0; i < n; i++) {
		uint64_t va = prefix | ((uint64_t)i << shift);
		/* Entries wholly below the range of interest are skipped unread. */
		if (va_of(w, va) + (span - 1) < w->lo)
			continue;
		uint64_t d = lc_decode_uint(w->prog, t + 8 * i, 8);
		if (!(d & 1))
			continue;
		bool table_desc = (d & 3) == 3 && l > 1;
		if (table_desc) {
			/* A table missing from a filtered dump maps nothing we could read. */
			err = scan(w, d, l - 1, va);
			if (err && lc_error_code(err) == LC_ERR_FAULT) {
				lc_error_destroy(err);
				continue;
			}
			if (err)
				return err;
			continue;
		}
		/* A page (level 1) or a block (levels 2-3, valid bit only). */
		if (l > 3 || (l == 1 && (d & 3) != 3))
			continue;
		uint64_t base = d & DESC_ADDR & ~(span - 1);
		if (w->target >= base && w->target - base < span) {
			w->hit_va = va_of(w, va) + (w->target - base);
			w->hits++;
		}
	}
	return NULL;
}

static struct lc_error *translate(struct walk *w, uint64_t va, uint64_t *phys)
{
	uint64_t table = w->root;
	for (unsigned l = w->levels; l >= 1; l--) {
		unsigned shift = level_shift(w, l);
		uint64_t idx = (va >> shift) & (level_entries(w, l) - 1);
		uint64_t d;
		struct lc_error *err = lc_phys_read_u64(w->prog, (table & DESC_ADDR) + 8 * idx, &d);
		if (err)
			return err;
		if (!(d & 1))
			return lc_error_fault(va, "0x%" PRIx64 " is not mapped", va);
		if ((d & 3) == 1 || l == 1) {
			uint64_t span = 1ull << shift;
			*phys = (d & DESC_ADDR & ~(span - 1)) | (va & (span - 1));
			return NULL;
		}
		table = d;
	}
	return lc_error_create(LC_ERR_BAD_DATA, "page-table walk did not end");
}

struct lc_error *lc_arm64_locate_kernel(struct lc_program *prog, const struct lc_symbols *link,
					const struct lc_kernel_anchor *anchor,
					struct lc_kernel_location *ret)
{
	uint64_t root_link;
	struct lc_error *err = lc_link_symbol(link, "swapper_pg_dir", &root_link);
	if (err)
		return err;
	uint64_t root = anchor->phys + (root_link - anchor->link);
	static const unsigned shifts[] = {12, 16, 14};
	static const unsigned vabits[] = {48, 52, 47, 42, 39, 36};
	uint8_t *buf = malloc(4u << 16);
	if (!buf)
		return lc_error_nomem;
	struct walk found = {.levels = 0};
	struct lc_error *why = NULL;
	for (size_t s = 0; s < LC_ARRAY_SIZE(shifts); s++) {
		for (size_t v = 0; v < LC_ARRAY_SIZE(vabits); v++) {
			struct walk w = {
				.prog = prog,
				.root = root,
				.page_shift = shifts[s],
				.va_bits = vabits[v],
				.target = anchor->phys,
				.lo = anchor->link & ~((1ull << shifts[s]) - 1),
				.buf = buf,
			};
			/* The link-time address must be a TTBR1 address of this size. */
			if ((anchor->link | ((1ull << w.va_bits) - 1)) != ~0ull)
				continue;
			/* Levels: what the granule resolves per level, up to va_bits. */
			unsigned per = w.page_shift - 3;
			w.levels = (w.va_bits - w.page_shift + per - 1) / per;
			if (w.levels < 2 || w.levels > 4)
				continue;
			struct lc_error *e = scan(&w, root, w.levels, 0);
			if (e) {
				lc_error_destroy(why);
				why = lc_error_prefix(e, "%u KiB pages, %u-bit addresses",
						      1u << (w.page_shift - 10), w.va_bits);
				continue;
			}
			if (w.hits != 1)
				continue;
			/* The same tables must map swapper_pg_dir onto itself. */
			uint64_t self = 0;
			e = translate(&w, root_link + (w.hit_va - anchor->link), &self);
			if (e || self != root) {
				lc_error_destroy(e);
				continue;
			}
			found = w;
			break;
		}
		if (found.levels)
			break;
	}
	free(buf);
	if (!found.levels) {
		err = lc_error_create(
			why ? lc_error_code(why) : LC_ERR_BAD_DATA,
			"swapper_pg_dir at physical 0x%" PRIx64
			" does not map it into the kernel image range with any granule and "
			"address size%s%s",
			root, why ? "; last failure: " : "", why ? lc_error_message(why) : "");
		lc_error_destroy(why);
		return err;
	}
	lc_error_destroy(why);
	uint64_t va = found.hit_va;
	uint64_t offset = va - anchor->link;
	uint64_t kimage_voffset = va - anchor->phys;
	char lines[640];
	int n = snprintf(lines, sizeof(lines),
			 "OSRELEASE=%s\nPAGESIZE=%u\nSYMBOL(swapper_pg_dir)=%" PRIx64
			 "\nNUMBER(VA_BITS)=%u\nNUMBER(kimage_voffset)=0x%" PRIx64
			 "\nKERNELOFFSET=%" PRIx64 "\n",
			 anchor->release, 1u << found.page_shift, root_link + offset, found.va_bits,
			 kimage_voffset, offset);
	err = lc_kernel_location_finish(ret, link, anchor, lines, sizeof(lines), n, offset);
	if (err)
		return err;
	snprintf(ret->how, sizeof(ret->how),
		 "%s found at physical 0x%" PRIx64 ", mapped at 0x%" PRIx64
		 " by swapper_pg_dir (%u KiB pages, %u-bit addresses); kimage_voffset 0x%" PRIx64,
		 anchor->symbol, anchor->phys, va, 1u << (found.page_shift - 10), found.va_bits,
		 kimage_voffset);
	return NULL;
}
