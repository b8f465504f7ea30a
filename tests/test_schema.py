"""python3 -m tests.test_schema: facts that have one home, held to
it, as KTAP.

- The record's fields: schema/record.tsv declares them; the module writes
  kmod-bench/record_fields.h's list (every guest's CSV header is checked by
  irqbench.collect too), the selftest reads fields by name, all of which
  must be declared.
- The variant table: kmod-bench/variant_rows.h; every C row has its op in
  variants.c, the Rust module registers exactly the Rust rows.
- The defaults: the default REQUEST is written in defaults.mk only.
- The layout: every path docs/architecture.md's Layout names exists, and
  every tracked directory of the tree is named there.
"""
import os
import re
import subprocess
import sys

from irqbench.paths import ROOT, tree
from irqbench.tables import RECORD, defaults

from . import tap

checks = []
TYPE = {"STR": {"str"}, "NUM": {"int", "float"}, "OPT": {"float?"}}


def check(ok, name):
    checks.append((bool(ok), name))


def read(*p):
    with open(tree(*p), encoding="utf-8") as f:
        return f.read()


def record_fields():
    got = re.findall(r"^IRQB_FIELD\((\w+), (\w+),", read("kmod-bench", "record_fields.h"), re.M)
    names = [n for n, _t in got]
    want = [f["name"] for f in RECORD]
    check(names == want, f"the module writes schema/record.tsv's {len(want)} fields in its order"
          + ("" if names == want else f" (module: {names}, schema: {want})"))
    bad = [n for n, t in got if n in {f['name'] for f in RECORD}
           and {f["type"] for f in RECORD if f["name"] == n} - TYPE.get(t, set())]
    check(not bad, f"each field's JSON type in the module fits its declared type {bad or ''}")
    sel = read("selftests", "irqbench", "irqbench_test.c")
    fnames = re.search(r"fname\[NR_F\] = \{(.*?)\};", sel, re.S)
    used = re.findall(r'"(\w+)"', fnames.group(1)) if fnames else []
    check(used and set(used) <= set(want),
          f"the selftest reads {len(used)} fields by name, each declared {sorted(set(used) - set(want))}")


def variant_rows():
    rows = re.findall(r"^IRQB_VARIANT\((\w+), (\w+), ", read("kmod-bench", "variant_rows.h"), re.M)
    ops = set(re.findall(r"\b(\w+)_op\(struct irqb_ctx", read("kmod-bench", "variants.c")))
    c_rows = [i for i, k in rows if k != "RUST"]
    check(rows and all(i in ops for i in c_rows),
          f"every C row of variant_rows.h has its op in variants.c ({len(c_rows)} rows)")
    rust = {i for i, k in rows if k == "RUST"}
    reg = set(re.findall(r'c"(rust_\w+)"', read("kmod-bench", "rust", "irqbench_rust.rs")))
    check(rust and reg == rust, f"the Rust module registers exactly the Rust rows ({sorted(rust)})")


def defaults_home():
    req = defaults()["REQUEST"]
    hits = subprocess.run(["git", "-C", ROOT, "grep", "-l", "-F", req.split(" model=")[0]],
                          capture_output=True, text=True, check=False).stdout.split()
    code = [h for h in hits if not h.endswith(".md") and not h.startswith("results/")]
    check(code == ["defaults.mk"], f"the default REQUEST is written in defaults.mk only ({code})")


def layout():
    doc = read("docs", "architecture.md")
    sec = doc.split("## Layout", 1)[1] if "## Layout" in doc else ""
    named = set(re.findall(r"`([\w./+-]+/?)`", sec))
    paths = [n for n in named if ("/" in n or os.path.exists(tree(n))) and not n.startswith("/")]
    missing = sorted(n for n in paths if not os.path.exists(tree(n.rstrip("/"))))
    check(sec and not missing, f"every path the Layout names exists {missing or ''}")
    files = subprocess.run(["git", "-C", ROOT, "ls-files"], capture_output=True, text=True,
                           check=False).stdout.split()
    dirs = sorted({os.path.dirname(f) for f in files if os.path.dirname(f)
                   and not f.startswith(("results/", "."))})
    # a directory is named, or its parent is (selftests/host/kshim/ holds linux/)
    unnamed = [d for d in dirs if not ({d, d + "/", os.path.dirname(d) + "/"} & named)]
    check(not unnamed, f"the Layout names every directory of the tree {unnamed or ''}")


def main(argv):
    record_fields()
    variant_rows()
    defaults_home()
    layout()
    return tap.report(checks)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
