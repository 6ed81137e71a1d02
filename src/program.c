// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "debuginfo.h"
#include "dwarf_types.h"
#include "kallsyms.h"
#include "kernel_locate.h"
#include "linux/kernel.h"
#include "linux/modules.h"
#include "linux/locks.h"
#include "linux/printk.h"
#include "linux/task.h"
#include "program.h"
#include "read.h"
#include "symbol_cache.h"
#include "type_cache.h"
#include "unwind.h"
#include "vmlinux.h"

static void set_source(char **buf, const char **source, const char *fallback, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void set_source(char **buf, const char **source, const char *fallback, const char *fmt, ...)
{
	/* The arguments may point into the old text (a source extended): format first. */
	va_list ap;
	va_start(ap, fmt);
	char *text;
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (!text) {
		/* Out of memory: keep what was there (fallback may point into it). */
		if (!*buf)
			*source = fallback;
		return;
	}
	free(*buf);
	*buf = text;
	*source = text;
}

const char *lc_program_build_id(const struct lc_program *prog, const char **source)
{
	const char *id =
		prog->has_vmcoreinfo ? lc_vmcoreinfo_get(&prog->vmcoreinfo, "BUILD-ID") : NULL;
	const char *src = "VMCOREINFO";
	if ((!id || !*id) && prog->memory_build_id[0]) {
		id = prog->memory_build_id;
		src = "the kernel's .notes in memory";
	}
	if (!id || !*id)
		return NULL;
	if (source)
		*source = src;
	return id;
}

/* The dump's build-id when it can name a cache file, else NULL. */
static const char *dump_build_id(const struct lc_program *prog)
{
	const char *id = lc_program_build_id(prog, NULL);
	return id && lc_build_id_valid(id) ? id : NULL;
}

/*
 * Without VMCOREINFO the build-id, which names the symbol and type caches
 * and tells a wrong vmlinux apart, is still in the kernel image: the GNU
 * build-id note between __start_notes and __stop_notes. Best effort: a
 * filtered dump may lack the page.
 */
static void read_memory_build_id(struct lc_program *prog)
{
	const struct lc_symbol *start = lc_symbols_find(&prog->symbols, "__start_notes");
	const struct lc_symbol *stop = lc_symbols_find(&prog->symbols, "__stop_notes");
	if (!start || !stop || stop->address <= start->address ||
	    stop->address - start->address > 4096)
		return;
	uint8_t buf[4096];
	size_t size = (size_t)(stop->address - start->address);
	struct lc_error *err = lc_read(prog, start->address, buf, size);
	if (err) {
		lc_error_destroy(err);
		return;
	}
	/* Elf_Nhdr: namesz, descsz, type, then name and desc, each padded to 4 bytes. */
	for (size_t off = 0; off + 12 <= size;) {
		uint64_t namesz = lc_decode_uint(prog, buf + off, 4);
		uint64_t descsz = lc_decode_uint(prog, buf + off + 4, 4);
		uint64_t type = lc_decode_uint(prog, buf + off + 8, 4);
		size_t name_off = off + 12, desc_off = name_off + ((namesz + 3) & ~3ull);
		if (namesz > size || descsz > size || desc_off + descsz > size)
			return;
		/* NT_GNU_BUILD_ID */
		if (type == 3 && namesz == 4 && !memcmp(buf + name_off, "GNU", 4) && descsz >= 8 &&
		    descsz <= 64) {
			for (size_t i = 0; i < descsz; i++)
				snprintf(prog->memory_build_id + 2 * i, 3, "%02x",
					 buf[desc_off + i]);
			return;
		}
		off = desc_off + ((descsz + 3) & ~3ull);
	}
}

/*
 * Cached symbols against the dump: the symbols VMCOREINFO records (the
 * KASLR offset is already applied) and a sample of global functions that
 * kallsyms, whose addresses are the running kernel's, also has.
 */
static struct lc_error *verify_symbol_cache(struct lc_program *prog,
					    const struct lc_symbols *cached, size_t *agreed)
{
	static const char *const names[] = {"init_uts_ns", "_stext", "swapper_pg_dir"};
	for (size_t i = 0; i < LC_ARRAY_SIZE(names); i++) {
		uint64_t want;
		if (!lc_vmcoreinfo_symbol(&prog->vmcoreinfo, names[i], &want))
			continue;
		const struct lc_symbol *sym = lc_symbols_find(cached, names[i]);
		if (!sym)
			return lc_error_create(LC_ERR_MISMATCH, "it has no symbol '%s'", names[i]);
		if (sym->address != want)
			return lc_error_create(LC_ERR_MISMATCH,
					       "%s is at 0x%" PRIx64 " (KASLR offset 0x%" PRIx64
					       " applied), VMCOREINFO says 0x%" PRIx64,
					       names[i], sym->address, prog->kaslr_offset, want);
	}
	/* Global functions have one definition each, so the names cannot be confused. */
	enum { SAMPLES = 64 };
	size_t ntext = 0;
	for (size_t i = 0; i < cached->count; i++)
		ntext += cached->syms[i].type == 'T';
	size_t step = ntext > SAMPLES ? ntext / SAMPLES : 1, k = 0;
	*agreed = 0;
	for (size_t i = 0; i < cached->count; i++) {
		const struct lc_symbol *c = &cached->syms[i];
		if (c->type != 'T' || k++ % step != 0)
			continue;
		const struct lc_symbol *ks = lc_symbols_find(&prog->symbols, c->name);
		if (!ks || (ks->type != 'T' && ks->type != 't'))
			continue;
		if (ks->address != c->address)
			return lc_error_create(LC_ERR_MISMATCH,
					       "%s is at 0x%" PRIx64 ", kallsyms says 0x%" PRIx64,
					       c->name, c->address, ks->address);
		(*agreed)++;
	}
	return NULL;
}

/*
 * Kernels without CONFIG_KALLSYMS_ALL (Debian's arm64 and ppc64el 6.1) have
 * only functions in kallsyms. When the dump is one of those and the symbol
 * cache knows its build, the cache's table replaces kallsyms'.
 *
 * The whole table rather than only what kallsyms lacks: kallsyms is decoded
 * lazily in place (lazy_ops), so merging would first mean decoding all of
 * it; the vmlinux symtab is a superset of kallsyms for the kernel proper;
 * and one table keeps lookups simple. The cache is first checked against
 * VMCOREINFO and kallsyms itself, so it cannot silently disagree with the
 * running kernel.
 */
static struct lc_error *use_symbol_cache(struct lc_program *prog)
{
	uint64_t uts;
	if (!prog->has_vmcoreinfo || !lc_vmcoreinfo_symbol(&prog->vmcoreinfo, "init_uts_ns", &uts))
		return NULL;
	/* A data symbol every kernel has: kallsyms with it is complete (KALLSYMS_ALL). */
	if (lc_symbols_find(&prog->symbols, "init_uts_ns") &&
	    lc_symbols_find(&prog->symbols, "nr_cpu_ids"))
		return NULL;
	const char *base = prog->symbols_source;
	const char *id = dump_build_id(prog);
	if (!id) {
		set_source(&prog->symbols_source_buf, &prog->symbols_source, base,
			   "%s; functions only, and no build-id to find a symbol cache", base);
		return NULL;
	}
	struct lc_symbols cached;
	lc_symbols_init(&cached);
	struct lc_error *err = lc_symbol_cache_load(id, prog->kaslr_offset, &cached);
	if (err && lc_error_code(err) == LC_ERR_LOOKUP) {
		lc_error_destroy(err);
		lc_symbols_deinit(&cached);
		set_source(&prog->symbols_source_buf, &prog->symbols_source, base,
			   "%s; functions only: give the vmlinux (-k) once to cache the symbols of "
			   "build-id %s",
			   base, id);
		return NULL;
	}
	size_t agreed = 0;
	if (!err)
		err = lc_symbols_finalize(&cached);
	if (!err) {
		err = verify_symbol_cache(prog, &cached, &agreed);
		if (err) {
			char *path = NULL;
			struct lc_error *perr = lc_cache_path(id, ".syms", &path);
			lc_error_destroy(perr);
			err = lc_error_prefix(err, "symbol cache '%s' does not match the dump",
					      path ? path : id);
			free(path);
		}
	}
	if (err) {
		lc_symbols_deinit(&cached);
		return err;
	}
	lc_symbols_deinit(&prog->symbols);
	prog->symbols = cached;
	set_source(&prog->symbols_source_buf, &prog->symbols_source, "symbol cache",
		   "symbol cache %s (kallsyms has functions only; %zu of them and VMCOREINFO "
		   "agree with the cache)",
		   id, agreed);
	return NULL;
}

/*
 * With a vmlinux that is this dump's build, keep its symbols for later runs
 * without one (see use_symbol_cache). Best effort: failing to write a cache
 * must not fail the analysis.
 */
static void store_symbol_cache(struct lc_program *prog)
{
	const char *id = dump_build_id(prog);
	const char *vid = lc_vmlinux_build_id(prog->vmlinux);
	/* lc_vmlinux_verify has compared the two when both exist; without both, do not guess. */
	if (!id || !vid)
		return;
	const char *base = prog->symbols_source;
	struct lc_symbols existing;
	lc_symbols_init(&existing);
	struct lc_error *err = lc_symbol_cache_load(id, 0, &existing);
	lc_symbols_deinit(&existing);
	if (!err)
		return; /* already cached and readable */
	lc_error_destroy(err);
	size_t size = 0;
	err = lc_symbol_cache_store_vmlinux(id, prog->vmlinux, &size);
	if (err)
		set_source(&prog->symbols_source_buf, &prog->symbols_source, base,
			   "%s (not cached: %s)", base, lc_error_message(err));
	else
		set_source(&prog->symbols_source_buf, &prog->symbols_source, base,
			   "%s (cached for build-id %s, %zu KiB)", base, id, (size + 1023) / 1024);
	lc_error_destroy(err);
}

static struct lc_error *load_symbols(struct lc_program *prog, const struct lc_program_options *opts)
{
	struct lc_error *err = NULL;
	if (prog->vmlinux) {
		err = lc_vmlinux_load_symbols(prog->vmlinux, prog->kaslr_offset, &prog->symbols);
		if (err)
			return err;
		set_source(&prog->symbols_source_buf, &prog->symbols_source, "vmlinux symbol table",
			   "symbol table of '%s' (-k)", lc_vmlinux_path(prog->vmlinux));
	} else if (opts && opts->system_map) {
		err = lc_symbols_load_system_map(&prog->symbols, opts->system_map);
		if (err)
			return err;
		err = lc_symbols_finalize(&prog->symbols);
		/* System.map holds link-time addresses; KASLR moved the kernel. */
		if (!err)
			err = lc_symbols_relocate(&prog->symbols, prog->kaslr_offset);
		if (err)
			return err;
		set_source(&prog->symbols_source_buf, &prog->symbols_source, "System.map",
			   "System.map '%s' (--system-map)", opts->system_map);
	} else {
		err = lc_kallsyms_load_vmcoreinfo(prog, &prog->symbols);
		prog->symbols_source = "kallsyms (located by VMCOREINFO)";
		if (err && lc_error_code(err) == LC_ERR_LOOKUP) {
			/* Before 6.0 VMCOREINFO does not say where kallsyms is: search. */
			struct lc_error *search = lc_kallsyms_load_search(prog, &prog->symbols);
			if (!search) {
				lc_error_destroy(err);
				err = NULL;
				prog->symbols_source = "kallsyms (found in memory)";
			} else {
				lc_error_destroy(err);
				err = search;
			}
		}
		if (err)
			return lc_error_prefix(err, "no symbols: give a System.map or vmlinux");
		err = lc_symbols_finalize(&prog->symbols);
		if (!err)
			err = use_symbol_cache(prog);
		return err;
	}
	return lc_symbols_finalize(&prog->symbols);
}

/*
 * No VMCOREINFO: the symbols just loaded are link-time addresses. Find the
 * kernel in the dump's memory (kernel_locate.h), let libkdumpfile translate
 * with what was found, and move the symbols to where the kernel runs.
 * Without this a KASLR kernel would be read at its link-time addresses:
 * wrong answers that look right.
 */
static struct lc_error *locate_kernel(struct lc_program *prog)
{
	const char *banner = prog->vmlinux ? lc_vmlinux_banner(prog->vmlinux) : NULL;
	struct lc_kernel_location loc = {.vmcoreinfo = NULL};
	struct lc_error *err = lc_kernel_locate(prog, &prog->symbols, banner, &loc);
	if (!err && loc.vmcoreinfo)
		err = lc_error_prefix(lc_dump_set_vmcoreinfo(prog->dump, loc.vmcoreinfo),
				      "with the kernel found at KASLR offset 0x%" PRIx64,
				      loc.kaslr_offset);
	if (!err)
		err = lc_kernel_location_check(prog, &loc);
	if (err) {
		lc_kernel_location_deinit(&loc);
		return err;
	}
	prog->kaslr_offset = loc.kaslr_offset;
	if (prog->vmlinux && loc.kaslr_offset) {
		/* The ELF knows which symbols KASLR moves (its sections): load them again. */
		lc_symbols_deinit(&prog->symbols);
		err = lc_vmlinux_load_symbols(prog->vmlinux, loc.kaslr_offset, &prog->symbols);
		if (!err)
			err = lc_symbols_finalize(&prog->symbols);
	} else {
		err = lc_symbols_relocate(&prog->symbols, loc.kaslr_offset);
	}
	if (err) {
		lc_kernel_location_deinit(&loc);
		return err;
	}
	set_source(&prog->kaslr_source_buf, &prog->kaslr_source, "found in the dump",
		   "found in the dump (no VMCOREINFO): %s", loc.how);
	lc_kernel_location_deinit(&loc);
	read_memory_build_id(prog);
	return NULL;
}

/* Reading a whole file for a detached BTF. */
static struct lc_error *read_file(const char *path, void **ret, size_t *ret_size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lc_error_create(LC_ERR_OS, "cannot open '%s': %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    st.st_size > 512 * 1024 * 1024) {
		close(fd);
		return lc_error_create(LC_ERR_FORMAT, "'%s' is not a plausible BTF file", path);
	}
	void *buf = malloc((size_t)st.st_size);
	if (!buf) {
		close(fd);
		return lc_error_nomem;
	}
	size_t done = 0;
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, (char *)buf + done, (size_t)st.st_size - done);
		if (n <= 0) {
			free(buf);
			close(fd);
			return lc_error_create(LC_ERR_OS, "reading '%s': %s", path,
					       n < 0 ? strerror(errno) : "unexpected end of file");
		}
		done += (size_t)n;
	}
	close(fd);
	*ret = buf;
	*ret_size = done;
	return NULL;
}

