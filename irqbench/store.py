"""The results store: every run's provenance, cells, records, samples and
traces, in SQLite by default or PostgreSQL at scale (the same schema and
queries), read by results, compare, history, kcidb and the dashboard.

    python3 -m irqbench.store ingest [RUN_DIR...]   (default: every run under
                                                     results/ not stored yet)
    python3 -m irqbench.store path                  where the store is

IRQBENCH_DB is a file path (default ~/.cache/irqbench/results.sqlite, out of
git) or a postgresql:// URL. Runs are files (runfiles.py); ingesting one is
one transaction, idempotent (a run stored with the same files adds
nothing; one whose files changed since is an error), so a failed or killed
ingest leaves the store as it was. A run's traces (annotate/traces.json.gz,
written by make annotate-results after the run) are digested apart: when
they change, ingesting the run again replaces them, in one transaction. One writer at a time: SQLite's writers
take a file lock beside it, PostgreSQL's a transaction-scoped advisory lock.
"""
import csv
import fcntl
import glob
import hashlib
import json
import os
import re
import sys
import time
import zlib
from contextlib import contextmanager

from . import cli, identity, paths, runfiles, validate
from .case import short
from .safe_paths import links_in
from .tables import RECORD

SCHEMA_VERSION = 2
SQLTYPE = {"str": "TEXT", "int": "BIGINT", "float": "DOUBLE PRECISION",
           "float?": "DOUBLE PRECISION"}
TRACES = os.path.join("annotate", "traces.json.gz")
REC_COLS = [f["name"] for f in RECORD] + ["boot"]
CELL_COLS = ("run_id", "cell", "arch", "kernel_series", "kernel_release", "config", "accel",
             "compiler", "toolchain", "tree_identity", "config_sha256", "qemu_version",
             "kernel_image_sha256", "module_sha256", "variants", "ktap", "meta")
RUN_COLS = ("run_id", "date", "irqbench_commit", "method", "dirty", "origin", "command",
            "request", "host_cpu", "lava_job", "lava_device", "digest", "traces_digest", "meta")


def q(name):
    return '"' + name + '"'


def ddl():
    rec = ",\n  ".join(
        [f'{q("rec_id")} BIGINT PRIMARY KEY', f'{q("run_id")} TEXT NOT NULL',
         f'{q("cell")} TEXT NOT NULL']
        + [f"{q(f['name'])} {SQLTYPE[f['type']]}" for f in RECORD] + [f'{q("boot")} BIGINT NOT NULL'])
    return [
        "CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT)",
        "CREATE TABLE IF NOT EXISTS runs (" + ", ".join(
            f"{q(c)} {'BIGINT' if c == 'dirty' else 'TEXT'}" for c in RUN_COLS)
        + ", PRIMARY KEY (run_id))",
        "CREATE TABLE IF NOT EXISTS cells (" + ", ".join(f"{q(c)} TEXT" for c in CELL_COLS)
        + ", PRIMARY KEY (run_id, cell))",
        f"CREATE TABLE IF NOT EXISTS records (\n  {rec},\n  UNIQUE (run_id, cell, variant, impl, depth, irq_state, boot))",
        "CREATE TABLE IF NOT EXISTS samples (rec_id BIGINT NOT NULL, idx BIGINT NOT NULL, "
        "value DOUBLE PRECISION NOT NULL, PRIMARY KEY (rec_id, idx))",
        "CREATE TABLE IF NOT EXISTS traces (run_id TEXT NOT NULL, cell TEXT NOT NULL, "
        "\"case\" TEXT NOT NULL, length DOUBLE PRECISION, classes TEXT, trace TEXT, "
        "PRIMARY KEY (run_id, cell, \"case\"))",
        "CREATE INDEX IF NOT EXISTS records_case ON records (arch, variant, impl, depth, irq_state)",
        "CREATE INDEX IF NOT EXISTS records_run ON records (run_id, cell)",
    ]


