"""One operation's executed instructions per case, from the tracer's log.

    python3 -m irqbench.annotate analyse OUT_DIR CELL [RECORDS]
    python3 -m irqbench.annotate run-of CELL
    python3 -m irqbench.annotate cases RECORDS
    python3 -m irqbench.annotate pack OUT_DIR CELL RUN_DIR

analyse reads OUT_DIR/CELL.trace.json (arch-matrix/tracer/trace.py: per
case, the pcs and disassembly of the once and twice batches with n = 1 and
n = 2 and, for a hazard case entered on, the same for the put-back) and
OUT_DIR/CELL.annotate.meta. The length of one operation is the growth of
twice minus once from n = 1 to n = 2 (minus the put-back's), exactly what
tcg-icount measures per iteration; the listed instructions are the part of
the n = 1 twice trace the once trace lacks (difflib aligns them by pc).
Writes OUT_DIR/<case>.<cell>.txt and .json with symbol+offset (vmlinux's
and the module's ELF symbols), a class per instruction and totals per
class, and checks every traced pc against objdump's listing of its
function. With RECORDS (a tcg-icount run's <cell>.csv.gz) it compares each
length with the case's p50 and exits 1 on a mismatch. Exit codes: 0 clean,
1 mismatch, 2 incomplete, 3 usage/data.

run-of prints the newest stored tcg-icount run of the current irqbench
(method identity) that has CELL (exit 2: none); cases the cases make
annotate-results traces in a cell (TRACED, those its records have); pack
puts the cell's analyses into RUN_DIR/annotate/traces.json.gz, which the
store reads (the other cells' stay).
"""
import bisect
import difflib
import glob
import gzip
import json
import os
import re
import subprocess
import sys

from . import cli, identity, runfiles
from .case import cell_arch
from .case import name as case_of
from .tables import ARCHES

# One class per instruction, the first that applies:
#   irqflag  the interrupt flag: x86 pushf/popf/cli/sti; arm64 DAIF/PMR
#            (mrs/msr); riscv64 csr* on sstatus (SIE); ppc64le mtmsrd/
#            wrteei/mfmsr and the paca's soft mask (irq_soft_mask,
#            irq_happened: Book3S masks lazily); s390x stnsm/stosm/ssm
#   atomic   x86 lock-prefixed and xchg with memory; arm64 exclusives and
#            LSE; riscv64 lr/sc/amo*; ppc64le l*arx/st*cx.; s390x cs*/la*
#            interlocked updates other than of the preempt count
#   barrier  x86 m/l/sfence; arm64 dmb/dsb/isb; riscv64 fence*; ppc64le
#            sync/lwsync/isync/eieio; s390x bcr 14,0 / bcr 15,0
#   preempt  the preempt count: x86 %gs:__preempt_count; arm64 sp_el0 and
#            thread_info.preempt_count; riscv64 thread_info.preempt_count
#            off tp; ppc64le the paca's current and thread_info's first
#            word through it; s390x the lowcore's preempt_count (also when
#            updated with laag)
#   percpu   per-CPU data: x86 other %gs accesses; arm64 tpidr and what is
#            addressed through it; riscv64 from thread_info.cpu through
#            __per_cpu_offset to the access; ppc64le other paca fields and
#            accesses through its data_offset; s390x other lowcore fields
#            and accesses through its percpu_offset
#   branch   calls, returns, jumps
#   other    the rest
CLASSES = ("irqflag", "atomic", "barrier", "preempt", "percpu", "branch", "other")


