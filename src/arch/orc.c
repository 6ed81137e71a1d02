// SPDX-License-Identifier: LGPL-2.1-or-later
#include "arch/orc.h"
#include "program.h"
#include "read.h"

enum {
	ORC_ENTRY_SIZE = 6,
	ORC_LOOKUP_BLOCK_SHIFT = 8,
	/* vmlinux has a few hundred thousand entries; anything past this is corrupt. */
	ORC_MAX_ENTRIES = 1 << 24,
	/* One lookup block rarely covers more than a few dozen entries. */
	ORC_MAX_BLOCK_ENTRIES = 4096,
};

const struct lc_orc_layout lc_orc_layout_6_1 = {
	.type_shift = 8, .type_bits = 2, .signal_bit = -1, .end_bit = 10,
	.numbered_from_undefined = false,
};
const struct lc_orc_layout lc_orc_layout_6_4 = {
	.type_shift = 8, .type_bits = 3, .signal_bit = 11, .end_bit = -1,
	.numbered_from_undefined = true,
};

void lc_orc_decode(const struct lc_orc_layout *layout, const uint8_t raw[6],
		   struct lc_orc_entry *ret)
{
	uint16_t bits = (uint16_t)lc_load_uint(raw + 4, 2, false);
	ret->sp_offset = (int16_t)lc_load_uint(raw, 2, false);
	ret->bp_offset = (int16_t)lc_load_uint(raw + 2, 2, false);
	ret->sp_reg = bits & 0xf;
	ret->bp_reg = (bits >> 4) & 0xf;
	unsigned type = (bits >> layout->type_shift) & ((1u << layout->type_bits) - 1);
	ret->end = layout->end_bit >= 0 && (bits >> layout->end_bit) & 1;
	ret->signal = layout->signal_bit >= 0 && (bits >> layout->signal_bit) & 1;
	static const enum lc_orc_type old_types[] = {LC_ORC_TYPE_CALL, LC_ORC_TYPE_REGS,
						     LC_ORC_TYPE_REGS_PARTIAL};
	static const enum lc_orc_type new_types[] = {
		LC_ORC_TYPE_UNDEFINED, LC_ORC_TYPE_END_OF_STACK, LC_ORC_TYPE_CALL,
		LC_ORC_TYPE_REGS, LC_ORC_TYPE_REGS_PARTIAL};
	if (layout->numbered_from_undefined)
		ret->type = type < LC_ARRAY_SIZE(new_types) ? new_types[type] : LC_ORC_TYPE_INVALID;
	else
		ret->type = type < LC_ARRAY_SIZE(old_types) ? old_types[type] : LC_ORC_TYPE_INVALID;
	/* Before 6.3 every REGS entry resumed an interrupted context. */
	if (layout->signal_bit < 0)
		ret->signal = ret->type == LC_ORC_TYPE_REGS || ret->type == LC_ORC_TYPE_REGS_PARTIAL;
}

static struct lc_error *read_u32(const struct lc_orc_table *t, uint64_t addr, uint32_t *ret)
{
	uint8_t b[4];
	struct lc_error *err = t->read(t->read_arg, addr, b, 4);
	if (!err)
		*ret = (uint32_t)lc_load_uint(b, 4, false);
	return err;
}

static uint64_t slot_ip(const struct lc_orc_table *t, uint64_t i, uint32_t raw)
{
	return t->ip_table + i * 4 + (uint64_t)(int64_t)(int32_t)raw;
}

