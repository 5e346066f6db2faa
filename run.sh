#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# eagov developer entry point. On a fresh Debian 12 machine, as root:
#   ./run.sh demo    install what is missing, build, run the main job (eagov-bench
#                    on the simulated HiKey960)
#   ./run.sh test    install what is missing, build, run the whole test suite
#   ./run.sh asan    the same suite in an ASan+UBSan build
#   ./run.sh clang   build warning-free with clang (no tests)
#   ./run.sh fuzz [S]  build the libFuzzer harnesses (clang, ASan+UBSan) and run
#                    each for S seconds (default 60); fails on any finding
#   ./run.sh package build the Debian packages from a copy of the tree, check
#                    their files and run lintian (tests/package/test_deb.sh)
#   ./run.sh package-arm64  the same for arm64 (dpkg-buildpackage -a arm64)
#   ./run.sh arm64   cross-build for arm64 (Debian multiarch) and run the suite
#                    under qemu-user
#   ./run.sh format-check  fail if a C file differs from what .clang-format
#                    wants; ./run.sh format rewrites them
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(
	meson ninja-build pkg-config gcc clang libclang-rt-dev
	libcpupower-dev libnl-3-dev libnl-genl-3-dev libudev-dev libsystemd-dev
	libsensors-dev libinih-dev libjson-c-dev libcmocka-dev umockdev libumockdev-dev
	libtraceevent-dev libtracefs-dev libbpf-dev bpftool rt-app rt-tests
	bash-completion dbus-daemon power-profiles-daemon libglib2.0-bin python3
)
# What ./run.sh package needs on top.
PACKAGE_PACKAGES=(debhelper dpkg-dev fakeroot lintian)

deps() {
	local missing=()
	for p in "${PACKAGES[@]}" "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "run.sh: installing ${missing[*]}" >&2
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
}

# build DIR [meson options...]
build() {
	local dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >/dev/null
	fi
	ninja -C "$dir" >/dev/null
}

# Run the suite in DIR (or only the tests named after it) and print the
# closing "N passed, N failed" line. Nothing is retried: a test that fails
# now and then has a cause to find (tests/repeat.sh runs one N times).
suite() {
	local dir=$1 rc=0
	shift
	meson test -C "$dir" --print-errorlogs --num-processes 2 "$@" || rc=$?
	python3 - "$dir/meson-logs/testlog.json" <<'PY'
import json, sys
ok = fail = skip = 0
for line in open(sys.argv[1]):
    r = json.loads(line).get("result")
    if r in ("OK", "EXPECTEDFAIL"):
        ok += 1
    elif r == "SKIP":
        skip += 1
    else:
        fail += 1
print(f"tests: {ok} passed, {fail} failed, {skip} skipped")
PY
	return $rc
}

# Harness and the longest input it is given: a little more than the largest
# real file of its format, so mutations can grow a seed but inputs stay fast.
FUZZERS=(
	fuzz_devfile:16384
	fuzz_daemon_conf:4096
	fuzz_rtapp:8192
	fuzz_control:8192
	fuzz_record:8192
	fuzz_thermal_netlink:16384
)

