"""RESULTS.md: the findings page. The answers to the thread's questions on its
first screen, then the tables they come from, the thread's pairs with a
verdict each, why (from traces), what a count cannot say, and where the
rest is. Every figure is a record of a run of the current irqbench (its
method identity); a cell without such a run is named as not re-measured,
with no figure."""
from ..safe_paths import write_atomic
from . import claims, explain
from ..tables import ARCHES, version_key
from .data import cell_name, md, md_code



def f(v, nd=0):
    """A figure: a whole number as one (data.exact() made every count that
    is one to within its granularity an int), anything else to 2 places."""
    if v is None:
        return "–"
    if nd:
        return f"{v:.{nd}f}"
    return f"{v:.0f}" if v == round(v) else f"{v:.2f}"


def cap(s):
    return s[:1].upper() + s[1:]


def pct(a, b):
    return f"{100 * (a - b) / a:.0f} %" if a else "–"


def c_lw(tab):
    return next((r for r in tab if r["column"] == "C, gcc"), None)


def rust_lw(tab):
    return next((r for r in tab if r["column"] == "Rust"), None)


def answer_lock_with(cur, figs):
    parts = []
    for arch in claims.ARCHES:
        tab = claims.table(cur, figs, arch)
        c, r = c_lw(tab), rust_lw(tab)
        if not c or c["lock_off"] is None or c["lock_with"] is None:
            parts.append(f"{arch}: not measured by the current irqbench")
            continue
        s = (f"on {arch} lock_with() runs **{f(c['lock_with'])}** instructions where lock() "
             f"entered off runs **{f(c['lock_off'])}**, {pct(c['lock_off'], c['lock_with'])} fewer "
             f"(C, {cell_name(c['cell'])})")
        if r and r["lock_off"] is not None and r["lock_with"] is not None:
            s += (f"; the thread's Rust: {f(r['lock_with'])} against {f(r['lock_off'])} "
                  f"({cell_name(r['cell'])})")
        parts.append(s)
    rows = [c_lw(claims.table(cur, figs, a)) for a in claims.ARCHES]
    rows = [r for r in rows if r and r["lock_off"] is not None and r["lock_with"] is not None]
    yes = [r["lock_with"] < r["lock_off"] for r in rows]
    head = "Yes" if yes and all(yes) else "No" if yes and not any(yes) else "Not everywhere"
    five = every_arch(cur, figs)
    return (f"**Is lock_with() cheaper than lock() when interrupts are already off? {head}.** "
            + cap("; ".join(parts)) + "." + (f" {five}." if five else "")
            + " *Why* below says which instructions the difference is.")


def every_arch(cur, figs):
    """lock_with() against lock() entered off on every arch's default cell
    of the newest series (the module's C), or None without one."""
    newest = claims.newest_series(cur)
    parts, fewer = [], []
    for key in sorted((k for k in cur.keys("tcg-icount") if k[1] == newest and k[2] == "default"),
                      key=lambda k: list(ARCHES).index(k[0]) if k[0] in ARCHES else len(ARCHES)):
        lw = cur.find(key, "lock_with", "native", 1, "off")
        off = cur.find(key, "counted", "native", 1, "off")
        if not lw or not off:
            parts.append(f"{key[0]} not measured")
            continue
        a, b = figs.rec(cur, key, lw), figs.rec(cur, key, off)
        parts.append(f"{key[0]} {f(a)} against {f(b)} ({pct(b, a)} fewer)")
        fewer.append(a < b)
    if not fewer:
        return None
    head = ("cheaper on every one" if all(fewer) else "dearer on every one" if not any(fewer)
            else "cheaper on some only")
    return (f"On the {len(parts)} arches measured ({newest} default, C), lock_with() is {head}: "
            + ", ".join(parts))


def locks(k):
    return f"{k} lock{'s' if k > 1 else ''} per token"


