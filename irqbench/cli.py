"""The host tools' one command-line shape: an argparse parser whose usage
errors exit 3, one error type that carries its exit code, and one wrapper
that turns every expected failure into one line on stderr.

Exit codes, as README and `make help` give them: 0 done, 1 a finding (a
regression, a step), 2 incomplete (nothing to judge, a run left out that
the answer needed), 3 usage or data error (bad input, a refused run, an
unreachable store). A traceback is never an answer: run() reports anything
it does not know as exit 3 with its type, and the test tables hold that
no input reaches that line.
"""
import argparse
import sys


class Fail(Exception):
    """A one-line reason and the exit code that goes with it."""

    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code
        self.msg = str(msg).removeprefix("irqbench: ")


class Refuse(Fail):
    """Bad input or data: Fail(3). cells and lava raise it and print it as
    "irqbench: error: <reason>", as the shell scripts around them do."""

    def __init__(self, msg):
        super().__init__(3, msg)


class Parser(argparse.ArgumentParser):
    """argparse, with usage errors as Fail(3) instead of exit 2 (which
    compare and the others document as "incomplete")."""

    def error(self, message):
        raise Fail(3, f"usage: {message} (--help lists the options)")


def run(prog, main, argv=None):
    """Call MAIN(argv) and return the process's exit code: MAIN's return
    value, a Fail's code with its line, or 3 with one line for a refusal
    that escaped as SystemExit(str) or as an error of the data."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        return main(argv) or 0
    except Fail as e:
        print(f"{prog}: {e.msg}", file=sys.stderr)
        return e.code
    except SystemExit as e:
        if isinstance(e.code, str):
            print(f"{prog}: {e.code.removeprefix('irqbench: ')}", file=sys.stderr)
            return 3
        return e.code if isinstance(e.code, int) else 0
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except (ValueError, KeyError, TypeError, OSError, EOFError, OverflowError) as e:
        print(f"{prog}: bad data: {type(e).__name__}: {e}", file=sys.stderr)
        return 3
