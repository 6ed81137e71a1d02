// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Finding the kernel image in physical memory (see kernel_locate.h).
 *
 * A kernel is loaded at a physical address aligned to a power of two the
 * architecture fixes (x86_64: CONFIG_PHYSICAL_ALIGN, a multiple of 2 MiB;
 * arm64: 64 KiB or more), and its image is contiguous there, so an object
 * at link-time address A lies at a physical address congruent to A modulo
 * that alignment. Probing those positions only (one page read per 2 MiB on
 * x86_64, and only where the dump holds a page) finds the object's content
 * without scanning all memory; the architecture then confirms the candidate
 * from the kernel's own data and computes the KASLR offset.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>

#include "kernel_locate.h"
#include "program.h"
#include "read.h"

/* Enough for a corrupt dump full of banner copies, few enough to stay quick. */
enum { MAX_CANDIDATES = 16 };
/* new_utsname: six NUL-terminated fields of __NEW_UTS_LEN + 1 = 65 bytes. */
enum { UTS_FIELD = 65, UTS_NAME_SIZE = 6 * UTS_FIELD };

struct lc_error *lc_link_symbol(const struct lc_symbols *link, const char *symbol, uint64_t *ret)
{
	const struct lc_symbol *sym = lc_symbols_find(link, symbol);
	if (!sym)
		return lc_error_create(LC_ERR_LOOKUP, "the symbols have no '%s'", symbol);
	*ret = sym->address;
	return NULL;
}

struct lc_error *lc_phys_read_u64(struct lc_program *prog, uint64_t phys, uint64_t *ret)
{
	uint8_t buf[8];
	struct lc_error *err = lc_dump_read(prog->dump, LC_PHYSADDR, phys, buf, sizeof(buf));
	if (!err)
		*ret = lc_decode_uint(prog, buf, sizeof(buf));
	return err;
}

void lc_kernel_location_deinit(struct lc_kernel_location *loc)
{
	free(loc->vmcoreinfo);
	loc->vmcoreinfo = NULL;
}

/* A field of printable characters, NUL-terminated within its 65 bytes. */
static bool uts_field_ok(const char *f, bool allow_empty)
{
	size_t len = strnlen(f, UTS_FIELD);
	if (len == UTS_FIELD || (!len && !allow_empty))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isprint((unsigned char)f[i]))
			return false;
	return true;
}

/*
 * init_uts_ns: struct uts_namespace starts with its new_utsname on 6.1 and
 * after a 4-byte kref before 5.11 (ns_common took the refcount), so probe
 * the first few offsets rather than assume a layout we have no types for yet.
 */
static bool match_utsname(struct lc_program *prog, uint64_t phys, char *release)
{
	char buf[8 + UTS_NAME_SIZE];
	struct lc_error *err = lc_dump_read(prog->dump, LC_PHYSADDR, phys, buf, sizeof(buf));
	if (err) {
		lc_error_destroy(err);
		return false;
	}
	for (size_t off = 0; off <= 8; off += 4) {
		const char *n = buf + off;
		if (memcmp(n, "Linux", 6) != 0)
			continue;
		const char *rel = n + 2 * UTS_FIELD, *machine = n + 4 * UTS_FIELD;
		if (!uts_field_ok(rel, false) || !isdigit((unsigned char)rel[0]) ||
		    !uts_field_ok(n + 3 * UTS_FIELD, false) || !uts_field_ok(machine, false) ||
		    !uts_field_ok(n + UTS_FIELD, true) || !uts_field_ok(n + 5 * UTS_FIELD, true))
			continue;
		memcpy(release, rel, UTS_FIELD);
		return true;
	}
	return false;
}

/* linux_banner: "Linux version <release> ...", the whole vmlinux banner when known. */
static bool match_banner(struct lc_program *prog, uint64_t phys, const char *banner, char *release)
{
	static const char prefix[] = "Linux version ";
	char buf[256];
	size_t want = banner ? strlen(banner) : 0;
	size_t len = want && want < sizeof(buf) ? want : sizeof(prefix) - 1 + UTS_FIELD;
	struct lc_error *err = lc_dump_read(prog->dump, LC_PHYSADDR, phys, buf, len);
	if (err) {
		lc_error_destroy(err);
		return false;
	}
	buf[len] = '\0';
	if (strncmp(buf, prefix, sizeof(prefix) - 1) != 0)
		return false;
	if (want && want < sizeof(buf) && strcmp(buf, banner) != 0)
		return false;
	const char *r = buf + sizeof(prefix) - 1;
	size_t rlen = strcspn(r, " ");
	if (!rlen || rlen >= UTS_FIELD || !isdigit((unsigned char)r[0]))
		return false;
	memcpy(release, r, rlen);
	release[rlen] = '\0';
	return true;
}

