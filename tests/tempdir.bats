#!/usr/bin/env bats
# tempdir: mktemp compatibility, the command in its directory, removal after
# success, failure, signals and SIGKILL of syskit (the cleaner), leftovers
# ended first, the safe removal (modes, symlinks out, mounts, depth, width,
# the swap race), --keep, --keep-on-failure, --tmpfs, bad input.

load helpers
bats_require_minimum_version 1.5.0

RACER=$(dirname "$SYSKIT_BIN")/swapracer
MKTREE=$(dirname "$SYSKIT_BIN")/mktree

setup() {
	PATH="$SKBIN:$PATH"
	T=$BATS_TEST_TMPDIR
	PIDS=()
	MNTS=()
}

teardown() {
	local p m
	# a failed test may leave writers behind: whatever works in $T goes
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		for p in $(find /proc/[0-9]*/cwd -maxdepth 0 -lname "$T/*" 2>/dev/null |
		    cut -d/ -f3); do
			kill -KILL "$p" 2>/dev/null || true
		done
	fi
	for p in "${PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	for m in "${MNTS[@]}"; do
		umount -l "$m" 2>/dev/null || true
	done
	[ -z "${SHARED:-}" ] || rm -rf "$SHARED"
}

# wait_exists PATH: until PATH exists (bounded: 10 s)
wait_exists() {
	local i
	for i in $(seq 1000); do
		[ -e "$1" ] && return 0
		sleep 0.01
	done
	echo "no $1"
	return 1
}

# wait_gone PATH: until PATH no longer exists (bounded: 10 s)
wait_gone() {
	local i
	for i in $(seq 1000); do
		[ -e "$1" ] || [ -L "$1" ] || return 0
		sleep 0.01
	done
	echo "$1 still there"
	return 1
}

# wait_status PID: wait for a background job, its exit status in $status
wait_status() {
	status=0
	wait "$1" || status=$?
}

# dead PID: no such process, or a zombie
dead() {
	local st
	st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 0
	[ "$st" = Z ]
}

# scratch: a tmpfs of our own for the big trees (creating files on this
# machine's disk costs a millisecond each; removing them does not).
scratch() {
	S=$T/scratch
	mkdir -p "$S"
	if mount -t tmpfs -o size=1g tmpfs "$S" 2>/dev/null; then
		MNTS+=("$S")
	fi
}

# shared: a directory under /tmp that user nobody can reach and write
shared() {
	SHARED=$(mktemp -d /tmp/tempdir-bats.XXXXXX)
	chmod 1777 "$SHARED"
}

as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# ---- usage ----

