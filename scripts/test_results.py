#!/usr/bin/python3
"""test_results.py RUN_DIR: KTAP tests of the regression gate, history and
make results, on synthetic runs derived from a real one (RUN_DIR, the
guests of make check): a run compared with itself passes; one whose
counted case got 10 % slower (or one instruction longer under tcg-icount)
fails and names the case; one-sided cases are reported, not dropped."""
import copy
import glob
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
results = []


def check(ok, name):
    results.append((bool(ok), name))


def load(src):
    recs = []
    for j in sorted(glob.glob(os.path.join(src, "*.json"))):
        if os.path.basename(j) != "run.json":
            with open(j, encoding="utf-8") as f:
                recs.extend(json.load(f))
    return recs


def store(root, name, recs, date):
    d = os.path.join(root, name)
    os.makedirs(d)
    with open(os.path.join(d, "records.json"), "w", encoding="utf-8") as f:
        json.dump(recs, f)
    with open(os.path.join(d, "run.json"), "w", encoding="utf-8") as f:
        json.dump({"run_id": name, "irqbench_commit": "test", "date": date, "cells": []}, f)


def compare(root, base, new, *extra):
    env = dict(os.environ, RESULTS=root)
    p = subprocess.run([sys.executable, os.path.join(HERE, "compare.py"), *extra, base, new],
                       capture_output=True, text=True, env=env, check=False)
    return p.returncode, p.stdout + p.stderr


def slower(recs, accel, variant, factor, add):
    out = copy.deepcopy(recs)
    for r in out:
        r["accel"] = accel
        if r["variant"] == variant:
            r["values"] = [v * factor + add for v in r["values"]]
            for k in ("p50", "mean", "min", "p90", "p99", "max", "ci95_lo", "ci95_hi"):
                r[k] = r[k] * factor + add
    return out


def browser_check(page, root):
    """Headless Chromium renders the page from the filesystem with no
    console errors (failed loads, script errors)."""
    chromium = shutil.which("chromium")
    if not chromium:
        check(False, "the dashboard renders in headless Chromium (chromium is not installed)")
        return
    shot = os.path.join(root, "dashboard.png")
    args = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={os.path.join(root, 'chromium')}", "--enable-logging=stderr", "--v=0",
            "--window-size=1400,2000"]
    p = subprocess.run(args + [f"--screenshot={shot}", "file://" + page], capture_output=True,
                       text=True, timeout=120, check=False)
    errors = [l for l in p.stderr.splitlines() if "CONSOLE" in l or "Failed to load resource" in l]
    dom = subprocess.run(args + ["--dump-dom", "file://" + page], capture_output=True, text=True,
                         timeout=120, check=False).stdout
    check(p.returncode == 0 and os.path.exists(shot) and os.path.getsize(shot) > 10000 and "<h1>irqbench</h1>" in dom
          and not errors, f"the dashboard renders in headless Chromium with no console errors {errors[:2]}")


