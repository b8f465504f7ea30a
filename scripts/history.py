#!/usr/bin/python3
"""history.py [--baseline RUN]: stored runs by date, commit, kernels and
accelerators; with --baseline, points results/baseline at RUN."""
import argparse
import os
import sys

import runs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", metavar="RUN")
    a = ap.parse_args()
    if a.baseline:
        try:
            target = runs.resolve(a.baseline)
        except SystemExit as e:
            print(f"history: {str(e).removeprefix('irqbench: ')}; nothing changed", file=sys.stderr)
            sys.exit(3)
        # the link is relative, so its run must sit directly under results/
        if os.path.dirname(target) != os.path.realpath(runs.RESULTS):
            print(f"history: {a.baseline} is not a run under {runs.RESULTS}; nothing changed",
                  file=sys.stderr)
            sys.exit(3)
        link = os.path.join(runs.RESULTS, "baseline")
        if os.path.islink(link):
            os.unlink(link)
        os.symlink(os.path.basename(target), link)
        print(f"baseline -> {os.path.basename(target)}")
        return
    marks = {}
    for name in ("latest", "baseline"):
        p = os.path.join(runs.RESULTS, name)
        if os.path.islink(p):
            marks.setdefault(os.path.realpath(p), []).append(name)
    print(f"{'date':<26} {'run':<36} {'commit':<13} {'kernels':<26} {'accel':<18} cells")
    for d in runs.run_dirs():
        meta, _ = runs.load_run(d)
        cells = meta.get("cells", [])
        kernels = sorted({c.get("kernel_release", c.get("kernel", "?")) for c in cells})
        accels = sorted({c.get("accel", "?") for c in cells})
        tag = " ".join(marks.get(os.path.realpath(d), []))
        print(f"{meta.get('date', '?'):<26} {os.path.basename(d):<36} "
              f"{meta.get('irqbench_commit', '?')[:12]:<13} {','.join(kernels):<26} "
              f"{','.join(accels):<18} {len(cells)} {tag}")


if __name__ == "__main__":
    main()
