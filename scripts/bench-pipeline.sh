#!/bin/bash
# bench-pipeline.sh: hyperfine timings of the pipeline itself, exported to
# results/pipeline/hyperfine.json for RESULTS.md: boot-to-first-record and
# boot-plus-sweep per arch under TCG (-icount), and a warm `make bench`
# after touching only the module.
set -euo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

kernel=${PIPELINE_KERNEL:-7.3}
out=$IRQBENCH_ROOT/results/pipeline
work=$IRQBENCH_ROOT/build/pipeline
mkdir -p "$out" "$work"
here=$IRQBENCH_ROOT/arch-matrix
irqbench_env
sweep=$REQUEST
cmds=()
for arch in $(unset ARCHS KERNELS CONFIGS; irqpy cells arches); do
	bdir=$("$here/build-kernel.sh" "$arch" "$kernel" default)
	ko=$("$here/build-module.sh" "$arch" "$bdir" "$work/$arch-module")
	image=$bdir/$(arch_image "$arch")
	"$here/build-initramfs.sh" "$arch" "$bdir" "$ko" "variants=empty depths=1 states=on samples=1" "$work/$arch-first.cpio"
	"$here/build-initramfs.sh" "$arch" "$bdir" "$ko" "$sweep" "$work/$arch-sweep.cpio"
	cmds+=(-n "boot to first record, $arch $kernel tcg-icount"
		"$here/boot.sh $arch $image $work/$arch-first.cpio tcg-icount $work/$arch-first.log"
		-n "boot + full sweep, $arch $kernel tcg-icount"
		"$here/boot.sh $arch $image $work/$arch-sweep.cpio tcg-icount $work/$arch-sweep.log")
done
runs=${PIPELINE_RUNS:-5}
hyperfine --warmup 1 --runs "$runs" --export-json "$out/hyperfine-boot.json" "${cmds[@]}"
hyperfine --warmup 1 --runs "$runs" --export-json "$out/hyperfine-bench.json" \
	--prepare "touch $IRQBENCH_ROOT/kmod-bench/timing.c" \
	-n "warm make bench ACCEL=tcg-icount (both arches) after touching kmod-bench/timing.c" \
	"make -s -C $IRQBENCH_ROOT bench ACCEL=tcg-icount RESULTS=$work/results IRQBENCH_DB=$work/store.sqlite"
