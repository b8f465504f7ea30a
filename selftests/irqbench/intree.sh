#!/bin/bash
# intree.sh ARCH KBUILD_DIR OUT_DIR: the selftest built the way a kernel
# developer would, inside the kernel tree the cell builds: this directory
# copied (not linked: ../lib.mk must resolve in the tree) to
# tools/testing/selftests/irqbench of a hard-linked copy of the tree, then
# kselftest's own build and install. Prints the install directory, which
# holds run_kselftest.sh, kselftest-list.txt and irqbench/irqbench_test.
# Static, so the guest's initramfs needs no C library.
set -euo pipefail
# shellcheck source=../../arch-matrix/lib.sh
. "$(dirname "$0")/../../arch-matrix/lib.sh"

arch=${1:?usage: intree.sh ARCH KBUILD_DIR OUT_DIR}
kbuild=${2:?}
out=${3:?}
cross=$(arch_cross "$arch")
src=$(cat "$kbuild/.irqbench-src")
tree=$out/tree
rm -rf "$out"
mkdir -p "$out"
# Hard links: new files only are written in it (the selftest's directory is
# a real copy, the build writes there and to the install directory).
cp -al "$src" "$tree"
cp -r "$IRQBENCH_ROOT/selftests/irqbench" "$tree/tools/testing/selftests/irqbench"
ksft=(make -C "$tree/tools/testing/selftests" TARGETS=irqbench CC="${cross}gcc"
	LDFLAGS=-static "KHDR_INCLUDES=-isystem $kbuild/usr/include")
"${ksft[@]}" >"$out/build.log" 2>&1 || { tail -n 20 "$out/build.log" >&2; die "kselftest build of irqbench failed in $tree (log: $out/build.log)"; }
"${ksft[@]}" INSTALL_PATH="$out/install" install >"$out/install.log" 2>&1 ||
	{ tail -n 20 "$out/install.log" >&2; die "kselftest install of irqbench failed (log: $out/install.log)"; }
for f in run_kselftest.sh kselftest-list.txt irqbench/irqbench_test; do
	[ -e "$out/install/$f" ] || die "kselftest install has no $f (log: $out/install.log)"
done
echo "$out/install"
