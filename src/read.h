/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Typed reads of kernel memory: byte order, pointer size and member layout handled here. */
#ifndef LC_READ_H
#define LC_READ_H

#include "program.h"

struct lc_error *lc_read(struct lc_program *prog, uint64_t addr, void *buf, size_t len);
/* An unsigned integer of size 1, 2, 4 or 8 in the dump's byte order. */
struct lc_error *lc_read_uint(struct lc_program *prog, uint64_t addr, size_t size, uint64_t *ret);
struct lc_error *lc_read_u32(struct lc_program *prog, uint64_t addr, uint32_t *ret);
struct lc_error *lc_read_u64(struct lc_program *prog, uint64_t addr, uint64_t *ret);
/* A pointer or unsigned long. */
struct lc_error *lc_read_ulong(struct lc_program *prog, uint64_t addr, uint64_t *ret);
/* A NUL-terminated string of at most size-1 bytes; always terminates buf. */
struct lc_error *lc_read_cstr(struct lc_program *prog, uint64_t addr, char *buf, size_t size);

/* Decode an integer from a buffer holding dump bytes. */
uint64_t lc_decode_uint(const struct lc_program *prog, const void *p, size_t size);

/*
 * Read a member of a structure at addr: integers, pointers, enums and bit
 * fields of up to 8 bytes, zero-extended (or sign-extended when signed).
 */
struct lc_error *lc_read_member(struct lc_program *prog, uint64_t addr, const char *type_spec,
				const char *path, uint64_t *ret);
/* Address of a member: addr + offsetof(type, path). */
struct lc_error *lc_member_address(struct lc_program *prog, uint64_t addr, const char *type_spec,
				   const char *path, uint64_t *ret);

/* Symbol address or an LC_ERR_LOOKUP error naming it. */
struct lc_error *lc_symbol_address(struct lc_program *prog, const char *name, uint64_t *ret);

#endif
