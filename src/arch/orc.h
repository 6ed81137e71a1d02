/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * x86_64 ORC unwind tables, read straight from the dumped kernel's memory
 * (.orc_unwind_ip, .orc_unwind, .orc_lookup): no vmlinux needed.
 */
#ifndef LC_ARCH_ORC_H
#define LC_ARCH_ORC_H

#include <stdbool.h>
#include <stdint.h>

#include "unwind.h"

/* ORC base registers (arch/x86/include/asm/orc_types.h, stable since 4.14). */
enum {
	LC_ORC_REG_UNDEFINED = 0,
	LC_ORC_REG_PREV_SP = 1,
	LC_ORC_REG_DX = 2,
	LC_ORC_REG_DI = 3,
	LC_ORC_REG_BP = 4,
	LC_ORC_REG_SP = 5,
	LC_ORC_REG_R10 = 6,
	LC_ORC_REG_R13 = 7,
	LC_ORC_REG_BP_INDIRECT = 8,
	LC_ORC_REG_SP_INDIRECT = 9,
};

/* Entry types, normalized over the two numberings (see struct lc_orc_layout). */
enum lc_orc_type {
	LC_ORC_TYPE_CALL,
	LC_ORC_TYPE_REGS,
	LC_ORC_TYPE_REGS_PARTIAL,
	LC_ORC_TYPE_UNDEFINED,    /* 6.4+: no unwind information here */
	LC_ORC_TYPE_END_OF_STACK, /* 6.4+: the last frame */
	LC_ORC_TYPE_INVALID,
};

struct lc_orc_entry {
	int16_t sp_offset, bp_offset;
	uint8_t sp_reg, bp_reg;
	enum lc_orc_type type;
	bool end;    /* <= 6.3: the end-of-stack flag */
	bool signal; /* 6.3+: the next frame is resumed, not returned to */
};

/*
 * Where the bit fields sit in the 16 bits after the two offsets (x86 is
 * little-endian, so bit 0 is the low bit of byte 4). sp_reg:4 and bp_reg:4
 * never moved; the rest changed:
 *   up to 6.2: type:2 end:1                  types CALL=0 REGS=1 REGS_PARTIAL=2
 *   6.3:       type:2 signal:1 end:1         (signal added)
 *   6.4+:      type:3 signal:1               types UNDEFINED=0 END_OF_STACK=1
 *                                            CALL=2 REGS=3 REGS_PARTIAL=4
 */
struct lc_orc_layout {
	unsigned type_shift, type_bits;
	int signal_bit; /* -1 when absent */
	int end_bit;    /* -1 when absent */
	bool numbered_from_undefined; /* the 6.4+ numbering */
};

/* The 6.1 layout, used when BTF does not describe struct orc_entry. */
extern const struct lc_orc_layout lc_orc_layout_6_1;
extern const struct lc_orc_layout lc_orc_layout_6_4;

void lc_orc_decode(const struct lc_orc_layout *layout, const uint8_t raw[6],
		   struct lc_orc_entry *ret);

struct lc_orc_table {
	uint64_t ip_table; /* __start_orc_unwind_ip: s32 offsets relative to each slot */
	uint64_t count;    /* entries in both tables */
	uint64_t orc_table; /* __start_orc_unwind: 6-byte entries */
	/* orc_lookup: for each 256-byte block of [text_start, text_end), the first entry */
	uint64_t lookup, lookup_count;
	uint64_t text_start, text_end;
	/* vmlinux's .init.text, also covered (by a plain binary search); 0 when freed or unknown */
	uint64_t init_start, init_end;
	struct lc_orc_layout layout;
	lc_unwind_read_fn *read;
	void *read_arg;
};

/*
 * The entry covering ip: *found is false when ip is outside the table's text
 * (another module, BPF) or before its first entry.
 */
struct lc_error *lc_orc_find(const struct lc_orc_table *t, uint64_t ip, bool *found,
			     struct lc_orc_entry *ret);

/* Read the kernel's tables and probe the entry layout (BTF, else 6.1's). */
struct lc_error *lc_orc_table_init(struct lc_program *prog, struct lc_orc_table *ret);

#endif
