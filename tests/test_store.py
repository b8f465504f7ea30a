"""python3 -m tests.test_store: the results store (irqbench/store.py), as KTAP.

The same tests run on SQLite (a file in a temporary directory) and on a
PostgreSQL 15 server this test starts itself in a temporary directory,
listening on a Unix socket there only, and stops again whatever happens
(try/finally, atexit, and a watchdog). A server that cannot start is a
failure, never a skip. A last test compares what the two backends return
for the same runs: the proof that their schema and queries are the same.
Faults of the store are answers, not tracebacks: an unreachable server,
one stopped mid-ingest, a writer's lock held past IRQBENCH_DB_WAIT.

Real runs are read from RESULTS (default results/), those in the compact
format (runfiles.py); other runs are made up here with runfiles.write_records().
Exit 1 when a test fails.
"""
import atexit
import json
import os
import pwd
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

from irqbench import history, identity, paths, runfiles, store
from irqbench.tables import RECORD

PG_BIN = "/usr/lib/postgresql/15/bin"
PG_USER = "postgres"
# A hung server or child must not keep the test (and the server) alive:
# past this, the test stops, fails what is left, and cleans up.
WATCHDOG_S = 240
CHILD_TIMEOUT_S = 60
TABLES = {"store_meta": "key", "runs": "run_id", "cells": "run_id, cell",
          "records": "rec_id", "samples": "rec_id, idx", "traces": 'run_id, cell, "case"'}
PAUSED = "ingest: paused after"


class Failed(Exception):
    """A test's one-line reason."""


class Abort(BaseException):
    """The watchdog or a signal: stop testing, clean up (a BaseException,
    so no test catches it)."""


def expect(cond, reason):
    if not cond:
        raise Failed(reason)


def one_line(text, limit=300):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "..."


# ---- runs

def real_runs():
    """The runs under RESULTS that are in the compact format, oldest first."""
    return [d for d in runfiles.run_dirs() if runfiles.cell_files(d)]


def run_size(run_dir):
    return sum(os.path.getsize(p) for p in runfiles.cell_files(run_dir).values())


def has_traces(run_dir):
    return bool(store.load_traces(run_dir))


def small_runs(n, min_cells=2):
    """The N smallest real runs of at least MIN_CELLS cells (a killed or
    concurrent ingest needs a cell after the first to pause before)."""
    runs = sorted((d for d in real_runs() if len(runfiles.cell_files(d)) >= min_cells),
                  key=lambda d: (run_size(d), d))
    expect(len(runs) >= n, f"need {n} run(s) in the compact format with {min_cells}+ cells "
                           f"under {paths.RESULTS}, found {len(runs)} (set RESULTS)")
    return runs[:n]


def run_id(run_dir):
    return os.path.basename(os.path.normpath(run_dir))


def synthetic_record(arch, variant, depth, state, p50):
    """A record of every schema field, a tcg-icount figure of P50 instructions."""
    rec = {}
    for f in RECORD:
        rec[f["name"]] = {"str": "x", "int": 0, "float": float(p50), "float?": None}[f["type"]]
    rec.update(arch=arch, kernel="7.3.0", config="default", accel="tcg-icount",
               variant=variant, impl="native", depth=depth, irq_state=state,
               batch_ops=1024, samples=3, unit="insn", lang="c", boot=0,
               values=[float(p50)] * 3)
    return rec


