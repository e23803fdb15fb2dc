#!/usr/bin/env bats
# run: exit statuses, time limits and the whole tree, signals, environment
# and context, input and output, capture, retries, report, errors.
# `run` is also bats's own command, so the applet is called `syskit run`.

load helpers
bats_require_minimum_version 1.5.0

# alive PID: the process exists and is not a zombie
alive() {
	local st
	st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 1
	[ "$st" != Z ]
}

# delay_in LINE MIN MAX: the "retrying in Ns" of a -v line is in [MIN, MAX]
delay_in() {
	local d
	d=$(printf '%s\n' "$1" | sed -n 's/.*retrying in \([0-9.e-]*\)s$/\1/p')
	[ -n "$d" ] || { echo "no delay in: $1"; return 1; }
	awk -v d="$d" -v lo="$2" -v hi="$3" 'BEGIN { exit !(d >= lo && d <= hi) }' ||
	    { echo "delay $d not in [$2, $3]"; return 1; }
}

# lines FILE: base64 lines of about $2 bytes, so both streams have lines
lines() {
	head -c "$2" /dev/urandom | base64 -w 76 >"$1"
}

# ---- usage ----

@test "--help prints usage to stdout and exits 0" {
	run syskit run --help
	assert_success
	assert_line --index 0 --partial 'usage: run '
	run syskit run -h
	assert_success
}

