#!/bin/bash
# check-bisect.sh OUT_DIR: make bisect on the synthetic history of
# scripts/bisect-history.sh (base, a nop added to _raw_spin_lock_irqsave(),
# a README line). Prints KTAP: bad arguments are refused with exit 3; the
# bisection names the nop's commit with a delta of +1 instruction on
# irqsave entered off; the repository's refs, worktrees and bisect state
# are as they were.
set -uo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

out=${1:?usage: check-bisect.sh OUT_DIR}
mkdir -p "$out"
echo "TAP version 13"
echo "1..5"
if ! read -r repo base middle tip < <("$IRQBENCH_ROOT/scripts/bisect-history.sh" 2>"$out/history.log"); then
	for i in 1 2 3 4 5; do echo "not ok $i the synthetic history could not be made ($out/history.log)"; done
	exit 0
fi
# bisect VAR=VALUE...: make bisect's script with these variables
bisect() {
	env KSRC="$repo" BISECT_OUT="$out/summary.json" "$@" "$IRQBENCH_ROOT/scripts/bisect.sh"
}

# 1: bad arguments, each refused with exit 3 before any work
bad=0 why=
for args in "GOOD=$base BAD=$tip" "GOOD=$base BAD=$tip CASE=irqsave" \
	"GOOD=$tip BAD=$base CASE=irqsave/native/d1/off" "GOOD=nosuch BAD=$tip CASE=irqsave/native/d1/off" \
	"GOOD=$tip BAD=$tip CASE=irqsave/native/d1/off"; do
	rc=0
	read -r -a vars <<<"$args"
	env -u GOOD -u BAD -u CASE KSRC="$repo" "${vars[@]}" "$IRQBENCH_ROOT/scripts/bisect.sh" \
		>/dev/null 2>"$out/usage.err" || rc=$?
	if [ "$rc" != 3 ] || ! grep -q 'irqbench: bisect:' "$out/usage.err"; then
		bad=$((bad + 1))
		why="$args gave exit $rc"
	fi
done
if [ "$bad" = 0 ]; then
	echo "ok 1 bisect refuses 5 kinds of bad arguments with exit 3 and a reason"
else
	echo "not ok 1 bisect refuses bad arguments with exit 3: $why"
fi

before=$(git --git-dir="$repo" for-each-ref; git --git-dir="$repo" worktree list --porcelain)
rc=0
t0=$(date +%s)
bisect GOOD=base BAD="$tip" CASE=irqsave/native/d1/off >"$out/bisect.log" 2>&1 || rc=$?
t1=$(date +%s)
if [ "$rc" = 0 ] && grep -q "^first bad commit: ${middle:0:12} " "$out/bisect.log"; then
	echo "ok 2 bisect names the commit that adds the nop (${middle:0:12}) in $((t1 - t0)) s"
else
	echo "not ok 2 bisect names ${middle:0:12} (exit $rc; $out/bisect.log)"
fi
delta=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["delta_insn"])' \
	"$out/summary.json" 2>/dev/null)
if [ "$delta" = 1.0 ]; then
	echo "ok 3 the delta at that commit is +1 instruction"
else
	echo "not ok 3 the delta at that commit is +1 instruction (got '${delta:-none}')"
fi
after=$(git --git-dir="$repo" for-each-ref; git --git-dir="$repo" worktree list --porcelain)
if [ "$before" = "$after" ]; then
	echo "ok 4 the repository's refs and worktrees are as they were"
else
	echo "not ok 4 the repository's refs and worktrees are as they were"
fi
if ls "$repo"/BISECT_* "$repo"/worktrees/*/BISECT_* >/dev/null 2>&1; then
	echo "not ok 5 no bisect state is left in the repository"
else
	echo "ok 5 no bisect state is left in the repository"
fi