def synthetic_run(results, name, method, date, p50):
    """A run of two cells whose every case costs P50 instructions per lock
    level, measured by irqbench METHOD."""
    run_dir = os.path.join(results, name)
    os.makedirs(run_dir)
    cells = []
    for arch in ("x86_64", "arm64"):
        cell = f"{arch}-7.3-default"
        recs = [synthetic_record(arch, v, d, s, p50 * d)
                for v in ("irqsave", "counted") for d in (1, 2) for s in ("on", "off")]
        runfiles.write_records(os.path.join(run_dir, cell + ".csv.gz"), recs)
        cells.append({"cell": cell, "arch": arch, "kernel": "7.3", "kernel_release": "7.3.0",
                      "config": "default", "accel": "tcg-icount"})
    meta = {"run_id": name, "date": date, "method": method, "irqbench_commit": "synthetic",
            "command": "tests/test_store.py", "cells": cells}
    with open(os.path.join(run_dir, "run.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=1)
    return run_dir


# ---- the store, read back

def content(st):
    """Every row of every table, in key order: what 'unchanged' compares."""
    return {t: [tuple(r.values()) for r in st.query(f"SELECT * FROM {t} ORDER BY {k}")]
            for t, k in TABLES.items()}


def counts(st):
    return {t: st.query(f"SELECT COUNT(*) AS n FROM {t}")[0]["n"] for t in TABLES}


def rows_of_run(st, rid):
    """How many rows of run RID each table holds (samples through records)."""
    out = {t: st.query(f"SELECT COUNT(*) AS n FROM {t} WHERE run_id = ?", (rid,))[0]["n"]
           for t in ("runs", "cells", "records", "traces")}
    out["samples"] = st.query("SELECT COUNT(*) AS n FROM samples WHERE rec_id IN "
                              "(SELECT rec_id FROM records WHERE run_id = ?)", (rid,))[0]["n"]
    return out


def same(a, b):
    """Equal values of equal types (1 and 1.0 differ: a store must give
    back the types it was given)."""
    return type(a) is type(b) and a == b


def check_records(st, run_dir):
    """The stored records and samples of a run are its files' records."""
    rid = run_id(run_dir)
    stored = st.records(rid)
    want = []
    for cell, path in runfiles.cell_files(run_dir).items():
        want += [(cell, r) for r in runfiles.read_records(path)]
    expect(len(stored) == len(want), f"{rid}: {len(stored)} records stored, files hold {len(want)}")
    for i, (got, (cell, rec)) in enumerate(zip(stored, want)):
        expect(got["cell"] == cell, f"{rid}: record {i} stored in cell {got['cell']}, file {cell}")
        for k in store.REC_COLS:
            exp = rec.get(k, 0 if k == "boot" else None)
            expect(same(got[k], exp), f"{rid} {cell} record {i}: {k} stored {got[k]!r}, file {exp!r}")
        expect(got["values"] == rec["values"] and all(type(v) is float for v in got["values"]),
               f"{rid} {cell} record {i}: {len(got['values'])} samples stored "
               f"differ from the file's {len(rec['values'])}")
    n_samples = sum(len(r["values"]) for _c, r in want)
    stored_samples = rows_of_run(st, rid)["samples"]
    expect(stored_samples == n_samples,
           f"{rid}: {stored_samples} samples stored, files hold {n_samples}")


def check_run_row(st, run_dir):
    """run.json's fields in runs and cells, and the method identity."""
    rid, meta = run_id(run_dir), runfiles.load_meta(run_dir)
    runs = [r for r in st.runs() if r["run_id"] == rid]
    expect(len(runs) == 1, f"{rid}: {len(runs)} rows in runs")
    r = runs[0]
    for col, key in (("date", "date"), ("irqbench_commit", "irqbench_commit"),
                     ("host_cpu", "host_cpu"), ("command", "command")):
        expect(r[col] == meta.get(key, ""), f"{rid}: runs.{col} {r[col]!r}, run.json {meta.get(key)!r}")
    expect(r["dirty"] == int(bool(meta.get("irqbench_dirty"))), f"{rid}: runs.dirty {r['dirty']!r}")
    expect(r["meta"] == meta, f"{rid}: runs.meta is not run.json")
    expect(r["digest"] == store.run_digest(run_dir), f"{rid}: runs.digest is not the files' digest")
    method = identity.of_run(meta, run_dir)
    expect(r["method"] == method and method not in ("", "unknown"),
           f"{rid}: method identity {r['method']!r}, identity.of_run gives {method!r}")
    cells = {c["cell"]: c for c in st.cells(rid)}
    expect(sorted(cells) == sorted(runfiles.cell_files(run_dir)),
           f"{rid}: cells {sorted(cells)}, files {sorted(runfiles.cell_files(run_dir))}")
    entries = {c["cell"]: c for c in meta.get("cells", [])}
    for cell, row in cells.items():
        entry = entries.get(cell, {})
        for col in ("arch", "kernel_release", "config", "accel", "compiler", "config_sha256",
                    "qemu_version"):
            expect(row[col] == entry.get(col), f"{rid} {cell}: cells.{col} {row[col]!r}, "
                                               f"run.json {entry.get(col)!r}")
        expect(row["meta"] == entry, f"{rid} {cell}: cells.meta is not run.json's entry")
        expect(row["variants"] == runfiles.cell_variants(run_dir, cell, meta),
               f"{rid} {cell}: cells.variants is not the cell's variant table")
        ktap = os.path.join(run_dir, cell + ".ktap")
        if os.path.exists(ktap):
            with open(ktap, encoding="utf-8") as f:
                expect(row["ktap"] == f.read(), f"{rid} {cell}: cells.ktap is not {cell}.ktap")


def check_traces(st, run_dir):
    rid = run_id(run_dir)
    key = lambda t: (t["cell"], t["case"])  # noqa: E731
    want = sorted((t | {"run_id": rid} for t in store.load_traces(run_dir)), key=key)
    got = sorted(st.traces(rid), key=key)
    expect(got == want, f"{rid}: {len(got)} traces stored, annotate/ holds {len(want)}")


# ---- children: python3 -m irqbench.store ingest in a subprocess

def child_env(url, **extra):
    env = dict(os.environ, PYTHONPATH=paths.ROOT, IRQBENCH_DB=url)
    env.pop("IRQBENCH_INGEST_PAUSE", None)
    env.update(extra)
    return env


class Child:
    """An ingest in a subprocess, its stderr lines timestamped as they come
    (so a test can see when it paused, and whether two overlapped)."""
    live = []

    def __init__(self, run_dir, url, pause=None):
        extra = {"IRQBENCH_INGEST_PAUSE": str(pause)} if pause is not None else {}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "irqbench.store", "ingest", run_dir], env=child_env(url, **extra),
            cwd=tempfile.gettempdir(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        Child.live.append(self.proc)
        self.lines = []
        self.paused = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            self.lines.append((time.monotonic(), line.rstrip("\n")))
            if line.startswith(PAUSED):
                self.paused.set()

    def wait(self, timeout=CHILD_TIMEOUT_S):
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise Failed(f"ingest did not finish in {timeout} s (a lock left behind?)") from None
        self.reader.join(5)
        return rc

    def pauses(self):
        return [t for t, line in self.lines if line.startswith(PAUSED)]

    def stderr(self):
        return one_line(" | ".join(line for _t, line in self.lines[-4:]))


def kill_children():
    for p in Child.live:
        if p.poll() is None:
            p.kill()
            p.wait()


def ingest_cli(run_dir, url):
    """python3 -m irqbench.store ingest RUN_DIR, to the end."""
    c = Child(run_dir, url)
    rc = c.wait()
    expect(rc == 0, f"ingest {run_id(run_dir)} exited {rc}: {c.stderr()}")


# ---- backends

class SQLite:
    name = "sqlite"

    def __init__(self, tmp):
        self.tmp = tmp
        self.n = 0

    def fresh(self, tag):
        """The URL of a new, empty store."""
        self.n += 1
        return os.path.join(self.tmp, f"{self.n}-{tag}", "results.sqlite")

    def in_flight(self, url):
        """Evidence that a writer's transaction is open: SQLite's rollback journal."""
        return os.path.exists(url + "-journal")

    def settled(self, _url):
        return True


class PostgreSQL:
    """A server of its own in a temporary directory: no TCP, a Unix socket
    in that directory, trust authentication, run as the postgres user when
    the test runs as root (the server refuses to run as root)."""
    name = "postgresql"

    def __init__(self):
        self.dir = None
        self.n = 0
        self.started = False
        self.timings = {}

    def _cmd(self, args, timeout=60):
        prefix = ["runuser", "-u", PG_USER, "--"] if os.geteuid() == 0 else []
        cmd = prefix + [os.path.join(PG_BIN, args[0])] + args[1:]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False,
                           cwd=self.dir)
        if r.returncode:
            raise Failed(f"{args[0]} exited {r.returncode}: {one_line(r.stderr or r.stdout)}")
        return r

    def start(self):
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam(PG_USER)
            except KeyError:
                raise Failed(f"no user {PG_USER} (install Debian's postgresql)") from None
        expect(os.path.exists(os.path.join(PG_BIN, "initdb")),
               f"no {PG_BIN}/initdb (install Debian's postgresql)")
        self.dir = tempfile.mkdtemp(prefix="irqbench-pg-")
        if os.geteuid() == 0:
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        data = os.path.join(self.dir, "data")
        t = time.monotonic()
        # --no-sync, fsync=off: a server thrown away after the test; the
        # tests are of transactions, not of surviving a power cut
        self._cmd(["initdb", "-D", data, "-A", "trust", "-U", PG_USER, "-E", "UTF8",
                   "--locale=C.UTF-8", "--no-sync"])
        self.timings["initdb"] = time.monotonic() - t
        t = time.monotonic()
        self.started = True  # from here on, stop() tries to stop it
        self.pg_ctl_start()
        self.timings["pg_ctl start"] = time.monotonic() - t

    def pg_ctl_start(self):
        """Start the server on the data directory (again, after a crash)."""
        data = os.path.join(self.dir, "data")
        opts = (f"-c listen_addresses='' -c unix_socket_directories={shlex.quote(self.dir)} "
                "-c fsync=off")
        log = os.path.join(self.dir, "server.log")
        try:
            self._cmd(["pg_ctl", "-D", data, "-l", log, "-w", "-t", "30", "-o", opts, "start"])
        except Failed as e:
            # pg_ctl only says to look at the log: the reason is in it
            tail = open(log, encoding="utf-8", errors="replace").read().splitlines()[-2:] \
                if os.path.exists(log) else []
            raise Failed(f"{e}; server.log: {' | '.join(tail)}") from None

    def crash(self):
        """Stop the server at once, as a crash or a lost host would: no
        client is told, no shutdown checkpoint."""
        self._cmd(["pg_ctl", "-D", os.path.join(self.dir, "data"), "-m", "immediate", "-w",
                   "-t", "20", "stop"], timeout=30)

    def fresh(self, tag):
        """The URL of a new, empty database."""
        self.n += 1
        db = f"t{self.n}_{tag}"
        self._cmd(["createdb", "-h", self.dir, "-U", PG_USER, db])
        return f"postgresql:///{db}?host={self.dir}&user={PG_USER}"

    def maintenance(self):
        import psycopg2  # pylint: disable=import-outside-toplevel
        return psycopg2.connect(f"postgresql:///postgres?host={self.dir}&user={PG_USER}")

    def sessions(self, url, state=None):
        """Server sessions on URL's database (in STATE), other than ours."""
        db = url.split("?")[0].rsplit("/", 1)[1]
        with self.maintenance() as conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND "
                        "pid <> pg_backend_pid() AND (%s IS NULL OR state = %s)",
                        (db, state, state))
            n = cur.fetchone()[0]
        conn.close()
        return n

    def in_flight(self, url):
        """Evidence that a writer's transaction is open: its session idles in it."""
        return self.sessions(url, "idle in transaction") > 0

    def settled(self, url, timeout=10):
        """The server noticed the killed client: its session (and with it
        the transaction and the advisory lock) is gone."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.maintenance() as conn, conn.cursor() as cur:
                cur.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
                locks = cur.fetchone()[0]
            conn.close()
            if locks == 0 and self.sessions(url, "idle in transaction") == 0:
                return True
            time.sleep(0.05)
        return False

    def stop(self):
        """Stop the server (fast, else immediate) and remove its directory."""
        if self.dir is None:
            return
        data = os.path.join(self.dir, "data")
        if self.started and os.path.exists(os.path.join(data, "postmaster.pid")):
            for mode in ("fast", "immediate"):
                try:
                    self._cmd(["pg_ctl", "-D", data, "-m", mode, "-w", "-t", "20", "stop"], timeout=30)
                    break
                except (Failed, subprocess.TimeoutExpired) as e:
                    print(f"# postgresql: pg_ctl stop -m {mode}: {one_line(e)}")
        self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None


# ---- the tests: each takes a backend

def test_ingest(b, _tmp):
    """Every record and sample of a run, run.json's fields, the method identity."""
    runs = real_runs()
    expect(runs, f"no run in the compact format under {paths.RESULTS} (set RESULTS)")
    # the smallest run with traces, so traces are stored too
    run = min(runs, key=lambda d: (not has_traces(d), run_size(d)))
    st = store.Store(b.fresh("ingest"))
    expect(st.ingest(run) == "added", "ingest() did not say 'added'")
    check_records(st, run)
    check_run_row(st, run)
    check_traces(st, run)
    st.db.close()


