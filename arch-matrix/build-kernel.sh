#!/bin/bash
# build-kernel.sh ARCH KERNEL CONFIG: builds a small guest kernel out of
# tree (tinyconfig + configs/common + configs/ARCH + configs/CONFIG) and
# prints its build directory. The directory is keyed by the fragments'
# content, the tree and the compiler, so a changed fragment rebuilds and
# nothing stale is reused. KSRC=/path uses that tree instead of Debian's.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: build-kernel.sh ARCH KERNEL CONFIG}
kernel=${2:?}
config=${3:?}
cross=$(arch_cross "$arch")
cfgdir=$IRQBENCH_ROOT/configs

if [ -n "${KSRC:-}" ]; then
	src=$(cd "$KSRC" && pwd)
else
	src=$("$IRQBENCH_ROOT/arch-matrix/fetch-source.sh" "$kernel")
fi

frags=("$cfgdir/common.config" "$cfgdir/$arch.config")
[ -f "$cfgdir/$config.config" ] || die "no config fragment configs/$config.config"
frags+=("$cfgdir/$config.config")
if [ "$config" = pseudo-nmi ] && [ "$arch" != arm64 ]; then
	die "config pseudo-nmi is arm64 only"
fi

makeargs=(ARCH="$arch" -j"$(nproc)")
if [ "${LLVM:-}" = 1 ]; then
	makeargs+=(LLVM=1 CC="ccache clang")
	cc_version=$(clang --version | head -n 1)
else
	makeargs+=(CROSS_COMPILE="$cross" CC="ccache ${cross}gcc")
	cc_version=$("${cross}gcc" --version | head -n 1)
fi

key=$( {
	cat "${frags[@]}"
	echo "$src $(kernel_version "$src") $cc_version LLVM=${LLVM:-}"
} | sha256sum | cut -c1-12)
bdir=$IRQBENCH_CACHE/build/$arch-$kernel-$config-$key
if [ -f "$bdir/.irqbench-built" ]; then
	echo "$bdir"
	exit 0
fi
rm -rf "$bdir"
mkdir -p "$bdir"
log=$bdir/build.log

run_logged "$bdir/config.log" make -C "$src" O="$bdir" "${makeargs[@]}" tinyconfig
run_logged "$bdir/merge.log" "$src/scripts/kconfig/merge_config.sh" -m -O "$bdir" \
	"$bdir/.config" "${frags[@]}"
run_logged "$bdir/olddefconfig.log" make -C "$src" O="$bdir" "${makeargs[@]}" olddefconfig

# Fail clearly when olddefconfig dropped an option a fragment asked for.
dropped=0
while IFS= read -r line; do
	opt=${line%%=*}
	val=${line#*=}
	if [ "$val" = n ]; then
		if grep -q "^$opt=" "$bdir/.config"; then
			echo "irqbench: $opt=n was asked for but is set in $kernel/$arch" >&2
			dropped=1
		fi
	elif ! grep -qx "$line" "$bdir/.config"; then
		echo "irqbench: $line was asked for but dropped by olddefconfig on $kernel/$arch" \
			"(now: $(grep "^$opt=\|# $opt is not set" "$bdir/.config" || echo absent))" >&2
		dropped=1
	fi
done < <(grep -h '^CONFIG_' "${frags[@]}")
[ "$dropped" = 0 ] || die "config $config does not apply to $kernel on $arch"

image=$(arch_image "$arch")
target=${image##*/}
run_logged "$log" make -C "$src" O="$bdir" "${makeargs[@]}" "$target" modules
if [ ! -f "$bdir/$image" ] || [ ! -f "$bdir/Module.symvers" ]; then
	die "the build left no $image or Module.symvers in $bdir"
fi
echo "$src" >"$bdir/.irqbench-src"
touch "$bdir/.irqbench-built"
echo "$bdir"
