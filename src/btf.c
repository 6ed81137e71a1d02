// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * BTF type source: the kernel's raw .BTF bytes (between __start_BTF and
 * __stop_BTF, or a pahole --btf_encode_detached file) and split (module) BTF.
 *
 * The bytes come from a dump and are untrusted. lc_btf_create() copies them,
 * converts them to host byte order and checks that every record fits; it does
 * one pass over the type section and nothing else, because a triage run needs
 * a few dozen of the ~100k types. Names are indexed on the first lookup, and
 * types are converted to struct lc_type on demand, where every id, string
 * offset and typedef chain they use is checked.
 */
#include <inttypes.h>
#include <stdio.h>

#include "types.h"
#include "util.h"

/* Kind numbers of include/uapi/linux/btf.h, complete as of Linux 6.12. */
enum {
	K_UNKN,
	K_INT,
	K_PTR,
	K_ARRAY,
	K_STRUCT,
	K_UNION,
	K_ENUM,
	K_FWD,
	K_TYPEDEF,
	K_VOLATILE,
	K_CONST,
	K_RESTRICT,
	K_FUNC,
	K_FUNC_PROTO,
	K_VAR,
	K_DATASEC,
	K_FLOAT,
	K_DECL_TAG,
	K_TYPE_TAG,
	K_ENUM64,
	K_MAX = K_ENUM64,
};

static const char *const kind_names[] = {
	"UNKN", "INT",	   "PTR",      "ARRAY",	   "STRUCT",   "UNION",	 "ENUM",
	"FWD",	"TYPEDEF", "VOLATILE", "CONST",	   "RESTRICT", "FUNC",	 "FUNC_PROTO",
	"VAR",	"DATASEC", "FLOAT",    "DECL_TAG", "TYPE_TAG", "ENUM64",
};

#define BTF_MAGIC 0xeb9f
#define BTF_HDR_SIZE 24u
/* The kernel's verifier rejects longer chains (MAX_RESOLVE_DEPTH), so real BTF never has them. */
#define BTF_MAX_CHAIN 32
#define BTF_INT_SIGNED 1u
#define BTF_INT_BOOL 4u

static inline unsigned int info_kind(uint32_t info)
{
	return (info >> 24) & 0x1f;
}

static inline uint32_t info_vlen(uint32_t info)
{
	return info & 0xffff;
}

static inline bool info_kflag(uint32_t info)
{
	return info >> 31;
}

/*
 * Converted types live until the source is destroyed; a bump allocator avoids
 * one malloc per type and per member array.
 */
struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

#define ARENA_CHUNK_SIZE (256 * 1024)

