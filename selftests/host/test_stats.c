// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of kmod-bench/stats.c against known data sets (KTAP). */
#include <math.h>
#include <stdlib.h>
#include "kselftest.h"
#include "stats.h"

static int cmp(const void *a, const void *b)
{
	s64 x = *(const s64 *)a, y = *(const s64 *)b;

	return x < y ? -1 : x > y;
}

/* Reference statistics in double precision, from the textbook formulas. */
static void reference(const s64 *v, u32 n, double *mean, double *sd)
{
	double s = 0, q = 0;
	u32 i;

	for (i = 0; i < n; i++)
		s += (double)v[i];
	*mean = s / n;
	for (i = 0; i < n; i++)
		q += ((double)v[i] - *mean) * ((double)v[i] - *mean);
	*sd = n > 1 ? sqrt(q / (n - 1)) : 0;
}

static void check_set(const char *name, s64 *v, u32 n, s64 p50, s64 p90, s64 p99,
		      u32 ci_lo_rank, u32 ci_hi_rank)
{
	struct irqb_stats st;
	double mean, sd;
	int ret;

	qsort(v, n, sizeof(*v), cmp);
	ret = irqb_stats_compute(v, n, &st);
	reference(v, n, &mean, &sd);
	ksft_test_result(!ret && st.n == n && st.min == v[0] && st.max == v[n - 1],
			 "%s: n, min and max\n", name);
	ksft_test_result(!ret && st.p50 == p50, "%s: median %lld (want %lld)\n", name,
			 (long long)st.p50, (long long)p50);
	ksft_test_result(!ret && st.p90 == p90 && st.p99 == p99,
			 "%s: p90 %lld p99 %lld (want %lld %lld)\n", name,
			 (long long)st.p90, (long long)st.p99, (long long)p90,
			 (long long)p99);
	ksft_test_result(!ret && llabs(st.mean - (s64)floor(mean)) <= 1,
			 "%s: mean %lld (reference %.3f)\n", name, (long long)st.mean, mean);
	ksft_test_result(!ret && fabs((double)st.stddev - sd) <= 1.0,
			 "%s: stddev %lld (reference %.3f)\n", name, (long long)st.stddev, sd);
	ksft_test_result(!ret && st.ci95_lo == v[ci_lo_rank - 1] && st.ci95_hi == v[ci_hi_rank - 1],
			 "%s: median CI95 is x(%u)..x(%u)\n", name, ci_lo_rank, ci_hi_rank);
}

int main(void)
{
	s64 ramp[31], two[4] = { 1000, 2000, 3000, 4000 }, one[1] = { -5 };
	s64 noisy[101], unsorted[3] = { 3, 1, 2 };
	struct irqb_stats st;
	u32 i, lo, hi;

	ksft_print_header();
	ksft_set_plan(6 * 4 + 7);
	/* 1..31 in thousandths, shuffled: the known answers are exact */
	for (i = 0; i < 31; i++)
		ramp[i] = ((i * 17) % 31 + 1) * 1000;
	check_set("ramp 1..31", ramp, 31, 16000, 28000, 31000, 10, 22);
	check_set("even n", two, 4, 2500, 4000, 4000, 1, 4);
	check_set("single value", one, 1, -5, -5, -5, 1, 1);
	/* a steady value with rare large outliers, as interrupts make them */
	for (i = 0; i < 101; i++)
		noisy[i] = i % 25 == 7 ? 900000 : 31000 + (s64)(i % 3);
	check_set("outliers", noisy, 101, 31001, 31002, 900000, 40, 62);

	irqb_median_ci_ranks(5, &lo, &hi);
	ksft_test_result(lo == 1 && hi == 5, "CI ranks n=5 clamp to 1..5 (got %u..%u)\n", lo, hi);
	irqb_median_ci_ranks(1000, &lo, &hi);
	ksft_test_result(lo == 469 && hi == 532, "CI ranks n=1000 are 469..532 (got %u..%u)\n", lo, hi);
	ksft_test_result(irqb_rank(31, 90) == 28 && irqb_rank(100, 99) == 99 &&
			 irqb_rank(1, 50) == 1, "nearest-rank percentiles\n");
	ksft_test_result(irqb_stats_compute(unsorted, 3, &st) == -EINVAL,
			 "unsorted input is refused\n");
	ksft_test_result(irqb_stats_compute(one, 0, &st) == -EINVAL, "no samples is refused\n");
	ksft_test_result(int_sqrt64(0) == 0 && int_sqrt64(15) == 3 && int_sqrt64(16) == 4 &&
			 int_sqrt64(~0ULL) == 0xffffffffU, "int_sqrt64 floors\n");
	ksft_test_result(int_sqrt64(1000000ULL * 31) == 5567, "int_sqrt64(31e6) = 5567\n");
	ksft_finished();
}
