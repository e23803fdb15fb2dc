#!/usr/bin/env bats
# pipe: endpoints, zero-copy transfer, fan-out, relays, listeners, merge,
# pacing and progress, against real files, processes and loopback sockets.

load helpers
bats_require_minimum_version 1.5.0

# 256 MiB of random data, made once per file (the first test's setup):
# $DATA, its sha256 in $SUM.  Hashing goes through tests/pipe/sha256.py
# (OpenSSL's SHA-256, a few times quicker than sha256sum here) and every
# big output is removed once checked, so the suite stays fast and small.
DATA_MIB=256
setup() {
	PATH="$SKBIN:$PATH"
	unset SYSKIT_PROC SYSKIT_SYS NO_COLOR
	DATA=$BATS_FILE_TMPDIR/data
	SHA="$PY $TOP/tests/pipe/sha256.py"
	if [ ! -f "$DATA.sum" ]; then
		head -c "${DATA_MIB}M" /dev/urandom >"$DATA.tmp"
		$SHA "$DATA.tmp" >"$DATA.sum.tmp"
		mv "$DATA.tmp" "$DATA"
		mv "$DATA.sum.tmp" "$DATA.sum"
	fi
	SUM=$(cat "$DATA.sum")
}

teardown() {
	local p
	for p in ${BG_PIDS:-}; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	BG_PIDS=
}

# bg CMD...: start in the background (a minute at most), killed in teardown
bg() {
	timeout 60 "$@" &
	BG_PIDS="${BG_PIDS:-} $!"
	LAST_PID=$!
}

# free_port: a port nobody listens on now (ask the kernel for one)
free_port() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_listen PORT: until something listens on the TCP port (v4 or v6)
wait_listen() {
	local i
	for i in $(seq 100); do
		[ -n "$(ss -Hltn "sport = :$1")" ] && return 0
		sleep 0.05
	done
	echo "nothing listens on $1" >&2
	return 1
}

# wait_unix NAME: until a unix socket listens at path or @abstract NAME
wait_unix() {
	local i
	for i in $(seq 100); do
		grep -q " $1\$" /proc/net/unix && return 0
		sleep 0.05
	done
	echo "nothing listens at $1" >&2
	return 1
}

# sum_of FILE: its sha256 (and FILE removed: the outputs are big)
sum_of() {
	$SHA "$1"
	rm -f "$1"
}

# hash_in: the sha256 of stdin
hash_in() {
	$SHA
}

@test "pipe: --help, --version, and the man page's synopsis agree" {
	run syskit pipe --help
	assert_success
	assert_line --index 0 "usage: pipe [options] SOURCE SINK [SINK ...]"
	assert_line --index 1 "       pipe [options] --bidi A B"
	assert_line --index 2 "       pipe [options] --merge SOURCE ... --to SINK"
	run syskit pipe --version
	assert_success
	assert_output --regexp '^syskit [0-9]'
	run sed -n '/^\.Sh SYNOPSIS/,/^\.Sh/p' "$TOP/man/pipe.1"
	assert_equal "$(grep -c '^\.Nm$' <<<"$output")" 3
	grep -q '^\.Fl -bidi Ar A Ar B$' "$TOP/man/pipe.1"
	grep -q '^\.Fl -merge Ar source ... Fl -to Ar sink$' "$TOP/man/pipe.1"
	grep -q '^\.Sh EXIT STATUS' "$TOP/man/pipe.1"
}

