// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * DWARF type source over libdw.
 *
 * A vmlinux has thousands of compile units, each with its own copy of every
 * header type it uses. lc_dwarf_create() only opens the DWARF; the first
 * lookup scans the top-level DIEs of every unit once and keeps, per (kind,
 * name), the first complete definition. Types are converted to struct
 * lc_type on demand and cached by DIE offset; a reference to a named
 * struct/union/enum/typedef/base type is redirected to that indexed
 * definition (when the sizes agree), so the converted graph has one copy of
 * each kernel type instead of one per unit, and declarations resolve to
 * their definitions.
 *
 * DWARF from a file is untrusted: chains are bounded, counts come from what
 * was actually read, and conversion is a work queue rather than recursion.
 */
#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <gelf.h>

#include "dwarf_types.h"
#include "util.h"

#define MAX_CHAIN 64
#define MAX_DIMS 16
#define MAX_CHILDREN (1u << 20)

enum name_class {
	CLS_NONE,
	CLS_STRUCT,
	CLS_UNION,
	CLS_ENUM,
	CLS_TYPEDEF,
	CLS_INT,
	CLS_FLOAT,
	CLS_VAR,
};

/* Better definitions replace worse ones in the index. */
enum quality {
	Q_DECLARATION,
	Q_STATIC,   /* a definition local to its unit (variables) */
	Q_COMPLETE, /* a type definition, or an external variable definition */
};

struct name_entry {
	const char *name; /* NULL = empty slot; points into the DWARF string data */
	uint64_t hash;
	Dwarf_Off off;
	uint8_t cls;
	uint8_t quality;
};

struct off_entry {
	Dwarf_Off off; /* 0 = empty (offset 0 is a unit header, never a DIE) */
	struct lc_type *type;
};

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

struct lc_dwarf {
	struct lc_type_source src;
	Dwarf *dbg;
	bool big_endian;
	unsigned ptr_size;

	bool indexed;
	struct name_entry *names;
	size_t names_cap, names_count;
	Dwarf_Off *anon_enums;
	size_t nanon_enums, anon_enums_cap;
	Dwarf_Off *enums; /* every indexed named enum and anonymous enum, for enumerators */
	size_t nenums, enums_cap;
	struct lc_dwarf_stats stats;

	/* Enumerator name -> (enum DIE, position); built on the first bare lookup. */
	struct lc_strmap enumerators;
	bool enumerators_indexed;
	struct {
		Dwarf_Off off;
		uint32_t idx;
	} * enumerator_locs;
	size_t nenumerator_locs, enumerator_locs_cap;

	struct off_entry *converted;
	size_t converted_cap, converted_count;
	struct {
		Dwarf_Off off;
		struct lc_type *type;
	} * work;
	size_t nwork, work_cap;

	struct lc_type void_type;
	struct arena_chunk *arena;
};

static const struct lc_type_source_ops dwarf_ops;

static struct lc_dwarf *to_dwarf(struct lc_type_source *src)
{
	return (struct lc_dwarf *)src;
}

