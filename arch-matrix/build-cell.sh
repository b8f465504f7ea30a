#!/bin/bash
# build-cell.sh ARCH KERNEL CONFIG OUT_DIR: what one cell boots, built and
# copied into OUT_DIR (private to the caller): the kernel image, initramfs
# (static /init, irqbench.ko, on Rust configs irqbench_rust.ko, the
# selftest and REQUEST), the guest's kernel command-line words in
# cmdline, and cell.meta with what run.json says of the cell's build. The
# artefacts of a direct run (run-cell.sh) and of a LAVA job are the same.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: build-cell.sh ARCH KERNEL CONFIG OUT_DIR}
kernel=${2:?}
config=${3:?}
out=${4:?}
irqbench_env
request=${REQUEST:?}
cell=$arch-$kernel-$config
here=$IRQBENCH_ROOT/arch-matrix
mkdir -p "$out"
work=$IRQBENCH_WORK/work/$cell
mkdir -p "$work"

# From the kernel build to the private copy of its image, no other run may
# rebuild or relink it (a checkout with other builtin loops would).
lock_wait 7 "$IRQBENCH_CACHE/build.lock" "another irqbench kernel build"
export IRQBENCH_BUILD_LOCKED=1
t=$(date +%s)
bdir=$("$here/build-kernel.sh" "$arch" "$kernel" "$config") || die "$cell: kernel build failed"
progress "$cell" build "$t" "kernel $(basename "$bdir")"

# The shared work directory (module objects, initramfs) is one run's at a
# time; the caller boots private copies, so a concurrent run of the same
# cell can rebuild it meanwhile and both land intact.
lock_wait 9 "$work.lock" "another run using $work"
t=$(date +%s)
starting "$cell" module "irqbench.ko, selftest, initramfs in $work (log: $work/module/build.log)"
ko=$("$here/build-module.sh" "$arch" "$bdir" "$work/module") || die "$cell: module build failed"
selftest=
unset KSELFTEST_INSTALL
case ${SELFTEST:-1} in
1)
	selftest=$("$IRQBENCH_ROOT/selftests/irqbench/build.sh" "$arch" "$bdir" "$work/selftest") ||
		die "$cell: selftest build failed"
	;;
# built and installed by kselftest in the kernel tree, run by run_kselftest.sh
intree)
	KSELFTEST_INSTALL=$("$IRQBENCH_ROOT/selftests/irqbench/intree.sh" "$arch" "$bdir" "$work/intree") ||
		die "$cell: in-tree kselftest build failed"
	export KSELFTEST_INSTALL
	;;
0) ;;
*) die "SELFTEST must be 1, 0 or intree, not '$SELFTEST'" ;;
esac
# Rust configs: the Rust module registers its rows with irqbench.ko
unset RUST_KO
if irqpy cells rust "$config"; then
	RUST_KO=$("$here/build-rust-module.sh" "$arch" "$bdir" "$work/module" "$work/rust-module") ||
		die "$cell: Rust module build failed"
	export RUST_KO
fi
"$here/build-initramfs.sh" "$arch" "$bdir" "$ko" "$request" "$work/initramfs.cpio" "$selftest"
image=$out/$(basename "$(arch_image "$arch")")
cp "$ko" "$out/irqbench.ko"
[ -z "${RUST_KO:-}" ] || cp "$RUST_KO" "$out/irqbench_rust.ko"
cp "$work/initramfs.cpio" "$out/initramfs.cpio"
cp "$bdir/$(arch_image "$arch")" "$image"
exec 9>&- 7>&-
unset IRQBENCH_BUILD_LOCKED
# the tag_accel word is the booter's: it knows the accelerator
words=("irqbench.tag_config=$config")
# what the config's fragments add to the command line ("# boot:")
read -r -a boot_words <<<"$(irqpy cells boot "$config")"
words+=("${boot_words[@]}")
printf '%s\n' "${words[@]}" >"$out/cmdline"
src=$(cat "$bdir/.irqbench-src")
{
	echo "cell=$cell"
	echo "arch=$arch"
	echo "kernel_series=$kernel"
	echo "kernel_release=$(cat "$bdir/include/config/kernel.release" 2>/dev/null || echo unknown)"
	echo "kernel_source=$src"
	echo "kernel_source_identity=$(tree_identity "$src")"
	echo "kernel_builtin_sha=$(cat "$bdir/.irqbench-builtin" 2>/dev/null || echo none)"
	echo "kernel_image_sha256=$(sha256sum "$image" | cut -c1-64)"
	echo "image=$(basename "$image")"
	echo "config=$config"
	echo "config_sha256=$(sha256sum "$bdir/.config" | cut -c1-64)"
	echo "compiler=$(grep -m1 '^CONFIG_CC_VERSION_TEXT=' "$bdir/.config" | cut -d'"' -f2)"
	# the preemption model the kernel was built with (lazy, full, none, rt, ...)
	echo "preemption=$(sed -n 's/^CONFIG_PREEMPT\(_[A-Z]*\)\{0,1\}=y$/\1/p' "$bdir/.config" |
		tr -d _ | tr '[:upper:]' '[:lower:]' | sed 's/^$/full/' | grep -v -x -e build -e count -e rcu -e notifiers |
		paste -sd +)"
	echo "module_sha256=$(sha256sum "$out/irqbench.ko" | cut -c1-64)"
	[ ! -f "$out/irqbench_rust.ko" ] || echo "rust_module_sha256=$(sha256sum "$out/irqbench_rust.ko" | cut -c1-64)"
	[ ! -f "$bdir/.irqbench-toolchain" ] || echo "toolchain=$(cat "$bdir/.irqbench-toolchain")"
	grep -q '^CONFIG_RUST=y' "$bdir/.config" &&
		echo "rustc=$(grep -m1 '^CONFIG_RUSTC_VERSION_TEXT=' "$bdir/.config" | cut -d'"' -f2)"
	echo "initramfs_sha256=$(sha256sum "$out/initramfs.cpio" | cut -c1-64)"
	echo "request=$request"
} >"$out/cell.meta"
progress "$cell" module "$t" "irqbench.ko, selftest, initramfs"
