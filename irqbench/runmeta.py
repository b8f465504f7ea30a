"""What makes a run repeatable: its run.json.

python3 -m irqbench.runmeta --tree RUN_DIR
    at the start of a run: the irqbench tree as it is (commit, method
    identity, and for a dirty tree its diff, untracked files included, saved
    as RUN_DIR/irqbench.diff), kept in RUN_DIR/.tree.json.
python3 -m irqbench.runmeta RUN_DIR RUN_ID COMMIT
    at the end: RUN_DIR/run.json from that snapshot (taken now if there is
    none), the cells' .meta files and variant tables (each distinct table
    once), the variables the run was asked with and the host.
    scripts/repeat-run.sh re-runs a run from its run.json alone.
"""
import datetime
import glob
import json
import os
import platform
import subprocess
import sys

from . import identity, runfiles
from .paths import ROOT

# What a run is asked with (Makefile variables, exported to matrix.sh).
VARIABLES = ("ARCHS", "KERNELS", "CONFIGS", "ACCEL", "REQUEST", "KSRC", "LLVM", "REPEAT")
# An untracked file larger than this is named in run.json, not diffed.
UNTRACKED_MAX = 1 << 20


def git(*args):
    return subprocess.run(["git", "-C", ROOT, *args], capture_output=True, text=True,
                          check=False).stdout


def host_cpu():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def tree_snapshot(run_dir):
    """The tree's commit and, when dirty, its diff beside run.json."""
    commit = git("rev-parse", "HEAD").strip() or "none"
    # results/ is where runs land and latest moves: data, not the code run
    code = ("--", ".", ":!results")
    tracked = git("diff", "--binary", "HEAD", *code)
    untracked = [p for p in git("ls-files", "--others", "--exclude-standard", "-z", *code).split("\0") if p]
    diffed, named = [], []
    parts = [tracked]
    for path in untracked:
        full = os.path.join(ROOT, path)
        if os.path.isfile(full) and os.path.getsize(full) <= UNTRACKED_MAX:
            # a new-file patch, so `git apply irqbench.diff` recreates it
            parts.append(subprocess.run(["git", "-C", ROOT, "diff", "--binary", "--no-index",
                                         "/dev/null", path], capture_output=True, text=True,
                                        check=False).stdout)
            diffed.append(path)
        else:
            named.append(path)
    snap = {"irqbench_commit_full": commit, "method": identity.of_tree(ROOT),
            "irqbench_dirty": bool(tracked or untracked),
            "irqbench_untracked": untracked, "irqbench_untracked_not_in_diff": named,
            "irqbench_diff": None}
    if snap["irqbench_dirty"]:
        with open(os.path.join(run_dir, "irqbench.diff"), "w", encoding="utf-8") as f:
            f.write("".join(parts))
        snap["irqbench_diff"] = "irqbench.diff"
    return snap


def qemu_versions(cells):
    """One QEMU version per arch; a run whose cells disagree says so."""
    out = {}
    for c in cells:
        if "qemu_version" in c:
            out.setdefault(c.get("arch", "?"), set()).add(c["qemu_version"])
    return {a: (v.pop() if len(v) == 1 else sorted(v)) for a, v in out.items()}


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--tree":
        with open(os.path.join(sys.argv[2], ".tree.json"), "w", encoding="utf-8") as f:
            json.dump(tree_snapshot(sys.argv[2]), f)
        return
    if len(sys.argv) != 4:
        sys.exit("usage: runmeta.py --tree RUN_DIR | runmeta.py RUN_DIR RUN_ID COMMIT")
    run_dir, run_id, commit = sys.argv[1:4]
    snap_path = os.path.join(run_dir, ".tree.json")
    if os.path.exists(snap_path):
        with open(snap_path, encoding="utf-8") as f:
            snap = json.load(f)
        os.remove(snap_path)
    else:
        snap = tree_snapshot(run_dir)
    cells, tables = [], {}
    for meta in sorted(glob.glob(os.path.join(run_dir, "*.meta"))):
        with open(meta, encoding="utf-8") as f:
            cell = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
        tsv = meta[:-len(".meta")] + ".variants.tsv"
        if os.path.exists(tsv):
            with open(tsv, encoding="utf-8") as f:
                rows = runfiles.parse_variants(f.read())
            cell["variants"] = runfiles.table_hash(rows)
            tables[cell["variants"]] = rows
        report = meta[:-len(".meta")] + ".provoke.txt"
        if os.path.exists(report):
            with open(report, encoding="utf-8") as f:
                cell["provoke_report"] = f.read().splitlines()
        cells.append(cell)
    run = {
        "run_id": run_id,
        "irqbench_commit": commit,
        **snap,
        "variables": {k: os.environ[k] for k in VARIABLES if k in os.environ},
        "qemu_versions": qemu_versions(cells),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host_cpu": host_cpu(),
        "host_kernel": platform.release(),
        "host_cores": os.cpu_count(),
        "command": os.environ.get("IRQBENCH_COMMAND", ""),
        "cells": cells,
        "variant_tables": tables,
    }
    with open(os.path.join(run_dir, "run.json"), "w", encoding="utf-8") as f:
        json.dump(run, f, indent=1)
        f.write("\n")
    # run.json holds them now: one file less per cell
    for p in (glob.glob(os.path.join(run_dir, "*.meta"))
              + glob.glob(os.path.join(run_dir, "*.variants.tsv"))
              + glob.glob(os.path.join(run_dir, "*.provoke.txt"))):
        os.remove(p)


if __name__ == "__main__":
    main()
