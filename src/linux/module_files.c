// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Module symbols from the module's own file (-m FILE.ko).
 *
 * Without CONFIG_KALLSYMS_ALL a loaded module keeps only its functions in
 * memory (kernel/module/kallsyms.c, is_core_symbol()): its variables, and so
 * its locks, have no name in the dump. The .ko has them all, relative to its
 * sections. Each section's load address comes, in order of trust, from:
 *
 *  - the module's sect_attrs (/sys/module/NAME/sections), when the dump has it;
 *  - exact anchors in the dump: struct module itself is .gnu.linkonce.this_module,
 *    struct module's pointers to sections (kp is __param, jump_entries is
 *    __jump_table, ...), and every symbol the module kept in memory (its
 *    st_shndx and relocated st_value give its section's address);
 *  - the kernel's layout of the remaining sections (kernel/module/main.c,
 *    layout_sections()), only in a region where it reproduces every anchor.
 *
 * The file must be the loaded build: vermagic, srcversion and build-id are
 * compared where the dump has them, and every symbol kept in memory must be
 * in the file with the same section, offset and size. A mismatch refuses it.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include <elf.h>

#include "linux/kernel.h"
#include "linux/modules.h"
#include "module_elf.h"
#include "program.h"
#include "read.h"

enum {
	MAX_MEM_SYMS = 1 << 20,
	ELF64_SYM_SIZE = 24,
	MAX_NAME = 128,
	MAX_DIR_DEPTH = 8,
	MAX_DIR_ENTRIES = 1 << 20,
};

/* include/uapi/linux/elf.h: set by the kernel on .data..ro_after_init and __jump_table. */
#define SHF_RO_AFTER_INIT_BIT 0x00200000ull

enum region { R_NONE = -1, R_TEXT, R_RO, R_ROAI, R_RW, R_COUNT };
static const char *const region_names[R_COUNT] = {"text", "read-only data", "ro_after_init data",
						  "data"};

/* One section as the kernel lays it out (after its load-time changes). */
struct place {
	uint64_t flags, size, align;
	bool size_known; /* false where the architecture resizes it at load time */
	bool init;	 /* in the init allocation (freed after init) */
	bool percpu;
	int region;
	uint64_t addr;		 /* 0 while unknown */
	const char *from, *what; /* how addr is known, for messages and info */
};

struct mem_sym {
	uint64_t value, size;
	uint32_t shndx;
	uint8_t type;
	size_t name_off;
};

struct job {
	struct lc_program *prog;
	struct lc_types *types;
	struct lc_module *mod;
	struct lc_ko *ko;
	struct lc_module_file *out;
	struct place *pl;
	uint64_t rbase[R_COUNT], rstart[R_COUNT], rend[R_COUNT];
	bool rknown[R_COUNT];
	uint64_t live[8][2];
	size_t nlive;
	const char *layout_why; /* why the regions are unknown */
	struct mem_sym *ms;
	size_t nms;
	char *mnames;
	const char *mem_why;	  /* why the symbols in memory could not be read */
	struct lc_strmap by_name; /* .ko symbol name -> index + 1 of its first */
	size_t *next_same;	  /* index + 1 of the next .ko symbol of the same name */
	size_t checked;		  /* symbols in memory found equal in the file */
	bool build_id_checked, srcversion_checked;
};

