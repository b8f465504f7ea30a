/* SPDX-License-Identifier: GPL-2.0 */
/* The module's own variant rows (kmod-bench/variant_meta.c) as a table. */
#ifndef IRQB_TEST_TABLE_H
#define IRQB_TEST_TABLE_H

#include "variants.h"

static const struct irqb_table test_table = {
	.rows = irqb_variant_meta,
	.stride = sizeof(irqb_variant_meta[0]),
	.nr = IRQB_NR_VARIANTS,
};

#endif
