"""The verdict on a guest's console, for a direct boot (boot.sh) and a LAVA
job (irqbench/lava/) alike.

    python3 -m irqbench.console splat LOG     exit 1: the kernel reported a fault
    python3 -m irqbench.console markers LOG   exit 1: /init never ran, or the
                                              guest did not end with rc=0

A boot passes only when the console holds no panic, oops, BUG, WARN, lockdep
report, soft lockup or RCU stall outside the region the module's provoke
file asks for on purpose (kmod-bench/provoke.c: a report between its two
markers is the selftest's to judge; an unterminated region is kept), and
when the guest reached /init and printed its end marker with rc=0. The
reason goes to stdout, one line.
"""
import re
import sys

SPLAT = re.compile(r"Kernel panic|BUG:|WARNING:|Oops|Call Trace:|possible recursive locking|"
                   r"circular locking|inconsistent lock state|soft lockup|hard LOCKUP|"
                   r"rcu_.*stall|RCU stall|sleeping function called from invalid context|"
                   r"scheduling while atomic")
# Lines that match the splat words but report the emulated machine, not a
# kernel fault: QEMU's pseries NVRAM is blank when VOF (not SLOF) boots the
# guest, and the kernel's partition scan says so with a "WARNING:".
BENIGN = ("WARNING: nvram corruption detected: 0-length partition",)
PROVOKE_BEGIN = "provoke lock_with: expected report begins"
PROVOKE_END = "provoke lock_with: expected report ends"
HELLO = "@@IRQBENCH HELLO@@"
DONE = re.compile(r"@@IRQBENCH DONE rc=[0-9]*@@")


def unasked(lines):
    """The console without the provoke region."""
    kept, held, inside = [], [], False
    for line in lines:
        if PROVOKE_BEGIN in line:
            inside, held = True, []
        elif PROVOKE_END in line:
            inside = False
        else:
            (held if inside else kept).append(line)
    return kept + (held if inside else [])


def splat(lines):
    """The first kernel report outside the provoke region, as a reason, or None."""
    for line in unasked(lines):
        if SPLAT.search(line) and not any(b in line for b in BENIGN):
            return f"kernel reported: {line.strip()}"
    return None


def markers(lines):
    if not any(HELLO in line for line in lines):
        return "never reached /init"
    done = [m.group(0) for line in lines for m in [DONE.search(line)] if m]
    if not done:
        return "no end marker (crashed or rebooted early)"
    if done[0] != "@@IRQBENCH DONE rc=0@@":
        return f"guest run failed: {done[0].strip('@')}"
    return None


def judge(lines):
    """None for a good console, else the first reason."""
    return splat(lines) or markers(lines)


def main(argv):
    if len(argv) != 2 or argv[0] not in ("splat", "markers"):
        print(__doc__, file=sys.stderr)
        return 3
    with open(argv[1], encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    reason = (splat if argv[0] == "splat" else markers)(lines)
    if reason:
        print(reason)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
