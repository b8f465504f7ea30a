"""Stored runs, and a case across every kernel release measured.

    python3 -m irqbench.history                  the stored runs by date
    python3 -m irqbench.history CASE [--arch A] [--config C] [--accel X]
        CASE (variant/impl/d<depth>/<state>, as make annotate names it;
        depth 1..16, the module's IRQB_MAX_DEPTH)
        across every kernel release, config and arch in the store, from one
        query: a table per (arch, config, accel), a release per row with its
        method identity, and which release moved it by how much (a move
        counts only between releases measured by the same irqbench)
    python3 -m irqbench.history --baseline RUN   point results/baseline at RUN
        (a run id or directory; "latest" is the run results/latest names,
        the one make bench moved it to, as `make baseline` says: not
        compare's latest, the newest stored run)

Exit 2 when CASE matched nothing, 3 on bad input.
"""
import os
import re
import sys

from . import case as case_names
from . import cli, paths, store
from .tables import arch_order, version_key

# the case's name and its checks are case.py's (explain and tests import
# them from here)
MAX_DEPTH = case_names.MAX_DEPTH
parse_case = case_names.parse


def release_key(release):
    return tuple(int(x) for x in re.findall(r"\d+", release.split("-")[0]))


def case_history(st, case, arch=None, config=None, accel=None, runs=None):
    """{(arch, config, accel): [row]}, rows by release: release, p50 (the
    median over boots and runs of that release and method), unit, runs,
    method, newest date. One query over records, cells and runs. RUNS, where
    given: the run ids it may count (the generated pages' runs)."""
    v, impl, d, s = case
    cond, args = ["r.variant = ?", "r.impl = ?", "r.depth = ?", "r.irq_state = ?"], [v, impl, d, s]
    for col, val in (("arch", arch), ("config", config), ("accel", accel)):
        if val:
            cond.append(f"r.{col} = ?")
            args.append(val)
    rows = st.kept(st.query(
        "SELECT r.arch, r.config, r.accel, r.kernel, r.p50, r.unit, r.run_id, u.method, u.date "
        "FROM records r JOIN runs u ON u.run_id = r.run_id WHERE " + " AND ".join(cond)
        # a total order (records of one run share its date): the groups
        # and their rows come the same on every backend and query plan
        + " ORDER BY u.date, r.rec_id", tuple(args)))
    groups = {}
    for r in rows:
        if runs is not None and r["run_id"] not in runs:
            continue
        g = groups.setdefault((r["arch"], r["config"], r["accel"]), {})
        g.setdefault((r["kernel"], r["method"]), []).append(r)
    out = {}
    for key, by in groups.items():
        lines = []
        for (kernel, method), rs in by.items():
            p = sorted(x["p50"] for x in rs)
            lines.append({"release": kernel, "method": method, "unit": rs[0]["unit"],
                          "p50": p[(len(p) - 1) // 2], "runs": sorted({x["run_id"] for x in rs}),
                          "date": max(x["date"] or "" for x in rs)})
        lines.sort(key=lambda x: (release_key(x["release"]), x["date"]))
        prev = {}
        for x in lines:
            before = prev.get(x["method"])
            x["moved"] = None if before is None else x["p50"] - before["p50"]
            x["from"] = None if before is None else before["release"]
            prev[x["method"]] = x
        out[key] = lines
    return out


def list_runs(st):
    marks = {}
    for name in ("latest", "baseline"):
        p = os.path.join(paths.RESULTS, name)
        if os.path.islink(p):
            marks.setdefault(os.path.basename(os.path.realpath(p)), []).append(name)
    cells = {}
    for c in st.cells():
        cells.setdefault(c["run_id"], []).append(c)
    print(f"{'date':<26} {'run':<36} {'commit':<13} {'method':<17} {'kernels':<26} "
          f"{'accel':<18} cells")
    for r in st.runs():
        cs = cells.get(r["run_id"], [])
        kernels = sorted({c["kernel_release"] or "?" for c in cs}, key=version_key)
        accels = sorted({c["accel"] or "?" for c in cs})
        print(f"{r['date'] or '?':<26} {r['run_id']:<36} {(r['irqbench_commit'] or '?')[:12]:<13} "
              f"{r['method']:<17} {','.join(kernels):<26} {','.join(accels):<18} {len(cs)} "
              f"{' '.join(marks.get(r['run_id'], []))}".rstrip())


def set_baseline(name):
    link = os.path.join(paths.RESULTS, "baseline")
    target = os.path.join(paths.RESULTS, name) if not os.path.isdir(name) else name
    target = os.path.realpath(target)
    if not os.path.isfile(os.path.join(target, "run.json")) or \
            os.path.dirname(target) != os.path.realpath(paths.RESULTS):
        print(f"history: {name} is not a run under {paths.RESULTS}; nothing changed", file=sys.stderr)
        return 3
    if os.path.islink(link):
        os.unlink(link)
    os.symlink(os.path.basename(target), link)
    print(f"baseline -> {os.path.basename(target)}")
    return 0


def main(argv):
    ap = cli.Parser(prog="python3 -m irqbench.history", description=__doc__.splitlines()[0])
    ap.add_argument("case", nargs="?")
    ap.add_argument("--arch")
    ap.add_argument("--config")
    ap.add_argument("--accel")
    ap.add_argument("--baseline", metavar="RUN")
    a = ap.parse_args(argv)
    if a.baseline:
        if a.baseline == "latest":
            a.baseline = os.path.realpath(os.path.join(paths.RESULTS, "latest"))
        return set_baseline(a.baseline)
    st = store.Store()
    store.ingest_all(st, quiet=True, strict=False)
    if not a.case:
        list_runs(st)
        return 0
    try:
        case = parse_case(a.case)
    except ValueError as e:
        raise cli.Fail(3, str(e)) from None
    hist = case_history(st, case, a.arch, a.config, a.accel)
    if not hist:
        print(f"history: no stored record of {a.case}"
              + "".join(f" {k}={v}" for k, v in (("arch", a.arch), ("config", a.config),
                                                  ("accel", a.accel)) if v), file=sys.stderr)
        return 2
    for (arch, config, accel) in sorted(hist, key=lambda k: (arch_order([k[0]]), k)):
        print(f"\n{a.case} on {arch}, config {config}, {accel}")
        print(f"  {'release':<20} {'p50':>10} {'moved':>14}  {'method':<17} runs")
        for x in hist[(arch, config, accel)]:
            moved = (f"{x['moved']:+.3f} from {x['from']}" if x["moved"] else
                     "same" if x["moved"] == 0 else "")
            print(f"  {x['release']:<20} {x['p50']:>10.3f} {moved:>14}  {x['method']:<17} "
                  f"{' '.join(r[:24] for r in x['runs'])} ({x['unit']})")
    return 0


if __name__ == "__main__":
    sys.exit(cli.run("history", main))
