// SPDX-License-Identifier: LGPL-2.1-or-later
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "json.h"
#include "linux/kernel.h"
#include "linux/modules.h"
#include "linux/printk.h"
#include "program.h"

struct info {
	const struct lc_dump_desc *desc;
	const struct lc_kernel *k; /* NULL when the basics could not be read */
	const char *kernel_error;
	const char *build_id;
	char *panic_message; /* from the kernel log; NULL when there was no panic */
};

static const char *file_status(enum lc_module_file_status s)
{
	switch (s) {
	case LC_MODULE_FILE_USED:
		return "used";
	case LC_MODULE_FILE_NOT_LOADED:
		return "not loaded";
	case LC_MODULE_FILE_UNVERIFIED:
		return "unverified";
	}
	return "unknown";
}

/* -m: which modules have their symbols from a file, how placed and verified. */
static void module_files_json(struct lc_json *j, const struct lc_program *prog)
{
	lc_json_key(j, "module_files");
	lc_json_begin_array(j);
	for (size_t i = 0; prog->modules && i < prog->modules->nfiles; i++) {
		const struct lc_module_file *f = &prog->modules->files[i];
		lc_json_begin_object(j);
		lc_json_key(j, "file");
		lc_json_string(j, f->path);
		lc_json_key(j, "module");
		lc_json_string(j, f->module[0] ? f->module : NULL);
		lc_json_key(j, "status");
		lc_json_string(j, file_status(f->status));
		lc_json_key(j, "symbols");
		lc_json_uint(j, f->nsyms);
		lc_json_key(j, "unplaced_symbols");
		lc_json_uint(j, f->unplaced);
		lc_json_key(j, "verified_by");
		lc_json_string(j, f->verified[0] ? f->verified : NULL);
		lc_json_key(j, "note");
		lc_json_string(j, f->note[0] ? f->note : NULL);
		lc_json_key(j, "sections");
		lc_json_begin_array(j);
		for (size_t k = 0; k < f->nsections; k++) {
			lc_json_begin_object(j);
			lc_json_key(j, "name");
			lc_json_string(j, f->sections[k].name);
			lc_json_key(j, "address");
			lc_json_address(j, f->sections[k].address);
			lc_json_key(j, "from");
			lc_json_string(j, f->sections[k].from);
			lc_json_end_object(j);
		}
		lc_json_end_array(j);
		lc_json_end_object(j);
	}
	lc_json_end_array(j);
}

static void render_json(struct lc_program *prog, const struct info *in)
{
	struct lc_json j;
	lc_json_init(&j, stdout, true);
	lc_json_begin_object(&j);
	lc_json_key(&j, "format");
	lc_json_string(&j, in->desc->format);
	lc_json_key(&j, "wrapper");
	lc_json_string(&j, in->desc->wrapper);
	lc_json_key(&j, "files");
	lc_json_uint(&j, in->desc->files);
	lc_json_key(&j, "arch");
	lc_json_string(&j, lc_arch_machine(prog->arch, prog->big_endian));
	lc_json_key(&j, "endianness");
	lc_json_string(&j, in->desc->big_endian ? "big" : "little");
	lc_json_key(&j, "page_size");
	lc_json_uint(&j, in->desc->page_size);
	lc_json_key(&j, "release");
	const char *release = in->k ? in->k->release
				    : lc_vmcoreinfo_get(&prog->vmcoreinfo, "OSRELEASE");
	lc_json_string(&j, release && *release ? release : NULL);
	lc_json_key(&j, "version");
	lc_json_string(&j, in->k && in->k->version[0] ? in->k->version : NULL);
	lc_json_key(&j, "build_id");
	lc_json_string(&j, in->build_id);
	lc_json_key(&j, "cpus");
	if (in->k)
		lc_json_uint(&j, in->k->possible_count);
	else
		lc_json_null(&j);
	lc_json_key(&j, "cpus_present");
	if (in->k)
		lc_json_uint(&j, in->k->present_count);
	else
		lc_json_null(&j);
	lc_json_key(&j, "cpus_online");
	if (in->k)
		lc_json_uint(&j, in->k->online_count);
	else
		lc_json_null(&j);
	lc_json_key(&j, "cpu_notes");
	lc_json_uint(&j, in->desc->note_cpus);
	lc_json_key(&j, "crashed_cpu");
	if (in->k && in->k->crashed_cpu >= 0)
		lc_json_int(&j, in->k->crashed_cpu);
	else
		lc_json_null(&j);
	lc_json_key(&j, "crashed_cpu_source");
	lc_json_string(&j, in->k ? in->k->crashed_cpu_source : NULL);
	lc_json_key(&j, "panic_message");
	lc_json_string(&j, in->panic_message);
	lc_json_key(&j, "uptime_seconds");
	if (in->k && in->k->uptime_ns)
		lc_json_double(&j, (double)in->k->uptime_ns / 1e9);
	else
		lc_json_null(&j);
	lc_json_key(&j, "kaslr_offset");
	lc_json_address(&j, prog->kaslr_offset);
	lc_json_key(&j, "kaslr_source");
	lc_json_string(&j, prog->kaslr_source);
	lc_json_key(&j, "vmcoreinfo");
	lc_json_bool(&j, prog->has_vmcoreinfo);
	lc_json_key(&j, "symbols");
	lc_json_string(&j, prog->symbols_source);
	lc_json_key(&j, "types");
	lc_json_string(&j, prog->types_source);
	module_files_json(&j, prog);
	lc_json_key(&j, "warnings");
	lc_json_begin_array(&j);
	if (in->kernel_error)
		lc_json_string(&j, in->kernel_error);
	if (in->k && in->k->warnings)
		lc_json_string(&j, in->k->warnings);
	lc_json_end_array(&j);
	lc_json_end_object(&j);
	lc_json_finish(&j);
}

