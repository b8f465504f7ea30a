#!/bin/bash
# check-lava.sh [CELL]: make check-lava, as KTAP ending "N passed, N failed":
# the LAVA path against the direct one on one cell (default
# x86_64-7.3-default, ACCEL tcg-icount): make bench's run (matrix.sh) and
# the cell's job through lava-run (lava.sh run), then, with LAVA_SERVER=1,
# through a throwaway lava-server (lava-server.sh); every LAVA run must
# equal the direct one (irqbench.compare exits 0: same method identity,
# every case the same count). The board jobs are validated by the
# dispatcher itself (lava-run --validate) against device dictionaries from
# LAVA's own template of every board device type (irqbench.lava boards), with placeholder lab
# commands. Runs and the store are private to the check (CHECK_DIR, default
# a temporary directory kept for reading); wall times are printed.
set -uo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

cell=${1:-x86_64-7.3-default}
here=$IRQBENCH_ROOT/arch-matrix
check=${CHECK_DIR:-$(mktemp -d /tmp/irqbench-check-lava.XXXXXX)}
export RESULTS=$check/results IRQBENCH_DB=$check/store.sqlite
[ "${ACCEL:-auto}" != auto ] || export ACCEL=tcg-icount
mkdir -p "$RESULTS"
n=0 failed=0
rest=${cell#*-}
arch=${cell%%-*} kernel=${rest%%-*} config=${rest#*-}

result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=$((failed + 1))
	fi
}

# timed NAME CMD...: CMD's wall time in $check/NAME.seconds, its output in NAME.log
timed() {
	local name=$1 t0 rc=0
	shift
	t0=$(date +%s.%N)
	"$@" >"$check/$name.log" 2>&1 || rc=$?
	printf '%.1f\n' "$(echo "$(date +%s.%N) - $t0" | bc)" >"$check/$name.seconds"
	return "$rc"
}

# the plan first, as KTAP wants it: the direct run, lava-run and its two
# comparisons, the server's run and its two, a job per board; a test that
# never reports (a comparison not asked after a failed one) fails
read -r -a boards <<<"$(irqpy lava boards)"
planned=$((4 + ${#boards[@]}))
[ -z "${LAVA_SERVER:-}" ] || planned=$((planned + 3))
echo "TAP version 13"
echo "1..$planned"
rc=0
IRQBENCH_RUN_DIR_FILE=$check/direct.run ARCHS=$arch KERNELS=$kernel CONFIGS=$config \
	IRQBENCH_COMMAND="make check-lava (direct)" timed direct "$here/matrix.sh" || rc=$?
result "$rc" "direct: make bench of $cell ($ACCEL) in $(cat "$check/direct.seconds") s"
rc=0
IRQBENCH_RUN_DIR_FILE=$check/lava-run.run timed lava-run "$here/lava.sh" run "$cell" || rc=$?
result "$rc" "lava-run: $cell's qemu job through Debian's lava-dispatcher in $(cat "$check/lava-run.seconds") s ($(grep -a -o 'lava-run exit [0-9]*, [0-9.]* s' "$check/lava-run.log" | sed 's/ exit [0-9]*,/ itself/'))"

# compare NAME: the NAME run against the direct one, to the instruction;
# and, when both booted the same kernel and initramfs (another checkout
# may relink the shared build between the two), sample for sample
compare() {
	local rc=0 same
	if [ -s "$check/direct.run" ] && [ -s "$check/$1.run" ]; then
		irqpy compare "$(cat "$check/direct.run")" "$(cat "$check/$1.run")" >"$check/compare-$1.txt" 2>&1 || rc=$?
	else
		rc=2
	fi
	result "$rc" "$1: irqbench.compare direct $1 exits 0 ($(tail -n 1 "$check/compare-$1.txt" 2>/dev/null || echo 'no run'))"
	[ "$rc" = 0 ] || return 0
	rc=0
	same=$(irqpy lava same "$(cat "$check/direct.run")" "$(cat "$check/$1.run")") || rc=$?
	if [ "$rc" = 2 ]; then
		echo "ok $((n + 1)) # SKIP $1: sample for sample: $same"
		n=$((n + 1))
	else
		result "$rc" "$1: sample for sample the direct run's: $same"
	fi
}
compare lava-run

if [ -n "${LAVA_SERVER:-}" ]; then
	rc=0
	IRQBENCH_RUN_DIR_FILE=$check/lava-server.run timed lava-server "$here/lava-server.sh" "$cell" || rc=$?
	result "$rc" "lava-server: $cell's job submitted with lavacli to a throwaway lava-server, collected with lavacli, in $(cat "$check/lava-server.seconds") s"
	compare lava-server
fi

# board jobs: the dispatcher builds their pipelines against LAVA's templates
for dt in "${boards[@]}"; do
	rc=0
	timed "validate-$dt" "$here/lava.sh" validate-board "$dt" || rc=$?
	result "$rc" "$dt: a board job passes lava-run --validate against LAVA's $dt.jinja2 ($(tail -n 1 "$check/validate-$dt.log"))"
done

echo "# runs, logs and the store: $check"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
