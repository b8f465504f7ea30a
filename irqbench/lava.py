"""The matrix as LAVA jobs: rendered, validated, and read back as a run.

    python3 -m irqbench.lava render OUT_DIR [--artefacts DIR] [--url BASE]
                                            [--device-types T,...] [--cell CELL]
        one job per cell of ARCHS x KERNELS x CONFIGS (irqbench.cells) and
        device type that fits its arch (LAVA_DEVICE_TYPES, default every one
        of DEVICE_TYPES): OUT_DIR/<cell>.<device-type>.yaml, each validated
        by lava_common.schemas.validate. The artefacts are build-cell.sh's,
        in DIR/<cell>/ (default build/lava), served at BASE/<cell>/ (default
        file://DIR). --placeholder renders every cell from placeholder URLs
        and words, with no artefact (make check). An invalid job: exit 3
        with its name and LAVA's reason.
    python3 -m irqbench.lava validate JOB.yaml...
    python3 -m irqbench.lava device DEVICE_TYPES_DIR JOB.yaml OUT.yaml [--lab-placeholders]
        the device dictionary of the job's device type, rendered from LAVA's
        own template with the job's context (needs jinja2: the LAVA root)
    python3 -m irqbench.lava board-fixture DEVICE_TYPE OUT_DIR
        a board job of placeholder files, OUT_DIR/job.yaml, for lava-run --validate
    python3 -m irqbench.lava collect JOB.yaml LOG RUN_DIR
        a job's log (lava-run's, or a server's `lavacli jobs logs --raw`)
        into RUN_DIR/<cell>.console.log, the records (irqbench.collect) and
        <cell>.meta; LAVA's own results are checked against the records
        and the console is judged as a direct run's (irqbench/console.py). Prints
        "cell arch kernel config accel request records results" (tabs).
    python3 -m irqbench.lava timeout JOB.yaml     the job's timeout in seconds
    python3 -m irqbench.lava field FILE KEY...    a value of a YAML file
    python3 -m irqbench.lava same BASE_RUN NEW_RUN
        exit 0 when every record of every shared cell is equal sample for
        sample, 1 when not, 2 when a cell booted other artefacts
    python3 -m irqbench.lava annotate RUN_DIR JOB DEVICE DEVICE_TYPE
        adds {"lava": {"job", "device", "device_type"}} to RUN_DIR/run.json

Everything a job says of QEMU comes from arch-matrix/arches.tsv (machine,
cpu, console, command-line words), arch-matrix/accels.tsv (an accelerator's
options and vCPUs) and boot.tsv (what every guest boots with), never
from a copy here. Exit codes: 0 fine, 1 a failed run, 3 usage or data.
"""
import argparse
import contextlib
import functools
import hashlib
import io
import json
import os
import re
import shlex
import subprocess
import sys

import yaml

from . import cells, collect, console, fragments, identity, runfiles
from .paths import BUILD, tree
from .tables import ARCHES, BOOT, tsv

ACCELS = {r["accel"]: r for r in tsv(tree("arch-matrix", "accels.tsv"))}
# qemu.jinja2's name of each arch, and which of its context keys the
# template turns into -machine and -cpu there (elsewhere it ignores them,
# and the options go in extra_options instead)
LAVA_ARCH = {"x86_64": "amd64", "arm64": "arm64", "riscv64": "riscv64",
             "ppc64le": "ppc64", "s390x": "s390x"}
TEMPLATE_MACHINE = {"arm64", "riscv64", "ppc64"}
TEMPLATE_CPU = {"arm64", "riscv64"}
# qemu.jinja2 always adds `-net nic,{model},...` with user networking (the
# direct run has -nic none). On x86's pc machine a PCI NIC lengthens qboot's
# PCI scan, and under -icount every later tick lands elsewhere: 35 of 335
# p50s moved by up to 0.008 insn. An ISA NIC is seen by neither qboot nor
# the kernel: the records then equal the direct run's sample for sample.
LAVA_NIC = {"amd64": "model=ne2k_isa"}
# Real boards of the kinds labs run, one device type of LAVA 2023.01's
# device-types folder each: how the kernel and initramfs reach the board
# (tftp), the bootloader that starts them and its command set, the image it
# boots (x86: bzImage through iPXE; arm64: Image and the board's DTB
# through U-Boot's booti). The console and the kernel's own command line
# (console=, root=) are the device type's.
BOARDS = {
    "x86": {"arch": "x86_64", "boot": "ipxe", "kernel": "bzImage", "type": None, "dtb": None},
    "bcm2711-rpi-4-b": {"arch": "arm64", "boot": "u-boot", "kernel": "Image", "type": "image",
                        "dtb": "bcm2711-rpi-4-b.dtb",
                        "no_pmr": "the BCM2711's GIC-400 is a GICv2: no pseudo-NMI"},
}
DEVICE_TYPES = ["qemu"] + list(BOARDS)
MIB = 1024 * 1024