def test_idempotent(b, _tmp):
    run = small_runs(1)[0]
    st = store.Store(b.fresh("twice"))
    st.ingest(run)
    before = content(st)
    expect(st.ingest(run) == "present", "the second ingest did not say 'present'")
    expect(content(st) == before, f"the second ingest changed the store: {counts(st)}")
    st.db.close()


def test_changed_files(b, tmp):
    """A run whose files changed since it was stored is stored again from
    its files, in one transaction: no reader answers from the old copy."""
    run = os.path.join(tmp, f"changed-{b.name}", run_id(small_runs(1)[0]))
    shutil.copytree(small_runs(1)[0], run)
    st = store.Store(b.fresh("changed"))
    st.ingest(run)
    cell, path = next(iter(runfiles.cell_files(run).items()))
    recs = runfiles.read_records(path)
    recs[0]["p50"] += 1
    recs[0]["max"] = max(recs[0]["max"], recs[0]["p50"])
    recs[0]["values"] = []
    runfiles.write_records(path, recs)
    expect(st.ingest(run) == "replaced", f"a run whose {cell} changed was not stored again")
    check_records(st, run)
    fresh = store.Store(b.fresh("changed-fresh"))
    fresh.ingest(run)
    expect(content(st)["records"] == content(fresh)["records"],
           "the run stored again differs from the same files stored fresh")
    st.db.close()
    fresh.db.close()


