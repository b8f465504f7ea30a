#!/bin/bash
# calibrate.sh OUT_DIR: the ns-mode gate's calibration. Two runs at one
# commit over ARCHS x KERNELS x CONFIGS under plain TCG with REPEAT boots
# per cell (RESULTS=OUT_DIR), then irqbench/calibrate.py compares them: the
# false-positive rate of run 2 against run 1, and whether a planted 5 %
# slowdown of one case (its per-boot figures in run 2 scaled by 1.05) is found.
set -euo pipefail
out=${1:?usage: calibrate.sh OUT_DIR}
here=$(cd "$(dirname "$0")/.." && pwd)
# CALIBRATE_REPEAT, not REPEAT: make exports REPEAT=1 for every target
export ACCEL=tcg REPEAT=${CALIBRATE_REPEAT:-5} SELFTEST=0 RESULTS=$out
# ARCHS, KERNELS and CONFIGS as given, else defaults.mk's (matrix.sh reads them)
export REQUEST=${REQUEST:-variants=all depths=1,2,4,8 states=on,off samples=31 model=v7.3,tip,v1-percpu}
# the command run.json records: each value quoted as one shell word
printf -v vars ' %q' "ARCHS=${ARCHS:-}" "KERNELS=${KERNELS:-}" "CONFIGS=${CONFIGS:-}" ACCEL=tcg \
	"REPEAT=$REPEAT" "REQUEST=$REQUEST"
for i in 1 2; do
	IRQBENCH_COMMAND="scripts/calibrate.sh (run $i)$vars" "$here/arch-matrix/matrix.sh"
done