/* The kernel's own BTF, between __start_BTF and __stop_BTF in the dump's memory. */
static struct lc_error *dump_btf(struct lc_program *prog, struct lc_type_source **ret)
{
	uint64_t start, stop;
	struct lc_error *err = lc_symbol_address(prog, "__start_BTF", &start);
	if (!err)
		err = lc_symbol_address(prog, "__stop_BTF", &stop);
	if (!err && (stop <= start || stop - start > 256 * 1024 * 1024))
		err = lc_error_create(LC_ERR_BAD_DATA,
				      "BTF bounds 0x%" PRIx64 "-0x%" PRIx64 " are implausible", start,
				      stop);
	void *data = NULL;
	if (!err) {
		data = malloc(stop - start);
		if (!data)
			err = lc_error_nomem;
		else
			err = lc_read(prog, start, data, stop - start);
	}
	if (!err)
		err = lc_btf_create(data, stop - start, NULL, ret);
	free(data); /* the BTF source keeps its own copy */
	return err;
}

#define set_types_source(prog, fallback, ...) \
	set_source(&(prog)->types_source_buf, &(prog)->types_source, fallback, __VA_ARGS__)

/*
 * Types of this build without the dump's BTF: the cache by build-id, else
 * the DWARF of -k, which then fills the cache for the next time.
 */
