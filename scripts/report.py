"""RESULTS.md from stored runs (make results). Never edit RESULTS.md by hand."""
import glob
import json
import math
import os
import re

import arches
import check_records
import runs

DEPTH_COLS = [(d, s) for d in (1, 2, 4, 8) for s in ("on", "off", "off-raw")]
CLAIM_CONFIGS = ("default", "distro")

# The thread's figures: ns per 100 operations, two runs each.
THREAD_SOURCE = ("Lyude Paul's figures of 2026-01-21 in the thread \"[PATCH v17 10/16] rust: sync: "
                 "Introduce lock::Lock::lock_with()\", as quoted in Gary Guo's reply (Message-Id "
                 "`<DFYK3HM3V26I.3T604PPDDGWNF@garyguo.net>`)")
THREAD = {
    "arm64": {"lock_off": (500, 459), "lock_with_off": (292, 291), "lock_on": (834, 709),
              "where": "aarch64 VM on a MacBook M4"},
    "x86_64": {"lock_off": (1002, 754), "lock_with_off": (729, 966), "lock_on": (1516, 1227),
               "where": "x86_64 VM (qemu/kvm) on an i7-13700H"},
}
def f3(v):
    return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.2f}"


def find(recs, **kw):
    for r in recs:
        if all(r.get(k) == v for k, v in kw.items()):
            return r
    return None


def slope(points):
    """Least-squares slope of p50 against depth: the cost of one more level."""
    n = len(points)
    if n < 2:
        return None
    mx = sum(d for d, _ in points) / n
    my = sum(v for _, v in points) / n
    sxx = sum((d - mx) ** 2 for d, _ in points)
    return sum((d - mx) * (v - my) for d, v in points) / sxx if sxx else None


def used_runs(runs_used):
    """(accel, dir, meta, records of that run used) for every run behind the figures."""
    for accel, (dirs, metas, recs) in runs_used.items():
        for d, meta in zip(dirs, metas):
            cells = {c.get("cell") for c in meta.get("cells", [])}
            yield accel, d, meta, [r for r in recs if f"{r['arch']}-{cell_kernel(r, meta)}-{r['config']}" in cells]


def run_of(runs_used, accel, rec):
    """The id of the run a record of runs_used comes from: the newest run
    whose cells include the record's (runs_used keeps the newest per cell)."""
    dirs, metas, _recs = runs_used[accel]
    # newest first: run ids begin with their UTC start time (dirs is in cell order)
    for d, meta in sorted(zip(dirs, metas), key=lambda dm: os.path.basename(dm[0]), reverse=True):
        cells = {c.get("cell") for c in meta.get("cells", [])}
        if f"{rec['arch']}-{cell_kernel(rec, meta)}-{rec['config']}" in cells:
            return os.path.basename(d)
    return "?"


def runs_line(by_arch):
    """'Run: `id`.' when every arch comes from one run, else each arch's."""
    ids = set(by_arch.values())
    if len(ids) == 1:
        return f"Run: `{ids.pop()}`."
    return "Runs: " + ", ".join(f"{a} `{r}`" for a, r in by_arch.items()) + "."


def cell_kernel(rec, meta):
    """The kernel name a run's cell list uses for a record (series or release)."""
    for c in meta.get("cells", []):
        if c.get("arch") == rec["arch"] and c.get("config") == rec["config"] and \
                rec["kernel"] in (c.get("kernel_release"), c.get("kernel_series", c.get("kernel"))):
            return c.get("kernel_series", c.get("kernel"))
    return rec["kernel"]


def env_section(runs_used):
    out = ["## Environment and method", ""]
    for accel, d, meta, _recs in used_runs(runs_used):
        out.append(f"### Run `{os.path.basename(d)}` ({accel})")
        out.append("")
        out.append(f"- irqbench commit `{meta.get('irqbench_commit')}`"
                   + (" (with uncommitted changes)" if meta.get("irqbench_dirty") else "")
                   + f", date {meta.get('date')}, host CPU {meta.get('host_cpu')} ({meta.get('host_cores')} cores), host kernel {meta.get('host_kernel')}")
        if meta.get("command"):
            out.append(f"- command: `{meta['command']}`")
        out.append("")
        out.append("| cell | kernel | config (sha256) | compiler | accel | QEMU |")
        out.append("|---|---|---|---|---|---|")
        for c in meta.get("cells", []):
            out.append(f"| {c.get('cell')} | {c.get('kernel_release')} | {c.get('config')} (`{c.get('config_sha256', '')[:12]}`) "
                       f"| {c.get('compiler', '')} | {c.get('accel')} | {c.get('qemu_version', '').replace('QEMU emulator version ', '')} |")
        reqs = sorted({c.get("request", "") for c in meta.get("cells", [])})
        out.append("")
        for r in reqs:
            out.append(f"- request: `{r}`")
        cmd = (meta.get("cells") or [{}])[0].get("qemu_cmdline", "")
        if cmd:
            out.append(f"- QEMU command line (first cell): `{cmd.strip()}`")
        out.append("")
    out += ["Each figure is the median over the samples of one case, per operation: a sample is "
            "the difference between a batch running the operation once per loop iteration and one "
            "running it twice, so loop, call and timer costs cancel (README, \"How a figure is "
            "measured\"); samples are taken round robin across cases. `[lo–hi]` is the "
            "distribution-free 95 % confidence interval of that median. `insn` (tcg-icount) are "
            "guest instructions, exact up to the clock's tick (1 instruction on x86_64, 16 on "
            "arm64, divided by the batch's n); `ns` under plain TCG are emulation times, not "
            "hardware times.", ""]
    return out


def claim_cells(runs_used, configs, lock_v, lw_v):
    """(accel, records, key, lock() off, lock() on, lock_with() off) for every
    arch, kernel and config of configs that measured all three at depth 1."""
    for accel, (_dirs, _metas, recs) in runs_used.items():
        for arch in ("arm64", "x86_64"):
            for kernel in sorted({r["kernel"] for r in recs if r["arch"] == arch}, reverse=True):
                for config in configs:
                    key = dict(arch=arch, kernel=kernel, config=config, impl="native", depth=1)
                    off = find(recs, variant=lock_v, irq_state="off", **key)
                    on = find(recs, variant=lock_v, irq_state="on", **key)
                    lw = find(recs, variant=lw_v, irq_state="off", **key)
                    if off and on and lw:
                        yield accel, recs, key, off, on, lw


def claim_rows(t, arch, off, on, lw, where, beside=None):
    """The thread's two claims as table rows: its figures t, ours (off, on,
    lw records), and with beside=(C off, C on, C lock_with) a C column."""
    unit = off["unit"]
    hw = "" if unit == "insn" else " in emulation time, which says nothing of hardware"
    rows = []
    for claim, (tn, td), (a, b), holds, pair in (
            ("lock_with() cheaper than lock() with irqs disabled", ("lock_with_off", "lock_off"),
             (lw, off), lambda r: r < 1, beside and (beside[2], beside[0])),
            ("lock() dearer with irqs enabled than disabled", ("lock_on", "lock_off"),
             (on, off), lambda r: r > 1, beside and (beside[1], beside[0]))):
        thread = (f"{t[tn][0] / 100:.2f} vs {t[td][0] / 100:.2f} and "
                  f"{t[tn][1] / 100:.2f} vs {t[td][1] / 100:.2f} ns")
        if beside is None:
            thread += " (" + ", ".join(f"×{n / d:.2f}" for n, d in zip(t[tn], t[td])) + ")"
        ours = a["p50"] / b["p50"]
        rows.append(f"| {claim} | {arch} | {thread} | {a['p50']:.2f} vs {b['p50']:.2f} {unit} "
                    f"(×{ours:.2f}, {a['p50'] - b['p50']:+.2f}) | "
                    + (f"{pair_p50(*pair)} | " if beside is not None else "")
                    + f"{where} | {'same direction' if holds(ours) else 'not reproduced'}{hw} |")
    return rows


