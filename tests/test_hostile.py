"""python3 -m tests.test_hostile: damaged and hostile runs against every
reader, as KTAP.

Runs travel (LAVA labs, other clones, downloaded results/), so a table of
runs made from a real one, each damaged or hostile in one way, goes
through the host tools as a user would meet them:
  - `store ingest RUN` of each alone: exit 3, one line naming the run, and
    the store left as it was;
  - every reader (store ingest, compare, history, explain, kcidb and make
    results' report) over a results directory holding all of them beside
    a good run: no traceback, the exit code the reader documents, each
    bad run named as left out;
  - a marker file that any run's payload would create if its field ever
    reached a shell or gnuplot as code must never appear;
  - a stored run whose files were edited afterwards is judged from its
    files, never from the stored copy.
Real runs come from RESULTS (default results/). Exit 1 when a check fails.
"""
import gzip
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

from irqbench import paths, runfiles, store
from tests.tap import report as tap_report

PY = "/usr/bin/python3"
TIMEOUT_S = 300


def source_run():
    """The smallest real run with a variant table and traces: every file
    kind a run can have."""
    runs = [d for d in runfiles.run_dirs() if runfiles.cell_files(d)
            and runfiles.load_meta(d).get("variant_tables") and store.load_traces(d)]
    if not runs:
        raise SystemExit(f"test_hostile: no run with variant tables and traces under {paths.RESULTS}")
    return min(runs, key=lambda d: sum(os.path.getsize(p) for p in runfiles.cell_files(d).values()))


# ---- the damage, each a function of a run directory's copy and the marker

def first_cell(d):
    return next(iter(runfiles.cell_files(d).items()))


def edit_records(d, fn):
    _cell, path = first_cell(d)
    recs = runfiles.read_records(path)
    fn(recs)
    runfiles.write_records(path, recs)


def edit_meta(d, fn):
    p = os.path.join(d, "run.json")
    with open(p, encoding="utf-8") as f:
        meta = json.load(f)
    fn(meta)
    with open(p, "w", encoding="utf-8") as f:
        json.dump(meta, f)


def gnuplot_config(d, _marker):
    """The finding: a config that closes gnuplot's string and calls system()
    (the marker's path comes from the environment: a '/' in a config would
    stop the report at a file name before gnuplot saw it)."""
    bad = "debug'; system(\"touch $HOSTILE_MARKER\"); x='"

    def meta(m):
        for c in m["cells"]:
            c["config"] = bad

    def recs(rs):
        for r in rs:
            r["config"] = bad
    edit_meta(d, meta)
    edit_records(d, recs)


def shell_arch(d, marker):
    def meta(m):
        for c in m["cells"]:
            c["arch"] = f"x86_64$(touch {marker})"
    edit_meta(d, meta)


