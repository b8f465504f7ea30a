"""The one cell generator: what a command runs, every variable checked first.

    python3 -m irqbench.cells cells     one line per cell of ARCHS x KERNELS x
                                         CONFIGS: "run ARCH KERNEL CONFIG" or
                                         "skip ARCH KERNEL CONFIG REASON" (tabs)
    python3 -m irqbench.cells arches    the arches of the cells that run
    python3 -m irqbench.cells env       REQUEST, ACCEL and REPEAT with their
                                         defaults, as shell assignments
    python3 -m irqbench.cells cell ARCH KERNEL CONFIG
                                         exit 3 with the reason if that cell
                                         cannot run (build-kernel.sh asks)
    python3 -m irqbench.cells boot CONFIG   the config's kernel command-line words
    python3 -m irqbench.cells rust CONFIG   exit 0 if the config loads the Rust module

The variables (ARCHS, KERNELS, CONFIGS, ACCEL, REQUEST, REPEAT, LLVM, KSRC)
come from the environment, else defaults.mk. Bad input exits 3 with one
"irqbench: error:" line before any work: the cell generator of make bench,
make matrix, make check, make annotate and make lava.
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile

from . import fragments
from .cli import Refuse
from .case import cell_name
from .paths import tree
from .tables import ACCELS as ACCEL_ROWS
from .tables import ARCH_NAMES, KERNEL_SERIES, defaults, series

# the accelerators QEMU boots a guest with, and their vCPUs
ACCELS = [a for a, r in ACCEL_ROWS.items() if r["qemu"]]
SMP = {a: int(r["smp"]) for a, r in ACCEL_ROWS.items() if r["smp"]}


def var(env, name):
    d = defaults()
    v = env.get(name)
    return d.get(name, "") if v is None else v


def words(v):
    return v.replace(",", " ").split()


def kernel_of_tree(ksrc):
    if not os.path.isfile(os.path.join(ksrc, "Makefile")):
        raise Refuse(f"KSRC={ksrc} is not a kernel tree")
    out = subprocess.run(["make", "-s", "--no-print-directory", "-C", ksrc, "kernelversion"],
                         capture_output=True, text=True, check=False,
                         env={**os.environ, "MAKEFLAGS": "", "MAKELEVEL": ""})
    if out.returncode:
        raise Refuse(f"KSRC={ksrc}: make kernelversion failed")
    return out.stdout.strip()


def check_request(request, cpus):
    """The module's own parser, built for the host, on REQUEST."""
    with tempfile.TemporaryDirectory() as tools:
        b = subprocess.run(["make", "-s", "-C", tree("selftests", "host"), "KSELFTEST=",
                            f"OUT={tools}", f"{tools}/request_check"],
                           capture_output=True, text=True, check=False)
        if b.returncode:
            sys.stderr.write(b.stdout + b.stderr)
            raise Refuse("the host request checker did not build")
        r = subprocess.run([f"{tools}/request_check", str(cpus), request],
                           capture_output=True, text=True, check=False)
        if r.returncode:
            raise Refuse(f"bad REQUEST: {r.stderr.strip()}")


def arches(env):
    v = var(env, "ARCHS")
    names = " ".join(ARCH_NAMES)
    if not words(v):
        raise Refuse(f"ARCHS is empty (all, or some of: {names})")
    out = []
    for a in words(v):
        for x in (ARCH_NAMES if a == "all" else [a]):
            if x not in ARCH_NAMES:
                raise Refuse(f"unknown arch '{x}' in ARCHS (all, or some of: {names})")
            if x not in out:
                out.append(x)
    return out


def kernels(env):
    if env.get("KSRC"):
        return [kernel_of_tree(env["KSRC"])]
    ks = words(var(env, "KERNELS"))
    if not ks:
        raise Refuse(f"KERNELS is empty ({', '.join(KERNEL_SERIES)})")
    for k in ks:
        if k not in KERNEL_SERIES:
            raise Refuse(f"no Debian source known for kernel '{k}' in KERNELS "
                         f"({', '.join(KERNEL_SERIES)}; or set KSRC)")
    return ks


