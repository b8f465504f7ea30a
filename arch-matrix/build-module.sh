#!/bin/bash
# build-module.sh ARCH KBUILD_DIR OUT_DIR: builds irqbench.ko against a
# kernel build directory, from a copy of kmod-bench/ in OUT_DIR (so one
# source tree serves every arch and kernel), with W=1 and warnings fatal.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: build-module.sh ARCH KBUILD_DIR OUT_DIR}
kbuild=${2:?}
out=${3:?}
cross=$(arch_cross "$arch")
src=$(cat "$kbuild/.irqbench-src" 2>/dev/null || echo "")

mkdir -p "$out"
# Copy only what changed, stamped now, so make rebuilds exactly what
# depends on it: a warm build stays warm and no object built from other
# sources (another checkout sharing the cache) is ever reused.
for f in "$IRQBENCH_ROOT"/kmod-bench/{Kbuild,*.c,*.h}; do
	cmp -s "$f" "$out/$(basename "$f")" || cp "$f" "$out/"
done
args=(-C "$kbuild" M="$out" ARCH="$(arch_field "$arch" karch)" W=1 KCFLAGS=-Werror -j"$(nproc)")
# a kernel built with clang (LLVM=1, rust configs) takes its modules with clang
if [ "${LLVM:-}" = 1 ] || grep -q '^CONFIG_CC_IS_CLANG=y' "$kbuild/.config"; then
	args+=(LLVM=1 CC="ccache clang")
else
	args+=(CROSS_COMPILE="$cross" CC="ccache ${cross}gcc")
fi
run_logged "$out/build.log" in_build_env "$kbuild" make "${args[@]}" modules ||
	die "irqbench.ko did not build against ${src:-$kbuild}"
if grep -q "warning:" "$out/build.log"; then
	grep "warning:" "$out/build.log" >&2
	die "irqbench.ko builds with warnings"
fi
echo "$out/irqbench.ko"
