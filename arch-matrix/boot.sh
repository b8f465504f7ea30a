#!/bin/bash
# boot.sh ARCH IMAGE INITRD ACCEL CONSOLE_LOG [CMDLINE...]: boots the guest in
# QEMU with a hard timeout and judges the console: the run passes only if
# the guest printed its end marker with rc=0 and no panic, oops, BUG, WARN,
# lockdep report, soft lockup or RCU stall. The QEMU command line is saved
# beside the log as CONSOLE_LOG.cmd.
# ACCEL: kvm, tcg, or tcg-icount (-icount shift=0,sleep=off: the guest
# clock counts instructions, so figures are exact and repeatable).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: boot.sh ARCH IMAGE INITRD ACCEL CONSOLE_LOG [CMDLINE...]}
image=${2:?}
initrd=${3:?}
accel=${4:?}
log=${5:?}
shift 5
timeout=${BOOT_TIMEOUT:-$(boot_fact timeout_s)}

# what every guest boots with: boot.tsv's
cmdline="$(boot_fact cmdline) $*"
# Machine, CPU and console are the arch's row of arches.tsv. x86_64's
# cmdline_tcg: under TCG the LAPIC timer calibration polls for 100 ms of
# guest time, which -icount turns into ~15 s of wall time; the PIT serves
# as the tick instead. Only the interrupt source changes.
qemu=("$(arch_qemu "$arch")")
# shellcheck disable=SC2207 # machine is a list of words
qemu+=($(arch_field "$arch" machine))
words=("console=$(arch_field "$arch" console)" "$(arch_field "$arch" cmdline)" "$cmdline")
[ "$accel" = kvm ] || words+=("$(arch_field "$arch" cmdline_tcg)")
cmdline=$(printf '%s\n' "${words[@]}" | grep -v '^$' | paste -sd ' ')
cpu=$(arch_field "$arch" cpu)
# The accelerator's QEMU options and vCPUs: its row of accels.tsv. Two
# CPUs, so cpu= binding means something; one under -icount, where the
# vCPUs run round-robin and 6.1 never finishes bringing up the second CPU
# (its TSC sync check spins against a CPU that only runs in turn).
row=$(awk -F'\t' -v a="$accel" '!/^#/ && $1 == a && $2 != "-" { print; found = 1 } END { exit !found }' \
	"$IRQBENCH_ROOT/arch-matrix/accels.tsv") || die "unknown accel '$accel' (a QEMU row of arch-matrix/accels.tsv)"
IFS=$'\t' read -r _ accel_opts smp _ <<<"$row"
# shellcheck disable=SC2206 # the options are a list of words
qemu+=($accel_opts)
[ "$accel" != kvm ] || cpu=host
qemu+=(-cpu "$cpu" -smp "$smp" -m "$(boot_fact memory_mb)" -nographic -no-reboot -nic none
	-kernel "$image" -initrd "$initrd" -append "$cmdline")
# annotate.sh: a gdbstub (-gdb tcp::PORT), through which the tracer's
# release.py lets the guest run on
[ -n "${QEMU_GDB_PORT:-}" ] && qemu+=(-gdb "tcp:127.0.0.1:$QEMU_GDB_PORT")
printf '%q ' "${qemu[@]}" >"$log.cmd"
echo >>"$log.cmd"

rc=0
timeout --kill-after=5 "$timeout" "${qemu[@]}" </dev/null >"$log" 2>&1 || rc=$?

fail() {
	echo "irqbench: $arch guest ($accel): $*" >&2
	echo "---- console tail ($log) ----" >&2
	grep -a -v '^<[0-9]>' "$log" | tail -n 25 >&2
	exit 1
}
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then fail "hung: no end marker within ${timeout}s"; fi
# the console's verdict (irqbench/console.py, which LAVA jobs get too)
reason=$(irqpy console splat "$log") || fail "$reason"
[ "$rc" = 0 ] || fail "QEMU exited with status $rc"
reason=$(irqpy console markers "$log") || fail "$reason"
exit 0
