#!/bin/bash
# annotate.sh ARCH KERNEL CONFIG OUT_DIR CASE...: the executed instructions
# of one operation of each CASE (variant/impl/d<depth>/<state>). Boots the
# guest under tcg-icount with a gdbstub, lets gdb-multiarch single-step the
# module's once and twice batches with n = 1 (scripts/annotate_gdb.py) and
# writes OUT_DIR/<cell>.trace.json; scripts/annotate.py turns it into the
# per-case text and JSON.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: annotate.sh ARCH KERNEL CONFIG OUT_DIR CASE...}
kernel=${2:?}
config=${3:?}
out=${4:?}
shift 4
[ $# -gt 0 ] || die "annotate: no CASE given (variant/impl/d<depth>/<state>)"
command -v gdb-multiarch >/dev/null || die "annotate: gdb-multiarch is missing (make deps)"
cases=
for c in "$@"; do
	IFS=/ read -r v impl d st extra <<<"$c"
	if [ -n "${extra:-}" ] || [ -z "${st:-}" ] || [[ ! $d =~ ^d[0-9]+$ ]]; then
		die "annotate: bad CASE '$c' (want variant/impl/d<depth>/<state>)"
	fi
	cases+="$v $impl ${d#d} $st"$'\n'
done
cell=$arch-$kernel-$config
here=$IRQBENCH_ROOT/arch-matrix
work=$IRQBENCH_CACHE/work/annotate-$cell
mkdir -p "$out" "$work"

bdir=$("$here/build-kernel.sh" "$arch" "$kernel" "$config") || die "$cell: kernel build failed"
ko=$("$here/build-module.sh" "$arch" "$bdir" "$work/module") || die "$cell: module build failed"
# the cache's kernel may be relinked by another tree's build while we run:
# boot and symbolize one copy
cp "$bdir/vmlinux" "$work/vmlinux"
image=$work/$(basename "$(arch_image "$arch")")
[ "$image" = "$work/vmlinux" ] || cp "$bdir/$(arch_image "$arch")" "$image"
# the kernel's own structure offsets (annotate.py's preempt and irq classes)
cp "$bdir/include/generated/asm-offsets.h" "$work/asm-offsets.h"
ANNOTATE_CASES=$cases "$here/build-initramfs.sh" "$arch" "$bdir" "$ko" "" "$work/initramfs.cpio"

log=$out/$cell.console.log
rm -f "$log"	# the address wait below must not read an old run's
port=$((20000 + RANDOM % 20000))
QEMU_GDB_PORT=$port BOOT_TIMEOUT=300 "$here/boot.sh" "$arch" "$image" \
	"$work/initramfs.cpio" tcg-icount "$log" nokaslr &
boot=$!
addrs=
for _ in $(seq 600); do
	addrs=$(grep -a -A1 '@@IRQBENCH BEGIN annotate-addrs@@' "$log" 2>/dev/null | grep -a 'begin=' | tr -d '\r' || true)
	[ -n "$addrs" ] && break
	kill -0 "$boot" 2>/dev/null || break
	sleep 0.2
done
[ -n "$addrs" ] || { wait "$boot" || true; die "$cell: the guest never printed the annotate addresses ($log)"; }
for kv in $addrs; do
	k=${kv%%=*}
	export "ANNOT_${k^^}=${kv#*=}"
done
trace=$out/$cell.trace.json
rm -f "$trace"
ANNOT_PORT=$port ANNOT_TRACE=$trace ANNOT_ARG0=$(arch_field "$arch" arg0) \
	ANNOT_ENDIAN=$(arch_field "$arch" endian) gdb-multiarch -nx -batch \
	-x "$IRQBENCH_ROOT/scripts/annotate_gdb.py" >"$out/$cell.gdb.log" 2>&1 ||
	{ kill "$boot" 2>/dev/null || true; die "$cell: gdb failed ($out/$cell.gdb.log)"; }
# gdb -batch exits 0 when the script raised: no trace is the failure
[ -s "$trace" ] || { kill "$boot" 2>/dev/null || true
	die "$cell: gdb wrote no trace: $(grep -a -E 'Error|error:' "$out/$cell.gdb.log" | tail -n 1) ($out/$cell.gdb.log)"; }
wait "$boot" || die "$cell: guest run failed (console: $log)"
grep -a -q '@@IRQBENCH ANNOTATED@@' "$log" || die "$cell: the guest did not finish annotating"
{
	echo "cell=$cell"
	echo "vmlinux=$work/vmlinux"
	echo "module=$ko"
	echo "asm_offsets=$work/asm-offsets.h"
	for kv in $addrs; do echo "$kv"; done
	printf 'case=%s\n' "$@"
} >"$out/$cell.annotate.meta"
echo "$trace"
