#!/usr/bin/python3
"""make results: RESULTS.md, the plots and the dashboard, from results/.
For each accelerator and cell (arch, kernel, config), the newest good run
that measured it is reported, so a run of one config (distro, say) adds to
the runs of others instead of hiding them."""
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
    newest = {}  # (accel, arch, kernel, config) -> (dir, meta, records)
    for d, meta, recs in all_runs:  # oldest first: later runs win
        for cell in {(r["accel"], r["arch"], r["kernel"], r["config"]) for r in recs}:
            newest[cell] = (d, meta, [r for r in recs
                                      if (r["accel"], r["arch"], r["kernel"], r["config"]) == cell])
    order = ["tcg-icount", "tcg", "kvm", "bare-metal"]
    used = {}
    for cell in sorted(newest, key=lambda c: (order.index(c[0]) if c[0] in order else 9, c)):
        d, meta, recs = newest[cell]
        dirs, metas, merged = used.setdefault(cell[0], ([], [], []))
        if d not in dirs:
            dirs.append(d)
            metas.append(meta)
        merged.extend(recs)
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
          + ", ".join(f"{a}: {' '.join(sorted(os.path.basename(d) for d in v[0]))}"
                      for a, v in used.items()))


if __name__ == "__main__":
    main()
