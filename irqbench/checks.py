"""What one cell's records must satisfy, as KTAP.

    python3 -m irqbench.checks PREFIX     (PREFIX: <run dir>/<cell>)

One test per behaviour over all records of the cell, each naming every
record that breaks it (the first five, and how many). What a variant is
(a hazard, nesting, which cases run another's code) comes from the cell's
own variant table, what a config expects from its fragments. Under
tcg-icount figures are exact up to the guest clock's tick per batch
(arches.tsv's tick_insn), so the checks there are exact to that tolerance;
under ns they allow the median's 95 % interval. Exit 1 when a test fails,
2 when one fails that makes the records meaningless (MEANINGLESS: a boot
that did not mask as its config asks measured another mechanism).
"""
import os
import sys

from . import case, fragments, runfiles
from .tables import ACCELS, ARCHES, TYPES
from .variants import Table

TICK_INSN = {a: int(row["tick_insn"]) for a, row in ARCHES.items()}
SHOWN = 5
MASKED = "interrupts were masked as the config asks (pmr only where a fragment expects it)"
MEANINGLESS = {MASKED}


def name(r):
    return (f"{r.get('variant')} {r.get('impl')} d{r.get('depth')} {r.get('irq_state')} "
            f"(p50 {r.get('p50')})")


class Cell:
    def __init__(self, recs, table):
        self.recs, self.t = recs, table

    def tol(self, r):
        """How far a p50 may sit from the truth, in its unit: a figure is
        the difference of two timed batches over batch_ops, each batch's
        span up to a clock tick off, so two ticks over batch_ops (ppc64le's
        timebase: 121.007 against 120.988 for one code at 256 operations).
        A hazard case entered on is two such pairs (its own, less the
        put-back's): twice that."""
        if r["unit"] == "insn":
            pairs = 2 if self.t.hazard(r["variant"]) and r["irq_state"] == "on" else 1
            return pairs * 2 * TICK_INSN.get(r["arch"], 16) / max(r["batch_ops"], 1) + 0.001
        return None

    def hazard_on(self, r):
        return self.t.hazard(r["variant"]) and r["irq_state"] == "on" and r["depth"] >= 2

    def find(self, v, impl, d, s):
        return next((r for r in self.recs if case.short(r) == (v, impl, d, s)), None)


def every(recs, bad):
    """'why' naming the records @bad finds fault with, or None."""
    hits = []
    for r in recs:
        why = bad(r)
        if why:
            hits.append(f"{name(r)}: {why}")
    if not hits:
        return None
    more = f" (and {len(hits) - SHOWN} more)" if len(hits) > SHOWN else ""
    return "; ".join(hits[:SHOWN]) + more


def well_formed(r):
    for k, t in TYPES.items():
        if k not in r:
            return f"no field {k}"
        v = r[k]
        ok = (isinstance(v, str) if t == "str" else isinstance(v, int) if t == "int"
              else isinstance(v, (int, float)) if t == "float"
              else v is None or isinstance(v, (int, float)))
        if not ok:
            return f"{k} is {type(v).__name__}, not {t}"
    want = ACCELS.get(r["accel"], {}).get("unit")
    if r["unit"] != want:
        return f"unit {r['unit']} under accel {r['accel']} (accels.tsv: {want})"
    if len(r.get("values", [])) != r["samples"]:
        return f"{len(r.get('values', []))} values for {r['samples']} samples"
    return None


def not_negative(c):
    def bad(r):
        t = c.tol(r)
        if t is not None:
            return f"negative by more than the tick ({t:.3f})" if r["p50"] < -t else None
        return "the whole 95 % interval is below 0" if r["ci95_hi"] < 0 else None
    return bad


def depth_monotone(c):
    groups = {}
    for r in c.recs:
        if c.t.nesting(r["variant"]):
            groups.setdefault((r["variant"], r["impl"], r["irq_state"]), []).append(r)
    hits = []
    for g in groups.values():
        g.sort(key=lambda r: r["depth"])
        for a, b in zip(g, g[1:]):
            t = c.tol(a)
            falls = (b["p50"] < a["p50"] - t - c.tol(b)) if t is not None else (b["ci95_hi"] < a["ci95_lo"])
            if falls:
                hits.append(f"{name(b)} costs less than {name(a)}")
    return "; ".join(hits[:SHOWN]) + (f" (and {len(hits) - SHOWN} more)" if len(hits) > SHOWN else "") \
        if hits else None


def differs_by_lock(a, b):
    """Pairs of different locks are the same code only where spinlock_t is a
    raw_spinlock_t inside (not PREEMPT_RT, records say rt_mutex) and lockdep
    does not look each lock's class up (DEBUG_LOCK_ALLOC off)."""
    if a.get("lock_type", "spinlock_t") == b.get("lock_type", "spinlock_t"):
        return False
    return ("rt_mutex" in (a.get("lock_type"), b.get("lock_type"))
            or fragments.sets(a["config"], "CONFIG_DEBUG_LOCK_ALLOC"))


