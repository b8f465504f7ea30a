#!/bin/bash
# time-lava.sh [CELL]: the LAVA path's time beside the direct one, on one
# cell (default x86_64-7.3-default, tcg-icount), warm: hyperfine over make
# bench of the cell and make lava-run of it, exported to
# results/pipeline/hyperfine-lava.json for the pipeline page. Their runs
# and store are scratch (build/pipeline/lava), never results/.
set -euo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

cell=${1:-x86_64-7.3-default}
rest=${cell#*-}
arch=${cell%%-*} kernel=${rest%%-*} config=${rest#*-}
out=$IRQBENCH_ROOT/results/pipeline
work=$IRQBENCH_ROOT/build/pipeline/lava
rm -rf "$work"
mkdir -p "$out" "$work"
env=(RESULTS="$work/results" IRQBENCH_DB="$work/store.sqlite" ACCEL=tcg-icount
	ARCHS="$arch" KERNELS="$kernel" CONFIGS="$config")
# hyperfine runs each command through a shell: every word quoted
printf -v bench '%q ' env "${env[@]}" make -s -C "$IRQBENCH_ROOT" bench
printf -v lava_run '%q ' env "${env[@]}" make -s -C "$IRQBENCH_ROOT" lava-run "CELL=$cell"
hyperfine --warmup 1 --runs "${PIPELINE_RUNS:-3}" --export-json "$out/hyperfine-lava.json" \
	-n "make bench, one cell ($cell, tcg-icount): build-cell.sh and boot.sh" "$bench" \
	-n "make lava-run CELL=$cell: the same artefacts through Debian's lava-dispatcher" "$lava_run"
