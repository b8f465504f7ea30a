#!/bin/bash
# bisect.sh: the first commit between GOOD and BAD of the git tree KSRC that
# changes CASE's exact instruction count (tcg-icount), by `git bisect run`.
# Environment: KSRC, GOOD, BAD, CASE (variant/impl/dDEPTH/state, as for
# make annotate); BISECT_ARCH (x86_64), BISECT_CONFIG (default), MIN_INSN
# (1: the smallest change that counts as bad), BISECT_OUT (a JSON summary).
# Works in a worktree of KSRC under the cache, laid out like Debian's trees
# so ccache hits; KSRC's own checkout, branches and bisect state are never
# touched, and the worktree is removed at the end.
# Exit: 0 found, 2 GOOD and BAD measure the same (nothing to bisect) or the
# bisection failed, 3 bad arguments.
set -euo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

usage() {
	echo "irqbench: bisect: $*" >&2
	echo "usage: make bisect KSRC=<git tree> GOOD=<rev> BAD=<rev> CASE=<variant>/<impl>/d<depth>/<state>" >&2
	exit 3
}
if [ -z "${KSRC:-}" ] || [ -z "${GOOD:-}" ] || [ -z "${BAD:-}" ] || [ -z "${CASE:-}" ]; then
	usage "KSRC, GOOD, BAD and CASE are all needed"
fi
[[ $CASE =~ ^[a-z_0-9]+/[a-z0-9.-]+/d[0-9]+/(on|off|off-raw)$ ]] || usage "CASE '$CASE' is not variant/impl/dDEPTH/state"
min=${MIN_INSN:-1}
[[ $min =~ ^[1-9][0-9]*$ ]] || usage "MIN_INSN must be a positive integer"
git -C "$KSRC" rev-parse --git-dir >/dev/null 2>&1 || usage "KSRC=$KSRC is not a git tree"
good=$(git -C "$KSRC" rev-parse --verify -q "$GOOD^{commit}") || usage "GOOD=$GOOD is not a commit of $KSRC"
bad=$(git -C "$KSRC" rev-parse --verify -q "$BAD^{commit}") || usage "BAD=$BAD is not a commit of $KSRC"
git -C "$KSRC" merge-base --is-ancestor "$good" "$bad" || usage "GOOD is not an ancestor of BAD"
[ "$good" != "$bad" ] || usage "GOOD and BAD are the same commit"

# the worktree keeps the tree's name (a bare repository's, less .git)
top=$(git -C "$KSRC" rev-parse --show-toplevel 2>/dev/null) || top=$(git -C "$KSRC" rev-parse --absolute-git-dir)
name=$(basename "$top" .git)
root=$IRQBENCH_CACHE/bisect/$(echo "$KSRC" | sha256sum | cut -c1-12)
tree=$root/src/$name
out=${BISECT_OUT:-$IRQBENCH_ROOT/build/bisect/summary.json}
export IRQBENCH_WORK=$root BISECT_ARCH=${BISECT_ARCH:-x86_64} BISECT_CONFIG=${BISECT_CONFIG:-default}
mkdir -p "$root" "$(dirname "$out")"
exec 6>"$root.lock"
flock -n 6 || usage "another bisect of $KSRC is running"

cleanup() {
	git -C "$tree" bisect reset >/dev/null 2>&1 || true
	git -C "$KSRC" worktree remove --force "$tree" >/dev/null 2>&1 || rm -rf "$tree"
	git -C "$KSRC" worktree prune
}
trap cleanup EXIT
cleanup
starting bisect worktree "$name at ${bad:0:12} in $tree"
git -C "$KSRC" worktree add -q --detach "$tree" "$bad" || die "bisect: git worktree add failed"