class Store:
    """One connection; queries are written with ? placeholders.

    A fault of the database (unreachable, refused, gone mid-transaction)
    is a cli.Fail(3) of one line naming the store without its password;
    another writer's lock held past WAIT seconds (IRQBENCH_DB_WAIT,
    default 30) is a cli.Fail(2)."""

    def __init__(self, url=None, wait=None):
        self.url = url or paths.DB
        # {run id: reason} of the runs ingest_all left out: their stored
        # copies, if any, are no answer (the readers below skip them)
        self.left_out = {}
        self.pg = self.url.startswith(("postgresql://", "postgres://"))
        self.wait = db_wait() if wait is None else wait
        self.db = None
        with self.faults():
            if self.pg:
                import psycopg2  # pylint: disable=import-outside-toplevel
                kw = {} if "connect_timeout" in self.url else {"connect_timeout": 10}
                self.db = psycopg2.connect(self.url, **kw)
            else:
                import sqlite3  # pylint: disable=import-outside-toplevel
                try:
                    os.makedirs(os.path.dirname(os.path.abspath(self.url)), exist_ok=True)
                except OSError as e:
                    raise cli.Fail(3, f"store {self.url}: cannot make its directory: "
                                      f"{e.strerror or e}") from None
                # SQLite's own wait (a reader while a writer commits): as
                # bounded as the writers' lock
                self.db = sqlite3.connect(self.url, timeout=max(self.wait, 1))
        # as a writer: PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe
        # against a concurrent one (the second fails on pg_type's unique
        # index), so two first ingests at once would fail one of them
        with self.write() as c:
            for stmt in ddl():
                c.execute(stmt)
            self.exec(c, "INSERT INTO store_meta VALUES (?, ?) ON CONFLICT DO NOTHING",
                      ("schema", str(SCHEMA_VERSION)))
            c.execute("SELECT value FROM store_meta WHERE key = 'schema'")
            row = c.fetchone()
            if int(row[0]) != SCHEMA_VERSION:
                raise SystemExit(f"irqbench: the store {self.name()} has schema {row[0]}, "
                                 f"this tree {SCHEMA_VERSION}: move it aside and run make results")

    def name(self):
        """The store's URL or path as it may be printed: no password."""
        return redact(self.url)

    @contextmanager
    def faults(self):
        """The database's errors as one line: cli.Fail(3, "store <url>:
        <the error's first line>"), or Fail(2) for SQLite's busy timeout."""
        try:
            yield
        except cli.Fail:
            raise
        except Exception as e:  # pylint: disable=broad-except
            if not is_db_error(e):
                raise
            first = (str(e).strip().splitlines() or [type(e).__name__])[0].strip()
            first = first.replace(self.url, self.name())
            if not self.pg and "database is locked" in first:
                raise cli.Fail(2, f"store busy: {self.name()} stayed locked for "
                                  f"{self.wait:g} s (IRQBENCH_DB_WAIT)") from None
            raise cli.Fail(3, f"store {self.name()}: {first or type(e).__name__}") from None

    def sql(self, s):
        return s.replace("?", "%s") if self.pg else s

    def exec(self, cur, s, args=()):
        cur.execute(self.sql(s), args)
        return cur

    def many(self, cur, s, rows):
        if self.pg:
            from psycopg2.extras import execute_batch  # pylint: disable=import-outside-toplevel
            execute_batch(cur, self.sql(s), rows, page_size=1000)
        else:
            cur.executemany(s, rows)

    @contextmanager
    def write(self):
        """One transaction of the one writer: committed when the block ends,
        rolled back on any error (a killed process's never commits). SQLite's
        writers take a file lock beside the store and hold it through the
        commit; PostgreSQL's a transaction-scoped advisory lock. Either is
        waited for up to self.wait seconds, with one line on stderr when
        the wait begins, then cli.Fail(2)."""
        lock = None
        with self.faults():
            cur = self.db.cursor()
        try:
            with self.faults():
                if self.pg:
                    self._wait_for(lambda: self._pg_try_lock(cur), self.name())
                else:
                    lock = open(self.url + ".lock", "w", encoding="utf-8")  # noqa: SIM115
                    self._wait_for(lambda: _try_flock(lock), self.url + ".lock")
                    cur.execute("BEGIN IMMEDIATE")
            with self.faults():
                yield cur
                self.db.commit()
        except BaseException:
            self._rollback()
            raise
        finally:
            try:
                cur.close()
            except Exception:  # pylint: disable=broad-except
                pass  # a connection the server dropped: nothing left to close
            if lock:
                lock.close()

    @staticmethod
    def _pg_try_lock(cur):
        cur.execute("SELECT pg_try_advisory_xact_lock(4242424242)")
        return bool(cur.fetchone()[0])

    def _wait_for(self, take, what):
        """Call TAKE until it returns True: at once when it can, else with
        one message, polling, up to self.wait seconds."""
        if take():
            return
        print(f"store: waiting for another writer of {redact(what).removesuffix('.lock')} "
              f"(up to {self.wait:g} s)", file=sys.stderr, flush=True)
        t0 = time.monotonic()
        while time.monotonic() - t0 < self.wait:
            time.sleep(0.1)
            if take():
                return
        raise cli.Fail(2, f"store busy: another writer holds {redact(what)} since "
                          f"{time.monotonic() - t0:.0f} s (IRQBENCH_DB_WAIT={self.wait:g})")

    def _rollback(self):
        """Roll back, where the connection is still there to do it."""
        try:
            self.db.rollback()
        except Exception as e:  # pylint: disable=broad-except
            if not is_db_error(e):
                raise

    def query(self, s, args=()):
        with self.faults():
            cur = self.db.cursor()
            try:
                self.exec(cur, s, args)
                cols = [d[0] for d in cur.description]
                return [dict(zip(cols, row)) for row in cur.fetchall()]
            finally:
                cur.close()
                # a reader holds no transaction open between queries
                self._rollback()

    # ---- writing
    def ingest(self, run_dir):
        """Store one run: 'added', 'present' (same files), 'traces' (its
        traces replaced) or 'replaced' (its files changed since it was
        stored: the stored copy is replaced by the files', in one
        transaction, so no reader answers from a copy the files no longer
        hold). A run that is not what irqbench writes is refused whole
        (validate.Refused, a ValueError) and the store is left as it was."""
        run_id = os.path.basename(os.path.normpath(run_dir))
        links = links_in(run_dir)
        if links:
            raise validate.Refused(run_id, links[0], "-", "a symbolic link inside a run "
                                   "(a run holds files only)")
        if not runfiles.cell_files(run_dir):
            old = glob.glob(os.path.join(run_dir, "*.csv"))
            raise SystemExit(f"irqbench: run {run_id} has no records "
                             + ("in the compact format: python3 -m irqbench.convert "
                                f"{run_dir}" if old else "(no <cell>.csv.gz)")
                             + "; nothing stored")
        digest, tdigest = run_digest(run_dir), traces_digest(run_dir)
        with self.write() as cur:
            self.exec(cur, "SELECT digest, traces_digest FROM runs WHERE run_id = ?", (run_id,))
            row = cur.fetchone()
            if row is not None and row[0] == digest:
                if row[1] == tdigest:
                    return "present"
                traces = checked_traces(run_dir, run_id)
                self.exec(cur, "DELETE FROM traces WHERE run_id = ?", (run_id,))
                self._insert_traces(cur, run_id, traces)
                self.exec(cur, "UPDATE runs SET traces_digest = ? WHERE run_id = ?",
                          (tdigest, run_id))
                return "traces"
            checked = validate.check_run(run_dir)
            traces = checked_traces(run_dir, run_id)
            if row is not None:
                self._delete(cur, run_id)
            self._insert(cur, run_dir, run_id, digest, tdigest, checked, traces)
        return "added" if row is None else "replaced"

    def _delete(self, cur, run_id):
        self.exec(cur, "DELETE FROM samples WHERE rec_id IN "
                       "(SELECT rec_id FROM records WHERE run_id = ?)", (run_id,))
        for t in ("records", "cells", "traces", "runs"):
            self.exec(cur, f"DELETE FROM {t} WHERE run_id = ?", (run_id,))

    def _insert(self, cur, run_dir, run_id, digest, tdigest, checked, traces):
        meta, records, ktaps, tables = checked
        lava = meta.get("lava") or {}
        run = {
            "run_id": run_id, "date": meta.get("date"), "irqbench_commit": meta.get("irqbench_commit"),
            "method": identity.of_run(meta, run_dir),
            "dirty": int(bool(meta.get("irqbench_dirty"))), "origin": "lava" if lava else "direct",
            "command": meta.get("command", ""),
            "request": (meta.get("variables") or {}).get("REQUEST", ""),
            "host_cpu": meta.get("host_cpu", ""), "lava_job": str(lava.get("job", "") or ""),
            "lava_device": lava.get("device", ""), "digest": digest, "traces_digest": tdigest,
            "meta": json.dumps(meta, sort_keys=True),
        }
        self.exec(cur, f"INSERT INTO runs ({','.join(q(c) for c in RUN_COLS)}) VALUES "
                       f"({','.join('?' * len(RUN_COLS))})", tuple(run[c] for c in RUN_COLS))
        self.exec(cur, "SELECT COALESCE(MAX(rec_id), 0) FROM records")
        rec_id = cur.fetchone()[0]
        cells = {c.get("cell"): c for c in meta.get("cells", [])}
        recs, samples = [], []
        for cell, cell_recs in records.items():
            c = cells.get(cell, {})
            row = {
                "run_id": run_id, "cell": cell, "arch": c.get("arch"),
                "kernel_series": c.get("kernel_series"), "kernel_release": c.get("kernel_release"),
                "config": c.get("config"), "accel": c.get("accel"), "compiler": c.get("compiler"),
                "toolchain": c.get("toolchain"), "tree_identity": c.get("kernel_source_identity"),
                "config_sha256": c.get("config_sha256"), "qemu_version": c.get("qemu_version"),
                "kernel_image_sha256": c.get("kernel_image_sha256"),
                "module_sha256": c.get("module_sha256"),
                "variants": json.dumps(tables[cell]),
                "ktap": ktaps[cell],
                "meta": json.dumps(c, sort_keys=True),
            }
            self.exec(cur, f"INSERT INTO cells ({','.join(q(x) for x in CELL_COLS)}) VALUES "
                           f"({','.join('?' * len(CELL_COLS))})", tuple(row[x] for x in CELL_COLS))
            seen = set()
            for r in cell_recs:
                case = short(r) + (r.get("boot") or 0,)
                if case in seen:
                    # one case twice in a boot: which one a page shows would be chance
                    raise ValueError(f"irqbench: run {run_id}, cell {cell}: two records of "
                                     f"{'/'.join(str(x) for x in case[:4])} in boot {case[4]}; nothing stored")
                seen.add(case)
                rec_id += 1
                recs.append((rec_id, run_id, cell) + tuple(r.get(k, 0 if k == "boot" else None)
                                                           for k in REC_COLS))
                samples += [(rec_id, i, v) for i, v in enumerate(r.get("values", []))]
            if os.environ.get("IRQBENCH_INGEST_PAUSE"):
                # a test's hook: a window in which to kill an ingest half done
                self.many(cur, self._rec_sql(), recs)
                recs = []
                print(f"ingest: paused after {cell}", file=sys.stderr, flush=True)
                import time  # pylint: disable=import-outside-toplevel
                time.sleep(float(os.environ["IRQBENCH_INGEST_PAUSE"]))
        self.many(cur, self._rec_sql(), recs)
        self.many(cur, "INSERT INTO samples (rec_id, idx, value) VALUES (?, ?, ?)", samples)
        self._insert_traces(cur, run_id, traces)

    def _insert_traces(self, cur, run_id, traces):
        for t in traces:
            self.exec(cur, 'INSERT INTO traces (run_id, cell, "case", length, classes, trace) '
                           "VALUES (?, ?, ?, ?, ?, ?)",
                      (run_id, t["cell"], t["case"], t.get("length"),
                       json.dumps(t.get("classes", {}), sort_keys=True), json.dumps(t, sort_keys=True)))

    @staticmethod
    def _rec_sql():
        cols = ["rec_id", "run_id", "cell"] + REC_COLS
        return (f"INSERT INTO records ({','.join(q(c) for c in cols)}) VALUES "
                f"({','.join('?' * len(cols))})")

    # ---- reading
    def kept(self, rows):
        """ROWS less those of runs left out (left_out)."""
        return [r for r in rows if r["run_id"] not in self.left_out]

    def runs(self):
        """Every stored run, oldest first (run_order), run.json decoded as
        'meta'."""
        # sorted here, not by the SQL alone: PostgreSQL orders text by its
        # collation and puts NULL last, SQLite by code point and NULL first
        out = sorted(self.kept(self.query("SELECT * FROM runs ORDER BY date, run_id")),
                     key=run_order)
        for r in out:
            r["meta"] = json.loads(r["meta"])
        return out

    def cells(self, run_id=None):
        rows = self.kept(self.query("SELECT * FROM cells" + (" WHERE run_id = ?" if run_id else "")
                                     + " ORDER BY run_id, cell", (run_id,) if run_id else ()))
        for r in rows:
            r["variants"] = json.loads(r["variants"] or "[]")
            r["meta"] = json.loads(r["meta"] or "{}")
        return rows

    def records(self, run_id=None, samples=True, where="", args=()):
        """Records as collect made them (typed, with 'values' when asked)."""
        cond = []
        if run_id:
            cond.append("run_id = ?")
            args = (run_id,) + tuple(args)
        if where:
            cond.append(where)
        cols = ["rec_id", "run_id", "cell"] + REC_COLS
        rows = self.kept(self.query(f"SELECT {','.join(q(c) for c in cols)} FROM records"
                                     + (" WHERE " + " AND ".join(cond) if cond else "")
                                     + " ORDER BY rec_id", args))
        if samples and rows:
            vals = {}
            lo, hi = rows[0]["rec_id"], rows[-1]["rec_id"]
            for s in self.query("SELECT rec_id, idx, value FROM samples WHERE rec_id >= ? AND "
                                "rec_id <= ? ORDER BY rec_id, idx", (lo, hi)):
                vals.setdefault(s["rec_id"], []).append(s["value"])
            for r in rows:
                r["values"] = vals.get(r["rec_id"], [])
        return rows

    def traces(self, run_id=None):
        rows = self.kept(self.query("SELECT * FROM traces" + (" WHERE run_id = ?" if run_id else "")
                                     + ' ORDER BY run_id, cell, "case"', (run_id,) if run_id else ()))
        return [json.loads(r["trace"]) | {"run_id": r["run_id"]} for r in rows]


