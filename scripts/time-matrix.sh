#!/bin/bash
# time-matrix.sh: how long `make matrix ACCEL=tcg-icount` takes, measured by
# hyperfine (one run each: a matrix run is long and its own repeat), twice:
# "first" with whatever kernels the cache already holds (the count of
# kernels built is written beside it), then "warm" with every kernel
# cached. Writes results/pipeline/hyperfine-matrix-{first,warm}.json and
# matrix-kernels.txt for report.py. Run nothing else meanwhile (two cores).
set -euo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

out=$IRQBENCH_ROOT/results/pipeline
mkdir -p "$out"
builds() { find "$IRQBENCH_CACHE/build" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l; }
rm -f "$out/matrix-kernels.txt.new"
cmd="make -s -C $IRQBENCH_ROOT matrix ACCEL=tcg-icount"
for pass in first warm; do
	before=$(builds)
	hyperfine --runs 1 --show-output --export-json "$out/hyperfine-matrix-$pass.json" \
		-n "make matrix ACCEL=tcg-icount ($pass)" "$cmd"
	echo "$pass: $(($(builds) - before)) kernels built" >>"$out/matrix-kernels.txt.new"
done
mv "$out/matrix-kernels.txt.new" "$out/matrix-kernels.txt"
