"""What a case and a cell are called: the one home of their fields and names.

A record's case is CASE (variant, impl, depth, irq_state) within its cell;
across runs it is CASE_KEY, the cell's arch, kernel, config and accel
first (compare matches on it, the kernel there being its series). A case's
name is "variant/impl/d<depth>/<state>", as make annotate, history,
explain, kcidb's test ids, LAVA's test case ids and the report's figures
write it: name() makes it, parse() reads it back.

A cell is "<arch>-<series>-<config>", as arch-matrix names its directory
and results/ its files: cell_name() makes it. An arch holds no '-'
(arches.tsv: x86_64, ppc64le), so cell_arch() is a cell's first part; the
series and the config are not told apart by the name alone (a config may
hold '-' and '+', preempt-full+debug, and a KSRC kernel's version '-rc1'),
so nothing here splits them.
"""
import re

CASE = ("variant", "impl", "depth", "irq_state")
CASE_KEY = ("arch", "kernel", "config", "accel") + CASE

NAME_RE = re.compile(r"^([\w-]+)/([\w:.-]+)/d(\d+)/(on|off|off-raw)$")
# the module's deepest nesting, IRQB_MAX_DEPTH of kmod-bench/request.h
# (tests/test_cli.py holds the two equal)
MAX_DEPTH = 16


def short(rec):
    """A record's CASE values: its case within its cell."""
    return tuple(rec[k] for k in CASE)


def key(rec):
    """A record's CASE_KEY values, as stored (the kernel its full release)."""
    return tuple(rec[k] for k in CASE_KEY)


def name(case):
    """'variant/impl/d<depth>/<state>' of a record (a mapping with CASE's
    fields) or of a (variant, impl, depth, state) tuple."""
    v, impl, d, s = short(case) if hasattr(case, "keys") else case
    return f"{v}/{impl}/d{d}/{s}"


def parse(text):
    """(variant, impl, depth, state) of 'variant/impl/d<depth>/<state>';
    ValueError for any other text, and for a depth the module cannot run
    (outside 1..MAX_DEPTH)."""
    m = NAME_RE.match(text or "")
    if not m:
        raise ValueError(f"bad case '{text}' (want variant/impl/d<depth>/<state>, "
                         "e.g. counted/native/d1/off)")
    depth = m.group(3)
    if len(depth) > 3 or not 1 <= int(depth) <= MAX_DEPTH:
        raise ValueError(f"bad case '{text}': depth {depth[:20]}{'...' if len(depth) > 20 else ''}"
                         f" is outside 1..{MAX_DEPTH}")
    return m.group(1), m.group(2), int(depth), m.group(4)


def cell_name(arch, series, config):
    """A cell's name: '<arch>-<series>-<config>'."""
    return f"{arch}-{series}-{config}"


def cell_arch(cell):
    """The arch of a cell's name (all of it when it holds no '-')."""
    return cell.split("-", 1)[0]
