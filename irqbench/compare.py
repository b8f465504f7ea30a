"""python3 -m irqbench.compare [options] [BASE [NEW]]: the regression gate.

Cases match on (arch, kernel series, config, accel, variant, impl, depth,
irq_state): "7.3.0-rc7" and "7.3.0" are both series 7.3. With --across AXIS
(kernel, config, accel or arch) the cases pair on every other field, so
`--across kernel --from 6.1 --to 7.3 RUN` asks whether 7.3 changed a case
against 6.1, both sides possibly in one run.

ns mode: the boot is the unit of replication (REPEAT=N boots per cell, the
records' `boot` field). Per case, the per-boot medians of BASE and NEW go
into a Welch t-test; the p-values of all cases are corrected together
(Benjamini-Hochberg); a case changed when the corrected p is below ALPHA and
the effect exceeds THRESHOLD percent of the base median and FLOOR ns (the
floor keeps near-zero cases from reading as huge ratios). With one boot per
cell there is no replication and the verdict says so (exit 2).

tcg-icount: figures are exact instruction counts, up to the guest clock's
tick per batch (arches.tsv's tick_insn over the record's batch_ops:
riscv64's counter ticks every 100 instructions); a change of at least
MIN_INSN instructions per operation and more than both sides' tick is a
change, a smaller one is equal.
ns-only options given for icount data are an error, not ignored.

A case pair is a kernel change only when both runs were measured by the
same irqbench (method identity, identity.py): between runs of different
identities every difference is a change of irqbench, said on a line of its
own, never a REGRESSION (exit 2).

Runs are read from the store (store.py); runs under results/ that it lacks
are ingested first. BASE and NEW are run ids (or unique prefixes),
"latest" (the newest stored run, by date and run id: store.latest, not
the link results/latest), "baseline" (results/baseline) or a run
directory: a name with a '/' is a path, and must hold a run.json. Without them:
NEW is the newest run, BASE the baseline if it has NEW's accelerators and
method identity, else the newest earlier run that has both (or, if none
does, the newest earlier one of NEW's accelerators: irqbench changed).

Exit: 0 clean, 1 a regression, 2 incomplete (nothing matched, cases missing
from NEW, empty NEW, no replication, runs of different method identity),
3 usage or data error; every non-zero exit gives a one-line reason on
stderr.
"""
import argparse
import math
import os
import re
import statistics
import sys

from scipy.stats import ttest_ind

from . import paths, store
from .case import CASE_KEY as KEY
from .cli import Fail, Parser, run
from .tables import ACCELS, ARCHES, series

TICK_INSN = {a: int(row["tick_insn"]) for a, row in ARCHES.items()}

# accelerators whose figures are exact instruction counts (accels.tsv)
EXACT_ACCELS = {a for a, r in ACCELS.items() if r["unit"] == "insn"}
AXES = ("kernel", "config", "accel", "arch")
NS_DEFAULTS = {"threshold": 1.0, "alpha": 0.01, "floor": 0.5}


def field(rec, name):
    return series(rec[name]) if name == "kernel" else rec[name]


def rec_key(rec, across=None):
    """A record's case as compare matches it: KEY's fields, the kernel its
    series, less the AXIS compared across."""
    return tuple(field(rec, k) for k in KEY if k != across)


def cases(recs, across, value):
    """{key without the AXIS: [records of every boot]}, keeping only records
    whose AXIS field is VALUE when comparing across an axis."""
    out = {}
    for r in recs:
        if across and value is not None and str(field(r, across)) != value:
            continue
        out.setdefault(rec_key(r, across), []).append(r)
    return out


def key_name(key, across):
    d = dict(zip([k for k in KEY if k != across], key))
    head = "/".join(str(d[k]) for k in ("arch", "kernel", "config", "accel") if k in d)
    return f"{head} {d['variant']} {d['impl']} d{d['depth']} irqs-{d['irq_state']}"


