#!/bin/bash
# annotate-results.sh: the traces RESULTS.md explains its figures with.
# For every cell of ANNOTATE_CELLS (kernel-config; default 7.3-default
# 7.3-distro 6.1-default) on ANNOTATE_ARCHS (x86_64 arm64) -- not
# ARCHS/CONFIGS, which make exports to every recipe -- it finds the newest
# stored tcg-icount run of the cell and traces, into that run's
# results/<run-id>/annotate/: every case report.py's EXPLAIN table names
# and every variant at depth 1 in each entry state (native, or the v7.3
# model where the kernel has no native counted disabling), as far as the
# run measured them. Each trace's length is checked against the run's p50
# (exit 1 on a mismatch, 2 when a cell has no such run).
set -euo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

results=${RESULTS:-$IRQBENCH_ROOT/results}
explain=$(/usr/bin/python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import report
print(" ".join(sorted({c for _q, a, b in report.EXPLAIN for c in (a, b)})))' "$IRQBENCH_ROOT/scripts")
icount=$(mktemp -d)
trap 'rm -rf "$icount"' EXIT
rc=0
for kc in ${ANNOTATE_CELLS:-7.3-default 7.3-distro 6.1-default}; do
	kernel=${kc%%-*}
	config=${kc#*-}
	for arch in $(arch_expand "${ANNOTATE_ARCHS:-x86_64 arm64}"); do
		cell=$arch-$kernel-$config
		csv=$(find "$results" -maxdepth 2 -name "$cell.csv" -path '*/2*' ! -path '*.failed/*' \
			-exec grep -l ',tcg-icount,' {} + | sort | tail -n 1)
		if [ -z "$csv" ]; then
			echo "irqbench: annotate-results: no tcg-icount run of $cell under $results" >&2
			exit 2
		fi
		out=$(dirname "$csv")/annotate
		rm -f "$out"/*."$cell".* "$out/$cell".*
		mkdir -p "$out"
		ln -sf "$csv" "$icount/$cell.csv"
		# the EXPLAIN cases and depth 1 of every variant, those the run has
		cases=$(/usr/bin/python3 - "$csv" "$explain" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
have = {f"{r['variant']}/{r['impl']}/d{r['depth']}/{r['irq_state']}" for r in rows}
want = set(sys.argv[2].split())
impls = {}
for r in rows:
    impls.setdefault(r["variant"], set()).add(r["impl"])
for r in rows:
    if r["depth"] == "1":
        main = "native" if "native" in impls[r["variant"]] else "emulated:v7.3"
        if r["impl"] == main:
            want.add(f"{r['variant']}/{main}/d1/{r['irq_state']}")
print(" ".join(sorted(want & have)))
EOF
)
		# shellcheck disable=SC2086 # one word per case
		ARCHS=$arch KERNELS=$kernel CONFIGS=$config ICOUNT_DIR=$icount \
			"$IRQBENCH_ROOT/arch-matrix/annotate-matrix.sh" "$out" $cases || rc=$?
	done
done
exit "$rc"
