"""Any pair of cases, in every current cell that has both.

    python3 -m irqbench.report.explain A B [--arch ARCH] [--config CONFIG]

A and B are cases as make annotate names them (variant/impl/d<depth>/<state>).
For every cell measured by the current irqbench that has both: the two
figures, the difference, the verdict (A dearer, cheaper, or the same within
the guest clock's tick) and, where the cell's run holds traces of both
(make annotate-results), the difference per instruction class and the
instructions one path runs that the other does not. The findings page is
made with this code. Exit 2 when no current cell has both, 3 on a bad case.
"""
import collections
import re
import sys

from .. import cli, store
from ..case import name as case_text
from ..case import parse as parse_case
from ..annotate import CLASSES
from ..compare import tick_error
from ..tables import ARCHES
from .data import Current, Figures, cell_name, published

def verdict(a, b):
    """'dearer', 'cheaper' or 'same' for A against B: a difference within
    both figures' clock quantum is no difference."""
    q = tick_error([a]) + tick_error([b]) if a["unit"] == "insn" else 0.0
    d = a["p50"] - b["p50"]
    if a["unit"] != "insn":
        # ns: a difference is one whose medians' intervals do not overlap
        if a["ci95_lo"] > b["ci95_hi"]:
            return "dearer"
        if a["ci95_hi"] < b["ci95_lo"]:
            return "cheaper"
        return "same"
    return "dearer" if d > q + 0.001 else "cheaper" if d < -q - 0.001 else "same"


def norm(ins):
    """An instruction without its address: its text with absolute
    addresses and comments dropped, and its class."""
    asm = re.sub(r"-?\b0x[0-9a-f]{6,}\b", "ADDR", ins.get("asm", "").split("//")[0].split("#")[0])
    return " ".join(asm.split()), ins.get("class", "other")


def only_in(ta, tb):
    """Instructions trace A runs that trace B does not, as a multiset of
    their texts (the loop code both run cancels), each with the functions
    of A it was seen in."""
    a = collections.Counter(norm(i) for i in ta.get("instructions", []))
    b = collections.Counter(norm(i) for i in tb.get("instructions", []))
    where = {}
    for i in ta.get("instructions", []):
        where.setdefault(norm(i), set()).add(i.get("sym", "?").split("+")[0])
    return sorted(((k, n, sorted(where[k])) for k, n in (a - b).items()),
                  key=lambda x: (CLASSES.index(x[0][1]) if x[0][1] in CLASSES else 9, x[0]))


def pairs(cur, figs, a, b, arch=None, config=None):
    """[{cell, a, b, diff, verdict, classes, only_a, only_b}] over the
    current cells that have both cases."""
    out = []
    for key in cur.keys():
        if (arch and key[0] != arch) or (config and key[2] != config):
            continue
        ra, rb = cur.find(key, *a), cur.find(key, *b)
        if not ra or not rb:
            continue
        row = {"cell": key, "a": figs.rec(cur, key, ra), "b": figs.rec(cur, key, rb),
               "unit": ra["unit"], "verdict": verdict(ra, rb), "classes": None,
               "only_a": None, "only_b": None}
        row["diff"] = row["a"] - row["b"]
        traces = cur.traces(key)
        ta, tb = traces.get(case_text(a)), traces.get(case_text(b))
        if ta and tb:
            row["classes"] = {c: ta.get("totals", {}).get(c, 0) - tb.get("totals", {}).get(c, 0)
                              for c in CLASSES}
            row["only_a"], row["only_b"] = only_in(ta, tb), only_in(tb, ta)
        out.append(row)
    return out


def in_differing(only, cls):
    """Of ONLY (only_in's), the instructions of the classes whose count
    differs: what the class difference is made of (A's in those classes
    less B's), without the rest of two differently compiled paths."""
    return [x for x in only if cls.get(x[0][1], 0)]


def classes_text(cls):
    parts = [f"{c} {n:+d}" for c, n in cls.items() if n]
    return ", ".join(parts) if parts else "no class differs"


def text(cur, figs, a, b, arch=None, config=None):
    rows = pairs(cur, figs, a, b, arch, config)
    lines = [f"A = {case_text(a)}, B = {case_text(b)}: current cells (irqbench {cur.method})"]
    for r in rows:
        lines.append(f"{cell_name(r['cell']):<28} A {r['a']:9.3f}  B {r['b']:9.3f}  "
                     f"A-B {r['diff']:+9.3f} {r['unit']}  A is {r['verdict']}")
        if r["classes"] is None:
            lines.append("    no trace of both here: make annotate "
                         f"CASE='{case_text(a)} {case_text(b)}' ARCHS={r['cell'][0]} "
                         f"KERNELS={r['cell'][1]} CONFIGS={r['cell'][2]}")
            continue
        lines.append(f"    by class, A-B: {classes_text(r['classes'])}")
        for label, only in (("A", r["only_a"]), ("B", r["only_b"])):
            if only:
                lines.append(f"    only {label} runs:")
                for (asm, cls), n, funcs in only:
                    lines.append(f"      {n}x {asm:<34} {cls:<8} {', '.join(funcs)}")
    return rows, "\n".join(lines)


def main(argv):
    ap = cli.Parser(prog="python3 -m irqbench.report.explain", description=__doc__.splitlines()[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--arch", choices=list(ARCHES))
    ap.add_argument("--config")
    o = ap.parse_args(argv)
    try:
        a, b = parse_case(o.a), parse_case(o.b)
    except ValueError as e:
        raise cli.Fail(3, str(e)) from None
    st = store.Store()
    # as every reader: a run whose files changed is stored again, a damaged one left out
    store.ingest_all(st, quiet=True, strict=False)
    cur = Current(st, only=published())
    rows, out = text(cur, Figures(), a, b, o.arch, o.config)
    if not rows:
        print(f"explain: no cell measured by the current irqbench ({cur.method}) has both "
              f"{o.a} and {o.b}" + (f" ({len(cur.stale)} cells are not re-measured: make "
                                     "results lists them)" if cur.stale else ""), file=sys.stderr)
        return 2
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(cli.run("explain", main))