def boot_medians(recs):
    """One figure per boot: the boot's median (records of one boot and case
    are unique; several would be merged)."""
    by_boot = {}
    for r in recs:
        by_boot.setdefault(int(r.get("boot", 0) or 0), []).append(float(r["p50"]))
    return [statistics.median(v) for _, v in sorted(by_boot.items())]


def tick_error(recs):
    """How far a p50 can sit from the truth under tcg-icount: a figure is
    the difference of two timed batches, each up to a tick of the guest
    clock off (arches.tsv's tick_insn), spread over the batch's operations
    (the record's batch_ops)."""
    return max(2 * TICK_INSN.get(r["arch"], 16) / max(r["batch_ops"], 1) for r in recs)


def judge_exact(b, n, min_insn, quantum=0.0):
    """A change is at least MIN_INSN instructions and more than the two
    sides' clock quantum (a figure of arm64's 16-instruction tick over a
    batch of 4 operations can move by 4 between boots of the same code)."""
    bm, nm = statistics.median(b), statistics.median(n)
    delta = nm - bm
    limit = max(min_insn, quantum + 0.001)
    if delta >= limit:
        return "REGRESSION", delta, math.nan
    if delta <= -limit:
        return "improvement", delta, math.nan
    return "same", delta, math.nan


def bh(pvals):
    """Benjamini-Hochberg adjusted p-values (Debian's scipy 1.10 predates
    scipy.stats.false_discovery_control)."""
    m = len(pvals)
    order = sorted(range(m), key=lambda i: pvals[i])
    adj = [1.0] * m
    prev = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        prev = min(prev, pvals[i] * m / rank)
        adj[i] = prev
    return adj


def judge_ns(rows, opts):
    """Welch t-tests on per-boot medians, BH-corrected across cases."""
    testable = [r for r in rows if len(r["b"]) >= 2 and len(r["n"]) >= 2]
    pvals = []
    for r in testable:
        if statistics.pvariance(r["b"]) == 0 and statistics.pvariance(r["n"]) == 0:
            p = 1.0 if r["b"][0] == r["n"][0] else 0.0
        else:
            p = float(ttest_ind(r["n"], r["b"], equal_var=False).pvalue)
        pvals.append(1.0 if math.isnan(p) else p)
    adj = bh(pvals)
    for r, q in zip(testable, adj):
        r["p"] = float(q)
    for r in rows:
        bm, nm = statistics.median(r["b"]), statistics.median(r["n"])
        delta = nm - bm
        r["delta"] = delta
        if r not in testable:
            r["verdict"] = "no-replication"
            continue
        # the floor: an absolute ns effect and a relative one on |base|,
        # so a base median at or below zero never yields a NaN ratio
        big = abs(delta) > max(opts.floor, opts.threshold / 100 * abs(bm))
        if r["p"] < opts.alpha and big:
            r["verdict"] = "REGRESSION" if delta > 0 else "improvement"
        else:
            r["verdict"] = "same"


