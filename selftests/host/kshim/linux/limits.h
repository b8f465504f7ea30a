/* SPDX-License-Identifier: GPL-2.0 */
#include <limits.h>
#define BITS_PER_LONG	(8 * __SIZEOF_LONG__)
