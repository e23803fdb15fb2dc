#!/usr/bin/env bats
# flock (--compat): util-linux's own cases (tests/ts/flock: flock, unlock,
# close, range-lock), rewritten.  Each case runs against the installed
# util-linux flock and against syskit's flock (a link made by `syskit
# --install --compat`), both found by the bare name "flock" on PATH as a
# script would, holder and contender alike; their transcripts (exit codes,
# output, messages) must be equal, and equal to what the case expects.
# Debian's util-linux (2.38) has no --fcntl, --start or --length (2.40
# added them): those cases run on syskit alone and are checked against
# the kernel (/proc/locks, and a POSIX lock taken from Python, which OFD
# locks exclude).

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	export COMPAT="$BATS_FILE_TMPDIR/compat" ORIG="$BATS_FILE_TMPDIR/orig"
	mkdir -p "$COMPAT" "$ORIG"
	"$SYSKIT_BIN" --install -s --compat "$COMPAT"
	ln -s /usr/bin/flock "$ORIG/flock"
}

setup() {
	[ -x /usr/bin/flock ] || skip "util-linux flock is not installed"
	T=$BATS_TEST_TMPDIR
	L=$T/lockfile
	cd "$T"
	export LC_ALL=C
	unset SHELL
	umask 022
	BG=()
}

# every background process, and all it started: killed by session (the
# pids are in a file: a case run in $(...) starts them in a subshell)
teardown() {
	local p
	[ -f "$T/bgpids" ] || return 0
	for p in $(cat "$T/bgpids"); do
		pkill -9 -s "$p" 2>/dev/null || true
	done
}

# dir IMPL: where IMPL's flock is
dir() {
	if [ "$1" = orig ]; then echo "$ORIG"; else echo "$COMPAT"; fi
}

# with IMPL CMD...: CMD with IMPL's flock first on PATH
with() {
	local impl=$1
	shift
	PATH="$(dir "$impl"):$PATH" "$@"
}

# bg CMD...: CMD in the background in a session of its own, for teardown;
# fd 3 closed, or bats would wait for it
bg() {
	setsid "$@" 3>&- &
	BG+=("$!")
	echo "$!" >>"$T/bgpids"
}

# held FILE [KIND [MODE]]: until /proc/locks shows a granted lock on FILE
# (KIND: FLOCK, OFDLCK; MODE: READ, WRITE); 5 s at most
held() {
	local ino i
	for i in $(seq 250); do
		ino=$(stat -c %i "$1" 2>/dev/null) || { sleep 0.02; continue; }
		grep -qE "^[0-9]+: ${2:-[A-Z]+} +ADVISORY +${3:-[A-Z]+} .*:$ino " /proc/locks &&
		    return 0
		sleep 0.02
	done
	echo "$1: no ${2:-} ${3:-} lock in /proc/locks" >&2
	return 1
}

# waiting FILE: until a request waits for FILE's lock (5 s at most)
waiting() {
	local ino i
	ino=$(stat -c %i "$1")
	for i in $(seq 250); do
		grep -qE "^[0-9]+: -> .*:$ino " /proc/locks && return 0
		sleep 0.02
	done
	echo "$1: nobody waits" >&2
	return 1
}

# holder IMPL OPTS...: IMPL's flock holds $L with OPTS until $T/go exists
holder() {
	local impl=$1
	shift
	rm -f "$T/go"
	bg env PATH="$(dir "$impl"):$PATH" flock "$@" "$L" \
	    sh -c "while [ ! -e '$T/go' ]; do sleep 0.02; done"
}

# release: the holder lets go; wait for it
release() {
	touch "$T/go"
	wait "${BG[0]}"
}

# try IMPL NAME ARG...: run IMPL's flock ARG..., one line "NAME rc=N
# out=STDOUT err=STDERR" (newlines as |)
try() {
	local impl=$1 name=$2 rc=0 out
	shift 2
	out=$(with "$impl" flock "$@" 2>"$T/err") || rc=$?
	echo "$name rc=$rc out=${out//$'\n'/|} err=$(tr '\n' '|' <"$T/err" | sed 's/|$//')"
}