static void *arena_alloc(struct arena_chunk **head, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	struct arena_chunk *c = *head;
	if (!c || c->size - c->used < size) {
		size_t csize = size > ARENA_CHUNK_SIZE ? size : ARENA_CHUNK_SIZE;
		c = malloc(sizeof(*c) + csize);
		if (!c)
			return NULL;
		c->used = 0;
		c->size = csize;
		if (*head && size >= ARENA_CHUNK_SIZE) {
			/* A dedicated chunk: keep the current one open for small objects. */
			c->next = (*head)->next;
			(*head)->next = c;
		} else {
			c->next = *head;
			*head = c;
		}
	}
	void *p = (char *)c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

static void arena_free(struct arena_chunk *head)
{
	while (head) {
		struct arena_chunk *next = head->next;
		free(head);
		head = next;
	}
}

struct lc_btf {
	struct lc_type_source src;
	struct lc_btf *base; /* split BTF only */
	uint32_t start_id;   /* first id of our own types: 1, or the base's count */
	uint32_t nr_types;   /* our own types */
	uint32_t *words;     /* type section in host byte order */
	size_t nwords;
	uint32_t *offs;	    /* word offset of each own type in words */
	char *strs;	    /* own string section, NUL-terminated when non-empty */
	uint32_t str_start; /* offset of strs[0] in the id space of string offsets */
	uint32_t str_len;
	uint32_t ptr_size;
	const struct lc_type **cache; /* by own index; NULL until converted */

	/* Name index: open addressing over own type ids, 0 = empty slot. */
	uint32_t *index;
	size_t index_mask;
	bool indexed;
	/* Enumerator index: (type id << 16 | enumerator number), 0 = empty slot. */
	uint64_t *enum_index;
	size_t enum_index_mask;
	bool enums_indexed;

	/* Types created by the current conversion; filled in order, undone on error. */
	uint32_t *work;
	size_t nwork, work_cap;

	struct lc_type void_type;
	struct arena_chunk *arena;
};

static const struct lc_type_source_ops btf_ops;

/* Raw record of any id known to this source or its bases; NULL if out of range. */
static const uint32_t *btf_raw(const struct lc_btf *btf, uint32_t id)
{
	while (btf && id < btf->start_id)
		btf = btf->base;
	if (!btf || id - btf->start_id >= btf->nr_types)
		return NULL;
	return btf->words + btf->offs[id - btf->start_id];
}

static uint32_t btf_end_id(const struct lc_btf *btf)
{
	return btf->start_id + btf->nr_types;
}

static uint32_t btf_str_end(const struct lc_btf *btf)
{
	return btf->str_start + btf->str_len;
}

static const char *btf_str(const struct lc_btf *btf, uint32_t off)
{
	while (btf && off < btf->str_start)
		btf = btf->base;
	if (!btf || off - btf->str_start >= btf->str_len)
		return NULL;
	return btf->strs + (off - btf->str_start);
}

/* Name of a type/member/enumerator; NULL for anonymous, error if the offset is bad. */
static struct lc_error *btf_name(const struct lc_btf *btf, uint32_t id, const char *what, long idx,
				 uint32_t off, const char **ret)
{
	const char *s = btf_str(btf, off);
	if (!s) {
		if (idx >= 0)
			return lc_error_create(LC_ERR_BAD_DATA,
					       "BTF type %" PRIu32 ": %s %ld name offset 0x%" PRIx32
					       " past string section (size 0x%" PRIx32 ")",
					       id, what, idx, off, btf_str_end(btf));
		return lc_error_create(LC_ERR_BAD_DATA,
				       "BTF type %" PRIu32 ": name offset 0x%" PRIx32
				       " past string section (size 0x%" PRIx32 ")",
				       id, off, btf_str_end(btf));
	}
	*ret = *s ? s : NULL;
	return NULL;
}

/* Size in words of a record, or 0 if its kind is unknown. */
static size_t record_words(uint32_t info)
{
	size_t vlen = info_vlen(info);
	switch (info_kind(info)) {
	case K_INT:
	case K_VAR:
	case K_DECL_TAG:
		return 4;
	case K_PTR:
	case K_FWD:
	case K_TYPEDEF:
	case K_VOLATILE:
	case K_CONST:
	case K_RESTRICT:
	case K_FUNC:
	case K_FLOAT:
	case K_TYPE_TAG:
		return 3;
	case K_ARRAY:
		return 6;
	case K_STRUCT:
	case K_UNION:
	case K_DATASEC:
	case K_ENUM64:
		return 3 + 3 * vlen;
	case K_ENUM:
	case K_FUNC_PROTO:
		return 3 + 2 * vlen;
	}
	return 0;
}

static bool is_long_name(const char *s)
{
	return strcmp(s, "long int") == 0 || strcmp(s, "long unsigned int") == 0 ||
	       strcmp(s, "long") == 0 || strcmp(s, "unsigned long") == 0;
}

static struct lc_error *btf_parse_header(struct lc_btf *btf, const uint8_t *p, size_t size)
{
	if (size < BTF_HDR_SIZE)
		return lc_error_create(LC_ERR_FORMAT,
				       "BTF is %zu bytes, shorter than its %u-byte header", size,
				       BTF_HDR_SIZE);
	bool big_endian;
	if (p[0] == 0x9f && p[1] == 0xeb)
		big_endian = false;
	else if (p[0] == 0xeb && p[1] == 0x9f)
		big_endian = true;
	else
		return lc_error_create(LC_ERR_FORMAT, "bad BTF magic 0x%02x%02x", p[0], p[1]);
	if (p[2] != 1)
		return lc_error_create(LC_ERR_UNSUPPORTED, "unsupported BTF version %u", p[2]);
	uint32_t hdr_len = lc_load_uint(p + 4, 4, big_endian);
	uint32_t type_off = lc_load_uint(p + 8, 4, big_endian);
	uint32_t type_len = lc_load_uint(p + 12, 4, big_endian);
	uint32_t str_off = lc_load_uint(p + 16, 4, big_endian);
	uint32_t str_len = lc_load_uint(p + 20, 4, big_endian);
	/* Later header fields (none as of Linux 6.12) are ignored. */
	if (hdr_len < BTF_HDR_SIZE || hdr_len > size)
		return lc_error_create(LC_ERR_FORMAT,
				       "BTF header length %" PRIu32 " out of range (%u to %zu)",
				       hdr_len, BTF_HDR_SIZE, size);
	if ((uint64_t)hdr_len + type_off + type_len > size)
		return lc_error_create(LC_ERR_FORMAT,
				       "BTF type section (offset 0x%" PRIx32 ", length 0x%" PRIx32
				       ") past end of data (size 0x%zx)",
				       hdr_len + type_off, type_len, size);
	if ((uint64_t)hdr_len + str_off + str_len > size)
		return lc_error_create(LC_ERR_FORMAT,
				       "BTF string section (offset 0x%" PRIx32 ", length 0x%" PRIx32
				       ") past end of data (size 0x%zx)",
				       hdr_len + str_off, str_len, size);
	if (type_len % 4)
		return lc_error_create(LC_ERR_FORMAT,
				       "BTF type section length 0x%" PRIx32 " not a multiple of 4",
				       type_len);
	const char *strs = (const char *)p + hdr_len + str_off;
	if (str_len && strs[str_len - 1])
		return lc_error_create(LC_ERR_FORMAT, "BTF string section not NUL-terminated");
	if (!btf->base && (!str_len || strs[0]))
		return lc_error_create(LC_ERR_FORMAT,
				       "BTF string section does not start with an empty string");
	if (btf->base && btf_str_end(btf->base) > UINT32_MAX - str_len)
		return lc_error_create(LC_ERR_FORMAT, "split BTF string section too large");

	btf->str_len = str_len;
	btf->strs = malloc(str_len ? str_len : 1);
	btf->words = malloc(type_len ? type_len : 4);
	if (!btf->strs || !btf->words)
		return lc_error_nomem;
	memcpy(btf->strs, strs, str_len);
	memcpy(btf->words, p + hdr_len + type_off, type_len);
	btf->nwords = type_len / 4;
	/* Every BTF record is a sequence of 32-bit words, so swapping is uniform. */
	if (big_endian != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)) {
		for (size_t i = 0; i < type_len / 4; i++)
			btf->words[i] = lc_bswap32(btf->words[i]);
	}
	return NULL;
}

