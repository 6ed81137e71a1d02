// SPDX-License-Identifier: LGPL-2.1-or-later
#include <ctype.h>
#include <stdio.h>

#include "linux/modules.h"
#include "program.h"
#include "read.h"

enum {
	MAX_MODULES = 4096,
	MAX_MODULE_SYMS = 1 << 20,
	ELF64_SYM_SIZE = 24,
	STT_OBJECT = 1,
	STT_FUNC = 2,
};

void lc_modules_destroy(struct lc_modules *mods)
{
	if (!mods)
		return;
	for (size_t i = 0; i < mods->count; i++) {
		free(mods->mods[i].syms);
		free(mods->mods[i].names);
	}
	for (size_t i = 0; i < mods->nfiles; i++) {
		free(mods->files[i].path);
		free(mods->files[i].sections);
		free(mods->files[i].section_names);
	}
	free(mods->files);
	free(mods->mods);
	free(mods);
}

/*
 * Text and core bounds: core_layout until 6.4, then mem[MOD_TEXT],
 * mem[MOD_DATA] (commit ac3b43283923).
 */
static void read_bounds(struct lc_program *prog, struct lc_types *types, struct lc_module *m)
{
	uint64_t base = 0, text = 0, size = 0;
	struct lc_error *err;
	if (lc_types_has_member(types, "struct module", "mem")) {
		uint64_t dbase = 0, dsize = 0;
		err = lc_read_member(prog, m->address, "struct module", "mem[0].base", &base);
		if (!err)
			err = lc_read_member(prog, m->address, "struct module", "mem[0].size",
					     &text);
		if (!err)
			err = lc_read_member(prog, m->address, "struct module", "mem[2].base",
					     &dbase);
		if (!err)
			err = lc_read_member(prog, m->address, "struct module", "mem[2].size",
					     &dsize);
		if (!err && dbase > base)
			size = dbase + dsize - base;
	} else {
		err = lc_read_member(prog, m->address, "struct module", "core_layout.base", &base);
		if (!err)
			err = lc_read_member(prog, m->address, "struct module",
					     "core_layout.text_size", &text);
		if (!err)
			err = lc_read_member(prog, m->address, "struct module", "core_layout.size",
					     &size);
	}
	if (err || !base || !text || text > (1u << 30)) {
		lc_error_destroy(err);
		return;
	}
	m->text_start = base;
	m->text_end = base + text;
	if (size >= text && size <= (1u << 30)) {
		m->core_start = base;
		m->core_end = base + size;
	}
}

const struct lc_modules *lc_modules_get(struct lc_program *prog)
{
	static const struct lc_modules none;
	if (prog->modules)
		return prog->modules;
	struct lc_modules *mods = calloc(1, sizeof(*mods));
	if (!mods)
		return &none;
	prog->modules = mods;
	struct lc_types *types;
	uint64_t head, pos, list_off;
	struct lc_error *err = lc_program_types(prog, &types);
	if (!err)
		err = lc_symbol_address(prog, "modules", &head);
	if (!err)
		err = lc_types_offsetof(types, "struct module", "list", &list_off);
	if (!err)
		err = lc_read_ulong(prog, head, &pos);
	if (err) {
		lc_error_destroy(err);
		return mods;
	}
	bool has_orc = lc_types_has_member(types, "struct module", "arch.num_orcs");
	struct lc_u64set seen;
	lc_u64set_init(&seen);
	size_t cap = 0;
	while (pos != head && mods->count < MAX_MODULES) {
		bool dup = false;
		if (lc_u64set_add(&seen, pos, &dup) || dup)
			break;
		struct lc_module m = {.address = pos - list_off};
		uint64_t namep;
		err = lc_member_address(prog, m.address, "struct module", "name", &namep);
		if (!err)
			err = lc_read_cstr(prog, namep, m.name, sizeof(m.name));
		if (!err) {
			read_bounds(prog, types, &m);
			if (has_orc) {
				lc_error_destroy(lc_read_member(prog, m.address, "struct module",
								"arch.num_orcs", &m.num_orcs));
				lc_error_destroy(lc_read_member(prog, m.address, "struct module",
								"arch.orc_unwind_ip", &m.orc_ip));
				lc_error_destroy(lc_read_member(prog, m.address, "struct module",
								"arch.orc_unwind", &m.orc));
			}
			if (lc_grow((void **)&mods->mods, &cap, mods->count + 1, sizeof(m)))
				mods->mods[mods->count++] = m;
		}
		lc_error_destroy(err);
		err = lc_read_ulong(prog, pos, &pos);
		if (err) {
			lc_error_destroy(err);
			break;
		}
	}
	lc_u64set_deinit(&seen);
	return mods;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct lc_symbol *x = a, *y = b;
	return x->address < y->address ? -1 : x->address > y->address;
}

