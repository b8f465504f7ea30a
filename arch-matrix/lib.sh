# shellcheck shell=bash
# Shared by the arch-matrix scripts: paths, progress lines, failures.

IRQBENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IRQBENCH_CACHE=${IRQBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/irqbench}
export IRQBENCH_ROOT IRQBENCH_CACHE
export CCACHE_DIR=${CCACHE_DIR:-$IRQBENCH_CACHE/ccache}
# Paths under the cache are hashed relative to the build directory, and the
# compile's working directory is not hashed: a tree at another place under
# the cache, laid out the same way (src-builtin/NAME, build/CELL), hits.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$IRQBENCH_CACHE} CCACHE_NOHASHDIR=1
# Where builds, builtin copies and work files go: the shared cache, or a
# private root (make bisect) laid out the same way. The build lock and
# ccache stay shared.
IRQBENCH_WORK=${IRQBENCH_WORK:-$IRQBENCH_CACHE}
export IRQBENCH_WORK

# irqpy MODULE ARGS...: a step of the host tooling (irqbench/MODULE.py),
# with Debian's Python (its scipy, jsonschema, psycopg2).
irqpy() {
	# -P: not the working directory's package (another tree's), this tree's
	PYTHONPATH="$IRQBENCH_ROOT${PYTHONPATH:+:$PYTHONPATH}" /usr/bin/python3 -P -m "irqbench.$1" "${@:2}"
}

# irqbench_env: REQUEST, ACCEL and REPEAT as the environment sets them, else
# as defaults.mk does (their one home), checked by the cell generator.
irqbench_env() {
	local vars
	vars=$(irqpy cells env) || exit 3
	eval "$vars"
}

die() {
	echo "irqbench: error: $*" >&2
	exit 1
}

# refuse REASON: bad input (a variable, an argument), refused before any
# work: one line, exit 3
refuse() {
	echo "irqbench: error: $*" >&2
	exit 3
}

# progress CELL STEP START_SECONDS MESSAGE: one line per cell and step.
progress() {
	local now
	now=$(date +%s)
	printf '[%-24s] %-8s %4ss  %s\n' "$1" "$2" "$((now - $3))" "$4" >&2
}

# starting CELL STEP MESSAGE: the line a step prints as it begins (what it
# does, where its log is), so a long step is never silent.
starting() {
	printf '[%-24s] %-8s %5s  %s\n' "$1" "$2" "..." "$3" >&2
}

# lock_wait FD FILE WHAT: take an exclusive flock on FILE through FD,
# saying what it waits for when another run holds it.
lock_wait() {
	eval "exec $1>\"\$2\""
	if ! flock -n "$1"; then
		echo "irqbench: waiting for $3 (lock $2)" >&2
		flock "$1"
	fi
}

# run_logged LOG CMD...: output to LOG; on failure show its tail and fail.
run_logged() {
	local log=$1
	shift
	if ! "$@" >"$log" 2>&1; then
		echo "irqbench: command failed: $*" >&2
		echo "---- last lines of $log ----" >&2
		tail -n 30 "$log" >&2
		return 1
	fi
}

# The arches table: every per-arch fact is a column of
# arch-matrix/arches.tsv; a new arch is one row there plus configs/<arch>.config.
IRQBENCH_ARCHES=$IRQBENCH_ROOT/arch-matrix/arches.tsv

# deps_for CELLS: what the cells that run of the cell generator's CELLS
# need (deps.sh for their arches), installed where missing.
deps_for() {
	local need
	mapfile -t need < <(awk -F'\t' '$1 == "run" { print $2 }' <<<"$1" | sort -u)
	"$IRQBENCH_ROOT/arch-matrix/deps.sh" "${need[@]}" || die "installing dependencies failed"
}

# run_commit: the irqbench commit a run records (IRQBENCH_COMMIT: set by
# scripts/repeat-run.sh, whose tree is no checkout).
run_commit() {
	echo "${IRQBENCH_COMMIT:-$(git -C "$IRQBENCH_ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo none)}"
}

