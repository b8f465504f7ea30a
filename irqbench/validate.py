"""What a run must be before the store takes it. Runs travel (LAVA labs,
other people's clones, downloaded results/), and every field of one ends
up on a command line (gnuplot's), in a file name or on a page. So each is
checked here, once, at ingest, against the schema's types and the sets
irqbench knows: the arches of arches.tsv, the fragments of configs/, the
accelerators of accels.tsv, the cell's own variant table, the three entry
states and the module's limits. A run that fails is refused whole, naming
the run, the file and the field (Refused, exit 3); nothing of it is
stored.

Sense checks on each record: min <= p50 <= max, the samples are as many as
`samples` says and their smallest, largest and median are the record's
min, max and p50 (to the thousandth the files keep). Under an exact unit
(insn) p50 must not be below zero by more than two clock ticks per batch
(arches.tsv's tick_insn over batch_ops: a figure is the difference of two
timed batches, each up to a tick off). Under ns a median may be negative:
emulation and timer noise in the difference of two batches (the stored
plain-TCG runs have such figures), and the ns gate judges it by its
spread, not its sign.
"""
import csv
import functools
import gzip
import json
import math
import os
import re
import zlib

from . import fragments, runfiles
from .case import MAX_DEPTH  # kmod-bench/request.h, IRQB_MAX_DEPTH
from .safe_paths import links_in
from .tables import ACCELS, ARCHES, TYPES

MAX_SAMPLES = 1001      # kmod-bench/request.h, IRQB_MAX_SAMPLES
STATES = ("on", "off", "off-raw")
EXACT_UNITS = {r["unit"] for r in ACCELS.values() if r["clock"] == "instructions"}
UNITS = {r["unit"] for r in ACCELS.values()}
# a name that may become a file name, a URL part or a word of a plot's
# list: no blank, no quote, no path separator
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+~:-]{0,127}$")
SERIES_RE = re.compile(r"^\d{1,3}\.\d{1,3}$")
VARIANT_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
IMPL_RE = re.compile(r"^(native|native-builtin|emulated:[A-Za-z0-9._-]{1,32})$")
# text for a page or a table cell: printable, one line, bounded
MAX_TEXT = 4096
TOLERANCE = 0.0015      # the files keep thousandths


class Refused(ValueError):
    """A run that is not what irqbench writes: its name, the file and the
    field, and why."""

    def __init__(self, run, where, field, why):
        self.run, self.where, self.field = run, where, field
        super().__init__(f"run {run} refused: {where}: {field}: {why}; nothing stored")


def _text(s):
    return isinstance(s, str) and len(s) <= MAX_TEXT and s.isprintable()


def nul_at(v, path=""):
    """Where in the JSON value V a string (or a key) holds a NUL byte, as
    a path ('' for V itself); None when none does."""
    if isinstance(v, str):
        return path if "\0" in v else None
    items = v.items() if isinstance(v, dict) else enumerate(v) if isinstance(v, list) else ()
    for k, x in items:
        sub = f"{path}.{k}" if isinstance(k, str) and path else k if isinstance(k, str) else f"{path}[{k}]"
        if isinstance(k, str) and "\0" in k:
            return f"{path}[{k!r}]"
        found = nul_at(x, sub)
        if found is not None:
            return found
    return None


@functools.lru_cache(maxsize=1)
def config_names():
    """The config names of configs/, read once per process (every record
    of every run is checked against them)."""
    return frozenset(fragments.names())


def known_config(config):
    if not isinstance(config, str) or not config:
        return False
    return all(p in config_names() for p in config.split("+"))


