"""The thread's questions, answered from current records.

One row per (arch, column): the costs of lock() entered on, off and
off-raw, lock_with(), the token, the token plus one lock_with(), and Bart's
scoped local_irq_save() + spin_lock(), at depth 1, for the C code the
kernel runs (gcc, default and distro configs; clang on the Rust kernel)
and the thread's own Rust code (rust, rust-inline). The C variant doing
what each Rust row calls is the Rust row's "like" column of the table."""
import json
import math

from ..paths import tree
from ..tables import version_key

ARCHES = ("x86_64", "arm64")
# (column, config, lang): what each column of a claims table measures
COLUMNS = [("C, gcc", "default", "c"), ("C, gcc, distro", "distro", "c"),
           ("C, clang", "rust", "c"), ("Rust", "rust", "rust"),
           ("Rust, inline helpers", "rust-inline", "rust")]
# the quantities of a row: (name, C variant, Rust variant, state)
QUANTITIES = [("lock_on", "counted", "rust_lock", "on"),
              ("lock_off", "counted", "rust_lock", "off"),
              ("lock_off_raw", "counted", "rust_lock", "off-raw"),
              ("lock_with", "lock_with", "rust_lock_with", "off"),
              ("token", "interrupt_only", "rust_token", "on"),
              ("scoped", "scoped", None, "on")]


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
    # the fewest locks k one token must cover for token + k lock_with() to
    # cost less than k lock() entered on: k > token / (lock on - lock_with)
    if None not in (out["token"], out["lock_on"], out["lock_with"]) and \
            out["lock_on"] > out["lock_with"]:
        out["break_even"] = math.floor(out["token"] / (out["lock_on"] - out["lock_with"])) + 1
    else:
        out["break_even"] = None
    return out


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


def thread_verdicts(cur, figs):
    """One verdict per thread pair and claim: agrees, disagrees, or within
    the thread's own measurement error (its tick interval contains equal
    costs). irqbench's side is the Rust cell of the pair's arch."""
    t = thread()
    out = []
    for claim in t["claims"]:
        for run in t["runs"]:
            m = t["machines"][run["machine"]]
            cheap, dear = run[claim["cheaper"]], run[claim["dearer"]]
            tick = m["tick_ns"]
            clo, chi = interval(cheap, tick)
            dlo, dhi = interval(dear, tick)
            lo, hi = clo / dhi if dhi else math.inf, chi / dlo if dlo else math.inf
            key = cell_for(cur, m["arch"], "rust")
            mine = None
            if key:
                q = {"lock_with_off": ("rust_lock_with", "off"), "lock_off": ("rust_lock", "off"),
                     "lock_on": ("rust_lock", "on")}
                a = cur.find(key, q[claim["cheaper"]][0], "native", 1, q[claim["cheaper"]][1])
                b = cur.find(key, q[claim["dearer"]][0], "native", 1, q[claim["dearer"]][1])
                if a and b and b["p50"]:
                    mine = figs.rec(cur, key, a) / figs.rec(cur, key, b)
            if hi < 1:
                theirs = "cheaper"
            elif lo > 1:
                theirs = "dearer"
            else:
                theirs = "within error"
            if mine is None:
                verdict = "not measured"
            elif theirs == "within error":
                verdict = "within the thread's measurement error"
            else:
                verdict = "agrees" if (theirs == "cheaper") == (mine < 1) else "disagrees"
            out.append({"claim": claim, "machine": m, "run": run["run"], "cheap": cheap,
                        "dear": dear, "ratio": cheap / dear, "lo": lo, "hi": hi,
                        "mine": mine, "cell": key, "verdict": verdict})
    return out


def excess_per_insn(cur, figs):
    """The thread's ns per instruction of lock()'s interrupts-on excess
    against the ns per instruction of the rest of lock()'s path, per
    machine: how much dearer an instruction of the flag write is."""
    t = thread()
    out = []
    for mid, m in t["machines"].items():
        key = cell_for(cur, m["arch"], "rust")
        if not key:
            continue
        on = cur.find(key, "rust_lock", "native", 1, "on")
        off = cur.find(key, "rust_lock", "native", 1, "off")
        if not on or not off or on["p50"] <= off["p50"]:
            continue
        insn_on, insn_off = figs.rec(cur, key, on), figs.rec(cur, key, off)
        for run in (r for r in t["runs"] if r["machine"] == mid):
            ns_excess = (run["lock_on"] - run["lock_off"]) / t["source"]["ops"]
            ns_base = run["lock_off"] / t["source"]["ops"]
            out.append({"machine": m, "run": run["run"], "cell": key,
                        "excess_insn": insn_on - insn_off, "base_insn": insn_off,
                        "ns_per_excess_insn": ns_excess / (insn_on - insn_off),
                        "ns_per_base_insn": ns_base / insn_off})
    return out


