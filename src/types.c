// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The per-program type collection: sources in priority order, C-spelling
 * lookup, member paths, and the caches readers rely on so that each
 * (type, path) is resolved once per dump.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "types.h"
#include "util.h"

/* Beyond any real kernel nesting; keeps hostile types from looping or exploding. */
#define MAX_UNQUALIFY 64
#define MAX_ANON_DEPTH 16
#define MAX_ANON_VISITS 100000
#define MAX_SPEC_LEN 1024
#define MAX_DERIVED 8

/* Objects the collection owns: synthesized types and cache entries. */
struct owned {
	struct owned *next;
	max_align_t data[];
};

struct member_entry {
	bool present;
	struct lc_member_info info;
};

struct lc_types {
	struct lc_type_source **sources;
	size_t nsources, sources_cap;
	struct lc_strmap type_cache;   /* spec -> const struct lc_type * */
	struct lc_strmap member_cache; /* spec "\x1f" path -> struct member_entry * */
	struct lc_strmap enum_cache;   /* spec "\x1f" enumerator -> int64_t * */
	struct lc_strmap var_cache;    /* variable -> const struct lc_type * */
	struct owned *owned;
	uint64_t ptr_size; /* 0 until measured */
	struct lc_type void_type;
};

static void *types_alloc(struct lc_types *types, size_t size)
{
	struct owned *o = calloc(1, sizeof(*o) + size);
	if (!o)
		return NULL;
	o->next = types->owned;
	types->owned = o;
	return o->data;
}

struct lc_error *lc_types_create(struct lc_types **ret)
{
	struct lc_types *types = calloc(1, sizeof(*types));
	if (!types)
		return lc_error_nomem;
	lc_strmap_init(&types->type_cache);
	lc_strmap_init(&types->member_cache);
	lc_strmap_init(&types->enum_cache);
	lc_strmap_init(&types->var_cache);
	types->void_type.kind = LC_TYPE_VOID;
	types->void_type.name = "void";
	*ret = types;
	return NULL;
}

void lc_types_destroy(struct lc_types *types)
{
	if (!types)
		return;
	for (size_t i = 0; i < types->nsources; i++)
		types->sources[i]->ops->destroy(types->sources[i]);
	free(types->sources);
	lc_strmap_deinit(&types->type_cache);
	lc_strmap_deinit(&types->member_cache);
	lc_strmap_deinit(&types->enum_cache);
	lc_strmap_deinit(&types->var_cache);
	while (types->owned) {
		struct owned *next = types->owned->next;
		free(types->owned);
		types->owned = next;
	}
	free(types);
}

struct lc_error *lc_types_add_source(struct lc_types *types, struct lc_type_source *src)
{
	if (!src)
		return lc_error_create(LC_ERR_INVALID, "no type source to add");
	if (!lc_grow((void **)&types->sources, &types->sources_cap, types->nsources + 1,
		     sizeof(*types->sources))) {
		src->ops->destroy(src);
		return lc_error_nomem;
	}
	types->sources[types->nsources++] = src;
	return NULL;
}

bool lc_types_empty(const struct lc_types *types)
{
	return types->nsources == 0;
}

const char *lc_types_source_name(const struct lc_types *types)
{
	return types->nsources ? types->sources[0]->ops->name : NULL;
}

const struct lc_type *lc_type_unqualified(const struct lc_type *type)
{
	for (int i = 0; type && i < MAX_UNQUALIFY; i++) {
		if ((type->kind != LC_TYPE_TYPEDEF && type->kind != LC_TYPE_QUALIFIED) ||
		    !type->target)
			break;
		type = type->target;
	}
	return type;
}