@test "--help and the man page name the same long options" {
	local opts_help opts_man
	opts_help=$(syskit run --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
	opts_man=$(grep -oE 'Fl -[a-z][a-z-]*' "$TOP/man/run.1" |
	    sed 's/^Fl -/--/' | sort -u)
	assert_equal "$opts_help" "$opts_man"
}

@test "the link named run works too" {
	run "$SKBIN/run" -- sh -c 'exit 7'
	assert_failure 7
}

@test "no command is a usage error" {
	run --separate-stderr syskit run
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit run: no command"
}

@test "bad values exit 2 with one line" {
	local bad
	for bad in "--timeout abc" "--limit bogus=1" "--signal NOPE" \
	    "--kill-after -1" "--retries x" "--retries -1" "--umask 9" \
	    "--umask 12345" "--nice x" "--nice 99" "--capture-limit x" \
	    "--backoff 0.5" "--backoff x" "--retry-on 300" "--retry-on x" \
	    "--retry-delay 1y" "--pass-fd 2" "--pass-fd x" "--env NOEQUALS" \
	    "--env =x" "--unset A=B" "--timestamps=nope" "--limit nofile=5:2" \
	    "--limit nofile=" "--limit nofile"; do
		run --separate-stderr syskit run $bad -- true
		assert_failure 2
		assert_equal "${#stderr_lines[@]}" 1
		assert_equal "$output" ""
		[[ "${stderr_lines[0]}" == "syskit run: invalid --"* ]]
	done
	run --separate-stderr syskit run --merge --stderr /dev/null -- true
	assert_failure 2
	assert_equal "${#stderr_lines[@]}" 1
	run --separate-stderr syskit run --stdin /dev/null --input x -- true
	assert_failure 2
	assert_equal "${#stderr_lines[@]}" 1
}

# ---- exit statuses ----

@test "exit status: the command's own" {
	run syskit run -- true
	assert_success
	run syskit run -- false
	assert_failure 1
	run syskit run -- sh -c 'exit 42'
	assert_failure 42
	run syskit run -- sh -c 'exit 255'
	assert_failure 255
}

@test "exit status: 128+N when a signal ends the command" {
	run syskit run -- sh -c 'kill -KILL $$'
	assert_failure 137
	run syskit run -- sh -c 'kill -SEGV $$'
	assert_failure 139
	run syskit run -- sh -c 'kill -TERM $$'
	assert_failure 143
}

@test "exit status: 127 not found, from the exec errno, one line" {
	run -127 --separate-stderr syskit run -- syskit-no-such-command arg
	assert_failure 127
	assert_equal "$stderr" "syskit run: syskit-no-such-command: No such file or directory"
	run -127 --separate-stderr syskit run -- /nonexistent/cmd
	assert_failure 127
	assert_equal "${#stderr_lines[@]}" 1
	# a PATH with no such command in it
	run -127 --separate-stderr syskit run -i -e PATH=/nonexistent -- sh -c true
	assert_failure 127
}

@test "exit status: 126 found but not executable, one line" {
	local f=$BATS_TEST_TMPDIR/noexec
	echo 'echo hi' >"$f"
	chmod 644 "$f"
	run --separate-stderr syskit run -- "$f"
	assert_failure 126
	assert_equal "$stderr" "syskit run: $f: Permission denied"
	run --separate-stderr syskit run -- /
	assert_failure 126
	# a script without #! runs under /bin/sh, as execvp does
	chmod 755 "$f"
	run syskit run -- "$f"
	assert_success
	assert_output hi
}

@test "exit status: 125 when run cannot set the command up" {
	run --separate-stderr syskit run -C /nonexistent -- true
	assert_failure 125
	assert_equal "$stderr" "syskit run: cannot change directory to /nonexistent: No such file or directory"
	run --separate-stderr syskit run --stdout /nonexistent/x -- true
	assert_failure 125
	assert_equal "${#stderr_lines[@]}" 1
	run --separate-stderr syskit run --stdin /nonexistent -- true
	assert_failure 125
	run --separate-stderr syskit run --pass-fd 9 -- true
	assert_failure 125
	assert_equal "${#stderr_lines[@]}" 1
}

@test "-c/--shell runs a string with /bin/sh -c" {
	run syskit run -c 'echo "$0:$1:$2"' name a b
	assert_success
	assert_output 'name:a:b'
	run syskit run --shell 'exit 3'
	assert_failure 3
}

# ---- time limits ----

@test "--timeout: exit 124, promptly" {
	local t0=$SECONDS
	run syskit run -t 0.2 -- sleep 10
	assert_failure 124
	[ $((SECONDS - t0)) -lt 3 ]
	run syskit run --timeout 0.2s -- sleep 10
	assert_failure 124
	# a command that finishes in time is not affected
	run syskit run -t 5 -- sh -c 'exit 3'
	assert_failure 3
	# 0 means no limit
	run syskit run -t 0 -- true
	assert_success
}

@test "--timeout: 124 whatever the command then does" {
	run syskit run -t 0.2 -- sh -c 'trap "exit 0" TERM; sleep 10 & wait'
	assert_failure 124
	run syskit run -t 0.2 --preserve-status -- sh -c 'trap "exit 5" TERM; sleep 10 & wait'
	assert_failure 5
}

@test "--signal and --preserve-status" {
	run syskit run -t 0.2 --preserve-status -- sleep 10
	assert_failure 143
	run syskit run -t 0.2 -s KILL -- sleep 10
	assert_failure 124
	run syskit run -t 0.2 -s INT --preserve-status -- sleep 10
	assert_failure 130
	run syskit run -t 0.2 --signal SIGUSR1 --preserve-status -- sleep 10
	assert_failure 138
}

@test "--kill-after: KILL when the signal is ignored" {
	local t0=$SECONDS
	run syskit run -t 0.1 -k 0.2 --preserve-status -- sh -c 'trap "" TERM; sleep 10'
	assert_failure 137
	[ $((SECONDS - t0)) -lt 3 ]
	run syskit run -t 0.1 --kill-after 0.2 -- sh -c 'trap "" TERM; sleep 10'
	assert_failure 124
}

@test "timeout: a setsid escapee and a double-fork daemon are dead when run returns" {
	local d=$BATS_TEST_TMPDIR
	run syskit run -t 0.3 -- sh -c "
	    setsid sleep 30 & echo \$! >$d/escapee
	    (setsid sh -c 'sleep 31 & echo \$! >$d/daemon' &)
	    sleep 10"
	assert_failure 124
	wait_file "$d/escapee"
	wait_file "$d/daemon"
	! alive "$(cat "$d/escapee")"
	! alive "$(cat "$d/daemon")"
}

@test "normal exit: what lingers is killed; --keep-orphans leaves it" {
	local d=$BATS_TEST_TMPDIR
	run syskit run -- sh -c "
	    setsid sleep 30 & echo \$! >$d/escapee
	    (setsid sh -c 'sleep 31 & echo \$! >$d/daemon' &)
	    sleep 32 & echo \$! >$d/child
	    sleep 0.1; exit 3"
	assert_failure 3
	! alive "$(cat "$d/escapee")"
	! alive "$(cat "$d/daemon")"
	! alive "$(cat "$d/child")"
	# (the orphan must not hold bats's output pipe)
	run syskit run --keep-orphans -- sh -c "setsid sleep 30 >/dev/null 2>&1 & echo \$! >$d/kept"
	assert_success
	wait_file "$d/kept"
	alive "$(cat "$d/kept")"
	kill "$(cat "$d/kept")"
}

@test "the sweep: TERM first, KILL after --kill-after" {
	local d=$BATS_TEST_TMPDIR t0=$SECONDS
	run syskit run -k 0.2 -- sh -c "
	    (trap '' TERM; echo \$\$ >$d/stubborn; exec sleep 30) &
	    (trap 'echo term >$d/polite; exit 0' TERM; sleep 30 & wait) &
	    sleep 0.2"
	assert_success
	[ $((SECONDS - t0)) -lt 3 ]
	assert_equal "$(cat "$d/polite")" term
}

@test "without pidfds (SIGCHLD fallback): timeout and the sweep" {
	local d=$BATS_TEST_TMPDIR
	SYSKIT_NO_PIDFD=1 run syskit run -t 0.3 -- sh -c "setsid sleep 30 & echo \$! >$d/e; sleep 10"
	assert_failure 124
	! alive "$(cat "$d/e")"
	SYSKIT_NO_PIDFD=1 run syskit run -- sh -c 'exit 4'
	assert_failure 4
	SYSKIT_NO_PIDFD=1 run syskit run --capture -- sh -c 'echo out; exit 1'
	assert_failure 1
	assert_output out
}

@test "an older kernel: no pidfd_open, pidfd_send_signal, close_range" {
	local d=$BATS_TEST_TMPDIR nosys
	nosys=$(dirname "$SYSKIT_BIN")/nosys
	[ -x "$nosys" ] || skip "no $nosys (make builds it)"
	run "$nosys" pidfd_open,pidfd_send_signal,close_range syskit run -t 0.3 -- sh -c "
	    setsid sleep 30 & echo \$! >$d/e
	    (setsid sh -c 'sleep 31 & echo \$! >$d/daemon' &)
	    sleep 10"
	assert_failure 124
	! alive "$(cat "$d/e")"
	! alive "$(cat "$d/daemon")"
	run bash -c "exec 5</dev/null 7>/dev/null; $nosys close_range syskit run --pass-fd 7 -- ls /proc/self/fd"
	assert_success
	assert_equal "$(echo $output)" "0 1 2 3 7"
	run "$nosys" pidfd_open syskit run --capture -- sh -c 'echo out; exit 2'
	assert_failure 2
	assert_output out
}

# ---- signals ----

@test "signals: TERM to run reaches the command, exit 128+15" {
	local d=$BATS_TEST_TMPDIR pid rc=0
	syskit run -- sh -c "trap 'echo TERM >$d/seen; exit 143' TERM
	    echo ready >$d/ready; sleep 10 & wait" 3>&- &
	pid=$!
	wait_file "$d/ready"
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	assert_equal "$rc" 143
	assert_equal "$(cat "$d/seen")" TERM
	# a command that does not catch it dies of it: 143 too
	syskit run -- sh -c "echo ready >$d/r2; exec sleep 10" 3>&- &
	pid=$!
	wait_file "$d/r2"
	rc=0
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	assert_equal "$rc" 143
}

@test "signals: HUP, USR1, USR2, WINCH, QUIT are forwarded" {
	local d=$BATS_TEST_TMPDIR pid rc sig
	for sig in HUP USR1 USR2 WINCH QUIT; do
		rm -f "$d/ready" "$d/seen"
		syskit run -- sh -c "trap 'echo $sig >$d/seen; exit 0' $sig
		    echo ready >$d/ready; while :; do sleep 0.01; done" 3>&- &
		pid=$!
		wait_file "$d/ready"
		kill -"$sig" "$pid"
		rc=0
		wait "$pid" || rc=$?
		assert_equal "$rc" 0
		assert_equal "$(cat "$d/seen")" "$sig"
	done
}

@test "signals: a second INT escalates to KILL" {
	local d=$BATS_TEST_TMPDIR pid rc=0
	syskit run -- sh -c "trap '' INT TERM; echo ready >$d/ready; sleep 10" 3>&- &
	pid=$!
	wait_file "$d/ready"
	kill -INT "$pid"
	sleep 0.3
	kill -INT "$pid"
	wait "$pid" || rc=$?
	assert_equal "$rc" 137
}

@test "signals: the same TERM sent twice at once (coreutils timeout signals us and our group) is one request, not KILL" {
	local d=$BATS_TEST_TMPDIR pid rc=0 i
	# many tries: the two often arrive as one pending signal; a run that
	# reads the first before the second is sent is what this catches
	for i in $(seq 30); do
		rm -f "$d/ready"
		syskit run -- sh -c "trap 'exit 7' TERM; echo ready >$d/ready; while :; do sleep 0.01; done" 3>&- &
		pid=$!
		wait_file "$d/ready"
		kill -TERM "$pid"; kill -TERM "$pid" 2>/dev/null || true
		rc=0
		wait "$pid" || rc=$?
		assert_equal "$rc" 7
	done
}

@test "signals: the command's mask and dispositions are reset" {
	# bash's trap '' ignores PIPE (and others, not syskit's own) in run,
	# which must not pass them on
	run bash -c "trap '' PIPE INT XFSZ HUP; syskit run -- grep -E '^Sig(Ign|Blk)' /proc/self/status"
	assert_success
	assert_line --regexp '^SigIgn:[[:space:]]+0+$'
	assert_line --regexp '^SigBlk:[[:space:]]+0+$'
	run bash -c "trap '' PIPE; syskit run -- sh -c 'yes | head -n 1'"
	assert_success
	assert_output y
}

# ---- the process group and session ----

@test "the command has its own process group; --new-session; --foreground" {
	# /proc/PID/stat fields 5 and 6: process group, session
	run syskit run -- sh -c 'set -- $(cat /proc/$$/stat); [ "$5" = $$ ] && [ "$6" != $$ ]'
	assert_success
	run syskit run --new-session -- sh -c 'set -- $(cat /proc/$$/stat); [ "$6" = $$ ]'
	assert_success
	run syskit run --foreground -- sh -c 'set -- $(cat /proc/$$/stat); [ "$5" != $$ ]'
	assert_success
	run syskit run --foreground -t 0.2 -- sleep 10
	assert_failure 124
}

# ---- environment and context ----

@test "-e, -u, -i: the environment" {
	run syskit run -e FOO=bar -e 'EMPTY=' -- sh -c 'echo "$FOO:${EMPTY-unset}:${EMPTY:-empty}"'
	assert_output 'bar::empty'
	HOME_BEFORE=x run syskit run -u HOME_BEFORE -- sh -c 'echo "${HOME_BEFORE-unset}"'
	assert_output unset
	run syskit run --env A=1 --unset A -- sh -c 'echo "${A-unset}"'
	assert_output unset
	run syskit run --unset A --env A=2 -- sh -c 'echo "${A-unset}"'
	assert_output 2
}

@test "--clear-env: only -e, plus PATH unless unset" {
	run syskit run -i -e A=1 -- env
	assert_success
	assert_equal "$(printf '%s\n' "$output" | cut -d= -f1 | sort | tr '\n' ' ')" "A PATH "
	run syskit run --clear-env -u PATH -e A=1 -- /usr/bin/env
	assert_success
	assert_output 'A=1'
	run syskit run -i -- /usr/bin/env
	assert_output "PATH=$PATH"
}

@test "-C, --umask, -n" {
	run syskit run -C / -- pwd
	assert_output /
	run syskit run --cwd /tmp -- pwd
	assert_output /tmp
	run syskit run --umask 027 -- sh -c umask
	assert_output 0027
	run syskit run --umask 0 -- sh -c umask
	assert_output 0000
	run syskit run -n 7 -- sh -c 'set -- $(cat /proc/$$/stat); echo "${19}"'
	assert_output 7
	run syskit run --nice 3 -n 2 -- sh -c 'set -- $(cat /proc/$$/stat); echo "${19}"'
	assert_output 2
}

@test "--limit: the child sees its rlimits" {
	run syskit run --limit nofile=64 -- sh -c 'ulimit -n'
	assert_success
	assert_output 64
	run syskit run --limit nofile=64:128 -- sh -c 'echo $(ulimit -Sn) $(ulimit -Hn)'
	assert_output '64 128'
	run syskit run --limit nofile=50: -- sh -c 'ulimit -Sn'
	assert_output 50
	run syskit run --limit core=0 --limit fsize=1M -- sh -c 'echo $(ulimit -c) $(ulimit -f)'
	assert_output '0 2048'
	run syskit run --limit RLIMIT_STACK=4M -- sh -c 'ulimit -s'
	assert_output 4096
	run syskit run --limit as=unlimited -- sh -c 'ulimit -v'
	assert_output unlimited
	run syskit run --limit cpu=1s -- sh -c 'ulimit -t'
	assert_output 1
}

@test "fds above 2 are not passed on; --pass-fd passes one" {
	# bats has 3 open; 5 and 7 without close-on-exec; ls's own dir is 3
	run bash -c 'exec 5</dev/null 7>/dev/null; syskit run -- ls /proc/self/fd'
	assert_success
	assert_equal "$(echo $output)" "0 1 2 3"
	run bash -c 'exec 5</dev/null 7>/dev/null; syskit run --pass-fd 7 -- ls /proc/self/fd'
	assert_equal "$(echo $output)" "0 1 2 3 7"
	# nor when the output goes through pipes, or input comes from one
	run bash -c 'exec 5</dev/null; syskit run --tee /dev/null --input x -- ls /proc/self/fd'
	assert_equal "$(echo $output)" "0 1 2 3"
}

# ---- input and output ----

@test "--stdin, --input" {
	local f=$BATS_TEST_TMPDIR/in
	printf 'from a file\n' >"$f"
	run syskit run --stdin "$f" -- cat
	assert_output 'from a file'
	run syskit run --input 'a string' -- cat
	assert_output 'a string'
	# a command that does not read its input does not block run
	run syskit run --input "$(head -c 120000 /dev/zero | tr '\0' x)" -- true
	assert_success
	run syskit run --input big -- sh -c 'exec 0<&-; sleep 0.05; exit 2'
	assert_failure 2
}

@test "--stdout, --stderr, --append, --merge" {
	local d=$BATS_TEST_TMPDIR
	run syskit run --stdout "$d/o" --stderr "$d/e" -- sh -c 'echo out; echo err >&2'
	assert_success
	assert_output ''
	assert_equal "$(cat "$d/o")" out
	assert_equal "$(cat "$d/e")" err
	run syskit run --stdout "$d/o" --append -- echo more
	assert_equal "$(cat "$d/o")" "$(printf 'out\nmore')"
	run syskit run --stdout "$d/o" -- echo fresh
	assert_equal "$(cat "$d/o")" fresh
	run syskit run --stdout "$d/m" --merge -- sh -c 'echo 1; echo 2 >&2; echo 3'
	assert_equal "$(cat "$d/m")" "$(printf '1\n2\n3')"
	run --separate-stderr syskit run --merge -- sh -c 'echo a >&2'
	assert_output a
	assert_equal "$stderr" ''
	# one file for both: one offset, nothing overwritten
	run syskit run --stdout "$d/b" --stderr "$d/b" -- sh -c 'echo 1; echo 2 >&2; echo 3'
	assert_equal "$(cat "$d/b")" "$(printf '1\n2\n3')"
}

@test "--capture: silent on success, everything on failure or timeout" {
	run --separate-stderr syskit run --capture -- sh -c 'echo out; echo err >&2'
	assert_success
	assert_output ''
	assert_equal "$stderr" ''
	run --separate-stderr syskit run --capture -- sh -c 'echo out; echo err >&2; echo out2; exit 3'
	assert_failure 3
	assert_equal "$output" "$(printf 'out\nout2')"
	assert_equal "$stderr" err
	run --separate-stderr syskit run --capture -t 0.2 -- sh -c 'echo before; sleep 10'
	assert_failure 124
	assert_output before
	# order across the streams is kept
	run syskit run --capture -- sh -c 'echo 1; sleep 0.02; echo 2 >&2; sleep 0.02; echo 3; exit 1'
	assert_equal "$output" "$(printf '1\n2\n3')"
}

@test "10 MB stdout + 10 MB stderr interleaved: --capture and --tee lose no byte" {
	local d=$BATS_TEST_TMPDIR cmd
	lines "$d/f1" 7500000
	lines "$d/f2" 7500000
	cmd="cat $d/f1 & cat $d/f2 >&2; wait"
	# held in memory, and spilled to a temp file beyond --capture-limit
	for lim in 16M 1M 0; do
		rm -f "$d/o1" "$d/o2"
		timeout 30 syskit run --capture --capture-limit "$lim" -- sh -c "$cmd; exit 1" \
		    >"$d/o1" 2>"$d/o2" || [ $? = 1 ]
		assert_equal "$(sha256sum <"$d/o1")" "$(sha256sum <"$d/f1")"
		assert_equal "$(sha256sum <"$d/o2")" "$(sha256sum <"$d/f2")"
	done
	# passed through and copied
	timeout 30 syskit run --tee "$d/t" -- sh -c "$cmd" >"$d/o1" 2>"$d/o2"
	assert_equal "$(sha256sum <"$d/o1")" "$(sha256sum <"$d/f1")"
	assert_equal "$(sha256sum <"$d/o2")" "$(sha256sum <"$d/f2")"
	assert_equal "$(stat -c %s "$d/t")" $(( $(stat -c %s "$d/f1") + $(stat -c %s "$d/f2") ))
	# through a pipe that is read slowly at first
	timeout 30 syskit run --tee "$d/t" -- sh -c "$cmd" 2>"$d/o2" | { sleep 0.2; cat >"$d/o1"; }
	assert_equal "$(sha256sum <"$d/o1")" "$(sha256sum <"$d/f1")"
	# tagged lines in the tee file give both streams back
	timeout 30 syskit run --prefix --tee "$d/t" -- sh -c "$cmd" >/dev/null 2>&1
	assert_equal "$(sed -n 's/^\[out\] //p' "$d/t" | sha256sum)" "$(sha256sum <"$d/f1")"
	assert_equal "$(sed -n 's/^\[err\] //p' "$d/t" | sha256sum)" "$(sha256sum <"$d/f2")"
}

@test "--tee: both streams to the file, passed through" {
	local d=$BATS_TEST_TMPDIR
	run --separate-stderr syskit run --tee "$d/t" -- sh -c 'echo out; sleep 0.02; echo err >&2'
	assert_success
	assert_output out
	assert_equal "$stderr" err
	assert_equal "$(cat "$d/t")" "$(printf 'out\nerr')"
	run syskit run --tee "$d/t" --append -- echo again
	assert_equal "$(tail -n 1 "$d/t")" again
	assert_equal "$(wc -l <"$d/t")" 3
	# with --capture: the file has it all, the terminal only on failure
	run syskit run --tee "$d/t" --capture -- echo quiet
	assert_output ''
	assert_equal "$(cat "$d/t")" quiet
}

@test "--prefix, --timestamps: tagged lines" {
	run --separate-stderr syskit run --prefix -- sh -c 'echo out; echo err >&2; printf partial'
	assert_equal "$output" "$(printf '[out] out\n[out] partial')"
	assert_equal "$stderr" '[err] err'
	run syskit run --timestamps -- sh -c 'echo a; echo b'
	assert_line --index 0 --regexp '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z a$'
	assert_line --index 1 --regexp 'Z b$'
	run syskit run --timestamps=relative --prefix -- sh -c 'echo a; sleep 0.1; echo b'
	assert_line --index 0 --regexp '^0\.[0-9]{6} \[out\] a$'
	assert_line --index 1 --regexp '^0\.[1-9][0-9]{5} \[out\] b$'
	run syskit run --prefix --merge -- sh -c 'echo a >&2'
	assert_output '[out] a'
	# an empty line is a line
	run syskit run --prefix -- printf 'x\n\ny\n'
	assert_equal "$output" "$(printf '[out] x\n[out] \n[out] y')"
}

@test "issue 14: --prefix and --timestamps copy lines of every length byte-exact" {
	local d="$BATS_TEST_TMPDIR"
	# lengths 0..140 around the short-copy paths (bytes, 4, 8, words,
	# 64), the 16-byte newline scan, then a few long ones
	awk 'BEGIN { for (n = 0; n <= 140; n++) { s = ""
		for (i = 0; i < n; i++) s = s sprintf("%c", 33 + (n + i) % 90)
		print s }
		for (n = 1000; n <= 70000; n *= 4) { s = "z"
		while (length(s) < n) s = s s
		print substr(s, 1, n) } }' >"$d/in"
	sed 's/^/[out] /' "$d/in" >"$d/want"
	syskit run --prefix -- cat "$d/in" >"$d/got"
	cmp "$d/want" "$d/got"
	syskit run --timestamps --prefix -- cat "$d/in" >"$d/ts"
	sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}Z //' "$d/ts" >"$d/got"
	cmp "$d/want" "$d/got"
}

