"""The thread's questions, answered from current records.

One row per (arch, column): the costs of lock() entered on, off and
off-raw, lock_with(), the token, the token plus one lock_with(), and Bart's
scoped local_irq_save() + spin_lock() and spin_lock() alone, at depth 1, for the C code the
kernel runs (gcc, default and distro configs; clang on the Rust kernel)
and the thread's own Rust code (rust, rust-inline), and PREEMPT_RT's
(rt), where spinlock_t is an rt_mutex that never masks. The C variant doing
what each Rust row calls is the Rust row's "like" column of the table."""
import json
import math

from ..paths import tree
from ..tables import version_key

ARCHES = ("x86_64", "arm64")
# (column, config, lang): what each column of a claims table measures
COLUMNS = [("C, gcc", "default", "c"), ("C, gcc, distro", "distro", "c"),
           ("C, clang", "rust", "c"), ("Rust", "rust", "rust"),
           ("Rust, inline helpers", "rust-inline", "rust"),
           ("C, gcc, PREEMPT_RT", "rt", "c")]
# the quantities of a row: (name, C variant, Rust variant, state)
QUANTITIES = [("lock_on", "counted", "rust_lock", "on"),
              ("lock_off", "counted", "rust_lock", "off"),
              ("lock_off_raw", "counted", "rust_lock", "off-raw"),
              ("lock_with", "lock_with", "rust_lock_with", "off"),
              ("token", "interrupt_only", "rust_token", "on"),
              ("scoped", "scoped", None, "on"),
              ("spin_only", "spin_only", None, "on")]


def thread():
    with open(tree("data", "thread.json"), encoding="utf-8") as f:
        return json.load(f)


def newest_series(cur):
    """The newest kernel series among the current cells: what the answers
    speak of unless told otherwise (a newer kernel measured moves them)."""
    return max((k[1] for k in cur.cells), key=version_key, default=None)


def cell_for(cur, arch, config, series=None, accel="tcg-icount"):
    key = (arch, series or newest_series(cur), config, accel)
    return key if key in cur.cells else None


def row(cur, figs, arch, column, config, lang):
    """{quantity: figure} of one column, with its cell, or None."""
    key = cell_for(cur, arch, config)
    if not key:
        return None
    out = {"cell": key, "column": column, "lang": lang}
    for name, cvar, rvar, state in QUANTITIES:
        v = cvar if lang == "c" else rvar
        rec = cur.find(key, v, "native", 1, state) if v else None
        out[name] = figs.rec(cur, key, rec) if rec else None
    if out["token"] is not None and out["lock_with"] is not None:
        out["token_lock_with"] = out["token"] + out["lock_with"]
    else:
        out["token_lock_with"] = None
    out["break_even"] = break_even(out["token"], out["lock_on"], out["lock_with"])
    return out


def break_even(token, lock_on, lock_with):
    """The fewest locks k one token must cover for token + k lock_with() to
    cost less than k lock() entered on: k > token / (lock on - lock_with);
    None where lock_with() is no cheaper or a figure is missing."""
    if None in (token, lock_on, lock_with) or lock_on <= lock_with:
        return None
    return math.floor(token / (lock_on - lock_with)) + 1


def table(cur, figs, arch):
    """The claims rows of ARCH, made once per page build (every section
    that speaks of them reads the same rows)."""
    memo = cur.__dict__.setdefault("claims_tables", {})
    if (arch, id(figs)) not in memo:
        memo[(arch, id(figs))] = [r for r in (row(cur, figs, arch, *c) for c in COLUMNS) if r]
    return memo[(arch, id(figs))]


def interval(value, tick):
    """The values a reading of whole ticks may have stood for: one tick
    either way (a reading of 0 ticks cannot be below 0)."""
    return max(value - tick, 0.0), value + tick


# the thread's quantities as irqbench's Rust cases: (variant, state)
RUST_CASES = {"lock_with_off": ("rust_lock_with", "off"), "lock_off": ("rust_lock", "off"),
              "lock_on": ("rust_lock", "on")}


def ratio_interval(cheap, dear, tick):
    """The cheap/dear ratios two readings of whole ticks may stand for."""
    clo, chi = interval(cheap, tick)
    dlo, dhi = interval(dear, tick)
    return clo / dhi if dhi else math.inf, chi / dlo if dlo else math.inf


def side(lo, hi):
    """Which side of equal cost a ratio interval lies on."""
    return "cheaper" if hi < 1 else "dearer" if lo > 1 else "within error"


