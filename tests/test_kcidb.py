"""PYTHONPATH=. python3 -m tests.test_kcidb [RESULTS_DIR]: the KCIDB exporter
(irqbench/kcidb.py), as KTAP; exit 1 on a failure.

Every run of RESULTS_DIR (default results/) goes through a store of its own
(a temporary SQLite file: the user's store is not touched) into a document
that must validate, hold one test per record plus one per selftest stream
(counted from the run files, not from the store), and give a record back
unchanged. A validator that cannot fail would make all of that meaningless,
so a valid document is mutated with the faults KCIDB would reject, and each
must be rejected with a message naming it. Runs not in the compact format
(no <cell>.csv.gz) hold nothing to export: the checks on them are skips.
"""
import contextlib
import copy
import csv
import glob
import gzip
import io
import json
import os
import sys
import tempfile

from irqbench import kcidb, paths, runfiles, store

from . import tap

RUN = {"run_id": "20260101T000000Z-0123456789ab-test", "date": "2026-01-01T00:00:00+00:00",
       "method": "0123456789abcdef", "host_cpu": "test CPU", "irqbench_commit": "0123456789ab"}
CELL = {"cell": "x86_64-7.3-default", "arch": "x86_64", "kernel_series": "7.3",
        "kernel_release": "7.3.0-rc7", "config": "default", "accel": "tcg-icount",
        "compiler": "gcc (Debian 12.2.0-14) 12.2.0",
        "tree_identity": "git v7.3-rc7-1-g0123456789ab " + "0123456789" * 4,
        "config_sha256": "0" * 64, "qemu_version": "QEMU emulator version 7.2.22",
        "ktap": "TAP version 13\n1..2\nok 1 a\nok 2 b # SKIP why\n", "meta": {}}


def record(impl, state, p50, **kw):
    r = {"rec_id": 1, "run_id": RUN["run_id"], "cell": CELL["cell"], "arch": "x86_64",
         "kernel": "7.3.0-rc7", "config": "default", "accel": "tcg-icount", "variant": "counted",
         "impl": impl, "depth": 1, "irq_state": state, "batch_ops": 1024, "samples": 3,
         "unit": "insn", "p50": float(p50), "ci95_lo": float(p50), "ci95_hi": float(p50),
         "irq_leaks": 0, "lang": "c", "lock_type": "spinlock_t", "cycles_p50": None, "boot": 0,
         "values": [float(p50)] * 3}
    r.update(kw)
    return r


def planted_base(tmp):
    """A small valid document: two records (one emulated) and a selftest."""
    recs = [record("native", "off-raw", 14), record("emulated:v7.3", "on", 2107)]
    return kcidb.document(RUN, [CELL], recs, files=kcidb.Files(tmp))


def rejected(doc, mutate, *words):
    """The violation of @doc after @mutate, when it names every word."""
    doc = copy.deepcopy(doc)
    mutate(doc)
    problem = kcidb.violation(doc)
    return problem if problem and all(w in problem for w in words) else None


def planted_checks(tmp):
    base = planted_base(tmp)
    checks = [("a planted document validates", kcidb.violation(base) is None, kcidb.violation(base))]
    faults = [
        ("a test path with ':' in it", lambda d: d["tests"][0].update(path="irqbench.counted.emulated:v7.3"),
         ("tests[0].path", "does not match")),
        ("a build without checkout_id", lambda d: d["builds"][0].pop("checkout_id"),
         ("builds[0]", "'checkout_id' is a required property")),
        ("a null value in a test's misc", lambda d: d["tests"][1]["misc"].update(lang=None),
         ("tests[1].misc.lang", "null")),
        ("a null typed field", lambda d: d["builds"][0].update(compiler=None),
         ("builds[0].compiler", "null")),
        ("a NaN number", lambda d: d["tests"][0]["number"].update(value=float("nan")),
         ("tests[0].number.value", "non-finite")),
        ("a bad origin", lambda d: d["tests"][0].update(origin="Irq-Bench"),
         ("tests[0].origin", "does not match")),
        ("an id without its origin", lambda d: d["builds"][0].update(id="nocolon"),
         ("builds[0].id", "does not match")),
        ("a relative output_files url", lambda d: d["tests"][0]["output_files"][0].update(url="x.ktap"),
         ("tests[0].output_files[0].url", "is not a 'uri'")),
        ("a start_time that is no date-time", lambda d: d["checkouts"][0].update(start_time="2026-13-01"),
         ("checkouts[0].start_time", "is not a 'date-time'")),
        ("a status outside the enum", lambda d: d["tests"][0].update(status="OK"),
         ("tests[0].status", "is not one of")),
        ("a number without a value", lambda d: d["tests"][0]["number"].pop("value"),
         ("tests[0].number", "'value' is a required property")),
        ("a field the schema does not have", lambda d: d["builds"][0].update(valid=True),
         ("builds[0]", "'valid' was unexpected")),
        ("version 5.4", lambda d: d["version"].update(minor=4), ("version.minor", "maximum")),
        ("a test of a build not in the document", lambda d: d["tests"][0].update(build_id="irqbench:other"),
         ("tests[0].build_id", "names no object of builds")),
    ]
    for what, mutate, words in faults:
        problem = rejected(base, mutate, *words)
        checks.append((f"planted: {what} is rejected, named", problem is not None, problem))
    bad = copy.deepcopy(base)
    bad["tests"][0]["path"] = "a:b"
    out = os.path.join(tmp, "bad.json")
    try:
        kcidb.write_document(bad, out)
        raised = False
    except kcidb.Invalid:
        raised = True
    checks.append(("an invalid document is never written", raised and not os.path.exists(out), None))
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = kcidb.main(["--origin", "Irq-Bench"])
    checks.append(("a bad --origin is a usage error (exit 3), said", code == 3 and "Irq-Bench" in err.getvalue(),
                   err.getvalue().strip()))
    return checks