def symbols(path, nm, base=0, sizes=None):
    """Sorted (address, name) of the text symbols of an ELF file; with
    @sizes (a dict), their sizes by address where nm gives one."""
    out = subprocess.run([nm, "-nS", path], check=True, capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        size = None
        if len(parts) == 4:
            size = int(parts[1], 16)
            parts = [parts[0]] + parts[2:]
        # arm64's $x/$d mapping symbols name no function
        if len(parts) == 3 and parts[1] in "tTwW" and not parts[2].startswith("$"):
            syms.append((int(parts[0], 16) + base, parts[2]))
            if sizes is not None and size:
                sizes[int(parts[0], 16) + base] = size
    return sorted(syms)


def data_symbols(path, nm):
    out = subprocess.run([nm, "-n", path], check=True, capture_output=True, text=True).stdout
    return {int(p[0], 16): p[2] for p in (l.split() for l in out.splitlines())
            if len(p) == 3 and p[1] in "dDbB"}


class Symbolizer:
    """Names a pc by the symbol that holds it: a symbol ends at its ELF
    size, or else where the next one starts. A pc past every size is in
    no function of either file (ppc64le: the call stubs the module loader
    writes beside the module's text)."""

    def __init__(self, tables, sizes=None):
        self.syms = sorted(s for t in tables for s in t)
        self.addrs = [a for a, _ in self.syms]
        self.sizes = sizes or {}

    def end(self, pc):
        """Where the symbol holding @pc ends."""
        i = bisect.bisect_right(self.addrs, pc)
        nxt = self.addrs[i] if i < len(self.addrs) else pc + 4096
        start = self.addrs[i - 1] if i else None
        return min(nxt, start + self.sizes[start]) if start in self.sizes else nxt

    def at(self, pc):
        i = bisect.bisect_right(self.addrs, pc) - 1
        if i < 0:
            return None, 0
        start, name = self.syms[i]
        if start in self.sizes and pc >= start + self.sizes[start]:
            return None, 0
        return name, pc - start


X86_BRANCH = re.compile(r"^(call|ret|jmp|j[a-z]+|loop)\b")
ARM_BRANCH = re.compile(r"^(b|bl|blr|br|ret|cbn?z|tbn?z|b\.[a-z]+)\b")
ARM_ATOMIC = re.compile(r"^(ld[a]?xr[bh]?|st[l]?xr[bh]?|ld[a]?xp|st[l]?xp|cas[a-z]*|swp[a-z]*"
                        r"|ld(add|clr|eor|set|smax|smin|umax|umin)[a-z]*"
                        r"|st(add|clr|eor|set|smax|smin|umax|umin)[a-z]*)\b")


RV_BRANCH = re.compile(r"^(c\.)?(j|jal|jalr|jr|ret|call|tail|b(eq|ne|lt|ge|gt|le)u?z?)$")
PPC_BRANCH = re.compile(r"^(b|bl|ba|bla|blr|blrl|bctr|bctrl|b[a-z]*[+-]?)$")
S390_BRANCH = re.compile(r"^(br|basr|bras|brasl|brc|brcl|brct|brctg|brxh|brxle|j[a-z]*|b[a-z]*r?|cg?[ri]?j[a-z]*|clg?[ri]?j[a-z]*)$")


def asm_offsets(path):
    """{name: value} of the kernel build's include/generated/asm-offsets.h."""
    out = {}
    try:
        for line in open(path, encoding="utf-8"):
            m = re.match(r"#define (\w+) (-?\d+)", line)
            if m:
                out[m.group(1)] = int(m.group(2))
    except OSError:
        pass
    return out


# Per-CPU addressing, followed through registers on riscv64, ppc64le and
# s390x: a register holds the CPU number ("cpu"), an index derived from it
# ("idx"), a CPU's per-CPU offset ("off") or an address made from one
# ("ptr"); an instruction that reads such a register is per-CPU, and a
# load through a cpu/idx address yields an offset (__per_cpu_offset[cpu])
# while one through an off/ptr address yields plain data.
PERCPU_STATES = ("cpu", "idx", "off", "ptr")
# s390x: struct lowcore's preempt_count (0x3a8, 8 bytes: need_resched and
# count) in 6.1 to 7.3; asm-offsets does not export it, but does export
# percpu_offset, two fields after it, which must then be at 0x3b8
S390_LC_PREEMPT = 0x3A8
# ppc64le: struct paca_struct's data_offset (the per-CPU offset) follows
# emergency_sp; asm-offsets exports only the latter
PPC_THREAD_PREEMPT = 0  # struct thread_info's first member (task_struct's first)
S390_LOWCORE_SIZE = 8192
# s390x storage-immediate forms, whose bare first operand is a storage
# address (agsi 936,1: the lowcore's preempt count), and the
# register-immediate forms, whose bare last operand is a number
S390_SI_OPS = {"agsi", "asi", "alsi", "algsi", "mvhhi", "mvhi", "mvghi", "mvi", "mviy", "tm", "tmy",
               "cli", "cliy", "ni", "niy", "oi", "oiy", "xi", "xiy", "clhhsi", "clfhsi", "clghsi",
               "chhsi", "chsi", "cghsi", "stnsm", "stosm"}
S390_IMMEDIATE = re.compile(r"^([a-z]*h?ik?|[a-z]*fi|ll[ih][lh][hlf]|ll[ih]f|ii[hl][lhf]|[nox]i[hl][lhf]|tm[hl][hl]|niai"
                            r"|.*rl|s[rl][la]g?k?|rllg?|r[inox]sbg[a-z]*)$")


class Classifier:
    """A class per instruction; arm64 follows registers loaded from
    tpidr/sp_el0, riscv64, ppc64le and s390x follow per-CPU addressing
    (PERCPU_STATES) and, on ppc64le and s390x, the registers that hold
    current or the lowcore."""

    def __init__(self, arch, vmlinux_data, offsets=None):
        self.arch = arch
        self.data = vmlinux_data
        self.off = offsets or {}
        self.tp, self.cur = set(), set()
        self.reg = {}  # riscv64/ppc64le/s390x: register -> state
        if arch == "s390x" and self.off.get("__LC_PERCPU_OFFSET", 0x3B8) != 0x3B8:
            raise ValueError("s390x lowcore layout changed: __LC_PERCPU_OFFSET is "
                             f"{self.off['__LC_PERCPU_OFFSET']:#x}, not 0x3b8; check S390_LC_PREEMPT")

    def __call__(self, asm):
        a = asm.strip()
        op = a.split()[0] if a else ""
        return getattr(self, {"x86_64": "x86", "arm64": "arm64", "riscv64": "riscv",
                              "ppc64le": "ppc", "s390x": "s390"}[self.arch])(a, op)

    def _flow(self, dst, srcs, mem_base=None, load=False, keep=False):
        """Per-CPU state through one instruction: True when it is per-CPU.
        @srcs: registers read as values; @mem_base: registers forming a
        memory address; @keep: a register copy (mv/mr/lgr)."""
        st = [self.reg.get(r) for r in srcs if self.reg.get(r) in PERCPU_STATES]
        mst = [self.reg.get(r) for r in (mem_base or []) if self.reg.get(r) in PERCPU_STATES]
        new = None
        if mst:
            new = "off" if load and any(x in ("cpu", "idx") for x in mst) else None
        elif st:
            new = st[0] if keep else ("idx" if any(x in ("cpu", "idx") for x in st) else "ptr")
        if dst:
            if new:
                self.reg[dst] = new
            elif self.reg.get(dst) in PERCPU_STATES or not keep:
                self.reg.pop(dst, None)
        return bool(st or mst)

    def riscv(self, a, op):
        # sstatus.SIE is the interrupt flag: csrrc/csrrs/csrc/csrs (and
        # their immediate forms) on sstatus
        if op.startswith("csr") and "sstatus" in a:
            return "irqflag"
        if op.startswith(("lr.", "sc.", "amo")):
            return "atomic"
        if op.startswith("fence"):
            return "barrier"
        ops = [o.strip() for o in a[len(op):].split("#")[0].split(",") if o.strip()]
        is_load = op in ("lb", "lh", "lw", "ld", "lbu", "lhu", "lwu")
        is_store = op in ("sb", "sh", "sw", "sd")
        mem = re.match(r"^(-?\d+)?\((\w+)\)$", ops[-1] if ops else "")
        # tp is current: thread_info.preempt_count is the preempt count,
        # thread_info.cpu the CPU number per-CPU addresses start from
        if mem and mem.group(2) == "tp":
            disp = int(mem.group(1) or 0)
            if is_load:
                self.reg.pop(ops[0], None)
            if disp == self.off.get("TASK_TI_PREEMPT_COUNT"):
                return "preempt"
            if disp == self.off.get("TASK_TI_CPU"):
                if is_load:
                    self.reg[ops[0]] = "cpu"
                return "percpu"
            return "other"
        if RV_BRANCH.match(op):
            return "branch"
        if is_load or is_store:
            dst, srcs = (ops[0], []) if is_load else (None, ops[:1])
            hit = self._flow(dst, srcs, [mem.group(2)] if mem else [], load=is_load)
        else:
            dst = ops[0] if ops else None
            hit = self._flow(dst, ops[1:], keep=op == "mv")
        return "percpu" if hit else "other"

    def ppc(self, a, op):
        ops = [o.strip() for o in a[len(op):].split(",") if o.strip()]
        mem = re.match(r"^(-?\d+)\((r\d+)\)$", ops[1]) if len(ops) == 2 else None
        paca = mem and (mem.group(2) == "r13" or self.reg.get(mem.group(2)) == "paca")
        disp = int(mem.group(1)) if mem else None
        # 64-bit Book3S masks lazily: local_irq_save() stores to the paca's
        # irq_soft_mask byte (r13 is the paca), the hardware MSR[EE] is only
        # touched by mtmsrd/wrteei when an interrupt was held back
        if op in ("mtmsrd", "mtmsr", "wrtee", "wrteei", "mfmsr"):
            return "irqflag"
        if paca and disp in (self.off.get("PACAIRQSOFTMASK"), self.off.get("PACAIRQHAPPENED")):
            return "irqflag"
        if op.rstrip(".") in ("lwarx", "ldarx", "lbarx", "lharx", "stwcx", "stdcx", "stbcx", "sthcx"):
            return "atomic"
        if op in ("sync", "lwsync", "isync", "hwsync", "eieio"):
            return "barrier"
        is_store = op.startswith("st")
        is_load = op.startswith("l") and op not in ("li", "lis") and (mem or op.endswith("x"))
        if paca:
            # the paca is the CPU's own: current (the way to the preempt
            # count), the per-CPU offset, and other per-CPU fields
            if disp == self.off.get("PACACURRENT") and op == "ld":
                self.reg[ops[0]] = "cur"
                return "preempt"
            data_off = self.off.get("PACAEMERGSP", 40) + 8
            if is_load:
                self.reg[ops[0]] = "off" if disp == data_off and op == "ld" else None
            return "percpu"
        if mem and self.reg.get(mem.group(2)) == "cur" and disp == PPC_THREAD_PREEMPT:
            if is_load:
                self.reg.pop(ops[0], None)
            return "preempt"
        if PPC_BRANCH.match(op):
            return "branch"
        if op in ("mr", "mr.") and len(ops) == 2 and ops[1] == "r13":
            self.reg[ops[0]] = "paca"
            return "percpu"
        if is_load or is_store:
            base = [mem.group(2)] if mem else ops[1:3]  # D-form, or X-form rA, rB
            hit = self._flow(ops[0] if is_load else None, [] if is_load else ops[:1], base, load=bool(is_load))
        elif op.startswith(("cmp", "mt")):  # no register written (mtctr reads its operand)
            hit = self._flow(None, ops)
        else:
            dst = ops[0] if ops else None
            if dst and self.reg.get(dst) in ("cur", "paca"):
                self.reg.pop(dst)
            hit = self._flow(dst, ops[1:], keep=op in ("mr", "mr."))
        return "percpu" if hit else "other"

    def s390(self, a, op):
        # PSW mask bits: stnsm (and with, storing the old), stosm (or with), ssm (set)
        if op in ("stnsm", "stosm", "ssm"):
            return "irqflag"
        ops = [o.strip() for o in re.split(r",(?![^()]*\))", a[len(op):]) if o.strip()]
        # the storage operand, D(X,B)/D(B)/D(L,B) or a bare D (absolute):
        # its lowcore offset (the lowcore sits at 0: a bare D, or a base
        # register that holds a lowcore address) and its registers
        lc, mregs = None, []
        for i, o in enumerate(ops):
            m = re.match(r"^(-?\d+)(?:\(([^)]*)\))?$", o)
            bare = m and m.group(2) is None
            if not m or (bare and not ((i == 0 and op in S390_SI_OPS) or
                                       (i == len(ops) - 1 and i > 0 and ops[0].startswith("%r")
                                        and not S390_IMMEDIATE.match(op)))):
                continue
            regs = [r.strip() for r in (m.group(2) or "").split(",") if r.strip() not in ("", "%r0")]
            regs = [r for r in regs if r.startswith("%r")]
            if not regs:
                lc = int(m.group(1))
            elif len(regs) == 1 and isinstance(self.reg.get(regs[0]), tuple):
                lc = self.reg[regs[0]][1] + int(m.group(1))
            mregs = regs
            break
        on_preempt = lc is not None and S390_LC_PREEMPT <= lc < S390_LC_PREEMPT + 8
        # interlocked updates of the CPU's own preempt count are the
        # preempt count's (as x86's xadd on %gs is), others are atomics
        if op in ("cs", "csy", "csg", "cds", "cdsg", "laa", "laag", "lan", "lang", "lao", "laog",
                  "lax", "laxg", "laal", "laalg") and not on_preempt:
            return "atomic"
        # bcr 14,0 / bcr 15,0: serialization
        if op == "bcr" and re.match(r"bcr\s+1[45],\s*%?r?0$", a):
            return "barrier"
        writes = ops and ops[0].startswith("%r") and not op.startswith(("st", "mv", "c", "tm", "cl"))
        dst = ops[0] if writes else None
        # the lowcore's address in a register: lghi rX,0, or llilh rX,7
        # (the lowcore relocated to 0x70000), moved on by aghi
        # (lghi also zeroes a register: other, until the address is used)
        if (op, ops[1:]) in (("lghi", ["0"]), ("llilh", ["7"])):
            self.reg[dst] = ("lc", 0)
            return "other"
        if op == "aghi" and isinstance(self.reg.get(dst), tuple):
            self.reg[dst] = ("lc", self.reg[dst][1] + int(ops[1]))
            return "preempt" if S390_LC_PREEMPT <= self.reg[dst][1] < S390_LC_PREEMPT + 8 else "percpu"
        if lc is not None and lc < S390_LOWCORE_SIZE:
            if dst and lc == self.off.get("__LC_PERCPU_OFFSET", 0x3B8):
                # lg loads the per-CPU offset, ag adds it to an address
                self.reg[dst] = "off" if op.startswith("l") else "ptr"
            elif dst:
                self.reg.pop(dst, None)
            return "preempt" if on_preempt else "percpu"
        if S390_BRANCH.match(op):
            return "branch"
        regs = [o for o in ops if re.match(r"^%r\d+$", o)]
        if dst and isinstance(self.reg.get(dst), tuple):
            self.reg.pop(dst)
        if mregs and op in ("la", "lay"):
            hit = self._flow(dst, mregs)  # an address computed, no access
        elif mregs:
            hit = self._flow(dst, [] if op.startswith("l") else regs, mregs, load=op.startswith("l"))
        else:
            # RR and RI forms: a load (lgr, lghi, larl...) reads only its
            # second operand; the others (agr, ar...) read both
            loads = op.startswith("l") and not op.startswith(("lt", "la"))
            hit = self._flow(dst, regs[1:] if loads else regs, keep=op in ("lgr", "lr"))
        return "percpu" if hit else "other"

    def x86(self, a, op):
        if op in ("pushf", "pushfq", "popf", "popfq", "cli", "sti"):
            return "irqflag"
        if op == "lock" or (op == "xchg" and "(" in a):
            return "atomic"
        if op in ("mfence", "lfence", "sfence"):
            return "barrier"
        if "%gs:" in a:
            m = re.search(r"# (0x[0-9a-f]+)", a)
            name = self.data.get(int(m.group(1), 16), "") if m else ""
            return "preempt" if "preempt_count" in name else "percpu"
        if X86_BRANCH.match(op):
            return "branch"
        return "other"

    def arm64(self, a, op):
        regs = re.findall(r"\b[xw](\d+)\b", a)
        low = a.lower()
        if op in ("mrs", "msr") and re.search(r"daif|icc_pmr_el1|s3_0_c4_c6_0", low):
            return "irqflag"
        if ARM_ATOMIC.match(op):
            return "atomic"
        if op in ("dsb", "dmb", "isb"):
            return "barrier"
        if op == "mrs" and "tpidr" in low:
            self.tp.add(regs[0])
            return "percpu"
        if op == "mrs" and "sp_el0" in low:
            self.cur.add(regs[0])
            return "preempt"
        if ARM_BRANCH.match(op):
            return "branch"
        dst, srcs = (regs[0], regs[1:]) if regs else (None, [])
        cls = "other"
        if op.startswith(("ld", "st")) and srcs and srcs[0] in self.cur and re.search(r", #(8|0x8)\]", a):
            cls = "preempt"
        elif any(r in self.tp for r in srcs):
            cls = "percpu"
            if op == "add":
                self.tp.add(dst)
        if dst and not op.startswith("st") and cls != "percpu":
            self.tp.discard(dst)
            self.cur.discard(dst)
        return cls


def objdump_starts(objdump, path, base, lo, hi):
    """Instruction starts objdump lists in [lo, hi) of a file loaded at base."""
    out = subprocess.run([objdump, "-d", f"--start-address={lo - base:#x}",
                          f"--stop-address={hi - base:#x}", path],
                         check=True, capture_output=True, text=True).stdout
    return {int(m.group(1), 16) + base for m in re.finditer(r"^\s*([0-9a-f]+):\t[0-9a-f]", out, re.M)}


def analyse(out, cell, records=None):
    try:
        meta = [l.rstrip("\n").split("=", 1) for l in open(f"{out}/{cell}.annotate.meta", encoding="utf-8")]
        traces = json.load(open(f"{out}/{cell}.trace.json", encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise cli.Fail(3, f"cannot read the trace of {cell}: {e}")
    m = dict(kv for kv in meta if kv[0] != "case")
    cases = [v for k, v in meta if k == "case"]
    if len(cases) != len(traces):
        raise cli.Fail(2, f"{cell}: {len(cases)} cases requested, {len(traces)} traced")
    arch = cell_arch(cell)
    cross = ARCHES[arch]["cross"] if arch in ARCHES else ""
    offsets = asm_offsets(m.get("asm_offsets", ""))
    nm, objdump = cross + "nm", cross + "objdump"
    modsyms = symbols(m["module"], nm)
    modsym_set = set(modsyms)
    mark_off = dict((n, a) for a, n in modsyms)["irqb_annot_mark"]
    modbase = int(m["mark"], 16) - mark_off
    # where the kernel runs relative to vmlinux's link addresses (s390x:
    # CONFIG_KERNEL_IMAGE_BASE without KASLR; elsewhere nokaslr keeps them)
    koff = int(m.get("kernel_offset", "0"), 16)
    sizes = {}
    symbols(m["module"], nm, modbase, sizes)
    vsyms = symbols(m["vmlinux"], nm, koff, sizes)
    sym = Symbolizer([vsyms, [(a + modbase, n) for a, n in modsyms]], sizes)

    def name_of(pc):
        name, off = sym.at(pc)
        if name:
            return f"{name}+{off:#x}"
        # measured: ppc64_stub_insns of arch/powerpc/kernel/module_64.c
        return "(module-call-stub)" if arch == "ppc64le" and pc >= modbase and pc - modbase < 1 << 24 else "?"
    figures = {}
    if records:
        try:
            recs = runfiles.read_records(records)
        except OSError as e:
            raise cli.Fail(3, f"cannot read the records {records}: {e}")
        figures = {case_of(r): float(r["p50"]) for r in recs if r.get("unit") == "insn"}
    vdata = data_symbols(m["vmlinux"], nm)
    try:
        Classifier(arch, vdata, offsets)
    except ValueError as e:
        raise cli.Fail(3, f"{cell}: {e}")
    rc = 0
    for case, segs in zip(cases, traces):
        if len(segs) not in (4, 8):
            raise cli.Fail(3, f"{cell} {case}: {len(segs)} trace segments, not 4 or 8")
        # once/twice with n = 1, then n = 2: one loop iteration's difference
        once, twice = segs[0], segs[1]
        length = (len(segs[3]) - len(segs[2])) - (len(twice) - len(once))
        pb = (len(segs[7]) - len(segs[6])) - (len(segs[5]) - len(segs[4])) if len(segs) == 8 else 0
        sm = difflib.SequenceMatcher(None, [p for p, _ in once], [p for p, _ in twice], autojunk=False)
        op = []
        for tag, _i1, _i2, j1, j2 in sm.get_opcodes():
            if tag in ("insert", "replace"):
                op.extend(twice[j1:j2])
        # once and twice run different loops of one function, so the pcs
        # the twice trace has beyond the once trace include loop code; the
        # per-class totals are twice minus once, exact like the length
        totals = dict.fromkeys(CLASSES, 0)
        signs = (1, -1, -1, 1) + ((-1, 1, 1, -1) if len(segs) == 8 else ())
        for sign, seg in zip(signs, segs):
            classify = Classifier(arch, vdata, offsets)
            for _, asm in seg:
                totals[classify(asm)] += sign
        classify = Classifier(arch, vdata, offsets)
        rows = []
        for pc, asm in op:
            rows.append({"pc": f"{pc:#x}", "sym": name_of(pc), "asm": asm, "class": classify(asm)})
        # static cross-check: every traced pc starts an instruction in
        # objdump; a pc in no function of either file has no listing to
        # be checked against (its live bytes decoded, trace.py)
        bad = nofunc = 0
        starts = {}
        for pc, _ in segs[3]:
            name, off = sym.at(pc)
            if not name:
                nofunc += 1
                continue
            fstart = pc - off
            if fstart not in starts:
                # by address: on arm64 the image sits above the modules, and
                # the builtin loops share their names with the module's
                in_mod = (fstart - modbase, name) in modsym_set
                path, base = (m["module"], modbase) if in_mod else (m["vmlinux"], koff)
                starts[fstart] = objdump_starts(objdump, path, base, fstart, sym.end(pc))
            bad += pc not in starts[fstart]
        figure = figures.get(case)
        verdict = "no icount figure"
        if records and figure is None:
            # asked to check against records that lack the case
            verdict = "no icount figure in the records: INCOMPLETE"
            rc = rc or 2
        if figure is not None:
            ok = length - pb == round(figure)
            verdict = f"icount p50 {figure:g}: {'match' if ok else 'MISMATCH'}"
            rc = rc or (0 if ok else 1)
        doc = {"case": case, "cell": cell, "ops_insns": length - pb, "op_with_putback": length,
               "putback": pb, "icount_p50": figure, "totals": totals, "instructions": rows,
               "objdump_mismatches": bad, "traced_pcs": len(segs[3])}
        if nofunc:
            doc["pcs_in_no_function"] = nofunc
        fname = case.replace("/", "_")
        with open(f"{out}/{fname}.{cell}.json", "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1)
        with open(f"{out}/{fname}.{cell}.txt", "w", encoding="utf-8") as f:
            f.write(f"{cell} {case}: {length - pb} instructions per operation"
                    f" (n=2 minus n=1 of twice minus once{f', minus put-back {pb}' if pb else ''}); {verdict}\n")
            f.write(f"objdump cross-check: {len(segs[3]) - bad - nofunc} of {len(segs[3])} traced pcs are instruction starts"
                    + (f"; {nofunc} in no function of vmlinux or the module" if nofunc else "") + "\n")
            for r in rows:
                f.write(f"{r['pc']}  {r['sym']:<40} {r['class']:<8} {r['asm']}\n")
            f.write("(the instructions above are the twice trace's beyond its alignment with the once trace;"
                    " totals are twice minus once)\n")
            f.write("totals: " + " ".join(f"{k}={v}" for k, v in totals.items() if v) + "\n")
        print(f"{cell} {case}: {length - pb} insns; {verdict}; "
              + " ".join(f"{k}={v}" for k, v in totals.items() if v)
              + (f"; objdump: {bad} pcs not instruction starts" if bad else "")
              + (f"; {nofunc} pcs in no function" if nofunc else ""))
        if bad:
            rc = rc or 1
    return rc


# What make annotate-results traces in each cell it explains: what the
# generated pages explain (the findings' Why, the five-arch table's module
# and builtin gaps), at depths 1 and 2, in every entry state measured.
TRACED_VARIANTS = ("counted", "lock_with", "irqsave", "interrupt_only", "spin_only")
TRACED_IMPLS = ("native", "native-builtin")
TRACED_DEPTHS = (1, 2)
# what the store keeps of an analysis: all of it but nothing else
TRACE_KEEP = ("case", "cell", "ops_insns", "op_with_putback", "putback", "icount_p50", "totals",
              "instructions", "objdump_mismatches", "traced_pcs", "pcs_in_no_function")


def traced_cases(records):
    return sorted({case_of(r) for r in records
                   if r["variant"] in TRACED_VARIANTS and r["impl"] in TRACED_IMPLS
                   and int(r["depth"]) in TRACED_DEPTHS and int(r.get("boot") or 0) <= 1})


def run_of(cell):
    """The newest run of the current irqbench with a tcg-icount CELL."""
    method = identity.of_tree()
    for d in reversed(runfiles.run_dirs()):
        meta = runfiles.load_meta(d)
        cells = {c.get("cell"): c for c in meta.get("cells", [])}
        if (cell in cells and cells[cell].get("accel") == "tcg-icount"
                and cell in runfiles.cell_files(d) and identity.of_run(meta, d) == method):
            return d
    return None


def write_traces(path, traces):
    """Compact, and byte-identical for the same traces."""
    data = json.dumps(traces, sort_keys=True, separators=(",", ":")).encode()
    tmp = path + ".tmp"
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as g:
            g.write(data)
    os.replace(tmp, path)


def pack(out, cell, run_dir):
    docs = []
    for p in sorted(glob.glob(os.path.join(out, f"*.{cell}.json"))):
        with open(p, encoding="utf-8") as f:
            d = json.load(f)
        if d.get("cell") == cell:
            docs.append({k: d[k] for k in TRACE_KEEP if k in d})
    if not docs:
        raise cli.Fail(2, f"no analysis of {cell} in {out}")
    path = os.path.join(run_dir, "annotate", "traces.json.gz")
    have = []
    if os.path.exists(path):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            have = [t for t in json.load(f) if t.get("cell") != cell]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    write_traces(path, sorted(have + docs, key=lambda t: (t["cell"], t["case"])))
    print(f"annotate: {len(docs)} traces of {cell} in {path}")
    return 0


def main(argv):
    cmd, args = (argv[0], argv[1:]) if argv else ("", [])
    if cmd == "analyse" and len(args) in (2, 3):
        return analyse(*args)
    if cmd == "run-of" and len(args) == 1:
        d = run_of(args[0])
        if not d:
            print(f"annotate: no tcg-icount run of {args[0]} by the current irqbench "
                  f"({identity.of_tree()}) under results/: make bench first", file=sys.stderr)
            return 2
        print(d)
        return 0
    if cmd == "cases" and len(args) == 1:
        print(" ".join(traced_cases(runfiles.read_records(args[0]))))
        return 0
    if cmd == "pack" and len(args) == 3:
        return pack(*args)
    raise cli.Fail(3, "usage: analyse OUT_DIR CELL [RECORDS] | run-of CELL | cases RECORDS | "
                      "pack OUT_DIR CELL RUN_DIR")


if __name__ == "__main__":
    sys.exit(cli.run("annotate", main))
