// SPDX-License-Identifier: LGPL-2.1-or-later
/* lc_types over synthetic BTF: C spellings, member paths, caches, enums, variables. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "types.h"
#include "util.h"

/* A minimal little-endian BTF writer (test_btf.c has the fuller one). */
struct bb {
	uint32_t nr;
	uint8_t *types;
	size_t tlen, tcap;
	char *strs;
	size_t slen, scap;
};

static void bb_word(struct bb *b, uint32_t w)
{
	if (!lc_grow((void **)&b->types, &b->tcap, b->tlen + 4, 1))
		abort();
	lc_store_uint(b->types + b->tlen, 4, false, w);
	b->tlen += 4;
}

static uint32_t bb_str(struct bb *b, const char *s)
{
	if (!s)
		return 0;
	size_t n = strlen(s) + 1;
	if (!lc_grow((void **)&b->strs, &b->scap, b->slen + n, 1))
		abort();
	memcpy(b->strs + b->slen, s, n);
	b->slen += n;
	return (uint32_t)(b->slen - n);
}

static uint32_t bb_type(struct bb *b, const char *name, unsigned int kind, bool kflag,
			uint32_t vlen, uint32_t size_or_type)
{
	bb_word(b, bb_str(b, name));
	bb_word(b, (kflag ? 1u << 31 : 0) | (uint32_t)kind << 24 | vlen);
	bb_word(b, size_or_type);
	return ++b->nr;
}

static void bb_member(struct bb *b, const char *name, uint32_t type, uint32_t offset)
{
	bb_word(b, bb_str(b, name));
	bb_word(b, type);
	bb_word(b, offset);
}

static void *bb_finish(struct bb *b, size_t *size)
{
	size_t total = 24 + b->tlen + b->slen;
	uint8_t *out = malloc(total);
	if (!out)
		abort();
	lc_store_uint(out, 2, false, 0xeb9f);
	out[2] = 1;
	out[3] = 0;
	lc_store_uint(out + 4, 4, false, 24);
	lc_store_uint(out + 8, 4, false, 0);
	lc_store_uint(out + 12, 4, false, (uint32_t)b->tlen);
	lc_store_uint(out + 16, 4, false, (uint32_t)b->tlen);
	lc_store_uint(out + 20, 4, false, (uint32_t)b->slen);
	memcpy(out + 24, b->types, b->tlen);
	memcpy(out + 24 + b->tlen, b->strs, b->slen);
	*size = total;
	free(b->types);
	free(b->strs);
	return out;
}

enum { INT = 1, PTR, ARRAY, STRUCT, UNION, ENUM, FWD, TYPEDEF, VOLATILE, CONST, VAR = 14 };
#define BF(bits, off) ((uint32_t)(bits) << 24 | (off))

