// SPDX-License-Identifier: LGPL-2.1-or-later
/* BTF writer: synthetic lc_type graphs round-tripped through lc_btf_create(). */
#include <stdlib.h>

#include "btf_write.h"
#include "check.h"
#include "types.h"
#include "util.h"

static const struct lc_type t_int = {
	.kind = LC_TYPE_INT, .name = "int", .size = 4, .is_signed = true};
static const struct lc_type t_uint = {.kind = LC_TYPE_INT, .name = "unsigned int", .size = 4};
static const struct lc_type t_ulong = {.kind = LC_TYPE_INT, .name = "long unsigned int", .size = 8};
static const struct lc_type t_char = {
	.kind = LC_TYPE_INT, .name = "char", .size = 1, .is_signed = true};
static const struct lc_type t_bool = {.kind = LC_TYPE_INT, .name = "_Bool", .size = 1};

/* struct node { struct node *next, *prev; }: a pointer cycle. */
static struct lc_type t_node;
static const struct lc_type t_node_ptr = {.kind = LC_TYPE_POINTER, .size = 8, .target = &t_node};
/* A second, distinct pointer object to the same target: must share the BTF id. */
static const struct lc_type t_node_ptr2 = {.kind = LC_TYPE_POINTER, .size = 8, .target = &t_node};
static const struct lc_member node_members[] = {
	{.name = "next", .bit_offset = 0, .type = &t_node_ptr},
	{.name = "prev", .bit_offset = 64, .type = &t_node_ptr2},
};

static const struct lc_enumerator color_values[] = {{"RED", -2}, {"GREEN", 7}, {"BIG", 0x7fffffff}};
static const struct lc_type t_color = {.kind = LC_TYPE_ENUM,
				       .name = "color",
				       .size = 4,
				       .is_signed = true,
				       .nenumerators = 3,
				       .enumerators = color_values};
static const struct lc_enumerator wide_values[] = {{"SMALL", 1},
						   {"HUGE", (int64_t)0xfedcba9876543210ull}};
static const struct lc_type t_wide = {.kind = LC_TYPE_ENUM,
				      .name = "wide",
				      .size = 8,
				      .nenumerators = 2,
				      .enumerators = wide_values};

static const struct lc_type t_typedef1 = {
	.kind = LC_TYPE_TYPEDEF, .name = "ulong_t", .size = 8, .target = &t_ulong};
static const struct lc_type t_typedef2 = {
	.kind = LC_TYPE_TYPEDEF, .name = "ulong2_t", .size = 8, .target = &t_typedef1};
static const struct lc_type t_arr3 = {
	.kind = LC_TYPE_ARRAY, .size = 24, .length = 3, .target = &t_typedef2};
static const struct lc_type t_arr43 = {
	.kind = LC_TYPE_ARRAY, .size = 96, .length = 4, .target = &t_arr3};
static const struct lc_type t_flex = {.kind = LC_TYPE_ARRAY, .length = 0, .target = &t_char};
static const struct lc_type t_const_int = {
	.kind = LC_TYPE_QUALIFIED, .name = "const", .size = 4, .target = &t_int};
static const struct lc_type t_volatile = {
	.kind = LC_TYPE_QUALIFIED, .name = "volatile", .size = 4, .target = &t_const_int};
static const struct lc_type t_atomic = {
	.kind = LC_TYPE_QUALIFIED, .name = "_Atomic", .size = 4, .target = &t_int};
static const struct lc_type t_cv_ptr = {.kind = LC_TYPE_POINTER, .size = 8, .target = &t_volatile};
static const struct lc_type t_fn = {.kind = LC_TYPE_FUNCTION, .target = &t_int};
static const struct lc_type t_fn_ptr = {.kind = LC_TYPE_POINTER, .size = 8, .target = &t_fn};
static const struct lc_type t_fwd = {
	.kind = LC_TYPE_FORWARD, .name = "opaque", .is_union_fwd = true};
static const struct lc_type t_fwd_ptr = {.kind = LC_TYPE_POINTER, .size = 8, .target = &t_fwd};

/* union { int i; struct { short a, b; }; } with an anonymous struct inside. */
static const struct lc_type t_short = {
	.kind = LC_TYPE_INT, .name = "short int", .size = 2, .is_signed = true};
static const struct lc_member inner_members[] = {
	{.name = "s1", .bit_offset = 0, .type = &t_short},
	{.name = "s2", .bit_offset = 16, .type = &t_short},
};
static const struct lc_type t_inner = {
	.kind = LC_TYPE_STRUCT, .size = 4, .nmembers = 2, .members = inner_members};
static const struct lc_member anon_members[] = {
	{.name = "u_i", .bit_offset = 0, .type = &t_int},
	{.name = NULL, .bit_offset = 0, .type = &t_inner},
};
static const struct lc_type t_anon = {
	.kind = LC_TYPE_UNION, .size = 4, .nmembers = 2, .members = anon_members};

