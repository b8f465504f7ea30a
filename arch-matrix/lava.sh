#!/bin/bash
# lava.sh jobs | run CELL | collect DIR | collect-job JOB | submit
# The matrix as LAVA jobs (irqbench/lava/ renders, validates and reads
# them back; lava-deps.sh installs LAVA):
#   jobs          make lava: every cell of ARCHS x KERNELS x CONFIGS built
#                 by build-cell.sh into build/lava/<cell>/, one job per cell
#                 and device type (LAVA_DEVICE_TYPES) in build/lava/jobs/,
#                 each validated by LAVA's schema. LAVA_URL: where a lab
#                 finds build/lava/ (default file://, for lava-run here)
#   run CELL      make lava-run: the cell's qemu job through Debian's
#                 lava-dispatcher (lava-run, in the LAVA root, bounded by
#                 the job's own timeout), then collected into a run
#   collect DIR   a lava-run output directory (run's) into results/<run-id>/
#   collect-job JOB   a server's job, through lavacli -i LAVA_IDENTITY
#   validate-board DEVICE_TYPE   a board job through lava-run --validate
#   submit        every job of build/lava/jobs/ (LAVA_DEVICE_TYPES) to the
#                 server of lavacli's identity LAVA_IDENTITY; prints the ids
# A run lands in RESULTS (default results/) like make bench's, run.json's
# lava key names the job, device and device type; it is ingested into the
# store. A failed job's run is kept as results/<run-id>.failed, exit 1.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

here=$IRQBENCH_ROOT/arch-matrix
art=$IRQBENCH_ROOT/build/lava
RESULTS=${RESULTS:-$IRQBENCH_ROOT/results}

jobs_cmd() {
	local cells what arch kernel config why t
	cells=$(irqpy cells cells) || exit 3
	"$here/lava-deps.sh" check
	deps_for "$cells"
	irqbench_env
	export REQUEST
	while IFS=$'\t' read -r what arch kernel config why; do
		if [ "$what" = skip ]; then
			progress "$arch-$kernel-$config" skip "$(date +%s)" "$why"
			continue
		fi
		"$here/build-cell.sh" "$arch" "$kernel" "$config" "$art/$arch-$kernel-$config" </dev/null
	done <<<"$cells"
	t=$(date +%s)
	rm -rf "$art/jobs"
	irqpy lava render "$art/jobs" ${LAVA_URL:+--url "$LAVA_URL"} >"$art/jobs.tsv" ||
		die "rendering the LAVA jobs failed"
	progress lava jobs "$t" "$(wc -l <"$art/jobs.tsv") jobs in $art/jobs, each valid by LAVA's schema"
}

