#!/usr/bin/env python3
"""annotate_plot.py DIR KERNEL CONFIG: the stacked-class picture of DIR's
annotate JSON (plots/annotate_classes.gp), depth-1 cases, one panel per
arch traced (arches.tsv's order). Exit 2 if no arch has a depth-1 case."""
import glob
import json
import os
import subprocess
import sys

import arches

CLASSES = ["irqflag", "atomic", "barrier", "preempt", "percpu", "branch", "other"]


def main(argv):
    if len(argv) != 4:
        print("usage: annotate_plot.py DIR KERNEL CONFIG", file=sys.stderr)
        return 3
    d, kernel, config = argv[1:]
    files = {}
    for arch in arches.NAMES:
        rows = []
        for path in sorted(glob.glob(f"{d}/*.{arch}-{kernel}-{config}.json")):
            doc = json.load(open(path, encoding="utf-8"))
            variant, impl, depth, state = doc["case"].split("/")
            if depth == "d1":
                rows.append([f"{variant}/{impl}/{state}"] + [str(doc["totals"][c]) for c in CLASSES])
        if not rows:
            continue
        files[arch] = f"{d}/classes-{arch}.dat"
        with open(files[arch], "w", encoding="utf-8") as f:
            f.write("case " + " ".join(CLASSES) + "\n")
            f.writelines(" ".join(r) + "\n" for r in rows)
    if not files:
        print(f"annotate_plot: no depth-1 case for {kernel} {config} in {d}", file=sys.stderr)
        return 2
    out = os.path.join(d, f"annotate_classes-{kernel}-{config}")
    subprocess.run(["gnuplot", "-e", f"files='{' '.join(files.values())}'; names='{' '.join(files)}'; "
                    f"outbase='{out}'; ylabel='instructions per operation'; title='instruction classes per operation, depth 1, {kernel} {config}'",
                    "plots/annotate_classes.gp"], check=True)
    print(out + ".png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
