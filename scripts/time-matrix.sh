#!/bin/bash
# time-matrix.sh: how long `make matrix ACCEL=tcg-icount` takes, measured by
# hyperfine (one run each: a matrix run is long and its own repeat), twice:
# "first" with whatever kernels the cache already holds, then "warm" with
# every kernel cached. Writes results/pipeline/hyperfine-matrix-{first,warm}.json
# and matrix-{first,warm}.log (the command, commit and every stage line:
# report.py counts the kernel builds and boots of each pass from them).
# Run nothing else meanwhile (two cores).
set -euo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

out=$IRQBENCH_ROOT/results/pipeline
mkdir -p "$out"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
cmd="make -s -C $IRQBENCH_ROOT matrix ACCEL=tcg-icount"
commit=$(git -C "$IRQBENCH_ROOT" rev-parse --short=12 HEAD)
for pass in first warm; do
	hyperfine --runs 1 --show-output --export-json "$out/hyperfine-matrix-$pass.json" \
		-n "make matrix ACCEL=tcg-icount ($pass)" "$cmd" 2>&1 | tee "$tmp"
	{
		echo "command: make matrix ACCEL=tcg-icount ($pass pass of scripts/time-matrix.sh)"
		echo "commit: $commit"
		echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
		# stage lines (not the "..." starts or the 30-second ticks)
		grep -a -E '^\[[^]]+\] [a-z]+ +[0-9]+s  ' "$tmp" | grep -a -v 'still building' || true
	} >"$out/matrix-$pass.log"
done
