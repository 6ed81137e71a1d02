// SPDX-License-Identifier: LGPL-2.1-or-later
/* BTF parser on synthetic blobs in both byte orders, split BTF, and corrupt input. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "types.h"
#include "util.h"

/* A tiny BTF writer: records are 32-bit words in the chosen byte order. */
struct bb {
	bool be;
	uint32_t id_base;  /* first id of this blob: 1, or the base's count */
	uint32_t str_base; /* first string offset: 0, or the base's string size */
	uint32_t nr;
	uint8_t *types;
	size_t tlen, tcap;
	char *strs;
	size_t slen, scap;
};

static void bb_init(struct bb *b, bool be, const struct bb *base)
{
	memset(b, 0, sizeof(*b));
	b->be = be;
	b->id_base = base ? base->id_base + base->nr : 1;
	b->str_base = base ? base->str_base + (uint32_t)base->slen : 0;
	if (!base) {
		b->strs = calloc(1, 1);
		b->slen = b->scap = 1;
	}
}

static void bb_free(struct bb *b)
{
	free(b->types);
	free(b->strs);
}

static uint32_t bb_str(struct bb *b, const char *s)
{
	if (!s || (!*s && !b->str_base))
		return 0;
	size_t n = strlen(s) + 1;
	if (!lc_grow((void **)&b->strs, &b->scap, b->slen + n, 1))
		abort();
	memcpy(b->strs + b->slen, s, n);
	b->slen += n;
	return b->str_base + (uint32_t)(b->slen - n);
}

static void bb_word(struct bb *b, uint32_t w)
{
	if (!lc_grow((void **)&b->types, &b->tcap, b->tlen + 4, 1))
		abort();
	lc_store_uint(b->types + b->tlen, 4, b->be, w);
	b->tlen += 4;
}

static uint32_t bb_type(struct bb *b, const char *name, unsigned int kind, bool kflag,
			uint32_t vlen, uint32_t size_or_type)
{
	bb_word(b, bb_str(b, name));
	bb_word(b, (kflag ? 1u << 31 : 0) | (uint32_t)kind << 24 | vlen);
	bb_word(b, size_or_type);
	return b->id_base + b->nr++;
}

static void bb_words3(struct bb *b, uint32_t a, uint32_t c, uint32_t d)
{
	bb_word(b, a);
	bb_word(b, c);
	bb_word(b, d);
}

static uint32_t bb_int(struct bb *b, const char *name, uint32_t size, uint32_t enc)
{
	uint32_t id = bb_type(b, name, 1, false, 0, size);
	bb_word(b, enc);
	return id;
}

static void *bb_finish(const struct bb *b, size_t *size)
{
	size_t total = 24 + b->tlen + b->slen;
	uint8_t *out = malloc(total);
	if (!out)
		abort();
	lc_store_uint(out, 2, b->be, 0xeb9f);
	out[2] = 1;
	out[3] = 0;
	lc_store_uint(out + 4, 4, b->be, 24);
	lc_store_uint(out + 8, 4, b->be, 0);
	lc_store_uint(out + 12, 4, b->be, (uint32_t)b->tlen);
	lc_store_uint(out + 16, 4, b->be, (uint32_t)b->tlen);
	lc_store_uint(out + 20, 4, b->be, (uint32_t)b->slen);
	memcpy(out + 24, b->types, b->tlen);
	memcpy(out + 24 + b->tlen, b->strs, b->slen);
	*size = total;
	return out;
}

enum {
	INT = 1,
	PTR,
	ARRAY,
	STRUCT,
	UNION,
	ENUM,
	FWD,
	TYPEDEF,
	VOLATILE,
	CONST,
	RESTRICT,
	FUNC,
	FUNC_PROTO,
	VAR,
	DATASEC,
	FLOAT,
	DECL_TAG,
	TYPE_TAG,
	ENUM64,
};

#define ENC_SIGNED (1u << 24)
#define BF(bits, off) ((uint32_t)(bits) << 24 | (off))

