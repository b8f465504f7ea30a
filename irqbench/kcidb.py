"""python3 -m irqbench.kcidb [--out DIR] [--origin NAME] [--files-url URL] [RUN...]:
one KCIDB v5.3 document per run, for KernelCI's common results database.

RUN is a run id, a unique prefix of one, results/<run-id> (a name with a
'/' must be a run directory), "latest" (the newest stored run, as compare
means it) or "baseline"; without RUN, every stored run. Runs are read from
the store (store.py), ingesting the runs under results/ it lacks first, as compare
does. Each document is validated against the vendored schema
(schema/kcidb/kcidb.schema.v5.3.json, Draft 7) before it is written to
DIR/<run-id>.json (default build/kcidb/); one that does not validate is
never written, and its first violation is named. Submitting is the user's
(KernelCI's kcidb tools and credentials); irqbench only writes documents.

What a run becomes (origin default "irqbench", [a-z0-9_]+):
  checkout  one per kernel tree of the run (the cells' kernel_source_identity):
            id <origin>:<run-id>/<tree key>, the key being the identity with
            its blanks as '-' ("debian-linux-source-7.3-7.3~rc7-1~exp1",
            "git-<describe>-<sha>", "content-sha256-<hash>"), or
            "unrecorded-<kernel release>" for cells made before runs named
            their tree. A git tree gives git_commit_hash and git_commit_name
            (run.json has no remote URL, so no git_repository_url); the others
            their package and version, or content hash, in misc.
  build     one per cell: id <origin>:<run-id>/<cell>, status PASS (it booted
            and measured: there are records).
  test      one per record: id <origin>:<run-id>/<cell>/<variant>/<impl>/
            d<depth>/<irq_state>/boot<boot> (the raw case: ids may hold any
            character but NUL), status DONE (a measurement, no verdict),
            number {value: p50, unit: insn|ns}, misc every other field of the
            record (values = every sample) and the run's method identity, so
            the record can be rebuilt from the test alone (record_of()).
            One more per cell with a KTAP stream: path irqbench.selftest, id
            <origin>:<run-id>/<cell>/selftest, PASS or FAIL from its results.

A test's path is irqbench.<variant>.<impl>.d<depth>.<irq_state>, each level
matching [a-zA-Z0-9_-]+. Levels are escaped like URL percent-encoding with
'_' for '%': a character other than [a-zA-Z0-9_-] becomes '_' and the two
upper-case hex digits of each of its UTF-8 bytes, and a '_' that would read
as such an escape (one followed by two upper-case hex digits) becomes "_5F".
So "emulated:v7.3" is "emulated_3Av7_2E3", while native, native-builtin,
off-raw, d1 and every variant id (C identifiers) stay as they are;
path_level() and path_value() are the two directions.

output_files name the cell's <cell>.ktap and <cell>.console.log.gz where the
run has them (console logs are build output, not kept in git). The schema
wants an absolute URI: a bare file name is a relative reference, and
"file://<name>" would make the name a host. So a file's URL is --files-url
(where results/ is published, e.g. an https:// URL) + <run-id>/<name>, by
default the file:/// URL of the local results directory.

Exit 0 every document written; 2 a run had nothing to report (no cells),
or a run under results/ was left out (damaged or refused: named on
stderr; the others are written); 3 a document that does not validate, or
bad usage.
"""
import datetime
import json
import math
import os
import re
import sys
import urllib.parse

from . import case, cli, paths, store
from .safe_paths import write_atomic

SCHEMA = paths.tree("schema", "kcidb", "kcidb.schema.v5.3.json")
VERSION = {"major": 5, "minor": 3}
ORIGIN = "irqbench"
ORIGIN_RE = re.compile(r"^[a-z0-9_]+$")
PATH_ROOT = "irqbench"
LEGAL = re.compile(r"[A-Za-z0-9_-]")
ESCAPE = re.compile(r"_([0-9A-F]{2})")
# The record's fields that are the test's number, not its misc.
IN_NUMBER = ("p50", "unit")
# A KTAP result of the top level (nested results are indented).
KTAP_RESULT = re.compile(r"^(ok|not ok) [0-9]+\b(.*)$")
KTAP_PLAN = re.compile(r"^1\.\.([0-9]+)")
EXCERPT_MAX = 16384  # the schema's log_excerpt maxLength


