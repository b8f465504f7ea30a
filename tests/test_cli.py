"""python3 -m tests.test_cli: the host tools' command lines on hostile input,
as KTAP.

Every tool that parses arguments answers a usage error with exit 3 and one
line; a case's depth outside the module's range, a run named by a path that
is no run directory, an unwritable kcidb --out are each one line and exit 3,
never a traceback; kcidb leaves a broken run out as the other readers do;
links_in() finds a run directory's symbolic links; two report builds at once
share no scratch file and leave every output whole. Runs are copies of real
ones from RESULTS (default results/) in a temporary directory, with a
temporary store (IRQBENCH_DB). Exit 1 when a check fails.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from irqbench import identity, paths, runfiles

from . import tap

TIMEOUT_S = 120
checks = []


def check(ok, what, detail=None):
    """A check; its DETAIL is printed only when it fails."""
    checks.append((bool(ok), what, None if ok else detail))


def one_line(text, limit=300):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "..."


def tool(module, args, results, db, **extra):
    """python3 -m irqbench.MODULE ARGS: (exit code, stdout, stderr lines).
    Whatever it writes goes beside RESULTS, never into the tree."""
    site = os.path.join(os.path.dirname(results), "site")
    env = dict(os.environ, PYTHONPATH=paths.ROOT, RESULTS=results, IRQBENCH_DB=db,
               IRQBENCH_RESULTS_MD=os.path.join(site, "RESULTS.md"),
               IRQBENCH_PAGES_OUT=os.path.join(site, "pages"),
               IRQBENCH_PLOTS_OUT=os.path.join(site, "plots"))
    env.update(extra)
    r = subprocess.run([sys.executable, "-m", f"irqbench.{module}", *args], env=env,
                       cwd=tempfile.gettempdir(), capture_output=True, text=True,
                       timeout=TIMEOUT_S, check=False)
    return r.returncode, r.stdout, r.stderr.splitlines()


def one_error(module, args, results, db, want_rc=3, want=None):
    """A check that MODULE ARGS exits WANT_RC with one stderr line (holding
    WANT), no traceback."""
    rc, _out, err = tool(module, args, results, db)
    ok = (rc == want_rc and len(err) == 1 and not any("Traceback" in line for line in err)
          and (want is None or want in err[0]))
    check(ok, f"{module} {' '.join(args)}: exit {want_rc}, one line"
              + (f" saying '{want}'" if want else ""),
          None if ok else f"exit {rc}, {len(err)} lines: {one_line(' | '.join(err[-3:]))}")
    return err


def small_run(min_cells=1):
    """The smallest real run in the compact format (of MIN_CELLS cells at
    least), oldest among equals."""
    runs = [d for d in runfiles.run_dirs() if len(runfiles.cell_files(d)) >= min_cells]
    if not runs:
        raise SystemExit(f"test_cli: no run in the compact format under {paths.RESULTS}")
    return min(runs, key=lambda d: (sum(os.path.getsize(p) for p in runfiles.cell_files(d).values()), d))


def scratch(tmp, tag, *runs):
    """A RESULTS holding copies of RUNS, and a store path beside it."""
    results = os.path.join(tmp, tag, "results")
    os.makedirs(results)
    for r in runs:
        shutil.copytree(r, os.path.join(results, os.path.basename(r)))
    return results, os.path.join(tmp, tag, "store.sqlite")


# ---- the checks

def usage_checks(tmp):
    results, db = scratch(tmp, "usage")
    for module, args in (("compare", ["--bogus"]), ("compare", ["--threshold", "abc"]),
                         ("history", ["a", "b"]), ("kcidb", ["--bogus"]),
                         ("report.explain", ["counted/native/d1/on"]), ("report", ["--bogus"]),
                         ("store", ["bogus"]), ("calibrate", []), ("lava", ["bogus"]),
                         ("lava", ["validate"]), ("annotate", ["nope"])):
        one_error(module, args, results, db, 3, "usage")


def depth_checks(tmp):
    with open(os.path.join(paths.ROOT, "kmod-bench", "request.h"), encoding="utf-8") as f:
        m = re.search(r"#define\s+IRQB_MAX_DEPTH\s+(\d+)", f.read())
    from irqbench import history  # pylint: disable=import-outside-toplevel
    limit = getattr(history, "MAX_DEPTH", None)
    check(m and limit == int(m.group(1)),
          "history.MAX_DEPTH is the module's IRQB_MAX_DEPTH (kmod-bench/request.h)",
          f"{limit} vs {m.group(1) if m else 'no define'}")
    results, db = scratch(tmp, "depth", small_run())
    big = "9" * 20
    for d in (big, "0", "17"):
        one_error("history", [f"counted/native/d{d}/on"], results, db, 3, "outside 1..")
    one_error("report.explain", [f"counted/native/d{big}/on", "counted/native/d1/on"],
              results, db, 3, "outside 1..")
    one_error("history", ["counted/native/d16/on"], results, db, 2, "no stored record")


def path_checks(tmp):
    run = small_run()
    rid = os.path.basename(run)
    results, db = scratch(tmp, "paths", run)
    for module, args in (("compare", [f"/nonexistent/dir/{rid}", rid]),
                         ("compare", [rid, f"nowhere/{rid}"]),
                         ("kcidb", ["--out", os.path.join(tmp, "kc"), f"/nonexistent/dir/{rid}"])):
        one_error(module, args, results, db, 3, "no run directory")
    rc, out, err = tool("compare", [os.path.join(results, rid), rid], results, db)
    check(rc == 0 and "0 regressions" in out,
          "compare RUN_DIR RUN: a run directory given by its path still compares",
          f"exit {rc}: {one_line(' | '.join(err[-3:]))}")


def kcidb_checks(tmp):
    good = small_run()
    results, db = scratch(tmp, "kcidb", good)
    bad = os.path.join(results, "20000101T000000Z-broken")
    shutil.copytree(good, bad)
    with open(os.path.join(bad, "run.json"), "w", encoding="utf-8") as f:
        f.write("{ not json")
    out = os.path.join(tmp, "kcidb-out")
    rc, _o, err = tool("kcidb", ["--out", out], results, db)
    ok = (rc == 2 and not any("Traceback" in line for line in err)
          and any("broken" in line and "left out" in line for line in err)
          and os.path.isfile(os.path.join(out, os.path.basename(good) + ".json")))
    check(ok, "kcidb: a broken run under results/ is named and left out (exit 2), the others written",
          None if ok else f"exit {rc}: {one_line(' | '.join(err[-3:]))}")
    shutil.rmtree(bad)
    one_error("kcidb", ["--out", os.devnull], results, db, 3, "--out")
    one_error("kcidb", ["--out", os.path.join(results, os.path.basename(good), "run.json", "sub")],
              results, db, 3, "--out")


def links_checks(tmp):
    try:
        from irqbench.safe_paths import links_in  # pylint: disable=import-outside-toplevel
    except ImportError as e:
        check(False, "safe_paths.links_in finds a run directory's symbolic links", str(e))
        return
    run = os.path.join(tmp, "links", "run")
    src = small_run()
    shutil.copytree(src, run)
    check(links_in(run) == [], "links_in: a plain copy of a run has no links", links_in(run))
    outside = os.path.join(tmp, "links", "outside")
    os.makedirs(outside)
    with open(os.path.join(outside, "secret"), "w", encoding="utf-8") as f:
        f.write("not the run's\n")
    cell = next(iter(runfiles.cell_files(run)))
    os.symlink(os.path.join(outside, "secret"), os.path.join(run, cell + ".ktap.lnk"))
    os.makedirs(os.path.join(run, "annotate"))
    os.symlink(os.path.join(outside, "secret"), os.path.join(run, "annotate", "traces.json.gz"))
    os.symlink(outside, os.path.join(run, "dirlink"))
    os.symlink("nowhere", os.path.join(run, "dangling"))
    want = sorted([cell + ".ktap.lnk", os.path.join("annotate", "traces.json.gz"), "dirlink",
                   "dangling"])
    got = links_in(run)
    check(got == want, "links_in: file, directory, dangling and annotate/ links, relative, sorted",
          f"got {got}")
    via = os.path.join(tmp, "links", "via-link")
    os.symlink(src, via)
    check(links_in(via) == [], "links_in: a run reached through a link (results/latest) is not "
                               "itself a link inside the run", links_in(via))


def atomic_checks(tmp):
    try:
        from irqbench.safe_paths import write_atomic  # pylint: disable=import-outside-toplevel
    except ImportError as e:
        check(False, "safe_paths.write_atomic writes whole files", str(e))
        return
    d = os.path.join(tmp, "atomic")
    path = os.path.join(d, "page.md")
    write_atomic(path, "old\n")
    try:
        write_atomic(path, None)  # fails while writing
        raised = False
    except TypeError:
        raised = True
    with open(path, encoding="utf-8") as f:
        kept = f.read()
    mode = os.stat(path).st_mode & 0o777
    check(raised and kept == "old\n" and os.listdir(d) == ["page.md"] and mode & 0o044,
          "write_atomic: a failed write keeps the old file and leaves no temporary one",
          f"raised {raised}, kept {kept!r}, files {os.listdir(d)}, mode {mode:o}")


def report_checks(tmp):
    """Two builds at once: both succeed, neither touches the shared
    build/plots/ nor leaves a scratch directory, and the page they leave
    is whole (report --check agrees with it)."""
    method = identity.of_tree()
    runs = [d for d in runfiles.run_dirs()
            if runfiles.cell_files(d) and identity.of_run(runfiles.load_meta(d), d) == method]
    if not runs:  # no run of this tree's irqbench: the newest identity's runs
        last = runfiles.run_dirs()[-1]
        method = identity.of_run(runfiles.load_meta(last), last)
        runs = [d for d in runfiles.run_dirs()
                if runfiles.cell_files(d) and identity.of_run(runfiles.load_meta(d), d) == method]
    runs = sorted(runs, key=lambda d: sum(os.path.getsize(p) for p in runfiles.cell_files(d).values()))[:2]
    results, db = scratch(tmp, "report", *runs)
    site = os.path.join(tmp, "report", "site")
    env = dict(os.environ, PYTHONPATH=paths.ROOT, RESULTS=results, IRQBENCH_DB=db,
               IRQBENCH_METHOD=method, IRQBENCH_RESULTS_MD=os.path.join(site, "RESULTS.md"),
               IRQBENCH_PAGES_OUT=os.path.join(site, "pages"),
               IRQBENCH_PLOTS_OUT=os.path.join(site, "plots"))
    env.pop("IRQBENCH_PLOTS_DATA", None)
    # the store first, so the two builds race on the pages, not on the ingest
    subprocess.run([sys.executable, "-m", "irqbench.store", "ingest"], env=env, check=False,
                   capture_output=True, timeout=TIMEOUT_S)
    shared = os.path.join(paths.BUILD, "plots")
    t0 = time.time() - 1
    before = set(os.listdir(paths.BUILD)) if os.path.isdir(paths.BUILD) else set()
    kids = [subprocess.Popen([sys.executable, "-m", "irqbench.report"], env=env,
                             cwd=tempfile.gettempdir(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [k.communicate(timeout=TIMEOUT_S) for k in kids]
    rcs = [k.returncode for k in kids]
    err = " | ".join(e for _o, e in outs)
    check(rcs == [0, 0] and "Traceback" not in err, "report: two builds at once both finish",
          f"exits {rcs}: {one_line(err[-300:])}")
    touched = [n for n in (os.listdir(shared) if os.path.isdir(shared) else [])
               if os.path.getmtime(os.path.join(shared, n)) >= t0]
    left = sorted(n for n in (set(os.listdir(paths.BUILD)) if os.path.isdir(paths.BUILD) else set())
                  - before if n.startswith("report-"))
    check(not touched and not left,
          "report: the builds write no shared build/plots/ file and leave no scratch directory",
          f"written in build/plots: {touched[:3]}, left in build/: {left[:3]}")
    stray = [os.path.join(top, n) for top, dirs, files in os.walk(site) for n in dirs + files
             if n.startswith(".") or n.endswith(".tmp")]
    with open(os.path.join(site, "plots", "index.html"), encoding="utf-8") as f:
        page = f.read()
    check(not stray and page.endswith("</html>\n"),
          "report: the outputs are whole, no temporary file or staging directory left",
          f"stray: {stray[:3]}")
    p = subprocess.run([sys.executable, "-m", "irqbench.report", "--check"], env=env,
                       cwd=tempfile.gettempdir(), capture_output=True, text=True,
                       timeout=TIMEOUT_S, check=False)
    check(p.returncode == 0, "report --check agrees with the RESULTS.md the two builds left",
          one_line(p.stderr[-300:]))


def main():
    with tempfile.TemporaryDirectory(prefix="irqbench-cli-") as tmp:
        for fn in (usage_checks, depth_checks, path_checks, kcidb_checks, links_checks,
                   atomic_checks, report_checks):
            try:
                fn(tmp)
            except Exception as e:  # pylint: disable=broad-except
                check(False, f"{fn.__name__} ran to its end", f"{type(e).__name__}: {e}")
    return tap.report(checks)


if __name__ == "__main__":
    sys.exit(main())