static struct lc_error *mismatch(struct job *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static struct lc_error *mismatch(struct job *j, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return lc_error_create(LC_ERR_MISMATCH, "'%s' does not match the loaded module %s: %s",
			       j->ko->path, j->mod->name, what);
}

static void note(struct job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct job *j, const char *fmt, ...)
{
	char text[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	lc_text_appendf(j->out->note, sizeof(j->out->note), "%s%s", j->out->note[0] ? "; " : "",
			text);
}

static const char *sec_name(const struct job *j, size_t i)
{
	return j->ko->sections[i].name[0] ? j->ko->sections[i].name : "(unnamed)";
}

/* ---- the kernel's view of the file's sections ---- */

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* The first section of that name still SHF_ALLOC after the kernel's changes (find_sec()). */
static size_t find_alloc(const struct job *j, const char *name)
{
	for (size_t i = 1; i < j->ko->nsections; i++) {
		if ((j->pl[i].flags & SHF_ALLOC) && !strcmp(j->ko->sections[i].name, name))
			return i;
	}
	return 0;
}

/*
 * Flags, sizes and regions as layout_sections() sees them: load_module()
 * and the architecture change a few before laying out (kernel/module/main.c
 * rewrite_section_headers() and layout_and_allocate(), 5.10 to 6.12).
 */
static void classify(struct job *j)
{
	const struct lc_ko *ko = j->ko;
	uint16_t machine = j->prog->arch->elf_machine;
	/* Without CONFIG_MODULE_UNLOAD .exit goes with init (module_init_layout_section()). */
	bool unload = lc_types_has_member(j->types, "struct module", "refcnt");
	for (size_t i = 1; i < ko->nsections; i++) {
		const struct lc_ko_section *s = &ko->sections[i];
		struct place *p = &j->pl[i];
		p->flags = s->flags;
		p->size = s->size;
		p->align = s->align;
		p->size_known = true;
		/* .modinfo and __versions are never loaded. */
		if (!strcmp(s->name, ".modinfo") || !strcmp(s->name, "__versions"))
			p->flags &= ~(uint64_t)SHF_ALLOC;
		/* arm64 module-plts.c module_frob_arch_sections(): sized by relocations */
		if (machine == EM_AARCH64 &&
		    (!strcmp(s->name, ".plt") || !strcmp(s->name, ".init.plt") ||
		     !strcmp(s->name, ".text.ftrace_trampoline"))) {
			p->flags = SHF_EXECINSTR | SHF_ALLOC;
			p->size_known = false;
		}
		/* arch/powerpc/kernel/module_64.c: .stubs sized at load, .toc aligned to 8 */
		if (machine == EM_PPC64 && !strcmp(s->name, ".stubs"))
			p->size_known = false;
		if (machine == EM_PPC64 && !strcmp(s->name, ".toc") && p->align < 8)
			p->align = 8;
		/* powerpc's module_init_section() is false: its .init sections stay in core */
		if (machine == EM_PPC64)
			p->init = !unload && starts_with(s->name, ".exit");
		else
			p->init = starts_with(s->name, ".init") ||
				  (!unload && starts_with(s->name, ".exit"));
	}
	/* Per-CPU data is copied to the per-CPU areas, not laid out with the module. */
	size_t pcpu = find_alloc(j, ".data..percpu");
	if (pcpu) {
		j->pl[pcpu].flags &= ~(uint64_t)SHF_ALLOC;
		j->pl[pcpu].percpu = true;
	}
	static const char *const roai[] = {".data..ro_after_init", "__jump_table"};
	for (size_t k = 0; k < LC_ARRAY_SIZE(roai); k++) {
		size_t i = find_alloc(j, roai[k]);
		if (i)
			j->pl[i].flags |= SHF_RO_AFTER_INIT_BIT;
	}
	for (size_t i = 1; i < ko->nsections; i++) {
		struct place *p = &j->pl[i];
		uint64_t f = p->flags;
		if (!(f & SHF_ALLOC))
			p->region = R_NONE;
		else if (f & SHF_EXECINSTR)
			p->region = R_TEXT;
		else if (!(f & SHF_WRITE))
			p->region = R_RO;
		else if (f & SHF_RO_AFTER_INIT_BIT)
			p->region = R_ROAI;
		else
			p->region = R_RW;
	}
}

/* ---- the module in memory ---- */

static uint64_t member(struct job *j, const char *path, bool *ok)
{
	uint64_t v = 0;
	struct lc_error *err = lc_read_member(j->prog, j->mod->address, "struct module", path, &v);
	if (err) {
		*ok = false;
		lc_error_destroy(err);
	}
	return v;
}

static void add_live(struct job *j, uint64_t base, uint64_t size)
{
	if (base && size && size <= (1ull << 30) && j->nlive < LC_ARRAY_SIZE(j->live)) {
		j->live[j->nlive][0] = base;
		j->live[j->nlive][1] = base + size;
		j->nlive++;
	}
}

/* Where each region of the module lies: core_layout until 6.4, then mem[] (commit ac3b43283923). */
static void read_regions(struct job *j)
{
	bool ok = true;
	if (lc_types_has_member(j->types, "struct module", "mem")) {
		static const struct {
			const char *name;
			int region;
		} types[] = {{"MOD_TEXT", R_TEXT},	    {"MOD_RODATA", R_RO},
			     {"MOD_RO_AFTER_INIT", R_ROAI}, {"MOD_DATA", R_RW},
			     {"MOD_INIT_TEXT", R_NONE},	    {"MOD_INIT_DATA", R_NONE},
			     {"MOD_INIT_RODATA", R_NONE}};
		for (size_t k = 0; k < LC_ARRAY_SIZE(types); k++) {
			int64_t v;
			char path[64];
			struct lc_error *err = lc_types_enum_value(j->types, "enum mod_mem_type",
								   types[k].name, &v);
			if (err || v < 0 || v > 16) {
				lc_error_destroy(err);
				continue;
			}
			bool rok = true;
			snprintf(path, sizeof(path), "mem[%d].base", (int)v);
			uint64_t base = member(j, path, &rok);
			snprintf(path, sizeof(path), "mem[%d].size", (int)v);
			uint64_t size = member(j, path, &rok);
			if (!rok)
				continue;
			add_live(j, base, size);
			int r = types[k].region;
			if (r != R_NONE && base) {
				j->rbase[r] = base;
				j->rstart[r] = 0;
				j->rend[r] = size;
				j->rknown[r] = true;
			}
		}
		return;
	}
	uint64_t base = member(j, "core_layout.base", &ok);
	uint64_t size = member(j, "core_layout.size", &ok);
	uint64_t text = member(j, "core_layout.text_size", &ok);
	uint64_t ro = member(j, "core_layout.ro_size", &ok);
	bool rok = true;
	uint64_t roai = member(j, "core_layout.ro_after_init_size", &rok);
	if (!rok)
		roai = ro; /* before 4.8 nothing was ro_after_init */
	bool iok = true;
	uint64_t ibase = member(j, "init_layout.base", &iok);
	uint64_t isize = member(j, "init_layout.size", &iok);
	if (iok)
		add_live(j, ibase, isize);
	if (!ok || !base) {
		j->layout_why = "struct module's core_layout is unreadable";
		return;
	}
	add_live(j, base, size);
	if (lc_types_has_member(j->types, "struct module", "data_layout")) {
		/* CONFIG_ARCH_WANTS_MODULES_DATA_IN_VMALLOC (32-bit powerpc): data elsewhere */
		bool dok = true;
		add_live(j, member(j, "data_layout.base", &dok),
			 member(j, "data_layout.size", &dok));
		j->layout_why = "the module's data has its own allocation (data_layout)";
		return;
	}
	if (!(text <= ro && ro <= roai && roai <= size && size <= (1ull << 30))) {
		j->layout_why = "struct module's core_layout sizes are inconsistent";
		return;
	}
	/* Offsets run on from one region to the next (module_get_offset()). */
	uint64_t bounds[R_COUNT + 1] = {0, text, ro, roai, size};
	for (int r = 0; r < R_COUNT; r++) {
		j->rbase[r] = base;
		j->rstart[r] = bounds[r];
		j->rend[r] = bounds[r + 1];
		j->rknown[r] = true;
	}
}

static bool is_live(const struct job *j, uint64_t addr)
{
	for (size_t i = 0; i < j->nlive; i++) {
		if (addr >= j->live[i][0] && addr < j->live[i][1])
			return true;
	}
	return false;
}

/* The symbols the module kept in memory (mod->kallsyms), with their section indexes. */
static void read_mem_symbols(struct job *j)
{
	uint64_t ks, symtab, num, strtab;
	struct lc_error *err =
		lc_read_member(j->prog, j->mod->address, "struct module", "kallsyms", &ks);
	if (!err)
		err = lc_read_member(j->prog, ks, "struct mod_kallsyms", "symtab", &symtab);
	if (!err)
		err = lc_read_member(j->prog, ks, "struct mod_kallsyms", "num_symtab", &num);
	if (!err)
		err = lc_read_member(j->prog, ks, "struct mod_kallsyms", "strtab", &strtab);
	if (err || num > MAX_MEM_SYMS || j->prog->ptr_size != 8) {
		lc_error_destroy(err);
		j->mem_why = "its symbol table in memory is unreadable";
		return;
	}
	lc_autofree uint8_t *raw = malloc(num * ELF64_SYM_SIZE + 1);
	j->ms = calloc(num + 1, sizeof(*j->ms));
	size_t cap = 0, len = 0;
	if (!raw || !j->ms)
		goto fail;
	err = lc_read(j->prog, symtab, raw, num * ELF64_SYM_SIZE);
	if (err)
		goto fail;
	for (uint64_t i = 1; i < num; i++) {
		const uint8_t *s = raw + i * ELF64_SYM_SIZE;
		uint32_t st_name = (uint32_t)lc_decode_uint(j->prog, s, 4);
		char name[MAX_NAME];
		err = lc_read_cstr(j->prog, strtab + st_name, name, sizeof(name));
		if (err)
			goto fail;
		if (!name[0])
			continue;
		size_t n = strlen(name) + 1;
		if (!lc_grow((void **)&j->mnames, &cap, len + n, 1))
			goto fail;
		memcpy(j->mnames + len, name, n);
		j->ms[j->nms++] = (struct mem_sym){
			.value = lc_decode_uint(j->prog, s + 8, 8),
			.size = lc_decode_uint(j->prog, s + 16, 8),
			.shndx = (uint32_t)lc_decode_uint(j->prog, s + 6, 2),
			.type = s[4] & 0xf,
			.name_off = len,
		};
		len += n;
	}
	return;
fail:
	lc_error_destroy(err);
	free(j->ms);
	free(j->mnames);
	j->ms = NULL;
	j->mnames = NULL;
	j->nms = 0;
	j->mem_why = "its symbol table in memory is unreadable";
}

/* ---- placing sections ---- */

/* How a section's address is known, for messages: "sect_attrs", "symbol foo", ... */
static const char *source_text(const struct place *p, char *buf, size_t size)
{
	if (!strcmp(p->from, "struct module") && p->what[0])
		lc_text_printf(buf, size, "struct module's %s", p->what);
	else
		lc_text_printf(buf, size, "%s%s%s", p->from, p->what[0] ? " " : "", p->what);
	return buf;
}

static struct lc_error *anchor(struct job *j, size_t sec, uint64_t addr, const char *from,
			       const char *what)
{
	struct place *p = &j->pl[sec];
	char buf[160], buf2[160];
	struct place q = {.from = from, .what = what};
	if (p->addr && p->addr != addr)
		return mismatch(j, "%s puts section %s at 0x%" PRIx64 ", %s at 0x%" PRIx64,
				source_text(&q, buf2, sizeof(buf2)), sec_name(j, sec), addr,
				source_text(p, buf, sizeof(buf)), p->addr);
	if (!p->addr) {
		p->addr = addr;
		p->from = from;
		p->what = what;
	}
	return NULL;
}

/*
 * /sys/module/NAME/sections: one (name, address) per loaded, non-empty
 * section in section order (kernel/module/sysfs.c add_sect_attrs()).
 * All or nothing: *why says why not.
 */
static bool read_sect_attrs(struct job *j, const char **why)
{
	struct lc_types *t = j->types;
	if (!lc_types_has_member(t, "struct module", "sect_attrs")) {
		*why = "struct module has no sect_attrs (CONFIG_KALLSYMS or SYSFS unset)";
		return false;
	}
	uint64_t sa, n, attrs_off, esize, name_off, addr_off;
	struct lc_error *err =
		lc_read_member(j->prog, j->mod->address, "struct module", "sect_attrs", &sa);
	if (!err && !sa)
		err = lc_error_create(LC_ERR_LOOKUP, "no sect_attrs");
	if (!err)
		err = lc_read_member(j->prog, sa, "struct module_sect_attrs", "nsections", &n);
	if (!err)
		err = lc_types_offsetof(t, "struct module_sect_attrs", "attrs", &attrs_off);
	if (!err)
		err = lc_types_sizeof(t, "struct module_sect_attr", &esize);
	if (!err)
		err = lc_types_offsetof(t, "struct module_sect_attr", "battr.attr.name", &name_off);
	if (!err)
		err = lc_types_offsetof(t, "struct module_sect_attr", "address", &addr_off);
	if (!err && (n > j->ko->nsections || !esize))
		err = lc_error_create(LC_ERR_BAD_DATA, "sect_attrs has %" PRIu64 " sections", n);
	if (err) {
		*why = "its sect_attrs are not in the dump";
		lc_error_destroy(err);
		return false;
	}
	struct attr {
		char name[64];
		uint64_t address;
	};
	lc_autofree struct attr *a = calloc(n + 1, sizeof(*a));
	if (!a) {
		*why = "out of memory";
		return false;
	}
	for (uint64_t k = 0; k < n && !err; k++) {
		uint64_t e = sa + attrs_off + k * esize, namep;
		err = lc_read_ulong(j->prog, e + name_off, &namep);
		if (!err)
			err = lc_read_cstr(j->prog, namep, a[k].name, sizeof(a[k].name));
		if (!err)
			err = lc_read_ulong(j->prog, e + addr_off, &a[k].address);
	}
	if (err) {
		*why = "its sect_attrs are not in the dump";
		lc_error_destroy(err);
		return false;
	}
	/*
	 * Pair by name, the k-th of a name with the k-th loaded section of that
	 * name; a name whose counts differ is left to the other sources.
	 */
	for (uint64_t k = 0; k < n; k++) {
		size_t occurrence = 0, attrs_named = 0, secs_named = 0, sec = 0;
		for (uint64_t m = 0; m < n; m++) {
			if (!strcmp(a[m].name, a[k].name)) {
				occurrence += m < k;
				attrs_named++;
			}
		}
		for (size_t i = 1; i < j->ko->nsections; i++) {
			const struct place *p = &j->pl[i];
			if (!(p->flags & SHF_ALLOC) || (p->size_known && !p->size) ||
			    strcmp(j->ko->sections[i].name, a[k].name) != 0)
				continue;
			if (secs_named++ == occurrence)
				sec = i;
		}
		if (!sec || secs_named != attrs_named || !a[k].address)
			continue;
		j->pl[sec].addr = a[k].address;
		j->pl[sec].from = "sect_attrs";
		j->pl[sec].what = "";
	}
	return true;
}

/* struct module's pointers to its sections (kernel/module/main.c find_module_sections()). */
static struct lc_error *member_anchors(struct job *j)
{
	static const struct {
		const char *member, *section;
	} table[] = {
		{"kp", "__param"},
		{"syms", "__ksymtab"},
		{"gpl_syms", "__ksymtab_gpl"},
		{"crcs", "__kcrctab"},
		{"gpl_crcs", "__kcrctab_gpl"},
		{"extable", "__ex_table"},
		{"jump_entries", "__jump_table"},
		{"bug_table", "__bug_table"},
		{"tracepoints_ptrs", "__tracepoints_ptrs"},
		{"srcu_struct_ptrs", "___srcu_struct_ptrs"},
		{"bpf_raw_events", "__bpf_raw_tp_map"},
		{"trace_events", "_ftrace_events"},
		{"trace_evals", "_ftrace_eval_map"},
		{"trace_bprintk_fmt_start", "__trace_printk_fmt"},
		{"ei_funcs", "_error_injection_whitelist"},
		{"kprobe_blacklist", "_kprobe_blacklist"},
		{"printk_index_start", ".printk_index"},
		{"static_call_sites", ".static_call_sites"},
		{"kunit_suites", ".kunit_test_suites"},
		{"noinstr_text_start", ".noinstr.text"},
		{"kprobes_text_start", ".kprobes.text"},
		/*
		 * FTRACE_CALLSITE_SECTION is one of two by kernel configuration;
		 * a file that has both (x86 6.12: call padding) says nothing.
		 */
		{"ftrace_callsites", "__patchable_function_entries"},
		{"ftrace_callsites", "__mcount_loc"},
	};
	bool two_callsites =
		find_alloc(j, "__patchable_function_entries") && find_alloc(j, "__mcount_loc");
	/* The struct module in memory is the file's .gnu.linkonce.this_module, moved. */
	size_t this_module = find_alloc(j, ".gnu.linkonce.this_module");
	if (!this_module)
		return lc_error_create(LC_ERR_FORMAT,
				       "'%s' has no .gnu.linkonce.this_module: not a kernel module",
				       j->ko->path);
	struct lc_error *err = anchor(j, this_module, j->mod->address, "struct module", "");
	bool callsites_done = false;
	for (size_t k = 0; k < LC_ARRAY_SIZE(table) && !err; k++) {
		if (!strcmp(table[k].member, "ftrace_callsites") &&
		    (callsites_done || two_callsites))
			continue;
		size_t sec = find_alloc(j, table[k].section);
		if (!sec || !lc_types_has_member(j->types, "struct module", table[k].member))
			continue;
		bool ok = true;
		uint64_t v = member(j, table[k].member, &ok);
		if (!ok || !v)
			continue;
		callsites_done |= !strcmp(table[k].member, "ftrace_callsites");
		err = anchor(j, sec, v, "struct module", table[k].member);
	}
	return err;
}

/* The .ko symbol matching one kept in memory, or NULL with *why set. */
static const struct lc_ko_symbol *match_symbol(struct job *j, const struct mem_sym *m,
					       const char *name, const char **why)
{
	uintptr_t first;
	*why = "is not in the file";
	if (!lc_strmap_get(&j->by_name, name, &first))
		return NULL;
	const struct lc_ko_symbol *any = NULL, *best = NULL;
	for (size_t i = first; i; i = j->next_same[i - 1]) {
		const struct lc_ko_symbol *k = &j->ko->symbols[i - 1];
		if (k->shndx != m->shndx || k->type != m->type) {
			*why = "is in another section of the file";
			continue;
		}
		if (!any)
			any = k;
		const struct place *p = &j->pl[m->shndx];
		if (!p->addr || p->addr + k->value == m->value) {
			best = k;
			break;
		}
	}
	return best ? best : any;
}

/*
 * Every symbol kept in memory must be the file's: same name, section, size
 * and offset. Each also places its section exactly.
 */
static struct lc_error *check_mem_symbols(struct job *j)
{
	for (size_t i = 0; i < j->nms; i++) {
		const struct mem_sym *m = &j->ms[i];
		const char *name = j->mnames + m->name_off;
		if (m->shndx == SHN_UNDEF || m->shndx >= SHN_LORESERVE)
			continue;
		if (m->shndx >= j->ko->nsections)
			return mismatch(j,
					"its symbol %s is in section %" PRIu32
					", the file has %zu sections",
					name, m->shndx, j->ko->nsections);
		struct place *p = &j->pl[m->shndx];
		/* KALLSYMS_ALL keeps per-CPU symbols, relocated into the per-CPU area. */
		if (p->percpu)
			continue;
		const char *why;
		const struct lc_ko_symbol *k = match_symbol(j, m, name, &why);
		if (!k)
			return mismatch(j, "its symbol %s (in %s) %s", name, sec_name(j, m->shndx),
					why);
		if (k->size != m->size)
			return mismatch(j,
					"%s is 0x%" PRIx64 " bytes in the file, 0x%" PRIx64
					" in the dump",
					name, k->size, m->size);
		char buf[160];
		if (p->addr && p->addr + k->value != m->value)
			return mismatch(j,
					"%s is at %s+0x%" PRIx64 " in the file, %s+0x%" PRIx64
					" in the dump (section placed by %s)",
					name, sec_name(j, m->shndx), k->value,
					sec_name(j, m->shndx), m->value - p->addr,
					source_text(p, buf, sizeof(buf)));
		if (!p->addr) {
			p->addr = m->value - k->value;
			p->from = "symbol";
			p->what = k->name;
		}
		j->checked++;
	}
	return NULL;
}

/*
 * The kernel's layout of one region: its sections in section order, each
 * aligned (module_get_offset()). Used for the region's unplaced sections
 * only when it reproduces every section placed otherwise, and there is one.
 */
static void layout_region(struct job *j, int r)
{
	const char *name = region_names[r];
	bool wanted = false;
	for (size_t i = 1; i < j->ko->nsections; i++)
		wanted |= j->pl[i].region == r && !j->pl[i].init && !j->pl[i].addr;
	if (!wanted)
		return;
	if (!j->rknown[r]) {
		note(j, "%s not placed: %s", name,
		     j->layout_why ? j->layout_why : "region unknown");
		return;
	}
	lc_autofree uint64_t *at = calloc(j->ko->nsections, sizeof(*at));
	if (!at)
		return;
	uint64_t off = j->rstart[r];
	size_t anchors = 0;
	for (size_t i = 1; i < j->ko->nsections; i++) {
		const struct place *p = &j->pl[i];
		if (p->region != r || p->init)
			continue;
		if (!p->size_known) {
			note(j, "%s not placed: %s is sized at load time", name, sec_name(j, i));
			return;
		}
		uint64_t align = p->align ? p->align : 1;
		if (align & (align - 1) || align > (1u << 20)) {
			note(j, "%s not placed: %s has alignment %" PRIu64, name, sec_name(j, i),
			     align);
			return;
		}
		off = (off + align - 1) & ~(align - 1);
		at[i] = j->rbase[r] + off;
		off += p->size;
		if (p->addr) {
			if (p->addr != at[i]) {
				char buf[160];
				note(j,
				     "%s not placed: the layout puts %s at 0x%" PRIx64
				     ", %s at 0x%" PRIx64,
				     name, sec_name(j, i), at[i], source_text(p, buf, sizeof(buf)),
				     p->addr);
				return;
			}
			anchors++;
		}
	}
	if (off > j->rend[r]) {
		note(j,
		     "%s not placed: its sections end past the region (0x%" PRIx64 " > 0x%" PRIx64
		     ")",
		     name, off, j->rend[r]);
		return;
	}
	/*
	 * Notes are loaded as they are in the file (never relocated): where the
	 * layout puts one, the dump must hold its bytes. That confirms a region
	 * no pointer or symbol places (read-only data of modules without
	 * parameters), when the dump has the page.
	 */
	for (size_t i = 1; i < j->ko->nsections && !anchors; i++) {
		const struct lc_ko_section *s = &j->ko->sections[i];
		if (j->pl[i].region != r || j->pl[i].init || s->type != SHT_NOTE || !s->data ||
		    !s->data_size || s->data_size > 4096)
			continue;
		uint8_t buf[4096];
		struct lc_error *err = lc_read(j->prog, at[i], buf, s->data_size);
		if (!err && !memcmp(buf, s->data, s->data_size))
			anchors++;
		lc_error_destroy(err);
	}
	if (!anchors) {
		note(j, "%s not placed: nothing in the dump confirms its layout", name);
		return;
	}
	for (size_t i = 1; i < j->ko->nsections; i++) {
		struct place *p = &j->pl[i];
		if (p->region == r && !p->init && !p->addr) {
			p->addr = at[i];
			p->from = "layout";
			p->what = "";
		}
	}
}

/* ---- identity ---- */

static const char *dump_release(struct lc_program *prog)
{
	const char *r =
		prog->has_vmcoreinfo ? lc_vmcoreinfo_get(&prog->vmcoreinfo, "OSRELEASE") : NULL;
	const struct lc_kernel *k;
	if (!r || !*r) {
		struct lc_error *err = lc_kernel_get(prog, &k);
		r = err ? NULL : k->release;
		lc_error_destroy(err);
	}
	return r && *r ? r : NULL;
}

static struct lc_error *check_vermagic(struct job *j)
{
	const char *release = dump_release(j->prog);
	const char *vm = j->ko->vermagic;
	size_t len = strcspn(vm, " ");
	if (!release || !len)
		return NULL;
	if (strlen(release) != len || strncmp(release, vm, len) != 0)
		return mismatch(j, "it was built for Linux %.*s, the dump runs %s", (int)len, vm,
				release);
	return NULL;
}

static struct lc_error *check_srcversion(struct job *j)
{
	if (!lc_types_has_member(j->types, "struct module", "srcversion"))
		return NULL;
	bool ok = true;
	uint64_t p = member(j, "srcversion", &ok);
	if (!ok)
		return NULL;
	char mem[64] = "";
	if (p) {
		struct lc_error *err = lc_read_cstr(j->prog, p, mem, sizeof(mem));
		if (err) {
			lc_error_destroy(err);
			return NULL;
		}
	}
	/* A debug-only file has no .modinfo bytes: nothing to compare. */
	size_t mi = lc_ko_find_section(j->ko, ".modinfo", 0);
	if (!mi || !j->ko->sections[mi].data)
		return NULL;
	if (strcmp(mem, j->ko->srcversion) != 0)
		return mismatch(j, "its srcversion is %s, the file's %s", mem[0] ? mem : "none",
				j->ko->srcversion[0] ? j->ko->srcversion : "none");
	j->srcversion_checked = mem[0] != 0;
	return NULL;
}

static void hex(const uint8_t *b, size_t n, char *out, size_t size)
{
	out[0] = '\0';
	for (size_t i = 0; i < n && 2 * i + 2 < size; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* The build-id note as loaded (never relocated) against the file's bytes. */
static struct lc_error *check_build_id(struct job *j)
{
	size_t sec = j->ko->build_id_section;
	const struct lc_ko_section *s = sec ? &j->ko->sections[sec] : NULL;
	if (!s || !s->data || s->data_size > 4096)
		return NULL;
	/* CONFIG_STACKTRACE_BUILD_ID keeps a copy in struct module (5.15+). */
	uint64_t id_addr;
	uint8_t id[20];
	char mem_hex[41];
	struct lc_error *err = NULL;
	if (lc_types_has_member(j->types, "struct module", "build_id") &&
	    !(err = lc_member_address(j->prog, j->mod->address, "struct module", "build_id",
				      &id_addr)) &&
	    !(err = lc_read(j->prog, id_addr, id, sizeof(id)))) {
		hex(id, sizeof(id), mem_hex, sizeof(mem_hex));
		bool zero = true;
		for (size_t i = 0; i < sizeof(id); i++)
			zero &= !id[i];
		if (!zero) {
			if (strncmp(mem_hex, j->ko->build_id, strlen(mem_hex)) != 0)
				return mismatch(j, "its build-id is %s, the file's %s", mem_hex,
						j->ko->build_id);
			j->build_id_checked = true;
		}
	}
	lc_error_destroy(err);
	if (!j->pl[sec].addr || !is_live(j, j->pl[sec].addr))
		return NULL;
	lc_autofree uint8_t *buf = malloc(s->data_size);
	if (!buf)
		return lc_error_nomem;
	err = lc_read(j->prog, j->pl[sec].addr, buf, s->data_size);
	if (err) {
		lc_error_destroy(err);
		note(j, "build-id note not in the dump");
		return NULL;
	}
	if (memcmp(buf, s->data, s->data_size) != 0) {
		/* Say the id in memory when the note's header agrees. */
		char got[129] = "";
		if (s->data_size > 16 && !memcmp(buf, s->data, 16))
			hex(buf + 16, s->data_size - 16, got, sizeof(got));
		if (got[0])
			return mismatch(j, "its build-id is %s, the file's %s", got,
					j->ko->build_id);
		return mismatch(j, "its build-id note differs from the file's (%s)",
				j->ko->build_id);
	}
	j->build_id_checked = true;
	return NULL;
}

/* ---- the symbols ---- */

static char letter(const struct place *p, const struct lc_ko_section *s, uint8_t bind)
{
	char c = p->flags & SHF_EXECINSTR ? 't'
		 : s->type == SHT_NOBITS  ? 'b'
		 : p->flags & SHF_WRITE	  ? 'd'
					  : 'r';
	return bind != STB_LOCAL ? (char)toupper((unsigned char)c) : c;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct lc_symbol *x = a, *y = b;
	if (x->address != y->address)
		return x->address < y->address ? -1 : 1;
	return lc_symbol_preference(x, y);
}

static struct lc_error *install(struct job *j)
{
	const struct lc_ko *ko = j->ko;
	size_t n = 0, names = 0, unplaced = 0;
	for (size_t i = 0; i < ko->nsymbols; i++) {
		const struct lc_ko_symbol *k = &ko->symbols[i];
		if ((k->type != STT_FUNC && k->type != STT_OBJECT) || !k->name[0] ||
		    k->name[0] == '$' || k->shndx == SHN_UNDEF || k->shndx >= ko->nsections)
			continue;
		const struct place *p = &j->pl[k->shndx];
		if (!(p->flags & SHF_ALLOC))
			continue;
		if (!p->addr) {
			unplaced += !p->init;
			continue;
		}
		/* Init sections are freed after init: their symbols name nothing now. */
		if (!is_live(j, p->addr + k->value))
			continue;
		n++;
		names += strlen(k->name) + 1;
	}
	struct lc_symbol *syms = calloc(n + 1, sizeof(*syms));
	char *store = malloc(names + 1);
	if (!syms || !store) {
		free(syms);
		free(store);
		return lc_error_nomem;
	}
	size_t at = 0, used = 0;
	for (size_t i = 0; i < ko->nsymbols && at < n; i++) {
		const struct lc_ko_symbol *k = &ko->symbols[i];
		if ((k->type != STT_FUNC && k->type != STT_OBJECT) || !k->name[0] ||
		    k->name[0] == '$' || k->shndx == SHN_UNDEF || k->shndx >= ko->nsections)
			continue;
		const struct place *p = &j->pl[k->shndx];
		if (!(p->flags & SHF_ALLOC) || !p->addr || !is_live(j, p->addr + k->value))
			continue;
		size_t len = strlen(k->name) + 1;
		memcpy(store + used, k->name, len);
		syms[at++] = (struct lc_symbol){
			.address = p->addr + k->value,
			.size = k->size,
			.name = store + used,
			.module = j->mod->name,
			.type = letter(p, &ko->sections[k->shndx], k->bind),
		};
		used += len;
	}
	qsort(syms, at, sizeof(*syms), sym_cmp);
	free(j->mod->syms);
	free(j->mod->names);
	j->mod->syms = syms;
	j->mod->nsyms = at;
	j->mod->names = store;
	j->mod->syms_loaded = true;
	j->mod->file = j->out->path;
	j->out->nsyms = at;
	j->out->unplaced = unplaced;
	return NULL;
}

/* The placed sections, for `lockcore info`. */
static struct lc_error *record_sections(struct job *j)
{
	size_t n = 0, names = 0;
	/* Only sections that are there now: sect_attrs keeps freed init ones. */
	for (size_t i = 1; i < j->ko->nsections; i++) {
		if (j->pl[i].addr && (j->pl[i].flags & SHF_ALLOC) && is_live(j, j->pl[i].addr)) {
			n++;
			names += strlen(j->ko->sections[i].name) + 1;
		}
	}
	j->out->sections = calloc(n + 1, sizeof(*j->out->sections));
	j->out->section_names = malloc(names + 1);
	if (!j->out->sections || !j->out->section_names)
		return lc_error_nomem;
	size_t used = 0;
	for (size_t i = 1; i < j->ko->nsections; i++) {
		const struct place *p = &j->pl[i];
		if (!p->addr || !(p->flags & SHF_ALLOC) || !is_live(j, p->addr))
			continue;
		size_t len = strlen(j->ko->sections[i].name) + 1;
		memcpy(j->out->section_names + used, j->ko->sections[i].name, len);
		j->out->sections[j->out->nsections++] = (struct lc_module_file_section){
			.name = j->out->section_names + used,
			.address = p->addr,
			.from = p->from,
		};
		used += len;
	}
	return NULL;
}

static struct lc_error *index_symbols(struct job *j)
{
	lc_strmap_init_borrowed(&j->by_name);
	j->next_same = calloc(j->ko->nsymbols + 1, sizeof(*j->next_same));
	if (!j->next_same)
		return lc_error_nomem;
	/* From the end, so that each name maps to its first symbol and chains forward. */
	for (size_t i = j->ko->nsymbols; i-- > 0;) {
		const char *name = j->ko->symbols[i].name;
		if (!name[0])
			continue;
		uintptr_t first;
		if (lc_strmap_get(&j->by_name, name, &first))
			j->next_same[i] = first;
		struct lc_error *err = lc_strmap_set(&j->by_name, name, i + 1);
		if (err)
			return err;
	}
	return NULL;
}

static struct lc_error *place_and_check(struct job *j)
{
	struct lc_error *err = check_vermagic(j);
	if (!err)
		err = check_srcversion(j);
	if (err)
		return err;
	classify(j);
	read_regions(j);
	read_mem_symbols(j);
	if (!err)
		err = index_symbols(j);
	if (err)
		return err;
	/* LOCKCORE_MODULE_LAYOUT: test the anchors and layout where sect_attrs is in the dump. */
	const char *force = getenv("LOCKCORE_MODULE_LAYOUT");
	const char *why = "sect_attrs ignored (LOCKCORE_MODULE_LAYOUT)";
	bool attrs = !(force && *force && strcmp(force, "0") != 0) && read_sect_attrs(j, &why);
	err = member_anchors(j);
	if (!err)
		err = check_mem_symbols(j);
	if (err)
		return err;
	bool missing = false;
	for (size_t i = 1; i < j->ko->nsections; i++)
		missing |= (j->pl[i].flags & SHF_ALLOC) && !j->pl[i].init && !j->pl[i].addr;
	if (!attrs && missing)
		note(j, "%s: sections placed by anchors and layout", why);
	for (int r = R_RO; r < R_COUNT; r++)
		layout_region(j, r);
	err = check_build_id(j);
	if (err)
		return err;
	char *v = j->out->verified;
	size_t vs = sizeof(j->out->verified);
	if (j->build_id_checked)
		lc_text_appendf(v, vs, "build-id");
	if (j->srcversion_checked)
		lc_text_appendf(v, vs, "%ssrcversion", v[0] ? ", " : "");
	if (j->checked)
		lc_text_appendf(v, vs, "%s%zu symbols in memory", v[0] ? ", " : "", j->checked);
	if (j->mem_why)
		note(j, "%s", j->mem_why);
	return NULL;
}

static void job_deinit(struct job *j)
{
	free(j->pl);
	free(j->ms);
	free(j->mnames);
	free(j->next_same);
	lc_strmap_deinit(&j->by_name);
}

/* ---- files and directories ---- */

static void normalize(char *name)
{
	for (; *name; name++) {
		if (*name == '-')
			*name = '_';
	}
}

static struct lc_module *find_module(struct lc_modules *mods, const char *name)
{
	char want[64];
	lc_text_printf(want, sizeof(want), "%s", name);
	normalize(want);
	for (size_t i = 0; i < mods->count; i++) {
		if (!strcmp(mods->mods[i].name, want))
			return &mods->mods[i];
	}
	return NULL;
}

static struct lc_error *new_file(struct lc_modules *mods, const char *path,
				 struct lc_module_file **ret)
{
	size_t cap = mods->nfiles;
	if (!lc_grow((void **)&mods->files, &cap, mods->nfiles + 1, sizeof(*mods->files)))
		return lc_error_nomem;
	struct lc_module_file *f = &mods->files[mods->nfiles];
	memset(f, 0, sizeof(*f));
	struct lc_error *err = lc_strdup(path, &f->path);
	if (err)
		return err;
	mods->nfiles++;
	*ret = f;
	return NULL;
}

static const char *machine_name(uint16_t machine)
{
	switch (machine) {
	case EM_X86_64:
		return "x86_64";
	case EM_AARCH64:
		return "aarch64";
	case EM_PPC64:
		return "ppc64";
	case EM_386:
		return "i386";
	case EM_ARM:
		return "arm";
	case EM_S390:
		return "s390";
	case EM_RISCV:
		return "riscv";
	}
	return "another machine";
}

/* One .ko; want names the module a directory search found it for (NULL for -m FILE). */
static struct lc_error *use_file(struct lc_program *prog, struct lc_modules *mods, const char *path,
				 const char *want)
{
	struct lc_ko *ko;
	struct lc_error *err = lc_ko_open(path, &ko);
	if (err)
		return err;
	struct lc_module_file *f = NULL;
	err = new_file(mods, path, &f);
	if (err)
		goto out;
	if (ko->machine != prog->arch->elf_machine || ko->ptr_size != prog->ptr_size ||
	    ko->big_endian != prog->big_endian) {
		err = lc_error_create(LC_ERR_MISMATCH,
				      "'%s' is a module for %s (ELF machine %u, %u-bit %s-endian), "
				      "the dump is %s",
				      path, machine_name(ko->machine), ko->machine,
				      ko->ptr_size * 8, ko->big_endian ? "big" : "little",
				      lc_arch_machine(prog->arch, prog->big_endian));
		goto out;
	}
	/* A debug-only .ko (objcopy --only-keep-debug) has no .modinfo bytes: its file name. */
	char name[64];
	if (ko->name[0]) {
		lc_text_printf(name, sizeof(name), "%s", ko->name);
	} else {
		const char *base = strrchr(path, '/');
		lc_text_printf(name, sizeof(name), "%s", base ? base + 1 : path);
		char *dot = strstr(name, ".ko");
		if (dot)
			*dot = '\0';
		if (!want)
			lc_text_printf(f->note, sizeof(f->note),
				       "no name in .modinfo: module named after the file");
	}
	normalize(name);
	lc_text_printf(f->module, sizeof(f->module), "%s", name);
	struct lc_module *m = find_module(mods, name);
	if (!m) {
		f->status = LC_MODULE_FILE_NOT_LOADED;
		lc_text_printf(f->note, sizeof(f->note),
			       "module %s is not loaded in the dump: ignored", name);
		goto out;
	}
	if (m->file) {
		err = lc_error_create(LC_ERR_INVALID, "module %s is given twice ('%s' and '%s')",
				      name, m->file, path);
		goto out;
	}
	struct job j = {.prog = prog, .mod = m, .ko = ko, .out = f};
	err = lc_program_types(prog, &j.types);
	if (!err) {
		j.pl = calloc(ko->nsections, sizeof(*j.pl));
		if (!j.pl)
			err = lc_error_nomem;
	}
	if (!err)
		err = place_and_check(&j);
	if (!err && !j.build_id_checked && !j.srcversion_checked && !j.checked) {
		f->status = LC_MODULE_FILE_UNVERIFIED;
		lc_text_printf(f->note, sizeof(f->note),
			       "nothing in the dump verifies it (no build-id, srcversion or "
			       "symbol readable): ignored");
	} else if (!err) {
		f->status = LC_MODULE_FILE_USED;
		err = install(&j);
		if (!err)
			err = record_sections(&j);
	}
	job_deinit(&j);
out:
	lc_ko_destroy(ko);
	return err;
}

/* NAME of NAME.ko, NAME.ko.xz, NAME.ko.zst or NAME.ko.gz. */
static bool module_file_name(const char *file, char *name, size_t size)
{
	static const char *const suffixes[] = {".ko", ".ko.xz", ".ko.zst", ".ko.gz"};
	size_t len = strlen(file);
	for (size_t k = 0; k < LC_ARRAY_SIZE(suffixes); k++) {
		size_t sl = strlen(suffixes[k]);
		if (len > sl && len - sl < size && !strcmp(file + len - sl, suffixes[k])) {
			memcpy(name, file, len - sl);
			name[len - sl] = '\0';
			return true;
		}
	}
	return false;
}

struct dir_search {
	struct lc_modules *mods;
	char **found; /* per loaded module: its file, or NULL */
	size_t entries;
};

static void search_dir(struct dir_search *s, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) && s->entries++ < MAX_DIR_ENTRIES) {
		if (e->d_name[0] == '.')
			continue;
		char *path;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0)
			break;
		struct stat st;
		if (lstat(path, &st) != 0) {
			free(path);
			continue;
		}
		if (S_ISDIR(st.st_mode) && depth < MAX_DIR_DEPTH) {
			search_dir(s, path, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			char name[64];
			if (module_file_name(e->d_name, name, sizeof(name))) {
				normalize(name);
				for (size_t i = 0; i < s->mods->count; i++) {
					if (!s->found[i] && !strcmp(s->mods->mods[i].name, name)) {
						s->found[i] = path;
						path = NULL;
						break;
					}
				}
			}
		}
		free(path);
	}
	closedir(d);
}

static struct lc_error *use_dir(struct lc_program *prog, struct lc_modules *mods, const char *dir)
{
	struct dir_search s = {.mods = mods, .found = calloc(mods->count + 1, sizeof(char *))};
	if (!s.found)
		return lc_error_nomem;
	search_dir(&s, dir, 0);
	struct lc_error *err = NULL;
	for (size_t i = 0; i < mods->count; i++) {
		if (!err && s.found[i] && !mods->mods[i].file)
			err = use_file(prog, mods, s.found[i], mods->mods[i].name);
		free(s.found[i]);
	}
	free(s.found);
	return err;
}

struct lc_error *lc_modules_load_files(struct lc_program *prog, const char *const *paths,
				       size_t npaths)
{
	if (!npaths)
		return NULL;
	struct lc_modules *mods = (struct lc_modules *)lc_modules_get(prog);
	if (!prog->modules)
		return lc_error_nomem;
	if (!mods->count) {
		/* An empty list may mean unreadable (no types, no list head): say so. */
		struct lc_types *types;
		uint64_t head;
		struct lc_error *err = lc_program_types(prog, &types);
		if (!err)
			err = lc_symbol_address(prog, "modules", &head);
		if (err)
			return lc_error_prefix(err, "-m: cannot read the loaded modules");
	}
	for (size_t i = 0; i < npaths; i++) {
		struct stat st;
		if (stat(paths[i], &st) != 0)
			return lc_error_create(LC_ERR_OS, "cannot open '%s': %s", paths[i],
					       strerror(errno));
		struct lc_error *err = S_ISDIR(st.st_mode) ? use_dir(prog, mods, paths[i])
							   : use_file(prog, mods, paths[i], NULL);
		if (err)
			return err;
	}
	return NULL;
}
