// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdarg.h>
#include <stdio.h>

#include "dump_notes.h"
#include "linux/cpuregs.h"
#include "linux/kernel.h"
#include "program.h"
#include "read.h"
#include "util.h"

enum {
	NT_PRSTATUS = 1,
	PRSTATUS_PID_OFFSET = 32,
	PRSTATUS_REG_OFFSET = 112,
	/* A note_buf_t is a few hundred bytes; refuse anything claiming more. */
	MAX_NOTE_DESC = 2048,
};

struct lc_error *lc_prstatus_decode(const uint8_t *desc, size_t size, bool big_endian,
				    unsigned ngregs, int32_t *pid_ret, struct lc_regset *ret)
{
	if (ngregs > LC_REGS_MAX || size < PRSTATUS_REG_OFFSET + (size_t)ngregs * 8)
		return lc_error_create(LC_ERR_BAD_DATA,
				       "PRSTATUS of %zu bytes is too small for %u registers", size,
				       ngregs);
	memset(ret, 0, sizeof(*ret));
	for (unsigned i = 0; i < ngregs; i++)
		lc_regset_set(ret, i, lc_load_uint(desc + PRSTATUS_REG_OFFSET + i * 8, 8, big_endian));
	*pid_ret = (int32_t)lc_load_uint(desc + PRSTATUS_PID_OFFSET, 4, big_endian);
	return NULL;
}

static bool regs_equal(const struct lc_regset *a, const struct lc_regset *b)
{
	uint64_t both = a->valid & b->valid;
	if (!both)
		return false;
	for (unsigned i = 0; i < LC_REGS_MAX; i++) {
		if ((both & (1ull << i)) && a->r[i] != b->r[i])
			return false;
	}
	return true;
}

const char *lc_cpuregs_match(unsigned nnotes, const struct lc_regset *note_regs,
			     const int32_t *note_pids, unsigned ncpus, const struct lc_regset *mem,
			     const bool *mem_valid, const int32_t *mem_pids, const bool *present,
			     const int32_t *curr_pids, int *cpu_note)
{
	int *note_cpu = malloc((nnotes ? nnotes : 1) * sizeof(*note_cpu));
	if (!note_cpu)
		return "out of memory";
	for (unsigned c = 0; c < ncpus; c++)
		cpu_note[c] = -1;
	for (unsigned i = 0; i < nnotes; i++)
		note_cpu[i] = -1;

	/*
	 * The kernel writes each CPU's registers into its own crash_notes buffer
	 * and /proc/vmcore copies the non-empty ones in CPU order: an identical
	 * buffer names the CPU for sure.
	 */
	unsigned by_memory = 0, by_order = 0, by_pid = 0;
	for (unsigned i = 0; i < nnotes; i++) {
		int found = -1, hits = 0;
		for (unsigned c = 0; c < ncpus; c++) {
			if (mem_valid[c] && mem_pids[c] == note_pids[i] &&
			    regs_equal(&note_regs[i], &mem[c])) {
				found = (int)c;
				hits++;
			}
		}
		if (hits == 1 && cpu_note[found] < 0) {
			cpu_note[found] = (int)i;
			note_cpu[i] = found;
			by_memory++;
		}
	}

	/*
	 * The rest lie between matched neighbours (notes keep CPU order). In a
	 * gap with as many candidate CPUs as notes (a hypervisor dump writes one
	 * per vCPU), take them in order; otherwise only a unique non-zero pid of
	 * the CPU's current task identifies one.
	 */
	unsigned i = 0;
	while (i < nnotes) {
		if (note_cpu[i] >= 0) {
			i++;
			continue;
		}
		unsigned j = i;
		while (j < nnotes && note_cpu[j] < 0)
			j++;
		int lo = i > 0 ? note_cpu[i - 1] : -1;
		int hi = j < nnotes ? note_cpu[j] : (int)ncpus;
		unsigned ncand = 0;
		for (int c = lo + 1; c < hi; c++) {
			if (present[c] && cpu_note[c] < 0 && !mem_valid[c])
				ncand++;
		}
		if (ncand == j - i) {
			unsigned k = i;
			for (int c = lo + 1; c < hi; c++) {
				if (present[c] && cpu_note[c] < 0 && !mem_valid[c]) {
					cpu_note[c] = (int)k;
					note_cpu[k++] = c;
					by_order++;
				}
			}
		} else {
			for (unsigned k = i; k < j; k++) {
				if (note_pids[k] <= 0)
					continue;
				int found = -1, hits = 0;
				for (int c = lo + 1; c < hi; c++) {
					if (cpu_note[c] < 0 && curr_pids[c] == note_pids[k]) {
						found = c;
						hits++;
					}
				}
				if (hits == 1) {
					cpu_note[found] = (int)k;
					note_cpu[k] = found;
					by_pid++;
				}
			}
		}
		i = j;
	}
	free(note_cpu);
	if (nnotes == 0)
		return "no PRSTATUS notes";
	if (by_memory == nnotes)
		return "matched to the CPUs' crash_notes buffers";
	if (by_order == nnotes)
		return "one note per CPU, in CPU order";
	if (by_memory + by_order + by_pid == nnotes)
		return "matched to crash_notes buffers, then by CPU order and current pid";
	return "partly matched: some notes fit no CPU";
}

