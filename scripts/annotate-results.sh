#!/bin/bash
# annotate-results.sh: the traces the generated pages explain figures with.
# For each cell of ARCHS x KERNELS x CONFIGS (make annotate-results: 7.3
# default on every arch the findings and the five-arch table publish) it
# takes the newest tcg-icount run of the current irqbench that has the
# cell (none: exit 2, run make remeasure first), traces the cases the pages
# explain (irqbench/annotate.py's TRACED_*, those the run measured), checks
# each length against the run's p50 and stores the analyses in the run's
# annotate/traces.json.gz, which make results reads. A mismatch stores
# nothing for that cell and exits 1.
set -euo pipefail
# shellcheck source=../arch-matrix/lib.sh
. "$(dirname "$0")/../arch-matrix/lib.sh"

cells=$(irqpy cells cells) || exit 3
"$IRQBENCH_ROOT/arch-matrix/deps.sh"
work=$IRQBENCH_CACHE/work/annotate-results
mkdir -p "$work"
rc=0
while IFS=$'\t' read -r what arch kernel config _reason; do
	[ "$what" = run ] || continue
	cell=$arch-$kernel-$config
	run=$(irqpy annotate run-of "$cell") || exit 2
	read -r -a cases <<<"$(irqpy annotate cases "$run/$cell.csv.gz")"
	[ ${#cases[@]} -gt 0 ] || die "annotate-results: $run has no case of $cell to trace"
	out=$work/$cell
	rm -rf "$out"
	t=$(date +%s)
	starting "$cell" annotate "${#cases[@]} cases of $(basename "$run")"
	if ARCHS=$arch KERNELS=$kernel CONFIGS=$config RECORDS_DIR=$run \
		"$IRQBENCH_ROOT/arch-matrix/annotate-matrix.sh" "$out" "${cases[@]}" </dev/null >"$out.log" 2>&1; then
		irqpy annotate pack "$out" "$cell" "$run"
		progress "$cell" annotate "$t" "every length equals its p50"
	else
		rc=1
		progress "$cell" annotate "$t" "FAILED, nothing stored: $out.log"
	fi
done <<<"$cells"
exit "$rc"
