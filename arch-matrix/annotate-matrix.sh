#!/bin/bash
# annotate-matrix.sh OUT_DIR CASE...: arch-matrix/annotate.sh and its
# analysis (irqbench/annotate.py) on every cell of ARCHS x KERNELS x CONFIGS
# (the cell generator's), the text and JSON per case in OUT_DIR. Each
# length is checked against RECORDS_DIR/<cell>.csv.gz when RECORDS_DIR is
# set, else against the newest tcg-icount run of the current irqbench that
# has the cell; a cell no such run has is traced unchecked, with a note.
# Exit 1 on a mismatch.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

out=${1:?usage: annotate-matrix.sh OUT_DIR CASE...}
shift
[ $# -gt 0 ] || die "annotate: set CASE=variant/impl/d<depth>/<state> (several separated by spaces)"
cells=$(irqpy cells cells) || exit 3
mkdir -p "$out"
rc=0
while IFS=$'\t' read -r what arch kernel config reason; do
	cell=$arch-$kernel-$config
	if [ "$what" = skip ]; then
		echo "annotate: $cell skipped: $reason" >&2
		continue
	fi
	records=()
	if [ -n "${RECORDS_DIR:-}" ]; then
		records=("$RECORDS_DIR/$cell.csv.gz")
	elif run=$(irqpy annotate run-of "$cell"); then
		records=("$run/$cell.csv.gz")
	else
		echo "annotate: $cell: lengths unchecked" >&2
	fi
	# the guest's QEMU must not read the cell list
	"$IRQBENCH_ROOT/arch-matrix/annotate.sh" "$arch" "$kernel" "$config" "$out" "$@" \
		</dev/null >/dev/null
	irqpy annotate analyse "$out" "$cell" "${records[@]}" || rc=$?
	echo "annotate: $cell: text and JSON per case in $out" >&2
done <<<"$cells"
exit "$rc"
