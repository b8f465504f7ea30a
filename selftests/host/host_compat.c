// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel provides to stats.c that a host build lacks. int_sqrt()
 * is the kernel's own lib/math/int_sqrt.c, built here through kshim/;
 * int_sqrt64() on a 64-bit kernel is this same cast (include/linux/math.h).
 */
#include "irqb_compat.h"

unsigned long int_sqrt(unsigned long x);

u32 int_sqrt64(u64 x)
{
	return (u32)int_sqrt((unsigned long)x);
}
