"""The generated pages beside RESULTS.md (docs/results/, committed and held
to the runs by report --check like RESULTS.md): every
current cell's tables, the arches side by side, the kernels side by side,
the hazards, history across releases, the cells not re-measured, and the
pipeline's own timings. Figures of records only come from the current
irqbench's runs; history pages label every run with its method identity."""
import glob
import json
import os
import re

from .. import case as cases
from .. import history
from ..paths import RESULTS, tree
from ..safe_paths import write_atomic
from ..tables import arch_order, version_key
from . import claims, plots
from .data import cell_name, md, md_code
from .findings import MASKING, hoh_leaks, never_masks

def out_dir():
    return os.environ.get("IRQBENCH_PAGES_OUT") or tree("docs", "results")
DEPTHS = (1, 2, 4, 8)
STATES = ("on", "off", "off-raw")


def f(v):
    return "–" if v is None else (f"{v:.0f}" if v == round(v) else f"{v:.3f}")


def plot_paths(names):
    """Where make results drew plots NAMES, as text, not links: plots/out/
    is build output that git does not keep (a link there is dead in a
    clone; tests/test_links.py holds every link to a tracked file)."""
    return ", ".join(f"`plots/out/{n}.svg`" for n in names) + " (drawn by `make results`)"


def write(name, title, lines):
    write_atomic(os.path.join(out_dir(), name), f"# {title}\n\n" + "\n".join(lines) + "\n")
    return name


def cell_table(cur, figs, key):
    """Variant × depth × state of one cell, per impl."""
    recs = cur.records(key)
    t = cur.table(key)
    cols = [(d, s) for d in DEPTHS for s in STATES
            if any(k[2] == d and k[3] == s for k in recs)]
    out = ["| variant | impl | " + " | ".join(f"d{d} {s}" for d, s in cols) + " |",
           "|---|---|" + "---:|" * len(cols)]
    impls = sorted({k[1] for k in recs}, key=lambda i: (i != "native", i != "native-builtin", i))
    for v in sorted({k[0] for k in recs}, key=t.index):
        for impl in impls:
            row = [recs.get((v, impl, d, s)) for d, s in cols]
            if not any(row):
                continue
            out.append(f"| {v} | {impl} | " + " | ".join(
                f(figs.rec(cur, key, r)) if r else "" for r in row) + " |")
    return out


def cells_page(cur, figs):
    lines = ["Every cell measured by the current irqbench (`" + cur.method + "`): the median "
             "cost of one operation (guest instructions under tcg-icount, else ns) by variant, "
             "implementation, nesting depth and entry state. The variant table of each cell "
             "(debugfs `variants`) says what each variant does.", ""]
    for key in cur.keys():
        p = cur.provenance(key)
        lines += [f"## {cell_name(key)}", "",
                  f"Run `{p['run']}`: kernel {md(p['kernel'])}, config {p['config']}, preemption "
                  f"{md(p['preemption'])}, {md(p['compiler'])}, {p['accel']}; {md_code(p['command'])}.",
                  ""]
        lines += cell_table(cur, figs, key) + [""]
        drawn = [plots.depth_plot(cur, figs, key, state) for state in STATES]
        if any(drawn):
            lines.append("Cost against depth: " + plot_paths(n for n in drawn if n) + ".")
        lines.append("")
    return write("cells.md", "Every cell", lines)


