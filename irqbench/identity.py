"""Method identity: a content hash of the code that shapes a figure.

Two runs share an identity exactly when the module, the Rust module, the
builtin loops, the guest's init, and the scripts that build and boot them
were byte for byte the same; a change of any of them is a change of
irqbench, which compare reports as such and never as a kernel's regression.
The hash is over each file's path and git blob id, so it can be computed
from a working tree (with or without .git) and from any commit in history.

    python3 -m irqbench.identity            the current tree's identity
    python3 -m irqbench.identity --files    the files it covers
"""
import hashlib
import os
import re
import subprocess
import sys

from .paths import ROOT

# What shapes a figure: what runs in the guest, and how it is built and booted.
METHOD_PATHS = (
    "kmod-bench/",
    "arch-matrix/builtin/",
    "arch-matrix/guest/",
    "arch-matrix/boot.sh",
    "arch-matrix/build-cell.sh",
    "arch-matrix/build-module.sh",
    "arch-matrix/build-rust-module.sh",
    "arch-matrix/build-initramfs.sh",
    "arch-matrix/arches.tsv",
    "arch-matrix/accels.tsv",
    "arch-matrix/boot.tsv",
)
GENERATED = re.compile(r"(\.o|\.ko|\.mod|\.mod\.c|\.cmd|\.a|modules\.order|Module\.symvers)$")


def covered(path):
    return path.startswith(METHOD_PATHS) and not GENERATED.search(path) and "/." not in "/" + path


def blob_id(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def digest(entries):
    """The identity of [(path, blob id)]."""
    h = hashlib.sha256()
    for path, blob in sorted(entries):
        h.update(f"{path} {blob}\n".encode())
    return h.hexdigest()[:16]


def tree_files(root=ROOT):
    """The covered files of a working tree: git's list where it is a
    checkout (untracked files included, ignored ones not), else a walk."""
    git = subprocess.run(["git", "-C", root, "ls-files", "-co", "--exclude-standard"],
                         capture_output=True, text=True, check=False)
    if git.returncode == 0 and git.stdout:
        names = git.stdout.split("\n")
    else:
        names = [os.path.relpath(os.path.join(d, f), root)
                 for d, _s, fs in os.walk(root) for f in fs]
    return sorted(n for n in names if n and covered(n) and os.path.isfile(os.path.join(root, n)))


def of_tree(root=ROOT):
    entries = []
    for n in tree_files(root):
        with open(os.path.join(root, n), "rb") as f:
            entries.append((n, blob_id(f.read())))
    return digest(entries)


def of_commit(commit, root=ROOT):
    """The identity of a commit of this repository, or None if unknown."""
    out = subprocess.run(["git", "-C", root, "ls-tree", "-r", commit],
                         capture_output=True, text=True, check=False)
    if out.returncode:
        return None
    entries = []
    for line in out.stdout.splitlines():
        meta, path = line.split("\t", 1)
        if covered(path):
            entries.append((path, meta.split()[2]))
    return digest(entries)


def of_run(meta, run_dir=None):
    """A stored run's identity: run.json's, or for runs made before runs
    recorded one, computed from its commit; a dirty tree whose diff touched
    the method is an identity of its own."""
    if meta.get("method"):
        return meta["method"]
    commit = meta.get("irqbench_commit_full") or meta.get("irqbench_commit")
    ident = of_commit(commit) if commit and commit != "none" else None
    if ident is None:
        return "unknown"
    diff = os.path.join(run_dir, "irqbench.diff") if run_dir else None
    if meta.get("irqbench_dirty") and diff and os.path.exists(diff):
        with open(diff, encoding="utf-8", errors="replace") as f:
            text = f.read()
        touched = re.findall(r"^diff --git a/(\S+) b/", text, flags=re.M)
        if any(covered(p) for p in touched):
            return ident[:8] + "+" + hashlib.sha256(text.encode()).hexdigest()[:7]
    return ident


def main(argv):
    if argv[:1] == ["--files"]:
        print("\n".join(tree_files()))
    else:
        print(of_tree())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