static struct lc_error *btf_scan_types(struct lc_btf *btf)
{
	size_t nwords = btf->nwords;
	size_t n = 0;
	/* Records are at least 3 words; pages of the bound never touched cost nothing. */
	btf->offs = malloc((nwords / 3 + 1) * sizeof(*btf->offs));
	if (!btf->offs)
		return lc_error_nomem;
	for (size_t w = 0; w < nwords;) {
		uint32_t id = btf->start_id + (uint32_t)n;
		if (nwords - w < 3)
			return lc_error_create(LC_ERR_FORMAT,
					       "BTF type %" PRIu32
					       ": truncated at offset 0x%zx of type "
					       "section (length 0x%zx)",
					       id, w * 4, nwords * 4);
		uint32_t info = btf->words[w + 1];
		unsigned int kind = info_kind(info);
		size_t len = record_words(info);
		if (!len) {
			if (kind > K_MAX)
				return lc_error_create(LC_ERR_UNSUPPORTED,
						       "BTF type %" PRIu32 ": unknown kind %u", id,
						       kind);
			return lc_error_create(LC_ERR_BAD_DATA, "BTF type %" PRIu32 ": kind 0", id);
		}
		if (len > nwords - w) {
			char vlen[32] = "";
			if (kind == K_STRUCT || kind == K_UNION || kind == K_ENUM ||
			    kind == K_ENUM64 || kind == K_FUNC_PROTO || kind == K_DATASEC)
				snprintf(vlen, sizeof(vlen), " with vlen %" PRIu32,
					 info_vlen(info));
			return lc_error_create(
				LC_ERR_FORMAT,
				"BTF type %" PRIu32 ": %s%s needs 0x%zx bytes, only 0x%zx "
				"left in type section",
				id, kind_names[kind], vlen, len * 4, (nwords - w) * 4);
		}
		if (n >= UINT32_MAX - btf->start_id)
			return lc_error_create(LC_ERR_FORMAT, "BTF has too many types");
		btf->offs[n++] = (uint32_t)w;
		if (kind == K_INT && !btf->base) {
			const char *name = btf_str(btf, btf->words[w]);
			uint32_t size = btf->words[w + 2];
			if (name && is_long_name(name) && (size == 4 || size == 8))
				btf->ptr_size = size;
		}
		w += len;
	}
	btf->nr_types = (uint32_t)n;
	return NULL;
}

struct lc_error *lc_btf_create(const void *data, size_t size, struct lc_type_source *base,
			       struct lc_type_source **ret)
{
	if (base && base->ops != &btf_ops)
		return lc_error_create(LC_ERR_INVALID, "base of split BTF is not BTF ('%s')",
				       base->ops->name);
	struct lc_btf *btf = calloc(1, sizeof(*btf));
	if (!btf)
		return lc_error_nomem;
	btf->src.ops = &btf_ops;
	btf->base = (struct lc_btf *)base;
	btf->void_type.kind = LC_TYPE_VOID;
	btf->void_type.name = "void";
	if (btf->base) {
		btf->start_id = btf_end_id(btf->base);
		btf->str_start = btf_str_end(btf->base);
		btf->ptr_size = btf->base->ptr_size;
	} else {
		btf->start_id = 1;
		/* Without a "long" to measure, assume a 64-bit kernel. */
		btf->ptr_size = 8;
	}
	struct lc_error *err = btf_parse_header(btf, data, size);
	if (!err)
		err = btf_scan_types(btf);
	if (!err && btf->nr_types) {
		btf->cache = calloc(btf->nr_types, sizeof(*btf->cache));
		if (!btf->cache)
			err = lc_error_nomem;
	}
	if (err) {
		btf_ops.destroy(&btf->src);
		return err;
	}
	*ret = &btf->src;
	return NULL;
}

bool lc_btf_probe(const void *data, size_t size)
{
	const uint8_t *p = data;
	if (size < BTF_HDR_SIZE)
		return false;
	return ((p[0] == 0x9f && p[1] == 0xeb) || (p[0] == 0xeb && p[1] == 0x9f)) && p[2] == 1;
}

/*
 * Conversion. A type is allocated and cached before the types it refers to are
 * converted, so pointer cycles (struct list_head) terminate; and the types to
 * fill are queued in btf->work rather than recursed into, so a hostile chain of
 * nested structs cannot exhaust the stack.
 */