@test "a closed output ends the command with SIGPIPE, through run too" {
	run bash -c 'syskit run -- yes | head -n 2'
	assert_success
	assert_output "$(printf 'y\ny')"
	run bash -c 'timeout 10 syskit run --prefix -- yes | head -n 2; echo "${PIPESTATUS[0]}"'
	assert_line --index 0 '[out] y'
	assert_line --index 2 141
}

# ---- retries ----

@test "--retries: fails twice, then succeeds" {
	local d=$BATS_TEST_TMPDIR
	run --separate-stderr syskit run -v -r 3 --retry-delay 0.01 -- sh -c "
	    echo x >>$d/n; [ \$(wc -l <$d/n) -ge 3 ]"
	assert_success
	assert_equal "$(wc -l <"$d/n")" 3
	assert_equal "${stderr_lines[0]}" 'syskit run: attempt 1 of 4: exit 1; retrying in 0.01s'
	assert_equal "${stderr_lines[1]}" 'syskit run: attempt 2 of 4: exit 1; retrying in 0.01s'
	[[ "${stderr_lines[2]}" == "syskit run: exit 0 after 3 attempts;"* ]]
}

@test "--retries: gives up with the last status" {
	local d=$BATS_TEST_TMPDIR
	run syskit run --retries 2 --retry-delay 0 -- sh -c "echo x >>$d/n; exit 4"
	assert_failure 4
	assert_equal "$(wc -l <"$d/n")" 3
	# exec failures are not retried
	run -127 syskit run -r 2 --retry-delay 0 -- syskit-no-such-command
	assert_failure 127
}