/* Ids of the base blob, fixed by construction order below. */
enum {
	T_INT = 1,
	T_ULONG,
	T_CHAR,
	T_LIST_HEAD,
	T_LIST_PTR,
	T_U32,
	T_UINT,
	T_ATOMIC_BODY,
	T_ATOMIC_T,
	T_ANON_UNION,
	T_TASK,
	T_CHAR16,
	T_TASK_PTR,
	T_PID_TYPE,
	T_ANON_ENUM,
	T_VAR,
	T_DATASEC,
	T_U32_ALIAS,
	T_CONST_ALIAS,
	T_CU32,
	T_FWDONLY,
	T_FWD_TASK,
	T_PROTO,
	T_FUNC,
	T_DOUBLE,
	T_DECL_TAG,
	T_TYPE_TAG,
	T_TAGGED_PTR,
	T_BIG,
	T_VOLATILE,
	T_RESTRICT,
	T_OLDBF,
	T_OLDBF_INT,
	T_COUNT,
};

static uint32_t next_name_off;

static void build_base(struct bb *b)
{
	bb_int(b, "int", 4, ENC_SIGNED | 32);
	bb_int(b, "long unsigned int", 8, 64);
	bb_int(b, "char", 1, 8);
	bb_type(b, "list_head", STRUCT, false, 2, 16);
	next_name_off = bb_str(b, "next");
	bb_words3(b, next_name_off, T_LIST_PTR, 0);
	bb_words3(b, bb_str(b, "prev"), T_LIST_PTR, 64);
	bb_type(b, NULL, PTR, false, 0, T_LIST_HEAD);
	bb_type(b, "u32", TYPEDEF, false, 0, T_UINT);
	bb_int(b, "unsigned int", 4, 32);
	bb_type(b, NULL, STRUCT, false, 1, 4);
	bb_words3(b, bb_str(b, "counter"), T_INT, 0);
	bb_type(b, "atomic_t", TYPEDEF, false, 0, T_ATOMIC_BODY);
	bb_type(b, NULL, UNION, false, 2, 8);
	bb_words3(b, bb_str(b, "a"), T_U32, 0);
	bb_words3(b, bb_str(b, "b"), T_ULONG, 0);
	bb_type(b, "task", STRUCT, true, 8, 64);
	bb_words3(b, bb_str(b, "state"), T_U32, 0);
	bb_words3(b, bb_str(b, "flags"), T_INT, BF(3, 32));
	bb_words3(b, bb_str(b, "prio"), T_INT, BF(5, 35));
	bb_words3(b, 0, T_ANON_UNION, 64);
	bb_words3(b, bb_str(b, "tasks"), T_LIST_HEAD, 128);
	bb_words3(b, bb_str(b, "comm"), T_CHAR16, 256);
	bb_words3(b, bb_str(b, "cnt"), T_ATOMIC_T, 384);
	bb_words3(b, bb_str(b, "parent"), T_TASK_PTR, 448);
	bb_type(b, NULL, ARRAY, false, 0, 0);
	bb_words3(b, T_CHAR, T_INT, 16);
	bb_type(b, NULL, PTR, false, 0, T_TASK);
	bb_type(b, "pid_type", ENUM, true, 3, 4);
	bb_word(b, bb_str(b, "PIDTYPE_PID"));
	bb_word(b, 0);
	bb_word(b, bb_str(b, "PIDTYPE_TGID"));
	bb_word(b, 1);
	bb_word(b, bb_str(b, "PIDTYPE_NEG"));
	bb_word(b, 0xffffffff);
	bb_type(b, NULL, ENUM, false, 1, 4);
	bb_word(b, bb_str(b, "TASK_COMM_LEN"));
	bb_word(b, 16);
	bb_type(b, "runqueues", VAR, false, 0, T_TASK);
	bb_word(b, 1);
	bb_type(b, ".data..percpu", DATASEC, false, 1, 64);
	bb_words3(b, T_VAR, 0, 64);
	bb_type(b, "u32_alias", TYPEDEF, false, 0, T_U32);
	bb_type(b, NULL, CONST, false, 0, T_U32_ALIAS);
	bb_type(b, "cu32", TYPEDEF, false, 0, T_CONST_ALIAS);
	bb_type(b, "fwdonly", FWD, false, 0, 0);
	bb_type(b, "task", FWD, false, 0, 0);
	bb_type(b, NULL, FUNC_PROTO, false, 1, T_INT);
	bb_word(b, bb_str(b, "x"));
	bb_word(b, T_INT);
	bb_type(b, "do_it", FUNC, false, 1, T_PROTO);
	bb_type(b, "double", FLOAT, false, 0, 8);
	bb_type(b, "tag", DECL_TAG, false, 0, T_TASK);
	bb_word(b, 0xffffffff);
	bb_type(b, "rcu", TYPE_TAG, false, 0, T_LIST_HEAD);
	bb_type(b, NULL, PTR, false, 0, T_TYPE_TAG);
	bb_type(b, "big", ENUM64, false, 1, 8);
	bb_words3(b, bb_str(b, "BIG"), 1, 1);
	bb_type(b, NULL, VOLATILE, false, 0, T_ULONG);
	bb_type(b, NULL, RESTRICT, false, 0, T_LIST_PTR);
	bb_type(b, "oldbf", STRUCT, false, 1, 4);
	bb_words3(b, bb_str(b, "x"), T_OLDBF_INT, 0);
	bb_int(b, "unsigned int", 4, 2u << 16 | 3);
}

