#!/usr/bin/env bats
# run -j: the job pool.  Input items, replacement strings, ::: lists,
# --commands; grouped, line-buffered and ungrouped output, --keep-order,
# --tag; --halt; the job log and --resume; the per-job report; -j auto
# under the cgroup fixtures; many jobs; bad input.
# `run` is also bats's own command, so the applet is called `syskit run`.

load helpers
bats_require_minimum_version 1.5.0

# alive PID: the process exists and is not a zombie
alive() {
	local st
	st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 1
	[ "$st" != Z ]
}

# all_dead FILE N: FILE lists N pids, and none of them is alive
all_dead() {
	local p
	assert_equal "$(wc -l <"$1")" "$2"
	for p in $(cat "$1"); do
		if alive "$p"; then
			echo "pid $p is alive"
			return 1
		fi
	done
}

# wait_grep PATTERN FILE: PATTERN shows in FILE within 10 s
wait_grep() {
	local i
	for i in $(seq 200); do
		grep -q -- "$1" "$2" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

teardown() {
	exec 4>&-
	if [ -n "${bgpid:-}" ]; then
		kill "$bgpid" 2>/dev/null || true
		wait "$bgpid" 2>/dev/null || true
	fi
}

# ---- input and replacement strings ----

@test "replacement strings are GNU parallel's" {
	run --separate-stderr syskit run -j2 --keep-order -- \
	    echo '[{}]' '{.}' '{/}' '{//}' '{/.}' '{#}' \
	    < <(printf 'a\n\nb/c.d.e\n/x\nf.\ndir.x/y\n')
	assert_success
	assert_equal "$output" "[a] a a . a 1
[]   .  2
[b/c.d.e] b/c.d c.d.e b c.d 3
[/x] /x x / x 4
[f.] f f. . f 5
[dir.x/y] dir.x/y y dir.x y 6"
}

@test "the same as GNU parallel for the replacement strings" {
	command -v parallel >/dev/null || skip "GNU parallel is not installed (tests/deps/pool.debian)"
	local in='a
b/c.d.e
/x
dir.x/y.tar.gz
./q'
	run --separate-stderr syskit run -j2 --keep-order -- \
	    echo '{}' '{.}' '{/}' '{//}' '{/.}' '{#}' <<<"$in"
	assert_success
	want=$(parallel --will-cite -j2 -k echo '{}' '{.}' '{/}' '{//}' '{/.}' '{#}' <<<"$in")
	assert_equal "$output" "$want"
}

@test "without a replacement string the item is appended" {
	run syskit run -j1 -- printf '<%s>' pre <<<'x y'
	assert_success
	assert_output '<pre><x y>'
}

@test "{%} is a slot number within -j" {
	run syskit run -j3 -- sh -c 'echo {%}; sleep 0.05' ::: 1 2 3 4 5 6 7 8 9
	assert_success
	assert_equal "$(sort -u <<<"$output" | tr '\n' ' ')" "1 2 3 "
}

@test "::: lists combine as parallel's, the last varying fastest" {
	run syskit run -j2 --keep-order -- echo ::: a b ::: 1 2
	assert_success
	assert_equal "$output" "a 1
a 2
b 1
b 2"
	run syskit run -j1 -- echo '{2}-{1}' ::: a ::: 1
	assert_output '1-a'
}

@test "--commands takes no command words or ::: lists: usage error" {
	for extra in "-- echo x" "::: a" "-c true"; do
		run --separate-stderr syskit run -j2 --commands /dev/null $extra
		assert_failure 2
		assert_equal "${stderr_lines[0]}" "syskit run: --commands takes no command (its lines are the commands)"
	done
}

@test "--commands runs each line through /bin/sh -c" {
	printf 'echo one | tr o O\nexit 3\necho "$((1+2))"\n' >"$BATS_TEST_TMPDIR/c"
	run syskit run -j2 --keep-order --commands "$BATS_TEST_TMPDIR/c"
	assert_failure 1
	assert_equal "$output" "One
3"
	run syskit run -j2 --commands - <<<'echo from-stdin'
	assert_success
	assert_output 'from-stdin'
}

@test "stdin: empty lines are empty items, a last line without newline counts" {
	run syskit run -j2 --keep-order -- printf '<%s>\n' < <(printf 'a\n\n\nb')
	assert_success
	assert_equal "$output" "<a>
<>
<>
<b>"
}

@test "-0: NUL-separated items keep their newlines" {
	run syskit run -j1 -0 --keep-order -- printf '<%s>\n' < <(printf 'a\nb\0c\0')
	assert_success
	assert_equal "$output" "<a
b>
<c>"
}

@test "a very long line is one item" {
	head -c 100000 /dev/zero | tr '\0' x >"$BATS_TEST_TMPDIR/long"
	run syskit run -j1 -- sh -c 'printf %s "$1" | wc -c' sh <"$BATS_TEST_TMPDIR/long"
	assert_success
	assert_output 100000
}

@test "a NUL in a line without -0: the item ends there, one warning, as xargs" {
	run --separate-stderr syskit run -j1 --keep-order -- printf '<%s>\n' < <(printf 'a\0b\nc\n\0d\n')
	assert_success
	assert_equal "$output" "<a>
<c>
<>"
	assert_equal "${#stderr_lines[@]}" 1
	assert_equal "${stderr_lines[0]}" "syskit run: standard input: a NUL byte cuts an item short (-0 reads NUL-separated items)"
}

@test "a line past the kernel's argument limit fails its job alone (126)" {
	{ echo short; head -c 200000 /dev/zero | tr '\0' x; echo; echo after; } >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr syskit run -j1 --keep-order --joblog "$BATS_TEST_TMPDIR/log" -- sh -c 'echo "${#1}"' sh <"$BATS_TEST_TMPDIR/in"
	assert_failure 1
	assert_equal "$output" "5
5"
	assert_equal "$stderr" "syskit run: sh: Argument list too long"
	assert_equal "$(cut -f1,7 "$BATS_TEST_TMPDIR/log" | tail -n +2 | tr '\t\n' ': ')" "1:0 2:126 3:0 "
}

@test "no input: no jobs, exit 0" {
	run syskit run -j2 -- false </dev/null
	assert_success
	assert_output ''
}

@test "-a FILE reads the items from FILE; jobs get /dev/null as stdin" {
	printf '1\n2\n' >"$BATS_TEST_TMPDIR/items"
	run syskit run -j2 -a "$BATS_TEST_TMPDIR/items" --keep-order -- sh -c 'cat; echo "$1"' sh <<<'not for the jobs'
	assert_success
	assert_equal "$output" "1
2"
}

# ---- streaming: the input is read as the jobs need it ----

# stream_check OPTION...: a job runs once its item is whole while the
# writer of a FIFO keeps it open; a partial line starts nothing.  The
# lines are "one" and "two", after $pfx; each job must print "job LINE".
stream_check() {
	local fifo=$BATS_TEST_TMPDIR/fifo out=$BATS_TEST_TMPDIR/out rc=0
	rm -f "$fifo" "$out"
	mkfifo "$fifo"
	timeout 30 syskit run -j2 "$@" <"$fifo" >"$out" 3>&- &
	bgpid=$!
	exec 4>"$fifo"
	echo "${pfx:-}one" >&4
	wait_grep 'job one' "$out"
	printf '%stw' "${pfx:-}" >&4
	sleep 0.2
	assert_equal "$(cat "$out")" 'job one'
	echo o >&4
	wait_grep 'job two' "$out"
	exec 4>&-
	wait "$bgpid" || rc=$?
	bgpid=
	assert_equal "$rc" 0
	assert_equal "$(cat "$out")" "job one
job two"
}

@test "stdin streams: a job runs once its line is whole, the writer still open" {
	stream_check -- sh -c 'echo "job $1"' sh
}

@test "streaming with --keep-order, --line-buffer and :::" {
	stream_check --keep-order -- sh -c 'echo "job $1"' sh
	stream_check --line-buffer -- sh -c 'echo "job $1"' sh
	stream_check -a - -- sh -c 'echo "$2 $1"' sh ::: job
}

@test "-a FIFO and --commands - stream as stdin does" {
	stream_check -a /dev/stdin -- sh -c 'echo "job $1"' sh
	pfx='echo job ' stream_check --commands -
}

@test "TERM while the pool waits for input: it ends at once, 143" {
	local fifo=$BATS_TEST_TMPDIR/fifo out=$BATS_TEST_TMPDIR/out rc=0
	mkfifo "$fifo"
	timeout -s KILL 10 syskit run -j2 -- echo <"$fifo" >"$out" 3>&- &
	bgpid=$!
	exec 4>"$fifo"
	echo a >&4
	wait_grep a "$out"
	kill -TERM "$bgpid"
	wait "$bgpid" || rc=$?
	bgpid=
	exec 4>&-
	assert_equal "$rc" 143
}

@test "an endless input: --halt ends the pool, the input is not read to its end" {
	run timeout 20 sh -c 'yes | syskit run -j2 --halt now,success=1 -- true'
	assert_success
	run timeout 20 sh -c 'yes | syskit run -j1 --halt soon,fail=3 -- false'
	assert_failure 3
}

@test "read-ahead is bounded: busy slots stop the reading" {
	local started=$BATS_TEST_TMPDIR/started rchar
	yes | syskit run -j1 -- sh -c 'touch "$0"; sleep 30' "$started" 3>&- &
	bgpid=$!
	for i in $(seq 200); do
		[ -e "$started" ] && break
		sleep 0.05
	done
	[ -e "$started" ]
	sleep 0.5
	rchar=$(awk '$1 == "rchar:" { print $2 }' "/proc/$bgpid/io")
	[ "$rchar" -lt 1048576 ]
	kill -TERM "$bgpid"
	wait "$bgpid" || true
	bgpid=
}

@test "--bar=always reads the whole input first (the total), as GNU parallel" {
	run --separate-stderr sh -c '(echo 1; sleep 0.3; echo 2; echo 3) |
	    syskit run -j1 --bar=always -- true'
	assert_success
	[[ "$stderr" == *"1/3 jobs"* ]]
	[[ "$stderr" == *"3/3 jobs"* ]]
}

@test "--resume with streamed input; a job log's odd lines pass" {
	log=$BATS_TEST_TMPDIR/log
	run syskit run -j2 --joblog "$log" -- echo < <(printf '1\n2\n')
	assert_success
	printf '18446744073709551615\t:\t0\t0\t0\t0\t0\t0\tx\n' >>"$log"
	printf '9999999999999\t:\t0\t0\t0\t0\t0\t0\tx\n0\tx\n\n\t\t\t\n3\t:\n' >>"$log"
	run syskit run -j2 --keep-order --joblog "$log" --resume -- echo < <(seq 4)
	assert_success
	assert_equal "$output" "3
4"
}

# ---- -k ----

@test "-k is --keep-order with -j (or --commands), --kill-after without" {
	for opts in "-j3 -k" "-k -j3" "-kj3" "--jobs=3 -k" "-k --jobs 3"; do
		run syskit run $opts -- sh -c 'sleep 0.$((4 - $1)); echo $1' sh ::: 1 2 3
		assert_success
		assert_equal "$output" "1
2
3"
	done
	run syskit run -k --commands - <<<'sleep 0.3; echo a
echo b'
	assert_success
	assert_equal "$output" "a
b"
	# without a pool, -k takes a duration
	run --separate-stderr syskit run -k x -- true
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit run: invalid --kill-after: x"
	# the options end at the duration: no pool yet, so -k 5 is --kill-after
	run --separate-stderr syskit run -k x -j2 -- true ::: 1
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit run: invalid --kill-after: x"
	run syskit run -k 5 -j2 -- echo ::: a
	assert_success
	assert_output a
	# with -j, -k takes none: x is the command
	run --separate-stderr syskit run -j2 -k x ::: 1
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "syskit run: x: No such file or directory"
	run --separate-stderr syskit run -j2 --kill-after x -- true ::: 1
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit run: invalid --kill-after: x"
	run --separate-stderr syskit run -e -j -k x -- true
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit run: invalid --env (NAME=VALUE): -j"
}

# ---- output ----

@test "--group: concurrent jobs writing many small lines never interleave" {
	run syskit run -j4 -- sh -c 'i=0; while [ $i -lt 400 ]; do echo "$1 $i"; echo "$1 e$i" >&2; i=$((i+1)); done' sh ::: 1 2 3 4 5 6 7 8
	assert_success
	assert_equal "${#lines[@]}" 6400
	# each job's block is whole: the job number changes 7 times in all
	changes=$(printf '%s\n' "$output" | awk '$1 != p { n++ } { p = $1 } END { print n - 1 }')
	assert_equal "$changes" 7
	# its stdout before its stderr, each in order
	run syskit run -j1 -- sh -c 'echo o1; echo e1 >&2; echo o2' ::: x
	assert_equal "$output" "o1
o2
e1"
}

@test "--group: output past the memory bound goes through a temp file" {
	run syskit run -j2 -- sh -c 'head -c 3000000 /dev/zero | tr "\0" "$1"' sh ::: a b
	assert_success
	assert_equal "${#output}" 6000000
	# two blocks: one change of letter
	changes=$(printf '%s' "$output" | fold -w 1000 | awk '{ c = substr($0, 1, 1) } c != p { n++ } { p = c } END { print n - 1 }')
	assert_equal "$changes" 1
}

@test "--keep-order prints in input order, whatever order jobs end in" {
	run syskit run -j4 --keep-order -- sh -c 'sleep 0.$1; echo $1' sh ::: 3 1 2 0
	assert_success
	assert_equal "$output" "3
1
2
0"
}

@test "--tag starts each line with the item and a tab" {
	run syskit run -j2 --keep-order --tag -- sh -c 'echo x; echo y' sh ::: a b
	assert_success
	assert_equal "$output" "a	x
a	y
b	x
b	y"
}

@test "--line-buffer passes whole lines while jobs run" {
	# a's end waits for b's start, which waits for a's start (files)
	f=$BATS_TEST_TMPDIR/f
	run timeout 20 syskit run -j2 --line-buffer -- sh -c '
	    if [ $1 = a ]; then echo "a start"; touch "$2.a"; while [ ! -e "$2.b" ]; do sleep 0.01; done; sleep 0.2; echo "a end"
	    else while [ ! -e "$2.a" ]; do sleep 0.01; done; sleep 0.2; echo "b start"; touch "$2.b"; echo "b end"; fi' sh ::: a b ::: "$f"
	assert_success
	assert_equal "${lines[0]}" "a start"
	assert_equal "${lines[1]}" "b start"
	assert_equal "${lines[3]}" "a end"
	# a last line without newline is passed at the end
	run syskit run -j1 --line-buffer -- sh -c 'printf "x\ny"' ::: 1
	assert_output 'x
y'
	# a line past 64 KiB passes in parts, with --tag tagged once
	run syskit run -j1 --line-buffer --tag -- sh -c 'head -c 150000 /dev/zero | tr "\0" x; echo; printf "y"' ::: a
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_equal "${#lines[0]}" 150002
	assert_equal "${lines[0]:0:3}" "a	x"
	assert_equal "${lines[1]}" "a	y"
}

@test "--ungroup passes the job's output straight through" {
	run syskit run -j2 --ungroup --keep-order -- echo ::: a b
	assert_success
	assert_equal "$(sort <<<"$output")" "a
b"
	# a partial line is out while its job still runs (it waits for that)
	out=$BATS_TEST_TMPDIR/out rc=0
	timeout 20 syskit run -j1 --ungroup -- sh -c '
	    printf part; while ! grep -q part "$1"; do sleep 0.02; done; echo " end"' sh ::: "$out" >"$out" || rc=$?
	assert_equal "$rc" 0
	assert_equal "$(cat "$out")" "part end"
}

# ---- exit status ----

@test "exit status: 0, the number of failed jobs, capped at 101" {
	run syskit run -j2 -- sh -c 'exit $1' sh ::: 0 1 2 0 5
	assert_failure 3
	run syskit run -j4 -- false < <(seq 150)
	assert_failure 101
	run --separate-stderr syskit run -j2 -- /nonexistent/cmd ::: 1 2
	assert_failure 2
	[[ "${stderr_lines[0]}" == "syskit run: /nonexistent/cmd: No such file"* ]]
}

@test "10000 trivial jobs all run: right count, right status" {
	run syskit run -j4 --joblog "$BATS_TEST_TMPDIR/log" -- true < <(seq 10000)
	assert_success
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/log")" 10001
	assert_equal "$(awk 'NR > 1 && $7 == 0' "$BATS_TEST_TMPDIR/log" | wc -l)" 10000
	assert_equal "$(awk 'NR > 1 { print $1 }' "$BATS_TEST_TMPDIR/log" | sort -n | uniq | wc -l)" 10000
}

@test "per-job --timeout: 124 in the job, jobs failing counted" {
	run syskit run -j2 -t 0.2 --report "$BATS_TEST_TMPDIR/r" -- sh -c 'sleep $1' sh ::: 0 30
	assert_failure 1
	run grep -c '"timed_out":true' "$BATS_TEST_TMPDIR/r"
	assert_output 1
	run grep -c '"exit_code":124' "$BATS_TEST_TMPDIR/r"
	assert_output 1
}

@test "per-job --env, --cwd and --retries" {
	run syskit run -j2 -e X=1 -C /tmp -- sh -c 'echo $X $(pwd)' ::: a
	assert_success
	assert_output '1 /tmp'
	cnt=$BATS_TEST_TMPDIR/cnt
	run syskit run -j1 -r 2 --retry-delay 0 -- sh -c 'echo x >>"$1"; [ $(wc -l <"$1") -ge 3 ]' sh ::: "$cnt"
	assert_success
	assert_equal "$(wc -l <"$cnt")" 3
}

@test "per-job --retry-delay and --backoff: the job waits in its slot" {
	f=$BATS_TEST_TMPDIR/t
	run syskit run -j1 -r 2 --retry-delay 0.3 -- sh -c 'date +%s.%N >>"$1"; exit 1' sh ::: "$f"
	assert_failure 1
	assert_equal "$(wc -l <"$f")" 3
	# each gap at least the delay (a lower bound: noise only lengthens it)
	run awk 'NR > 1 && $1 - p < 0.29 { print "short gap", $1 - p } { p = $1 }' "$f"
	assert_output ''
	rm -f "$f"
	run syskit run -j1 -r 2 --retry-delay 0.2 --backoff 3 -- sh -c 'date +%s.%N >>"$1"; exit 1' sh ::: "$f"
	assert_failure 1
	# 0.2 then 0.6, each with jitter 0.8 to 1.2: the second gap >= 0.48
	run awk 'NR == 3 && $1 - p < 0.47 { print "short gap", $1 - p } { p = $1 }' "$f"
	assert_output ''
	# -v says each retry
	run --separate-stderr syskit run -j1 -v -r 1 --retry-delay 0 -- sh -c 'exit 3' ::: a
	assert_failure 1
	assert_equal "$stderr" "syskit run: job 1: attempt 1 of 2: exit 3; retrying in 0s"
}

@test "--halt and TERM end a job's wait for its retry" {
	# a exits 3 and waits 100s to retry; b's failure halts the pool
	run timeout 20 syskit run -j2 --halt now,fail=1 -r 5 --retry-on 3 --retry-delay 100 -- sh -c '
	    if [ $1 = a ]; then exit 3; fi; sleep 0.3; exit 5' sh ::: a b
	assert_failure 5
	syskit run -j1 -r 5 --retry-delay 100 -- sh -c 'echo x >>"$1"; exit 1' sh ::: "$BATS_TEST_TMPDIR/n" 3>&- &
	bgpid=$!
	wait_grep x "$BATS_TEST_TMPDIR/n"
	sleep 0.2
	kill -TERM "$bgpid"
	rc=0
	timeout 10 tail --pid="$bgpid" -f /dev/null || rc=$?
	assert_equal "$rc" 0
	wait "$bgpid" || rc=$?
	bgpid=
	assert_equal "$rc" 143
}

@test "per-job --limit and --kill-after" {
	run syskit run -j2 --keep-order --limit nofile=64 -- sh -c 'ulimit -n' ::: a b
	assert_success
	assert_equal "$output" "64
64"
	# TERM ignored: KILL after 0.2s, not the default 5s (bound: 4.5s)
	run timeout 4.5 syskit run -j2 -t 0.1 --kill-after 0.2 --joblog "$BATS_TEST_TMPDIR/log" -- sh -c 'trap "" TERM; sleep 30' ::: a b
	assert_failure 2
	assert_equal "$(cut -f8 "$BATS_TEST_TMPDIR/log" | tail -n +2)" "9
9"
}

# ---- --halt ----

@test "--halt now,fail=1 stops at once, kills the running trees, exits as the failed job" {
	pf=$BATS_TEST_TMPDIR/pids
	run timeout 20 syskit run -j3 --halt now,fail=1 --kill-after 1 -- sh -c '
	    if [ $1 = f ]; then sleep 0.3; exit 4; fi
	    sleep 100 & echo $! >>"$2"; wait' sh ::: a b f c d e ::: "$pf"
	assert_failure 4
	all_dead "$pf" 2
}

@test "--halt soon,fail=1 starts nothing more and waits for the running" {
	log=$BATS_TEST_TMPDIR/log
	run timeout 20 syskit run -j2 --halt soon,fail=1 --joblog "$log" -- sh -c '
	    if [ $1 = f ]; then exit 6; fi; sleep 0.5' sh ::: a f b c d
	assert_failure 6
	# a and f ran; b started when f ended? never: soon starts nothing new
	assert_equal "$(awk 'NR > 1' "$log" | wc -l)" 2
	assert_equal "$(awk 'NR > 1 && $NF == "a"' "$log" | awk '{ print $7 }')" 0
}

@test "--halt now,success=1 exits 0 on the first success, the other trees killed" {
	pf=$BATS_TEST_TMPDIR/pids
	run timeout 20 syskit run -j3 --halt now,success=1 -- sh -c '
	    if [ $1 = ok ]; then sleep 0.3; exit 0; fi
	    sleep 100 & echo $! >>"$2"; wait' sh ::: x y ok z ::: "$pf"
	assert_success
	all_dead "$pf" 2
}

@test "--halt now,fail=2 and soon,fail=2: the second failure stops the pool" {
	log=$BATS_TEST_TMPDIR/log
	run timeout 20 syskit run -j1 --halt now,fail=2 --joblog "$log" -- sh -c 'exit $1' sh ::: 0 1 0 1 0 0
	assert_failure 2
	assert_equal "$(awk 'NR > 1' "$log" | wc -l)" 4
	run timeout 20 syskit run -j1 --halt soon,fail=2 --joblog "$log" -- sh -c 'exit $1' sh ::: 1 0 1 1 1
	assert_failure 2
	assert_equal "$(awk 'NR > 1' "$log" | wc -l)" 3
}

@test "--halt now,fail=50% stops once half the done jobs failed (3 at least)" {
	log=$BATS_TEST_TMPDIR/log
	run timeout 20 syskit run -j1 --halt now,fail=50% --joblog "$log" -- sh -c 'exit $1' sh ::: 0 1 1 0 0 0 0
	assert_failure 2
	assert_equal "$(awk 'NR > 1' "$log" | wc -l)" 3
}

@test "--halt on a timed-out job exits 124" {
	run timeout 20 syskit run -j2 -t 0.2 --halt now,fail=1 -- sleep ::: 30 30
	assert_failure 124
}

# ---- job log and resume ----

@test "--joblog is GNU parallel's TSV" {
	log=$BATS_TEST_TMPDIR/log
	run syskit run -j2 --joblog "$log" -- sh -c 'echo hi; exit $1' sh ::: 0 3
	assert_failure 1
	assert_equal "$(head -1 "$log")" "$(printf 'Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand')"
	run awk -F'\t' 'NR > 1 { print NF, $1, $2, $6, $7, $8, $9 }' "$log"
	assert_line "9 1 : 3 0 0 sh -c 'echo hi; exit \$1' sh 0"
	assert_line "9 2 : 3 3 0 sh -c 'echo hi; exit \$1' sh 3"
	# Exitval -1 when the pool killed it (time limit), 0 for another
	# signal, as GNU parallel writes them
	run syskit run -j2 -t 0.3 --joblog "$log" -- sh -c ::: 'sleep 30' 'kill -9 $$'
	assert_failure 2
	run awk -F'\t' 'NR > 1 { print $1, $7, $8 }' "$log"
	assert_line "1 -1 15"
	assert_line "2 0 9"
}

@test "--resume skips what the job log has; --resume-failed reruns failures" {
	log=$BATS_TEST_TMPDIR/log
	run syskit run -j2 --joblog "$log" -- sh -c 'exit $1' sh ::: 0 1 0
	assert_failure 1
	run syskit run -j2 --keep-order --joblog "$log" --resume -- sh -c 'echo $1' sh ::: 0 1 0 7
	assert_success
	assert_output 7
	run syskit run -j2 --joblog "$log" --resume-failed -- sh -c 'echo ran $1' sh ::: 0 1 0 7
	assert_success
	assert_output 'ran 1'
	assert_equal "$(head -1 "$log" | cut -f1)" Seq
	assert_equal "$(grep -c '^Seq' "$log")" 1
}

@test "--report: one JSON line per job" {
	run syskit run -j2 --report "$BATS_TEST_TMPDIR/r" -- sh -c 'exit $1' sh ::: 0 3
	assert_failure 1
	run $PY -c 'import json,sys
rs = sorted((json.loads(l) for l in open(sys.argv[1])), key=lambda r: r["seq"])
for r in rs:
    print(r["argument"], r["exit_code"], r["signal"], r["timed_out"], r["wall_seconds"] >= 0, r["cpu_seconds"] >= 0, r["max_rss"] > 0)' "$BATS_TEST_TMPDIR/r"
	assert_success
	assert_equal "$output" "0 0 None False True True True
3 3 None False True True True"
}

@test "--bar is off when stderr is no terminal, on with =always" {
	run --separate-stderr syskit run -j2 --bar -- true ::: 1 2
	assert_success
	assert_equal "$stderr" ''
	run --separate-stderr syskit run -j2 --bar=always -- true ::: 1 2
	assert_success
	[[ "$stderr" == *"2/2 jobs"* ]]
}

@test "--bar and --eta are on when stderr is a terminal" {
	command -v script >/dev/null || skip "script(1) is not installed (bsdutils)"
	run script -qec 'syskit run -j2 --bar -- true ::: 1 2 3' /dev/null
	assert_success
	[[ "$output" == *"3/3 jobs"* ]]
	run script -qec 'syskit run -j2 --eta -- true ::: 1 2 3' /dev/null
	assert_success
	[[ "$output" == *"left: 0 done: 3"* ]]
	run --separate-stderr syskit run -j2 --eta=always -- true ::: 1 2
	assert_success
	[[ "$stderr" == *"left: 0 done: 2"* ]]
}

# ---- -j ----

@test "-j auto is the cgroup-aware effective CPU count (fixtures)" {
	export SYSKIT_PROC=$FIXTURES/sysinfo-v2ctr/proc SYSKIT_SYS=$FIXTURES/sysinfo-v2ctr/sys
	# a 1.5 CPU quota on 4 usable CPUs: 2 slots
	run syskit run -j auto -- sh -c 'echo {%}; sleep 0.1' ::: 1 2 3 4 5 6
	assert_success
	assert_equal "$(sort -un <<<"$output" | tail -1)" 2
	# no quota, 3 CPUs allowed: 3 slots
	export SYSKIT_PROC=$FIXTURES/sysinfo-noswap/proc SYSKIT_SYS=$FIXTURES/sysinfo-noswap/sys
	run syskit run -j auto -- sh -c 'echo {%}; sleep 0.1' ::: 1 2 3 4 5 6
	assert_equal "$(sort -un <<<"$output" | tail -1)" 3
	run syskit run -j 200% -- sh -c 'echo {%}; sleep 0.1' ::: 1 2 3 4 5 6 7 8
	assert_equal "$(sort -un <<<"$output" | tail -1)" 6
	run syskit run -j 10% -- sh -c 'echo {%}' ::: 1 2 3
	assert_equal "$(sort -un <<<"$output" | tail -1)" 1
}

# ---- bad input ----

@test "bad input exits 2 with one line" {
	for bad in 0 abc 1x -3 '' 0%; do
		run --separate-stderr syskit run -j "$bad" -- true
		assert_failure 2
		assert_equal "${stderr_lines[0]}" "syskit run: invalid --jobs: $bad (N, N% or auto)"
	done
	for bad in nonsense now soon,fail= now,fail=0 now,fail=101% later,fail=1 now,oops=1; do
		run --separate-stderr syskit run -j2 --halt "$bad" -- true
		assert_failure 2
		assert_equal "${stderr_lines[1]}" "Try 'syskit run --help'."
	done
	run --separate-stderr syskit run --tag -- true
	assert_failure 2
	run --separate-stderr syskit run -j2 --resume -- true
	assert_failure 2
	run --separate-stderr syskit run -j2 --stdout /dev/null -- true
	assert_failure 2
	run --separate-stderr syskit run -j2 --bar=sometimes -- true
	assert_failure 2
}

@test "an unreadable -a file or job log is syskit's own error: 125" {
	run --separate-stderr syskit run -j2 -a "$BATS_TEST_TMPDIR/none" -- true
	assert_failure 125
	assert_output ''
	run --separate-stderr syskit run -j2 --joblog "$BATS_TEST_TMPDIR/no/dir/log" -- true ::: 1
	assert_failure 125
}

# ---- signals, a reader that goes away ----

@test "TERM: the running jobs get it, nothing more starts, exit 143" {
	pf=$BATS_TEST_TMPDIR/pids
	syskit run -j2 -- sh -c 'sleep 100 & echo $! >>"$1"; wait' sh ::: "$pf" "$pf" "$pf" "$pf" 3>&- &
	pid=$!
	for i in $(seq 500); do
		[ "$(wc -l <"$pf" 2>/dev/null || echo 0)" -ge 2 ] && break
		sleep 0.01
	done
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	assert_equal "$rc" 143
	all_dead "$pf" 2
}

@test "stdout closed by its reader: no more jobs start, quiet exit" {
	run --separate-stderr bash -c 'seq 100000 | syskit run -j2 -- echo | head -n 2 | wc -l; echo "rc=${PIPESTATUS[1]}"'
	assert_success
	assert_equal "$output" "2
rc=0"
	assert_equal "$stderr" ''
}
