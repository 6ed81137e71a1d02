// SPDX-License-Identifier: LGPL-2.1-or-later
#include <ctype.h>
#include <stdio.h>

#include "linux/log_events.h"
#include "linux/printk.h"
#include "util.h"

enum {
	/* How far after a report to look for its "CPU: N PID: N Comm: X" line. */
	OOPS_LOOKAHEAD = 40,
	PANIC_LOOKAHEAD = 4,
	/* Lines of one RCU stall report, and continuation pieces of one line. */
	RCU_LOOKAHEAD = 256,
	MAX_CONT_PIECES = 64,
	MAX_NAMED = 4096,
};

const char *lc_log_event_kind_name(enum lc_log_event_kind kind)
{
	switch (kind) {
	case LC_LOG_EVENT_PANIC:
		return "panic";
	case LC_LOG_EVENT_OOPS:
		return "oops";
	case LC_LOG_EVENT_BUG:
		return "bug";
	case LC_LOG_EVENT_SOFT_LOCKUP:
		return "soft-lockup";
	case LC_LOG_EVENT_HARD_LOCKUP:
		return "hard-lockup";
	case LC_LOG_EVENT_RCU_STALL:
		return "rcu-stall";
	case LC_LOG_EVENT_RCU_EXPEDITED_STALL:
		return "rcu-expedited-stall";
	case LC_LOG_EVENT_HUNG_TASK:
		return "hung-task";
	}
	return "unknown";
}

void lc_log_events_init(struct lc_log_events *events)
{
	memset(events, 0, sizeof(*events));
}

void lc_log_events_deinit(struct lc_log_events *events)
{
	for (size_t i = 0; i < events->count; i++) {
		free(events->events[i].message);
		free(events->events[i].cpus);
		free(events->events[i].pids);
	}
	free(events->events);
	memset(events, 0, sizeof(*events));
}

/* Read a decimal number at s; false if there is no digit. */
static bool parse_uint(const char *s, const char **end, uint64_t *ret)
{
	if (!isdigit((unsigned char)*s))
		return false;
	uint64_t v = 0;
	while (isdigit((unsigned char)*s)) {
		uint64_t d = (uint64_t)(*s - '0');
		v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
		s++;
	}
	if (end)
		*end = s;
	*ret = v;
	return true;
}