/* C spelling of a type for messages: "struct foo", "atomic_t", "anonymous union". */
static const char *type_spelling(const struct lc_type *type, char *buf, size_t size)
{
	const char *tag = NULL;
	switch (type->kind) {
	case LC_TYPE_STRUCT:
		tag = "struct";
		break;
	case LC_TYPE_UNION:
		tag = "union";
		break;
	case LC_TYPE_ENUM:
		tag = "enum";
		break;
	case LC_TYPE_FORWARD:
		tag = type->is_union_fwd ? "union" : "struct";
		break;
	case LC_TYPE_POINTER:
		return "pointer";
	case LC_TYPE_ARRAY:
		return "array";
	default:
		break;
	}
	if (tag && type->name)
		snprintf(buf, size, "%s %s", tag, type->name);
	else if (tag)
		snprintf(buf, size, "anonymous %s", tag);
	else
		snprintf(buf, size, "%s", type->name ? type->name : "anonymous type");
	return buf;
}

/*
 * Find name among the members of a struct/union, descending into anonymous
 * struct/union members as C does. *visits bounds the work on hostile types
 * (an anonymous member whose type contains itself).
 */
static bool find_member(const struct lc_type *type, const char *name, size_t len, int depth,
			size_t *visits, uint64_t *bit_offset, const struct lc_member **ret)
{
	for (uint32_t i = 0; i < type->nmembers; i++) {
		const struct lc_member *m = &type->members[i];
		if (++*visits > MAX_ANON_VISITS)
			return false;
		if (m->name) {
			if (strncmp(m->name, name, len) == 0 && m->name[len] == '\0') {
				*bit_offset = m->bit_offset;
				*ret = m;
				return true;
			}
			continue;
		}
		const struct lc_type *inner = lc_type_unqualified(m->type);
		if (depth >= MAX_ANON_DEPTH || !inner ||
		    (inner->kind != LC_TYPE_STRUCT && inner->kind != LC_TYPE_UNION))
			continue;
		uint64_t off;
		if (find_member(inner, name, len, depth + 1, visits, &off, ret)) {
			*bit_offset = m->bit_offset + off;
			return true;
		}
	}
	return false;
}

struct lc_error *lc_type_member(const struct lc_type *type, const char *path,
				struct lc_member_info *ret)
{
	char buf[256];
	const struct lc_type *decl = type;
	const struct lc_type *cur = lc_type_unqualified(type);
	uint64_t bit_offset = 0;
	uint32_t bit_size = 0;
	const char *p = path;
	if (!cur)
		return lc_error_create(LC_ERR_INVALID, "no type for member path '%s'", path);
	if (!*p)
		return lc_error_create(LC_ERR_INVALID, "empty member path");
	for (;;) {
		if (*p == '[') {
			char *end;
			if (!isdigit((unsigned char)p[1]))
				return lc_error_create(LC_ERR_INVALID,
						       "bad index in member path '%s'", path);
			errno = 0;
			unsigned long long idx = strtoull(p + 1, &end, 0);
			if (errno || *end != ']')
				return lc_error_create(LC_ERR_INVALID,
						       "bad index in member path '%s'", path);
			if (cur->kind != LC_TYPE_ARRAY || !cur->target)
				return lc_error_create(
					LC_ERR_INVALID,
					"'%.*s' in '%s' is not an array, cannot index it",
					(int)(p - path), path, path);
			/* Lengths 0 and 1 are also how flexible arrays were declared. */
			if (cur->length > 1 && idx >= cur->length)
				return lc_error_create(
					LC_ERR_INVALID,
					"index %llu out of bounds of '%.*s' (length %" PRIu64
					") in '%s'",
					idx, (int)(p - path), path, cur->length, path);
			const struct lc_type *elem = lc_type_unqualified(cur->target);
			uint64_t elem_size = cur->target->size;
			if (elem_size && (idx > UINT64_MAX / 8 / elem_size ||
					  bit_offset > UINT64_MAX - idx * elem_size * 8))
				return lc_error_create(LC_ERR_INVALID,
						       "index %llu overflows in member path '%s'",
						       idx, path);
			bit_offset += idx * elem_size * 8;
			bit_size = 0;
			decl = cur->target;
			cur = elem;
			p = end + 1;
		} else {
			size_t len = 0;
			while (p[len] == '_' || isalnum((unsigned char)p[len]))
				len++;
			if (!len)
				return lc_error_create(LC_ERR_INVALID, "bad member path '%s'",
						       path);
			if (cur->kind != LC_TYPE_STRUCT && cur->kind != LC_TYPE_UNION)
				return lc_error_create(
					LC_ERR_LOOKUP,
					"cannot look up member '%.*s' in '%s', not a "
					"struct or union",
					(int)len, p, type_spelling(decl, buf, sizeof(buf)));
			size_t visits = 0;
			uint64_t off;
			const struct lc_member *m;
			if (!find_member(cur, p, len, 0, &visits, &off, &m)) {
				if (visits > MAX_ANON_VISITS)
					return lc_error_create(
						LC_ERR_BAD_DATA,
						"looking up member '%.*s' in '%s': anonymous members "
						"nest too much",
						(int)len, p, type_spelling(decl, buf, sizeof(buf)));
				return lc_error_create(LC_ERR_LOOKUP, "no member '%.*s' in '%s'",
						       (int)len, p,
						       type_spelling(decl, buf, sizeof(buf)));
			}
			if (bit_offset > UINT64_MAX - off)
				return lc_error_create(LC_ERR_BAD_DATA,
						       "member path '%s' offset overflows", path);
			bit_offset += off;
			bit_size = m->bit_size;
			decl = m->type;
			cur = lc_type_unqualified(m->type);
			if (!cur)
				return lc_error_create(LC_ERR_BAD_DATA, "member '%.*s' has no type",
						       (int)len, p);
			p += len;
		}
		if (*p == '\0')
			break;
		if (*p == '.' && p[1] && p[1] != '.' && p[1] != '[')
			p++;
		else if (*p != '[')
			return lc_error_create(LC_ERR_INVALID, "bad member path '%s'", path);
	}
	ret->bit_offset = bit_offset;
	ret->bit_size = bit_size;
	ret->type = decl;
	return NULL;
}

