#!/bin/bash
# matrix.sh: runs every ARCHS x KERNELS x CONFIGS cell into
# results/<run-id>/ and points results/latest at it. A run with a failed
# cell is kept as results/<run-id>.failed and never replaces a good one.
# Environment: ARCHS, KERNELS, CONFIGS, ACCEL, REQUEST, REPEAT, KSRC, RESULTS.
# Every one is checked before any work starts: one line and exit 3 if bad.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

ARCHS=${ARCHS:-x86_64 arm64}
KERNELS=${KERNELS:-7.3}
CONFIGS=${CONFIGS:-default}
ACCEL=${ACCEL:-auto}
RESULTS=${RESULTS:-$IRQBENCH_ROOT/results}
# Bad input is refused here, before anything is built or any directory
# made: one line, exit 3 (a usage or data error).
refuse() {
	echo "irqbench: error: $*" >&2
	exit 3
}
case $ACCEL in auto | kvm | tcg | tcg-icount) ;; *) refuse "ACCEL must be auto, kvm, tcg or tcg-icount, not '$ACCEL'" ;; esac
# ARCHS=all: every row of arch-matrix/arches.tsv; a comma separates too
known_arches=$(arch_names | paste -sd ' ')
[ -n "${ARCHS//[ ,]/}" ] || refuse "ARCHS is empty (all, or some of: $known_arches)"
ARCHS=$(arch_expand "${ARCHS//,/ }")
for a in $ARCHS; do
	[[ " $known_arches " == *" $a "* ]] || refuse "unknown arch '$a' in ARCHS (all, or some of: $known_arches)"
done
if [ -n "${KSRC:-}" ]; then
	[ -f "$KSRC/Makefile" ] || refuse "KSRC=$KSRC is not a kernel tree"
	KERNELS=$(kernel_version "$KSRC")
else
	[ -n "${KERNELS// /}" ] || refuse "KERNELS is empty (6.1, 6.12, 7.3)"
	for k in $KERNELS; do
		case $k in 6.1 | 6.12 | 7.3) ;; *) refuse "no Debian source known for kernel '$k' in KERNELS (6.1, 6.12, 7.3; or set KSRC)" ;; esac
	done
fi
[ -n "${CONFIGS// /}" ] || refuse "CONFIGS is empty"
# is_config NAME: common, the arch fragments and CONFIG-ARCH add-ons are not configs
is_config() {
	local a
	[ "$1" != common ] && [[ $1 != */* ]] || return 1
	for a in $known_arches; do
		[ "$1" != "$a" ] && [[ $1 != *-"$a" ]] || return 1
	done
}
for c in $CONFIGS; do
	# each part of a '+'-joined config (rt+debug) is a fragment of its own
	[[ $c =~ ^[A-Za-z0-9_.-]+(\+[A-Za-z0-9_.-]+)*$ ]] ||
		refuse "config '$c' in CONFIGS: fragment names joined by single +"
	IFS=+ read -r -a parts <<<"$c"
	for p in "${parts[@]}"; do
		# common, the arch fragments and CONFIG-ARCH add-ons are not configs
		if ! is_config "$p" || [ ! -f "$IRQBENCH_ROOT/configs/$p.config" ]; then
			known=()
			for f in "$IRQBENCH_ROOT"/configs/*.config; do
				f=${f##*/} f=${f%.config}
				is_config "$f" && known+=("$f")
			done
			refuse "unknown config '$p' in CONFIGS (one of: ${known[*]}; several join with +)"
		fi
	done
	case $c in rust*+* | *+rust*) refuse "CONFIGS=$c: a Rust config is not joined with another" ;; esac
	if config_has "$c" pseudo-nmi && [[ " $ARCHS " != *" arm64 "* ]]; then
		refuse "CONFIGS=$c: pseudo-nmi is arm64 only and ARCHS='$ARCHS' has no arm64"
	fi
done
# ---- rust (issue 10): Rust configs need 7.3's API; LLVM is 1 or unset
case ${LLVM:-} in "" | 1) ;; *) refuse "LLVM must be 1 or unset, not '$LLVM'" ;; esac
for c in $CONFIGS; do
	case $c in rust | rust-*) ;; *) continue ;; esac
	for k in $KERNELS; do
		kernel_at_least "$k" 7.3 ||
			refuse "CONFIGS=$c needs kernel 7.3 or newer (SpinLockIrq, lock_with, LocalInterruptDisabled), not $k"
	done
