/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-case statistics in integer maths. Values are per-operation costs in
 * thousandths of the unit (ns or instructions), so fractions survive.
 */
#ifndef IRQB_STATS_H
#define IRQB_STATS_H

#include "irqb_compat.h"

struct irqb_stats {
	u32 n;
	s64 min, p50, mean, p90, p99, max, stddev, ci95_lo, ci95_hi;
};

/* 1-based nearest-rank percentile index for @pct (0..100) of @n values. */
u32 irqb_rank(u32 n, u32 pct);

/*
 * 1-based ranks bounding a distribution-free 95 % confidence interval of the
 * median: n/2 -+ 1.96 * sqrt(n) / 2, rounded outwards and clamped.
 */
void irqb_median_ci_ranks(u32 n, u32 *lo, u32 *hi);

/* @sorted holds @n ascending values; -EINVAL if @n is 0 or not sorted. */
int irqb_stats_compute(const s64 *sorted, u32 n, struct irqb_stats *st);

#endif /* IRQB_STATS_H */
