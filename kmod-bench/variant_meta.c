// SPDX-License-Identifier: GPL-2.0
/* The variant rows as a plain array: the host tests and the fuzzer's table. */
#include "variants.h"

const struct irqb_variant_meta irqb_variant_meta[IRQB_NR_VARIANTS] = {
#define IRQB_VARIANT(id, ...)	\
	[IRQB_V_##id] = IRQB_META_ROW(id, __VA_ARGS__),
#include "variant_rows.h"
#undef IRQB_VARIANT
};