def test_traces_later(b, tmp):
    """make annotate-results writes a stored run's traces after it was
    stored: ingesting it again stores them (and only them), a third time
    adds nothing."""
    src = next((d for d in real_runs() if has_traces(d)), None)
    expect(src, f"no run with traces under {paths.RESULTS} (set RESULTS)")
    run = os.path.join(tmp, f"traces-{b.name}", run_id(src))
    shutil.copytree(src, run)
    os.rename(os.path.join(run, store.TRACES), os.path.join(tmp, f"traces-{b.name}.gz"))
    st = store.Store(b.fresh("traces"))
    expect(st.ingest(run) == "added", "the run without traces was not added")
    before = content(st)
    expect(not before["traces"], "a run without traces stored some")
    os.rename(os.path.join(tmp, f"traces-{b.name}.gz"), os.path.join(run, store.TRACES))
    expect(st.ingest(run) == "traces", "ingesting the run with its new traces did not say 'traces'")
    check_traces(st, run)
    after = content(st)
    expect(all(after[t] == before[t] for t in TABLES if t not in ("traces", "runs")),
           "storing the traces changed records, samples or cells")
    expect(st.ingest(run) == "present", "a third ingest did not say 'present'")
    expect(content(st) == after, "a third ingest changed the store")
    st.db.close()


