// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vmlinux ELF: symbols, build-id, banner, and debug sections for libdw.
 *
 * The file is untrusted like a dump: every size read from it is checked
 * before it sizes an allocation, and strings are bounded.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include <gelf.h>
#include <zstd.h>

#include "program.h"
#include "read.h"
#include "vmlinux.h"

#ifndef ELFCOMPRESS_ZSTD
#define ELFCOMPRESS_ZSTD 2
#endif

/* Debug sections of the largest distribution kernels are a few hundred MiB. */
#define MAX_SECTION_SIZE (4ull << 30)
#define MAX_BANNER 512
#define MAX_BUILD_ID 64

struct lc_vmlinux {
	char *path;
	int fd;
	Elf *elf;
	uint16_t machine;
	bool big_endian;
	unsigned ptr_size;
	char build_id[2 * MAX_BUILD_ID + 1]; /* "" when absent */
	char banner[MAX_BANNER];	     /* "" when absent */
	uint64_t banner_address;
	bool has_debug_info;
	bool inflate_done;
	struct lc_error *inflate_error;
	void **inflated; /* section buffers we decompressed ourselves */
	size_t ninflated, inflated_cap;
};

static struct lc_error *elf_err(const char *what, const char *path)
{
	return lc_error_create(LC_ERR_FORMAT, "%s '%s': %s", what, path, elf_errmsg(-1));
}

static void read_build_id(struct lc_vmlinux *vm)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(vm->elf, scn))) {
		GElf_Shdr shdr;
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_NOTE)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		GElf_Nhdr nhdr;
		size_t off = 0, name_off, desc_off, next;
		while ((next = gelf_getnote(data, off, &nhdr, &name_off, &desc_off)) > 0) {
			if (nhdr.n_type == NT_GNU_BUILD_ID && nhdr.n_namesz == 4 &&
			    memcmp((char *)data->d_buf + name_off, "GNU", 4) == 0 &&
			    nhdr.n_descsz > 0 && nhdr.n_descsz <= MAX_BUILD_ID) {
				const uint8_t *d = (const uint8_t *)data->d_buf + desc_off;
				for (size_t i = 0; i < nhdr.n_descsz; i++)
					snprintf(vm->build_id + 2 * i, 3, "%02x", d[i]);
				return;
			}
			off = next;
		}
	}
}

/* Copy the NUL-terminated string at a link-time address out of an allocated section. */
static bool read_string_at(struct lc_vmlinux *vm, uint64_t addr, char *buf, size_t size)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(vm->elf, scn))) {
		GElf_Shdr shdr;
		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_PROGBITS ||
		    !(shdr.sh_flags & SHF_ALLOC) || addr < shdr.sh_addr ||
		    addr - shdr.sh_addr >= shdr.sh_size)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		uint64_t off = addr - shdr.sh_addr;
		if (!data || !data->d_buf || off >= data->d_size)
			return false;
		size_t n = 0;
		const char *s = (const char *)data->d_buf + off;
		while (n + 1 < size && off + n < data->d_size && s[n])
			n++;
		memcpy(buf, s, n);
		buf[n] = '\0';
		return true;
	}
	return false;
}

static Elf_Scn *find_symtab(Elf *elf, GElf_Shdr *shdr)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		if (gelf_getshdr(scn, shdr) && shdr->sh_type == SHT_SYMTAB)
			return scn;
	}
	return NULL;
}

static void find_banner(struct lc_vmlinux *vm)
{
	GElf_Shdr shdr;
	Elf_Scn *scn = find_symtab(vm->elf, &shdr);
	Elf_Data *data = scn ? elf_getdata(scn, NULL) : NULL;
	if (!data || !shdr.sh_entsize)
		return;
	size_t n = shdr.sh_size / shdr.sh_entsize;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym sym;
		if (!gelf_getsym(data, (int)i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_OBJECT)
			continue;
		const char *name = elf_strptr(vm->elf, shdr.sh_link, sym.st_name);
		if (!name || strcmp(name, "linux_banner") != 0)
			continue;
		if (read_string_at(vm, sym.st_value, vm->banner, sizeof(vm->banner))) {
			vm->banner_address = sym.st_value;
			vm->banner[strcspn(vm->banner, "\n")] = '\0';
		}
		return;
	}
}