# ts_flock IMPL [--fcntl]: util-linux's tests/ts/flock/flock for one
# implementation: a shared holder, then its subtests in its order
ts_flock() {
	local impl=$1 api=${2:-} rc=0
	holder "$impl" $api --shared
	held "$L" || return 1
	try "$impl" non-block $api --nonblock --conflict-exit-code 123 "$L" echo "You will never see this!"
	try "$impl" no-fork $api --no-fork --nonblock --conflict-exit-code 123 "$L" echo "You will never see this!"
	try "$impl" shared $api --shared "$L" echo "Have shared lock"
	try "$impl" exclusive $api --nonblock --exclusive --conflict-exit-code 123 "$L" echo "You will never see this!"
	rm -f 4
	exec 4<>"$L"
	try "$impl" fd $api --nonblock --exclusive --conflict-exit-code 123 4
	exec 4>&-
	[ -e 4 ] && echo "fd: a file named 4 was made"
	# timeout: waits (up to 5 s) until the holder lets go
	bg env PATH="$(dir "$impl"):$PATH" sh -c "flock $api --timeout 5 --conflict-exit-code 5 '$L' echo 'After timeout.' >'$T/tout' 2>&1; echo \$? >'$T/trc'"
	waiting "$L" || return 1
	release
	wait "${BG[1]}"
	echo "timeout rc=$(cat "$T/trc") out=$(cat "$T/tout")"
}

TS_FLOCK='non-block rc=123 out= err=
no-fork rc=123 out= err=
shared rc=0 out=Have shared lock err=
exclusive rc=123 out= err=
fd rc=123 out= err=
timeout rc=0 out=After timeout.'

@test "compat flock: linked by --install --compat only; --version, --help" {
	mkdir -p "$T/plain"
	"$SYSKIT_BIN" --install "$T/plain"
	[ ! -e "$T/plain/flock" ]
	[ -L "$COMPAT/flock" ]
	run -0 with syskit flock --version
	assert_output "flock from syskit 0.1.0"
	run -0 with syskit flock -V
	run -0 with syskit flock --help
	assert_line --index 0 "Usage:"
	assert_line --index 1 " flock [options] <file>|<directory> <command> [<argument>...]"
	assert_output --partial "     --fcntl "
}

@test "ts/flock/flock non-block, no-fork, shared, exclusive, fd, timeout (flock(2))" {
	local o s
	o=$(ts_flock orig)
	BG=()
	s=$(ts_flock syskit)
	assert_equal "$s" "$o"
	assert_equal "$s" "$TS_FLOCK"
}

@test "ts/flock/flock fcntl-non-block .. fcntl-timeout: syskit alone (util-linux 2.38 has no --fcntl)" {
	# the documented difference: the installed flock refuses --fcntl
	run -64 with orig flock --fcntl "$L" true
	assert_line --index 0 "flock: unrecognized option '--fcntl'"
	run -0 ts_flock syskit --fcntl
	assert_output "$TS_FLOCK"
}

@test "ts/flock/flock fcntl: the kernel sees an OFD lock, which a POSIX lock conflicts with" {
	holder syskit --fcntl --shared
	held "$L" OFDLCK READ
	# a POSIX (process) write lock conflicts with an OFD read lock:
	# Python's lockf is F_SETLK, not syskit
	run -0 python3 -c '
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print("posix lock taken")
except OSError:
    print("posix lock refused")' "$L"
	assert_output "posix lock refused"
	release
	run -0 python3 -c '
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
print("posix lock taken")' "$L"
	# an exclusive --fcntl lock opens the file write-only (util-linux)
	run -0 with syskit flock --fcntl "$L" sh -c "grep -E 'OFDLCK +ADVISORY +WRITE' /proc/locks | grep -c ':$(stat -c %i "$L") '"
	assert_output 1
}

