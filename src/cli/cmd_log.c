// SPDX-License-Identifier: LGPL-2.1-or-later
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "json.h"
#include "linux/printk.h"
#include "program.h"

static const char *const level_names[8] = {"emerg", "alert",  "crit", "err",
					   "warn",  "notice", "info", "debug"};

struct log_options {
	unsigned levels; /* bit per level; 0 = all */
	bool cpu_set;
	unsigned cpu;
	bool caller;
	bool unflushed;
	bool events;
	bool ctime;
};

/* What the command shows: indexes into the log's records, after the filters. */
struct log_view {
	const struct lc_printk_log *log;
	size_t *shown;
	size_t nshown;
};

static bool parse_levels(const char *arg, unsigned *ret)
{
	unsigned mask = 0;
	char *copy = strdup(arg);
	if (!copy)
		return false;
	bool ok = true;
	for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok && ok;
	     tok = strtok_r(NULL, ",", &save)) {
		int level = -1;
		for (int i = 0; i < 8; i++) {
			if (!strcmp(tok, level_names[i]))
				level = i;
		}
		if (!strcmp(tok, "warning"))
			level = 4;
		else if (!strcmp(tok, "error"))
			level = 3;
		else if (tok[0] >= '0' && tok[0] <= '7' && !tok[1])
			level = tok[0] - '0';
		if (level < 0)
			ok = false;
		else
			mask |= 1u << level;
	}
	free(copy);
	*ret = mask;
	return ok && mask;
}

static bool shown(const struct log_options *o, const struct lc_printk_record *r)
{
	if (o->levels && (r->level < 0 || r->level > 7 || !(o->levels & (1u << r->level))))
		return false;
	if (o->cpu_set) {
		bool on_cpu =
			r->cpu >= 0 ? (unsigned)r->cpu == o->cpu
				    : r->caller_kind == LC_PRINTK_CALLER_CPU && r->caller == o->cpu;
		if (!on_cpu)
			return false;
	}
	if (o->unflushed && !(r->unflushed || r->not_on_console || r->pending))
		return false;
	return true;
}

static void caller_string(const struct lc_printk_record *r, char *buf, size_t size)
{
	if (r->caller_kind == LC_PRINTK_CALLER_TASK)
		snprintf(buf, size, "T%" PRIu32, r->caller);
	else if (r->caller_kind == LC_PRINTK_CALLER_CPU)
		snprintf(buf, size, "C%" PRIu32, r->caller);
	else
		snprintf(buf, size, "?");
}