@test "pipe: the endpoint grammar, as --dry-run shows it" {
	run syskit pipe -n - fd:3 file:/x append:a:b fifo:/tmp/f tcp:localhost:80 \
	    'tcp:[::1]:8080' tcp:127.0.0.1:1 tcp-listen:9000
	assert_success
	assert_output "source: stdio
sink: fd 3
sink: file path=/x
sink: append path=a:b
sink: fifo path=/tmp/f
sink: tcp host=localhost port=80
sink: tcp host=::1 port=8080
sink: tcp host=127.0.0.1 port=1
sink: tcp-listen host=* port=9000"
	run syskit pipe -n 'tcp-listen:[::1]:9' unix:/run/x.sock unix:@abs \
	    "exec:sh -c 'echo \"a b\"' x\\ y" ./a:b /plain/path
	assert_success
	assert_output "source: tcp-listen host=::1 port=9
sink: unix path=/run/x.sock
sink: unix abstract=abs
sink: exec [sh] [-c] [echo \"a b\"] [x y]
sink: file path=./a:b
sink: file path=/plain/path"
	run syskit pipe -n unix-listen:/tmp/s -
	assert_line --index 0 "source: unix-listen path=/tmp/s"
}

@test "pipe: bad addresses and options: one line, Try, exit 2" {
	local a
	for a in 'tcp:[::1:80' 'tcp:::1:80' tcp:host tcp:host: tcp::80 \
	    tcp:host:http tcp:host:0 tcp:host:65536 tcp:host:99999 \
	    bogus:x 'exec:' "exec:sh -c 'x" fd:-1 fd:x file: unix: \
	    "unix:$(printf 'x%.0s' $(seq 120))" ''; do
		run syskit pipe "$a" -
		assert_failure 2
		assert_equal "${#lines[@]}" 2
		assert_line --index 1 "Try 'syskit pipe --help'."
	done
	run syskit pipe tcp:localhost:99999 -
	assert_line --index 0 "syskit pipe: port out of range (1-65535): tcp:localhost:99999"
	run syskit pipe 'tcp:[::1:80' -
	assert_line --index 0 --partial "malformed address"
	run syskit pipe bogus:x -
	assert_line --index 0 "syskit pipe: unknown endpoint type bogus:: bogus:x"
	run syskit pipe --on-sink-error maybe - -
	assert_failure 2
	assert_line --index 0 "syskit pipe: invalid --on-sink-error: maybe (drop or fail)"
	run syskit pipe -L fast - -
	assert_failure 2
	run syskit pipe --bidi - - -
	assert_failure 2
	run syskit pipe -
	assert_failure 2
	run syskit pipe --nope - -
	assert_line --index 0 "syskit pipe: unknown option: --nope"
	run syskit pipe -k - -
	assert_failure 2
	run syskit pipe -m 4 tcp-listen:127.0.0.1:1 -
	assert_failure 2
	run syskit pipe append:x -
	assert_failure 2
}

@test "pipe: refused, unknown host, a directory, a missing command: one line each" {
	local p
	p=$(free_port)
	run syskit pipe "tcp:127.0.0.1:$p" -
	assert_failure 1
	assert_output "syskit pipe: cannot connect to tcp:127.0.0.1:$p: Connection refused"
	run syskit pipe tcp:no-such-host.invalid:80 -
	assert_failure 1
	assert_output --regexp '^syskit pipe: cannot resolve no-such-host.invalid: [^
]+$'
	run syskit pipe "$BATS_TEST_TMPDIR" -
	assert_failure 1
	assert_output "syskit pipe: cannot open $BATS_TEST_TMPDIR: Is a directory"
	run syskit pipe - "$BATS_TEST_TMPDIR"
	assert_failure 1
	assert_output "syskit pipe: cannot open $BATS_TEST_TMPDIR: Is a directory"
	run syskit pipe "$BATS_TEST_TMPDIR/missing" -
	assert_failure 1
	assert_output --partial "No such file or directory"
	run syskit pipe unix:"$BATS_TEST_TMPDIR/none.sock" -
	assert_failure 1
	assert_output --partial "cannot connect to"
	run -127 syskit pipe 'exec:no-such-command-here' -
	assert_output "syskit pipe: cannot run exec:no-such-command-here: No such file or directory"
	run -126 syskit pipe "exec:$BATS_TEST_TMPDIR" -
	run syskit pipe fd:77 -
	assert_failure 1
	assert_output "syskit pipe: cannot use fd:77: Bad file descriptor"
	# a name with a control character is shown escaped
	run syskit pipe "$BATS_TEST_TMPDIR/a$(printf '\033')b" -
	assert_output --partial 'a\033b'
}

