#!/bin/bash
# build-initramfs.sh ARCH KBUILD_DIR KO REQUEST OUT [SELFTEST]: an uncompressed
# initramfs with the static /init, irqbench.ko, the request and, when
# given, the selftest binary. KSELFTEST_INSTALL=DIR (selftests/irqbench/
# intree.sh) adds a kselftest install tree as /kselftest and a static
# busybox for its run_kselftest.sh. Uses the kernel's own
# usr/gen_init_cpio, which makes /dev/console without needing root.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: build-initramfs.sh ARCH KBUILD_DIR KO REQUEST OUT [SELFTEST]}
kbuild=${2:?}
ko=${3:?}
request=${4?}
out=${5:?}
selftest=${6:-}
cross=$(arch_cross "$arch")

guest=$IRQBENCH_CACHE/guest/$arch
mkdir -p "$guest"
init_src=$IRQBENCH_ROOT/arch-matrix/guest/init.c
# rebuilt whenever the source differs from the one it was built from
if [ ! -x "$guest/init" ] || ! cmp -s "$init_src" "$guest/init.c"; then
	# built aside and renamed: a concurrent run never packs half a binary
	"${cross}gcc" -static -O2 -Wall -Wextra -Werror -o "$guest/init.$$" "$init_src" ||
		die "the guest init did not build for $arch"
	cp "$init_src" "$guest/init.c.$$"
	mv "$guest/init.$$" "$guest/init"
	mv "$guest/init.c.$$" "$guest/init.c"
fi
# Staged copies with one fixed mtime and -t 0: the same inputs give the
# same archive, byte for byte, so run.json's initramfs hash identifies it.
stage=$out.files
rm -rf "$stage"
mkdir -p "$stage"
printf '%s\n' "$request" >"$stage/request"
cp "$guest/init" "$stage/init"
cp "$ko" "$stage/irqbench.ko"
[ -z "$selftest" ] || cp "$selftest" "$stage/irqbench_selftest"
if [ -n "${KSELFTEST_INSTALL:-}" ]; then
	busybox=$(arch_busybox "$arch")
	cp "$busybox" "$stage/busybox"
	cp -r "$KSELFTEST_INSTALL" "$stage/kselftest"
	find "$stage/kselftest" -exec touch -h -d @0 {} +
fi
touch -d @0 "$stage"/*
{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "dir /proc 0755 0 0"
	echo "dir /sys 0755 0 0"
	echo "file /init $stage/init 0755 0 0"
	echo "file /irqbench.ko $stage/irqbench.ko 0644 0 0"
	echo "file /request $stage/request 0644 0 0"
	# annotate mode (arch-matrix/annotate.sh): one case per line
	if [ -n "${ANNOTATE_CASES:-}" ]; then
		printf '%s\n' "$ANNOTATE_CASES" >"$stage/annotate"
		touch -d @0 "$stage/annotate"
		echo "file /annotate $stage/annotate 0644 0 0"
	fi
	# the Rust module (run-cell.sh), loaded after irqbench.ko
	if [ -n "${RUST_KO:-}" ]; then
		cp "$RUST_KO" "$stage/irqbench_rust.ko"
		touch -d @0 "$stage/irqbench_rust.ko"
		echo "file /irqbench_rust.ko $stage/irqbench_rust.ko 0644 0 0"
	fi
	if [ -n "$selftest" ]; then
		echo "file /irqbench_selftest $stage/irqbench_selftest 0755 0 0"
	fi
	# the kselftest tree, sorted so the archive is the same every time;
	# /init installs busybox's applets into /bin before running it
	if [ -n "${KSELFTEST_INSTALL:-}" ]; then
		echo "dir /bin 0755 0 0"
		echo "dir /tmp 01777 0 0"
		echo "file /bin/busybox $stage/busybox 0755 0 0"
		(cd "$stage" && find kselftest -mindepth 0 | LC_ALL=C sort) | while read -r f; do
			if [ -d "$stage/$f" ]; then
				echo "dir /$f 0755 0 0"
			else
				echo "file /$f $stage/$f $(stat -c %a "$stage/$f") 0 0"
			fi
		done
	fi
} >"$out.list"
in_build_env "$kbuild" "$kbuild/usr/gen_init_cpio" -t 0 "$out.list" >"$out" || die "gen_init_cpio failed"
