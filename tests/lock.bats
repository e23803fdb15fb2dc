#!/usr/bin/env bats
# lock: flock(2) locks around a command, interop with util-linux flock,
# busy and exit statuses, shared locks, descriptors, many contenders,
# --remove, --slots, supervision, --status, bad input.

load helpers
bats_require_minimum_version 1.5.0

# the work done inside the lock, without a shell (tests/progs/lockwork.c)
LOCKWORK=$(dirname "$SYSKIT_BIN")/lockwork

setup() {
	PATH="$SKBIN:$PATH"
	unset SYSKIT_PROC SYSKIT_SYS NO_COLOR
	D=$BATS_TEST_TMPDIR
	BG=()
}

# every background process of the test, and all it started (a command
# that outlived a killed lock among them): killed by session, reaped
teardown() {
	local p
	for p in "${BG[@]}"; do
		pkill -9 -s "$p" 2>/dev/null || true
	done
	for p in "${BG[@]}"; do
		wait "$p" 2>/dev/null || true
	done
}

# bg CMD...: start CMD in the background in a session of its own (setsid
# execs it: $! is CMD), remembered for teardown; fd 3 closed, or bats
# would wait for whatever still holds it
bg() {
	setsid "$@" 3>&- &
	BG+=("$!")
}

# wait_held FILE: until FILE's lock is held (bounded: 5 s)
wait_held() {
	local i
	for i in $(seq 250); do
		syskit lock --status "$1" >/dev/null 2>&1 && return 0
		sleep 0.02
	done
	echo "$1 never became held"
	return 1
}

# wait_waiting FILE N: until N requests wait for FILE's lock (5 s)
wait_waiting() {
	local i w
	for i in $(seq 250); do
		w=$(syskit lock --status --json "$1" | $PY -c 'import json,sys; print(json.load(sys.stdin)["waiting"])')
		[ "$w" -ge "$2" ] && return 0
		sleep 0.02
	done
	echo "$1: $w waiting, not $2"
	return 1
}

# max_inside LOG: the most "in" lines without their "out" at any point
max_inside() {
	awk '$1 == "in" { n++; if (n > m) m = n } $1 == "out" { n-- } END { print m + 0 }' "$1"
}

# ---- usage ----

@test "--help prints usage to stdout and exits 0" {
	run syskit lock --help
	assert_success
	assert_line --index 0 --partial 'usage: lock '
	run syskit lock --version
	assert_success
	assert_output --regexp '^syskit [0-9]'
}