/* The text as dmesg shows it: control bytes other than newline and tab escaped. */
static void print_text(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

static void render_text(const struct log_view *v, const struct log_options *o)
{
	const struct lc_printk_log *log = v->log;
	bool console_marked = false;
	int buffer_cpu = -1;
	enum lc_printk_ring buffer_ring = LC_PRINTK_RING_PRB;
	for (size_t i = 0; i < v->nshown; i++) {
		const struct lc_printk_record *r = &log->records[v->shown[i]];
		if (r->not_on_console && !console_marked) {
			printf("-- no console printed the records below (console seq %" PRIu64
			       ") --\n",
			       log->console_seq);
			console_marked = true;
		}
		if (r->unflushed && (r->cpu != buffer_cpu || r->ring != buffer_ring)) {
			printf("-- never flushed from CPU %d's %s buffer --\n", r->cpu,
			       lc_printk_ring_name(r->ring));
			buffer_cpu = r->cpu;
			buffer_ring = r->ring;
		}
		if (r->has_timestamp && o->ctime) {
			/* dmesg -T's format, in local time like it. */
			time_t t = (time_t)((log->boot_time_ns + (int64_t)r->ts_nsec) / 1000000000);
			struct tm tm;
			char buf[64];
			if (localtime_r(&t, &tm) &&
			    strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y", &tm))
				printf("[%s] ", buf);
			else
				printf("[?] ");
		} else if (r->has_timestamp) {
			printf("[%5" PRIu64 ".%06" PRIu64 "] ", r->ts_nsec / 1000000000,
			       r->ts_nsec % 1000000000 / 1000);
		} else {
			printf("[ %4s CPU%-3d ] ", lc_printk_ring_name(r->ring), r->cpu);
		}
		if (o->caller) {
			char c[16];
			caller_string(r, c, sizeof(c));
			printf("[%6s] ", c);
		}
		print_text(r->text, r->text_len);
		putchar('\n');
	}
}

static void print_list(const char *label, const unsigned *cpus, const int32_t *pids, size_t n)
{
	printf(" %s", label);
	for (size_t i = 0; i < n; i++)
		printf("%s%" PRId64, i ? "," : "", cpus ? (int64_t)cpus[i] : (int64_t)pids[i]);
}

static void render_events_text(const struct lc_printk_log *log)
{
	if (!log->events.count)
		printf("no events in the log\n");
	for (size_t i = 0; i < log->events.count; i++) {
		const struct lc_log_event *e = &log->events.events[i];
		printf("%-20s", lc_log_event_kind_name(e->kind));
		if (e->has_seq)
			printf(" seq %-6" PRIu64, e->seq);
		if (e->ncpus)
			print_list("cpus", e->cpus, NULL, e->ncpus);
		if (e->npids)
			print_list("pids", NULL, e->pids, e->npids);
		if (e->comm[0])
			printf(" comm %s", e->comm);
		if (e->seconds)
			printf(" for %" PRIu64 "s", e->seconds);
		if (e->jiffies)
			printf(" %" PRIu64 " jiffies", e->jiffies);
		if (e->detector_cpu >= 0)
			printf(" detected-by %d", e->detector_cpu);
		printf(": %s\n", e->message ? e->message : "");
	}
}

static void json_record(struct lc_json *j, const struct lc_printk_record *r)
{
	lc_json_begin_object(j);
	lc_json_key(j, "seq");
	if (r->has_seq)
		lc_json_uint(j, r->seq);
	else
		lc_json_null(j);
	lc_json_key(j, "timestamp_ns");
	if (r->has_timestamp)
		lc_json_uint(j, r->ts_nsec);
	else
		lc_json_null(j);
	lc_json_key(j, "level");
	if (r->level >= 0)
		lc_json_int(j, r->level);
	else
		lc_json_null(j);
	lc_json_key(j, "facility");
	if (r->facility >= 0)
		lc_json_int(j, r->facility);
	else
		lc_json_null(j);
	lc_json_key(j, "caller");
	if (r->caller_kind == LC_PRINTK_CALLER_NONE) {
		lc_json_null(j);
	} else {
		lc_json_begin_object(j);
		lc_json_key(j, r->caller_kind == LC_PRINTK_CALLER_TASK ? "pid" : "cpu");
		lc_json_uint(j, r->caller);
		lc_json_end_object(j);
	}
	lc_json_key(j, "text");
	lc_json_string_len(j, r->text, r->text_len);
	lc_json_key(j, "ring");
	lc_json_string(j, lc_printk_ring_name(r->ring));
	lc_json_key(j, "flags");
	lc_json_uint(j, r->flags);
	lc_json_key(j, "continuation");
	lc_json_bool(j, (r->flags & LC_PRINTK_LOG_CONT) != 0);
	lc_json_key(j, "pending");
	lc_json_bool(j, r->pending);
	lc_json_key(j, "not_on_console");
	lc_json_bool(j, r->not_on_console);
	lc_json_key(j, "unflushed");
	lc_json_bool(j, r->unflushed);
	lc_json_key(j, "suppressed");
	lc_json_bool(j, r->suppressed);
	if (r->cpu >= 0) {
		lc_json_key(j, "cpu");
		lc_json_int(j, r->cpu);
	}
	if (r->subsystem) {
		lc_json_key(j, "subsystem");
		lc_json_string(j, r->subsystem);
	}
	if (r->device) {
		lc_json_key(j, "device");
		lc_json_string(j, r->device);
	}
	lc_json_end_object(j);
}

static void json_event(struct lc_json *j, const struct lc_log_event *e)
{
	lc_json_begin_object(j);
	lc_json_key(j, "kind");
	lc_json_string(j, lc_log_event_kind_name(e->kind));
	lc_json_key(j, "seq");
	if (e->has_seq)
		lc_json_uint(j, e->seq);
	else
		lc_json_null(j);
	lc_json_key(j, "record");
	lc_json_uint(j, e->record);
	lc_json_key(j, "message");
	lc_json_string(j, e->message);
	lc_json_key(j, "cpus");
	lc_json_begin_array(j);
	for (size_t i = 0; i < e->ncpus; i++)
		lc_json_uint(j, e->cpus[i]);
	lc_json_end_array(j);
	lc_json_key(j, "pids");
	lc_json_begin_array(j);
	for (size_t i = 0; i < e->npids; i++)
		lc_json_int(j, e->pids[i]);
	lc_json_end_array(j);
	lc_json_key(j, "comm");
	lc_json_string(j, e->comm[0] ? e->comm : NULL);
	lc_json_key(j, "detector_cpu");
	if (e->detector_cpu >= 0)
		lc_json_int(j, e->detector_cpu);
	else
		lc_json_null(j);
	lc_json_key(j, "seconds");
	if (e->seconds)
		lc_json_uint(j, e->seconds);
	else
		lc_json_null(j);
	lc_json_key(j, "jiffies");
	if (e->jiffies)
		lc_json_uint(j, e->jiffies);
	else
		lc_json_null(j);
	lc_json_key(j, "flavor");
	lc_json_string(j, e->flavor[0] ? e->flavor : NULL);
	lc_json_end_object(j);
}

static void render_json(const struct log_view *v)
{
	const struct lc_printk_log *log = v->log;
	struct lc_json j;
	lc_json_init(&j, stdout, false);
	lc_json_begin_object(&j);
	lc_json_key(&j, "records");
	lc_json_begin_array(&j);
	for (size_t i = 0; i < v->nshown; i++)
		json_record(&j, &log->records[v->shown[i]]);
	lc_json_end_array(&j);
	lc_json_key(&j, "events");
	lc_json_begin_array(&j);
	for (size_t i = 0; i < log->events.count; i++)
		json_event(&j, &log->events.events[i]);
	lc_json_end_array(&j);
	lc_json_key(&j, "consoles");
	lc_json_begin_array(&j);
	for (size_t i = 0; i < log->nconsoles; i++) {
		const struct lc_printk_console *c = &log->consoles[i];
		lc_json_begin_object(&j);
		lc_json_key(&j, "name");
		lc_json_string(&j, c->name);
		lc_json_key(&j, "index");
		lc_json_int(&j, c->index);
		lc_json_key(&j, "enabled");
		lc_json_bool(&j, c->enabled);
		lc_json_key(&j, "seq");
		lc_json_uint(&j, c->seq);
		lc_json_end_object(&j);
	}
	lc_json_end_array(&j);
	lc_json_key(&j, "console_seq");
	if (log->console_seq_known)
		lc_json_uint(&j, log->console_seq);
	else
		lc_json_null(&j);
	lc_json_key(&j, "console_loglevel");
	if (log->console_loglevel >= 0)
		lc_json_int(&j, log->console_loglevel);
	else
		lc_json_null(&j);
	lc_json_key(&j, "console_sem");
	if (log->console_sem_known) {
		lc_json_begin_object(&j);
		lc_json_key(&j, "count");
		lc_json_int(&j, log->console_sem_count);
		lc_json_key(&j, "owner");
		if (log->console_owner)
			lc_json_address(&j, log->console_owner);
		else
			lc_json_null(&j);
		lc_json_end_object(&j);
	} else {
		lc_json_null(&j);
	}
	lc_json_key(&j, "boot_time_ns");
	if (log->boot_time_known)
		lc_json_int(&j, log->boot_time_ns);
	else
		lc_json_null(&j);
	lc_json_key(&j, "dropped");
	lc_json_uint(&j, log->dropped);
	lc_json_key(&j, "notes");
	lc_json_begin_array(&j);
	for (size_t i = 0; i < log->nnotes; i++)
		lc_json_string(&j, log->notes[i]);
	lc_json_end_array(&j);
	lc_json_end_object(&j);
	lc_json_finish(&j);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: lockcore [--json] log DUMP [-l LEVELS] [--cpu N] [--caller] "
		"[--unflushed] [--events] [-T]\n"
		"  -l, --level LEVELS  only these levels (emerg,alert,crit,err,warn,notice,"
		"info,debug or 0-7)\n"
		"      --cpu N         only what CPU N printed (CPU callers, per-CPU buffers)\n"
		"      --caller        show the caller: [T<pid>] or [C<cpu>]\n"
		"      --unflushed     only what never reached the log or a console\n"
		"      --events        list panics, oopses, lockups, stalls, hung tasks\n"
		"  -T, --ctime         wall-clock times, from the boot time the timekeeper "
		"implies\n");
}

static int parse_options(struct lc_cli *cli, struct log_options *o)
{
	static const struct option longopts[] = {
		{"level", required_argument, NULL, 'l'}, {"cpu", required_argument, NULL, 'c'},
		{"caller", no_argument, NULL, 'C'},	 {"unflushed", no_argument, NULL, 'u'},
		{"events", no_argument, NULL, 'e'},	 {"ctime", no_argument, NULL, 'T'},
		{"help", no_argument, NULL, 'h'},	 {0},
	};
	optind = 0; /* glibc: reinitialize for a second getopt run */
	opterr = 1;
	int c;
	while ((c = getopt_long(cli->argc + 1, cli->argv - 1, "l:Th", longopts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'l':
			if (!parse_levels(optarg, &o->levels)) {
				fprintf(stderr, "lockcore: unknown level in '%s'\n", optarg);
				return 2;
			}
			break;
		case 'c': {
			unsigned long v = strtoul(optarg, &end, 10);
			if (!*optarg || *end || v > 1u << 20) {
				fprintf(stderr, "lockcore: '%s' is not a CPU number\n", optarg);
				return 2;
			}
			o->cpu_set = true;
			o->cpu = (unsigned)v;
			break;
		}
		case 'C':
			o->caller = true;
			break;
		case 'u':
			o->unflushed = true;
			break;
		case 'e':
			o->events = true;
			break;
		case 'T':
			o->ctime = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < cli->argc + 1) {
		fprintf(stderr, "lockcore: unexpected argument '%s'\n", cli->argv[optind - 1]);
		return 2;
	}
	return -1;
}

int lc_cmd_log(struct lc_cli *cli)
{
	struct log_options o = {0};
	int status = parse_options(cli, &o);
	if (status >= 0)
		return status;
	struct lc_program *prog;
	struct lc_error *err = lc_cli_open(cli, &prog);
	if (err)
		return lc_cli_fail(err);
	struct log_view v = {0};
	err = lc_printk_get(prog, &v.log);
	if (err) {
		lc_program_destroy(prog);
		return lc_cli_fail(lc_error_prefix(err, "reading the kernel log"));
	}
	if (o.ctime && !v.log->boot_time_known) {
		lc_program_destroy(prog);
		return lc_cli_fail(lc_error_create(
			LC_ERR_LOOKUP, "-T: the dump does not tell when the machine booted "
				       "(no usable 'shadow_timekeeper')"));
	}
	v.shown = malloc((v.log->count ? v.log->count : 1) * sizeof(*v.shown));
	if (!v.shown) {
		lc_program_destroy(prog);
		return lc_cli_fail(lc_error_nomem);
	}
	for (size_t i = 0; i < v.log->count; i++) {
		if (shown(&o, &v.log->records[i]))
			v.shown[v.nshown++] = i;
	}
	if (cli->json) {
		render_json(&v);
	} else {
		if (o.events)
			render_events_text(v.log);
		else
			render_text(&v, &o);
		fflush(stdout);
		for (size_t i = 0; i < v.log->nnotes; i++)
			fprintf(stderr, "lockcore: note: %s\n", v.log->notes[i]);
	}
	free(v.shown);
	lc_program_destroy(prog);
	return 0;
}
