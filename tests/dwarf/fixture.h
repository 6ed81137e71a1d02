/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Types whose DWARF test_dwarf reads; the test compiles this header too, for offsetof(). */
#ifndef LC_TESTS_DWARF_FIXTURE_H
#define LC_TESTS_DWARF_FIXTURE_H

typedef unsigned long fx_ulong;
typedef fx_ulong fx_ulong2;

enum fx_color { FX_RED = -2, FX_GREEN = 7, FX_BLUE = 128, FX_BIG = 0x7fffffff };
enum fx_flags { FX_A = 1u, FX_HIGH = 0x80000000u };

struct fx_node {
	struct fx_node *next, *prev;
};

struct fx_bits {
	unsigned int a : 3;
	unsigned int b : 5;
	int c : 7;
	unsigned long long d : 40;
	char tail;
	union {
		int u_i;
		struct {
			short s1, s2;
		};
	};
	fx_ulong2 arr[4][3];
	unsigned char bytes[256];
	const volatile int *cvp;
	int (*fn)(int);
	struct fx_node list;
	enum fx_color color;
	enum fx_flags flags;
	char flex[];
};

enum { FX_ANON_CONST = 42 };

extern struct fx_bits fx_global;
extern struct fx_node *fx_head;
extern int fx_anon_user;

#endif