static struct lc_error *build_types(struct lc_program *prog, struct lc_type_source **ret)
{
	const char *id = dump_build_id(prog);
	/* Without VMCOREINFO's, the vmlinux's (verified against the banner) names the build. */
	if ((!id || !lc_build_id_valid(id)) && prog->vmlinux)
		id = lc_vmlinux_build_id(prog->vmlinux);
	if (id && !lc_build_id_valid(id))
		id = NULL;
	struct lc_error *err = NULL;
	if (id) {
		err = lc_type_cache_load(id, ret);
		if (!err) {
			set_types_source(prog, "BTF (cache)", "BTF (cache %s)", id);
			return NULL;
		}
		/* A corrupt cache is rebuilt from DWARF when there is a vmlinux. */
		if (!prog->vmlinux)
			return err;
		lc_error_destroy(err);
	}
	if (!prog->vmlinux)
		return lc_error_create(LC_ERR_LOOKUP,
				       "no cached types for this kernel%s%s: give its vmlinux (-k) "
				       "once and they are cached",
				       id ? " (build-id " : "", id ? id : "");
	Elf *elf = lc_vmlinux_debug_elf(prog->vmlinux, &err);
	if (!err)
		err = lc_dwarf_create(elf, ret);
	if (err)
		return err;
	const char *path = lc_vmlinux_path(prog->vmlinux);
	if (!id) {
		set_types_source(prog, "DWARF (vmlinux)", "DWARF ('%s'; no build-id, not cached)",
				 path);
		return NULL;
	}
	/* Types stay usable when the cache cannot be written (read-only home, full disk). */
	size_t size;
	err = lc_type_cache_store(id, *ret, &size);
	if (err) {
		set_types_source(prog, "DWARF (vmlinux)", "DWARF ('%s'; not cached: %s)", path,
				 lc_error_message(err));
		lc_error_destroy(err);
	} else {
		set_types_source(prog, "DWARF (vmlinux)",
				 "DWARF ('%s'; cached for build-id %s, %zu KiB)", path, id,
				 (size + 1023) / 1024);
	}
	return NULL;
}