def arches_page(cur, figs):
    """The arches side by side on the newest series' default config, like
    for like: what a module pays (native) and what kernel code pays
    (native-builtin) in separate tables, and each arch's largest module-call
    gap by instruction class."""
    newest = claims.newest_series(cur)
    keys = [k for k in cur.keys("tcg-icount") if k[1] == newest and k[2] == "default"]
    keys = sorted(keys, key=lambda k: arch_order([k[0]]))
    cases = [("counted", "on"), ("counted", "off"), ("counted", "off-raw"), ("lock_with", "off"),
             ("interrupt_only", "on"), ("interrupt_only", "off"), ("irqsave", "on"),
             ("irqsave", "off"), ("spin_only", "on")]
    lines = [f"{newest} default on every arch measured by the current irqbench, depth 1 (guest "
             "instructions). A module's counted calls go through the kernel's exported "
             "functions; the same loops built into vmlinux (native-builtin) inline what vmlinux "
             "inlines. Each table compares like with like. How each arch masks interrupts: "
             "[docs/arches.md](../arches.md).", ""]
    if not keys:
        return write("arches.md", "The arches side by side", lines + ["No such cell yet."])
    for impl in ("native", "native-builtin"):
        lines += [f"### {impl}", "", "| case | " + " | ".join(k[0] for k in keys) + " |",
                  "|---|" + "---:|" * len(keys)]
        for v, s in cases:
            vals = [cur.find(k, v, impl, 1, s) for k in keys]
            if not any(vals):
                continue
            lines.append(f"| {v} {s} | " + " | ".join(
                f(figs.rec(cur, k, r)) if r else "–" for k, r in zip(keys, vals)) + " |")
        lines.append("")
    lines += ["### What a call out of the module costs, per arch", "",
              "Per arch, the case whose module and builtin figures differ most. The counts by "
              "instruction class are exact (traced twice minus once, as the figure); the "
              "instructions named are those of the differing classes that one trace runs and "
              "the other does not, aligned by pc, so their number need not equal the class "
              "difference.", ""]
    from . import explain  # pylint: disable=import-outside-toplevel
    for k in keys:
        best = None
        for v, s in cases:
            a = ("counted" if v == "counted" else v, "native", 1, s)
            b = (a[0], "native-builtin", 1, s)
            rows = explain.pairs(cur, figs, a, b, k[0], k[2])
            r = next((x for x in rows if x["cell"] == k), None)
            if r and (best is None or abs(r["diff"]) > abs(best[1]["diff"])):
                best = ((a, b), r)
        if not best:
            continue
        (a, b), r = best
        line = (f"- **{k[0]}**: the largest gap is {a[0]} entered {a[3]}: "
                f"{f(r['a'])} native against {f(r['b'])} native-builtin ({r['diff']:+.0f})")
        if r["classes"] is not None:
            line += f"; by class: {explain.classes_text(r['classes'])}"
            for side, only in (("the module's path runs", r["only_a"]),
                               ("where the builtin's runs", r["only_b"])):
                extra = ", ".join(f"`{asm}`" + (f" ×{n}" if n > 1 else "")
                                  for (asm, _c), n, _fn in explain.in_differing(only, r["classes"])[:8])
                if extra:
                    line += f"; {side} {extra}"
        else:
            line += " (no trace of both yet: `make annotate-results`)"
        lines.append(line + ".")
    name = plots.classes_plot(cur, keys, ["counted/native/d1/off", "lock_with/native/d1/off",
                                          "irqsave/native/d1/on", "counted/native-builtin/d1/off"],
                              f"classes-{newest}-default",
                              f"instruction classes, depth 1, {newest} default")
    if name:
        lines += ["", "Instruction classes of these cases per arch: " + plot_paths([name]) + "."]
    return write("arches.md", "The arches side by side", lines)


def kernels_page(cur, figs):
    """6.1, 6.12 and 7.3 side by side, per arch and config: only cells of the
    same preemption model are compared (7.3's default is lazy, 6.1's none)."""
    lines = ["The same cases on each kernel series, per arch and config, with each cell's "
             "preemption model: a difference between two columns of different models is the "
             "model's as much as the kernel's. Depth 1, native (counted variants on 6.1 and "
             "6.12 have no native code: their models are on the cells page).", ""]
    cases = [("irqsave", "on"), ("irqsave", "off"), ("irqsave_hoh", "on"), ("spin_only", "on"),
             ("irq", "on"), ("scoped", "on")]
    groups = {}
    for k in cur.keys("tcg-icount"):
        groups.setdefault((k[0], k[2]), []).append(k)
    for (arch, config), keys in sorted(groups.items(), key=lambda g: (arch_order([g[0][0]]), g[0][1])):
        if len(keys) < 2:
            continue
        keys = sorted(keys, key=lambda k: version_key(k[1]))
        lines += [f"### {arch}, {config}", "", "| case | " + " | ".join(
            f"{k[1]} ({cur.provenance(k)['preemption']})" for k in keys) + " |",
            "|---|" + "---:|" * len(keys)]
        for v, s in cases:
            vals = [cur.find(k, v, "native", 1, s) for k in keys]
            if any(vals):
                lines.append(f"| {v} {s} | " + " | ".join(
                    f(figs.rec(cur, k, r)) if r else "–" for k, r in zip(keys, vals)) + " |")
        lines.append("")
    return write("kernels.md", "The kernels side by side", lines)