/*
 * Look a named type up in every source; the first definition wins, and a
 * forward declaration only when no source has a definition.
 */
static struct lc_error *types_find_kind(struct lc_types *types, enum lc_type_kind kind,
					const char *name, const struct lc_type **ret)
{
	const struct lc_type *fwd = NULL;
	struct lc_error *first_err = NULL;
	for (size_t i = 0; i < types->nsources; i++) {
		struct lc_type_source *src = types->sources[i];
		const struct lc_type *type;
		struct lc_error *err = src->ops->find_type(src, kind, name, &type);
		if (err) {
			if (!first_err)
				first_err = err;
			else
				lc_error_destroy(err);
			continue;
		}
		if (type->kind != LC_TYPE_FORWARD) {
			lc_error_destroy(first_err);
			*ret = type;
			return NULL;
		}
		if (!fwd)
			fwd = type;
	}
	if (fwd) {
		lc_error_destroy(first_err);
		*ret = fwd;
		return NULL;
	}
	if (!first_err)
		first_err =
			lc_error_create(LC_ERR_LOOKUP, "no type information to look up '%s'", name);
	return first_err;
}

static bool is_identifier(const char *s, size_t len)
{
	if (!len || isdigit((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '_' && !isalnum((unsigned char)s[i]))
			return false;
	}
	return true;
}

/*
 * Canonical C name of an integer type spelled with keywords in any order
 * ("long unsigned int" -> "unsigned long"); NULL if words are not such a type.
 */
static const char *canonical_int(const char *words)
{
	int nunsigned = 0, nsigned = 0, nchar = 0, nshort = 0, nint = 0, nlong = 0, nbool = 0;
	const char *p = words;
	while (*p) {
		while (*p == ' ')
			p++;
		size_t len = strcspn(p, " ");
		if (!len)
			break;
#define WORD(w) (len == sizeof(w) - 1 && strncmp(p, w, len) == 0)
		if (WORD("unsigned"))
			nunsigned++;
		else if (WORD("signed"))
			nsigned++;
		else if (WORD("char"))
			nchar++;
		else if (WORD("short"))
			nshort++;
		else if (WORD("int"))
			nint++;
		else if (WORD("long"))
			nlong++;
		else if (WORD("_Bool") || WORD("bool"))
			nbool++;
		else
			return NULL;
#undef WORD
		p += len;
	}
	if (nunsigned + nsigned > 1 || nint > 1 || nchar + nshort + (nlong > 0) + nbool > 1 ||
	    nlong > 2)
		return NULL;
	if (nbool)
		return nunsigned + nsigned + nint ? NULL : "_Bool";
	if (nchar) {
		if (nint)
			return NULL;
		return nunsigned ? "unsigned char" : nsigned ? "signed char" : "char";
	}
	if (nshort)
		return nunsigned ? "unsigned short" : "short";
	if (nlong == 2)
		return nunsigned ? "unsigned long long" : "long long";
	if (nlong == 1)
		return nunsigned ? "unsigned long" : "long";
	if (nunsigned + nsigned + nint == 0)
		return NULL;
	return nunsigned ? "unsigned int" : "int";
}

/* The base (no '*' or '[]') of a spelling, with whitespace already collapsed. */
static struct lc_error *find_base(struct lc_types *types, const char *base,
				  const struct lc_type **ret)
{
	static const struct {
		const char *tag;
		enum lc_type_kind kind;
	} tags[] = {
		{"struct ", LC_TYPE_STRUCT},
		{"union ", LC_TYPE_UNION},
		{"enum ", LC_TYPE_ENUM},
	};
	for (size_t i = 0; i < LC_ARRAY_SIZE(tags); i++) {
		size_t n = strlen(tags[i].tag);
		if (strncmp(base, tags[i].tag, n) == 0) {
			if (!is_identifier(base + n, strlen(base + n)))
				return lc_error_create(LC_ERR_INVALID, "cannot parse type '%s'",
						       base);
			return types_find_kind(types, tags[i].kind, base + n, ret);
		}
	}
	if (strcmp(base, "void") == 0) {
		*ret = &types->void_type;
		return NULL;
	}
	const char *cname = canonical_int(base);
	if (cname)
		return types_find_kind(types, LC_TYPE_INT, cname, ret);
	if (strcmp(base, "float") == 0 || strcmp(base, "double") == 0 ||
	    strcmp(base, "long double") == 0)
		return types_find_kind(types, LC_TYPE_FLOAT, base, ret);
	if (!is_identifier(base, strlen(base)) || strcmp(base, "struct") == 0 ||
	    strcmp(base, "union") == 0 || strcmp(base, "enum") == 0)
		return lc_error_create(LC_ERR_INVALID, "cannot parse type '%s'", base);
	struct lc_error *err = types_find_kind(types, LC_TYPE_TYPEDEF, base, ret);
	if (err && lc_error_code(err) == LC_ERR_LOOKUP) {
		/* Base types outside the keyword set: __int128, _Float16 ... */
		struct lc_error *err2 = types_find_kind(types, LC_TYPE_INT, base, ret);
		if (!err2) {
			lc_error_destroy(err);
			return NULL;
		}
		lc_error_destroy(err2);
	}
	return err;
}

static uint64_t types_ptr_size(struct lc_types *types)
{
	if (!types->ptr_size) {
		const struct lc_type *ul;
		struct lc_error *err = types_find_kind(types, LC_TYPE_INT, "unsigned long", &ul);
		/* Without "unsigned long" there is no telling; lockcore's targets are 64-bit. */
		types->ptr_size = !err && (ul->size == 4 || ul->size == 8) ? ul->size : 8;
		lc_error_destroy(err);
	}
	return types->ptr_size;
}

struct derived {
	bool is_array;
	uint64_t length;
};

static struct lc_error *derive(struct lc_types *types, const struct lc_type *target,
			       const struct derived *d, const char *spec,
			       const struct lc_type **ret)
{
	struct lc_type *t = types_alloc(types, sizeof(*t));
	if (!t)
		return lc_error_nomem;
	t->target = target;
	if (d->is_array) {
		t->kind = LC_TYPE_ARRAY;
		t->length = d->length;
		if (target->size && d->length > UINT64_MAX / target->size)
			return lc_error_create(LC_ERR_INVALID, "type '%s' is too large", spec);
		t->size = target->size * d->length;
	} else {
		t->kind = LC_TYPE_POINTER;
		t->size = types_ptr_size(types);
	}
	*ret = t;
	return NULL;
}

static struct lc_error *parse_and_find(struct lc_types *types, const char *spec,
				       const struct lc_type **ret)
{
	/* Collapse whitespace and drop qualifiers: the result is looked up unqualified. */
	char base[MAX_SPEC_LEN];
	size_t n = 0;
	const char *p = spec;
	while (*p && *p != '*' && *p != '[') {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t len = strcspn(p, " \t*[");
		if (!len)
			break;
		if ((len == 5 && strncmp(p, "const", 5) == 0) ||
		    (len == 8 && strncmp(p, "volatile", 8) == 0)) {
			p += len;
			continue;
		}
		if (n + len + 2 > sizeof(base))
			return lc_error_create(LC_ERR_INVALID, "type '%.64s...' is too long", spec);
		if (n)
			base[n++] = ' ';
		memcpy(base + n, p, len);
		n += len;
		p += len;
	}
	base[n] = '\0';
	if (!n)
		return lc_error_create(LC_ERR_INVALID, "cannot parse type '%s'", spec);

	/* Declarator suffix: pointers first, then array dimensions, as in "struct x *[4]". */
	struct derived d[MAX_DERIVED];
	size_t nd = 0, npointers = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t' ||
		       (strncmp(p, "const", 5) == 0 && npointers && !isalnum((unsigned char)p[5])))
			p += *p == 'c' ? 5 : 1;
		if (*p == '\0')
			break;
		if (nd == MAX_DERIVED)
			return lc_error_create(LC_ERR_INVALID, "type '%s' has too many '*' or '[]'",
					       spec);
		if (*p == '*' && nd == npointers) {
			d[nd++] = (struct derived){.is_array = false};
			npointers++;
			p++;
		} else if (*p == '[') {
			char *end = (char *)p + 1;
			uint64_t length = 0;
			if (isdigit((unsigned char)p[1])) {
				errno = 0;
				length = strtoull(p + 1, &end, 0);
				if (errno)
					end = (char *)p;
			}
			if (*end != ']')
				return lc_error_create(LC_ERR_INVALID,
						       "cannot parse array size in type '%s'",
						       spec);
			d[nd++] = (struct derived){.is_array = true, .length = length};
			p = end + 1;
		} else {
			return lc_error_create(LC_ERR_INVALID, "cannot parse type '%s'", spec);
		}
	}

	const struct lc_type *type;
	struct lc_error *err = find_base(types, base, &type);
	if (err)
		return err;
	/* Pointers apply innermost first; array dimensions outermost first (int [2][3]). */
	for (size_t i = 0; i < npointers; i++) {
		err = derive(types, type, &d[i], spec, &type);
		if (err)
			return err;
	}
	for (size_t i = nd; i > npointers; i--) {
		err = derive(types, type, &d[i - 1], spec, &type);
		if (err)
			return err;
	}
	*ret = type;
	return NULL;
}