@test "--retry-on: codes, ranges, timeout, signal" {
	local d=$BATS_TEST_TMPDIR
	run syskit run -r 2 --retry-delay 0 --retry-on 3,5-6 -- sh -c "echo x >>$d/a; exit 4"
	assert_failure 4
	assert_equal "$(wc -l <"$d/a")" 1
	run syskit run -r 2 --retry-delay 0 --retry-on 3,5-6 -- sh -c "echo x >>$d/b; exit 6"
	assert_failure 6
	assert_equal "$(wc -l <"$d/b")" 3
	run syskit run -r 1 --retry-delay 0 --retry-on timeout -t 0.1 -- sh -c "echo x >>$d/c; sleep 10"
	assert_failure 124
	assert_equal "$(wc -l <"$d/c")" 2
	run syskit run -r 1 --retry-delay 0 --retry-on 1 -t 0.1 -- sh -c "echo x >>$d/e; sleep 10"
	assert_failure 124
	assert_equal "$(wc -l <"$d/e")" 1
	run syskit run -r 1 --retry-delay 0 --retry-on signal -- sh -c "echo x >>$d/s; kill -KILL \$\$"
	assert_failure 137
	assert_equal "$(wc -l <"$d/s")" 2
}

@test "--retries: --stdin and --input are replayed on every attempt" {
	local d=$BATS_TEST_TMPDIR
	printf 'abc\n' >"$d/in"
	run syskit run -r 2 --retry-delay 0 --stdin "$d/in" -- sh -c "cat >>$d/got1; exit 1"
	assert_equal "$(cat "$d/got1")" "$(printf 'abc\nabc\nabc')"
	run syskit run -r 2 --retry-delay 0 --input xyz -- sh -c "cat >>$d/got2; echo >>$d/got2; exit 1"
	assert_equal "$(cat "$d/got2")" "$(printf 'xyz\nxyz\nxyz')"
	# a pipe as --stdin is kept for the replays
	printf 'p\n' | syskit run -r 1 --retry-delay 0 --stdin /dev/stdin -- sh -c "cat >>$d/got3; exit 1" || true
	assert_equal "$(cat "$d/got3")" "$(printf 'p\np')"
}

