#!/bin/bash
# check.sh: every test irqbench has, ending with "N passed, N failed".
# Host unit tests and the fuzzer, linters, then guests that boot each of
# CHECK_ARCHS x CHECK_KERNELS (default config) and CHECK_DEBUG (debug
# config) with the kselftest inside; every KTAP result counts.
set -uo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

CHECK_ARCHS=${CHECK_ARCHS:-x86_64 arm64}
CHECK_KERNELS=${CHECK_KERNELS:-6.1 7.3}
CHECK_DEBUG=${CHECK_DEBUG:-7.3}
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
out=$IRQBENCH_ROOT/build/check
rm -rf "$out"
mkdir -p "$out"
tally=$out/tally.tsv
: >"$tally"

# note VERDICT NAME: one test result.
note() {
	printf '%s\t%s\n' "$1" "$2" >>"$tally"
	[ "$1" = fail ] && echo "FAIL: $2" >&2
	return 0
}

# ktap PREFIX FILE: every "ok"/"not ok" line of a KTAP stream.
ktap() {
	local prefix=$1 file=$2 line count
	while IFS= read -r line; do
		case $line in
		"ok "*"# SKIP"*) note skip "$prefix${line#ok }" ;;
		"ok "*) note pass "$prefix${line#ok }" ;;
		"not ok "*) note fail "$prefix${line#not ok }" ;;
		esac
	done < <(tr -d '\r' <"$file")
	count=$(grep -c -E "^(not )?ok " "$file" || true)
	[ "$count" -gt 0 ] || note fail "${prefix}KTAP stream has no results ($file)"
}

t=$(date +%s)
"$IRQBENCH_ROOT/arch-matrix/deps.sh" || { echo "irqbench: installing dependencies failed" >&2; exit 1; }
src73=$("$IRQBENCH_ROOT/arch-matrix/fetch-source.sh" 7.3) || exit 1
progress check deps "$t" "packages and the 7.3 tree"

# Host: the module's parser and statistics, the same files as the kernel's.
t=$(date +%s)
if make -s -C "$IRQBENCH_ROOT/selftests/host" KSELFTEST="$src73/tools/testing/selftests" \
	OUT="$out/host" all >"$out/host-build.log" 2>&1; then
	for tst in test_stats test_request; do
		"$out/host/$tst" >"$out/host/$tst.ktap" 2>&1
		ktap "host/$tst: " "$out/host/$tst.ktap"
	done
	if "$out/host/fuzz_request" -max_total_time="$FUZZ_SECONDS" -max_len=600 \
		"$out/host/corpus" "$IRQBENCH_ROOT/selftests/host/corpus" >"$out/host/fuzz.log" 2>&1; then
		note pass "fuzz: request parser, $(grep -o -E 'Done [0-9]+ runs' "$out/host/fuzz.log" | head -n 1), no finding"
	else
		note fail "fuzz: request parser crashed (see $out/host/fuzz.log)"
		tail -n 20 "$out/host/fuzz.log" >&2
	fi
else
	note fail "host tests build"
	tail -n 20 "$out/host-build.log" >&2
fi
progress check host "$t" "unit tests and ${FUZZ_SECONDS}s of fuzzing"

# Lint: shellcheck over every script, checkpatch --strict over kernel code.
t=$(date +%s)
while IFS= read -r f; do
	if (cd "$(dirname "$f")" && shellcheck -x "$(basename "$f")") >"$out/shellcheck.log" 2>&1; then
		note pass "shellcheck ${f#"$IRQBENCH_ROOT"/}"
	else
		note fail "shellcheck ${f#"$IRQBENCH_ROOT"/}"
		cat "$out/shellcheck.log" >&2
	fi
done < <(find "$IRQBENCH_ROOT" -path "$IRQBENCH_ROOT/build" -prune -o \
	\( -name '*.sh' -o -path '*/.ci/run' \) -type f -print | sort)