struct lc_error *lc_types_find(struct lc_types *types, const char *spec, const struct lc_type **ret)
{
	uintptr_t v;
	if (lc_strmap_get(&types->type_cache, spec, &v)) {
		*ret = (const struct lc_type *)v;
		return NULL;
	}
	const struct lc_type *type;
	struct lc_error *err = parse_and_find(types, spec, &type);
	if (err)
		return err;
	err = lc_strmap_set(&types->type_cache, spec, (uintptr_t)type);
	if (err)
		return err;
	*ret = type;
	return NULL;
}

/*
 * Globals whose type the kernel's BTF does not describe (it has VARs only
 * for per-CPU variables). Alternatives are tried in order; the first whose
 * type exists wins, so list the newer layout first when its type name is new.
 */
static const struct {
	const char *name;
	const char *specs[2];
} builtin_variables[] = {
	{"init_task", {"struct task_struct"}},
	/* unsigned long __per_cpu_offset[NR_CPUS]; NR_CPUS is not in the dump's types. */
	{"__per_cpu_offset", {"unsigned long[]"}},
	{"__per_cpu_start", {"char"}},
	/*
	 * Before Linux 4.5 these were "const struct cpumask *const" variables;
	 * since then they are macros for &__cpu_*_mask, and only those exist.
	 */
	{"cpu_possible_mask", {"struct cpumask *"}},
	{"cpu_online_mask", {"struct cpumask *"}},
	{"cpu_present_mask", {"struct cpumask *"}},
	{"__cpu_possible_mask", {"struct cpumask"}},
	{"__cpu_online_mask", {"struct cpumask"}},
	{"__cpu_present_mask", {"struct cpumask"}},
	{"__cpu_active_mask", {"struct cpumask"}},
	{"nr_cpu_ids", {"unsigned int"}},
	{"init_uts_ns", {"struct uts_namespace"}},
	/* printk ring buffer, Linux 5.10 and later. */
	{"prb", {"struct printk_ringbuffer *"}},
	{"printk_rb_static", {"struct printk_ringbuffer"}},
	/* The printk log before 5.10. */
	{"log_buf", {"char *"}},
	{"log_buf_len", {"u32"}},
	{"log_first_idx", {"u32"}},
	{"log_next_idx", {"u32"}},
	{"logbuf_lock", {"raw_spinlock_t"}},
	{"console_sem", {"struct semaphore"}},
	/*
	 * Per-CPU printk_safe/NMI buffers (removed in 5.15): struct
	 * printk_safe_seq_buf since 4.11, struct nmi_seq_buf before.
	 */
	{"nmi_print_seq", {"struct printk_safe_seq_buf", "struct nmi_seq_buf"}},
	{"safe_print_seq", {"struct printk_safe_seq_buf"}},
	{"rcu_state", {"struct rcu_state"}},
	{"jiffies", {"unsigned long"}},
	{"jiffies_64", {"u64"}},
	{"panic_cpu", {"atomic_t"}},
	/*
	 * Per-CPU pointer: note_buf_t __percpu *crash_notes (kernel/kexec_core.c).
	 * note_buf_t (u32[]) is often absent from BTF: then point at its first u32.
	 */
	{"crash_notes", {"note_buf_t *", "u32 *"}},
	{"runqueues", {"struct rq"}},
	/* smp.c IPI state (per-CPU). */
	{"call_single_queue", {"struct llist_head"}},
	{"cfd_data", {"struct call_function_data"}},
	{"csd_data", {"call_single_data_t"}},
	/* qspinlock MCS nodes: DEFINE_PER_CPU_ALIGNED(struct qnode, qnodes[MAX_NODES]), 4 nodes. */
	{"qnodes", {"struct qnode[4]"}},
	/* ppc64 */
	{"paca_ptrs", {"struct paca_struct **"}},
	{"rtas", {"struct rtas_t"}},
	/*
	 * rtas_lock moved out of struct rtas_t as "static arch_spinlock_t" and later
	 * became DEFINE_RAW_SPINLOCK(rtas_lock), a raw_spinlock_t. Both types exist
	 * in every kernel, so the type cannot choose; arch_spinlock_t is the first
	 * member of raw_spinlock_t and reads the lock word right in both layouts.
	 */
	{"rtas_lock", {"arch_spinlock_t"}},
};

