#!/usr/bin/python3
"""Parse a guest console log into result records.

collect.py CONSOLE_LOG... OUT_PREFIX: writes OUT_PREFIX.csv (the module's
CSV) and OUT_PREFIX.json (the same records with every per-sample value under
"values"), and OUT_PREFIX.ktap when the guest ran the selftest. Several logs
are several boots of one cell (REPEAT=N): their records are merged, each
with a trailing `boot` field, its log's 0-based index. Exits 1 with a
message when a log holds no well-formed records.
"""
import csv
import io
import json
import os
import sys

NUMERIC = {"depth", "batch_ops", "samples", "irq_leaks", "verify_ops", "irq_state_changes",
           "irq_exposed"}
FLOATS = {"p50", "mean", "min", "p90", "p99", "max", "stddev", "ci95_lo",
          "ci95_hi", "ticks_p50"}
OPTIONAL_FLOATS = {"cycles_p50"}  # empty where the module had no such counter
KEY = ("variant", "impl", "depth", "irq_state")


def section(lines, name):
    """Lines between @@IRQBENCH BEGIN name@@ and @@IRQBENCH END name@@."""
    begin, end = f"@@IRQBENCH BEGIN {name}@@", f"@@IRQBENCH END {name}@@"
    out, inside, seen = [], False, False
    for line in lines:
        if begin in line:
            inside, seen = True, True
            continue
        if end in line:
            inside = False
            continue
        if inside:
            out.append(line)
    return out if seen else None


def parse_records(lines):
    header_at = next((i for i, l in enumerate(lines) if l.startswith("arch,")), None)
    if header_at is None:
        raise ValueError("no CSV header in the results section")
    header = lines[header_at].split(",")
    rows = []
    for line in lines[header_at + 1:]:
        if "," not in line or line.startswith("irqbench:") or line.startswith("["):
            continue  # a kernel message that landed between records
        fields = next(csv.reader(io.StringIO(line)))
        if len(fields) != len(header):
            raise ValueError(f"record with {len(fields)} fields, header has {len(header)}: {line!r}")
        rec = dict(zip(header, fields))
        for k in NUMERIC & rec.keys():
            rec[k] = int(rec[k])
        for k in FLOATS & rec.keys():
            rec[k] = float(rec[k])
        for k in OPTIONAL_FLOATS & rec.keys():
            rec[k] = float(rec[k]) if rec[k] else None
        rows.append(rec)
    return header, rows


def parse_samples(lines):
    values = {}
    for line in lines or []:
        if line.startswith("variant,") or line.count(",") < 4:
            continue
        v, impl, depth, state, rest = line.split(",", 4)
        values[(v, impl, int(depth), state)] = [float(x) for x in rest.split()]
    return values


def read_boot(log, boot, prefix):
    """(header, records) of one boot's console log; its KTAP goes to
    OUT_PREFIX.ktap from the first boot that has one."""
    with open(log, encoding="utf-8", errors="replace") as f:
        lines = [l.rstrip("\r\n").replace("\r", "") for l in f]
    ktap = section(lines, "ktap")
    if ktap is not None and (boot == 0 or not os.path.exists(prefix + ".ktap")):
        with open(prefix + ".ktap", "w", encoding="utf-8") as f:
            f.write("\n".join(ktap) + "\n")
    res = section(lines, "results")
    if res is None:
        if ktap is not None:
            return None, []  # a selftest-only boot
        sys.exit(f"collect: {log}: no results section")
    try:
        header, rows = parse_records(res)
    except ValueError as e:
        sys.exit(f"collect: {log}: {e}")
    if not rows:
        sys.exit(f"collect: {log}: the results section holds no records")
    values = parse_samples(section(lines, "samples"))
    for rec in rows:
        key = tuple(rec[k] for k in KEY)
        rec["values"] = values.get(key, [])
        if len(rec["values"]) != rec["samples"]:
            sys.exit(f"collect: {log}: {key}: {len(rec['values'])} sample values, record says {rec['samples']}")
        rec["boot"] = boot
    if "boot" not in header:
        header = header + ["boot"]
    return header, rows


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: collect.py CONSOLE_LOG... OUT_PREFIX")
    logs, prefix = sys.argv[1:-1], sys.argv[-1]
    header, rows = None, []
    for boot, log in enumerate(logs):
        h, r = read_boot(log, boot, prefix)
        if h is None:
            continue
        if header is not None and h != header:
            sys.exit(f"collect: {log}: its header differs from the first boot's")
        header = header or h
        rows.extend(r)
    if header is None:
        return
    with open(prefix + ".csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    with open(prefix + ".json", "w", encoding="utf-8") as f:
        json.dump(rows, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