static const struct lc_type *find(struct lc_type_source *src, enum lc_type_kind kind,
				  const char *name)
{
	const struct lc_type *t = NULL;
	struct lc_error *err = src->ops->find_type(src, kind, name, &t);
	if (err) {
		fprintf(stderr, "find '%s': %s\n", name, lc_error_message(err));
		lc_error_destroy(err);
		check_failures++;
	}
	return t;
}

static const struct lc_member *member(const struct lc_type *t, const char *name)
{
	for (uint32_t i = 0; t && i < t->nmembers; i++) {
		if (t->members[i].name && strcmp(t->members[i].name, name) == 0)
			return &t->members[i];
	}
	fprintf(stderr, "no member %s\n", name);
	check_failures++;
	static const struct lc_member none;
	return &none;
}

static void check_base(struct lc_type_source *src)
{
	CHECK_STR(src->ops->name, "btf");
	CHECK_EQ_U64(lc_btf_type_count(src), T_COUNT);

	const struct lc_type *task = find(src, LC_TYPE_STRUCT, "task");
	if (!task)
		return;
	/* The definition wins over the later FWD of the same name. */
	CHECK(task->kind == LC_TYPE_STRUCT);
	CHECK_STR(task->name, "task");
	CHECK_EQ_U64(task->size, 64);
	CHECK_EQ_U64(task->nmembers, 8);
	CHECK_EQ_U64(member(task, "state")->bit_offset, 0);
	CHECK_EQ_U64(member(task, "flags")->bit_offset, 32);
	CHECK_EQ_U64(member(task, "flags")->bit_size, 3);
	CHECK_EQ_U64(member(task, "prio")->bit_offset, 35);
	CHECK_EQ_U64(member(task, "prio")->bit_size, 5);
	CHECK(member(task, "prio")->type->is_signed);
	CHECK(task->members[3].name == NULL);
	CHECK(task->members[3].type->kind == LC_TYPE_UNION);
	CHECK_EQ_U64(task->members[3].type->nmembers, 2);
	CHECK_EQ_U64(task->members[3].bit_offset, 64);

	/* Pointer cycle: list_head.next points back at list_head. */
	const struct lc_type *lh = member(task, "tasks")->type;
	CHECK(lh && lh->kind == LC_TYPE_STRUCT && lh->size == 16);
	const struct lc_type *next = member(lh, "next")->type;
	CHECK(next->kind == LC_TYPE_POINTER && next->size == 8);
	CHECK(next->target == lh);
	CHECK_EQ_U64(member(lh, "prev")->bit_offset, 64);
	CHECK(member(task, "parent")->type->target == task);

	const struct lc_type *comm = member(task, "comm")->type;
	CHECK(comm->kind == LC_TYPE_ARRAY);
	CHECK_EQ_U64(comm->length, 16);
	CHECK_EQ_U64(comm->size, 16);
	CHECK_STR(comm->target->name, "char");

	const struct lc_type *cnt = member(task, "cnt")->type;
	CHECK(cnt->kind == LC_TYPE_TYPEDEF);
	CHECK_STR(cnt->name, "atomic_t");
	CHECK_EQ_U64(cnt->size, 4);
	CHECK(lc_type_unqualified(cnt)->kind == LC_TYPE_STRUCT);

	/* typedef -> const -> typedef -> typedef -> int: sizes resolve through the chain. */
	const struct lc_type *cu32 = find(src, LC_TYPE_TYPEDEF, "cu32");
	if (cu32) {
		CHECK_EQ_U64(cu32->size, 4);
		CHECK(cu32->target->kind == LC_TYPE_QUALIFIED);
		CHECK_STR(cu32->target->name, "const");
		const struct lc_type *u = lc_type_unqualified(cu32);
		CHECK(u->kind == LC_TYPE_INT && !u->is_signed);
		CHECK_STR(u->name, "unsigned int");
	}

	const struct lc_type *ul = find(src, LC_TYPE_INT, "unsigned long");
	CHECK(ul && ul->size == 8 && !ul->is_signed);
	CHECK(find(src, LC_TYPE_INT, "long unsigned int") == ul);
	const struct lc_type *i = find(src, LC_TYPE_INT, "int");
	CHECK(i && i->is_signed && i->size == 4);
	const struct lc_type *dbl = find(src, LC_TYPE_FLOAT, "double");
	CHECK(dbl && dbl->kind == LC_TYPE_FLOAT && dbl->size == 8);

	const struct lc_type *pid = find(src, LC_TYPE_ENUM, "pid_type");
	if (pid) {
		CHECK(pid->is_signed);
		CHECK_EQ_U64(pid->nenumerators, 3);
		CHECK_STR(pid->enumerators[1].name, "PIDTYPE_TGID");
		CHECK(pid->enumerators[1].value == 1);
		CHECK(pid->enumerators[2].value == -1);
	}
	const struct lc_type *big = find(src, LC_TYPE_ENUM, "big");
	if (big) {
		CHECK_EQ_U64(big->size, 8);
		CHECK_EQ_U64((uint64_t)big->enumerators[0].value, 0x100000001ull);
	}
	const struct lc_type *et;
	int64_t v = 0;
	CHECK_OK(src->ops->find_enumerator(src, "TASK_COMM_LEN", &et, &v));
	CHECK(v == 16);
	CHECK_ERR(src->ops->find_enumerator(src, "NOPE", &et, &v), LC_ERR_LOOKUP, "'NOPE'");

	const struct lc_type *fwd = find(src, LC_TYPE_STRUCT, "fwdonly");
	CHECK(fwd && fwd->kind == LC_TYPE_FORWARD && !fwd->is_union_fwd && fwd->size == 0);

	const struct lc_type *var = NULL;
	CHECK_OK(src->ops->find_variable(src, "runqueues", &var));
	CHECK(var == task);
	CHECK_ERR(src->ops->find_variable(src, "task", &var), LC_ERR_LOOKUP, "'task'");
	CHECK_ERR(src->ops->find_type(src, LC_TYPE_UNION, "task", &var), LC_ERR_LOOKUP,
		  "'union task'");

	/* Old-style (kind_flag 0) bit field described by its INT's encoding. */
	const struct lc_type *oldbf = find(src, LC_TYPE_STRUCT, "oldbf");
	if (oldbf) {
		CHECK_EQ_U64(oldbf->members[0].bit_offset, 2);
		CHECK_EQ_U64(oldbf->members[0].bit_size, 3);
	}

	/* Every id converts; VAR, DATASEC and DECL_TAG are not data types. */
	for (uint32_t id = 0; id < T_COUNT; id++) {
		const struct lc_type *t;
		struct lc_error *err = lc_btf_type_by_id(src, id, &t);
		bool not_data = id == T_VAR || id == T_DATASEC || id == T_DECL_TAG;
		if (not_data != (err != NULL))
			fprintf(stderr, "type %u: %s\n", id, lc_error_message(err)),
				check_failures++;
		lc_error_destroy(err);
	}
	const struct lc_type *t;
	CHECK_OK(lc_btf_type_by_id(src, 0, &t));
	CHECK(t->kind == LC_TYPE_VOID);
	CHECK_OK(lc_btf_type_by_id(src, T_FUNC, &t));
	CHECK(t->kind == LC_TYPE_FUNCTION && t->target == i);
	CHECK_STR(t->name, "do_it");
	CHECK_OK(lc_btf_type_by_id(src, T_TAGGED_PTR, &t));
	CHECK(t->target->kind == LC_TYPE_QUALIFIED && t->target->target == lh);
	CHECK_STR(t->target->name, "rcu");
	CHECK_OK(lc_btf_type_by_id(src, T_VOLATILE, &t));
	CHECK(t->kind == LC_TYPE_QUALIFIED && t->size == 8);
	CHECK_ERR(lc_btf_type_by_id(src, T_COUNT, &t), LC_ERR_LOOKUP, "out of range");
}