struct lc_error *lc_types_find_variable(struct lc_types *types, const char *name,
					const struct lc_type **ret)
{
	uintptr_t v;
	if (lc_strmap_get(&types->var_cache, name, &v)) {
		*ret = (const struct lc_type *)v;
		return NULL;
	}
	const struct lc_type *type = NULL;
	struct lc_error *err = NULL;
	for (size_t i = 0; !type && i < types->nsources; i++) {
		struct lc_type_source *src = types->sources[i];
		err = src->ops->find_variable(src, name, &type);
		if (err && lc_error_code(err) != LC_ERR_LOOKUP)
			return lc_error_prefix(err, "looking up variable '%s'", name);
		lc_error_destroy(err);
		err = NULL;
	}
	for (size_t i = 0; !type && i < LC_ARRAY_SIZE(builtin_variables); i++) {
		if (strcmp(builtin_variables[i].name, name) != 0)
			continue;
		for (size_t j = 0; !type && j < LC_ARRAY_SIZE(builtin_variables[i].specs); j++) {
			const char *spec = builtin_variables[i].specs[j];
			if (!spec)
				break;
			lc_error_destroy(err);
			err = lc_types_find(types, spec, &type);
		}
		if (err)
			return lc_error_prefix(err, "type of variable '%s'", name);
	}
	if (!type)
		return lc_error_create(LC_ERR_LOOKUP, "no type information for variable '%s'",
				       name);
	err = lc_strmap_set(&types->var_cache, name, (uintptr_t)type);
	if (err)
		return err;
	*ret = type;
	return NULL;
}