struct lc_error *lc_elf_decompress_section(Elf *elf, Elf_Scn *scn, void **owned_ret)
{
	*owned_ret = NULL;
	GElf_Shdr shdr;
	if (!gelf_getshdr(scn, &shdr))
		return lc_error_create(LC_ERR_FORMAT, "bad section header: %s", elf_errmsg(-1));
	if (!(shdr.sh_flags & SHF_COMPRESSED))
		return NULL;
	Elf_Data *raw = elf_rawdata(scn, NULL);
	if (!raw || !raw->d_buf)
		return lc_error_create(LC_ERR_FORMAT, "cannot read compressed section: %s",
				       elf_errmsg(-1));
	/* The header is in the file's class and byte order; parse it by hand. */
	const char *ident = elf_getident(elf, NULL);
	bool big_endian = ident && ident[EI_DATA] == ELFDATA2MSB;
	bool is64 = gelf_getclass(elf) == ELFCLASS64;
	size_t hdr_size = is64 ? 24 : 12;
	if (raw->d_size < hdr_size)
		return lc_error_create(LC_ERR_FORMAT,
				       "compressed section of %zu bytes is shorter than its header",
				       raw->d_size);
	const uint8_t *p = raw->d_buf;
	uint32_t ch_type = (uint32_t)lc_load_uint(p, 4, big_endian);
	uint64_t ch_size =
		is64 ? lc_load_uint(p + 8, 8, big_endian) : lc_load_uint(p + 4, 4, big_endian);
	if (ch_type != ELFCOMPRESS_ZSTD) {
		/* libelf inflates zlib, and says so for anything it does not know. */
		if (elf_compress(scn, 0, 0) < 0)
			return lc_error_create(
				LC_ERR_UNSUPPORTED,
				"cannot decompress section (compression type %" PRIu32 "): %s",
				ch_type, elf_errmsg(-1));
		return NULL;
	}
	/* libelf before 0.189 has no zstd: inflate here and make the section look plain. */
	if (ch_size == 0 || ch_size > MAX_SECTION_SIZE)
		return lc_error_create(
			LC_ERR_FORMAT,
			"zstd section claims an implausible size of %" PRIu64 " bytes", ch_size);
	void *out = malloc(ch_size);
	if (!out)
		return lc_error_nomem;
	size_t n = ZSTD_decompress(out, ch_size, p + hdr_size, raw->d_size - hdr_size);
	if (ZSTD_isError(n) || n != ch_size) {
		free(out);
		return lc_error_create(LC_ERR_FORMAT,
				       "zstd section does not inflate to its %" PRIu64 " bytes: %s",
				       ch_size, ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short");
	}
	/*
	 * libdw takes the section's Elf_Data from elf_getdata(), which returns the
	 * same descriptor every time once read: point it at the inflated bytes and
	 * drop SHF_COMPRESSED so that libdw does not try elf_compress() itself.
	 */
	Elf_Data *data = elf_getdata(scn, NULL);
	if (!data) {
		free(out);
		return lc_error_create(LC_ERR_FORMAT, "cannot read compressed section: %s",
				       elf_errmsg(-1));
	}
	data->d_buf = out;
	data->d_size = ch_size;
	data->d_type = ELF_T_BYTE;
	data->d_off = 0;
	data->d_align = 1;
	shdr.sh_flags &= ~(GElf_Xword)SHF_COMPRESSED;
	shdr.sh_size = ch_size;
	if (!gelf_update_shdr(scn, &shdr)) {
		free(out);
		return lc_error_create(LC_ERR_FORMAT, "cannot update section header: %s",
				       elf_errmsg(-1));
	}
	*owned_ret = out;
	return NULL;
}

/* Inflate the debug sections libdw will read; others are never compressed. */
static struct lc_error *inflate_debug_sections(struct lc_vmlinux *vm)
{
	size_t shstrndx;
	if (elf_getshdrstrndx(vm->elf, &shstrndx) < 0)
		return elf_err("no section names in", vm->path);
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(vm->elf, scn))) {
		GElf_Shdr shdr;
		if (!gelf_getshdr(scn, &shdr))
			return elf_err("bad section header in", vm->path);
		const char *name = elf_strptr(vm->elf, shstrndx, shdr.sh_name);
		if (!name || strncmp(name, ".debug_", 7) != 0)
			continue;
		if (strcmp(name, ".debug_info") == 0)
			vm->has_debug_info = true;
		if (!(shdr.sh_flags & SHF_COMPRESSED))
			continue;
		void *owned;
		struct lc_error *err = lc_elf_decompress_section(vm->elf, scn, &owned);
		if (err)
			return lc_error_prefix(err, "'%s' section %s", vm->path, name);
		if (owned) {
			if (!lc_grow((void **)&vm->inflated, &vm->inflated_cap, vm->ninflated + 1,
				     sizeof(*vm->inflated))) {
				free(owned);
				return lc_error_nomem;
			}
			vm->inflated[vm->ninflated++] = owned;
		}
	}
	return NULL;
}

