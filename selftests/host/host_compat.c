// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel provides to stats.c that a host build lacks. The floor
 * square root is written out (bit by bit) so the host tests check the same
 * integer semantics as the kernel's int_sqrt64(), not libm's rounding.
 */
#include "irqb_compat.h"

u32 int_sqrt64(u64 x)
{
	u64 b, m, y = 0;

	if (x <= 1)
		return (u32)x;
	m = 1ULL << 62;
	while (m > x)
		m >>= 2;
	while (m) {
		b = y + m;
		y >>= 1;
		if (x >= b) {
			x -= b;
			y += m;
		}
		m >>= 2;
	}
	return (u32)y;
}