def mapping_checks():
    values = ["counted", "raw_irqsave_hoh", "native", "native-builtin", "emulated:v7.3",
              "emulated:v1-percpu", "off-raw", "d16", "a_3Ab", "_", "x_4", "_5F", "ü.b:c/d"]
    levels = [kcidb.path_level(v) for v in values]
    legal = all(l and all(kcidb.LEGAL.match(ch) for ch in l) for l in levels)
    back = all(kcidb.path_value(l) == v for l, v in zip(levels, values))
    same = all(kcidb.path_level(v) == v for v in values[:4] + ["off-raw"])
    return [
        ("path levels are legal and give their values back", legal and back,
         dict(zip(values, levels))),
        ("variant ids, native impls and states stay as they are", same, None),
        ("emulated:v7.3 is emulated_3Av7_2E3", kcidb.path_level("emulated:v7.3") == "emulated_3Av7_2E3",
         kcidb.path_level("emulated:v7.3")),
        ("a failing or short KTAP stream is a FAIL, a complete one a PASS",
         [kcidb.ktap_verdict(t)[0] for t in ("TAP version 13\n1..2\nok 1 a\nnot ok 2 b\n",
                                              "TAP version 13\n1..3\nok 1 a\n",
                                              "TAP version 13\nok 1 a\n",
                                              "TAP version 13\n1..1\nnoise\nok 1 a # SKIP x\n")]
         == ["FAIL", "FAIL", "FAIL", "PASS"], None),
    ]


def expected_tests(run_dir):
    """Records plus selftest streams of a run, from its files (rows of each
    <cell>.csv.gz counted, not typed: only their number matters here)."""
    n = 0
    for cell, path in runfiles.cell_files(run_dir).items():
        with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
            n += sum(1 for _row in csv.DictReader(f))
        n += os.path.exists(os.path.join(run_dir, cell + ".ktap"))
    return n


def spot_record(run_dirs):
    """A record to follow through: the first emulated one of the newest run."""
    for d in reversed(run_dirs):
        for cell, path in runfiles.cell_files(d).items():
            for r in runfiles.read_records(path):
                if r["impl"].startswith("emulated:"):
                    return os.path.basename(d), cell, r
    return None


def results_checks(results, tmp):
    dirs = runfiles.run_dirs(results)
    compact = [d for d in dirs if runfiles.cell_files(d)]
    if not compact:
        why = f"# SKIP no run in the compact format under {results} ({len(dirs)} runs)"
        return [(f"every run's document validates {why}", True, None),
                (f"tests equal records plus selftests {why}", True, None),
                (f"a record round-trips {why}", True, None)]
    st = store.Store(os.path.join(tmp, "store.sqlite"))
    # a throwaway store: it need not survive a crash, so no fsync per run
    st.db.execute("PRAGMA synchronous=OFF")
    store.ingest_all(st, compact, quiet=True)
    files = kcidb.Files(results)
    problems, miscount, docs = [], [], {}
    for run in st.runs():
        doc = kcidb.stored_document(st, run, files=files)
        problem = kcidb.violation(doc)
        if problem:
            problems.append(f"{run['run_id']}: {problem}")
        want = expected_tests(os.path.join(results, run["run_id"]))
        if len(doc["tests"]) != want:
            miscount.append(f"{run['run_id']}: {len(doc['tests'])} tests, {want} expected")
        docs[run["run_id"]] = doc
    checks = [(f"every run's document validates ({len(docs)} runs)", not problems, problems[:3]),
              (f"tests equal records plus selftests "
               f"({sum(len(d['tests']) for d in docs.values())} tests)", not miscount, miscount[:3])]
    spot = spot_record(compact)
    ok, detail = False, "no emulated record"
    if spot:
        run_id, cell, rec = spot
        tid = kcidb.test_id({"run_id": run_id}, {"cell": cell}, rec, kcidb.ORIGIN)
        test = next((t for t in docs[run_id]["tests"] if t["id"] == tid), None)
        back = kcidb.record_of(test) if test else {}
        levels = test["path"].split(".")[1:] if test else []
        ok = (test is not None and test["number"]["value"] == rec["p50"]
              and all(back.get(k) == v for k, v in rec.items() if v is not None)
              and [kcidb.path_value(l) for l in levels]
              == [rec["variant"], rec["impl"], f"d{rec['depth']}", rec["irq_state"]])
        detail = f"{tid}: {test and test['number']} vs p50 {rec['p50']}"
    checks.append(("a record round-trips: number.value is its p50, misc the rest, the path its case",
                   ok, detail))
    out = os.path.join(tmp, "out")
    first = st.runs()[:1]
    written, _empty, invalid = kcidb.export(st, first, out, files=files)
    same = False
    if written:
        with open(written[0], encoding="utf-8") as f:
            same = json.load(f) == docs[first[0]["run_id"]]
    checks.append(("export writes <run-id>.json, the validated document",
                   same and not invalid and glob.glob(os.path.join(out, "*.json")) == written, written))
    return checks


def main(argv):
    results = os.path.abspath(argv[0] if argv else paths.RESULTS)
    with tempfile.TemporaryDirectory() as tmp:
        checks = planted_checks(tmp) + mapping_checks() + results_checks(results, tmp)
    # the reason of a failure, and what each planted fault was rejected with
    return tap.report([(ok, what, detail if not ok or what.startswith("planted:") else "")
                       for what, ok, detail in checks])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
