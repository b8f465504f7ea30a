#!/bin/bash
# annotate-matrix.sh OUT_DIR CASE...: arch-matrix/annotate.sh and
# scripts/annotate.py over ARCHS x KERNELS x CONFIGS. With ICOUNT_DIR (a
# tcg-icount run's cell CSVs, <cell>.csv) each case's length is checked
# against its p50 (exit 1 on a mismatch).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

out=${1:?usage: annotate-matrix.sh OUT_DIR CASE...}
shift
[ $# -gt 0 ] || die "annotate: set CASE=variant/impl/d<depth>/<state> (several separated by spaces)"
rc=0
for arch in $(arch_expand "${ARCHS:-x86_64 arm64}"); do
	for kernel in ${KERNELS:-7.3}; do
		for config in ${CONFIGS:-default}; do
			cell=$arch-$kernel-$config
			"$IRQBENCH_ROOT/arch-matrix/annotate.sh" "$arch" "$kernel" "$config" "$out" "$@" >/dev/null
			csv=()
			[ -n "${ICOUNT_DIR:-}" ] && csv=("$ICOUNT_DIR/$cell.csv")
			/usr/bin/python3 "$IRQBENCH_ROOT/scripts/annotate.py" "$out" "$cell" "${csv[@]}" || rc=$?
		done
	done
done
echo "annotate: text and JSON per case in $out" >&2
exit "$rc"
