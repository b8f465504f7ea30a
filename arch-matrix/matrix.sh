#!/bin/bash
# matrix.sh: runs every ARCHS x KERNELS x CONFIGS cell into
# results/<run-id>/ and points results/latest at it. A run with a failed
# cell is kept as results/<run-id>.failed and never replaces a good one.
# Environment: ARCHS, KERNELS, CONFIGS, ACCEL, REQUEST, KSRC, RESULTS.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

ARCHS=${ARCHS:-x86_64 arm64}
KERNELS=${KERNELS:-7.3}
CONFIGS=${CONFIGS:-default}
ACCEL=${ACCEL:-auto}
RESULTS=${RESULTS:-$IRQBENCH_ROOT/results}
REQUEST=${REQUEST-variants=all depths=1,2,4,8 states=on,off,off-raw samples=31 model=v7.3,tip,v1-percpu}
export REQUEST

# Everything is checked before anything is built, booted or written.
case $ACCEL in auto | kvm | tcg | tcg-icount) ;; *) die "ACCEL=$ACCEL: must be auto, kvm, tcg or tcg-icount" ;; esac
[ -n "$ARCHS" ] || die "ARCHS is empty"
for arch in $ARCHS; do
	case $arch in x86_64 | arm64) ;; *) die "ARCHS: unknown arch '$arch' (x86_64 or arm64)" ;; esac
done
if [ -n "${KSRC:-}" ]; then
	[ -f "$KSRC/Makefile" ] || die "KSRC=$KSRC is not a kernel tree"
	KERNELS=$(kernel_version "$KSRC")
else
	[ -n "$KERNELS" ] || die "KERNELS is empty"
	for kernel in $KERNELS; do
		case $kernel in 6.1 | 6.12 | 7.3) ;; *) die "KERNELS: no Debian source known for '$kernel' (6.1, 6.12, 7.3; or set KSRC)" ;; esac
	done
fi
[ -n "$CONFIGS" ] || die "CONFIGS is empty"
for config in $CONFIGS; do
	[ -f "$IRQBENCH_ROOT/configs/$config.config" ] ||
		die "CONFIGS: no fragment configs/$config.config (there are: $(find "$IRQBENCH_ROOT/configs" -name '*.config' \
			-printf '%f\n' | sed 's|\.config$||' | grep -v -x -e common -e x86_64 -e arm64 -e '.*-x86_64' -e '.*-arm64' |
			sort | tr '\n' ' '))"
done
tool=$IRQBENCH_ROOT/build/host-tools
mkdir -p "$tool"
run_logged "$tool/request-check.log" make -s -C "$IRQBENCH_ROOT/selftests/host" \
	OUT="$tool" KSELFTEST=/nonexistent "$tool/request_check" ||
	die "could not build the request checker"
"$tool/request_check" "$REQUEST" || exit 3

commit=$(git -C "$IRQBENCH_ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo none)
mkdir -p "$RESULTS"
# Unique even for runs started in the same second: the partial directory is
# made atomically by mktemp, and its suffix is part of the run id.
dir=$(mktemp -d "$RESULTS/.partial-$(date -u +%Y%m%dT%H%M%SZ)-$commit-XXXX")
run_id=${dir##*/.partial-}
start=$(date +%s)
failed=()
for kernel in $KERNELS; do
	for config in $CONFIGS; do
		for arch in $ARCHS; do
			if [ "$config" = pseudo-nmi ] && [ "$arch" != arm64 ]; then
				progress "$arch-$kernel-$config" skip "$(date +%s)" "pseudo-nmi is arm64 only"
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
ln -sfn "$run_id" "$RESULTS/latest"
progress all "done" "$start" "results/$run_id"
