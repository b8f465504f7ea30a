#!/bin/bash
# check-rust.sh OUT_DIR: the one Rust kernel make check builds (x86_64, 7.3,
# config rust, so LLVM=1 through the toolchain root): boots it under
# tcg-icount with the C module, its selftest and the Rust module, and
# prints KTAP: the cell ran (the Rust module builds clippy-clean), every
# Rust case has a record, every record of the cell (C and Rust) passes
# check_records.py, the selftest passed, and the Rust sources are as
# rustfmt (the root's, with the kernel's .rustfmt.toml) writes them.
set -uo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

out=${1:?usage: check-rust.sh OUT_DIR}
arch=x86_64 cell=x86_64-7.3-rust
mkdir -p "$out"
# variants x depths x states the Rust module runs (kmod-bench/rust: VARIANTS)
want=$(((2 + 1 + 1 + 2 + 2) * 2))
echo "TAP version 13"
echo "1..5"
if REQUEST="variants=all depths=1,2 states=on,off,off-raw samples=5" \
	"$IRQBENCH_ROOT/arch-matrix/run-cell.sh" "$arch" 7.3 rust tcg-icount "$out" >"$out/$cell.log" 2>&1; then
	echo "ok 1 rust: $cell builds (LLVM=1, toolchain $(grep -m1 '^toolchain=' "$out/$cell.meta" | cut -d= -f2)) and boots"
else
	echo "not ok 1 rust: $cell builds and boots: $(grep -m1 'irqbench: ' "$out/$cell.log" || echo "see $out/$cell.log")"
fi
got=$(/usr/bin/python3 - "$out/$cell.json" <<'PY' 2>&1
import json, sys
try:
    recs = [r for r in json.load(open(sys.argv[1])) if r.get("lang") == "rust"]
except (OSError, ValueError) as e:
    sys.exit(str(e))
keys = {(r["variant"], r["depth"], r["irq_state"]) for r in recs}
bad = [r for r in recs if not r["variant"].startswith("rust_") or r["config"] != "rust"]
print(len(keys), len(recs), len(bad))
PY
)
if [ "$got" = "$want $want 0" ]; then
	echo "ok 2 rust: all $want Rust cases have one record each (lang rust, config rust)"
else
	echo "not ok 2 rust: Rust cases: want $want distinct records, got (cases records bad) $got"
fi
if /usr/bin/python3 "$IRQBENCH_ROOT/scripts/check_records.py" "$out/$cell.json" >"$out/records.ktap" 2>&1; then
	echo "ok 3 rust: the cell's records (C and Rust) pass check_records.py ($(grep -c '^ok' "$out/records.ktap") rules)"
else
	echo "not ok 3 rust: check_records.py: $(grep -m1 '^not ok' "$out/records.ktap" || tail -n 1 "$out/records.ktap")"
fi
if [ -s "$out/$cell.ktap" ] && ! grep -q '^not ok' "$out/$cell.ktap" && grep -q '^ok' "$out/$cell.ktap"; then
	echo "ok 4 rust: the selftest passes in the Rust kernel (no leaks, $(grep -c '^ok' "$out/$cell.ktap") results)"
else
	echo "not ok 4 rust: the selftest in the Rust kernel: see $out/$cell.ktap"
fi
src73=$("$IRQBENCH_ROOT/arch-matrix/fetch-source.sh" 7.3)
if (cd "$IRQBENCH_ROOT/kmod-bench/rust" && "$IRQBENCH_ROOT/arch-matrix/toolchain-root.sh" run \
	rustfmt --check --edition 2021 --config-path "$src73/.rustfmt.toml" ./*.rs) >"$out/rustfmt.log" 2>&1; then
	echo "ok 5 rust: kmod-bench/rust is rustfmt clean"
else
	echo "not ok 5 rust: rustfmt --check: $(grep -m1 'Diff in' "$out/rustfmt.log" || tail -n 1 "$out/rustfmt.log")"
fi