def answer_token(cur, figs):
    parts = []
    for arch in claims.ARCHES:
        c = c_lw(claims.table(cur, figs, arch))
        if not c or c["break_even"] is None:
            continue
        s = (f"on {arch} taking the token (entered on) costs {f(c['token'])}, so token + "
             f"one lock_with() is {f(c['token_lock_with'])} against lock() entered on "
             f"{f(c['lock_on'])}: it pays off from **{locks(c['break_even'])}**")
        key = c["cell"]
        kb = [cur.find(key, v, "native-builtin", 1, st) for v, st in
              (("interrupt_only", "on"), ("counted", "on"), ("lock_with", "off"))]
        if all(kb):
            tok, on, lw = (figs.rec(cur, key, r) for r in kb)
            be = claims.break_even(tok, on, lw)
            s += (f"; as kernel code pays it (the same loops built into vmlinux, native-builtin) "
                  f"the token costs {f(tok)} against the module's {f(c['token'])}, lock() entered "
                  f"on {f(on)} and lock_with() {f(lw)}, so it pays off from "
                  + (f"**{locks(be)}**" if be else "no number of locks")
                  + (", as in the module" if be == c["break_even"] else ""))
        parts.append(s)
    if not parts:
        return None
    return ("**What does the token cost?** " + cap("; ".join(parts)) + ". lock_with() wins where one "
            "proof of disabled interrupts covers that many locks, or where interrupts are off "
            "anyway (an interrupt handler: the off-raw column).")


def answer_series(cur, figs):
    """Did the newest series' counted interrupt disabling make the
    primitives that were there before dearer? The preempt-full cells (the
    one config whose preemption model both series share), the older series
    against the newest, every case both ran natively, every arch."""
    newest = claims.newest_series(cur)
    parts, series = [], set()
    for arch in ARCHES:
        new = (arch, newest, "preempt-full", "tcg-icount")
        olds = sorted((k for k in cur.cells if k[0] == arch and k[2] == "preempt-full"
                       and k[3] == "tcg-icount" and k != new), key=lambda k: version_key(k[1]))
        if new not in cur.cells or not olds:
            continue
        old = olds[-1]
        series.add(old[1])
        a, b = cur.records(old), cur.records(new)
        common = [k for k in a if k in b and k[1] == "native"]
        if not common:
            continue
        moved, shown = [], []
        for k in sorted(common, key=lambda k: (k[2], cur.table(old).index(k[0]), k[3])):
            x, y = figs.rec(cur, old, a[k]), figs.rec(cur, new, b[k])
            if x != y:
                moved.append(f"{k[0]} d{k[2]} {k[3]} {f(x)} → {f(y)} ({y - x:+.0f})")
            elif k[2] == 1 and k[3] == "on" and k[0] in ("preempt_only", "irqsave", "spin_only",
                                                          "irq", "scoped"):
                shown.append(f"{k[0]} {f(x)} = {f(y)}")
        said = (f"on {arch} all {len(common)} cases both ran cost the same"
                if not moved else
                f"on {arch} {len(common) - len(moved)} of {len(common)} cases cost the same, "
                f"{len(moved)} moved: " + ", ".join(moved))
        parts.append(said + (f" (depth 1, entered on: {', '.join(shown)})" if shown else ""))
    if not parts:
        return None
    head = ("No" if all(" moved:" not in p for p in parts) else "In some cases")
    return (f"**Did {newest}'s counted interrupt disabling make the existing primitives dearer? "
            f"{head}.** Preempt-full cells, {' and '.join(sorted(series, key=version_key))} against {newest} (the one config whose "
            "preemption model the two series share), every case both ran natively: "
            + "; ".join(parts) + ".")


def answer_scoped(cur, figs):
    parts = []
    for arch in claims.ARCHES:
        c = c_lw(claims.table(cur, figs, arch))
        key = c["cell"] if c else None
        if not key:
            continue
        d8s = cur.find(key, "scoped", "native", 8, "on")
        d8c = cur.find(key, "counted", "native", 8, "on")
        if c["scoped"] is None or c["lock_on"] is None:
            continue
        s = (f"on {arch} scoped_guard(irqsave) around a plain lock costs {f(c['scoped'])} "
             f"against spin_lock_irq_disable()'s {f(c['lock_on'])} at depth 1")
        if d8s and d8c:
            s += (f", {f(figs.rec(cur, key, d8s))} against {f(figs.rec(cur, key, d8c))} "
                  "at depth 8")
        parts.append(s)
    if not parts:
        return None
    rows = [c_lw(claims.table(cur, figs, a)) for a in claims.ARCHES]
    cheaper = [r["scoped"] < r["lock_on"] for r in rows
               if r and r["scoped"] is not None and r["lock_on"] is not None]
    head = ("the scoped macro is cheaper" if cheaper and all(cheaper) else
            "the counter is cheaper" if cheaper and not any(cheaper) else "it depends on the arch")
    return (f"**Is a new counter needed (Bart's question)? On cost, {head}:** "
            + cap("; ".join(parts)) + ". What the counter buys is whether releasing locks hand over "
            "hand turns interrupts back on under a held lock (depth 2, entered on): "
            + hoh_leaks(cur) + "." + (f" {cap(never_masks(cur, figs))}." if never_masks(cur, figs)
                                      else ""))


