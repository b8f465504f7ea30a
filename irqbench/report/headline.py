"""The headline of one run, printed as make bench ends:

    python3 -m irqbench.report.headline RUN_DIR

per cell of the run, lock() entered on and off against lock_with() at
depth 1 (C, and the thread's Rust where the cell ran it), with the unit,
then where the rest is. Reads the run's own files: it needs no store."""
import os
import sys

from .. import case, runfiles

# (label, variant, state) per language: lock() and lock_with()
CASES = {"c": [("lock() on", "counted", "on"), ("lock() off", "counted", "off"),
               ("lock_with()", "lock_with", "off")],
         "rust": [("lock() on", "rust_lock", "on"), ("lock() off", "rust_lock", "off"),
                  ("lock_with()", "rust_lock_with", "off")]}


def lines(run_dir):
    out = []
    for cell, path in runfiles.cell_files(run_dir).items():
        recs = {case.short(r): r for r in runfiles.read_records(path) if r.get("boot", 0) == 0}
        for lang, cases in CASES.items():
            got = [(label, recs.get((v, "native", 1, s))) for label, v, s in cases]
            if not all(r for _l, r in got):
                continue
            unit = got[0][1]["unit"]
            figs = ", ".join(f"{label} {r['p50']:g}" for label, r in got)
            out.append(f"  {cell:<26} {lang:<4} {figs} ({unit} per operation, "
                       f"{got[0][1]['accel']})")
    return out


def main(argv):
    if len(argv) != 1 or not os.path.isfile(os.path.join(argv[0], "run.json")):
        print("usage: python3 -m irqbench.report.headline RUN_DIR", file=sys.stderr)
        return 3
    body = lines(argv[0])
    print("irqbench: lock() against lock_with(), depth 1, in this run:")
    print("\n".join(body) if body else "  (no cell of this run has lock() or lock_with() with "
          "native counted disabling at depth 1: kernels before 7.3 have only its models, or "
          "the request left those cases out)")
    print(f"  the rest: the records in {argv[0]}; make results writes RESULTS.md, "
          "docs/results/ and plots/out/index.html; make compare checks it against a baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