# run CELL: one qemu job through lava-run here, then collected
run_cmd() {
	local cell=${1:?usage: lava.sh run ARCH-KERNEL-CONFIG} arch kernel config types line
	local id out limit rc=0 t
	# an arch and a kernel series hold no -; a config may
	[[ $cell == *-*-* ]] || refuse "a cell is ARCH-KERNEL-CONFIG, not '$cell'"
	arch=${cell%%-*} config=${cell#*-}
	kernel=${config%%-*} config=${config#*-}
	# every variable checked by the cell generator; a skipped cell says why
	line=$(ARCHS=$arch KERNELS=$kernel CONFIGS=$config irqpy cells cells) || exit 3
	[[ $line == run$'\t'* ]] || refuse "$cell does not run: ${line##*$'\t'}"
	irqbench_env
	export REQUEST
	"$here/lava-deps.sh" check
	"$here/deps.sh" "$arch" || die "installing dependencies failed"
	"$here/lava-deps.sh" path >/dev/null || die "no LAVA root"
	types=$("$here/lava-deps.sh" device-types) || die "no LAVA device types"
	"$here/build-cell.sh" "$arch" "$kernel" "$config" "$art/$cell"
	# a job id of this host's own: lava-run names its download directory so
	id=$(date +%s)
	out=$art/runs/$id
	mkdir -p "$out"
	ARCHS=$arch KERNELS=$kernel CONFIGS=$config irqpy lava render "$out/jobs" --cell "$cell" \
		--device-types qemu >/dev/null || die "$cell: rendering its LAVA job failed"
	mv "$out/jobs/$cell.qemu.yaml" "$out/job.yaml"
	rmdir "$out/jobs"
	echo "$id" >"$out/job-id"
	"$here/lava-deps.sh" run /usr/bin/env PYTHONPATH="$IRQBENCH_ROOT" python3 -m irqbench.lava \
		device "$types" "$out/job.yaml" "$out/device.yaml" || die "$cell: rendering qemu.jinja2 failed"
	# the job's own timeout bounds lava-run; a hung dispatcher is killed
	limit=$(irqpy lava timeout "$out/job.yaml")
	starting "$cell" lava-run "job $id, at most ${limit}s (log: $out/job.log)"
	t=$(date +%s.%N)
	timeout --kill-after=30 "$limit" "$here/lava-deps.sh" run lava-run --job-id "$id" \
		--output-dir "$out/lava" --device "$out/device.yaml" "$out/job.yaml" \
		</dev/null >"$out/job.log" 2>&1 || rc=$?
	printf '%.1f\n' "$(echo "$(date +%s.%N) - $t" | bc)" >"$out/lava-run.seconds"
	progress "$cell" lava-run "${t%.*}" "lava-run exit $rc, $(cat "$out/lava-run.seconds") s"
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		die "$cell: lava-run did not finish within ${limit}s (log: $out/job.log)"
	fi
	# the job's verdict is collect's: what the guest and LAVA's results say
	make_run "$out/job.yaml" "$out/job.log" "$id" lava-run "IRQBENCH_COMMAND=make lava-run CELL=$cell"
}

# make_run JOB LOG LAVA_JOB DEVICE COMMAND: the job as a run of RESULTS
make_run() {
	local job=$1 log=$2 lava_job=$3 device=$4 dir run_id line rc=0 checks crc=0
	local cell arch kernel config accel request nrec nres device_type
	dir=$(run_begin)
	run_id=${dir##*/.partial-}
	line=$(irqpy lava collect "$job" "$log" "$dir") || rc=$?
	if [ "$rc" = 3 ]; then
		rm -rf "$dir"
		exit 3
	fi
	device_type=$(irqpy lava field "$job" device_type)
	if [ -n "$line" ]; then
		IFS=$'\t' read -r cell arch kernel config accel request nrec nres <<<"$line"
		ARCHS=$arch KERNELS=$kernel CONFIGS=$config ACCEL=$accel REQUEST=$request REPEAT=1 \
			IRQBENCH_COMMAND=${5#IRQBENCH_COMMAND=} irqpy runmeta "$dir" "$run_id" "$(run_commit)"
	else
		cell=$(irqpy lava field "$job" metadata irqbench.cell)
		IRQBENCH_COMMAND=${5#IRQBENCH_COMMAND=} irqpy runmeta "$dir" "$run_id" "$(run_commit)"
	fi
	irqpy lava annotate "$dir" "$lava_job" "$device" "$device_type"
	[ ! -f "$dir/$cell.console.log" ] || gzip -f -n "$dir/$cell.console.log"
	if [ "$rc" = 0 ]; then
		checks=$(irqpy checks "$dir/$cell") || crc=$?
		if [ "$crc" != 0 ]; then
			echo "irqbench: $cell: its records fail their checks (irqbench/checks.py):" \
				"$(sed -n 's/^not ok [0-9]* //p' <<<"$checks" | paste -sd ';')" >&2
			[ "$crc" != 2 ] || rc=1
		fi
	fi
	[ "$rc" = 0 ] || run_fail "$dir" "$cell: LAVA job $lava_job failed"
	run_keep "$dir"
	progress "$cell" collect "$(date +%s)" "LAVA job $lava_job on $device: $nrec records, $nres LAVA results -> $RESULTS/$run_id"
}

collect_cmd() {
	local out=${1:?usage: lava.sh collect LAVA_RUN_DIR (build/lava/runs/<id>)}
	local f
	for f in job.yaml job.log job-id; do
		[ -f "$out/$f" ] || refuse "$out is no lava.sh run directory (no $f)"
	done
	make_run "$out/job.yaml" "$out/job.log" "$(cat "$out/job-id")" lava-run \
		"IRQBENCH_COMMAND=make lava-collect $(printf %q "DIR=$out")"
}

# lavacli ARGS...: the user's own client and identity (never stored here)
lava_cli() {
	[ -n "${LAVA_IDENTITY:-}" ] ||
		refuse "LAVA_IDENTITY: the name of your lavacli identity (lavacli identities add NAME --uri ... --username ... --token ...)"
	"$here/lava-deps.sh" client
	lavacli -i "$LAVA_IDENTITY" "$@"
}

collect_job_cmd() {
	local jid=${1:?usage: lava.sh collect-job JOB_ID} state device
	[[ $jid =~ ^[0-9]+(\.[0-9]+)?$ ]] || refuse "a LAVA job id is a number, not '$jid'"
	# global: the EXIT trap removes it after this function has returned
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	lava_cli jobs show "$jid" --yaml >"$tmp/show.yaml" || die "lavacli jobs show $jid failed"
	state=$(irqpy lava field "$tmp/show.yaml" state)
	[ "$state" = Finished ] || die "LAVA job $jid is $state, not Finished: collect it when it is"
	device=$(irqpy lava field "$tmp/show.yaml" device)
	lava_cli jobs definition "$jid" >"$tmp/job.yaml" || die "lavacli jobs definition $jid failed"
	lava_cli jobs logs --raw "$jid" >"$tmp/job.log" || die "lavacli jobs logs $jid failed"
	make_run "$tmp/job.yaml" "$tmp/job.log" "$jid" "$device" "IRQBENCH_COMMAND=make lava-collect JOB=$jid"
}

submit_cmd() {
	local f n=0 types=" ${LAVA_DEVICE_TYPES:-qemu} "
	[ -d "$art/jobs" ] || refuse "no jobs in $art/jobs: make lava first"
	for f in "$art"/jobs/*.yaml; do
		[[ $types == *" $(irqpy lava field "$f" device_type) "* ]] || continue
		irqpy lava validate "$f" || exit 3
		echo "$(basename "$f" .yaml)	$(lava_cli jobs submit "$f")"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || die "no job of device types$types in $art/jobs"
}

# validate-board DEVICE_TYPE: a board job of placeholder files, its
# pipeline built by the dispatcher against LAVA's own template
validate_board_cmd() {
	local dt=${1:?usage: lava.sh validate-board DEVICE_TYPE} out types rc=0
	"$here/lava-deps.sh" path >/dev/null || die "no LAVA root"
	types=$("$here/lava-deps.sh" device-types) || die "no LAVA device types"
	out=$art/validate/$dt
	rm -rf "$out"
	mkdir -p "$out"
	irqpy lava board-fixture "$dt" "$out" || exit 3
	"$here/lava-deps.sh" run /usr/bin/env PYTHONPATH="$IRQBENCH_ROOT" python3 -m irqbench.lava \
		device "$types" "$out/job.yaml" "$out/device.yaml" --lab-placeholders || die "$dt: rendering $dt.jinja2 failed"
	timeout --kill-after=10 120 "$here/lava-deps.sh" run lava-run --validate --job-id 1 \
		--output-dir "$out/lava" --device "$out/device.yaml" "$out/job.yaml" >"$out/job.log" 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then
		grep -a -E '"lvl": "(error|exception)"' "$out/job.log" | tail -n 5 >&2
		die "$dt: lava-run --validate rejects the job (log: $out/job.log)"
	fi
	echo "valid: $(grep -c '"lvl"' "$out/job.log") log lines, pipeline in $out/lava/description.yaml"
}

case ${1:-} in
jobs) jobs_cmd ;;
validate-board) validate_board_cmd "${2:-}" ;;
run) run_cmd "${2:-}" ;;
collect) collect_cmd "${2:-}" ;;
collect-job) collect_job_cmd "${2:-}" ;;
submit) submit_cmd ;;
*) refuse "usage: lava.sh jobs | run CELL | collect DIR | collect-job JOB | submit | validate-board DEVICE_TYPE" ;;
esac
