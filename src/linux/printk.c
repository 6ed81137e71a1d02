// SPDX-License-Identifier: LGPL-2.1-or-later
/* Reading the kernel log out of the dump; the parsing is in printk_ring.c. */
#include <stdio.h>

#include "linux/kernel.h"
#include "linux/printk.h"
#include "read.h"
#include "util.h"

/* Bounds on dump-controlled sizes, far above any real kernel's. */
enum {
	MAX_DESC_COUNT_BITS = 24,
	MAX_DATA_SIZE_BITS = 30,
	MAX_LOG_BUF_SIZE = 1 << 30,
	MAX_CONSOLES = 64,
	MAX_PERCPU_BUF = 1 << 20,
};

static struct lc_error *member_field(struct lc_types *types, const char *type, const char *path,
				     struct lc_printk_field *ret)
{
	struct lc_member_info mi;
	struct lc_error *err = lc_types_member_info(types, type, path, &mi);
	if (err)
		return err;
	const struct lc_type *t = lc_type_unqualified(mi.type);
	/* atomic_long_t and friends: a struct around one integer. */
	while ((t->kind == LC_TYPE_STRUCT || t->kind == LC_TYPE_UNION) && t->nmembers >= 1 &&
	       t->members[0].bit_offset == 0)
		t = lc_type_unqualified(t->members[0].type);
	uint64_t size = t->size;
	if (t->kind == LC_TYPE_POINTER)
		size = 8;
	if ((t->kind != LC_TYPE_INT && t->kind != LC_TYPE_ENUM && t->kind != LC_TYPE_POINTER) ||
	    size == 0 || size > 8 || mi.bit_offset > UINT32_MAX)
		return lc_error_create(LC_ERR_UNSUPPORTED, "'%s.%s' is not an integer", type, path);
	ret->bit_offset = (uint32_t)mi.bit_offset;
	ret->bit_size = (uint8_t)mi.bit_size;
	ret->size = (uint8_t)size;
	return NULL;
}

/* A char array member: its offset and length. */
static bool char_array(struct lc_types *types, const char *type, const char *path, uint32_t *offset,
		       uint32_t *size)
{
	struct lc_member_info mi;
	struct lc_error *err = lc_types_member_info(types, type, path, &mi);
	if (err) {
		lc_error_destroy(err);
		return false;
	}
	const struct lc_type *t = lc_type_unqualified(mi.type);
	if (t->kind != LC_TYPE_ARRAY || t->size == 0 || t->size > 4096 || mi.bit_offset % 8)
		return false;
	*offset = (uint32_t)(mi.bit_offset / 8);
	*size = (uint32_t)t->size;
	return true;
}

static struct lc_error *read_alloc(struct lc_program *prog, uint64_t addr, uint64_t size,
				   uint8_t **ret)
{
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return lc_error_nomem;
	struct lc_error *err = lc_read(prog, addr, buf, size);
	if (err) {
		free(buf);
		return err;
	}
	*ret = buf;
	return NULL;
}

static struct lc_error *prb_info_layout(struct lc_types *types, const char *it,
					struct lc_prb_layout *l)
{
	struct lc_error *err;
	if ((err = member_field(types, it, "seq", &l->seq)) ||
	    (err = member_field(types, it, "ts_nsec", &l->ts_nsec)) ||
	    (err = member_field(types, it, "text_len", &l->text_len)) ||
	    (err = member_field(types, it, "facility", &l->facility)) ||
	    (err = member_field(types, it, "flags", &l->flags)) ||
	    (err = member_field(types, it, "level", &l->level)))
		return err;
	err = member_field(types, it, "caller_id", &l->caller_id);
	if (err) {
		/* Every printk_info has one; optional all the same, like printk_log's. */
		lc_error_destroy(err);
		memset(&l->caller_id, 0, sizeof(l->caller_id));
	}
	/* struct dev_printk_info replaced the dictionary in 5.10. */
	if (!char_array(types, it, "dev_info.subsystem", &l->subsystem_offset, &l->subsystem_size))
		l->subsystem_size = 0;
	if (!char_array(types, it, "dev_info.device", &l->device_offset, &l->device_size))
		l->device_size = 0;
	return NULL;
}