class Runs:
    """The stored runs, by id, with their records on demand."""

    def __init__(self, st, only=None):
        self.st = st
        self.all = [r for r in st.runs() if only is None or r["run_id"] in only]
        self.by_id = {r["run_id"]: r for r in self.all}
        self.accels = {}
        for c in st.cells():
            self.accels.setdefault(c["run_id"], set()).add(c["accel"])

    def resolve(self, name):
        """A run by id or unique prefix, latest, baseline, or a run
        directory: a name with a '/' is a path, and must be a run's
        directory (never looked up by its last component)."""
        if "/" in name:
            if not os.path.isfile(os.path.join(name, "run.json")):
                raise Fail(3, f"no run directory {name} (a name with a '/' is a path; "
                              "give a run id without one)")
            # a run directory anywhere (make repeat's scratch run): stored first
            self.st.ingest(name)
            self.__init__(self.st)
        if name in ("latest", "newest"):
            return self.newest()
        if name == "baseline":
            link = os.path.join(paths.RESULTS, "baseline")
            if not os.path.islink(link):
                raise Fail(3, "no baseline: make baseline RUN=<run> names one")
            name = os.path.basename(os.path.realpath(link))
        name = os.path.basename(os.path.normpath(name))
        if name in self.st.left_out:
            raise Fail(2, f"run {name} left out: {self.st.left_out[name]}")
        if name in self.by_id:
            return self.by_id[name]
        unstored = os.path.join(paths.RESULTS, name)
        if os.path.isfile(os.path.join(unstored, "run.json")):
            # a run under results/ the store could not take: say why
            try:
                self.st.ingest(unstored)
            except SystemExit as e:
                code = 2 if "has no records" in str(e) else 3
                raise Fail(code, f"run {name} holds no records" if code == 2 else
                           f"bad data: {str(e).removeprefix('irqbench: ')}") from None
            except (ValueError, KeyError) as e:
                raise Fail(3, f"bad data in run {name}: {type(e).__name__}: {e}") from None
            self.__init__(self.st)
            return self.by_id[name]
        hits = [r for r in self.all if r["run_id"].startswith(name)]
        if len(hits) != 1:
            raise Fail(3, f"no single stored run named '{name}'"
                          + (f" ({len(hits)} match)" if hits else ""))
        return hits[0]

    def newest(self):
        """The newest run (store.latest); Fail(2) when none is stored."""
        new = store.latest(self.all)
        if new is None:
            raise Fail(2, f"no stored runs (results under {paths.RESULTS})")
        return new

    def records(self, run):
        return self.st.records(run["run_id"], samples=False)

    def default_pair(self):
        """NEW: the newest run; BASE: the baseline if it has NEW's
        accelerators and method, else the newest earlier run that has both,
        else the newest earlier one of NEW's accelerators."""
        new = self.newest()
        # run ids begin with their UTC start (runmeta.py): a left-out run
        # named later than NEW is newer, and the one a default compare is for
        stamp = re.compile(r"^\d{8}T\d{6}Z")
        newer = sorted(r for r in self.st.left_out
                       if stamp.match(r) and stamp.match(new["run_id"]) and r > new["run_id"])
        if newer:
            # the newest run is the one a default compare is asked about
            raise Fail(2, f"the newest run {newer[-1]} was left out "
                          f"({self.st.left_out[newer[-1]]}): no default pair without it")
        acc = self.accels.get(new["run_id"], set())
        same_acc = [r for r in self.all if r is not new and self.accels.get(r["run_id"]) == acc]
        link = os.path.join(paths.RESULTS, "baseline")
        if os.path.islink(link):
            b = self.by_id.get(os.path.basename(os.path.realpath(link)))
            if b and b in same_acc and b["method"] == new["method"]:
                return b, new
        same = [r for r in same_acc if r["method"] == new["method"]]
        if same:
            return same[-1], new
        if same_acc:
            return same_acc[-1], new
        raise Fail(2, f"no earlier run with accel {','.join(sorted(acc))} to compare "
                      f"{new['run_id']} with")