def claims_section(runs_used):
    out = ["## The thread's claims, checked", "",
           f"The thread: {THREAD_SOURCE}, ns per 100 operations in VMs on real "
           "hardware. Rust's `SpinLockIrq::lock()` is `spin_lock_irq_disable()` (irqbench `counted`, "
           "depth 1, `native`: called from a module, as a Rust module calls it), `lock_with()` is a "
           "plain `spin_lock()` under the caller's proof (`lock_with`, depth 1, entered `off`). Thread "
           "figures are per operation here (ns/100). Each row compares paths measured in one run of "
           "one kernel and one config; `default` is the minimal tinyconfig path, `distro` adds what "
           "distribution kernels pay (README). Only kernels with native counted disabling (7.3) are "
           "compared: on 6.1 the counted paths are emulations. Under tcg-icount irqbench counts "
           "instructions: it compares path lengths, not cycles, so it can confirm or refute *how much "
           "work* each path does, never how long it takes on an M4 or an i7.", "",
           "| claim | arch | thread | irqbench | run: accel, kernel, config | verdict |",
           "|---|---|---|---|---|---|"]
    for accel, recs, key, off, on, lw in claim_cells(runs_used, CLAIM_CONFIGS, "counted", "lock_with"):
        out += claim_rows(THREAD[key["arch"]], key["arch"], off, on, lw,
                          f"{run_of(runs_used, accel, off)}: {accel}, {key['kernel']}, {key['config']}")
    x86 = THREAD["x86_64"]
    out += ["", "The x86_64 thread figures disagree between the two runs (lock_with "
            + " and ".join(f"×{w / o:.2f}" for w, o in zip(x86["lock_with_off"], x86["lock_off"]))
            + " of lock()); "
            "the mail itself says some runs showed no difference. Path lengths cannot settle that: a VM's "
            "timer noise and interrupt-flag costs on the i7 are outside what TCG models.", ""]
    return out


# ---- rust (issue 10): the claims answered from the Rust module's figures
RUST_CONFIGS = ("rust", "rust-inline")
RUST_CASES = [("SpinLockIrq::lock()", "rust_lock", "on"), ("SpinLockIrq::lock()", "rust_lock", "off"),
              ("lock_with(&token)", "rust_lock_with", "off"), ("try_lock_with(&token)", "rust_try_lock_with", "off"),
              ("SpinLock::lock()", "rust_spin_only", "on"), ("SpinLock::lock()", "rust_spin_only", "off"),
              ("local_interrupt_disable() token", "rust_token", "on"),
              ("local_interrupt_disable() token", "rust_token", "off")]
# the C module variant that does what each Rust case calls in the 7.3 source
# (lock() -> spin_lock_irq_disable(), lock_with() -> spin_lock()), same cell
C_OF = {"rust_lock": "counted", "rust_lock_with": "lock_with", "rust_try_lock_with": None,
        "rust_spin_only": "spin_only", "rust_token": "interrupt_only"}


def stored_json(*parts):
    """A JSON file under results/ (pipeline summaries), or None without one."""
    path = os.path.join(runs.RESULTS, *parts)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def toolchain_note():
    t = stored_json("pipeline", "toolchain-root.json")
    if t is None:
        return []
    return [f"Rust kernels and `LLVM=1` build in a pinned Debian {t['suite']} root "
            f"(`arch-matrix/toolchain-root.sh`: {', '.join(t['versions'])}); its first set-up took "
            f"{t['setup_seconds']:.0f} s and it occupies {t['size_bytes'] / 1e9:.1f} GB ({t['measured']}).", ""]


def pair_p50(a, b):
    return f"{a['p50']:.2f} vs {b['p50']:.2f}" if a and b else "–"


def rust_claims_section(runs_used):
    rows, cases = [], []
    for accel, recs, key, off, on, lw in claim_cells(runs_used, RUST_CONFIGS, "rust_lock", "rust_lock_with"):
        arch, config = key["arch"], key["config"]
        unit = off["unit"]
        where = f"{run_of(runs_used, accel, off)}: {accel}, {key['kernel']}, {config}"
        beside = tuple(find(recs, variant=v, irq_state=st, **key) for v, st in
                       (("counted", "off"), ("counted", "on"), ("lock_with", "off")))
        rows += claim_rows(THREAD[arch], arch, off, on, lw, where, beside)
        for label, v, st in RUST_CASES:
            r = find(recs, variant=v, irq_state=st, **key)
            c = C_OF[v] and find(recs, variant=C_OF[v], irq_state=st, **key)
            if r:
                cases.append(f"| {arch} | {config} | {label} | {st} | {r['p50']:.2f} {unit} | "
                             + (f"{C_OF[v]}: {c['p50']:.2f} ({r['p50'] - c['p50']:+.2f})" if c else "–")
                             + f" | {where} |")
    if not rows:
        return []
    return ["## The thread's claims, from the Rust code itself", "",
            "`kmod-bench/rust/` is an out-of-tree Rust module timing the thread's own API on 7.3 "
            "(`SpinLockIrq::lock()`, `lock_with(&LocalInterruptDisabled)`, `try_lock_with()`, plain "
            "`SpinLock`, the token), with the C module's method and records (`lang` `rust`), in a kernel "
            "built with `CONFIG_RUST` (config `rust`) and, where measured, with "
            "`CONFIG_RUST_INLINE_HELPERS` (`rust-inline`). Depth 1; the C column is the C module's "
            "variant that makes the calls the Rust operation makes in the 7.3 source (`counted`: "
            "`spin_lock_irq_disable()`, for lock(); `lock_with`: `spin_lock()` in a counted region, for "
            "lock_with()), measured in the same boot of the same kernel. The thread column: "
            f"{THREAD_SOURCE}, per operation (ns/100).", "",
            "| claim | arch | thread | Rust (irqbench) | C beside | run: accel, kernel, config | verdict |",
            "|---|---|---|---|---|---|---|"] + rows + [
            "", "What each Rust operation costs against that C variant (depth 1). Not traced: what the "
            "7.3 source puts on the Rust path and not on C's is, without inline helpers, a "
            "`rust_helper_*` call per lock and unlock and `Guard::new()`'s "
            "`rust_helper_spin_assert_is_held()` call (empty without lockdep); the token rows take no "
            "lock, so their difference is not that:", "",
            "| arch | config | Rust operation | entered | Rust | C path (Rust − C) | run: accel, kernel, config |",
            "|---|---|---|---|---|---|---|"] + cases + [""] + toolchain_note()
# ---- end rust