@test "pipe: exec: endpoints' statuses are pipe's" {
	run syskit pipe 'exec:sh -c "exit 3"' -
	assert_failure 3
	assert_output ""
	run syskit pipe 'exec:sh -c "kill -9 $$"' -
	assert_failure 137
	run syskit pipe - 'exec:sh -c "cat >/dev/null; exit 5"' </dev/null
	assert_failure 5
	run syskit pipe 'exec:printf hi' 'exec:cat'
	assert_success
	assert_output hi
	# a source we stop reading (-c) may die of SIGPIPE: that is no failure
	run syskit pipe -c 10 exec:yes -
	assert_success
	assert_output "y
y
y
y
y"
}

@test "pipe: byte-exact between files, pipes, FIFOs, descriptors and commands" {
	local t=$BATS_TEST_TMPDIR
	# file -> pipe (splice), pipe -> pipe (splice)
	assert_equal "$(syskit pipe "$DATA" - | hash_in)" "$SUM"
	assert_equal "$(syskit pipe - - <"$DATA" | cat | hash_in)" "$SUM"
	cat "$DATA" | syskit pipe - "$t/o1"				# pipe -> file
	assert_equal "$(sum_of "$t/o1")" "$SUM"
	syskit pipe "$DATA" "file:$t/o2"				# file -> file (copy_file_range)
	assert_equal "$(sum_of "$t/o2")" "$SUM"
	syskit pipe "$DATA" "append:$t/o3"				# O_APPEND: read/write
	syskit pipe - "append:$t/o3" <"$DATA"
	assert_equal "$(sum_of "$t/o3")" "$(cat "$DATA" "$DATA" | hash_in)"
	syskit pipe "exec:cat $DATA" "$t/o4"				# command -> file
	assert_equal "$(sum_of "$t/o4")" "$SUM"
	run syskit pipe "$DATA" "exec:$SHA"				# file -> command
	assert_output "$SUM"
	run sh -c "syskit pipe 'exec:cat $DATA' 'exec:$SHA'"		# command -> command
	assert_output "$SUM"
	syskit pipe fd:7 fd:8 7<"$DATA" 8>"$t/o5"			# inherited descriptors
	assert_equal "$(sum_of "$t/o5")" "$SUM"
	mkfifo "$t/fifo"
	bg sh -c "$SHA <'$t/fifo' >'$t/fifo.sum'"			# file -> FIFO
	syskit pipe "$DATA" "fifo:$t/fifo"
	wait "$LAST_PID"
	assert_equal "$(cat "$t/fifo.sum")" "$SUM"
	bg sh -c "cat '$DATA' >'$t/fifo'"				# FIFO -> pipe
	assert_equal "$(syskit pipe "fifo:$t/fifo" - | hash_in)" "$SUM"
	wait "$LAST_PID"
	syskit pipe /dev/null "$t/empty"				# nothing is something
	assert_equal "$(stat -c %s "$t/empty")" 0
	syskit pipe -c 100000 /dev/zero "$t/zero"			# a device: read/write
	assert_equal "$(stat -c %s "$t/zero")" 100000
}