@test "--backoff: delays grow, with jitter" {
	local d=$BATS_TEST_TMPDIR
	run --separate-stderr syskit run -v -r 3 --retry-delay 0.01 --backoff 2 -- false
	assert_failure 1
	# 0.01s, then 0.02s, then 0.04s, each within 0.8 to 1.2 of that
	delay_in "${stderr_lines[0]}" 0.008 0.012
	delay_in "${stderr_lines[1]}" 0.016 0.024
	delay_in "${stderr_lines[2]}" 0.032 0.048
}

@test "a signal between attempts stops the retries" {
	local d=$BATS_TEST_TMPDIR pid rc=0
	syskit run -r 5 --retry-delay 10 -- sh -c "echo x >>$d/n; exit 1" 3>&- &
	pid=$!
	wait_file "$d/n"
	sleep 0.1
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	assert_equal "$rc" 1
	assert_equal "$(wc -l <"$d/n")" 1
}

# ---- report ----

@test "--report: one JSON object with the fields" {
	local r=$BATS_TEST_TMPDIR/r.json
	run syskit run --report "$r" -- sh -c 'head -c 4000000 /dev/zero | cat >/dev/null; exit 3'
	assert_failure 3
	output=$(cat "$r")
	json_ok
	run jget 'd["argv"]'
	assert_output '["sh", "-c", "head -c 4000000 /dev/zero | cat >/dev/null; exit 3"]'
	output=$(cat "$r")
	run jget 'd["exit_code"], d["signal"], d["killed_by"], d["timed_out"], d["attempts"]'
	assert_output '[3, null, null, false, 1]'
	output=$(cat "$r")
	# without a cgroup file system (a chroot) the peak is null, and says why
	run jget 'sorted(k for k in d.keys() if k != "cgroup_memory_peak_error")'
	assert_output '["argv", "attempts", "block_in", "block_out", "cgroup_memory_peak", "end", "exit_code", "involuntary_switches", "killed_by", "major_faults", "max_rss", "minor_faults", "pid", "signal", "start", "system_seconds", "timed_out", "user_seconds", "voluntary_switches", "wall_seconds"]'
	output=$(cat "$r")
	run jget 'isinstance(d["cgroup_memory_peak"], int) or isinstance(d.get("cgroup_memory_peak_error"), str)'
	assert_output True
	output=$(cat "$r")
	run jget 'd["end"] >= d["start"] > 1.6e9 and 0 < d["wall_seconds"] < 30 and d["max_rss"] > 100000 and d["minor_faults"] > 0 and d["user_seconds"] >= 0 and d["system_seconds"] >= 0'
	assert_output True
}