class Refuse(Exception):
    """A usage or data error: one line, exit 3."""


class Failed(Exception):
    """A run that failed: one line, exit 1."""


# ---- what every guest boots with (arch-matrix/boot.tsv, also boot.sh's)
def boot_facts():
    """The command-line words of every guest, its memory and timeout."""
    return {"words": BOOT["cmdline"].split(), "memory": int(BOOT["memory_mb"]),
            "timeout": int(os.environ.get("BOOT_TIMEOUT") or BOOT["timeout_s"])}


@functools.lru_cache(maxsize=None)
def accel_words(accel):
    """The words that tell irqbench.ko its accelerator, unit and whether to
    count cycles: lib.sh's accel_words (from accels.tsv), asked, not copied."""
    out = subprocess.run(["bash", "-c", '. "$1" && accel_words "$2"', "accel_words",
                          tree("arch-matrix", "lib.sh"), accel],
                         capture_output=True, text=True, check=False)
    if out.returncode or not out.stdout.split():
        raise Refuse(f"lib.sh accel_words {accel} failed: {out.stderr.strip()}")
    return out.stdout.split()


def kernel_cmdline(arch, accel, cell_words, boot):
    """The guest's kernel command line, composed as boot.sh composes it
    (run-cell.sh's words after the cell's: accel_words)."""
    a = ARCHES[arch]
    words = [f"console={a['console']}", a["cmdline"], *boot["words"], *cell_words,
             *accel_words(accel)]
    if accel != "kvm":
        words.append(a["cmdline_tcg"])
    return " ".join(w for w in words if w)


def board_cmdline(cell_words, boot):
    """A board's words: boot.sh's and the cell's; console= and root= are the
    device type's, and the arch's QEMU-only words do not apply."""
    return " ".join([*boot["words"], *cell_words, *accel_words("bare-metal")])


# ---- a cell's artefacts: build-cell.sh's directory, or placeholders
class Artefacts:
    """What a cell boots: file names, their URLs and hashes, the cell's
    command-line words, and what run.json says of its build (cell.meta)."""

    def __init__(self, arch, kernel, config, base, meta, words, hashes, placeholder=False):
        self.arch, self.kernel, self.config = arch, kernel, config
        self.cell = f"{arch}-{kernel}-{config}"
        self.base, self.meta, self.words, self.hashes = base, meta, words, hashes
        self.placeholder = placeholder

    def missing(self, names):
        """Of NAMES, the files a built cell does not have (a board's image
        is not what build-cell.sh builds for QEMU)."""
        return [] if self.placeholder else [n for n in names if n and n not in self.hashes]

    def url(self, name):
        return f"{self.base}/{self.cell}/{name}"

    def image(self, name, **extra):
        d = {"url": self.url(name), **extra}
        if name in self.hashes:
            d["sha256sum"] = self.hashes[name]
        return d

    @classmethod
    def built(cls, arch, kernel, config, root, base):
        """build-cell.sh's output in root/<cell>/; board images there are
        hashed when present."""
        cell = f"{arch}-{kernel}-{config}"
        d = os.path.join(root, cell)
        meta_path, cmd_path = os.path.join(d, "cell.meta"), os.path.join(d, "cmdline")
        if not (os.path.isfile(meta_path) and os.path.isfile(cmd_path)):
            raise Refuse(f"{cell}: no cell.meta and cmdline in {d} "
                         f"(arch-matrix/build-cell.sh {arch} {kernel} {config} {d})")
        meta = read_meta(meta_path)
        with open(cmd_path, encoding="utf-8") as f:
            words = f.read().split()
        hashes = {}
        for name in os.listdir(d):
            p = os.path.join(d, name)
            if os.path.isfile(p) and name not in ("cell.meta", "cmdline"):
                hashes[name] = sha256(p)
        return cls(arch, kernel, config, base, meta, words, hashes)

    @classmethod
    def placeholder(cls, arch, kernel, config):
        """No build: the file names build-cell.sh would copy and the words it
        would write (its config's "# boot:" words), for validating jobs."""
        image = os.path.basename(ARCHES[arch]["image"])
        words = [f"irqbench.tag_config={config}", *fragments.Needs(config).boot]
        meta = {"cell": f"{arch}-{kernel}-{config}", "arch": arch, "kernel_series": kernel,
                "config": config, "image": image, "request": cells.var(os.environ, "REQUEST")}
        return cls(arch, kernel, config, "https://lava.invalid/irqbench", meta, words, {}, placeholder=True)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(MIB), b""):
            h.update(block)
    return h.hexdigest()