@test "pipe: byte-exact over TCP (127.0.0.1 and ::1) and unix sockets" {
	local t=$BATS_TEST_TMPDIR p q
	p=$(free_port)
	bg syskit pipe "tcp-listen:127.0.0.1:$p" "$t/tcp4"		# socket -> file
	wait_listen "$p"
	timeout 60 syskit pipe "$DATA" "tcp:127.0.0.1:$p"		# file -> socket (sendfile)
	wait "$LAST_PID"
	assert_equal "$(sum_of "$t/tcp4")" "$SUM"

	p=$(free_port)
	bg sh -c "syskit pipe 'tcp-listen:[::1]:$p' - | $SHA >'$t/tcp6.sum'"	# socket -> pipe
	wait_listen "$p"
	cat "$DATA" | timeout 60 syskit pipe - "tcp:[::1]:$p"		# pipe -> socket
	wait "$LAST_PID"
	assert_equal "$(cat "$t/tcp6.sum")" "$SUM"

	# socket -> socket through the hub: unix-listen -> tcp, to a python sink
	p=$(free_port)
	bg $PY -c "
import socket,hashlib,sys
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
s.bind(('127.0.0.1',$p)); s.listen(1); c,_=s.accept(); h=hashlib.sha256()
while True:
    b=c.recv(1<<20)
    if not b: break
    h.update(b)
open('$t/relay.sum','w').write(h.hexdigest())"
	wait_listen "$p"
	bg syskit pipe "unix-listen:$t/u.sock" "tcp:127.0.0.1:$p"
	wait_unix "$t/u.sock"
	timeout 60 syskit pipe "$DATA" "unix:$t/u.sock"
	wait
	assert_equal "$(cat "$t/relay.sum")" "$SUM"
	[ ! -e "$t/u.sock" ]	# the listener's socket file is gone

	q=skt$$
	bg syskit pipe "unix-listen:@$q" "$t/abs"			# abstract names
	wait_unix "@$q"
	timeout 60 syskit pipe "exec:cat $DATA" "unix:@$q"
	wait "$LAST_PID"
	assert_equal "$(sum_of "$t/abs")" "$SUM"

	# socket -> command, and a name resolved: localhost (::1 refused
	# first where it resolves to both, then 127.0.0.1)
	getent hosts localhost >/dev/null ||
	    skip "localhost does not resolve here (no /etc/hosts): the rest ran"
	p=$(free_port)
	bg sh -c "syskit pipe 'tcp-listen:127.0.0.1:$p' 'exec:$SHA' >'$t/cmd.sum'"
	wait_listen "$p"
	timeout 60 syskit pipe "$DATA" "tcp:localhost:$p"
	wait "$LAST_PID"
	assert_equal "$(cat "$t/cmd.sum")" "$SUM"
}

@test "pipe: byte-exact with listeners as sinks and connectors as sources" {
	local t=$BATS_TEST_TMPDIR p q r1 r2
	# file -> tcp-listen (a sink that waits for its reader);
	# tcp: (connect) -> pipe
	p=$(free_port)
	bg syskit pipe "$DATA" "tcp-listen:127.0.0.1:$p"
	wait_listen "$p"
	assert_equal "$(timeout 60 syskit pipe "tcp:127.0.0.1:$p" - | hash_in)" "$SUM"
	wait "$LAST_PID"

	# command -> tcp-listen on ::1; tcp:[::1] -> file
	p=$(free_port)
	bg syskit pipe "exec:cat $DATA" "tcp-listen:[::1]:$p"
	wait_listen "$p"
	timeout 60 syskit pipe "tcp:[::1]:$p" "$t/v6"
	wait "$LAST_PID"
	assert_equal "$(sum_of "$t/v6")" "$SUM"

	# pipe -> unix-listen; unix: (connect) -> FIFO
	bg sh -c "cat '$DATA' | syskit pipe - 'unix-listen:$t/s.sock'"
	r1=$LAST_PID
	wait_unix "$t/s.sock"
	mkfifo "$t/fifo"
	bg sh -c "$SHA <'$t/fifo' >'$t/fifo.sum'"
	r2=$LAST_PID
	timeout 60 syskit pipe "unix:$t/s.sock" "fifo:$t/fifo"
	wait "$r1"
	wait "$r2"
	assert_equal "$(cat "$t/fifo.sum")" "$SUM"

	# pipe -> command; socket -> socket (tcp: source to a tcp: sink,
	# both connecting, through the hub)
	run sh -c "cat '$DATA' | syskit pipe - 'exec:$SHA'"
	assert_output "$SUM"
	p=$(free_port)
	bg syskit pipe "$DATA" "tcp-listen:127.0.0.1:$p"
	r1=$LAST_PID
	wait_listen "$p"
	q=$(free_port)
	bg sh -c "syskit pipe 'tcp-listen:127.0.0.1:$q' - | $SHA >'$t/s2s.sum'"
	r2=$LAST_PID
	wait_listen "$q"
	timeout 60 syskit pipe "tcp:127.0.0.1:$p" "tcp:127.0.0.1:$q"
	wait "$r1"
	wait "$r2"
	assert_equal "$(cat "$t/s2s.sum")" "$SUM"
}

