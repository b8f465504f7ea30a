"""The matrix as LAVA jobs: rendered, validated, and read back as a run.

jobs.py renders and validates them, readback.py turns a job's log into a
run's files, device.py renders a device dictionary (in the LAVA root);
the commands:

    python3 -m irqbench.lava render OUT_DIR [--artefacts DIR] [--url BASE]
                                            [--device-types T,...] [--cell CELL]
        one job per cell of ARCHS x KERNELS x CONFIGS (irqbench.cells) and
        device type that fits its arch (LAVA_DEVICE_TYPES, default every one
        of DEVICE_TYPES): OUT_DIR/<cell>.<device-type>.yaml, each validated
        by lava_common.schemas.validate. The artefacts are build-cell.sh's,
        in DIR/<cell>/ (default build/lava), served at BASE/<cell>/ (default
        file://DIR). --placeholder renders every cell from placeholder URLs
        and words, with no artefact (make check). An invalid job: exit 3
        with its name and LAVA's reason.
    python3 -m irqbench.lava validate JOB.yaml...
    python3 -m irqbench.lava device DEVICE_TYPES_DIR JOB.yaml OUT.yaml [--lab-placeholders]
        the device dictionary of the job's device type, rendered from LAVA's
        own template with the job's context (needs jinja2: the LAVA root)
    python3 -m irqbench.lava boards
        the board device types jobs are rendered for (jobs.BOARDS)
    python3 -m irqbench.lava board-fixture DEVICE_TYPE OUT_DIR
        a board job of placeholder files, OUT_DIR/job.yaml, for lava-run --validate
    python3 -m irqbench.lava collect JOB.yaml LOG RUN_DIR
        a job's log (lava-run's, or a server's `lavacli jobs logs --raw`)
        into RUN_DIR/<cell>.console.log, the records (irqbench.collect) and
        <cell>.meta; LAVA's own results are checked against the records
        and the console is judged as a direct run's (irqbench/console.py). Prints
        "cell arch kernel config accel request records results" (tabs).
    python3 -m irqbench.lava timeout JOB.yaml     the job's timeout in seconds
    python3 -m irqbench.lava field FILE KEY...    a value of a YAML file
    python3 -m irqbench.lava same BASE_RUN NEW_RUN
        exit 0 when every record of every shared cell is equal sample for
        sample, 1 when not, 2 when a cell booted other artefacts
    python3 -m irqbench.lava annotate RUN_DIR JOB DEVICE DEVICE_TYPE
        adds {"lava": {"job", "device", "device_type"}} to RUN_DIR/run.json

Everything a job says of QEMU comes from arch-matrix/arches.tsv (machine,
cpu, console, command-line words), arch-matrix/accels.tsv (an accelerator's
options and vCPUs) and boot.tsv (what every guest boots with), never
from a copy here. Exit codes: 0 fine, 1 a failed run, 3 usage or data.
"""

from .. import cli

# a usage or data error: one line, exit 3
Refuse = cli.Refuse


class Failed(cli.Fail):
    """A run that failed: one line, exit 1."""

    def __init__(self, msg):
        super().__init__(1, msg)
