// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * BTF encoder for struct lc_type graphs.
 *
 * Ids are handed out as types are first reached, so that a struct can refer
 * to itself through a pointer; records are written afterwards in id order.
 * Anonymous derived types (pointers, qualifiers, arrays, function types) are
 * shared by their (kind, target, length): DWARF has one per unit that
 * mentions them, BTF needs one.
 */
#include <inttypes.h>
#include <stdio.h>

#include "btf_write.h"
#include "util.h"

enum {
	K_INT = 1,
	K_PTR = 2,
	K_ARRAY = 3,
	K_STRUCT = 4,
	K_UNION = 5,
	K_ENUM = 6,
	K_FWD = 7,
	K_TYPEDEF = 8,
	K_VOLATILE = 9,
	K_CONST = 10,
	K_RESTRICT = 11,
	K_FUNC_PROTO = 13,
	K_VAR = 14,
	K_DATASEC = 15,
	K_FLOAT = 16,
	K_ENUM64 = 19,
};

#define MAX_DERIVED_DEPTH 64
#define MAX_VLEN 0xffff
#define MAX_ID 0x7fffffffu

struct ptr_entry {
	const struct lc_type *type; /* NULL = empty */
	uint32_t id;
};

struct derived_entry {
	uint32_t kind, target; /* kind 0 = empty */
	uint64_t length;
	uint32_t id;
};

struct var {
	uint32_t name_off, type_id;
	uint64_t size;
};

struct lc_btf_writer {
	struct ptr_entry *ids;
	size_t ids_cap, ids_count;
	struct derived_entry *derived;
	size_t derived_cap, derived_count;
	/* order[i] has id i + 1 */
	const struct lc_type **order;
	size_t norder, order_cap;
	size_t visited; /* order[] entries whose references have ids */
	struct var *vars;
	size_t nvars, vars_cap;
	struct lc_strmap strings; /* string -> offset */
	char *strtab;
	size_t strtab_len, strtab_cap;
	struct lc_type index_type; /* the int BTF arrays are indexed by */
	bool finished;
};

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static struct ptr_entry *ptr_slot(struct ptr_entry *t, size_t cap, const struct lc_type *type)
{
	size_t mask = cap - 1;
	for (size_t s = mix((uintptr_t)type) & mask;; s = (s + 1) & mask) {
		if (!t[s].type || t[s].type == type)
			return &t[s];
	}
}

static struct lc_error *ptr_set(struct lc_btf_writer *w, const struct lc_type *type, uint32_t id)
{
	if ((w->ids_count + 1) * 2 > w->ids_cap) {
		size_t cap = w->ids_cap ? w->ids_cap * 2 : 1024;
		struct ptr_entry *t = calloc(cap, sizeof(*t));
		if (!t)
			return lc_error_nomem;
		for (size_t i = 0; i < w->ids_cap; i++) {
			if (w->ids[i].type)
				*ptr_slot(t, cap, w->ids[i].type) = w->ids[i];
		}
		free(w->ids);
		w->ids = t;
		w->ids_cap = cap;
	}
	struct ptr_entry *e = ptr_slot(w->ids, w->ids_cap, type);
	if (!e->type)
		w->ids_count++;
	e->type = type;
	e->id = id;
	return NULL;
}

static bool ptr_get(const struct lc_btf_writer *w, const struct lc_type *type, uint32_t *ret)
{
	if (!w->ids_cap)
		return false;
	const struct ptr_entry *e = ptr_slot(w->ids, w->ids_cap, type);
	if (!e->type)
		return false;
	*ret = e->id;
	return true;
}

static struct derived_entry *derived_slot(struct derived_entry *t, size_t cap, uint32_t kind,
					  uint32_t target, uint64_t length)
{
	size_t mask = cap - 1;
	uint64_t h = mix(((uint64_t)kind << 32 | target) ^ mix(length));
	for (size_t s = h & mask;; s = (s + 1) & mask) {
		if (!t[s].kind ||
		    (t[s].kind == kind && t[s].target == target && t[s].length == length))
			return &t[s];
	}
}