class Invalid(Exception):
    """A document that does not validate; the message names the violation."""


# ---- test paths

def path_level(value):
    """One level of a test path, reversibly escaped (see the module doc)."""
    s = str(value)
    out = []
    for i, ch in enumerate(s):
        if ch == "_" and ESCAPE.match(s, i):
            out.append("_5F")  # a literal '_' that would read as an escape
        elif LEGAL.match(ch):
            out.append(ch)
        else:
            out.append("".join(f"_{b:02X}" for b in ch.encode()))
    return "".join(out)


def path_value(level):
    """The value a path level was escaped from."""
    raw = bytearray()
    i = 0
    while i < len(level):
        m = ESCAPE.match(level, i)
        if m:
            raw.append(int(m.group(1), 16))
            i = m.end()
        else:
            raw += level[i].encode()
            i += 1
    return raw.decode()


def case_path(rec):
    return ".".join([PATH_ROOT] + [path_level(x) for x in (
        rec["variant"], rec["impl"], f"d{rec['depth']}", rec["irq_state"])])


# ---- validation

def _is_uri(value):
    """RFC 3986's absolute URI, roughly: a scheme, then only characters a
    URI may hold (what kcidb-io's rfc3987 check would reject, mostly)."""
    return not isinstance(value, str) or re.fullmatch(
        r"[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=-]|%[0-9A-Fa-f]{2})*",
        value) is not None


def _is_date_time(value):
    """RFC 3339's date-time."""
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)", value):
        return False
    try:
        datetime.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


_VALIDATOR = None


def validator():
    """Draft 7 over the vendored schema, checking formats as kcidb-io does
    (jsonschema[format]); Debian's python3-jsonschema checks uri and
    date-time only with packages it does not depend on, so those two get a
    checker of ours where it has none."""
    global _VALIDATOR  # pylint: disable=global-statement
    if _VALIDATOR is None:
        import jsonschema  # pylint: disable=import-outside-toplevel
        with open(SCHEMA, encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft7Validator.check_schema(schema)
        # a copy of Draft 7's checker: the library's own stays as it is
        checker = jsonschema.FormatChecker(formats=())
        checker.checkers = dict(jsonschema.Draft7Validator.FORMAT_CHECKER.checkers)
        for name, func in (("uri", _is_uri), ("date-time", _is_date_time)):
            checker.checkers.setdefault(name, (func, ()))
        _VALIDATOR = jsonschema.Draft7Validator(schema, format_checker=checker)
    return _VALIDATOR


def where(doc, loc):
    """A location in a document as text, with the id of the object it is in."""
    text, obj, ident = "", doc, None
    for p in loc:
        text += f"[{p}]" if isinstance(p, int) else (f".{p}" if text else str(p))
        obj = obj[p] if isinstance(obj, (dict, list)) else None
        if isinstance(obj, dict) and isinstance(obj.get("id"), str):
            ident = obj["id"]
    return (text or "the document") + (f" (of {ident})" if ident else "")


def short(text, limit=300):
    return text if len(text) <= limit else text[:limit] + "..."


def null_or_nonfinite(obj, loc=()):
    """The location of the first null or NaN/infinite number: the schema
    forbids nulls in words but not in misc, and JSON has no NaN."""
    if obj is None or isinstance(obj, float) and not math.isfinite(obj):
        return loc
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
    for k, v in items:
        hit = null_or_nonfinite(v, loc + (k,))
        if hit is not None:
            return hit
    return None


def dangling(doc):
    """The first object whose parent is not in the document, or whose id
    does not start with its origin: the schema cannot say either."""
    have = {"checkouts": {c.get("id") for c in doc.get("checkouts", [])},
            "builds": {b.get("id") for b in doc.get("builds", [])}}
    for kind, ref, parent in (("builds", "checkout_id", "checkouts"), ("tests", "build_id", "builds")):
        for i, obj in enumerate(doc.get(kind, [])):
            if obj.get(ref) not in have[parent]:
                return (kind, i, ref), f"{obj.get(ref)!r} names no object of {parent} in the document"
    for kind in ("checkouts", "builds", "tests"):
        for i, obj in enumerate(doc.get(kind, [])):
            if not str(obj.get("id", "")).startswith(f"{obj.get('origin')}:"):
                return (kind, i, "id"), f"{obj.get('id')!r} does not start with its origin {obj.get('origin')!r}:"
    return None


def violation(doc):
    """None for a valid document, else its first violation as one line."""
    loc = null_or_nonfinite(doc)
    if loc is not None:
        return f"{where(doc, loc)}: null or non-finite value (not allowed)"
    err = next(validator().iter_errors(doc), None)
    if err is not None:
        return f"{where(doc, list(err.absolute_path))}: {short(err.message)}"
    bad = dangling(doc)
    if bad is not None:
        return f"{where(doc, bad[0])}: {bad[1]}"
    return None


def validate(doc):
    problem = violation(doc)
    if problem:
        raise Invalid(problem)
    return doc


def write_document(doc, path):
    """Validate, then write atomically: an invalid document is never written."""
    validate(doc)
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), allow_nan=False)
    write_atomic(path, text + "\n")


