// SPDX-License-Identifier: GPL-2.0

//! Per-case statistics in integer maths, line for line those of the C module's
//! `kmod-bench/stats.c`, so Rust and C records mean the same thing. Values are
//! per-operation costs in thousandths of the unit.

/// What one case's samples come to (the record's statistical fields).
#[derive(Default, Clone, Copy)]
pub(crate) struct Stats {
    pub(crate) n: u32,
    pub(crate) min: i64,
    pub(crate) p50: i64,
    pub(crate) mean: i64,
    pub(crate) p90: i64,
    pub(crate) p99: i64,
    pub(crate) max: i64,
    pub(crate) stddev: i64,
    pub(crate) ci95_lo: i64,
    pub(crate) ci95_hi: i64,
}

/// The kernel's `int_sqrt64()`: the integer square root, rounded down.
fn int_sqrt64(x: u64) -> u64 {
    if x < 2 {
        return x;
    }
    let mut m: u64 = 1 << ((63 - x.leading_zeros()) & !1);
    let mut x = x;
    let mut y: u64 = 0;
    while m != 0 {
        let b = y + m;
        y >>= 1;
        if x >= b {
            x -= b;
            y += m;
        }
        m >>= 2;
    }
    y
}

/// 1-based nearest-rank percentile index for `pct` of `n` values.
fn rank(n: u32, pct: u32) -> u32 {
    let r = (u64::from(n) * u64::from(pct)).div_ceil(100);
    if r < 1 {
        1
    } else {
        r as u32
    }
}

/// 1-based ranks bounding a distribution-free 95 % interval of the median.
fn median_ci_ranks(n: u32) -> (u32, u32) {
    let half = (int_sqrt64(u64::from(n) * 1_000_000) * 98).div_ceil(100) as i64;
    let n = i64::from(n);
    let l = (n * 1000 / 2 - half) / 1000;
    let h = (n * 1000 / 2 + 1000 + half + 999) / 1000;
    (l.max(1) as u32, h.min(n) as u32)
}

/// Statistics of `sorted` (ascending); `None` if it is empty or unsorted.
pub(crate) fn compute(sorted: &[i64]) -> Option<Stats> {
    let n = u32::try_from(sorted.len()).ok()?;
    if n == 0 || sorted.windows(2).any(|w| w[1] < w[0]) {
        return None;
    }
    let sum: i64 = sorted.iter().sum();
    let mean = sum / i64::from(n);
    let sq: u64 = sorted
        .iter()
        .map(|&v| {
            let d = v - mean;
            (d * d) as u64
        })
        .sum();
    let (lo, hi) = median_ci_ranks(n);
    let at = |r: u32| sorted[r as usize - 1];
    Some(Stats {
        n,
        min: sorted[0],
        max: sorted[n as usize - 1],
        mean,
        // the mean of the two middle values when n is even
        p50: (sorted[(n as usize - 1) / 2] + sorted[n as usize / 2]) / 2,
        p90: at(rank(n, 90)),
        p99: at(rank(n, 99)),
        stddev: if n > 1 {
            int_sqrt64(sq / u64::from(n - 1)) as i64
        } else {
            0
        },
        ci95_lo: at(lo),
        ci95_hi: at(hi),
    })
}