def read_meta(path):
    with open(path, encoding="utf-8") as f:
        return dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)


# ---- the job
def monitors():
    """The guest's console as LAVA results, with no shell in the guest: one
    monitor per section, in the order the guest prints them. LAVA's monitor
    takes one regex each; console lines reach it as \\r\\r\\n. A pattern
    starts at a line's \\n and leaves the next one's (lookahead), so every
    match is a whole line."""
    return [
        # measurements: one line per case, measurement = p50
        {"name": "irqbench",
         "start": "@@IRQBENCH BEGIN measurements@@",
         "end": "@@IRQBENCH END measurements@@",
         "pattern": (r"\nIRQBENCH (?P<test_case_id>[^ \r\n]+) (?P<measurement>-?[0-9]+(?:\.[0-9]+)?) "
                     r"(?P<units>insn|ns) (?P<result>pass|fail)(?=\r*\n)")},
        # the selftest's KTAP: "ok N name", "not ok N name", "ok N # SKIP why";
        # a skip's result is the empty match of the lookahead, which
        # fixupdict turns into skip (one group name per pattern)
        {"name": "irqbench-selftest",
         "start": "@@IRQBENCH BEGIN ktap@@",
         "end": "@@IRQBENCH END ktap@@",
         "pattern": (r"\n(?P<result>(?=ok [0-9]+ # SKIP)|not ok|ok)(?:ok)? "
                     r"(?P<test_case_id>[0-9]+[^\r\n]{0,60})[^\r\n]*(?=\r*\n)"),
         "fixupdict": {"ok": "pass", "not ok": "fail", "": "skip"}},
        # the guest's verdict: rc=0 passes, any other rc (its first digit)
        # fails; the kernel's reboot line ends it
        {"name": "irqbench-guest",
         "start": "@@IRQBENCH END dmesg@@",
         "end": "reboot: Restarting system",
         "pattern": r"@@IRQBENCH DONE (?P<test_case_id>rc)=(?P<result>0(?=@@)|[1-9])[0-9]*@@",
         "fixupdict": {"0": "pass", **{str(d): "fail" for d in range(1, 10)}}},
    ]