/*
 * Read a large array; pages the dump lacks (filtered out, or a truncated
 * dump) become zeros and a note, which the parsers then skip as corrupt.
 */
static struct lc_error *read_gappy(struct lc_program *prog, struct lc_printk_log *log,
				   const char *what, uint64_t addr, uint64_t size, uint8_t **ret)
{
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return lc_error_nomem;
	struct lc_error *err = lc_read(prog, addr, buf, size);
	if (!err || lc_error_code(err) != LC_ERR_FAULT) {
		if (err)
			free(buf);
		else
			*ret = buf;
		return err;
	}
	lc_error_destroy(err);
	uint64_t missing = 0, done = 0;
	while (done < size) {
		uint64_t chunk = 4096 - ((addr + done) & 4095);
		if (chunk > size - done)
			chunk = size - done;
		err = lc_read(prog, addr + done, buf + done, chunk);
		if (err) {
			if (lc_error_code(err) != LC_ERR_FAULT) {
				free(buf);
				return err;
			}
			lc_error_destroy(err);
			memset(buf + done, 0, chunk);
			missing += chunk;
		}
		done += chunk;
	}
	if (missing == size) {
		free(buf);
		return lc_error_fault(addr, "no page of the %s at 0x%" PRIx64 " is in the dump",
				      what, addr);
	}
	err = lc_printk_log_note(log,
				 "%" PRIu64 " of %" PRIu64 " bytes of the %s are not in the dump: "
				 "records there are skipped",
				 missing, size, what);
	if (err) {
		free(buf);
		return err;
	}
	*ret = buf;
	return NULL;
}

static struct lc_error *read_prb(struct lc_program *prog, struct lc_types *types, uint64_t prb,
				 struct lc_printk_log *log)
{
	const char *rt = "struct printk_ringbuffer";
	uint64_t rb_size;
	struct lc_error *err = lc_types_sizeof(types, rt, &rb_size);
	if (err)
		return err;
	if (rb_size > 4096)
		return lc_error_create(LC_ERR_BAD_DATA, "'%s' is implausibly large", rt);
	lc_autofree uint8_t *rb = NULL;
	err = read_alloc(prog, prb, rb_size, &rb);
	if (err)
		return lc_error_prefix(err, "reading the printk ring at 0x%" PRIx64, prb);

	struct lc_prb_layout l = {.big_endian = prog->big_endian, .long_size = prog->ptr_size};
	struct lc_printk_field f_count, f_descs, f_infos, f_head, f_tail, f_size, f_data, f_hlpos,
		f_tlpos, f_fail;
	bool has_infos = lc_types_has_member(types, rt, "desc_ring.infos");
	if ((err = member_field(types, rt, "desc_ring.count_bits", &f_count)) ||
	    (err = member_field(types, rt, "desc_ring.descs", &f_descs)) ||
	    (err = member_field(types, rt, "desc_ring.head_id", &f_head)) ||
	    (err = member_field(types, rt, "desc_ring.tail_id", &f_tail)) ||
	    (err = member_field(types, rt, "text_data_ring.size_bits", &f_size)) ||
	    (err = member_field(types, rt, "text_data_ring.data", &f_data)) ||
	    (err = member_field(types, rt, "text_data_ring.head_lpos", &f_hlpos)) ||
	    (err = member_field(types, rt, "text_data_ring.tail_lpos", &f_tlpos)) ||
	    (has_infos && (err = member_field(types, rt, "desc_ring.infos", &f_infos))))
		return err;
	f_descs.size = f_infos.size = f_data.size = (uint8_t)prog->ptr_size;
	l.count_bits = (unsigned)lc_printk_field_get(&f_count, rb, l.big_endian);
	l.size_bits = (unsigned)lc_printk_field_get(&f_size, rb, l.big_endian);
	l.head_id = lc_printk_field_get(&f_head, rb, l.big_endian);
	l.tail_id = lc_printk_field_get(&f_tail, rb, l.big_endian);
	l.head_lpos = lc_printk_field_get(&f_hlpos, rb, l.big_endian);
	l.tail_lpos = lc_printk_field_get(&f_tlpos, rb, l.big_endian);
	uint64_t descs = lc_printk_field_get(&f_descs, rb, l.big_endian);
	uint64_t infos = has_infos ? lc_printk_field_get(&f_infos, rb, l.big_endian) : 0;
	uint64_t data = lc_printk_field_get(&f_data, rb, l.big_endian);
	if (!member_field(types, rt, "fail", &f_fail))
		log->dropped = lc_printk_field_get(&f_fail, rb, l.big_endian);
	if (l.count_bits > MAX_DESC_COUNT_BITS || l.size_bits > MAX_DATA_SIZE_BITS ||
	    l.size_bits < 4)
		return lc_error_create(
			LC_ERR_BAD_DATA,
			"printk ring has implausible sizes (count_bits %u, size_bits "
			"%u)",
			l.count_bits, l.size_bits);

