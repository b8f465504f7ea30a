#!/bin/bash
# lava-deps.sh check | client | path | run CMD... | device-types | id | measure
# LAVA as irqbench installs everything: from Debian's packages, only what is
# missing, quiet when everything is there.
#   check         the job validator on the host: lava-common and
#                 python3-voluptuous (2 packages, under 1 MB: cheap enough
#                 for make check, which renders and validates every job)
#   client        lavacli on the host (20 packages): the user's own client,
#                 with the identities of ~/.config/lavacli.yaml
#   path          the LAVA root, built once and printed: a pinned Debian
#                 bookworm (LAVA 2023.01) with lava-dispatcher, lavacli,
#                 the QEMU the jobs boot, lava-server and PostgreSQL 15,
#                 made with mmdebstrap from the archive URI of the machine's
#                 own apt configuration (never written down anywhere) into
#                 $IRQBENCH_CACHE/lava/<key>/root, key = hash of suite,
#                 packages and options (measured: 490 packages, 1.3 GB,
#                 2 to 2.5 minutes). Not the host: there lava-dispatcher
#                 alone installs 113 packages and upgrades 12 (systemd,
#                 udev, perl-base among them; 23 s, +140 MB, measured on a
#                 throwaway overlay of /), adding lvm2, mdadm, grub,
#                 libguestfs and bpfcc to a machine that needs none of them;
#                 a root is the same on every machine that builds it.
#   run CMD...    CMD inside the root as root (lava-run must be), in a
#                 private mount namespace with /dev (and its ptys), /proc,
#                 /sys, the irqbench tree, the cache and LAVA_BINDS (extra
#                 directories, space-separated) at their own paths
#   device-types  LAVA's device-type templates (lava-server's package,
#                 downloaded and unpacked, never installed), their directory
#   id            the root's identity: suite, key and a hash of its versions
#   measure       the host install (apt-get -s) beside the root's setup.json
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=debian-root.sh
. "$(dirname "$0")/debian-root.sh"

SUITE=bookworm
# the point release and its updates: the host's QEMU is bookworm-updates'
SOURCES=(bookworm bookworm-updates)
# lava-dispatcher as the jobs need it: its QEMU is the host's (same suite,
# same archive), ipxe-qemu for the virtio NIC qemu.jinja2 always adds;
# tftpd-hpa's directory and u-boot-tools' mkimage, which a board job's tftp
# and U-Boot deploys need (lava-run --validate checks them); lava-server
# and PostgreSQL for a throwaway server (lava-server.sh): its postinst
# leaves the database alone when no PostgreSQL answers
PKGS=(
	lava-dispatcher lavacli python3-jinja2 python3-yaml
	qemu-system-x86 qemu-system-arm qemu-system-data ipxe-qemu tftpd-hpa u-boot-tools
	lava-server postgresql-15
)
# what the root is made of: its key changes with any of it
APTOPTS=('APT::Install-Recommends "false"' 'Acquire::Check-Valid-Until "false"')
# no documentation, but lava-server's web pages link its own (whitenoise
# refuses to start when static/docs points nowhere)
DPKGOPTS=('path-exclude=/usr/share/doc/*' 'path-include=/usr/share/doc/lava-server-doc/*'
	'path-exclude=/usr/share/man/*')
key=$(printf '%s\n' "$SUITE" "${PKGS[@]}" "${APTOPTS[@]}" "${DPKGOPTS[@]}" | sha256sum | cut -c1-12)
dir=$IRQBENCH_CACHE/lava/$key
root=$dir/root

# run CMD...: CMD inside the root as root, with the irqbench tree, the
# cache and LAVA_BINDS at their own paths.
run_in_root() {
	local binds=("$IRQBENCH_CACHE" "$IRQBENCH_ROOT") b
	for b in ${LAVA_BINDS:-}; do
		[ -d "$b" ] || die "LAVA_BINDS: no directory $b"
		binds+=("$(cd "$b" && pwd)")
	done
	root_run "$root" "${#binds[@]}" "${binds[@]}" PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
		-- "$@"
}

# device-types: lava-server's templates, from its .deb (not installed: it
# wants PostgreSQL and a web server)
device_types() {
	local d=$IRQBENCH_CACHE/lava/lava-server-$SUITE deb
	if [ ! -f "$d/.irqbench-ready" ]; then
		rm -rf "$d"
		mkdir -p "$d/deb"
		(cd "$d/deb" && apt-get download -q lava-server >"$d/download.log" 2>&1) ||
			die "apt-get download lava-server failed (log: $d/download.log)"
		deb=$(find "$d/deb" -name 'lava-server_*.deb' | head -n 1)
		[ -n "$deb" ] || die "apt-get download left no lava-server .deb in $d/deb"
		dpkg-deb -x "$deb" "$d/x"
		dpkg-deb -f "$deb" Version >"$d/version"
		[ -f "$d/x/usr/share/lava-server/device-types/qemu.jinja2" ] ||
			die "lava-server's package has no device-types/qemu.jinja2"
		touch "$d/.irqbench-ready"
	fi
	echo "$d/x/usr/share/lava-server/device-types"
}

# measure: what each way of installing lava-dispatcher costs
measure() {
	local out
	for p in lava-common lava-dispatcher lavacli lava-server; do
		out=$(apt-get install --no-install-recommends --assume-no -o Debug::NoLocking=1 "$p" 2>&1 || true)
		printf '%s\thost\t%s packages\t%s\t%s\n' "$p" \
			"$(apt-get -s install --no-install-recommends "$p" | grep -c '^Inst')" \
			"$(grep -o 'Need to get .* of archives' <<<"$out" | head -n 1)" \
			"$(grep -o 'After this operation, .* disk space' <<<"$out" | head -n 1)"
	done
	if [ -f "$dir/setup.json" ]; then
		printf 'root\t%s\n' "$(cat "$dir/setup.json")"
	else
		printf 'root\tnot built yet (lava-deps.sh path)\n'
	fi
}

case ${1:-} in
check) "$(dirname "$0")/deps.sh" --packages lava-common python3-voluptuous python3-yaml ;;
client) "$(dirname "$0")/deps.sh" --packages lavacli ;;
path)
	root_build "$dir" lava "$IRQBENCH_CACHE/lava/root.lock"
	echo "$root"
	;;
run)
	shift
	[ $# -gt 0 ] || die "usage: lava-deps.sh run CMD..."
	root_build "$dir" lava "$IRQBENCH_CACHE/lava/root.lock"
	run_in_root "$@"
	;;
device-types) device_types ;;
id)
	root_id "$dir"
	;;
measure) measure ;;
*) die "usage: lava-deps.sh check | client | path | run CMD... | device-types | id | measure" ;;
esac
