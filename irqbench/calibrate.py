"""python3 -m irqbench.calibrate RUN_DIR1 RUN_DIR2 [OUT_JSON]: calibration of
the ns-mode gate from two plain-TCG runs at one commit with REPEAT>=2
(scripts/calibrate.sh makes them). False positives: cases RUN2 calls changed against RUN1 (none is
real). Power: one case of RUN2 (PLANT, the first counted native d1 irqs-on
case) has every per-boot figure scaled by 1.05, a planted 5 % slowdown;
found when compare calls it a regression. Writes OUT_JSON (default
results/calibration.json), which the generated pages render."""
import json
import os
import sys

from . import case, cli, compare, paths, runfiles


def main(argv):
    ap = cli.Parser(prog="python3 -m irqbench.calibrate", description=__doc__.splitlines()[0])
    ap.add_argument("run1", metavar="RUN_DIR1")
    ap.add_argument("run2", metavar="RUN_DIR2")
    ap.add_argument("out", nargs="?", metavar="OUT_JSON")
    a = ap.parse_args(argv)
    d1, d2 = a.run1, a.run2
    for d in (d1, d2):
        if not os.path.isfile(os.path.join(d, "run.json")):
            raise cli.Fail(3, f"{d} is not a run directory")
    out = a.out or os.path.join(paths.RESULTS, "calibration.json")
    m1, r1 = runfiles.load_run(d1)
    m2, r2 = runfiles.load_run(d2)
    if {r["accel"] for r in r1 + r2} != {"tcg"}:
        raise cli.Fail(3, "calibration needs two plain-TCG (ns) runs")
    opts = compare.options()
    rows, only1, only2, _ = compare.evaluate(r1, r2, opts)
    false_pos = [r["name"] for r in rows if r["verdict"] in ("REGRESSION", "improvement")]
    plant = sorted((r for r in r2 if r["variant"] == "counted" and r["impl"] == "native"
                    and r["depth"] == 1 and r["irq_state"] == "on"),
                   key=lambda r: (r["arch"], r.get("boot", 0)))
    if not plant:
        raise cli.Fail(3, "RUN2 has no counted native d1 irqs-on case to plant a slowdown in")
    key = case.key(plant[0])
    planted = []
    for r in r2:
        r = dict(r)
        if case.key(r) == key:
            for k in ("p50", "mean", "min", "p90", "p99", "max", "ci95_lo", "ci95_hi"):
                r[k] = r[k] * 1.05
            r["values"] = [v * 1.05 for v in r.get("values", [])]
        planted.append(r)
    prows, _, _, _ = compare.evaluate(r1, planted, compare.options())
    name = compare.key_name(compare.rec_key(plant[0]), None)
    hit = [r for r in prows if r["name"] == name]
    result = {
        "run1": os.path.basename(d1), "run2": os.path.basename(d2),
        "command1": m1.get("command"), "command2": m2.get("command"),
        "alpha": opts.alpha, "threshold_pct": opts.threshold, "floor_ns": opts.floor,
        "boots": min(min(len(r["b"]), len(r["n"])) for r in rows),
        "cases": len(rows), "false_positives": len(false_pos), "false_positive_cases": false_pos,
        "false_positive_rate": len(false_pos) / len(rows),
        "planted_case": name, "planted_factor": 1.05,
        "planted_verdict": hit[0]["verdict"] if hit else "missing",
        "planted_p_bh": hit[0]["p"] if hit else None,
        "planted_other_changes": sum(1 for r in prows if r["name"] != name and r["verdict"] != "same"),
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{result['false_positives']} of {result['cases']} cases changed between two runs of one commit "
          f"(rate {result['false_positive_rate']:.4f}, alpha {opts.alpha}); planted 5 % in {name}: "
          f"{result['planted_verdict']}")


if __name__ == "__main__":
    sys.exit(cli.run("calibrate", main))