# run_begin: a new run's directory under RESULTS, .partial-<run id>, unique
# even for runs started in the same second (mktemp claims the name), with
# the tree as the run starts (commit, the diff of a dirty tree); prints it.
run_begin() {
	local dir
	mkdir -p "$RESULTS"
	dir=$(mktemp -d "$RESULTS/.partial-$(date -u +%Y%m%dT%H%M%SZ)-$(run_commit)-XXXXXX")
	chmod 755 "$dir"
	irqpy runmeta --tree "$dir" || die "cannot describe the tree in $dir"
	echo "$dir"
}

# run_keep DIR: the finished run in place as RESULTS/<run id> (its path in
# IRQBENCH_RUN_DIR_FILE, for a caller that cannot trust latest when runs
# overlap), then stored by the store's one writer, in one transaction.
run_keep() {
	local id=${1##*/.partial-}
	mv "$1" "$RESULTS/$id"
	[ -z "${IRQBENCH_RUN_DIR_FILE:-}" ] || echo "$RESULTS/$id" >"$IRQBENCH_RUN_DIR_FILE"
	irqpy store ingest "$RESULTS/$id" 2>/dev/null ||
		echo "irqbench: the run is kept, but the store did not take it: make results retries" >&2
}

# run_fail DIR WHAT: a run with a failure kept as RESULTS/<run id>.failed
# (never stored, never latest); dies with WHAT.
run_fail() {
	local id=${1##*/.partial-}
	mv "$1" "$RESULTS/$id.failed"
	die "$2 (kept in $RESULTS/$id.failed)"
}

# boot_fact NAME: a fact of arch-matrix/boot.tsv (what every guest boots with).
boot_fact() {
	awk -F'\t' -v k="$1" '!/^#/ && $1 == k { print $2; found = 1 } END { exit !found }' \
		"$IRQBENCH_ROOT/arch-matrix/boot.tsv" || die "arch-matrix/boot.tsv has no '$1'"
}

# arch_names: every arch of the table, in its order, one line each.
arch_names() {
	awk -F'\t' '!/^#/ && NF { print $1 }' "$IRQBENCH_ARCHES"
}

# arch_field ARCH COLUMN: one column of ARCH's row ('-' reads as empty).
arch_field() {
	local v rc=0
	v=$(awk -F'\t' -v a="$1" -v c="$2" '
		/^# arch\t/ { sub(/^# /, ""); for (i = 1; i <= NF; i++) col[$i] = i; next }
		!/^#/ && $1 == a { found = 1; if (!(c in col)) exit; print $col[c]; exit }
		END { if (!found) exit 1; if (!(c in col)) exit 2 }' "$IRQBENCH_ARCHES") || rc=$?
	[ "$rc" != 1 ] || die "unknown arch '$1' (one of: $(arch_names | paste -sd ' '))"
	[ "$rc" = 0 ] || die "arches.tsv has no column '$2'"
	[ "$v" = - ] || echo "$v"
}

# arch_expand LIST: LIST with "all" replaced by every arch of the table.
arch_expand() {
	local a list=()
	for a in $1; do
		if [ "$a" = all ]; then
			mapfile -t -O "${#list[@]}" list < <(arch_names)
		else
			list+=("$a")
		fi
	done
	echo "${list[*]}"
}

# accel_words ACCEL: the guest's kernel command-line words that tell
# irqbench.ko its accelerator, the unit of its figures and whether a PMU's
# cycles mean anything: its row of arch-matrix/accels.tsv.
accel_words() {
	awk -F'\t' -v a="$1" '!/^#/ && $1 == a {
		printf "irqbench.tag_accel=%s irqbench.tag_unit=%s irqbench.tag_pmu=%d\n", $1, $4, $5 == "hardware"
		found = 1 } END { exit !found }' "$IRQBENCH_ROOT/arch-matrix/accels.tsv" ||
		die "unknown accel '$1' (a row of arch-matrix/accels.tsv)"
}

arch_cross() { arch_field "$1" cross; }
arch_qemu() { arch_field "$1" qemu; }
arch_image() { arch_field "$1" image; }

# arch_busybox ARCH: a static busybox for the guest (the in-tree kselftest's
# shell): Debian's busybox-static, which exists for the host's arch only.
arch_busybox() {
	if [ "$1" != x86_64 ] || [ "$(uname -m)" != x86_64 ]; then
		die "the in-tree kselftest needs a static busybox for $1: only the host's (x86_64) is installed"
	fi
	[ "$(dpkg-query -W -f '${Status}' busybox-static 2>/dev/null)" = "install ok installed" ] ||
		die "no static busybox: busybox-static is not installed (make deps)"
	echo /bin/busybox
}

# kernel_version TREE: "7.3.0-rc7"; clean of a parent make's flags, which
# would add "Entering directory" lines under `make -C`.
kernel_version() {
	MAKEFLAGS='' MAKELEVEL='' make -s --no-print-directory -C "$1" kernelversion
}

# tree_identity TREE: what a kernel tree is, for run.json. A Debian tree:
# its source package and version (recorded at extraction; older caches are
# asked of dpkg or the downloaded .deb). Any other tree: git describe and
# commit when it is a git tree, else a hash of every file's content.
tree_identity() {
	local tree=$1 name deb ours=0
	name=$(basename "$tree")
	# Debian's names only for the trees fetch-source.sh extracted: a copy
	# elsewhere (KSRC) carries the markers too, and may carry a patch
	if [[ $(cd "$tree" && pwd -P) == "$(cd "$IRQBENCH_CACHE" && pwd -P)/src/"* ]]; then
		ours=1
	fi
	if [ "$ours" = 1 ] && [ -f "$tree/.irqbench-package" ]; then
		echo "debian $(cat "$tree/.irqbench-package")"
	elif [ "$ours" = 1 ] && [ -f "$tree/.irqbench-extracted" ] && [[ $name == linux-source-* ]]; then
		deb=$(find "$IRQBENCH_CACHE/apt/debs" -name "${name}_*.deb" 2>/dev/null | head -n 1)
		if [ -n "$deb" ]; then
			echo "debian $name $(dpkg-deb -f "$deb" Version)"
		else
			echo "debian $name $(dpkg-query -W -f='${Version}' "$name" 2>/dev/null || echo unknown)"
		fi
	elif [ "$(git -C "$tree" rev-parse --show-toplevel 2>/dev/null)" = "$(cd "$tree" && pwd -P)" ]; then
		echo "git $(git -C "$tree" describe --always --dirty --abbrev=12) $(git -C "$tree" rev-parse HEAD)"
	else
		# the sha256 of `find . -type f ! -name '.irqbench-*' | sort | xargs
		# sha256sum`, reading only files not hashed before (tree_hash.py)
		echo "content-sha256 $(irqpy tree_hash "$tree" \
			"$IRQBENCH_CACHE/tree-hash.json")"
	fi
}

# machine_archive: the first Debian archive URI (and its key) of the machine's apt sources.
machine_archive() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '
			/^$/ { if (uri && main && !sec) { print uri, key; exit } uri=""; key=""; main=0; sec=0 }
			/^URIs:/ { uri=$2 }
			/^Signed-By:/ { key=$2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i ~ /-security$/) sec=1 }
			/^Components:/ { for (i = 2; i <= NF; i++) if ($i == "main") main=1 }
			END { if (uri && main && !sec) print uri, key }
		' "$f" | head -n 1
	done
	if [ -f /etc/apt/sources.list ]; then
		awk '$1 == "deb" && $0 !~ /-security/ && / main/ {
			for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }' /etc/apt/sources.list
	fi
}
# in_build_env KBUILD_DIR CMD...: CMD where that kernel was built: in the
# toolchain root when build-kernel.sh used it (its host programs, such as
# gen_init_cpio, are linked against the root's C library), else here.
in_build_env() {
	local kbuild=$1
	shift
	if [ -f "$kbuild/.irqbench-toolchain" ]; then
		"$IRQBENCH_ROOT/arch-matrix/toolchain-root.sh" run "$@"
	else
		"$@"
	fi
}
