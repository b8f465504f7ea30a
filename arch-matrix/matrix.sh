#!/bin/bash
# matrix.sh: runs every ARCHS x KERNELS x CONFIGS cell into
# results/<run-id>/ and points results/latest at it. A run with a failed
# cell is kept as results/<run-id>.failed and never replaces a good one.
# Environment: ARCHS, KERNELS, CONFIGS, ACCEL, REQUEST, REPEAT, KSRC, RESULTS.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

ARCHS=${ARCHS:-x86_64 arm64}
KERNELS=${KERNELS:-7.3}
CONFIGS=${CONFIGS:-default}
ACCEL=${ACCEL:-auto}
RESULTS=${RESULTS:-$IRQBENCH_ROOT/results}
case $ACCEL in auto | kvm | tcg | tcg-icount) ;; *) die "ACCEL must be auto, kvm, tcg or tcg-icount" ;; esac
if [ -n "${KSRC:-}" ]; then
	[ -f "$KSRC/Makefile" ] || die "KSRC=$KSRC is not a kernel tree"
	KERNELS=$(kernel_version "$KSRC")
fi

commit=$(git -C "$IRQBENCH_ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo none)
run_id=$(date -u +%Y%m%dT%H%M%SZ)-$commit
mkdir -p "$RESULTS"
dir=$RESULTS/.partial-$run_id
mkdir -p "$dir"
start=$(date +%s)
failed=()
for kernel in $KERNELS; do
	for config in $CONFIGS; do
		for arch in $ARCHS; do
			if [ "$config" = pseudo-nmi ] && [ "$arch" != arm64 ]; then
				progress "$arch-$kernel-$config" skip "$(date +%s)" "pseudo-nmi is arm64 only"
				continue
			fi
			if ! "$IRQBENCH_ROOT/arch-matrix/run-cell.sh" "$arch" "$kernel" "$config" "$ACCEL" "$dir"; then
				failed+=("$arch-$kernel-$config")
			fi
		done
	done
done
/usr/bin/python3 "$IRQBENCH_ROOT/scripts/runmeta.py" "$dir" "$run_id" "$commit"
if [ ${#failed[@]} -gt 0 ]; then
	mv "$dir" "$RESULTS/$run_id.failed"
	die "failed cells: ${failed[*]} (kept in results/$run_id.failed; latest unchanged)"
fi
mv "$dir" "$RESULTS/$run_id"
ln -sfn "$run_id" "$RESULTS/latest"
progress all "done" "$start" "results/$run_id"