static const struct lc_member bits_members[] = {
	{.name = "a", .bit_offset = 0, .bit_size = 3, .type = &t_uint},
	{.name = "b", .bit_offset = 3, .bit_size = 5, .type = &t_uint},
	{.name = "c", .bit_offset = 8, .bit_size = 7, .type = &t_int},
	{.name = "flag", .bit_offset = 15, .bit_size = 1, .type = &t_bool},
	{.name = "tail", .bit_offset = 16, .type = &t_char},
	{.name = NULL, .bit_offset = 32, .type = &t_anon},
	{.name = "arr", .bit_offset = 64, .type = &t_arr43},
	{.name = "cvp", .bit_offset = 832, .type = &t_cv_ptr},
	{.name = "fn", .bit_offset = 896, .type = &t_fn_ptr},
	{.name = "list", .bit_offset = 960, .type = &t_node},
	{.name = "color", .bit_offset = 1088, .type = &t_color},
	{.name = "at", .bit_offset = 1120, .type = &t_atomic},
	{.name = "op", .bit_offset = 1152, .type = &t_fwd_ptr},
	{.name = "flex", .bit_offset = 1216, .type = &t_flex},
};
static const struct lc_type t_bits = {.kind = LC_TYPE_STRUCT,
				      .name = "bits",
				      .size = 152,
				      .nmembers = LC_ARRAY_SIZE(bits_members),
				      .members = bits_members};

static struct lc_type_source *round_trip(void)
{
	t_node = (struct lc_type){.kind = LC_TYPE_STRUCT,
				  .name = "node",
				  .size = 16,
				  .nmembers = 2,
				  .members = node_members};
	struct lc_btf_writer *w;
	CHECK_OK(lc_btf_writer_create(&w));
	uint32_t id_bits, id_again;
	CHECK_OK(lc_btf_writer_add_type(w, &t_bits, &id_bits));
	CHECK_OK(lc_btf_writer_add_type(w, &t_bits, &id_again));
	CHECK_EQ_U64(id_again, id_bits);
	CHECK_OK(lc_btf_writer_add_type(w, &t_wide, NULL));
	CHECK_OK(lc_btf_writer_add_type(w, &t_typedef2, NULL));
	CHECK_OK(lc_btf_writer_add_variable(w, "the_bits", &t_bits));
	CHECK_OK(lc_btf_writer_add_variable(w, "the_node_ptr", &t_node_ptr));
	CHECK_ERR(lc_btf_writer_add_variable(w, "", &t_int), LC_ERR_INVALID, "without a name");
	void *data = NULL;
	size_t size = 0;
	CHECK_OK(lc_btf_writer_finish(w, &data, &size));
	CHECK_ERR(lc_btf_writer_add_type(w, &t_int, NULL), LC_ERR_INVALID, "finished");
	lc_btf_writer_destroy(w);
	CHECK(lc_btf_probe(data, size));
	struct lc_type_source *src = NULL;
	CHECK_OK(lc_btf_create(data, size, NULL, &src));
	free(data);
	return src;
}

static void check_member(struct lc_types *types, const char *spec, const char *path,
			 uint64_t bit_offset, uint32_t bit_size)
{
	struct lc_member_info mi = {0};
	struct lc_error *err = lc_types_member_info(types, spec, path, &mi);
	if (err) {
		fprintf(stderr, "%s.%s: %s\n", spec, path, lc_error_message(err));
		lc_error_destroy(err);
		check_failures++;
		return;
	}
	CHECK_EQ_U64(mi.bit_offset, bit_offset);
	CHECK_EQ_U64(mi.bit_size, bit_size);
}

