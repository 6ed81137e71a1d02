/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A vmlinux ELF file given with -k: its symbol table, build-id and
 * linux_banner, and its debug sections ready for libdw (compressed sections
 * are inflated in memory, including zstd, which libdw 0.188 cannot read).
 */
#ifndef LC_VMLINUX_H
#define LC_VMLINUX_H

#include <stdbool.h>
#include <stdint.h>

#include <libelf.h>

#include "symbols.h"

struct lc_vmlinux;
struct lc_program;

struct lc_error *lc_vmlinux_open(const char *path, struct lc_vmlinux **ret);
void lc_vmlinux_destroy(struct lc_vmlinux *vm);

const char *lc_vmlinux_path(const struct lc_vmlinux *vm);
/* Lowercase hex of .note.gnu.build-id; NULL when the file has none. */
const char *lc_vmlinux_build_id(const struct lc_vmlinux *vm);
/* The linux_banner string ("Linux version ..."), without its newline; NULL if absent. */
const char *lc_vmlinux_banner(const struct lc_vmlinux *vm);
/* Link-time address of linux_banner (0 when absent). */
uint64_t lc_vmlinux_banner_address(const struct lc_vmlinux *vm);
uint16_t lc_vmlinux_machine(const struct lc_vmlinux *vm);
bool lc_vmlinux_big_endian(const struct lc_vmlinux *vm);
unsigned lc_vmlinux_ptr_size(const struct lc_vmlinux *vm);

/* Add every named function/object symbol, moved by offset (the KASLR offset). */
struct lc_error *lc_vmlinux_load_symbols(const struct lc_vmlinux *vm, uint64_t offset,
					 struct lc_symbols *syms);

/*
 * The ELF handle with every compressed debug section already inflated, for
 * dwarf_begin_elf(); borrowed, valid until lc_vmlinux_destroy(). NULL with
 * *err_ret set if the file has no .debug_info or a section cannot be inflated.
 * Inflating happens on the first call: opens that find types elsewhere skip it.
 */
Elf *lc_vmlinux_debug_elf(struct lc_vmlinux *vm, struct lc_error **err_ret);

/*
 * Refuse debuginfo that does not belong to the dump: the VMCOREINFO build-id
 * against the ELF's, else the banner in the dump's memory against the ELF's,
 * else OSRELEASE against the banner. LC_ERR_MISMATCH says which differed.
 */
struct lc_error *lc_vmlinux_verify(const struct lc_vmlinux *vm, struct lc_program *prog);

/*
 * The same for a System.map already loaded into prog's symbol table (KASLR
 * applied): symbols VMCOREINFO also records must agree, and linux_banner must
 * point at a banner naming the dump's release.
 */
struct lc_error *lc_system_map_verify(struct lc_program *prog, const char *path);

/* Inflate one compressed section in memory (zlib through libelf, zstd here). */
struct lc_error *lc_elf_decompress_section(Elf *elf, Elf_Scn *scn, void **owned_ret);

#endif
