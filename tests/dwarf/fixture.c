// SPDX-License-Identifier: LGPL-2.1-or-later
/* Compiled with -g at build time; test_dwarf reads its DWARF, never runs it. */
#include "fixture.h"

struct fx_bits fx_global;
struct fx_node *fx_head;
int fx_anon_user = FX_ANON_CONST;

int main(void)
{
	fx_head = &fx_global.list;
	return fx_global.a + fx_anon_user;
}