# the lock types that mask interrupts when taken with irqsave or the
# counted API: the hand-over-hand hazard is only theirs. PREEMPT_RT's
# spinlock_t is an rt_mutex (the records' lock_type) and never masks.
MASKING = ("spinlock_t", "raw_spinlock_t")
NEVER_MASKS = "this lock never masks on this kernel (PREEMPT_RT spinlock_t)"


def hoh_leaks(cur):
    """Per hand-over-hand variant and masking lock type, in how many cells
    its verified operations left interrupts on under a held lock: never,
    always, or in some of them. A lock that never masks (rt_mutex) is
    left to never_masks(): what it reports is RT's semantics, not the
    hazard."""
    parts = []
    for variant in cur.hoh_variants():
        by_type = {}
        for r in (cur.find(k, variant, "native", 2, "on") for k in cur.keys()):
            if r and r["lock_type"] in MASKING:
                by_type.setdefault(r["lock_type"], []).append(r)
        for lock_type, seen in by_type.items():
            never = sum(1 for r in seen if not r["irq_leaks"])
            always = sum(1 for r in seen if r["irq_leaks"] and r["irq_leaks"] == r["verify_ops"])
            n = len(seen)
            said = (f"never, in {n} cells" if never == n else
                    f"in every verified operation, in {n} cells" if always == n else
                    f"never in {never}, in every operation in {always}, in some in {n - never - always} "
                    f"of {n} cells")
            parts.append(f"{variant} on {lock_type} {said}")
    return "; ".join(parts) or "no hand-over-hand variant on a masking lock was measured"


def never_masks(cur, figs):
    """The one statement of the cells whose spinlock_t is an rt_mutex:
    it never masks, so even plain irqsave at depth 1 reports every
    verified operation with interrupts on; None without such a cell."""
    keys = [k for k in cur.keys()
            if any(r["lock_type"] == "rt_mutex" for r in cur.records(k).values())]
    if not keys:
        return None
    # the newest x86_64 rt cell where there is one
    key = max(keys, key=lambda k: (k[0] == "x86_64", k[2] == "rt", version_key(k[1])))
    r = cur.find(key, "irqsave", "native", 1, "on")
    shown = (f"; even plain irqsave at depth 1 reports {f(figs.rec(cur, key, r, 'irq_leaks'))} of "
             f"{r['verify_ops']} verified operations with interrupts on ({cell_name(key)}, "
             "entered on)" if r and r["lock_type"] == "rt_mutex" else "")
    return (f"under PREEMPT_RT spinlock_t is an rt_mutex: {NEVER_MASKS}, in {len(keys)} cells "
            f"({', '.join(cell_name(k) for k in keys)}){shown}. That is RT's semantics, not the "
            "hand-over-hand hazard, and is counted apart from it")


def leaks(cur, key, variant):
    """Whether a hand-over-hand variant entered on at depth 2 left
    interrupts on under a held lock in every verified operation (True),
    never (False), or was not measured (None)."""
    r = cur.find(key, variant, "native", 2, "on")
    if not r:
        return None
    return r["irq_leaks"] == r["verify_ops"] if r["irq_leaks"] else False


def rt_cost(cur, figs):
    """What lock() costs on PREEMPT_RT against spin_lock() alone, per
    arch, from the rt rows of the claims tables."""
    parts = []
    for arch in claims.ARCHES:
        r = next((x for x in claims.table(cur, figs, arch) if x["cell"][2] == "rt"), None)
        if r and r["lock_on"] is not None and r["spin_only"] is not None:
            same = "the same as" if r["lock_on"] == r["spin_only"] else "against"
            parts.append(f"{f(r['lock_on'])} instructions on {arch}, {same} spin_lock() alone "
                         f"({f(r['spin_only'])}, {cell_name(r['cell'])})")
    return ("On RT lock() entered on costs " + "; ".join(parts) + ".") if parts else ""