def configs(env):
    cs = words(var(env, "CONFIGS").replace(",", " "))
    if not cs:
        raise Refuse("CONFIGS is empty")
    known = fragments.names()
    for c in cs:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+(\+[A-Za-z0-9_.-]+)*", c):
            raise Refuse(f"config '{c}' in CONFIGS: fragment names joined by single +")
        for p in c.split("+"):
            if p not in known:
                raise Refuse(f"unknown config '{p}' in CONFIGS (one of: {' '.join(known)}; "
                             "several join with +)")
        if fragments.Needs(c).joined_rust:
            raise Refuse(f"CONFIGS={c}: a Rust config is not joined with another")
    return cs


def scalars(env):
    accel = var(env, "ACCEL")
    if accel not in ["auto"] + ACCELS:
        raise Refuse(f"ACCEL must be auto, {', '.join(ACCELS)}, not '{accel}'")
    repeat = var(env, "REPEAT")
    if not re.fullmatch(r"[1-9][0-9]*", repeat):
        raise Refuse(f"REPEAT must be a positive integer (boots per cell), not '{repeat}'")
    llvm = env.get("LLVM", "")
    if llvm not in ("", "1"):
        raise Refuse(f"LLVM must be 1 or unset, not '{llvm}'")
    return accel


def plan(env, request_check=True):
    """[(arch, kernel, config, reason or None)] of every cell, checked."""
    a, ks, cs = arches(env), kernels(env), configs(env)
    accel = scalars(env)
    cells = []
    for c in cs:
        needs = fragments.Needs(c)
        mine = [(arch, k, c, needs.excludes(arch, series(k))) for k in ks for arch in a]
        if all(why for *_x, why in mine):
            raise Refuse(f"CONFIGS={c}: {mine[0][3]}, and ARCHS='{' '.join(a)}' "
                         f"KERNELS='{' '.join(ks)}' leave no cell")
        cells += mine
    if request_check:
        # guests have one vCPU under tcg-icount (and, maybe, under auto)
        cpus = SMP.get(accel, min(SMP.values()))
        check_request(var(env, "REQUEST"), cpus)
    order = {k: i for i, k in enumerate(ks)}
    corder = {c: i for i, c in enumerate(cs)}
    return sorted(cells, key=lambda x: (order[x[1]], corder[x[2]], a.index(x[0])))


def main(argv):
    env = os.environ
    try:
        if argv[:1] == ["cells"]:
            for arch, k, c, why in plan(env):
                print("\t".join(["skip", arch, k, c, why] if why else ["run", arch, k, c]))
        elif argv[:1] == ["env"]:
            scalars(env)
            for name in ("REQUEST", "ACCEL", "REPEAT"):
                print(f"{name}={shlex.quote(var(env, name))}")
        elif argv[:1] == ["arches"]:
            got = []
            for arch, _k, _c, why in plan(env, request_check=False):
                if not why and arch not in got:
                    got.append(arch)
            print(" ".join(got))
        elif argv[:1] == ["cell"] and len(argv) == 4:
            arch, k, c = argv[1:]
            configs({"CONFIGS": c})
            why = fragments.Needs(c).excludes(arch, series(k))
            if why:
                raise Refuse(f"{cell_name(arch, k, c)}: {why}")
        elif argv[:1] == ["boot"] and len(argv) == 2:
            print(" ".join(fragments.Needs(argv[1]).boot))
        elif argv[:1] == ["rust"] and len(argv) == 2:
            return 0 if fragments.Needs(argv[1]).rust else 1
        else:
            print(__doc__, file=sys.stderr)
            return 3
    except Refuse as e:
        print(f"irqbench: error: {e}", file=sys.stderr)
        return e.code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
