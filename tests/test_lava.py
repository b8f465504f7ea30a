"""PYTHONPATH=. python3 -m tests.test_lava: the LAVA jobs (irqbench/lava/),
as KTAP; exit 1 on a failure. Seconds, no kernel build, no LAVA run.

Every job make lava renders for the whole matrix (every arch of arches.tsv,
kernels 6.1 6.12 7.3, every config of configs/) and every device type,
through the same render() as make lava with placeholder artefacts, must
validate with LAVA's own schema (lava_common.schemas.validate) and say what
arches.tsv and accels.tsv say; planted invalid jobs must be rejected, and
render must fail naming the job. The monitors' patterns are run, as LAVA's
TestMonitorAction runs them, over a console as it reaches LAVA (\\r\\r\\n),
and a job log written with LAVA's own log format is collected back into
records that must equal the console's, with a planted disagreement and a
planted kernel splat each failing the collection.
"""
import copy
import io
import contextlib
import os
import re
import shlex
import sys
import tempfile

import yaml
from lava_common.compat import yaml_dump

from irqbench import fragments, lava
from irqbench.lava import __main__ as cli
from irqbench.lava import jobs as lava_jobs
from irqbench.lava import readback
from irqbench.tables import ACCELS, ARCH_NAMES, ARCHES, FIELDS, KERNEL_SERIES

from . import tap

MATRIX = {"ARCHS": "all", "KERNELS": " ".join(KERNEL_SERIES),
          "CONFIGS": " ".join(fragments.names() + ["rt+debug"])}


def env(**kw):
    e = {k: v for k, v in os.environ.items() if k not in ("ARCHS", "KERNELS", "CONFIGS", "ACCEL", "KSRC")}
    e.update(MATRIX)
    e.update(kw)
    return e


def render_all(tmp, name, **kw):
    out = os.path.join(tmp, name)
    with contextlib.redirect_stderr(io.StringIO()):
        return lava_jobs.render(env(**kw), out, lava_jobs.Artefacts.placeholder, lava_jobs.DEVICE_TYPES)


def expected_jobs(e):
    """Cells that run x device types that fit (less pseudo-NMI on a GICv2
    board): counted from the cell generator, not from render()."""
    from irqbench import cells  # pylint: disable=import-outside-toplevel
    n = 0
    for arch, _k, config, why in cells.plan(e, request_check=False):
        if why:
            continue
        n += 1
        for b in lava_jobs.BOARDS.values():
            pmr = fragments.Needs(config).expect.get("irq_mask") == "pmr"
            n += b["arch"] == arch and not (pmr and b.get("no_pmr"))
    return n


def matrix_checks(tmp):
    checks = []
    jobs = render_all(tmp, "tcg-icount", ACCEL="tcg-icount")
    want = expected_jobs(env(ACCEL="tcg-icount"))
    types = sorted({j["device_type"] for _p, j in jobs})
    checks.append((f"make lava's render: {len(jobs)} jobs of the whole matrix ({len(ARCH_NAMES)} arches x "
                   f"{MATRIX['KERNELS']} x {len(MATRIX['CONFIGS'].split())} configs, device types {' '.join(types)})",
                   len(jobs) == want and types == sorted(lava_jobs.DEVICE_TYPES), f"{len(jobs)} rendered, {want} expected"))
    bad = []
    for path, _job in jobs:
        with open(path, encoding="utf-8") as f:
            problem = lava_jobs.validate(yaml.safe_load(f))
        if problem:
            bad.append(f"{os.path.basename(path)}: {problem}")
    checks.append(("every written job, read back, validates with lava_common.schemas.validate",
                   not bad, "; ".join(bad[:3])))
    checks.append(("no job holds a YAML alias", not any("&id" in open(p, encoding="utf-8").read() for p, _ in jobs), ""))
    checks += qemu_checks([j for _p, j in jobs if j["device_type"] == "qemu"], "tcg-icount")
    checks += board_checks([j for _p, j in jobs if j["device_type"] != "qemu"])
    kvm = render_all(tmp, "kvm", ACCEL="kvm")
    kvm_arches = {j["metadata"]["irqbench.meta.arch"] for _p, j in kvm if j["device_type"] == "qemu"}
    checks.append(("ACCEL=kvm: every job validates too, a qemu job for every arch",
                   kvm_arches == set(ARCH_NAMES), f"{len(kvm)} jobs, arches {' '.join(sorted(kvm_arches))}"))
    board_arches = {b["arch"] for b in lava_jobs.BOARDS.values()}
    lacking = [a for a in ARCH_NAMES if a not in board_arches and a not in lava_jobs.KVM_ONLY]
    checks.append(("every arch has a board device type, or says why not and runs as qemu with ACCEL=kvm",
                   not lacking and not board_arches & set(lava_jobs.KVM_ONLY), f"no board for {' '.join(lacking)}"))
    checks += qemu_checks([j for _p, j in kvm if j["device_type"] == "qemu"], "kvm")
    auto = render_all(tmp, "auto", ACCEL="auto", ARCHS="x86_64", KERNELS="7.3", CONFIGS="default")
    accels = [j["metadata"]["irqbench.accel"] for _p, j in auto if j["device_type"] == "qemu"]
    checks.append(("ACCEL=auto renders tcg-icount qemu jobs (a lab's job cannot probe KVM)",
                   accels == ["tcg-icount"], accels))
    return checks


