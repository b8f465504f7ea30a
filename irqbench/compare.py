#!/usr/bin/python3
"""compare.py [options] [BASE [NEW]]: the regression gate.

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

tcg-icount: figures are exact instruction counts; a change of at least
MIN_INSN instructions per operation is a change, a smaller one is equal.
ns-only options given for icount data are an error, not ignored.

Without BASE and NEW: NEW is the newest run, BASE the baseline if it has
NEW's accelerator, else the newest earlier run of that accelerator.

Exit: 0 clean, 1 a regression, 2 incomplete (nothing matched, cases missing
from NEW, empty NEW, no replication), 3 usage or data error; every non-zero
exit gives a one-line reason on stderr.
"""
import argparse
import json
import math
import os
import re
import statistics
import sys

from scipy.stats import ttest_ind

import runs

EXACT_ACCELS = {"tcg-icount"}
AXES = ("kernel", "config", "accel", "arch")
KEY = ("arch", "kernel", "config", "accel", "variant", "impl", "depth", "irq_state")
NS_DEFAULTS = {"threshold": 1.0, "alpha": 0.01, "floor": 0.5}


class Fail(Exception):
    """A one-line reason and the exit code that goes with it."""

    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code


def series(release):
    """The kernel series of a release string: 7.3.0-rc7 -> 7.3."""
    m = re.match(r"(\d+\.\d+)", str(release))
    return m.group(1) if m else str(release)


def field(rec, name):
    return series(rec[name]) if name == "kernel" else rec[name]


def cases(recs, across, value):
    """{key without the AXIS: [records of every boot]}, keeping only records
    whose AXIS field is VALUE when comparing across an axis."""
    out = {}
    for r in recs:
        if across and value is not None and str(field(r, across)) != value:
            continue
        key = tuple(field(r, k) for k in KEY if k != across)
        out.setdefault(key, []).append(r)
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


def judge_exact(b, n, min_insn):
    bm, nm = statistics.median(b), statistics.median(n)
    delta = nm - bm
    if delta >= min_insn:
        return "REGRESSION", delta, math.nan
    if delta <= -min_insn:
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


def run_accels(d):
    _, recs = runs.load_run(d)
    return {r["accel"] for r in recs}


def default_pair():
    """NEW: the newest run; BASE: the baseline of NEW's accelerator, else
    the newest earlier run of it."""
    dirs = runs.run_dirs()
    if not dirs:
        raise Fail(2, f"no stored runs under {runs.RESULTS}")
    by_date = sorted(dirs, key=lambda d: (runs.load_run(d)[0].get("date", ""), d))
    new = by_date[-1]
    acc = run_accels(new)
    base_link = os.path.join(runs.RESULTS, "baseline")
    if os.path.isdir(base_link):
        b = os.path.realpath(base_link)
        if b != os.path.realpath(new) and run_accels(b) == acc:
            return b, new
    for d in reversed(by_date[:-1]):
        if run_accels(d) == acc:
            return d, new
    raise Fail(2, f"no earlier run with accel {','.join(sorted(acc))} to compare "
                  f"{os.path.basename(new)} with")


def resolve(name):
    try:
        return runs.resolve(name)
    except SystemExit as e:
        raise Fail(3, str(e).removeprefix("irqbench: ")) from None


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
            r["verdict"], r["delta"], r["p"] = judge_exact(r["b"], r["n"], a.min_insn)
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


def parse():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
    a = ap.parse_args()
    if (a.base_value or a.new_value) and not a.across:
        raise Fail(3, "--from/--to need --across")
    if a.min_insn <= 0:
        raise Fail(3, "--min-insn must be positive")
    return a


def main():
    a = parse()
    if a.base and not a.new and a.across:
        bdir = ndir = resolve(a.base)
    elif a.base and a.new:
        bdir, ndir = resolve(a.base), resolve(a.new)
    elif a.base:
        raise Fail(3, "give BASE and NEW, or neither (or one run with --across)")
    else:
        bdir, ndir = default_pair()
    _, brecs = runs.load_run(bdir)
    _, nrecs = runs.load_run(ndir)
    if not nrecs:
        raise Fail(2, f"NEW {ndir} holds no records")
    if not brecs:
        raise Fail(2, f"BASE {bdir} holds no records")
    if a.across and (a.base_value is None or a.new_value is None):
        bv = {str(field(r, a.across)) for r in brecs}
        nv = {str(field(r, a.across)) for r in nrecs}
        if a.base_value is None and len(bv) != 1 or a.new_value is None and len(nv) != 1:
            raise Fail(3, f"--across {a.across}: give --from/--to (BASE has {','.join(sorted(bv))}, "
                          f"NEW has {','.join(sorted(nv))})")
        a.base_value = a.base_value or bv.pop()
        a.new_value = a.new_value or nv.pop()
    rows, only_base, only_new, exact = evaluate(brecs, nrecs, a)
    print(f"BASE {bdir}" + (f" [{a.across}={a.base_value}]" if a.across else ""))
    print(f"NEW  {ndir}" + (f" [{a.across}={a.new_value}]" if a.across else ""))
    print(f"{'verdict':<14} {'NEW/BASE':>8} {'delta':>10} {'p (BH)':>8} {'boots':>5} "
          f"{'BASE p50':>10} {'NEW p50':>10}  case")
    count = {}
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
    print(f"{len(rows)} cases matched: {regs} regressions, {imps} improvements, "
          f"{count.get('same', 0)} unchanged, {norep} without replication; "
          f"{len(only_base)} only in BASE, {len(only_new)} only in NEW"
          + ("" if exact else f" (alpha {a.alpha}, threshold {a.threshold} %, floor {a.floor} ns)")
          + (f" (min {a.min_insn} insn)" if exact else ""))
    if regs:
        raise Fail(1, f"{regs} regressions of {len(rows)} matched cases")
    if only_base:
        raise Fail(2, f"{len(only_base)} cases of BASE missing from NEW")
    if norep:
        raise Fail(2, f"{norep} cases have fewer than 2 boots on a side: no replication, "
                      "ns figures cannot be compared (run with REPEAT=N)")


if __name__ == "__main__":
    try:
        main()
    except Fail as e:
        print(f"compare: {e}", file=sys.stderr)
        sys.exit(e.code)
    except (KeyError, ValueError, TypeError, OSError, json.JSONDecodeError) as e:
        print(f"compare: bad data: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(3)
