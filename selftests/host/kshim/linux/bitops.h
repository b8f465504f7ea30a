/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim: __fls() as the kernel defines it (index of the top set bit). */
static inline unsigned long __fls(unsigned long x)
{
	return 8 * sizeof(long) - 1 - __builtin_clzl(x);
}