@test "tempdir: --help agrees with the man page; --version" {
	run syskit tempdir --help
	assert_success
	assert_line --partial "usage: tempdir"
	local o
	for o in $(printf '%s\n' "$output" | grep -oE '^ +(-[a-z], )?--[a-z-]+' |
	    grep -oE -- '--[a-z-]+'); do
		grep -qE -- "Fl -?${o#--}( |$)|Fl $(printf '%s' "${o#-}" | sed 's/-/\\\\-/g')" \
		    "$TOP/man/tempdir.1" || grep -qF -- "${o#--}" "$TOP/man/tempdir.1" ||
		    { echo "man/tempdir.1 lacks $o"; return 1; }
	done
	grep -q '^\.Sh EXIT STATUS' "$TOP/man/tempdir.1"
	run syskit tempdir --version
	assert_success
	assert_output --regexp '^syskit [0-9]'
}

@test "tempdir: bad input is one line and exit 2" {
	run syskit tempdir --template abc
	assert_failure 2
	assert_line --index 0 "syskit tempdir: invalid --template: abc (at least 6 X's at its end)"
	assert_line --index 1 "Try 'syskit tempdir --help'."
	assert_equal "${#lines[@]}" 2
	run syskit tempdir -t abcXXXXX
	assert_failure 2
	run syskit tempdir -t a/bXXXXXX
	assert_failure 2
	assert_line --index 0 --partial "invalid --template: a/bXXXXXX"
	run syskit tempdir --bogus
	assert_failure 2
	assert_line --index 0 "syskit tempdir: unknown option: --bogus"
	run syskit tempdir --tmpfs lots -- true
	assert_failure 2
	assert_line --index 0 --partial "invalid --tmpfs: lots"
	run syskit tempdir --file -- true
	assert_failure 2
	run syskit tempdir --env 1X -- true
	assert_failure 2
	run syskit tempdir --keep --keep-on-failure -- true
	assert_failure 2
	run syskit tempdir --suffix a/b
	assert_failure 2
	run syskit tempdir -p
	assert_failure 2
	assert_line --index 0 "syskit tempdir: option -p needs a value"
}

@test "tempdir: a parent that is missing or not writable: one line, exit 1 (125 with a command)" {
	run syskit tempdir -p "$T/none"
	assert_failure 1
	assert_output "syskit tempdir: cannot create a directory in $T/none: No such file or directory"
	run syskit tempdir -p "$T/none" -- true
	assert_failure 125
	assert_output --partial "cannot create a directory in $T/none"
	shared
	mkdir "$SHARED/ro"
	chmod 0755 "$SHARED/ro"
	run as_nobody "$SYSKIT_BIN" tempdir -p "$SHARED/ro"
	assert_failure 1
	assert_output "syskit tempdir: cannot create a directory in $SHARED/ro: Permission denied"
	run as_nobody "$SYSKIT_BIN" tempdir --file -p "$SHARED/ro"
	assert_failure 1
	assert_output "syskit tempdir: cannot create a file in $SHARED/ro: Permission denied"
	run ls -A "$SHARED/ro"
	assert_output ""
}

# ---- mktemp compatibility ----

@test "tempdir: like mktemp -d: mode 0700, in \$TMPDIR, else /tmp, or -p" {
	run env TMPDIR="$T" syskit tempdir
	assert_success
	assert_output --regexp "^$T/tmp\.[A-Za-z0-9]{10}\$"
	[ -d "$output" ]
	assert_equal "$(stat -c %a "$output")" 700
	run env -u TMPDIR syskit tempdir
	assert_success
	assert_output --regexp '^/tmp/tmp\.[A-Za-z0-9]{10}$'
	rmdir "$output"
	mkdir "$T/p"
	run env TMPDIR=/nonexistent syskit tempdir -p "$T/p/"
	assert_success
	assert_output --regexp "^$T/p/tmp\.[A-Za-z0-9]{10}\$"
	run syskit tempdir -d -p "$T/p" -t build-XXXXXX --suffix .d
	assert_success
	assert_output --regexp "^$T/p/build-[A-Za-z0-9]{6}\.d\$"
	[ -d "$output" ]
	run syskit tempdir -p "$T/p" --prefix job- --suffix -x
	assert_success
	assert_output --regexp "^$T/p/job-[A-Za-z0-9]{10}-x\$"
	cd "$T"
	run syskit tempdir -p p -t rel.XXXXXXXX
	assert_success
	assert_output --regexp '^p/rel\.[A-Za-z0-9]{8}$'
	[ -d "$output" ]
}

@test "tempdir: --file makes a file, mode 0600, like mktemp" {
	run syskit tempdir --file -p "$T" --suffix .txt
	assert_success
	assert_output --regexp "^$T/tmp\.[A-Za-z0-9]{10}\.txt\$"
	[ -f "$output" ]
	[ ! -s "$output" ]
	assert_equal "$(stat -c %a "$output")" 600
	# the same shape as mktemp's
	run mktemp -p "$T" --suffix .txt
	assert_output --regexp "^$T/tmp\.[A-Za-z0-9]{10}\.txt\$"
}

@test "tempdir: 1000 calls, 1000 different directories" {
	mkdir "$T/u"
	local i
	for i in $(seq 1000); do
		syskit tempdir -p "$T/u" -t uXXXXXX
	done >"$T/list"
	assert_equal "$(sort -u "$T/list" | wc -l)" 1000
	assert_equal "$(ls "$T/u" | wc -l)" 1000
}

# ---- around a command ----

@test "tempdir: the command runs inside, TMPDIR and SYSKIT_TEMPDIR set, --env, then it is gone" {
	run syskit tempdir -p "$T" -e WORK -e OTHER -- sh -c 'pwd -P; echo "$TMPDIR"; echo "$SYSKIT_TEMPDIR"; echo "$WORK $OTHER"; stat -c %a .; touch made'
	assert_success
	local d=${lines[0]}
	assert_equal "${lines[1]}" "$d"
	assert_equal "${lines[2]}" "$d"
	assert_equal "${lines[3]}" "$d $d"
	assert_equal "${lines[4]}" 700
	[[ $d == "$T"/tmp.* ]]
	[ ! -e "$d" ]
	# a relative parent: the environment has the absolute path
	cd "$T"
	run syskit tempdir -p . --no-cd -- sh -c 'pwd; echo "$TMPDIR"'
	assert_success
	assert_equal "${lines[0]}" "$T"
	[[ ${lines[1]} == "$T"/./tmp.* ]]
}

@test "tempdir: the command's status; 126/127; gone after failure" {
	run syskit tempdir -p "$T" -- sh -c 'echo "$PWD"; mkdir -p a/b; touch a/b/c; exit 7'
	assert_failure 7
	[ ! -e "$output" ]
	run syskit tempdir -p "$T" -- sh -c 'kill -USR1 $$'
	assert_failure 138
	run -127 syskit tempdir -p "$T" -- /nonexistent/cmd
	assert_failure 127
	assert_output --partial "/nonexistent/cmd: No such file or directory"
	run syskit tempdir -p "$T" -- /etc
	assert_failure 126
	run ls -A "$T"
	assert_output ""
}

@test "tempdir: a background process the command left is dead before the removal" {
	run syskit tempdir -p "$T" -- sh -c '
		(trap "" TERM; while :; do date >>log; sleep 0.01; done) >/dev/null 2>&1 3>&- &
		echo $! >'"$T"'/bg
		setsid sh -c "while :; do date >>log2; sleep 0.01; done" >/dev/null 2>&1 3>&- &
		sleep 0.1'
	assert_success
	local bg
	bg=$(cat "$T/bg")
	dead "$bg"
	run ls -A "$T"
	assert_output "bg"
}

@test "tempdir: SIGTERM and SIGINT: forwarded, waited for, removed, 128+N" {
	local sig code pid d
	for sig in TERM:143 INT:130 HUP:129; do
		code=${sig#*:}
		sig=${sig%:*}
		rm -f "$T/path"
		syskit tempdir -p "$T" -- sh -c 'echo "$PWD" >'"$T"'/path.tmp; mv '"$T"'/path.tmp '"$T"'/path; touch f; exec sleep 100' 3>&- &
		pid=$!
		PIDS+=("$pid")
		wait_file "$T/path"
		d=$(cat "$T/path")
		[ -d "$d" ]
		kill -"$sig" "$pid"
		wait_status "$pid"
		assert_equal "$status" "$code"
		[ ! -e "$d" ]
	done
}

@test "tempdir: SIGKILL of syskit: the cleaner ends the writers, then removes the directory" {
	local pid d w
	syskit tempdir -p "$T" -- sh -c '
		echo "$PWD" >'"$T"'/path.tmp; mv '"$T"'/path.tmp '"$T"'/path
		(i=0; while :; do echo x >f$i; i=$((i+1)); done) >/dev/null 2>&1 &
		echo $! >'"$T"'/writer
		setsid sh -c "i=0; while :; do mkdir -p s/\$i; i=\$((i+1)); done" >/dev/null 2>&1 &
		i=0; while :; do echo y >g$i; i=$((i+1)); done' 3>&- &
	pid=$!
	PIDS+=("$pid")
	wait_file "$T/path"
	wait_file "$T/writer"
	d=$(cat "$T/path")
	w=$(cat "$T/writer")
	sleep 0.2
	[ -n "$(ls "$d")" ]
	kill -KILL "$pid"
	wait_gone "$d"
	dead "$w"
	# nothing comes back: no writer is left
	sleep 0.2
	[ ! -e "$d" ]
	run pgrep -f 'mkdir -p s/'
	assert_failure
}

@test "tempdir: --keep and --keep-on-failure" {
	run syskit tempdir -p "$T" --keep -- sh -c 'touch x; echo "$PWD"'
	assert_success
	assert_line --index 0 --regexp "^$T/tmp\."
	assert_line --index 1 "syskit tempdir: kept ${lines[0]}"
	[ -f "${lines[0]}/x" ]
	rm -r "${lines[0]}"
	run syskit tempdir -p "$T" --keep-on-failure -- sh -c 'touch x; echo "$PWD"; exit 4'
	assert_failure 4
	assert_line --index 1 "syskit tempdir: the command failed (exit 4); kept ${lines[0]}"
	[ -f "${lines[0]}/x" ]
	rm -r "${lines[0]}"
	run syskit tempdir -p "$T" --keep-on-failure -- sh -c 'touch x; echo "$PWD"'
	assert_success
	assert_equal "${#lines[@]}" 1
	[ ! -e "${lines[0]}" ]
}

# ---- the removal ----

@test "tempdir: read-only directories and a 0000 directory, as their owner" {
	shared
	run as_nobody "$SYSKIT_BIN" tempdir -p "$SHARED" -- sh -c '
		mkdir -p ro/sub none/deeper nox wo
		touch ro/f ro/sub/f none/f none/deeper/f nox/f wo/f
		chmod 0500 ro/sub ro; chmod 0 none/deeper none; chmod 0600 nox
		chmod 0300 wo; chmod 0500 .'
	assert_success
	assert_output ""
	run ls -A "$SHARED"
	assert_output ""
	# as root too
	run syskit tempdir -p "$T" -- sh -c 'mkdir -p a/b; touch a/b/f; chmod 0 a/b a'
	assert_success
	run ls -A "$T"
	assert_output ""
}

@test "tempdir: what cannot be removed is reported, the rest goes, exit 1" {
	shared
	mkdir -m 0755 "$SHARED/theirs"
	touch "$SHARED/theirs/f"
	# nobody cannot put root's directory inside; root moves it in
	as_nobody "$SYSKIT_BIN" tempdir -p "$SHARED" -t keepXXXXXX -- sh -c '
		echo "$PWD"; mkdir a; touch a/f b
		while [ ! -e theirs/moved ]; do sleep 0.01; done' 2>"$T/err" 3>&- &
	local pid=$!
	PIDS+=("$pid")
	local d i
	for i in $(seq 500); do
		d=$(ls -d "$SHARED"/keep* 2>/dev/null) && break
		sleep 0.01
	done
	wait_exists "$d/a/f"
	mv "$SHARED/theirs" "$d/theirs"
	touch "$d/theirs/moved"
	wait_status "$pid"
	assert_equal "$status" 1
	output=$(cat "$T/err")
	assert_output --partial "syskit tempdir: cannot remove $d/theirs/f: Permission denied"
	assert_output --partial "syskit tempdir: cannot remove $d/theirs/moved: Permission denied"
	[ ! -e "$d/a" ]
	[ ! -e "$d/b" ]
	[ -e "$d/theirs/f" ]
}

@test "tempdir: a symlink to a directory outside: the link goes, the outside stays" {
	mkdir -p "$T/outside/keep"
	touch "$T/outside/keep/file" "$T/outside/file"
	mkdir "$T/p"
	run syskit tempdir -p "$T/p" -- sh -c 'ln -s '"$T"'/outside out; ln -s '"$T"'/outside/file f; mkdir d; ln -s ../../outside/keep d/rel; ln -s / root'
	assert_success
	[ -f "$T/outside/keep/file" ]
	[ -f "$T/outside/file" ]
	run ls -A "$T/p"
	assert_output ""
}

@test "tempdir: a bind mount inside is not entered, is reported and left (root)" {
	[ "$(id -u)" -eq 0 ] || skip "needs root: mount --bind"
	mkdir -p "$T/outside/keep" "$T/p"
	touch "$T/outside/keep/file"
	mount --bind "$T/outside" "$T/outside" 2>/dev/null || skip "mount not permitted here"
	umount "$T/outside"
	run syskit tempdir -p "$T/p" -- sh -c 'echo "$PWD"; mkdir -p sub/m; touch sub/f; mount --bind '"$T"'/outside sub/m'
	local d=${lines[0]}
	MNTS+=("$d/sub/m")
	assert_failure 1
	assert_line --index 1 "syskit tempdir: left mount point $d/sub/m (not entered)"
	assert_equal "${#lines[@]}" 2
	[ -f "$T/outside/keep/file" ]
	[ -f "$d/sub/m/keep/file" ]
	[ ! -e "$d/sub/f" ]
}

@test "tempdir: a tree 10000 deep, names of 255 bytes, paths far beyond PATH_MAX" {
	scratch
	run syskit tempdir -p "$S" -- sh -c "$MKTREE"' deep . 10000 40 && find . | awk "{ if (length > m) m = length } END { print m }"'
	assert_success
	assert_line --index 0 10010
	[ "${lines[1]}" -gt 30000 ]
	run ls -A "$S"
	assert_output ""
}

@test "tempdir: 100000 files" {
	scratch
	run syskit tempdir -p "$S" -- "$MKTREE" wide . 10 10000
	assert_success
	assert_output 100010
	run ls -A "$S"
	assert_output ""
}

@test "tempdir: directories swapped for symlinks during the removal: nothing outside goes" {
	[ -x "$RACER" ] || skip "no $RACER (make builds it)"
	scratch
	mkdir -p "$T/outside/keep"
	touch "$T/outside/keep/file" "$T/outside/file"
	local round pid rpid d
	for round in 1 2 3 4 5; do
		rm -f "$T/path"
		syskit tempdir -p "$S" -- sh -c 'echo "$PWD" >'"$T"'/path.tmp; mv '"$T"'/path.tmp '"$T"'/path; while [ ! -e ready ]; do sleep 0.01; done' 3>&- &
		pid=$!
		PIDS+=("$pid")
		wait_file "$T/path"
		d=$(cat "$T/path")
		"$RACER" "$d" "$T/outside" 50 >"$T/swaps" 3>&- &
		rpid=$!
		PIDS+=("$rpid")
		wait_status "$pid"
		assert_equal "$status" 0
		wait_status "$rpid"
		assert_equal "$status" 0
		[ -f "$T/outside/keep/file" ]
		[ -f "$T/outside/file" ]
		[ ! -e "$d" ]
	done
}

@test "tempdir: --tmpfs mounts a capped tmpfs, unmounted and removed after (root)" {
	[ "$(id -u)" -eq 0 ] || skip "needs root: mount"
	run syskit tempdir -p "$T" --tmpfs 1M -- sh -c 'echo "$PWD"; stat -f -c %T .; head -c 2M /dev/zero >big'
	assert_failure 1
	local d=${lines[0]}
	assert_line --index 1 tmpfs
	assert_output --partial "No space left on device"
	[ ! -e "$d" ]
	run grep -F " $d " /proc/self/mountinfo
	assert_failure
	# unprivileged: a clear error, nothing left
	shared
	run as_nobody "$SYSKIT_BIN" tempdir -p "$SHARED" --tmpfs 1M -- true
	assert_failure 125
	assert_output --regexp "^syskit tempdir: cannot mount a tmpfs on $SHARED/tmp\.[A-Za-z0-9]{10}: Operation not permitted \(needs CAP_SYS_ADMIN\)\$"
	run ls -A "$SHARED"
	assert_output ""
}
