"""make results: the store from results/, then RESULTS.md, the generated
pages (docs/results/), the plots and the dashboard (plots/out/) from it.

    python3 -m irqbench.report [--check]

--check regenerates RESULTS.md and the pages it links (docs/results/*.md,
committed beside it) from the runs git tracks under results/ into a
scratch directory and compares them with the tree's: it fails (exit 1,
naming the first differing line of each) when a page holds anything those
runs do not give, a figure typed in by hand or a stale cell published, or
when the tree holds a page they do not give. A run of one's own under
results/ (make bench) is published by make results, and never judged by
--check. The plots and the dashboard (plots/out/) are build output: no
committed page links them.
"""
import difflib
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager

from .. import cli, store
from ..paths import BUILD, tree
from . import dashboard, findings, pages, plots
from .data import Current, Figures, committed, published, tracked_results


def generate(results_md, st=None, only=None, tracked=None):
    """TRACKED: the files under results/ the pages may read (None: all)."""
    only = published() if only is None else only
    cur = Current(st or store.Store(), only=only)
    figs = Figures()
    links = pages.all_pages(cur, figs, tracked)
    made = [(c, n) for c, n in [("lock() and lock_with() per arch", plots.claims_plot(cur, figs))] if n]
    # the plots and the dashboard are build output (plots/out/, not in
    # git): named as text, never linked, so every link resolves in a clone
    if made:
        links.append(f"- the two tables above drawn: {pages.plot_paths([made[0][1]])}")
    links.append("- the dashboard, the newest run against a run of the same irqbench: "
                 "`plots/out/index.html` (written by `make results`)")
    text = findings.write(cur, figs, results_md, links)
    figs.dump(os.path.join(os.path.dirname(os.path.abspath(results_md)), "figures.json")
              if os.environ.get("IRQBENCH_RESULTS_MD") else os.path.join(pages.out_dir(), "figures.json"))
    latest, base = dashboard.write(cur.st, made, only=only)
    return cur, text, latest, base


@contextmanager
def environ(**values):
    """os.environ with VALUES set for the block, as it was after."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextmanager
def scratch():
    """A directory of this build's own under build/, removed at the end:
    two builds at once never share a scratch file (plots.py's data
    blocks, IRQBENCH_PLOTS_DATA)."""
    try:
        os.makedirs(BUILD, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix="report-", dir=BUILD)
    except OSError as e:
        raise cli.Fail(3, f"no scratch directory under {BUILD}: {e.strerror or e}") from None
    try:
        with environ(IRQBENCH_PLOTS_DATA=os.path.join(tmp, "plots-data")):
            yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def publish(staging, final):
    """Move every file of STAGING into FINAL, each with os.replace (whole
    or not at all), the dashboard last: its page names the plots."""
    names = sorted(os.listdir(staging), key=lambda n: (n == "index.html", n))
    for name in names:
        os.replace(os.path.join(staging, name), os.path.join(final, name))


def first_difference(text, have, name):
    """None when HAVE (the tree's NAME) is TEXT (what the runs give), else
    the line saying so, naming the first line only in the tree's."""
    if have == text:
        return None
    if have is None:
        return f"{name} is missing: the runs give it (make results writes it)"
    diff = list(difflib.unified_diff(text.splitlines(), have.splitlines(), "generated",
                                     name, n=0, lineterm=""))
    first = next((l for l in diff if l.startswith("+") and not l.startswith("+++")),
                 diff[2] if len(diff) > 2 else "?")
    return (f"{name} differs from what the current runs give ({len(diff)} diff lines); "
            f"first line only in {name}: {first[1:]!r}")


def read_or_none(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return None


def check(st):
    """report --check: RESULTS.md and the pages it links (docs/results/*.md)
    regenerated from the runs git tracks into a scratch directory, each
    compared with the tree's; a page the tree holds that the runs do not
    give fails too. Exit 1 naming the first differing line of each."""
    have_md = os.environ.get("IRQBENCH_RESULTS_MD") or tree("RESULTS.md")
    have_pages = pages.out_dir()
    with scratch() as tmp, environ(IRQBENCH_PAGES_OUT=os.path.join(tmp, "pages"),
                                   IRQBENCH_PLOTS_OUT=os.path.join(tmp, "plots")):
        _cur, text, _l, _b = generate(os.path.join(tmp, "RESULTS.md"), st, committed(),
                                      tracked_results())
        made = {n: read_or_none(os.path.join(tmp, "pages", n))
                for n in os.listdir(os.path.join(tmp, "pages")) if n.endswith(".md")}
    wrong = [first_difference(text, read_or_none(have_md), "RESULTS.md")]
    for name in sorted(made):
        wrong.append(first_difference(made[name], read_or_none(os.path.join(have_pages, name)),
                                      f"docs/results/{name}"))
    held = sorted(n for n in (os.listdir(have_pages) if os.path.isdir(have_pages) else [])
                  if n.endswith(".md") and n not in made)
    wrong += [f"docs/results/{n}: the runs give no such page" for n in held]
    wrong = [w for w in wrong if w]
    if not wrong:
        print(f"RESULTS.md and its {len(made)} pages (docs/results/) are what the current runs give")
        return 0
    for w in wrong:
        print(w, file=sys.stderr)
    return 1


def main(argv):
    ap = cli.Parser(prog="python3 -m irqbench.report", description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="compare with the RESULTS.md in the tree instead of writing")
    a = ap.parse_args(argv)
    st = store.Store()
    store.ingest_all(st, quiet=True, strict=False)
    if a.check:
        return check(st)
    # the plots and the dashboard are drawn into a directory of this
    # build's own beside their final one, then moved there file by file
    final = plots.out_dir()
    os.makedirs(final, exist_ok=True)
    with scratch():
        staging = tempfile.mkdtemp(prefix=".report-", dir=final)
        try:
            with environ(IRQBENCH_PLOTS_OUT=staging):
                cur, text, latest, base = generate(
                    os.environ.get("IRQBENCH_RESULTS_MD") or tree("RESULTS.md"), st)
            publish(staging, final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    print(f"RESULTS.md ({len(text.splitlines())} lines, {len(text.encode())} bytes) and "
          f"docs/results/ from {len(cur.cells)} cells of irqbench {cur.method}"
          + (f"; {len(cur.stale)} cells not re-measured" if cur.stale else "")
          + f"; dashboard: {latest['run_id'] if latest else 'no run'} against "
          + (base["run_id"] if base else "no same-identity baseline"))
    if st.left_out:
        # the pages were written without them: incomplete, and said so
        print(f"report: {len(st.left_out)} run(s) under results/ left out of the pages: "
              + ", ".join(sorted(st.left_out)), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(cli.run("report", main))