	const char *dt = "struct prb_desc";
	uint64_t desc_size;
	if ((err = lc_types_sizeof(types, dt, &desc_size)) ||
	    (err = member_field(types, dt, "state_var", &l.state_var)) ||
	    (err = member_field(types, dt, "text_blk_lpos.begin", &l.lpos_begin)) ||
	    (err = member_field(types, dt, "text_blk_lpos.next", &l.lpos_next)))
		return err;
	l.desc_size = desc_size;
	if (has_infos) {
		uint64_t info_size;
		if ((err = lc_types_sizeof(types, "struct printk_info", &info_size)) ||
		    (err = prb_info_layout(types, "struct printk_info", &l)))
			return err;
		l.info_stride = info_size;
		l.info_offset = 0;
	} else {
		/*
		 * The ring as first merged for 5.10 (commit 896fbe20b4e2) kept
		 * struct printk_info inside each descriptor; cfe2847ba8 moved
		 * it to its own array before 5.10 was released.
		 */
		uint64_t off;
		if ((err = lc_types_offsetof(types, dt, "info", &off)) ||
		    (err = prb_info_layout(types, "struct printk_info", &l)))
			return err;
		l.info_stride = desc_size;
		l.info_offset = off;
	}
	uint64_t count = 1ull << l.count_bits, text_size = 1ull << l.size_bits;
	if (count * l.desc_size > (64u << 20) || count * l.info_stride > (256u << 20))
		return lc_error_create(LC_ERR_BAD_DATA,
				       "printk ring has %" PRIu64 " descriptors: implausible",
				       count);
	lc_autofree uint8_t *dbuf = NULL;
	lc_autofree uint8_t *ibuf = NULL;
	lc_autofree uint8_t *tbuf = NULL;
	if ((err = read_gappy(prog, log, "printk descriptors", descs, count * l.desc_size, &dbuf)))
		return lc_error_prefix(err, "reading %" PRIu64 " printk descriptors", count);
	if (has_infos &&
	    (err = read_gappy(prog, log, "printk infos", infos, count * l.info_stride, &ibuf)))
		return lc_error_prefix(err, "reading %" PRIu64 " printk infos", count);
	if ((err = read_gappy(prog, log, "printk text ring", data, text_size, &tbuf)))
		return lc_error_prefix(err, "reading the %" PRIu64 "-byte printk text ring",
				       text_size);
	struct lc_prb_buffers b = {
		.descs = dbuf,
		.descs_size = count * l.desc_size,
		.infos = has_infos ? ibuf : dbuf,
		.infos_size = count * l.info_stride,
		.text = tbuf,
		.text_size = text_size,
	};
	return lc_prb_parse(&l, &b, log);
}

static struct lc_error *read_sym_uint(struct lc_program *prog, const char *name, size_t size,
				      uint64_t *ret)
{
	uint64_t addr;
	struct lc_error *err = lc_symbol_address(prog, name, &addr);
	if (!err)
		err = lc_read_uint(prog, addr, size, ret);
	return err ? lc_error_prefix(err, "reading '%s'", name) : NULL;
}

