"""What the host knows of the variants: only what the module's own table says
(debugfs "variants", kept per cell in run.json), never a list of its own.

A table is [{column: value}] as runfiles.parse_variants() reads it; the
columns are kmod-bench/output.c's irqb_show_variants() header."""
import re


class Table:
    def __init__(self, rows):
        self.rows = {r["id"]: r for r in rows}
        self.order = [r["id"] for r in rows]

    def __contains__(self, v):
        return v in self.rows

    def __bool__(self):
        return bool(self.rows)

    def row(self, v):
        return self.rows.get(v, {})

    def hazard(self, v):
        """May leave interrupts on under a held lock: the thread's bug."""
        return self.row(v).get("hazard") == "yes"

    def counted(self, v):
        return self.row(v).get("counted") == "yes"

    def nesting(self, v):
        """Takes more than one level (depth 1 is not all it has)."""
        return self.row(v).get("depths", "1-1") != "1-1"

    def lang(self, v):
        return self.row(v).get("lang", "c")

    def nested(self, v):
        """The nested variant a hand-over-hand one pairs with, or None."""
        n = self.row(v).get("nested", "-")
        return None if n in ("-", "") else n

    def like(self, v):
        """The C variant doing what a Rust row calls, or None."""
        n = self.row(v).get("like", "-")
        return None if n in ("-", "") else n

    def desc(self, v):
        return self.row(v).get("description", "")

    def index(self, v):
        """A sort key: table order (the order of every output); unknown
        ones last, by name, so that no output depends on set order."""
        return (self.order.index(v), "") if v in self.order else (len(self.order), v)

    def identical(self):
        """[((variant, impl, depth, state), (variant, impl, depth, state))]:
        cases that run another case's code, from each row's "same" column:
        "IMPL dD STATES: ID [dD STATE]; ..."."""
        out = []
        for v in self.order:
            spec = self.row(v).get("same", "-")
            if spec in ("-", ""):
                continue
            for clause in spec.split(";"):
                m = re.fullmatch(r"\s*(\S+) d(\d+) ([\w,-]+): (\w+)(?: d(\d+) ([\w-]+))?\s*",
                                 clause)
                if not m:
                    raise ValueError(f"variant {v}: malformed 'same' clause {clause!r}")
                impl, d, states, other, od, ost = m.groups()
                for s in states.split(","):
                    out.append(((v, impl, int(d), s),
                                (other, impl, int(od or d), ost or s)))
        return out