static struct lc_error *load_types(struct lc_program *prog)
{
	struct lc_types *types;
	struct lc_error *err = lc_types_create(&types);
	if (err)
		return err;
	struct lc_type_source *src = NULL;
	if (prog->btf_path) {
		void *data = NULL;
		size_t size = 0;
		err = read_file(prog->btf_path, &data, &size);
		if (!err)
			err = lc_btf_create(data, size, NULL, &src);
		free(data);
		prog->types_source = "BTF (detached file)";
	} else {
		/* LOCKCORE_NO_DUMP_BTF: test the cache and DWARF paths on dumps that have BTF. */
		const char *skip = getenv("LOCKCORE_NO_DUMP_BTF");
		if (skip && *skip && strcmp(skip, "0") != 0)
			err = lc_error_create(LC_ERR_LOOKUP, "BTF in the dump ignored "
							     "(LOCKCORE_NO_DUMP_BTF)");
		else
			err = dump_btf(prog, &src);
		prog->types_source = prog->vmlinux
					     ? "BTF (from the dump; preferred to the DWARF of -k, "
					       "it is the running kernel's own)"
					     : "BTF (from the dump)";
		if (err) {
			struct lc_error *err2 = build_types(prog, &src);
			if (!err2) {
				/* Say why the dump's own BTF was not used. */
				set_types_source(prog, prog->types_source,
						 "%s; no BTF in the dump: %s", prog->types_source,
						 lc_error_message(err));
				lc_error_destroy(err);
				err = NULL;
			} else {
				struct lc_error *both = lc_error_create(
					lc_error_code(err2),
					"no kernel types: %s; BTF in the dump: %s (the kernel may "
					"lack CONFIG_DEBUG_INFO_BTF: give --btf or --vmlinux)",
					lc_error_message(err2), lc_error_message(err));
				lc_error_destroy(err2);
				lc_error_destroy(err);
				err = both;
			}
		}
	}
	if (!err)
		err = lc_types_add_source(types, src);
	if (err) {
		lc_types_destroy(types);
		prog->types_source = NULL;
		return err;
	}
	prog->types = types;
	return NULL;
}

