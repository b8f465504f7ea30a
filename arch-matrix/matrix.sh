#!/bin/bash
# matrix.sh: runs every ARCHS x KERNELS x CONFIGS cell into
# results/<run-id>/ and points results/latest at it. A run with a failed
# cell is kept as results/<run-id>.failed and never replaces a good one.
# Environment: ARCHS, KERNELS, CONFIGS, ACCEL, REQUEST, REPEAT, LLVM, KSRC,
# RESULTS; unset ones take defaults.mk's. irqbench/cells.py checks every one
# before any work starts (one line and exit 3 if bad) and makes the cells.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

RESULTS=${RESULTS:-$IRQBENCH_ROOT/results}
# Every variable is checked by the cell generator before anything is built
# or any directory made: one line and exit 3 if bad (a usage or data error).
cells=$(irqpy cells cells) || exit 3
# Packages next: only what the cells that run need
deps_for "$cells"
irqbench_env
export REQUEST ACCEL REPEAT

dir=$(run_begin)
run_id=${dir##*/.partial-}
start=$(date +%s)
failed=()
while IFS=$'\t' read -r what arch kernel config why; do
	if [ "$what" = skip ]; then
		progress "$arch-$kernel-$config" skip "$(date +%s)" "$why"
	elif ! "$IRQBENCH_ROOT/arch-matrix/run-cell.sh" "$arch" "$kernel" "$config" "$ACCEL" "$dir" </dev/null; then
		failed+=("$arch-$kernel-$config")
	fi
done <<<"$cells"
irqpy runmeta "$dir" "$run_id" "$(run_commit)"
[ ${#failed[@]} = 0 ] || run_fail "$dir" "failed cells: ${failed[*]}; latest unchanged"
run_keep "$dir"
ln -sfn "$run_id" "$RESULTS/latest"
progress all "done" "$start" "$RESULTS/$run_id"
irqpy report.headline "$RESULTS/$run_id"
