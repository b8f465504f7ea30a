#!/bin/bash
# bare-metal.sh KO: loads irqbench.ko on this machine (root), runs REQUEST,
# and writes the records under results/<run-id>/ like a guest cell, with
# accel=bare-metal. For maintainers measuring real hardware.
set -euo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

ko=${1:?usage: bare-metal.sh path/to/irqbench.ko}
irqbench_env
request=${REQUEST:?}
dbg=/sys/kernel/debug/irqbench
[ "$(id -u)" = 0 ] || die "bare-metal runs need root (insmod, debugfs)"
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
if [ ! -d "$dbg" ]; then
	insmod "$ko" tag_config=host tag_accel=bare-metal || die "insmod $ko failed"
	trap 'rmmod irqbench' EXIT
fi
case $(uname -m) in aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
cell=$arch-$(uname -r)-host
commit=$(git -C "$IRQBENCH_ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo none)
run_id=$(date -u +%Y%m%dT%H%M%SZ)-$commit
dir=$IRQBENCH_ROOT/results/.partial-$run_id
mkdir -p "$dir"
printf '%s' "$request" >"$dbg/run" || die "the module refused the request (see dmesg)"
log=$dir/$cell.console.log
# the sections a guest prints, for irqbench.collect
for f in variants results samples measurements; do
	echo "@@IRQBENCH BEGIN $f@@"
	cat "$dbg/$f"
	echo "@@IRQBENCH END $f@@"
done >"$log"
irqpy collect "$log" "$dir/$cell" >/dev/null || die "the records did not collect"
gzip -f -n "$log"
{
	echo "cell=$cell"
	echo "arch=$arch"
	echo "kernel_series=$(uname -r | grep -o '^[0-9]*\.[0-9]*')"
	echo "kernel_release=$(uname -r)"
	echo "config=host"
	echo "config_sha256=$(sha256sum "/boot/config-$(uname -r)" 2>/dev/null | cut -c1-64)"
	echo "accel=bare-metal"
	echo "request=$request"
} >"$dir/$cell.meta"
irqpy runmeta "$dir" "$run_id" "$commit"
mv "$dir" "$IRQBENCH_ROOT/results/$run_id"
ln -sfn "$run_id" "$IRQBENCH_ROOT/results/latest"
irqpy store ingest "$IRQBENCH_ROOT/results/$run_id"
echo "results/$run_id"