@test "pipe: --bidi relay, 256 MiB each way at once (tcp -> tcp, to an echo)" {
	local p q
	# the echo server: pipe itself, a command per connection
	q=$(free_port)
	bg syskit pipe --bidi "tcp-listen:127.0.0.1:$q" exec:cat
	wait_listen "$q"
	# the relay: socket to socket both ways through its hubs
	p=$(free_port)
	bg syskit pipe --bidi "tcp-listen:[::1]:$p" "tcp:127.0.0.1:$q"
	wait_listen "$p"
	run timeout 120 $PY "$TOP/tests/pipe/echo_check.py" ::1 "$p" "$DATA"
	assert_success
	assert_output "$SUM $((DATA_MIB * 1024 * 1024))"
}

@test "pipe: --bidi half-close: the request's EOF still gets the whole reply" {
	local t=$BATS_TEST_TMPDIR p
	# pipe serves: a command that reads the whole request, then replies
	p=$(free_port)
	bg syskit pipe --bidi "tcp-listen:127.0.0.1:$p" \
	    "exec:sh -c 'wc -c; head -c 3000000 /dev/zero | tr \"\\\\0\" z'"
	wait_listen "$p"
	run timeout 60 $PY -c "
import socket
s=socket.create_connection(('127.0.0.1',$p)); s.sendall(b'x'*123456)
s.shutdown(socket.SHUT_WR); d=b''
while True:
    b=s.recv(65536)
    if not b: break
    d+=b
lines=d.split(b'\n',1); print(lines[0].decode().strip(), len(lines[1]), set(lines[1]))"
	assert_success
	assert_output "123456 3000000 {122}"
	wait "$LAST_PID"

	# pipe is the client: socat serves, replying after the request's EOF
	p=$(free_port)
	bg socat "TCP-LISTEN:$p,bind=127.0.0.1,reuseaddr" \
	    SYSTEM:'wc -c; head -c 2000000 /dev/zero'
	wait_listen "$p"
	run sh -c "head -c 1000000 /dev/zero | timeout 60 syskit pipe --bidi - tcp:127.0.0.1:$p | wc -c"
	assert_success
	assert_output "$(( 2000000 + $(printf '1000000\n' | wc -c) ))"
}

@test "pipe: --half-close-timeout ends the other direction; --idle-timeout exits 124" {
	local p
	p=$(free_port)
	bg $PY -c "
import socket,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
s.bind(('127.0.0.1',$p)); s.listen(1); c,_=s.accept(); time.sleep(30)"
	wait_listen "$p"
	run timeout 10 syskit pipe --bidi --half-close-timeout 0.3 - "tcp:127.0.0.1:$p" </dev/null
	assert_success
	run timeout 10 syskit pipe --idle-timeout 0.3 'exec:sleep 20' -
	assert_failure 124
	assert_output --partial "no data for 0.3 s"
}