# ---- building a document

def present(**fields):
    """The fields that have a value: absent ones are omitted, never null."""
    return {k: v for k, v in fields.items() if v not in (None, "", {}, [])}


def tree_key(cell):
    ident = cell.get("tree_identity")
    if ident:
        return re.sub(r"\s+", "-", ident.strip())
    return f"unrecorded-{cell.get('kernel_release') or 'unknown'}"


def checkout(run, cell, origin):
    """The checkout of a cell's kernel tree, from its identity (lib.sh's
    tree_identity: "debian <package> <version>", "git <describe> <sha>",
    "content-sha256 <hash>")."""
    ident = cell.get("tree_identity") or ""
    kind, _, rest = ident.partition(" ")
    fields = {}
    misc = {"tree_identity": ident} if ident else {
        "tree_identity": "not recorded (a run made before runs named their kernel tree)",
        "kernel_release": cell.get("kernel_release")}
    if kind == "git":
        describe, _, sha = rest.rpartition(" ")
        if re.fullmatch(r"[0-9a-f]{40}", sha):
            fields["git_commit_hash"] = sha
        fields["git_commit_name"] = describe
        misc["dirty"] = describe.endswith("-dirty")
    elif kind == "debian":
        package, _, version = rest.partition(" ")
        misc.update(debian_package=package, debian_version=version)
    elif kind == "content-sha256":
        misc["content_sha256"] = rest
    return present(id=f"{origin}:{run['run_id']}/{tree_key(cell)}", origin=origin,
                   start_time=run.get("date"), valid=True, misc=present(**misc), **fields)


def build(run, cell, origin):
    meta = cell.get("meta") or {}
    misc = present(config_sha256=cell.get("config_sha256"), toolchain=cell.get("toolchain"),
                   kernel_release=cell.get("kernel_release"),
                   # runs before kernel_series called it "kernel"
                   kernel_series=cell.get("kernel_series") or meta.get("kernel"),
                   accel=cell.get("accel"),
                   qemu_version=cell.get("qemu_version"),
                   kernel_image_sha256=cell.get("kernel_image_sha256"),
                   module_sha256=cell.get("module_sha256"), rustc=meta.get("rustc"),
                   request=meta.get("request"), irqbench_commit=run.get("irqbench_commit"),
                   method=run.get("method"))
    return present(id=build_id(run, cell, origin), origin=origin,
                   checkout_id=f"{origin}:{run['run_id']}/{tree_key(cell)}",
                   architecture=cell.get("arch"), compiler=cell.get("compiler"),
                   config_name=cell.get("config"), status="PASS",
                   start_time=run.get("date"), misc=misc)


def build_id(run, cell, origin):
    return f"{origin}:{run['run_id']}/{cell['cell']}"


def test_id(run, cell, rec, origin):
    return f"{build_id(run, cell, origin)}/{case.name(rec)}/boot{rec.get('boot', 0)}"


def record_test(run, cell, rec, origin, logs):
    """A record as a test: p50 its number, every other field in misc."""
    misc = {k: v for k, v in rec.items()
            if k not in IN_NUMBER + ("rec_id", "run_id", "cell") and v not in (None, "")}
    misc["method"] = run.get("method")
    env = present(host_cpu=run.get("host_cpu"))
    return present(id=test_id(run, cell, rec, origin), origin=origin,
                   build_id=build_id(run, cell, origin), path=case_path(rec), status="DONE",
                   number={"value": rec["p50"], "unit": rec["unit"]},
                   start_time=run.get("date"), misc=present(**misc),
                   environment=present(misc=env), output_files=logs)


