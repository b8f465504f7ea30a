#!/usr/bin/python3
"""test_checkers.py KUNIT_DIR: the checkers make check relies on, fed planted
inputs, as KTAP. A checker that cannot fail would make every test behind it
meaningless, so each planted fault must be caught and a clean input passed.
"""
import copy
import os
import sys
import tempfile

import check_records
import ktap_judge


def record(variant, impl, depth, state, p50, arch="x86_64", **kw):
    r = {"arch": arch, "kernel": "7.3.0-rc7", "config": "default", "accel": "tcg-icount",
         "variant": variant, "impl": impl, "depth": depth, "irq_state": state,
         "batch_ops": 1024, "samples": 3, "unit": "insn", "p50": float(p50),
         "min": float(p50), "max": float(p50), "ci95_lo": float(p50), "ci95_hi": float(p50),
         "irq_leaks": 0, "verify_ops": 64, "irq_state_changes": 0, "irq_exposed": 0,
         "values": [float(p50)] * 3}
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

    clean = check_records.tests(clean_cell())
    checks.append(("clean records pass every record check", not any(why for _w, why, _s in clean)))
    planted = clean_cell()
    planted[-1]["p50"] = -1.0  # a negative cost of the empty operation
    checks.append(("a planted negative cost fails",
                   failed(check_records.tests(planted), "no case costs less")))
    # the same cell in ns: a whole interval below 0 fails under kvm, and is a
    # skip with its reason under plain tcg (emulation time)
    for accel, want in (("kvm", "fails"), ("tcg", "is skipped")):
        planted = [dict(r, accel=accel, unit="ns") for r in clean_cell()]
        planted[-1].update(p50=-5.0, ci95_lo=-6.0, ci95_hi=-4.0)
        res = [x for x in check_records.tests(planted) if x[0].startswith("no case costs less")]
        got = "fails" if res and res[0][1] else "is skipped" if res and res[0][2] else "passes"
        checks.append((f"a negative cost in ns under {accel} {want}", got == want))
    planted = clean_cell()
    planted[2]["p50"] = 27.0  # irqsave_hoh d1 on no longer equals irqsave d1 on
    checks.append(("a planted difference between identical code fails",
                   failed(check_records.tests(planted), "identical code")))
    planted = clean_cell()
    planted[1]["p50"] = 20.0  # depth 2 cheaper than depth 1
    checks.append(("a planted cost falling with depth fails",
                   failed(check_records.tests(planted), "no nesting variant")))
    planted = clean_cell()
    planted[0]["irq_leaks"] = 1
    checks.append(("a planted leak outside the hazard fails",
                   failed(check_records.tests(planted), "only hand-over-hand")))
    # PREEMPT_RT: spinlock_t's irqsave leaves interrupts on, raw_spinlock_t's must not
    planted = [dict(r, config="rt", lock_type="rt_mutex") for r in clean_cell()]
    planted[0].update(irq_leaks=64, irq_exposed=64)
    checks.append(("a leak of spinlock_t under PREEMPT_RT (an rt_mutex) passes",
                   not failed(check_records.tests(planted), "only hand-over-hand")))
    planted.append(record("raw_irqsave", "native", 1, "on", 24, config="rt", lock_type="raw_spinlock_t",
                          irq_leaks=64))
    checks.append(("a leak of raw_spinlock_t under PREEMPT_RT fails",
                   failed(check_records.tests(planted), "only hand-over-hand")))
    # raw_spin_lock_irq_disable() released hand-over-hand is counted: no hazard, RT or not
    planted = [dict(r, config="rt", lock_type="rt_mutex") for r in clean_cell()]
    planted.append(record("raw_counted_hoh", "native", 2, "on", 60, config="rt", lock_type="raw_spinlock_t",
                          irq_leaks=64, irq_exposed=64))
    checks.append(("a leak of raw_counted_hoh (counted, not a hazard) fails",
                   failed(check_records.tests(planted), "only hand-over-hand")))
    # spin_lock_irq_disable() is raw_spin_lock_irq_disable() on the lock inside
    planted = clean_cell() + [record("counted", "native", 1, "on", 32),
                              record("raw_counted", "native", 1, "on", 32, lock_type="raw_spinlock_t")]
    checks.append(("counted and raw_counted at the same cost pass",
                   not failed(check_records.tests(planted), "identical code")))
    planted[-1]["p50"] = 33.0
    checks.append(("raw_counted costing other than counted fails",
                   failed(check_records.tests(planted), "identical code")))
    # a pseudo-NMI boot that masked through DAIF (the command line did not
    # take effect), and PMR masking where pseudo-NMI was not asked for
    planted = [dict(r, arch="arm64", config="pseudo-nmi", irq_mask="pmr") for r in clean_cell()]
    checks.append(("pseudo-nmi records masked by pmr pass",
                   not failed(check_records.tests(planted), "interrupts were masked")))
    planted[3]["irq_mask"] = "daif"
    checks.append(("a pseudo-nmi record masked by daif fails",
                   failed(check_records.tests(planted), "interrupts were masked")))
    planted = [dict(r, arch="arm64", irq_mask="pmr") for r in clean_cell()]
    checks.append(("pmr masking on a default config fails",
                   failed(check_records.tests(planted), "interrupts were masked")))
    planted = copy.deepcopy(clean_cell())
    del planted[0]["p50"]
    checks.append(("a record missing a field fails", failed(check_records.tests(planted), "records are well")))

    print(f"TAP version 13\n1..{len(checks)}")
    for i, (what, ok) in enumerate(checks, 1):
        print(f"{'ok' if ok else 'not ok'} {i} {what}")
    sys.exit(0 if all(ok for _w, ok in checks) else 1)


if __name__ == "__main__":
    main()
