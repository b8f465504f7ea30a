#!/bin/bash
# bisect-measure.sh TREE CASE OUT: builds TREE's checked-out kernel (ccache),
# boots it under tcg-icount with a request for CASE alone and prints CASE's
# figure in instructions. Exit 125 when the kernel does not build (git
# bisect skips such a commit), 1 when the guest or the case failed.
# Environment: BISECT_ARCH (x86_64), BISECT_CONFIG (default), IRQBENCH_WORK.
set -euo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

tree=${1:?usage: bisect-measure.sh TREE CASE OUT}
case=${2:?}
out=${3:?}
arch=${BISECT_ARCH:-x86_64}
config=${BISECT_CONFIG:-default}
IFS=/ read -r variant impl depth state <<<"$case"
depth=${depth#d}
case $impl in
native | native-builtin) model=none ;;
*) model=$impl ;;
esac
kernel=$(kernel_version "$tree")
kernel=${kernel%%-*}
kernel=${kernel%.0}

rm -rf "$out"
mkdir -p "$out"
# One build per step: run-cell builds; a commit that does not build is
# skipped (exit 125), not called bad.
if ! KSRC=$tree SELFTEST=0 REPEAT=1 \
	REQUEST="variants=$variant depths=$depth states=$state samples=5 model=$model" \
	"$IRQBENCH_ROOT/arch-matrix/run-cell.sh" "$arch" "$kernel" "$config" tcg-icount "$out" \
	>"$out/run-cell.err" 2>&1; then
	cat "$out/run-cell.err" >&2
	if grep -q 'kernel build failed' "$out/run-cell.err"; then
		echo "irqbench: bisect: $(git -C "$tree" rev-parse --short HEAD) does not build: skipped" >&2
		exit 125
	fi
	die "bisect: the guest failed at $(git -C "$tree" rev-parse --short HEAD) (see $out)"
fi
cat "$out/run-cell.err" >&2
PYTHONPATH=$IRQBENCH_ROOT /usr/bin/python3 -P - "$out/$arch-$kernel-$config.csv.gz" "$variant" "$impl" "$depth" "$state" <<'EOF'
import sys
from irqbench import runfiles
path, variant, impl, depth, state = sys.argv[1:]
rows = [r for r in runfiles.read_records(path)
        if (r["variant"], r["impl"], str(r["depth"]), r["irq_state"]) == (variant, impl, depth, state)]
if len(rows) != 1 or rows[0]["unit"] != "insn":
    sys.exit(f"irqbench: bisect: {len(rows)} exact records of the case in {path}")
print(f"{rows[0]['p50']:.3f}")
EOF
