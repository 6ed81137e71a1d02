/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The stack model: one stack per CPU (from its crash-time registers) or per
 * switched-out task (from its saved context), each a list of frames with the
 * stack it lies on, saved registers for exception frames and the reason the
 * walk stopped. Built on demand through the arch table's unwinder and cached
 * per program, so that lock readers can scan frames without unwinding twice.
 *
 * Unwinders never trust the dump: every frame is read through a fallible
 * reader, every walk is bounded, and a walk that cannot go on keeps what it
 * has and says why.
 */
#ifndef LC_UNWIND_H
#define LC_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lockcore/error.h"
#include "linux/modules.h"
#include "symbols.h"

struct lc_program;
struct lc_symbols;
struct lc_arch_ops;
struct lc_debuginfo;

/* Enough for the largest register note we decode (ppc64: 48 slots). */
enum { LC_REGS_MAX = 48 };

/* Registers in the architecture's ELF gregset (= pt_regs prefix) order. */
struct lc_regset {
	uint64_t r[LC_REGS_MAX];
	uint64_t valid; /* bit i set: r[i] is known */
};

static inline void lc_regset_set(struct lc_regset *rs, unsigned i, uint64_t v)
{
	rs->r[i] = v;
	rs->valid |= 1ull << i;
}

static inline bool lc_regset_get(const struct lc_regset *rs, unsigned i, uint64_t *ret)
{
	if (i >= LC_REGS_MAX || !(rs->valid & (1ull << i)))
		return false;
	*ret = rs->r[i];
	return true;
}

enum lc_stack_kind {
	LC_STACK_UNKNOWN,
	LC_STACK_TASK,
	LC_STACK_IRQ,
	LC_STACK_SOFTIRQ,
	LC_STACK_NMI,
	LC_STACK_EXCEPTION, /* x86 #DF/#DB/#MC/#VC IST stacks */
	LC_STACK_EMERGENCY, /* ppc64 paca emergency / machine-check stacks */
	LC_STACK_OVERFLOW,  /* arm64 per-CPU overflow stack */
	LC_STACK_SDEI,      /* arm64 SDEI normal/critical stacks */
};
const char *lc_stack_kind_name(enum lc_stack_kind kind);

/* A stack's extent [start, end) and what it is. */
struct lc_stack_range {
	uint64_t start, end;
	enum lc_stack_kind kind;
	const char *name; /* "NMI", "hardirq", "task", ... */
};

enum { LC_STACK_RANGES_MAX = 16 };

struct lc_stack_ranges {
	struct lc_stack_range r[LC_STACK_RANGES_MAX];
	unsigned count;
};
void lc_stack_ranges_add(struct lc_stack_ranges *sr, uint64_t start, uint64_t end,
			 enum lc_stack_kind kind, const char *name);
/* The range holding addr, or NULL. */
const struct lc_stack_range *lc_stack_ranges_find(const struct lc_stack_ranges *sr, uint64_t addr);

enum lc_irq_state { LC_IRQS_UNKNOWN, LC_IRQS_ON, LC_IRQS_OFF };

struct lc_irq_info {
	enum lc_irq_state state;
	char reason[160]; /* how we know: "EFLAGS.IF=0 in the crash registers" */
};

/* How a frame was found: shown by bt, so a reader knows how far to trust it. */
enum lc_unwind_method {
	LC_UNWIND_INITIAL,   /* the starting registers (crash notes, saved context) */
	LC_UNWIND_ORC,	     /* x86_64 ORC tables */
	LC_UNWIND_CFI,	     /* DWARF call frame information of the vmlinux (-k) */
	LC_UNWIND_FP,	     /* frame pointer / frame record */
	LC_UNWIND_BACKCHAIN, /* ppc64 r1 back chain */
	LC_UNWIND_LR,	     /* the link register of an interrupted leaf */
	LC_UNWIND_PT_REGS,   /* pt_regs of an exception, found by its frame marker */
	LC_UNWIND_SCAN,	     /* a return address found by scanning the stack */
};
const char *lc_unwind_method_name(enum lc_unwind_method m);

