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
timeout=${BOOT_TIMEOUT:-600}

cmdline="panic=-1 oops=panic softlockup_panic=1 loglevel=5 $*"
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
qemu+=(-cpu "$cpu" -smp "$smp" -m 512 -nographic -no-reboot -nic none
	-kernel "$image" -initrd "$initrd" -append "$cmdline")
# annotate.sh: a gdbstub (-gdb tcp::PORT) for the single-stepping debugger
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
splat='Kernel panic|BUG:|WARNING:|Oops|Call Trace:|possible recursive locking|circular locking|inconsistent lock state|soft lockup|hard LOCKUP|rcu_.*stall|RCU stall|sleeping function called from invalid context|scheduling while atomic'
# Lines that match the splat words but report the emulated machine, not a
# kernel fault: QEMU's pseries NVRAM is blank when VOF (not SLOF) boots the
# guest, and the kernel's partition scan says so with a "WARNING:".
benign='WARNING: nvram corruption detected: 0-length partition'
# The console without what the module's provoke file asked for on purpose
# (kmod-bench/provoke.c): a report between its two markers is the
# selftest's to judge. An unterminated region is kept.
unasked() {
	awk '/provoke lock_with: expected report begins/ { held = ""; inside = 1; next }
	     /provoke lock_with: expected report ends/ { inside = 0; next }
	     inside { held = held $0 "\n"; next }
	     { print }
	     END { if (inside) printf "%s", held }' "$log" | grep -a -v -F "$benign"
}
# read whole, not with grep -q: under pipefail an early exit would SIGPIPE
# the reader and a splat past the pipe's buffer would go unseen
hits=$(unasked | grep -a -E "$splat" || true)
if [ -n "$hits" ]; then
	fail "kernel reported: $(head -n 1 <<<"$hits" | tr -d '\r')"
fi
[ "$rc" = 0 ] || fail "QEMU exited with status $rc"
grep -a -q '@@IRQBENCH HELLO@@' "$log" || fail "never reached /init"
done_line=$(grep -a -o '@@IRQBENCH DONE rc=[0-9]*@@' "$log" || true)
[ -n "$done_line" ] || fail "no end marker (crashed or rebooted early)"
[ "$done_line" = '@@IRQBENCH DONE rc=0@@' ] || fail "guest run failed: ${done_line//@/}"
exit 0
