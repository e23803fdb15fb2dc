#!/usr/bin/env bats
# ps: every format key of procps's `ps L` and every option of the table in
# tests/ps_keys.py, compared with procps-ng ps on this machine's processes.
# What syskit does not support yet is listed there, each with its reason;
# a key or option outside those tables that is refused or disagrees fails,
# and so does one in the tables that works (the tables only shrink).

load helpers
bats_require_minimum_version 1.5.0

PROCPS=/usr/bin/ps

need_procps() {
	[ -x "$PROCPS" ] && "$PROCPS" --version 2>/dev/null | grep -q procps-ng ||
	    skip "procps-ng ps is not installed"
}

@test "ps_keys: every key of procps's ps L agrees, or is listed with its reason" {
	need_procps
	run env PROCPS="$PROCPS" SYSKIT_BIN="$SYSKIT_BIN" $PY "$TOP/tests/ps_keys.py" keys
	echo "$output"
	assert_success
}

@test "ps_keys: every option of the table agrees, or is listed with its reason" {
	need_procps
	run env PROCPS="$PROCPS" SYSKIT_BIN="$SYSKIT_BIN" $PY "$TOP/tests/ps_keys.py" opts
	echo "$output"
	assert_success
}
