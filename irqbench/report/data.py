"""What the generated pages may publish: the store's cells measured by the
current tree's irqbench (method identity), and what they cannot.

A cell is (arch, kernel series, config, accel). Its published records are
those of the newest run of the current method identity that measured it;
a cell measured only by other identities is history, listed as not
re-measured and never given a figure. Every figure a page prints goes
through Figures, which remembers the records it came from."""
import json
import os
import subprocess

from .. import case, identity, paths, runfiles, store
from ..safe_paths import write_atomic
from ..tables import ARCHES, arch_order, series, version_key
from ..variants import Table

ACCEL_ORDER = ["tcg-icount", "kvm", "bare-metal", "tcg"]


def published():
    """The run ids the pages and make explain speak of: the runs under
    results/ (a store may hold others: a scratch run, a lab's)."""
    return {os.path.basename(d) for d in runfiles.run_dirs()}


def md(text):
    """TEXT from a run as Markdown text: a table's '|', a tag's '<' and '>'
    and Markdown's backslash escaped, so a field is shown, never parsed."""
    return (str(text).replace("\\", "\\\\").replace("|", "\\|")
            .replace("<", "&lt;").replace(">", "&gt;"))


def md_code(text):
    """TEXT from a run as a Markdown code span: fenced by one backtick more
    than its longest run of them, its '|' escaped (a table cell's end)."""
    t = str(text).replace("|", "\\|")
    run = longest = 0
    for ch in t:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if t.startswith("`") or t.endswith("`") else ""
    return f"{fence}{pad}{t}{pad}{fence}"


