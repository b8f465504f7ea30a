#!/bin/bash
# make-run.sh TARGET: what `make TARGET` runs. The Makefile hands every
# user variable (CASE, BASE, CELL, ...) to this script in the environment,
# never as recipe text, and its recipes are this fixed command line: here
# each value is checked for its shape before any work (a bad one: one
# "irqbench: error:" line, exit 3) and the tool's argument vector is built
# from it, one argument per value, so no value is ever read as code.
# The variables of a run (ARCHS, KERNELS, CONFIGS, ACCEL, REQUEST, REPEAT,
# LLVM, KSRC) are checked by irqbench/cells.py, as matrix.sh does.
# Exit: the tool's own code. make turns any failure into its own exit 2
# (its "Error N" line names this code); scripts/irqbench.sh keeps the code:
# with IRQBENCH_RC_FILE set, the code is also written to that file.
set -uo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

trap 'rc=$?; [ -z "${IRQBENCH_RC_FILE:-}" ] || echo "$rc" >"$IRQBENCH_RC_FILE"' EXIT
# The command-line variables make hands down in MAKEFLAGS would be parsed
# (and expanded) again by every make below this one (kbuild, the host
# tests): they are in the environment already, as data.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL

# q VALUE: VALUE as one shell word, on one line (printf %q)
q() {
	printf '%q' "$1"
}

# word NAME: NAME=VALUE as one shell word each side, for a recorded command
# line (run.json's command): plain when VALUE needs no quoting
word() {
	local v=${!1-}
	if [[ $v =~ ^[A-Za-z0-9_.,+:/=@%-]+$ ]]; then
		printf '%s=%s' "$1" "$v"
	else
		printf '%s=%s' "$1" "$(q "$v")"
	fi
}

# shape NAME REGEX WHAT: NAME, when set and not empty, must match REGEX
shape() {
	local v=${!1-}
	[ -z "$v" ] || [[ $v =~ $2 ]] || refuse "$1=$(q "$v") is not $3"
}

# opt NAME [FLAG]: NAME's value onto the tool's args, as FLAG=value (or
# alone), when it is set and not empty
opt() {
	[ -z "${!1-}" ] || args+=("${2:+$2=}${!1}")
}

# need NAME USAGE: NAME must be set and not empty
need() {
	[ -n "${!1-}" ] || refuse "$1 is needed: $2"
}

CASE_RE='^[a-z0-9_]+/(native|native-builtin|emulated:[a-z0-9.-]+)/d[0-9]+/(on|off|off-raw)$'
CASE_WHAT='a case, variant/impl/d<depth>/<state> (e.g. lock_with/native/d1/off)'
ARCH_RE='^[a-z0-9_]+$'
CONFIG_RE='^[a-z0-9_][a-z0-9_-]*(\+[a-z0-9_][a-z0-9_-]*)*$'
CELL_RE='^[a-z0-9_]+-[0-9]+\.[0-9]+-[a-z0-9_][a-z0-9_-]*(\+[a-z0-9_][a-z0-9_-]*)*$'
CELL_WHAT='a cell, <arch>-<kernel>-<config> (e.g. x86_64-7.3-default)'
INT_RE='^[1-9][0-9]*$'
NUM_RE='^[0-9]+([.][0-9]+)?$'
# a run: its id, latest, newest, baseline, or a path to its directory
RUN_RE='^[A-Za-z0-9_./+:@][A-Za-z0-9_./+:@-]*$'
RUN_WHAT='a run (its id, latest, baseline, or its directory: letters, digits and ._/+:@-)'
# a git revision: a name, a hash, rev~N, rev^; never an option
REV_RE='^[A-Za-z0-9_][A-Za-z0-9_./~^@{}+-]*$'

