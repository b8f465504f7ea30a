"""python3 -m irqbench.lava COMMAND: see the package's documentation."""
import os
import sys

from .. import cli
from ..paths import BUILD
from . import Failed, Refuse
from .device import LAB_PLACEHOLDERS, board_fixture, device_dict
from .jobs import BOARDS, DEVICE_TYPES, Artefacts, render, validate
from .readback import annotate, collect_job, field, job_seconds, load_yaml, same_runs


# one small function per command, each returning its exit status
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
    "boards": (lambda o: print(" ".join(BOARDS)) or 0, []),
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


# usage errors exit 3 with one line, as every host tool's do
_Parser = cli.Parser


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
    except (Refuse, Failed) as e:
        print(f"irqbench: error: {e}", file=sys.stderr)
        return e.code


if __name__ == "__main__":
    sys.exit(cli.run("lava", main))
