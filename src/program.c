// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kallsyms.h"
#include "linux/kernel.h"
#include "linux/printk.h"
#include "linux/task.h"
#include "program.h"
#include "read.h"
#include "unwind.h"

static struct lc_error *load_symbols(struct lc_program *prog, const struct lc_program_options *opts)
{
	struct lc_error *err = NULL;
	if (opts && opts->system_map) {
		err = lc_symbols_load_system_map(&prog->symbols, opts->system_map);
		if (err)
			return err;
		/* System.map holds link-time addresses; KASLR moved the kernel. */
		if (prog->kaslr_offset) {
			for (size_t i = 0; i < prog->symbols.count; i++)
				prog->symbols.syms[i].address += prog->kaslr_offset;
		}
		prog->symbols_source = "System.map";
	} else {
		err = lc_kallsyms_load_vmcoreinfo(prog, &prog->symbols);
		if (err)
			return lc_error_prefix(err, "no symbols: give a System.map or vmlinux");
		prog->symbols_source = "kallsyms (located by VMCOREINFO)";
	}
	return lc_symbols_finalize(&prog->symbols);
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

static struct lc_error *load_types(struct lc_program *prog)
{
	struct lc_types *types;
	struct lc_error *err = lc_types_create(&types);
	if (err)
		return err;
	void *data = NULL;
	size_t size = 0;
	if (prog->btf_path) {
		err = read_file(prog->btf_path, &data, &size);
		prog->types_source = "BTF (detached file)";
	} else {
		uint64_t start, stop;
		err = lc_symbol_address(prog, "__start_BTF", &start);
		if (!err)
			err = lc_symbol_address(prog, "__stop_BTF", &stop);
		if (!err && (stop <= start || stop - start > 256 * 1024 * 1024))
			err = lc_error_create(LC_ERR_BAD_DATA,
					      "BTF bounds 0x%" PRIx64 "-0x%" PRIx64 " are implausible",
					      start, stop);
		if (!err) {
			size = stop - start;
			data = malloc(size);
			if (!data)
				err = lc_error_nomem;
			else
				err = lc_read(prog, start, data, size);
		}
		if (err)
			err = lc_error_prefix(err, "kernel BTF (the kernel may lack CONFIG_DEBUG_INFO_BTF: "
						   "give --btf or --vmlinux)");
		prog->types_source = "BTF (from the dump)";
	}
	struct lc_type_source *src = NULL;
	if (!err)
		err = lc_btf_create(data, size, NULL, &src);
	if (!err)
		err = lc_types_add_source(types, src);
	if (err) {
		free(data);
		lc_types_destroy(types);
		prog->types_source = NULL;
		return err;
	}
	free(data); /* the BTF source keeps its own copy */
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
	struct lc_program *prog = calloc(1, sizeof(*prog));
	if (!prog)
		return lc_error_nomem;
	lc_symbols_init(&prog->symbols);
	lc_vmcoreinfo_init(&prog->vmcoreinfo);

	struct lc_error *err = lc_dump_open(dump_path, opts ? opts->progress : NULL,
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
		err = lc_error_create(LC_ERR_UNSUPPORTED,
				      "reading a DWARF vmlinux is not implemented yet");
		goto fail;
	}
	if (!prog->has_vmcoreinfo && !(opts && opts->system_map)) {
		err = lc_error_create(LC_ERR_LOOKUP,
				      "'%s' has no VMCOREINFO: give a System.map (--system-map) or a "
				      "vmlinux (-k) of the dumped kernel",
				      dump_path);
		goto fail;
	}
	err = load_symbols(prog, opts);
	if (err)
		goto fail;
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
	lc_kernel_destroy(prog->kernel);
	lc_types_destroy(prog->types);
	lc_error_destroy(prog->types_error);
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
