#!/bin/bash
# toolchain-root.sh path | run CMD... | id | needed KERNEL_TREE
# A pinned Debian trixie root with what LLVM=1 and Rust kernels need
# (clang/lld/llvm 19, rustc, rust-src, bindgen, ...): 7.3 needs Clang
# 17.0.1, rustc 1.85.0 and bindgen 0.71.1, this release has Clang 14 and no
# kernel-grade rustc. Built once with mmdebstrap from the archive URI of
# the machine's own apt configuration (never written down anywhere) into
# $IRQBENCH_CACHE/toolchain/<key>/root, key = hash of suite and package
# list, so a changed list builds a new root and a built root never changes.
#   path    builds the root if needed, prints its directory
#   run     runs CMD inside it (chroot in a private mount namespace), with
#           the cache, the irqbench tree, KSRC and /proc bind-mounted at
#           their own paths; the working directory is kept
#   id      the root's identity: suite, key and a hash of its exact versions
#   needed  exit 0 when the host's own tools are too old for LLVM=1/Rust on
#           KERNEL_TREE (make LLVM=1 rustavailable and the minimum Clang),
#           1 when they suffice
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=debian-root.sh
. "$(dirname "$0")/debian-root.sh"

SUITE=trixie
SOURCES=(trixie)
PKGS=(
	clang-19 lld-19 llvm-19 libclang-19-dev
	rustc rust-src rustfmt rust-clippy bindgen
	make gcc libc6-dev bc bison flex libelf-dev libssl-dev
	perl python3 cpio kmod xz-utils ccache
)
APTOPTS=('Acquire::Check-Valid-Until "false"')
DPKGOPTS=('path-exclude=/usr/share/doc/*' 'path-exclude=/usr/share/man/*')
# the key of the package list alone: roots built before the options were
# written down here keep their key (and the kernels built with them theirs)
key=$(printf '%s\n' "$SUITE" "${PKGS[@]}" | sha256sum | cut -c1-12)
dir=$IRQBENCH_CACHE/toolchain/$key
root=$dir/root
# clang, ld.lld, llvm-ar... unsuffixed, as LLVM=1 calls them
ROOT_PATH=/usr/lib/llvm-19/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin

# a root is one build's at a time, like a kernel (it is as heavy)
build_toolchain_root() {
	root_build "$dir" toolchain "$IRQBENCH_CACHE/build.lock"
}

# run CMD...: CMD inside the root, with the cache, the irqbench tree, KSRC
# and TOOLCHAIN_BINDS at their own paths; ccache's directory is the root's.
run_in_root() {
	local binds=("$IRQBENCH_CACHE" "$IRQBENCH_ROOT") b
	[ -n "${KSRC:-}" ] && binds+=("$(cd "$KSRC" && pwd)")
	for b in ${TOOLCHAIN_BINDS:-}; do binds+=("$b"); done
	root_run "$root" "${#binds[@]}" "${binds[@]}" PATH="$ROOT_PATH" CCACHE_DIR="$dir/ccache" \
		KBUILD_BUILD_TIMESTAMP="${KBUILD_BUILD_TIMESTAMP:-}" -- "$@"
}

# needed TREE: are the host's tools too old for LLVM=1 and Rust on TREE?
host_insufficient() {
	local tree=$1 min have
	min=$("$tree/scripts/min-tool-version.sh" llvm)
	have=$(clang -dumpversion 2>/dev/null || echo 0)
	# sort -V: the host's clang is at least the minimum
	[ "$(printf '%s\n' "$min" "$have" | sort -V | head -n 1)" = "$min" ] || return 0
	make -s -C "$tree" LLVM=1 rustavailable >/dev/null 2>&1 || return 0
	return 1
}

case ${1:-} in
path)
	build_toolchain_root
	echo "$root"
	;;
run)
	shift
	[ $# -gt 0 ] || die "usage: toolchain-root.sh run CMD..."
	build_toolchain_root
	run_in_root "$@"
	;;
id)
	# what a build directory's key names: the package list and exact versions
	root_id "$dir"
	;;
needed)
	host_insufficient "${2:?usage: toolchain-root.sh needed KERNEL_TREE}"
	;;
*) die "usage: toolchain-root.sh path | run CMD... | id | needed KERNEL_TREE" ;;
esac