@test "pipe: fan-out: 3 identical sinks, one slow, bounded memory" {
	local t=$BATS_TEST_TMPDIR rss
	# the slow one sleeps 3 ms after each 256 KiB it reads (about 80 MiB/s
	# at most): it paces the source, nobody buffers for it
	# (readers of FIFOs, not exec: children, whose memory GNU time would
	# count as pipe's once it reaps them)
	local fast slow
	mkfifo "$t/fast" "$t/slow"
	bg sh -c "$SHA <'$t/fast' >'$t/f2.sum'"
	fast=$LAST_PID
	bg sh -c "$PY '$TOP/tests/pipe/slowsink.py' 0.003 <'$t/slow' >'$t/slow.sum'"
	slow=$LAST_PID
	/usr/bin/time -f '%M' -o "$t/rss" syskit pipe - "$t/f1" "fifo:$t/fast" \
	    "fifo:$t/slow" - <"$DATA" | hash_in >"$t/f3.sum"
	wait "$fast"
	wait "$slow"
	assert_equal "$(sum_of "$t/f1")" "$SUM"
	assert_equal "$(cat "$t/f2.sum")" "$SUM"
	assert_equal "$(cat "$t/slow.sum")" "$SUM"
	assert_equal "$(cat "$t/f3.sum")" "$SUM"
	# the pipes are the buffers: 256 MiB pass through a few MiB of RSS
	rss=$(tail -n 1 "$t/rss")
	echo "peak RSS ${rss} KiB" >&3
	if ldd "$SYSKIT_BIN" 2>/dev/null | grep -q libasan; then
		[ "$rss" -lt 40960 ]	# ASan's own memory, still far below 256 MiB
	else
		[ "$rss" -lt 8192 ]
	fi
	# from a file, to a file and a command
	syskit pipe "$DATA" "$t/g1" "exec:$SHA" >"$t/g2.sum"
	assert_equal "$(sum_of "$t/g1")" "$SUM"
	assert_equal "$(cat "$t/g2.sum")" "$SUM"
}

@test "pipe: a sink that closes early: fail stops, drop goes on" {
	local t=$BATS_TEST_TMPDIR
	run sh -c "syskit pipe '$DATA' '$t/s1' 'exec:head -c 10' 2>&1 >/dev/null"
	assert_failure 1
	assert_output "syskit pipe: cannot write to exec:head -c 10: Broken pipe"
	run sh -c "syskit pipe --on-sink-error drop '$DATA' '$t/s2' 'exec:head -c 10' 2>&1 >/dev/null"
	assert_failure 1
	assert_line --index 0 "syskit pipe: dropped exec:head -c 10: Broken pipe"
	assert_equal "$(sum_of "$t/s2")" "$SUM"
	# our stdout's reader leaving is no error to report
	run sh -c "syskit pipe '$DATA' - | head -c 5 >/dev/null"
	assert_output ""
}

@test "pipe: --merge: 4 sources x 100000 lines, every line whole" {
	local t=$BATS_TEST_TMPDIR i
	for i in 1 2 3 4; do
		$PY -c "
import sys
w=sys.stdout.write
for j in range(100000): w('src$i %d %s\n' % (j, 'x'*(j%97)))" >"$t/m$i"
	done
	syskit pipe --merge "exec:cat $t/m1" "exec:cat $t/m2" \
	    "exec:$PY -c 'import sys; sys.stdout.write(open(\"$t/m3\").read())'" \
	    "$t/m4" --to "$t/out"
	assert_equal "$(wc -l <"$t/out")" 400000
	assert_equal "$(sort "$t/out" | hash_in)" "$(cat "$t"/m? | sort | hash_in)"
	# each source's lines in its own order
	assert_equal "$(grep '^src3 ' "$t/out" | hash_in)" "$(hash_in <"$t/m3")"
	run syskit pipe --merge --tag "$t/m1" --to -
	assert_line --index 0 "$t/m1	src1 0 "
	printf 'no newline' >"$t/nonl"
	run syskit pipe --merge "$t/nonl" "$t/nonl" --to -
	assert_output "no newline
no newline"
	run syskit pipe --merge "$t/m1"
	assert_failure 2
}

@test "pipe: --keep-listening: 100 clients in turn, 50 at once, each its own" {
	local p server
	p=$(free_port)
	bg syskit pipe --bidi -k "tcp-listen:127.0.0.1:$p" exec:cat
	wait_listen "$p"
	run timeout 60 $PY "$TOP/tests/pipe/clients.py" 127.0.0.1 "$p" 100 1 20000
	assert_success
	assert_output "ok 100"
	p=$(free_port)
	bg syskit pipe --bidi -m 50 "tcp-listen:[::1]:$p" exec:cat
	wait_listen "$p"
	run timeout 60 $PY "$TOP/tests/pipe/clients.py" ::1 "$p" 50 50 200000
	assert_success
	assert_output "ok 50"
	# one process serves them all: no syskit below the server
	server=$(pgrep -P "$LAST_PID")
	[ -n "$server" ]
	assert_equal "$(pgrep -c -P "$server" -f '^syskit' || true)" 0
}