# cases NAME: NAME's words (several cases, separated by spaces) into cases[]
cases() {
	local c
	read -r -a cases <<<"${!1-}"
	[ ${#cases[@]} -gt 0 ] || return 0
	for c in "${cases[@]}"; do
		[[ $c =~ $CASE_RE ]] || refuse "$1: $(q "$c") is not $CASE_WHAT"
	done
	# a newline ends read's line: what follows it is no case
	[ "${!1}" = "$(printf '%s\n' "${!1}" | head -n 1)" ] || refuse "$1=$(q "${!1}") is not $CASE_WHAT"
}

# cells_ok: the run's variables, checked by the cell generator (one line, exit 3)
cells_ok() {
	irqpy cells cells >/dev/null || exit 3
}

# bench_command TARGET NAME...: the command run.json records, each
# variable quoted as one word
bench_command() {
	local cmd="make $1" n
	shift
	for n; do
		[ -z "${!n-}" ] || cmd+=" $(word "$n")"
	done
	echo "$cmd"
}

deps() {
	"$IRQBENCH_ROOT/arch-matrix/deps.sh" "$@" || die "installing dependencies failed"
}

# py MODULE ARGS...: a host tool, with Debian's Python and what it needs
py() {
	deps --host
	irqpy "$@"
}

# Every variable make hands down (the Makefile's USER_VARS) is one line of
# text, and its reason for refusal must be one line too
for n in ${IRQBENCH_MAKE_VARS-}; do
	[[ $n =~ ^[A-Z_][A-Z0-9_]*$ ]] || refuse "IRQBENCH_MAKE_VARS: $(q "$n") is no variable name"
	[[ ${!n-} != *[[:cntrl:]]* ]] || refuse "$n=$(q "${!n}") holds a control character (a newline?)"
done

here=$IRQBENCH_ROOT
target=${1:-}
[ $# = 1 ] || refuse "usage: make-run.sh TARGET (the Makefile's targets)"
case $target in
bench)
	IRQBENCH_COMMAND=$(bench_command bench ARCHS KERNELS CONFIGS ACCEL REPEAT LLVM) \
		"$here/arch-matrix/matrix.sh"
	;;
matrix)
	need MATRIX_KERNELS "make matrix sets it (defaults.mk)"
	need MATRIX_CONFIGS "make matrix sets it (defaults.mk)"
	KERNELS=$MATRIX_KERNELS CONFIGS=$MATRIX_CONFIGS \
		IRQBENCH_COMMAND=$(bench_command matrix ARCHS ACCEL) "$here/arch-matrix/matrix.sh"
	;;
remeasure)
	# every cell RESULTS.md publishes, at the current method identity
	need REMEASURE_CONFIGS "make remeasure sets it (defaults.mk)"
	need REMEASURE_ARCHES "make remeasure sets it (defaults.mk)"
	# every variable of the three runs checked before the first starts
	# (the last run's first: a check that passes costs a build of the
	# request checker)
	ARCHS=$REMEASURE_ARCHES KERNELS=7.3 CONFIGS=default ACCEL=tcg-icount cells_ok
	KERNELS=7.3 CONFIGS=$REMEASURE_CONFIGS ACCEL=tcg-icount cells_ok
	KERNELS=$MATRIX_KERNELS CONFIGS=$MATRIX_CONFIGS ACCEL=tcg-icount cells_ok
	export ACCEL=tcg-icount
	"$0" matrix || exit
	KERNELS=7.3 CONFIGS=$REMEASURE_CONFIGS \
		IRQBENCH_COMMAND=$(KERNELS=7.3 CONFIGS=$REMEASURE_CONFIGS bench_command bench ARCHS KERNELS CONFIGS ACCEL) \
		"$here/arch-matrix/matrix.sh" || exit
	ARCHS=$REMEASURE_ARCHES KERNELS=7.3 CONFIGS=default \
		IRQBENCH_COMMAND=$(ARCHS=$REMEASURE_ARCHES KERNELS=7.3 CONFIGS=default bench_command bench ARCHS KERNELS CONFIGS ACCEL) \
		"$here/arch-matrix/matrix.sh" || exit
	"$0" annotate-results
	;;