static struct lc_type_source *make_source(void)
{
	struct bb b = {0};
	bb_str(&b, "");
	enum {
		I_INT = 1,
		I_ULONG,
		I_CHAR,
		I_LH,
		I_LHP,
		I_U32,
		I_UINT,
		I_ATOM_BODY,
		I_ATOMIC,
		I_INNER,
		I_ANON_U,
		I_TASK,
		I_CHAR16,
		I_TASKP,
		I_PID,
		I_ANON_ENUM,
		I_RQ_VAR,
		I_TS,
		I_LOOP,
		I_ARR2,
		I_ARR3,
		I_VUL,
		I_FWD,
		I_CPUMASK,
		I_ULONG4,
		I_U64,
	};
	bb_type(&b, "int", INT, false, 0, 4);
	bb_word(&b, 1u << 24 | 32);
	bb_type(&b, "long unsigned int", INT, false, 0, 8);
	bb_word(&b, 64);
	bb_type(&b, "char", INT, false, 0, 1);
	bb_word(&b, 8);
	bb_type(&b, "list_head", STRUCT, false, 2, 16);
	bb_member(&b, "next", I_LHP, 0);
	bb_member(&b, "prev", I_LHP, 64);
	bb_type(&b, NULL, PTR, false, 0, I_LH);
	bb_type(&b, "u32", TYPEDEF, false, 0, I_UINT);
	bb_type(&b, "unsigned int", INT, false, 0, 4);
	bb_word(&b, 32);
	bb_type(&b, NULL, STRUCT, false, 1, 4);
	bb_member(&b, "counter", I_INT, 0);
	bb_type(&b, "atomic_t", TYPEDEF, false, 0, I_ATOM_BODY);
	/* struct { u32 x; u32 y; } nested anonymously inside an anonymous union. */
	bb_type(&b, NULL, STRUCT, false, 2, 8);
	bb_member(&b, "x", I_U32, 0);
	bb_member(&b, "y", I_U32, 32);
	bb_type(&b, NULL, UNION, false, 3, 8);
	bb_member(&b, "a", I_U32, 0);
	bb_member(&b, "b", I_ULONG, 0);
	bb_member(&b, NULL, I_INNER, 0);
	bb_type(&b, "task", STRUCT, true, 9, 80);
	bb_member(&b, "state", I_U32, 0);
	bb_member(&b, "flags", I_INT, BF(3, 32));
	bb_member(&b, "prio", I_INT, BF(5, 35));
	bb_member(&b, NULL, I_ANON_U, 64);
	bb_member(&b, "tasks", I_LH, 128);
	bb_member(&b, "comm", I_CHAR16, 256);
	bb_member(&b, "cnt", I_ATOMIC, 384);
	bb_member(&b, "parent", I_TASKP, 448);
	bb_member(&b, "grid", I_ARR2, 512);
	bb_type(&b, NULL, ARRAY, false, 0, 0);
	bb_word(&b, I_CHAR);
	bb_word(&b, I_INT);
	bb_word(&b, 16);
	bb_type(&b, NULL, PTR, false, 0, I_TASK);
	bb_type(&b, "pid_type", ENUM, true, 3, 4);
	bb_word(&b, bb_str(&b, "PIDTYPE_PID"));
	bb_word(&b, 0);
	bb_word(&b, bb_str(&b, "PIDTYPE_TGID"));
	bb_word(&b, 1);
	bb_word(&b, bb_str(&b, "PIDTYPE_NEG"));
	bb_word(&b, (uint32_t)-5);
	bb_type(&b, NULL, ENUM, false, 2, 4);
	bb_word(&b, bb_str(&b, "TASK_COMM_LEN"));
	bb_word(&b, 16);
	bb_word(&b, bb_str(&b, "PIDTYPE_TGID")); /* same name in another enum */
	bb_word(&b, 7);
	bb_type(&b, "runqueues", VAR, false, 0, I_TASK);
	bb_word(&b, 1);
	bb_type(&b, "task_struct", STRUCT, false, 1, 8);
	bb_member(&b, "pid", I_INT, 32);
	/* A struct whose anonymous member is itself: lookups must still end. */
	bb_type(&b, "loop", STRUCT, false, 2, 8);
	bb_member(&b, NULL, I_LOOP, 0);
	bb_member(&b, NULL, I_LOOP, 0);
	/* u32 grid[2][3] */
	bb_type(&b, NULL, ARRAY, false, 0, 0);
	bb_word(&b, I_ARR3);
	bb_word(&b, I_INT);
	bb_word(&b, 2);
	bb_type(&b, NULL, ARRAY, false, 0, 0);
	bb_word(&b, I_U32);
	bb_word(&b, I_INT);
	bb_word(&b, 3);
	bb_type(&b, NULL, VOLATILE, false, 0, I_ULONG);
	bb_type(&b, "opaque", FWD, false, 0, 0);
	bb_type(&b, "cpumask", STRUCT, false, 1, 32);
	bb_member(&b, "bits", I_ULONG4, 0);
	bb_type(&b, NULL, ARRAY, false, 0, 0);
	bb_word(&b, I_ULONG);
	bb_word(&b, I_INT);
	bb_word(&b, 4);
	bb_type(&b, "u64", TYPEDEF, false, 0, I_ULONG);
	size_t size;
	void *data = bb_finish(&b, &size);
	struct lc_type_source *src = NULL;
	CHECK_OK(lc_btf_create(data, size, NULL, &src));
	free(data);
	return src;
}

static uint64_t off(struct lc_types *types, const char *spec, const char *path)
{
	uint64_t v = ~0ull;
	CHECK_OK(lc_types_offsetof(types, spec, path, &v));
	return v;
}