# Kernel code (the module, the kselftest): no errors or warnings; --strict's
# CHECKs are shown but do not fail (macro argument reuse in the
# function-generating macros is deliberate).
for f in "$IRQBENCH_ROOT"/kmod-bench/*.[ch] "$IRQBENCH_ROOT"/selftests/irqbench/*.c; do
	"$src73/scripts/checkpatch.pl" --strict --no-tree --quiet --terse -f "$f" \
		>"$out/checkpatch.log" 2>&1
	if grep -q 'total: 0 errors, 0 warnings' "$out/checkpatch.log"; then
		note pass "checkpatch --strict ${f#"$IRQBENCH_ROOT"/}: $(grep -o '[0-9]* checks' "$out/checkpatch.log")"
	else
		note fail "checkpatch --strict ${f#"$IRQBENCH_ROOT"/}"
		cat "$out/checkpatch.log" >&2
	fi
done
progress check lint "$t" "shellcheck, checkpatch --strict"

# The bare-metal path: irqbench.ko against Debian's own kernel headers.
t=$(date +%s)
kdir=$(find /usr/src -maxdepth 1 -name 'linux-headers-*-amd64' | sort -V | tail -n 1)
if [ -n "$kdir" ]; then
	rm -rf "$out/distro-module"
	mkdir -p "$out/distro-module"
	cp "$IRQBENCH_ROOT"/kmod-bench/{Kbuild,*.c,*.h} "$out/distro-module/"
	if make -C "$kdir" M="$out/distro-module" W=1 modules >"$out/distro-module.log" 2>&1 &&
		! grep -q "warning:" "$out/distro-module.log"; then
		note pass "irqbench.ko builds with W=1 and no warning against $(basename "$kdir")"
	else
		note fail "irqbench.ko against $(basename "$kdir")"
		grep -E "warning:|error:" "$out/distro-module.log" >&2
	fi
else
	note fail "no Debian linux-headers-*-amd64 to build the bare-metal module against"
fi
progress check distro "$t" "module against a distribution kernel's headers"

# Guests: the selftest (and a short sweep) in every arch x kernel.
cell() {
	local arch=$1 kernel=$2 config=$3 name=$1-$2-$3
	if REQUEST="variants=all depths=1,2 samples=5 model=v7.3,tip,v1-percpu" \
		"$IRQBENCH_ROOT/arch-matrix/run-cell.sh" "$arch" "$kernel" "$config" tcg-icount "$out/guests"; then
		note pass "$name: boots, runs a sweep, no splat on the console"
		note pass "$name: $(($(wc -l <"$out/guests/$name.csv") - 1)) records collected"
	else
		note fail "$name: boot and sweep"
	fi
	if [ -f "$out/guests/$name.ktap" ]; then
		ktap "$name: " "$out/guests/$name.ktap"
	else
		note fail "$name: no selftest output"
	fi
}
for kernel in $CHECK_KERNELS; do
	for arch in $CHECK_ARCHS; do
		cell "$arch" "$kernel" default
	done
done
for kernel in $CHECK_DEBUG; do
	for arch in $CHECK_ARCHS; do
		cell "$arch" "$kernel" debug
	done
done

# A broken guest must fail with a clear message, never pass or hang: a
# panic (no init) and a hang (the same panic with panic=0, which waits).
broken() {
	local what=$1 want=$2 arch=${CHECK_ARCHS%% *} kernel=${CHECK_KERNELS##* } bdir log
	shift 2
	bdir=$("$IRQBENCH_ROOT/arch-matrix/build-kernel.sh" "$arch" "$kernel" default) || return 0
	log=$out/broken-$what.log
	if BOOT_TIMEOUT=20 "$IRQBENCH_ROOT/arch-matrix/boot.sh" "$arch" "$bdir/$(arch_image "$arch")" \
		"$IRQBENCH_CACHE/work/$arch-$kernel-default/initramfs.cpio" tcg-icount "$log" "$@" \
		2>"$log.err"; then
		note fail "a $what guest ($arch $kernel) is reported as a failure"
	elif grep -q "$want" "$log.err"; then
		note pass "a $what guest ($arch $kernel) fails the run: $(head -n 1 "$log.err" | cut -c1-90)"
	else
		note fail "a $what guest ($arch $kernel) fails with a clear message"
		cat "$log.err" >&2
	fi
}
t=$(date +%s)
broken panicking "Kernel panic" rdinit=/nonexistent
broken hanging "hung: no end marker" rdinit=/nonexistent panic=0
progress check broken "$t" "a panicking and a hanging guest"

# The results tooling on records the guests just produced.
t=$(date +%s)
if ls "$out"/guests/*.json >/dev/null 2>&1; then
	/usr/bin/python3 "$IRQBENCH_ROOT/scripts/test_results.py" "$out/guests" \
		>"$out/results.ktap" 2>"$out/results.log"
	ktap "results: " "$out/results.ktap"
else
	note fail "results: no guest records to test the tooling on"
fi
progress check results "$t" "compare, history, plots, dashboard"

# ---- annotate (issue 9): trace length == tcg-icount figure, both arches
t=$(date +%s)
mkdir -p "$out/annotate"
"$IRQBENCH_ROOT/scripts/check-annotate.sh" "$out/annotate" >"$out/annotate.ktap"
ktap "annotate: " "$out/annotate.ktap"
progress check annotate "$t" "trace length against the icount figure"
# ---- end annotate

passed=$(grep -c '^pass' "$tally" || true)
failed=$(grep -c '^fail' "$tally" || true)
skipped=$(grep -c '^skip' "$tally" || true)
echo "results: $tally"
echo "$passed passed, $failed failed, $skipped skipped" | tee "$out/summary"
[ "$failed" = 0 ]