/* The number right after the first occurrence of key in s. */
static bool number_after(const char *s, const char *key, uint64_t *ret)
{
	const char *p = strstr(s, key);
	return p && parse_uint(p + strlen(key), NULL, ret);
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

struct builder {
	struct lc_log_event ev;
	size_t cpus_cap, pids_cap;
};

static struct lc_error *add_cpu(struct builder *b, uint64_t cpu)
{
	if (cpu > INT32_MAX || b->ev.ncpus >= MAX_NAMED)
		return NULL;
	for (size_t i = 0; i < b->ev.ncpus; i++) {
		if (b->ev.cpus[i] == cpu)
			return NULL;
	}
	if (!lc_grow((void **)&b->ev.cpus, &b->cpus_cap, b->ev.ncpus + 1, sizeof(*b->ev.cpus)))
		return lc_error_nomem;
	b->ev.cpus[b->ev.ncpus++] = (unsigned)cpu;
	return NULL;
}

static struct lc_error *add_pid(struct builder *b, uint64_t pid)
{
	if (pid > INT32_MAX || b->ev.npids >= MAX_NAMED)
		return NULL;
	for (size_t i = 0; i < b->ev.npids; i++) {
		if (b->ev.pids[i] == (int32_t)pid)
			return NULL;
	}
	if (!lc_grow((void **)&b->ev.pids, &b->pids_cap, b->ev.npids + 1, sizeof(*b->ev.pids)))
		return lc_error_nomem;
	b->ev.pids[b->ev.npids++] = (int32_t)pid;
	return NULL;
}

static void set_comm(struct builder *b, const char *s, size_t n)
{
	if (b->ev.comm[0])
		return;
	if (n > sizeof(b->ev.comm) - 1)
		n = sizeof(b->ev.comm) - 1;
	memcpy(b->ev.comm, s, n);
	b->ev.comm[n] = '\0';
}

/* The first line of s, trailing blanks removed. */
static struct lc_error *set_message(struct builder *b, const char *s)
{
	size_t n = strcspn(s, "\n");
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	b->ev.message = strndup(s, n);
	return b->ev.message ? NULL : lc_error_nomem;
}

static void builder_init(struct builder *b, enum lc_log_event_kind kind,
			 const struct lc_printk_record *records, size_t i)
{
	memset(b, 0, sizeof(*b));
	b->ev.kind = kind;
	b->ev.record = i;
	b->ev.has_seq = records[i].has_seq;
	b->ev.seq = records[i].seq;
	b->ev.detector_cpu = -1;
}

static void builder_free(struct builder *b)
{
	free(b->ev.message);
	free(b->ev.cpus);
	free(b->ev.pids);
}

static struct lc_error *emit(struct lc_log_events *events, struct builder *b)
{
	if (!lc_grow((void **)&events->events, &events->capacity, events->count + 1,
		     sizeof(*events->events))) {
		builder_free(b);
		return lc_error_nomem;
	}
	events->events[events->count++] = b->ev;
	return NULL;
}

/* "CPU: 1 PID: 123 Comm: insmod Tainted: ..." (6.10+ puts "UID: 0" before PID). */
static bool parse_cpu_line(const char *t, uint64_t *cpu, uint64_t *pid, const char **comm,
			   size_t *comm_len)
{
	if (!starts_with(t, "CPU: ") || !parse_uint(t + 5, NULL, cpu))
		return false;
	const char *p = strstr(t, " PID: ");
	if (!p || !parse_uint(p + 6, NULL, pid))
		return false;
	const char *c = strstr(p, " Comm: ");
	if (!c) {
		*comm = NULL;
		*comm_len = 0;
		return true;
	}
	c += 7;
	*comm = c;
	*comm_len = strcspn(c, " \n");
	return true;
}

static bool is_report_start(const char *t);

/* Attach the CPU and task of the first "CPU: ..." line among the next records. */
static struct lc_error *attach_cpu_line(struct builder *b, const struct lc_printk_record *records,
					size_t count, size_t i, size_t lookahead)
{
	for (size_t j = i + 1; j < count && j <= i + lookahead; j++) {
		const char *t = records[j].text;
		uint64_t cpu, pid;
		const char *comm;
		size_t comm_len;
		if (parse_cpu_line(t, &cpu, &pid, &comm, &comm_len)) {
			struct lc_error *err = add_cpu(b, cpu);
			if (!err)
				err = add_pid(b, pid);
			if (err)
				return err;
			if (comm)
				set_comm(b, comm, comm_len);
			return NULL;
		}
		if (is_report_start(t))
			break;
	}
	/* Otherwise the printing context says where it happened. */
	const struct lc_printk_record *r = &records[i];
	if (r->caller_kind == LC_PRINTK_CALLER_CPU)
		return add_cpu(b, r->caller);
	if (r->caller_kind == LC_PRINTK_CALLER_TASK)
		return add_pid(b, r->caller);
	return NULL;
}

static bool is_oops(const char *t)
{
	if (starts_with(t, "Internal error: "))
		return true;
	if (starts_with(t, "Oops: ") || starts_with(t, "Oops - "))
		return true;
	return starts_with(t, "general protection fault");
}

static bool is_bug(const char *t)
{
	return starts_with(t, "BUG: ") || starts_with(t, "kernel BUG at ") ||
	       starts_with(t, "Unable to handle kernel ");
}

/* Where another report begins; an "Oops:" line continues the report of a "BUG:" line. */
static bool is_report_start(const char *t)
{
	return is_bug(t) || strstr(t, "Kernel panic - not syncing: ") ||
	       strstr(t, "BUG: soft lockup - CPU#") || strstr(t, "detected hard LOCKUP on cpu");
}

/* Skip a pr_fmt prefix such as "rcu: " so the report's own text starts at t. */
static const char *skip_prefix(const char *t, const char *prefix)
{
	return starts_with(t, prefix) ? t + strlen(prefix) : t;
}

/*
 * The text of record i with the continuation records that follow it from the
 * same caller joined, for reports built with pr_cont() that the ring could
 * not merge into one record.
 */
static char *joined_text(const struct lc_printk_record *records, size_t count, size_t i,
			 size_t *last)
{
	size_t len = records[i].text_len, j = i + 1;
	for (; j < count && j < i + MAX_CONT_PIECES; j++) {
		const struct lc_printk_record *r = &records[j];
		if (!(r->flags & LC_PRINTK_LOG_CONT) || r->caller_kind != records[i].caller_kind ||
		    r->caller != records[i].caller)
			break;
		len += r->text_len;
	}
	*last = j - 1;
	char *s = malloc(len + 1);
	if (!s)
		return NULL;
	size_t pos = 0;
	for (size_t k = i; k < j; k++) {
		memcpy(s + pos, records[k].text, records[k].text_len);
		pos += records[k].text_len;
	}
	s[pos] = '\0';
	return s;
}

/* "rcu_sched" in "INFO: rcu_sched detected stalls ..." */
static void set_flavor(struct builder *b, const char *t)
{
	const char *p = strstr(t, "INFO: ");
	if (!p)
		return;
	p += 6;
	size_t n = strcspn(p, " ");
	if (n >= sizeof(b->ev.flavor))
		n = sizeof(b->ev.flavor) - 1;
	memcpy(b->ev.flavor, p, n);
	b->ev.flavor[n] = '\0';
}

/* " 1-....: (...)" names a stalled CPU; " P1234" a task blocking the grace period. */
static struct lc_error *scan_stall_tokens(struct builder *b, const char *s, const char *end)
{
	const char *p = s;
	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		const char *tok = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		uint64_t v;
		const char *q;
		struct lc_error *err = NULL;
		if (tok < p && parse_uint(tok, &q, &v) && q < p && *q == '-')
			err = add_cpu(b, v);
		else if (tok < p && *tok == 'P' && parse_uint(tok + 1, &q, &v) &&
			 (q == p || *q == ':' || *q == ','))
			err = add_pid(b, v);
		if (err)
			return err;
	}
	return NULL;
}