def evaluate(brecs, nrecs, a):
    """(rows, only_base, only_new, exact) for two record lists; A carries
    across/base_value/new_value and the thresholds (None: the default)."""
    base = cases(brecs, a.across, a.base_value)
    new = cases(nrecs, a.across, a.new_value)
    matched = sorted(base.keys() & new.keys(), key=lambda k: tuple(map(str, k)))
    only_base = sorted(base.keys() - new.keys(), key=lambda k: tuple(map(str, k)))
    only_new = sorted(new.keys() - base.keys(), key=lambda k: tuple(map(str, k)))
    if not matched:
        raise Fail(2, f"nothing matched: {len(only_base)} cases only in BASE, {len(only_new)} only in NEW")
    units = {r["unit"] for k in matched for r in base[k] + new[k]}
    accels = {r["accel"] for k in matched for r in base[k] + new[k]}
    exact = accels <= EXACT_ACCELS
    if len(units) != 1 or (not exact and accels & EXACT_ACCELS):
        raise Fail(3, f"cannot compare mixed units or accelerators: {','.join(sorted(units | accels))}")
    if exact:
        given = [o for o in ("threshold", "alpha", "floor") if getattr(a, o) is not None]
        if given:
            raise Fail(3, f"--{'/--'.join(given)} apply to ns data; tcg-icount is exact, use --min-insn")
    else:
        for o, v in NS_DEFAULTS.items():
            if getattr(a, o) is None:
                setattr(a, o, v)
    rows = [{"key": k, "b": boot_medians(base[k]), "n": boot_medians(new[k]), "p": math.nan,
             "unit": new[k][0]["unit"]} for k in matched]
    if exact:
        for r in rows:
            q = tick_error(base[r["key"]]) + tick_error(new[r["key"]])
            r["verdict"], r["delta"], r["p"] = judge_exact(r["b"], r["n"], a.min_insn, q)
    else:
        judge_ns(rows, a)
    for r in rows:
        r["bm"], r["nm"] = statistics.median(r["b"]), statistics.median(r["n"])
        r["ratio"] = r["nm"] / r["bm"] if r["bm"] > 0 else None
        r["name"] = key_name(r["key"], a.across)
    # largest effect first; ties ordered by case so the output is stable
    rows.sort(key=lambda r: (-abs(r["delta"]), tuple(map(str, r["key"]))))
    return rows, only_base, only_new, exact


def options(**kw):
    """Default options for callers other than the command line."""
    d = dict(across=None, base_value=None, new_value=None, threshold=None, alpha=None,
             floor=None, min_insn=1.0)
    d.update(kw)
    return argparse.Namespace(**d)


def parse(argv):
    ap = Parser(prog="python3 -m irqbench.compare", description=__doc__.splitlines()[0])
    ap.add_argument("--threshold", type=float, help="ns: minimum effect in percent of the base median (default 1)")
    ap.add_argument("--alpha", type=float, help="ns: false discovery rate across cases (default 0.01)")
    ap.add_argument("--floor", type=float, help="ns: minimum absolute effect in ns (default 0.5)")
    ap.add_argument("--min-insn", type=float, default=1.0,
                    help="tcg-icount: minimum effect in instructions per operation (default 1)")
    ap.add_argument("--across", choices=AXES, help="compare along this axis, pairing on the others")
    ap.add_argument("--from", dest="base_value", help="with --across: the BASE value (e.g. 6.1)")
    ap.add_argument("--to", dest="new_value", help="with --across: the NEW value (e.g. 7.3)")
    ap.add_argument("--all", action="store_true", help="also list unchanged cases")
    ap.add_argument("base", nargs="?")
    ap.add_argument("new", nargs="?")
    a = ap.parse_args(argv)
    if (a.base_value or a.new_value) and not a.across:
        raise Fail(3, "--from/--to need --across")
    if a.min_insn <= 0:
        raise Fail(3, "--min-insn must be positive")
    return a


