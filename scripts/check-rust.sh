#!/bin/bash
# check-rust.sh OUT_DIR: the one Rust kernel make check builds (x86_64, 7.3,
# config rust, so LLVM=1 through the toolchain root): boots it under
# tcg-icount with the C module, its selftest and the Rust module, and
# prints KTAP: the cell ran (the Rust module builds clippy-clean and
# registers its rows), every Rust row of the cell's variant table has one
# record per depth and state, written by irqbench.ko (lang rust), every
# record of the cell (C and Rust) passes its checks, and the Rust sources
# are as rustfmt (the root's, with the kernel's .rustfmt.toml) writes them.
# The selftest's KTAP is make check's to judge.
set -uo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

out=${1:?usage: check-rust.sh OUT_DIR}
arch=x86_64 cell=x86_64-7.3-rust
mkdir -p "$out"
echo "TAP version 13"
echo "1..4"
if REQUEST="variants=all depths=1,2 states=on,off,off-raw samples=5" \
	"$IRQBENCH_ROOT/arch-matrix/run-cell.sh" "$arch" 7.3 rust tcg-icount "$out" >"$out/$cell.log" 2>&1; then
	echo "ok 1 rust: $cell builds (LLVM=1, toolchain $(grep -m1 '^toolchain=' "$out/$cell.meta" | cut -d= -f2)) and boots"
else
	echo "not ok 1 rust: $cell builds and boots: $(grep -m1 'irqbench: ' "$out/$cell.log" || echo "see $out/$cell.log")"
fi
got=$(PYTHONPATH=$IRQBENCH_ROOT /usr/bin/python3 - "$out/$cell" <<'PY' 2>&1
import sys
from irqbench import runfiles
from irqbench.variants import Table
prefix = sys.argv[1]
try:
    recs = [r for r in runfiles.read_records(prefix + ".csv.gz") if r["lang"] == "rust"]
    t = Table(runfiles.parse_variants(open(prefix + ".variants.tsv").read()))
except (OSError, ValueError) as e:
    sys.exit(str(e))
# the cases the table's Rust rows offer at depths 1 and 2, each run natively
want = {(v, d, s) for v in t.order if t.lang(v) == "rust" and t.row(v)["impls"] == "native"
        for d in (1, 2) for s in t.row(v)["states"].split(",")}
got = {(r["variant"], r["depth"], r["irq_state"]) for r in recs}
bad = [r for r in recs if r["config"] != "rust" or r["impl"] != "native"]
print("ok" if want and got == want and len(recs) == len(want) and not bad else
      f"want {len(want)} cases, got {len(got)} ({len(recs)} records, {len(bad)} mislabelled)",
      len(want))
PY
)
read -r verdict n <<<"$got"
if [ "$verdict" = ok ]; then
	echo "ok 2 rust: all $n cases of the Rust rows have one record each, from irqbench.ko (lang rust, config rust)"
else
	echo "not ok 2 rust: the Rust rows' records: $got"
fi
if irqpy checks "$out/$cell" >"$out/records.ktap" 2>&1; then
	echo "ok 3 rust: the cell's records (C and Rust) pass their checks"
else
	echo "not ok 3 rust: the cell's records fail their checks: $(sed -n 's/^not ok [0-9]* //p' "$out/records.ktap" | head -n 1)"
fi
src73=$("$IRQBENCH_ROOT/arch-matrix/fetch-source.sh" 7.3)
if (cd "$IRQBENCH_ROOT/kmod-bench/rust" && "$IRQBENCH_ROOT/arch-matrix/toolchain-root.sh" run \
	rustfmt --check --edition 2021 --config-path "$src73/.rustfmt.toml" ./*.rs) >"$out/rustfmt.log" 2>&1; then
	echo "ok 4 rust: kmod-bench/rust is rustfmt clean"
else
	echo "not ok 4 rust: rustfmt --check: $(grep -m1 'Diff in' "$out/rustfmt.log" || tail -n 1 "$out/rustfmt.log")"
fi
