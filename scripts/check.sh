#!/bin/bash
# check.sh: every test irqbench has, ending with "N passed, N failed".
# Host unit tests and the fuzzer, linters, then guests that boot each of
# CHECK_ARCHS x CHECK_KERNELS (default config) and CHECK_ARCHS x CHECK_DEBUG
# (debug config; rt+debug for the first arch where PREEMPT_RT exists, 6.12
# on) with the kselftest inside; every KTAP result counts.
# CHECK_ONLY="host lint distro inputs guests broken checkers store hostile kcidb cli schema lava results
# variant annotate lava-run rust" runs
# only those stages (for a quick look; make check runs all). Two stages run
# only when named, too slow for make check's budget: CHECK_ONLY=bisect (make
# check-bisect: three kernel builds, minutes even warm) and CHECK_ONLY=arches
# (make check-arches: a kernel per arch beyond CHECK_ARCHS).
# CHECK_HOST_WRAP is a command the host tests run under: a test hook that
# shows a crash is caught (e.g. one that truncates their output and aborts).
set -uo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

# the default arches are defaults.mk's (the cell generator reads them)
CHECK_ARCHS=${CHECK_ARCHS:-$(unset ARCHS KERNELS CONFIGS; irqpy cells arches)}
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

# ktap PREFIX FILE: every result of a KTAP stream, judged by the kernel's
# own parser against the stream's plan: a planned result that never came
# (a crash, an abort) is a failure, and so is a stream with no results.
ktap() {
	local verdict name
	while IFS=$'\t' read -r verdict name; do
		note "$verdict" "$name"
	done < <(irqpy ktap "$src73/tools/testing/kunit" "$1" "$2" ||
		printf 'fail\t%sthe KTAP judge failed on %s\n' "$1" "$2")
}

# stage NAME: whether CHECK_ONLY (default: every stage but bisect and
# arches, which run only when named) includes NAME.
stage() {
	case $1 in bisect | arches) [[ " ${CHECK_ONLY:-} " == *" $1 "* ]] ;;
	*) [ -z "${CHECK_ONLY:-}" ] || [[ " $CHECK_ONLY " == *" $1 "* ]] ;;
	esac
}

# status NAME RC: a program that printed KTAP must also have exited 0.
status() {
	[ "$2" = 0 ] || note fail "$1 exited with status $2"
}

t=$(date +%s)
"$IRQBENCH_ROOT/arch-matrix/deps.sh" || { echo "irqbench: installing dependencies failed" >&2; exit 1; }
src73=$("$IRQBENCH_ROOT/arch-matrix/fetch-source.sh" 7.3) || exit 1
progress check deps "$t" "packages and the 7.3 tree"

# Host: the module's parser and statistics, the same files as the kernel's.
t=$(date +%s)
read -r -a wrap <<<"${CHECK_HOST_WRAP:-}"
if ! stage host; then
	:
elif make -s -C "$IRQBENCH_ROOT/selftests/host" KSELFTEST="$src73/tools/testing/selftests" \
	OUT="$out/host" all >"$out/host-build.log" 2>&1; then
	for tst in test_stats test_request; do
		rc=0
		"${wrap[@]}" "$out/host/$tst" >"$out/host/$tst.ktap" 2>&1 || rc=$?
		ktap "host/$tst: " "$out/host/$tst.ktap"
		status "host/$tst" "$rc"
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
stage lint && while IFS= read -r f; do
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
stage lint && for f in "$IRQBENCH_ROOT"/kmod-bench/*.[ch] "$IRQBENCH_ROOT"/selftests/irqbench/*.c; do
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
if ! stage distro; then
	:
elif [ -n "$kdir" ]; then
	rm -rf "$out/distro-module"
	mkdir -p "$out/distro-module"
	cp "$IRQBENCH_ROOT"/kmod-bench/{Kbuild,*.c,*.h} "$out/distro-module/"
	# Debian's headers call gcc-12 through ccache when asked (.kernelvariables)
	if make -C "$kdir" M="$out/distro-module" W=1 DEBIAN_KERNEL_USE_CCACHE=1 modules \
		>"$out/distro-module.log" 2>&1 &&
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

# Bad input to make bench, and hostile make variables through every
# target: refused up front, nothing run, nothing left behind.
stage inputs && for spec in "inputs test_bad_input.sh bad ARCHS, KERNELS, CONFIGS, ACCEL, REQUEST, KDIR" \
	"makevars test_make_vars.sh hostile make variables refused, none run"; do
	read -r name script what <<<"$spec"
	t=$(date +%s)
	rc=0
	"$IRQBENCH_ROOT/scripts/$script" >"$out/$name.ktap" 2>&1 || rc=$?
	ktap "$name: " "$out/$name.ktap"
	status "$name" "$rc"
	progress check "$name" "$t" "$what"
done

# Guests: the selftest (and a short sweep) in every arch x kernel.
# cell ARCH KERNEL CONFIG [ACCEL]: tcg-icount guests have one vCPU and go to
# guests/ (the results stage uses them); another accel's go to guests-ACCEL/.
cell() {
	local arch=$1 kernel=$2 config=$3 accel=${4:-tcg-icount} name=$1-$2-$3 dir=$out/guests
	[ "$accel" = tcg-icount ] || { dir=$out/guests-$accel; name=$name-$accel; }
	if REQUEST="variants=all depths=1,2 states=on,off,off-raw samples=5 model=v7.3,tip,v1-percpu" \
		"$IRQBENCH_ROOT/arch-matrix/run-cell.sh" "$arch" "$kernel" "$config" "$accel" "$dir"; then
		note pass "$name: boots, runs a sweep, no splat on the console"
	else
		note fail "$name: boot and sweep"
	fi
	ktap "$name: " "$dir/${name%-"$accel"}.ktap"
	if [ -f "$dir/${name%-"$accel"}.csv.gz" ]; then
		irqpy checks "$dir/${name%-"$accel"}" >"$dir/$name.records.ktap" 2>&1
		ktap "$name records: " "$dir/$name.records.ktap"
	else
		note fail "$name: no records to check"
	fi
}
# cells ARCHS KERNELS CONFIGS: the cells the cell generator makes of them
# ("arch kernel config" lines; the ones a fragment excludes left out)
cells() {
	ARCHS=$1 KERNELS=$2 CONFIGS=$3 irqpy cells cells |
		awk -F'\t' '$1 == "run" { print $2, $3, $4 }'
}
stage guests && while read -r arch kernel config; do
	cell "$arch" "$kernel" "$config" </dev/null
done < <(cells "$CHECK_ARCHS" "$CHECK_KERNELS" default)
# The first arch's debug guest is PREEMPT_RT as well (one kernel build, not
# two): spinlock_t variants run as the rt_mutex they are, and the selftest's
# lock_with() path (local_interrupt_disable() then spin_lock()) must draw
# the kernel's "sleeping function called from invalid context", passed
# only when that report was seen, never skipped. The other arches' debug
# guests check that the same path draws no report where it is legal.
stage guests && for kernel in $CHECK_DEBUG; do
	for arch in $CHECK_ARCHS; do
		if [ "$arch" != "${CHECK_ARCHS%% *}" ] || [ "$kernel" = 6.1 ]; then
			cell "$arch" "$kernel" debug
			continue
		fi
		cell "$arch" "$kernel" rt+debug
		# the selftest fails unless the report it was told to expect came;
		# that it was told so needs a PREEMPT_RT kernel: its records say
		if irqpy runfiles has "$out/guests/$arch-$kernel-rt+debug" lock_type rt_mutex; then
			note pass "$arch-$kernel-rt+debug: a PREEMPT_RT guest (lock_type rt_mutex), whose selftest expects lock_with()'s report"
		else
			note fail "$arch-$kernel-rt+debug: the guest's records show no PREEMPT_RT (no lock_type rt_mutex)"
		fi
	done
done
# The selftest as README says to run it in a kernel tree: copied into the
# 7.3 tree's tools/testing/selftests, built and installed by kselftest,
# and run by its run_kselftest.sh (busybox's shell) in one guest.
if stage guests; then
	arch=${CHECK_ARCHS%% *} kernel=${CHECK_KERNELS##* } name=intree
	if SELFTEST=intree REQUEST="variants=empty depths=1 samples=3" \
		"$IRQBENCH_ROOT/arch-matrix/run-cell.sh" "$arch" "$kernel" default tcg-icount "$out/intree"; then
		note pass "$name: the selftest built in the $kernel tree by kselftest boots in $arch and runs"
	else
		note fail "$name: kselftest build, install or run of irqbench in the $kernel tree ($arch)"
	fi
	ktap "$name: " "$out/intree/$arch-$kernel-default.ktap"
fi
# KSRC: a patched copy of the cached 7.3 tree, against the guests stage's
# x86_64 7.3 default cell from Debian's tree (scripts/check-ksrc.sh).
if stage guests && [[ " $CHECK_ARCHS " == *" x86_64 "* ]] && [[ " $CHECK_KERNELS " == *" 7.3 "* ]]; then
	rc=0
	"$IRQBENCH_ROOT/scripts/check-ksrc.sh" "$out/ksrc" "$out/guests/x86_64-7.3-default" \
		>"$out/ksrc.ktap" 2>"$out/ksrc.err" || rc=$?
	ktap "" "$out/ksrc.ktap"
	status "check-ksrc.sh" "$rc"
fi
# One guest with two vCPUs (plain TCG): the selftest's cpu=N test needs a
# second CPU, and its statistics check needs samples that spread.
stage guests && cell "${CHECK_ARCHS%% *}" "${CHECK_KERNELS##* }" default tcg

# A broken guest must fail with a clear message, never pass or hang: a
# panic (no init) and a hang (the same panic with panic=0, which waits).
# CHECK_BROKEN_CONFIG names the kernel config they boot (a config that does
# not build shows that this check then fails instead of vanishing).
broken() {
	local what=$1 want=$2 arch=${CHECK_ARCHS%% *} kernel=${CHECK_KERNELS##* } bdir log
	local config=${CHECK_BROKEN_CONFIG:-default} work
	shift 2
	if ! bdir=$("$IRQBENCH_ROOT/arch-matrix/build-kernel.sh" "$arch" "$kernel" "$config"); then
		note fail "a $what guest ($arch $kernel): its kernel did not build, so nothing was checked"
		return
	fi
	log=$out/broken-$what.log
	# the guests stage left this initramfs; a concurrent run may rebuild it
	work=$IRQBENCH_CACHE/work/$arch-$kernel-$config
	lock_wait 9 "$work.lock" "another run using $work"
	cp "$work/initramfs.cpio" "$out/broken.cpio" 2>/dev/null
	exec 9>&-
	if BOOT_TIMEOUT=20 "$IRQBENCH_ROOT/arch-matrix/boot.sh" "$arch" "$bdir/$(arch_image "$arch")" \
		"$out/broken.cpio" tcg-icount "$log" "$@" \
		2>"$log.err"; then
		note fail "a $what guest ($arch $kernel) is reported as a failure"
	elif grep -q "$want" "$log.err"; then
		note pass "a $what guest ($arch $kernel) fails the run: $(head -n 1 "$log.err" | cut -c1-90)"
	else
		note fail "a $what guest ($arch $kernel) fails with a clear message"
		cat "$log.err" >&2
	fi
}
if stage broken; then
	t=$(date +%s)
	broken panicking "Kernel panic" rdinit=/nonexistent
	broken hanging "hung: no end marker" rdinit=/nonexistent panic=0
	progress check broken "$t" "a panicking and a hanging guest"
fi

# Python test modules of tests/, each printing KTAP: NAME MODULE ARGS...
pytest_stage() {
	local name=$1 rc=0
	shift
	PYTHONPATH=$IRQBENCH_ROOT /usr/bin/python3 -m "tests.$1" "${@:2}" \
		>"$out/$name.ktap" 2>"$out/$name.log" || rc=$?
	ktap "$name: " "$out/$name.ktap"
	status "$name" "$rc"
}
# The checkers themselves, on planted faults: each must be caught.
stage checkers && pytest_stage checkers test_checkers "$src73/tools/testing/kunit"
# The store on SQLite and on a PostgreSQL server the test starts and stops
stage store && pytest_stage store test_store
# Damaged and hostile runs against every reader: nothing runs, nothing misjudged
stage hostile && pytest_stage hostile test_hostile
# KCIDB documents validate against the vendored schema; planted violations fail
stage kcidb && pytest_stage kcidb test_kcidb
# The host tools' command lines on hostile input: usage, paths, concurrent builds
stage cli && pytest_stage cli test_cli
# The record's fields, the variant table and the tree's layout, each in one home
stage schema && pytest_stage schema test_schema
# Every relative link of RESULTS.md and its pages names a file git tracks
stage schema && pytest_stage links test_links
# Every LAVA job of the whole matrix valid by LAVA's own schema; planted faults caught
stage lava && pytest_stage lava test_lava

# The results tooling on records the guests just produced.
t=$(date +%s)
if ! stage results; then
	:
elif ls "$out"/guests/*.csv.gz >/dev/null 2>&1; then
	pytest_stage results test_results "$out/guests"
	# RESULTS.md is exactly what the committed runs of the current irqbench
	# give, with a user's own run (make bench: a committed run's copy under
	# a newer id, no traces) planted in results/ beside them
	rc=0
	user=$IRQBENCH_ROOT/results/29991231T000000Z-check-userrun
	newest=$(git -C "$IRQBENCH_ROOT" ls-files -- 'results/*/run.json' | sort | tail -n 1)
	rm -rf "$user"
	cp -r "$IRQBENCH_ROOT/$(dirname "$newest")" "$user" && rm -rf "$user/annotate"
	IRQBENCH_DB=$out/results.sqlite irqpy report --check >"$out/results-page.log" 2>&1 || rc=$?
	rm -rf "$user"
	if [ "$rc" = 0 ]; then
		note pass "RESULTS.md is what the committed runs of the current irqbench give, a user's run beside them"
	else
		note fail "RESULTS.md: $(tail -n 1 "$out/results-page.log")"
	fi