struct search {
	struct lc_kernel_anchor cand[MAX_CANDIDATES];
	unsigned ncand;
	uint64_t probes;
};

/* Every physical position of symbol's object that the alignment allows and the dump holds. */
static void search_anchor(struct lc_program *prog, const char *symbol, uint64_t link_addr,
			  const char *banner, uint64_t align, struct search *s)
{
	/* Physical addresses on all three architectures fit in 52 bits. */
	const uint64_t limit = 1ull << 52;
	uint64_t in_align = link_addr & (align - 1);
	uint64_t p = in_align;
	uint64_t page_mask = ~(prog->desc->page_size - 1);
	while (p < limit && s->ncand < MAX_CANDIDATES) {
		uint64_t next;
		if (!lc_dump_next_page(prog->dump, p & page_mask, &next))
			break;
		if (next > (p & page_mask)) {
			/* The first allowed position at or after the next page held. */
			uint64_t k = (next - in_align + align - 1) / align;
			if (k > (limit - in_align) / align)
				break;
			p = in_align + k * align;
			continue;
		}
		s->probes++;
		struct lc_kernel_anchor *a = &s->cand[s->ncand];
		bool hit = strcmp(symbol, "linux_banner") == 0
				   ? match_banner(prog, p, banner, a->release)
				   : match_utsname(prog, p, a->release);
		if (hit) {
			a->symbol = symbol;
			a->link = link_addr;
			a->phys = p;
			s->ncand++;
		}
		p += align;
	}
}

/* Where the search looked, for messages. */
static const char *size_name(uint64_t n, char *buf, size_t size)
{
	if (n >= (1ull << 52))
		snprintf(buf, size, "at the unrelocated load address");
	else if (n >= (1u << 20) && !(n & ((1u << 20) - 1)))
		snprintf(buf, size, "at any %" PRIu64 " MiB-aligned load address", n >> 20);
	else
		snprintf(buf, size, "at any %" PRIu64 " KiB-aligned load address", n >> 10);
	return buf;
}

struct lc_error *lc_kernel_location_check(struct lc_program *prog,
					  const struct lc_kernel_location *loc)
{
	uint8_t phys[64], virt[64];
	uint64_t va = loc->anchor.link + loc->kaslr_offset;
	struct lc_error *err =
		lc_dump_read(prog->dump, LC_PHYSADDR, loc->anchor.phys, phys, sizeof(phys));
	if (!err)
		err = lc_read(prog, va, virt, sizeof(virt));
	if (err)
		return lc_error_prefix(err, "reading %s back at 0x%" PRIx64, loc->anchor.symbol,
				       va);
	if (memcmp(phys, virt, sizeof(phys)) != 0)
		return lc_error_create(LC_ERR_BAD_DATA,
				       "%s at 0x%" PRIx64
				       " does not read as at physical 0x%" PRIx64,
				       loc->anchor.symbol, va, loc->anchor.phys);
	return NULL;
}