def record_of(test):
    """The record a test was made from (the inverse of record_test)."""
    rec = {k: v for k, v in test["misc"].items() if k != "method"}
    rec["p50"], rec["unit"] = test["number"]["value"], test["number"]["unit"]
    return rec


def ktap_verdict(text):
    """(status, misc, excerpt) of a KTAP stream's top level: PASS when it has
    a plan and as many results, none of them a failure (a '# SKIP' is
    not); the kernel's parser (ktap.py) is for make check, this is a summary."""
    lines = text.replace("\r", "").splitlines()
    plan = next((int(m.group(1)) for m in map(KTAP_PLAN.match, lines) if m), None)
    results = [m for m in map(KTAP_RESULT.match, lines) if m]
    skipped = [m for m in results if re.search(r"#\s*SKIP", m.group(2), re.I)]
    failed = [m for m in results if m.group(1) == "not ok" and m not in skipped]
    ok = plan is not None and len(results) == plan and not failed and not any(
        l.startswith("Bail out!") for l in lines)
    misc = present(planned=plan, results=len(results), failed=len(failed), skipped=len(skipped))
    excerpt = "\n".join(m.group(0) for m in failed)
    if plan is None:
        excerpt = "no plan (1..N) in the KTAP stream\n" + excerpt
    elif len(results) != plan:
        excerpt = f"{len(results)} results for a plan of {plan}\n" + excerpt
    return ("PASS" if ok else "FAIL"), misc, excerpt.strip()[:EXCERPT_MAX]


def selftest_test(run, cell, origin, logs):
    status, misc, excerpt = ktap_verdict(cell["ktap"])
    return present(id=f"{build_id(run, cell, origin)}/selftest", origin=origin,
                   build_id=build_id(run, cell, origin), path=f"{PATH_ROOT}.selftest",
                   status=status, start_time=run.get("date"), misc=misc,
                   log_excerpt=excerpt if status == "FAIL" else None,
                   environment=present(misc=present(host_cpu=run.get("host_cpu"))),
                   output_files=logs)


class Files:
    """The URLs of a run's files: BASE/<run-id>/<name>, BASE being where
    results/ is published, else the local results directory as file:///."""

    def __init__(self, results=None, base=None):
        self.results = os.path.abspath(results or paths.RESULTS)
        self.base = base or ("file://" + urllib.parse.quote(self.results))

    def url(self, run_id, name):
        return f"{self.base.rstrip('/')}/{urllib.parse.quote(run_id)}/{urllib.parse.quote(name)}"

    def logs(self, run_id, cell):
        """output_files: the cell's KTAP (the store keeps it) and console
        log, those the run has."""
        out = []
        for name, have in ((cell["cell"] + ".console.log.gz", None),
                           (cell["cell"] + ".ktap", cell.get("ktap") is not None)):
            if have or os.path.exists(os.path.join(self.results, run_id, name)):
                out.append({"name": name, "url": self.url(run_id, name)})
        return out


def document(run, cells, records, origin=ORIGIN, files=None):
    """The KCIDB document of a stored run (store.runs() row, its cells and
    its records with samples)."""
    files = files or Files()
    by_cell = {}
    for r in records:
        by_cell.setdefault(r["cell"], []).append(r)
    checkouts, builds, tests = {}, [], []
    for c in cells:
        co = checkout(run, c, origin)
        checkouts.setdefault(co["id"], co)
        builds.append(build(run, c, origin))
        logs = files.logs(run["run_id"], c)
        tests += [record_test(run, c, r, origin, logs) for r in by_cell.get(c["cell"], [])]
        if c.get("ktap") is not None:
            tests.append(selftest_test(run, c, origin, logs))
    return {"version": dict(VERSION), "checkouts": list(checkouts.values()),
            "builds": builds, "tests": tests}


def stored_document(st, run, origin=ORIGIN, files=None):
    return document(run, st.cells(run["run_id"]), st.records(run["run_id"]), origin, files)


# ---- which runs