static struct lc_error *btf_get(struct lc_btf *btf, uint32_t id, const struct lc_type **ret);

static bool is_data_kind(unsigned int kind)
{
	return kind != K_VAR && kind != K_DATASEC && kind != K_DECL_TAG;
}

/* what/idx name the referring field in messages: ("member", 3) or ("target", -1). */
static struct lc_error *btf_ref(struct lc_btf *btf, uint32_t from, const char *what, long idx,
				uint32_t id, const struct lc_type **ret)
{
	if (id == 0) {
		*ret = &btf->void_type;
		return NULL;
	}
	const uint32_t *raw = btf_raw(btf, id);
	char where[48];
	if (!raw || !is_data_kind(info_kind(raw[1]))) {
		if (idx >= 0)
			snprintf(where, sizeof(where), "%s %ld type", what, idx);
		else
			snprintf(where, sizeof(where), "%s type", what);
	}
	if (!raw)
		return lc_error_create(LC_ERR_BAD_DATA,
				       "BTF type %" PRIu32 ": %s id %" PRIu32
				       " out of range (last id %" PRIu32 ")",
				       from, where, id, btf_end_id(btf) - 1);
	if (!is_data_kind(info_kind(raw[1])))
		return lc_error_create(LC_ERR_BAD_DATA,
				       "BTF type %" PRIu32 ": %s %" PRIu32
				       " is a %s, not a data type",
				       from, where, id, kind_names[info_kind(raw[1])]);
	if (id < btf->start_id)
		return btf_get(btf->base, id, ret);
	uint32_t local = id - btf->start_id;
	if (btf->cache[local]) {
		*ret = btf->cache[local];
		return NULL;
	}
	struct lc_type *type = arena_alloc(&btf->arena, sizeof(*type));
	if (!type ||
	    !lc_grow((void **)&btf->work, &btf->work_cap, btf->nwork + 1, sizeof(*btf->work)))
		return lc_error_nomem;
	btf->work[btf->nwork++] = id;
	btf->cache[local] = type;
	*ret = type;
	return NULL;
}

/*
 * Size of a type by walking the raw records, so that typedef, qualifier and
 * array chains are bounded and cycles among them are rejected; the converted
 * graph therefore has none, and lc_type_unqualified() always terminates.
 */
static struct lc_error *btf_resolve_size(const struct lc_btf *btf, uint32_t from, uint32_t id,
					 uint64_t *ret)
{
	uint64_t mult = 1;
	for (int depth = 0;; depth++) {
		if (depth > BTF_MAX_CHAIN)
			return lc_error_create(
				LC_ERR_BAD_DATA,
				"BTF type %" PRIu32
				": typedef/qualifier/array chain longer than %d or cyclic",
				from, BTF_MAX_CHAIN);
		if (id == 0) {
			*ret = 0;
			return NULL;
		}
		const uint32_t *raw = btf_raw(btf, id);
		if (!raw)
			return lc_error_create(LC_ERR_BAD_DATA,
					       "BTF type %" PRIu32 ": type id %" PRIu32
					       " in its chain out of range (last id %" PRIu32 ")",
					       from, id, btf_end_id(btf) - 1);
		uint64_t size;
		switch (info_kind(raw[1])) {
		case K_INT:
		case K_STRUCT:
		case K_UNION:
		case K_ENUM:
		case K_ENUM64:
		case K_FLOAT:
			size = raw[2];
			break;
		case K_PTR:
			size = btf->ptr_size;
			break;
		case K_ARRAY:
			if (raw[5] && mult > UINT64_MAX / raw[5])
				return lc_error_create(LC_ERR_BAD_DATA,
						       "BTF type %" PRIu32 ": array size overflows",
						       from);
			mult *= raw[5];
			id = raw[3];
			continue;
		case K_TYPEDEF:
		case K_VOLATILE:
		case K_CONST:
		case K_RESTRICT:
		case K_TYPE_TAG:
			id = raw[2];
			continue;
		case K_FWD:
		case K_FUNC:
		case K_FUNC_PROTO:
			size = 0;
			break;
		default:
			return lc_error_create(LC_ERR_BAD_DATA,
					       "BTF type %" PRIu32 ": type %" PRIu32
					       " in its chain is a %s, not a data type",
					       from, id, kind_names[info_kind(raw[1])]);
		}
		if (size && mult > UINT64_MAX / size)
			return lc_error_create(LC_ERR_BAD_DATA,
					       "BTF type %" PRIu32 ": array size overflows", from);
		*ret = size * mult;
		return NULL;
	}
}

