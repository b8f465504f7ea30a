#!/usr/bin/python3
"""compare.py [options] BASE NEW: the regression gate.

Cases match on (arch, kernel series, config, accel, variant, impl, depth,
irq_state): "7.3.0-rc7" and "7.3.1" are both 7.3. With --across AXIS the
two runs are compared along that one axis (kernel, config, accel or arch):
cases pair on every other field, and BASE and NEW may name one run holding
both sides (--base-value/--new-value pick them). Under tcg-icount figures
are exact instruction counts: a change of --min-insn instructions or more
(default 1) in the median is a change, and the ns-only --threshold and
--alpha are refused. In ns mode a change needs a Mann-Whitney U p-value
below alpha after Holm's correction across the matched cases and an effect
over --threshold percent and over --floor ns (for cases near zero).

Exit status: 0 clean, 1 a regression, 2 incomplete (nothing matched, cases
of BASE missing from NEW, an empty run), 3 usage or data error; every
non-zero exit says why in one line on stderr.
"""
import argparse
import math
import os
import sys

from scipy.stats import mannwhitneyu

import runs

EXACT_ACCELS = {"tcg-icount"}
AXES = ("kernel", "config", "accel", "arch")


class DataError(Exception):
    """Input that cannot be compared: exit 3."""


def series(release):
    """7.3.0-rc7 -> 7.3; 6.1.192 -> 6.1; a KSRC tree's 7.2.0-foo -> 7.2."""
    parts = str(release).split("-")[0].split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 else str(release)


def key(rec, across=None):
    try:
        k = {"arch": rec["arch"], "kernel": series(rec["kernel"]), "config": rec["config"],
             "accel": rec["accel"], "variant": rec["variant"], "impl": rec["impl"],
             "depth": rec["depth"], "irq_state": rec["irq_state"]}
    except KeyError as e:
        raise DataError(f"a record has no field {e}") from e
    if across:
        del k[across]
    return tuple(k.items())


def holm(pvalues):
    """Holm-Bonferroni adjusted p-values, in the input order."""
    order = sorted(range(len(pvalues)), key=lambda i: pvalues[i])
    adj, running, m = [1.0] * len(pvalues), 0.0, len(pvalues)
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        adj[i] = running
    return adj


def pvalue(b, n):
    bv, nv = b.get("values") or [], n.get("values") or []
    if not bv or not nv:
        return math.nan
    if bv == nv:
        return 1.0
    return mannwhitneyu(nv, bv, alternative="two-sided").pvalue


def compare(base_recs, new_recs, opts):
    """Matched rows (key, verdict, delta, ratio, p, b, n), only-base and only-new keys."""
    base, new = {}, {}
    for side, recs in ((base, base_recs), (new, new_recs)):
        for r in recs:
            k = key(r, opts.across)
            if k in side:
                raise DataError(f"two records for one case on one side: {dict(k)}")
            side[k] = r
    matched = sorted(base.keys() & new.keys())
    exact = {base[k]["accel"] in EXACT_ACCELS and new[k]["accel"] in EXACT_ACCELS for k in matched}
    if len(exact) > 1:
        raise DataError("the matched cases mix exact (tcg-icount) and ns figures")
    exact = exact.pop() if exact else False
    ps = [pvalue(base[k], new[k]) for k in matched]
    finite = [i for i, p in enumerate(ps) if not math.isnan(p)]
    adjusted = dict(zip(finite, holm([ps[i] for i in finite])))
    rows = []
    for i, k in enumerate(matched):
        b, n = base[k], new[k]
        delta = n["p50"] - b["p50"]
        ratio = n["p50"] / b["p50"] if b["p50"] > 0 else math.nan
        p = adjusted.get(i, math.nan)
        if exact:
            verdict = ("REGRESSION" if delta >= opts.min_insn - 0.5 else
                       "improvement" if delta <= -(opts.min_insn - 0.5) else "same")
        else:
            pct = abs(delta) / b["p50"] * 100 if b["p50"] > 0 else math.inf
            big = abs(delta) > opts.floor and pct > opts.threshold
            sig = not math.isnan(p) and p < opts.alpha
            verdict = "same" if not (big and sig) else "REGRESSION" if delta > 0 else "improvement"
        rows.append((k, verdict, delta, ratio, p, b, n))
    rows.sort(key=lambda r: (r[1] != "REGRESSION", r[1] != "improvement", -abs(r[2]), r[0]))
    return rows, sorted(base.keys() - new.keys()), sorted(new.keys() - base.keys()), exact


def options(threshold=1.0, alpha=0.01, floor=0.5, min_insn=1.0, across=None):
    """The defaults of the command line, for callers that import compare."""
    return argparse.Namespace(threshold=threshold, alpha=alpha, floor=floor, min_insn=min_insn,
                              across=across)


def pick(recs, across, value, side):
    if not across or value is None:
        return recs
    got = [r for r in recs if (series(r["kernel"]) if across == "kernel" else r[across]) == value]
    if not got:
        raise DataError(f"no {side} records with {across}={value}")
    return got


def name(k):
    d = dict(k)
    head = "/".join(str(d[a]) for a in AXES if a in d)
    return f"{head} {d['variant']} {d['impl']} d{d['depth']} irqs-{d['irq_state']}"


def accels(path):
    meta, recs = runs.load_run(path)
    return {c.get("accel") for c in meta.get("cells", [])} | {r.get("accel") for r in recs}