annotate-results)
	# the traces the pages explain figures with: 7.3 default on every arch
	ARCHS="${ARCHS-} ${REMEASURE_ARCHES-}" KERNELS=7.3 CONFIGS=default "$here/scripts/annotate-results.sh"
	;;
annotate)
	cases CASE
	[ ${#cases[@]} -gt 0 ] || refuse "make annotate CASE=variant/impl/d<depth>/<state> (several separated by spaces)"
	cells_ok
	deps
	"$here/arch-matrix/annotate-matrix.sh" "$here/build/annotate" "${cases[@]}"
	;;
bisect)
	# bisect.sh checks them all (KSRC a git tree, GOOD an ancestor of
	# BAD); their shapes first, before any package is installed
	need KSRC "make bisect KSRC=<git tree> GOOD=<rev> BAD=<rev> CASE=<case>"
	[ -d "$KSRC" ] || refuse "KSRC=$(q "$KSRC") is no directory (a git tree of the kernel)"
	shape CASE "$CASE_RE" "$CASE_WHAT"
	shape GOOD "$REV_RE" "a git revision"
	shape BAD "$REV_RE" "a git revision"
	shape MIN_INSN "$INT_RE" "a positive integer"
	shape BISECT_ARCH "$ARCH_RE" "an arch"
	shape BISECT_CONFIG "$CONFIG_RE" "a config"
	deps
	"$here/scripts/bisect.sh"
	;;
compare)
	shape THRESHOLD "$NUM_RE" "a number (percent)"
	shape MIN_INSN "$NUM_RE" "a number (instructions)"
	shape ACROSS '^[a-z_]+$' "an axis (kernel, config, arch, accel, ...)"
	shape FROM '^[A-Za-z0-9][A-Za-z0-9_.+:-]*$' "a value of the ACROSS axis (e.g. 6.1)"
	shape TO '^[A-Za-z0-9][A-Za-z0-9_.+:-]*$' "a value of the ACROSS axis (e.g. 7.3)"
	args=()
	opt THRESHOLD --threshold
	opt ACROSS --across
	opt FROM --from
	opt TO --to
	opt MIN_INSN --min-insn
	shape BASE "$RUN_RE" "$RUN_WHAT"
	shape NEW "$RUN_RE" "$RUN_WHAT"
	# compare itself finds them (or says which it does not)
	args+=(--)
	opt BASE
	opt NEW
	py compare "${args[@]}"
	;;
history)
	shape CASE "$CASE_RE" "$CASE_WHAT"
	shape ARCH "$ARCH_RE" "an arch"
	shape CONFIG "$CONFIG_RE" "a config"
	shape ACCEL '^[a-z][a-z-]*$' "an accelerator"
	args=()
	opt ARCH --arch
	opt CONFIG --config
	# auto (defaults.mk's) is no accelerator a record names: every one
	[ -z "${ACCEL-}" ] || [ "$ACCEL" = auto ] || args+=("--accel=$ACCEL")
	args+=(--)
	opt CASE
	py history "${args[@]}"
	;;
explain)
	if [ -z "${A-}" ] || [ -z "${B-}" ]; then
		refuse "make explain A=<case> B=<case> (variant/impl/d<depth>/<state>)"
	fi
	shape A "$CASE_RE" "$CASE_WHAT"
	shape B "$CASE_RE" "$CASE_WHAT"
	shape ARCH "$ARCH_RE" "an arch"
	shape CONFIG "$CONFIG_RE" "a config"
	args=()
	opt ARCH --arch
	opt CONFIG --config
	py report.explain "${args[@]}" -- "$A" "$B"
	;;
kcidb)
	shape ORIGIN '^[a-z0-9_]+$' "a KCIDB origin ([a-z0-9_]+)"
	shape FILES_URL '^[A-Za-z][A-Za-z0-9+.-]*://[^[:space:][:cntrl:]]*$' "an absolute URL"
	shape RUN "$RUN_RE" "$RUN_WHAT"
	args=()
	opt ORIGIN --origin
	opt FILES_URL --files-url
	args+=(--)
	opt RUN
	py kcidb "${args[@]}"
	;;
