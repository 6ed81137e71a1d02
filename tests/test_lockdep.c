// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * lockdep held_locks on synthetic types and bytes: the layout probe (absent,
 * present, incomplete) and struct held_lock's bit fields in both byte orders.
 * No Debian kernel has lockdep: this is the only proof the decoding has.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "linux/lockdep.h"
#include "synth_types.h"
#include "util.h"

static const struct lc_type t_u8 = {.kind = LC_TYPE_INT, .name = "unsigned char", .size = 1};
static const struct lc_type t_uint = {.kind = LC_TYPE_INT, .name = "unsigned int", .size = 4};
static const struct lc_type t_int = {
	.kind = LC_TYPE_INT, .name = "int", .size = 4, .is_signed = true};
static const struct lc_type t_ulong = {.kind = LC_TYPE_INT, .name = "long unsigned int", .size = 8};
static const struct lc_type t_u64 = {
	.kind = LC_TYPE_INT, .name = "long long unsigned int", .size = 8};
static const struct lc_type t_char = {
	.kind = LC_TYPE_INT, .name = "char", .size = 1, .is_signed = true};
static const struct lc_type t_str = {.kind = LC_TYPE_POINTER, .size = 8, .target = &t_char};
static const struct lc_type t_void = {.kind = LC_TYPE_VOID};
static const struct lc_type t_voidp = {.kind = LC_TYPE_POINTER, .size = 8, .target = &t_void};
static const struct lc_type t_voidp2 = {
	.kind = LC_TYPE_ARRAY, .size = 16, .length = 2, .target = &t_voidp};

/* struct lockdep_map (include/linux/lockdep_types.h, 6.12, no LOCK_STAT) */
static const struct lc_member map_members[] = {
	{.name = "key", .bit_offset = 0, .type = &t_voidp},
	{.name = "class_cache", .bit_offset = 64, .type = &t_voidp2},
	{.name = "name", .bit_offset = 192, .type = &t_str},
	{.name = "wait_type_outer", .bit_offset = 256, .type = &t_u8},
	{.name = "wait_type_inner", .bit_offset = 264, .type = &t_u8},
	{.name = "lock_type", .bit_offset = 272, .type = &t_u8},
};
static const struct lc_type t_map = {.kind = LC_TYPE_STRUCT,
				     .name = "lockdep_map",
				     .size = 40,
				     .nmembers = LC_ARRAY_SIZE(map_members),
				     .members = map_members};
static const struct lc_type t_map_ptr = {.kind = LC_TYPE_POINTER, .size = 8, .target = &t_map};

/* struct held_lock: the 6.12 bit fields after four words */
static const struct lc_member hlock_members[] = {
	{.name = "prev_chain_key", .bit_offset = 0, .type = &t_u64},
	{.name = "acquire_ip", .bit_offset = 64, .type = &t_ulong},
	{.name = "instance", .bit_offset = 128, .type = &t_map_ptr},
	{.name = "nest_lock", .bit_offset = 192, .type = &t_map_ptr},
	{.name = "class_idx", .bit_offset = 256, .bit_size = 13, .type = &t_uint},
	{.name = "irq_context", .bit_offset = 269, .bit_size = 2, .type = &t_uint},
	{.name = "trylock", .bit_offset = 271, .bit_size = 1, .type = &t_uint},
	{.name = "read", .bit_offset = 272, .bit_size = 2, .type = &t_uint},
	{.name = "check", .bit_offset = 274, .bit_size = 1, .type = &t_uint},
	{.name = "hardirqs_off", .bit_offset = 275, .bit_size = 1, .type = &t_uint},
	{.name = "sync", .bit_offset = 276, .bit_size = 1, .type = &t_uint},
	{.name = "references", .bit_offset = 277, .bit_size = 11, .type = &t_uint},
	{.name = "pin_count", .bit_offset = 288, .type = &t_uint},
};
static const struct lc_type t_hlock = {.kind = LC_TYPE_STRUCT,
				       .name = "held_lock",
				       .size = 40,
				       .nmembers = LC_ARRAY_SIZE(hlock_members),
				       .members = hlock_members};
static const struct lc_type t_hlocks = {
	.kind = LC_TYPE_ARRAY, .size = 48 * 40, .length = 48, .target = &t_hlock};

static const struct lc_member task_members[] = {
	{.name = "pid", .bit_offset = 0, .type = &t_int},
	{.name = "lockdep_depth", .bit_offset = 32, .type = &t_int},
	{.name = "held_locks", .bit_offset = 64, .type = &t_hlocks},
};
static const struct lc_type t_task = {.kind = LC_TYPE_STRUCT,
				      .name = "task_struct",
				      .size = 8 + 48 * 40,
				      .nmembers = LC_ARRAY_SIZE(task_members),
				      .members = task_members};

/* Without lockdep: no held_locks */
static const struct lc_type t_task_plain = {.kind = LC_TYPE_STRUCT,
					    .name = "task_struct",
					    .size = 4,
					    .nmembers = 1,
					    .members = task_members};

/* A held_lock without `read`: a layout this decoder does not know */
static const struct lc_type t_hlock_short = {.kind = LC_TYPE_STRUCT,
					     .name = "held_lock",
					     .size = 40,
					     .nmembers = 7,
					     .members = hlock_members};
