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

# tree_identity SRC: which kernel tree this is, for run.json: the Debian
# package it was extracted from, else `git describe`, else a hash of its
# source files' names, sizes and times.
tree_identity() {
	local src=$1 id
	if [ -s "$src/.irqbench-extracted" ]; then
		cat "$src/.irqbench-extracted"
	elif id=$(git -C "$src" describe --always --dirty --abbrev=12 2>/dev/null); then
		echo "git $id"
	else
		echo "files $(find "$src" -type f \( -name '*.[chS]' -o -name 'Kconfig*' -o -name 'Makefile*' \) \
			-printf '%P %s %T@\n' | sort | sha256sum | cut -c1-16)"
	fi
}

# qemu_binary ARCH: the QEMU system emulator for a guest arch.
qemu_binary() {
	case $1 in
	x86_64) echo qemu-system-x86_64 ;;
	arm64) echo qemu-system-aarch64 ;;
	*) die "unknown arch '$1' (x86_64 or arm64)" ;;
	esac
}

# run_alive LOG LABEL CMD...: like run_logged, for long steps: says where
# the log is when it starts, and every 30 s that it is still going.
run_alive() {
	local log=$1 label=$2 pid start rc=0
	shift 2
	start=$(date +%s)
	echo "irqbench: $label (log: $log)" >&2
	"$@" >"$log" 2>&1 &
	pid=$!
	while ! wait_for "$pid" 30; do
		echo "irqbench: $label: $(($(date +%s) - start))s, at: $(tail -n 1 "$log" | cut -c1-80)" >&2
	done
	wait "$pid" || rc=$?
	if [ "$rc" != 0 ]; then
		echo "irqbench: command failed: $*" >&2
		echo "---- last lines of $log ----" >&2
		tail -n 30 "$log" >&2
		return 1
	fi
}

# wait_for PID SECONDS: true once PID has ended, false after SECONDS.
wait_for() {
	local i
	for ((i = 0; i < $2; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 1
	done
	! kill -0 "$1" 2>/dev/null
}