# ---- arches side by side (issue 13)
# (label, variant, impl, depth, state): the rows of the side-by-side table
ARCH_CASES = [
    ("spin_lock_irqsave()+restore, entered on", "irqsave", "native", 1, "on"),
    ("spin_lock_irqsave()+restore, entered off", "irqsave", "native", 1, "off"),
    ("local_irq_save()+restore() alone", "irq_save_only", "native", 1, "on"),
    ("spin_lock_irq_disable()+enable (Rust lock()), entered on", "counted", "native", 1, "on"),
    ("the same, entered off (nested in a counted region)", "counted", "native", 1, "off"),
    ("the same, entered off-raw (under local_irq_save())", "counted", "native", 1, "off-raw"),
    ("lock_with(): spin_lock() under a counted region", "lock_with", "native", 1, "off"),
    ("local_interrupt_disable()+enable() alone, entered on", "interrupt_only", "native", 1, "on"),
    ("local_interrupt_disable()+enable() alone, entered off", "interrupt_only", "native", 1, "off"),
    ("spin_lock()+unlock() alone", "spin_only", "native", 1, "on"),
    ("preempt_disable()+enable() alone", "preempt_only", "native", 1, "on"),
]
# (label, variant, impl, state): least-squares cost of one more nesting level
ARCH_SLOPES = [
    ("one more spin_lock_irqsave() level, entered on", "irqsave", "native", "on"),
    ("one more counted level, entered on", "counted", "native", "on"),
    ("one more counted level, entered off", "counted", "native", "off"),
    ("one more local_irq_save() level", "irq_save_only", "native", "on"),
    ("one more local_interrupt_disable() level, entered on", "interrupt_only", "native", "on"),
]
# What each arch's local_irq_save() is in the 7.3 source (a fact of the
# source, not an explanation of a figure: those come from the traces).
MECHANISM = {
    "x86_64": "`pushf` then `cli` saves and clears EFLAGS.IF; `local_irq_restore()` is an `sti` "
              "when the saved flags had IF set (arch/x86/include/asm/irqflags.h).",
    "arm64": "`mrs daif` and `msr daifset, #3` (or the GIC priority mask ICC_PMR_EL1 with pseudo-NMI) "
             "(arch/arm64/include/asm/irqflags.h).",
    "riscv64": "`csrrc` of SIE in `sstatus` saves and clears it in one instruction; restore is "
               "`csrs sstatus` of the saved SIE bit, so it only ever enables "
               "(arch/riscv/include/asm/irqflags.h).",
    "ppc64le": "lazy soft-masking: `local_irq_save()` stores IRQS_DISABLED to the paca's "
               "`irq_soft_mask` byte (r13 is the paca) and leaves MSR[EE] alone; an interrupt that "
               "arrives meanwhile is noted in `irq_happened` and masked in hardware then, and "
               "`arch_local_irq_restore()` (out of line, arch/powerpc/kernel/irq_64.c) replays it.",
    "s390x": "`stnsm` ANDs the PSW's system mask with 0xfc, storing the old mask (the saved "
             "flags); restore is `stosm` of 0x03 when the saved mask had I/O and external "
             "interrupts on, and nothing otherwise: it only ever enables "
             "(arch/s390/include/asm/irqflags.h).",
}


def arch_trace_lines(ann, arch, kernel_series, config):
    """What the traces show of an arch's masking: the irqflag instructions of
    one spin_lock_irqsave() operation and one counted operation, entered on."""
    cell = f"{arch}-{kernel_series}-{config}"
    lines = []
    for case in ("irqsave/native/d1/on", "counted/native/d1/on", "counted/native/d1/off"):
        a = ann.get((cell, case))
        if not a:
            continue
        flag = [r["asm"] for r in a["instructions"] if r["class"] == "irqflag"]
        tot = ", ".join(f"{k} {v}" for k, v in a["totals"].items() if v)
        lines.append(f"`{case}`: {a['ops_insns']} instructions ({tot})"
                     + (f"; interrupt-flag instructions: {'; '.join(f'`{x}`' for x in flag)}" if flag else
                        "; no interrupt-flag instruction"))
    return lines


def arches_section(runs_used, min_arches=3):
    icount = runs_used.get("tcg-icount")
    if not icount:
        return []
    recs = icount[2]
    ann = annotations()
    out = []
    groups = sorted({(r["kernel"], r["config"]) for r in recs if r["config"] in CLAIM_CONFIGS})
    for kernel, config in groups:
        present = arches.order({r["arch"] for r in recs if (r["kernel"], r["config"]) == (kernel, config)})
        if len(present) < min_arches or not find(recs, kernel=kernel, config=config, variant="counted", impl="native"):
            continue
        sel = [r for r in recs if (r["kernel"], r["config"]) == (kernel, config)]
        out += [f"## Every arch side by side: kernel {kernel}, config {config} (tcg-icount)", "",
                "Instructions per operation (p50) at depth 1, from the newest tcg-icount run of each "
                "cell; one column per arch (`arch-matrix/arches.tsv`). Path lengths, not cycles: an "
                "interrupt-flag write is one instruction whatever it costs on silicon. " + runs_line(
                    {a: run_of(runs_used, "tcg-icount", find(sel, arch=a)) for a in present}), "",
                "| case | " + " | ".join(present) + " |", "|---|" + "---|" * len(present)]

        def p50(arch, v, impl, d, st):
            r = find(sel, arch=arch, variant=v, impl=impl, depth=d, irq_state=st)
            return r["p50"] if r else None
        for label, v, impl, d, st in ARCH_CASES:
            out.append(f"| {label} | " + " | ".join(f3(p50(a, v, impl, d, st)) for a in present) + " |")
        for label, v, impl, st in ARCH_SLOPES:
            cells = []
            for a in present:
                pts = [(r["depth"], r["p50"]) for r in sel
                       if (r["arch"], r["variant"], r["impl"], r["irq_state"]) == (a, v, impl, st)]
                cells.append(f3(slope(pts)))
            out.append(f"| {label} (slope over depth) | " + " | ".join(cells) + " |")
        # the thread's comparisons (mail 03), as ratios per arch
        def thread_ratio(num, den):
            r = sorted(n / d for n, d in zip(THREAD["arm64"][num], THREAD["arm64"][den]))
            return f"thread: ×{r[0]:.2f}–×{r[-1]:.2f} arm64"
        rows = [(f"lock_with() / lock() entered off ({thread_ratio('lock_with_off', 'lock_off')})",
                 ("lock_with", "off"), ("counted", "off")),
                (f"lock() entered on / entered off ({thread_ratio('lock_on', 'lock_off')})",
                 ("counted", "on"), ("counted", "off")),
                ("lock() (counted) / spin_lock_irqsave(), entered on",
                 ("counted", "on"), ("irqsave", "on"))]
        for label, (va, sa), (vb, sb) in rows:
            cells = []
            for a in present:
                x, y = p50(a, va, "native", 1, sa), p50(a, vb, "native", 1, sb)
                cells.append(f"×{x / y:.2f} ({x - y:+.2f})" if x is not None and y else "–")
            out.append(f"| {label} | " + " | ".join(cells) + " |")
        out.append("")
        series = re.match(r"\d+\.\d+", kernel).group(0)  # annotate names cells by series
        out += ["### How each arch masks interrupts, and what its traces show", ""]
        for a in present:
            traced = arch_trace_lines(ann, a, series, config)
            out.append(f"- **{a}**: {MECHANISM.get(a, 'not described yet.')} "
                       + ("Traced (`make annotate-results`): " + "; ".join(traced) + "."
                          if traced else "No annotate trace of this cell yet, so no cause is stated "
                          "here for its figures."))
        out.append("")
    return out
# ---- end arches side by side


# Cases that run identical code: check_records.py's list, which the checks
# hold every tcg-icount cell to.
IDENTICAL = check_records.IDENTICAL


def case_label(c):
    return f"{c[0]} d{c[2]} {c[3]}"


