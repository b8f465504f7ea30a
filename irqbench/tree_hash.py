"""python3 -m irqbench.tree_hash TREE CACHE: the sha256 of `find . -type f ! -name '.irqbench-*'
| sort | xargs sha256sum` in TREE, as lib.sh's tree_identity() defines it,
without reading files whose content is already known. CACHE (JSON) maps a
file's device, inode, size and mtime to its sha256, as git's index does
(not ctime: a hard-linked copy of the tree changes every file's ctime). A
KSRC copy hard-linked from a cached tree then reads only what a patch
replaced; the result is byte for byte the shell pipeline's."""
import hashlib
import json
import os
import stat
import sys


def line(digest, rel):
    # GNU sha256sum escapes a name holding a backslash or a newline
    if "\\" in rel or "\n" in rel:
        return "\\" + digest + "  " + rel.replace("\\", "\\\\").replace("\n", "\\n") + "\n"
    return digest + "  " + rel + "\n"


def main():
    tree, cache_path = sys.argv[1], sys.argv[2]
    try:
        with open(cache_path, encoding="utf-8") as f:
            cache = json.load(f)
    except (OSError, ValueError):
        cache = {}
    files = []
    for root, dirs, names in os.walk(tree):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]
        for n in names:
            if n.startswith(".irqbench-"):
                continue
            p = os.path.join(root, n)
            st = os.lstat(p)
            if stat.S_ISREG(st.st_mode):
                files.append(("./" + os.path.relpath(p, tree), p, st))
    files.sort(key=lambda f: os.fsencode(f[0]))
    total, fresh = hashlib.sha256(), {}
    for rel, p, st in files:
        key = f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"
        digest = cache.get(key)
        if digest is None:
            h = hashlib.sha256()
            with open(p, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            digest = h.hexdigest()
        fresh[key] = digest
        total.update(line(digest, rel).encode("utf-8", "surrogateescape"))
    tmp = f"{cache_path}.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(fresh, f)
    os.replace(tmp, cache_path)
    print(total.hexdigest())


if __name__ == "__main__":
    main()
