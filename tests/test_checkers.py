"""python3 -m tests.test_checkers KUNIT_DIR: the checkers make check relies
on, fed planted inputs, as KTAP. A checker that cannot fail would make every
test behind it meaningless, so each planted fault must be caught and a clean
input passed.
"""
import copy
import os
import sys
import tempfile

from irqbench import checks as check_records
from irqbench import ktap as ktap_judge
from irqbench.variants import Table

from . import tap

# The rows of the module's variant table the planted cells use, as a guest
# prints them (debugfs "variants"; kmod-bench/variant_rows.h).
TABLE = Table([
    {"id": "irqsave", "depths": "1-16", "hazard": "-", "same": "-"},
    {"id": "irqsave_hoh", "depths": "1-16", "hazard": "yes", "nested": "irqsave",
     "same": "native d1 on,off: irqsave"},
    {"id": "raw_irqsave", "depths": "1-16", "hazard": "-", "same": "native d1 on: irqsave"},
    {"id": "counted", "depths": "1-16", "hazard": "-", "counted": "yes", "same": "-"},
    {"id": "raw_counted", "depths": "1-16", "hazard": "-", "counted": "yes",
     "same": "native d1 on: counted; native-builtin d1 off: counted"},
    {"id": "raw_counted_hoh", "depths": "1-16", "hazard": "-", "counted": "yes",
     "nested": "raw_counted", "same": "native d2 on: counted_hoh"},
    {"id": "lock_with", "depths": "1-16", "hazard": "-", "counted": "yes",
     "same": "native d1 off,off-raw: spin_only d1 off"},
    {"id": "spin_only", "depths": "1-16", "hazard": "-", "same": "-"},
    {"id": "empty", "depths": "1-1", "hazard": "-", "same": "-"},
])


def tests(recs, table=TABLE):
    return check_records.tests(recs, table)


def record(variant, impl, depth, state, p50, arch="x86_64", **kw):
    r = {"arch": arch, "kernel": "7.3.0-rc7", "config": "default", "accel": "tcg-icount",
         "variant": variant, "impl": impl, "depth": depth, "irq_state": state,
         "batch_ops": 1024, "samples": 3, "unit": "insn", "p50": float(p50),
         "min": float(p50), "max": float(p50), "ci95_lo": float(p50), "ci95_hi": float(p50),
         "irq_leaks": 0, "verify_ops": 64, "irq_state_changes": 0, "irq_exposed": 0,
         "values": [float(p50)] * 3, "cpu_model": "QEMU", "mean": float(p50),
         "p90": float(p50), "p99": float(p50), "stddev": 0.0, "ticks_p50": float(p50),
         "counter": "tsc", "cycles_p50": None, "lang": "c", "irq_mask": "eflags",
         "lock_type": "spinlock_t"}
    r.update(kw)
    return r


def clean_cell():
    return [
        record("irqsave", "native", 1, "on", 24), record("irqsave", "native", 2, "on", 48),
        record("irqsave_hoh", "native", 1, "on", 24),
        record("irqsave_hoh", "native", 2, "on", 49, irq_leaks=64, irq_exposed=64),
        record("irqsave", "native", 1, "off", 23), record("irqsave_hoh", "native", 1, "off", 23),
        record("lock_with", "native", 1, "off", 14), record("lock_with", "native", 1, "off-raw", 14),
        record("spin_only", "native", 1, "off", 14), record("empty", "native", 1, "on", 0),
    ]


def failed(results, what):
    return any(w.startswith(what) and why for w, why, _s in results)