def exactness_section(runs_used):
    icount = runs_used.get("tcg-icount")
    if not icount:
        return []
    recs = icount[2]
    out = ["## Exactness under tcg-icount", "",
           "Identical code must give identical figures, and the empty operation must cost nothing. "
           "Per cell: the p50 of both sides of each identity (bold where they differ by half an "
           "instruction or more), the `empty` p50s, and the smallest p50 of any case.", "",
           "| arch | kernel | config | " + " | ".join(f"{case_label(a)} = {case_label(b)}" for a, b in IDENTICAL)
           + " | empty | min p50 |",
           "|---|---|---|" + "---|" * (len(IDENTICAL) + 2)]
    for arch, kernel, config in sorted({(r["arch"], r["kernel"], r["config"]) for r in recs}):
        sel = [r for r in recs if (r["arch"], r["kernel"], r["config"]) == (arch, kernel, config)]
        cells = []
        for pair in IDENTICAL:
            got = []
            for v, impl, d, st in pair:
                impl = impl or ("native" if find(sel, variant=v, impl="native") else "emulated:v7.3")
                got.append(find(sel, variant=v, impl=impl, depth=d, irq_state=st))
            if None in got:
                cells.append("–")
                continue
            a, b = got[0]["p50"], got[1]["p50"]
            if check_records.differs_by_lock(*got):
                cells.append(f"{a:.3f} / {b:.3f} (not the same code here: rt_mutex or lockdep)")
            else:
                cells.append(f"{a:.3f} = {b:.3f}" if abs(a - b) < 0.5 else f"**{a:.3f} ≠ {b:.3f}**")
        cells.append(", ".join(f"{r['p50']:.3f}" for r in sel if r["variant"] == "empty") or "–")
        cells.append(f"{min(r['p50'] for r in sel):.3f}")
        out.append(f"| {arch} | {kernel} | {config} | " + " | ".join(cells) + " |")
    return out + [""]


CLASSES = ("irqflag", "atomic", "barrier", "preempt", "percpu", "branch", "other")
# (question, case A, case B): why is A more than B, per arch and config
EXPLAIN = [
    ("lock() with irqs off vs lock_with()", "counted/native/d1/off", "lock_with/native/d1/off"),
    ("lock() with irqs on vs off", "counted/native/d1/on", "counted/native/d1/off"),
    ("local_interrupt_disable()+enable() in a module vs in vmlinux, entered on",
     "interrupt_only/native/d1/on", "interrupt_only/native-builtin/d1/on"),
    ("the same, entered under local_irq_save() (off-raw)",
     "interrupt_only/native/d1/off-raw", "interrupt_only/native-builtin/d1/off-raw"),
    ("spin_lock_irq_disable() native vs the v7.3 model, entered off",
     "counted/native/d1/off", "counted/emulated:v7.3/d1/off"),
    ("spin_lock_irq_disable() native vs the v7.3 model, entered on",
     "counted/native/d1/on", "counted/emulated:v7.3/d1/on"),
    ("the tip model vs the v7.3 model, entered on",
     "counted/emulated:tip/d1/on", "counted/emulated:v7.3/d1/on"),
    ("the v1-percpu model vs the v7.3 model, entered on",
     "counted/emulated:v1-percpu/d1/on", "counted/emulated:v7.3/d1/on"),
    ("local_interrupt_disable()+enable() outermost (entered on) vs nested in an outer counted region (off)",
     "interrupt_only/native/d1/on", "interrupt_only/native/d1/off"),
    ("spin_lock_irqsave() entered on vs off", "irqsave/native/d1/on", "irqsave/native/d1/off"),
    ("the v7.3 model's lock_with() vs spin_lock() alone, entered off",
     "lock_with/emulated:v7.3/d1/off", "spin_only/native/d1/off"),
]


def functions(a):
    """The functions a trace entered beyond its own loop (its first pc's)."""
    names = [i["sym"].split("+")[0] for i in a["instructions"] if i.get("sym")]
    return set(names[1:]) - set(names[:1])


def annotations():
    """results/<run-id>/annotate/*.json (make annotate-results): {(cell, case):
    record}; run ids sort by time, so a newer run's trace of a case wins."""
    out = {}
    for path in sorted(glob.glob(os.path.join(runs.RESULTS, "*", "annotate", "*.json"))):
        with open(path, encoding="utf-8") as f:
            a = json.load(f)
        if isinstance(a, dict) and "case" in a:  # not the raw <cell>.trace.json
            out[(a["cell"], a["case"])] = a
    return out


def explain_section():
    ann = annotations()
    if not ann:
        return []
    cells = sorted({c for c, _ in ann})
    out = ["## Why one path costs more than another, instruction by instruction", "",
           "From `make annotate-results`: the executed instructions of one operation of each case, "
           "traced in a booted tcg-icount guest by single-stepping through QEMU's gdbstub "
           "(`results/<run-id>/annotate/*.txt` lists them with symbols, beside the run whose figures they explain). Each trace's length equals the "
           "case's tcg-icount p50 (the `match` column). A cell below: instructions of A − B, then the "
           "classes that differ (irqflag: pushf/popf/cli/sti or DAIF/PMR; atomic; barrier; preempt: "
           "the preempt count; percpu; branch: calls, returns, jumps; other), and the functions "
           "one trace entered and the other did not (each trace's own loop aside).", "",
           "| question | cell | A | B | A − B | by class (A − B) | functions only in A; only in B | match |",
           "|---|---|---|---|---|---|---|---|"]
    for question, a_case, b_case in EXPLAIN:
        for cell in cells:
            a, b = ann.get((cell, a_case)), ann.get((cell, b_case))
            if not (a and b):
                continue
            diff = {k: a["totals"].get(k, 0) - b["totals"].get(k, 0) for k in CLASSES}
            parts = ", ".join(f"{v:+d} {k}" for k, v in diff.items() if v) or "none"
            ok = all(x.get("icount_p50") is not None and round(x["icount_p50"]) == x["ops_insns"]
                     for x in (a, b))
            fa, fb = functions(a), functions(b)
            calls = "; ".join(", ".join(f"`{f}`" for f in sorted(x)) or "–" for x in (fa - fb, fb - fa))
            out.append(f"| {question} | {cell} | {a_case} {a['ops_insns']} | {b_case} {b['ops_insns']} "
                       f"| {a['ops_insns'] - b['ops_insns']:+d} | {parts} | {calls} | {'yes' if ok else 'no'} |")
    return out + [""]


def tables_section(runs_used):
    out = []
    for accel, (_dirs, _metas, recs) in runs_used.items():
        out += [f"## Results: {accel}", ""]
        for arch, kernel, config in sorted({(r["arch"], r["kernel"], r["config"]) for r in recs}):
            sel = [r for r in recs if (r["arch"], r["kernel"], r["config"]) == (arch, kernel, config)]
            unit = sel[0]["unit"]
            out += [f"### {arch}, kernel {kernel}, config {config} ({unit} per operation, p50 [CI95])", ""]
            cols = [(d, s) for d, s in DEPTH_COLS if find(sel, depth=d, irq_state=s)]
            out.append("| variant | impl | " + " | ".join(f"d{d} {s}" for d, s in cols) + " | leaks |")
            out.append("|---|---|" + "---|" * (len(cols) + 1))
            for v, impl in sorted({(r["variant"], r["impl"]) for r in sel}, key=lambda x: (order(x[0]), x[1])):
                cells, leaks = [], 0
                for d, s in cols:
                    r = find(sel, variant=v, impl=impl, depth=d, irq_state=s)
                    if r:
                        leaks += r["irq_leaks"]
                        cells.append(f"{r['p50']:.2f} [{r['ci95_lo']:.2f}–{r['ci95_hi']:.2f}]")
                    else:
                        cells.append("–")
                out.append(f"| {v} | {impl} | " + " | ".join(cells) + f" | {leaks} |")
            out.append("")
        out += slope_section(accel, recs)
        out += native_section(accel, recs)
    return out