done
# ---- end rust
# Packages next (the request checker needs gcc), then the request.
"$IRQBENCH_ROOT/arch-matrix/deps.sh" || die "installing dependencies failed"
request=${REQUEST-variants=all depths=1,2,4,8 states=on,off,off-raw samples=31 model=v7.3,tip,v1-percpu}
# The module's own parser, built for the host: guests have one vCPU under
# tcg-icount, two otherwise (boot.sh).
cpus=2
[ "$ACCEL" = tcg-icount ] && cpus=1
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
make -s -C "$IRQBENCH_ROOT/selftests/host" KSELFTEST= OUT="$tools" "$tools/request_check" \
	>"$tools/build.log" 2>&1 || { cat "$tools/build.log" >&2; die "the host request checker did not build"; }
why=$("$tools/request_check" "$cpus" "$request" 2>&1) || refuse "bad REQUEST: $why"
rm -rf "$tools"
trap - EXIT
export REQUEST=$request ARCHS

# IRQBENCH_COMMIT: set by scripts/repeat-run.sh, whose tree is no checkout
commit=${IRQBENCH_COMMIT:-$(git -C "$IRQBENCH_ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo none)}
mkdir -p "$RESULTS"
# Unique even for runs started in the same second: mktemp claims the name.
dir=$(mktemp -d "$RESULTS/.partial-$(date -u +%Y%m%dT%H%M%SZ)-$commit-XXXXXX")
run_id=${dir##*/.partial-}
chmod 755 "$dir"
# the tree as the run starts: commit, and the diff of a dirty tree
/usr/bin/python3 "$IRQBENCH_ROOT/scripts/runmeta.py" --tree "$dir"
start=$(date +%s)
failed=()
for kernel in $KERNELS; do
	for config in $CONFIGS; do
		for arch in $ARCHS; do
			if config_has "$config" pseudo-nmi && [ "$arch" != arm64 ]; then
				progress "$arch-$kernel-$config" skip "$(date +%s)" "pseudo-nmi is arm64 only"
				continue
			fi
			# 6.1 has no ARCH_SUPPORTS_RT on either arch: olddefconfig drops PREEMPT_RT.
			if config_has "$config" rt && [ "$kernel" = 6.1 ]; then
				progress "$arch-$kernel-$config" skip "$(date +%s)" "PREEMPT_RT is not selectable on 6.1"
				continue
			fi
			if ! "$IRQBENCH_ROOT/arch-matrix/run-cell.sh" "$arch" "$kernel" "$config" "$ACCEL" "$dir"; then
				failed+=("$arch-$kernel-$config")
			fi
		done
	done
done
/usr/bin/python3 "$IRQBENCH_ROOT/scripts/runmeta.py" "$dir" "$run_id" "$commit"
if [ ${#failed[@]} -gt 0 ]; then
	mv "$dir" "$RESULTS/$run_id.failed"
	die "failed cells: ${failed[*]} (kept in results/$run_id.failed; latest unchanged)"
fi
mv "$dir" "$RESULTS/$run_id"
# where the run landed, for a caller that cannot trust latest (concurrent runs)
[ -z "${IRQBENCH_RUN_DIR_FILE:-}" ] || echo "$RESULTS/$run_id" >"$IRQBENCH_RUN_DIR_FILE"
ln -sfn "$run_id" "$RESULTS/latest"
progress all "done" "$start" "results/$run_id"
