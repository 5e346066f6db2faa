#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Check commit messages: subject at most 72 characters, a blank line between
# subject and body. Given a file, checks that message (the commit-msg hook);
# given --since REV, checks every non-merge commit after REV (CI).
set -eu

check() {
	# $1: message text, $2: what to call it in errors
	subject=$(printf '%s\n' "$1" | sed -n 1p)
	second=$(printf '%s\n' "$1" | sed -n 2p)
	len=$(printf '%s' "$subject" | wc -m)
	if [ "$len" -gt 72 ]; then
		echo "$2: subject is $len characters, the limit is 72: $subject" >&2
		return 1
	fi
	if [ -z "$subject" ]; then
		echo "$2: empty subject" >&2
		return 1
	fi
	if [ -n "$second" ]; then
		echo "$2: the subject must be followed by a blank line" >&2
		return 1
	fi
}

# Two commits that landed before the hook was active in every work tree;
# history is not rewritten for them.
KNOWN_LONG="04cf57c c34f4f4"

if [ "${1:-}" = "--since" ]; then
	if ! git rev-parse -q --verify "$2^{commit}" >/dev/null; then
		echo "check-commit-msg: $2 is not in this clone (shallow?): nothing checked"
		exit 0
	fi
	rc=0
	for c in $(git rev-list --no-merges "$2..HEAD"); do
		case " $KNOWN_LONG " in *" $(git rev-parse --short=7 "$c") "*) continue ;; esac
		check "$(git log -1 --format=%B "$c")" "commit $(git rev-parse --short "$c")" || rc=1
	done
	exit $rc
fi
# The hook's file: drop comment lines git adds.
check "$(grep -v '^#' "$1")" "commit message"
