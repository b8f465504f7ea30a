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

SUITE=trixie
PKGS=(
	clang-19 lld-19 llvm-19 libclang-19-dev
	rustc rust-src rustfmt rust-clippy bindgen
	make gcc libc6-dev bc bison flex libelf-dev libssl-dev
	perl python3 cpio kmod xz-utils ccache
)
key=$(printf '%s\n' "$SUITE" "${PKGS[@]}" | sha256sum | cut -c1-12)
dir=$IRQBENCH_CACHE/toolchain/$key
root=$dir/root
# clang, ld.lld, llvm-ar... unsuffixed, as LLVM=1 calls them
ROOT_PATH=/usr/lib/llvm-19/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin

build_root() {
	local uri key_file t0 t1
	[ -f "$dir/.irqbench-ready" ] && return 0
	command -v mmdebstrap >/dev/null || die "mmdebstrap missing (make deps)"
	# a root is one build's at a time, like a kernel (it is as heavy)
	[ -n "${IRQBENCH_BUILD_LOCKED:-}" ] || lock_wait 8 "$IRQBENCH_CACHE/build.lock" "another irqbench build"
	[ -f "$dir/.irqbench-ready" ] && return 0
	read -r uri key_file < <(machine_archive | head -n 1) || true
	[ -n "${uri:-}" ] || die "no Debian archive URI in the machine's apt configuration"
	key_file=${key_file:-/usr/share/keyrings/debian-archive-keyring.gpg}
	rm -rf "$dir"
	mkdir -p "$dir"
	printf '%s\n' "$SUITE" "${PKGS[@]}" >"$dir/packages"
	starting toolchain "$SUITE" "building the $SUITE toolchain root in $root (once; log: $dir/mmdebstrap.log)"
	t0=$(date +%s.%N)
	run_logged "$dir/mmdebstrap.log" mmdebstrap --mode=root --variant=minbase \
		--keyring="$key_file" --include="$(
			IFS=,
			echo "${PKGS[*]}"
		)" \
		--aptopt='Acquire::Check-Valid-Until "false"' \
		--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
		"$SUITE" "$root" "deb $uri $SUITE main" || die "mmdebstrap of the $SUITE root failed"
	t1=$(date +%s.%N)
	# what the root is: the exact versions, for run.json and RESULTS.md
	# shellcheck disable=SC2016 # dpkg-query fields
	chroot "$root" dpkg-query -W -f='${Package} ${Version}\n' >"$dir/versions"
	printf '{"suite": "%s", "key": "%s", "setup_seconds": %.1f, "size_bytes": %s, "packages": %s}\n' \
		"$SUITE" "$key" "$(echo "$t1 - $t0" | bc)" "$(du -sb "$root" | cut -f1)" \
		"$(printf '%s\n' "${PKGS[@]}" | /usr/bin/python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().split()))')" \
		>"$dir/setup.json"
	touch "$dir/.irqbench-ready"
	progress toolchain "$SUITE" "${t0%.*}" "root ready: $(du -sh "$root" | cut -f1)"
}

# run CMD...: CMD inside the root, same paths, same working directory.
run_in_root() {
	local binds=("$IRQBENCH_CACHE" "$IRQBENCH_ROOT") b
	[ -n "${KSRC:-}" ] && binds+=("$(cd "$KSRC" && pwd)")
	for b in ${TOOLCHAIN_BINDS:-}; do binds+=("$b"); done
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare --mount --propagation private -- bash -c '
		set -e
		root=$1 path=$2 cwd=$3 ccache=$4 n=$5
		shift 5
		for ((i = 0; i < n; i++)); do
			mkdir -p "$root$1"
			mount --bind "$1" "$root$1"
			shift
		done
		mount -t proc proc "$root/proc"
		mount --bind /dev "$root/dev"
		exec chroot "$root" /usr/bin/env -i PATH="$path" HOME=/root LC_ALL=C.UTF-8 \
			CCACHE_DIR="$ccache" KBUILD_BUILD_TIMESTAMP="${KBUILD_BUILD_TIMESTAMP:-}" \
			/bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
	' toolchain-root "$root" "$ROOT_PATH" "$(pwd)" "$dir/ccache" "${#binds[@]}" "${binds[@]}" "$@"
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
	build_root
	echo "$root"
	;;
run)
	shift
	[ $# -gt 0 ] || die "usage: toolchain-root.sh run CMD..."
	build_root
	run_in_root "$@"
	;;
id)
	# what a build directory's key names: the package list and exact versions
	[ -f "$dir/.irqbench-ready" ] || die "no toolchain root built yet"
	echo "$SUITE-$key-$(sha256sum <"$dir/versions" | cut -c1-12)"
	;;
needed)
	host_insufficient "${2:?usage: toolchain-root.sh needed KERNEL_TREE}"
	;;
*) die "usage: toolchain-root.sh path | run CMD... | id | needed KERNEL_TREE" ;;
esac
