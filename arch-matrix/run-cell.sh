#!/bin/bash
# run-cell.sh ARCH KERNEL CONFIG ACCEL OUT_DIR: one matrix cell, run here.
# Builds what it boots (build-cell.sh: the kernel, irqbench.ko, on Rust
# configs irqbench_rust.ko, the selftest), boots the guest with REQUEST in
# QEMU (boot.sh) and leaves in OUT_DIR:
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
cell=$arch-$kernel-$config
repeat=${REPEAT:?}
here=$IRQBENCH_ROOT/arch-matrix
mkdir -p "$out"
mkdir -p "$IRQBENCH_WORK/work"
# the cell's artefacts, private to this run (build-cell.sh)
priv=$(mktemp -d "$IRQBENCH_WORK/work/.run-$cell-XXXXXX")
trap 'rm -rf "$priv"' EXIT
"$here/build-cell.sh" "$arch" "$kernel" "$config" "$priv"
image=$priv/$(sed -n 's/^image=//p' "$priv/cell.meta")

if [ "$accel" = auto ]; then
	accel=$("$here/probe-kvm.sh" "$arch" "$image" "$priv/initramfs.cpio")
fi

t=$(date +%s)
mapfile -t extra <"$priv/cmdline"
read -r -a tags <<<"$(accel_words "$accel")"
extra+=("${tags[@]}")
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
qemu=$(arch_qemu "$arch")
{
	grep -v '^image=' "$priv/cell.meta"
	echo "accel=$accel"
	echo "qemu=$qemu"
	echo "qemu_version=$(head -n 1 < <("$qemu" --version))"
	echo "qemu_cmdline=$(cat "$log.cmd")"
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