/* Read one CPU's note_buf_t: an ELF note header, "CORE", then struct elf_prstatus. */
static struct lc_error *read_crash_note(struct lc_program *prog, uint64_t addr, bool *valid,
					int32_t *pid, struct lc_regset *regs)
{
	uint8_t hdr[12];
	*valid = false;
	struct lc_error *err = lc_read(prog, addr, hdr, sizeof(hdr));
	if (err)
		return err;
	uint32_t namesz = (uint32_t)lc_decode_uint(prog, hdr, 4);
	uint32_t descsz = (uint32_t)lc_decode_uint(prog, hdr + 4, 4);
	uint32_t type = (uint32_t)lc_decode_uint(prog, hdr + 8, 4);
	/* An empty buffer (namesz 0) is a CPU that never saved its registers. */
	if (namesz != 5 || type != NT_PRSTATUS || descsz > MAX_NOTE_DESC)
		return NULL;
	uint8_t desc[MAX_NOTE_DESC];
	err = lc_read(prog, addr + 12 + 8, desc, descsz);
	if (err)
		return err;
	err = lc_prstatus_decode(desc, descsz, prog->big_endian, prog->arch->ngregs, pid, regs);
	if (err)
		return err;
	*valid = true;
	return NULL;
}

/* The notes of the dump in file order: raw notes, else libkdumpfile's attributes. */
static struct lc_error *read_notes(struct lc_program *prog, struct lc_regset **regs_ret,
				   int32_t **pids_ret, unsigned *count_ret)
{
	const struct lc_arch_ops *arch = prog->arch;
	const uint8_t *buf;
	size_t size;
	struct lc_regset *regs = NULL;
	int32_t *pids = NULL;
	size_t cap = 0, pcap = 0;
	unsigned n = 0;
	struct lc_error *err = lc_dump_notes(prog->dump, &buf, &size);
	if (!err) {
		size_t pos = 0;
		struct lc_note note;
		while (lc_note_next(buf, size, prog->big_endian, &pos, &note)) {
			if (note.type != NT_PRSTATUS || note.name_size < 4 ||
			    memcmp(note.name, "CORE", 4) != 0)
				continue;
			if (n >= 65536)
				break;
			if (!lc_grow((void **)&regs, &cap, n + 1, sizeof(*regs)) ||
			    !lc_grow((void **)&pids, &pcap, n + 1, sizeof(*pids))) {
				free(regs);
				free(pids);
				return lc_error_nomem;
			}
			err = lc_prstatus_decode(note.desc, note.desc_size, prog->big_endian,
						 arch->ngregs, &pids[n], &regs[n]);
			if (err) {
				free(regs);
				free(pids);
				return lc_error_prefix(err, "PRSTATUS note %u", n);
			}
			n++;
		}
		*regs_ret = regs;
		*pids_ret = pids;
		*count_ret = n;
		return NULL;
	}
	lc_error_destroy(err);
	n = prog->desc->note_cpus;
	if (n > 65536)
		n = 65536;
	regs = calloc(n ? n : 1, sizeof(*regs));
	pids = calloc(n ? n : 1, sizeof(*pids));
	if (!regs || !pids) {
		free(regs);
		free(pids);
		return lc_error_nomem;
	}
	for (unsigned i = 0; i < n; i++) {
		for (unsigned r = 0; r < arch->ngregs; r++) {
			uint64_t v;
			if (!arch->gregs[r])
				continue;
			struct lc_error *e = lc_dump_register(prog->dump, i, arch->gregs[r], &v);
			if (e)
				lc_error_destroy(e);
			else
				lc_regset_set(&regs[i], r, v);
		}
		uint64_t pid;
		lc_error_destroy(lc_dump_note_pid(prog->dump, i, &pid));
		pids[i] = (int32_t)pid;
	}
	*regs_ret = regs;
	*pids_ret = pids;
	*count_ret = n;
	return NULL;
}