def qemu_checks(jobs, accel):
    """What a qemu job says of QEMU is arches.tsv's and accels.tsv's."""
    row = ACCELS[accel]
    wrong = []
    for job in jobs:
        ctx, md = job["context"], job["metadata"]
        arch = md["irqbench.meta.arch"]
        a = ARCHES[arch]
        kernel = job["actions"][0]["deploy"]["images"]["kernel"]["image_arg"]
        cmdline = shlex.split(kernel)[3]
        words = " ".join(ctx["extra_options"]) + f" -machine {ctx.get('machine', '')} -cpu {ctx.get('cpu', '')}"
        machine = shlex.split(a["machine"])
        cpu = "host" if accel == "kvm" else a["cpu"]
        problems = [
            row["qemu"] not in ctx["extra_options"] and "accel options",
            f"-smp {row['smp']}" not in ctx["extra_options"] and "vCPUs",
            "-no-reboot" not in ctx["extra_options"] and "-no-reboot",
            not ctx["no_kvm"] and "no_kvm",
            machine[1] not in words and "machine",
            f"-cpu {cpu}" not in words and "cpu",
            not cmdline.startswith(f"console={a['console']} ") and "console",
            not all(w in cmdline.split() for w in lava_jobs.accel_words(accel)) and "accel words",
            f"irqbench.tag_accel={accel}" not in cmdline.split() and "tag_accel",
            f"irqbench.tag_config={md['irqbench.meta.config']}" not in cmdline.split() and "tag_config",
            (accel != "kvm" and a["cmdline_tcg"] and a["cmdline_tcg"] not in cmdline.split()) and "cmdline_tcg",
            not all(w in cmdline.split() for w in fragments.Needs(md["irqbench.meta.config"]).boot)
            and "the config's boot words",
            ctx["arch"] != lava_jobs.LAVA_ARCH[arch] and "LAVA arch",
        ]
        problems = [p for p in problems if p]
        if problems:
            wrong.append(f"{md['irqbench.cell']}: {', '.join(problems)}")
    return [(f"{accel}: every qemu job's QEMU options, machine, cpu, console and command line are "
             "arches.tsv's, accels.tsv's and the config's", bool(jobs) and not wrong, "; ".join(wrong[:3]))]


def board_checks(jobs):
    wrong = []
    for job in jobs:
        args = job["context"]["extra_kernel_args"].split()
        deploy = job["actions"][0]["deploy"]
        b = lava_jobs.BOARDS[job["device_type"]]
        if "irqbench.tag_accel=bare-metal" not in args or "irqbench.tag_unit=ns" not in args or job["metadata"]["irqbench.accel"] != "bare-metal" \
                or not deploy["kernel"]["url"].endswith("/" + b["kernel"]) \
                or deploy["ramdisk"].get("install_overlay") is not False \
                or any(w.startswith("console=") for w in args):
            wrong.append(job["job_name"])
    return [("every board job is tagged bare-metal, boots the board's image and the initramfs as built, "
             "and leaves console= to the device type", bool(jobs) and not wrong, "; ".join(wrong[:3]))]