@test "pipe: -L paces within 5%, -c counts exactly" {
	local t0 t1 rate
	t0=$(date +%s.%N)
	run sh -c "syskit pipe -L 4M -c 10M /dev/zero - | wc -c"
	t1=$(date +%s.%N)
	assert_output $((10 * 1024 * 1024))
	# never faster than the limit (+5%); noise can only make it slower
	rate=$(awk "BEGIN { printf \"%d\", 10 * 1048576 / ($t1 - $t0) }")
	echo "rate $rate B/s" >&3
	[ "$rate" -le $((4 * 1048576 * 105 / 100)) ]
	[ "$rate" -ge $((4 * 1048576 / 2)) ]
	run sh -c "syskit pipe -c 1000 '$DATA' - | wc -c"
	assert_output 1000
}

@test "pipe: --stats and --json sum up the bytes per endpoint" {
	local t=$BATS_TEST_TMPDIR
	run sh -c "syskit pipe --json '$DATA' '$t/j1' /dev/null 2>&1 >/dev/null"
	assert_success
	json_ok
	assert_equal "$(jget 'd["bytes"]')" $((DATA_MIB * 1024 * 1024))
	assert_equal "$(jget 'd["flows"][0]["sinks"][1]["bytes"]')" $((DATA_MIB * 1024 * 1024))
	assert_equal "$(jget 'd["flows"][0]["sinks"][0]["state"]')" done
	run syskit pipe --stats -c 4096 /dev/zero /dev/null
	assert_output --partial "4096 bytes"
}

@test "pipe: -P draws progress on a terminal, not elsewhere" {
	local t=$BATS_TEST_TMPDIR n
	run script -qec "syskit pipe -P -L 8M -c 3M /dev/zero /dev/null" /dev/null
	assert_success
	assert_output --partial "MiB/s"
	assert_output --partial "ETA"
	run script -qec "syskit pipe -P -L 400M '$DATA' /dev/null" /dev/null
	assert_output --partial "ETA"
	run sh -c "syskit pipe -P -L 8M -c 1M /dev/zero /dev/null 2>&1"
	assert_success
	assert_output ""
	# --size gives the ETA for a stream
	run script -qec "syskit pipe -P -s 2M -L 8M -c 2M /dev/zero /dev/null" /dev/null
	assert_output --partial "%"
	# forced
	run sh -c "syskit pipe -Pf -c 1M /dev/zero /dev/null 2>&1"
	assert_output --partial "1.0 MiB"
	# still drawn while the sink stalls (pv freezes then)
	syskit pipe -Pf "$DATA" 'exec:sh -c "sleep 1; cat >/dev/null"' 2>"$t/prog"
	n=$(tr '\r' '\n' <"$t/prog" | grep -c 'MiB/s')
	echo "$n refreshes" >&3
	[ "$n" -ge 4 ]
	[ "$n" -le 40 ]		# never more than 10 a second
}

@test "pipe: --mode for a new file sink; a file sink is truncated" {
	local t=$BATS_TEST_TMPDIR
	umask 022
	printf 'old contents, longer than the new\n' >"$t/old"
	printf 'x' | syskit pipe --mode 0640 - "$t/m1"
	assert_equal "$(stat -c %a "$t/m1")" 640
	printf 'x' | syskit pipe - "$t/m2"
	assert_equal "$(stat -c %a "$t/m2")" 644	# 0666 less the umask
	printf 'new' | syskit pipe --mode 0600 - "$t/old"
	assert_equal "$(cat "$t/old")" new		# truncated, its mode kept
	assert_equal "$(stat -c %a "$t/old")" 644
	run syskit pipe --mode 0999 - "$t/m3"
	assert_failure 2
}