static struct lc_error *read_log_buf(struct lc_program *prog, struct lc_types *types,
				     struct lc_printk_log *log)
{
	const char *t = "struct printk_log";
	struct lc_log_buf_layout l = {.big_endian = prog->big_endian};
	uint64_t hsize, log_buf, len, first_idx, next_idx, first_seq;
	struct lc_error *err;
	if ((err = lc_types_sizeof(types, t, &hsize)) ||
	    (err = member_field(types, t, "ts_nsec", &l.ts_nsec)) ||
	    (err = member_field(types, t, "len", &l.len)) ||
	    (err = member_field(types, t, "text_len", &l.text_len)) ||
	    (err = member_field(types, t, "dict_len", &l.dict_len)) ||
	    (err = member_field(types, t, "facility", &l.facility)) ||
	    (err = member_field(types, t, "flags", &l.flags)) ||
	    (err = member_field(types, t, "level", &l.level)))
		return err;
	l.header_size = hsize;
	/* caller_id exists with CONFIG_PRINTK_CALLER (5.1 to 5.9). */
	if (lc_types_has_member(types, t, "caller_id") &&
	    (err = member_field(types, t, "caller_id", &l.caller_id)))
		return err;
	if ((err = read_sym_uint(prog, "log_buf", prog->ptr_size, &log_buf)) ||
	    (err = read_sym_uint(prog, "log_buf_len", 4, &len)) ||
	    (err = read_sym_uint(prog, "log_first_idx", 4, &first_idx)) ||
	    (err = read_sym_uint(prog, "log_next_idx", 4, &next_idx)) ||
	    (err = read_sym_uint(prog, "log_first_seq", 8, &first_seq)))
		return err;
	if (!len || len > MAX_LOG_BUF_SIZE)
		return lc_error_create(LC_ERR_BAD_DATA, "log_buf_len %" PRIu64 " is implausible",
				       len);
	lc_autofree uint8_t *buf = NULL;
	err = read_gappy(prog, log, "log_buf", log_buf, len, &buf);
	if (err)
		return lc_error_prefix(err, "reading the %" PRIu64 "-byte log_buf", len);
	return lc_log_buf_parse(&l, buf, len, first_idx, next_idx, first_seq, log);
}

/* Text that printk_safe/NMI context printed into per-CPU buffers and never flushed. */
static struct lc_error *read_percpu_buffers(struct lc_program *prog, struct lc_types *types,
					    struct lc_printk_log *log)
{
	static const struct {
		const char *sym;
		enum lc_printk_ring ring;
	} bufs[] = {
		{"nmi_print_seq", LC_PRINTK_RING_NMI},
		{"safe_print_seq", LC_PRINTK_RING_SAFE},
	};
	const struct lc_kernel *k = NULL;
	for (size_t i = 0; i < LC_ARRAY_SIZE(bufs); i++) {
		uint64_t var;
		struct lc_error *err = lc_symbol_address(prog, bufs[i].sym, &var);
		if (err) {
			/* Removed in 5.15 with printk_safe's buffers (commit 93d102f094be). */
			lc_error_destroy(err);
			continue;
		}
		const struct lc_type *type;
		if ((err = lc_types_find_variable(types, bufs[i].sym, &type)))
			return err;
		const char *tname = lc_type_unqualified(type)->name;
		char spec[64];
		snprintf(spec, sizeof(spec), "struct %s", tname ? tname : "printk_safe_seq_buf");
		uint64_t len_off, lost_off, buf_off;
		struct lc_member_info bi;
		if ((err = lc_types_offsetof(types, spec, "len", &len_off)) ||
		    (err = lc_types_offsetof(types, spec, "message_lost", &lost_off)) ||
		    (err = lc_types_member_info(types, spec, "buffer", &bi)))
			return err;
		buf_off = bi.bit_offset / 8;
		uint64_t buf_size = lc_type_unqualified(bi.type)->size;
		if (!buf_size || buf_size > MAX_PERCPU_BUF)
			return lc_error_create(LC_ERR_BAD_DATA, "'%s.buffer' has implausible size",
					       spec);
		if (!k && (err = lc_kernel_get(prog, &k)))
			return err;
		for (unsigned cpu = 0; cpu < k->nr_cpu_ids; cpu++) {
			if (!k->cpus[cpu].possible)
				continue;
			uint64_t addr, len, lost;
			err = lc_percpu_address(prog, var, cpu, &addr);
			if (!err)
				err = lc_read_uint(prog, addr + len_off, 4, &len);
			if (!err)
				err = lc_read_uint(prog, addr + lost_off, 4, &lost);
			if (err) {
				struct lc_error *e2 =
					lc_printk_log_note(log, "%s of CPU %u: unreadable: %s",
							   bufs[i].sym, cpu, lc_error_message(err));
				lc_error_destroy(err);
				if (e2)
					return e2;
				continue;
			}
			if ((uint32_t)lost) {
				err = lc_printk_log_note(log,
							 "%s of CPU %u: %u message%s lost before "
							 "the dump",
							 bufs[i].sym, cpu, (unsigned)lost,
							 lost == 1 ? "" : "s");
				if (err)
					return err;
			}
			if (!(uint32_t)len)
				continue;
			if ((uint32_t)len > buf_size) {
				err = lc_printk_log_note(
					log,
					"%s of CPU %u: length %u exceeds the %" PRIu64
					"-byte buffer: reading all of it",
					bufs[i].sym, cpu, (unsigned)len, buf_size);
				if (err)
					return err;
				len = buf_size;
			}
			lc_autofree uint8_t *text = NULL;
			err = read_alloc(prog, addr + buf_off, len, &text);
			if (!err)
				err = lc_printk_percpu_parse(text, len, cpu, bufs[i].ring, log);
			if (err && err != lc_error_nomem) {
				struct lc_error *e2 =
					lc_printk_log_note(log, "%s of CPU %u: %s", bufs[i].sym,
							   cpu, lc_error_message(err));
				lc_error_destroy(err);
				err = e2;
			}
			if (err)
				return err;
		}
	}
	return NULL;
}

