#!/bin/bash
# check-annotate.sh OUT_DIR [ARCH...]: on each ARCH (default ARCHS, make
# check's; make check-arches passes riscv64 ppc64le s390x), 7.3
# default, one short tcg-icount run of counted, lock_with and irqsave at
# depths 1 and 2 in every entry state they have, then one annotate boot of
# the same cases; prints one KTAP line per arch: ok only if every traced
# length equals its icount p50 and every traced pc is an instruction start
# in objdump (or, ppc64le, in the call stubs the module loader writes):
# annotate-matrix.sh's exit status, which a missing figure fails too.
set -uo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

out=${1:?usage: check-annotate.sh OUT_DIR [ARCH...]}
shift
archs=("$@")
[ ${#archs[@]} -gt 0 ] || read -r -a archs <<<"$(irqpy cells arches)"
cases=()
for d in 1 2; do
	for st in on off off-raw; do cases+=("counted/native/d$d/$st"); done
	for st in off off-raw; do cases+=("lock_with/native/d$d/$st"); done
	for st in on off; do cases+=("irqsave/native/d$d/$st"); done
done
echo "TAP version 13"
echo "1..${#archs[@]}"
i=0
for arch in "${archs[@]}"; do
	i=$((i + 1))
	cell=$arch-7.3-default
	# variants=all: a named variant must be possible in every named state
	if SELFTEST=0 REQUEST="variants=all depths=1,2 states=on,off,off-raw samples=5" \
		"$IRQBENCH_ROOT/arch-matrix/run-cell.sh" "$arch" 7.3 default tcg-icount "$out/icount" \
		>"$out/$cell.icount.log" 2>&1 &&
		ARCHS=$arch KERNELS=7.3 CONFIGS=default RECORDS_DIR=$out/icount \
			"$IRQBENCH_ROOT/arch-matrix/annotate-matrix.sh" "$out/annotate" "${cases[@]}" \
			>"$out/$cell.annotate.log" 2>&1; then
		echo "ok $i annotate $arch: ${#cases[@]} trace lengths equal their icount p50"
	else
		echo "not ok $i annotate $arch: see $out/$cell.annotate.log"
	fi
done