static void test_base(bool be)
{
	struct bb b;
	bb_init(&b, be, NULL);
	build_base(&b);
	CHECK_EQ_U64(b.nr + 1, T_COUNT);
	size_t size;
	uint8_t *data = bb_finish(&b, &size);
	CHECK(lc_btf_probe(data, size));
	struct lc_type_source *src;
	struct lc_error *err = lc_btf_create(data, size, NULL, &src);
	/* The source keeps its own copy. */
	memset(data, 0xa5, size);
	free(data);
	CHECK_OK(err);
	if (!err) {
		check_base(src);
		src->ops->destroy(src);
	}

	/* Split BTF: ids and string offsets continue after the base's. */
	data = bb_finish(&b, &size);
	CHECK_OK(lc_btf_create(data, size, NULL, &src));
	struct bb s;
	bb_init(&s, be, &b);
	uint32_t mod = bb_type(&s, "mod_obj", STRUCT, false, 3, 32);
	CHECK_EQ_U64(mod, T_COUNT);
	bb_words3(&s, bb_str(&s, "list"), T_LIST_HEAD, 0);
	bb_words3(&s, next_name_off, mod + 1, 128); /* a name from the base's strings */
	bb_words3(&s, bb_str(&s, "refs"), T_ATOMIC_T, 192);
	bb_type(&s, NULL, PTR, false, 0, mod);
	bb_type(&s, "mod_var", VAR, false, 0, mod);
	bb_word(&s, 0);
	size_t ssize;
	uint8_t *sdata = bb_finish(&s, &ssize);
	struct lc_type_source *split;
	CHECK_OK(lc_btf_create(sdata, ssize, src, &split));
	free(sdata);
	CHECK_EQ_U64(lc_btf_type_count(split), T_COUNT + 3);
	const struct lc_type *m = find(split, LC_TYPE_STRUCT, "mod_obj");
	const struct lc_type *lh = find(src, LC_TYPE_STRUCT, "list_head");
	if (m) {
		CHECK(m->members[0].type == lh);
		CHECK_STR(m->members[1].name, "next");
		CHECK(m->members[1].type->target == m);
		CHECK_STR(m->members[2].type->name, "atomic_t");
		CHECK_EQ_U64(m->members[2].type->size, 4);
	}
	/* Base types are found through the split source too. */
	CHECK(find(split, LC_TYPE_STRUCT, "list_head") == lh);
	const struct lc_type *mv;
	CHECK_OK(split->ops->find_variable(split, "mod_var", &mv));
	CHECK(mv == m);
	CHECK_OK(split->ops->find_variable(split, "runqueues", &mv));
	CHECK_ERR(src->ops->find_type(src, LC_TYPE_STRUCT, "mod_obj", &mv), LC_ERR_LOOKUP,
		  "mod_obj");
	split->ops->destroy(split);
	src->ops->destroy(src);
	free(data);
	bb_free(&s);
	bb_free(&b);
}

