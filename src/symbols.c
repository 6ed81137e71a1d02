// SPDX-License-Identifier: LGPL-2.1-or-later
#include <ctype.h>
#include <errno.h>
#include <stdio.h>

#include "symbols.h"
#include "type_cache.h"

enum { STRING_BLOCK = 256 * 1024 };

void lc_symbols_init(struct lc_symbols *syms)
{
	memset(syms, 0, sizeof(*syms));
	lc_strmap_init_borrowed(&syms->by_name);
}

void lc_symbols_deinit(struct lc_symbols *syms)
{
	if (syms->lazy_ops)
		syms->lazy_ops->destroy(syms->lazy);
	for (size_t i = 0; i < syms->nblocks; i++)
		free(syms->string_blocks[i]);
	free(syms->string_blocks);
	free(syms->syms);
	lc_strmap_deinit(&syms->by_name);
	lc_symbols_init(syms);
}

/* Names live in large blocks: 100k+ symbols should not mean 100k+ mallocs. */
static char *store_name(struct lc_symbols *syms, const char *name, size_t len)
{
	if (len + 1 > syms->block_left) {
		size_t size = len + 1 > STRING_BLOCK ? len + 1 : STRING_BLOCK;
		char *block = malloc(size);
		if (!block || !lc_grow((void **)&syms->string_blocks, &syms->blocks_capacity,
				       syms->nblocks + 1, sizeof(char *))) {
			free(block);
			return NULL;
		}
		syms->string_blocks[syms->nblocks++] = block;
		syms->block_cursor = block;
		syms->block_left = size;
	}
	char *s = syms->block_cursor;
	memcpy(s, name, len);
	s[len] = '\0';
	syms->block_cursor += len + 1;
	syms->block_left -= len + 1;
	return s;
}

struct lc_error *lc_symbols_add(struct lc_symbols *syms, uint64_t address, const char *name,
				size_t name_len, char type, const char *module)
{
	if (!lc_grow((void **)&syms->syms, &syms->capacity, syms->count + 1, sizeof(*syms->syms)))
		return lc_error_nomem;
	char *stored = store_name(syms, name, name_len);
	if (!stored)
		return lc_error_nomem;
	syms->syms[syms->count++] = (struct lc_symbol){
		.address = address,
		.name = stored,
		.module = module,
		.type = type,
	};
	syms->sorted = false;
	return NULL;
}

/*
 * Linker labels mark where a section starts or ends ("__sched_text_start",
 * "_stext"); a function at the same address is the better name for code there.
 */
static bool is_linker_label(const char *name)
{
	size_t len = strlen(name);
	if (name[0] == '_' && name[1] == '_' &&
	    ((len > 6 && !strcmp(name + len - 6, "_start")) ||
	     (len > 4 && !strcmp(name + len - 4, "_end"))))
		return true;
	return !strcmp(name, "_stext") || !strcmp(name, "_etext") || !strcmp(name, "_text") ||
	       !strcmp(name, "_sinittext") || !strcmp(name, "_einittext");
}

int lc_symbol_preference(const struct lc_symbol *x, const struct lc_symbol *y)
{
	/* Global names first, then real functions/objects before section labels. */
	int gx = isupper((unsigned char)x->type), gy = isupper((unsigned char)y->type);
	if (gx != gy)
		return gy - gx;
	bool lx = is_linker_label(x->name), ly = is_linker_label(y->name);
	if (lx != ly)
		return lx - ly;
	/*
	 * arm64 links its nVHE hypervisor code against kernel symbols through
	 * aliases (__kvm_nvhe_panic = panic, image-vars.h KVM_NVHE_ALIAS): the
	 * kernel's own name is the one a kernel stack means.
	 */
	bool kx = !strncmp(x->name, "__kvm_nvhe_", 11), ky = !strncmp(y->name, "__kvm_nvhe_", 11);
	if (kx != ky)
		return kx - ky;
	return strcmp(x->name, y->name);
}

static int cmp_address(const void *a, const void *b)
{
	const struct lc_symbol *x = a, *y = b;
	if (x->address != y->address)
		return x->address < y->address ? -1 : 1;
	/* Among aliases, the preferred name sorts first so lookups show it. */
	return lc_symbol_preference(x, y);
}

static bool is_global(char type)
{
	return isupper((unsigned char)type);
}

