/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where the kernel is in a dump without VMCOREINFO (QEMU without the
 * vmcoreinfo device, a /proc/vmcore that lost its note). The link-time
 * symbols of a System.map or vmlinux say what the kernel image holds and at
 * which distances; the dump's physical memory says where an object of it
 * really is; the architecture then reads the kernel's own data (page tables,
 * kimage_voffset) to learn where that image is mapped (KASLR).
 */
#ifndef LC_KERNEL_LOCATE_H
#define LC_KERNEL_LOCATE_H

#include <stdint.h>

#include "lockcore/error.h"

struct lc_program;
struct lc_symbols;

/* A kernel object whose content was recognised in physical memory. */
struct lc_kernel_anchor {
	const char *symbol; /* "linux_banner" or "init_uts_ns" */
	uint64_t link;	    /* its link-time address (System.map / vmlinux) */
	uint64_t phys;	    /* where its content is in the dump */
	char release[65];   /* the release it names */
};

struct lc_kernel_location {
	struct lc_kernel_anchor anchor; /* what was found (set by lc_kernel_locate) */
	uint64_t kaslr_offset; /* runtime - link-time virtual address of the kernel image */
	char *vmcoreinfo;      /* VMCOREINFO lines that let libkdumpfile translate (malloc'd) */
	char how[384];	       /* how it was found, for `lockcore info` */
};

/*
 * Find the kernel image of this dump from link-time symbols. banner is the
 * vmlinux's linux_banner text when known (NULL for a System.map). On
 * failure the error says exactly what was looked for and not found.
 */
struct lc_error *lc_kernel_locate(struct lc_program *prog, const struct lc_symbols *link,
				  const char *banner, struct lc_kernel_location *ret);
void lc_kernel_location_deinit(struct lc_kernel_location *loc);
/*
 * Once the dump translates with what was found: the anchor read through
 * its virtual address must be the bytes found in physical memory.
 */
struct lc_error *lc_kernel_location_check(struct lc_program *prog,
					  const struct lc_kernel_location *loc);

/* Per architecture (src/arch/): from one anchor to the whole location. */
struct lc_error *lc_x86_64_locate_kernel(struct lc_program *prog, const struct lc_symbols *link,
					 const struct lc_kernel_anchor *anchor,
					 struct lc_kernel_location *ret);
struct lc_error *lc_arm64_locate_kernel(struct lc_program *prog, const struct lc_symbols *link,
					const struct lc_kernel_anchor *anchor,
					struct lc_kernel_location *ret);
struct lc_error *lc_ppc64_locate_kernel(struct lc_program *prog, const struct lc_symbols *link,
					const struct lc_kernel_anchor *anchor,
					struct lc_kernel_location *ret);

/* Helpers for the architectures. */
/*
 * The arch locators' common end: lines (the arch's VMCOREINFO lines, n of
 * them written, or a negative snprintf result) get SYMBOL(_stext) at the
 * found offset and become ret's vmcoreinfo; ret->kaslr_offset is set.
 */
struct lc_error *lc_kernel_location_finish(struct lc_kernel_location *ret,
					   const struct lc_symbols *link,
					   const struct lc_kernel_anchor *anchor, char *lines,
					   size_t size, int n, uint64_t offset);

struct lc_error *lc_phys_read_u64(struct lc_program *prog, uint64_t phys, uint64_t *ret);
/* The link-time address of symbol, or an error naming it. */
struct lc_error *lc_link_symbol(const struct lc_symbols *link, const char *symbol, uint64_t *ret);

#endif