def minutes(seconds):
    return {"minutes": max(1, -(-seconds // 60))}


def timeouts(boot):
    """The boot action's timeout also bounds the wait for a monitor's start
    string, so it covers the guest's silent benchmark phase: boot.sh's
    bound on a whole direct run."""
    deploy, run = 300, boot["timeout"]
    return ({"job": minutes(deploy + 2 * run + 300), "action": minutes(run),
             "connection": minutes(run)},
            minutes(deploy), minutes(run))


@functools.lru_cache(maxsize=1)
def tree_identity():
    """The tree's method identity, once per process (it hashes files)."""
    return identity.of_tree()


def metadata(art, accel, device_type):
    """What collect needs to make a run of the job alone: the cell, the
    accelerator, the irqbench that rendered it and the cell's build."""
    md = {"irqbench.cell": art.cell, "irqbench.accel": accel,
          "irqbench.device_type": device_type, "irqbench.method": tree_identity()}
    for k, v in art.meta.items():
        if k != "image":
            md[f"irqbench.meta.{k}"] = v
    return md


def qemu_context(arch, accel, boot):
    """qemu.jinja2's context: the arch's machine and cpu where the template
    honours them, everything else of boot.sh's QEMU command line through
    extra_options. no_kvm always: accels.tsv's row carries the accelerator
    (-accel kvm), and the template's own KVM branch is x86-only."""
    a, row = ARCHES[arch], ACCELS[accel]
    larch = LAVA_ARCH[arch]
    machine = shlex.split(a["machine"])
    if machine[:1] != ["-M"] or len(machine) < 2:
        raise Refuse(f"arches.tsv: {arch}'s machine does not start with -M NAME: {a['machine']}")
    cpu = "host" if accel == "kvm" else a["cpu"]
    ctx = {"arch": larch, "no_kvm": True, "memory": boot["memory"]}
    if larch in LAVA_NIC:
        ctx["model"] = LAVA_NIC[larch]
    extra = []
    if larch in TEMPLATE_MACHINE:
        ctx["machine"] = machine[1]
        rest = machine[2:]
    else:
        rest = machine
    if rest:
        extra.append(" ".join(rest))
    if larch in TEMPLATE_CPU:
        ctx["cpu"] = cpu
    else:
        extra.append(f"-cpu {cpu}")
    extra += [row["qemu"], f"-smp {row['smp']}", "-no-reboot"]
    ctx["extra_options"] = extra
    return ctx


def qemu_job(art, accel, boot):
    if accel not in ACCELS or not ACCELS[accel]["qemu"]:
        raise Refuse(f"accel '{accel}' has no QEMU row in accels.tsv")
    job_t, deploy_t, run_t = timeouts(boot)
    cmdline = kernel_cmdline(art.arch, accel, art.words, boot)
    image = art.meta.get("image") or os.path.basename(ARCHES[art.arch]["image"])
    return {
        "device_type": "qemu",
        "job_name": f"irqbench {art.cell} {accel}",
        "priority": "medium",
        "visibility": "public",
        "timeouts": job_t,
        "metadata": metadata(art, accel, "qemu"),
        "context": qemu_context(art.arch, accel, boot),
        "actions": [
            {"deploy": {"to": "tmpfs", "timeout": deploy_t, "images": {
                "kernel": art.image(image, image_arg=f'-kernel {{kernel}} -append "{cmdline}"'),
                "ramdisk": art.image("initramfs.cpio", image_arg="-initrd {ramdisk}")}}},
            {"boot": {"method": "qemu", "media": "tmpfs", "timeout": run_t}},
            {"test": {"timeout": run_t, "monitors": monitors()}},
        ],
    }


def board_job(art, device_type, boot):
    """A real board: tftp deploy of the kernel and the initramfs as it is
    (no LAVA overlay: the guest has no shell), the bootloader's ramdisk
    commands, records tagged bare-metal."""
    b = BOARDS[device_type]
    job_t, deploy_t, run_t = timeouts(boot)
    deploy = {"to": "tftp", "timeout": deploy_t, "os": "oe",
              "kernel": art.image(b["kernel"], **({"type": b["type"]} if b["type"] else {})),
              "ramdisk": art.image("initramfs.cpio", install_modules=False, install_overlay=False)}
    if b["dtb"]:
        deploy["dtb"] = art.image(b["dtb"])
    return {
        "device_type": device_type,
        "job_name": f"irqbench {art.cell} bare-metal {device_type}",
        "priority": "medium",
        "visibility": "public",
        "timeouts": job_t,
        "metadata": metadata(art, "bare-metal", device_type),
        "context": {"extra_kernel_args": board_cmdline(art.words, boot)},
        "actions": [
            {"deploy": deploy},
            # the kernel's own banner is below loglevel=5: /init's is the sign
            {"boot": {"method": b["boot"], "commands": "ramdisk", "timeout": run_t,
                      "parameters": {"kernel-start-message": "@@IRQBENCH HELLO@@"}}},
            {"test": {"timeout": run_t, "monitors": monitors()}},
        ],
    }


def lava_accel(env):
    """A job names its accelerator: ACCEL=auto probes a host, which a lab's
    job cannot, so auto is tcg-icount (exact counts on any worker)."""
    accel = cells.var(env, "ACCEL")
    return "tcg-icount" if accel == "auto" else accel


def validate(job):
    """LAVA's own schema; None if valid, else its reason."""
    from lava_common.schemas import validate as lava_validate  # pylint: disable=import-outside-toplevel
    from voluptuous import Invalid  # pylint: disable=import-outside-toplevel
    try:
        lava_validate(job)
    except Invalid as e:
        return str(e)
    return None


class _Dumper(yaml.SafeDumper):
    """A job as a person writes one: no anchors and aliases for repeats."""

    def ignore_aliases(self, data):
        return True


def dump(job):
    return yaml.dump(job, Dumper=_Dumper, sort_keys=False, width=1000, default_flow_style=False)


def render(env, out, artefacts, device_types, only_cell=None):
    """Every job of the matrix into OUT; [(path, job)]. ARTEFACTS(arch,
    kernel, config) gives a cell's Artefacts (built or placeholder): the one
    path make lava and make check share."""
    boot = boot_facts()
    accel = lava_accel(env)
    unknown = [d for d in device_types if d not in DEVICE_TYPES]
    if unknown:
        raise Refuse(f"unknown LAVA device type {' '.join(unknown)} (one of: {' '.join(DEVICE_TYPES)})")
    os.makedirs(out, exist_ok=True)
    written = []
    try:
        plan = cells.plan(env, request_check=False)
    except cells.Refuse as e:
        raise Refuse(str(e)) from e
    for arch, kernel, config, why in plan:
        cell = f"{arch}-{kernel}-{config}"
        if why or (only_cell and cell != only_cell):
            continue
        art = None
        for dt in device_types:
            if dt != "qemu" and BOARDS[dt]["arch"] != arch:
                continue
            # a config whose records must say PMR measures nothing on a
            # board that cannot mask through priorities (checks.py fails it)
            if dt != "qemu" and BOARDS[dt].get("no_pmr") and \
                    fragments.Needs(config).expect.get("irq_mask") == "pmr":
                print(f"irqbench: {cell}.{dt} skipped: {BOARDS[dt]['no_pmr']}", file=sys.stderr)
                continue
            art = art or artefacts(arch, kernel, config)
            # a job whose files are not there would fail at the lab's download
            gone = art.missing([BOARDS[dt]["kernel"], BOARDS[dt]["dtb"]]) if dt != "qemu" else []
            if gone:
                print(f"irqbench: {cell}.{dt} skipped: no {' '.join(gone)} beside the cell's "
                      "artefacts (a board kernel: README, what a board needs)", file=sys.stderr)
                continue
            job = qemu_job(art, accel, boot) if dt == "qemu" else board_job(art, dt, boot)
            problem = validate(job)
            if problem:
                raise Refuse(f"{cell}.{dt}: LAVA's schema rejects the job: {problem}")
            path = os.path.join(out, f"{cell}.{dt}.yaml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(dump(job))
            written.append((path, job))
    if only_cell and not written:
        raise Refuse(f"no cell {only_cell} that runs among ARCHS x KERNELS x CONFIGS "
                     f"for device types {' '.join(device_types)}")
    return written


# ---- a job's log back into a cell's run files
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
        name = f"{rec['variant']}/{rec['impl']}/d{rec['depth']}/{rec['irq_state']}"
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
            return (r["variant"], r["impl"], r["depth"], r["irq_state"], r.get("boot", 0))
        ra = {key(r): r["values"] for r in runfiles.read_records(os.path.join(base, cell + ".csv.gz"))}
        rb = {key(r): r["values"] for r in runfiles.read_records(os.path.join(new, cell + ".csv.gz"))}
        total += len(ra | rb)
        equal += sum(ra.get(k) == rb.get(k) for k in ra | rb)
    return (0 if equal == total else 1), f"{equal} of {total} cases, every sample equal"


# ---- the device dictionary (in the LAVA root: jinja2)
# A lab's own lines of a board's device dictionary (its serial console,
# its power switch): placeholders, for the dispatcher to build a board
# job's pipeline with (lava-run --validate), never to run one.
LAB_PLACEHOLDERS = """{% set connection_command = '/bin/true' %}
{% set hard_reset_command = '/bin/true' %}
{% set power_off_command = '/bin/true' %}
{% set power_on_command = '/bin/true' %}
"""


def board_fixture(device_type, out):
    """A board job of placeholder artefacts that exist (file:// URLs the
    dispatcher can check): OUT/art/<cell>/ and OUT/job.yaml."""
    b = BOARDS[device_type]
    arch, kernel, config = b["arch"], cells.var({}, "KERNELS").split()[0], "default"
    art = Artefacts.placeholder(arch, kernel, config)
    d = os.path.join(out, "art", art.cell)
    os.makedirs(d, exist_ok=True)
    for name in filter(None, [b["kernel"], b["dtb"], "initramfs.cpio"]):
        with open(os.path.join(d, name), "w", encoding="utf-8") as f:
            f.write("placeholder\n")
    built = Artefacts(arch, kernel, config, f"file://{os.path.abspath(out)}/art", art.meta, art.words,
                      {n: sha256(os.path.join(d, n)) for n in os.listdir(d)})
    job = board_job(built, device_type, boot_facts())
    problem = validate(job)
    if problem:
        raise Refuse(f"{art.cell}.{device_type}: LAVA's schema rejects the job: {problem}")
    with open(os.path.join(out, "job.yaml"), "w", encoding="utf-8") as f:
        f.write(dump(job))


def device_dict(types_dir, job, lab=""):
    """LAVA's template for the job's device type, rendered with the job's
    context as a server renders a device's dictionary for a job; LAB: the
    lab's own lines."""
    import jinja2  # pylint: disable=import-outside-toplevel
    dt = job["device_type"]
    if not os.path.isfile(os.path.join(types_dir, f"{dt}.jinja2")):
        raise Refuse(f"no {dt}.jinja2 in {types_dir}")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([types_dir]), autoescape=False,
                             trim_blocks=True)
    text = env.from_string(f"{{% extends '{dt}.jinja2' %}}\n{lab}").render(**(job.get("context") or {}))
    parsed = yaml.safe_load(text)
    if not isinstance(parsed, dict) or "actions" not in parsed:
        raise Refuse(f"{dt}.jinja2 rendered no device dictionary")
    return text


# ---- the command line: one small function per command, each returning its exit
def cmd_render(o):
    root = os.path.abspath(o.artefacts)
    base = (o.url or f"file://{root}").rstrip("/")

    def built(arch, kernel, config):
        return Artefacts.built(arch, kernel, config, root, base)
    artefacts = Artefacts.placeholder if o.placeholder else built
    for path, job in render(os.environ, o.out, artefacts, o.device_types.replace(",", " ").split(), o.cell):
        print(f"{path}\t{job['device_type']}\t{job['metadata']['irqbench.accel']}")
    return 0


def cmd_validate(o):
    bad = 0
    for p in o.jobs:
        problem = validate(load_yaml(p))
        if problem:
            print(f"irqbench: error: {p}: LAVA's schema rejects the job: {problem}", file=sys.stderr)
            bad += 1
    return 3 if bad else 0


def cmd_device(o):
    text = device_dict(o.types_dir, load_yaml(o.job), LAB_PLACEHOLDERS if o.lab_placeholders else "")
    with open(o.out, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


def cmd_collect(o):
    # what the run is, for run.json's variables: one tab-separated line
    facts, records, results = collect_job(o.job, o.log, o.run_dir)
    print("\t".join([facts[k] for k in ("cell", "arch", "kernel", "config", "accel", "request")]
                    + [str(len(records)), str(len(results))]))
    return 0


def cmd_same(o):
    rc, line = same_runs(o.base, o.new)
    print(line)
    return rc


COMMANDS = {
    "render": (cmd_render, ["out", "--artefacts", "--url", "--placeholder", "--device-types", "--cell"]),
    "validate": (cmd_validate, ["jobs+"]),
    "device": (cmd_device, ["types_dir", "job", "out", "--lab-placeholders"]),
    "board-fixture": (lambda o: board_fixture(o.device_type, o.out) or 0, ["device_type", "out"]),
    "collect": (cmd_collect, ["job", "log", "run_dir"]),
    "timeout": (lambda o: print(job_seconds(load_yaml(o.job))) or 0, ["job"]),
    "field": (lambda o: print(field(load_yaml(o.file), o.keys, o.file)) or 0, ["file", "keys+"]),
    "same": (cmd_same, ["base", "new"]),
    "annotate": (lambda o: annotate(o.run_dir, int(o.job) if o.job.isdigit() else o.job, o.device,
                                    o.device_type) or 0, ["run_dir", "job", "device", "device_type"]),
}
OPTIONS = {
    "--artefacts": {"default": os.path.join(BUILD, "lava")},
    "--url": {},
    "--placeholder": {"action": "store_true"},
    "--device-types": {"default": os.environ.get("LAVA_DEVICE_TYPES") or " ".join(DEVICE_TYPES)},
    "--cell": {},
    "--lab-placeholders": {"action": "store_true"},
}


class _Parser(argparse.ArgumentParser):
    """Usage errors exit 3, as every host tool's do (DESIGN.md)."""

    def error(self, message):
        self.print_usage(sys.stderr)
        print(f"irqbench: error: {message}", file=sys.stderr)
        sys.exit(3)


def parser():
    ap = _Parser(prog="python3 -m irqbench.lava", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name, (_fn, args) in COMMANDS.items():
        p = sub.add_parser(name)
        for a in args:
            if a.startswith("--"):
                p.add_argument(a, **OPTIONS[a])
            elif a.endswith("+"):
                p.add_argument(a[:-1], nargs="+")
            else:
                p.add_argument(a)
    return ap


def main(argv):
    o = parser().parse_args(argv)
    try:
        return COMMANDS[o.cmd][0](o)
    except Refuse as e:
        print(f"irqbench: error: {e}", file=sys.stderr)
        return 3
    except Failed as e:
        print(f"irqbench: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