static void vmlinux_free(struct lc_vmlinux *vm)
{
	if (vm->elf)
		elf_end(vm->elf);
	if (vm->fd >= 0)
		close(vm->fd);
	lc_error_destroy(vm->inflate_error);
	for (size_t i = 0; i < vm->ninflated; i++)
		free(vm->inflated[i]);
	free(vm->inflated);
	free(vm->path);
	free(vm);
}
struct lc_error *lc_vmlinux_open(const char *path, struct lc_vmlinux **ret)
{
	struct lc_vmlinux *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return lc_error_nomem;
	vm->fd = -1;
	struct lc_error *err = lc_strdup(path, &vm->path);
	if (err) {
		free(vm);
		return err;
	}
	elf_version(EV_CURRENT);
	vm->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (vm->fd < 0) {
		err = lc_error_create(LC_ERR_OS, "cannot open '%s': %s", path, strerror(errno));
		goto fail;
	}
	/* Private and writable: inflating sections rewrites their headers in memory. */
	vm->elf = elf_begin(vm->fd, ELF_C_READ_MMAP_PRIVATE, NULL);
	if (!vm->elf || elf_kind(vm->elf) != ELF_K_ELF) {
		err = lc_error_create(LC_ERR_FORMAT, "'%s' is not an ELF file", path);
		goto fail;
	}
	GElf_Ehdr ehdr;
	if (!gelf_getehdr(vm->elf, &ehdr)) {
		err = elf_err("bad ELF header in", path);
		goto fail;
	}
	vm->machine = ehdr.e_machine;
	vm->big_endian = ehdr.e_ident[EI_DATA] == ELFDATA2MSB;
	vm->ptr_size = ehdr.e_ident[EI_CLASS] == ELFCLASS64 ? 8 : 4;
	GElf_Shdr shdr;
	if (!find_symtab(vm->elf, &shdr)) {
		err = lc_error_create(LC_ERR_FORMAT,
				      "'%s' has no symbol table (stripped? give the -dbg vmlinux)",
				      path);
		goto fail;
	}
	read_build_id(vm);
	find_banner(vm);
	*ret = vm;
	return NULL;
fail:
	vmlinux_free(vm);
	return err;
}

void lc_vmlinux_destroy(struct lc_vmlinux *vm)
{
	if (vm)
		vmlinux_free(vm);
}

const char *lc_vmlinux_path(const struct lc_vmlinux *vm)
{
	return vm->path;
}

const char *lc_vmlinux_build_id(const struct lc_vmlinux *vm)
{
	return vm->build_id[0] ? vm->build_id : NULL;
}

const char *lc_vmlinux_banner(const struct lc_vmlinux *vm)
{
	return vm->banner[0] ? vm->banner : NULL;
}

uint64_t lc_vmlinux_banner_address(const struct lc_vmlinux *vm)
{
	return vm->banner_address;
}

uint16_t lc_vmlinux_machine(const struct lc_vmlinux *vm)
{
	return vm->machine;
}

bool lc_vmlinux_big_endian(const struct lc_vmlinux *vm)
{
	return vm->big_endian;
}