def truncated(d, _m):
    _cell, path = first_cell(d)
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[:len(data) // 2])


def corrupt_deflate(d, _m):
    _cell, path = first_cell(d)
    with open(path, "rb") as f:
        data = bytearray(f.read())
    for i in range(len(data) // 3, len(data) // 3 + 64):
        data[i] ^= 0x5A
    with open(path, "wb") as f:
        f.write(bytes(data))


def huge_field(d, _m):
    def fn(rs):
        rs[0]["cpu_model"] = "x" * (200 * 1024)
    edit_records(d, fn)


def negative_p50(d, _m):
    def fn(rs):
        r = rs[0]
        r["p50"] = r["min"] = r["ci95_lo"] = -500.0
        r["values"] = [-500.0] + r["values"][1:]
    edit_records(d, fn)


def p50_over_max(d, _m):
    def fn(rs):
        rs[0]["p50"] = rs[0]["max"] + 100
    edit_records(d, fn)


def unknown_variant(d, _m):
    def fn(rs):
        rs[0]["variant"] = "no_such_variant"
    edit_records(d, fn)


def nul_state(d, _m):
    def fn(rs):
        rs[0]["irq_state"] = "on\0"
    edit_records(d, fn)


def huge_depth(d, _m):
    def fn(rs):
        rs[0]["depth"] = 99999999999999999999
    edit_records(d, fn)


def few_samples(d, _m):
    def fn(rs):
        rs[0]["values"] = rs[0]["values"][:-1]
    edit_records(d, fn)


def bad_json(d, _m):
    with open(os.path.join(d, "run.json"), "w", encoding="utf-8") as f:
        f.write("{\"cells\": [")


def symlink(d, _m):
    cell, _path = first_cell(d)
    p = os.path.join(d, cell + ".ktap")
    if os.path.exists(p):
        os.unlink(p)
    os.symlink("/etc/passwd", p)


def bad_traces(d, _m):
    with gzip.open(os.path.join(d, store.TRACES), "wt", encoding="utf-8") as f:
        f.write("[{\"cell\": \"../../x\", \"case\": \"$(touch m)\"}]")


def html_payload(marker):
    return f"<script>fetch('/{marker}')</script>"


def html_host(d, marker):
    """Accepted (printable text), and shown escaped: never a tag."""
    def meta(m):
        m["host_cpu"] = m["command"] = html_payload(marker)
    edit_meta(d, meta)


REFUSED = [
    ("config that calls gnuplot's system()", gnuplot_config, "config"),
    ("arch with a shell substitution", shell_arch, "arch"),
    ("truncated csv.gz", truncated, "unreadable"),
    ("corrupt deflate data", corrupt_deflate, "unreadable"),
    ("a field over 128 KiB", huge_field, "csv.gz"),
    ("negative p50 under insn", negative_p50, "p50"),
    ("p50 over max", p50_over_max, "p50"),
    ("unknown variant", unknown_variant, "variant"),
    ("irq_state with a NUL byte", nul_state, "irq_state"),
    ("depth 99999999999999999999", huge_depth, "depth"),
    ("fewer samples than the record says", few_samples, "values"),
    ("run.json not JSON", bad_json, "run.json"),
    ("a symbolic link inside the run", symlink, "symbolic link"),
    ("traces naming a path and a command", bad_traces, "traces"),
]


def make_run(src, results, name, damage, marker):
    d = os.path.join(results, name)
    shutil.copytree(src, d, symlinks=True)
    if damage:
        damage(d, marker)
    return d


def run(args, env, timeout=TIMEOUT_S):
    try:
        p = subprocess.run([PY, "-m", *args], env=env, capture_output=True, text=True,
                           timeout=timeout, cwd=paths.ROOT, check=False)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return None, "", f"timed out after {timeout} s"


def db_rows(url):
    """Every row of every table of a SQLite store: what 'unchanged' means."""
    with sqlite3.connect(url) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: sorted(map(repr, db.execute(f"SELECT * FROM {t}"))) for t in sorted(tables)}


def env_of(results, db, tmp):
    env = dict(os.environ, RESULTS=results, IRQBENCH_DB=db, PYTHONPATH=paths.ROOT,
               IRQBENCH_RESULTS_MD=os.path.join(tmp, "RESULTS.md"),
               IRQBENCH_PAGES_OUT=os.path.join(tmp, "pages"),
               IRQBENCH_PLOTS_OUT=os.path.join(tmp, "plots"),
               IRQBENCH_PLOTS_DATA=os.path.join(tmp, "plotdata"),
               HOSTILE_MARKER=os.path.join(os.path.dirname(results), "MARKER"))
    return env


def tag_in_pages(top, payload):
    """Whether PAYLOAD stands as markup in a generated page: anywhere in an
    HTML page, outside code spans (where Markdown shows it as text) in a
    Markdown one."""
    for d, _dirs, files in os.walk(top):
        for f in files:
            if not f.endswith((".md", ".html")):
                continue
            with open(os.path.join(d, f), encoding="utf-8") as fh:
                text = fh.read()
            if f.endswith(".md"):
                text = re.sub(r"(`+)(.+?)\1", "", text)
            if payload in text:
                return True
    return False


def no_trace(err):
    return "Traceback" not in err


def main():
    checks = []
    src = source_run()
    tmp = tempfile.mkdtemp(prefix="irqbench-hostile.")
    marker = os.path.join(tmp, "MARKER")
    try:
        results = os.path.join(tmp, "results")
        os.makedirs(results)
        good = make_run(src, results, "20990101T000000Z-hostile-good", None, marker)
        db = os.path.join(tmp, "store.sqlite")
        env = env_of(results, db, tmp)
        rc, _o, err = run(["irqbench.store", "ingest", good], env)
        checks.append((rc == 0, "a good copy of a real run is stored", err.strip()[-300:]))
        before = db_rows(db)
        names = {}
        # each bad run alone: refused with its name and why, store unchanged
        for i, (what, damage, word) in enumerate(REFUSED):
            name = f"20990101T0000{i:02d}Z-hostile-{damage.__name__.replace('_', '-')}"
            names[what] = name
            d = make_run(src, os.path.join(tmp, "alone"), name, damage, marker)
            rc, _o, err = run(["irqbench.store", "ingest", d], env)
            lines = [l for l in err.splitlines() if l.strip()]
            ok = (rc == 3 and len(lines) == 1 and name in lines[0] and word in lines[0]
                  and no_trace(err) and db_rows(db) == before)
            checks.append((ok, f"store ingest refuses a run with {what}: exit 3, one line naming "
                               "it and why, the store unchanged",
                           f"exit {rc}: {err.strip()[-400:]}"))
            shutil.move(d, os.path.join(results, name))
        # a hostile field that is text: stored, and shown escaped
        html = make_run(src, results, "20990102T000000Z-hostile-html", html_host, marker)
        # every reader over all of them at once
        first = REFUSED[0][0]
        readers = [
            ("store ingest (every run, strict)", ["irqbench.store", "ingest"], {3}),
            ("compare (the default pair)", ["irqbench.compare"], {0, 1, 2}),
            ("compare naming a bad run", ["irqbench.compare", good, names[first]], {2}),
            ("history", ["irqbench.history"], {0}),
            ("history of a case", ["irqbench.history", "irqsave/native/d1/on"], {0}),
            ("explain", ["irqbench.report.explain", "irqsave/native/d1/on",
                         "lock_with/native/d1/off"], {0, 2}),
            ("kcidb (every run)", ["irqbench.kcidb", "--out", os.path.join(tmp, "kcidb")], {2}),
            ("kcidb of a bad run", ["irqbench.kcidb", "--out", os.path.join(tmp, "kcidb"),
                                    names[first]], {2}),
            ("make results' report", ["irqbench.report"], {2}),
        ]
        for what, args, codes in readers:
            rc, out, err = run(args, env)
            left = [w for w, n in names.items() if n not in err]
            lenient = args[:2] != ["irqbench.store", "ingest"]
            ok = rc in codes and no_trace(err) and not (lenient and left)
            checks.append((ok, f"{what}: exit {'/'.join(map(str, sorted(codes)))}, no traceback"
                               + (", every bad run named as left out" if lenient else ""),
                           f"exit {rc}; not named: {left[:3]}; {err.strip()[-300:]}"))
            if args == ["irqbench.report"]:
                checks.append((not tag_in_pages(tmp, html_payload(marker)),
                               "no page holds a run's text as a tag (HTML escaped, Markdown "
                               "text escaped or in a code span)",
                               "a <script> from run.json reached a page unescaped"))
        checks.append((not os.path.exists(marker), "no field of any run ran as code (no marker file)",
                       f"{marker} exists"))
        shutil.rmtree(html)
        checks.append(injection_alone(src, tmp, marker))
        checks.append(plot_labels(tmp, marker))
        checks.append(stale(src, tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return tap_report([(ok, what, *([] if ok else detail)) for ok, what, *detail in checks])


def injection_alone(src, tmp, marker):
    """The finding as it was met: make results over a good run and the one
    whose config calls gnuplot's system(), nothing else to stop it first."""
    results = os.path.join(tmp, "injection")
    os.makedirs(results)
    make_run(src, results, "20990301T000000Z-inject-good", None, marker)
    make_run(src, results, "20990301T000001Z-inject-config", gnuplot_config, marker)
    env = env_of(results, os.path.join(tmp, "inject.sqlite"), os.path.join(tmp, "inject"))
    rc, _o, err = run(["irqbench.report"], env)
    return (rc in (0, 2) and no_trace(err) and not os.path.exists(marker),
            "make results over a run whose config calls gnuplot's system(): nothing runs",
            f"exit {rc}; marker {'exists' if os.path.exists(marker) else 'absent'}; {err.strip()[-300:]}")


def plot_labels(tmp, marker):
    """gnuplot itself, given a label that closes a string and calls
    system(): it draws the label as text."""
    from irqbench.report import plots  # pylint: disable=import-outside-toplevel
    bad = f"x'; system(\"touch {marker}\"); y='"
    data = os.path.join(tmp, "labels.dat")
    with open(data, "w", encoding="utf-8") as f:
        f.write("code\ta\tb\tc\td\te\tf\nx\t1\t2\t3\t4\t5\t6\n")
    os.environ["IRQBENCH_PLOTS_OUT"] = os.path.join(tmp, "labels")
    try:
        plots.gnuplot("claims.gp", data, bad, os.path.join(tmp, "labels", "claims"), bad, bad)
        drawn = os.path.exists(os.path.join(tmp, "labels", "claims.svg"))
    except (subprocess.CalledProcessError, TypeError) as e:
        return (False, "gnuplot draws a hostile label as text", f"{type(e).__name__}: {e}")
    return (drawn and not os.path.exists(marker), "gnuplot draws a hostile label as text",
            f"drawn {drawn}, marker {'exists' if os.path.exists(marker) else 'absent'}")


def stale(src, tmp):
    """Two copies of one run, both stored; then NEW's records are edited
    (+500 per operation): compare must judge the files, not the old copy."""
    results = os.path.join(tmp, "stale")
    os.makedirs(results)
    base = make_run(src, results, "20990201T000000Z-stale-base", None, None)
    new = make_run(src, results, "20990201T000001Z-stale-new", None, None)
    db = os.path.join(tmp, "stale.sqlite")
    env = env_of(results, db, tmp)
    run(["irqbench.store", "ingest", base, new], env)

    def slower(rs):
        for r in rs:
            for k in ("p50", "mean", "min", "p90", "p99", "max", "ci95_lo", "ci95_hi"):
                r[k] += 500
            r["values"] = [v + 500 for v in r["values"]]
    edit_records(new, slower)
    rc, out, err = run(["irqbench.compare", os.path.basename(base), os.path.basename(new)], env)
    return (rc == 1 and "REGRESSION" in out and no_trace(err),
            "compare of a stored run whose files were edited since judges the files (exit 1, "
            "regressions), not the stored copy",
            f"exit {rc}: {err.strip()[-300:]}")


if __name__ == "__main__":
    sys.exit(main())
