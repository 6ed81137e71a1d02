// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for the lockdep held_lock decoder: any bytes, in both byte
 * orders, through the 6.12 layout (as lc_lockdep_layout_init() derives it from
 * the types) and through a layout taken from the input, whose fields may
 * point anywhere: the decoder must stay inside the held_lock's bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linux/lockdep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct lc_lockdep_field fixed(uint64_t bit_offset, uint32_t bit_size, uint32_t size)
{
	return (struct lc_lockdep_field){
		.present = true, .bit_offset = bit_offset, .bit_size = bit_size, .size = size};
}

static struct lc_lockdep_field from_input(const uint8_t *p)
{
	/* offsets up to 511 bits, sizes 1-8 bytes, bit fields of 0-63 bits */
	return (struct lc_lockdep_field){.present = p[0] & 1,
					 .bit_offset = (uint64_t)(p[1] | (p[0] & 0x2) << 7),
					 .bit_size = p[2] & 63,
					 .size = (uint32_t)(p[3] & 7) + 1};
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lc_lockdep_layout l = {
		.hlock_size = 40,
		.instance = fixed(128, 0, 8),
		.acquire_ip = fixed(64, 0, 8),
		.nest_lock = fixed(192, 0, 8),
		.class_idx = fixed(256, 13, 4),
		.irq_context = fixed(269, 2, 4),
		.trylock = fixed(271, 1, 4),
		.read = fixed(272, 2, 4),
		.hardirqs_off = fixed(275, 1, 4),
	};
	uint8_t h[64] = {0};
	memcpy(h, data, size < sizeof(h) ? size : sizeof(h));
	for (int be = 0; be < 2; be++) {
		struct lc_held_lock hl;
		lc_held_lock_decode(&l, h, be, &hl);
		if (hl.class_idx >= 1u << 13 || hl.read > 3 || hl.irq_context > 3 ||
		    !lc_held_lock_mode(&hl))
			abort();
	}
	if (size >= 64 + 8 * 4) {
		const uint8_t *p = data + 64;
		struct lc_lockdep_field *fs[] = {&l.instance,  &l.acquire_ip,  &l.nest_lock,
						 &l.class_idx, &l.irq_context, &l.trylock,
						 &l.read,      &l.hardirqs_off};
		for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++, p += 4)
			*fs[i] = from_input(p);
		l.hlock_size = (size - 64) % 65;
		/* exactly hlock_size bytes, so ASan catches a read past the held_lock */
		uint8_t *copy = malloc(l.hlock_size ? l.hlock_size : 1);
		if (!copy)
			return 0;
		memcpy(copy, data + 64, l.hlock_size);
		struct lc_held_lock hl;
		lc_held_lock_decode(&l, copy, data[0] & 1, &hl);
		free(copy);
	}
	return 0;
}