/*
 * Which records no console printed. 5.19 (commit a699449bb13b) gave each
 * console its own seq; before, one console_seq served all of them. 6.2
 * (commit 6c4afa79147e) moved the consoles from console_drivers to the
 * console_list hlist.
 */
static struct lc_error *read_consoles(struct lc_program *prog, struct lc_types *types,
				      struct lc_printk_log *log)
{
	const char *ct = "struct console";
	struct lc_error *err;
	uint64_t v;
	if (!lc_types_has_member(types, ct, "seq")) {
		err = read_sym_uint(prog, "console_seq", 8, &v);
		if (err)
			return err;
		log->console_seq_known = true;
		log->console_seq = v;
		return NULL;
	}
	bool hlist = lc_types_has_member(types, ct, "node");
	uint64_t link_off = 0, con = 0;
	if ((err = lc_types_offsetof(types, ct, hlist ? "node" : "next", &link_off)) ||
	    (err = read_sym_uint(prog, hlist ? "console_list" : "console_drivers", prog->ptr_size,
				 &con)))
		return err;
	/* CON_ENABLED: a #define until 6.2 made it enum cons_flags. */
	int64_t enabled_flag = 4, nbcon_flag = 0;
	lc_error_destroy(
		lc_types_enum_value(types, "enum cons_flags", "CON_ENABLED", &enabled_flag));
	/* 6.6+ nbcon consoles keep their position in nbcon_seq. */
	bool has_nbcon = false;
	if (lc_types_has_member(types, ct, "nbcon_seq")) {
		err = lc_types_enum_value(types, "enum cons_flags", "CON_NBCON", &nbcon_flag);
		has_nbcon = !err;
		lc_error_destroy(err);
		err = NULL;
	}
	struct lc_u64set seen;
	lc_u64set_init(&seen);
	uint64_t max_seq = 0;
	size_t capacity = 0;
	bool any = false;
	while (con) {
		if (hlist)
			con -= link_off;
		bool dup;
		if ((err = lc_u64set_add(&seen, con, &dup)))
			break;
		if (dup || seen.count > MAX_CONSOLES) {
			err = lc_printk_log_note(log, "console list: cycle or too many consoles");
			break;
		}
		struct lc_printk_console c = {0};
		uint64_t name, flags, index, seq, next;
		if ((err = lc_member_address(prog, con, ct, "name", &name)) ||
		    (err = lc_read(prog, name, c.name, 16)) ||
		    (err = lc_read_member(prog, con, ct, "flags", &flags)) ||
		    (err = lc_read_member(prog, con, ct, "index", &index)) ||
		    (err = lc_read_member(prog, con, ct, "seq", &seq)) ||
		    (err = lc_read_ulong(prog, con + link_off, &next))) {
			err = lc_error_prefix(err, "reading console 0x%" PRIx64, con);
			break;
		}
		c.flags = (unsigned)flags;
		c.index = (int)(int16_t)index;
		c.enabled = (flags & (uint64_t)enabled_flag) != 0;
		if (has_nbcon && (flags & (uint64_t)nbcon_flag)) {
			if ((err = lc_read_member(prog, con, ct, "nbcon_seq", &seq)))
				break;
		}
		c.seq = seq;
		if (!lc_grow((void **)&log->consoles, &capacity, log->nconsoles + 1, sizeof(c))) {
			err = lc_error_nomem;
			break;
		}
		log->consoles[log->nconsoles++] = c;
		if (c.enabled) {
			if (!any || seq > max_seq)
				max_seq = seq;
			any = true;
		}
		con = next;
	}
	lc_u64set_deinit(&seen);
	if (err)
		return err;
	if (any) {
		log->console_seq_known = true;
		log->console_seq = max_seq;
	}
	return NULL;
}

