#!/bin/bash
# annotate-results.sh: the traces RESULTS.md explains its figures with.
# Runs make annotate for every case report.py's EXPLAIN table names, on
# ANNOTATE_ARCHS x 7.3 x ANNOTATE_CONFIGS (both arches; default, distro:
# not ARCHS/CONFIGS, which make exports to every recipe) into
# results/annotate/, each trace's length checked against the tcg-icount p50
# of the newest stored run of its cell (exit 1 on a mismatch, 2 when a cell
# has no such run).
set -euo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

results=${RESULTS:-$IRQBENCH_ROOT/results}
out=$results/annotate
cases=$(/usr/bin/python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import report
print(" ".join(sorted({c for _q, a, b in report.EXPLAIN for c in (a, b)})))' "$IRQBENCH_ROOT/scripts")
icount=$(mktemp -d)
trap 'rm -rf "$icount"' EXIT
rm -rf "$out"
mkdir -p "$out"
rc=0
for config in ${ANNOTATE_CONFIGS:-default distro}; do
	for arch in $(arch_expand "${ANNOTATE_ARCHS:-x86_64 arm64}"); do
		cell=$arch-7.3-$config
		csv=$(find "$results" -maxdepth 2 -name "$cell.csv" -path '*/2*' ! -path '*.failed/*' \
			-exec grep -l ',tcg-icount,' {} + | sort | tail -n 1)
		if [ -z "$csv" ]; then
			echo "irqbench: annotate-results: no tcg-icount run of $cell under $results" >&2
			exit 2
		fi
		ln -sf "$csv" "$icount/$cell.csv"
		# shellcheck disable=SC2086 # one word per case
		ARCHS=$arch KERNELS=7.3 CONFIGS=$config ICOUNT_DIR=$icount \
			"$IRQBENCH_ROOT/arch-matrix/annotate-matrix.sh" "$out" $cases || rc=$?
	done
done
exit "$rc"