static struct lc_error *btf_fill_members(struct lc_btf *btf, uint32_t id, const uint32_t *raw,
					 struct lc_type *type)
{
	uint32_t vlen = info_vlen(raw[1]);
	bool kflag = info_kflag(raw[1]);
	struct lc_member *members = NULL;
	if (vlen) {
		members = arena_alloc(&btf->arena, vlen * sizeof(*members));
		if (!members)
			return lc_error_nomem;
	}
	const uint32_t *m = raw + 3;
	uint64_t size_bits = (uint64_t)type->size * 8;
	for (uint32_t i = 0; i < vlen; i++, m += 3) {
		struct lc_error *err = btf_name(btf, id, "member", i, m[0], &members[i].name);
		if (!err)
			err = btf_ref(btf, id, "member", i, m[1], &members[i].type);
		if (err)
			return err;
		uint64_t bit_offset = m[2];
		uint32_t bit_size = 0;
		if (kflag) {
			bit_offset = m[2] & 0xffffff;
			bit_size = m[2] >> 24;
		} else {
			/* Before kind_flag (pahole < 1.13) a bit field was an INT member
			 * whose encoding gives its width and extra offset. */
			const uint32_t *mt = btf_raw(btf, m[1]);
			if (mt && info_kind(mt[1]) == K_INT) {
				uint32_t enc = mt[3];
				uint32_t nbits = enc & 0xff, ioff = (enc >> 16) & 0xff;
				if (!((enc >> 24) & BTF_INT_BOOL) &&
				    (ioff || (uint64_t)nbits != (uint64_t)mt[2] * 8)) {
					bit_offset += ioff;
					bit_size = nbits;
				}
			}
		}
		if (bit_offset + bit_size > size_bits)
			return lc_error_create(LC_ERR_BAD_DATA,
					       "BTF type %" PRIu32 ": member %" PRIu32
					       " at bit %" PRIu64 " (%" PRIu32
					       " bits) past end of %" PRIu64 "-byte %s",
					       id, i, bit_offset, bit_size, type->size,
					       type->kind == LC_TYPE_UNION ? "union" : "struct");
		members[i].bit_offset = bit_offset;
		members[i].bit_size = bit_size;
	}
	type->nmembers = vlen;
	type->members = members;
	return NULL;
}

static struct lc_error *btf_fill_enum(struct lc_btf *btf, uint32_t id, const uint32_t *raw,
				      struct lc_type *type)
{
	bool is64 = info_kind(raw[1]) == K_ENUM64;
	uint32_t vlen = info_vlen(raw[1]);
	struct lc_enumerator *e = NULL;
	if (vlen) {
		e = arena_alloc(&btf->arena, vlen * sizeof(*e));
		if (!e)
			return lc_error_nomem;
	}
	const uint32_t *v = raw + 3;
	for (uint32_t i = 0; i < vlen; i++, v += is64 ? 3 : 2) {
		struct lc_error *err = btf_name(btf, id, "enumerator", i, v[0], &e[i].name);
		if (err)
			return err;
		if (!e[i].name)
			e[i].name = "";
		if (is64)
			e[i].value = (int64_t)(((uint64_t)v[2] << 32) | v[1]);
		else if (type->is_signed)
			e[i].value = (int32_t)v[1];
		else
			e[i].value = v[1];
	}
	type->nenumerators = vlen;
	type->enumerators = e;
	return NULL;
}