def main():
    kunit = sys.argv[1]
    checks = []
    with tempfile.TemporaryDirectory() as tmp:
        def stream(name, text):
            path = os.path.join(tmp, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            return ktap_judge.judge(kunit, "", path)

        abort = "TAP version 13\n1..35\nok 1 a\nok 2 b\nok 3 c\n==1==ERROR: AddressSanitizer: SEGV\n"
        v = stream("abort.ktap", abort)
        checks.append(("an ASan abort after 3 of 35 planned results fails",
                       [x for x, _n in v].count("pass") == 3 and "fail" in [x for x, _n in v]))
        v = stream("clean.ktap", "TAP version 13\n1..2\nok 1 a\nok 2 b # SKIP why\n")
        checks.append(("a complete stream passes, its skip counted as a skip",
                       [x for x, _n in v] == ["pass", "skip"]))
        v = stream("empty.ktap", "no ktap here\n")
        checks.append(("a stream with no KTAP fails", [x for x, _n in v] == ["fail"]))
        v = stream("noplan.ktap", "TAP version 13\nok 1 a\nok 2 b\n")
        checks.append(("a stream without a plan fails", [x for x, _n in v] == ["fail"]))
        v = stream("beyond.ktap", "TAP version 13\n1..1\nok 1 a\nnot ok 2 b\n")
        checks.append(("results beyond the plan fail", [x for x, _n in v] == ["fail"]))
        v = stream("failed.ktap", "TAP version 13\n1..2\nok 1 a\nnot ok 2 b\n")
        checks.append(("a failed result fails", [x for x, _n in v] == ["pass", "fail"]))
        v = ktap_judge.judge(kunit, "", os.path.join(tmp, "absent.ktap"))
        checks.append(("a missing stream fails", [x for x, _n in v] == ["fail"]))

    clean = tests(clean_cell())
    checks.append(("clean records pass every record check", not any(why for _w, why, _s in clean)))
    planted = clean_cell()
    planted[-1]["p50"] = -1.0  # a negative cost of the empty operation
    checks.append(("a planted negative cost fails",
                   failed(tests(planted), "no case costs less")))
    # the same cell in ns: a whole interval below 0 fails under kvm, and is a
    # skip with its reason under plain tcg (emulation time)
    for accel, want in (("kvm", "fails"), ("tcg", "is skipped")):
        planted = [dict(r, accel=accel, unit="ns") for r in clean_cell()]
        planted[-1].update(p50=-5.0, ci95_lo=-6.0, ci95_hi=-4.0)
        res = [x for x in tests(planted) if x[0].startswith("no case costs less")]
        got = "fails" if res and res[0][1] else "is skipped" if res and res[0][2] else "passes"
        checks.append((f"a negative cost in ns under {accel} {want}", got == want))
    planted = clean_cell()
    planted[2]["p50"] = 27.0  # irqsave_hoh d1 on no longer equals irqsave d1 on
    checks.append(("a planted difference between identical code fails",
                   failed(tests(planted), "identical code")))
    planted = clean_cell()
    planted[1]["p50"] = 20.0  # depth 2 cheaper than depth 1
    checks.append(("a planted cost falling with depth fails",
                   failed(tests(planted), "no nesting variant")))
    planted = clean_cell()
    planted[0]["irq_leaks"] = 1
    checks.append(("a planted leak outside the hazard fails",
                   failed(tests(planted), "only hand-over-hand")))
    # PREEMPT_RT: spinlock_t's irqsave leaves interrupts on, raw_spinlock_t's must not
    planted = [dict(r, config="rt", lock_type="rt_mutex") for r in clean_cell()]
    planted[0].update(irq_leaks=64, irq_exposed=64)
    checks.append(("a leak of spinlock_t under PREEMPT_RT (an rt_mutex) passes",
                   not failed(tests(planted), "only hand-over-hand")))
    planted.append(record("raw_irqsave", "native", 1, "on", 24, config="rt", lock_type="raw_spinlock_t",
                          irq_leaks=64))
    checks.append(("a leak of raw_spinlock_t under PREEMPT_RT fails",
                   failed(tests(planted), "only hand-over-hand")))
    # raw_spin_lock_irq_disable() released hand-over-hand is counted: no hazard, RT or not
    planted = [dict(r, config="rt", lock_type="rt_mutex") for r in clean_cell()]
    planted.append(record("raw_counted_hoh", "native", 2, "on", 60, config="rt", lock_type="raw_spinlock_t",
                          irq_leaks=64, irq_exposed=64))
    checks.append(("a leak of raw_counted_hoh (counted, not a hazard) fails",
                   failed(tests(planted), "only hand-over-hand")))
    # spin_lock_irq_disable() is raw_spin_lock_irq_disable() on the lock inside
    planted = clean_cell() + [record("counted", "native", 1, "on", 32),
                              record("raw_counted", "native", 1, "on", 32, lock_type="raw_spinlock_t")]
    checks.append(("counted and raw_counted at the same cost pass",
                   not failed(tests(planted), "identical code")))
    planted[-1]["p50"] = 33.0
    checks.append(("raw_counted costing other than counted fails",
                   failed(tests(planted), "identical code")))
    # a pseudo-NMI boot that masked through DAIF (the command line did not
    # take effect), and PMR masking where pseudo-NMI was not asked for
    planted = [dict(r, arch="arm64", config="pseudo-nmi", irq_mask="pmr") for r in clean_cell()]
    checks.append(("pseudo-nmi records masked by pmr pass",
                   not failed(tests(planted), "interrupts were masked")))
    planted[3]["irq_mask"] = "daif"
    checks.append(("a pseudo-nmi record masked by daif fails",
                   failed(tests(planted), "interrupts were masked")))
    planted = [dict(r, arch="arm64", irq_mask="pmr") for r in clean_cell()]
    checks.append(("pmr masking on a default config fails",
                   failed(tests(planted), "interrupts were masked")))
    planted = copy.deepcopy(clean_cell())
    del planted[0]["p50"]
    checks.append(("a record missing a field fails", failed(tests(planted), "records are well")))
    checks.append(("a cell without its variant table fails",
                   failed(tests(clean_cell(), Table([])), "the module published")))
    planted = clean_cell()
    planted[2]["p50"] = 27.0
    planted[6]["p50"] = 15.0  # and lock_with d1 off, against spin_only d1 off
    res = [why for w, why, _s in tests(planted) if w.startswith("identical code")]
    checks.append(("every identical-code failure is named, not only the first",
                   bool(res) and "irqsave_hoh" in res[0] and "lock_with" in res[0]))
    broken = Table([{"id": "x", "depths": "1-16", "same": "native d1 on irqsave"}])
    try:
        broken.identical()
        ok = False
    except ValueError:
        ok = True
    checks.append(("a malformed 'same' column of the variant table is an error", ok))

    sys.exit(tap.report([(ok, what) for what, ok in checks]))


if __name__ == "__main__":
    main()