# measure REV: CASE's instruction count at REV, with the step's time.
measure() {
	local t0 v
	t0=$(date +%s)
	git -C "$tree" checkout -q "$1"
	v=$("$IRQBENCH_ROOT/scripts/bisect-measure.sh" "$tree" "$CASE" "$root/out") ||
		die "bisect: could not measure $CASE at ${1:0:12}"
	progress bisect step "$t0" "${1:0:12}: $CASE = $v insn"
	echo "$v $(($(date +%s) - t0))"
}
read -r good_v good_s < <(measure "$good")
read -r bad_v bad_s < <(measure "$bad")
delta=$(/usr/bin/python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$good_v" "$bad_v")
if /usr/bin/python3 -c "import sys; sys.exit(abs(float(sys.argv[1])) >= float(sys.argv[2]))" "$delta" "$min"; then
	echo "irqbench: bisect: $CASE is $good_v insn at GOOD and $bad_v at BAD (less than MIN_INSN=$min apart): nothing to bisect" >&2
	exit 2
fi

# The step: good when CASE is within MIN_INSN of GOOD's figure, bad otherwise.
step=$root/step.sh
cat >"$step" <<EOF
#!/bin/bash
t0=\$(date +%s)
v=\$("$IRQBENCH_ROOT/scripts/bisect-measure.sh" "$tree" "$CASE" "$root/out") || exit \$?
echo "\$(git rev-parse HEAD) \$v \$((\$(date +%s) - t0))" >>"$root/steps"
/usr/bin/python3 -c "import sys; sys.exit(abs(float(sys.argv[1]) - float(sys.argv[2])) >= float(sys.argv[3]))" "$good_v" "\$v" "$min"
EOF
chmod +x "$step"
: >"$root/steps"
git -C "$tree" bisect start "$bad" "$good" >/dev/null
git -C "$tree" bisect run "$step" >"$root/bisect.log" 2>&1 || {
	tail -n 20 "$root/bisect.log" >&2
	echo "irqbench: bisect: git bisect run failed (log above)" >&2
	exit 2
}
first=$(sed -n 's/^\([0-9a-f]\{40\}\) is the first bad commit$/\1/p' "$root/bisect.log")
[ -n "$first" ] || { cat "$root/bisect.log" >&2; echo "irqbench: bisect: no first bad commit named" >&2; exit 2; }
subject=$(git -C "$KSRC" log -1 --format=%s "$first")
first_v=$(awk -v c="$first" '$1 == c { print $2 }' "$root/steps" | tail -n 1)
[ -n "$first_v" ] || first_v=$bad_v
/usr/bin/python3 - "$out" "$KSRC" "$good" "$bad" "$CASE" "$BISECT_ARCH" "$BISECT_CONFIG" \
	"$first" "$subject" "$good_v" "$first_v" "$good_s" "$bad_s" "$root/steps" "$bad_v" <<'EOF'
import json, sys
(out, ksrc, good, bad, case, arch, config, first, subject, good_v, first_v,
 good_s, bad_s, steps, bad_v) = sys.argv[1:]
rows = [l.split() for l in open(steps) if l.strip()]
summary = {
    "ksrc": ksrc, "good": good, "bad": bad, "case": case, "arch": arch,
    "config": config, "accel": "tcg-icount", "first_bad": first, "subject": subject,
    "good_insn": float(good_v), "first_bad_insn": float(first_v),
    "delta_insn": float(first_v) - float(good_v),
    "steps": [{"commit": good, "insn": float(good_v), "seconds": int(good_s)},
              {"commit": bad, "insn": float(bad_v), "seconds": int(bad_s)}]
    + [{"commit": c, "insn": float(v), "seconds": int(s)} for c, v, s in rows],
}
json.dump(summary, open(out, "w"), indent=1)
EOF
printf 'first bad commit: %s %s\n%s: %s -> %s insn (%+g)\n' "${first:0:12}" "$subject" \
	"$CASE" "$good_v" "$first_v" "$(/usr/bin/python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$good_v" "$first_v")"
echo "summary: $out"