@test "--report: timeout, signal, not found, to stderr" {
	local r=$BATS_TEST_TMPDIR/r.json
	run syskit run --report "$r" -t 0.1 -- sleep 10
	output=$(cat "$r")
	run jget 'd["exit_code"], d["signal"], d["killed_by"], d["timed_out"]'
	assert_output '[124, 15, "TERM", true]'
	run syskit run --report "$r" -- sh -c 'kill -USR2 $$'
	output=$(cat "$r")
	run jget 'd["exit_code"], d["signal"], d["killed_by"], d["timed_out"]'
	assert_output '[140, 12, "USR2", false]'
	run -127 syskit run --report "$r" -r 1 --retry-delay 0 -- syskit-no-such-command
	output=$(cat "$r")
	run jget 'd["exit_code"], d["attempts"], d["pid"], d["error"]'
	assert_output '[127, 1, null, "syskit-no-such-command: No such file or directory"]'
	run --separate-stderr syskit run --report - -- true
	assert_success
	output=$stderr
	json_ok
	run jget 'd["exit_code"]'
	assert_output 0
}

@test "-v: a one-line summary on stderr" {
	run --separate-stderr syskit run -v -- sh -c 'echo out'
	assert_success
	assert_output out
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "$stderr" '^syskit run: exit 0 after 1 attempt; [0-9.]+s wall, [0-9.]+s user, [0-9.]+s system, max RSS [0-9.]+ [KMG]iB, faults [0-9]+ minor [0-9]+ major, switches [0-9]+ voluntary [0-9]+ involuntary, blocks [0-9]+ in [0-9]+ out$'
	run --separate-stderr syskit run -v -t 0.1 -- sleep 10
	assert_failure 124
	assert_regex "$stderr" '^syskit run: timed out after 1 attempt;'
}

# ---- hardening: issue 8's run items ----

# pipe_status CMD...: run "CMD | head -1" bounded by 10 s; $status is the
# exit status of CMD (124 or 137: it hung and the bound ended it)
pipe_status() {
	run bash -c 'timeout -k 1 10 "$@" | head -1 >/dev/null; exit ${PIPESTATUS[0]}' _ "$@"
}

@test "issue 8.1: a closed stdout ends the command with SIGPIPE in every output mode (141)" {
	local d=$BATS_TEST_TMPDIR m
	for m in "" "--prefix" "--timestamps" "--timestamps=relative" \
	    "--tee $d/t.log" "--tee $d/t.log --prefix" "--merge --tee $d/t.log" \
	    "--stdout /dev/stdout --tee $d/t.log" "--merge" \
	    "--tee $d/t.log --append"; do
		# shellcheck disable=SC2086
		pipe_status syskit run $m -- yes
		assert_equal "$m: $status" "$m: 141"
	done
	# the tee file got what was read before the reader went, no more
	[ "$(stat -c %s "$d/t.log")" -lt 100000000 ]
	# --capture prints only at the end: the replay meets EPIPE quietly
	pipe_status syskit run --capture -- sh -c 'seq 100000; exit 3'
	assert_equal "$status" 3
}

@test "issue 8.2: SIGCONT after the timeout signal: a stopped command still ends (124)" {
	run timeout -k 1 10 syskit run -t 0.2 -k 0 -- sh -c 'kill -STOP $$'
	assert_failure 124
	run timeout -k 1 10 syskit run -t 0.2 -k 0 --foreground -- sh -c 'kill -STOP $$'
	assert_failure 124
}

@test "issue 8.2: a command stopped by SIGTTIN (reads the terminal from the background) ends at the timeout" {
	command -v script >/dev/null || skip "no script(1) to make a terminal"
	run timeout -k 1 10 script -qec "$SKBIN/syskit run -t 0.3 -k 0 -- cat" /dev/null
	assert_failure 124
}

@test "issue 8.2: SIGCONT after a forwarded signal" {
	local d=$BATS_TEST_TMPDIR pid rc=0
	timeout -k 1 10 syskit run -- sh -c 'echo $$ >'"$d/pid"'; kill -STOP $$; sleep 10' &
	pid=$!
	wait_file "$d/pid"
	for _ in $(seq 200); do
		[ "$(cut -d' ' -f3 "/proc/$(cat "$d/pid")/stat")" = T ] && break
		sleep 0.01
	done
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	assert_equal "$rc" 143
}

@test "issue 8.2: the sweep continues a stopped leftover, no wait for --kill-after" {
	run timeout -k 1 10 syskit run -k 30 -- sh -c 'sh -c "kill -STOP \$\$; sleep 30" & sleep 0.2; exit 5'
	assert_failure 5
}

@test "issue 8.4: --stdout, --stderr and --tee naming one file by two paths or a symlink lose nothing" {
	local d=$BATS_TEST_TMPDIR
	local cmd='echo out1; echo err1 >&2; echo out2'
	syskit run --stdout "$d/same.log" --stderr "$d/./same.log" -- sh -c "$cmd"
	assert_equal "$(cat "$d/same.log")" "$(printf 'out1\nerr1\nout2')"
	ln -s same.log "$d/link"
	syskit run --stdout "$d/same.log" --stderr "$d/link" -- sh -c "$cmd"
	assert_equal "$(cat "$d/same.log")" "$(printf 'out1\nerr1\nout2')"
	syskit run --stdout "$d/link" --stderr "$d/same.log" --prefix -- sh -c "$cmd"
	assert_equal "$(sort "$d/same.log")" "$(printf '[err] err1\n[out] out1\n[out] out2')"
	# --tee against --stdout: both copies land, in order
	syskit run --stdout "$d/same.log" --tee "$d/link" -- echo hi
	assert_equal "$(cat "$d/same.log")" "$(printf 'hi\nhi')"
	# --tee against our own redirected stdout
	syskit run --tee "$d/link" -- echo hi >"$d/same.log"
	assert_equal "$(cat "$d/same.log")" "$(printf 'hi\nhi')"
}