int main(void)
{
	struct lc_type_source *src = round_trip();
	if (!src)
		CHECK_DONE();
	struct lc_types *types;
	CHECK_OK(lc_types_create(&types));
	CHECK_OK(lc_types_add_source(types, src));

	uint64_t size;
	CHECK_OK(lc_types_sizeof(types, "struct bits", &size));
	CHECK_EQ_U64(size, 152);
	check_member(types, "struct bits", "a", 0, 3);
	check_member(types, "struct bits", "b", 3, 5);
	check_member(types, "struct bits", "c", 8, 7);
	check_member(types, "struct bits", "flag", 15, 1);
	check_member(types, "struct bits", "tail", 16, 0);
	check_member(types, "struct bits", "u_i", 32, 0);
	check_member(types, "struct bits", "s2", 48, 0);
	check_member(types, "struct bits", "arr[2][1]", 64 + (2 * 3 + 1) * 64, 0);
	check_member(types, "struct bits", "list.prev", 960 + 64, 0);
	check_member(types, "struct bits", "color", 1088, 0);
	check_member(types, "struct bits", "flex", 1216, 0);

	const struct lc_type *bits;
	CHECK_OK(lc_types_find(types, "struct bits", &bits));
	const struct lc_member *m = bits->members;
	CHECK(bits->nmembers == LC_ARRAY_SIZE(bits_members));
	/* Signedness of bit fields and of the bool survive. */
	CHECK(lc_type_unqualified(m[2].type)->is_signed);
	CHECK(!lc_type_unqualified(m[0].type)->is_signed);
	/* Arrays: 4 x 3 of a typedef chain to unsigned long. */
	const struct lc_type *arr = m[6].type;
	CHECK(arr->kind == LC_TYPE_ARRAY && arr->length == 4 && arr->size == 96);
	CHECK(arr->target->kind == LC_TYPE_ARRAY && arr->target->length == 3);
	CHECK_STR(arr->target->target->name, "ulong2_t");
	CHECK_STR(arr->target->target->target->name, "ulong_t");
	CHECK_EQ_U64(lc_type_unqualified(arr->target->target)->size, 8);
	/* Qualifiers: pointer to volatile const int; _Atomic has no BTF kind and is dropped. */
	const struct lc_type *cv = m[7].type->target;
	CHECK(cv->kind == LC_TYPE_QUALIFIED);
	CHECK_STR(cv->name, "volatile");
	CHECK_STR(cv->target->name, "const");
	CHECK_STR(m[11].type->name, "int");
	/* Function pointer, forward declaration, flexible array. */
	CHECK(m[8].type->target->kind == LC_TYPE_FUNCTION);
	CHECK_STR(m[8].type->target->target->name, "int");
	CHECK(m[12].type->target->kind == LC_TYPE_FORWARD && m[12].type->target->is_union_fwd);
	CHECK(m[13].type->kind == LC_TYPE_ARRAY && m[13].type->length == 0);
	/* The pointer cycle closes on the same converted type. */
	const struct lc_type *node = m[9].type;
	CHECK(node->members[0].type->target == node);
	CHECK(node->members[1].type->target == node);

	/* Enums: signed 32-bit values, and a value that needs ENUM64. */
	int64_t v;
	CHECK_OK(lc_types_enum_value(types, "enum color", "RED", &v));
	CHECK_EQ_U64((uint64_t)v, (uint64_t)-2);
	CHECK_OK(lc_types_enum_value(types, NULL, "BIG", &v));
	CHECK_EQ_U64((uint64_t)v, 0x7fffffff);
	CHECK_OK(lc_types_enum_value(types, "enum wide", "HUGE", &v));
	CHECK_EQ_U64((uint64_t)v, 0xfedcba9876543210ull);

	/* Variables and base types by their C names. */
	const struct lc_type *t;
	CHECK_OK(lc_types_find_variable(types, "the_bits", &t));
	CHECK(t && t->kind == LC_TYPE_STRUCT && t->size == 152);
	CHECK_OK(lc_types_find_variable(types, "the_node_ptr", &t));
	CHECK(t && t->kind == LC_TYPE_POINTER);
	CHECK_OK(lc_types_sizeof(types, "unsigned long", &size));
	CHECK_EQ_U64(size, 8);
	CHECK_OK(lc_types_sizeof(types, "ulong2_t", &size));
	CHECK_EQ_U64(size, 8);

	/* Every id the writer made is a valid type. */
	for (uint32_t id = 1; id < lc_btf_type_count(src); id++) {
		struct lc_error *err = lc_btf_type_by_id(src, id, &t);
		if (err && lc_error_code(err) != LC_ERR_INVALID) {
			fprintf(stderr, "type %u: %s\n", id, lc_error_message(err));
			check_failures++;
		}
		lc_error_destroy(err);
	}
	lc_types_destroy(types);

	/* A bit field BTF cannot place (past 2^24 bits) degrades to a declaration. */
	static const struct lc_member far_members[] = {
		{.name = "far", .bit_offset = 1u << 25, .bit_size = 1, .type = &t_uint},
	};
	static const struct lc_type t_far = {.kind = LC_TYPE_STRUCT,
					     .name = "far",
					     .size = 1u << 23,
					     .nmembers = 1,
					     .members = far_members};
	struct lc_btf_writer *w;
	CHECK_OK(lc_btf_writer_create(&w));
	CHECK_OK(lc_btf_writer_add_type(w, &t_far, NULL));
	void *data;
	CHECK_OK(lc_btf_writer_finish(w, &data, &size));
	lc_btf_writer_destroy(w);
	CHECK_OK(lc_btf_create(data, size, NULL, &src));
	free(data);
	CHECK_OK(lc_btf_type_by_id(src, 1, &t));
	CHECK(t->kind == LC_TYPE_FORWARD);
	src->ops->destroy(src);
	CHECK_DONE();
}