static const struct lc_type t_hlocks_short = {
	.kind = LC_TYPE_ARRAY, .size = 48 * 40, .length = 48, .target = &t_hlock_short};
static const struct lc_member task_short_members[] = {
	{.name = "pid", .bit_offset = 0, .type = &t_int},
	{.name = "lockdep_depth", .bit_offset = 32, .type = &t_int},
	{.name = "held_locks", .bit_offset = 64, .type = &t_hlocks_short},
};
static const struct lc_type t_task_short = {.kind = LC_TYPE_STRUCT,
					    .name = "task_struct",
					    .size = 8 + 48 * 40,
					    .nmembers = 3,
					    .members = task_short_members};

static void put(uint8_t *buf, uint64_t v, size_t n, bool be)
{
	for (size_t i = 0; i < n; i++)
		buf[be ? n - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

static void test_layout(void)
{
	const struct lc_type *types[] = {&t_task, &t_map};
	struct lc_types *ty = synth_types(types, 2, NULL, 0);
	struct lc_lockdep_layout l;
	bool present = false;
	CHECK_OK(lc_lockdep_layout_init(ty, 8, &l, &present));
	CHECK(present);
	CHECK_EQ_U64(l.depth_off, 4);
	CHECK_EQ_U64(l.held_off, 8);
	CHECK_EQ_U64(l.hlock_size, 40);
	CHECK_EQ_U64(l.max_depth, 48);
	CHECK(l.instance.present && l.instance.bit_offset == 128 && l.instance.size == 8);
	CHECK(l.class_idx.bit_offset == 256 && l.class_idx.bit_size == 13);
	CHECK(l.read.bit_offset == 272 && l.read.bit_size == 2);
	CHECK(l.nest_lock.present && l.irq_context.present && l.hardirqs_off.present);
	CHECK(l.has_map_name && l.map_name_off == 24);
	lc_types_destroy(ty);

	const struct lc_type *plain[] = {&t_task_plain};
	ty = synth_types(plain, 1, NULL, 0);
	present = true;
	CHECK_OK(lc_lockdep_layout_init(ty, 8, &l, &present));
	CHECK(!present);
	lc_types_destroy(ty);

	const struct lc_type *short_types[] = {&t_task_short};
	ty = synth_types(short_types, 1, NULL, 0);
	CHECK_ERR(lc_lockdep_layout_init(ty, 8, &l, &present), LC_ERR_LOOKUP, "read");
	CHECK(present);
	lc_types_destroy(ty);
}

/* The same held_lock in each byte order, as the compiler lays out its bit fields. */
static void test_decode(bool be)
{
	const struct lc_type *types[] = {&t_task, &t_map};
	struct lc_types *ty = synth_types(types, 2, NULL, 0);
	struct lc_lockdep_layout l;
	bool present;
	CHECK_OK(lc_lockdep_layout_init(ty, 8, &l, &present));
	lc_types_destroy(ty);

	const uint64_t instance = 0xffff888012340010ull, ip = 0xffffffff81001234ull;
	const uint32_t class_idx = 0x1abc, irq = 2, trylock = 1, read = 2, check = 1, hoff = 1,
		       sync = 0, refs = 0x5a5;
	uint8_t h[40] = {0};
	put(h + 0, 0x1122334455667788ull, 8, be);
	put(h + 8, ip, 8, be);
	put(h + 16, instance, 8, be);
	/* little-endian allocates the first field at the lowest bits, big-endian at the highest */
	uint32_t word = be ? class_idx << 19 | irq << 17 | trylock << 16 | read << 14 |
					check << 13 | hoff << 12 | sync << 11 | refs
			   : class_idx | irq << 13 | trylock << 15 | read << 16 | check << 18 |
					hoff << 19 | sync << 20 | refs << 21;
	put(h + 32, word, 4, be);
	put(h + 36, 7, 4, be);
	struct lc_held_lock hl;
	lc_held_lock_decode(&l, h, be, &hl);
	CHECK_EQ_U64(hl.instance, instance);
	CHECK_EQ_U64(hl.acquire_ip, ip);
	CHECK_EQ_U64(hl.nest_lock, 0);
	CHECK_EQ_U64(hl.class_idx, class_idx);
	CHECK_EQ_U64(hl.irq_context, irq);
	CHECK(hl.trylock && hl.hardirqs_off);
	CHECK_EQ_U64(hl.read, read);
	CHECK_STR(lc_held_lock_mode(hl.read), "recursive read");

	/* an exclusive, blocking acquire from process context */
	word = be ? 5u << 19 : 5u;
	put(h + 32, word, 4, be);
	lc_held_lock_decode(&l, h, be, &hl);
	CHECK(hl.class_idx == 5 && !hl.trylock && hl.read == 0 && hl.irq_context == 0 &&
	      !hl.hardirqs_off);
	CHECK_STR(lc_held_lock_mode(hl.read), "write");
	hl.read = 1;
	CHECK_STR(lc_held_lock_mode(hl.read), "read");
}

int main(void)
{
	test_layout();
	test_decode(false);
	test_decode(true);
	CHECK_DONE();
}
