#!/usr/bin/python3
"""check_records.py CELL.json: what one guest's records must satisfy, as KTAP.

One test per behaviour over all records of the cell, each naming the first
record that breaks it. Under tcg-icount figures are exact up to the guest
clock's tick per batch (arches.tsv's tick_insn: 1 instruction on x86_64, 16
on arm64, 100 on riscv64, 2 on ppc64le, 1 on s390x), so
the checks there are exact to that tolerance; under ns they allow the
median's 95 % interval.
"""
import json
import sys

import arches

# The guest clock's tick in instructions under -icount shift=0.
TICK_INSN = {a: int(row["tick_insn"]) for a, row in arches.ARCHES.items()}
# Cases that run identical code (variant, impl, depth, state). Not the v7.3
# model's lock_with: it is the module's own loop, and GCC may inline
# spin_lock() there differently (arm64 6.1: do_raw_spin_lock() called out of
# line in lock_with's loop, inlined in spin_only's; traced, RESULTS.md).
IDENTICAL = [
    (("irqsave", "native", 1, "on"), ("irqsave_hoh", "native", 1, "on")),
    (("irqsave", "native", 1, "off"), ("irqsave_hoh", "native", 1, "off")),
    # spinlock_t's irqsave is raw_spinlock_t's on the lock inside it (except
    # where differs_by_lock() says otherwise)
    (("irqsave", "native", 1, "on"), ("raw_irqsave", "native", 1, "on")),
    (("irqsave_hoh", "native", 2, "on"), ("raw_irqsave_hoh", "native", 2, "on")),
    # spin_lock_irq_disable() is raw_spin_lock_irq_disable() on the lock inside
    (("counted", "native", 1, "on"), ("raw_counted", "native", 1, "on")),
    (("counted_hoh", "native", 2, "on"), ("raw_counted_hoh", "native", 2, "on")),
    (("counted", "native-builtin", 1, "off"), ("raw_counted", "native-builtin", 1, "off")),
    (("lock_with", "native", 1, "off"), ("spin_only", "native", 1, "off")),
    (("lock_with", "native", 1, "off-raw"), ("spin_only", "native", 1, "off")),
    # Rust: lock_with() is SpinLock's lock() on the same spinlock_t (issue 10)
    (("rust_lock_with", "native", 1, "off"), ("rust_spin_only", "native", 1, "off")),
]
FIELDS = {"arch": str, "kernel": str, "config": str, "accel": str, "variant": str,
          "impl": str, "depth": int, "irq_state": str, "batch_ops": int, "samples": int,
          "unit": str, "p50": float, "min": float, "max": float, "ci95_lo": float,
          "ci95_hi": float, "irq_leaks": int, "verify_ops": int,
          "irq_state_changes": int, "values": list}
NOT_NESTING = {"irq", "empty"}
HAZARDS = {"irqsave_hoh", "raw_irqsave_hoh"}


def name(r):
    return (f"{r.get('variant')} {r.get('impl')} d{r.get('depth')} {r.get('irq_state')} "
            f"(p50 {r.get('p50')})")


def tol(r):
    """How far a p50 may sit from the truth, in its unit. A hazard case
    entered on is two measured pairs (its own, less the put-back's), so a
    clock tick of error in each: twice the tolerance."""
    if r["unit"] == "insn":
        pairs = 2 if r.get("variant") in HAZARDS and r.get("irq_state") == "on" else 1
        return pairs * TICK_INSN.get(r["arch"], 16) / max(r["batch_ops"], 1) + 0.001
    return None


def hazard_on(r):
    return r["variant"] in HAZARDS and r["irq_state"] == "on" and r["depth"] >= 2


def first(recs, bad):
    for r in recs:
        why = bad(r)
        if why:
            return f"{name(r)}: {why}"
    return None


def well_formed(r):
    for k, t in FIELDS.items():
        if k not in r:
            return f"no field {k}"
        if t is float and not isinstance(r[k], (int, float)) or t is not float and not isinstance(r[k], t):
            return f"{k} is {type(r[k]).__name__}, not {t.__name__}"
    if r["unit"] not in ("ns", "insn") or (r["unit"] == "insn") != (r["accel"] == "tcg-icount"):
        return f"unit {r['unit']} under accel {r['accel']}"
    if len(r["values"]) != r["samples"]:
        return f"{len(r['values'])} values for {r['samples']} samples"
    return None


def not_negative(r):
    t = tol(r)
    if t is not None:
        return f"negative by more than the tick ({t:.3f})" if r["p50"] < -t else None
    return "the whole 95 % interval is below 0" if r["ci95_hi"] < 0 else None


def find(recs, v, impl, d, s):
    if impl is None:
        impl = "native" if any(r["variant"] == v and r["impl"] == "native" for r in recs) else "emulated:v7.3"
    return next((r for r in recs if (r["variant"], r["impl"], r["depth"], r["irq_state"]) == (v, impl, d, s)), None)