/* "spec\x1fsuffix", the key of the per-program caches; NULL if out of memory. */
static char *cache_key(const char *spec, const char *suffix, char *buf, size_t size)
{
	size_t a = strlen(spec), b = strlen(suffix);
	char *key = a + b + 2 <= size ? buf : malloc(a + b + 2);
	if (!key)
		return NULL;
	memcpy(key, spec, a);
	key[a] = '\x1f';
	memcpy(key + a + 1, suffix, b + 1);
	return key;
}

static void free_key(char *key, char *buf)
{
	if (key != buf)
		free(key);
}

static struct lc_error *resolve_member(struct lc_types *types, const char *type_spec,
				       const char *path, struct lc_member_info *ret)
{
	const struct lc_type *type;
	struct lc_error *err = lc_types_find(types, type_spec, &type);
	if (!err)
		err = lc_type_member(type, path, ret);
	return lc_error_prefix(err, "member '%s' of '%s'", path, type_spec);
}

/* Looks in the cache; *entry is NULL when the pair was never resolved. */
static struct lc_error *cached_member(struct lc_types *types, const char *type_spec,
				      const char *path, const struct member_entry **entry)
{
	char buf[256];
	char *key = cache_key(type_spec, path, buf, sizeof(buf));
	if (!key)
		return lc_error_nomem;
	uintptr_t v;
	if (lc_strmap_get(&types->member_cache, key, &v)) {
		free_key(key, buf);
		*entry = (const struct member_entry *)v;
		return NULL;
	}
	struct lc_member_info info;
	struct lc_error *err = resolve_member(types, type_spec, path, &info);
	/* Absence is cached too: layout probes ask for missing members on every run. */
	if (err && lc_error_code(err) != LC_ERR_LOOKUP) {
		free_key(key, buf);
		return err;
	}
	struct member_entry *e = types_alloc(types, sizeof(*e));
	struct lc_error *err2 =
		e ? lc_strmap_set(&types->member_cache, key, (uintptr_t)e) : lc_error_nomem;
	free_key(key, buf);
	if (err2) {
		lc_error_destroy(err);
		return err2;
	}
	e->present = !err;
	if (!err)
		e->info = info;
	lc_error_destroy(err);
	*entry = e;
	return NULL;
}