unsigned lc_vmlinux_ptr_size(const struct lc_vmlinux *vm)
{
	return vm->ptr_size;
}

Elf *lc_vmlinux_debug_elf(struct lc_vmlinux *vm, struct lc_error **err_ret)
{
	*err_ret = NULL;
	if (!vm->inflate_done) {
		vm->inflate_done = true;
		vm->inflate_error = inflate_debug_sections(vm);
	}
	if (vm->inflate_error) {
		*err_ret = lc_error_create(lc_error_code(vm->inflate_error), "%s",
					   lc_error_message(vm->inflate_error));
		return NULL;
	}
	if (!vm->has_debug_info) {
		*err_ret = lc_error_create(LC_ERR_LOOKUP,
					   "'%s' has no DWARF (.debug_info): give the -dbg vmlinux",
					   vm->path);
		return NULL;
	}
	return vm->elf;
}

/* nm's letter for a symbol, from the section it lives in. */
static char symbol_letter(Elf *elf, const GElf_Sym *sym, bool *relocate)
{
	*relocate = true;
	char c;
	if (sym->st_shndx == SHN_ABS) {
		c = 'a';
		*relocate = false;
	} else {
		GElf_Shdr shdr;
		Elf_Scn *scn = elf_getscn(elf, sym->st_shndx);
		if (!scn || !gelf_getshdr(scn, &shdr))
			c = '?';
		else if (shdr.sh_flags & SHF_EXECINSTR)
			c = 't';
		else if (shdr.sh_type == SHT_NOBITS)
			c = 'b';
		else if (shdr.sh_flags & SHF_WRITE)
			c = 'd';
		else
			c = 'r';
		/*
		 * x86_64 links per-CPU variables at offsets from 0 (.data..percpu has
		 * address 0): KASLR does not move them, and kallsyms shows them as is.
		 */
		if (scn && shdr.sh_addr == 0 && (shdr.sh_flags & SHF_ALLOC))
			*relocate = false;
	}
	if (GELF_ST_BIND(sym->st_info) != STB_LOCAL)
		c = (char)(c - 'a' + 'A');
	return c;
}

struct lc_error *lc_vmlinux_load_symbols(const struct lc_vmlinux *vm, uint64_t offset,
					 struct lc_symbols *syms)
{
	GElf_Shdr shdr;
	Elf_Scn *scn = find_symtab(vm->elf, &shdr);
	Elf_Data *data = scn ? elf_getdata(scn, NULL) : NULL;
	if (!data || !shdr.sh_entsize)
		return elf_err("cannot read the symbol table of", vm->path);
	size_t n = data->d_size / shdr.sh_entsize;
	for (size_t i = 1; i < n && i <= INT_MAX; i++) {
		GElf_Sym sym;
		if (!gelf_getsym(data, (int)i, &sym))
			return elf_err("bad symbol in", vm->path);
		int type = GELF_ST_TYPE(sym.st_info);
		if (sym.st_shndx == SHN_UNDEF || type == STT_SECTION || type == STT_FILE)
			continue;
		const char *name = elf_strptr(vm->elf, shdr.sh_link, sym.st_name);
		/* '$x'/'$d' are arm64 mapping symbols, not names kallsyms would show. */
		if (!name || !*name || name[0] == '$')
			continue;
		bool relocate;
		char letter = symbol_letter(vm->elf, &sym, &relocate);
		struct lc_error *err = lc_symbols_add(syms, sym.st_value + (relocate ? offset : 0),
						      name, strnlen(name, 1024), letter, NULL);
		if (err)
			return err;
	}
	return NULL;
}

static const char *release_of_banner(const char *banner, char *buf, size_t size)
{
	static const char prefix[] = "Linux version ";
	if (strncmp(banner, prefix, sizeof(prefix) - 1) != 0)
		return NULL;
	const char *r = banner + sizeof(prefix) - 1;
	size_t len = strcspn(r, " ");
	if (!len || len >= size)
		return NULL;
	memcpy(buf, r, len);
	buf[len] = '\0';
	return buf;
}