@test "ts/flock/flock fcntl-vs-flock: OFD and flock(2) locks do not see each other" {
	# syskit --fcntl holds; util-linux's flock(2) and syskit's both get in
	holder syskit --fcntl --exclusive
	held "$L" OFDLCK WRITE
	run -0 with orig flock --nonblock --exclusive "$L" echo "flock vs fcntl"
	assert_output "flock vs fcntl"
	run -0 with syskit flock --nonblock --exclusive "$L" echo "flock vs fcntl"
	assert_output "flock vs fcntl"
	run -1 with syskit flock --fcntl --nonblock "$L" true
	release
	# util-linux holds a flock(2) lock; syskit --fcntl gets in, plain not
	BG=()
	holder orig --exclusive
	held "$L" FLOCK WRITE
	run -0 with syskit flock --fcntl --nonblock "$L" echo "fcntl vs flock"
	assert_output "fcntl vs flock"
	run -1 with syskit flock --nonblock "$L" true
	release
}

@test "compat flock: a lock refused with EBADF or EIO (NFS) is tried again read-write, once" {
	command -v strace >/dev/null || skip "no strace (tests/deps/base.debian)"
	# util-linux (flock.c, EIO/EBADF): NFSv4 emulates flock(2) with
	# fcntl locks, which need write access; a local file system refuses
	# an OFD write lock on a read-only descriptor with EBADF: a directory
	# is opened read-only, so -x --fcntl on one takes that path, and the
	# read-write open then fails (EISDIR): the error is the lock's
	# (LeakSanitizer cannot run under ptrace)
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	mkdir "$T/dir"
	run -65 strace -f -qq -o "$T/trace" -e trace=open,openat,fcntl \
	    "$COMPAT/flock" --fcntl -x "$T/dir" true
	assert_output "flock: $T/dir: Bad file descriptor"
	# (musl opens with open, glibc with openat)
	run grep -E "open(at)?\((AT_FDCWD, )?\"$T/dir\"|F_OFD_SETLK" "$T/trace"
	assert_line --index 0 --regexp 'O_WRONLY\|O_CREAT.* = -1 EISDIR'
	assert_line --index 1 --regexp 'O_RDONLY.* = [0-9]+$'
	assert_line --index 2 --regexp 'F_OFD_SETLK.*F_WRLCK.* = -1 EBADF'
	assert_line --index 3 --regexp 'O_RDWR.* = -1 EISDIR'
	assert_equal "${#lines[@]}" 4
	# shared: a read lock on a read-only descriptor is taken, nothing
	# opened again
	run -0 strace -f -qq -o "$T/trace" -e trace=open,openat,fcntl \
	    "$COMPAT/flock" --fcntl -s "$T/dir" true
	run grep -c "O_RDWR" "$T/trace"
	assert_output 0
	# and not when we may not write: nobody, on a directory of root's
	[ "$(id -u)" = 0 ] || return 0
	local pub out n
	pub=$(mktemp -d /tmp/syskit-flock.XXXXXX)
	chmod 755 "$pub"
	mkdir -m 755 "$pub/dir"
	ln -s "$SYSKIT_BIN" "$pub/flock"
	out=$(strace -f -qq -o "$T/trace" -e trace=open,openat,fcntl \
	    setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$pub/flock" --fcntl -x "$pub/dir" true 2>&1) && n=0 || n=$?
	rm -rf "$pub"
	assert_equal "$n $out" "65 flock: $pub/dir: Bad file descriptor"
	run grep -c "O_RDWR" "$T/trace"
	assert_output 0
}

@test "ts/flock/range-lock: --start and --length lock bytes 1-2 (syskit alone)" {
	: >"$L"
	cd "$T"
	# -F: the shell holds the lock itself and reads /proc/locks
	run -0 with syskit flock --shared --fcntl --start 1 --length 2 --no-fork . \
	    -c "grep -E 'OFDLCK +ADVISORY +READ' /proc/locks | grep ':$(stat -c %i .) '"
	assert_output --regexp ' 1 2$'
	# two disjoint ranges do not conflict, overlapping ones do
	holder syskit --fcntl --start 10 --length 5
	held "$L" OFDLCK WRITE
	run -0 with syskit flock -n --fcntl --start 15 "$L" true
	run -1 with syskit flock -n --fcntl --start 14 --length 1 "$L" true
	run -0 with syskit flock -n --fcntl --start 0 --length 10 "$L" true
	release
}

# util-linux's unlock case: lock a descriptor, unlock it, then -w 0.
# Descriptor 9, not util-linux's 10: bash keeps descriptors from 10 up for
# its own use ("may conflict with file descriptors the shell uses
# internally"), and in one CI run neither flock found 10 open.  If 9 is
# not open either, the transcript says so, with what is.
ts_unlock() {
	local impl=$1
	exec 9<>"$L"
	[ -e "/proc/$BASHPID/fd/9" ] ||
	    echo "fd 9 is not open: $(ls -l /proc/$BASHPID/fd | tr '\n' ' ') (ulimit -n $(ulimit -n))"
	{
		sh -c '[ -e /proc/self/fd/9 ]' ||
		    echo "fd 9 is not open in a child: $(ls -l /proc/$BASHPID/fd | tr '\n' ' ')"
		with "$impl" flock --exclusive --nonblock --verbose 9
		echo "rc=$?"
		with "$impl" flock --unlock 9
		echo "rc=$?"
		# a timeout of 0 is --nonblock; it gets the lock: fd 9 let go
		with "$impl" flock --exclusive --wait 0 --verbose "$L" true
		echo "rc=$?"
	} 2>&1 | sed -E 's/(flock.*took) [0-9]+\.[0-9]{6} (seconds)$/\1 <n> \2/'
	exec 9>&-
}

@test "ts/flock/unlock: --unlock on a descriptor, then --wait 0 gets the lock" {
	local o s
	o=$(ts_unlock orig)
	s=$(ts_unlock syskit)
	assert_equal "$s" "$o"
	assert_equal "$s" "flock: getting lock took <n> seconds
rc=0
rc=0
flock: getting lock took <n> seconds
flock: executing true
rc=0"
}

# util-linux's close case, for the classic command line (2.38 has no
# --fd): with -o the command does not get the lock's descriptor, so what
# it leaves behind does not keep the lock once flock has exited
ts_close() {
	local impl=$1 opt=$2
	with "$impl" flock $opt "$L" sh -c "sleep 30 >/dev/null 2>&1 & echo \$! >'$T/left'"
	echo "rc=$?"
	try "$impl" after-$opt -n "$L" true
	kill "$(cat "$T/left")"
}

@test "ts/flock/close: -o closes the lock's descriptor for the command" {
	local o s
	o=$(ts_close orig -o)
	s=$(ts_close syskit -o)
	assert_equal "$s" "$o"
	assert_equal "$s" "rc=0
after--o rc=0 out= err="
	o=$(ts_close orig -x)
	s=$(ts_close syskit -x)
	assert_equal "$s" "$o"
	assert_equal "$s" "rc=0
after--x rc=1 out= err="
	# the command's own view: the lock file among its descriptors
	# without -o, not with it
	local impl list='for f in /proc/$$/fd/*; do readlink "$f"; done; true'
	for impl in orig syskit; do
		run -0 with "$impl" flock "$L" sh -c "$list"
		assert_line "$L"
		run -0 with "$impl" flock -o "$L" sh -c "$list"
		refute_line "$L"
	done
}

# the usage and value errors of util-linux's command line
errors() {
	local impl=$1
	try "$impl" none
	try "$impl" badopt -z "$L" true
	try "$impl" badlong --zz "$L" true
	try "$impl" noval -w
	try "$impl" badwait -w abc "$L" true
	try "$impl" negwait -w -1 "$L" true
	try "$impl" badcode -E abc "$L" true
	try "$impl" bigcode -E 300 "$L" true
	try "$impl" rangecode -E 99999999999 "$L" true
	try "$impl" closefork -o -F "$L" true
	try "$impl" c-none "$L" -c
	try "$impl" c-two "$L" -c a b
	try "$impl" nofile -n
	try "$impl" badfd abc
	try "$impl" fdnotopen 99
	try "$impl" negfd -- -5
	try "$impl" noopen "$T/no/such/dir/x" true
	try "$impl" noexec "$L" "$T/no/such/cmd"
	try "$impl" noexec-F -F "$L" "$T/no/such/cmd"
	try "$impl" direxec "$L" "$T"
}

@test "ts/flock: bad command lines, missing files and commands: the same words and sysexits codes" {
	local o s
	o=$(errors orig)
	# strerror's words are the C library's: musl's (the static build)
	# for ERANGE differ from glibc's
	s=$(errors syskit | sed 's/Result not representable/Numerical result out of range/')
	assert_equal "$s" "$o"
	assert_equal "$s" "none rc=64 out= err=flock: not enough arguments|Try 'flock --help' for more information.
badopt rc=64 out= err=flock: invalid option -- 'z'|Try 'flock --help' for more information.
badlong rc=64 out= err=flock: unrecognized option '--zz'|Try 'flock --help' for more information.
noval rc=64 out= err=flock: option requires an argument -- 'w'|Try 'flock --help' for more information.
badwait rc=64 out= err=flock: invalid timeout value: 'abc'
negwait rc=71 out= err=flock: cannot set up timer: Invalid argument
badcode rc=64 out= err=flock: invalid exit code: 'abc'
bigcode rc=64 out= err=flock: exit code out of range (expected 0 to 255)
rangecode rc=64 out= err=flock: invalid exit code: '99999999999': Numerical result out of range
closefork rc=64 out= err=flock: the --no-fork and --close options are incompatible
c-none rc=64 out= err=flock: -c requires exactly one command argument
c-two rc=64 out= err=flock: -c requires exactly one command argument
nofile rc=64 out= err=flock: requires file descriptor, file or directory
badfd rc=64 out= err=flock: bad file descriptor: 'abc'
fdnotopen rc=65 out= err=flock: 99: Bad file descriptor
negfd rc=65 out= err=flock: -5: Bad file descriptor
noopen rc=66 out= err=flock: cannot open lock file $T/no/such/dir/x: No such file or directory
noexec rc=69 out= err=flock: failed to execute $T/no/such/cmd: No such file or directory
noexec-F rc=69 out= err=flock: failed to execute $T/no/such/cmd: No such file or directory
direxec rc=69 out= err=flock: failed to execute $T: Permission denied"
}

# the command's fate: its exit code, a signal, -c through $SHELL or sh
fates() {
	local impl=$1
	try "$impl" exit3 "$L" sh -c 'exit 3'
	try "$impl" c-exit4 "$L" -c 'echo in; exit 4'
	try "$impl" command "$L" --command 'echo $0'
	try "$impl" killed "$L" sh -c 'kill -9 $$'
	SHELL=/bin/bash try "$impl" shell "$L" -c 'echo ${BASH_VERSION:+bash}'
	SHELL= try "$impl" noshell "$L" -c 'echo ${BASH_VERSION:-sh}'
	try "$impl" args "$L" printf '%s,' a 'b c' ''
	try "$impl" nofork -F "$L" sh -c 'exit 5'
	# -F: the command is flock's process; without, flock is its parent
	try "$impl" nofork-parent -F "$L" sh -c 'cat /proc/$PPID/comm'
	try "$impl" fork-parent "$L" sh -c 'cat /proc/$PPID/comm'
	try "$impl" unlockcmd -u "$L" echo ran
}

@test "ts/flock: the command's exit code, 128+N for a signal, -c through \$SHELL" {
	local o s
	o=$(fates orig)
	s=$(fates syskit)
	assert_equal "$s" "$o"
	assert_equal "$s" "exit3 rc=3 out= err=
c-exit4 rc=4 out=in err=
command rc=0 out=/bin/sh err=
killed rc=137 out= err=
shell rc=0 out=bash err=
noshell rc=0 out=sh err=
args rc=0 out=a,b c,, err=
nofork rc=5 out= err=
nofork-parent rc=0 out=bash err=
fork-parent rc=0 out=flock err=
unlockcmd rc=0 out=ran err="
}

# the lock file: made 0666 less the umask, a directory opened read-only
files() {
	local impl=$1
	rm -rf "$T/f" "$T/d"
	umask 002
	try "$impl" create "$T/f" true
	echo "mode $(stat -c %a "$T/f")"
	umask 022
	mkdir "$T/d"
	try "$impl" dir "$T/d" sh -c "grep -c ':$(stat -c %i "$T/d") ' /proc/locks"
	chmod 0444 "$T/f"
	try "$impl" readonly -s "$T/f" true
	try "$impl" devnull /dev/null true
}

@test "ts/flock: the lock file is made 0666 & ~umask, a directory is locked read-only" {
	local o s
	o=$(files orig)
	s=$(files syskit)
	assert_equal "$s" "$o"
	assert_equal "$s" "create rc=0 out= err=
mode 664
dir rc=0 out=1 err=
readonly rc=0 out= err=
devnull rc=0 out= err="
}

# --verbose and the conflict and timeout codes, against a holder
conflicts() {
	local impl=$1
	holder "$impl"
	held "$L" FLOCK WRITE || return 1
	try "$impl" n -n "$L" true
	try "$impl" nv -n --verbose "$L" true
	try "$impl" w -w 0.2 "$L" true
	try "$impl" wv -w 0.2 --verbose "$L" true
	try "$impl" wE -w .1 -E 7 "$L" true
	try "$impl" w0 -w 0 --verbose "$L" true
	try "$impl" nE0 -n -E 0 "$L" echo never
	try "$impl" s -s -n "$L" true
	exec 8<"$L"
	try "$impl" fd -n --verbose 8
	exec 8<&-
	release
}

@test "ts/flock: conflict and timeout exit 1 (or -E), said only with --verbose" {
	local o s
	o=$(conflicts orig)
	BG=()
	s=$(conflicts syskit)
	assert_equal "$s" "$o"
	assert_equal "$s" "n rc=1 out= err=
nv rc=1 out= err=flock: failed to get lock
w rc=1 out= err=
wv rc=1 out= err=flock: timeout while waiting to get lock
wE rc=7 out= err=
w0 rc=1 out= err=flock: failed to get lock
nE0 rc=0 out= err=
s rc=1 out= err=
fd rc=1 out= err=flock: failed to get lock"
}

@test "ts/flock: --verbose lines on stdout after the command's, as util-linux writes them" {
	local impl
	for impl in orig syskit; do
		run -0 with "$impl" flock --verbose "$L" echo hi
		# bats captures through a pipe: util-linux's lines come at exit
		assert_line --index 0 "hi"
		assert_line --index 1 --regexp '^flock: getting lock took [0-9]+\.[0-9]{6} seconds$'
		assert_line --index 2 "flock: executing echo"
	done
}

@test "compat flock: syskit's flock and syskit lock exclude each other, and util-linux's" {
	holder syskit
	held "$L" FLOCK WRITE
	run -75 "$SYSKIT_BIN" lock -n "$L" true
	run -1 /usr/bin/flock -n "$L" true
	release
	BG=()
	rm -f "$T/go"
	bg "$SYSKIT_BIN" lock "$L" sh -c "while [ ! -e '$T/go' ]; do sleep 0.02; done"
	held "$L" FLOCK WRITE
	run -1 with syskit flock -n "$L" true
	touch "$T/go"
	wait "${BG[0]}"
	run -0 with syskit flock -n "$L" true
}

@test "compat flock: documented difference: TERM to flock reaches the command and the lock is let go" {
	local rc=0
	# util-linux: flock dies, its command runs on and keeps the lock
	holder orig
	held "$L" FLOCK WRITE
	kill -TERM "${BG[0]}"
	wait "${BG[0]}" || rc=$?
	assert_equal "$rc" 143
	run -1 with orig flock -w 0.3 "$L" true
	touch "$T/go"
	run -0 with orig flock -w 5 "$L" true
	# syskit: the command gets the TERM too (as under lock and run): no
	# command runs on with the lock of a flock that was killed
	BG=()
	holder syskit
	held "$L" FLOCK WRITE
	kill -TERM "${BG[0]}"
	rc=0
	wait "${BG[0]}" || rc=$?
	assert_equal "$rc" 143
	run -0 with syskit flock -w 5 "$L" true
}