static void render_text(struct lc_program *prog, const struct info *in)
{
	const struct lc_dump_desc *d = in->desc;
	printf("%-16s %s%s%s", "format", d->format, d->wrapper ? " in " : "",
	       d->wrapper ? d->wrapper : "");
	if (d->files > 1)
		printf(" (split over %u files)", d->files);
	printf("\n");
	printf("%-16s %s (%s-endian, %" PRIu64 "-byte pages)\n", "architecture",
	       lc_arch_machine(prog->arch, prog->big_endian),
	       d->big_endian ? "big" : "little", d->page_size);
	const char *release = in->k ? in->k->release
				    : lc_vmcoreinfo_get(&prog->vmcoreinfo, "OSRELEASE");
	printf("%-16s %s\n", "release", release && *release ? release : "(unknown)");
	if (in->k && in->k->version[0])
		printf("%-16s %s\n", "version", in->k->version);
	if (in->build_id)
		printf("%-16s %s\n", "build-id", in->build_id);
	if (in->k) {
		printf("%-16s %u possible, %u present, %u online; %u CPU notes in the dump\n",
		       "cpus", in->k->possible_count, in->k->present_count, in->k->online_count,
		       d->note_cpus);
		if (in->k->crashed_cpu >= 0)
			printf("%-16s %d (from %s)\n", "crashed cpu", in->k->crashed_cpu,
			       in->k->crashed_cpu_source);
		else
			printf("%-16s none (no panic recorded: live capture or hang)\n",
			       "crashed cpu");
		if (in->panic_message)
			printf("%-16s %s\n", "panic", in->panic_message);
		if (in->k->uptime_ns)
			printf("%-16s %.2f s (HZ=%" PRIu64 ")\n", "uptime",
			       (double)in->k->uptime_ns / 1e9, in->k->hz);
	}
	printf("%-16s 0x%" PRIx64 "\n", "kaslr offset", prog->kaslr_offset);
	if (prog->kaslr_source)
		printf("%-16s %s\n", "kaslr from", prog->kaslr_source);
	printf("%-16s %s\n", "vmcoreinfo", prog->has_vmcoreinfo ? "yes" : "no");
	printf("%-16s %s\n", "symbols", prog->symbols_source ? prog->symbols_source : "none");
	printf("%-16s %s\n", "types", prog->types_source ? prog->types_source : "none");
	for (size_t i = 0; prog->modules && i < prog->modules->nfiles; i++) {
		const struct lc_module_file *f = &prog->modules->files[i];
		if (f->status == LC_MODULE_FILE_USED)
			printf("%-16s %s: %zu symbols from '%s' (verified: %s)%s%s\n",
			       "module symbols", f->module, f->nsyms, f->path, f->verified,
			       f->note[0] ? "; " : "", f->note);
		else
			printf("%-16s '%s' not used: %s\n", "module symbols", f->path, f->note);
	}
	if (in->kernel_error)
		printf("warning: %s\n", in->kernel_error);
	if (in->k && in->k->warnings)
		printf("warning: %s\n", in->k->warnings);
}

int lc_cmd_info(struct lc_cli *cli)
{
	if (cli->argc > 0) {
		fprintf(stderr,
			"lockcore: info: unexpected argument '%s' (usage: lockcore info "
			"DUMP [MORE SPLIT PARTS])\n",
			cli->argv[0]);
		return 2;
	}
	struct lc_program *prog;
	struct lc_error *err = lc_cli_open(cli, &prog);
	if (err)
		return lc_cli_fail(err);
	struct info in = {.desc = prog->desc};
	in.build_id = lc_program_build_id(prog, NULL);
	err = lc_kernel_get(prog, &in.k);
	if (err)
		in.kernel_error = lc_error_message(err);
	/* The panic message only lives in the log; without one, say nothing. */
	lc_error_destroy(lc_printk_panic_message(prog, &in.panic_message));
	if (cli->json)
		render_json(prog, &in);
	else
		render_text(prog, &in);
	lc_error_destroy(err);
	free(in.panic_message);
	lc_program_destroy(prog);
	return 0;
}