struct lc_error *lc_kernel_locate(struct lc_program *prog, const struct lc_symbols *link,
				  const char *banner, struct lc_kernel_location *ret)
{
	const struct lc_arch_ops *arch = prog->arch;
	if (!arch->locate_kernel || !arch->kernel_phys_align)
		return lc_error_create(LC_ERR_UNSUPPORTED,
				       "finding the kernel without VMCOREINFO is not implemented "
				       "for %s",
				       arch->name);
	/*
	 * The banner first: with a vmlinux its whole text must match. Minimal
	 * dumps (lockcore extract) may hold only init_uts_ns, which every
	 * analysis reads.
	 */
	static const char *const anchors[] = {"linux_banner", "init_uts_ns"};
	char alignbuf[64];
	const char *alignname = size_name(arch->kernel_phys_align, alignbuf, sizeof(alignbuf));
	char tried[512] = "";
	size_t tlen = 0;
	struct lc_error *last = NULL;
	uint64_t probes = 0;
	unsigned rejected = 0;
	for (size_t i = 0; i < LC_ARRAY_SIZE(anchors); i++) {
		const struct lc_symbol *sym = lc_symbols_find(link, anchors[i]);
		if (!sym)
			continue;
		struct search s = {.ncand = 0};
		/*
		 * The probes are not kept by extract: a minimal dump needs only the
		 * anchor, which lc_kernel_location_check reads again.
		 */
		lc_dump_pause_recording(prog->dump, true);
		search_anchor(prog, anchors[i], sym->address, banner, arch->kernel_phys_align, &s);
		lc_dump_pause_recording(prog->dump, false);
		probes += s.probes;
		if (tlen < sizeof(tried))
			tlen += (size_t)snprintf(tried + tlen, sizeof(tried) - tlen,
						 "%s%s (0x%" PRIx64 ")", tlen ? ", " : "",
						 anchors[i], sym->address);
		struct lc_kernel_location found = {.vmcoreinfo = NULL};
		unsigned nfound = 0;
		for (unsigned c = 0; c < s.ncand; c++) {
			struct lc_kernel_location loc = {.vmcoreinfo = NULL};
			struct lc_error *err = arch->locate_kernel(prog, link, &s.cand[c], &loc);
			if (err) {
				rejected++;
				lc_error_destroy(last);
				last = lc_error_prefix(err, "%s content at physical 0x%" PRIx64,
						       anchors[i], s.cand[c].phys);
				continue;
			}
			if (nfound && loc.kaslr_offset != found.kaslr_offset) {
				struct lc_error *amb = lc_error_create(
					LC_ERR_BAD_DATA,
					"the kernel image is ambiguous: %s content at physical "
					"0x%" PRIx64 " gives KASLR offset 0x%" PRIx64
					", another copy gives 0x%" PRIx64,
					anchors[i], s.cand[c].phys, loc.kaslr_offset,
					found.kaslr_offset);
				lc_kernel_location_deinit(&loc);
				lc_kernel_location_deinit(&found);
				lc_error_destroy(last);
				return amb;
			}
			loc.anchor = s.cand[c];
			if (!nfound++)
				found = loc;
			else
				lc_kernel_location_deinit(&loc);
		}
		if (nfound) {
			lc_error_destroy(last);
			*ret = found;
			return NULL;
		}
	}
	if (!tlen) {
		lc_error_destroy(last);
		return lc_error_create(LC_ERR_LOOKUP,
				       "the symbols have neither linux_banner nor init_uts_ns: "
				       "cannot find the kernel in the dump");
	}
	if (last)
		return lc_error_prefix(last,
				       "cannot find the kernel in the dump (%u candidate%s for %s "
				       "rejected)",
				       rejected, rejected == 1 ? "" : "s", tried);
	return lc_error_create(LC_ERR_MISMATCH,
			       "cannot find the kernel in the dump: no kernel banner or utsname "
			       "where these symbols place them (%s, %s; "
			       "%" PRIu64
			       " positions probed): the symbols are of another build, or "
			       "those pages are not in the dump",
			       tried, alignname, probes);
}

struct lc_error *lc_kernel_location_finish(struct lc_kernel_location *ret,
					   const struct lc_symbols *link,
					   const struct lc_kernel_anchor *anchor, char *lines,
					   size_t size, int n, uint64_t offset)
{
	/* libkdumpfile finds the kernel text mapping by it (x86_64 and arm64). */
	const struct lc_symbol *stext = lc_symbols_find(link, "_stext");
	if (stext && n > 0 && (size_t)n < size)
		n += snprintf(lines + n, size - (size_t)n, "SYMBOL(_stext)=%" PRIx64 "\n",
			      stext->address + offset);
	if (n < 0 || (size_t)n >= size)
		return lc_error_create(LC_ERR_BAD_DATA, "release '%s' is implausible",
				       anchor->release);
	ret->vmcoreinfo = strdup(lines);
	if (!ret->vmcoreinfo)
		return lc_error_nomem;
	ret->kaslr_offset = offset;
	return NULL;
}