VARIANT_ORDER = ["irqsave", "irqsave_hoh", "raw_irqsave", "raw_irqsave_hoh", "irq", "counted", "counted_hoh", "raw_counted",
                 "raw_counted_hoh", "lock_with", "scoped", "irq_save_only", "interrupt_only", "spin_only", "preempt_only", "empty"]


def order(v):
    return (VARIANT_ORDER.index(v), "") if v in VARIANT_ORDER else (99, v)  # unknown (rust_*) by name


def slope_section(accel, recs):
    out = [f"### Cost of one more nesting level ({accel}): least-squares slope of p50 over depth", ""]
    groups = sorted({(r["arch"], r["kernel"], r["config"]) for r in recs})
    out.append("| variant | impl | " + " | ".join(f"{a} {k} {c} on / off / off-raw" for a, k, c in groups) + " |")
    out.append("|---|---|" + "---|" * len(groups))
    for v, impl in sorted({(r["variant"], r["impl"]) for r in recs}, key=lambda x: (order(x[0]), x[1])):
        cells, any_val = [], False
        for a, k, c in groups:
            pair = []
            for s in ("on", "off", "off-raw"):
                pts = [(r["depth"], r["p50"]) for r in recs if (r["arch"], r["kernel"], r["config"], r["variant"], r["impl"], r["irq_state"]) == (a, k, c, v, impl, s)]
                sl = slope(pts)
                any_val |= sl is not None
                pair.append(f3(sl))
            cells.append(" / ".join(pair))
        if any_val:
            out.append(f"| {v} | {impl} | " + " | ".join(cells) + " |")
    return out + [""]


IMPL_COLS = ("native", "native-builtin", "emulated:v7.3", "emulated:tip", "emulated:v1-percpu")


def native_section(accel, recs):
    groups = sorted({(r["arch"], r["kernel"], r["config"]) for r in recs
                     if r["impl"] == "native" and r["variant"] == "counted"})
    if not groups:
        return []
    out = [f"### native, native-builtin and the emulated models ({accel})", "",
           "`native` is the kernel's code called from a module, `native-builtin` the same loops "
           "compiled into vmlinux (README). Each cell: p50, then the difference from `native`.", "",
           "| arch | kernel | config | case | " + " | ".join(IMPL_COLS) + " |",
           "|---|---|---|---|" + "---|" * len(IMPL_COLS)]
    for arch, kernel, config in groups:
        for v in ("counted", "interrupt_only", "lock_with"):
            for d in (1, 2):
                for s in ("on", "off", "off-raw"):
                    key = dict(arch=arch, kernel=kernel, config=config, variant=v, depth=d, irq_state=s)
                    nat = find(recs, impl="native", **key)
                    if not nat:
                        continue
                    vals = []
                    for impl in IMPL_COLS:
                        r = find(recs, impl=impl, **key)
                        vals.append("–" if not r else f3(r["p50"]) if impl == "native"
                                    else f"{f3(r['p50'])} ({r['p50'] - nat['p50']:+.2f})")
                    out.append(f"| {arch} | {kernel} | {config} | {v} d{d} {s} | " + " | ".join(vals) + " |")
    out += ["", "The emulations keep their count in a module per-CPU int; native 7.3 keeps it in "
            "preempt_count's HARDIRQ_DISABLE bits, and in a module `local_interrupt_disable()` and "
            "`local_interrupt_enable()` call the exported `_local_interrupt_save_state()` and "
            "`_local_interrupt_enable()` at the outermost level, where vmlinux inlines them "
            "(`include/linux/interrupt_rc.h`).", ""]
    return out


# each hand-over-hand variant and the nested one it is compared with
HOH_PLAIN = {"irqsave_hoh": "irqsave", "raw_irqsave_hoh": "raw_irqsave", "counted_hoh": "counted",
             "raw_counted_hoh": "raw_counted"}


