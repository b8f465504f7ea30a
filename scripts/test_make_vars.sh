#!/bin/bash
# test_make_vars.sh: make's variables are data, as KTAP. Every target a
# user variable steers is run as `make -s TARGET VAR=VALUE` with each
# hostile VALUE of the table below (command substitution for make and for
# the shell, backticks, quotes that close a word, ;, a space, a newline,
# an option): a marker file any of them would create must never appear,
# each must be refused with one "irqbench: error:" line and exit 3 (make's
# "Error 3" line beside it).
# make help must print the values and exit 0; scripts/irqbench.sh must
# exit with the tool's 3 where make exits 2.
# Nothing is built and no guest boots: every value here is refused before
# any work (the shape checks of scripts/make-run.sh, the variable check of
# irqbench/cells.py). A value that passes them would start a build for
# bench, matrix, remeasure, annotate, bisect, lava-run, check-lava,
# time-lava and calibrate: those targets are tested with refused values only.
# RESULTS, IRQBENCH_DB, IRQBENCH_CACHE (and the work root and ccache under
# it) and CHECK_DIR lie under a plain file: should a value ever get past
# the checks (a regression of the Makefile), the run stops where it first
# makes a directory there (its run directory, the kernel's source in the
# cache), before any build, even as root; and each make is killed at 30 s.
set -uo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

tmp=$(mktemp -d)
mark=$tmp/marker
trap 'rm -rf "$tmp"' EXIT
guard=$tmp/guard
: >"$guard"
mkdir -p "$tmp/nogit"
values=(
	"\$(touch $mark)"
	"\$(shell touch $mark)"
	"\`touch $mark\`"
	"\"; touch $mark; \""
	"'; touch $mark; '"
	"x;touch $mark"
	"a b"
	"x"$'\n'"touch $mark"
	"--help"
)
ok_case=lock_with/native/d1/off
# TARGET|VAR|other assignments (words without spaces). Of the run's
# variables, which irqbench/cells.py checks the same way (test_bad_input.sh
# holds its refusals), bench takes four: the recipe's part is the same
# for all.
tests=(
	"bench|ARCHS|" "bench|LLVM|" "bench|REQUEST|" "bench|KSRC|"
	"matrix|ARCHS|" "matrix|ACCEL|" "matrix|MATRIX_KERNELS|"
	"remeasure|ARCHS|" "remeasure|REMEASURE_ARCHES|" "remeasure|REMEASURE_CONFIGS|"
	"annotate|CASE|" "annotate-results|ARCHS|"
	"bisect|CASE|KSRC=$tmp/nogit" "bisect|GOOD|KSRC=$tmp/nogit" "bisect|BAD|KSRC=$tmp/nogit"
	"bisect|KSRC|" "bisect|MIN_INSN|KSRC=$tmp/nogit"
	"compare|BASE|" "compare|NEW|BASE=latest" "compare|THRESHOLD|" "compare|ACROSS|"
	"compare|FROM|ACROSS=kernel" "compare|TO|ACROSS=kernel" "compare|MIN_INSN|"
	"history|CASE|" "history|ARCH|" "history|CONFIG|" "history|ACCEL|"
	"explain|A|B=$ok_case" "explain|B|A=$ok_case" "explain|ARCH|A=$ok_case B=$ok_case"
	"explain|CONFIG|A=$ok_case B=$ok_case"
	"kcidb|RUN|" "kcidb|ORIGIN|" "kcidb|FILES_URL|"
	"repeat|RUN|" "baseline|RUN|"
	"lava|ARCHS|" "lava-run|CELL|" "lava-collect|JOB|" "lava-collect|DIR|"
	"check-lava|CELL|" "time-lava|CELL|"
	"module|KDIR|" "bare-metal|KDIR|"
	"calibrate|ARCHS|" "calibrate|CALIBRATE_REPEAT|" "fuzz|FUZZ_SECONDS|"
)