static struct lc_error *btf_fill(struct lc_btf *btf, uint32_t id)
{
	const uint32_t *raw = btf->words + btf->offs[id - btf->start_id];
	/* Only this function writes to the types it created. */
	struct lc_type *type = (struct lc_type *)btf->cache[id - btf->start_id];
	uint32_t info = raw[1];
	unsigned int kind = info_kind(info);
	struct lc_error *err = btf_name(btf, id, NULL, -1, raw[0], &type->name);
	if (err)
		return err;
	switch (kind) {
	case K_INT: {
		uint32_t enc = raw[3];
		uint32_t nbits = enc & 0xff, ioff = (enc >> 16) & 0xff;
		if (raw[2] > 16 || ioff + nbits > raw[2] * 8)
			return lc_error_create(LC_ERR_BAD_DATA,
					       "BTF type %" PRIu32 ": %" PRIu32
					       "-bit integer at bit %" PRIu32
					       " does not fit its size %" PRIu32,
					       id, nbits, ioff, raw[2]);
		type->kind = LC_TYPE_INT;
		type->size = raw[2];
		type->is_signed = (enc >> 24) & BTF_INT_SIGNED;
		return NULL;
	}
	case K_FLOAT:
		type->kind = LC_TYPE_FLOAT;
		type->size = raw[2];
		return NULL;
	case K_PTR:
		type->kind = LC_TYPE_POINTER;
		type->size = btf->ptr_size;
		return btf_ref(btf, id, "target", -1, raw[2], &type->target);
	case K_ARRAY:
		type->kind = LC_TYPE_ARRAY;
		type->length = raw[5];
		if (!btf_raw(btf, raw[4]))
			return lc_error_create(LC_ERR_BAD_DATA,
					       "BTF type %" PRIu32 ": index type id %" PRIu32
					       " out of range (last id %" PRIu32 ")",
					       id, raw[4], btf_end_id(btf) - 1);
		err = btf_ref(btf, id, "element", -1, raw[3], &type->target);
		if (!err)
			err = btf_resolve_size(btf, id, id, &type->size);
		return err;
	case K_STRUCT:
	case K_UNION:
		type->kind = kind == K_STRUCT ? LC_TYPE_STRUCT : LC_TYPE_UNION;
		type->size = raw[2];
		return btf_fill_members(btf, id, raw, type);
	case K_ENUM:
	case K_ENUM64:
		type->kind = LC_TYPE_ENUM;
		type->size = raw[2];
		/* Since Linux 6.0 kind_flag marks signed enums; before, values were s32. */
		type->is_signed = info_kflag(info);
		return btf_fill_enum(btf, id, raw, type);
	case K_FWD:
		type->kind = LC_TYPE_FORWARD;
		type->is_union_fwd = info_kflag(info);
		return NULL;
	case K_TYPEDEF:
	case K_VOLATILE:
	case K_CONST:
	case K_RESTRICT:
	case K_TYPE_TAG:
		if (kind == K_TYPEDEF) {
			type->kind = LC_TYPE_TYPEDEF;
		} else {
			/* Qualifiers are named after themselves; type tags keep the tag. */
			type->kind = LC_TYPE_QUALIFIED;
			if (kind == K_VOLATILE)
				type->name = "volatile";
			else if (kind == K_CONST)
				type->name = "const";
			else if (kind == K_RESTRICT)
				type->name = "restrict";
		}
		err = btf_ref(btf, id, "target", -1, raw[2], &type->target);
		if (!err)
			err = btf_resolve_size(btf, id, id, &type->size);
		return err;
	case K_FUNC_PROTO:
		type->kind = LC_TYPE_FUNCTION;
		/* Parameters are not represented, but their ids must still be valid. */
		for (uint32_t i = 0; i < info_vlen(info); i++) {
			const char *unused;
			err = btf_name(btf, id, "parameter", i, raw[3 + 2 * i], &unused);
			if (err)
				return err;
			if (raw[4 + 2 * i] && !btf_raw(btf, raw[4 + 2 * i]))
				return lc_error_create(LC_ERR_BAD_DATA,
						       "BTF type %" PRIu32 ": parameter %" PRIu32
						       " type id %" PRIu32
						       " out of range (last id %" PRIu32 ")",
						       id, i, raw[4 + 2 * i], btf_end_id(btf) - 1);
		}
		return btf_ref(btf, id, "return", -1, raw[2], &type->target);
	case K_FUNC: {
		type->kind = LC_TYPE_FUNCTION;
		const uint32_t *proto = btf_raw(btf, raw[2]);
		if (!proto || info_kind(proto[1]) != K_FUNC_PROTO)
			return lc_error_create(LC_ERR_BAD_DATA,
					       "BTF type %" PRIu32 ": FUNC type %" PRIu32
					       " is not a FUNC_PROTO",
					       id, raw[2]);
		return btf_ref(btf, id, "return", -1, proto[2], &type->target);
	}
	}
	/* btf_ref() only queues data kinds. */
	return lc_error_create(LC_ERR_BAD_DATA, "BTF type %" PRIu32 ": unexpected kind %u", id,
			       kind);
}

/* Convert type id and everything it refers to; from/what name the referrer in messages. */
static struct lc_error *btf_convert(struct lc_btf *btf, uint32_t from, const char *what,
				    uint32_t id, const struct lc_type **ret)
{
	const struct lc_type *type;
	struct lc_error *err = btf_ref(btf, from, what, -1, id, &type);
	for (size_t i = 0; !err && i < btf->nwork; i++)
		err = btf_fill(btf, btf->work[i]);
	if (err) {
		/* Types of a failed conversion may point at half-filled ones: drop them all. */
		for (size_t i = 0; i < btf->nwork; i++)
			btf->cache[btf->work[i] - btf->start_id] = NULL;
	}
	btf->nwork = 0;
	if (err)
		return err;
	*ret = type;
	return NULL;
}

static struct lc_error *btf_get(struct lc_btf *btf, uint32_t id, const struct lc_type **ret)
{
	return btf_convert(btf, id, "requested", id, ret);
}

static struct lc_btf *to_btf(struct lc_type_source *src)
{
	return (struct lc_btf *)src;
}

uint32_t lc_btf_type_count(struct lc_type_source *src)
{
	if (!src || src->ops != &btf_ops)
		return 0;
	return btf_end_id(to_btf(src));
}

struct lc_error *lc_btf_type_by_id(struct lc_type_source *src, uint32_t id,
				   const struct lc_type **ret)
{
	if (!src || src->ops != &btf_ops)
		return lc_error_create(LC_ERR_INVALID, "type source is not BTF");
	struct lc_btf *btf = to_btf(src);
	const uint32_t *raw = btf_raw(btf, id);
	if (id && !raw)
		return lc_error_create(LC_ERR_LOOKUP,
				       "BTF type %" PRIu32 " out of range (last id %" PRIu32 ")",
				       id, btf_end_id(btf) - 1);
	if (raw && !is_data_kind(info_kind(raw[1])))
		return lc_error_create(LC_ERR_INVALID,
				       "BTF type %" PRIu32 " is a %s, not a data type", id,
				       kind_names[info_kind(raw[1])]);
	return btf_get(btf, id, ret);
}

/*
 * Name index. Each named struct, union, enum, typedef, base type and variable
 * is in one open-addressing table keyed by (class, name), so the strings stay
 * in the string section instead of being copied into a map.
 */
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

