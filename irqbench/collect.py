"""A guest's console log into a cell's run files.

    python3 -m irqbench.collect CONSOLE_LOG... OUT_PREFIX

writes OUT_PREFIX.csv.gz (every record with its samples, runfiles.py),
OUT_PREFIX.variants.tsv (the module's variant table), OUT_PREFIX.ktap
when the guest ran the selftest, and OUT_PREFIX.provoke.txt with what the
kernel reported of the selftest's provoked lock_with() path (its lines
between the module's markers in the kernel log), when it reported any. Several logs are several boots of one
cell (REPEAT=N): their records are merged, each with its log's 0-based
index as `boot`. The header must be the schema's fields in its order
(schema/record.tsv). Exits 1 with a message when a log holds no
well-formed records.
"""
import csv
import io
import re
import sys

from . import runfiles
from .case import short
from .tables import FIELDS


class Bad(Exception):
    pass


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
        raise Bad("no CSV header in the results section")
    header = lines[header_at].split(",")
    if header != FIELDS:
        raise Bad(f"the module's fields are not schema/record.tsv's: {','.join(header)}")
    rows = []
    for line in lines[header_at + 1:]:
        if "," not in line or line.startswith("irqbench:") or line.startswith("["):
            continue  # a kernel message that landed between records
        fields = next(csv.reader(io.StringIO(line)))
        if len(fields) != len(header):
            raise Bad(f"record with {len(fields)} fields, header has {len(header)}: {line!r}")
        rows.append(dict(zip(header, fields)))
    return rows


def parse_samples(lines):
    values = {}
    for line in lines or []:
        if line.startswith("variant,") or line.count(",") < 4:
            continue
        v, impl, depth, state, rest = line.split(",", 4)
        values[(v, impl, depth, state)] = rest.split()
    return values


PROVOKED = ("provoke lock_with: expected report begins", "provoke lock_with: expected report ends")


def provoked(lines):
    """The kernel's report between the provoke markers of the guest's kernel
    log (its dmesg section), without log-level and time prefixes."""
    out, inside = [], False
    for line in section(lines, "dmesg") or []:
        if PROVOKED[0] in line:
            inside = True
        elif PROVOKED[1] in line:
            break
        elif inside:
            out.append(re.sub(r"^(<\d+>)?\[\s*[\d.]+\]\s*", "", line))
    return [l for l in out if l.strip()]


def read_boot(log, boot):
    """(records, variant table text, KTAP lines, provoked report) of one
    boot's console."""
    with open(log, encoding="utf-8", errors="replace") as f:
        lines = [l.rstrip("\r\n").replace("\r", "") for l in f]
    ktap = section(lines, "ktap")
    variants = section(lines, "variants")
    res = section(lines, "results")
    if res is None:
        if ktap is not None:
            return [], variants, ktap, provoked(lines)  # a selftest-only boot
        raise Bad("no results section")
    rows = parse_records(res)
    if not rows:
        raise Bad("the results section holds no records")
    values = parse_samples(section(lines, "samples"))
    for rec in rows:
        key = short(rec)
        rec["values"] = values.get(key, [])
        if len(rec["values"]) != int(rec["samples"]):
            raise Bad(f"{key}: {len(rec['values'])} sample values, record says {rec['samples']}")
        rec["boot"] = boot
    return [runfiles.typed(r) for r in rows], variants, ktap, provoked(lines)


def main(argv):
    if len(argv) < 2:
        print("usage: python3 -m irqbench.collect CONSOLE_LOG... OUT_PREFIX", file=sys.stderr)
        return 3
    logs, prefix = argv[:-1], argv[-1]
    records, table, ktap, report = [], None, None, []
    for boot, log in enumerate(logs):
        try:
            r, v, k, p = read_boot(log, boot)
        except Bad as e:
            print(f"collect: {log}: {e}", file=sys.stderr)
            return 1
        records += r
        table = table if table is not None else v
        ktap = ktap if ktap is not None else k
        report = report or p
    if ktap is not None:
        with open(prefix + ".ktap", "w", encoding="utf-8") as f:
            f.write("\n".join(ktap) + "\n")
    if table is not None:
        with open(prefix + ".variants.tsv", "w", encoding="utf-8") as f:
            f.write("\n".join(table) + "\n")
    if report:
        with open(prefix + ".provoke.txt", "w", encoding="utf-8") as f:
            f.write("\n".join(report) + "\n")
    if records:
        runfiles.write_records(prefix + ".csv.gz", records)
    print(len(records))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
