"""A device dictionary from LAVA's own template (in the LAVA root: jinja2),
and a board job of placeholder files for lava-run --validate."""
import os

import yaml

from .. import cells
from . import Refuse
from .jobs import BOARDS, Artefacts, board_job, boot_facts, dump, sha256, validate


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