/* The banner in the dump's memory at addr, newline stripped; false if unreadable. */
static bool read_dump_banner(struct lc_program *prog, uint64_t addr, char *buf, size_t size)
{
	struct lc_error *err = lc_read_cstr(prog, addr, buf, size);
	if (err) {
		lc_error_destroy(err);
		return false;
	}
	buf[strcspn(buf, "\n")] = '\0';
	return true;
}

struct lc_error *lc_vmlinux_verify(const struct lc_vmlinux *vm, struct lc_program *prog)
{
	const char *id_source = NULL;
	const char *dump_id = lc_program_build_id(prog, &id_source);
	if (dump_id && *dump_id && vm->build_id[0]) {
		/* VMCOREINFO may carry a longer or shorter hex string than the note. */
		size_t a = strlen(dump_id), b = strlen(vm->build_id);
		size_t n = a < b ? a : b;
		if (n < 16 || strncasecmp(dump_id, vm->build_id, n) != 0)
			return lc_error_create(LC_ERR_MISMATCH,
					       "'%s' does not match the dump: its build-id is %s, "
					       "%s says %s",
					       vm->path, vm->build_id, id_source, dump_id);
		return NULL;
	}
	char buf[MAX_BANNER], rel[128];
	if (vm->banner[0] &&
	    read_dump_banner(prog, vm->banner_address + prog->kaslr_offset, buf, sizeof(buf))) {
		if (strcmp(buf, vm->banner) != 0)
			return lc_error_create(
				LC_ERR_MISMATCH,
				"'%s' does not match the dump: its banner is '%s', the "
				"dump has '%.200s' at linux_banner",
				vm->path, vm->banner, buf);
		return NULL;
	}
	const char *osrelease =
		prog->has_vmcoreinfo ? lc_vmcoreinfo_get(&prog->vmcoreinfo, "OSRELEASE") : NULL;
	const char *vrel = vm->banner[0] ? release_of_banner(vm->banner, rel, sizeof(rel)) : NULL;
	if (osrelease && vrel && strcmp(osrelease, vrel) != 0)
		return lc_error_create(
			LC_ERR_MISMATCH,
			"'%s' does not match the dump: it is Linux %s, the dump is %s", vm->path,
			vrel, osrelease);
	return NULL;
}

struct lc_error *lc_system_map_verify(struct lc_program *prog, const char *path)
{
	/* Symbols VMCOREINFO records: a System.map of another build puts them elsewhere. */
	static const char *const names[] = {"init_uts_ns", "swapper_pg_dir", "_stext"};
	for (size_t i = 0; prog->has_vmcoreinfo && i < LC_ARRAY_SIZE(names); i++) {
		uint64_t want;
		const struct lc_symbol *sym = lc_symbols_find(&prog->symbols, names[i]);
		if (!sym || !lc_vmcoreinfo_symbol(&prog->vmcoreinfo, names[i], &want))
			continue;
		if (sym->address != want)
			return lc_error_create(LC_ERR_MISMATCH,
					       "'%s' does not match the dump: %s is at 0x%" PRIx64
					       " (KASLR applied), VMCOREINFO says 0x%" PRIx64,
					       path, names[i], sym->address, want);
	}
	const struct lc_symbol *banner = lc_symbols_find(&prog->symbols, "linux_banner");
	char buf[MAX_BANNER], rel[128];
	if (!banner || !read_dump_banner(prog, banner->address, buf, sizeof(buf)))
		return NULL;
	const char *release = release_of_banner(buf, rel, sizeof(rel));
	if (!release)
		return lc_error_create(
			LC_ERR_MISMATCH,
			"'%s' does not match the dump: no banner at its linux_banner "
			"(0x%" PRIx64 ")",
			path, banner->address);
	const char *osrelease =
		prog->has_vmcoreinfo ? lc_vmcoreinfo_get(&prog->vmcoreinfo, "OSRELEASE") : NULL;
	if (osrelease && strcmp(osrelease, release) != 0)
		return lc_error_create(
			LC_ERR_MISMATCH,
			"'%s' does not match the dump: the banner at its linux_banner "
			"says %s, VMCOREINFO says %s",
			path, release, osrelease);
	return NULL;
}