def hazard_section(runs_used):
    out = ["## The hand-over-hand hazard", "",
           "Of the verification operations: `irq_leaks` found interrupts enabled while a lock was "
           "still held, `irq_exposed` counts the unlocks after which that was so, "
           "`irq_state_changes` left the interrupt state different from how they found it. "
           "The timed `irqsave_hoh` entered on puts interrupts back on in every operation, and "
           "that put-back is subtracted, so its on−off difference is the entry state's cost, "
           "as for `irqsave`.", "",
           "| run: accel | arch | kernel | config | case | irq_leaks | irq_exposed | irq_state_changes | p50 on − off | irqsave d2 on − off |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for accel, (_dirs, _metas, recs) in runs_used.items():
        for r in recs:
            if r["variant"] in HOH_PLAIN and r["depth"] == 2 \
                    and r["impl"] in ("native", "emulated:v7.3") and r["irq_state"] == "on":
                key = dict(arch=r["arch"], kernel=r["kernel"], config=r["config"], depth=2)
                off = find(recs, variant=r["variant"], impl=r["impl"], irq_state="off", **key)
                plain = HOH_PLAIN[r["variant"]]
                p_on = find(recs, variant=plain, impl=r["impl"], irq_state="on", **key)
                p_off = find(recs, variant=plain, impl=r["impl"], irq_state="off", **key)
                d_hoh = f"{r['p50'] - off['p50']:+.2f}" if off else "–"
                d_plain = f"{p_on['p50'] - p_off['p50']:+.2f}" if p_on and p_off else "–"
                out.append(f"| {run_of(runs_used, accel, r)}: {accel} | {r['arch']} | {r['kernel']} | {r['config']} | {r['variant']} {r['impl']} d2 on "
                           f"| {r['irq_leaks']}/{r['verify_ops']} | {r.get('irq_exposed', '–')} "
                           f"| {r['irq_state_changes']}/{r['verify_ops']} | {d_hoh} | {d_plain} ({plain}) |")
    # which arches end a hand-over-hand release with interrupts off, from the records
    left_off, left_on, counted_held, counted_leaked = set(), set(), set(), set()
    for _accel, (_dirs, _metas, recs) in runs_used.items():
        for r in recs:
            if r.get("lock_type") == "rt_mutex":
                continue  # PREEMPT_RT's spinlock_t never masks: the RT section shows it
            if (r["variant"], r["depth"], r["irq_state"]) == ("counted_hoh", 2, "on") and r["verify_ops"]:
                (counted_held if r["irq_leaks"] == 0 else counted_leaked).add(r["arch"])
            if (r["variant"], r["impl"], r["depth"], r["irq_state"]) == ("irqsave_hoh", "native", 2, "on") \
                    and r["verify_ops"]:
                (left_off if r["irq_state_changes"] == r["verify_ops"] else
                 left_on if r["irq_state_changes"] == 0 else set()).add(r["arch"])
    if left_off or left_on:
        out += ["", "Entered on, a hand-over-hand `spin_unlock_irqrestore()` release "
                + (f"left interrupts *disabled* after everything was released on {', '.join(arches.order(left_off))} "
                   "(every verification operation changed the state: the last restore writes the "
                   "inner lock's saved flags back verbatim)" if left_off else "")
                + ("; " if left_off and left_on else "")
                + (f"on {', '.join(arches.order(left_on))} they stayed on (no operation changed the state: "
                   "there `local_irq_restore()` only ever enables, see each arch's paragraph above)"
                   if left_on else "")
                + f". Counted disabling (`counted_hoh`) kept interrupts off until the last unlock "
                f"on {', '.join(arches.order(counted_held - counted_leaked))} (no leak in any record)"
                + (f"; it leaked on {', '.join(arches.order(counted_leaked))}" if counted_leaked else "")
                + ".", ""]
    return out


PNMI_CASES = [("irqsave", "native", "on"), ("irqsave", "native", "off"), ("irq", "native", "on"),
              ("irq_save_only", "native", "on"), ("irq_save_only", "native", "off"),
              ("counted", "native", "on"), ("counted", "native", "off"),
              ("counted", "emulated:v7.3", "on"), ("counted", "emulated:v7.3", "off"),
              ("interrupt_only", "native", "on"), ("interrupt_only", "emulated:v7.3", "on"),
              ("lock_with", "native", "off"), ("lock_with", "emulated:v7.3", "off"),
              ("spin_only", "native", "on")]


def pseudo_nmi_section(runs_used):
    """arm64's two ways of masking: DAIF (default) against the GIC's priority
    mask (pseudo-nmi), per kernel, from tcg-icount records that say irq_mask."""
    if "tcg-icount" not in runs_used:
        return []
    recs = runs_used["tcg-icount"][2]
    pmr = [r for r in recs if r["arch"] == "arm64" and r["config"] == "pseudo-nmi"]
    kernels = sorted({r["kernel"] for r in pmr})
    if not kernels:
        return []
    masks = sorted({str(r.get("irq_mask")) for r in pmr})
    out = ["## arm64: DAIF against PMR masking (pseudo-NMI)", "",
           "`CONFIGS=pseudo-nmi` builds with `CONFIG_ARM64_PSEUDO_NMI=y` and boots with "
           "`irqchip.gicv3_pseudo_nmi=1` on QEMU's GICv3; `local_irq_disable()` then writes the GIC's "
           "priority mask (ICC_PMR_EL1) instead of setting DAIF.I. Every record of these cells "
           f"says how interrupts were masked (`irq_mask`): {', '.join(masks)} ({len(pmr)} records); a "
           "cell that does not say `pmr` fails. `default` is the same fragments without "
           "`CONFIG_ARM64_PSEUDO_NMI`, so a difference is the option's whole cost: the PMR "
           "sequences and the alternatives compiled for them. tcg-icount, d1 and d4, instructions per operation:", ""]
    for kernel in kernels:
        ids = {run_of(runs_used, "tcg-icount", r) for r in recs if r["arch"] == "arm64"
               and r["kernel"] == kernel and r["config"] in ("default", "pseudo-nmi")}
        out += [f"arm64 {kernel} (runs {', '.join(f'`{i}`' for i in sorted(ids))}):", "",
                "| case | DAIF d1 | PMR d1 | PMR − DAIF d1 | DAIF d4 | PMR d4 | PMR − DAIF d4 |",
                "|---|---|---|---|---|---|---|"]
        for v, impl, st in PNMI_CASES:
            cols = []
            for d in (1, 4):
                key = dict(arch="arm64", kernel=kernel, variant=v, impl=impl, depth=d, irq_state=st)
                a, b = find(recs, config="default", **key), find(recs, config="pseudo-nmi", **key)
                cols += [f3(a["p50"]) if a else "–", f3(b["p50"]) if b else "–",
                         f"{b['p50'] - a['p50']:+.2f}" if a and b else "–"]
            if any(c != "–" for c in cols):
                out.append(f"| {v} {impl} {st} | " + " | ".join(cols) + " |")
        out.append("")
    out += ["What tcg-icount cannot say: with PMR masking, unmasking ends in `pmr_sync()`, a `dsb sy` "
            "that boot-time patching turns into a nop where the CPU has "
            "`ARM64_HAS_GIC_PRIO_RELAXED_SYNC` (`arch/arm64/include/asm/barrier.h`). Under tcg-icount a "
            "`dsb` counts as one instruction and its wait does not exist, so these figures hold the "
            "barrier at most once per unmask and none of its cost; what it costs on a CPU, and the "
            "GIC's own latency, only a hardware run (`ACCEL=kvm` or `make bare-metal`) can show.", ""]
    return out


RT_CASES = [("irqsave", "native"), ("raw_irqsave", "native"), ("irqsave_hoh", "native"),
            ("raw_irqsave_hoh", "native"), ("irq", "native"), ("counted", "native"),
            ("counted_hoh", "native"), ("raw_counted", "native"), ("raw_counted_hoh", "native"),
            ("spin_only", "native"), ("irq_save_only", "native"),
            ("interrupt_only", "native"), ("interrupt_only", "emulated:v7.3"), ("preempt_only", "native")]


def rt_section(runs_used):
    """PREEMPT_RT against the same kernel's default config: what each variant
    takes (lock_type) and whether it masked, from tcg-icount records."""
    if "tcg-icount" not in runs_used:
        return []
    recs = runs_used["tcg-icount"][2]
    cells = sorted({(r["arch"], r["kernel"]) for r in recs if r["config"] == "rt"},
                   key=lambda c: (arches.NAMES.index(c[0]) if c[0] in arches.NAMES else 99, c[1]))
    if not cells:
        return []
    out = ["## PREEMPT_RT: sleeping spinlock_t, spinning raw_spinlock_t", "",
           "`CONFIGS=rt` (`CONFIG_PREEMPT_RT=y`) against `default` on the same kernel. Under RT a "
           "`spinlock_t` is an rt_mutex (records say `lock_type` `rt_mutex`): `spin_lock_irqsave()`, "
           "`spin_lock_irq()` and 7.3's `spin_lock_irq_disable()` take it and leave interrupts as they "
           "are (`include/linux/spinlock_rt.h`), so they hold the lock with interrupts on "
           "(`irq_leaks`, expected there), and a batch of them runs with migration, not preemption, "
           "disabled. `raw_spinlock_t` still masks, and its hand-over-hand release with saved flags "
           "(`raw_irqsave_hoh`) keeps the thread's hazard, counted (`raw_counted_hoh`, 7.3) it does not. Taking the rt_mutex with interrupts masked is a bug on RT, so those cases do not "
           "run there (`–`): every `spinlock_t` variant entered off, `scoped` and `lock_with` (Rust's "
           "`lock_with()` under `local_interrupt_disable()` is exactly that; `make check`'s `rt+debug` "
           "guest shows the kernel reporting it) and the counted models. "
           "tcg-icount, instructions per operation; leaks are of the verification's 64 operations.", ""]
    for arch, kernel in cells:
        ids = {run_of(runs_used, "tcg-icount", r) for r in recs if r["arch"] == arch
               and r["kernel"] == kernel and r["config"] in ("default", "rt")}
        out += [f"{arch} {kernel} (runs {', '.join(f'`{i}`' for i in sorted(ids))}):", "",
                "| case | lock_type on rt | default d1 on | rt d1 on | rt d1 on leaks | default d1 off | rt d1 off | rt d2 on leaks |",
                "|---|---|---|---|---|---|---|---|"]
        for v, impl in RT_CASES:
            def get(config, d, st):
                return find(recs, arch=arch, kernel=kernel, config=config, variant=v, impl=impl,
                            depth=d, irq_state=st)
            rt_on, rt_off, rt_d2 = get("rt", 1, "on"), get("rt", 1, "off"), get("rt", 2, "on")
            df_on, df_off = get("default", 1, "on"), get("default", 1, "off")
            if not (rt_on or rt_off):
                continue
            lt = (rt_on or rt_off).get("lock_type", "–")
            out.append(f"| {v} {impl} | {lt} | {f3(df_on['p50']) if df_on else '–'} | "
                       f"{f3(rt_on['p50']) if rt_on else '–'} | "
                       f"{rt_on['irq_leaks'] if rt_on else '–'} | {f3(df_off['p50']) if df_off else '–'} | "
                       f"{f3(rt_off['p50']) if rt_off else '–'} | {rt_d2['irq_leaks'] if rt_d2 else '–'} |")
        out.append("")
    return out


def pipeline_section():
    paths = sorted(glob.glob(os.path.join(runs.RESULTS, "pipeline", "hyperfine-*.json")))
    if not paths:
        return []
    results = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            results += json.load(f).get("results", [])
    out = ["## Pipeline timings (hyperfine)", "",
           "From `make bench-pipeline` and `make time-matrix` (`results/pipeline/hyperfine-*.json`), "
           "on the host described below.", "",
           "| command | mean s | stddev s | min s | max s | runs |",
           "|---|---|---|---|---|---|"]
    for r in results:
        out.append(f"| {r['command']} | {r['mean']:.2f} | {r.get('stddev') or 0:.2f} | {r['min']:.2f} | {r['max']:.2f} | {len(r.get('times', []))} |")
    out += matrix_passes()
    return out + [""] + check_times()


def matrix_passes():
    """results/pipeline/matrix-{first,warm}.log (scripts/time-matrix.sh): what
    each timed make matrix pass spent its time on, from its stage lines."""
    out = []
    for kind in ("first", "warm"):
        path = os.path.join(runs.RESULTS, "pipeline", f"matrix-{kind}.log")
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        commit = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("commit:")), "?")
        builds, relinks, boots, skips, other = [], [], [], 0, 0
        for ln in lines:
            m = re.match(r"\[(.+?)\s*\] (\w+)\s+(\d+)s  ", ln)
            if not m or m.group(1) == "all":
                continue
            what, secs = m.group(2), int(m.group(3))
            if what == "build":
                # a kernel built (minutes) or the builtin loops relinked (seconds)
                (builds if secs >= 60 else relinks if secs >= 5 else []).append(secs)
            elif what == "boot":
                boots.append(secs)
            elif what == "skip":
                skips += 1
            else:
                other += secs
        out.append(f"- `make matrix` {kind} pass (commit `{commit}`): {len(boots)} cells booted "
                   f"({sum(boots)} s), {skips} skipped with their reason, {len(builds)} kernels built "
                   f"({sum(builds)} s), {len(relinks)} relinked for the builtin loops ({sum(relinks)} s), "
                   f"modules, initramfs and records {other} s.")
    if out:
        out = ["", "The two `make time-matrix` passes, from their stage lines "
               "(`results/pipeline/matrix-*.log`); a cold matrix would also build the kernels the "
               "first pass found cached:", ""] + out
    return out