def depth_monotone(recs):
    groups = {}
    for r in recs:
        if r["variant"] not in NOT_NESTING:
            groups.setdefault((r["variant"], r["impl"], r["irq_state"]), []).append(r)
    for g in groups.values():
        g.sort(key=lambda r: r["depth"])
        for a, b in zip(g, g[1:]):
            t = tol(a)
            falls = (b["p50"] < a["p50"] - t - tol(b)) if t is not None else (b["ci95_hi"] < a["ci95_lo"])
            if falls:
                return f"{name(b)} costs less than {name(a)}"
    return None


def differs_by_lock(a, b):
    """Pairs of different locks are the same code only where spinlock_t is a
    raw_spinlock_t inside (not PREEMPT_RT, records say rt_mutex) and lockdep
    does not look each lock's class up (not a debug config)."""
    if a.get("lock_type", "spinlock_t") == b.get("lock_type", "spinlock_t"):
        return False
    return "rt_mutex" in (a.get("lock_type"), b.get("lock_type")) or "debug" in a["config"].split("+")


def identical(recs):
    for pair in IDENTICAL:
        a, b = (find(recs, *c) for c in pair)
        if a and b and not differs_by_lock(a, b) and abs(a["p50"] - b["p50"]) > tol(a) + tol(b):
            return f"{name(a)} and {name(b)} run the same code"
    return None


def hazard(r):
    if hazard_on(r):
        if r["irq_leaks"] != r["verify_ops"]:
            return f"hand-over-hand entered on leaked in {r['irq_leaks']} of {r['verify_ops']} operations, not all"
        if r.get("irq_exposed", r["verify_ops"]) < r["verify_ops"]:
            return f"irq_exposed {r.get('irq_exposed')} below the leaking operations"
        return None
    # PREEMPT_RT's spinlock_t leaves interrupts as they are: leaking is its nature
    if (r["irq_leaks"] or r.get("irq_exposed", 0)) and r.get("lock_type") != "rt_mutex":
        return f"{r['irq_leaks']} leaks, {r.get('irq_exposed')} exposed unlocks"
    if r["irq_state_changes"] and r["variant"] not in HAZARDS:
        return f"{r['irq_state_changes']} operations changed the interrupt state"
    return None


def masking(r):
    """Only a pseudo-NMI boot masks through the GIC's priority mask (PMR)."""
    m = r.get("irq_mask")
    if "pseudo-nmi" in r["config"].split("+"):
        return None if m == "pmr" else f"pseudo-nmi boot masked interrupts by {m}, not pmr"
    # a machine's own kernel may boot with pseudo-NMI whatever its tag says
    return "masked by pmr without pseudo-nmi" if m == "pmr" and r["accel"] != "bare-metal" else None


def tests(recs):
    icount = bool(recs) and recs[0]["unit"] == "insn"
    out = [("records are well formed and of one unit", first(recs, well_formed), None)]
    if out[0][1]:
        return out
    skip = None if icount else "needs tcg-icount: emulation-time noise is wider than one boot's interval"
    # Under plain TCG a time is the translator's, not a CPU's: an operation's
    # translated block can run faster than the empty loop's, systematically,
    # so a negative figure there says nothing about the kernel.
    emulated = bool(recs) and recs[0]["accel"] == "tcg"
    out += [
        ("no case costs less than nothing", None if emulated else first(recs, not_negative),
         "plain tcg: emulation time, not CPU time" if emulated else None),
        ("no nesting variant gets cheaper with depth", depth_monotone(recs) if icount else None, skip),
        ("only hand-over-hand irqsave entered on leaks, and always (spinlock_t on PREEMPT_RT aside)",
         first(recs, hazard), None),
        ("interrupts were masked as the config asks (pmr only with pseudo-nmi)", first(recs, masking), None),
    ]
    out.append(("identical code gives identical figures", identical(recs) if icount else None, skip))
    out.append(("the empty operation costs nothing",
                first([r for r in recs if r["variant"] == "empty"],
                      lambda r: f"costs {r['p50']}" if abs(r["p50"]) > tol(r) else None) if icount else None,
                skip))
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check_records.py CELL.json")
    try:
        with open(sys.argv[1], encoding="utf-8") as f:
            recs = json.load(f)
    except (OSError, ValueError) as e:
        print("TAP version 13\n1..1\nnot ok 1 records can be read: " + str(e))
        sys.exit(1)
    if not isinstance(recs, list) or not all(isinstance(r, dict) for r in recs):
        print("TAP version 13\n1..1\nnot ok 1 records can be read: not a list of records")
        sys.exit(1)
    if not recs:
        print("TAP version 13\n1..1\nnot ok 1 the cell has records")
        sys.exit(1)
    results = tests(recs)
    print(f"TAP version 13\n1..{len(results)}")
    for i, (what, why, skip) in enumerate(results, 1):
        if skip:
            print(f"ok {i} {what} # SKIP {skip}")
        else:
            print(f"{'not ok' if why else 'ok'} {i} {what}{': ' + why if why else ''}")
    sys.exit(1 if any(why for _w, why, _s in results) else 0)


if __name__ == "__main__":
    main()
