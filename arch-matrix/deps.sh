#!/bin/bash
# Installs what irqbench needs from Debian's packages, only what is missing:
# quiet and quick when everything is there.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

PKGS=(
	make gcc libc6-dev bc bison flex libelf-dev libssl-dev cpio kmod xz-utils
	dwarves ccache python3 python3-scipy git
	gnuplot-nox hyperfine shellcheck clang chromium gdb-multiarch
	linux-source-6.1 linux-headers-amd64
)
# each arch's cross compiler, C library and QEMU: its row of arches.tsv
for a in $(arch_names); do
	# shellcheck disable=SC2207 # the column is a list of words
	PKGS+=($(arch_field "$a" packages))
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
$SUDO apt-get update -q >/dev/null
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