@test "issue 8.5: a write error on an output run owns exits 1 (the command's failure wins)" {
	[ -w /dev/full ] || skip "no /dev/full"
	run --separate-stderr syskit run --tee /dev/full -- echo hi
	assert_failure 1
	assert_output hi
	assert_equal "$stderr" "syskit run: write error: /dev/full: No space left on device"
	run --separate-stderr syskit run --tee /dev/full -- sh -c 'echo hi; exit 3'
	assert_failure 3
	run --separate-stderr syskit run --prefix --stdout /dev/full -- echo hi
	assert_failure 1
	run --separate-stderr syskit run --capture --stdout /dev/full -- sh -c 'echo hi; exit 4'
	assert_failure 4
	run --separate-stderr syskit run --report /dev/full -- true
	assert_failure 125
}

@test "issue 8.7: --merge gives exact order under --capture; without it, each stream in order" {
	local cmd='for i in 1 2 3; do echo out$i; echo err$i >&2; done; exit 1'
	run syskit run --capture --merge -- sh -c "$cmd"
	assert_failure 1
	assert_output "$(printf 'out1\nerr1\nout2\nerr2\nout3\nerr3')"
	run --separate-stderr syskit run --capture -- sh -c "$cmd"
	assert_failure 1
	assert_output "$(printf 'out1\nout2\nout3')"
	assert_equal "$stderr" "$(printf 'err1\nerr2\nerr3')"
	grep -q 'exact order' "$TOP/man/run.1"
}

@test "issue 8.9: user text in run's messages reaches the terminal escaped" {
	local d=$BATS_TEST_TMPDIR esc=$'\e]0;pwned\a'
	run -127 --separate-stderr syskit run -- "x$esc"
	[[ "$stderr" != *$'\e'* && "$stderr" != *$'\a'* ]]
	assert_equal "$stderr" 'syskit run: x\033]0;pwned\a: No such file or directory'
	run --separate-stderr syskit run --stdout "$d/no/such$esc" -- true
	assert_failure 125
	[[ "$stderr" != *$'\e'* ]]
	assert_regex "$stderr" 'cannot open .*no/such\\033\]0;pwned\\a'
	run --separate-stderr syskit run -C "/no/such$esc" -- true
	[[ "$stderr" != *$'\e'* ]]
	run --separate-stderr syskit run -t "1$esc" -- true
	assert_failure 2
	[[ "$stderr" != *$'\e'* ]]
	run --separate-stderr syskit run --stdin "/no$esc" -- true
	[[ "$stderr" != *$'\e'* ]]
}

@test "issue 8.9: --report keeps arguments that are not UTF-8 in argv_b64" {
	local r=$BATS_TEST_TMPDIR/r.json
	syskit run --report "$r" -- printf '%s' $'a\xff\xfeb' >/dev/null
	output=$(cat "$r")
	json_ok
	run jget '[__import__("base64").b64decode(x).hex() for x in d["argv_b64"]][-1]'
	assert_output 61fffe62
	output=$(cat "$r")
	run jget 'len(d["argv_b64"]) == len(d["argv"])'
	assert_output True
	syskit run --report "$r" -- printf '%s' 'héllo' >/dev/null
	output=$(cat "$r")
	run jget '"argv_b64" in d'
	assert_output False
}

@test "issue 8.9: --prefix and --timestamps tag a line over 64 KiB once" {
	run bash -c 'syskit run --prefix -- sh -c "head -c 200000 /dev/zero | tr \"\\0\" x; echo; echo short" | grep -o "\[out\] " | wc -l'
	assert_output 2
	run bash -c 'syskit run --timestamps=relative -- sh -c "head -c 200000 /dev/zero | tr \"\\0\" x; echo" | wc -c'
	[ "$output" -lt 200020 ]
}

@test "issue 8.12: durations as coreutils timeout takes them" {
	local t
	for t in .5 1e-1 0x1p-3 .1s 1e2ms 0.001m inf infinity 1e400; do
		run syskit run -t "$t" -- true
		assert_equal "$t: $status" "$t: 0"
	done
	run timeout -k 1 10 syskit run -t .2 -- sleep 10
	assert_failure 124
	run timeout -k 1 10 syskit run -t 2e-1 -k 0x1p-3 -- sh -c 'trap "" TERM; sleep 10'
	assert_failure 124
	run --separate-stderr syskit run -t nan -- true
	assert_failure 2
	run --separate-stderr syskit run -t -.5 -- true
	assert_failure 2
}

@test "issue 8.12: signal 0 / EXIT: only --kill-after acts" {
	run timeout -k 1 10 syskit run -s 0 -t 0.1 -k 0.1 -- sleep 10
	assert_failure 137
	run timeout -k 1 10 syskit run -s EXIT -t 0.1 -k 0.1 -- sleep 10
	assert_failure 137
	run timeout -k 1 10 syskit run --signal=SIGEXIT -t 0.1 -- sh -c 'sleep 0.3; exit 3'
	assert_failure 124
}

# coreutils tests/timeout/timeout.sh, with `timeout D CMD` read as
# `syskit run -t D -- CMD`

@test "coreutils timeout.sh: no timeout; 1d suffix; 0 disables" {
	syskit run -t 10 -- true
	syskit run -t 1d -- true
	syskit run -t 0 -- true
}

@test "coreutils timeout.sh: exit status propagation (2)" {
	run syskit run -t 10 -- sh -c 'exit 2'
	assert_failure 2
}

@test "coreutils timeout.sh: timeout .1 sleep 10 returns 124" {
	run syskit run -t .1 -- sleep 10
	assert_failure 124
}

@test "coreutils timeout.sh: --preserve-status returns 128+TERM" {
	run syskit run --preserve-status -t .1 -- sleep 10
	assert_failure 143
}

@test "coreutils timeout.sh: -s0 -k1 .1 sleep 10 is not 124 but 128+KILL, also --foreground" {
	run syskit run -s0 -k1 -t .1 -- sleep 10
	assert_failure 137
	run syskit run --foreground -s0 -k1 -t .1 -- sleep 10
	assert_failure 137
}

@test "coreutils timeout.sh: immune to the parent's SIGCHLD handler (trap '' CHLD)" {
	run sh -c "trap '' CHLD; exec syskit run -t 10 -- true"
	assert_success
	run sh -c "trap '' CHLD; exec syskit run -t .1 -- sleep 10"
	assert_failure 124
}

@test "coreutils timeout.sh: starting off with a child (Bug#9098)" {
	local out rc=0
	out=$(sleep .1 & exec syskit run -t .5 -- sh -c 'sleep 2; echo foo') || rc=$?
	assert_equal "$out" ""
	assert_equal "$rc" 124
}

# coreutils tests/timeout/timeout-parameters.sh: its 125 for a usage error
# is 2 here by design (run(1), EXIT STATUS)

