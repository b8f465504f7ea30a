"""python3 -m tests.test_links [ROOT]: every relative link of RESULTS.md,
and of the pages it links, names a file git tracks, as KTAP.

A clone holds what git tracks and nothing else: a link into build output
(docs/results/ before it was committed, plots/out/) is dead there. A link
or image target that is not a URL or a bare #anchor is resolved against
the page's own directory and looked up in `git ls-files`; a #anchor into
a Markdown page must name one of its headings. Code spans and fenced code
are not links. ROOT defaults to this tree.
"""
import os
import re
import subprocess
import sys

from irqbench.paths import ROOT

from . import tap

LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def tracked(root):
    out = subprocess.run(["git", "-C", root, "ls-files", "-z"], capture_output=True,
                         check=True, timeout=60).stdout.decode()
    return {p for p in out.split("\0") if p}


def prose(text):
    """TEXT without fenced code blocks and code spans."""
    text = re.sub(r"(?ms)^(```|~~~).*?^\1[^\n]*$", "", text)
    return re.sub(r"(`+)(?:(?!\1).)+?\1", "", text)


def slug(heading):
    """GitHub's anchor of a heading: lower case, punctuation dropped but
    '-' and '_', spaces as '-'."""
    h = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return h.replace(" ", "-")


def anchors(path):
    with open(path, encoding="utf-8") as f:
        return {slug(m.group(1)) for m in re.finditer(r"(?m)^#{1,6}\s+(.+?)\s*#*\s*$",
                                                    prose(f.read()))}


def links(root, page):
    """(target as written, its path from ROOT or None, anchor) of each
    relative link of PAGE (a path from ROOT)."""
    with open(os.path.join(root, page), encoding="utf-8") as f:
        text = prose(f.read())
    out = []
    for m in LINK.finditer(text):
        target = m.group(1)
        if URL.match(target) or target.startswith("#"):
            continue
        path, _, anchor = target.partition("#")
        rel = os.path.normpath(os.path.join(os.path.dirname(page), path))
        out.append((target, None if rel.startswith("..") else rel, anchor))
    return out


def main(argv):
    root = os.path.abspath(argv[0]) if argv else ROOT
    files = tracked(root)
    checks = []
    top = "RESULTS.md"
    found = links(root, top) if os.path.exists(os.path.join(root, top)) else []
    checks.append((bool(found), f"{top} has relative links to check ({len(found)})"))
    pages = [top] + sorted({rel for _t, rel, _a in found
                            if rel and rel.endswith(".md") and os.path.isfile(os.path.join(root, rel))})
    for page in pages:
        dead, no_anchor = [], []
        for target, rel, anchor in links(root, page):
            if rel is None or rel not in files:
                dead.append(target)
            elif anchor and rel.endswith(".md") and anchor not in anchors(os.path.join(root, rel)):
                no_anchor.append(target)
        n = len(links(root, page))
        checks.append((not dead, f"every relative link of {page} names a file git tracks ({n})",
                       "not tracked: " + ", ".join(sorted(set(dead))[:10])
                       + (f" (+{len(set(dead)) - 10} more)" if len(set(dead)) > 10 else "")
                       if dead else None))
        checks.append((not no_anchor, f"every anchor (a link after the hash) of {page} names a heading of its page",
                       "no such heading: " + ", ".join(sorted(set(no_anchor))) if no_anchor else None))
    return tap.report(checks)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
