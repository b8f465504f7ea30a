# shellcheck shell=bash
# debian-root.sh: sourced by toolchain-root.sh and lava-deps.sh. A pinned
# Debian root, built once with mmdebstrap from the archive of the machine's
# own apt configuration (never written down anywhere), and commands run in
# it. The caller sets SUITE, PKGS, APTOPTS and DPKGOPTS (what the root is
# made of; its key) and SOURCES (the suites of the archive it installs
# from, e.g. "bookworm bookworm-updates").

# root_build DIR WHAT LOCK: DIR/root built once (DIR/.irqbench-ready), with
# DIR/versions (the exact versions) and DIR/setup.json (time, size,
# packages); WHAT names it in messages; LOCK is the file a build holds.
root_build() {
	local dir=$1 what=$2 lock=$3 uri key_file t0 t1 o opts=() src=()
	local root=$dir/root
	[ -f "$dir/.irqbench-ready" ] && return 0
	[ "$(id -u)" -eq 0 ] || die "building the $what root needs root (mmdebstrap --mode=root)"
	command -v mmdebstrap >/dev/null || die "mmdebstrap missing (make deps)"
	mkdir -p "$(dirname "$lock")"
	# a caller that holds the build lock already (build-kernel.sh) says so
	if [ "$lock" != "$IRQBENCH_CACHE/build.lock" ] || [ -z "${IRQBENCH_BUILD_LOCKED:-}" ]; then
		lock_wait 8 "$lock" "another build of the $what root"
	fi
	[ -f "$dir/.irqbench-ready" ] && return 0
	read -r uri key_file < <(machine_archive | head -n 1) || true
	[ -n "${uri:-}" ] || die "no Debian archive URI in the machine's apt configuration"
	key_file=${key_file:-/usr/share/keyrings/debian-archive-keyring.gpg}
	for o in "${APTOPTS[@]}"; do opts+=(--aptopt="$o"); done
	for o in "${DPKGOPTS[@]}"; do opts+=(--dpkgopt="$o"); done
	for o in "${SOURCES[@]}"; do src+=("deb $uri $o main"); done
	rm -rf "$dir"
	mkdir -p "$dir"
	printf '%s\n' "$SUITE" "${PKGS[@]}" >"$dir/packages"
	starting "$what" "$SUITE" "building the $what root in $root (once; log: $dir/mmdebstrap.log)"
	t0=$(date +%s.%N)
	run_logged "$dir/mmdebstrap.log" mmdebstrap --mode=root --variant=minbase \
		--keyring="$key_file" --include="$(
			IFS=,
			echo "${PKGS[*]}"
		)" "${opts[@]}" "$SUITE" "$root" "${src[@]}" || die "mmdebstrap of the $what root failed"
	t1=$(date +%s.%N)
	# what the root is: the exact versions, for run.json and the pages
	# shellcheck disable=SC2016 # dpkg-query fields
	chroot "$root" dpkg-query -W -f='${Package} ${Version}\n' >"$dir/versions"
	printf '{"suite": "%s", "key": "%s", "setup_seconds": %.1f, "size_bytes": %s, "installed_packages": %s, "packages": %s}\n' \
		"$SUITE" "$(basename "$dir")" "$(echo "$t1 - $t0" | bc)" "$(du -sb "$root" | cut -f1)" \
		"$(wc -l <"$dir/versions")" \
		"$(printf '%s\n' "${PKGS[@]}" | /usr/bin/python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().split()))')" \
		>"$dir/setup.json"
	touch "$dir/.irqbench-ready"
	progress "$what" "$SUITE" "${t0%.*}" "root ready: $(du -sh "$root" | cut -f1)"
}

# root_id DIR: the root's identity: suite, key and a hash of its versions
root_id() {
	[ -f "$1/.irqbench-ready" ] || die "no root built yet in $1"
	echo "$SUITE-$(basename "$1")-$(sha256sum <"$1/versions" | cut -c1-12)"
}

# root_run ROOT N BIND... ENV... -- CMD...: CMD inside ROOT (chroot in a
# private mount namespace) with /proc, /sys, /dev (and its ptys) and the N
# BIND directories at their own paths, in the current working directory,
# with the environment ENV (KEY=VALUE words) and nothing else of ours.
root_run() {
	local root=$1
	shift
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare --mount --propagation private -- bash -c '
		set -e
		root=$1 cwd=$2 n=$3
		shift 3
		for ((i = 0; i < n; i++)); do
			mkdir -p "$root$1"
			mount --bind "$1" "$root$1"
			shift
		done
		env=()
		while [ "$1" != -- ]; do
			env+=("$1")
			shift
		done
		shift
		mount -t proc proc "$root/proc"
		mount --rbind /sys "$root/sys"
		mount --rbind /dev "$root/dev"
		exec chroot "$root" /usr/bin/env -i HOME=/root LC_ALL=C.UTF-8 "${env[@]}" \
			/bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
	' debian-root "$root" "$(pwd)" "$@"
}
