#!/bin/bash
# deps.sh [--host | --packages PKG... | ARCH...]: installs what irqbench
# needs from Debian's packages, only what is missing (quiet and quick when
# everything is there): the host's tools and, per ARCH (default: ARCHS,
# else defaults.mk's; "all" for every row of arches.tsv), its cross
# compiler, C library and QEMU; --host: the host's tools alone (make
# results, compare, kcidb); --packages: PKG alone (lavacli, for a lab).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

PKGS=(
	make gcc libc6-dev bc bison flex libelf-dev libssl-dev cpio kmod xz-utils
	dwarves ccache python3 python3-scipy python3-jsonschema python3-psycopg2 postgresql git
	gnuplot-nox hyperfine shellcheck clang chromium mmdebstrap busybox-static rsync
	linux-source-6.1 linux-headers-amd64
	libjson-c-dev pkg-config
	# annotate.sh: pkill -P stops a boot's QEMU when a step fails
	procps
	# LAVA's job schema, which make lava and make check validate with
	lava-common python3-voluptuous python3-yaml
)
# each arch's cross compiler, C library and QEMU, and the json-c its guest
# selftest links statically (a foreign multiarch package, pkg:debarch): its
# row of arches.tsv
FOREIGN=()
wanted=("$@")
if [ "${1:-}" = --packages ]; then
	PKGS=("${@:2}")
	wanted=()
elif [ "${1:-}" = --host ]; then
	wanted=()
elif [ ${#wanted[@]} = 0 ]; then
	read -r -a wanted <<<"$(irqpy cells arches)"
fi
for a in $(arch_expand "${wanted[*]:-}"); do
	for p in $(arch_field "$a" packages); do
		PKGS+=("$p")
		case $p in *:*) FOREIGN+=("${p#*:}") ;; esac
	done
done

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "irqbench: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
for a in "${FOREIGN[@]}"; do
	dpkg --print-foreign-architectures | grep -qx "$a" || $SUDO dpkg --add-architecture "$a"
done
# A mirror caught mid-sync fails one index (seen for a foreign arch's
# security index): say so, and let the install decide whether it mattered.
$SUDO apt-get update -q >/dev/null || echo "irqbench: apt-get update reported errors (above); installing anyway" >&2
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