struct lc_frame {
	uint64_t pc;  /* return address, or the interrupted pc for frame 0 / after an exception */
	uint64_t sp;  /* stack pointer in this frame */
	uint64_t cfa; /* x86: canonical frame address; arm64: frame record; ppc64: back chain */
	const char *function; /* borrowed from the symbol table; NULL when unknown */
	uint64_t offset;      /* pc - function start */
	const char *module;   /* NULL for vmlinux */
	enum lc_stack_kind stack;
	/* pc was interrupted here (frame 0, or resumed from an exception frame): not a call. */
	bool interrupted;
	/* Found by a heuristic (stack scan, frame-pointer guess): less certain. */
	bool guessed;
	/* This frame was resumed from pt_regs saved at regs_address; *regs holds them. */
	bool exception;
	uint64_t regs_address;
	struct lc_regset *regs; /* owned; NULL unless exception */
	struct lc_irq_info irqs; /* for exception frames: IRQ state of the interrupted context */
	/*
	 * arm64, a context interrupted at an exception vector entry: the function the call
	 * before this return address targets (0 if unknown). The interrupted pc is lost, and it
	 * may lie in that callee (a leaf keeps no frame record) or back here after it returned.
	 */
	uint64_t call_target;
	const char *call_function; /* its symbol (borrowed), NULL when unknown */
	enum lc_unwind_method method;
	/*
	 * Registers known in this frame (gregset order): all of them for frame
	 * 0 and exception frames, the callee-saved ones DWARF CFI recovers for
	 * callers. Owned; only kept when the unwinder has DWARF (-k), NULL else.
	 */
	struct lc_regset *known;
	/* The DWARF CFA of this frame (frame base of its variables), 0 when unknown. */
	uint64_t dwarf_cfa;
};

struct lc_stack {
	int cpu;      /* CPU whose registers started the walk; -1 for a switched-out task */
	int32_t pid;  /* -1 when unknown */
	char comm[17];
	uint64_t task;
	const char *regs_source; /* "PRSTATUS note 2", "crash_notes", "saved context" */
	struct lc_regset initial;
	/* The initial pc is a return address (a saved context), not an interrupted pc. */
	bool start_is_return;
	struct lc_frame *frames;
	size_t count, capacity;
	char *stopped; /* why the walk ended (also when it reached the end normally) */
	bool complete; /* the walk reached the stack's natural end */
	/* No registers: the frames were found by scanning the running task's stack. */
	bool scanned;
	struct lc_irq_info irqs; /* IRQ state of the CPU (only for CPU stacks) */
};

void lc_stack_deinit(struct lc_stack *st);

/* A reader of the dumped machine's memory (or of a buffer, in tests). */
typedef struct lc_error *lc_unwind_read_fn(void *arg, uint64_t addr, void *buf, size_t len);

/* What an arch unwinder works with: memory, symbols, stack extents, limits. */
struct lc_unwinder {
	struct lc_program *prog; /* NULL in unit tests */
	const struct lc_arch_ops *arch;
	bool big_endian;
	lc_unwind_read_fn *read;
	void *read_arg;
	const struct lc_symbols *symbols;
	struct lc_stack_ranges ranges;
	unsigned max_frames;
	void *arch_data; /* per-arch layout (ORC tables, offsets), owned by the cache */
	struct lc_unwind_cache *cache; /* module lookups; NULL in unit tests */
	/* arm64: bits to set (kernel) or clear (user) to strip a pointer signature */
	uint64_t pac_mask;
	/* DWARF of the vmlinux (-k): CFI steps and per-frame registers; NULL without */
	struct lc_debuginfo *debuginfo;
	/* Try CFI before the arch's own method (LOCKCORE_PREFER_CFI, to test CFI on real dumps) */
	bool prefer_cfi;
};

/* Keep a copy of the registers known in f (when the unwinder has DWARF). */
void lc_frame_set_known(struct lc_unwinder *uw, struct lc_frame *f, const struct lc_regset *regs);