def planted_checks(tmp):
    """Faults LAVA's schema must reject, each with its reason."""
    base = render_all(tmp, "planted-base", ARCHS="x86_64", KERNELS="7.3", CONFIGS="default")
    job = next(j for _p, j in base if j["device_type"] == "qemu")
    faults = [
        ("no visibility", lambda j: j.pop("visibility"), "visibility"),
        ("a context key LAVA does not know", lambda j: j["context"].update(smp=1), "context"),
        ("an action timeout longer than the job's",
         lambda j: j["actions"][1]["boot"].update(timeout={"minutes": 999}), "timeout"),
        ("a monitor without its pattern", lambda j: j["actions"][2]["test"]["monitors"][0].pop("pattern"), "pattern"),
        ("a fixupdict result LAVA has no word for",
         lambda j: j["actions"][2]["test"]["monitors"][1]["fixupdict"].update(ok="good"), "fixupdict"),
    ]
    checks = [("planted: the unchanged job validates", lava_jobs.validate(job) is None, lava_jobs.validate(job))]
    for what, mutate, word in faults:
        j = copy.deepcopy(job)
        mutate(j)
        problem = lava_jobs.validate(j)
        checks.append((f"planted: {what} is rejected", bool(problem) and word in problem, problem))
    # render itself fails on an invalid job, naming it
    real = lava_jobs.qemu_job
    lava_jobs.qemu_job = lambda *a: {k: v for k, v in real(*a).items() if k != "timeouts"}
    try:
        render_all(tmp, "planted-render", ARCHS="x86_64", KERNELS="7.3", CONFIGS="default")
        msg = None
    except lava.Refuse as e:
        msg = str(e)
    finally:
        lava_jobs.qemu_job = real
    checks.append(("planted: render stops at an invalid job, naming it and LAVA's reason",
                   bool(msg) and "x86_64-7.3-default.qemu" in msg and "timeouts" in msg, msg))
    # and so does the command line, with exit 3
    path = os.path.join(tmp, "planted.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(lava_jobs.dump({k: v for k, v in job.items() if k != "job_name"}))
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        rc = cli.main(["validate", path])
    checks.append(("planted: `python3 -m irqbench.lava validate` exits 3 on an invalid job, with the reason",
                   rc == 3 and "job_name" in err.getvalue(), err.getvalue().strip()))
    return checks, job


# ---- a guest's console, as the guest prints it
def record_line(variant, impl, depth, state, p50):
    vals = {"arch": "x86_64", "kernel": "7.3.0-rc7", "config": "default", "accel": "tcg-icount",
            "cpu_model": "QEMU TCG CPU", "variant": variant, "impl": impl, "depth": str(depth),
            "irq_state": state, "batch_ops": "1024", "samples": "3", "unit": "insn", "counter": "tsc",
            "cycles_p50": "", "lang": "c", "irq_mask": "eflags.if", "lock_type": "spinlock_t"}
    return ",".join(vals.get(f, f"{p50:.3f}" if f in ("p50", "mean", "min", "p90", "p99", "max",
                                                           "ci95_lo", "ci95_hi") else "0") for f in FIELDS)


CASES = [("counted", "native", 1, "off", 28.0), ("counted", "emulated:v7.3", 1, "off", 25.0),
         ("empty", "native", 1, "on", -0.016)]


def console(cases=CASES, extra=(), rc=0):
    lines = ["Linux version 7.3.0-rc7", "@@IRQBENCH HELLO@@", "@@IRQBENCH BEGIN variants@@",
             "id\tstates", "@@IRQBENCH END variants@@", "@@IRQBENCH BEGIN results@@", ",".join(FIELDS)]
    lines += [record_line(*c) for c in cases]
    lines += ["@@IRQBENCH END results@@", "@@IRQBENCH BEGIN samples@@", "variant,impl,depth,irq_state,values"]
    lines += [f"{v},{i},{d},{s},{p:.3f} {p:.3f} {p:.3f}" for v, i, d, s, p in cases]
    lines += ["@@IRQBENCH END samples@@", "@@IRQBENCH BEGIN measurements@@"]
    lines += [f"IRQBENCH {v}/{i}/d{d}/{s} {p:.3f} insn pass" for v, i, d, s, p in cases]
    lines += ["@@IRQBENCH END measurements@@", "@@IRQBENCH BEGIN ktap@@", "TAP version 13", "1..3",
              "ok 1 the request parser refuses \"nosuch\"", "irqbench: bad request: unknown variant",
              "not ok 2 a run with cpu=N", "ok 3 # SKIP a run with cpu=N runs on CPU N: one CPU",
              "@@IRQBENCH END ktap@@", "@@IRQBENCH BEGIN dmesg@@", *extra, "<6>irqbench: done",
              "@@IRQBENCH END dmesg@@", f"@@IRQBENCH DONE rc={rc}@@", "reboot: Restarting system"]
    return lines


def monitor(mon, text):
    """LAVA's TestMonitorAction over TEXT (lava_dispatcher/actions/test/
    monitor.py): after the start string, the earliest of end and pattern,
    until end; each match a result as check_patterns makes it."""
    at = text.find(mon["start"])
    if at < 0:
        return None
    buf, out = text[at + len(mon["start"]):], []
    pattern = re.compile(mon["pattern"], re.DOTALL)
    while True:
        end, m = buf.find(mon["end"]), pattern.search(buf)
        if m and (end < 0 or m.start() < end):
            g = m.groupdict()
            result = (mon.get("fixupdict") or {}).get(g["result"], g["result"])
            out.append((re.sub(r"\W+", "_", g["test_case_id"].strip().lower()), result, g.get("measurement")))
            buf = buf[m.end():]
        else:
            return out if end >= 0 else out + [("<no end>", None, None)]


def monitor_checks(job):
    mons = job["actions"][2]["test"]["monitors"]
    text = "\r\r\n".join(console()) + "\r\r\n"
    got = [monitor(m, text) for m in mons]
    want_meas = [(f"{v}_{re.sub(r'[^a-z0-9]+', '_', i)}_d{d}_{s}", "pass", f"{p:.3f}") for v, i, d, s, p in CASES]
    checks = [
        ("monitor irqbench: one result per measurement line, measurement = p50 (a negative one too)",
         got[0] == want_meas, got[0]),
        ("monitor irqbench-selftest: KTAP ok, not ok and SKIP as pass, fail and skip, kernel lines between ignored",
         [r for _c, r, _m in got[1]] == ["pass", "fail", "skip"]
         and got[1][0][0] == "1_the_request_parser_refuses_nosuch_", got[1]),
        ("monitor irqbench-guest: DONE rc=0 passes", got[2] == [("rc", "pass", None)], got[2]),
    ]
    bad = "\r\r\n".join(console(rc=4)) + "\r\r\n"
    checks.append(("monitor irqbench-guest: DONE rc=4 fails", monitor(mons[2], bad) == [("rc", "fail", None)],
                   monitor(mons[2], bad)))
    return checks


# ---- a job log as LAVA writes it, collected back
def lava_dump(data):
    """lava_common.log.dump, whose module needs python3-requests, which
    lava-common does not depend on: one YAML flow mapping a line, every
    string double-quoted, as LAVA 2023.01 writes a log record."""
    return yaml_dump(data, default_flow_style=True, default_style='"', width=10**6)[:-1]


def job_log(lines, results, quote_escape=True):
    """LAVA's log of a job: lava_common.log.dump of each record, the
    console as lava_dispatcher's ShellLogger logs it (\\r dropped, a double
    quote escaped)."""
    out = [lava_dump({"dt": "2026-01-01T00:00:00", "lvl": "info",
                      "msg": "qemu-system-x86, installed at version: 1:7.2+dfsg-7, host architecture: amd64"})]
    for line in lines:
        msg = line.replace('"', '\\"') if quote_escape else line
        out.append(lava_dump({"dt": "2026-01-01T00:00:01", "lvl": "target", "msg": msg}))
    for r in results:
        out.append(lava_dump({"dt": "2026-01-01T00:00:02", "lvl": "results", "msg": r}))
    return "\n".join(out) + "\n"


def measurement_results(cases):
    return [{"definition": "irqbench", "case": "x", "level": "3.1", "result": "pass", "units": "insn",
             "measurement": f"{p:.3f}", "extra": {"test_case_id": f"{v}/{i}/d{d}/{s}"}}
            for v, i, d, s, p in cases] + [{"definition": "lava", "case": "job", "result": "pass"}]


def collect_case(tmp, name, job, lines, results, server=False):
    d = os.path.join(tmp, name)
    os.makedirs(d)
    jp, lp = os.path.join(d, "job.yaml"), os.path.join(d, "job.log")
    with open(jp, "w", encoding="utf-8") as f:
        f.write(lava_jobs.dump(job))
    text = job_log(lines, results)
    if server:  # lavacli jobs logs --raw: the same records as a YAML list
        text = "".join("- " + line + "\n" for line in text.splitlines())
    with open(lp, "w", encoding="utf-8") as f:
        f.write(text)
    try:
        return readback.collect_job(jp, lp, d), None, d
    except (lava.Failed, lava.Refuse) as e:
        return None, str(e), d


def collect_checks(tmp, job):
    checks = []
    cell = job["metadata"]["irqbench.cell"]
    for server in (False, True):
        got, err, d = collect_case(tmp, f"good-{server}", job, console(), measurement_results(CASES), server)
        with open(os.path.join(d, cell + ".console.log"), encoding="utf-8") as f:
            text = f.read()
        recs = got[1] if got else []
        checks.append((f"collect ({'a server log' if server else 'a lava-run log'}): the console rebuilt "
                       "line for line, its records and the LAVA results agree",
                       err is None and text == "\n".join(console()) + "\n"
                       and [(r["variant"], r["impl"], r["depth"], r["irq_state"], r["p50"]) for r in recs]
                       == [(v, i, d_, s, round(p, 3)) for v, i, d_, s, p in CASES]
                       and os.path.exists(os.path.join(d, cell + ".ktap")), err))
    meta = lava_jobs.read_meta(os.path.join(tmp, "good-False", cell + ".meta"))
    checks.append(("collect: the cell's .meta says accel, cell and QEMU as the log does",
                   meta.get("accel") == "tcg-icount" and meta.get("cell") == cell
                   and meta.get("qemu_version") == "Debian 1:7.2+dfsg-7", meta))
    wrong = measurement_results(CASES)
    wrong[0]["measurement"] = "29.000"
    _g, err, _d = collect_case(tmp, "planted-disagree", job, console(), wrong)
    checks.append(("planted: a LAVA measurement that disagrees with the record fails the collection",
                   bool(err) and "disagree" in err, err))
    _g, err, _d = collect_case(tmp, "planted-missing", job, console(), measurement_results(CASES[:2]))
    checks.append(("planted: a record with no LAVA result fails the collection",
                   bool(err) and "no LAVA result" in err, err))
    splat = ["<4>WARNING: CPU: 0 PID: 1 at kernel/locking/lockdep.c:1 check+0x1/0x2"]
    _g, err, _d = collect_case(tmp, "planted-splat", job, console(extra=splat), measurement_results(CASES))
    checks.append(("planted: a kernel WARN on the console fails the collection as boot.sh fails a direct run",
                   bool(err) and "kernel reported" in err, err))
    _g, err, _d = collect_case(tmp, "planted-rc", job, console(rc=4), measurement_results(CASES))
    checks.append(("planted: a guest that ends with rc=4 fails the collection",
                   bool(err) and "rc=4" in err, err))
    failed = measurement_results(CASES)
    failed[-1] = {"definition": "lava", "case": "job", "result": "fail", "error_msg": "boot timed out"}
    _g, err, _d = collect_case(tmp, "planted-job", job, console(), failed)
    checks.append(("planted: a failed LAVA job fails the collection", bool(err) and "boot timed out" in err, err))
    other = copy.deepcopy(job)
    other["metadata"]["irqbench.method"] = "0" * 16
    _g, err, _d = collect_case(tmp, "planted-method", other, console(), measurement_results(CASES))
    checks.append(("planted: a job rendered by another irqbench method is refused",
                   bool(err) and "method" in err, err))
    return checks


def same_checks(tmp, job):
    """readback.same_runs: equal sample for sample, a moved sample, other artefacts."""
    from irqbench import runfiles  # pylint: disable=import-outside-toplevel
    cell = job["metadata"]["irqbench.cell"]
    recs = runfiles.read_records(os.path.join(tmp, "good-False", cell + ".csv.gz"))

    def run(name, records, kernel="k"):
        d = os.path.join(tmp, name)
        os.makedirs(d)
        runfiles.write_records(os.path.join(d, cell + ".csv.gz"), records)
        with open(os.path.join(d, "run.json"), "w", encoding="utf-8") as f:
            f.write('{"cells": [{"cell": "%s", "kernel_image_sha256": "%s", "initramfs_sha256": "i"}]}' % (cell, kernel))
        return d
    moved = copy.deepcopy(recs)
    moved[0]["values"][1] += 1
    a, b, c, d = run("same-a", recs), run("same-b", recs), run("same-c", moved), run("same-d", recs, "other")
    return [("same: two runs of equal records are equal sample for sample", readback.same_runs(a, b)[0] == 0,
             readback.same_runs(a, b)),
            ("planted: one sample moved is found", readback.same_runs(a, c)[0] == 1, readback.same_runs(a, c)),
            ("planted: another kernel image is no equality to ask (exit 2)", readback.same_runs(a, d)[0] == 2,
             readback.same_runs(a, d))]


def main(_argv):
    with tempfile.TemporaryDirectory() as tmp:
        planted, job = planted_checks(tmp)
        checks = matrix_checks(tmp) + planted + monitor_checks(job) + collect_checks(tmp, job) \
            + same_checks(tmp, job)
    return tap.report([(ok, what, detail if not ok else "") for what, ok, detail in checks])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
