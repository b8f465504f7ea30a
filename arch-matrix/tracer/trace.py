#!/usr/bin/env python3
"""trace.py: the irqtrace plugin's QEMU log as annotate's per-case trace.

  trace.py entries ARCH MODULE BEGIN MARK END
      prints the addresses where calls from inside the module enter the
      three marker functions (BEGIN, MARK and END: where they are loaded,
      hex): on ppc64le a function that sets up its TOC pointer is entered
      8 (or 4) bytes in, at its ELF local entry; elsewhere at its start.
  trace.py convert ARCH QEMU_LOG BEGIN MARK END NCASES OUT_JSON
      BEGIN, MARK, END as `entries` printed them. Writes OUT_JSON: per case
      (the window from one entry to BEGIN to the next), its segments, each
      from one entry to MARK to the next, as [pc, disassembly] per executed
      instruction: the format irqbench/annotate.py reads. The disassembly is
      objdump's of the bytes the guest executed (after the kernel patched
      its code at boot), not of the files.

Exit codes: 0 done; 1 usage or a broken log; 4 QEMU took an interrupt or
exception inside a segment (the message names the case, the segment and
the first log line of the event): a trace must hold the case's own
instructions only, and the guest's timing differs from boot to boot, so
annotate.sh boots again.
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from irqbench.tables import ARCHES  # noqa: E402 pylint: disable=wrong-import-position


class TraceError(Exception):
    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code


def cross(arch):
    return ARCHES[arch]["cross"]


def local_entries(arch, module, names):
    """{name: offset of its local entry} from readelf (ppc64 ELFv2 st_other)."""
    out = subprocess.run([cross(arch) + "readelf", "-sW", module], check=True,
                         capture_output=True, text=True).stdout
    offs = {}
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[-1] in names:
            m = re.search(r"\[<localentry>: (\d+)\]", line)
            offs[parts[-1]] = int(m.group(1)) if m else 0
    missing = set(names) - set(offs)
    if missing:
        raise TraceError(1, f"{module} has no symbol {', '.join(sorted(missing))}")
    return offs


def elf_object(arch, runs):
    """A relocatable ELF64 with one executable section per (address, bytes)
    run, each at its address, for objdump -d."""
    # e_machine, ELF data (1 little, 2 big) and e_flags: arches.tsv's
    a = ARCHES[arch]
    machine, flags = int(a["elf_machine"]), int(a["elf_flags"], 0)
    data = 2 if a["endian"] == "big" else 1
    e = ">" if data == 2 else "<"
    names = b"\0.shstrtab\0" + b"".join(b".r%d\0" % i for i in range(len(runs)))
    body, offs = b"", []
    for _, code in runs:
        offs.append(64 + len(body))
        body += code
    shstr = 64 + len(body)
    body += names
    shoff = (64 + len(body) + 7) & ~7
    body += b"\0" * (shoff - 64 - len(body))
    ident = b"\x7fELF" + bytes([2, data, 1, 0]) + b"\0" * 8
    hdr = ident + struct.pack(e + "HHIQQQIHHHHHH", 1, machine, 1, 0, 0, shoff, flags,
                              64, 0, 0, 64, len(runs) + 2, 1)
    sh = b"\0" * 64 + struct.pack(e + "IIQQQQIIQQ", 1, 3, 0, 0, shstr, len(names), 0, 0, 1, 0)
    name = len(b"\0.shstrtab\0")
    for i, ((addr, code), off) in enumerate(zip(runs, offs)):
        # SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR
        sh += struct.pack(e + "IIQQQQIIQQ", name, 1, 6, addr, off, len(code), 0, 0, 1, 0)
        name += len(b".r%d\0" % i)
    return hdr + body + sh


def disassemble(arch, insns):
    """{pc: objdump's text} of {pc: bytes}, one objdump for all of them."""
    runs = []
    for pc in sorted(insns):
        if runs and runs[-1][0] + len(runs[-1][1]) == pc:
            runs[-1][1] += insns[pc]
        else:
            runs.append([pc, bytearray(insns[pc])])
    with tempfile.NamedTemporaryFile(suffix=".o") as f:
        f.write(elf_object(arch, [(a, bytes(c)) for a, c in runs]))
        f.flush()
        out = subprocess.run([cross(arch) + "objdump", "-d", "--insn-width=16", f.name],
                             check=True, capture_output=True, text=True).stdout
    text = {}
    for m in re.finditer(r"^\s*([0-9a-f]+):\t[0-9a-f ]+\t(.*)$", out, re.M):
        text[int(m.group(1), 16)] = m.group(2).strip()
    for pc in insns:
        if pc not in text:
            raise TraceError(1, f"objdump did not decode the executed instruction at {pc:#x}")
    return text


def read_log(path):
    """The window of the log: ([(pc, bytes)] per executed instruction,
    [(instruction index, first line)] of what QEMU logged in between)."""
    blocks, runs = {}, []
    state = "before"
    event = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("irqtrace: error"):
                raise TraceError(1, f"the plugin reported: {line[len('irqtrace: '):]}")
            if state == "before":
                state = "in" if line == "irqtrace: start" else state
                continue
            if line == "irqtrace: stop":
                state = "after"
                break
            if line.startswith("irqtrace: D "):
                parts = line.split()
                blocks[parts[2]] = [(int(p, 16), bytes.fromhex(b))
                                    for p, b in (it.split(":") for it in parts[3:])]
                event = None
            elif line.startswith("irqtrace: T "):
                runs.append(line.split()[2])
                event = None
            elif event is None:
                # an interrupt or exception: its first line (x86 adds a
                # register dump, which belongs to the same event)
                event = line
                runs.append((event,))
    if state == "before":
        raise TraceError(1, "the plugin never saw the guest enter the begin marker")
    if state == "in":
        raise TraceError(1, "the log ends inside the window (the guest or QEMU stopped early)")
    # QEMU 7.2 on x86: an instruction that crosses into the next page after
    # the first of a block is translated again as the next block's first,
    # but the block it was abandoned from still lists it, with only the
    # bytes read before the crossing (measured: 74 of the 74 52 at a
    # page's last byte; 48 0f a3 05 of a 7-byte bt 5 bytes before the
    # end). Such a last instruction never runs in that block.
    longest = {}
    for insns in blocks.values():
        for pc, code in insns:
            if len(code) > len(longest.get(pc, b"")):
                longest[pc] = code
    for insns in blocks.values():
        pc, code = insns[-1]
        full = longest[pc]
        if pc % 4096 + len(full) > 4096 and full != code and full.startswith(code):
            insns.pop()
    stream, events = [], []
    for r in runs:
        if isinstance(r, tuple):
            events.append((len(stream), r[0]))
        else:
            stream.extend(blocks[r])
    return stream, events


def convert(arch, log, begin, mark, end, ncases):
    stream, events = read_log(log)
    # case k: the instructions between its first and last entry to MARK
    cases, seg_starts = [], []
    for i, (pc, _) in enumerate(stream):
        if pc == begin:
            cases.append([])
            seg_starts.append([])
        elif pc == mark and cases:
            seg_starts[-1].append(i)
        elif pc == end:
            break
    if len(cases) != ncases:
        raise TraceError(1, f"{ncases} cases requested, the log holds {len(cases)}")
    for k, starts in enumerate(seg_starts):
        if len(starts) < 2:
            raise TraceError(1, f"case {k + 1}: {len(starts)} entries to the mark function")
        for at, line in events:
            if starts[0] <= at < starts[-1]:
                seg = max(j for j, s in enumerate(starts) if s <= at)
                pc = stream[at - 1][0] if at else 0
                raise TraceError(4, f"case {k + 1}: QEMU took an interrupt or exception inside "
                                    f"segment {seg} (after pc {pc:#x}): {line.strip()}")
        cases[k] = [stream[a:b] for a, b in zip(starts, starts[1:])]
    insns = {}
    for segs in cases:
        for seg in segs:
            for pc, code in seg:
                if insns.setdefault(pc, code) != code:
                    raise TraceError(1, f"the code at {pc:#x} changed inside the window")
    text = disassemble(arch, insns)
    return [[[[pc, text[pc]] for pc, _ in seg] for seg in segs] for segs in cases]


def main(argv):
    try:
        if len(argv) == 7 and argv[1] == "entries":
            arch, module = argv[2], argv[3]
            names = ["irqb_annot_begin", "irqb_annot_mark", "irqb_annot_end"]
            offs = local_entries(arch, module, names)
            print(" ".join(f"{int(a, 16) + offs[n]:x}" for n, a in zip(names, argv[4:7])))
            return 0
        if len(argv) == 9 and argv[1] == "convert":
            arch, log, out = argv[2], argv[3], argv[8]
            begin, mark, end = (int(a, 16) for a in argv[4:7])
            cases = convert(arch, log, begin, mark, end, int(argv[7]))
            with open(out, "w", encoding="utf-8") as f:
                json.dump(cases, f)
            return 0
    except TraceError as e:
        print(f"trace: {e}", file=sys.stderr)
        return e.code
    except (OSError, subprocess.CalledProcessError, ValueError, KeyError) as e:
        print(f"trace: {e}", file=sys.stderr)
        return 1
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