def test_killed_ingest(b, _tmp):
    """SIGKILL while the records are inserted and not committed: nothing of
    the run stays, no lock stays, and the next ingest stores it."""
    other, run = small_runs(2)
    url = b.fresh("killed")
    st = store.Store(url)
    st.ingest(other)
    before = content(st)
    st.db.close()  # no session of ours on the server while the child writes
    c = Child(run, url, pause=CHILD_TIMEOUT_S)
    paused = c.paused.wait(CHILD_TIMEOUT_S)
    in_flight = paused and b.in_flight(url)
    c.proc.kill()
    c.wait()
    expect(paused, f"the ingest never paused: {c.stderr()}")
    expect(in_flight, "no open transaction while the ingest paused")
    expect(b.settled(url), "the killed ingest's transaction or lock is still on the server")
    st = store.Store(url)
    left = {t: n for t, n in rows_of_run(st, run_id(run)).items() if n}
    expect(not left, f"the killed ingest left rows: {left}")
    expect(content(st) == before, "the killed ingest changed the store")
    ingest_cli(run, url)
    check_records(st, run)
    st.db.close()


def test_concurrent(b, _tmp):
    """Two ingests at once on a new store: both land, one writing at a time."""
    runs = small_runs(2)
    url = b.fresh("concurrent")
    # each pauses after every cell, so the two would overlap unless serialized
    kids = [Child(run, url, pause=0.3) for run in runs]
    rcs = [c.wait() for c in kids]
    for c, rc, run in zip(kids, rcs, runs):
        expect(rc == 0, f"ingest {run_id(run)} exited {rc}: {c.stderr()}")
    expect(all(c.pauses() for c in kids), "an ingest never paused")
    spans = sorted((min(c.pauses()), max(c.pauses())) for c in kids)
    expect(spans[0][1] < spans[1][0], f"the two ingests wrote at once: {spans}")
    st = store.Store(url)
    expect({r["run_id"] for r in st.runs()} == {run_id(r) for r in runs},
           f"runs stored: {[r['run_id'] for r in st.runs()]}")
    for run in runs:
        check_records(st, run)
    orphans = st.query("SELECT COUNT(*) AS n FROM samples s LEFT JOIN records r "
                       "ON r.rec_id = s.rec_id WHERE r.rec_id IS NULL")[0]["n"]
    expect(orphans == 0, f"{orphans} samples of no record")
    st.db.close()


def compare_cli(results, url, base, new):
    r = subprocess.run([sys.executable, "-m", "irqbench.compare", base, new],
                       env=child_env(url, RESULTS=results), cwd=tempfile.gettempdir(),
                       capture_output=True, text=True, timeout=CHILD_TIMEOUT_S, check=False)
    return r.returncode, r.stdout.splitlines() + r.stderr.splitlines()


