/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel log, from every place it may be: the lockless ring buffer
 * (5.10+), the structured log_buf (3.5 to 5.9), and the per-CPU NMI/safe
 * buffers (up to 5.14) whose text never reached the main log. Records the
 * consoles never printed are marked, so a triage shows what nobody saw.
 *
 * The parsers work on copied bytes and a layout (offsets resolved from the
 * dump's types), so they can be tested and fuzzed without a dump.
 */
#ifndef LC_LINUX_PRINTK_H
#define LC_LINUX_PRINTK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lockcore/error.h"
#include "linux/log_events.h"

struct lc_program;

enum lc_printk_ring {
	LC_PRINTK_RING_PRB,	/* lockless ring buffer, 5.10+ */
	LC_PRINTK_RING_LOG_BUF, /* structured log_buf, 3.5 to 5.9 */
	LC_PRINTK_RING_NMI,	/* per-CPU nmi_print_seq, never flushed */
	LC_PRINTK_RING_SAFE,	/* per-CPU safe_print_seq, never flushed */
};
/* "prb", "log_buf", "nmi", "safe" */
const char *lc_printk_ring_name(enum lc_printk_ring ring);

enum lc_printk_caller {
	LC_PRINTK_CALLER_NONE, /* the kernel did not record one */
	LC_PRINTK_CALLER_TASK,
	LC_PRINTK_CALLER_CPU,
};

enum {
	/* printk_info.flags / printk_log.flags (kernel/printk/internal.h) */
	LC_PRINTK_LOG_NEWLINE = 2,
	LC_PRINTK_LOG_CONT = 8,
};

struct lc_printk_record {
	uint64_t seq;	  /* valid when has_seq */
	uint64_t ts_nsec; /* local_clock() at printk time; valid when has_timestamp */
	bool has_seq, has_timestamp;
	int level;    /* 0 (emerg) to 7 (debug); -1 when unknown */
	int facility; /* syslog facility; -1 when unknown */
	unsigned flags;
	enum lc_printk_caller caller_kind;
	uint32_t caller; /* task pid or CPU number, by caller_kind */
	int cpu;	 /* the CPU whose per-CPU buffer held it, else -1 */
	enum lc_printk_ring ring;
	bool unflushed;	     /* still in a per-CPU buffer: never reached the log */
	bool not_on_console; /* in the log, but no console printed it */
	bool suppressed;     /* below console_loglevel: consoles passed over it */
	bool pending;	     /* reserved or committed, not finalized: readers never saw it */
	char *text;	     /* NUL-terminated; may hold NULs before text_len */
	size_t text_len;
	char *subsystem, *device; /* dev_printk context, NULL when none */
};

struct lc_printk_console {
	char name[17];
	int index;
	unsigned flags;
	bool enabled;
	uint64_t seq; /* the next record it would print */
};

/* A category of records that could not be read, summarized as one note. */
struct lc_printk_skip {
	const char *why;
	uint64_t count;
	uint64_t first_id; /* descriptor id or buffer index of the first one */
	bool has_seq;
	uint64_t first_seq;
};

struct lc_printk_log {
	struct lc_printk_record *records;
	size_t count, capacity;
	/* "skipped N records: ..." and other readable remarks. */
	char **notes;
	size_t nnotes, notes_capacity;

	struct lc_printk_console *consoles;
	size_t nconsoles;
	/* Records with seq >= this were printed by no console. */
	bool console_seq_known;
	uint64_t console_seq;
	int console_loglevel; /* -1 when unknown (or ignore_loglevel is set) */
	bool console_sem_known;
	int64_t console_sem_count; /* 0 or less: held */
	uint64_t console_owner;	   /* task printing to the consoles, 0 if none/unknown */

	uint64_t dropped; /* records the ring refused (prb->fail), 0 if unknown */
	/*
	 * Wall-clock time at boot, for dmesg -T style times: CLOCK_REALTIME
	 * minus CLOCK_BOOTTIME as the timekeeper last saw them. Like dmesg -T,
	 * it drifts from printk's local_clock() by suspend time and clock skew.
	 */
	bool boot_time_known;
	int64_t boot_time_ns; /* since the epoch */
	struct lc_log_events events;
};

void lc_printk_log_init(struct lc_printk_log *log);
void lc_printk_log_deinit(struct lc_printk_log *log);
void lc_printk_log_destroy(struct lc_printk_log *log);
/* Append a formatted note. */
struct lc_error *lc_printk_log_note(struct lc_printk_log *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Read the whole log once per program (borrowed for its life). A reader that
 * meets corrupt data keeps what it could read and says what it skipped in
 * ->notes; an error means no log could be found at all.
 */
struct lc_error *lc_printk_get(struct lc_program *prog, const struct lc_printk_log **ret);

/*
 * The text after "Kernel panic - not syncing: " of the first panic record, or
 * NULL in *ret when the log holds none. The caller frees it.
 */
struct lc_error *lc_printk_panic_message(struct lc_program *prog, char **ret);

/* Where an integer (or bit field) lives in a copied structure. */
struct lc_printk_field {
	uint32_t bit_offset; /* from the start of the structure */
	uint8_t size;	     /* bytes of the integer, 1 to 8 (0: field absent) */
	uint8_t bit_size;    /* 0 unless a bit field */
};

/* Layout of the lockless ring buffer, resolved from the dump's types. */
struct lc_prb_layout {
	bool big_endian;
	unsigned long_size; /* sizeof(unsigned long): 4 or 8 */
	unsigned count_bits, size_bits;
	uint64_t head_id, tail_id;
	uint64_t head_lpos, tail_lpos;

	size_t desc_size;
	struct lc_printk_field state_var, lpos_begin, lpos_next;
	/*
	 * Info i is at infos + i * info_stride + info_offset: its own array
	 * (infos) or, in the 5.10 development layout, inside each descriptor.
	 */
	size_t info_stride, info_offset;
	struct lc_printk_field seq, ts_nsec, text_len, facility, flags, level, caller_id;
	/* dev_info.subsystem / dev_info.device char arrays; size 0 when absent. */
	uint32_t subsystem_offset, subsystem_size, device_offset, device_size;
};

struct lc_prb_buffers {
	const uint8_t *descs; /* count descriptors */
	size_t descs_size;
	const uint8_t *infos; /* count infos (may equal descs) */
	size_t infos_size;
	const uint8_t *text; /* the text data ring */
	size_t text_size;
};

/*
 * Parse a copied ring into log (appending records and notes). Fails only on an
 * unusable layout or out of memory; bad records become notes.
 */
struct lc_error *lc_prb_parse(const struct lc_prb_layout *layout, const struct lc_prb_buffers *bufs,
			      struct lc_printk_log *log);

/* Layout of struct printk_log, the structured log_buf record header. */
struct lc_log_buf_layout {
	bool big_endian;
	size_t header_size;
	struct lc_printk_field ts_nsec, len, text_len, dict_len, facility, flags, level;
	struct lc_printk_field caller_id; /* size 0 without CONFIG_PRINTK_CALLER */
};

struct lc_error *lc_log_buf_parse(const struct lc_log_buf_layout *layout, const uint8_t *buf,
				  size_t size, uint64_t first_idx, uint64_t next_idx,
				  uint64_t first_seq, struct lc_printk_log *log);

/*
 * Parse the text of one CPU's printk_safe/NMI buffer (raw printk output with
 * KERN_SOH level prefixes) into unflushed records.
 */
struct lc_error *lc_printk_percpu_parse(const uint8_t *buf, size_t len, unsigned cpu,
					enum lc_printk_ring ring, struct lc_printk_log *log);

/* Decode a field from a copied structure. */
uint64_t lc_printk_field_get(const struct lc_printk_field *field, const uint8_t *base,
			     bool big_endian);

#endif