/* 32-bit kernels: pointers are as wide as "long". */
static void test_ptr_size(void)
{
	struct bb b;
	bb_init(&b, false, NULL);
	bb_int(&b, "long int", 4, ENC_SIGNED | 32);
	bb_type(&b, "node", STRUCT, false, 1, 4);
	bb_words3(&b, bb_str(&b, "next"), 3, 0);
	bb_type(&b, NULL, PTR, false, 0, 2);
	size_t size;
	uint8_t *data = bb_finish(&b, &size);
	struct lc_type_source *src;
	CHECK_OK(lc_btf_create(data, size, NULL, &src));
	const struct lc_type *node = find(src, LC_TYPE_STRUCT, "node");
	if (node)
		CHECK_EQ_U64(node->members[0].type->size, 4);
	src->ops->destroy(src);
	free(data);
	bb_free(&b);
}

/* A hostile chain of structs nested by value must not recurse per level. */
static void test_deep_nesting(void)
{
	struct bb b;
	bb_init(&b, false, NULL);
	enum { N = 200000 };
	for (uint32_t i = 1; i < N; i++) {
		bb_type(&b, i == 1 ? "outer" : NULL, STRUCT, false, 1, 8);
		bb_words3(&b, 0, i + 1, 0);
	}
	bb_int(&b, "int", 8, ENC_SIGNED | 64);
	size_t size;
	uint8_t *data = bb_finish(&b, &size);
	struct lc_type_source *src;
	CHECK_OK(lc_btf_create(data, size, NULL, &src));
	const struct lc_type *t = find(src, LC_TYPE_STRUCT, "outer");
	uint32_t depth = 0;
	while (t && t->kind == LC_TYPE_STRUCT && depth <= N) {
		t = t->members[0].type;
		depth++;
	}
	CHECK_EQ_U64(depth, N - 1);
	src->ops->destroy(src);
	free(data);
	bb_free(&b);
}

