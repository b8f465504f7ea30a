#!/bin/bash
# repeat-run.sh RUN: repeats a stored run from its run.json alone: the
# irqbench commit it names (checked out in a temporary worktree, with the
# run's irqbench.diff applied if the tree was dirty), the same arches,
# kernels, configs, accelerator and request; then compares the new run with
# the old one (scripts/compare.py: under tcg-icount any change is real).
set -euo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

run=${1:?usage: repeat-run.sh RUN (a results/ directory or run id)}
results=${RESULTS:-$IRQBENCH_ROOT/results}
[ -f "$run/run.json" ] || run=$results/$run
[ -f "$run/run.json" ] || die "no run.json in $1"
run=$(cd "$run" && pwd)
read_meta() {
	/usr/bin/python3 - "$run/run.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
cells = m["cells"]
def uniq(k, alt=None):
    return " ".join(sorted({c.get(k) or c.get(alt) for c in cells}))
print(m["irqbench_commit"])
print(uniq("arch"))
print(uniq("kernel_series", "kernel"))
print(uniq("config"))
print(uniq("accel"))
reqs = {c["request"] for c in cells}
print(reqs.pop() if len(reqs) == 1 else "")
print(m.get("irqbench_diff") or "")
PY
}
{ read -r commit; read -r archs; read -r kernels; read -r configs; read -r accel; read -r request; read -r diff; } < <(read_meta)
[ -n "$request" ] || die "the run's cells used different requests: repeat them one by one"
case $accel in *" "*) die "the run mixed accelerators ($accel)" ;; esac

tree=$(mktemp -d "${TMPDIR:-/tmp}/irqbench-repeat-XXXX")
trap 'git -C "$IRQBENCH_ROOT" worktree remove --force "$tree" >/dev/null 2>&1 || true' EXIT
git -C "$IRQBENCH_ROOT" worktree add -q --detach "$tree" "$commit" ||
	die "commit $commit of the run is not in this repository"
if [ -n "$diff" ]; then
	git -C "$tree" apply "$run/$diff" || die "the run's $diff does not apply to $commit"
fi
echo "irqbench: repeating $(basename "$run"): commit $commit${diff:+ + $diff}, ARCHS='$archs' KERNELS='$kernels' CONFIGS='$configs' ACCEL=$accel" >&2
before=$(find "$results" -maxdepth 1 -mindepth 1 -type d -newer "$run/run.json" | sort)
ARCHS=$archs KERNELS=$kernels CONFIGS=$configs ACCEL=$accel REQUEST=$request \
	RESULTS=$results IRQBENCH_COMMAND="scripts/repeat-run.sh $(basename "$run")" \
	"$tree/arch-matrix/matrix.sh"
new=$(comm -13 <(echo "$before") <(find "$results" -maxdepth 1 -mindepth 1 -type d \
	-newer "$run/run.json" ! -name '*.failed' ! -name '.partial-*' | sort) | tail -n 1)
[ -n "$new" ] || die "the repeated run left no results directory"
echo "irqbench: comparing $(basename "$run") with its repeat $(basename "$new")" >&2
/usr/bin/python3 "$IRQBENCH_ROOT/scripts/compare.py" "$run" "$new"
