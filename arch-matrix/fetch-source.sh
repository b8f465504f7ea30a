#!/bin/bash
# fetch-source.sh VERSION: prints the path of an extracted kernel tree for
# VERSION (a row of arch-matrix/kernels.tsv), extracting it once into the
# cache. 6.1 comes from this release's linux-source-6.1; newer ones are fetched
# with apt-get download through a private sources list whose URIs are
# copied from the machine's own apt configuration.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

ver=${1:?usage: fetch-source.sh VERSION}
# the suites that carry it: its row of arch-matrix/kernels.tsv
suites=$(awk -F'\t' -v v="$ver" '!/^#/ && $1 == v { print $2; found = 1 } END { exit !found }' \
	"$IRQBENCH_ROOT/arch-matrix/kernels.tsv") ||
	die "no Debian source package known for kernel $ver ($(awk -F'\t' '!/^#/ && NF { print $1 }' \
		"$IRQBENCH_ROOT/arch-matrix/kernels.tsv" | paste -sd ' '); or set KSRC)"
[ "$suites" != - ] || suites=""

src=$IRQBENCH_CACHE/src/linux-source-$ver
if [ -f "$src/.irqbench-extracted" ]; then
	echo "$src"
	exit 0
fi
mkdir -p "$IRQBENCH_CACHE/src"

fetch_deb() {
	local apt=$IRQBENCH_CACHE/apt uri key opts s
	read -r uri key < <(machine_archive | head -n 1) || true
	[ -n "${uri:-}" ] || die "no Debian archive URI in the machine's apt configuration"
	key=${key:-/usr/share/keyrings/debian-archive-keyring.gpg}
	mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/debs"
	: >"$apt/sources.list"
	for s in $suites; do
		echo "deb [signed-by=$key] $uri $s main" >>"$apt/sources.list"
	done
	opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
		-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt" -o "Dir::State::Status=/dev/null"
		-o "APT::Sandbox::User=root" -q)
	apt-get "${opts[@]}" update >"$apt/update.log" 2>&1 ||
		{ tail "$apt/update.log" >&2; die "apt-get update of the private sources failed"; }
	(cd "$apt/debs" && rm -f "linux-source-${ver}_"*.deb &&
		apt-get "${opts[@]}" download "linux-source-$ver" >"$apt/download.log" 2>&1) ||
		{ tail "$apt/download.log" >&2; die "apt-get download linux-source-$ver failed"; }
	ls "$apt/debs/linux-source-${ver}_"*.deb
}

starting "linux-source-$ver" source "fetching and extracting into $src (once)"
tmp=$IRQBENCH_CACHE/src/.extract-$ver.$$
rm -rf "$tmp" && mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
if [ -z "$suites" ]; then
	tarball=/usr/src/linux-source-$ver.tar.xz
	[ -f "$tarball" ] || die "$tarball missing: install linux-source-$ver (make deps)"
	xz -dc -T0 "$tarball" | tar -x -C "$tmp"
	pkgver=$(dpkg-query -W -f='${Version}' "linux-source-$ver")
else
	deb=$(fetch_deb)
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/linux-source-$ver.tar.xz" |
		xz -dc -T0 | tar -x -C "$tmp"
	pkgver=$(dpkg-deb -f "$deb" Version)
fi
# which Debian package version the tree is (run.json names it)
echo "linux-source-$ver $pkgver" >"$tmp/linux-source-$ver/.irqbench-package"
[ -d "$tmp/linux-source-$ver" ] || die "the package did not hold linux-source-$ver/"
got=$(kernel_version "$tmp/linux-source-$ver")
case $got in
"$ver" | "$ver".* | "$ver"-*) ;;
*) die "linux-source-$ver holds kernel $got" ;;
esac
rm -rf "$src"
mv "$tmp/linux-source-$ver" "$src"
touch "$src/.irqbench-extracted"
echo "$src"