def check_times():
    """results/pipeline/check-{cold,warm}.log (scripts/time-check.sh): CI's
    make check timed on a fresh clone, with an empty cache and again warm."""
    logs = {}
    for kind in ("cold", "warm"):
        path = os.path.join(runs.RESULTS, "pipeline", f"check-{kind}.log")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                logs[kind] = f.read().splitlines()
    if not logs:
        return []

    def field(lines, key):
        return next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith(key + ":")), "?")

    def stages(lines):
        got = {}
        for ln in lines:
            m = re.match(r"\[(.+?)\s*\] (\w+)\s+(\d+)s  (.*)", ln)
            if m:
                who, what, secs = m.group(1), m.group(2), int(m.group(3))
                key = what if who == "check" else f"{who} {what}"
                got[key] = got.get(key, 0) + secs
        return got
    out = ["## How long make check takes", "",
           "`scripts/time-check.sh`: CI's `bash .ci/run` on a fresh clone with an `IRQBENCH_CACHE` of "
           "its own, first empty (cold: fetches and unpacks the kernel sources, sets up the toolchain root, "
           "builds every kernel with an empty ccache), then again (warm). Debian packages were already "
           "installed. Per stage (seconds, from its progress lines; kernel builds per cell):", "",
           "| | " + " | ".join(logs) + " |", "|---|" + "---|" * len(logs),
           "| commit | " + " | ".join(field(v, "commit") for v in logs.values()) + " |",
           "| wall time | " + " | ".join(field(v, "wall") for v in logs.values()) + " |",
           "| result | " + " | ".join(v[-1] for v in logs.values()) + " |"]
    per = {k: stages(v) for k, v in logs.items()}
    keys = list(dict.fromkeys(k for v in per.values() for k in v))
    for k in keys:
        if k.endswith(" collect") or per[next(iter(per))].get(k, 0) < 5:
            continue
        out.append(f"| {k} | " + " | ".join(str(per[kind].get(k, "–")) for kind in logs) + " |")
    return out + [""]


def bisect_section():
    """results/pipeline/bisect.json (a make bisect summary) as a section."""
    b = stored_json("pipeline", "bisect.json")
    if b is None:
        return []
    out = ["## Exact bisect", "",
           f"`make bisect KSRC=<the synthetic history of scripts/bisect-history.sh> GOOD=base "
           f"BAD={b['bad'][:12]} CASE={b['case']}` on {b['arch']}, config {b['config']}, "
           f"{b['accel']}: first bad commit **{b['first_bad'][:12]}** \"{b['subject']}\", "
           f"{b['case']} {b['good_insn']:g} → {b['first_bad_insn']:g} instructions "
           f"({b['delta_insn']:+g}). Each step builds the commit's kernel (ccache), boots it and "
           f"measures the one case ({b.get('conditions', 'conditions not recorded')}):", "",
           "| step | commit | instructions | seconds |", "|---|---|---|---|"]
    for i, st in enumerate(b["steps"], 1):
        out.append(f"| {i} | {st['commit'][:12]} | {st.get('insn', '')} | {st['seconds']} |")
    return out + [""]


def plots_section(made):
    out = ["## Plots", "", "All drawn by gnuplot from the same runs (`plots/*.gp`); SVG beside each PNG; "
           "the dashboard is `plots/out/index.html`.", ""]
    for section, items in made.items():
        for caption, name in items:
            out.append(f"- {section.split('-')[0]} ({section.split('-', 1)[1]}), {caption}: "
                       f"[PNG](plots/out/{name}.png) · [SVG](plots/out/{name}.svg)")
    return out + [""]


def repeat_section(all_runs):
    """Two tcg-icount runs of one commit: how exactly do they agree?"""
    by = {}
    for d, meta, recs in all_runs:
        if recs and all(r["accel"] == "tcg-icount" for r in recs):
            by.setdefault(meta.get("irqbench_commit"), []).append((d, recs))
    pair = None
    for found in by.values():  # the newest two runs of one commit sharing cases
        for i in range(len(found) - 1, 0, -1):
            for j in range(i - 1, -1, -1):
                a_keys = {runs.case_key(r) for r in found[j][1]}
                if a_keys & {runs.case_key(r) for r in found[i][1]}:
                    pair = (found[j], found[i])
                    break
            if pair:
                break
    if not pair:
        return []
    (d1, a), (d2, b) = pair
    A = {runs.case_key(r): r for r in a}
    B = {runs.case_key(r): r for r in b}
    common = A.keys() & B.keys()
    same = sum(1 for k in common if A[k]["p50"] == B[k]["p50"])
    vec = sum(1 for k in common if A[k]["values"] == B[k]["values"])
    worst = max(abs(A[k]["p50"] - B[k]["p50"]) for k in common)
    changed = sum(1 for k in common if abs(A[k]["p50"] - B[k]["p50"]) >= 0.5)
    return ["## Repeatability under tcg-icount", "",
            f"Runs `{os.path.basename(d1)}` and `{os.path.basename(d2)}` (same commit, separate boots): "
            f"{same} of {len(common)} medians identical to the thousandth, largest difference "
            f"{worst:.3f} instructions per operation; {vec} cases had every per-batch value identical "
            f"(the others differ in some batch). {changed} cases differ by half an "
            "instruction or more, the least change `make compare` reports under tcg-icount.", ""]


