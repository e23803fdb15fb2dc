#!/usr/bin/env bats
# timeout, the compat name: coreutils' own test cases (tests/timeout/*.sh:
# timeout.sh, timeout-parameters.sh, timeout-large-parameters.sh,
# timeout-group.sh, timeout-blocked.pl), each run against the installed
# original (/usr/bin/timeout, coreutils 9.1) and against syskit's timeout
# (a link made by --install --compat, so that argv[0] is the bare name);
# status, stdout and stderr must agree.  Where syskit differs on purpose
# (man/timeout.1, DIFFERENCES) the test says so and checks the difference.

load helpers
bats_require_minimum_version 1.5.0

ORIG=/usr/bin/timeout

setup_file() {
	export CDIR="$BATS_FILE_TMPDIR/compat"
	mkdir -p "$CDIR"
	"$SYSKIT_BIN" --install -s --compat "$CDIR" >/dev/null
}

setup() {
	[ -x "$ORIG" ] || skip "needs coreutils' timeout at $ORIG"
	export LC_ALL=C
	W=$BATS_TEST_TMPDIR
	cd "$W"
}

teardown() {
	local p
	for p in $(cat "$W"/*.pid 2>/dev/null); do
		kill -KILL "$p" 2>/dev/null || true
	done
}

# orig ARG... / sk ARG...: one run of the original (as a script's PATH
# lookup runs it: argv[0] "timeout", which coreutils names itself by)
# or of syskit's link.
orig() {
	exec -a timeout "$ORIG" "$@"
}
sk() {
	exec "$CDIR/timeout" "$@"
}

# exists FILE: wait until FILE exists (bounded: 10 s)
exists() {
	local i
	for i in $(seq 1000); do
		[ -e "$1" ] && return 0
		sleep 0.01
	done
	echo "no $1" >&2
	return 1
}

# both ARG...: timeout ARG... with the original, then with syskit's; the
# original's status, stdout and stderr are left in ost, oout, oerr.
both() {
	run --separate-stderr orig "$@"
	ost=$status oout=$output oerr=$stderr
	run --separate-stderr sk "$@"
}

# agree: syskit's last run matches the original's: status, stdout, stderr.
agree() {
	assert_equal "$status" "$ost"
	assert_equal "$output" "$oout"
	assert_equal "$stderr" "$oerr"
}

# ---- timeout.sh: basic operation ----

@test "timeout.sh: no timeout, a suffix, a disabled timeout: 0" {
	both 10 true
	agree
	assert_success
	both 1d true
	agree
	assert_success
	both 0 true
	agree
	assert_success
}

@test "timeout.sh: the command's exit status is passed on" {
	both 10 sh -c 'exit 2'
	agree
	assert_failure 2
	both 10 sh -c 'echo out; echo err >&2; exit 7'
	agree
	assert_failure 7
	assert_output out
}

@test "timeout.sh: the time limit: 124" {
	both .1 sleep 10
	agree
	assert_failure 124
}

@test "timeout.sh: --preserve-status after the time limit: 128+TERM, not 124" {
	both --preserve-status .1 sleep 10
	agree
	assert_failure 143
	# and the command's own status when it exits by itself on the signal
	both --preserve-status .1 sh -c 'trap "exit 5" TERM; sleep 10 & wait'
	agree
	assert_failure 5
}

@test "timeout.sh: kill delay: -s0 -k then KILL: 137, with and without --foreground" {
	both -s0 -k.3 .1 sleep 10
	agree
	assert_failure 137
	both --foreground -s0 -k.3 .1 sleep 10
	agree
	assert_failure 137
}

@test "timeout.sh: immune to the parent's ignored SIGCHLD" {
	run bash -c 'trap "" CHLD; exec -a timeout "$0" 10 true' "$ORIG"
	assert_success
	run bash -c 'trap "" CHLD; exec "$0" 10 true' "$CDIR/timeout"
	assert_success
	run bash -c 'trap "" CHLD; exec "$0" 10 sh -c "exit 3"' "$CDIR/timeout"
	assert_failure 3
}

@test "timeout.sh: not confused when it starts with a child already (Bug#9098)" {
	local t
	for t in "$ORIG" "$CDIR/timeout"; do
		run bash -c 'out=$(sleep .1 & exec "$0" .5 sh -c "sleep 2; echo foo"); echo "[$out] $?"' "$t"
		assert_success
		assert_output "[] 124"
	done
}

@test "timeout.sh: -v and --verbose name each signal sent (C locale quotes)" {
	local opt
	for opt in -v --verbose; do
		both $opt -s0 -k .1 .1 sleep 10
		agree
		assert_failure 137
		assert_equal "$stderr" "timeout: sending signal EXIT to command 'sleep'
timeout: sending signal KILL to command 'sleep'"
	done
}

@test "timeout.sh: -v in a UTF-8 locale quotes as coreutils' quote() does" {
	LC_ALL=C.UTF-8 both -v .1 sleep 10
	agree
	assert_failure 124
	assert_equal "$stderr" "timeout: sending signal TERM to command ‘sleep’"
	LC_ALL=C.UTF-8 both -v -s HUP .1 /bin/sleep 10
	agree
	assert_equal "$stderr" "timeout: sending signal HUP to command ‘/bin/sleep’"
}

# ---- timeout-parameters.sh: parameter combinations ----

@test "timeout-parameters.sh: its own errors are 125, with coreutils' message" {
	both invalid sleep 0
	agree
	assert_failure 125
	assert_equal "$stderr" "timeout: invalid time interval 'invalid'
Try 'timeout --help' for more information."
	both --kill-after=invalid 1 sleep 0
	agree
	assert_failure 125
	both 42D sleep 0
	agree
	assert_failure 125
	both --signal=invalid 1 sleep 0
	agree
	assert_failure 125
	assert_equal "${stderr_lines[0]}" "timeout: 'invalid': invalid signal"
}

@test "timeout-parameters.sh: floating point and nanoseconds" {
	both 10.34 sleep 0
	agree
	assert_success
	both 9.999999999 sleep 0
	agree
	assert_success
}

@test "timeout-parameters.sh: a command that cannot run is 126, one not found 127" {
	both 10 .
	agree
	assert_failure 126
	assert_equal "$stderr" "timeout: failed to run command '.': Permission denied"
	run -127 --separate-stderr orig 10 no_such
	ost=$status oout=$output oerr=$stderr
	run -127 --separate-stderr sk 10 no_such
	agree
	assert_failure 127
	assert_equal "$stderr" "timeout: failed to run command 'no_such': No such file or directory"
}

@test "timeout-parameters: the duration syntax, number by number" {
	local d
	for d in 0 .5 0.5s 1m 1h 1d 0x10 1e1 ' 1' -0 inf INF 1e400 4294967296 \
	    nan -1 1s5 1ms 1S 1D '' ' ' 1e 0x 5x .; do
		both "$d" true
		agree
	done
}

@test "timeout-parameters: signals by name, number, SIG prefix, 128+N" {
	local s
	for s in TERM term SIGTERM sigterm 15 143 271 0 EXIT HUP 1 RTMIN+1 \
	    99 -1 '' SIGFOO 15x; do
		both -s "$s" -k .3 .1 sleep 10
		agree
	done
}

@test "timeout: usage errors in glibc getopt's words, 125" {
	local a
	for a in "" 10 -x --bogus --bogus=1 --ver --verbose=3 -vx -s -k \
	    --signal --kill-after=; do
		# shellcheck disable=SC2086
		both $a
		agree
		assert_failure 125
	done
	both --ver 1 true
	assert_equal "${stderr_lines[0]}" "timeout: option '--ver' is ambiguous; possibilities: '--verbose' '--version'"
	# abbreviations and -- work
	both --pres --fore -k 1 1 true
	agree
	assert_success
	both -- 1 true
	agree
	assert_success
	# options after DURATION belong to the command
	both 1 echo -v --foo
	agree
	assert_output "-v --foo"
}

@test "timeout: --help is coreutils' text (and one line on syskit's difference); --version names syskit" {
	both --help
	assert_success
	assert_equal "${lines[0]}" "Usage: timeout [OPTION] DURATION COMMAND [ARG]..."
	assert_equal "$(printf '%s\n' "$output" | sed -n 1,32p | grep -v '^syskit\|^--foreground)')" \
	    "$(printf '%s\n' "$oout" | sed -n 1,30p)"
	both --version
	assert_success
	assert_output "timeout (syskit) $("$SYSKIT_BIN" --version | cut -d' ' -f2)"
}

# ---- timeout-large-parameters.sh: large values ----

@test "timeout-large-parameters.sh: a time_t overflow does not time out at once" {
	both 9223372036854775808 sleep .3
	agree
	assert_success
}

@test "timeout-large-parameters.sh: overflows are no limit; -LDBL_MAX is 125" {
	local d
	for d in 4294967296 9223372036854775808d 2.34e+5d \
	    1.18973149535723176502e+4932 99999999999999999999999999999999999999h; do
		both "$d" sleep 0
		agree
		assert_success
	done
	both -- -1.18973149535723176502e+4932 sleep 0
	agree
	assert_failure 125
}

@test "timeout-large-parameters.sh: an underflow times out at once (coreutils 9.1 differs: no limit)" {
	# syskit follows the current coreutils test: 1e-5000 is the smallest
	# duration, not 0; coreutils 9.1 reads it as 0 and waits
	run --separate-stderr sk 1e-5000 sleep 10
	assert_failure 124
	run --separate-stderr orig 1e-5000 sleep .2
	assert_success
	run --separate-stderr sk 1e-5000 sleep .2
	assert_failure 124
	# a denormal one, which both read as a positive time: both expire
	both 1e-320 sleep 10
	agree
	assert_failure 124
}

# ---- timeout-group.sh: process groups ----

# timeout.cmd: counts down $1 seconds; SIGINT makes it touch int.received
# and exit.
group_cmd() {
	cat >timeout.cmd <<-'EOF'
	#!/bin/sh
	trap 'touch int.received; exit' INT
	touch timeout.running
	count=$1
	until test -e int.received || test $count = 0; do
	  sleep 1
	  count=$(expr $count - 1)
	done
	EOF
	chmod +x timeout.cmd
}

@test "timeout-group.sh: Ctrl-C to the group reaches a --foreground command" {
	local t
	group_cmd
	for t in "$ORIG" "$CDIR/timeout"; do
		rm -f int.received timeout.running
		cat >group.sh <<-EOF
		#!/bin/bash
		trap '' INT
		exec -a timeout "$t" --foreground 25 ./timeout.cmd 20 &
		wait
		EOF
		chmod +x group.sh
		setsid ./group.sh &
		echo $! >group.pid
		exists timeout.running
		# a Ctrl-C to the foreground group
		kill -INT -- "-$(cat group.pid)"
		wait "$(cat group.pid)"
		[ -e int.received ]
	done
}

@test "timeout-group.sh: cascaded timeouts: SIGALRM to the outer one expires it now" {
	local t
	group_cmd
	for t in "$ORIG" "$CDIR/timeout"; do
		rm -f int.received timeout.running
		# the outer sends ALRM, which the inner handles as its expiry
		"$t" -sALRM 30 "$t" -sINT 25 ./timeout.cmd 20 &
		echo $! >outer.pid
		exists timeout.running
		kill -ALRM "$(cat outer.pid)"
		st=0
		wait "$(cat outer.pid)" || st=$?
		assert_equal "$st" 124
		[ -e int.received ]
	done
}

# ---- timeout-blocked.pl: SIGALRM blocked by the parent ----

@test "timeout-blocked.pl: a blocked SIGALRM inherited does not stop the time limit" {
	local t
	for t in "$ORIG" "$CDIR/timeout"; do
		run perl -MPOSIX=:signal_h -e \
		    'sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGALRM)) or die; exec @ARGV' \
		    "$t" .1 sleep 10
		assert_failure 124
	done
}

# ---- signals and statuses a caller sees ----

# statuses TIMEOUT: what Python's subprocess (waitpid) sees of four runs:
# -N for a signal, else the exit status.
statuses() {
	"$PY" - "$1" <<-'PYEOF'
	import subprocess, sys
	t = sys.argv[1]
	for args in (["10", "sh", "-c", "kill -TERM $$"], ["-s", "KILL", ".1", "sleep", "10"],
	             ["--foreground", "-s", "KILL", ".1", "sleep", "10"],
	             ["--preserve-status", ".1", "sleep", "10"]):
	    print(subprocess.run([t] + args).returncode)
	PYEOF
}

@test "timeout: a command killed by a signal: timeout dies of it too, as coreutils" {
	both 10 sh -c 'kill -SEGV $$'
	agree
	assert_failure 139
	both 10 sh -c 'kill -USR1 $$'
	agree
	assert_failure 138
	# what the caller's wait sees: a signal, not an exit status
	run statuses "$ORIG"
	local want=$output
	run statuses "$CDIR/timeout"
	assert_equal "$output" "$want"
	assert_equal "$output" "-15
-9
137
143"
}

@test "timeout: INT, TERM, HUP, QUIT sent to timeout go to the command (and -k starts)" {
	local t s st
	for t in orig sk; do
		for s in INT TERM HUP QUIT; do
			"$t" 10 sleep 20 &
			echo $! >t.pid
			sleep .2
			kill -$s "$(cat t.pid)"
			st=0
			wait "$(cat t.pid)" || st=$?
			assert_equal "$st" "$((128 + $(kill -l $s)))"
		done
		# a command that ignores INT: the -k timer started by the INT
		"$t" -v -k .3 10 sh -c 'trap "" INT; sleep 20' 2>err &
		echo $! >t.pid
		sleep .2
		kill -INT "$(cat t.pid)"
		st=0
		wait "$(cat t.pid)" || st=$?
		assert_equal "$st" 137
		assert_equal "$(cat err)" "timeout: sending signal INT to command 'sh'
timeout: sending signal KILL to command 'sh'"
	done
}

@test "timeout: -s names the signal the command gets" {
	both -s INT .1 sh -c 'trap "echo got INT; kill \$!; exit 9" INT; sleep 10 >/dev/null & wait'
	agree
	assert_failure 124
	assert_output "got INT"
	both --preserve-status -s USR2 .1 sh -c 'trap "exit 9" USR2; sleep 10 & wait'
	agree
	assert_failure 9
}

@test "timeout: descriptors the caller opened reach the command" {
	local t
	echo hi >f
	for t in "$ORIG" "$CDIR/timeout"; do
		run bash -c '"$0" 5 sh -c "cat <&7" 7<f' "$t"
		assert_success
		assert_output hi
		run bash -c '"$0" 5 sh -c "echo to-8 >&8" 8>&1' "$t"
		assert_success
		assert_output to-8
	done
}

@test "timeout: a command that ends in time leaves its background jobs running (both)" {
	local t
	for t in "$ORIG" "$CDIR/timeout"; do
		run "$t" 5 sh -c 'sleep 30 >/dev/null 2>&1 & echo $! >bg.pid'
		assert_success
		kill -0 "$(cat bg.pid)"
		kill "$(cat bg.pid)"
	done
}

@test "timeout: --foreground leaves the command's children alone after expiry (both)" {
	local t
	for t in "$ORIG" "$CDIR/timeout"; do
		run "$t" --foreground .3 sh -c 'exec >/dev/null 2>&1; sleep 30 & echo $! >bg.pid; exec sleep 10'
		assert_failure 124
		kill -0 "$(cat bg.pid)"
		kill "$(cat bg.pid)"
	done
}

@test "DIFFERENCE: after the time limit the whole tree dies, setsid escapees included" {
	# coreutils signals the command's process group only: a child in a
	# session of its own lives on
	run "$ORIG" .3 sh -c 'setsid sleep 30 >/dev/null 2>&1 & echo $! >bg.pid; sleep 10'
	assert_failure 124
	kill -0 "$(cat bg.pid)"
	kill "$(cat bg.pid)"
	# syskit (run's engine, a subreaper) ends it too
	run "$CDIR/timeout" .3 sh -c 'setsid sleep 30 >/dev/null 2>&1 & echo $! >bg.pid; sleep 10'
	assert_failure 124
	run kill -0 "$(cat bg.pid)"
	assert_failure
	# and a child that ignores the signal, once the command has gone
	run "$ORIG" .3 sh -c 'trap "" TERM; sleep 30 >/dev/null 2>&1 & echo $! >bg.pid; sleep 1; exit 3'
	assert_failure 124
	kill -0 "$(cat bg.pid)"
	kill -KILL "$(cat bg.pid)"
	run "$CDIR/timeout" .3 sh -c 'trap "" TERM; sleep 30 >/dev/null 2>&1 & echo $! >bg.pid; sleep 1; exit 3'
	assert_failure 124
	run kill -0 "$(cat bg.pid)"
	assert_failure
}

# usr1 TIMEOUT: TIMEOUT 10 sh (which execs sleep 20) in the background,
# USR1 to timeout; its status left in st, the command's pid in cmd.pid.
usr1() {
	"$1" 10 sh -c 'echo $$ >cmd.pid; exec sleep 20' &
	echo $! >t.pid
	wait_file cmd.pid
	kill -USR1 "$(cat t.pid)"
	st=0
	wait "$(cat t.pid)" || st=$?
}

@test "DIFFERENCE: USR1 to timeout goes to the command (coreutils dies of it, the command lives on)" {
	usr1 "$ORIG"
	assert_equal "$st" 138
	kill -0 "$(cat cmd.pid)"
	kill "$(cat cmd.pid)"
	rm cmd.pid
	usr1 "$CDIR/timeout"
	# the same status for the caller, and nothing left running
	assert_equal "$st" 138
	run kill -0 "$(cat cmd.pid)"
	assert_failure
}

@test "timeout: orphans that end while the command runs leave no zombie under timeout" {
	local t
	# coreutils is no subreaper (orphans go to init); syskit is one, and
	# reaps them as they end
	for t in orig sk; do
		run "$t" 10 sh -c 'for i in 1 2 3 4 5; do (sleep .1 &); done; sleep 1; ps -o stat= --ppid $PPID | grep -c Z || :'
		assert_success
		assert_output 0
	done
}