/* console_printk[0] is console_loglevel; records at or above it are not printed. */
static void read_console_loglevel(struct lc_program *prog, struct lc_printk_log *log)
{
	uint64_t level, ignore = 0;
	struct lc_error *err = read_sym_uint(prog, "console_printk", 4, &level);
	if (!err) {
		struct lc_error *e2 = read_sym_uint(prog, "ignore_loglevel", 1, &ignore);
		lc_error_destroy(e2);
		if (!ignore && (int32_t)level >= 0 && (int32_t)level <= 15)
			log->console_loglevel = (int)(int32_t)level;
	}
	lc_error_destroy(err);
}

static void read_console_sem(struct lc_program *prog, struct lc_printk_log *log)
{
	uint64_t sem, count, owner;
	struct lc_error *err = lc_symbol_address(prog, "console_sem", &sem);
	if (!err)
		err = lc_read_member(prog, sem, "struct semaphore", "count", &count);
	if (err) {
		lc_error_destroy(err);
		return;
	}
	log->console_sem_known = true;
	log->console_sem_count = (int64_t)(int32_t)count;
	/* console_owner: the task printing with the waiter hand-off (4.16+). */
	uint64_t addr;
	err = lc_symbol_address(prog, "console_owner", &addr);
	if (!err)
		err = lc_read_ulong(prog, addr, &owner);
	if (!err)
		log->console_owner = owner;
	lc_error_destroy(err);
}

/*
 * Boot wall time = -(wall_to_monotonic + offs_boot): realtime is monotonic +
 * offs_real, boottime is monotonic + offs_boot. shadow_timekeeper is a plain
 * struct timekeeper (tk_core wraps its copy in an anonymous struct BTF cannot
 * name) and is the copy update_wall_time() works on, so it is the newest.
 */
static void read_boot_time(struct lc_program *prog, struct lc_printk_log *log)
{
	const char *tt = "struct timekeeper";
	uint64_t tk, sec, nsec, offs_boot;
	struct lc_error *err = lc_symbol_address(prog, "shadow_timekeeper", &tk);
	if (!err)
		err = lc_read_member(prog, tk, tt, "wall_to_monotonic.tv_sec", &sec);
	if (!err)
		err = lc_read_member(prog, tk, tt, "wall_to_monotonic.tv_nsec", &nsec);
	if (!err)
		err = lc_read_member(prog, tk, tt, "offs_boot", &offs_boot);
	if (err) {
		lc_error_destroy(err);
		return;
	}
	/* Only plausible boots (1971 to 2223, under 3 years asleep), clear of overflow. */
	int64_t s = -(int64_t)sec, ns = -(int64_t)nsec - (int64_t)offs_boot;
	if (s < 365LL * 86400 || s > 8000000000LL || ns < -100000000000000000LL ||
	    ns > 100000000000000000LL)
		return;
	log->boot_time_known = true;
	log->boot_time_ns = s * 1000000000 + ns;
}