def main():
    src = sys.argv[1]
    recs = load(src)
    check(recs and all(r.get("values") for r in recs), f"the guest runs hold {len(recs)} records with samples")
    root = tempfile.mkdtemp(prefix="irqbench-test-")
    try:
        exact = [dict(r, accel="tcg-icount") for r in recs]
        # ns-mode runs: each case's values repeated to 31 samples, as a
        # default run takes; this tests the gate's logic, not its calibration
        # (five samples cannot pass Holm's correction over hundreds of cases)
        noisy = [dict(r, accel="tcg", values=(r["values"] * 31)[:31], samples=31) for r in recs]
        store(root, "base-exact", exact, "2026-01-01T00:00:00+00:00")
        store(root, "same-exact", exact, "2026-01-02T00:00:00+00:00")
        store(root, "slow-exact", slower(exact, "tcg-icount", "counted", 1.0, 1.0), "2026-01-03T00:00:00+00:00")
        store(root, "base-tcg", noisy, "2026-01-04T00:00:00+00:00")
        store(root, "slow-tcg", slower(noisy, "tcg", "counted", 1.10, 0.0), "2026-01-05T00:00:00+00:00")
        store(root, "fast-tcg", slower(noisy, "tcg", "counted", 0.90, 0.0), "2026-01-06T00:00:00+00:00")
        store(root, "fewer-tcg", [r for r in noisy if r["variant"] != "scoped"], "2026-01-07T00:00:00+00:00")
        # runs for the gate alone, kept out of the results root make results reads
        side = os.path.join(root, "gate")
        os.makedirs(side)
        for n in ("base-exact", "same-exact", "slow-exact", "base-tcg"):
            shutil.copytree(os.path.join(root, n), os.path.join(side, n))
        store(side, "empty-tcg", [], "2026-01-08T00:00:00+00:00")
        one = [r for r in exact if r["kernel"] == exact[0]["kernel"]]
        store(side, "two-kernels", [dict(r, kernel="6.1.192") for r in one] + [dict(r, kernel="7.3.0-rc7") for r in one],
              "2026-01-09T00:00:00+00:00")
        # base median 0 (no ratio exists), new 5 ns: 31 samples each, so the
        # difference survives Holm's correction over every matched case
        base0 = [dict(r, values=[0.0] * 31, p50=0.0) for r in noisy if r["variant"] == "empty"]
        zero = [dict(r, values=[5.0 + i / 100 for i in range(31)], p50=5.15) for r in base0]
        store(side, "zero-base-tcg", base0, "2026-01-10T00:00:00+00:00")
        store(side, "zero-tcg", zero, "2026-01-10T12:00:00+00:00")
        broken = copy.deepcopy(noisy)
        del broken[0]["irq_state"]
        store(side, "broken-tcg", broken, "2026-01-11T00:00:00+00:00")

        rc, out = compare(root, "base-exact", "same-exact")
        check(rc == 0 and "0 regressions" in out, "compare: a tcg-icount run against itself exits 0")
        rc, out = compare(root, "base-exact", "slow-exact")
        named = [l for l in out.splitlines() if l.startswith("REGRESSION")]
        check(rc == 1 and named and all(" counted " in l for l in named),
              f"compare: counted one instruction longer under tcg-icount exits 1 and names it ({len(named)} cases)")
        rc, out = compare(root, "base-tcg", "base-tcg")
        check(rc == 0, "compare: a tcg run against itself exits 0")
        rc, out = compare(root, "base-tcg", "slow-tcg")
        named = [l for l in out.splitlines() if l.startswith("REGRESSION")]
        check(rc == 1 and named and all(" counted " in l for l in named),
              f"compare: counted 10 % slower under tcg exits 1 and names it ({len(named)} cases)")
        rc, out = compare(root, "base-tcg", "fast-tcg")
        check(rc == 0 and "improvement" in out, "compare: 10 % faster is an improvement, exit 0")
        rc, out = compare(root, "base-tcg", "slow-tcg", "--threshold", "20")
        check(rc == 0, "compare: a 10 % slowdown under a 20 % floor is not a regression")
        rc, out = compare(root, "base-tcg", "fewer-tcg")
        check(rc == 2 and "missing from NEW" in out, "compare: cases of BASE missing from NEW exit 2, named")
        check("only BASE" in out and " scoped " in out,
              "compare: a case on one side only is reported, not dropped")
        rc, out = compare(root, "base-tcg", "no-such-run")
        check(rc == 3 and "no single run" in out, "compare: an unknown run exits 3 with its reason")
        rc, out = compare(side, "base-exact", "base-tcg")
        check(rc == 2 and "nothing matched" in out, "compare: runs that share no case exit 2, not 0")
        rc, out = compare(side, "base-tcg", "empty-tcg")
        check(rc == 2 and "no records" in out, "compare: an empty NEW run exits 2")
        rc, out = compare(side, "base-exact", "same-exact", "--threshold", "5")
        check(rc == 3 and "--min-insn" in out, "compare: ns-only options on tcg-icount figures are refused, exit 3")
        rc, out = compare(side, "base-exact", "slow-exact", "--min-insn", "2")
        check(rc == 0, "compare: a one-instruction change under --min-insn 2 is not a regression")
        rc, out = compare(side, "two-kernels", "two-kernels", "--across", "kernel",
                          "--base-value", "6.1", "--new-value", "7.3")
        check(rc in (0, 1) and "cases matched" in out and " 0 cases matched" not in out,
              "compare --across kernel pairs 6.1 and 7.3 cases of one run")
        rc, out = compare(side, "zero-base-tcg", "zero-tcg")
        check(rc == 1 and "REGRESSION" in out, "compare: a case whose base median is 0 can still regress")
        rc, out = compare(side, "base-tcg", "broken-tcg")
        check(rc == 3 and "Traceback" not in out, "compare: a record missing a field exits 3 with a message")

        env = dict(os.environ, RESULTS=root)
        p = subprocess.run([sys.executable, os.path.join(HERE, "history.py")], capture_output=True,
                           text=True, env=env, check=False)
        check(p.returncode == 0 and p.stdout.count("\n") >= 8, "history lists every stored run")
        p = subprocess.run([sys.executable, os.path.join(HERE, "history.py"), "--baseline", "base-tcg"],
                           capture_output=True, text=True, env=env, check=False)
        check(p.returncode == 0 and os.path.islink(os.path.join(root, "baseline")), "history --baseline names a run")
        p = subprocess.run([sys.executable, os.path.join(HERE, "compare.py")], capture_output=True,
                           text=True, env=env, check=False)
        check("BASE " + os.path.realpath(os.path.join(root, "base-tcg")) in p.stdout
              and "NEW  " + os.path.realpath(os.path.join(root, "slow-tcg")) in p.stdout,
              "compare with no runs named pairs the newest run with the baseline of its accelerator")
        outside = tempfile.mkdtemp(prefix="irqbench-outside-")
        store(outside, "elsewhere", noisy, "2026-01-12T00:00:00+00:00")
        p = subprocess.run([sys.executable, os.path.join(HERE, "history.py"), "--baseline",
                            os.path.join(outside, "elsewhere")], capture_output=True, text=True, env=env, check=False)
        shutil.rmtree(outside, ignore_errors=True)
        link = os.path.join(root, "baseline")
        check(p.returncode != 0 and os.path.exists(link) and "not a run under" in p.stderr,
              "history --baseline refuses a run outside results/ and keeps the old link")
        os.symlink("slow-tcg", os.path.join(root, "latest"))
        out_dir = os.path.join(root, "site")
        env.update(IRQBENCH_PLOTS_OUT=out_dir, IRQBENCH_PLOTS_DATA=os.path.join(root, "data"),
                   IRQBENCH_RESULTS_MD=os.path.join(root, "RESULTS.md"))
        p = subprocess.run([sys.executable, os.path.join(HERE, "results.py")], capture_output=True,
                           text=True, env=env, check=False)
        check(p.returncode == 0, f"make results runs ({p.stderr.strip().splitlines()[-1:] if p.returncode else 'ok'})")
        if p.returncode:
            print(p.stderr, file=sys.stderr)
        md = open(os.path.join(root, "RESULTS.md"), encoding="utf-8").read() if p.returncode == 0 else ""
        check("## The thread's claims, checked" in md and "lock_with() cheaper" in md,
              "RESULTS.md answers the thread's claims")
        pngs = glob.glob(os.path.join(out_dir, "*.png"))
        svgs = glob.glob(os.path.join(out_dir, "*.svg"))
        check(len(pngs) >= 4 and len(pngs) == len(svgs) and all(os.path.getsize(x) > 2000 for x in pngs),
              f"gnuplot drew {len(pngs)} PNG and {len(svgs)} SVG plots")
        page = open(os.path.join(out_dir, "index.html"), encoding="utf-8").read() if p.returncode == 0 else ""

        class Parser(html.parser.HTMLParser):
            def __init__(self):
                super().__init__()
                self.bad_rows = 0
                self.imgs = []

            def handle_starttag(self, tag, attrs):
                a = dict(attrs)
                if tag == "tr" and a.get("class") == "bad":
                    self.bad_rows += 1
                if tag == "img":
                    self.imgs.append(a.get("src"))

        hp = Parser()
        hp.feed(page)
        check(hp.bad_rows > 0 and "counted" in page, "the dashboard highlights the counted regression")
        check(hp.imgs and all(os.path.exists(os.path.join(out_dir, i)) for i in hp.imgs),
              f"the dashboard's {len(hp.imgs)} images exist beside it")
        browser_check(os.path.join(out_dir, "index.html"), root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print("TAP version 13")
    print(f"1..{len(results)}")
    for i, (ok, name) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} {name}")
    sys.exit(0 if all(ok for ok, _ in results) else 1)


if __name__ == "__main__":
    main()