def across_kernel_section(runs_used):
    """6.1 against 7.3 in the newest tcg-icount run: `make compare
    ACROSS=kernel FROM=6.1 TO=7.3 BASE=<run>`, its largest changes."""
    import compare  # pylint: disable=import-outside-toplevel
    if "tcg-icount" not in runs_used:
        return []
    dirs, _metas, recs = runs_used["tcg-icount"]
    d = next((x for x, m in zip(dirs, _metas) if {"6.1", "7.3"} <= {c.get("kernel_series", c.get("kernel"))
                                                                   for c in m.get("cells", [])}), dirs[-1])
    # that run's own records, so the counts are what the printed command gives
    recs = [r for r in runs.load_run(d)[1] if r["config"] == "default" and r.get("accel") == "tcg-icount"]
    try:
        rows, only_b, only_n, _ = compare.evaluate(
            recs, recs, compare.options(across="kernel", base_value="6.1", new_value="7.3"))
    except compare.Fail as e:
        return ["## 6.1 against 7.3 (compare --across kernel)", "", f"No comparison: {e}", ""]
    count = {}
    for r in rows:
        count[r["verdict"]] = count.get(r["verdict"], 0) + 1
    out = ["## 6.1 against 7.3 (compare --across kernel)", "",
           f"`make compare ACROSS=kernel FROM=6.1 TO=7.3 BASE={os.path.basename(d)}` (tcg-icount, exact, "
           f"min 1 instruction): {len(rows)} cases paired on arch, config, variant, impl, depth and state: "
           + ", ".join(f"{v} {k}" for k, v in sorted(count.items()))
           + f"; {len(only_b)} only in 6.1, {len(only_n)} only in 7.3. The 15 largest changes:", "",
           "| verdict | case | 6.1 insn | 7.3 insn | delta |", "|---|---|---|---|---|"]
    for r in rows[:15]:
        out.append(f"| {r['verdict']} | {r['name']} | {r['bm']:.3f} | {r['nm']:.3f} | {r['delta']:+.3f} |")
    # preempt_disable()+enable() alone: 0 where the config has no preempt count
    pre = {}
    for r in recs:
        if (r["variant"], r["impl"], r["depth"], r["irq_state"]) == ("preempt_only", "native", 1, "on"):
            pre.setdefault(r["kernel"][:3], []).append(f"{r['arch']} {r['p50']:g}")
    if pre:
        out += ["", "`preempt_only` (`preempt_disable()`+`preempt_enable()` alone, d1) costs "
                + "; ".join(f"{', '.join(v)} on {k}" for k, v in sorted(pre.items()))
                + ". `default` is each kernel's own default preemption model (`configs/default.config`): "
                "on 6.1's tinyconfig that is PREEMPT_NONE, with no preempt count, on 7.3 lazy "
                "preemption, with one. So every path that touches the preempt count shows here as a "
                "regression of configuration, not of code; `CONFIGS=preempt-full` compares like with like."]
    return out + [""]


def calibration_section():
    """results/calibration.json (scripts/calibrate.py) as a section."""
    c = stored_json("calibration.json")
    if c is None:
        return []
    return ["## Calibration of the ns-mode gate", "",
            f"Two plain-TCG runs at one commit, `{c['run1']}` and `{c['run2']}`, {c['boots']} boots per cell "
            f"(commands: `{c['command1']}`; `{c['command2']}`), compared by `scripts/calibrate.py`: "
            f"Welch t-test on per-boot medians, Benjamini-Hochberg across cases at alpha {c['alpha']}, "
            f"threshold {c['threshold_pct']} %, floor {c['floor_ns']} ns.", "",
            f"- false positives: {c['false_positives']} of {c['cases']} cases "
            f"(rate {c['false_positive_rate']:.4f}, nominal alpha {c['alpha']})",
            f"- planted slowdown: every per-boot figure of `{c['planted_case']}` in the second run scaled by "
            f"{c['planted_factor']}: verdict **{c['planted_verdict']}** (BH p {c['planted_p_bh']:.3f}), "
            f"{c['planted_other_changes']} other cases changed"
            + ("" if c["planted_verdict"] != "same" else
               f". **Not detected:** at {c['boots']} boots per cell the gate misses a "
               f"{(c['planted_factor'] - 1) * 100:.0f} % change of this case under plain TCG; an ns-mode "
               "'same' there is no evidence of no change (tcg-icount's exact counts are)"),
            "", "The two runs themselves are not kept (`make calibrate` makes them in a temporary "
            "directory); `results/calibration.json` is their summary.", ""]


def checks_section(runs_used):
    """scripts/check_records.py's checks on every cell behind the figures:
    a cell that fails one is named first, with the check and the case."""
    failed, cells = [], 0
    for accel, (_dirs, _metas, recs) in runs_used.items():
        by_cell = {}
        for r in recs:
            if r.get("lang", "c") == "c":
                by_cell.setdefault((r["arch"], r["kernel"], r["config"]), []).append(r)
        for (arch, kernel, config), cell in sorted(by_cell.items()):
            cells += 1
            for what, why, _skip in check_records.tests(cell):
                if why:
                    failed.append(f"- `{run_of(runs_used, accel, cell[0])}` {arch} {kernel} {config} "
                                  f"({accel}): {what}: {why}")
    if not failed:
        return [f"Every cell behind these figures ({cells}) passes `scripts/check_records.py` "
                "(well formed, no negative cost, no cheaper with depth, the hazard where expected, "
                "identical code identical, the empty operation free).", ""]
    return ["## Cells that fail irqbench's own record checks", "",
            f"{len(failed)} check(s) fail in the {cells} cells behind these figures "
            "(`scripts/check_records.py`); their figures appear below but do not rely on them:", ""] \
        + failed + [""]


def write(runs_used, made, all_runs=()):
    lines = ["# irqbench results", "",
             "Generated by `make results` from the runs under `results/`; do not edit by hand. "
             "For each accelerator and cell (arch, kernel, config), the newest good run that measured it.", ""]
    lines += checks_section(runs_used)
    lines += rust_claims_section(runs_used)
    lines += claims_section(runs_used)
    lines += arches_section(runs_used)
    lines += explain_section()
    lines += exactness_section(runs_used)
    lines += repeat_section(all_runs)
    lines += calibration_section()
    lines += across_kernel_section(runs_used)
    lines += hazard_section(runs_used)
    lines += pseudo_nmi_section(runs_used)
    lines += rt_section(runs_used)
    lines += pipeline_section()
    lines += bisect_section()
    lines += env_section(runs_used)
    lines += tables_section(runs_used)
    lines += plots_section(made)
    path = os.environ.get("IRQBENCH_RESULTS_MD", os.path.join(runs.ROOT, "RESULTS.md"))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
