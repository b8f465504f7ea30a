"""A run's files: what git keeps of a measurement, and how to read it back.

results/<run-id>/
    run.json            provenance and method identity (runmeta.py), with each
                        cell's entry and the module's variant tables
    <cell>.csv.gz       every record of the cell: the schema's fields
                        (schema/record.tsv), `boot`, and `values` (every
                        sample, space-separated); gzip with no timestamp, so
                        the same records give the same bytes
    <cell>.ktap         the selftest's KTAP, when it ran
    <cell>.variants.tsv the module's table, until run.json takes it in
    <cell>.console.log.gz, *.cmd   build output (gitignored)
"""
import csv
import glob
import gzip
import hashlib
import io
import json
import os
import sys

from . import paths
from .tables import TYPES

EXTRA = ["boot", "values"]


def typed(rec):
    """A record whose fields are strings, with the schema's types."""
    out = {}
    for k, v in rec.items():
        t = TYPES.get(k, "int" if k == "boot" else "str")
        if k == "values":
            out[k] = [float(x) for x in v.split()] if isinstance(v, str) else list(v)
        elif t == "int":
            out[k] = int(v)
        elif t == "float":
            out[k] = float(v)
        elif t == "float?":
            out[k] = float(v) if v not in ("", None) else None
        else:
            out[k] = v
    return out


def fmt(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def encode(records):
    """The bytes of a <cell>.csv.gz holding @records."""
    fields = [f for f in TYPES if any(f in r for r in records)] + EXTRA
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(fields)
    for r in records:
        w.writerow([" ".join(fmt(x) for x in r.get("values", [])) if f == "values"
                    else fmt(r.get(f, 0 if f == "boot" else "")) for f in fields])
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="") as g:
        g.write(buf.getvalue().encode())
    return out.getvalue()


def write_records(path, records):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(encode(records))
    os.replace(tmp, path)


def read_records(path):
    """The typed records of a <cell>.csv.gz."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        return [typed(r) for r in csv.DictReader(f)]


def cell_files(run_dir):
    """{cell: path of its records} of a run directory."""
    return {os.path.basename(p)[:-len(".csv.gz")]: p
            for p in sorted(glob.glob(os.path.join(run_dir, "*.csv.gz")))}


def parse_variants(text):
    """The module's variant table (debugfs "variants") as [{column: value}]."""
    lines = [l for l in text.splitlines() if l.strip()]
    if not lines:
        return []
    cols = lines[0].split("\t")
    return [dict(zip(cols, l.split("\t"))) for l in lines[1:]]


def table_hash(rows):
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()[:16]


def load_meta(run_dir):
    with open(os.path.join(run_dir, "run.json"), encoding="utf-8") as f:
        return json.load(f)


def cell_variants(run_dir, cell, meta=None):
    """The module's variant table of one cell: run.json's, or the cell's
    .variants.tsv while the run is going on. [] for runs made before the
    module published its table with the records."""
    tsv = os.path.join(run_dir, cell + ".variants.tsv")
    if os.path.exists(tsv):
        with open(tsv, encoding="utf-8") as f:
            return parse_variants(f.read())
    meta = meta if meta is not None else (load_meta(run_dir)
                                          if os.path.exists(os.path.join(run_dir, "run.json"))
                                          else {})
    for c in meta.get("cells", []):
        if c.get("cell") == cell and c.get("variants"):
            return meta.get("variant_tables", {}).get(c["variants"], [])
    return []


def load_run(run_dir):
    """run.json and every record of a run directory."""
    meta = load_meta(run_dir)
    recs = []
    for _cell, p in cell_files(run_dir).items():
        recs.extend(read_records(p))
    return meta, recs


def run_dirs(results=None):
    """Good runs (not .partial-*, not *.failed), oldest first."""
    results = results or paths.RESULTS
    out = []
    for d in sorted(glob.glob(os.path.join(results, "*"))):
        name = os.path.basename(d)
        if (os.path.isdir(d) and not os.path.islink(d) and not name.startswith(".")
                and not name.endswith(".failed") and os.path.exists(os.path.join(d, "run.json"))):
            out.append(d)
    return out


def main(argv):
    """python3 -m irqbench.runfiles has PREFIX FIELD VALUE: exit 0 when a
    record of the cell PREFIX (<run dir>/<cell>) has FIELD equal to VALUE."""
    if len(argv) == 4 and argv[0] == "has":
        recs = read_records(argv[1] + ".csv.gz")
        return 0 if any(str(r.get(argv[2])) == argv[3] for r in recs) else 1
    print(main.__doc__, file=sys.stderr)
    return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
