#!/usr/bin/python3
"""compare.py [--threshold PCT] [--alpha A] BASE NEW: the regression gate.

Matches cases on (arch, kernel, config, accel, variant, impl, depth,
irq_state) and prints NEW/BASE of the medians with a 95 % interval, a
Mann-Whitney U p-value over the per-sample values and a verdict, sorted by
effect. A regression is a significant (p < alpha) slowdown of more than
THRESHOLD percent; under tcg-icount the figures are exact instruction
counts, so any change of half an instruction or more in the median is a
change. Exits 1 if any case regressed, 0 otherwise. Cases on one side only
are listed, not dropped.
"""
import argparse
import math
import sys

from scipy.stats import mannwhitneyu

import runs

EXACT_ACCELS = {"tcg-icount"}
EXACT_STEP = 0.5  # instructions per operation


def ratio_ci(b, n):
    """NEW/BASE bounds from the two medians' distribution-free intervals."""
    lo = n["ci95_lo"] / b["ci95_hi"] if b["ci95_hi"] > 0 else math.nan
    hi = n["ci95_hi"] / b["ci95_lo"] if b["ci95_lo"] > 0 else math.nan
    return lo, hi


def judge(b, n, threshold, alpha):
    """(verdict, ratio, lo, hi, p) for one matched case."""
    ratio = n["p50"] / b["p50"] if b["p50"] > 0 else math.nan
    lo, hi = ratio_ci(b, n)
    p = math.nan
    if b.get("values") and n.get("values") and (b["values"] != n["values"]):
        p = mannwhitneyu(n["values"], b["values"], alternative="two-sided").pvalue
    elif b.get("values") and n.get("values"):
        p = 1.0
    if b["accel"] in EXACT_ACCELS:
        delta = n["p50"] - b["p50"]
        if delta >= EXACT_STEP:
            return "REGRESSION", ratio, lo, hi, p
        if delta <= -EXACT_STEP:
            return "improvement", ratio, lo, hi, p
        return "same", ratio, lo, hi, p
    effect = (n["p50"] - b["p50"]) / b["p50"] * 100 if b["p50"] > 0 else 0.0
    significant = not math.isnan(p) and p < alpha
    if significant and effect > threshold:
        return "REGRESSION", ratio, lo, hi, p
    if significant and effect < -threshold:
        return "improvement", ratio, lo, hi, p
    return "same", ratio, lo, hi, p


def compare(base_recs, new_recs, threshold, alpha):
    base = {runs.case_key(r): r for r in base_recs}
    new = {runs.case_key(r): r for r in new_recs}
    rows = []
    for key in base.keys() & new.keys():
        verdict, ratio, lo, hi, p = judge(base[key], new[key], threshold, alpha)
        rows.append((key, verdict, ratio, lo, hi, p, base[key], new[key]))
    rows.sort(key=lambda r: -abs(math.log(r[2])) if r[2] > 0 and not math.isnan(r[2]) else 0)
    only_base = sorted(base.keys() - new.keys())
    only_new = sorted(new.keys() - base.keys())
    return rows, only_base, only_new


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threshold", type=float, default=1.0,
                    help="minimum slowdown in percent that counts (default 1)")
    ap.add_argument("--alpha", type=float, default=0.01, help="significance level (default 0.01)")
    ap.add_argument("--all", action="store_true", help="also list unchanged cases")
    ap.add_argument("base")
    ap.add_argument("new")
    a = ap.parse_args()
    bdir, ndir = runs.resolve(a.base), runs.resolve(a.new)
    _, brecs = runs.load_run(bdir)
    _, nrecs = runs.load_run(ndir)
    rows, only_base, only_new = compare(brecs, nrecs, a.threshold, a.alpha)
    print(f"BASE {bdir}\nNEW  {ndir}")
    print(f"{'verdict':<11} {'NEW/BASE':>8} {'95% interval':>17} {'p':>8} {'BASE p50':>10} {'NEW p50':>10}  case")
    regressions = 0
    for key, verdict, ratio, lo, hi, p, b, n in rows:
        regressions += verdict == "REGRESSION"
        if verdict == "same" and not a.all:
            continue
        print(f"{verdict:<11} {ratio:8.4f} [{lo:7.4f},{hi:7.4f}] {p:8.2g} "
              f"{b['p50']:10.3f} {n['p50']:10.3f}  {runs.case_name(key)} ({n['unit']})")
    for key in only_base:
        print(f"{'only BASE':<11} {'':>8} {'':>17} {'':>8} {'':>10} {'':>10}  {runs.case_name(key)}")
    for key in only_new:
        print(f"{'only NEW':<11} {'':>8} {'':>17} {'':>8} {'':>10} {'':>10}  {runs.case_name(key)}")
    same = sum(1 for r in rows if r[1] == "same")
    print(f"{len(rows)} cases matched: {regressions} regressions, "
          f"{sum(1 for r in rows if r[1] == 'improvement')} improvements, {same} unchanged; "
          f"{len(only_base)} only in BASE, {len(only_new)} only in NEW")
    sys.exit(1 if regressions else 0)


if __name__ == "__main__":
    main()
