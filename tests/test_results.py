"""python3 -m tests.test_results GUESTS_DIR: KTAP tests of the regression gate,
history, make results and the dashboard, on synthetic runs derived from the
guests make check booted (GUESTS_DIR: <cell>.csv.gz and .variants.tsv): a
run compared with itself passes; one whose counted case got 10 % slower
(or one instruction longer under tcg-icount) fails and names the case;
one-sided cases are reported, not dropped; RESULTS.md publishes only runs
of the current irqbench and holds no figure they do not give."""
import copy
import glob
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile

from irqbench import runfiles
from irqbench.paths import ROOT
from irqbench.tables import ACCELS

from . import tap

METHOD = "current-method"
results = []
TABLES = {}


def check(ok, name):
    results.append((bool(ok), name))


def load(src):
    recs = []
    for cell, p in runfiles.cell_files(src).items():
        recs.extend(runfiles.read_records(p))
        tsv = os.path.join(src, cell + ".variants.tsv")
        if os.path.exists(tsv):
            with open(tsv, encoding="utf-8") as f:
                TABLES[cell] = runfiles.parse_variants(f.read())
    return recs


def cell_of(r):
    return f"{r['arch']}-{r['kernel'].split('.')[0]}.{r['kernel'].split('.')[1].split('-')[0]}-{r['config']}"


def store(root, name, recs, date, method=METHOD):
    """A run directory as matrix.sh leaves one: run.json and a records file
    per cell (the cells' variant tables from the guests)."""
    d = os.path.join(root, name)
    os.makedirs(d)
    cells = {}
    for r in recs:
        cells.setdefault(cell_of(r), []).append(r)
    metas, tables = [], {}
    for cell, rs in cells.items():
        runfiles.write_records(os.path.join(d, cell + ".csv.gz"), rs)
        r = rs[0]
        meta = {"cell": cell, "arch": r["arch"], "kernel_series": cell.split("-")[1],
                "kernel_release": r["kernel"], "config": r["config"], "accel": r["accel"],
                "compiler": "gcc (test) 12"}
        guest = next((t for c, t in TABLES.items() if c.split("-")[0] == r["arch"]), None)
        if guest:
            meta["variants"] = runfiles.table_hash(guest)
            tables[meta["variants"]] = guest
        metas.append(meta)
    with open(os.path.join(d, "run.json"), "w", encoding="utf-8") as f:
        json.dump({"run_id": name, "irqbench_commit": "test", "method": method, "date": date,
                   "command": f"test {name}", "cells": metas, "variant_tables": tables}, f)


def boots(recs, n, phase):
    """N boots of a run: each boot's figures scaled by a small fixed jitter
    (+-1 %), so boot medians vary as real ones do, reproducibly."""
    out = []
    for b in range(n):
        f = 1 + 0.005 * (((b + phase) * 3) % 5 - 2)
        for r in recs:
            r = copy.deepcopy(r)
            r["boot"] = b
            r["values"] = [v * f for v in r["values"]]
            for k in ("p50", "mean", "min", "p90", "p99", "max", "ci95_lo", "ci95_hi"):
                r[k] = r[k] * f
            out.append(r)
    return out


def tool(root, module, *args, **env):
    """python3 -m irqbench.MODULE ARGS over the runs of ROOT, with a store of its own."""
    e = dict(os.environ, RESULTS=root, IRQBENCH_DB=os.path.join(root, "store.sqlite"),
             PYTHONPATH=ROOT, IRQBENCH_METHOD=METHOD)
    e.update(env)
    return subprocess.run([sys.executable, "-m", f"irqbench.{module}", *args],
                          capture_output=True, text=True, env=e, check=False, cwd=ROOT)


def compare(root, base, new, *extra):
    p = tool(root, "compare", *extra, base, *([new] if new else []))
    return p.returncode, p.stdout + p.stderr


def shifted(r, add):
    """Record R with every figure and sample ADD higher: other figures, as
    consistent as a measured record's."""
    return slower([r], r["accel"], r["variant"], 1.0, add)[0]


