#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the Debian packages from a copy of the source tree (the parent
# directory gets the .debs, so never the tree itself), extracts them and
# checks the files they ship: binaries, unit, sysusers / tmpfiles, conf,
# device files, D-Bus policy, man pages, completions; that no installed file
# names the source or build directory; that the maintainer scripts carry the
# systemd, sysusers and tmpfiles snippets; and that lintian finds no error.
# Usage: test_deb.sh SOURCE_ROOT [--arch arm64]   (exit 77: dpkg-buildpackage
# or lintian missing, or for arm64 the cross toolchain or the unpacked
# libcpupower). KEEP=1 keeps the work directory.
#
# --arch arm64 cross-builds with `dpkg-buildpackage -a arm64` on the set-up of
# `./run.sh arm64` (crossbuild-essential-arm64 and the :arm64 -dev packages).
# libcpupower-dev cannot be installed for arm64 beside the amd64 one (it is
# not Multi-Arch: same), so its arm64 package is unpacked into
# $ARM64_SYSROOT (default SOURCE_ROOT/build-arm64-sysroot) as run.sh does;
# the build is told where (compiler and linker flags, dh_shlibdeps through
# EAGOV_CROSS_SYSROOT, the library's shlibs as debian/shlibs.local), its
# build-dependency check accepts that one missing package and nothing else,
# and the tests are not built (nocheck: umockdev has the same problem).
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
arch=""
[ "${2:-}" = --arch ] && arch=${3:?--arch needs an architecture}
[ -z "$arch" ] || [ "$arch" = arm64 ] || { echo "FAIL: only --arch arm64 is supported"; exit 1; }
for tool in dpkg-buildpackage dh lintian; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
if [ "$arch" = arm64 ]; then
	sysroot=$(cd "${ARM64_SYSROOT:-$src/build-arm64-sysroot}" 2>/dev/null && pwd) || sysroot=""
	command -v aarch64-linux-gnu-gcc >/dev/null ||
		{ echo "SKIP: no aarch64-linux-gnu-gcc (./run.sh package-arm64 sets it up)"; exit 77; }
	[ -n "$sysroot" ] && [ -e "$sysroot/usr/lib/aarch64-linux-gnu/libcpupower.so" ] ||
		{ echo "SKIP: no arm64 libcpupower unpacked (./run.sh package-arm64 sets it up)"; exit 77; }
fi

work=$(mktemp -d /tmp/eagov-deb.XXXXXX)
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# The tree as committed plus local changes, without build directories.
mkdir "$work/eagov"
tar -C "$src" --exclude=./.git --exclude='./build*' --exclude='./obj-*' \
	--exclude=./debian/.debhelper --exclude='./debian/eagov*/' --exclude=./debian/tmp \
	-cf - . | tar -C "$work/eagov" -xf -

# The unit suite reads rt-app examples from the reference material next to the
# tree ($EAGOV_SHARED, tests/meson.build): give the copy the same neighbour.
[ -d "$src/../shared" ] && ln -s "$(cd "$src/../shared" && pwd)" "$work/shared"

start=$(date +%s)
if [ "$arch" = arm64 ]; then
	# The machine file of ./run.sh arm64 without its compiler flags: those
	# point at the sysroot and add an rpath into it, which a package must
	# not have; dpkg-buildflags' own flags (hardening) stay.
	sed '/^\[built-in options\]/,/^$/d' "$src/cross/arm64-linux-gnu.ini" >"$work/cross.ini"
	deb=$(ls "$sysroot"/debs/libcpupower1_*_arm64.deb 2>/dev/null | head -1)
	if [ -n "$deb" ]; then
		dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./shlibs >"$work/eagov/debian/shlibs.local"
	else
		echo "libcpupower 1 libcpupower1" >"$work/eagov/debian/shlibs.local"
	fi
	unmet=$(cd "$work/eagov" && dpkg-checkbuilddeps -a arm64 -P nocheck 2>&1 |
		sed -n 's/.*Unmet build dependencies: //p') || true
	if [ -n "$unmet" ] && [ "$unmet" != libcpupower-dev ]; then
		echo "FAIL: missing arm64 build dependencies: $unmet (./run.sh package-arm64)"
		exit 1
	fi
	build=(env EAGOV_CROSS_SYSROOT="$sysroot" DH_MESON_CROSS_FILE="$work/cross.ini"
		DEB_CFLAGS_APPEND="-I$sysroot/usr/include"
		DEB_LDFLAGS_APPEND="-L$sysroot/usr/lib/aarch64-linux-gnu"
		DEB_BUILD_OPTIONS="parallel=$(nproc) nocheck"
		dpkg-buildpackage -a arm64 -d -Pnocheck -us -uc -b)
else
	build=(env DEB_BUILD_OPTIONS="parallel=$(nproc)" dpkg-buildpackage -us -uc -b)
