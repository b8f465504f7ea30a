#!/bin/bash
# check-variant.sh OUT_DIR: adding a variant is its op function and one row
# of the variant table, and nothing else. In a scratch copy of the tree,
# tests/throwaway-variant.patch adds "nops" (depth no-ops: exactly depth
# instructions under tcg-icount) in those two places only; the copy then
# builds, boots x86_64 7.3 default and must show the variant in the
# module's table, in records equal to its depth, in the records' checks,
# and in the generated pages and make explain, with no other edit. KTAP.
set -uo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

out=${1:?usage: check-variant.sh OUT_DIR}
mkdir -p "$out"
copy=$IRQBENCH_CACHE/work/throwaway-tree
patch=$IRQBENCH_ROOT/tests/throwaway-variant.patch
echo "TAP version 13"
echo "1..5"
rm -rf "$copy"
mkdir -p "$copy"
# the tree as it stands, tracked and new files, without its runs
(cd "$IRQBENCH_ROOT" && git ls-files -co --exclude-standard | grep -v '^results/' |
	tar -cf - -T -) | tar -xf - -C "$copy"
touched=$(grep -c '^+++ ' "$patch")
if (cd "$copy" && git apply "$patch") 2>"$out/apply.log" && [ "$touched" = 2 ]; then
	echo "ok 1 variant: the throwaway variant is two places: $(grep '^+++ ' "$patch" | cut -c7- | paste -sd ' ')"
else
	echo "not ok 1 variant: the patch applies and touches two files ($touched; $(head -n 1 "$out/apply.log"))"
fi
rc=0
REQUEST="variants=all depths=1,2,4 states=on,off samples=5 model=none" \
	"$copy/arch-matrix/run-cell.sh" x86_64 7.3 default tcg-icount "$out/run" >"$out/run.log" 2>&1 || rc=$?
prefix=$out/run/x86_64-7.3-default
if [ "$rc" = 0 ] && grep -q '^nops	' "$prefix.variants.tsv"; then
	echo "ok 2 variant: the copy builds and boots, and the module's table lists nops"
else
	echo "not ok 2 variant: build, boot and table: $(grep -m1 'irqbench: ' "$out/run.log" || echo "see $out/run.log")"
fi
got=$(cd "$copy" && /usr/bin/python3 - "$prefix" <<'PY' 2>&1
import sys
from irqbench import runfiles
recs = [r for r in runfiles.read_records(sys.argv[1] + ".csv.gz") if r["variant"] == "nops"]
print(len(recs), all(abs(r["p50"] - r["depth"]) < 0.01 for r in recs))
PY
)
if [ "$got" = "6 True" ]; then
	echo "ok 3 variant: its records cost exactly its depth in instructions (d1, d2, d4, on and off)"
else
	echo "not ok 3 variant: nops records (count, each equal to its depth): $got"
fi
if (cd "$copy" && /usr/bin/python3 -m irqbench.checks "$prefix") >"$out/checks.ktap" 2>&1; then
	echo "ok 4 variant: the cell's records, nops among them, pass their checks"
else
	echo "not ok 4 variant: checks: $(sed -n 's/^not ok [0-9]* //p' "$out/checks.ktap" | head -n 1)"
fi
# the run as make bench leaves one, then the pages and make explain over it
mkdir -p "$out/results"
rm -rf "$out/results/nops-run"
cp -r "$out/run" "$out/results/nops-run"
rc=0
(cd "$copy" && PYTHONPATH=$copy RESULTS=$out/results /usr/bin/python3 -m irqbench.runmeta \
	"$out/results/nops-run" nops-run test) >"$out/runmeta.log" 2>&1 || rc=$?
env=(PYTHONPATH="$copy" RESULTS="$out/results" IRQBENCH_DB="$out/store.sqlite"
	IRQBENCH_PAGES_OUT="$out/pages" IRQBENCH_PLOTS_OUT="$out/plots" IRQBENCH_RESULTS_MD="$out/RESULTS.md")
rm -f "$out/store.sqlite"
# from the copy's root: python3 -m imports the package of the working directory first
(cd "$copy" && env "${env[@]}" /usr/bin/python3 -m irqbench.report) >"$out/report.log" 2>&1 || rc=$?
explained=$(cd "$copy" && env "${env[@]}" /usr/bin/python3 -m irqbench.report.explain \
	nops/native/d4/on empty/native/d1/on 2>&1) || rc=$?
# each step must have succeeded, and its output must name the variant
if [ "$rc" = 0 ] && grep -q '^| nops | native |' "$out/pages/cells.md" 2>/dev/null && grep -q -E 'A-B +[+]4[.]000 insn' <<<"$explained"; then
	echo "ok 5 variant: the generated pages list it and make explain finds it 4 instructions above empty"
else
	echo "not ok 5 variant: runmeta, pages and explain (a step's status $rc): $(tail -n 1 "$out/report.log"); $(head -n 2 <<<"$explained" | tail -n 1)"
fi
rm -rf "$copy"