def answer_rt(cur, figs):
    for key in cur.keys():
        if key[2] != "rt+debug":
            continue
        c = cur.cells[key]
        report = (c.get("meta") or {}).get("provoke_report") or []
        first = next((l.strip() for l in report if "sleeping function" in l), None)
        if not first:
            continue
        raw = leaks(cur, key, "raw_irqsave_hoh")
        cnt = leaks(cur, key, "raw_counted_hoh")
        tail = ""
        if raw is not None and cnt is not None:
            tail = (" On RT only raw_spinlock_t masks: released hand over hand, "
                    f"raw_spin_lock_irqsave() {'left interrupts on under a held lock in every verified operation' if raw else 'never leaked'} "
                    f"and raw_spin_lock_irq_disable() {'leaked too' if cnt else 'never did'} "
                    "(raw_irqsave_hoh, raw_counted_hoh, depth 2, entered on).")
        return ("**PREEMPT_RT: lock_with() under local_interrupt_disable() is a bug there.** "
                "spinlock_t is a sleeping rt_mutex, and taking it with interrupts masked is what "
                "the kernel reported when the selftest took that path once on purpose "
                f"({cell_name(key)}, run {c['run_id']}): `{first}`." + tail
                + (" " + rt_cost(cur, figs) if rt_cost(cur, figs) else ""))
    return ("**PREEMPT_RT: lock_with() under local_interrupt_disable() is a bug there** "
            "(spinlock_t is a sleeping rt_mutex). No rt+debug cell of the current irqbench holds "
            "the kernel's report yet: `make bench KERNELS=7.3 CONFIGS=rt+debug` records it.")