static void *arena_alloc(struct lc_dwarf *d, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	struct arena_chunk *c = d->arena;
	if (!c || c->size - c->used < size) {
		size_t csize = size > 256 * 1024 ? size : 256 * 1024;
		c = malloc(sizeof(*c) + csize);
		if (!c)
			return NULL;
		c->used = 0;
		c->size = csize;
		c->next = d->arena;
		d->arena = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

static struct lc_error *dw_error(const char *what, Dwarf_Off off)
{
	return lc_error_create(LC_ERR_BAD_DATA, "DWARF DIE 0x%" PRIx64 ": %s: %s", (uint64_t)off,
			       what, dwarf_errmsg(-1));
}

/* Name index: open addressing on (class, name), grown at half load. */
static uint64_t name_hash(const char *name, uint8_t cls)
{
	uint64_t h = lc_hash_string(name) ^ ((uint64_t)cls * 0x9e3779b97f4a7c15ull);
	return h ^ (h >> 29);
}

static struct name_entry *name_slot(struct name_entry *table, size_t cap, const char *name,
				    uint8_t cls, uint64_t hash)
{
	size_t mask = cap - 1;
	for (size_t s = hash & mask;; s = (s + 1) & mask) {
		struct name_entry *e = &table[s];
		if (!e->name || (e->hash == hash && e->cls == cls && strcmp(e->name, name) == 0))
			return e;
	}
}

static bool names_grow(struct lc_dwarf *d)
{
	size_t cap = d->names_cap ? d->names_cap * 2 : 1 << 16;
	struct name_entry *t = calloc(cap, sizeof(*t));
	if (!t)
		return false;
	for (size_t i = 0; i < d->names_cap; i++) {
		struct name_entry *e = &d->names[i];
		if (e->name)
			*name_slot(t, cap, e->name, e->cls, e->hash) = *e;
	}
	free(d->names);
	d->names = t;
	d->names_cap = cap;
	return true;
}

static struct lc_error *names_add(struct lc_dwarf *d, const char *name, uint8_t cls, Dwarf_Off off,
				  uint8_t quality)
{
	if ((d->names_count + 1) * 2 > d->names_cap && !names_grow(d))
		return lc_error_nomem;
	uint64_t hash = name_hash(name, cls);
	struct name_entry *e = name_slot(d->names, d->names_cap, name, cls, hash);
	if (!e->name) {
		*e = (struct name_entry){name, hash, off, cls, quality};
		d->names_count++;
		if (cls == CLS_VAR)
			d->stats.variables++;
	} else if (quality > e->quality) {
		e->off = off;
		e->quality = quality;
	}
	return NULL;
}

static const struct name_entry *names_find(const struct lc_dwarf *d, const char *name, uint8_t cls)
{
	if (!d->names_cap)
		return NULL;
	const struct name_entry *e =
		name_slot(d->names, d->names_cap, name, cls, name_hash(name, cls));
	return e->name ? e : NULL;
}

static bool push_off(Dwarf_Off **arr, size_t *n, size_t *cap, Dwarf_Off off)
{
	if (!lc_grow((void **)arr, cap, *n + 1, sizeof(**arr)))
		return false;
	(*arr)[(*n)++] = off;
	return true;
}

static uint8_t tag_class(int tag, Dwarf_Die *die)
{
	switch (tag) {
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
		return CLS_STRUCT;
	case DW_TAG_union_type:
		return CLS_UNION;
	case DW_TAG_enumeration_type:
		return CLS_ENUM;
	case DW_TAG_typedef:
		return CLS_TYPEDEF;
	case DW_TAG_base_type: {
		Dwarf_Attribute a;
		Dwarf_Word enc = 0;
		if (dwarf_attr(die, DW_AT_encoding, &a))
			dwarf_formudata(&a, &enc);
		return enc == DW_ATE_float || enc == DW_ATE_complex_float ? CLS_FLOAT : CLS_INT;
	}
	case DW_TAG_variable:
		return CLS_VAR;
	}
	return CLS_NONE;
}

static bool has_flag(Dwarf_Die *die, int attr)
{
	Dwarf_Attribute a;
	bool flag = false;
	return dwarf_attr_integrate(die, attr, &a) && dwarf_formflag(&a, &flag) == 0 && flag;
}

static struct lc_error *index_die(struct lc_dwarf *d, Dwarf_Die *die)
{
	int tag = dwarf_tag(die);
	uint8_t cls = tag_class(tag, die);
	if (cls == CLS_NONE)
		return NULL;
	Dwarf_Off off = dwarf_dieoffset(die);
	bool decl = dwarf_hasattr(die, DW_AT_declaration);
	const char *name;
	uint8_t quality;
	if (cls == CLS_VAR) {
		/* A definition may name itself only through DW_AT_specification. */
		Dwarf_Attribute a;
		name = dwarf_attr_integrate(die, DW_AT_name, &a) ? dwarf_formstring(&a) : NULL;
		if (decl)
			quality = Q_DECLARATION;
		else
			quality = has_flag(die, DW_AT_external) ? Q_COMPLETE : Q_STATIC;
	} else {
		name = dwarf_diename(die);
		quality = decl ? Q_DECLARATION : Q_COMPLETE;
	}
	if (tag == DW_TAG_enumeration_type && !decl && !name) {
		if (!push_off(&d->anon_enums, &d->nanon_enums, &d->anon_enums_cap, off))
			return lc_error_nomem;
		d->stats.anonymous_enums++;
		return NULL;
	}
	if (!name || !*name)
		return NULL;
	return names_add(d, name, cls, off, quality);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct lc_error *build_index(struct lc_dwarf *d)
{
	double start = now();
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	int r;
	while ((r = dwarf_get_units(d->dbg, cu, &cu, NULL, NULL, &cudie, NULL)) == 0) {
		d->stats.units++;
		Dwarf_Die child;
		if (dwarf_child(&cudie, &child) != 0)
			continue;
		do {
			d->stats.dies_scanned++;
			struct lc_error *err = index_die(d, &child);
			if (err)
				return err;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	if (r < 0)
		return lc_error_create(LC_ERR_BAD_DATA, "reading DWARF units: %s",
				       dwarf_errmsg(-1));
	/* Named enums, once each, for bare enumerator lookups. */
	for (size_t i = 0; i < d->names_cap; i++) {
		struct name_entry *e = &d->names[i];
		if (e->name && e->cls == CLS_ENUM && e->quality == Q_COMPLETE &&
		    !push_off(&d->enums, &d->nenums, &d->enums_cap, e->off))
			return lc_error_nomem;
	}
	d->stats.names = d->names_count;
	d->stats.index_seconds = now() - start;
	d->indexed = true;
	return NULL;
}

static struct lc_error *ensure_index(struct lc_dwarf *d)
{
	return d->indexed ? NULL : build_index(d);
}

/* Converted types by DIE offset. */
static struct off_entry *converted_slot(struct off_entry *t, size_t cap, Dwarf_Off off)
{
	size_t mask = cap - 1;
	uint64_t h = off * 0x9e3779b97f4a7c15ull;
	for (size_t s = (h ^ (h >> 32)) & mask;; s = (s + 1) & mask) {
		if (!t[s].off || t[s].off == off)
			return &t[s];
	}
}

static struct lc_type *converted_get(struct lc_dwarf *d, Dwarf_Off off)
{
	if (!d->converted_cap)
		return NULL;
	struct off_entry *e = converted_slot(d->converted, d->converted_cap, off);
	return e->off ? e->type : NULL;
}

/* Set (type non-NULL) or forget (type NULL: a failed conversion's leftovers). */
static struct lc_error *converted_set(struct lc_dwarf *d, Dwarf_Off off, struct lc_type *type)
{
	if ((d->converted_count + 1) * 2 > d->converted_cap) {
		size_t cap = d->converted_cap ? d->converted_cap * 2 : 4096;
		struct off_entry *t = calloc(cap, sizeof(*t));
		if (!t)
			return lc_error_nomem;
		for (size_t i = 0; i < d->converted_cap; i++) {
			if (d->converted[i].off)
				*converted_slot(t, cap, d->converted[i].off) = d->converted[i];
		}
		free(d->converted);
		d->converted = t;
		d->converted_cap = cap;
	}
	struct off_entry *e = converted_slot(d->converted, d->converted_cap, off);
	if (!e->off)
		d->converted_count++;
	/* Forgotten entries keep their slot with a NULL type: probing stays intact. */
	e->off = off;
	e->type = type;
	return NULL;
}

/* DW_AT_type of die (through DW_AT_specification/abstract_origin); false if absent. */
static bool die_type(Dwarf_Die *die, Dwarf_Die *ret)
{
	Dwarf_Attribute a;
	return dwarf_attr_integrate(die, DW_AT_type, &a) && dwarf_formref_die(&a, ret);
}

static bool die_udata(Dwarf_Die *die, int attr, uint64_t *ret)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	if (!dwarf_attr_integrate(die, attr, &a) || dwarf_formudata(&a, &w) != 0)
		return false;
	*ret = w;
	return true;
}

/*
 * The definition to use for die: the indexed one of the same kind and name
 * when die is a declaration or has the same size, else die itself.
 */
static void canonical_die(struct lc_dwarf *d, Dwarf_Die *die)
{
	int tag = dwarf_tag(die);
	uint8_t cls = tag_class(tag, die);
	if (cls == CLS_NONE || cls == CLS_VAR)
		return;
	const char *name = dwarf_diename(die);
	if (!name)
		return;
	const struct name_entry *e = names_find(d, name, cls);
	if (!e || e->quality != Q_COMPLETE || e->off == dwarf_dieoffset(die))
		return;
	Dwarf_Die def;
	if (!dwarf_offdie(d->dbg, e->off, &def))
		return;
	if (cls != CLS_TYPEDEF && !dwarf_hasattr(die, DW_AT_declaration)) {
		uint64_t a, b;
		bool ha = die_udata(die, DW_AT_byte_size, &a),
		     hb = die_udata(&def, DW_AT_byte_size, &b);
		/* Two different types that share a name (static to their units) stay apart. */
		if (ha != hb || (ha && a != b))
			return;
	}
	*die = def;
}

static struct lc_error *array_length(Dwarf_Die *sub, uint64_t *ret)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	*ret = 0;
	if (dwarf_attr(sub, DW_AT_count, &a)) {
		if (dwarf_formudata(&a, &w) == 0)
			*ret = w;
		return NULL;
	}
	if (!dwarf_attr(sub, DW_AT_upper_bound, &a))
		return NULL; /* flexible array */
	/* Variable-length bounds (a DIE or an expression) have no static length. */
	if (dwarf_whatform(&a) == DW_FORM_ref4 || dwarf_whatform(&a) == DW_FORM_exprloc ||
	    dwarf_whatform(&a) == DW_FORM_block1 || dwarf_whatform(&a) == DW_FORM_ref_udata)
		return NULL;
	/*
	 * libdw sign-extends data1..data8 in dwarf_formsdata(), which would make
	 * [256]'s bound 255 in a data1 read -1. GCC writes [0] arrays as an upper
	 * bound of -1: sdata, or all ones in a 4- or 8-byte form.
	 */
	int form = dwarf_whatform(&a);
	uint64_t upper;
	if (form == DW_FORM_sdata || form == DW_FORM_implicit_const) {
		Dwarf_Sword s;
		if (dwarf_formsdata(&a, &s) != 0 || s < 0)
			return NULL;
		upper = (uint64_t)s;
	} else {
		if (dwarf_formudata(&a, &w) != 0)
			return NULL;
		upper = w;
		if ((form == DW_FORM_data4 && upper == UINT32_MAX) || upper == UINT64_MAX)
			return NULL;
	}
	uint64_t lower = 0;
	die_udata(sub, DW_AT_lower_bound, &lower);
	if (upper < lower || upper - lower == UINT64_MAX)
		return NULL;
	*ret = upper - lower + 1;
	return NULL;
}

/* Size in bytes of the type at die, following typedefs, qualifiers and arrays. */
static struct lc_error *die_size(struct lc_dwarf *d, Dwarf_Die *in, uint64_t *ret)
{
	Dwarf_Die die = *in;
	uint64_t mult = 1;
	for (int depth = 0;; depth++) {
		if (depth > MAX_CHAIN)
			return lc_error_create(LC_ERR_BAD_DATA,
					       "DWARF DIE 0x%" PRIx64
					       ": type chain longer than %d or cyclic",
					       (uint64_t)dwarf_dieoffset(in), MAX_CHAIN);
		canonical_die(d, &die);
		uint64_t size;
		switch (dwarf_tag(&die)) {
		case DW_TAG_pointer_type:
		case DW_TAG_reference_type:
		case DW_TAG_rvalue_reference_type:
			if (!die_udata(&die, DW_AT_byte_size, &size))
				size = d->ptr_size;
			break;
		case DW_TAG_typedef:
		case DW_TAG_const_type:
		case DW_TAG_volatile_type:
		case DW_TAG_restrict_type:
		case DW_TAG_atomic_type:
			if (!die_type(&die, &die)) {
				*ret = 0;
				return NULL;
			}
			continue;
		case DW_TAG_array_type: {
			Dwarf_Die sub;
			if (dwarf_child(&die, &sub) == 0) {
				int n = 0;
				do {
					int t = dwarf_tag(&sub);
					if (t != DW_TAG_subrange_type &&
					    t != DW_TAG_enumeration_type)
						continue;
					uint64_t len;
					struct lc_error *err = array_length(&sub, &len);
					if (err)
						return err;
					if (len && mult > UINT64_MAX / len)
						return lc_error_create(
							LC_ERR_BAD_DATA,
							"DWARF DIE 0x%" PRIx64
							": array size overflows",
							(uint64_t)dwarf_dieoffset(in));
					mult *= len;
				} while (++n < MAX_DIMS && dwarf_siblingof(&sub, &sub) == 0);
			}
			if (!die_type(&die, &die))
				return dw_error("array without element type", dwarf_dieoffset(in));
			continue;
		}
		case DW_TAG_subroutine_type:
		case DW_TAG_unspecified_type:
			size = 0;
			break;
		default:
			if (!die_udata(&die, DW_AT_byte_size, &size))
				size = 0;
			break;
		}
		if (size && mult > UINT64_MAX / size)
			return lc_error_create(LC_ERR_BAD_DATA,
					       "DWARF DIE 0x%" PRIx64 ": array size overflows",
					       (uint64_t)dwarf_dieoffset(in));
		*ret = size * mult;
		return NULL;
	}
}

/* The converted (or queued) type of die; void when die is NULL. */
static struct lc_error *dwarf_ref(struct lc_dwarf *d, Dwarf_Die *die_in, const struct lc_type **ret)
{
	if (!die_in) {
		*ret = &d->void_type;
		return NULL;
	}
	Dwarf_Die die = *die_in;
	canonical_die(d, &die);
	Dwarf_Off off = dwarf_dieoffset(&die);
	struct lc_type *type = converted_get(d, off);
	if (type) {
		*ret = type;
		return NULL;
	}
	type = arena_alloc(d, sizeof(*type));
	if (!type || !lc_grow((void **)&d->work, &d->work_cap, d->nwork + 1, sizeof(*d->work)))
		return lc_error_nomem;
	struct lc_error *err = converted_set(d, off, type);
	if (err)
		return err;
	d->work[d->nwork].off = off;
	d->work[d->nwork].type = type;
	d->nwork++;
	*ret = type;
	return NULL;
}

/* The type die refers to (DW_AT_type), or void. */
static struct lc_error *ref_target(struct lc_dwarf *d, Dwarf_Die *die, const struct lc_type **ret)
{
	Dwarf_Die t;
	return dwarf_ref(d, die_type(die, &t) ? &t : NULL, ret);
}

/* DW_AT_data_member_location: a constant, or DWARF 2's DW_OP_plus_uconst expression. */
static struct lc_error *member_location(Dwarf_Die *m, uint64_t *ret)
{
	Dwarf_Attribute a;
	*ret = 0;
	if (!dwarf_attr(m, DW_AT_data_member_location, &a))
		return NULL;
	Dwarf_Word w;
	int form = dwarf_whatform(&a);
	if (form != DW_FORM_exprloc && form != DW_FORM_block1 && form != DW_FORM_block2 &&
	    form != DW_FORM_block4 && form != DW_FORM_block && dwarf_formudata(&a, &w) == 0) {
		*ret = w;
		return NULL;
	}
	Dwarf_Op *ops;
	size_t nops;
	if (dwarf_getlocation(&a, &ops, &nops) == 0 && nops == 1 &&
	    (ops[0].atom == DW_OP_plus_uconst || ops[0].atom == DW_OP_constu)) {
		*ret = ops[0].number;
		return NULL;
	}
	return lc_error_create(LC_ERR_UNSUPPORTED,
			       "DWARF DIE 0x%" PRIx64 ": member location is not a constant",
			       (uint64_t)dwarf_dieoffset(m));
}

static struct lc_error *fill_members(struct lc_dwarf *d, Dwarf_Die *die, struct lc_type *type)
{
	Dwarf_Die child;
	uint32_t n = 0;
	if (dwarf_child(die, &child) == 0) {
		do {
			if (dwarf_tag(&child) == DW_TAG_member && ++n >= MAX_CHILDREN)
				return dw_error("too many members", dwarf_dieoffset(die));
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	if (!n)
		return NULL;
	struct lc_member *members = arena_alloc(d, n * sizeof(*members));
	if (!members)
		return lc_error_nomem;
	uint32_t i = 0;
	dwarf_child(die, &child);
	do {
		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		if (i == n)
			break;
		struct lc_member *m = &members[i++];
		m->name = dwarf_diename(&child);
		struct lc_error *err = ref_target(d, &child, &m->type);
		if (err)
			return err;
		uint64_t bit_size = 0, bit_offset;
		die_udata(&child, DW_AT_bit_size, &bit_size);
		if (bit_size > 0xffff)
			return dw_error("bit field wider than 65535 bits", dwarf_dieoffset(&child));
		m->bit_size = (uint32_t)bit_size;
		if (die_udata(&child, DW_AT_data_bit_offset, &bit_offset)) {
			/* DWARF 4+: counted from the start of the struct. */
			m->bit_offset = bit_offset;
			continue;
		}
		uint64_t byte_off;
		err = member_location(&child, &byte_off);
		if (err)
			return err;
		if (byte_off > UINT64_MAX / 8)
			return dw_error("member offset overflows", dwarf_dieoffset(&child));
		m->bit_offset = byte_off * 8;
		Dwarf_Attribute a;
		Dwarf_Sword old_off;
		if (bit_size && dwarf_attr(&child, DW_AT_bit_offset, &a) &&
		    dwarf_formsdata(&a, &old_off) == 0) {
			/*
			 * DWARF 2/3: the offset of the field's most significant bit
			 * within a storage unit of DW_AT_byte_size (else the type's)
			 * bytes at the member location, counted from that unit's MSB.
			 */
			uint64_t storage;
			if (!die_udata(&child, DW_AT_byte_size, &storage)) {
				Dwarf_Die t;
				if (!die_type(&child, &t))
					return dw_error("bit field without a type",
							dwarf_dieoffset(&child));
				err = die_size(d, &t, &storage);
				if (err)
					return err;
			}
			int64_t bits;
			if (d->big_endian)
				bits = (int64_t)(byte_off * 8) + old_off;
			else
				bits = (int64_t)(byte_off * 8 + storage * 8) - old_off -
				       (int64_t)bit_size;
			if (bits < 0)
				return dw_error("bit field before the start of its struct",
						dwarf_dieoffset(&child));
			m->bit_offset = (uint64_t)bits;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	type->nmembers = i;
	type->members = members;
	return NULL;
}

static bool base_is_signed(Dwarf_Die *die)
{
	uint64_t enc = 0;
	die_udata(die, DW_AT_encoding, &enc);
	return enc == DW_ATE_signed || enc == DW_ATE_signed_char;
}

static struct lc_error *fill_enum(struct lc_dwarf *d, Dwarf_Die *die, struct lc_type *type)
{
	Dwarf_Die under;
	bool has_under = die_type(die, &under);
	if (has_under) {
		struct lc_error *err = dwarf_ref(d, &under, &type->target);
		if (err)
			return err;
		Dwarf_Die base = under;
		for (int i = 0; i < MAX_CHAIN && dwarf_tag(&base) == DW_TAG_typedef; i++) {
			if (!die_type(&base, &base))
				break;
		}
		type->is_signed = base_is_signed(&base);
	}
	Dwarf_Die child;
	uint32_t n = 0;
	if (dwarf_child(die, &child) == 0) {
		do {
			if (dwarf_tag(&child) == DW_TAG_enumerator && ++n >= MAX_CHILDREN)
				return dw_error("too many enumerators", dwarf_dieoffset(die));
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	if (!n)
		return NULL;
	struct lc_enumerator *e = arena_alloc(d, n * sizeof(*e));
	if (!e)
		return lc_error_nomem;
	uint32_t i = 0;
	bool any_negative = false;
	dwarf_child(die, &child);
	do {
		if (dwarf_tag(&child) != DW_TAG_enumerator || i == n)
			continue;
		Dwarf_Attribute a;
		if (!dwarf_attr(&child, DW_AT_const_value, &a))
			return dw_error("enumerator without a value", dwarf_dieoffset(&child));
		e[i].name = dwarf_diename(&child);
		if (!e[i].name)
			e[i].name = "";
		int form = dwarf_whatform(&a);
		Dwarf_Word u = 0;
		Dwarf_Sword s = 0;
		if (form == DW_FORM_sdata || form == DW_FORM_implicit_const) {
			if (dwarf_formsdata(&a, &s) != 0)
				return dw_error("bad enumerator value", dwarf_dieoffset(&child));
			e[i].value = s;
			any_negative |= s < 0;
		} else {
			if (dwarf_formudata(&a, &u) != 0)
				return dw_error("bad enumerator value", dwarf_dieoffset(&child));
			/*
			 * GCC writes negative values as sdata and others in the
			 * smallest dataN (128 as data1 0x80). A form as wide as a
			 * signed enum holds the value in its two's complement.
			 */
			unsigned bytes = form == DW_FORM_data1	 ? 1
					 : form == DW_FORM_data2 ? 2
					 : form == DW_FORM_data4 ? 4
								 : 8;
			if (type->is_signed && bytes < 8 && bytes == type->size &&
			    (u >> (bytes * 8 - 1)) & 1)
				u |= ~0ull << (bytes * 8);
			e[i].value = (int64_t)u;
		}
		i++;
	} while (dwarf_siblingof(&child, &child) == 0);
	/* Without an underlying type (DWARF 2), only negative values reveal signedness. */
	if (!has_under && any_negative)
		type->is_signed = true;
	type->nenumerators = i;
	type->enumerators = e;
	return NULL;
}

static struct lc_error *fill_array(struct lc_dwarf *d, Dwarf_Die *die, struct lc_type *type)
{
	uint64_t lens[MAX_DIMS];
	int ndims = 0;
	Dwarf_Die sub;
	if (dwarf_child(die, &sub) == 0) {
		do {
			int t = dwarf_tag(&sub);
			if (t != DW_TAG_subrange_type && t != DW_TAG_enumeration_type)
				continue;
			if (ndims == MAX_DIMS)
				return dw_error("array has too many dimensions",
						dwarf_dieoffset(die));
			struct lc_error *err = array_length(&sub, &lens[ndims]);
			if (err)
				return err;
			ndims++;
		} while (dwarf_siblingof(&sub, &sub) == 0);
	}
	if (!ndims)
		lens[ndims++] = 0;
	const struct lc_type *elem;
	struct lc_error *err = ref_target(d, die, &elem);
	if (err)
		return err;
	uint64_t elem_size;
	Dwarf_Die t;
	if (!die_type(die, &t))
		return dw_error("array without element type", dwarf_dieoffset(die));
	err = die_size(d, &t, &elem_size);
	if (err)
		return err;
	/* int a[2][3] is one DIE with two subranges: synthesize the inner arrays. */
	const struct lc_type *inner = elem;
	uint64_t size = elem_size;
	for (int i = ndims - 1; i >= 0; i--) {
		struct lc_type *arr = i == 0 ? type : arena_alloc(d, sizeof(*arr));
		if (!arr)
			return lc_error_nomem;
		if (lens[i] && size > UINT64_MAX / lens[i])
			return dw_error("array size overflows", dwarf_dieoffset(die));
		arr->kind = LC_TYPE_ARRAY;
		arr->target = inner;
		arr->length = lens[i];
		size *= lens[i];
		arr->size = size;
		inner = arr;
	}
	return NULL;
}

static struct lc_error *fill(struct lc_dwarf *d, Dwarf_Off off, struct lc_type *type)
{
	Dwarf_Die die;
	if (!dwarf_offdie(d->dbg, off, &die))
		return dw_error("cannot read", off);
	int tag = dwarf_tag(&die);
	uint64_t size = 0;
	type->name = dwarf_diename(&die);
	switch (tag) {
	case DW_TAG_base_type: {
		uint64_t enc = 0;
		die_udata(&die, DW_AT_encoding, &enc);
		die_udata(&die, DW_AT_byte_size, &type->size);
		if (enc == DW_ATE_float || enc == DW_ATE_complex_float) {
			type->kind = LC_TYPE_FLOAT;
		} else {
			type->kind = LC_TYPE_INT;
			type->is_signed = base_is_signed(&die);
		}
		return NULL;
	}
	case DW_TAG_unspecified_type:
		type->kind = LC_TYPE_VOID;
		return NULL;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		type->kind = LC_TYPE_POINTER;
		if (!die_udata(&die, DW_AT_byte_size, &type->size))
			type->size = d->ptr_size;
		return ref_target(d, &die, &type->target);
	case DW_TAG_typedef:
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type: {
		if (tag == DW_TAG_typedef) {
			type->kind = LC_TYPE_TYPEDEF;
		} else {
			type->kind = LC_TYPE_QUALIFIED;
			type->name = tag == DW_TAG_const_type	   ? "const"
				     : tag == DW_TAG_volatile_type ? "volatile"
				     : tag == DW_TAG_restrict_type ? "restrict"
								   : "_Atomic";
		}
		struct lc_error *err = ref_target(d, &die, &type->target);
		if (!err)
			err = die_size(d, &die, &type->size);
		return err;
	}
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
	case DW_TAG_union_type:
		if (dwarf_hasattr(&die, DW_AT_declaration)) {
			type->kind = LC_TYPE_FORWARD;
			type->is_union_fwd = tag == DW_TAG_union_type;
			return NULL;
		}
		type->kind = tag == DW_TAG_union_type ? LC_TYPE_UNION : LC_TYPE_STRUCT;
		die_udata(&die, DW_AT_byte_size, &type->size);
		return fill_members(d, &die, type);
	case DW_TAG_enumeration_type:
		type->kind = LC_TYPE_ENUM;
		if (!die_udata(&die, DW_AT_byte_size, &size))
			size = 4;
		type->size = size;
		return fill_enum(d, &die, type);
	case DW_TAG_array_type:
		type->name = NULL;
		return fill_array(d, &die, type);
	case DW_TAG_subroutine_type:
		type->kind = LC_TYPE_FUNCTION;
		return ref_target(d, &die, &type->target);
	}
	/*
	 * Other tags (pointers to members, C++ and Fortran types) never describe
	 * kernel data; an opaque void keeps the types that mention them usable.
	 */
	type->kind = LC_TYPE_VOID;
	return NULL;
}

/* Convert die and everything it reaches; a failure leaves no half-filled type cached. */
static struct lc_error *convert(struct lc_dwarf *d, Dwarf_Die *die, const struct lc_type **ret)
{
	const struct lc_type *type;
	struct lc_error *err = dwarf_ref(d, die, &type);
	for (size_t i = 0; !err && i < d->nwork; i++)
		err = fill(d, d->work[i].off, d->work[i].type);
	if (err) {
		for (size_t i = 0; i < d->nwork; i++) {
			struct lc_error *err2 = converted_set(d, d->work[i].off, NULL);
			lc_error_destroy(err2); /* the slot exists: this cannot allocate */
		}
	}
	d->nwork = 0;
	if (err)
		return err;
	*ret = type;
	return NULL;
}

static struct lc_error *convert_off(struct lc_dwarf *d, Dwarf_Off off, const struct lc_type **ret)
{
	Dwarf_Die die;
	if (!dwarf_offdie(d->dbg, off, &die))
		return dw_error("cannot read", off);
	return convert(d, &die, ret);
}

struct lc_error *lc_dwarf_create(Elf *elf, struct lc_type_source **ret)
{
	struct lc_dwarf *d = calloc(1, sizeof(*d));
	if (!d)
		return lc_error_nomem;
	d->src.ops = &dwarf_ops;
	d->void_type.kind = LC_TYPE_VOID;
	d->void_type.name = "void";
	lc_strmap_init_borrowed(&d->enumerators);
	const char *ident = elf_getident(elf, NULL);
	d->big_endian = ident && ident[EI_DATA] == ELFDATA2MSB;
	d->ptr_size = gelf_getclass(elf) == ELFCLASS32 ? 4 : 8;
	d->dbg = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
	if (!d->dbg) {
		struct lc_error *err =
			lc_error_create(LC_ERR_FORMAT, "cannot read DWARF: %s", dwarf_errmsg(-1));
		dwarf_ops.destroy(&d->src);
		return err;
	}
	*ret = &d->src;
	return NULL;
}

bool lc_dwarf_is(const struct lc_type_source *src)
{
	return src && src->ops == &dwarf_ops;
}

struct lc_error *lc_dwarf_index(struct lc_type_source *src, struct lc_dwarf_stats *ret)
{
	if (!lc_dwarf_is(src))
		return lc_error_create(LC_ERR_INVALID, "type source is not DWARF");
	struct lc_dwarf *d = to_dwarf(src);
	struct lc_error *err = ensure_index(d);
	if (err)
		return err;
	if (ret)
		*ret = d->stats;
	return NULL;
}

/* GCC spells base types its own way ("long unsigned int"); callers use C's. */
static const char *const int_aliases[][2] = {
	{"short", "short int"},
	{"unsigned short", "short unsigned int"},
	{"long", "long int"},
	{"unsigned long", "long unsigned int"},
	{"long long", "long long int"},
	{"unsigned long long", "long long unsigned int"},
	{"bool", "_Bool"},
	{"unsigned", "unsigned int"},
	{"signed", "int"},
};

static struct lc_error *dwarf_find_type(struct lc_type_source *src, enum lc_type_kind kind,
					const char *name, const struct lc_type **ret)
{
	struct lc_dwarf *d = to_dwarf(src);
	struct lc_error *err = ensure_index(d);
	if (err)
		return err;
	uint8_t cls;
	const char *prefix = "";
	switch (kind) {
	case LC_TYPE_STRUCT:
		cls = CLS_STRUCT;
		prefix = "struct ";
		break;
	case LC_TYPE_UNION:
		cls = CLS_UNION;
		prefix = "union ";
		break;
	case LC_TYPE_ENUM:
		cls = CLS_ENUM;
		prefix = "enum ";
		break;
	case LC_TYPE_TYPEDEF:
		cls = CLS_TYPEDEF;
		break;
	case LC_TYPE_INT:
		cls = CLS_INT;
		break;
	case LC_TYPE_FLOAT:
		cls = CLS_FLOAT;
		break;
	default:
		return lc_error_create(LC_ERR_INVALID, "cannot look up '%s' by kind %d in DWARF",
				       name, kind);
	}
	const struct name_entry *e = names_find(d, name, cls);
	for (size_t i = 0; !e && cls == CLS_INT && i < LC_ARRAY_SIZE(int_aliases); i++) {
		if (strcmp(name, int_aliases[i][0]) == 0)
			e = names_find(d, int_aliases[i][1], cls);
		else if (strcmp(name, int_aliases[i][1]) == 0)
			e = names_find(d, int_aliases[i][0], cls);
	}
	if (!e)
		return lc_error_create(LC_ERR_LOOKUP, "type '%s%s' not found in DWARF", prefix,
				       name);
	err = convert_off(d, e->off, ret);
	return lc_error_prefix(err, "converting '%s%s'", prefix, name);
}

static struct lc_error *var_type(struct lc_dwarf *d, Dwarf_Off off, const struct lc_type **ret)
{
	Dwarf_Die die, t;
	if (!dwarf_offdie(d->dbg, off, &die))
		return dw_error("cannot read", off);
	if (!die_type(&die, &t))
		return dw_error("variable without a type", off);
	return convert(d, &t, ret);
}

static struct lc_error *dwarf_find_variable(struct lc_type_source *src, const char *name,
					    const struct lc_type **ret)
{
	struct lc_dwarf *d = to_dwarf(src);
	struct lc_error *err = ensure_index(d);
	if (err)
		return err;
	const struct name_entry *e = names_find(d, name, CLS_VAR);
	if (!e)
		return lc_error_create(LC_ERR_LOOKUP, "variable '%s' not found in DWARF", name);
	err = var_type(d, e->off, ret);
	return lc_error_prefix(err, "converting type of variable '%s'", name);
}

static struct lc_error *build_enumerator_index(struct lc_dwarf *d)
{
	Dwarf_Off *lists[2] = {d->enums, d->anon_enums};
	size_t counts[2] = {d->nenums, d->nanon_enums};
	for (int l = 0; l < 2; l++) {
		for (size_t i = 0; i < counts[l]; i++) {
			Dwarf_Die die, child;
			if (!dwarf_offdie(d->dbg, lists[l][i], &die) ||
			    dwarf_child(&die, &child) != 0)
				continue;
			uint32_t idx = 0;
			do {
				if (dwarf_tag(&child) != DW_TAG_enumerator)
					continue;
				const char *name = dwarf_diename(&child);
				uintptr_t unused;
				if (name && !lc_strmap_get(&d->enumerators, name, &unused)) {
					if (!lc_grow((void **)&d->enumerator_locs,
						     &d->enumerator_locs_cap,
						     d->nenumerator_locs + 1,
						     sizeof(*d->enumerator_locs)))
						return lc_error_nomem;
					d->enumerator_locs[d->nenumerator_locs].off = lists[l][i];
					d->enumerator_locs[d->nenumerator_locs].idx = idx;
					struct lc_error *err = lc_strmap_set(&d->enumerators, name,
									     ++d->nenumerator_locs);
					if (err)
						return err;
				}
				idx++;
			} while (idx < MAX_CHILDREN && dwarf_siblingof(&child, &child) == 0);
		}
	}
	d->enumerators_indexed = true;
	return NULL;
}

static struct lc_error *dwarf_find_enumerator(struct lc_type_source *src, const char *name,
					      const struct lc_type **enum_ret, int64_t *value_ret)
{
	struct lc_dwarf *d = to_dwarf(src);
	struct lc_error *err = ensure_index(d);
	if (!err && !d->enumerators_indexed)
		err = build_enumerator_index(d);
	if (err)
		return err;
	uintptr_t v;
	if (!lc_strmap_get(&d->enumerators, name, &v))
		return lc_error_create(LC_ERR_LOOKUP, "enumerator '%s' not found in DWARF", name);
	const struct lc_type *type;
	err = convert_off(d, d->enumerator_locs[v - 1].off, &type);
	if (err)
		return lc_error_prefix(err, "converting enum of '%s'", name);
	const struct lc_type *u = lc_type_unqualified(type);
	for (uint32_t i = 0; u->kind == LC_TYPE_ENUM && i < u->nenumerators; i++) {
		if (strcmp(u->enumerators[i].name, name) == 0) {
			*enum_ret = type;
			*value_ret = u->enumerators[i].value;
			return NULL;
		}
	}
	return lc_error_create(LC_ERR_LOOKUP, "enumerator '%s' not found in DWARF", name);
}

/* Anonymous enums repeat in every unit that includes their header: one each. */
static bool seen_anon_enum(struct lc_strmap *seen, const struct lc_type *t, struct lc_error **err)
{
	if (!t->nenumerators || !t->enumerators[0].name[0])
		return true;
	uintptr_t unused;
	if (lc_strmap_get(seen, t->enumerators[0].name, &unused))
		return true;
	*err = lc_strmap_set(seen, t->enumerators[0].name, 1);
	return false;
}

struct lc_error *lc_dwarf_for_each(struct lc_type_source *src, const struct lc_dwarf_visitor *v,
				   uint64_t *skipped)
{
	if (!lc_dwarf_is(src))
		return lc_error_create(LC_ERR_INVALID, "type source is not DWARF");
	struct lc_dwarf *d = to_dwarf(src);
	struct lc_error *err = ensure_index(d);
	if (err)
		return err;
	uint64_t nskipped = 0;
	/*
	 * Types before variables: a static variable's type may be a namesake of
	 * an indexed type, and visitors that number types in order (the BTF
	 * writer) should meet the indexed one first.
	 */
	for (size_t k = 0; k < 2 * d->names_cap; k++) {
		const struct name_entry *e = &d->names[k % d->names_cap];
		if (!e->name || (e->cls == CLS_VAR) != (k >= d->names_cap))
			continue;
		const struct lc_type *type;
		err = e->cls == CLS_VAR ? var_type(d, e->off, &type)
					: convert_off(d, e->off, &type);
		if (err && lc_error_code(err) == LC_ERR_NOMEM)
			return err;
		if (err) {
			lc_error_destroy(err);
			nskipped++;
			continue;
		}
		err = e->cls == CLS_VAR ? v->var_fn(v->arg, e->name, type)
					: v->type_fn(v->arg, type);
		if (err)
			return err;
	}
	struct lc_strmap seen;
	lc_strmap_init_borrowed(&seen);
	for (size_t i = 0; !err && i < d->nanon_enums; i++) {
		const struct lc_type *type;
		err = convert_off(d, d->anon_enums[i], &type);
		if (err && lc_error_code(err) != LC_ERR_NOMEM) {
			lc_error_destroy(err);
			err = NULL;
			nskipped++;
			continue;
		}
		if (!err && !seen_anon_enum(&seen, type, &err) && !err)
			err = v->type_fn(v->arg, type);
	}
	lc_strmap_deinit(&seen);
	if (skipped)
		*skipped = nskipped;
	return err;
}

static void dwarf_destroy(struct lc_type_source *src)
{
	struct lc_dwarf *d = to_dwarf(src);
	if (!d)
		return;
	if (d->dbg)
		dwarf_end(d->dbg);
	free(d->names);
	free(d->anon_enums);
	free(d->enums);
	lc_strmap_deinit(&d->enumerators);
	free(d->enumerator_locs);
	free(d->converted);
	free(d->work);
	while (d->arena) {
		struct arena_chunk *next = d->arena->next;
		free(d->arena);
		d->arena = next;
	}
	free(d);
}

static const struct lc_type_source_ops dwarf_ops = {
	.name = "dwarf",
	.find_type = dwarf_find_type,
	.find_variable = dwarf_find_variable,
	.find_enumerator = dwarf_find_enumerator,
	.destroy = dwarf_destroy,
};
