#!/bin/bash
# repeat-run.sh RUN_DIR|RUN_ID: runs a stored run again from its run.json alone.
# The irqbench tree is rebuilt from the recorded commit (git archive) plus
# the recorded irqbench.diff, in a scratch directory; the run's variables
# (the accelerator as it was resolved) drive that tree's matrix.sh; the new
# run lands in RESULTS (default: this checkout's results/) with run.json's
# repeat_of naming the original. Afterwards each cell's kernel image, module
# and initramfs hashes are compared with the original's, and the figures
# with irqbench/compare.py (under tcg-icount they should match).
# Exit: 0 repeated, 2 a cell failed or a hash differs, 3 usage or data error.
set -euo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

[ $# = 1 ] || refuse "usage: repeat-run.sh RUN_DIR (or a run id under results/)"
RESULTS=${RESULTS:-$IRQBENCH_ROOT/results}
run=$1
[ -f "$run/run.json" ] || run=$RESULTS/$1
orig=$(cd "$run" 2>/dev/null && pwd) || refuse "no run directory $1"
[ -f "$orig/run.json" ] || refuse "$orig has no run.json"

# What to repeat, read from run.json: shell assignments, %q-quoted.
plan=$(/usr/bin/python3 - "$orig/run.json" <<'EOF'
import json, shlex, sys
run = json.load(open(sys.argv[1], encoding="utf-8"))
cells = run.get("cells") or []
if not cells:
    sys.exit("run.json lists no cells")
def one(key, *alt):
    vals = sorted({c.get(key, c.get(alt[0]) if alt else None) for c in cells} - {None})
    return vals
var = run.get("variables", {})
accels = one("accel")
requests = one("request")
if len(accels) != 1 or len(requests) != 1:
    sys.exit(f"cells ran with {len(accels)} accelerators and {len(requests)} requests; repeat one at a time")
out = {
    "commit": run.get("irqbench_commit_full") or run.get("irqbench_commit", ""),
    "diff": run.get("irqbench_diff") or "",
    "dirty": "1" if run.get("irqbench_dirty") else "",
    "archs": " ".join(one("arch")),
    "kernels": var.get("KERNELS") or " ".join(one("kernel_series", "kernel")),
    "configs": " ".join(one("config")),
    "accel": accels[0],
    "request": requests[0],
    "ksrc": var.get("KSRC", ""),
    "llvm": var.get("LLVM", ""),
    "run_id": run.get("run_id", ""),
}
for k, v in out.items():
    print(f"{k}={shlex.quote(str(v))}")
EOF
) || refuse "cannot read $orig/run.json"
commit='' diff='' dirty='' archs='' kernels='' configs='' accel='' request='' ksrc='' llvm='' run_id=''
eval "$plan"
if [ -z "$commit" ] || [ "$commit" = none ]; then refuse "run.json names no irqbench commit"; fi
git -C "$IRQBENCH_ROOT" cat-file -e "$commit^{commit}" 2>/dev/null ||
	refuse "commit $commit is not in this repository"
if [ -n "$dirty" ] && { [ -z "$diff" ] || [ ! -f "$orig/$diff" ]; }; then
	refuse "the run was made from a dirty tree and its diff is not saved beside run.json"
fi

tree=$(mktemp -d "${TMPDIR:-/tmp}/irqbench-repeat-XXXXXX")
trap 'rm -rf "$tree" "$tree.landed"' EXIT
git -C "$IRQBENCH_ROOT" archive "$commit" | tar -x -C "$tree"
if [ -n "$diff" ]; then
	(cd "$tree" && git apply --whitespace=nowarn "$orig/$diff") ||
		refuse "$diff does not apply to $commit"
fi
echo "irqbench: repeating $run_id: $commit${diff:+ + $diff}, ARCHS='$archs' KERNELS='$kernels'" \
	"CONFIGS='$configs' ACCEL=$accel" >&2

rc=0
IRQBENCH_RUN_DIR_FILE=$tree.landed IRQBENCH_COMMIT=${commit:0:12} IRQBENCH_COMMAND="scripts/repeat-run.sh $(printf %q "$orig")" \
	RESULTS=$RESULTS ARCHS=$archs KERNELS=$kernels CONFIGS=$configs ACCEL=$accel \
	REQUEST=$request KSRC=$ksrc LLVM=$llvm \
	"$tree/arch-matrix/matrix.sh" || rc=$?
[ "$rc" = 0 ] || { echo "irqbench: repeat-run: the repeated run failed (matrix.sh exit $rc)" >&2; exit 2; }
# matrix.sh from before repeat-run.sh existed does not say: then latest
if [ -s "$tree.landed" ]; then new=$(cat "$tree.landed"); else new=$RESULTS/$(readlink "$RESULTS/latest"); fi
rm -f "$tree.landed"
# The scratch tree is no checkout: its run.json gets the original's tree
# identity (and diff), and names the run it repeats.
/usr/bin/python3 - "$orig" "$new" <<'EOF'
import json, os, shutil, sys
orig, new = sys.argv[1:3]
a, b = (json.load(open(os.path.join(d, "run.json"), encoding="utf-8")) for d in (orig, new))
for k in ("irqbench_commit", "irqbench_commit_full", "irqbench_dirty", "irqbench_untracked",
          "irqbench_untracked_not_in_diff", "irqbench_diff"):
    b[k] = a.get(k)
b["repeat_of"] = a.get("run_id")
if b.get("irqbench_diff"):
    shutil.copyfile(os.path.join(orig, b["irqbench_diff"]), os.path.join(new, b["irqbench_diff"]))
with open(os.path.join(new, "run.json"), "w", encoding="utf-8") as f:
    json.dump(b, f, indent=1)
    f.write("\n")
EOF

# The same inputs? Then the same figures are expected under tcg-icount.
same=0
/usr/bin/python3 - "$orig/run.json" "$new/run.json" <<'EOF' || same=$?
import json, sys
a, b = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
cells = {c["cell"]: c for c in b.get("cells", [])}
bad = 0
for c in a.get("cells", []):
    n = cells.get(c["cell"], {})
    for k in ("kernel_source_identity", "kernel_image_sha256", "config_sha256",
              "module_sha256", "initramfs_sha256", "qemu_version"):
        if k in c and c[k] != n.get(k):
            print(f"irqbench: repeat-run: {c['cell']}: {k} differs: {c[k]} -> {n.get(k)}", file=sys.stderr)
            bad = 1
sys.exit(2 if bad else 0)
EOF
echo "irqbench: repeat-run: figures, $run_id against the repeat:" >&2
irqpy compare "$orig" "$new" | tail -n 1 >&2 || true
echo "$new"
exit "$same"