def run_order(run):
    """The order of stored runs, oldest first: by (date, run_id), a run
    without a date first."""
    return (run["date"] or "", run["run_id"])


def latest(runs):
    """The run "latest" names to every reader of the store (compare, kcidb,
    the dashboard's newest run): the newest of RUNS by run_order, None when
    there is none. Not results/latest, the link make bench moves to the run
    it made (a run with a failed cell lands under results/ without moving
    it); `make baseline` names that link (history --baseline latest)."""
    return max(runs, key=run_order, default=None)


def db_wait():
    """How long a store waits for another writer: IRQBENCH_DB_WAIT seconds
    (default 30)."""
    text = os.environ.get("IRQBENCH_DB_WAIT", "")
    try:
        wait = float(text) if text else 30.0
    except ValueError:
        raise cli.Fail(3, f"IRQBENCH_DB_WAIT={text!r} is not a number of seconds") from None
    if not 0 <= wait < 1e6:
        raise cli.Fail(3, f"IRQBENCH_DB_WAIT={text!r} is not a number of seconds")
    return wait


def _try_flock(f):
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def is_db_error(e):
    """True for an error of the database module (psycopg2's or sqlite3's),
    not of the data or of this code."""
    import sqlite3  # pylint: disable=import-outside-toplevel
    if isinstance(e, (sqlite3.OperationalError, sqlite3.DatabaseError)):
        return True
    psycopg2 = sys.modules.get("psycopg2")
    return psycopg2 is not None and isinstance(
        e, (psycopg2.OperationalError, psycopg2.InterfaceError, psycopg2.DatabaseError))