static struct lc_error *parse_rcu_stall(struct builder *b, const struct lc_printk_record *records,
					size_t count, size_t i, size_t *last)
{
	set_flavor(b, records[i].text);
	*last = i;
	for (size_t j = i + 1; j < count && j <= i + RCU_LOOKAHEAD; j++) {
		const struct lc_printk_record *r = &records[j];
		const char *t = skip_prefix(r->text, "rcu: ");
		bool cont = (r->flags & LC_PRINTK_LOG_CONT) != 0;
		if (*t != '\t' && *t != ' ' && !cont)
			break;
		*last = j;
		const char *line = t;
		while (*line == '\t' || *line == ' ')
			line++;
		uint64_t v;
		const char *q;
		struct lc_error *err = NULL;
		if (starts_with(line, "(detected by ")) {
			if (parse_uint(line + 13, NULL, &v))
				b->ev.detector_cpu = v > INT32_MAX ? -1 : (int)v;
			if (number_after(line, "t=", &v))
				b->ev.jiffies = v;
		} else if (starts_with(line, "(t=")) {
			if (parse_uint(line + 3, NULL, &v))
				b->ev.jiffies = v;
		} else if (starts_with(line, "Tasks blocked on")) {
			const char *colon = strstr(line, "):");
			const char *from = colon ? colon + 2 : line;
			err = scan_stall_tokens(b, from, from + strlen(from));
		} else if (!cont && parse_uint(line, &q, &v) && *q == '-') {
			err = add_cpu(b, v);
		} else if (cont) {
			err = scan_stall_tokens(b, line, line + strlen(line));
		}
		if (err)
			return err;
	}
	/* A self-detected stall names its own CPU, who is also the detector. */
	if (strstr(records[i].text, "self-detected stall") && b->ev.ncpus)
		b->ev.detector_cpu = (int)b->ev.cpus[0];
	return NULL;
}

static struct lc_error *parse_expedited(struct builder *b, const struct lc_printk_record *records,
					size_t count, size_t i, size_t *last)
{
	set_flavor(b, records[i].text);
	char *s = joined_text(records, count, i, last);
	if (!s)
		return lc_error_nomem;
	struct lc_error *err = NULL;
	const char *open = strchr(s, '{');
	const char *close = open ? strchr(open, '}') : NULL;
	if (open)
		err = scan_stall_tokens(b, open + 1, close ? close : open + 1 + strlen(open + 1));
	uint64_t v;
	if (!err && close && parse_uint(close + 1 + strspn(close + 1, " "), NULL, &v))
		b->ev.jiffies = v;
	free(s);
	return err;
}