def default_pair(base, new):
    """NEW: the newest run; BASE: results/baseline if it measured NEW's
    accelerator, else the newest earlier run that did."""
    dirs = runs.run_dirs()
    if not dirs:
        raise SystemExit("no runs under results/: make bench first")
    new = new or dirs[-1]
    if base:
        return base, new
    ndir = runs.resolve(new)
    want = accels(ndir)
    link = os.path.join(runs.RESULTS, "baseline")
    if os.path.islink(link) and os.path.realpath(link) != ndir and accels(os.path.realpath(link)) & want:
        return os.path.realpath(link), ndir
    earlier = [d for d in dirs if d < ndir and accels(d) & want]
    if not earlier:
        raise SystemExit(f"no baseline or earlier run measured under {', '.join(sorted(a for a in want if a)) or 'no accelerator'} "
                         f"to compare {os.path.basename(ndir)} with")
    return earlier[-1], ndir


def fail(code, msg):
    print(f"irqbench: compare: {msg}", file=sys.stderr)
    sys.exit(code)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threshold", type=float, help="ns mode: minimum effect in percent (default 1)")
    ap.add_argument("--alpha", type=float, help="ns mode: significance level after Holm (default 0.01)")
    ap.add_argument("--floor", type=float, default=0.5, help="ns mode: minimum effect in ns (default 0.5)")
    ap.add_argument("--min-insn", type=float, default=1.0,
                    help="tcg-icount: minimum change in instructions per operation (default 1)")
    ap.add_argument("--across", choices=AXES, help="compare along one axis, pairing on the others")
    ap.add_argument("--base-value", help="with --across: the BASE side's value (e.g. 6.1)")
    ap.add_argument("--new-value", help="with --across: the NEW side's value (e.g. 7.3)")
    ap.add_argument("--all", action="store_true", help="also list unchanged cases")
    ap.add_argument("base", nargs="?", help="default: the baseline of NEW's accelerator, "
                    "else the newest earlier run of it")
    ap.add_argument("new", nargs="?", help="default: the newest run")
    try:
        a = ap.parse_args()
    except SystemExit as e:
        sys.exit(3 if e.code else 0)
    if (a.base_value or a.new_value) and not a.across:
        fail(3, "--base-value and --new-value need --across")
    if a.across and a.base == a.new and not (a.base_value and a.new_value):
        fail(3, f"one run on both sides: name the two {a.across} values with --base-value and --new-value")
    try:
        if a.base is None or a.new is None:
            a.base, a.new = default_pair(a.base, a.new)
        bdir, ndir = runs.resolve(a.base), runs.resolve(a.new)
    except SystemExit as e:
        fail(3, str(e).replace("irqbench: ", ""))
    try:
        _, brecs = runs.load_run(bdir)
        _, nrecs = runs.load_run(ndir)
        brecs = pick(brecs, a.across, a.base_value, "BASE")
        nrecs = pick(nrecs, a.across, a.new_value, "NEW")
        if not nrecs:
            fail(2, f"NEW ({ndir}) holds no records")
        if not brecs:
            fail(2, f"BASE ({bdir}) holds no records")
        exact_in = all(r["accel"] in EXACT_ACCELS for r in brecs + nrecs)
        if exact_in and (a.threshold is not None or a.alpha is not None):
            fail(3, "--threshold and --alpha are for ns figures; tcg-icount changes are exact: use --min-insn")
        a.threshold = 1.0 if a.threshold is None else a.threshold
        a.alpha = 0.01 if a.alpha is None else a.alpha
        rows, only_base, only_new, exact = compare(brecs, nrecs, a)
    except (DataError, KeyError, TypeError, ValueError, OSError) as e:
        fail(3, f"cannot compare {bdir} with {ndir}: {e}")
    print(f"BASE {bdir}" + (f" ({a.across}={a.base_value})" if a.base_value else ""))
    print(f"NEW  {ndir}" + (f" ({a.across}={a.new_value})" if a.new_value else ""))
    print(f"{'verdict':<11} {'delta':>9} {'NEW/BASE':>8} {'p (Holm)':>9} {'BASE p50':>10} {'NEW p50':>10}  case")
    for k, verdict, delta, ratio, p, b, n in rows:
        if verdict == "same" and not a.all:
            continue
        print(f"{verdict:<11} {delta:+9.3f} {ratio:8.4f} {p:9.2g} {b['p50']:10.3f} {n['p50']:10.3f}  "
              f"{name(k)} ({n['unit']})")
    for k in only_base:
        print(f"{'only BASE':<11} {'':>9} {'':>8} {'':>9} {'':>10} {'':>10}  {name(k)}")
    for k in only_new:
        print(f"{'only NEW':<11} {'':>9} {'':>8} {'':>9} {'':>10} {'':>10}  {name(k)}")
    regressions = sum(1 for r in rows if r[1] == "REGRESSION")
    improvements = sum(1 for r in rows if r[1] == "improvement")
    print(f"{len(rows)} cases matched ({'exact, --min-insn ' + format(a.min_insn, 'g') if exact else 'ns, Holm-corrected alpha ' + format(a.alpha, 'g')}): "
          f"{regressions} regressions, {improvements} improvements, "
          f"{len(rows) - regressions - improvements} unchanged; "
          f"{len(only_base)} only in BASE, {len(only_new)} only in NEW")
    if not rows:
        fail(2, "nothing matched: the runs share no case"
             + ("" if a.across else " (compare along one axis with --across?)"))
    if regressions:
        fail(1, f"{regressions} regression{'s' if regressions > 1 else ''}")
    if only_base:
        fail(2, f"{len(only_base)} cases of BASE are missing from NEW")
    sys.exit(0)


if __name__ == "__main__":
    main()
