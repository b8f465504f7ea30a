#!/bin/bash
# annotate-matrix.sh OUT_DIR CASE...: arch-matrix/annotate.sh and
# scripts/annotate.py over ARCHS x KERNELS x CONFIGS. With ICOUNT_DIR (a
# tcg-icount run's cell CSVs, <cell>.csv) each case's length is checked
# against its p50 (exit 1 on a mismatch). With ANNOTATE_INTO_RUNS=1 (make
# annotate) each cell's traces go beside the figures they explain, into
# results/<run-id>/annotate/ of the newest stored tcg-icount run of the
# cell, checked against that run; a cell no run has goes to OUT_DIR,
# unchecked, with a note saying so.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

out=${1:?usage: annotate-matrix.sh OUT_DIR CASE...}
shift
[ $# -gt 0 ] || die "annotate: set CASE=variant/impl/d<depth>/<state> (several separated by spaces)"
results=${RESULTS:-$IRQBENCH_ROOT/results}
rc=0
for arch in $(arch_expand "${ARCHS:-x86_64 arm64}"); do
	for kernel in ${KERNELS:-7.3}; do
		for config in ${CONFIGS:-default}; do
			cell=$arch-$kernel-$config
			dir=$out
			csv=()
			[ -n "${ICOUNT_DIR:-}" ] && csv=("$ICOUNT_DIR/$cell.csv")
			if [ "${ANNOTATE_INTO_RUNS:-0}" = 1 ]; then
				run_csv=$(find "$results" -maxdepth 2 -name "$cell.csv" -path '*/2*' ! -path '*.failed/*' \
					-exec grep -l ',tcg-icount,' {} + 2>/dev/null | sort | tail -n 1)
				if [ -n "$run_csv" ]; then
					dir=$(dirname "$run_csv")/annotate
					csv=("$run_csv")
				else
					echo "annotate: no stored tcg-icount run of $cell: traces go to $out, lengths unchecked" >&2
				fi
			fi
			mkdir -p "$dir"
			"$IRQBENCH_ROOT/arch-matrix/annotate.sh" "$arch" "$kernel" "$config" "$dir" "$@" >/dev/null
			/usr/bin/python3 "$IRQBENCH_ROOT/scripts/annotate.py" "$dir" "$cell" "${csv[@]}" || rc=$?
			echo "annotate: $cell: text and JSON per case in $dir" >&2
		done
	done
done
exit "$rc"