static enum name_class raw_class(const uint32_t *raw)
{
	switch (info_kind(raw[1])) {
	case K_STRUCT:
		return CLS_STRUCT;
	case K_UNION:
		return CLS_UNION;
	case K_FWD:
		return info_kflag(raw[1]) ? CLS_UNION : CLS_STRUCT;
	case K_ENUM:
	case K_ENUM64:
		return CLS_ENUM;
	case K_TYPEDEF:
		return CLS_TYPEDEF;
	case K_INT:
		return CLS_INT;
	case K_FLOAT:
		return CLS_FLOAT;
	case K_VAR:
		return CLS_VAR;
	}
	return CLS_NONE;
}

/* Forward declarations (FWD, or an ENUM without enumerators) lose to definitions. */
static bool raw_complete(const uint32_t *raw)
{
	unsigned int kind = info_kind(raw[1]);
	if (kind == K_FWD)
		return false;
	if (kind == K_ENUM || kind == K_ENUM64)
		return info_vlen(raw[1]) != 0;
	return true;
}

static size_t name_hash(const char *name, enum name_class cls)
{
	uint64_t h = lc_hash_string(name) ^ ((uint64_t)cls * 0x9e3779b97f4a7c15ull);
	return (size_t)(h ^ (h >> 29));
}

static size_t pow2_at_least(size_t n)
{
	size_t cap = 16;
	while (cap < n)
		cap *= 2;
	return cap;
}

static struct lc_error *btf_build_index(struct lc_btf *btf)
{
	size_t count = 0;
	for (uint32_t i = 0; i < btf->nr_types; i++) {
		const uint32_t *raw = btf->words + btf->offs[i];
		if (raw[0] && raw_class(raw) != CLS_NONE)
			count++;
	}
	size_t cap = pow2_at_least(count * 2);
	btf->index = calloc(cap, sizeof(*btf->index));
	if (!btf->index)
		return lc_error_nomem;
	btf->index_mask = cap - 1;
	for (uint32_t i = 0; i < btf->nr_types; i++) {
		const uint32_t *raw = btf->words + btf->offs[i];
		enum name_class cls = raw_class(raw);
		const char *name = raw[0] ? btf_str(btf, raw[0]) : NULL;
		/* A bad name cannot be looked up; the type's users report it when converting. */
		if (cls == CLS_NONE || !name || !*name)
			continue;
		for (size_t s = name_hash(name, cls) & btf->index_mask;;
		     s = (s + 1) & btf->index_mask) {
			uint32_t other = btf->index[s];
			if (!other) {
				btf->index[s] = btf->start_id + i;
				break;
			}
			const uint32_t *oraw = btf->words + btf->offs[other - btf->start_id];
			if (raw_class(oraw) != cls || strcmp(btf_str(btf, oraw[0]), name) != 0)
				continue;
			/* Duplicates: the first definition wins over later ones. */
			if (!raw_complete(oraw) && raw_complete(raw))
				btf->index[s] = btf->start_id + i;
			break;
		}
	}
	btf->indexed = true;
	return NULL;
}

/* Own id of (class, name), or 0. */
static struct lc_error *btf_index_find(struct lc_btf *btf, enum name_class cls, const char *name,
				       uint32_t *ret)
{
	if (!btf->indexed) {
		struct lc_error *err = btf_build_index(btf);
		if (err)
			return err;
	}
	*ret = 0;
	for (size_t s = name_hash(name, cls) & btf->index_mask; btf->index[s];
	     s = (s + 1) & btf->index_mask) {
		const uint32_t *raw = btf->words + btf->offs[btf->index[s] - btf->start_id];
		if (raw_class(raw) == cls && strcmp(btf_str(btf, raw[0]), name) == 0) {
			*ret = btf->index[s];
			break;
		}
	}
	return NULL;
}

/* Found id in this source or its bases, preferring definitions over declarations. */
static struct lc_error *btf_find_id(struct lc_btf *btf, enum name_class cls, const char *name,
				    uint32_t *ret)
{
	uint32_t fallback = 0;
	for (; btf; btf = btf->base) {
		uint32_t id;
		struct lc_error *err = btf_index_find(btf, cls, name, &id);
		if (err)
			return err;
		if (id && raw_complete(btf_raw(btf, id))) {
			*ret = id;
			return NULL;
		}
		if (id && !fallback)
			fallback = id;
	}
	*ret = fallback;
	return NULL;
}

/*
 * GCC's DWARF (and so pahole's BTF) spells base types its own way; clang uses
 * the C spelling. Callers pass the C spelling.
 */
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