else
	note fail "results: no guest records to test the tooling on"
fi
progress check results "$t" "compare, history, plots, dashboard, RESULTS.md"

# Stages that are one script writing KTAP: NAME SCRIPT DESCRIPTION [ERRLOG]
# (ERRLOG: its stderr goes to $out/NAME.log instead of the console).
ktap_stage() {
	local t
	stage "$1" || return 0
	t=$(date +%s)
	mkdir -p "$out/$1"
	if [ -n "${4:-}" ]; then
		"$IRQBENCH_ROOT/scripts/$2" "$out/$1" >"$out/$1.ktap" 2>"$out/$1.log"
	else
		"$IRQBENCH_ROOT/scripts/$2" "$out/$1" >"$out/$1.ktap"
	fi
	ktap "$1: " "$out/$1.ktap"
	progress check "$1" "$t" "$3"
}
# a variant added in two places appears in records, checks and pages
ktap_stage variant check-variant.sh "a throwaway variant: records, checks, pages"
# trace length == tcg-icount figure, on CHECK_ARCHS
if stage annotate; then
	t=$(date +%s)
	mkdir -p "$out/annotate"
	# shellcheck disable=SC2086 # one word per arch
	"$IRQBENCH_ROOT/scripts/check-annotate.sh" "$out/annotate" $CHECK_ARCHS >"$out/annotate.ktap"
	ktap "annotate: " "$out/annotate.ktap"
	progress check annotate "$t" "trace length against the icount figure"
