/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One type API over every source of kernel types (BTF from the dump or a
 * detached file, DWARF from a vmlinux). Readers ask for members by name; the
 * answers are cached per program, so a layout is resolved once per dump.
 */
#ifndef LC_TYPES_H
#define LC_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lockcore/error.h"

enum lc_type_kind {
	LC_TYPE_VOID,
	LC_TYPE_INT, /* includes bool and char */
	LC_TYPE_FLOAT,
	LC_TYPE_POINTER,
	LC_TYPE_ARRAY,
	LC_TYPE_STRUCT,
	LC_TYPE_UNION,
	LC_TYPE_ENUM,
	LC_TYPE_TYPEDEF,
	LC_TYPE_QUALIFIED, /* const, volatile, restrict, type tags */
	LC_TYPE_FUNCTION,
	LC_TYPE_FORWARD, /* declared struct/union/enum without a body */
};

struct lc_member {
	const char *name; /* NULL for an anonymous struct/union member */
	uint64_t bit_offset;
	uint32_t bit_size; /* 0 unless a bit field */
	const struct lc_type *type;
};

struct lc_enumerator {
	const char *name;
	int64_t value;
};

/* Immutable once built; owned by its source and valid for the program's life. */
struct lc_type {
	enum lc_type_kind kind;
	const char *name;  /* NULL when anonymous */
	uint64_t size;     /* in bytes; 0 for void, functions, forwards */
	bool is_signed;    /* INT, ENUM */
	bool is_union_fwd; /* FORWARD: union rather than struct */
	/* POINTER, ARRAY (element), TYPEDEF, QUALIFIED, ENUM (may be NULL), FUNCTION (return) */
	const struct lc_type *target;
	uint64_t length; /* ARRAY element count (0 = flexible/unknown) */
	uint32_t nmembers;
	const struct lc_member *members; /* STRUCT, UNION */
	uint32_t nenumerators;
	const struct lc_enumerator *enumerators; /* ENUM */
};

/* The result of resolving a member path such as "thread.sp" or "cpu_context.fp". */
struct lc_member_info {
	uint64_t bit_offset; /* from the start of the outer type */
	uint32_t bit_size;   /* 0 unless a bit field */
	const struct lc_type *type;
};

/* A provider of types. Implementations embed this as their first member. */
struct lc_type_source;
struct lc_type_source_ops {
	const char *name; /* "btf", "dwarf", ... for messages */
	/*
	 * Find a type by kind and name. kind is STRUCT, UNION, ENUM, TYPEDEF,
	 * INT or FLOAT (base types by their C name, e.g. "unsigned long").
	 * Returns an LC_ERR_LOOKUP error when absent. A complete definition is
	 * preferred over a forward declaration.
	 */
	struct lc_error *(*find_type)(struct lc_type_source *src, enum lc_type_kind kind,
				      const char *name, const struct lc_type **ret);
	/* The declared type of a global or per-CPU variable (LC_ERR_LOOKUP if unknown). */
	struct lc_error *(*find_variable)(struct lc_type_source *src, const char *name,
					  const struct lc_type **ret);
	void (*destroy)(struct lc_type_source *src);
	/*
	 * Optional (NULL if unsupported): find an enumerator of any enum by name,
	 * for constants that exist only as enumerators. LC_ERR_LOOKUP if absent.
	 */
	struct lc_error *(*find_enumerator)(struct lc_type_source *src, const char *name,
					    const struct lc_type **enum_ret, int64_t *value_ret);
};
struct lc_type_source {
	const struct lc_type_source_ops *ops;
};

/* BTF (raw .BTF section bytes, either byte order). base is NULL for vmlinux BTF,
 * or vmlinux's BTF for split (module) BTF, which must outlive it. The bytes are
 * copied: data may be freed once this returns. */
struct lc_error *lc_btf_create(const void *data, size_t size, struct lc_type_source *base,
			       struct lc_type_source **ret);
/* True if data starts with a BTF header in either byte order. */
bool lc_btf_probe(const void *data, size_t size);
/* For exhaustive checks and type dumps: one more than the last type id of a BTF
 * source (id 0 is void), and the type of an id (LC_ERR_INVALID for VAR, DATASEC
 * and DECL_TAG ids, which are not data types). */
uint32_t lc_btf_type_count(struct lc_type_source *src);
struct lc_error *lc_btf_type_by_id(struct lc_type_source *src, uint32_t id,
				   const struct lc_type **ret);

/* The per-program collection of sources with a resolution cache. */
struct lc_types;
struct lc_error *lc_types_create(struct lc_types **ret);
void lc_types_destroy(struct lc_types *types);
/* Takes ownership of src, also on failure. Earlier sources win. */
struct lc_error *lc_types_add_source(struct lc_types *types, struct lc_type_source *src);
bool lc_types_empty(const struct lc_types *types);
/* Name of the first source, for "which debuginfo was used" reports. */
const char *lc_types_source_name(const struct lc_types *types);

/*
 * Find a type from a C-like spelling: "struct task_struct", "union thread_union",
 * "enum pid_type", "atomic_t", "unsigned long", optionally followed by " *"s.
 */
struct lc_error *lc_types_find(struct lc_types *types, const char *spec,
			       const struct lc_type **ret);
/* The type of a global variable: from a source, else from a small built-in table
 * of the globals lockcore reads (BTF describes only per-CPU variables). */
struct lc_error *lc_types_find_variable(struct lc_types *types, const char *name,
					const struct lc_type **ret);

/* Strip typedefs and qualifiers. */
const struct lc_type *lc_type_unqualified(const struct lc_type *type);

/*
 * Resolve a member path ("a.b.c", "a[2].b") within a struct/union type,
 * looking through anonymous struct/union members and typedefs.
 */
struct lc_error *lc_type_member(const struct lc_type *type, const char *path,
				struct lc_member_info *ret);

/* Cached forms for readers: offset in bytes (error if a bit field), size, presence. */
struct lc_error *lc_types_offsetof(struct lc_types *types, const char *type_spec,
				   const char *path, uint64_t *ret);
struct lc_error *lc_types_member_info(struct lc_types *types, const char *type_spec,
				      const char *path, struct lc_member_info *ret);
struct lc_error *lc_types_sizeof(struct lc_types *types, const char *type_spec, uint64_t *ret);
/* Layout probing (kernel-version drift): true if the member exists. */
bool lc_types_has_member(struct lc_types *types, const char *type_spec, const char *path);
/* Value of an enumerator of a named enum, or of any enum when enum_spec is NULL. */
struct lc_error *lc_types_enum_value(struct lc_types *types, const char *enum_spec,
				     const char *enumerator, int64_t *ret);

#endif
