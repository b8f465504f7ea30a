#!/bin/bash
# build-kernel.sh ARCH KERNEL CONFIG: builds a small guest kernel out of
# tree (tinyconfig + configs/common + configs/ARCH + configs/CONFIG and,
# where it exists, configs/CONFIG-ARCH) and prints its build directory. The
# directory is keyed by the fragments' content, the tree and the compiler,
# so a changed fragment rebuilds and nothing stale is reused. KSRC=/path
# uses that tree instead of Debian's. A tree with native counted disabling
# is built from a hard-linked copy that adds irqbench's loops to vmlinux
# (kernel/irqbench/, impl native-builtin); the tree itself is never written.
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
IFS=+ read -r -a parts <<<"$config"
for part in "${parts[@]}"; do
	[ -f "$cfgdir/$part.config" ] || die "no config fragment configs/$part.config"
	frags+=("$cfgdir/$part.config")
	if [ -f "$cfgdir/$part-$arch.config" ]; then
		frags+=("$cfgdir/$part-$arch.config")
	fi
done
# the fragments' own constraints (arches, kernels), as the cell generator reads them
irqpy cells cell "$arch" "$kernel" "$config" || exit 1

# One kernel build at a time on this machine (2 cores), and no run reads a
# build directory or the builtin copy while another writes it. run-cell.sh
# holds this lock already (IRQBENCH_BUILD_LOCKED), until it has copied the
# image it boots: another checkout may relink vmlinux with its own loops.
mkdir -p "$IRQBENCH_WORK/build"
[ -n "${IRQBENCH_BUILD_LOCKED:-}" ] || lock_wait 8 "$IRQBENCH_CACHE/build.lock" "another irqbench kernel build"
export IRQBENCH_BUILD_LOCKED=1 # for toolchain-root.sh, which takes it too

# builtin_tree SRC: the copy of SRC with kernel/irqbench/ added, its files
# brought up to date with kmod-bench/. Debian's trees never change, so their
# copy is made once; a KSRC tree is linked afresh every time (a link made
# before an edit may still point at the old file). In a private work root
# the copy keeps the tree's own name: same-shaped paths let ccache hit.
builtin_tree() {
	local src=$1 name dst f
	name=$(basename "$src")
	if [ -n "${KSRC:-}" ] && [ "$IRQBENCH_WORK" = "$IRQBENCH_CACHE" ]; then
		name=ksrc-$(echo "$src" | sha256sum | cut -c1-12)
	fi
	dst=$IRQBENCH_WORK/src-builtin/$name
	if [ -n "${KSRC:-}" ] || [ ! -f "$dst/.irqbench-copy" ]; then
		rm -rf "$dst"
		mkdir -p "$(dirname "$dst")"
		cp -al "$src" "$dst"
		# replaced, not written through: it is a link into SRC
		rm "$dst/kernel/Makefile"
		{ cat "$src/kernel/Makefile"; echo 'obj-y += irqbench/'; } >"$dst/kernel/Makefile"
		echo "$src" >"$dst/.irqbench-copy"
	fi
	mkdir -p "$dst/kernel/irqbench"
	for f in "$IRQBENCH_ROOT/arch-matrix/builtin/Makefile" \
		"$IRQBENCH_ROOT"/kmod-bench/{variants.c,variant_rows.h,counted.h,irqbench.h,request.h,stats.h,variants.h,irqb_compat.h}; do
		cmp -s "$f" "$dst/kernel/irqbench/${f##*/}" || cp "$f" "$dst/kernel/irqbench/"
	done
	echo "$dst"
}

