#!/bin/bash
# test_bad_input.sh: bad input to make bench is refused before any work,
# as KTAP. Each case runs arch-matrix/matrix.sh against a scratch RESULTS
# and must exit 3 with one "irqbench: error:" line and leave no directory;
# a valid request must pass the same host parser; make module without a
# kernel tree must name the headers package and KDIR.
set -uo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cases=(
	"ARCHS=mips|unknown arch 'mips'"
	"ARCHS=all,mips|unknown arch 'mips' in ARCHS (all, or some of: x86_64 arm64 riscv64"
	"ARCHS=all CONFIGS=nope|unknown config 'nope'"
	"KERNELS=5.10|kernel '5.10'"
	"CONFIGS=nope|unknown config 'nope'"
	"CONFIGS=common|unknown config 'common'"
	"ACCEL=xen|ACCEL must be"
	"ARCHS=x86_64 CONFIGS=pseudo-nmi|pseudo-nmi is arm64 only"
	"CONFIGS=rt+nope|unknown config 'nope'"
	"CONFIGS=rt++debug|fragment names joined by single +"
	"ARCHS=x86_64 CONFIGS=debug+pseudo-nmi|pseudo-nmi is arm64 only"
	"CONFIGS=rust+debug|a Rust config is not joined"
	"REQUEST=variants=nosuch|bad REQUEST: unknown variant"
	"ACCEL=tcg-icount REQUEST=cpu=1|bad REQUEST: cpu must be"
	"REQUEST=depths=1-17|bad REQUEST: depth"
	"KERNELS=6.1 CONFIGS=rust|CONFIGS=rust: rust needs kernel 7.3 or newer"
	"KERNELS=6.1 CONFIGS=rt|CONFIGS=rt: rt needs kernel 6.12 or newer"
	"LLVM=2|LLVM must be 1 or unset"
	"REPEAT=0|REPEAT must be a positive integer"
)
echo "TAP version 13"
echo "1..$((${#cases[@]} + 2))"
n=0
for c in "${cases[@]}"; do
	n=$((n + 1))
	vars=${c%%|*} want=${c#*|}
	rc=0
	# shellcheck disable=SC2086 # vars is a list of assignments
	env -u KSRC -u LLVM ARCHS="x86_64 arm64" KERNELS=7.3 CONFIGS=default ACCEL=tcg-icount \
		REQUEST="variants=all" $vars RESULTS="$tmp/results" \
		"$IRQBENCH_ROOT/arch-matrix/matrix.sh" >"$tmp/out" 2>"$tmp/err" || rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ "$rc" = 3 ] && [ "$lines" = 1 ] && grep -q "^irqbench: error: .*$want" "$tmp/err" &&
		[ ! -e "$tmp/results" ] && [ ! -s "$tmp/out" ]; then
		echo "ok $n $vars is refused up front: $(cut -c1-100 "$tmp/err")"
	else
		echo "not ok $n $vars is refused up front (exit $rc, $lines lines, results dir: $([ -e "$tmp/results" ] && echo left || echo none))"
		sed 's/^/# /' "$tmp/err"
	fi
	rm -rf "$tmp/results"
done
n=$((n + 1))
make -s -C "$IRQBENCH_ROOT/selftests/host" KSELFTEST= OUT="$tmp/tools" "$tmp/tools/request_check" >"$tmp/err" 2>&1
irqbench_env
req=$REQUEST
if "$tmp/tools/request_check" 1 "$req" 2>>"$tmp/err"; then
	echo "ok $n the default request passes the host parser"
else
	echo "not ok $n the default request passes the host parser: $(tail -n 1 "$tmp/err")"
fi
n=$((n + 1))
rc=0
make -s -C "$IRQBENCH_ROOT" module KDIR="$tmp/no-kernel" >/dev/null 2>"$tmp/err" || rc=$?
if [ "$rc" != 0 ] && grep -q "linux-headers-$(uname -r)" "$tmp/err" && grep -q KDIR "$tmp/err" &&
	! grep -q -i "kbuild\|No rule" "$tmp/err"; then
	echo "ok $n make module with no kernel tree names the headers package and KDIR"
else
	echo "not ok $n make module with no kernel tree names the headers package and KDIR (exit $rc)"
	sed 's/^/# /' "$tmp/err"
fi
