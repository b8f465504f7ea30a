"""Every picture of the generated pages, drawn by gnuplot (plots/*.gp) from
data blocks this module writes. Output: plots/out/<name>.png and .svg."""
import os
import subprocess

from ..paths import ROOT, tree
from . import claims
from .data import cell_name
from ..annotate import CLASSES

def out_dir():
    return os.environ.get("IRQBENCH_PLOTS_OUT") or tree("plots", "out")


def data_dir():
    return os.environ.get("IRQBENCH_PLOTS_DATA") or tree("build", "plots")


def gnuplot(script, *args):
    """gnuplot -c SCRIPT ARG...: the script reads each argument as a string
    (ARG1, ARG2, ...), never as code, so a label from a run is text and
    only text. Each script names its arguments in its first lines."""
    os.makedirs(out_dir(), exist_ok=True)
    subprocess.run(["gnuplot", "-c", os.path.join("plots", script), *map(str, args)],
                   cwd=ROOT, check=True)


def datafile(name, text):
    os.makedirs(data_dir(), exist_ok=True)
    path = os.path.join(data_dir(), name + ".dat")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def fmt(v):
    return "?" if v is None else f"{v:.3f}"


def claims_plot(cur, figs):
    """lock() against lock_with() per code column, one panel per arch."""
    files, names = [], []
    cols = [("lock() on", "lock_on"), ("lock() off", "lock_off"), ("lock() off-raw", "lock_off_raw"),
            ("lock_with()", "lock_with"), ("token + lock_with()", "token_lock_with"),
            ("scoped", "scoped")]
    for arch in claims.ARCHES:
        tab = claims.table(cur, figs, arch)
        if not tab:
            continue
        lines = ["code\t" + "\t".join(c for c, _ in cols)]
        lines += [r["column"] + "\t" + "\t".join(fmt(r[k]) for _, k in cols) for r in tab]
        files.append(datafile(f"claims-{arch}", "\n".join(lines) + "\n"))
        names.append(arch)
    if not files:
        return None
    gnuplot("claims.gp", " ".join(files), " ".join(names), os.path.join(out_dir(), "claims"),
            f"lock() and lock_with(), depth 1 ({claims.newest_series(cur)}, tcg-icount)",
            "guest instructions per operation")
    return "claims"


def depth_plot(cur, figs, key, state):
    """Cost against depth, one line per variant (native), in one cell."""
    recs = cur.records(key)
    t = cur.table(key)
    blocks, titles, lts, xmax = [], [], [], 1
    for i, v in enumerate(t.order):
        pts = sorted((d, r) for (vv, impl, d, s), r in recs.items()
                     if vv == v and impl == "native" and s == state)
        if len(pts) < 2:
            continue
        blocks.append("\n".join(f"{d} {figs.rec(cur, key, r)} {r['ci95_lo']} {r['ci95_hi']}"
                                for d, r in pts))
        titles.append(v)
        lts.append(str(i % 14 + 1))
        xmax = max(xmax, pts[-1][0])
    if not blocks:
        return None
    name = f"depth-{'-'.join(key)}-{state}"
    path = datafile(name, "\n\n\n".join(blocks) + "\n")
    gnuplot("cost_vs_depth.gp", path, os.path.join(out_dir(), name), " ".join(titles),
            " ".join(lts), xmax, f"cost against nesting depth: {cell_name(key)}, entered {state}",
            "guest instructions per operation")
    return name


def classes_plot(cur, cells, cases, name, title):
    """Instruction classes of one operation of each case, one panel per
    cell, from the cells' traces; None when no cell has a trace."""
    files, names = [], []
    for key in cells:
        traces = cur.traces(key)
        rows = [(c, traces[c]) for c in cases if c in traces]
        if not rows:
            continue
        lines = ["case " + " ".join(CLASSES)]
        lines += [c.replace("/native", "").replace(" ", "_") + " "
                  + " ".join(str(t.get("totals", {}).get(k, 0)) for k in CLASSES) for c, t in rows]
        files.append(datafile(f"{name}-{'-'.join(key)}", "\n".join(lines) + "\n"))
        names.append(cell_name(key).replace(" ", "_"))
    if not files:
        return None
    gnuplot("annotate_classes.gp", " ".join(files), " ".join(names),
            os.path.join(out_dir(), name), title, "guest instructions in one operation")
    return name


def history_plot(rows, name, title):
    """A case's figure across kernel releases (history.case_history rows of
    one arch, config and accel)."""
    if len(rows) < 2:
        return None
    block = "\n".join(f"{i} {r['p50']} {r['p50']} {r['p50']} {r['p50']} {r['p50']} {r['release']}"
                      for i, r in enumerate(rows))
    path = datafile(name, block + "\n")
    gnuplot("history.gp", path, os.path.join(out_dir(), name), "p50", title,
            "guest instructions per operation")
    return name
