#!/bin/bash
# build.sh ARCH KBUILD_DIR OUT_DIR: the selftest as a static binary for the
# guest, against kselftest.h of the kernel tree the cell builds. Prints its path.
set -euo pipefail
# shellcheck source=../../arch-matrix/lib.sh
. "$(dirname "$0")/../../arch-matrix/lib.sh"

arch=${1:?usage: build.sh ARCH KBUILD_DIR OUT_DIR}
kbuild=${2:?}
out=${3:?}
cross=$(arch_cross "$arch")
src=$(cat "$kbuild/.irqbench-src")
mkdir -p "$out"
# results.json is parsed with json-c where the arch has its static library
# (deps.sh installs it); without it the selftest reports that check skipped.
json=()
lib=$("${cross}gcc" -print-file-name=libjson-c.a)
[ "$lib" != libjson-c.a ] && json=(-DIRQB_JSON_C -ljson-c)
"${cross}gcc" -static -O2 -Wall -Wextra -Werror -I "$src/tools/testing/selftests" \
	-o "$out/irqbench_test" "$IRQBENCH_ROOT/selftests/irqbench/irqbench_test.c" "${json[@]}" ||
	die "the selftest did not build for $arch"
echo "$out/irqbench_test"
