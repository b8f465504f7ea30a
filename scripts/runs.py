"""Stored runs under results/: finding them by name and loading records."""
import glob
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.environ.get("RESULTS", os.path.join(ROOT, "results"))
CASE_KEY = ("arch", "kernel", "config", "accel", "variant", "impl", "depth", "irq_state")


def run_dirs():
    """Good runs (not .partial-*, not *.failed), oldest first."""
    out = []
    for d in sorted(glob.glob(os.path.join(RESULTS, "*"))):
        name = os.path.basename(d)
        if (os.path.isdir(d) and not os.path.islink(d) and not name.startswith(".")
                and not name.endswith(".failed") and os.path.exists(os.path.join(d, "run.json"))):
            out.append(d)
    return out


def resolve(name):
    """A run by path, by results/<name> (latest, baseline, a run id) or by id prefix."""
    for cand in (name, os.path.join(RESULTS, name)):
        if os.path.isfile(os.path.join(cand, "run.json")):
            return os.path.realpath(cand)
    hits = [d for d in run_dirs() if os.path.basename(d).startswith(name)]
    if len(hits) == 1:
        return hits[0]
    raise SystemExit(f"irqbench: no single run named '{name}' under {RESULTS}"
                     + (f" ({len(hits)} match)" if hits else ""))


def load_run(path):
    """run.json and every record of a run directory."""
    with open(os.path.join(path, "run.json"), encoding="utf-8") as f:
        meta = json.load(f)
    records = []
    for j in sorted(glob.glob(os.path.join(path, "*.json"))):
        if os.path.basename(j) == "run.json":
            continue
        with open(j, encoding="utf-8") as f:
            records.extend(json.load(f))
    return meta, records


def case_key(rec):
    return tuple(rec[k] for k in CASE_KEY)


def case_name(key):
    d = dict(zip(CASE_KEY, key))
    return (f"{d['arch']}/{d['kernel']}/{d['config']}/{d['accel']} {d['variant']} "
            f"{d['impl']} d{d['depth']} irqs-{d['irq_state']}")


def one_per_case(recs):
    """With REPEAT=N boots per cell, the record of each case's median boot
    (by p50; the lower middle one for even N, ties by boot), so plots and
    tables draw one point per case; records keep their order otherwise."""
    groups = {}
    for r in recs:
        groups.setdefault(case_key(r), []).append(r)
    keep = set()
    for rs in groups.values():
        rs = sorted(rs, key=lambda r: (r["p50"], r.get("boot", 0)))
        keep.add(id(rs[(len(rs) - 1) // 2]))
    return [r for r in recs if id(r) in keep]
