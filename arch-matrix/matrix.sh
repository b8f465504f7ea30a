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
mapfile -t need < <(awk -F'\t' '$1 == "run" { print $2 }' <<<"$cells" | sort -u)
"$IRQBENCH_ROOT/arch-matrix/deps.sh" "${need[@]}" || die "installing dependencies failed"
irqbench_env
export REQUEST ACCEL REPEAT

# IRQBENCH_COMMIT: set by scripts/repeat-run.sh, whose tree is no checkout
commit=${IRQBENCH_COMMIT:-$(git -C "$IRQBENCH_ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo none)}
mkdir -p "$RESULTS"
# Unique even for runs started in the same second: mktemp claims the name.
dir=$(mktemp -d "$RESULTS/.partial-$(date -u +%Y%m%dT%H%M%SZ)-$commit-XXXXXX")
run_id=${dir##*/.partial-}
chmod 755 "$dir"
# the tree as the run starts: commit, and the diff of a dirty tree
irqpy runmeta --tree "$dir"
start=$(date +%s)
failed=()
while IFS=$'\t' read -r what arch kernel config why; do
	if [ "$what" = skip ]; then
		progress "$arch-$kernel-$config" skip "$(date +%s)" "$why"
	elif ! "$IRQBENCH_ROOT/arch-matrix/run-cell.sh" "$arch" "$kernel" "$config" "$ACCEL" "$dir" </dev/null; then
		failed+=("$arch-$kernel-$config")
	fi
done <<<"$cells"
irqpy runmeta "$dir" "$run_id" "$commit"
if [ ${#failed[@]} -gt 0 ]; then
	mv "$dir" "$RESULTS/$run_id.failed"
	die "failed cells: ${failed[*]} (kept in results/$run_id.failed; latest unchanged)"
fi
mv "$dir" "$RESULTS/$run_id"
# where the run landed, for a caller that cannot trust latest (concurrent runs)
[ -z "${IRQBENCH_RUN_DIR_FILE:-}" ] || echo "$RESULTS/$run_id" >"$IRQBENCH_RUN_DIR_FILE"
ln -sfn "$run_id" "$RESULTS/latest"
progress all "done" "$start" "results/$run_id"
# the one writer of the store: this run, in one transaction
irqpy store ingest "$RESULTS/$run_id" 2>/dev/null || echo "irqbench: the run is kept, but the store did not take it: make results retries" >&2
irqpy report.headline "$RESULTS/$run_id"