def main(argv):
    a = parse(argv)
    st = store.Store()
    store.ingest_all(st, quiet=True, strict=False)
    rs = Runs(st)
    if a.base and not a.new and a.across:
        brun = nrun = rs.resolve(a.base)
    elif a.base and a.new:
        brun, nrun = rs.resolve(a.base), rs.resolve(a.new)
    elif a.base:
        raise Fail(3, "give BASE and NEW, or neither (or one run with --across)")
    else:
        brun, nrun = rs.default_pair()
    brecs, nrecs = rs.records(brun), rs.records(nrun)
    if not nrecs:
        raise Fail(2, f"NEW {nrun['run_id']} holds no records")
    if not brecs:
        raise Fail(2, f"BASE {brun['run_id']} holds no records")
    if a.across and (a.base_value is None or a.new_value is None):
        bv = {str(field(r, a.across)) for r in brecs}
        nv = {str(field(r, a.across)) for r in nrecs}
        if a.base_value is None and len(bv) != 1 or a.new_value is None and len(nv) != 1:
            raise Fail(3, f"--across {a.across}: give --from/--to (BASE has {','.join(sorted(bv))}, "
                          f"NEW has {','.join(sorted(nv))})")
        a.base_value = a.base_value or bv.pop()
        a.new_value = a.new_value or nv.pop()
    bdir = f"{brun['run_id']} (irqbench {brun['method']})"
    ndir = f"{nrun['run_id']} (irqbench {nrun['method']})"
    changed = brun["method"] != nrun["method"]
    rows, only_base, only_new, exact = evaluate(brecs, nrecs, a)
    print(f"BASE {bdir}" + (f" [{a.across}={a.base_value}]" if a.across else ""))
    print(f"NEW  {ndir}" + (f" [{a.across}={a.new_value}]" if a.across else ""))
    print(f"{'verdict':<14} {'NEW/BASE':>8} {'delta':>10} {'p (BH)':>8} {'boots':>5} "
          f"{'BASE p50':>10} {'NEW p50':>10}  case")
    count = {}
    if changed:
        print(f"irqbench changed: BASE was measured with method {brun['method']}, NEW with "
              f"{nrun['method']}; the differences below are irqbench's, not a kernel's")
        for r in rows:
            if r["verdict"] in ("REGRESSION", "improvement"):
                r["verdict"] = "irqbench-changed"
    for r in rows:
        count[r["verdict"]] = count.get(r["verdict"], 0) + 1
        if r["verdict"] == "same" and not a.all:
            continue
        bm, nm = r["bm"], r["nm"]
        ratio = f"{r['ratio']:8.4f}" if r["ratio"] is not None else f"{'-':>8}"
        print(f"{r['verdict']:<14} {ratio} {r['delta']:+10.3f} {r['p']:8.2g} "
              f"{min(len(r['b']), len(r['n'])):>5} {bm:10.3f} {nm:10.3f}  "
              f"{r['name']} ({r['unit']})")
    for k in only_base:
        print(f"{'only BASE':<14} {'':>8} {'':>10} {'':>8} {'':>5} {'':>10} {'':>10}  {key_name(k, a.across)}")
    for k in only_new:
        print(f"{'only NEW':<14} {'':>8} {'':>10} {'':>8} {'':>5} {'':>10} {'':>10}  {key_name(k, a.across)}")
    regs, imps = count.get("REGRESSION", 0), count.get("improvement", 0)
    norep = count.get("no-replication", 0)
    moved = count.get("irqbench-changed", 0)
    print(f"{len(rows)} cases matched: {regs} regressions, {imps} improvements, "
          + (f"{moved} moved with irqbench, " if changed else "")
          + f"{count.get('same', 0)} unchanged, {norep} without replication; "
          f"{len(only_base)} only in BASE, {len(only_new)} only in NEW"
          + ("" if exact else f" (alpha {a.alpha}, threshold {a.threshold} %, floor {a.floor} ns)")
          + (f" (min {a.min_insn} insn)" if exact else ""))
    if changed:
        raise Fail(2, f"irqbench changed between BASE and NEW (method {brun['method']} -> "
                      f"{nrun['method']}): no verdict on the kernel ({moved} cases moved)")
    if regs:
        raise Fail(1, f"{regs} regressions of {len(rows)} matched cases")
    if only_base:
        raise Fail(2, f"{len(only_base)} cases of BASE missing from NEW")
    if norep:
        raise Fail(2, f"{norep} cases have fewer than 2 boots on a side: no replication, "
                      "ns figures cannot be compared (run with REPEAT=N)")


if __name__ == "__main__":
    sys.exit(run("compare", main))