struct lc_error *lc_program_types(struct lc_program *prog, struct lc_types **ret)
{
	if (!prog->types && !prog->types_error)
		prog->types_error = load_types(prog);
	if (prog->types_error)
		return lc_error_create(lc_error_code(prog->types_error), "%s",
				       lc_error_message(prog->types_error));
	*ret = prog->types;
	return NULL;
}

struct lc_error *lc_program_open(const char *dump_path, const struct lc_program_options *opts,
				 struct lc_program **ret)
{
	return lc_program_open_set(&dump_path, 1, opts, ret);
}

struct lc_error *lc_program_open_set(const char *const *dump_paths, size_t npaths,
				     const struct lc_program_options *opts, struct lc_program **ret)
{
	if (npaths == 0)
		return lc_error_create(LC_ERR_INVALID, "no dump file given");
	const char *dump_path = dump_paths[0];
	struct lc_program *prog = calloc(1, sizeof(*prog));
	if (!prog)
		return lc_error_nomem;
	lc_symbols_init(&prog->symbols);
	lc_vmcoreinfo_init(&prog->vmcoreinfo);

	struct lc_error *err = lc_dump_open(dump_paths, npaths, opts ? opts->progress : NULL,
					    opts ? opts->progress_arg : NULL, &prog->dump);
	if (err)
		goto fail;
	if (opts && opts->page_recorder)
		lc_dump_set_recorder(prog->dump, opts->page_recorder, opts->page_recorder_arg);
	prog->desc = lc_dump_describe(prog->dump);
	prog->arch = lc_arch_find(prog->desc->arch);
	if (!prog->arch) {
		err = lc_error_create(LC_ERR_UNSUPPORTED, "'%s': architecture '%s' is not supported",
				      dump_path, prog->desc->arch);
		goto fail;
	}
	prog->big_endian = prog->desc->big_endian;
	prog->ptr_size = prog->desc->ptr_size;

	const char *vi = lc_dump_vmcoreinfo(prog->dump);
	if (vi) {
		err = lc_vmcoreinfo_parse(&prog->vmcoreinfo, vi, strlen(vi));
		if (err)
			goto fail;
		prog->has_vmcoreinfo = true;
		uint64_t off;
		if (lc_vmcoreinfo_hex(&prog->vmcoreinfo, "KERNELOFFSET", &off))
			prog->kaslr_offset = off;
	}
	if (opts && opts->btf) {
		err = lc_strdup(opts->btf, &prog->btf_path);
		if (err)
			goto fail;
	}
	if (opts && opts->vmlinux) {
		err = lc_vmlinux_open(opts->vmlinux, &prog->vmlinux);
		if (err)
			goto fail;
		if (prog->arch->elf_machine &&
		    lc_vmlinux_machine(prog->vmlinux) != prog->arch->elf_machine) {
			err = lc_error_create(LC_ERR_MISMATCH,
					      "'%s' does not match the dump: it is for ELF machine "
					      "%u, the dump is %s (machine %u)",
					      opts->vmlinux, lc_vmlinux_machine(prog->vmlinux),
					      prog->arch->name, prog->arch->elf_machine);
			goto fail;
		}
	}
	if (!prog->has_vmcoreinfo && !prog->vmlinux && !(opts && opts->system_map)) {
		err = lc_error_create(LC_ERR_LOOKUP,
				      "'%s' has no VMCOREINFO: give a System.map (--system-map) or a "
				      "vmlinux (-k) of the dumped kernel",
				      dump_path);
		goto fail;
	}
	if (prog->has_vmcoreinfo)
		prog->kaslr_source = lc_vmcoreinfo_get(&prog->vmcoreinfo, "KERNELOFFSET")
					     ? "VMCOREINFO (KERNELOFFSET)"
					     : "none in VMCOREINFO (no KASLR)";
	err = load_symbols(prog, opts);
	if (!err && !prog->has_vmcoreinfo)
		err = lc_error_prefix(locate_kernel(prog), "'%s' has no VMCOREINFO", dump_path);
	if (err)
		goto fail;
	/* Wrong debuginfo gives wrong answers that look right: refuse it. */
	if (prog->vmlinux)
		err = lc_vmlinux_verify(prog->vmlinux, prog);
	else if (opts && opts->system_map)
		err = lc_system_map_verify(prog, opts->system_map);
	if (err)
		goto fail;
	if (prog->vmlinux)
		store_symbol_cache(prog);
	/* Only when asked: reading the module list and types costs pages. */
	if (opts && opts->nmodules) {
		err = lc_modules_load_files(prog, opts->modules, opts->nmodules);
		if (err)
			goto fail;
	}
	*ret = prog;
	return NULL;
fail:
	lc_program_destroy(prog);
	return err;
}

