#!/bin/bash
# Installs what irqbench needs from Debian's packages, only what is missing:
# quiet and quick when everything is there.
set -euo pipefail

PKGS=(
	make gcc libc6-dev bc bison flex libelf-dev libssl-dev cpio kmod xz-utils
	dwarves ccache python3 python3-scipy git
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	qemu-system-x86 qemu-system-arm
	gnuplot-nox hyperfine shellcheck clang chromium gdb-multiarch mmdebstrap
	linux-source-6.1 linux-headers-amd64
	libjson-c-dev pkg-config
)
# The guest selftest parses results.json with json-c, linked statically for
# each guest arch: its arch's copy comes from Debian's multiarch packages.
FOREIGN=(arm64)
for a in "${FOREIGN[@]}"; do
	PKGS+=("libjson-c-dev:$a")
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
$SUDO apt-get update -q >/dev/null
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
