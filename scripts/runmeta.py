#!/usr/bin/python3
"""runmeta.py RUN_DIR RUN_ID COMMIT: writes RUN_DIR/run.json from the cells'
.meta files and the host: what makes the run repeatable."""
import datetime
import glob
import json
import os
import platform
import subprocess
import sys


def host_cpu():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    run_dir, run_id, commit = sys.argv[1:4]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    status = subprocess.run(["git", "-C", root, "status", "--porcelain"],
                            capture_output=True, text=True, check=False).stdout
    dirty = status.strip() != ""
    if dirty:
        # what the tree held beyond the commit: the diff, and the names of
        # files git does not track (their content is not repeated here)
        diff = subprocess.run(["git", "-C", root, "diff", "HEAD", "--binary"],
                              capture_output=True, text=True, check=False).stdout
        untracked = [l[3:] for l in status.splitlines() if l.startswith("?? ")]
        with open(os.path.join(run_dir, "irqbench.diff"), "w", encoding="utf-8") as f:
            f.write(diff)
            for u in untracked:
                f.write(f"# untracked: {u}\n")
    cells = []
    for meta in sorted(glob.glob(os.path.join(run_dir, "*.meta"))):
        with open(meta, encoding="utf-8") as f:
            cells.append(dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line))
    run = {
        "run_id": run_id,
        "irqbench_commit": commit,
        "irqbench_dirty": dirty,
        "irqbench_diff": "irqbench.diff" if dirty else None,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host_cpu": host_cpu(),
        "host_kernel": platform.release(),
        "host_cores": os.cpu_count(),
        "command": os.environ.get("IRQBENCH_COMMAND", ""),
        "cells": cells,
    }
    with open(os.path.join(run_dir, "run.json"), "w", encoding="utf-8") as f:
        json.dump(run, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
