#!/bin/bash
# build.sh: prints the path of the irqtrace plugin (irqtrace.c) built for
# the installed QEMU, building it once. QEMU's plugin header is not in any
# Debian 12 binary package: it comes from the `qemu` source package of the
# exact version installed, downloaded with apt-get through a private
# sources list whose archives are the machine's own apt configuration's
# (apt-get indextargets), of which only include/qemu/qemu-plugin.h is
# extracted, into $IRQBENCH_CACHE/tracer/qemu-<version>/. The plugin is
# cached by content: $IRQBENCH_CACHE/tracer/<hash of header, source,
# compiler and flags>/irqtrace.so.
set -euo pipefail
# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

here=$IRQBENCH_ROOT/arch-matrix/tracer
cache=$IRQBENCH_CACHE/tracer
CFLAGS=(-O2 -fPIC -shared -Wall -Wextra -Werror)

# the source version of the QEMU that will load the plugin (every
# qemu-system-* package is built from the one `qemu` source)
ver=$(dpkg-query -W -f='${source:Package} ${source:Version}' qemu-system-common 2>/dev/null) ||
	die "tracer: qemu-system-common is not installed (make deps)"
[ "${ver%% *}" = qemu ] || die "tracer: qemu-system-common comes from source '${ver%% *}', not qemu"
ver=${ver#* }
hdir=$cache/qemu-${ver//[:~]/_}

fetch_header() {
	local apt=$cache/apt key uri suite opts tmp orig
	read -r _ key < <(machine_archive | head -n 1) || true
	key=${key:-/usr/share/keyrings/debian-archive-keyring.gpg}
	mkdir -p "$apt/lists/partial" "$apt/archives/partial"
	# deb-src for every Debian archive and suite the machine installs from
	: >"$apt/sources.list"
	# shellcheck disable=SC2016 # apt-get's fields, not the shell's
	apt-get indextargets --format '$(TARGET_OF) $(REPO_URI) $(RELEASE) $(COMPONENT)' |
		awk '$1 == "deb" && $4 == "main" { print $2, $3 }' | sort -u |
		while read -r uri suite; do
			echo "deb-src [signed-by=$key] $uri $suite main" >>"$apt/sources.list"
		done
	[ -s "$apt/sources.list" ] || die "tracer: no Debian archive with main in the machine's apt configuration"
	opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
		-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt" -o "Dir::State::Status=/dev/null"
		-o "APT::Sandbox::User=root" -q)
	apt-get "${opts[@]}" update >"$apt/update.log" 2>&1 ||
		{ tail "$apt/update.log" >&2; die "tracer: apt-get update of the private source lists failed"; }
	tmp=$cache/.fetch.$$
	rm -rf "$tmp" && mkdir -p "$tmp"
	# shellcheck disable=SC2064 # the path is fixed now
	trap "rm -rf '$tmp'" EXIT
	(cd "$tmp" && apt-get "${opts[@]}" source --download-only "qemu=$ver" >"$apt/download.log" 2>&1) ||
		{ tail "$apt/download.log" >&2; die "tracer: apt-get source qemu=$ver failed"; }
	orig=$(ls "$tmp"/qemu_*.orig.tar.*)
	tar -xf "$orig" -C "$tmp" --wildcards --no-anchored 'include/qemu/qemu-plugin.h'
	# Debian's own changes: none may touch the header, or it is not the
	# one the installed QEMU was built with
	tar -xf "$tmp"/qemu_*.debian.tar.* -C "$tmp" debian/patches
	if grep -l -r -E '^\+\+\+ .*include/qemu/qemu-plugin\.h' "$tmp/debian/patches" >/dev/null; then
		die "tracer: a Debian patch of qemu $ver changes qemu-plugin.h; build.sh does not apply patches"
	fi
	mkdir -p "$hdir"
	cp "$tmp"/qemu-*/include/qemu/qemu-plugin.h "$hdir/qemu-plugin.h.$$"
	mv "$hdir/qemu-plugin.h.$$" "$hdir/qemu-plugin.h"
	rm -rf "$tmp"
	trap - EXIT
}

mkdir -p "$cache"
if [ ! -f "$hdir/qemu-plugin.h" ]; then
	starting tracer header "fetching qemu $ver's plugin header into $hdir (once)"
	fetch_header
fi
key=$({
	cat "$hdir/qemu-plugin.h" "$here/irqtrace.c"
	gcc --version | head -n 1
	echo "${CFLAGS[*]}"
} | sha256sum | cut -c1-12)
so=$cache/$key/irqtrace.so
if [ ! -f "$so" ]; then
	mkdir -p "$cache/$key"
	# built aside and renamed: a concurrent run never loads half a file
	gcc "${CFLAGS[@]}" -I"$hdir" -o "$so.$$" "$here/irqtrace.c" ||
		die "tracer: the plugin did not build"
	mv "$so.$$" "$so"
fi
echo "$so"