def resolve(runs, name):
    """A stored run by id, unique prefix, results/<id>, latest (the newest
    stored run, as compare means it: store.latest) or baseline (the run
    results/baseline names). A name with a '/' is a path: it must be a
    run's directory (one whose last component merely matches a stored id
    is no such run)."""
    if name == "latest":
        run = store.latest(runs)
        if run is None:
            raise LookupError("no stored runs")
        return run
    if name == "baseline":
        link = os.path.join(paths.RESULTS, name)
        if not os.path.islink(link):
            raise LookupError(f"no {name}: {link} is not a link to a run")
        name = os.path.realpath(link)
    elif "/" in name and not os.path.isfile(os.path.join(name, "run.json")):
        raise LookupError(f"no run directory {name} (a name with a '/' is a path; "
                          "give a run id without one)")
    name = os.path.basename(os.path.normpath(name))
    hits = [r for r in runs if r["run_id"] == name] or [
        r for r in runs if r["run_id"].startswith(name)]
    if len(hits) != 1:
        raise LookupError(f"no single stored run named '{name}'"
                          + (f" ({len(hits)} match)" if hits else ""))
    return hits[0]


def export(st, runs, out, origin=ORIGIN, files=None):
    """Write each run's document; (written, empty runs, invalid ones) with
    a line on stderr for each run not written."""
    written, empty, invalid = [], [], []
    for run in runs:
        doc = stored_document(st, run, origin, files)
        if not doc["builds"]:
            empty.append(run["run_id"])
            print(f"kcidb: {run['run_id']} holds no cells (not in the compact format? "
                  "python3 -m irqbench.convert): nothing written", file=sys.stderr)
            continue
        path = os.path.join(out, run["run_id"] + ".json")
        try:
            write_document(doc, path)
            written.append(path)
        except Invalid as e:
            invalid.append(run["run_id"])
            print(f"kcidb: {run['run_id']}: not a valid KCIDB v{VERSION['major']}.{VERSION['minor']}"
                  f" document, not written: {e}", file=sys.stderr)
    return written, empty, invalid


def main(argv):
    ap = cli.Parser(prog="python3 -m irqbench.kcidb", description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(paths.BUILD, "kcidb"),
                    help="directory of the documents (default build/kcidb)")
    ap.add_argument("--origin", default=ORIGIN, help="the KCIDB origin, [a-z0-9_]+ (default irqbench)")
    ap.add_argument("--files-url", help="where results/ is published (default: its file:/// URL)")
    ap.add_argument("runs", nargs="*", metavar="RUN")
    a = ap.parse_args(argv)
    if not ORIGIN_RE.match(a.origin):
        print(f"kcidb: origin '{a.origin}' does not match [a-z0-9_]+", file=sys.stderr)
        return 3
    if a.files_url and not _is_uri(a.files_url):
        print(f"kcidb: --files-url '{a.files_url}' is not an absolute URI", file=sys.stderr)
        return 3
    st = store.Store()
    # as compare and history: a run the store refuses is named and left out
    store.ingest_all(st, quiet=True, strict=False)
    stored = st.runs()
    for n in a.runs:
        if os.path.basename(os.path.normpath(n)) in st.left_out:
            name = os.path.basename(os.path.normpath(n))
            raise cli.Fail(2, f"run {name} left out: {st.left_out[name]}")
    try:
        runs = [resolve(stored, n) for n in a.runs] if a.runs else stored
    except LookupError as e:
        raise cli.Fail(3, str(e)) from None
    try:
        os.makedirs(a.out, exist_ok=True)
        written, empty, invalid = export(st, runs, a.out, a.origin, Files(base=a.files_url))
    except OSError as e:
        raise cli.Fail(3, f"cannot write the documents to --out {a.out}: "
                          f"{e.strerror or type(e).__name__}"
                          + (f": {e.filename}" if e.filename else "")) from None
    print(f"kcidb: {len(written)} document(s) in {a.out}"
          + (f", {len(invalid)} invalid" if invalid else "")
          + (f", {len(empty)} run(s) without cells" if empty else "")
          + (f", {len(st.left_out)} run(s) left out" if st.left_out and not a.runs else ""),
          file=sys.stderr)
    return 3 if invalid else 2 if empty or (st.left_out and not a.runs) else 0


if __name__ == "__main__":
    sys.exit(cli.run("kcidb", main))