def test_compare_methods(b, tmp):
    """Figures that moved by many instructions: a REGRESSION between runs of
    one method identity, a change of irqbench between runs of two."""
    results = os.path.join(tmp, f"compare-{b.name}")
    base = synthetic_run(results, "20300101T000000Z-base", "aaa", "2030-01-01T00:00:00+00:00", 100)
    other = synthetic_run(results, "20300102T000000Z-other", "bbb", "2030-01-02T00:00:00+00:00", 150)
    same_m = synthetic_run(results, "20300103T000000Z-same", "aaa", "2030-01-03T00:00:00+00:00", 150)
    url = b.fresh("compare")
    rc, lines = compare_cli(results, url, run_id(base), run_id(other))
    expect(rc == 2, f"across methods: exit {rc}, want 2: {one_line(' | '.join(lines[-3:]))}")
    expect(any(line.startswith("irqbench changed") for line in lines),
           "across methods: no line starting 'irqbench changed'")
    regs = [line for line in lines if "REGRESSION" in line]
    expect(not regs, f"across methods: {one_line(regs[0]) if regs else ''}")
    rc, lines = compare_cli(results, url, run_id(base), run_id(same_m))
    expect(rc == 1, f"same method: exit {rc}, want 1: {one_line(' | '.join(lines[-3:]))}")
    expect(any("REGRESSION" in line for line in lines), "same method: no REGRESSION line")


# ---- faults of the store itself: one line and an exit code, no traceback

def tool(module, args, url, results, timeout=CHILD_TIMEOUT_S, **extra):
    """python3 -m irqbench.MODULE ARGS on store URL and RESULTS: (exit
    code, stderr lines, seconds)."""
    t = time.monotonic()
    r = subprocess.run([sys.executable, "-m", f"irqbench.{module}", *args],
                       env=child_env(url, RESULTS=results, **extra), cwd=tempfile.gettempdir(),
                       capture_output=True, text=True, timeout=timeout, check=False)
    return r.returncode, r.stderr.splitlines(), time.monotonic() - t


def one_error_line(what, rc, lines, want_rc):
    """WHAT exited WANT_RC with one line on stderr and no traceback."""
    expect(not any("Traceback" in line for line in lines),
           f"{what}: a traceback: {one_line(' | '.join(lines[-3:]))}")
    expect(rc == want_rc and len(lines) == 1,
           f"{what}: exit {rc} with {len(lines)} stderr lines, want {want_rc} and one: "
           f"{one_line(' | '.join(lines[-3:]))}")


def scratch_results(tmp, tag):
    """A RESULTS of one small real run, copied."""
    results = os.path.join(tmp, f"results-{tag}")
    src = small_runs(1)[0]
    shutil.copytree(src, os.path.join(results, run_id(src)))
    return results


READERS = [("compare", []), ("history", []), ("kcidb", []), ("store", ["ingest"]),
           ("report.explain", ["counted/native/d1/on", "counted/native/d1/off"])]


def test_unreachable(_b, tmp):
    """A postgresql:// URL with no server behind it (a socket directory
    where none listens): every tool that reads the store says so in one
    line, exit 3, and never prints the URL's password."""
    sock = tempfile.mkdtemp(prefix="nosrv-", dir=tmp)
    url = f"postgresql:///irqbench?host={sock}&user={PG_USER}&password=not-to-be-printed"
    results = scratch_results(tmp, "unreachable")
    for module, args in READERS:
        rc, lines, _s = tool(module, args, url, results)
        one_error_line(f"{module} {' '.join(args)}".strip(), rc, lines, 3)
        expect("not-to-be-printed" not in lines[0], f"{module} printed the password: {lines[0]}")
        expect(sock in lines[0], f"{module} does not name the store: {lines[0]}")


def test_writer_waits(b, tmp):
    """A reader behind a writer that holds the store's lock (an ingest
    paused) waits IRQBENCH_DB_WAIT seconds, says so once, and gives up
    with exit 2."""
    other, run = small_runs(2)
    url = b.fresh("wait")
    st = store.Store(url)
    st.ingest(other)
    st.db.close()
    c = Child(run, url, pause=CHILD_TIMEOUT_S)
    try:
        expect(c.paused.wait(CHILD_TIMEOUT_S), f"the ingest never paused: {c.stderr()}")
        rc, lines, secs = tool("history", [], url, os.path.join(tmp, "empty-results"),
                               timeout=20, IRQBENCH_DB_WAIT="2")
    finally:
        c.proc.kill()
        c.wait()
    expect(b.settled(url), "the killed ingest's transaction or lock is still on the server")
    waits = [line for line in lines if line.startswith("store: waiting for another writer")]
    expect(not any("Traceback" in line for line in lines),
           f"history: a traceback: {one_line(' | '.join(lines[-3:]))}")
    expect(rc == 2, f"history behind a writer exited {rc}, want 2: {one_line(' | '.join(lines))}")
    expect(len(waits) == 1 and len(lines) == 2 and "busy" in lines[-1],
           f"want one wait line and one 'busy' line, got: {one_line(' | '.join(lines))}")
    expect(2 <= secs < 10, f"history gave up after {secs:.1f} s, want 2 to 10")


