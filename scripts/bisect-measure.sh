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
# the build alone first: a commit that does not build is skipped, not bad
if ! KSRC=$tree "$IRQBENCH_ROOT/arch-matrix/build-kernel.sh" "$arch" "$kernel" "$config" >/dev/null; then
	echo "irqbench: bisect: $(git -C "$tree" rev-parse --short HEAD) does not build: skipped" >&2
	exit 125
fi
KSRC=$tree SELFTEST=0 REPEAT=1 \
	REQUEST="variants=$variant depths=$depth states=$state samples=5 model=$model" \
	"$IRQBENCH_ROOT/arch-matrix/run-cell.sh" "$arch" "$kernel" "$config" tcg-icount "$out" >&2 ||
	die "bisect: the guest failed at $(git -C "$tree" rev-parse --short HEAD) (see $out)"
/usr/bin/python3 - "$out/$arch-$kernel-$config.csv" "$variant" "$impl" "$depth" "$state" <<'EOF'
import csv, sys
path, variant, impl, depth, state = sys.argv[1:]
rows = [r for r in csv.DictReader(open(path))
        if (r["variant"], r["impl"], r["depth"], r["irq_state"]) == (variant, impl, depth, state)]
if len(rows) != 1 or rows[0]["unit"] != "insn":
    sys.exit(f"irqbench: bisect: {len(rows)} exact records of the case in {path}")
print(rows[0]["p50"])
EOF
