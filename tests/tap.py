"""KTAP out of a test module's checks, the one writer of tests/: make
check's tally reads it with the kernel's parser (irqbench/ktap.py)."""


def report(checks):
    """CHECKS: [(ok, description[, detail])]; a detail, where given, is
    printed as a diagnostic under its check. Returns the exit status: 0
    when every check passed."""
    print(f"TAP version 13\n1..{len(checks)}")
    for i, (ok, what, *detail) in enumerate(checks, 1):
        print(f"{'ok' if ok else 'not ok'} {i} {what}")
        if detail and detail[0]:
            print(f"# {detail[0]}")
    return 0 if all(c[0] for c in checks) else 1