/* "INFO: task kworker/0:1:123 blocked for more than 120 seconds." (comm may hold ':') */
static struct lc_error *parse_hung_task(struct builder *b, const char *t)
{
	const char *p = strstr(t, "INFO: task ") + 11;
	const char *blocked = strstr(p, " blocked for more than ");
	if (!blocked)
		return NULL;
	const char *colon = NULL;
	for (const char *q = p; q < blocked; q++) {
		if (*q == ':')
			colon = q;
	}
	uint64_t v;
	if (colon && parse_uint(colon + 1, NULL, &v)) {
		struct lc_error *err = add_pid(b, v);
		if (err)
			return err;
		set_comm(b, p, (size_t)(colon - p));
	}
	if (parse_uint(blocked + 23, NULL, &v))
		b->ev.seconds = v;
	return NULL;
}

/* "watchdog: BUG: soft lockup - CPU#3 stuck for 22s! [insmod:1234]" */
static struct lc_error *parse_soft_lockup(struct builder *b, const char *t)
{
	uint64_t v;
	const char *p = strstr(t, "CPU#");
	if (p && parse_uint(p + 4, NULL, &v)) {
		struct lc_error *err = add_cpu(b, v);
		if (err)
			return err;
	}
	if (number_after(t, "stuck for ", &v))
		b->ev.seconds = v;
	const char *open = strrchr(t, '[');
	const char *close = open ? strchr(open, ']') : NULL;
	if (close) {
		const char *colon = NULL;
		for (const char *q = open + 1; q < close; q++) {
			if (*q == ':')
				colon = q;
		}
		if (colon && parse_uint(colon + 1, NULL, &v)) {
			struct lc_error *err = add_pid(b, v);
			if (err)
				return err;
			set_comm(b, open + 1, (size_t)(colon - open - 1));
		}
	}
	return NULL;
}

struct lc_error *lc_log_events_parse(const struct lc_printk_record *records, size_t count,
				     struct lc_log_events *events)
{
	for (size_t i = 0; i < count; i++) {
		const char *t = records[i].text;
		if (!t)
			continue;
		struct builder b;
		struct lc_error *err = NULL;
		size_t last = i;
		const char *p;
		/* panic() closes with "---[ end Kernel panic - not syncing: ... ]---". */
		if ((p = strstr(t, "Kernel panic - not syncing: ")) && !strstr(t, "---[ end ")) {
			builder_init(&b, LC_LOG_EVENT_PANIC, records, i);
			err = set_message(&b, p + 28);
			if (!err)
				err = attach_cpu_line(&b, records, count, i, PANIC_LOOKAHEAD);
		} else if (strstr(t, "BUG: soft lockup - CPU#")) {
			builder_init(&b, LC_LOG_EVENT_SOFT_LOCKUP, records, i);
			err = set_message(&b, t);
			if (!err)
				err = parse_soft_lockup(&b, t);
		} else if ((p = strstr(t, "detected hard LOCKUP on cpu "))) {
			builder_init(&b, LC_LOG_EVENT_HARD_LOCKUP, records, i);
			uint64_t v;
			err = set_message(&b, t);
			if (!err && parse_uint(p + 28, NULL, &v))
				err = add_cpu(&b, v);
		} else if (strstr(t, "detected expedited stalls on CPUs/tasks")) {
			builder_init(&b, LC_LOG_EVENT_RCU_EXPEDITED_STALL, records, i);
			err = set_message(&b, t);
			if (!err)
				err = parse_expedited(&b, records, count, i, &last);
		} else if (strstr(t, "detected stalls on CPUs/tasks") ||
			   strstr(t, "self-detected stall on CPU")) {
			builder_init(&b, LC_LOG_EVENT_RCU_STALL, records, i);
			err = set_message(&b, t);
			if (!err)
				err = parse_rcu_stall(&b, records, count, i, &last);
		} else if (strstr(t, "INFO: task ") && strstr(t, " blocked for more than ")) {
			builder_init(&b, LC_LOG_EVENT_HUNG_TASK, records, i);
			err = set_message(&b, t);
			if (!err)
				err = parse_hung_task(&b, t);
		} else if (is_oops(t) || is_bug(t)) {
			builder_init(&b, is_oops(t) ? LC_LOG_EVENT_OOPS : LC_LOG_EVENT_BUG, records,
				     i);
			err = set_message(&b, t);
			if (!err)
				err = attach_cpu_line(&b, records, count, i, OOPS_LOOKAHEAD);
		} else {
			continue;
		}
		if (err) {
			builder_free(&b);
			return err;
		}
		err = emit(events, &b);
		if (err)
			return err;
		i = last;
	}
	return NULL;
}
