"""Where things are: the tree, its runs, the cache and the store."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.environ.get("RESULTS") or os.path.join(ROOT, "results")
CACHE = os.environ.get("IRQBENCH_CACHE") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "irqbench")
# The store: a SQLite file outside git, or a postgresql:// URL.
DB = os.environ.get("IRQBENCH_DB") or os.path.join(CACHE, "results.sqlite")
BUILD = os.path.join(ROOT, "build")


def tree(*parts):
    return os.path.join(ROOT, *parts)