fi
if ! (cd "$work/eagov" && "${build[@]}" >"$work/build.log" 2>&1); then
	tail -40 "$work/build.log"
	echo "FAIL: dpkg-buildpackage (log: $work/build.log)"
	exit 1
fi
echo "dpkg-buildpackage: $(($(date +%s) - start)) s"
grep -E "^dpkg-deb: building package" "$work/build.log"

for p in eagov eagov-bench; do
	deb=$(ls "$work"/${p}_*.deb)
	mkdir -p "$work/root-$p"
	dpkg-deb -x "$deb" "$work/root-$p"
	dpkg-deb -e "$deb" "$work/control-$p"
	want=${arch:-$(dpkg --print-architecture)}
	got=$(dpkg-deb -f "$deb" Architecture)
	[ "$got" = "$want" ] || bad "$p: Architecture $got, want $want"
done
if [ "$arch" = arm64 ]; then
	for f in usr/sbin/eagovd usr/bin/eagovctl; do
		readelf -h "$work/root-eagov/$f" | grep -q 'Machine:.*AArch64' ||
			bad "$f is not an arm64 program"
	done
	dpkg-deb -f "$work"/eagov_*.deb Depends | grep -q 'libcpupower1' ||
		bad "eagov does not depend on libcpupower1"
fi

# expect PACKAGE PATH...: each path is in that package.
expect() {
	local p=$1 f
	shift
	for f in "$@"; do
		[ -e "$work/root-$p/$f" ] || bad "$p: $f missing"
	done
}
expect eagov usr/sbin/eagovd usr/bin/eagovctl etc/eagov/eagov.conf etc/eagov/devices \
	lib/systemd/system/eagovd.service usr/lib/sysusers.d/eagov.conf \
	usr/lib/tmpfiles.d/eagov.conf usr/share/dbus-1/system.d/org.eagov.PowerProfiles.conf \
	usr/share/polkit-1/actions/org.eagov.policy \
	usr/share/eagov/devices/hikey960.ini usr/share/eagov/devices/hikey620.ini \
	usr/share/eagov/devices/juno-r0.ini usr/share/eagov/devices/mt8173.ini \
	usr/share/eagov/devices/sdm845.ini \
	usr/share/man/man8/eagovd.8.gz usr/share/man/man1/eagovctl.1.gz \
	usr/share/man/man5/eagov-devices.5.gz \
	usr/share/bash-completion/completions/eagovctl usr/share/doc/eagov/copyright \
	usr/share/doc/eagov/NEWS.gz
expect eagov-bench usr/bin/eagov-bench usr/share/eagov/workloads/audio-playback.json \
	usr/share/man/man1/eagov-bench.1.gz usr/share/bash-completion/completions/eagov-bench

# Nothing stray: no dot files, no file in both packages.
stray=$(find "$work"/root-* -name '.*' -printf '%P\n')
[ -z "$stray" ] || bad "stray files: $stray"
dup=$(cd "$work" && comm -12 <(cd root-eagov && find . ! -type d | sort) \
	<(cd root-eagov-bench && find . ! -type d | sort))
[ -z "$dup" ] || bad "in both packages: $dup"

# No installed file may name the source tree or the build directory.
for root in "$work"/root-*; do
	while IFS= read -r -d '' f; do
		for dir in "$src" "$work/eagov" ${sysroot:+"$sysroot"}; do
			if strings -a "$f" | grep -qF "$dir"; then
				bad "${f#"$work"/} contains '$dir'"
			fi
		done
	done < <(find "$root" -type f -print0)
done
# The man pages are filled in: no @PLACEHOLDER@ left.
for m in "$work"/root-*/usr/share/man/man*/*.gz; do
	! zcat "$m" | grep -q '@[A-Z]*@' || bad "${m##*/}: unfilled placeholder"
done

# Maintainer scripts: the group and the runtime directory are created, the
# unit enabled and started, stopped on removal.
post=$work/control-eagov/postinst
grep -q 'systemd-sysusers.*eagov.conf' "$post" || bad "postinst does not create the eagov group"
grep -q 'systemd-tmpfiles.*eagov.conf' "$post" || bad "postinst does not apply tmpfiles"
grep -q 'eagovd.service' "$post" || bad "postinst does not enable eagovd.service"
grep -q 'eagovd.service' "$work/control-eagov/prerm" || bad "prerm does not stop eagovd.service"
grep -q '/var/lib/eagov' "$work/control-eagov/postrm" || bad "postrm does not purge state"

# lintian: no error (warnings are listed, not fatal).
if ! lintian --fail-on error --tag-display-limit 0 "$work"/*.changes >"$work/lintian.log" 2>&1; then
	bad "lintian errors"
fi
cat "$work/lintian.log"
[ $fail -eq 0 ] && echo "package: ok ($(($(date +%s) - start)) s)"
exit $fail