@test "pipe: a listener serves one connection and ends; --reuseaddr is the default" {
	local t=$BATS_TEST_TMPDIR p
	head -c 100000 "$DATA" >"$t/small"
	p=$(free_port)
	# the listener sends and closes first: its port is left in TIME-WAIT
	bg syskit pipe "$t/small" "tcp-listen:127.0.0.1:$p"
	wait_listen "$p"
	run sh -c "timeout 20 syskit pipe tcp:127.0.0.1:$p - | wc -c"
	assert_success
	assert_output 100000
	wait "$LAST_PID"		# it ended after its one connection
	# looked at before any new connect: with tcp_tw_reuse (2 is the
	# default: loopback) a connect from the same port ends the TIME-WAIT
	[ -n "$(ss -Htan state time-wait "sport = :$p")" ]
	# a new listener binds the port all the same (SO_REUSEADDR)
	bg syskit pipe "$t/small" "tcp-listen:127.0.0.1:$p"
	wait_listen "$p"
	run sh -c "timeout 20 syskit pipe tcp:127.0.0.1:$p - | wc -c"
	assert_success
	assert_output 100000
	wait "$LAST_PID"
	# and no one listens after the one connection
	run syskit pipe "tcp:127.0.0.1:$p" -
	assert_failure 1
	assert_output --partial "Connection refused"
}

@test "pipe: a connection reset, reading or writing: one line naming it, exit 1" {
	local p
	# the peer reads a little, then resets (SO_LINGER 0) while we write
	p=$(free_port)
	bg $PY -c "
import socket,struct
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
s.bind(('127.0.0.1',$p)); s.listen(1); c,_=s.accept(); c.recv(1000)
c.setsockopt(socket.SOL_SOCKET,socket.SO_LINGER,struct.pack('ii',1,0)); c.close()"
	wait_listen "$p"
	run timeout 30 syskit pipe "$DATA" "tcp:127.0.0.1:$p"
	assert_failure 1
	assert_output --regexp "^syskit pipe: cannot write to tcp:127.0.0.1:$p: (Connection reset by peer|Broken pipe)\$"
	# the peer sends a little, then resets while we read
	p=$(free_port)
	bg $PY -c "
import socket,struct,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)
s.bind(('127.0.0.1',$p)); s.listen(1); c,_=s.accept(); c.sendall(b'x'*1000)
time.sleep(0.3)
c.setsockopt(socket.SOL_SOCKET,socket.SO_LINGER,struct.pack('ii',1,0)); c.close()"
	wait_listen "$p"
	run timeout 30 syskit pipe "tcp:127.0.0.1:$p" /dev/null
	assert_failure 1
	assert_output "syskit pipe: cannot read tcp:127.0.0.1:$p: Connection reset by peer"
}

@test "pipe: --merge: a line longer than --max-line goes out whole, in pieces, reported" {
	local t=$BATS_TEST_TMPDIR
	$PY -c "
import sys
for j in range(2000): sys.stdout.write('short %d\n' % j)
sys.stdout.write('L' * 300000 + '\n')
for j in range(2000): sys.stdout.write('after %d\n' % j)" >"$t/long"
	$PY -c "
import sys
for j in range(5000): sys.stdout.write('other %d\n' % j)" >"$t/other"
	run -0 --separate-stderr syskit pipe --merge --max-line 4K "exec:cat $t/long" \
	    "$t/other" --to "$t/out"
	assert_equal "$stderr" "syskit pipe: exec:cat $t/long: a line longer than --max-line, passed in pieces"
	assert_equal "$(sort "$t/out" | hash_in)" "$(cat "$t/long" "$t/other" | sort | hash_in)"
	# the short lines of both are whole all the same
	assert_equal "$(grep -c '^short [0-9]*$' "$t/out")" 2000
	assert_equal "$(grep -c '^other [0-9]*$' "$t/out")" 5000
	run syskit pipe --merge --max-line 0 "$t/other" --to -
	assert_failure 2
}