def slower(recs, accel, variant, factor, add):
    out = copy.deepcopy(recs)
    for r in out:
        r["accel"] = accel
        # the unit follows the accelerator (accels.tsv), as the module's does
        r["unit"] = ACCELS[accel]["unit"]
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
    # above the fold: the rendered page names the planted regression in its
    # verdicts before the plots and the table
    v, t, pl = dom.find('id="verdicts"'), dom.find('id="cases"'), dom.find('id="plots"')
    reg = dom.find("Regressions: ")
    first = dom.find("<li>", reg)
    check(0 <= v < reg < first < pl < t and " counted " in dom[first:dom.find("</li>", first)],
          "the dashboard's verdicts come first and name the planted counted regression")
    keep = os.environ.get("IRQBENCH_KEEP_SCREENSHOT")
    if keep and os.path.exists(shot):
        shutil.copy(shot, keep)


def make_results(root, **extra):
    site = os.path.join(root, "site")
    p = tool(root, "report", IRQBENCH_PLOTS_OUT=os.path.join(site, "plots"),
             IRQBENCH_PLOTS_DATA=os.path.join(root, "data"),
             IRQBENCH_PAGES_OUT=os.path.join(site, "pages"),
             IRQBENCH_RESULTS_MD=os.path.join(site, "RESULTS.md"), **extra)
    return p, site


def check_site(root, site):
    """report --check of the RESULTS.md and pages make_results wrote."""
    return tool(root, "report", "--check", IRQBENCH_RESULTS_MD=os.path.join(site, "RESULTS.md"),
                IRQBENCH_PAGES_OUT=os.path.join(site, "pages"))


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def results_checks(exact, noisy, top):
    """make results over runs of the current irqbench, with a newer stale
    run beside them; the dashboard over two same-identity ns runs."""
    root = os.path.join(top, "published")
    os.makedirs(root)
    store(root, "current", exact, "2026-02-01T00:00:00+00:00")
    p, site = make_results(root)
    check(p.returncode == 0, f"make results runs ({p.stderr.strip().splitlines()[-1:] if p.returncode else 'ok'})")
    if p.returncode:
        print(p.stderr, file=sys.stderr)
        return
    md = read(os.path.join(site, "RESULTS.md"))
    check("## Answers" in md and "Is lock_with() cheaper than lock()" in md
          and len(md.splitlines()) <= 300 and len(md.encode()) <= 40 * 1024,
          f"RESULTS.md answers the thread's questions first, {len(md.splitlines())} lines, "
          f"{len(md.encode())} bytes")
    figs = json.loads(read(os.path.join(site, "figures.json")))
    check(figs and all(f["run"] == "current" for f in figs),
          f"every figure RESULTS.md and its pages print is a record of the current run ({len(figs)})")
    # a newer run of another irqbench, with other figures: history, never published
    stale = [shifted(r, 7) for r in exact]
    store(root, "stale", stale, "2026-03-01T00:00:00+00:00", method="older-method")
    p, site = make_results(root)
    check(p.returncode == 0 and read(os.path.join(site, "RESULTS.md")) == md,
          "a newer run of another irqbench changes nothing RESULTS.md publishes")
    # a newer run of the current irqbench that the store holds but results/
    # does not (a scratch run, a lab's): not the tree's to publish
    elsewhere = os.path.join(top, "elsewhere")
    os.makedirs(elsewhere)
    store(elsewhere, "scratch", [shifted(r, 3) for r in exact], "2026-04-01T00:00:00+00:00")
    p = tool(root, "store", "ingest", os.path.join(elsewhere, "scratch"))
    p2, site = make_results(root)
    check(p.returncode == 0 and p2.returncode == 0 and read(os.path.join(site, "RESULTS.md")) == md,
          "a newer run of the current irqbench in the store but not under results/ is not published")
    p = check_site(root, site)
    check(p.returncode == 0, f"make results --check passes on the page the current runs give ({p.stderr.strip()})")
    # planted: a figure typed into a page RESULTS.md links, then into
    # RESULTS.md, and a page that published the stale run
    hazards = os.path.join(site, "pages", "hazards.md")
    page = read(hazards)
    with open(hazards, "w", encoding="utf-8") as f:
        f.write(page.replace("/", "0/", 1))
    p = check_site(root, site)
    check(p.returncode == 1 and "first line only in docs/results/hazards.md" in p.stderr,
          "a figure typed into a page RESULTS.md links fails the check and is named")
    with open(hazards, "w", encoding="utf-8") as f:
        f.write(page)
    typed = md.replace("| 28 |", "| 27 |", 1) if "| 28 |" in md else md.replace(" 14 ", " 13 ", 1)
    with open(os.path.join(site, "RESULTS.md"), "w", encoding="utf-8") as f:
        f.write(typed)
    p = check_site(root, site)
    check(typed != md and p.returncode == 1 and "first line only in RESULTS.md" in p.stderr,
          "a figure typed into RESULTS.md fails the check and is named")
    p, stale_site = make_results(root, IRQBENCH_METHOD="older-method")
    p = check_site(root, stale_site)
    check(p.returncode == 1 and "differs" in p.stderr,
          f"a page publishing the stale run fails the check ({p.stderr.strip()[:100]})")
    p, site = make_results(root)
    pngs = glob.glob(os.path.join(site, "plots", "*.png"))
    svgs = glob.glob(os.path.join(site, "plots", "*.svg"))
    check(len(pngs) >= 3 and len(pngs) == len(svgs) and all(os.path.getsize(x) > 2000 for x in pngs),
          f"gnuplot drew {len(pngs)} PNG and {len(svgs)} SVG plots")
    # make results twice over the same runs: byte-identical output
    def files(d):
        return {os.path.relpath(x, d): open(x, "rb").read()
                for x in glob.glob(os.path.join(d, "**", "*"), recursive=True)
                if os.path.isfile(x) and not x.endswith(".png")}
    first = files(site)
    p, site = make_results(root)
    again = files(site)
    differ = sorted(f for f in first.keys() | again.keys() if first.get(f) != again.get(f))
    check(p.returncode == 0 and first and not differ,
          f"make results twice gives byte-identical pages, SVGs and dashboard ({len(first)} files, "
          f"differ: {differ[:3]})")

    # the dashboard: the newest run against the newest earlier run of its
    # own irqbench, skipping a run of another between them
    dash = os.path.join(top, "dash")
    os.makedirs(dash)
    store(dash, "base-tcg", noisy, "2026-01-04T00:00:00+00:00")
    store(dash, "other-tcg", slower(noisy, "tcg", "empty", 3.0, 50.0), "2026-01-05T00:00:00+00:00",
          method="older-method")
    store(dash, "slow-tcg", slower(boots([dict(r, boot=0) for r in noisy if r.get("boot", 0) == 0], 5, 2),
                                   "tcg", "counted", 1.10, 0.0), "2026-01-06T00:00:00+00:00")
    p, site = make_results(dash)
    page = read(os.path.join(site, "plots", "index.html")) if p.returncode == 0 else ""
    check("base-tcg" in page and "slow-tcg" in page and "other-tcg</b>" not in page,
          "the dashboard compares the newest run with a run of its own irqbench, not the one between")

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
    check(all(os.path.exists(os.path.join(site, "plots", i)) for i in hp.imgs),
          f"the dashboard's {len(hp.imgs)} images exist beside it")
    browser_check(os.path.join(site, "plots", "index.html"), dash)


