#!/bin/bash
# check-ksrc.sh OUT_DIR BASE_JSON: KSRC= as a maintainer uses it, as KTAP. A
# copy of the cached 7.3 tree (hard links) with one local patch
# (scripts/ksrc/one-nop-in-irqsave.patch: a nop in _raw_spin_lock_irqsave())
# is built and booted as KSRC for x86_64 under tcg-icount. Its records must
# name that tree by content hash, not as Debian's, and show the patch: irqsave
# one instruction dearer than in BASE_JSON (the same cell from Debian's tree,
# make check's guests stage), spin_only unchanged. The build runs in a
# private work root with the cache's shape (work-ksrc/{src-builtin,build}),
# under CCACHE_BASEDIR, so ccache can hit; its hit count is printed.
set -uo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

out=${1:?usage: check-ksrc.sh OUT_DIR BASE_JSON}
base=${2:?}
arch=x86_64 cell=x86_64-7.3-default
src73=$("$IRQBENCH_ROOT/arch-matrix/fetch-source.sh" 7.3) || exit 1
rm -rf "$out"
mkdir -p "$out"
ksrc=$out/linux-source-7.3
echo "TAP version 13"
echo "1..4"
# hard links for the tree; the patched file is a copy of its own first, so
# patching it never writes through a link into the cached tree
cp -al "$src73" "$ksrc"
rm -f "$ksrc"/.irqbench-*
cp --remove-destination "$src73/kernel/locking/spinlock.c" "$ksrc/kernel/locking/spinlock.c"
if (cd "$ksrc" && patch -p1 -s <"$IRQBENCH_ROOT/scripts/ksrc/one-nop-in-irqsave.patch") >"$out/patch.log" 2>&1 &&
	! cmp -s "$src73/kernel/locking/spinlock.c" "$ksrc/kernel/locking/spinlock.c"; then
	patched=1
else
	patched=0
fi
# ccache_counts: "HITS MISSES" so far
ccache_counts() {
	ccache --print-stats 2>/dev/null | awk -F'\t' '$1 == "direct_cache_hit" || $1 == "preprocessed_cache_hit" { h += $2 }
		$1 == "cache_miss" { m += $2 } END { print h + 0, m + 0 }'
}
before=$(ccache_counts)
if [ "$patched" = 1 ] && IRQBENCH_WORK=$IRQBENCH_CACHE/work-ksrc KSRC=$ksrc \
	REQUEST="variants=irqsave,spin_only depths=1 states=on samples=5" \
	"$IRQBENCH_ROOT/arch-matrix/run-cell.sh" "$arch" 7.3 default tcg-icount "$out/run" >"$out/run.log" 2>&1; then
	echo "ok 1 ksrc: a patched copy of the 7.3 tree builds and boots as KSRC"
else
	echo "not ok 1 ksrc: a patched copy of the 7.3 tree builds and boots as KSRC (patched=$patched; see $out/run.log)"
fi
after=$(ccache_counts)
read -r h0 m0 <<<"$before"
read -r h1 m1 <<<"$after"
echo "# ccache over the KSRC build: $((h1 - h0)) hits, $((m1 - m0)) misses"
id=$(sed -n 's/^kernel_source_identity=//p' "$out/run/$cell.meta" 2>/dev/null)
if [[ $id == content-sha256\ * ]]; then
	echo "ok 2 ksrc: the records name the tree by content (${id:0:27}...), not as Debian's"
else
	echo "not ok 2 ksrc: the records name the tree '$id', not by content hash"
fi
got=$(PYTHONPATH=$IRQBENCH_ROOT /usr/bin/python3 - "$base" "$out/run/$cell" <<'PY' 2>&1
import sys
from irqbench import runfiles
def p50(prefix, v):
    return next(r["p50"] for r in runfiles.read_records(prefix + ".csv.gz")
                if (r["variant"], r["impl"], r["depth"], r["irq_state"]) == (v, "native", 1, "on"))
try:
    print(*(f"{p50(sys.argv[2], v) - p50(sys.argv[1], v):.3f}" for v in ("irqsave", "spin_only")))
except (OSError, ValueError, StopIteration) as e:
    print("error", e)
PY
)
read -r d_irqsave d_spin <<<"$got"
if [ "$d_irqsave" = 1.000 ]; then
	echo "ok 3 ksrc: irqsave d1 on costs exactly one instruction more than on Debian's tree (the patch's nop)"
else
	echo "not ok 3 ksrc: irqsave d1 on against Debian's tree: want +1.000 instruction, got $got"
fi
if [ "$d_spin" = 0.000 ]; then
	echo "ok 4 ksrc: spin_only d1 on is unchanged (the patch touches irqsave only)"
else
	echo "not ok 4 ksrc: spin_only d1 on against Debian's tree: want 0.000, got $got"
fi