repeat)
	need RUN "make repeat RUN=results/<run-id>"
	shape RUN "$RUN_RE" "$RUN_WHAT"
	"$here/scripts/repeat-run.sh" "$RUN"
	;;
baseline)
	shape RUN "$RUN_RE" "$RUN_WHAT"
	py history "--baseline=${RUN:-latest}"
	;;
results)
	py report
	;;
lava)
	IRQBENCH_COMMAND="make lava" "$here/arch-matrix/lava.sh" jobs
	;;
lava-run)
	need CELL "make lava-run CELL=<arch>-<kernel>-<config>"
	shape CELL "$CELL_RE" "$CELL_WHAT"
	"$here/arch-matrix/lava.sh" run "$CELL"
	;;
lava-submit)
	"$here/arch-matrix/lava.sh" submit
	;;
lava-collect)
	# a LAVA job's results as a run (results/<run-id>/ with run.json's lava key, stored)
	if [ -n "${JOB-}" ]; then
		shape JOB '^[0-9]+(\.[0-9]+)?$' "a LAVA job id (a number)"
		"$here/arch-matrix/lava.sh" collect-job "$JOB"
	elif [ -n "${DIR-}" ]; then
		shape DIR "$RUN_RE" "a directory (build/lava/runs/<id>)"
		"$here/arch-matrix/lava.sh" collect "$DIR"
	else
		refuse "make lava-collect JOB=<id> LAVA_IDENTITY=<lavacli identity>, or DIR=build/lava/runs/<id>"
	fi
	;;
check-lava | time-lava)
	shape CELL "$CELL_RE" "$CELL_WHAT"
	[ "$target" = check-lava ] || deps
	"$here/scripts/$target.sh" ${CELL:+"$CELL"}
	;;
calibrate)
	shape CALIBRATE_REPEAT "$INT_RE" "a positive integer"
	ACCEL=tcg REPEAT=${CALIBRATE_REPEAT:-5} cells_ok
	deps
	out=$(mktemp -d /tmp/irqbench-calib.XXXXXX) || exit
	"$here/scripts/calibrate.sh" "$out" || exit
	runs=()
	for d in "$out"/2*; do runs+=("$d"); done
	irqpy calibrate "${runs[@]}" "$here/results/calibration.json"
	;;
fuzz)
	need FUZZ_SECONDS "make fuzz FUZZ_SECONDS=<seconds>"
	shape FUZZ_SECONDS "$INT_RE" "a positive integer (seconds)"
	deps
	src=$("$here/arch-matrix/fetch-source.sh" 7.3) || exit
	make -s -C "$here/selftests/host" KSELFTEST="$src/tools/testing/selftests" OUT="$here/build/fuzz" \
		"$here/build/fuzz/fuzz_request" || exit
	"$here/build/fuzz/fuzz_request" -max_total_time="$FUZZ_SECONDS" -max_len=600 \
		"$here/build/fuzz/corpus" "$here/selftests/host/corpus"
	;;
module)
	# Without a configured kernel tree kbuild fails obscurely: say what to do.
	# kbuild takes no path with spaces or quotes: such a KDIR is none
	if [ -z "${KDIR-}" ] || [[ ! $KDIR =~ ^[A-Za-z0-9_./+@-]+$ ]] || [ ! -f "$KDIR/Makefile" ]; then
		refuse "no kernel build tree at KDIR=$(q "${KDIR-}"):" \
			"install linux-headers-$(uname -r) or set KDIR to a configured kernel's build directory"
	fi
	make -C "$here/kmod-bench" KDIR="$KDIR"
	;;
bare-metal)
	"$here/scripts/bare-metal.sh" "$here/kmod-bench/irqbench.ko"
	;;
check | bench-pipeline | time-check | time-matrix)
	"$here/scripts/$target.sh"
	;;
check-bisect | check-arches)
	CHECK_ONLY=${target#check-} "$here/scripts/check.sh"
	;;
*)
	refuse "make-run.sh: no target $(q "$target")"
	;;
esac