@test "--help and the man page name the same long options" {
	local opts_help opts_man
	opts_help=$(syskit lock --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
	opts_man=$(grep -oE 'Fl -[a-z][a-z-]*' "$TOP/man/lock.1" |
	    sed 's/^Fl -/--/' | sort -u)
	assert_equal "$opts_help" "$opts_man"
}

@test "the usage lines and the man page SYNOPSIS have the same forms" {
	run syskit lock --help
	assert_line --index 0 'usage: lock [-nsvx] [-E code] [-w duration] [option ...] file'
	assert_line --index 3 --partial '-c string [name [arg ...]]'
	assert_line --index 4 '       lock [-nsuvx] [-E code] [-w duration] --fd n'
	assert_line --index 5 '       lock --status [--json] file'
	run sh -c 'sed -n "/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/p" "$1" | grep -c "^\.Nm\$"' sh "$TOP/man/lock.1"
	assert_output 4
}

@test "the link named lock works too" {
	run "$SKBIN/lock" "$D/f" sh -c 'exit 7'
	assert_failure 7
}

@test "bad values and combinations exit 2 with one line and a hint" {
	local bad
	for bad in "--wait abc" "--wait -1" "--slots 0" "--slots 257" \
	    "--slots x" "--conflict-exit 256" "--conflict-exit x" \
	    "--mode 9" "--mode 0x1" "--mode 17777" "--timeout x" "--fd x" \
	    "--fd -1" "--bogus" "-q" "-u" "--slots 2 --remove" \
	    "--slots 2 -s" "--json"; do
		run --separate-stderr syskit lock $bad "$D/f" true
		assert_failure 2
		assert_equal "${#stderr_lines[@]}" 2
		assert_equal "${stderr_lines[1]}" "Try 'syskit lock --help'."
	done
	run --separate-stderr syskit lock --wait abc "$D/f" true
	assert_equal "${stderr_lines[0]}" "syskit lock: invalid --wait: abc (a duration: 1.5, 200ms, 2m)"
	run --separate-stderr syskit lock --slots 0 "$D/f" true
	assert_equal "${stderr_lines[0]}" "syskit lock: invalid --slots: 0 (1 to 256)"
}

@test "no file, no command, a missing -c value: usage errors" {
	run --separate-stderr syskit lock
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit lock: a lock file is needed"
	run --separate-stderr syskit lock "$D/f"
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit lock: a command is needed (or -c STRING)"
	run --separate-stderr syskit lock "$D/f" -c
	assert_failure 2
	run --separate-stderr syskit lock --fd 1 "$D/f"
	assert_failure 2
}

# ---- the lock file ----

@test "a directory is refused with one clear line" {
	mkdir "$D/dir"
	run --separate-stderr syskit lock "$D/dir" true
	assert_failure 1
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "${stderr_lines[0]}" "syskit lock: cannot lock $D/dir: it is a directory (a lock file must be a regular file)"
}

@test "a symbolic link is refused, its target untouched" {
	ln -s "$D/target" "$D/link"
	run --separate-stderr syskit lock "$D/link" touch "$D/ran"
	assert_failure 1
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "${stderr_lines[0]}" "syskit lock: cannot lock $D/link: it is a symbolic link (a lock file is never followed)"
	assert_file_not_exists "$D/target"
	assert_file_not_exists "$D/ran"
}

@test "a missing parent directory is an error, not created" {
	run --separate-stderr syskit lock "$D/no/such/f" true
	assert_failure 1
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "${stderr_lines[0]}" "syskit lock: cannot open $D/no/such/f: its directory does not exist"
	assert_file_not_exists "$D/no"
}

@test "a FIFO is not a regular file" {
	mkfifo "$D/fifo"
	run --separate-stderr syskit lock "$D/fifo" true
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "syskit lock: cannot lock $D/fifo: not a regular file"
}

@test "a control character in the name is escaped in the message" {
	run --separate-stderr syskit lock "$D/a"$'\033'"b/f" true
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "syskit lock: cannot open $D/a\\033b/f: its directory does not exist"
}

@test "the file is created 0644, or with --mode" {
	umask 022
	run syskit lock "$D/new" true
	assert_success
	run stat -c %a "$D/new"
	assert_output 644
	run syskit lock --mode 0600 "$D/new2" true
	assert_success
	run stat -c %a "$D/new2"
	assert_output 600
}

@test "a read-only lock file is locked read-only; --pid needs write access" {
	local dir
	[ "$(id -u)" = 0 ] || skip "needs root: setpriv to another user"
	# a directory nobody can reach into (the test's own is 0700)
	dir=$(mktemp -d /tmp/syskit-lock-ro.XXXXXX)
	chmod 0755 "$dir"
	touch "$dir/ro"
	chmod 0444 "$dir/ro"
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$SYSKIT_BIN" lock -n "$dir/ro" true
	local st=$status
	run --separate-stderr setpriv --reuid=65534 --regid=65534 \
	    --clear-groups "$SYSKIT_BIN" lock --pid "$dir/ro" true
	local st2=$status err=${stderr_lines[0]}
	rm -rf "$dir"
	assert_equal "$st" 0
	assert_equal "$st2" 1
	assert_equal "$err" "syskit lock: cannot open $dir/ro: Permission denied"
}

# ---- exit statuses ----

@test "the command's status, 126, 127 and 128+N" {
	run syskit lock "$D/f" sh -c 'exit 3'
	assert_failure 3
	run syskit lock "$D/f" true
	assert_success
	run -127 --separate-stderr syskit lock "$D/f" "$D/nonexistent"
	assert_failure 127
	assert_equal "${stderr_lines[0]}" "syskit lock: $D/nonexistent: No such file or directory"
	touch "$D/noexec"
	chmod 0644 "$D/noexec"
	run syskit lock "$D/f" "$D/noexec"
	assert_failure 126
	run syskit lock "$D/f" sh -c 'kill -9 $$'
	assert_failure 137
}

@test "-c runs a shell string, before or after the file, with \$0 and \$1" {
	run syskit lock -c 'echo "$0 $1"' "$D/f" a b
	assert_success
	assert_output "a b"
	run syskit lock "$D/f" -c 'echo "$0 $1"' x y
	assert_output "x y"
	run syskit lock "$D/f" -- echo hi
	assert_output "hi"
}

@test "--timeout ends the command and exits 124" {
	run syskit lock --timeout 0.2 "$D/f" sleep 30
	assert_failure 124
}

# ---- busy ----

@test "-n exits 75 when busy, naming the holder; --conflict-exit changes it" {
	bg syskit lock "$D/f" sleep 30
	wait_held "$D/f"
	run --separate-stderr syskit lock -n "$D/f" touch "$D/ran"
	assert_failure 75
	assert_equal "${stderr_lines[0]}" "syskit lock: $D/f is busy: held by pid ${BG[0]}"
	assert_file_not_exists "$D/ran"
	run syskit lock -n --conflict-exit 9 "$D/f" true
	assert_failure 9
	run syskit lock -n -E 0 "$D/f" true
	assert_success
	run syskit lock -w 0 "$D/f" true
	assert_failure 75
}

@test "-w waits, then exits 75; a lock freed in time is taken" {
	bg syskit lock "$D/f" sleep 30
	wait_held "$D/f"
	run --separate-stderr syskit lock -w 0.2 "$D/f" true
	assert_failure 75
	assert_regex "${stderr_lines[0]}" "^syskit lock: $D/f is still busy after 0\.[0-9]*s: held by pid ${BG[0]}\$"
	run syskit lock -w 0.2 --conflict-exit 5 "$D/f" true
	assert_failure 5
	# the holder goes once the waiter is seen waiting (no race with a timer)
	bg syskit lock "$D/g" sleep 30
	wait_held "$D/g"
	bg sh -c 'exec syskit lock -v -w 10 "$1" echo got >"$2" 2>"$3"' sh \
	    "$D/g" "$D/out" "$D/err"
	wait_waiting "$D/g" 1
	kill -TERM "${BG[1]}"
	local st=0
	wait "${BG[2]}" || st=$?
	assert_equal "$st" 0
	run cat "$D/out"
	assert_output "got"
	run cat "$D/err"
	assert_output --regexp "^syskit lock: locked $D/g \(exclusive\) after [0-9.]*s \(held by pid ${BG[1]}\)\$"
}

# ---- interop with util-linux flock ----

@test "util-linux flock holds: lock -n is busy; lock waits for it" {
	bg flock "$D/f" sleep 30
	wait_held "$D/f"
	run syskit lock -n "$D/f" true
	assert_failure 75
	bg flock "$D/g" sleep 0.3
	wait_held "$D/g"
	run syskit lock -w 10 "$D/g" true
	assert_success
}

@test "lock holds: util-linux flock -n is busy; flock waits for it" {
	bg syskit lock "$D/f" sleep 30
	wait_held "$D/f"
	run flock -n "$D/f" true
	assert_failure 1
	run flock -n -E 42 "$D/f" true
	assert_failure 42
	bg syskit lock "$D/g" sleep 0.3
	wait_held "$D/g"
	run flock -w 10 "$D/g" true
	assert_success
}

# ---- shared ----

@test "shared locks coexist and exclude an exclusive one, both ways" {
	bg syskit lock -s "$D/f" sleep 30
	wait_held "$D/f"
	run syskit lock -s -n "$D/f" true
	assert_success
	run flock -s -n "$D/f" true
	assert_success
	run syskit lock -n "$D/f" true
	assert_failure 75
	run syskit lock -x -n "$D/f" true
	assert_failure 75
	run flock -x -n "$D/f" true
	assert_failure 1
	# an exclusive holder keeps shared ones out
	bg syskit lock -x "$D/g" sleep 30
	wait_held "$D/g"
	run syskit lock -s -n "$D/g" true
	assert_failure 75
	run --separate-stderr syskit lock --status "$D/f"
	assert_output --partial "held (shared) by pid ${BG[0]}"
}

# ---- descriptors ----

@test "--fd locks the shell's descriptor; the lock outlives lock; -u frees it" {
	run bash -c '
		exec 9>"$1"
		syskit lock -n --fd 9 || exit 10
		flock -n "$1" true && exit 11
		syskit lock -n "$1" true; [ $? = 75 ] || exit 12
		syskit lock -u --fd 9 || exit 13
		flock -n "$1" true || exit 14
		exit 0' bash "$D/f"
	assert_success
}

@test "--fd: busy is 75, a closed descriptor an error, -s shares" {
	bg flock "$D/f" sleep 30
	wait_held "$D/f"
	run bash -c 'exec 9>"$1"; syskit lock -n --fd 9' bash "$D/f"
	assert_failure 75
	assert_output "syskit lock: descriptor 9 is busy: held by pid ${BG[0]}"
	run bash -c 'exec 9>"$1"; syskit lock -w 0.1 --fd 9' bash "$D/f"
	assert_failure 75
	run --separate-stderr syskit lock --fd 77
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "syskit lock: descriptor 77 is not open"
	bg flock -s "$D/g" sleep 30
	wait_held "$D/g"
	run bash -c 'exec 9<"$1"; syskit lock -s -n --fd 9' bash "$D/g"
	assert_success
}

# ---- many contenders ----

@test "200 contenders incrementing a counter lose no increment" {
	local i
	echo 0 >"$D/count"
	for i in $(seq 200); do
		syskit lock "$D/f" "$LOCKWORK" count "$D/count" &
	done
	wait
	run cat "$D/count"
	assert_output 200
}

@test "--remove on every release: never two holders, the file gone at the end" {
	local i
	for i in $(seq 200); do
		syskit lock --remove "$D/f" "$LOCKWORK" span "$D/log" 0 &
	done
	wait
	run awk '$1 == "start" { if (cur != "") bad++; cur = $2 }
	    $1 == "end" { if (cur != $2) bad++; cur = "" }
	    END { print NR, bad + 0 }' "$D/log"
	assert_output "400 0"
	assert_file_not_exists "$D/f"
}

@test "--remove: a waiter whose file was removed starts again on the new one" {
	bg syskit lock --remove "$D/f" sleep 30
	wait_held "$D/f"
	# waits on the inode the first holder removes
	bg syskit lock -w 10 "$D/f" "$LOCKWORK" span "$D/log" 300
	wait_waiting "$D/f" 1
	kill -TERM "${BG[0]}"
	wait "${BG[0]}" || true
	# the first holder is gone and has removed the file; a newcomer
	# creates it again and must exclude the waiter
	run syskit lock -w 10 "$D/f" "$LOCKWORK" span "$D/log" 300
	assert_success
	wait "${BG[1]}"
	run awk '$1 == "start" { if (cur != "") bad++; cur = $2 }
	    $1 == "end" { if (cur != $2) bad++; cur = "" }
	    END { print NR, bad + 0 }' "$D/log"
	assert_output "4 0"
}

@test "a shared --remove leaves the file to the last shared holder" {
	bg syskit lock -s --remove "$D/f" sleep 30
	wait_held "$D/f"
	run syskit lock -s --remove "$D/f" true
	assert_success
	assert_file_exists "$D/f"
	kill "${BG[0]}"
	wait "${BG[0]}" || true
	assert_file_not_exists "$D/f"
}

# ---- --slots ----

@test "--slots 3: 30 contenders, never more than 3 inside, all finish" {
	local i
	for i in $(seq 30); do
		syskit lock --slots 3 "$D/sem" "$LOCKWORK" slot "$D/log" 50 &
	done
	wait
	run max_inside "$D/log"
	assert_output 3
	run grep -c out "$D/log"
	assert_output 30
}

@test "--slots: -n is busy when all are taken, free again after" {
	bg syskit lock --slots 2 "$D/sem" sleep 30
	bg syskit lock --slots 2 "$D/sem" sleep 30
	for i in $(seq 250); do
		[ "$(syskit lock --status --json "$D/sem" | $PY -c 'import json,sys; print(len({h["slot"] for h in json.load(sys.stdin)["holders"]}))')" = 2 ] && break
		sleep 0.02
	done
	run --separate-stderr syskit lock -n --slots 2 "$D/sem" true
	assert_failure 75
	assert_regex "${stderr_lines[0]}" "^syskit lock: $D/sem is busy: held by pid [0-9]+\$"
	run syskit lock -w 0.1 --slots 2 "$D/sem" true
	assert_failure 75
	run syskit lock -n --slots 3 "$D/sem" true
	assert_success
}

@test "--slots: a SIGKILLed holder's slot is taken over at once" {
	bg syskit lock --slots 1 "$D/sem" sh -c 'echo $$ >"$1"; exec sleep 30' sh "$D/cmd.pid"
	wait_file "$D/cmd.pid"
	bg syskit lock -w 20 --slots 1 "$D/sem" touch "$D/ran"
	wait_waiting "$D/sem" 1
	# the holder and its command die at once, no clean-up of theirs
	kill -9 "${BG[0]}" "$(cat "$D/cmd.pid")"
	local st=0
	wait "${BG[1]}" || st=$?
	assert_equal "$st" 0
	assert_file_exists "$D/ran"
}

# ---- supervision ----

@test "kill -9 of lock does not release the lock while the command runs" {
	bg syskit lock --pid "$D/f" sleep 30
	wait_file "$D/f"
	cp "$D/f" "$D/cmd.pid"
	kill -9 "${BG[0]}"
	wait "${BG[0]}" || true
	run --separate-stderr syskit lock -n "$D/f" true
	assert_failure 75
	# /proc/locks names the dead taker; the holder found is the command
	assert_equal "${stderr_lines[0]}" "syskit lock: $D/f is busy: held by pid $(cat "$D/cmd.pid")"
	run flock -n "$D/f" true
	assert_failure 1
	kill "$(cat "$D/cmd.pid")"
	for i in $(seq 250); do
		syskit lock -n "$D/f" true 2>/dev/null && break
		sleep 0.02
	done
	run syskit lock -n "$D/f" true
	assert_success
}

@test "--pid writes the command's pid, emptied when done" {
	# written as the command starts: it may run before the pid is there
	run syskit lock --pid "$D/f" sh -c 'while [ ! -s "$1" ]; do sleep 0.01; done; read p <"$1"; [ "$p" = $$ ] && echo same' sh "$D/f"
	assert_success
	assert_output same
	run stat -c %s "$D/f"
	assert_output 0
}

@test "a signal to lock goes to the command: TERM gives 143" {
	bg syskit lock --pid "$D/f" sleep 30
	wait_file "$D/f"
	kill -TERM "${BG[0]}"
	local st=0
	wait "${BG[0]}" || st=$?
	assert_equal "$st" 143
}

@test "what the command left is swept before the lock is let go" {
	run syskit lock "$D/f" sh -c 'sleep 30 & echo $! >"$1"' sh "$D/left.pid"
	assert_success
	run kill -0 "$(cat "$D/left.pid")"
	assert_failure
}

# ---- --status ----

@test "--status names the holder, text and JSON; exit 1 when free" {
	run syskit lock --status "$D/f"
	assert_failure 1
	assert_output "$D/f: free (no such file)"
	touch "$D/f"
	run syskit lock --status "$D/f"
	assert_failure 1
	assert_output "$D/f: free"
	bg syskit lock --pid "$D/f" sleep 30
	wait_file "$D/f"
	run syskit lock --status "$D/f"
	assert_success
	assert_output "$D/f: held (exclusive) by pid ${BG[0]} (syskit)"
	run syskit lock --status --json "$D/f"
	assert_success
	json_ok
	run jget 'd["held"], d["mode"], d["holders"][0]["pid"], d["holders"][0]["kind"], d["pid_file"] == int(open("'"$D/f"'").read()), d["since"] > 0'
	assert_output '[true, "exclusive", '"${BG[0]}"', "flock", true, true]'
}

@test "--status counts the waiters and names slot holders" {
	bg syskit lock "$D/f" sleep 30
	wait_held "$D/f"
	bg syskit lock "$D/f" true
	wait_waiting "$D/f" 1
	run syskit lock --status "$D/f"
	assert_output "$D/f: held (exclusive) by pid ${BG[0]} (syskit); 1 waiting"
	bg syskit lock --slots 2 "$D/sem" sleep 30
	wait_held "$D/sem"
	run syskit lock --status --json "$D/sem"
	run jget '[(h["kind"], h["slot"]) for h in d["holders"] if h["pid"] == '"${BG[2]}"']'
	assert_output '[["slot", 0]]'
}
