# Runs inside gdb-multiarch (-batch -x): attaches to QEMU's gdbstub, clears
# the module's wait flag and single-steps every case from its begin marker
# through its last segment marker, writing each executed pc and its
# disassembly as JSON to $ANNOT_TRACE. QEMU masks interrupts while
# single-stepping, so the steps are the case's own instructions.
import json
import os
import re

import gdb  # pylint: disable=import-error

env = os.environ
begin, mark, end, wait = (int(env["ANNOT_" + k], 16) for k in ("BEGIN", "MARK", "END", "WAIT"))
gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("target remote 127.0.0.1:" + env["ANNOT_PORT"])
arch = gdb.selected_frame().architecture()
arg0 = env["ANNOT_ARG0"]  # arches.tsv: the register of the first argument
gdb.execute(f"break *{begin:#x}")
gdb.execute(f"break *{end:#x}")
gdb.execute(f"set var *(int *){wait:#x} = 0")
# A load-exclusive/store-exclusive (LL/SC) loop cannot be traced this way:
# under QEMU 7.2's gdbstub the step after a store-exclusive never returns
# (measured on arm64 6.1 without LSE). Stop with the reason instead of
# hanging until the boot's timeout.
LOAD_EXCL = re.compile(r"^ld(a)?x[rp][bh]?$")  # arm64's; other arches' LL/SC not tried


def check_traceable(pc):
    asm = arch.disassemble(pc)[0]["asm"]
    if LOAD_EXCL.match(asm.split(None, 1)[0] if asm.strip() else ""):
        raise gdb.GdbError(f"{pc:#x}: {asm}: a load-exclusive (LL/SC loop) cannot be single-stepped "
                           "through QEMU's gdbstub; build the kernel with LSE atomics "
                           "(configs/arm64.config) or trace another case")
    return asm


cases = []
while True:
    gdb.execute("continue")
    pc = int(gdb.parse_and_eval("$pc")) & (2**64 - 1)
    if pc == end:
        break
    segs = int(gdb.parse_and_eval(arg0))
    seen, steps = 0, []
    while True:
        gdb.execute("stepi", to_string=True)
        pc = int(gdb.parse_and_eval("$pc")) & (2**64 - 1)
        asm = check_traceable(pc)
        if pc == mark:
            seen += 1
            if seen == segs:
                break
            steps.append([])
        if seen:
            steps[-1].append([pc, asm])
    cases.append(steps)
with open(env["ANNOT_TRACE"], "w", encoding="utf-8") as f:
    json.dump(cases, f)
gdb.execute("delete")
gdb.execute("detach")