def thread_verdicts(cur, figs):
    """Two verdicts per thread pair and claim, irqbench's side being the
    Rust cell of the pair's arch:

    direction: is irqbench's cheaper side the thread's? The run's tick
    interval says which side the thread's run is on; where the machine's
    runs land on opposite sides the thread does not resolve it, for every
    run of that machine.

    magnitude: does irqbench's ratio lie in the thread's interval, the
    tick interval of each run of the machine widened to span all of them
    (the spread between the thread's own runs)?

    A verdict that cannot be computed says why (no cell, no figure, no
    unit) in the place of the verdict."""
    t = thread()
    unit = t["source"].get("unit")
    out = []
    for claim in t["claims"]:
        # each run's tick interval, then each machine's span over its runs
        runs = []
        for run in t["runs"]:
            m = t["machines"][run["machine"]]
            cheap, dear = run.get(claim["cheaper"]), run.get(claim["dearer"])
            why = None
            if not unit:
                why = "the thread's figures have no unit"
            elif cheap is None or dear is None:
                why = (f"the thread gives no {claim['cheaper'] if cheap is None else claim['dearer']} "
                       "for this run")
            elif not dear:
                why = "the thread's dearer side reads 0"
            lo, hi = ratio_interval(cheap, dear, m["tick_ns"]) if not why else (None, None)
            runs.append((run, m, cheap, dear, why, lo, hi))
        span, sides = {}, {}
        for run, m, _c, _d, why, lo, hi in runs:
            if why:
                continue
            a, b = span.get(run["machine"], (lo, hi))
            span[run["machine"]] = (min(a, lo), max(b, hi))
            sides.setdefault(run["machine"], set()).add(side(lo, hi))
        for run, m, cheap, dear, why, lo, hi in runs:
            key = cell_for(cur, m["arch"], "rust")
            mine = None
            if key:
                va, sa = RUST_CASES[claim["cheaper"]]
                vb, sb = RUST_CASES[claim["dearer"]]
                a = cur.find(key, va, "native", 1, sa)
                b = cur.find(key, vb, "native", 1, sb)
                if a and b and b["p50"]:
                    mine = figs.rec(cur, key, a) / figs.rec(cur, key, b)
            if why is None and mine is None:
                why = (f"no {m['arch']} rust cell of the current irqbench" if not key else
                       f"the {m['arch']} rust cell has no rust_lock/rust_lock_with pair")
            mlo, mhi = span.get(run["machine"], (None, None))
            if why:
                direction = magnitude = f"cannot be computed: {why}"
            elif {"cheaper", "dearer"} <= sides[run["machine"]]:
                direction = magnitude = ("unresolved by the thread: its runs on this machine "
                                         "disagree in direction")
            else:
                theirs = side(lo, hi)
                if theirs == "within error":
                    direction = "within the thread's measurement error"
                else:
                    direction = "agrees" if (theirs == "cheaper") == (mine < 1) else "disagrees"
                magnitude = ("in the thread's interval" if mlo <= mine <= mhi else
                             "below the thread's interval" if mine < mlo else
                             "above the thread's interval")
            out.append({"claim": claim, "machine": m, "run": run["run"], "cheap": cheap,
                        "dear": dear, "unit": unit,
                        "ratio": cheap / dear if cheap is not None and dear else None,
                        "lo": lo, "hi": hi, "span": (mlo, mhi), "mine": mine, "cell": key,
                        "direction": direction, "magnitude": magnitude})
    return out


def excess_per_insn(cur, figs):
    """The thread's ns per instruction of lock()'s interrupts-on excess
    against the ns per instruction of the rest of lock()'s path, per
    machine and run: how much dearer an instruction of the flag write is.
    Each is an interval: a reading is a whole number of ticks, one tick
    either way, so the excess (a difference of two readings) is two ticks
    either way."""
    t = thread()
    out = []
    ops = t["source"]["ops"]
    for mid, m in t["machines"].items():
        key = cell_for(cur, m["arch"], "rust")
        if not key:
            continue
        on = cur.find(key, "rust_lock", "native", 1, "on")
        off = cur.find(key, "rust_lock", "native", 1, "off")
        if not on or not off or on["p50"] <= off["p50"]:
            continue
        insn_on, insn_off = figs.rec(cur, key, on), figs.rec(cur, key, off)
        tick = m["tick_ns"]
        for run in (r for r in t["runs"] if r["machine"] == mid):
            if run.get("lock_on") is None or run.get("lock_off") is None:
                continue
            excess = run["lock_on"] - run["lock_off"]
            n_ex, n_base = insn_on - insn_off, insn_off
            out.append({"machine": m, "run": run["run"], "cell": key,
                        "excess_insn": n_ex, "base_insn": n_base,
                        "excess_ticks": excess / tick, "tick": tick,
                        "ns_per_excess_insn": (max(excess - 2 * tick, 0) / ops / n_ex,
                                               (excess + 2 * tick) / ops / n_ex),
                        "ns_per_base_insn": (max(run["lock_off"] - tick, 0) / ops / n_base,
                                             (run["lock_off"] + tick) / ops / n_base)})
    return out