static struct lc_error *create_raw(const void *data, size_t size)
{
	struct lc_type_source *src = NULL;
	struct lc_error *err = lc_btf_create(data, size, NULL, &src);
	if (!err)
		src->ops->destroy(src);
	return err;
}

/* Builds b, creates a source and converts type id; the error of whichever step fails. */
static struct lc_error *convert(struct bb *b, uint32_t id)
{
	size_t size;
	uint8_t *data = bb_finish(b, &size);
	struct lc_type_source *src = NULL;
	struct lc_error *err = lc_btf_create(data, size, NULL, &src);
	free(data);
	bb_free(b);
	if (err)
		return err;
	const struct lc_type *t;
	err = lc_btf_type_by_id(src, id, &t);
	if (err) {
		/* A failed conversion leaves nothing half-built behind: same answer again. */
		struct lc_error *again = lc_btf_type_by_id(src, id, &t);
		CHECK(again && !strcmp(lc_error_message(again), lc_error_message(err)));
		lc_error_destroy(again);
	}
	src->ops->destroy(src);
	return err;
}

static void test_bad_headers(void)
{
	struct bb b;
	bb_init(&b, false, NULL);
	build_base(&b);
	size_t size;
	uint8_t *good = bb_finish(&b, &size);
	uint8_t *d = malloc(size);

	CHECK(!lc_btf_probe(good, 10));
	CHECK_ERR(create_raw(good, 10), LC_ERR_FORMAT, "shorter than its 24-byte header");
	CHECK_ERR(create_raw(good, 0), LC_ERR_FORMAT, "shorter");
	memcpy(d, good, size);
	d[0] = 0x12;
	CHECK(!lc_btf_probe(d, size));
	CHECK_ERR(create_raw(d, size), LC_ERR_FORMAT, "bad BTF magic 0x12eb");
	memcpy(d, good, size);
	d[2] = 2;
	CHECK_ERR(create_raw(d, size), LC_ERR_UNSUPPORTED, "version 2");
	memcpy(d, good, size);
	lc_store_uint(d + 4, 4, false, 0xfffffff0);
	CHECK_ERR(create_raw(d, size), LC_ERR_FORMAT, "header length");
	memcpy(d, good, size);
	lc_store_uint(d + 12, 4, false, 0xfffffff0);
	CHECK_ERR(create_raw(d, size), LC_ERR_FORMAT, "type section");
	memcpy(d, good, size);
	lc_store_uint(d + 8, 4, false, 0xfffffff0);
	CHECK_ERR(create_raw(d, size), LC_ERR_FORMAT, "past end of data");
	memcpy(d, good, size);
	lc_store_uint(d + 20, 4, false, (uint32_t)b.slen + 1);
	CHECK_ERR(create_raw(d, size), LC_ERR_FORMAT, "string section");
	/* Truncated in the middle of the string section. */
	CHECK_ERR(create_raw(good, size - 3), LC_ERR_FORMAT, "string section");
	memcpy(d, good, size);
	lc_store_uint(d + 12, 4, false, (uint32_t)b.tlen - 2);
	CHECK_ERR(create_raw(d, size), LC_ERR_FORMAT, "not a multiple of 4");
	/* The type section ends inside the last record. */
	memcpy(d, good, size);
	lc_store_uint(d + 12, 4, false, (uint32_t)b.tlen - 4);
	CHECK_ERR(create_raw(d, size), LC_ERR_FORMAT,
		  "BTF type 33: INT needs 0x10 bytes, only 0xc left");
	memcpy(d, good, size);
	d[size - 1] = 'x';
	CHECK_ERR(create_raw(d, size), LC_ERR_FORMAT, "not NUL-terminated");
	memcpy(d, good, size);
	d[24 + b.tlen] = 'x';
	CHECK_ERR(create_raw(d, size), LC_ERR_FORMAT, "empty string");
	/* Byte-swapped header fields must not read as the other order. */
	memcpy(d, good, size);
	lc_store_uint(d, 2, true, 0xeb9f);
	CHECK_ERR(create_raw(d, size), LC_ERR_FORMAT, "");
	free(d);
	free(good);
	bb_free(&b);
}

