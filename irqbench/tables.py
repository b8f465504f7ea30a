"""The tree's small tables: arch-matrix/arches.tsv, arch-matrix/kernels.tsv,
defaults.mk and schema/record.tsv, each read from its one home."""
import re

from .paths import tree


def tsv(path):
    """Rows of a '#'-commented TSV whose column names are its last comment
    line before the first row ('# name<TAB>...'); '-' reads as ''."""
    cols, rows = None, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                if "\t" in line:
                    cols = line[1:].strip().split("\t")
                continue
            if line:
                vals = ["" if v == "-" else v for v in line.split("\t")]
                rows.append(dict(zip(cols, vals)))
    return rows


ARCHES = {r["arch"]: r for r in tsv(tree("arch-matrix", "arches.tsv"))}
ARCH_NAMES = list(ARCHES)
KERNEL_SERIES = [r["series"] for r in tsv(tree("arch-matrix", "kernels.tsv"))]
# {accel: {qemu, smp, unit, clock, meaning}}: clock is hardware, emulated or instructions
ACCELS = {r["accel"]: r for r in tsv(tree("arch-matrix", "accels.tsv"))}
# The record's fields: [{name, type, unit, meaning}], in the module's order.
BOOT = {r["fact"]: r["value"] for r in tsv(tree("arch-matrix", "boot.tsv"))}
RECORD = tsv(tree("schema", "record.tsv"))
FIELDS = [f["name"] for f in RECORD]
TYPES = {f["name"]: f["type"] for f in RECORD}


def defaults(path=tree("defaults.mk")):
    """{NAME: value} of defaults.mk's 'NAME ?= value' lines."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^([A-Z_]+)\s*\?=\s*(.*?)\s*$", line)
            if m:
                out[m.group(1)] = m.group(2)
    return out


def arch_order(arches):
    """The given arch names in table order (unknown ones last, sorted)."""
    return [a for a in ARCH_NAMES if a in arches] + sorted(a for a in arches if a not in ARCHES)


def series(release):
    """The kernel series of a release: 7.3.0-rc7 -> 7.3, 6.12.117 -> 6.12."""
    m = re.match(r"(\d+\.\d+)", str(release))
    return m.group(1) if m else str(release)


def version_key(v):
    return tuple(int(x) for x in re.findall(r"\d+", series(v)))
