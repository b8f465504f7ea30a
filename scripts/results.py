#!/usr/bin/python3
"""make results: RESULTS.md, the plots and the dashboard, from results/.
For each accelerator the newest good run that used it is reported."""
import os
import sys

import dashboard
import plots
import report
import runs

THRESHOLD = float(os.environ.get("THRESHOLD", "1.0"))


def main():
    all_runs = []
    for d in runs.run_dirs():
        meta, recs = runs.load_run(d)
        all_runs.append((d, meta, runs.one_per_case(recs)))
    if not all_runs:
        sys.exit("irqbench: no runs under results/: make bench first")
    newest = {}
    for d, meta, recs in all_runs:  # oldest first: later runs win
        for accel in {r["accel"] for r in recs}:
            newest[accel] = (d, meta, [r for r in recs if r["accel"] == accel])
    order = ["tcg-icount", "tcg", "kvm", "bare-metal"]
    used = {a: newest[a] for a in sorted(newest, key=lambda a: order.index(a) if a in order else 9)}
    made = plots.make_all({a: v[2] for a, v in used.items()}, all_runs, THRESHOLD)
    report.write(used, made, all_runs)
    latest = os.path.join(runs.RESULTS, "latest")
    baseline = os.path.join(runs.RESULTS, "baseline")
    base = os.path.realpath(baseline) if os.path.islink(baseline) else None
    new = os.path.realpath(latest) if os.path.islink(latest) else None
    if base:
        # the newest run measured like the baseline: other accelerators never match
        accels = {r["accel"] for d, _m, recs in all_runs if d == base for r in recs}
        same = [d for d, _m, recs in all_runs if d != base and accels & {r["accel"] for r in recs}]
        if same and new not in same:
            new = same[-1]
    dashboard.write(new, base, made, THRESHOLD, all_runs)
    print(f"RESULTS.md, {sum(len(v) for v in made.values())} plots and plots/out/index.html from "
          f"{', '.join(f'{a}: {os.path.basename(v[0])}' for a, v in used.items())}")


if __name__ == "__main__":
    main()