def identical(c):
    hits = []
    for pa, pb in c.t.identical():
        a, b = c.find(*pa), c.find(*pb)
        if a and b and not differs_by_lock(a, b) and abs(a["p50"] - b["p50"]) > c.tol(a) + c.tol(b):
            hits.append(f"{name(a)} and {name(b)} run the same code")
    return "; ".join(hits[:SHOWN]) + (f" (and {len(hits) - SHOWN} more)" if len(hits) > SHOWN else "") \
        if hits else None


def hazard(c):
    def bad(r):
        if c.hazard_on(r):
            if r["irq_leaks"] != r["verify_ops"]:
                return (f"hand-over-hand entered on leaked in {r['irq_leaks']} of "
                        f"{r['verify_ops']} operations, not all")
            if r.get("irq_exposed", r["verify_ops"]) < r["verify_ops"]:
                return f"irq_exposed {r.get('irq_exposed')} below the leaking operations"
            return None
        # PREEMPT_RT's spinlock_t leaves interrupts as they are: leaking is its nature
        if (r["irq_leaks"] or r.get("irq_exposed", 0)) and r.get("lock_type") != "rt_mutex":
            return f"{r['irq_leaks']} leaks, {r.get('irq_exposed')} exposed unlocks"
        if r["irq_state_changes"] and not c.t.hazard(r["variant"]):
            return f"{r['irq_state_changes']} operations changed the interrupt state"
        return None
    return bad


def masking(r):
    """A config whose fragment expects a masking ("# expect: irq_mask pmr")
    gets it; pmr without it only on a machine's own kernel."""
    m = r.get("irq_mask")
    want = fragments.Needs(r["config"]).expect.get("irq_mask")
    if want:
        return None if m == want else f"{r['config']} boot masked interrupts by {m}, not {want}"
    # a machine's own kernel may boot with pseudo-NMI whatever its tag says
    own = not ACCELS.get(r["accel"], {}).get("qemu")
    return ("masked by pmr, which no fragment of the config expects"
            if m == "pmr" and not own else None)


def tests(recs, table):
    """[(what, why or None, skip reason or None)] for one cell's records."""
    c = Cell(recs, table)
    icount = bool(recs) and recs[0]["unit"] == "insn"
    out = [("records are well formed and of one unit", every(recs, well_formed), None)]
    if out[0][1]:
        return out
    out.append(("the module published its variant table", None if table else
                "no variant table: the checks below need it", None))
    if not table:
        return out
    skip = None if icount else "needs tcg-icount: emulation-time noise is wider than one boot's interval"
    # Under an emulator a time is the translator's, not a CPU's: an
    # operation's translated block can run faster than the empty loop's,
    # systematically, so a negative figure there says nothing of the kernel.
    emulated = ACCELS.get(recs[0]["accel"], {}).get("clock") == "emulated"
    out += [
        ("no case costs less than nothing", None if emulated else every(recs, not_negative(c)),
         "plain tcg: emulation time, not CPU time" if emulated else None),
        ("no nesting variant gets cheaper with depth", depth_monotone(c) if icount else None, skip),
        ("only hand-over-hand irqsave entered on leaks, and always (spinlock_t on PREEMPT_RT aside)",
         every(recs, hazard(c)), None),
        (MASKED, every(recs, masking), None),
        ("identical code gives identical figures", identical(c) if icount else None, skip),
        ("the empty operation costs nothing",
         every([r for r in recs if r["variant"] == "empty"],
               lambda r: f"costs {r['p50']}" if abs(r["p50"]) > c.tol(r) else None) if icount else None,
         skip),
    ]
    return out


def ktap(results):
    lines = [f"TAP version 13\n1..{len(results)}"]
    for i, (what, why, skip) in enumerate(results, 1):
        if skip:
            lines.append(f"ok {i} {what} # SKIP {skip}")
        else:
            lines.append(f"{'not ok' if why else 'ok'} {i} {what}{': ' + why if why else ''}")
    return "\n".join(lines)


def main(argv):
    if len(argv) != 1:
        print("usage: python3 -m irqbench.checks <run dir>/<cell>", file=sys.stderr)
        return 3
    prefix = argv[0]
    try:
        recs = runfiles.read_records(prefix + ".csv.gz")
    except (OSError, ValueError) as e:
        print(f"TAP version 13\n1..1\nnot ok 1 records can be read: {e}")
        return 1
    if not recs:
        print("TAP version 13\n1..1\nnot ok 1 the cell has records")
        return 1
    table = Table(runfiles.cell_variants(os.path.dirname(prefix) or ".", os.path.basename(prefix)))
    results = tests(recs, table)
    print(ktap(results))
    if any(why for w, why, _s in results if w in MEANINGLESS):
        return 2
    return 1 if any(why for _w, why, _s in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