struct lc_error *lc_symbols_finalize(struct lc_symbols *syms)
{
	if (syms->lazy_ops)
		return NULL;
	qsort(syms->syms, syms->count, sizeof(*syms->syms), cmp_address);
	/*
	 * Size to the next distinct address (the last symbol gets a page). One
	 * pass from the end: thousands of aliases may share an address (absolute
	 * and section symbols), and scanning ahead from each was quadratic.
	 * Absolute symbols ('a') are constants, not places: one far above the
	 * image (ppc64's test_feature at ~0) made _end span the per-CPU areas
	 * and modules, so they never end the symbol before them.
	 */
	uint64_t next = 0;
	bool have_next = false;
	for (size_t i = syms->count; i-- > 0;) {
		struct lc_symbol *sym = &syms->syms[i];
		const struct lc_symbol *after = i + 1 < syms->count ? &syms->syms[i + 1] : NULL;
		if (after && after->address != sym->address && tolower((unsigned char)after->type) != 'a') {
			next = after->address;
			have_next = true;
		}
		sym->size = lc_symbol_size(
			sym->name, have_next && next > sym->address ? next - sym->address : 0);
	}
	lc_strmap_deinit(&syms->by_name);
	/* Size the index once: growing it step by step would rehash 100k+ names repeatedly. */
	struct lc_error *rerr = lc_strmap_reserve(&syms->by_name, syms->count);
	if (rerr)
		return rerr;
	for (size_t i = 0; i < syms->count; i++) {
		uintptr_t prev;
		const struct lc_symbol *s = &syms->syms[i];
		if (lc_strmap_get(&syms->by_name, s->name, &prev)) {
			const struct lc_symbol *p = &syms->syms[prev - 1];
			/* Keep vmlinux over modules, and global over local. */
			if ((p->module == NULL && s->module != NULL) ||
			    (is_global(p->type) || !is_global(s->type)))
				continue;
		}
		struct lc_error *err = lc_strmap_set(&syms->by_name, s->name, i + 1);
		if (err)
			return err;
	}
	syms->sorted = true;
	return NULL;
}

const struct lc_symbol *lc_symbols_find(const struct lc_symbols *syms, const char *name)
{
	if (syms->lazy_ops)
		return syms->lazy_ops->find(syms->lazy, name);
	uintptr_t idx;
	if (!lc_strmap_get(&syms->by_name, name, &idx))
		return NULL;
	return &syms->syms[idx - 1];
}

uint64_t lc_symbol_size(const char *name, uint64_t gap)
{
	if (name && !strcmp(name, "__per_cpu_end"))
		return 0;
	return gap ? gap : 4096;
}

bool lc_symbol_base_is(const char *symbol, const char *name)
{
	if (!symbol || !name)
		return false;
	size_t len = strcspn(symbol, ".");
	return strlen(name) == len && !memcmp(symbol, name, len);
}

const struct lc_symbol *lc_symbols_lookup(const struct lc_symbols *syms, uint64_t address)
{
	if (syms->lazy_ops)
		return syms->lazy_ops->lookup(syms->lazy, address);
	size_t lo = 0, hi = syms->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (syms->syms[mid].address <= address)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct lc_symbol *s = &syms->syms[lo - 1];
	/* Step back to the first alias, which sorting made the preferred one. */
	while (s > syms->syms && (s - 1)->address == s->address)
		s--;
	if (address - s->address >= s->size)
		return NULL;
	return s;
}

struct lc_error *lc_symbols_relocate(struct lc_symbols *syms, uint64_t offset)
{
	if (!offset || syms->lazy_ops)
		return NULL;
	/*
	 * x86_64 links per-CPU variables at offsets from 0 (.data..percpu at
	 * address 0): KASLR does not move them. Elsewhere __per_cpu_start is a
	 * kernel address and they move with the rest.
	 */
	const struct lc_symbol *pcs = lc_symbols_find(syms, "__per_cpu_start");
	const struct lc_symbol *pce = lc_symbols_find(syms, "__per_cpu_end");
	uint64_t pc_end = pcs && pcs->address == 0 && pce ? pce->address : 0;
	for (size_t i = 0; i < syms->count; i++) {
		struct lc_symbol *sym = &syms->syms[i];
		if (sym->module || sym->type == 'A' || sym->type == 'a' ||
		    (pc_end && sym->address <= pc_end))
			continue;
		sym->address += offset;
	}
	/* Absolute symbols among relocated ones may now be out of order. */
	return lc_symbols_finalize(syms);
}

struct lc_error *lc_symbols_load_system_map(struct lc_symbols *syms, const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return lc_error_create(LC_ERR_OS, "cannot open '%s': %s", path, strerror(errno));
	/* A System.map compressed with zstd (how a test keeps one in git) is read inflated. */
	static const unsigned char zstd_magic[4] = {0x28, 0xb5, 0x2f, 0xfd};
	unsigned char magic[4];
	void *inflated = NULL;
	if (fread(magic, 1, sizeof(magic), f) == sizeof(magic) &&
	    !memcmp(magic, zstd_magic, sizeof(magic))) {
		fclose(f);
		size_t size;
		/* Debian's amd64 6.1 System.map is 4 MiB: far below this bound. */
		struct lc_error *err = lc_cache_read(path, 256u << 20, &inflated, &size);
		if (err)
			return lc_error_prefix(err, "reading System.map");
		f = fmemopen(inflated, size, "r");
		if (!f) {
			free(inflated);
			return lc_error_nomem;
		}
	} else {
		rewind(f);
	}
	char line[1024];
	size_t lineno = 0, added = 0;
	struct lc_error *err = NULL;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *end;
		errno = 0;
		unsigned long long addr = strtoull(line, &end, 16);
		if (errno || end == line || *end != ' ' || !end[1] || end[2] != ' ')
			continue;
		char type = end[1];
		char *name = end + 3;
		size_t len = strcspn(name, " \t\r\n");
		if (!len)
			continue;
		err = lc_symbols_add(syms, addr, name, len, type, NULL);
		if (err)
			break;
		added++;
	}
	fclose(f);
	free(inflated);
	if (!err && added == 0)
		err = lc_error_create(LC_ERR_FORMAT, "'%s' is not a System.map (no symbol lines)",
				      path);
	return err;
}
