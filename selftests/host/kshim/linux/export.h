/* SPDX-License-Identifier: GPL-2.0 */
/* Host shim: just enough for the kernel's lib/math/int_sqrt.c to build. */
#define EXPORT_SYMBOL(sym)
