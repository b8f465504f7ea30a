"""arch-matrix/arches.tsv for the Python tools: one dict per arch, in table order."""
import os

TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "arch-matrix", "arches.tsv")


def load(path=TABLE):
    """{arch: {column: value}}; '-' reads as ''."""
    cols, rows = None, {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# arch\t"):
                cols = line[2:].split("\t")
            elif line and not line.startswith("#"):
                vals = ["" if v == "-" else v for v in line.split("\t")]
                rows[vals[0]] = dict(zip(cols, vals))
    return rows


ARCHES = load()
NAMES = list(ARCHES)


def order(arches):
    """The given arch names in table order (unknown ones last, sorted)."""
    known = [a for a in NAMES if a in arches]
    return known + sorted(a for a in arches if a not in ARCHES)