def lock_table(cur, figs, arch):
    tab = claims.table(cur, figs, arch)
    if not tab:
        return [f"No {arch} cell of the current irqbench has these cases."]
    out = ["| code | lock() on | lock() off | lock() off-raw | lock_with() | token | token + "
           "lock_with() | scoped | spin_lock() alone | break-even locks/token | cell (kernel, "
           "config, preemption, compiler) |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in tab:
        p = cur.provenance(r["cell"])
        be = str(r["break_even"]) if r["break_even"] is not None else "–"
        out.append(f"| {r['column']} | {f(r['lock_on'])} | {f(r['lock_off'])} | "
                   f"{f(r['lock_off_raw'])} | {f(r['lock_with'])} | {f(r['token'])} | "
                   f"{f(r['token_lock_with'])} | {f(r['scoped'])} | {f(r['spin_only'])} | {be} | {md(p['kernel'])}, "
                   f"{p['config']}, {md(p['preemption'])}, {md(compiler(p['compiler']))} |")
    return out


def compiler(text):
    t = (text or "?").split("(")[0].strip()
    v = (text or "").split()[-1] if text else ""
    return f"{t} {v}".strip() if t.lower() in ("gcc", "debian clang", "clang") else (text or "?")


def span(lo, hi):
    return "–" if lo is None else f"×{lo:.2f}–{hi:.2f}"


def pairs_intro(t):
    return (f"{t['source']['mail']}: {t['source']['what']}. Two verdicts per pair. *Direction*: "
            "is irqbench's cheaper side the thread's? A run agrees when its tick interval lies "
            "wholly on irqbench's side of equal cost, disagrees when wholly on the other, and is "
            "within the thread's own error when it holds both; where the thread's runs on one "
            "machine fall on opposite sides, the thread does not resolve the direction, for "
            "either run (the mail itself says some x86 runs showed no difference). *Magnitude*: "
            "does irqbench's instruction ratio lie in the thread's interval, the tick intervals "
            "of the machine's runs widened to span them all (the spread between the thread's "
            "own runs)? One tick: " + "; ".join(f"{m['label']} {m['tick_ns']:.2f} ns"
                                                  for m in t["machines"].values()) + ".")


def verdict_table(cur, figs):
    rows = claims.thread_verdicts(cur, figs)
    out = ["| claim | thread run | thread's ratio | its tick interval | the thread's interval "
           "(its runs on the machine) | irqbench's ratio (insn, Rust cell) | direction | "
           "magnitude |", "|---|---|---:|---|---|---:|---|---|"]
    for r in rows:
        mine = f"{r['mine']:.2f} ({cell_name(r['cell'])})" if r["mine"] is not None else "–"
        read = (f"{'–' if r['cheap'] is None else r['cheap']} vs "
                f"{'–' if r['dear'] is None else r['dear']} {r['unit'] or '(no unit)'}")
        ratio = f"×{r['ratio']:.2f}" if r["ratio"] is not None else "–"
        out.append(f"| {r['claim']['question']} | {r['machine']['label']}, run {r['run']}: "
                   f"{read} | {ratio} | {span(r['lo'], r['hi'])} | {span(*r['span'])} | {mine} | "
                   f"{r['direction']} | {r['magnitude']} |")
    return out


# the compiler's frame record (ABI, not the design): arm64's x29/x30 pair,
# x86's frame pointer, and the like on the other arches
FRAME = ("stp x29, x30", "ldp x29, x30", "mov x29, sp", "push %rbp", "pop %rbp",
         "mov %rsp,%rbp", "stdu r1", "mflr r0", "mtlr r0", "stmg %r", "lmg %r")
DESIGN = ("irqflag", "preempt", "percpu", "atomic", "barrier")


def split_only(only):
    """The instructions one path adds, as (design, frame, rest): what the
    primitive's design does (interrupt flags, counts, atomics, barriers),
    the compiler's frame records, and the code around them."""
    design, frame, rest = [], [], []
    for (asm, cls), n, _fn in only:
        if cls in DESIGN:
            design.append((asm, n))
        elif asm.startswith(FRAME):
            frame.append((asm, n))
        else:
            rest.append((asm, n))
    return design, frame, rest


def listed(items):
    return ", ".join(f"`{a}`" + (f" ×{n}" if n > 1 else "") for a, n in items)


def why(cur, figs):
    out = []
    for arch in claims.ARCHES:
        key = claims.cell_for(cur, arch, "default")
        if not key:
            continue
        rows = explain.pairs(cur, figs, ("counted", "native", 1, "off"),
                             ("lock_with", "native", 1, "off"), arch, "default")
        r = next((x for x in rows if x["cell"] == key), None)
        if not r:
            continue
        if r["classes"] is None:
            out.append(f"- {arch}: no trace of both in {cell_name(key)} yet "
                       "(`make annotate-results`).")
            continue
        design, frame, rest = split_only(r["only_a"])
        text = (f"- **{arch}** ({cell_name(key)}): lock() entered off runs {f(r['diff'])} "
                f"instructions more than lock_with() ({explain.classes_text(r['classes'])}). "
                f"The design's: {listed(design) or 'none'}")
        if frame:
            text += (f"; the compiler's frame records of the out-of-line calls: "
                     f"{sum(n for _a, n in frame)} ({listed(frame)})")
        if rest:
            text += (f"; the code around them (moves, tests and branches of the count): "
                     f"{sum(n for _a, n in rest)}")
        out.append(text + ".")
    return out


def reading(e):
    """A thread difference of two readings, two ticks either way."""
    if e["tick"] == 1:
        return f"{e['excess_ticks']:.0f} ± 2 ns"
    return f"{e['excess_ticks']:.0f} ± 2 ticks of {e['tick']:.2f} ns"


def cannot_say(cur, figs):
    t = claims.thread()
    out = []
    m4 = t["machines"]["m4"]
    out.append(f"- {m4['label']}: {m4['tick_why']}. The thread's lock_with()/lock() ratio is "
               "therefore only known to lie in the tick interval of the table above.")
    i7 = t["machines"]["i7"]
    out.append(f"- {i7['label']}: {i7['caveat']}.")
    ex = claims.excess_per_insn(cur, figs)
    for e in ex:
        (elo, ehi), (blo, bhi) = e["ns_per_excess_insn"], e["ns_per_base_insn"]
        out.append(f"- {e['machine']['label']}, run {e['run']}: lock()'s interrupts-on excess "
                   f"({reading(e)} in {claims.thread()['source']['ops']} operations) costs {elo:.2f}–{ehi:.2f} ns "
                   f"per instruction of it ({f(e['excess_insn'])} instructions, "
                   f"{cell_name(e['cell'])}) against {blo:.2f}–{bhi:.2f} ns per instruction for the "
                   "rest of lock()"
                   + (": the flag write itself costs more than an instruction." if elo > bhi else
                      ": the two intervals overlap, so the thread does not show the flag write "
                      "dearer than an instruction." if ehi >= blo else "."))
    for c in t["cycles"]:
        out.append(f"- {c['what']} ({c['source']}, <{c['url']}>).")
    out.append("- An instruction count is a path length. It says nothing of cycles, pipelines or "
               "caches; claims about nanoseconds need `ACCEL=kvm` or bare metal "
               "(`make bare-metal`), whose records carry cycles_p50 where a PMU is usable.")
    return out


def runs_table(cur):
    out = ["| cell | run | kernel | config | accel | preemption | compiler | command |",
           "|---|---|---|---|---|---|---|---|"]
    for key in cur.keys():
        p = cur.provenance(key)
        out.append(f"| {cell_name(key)} | {p['run']} | {md(p['kernel'])} | {p['config']} | {p['accel']} | "
                   f"{md(p['preemption'])} | {md(compiler(p['compiler']))} | {md_code(p['command'])} |")
    return out


def intro(cur, figs):
    """What a figure is, once: the unit, its granularity, how it is printed."""
    g = figs.grains()
    coarsest = ", ".join(f"{a} {g[a]:.2g}" for a in ARCHES if a in g)
    grain = (" Under tcg-icount a count is exact up to the guest clock's tick per batch: a figure "
             "is the difference of two timed batches, each read to a tick (arch-matrix/arches.tsv "
             "tick_insn), over the record's batch of operations, so it is exact to two ticks over "
             f"batch_ops; for the figures of this page and its pages at most {coarsest} "
             "instructions. A figure that lies within that of a whole number is printed as the "
             "whole number (118.992 at 2/256 is 119)." if g else "")
    return ("Every figure is a count of guest instructions per operation (QEMU `-icount`, exact "
            "and repeatable), measured on the cells listed under *The runs*; a page element with "
            "no such run says so. Lower is cheaper; a count is a path length, not a time (see "
            "*What a count cannot say*)." + grain)


def write(cur, figs, path, links):
    answers = [answer_lock_with(cur, figs), answer_token(cur, figs), answer_series(cur, figs),
               answer_rt(cur, figs), answer_scoped(cur, figs)]
    lines = [
        "# irqbench: findings",
        "",
        None,  # the figures' granularity: said once every figure is made
        "",
        f"Every cell here was measured at irqbench method identity `{cur.method}` "
        "([what that is](docs/method.md#method-identity); "
        + (f"{len(cur.stale)} cells measured only at other identities are history, listed in "
           "[docs/results/stale.md](docs/results/stale.md))." if cur.stale else
           "no cell of another identity is held)."),
        "",
        "## Answers",
        "",
    ]
    lines += [f"{i}. {a}" for i, a in enumerate((a for a in answers if a), 1)]
    lines += ["", "## lock() and lock_with() per arch, depth 1", "",
              "lock() is spin_lock_irq_disable() in C and SpinLockIrq::lock() in Rust; "
              "lock_with() is spin_lock() under the token in C and SpinLockIrq::lock_with() in "
              "Rust; the token is local_interrupt_disable()/enable() entered on; scoped is "
              "scoped_guard(irqsave) around spin_lock(). *off* is inside an outer "
              "local_interrupt_disable(), *off-raw* under local_irq_save() (a hard-irq "
              "handler). Break-even: the fewest locks k one token must cover for token + k "
              "lock_with() to cost less than k lock() entered on. The C, clang column is the C code of the Rust "
              "kernel. Under PREEMPT_RT spinlock_t is an rt_mutex: there lock() is set against "
              "spin_lock() alone (lock_with() and entered off were not measured there)."]
    for arch in claims.ARCHES:
        lines += ["", f"### {arch}", ""] + lock_table(cur, figs, arch)
    lines += ["", "## The thread's pairs", "",
              pairs_intro(claims.thread()), ""] + verdict_table(cur, figs)
    lines += ["", "## Why", "", "From the traces of one operation (`make explain "
              "A=counted/native/d1/off B=lock_with/native/d1/off` prints them, and any other "
              "pair the same way):", ""] + why(cur, figs)
    lines += ["", "## What a count cannot say", ""] + cannot_say(cur, figs)
    lines += ["", "## More", ""] + links
    lines += ["", "## The runs", ""] + runs_table(cur)
    lines[lines.index(None)] = intro(cur, figs)
    text = "\n".join(lines) + "\n"
    write_atomic(path, text)
    return text
