#!/bin/bash
# time-check.sh [OUTDIR]: how long CI's make check takes, cold and warm, the
# way CI runs it: a fresh clone of HEAD, and an IRQBENCH_CACHE of its own
# (empty: no sources, trees, toolchain root or ccache), then `bash .ci/run`
# twice. Debian packages already installed stay installed (the deps stage
# only checks them). Writes OUTDIR/check-cold.log and check-warm.log
# (default results/pipeline): the command, commit, every stage line, the
# closing tally and the wall time that report.py turns into RESULTS.md.
# Takes about an hour; run nothing else meanwhile (two cores).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$root/results/pipeline}")
mkdir -p "$out"
tmp=$(mktemp -d /var/tmp/irqbench-time-check.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
git clone -q "$root" "$tmp/clone"
commit=$(git -C "$tmp/clone" rev-parse --short=12 HEAD)
for pass in cold warm; do
	log=$tmp/$pass.log
	rc=0
	start=$(date +%s.%N)
	(cd "$tmp/clone" && IRQBENCH_CACHE=$tmp/cache bash .ci/run) >"$log" 2>&1 || rc=$?
	end=$(date +%s.%N)
	{
		echo "command: bash .ci/run ($pass: fresh clone, IRQBENCH_CACHE $([ "$pass" = cold ] && echo empty || echo 'from the cold pass'))"
		echo "commit: $commit"
		echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "exit: $rc"
		printf 'wall: %.0f s\n' "$(echo "$end - $start" | bc)"
		# stage and build lines (not the 30-second "still building" ticks)
		grep -a -E '^\[[^]]+\] [a-z-]+ +[0-9]+s  ' "$log" | grep -a -v 'still building' || true
		tail -n 1 "$log"
	} >"$out/check-$pass.log"
	echo "time-check: $pass: $(tail -n 1 "$log") in $(grep '^wall' "$out/check-$pass.log")"
	[ "$rc" = 0 ] || { echo "time-check: the $pass run failed (exit $rc); log kept in $out" >&2; exit 1; }
done