static void test_find(struct lc_types *types)
{
	const struct lc_type *t, *t2;
	CHECK_OK(lc_types_find(types, "struct task", &t));
	CHECK(t->kind == LC_TYPE_STRUCT && t->size == 80);
	CHECK_OK(lc_types_find(types, "  struct   task  ", &t2));
	CHECK(t2 == t);
	CHECK_OK(lc_types_find(types, "struct task *", &t2));
	CHECK(t2->kind == LC_TYPE_POINTER && t2->target == t && t2->size == 8);
	/* Cached: the same spelling gives the same object. */
	const struct lc_type *t3;
	CHECK_OK(lc_types_find(types, "struct task *", &t3));
	CHECK(t3 == t2);
	CHECK_OK(lc_types_find(types, "const struct task **", &t2));
	CHECK(t2->kind == LC_TYPE_POINTER && t2->target->kind == LC_TYPE_POINTER &&
	      t2->target->target == t);
	CHECK_OK(lc_types_find(types, "struct task*const*", &t2));
	CHECK(t2->target->target == t);

	CHECK_OK(lc_types_find(types, "unsigned long", &t));
	CHECK(t->kind == LC_TYPE_INT && t->size == 8);
	CHECK_OK(lc_types_find(types, "long unsigned int", &t2));
	CHECK(t2 == t);
	CHECK_OK(lc_types_find(types, "unsigned long int", &t2));
	CHECK(t2 == t);
	CHECK_OK(lc_types_find(types, "u32", &t));
	CHECK(t->kind == LC_TYPE_TYPEDEF && t->size == 4);
	CHECK_OK(lc_types_find(types, "atomic_t", &t));
	CHECK(t->kind == LC_TYPE_TYPEDEF && lc_type_unqualified(t)->kind == LC_TYPE_STRUCT);
	CHECK_OK(lc_types_find(types, "enum pid_type", &t));
	CHECK(t->kind == LC_TYPE_ENUM && t->nenumerators == 3);
	CHECK_OK(lc_types_find(types, "void *", &t));
	CHECK(t->kind == LC_TYPE_POINTER && t->target->kind == LC_TYPE_VOID);
	CHECK_OK(lc_types_find(types, "char[16]", &t));
	CHECK(t->kind == LC_TYPE_ARRAY && t->length == 16 && t->size == 16);
	CHECK_OK(lc_types_find(types, "int [2][3]", &t));
	CHECK(t->size == 24 && t->length == 2 && t->target->length == 3);
	CHECK_OK(lc_types_find(types, "struct task *[4]", &t));
	CHECK(t->kind == LC_TYPE_ARRAY && t->size == 32 && t->target->kind == LC_TYPE_POINTER);
	CHECK_OK(lc_types_find(types, "struct opaque", &t));
	CHECK(t->kind == LC_TYPE_FORWARD);

	CHECK_ERR(lc_types_find(types, "struct nope", &t), LC_ERR_LOOKUP, "'struct nope'");
	CHECK_ERR(lc_types_find(types, "union task", &t), LC_ERR_LOOKUP, "'union task'");
	CHECK_ERR(lc_types_find(types, "nope_t", &t), LC_ERR_LOOKUP, "'nope_t'");
	CHECK_ERR(lc_types_find(types, "short", &t), LC_ERR_LOOKUP, "'short'");
	CHECK_ERR(lc_types_find(types, "struct", &t), LC_ERR_INVALID, "cannot parse");
	CHECK_ERR(lc_types_find(types, "struct a b", &t), LC_ERR_INVALID, "cannot parse");
	CHECK_ERR(lc_types_find(types, "", &t), LC_ERR_INVALID, "cannot parse");
	CHECK_ERR(lc_types_find(types, "int [", &t), LC_ERR_INVALID, "array size");
	CHECK_ERR(lc_types_find(types, "int [2]*", &t), LC_ERR_INVALID, "cannot parse");
	CHECK_ERR(lc_types_find(types, "unsigned unsigned", &t), LC_ERR_INVALID, "cannot parse");
	CHECK_ERR(lc_types_find(types, "int *********", &t), LC_ERR_INVALID, "too many");

	uint64_t size;
	CHECK_OK(lc_types_sizeof(types, "struct task", &size));
	CHECK_EQ_U64(size, 80);
	CHECK_OK(lc_types_sizeof(types, "atomic_t", &size));
	CHECK_EQ_U64(size, 4);
	CHECK_OK(lc_types_sizeof(types, "struct list_head *", &size));
	CHECK_EQ_U64(size, 8);
	CHECK_ERR(lc_types_sizeof(types, "struct opaque", &size), LC_ERR_LOOKUP, "not defined");
	CHECK_ERR(lc_types_sizeof(types, "void", &size), LC_ERR_INVALID, "no size");
}

