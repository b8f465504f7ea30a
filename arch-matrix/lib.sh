# shellcheck shell=bash
# Shared by the arch-matrix scripts: paths, progress lines, failures.

IRQBENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IRQBENCH_CACHE=${IRQBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/irqbench}
export IRQBENCH_ROOT IRQBENCH_CACHE
export CCACHE_DIR=${CCACHE_DIR:-$IRQBENCH_CACHE/ccache}

die() {
	echo "irqbench: error: $*" >&2
	exit 1
}

# progress CELL STEP START_SECONDS MESSAGE: one line per cell and step.
progress() {
	local now
	now=$(date +%s)
	printf '[%-24s] %-8s %4ss  %s\n' "$1" "$2" "$((now - $3))" "$4" >&2
}

# run_logged LOG CMD...: output to LOG; on failure show its tail and fail.
run_logged() {
	local log=$1
	shift
	if ! "$@" >"$log" 2>&1; then
		echo "irqbench: command failed: $*" >&2
		echo "---- last lines of $log ----" >&2
		tail -n 30 "$log" >&2
		return 1
	fi
}

# Kernel ARCH name to the cross-compiler prefix and the boot image.
arch_cross() {
	case $1 in
	x86_64) echo "" ;;
	arm64) echo "aarch64-linux-gnu-" ;;
	*) die "unknown arch '$1' (x86_64 or arm64)" ;;
	esac
}

arch_image() {
	case $1 in
	x86_64) echo "vmlinux" ;;
	arm64) echo "arch/arm64/boot/Image" ;;
	esac
}

# kernel_version TREE: "7.3.0-rc7"; clean of a parent make's flags, which
# would add "Entering directory" lines under `make -C`.
kernel_version() {
	MAKEFLAGS='' MAKELEVEL='' make -s --no-print-directory -C "$1" kernelversion
}