/*
 * With DWARF (-k), for unwinders whose own method decides the frames (arm64
 * frame records, ppc64 back chain): the caller of frame cur by CFI, from
 * the registers known in cur. True, with *caller_known set and cur's DWARF
 * CFA recorded, only when CFI agrees with the arch's own step on the
 * caller's pc (and sp, when caller_sp is not 0): then CFI adds what the
 * arch method cannot know, the callee-saved registers and the CFA.
 */
bool lc_unwind_cfi_agrees(struct lc_unwinder *uw, struct lc_frame *cur,
			  const struct lc_regset *known, uint64_t caller_pc, uint64_t caller_sp,
			  struct lc_regset *caller_known);

/*
 * With DWARF (-k): frame cur's caller pc by CFI (pointer signature
 * stripped), *sp_ret its sp (the CFA); false when CFI does not cover cur or
 * cannot be evaluated. For the leaf decisions of frame 0: is the caller only
 * in the link register?
 */
bool lc_unwind_cfi_caller(struct lc_unwinder *uw, const struct lc_frame *cur,
			  const struct lc_regset *known, uint64_t *pc_ret, uint64_t *sp_ret,
			  struct lc_regset *caller_known);

/* The loaded module whose text holds addr, or NULL (always NULL without a program). */
const struct lc_module *lc_unwind_module_at(struct lc_unwinder *uw, uint64_t addr);

/*
 * The symbol (vmlinux or module) of a pc: a return address is looked up one
 * byte back, so a call at the very end of a function names the caller.
 */
const struct lc_symbol *lc_unwind_symbol(struct lc_unwinder *uw, uint64_t pc, bool interrupted);

/* Bounded 8-byte read through the unwinder's reader. */
struct lc_error *lc_unwind_read_u64(struct lc_unwinder *uw, uint64_t addr, uint64_t *ret);

/*
 * Append a frame: symbolizes pc (pc - 1 for return addresses, so that a call
 * at the very end of a function names the caller), classifies sp.
 */
struct lc_error *lc_stack_push(struct lc_unwinder *uw, struct lc_stack *st, uint64_t pc,
			       uint64_t sp, uint64_t cfa, bool interrupted, struct lc_frame **ret);
/*
 * Mark f as resumed from pt_regs saved at regs_address: keep the registers and
 * the IRQ state they show (decoded through the arch table).
 */
void lc_frame_set_exception(struct lc_unwinder *uw, struct lc_frame *f, uint64_t regs_address,
			    const struct lc_regset *regs);
/* Record why a walk ended; complete says it reached the natural end. */
void lc_stack_stop(struct lc_stack *st, bool complete, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* lc_stack_stop with an error's message (consumes err). */
void lc_stack_stop_error(struct lc_stack *st, struct lc_error *err, const char *what);

/* The result of unwinding a whole machine: every CPU, then tasks asked for. */
struct lc_stacks {
	struct lc_stack *cpus;   /* nr_cpus entries; count 0 when the CPU has no registers */
	bool *cpu_has_stack;   /* registers, or a scanned stack (cpus[c].scanned) */
	unsigned nr_cpus;
	int *missing_cpus; /* CPUs with no registers (missed the crash NMI/IPI) */
	unsigned nmissing;
	char **missing_reasons;
	const char *notes_mapping; /* how PRSTATUS notes were matched to CPUs */
	char *warnings;
};

/* Stacks of every CPU that has registers; computed once per program (borrowed). */
struct lc_error *lc_stacks_cpus(struct lc_program *prog, const struct lc_stacks **ret);
/* The stack of a task by address: its CPU's stack when it is running on one,
 * else its saved context. Cached per program (borrowed). */
struct lc_error *lc_stacks_task(struct lc_program *prog, uint64_t task,
				const struct lc_stack **ret);

/* Per-program state: CPU registers, arch tables, stack cache. */
struct lc_unwind_cache;
void lc_unwind_cache_destroy(struct lc_unwind_cache *cache);

#endif