static void test_bad_types(void)
{
	struct bb b;

	/* Member name offset past the string section. */
	bb_init(&b, false, NULL);
	bb_type(&b, "s", STRUCT, false, 2, 8);
	bb_words3(&b, bb_str(&b, "ok"), 2, 0);
	bb_words3(&b, 0xffff, 2, 32);
	bb_int(&b, "int", 4, ENC_SIGNED | 32);
	CHECK_ERR(convert(&b, 1), LC_ERR_BAD_DATA,
		  "BTF type 1: member 1 name offset 0xffff past string section (size 0x");

	/* Type name offset past the string section. */
	bb_init(&b, true, NULL);
	bb_word(&b, 0x12345);
	bb_word(&b, (uint32_t)INT << 24);
	bb_word(&b, 4);
	bb_word(&b, 32);
	CHECK_ERR(convert(&b, 1), LC_ERR_BAD_DATA, "BTF type 1: name offset 0x12345 past");

	/* Huge vlen with no member records behind it. */
	bb_init(&b, false, NULL);
	bb_type(&b, "s", STRUCT, false, 0xffff, 8);
	CHECK_ERR(convert(&b, 1), LC_ERR_FORMAT,
		  "STRUCT with vlen 65535 needs 0xc0000 bytes, only 0xc left");

	/* typedef a -> typedef b -> typedef a. */
	bb_init(&b, false, NULL);
	bb_type(&b, "a", TYPEDEF, false, 0, 2);
	bb_type(&b, "b", TYPEDEF, false, 0, 1);
	CHECK_ERR(convert(&b, 1), LC_ERR_BAD_DATA, "BTF type 1: typedef/qualifier/array chain");
	/* const -> itself, and an array of itself. */
	bb_init(&b, false, NULL);
	bb_type(&b, NULL, CONST, false, 0, 1);
	CHECK_ERR(convert(&b, 1), LC_ERR_BAD_DATA, "chain longer than 32 or cyclic");
	bb_init(&b, false, NULL);
	bb_type(&b, NULL, ARRAY, false, 0, 0);
	bb_words3(&b, 1, 1, 1);
	CHECK_ERR(convert(&b, 1), LC_ERR_BAD_DATA, "cyclic");

	/* Type ids out of range: pointer target, member, array element, index. */
	bb_init(&b, false, NULL);
	bb_type(&b, NULL, PTR, false, 0, 999);
	CHECK_ERR(convert(&b, 1), LC_ERR_BAD_DATA,
		  "BTF type 1: target type id 999 out of range (last id 1)");
	bb_init(&b, false, NULL);
	bb_type(&b, "s", STRUCT, false, 1, 8);
	bb_words3(&b, 0, 77, 0);
	CHECK_ERR(convert(&b, 1), LC_ERR_BAD_DATA, "BTF type 1: member 0 type id 77 out of range");
	bb_init(&b, false, NULL);
	bb_type(&b, NULL, ARRAY, false, 0, 0);
	bb_words3(&b, 1, 5, 4);
	CHECK_ERR(convert(&b, 1), LC_ERR_BAD_DATA, "index type id 5 out of range");
	bb_init(&b, false, NULL);
	bb_type(&b, NULL, FUNC_PROTO, false, 1, 0);
	bb_word(&b, 0);
	bb_word(&b, 0x7fffffff);
	CHECK_ERR(convert(&b, 1), LC_ERR_BAD_DATA, "parameter 0 type id 2147483647");
	CHECK_ERR(lc_btf_type_by_id(NULL, 1, &(const struct lc_type *){0}), LC_ERR_INVALID, "");

	/* A member whose type is a VAR; a FUNC whose type is not a prototype. */
	bb_init(&b, false, NULL);
	bb_type(&b, "s", STRUCT, false, 1, 8);
	bb_words3(&b, 0, 2, 0);
	bb_type(&b, "v", VAR, false, 0, 0);
	bb_word(&b, 0);
	CHECK_ERR(convert(&b, 1), LC_ERR_BAD_DATA, "member 0 type 2 is a VAR, not a data type");
	bb_init(&b, false, NULL);
	bb_type(&b, "f", FUNC, false, 0, 1);
	CHECK_ERR(convert(&b, 1), LC_ERR_BAD_DATA, "is not a FUNC_PROTO");

	/* Member past the end of its struct; integer wider than its size. */
	bb_init(&b, false, NULL);
	bb_type(&b, "s", STRUCT, true, 1, 4);
	bb_words3(&b, 0, 2, BF(4, 30));
	bb_int(&b, "int", 4, ENC_SIGNED | 32);
	CHECK_ERR(convert(&b, 1), LC_ERR_BAD_DATA, "member 0 at bit 30 (4 bits) past end");
	bb_init(&b, false, NULL);
	bb_int(&b, "int", 4, 40);
	CHECK_ERR(convert(&b, 1), LC_ERR_BAD_DATA, "40-bit integer");

	/* Unknown and zero kinds stop the scan: record sizes cannot be known. */
	bb_init(&b, false, NULL);
	bb_type(&b, "x", 25, false, 0, 0);
	CHECK_ERR(convert(&b, 1), LC_ERR_UNSUPPORTED, "BTF type 1: unknown kind 25");
	bb_init(&b, false, NULL);
	bb_type(&b, "x", 0, false, 0, 0);
	CHECK_ERR(convert(&b, 1), LC_ERR_BAD_DATA, "kind 0");

	/* An array whose size overflows 64 bits. */
	bb_init(&b, false, NULL);
	bb_type(&b, NULL, ARRAY, false, 0, 0);
	bb_words3(&b, 2, 3, 0xffffffff);
	bb_type(&b, NULL, ARRAY, false, 0, 0);
	bb_words3(&b, 3, 3, 0xffffffff);
	bb_int(&b, "long", 8, 64);
	CHECK_ERR(convert(&b, 1), LC_ERR_BAD_DATA, "array size overflows");

	/* A bad type deep inside a good one fails the lookup, with the good name in context. */
	bb_init(&b, false, NULL);
	bb_type(&b, "good", STRUCT, false, 1, 8);
	bb_words3(&b, bb_str(&b, "p"), 2, 0);
	bb_type(&b, NULL, PTR, false, 0, 3);
	bb_type(&b, "bad", STRUCT, false, 1, 8);
	bb_words3(&b, 0x9999, 0, 0);
	size_t size;
	uint8_t *data = bb_finish(&b, &size);
	bb_free(&b);
	struct lc_type_source *src;
	CHECK_OK(lc_btf_create(data, size, NULL, &src));
	free(data);
	const struct lc_type *t;
	CHECK_ERR(src->ops->find_type(src, LC_TYPE_STRUCT, "good", &t), LC_ERR_BAD_DATA,
		  "converting 'struct good': BTF type 3: member 0 name offset 0x9999");
	CHECK_ERR(src->ops->find_type(src, LC_TYPE_STRUCT, "good", &t), LC_ERR_BAD_DATA, "0x9999");
	src->ops->destroy(src);

	/* Split BTF over something that is not BTF. */
	struct lc_type_source_ops fake_ops = {.name = "fake"};
	struct lc_type_source fake = {.ops = &fake_ops};
	CHECK_ERR(lc_btf_create(NULL, 0, &fake, &src), LC_ERR_INVALID, "not BTF ('fake')");
}

int main(void)
{
	test_base(false);
	test_base(true);
	test_ptr_size();
	test_deep_nesting();
	test_bad_headers();
	test_bad_types();
	CHECK_DONE();
}
