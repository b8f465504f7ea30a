#!/bin/bash
# probe-kvm.sh ARCH IMAGE INITRD: prints "kvm" if a real test boot of this
# kernel under KVM reaches /init, else "tcg-icount": without hardware times
# the exact counts, never emulation times (ACCEL=tcg asks for those by
# name). /dev/kvm existing is not
# enough (a nested, paravirtual-only hypervisor fails standard kernels), so
# the probe boots for real, with a short timeout, and caches the verdict
# per host kernel, QEMU version and arch.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: probe-kvm.sh ARCH IMAGE INITRD}
image=${2:?}
initrd=${3:?}

host=$(uname -m)
case "$arch/$host" in
x86_64/x86_64 | arm64/aarch64) ;;
*)
	echo tcg-icount
	exit 0
	;;
esac
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
	echo tcg-icount
	exit 0
fi
qver=$(qemu-system-x86_64 --version 2>/dev/null | head -n 1 | tr -dc 'a-zA-Z0-9.+-')
verdict=$IRQBENCH_CACHE/kvm-probe-$arch-$(uname -r)-$qver
if [ -f "$verdict" ]; then
	# the cached verdict is whether KVM boots; without it, counts
	if [ "$(cat "$verdict")" = kvm ]; then echo kvm; else echo tcg-icount; fi
	exit 0
fi
mkdir -p "$IRQBENCH_CACHE"
log=$(mktemp)
trap 'rm -f "$log" "$log.cmd"' EXIT
if BOOT_TIMEOUT=${KVM_PROBE_TIMEOUT:-30} "$IRQBENCH_ROOT/arch-matrix/boot.sh" \
	"$arch" "$image" "$initrd" kvm "$log" >/dev/null 2>&1; then
	echo kvm >"$verdict"
else
	echo "irqbench: /dev/kvm cannot boot this kernel ($(grep -a -m1 -i 'error' "$log" || echo 'no /init reached')); counting instructions under TCG (tcg-icount)" >&2
	echo tcg-icount >"$verdict"
fi
cat "$verdict"