static struct lc_error *derived_reserve(struct lc_btf_writer *w)
{
	if ((w->derived_count + 1) * 2 <= w->derived_cap)
		return NULL;
	size_t cap = w->derived_cap ? w->derived_cap * 2 : 1024;
	struct derived_entry *t = calloc(cap, sizeof(*t));
	if (!t)
		return lc_error_nomem;
	for (size_t i = 0; i < w->derived_cap; i++) {
		struct derived_entry *e = &w->derived[i];
		if (e->kind)
			*derived_slot(t, cap, e->kind, e->target, e->length) = *e;
	}
	free(w->derived);
	w->derived = t;
	w->derived_cap = cap;
	return NULL;
}

struct lc_error *lc_btf_writer_create(struct lc_btf_writer **ret)
{
	struct lc_btf_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return lc_error_nomem;
	lc_strmap_init(&w->strings);
	/* pahole's name for it; any 4-byte unsigned int would do. */
	w->index_type.kind = LC_TYPE_INT;
	w->index_type.name = "__ARRAY_SIZE_TYPE__";
	w->index_type.size = 4;
	w->strtab = malloc(1);
	if (!w->strtab) {
		free(w);
		return lc_error_nomem;
	}
	w->strtab[0] = '\0';
	w->strtab_len = w->strtab_cap = 1;
	*ret = w;
	return NULL;
}

void lc_btf_writer_destroy(struct lc_btf_writer *w)
{
	if (!w)
		return;
	free(w->ids);
	free(w->derived);
	free(w->order);
	free(w->vars);
	lc_strmap_deinit(&w->strings);
	free(w->strtab);
	free(w);
}

static struct lc_error *add_string(struct lc_btf_writer *w, const char *s, uint32_t *ret)
{
	if (!s || !*s) {
		*ret = 0;
		return NULL;
	}
	uintptr_t v;
	if (lc_strmap_get(&w->strings, s, &v)) {
		*ret = (uint32_t)v;
		return NULL;
	}
	size_t len = strlen(s) + 1;
	if (w->strtab_len + len > UINT32_MAX)
		return lc_error_create(LC_ERR_INVALID, "BTF string section would exceed 4 GiB");
	if (!lc_grow((void **)&w->strtab, &w->strtab_cap, w->strtab_len + len, 1))
		return lc_error_nomem;
	memcpy(w->strtab + w->strtab_len, s, len);
	uint32_t off = (uint32_t)w->strtab_len;
	w->strtab_len += len;
	struct lc_error *err = lc_strmap_set(&w->strings, s, off);
	if (err)
		return err;
	*ret = off;
	return NULL;
}

/* BTF qualifier kind of a QUALIFIED type, 0 for those BTF has no kind for (_Atomic). */
static uint32_t qualifier_kind(const struct lc_type *t)
{
	if (!t->name)
		return 0;
	if (strcmp(t->name, "const") == 0)
		return K_CONST;
	if (strcmp(t->name, "volatile") == 0)
		return K_VOLATILE;
	if (strcmp(t->name, "restrict") == 0)
		return K_RESTRICT;
	return 0;
}

static struct lc_error *new_id(struct lc_btf_writer *w, const struct lc_type *type, uint32_t *ret)
{
	if (w->norder >= MAX_ID - 1)
		return lc_error_create(LC_ERR_INVALID, "too many types for BTF");
	if (!lc_grow((void **)&w->order, &w->order_cap, w->norder + 1, sizeof(*w->order)))
		return lc_error_nomem;
	uint32_t id = (uint32_t)w->norder + 1;
	struct lc_error *err = ptr_set(w, type, id);
	if (err)
		return err;
	w->order[w->norder++] = type;
	*ret = id;
	return NULL;
}