fi
# make bisect names a planted one-instruction commit
ktap_stage bisect check-bisect.sh "make bisect on a three-commit history" errlog
# one cell through Debian's lava-dispatcher: its records equal the direct run's
if stage lava-run; then
	t=$(date +%s)
	CHECK_DIR=$out/lava-run "$IRQBENCH_ROOT/scripts/check-lava.sh" >"$out/lava-run.ktap" 2>"$out/lava-run.log"
	ktap "lava-run: " "$out/lava-run.ktap"
	progress check lava-run "$t" "x86_64-7.3-default direct and through lava-run, equal"
fi
# one Rust (LLVM=1) kernel, the Rust module's records
ktap_stage rust check-rust.sh "x86_64-7.3-rust: build, boot, Rust records"
# and that guest's selftest
stage rust && ktap "rust selftest: " "$out/rust/x86_64-7.3-rust.ktap"

# Every arch of arch-matrix/arches.tsv beyond CHECK_ARCHS boots once on 7.3
# default with the kselftest inside, records checked, and is traced
if stage arches; then
	t=$(date +%s)
	others=$(arch_names | grep -v -x -F -f <(tr ' ' '\n' <<<"$CHECK_ARCHS") | paste -sd ' ')
	# their cross compilers and QEMUs (the deps stage installs CHECK_ARCHS')
	# shellcheck disable=SC2086 # one word per arch
	"$IRQBENCH_ROOT/arch-matrix/deps.sh" $others || note fail "arches: installing their packages failed"
	while read -r arch kernel config; do
		cell "$arch" "$kernel" "$config" </dev/null
	done < <(cells "$others" 7.3 default)
	# and their traces: counted, lock_with and irqsave at depths 1 and 2
	mkdir -p "$out/arches-annotate"
	# shellcheck disable=SC2086 # one word per arch
	"$IRQBENCH_ROOT/scripts/check-annotate.sh" "$out/arches-annotate" $others \
		>"$out/arches-annotate.ktap"
	ktap "arches annotate: " "$out/arches-annotate.ktap"
	progress check arches "$t" "the arches beyond CHECK_ARCHS on 7.3, booted and traced"
fi

passed=$(grep -c '^pass' "$tally" || true)
failed=$(grep -c '^fail' "$tally" || true)
skipped=$(grep -c '^skip' "$tally" || true)
echo "results: $tally"
echo "$passed passed, $failed failed, $skipped skipped" | tee "$out/summary"
[ "$failed" = 0 ]
