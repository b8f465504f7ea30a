#!/bin/bash
# annotate.sh ARCH KERNEL CONFIG OUT_DIR CASE...: the executed instructions
# of one operation of each CASE (variant/impl/d<depth>/<state>). Boots the
# guest exactly as a tcg-icount run does (boot.sh), with QEMU's irqtrace
# plugin (arch-matrix/tracer/) logging every instruction the vCPU executes
# from the module's begin marker to its end marker; the module's once and
# twice batches with n = 1 and 2 run between them. Writes
# OUT_DIR/<cell>.trace.json (arch-matrix/tracer/trace.py); irqbench/
# annotate.py turns it into the per-case text and JSON.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: annotate.sh ARCH KERNEL CONFIG OUT_DIR CASE...}
kernel=${2:?}
config=${3:?}
out=${4:?}
shift 4
[ $# -gt 0 ] || die "annotate: no CASE given (variant/impl/d<depth>/<state>)"
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

plugin=$("$here/tracer/build.sh") || die "annotate: the tracer plugin did not build"
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

# boot.sh's QEMU, with the plugin and the log it writes to (-d plugin) and
# every interrupt and exception QEMU delivers (-d int), in one ordered
# stream: trace.py fails a case an interrupt landed in
qemu=$(arch_qemu "$arch")
real=$(command -v "$qemu") || die "annotate: $qemu is missing (make deps)"
ctl=$work/irqtrace.ctl
qlog=$work/qemu.log
mkdir -p "$work/bin"
printf '#!/bin/bash\nexec %q "$@" -plugin %q -d plugin,int -D %q\n' \
	"$real" "$plugin,ctl=$ctl" "$qlog" >"$work/bin/$qemu"
chmod +x "$work/bin/$qemu"

log=$out/$cell.console.log
trace=$out/$cell.trace.json
boot=
# on a failure: boot.sh's child is timeout(1), in a process group of its
# own, which passes the signal on to QEMU
stop_boot() {
	[ -n "$boot" ] || return 0
	pkill -TERM -P "$boot" 2>/dev/null || true
	kill "$boot" 2>/dev/null || true
	wait "$boot" 2>/dev/null || true
}
trap stop_boot EXIT

# run_once: one boot, traced; 0 done, 4 an interrupt landed in a case
run_once() {
	local port addrs kv entries rc=0
	rm -f "$log" "$qlog" "$trace" "$ctl" # the waits below must not read an old run's
	mkfifo "$ctl" || die "annotate: cannot make $ctl"
	port=$((20000 + RANDOM % 20000))
	PATH=$work/bin:$PATH QEMU_GDB_PORT=$port BOOT_TIMEOUT=300 "$here/boot.sh" "$arch" "$image" \
		"$work/initramfs.cpio" tcg-icount "$log" nokaslr &
	boot=$!
	addrs=
	for _ in $(seq 1500); do
		addrs=$(grep -a -A1 '@@IRQBENCH BEGIN annotate-addrs@@' "$log" 2>/dev/null | grep -a 'begin=' | tr -d '\r' || true)
		[ -n "$addrs" ] && break
		kill -0 "$boot" 2>/dev/null || break
		sleep 0.2
	done
	[ -n "$addrs" ] || { wait "$boot" || true; boot=; die "$cell: the guest never printed the annotate addresses ($log)"; }
	local begin='' mark='' end='' wait=''
	for kv in $addrs; do
		case ${kv%%=*} in begin | mark | end | wait) printf -v "${kv%%=*}" '%s' "${kv#*=}" ;; esac
	done
	if [ -z "$begin" ] || [ -z "$mark" ] || [ -z "$end" ] || [ -z "$wait" ]; then
		die "$cell: incomplete annotate addresses: $addrs"
	fi
	entries=$(/usr/bin/python3 "$here/tracer/trace.py" entries "$arch" "$ko" "$begin" "$mark" "$end") ||
		die "$cell: no marker entries from $ko"
	read -r begin mark end <<<"$entries"
	# The window first, then the guest is let go: the plugin reads the
	# FIFO before it translates the begin marker, which has never run.
	# shellcheck disable=SC2016 # the inner shell's arguments
	timeout 10 sh -c 'echo "$1 $2" >"$3"' sh "$begin" "$end" "$ctl" ||
		die "$cell: the plugin did not open its control FIFO (QEMU: $qlog)"
	/usr/bin/python3 "$here/tracer/release.py" "$port" "$wait" ||
		die "$cell: could not clear the module's wait flag through the gdbstub"
	wait "$boot" || { boot=; die "$cell: guest run failed (console: $log)"; }
	boot=
	grep -a -q '@@IRQBENCH ANNOTATED@@' "$log" || die "$cell: the guest did not finish annotating"
	/usr/bin/python3 "$here/tracer/trace.py" convert "$arch" "$qlog" "$begin" "$mark" "$end" \
		$# "$trace" || rc=$?
	case $rc in
	0 | 4) return "$rc" ;;
	*) die "$cell: no trace from the plugin's log ($qlog)" ;;
	esac
}

# An interrupt inside a case is a matter of timing, which the wait for the
# release makes differ from boot to boot: boot again, twice at most.
for try in 1 2 3; do
	rc=0
	run_once "$@" || rc=$?
	[ "$rc" = 0 ] && break
	[ "$try" = 3 ] && die "$cell: an interrupt landed inside a traced case in 3 boots (above)"
	echo "annotate: $cell: boot $try: an interrupt landed inside a case; booting again" >&2
done
{
	echo "cell=$cell"
	echo "vmlinux=$work/vmlinux"
	echo "module=$ko"
	echo "asm_offsets=$work/asm-offsets.h"
	# s390x runs its kernel at CONFIG_KERNEL_IMAGE_BASE above vmlinux's
	# link addresses when KASLR is off (arch/s390/boot/startup.c);
	# annotate.py's objdump check fails if that is ever not so
	echo "kernel_offset=$(sed -n 's/^CONFIG_KERNEL_IMAGE_BASE=//p' "$bdir/.config" | grep . || echo 0)"
	grep -a -A1 '@@IRQBENCH BEGIN annotate-addrs@@' "$log" | grep -a 'begin=' | tr -d '\r' | tr ' ' '\n'
	printf 'case=%s\n' "$@"
} >"$out/$cell.annotate.meta"
echo "$trace"