@test "coreutils timeout-parameters.sh: invalid timeout, kill delay, suffix, signal exit 2" {
	run syskit run -t invalid -- sleep 0
	assert_failure 2
	run syskit run --kill-after=invalid -t 1 -- sleep 0
	assert_failure 2
	run syskit run -t 42D -- sleep 0
	assert_failure 2
	run syskit run --signal=invalid -t 1 -- sleep 0
	assert_failure 2
}

@test "coreutils timeout-parameters.sh: floating point, nanoseconds" {
	syskit run -t 10.34 -- sleep 0
	syskit run -t 9.999999999 -- sleep 0
}

@test "coreutils timeout-parameters.sh: 126 cannot run, 127 not found" {
	run syskit run -t 10 -- .
	assert_failure 126
	run -127 syskit run -t 10 -- no_such
}

# ---- issue 14: the capture's memory and its spill ----

# capture_traced TMPDIR FILE: `syskit run --capture --capture-limit 1M` of a
# command that prints FILE and fails (exit 3), under strace (its opens and
# memfds in $d/trace); its stdout must be FILE's bytes, its stderr empty.
capture_traced() {
	local rc=0
	# LeakSanitizer cannot run under ptrace (the ASan build aborts): no
	# leak check in this traced run
	TMPDIR=$1 ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    strace -f -qq -o "$d/trace" -e trace=open,openat,memfd_create \
	    syskit run --capture --capture-limit 1M -- sh -c "cat $2; exit 3" \
	    >"$d/out" 2>"$d/err" || rc=$?
	assert_equal "$rc" 3
	cmp "$2" "$d/out"
	assert_equal "$(cat "$d/err")" ""
}

@test "issue 14: --capture holds what fits in memory and opens no file; past --capture-limit it spills, byte-exact" {
	local d=$BATS_TEST_TMPDIR rc
	head -c 300000 /dev/urandom >"$d/small"
	head -c 5000000 /dev/urandom >"$d/big"
	mkdir "$d/tmp"
	# under the limit: TMPDIR names no directory, and no temp file, memfd
	# or O_TMPFILE is ever opened
	capture_traced "$d/none" "$d/small"
	run grep -E 'O_TMPFILE|memfd_create|/none|syskit\.' "$d/trace"
	assert_failure 1
	# past the limit: the rest goes to an unlinked O_TMPFILE in TMPDIR
	capture_traced "$d/tmp" "$d/big"
	run grep -c "\"$d/tmp\", .*O_TMPFILE" "$d/trace"
	assert_output 1
	assert_equal "$(ls -A "$d/tmp")" ""
	# and it is the spill that needs TMPDIR: without one, bytes are lost
	rc=0
	TMPDIR=$d/none syskit run --capture --capture-limit 1M -- sh -c "cat $d/big; exit 3" \
	    >"$d/out" 2>"$d/err" || rc=$?
	assert_equal "$rc" 3
	run cat "$d/err"
	assert_output --partial 'bytes of output were lost'
}

@test "issue 14: a stream that fills each read is read on, not one epoll_wait per 64 KiB" {
	local d=$BATS_TEST_TMPDIR rc=0 reads waits
	command -v strace >/dev/null || skip "no strace (tests/deps/run.debian)"
	mkdir "$d/tmp"
	# syskit alone is traced (no -f), so it is the slow side and the
	# command keeps its pipe full: every read can take a whole chunk
	TMPDIR=$d/tmp ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    strace -qq -o "$d/trace" -e trace=read,epoll_wait,epoll_pwait \
	    syskit run --capture -- sh -c 'head -c 32M /dev/zero; exit 3' \
	    >"$d/out" 2>"$d/err" || rc=$?
	assert_equal "$rc" 3
	assert_equal "$(wc -c <"$d/out")" 33554432
	assert_equal "$(tr -d '\0' <"$d/out" | wc -c)" 0
	reads=$(grep -c '^read(.*= 65536$' "$d/trace" || true)
	waits=$(grep -c '^epoll_p*wait(' "$d/trace" || true)
	echo "full reads $reads, epoll waits $waits"
	[ "$reads" -ge 400 ]
	[ "$((waits * 4))" -lt "$reads" ]
}

# ---- issue 14: libbsd only for the pidfile ----

@test "issue 14: only a pidfile loads libbsd; without it --pidfile fails in one line, the rest works" {
	local d=$BATS_TEST_TMPDIR lib pid
	if ! LC_ALL=C readelf -l "$SYSKIT_BIN" | grep -q 'program interpreter'; then
		# the static build links libbsd in: nothing to load
		run syskit run --daemon --pidfile "$d/s.pid" -- sleep 30
		assert_success
		run syskit run --stop "$d/s.pid"
		assert_success
		return 0
	fi
	# a start that opens no pidfile maps no libbsd
	syskit run -- sleep 30 &
	pid=$!
	sleep 0.2
	run grep -c libbsd "/proc/$pid/maps"
	assert_output 0
	kill "$pid"
	wait "$pid" || true
	# with libbsd hidden (a private mount namespace): --pidfile says why,
	# exit 1, no pidfile; everything else still runs
	lib=$(readlink -f /lib/x86_64-linux-gnu/libbsd.so.0 2>/dev/null ||
	    readlink -f /usr/lib/libbsd.so.0)
	[ -f "$lib" ] || skip "no libbsd.so.0 on this machine"
	unshare -m true 2>/dev/null ||
	    skip "no private mount namespace here (a chroot): the maps part ran"
	run unshare -m sh -c "mount --bind /dev/null '$lib' &&
	    exec '$SYSKIT_BIN' run --daemon --pidfile '$d/x.pid' -- sleep 30"
	assert_failure 1
	assert_output --regexp "^syskit run: cannot open $d/x.pid: libbsd: .*libbsd.so.0"
	assert_equal "${#lines[@]}" 1
	assert_file_not_exists "$d/x.pid"
	run unshare -m sh -c "mount --bind /dev/null '$lib' && exec '$SYSKIT_BIN' run -- echo fine"
	assert_success
	assert_output fine
	# and with it, the daemon's supervisor has it loaded
	run syskit run --daemon --pidfile "$d/y.pid" -- sleep 30
	assert_success
	pid=$(cat "$d/y.pid")
	run grep -c libbsd "/proc/$(cut -d' ' -f4 "/proc/$pid/stat")/maps"
	refute_output 0
	run syskit run --stop "$d/y.pid"
	assert_success
}
