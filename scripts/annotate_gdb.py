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
gdb.execute("set endian " + env["ANNOT_ENDIAN"])  # arches.tsv: the gdbstub does not say
gdb.execute("target remote 127.0.0.1:" + env["ANNOT_PORT"])
arch = gdb.selected_inferior().architecture()  # no frame needed (s390x has none unwound at a bare pc)
arg0 = env["ANNOT_ARG0"]  # arches.tsv: the register of the first argument


def local_entry(addr):
    """ppc64le ELFv2: a function that sets up r2 has a local entry 8 bytes in,
    where calls within the module arrive; a breakpoint on the global entry
    is never hit (measured: the guest ran to its end)."""
    asm = arch.disassemble(addr)[0]["asm"]
    return addr + 8 if re.match(r"^(ld\s+r2,-8\(r12\)|addis\s+r2,r12,)", asm) else addr


begin, mark, end = (local_entry(a) for a in (begin, mark, end))
gdb.execute(f"break *{begin:#x}")
gdb.execute(f"break *{end:#x}")
gdb.execute(f"set var *(int *){wait:#x} = 0")
# A load-exclusive/store-exclusive (LL/SC) loop cannot be traced this way:
# under QEMU 7.2's gdbstub the step after a store-exclusive never returns
# (measured on arm64 6.1 without LSE). Stop with the reason instead of
# hanging until the boot's timeout.
LOAD_EXCL = re.compile(r"^ld(a)?x[rp][bh]?$")  # arm64's; other arches' LL/SC not tried
# riscv64: the step over a `csrs sstatus` that sets SIE (interrupts back on)
# never returns either (measured on 7.3, QEMU 7.2: QEMU at 100 %, no stop).
RISCV_SIE_ON = re.compile(r"^csrs(i?)\s+sstatus,\s*(\w+)$")


# far above any case's operations (a depth-16 case is a few thousand)
MAX_STEPS = 50000


def check_traceable(pc):
    asm = arch.disassemble(pc)[0]["asm"]
    if LOAD_EXCL.match(asm.split(None, 1)[0] if asm.strip() else ""):
        raise gdb.GdbError(f"{pc:#x}: {asm}: a load-exclusive (LL/SC loop) cannot be single-stepped "
                           "through QEMU's gdbstub; build the kernel with LSE atomics "
                           "(configs/arm64.config) or trace another case")
    m = RISCV_SIE_ON.match(asm.strip())
    if m and (int(m.group(2), 0) if m.group(1) else
              0 if m.group(2) == "zero" else int(gdb.parse_and_eval("$" + m.group(2)))) & 2:
        raise gdb.GdbError(f"{pc:#x}: {asm}: QEMU's gdbstub does not return from a step that turns "
                           "riscv64 interrupts back on; trace a case that leaves them off")
    return asm


cases = []
while True:
    gdb.execute("continue")
    pc = int(gdb.parse_and_eval("$pc")) & (2**64 - 1)
    if pc == end:
        break
    segs = int(gdb.parse_and_eval(arg0))
    seen, steps, n = 0, [], 0
    while True:
        n += 1
        if n > MAX_STEPS:
            raise gdb.GdbError(f"case {len(cases) + 1}: over {MAX_STEPS} steps without reaching its "
                               f"end marker, now at {pc:#x}: the steps above show where it went")
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
