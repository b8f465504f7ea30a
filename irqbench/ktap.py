"""python3 -m irqbench.ktap KUNIT_DIR PREFIX FILE: judge a KTAP stream with the
kernel's own parser (tools/testing/kunit/kunit_parser.py) and print one
line per result for check.sh's tally: "pass|fail|skip<TAB>name".

The parser compares the plan with the results: every planned test that
never reported (a crash, an abort, a truncated log) is a failure here, and
so is a stream with no KTAP at all. Nested subtests count as their leaves.
"""
import re
import sys

# A result of the top level (nested subtests are indented).
TOP_RESULT = re.compile(r"^(ok|not ok) [0-9]+")


def leaves(test, prefix):
    if test.subtests:
        for sub in test.subtests:
            yield from leaves(sub, prefix)
    else:
        yield prefix, test


def judge(kunit_dir, prefix, path):
    sys.path.insert(0, kunit_dir)
    import kunit_parser  # pylint: disable=import-outside-toplevel
    import kunit_printer  # pylint: disable=import-outside-toplevel

    status = kunit_parser.TestStatus
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().replace("\r", "").splitlines()
    except OSError as e:
        return [("fail", f"{prefix}no KTAP stream: {e}")]
    top = kunit_parser.parse_run_tests(lines, kunit_printer.Printer(print=False))
    if top.status in (status.FAILURE_TO_PARSE_TESTS, status.NO_TESTS) or not top.subtests:
        return [("fail", f"{prefix}no KTAP results in {path}")]
    # Without a plan nothing says how many results should have come; and
    # the parser stops at the plan, so results past it would go unseen.
    if top.expected_count is None:
        return [("fail", f"{prefix}KTAP stream without a plan (1..N) in {path}")]
    top_level = sum(1 for l in lines if TOP_RESULT.match(l))
    if top_level > top.expected_count:
        return [("fail", f"{prefix}{top_level} results for a plan of {top.expected_count} in {path}")]
    out, missing = [], 0
    for pre, t in leaves(top, prefix):
        if t.status == status.SUCCESS:
            out.append(("pass", pre + t.name))
        elif t.status == status.SKIPPED:
            out.append(("skip", f"{pre}{t.name} # SKIP {t.skip_reason}".rstrip()))
        elif t.status == status.TEST_CRASHED and not t.name:
            missing += 1
        else:
            out.append(("fail", pre + (t.name or "a test with no name")
                        + (" (crashed)" if t.status == status.TEST_CRASHED else "")))
    if missing:
        out.append(("fail", f"{prefix}{missing} of {top.expected_count} planned results "
                            f"missing (crash or abort?) in {path}"))
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: ktap_judge.py KUNIT_DIR PREFIX FILE")
    for verdict, name in judge(*sys.argv[1:]):
        print(f"{verdict}\t{name}")


if __name__ == "__main__":
    main()
