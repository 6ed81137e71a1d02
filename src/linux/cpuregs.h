/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Registers of every CPU at crash time: the dump's PRSTATUS notes matched to
 * CPU numbers, with the kernel's per-CPU crash_notes buffers as a fallback and
 * as the key for matching. CPUs that never saved registers (they missed the
 * crash NMI/IPI) are reported, never silently numbered after their neighbours.
 */
#ifndef LC_LINUX_CPUREGS_H
#define LC_LINUX_CPUREGS_H

#include <stdbool.h>
#include <stdint.h>

#include "lockcore/error.h"
#include "unwind.h"

struct lc_program;

struct lc_cpu_regs {
	bool have;          /* regs is usable */
	int note;           /* index of the dump's PRSTATUS note, or -1 */
	bool from_memory;   /* taken from the in-memory crash_notes buffer */
	int32_t pid;        /* pr_pid of the note */
	struct lc_regset regs;
	bool crash_notes_saved; /* the CPU's crash_notes buffer holds a PRSTATUS */
	/* No note, yet a filled crash_notes buffer, in a dump whose notes are the
	 * crash_notes: the CPU saved its registers after the capture kernel read them. */
	bool late_note;
	char source[64];        /* "PRSTATUS note 2", "crash_notes (no note in the dump)" */
};

struct lc_cpuregs {
	unsigned nr_cpus;
	struct lc_cpu_regs *cpus;
	unsigned nnotes;
	/* How notes were matched to CPUs, for humans. */
	const char *mapping;
	/* Problems met (unmatched notes, unreadable buffers); results stay usable. */
	char *warnings;
};

/* Read once per program (borrowed; cached by unwind.c). */
struct lc_error *lc_cpuregs_get(struct lc_program *prog, const struct lc_cpuregs **ret);
/* Read afresh; the caller owns the result. */
struct lc_error *lc_cpuregs_build(struct lc_program *prog, struct lc_cpuregs **ret);
void lc_cpuregs_destroy(struct lc_cpuregs *cr);

/*
 * Decode the descriptor of an NT_PRSTATUS note (struct elf_prstatus) into a
 * register set of ngregs slots: pr_pid sits at byte 32 and pr_reg at byte 112
 * on every 64-bit Linux architecture (the core-file ABI never changed).
 */
struct lc_error *lc_prstatus_decode(const uint8_t *desc, size_t size, bool big_endian,
				    unsigned ngregs, int32_t *pid_ret, struct lc_regset *ret);

/*
 * Match notes to CPUs. note_regs/note_pids: the notes in file order; mem: each
 * CPU's crash_notes contents (mem_valid false when empty or unreadable); present
 * marks CPUs that should have a note; curr_pids: pid of rq->curr per CPU, -1 if
 * unknown. Writes the note index of each CPU (or -1) to cpu_note and returns a
 * description of the method. Pure, for tests.
 */
const char *lc_cpuregs_match(unsigned nnotes, const struct lc_regset *note_regs,
			     const int32_t *note_pids, unsigned ncpus, const struct lc_regset *mem,
			     const bool *mem_valid, const int32_t *mem_pids, const bool *present,
			     const int32_t *curr_pids, int *cpu_note);

#endif
