#!/bin/bash
# build-rust-module.sh ARCH KBUILD_DIR C_MODULE_DIR OUT_DIR: builds
# kmod-bench/rust/ (irqbench_rust.ko) out of tree (M=) against a Rust kernel
# build, where that kernel was built (the toolchain root, in_build_env), with
# clippy (CLIPPY=1) and warnings fatal. It calls irqbench.ko, built in
# C_MODULE_DIR (its Module.symvers). Prints the module's path.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: build-rust-module.sh ARCH KBUILD_DIR C_MODULE_DIR OUT_DIR}
kbuild=${2:?}
cmod=${3:?}
out=${4:?}
[ -f "$cmod/Module.symvers" ] || die "no irqbench.ko build in $cmod (its Module.symvers)"
grep -q '^CONFIG_RUST=y' "$kbuild/.config" || die "$kbuild is not a Rust kernel build (config rust or rust-inline)"
mkdir -p "$out"
# Copy only what changed, as build-module.sh does.
for f in "$IRQBENCH_ROOT"/kmod-bench/rust/{Kbuild,*.rs}; do
	cmp -s "$f" "$out/$(basename "$f")" || cp "$f" "$out/"
done
args=(-C "$kbuild" M="$out" ARCH="$(arch_field "$arch" karch)" LLVM=1 CLIPPY=1
	KBUILD_EXTRA_SYMBOLS="$cmod/Module.symvers" -j"$(nproc)")
run_logged "$out/build.log" in_build_env "$kbuild" make "${args[@]}" modules ||
	die "irqbench_rust.ko did not build against $kbuild"
if grep -q "warning" "$out/build.log"; then
	grep -A5 "warning" "$out/build.log" >&2
	die "irqbench_rust.ko builds with warnings"
fi
echo "$out/irqbench_rust.ko"
