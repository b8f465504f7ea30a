"""Plot data and gnuplot calls for make results. Every picture is drawn by
gnuplot (plots/*.gp); this file only writes the data blocks they read."""
import glob
import json
import math
import os
import subprocess

import arches
import runs

OUT = os.environ.get("IRQBENCH_PLOTS_OUT", os.path.join(runs.ROOT, "plots", "out"))
DATA = os.environ.get("IRQBENCH_PLOTS_DATA", os.path.join(runs.ROOT, "build", "plots"))
# one line per variant in the depth plots: native, or the v7.3 model
DEPTH_VARIANTS = ["irqsave", "irqsave_hoh", "counted", "counted_hoh", "lock_with", "scoped",
                  "irq_save_only", "interrupt_only", "spin_only", "preempt_only"]
SIDE_VARIANTS = DEPTH_VARIANTS + ["irq"]
IMPLS = ["native", "emulated:v7.3", "emulated:tip", "emulated:v1-percpu"]


def unit_label(unit):
    return "guest instructions per operation" if unit == "insn" else "ns per operation (emulated)"


def main_impl(recs, variant):
    impls = {r["impl"] for r in recs if r["variant"] == variant}
    for cand in ("native", "emulated:v7.3"):
        if cand in impls:
            return cand
    return None


def gnuplot(script, **params):
    args = []
    for k, v in params.items():
        args += ["-e", f"{k}='{v}'" if isinstance(v, str) else f"{k}={v}"]
    subprocess.run(["gnuplot", *args, os.path.join("plots", script)], cwd=runs.ROOT, check=True)


def draw(script, name, blocks, **params):
    """Write gnuplot data blocks (two blank lines apart) and run script on them."""
    path = os.path.join(DATA, name + ".dat")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n\n\n".join(blocks) + "\n")
    gnuplot(script, datafile=path, outbase=os.path.join(OUT, name), **params)


def fmt(v):
    return "?" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.3f}"


def depth_plots(recs, accel):
    """Cost vs depth per arch, kernel and entry state."""
    made = []
    groups = sorted({(r["arch"], r["kernel"], r["config"], r["irq_state"]) for r in recs})
    for arch, kernel, config, state in groups:
        sel = [r for r in recs if (r["arch"], r["kernel"], r["config"], r["irq_state"]) == (arch, kernel, config, state)]
        blocks, titles, lts, xmax = [], [], [], 1
        for v in DEPTH_VARIANTS:
            impl = main_impl(sel, v)
            pts = sorted(((r["depth"], r) for r in sel if r["variant"] == v and r["impl"] == impl),
                         key=lambda p: (p[0], p[1].get("boot", 0)))
            if len(pts) < 2:
                continue
            blocks.append("\n".join(f"{d} {r['p50']} {r['ci95_lo']} {r['ci95_hi']}" for d, r in pts))
            titles.append(v if impl == "native" else f"{v}({impl.split(':')[1]})")
            lts.append(str(SIDE_VARIANTS.index(v) + 1))
            xmax = max(xmax, pts[-1][0])
        if not blocks:
            continue
        name = f"depth-{accel}-{arch}-{kernel}-{config}-{state}"
        draw("cost_vs_depth.gp", name, blocks, titles=" ".join(titles), lts=" ".join(lts), xmax=xmax,
             title=f"cost vs nesting depth: {arch}, kernel {kernel}, config {config}, accel {accel}, entry irqs {state}",
             ylabel=unit_label(sel[0]["unit"]))
        made.append((f"{arch} {kernel} {config}, entry irqs {state}", name))
    return made


