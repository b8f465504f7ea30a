"""A LAVA job's log back into a cell's run files: the console rebuilt, its
records collected, LAVA's measurements checked against them, the console
judged as a direct boot's."""
import contextlib
import io
import json
import os
import re

import yaml

from .. import case, collect, console, identity, runfiles
from . import Failed, Refuse


def log_entries(path):
    """The log's records: lava-run writes one YAML flow mapping a line, a
    server's raw log the same as a YAML list ("- {...}"). Read line by line
    with a YAML parser (a msg can hold anything the console printed)."""
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("- "):
                line = line[2:]
            if not line.startswith("{"):
                continue  # lava-run's own non-YAML lines (a traceback)
            try:
                rec = yaml.load(line, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
            except yaml.YAMLError as e:
                raise Refuse(f"{path}:{n}: not a YAML mapping: {e}") from e
            if isinstance(rec, dict):
                out.append(rec)
    return out


def console_lines(entries):
    """The guest's console: the target lines, with what LAVA's ShellLogger
    did to them undone where it can be (it escapes a double quote as \\")."""
    return [str(e.get("msg", "")).replace('\\"', '"') for e in entries if e.get("lvl") == "target"]


def lava_results(entries):
    return [e["msg"] for e in entries if e.get("lvl") == "results" and isinstance(e.get("msg"), dict)]


def check_results(results, records):
    """LAVA's measurements against the console's records: one per record,
    the same p50 (the module prints both from one figure)."""
    got = {r["extra"]["test_case_id"]: r for r in results
           if r.get("definition") == "irqbench" and "extra" in r}
    problems = []
    for rec in records:
        name = case.name(rec)
        r = got.pop(name, None)
        if r is None:
            problems.append(f"{name}: no LAVA result")
        elif abs(float(r.get("measurement", "nan")) - rec["p50"]) > 0.0005 or r.get("units") != rec["unit"]:
            problems.append(f"{name}: LAVA {r.get('measurement')} {r.get('units')}, "
                            f"record {rec['p50']:.3f} {rec['unit']}")
    problems += [f"{name}: a LAVA result with no record" for name in got]
    return problems


def qemu_facts(entries):
    """The QEMU a job's log says it ran: version and command line."""
    version = cmd = None
    for e in entries:
        msg = e.get("msg")
        if not isinstance(msg, str):
            continue
        m = re.match(r"qemu-system-\S+, installed at version: ([^,\s]+)", msg) or \
            re.match(r"qemu, installed at version: ([^,\s]+)", msg)
        if m:
            version = m.group(1)
        if msg.startswith("Boot command: "):
            cmd = msg[len("Boot command: "):]
    return version, cmd


def collect_job(job_path, log_path, run_dir):
    """RUN_DIR/<cell>.console.log, .csv.gz, .ktap, .variants.tsv and .meta
    from a job and its log; (cell facts, records, LAVA results). Failed
    when the job or the guest failed (the files are written first), Refuse
    when the job is not irqbench's or its log holds no console."""
    with open(job_path, encoding="utf-8") as f:
        job = yaml.safe_load(f)
    md = (job or {}).get("metadata") or {}
    cell = md.get("irqbench.cell")
    if not cell or "irqbench.accel" not in md:
        raise Refuse(f"{job_path}: not an irqbench job (no irqbench.cell in its metadata)")
    ours = identity.of_tree()
    if md.get("irqbench.method") != ours:
        raise Refuse(f"{job_path}: rendered by irqbench method {md.get('irqbench.method')}, this tree "
                     f"is {ours}: collect it with the tree that rendered it")
    prefix = os.path.join(run_dir, cell)
    entries = log_entries(log_path)
    lines = console_lines(entries)
    if not lines:
        raise Refuse(f"{log_path}: no console lines (lvl: target) in the job's log")
    console_log = prefix + ".console.log"
    with open(console_log, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    version, cmd = qemu_facts(entries)
    meta = {k[len("irqbench.meta."):]: v for k, v in md.items() if k.startswith("irqbench.meta.")}
    meta["accel"] = md["irqbench.accel"]
    meta["lava_device_type"] = md.get("irqbench.device_type", "")
    if version:
        meta.update({"qemu": cmd.split()[0] if cmd else "", "qemu_version": f"Debian {version}",
                     "qemu_cmdline": cmd or ""})
    with open(prefix + ".meta", "w", encoding="utf-8") as f:
        f.write("".join(f"{k}={v}\n" for k, v in meta.items()))
    facts = {"cell": cell, "arch": meta.get("arch", ""), "kernel": meta.get("kernel_series", ""),
             "config": meta.get("config", ""), "accel": meta["accel"], "request": meta.get("request", "")}
    verdict = console.judge(lines)
    # collect prints its count: this command's output is its own line
    with contextlib.redirect_stdout(io.StringIO()):
        rc = collect.main([console_log, prefix])
    if rc or not os.path.exists(prefix + ".csv.gz"):
        raise Failed(f"{cell}: irqbench.collect found no records in the job's console ({console_log})"
                     + (f": {verdict}" if verdict else ""))
    records = runfiles.read_records(prefix + ".csv.gz")
    results = lava_results(entries)
    problems = check_results(results, records)
    job_result = [r for r in results if r.get("definition") == "lava" and r.get("case") == "job"]
    if verdict:
        raise Failed(f"{cell}: {verdict} (console: {console_log})")
    if problems:
        raise Failed(f"{cell}: LAVA's results and the console's records disagree: "
                     + "; ".join(problems[:5]) + (f" (+{len(problems) - 5})" if len(problems) > 5 else ""))
    if job_result and job_result[-1].get("result") != "pass":
        raise Failed(f"{cell}: the LAVA job failed: {job_result[-1].get('error_msg', '?')}")
    return facts, records, results


def annotate(run_dir, job, device, device_type):
    """run.json's lava key (store.py reads lava.job and lava.device)."""
    path = os.path.join(run_dir, "run.json")
    with open(path, encoding="utf-8") as f:
        run = json.load(f)
    run["lava"] = {"job": job, "device": device, "device_type": device_type}
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        json.dump(run, f, indent=1)
        f.write("\n")
    os.replace(path + ".tmp", path)


def load_yaml(path):
    try:
        with open(path, encoding="utf-8") as f:
            return yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        raise Refuse(f"{path}: {e}") from e


def field(data, keys, where):
    """A value of a YAML document (a job, lavacli's `jobs show --yaml`)."""
    for k in keys:
        if not isinstance(data, dict) or k not in data:
            raise Refuse(f"{where}: no {'.'.join(keys)}")
        data = data[k]
    return data


def job_seconds(job):
    """The job's own timeout in seconds: what lava-run is given at most."""
    t = job["timeouts"]["job"]
    unit = {"days": 86400, "hours": 3600, "minutes": 60, "seconds": 1}
    return sum(unit[k] * v for k, v in t.items() if k in unit)


def same_runs(base, new):
    """(exit, line): whether two runs' records are equal sample for sample,
    cell by cell; exit 2 when a cell booted other artefacts (its kernel or
    initramfs hash differs), which no equality can be asked of."""
    cells_of = {}
    for run in (base, new):
        with open(os.path.join(run, "run.json"), encoding="utf-8") as f:
            cells_of[run] = {c["cell"]: c for c in json.load(f)["cells"]}
    shared = sorted(set(cells_of[base]) & set(cells_of[new]))
    if not shared:
        return 2, "no cell in both runs"
    equal = total = 0
    for cell in shared:
        a, b = cells_of[base][cell], cells_of[new][cell]
        for h in ("kernel_image_sha256", "initramfs_sha256"):
            if a.get(h) != b.get(h):
                return 2, f"{cell} booted another {h.split('_')[0]} ({a.get(h, '?')[:12]} against {b.get(h, '?')[:12]})"

        def key(r):
            return case.short(r) + (r.get("boot", 0),)
        ra = {key(r): r["values"] for r in runfiles.read_records(os.path.join(base, cell + ".csv.gz"))}
        rb = {key(r): r["values"] for r in runfiles.read_records(os.path.join(new, cell + ".csv.gz"))}
        total += len(ra | rb)
        equal += sum(ra.get(k) == rb.get(k) for k in ra | rb)
    return (0 if equal == total else 1), f"{equal} of {total} cases, every sample equal"