builtin_hash=none
if [ -f "$src/include/linux/interrupt_rc.h" ]; then
	tree=$src
	src=$(builtin_tree "$tree")
	builtin_hash=$(cat "$src"/kernel/irqbench/* | sha256sum | cut -c1-16)
fi

# The toolchain: LLVM=1 and Rust configs build with clang, in
# the pinned trixie root unless the host's own tools suffice (rustavailable)
llvm=${LLVM:-}
# a Rust config ("# needs: rust" in its fragment) builds with clang
if irqpy cells rust "$config"; then
	llvm=1
fi
case $llvm in "" | 1) ;; *) die "LLVM must be 1 or unset, not '$llvm'" ;; esac
run=()
toolchain=host
if [ "$llvm" = 1 ] && "$IRQBENCH_ROOT/arch-matrix/toolchain-root.sh" needed "$src"; then
	run=("$IRQBENCH_ROOT/arch-matrix/toolchain-root.sh" run)
	toolchain=$("${run[@]}" true && "$IRQBENCH_ROOT/arch-matrix/toolchain-root.sh" id)
fi
# a relink of the same sources gives the same image (its banner holds no
# date, build count, user or host), so run.json's image hash names the code
makeargs=(ARCH="$(arch_field "$arch" karch)" -j"$(nproc)" KBUILD_BUILD_TIMESTAMP=irqbench
	KBUILD_BUILD_VERSION=1 KBUILD_BUILD_USER=irqbench KBUILD_BUILD_HOST=irqbench)
if [ "$llvm" = 1 ]; then
	makeargs+=(LLVM=1 CC="ccache clang")
	cc_version="$("${run[@]}" clang --version | head -n 1) $("${run[@]}" sh -c 'rustc --version || true' 2>/dev/null)"
else
	makeargs+=(CROSS_COMPILE="$cross" CC="ccache ${cross}gcc")
	cc_version=$("${cross}gcc" --version | head -n 1)
fi

# Only what reaches the build is hashed: the options and the "# optional:"
# lines, not the comments and constraint headers around them.
key=$( {
	grep -h -e '^CONFIG_' -e '^# optional:' "${frags[@]}"
	echo "$src $(kernel_version "$src") $cc_version LLVM=$llvm toolchain=$toolchain"
} | sha256sum | cut -c1-12)
bdir=$IRQBENCH_WORK/build/$arch-$kernel-$config-$key
image=$(arch_image "$arch")
target=${image##*/}
if [ -f "$bdir/.irqbench-built" ]; then
	# A KSRC tree may have changed since (a patch, a bisect step): kbuild
	# rebuilds what did. Debian's trees do not change; when the builtin
	# loops did, an incremental build relinks vmlinux.
	if [ -n "${KSRC:-}" ]; then
		starting "$arch-$kernel-$config" kernel "incremental build of $src (log: $bdir/build.log)"
		run_logged "$bdir/build.log" make -C "$src" O="$bdir" "${makeargs[@]}" "$target" modules
		echo "$builtin_hash" >"$bdir/.irqbench-builtin"
		# the builtin copy's name is shared by every tree of that name: the
		# directory may last have been built from another KSRC
		echo "${tree:-$src}" >"$bdir/.irqbench-src"
	elif [ "$(cat "$bdir/.irqbench-builtin" 2>/dev/null)" != "$builtin_hash" ]; then
		starting "$arch-$kernel-$config" kernel "relinking the builtin loops (log: $bdir/build.log)"
		run_logged "$bdir/build.log" "${run[@]}" make -C "$src" O="$bdir" "${makeargs[@]}" "$target" modules
		echo "$builtin_hash" >"$bdir/.irqbench-builtin"
	fi
	echo "$bdir"
	exit 0
fi
rm -rf "$bdir"
mkdir -p "$bdir"
log=$bdir/build.log
cell=$arch-$kernel-$config
starting "$cell" kernel "configuring in $bdir (logs: $bdir/*.log)"

run_logged "$bdir/config.log" "${run[@]}" make -C "$src" O="$bdir" "${makeargs[@]}" tinyconfig
run_logged "$bdir/merge.log" "${run[@]}" "$src/scripts/kconfig/merge_config.sh" -m -O "$bdir" \
	"$bdir/.config" "${frags[@]}"
run_logged "$bdir/olddefconfig.log" "${run[@]}" make -C "$src" O="$bdir" "${makeargs[@]}" olddefconfig

# Fail clearly when olddefconfig dropped an option a fragment asked for.
# A fragment's "# optional: CONFIG_X" line lets CONFIG_X be absent from a
# kernel whose Kconfig has no such symbol (one that only some versions
# have); a typo still fails, as does a symbol the kernel has but dropped.
optional=$(sed -n 's/^# optional: \(CONFIG_[A-Za-z0-9_]*\).*/\1/p' "${frags[@]}")
dropped=0
while IFS= read -r line; do
	opt=${line%%=*}
	val=${line#*=}
	if grep -qx "$opt" <<<"$optional" &&
		! grep -rqE "^[[:space:]]*(menu)?config ${opt#CONFIG_}[[:space:]]*$" --include='Kconfig*' "$src"; then
		echo "irqbench: $opt is optional and $kernel's Kconfig has no such symbol: left out" >>"$bdir/merge.log"
		continue
	fi
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

# A cold build takes minutes: say so as it starts and every 30 s after,
# with the last target make reached.
starting "$cell" kernel "building $target and modules (log: $log)"
t0=$(date +%s)
(
	exec 8>&- # the lock is the build's, not the ticker's (nor its sleep's)
	while sleep 30; do
		last=$(tail -n 40 "$log" 2>/dev/null | grep -a -E '^  [A-Z]' | tail -n 1 | sed 's/^ *//')
		progress "$cell" kernel "$t0" "still building: ${last:-starting}"
	done
) >/dev/null &
ticker=$!
trap 'kill "$ticker" 2>/dev/null || true' EXIT
run_logged "$log" "${run[@]}" make -C "$src" O="$bdir" "${makeargs[@]}" "$target" modules
kill "$ticker" 2>/dev/null || true
if [ ! -f "$bdir/$image" ] || [ ! -f "$bdir/Module.symvers" ]; then
	die "the build left no $image or Module.symvers in $bdir"
fi
echo "${tree:-$src}" >"$bdir/.irqbench-src"
echo "$builtin_hash" >"$bdir/.irqbench-builtin"
# where later steps (modules, gen_init_cpio) must run: in_build_env
[ ${#run[@]} = 0 ] || echo "$toolchain" >"$bdir/.irqbench-toolchain"
touch "$bdir/.irqbench-built"
echo "$bdir"