/* Id of type, giving it one (and its anonymous derived targets) if it has none. */
static struct lc_error *get_id(struct lc_btf_writer *w, const struct lc_type *type, int depth,
			       uint32_t *ret)
{
	if (depth > MAX_DERIVED_DEPTH)
		return lc_error_create(LC_ERR_INVALID,
				       "pointer/qualifier/array chain longer than %d or cyclic",
				       MAX_DERIVED_DEPTH);
	if (!type || type->kind == LC_TYPE_VOID) {
		*ret = 0;
		return NULL;
	}
	if (ptr_get(w, type, ret))
		return NULL;
	uint32_t kind;
	switch (type->kind) {
	case LC_TYPE_QUALIFIED:
		kind = qualifier_kind(type);
		if (!kind)
			return get_id(w, type->target, depth + 1, ret);
		break;
	case LC_TYPE_POINTER:
		kind = K_PTR;
		break;
	case LC_TYPE_ARRAY:
		kind = K_ARRAY;
		break;
	case LC_TYPE_FUNCTION:
		kind = K_FUNC_PROTO;
		break;
	default:
		/* Named or aggregate: its references are visited from the queue. */
		return new_id(w, type, ret);
	}
	uint32_t target;
	struct lc_error *err = get_id(w, type->target, depth + 1, &target);
	if (err)
		return err;
	/* A cycle back through the target may have given this type an id meanwhile. */
	if (ptr_get(w, type, ret))
		return NULL;
	err = derived_reserve(w);
	if (err)
		return err;
	uint64_t length = kind == K_ARRAY ? type->length : 0;
	struct derived_entry *e = derived_slot(w->derived, w->derived_cap, kind, target, length);
	if (e->kind) {
		*ret = e->id;
		return ptr_set(w, type, e->id);
	}
	err = new_id(w, type, ret);
	if (err)
		return err;
	e = derived_slot(w->derived, w->derived_cap, kind, target, length);
	*e = (struct derived_entry){kind, target, length, *ret};
	w->derived_count++;
	return NULL;
}

/* Give ids to everything the types added so far refer to. */
static struct lc_error *visit(struct lc_btf_writer *w)
{
	uint32_t unused;
	for (; w->visited < w->norder; w->visited++) {
		const struct lc_type *t = w->order[w->visited];
		struct lc_error *err = NULL;
		switch (t->kind) {
		case LC_TYPE_STRUCT:
		case LC_TYPE_UNION:
			for (uint32_t i = 0; !err && i < t->nmembers; i++)
				err = get_id(w, t->members[i].type, 0, &unused);
			break;
		case LC_TYPE_TYPEDEF:
			err = get_id(w, t->target, 0, &unused);
			break;
		case LC_TYPE_ARRAY:
			err = get_id(w, &w->index_type, 0, &unused);
			break;
		default:
			break;
		}
		if (err)
			return err;
	}
	return NULL;
}

struct lc_error *lc_btf_writer_add_type(struct lc_btf_writer *w, const struct lc_type *type,
					uint32_t *id_ret)
{
	if (w->finished)
		return lc_error_create(LC_ERR_INVALID, "BTF writer already finished");
	/*
	 * Only the type itself gets an id now; what it refers to gets them in
	 * finish(). So every type added here precedes the types merely reached,
	 * and a name lookup in the result finds the one added, not a namesake
	 * (DWARF has same-named static structs in different units).
	 */
	uint32_t id;
	struct lc_error *err = get_id(w, type, 0, &id);
	if (err)
		return err;
	if (id_ret)
		*id_ret = id;
	return NULL;
}

struct lc_error *lc_btf_writer_add_variable(struct lc_btf_writer *w, const char *name,
					    const struct lc_type *type)
{
	uint32_t id, name_off;
	struct lc_error *err = lc_btf_writer_add_type(w, type, &id);
	if (!err)
		err = add_string(w, name, &name_off);
	if (err)
		return err;
	if (!name_off)
		return lc_error_create(LC_ERR_INVALID, "BTF variable without a name");
	if (!lc_grow((void **)&w->vars, &w->vars_cap, w->nvars + 1, sizeof(*w->vars)))
		return lc_error_nomem;
	w->vars[w->nvars++] = (struct var){name_off, id, type ? type->size : 0};
	return NULL;
}

/* The type section under construction. */
struct words {
	uint32_t *w;
	size_t n, cap;
};

static bool put(struct words *out, uint32_t v)
{
	if (!lc_grow((void **)&out->w, &out->cap, out->n + 1, sizeof(*out->w)))
		return false;
	out->w[out->n++] = v;
	return true;
}

static uint32_t info(uint32_t kind, uint32_t vlen, bool kflag)
{
	return (kflag ? 1u << 31 : 0) | kind << 24 | vlen;
}

static struct lc_error *type_error(const struct lc_type *t, const char *what)
{
	return lc_error_create(LC_ERR_INVALID, "cannot encode '%s' in BTF: %s",
			       t->name ? t->name : "anonymous type", what);
}