def hazards_page(cur, figs):
    lines = ["Released hand over hand (outer lock first), depth 2 and entered with interrupts "
             "on: how many of the verified operations found interrupts on under a still-held "
             "lock (irq_leaks of verify_ops), per cell. Over the cells: "
             + hoh_leaks(cur) + "." + (f" {never_masks(cur, figs)[:1].upper()}"
                                       f"{never_masks(cur, figs)[1:]}: its cells are marked "
                                       "*never masks* below." if never_masks(cur, figs) else ""),
             ""]
    hoh = cur.hoh_variants()
    lines += ["| cell | " + " | ".join(hoh) + " | mask |", "|---|" + "---|" * (len(hoh) + 1)]
    for k in cur.keys():
        vals = []
        for v in hoh:
            r = cur.find(k, v, "native", 2, "on")
            vals.append(f"{figs.rec(cur, k, r, 'irq_leaks')}/{r['verify_ops']} ({md(r['lock_type'])}"
                        + ("" if r["lock_type"] in MASKING else ", *never masks*") + ")"
                        if r else "–")
        any_rec = next(iter(cur.records(k).values()), {})
        lines.append(f"| {cell_name(k)} | " + " | ".join(vals) + f" | {md(any_rec.get('irq_mask', '?'))} |")
    return write("hazards.md", "The hand-over-hand hazard", lines)


HISTORY_CASES = ["counted/native/d1/on", "counted/native/d1/off", "lock_with/native/d1/off",
                 "irqsave/native/d1/on", "irqsave_hoh/native/d8/on"]


def history_page(cur):
    lines = ["Chosen cases across every kernel release and irqbench the store holds (`make "
             "history CASE=... ` prints any other). A move between two releases counts only "
             "between runs of the same method identity; figures of other identities are "
             "history, not findings.", ""]
    for case in HISTORY_CASES:
        h = history.case_history(cur.st, cases.parse(case), accel="tcg-icount", runs=cur.runs)
        for (arch, config, accel), rows in sorted(h.items(), key=lambda x: (arch_order([x[0][0]]), x[0])):
            if config not in ("default", "preempt-full"):
                continue
            lines += [f"### {case}, {arch}, {config}", "",
                      "| release | p50 | moved | method | runs |", "|---|---:|---|---|---|"]
            for r in rows:
                moved = f"{r['moved']:+.3f} from {r['from']}" if r["moved"] else ""
                cur_mark = " (current)" if r["method"] == cur.method else ""
                lines.append(f"| {r['release']} | {f(r['p50'])} | {moved} | "
                             f"{r['method']}{cur_mark} | {' '.join(r['runs'])} |")
            lines.append("")
            # the picture holds the current irqbench's releases only: a line
            # through figures of different methods would draw a move that
            # is a change of irqbench
            name = plots.history_plot(
                [r for r in rows if r["method"] == cur.method],
                "history-" + re.sub(r"[^A-Za-z0-9]+", "-", f"{case}-{arch}-{config}"),
                f"{case}, {arch}, {config}, irqbench {cur.method}")
            if name:
                lines += ["Drawn: " + plot_paths([name]) + ".", ""]
    return write("history.md", "History across releases", lines)


def stale_page(cur):
    lines = ["Cells the store holds only from runs of another irqbench (method identity) than "
             f"the current one (`{cur.method}`): history, with no figure in the findings. "
             "`make remeasure` measures the published set again.", "",
             "| cell | newest run | its method |", "|---|---|---|"]
    for k in cur.stale:
        c = cur.old[k]
        lines.append(f"| {cell_name(k)} | {c['run_id']} | {cur.runs[c['run_id']]['method']} |")
    return write("stale.md", "Not re-measured", lines)


def readable(path, tracked):
    return tracked is None or os.path.realpath(path) in tracked


