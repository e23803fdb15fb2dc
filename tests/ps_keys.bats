#!/usr/bin/env bats
# ps: every format key of procps's `ps L` and every option of the table in
# tests/ps_keys.py, compared with procps-ng ps on this machine's processes.
# What syskit does not support is listed there, each with its reason; a key
# or option outside those tables that is refused or disagrees fails, and
# so does one in the tables that works (the tables only shrink).

load helpers
bats_require_minimum_version 1.5.0

PROCPS=/usr/bin/ps

need_procps() {
	[ -x "$PROCPS" ] && "$PROCPS" --version 2>/dev/null | grep -q procps-ng ||
	    skip "procps-ng ps is not installed"
}

# The names these tests give, unlikely to be a real machine's.
SESS=pk42
UID_=4242
MACH=pskeysvm

# fstype DIR: the file system type of DIR, or nothing
fstype() {
	stat -f -c %T "$1" 2>/dev/null
}

# The hierarchy where libsystemd reads a process's systemd cgroup: the
# unified one (cgroup v2, or hybrid), else the v1 name=systemd one.
sd_hierarchy() {
	if [ "$(fstype /sys/fs/cgroup)" = cgroup2fs ]; then
		echo /sys/fs/cgroup
	elif [ "$(fstype /sys/fs/cgroup/unified)" = cgroup2fs ]; then
		echo /sys/fs/cgroup/unified
	elif [ -d /sys/fs/cgroup/systemd ]; then
		echo /sys/fs/cgroup/systemd
	fi
}

# place DIR: a sleeping process in the new cgroup DIR (made, and said in
# $BATS_TEST_TMPDIR/made for the teardown); nothing when the cgroup
# cannot be made here (no root, a read-only /sys)
place() {
	mkdir -p "$1" 2>/dev/null || return 0
	printf '%s\n' "$1" >>"$BATS_TEST_TMPDIR/made"
	sleep 1000 3>&- &
	echo $! >>"$BATS_TEST_TMPDIR/pids"
	echo $! >"$1/cgroup.procs" 2>/dev/null || true
}

# Processes where procps (through libsystemd) and syskit find names: a
# login session's scope (with its seat in /run/systemd/sessions), a user
# manager's service, a machine's scope (/run/systemd/machines), an LXC
# payload, and one in the v1 name=systemd hierarchy for cgname.
place_processes() {
	local h
	: >"$BATS_TEST_TMPDIR/made"
	: >"$BATS_TEST_TMPDIR/pids"
	[ "$(id -u)" = 0 ] || return 0
	h=$(sd_hierarchy)
	[ -n "$h" ] || return 0
	place "$h/user.slice/user-$UID_.slice/session-$SESS.scope"
	place "$h/user.slice/user-$UID_.slice/user@$UID_.service/app.slice/pk.service"
	place "$h/machine.slice/machine-$MACH.scope/payload"
	place "$h/lxc.payload.pkbox/init"
	if [ -d /sys/fs/cgroup/systemd ] && [ "$h" != /sys/fs/cgroup/systemd ]; then
		place /sys/fs/cgroup/systemd/pk.slice/pk.service
	fi
	if [ -d /run/systemd/sessions ] && [ ! -e /run/systemd/sessions/$SESS ]; then
		printf 'UID=%s\nSEAT=seat0\n' "$UID_" >/run/systemd/sessions/$SESS &&
		    echo /run/systemd/sessions/$SESS >>"$BATS_TEST_TMPDIR/files"
	fi
	if [ -d /run/systemd/machines ] &&
	    [ ! -e "/run/systemd/machines/unit:machine-$MACH.scope" ]; then
		ln -s "$MACH" "/run/systemd/machines/unit:machine-$MACH.scope" &&
		    echo "/run/systemd/machines/unit:machine-$MACH.scope" >>"$BATS_TEST_TMPDIR/files"
	fi
	return 0
}

teardown() {
	local p d
	[ -f "$BATS_TEST_TMPDIR/pids" ] || return 0
	while read -r p; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done <"$BATS_TEST_TMPDIR/pids"
	# the cgroups made, deepest first, and their empty parents
	sort -r "$BATS_TEST_TMPDIR/made" | while read -r d; do
		while [ "${d#/sys/fs/cgroup/}" != "$d" ] && rmdir "$d" 2>/dev/null; do
			d=${d%/*}
		done
	done
	[ -f "$BATS_TEST_TMPDIR/files" ] && xargs rm -f <"$BATS_TEST_TMPDIR/files"
	return 0
}

@test "ps_keys: every key of procps's ps L agrees, or is listed with its reason" {
	need_procps
	place_processes
	run env PROCPS="$PROCPS" SYSKIT_BIN="$SYSKIT_BIN" $PY "$TOP/tests/ps_keys.py" keys
	echo "$output"
	assert_success
}

@test "ps_keys: the systemd and LXC keys agree on processes placed in their cgroups" {
	need_procps
	place_processes
	[ -s "$BATS_TEST_TMPDIR/made" ] || skip "cannot make cgroups here"
	# the placed processes are there, and show names (not only "-")
	run "$PROCPS" -o pid=,unit=,slice=,lxc= -p "$(paste -sd, "$BATS_TEST_TMPDIR/pids")"
	assert_output --partial "session-$SESS.scope"
	assert_output --partial pkbox
	run env PROCPS="$PROCPS" SYSKIT_BIN="$SYSKIT_BIN" \
	    ONLY=lsession,machine,ouid,seat,slice,unit,uunit,lxc,cgname,cgroup \
	    $PY "$TOP/tests/ps_keys.py" keys
	echo "$output"
	assert_success
}

@test "ps_keys: every option of the table agrees, or is listed with its reason" {
	need_procps
	run env PROCPS="$PROCPS" SYSKIT_BIN="$SYSKIT_BIN" $PY "$TOP/tests/ps_keys.py" opts
	echo "$output"
	assert_success
}