class Check:
    def __init__(self, run_dir):
        self.dir = run_dir
        self.run = os.path.basename(os.path.normpath(run_dir))

    def fail(self, where, field, why):
        raise Refused(self.run, where, field, why)

    def name(self, where, field, v, rx=NAME_RE):
        if not isinstance(v, str) or not rx.match(v):
            self.fail(where, field, f"{_show(v)} is not a valid {field}")

    # ---- run.json
    def meta(self):
        where = "run.json"
        try:
            meta = runfiles.load_meta(self.dir)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            self.fail(where, "-", f"unreadable: {type(e).__name__}: {e}")
        if not isinstance(meta, dict):
            self.fail(where, "-", "not a JSON object")
        for k in ("run_id", "date", "irqbench_commit", "method", "command", "host_cpu",
                  "host_kernel"):
            v = meta.get(k)
            if v is not None and not _text(v):
                self.fail(where, k, f"{_show(v)} is not one line of printable text")
        nul = nul_at(meta)
        if nul is not None:
            self.fail(where, nul or "-", "holds a NUL byte")
        cells = meta.get("cells", [])
        if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
            self.fail(where, "cells", "not a list of objects")
        tables = meta.get("variant_tables", {})
        if not isinstance(tables, dict):
            self.fail(where, "variant_tables", "not an object")
        for c in cells:
            self.cell_entry(c, tables)
        return meta

    def cell_entry(self, c, tables):
        where = f"run.json cell {_show(c.get('cell'))}"
        self.name(where, "cell", c.get("cell"))
        if c.get("arch") not in ARCHES:
            self.fail(where, "arch", f"{_show(c.get('arch'))} is no row of arches.tsv")
        if "kernel_series" in c and not (isinstance(c["kernel_series"], str)
                                         and SERIES_RE.match(c["kernel_series"])):
            self.fail(where, "kernel_series", f"{_show(c['kernel_series'])} is not a series")
        if not known_config(c.get("config")):
            self.fail(where, "config", f"{_show(c.get('config'))} is not fragments of configs/")
        if "accel" in c and c["accel"] not in ACCELS:
            self.fail(where, "accel", f"{_show(c['accel'])} is no row of accels.tsv")
        for k, v in c.items():
            if isinstance(v, str) and k not in ("qemu_cmdline",) and not _text(v):
                self.fail(where, k, f"{_show(v)} is not one line of printable text")
        if c.get("variants") and c["variants"] not in tables:
            self.fail(where, "variants", f"names no table of variant_tables: {_show(c['variants'])}")

    # ---- the variant table
    def table(self, cell, rows, where):
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            self.fail(where, "variants", "not a list of rows")
        for r in rows:
            self.name(where, "variant id", r.get("id"), VARIANT_RE)
            for k, v in r.items():
                if not isinstance(k, str) or not _text(k) or not _text(str(v)):
                    self.fail(where, f"variant {r.get('id')}.{_show(k)}", "not printable text")
        return {r["id"] for r in rows}

    # ---- records
    def records(self, cell, path, entry, variants):
        where = os.path.basename(path)
        try:
            with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
                rows = list(csv.DictReader(f))
        except (OSError, EOFError, zlib.error, UnicodeDecodeError, csv.Error) as e:
            self.fail(where, "-", f"unreadable: {type(e).__name__}: {e}")
        if not rows:
            self.fail(where, "-", "holds no record")
        known = set(TYPES) | set(runfiles.EXTRA)
        extra = [k for k in rows[0] if k not in known]
        if extra or None in rows[0]:
            self.fail(where, "header", f"fields the schema does not declare: {_show(extra)}")
        out = []
        for i, raw in enumerate(rows, 2):
            w = f"{where} line {i}"
            if None in raw or any(v is None for v in raw.values()):
                self.fail(w, "-", "a row with more or fewer fields than the header")
            try:
                r = runfiles.typed(raw)
            except (ValueError, OverflowError) as e:
                self.fail(w, "-", f"a field of the wrong type: {e}")
            self.record(w, r, entry, variants)
            out.append(r)
        return out

    def record(self, w, r, entry, variants):
        for k, v in r.items():
            if isinstance(v, float) and not math.isfinite(v):
                self.fail(w, k, f"{v} is not a finite number")
            if isinstance(v, str) and not _text(v):
                self.fail(w, k, f"{_show(v)} is not one line of printable text")
        if r.get("arch") not in ARCHES:
            self.fail(w, "arch", f"{_show(r.get('arch'))} is no row of arches.tsv")
        if not known_config(r.get("config")):
            self.fail(w, "config", f"{_show(r.get('config'))} is not fragments of configs/")
        if r.get("accel") not in ACCELS:
            self.fail(w, "accel", f"{_show(r.get('accel'))} is no row of accels.tsv")
        for k in ("arch", "config", "accel"):
            if entry.get(k) and r.get(k) != entry[k]:
                self.fail(w, k, f"{_show(r.get(k))}, where run.json's cell says {_show(entry[k])}")
        self.name(w, "kernel", r.get("kernel"))
        v = r.get("variant")
        if not isinstance(v, str) or not VARIANT_RE.match(v):
            self.fail(w, "variant", f"{_show(v)} is not a variant id")
        if variants and v not in variants:
            self.fail(w, "variant", f"{_show(v)} is no row of the cell's variant table")
        if not isinstance(r.get("impl"), str) or not IMPL_RE.match(r["impl"]):
            self.fail(w, "impl", f"{_show(r.get('impl'))} is not native, native-builtin or emulated:<model>")
        if r.get("irq_state") not in STATES:
            self.fail(w, "irq_state", f"{_show(r.get('irq_state'))} is not one of {', '.join(STATES)}")
        if not 1 <= r.get("depth", 0) <= MAX_DEPTH:
            self.fail(w, "depth", f"{r.get('depth')} is outside 1..{MAX_DEPTH}")
        if not 1 <= r.get("samples", 0) <= MAX_SAMPLES:
            self.fail(w, "samples", f"{r.get('samples')} is outside 1..{MAX_SAMPLES}")
        if r.get("batch_ops", 0) < 1:
            self.fail(w, "batch_ops", f"{r.get('batch_ops')} is not a positive count")
        unit = r.get("unit")
        if unit not in UNITS or unit != ACCELS[r["accel"]]["unit"]:
            self.fail(w, "unit", f"{_show(unit)} is not the unit of accel {r['accel']}")
        if r.get("boot", 0) < 0:
            self.fail(w, "boot", f"{r['boot']} is negative")
        self.sense(w, r)

    def sense(self, w, r):
        p50, lo, hi = r["p50"], r["min"], r["max"]
        if not lo - TOLERANCE <= p50 <= hi + TOLERANCE:
            self.fail(w, "p50", f"{p50} is not between min {lo} and max {hi}")
        if r["unit"] in EXACT_UNITS:
            tick = int(ARCHES[r["arch"]]["tick_insn"])
            if p50 < -2 * tick / r["batch_ops"] - TOLERANCE:
                self.fail(w, "p50", f"{p50} {r['unit']} is below zero by more than two clock "
                                    "ticks per batch")
        vals = r.get("values") or []
        if vals:
            if len(vals) != r["samples"]:
                self.fail(w, "values", f"{len(vals)} samples where the record says {r['samples']}")
            s = sorted(vals)
            lo_med, hi_med = s[(len(s) - 1) // 2], s[len(s) // 2]
            if abs(s[0] - lo) > TOLERANCE or abs(s[-1] - hi) > TOLERANCE:
                self.fail(w, "values", f"smallest {s[0]} and largest {s[-1]} are not min {lo} and max {hi}")
            if not lo_med - TOLERANCE <= p50 <= hi_med + TOLERANCE:
                self.fail(w, "values", f"their median is not p50 {p50}")

    # ---- the rest of the run's files
    def files(self):
        links = links_in(self.dir)
        if links:
            self.fail(links[0], "-", "a symbolic link inside a run (a run holds files only)")
        for p in sorted(os.listdir(self.dir)):
            if not NAME_RE.match(p):
                self.fail(_show(p), "-", "a file name irqbench does not write")

    def ktap(self, cell):
        p = os.path.join(self.dir, cell + ".ktap")
        if not os.path.exists(p):
            return None
        try:
            with open(p, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as e:
            self.fail(os.path.basename(p), "-", f"unreadable: {type(e).__name__}")
        if "\0" in text:
            self.fail(os.path.basename(p), "-", "holds a NUL byte")
        return text


def _show(v, limit=60):
    s = repr(v)
    return s if len(s) <= limit else s[:limit] + "..."


def check_run(run_dir):
    """A checked run: (meta, {cell: records}, {cell: ktap text or None},
    {cell: variant rows}). Raises Refused naming what is wrong."""
    c = Check(run_dir)
    c.files()
    meta = c.meta()
    entries = {e.get("cell"): e for e in meta.get("cells", [])}
    recs, ktaps, tables = {}, {}, {}
    for cell, path in runfiles.cell_files(run_dir).items():
        c.name(os.path.basename(path), "cell", cell)
        rows = runfiles.cell_variants(run_dir, cell, meta)
        ids = c.table(cell, rows, f"the variant table of {cell}")
        recs[cell] = c.records(cell, path, entries.get(cell, {}), ids)
        ktaps[cell] = c.ktap(cell)
        tables[cell] = rows
    return meta, recs, ktaps, tables


CASE_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}/(native|native-builtin|emulated:[A-Za-z0-9._-]{1,32})"
                     r"/d([1-9][0-9]?)/(on|off|off-raw)$")


def check_traces(run, traces):
    """A run's traces (annotate/traces.json.gz): a list of objects, each
    naming a cell and a case irqbench writes."""
    where = "annotate/traces.json.gz"
    if not isinstance(traces, list):
        raise Refused(run, where, "-", "not a list of traces")
    for i, t in enumerate(traces):
        if not isinstance(t, dict):
            raise Refused(run, where, f"[{i}]", "not an object")
        if not isinstance(t.get("cell"), str) or not NAME_RE.match(t["cell"]):
            raise Refused(run, where, f"[{i}].cell", f"{_show(t.get('cell'))} is not a cell name")
        m = CASE_RE.match(t.get("case")) if isinstance(t.get("case"), str) else None
        if not m or not 1 <= int(m.group(2)) <= MAX_DEPTH:
            raise Refused(run, where, f"[{i}].case", f"{_show(t.get('case'))} is not a case name")
        nul = nul_at(t, f"[{i}]")
        if nul is not None:
            raise Refused(run, where, nul, "holds a NUL byte")