static struct lc_error *note_error(struct lc_printk_log *log, const char *what,
				   struct lc_error *err)
{
	if (!err || err == lc_error_nomem)
		return err;
	struct lc_error *e2 = lc_printk_log_note(log, "%s: %s", what, lc_error_message(err));
	lc_error_destroy(err);
	return e2;
}

static struct lc_error *read_log(struct lc_program *prog, struct lc_printk_log *log)
{
	struct lc_types *types;
	struct lc_error *err = lc_program_types(prog, &types);
	if (err)
		return err;
	uint64_t prb_sym, prb;
	err = lc_symbol_address(prog, "prb", &prb_sym);
	if (!err) {
		err = lc_read_ulong(prog, prb_sym, &prb);
		if (!err)
			err = read_prb(prog, types, prb, log);
		if (err)
			return lc_error_prefix(err, "reading the printk ring buffer");
	} else if (lc_error_code(err) == LC_ERR_LOOKUP) {
		/* No lockless ring: the structured log_buf of 3.5 to 5.9. */
		lc_error_destroy(err);
		uint64_t log_buf_sym;
		err = lc_symbol_address(prog, "log_buf", &log_buf_sym);
		if (err) {
			lc_error_destroy(err);
			return lc_error_create(
				LC_ERR_LOOKUP,
				"neither 'prb' nor 'log_buf' is a known symbol (kallsyms "
				"of a kernel without CONFIG_KALLSYMS_ALL has no data "
				"symbols: give --system-map or --vmlinux)");
		}
		err = read_log_buf(prog, types, log);
		if (err)
			return lc_error_prefix(err, "reading the printk log_buf");
	} else {
		return err;
	}
	size_t main_count = log->count;
	if ((err = note_error(log, "per-CPU printk buffers",
			      read_percpu_buffers(prog, types, log))))
		return err;
	if ((err = note_error(log, "console positions", read_consoles(prog, types, log))))
		return err;
	read_console_sem(prog, log);
	read_console_loglevel(prog, log);
	read_boot_time(prog, log);
	if (log->console_sem_known && log->console_sem_count <= 0) {
		if (log->console_owner)
			err = lc_printk_log_note(log,
						 "console_sem is held (count %" PRId64
						 "); task 0x%" PRIx64
						 " is printing to the consoles",
						 log->console_sem_count, log->console_owner);
		else
			err = lc_printk_log_note(log, "console_sem is held (count %" PRId64 ")",
						 log->console_sem_count);
		if (err)
			return err;
	}
	if (log->console_seq_known) {
		for (size_t i = 0; i < main_count; i++) {
			struct lc_printk_record *r = &log->records[i];
			if (r->has_seq && r->seq >= log->console_seq)
				r->not_on_console = true;
		}
	}
	for (size_t i = 0; log->console_loglevel >= 0 && i < main_count; i++) {
		struct lc_printk_record *r = &log->records[i];
		r->suppressed = r->level >= log->console_loglevel;
	}
	if (log->dropped) {
		err = lc_printk_log_note(log,
					 "the ring refused %" PRIu64 " record%s (no room even for "
					 "a data-less record)",
					 log->dropped, log->dropped == 1 ? "" : "s");
		if (err)
			return err;
	}
	return lc_log_events_parse(log->records, log->count, &log->events);
}

struct lc_error *lc_printk_get(struct lc_program *prog, const struct lc_printk_log **ret)
{
	if (!prog->printk) {
		struct lc_printk_log *log = malloc(sizeof(*log));
		if (!log)
			return lc_error_nomem;
		lc_printk_log_init(log);
		struct lc_error *err = read_log(prog, log);
		if (err) {
			lc_printk_log_destroy(log);
			return err;
		}
		prog->printk = log;
	}
	*ret = prog->printk;
	return NULL;
}

struct lc_error *lc_printk_panic_message(struct lc_program *prog, char **ret)
{
	const struct lc_printk_log *log = NULL;
	struct lc_error *err = lc_printk_get(prog, &log);
	if (err)
		return err;
	for (size_t i = 0; i < log->events.count; i++) {
		const struct lc_log_event *e = &log->events.events[i];
		if (e->kind != LC_LOG_EVENT_PANIC)
			continue;
		return lc_strdup(e->message ? e->message : "", ret);
	}
	*ret = NULL;
	return NULL;
}