void lc_program_destroy(struct lc_program *prog)
{
	if (!prog)
		return;
	lc_unwind_cache_destroy(prog->unwind);
	lc_task_list_destroy(prog->tasks);
	lc_printk_log_destroy(prog->printk);
	lc_modules_destroy(prog->modules);
	lc_kernel_destroy(prog->kernel);
	lc_types_destroy(prog->types);
	lc_error_destroy(prog->types_error);
	free(prog->types_source_buf);
	free(prog->symbols_source_buf);
	free(prog->kaslr_source_buf);
	/* After the types and the debuginfo: both read the vmlinux's ELF. */
	lc_debuginfo_destroy(prog->debuginfo);
	free(prog->debuginfo_error);
	lc_vmlinux_destroy(prog->vmlinux);
	free(prog->btf_path);
	lc_symbols_deinit(&prog->symbols);
	lc_vmcoreinfo_deinit(&prog->vmcoreinfo);
	lc_dump_destroy(prog->dump);
	free(prog);
}

struct lc_error *lc_program_read(struct lc_program *prog, uint64_t address, void *buf, size_t len)
{
	return lc_read(prog, address, buf, len);
}

struct lc_error *lc_program_symbol(struct lc_program *prog, const char *name, uint64_t *ret)
{
	return lc_symbol_address(prog, name, ret);
}