static struct lc_error *emit(struct lc_btf_writer *w, struct words *out, const struct lc_type *t)
{
	uint32_t name, target = 0;
	struct lc_error *err = add_string(w, t->name, &name);
	if (err)
		return err;
	bool ok = true;
	switch (t->kind) {
	case LC_TYPE_INT: {
		if (t->size == 0 || t->size > 16)
			return type_error(t, "integer size out of range");
		bool is_bool =
			t->name && (strcmp(t->name, "_Bool") == 0 || strcmp(t->name, "bool") == 0);
		uint32_t enc = (t->is_signed ? 1u : 0) | (is_bool ? 4u : 0);
		ok = put(out, name) && put(out, info(K_INT, 0, false)) &&
		     put(out, (uint32_t)t->size) && put(out, enc << 24 | (uint32_t)t->size * 8);
		break;
	}
	case LC_TYPE_FLOAT:
		if (t->size > UINT32_MAX)
			return type_error(t, "too large");
		ok = put(out, name) && put(out, info(K_FLOAT, 0, false)) &&
		     put(out, (uint32_t)t->size);
		break;
	case LC_TYPE_POINTER:
	case LC_TYPE_QUALIFIED:
	case LC_TYPE_TYPEDEF:
	case LC_TYPE_FUNCTION: {
		uint32_t kind = t->kind == LC_TYPE_POINTER    ? K_PTR
				: t->kind == LC_TYPE_TYPEDEF  ? K_TYPEDEF
				: t->kind == LC_TYPE_FUNCTION ? K_FUNC_PROTO
							      : qualifier_kind(t);
		err = get_id(w, t->target, 0, &target);
		if (err)
			return err;
		/* Only typedefs carry a name; qualifiers are named after themselves in lc_type. */
		ok = put(out, kind == K_TYPEDEF ? name : 0) && put(out, info(kind, 0, false)) &&
		     put(out, target);
		break;
	}
	case LC_TYPE_ARRAY: {
		uint32_t index;
		if (t->length > UINT32_MAX)
			return type_error(t, "array too long");
		err = get_id(w, t->target, 0, &target);
		if (!err)
			err = get_id(w, &w->index_type, 0, &index);
		if (err)
			return err;
		ok = put(out, 0) && put(out, info(K_ARRAY, 0, false)) && put(out, 0) &&
		     put(out, target) && put(out, index) && put(out, (uint32_t)t->length);
		break;
	}
	case LC_TYPE_STRUCT:
	case LC_TYPE_UNION: {
		if (t->nmembers > MAX_VLEN)
			return type_error(t, "more than 65535 members");
		if (t->size > UINT32_MAX)
			return type_error(t, "larger than 4 GiB");
		bool kflag = false;
		for (uint32_t i = 0; i < t->nmembers; i++)
			kflag |= t->members[i].bit_size != 0;
		ok = put(out, name) &&
		     put(out, info(t->kind == LC_TYPE_STRUCT ? K_STRUCT : K_UNION, t->nmembers,
				   kflag)) &&
		     put(out, (uint32_t)t->size);
		for (uint32_t i = 0; ok && i < t->nmembers; i++) {
			const struct lc_member *m = &t->members[i];
			uint32_t mname, offset;
			err = add_string(w, m->name, &mname);
			if (!err)
				err = get_id(w, m->type, 0, &target);
			if (err)
				return err;
			/* With kind_flag, 8 bits of field width and 24 of bit offset. */
			if (kflag && (m->bit_offset > 0xffffff || m->bit_size > 0xff))
				return type_error(t, "bit field beyond 2 MiB into the struct");
			if (m->bit_offset > UINT32_MAX)
				return type_error(t, "member beyond 512 MiB into the struct");
			offset = kflag ? m->bit_size << 24 | (uint32_t)m->bit_offset
				       : (uint32_t)m->bit_offset;
			ok = put(out, mname) && put(out, target) && put(out, offset);
		}
		break;
	}
	case LC_TYPE_ENUM: {
		if (t->nenumerators > MAX_VLEN)
			return type_error(t, "more than 65535 enumerators");
		if (t->size > UINT32_MAX)
			return type_error(t, "too large");
		bool wide = false;
		for (uint32_t i = 0; i < t->nenumerators; i++) {
			int64_t v = t->enumerators[i].value;
			if (t->is_signed ? v < INT32_MIN || v > INT32_MAX
					 : (uint64_t)v > UINT32_MAX)
				wide = true;
		}
		ok = put(out, name) &&
		     put(out, info(wide ? K_ENUM64 : K_ENUM, t->nenumerators, t->is_signed)) &&
		     put(out, (uint32_t)t->size);
		for (uint32_t i = 0; ok && i < t->nenumerators; i++) {
			uint32_t ename;
			err = add_string(w, t->enumerators[i].name, &ename);
			if (err)
				return err;
			uint64_t v = (uint64_t)t->enumerators[i].value;
			ok = put(out, ename) && put(out, (uint32_t)v) &&
			     (!wide || put(out, (uint32_t)(v >> 32)));
		}
		break;
	}
	case LC_TYPE_FORWARD:
		ok = put(out, name) && put(out, info(K_FWD, 0, t->is_union_fwd)) && put(out, 0);
		break;
	case LC_TYPE_VOID:
		return lc_error_create(LC_ERR_INVALID, "void has no BTF record");
	}
	return ok ? NULL : lc_error_nomem;
}