static void test_members(struct lc_types *types)
{
	const char *task = "struct task";
	CHECK_EQ_U64(off(types, task, "state"), 0);
	CHECK_EQ_U64(off(types, task, "a"), 8); /* through the anonymous union */
	CHECK_EQ_U64(off(types, task, "b"), 8);
	CHECK_EQ_U64(off(types, task, "y"), 12); /* union -> anonymous struct */
	CHECK_EQ_U64(off(types, task, "tasks"), 16);
	CHECK_EQ_U64(off(types, task, "tasks.prev"), 24);
	CHECK_EQ_U64(off(types, task, "comm"), 32);
	CHECK_EQ_U64(off(types, task, "comm[3]"), 35);
	CHECK_EQ_U64(off(types, task, "comm[0x0f]"), 47);
	CHECK_EQ_U64(off(types, task, "cnt.counter"), 48); /* through the atomic_t typedef */
	CHECK_EQ_U64(off(types, task, "parent"), 56);
	CHECK_EQ_U64(off(types, task, "grid[1][2]"), 64 + 12 + 8);
	CHECK_EQ_U64(off(types, "atomic_t", "counter"), 0);
	CHECK_EQ_U64(off(types, "struct task_struct", "pid"), 4);

	struct lc_member_info mi;
	CHECK_OK(lc_types_member_info(types, task, "prio", &mi));
	CHECK_EQ_U64(mi.bit_offset, 35);
	CHECK_EQ_U64(mi.bit_size, 5);
	CHECK(mi.type->is_signed);
	CHECK_OK(lc_types_member_info(types, task, "cnt", &mi));
	CHECK_STR(mi.type->name, "atomic_t"); /* the declared type, typedef kept */
	CHECK_OK(lc_types_member_info(types, task, "grid[1]", &mi));
	CHECK(mi.type->kind == LC_TYPE_ARRAY && mi.type->size == 12);
	uint64_t v;
	CHECK_ERR(lc_types_offsetof(types, task, "flags", &v), LC_ERR_INVALID, "bit field");

	CHECK_ERR(lc_types_offsetof(types, task, "nope", &v), LC_ERR_LOOKUP,
		  "member 'nope' of 'struct task': no member 'nope' in 'struct task'");
	CHECK_ERR(lc_types_offsetof(types, task, "tasks.nope", &v), LC_ERR_LOOKUP,
		  "no member 'nope' in 'struct list_head'");
	CHECK_ERR(lc_types_offsetof(types, task, "state.x", &v), LC_ERR_LOOKUP,
		  "cannot look up member 'x' in 'u32'");
	CHECK_ERR(lc_types_offsetof(types, task, "comm[16]", &v), LC_ERR_INVALID, "out of bounds");
	CHECK_ERR(lc_types_offsetof(types, task, "tasks[1]", &v), LC_ERR_INVALID, "not an array");
	CHECK_ERR(lc_types_offsetof(types, task, "tasks.", &v), LC_ERR_INVALID, "bad member path");
	CHECK_ERR(lc_types_offsetof(types, task, "tasks..next", &v), LC_ERR_INVALID, "bad");
	CHECK_ERR(lc_types_offsetof(types, task, "", &v), LC_ERR_INVALID, "empty");
	CHECK_ERR(lc_types_offsetof(types, task, "comm[x]", &v), LC_ERR_INVALID, "bad index");
	CHECK_ERR(lc_types_offsetof(types, task, "comm[99999999999999999999]", &v), LC_ERR_INVALID,
		  "bad index");
	CHECK_ERR(lc_types_offsetof(types, "struct loop", "x", &v), LC_ERR_BAD_DATA, "nest");
	CHECK_ERR(lc_types_offsetof(types, "struct nope", "x", &v), LC_ERR_LOOKUP, "struct nope");
	CHECK_ERR(lc_types_offsetof(types, "struct task *", "state", &v), LC_ERR_LOOKUP,
		  "not a struct");

	/* Probing caches absence too; repeated probes answer the same. */
	for (int i = 0; i < 3; i++) {
		CHECK(lc_types_has_member(types, task, "state"));
		CHECK(lc_types_has_member(types, task, "y"));
		CHECK(!lc_types_has_member(types, task, "__state"));
		CHECK(!lc_types_has_member(types, "struct nope", "x"));
		CHECK(!lc_types_has_member(types, "struct (", "x"));
	}
	/* Long keys take the heap path. */
	char longpath[600];
	memset(longpath, 'z', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	CHECK(!lc_types_has_member(types, task, longpath));
	CHECK(!lc_types_has_member(types, task, longpath));

	/* lc_type_member directly, on an array type too. */
	const struct lc_type *t;
	CHECK_OK(lc_types_find(types, "struct task[4]", &t));
	CHECK_OK(lc_type_member(t, "[2].tasks.next", &mi));
	CHECK_EQ_U64(mi.bit_offset, (2 * 80 + 16) * 8);
}

static void test_enums_and_variables(struct lc_types *types)
{
	int64_t v = 0;
	CHECK_OK(lc_types_enum_value(types, NULL, "TASK_COMM_LEN", &v));
	CHECK(v == 16);
	CHECK_OK(lc_types_enum_value(types, NULL, "TASK_COMM_LEN", &v)); /* cached */
	CHECK(v == 16);
	CHECK_OK(lc_types_enum_value(types, "enum pid_type", "PIDTYPE_NEG", &v));
	CHECK(v == -5);
	/* The named enum decides when two enums share an enumerator name. */
	CHECK_OK(lc_types_enum_value(types, "enum pid_type", "PIDTYPE_TGID", &v));
	CHECK(v == 1);
	CHECK_ERR(lc_types_enum_value(types, "enum pid_type", "TASK_COMM_LEN", &v), LC_ERR_LOOKUP,
		  "no enumerator 'TASK_COMM_LEN' in 'enum pid_type'");
	CHECK_ERR(lc_types_enum_value(types, NULL, "NOPE", &v), LC_ERR_LOOKUP, "'NOPE'");
	CHECK_ERR(lc_types_enum_value(types, "struct task", "X", &v), LC_ERR_INVALID,
		  "not an enum");

	const struct lc_type *t, *task;
	CHECK_OK(lc_types_find(types, "struct task", &task));
	CHECK_OK(lc_types_find_variable(types, "runqueues", &t)); /* from the BTF VAR */
	CHECK(t == task);
	CHECK_OK(lc_types_find_variable(types, "init_task", &t)); /* from the built-in table */
	CHECK(t->kind == LC_TYPE_STRUCT);
	CHECK_STR(t->name, "task_struct");
	CHECK_OK(lc_types_find_variable(types, "jiffies", &t));
	CHECK(t->kind == LC_TYPE_INT && t->size == 8);
	CHECK_OK(lc_types_find_variable(types, "jiffies_64", &t));
	CHECK_STR(t->name, "u64");
	CHECK_OK(lc_types_find_variable(types, "__per_cpu_offset", &t));
	CHECK(t->kind == LC_TYPE_ARRAY && t->length == 0 && t->target->size == 8);
	CHECK_OK(lc_types_find_variable(types, "cpu_online_mask", &t));
	CHECK(t->kind == LC_TYPE_POINTER && t->target->size == 32);
	CHECK_OK(lc_types_find_variable(types, "__cpu_possible_mask", &t));
	CHECK(t->kind == LC_TYPE_STRUCT && t->size == 32);
	CHECK_ERR(lc_types_find_variable(types, "rcu_state", &t), LC_ERR_LOOKUP,
		  "type of variable 'rcu_state': type 'struct rcu_state' not found");
	CHECK_ERR(lc_types_find_variable(types, "no_such_var", &t), LC_ERR_LOOKUP, "'no_such_var'");
}

static void test_sources(void)
{
	struct lc_types *types;
	CHECK_OK(lc_types_create(&types));
	CHECK(lc_types_empty(types));
	CHECK(lc_types_source_name(types) == NULL);
	CHECK_ERR(lc_types_add_source(types, NULL), LC_ERR_INVALID, "no type source");
	const struct lc_type *t;
	CHECK_ERR(lc_types_find(types, "struct task", &t), LC_ERR_LOOKUP, "no type information");
	CHECK(!lc_types_has_member(types, "struct task", "state"));
	int64_t v;
	CHECK_ERR(lc_types_enum_value(types, NULL, "X", &v), LC_ERR_LOOKUP, "'X'");
	/* Without types, pointers are assumed 64-bit. */
	CHECK_OK(lc_types_find(types, "void *", &t));
	CHECK_EQ_U64(t->size, 8);
	lc_types_destroy(types);
	lc_types_destroy(NULL);

	CHECK_OK(lc_types_create(&types));
	struct lc_type_source *src = make_source();
	if (!src)
		return;
	CHECK_OK(lc_types_add_source(types, src));
	CHECK(!lc_types_empty(types));
	CHECK_STR(lc_types_source_name(types), "btf");
	test_find(types);
	test_members(types);
	test_enums_and_variables(types);
	lc_types_destroy(types);
}

int main(void)
{
	test_sources();
	CHECK_DONE();
}