# fuzz SECONDS: each harness in turn (the machine's cores are shared), new
# inputs kept in build-fuzz/corpus/, findings in build-fuzz/findings/.
fuzz() {
	local secs=$1 dir=build-fuzz failed=() f name len rc
	case "$secs" in '' | *[!0-9]*) echo "run.sh fuzz: SECONDS must be a number" >&2; exit 2 ;; esac
	if [ ! -f "$dir/build.ninja" ]; then
		CC=clang meson setup "$dir" -Dfuzz=true -Db_sanitize=address,undefined \
			-Db_lundef=false >/dev/null
	fi
	# Only the harnesses: the rest of an instrumented tree is not run here.
	local targets=()
	for f in "${FUZZERS[@]}"; do
		targets+=("tests/fuzz/${f%%:*}")
	done
	ninja -C "$dir" "${targets[@]}" >/dev/null
	for f in "${FUZZERS[@]}"; do
		name=${f%%:*}
		len=${f##*:}
		mkdir -p "$dir/corpus/$name" "$dir/findings/$name"
		rc=0
		ASAN_OPTIONS=detect_leaks=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
			"$dir/tests/fuzz/$name" -max_total_time="$secs" -max_len="$len" \
			-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix="$dir/findings/$name/" \
			"$dir/corpus/$name" "tests/fuzz/corpus/$name" >"$dir/findings/$name.log" 2>&1 ||
			rc=$?
		echo "$name: $(grep -o 'stat::number_of_executed_units: [0-9]*' \
			"$dir/findings/$name.log" | grep -o '[0-9]*$' || echo '?') runs," \
			"$(grep -o 'cov: [0-9]* ft: [0-9]*' "$dir/findings/$name.log" | tail -1)"
		if [ $rc -ne 0 ]; then
			failed+=("$name")
			grep -E '^==[0-9]+==|^SUMMARY|ERROR: libFuzzer' "$dir/findings/$name.log" | head -5
			echo "$name: FAILED (exit $rc), reproducer:" \
				"$(grep -o 'Test unit written to .*' "$dir/findings/$name.log" |
				sed 's/Test unit written to //' | tail -1)," \
				"log: $dir/findings/$name.log"
		fi
	done
	if [ ${#failed[@]} -ne 0 ]; then
		echo "fuzz: findings in ${failed[*]}" >&2
		return 1
	fi
	echo "fuzz: ${#FUZZERS[@]} harnesses x ${secs} s, no findings"
}

# The cross toolchain, qemu-user and the arm64 -dev packages. libcpupower1
# and libcpupower-dev are not Multi-Arch: same (installing them for arm64
# removes the amd64 ones), so they are unpacked into ARM64_SYSROOT instead,
# which cross/arm64-linux-gnu.ini reads. umockdev has the same problem and
# its preload cannot reach a program inside qemu: its tests are not built.
ARM64_PACKAGES=(
	crossbuild-essential-arm64 qemu-user qemu-user-binfmt libc6:arm64 pkgconf:arm64
	libnl-3-dev:arm64 libnl-genl-3-dev:arm64 libudev-dev:arm64 libsystemd-dev:arm64
	libsensors-dev:arm64 libinih-dev:arm64 libjson-c-dev:arm64 libcmocka-dev:arm64
	libtraceevent-dev:arm64 libtracefs-dev:arm64
)
ARM64_SYSROOT=build-arm64-sysroot
# Tests that start the arm64 eagovd, eagovctl or ppd_host themselves: that
# exec needs the kernel to hand aarch64 programs to qemu (binfmt_misc).
ARM64_EXEC_TESTS="control_proto control_socket control_eagovctl daemon daemon_replay daemon_service ppd_dbus ppd_daemon"

# The arm64 packages and the unpacked libcpupower (shared by arm64 and
# package-arm64).
arm64_deps() {
	local sudo="" missing=() p
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	dpkg --print-foreign-architectures | grep -qx arm64 || $sudo dpkg --add-architecture arm64
	for p in "${ARM64_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$p")
	done
	if [ ${#missing[@]} -ne 0 ]; then
		echo "run.sh: installing ${missing[*]}" >&2
		$sudo apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
			--no-install-recommends "${ARM64_PACKAGES[@]}" >/dev/null
	fi
	if [ ! -f "$ARM64_SYSROOT/usr/lib/aarch64-linux-gnu/libcpupower.so" ]; then
		mkdir -p "$ARM64_SYSROOT/debs"
		(cd "$ARM64_SYSROOT/debs" && apt-get download -qq -o APT::Sandbox::User=root \
			libcpupower1:arm64 libcpupower-dev:arm64)
		for p in "$ARM64_SYSROOT"/debs/*.deb; do
			dpkg-deb -x "$p" "$ARM64_SYSROOT"
		done
	fi
}

arm64() {
	local sudo="" t tests=()
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	arm64_deps
	printf "[constants]\nsysroot = '%s'\n" "$PWD/$ARM64_SYSROOT" >"$ARM64_SYSROOT/sysroot.ini"
	# The bpf object is built for the build machine's kernel (its BTF).
	build build-arm64 --cross-file "$ARM64_SYSROOT/sysroot.ini" \
		--cross-file cross/arm64-linux-gnu.ini -Dbpf=disabled
	# systemd-binfmt registers qemu for aarch64 programs where systemd does
	# not run (containers); without binfmt_misc those tests cannot run.
	if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
		[ -e /proc/sys/fs/binfmt_misc/register ] ||
			$sudo mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
		$sudo /lib/systemd/systemd-binfmt qemu-aarch64.conf 2>/dev/null || true
	fi
	if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
		echo "run.sh: no binfmt_misc for aarch64 here: not running $ARM64_EXEC_TESTS" >&2
		for t in $(meson test -C build-arm64 --list 2>/dev/null | sed -n 's/.* \/ //p'); do
			case " $ARM64_EXEC_TESTS " in *" $t "*) ;; *) tests+=("$t") ;; esac
		done
	fi
	suite build-arm64 "${tests[@]}"
}

case "${1:-}" in
demo)
	deps
	build build
	# First eagov's own policy against the kernel's schedutil, one line per
	# workload (QoS compared by bench/results/compare.py's rules), then the
	# built-in simulated device with every shipped workload and governor.
	echo "eagov against schedutil on the simulated HiKey960:"
	./build/bench/eagov-bench -q --json --device hikey960 -g schedutil -g eagov --no-oracle |
		python3 bench/results/compare.py --brief -
	echo
	./build/bench/eagov-bench --device hikey960
	;;
test)
	deps
	build build
	suite build
	;;
asan)
	deps
	build build-asan -Db_sanitize=address,undefined -Db_lundef=false
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 suite build-asan
	;;
clang)
	deps
	CC=clang build build-clang
	echo "clang build: ok"
	;;
fuzz)
	deps
	fuzz "${2:-60}"
	;;
package)
	deps "${PACKAGE_PACKAGES[@]}"
	build build
	meson test -C build --setup package --suite package --print-errorlogs deb
	;;
package-arm64)
	deps "${PACKAGE_PACKAGES[@]}"
	arm64_deps
	build build
	meson test -C build --setup package --suite package --print-errorlogs deb_arm64
	;;
format | format-check)
	command -v clang-format >/dev/null || deps clang-format
	# Fuzz corpora are inputs, not code.
	mapfile -t cfiles < <(git ls-files '*.c' '*.h' | grep -v '/corpus/')
	if [ "$1" = format ]; then
		clang-format -i "${cfiles[@]}"
	else
		clang-format --dry-run --Werror "${cfiles[@]}"
		echo "format-check: ${#cfiles[@]} files as .clang-format wants"
	fi
	;;
arm64)
	deps
	arm64
	;;
*)
	sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
	;;
esac