static struct lc_error *btf_find_type(struct lc_type_source *src, enum lc_type_kind kind,
				      const char *name, const struct lc_type **ret)
{
	struct lc_btf *btf = to_btf(src);
	enum name_class cls;
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
		return lc_error_create(LC_ERR_INVALID, "cannot look up '%s' by kind %d in BTF",
				       name, kind);
	}
	uint32_t id;
	struct lc_error *err = btf_find_id(btf, cls, name, &id);
	for (size_t i = 0; !err && !id && cls == CLS_INT && i < LC_ARRAY_SIZE(int_aliases); i++) {
		if (strcmp(name, int_aliases[i][0]) == 0)
			err = btf_find_id(btf, cls, int_aliases[i][1], &id);
		else if (strcmp(name, int_aliases[i][1]) == 0)
			err = btf_find_id(btf, cls, int_aliases[i][0], &id);
	}
	if (err)
		return err;
	if (!id)
		return lc_error_create(LC_ERR_LOOKUP, "type '%s%s' not found in BTF", prefix, name);
	err = btf_get(btf, id, ret);
	return lc_error_prefix(err, "converting '%s%s'", prefix, name);
}

static struct lc_error *btf_find_variable(struct lc_type_source *src, const char *name,
					  const struct lc_type **ret)
{
	struct lc_btf *btf = to_btf(src);
	uint32_t id;
	struct lc_error *err = btf_find_id(btf, CLS_VAR, name, &id);
	if (err)
		return err;
	if (!id)
		return lc_error_create(LC_ERR_LOOKUP, "variable '%s' not found in BTF", name);
	const uint32_t *raw = btf_raw(btf, id);
	while (btf->start_id > id)
		btf = btf->base;
	err = btf_convert(btf, id, "variable", raw[2], ret);
	return lc_error_prefix(err, "converting type of variable '%s'", name);
}

/* Enumerator index, built on the first lookup of a bare enumerator name. */
static const char *enum_entry_name(const struct lc_btf *btf, uint64_t entry)
{
	const uint32_t *raw = btf->words + btf->offs[(entry >> 16) - btf->start_id];
	size_t stride = info_kind(raw[1]) == K_ENUM64 ? 3 : 2;
	return btf_str(btf, raw[3 + stride * (entry & 0xffff)]);
}

static struct lc_error *btf_build_enum_index(struct lc_btf *btf)
{
	size_t count = 0;
	for (uint32_t i = 0; i < btf->nr_types; i++) {
		const uint32_t *raw = btf->words + btf->offs[i];
		unsigned int kind = info_kind(raw[1]);
		if (kind == K_ENUM || kind == K_ENUM64)
			count += info_vlen(raw[1]);
	}
	size_t cap = pow2_at_least(count * 2);
	btf->enum_index = calloc(cap, sizeof(*btf->enum_index));
	if (!btf->enum_index)
		return lc_error_nomem;
	btf->enum_index_mask = cap - 1;
	for (uint32_t i = 0; i < btf->nr_types; i++) {
		const uint32_t *raw = btf->words + btf->offs[i];
		unsigned int kind = info_kind(raw[1]);
		if (kind != K_ENUM && kind != K_ENUM64)
			continue;
		size_t stride = kind == K_ENUM64 ? 3 : 2;
		for (uint32_t j = 0; j < info_vlen(raw[1]); j++) {
			const char *name = btf_str(btf, raw[3 + stride * j]);
			if (!name || !*name)
				continue;
			uint64_t entry = ((uint64_t)(btf->start_id + i) << 16) | j;
			for (size_t s = lc_hash_string(name) & btf->enum_index_mask;;
			     s = (s + 1) & btf->enum_index_mask) {
				if (!btf->enum_index[s]) {
					btf->enum_index[s] = entry;
					break;
				}
				if (strcmp(enum_entry_name(btf, btf->enum_index[s]), name) == 0)
					break;
			}
		}
	}
	btf->enums_indexed = true;
	return NULL;
}

static struct lc_error *btf_find_enumerator(struct lc_type_source *src, const char *name,
					    const struct lc_type **enum_ret, int64_t *value_ret)
{
	for (struct lc_btf *btf = to_btf(src); btf; btf = btf->base) {
		if (!btf->enums_indexed) {
			struct lc_error *err = btf_build_enum_index(btf);
			if (err)
				return err;
		}
		for (size_t s = lc_hash_string(name) & btf->enum_index_mask; btf->enum_index[s];
		     s = (s + 1) & btf->enum_index_mask) {
			uint64_t entry = btf->enum_index[s];
			if (strcmp(enum_entry_name(btf, entry), name) != 0)
				continue;
			const struct lc_type *type;
			struct lc_error *err = btf_get(btf, (uint32_t)(entry >> 16), &type);
			if (err)
				return lc_error_prefix(err, "converting enum of '%s'", name);
			*enum_ret = type;
			*value_ret = type->enumerators[entry & 0xffff].value;
			return NULL;
		}
	}
	return lc_error_create(LC_ERR_LOOKUP, "enumerator '%s' not found in BTF", name);
}

static void btf_destroy(struct lc_type_source *src)
{
	struct lc_btf *btf = to_btf(src);
	if (!btf)
		return;
	free(btf->words);
	free(btf->offs);
	free(btf->strs);
	free(btf->cache);
	free(btf->index);
	free(btf->enum_index);
	free(btf->work);
	arena_free(btf->arena);
	free(btf);
}

static const struct lc_type_source_ops btf_ops = {
	.name = "btf",
	.find_type = btf_find_type,
	.find_variable = btf_find_variable,
	.find_enumerator = btf_find_enumerator,
	.destroy = btf_destroy,
};