def committed():
    """The runs of results/ that git tracks: what the committed RESULTS.md
    is judged against (report --check), so a run of one's own (make bench)
    under results/ never makes make check fail. The runs under results/
    when it is no git work tree (a tarball)."""
    try:
        out = subprocess.run(["git", "-C", paths.RESULTS, "ls-files", "-z", "--", "*/run.json"],
                             capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return published()
    return {os.path.basename(os.path.dirname(p)) for p in out.decode().split("\0") if p} & published()


def tracked_results():
    """The files under results/ that git tracks, as absolute paths; None
    when it is no git work tree (a tarball: every file there counts)."""
    try:
        out = subprocess.run(["git", "-C", paths.RESULTS, "ls-files", "-z", "--full-name", "."],
                             capture_output=True, check=True, timeout=60).stdout
        top = subprocess.run(["git", "-C", paths.RESULTS, "rev-parse", "--show-toplevel"],
                             capture_output=True, check=True, timeout=60).stdout.decode().strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return {os.path.realpath(os.path.join(top, p)) for p in out.decode().split("\0") if p}


def cell_key(c):
    return (c["arch"], c.get("kernel_series") or series(c.get("kernel_release") or "?"),
            c["config"], c["accel"])


def cell_name(key):
    return case.cell_name(*key[:3]) + ("" if key[3] == "tcg-icount" else f" ({key[3]})")


def sort_cells(keys):
    return sorted(keys, key=lambda k: (ACCEL_ORDER.index(k[3]) if k[3] in ACCEL_ORDER else 9,
                                       arch_order([k[0]]), version_key(k[1]), k[2]))


class Current:
    """The current method's cells and records, and the history beside them."""

    def __init__(self, st=None, method=None, only=None):
        """ONLY: the run ids it may publish (a store may hold runs from
        elsewhere: a scratch run, a lab's; the pages speak of the runs the
        tree holds)."""
        self.st = st or store.Store()
        self.method = method or os.environ.get("IRQBENCH_METHOD") or identity.of_tree()
        self.runs = {r["run_id"]: r for r in self.st.runs() if only is None or r["run_id"] in only}
        cells = sorted((c for c in self.st.cells() if c["run_id"] in self.runs), key=lambda c: (self.runs[c["run_id"]]["date"] or "",
                                                       c["run_id"]))
        self.cells, self.old = {}, {}
        for c in cells:  # oldest first: the newest run of a cell wins
            key = cell_key(c)
            if self.runs[c["run_id"]]["method"] == self.method:
                self.cells[key] = c
            else:
                self.old[key] = c
        self.stale = sort_cells(k for k in self.old if k not in self.cells)
        self._recs = {}

    def keys(self, accel=None):
        return sort_cells(k for k in self.cells if accel is None or k[3] == accel)

    def run_of(self, key):
        return self.runs[self.cells[key]["run_id"]]

    def records(self, key):
        """The published records of a cell (the median boot's where it was
        booted more than once), by (variant, impl, depth, state)."""
        if key not in self._recs:
            c = self.cells[key]
            rows = self.st.records(c["run_id"], samples=False, where="cell = ?",
                                   args=(c["cell"],))
            groups = {}
            for r in rows:
                groups.setdefault(case.short(r), []).append(r)
            self._recs[key] = {k: sorted(v, key=lambda r: (r["p50"], r["boot"]))[(len(v) - 1) // 2]
                               for k, v in groups.items()}
        return self._recs[key]

    def table(self, key):
        return Table(self.cells[key]["variants"])

    def hoh_variants(self):
        """The hand-over-hand variants of C (a nested pair in the cells'
        variant tables), in table order."""
        hoh = []
        for k in self.keys():
            t = self.table(k)
            hoh += [v for v in t.order if t.nested(v) and t.lang(v) == "c" and v not in hoh]
        return hoh

    def find(self, key, variant, impl, depth, state):
        return self.records(key).get((variant, impl, depth, state))

    def traces(self, key):
        """{case: trace} of the cell's run (make annotate-results)."""
        c = self.cells[key]
        return {t["case"]: t for t in self.st.traces(c["run_id"]) if t.get("cell") == c["cell"]}

    def provenance(self, key):
        """What a reader needs to repeat a cell: run, kernel, config, accel,
        compiler, the command."""
        c, run = self.cells[key], self.run_of(key)
        return {"run": run["run_id"], "kernel": c["kernel_release"], "config": c["config"],
                "accel": c["accel"], "compiler": c["compiler"], "command": run["command"],
                "preemption": preemption(c), "method": run["method"]}


def preemption(cell):
    """The preemption model the cell's kernel was built with (build-cell.sh
    reads it from the kernel's .config: lazy, full, none, full+rt, ...)."""
    return (cell.get("meta") or {}).get("preemption", "unrecorded")


# the store keeps a figure to 0.001: half of that is its rounding
STORED = 0.0005


def granularity(rec):
    """How exact a record's figure is, in its unit: under tcg-icount an
    instruction count is the difference of two timed batches, each read to
    a tick of the guest clock (arches.tsv's tick_insn), over the record's
    batch_ops: exact to two ticks per batch (checks.py's tolerance; x86_64
    118.992 at 256 operations is 119). None for a figure of another unit
    (ns: its interval is the record's ci95)."""
    row = ARCHES.get(rec.get("arch"))
    if rec.get("unit") != "insn" or not row or not rec.get("batch_ops"):
        return None
    return 2 * int(row["tick_insn"]) / rec["batch_ops"]


def exact(rec, field="p50"):
    """REC's FIELD as the page prints it: an instruction count that lies
    within its granularity (and the store's rounding) of a whole number is
    that whole number (12.999 at 2/512 is 13); anything else as stored."""
    v = rec[field]
    g = granularity(rec) if field == "p50" else None
    if g is not None and v is not None and abs(v - round(v)) <= g + STORED:
        return int(round(v))
    return v


class Figures:
    """Every figure a page prints, with the records it came from: a page's
    numbers are checked against these (no typed figures). A figure is the
    record's value as exact() gives it; the record's own value and its
    granularity are kept beside it."""

    def __init__(self):
        self.used = []

    def rec(self, cur, key, rec, field="p50"):
        shown = exact(rec, field)
        self.used.append({"cell": cell_name(key), "arch": key[0], "run": cur.cells[key]["run_id"],
                          "case": case.name(rec),
                          "field": field, "value": rec[field], "shown": shown,
                          "granularity": granularity(rec) if field == "p50" else None})
        return shown

    def grains(self):
        """{arch: the coarsest granularity of its figures printed so far}."""
        out = {}
        for u in self.used:
            if u["granularity"] is not None:
                out[u["arch"]] = max(out.get(u["arch"], 0), u["granularity"])
        return out

    def dump(self, path):
        write_atomic(path, json.dumps(self.used, indent=0, sort_keys=True))
