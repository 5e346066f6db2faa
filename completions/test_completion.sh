#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The bash completions: each is sourced into bash with bash-completion's
# helpers and asked for a few command lines; COMPREPLY must hold the expected
# words (subcommands from eagovctl --help, options, governors, profiles,
# device names from $EAGOV_DEVICE_DIR). Skips (77) without bash-completion.
# Usage: test_completion.sh COMPLETIONS_DIR EAGOVCTL EAGOV_BENCH
set -u
dir=$1 eagovctl=$2 bench=$3
helpers=/usr/share/bash-completion/bash_completion
[ -r "$helpers" ] || { echo "SKIP: bash-completion is not installed"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" "$tmp/devices"
ln -s "$eagovctl" "$tmp/bin/eagovctl"
ln -s "$bench" "$tmp/bin/eagov-bench"
: >"$tmp/devices/test-board.ini"
: >"$tmp/devices/test-other.ini"

# complete FUNCTION LINE: COMPREPLY, sorted, one line, for LINE with the
# cursor at its end.
cat >"$tmp/run.bash" <<'BASH'
source "$HELPERS"
source "$DIR/eagovctl"
source "$DIR/eagov-bench"
complete_line() {
	local fn=$1 line=$2
	COMP_LINE=$line
	COMP_POINT=${#line}
	read -ra COMP_WORDS <<<"$line"
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	"$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
	echo
}
BASH

fail=0
# check FUNCTION LINE EXPECTED
check() {
	local got
	got=$(PATH="$tmp/bin:$PATH" HELPERS=$helpers DIR=$dir EAGOV_DEVICE_DIR="$tmp/devices" \
		bash -c 'source "$0"; complete_line "$1" "$2"' "$tmp/run.bash" "$1" "$2" 2>&1)
	if [ "$got" != "$3" ]; then
		echo "FAIL: '$2': got '$got', expected '$3'"
		fail=1
	else
		echo "ok: '$2' -> '$got'"
	fi
}

# check_has FUNCTION LINE WORD...: each WORD is among the completions.
check_has() {
	local fn=$1 line=$2 got w
	shift 2
	got=" $(PATH="$tmp/bin:$PATH" HELPERS=$helpers DIR=$dir \
		bash -c 'source "$0"; complete_line "$1" "$2"' "$tmp/run.bash" "$fn" "$line" 2>&1) "
	for w in "$@"; do
		if [[ $got != *" $w "* ]]; then
			echo "FAIL: '$line': '$w' missing from '$got'"
			fail=1
			return
		fi
	done
	echo "ok: '$line' ->$got"
}

# Commands come from eagovctl --help: those it lists today must complete
# (more may be added), and nothing that is not a command.
check_has _eagovctl "eagovctl " boost hint monitor set status
check _eagovctl "eagovctl x" ""
check _eagovctl "eagovctl st" "status"
check _eagovctl "eagovctl --" "--help --socket --version"
check _eagovctl "eagovctl set " "governor profile"
check _eagovctl "eagovctl set profile p" "performance power-saver"
check _eagovctl "eagovctl --socket /tmp/s set governor sch" "schedutil"
check _eagovctl "eagovctl set governor --" "--domain"
check _eagovctl "eagovctl boost --" "--ms --pid"
check _eagovctl "eagovctl hint --" "--ms --pid --type"
check _eagovctl "eagovctl hint --pid 1 --type s" "sustained"
check _eagovctl "eagovctl status --" "--json"

check _eagov_bench "eagov-bench --gov" "--governor"
check _eagov_bench "eagov-bench -g sched" "schedutil schedutil+ramp"
check _eagov_bench "eagov-bench --governor p" "performance powersave"
check _eagov_bench "eagov-bench --device test-" "test-board test-other"
check _eagov_bench "eagov-bench -d test-b" "test-board"
check _eagov_bench "eagov-bench --j" "--jobs --json"
check _eagov_bench "eagov-bench --csv --re" "--replay"
exit $fail