void lc_cpuregs_destroy(struct lc_cpuregs *cr)
{
	if (!cr)
		return;
	free(cr->cpus);
	free(cr->warnings);
	free(cr);
}

/*
 * A hypervisor's dump (QEMU dump-guest-memory) carries per-vCPU notes the
 * kernel never writes: "QEMU" CPU state on x86, floating-point/vector register
 * sets (NT_PRFPREG, NT_PPC_VMX/VSX/SPE) on arm64 and ppc64. /proc/vmcore has
 * only PRSTATUS (from crash_notes) and VMCOREINFO.
 */
static bool is_hypervisor_dump(struct lc_program *prog)
{
	const uint8_t *notes;
	size_t size, pos = 0;
	struct lc_error *err = lc_dump_notes(prog->dump, &notes, &size);
	if (err) {
		lc_error_destroy(err);
		return false;
	}
	struct lc_note note;
	while (lc_note_next(notes, size, prog->big_endian, &pos, &note)) {
		if (note.name_size >= 4 && memcmp(note.name, "QEMU", 4) == 0)
			return true;
		if (note.name_size >= 4 && memcmp(note.name, "CORE", 4) == 0 &&
		    (note.type == 2 || (note.type >= 0x100 && note.type <= 0x102)))
			return true;
	}
	return false;
}

static struct lc_error *build(struct lc_program *prog, struct lc_cpuregs *cr)
{
	const struct lc_kernel *k;
	struct lc_error *err = lc_kernel_get(prog, &k);
	if (err)
		return err;
	unsigned n = k->nr_cpu_ids;
	cr->nr_cpus = n;
	cr->cpus = calloc(n, sizeof(*cr->cpus));
	struct lc_regset *mem = calloc(n, sizeof(*mem));
	bool *mem_valid = calloc(n, sizeof(*mem_valid));
	bool *present = calloc(n, sizeof(*present));
	int32_t *mem_pids = calloc(n, sizeof(*mem_pids));
	int32_t *curr_pids = calloc(n, sizeof(*curr_pids));
	int *cpu_note = calloc(n, sizeof(*cpu_note));
	struct lc_regset *note_regs = NULL;
	int32_t *note_pids = NULL;
	unsigned nnotes = 0;
	if (!cr->cpus || !mem || !mem_valid || !present || !mem_pids || !curr_pids || !cpu_note) {
		err = lc_error_nomem;
		goto out;
	}
	err = read_notes(prog, &note_regs, &note_pids, &nnotes);
	if (err)
		goto out;
	cr->nnotes = nnotes;