def main():
    src = sys.argv[1]
    recs = load(src)
    check(recs and all(r.get("values") for r in recs), f"the guest runs hold {len(recs)} records with samples")
    root = tempfile.mkdtemp(prefix="irqbench-test-")
    try:
        exact = [dict(r, accel="tcg-icount") for r in recs]
        one_boot = [dict(r, accel="tcg", unit=ACCELS["tcg"]["unit"]) for r in recs]
        noisy = boots(one_boot, 5, 0)
        # runs that make results must not see: they live in a root of their own
        odd = os.path.join(root, "odd")
        os.makedirs(odd)
        for name in ("base-tcg", "base-exact"):
            store(odd, name, noisy if name == "base-tcg" else exact, "2025-01-01T00:00:00+00:00")
        store(root, "base-exact", exact, "2026-01-01T00:00:00+00:00")
        store(root, "same-exact", exact, "2026-01-02T00:00:00+00:00")
        store(root, "slow-exact", slower(exact, "tcg-icount", "counted", 1.0, 1.0), "2026-01-03T00:00:00+00:00")
        store(root, "base-tcg", noisy, "2026-01-04T00:00:00+00:00")
        store(root, "same-tcg", boots(one_boot, 5, 2), "2026-01-04T01:00:00+00:00")
        store(root, "slow-tcg", slower(boots(one_boot, 5, 2), "tcg", "counted", 1.10, 0.0), "2026-01-05T00:00:00+00:00")
        store(root, "fast-tcg", slower(boots(one_boot, 5, 2), "tcg", "counted", 0.90, 0.0), "2026-01-06T00:00:00+00:00")
        store(root, "fewer-tcg", [r for r in noisy if r["variant"] != "scoped"], "2026-01-08T00:00:00+00:00")
        store(odd, "single-tcg", one_boot, "2026-01-07T01:00:00+00:00")
        store(odd, "empty-tcg", [], "2026-01-07T02:00:00+00:00")
        store(odd, "bad-tcg", [{k: v for k, v in r.items() if k != "p50"} for r in noisy], "2026-01-07T03:00:00+00:00")
        store(root, "final-exact", [dict(r, kernel=r["kernel"].split("-")[0]) for r in exact], "2026-01-07T04:00:00+00:00")
        # one kernel's records (the guests booted two) as both series
        one = [r for r in exact if r["kernel"].startswith("7.3")]
        store(root, "two-series", [dict(r, kernel="6.1.192") for r in one]
              + [dict(r, kernel="7.3.0-rc7") for r in slower(one, "tcg-icount", "counted", 1.0, 1.0)],
              "2026-01-07T05:00:00+00:00")
        # a run with one case twice is left out, named, and the others still compare
        dup = os.path.join(root, "dup")
        os.makedirs(dup)
        store(dup, "twice", [dict(r, kernel="7.3.0-rc7") for r in exact], "2026-01-07T07:00:00+00:00")
        store(dup, "good", one, "2026-01-07T08:00:00+00:00")
        rc, out = compare(dup, "good", "good")
        check(rc == 0 and "twice left out" in out and "two records of" in out,
              "compare: a run with a case recorded twice is left out and named; the others compare")
        zero = copy.deepcopy(noisy)
        for r in zero:
            if r["variant"] == "empty":
                r["p50"] = 0.0
        store(odd, "zero-tcg", zero, "2026-01-07T06:00:00+00:00")

        rc, out = compare(root, "base-exact", "same-exact")
        check(rc == 0 and "0 regressions" in out, "compare: a tcg-icount run against itself exits 0")
        rc, out = compare(root, "base-exact", "slow-exact")
        named = [l for l in out.splitlines() if l.startswith("REGRESSION")]
        check(rc == 1 and named and all(" counted " in l for l in named) and "regressions of" in out,
              f"compare: counted one instruction longer under tcg-icount exits 1 and names it ({len(named)} cases)")
        rc, out = compare(root, "base-exact", "slow-exact", "--min-insn", "2")
        check(rc == 0 and "0 regressions" in out, "compare: one instruction under --min-insn 2 is equal, exit 0")
        rc, out = compare(root, "base-exact", "slow-exact", "--threshold", "5")
        check(rc == 3 and "apply to ns data" in out, "compare: --threshold for tcg-icount data is an error, exit 3")
        rc, out = compare(root, "base-exact", "slow-exact", "--alpha", "0.05")
        check(rc == 3 and "apply to ns data" in out, "compare: --alpha for tcg-icount data is an error, exit 3")
        rc, out = compare(root, "base-exact", "final-exact")
        check(rc == 0 and "0 regressions" in out and "only" not in out.split("cases matched")[0],
              "compare: 7.3.0-rc7 and 7.3.0 match as series 7.3")
        rc, out = compare(root, "two-series", "", "--across", "kernel", "--from", "6.1", "--to", "7.3")
        named = [l for l in out.splitlines() if l.startswith("REGRESSION")]
        check(rc == 1 and named and all(" counted " in l for l in named),
              f"compare --across kernel: 6.1 vs 7.3 of one run names the counted change ({len(named)} cases)")
        rc, out = compare(root, "two-series", "", "--across", "kernel")
        check(rc == 3 and "--from/--to" in out, "compare --across over a run with two values needs --from/--to, exit 3")
        rc, out = compare(odd, "base-exact", "base-tcg")
        check(rc == 2 and "nothing matched" in out, "compare: nothing matched exits 2")
        rc, out = compare(odd, "base-tcg", "empty-tcg")
        check(rc == 2 and "no records" in out, "compare: an empty NEW run exits 2")
        rc, out = compare(root, "base-tcg", "same-tcg")
        check(rc == 0 and "0 regressions" in out, "compare: two 5-boot tcg runs of the same data exit 0")
        rc, out = compare(root, "base-tcg", "slow-tcg")
        named = [l for l in out.splitlines() if l.startswith("REGRESSION")]
        check(rc == 1 and named and all(" counted " in l for l in named),
              f"compare: counted 10 % slower under tcg exits 1 and names it ({len(named)} cases)")
        rc, out = compare(root, "base-tcg", "fast-tcg")
        check(rc == 0 and "improvement" in out, "compare: 10 % faster is an improvement, exit 0")
        rc, out = compare(root, "base-tcg", "slow-tcg", "--threshold", "20")
        check(rc == 0, "compare: a 10 % slowdown under a 20 % threshold is not a regression")
        rc, out = compare(root, "base-tcg", "fewer-tcg")
        check(rc == 2 and "only BASE" in out and " scoped " in out and "missing from NEW" in out,
              "compare: cases missing from NEW are listed and exit 2")
        rc, out = compare(odd, "single-tcg", "single-tcg")
        check(rc == 2 and "no replication" in out, "compare: one boot per cell in ns mode is no replication, exit 2")
        rc, out = compare(root, "base-tcg", "no-such-run")
        check(rc == 3 and "no single stored run" in out, "compare: an unknown run exits 3 and says so")
        rc, out = compare(odd, "base-tcg", "bad-tcg")
        check(rc == 2 and "left out" in out and "p50" in out and "Traceback" not in out,
              "compare: a run with a record without p50 is left out, named with its field, exit 2, no traceback")
        rc, out = compare(odd, "zero-tcg", "base-tcg", "--all")
        check(rc in (0, 1) and "nan" not in out.split("cases matched")[0].lower().replace("p (bh)", ""),
              "compare: a base median of 0 gives no NaN ratio")
        p = tool(root, "compare")
        head = p.stdout.split("verdict")[0]
        check(p.returncode == 1 and "fewer-tcg" in head and "fast-tcg" in head,
              "compare without arguments pairs the newest run with the newest earlier run of its accel")
        lone = os.path.join(root, "lone")
        os.makedirs(lone)
        store(lone, "only-exact", exact, "2026-01-01T00:00:00+00:00")
        p = tool(lone, "compare")
        check(p.returncode == 2 and "no earlier run with accel tcg-icount" in p.stderr,
              f"compare without arguments and no earlier run of the accel exits 2 ({p.stderr.strip()})")
        cal = os.path.join(root, "cal.json")
        p = tool(root, "calibrate", os.path.join(root, "base-tcg"), os.path.join(root, "same-tcg"), cal)
        c = json.load(open(cal, encoding="utf-8")) if p.returncode == 0 else {}
        check(c.get("false_positives") == 0 and c.get("planted_verdict") == "REGRESSION"
              and c.get("planted_other_changes") == 0,
              f"calibrate.py: no false positive between jittered boots, the planted 5 % found ({p.stdout.strip()})")
        p = tool(root, "calibrate", os.path.join(root, "base-exact"), os.path.join(root, "same-exact"), cal)
        check(p.returncode == 3 and "plain-TCG" in p.stderr, "calibrate.py refuses tcg-icount runs, exit 3")
        outside = tempfile.mkdtemp(prefix="irqbench-outside-")
        shutil.copytree(os.path.join(root, "base-tcg"), os.path.join(outside, "run"))
        p = tool(root, "history", "--baseline", os.path.join(outside, "run"))
        shutil.rmtree(outside)
        check(p.returncode == 3 and "not a run under" in p.stderr and not os.path.lexists(os.path.join(root, "baseline")),
              "history --baseline outside results/ exits 3 and links nothing")

        p = tool(root, "history")
        check(p.returncode == 0 and p.stdout.count("\n") >= 8, "history lists every stored run")
        hist = os.path.join(root, "hist")
        os.makedirs(hist)
        shutil.copytree(os.path.join(root, "two-series"), os.path.join(hist, "two-series"))
        p = tool(hist, "history", "counted/native/d1/on", "--accel", "tcg-icount")
        check(p.returncode == 0 and "6.1.192" in p.stdout and "+1.000 from 6.1.192" in p.stdout,
              "history CASE shows the case across kernel releases and what moved it")
        p = tool(root, "history", "nosuch/native/d1/on")
        check(p.returncode == 2 and "no stored record" in p.stderr, "history of an unknown case exits 2")
        p = tool(root, "history", "--baseline", "base-tcg")
        check(p.returncode == 0 and os.path.islink(os.path.join(root, "baseline")), "history --baseline names a run")
        results_checks(exact, noisy, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    sys.exit(tap.report(results))


if __name__ == "__main__":
    main()