struct lc_error *lc_btf_writer_finish(struct lc_btf_writer *w, void **data_ret, size_t *size_ret)
{
	if (w->finished)
		return lc_error_create(LC_ERR_INVALID, "BTF writer already finished");
	w->finished = true;
	struct words out = {0};
	struct lc_error *err = visit(w);
	/* emit() only looks ids up: every reference was given one when its type was added. */
	for (size_t i = 0; !err && i < w->norder; i++) {
		size_t mark = out.n;
		err = emit(w, &out, w->order[i]);
		if (err && lc_error_code(err) == LC_ERR_INVALID) {
			/*
			 * Others may refer to this id: keep it, as a declaration
			 * (pointers to it still work, its layout is unknown).
			 */
			lc_error_destroy(err);
			out.n = mark;
			uint32_t name;
			err = add_string(w, w->order[i]->name, &name);
			if (!err && (!put(&out, name) || !put(&out, info(K_FWD, 0, false)) ||
				     !put(&out, 0)))
				err = lc_error_nomem;
		}
	}
	size_t first_var = w->norder + 1;
	for (size_t i = 0; !err && i < w->nvars; i++) {
		/* Linkage 1: a global variable. */
		if (!put(&out, w->vars[i].name_off) || !put(&out, info(K_VAR, 0, false)) ||
		    !put(&out, w->vars[i].type_id) || !put(&out, 1))
			err = lc_error_nomem;
	}
	/* DATASEC vlen is 16 bits: one section per 65535 variables. */
	for (size_t start = 0; !err && start < w->nvars; start += MAX_VLEN) {
		size_t n = w->nvars - start < MAX_VLEN ? w->nvars - start : MAX_VLEN;
		uint32_t sec_name;
		err = add_string(w, ".data", &sec_name);
		if (!err && (!put(&out, sec_name) ||
			     !put(&out, info(K_DATASEC, (uint32_t)n, false)) || !put(&out, 0)))
			err = lc_error_nomem;
		/* Addresses come from the symbol table; offsets here would only mislead. */
		for (size_t i = start; !err && i < start + n; i++) {
			uint64_t size = w->vars[i].size;
			if (!put(&out, (uint32_t)(first_var + i)) || !put(&out, 0) ||
			    !put(&out, size > UINT32_MAX ? 0 : (uint32_t)size))
				err = lc_error_nomem;
		}
	}
	if (!err && (out.n > UINT32_MAX / 4 || w->norder + w->nvars >= MAX_ID))
		err = lc_error_create(LC_ERR_INVALID, "BTF type section would exceed 4 GiB");
	if (err) {
		free(out.w);
		return err;
	}
	size_t type_len = out.n * 4, str_len = w->strtab_len;
	size_t size = 24 + type_len + str_len;
	uint8_t *buf = malloc(size);
	if (!buf) {
		free(out.w);
		return lc_error_nomem;
	}
	bool be = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
	lc_store_uint(buf, 2, be, 0xeb9f);
	buf[2] = 1; /* version */
	buf[3] = 0; /* flags */
	lc_store_uint(buf + 4, 4, be, 24);
	lc_store_uint(buf + 8, 4, be, 0);
	lc_store_uint(buf + 12, 4, be, type_len);
	lc_store_uint(buf + 16, 4, be, type_len);
	lc_store_uint(buf + 20, 4, be, str_len);
	if (type_len)
		memcpy(buf + 24, out.w, type_len);
	memcpy(buf + 24 + type_len, w->strtab, str_len);
	free(out.w);
	*data_ret = buf;
	*size_ret = size;
	return NULL;
}
