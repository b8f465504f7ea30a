#!/bin/bash
# irqbench.sh TARGET [NAME=VALUE]...: `make TARGET NAME=VALUE...`, exiting
# with the tool's own code (README's 0 done, 1 a finding, 2 incomplete,
# 3 a usage or data error) where make exits 2 on any failure. make still
# prints its "make: *** [...] Error N" line. For a script or CI job that
# branches on the code, e.g.
#   scripts/irqbench.sh compare BASE=baseline NEW=latest; [ $? = 1 ] && ...
# The code comes from scripts/make-run.sh, which every target runs, through
# the file IRQBENCH_RC_FILE names; a failure before the tool ran (make's own,
# a missing package) keeps make's code.
set -uo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

root=$IRQBENCH_ROOT
[ $# -ge 1 ] || refuse "usage: scripts/irqbench.sh TARGET [NAME=VALUE]... (make help lists them)"
target=$1
shift
[[ $target =~ ^[a-z][a-z0-9-]*$ ]] || refuse "TARGET $(printf %q "$target") is not a make target"
for a; do
	[[ $a =~ ^[A-Z_][A-Z0-9_]*= ]] || refuse "$(printf %q "$a") is not NAME=VALUE"
done
rcf=$(mktemp "${TMPDIR:-/tmp}/irqbench-rc.XXXXXX") || exit 3
trap 'rm -f "$rcf"' EXIT
rc=0
IRQBENCH_RC_FILE=$rcf make --no-print-directory -C "$root" "$target" "$@" || rc=$?
if [ "$rc" != 0 ] && [ -s "$rcf" ]; then
	tool=$(cat "$rcf")
	[[ ! $tool =~ ^[1-9][0-9]*$ ]] || rc=$tool
fi
exit "$rc"