/* Last index in [lo, hi) whose ip <= target, reading one slot at a time. */
static struct lc_error *search_slots(const struct lc_orc_table *t, uint64_t lo, uint64_t hi,
				     uint64_t ip, bool *found, uint64_t *ret)
{
	*found = false;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		uint32_t raw;
		struct lc_error *err = read_u32(t, t->ip_table + mid * 4, &raw);
		if (err)
			return err;
		if (slot_ip(t, mid, raw) <= ip) {
			*ret = mid;
			*found = true;
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return NULL;
}

/* The same over one lookup block, read in a single piece. */
static struct lc_error *search_block(const struct lc_orc_table *t, uint64_t start, uint64_t stop,
				     uint64_t ip, bool *found, uint64_t *ret)
{
	uint8_t buf[ORC_MAX_BLOCK_ENTRIES * 4];
	size_t n = (size_t)(stop - start);
	struct lc_error *err = t->read(t->read_arg, t->ip_table + start * 4, buf, n * 4);
	if (err)
		return err;
	*found = false;
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t raw = (uint32_t)lc_load_uint(buf + mid * 4, 4, false);
		if (slot_ip(t, start + mid, raw) <= ip) {
			*ret = start + mid;
			*found = true;
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return NULL;
}

struct lc_error *lc_orc_find(const struct lc_orc_table *t, uint64_t ip, bool *found,
			     struct lc_orc_entry *ret)
{
	*found = false;
	if (!t->count)
		return NULL;
	uint64_t idx = 0;
	bool hit = false;
	struct lc_error *err = NULL;
	bool searched = false;
	bool in_text = ip >= t->text_start && ip < t->text_end;
	/* The table ends with whatever came last: past its text it would answer for anything. */
	if (!in_text && !(ip >= t->init_start && ip < t->init_end))
		return NULL;
	if (t->lookup && in_text) {
		uint64_t block = (ip - t->text_start) >> ORC_LOOKUP_BLOCK_SHIFT;
		uint32_t start, stop;
		if (block + 1 < t->lookup_count) {
			err = read_u32(t, t->lookup + block * 4, &start);
			if (!err)
				err = read_u32(t, t->lookup + (block + 1) * 4, &stop);
			if (err)
				return err;
			/* The next block's first entry may still cover the end of this one. */
			uint64_t end = (uint64_t)stop + 1;
			if (start < end && end <= t->count && end - start <= ORC_MAX_BLOCK_ENTRIES) {
				err = search_block(t, start, end, ip, &hit, &idx);
				searched = true;
			}
		}
	}
	if (!searched)
		err = search_slots(t, 0, t->count, ip, &hit, &idx);
	if (err || !hit)
		return err;
	uint8_t raw[ORC_ENTRY_SIZE];
	err = t->read(t->read_arg, t->orc_table + idx * ORC_ENTRY_SIZE, raw, sizeof(raw));
	if (err)
		return err;
	lc_orc_decode(&t->layout, raw, ret);
	*found = true;
	return NULL;
}

static struct lc_error *read_prog(void *arg, uint64_t addr, void *buf, size_t len)
{
	return lc_read(arg, addr, buf, len);
}

static void probe_layout(struct lc_program *prog, struct lc_orc_layout *l)
{
	*l = lc_orc_layout_6_1;
	struct lc_types *types;
	struct lc_error *err = lc_program_types(prog, &types);
	if (err) {
		lc_error_destroy(err);
		return;
	}
	struct lc_member_info type, signal, end;
	err = lc_types_member_info(types, "struct orc_entry", "type", &type);
	if (err || type.bit_size == 0 || type.bit_offset < 40 || type.bit_offset + type.bit_size > 48) {
		lc_error_destroy(err);
		return;
	}
	l->type_shift = (unsigned)(type.bit_offset - 32);
	l->type_bits = type.bit_size;
	l->signal_bit = -1;
	l->end_bit = -1;
	err = lc_types_member_info(types, "struct orc_entry", "signal", &signal);
	if (!err && signal.bit_offset >= 32 && signal.bit_offset < 48)
		l->signal_bit = (int)(signal.bit_offset - 32);
	lc_error_destroy(err);
	err = lc_types_member_info(types, "struct orc_entry", "end", &end);
	if (!err && end.bit_offset >= 32 && end.bit_offset < 48)
		l->end_bit = (int)(end.bit_offset - 32);
	lc_error_destroy(err);
	/* 6.4 dropped the end flag when it renumbered the types around UNDEFINED. */
	l->numbered_from_undefined = l->end_bit < 0;
}

static bool have_symbol(struct lc_program *prog, const char *name, uint64_t *ret)
{
	struct lc_error *err = lc_symbol_address(prog, name, ret);
	bool ok = !err;
	lc_error_destroy(err);
	return ok;
}

struct lc_error *lc_orc_table_init(struct lc_program *prog, struct lc_orc_table *t)
{
	memset(t, 0, sizeof(*t));
	uint64_t ip_start, ip_stop, orc_start;
	struct lc_error *err;
	if ((err = lc_symbol_address(prog, "__start_orc_unwind_ip", &ip_start)) ||
	    (err = lc_symbol_address(prog, "__stop_orc_unwind_ip", &ip_stop)) ||
	    (err = lc_symbol_address(prog, "__start_orc_unwind", &orc_start)))
		return lc_error_prefix(err, "ORC tables (kernel without CONFIG_UNWINDER_ORC?)");
	if (ip_stop <= ip_start || (ip_stop - ip_start) % 4 ||
	    (ip_stop - ip_start) / 4 > ORC_MAX_ENTRIES)
		return lc_error_create(LC_ERR_BAD_DATA,
				       "ORC ip table 0x%" PRIx64 "-0x%" PRIx64 " is implausible",
				       ip_start, ip_stop);
	t->ip_table = ip_start;
	t->count = (ip_stop - ip_start) / 4;
	t->orc_table = orc_start;
	t->read = read_prog;
	t->read_arg = prog;
	uint64_t lookup, lookup_end, stext, etext;
	if (have_symbol(prog, "orc_lookup", &lookup) &&
	    have_symbol(prog, "orc_lookup_end", &lookup_end) &&
	    have_symbol(prog, "_stext", &stext) && have_symbol(prog, "_etext", &etext) &&
	    lookup_end > lookup &&
	    (lookup_end - lookup) / 4 <= ORC_MAX_ENTRIES && etext > stext) {
		t->lookup = lookup;
		t->lookup_count = (lookup_end - lookup) / 4;
		t->text_start = stext;
		t->text_end = etext;
	} else if (have_symbol(prog, "_stext", &stext) && have_symbol(prog, "_etext", &etext)) {
		t->text_start = stext;
		t->text_end = etext;
	}
	uint64_t sinit, einit;
	if (have_symbol(prog, "_sinittext", &sinit) && have_symbol(prog, "_einittext", &einit) &&
	    einit > sinit) {
		t->init_start = sinit;
		t->init_end = einit;
	}
	/* Absent lookup symbols only make each search a plain binary search. */
	probe_layout(prog, &t->layout);
	return NULL;
}
