"""LAVA jobs of a cell: what every guest boots with, the artefacts, the job
for LAVA's qemu device type and for real boards, validated by LAVA's own
schema."""
import functools
import hashlib
import os
import shlex
import subprocess
import sys

import yaml

from .. import cells, fragments, identity
from ..case import cell_name
from ..paths import tree
from ..tables import ACCELS, ARCHES, BOOT
from . import Refuse


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
# boots (x86: bzImage through iPXE; arm64 and riscv64: Image and the
# board's DTB through U-Boot's booti). The console and the kernel's own
# command line (console=, root=) are the device type's.
BOARDS = {
    "x86": {"arch": "x86_64", "boot": "ipxe", "kernel": "bzImage", "type": None, "dtb": None},
    "bcm2711-rpi-4-b": {"arch": "arm64", "boot": "u-boot", "kernel": "Image", "type": "image",
                        "dtb": "bcm2711-rpi-4-b.dtb",
                        "no_pmr": "the BCM2711's GIC-400 is a GICv2: no pseudo-NMI"},
    "hifive-unleashed-a00": {"arch": "riscv64", "boot": "u-boot", "kernel": "Image", "type": "image",
                             "dtb": "hifive-unleashed-a00.dtb"},
}
# Arches without a board device type in LAVA 2023.01: their hardware
# figures come from the qemu device type with ACCEL=kvm on a worker of
# that arch (-accel kvm -cpu host: the guest runs on the host's CPU).
KVM_ONLY = {
    "ppc64le": "LAVA 2023.01 has no device type for POWER hardware",
    "s390x": "LAVA 2023.01 has no device type for IBM Z hardware",
}
DEVICE_TYPES = ["qemu"] + list(BOARDS)
MIB = 1024 * 1024



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
        self.cell = cell_name(arch, kernel, config)
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
        cell = cell_name(arch, kernel, config)
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
        meta = {"cell": cell_name(arch, kernel, config), "arch": arch, "kernel_series": kernel,
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
    for arch, kernel, config, why in cells.plan(env, request_check=False):
        cell = cell_name(arch, kernel, config)
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