def pipeline_logs(name, kinds, tracked=None):
    """(kind, lines) of each results/pipeline/NAME (a format string of the
    kind) that is there (and in TRACKED, where given)."""
    for kind in kinds:
        p = os.path.join(RESULTS, "pipeline", name.format(kind))
        if os.path.exists(p) and readable(p, tracked):
            with open(p, encoding="utf-8") as fh:
                yield kind, fh.read().splitlines()


def pipeline_page(tracked=None):
    """TRACKED: the files under results/ it may read (report --check: those
    git tracks, as RESULTS.md is judged by the committed runs), or None."""
    lines = ["How long irqbench itself takes, from `make bench-pipeline`, `make time-matrix`, "
             "`make time-lava` (one cell direct and through LAVA's dispatcher) and `make "
             "time-check` (`results/pipeline/`), each with the commit it timed.", ""]
    paths = sorted(p for p in glob.glob(os.path.join(RESULTS, "pipeline", "hyperfine-*.json"))
                   if readable(p, tracked))
    if paths:
        lines += ["| command | mean s | stddev s | min s | max s | runs |",
                  "|---|---:|---:|---:|---:|---:|"]
        for p in paths:
            with open(p, encoding="utf-8") as fh:
                for r in json.load(fh).get("results", []):
                    lines.append(f"| {md(r['command'])} | {r['mean']:.1f} | {r.get('stddev') or 0:.1f} "
                                 f"| {r['min']:.1f} | {r['max']:.1f} | {len(r.get('times', []))} |")
    for kind, log in pipeline_logs("matrix-{}.log", ("first", "warm"), tracked):
        commit = next((l.split(":", 1)[1].strip() for l in log if l.startswith("commit:")), "?")
        boots = [int(m.group(2)) for m in (re.match(r"\[(.+?)\s*\] boot\s+(\d+)s", l) for l in log) if m]
        lines.append(f"- `make matrix` {kind} pass (commit `{commit}`): {len(boots)} cells booted "
                     f"in {sum(boots)} s.")
    for kind, log in pipeline_logs("check-{}.log", ("cold", "warm"), tracked):
        facts = dict(l.split(": ", 1) for l in log[:5] if ": " in l)
        stages = [m.groups() for m in (re.match(r"\[check\s*\] (\S+)\s+(\d+)s", l) for l in log) if m]
        slow = ", ".join(f"{s} {t} s" for s, t in sorted(stages, key=lambda x: -int(x[1]))[:3])
        lines.append(f"- CI's `bash .ci/run`, {kind} (commit `{facts.get('commit', '?')}`, "
                     f"{facts.get('date', '?')}): {facts.get('wall', '?')}, exit {facts.get('exit', '?')}, "
                     f"`{log[-1].strip()}`; the longest stages: {slow}.")
    cal = os.path.join(RESULTS, "calibration.json")
    if os.path.exists(cal) and readable(cal, tracked):
        with open(cal, encoding="utf-8") as fh:
            c = json.load(fh)
        lines += ["", "### The ns gate's calibration (`make calibrate`)", "",
                  f"Two plain-TCG runs of one commit ({c['run1']}, {c['run2']}), {c['boots']} boots "
                  f"per cell: {c['false_positives']} of {c['cases']} cases changed (alpha "
                  f"{c['alpha']}); a planted ×{c['planted_factor']} slowdown of "
                  f"{c['planted_case']} was {c['planted_verdict']} (BH p {c['planted_p_bh']:.2f}): "
                  "plain TCG's boot-to-boot spread hides a 5 % change."]
    return write("pipeline.md", "The pipeline's own timings", lines)


def all_pages(cur, figs, tracked=None):
    """Every page; the links RESULTS.md gives to the findings among them
    (the cells not re-measured and the pipeline's timings are process
    material: the page names its method identity once and links the
    stale list there, docs/method.md links the pipeline page)."""
    made = [cells_page(cur, figs), arches_page(cur, figs), kernels_page(cur, figs),
            hazards_page(cur, figs), history_page(cur), stale_page(cur), pipeline_page(tracked)]
    titles = {"cells.md": "every cell's figures", "arches.md": "the five arches like for like",
              "kernels.md": "6.1, 6.12 and 7.3 side by side", "hazards.md": "the hand-over-hand hazard",
              "history.md": "history across releases"}
    return [f"- [{titles[m]}](docs/results/{m})" for m in made if m in titles]
