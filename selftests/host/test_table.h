/* SPDX-License-Identifier: GPL-2.0 */
/* A variant table for host tests, shaped like the module's. */
#ifndef IRQB_TEST_TABLE_H
#define IRQB_TEST_TABLE_H

#include "request.h"

static const struct irqb_variant_meta test_rows[] = {
	{ "irqsave", "", 1, 16, IRQB_STATE_ALL, false, false, "" },
	{ "irq", "", 1, 1, IRQB_STATE_ON, false, false, "no nesting" },
	{ "counted", "", 1, 16, IRQB_STATE_ALL, true, false, "" },
	{ "lock_with", "", 1, 16, IRQB_STATE_OFF, true, false, "needs the token" },
	{ "empty", "", 1, 1, IRQB_STATE_ALL, false, false, "no nesting" },
};

static const struct irqb_table test_table = {
	.rows = test_rows,
	.stride = sizeof(test_rows[0]),
	.nr = sizeof(test_rows) / sizeof(test_rows[0]),
};

#endif
