// SPDX-License-Identifier: LGPL-2.1-or-later
/* Error type, containers, VMCOREINFO and symbol table on synthetic input. */
#include <stdlib.h>

#include "check.h"
#include "symbols.h"
#include "util.h"
#include "vmcoreinfo.h"

static void test_error(void)
{
	struct lc_error *err = lc_error_fault(0xffff888000001000ull, "cannot read %d bytes", 8);
	err = lc_error_prefix(err, "reading %s", "rcu_state.gp_seq");
	CHECK(lc_error_code(err) == LC_ERR_FAULT);
	CHECK_STR(lc_error_message(err), "reading rcu_state.gp_seq: cannot read 8 bytes");
	uint64_t addr = 0;
	CHECK(lc_error_address(err, &addr));
	CHECK_EQ_U64(addr, 0xffff888000001000ull);
	lc_error_destroy(err);
	/* The static OOM error survives prefixing and destroying. */
	CHECK(lc_error_prefix(lc_error_nomem, "x") == lc_error_nomem);
	lc_error_destroy(lc_error_nomem);
	CHECK_STR(lc_error_message(lc_error_nomem), "out of memory");
	CHECK(lc_error_prefix(NULL, "x") == NULL);
}

static void test_strmap(void)
{
	struct lc_strmap m;
	lc_strmap_init(&m);
	char key[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		CHECK_OK(lc_strmap_set(&m, key, (uintptr_t)i * 3));
	}
	CHECK_OK(lc_strmap_set(&m, "k7", 1));
	uintptr_t v = 0;
	CHECK(lc_strmap_get(&m, "k4999", &v) && v == 4999 * 3);
	CHECK(lc_strmap_get(&m, "k7", &v) && v == 1);
	CHECK(!lc_strmap_get(&m, "k5000", &v));
	CHECK(m.count == 5000);
	lc_strmap_deinit(&m);
	CHECK(!lc_strmap_get(&m, "k1", &v));
}

static void test_u64set(void)
{
	struct lc_u64set s;
	lc_u64set_init(&s);
	bool present;
	for (uint64_t i = 0; i < 3000; i++) {
		CHECK_OK(lc_u64set_add(&s, i * 0x40, &present));
		CHECK(!present);
	}
	CHECK_OK(lc_u64set_add(&s, 0, &present));
	CHECK(present);
	CHECK_OK(lc_u64set_add(&s, 0x40 * 2999, &present));
	CHECK(present);
	CHECK_OK(lc_u64set_add(&s, 0x41, &present));
	CHECK(!present);
	lc_u64set_deinit(&s);
}

static void test_vmcoreinfo(void)
{
	static const char text[] = "OSRELEASE=6.1.0-28-amd64\n"
				   "PAGESIZE=4096\n"
				   "SYMBOL(init_uts_ns)=ffffffff82a12340\n"
				   "NUMBER(phys_base)=-2147483648\n"
				   "garbage line without equals\n"
				   "=novalue\n"
				   "KERNELOFFSET=1e000000\n"
				   "SYMBOL(bad)=xyz\n"
				   "\0SYMBOL(after_nul)=1\n";
	struct lc_vmcoreinfo vi;
	lc_vmcoreinfo_init(&vi);
	CHECK_OK(lc_vmcoreinfo_parse(&vi, text, sizeof(text)));
	CHECK_STR(lc_vmcoreinfo_get(&vi, "OSRELEASE"), "6.1.0-28-amd64");
	uint64_t a = 0;
	CHECK(lc_vmcoreinfo_symbol(&vi, "init_uts_ns", &a));
	CHECK_EQ_U64(a, 0xffffffff82a12340ull);
	int64_t n = 0;
	CHECK(lc_vmcoreinfo_number(&vi, "phys_base", &n) && n == -2147483648ll);
	CHECK(lc_vmcoreinfo_hex(&vi, "KERNELOFFSET", &a) && a == 0x1e000000);
	CHECK(!lc_vmcoreinfo_symbol(&vi, "bad", &a));
	CHECK(!lc_vmcoreinfo_symbol(&vi, "after_nul", &a));
	CHECK(!lc_vmcoreinfo_get(&vi, "missing"));
	lc_vmcoreinfo_deinit(&vi);
}

static void test_symbols(void)
{
	struct lc_symbols s;
	lc_symbols_init(&s);
	CHECK_OK(lc_symbols_add(&s, 0x2000, "b_func", 6, 'T', NULL));
	CHECK_OK(lc_symbols_add(&s, 0x1000, "a_func", 6, 't', NULL));
	CHECK_OK(lc_symbols_add(&s, 0x2000, "b_alias", 7, 't', NULL));
	CHECK_OK(lc_symbols_add(&s, 0x3000, "dup", 3, 't', NULL));
	CHECK_OK(lc_symbols_add(&s, 0x4000, "dup", 3, 'T', NULL));
	CHECK_OK(lc_symbols_finalize(&s));
	const struct lc_symbol *sym = lc_symbols_lookup(&s, 0x2010);
	CHECK(sym && strcmp(sym->name, "b_func") == 0 && sym->size == 0x1000);
	CHECK(lc_symbols_lookup(&s, 0xfff) == NULL);
	sym = lc_symbols_find(&s, "dup");
	CHECK(sym && sym->address == 0x4000); /* the global one wins */
	sym = lc_symbols_find(&s, "a_func");
	CHECK(sym && sym->address == 0x1000);
	lc_symbols_deinit(&s);

	/* an absolute symbol far above the image does not stretch the last real one */
	lc_symbols_init(&s);
	CHECK_OK(lc_symbols_add(&s, 0x1000, "text", 4, 'T', NULL));
	CHECK_OK(lc_symbols_add(&s, 0x8000, "_end", 4, 'B', NULL));
	CHECK_OK(lc_symbols_add(&s, 0x4000, "mid_abs", 7, 'a', NULL));
	CHECK_OK(lc_symbols_add(&s, ~0ull, "test_feature", 12, 'a', NULL));
	CHECK_OK(lc_symbols_finalize(&s));
	CHECK(lc_symbols_lookup(&s, 0x8000 + 0x100000) == NULL);
	sym = lc_symbols_lookup(&s, 0x8010);
	CHECK(sym && !strcmp(sym->name, "_end") && sym->size == 4096);
	/* text runs to _end: the absolute symbol between them is no boundary */
	sym = lc_symbols_find(&s, "text");
	CHECK(sym && sym->size == 0x7000);
	lc_symbols_deinit(&s);
}

int main(void)
{
	test_error();
	test_strmap();
	test_u64set();
	test_vmcoreinfo();
	test_symbols();
	CHECK_DONE();
}