def test_refused_login(pg, tmp):
    """The server refuses the login (a role it does not know): one line,
    exit 3, the password not printed."""
    url = pg.fresh("login").replace(f"user={PG_USER}", "user=nosuchrole&password=not-to-be-printed")
    results = scratch_results(tmp, "login")
    for module, args in READERS[:2] + [("store", ["ingest"])]:
        rc, lines, _s = tool(module, args, url, results)
        one_error_line(f"{module} {' '.join(args)}".strip(), rc, lines, 3)
        expect("not-to-be-printed" not in lines[0], f"{module} printed the password: {lines[0]}")
        expect("nosuchrole" in lines[0], f"{module} does not say why: {lines[0]}")


def test_server_gone(pg, tmp):
    """The server stops (immediate: a crash) while an ingest is half done:
    the ingest exits 3 with one line, and the restarted server holds none
    of the run."""
    other, run = small_runs(2)
    url = pg.fresh("gone")
    st = store.Store(url)
    st.ingest(other)
    before = content(st)
    st.db.close()
    c = Child(run, url, pause=3)
    paused = c.paused.wait(CHILD_TIMEOUT_S)
    try:
        pg.crash()
    finally:
        rc = c.wait()
        pg.pg_ctl_start()
    expect(paused, f"the ingest never paused: {c.stderr()}")
    lines = [line for _t, line in c.lines if not line.startswith(PAUSED)]
    one_error_line("ingest while the server stopped", rc, lines, 3)
    print(f"# {lines[0]}")
    st = store.Store(url)
    left = {t: n for t, n in rows_of_run(st, run_id(run)).items() if n}
    expect(not left, f"the interrupted ingest left rows: {left}")
    expect(content(st) == before, "the interrupted ingest changed the store")
    st.db.close()


TESTS = [
    ("ingest stores every record, sample and run.json field", test_ingest),
    ("ingesting a run twice adds nothing", test_idempotent),
    ("a run whose files changed is refused and the store unchanged", test_changed_files),
    ("traces written after a run was stored replace its traces, nothing else", test_traces_later),
    ("a killed ingest loses nothing and leaves no lock", test_killed_ingest),
    ("two ingests at once both land, one writer at a time", test_concurrent),
    ("compare across method identities is never a REGRESSION", test_compare_methods),
    ("a reader behind a held writer's lock waits, says so once, and exits 2", test_writer_waits),
]
# once, with no server: the tools' answer to an unreachable PostgreSQL
NO_SERVER_TESTS = [
    ("an unreachable postgresql:// store is one line and exit 3 in every tool", test_unreachable),
]
# the test's own server only: it is stopped under a client, and restarted
PG_TESTS = [
    ("a refused login is one line and exit 3, its password not printed", test_refused_login),
    ("the server gone mid-ingest: exit 3, one line, nothing of the run stored", test_server_gone),
]


# ---- the cross-backend test

def runs_for_queries():
    """A spread of real runs: the first of each method identity, and every
    run with traces."""
    seen, out = set(), []
    for d in real_runs():
        method = identity.of_run(runfiles.load_meta(d), d)
        if method not in seen or has_traces(d):
            seen.add(method)
            out.append(d)
    expect(out, f"no run in the compact format under {paths.RESULTS} (set RESULTS)")
    return out


def cases_of(st, limit=4):
    """The cases found in the most runs, and their history to compare."""
    rows = st.query("SELECT variant, impl, depth, irq_state, COUNT(DISTINCT run_id) AS n "
                    "FROM records GROUP BY variant, impl, depth, irq_state")
    rows.sort(key=lambda r: (-r["n"], r["variant"], r["impl"], r["depth"], r["irq_state"]))
    return [(r["variant"], r["impl"], r["depth"], r["irq_state"]) for r in rows[:limit]]


