// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics over sorted samples. The caller sorts (sort() in the kernel,
 * qsort() on the host); this file is pure C so host tests check it against
 * known data sets.
 */
#include "stats.h"

u32 irqb_rank(u32 n, u32 pct)
{
	u64 r = ((u64)n * pct + 99) / 100;

	return r < 1 ? 1 : (u32)r;
}

void irqb_median_ci_ranks(u32 n, u32 *lo, u32 *hi)
{
	/* 0.98 * sqrt(n), in thousandths, rounded up */
	u64 half = ((u64)int_sqrt64((u64)n * 1000000ULL) * 98 + 99) / 100;
	s64 l = ((s64)n * 1000 / 2 - (s64)half) / 1000;
	s64 h = ((s64)n * 1000 / 2 + 1000 + (s64)half + 999) / 1000;

	if (l < 1)
		l = 1;
	if (h > n)
		h = n;
	*lo = (u32)l;
	*hi = (u32)h;
}

int irqb_stats_compute(const s64 *sorted, u32 n, struct irqb_stats *st)
{
	s64 sum = 0, d;
	u64 sq = 0;
	u32 i, lo, hi;

	if (!n)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (i && sorted[i] < sorted[i - 1])
			return -EINVAL;
		sum += sorted[i];
	}
	st->n = n;
	st->min = sorted[0];
	st->max = sorted[n - 1];
	st->mean = div64_s64(sum, n);
	/* median: the mean of the two middle values when n is even */
	st->p50 = (sorted[(n - 1) / 2] + sorted[n / 2]) / 2;
	st->p90 = sorted[irqb_rank(n, 90) - 1];
	st->p99 = sorted[irqb_rank(n, 99) - 1];
	for (i = 0; i < n; i++) {
		d = sorted[i] - st->mean;
		sq += (u64)(d * d);
	}
	st->stddev = n > 1 ? int_sqrt64(div64_u64(sq, n - 1)) : 0;
	irqb_median_ci_ranks(n, &lo, &hi);
	st->ci95_lo = sorted[lo - 1];
	st->ci95_hi = sorted[hi - 1];
	return 0;
}