def redact(url):
    """URL without its password (user:password@ and ?password=...)."""
    if "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    netloc, sep, tail = rest.partition("/")
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":***"
        netloc = userinfo + "@" + host
    tail = re.sub(r"(?i)(^|[?&])(password=)[^&#]*", r"\1\2***", tail)
    return f"{scheme}://{netloc}{sep}{tail}"


def run_digest(run_dir):
    """A hash of the files a run's records and provenance are stored from
    (not its traces: traces_digest)."""
    h = hashlib.sha256()
    for p in sorted(glob.glob(os.path.join(run_dir, "*"))):
        name = os.path.relpath(p, run_dir)
        if (os.path.isfile(p) and not name.endswith((".console.log.gz", ".cmd"))
                and not name.endswith(".console.log")):
            h.update(name.encode() + b"\0")
            with open(p, "rb") as f:
                h.update(f.read())
    return h.hexdigest()


def traces_digest(run_dir):
    """A hash of the run's traces file, '' when it has none."""
    p = os.path.join(run_dir, TRACES)
    if not os.path.exists(p):
        return ""
    with open(p, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def load_traces(run_dir):
    """The run's traces (make annotate-results): annotate/traces.json.gz."""
    import gzip  # pylint: disable=import-outside-toplevel
    p = os.path.join(run_dir, TRACES)
    if not os.path.exists(p):
        return []
    with gzip.open(p, "rt", encoding="utf-8") as f:
        return json.load(f)


def checked_traces(run_dir, run_id):
    """The run's traces, read and checked (validate.check_traces)."""
    try:
        traces = load_traces(run_dir)
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise validate.Refused(run_id, TRACES, "-", f"unreadable: {type(e).__name__}: {e}") from None
    validate.check_traces(run_id, traces)
    return traces


# what a run's files can raise when they are damaged, besides Refused
DAMAGED = (SystemExit, ValueError, KeyError, TypeError, OSError, EOFError, zlib.error, csv.Error,
           UnicodeDecodeError, OverflowError)


def ingest_all(store, dirs=None, quiet=False, strict=True):
    """Store every run of DIRS (default: results/). Not strict (the readers:
    compare, history, make results), a run that cannot be stored is named on
    stderr and left out, so one broken run does not hide the others; its
    id and reason go to store.left_out, and the store's readers leave out
    any copy of it stored before (an answer never comes from a copy that
    differs from the files)."""
    added = 0
    for d in dirs or runfiles.run_dirs():
        name = os.path.basename(os.path.normpath(d))
        try:
            how = store.ingest(d)
            if how != "present":
                added += how == "added"
                if not quiet:
                    print(f"store: {HOW[how]} {name}", file=sys.stderr)
        except DAMAGED as e:
            if strict:
                raise
            reason = str(e.code if isinstance(e, SystemExit) else e).removeprefix("irqbench: ")
            if not isinstance(e, (SystemExit, validate.Refused)):
                reason = f"{type(e).__name__}: {reason}"
            store.left_out[name] = reason
            print(f"store: {name} left out: {reason}", file=sys.stderr)
    return added


HOW = {"added": "added", "traces": "traces replaced of",
       "replaced": "files changed since stored, stored again:"}


def main(argv):
    import argparse  # pylint: disable=import-outside-toplevel
    ap = cli.Parser(prog="python3 -m irqbench.store", description=__doc__,
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=("ingest", "path"))
    ap.add_argument("dirs", nargs="*", metavar="RUN_DIR")
    a = ap.parse_args(argv)
    if a.command == "path":
        if a.dirs:
            raise cli.Fail(3, "usage: path takes no RUN_DIR")
        print(redact(paths.DB))
        return 0
    for d in a.dirs:
        if not os.path.isfile(os.path.join(d, "run.json")):
            raise cli.Fail(3, f"{d} is not a run (no run.json)")
    try:
        s = Store()
        n = ingest_all(s, a.dirs or None)
    except (ValueError, KeyError, OSError) as e:
        raise cli.Fail(3, f"error: {str(e).removeprefix('irqbench: ')}") from None
    print(f"store: {n} run(s) added to {s.url if not s.pg else 'PostgreSQL'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(cli.run("store", main))
