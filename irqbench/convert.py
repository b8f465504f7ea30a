"""Runs stored before the compact format, converted to it.

    python3 -m irqbench.convert RUN_DIR...

A run of that format holds, per cell, the records three times (the console
log, <cell>.csv and <cell>.json with every sample), a .meta file, and an
annotate/ directory with raw traces, gdb logs and per-case analyses. Each
is turned, in place, into what runfiles.py describes: run.json (with each
cell's .meta folded in, as runmeta.py does now), <cell>.csv.gz from the
JSON records (every field, every sample), <cell>.ktap, and the per-case
analyses of annotate/ as annotate/traces.json.gz; everything else is build
output and goes. A run already in the compact format is left alone.
"""
import glob
import json
import os
import sys

from . import runfiles
from .annotate import TRACE_KEEP, write_traces


def old_records(run_dir):
    """{cell: [typed records]} of an old-format run (its <cell>.json)."""
    out = {}
    for j in sorted(glob.glob(os.path.join(run_dir, "*.json"))):
        cell = os.path.basename(j)[:-len(".json")]
        if cell == "run":
            continue
        with open(j, encoding="utf-8") as f:
            recs = json.load(f)
        out[cell] = [runfiles.typed({k: v for k, v in r.items()}) for r in recs]
    return out


def old_traces(run_dir):
    out = []
    for j in sorted(glob.glob(os.path.join(run_dir, "annotate", "*.json"))):
        if j.endswith(".trace.json"):
            continue
        with open(j, encoding="utf-8") as f:
            t = json.load(f)
        if isinstance(t, dict) and "case" in t and "cell" in t:
            out.append({k: t[k] for k in TRACE_KEEP if k in t})
    return sorted(out, key=lambda t: (t["cell"], t["case"]))


def convert(run_dir):
    if runfiles.cell_files(run_dir) and not glob.glob(os.path.join(run_dir, "*.csv")):
        return False
    recs = old_records(run_dir)
    meta = runfiles.load_meta(run_dir)
    for cell, rs in recs.items():
        runfiles.write_records(os.path.join(run_dir, cell + ".csv.gz"), rs)
    traces = old_traces(run_dir)
    ann = os.path.join(run_dir, "annotate")
    if os.path.isdir(ann):
        for p in glob.glob(os.path.join(ann, "*")):
            os.remove(p)
        if traces:
            write_traces(os.path.join(ann, "traces.json.gz"), traces)
        else:
            os.rmdir(ann)
    for cell in recs:
        for ext in (".csv", ".json", ".console.log", ".meta"):
            p = os.path.join(run_dir, cell + ext)
            if os.path.exists(p):
                os.remove(p)
    for p in glob.glob(os.path.join(run_dir, "*.boot*.console.log")) + \
            glob.glob(os.path.join(run_dir, "*.cmd")):
        os.remove(p)
    with open(os.path.join(run_dir, "run.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    return True


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 3
    for d in argv:
        if not os.path.isfile(os.path.join(d, "run.json")):
            print(f"convert: {d} is not a run (no run.json)", file=sys.stderr)
            return 3
        print(f"{d}: {'converted' if convert(d) else 'already compact'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
