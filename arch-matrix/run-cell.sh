#!/bin/bash
# run-cell.sh ARCH KERNEL CONFIG ACCEL OUT_DIR: one matrix cell. Builds the
# kernel, irqbench.ko (and on Rust configs irqbench_rust.ko) and the
# selftest, boots the guest with REQUEST and leaves in OUT_DIR:
# CELL.csv.gz (the records, irqbench/runfiles.py), CELL.variants.tsv,
# CELL.ktap, CELL.console.log.gz and CELL.meta (what run.json needs).
# ACCEL may be auto. REPEAT=N boots the guest N times (the boot is the unit
# of replication for ns figures), CELL.boot<i>.console.log.gz each, merged
# into one records file with a boot field.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: run-cell.sh ARCH KERNEL CONFIG ACCEL OUT_DIR}
kernel=${2:?}
config=${3:?}
accel=${4:?}
out=${5:?}
irqbench_env
request=${REQUEST:?}
cell=$arch-$kernel-$config
repeat=${REPEAT:?}
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
# time; the run boots private copies, so a concurrent run of the same cell
# can rebuild it meanwhile and both land intact.
priv=$(mktemp -d "$IRQBENCH_WORK/work/.run-$cell-XXXXXX")
trap 'rm -rf "$priv"' EXIT
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
image=$priv/$(basename "$(arch_image "$arch")")
cp "$ko" "$priv/irqbench.ko"
[ -z "${RUST_KO:-}" ] || cp "$RUST_KO" "$priv/irqbench_rust.ko"
cp "$work/initramfs.cpio" "$priv/initramfs.cpio"
cp "$bdir/$(arch_image "$arch")" "$image"
exec 9>&- 7>&-
unset IRQBENCH_BUILD_LOCKED
progress "$cell" module "$t" "irqbench.ko, selftest, initramfs"

if [ "$accel" = auto ]; then
	accel=$("$here/probe-kvm.sh" "$arch" "$image" "$priv/initramfs.cpio")
fi

t=$(date +%s)
extra=("irqbench.tag_config=$config" "irqbench.tag_accel=$accel")
# what the config's fragments add to the command line ("# boot:")
read -r -a boot_words <<<"$(irqpy cells boot "$config")"
extra+=("${boot_words[@]}")
logs=()
for ((i = 0; i < repeat; i++)); do
	log=$out/$cell.console.log
	[ "$repeat" = 1 ] || log=$out/$cell.boot$i.console.log
	logs+=("$log")
	starting "$cell" boot "$accel, boot $((i + 1)) of $repeat (console: $log)"
	if ! "$here/boot.sh" "$arch" "$image" "$priv/initramfs.cpio" "$accel" "$log" "${extra[@]}"; then
		# keep what the guest did report (the selftest's KTAP names the failures)
		irqpy collect "${logs[@]}" "$out/$cell" >/dev/null 2>&1 || true
		die "$cell: guest run failed (console: $log)"
	fi
done
log=${logs[0]}
progress "$cell" boot "$t" "$accel x$repeat"

t=$(date +%s)
n=$(irqpy collect "${logs[@]}" "$out/$cell") ||
	die "$cell: collection failed"
src=$(cat "$bdir/.irqbench-src")
qemu=$(arch_qemu "$arch")
{
	echo "cell=$cell"
	echo "arch=$arch"
	echo "kernel_series=$kernel"
	echo "kernel_release=$(cat "$bdir/include/config/kernel.release" 2>/dev/null || echo unknown)"
	echo "kernel_source=$src"
	echo "kernel_source_identity=$(tree_identity "$src")"
	echo "kernel_builtin_sha=$(cat "$bdir/.irqbench-builtin" 2>/dev/null || echo none)"
	echo "kernel_image_sha256=$(sha256sum "$image" | cut -c1-64)"
	echo "config=$config"
	echo "config_sha256=$(sha256sum "$bdir/.config" | cut -c1-64)"
	echo "compiler=$(grep -m1 '^CONFIG_CC_VERSION_TEXT=' "$bdir/.config" | cut -d'"' -f2)"
	echo "module_sha256=$(sha256sum "$priv/irqbench.ko" | cut -c1-64)"
	[ ! -f "$priv/irqbench_rust.ko" ] || echo "rust_module_sha256=$(sha256sum "$priv/irqbench_rust.ko" | cut -c1-64)"
	[ ! -f "$bdir/.irqbench-toolchain" ] || echo "toolchain=$(cat "$bdir/.irqbench-toolchain")"
	grep -q '^CONFIG_RUST=y' "$bdir/.config" &&
		echo "rustc=$(grep -m1 '^CONFIG_RUSTC_VERSION_TEXT=' "$bdir/.config" | cut -d'"' -f2)"
	echo "initramfs_sha256=$(sha256sum "$priv/initramfs.cpio" | cut -c1-64)"
	echo "accel=$accel"
	echo "qemu=$qemu"
	echo "qemu_version=$(head -n 1 < <("$qemu" --version))"
	echo "qemu_cmdline=$(cat "$log.cmd")"
	echo "request=$request"
} >"$out/$cell.meta"
# the console is build output: kept compressed beside the records, not in git
gzip -f -n "${logs[@]}"
progress "$cell" collect "$t" "$n records"
# The records' own checks: said here, counted as tests by make check, and
# named in RESULTS.md; the records are kept (they are what was measured),
# unless a check says they measured something else (exit 2: a pseudo-NMI
# kernel that ignored irqchip.gicv3_pseudo_nmi=1 masks through DAIF, and
# its figures would pass for PMR's): that fails the cell.
rc=0
checks=$(irqpy checks "$out/$cell") || rc=$?
if [ "$rc" != 0 ]; then
	echo "irqbench: $cell: its records fail their checks (irqbench/checks.py):" \
		"$(sed -n 's/^not ok [0-9]* //p' <<<"$checks" | paste -sd ';')" >&2
	[ "$rc" != 2 ] || die "$cell: records that measured another mechanism (console: $log.gz)"
fi