# mk ARGS...: make in this tree, its environment scratch and its variables
# unset (defaults.mk's), at most 30 s
mk() {
	env -u ARCHS -u KERNELS -u CONFIGS -u ACCEL -u REQUEST -u REPEAT -u LLVM -u KSRC \
		-u MAKEFLAGS -u MAKELEVEL -u MFLAGS -u IRQBENCH_RC_FILE -u CHECK_ONLY \
		RESULTS="$guard/results" IRQBENCH_DB="$guard/store.sqlite" IRQBENCH_CACHE="$guard/cache" \
		IRQBENCH_WORK="$guard/cache" CCACHE_DIR="$guard/ccache" CHECK_DIR="$guard/check" \
		timeout 30 "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
}

# result OK-TEXT FAIL-TEXT [STDERR]: test $n's KTAP line from bad[] (empty:
# passed), the wrong values and the last stderr as diagnostics
result() {
	if [ ${#bad[@]} = 0 ]; then
		echo "ok $n $1"
	else
		echo "not ok $n $2: ${#bad[@]} of ${#values[@]} wrong"
		printf '# %s\n' "${bad[@]}"
		[ -z "${3:-}" ] || sed 's/^/# last stderr: /' "$3"
	fi
}

echo "TAP version 13"
echo "1..$((${#tests[@]} + 2))"
n=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	IFS='|' read -r target var extra <<<"$t"
	read -r -a more <<<"$extra"
	bad=()
	for v in "${values[@]}"; do
		rc=0
		mk make -s -C "$IRQBENCH_ROOT" "$target" "${more[@]}" "$var=$v" || rc=$?
		# the tool's lines: all but make's own "make: *** [...] Error 3"
		mapfile -t err <"$tmp/err"
		why=() made=0
		for l in "${err[@]}"; do
			if [[ $l =~ ^make:\ \*\*\*\ \[.*\]\ Error\ 3$ ]]; then made=1; else why+=("$l"); fi
		done
		if [ -e "$mark" ]; then
			bad+=("$(printf %q "$v"): the marker was made")
			rm -f "$mark"
		elif [ "$rc" != 2 ] || [ "$made" = 0 ]; then
			bad+=("$(printf %q "$v"): exit $rc, not make's 2 with the tool's 3 (${err[*]: -1})")
		elif [ ${#why[@]} != 1 ] || [[ ${why[0]} != "irqbench: error: "* ]]; then
			bad+=("$(printf %q "$v"): not one 'irqbench: error:' line: $(printf %q "${why[*]}")")
		fi
	done
	result "make $target $var=<each of ${#values[@]} hostile values>: refused in one line, exit 3, no marker" \
		"make $target $var=<hostile values>" "$tmp/err"
done

n=$((n + 1))
bad=()
for v in "${values[@]}"; do
	rc=0
	mk make -s -C "$IRQBENCH_ROOT" help "ARCHS=$v" "MATRIX_KERNELS=$v" || rc=$?
	if [ -e "$mark" ]; then
		bad+=("$(printf %q "$v"): the marker was made")
		rm -f "$mark"
	elif [ "$rc" != 0 ] || ! grep -qF "ARCHS='${v%%$'\n'*}" "$tmp/out"; then
		bad+=("$(printf %q "$v"): exit $rc, or the value not printed as given")
	fi
done
result "make help ARCHS=<value> MATRIX_KERNELS=<value> prints each value as given, no marker" \
	"make help prints hostile values as given"

n=$((n + 1))
rc=0
mk "$IRQBENCH_ROOT/scripts/irqbench.sh" compare "THRESHOLD=x;touch $mark" || rc=$?
if [ "$rc" = 3 ] && [ ! -e "$mark" ] && grep -q '^irqbench: error: THRESHOLD=' "$tmp/err"; then
	echo "ok $n scripts/irqbench.sh compare THRESHOLD=<hostile> exits with the tool's 3, not make's 2"
else
	echo "not ok $n scripts/irqbench.sh compare THRESHOLD=<hostile> exits with the tool's 3 (exit $rc)"
	sed 's/^/# /' "$tmp/err"
fi