def first_difference(a, b, where=""):
    """Where two results differ, for the reason line."""
    if type(a) is not type(b):
        return f"{where}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, dict):
        if list(a) != list(b):
            return f"{where}: keys {list(a)} vs {list(b)}"
        for k in a:
            if repr(a[k]) != repr(b[k]):
                return first_difference(a[k], b[k], f"{where}.{k}")
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return f"{where}: {len(a)} vs {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b)):
            if repr(x) != repr(y):
                return first_difference(x, y, f"{where}[{i}]")
    return f"{where}: {one_line(repr(a), 80)} vs {one_line(repr(b), 80)}"


def test_same_queries(lite, pg):
    """The same runs on both backends: Store.runs, cells, records (with
    samples), traces and history.case_history return the same values of the
    same types in the same order."""
    runs = runs_for_queries()
    stores = [store.Store(lite.fresh("queries")), store.Store(pg.fresh("queries"))]
    for st in stores:
        store.ingest_all(st, runs, quiet=True)
    results = []
    for st in stores:
        out = {"runs": st.runs(), "cells": st.cells(), "traces": st.traces()}
        for run in runs:
            out["records " + run_id(run)] = st.records(run_id(run))
        for case in cases_of(stores[0]):
            out[f"history {case}"] = history.case_history(st, case)
            out[f"history {case} x86_64"] = history.case_history(st, case, arch="x86_64")
        results.append(out)
    for st in stores:
        st.db.close()
    lite, pg = results
    for k in lite:
        expect(repr(lite[k]) == repr(pg[k]), f"{k} differs (sqlite vs postgresql) at "
                                             f"{first_difference(lite[k], pg[k])}")
    print(f"# {len(runs)} runs, {sum(len(v) for k, v in lite.items() if k.startswith('records'))} "
          f"records: the same from both backends")


# ---- the runner

class Ktap:
    def __init__(self, planned):
        self.n = 0
        self.failed = 0
        print("TAP version 13")
        print(f"1..{planned}")
        sys.stdout.flush()

    def result(self, name, reason=None):
        self.n += 1
        if reason is None:
            print(f"ok {self.n} {name}")
        else:
            self.failed += 1
            print(f"not ok {self.n} {name}: {one_line(reason)}")
        sys.stdout.flush()

    def run(self, name, fn, *args):
        try:
            fn(*args)
        except Failed as e:
            self.result(name, str(e))
        except (Exception, SystemExit) as e:  # pylint: disable=broad-except
            self.result(name, f"{type(e).__name__}: {e}")
        else:
            self.result(name)


def on_signal(sig, _frame):
    if sig == signal.SIGALRM:
        raise Abort(f"the test ran past {WATCHDOG_S} s")
    raise Abort(f"stopped by signal {signal.Signals(sig).name}")


def main():
    # each backend's tests, the server's start, the comparison
    planned = 2 * len(TESTS) + len(NO_SERVER_TESTS) + len(PG_TESTS) + 2
    k = Ktap(planned)
    pg = PostgreSQL()
    atexit.register(pg.stop)
    atexit.register(kill_children)
    for sig in (signal.SIGALRM, signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    signal.alarm(WATCHDOG_S)
    t0 = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="irqbench-store-") as tmp:
            lite = SQLite(tmp)
            for name, fn in TESTS:
                k.run(f"sqlite: {name}", fn, lite, tmp)
            for name, fn in NO_SERVER_TESTS:
                k.run(f"postgresql: {name}", fn, None, tmp)
            print(f"# sqlite half: {time.monotonic() - t0:.1f} s")
            t_pg = time.monotonic()
            k.run("postgresql: a server of the test's own starts", pg.start)
            if pg.timings:
                print("# postgresql: server start " + ", ".join(
                    f"{what} {s:.2f} s" for what, s in pg.timings.items()))
            if pg.started and pg.timings.get("pg_ctl start") is not None:
                for name, fn in TESTS + PG_TESTS:
                    k.run(f"postgresql: {name}", fn, pg, tmp)
                k.run("sqlite and postgresql: the same runs give the same query results",
                      test_same_queries, lite, pg)
            else:
                for name, _fn in TESTS + PG_TESTS:
                    k.result(f"postgresql: {name}", "no server")
                k.result("sqlite and postgresql: the same runs give the same query results",
                         "no server")
            kill_children()
            pg.stop()
            print(f"# postgresql half: {time.monotonic() - t_pg:.1f} s (server start to stop)")
    except Abort as e:
        while k.n < planned:
            k.result("(not finished)", str(e))
    finally:
        signal.alarm(0)
        kill_children()
        pg.stop()
    print(f"# total: {time.monotonic() - t0:.1f} s")
    return 1 if k.failed or k.n != planned else 0


if __name__ == "__main__":
    sys.exit(main())