	uint64_t crash_notes = 0;
	struct lc_error *e = lc_symbol_address(prog, "crash_notes", &crash_notes);
	if (!e)
		e = lc_read_ulong(prog, crash_notes, &crash_notes);
	if (e) {
		/* No kexec support, or the pointer is unreadable: notes alone must do. */
		lc_lines_appendf(&cr->warnings, "crash_notes unavailable: %s", lc_error_message(e));
		lc_error_destroy(e);
		crash_notes = 0;
	}
	for (unsigned c = 0; c < n; c++) {
		/* After a panic without kdump, smp_send_stop() clears the online bits. */
		present[c] = k->cpus[c].present || k->cpus[c].online;
		curr_pids[c] = -1;
		if (k->cpus[c].curr) {
			uint64_t pid;
			e = lc_read_member(prog, k->cpus[c].curr, "struct task_struct", "pid", &pid);
			if (!e)
				curr_pids[c] = (int32_t)pid;
			lc_error_destroy(e);
		}
		if (!crash_notes || !k->cpus[c].possible)
			continue;
		e = read_crash_note(prog, crash_notes + k->cpus[c].percpu_offset, &mem_valid[c],
				    &mem_pids[c], &mem[c]);
		if (e) {
			lc_lines_appendf(&cr->warnings, "crash_notes of CPU %u: %s", c,
					 lc_error_message(e));
			lc_error_destroy(e);
		}
		cr->cpus[c].crash_notes_saved = mem_valid[c];
	}
	unsigned npresent = 0;
	for (unsigned c = 0; c < n; c++)
		npresent += present[c];
	if (is_hypervisor_dump(prog) && nnotes == npresent) {
		/*
		 * QEMU's dump-guest-memory writes one PRSTATUS per vCPU, in vCPU
		 * order, with the registers the vCPU had when the guest was
		 * stopped. crash_notes in memory may hold an older picture (a
		 * crash path that ran, then hung): the live registers win.
		 */
		unsigned i = 0;
		for (unsigned c = 0; c < n; c++)
			cpu_note[c] = present[c] ? (int)i++ : -1;
		cr->mapping = "hypervisor dump: one note per vCPU, in order";
	} else {
		cr->mapping = lc_cpuregs_match(nnotes, note_regs, note_pids, n, mem, mem_valid,
					       mem_pids, present, curr_pids, cpu_note);
	}
	/*
	 * In a kdump dump the notes are copies of the crash_notes buffers taken
	 * when the capture kernel started; then a CPU whose buffer is filled but
	 * has no note wrote it afterwards.
	 */
	bool notes_are_crash_notes = false;
	for (unsigned c = 0; c < n; c++) {
		if (cpu_note[c] >= 0 && mem_valid[c] && regs_equal(&note_regs[cpu_note[c]], &mem[c]))
			notes_are_crash_notes = true;
	}
	bool *used = calloc(nnotes ? nnotes : 1, sizeof(*used));
	if (!used) {
		err = lc_error_nomem;
		goto out;
	}
	for (unsigned c = 0; c < n; c++) {
		struct lc_cpu_regs *cpu = &cr->cpus[c];
		cpu->note = cpu_note[c];
		if (cpu_note[c] >= 0) {
			used[cpu_note[c]] = true;
			cpu->have = true;
			cpu->regs = note_regs[cpu_note[c]];
			cpu->pid = note_pids[cpu_note[c]];
			snprintf(cpu->source, sizeof(cpu->source), "PRSTATUS note %d", cpu_note[c]);
		} else if (mem_valid[c] && notes_are_crash_notes) {
			/* Too late for the capture kernel: not the CPU's state at the crash. */
			cpu->late_note = true;
		} else if (mem_valid[c]) {
			cpu->have = true;
			cpu->from_memory = true;
			cpu->regs = mem[c];
			cpu->pid = mem_pids[c];
			snprintf(cpu->source, sizeof(cpu->source), "crash_notes (no note in the dump)");
		}
	}
	for (unsigned i = 0; i < nnotes; i++) {
		if (!used[i])
			lc_lines_appendf(&cr->warnings, "PRSTATUS note %u (pid %d) matches no CPU",
					 i, note_pids[i]);
	}
	free(used);
out:
	free(mem);
	free(mem_valid);
	free(present);
	free(mem_pids);
	free(curr_pids);
	free(cpu_note);
	free(note_regs);
	free(note_pids);
	return err;
}

struct lc_error *lc_cpuregs_build(struct lc_program *prog, struct lc_cpuregs **ret)
{
	struct lc_cpuregs *cr = calloc(1, sizeof(*cr));
	if (!cr)
		return lc_error_nomem;
	struct lc_error *err = build(prog, cr);
	if (err) {
		lc_cpuregs_destroy(cr);
		return lc_error_prefix(err, "reading CPU registers");
	}
	*ret = cr;
	return NULL;
}