def per_level(recs, accel):
    """What one more nesting level costs, per arch, kernel and config,
    entered with interrupts off (the nested case)."""
    made = []
    for arch, kernel, config in sorted({(r["arch"], r["kernel"], r["config"]) for r in recs}):
        sel = [r for r in recs if (r["arch"], r["kernel"], r["config"], r["irq_state"]) == (arch, kernel, config, "off")]
        blocks, titles, lts, xmax = [], [], [], 2
        for v in DEPTH_VARIANTS:
            impl = main_impl(sel, v)
            by_depth = {}
            for r in sel:
                if r["variant"] == v and r["impl"] == impl:
                    by_depth.setdefault(r["depth"], []).append(r["p50"])
            depths = sorted(by_depth)
            if len(depths) < 2:
                continue
            med = {d: sorted(by_depth[d])[len(by_depth[d]) // 2] for d in depths}
            pts = [(d2, (med[d2] - med[d1]) / (d2 - d1)) for d1, d2 in zip(depths, depths[1:])]
            blocks.append("\n".join(f"{d} {c}" for d, c in pts))
            titles.append(v if impl == "native" else f"{v}({impl.split(':')[1]})")
            lts.append(str(SIDE_VARIANTS.index(v) + 1))
            xmax = max(xmax, depths[-1])
        if not blocks:
            continue
        name = f"per-level-{accel}-{arch}-{kernel}-{config}"
        draw("per_level.gp", name, blocks, titles=" ".join(titles), lts=" ".join(lts), xmax=xmax,
             title=f"cost of one more nesting level: {arch}, kernel {kernel}, config {config}, accel {accel}, entry irqs off",
             ylabel=unit_label(sel[0]["unit"]) + " per level")
        made.append((f"{arch} {kernel} {config}", name))
    return made


def side_by_side(recs, accel):
    made = []
    for kernel, config in sorted({(r["kernel"], r["config"]) for r in recs}):
        files = {}
        # every arch of this kernel and config, in arches.tsv's order
        for arch in arches.order({r["arch"] for r in recs if (r["kernel"], r["config"]) == (kernel, config)}):
            sel = [r for r in recs if (r["arch"], r["kernel"], r["config"]) == (arch, kernel, config)]
            path = os.path.join(DATA, f"side-{accel}-{arch}-{kernel}-{config}.dat")
            with open(path, "w", encoding="utf-8") as f:
                for v in SIDE_VARIANTS:
                    impl = main_impl(sel, v)
                    vals = []
                    for d, s in ((1, "on"), (1, "off"), (4, "on"), (4, "off")):
                        hit = [r["p50"] for r in sel if r["variant"] == v and r["impl"] == impl
                               and r["depth"] == d and r["irq_state"] == s]
                        vals.append(fmt(hit[0]) if hit else "?")
                    f.write(f"{v} {' '.join(vals)}\n")
            files[arch] = path
        unit = recs[0]["unit"]
        name = f"side-{accel}-{kernel}-{config}"
        gnuplot("side_by_side.gp", files=" ".join(files.values()), names=" ".join(files),
                outbase=os.path.join(OUT, name),
                title=f"variants at depth 1 and 4: kernel {kernel}, config {config}, accel {accel}",
                ylabel=unit_label(unit))
        made.append((f"kernel {kernel} {config}", name))
    return made


def native_vs_emulated(recs, accel):
    made = []
    for arch, kernel, config in sorted({(r["arch"], r["kernel"], r["config"]) for r in recs}):
        sel = [r for r in recs if (r["arch"], r["kernel"], r["config"]) == (arch, kernel, config)]
        if not any(r["impl"] == "native" and r["variant"] == "counted" for r in sel):
            continue
        name = f"native-{accel}-{arch}-{kernel}-{config}"
        path = os.path.join(DATA, name + ".dat")
        with open(path, "w", encoding="utf-8") as f:
            for v in ("counted", "interrupt_only"):
                for d in (1, 2, 4, 8):
                    for s in ("on", "off"):
                        vals = []
                        for impl in IMPLS:
                            hit = [r["p50"] for r in sel if (r["variant"], r["impl"], r["depth"], r["irq_state"]) == (v, impl, d, s)]
                            vals.append(fmt(hit[0]) if hit else "?")
                        if any(x != "?" for x in vals):
                            f.write(f"{v}:d{d}:{s} {' '.join(vals)}\n")
        gnuplot("native_vs_emulated.gp", datafile=path, outbase=os.path.join(OUT, name),
                title=f"native counted disabling vs emulated models: {arch}, kernel {kernel}, accel {accel}",
                ylabel=unit_label(sel[0]["unit"]))
        made.append((f"{arch} {kernel}", name))
    return made


HISTORY_CASES = [("counted", 1, "on"), ("counted", 1, "off"), ("lock_with", 1, "off"), ("irqsave", 1, "on")]


def history_point(recs, accel, arch, variant, depth, state):
    """The case on the newest kernel of a run, native where it exists."""
    hits = [r for r in recs if (r["accel"], r["arch"], r["variant"], r["depth"], r["irq_state"], r["config"])
            == (accel, arch, variant, depth, state, "default") and r["impl"] in ("native", "emulated:v7.3")]
    if not hits:
        return None
    newest = max(r["kernel"] for r in hits)
    return min((r for r in hits if r["kernel"] == newest), key=lambda r: r["impl"] != "native")


def history(all_runs, accel, threshold):
    """Chosen cases across runs, with the band around the baseline."""
    made = []
    ordered = [(d, recs) for d, _meta, recs in all_runs if any(r["accel"] == accel for r in recs)]
    if not ordered:
        return made
    link = os.path.join(runs.RESULTS, "baseline")
    base_dir = os.path.realpath(link) if os.path.islink(link) else ordered[0][0]
    base = next((recs for d, recs in ordered if d == base_dir), ordered[0][1])
    exact = accel == "tcg-icount"
    for arch in arches.order({r["arch"] for _d, recs in ordered for r in recs}):
        blocks, titles = [], []
        for v, dep, s in HISTORY_CASES:
            pts = [(i, p) for i, (_d, recs) in enumerate(ordered, 1)
                   if (p := history_point(recs, accel, arch, v, dep, s))]
            if not pts:
                continue
            ref = history_point(base, accel, arch, v, dep, s) or pts[0][1]
            band = 0.5 if exact else ref["p50"] * threshold / 100
            lo, hi = ref["p50"] - band, ref["p50"] + band
            blocks.append("\n".join(f"{i} {r['p50']} {r['ci95_lo']} {r['ci95_hi']} {lo} {hi}" for i, r in pts))
            titles.append(f"{v}:d{dep}:{s}")
        if not blocks:
            continue
        draw("history.gp", f"history-{accel}-{arch}", blocks, titles=" ".join(titles),
             title=f"history: {arch}, accel {accel}, band = baseline +-{'0.5 insn' if exact else f'{threshold}%'}",
             ylabel=unit_label("insn" if exact else "ns"))
        made.append((f"{arch}", f"history-{accel}-{arch}"))
    return made


ANNOTATE_CLASSES = ["irqflag", "atomic", "barrier", "preempt", "percpu", "branch", "other"]


def annotate_classes():
    """Per kernel and config: the instruction classes of one operation of
    every traced case at depth 1, stacked, one panel per traced arch (from
    results/<run>/annotate/*.json; the newest run's trace of a cell wins)."""
    made, docs = [], {}
    for path in sorted(glob.glob(os.path.join(runs.RESULTS, "*", "annotate", "*.json"))):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        if isinstance(doc, dict) and "case" in doc and doc["case"].split("/")[2] == "d1":
            docs[(doc["cell"], doc["case"])] = doc
    groups = sorted({cell.split("-", 1)[1] for cell, _ in docs})
    for kc in groups:
        files = {}
        for arch in arches.order({cell.split("-", 1)[0] for cell, _ in docs if cell.split("-", 1)[1] == kc}):
            rows = sorted((case, d) for (cell, case), d in docs.items() if cell == f"{arch}-{kc}")
            files[arch] = os.path.join(DATA, f"annotate-classes-{kc}-{arch}.dat")
            with open(files[arch], "w", encoding="utf-8") as f:
                f.write("case " + " ".join(ANNOTATE_CLASSES) + "\n")
                for case, d in rows:
                    v, impl, _d, st = case.split("/")
                    label = f"{v}/{impl.replace('emulated:', '')}/{st}"
                    f.write(label + " " + " ".join(str(d["totals"][c]) for c in ANNOTATE_CLASSES) + "\n")
        kernel, config = kc.split("-", 1)
        name = f"annotate-classes-{kc}"
        gnuplot("annotate_classes.gp", files=" ".join(files.values()), names=" ".join(files),
                outbase=os.path.join(OUT, name), ylabel="instructions per operation",
                title=f"instruction classes of one operation at depth 1, kernel {kernel}, config {config} (traced, tcg-icount)")
        made.append((f"kernel {kernel}, config {config}", name))
    return made


def make_all(selected, all_runs, threshold):
    """selected: {accel: records}. Returns {section: [(caption, name)]}."""
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(DATA, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith((".png", ".svg")):
            os.unlink(os.path.join(OUT, f))
    out = {}
    for accel, recs in selected.items():
        out[f"depth-{accel}"] = depth_plots(recs, accel)
        out[f"side-{accel}"] = side_by_side(recs, accel)
        out[f"level-{accel}"] = per_level(recs, accel)
        out[f"native-{accel}"] = native_vs_emulated(recs, accel)
        out[f"history-{accel}"] = history(all_runs, accel, threshold)
    out["annotate-classes"] = annotate_classes()
    return out