struct lc_error *lc_types_member_info(struct lc_types *types, const char *type_spec,
				      const char *path, struct lc_member_info *ret)
{
	const struct member_entry *e;
	struct lc_error *err = cached_member(types, type_spec, path, &e);
	if (err)
		return err;
	if (!e->present) {
		/* Rare: redo the lookup for its message rather than store every message. */
		struct lc_member_info unused;
		err = resolve_member(types, type_spec, path, &unused);
		return err ? err
			   : lc_error_create(LC_ERR_LOOKUP, "member '%s' of '%s' not found", path,
					     type_spec);
	}
	*ret = e->info;
	return NULL;
}

struct lc_error *lc_types_offsetof(struct lc_types *types, const char *type_spec, const char *path,
				   uint64_t *ret)
{
	struct lc_member_info info;
	struct lc_error *err = lc_types_member_info(types, type_spec, path, &info);
	if (err)
		return err;
	if (info.bit_size || info.bit_offset % 8)
		return lc_error_create(LC_ERR_INVALID,
				       "member '%s' of '%s' is a bit field, it has no byte offset",
				       path, type_spec);
	*ret = info.bit_offset / 8;
	return NULL;
}

struct lc_error *lc_types_sizeof(struct lc_types *types, const char *type_spec, uint64_t *ret)
{
	const struct lc_type *type;
	struct lc_error *err = lc_types_find(types, type_spec, &type);
	if (err)
		return err;
	const struct lc_type *u = lc_type_unqualified(type);
	switch (u->kind) {
	case LC_TYPE_FORWARD:
		return lc_error_create(LC_ERR_LOOKUP, "'%s' is declared but not defined",
				       type_spec);
	case LC_TYPE_VOID:
	case LC_TYPE_FUNCTION:
		return lc_error_create(LC_ERR_INVALID, "'%s' has no size", type_spec);
	default:
		break;
	}
	*ret = type->size;
	return NULL;
}