/* The module's own symtab (mod->kallsyms): all a module keeps of its names. */
static void load_symbols(struct lc_program *prog, struct lc_module *m)
{
	m->syms_loaded = true;
	uint64_t ks, symtab, num, strtab;
	struct lc_error *err = lc_read_member(prog, m->address, "struct module", "kallsyms", &ks);
	if (!err)
		err = lc_read_member(prog, ks, "struct mod_kallsyms", "symtab", &symtab);
	if (!err)
		err = lc_read_member(prog, ks, "struct mod_kallsyms", "num_symtab", &num);
	if (!err)
		err = lc_read_member(prog, ks, "struct mod_kallsyms", "strtab", &strtab);
	if (err || num > MAX_MODULE_SYMS) {
		lc_error_destroy(err);
		return;
	}
	lc_autofree uint8_t *raw = malloc(num * ELF64_SYM_SIZE + 1);
	lc_autofree size_t *name_off = calloc(num + 1, sizeof(*name_off));
	struct lc_symbol *syms = calloc(num + 1, sizeof(*syms));
	char *names = NULL;
	size_t names_cap = 0, names_len = 0, n = 0;
	if (!raw || !name_off || !syms)
		goto fail;
	err = lc_read(prog, symtab, raw, num * ELF64_SYM_SIZE);
	if (err) {
		lc_error_destroy(err);
		goto fail;
	}
	for (uint64_t i = 0; i < num; i++) {
		const uint8_t *s = raw + i * ELF64_SYM_SIZE;
		uint32_t st_name = (uint32_t)lc_decode_uint(prog, s, 4);
		unsigned type = s[4] & 0xf;
		uint16_t shndx = (uint16_t)lc_decode_uint(prog, s + 6, 2);
		uint64_t value = lc_decode_uint(prog, s + 8, 8);
		uint64_t size = lc_decode_uint(prog, s + 16, 8);
		/* Undefined symbols carry the resolved kernel address once loaded: skip them. */
		if ((type != STT_OBJECT && type != STT_FUNC) || !value || !shndx)
			continue;
		char name[128];
		err = lc_read_cstr(prog, strtab + st_name, name, sizeof(name));
		if (err || !name[0]) {
			lc_error_destroy(err);
			continue;
		}
		size_t len = strlen(name) + 1;
		if (!lc_grow((void **)&names, &names_cap, names_len + len, 1))
			goto fail;
		memcpy(names + names_len, name, len);
		name_off[n] = names_len;
		names_len += len;
		syms[n++] = (struct lc_symbol){
			.address = value,
			.size = size,
			.type = type == STT_FUNC ? 't' : 'd',
			.module = m->name,
		};
	}
	/* Names moved while growing: point at them once the block is final. */
	for (size_t i = 0; i < n; i++)
		syms[i].name = names + name_off[i];
	qsort(syms, n, sizeof(*syms), sym_cmp);
	m->syms = syms;
	m->nsyms = n;
	m->names = names;
	return;
fail:
	free(syms);
	free(names);
}

const struct lc_module *lc_module_by_text(struct lc_program *prog, uint64_t addr)
{
	const struct lc_modules *mods = lc_modules_get(prog);
	for (size_t i = 0; i < mods->count; i++) {
		if (addr >= mods->mods[i].text_start && addr < mods->mods[i].text_end)
			return &mods->mods[i];
	}
	return NULL;
}

const struct lc_module *lc_module_by_address(struct lc_program *prog, uint64_t addr)
{
	const struct lc_modules *mods = lc_modules_get(prog);
	for (size_t i = 0; i < mods->count; i++) {
		const struct lc_module *m = &mods->mods[i];
		uint64_t start = m->core_start ? m->core_start : m->text_start;
		uint64_t end = m->core_end ? m->core_end : m->text_end;
		if (addr >= start && addr < end)
			return m;
	}
	return NULL;
}

const struct lc_symbol *lc_module_symbol(struct lc_program *prog, const struct lc_module *cmod,
					 uint64_t addr)
{
	/* The lazily loaded symtab is cache state of an otherwise read-only module. */
	struct lc_module *m = (struct lc_module *)cmod;
	if (!m->syms_loaded)
		load_symbols(prog, m);
	size_t lo = 0, hi = m->nsyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->syms[mid].address <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	const struct lc_symbol *s = &m->syms[lo - 1];
	/* Module symtabs carry real sizes; past the end is padding or a stripped symbol. */
	if (s->size && addr - s->address >= s->size)
		return NULL;
	/* Assembly functions often have no size; objects without one match exactly only. */
	if (!s->size && tolower((unsigned char)s->type) != 't' && addr != s->address)
		return NULL;
	return s;
}

const struct lc_symbol *lc_modules_symbol(struct lc_program *prog, uint64_t addr)
{
	const struct lc_module *m = lc_module_by_address(prog, addr);
	return m ? lc_module_symbol(prog, m, addr) : NULL;
}