bool lc_types_has_member(struct lc_types *types, const char *type_spec, const char *path)
{
	const struct member_entry *e;
	struct lc_error *err = cached_member(types, type_spec, path, &e);
	if (err) {
		lc_error_destroy(err);
		return false;
	}
	return e->present;
}

static struct lc_error *find_enumerator(struct lc_types *types, const char *enum_spec,
					const char *enumerator, int64_t *ret)
{
	if (enum_spec) {
		const struct lc_type *type;
		struct lc_error *err = lc_types_find(types, enum_spec, &type);
		if (err)
			return err;
		const struct lc_type *u = lc_type_unqualified(type);
		if (u->kind != LC_TYPE_ENUM)
			return lc_error_create(LC_ERR_INVALID, "'%s' is not an enum", enum_spec);
		for (uint32_t i = 0; i < u->nenumerators; i++) {
			if (strcmp(u->enumerators[i].name, enumerator) == 0) {
				*ret = u->enumerators[i].value;
				return NULL;
			}
		}
		return lc_error_create(LC_ERR_LOOKUP, "no enumerator '%s' in '%s'", enumerator,
				       enum_spec);
	}
	for (size_t i = 0; i < types->nsources; i++) {
		struct lc_type_source *src = types->sources[i];
		if (!src->ops->find_enumerator)
			continue;
		const struct lc_type *type;
		struct lc_error *err = src->ops->find_enumerator(src, enumerator, &type, ret);
		if (!err)
			return NULL;
		if (lc_error_code(err) != LC_ERR_LOOKUP)
			return err;
		lc_error_destroy(err);
	}
	return lc_error_create(LC_ERR_LOOKUP, "enumerator '%s' not found", enumerator);
}

struct lc_error *lc_types_enum_value(struct lc_types *types, const char *enum_spec,
				     const char *enumerator, int64_t *ret)
{
	char buf[256];
	char *key = cache_key(enum_spec ? enum_spec : "", enumerator, buf, sizeof(buf));
	if (!key)
		return lc_error_nomem;
	uintptr_t v;
	if (lc_strmap_get(&types->enum_cache, key, &v)) {
		free_key(key, buf);
		*ret = *(const int64_t *)v;
		return NULL;
	}
	int64_t value;
	struct lc_error *err = find_enumerator(types, enum_spec, enumerator, &value);
	int64_t *slot = err ? NULL : types_alloc(types, sizeof(*slot));
	if (!err && !slot)
		err = lc_error_nomem;
	if (!err) {
		*slot = value;
		err = lc_strmap_set(&types->enum_cache, key, (uintptr_t)slot);
	}
	free_key(key, buf);
	if (err)
		return err;
	*ret = value;
	return NULL;
}
