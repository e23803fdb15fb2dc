#!/usr/bin/env bats
# watch: the event stream (exact lines and JSON for each event, trees made
# in one burst, editors' saves, filters, overflow, limits, --once), running
# a command on change (debounce, busy modes, the changed paths, signals),
# and the periodic mode.  Every watcher runs in the background writing to
# $OUT; a test waits for a line (bounded) instead of sleeping.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	PATH="$SKBIN:$PATH"
	unset SYSKIT_PROC SYSKIT_SYS NO_COLOR
	D=$BATS_TEST_TMPDIR/d
	OUT=$BATS_TEST_TMPDIR/out
	ERR=$BATS_TEST_TMPDIR/err
	mkdir -p "$D"
	WPID=
	RESTORE=()
}

teardown() {
	local r
	if [ -n "$WPID" ]; then
		# TERM: the watcher stops its command's tree, then exits
		kill "$WPID" 2>/dev/null || true
		wait "$WPID" 2>/dev/null || true
	fi
	for r in "${RESTORE[@]}"; do
		echo "${r#*=}" >"${r%%=*}"
	done
}

# sysctl_set FILE VALUE: set a /proc/sys file, restored in teardown
sysctl_set() {
	RESTORE+=("$1=$(cat "$1")")
	echo "$2" >"$1"
}

# bg ARGS...: run syskit watch ARGS in the background, output in $OUT
bg() {
	syskit watch "$@" >"$OUT" 2>"$ERR" &
	WPID=$!
}

# wait_for REGEX [FILE]: until a line of FILE ($OUT) matches (5 s at most)
wait_for() {
	local i f=${2:-$OUT}
	for i in $(seq 500); do
		grep -qE -- "$1" "$f" 2>/dev/null && return 0
		sleep 0.01
	done
	echo "no line matching '$1' in $f:"
	cat "$f"
	return 1
}

# ready [DIR]: the watcher reports changes in DIR ($D): a probe file is
# touched until it is reported; MARK is the line count then
ready() {
	local dir=${1:-$D} i p=${PROBE:-zprobe}
	for i in $(seq 100); do
		touch "$dir/$p"
		grep -q "$p" "$OUT" 2>/dev/null && break
		sleep 0.05
	done
	wait_for "$p"
	sleep 0.05
	MARK=$(wc -l <"$OUT")
}

# since: the lines after MARK
since() {
	tail -n "+$((MARK + 1))" "$OUT"
}

# expect LINE...: the lines after MARK are exactly these, once the last
# has come
expect() {
	local want
	wait_for "^$(printf '%s' "${!#}" | sed 's/[.[\*^$]/\\&/g')\$"
	sleep 0.1
	want=$(printf '%s\n' "$@")
	run since
	assert_output "$want"
}

# ---- usage ----

@test "watch: --help and the man page's synopsis agree" {
	run syskit watch --help
	assert_success
	assert_line --index 0 --partial 'usage: watch [-cLpr] [-d duration]'
	# every long option of --help is in the man page
	local o
	for o in $(syskit watch --help | grep -o -- ' --[a-z-]*' | sort -u); do
		grep -q -- "Fl ${o#-}" "$TOP/man/watch.1" || {
			echo "$o is not in man/watch.1"; return 1; }
	done
	run syskit watch --version
	assert_output --regexp '^syskit [0-9]'
}

@test "watch: bad input: one line and exit 2" {
	run syskit watch --debounce x "$D"
	assert_failure 2
	assert_line --index 0 'syskit watch: invalid --debounce: x'
	assert_line --index 1 "Try 'syskit watch --help'."
	run syskit watch -e bogus "$D"
	assert_failure 2
	assert_line --index 0 --partial 'invalid --event: bogus'
	run syskit watch --on-busy maybe "$D" -- true
	assert_failure 2
	run syskit watch --bogus
	assert_failure 2
	assert_line --index 0 'syskit watch: unknown option: --bogus'
	run syskit watch "$D" --
	assert_failure 2
	assert_line --index 0 'syskit watch: no command after --'
	run syskit watch --until "$D"
	assert_failure 2
	run syskit watch -n
	assert_failure 2
	assert_line --index 0 'syskit watch: option -n needs a value'
}

@test "watch: a missing path is an error (exit 1, one line)" {
	run syskit watch "$D/nope"
	assert_failure 1
	assert_output "syskit watch: cannot watch $D/nope: No such file or directory"
}

# ---- events: exact lines ----

@test "watch: created, modified, attrib, moved, deleted: exact lines" {
	echo old >"$D/f"
	bg "$D"
	ready
	echo more >>"$D/f"
	wait_for "^modified $D/f\$"
	chmod 600 "$D/f"
	wait_for "^attrib $D/f\$"
	mv "$D/f" "$D/g"
	wait_for "^moved $D/f -> $D/g\$"
	rm "$D/g"
	wait_for "^deleted $D/g\$"
	mkdir "$D/sub"
	wait_for "^created $D/sub\$"
	: >"$D/sub/n"
	expect "modified $D/f" "attrib $D/f" "moved $D/f -> $D/g" \
	    "deleted $D/g" "created $D/sub" "created $D/sub/n"
}

@test "watch: closed_write with --close-write (and no modified)" {
	echo a >"$D/f"
	bg --close-write "$D"
	ready
	echo b >>"$D/f"
	expect "closed_write $D/f"
}

@test "watch: paths are relative under ." {
	cd "$D"
	bg .
	ready
	mkdir x
	wait_for '^created x$'
	: >x/y
	expect "created x" "created x/y"
}

@test "watch: --json lines with time, event, path, dest_path, is_dir" {
	bg --json "$D"
	ready
	mkdir "$D/a"
	wait_for '"path":".*/a"'
	: >"$D/a/f"
	wait_for '/a/f"'
	mv "$D/a/f" "$D/a/g"
	wait_for '"event":"moved"'
	sleep 0.1
	run since
	[ "${#lines[@]}" -eq 3 ]
	run $PY -c '
import json, sys, time
ev = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()[int(sys.argv[2]):]]
d = sys.argv[3]
assert [e["event"] for e in ev] == ["created", "created", "moved"], ev
assert ev[0] == dict(ev[0], path=d + "/a", is_dir=True), ev[0]
assert ev[1]["path"] == d + "/a/f" and ev[1]["is_dir"] is False, ev[1]
assert "dest_path" not in ev[0]
assert ev[2]["path"] == d + "/a/f" and ev[2]["dest_path"] == d + "/a/g"
assert all(abs(e["time"] - time.time()) < 60 for e in ev)
print("ok")' "$OUT" "$MARK" "$D"
	assert_output ok
}

@test "watch: -e filters events" {
	bg -e deleted,moved "$D"
	for i in $(seq 100); do
		: >"$D/p$i"; rm "$D/p$i"
		grep -q "deleted $D/p" "$OUT" && break
		sleep 0.05
	done
	sleep 0.1
	MARK=$(wc -l <"$OUT")
	: >"$D/f"
	echo x >"$D/f"
	sleep 0.1
	mv "$D/f" "$D/g"
	expect "moved $D/f -> $D/g"
}

@test "watch: mkdir -p a/b/c && touch a/b/c/f in one burst reports every one, once" {
	bg "$D"
	ready
	mkdir -p "$D/a/b/c" && touch "$D/a/b/c/f"
	expect "created $D/a" "created $D/a/b" "created $D/a/b/c" \
	    "created $D/a/b/c/f"
}

@test "watch: 200 rounds of mkdir -p n/x/y; : > n/x/y/file: nothing lost, nothing twice" {
	bg "$D"
	ready
	for i in $(seq 200); do
		mkdir -p "$D/n$i/x/y"; : >"$D/n$i/x/y/file"
	done
	wait_for "created $D/n200/x/y/file"
	sleep 0.2
	run grep -c '^created .*/file$' "$OUT"
	assert_output 200
	run grep -c '^created .*/y$' "$OUT"
	assert_output 200
	run sh -c "since() { tail -n +$((MARK + 1)) '$OUT'; }; since | sort | uniq -d"
	assert_output ''
}

@test "watch: a directory moved in is watched and its contents reported" {
	mkdir -p "$BATS_TEST_TMPDIR/away/m/n"
	: >"$BATS_TEST_TMPDIR/away/m/n/f"
	bg "$D"
	ready
	mv "$BATS_TEST_TMPDIR/away/m" "$D/m"
	wait_for "created $D/m/n/f"
	: >"$D/m/n/g"
	expect "created $D/m" "created $D/m/n" "created $D/m/n/f" \
	    "created $D/m/n/g"
}

@test "watch: a directory renamed inside keeps its watches under the new name" {
	mkdir -p "$D/a/b"
	bg "$D"
	ready
	mv "$D/a" "$D/z"
	wait_for "moved $D/a -> $D/z"
	: >"$D/z/b/f"
	expect "moved $D/a -> $D/z" "created $D/z/b/f"
}

@test "watch: --no-recursive watches the directory alone" {
	mkdir -p "$D/sub"
	bg --no-recursive "$D"
	ready
	: >"$D/sub/f"
	: >"$D/top"
	expect "created $D/top"
}

# ---- editors ----

@test "watch: a vim-style save (4913 probe, backup rename, new file) is a modification" {
	echo one >"$D/f"
	bg "$D"
	ready
	: >"$D/4913"; rm "$D/4913"
	mv "$D/f" "$D/f~"
	echo two >"$D/f"
	rm "$D/f~"
	sleep 0.1
	: >"$D/after"
	expect "modified $D/f" "created $D/after"
}

@test "watch: a sed -i save (temp file renamed over) is a modification" {
	echo one >"$D/f"
	bg "$D"
	ready
	sed -i s/one/two/ "$D/f"
	sleep 0.1
	: >"$D/after"
	expect "modified $D/f" "created $D/after"
}

@test "watch: a single file is watched through its directory, also across replacement" {
	echo one >"$D/f"
	: >"$D/other"
	bg "$D/f"
	for i in $(seq 100); do
		touch "$D/f"
		grep -q attrib "$OUT" && break
		sleep 0.05
	done
	sleep 0.1
	MARK=$(wc -l <"$OUT")
	sed -i s/one/two/ "$D/f"
	wait_for "^modified $D/f\$"
	echo x >>"$D/other"
	sleep 0.1	# the same file modified again within 30ms is one event
	echo three >>"$D/f"
	expect "modified $D/f" "modified $D/f"
}

# ---- filters ----

@test "watch: the default ignore list, and --no-default-ignore" {
	mkdir -p "$D/.git"
	bg "$D"
	ready
	: >"$D/.git/index"; : >"$D/x.swp"; : >"$D/x~"; : >"$D/.#x"
	: >"$D/kept"
	expect "created $D/kept"
	kill "$WPID"; wait "$WPID" || true
	bg --no-default-ignore "$D"
	ready
	: >"$D/y.swp"
	expect "created $D/y.swp"
}

@test "watch: -i GLOB relative to the root with **, and --ext" {
	mkdir -p "$D/src/deep/er" "$D/build"
	bg -i 'build/' -i 'src/**/*.o' --ext c,o "$D"
	PROBE=zprobe.c ready
	: >"$D/build/x.c"; : >"$D/src/deep/er/y.o"; : >"$D/src/a.txt"
	: >"$D/y.o"
	: >"$D/src/deep/z.c"
	expect "created $D/y.o" "created $D/src/deep/z.c"
}

@test "watch: an ignored directory costs no watch" {
	mkdir -p "$D/node_modules/a/b/c" "$D/src"
	bg -i node_modules "$D"
	ready
	run sh -c "cat /proc/$WPID/fdinfo/* 2>/dev/null | grep -c '^inotify wd:'"
	assert_output 2
}

@test "watch: --gitignore with a negation" {
	printf '*.log\n!keep.log\nout/\n' >"$D/.gitignore"
	mkdir -p "$D/sub" "$D/out"
	printf 'local.txt\n' >"$D/sub/.gitignore"
	bg --gitignore "$D"
	ready
	: >"$D/a.log"; : >"$D/sub/b.log"; : >"$D/out/x"; : >"$D/sub/local.txt"
	: >"$D/local.txt"
	: >"$D/keep.log"
	expect "created $D/local.txt" "created $D/keep.log"
}

@test "watch: symlinks are not followed; -L follows them and stops at loops" {
	mkdir -p "$BATS_TEST_TMPDIR/elsewhere" "$D/real"
	ln -s "$BATS_TEST_TMPDIR/elsewhere" "$D/link"
	ln -s .. "$D/real/up"
	bg "$D"
	ready
	: >"$BATS_TEST_TMPDIR/elsewhere/a"
	: >"$D/real/b"
	expect "created $D/real/b"
	kill "$WPID"; wait "$WPID" || true
	bg -L "$D"
	ready
	: >"$BATS_TEST_TMPDIR/elsewhere/c"
	expect "created $D/link/c"
}

# ---- overflow and limits ----

@test "watch: a queue overflow is reported and the tree rescanned" {
	sysctl_set /proc/sys/fs/inotify/max_queued_events 16
	bg "$D"
	ready
	kill -STOP "$WPID"
	mkdir "$D/new"
	for i in $(seq 100); do : >"$D/f$i"; done
	kill -CONT "$WPID"
	wait_for "^overflow $D\$"
	: >"$D/new/after"
	wait_for "created $D/new/after"
}

@test "watch: the watch limit: one line naming the sysctl, its value, the need, the fix" {
	local i
	for i in $(seq 30); do mkdir -p "$D/d$i/e"; done
	sysctl_set /proc/sys/fs/inotify/max_user_watches 20
	run syskit watch "$D"
	echo "${RESTORE[0]#*=}" >/proc/sys/fs/inotify/max_user_watches
	assert_failure 1
	assert_equal "${#lines[@]}" 1
	assert_output --regexp "^syskit watch: cannot watch .*: inotify watch limit reached: fs.inotify.max_user_watches is 20 and this tree needs 61 watches; raise it with: sysctl -w fs.inotify.max_user_watches=81\$"
}

# ---- --once, --timeout ----

@test "watch: --once exits 0 at the first event; --timeout gives 124" {
	run -124 syskit watch --once --timeout 0.2 "$D"
	assert_output ''
	syskit watch --once "$D" >"$OUT" &
	WPID=$!
	for i in $(seq 100); do
		: >"$D/f$i"
		! kill -0 "$WPID" 2>/dev/null && break
		sleep 0.05
	done
	wait "$WPID"
	WPID=
	run cat "$OUT"
	assert_line --index 0 --regexp "^created $D/f[0-9]+\$"
	assert_equal "${#lines[@]}" 1
}

@test "watch: --once -e created waits for a file to appear; --exists-ok when it is there" {
	(sleep 0.3; : >"$D/ready") &
	run syskit watch --once -e created --timeout 5s "$D/ready"
	assert_success
	assert_output "created $D/ready"
	run syskit watch --once -e created --exists-ok --timeout 5s "$D/ready"
	assert_success
	assert_output ''
	run -124 syskit watch --once -e created --timeout 0.1 "$D/ready"
	run -124 syskit watch --once -e created --timeout 0.1 "$D/never"
}

@test "watch: --allow-missing watches a path that is not there yet, through its nearest directory" {
	bg --allow-missing "$D/later"
	sleep 0.2
	echo x >"$D/later"
	wait_for "^created $D/later\$"
	kill "$WPID"; wait "$WPID" || true
	bg --allow-missing "$D/x/y/z"
	sleep 0.2
	mkdir -p "$D/x/y" && : >"$D/x/y/z"
	wait_for "^created $D/x/y/z\$"
	sleep 0.1
	echo more >>"$D/x/y/z"
	wait_for "^modified $D/x/y/z\$"
	run grep -c . "$OUT"
	assert_output 2
}

@test "watch: --allow-missing: directories made between a look and a watch (mkdir -p) are not missed" {
	# each root is eight levels below $D; mkdir -p makes the next level
	# while the watcher adds its watch on the one above, and the watcher
	# looks again after each watch (2 in 40 runs of one root missed it)
	local i roots=()
	for i in $(seq 30); do
		roots+=("$D/$i/a/b/c/d/e/f/g/z")
	done
	bg --allow-missing -e created "${roots[@]}"
	sleep 0.2
	for i in $(seq 30); do
		mkdir -p "$D/$i/a/b/c/d/e/f/g" && : >"$D/$i/a/b/c/d/e/f/g/z"
	done
	for i in $(seq 30); do
		wait_for "^created $D/$i/a/b/c/d/e/f/g/z\$"
	done
	run grep -c . "$OUT"
	assert_output 30
}

# ---- running a command on change ----

# runs N: until the command has logged N runs in $LOG (5 s at most)
runs() {
	local i
	for i in $(seq 500); do
		[ "$(grep -c '^run' "$LOG" 2>/dev/null)" -ge "$1" ] && return 0
		sleep 0.01
	done
	echo "not $1 runs in $LOG:"
	cat "$LOG"
	return 1
}

# start_run ARGS...: syskit watch ARGS with the command (after --) logging
# "run" and what it got to $LOG
start_run() {
	LOG=$BATS_TEST_TMPDIR/log
	: >"$LOG"
	syskit watch "$@" >"$OUT" 2>"$ERR" &
	WPID=$!
}

LOGCMD='echo run >>"$LOG"; printf "%s\n" "${SYSKIT_CHANGED-unset}" >>"$LOG"; tr "\0" "\n" <"$SYSKIT_CHANGED_FILE" | sed "s/^/file: /" >>"$LOG"'

@test "watch --: runs at start, then with the changed paths in SYSKIT_CHANGED and SYSKIT_CHANGED_FILE" {
	export LOG=$BATS_TEST_TMPDIR/log
	start_run "$D" -- sh -c "$LOGCMD"
	runs 1
	sleep 0.2
	: >"$D/a"
	runs 2
	run cat "$LOG"
	assert_output "$(printf 'run\n\nrun\n%s\nfile: %s' "$D/a" "$D/a")"
}

@test "watch -p: not at start; --shell STRING; the changed file is removed at exit" {
	export LOG=$BATS_TEST_TMPDIR/log
	start_run -p --shell 'echo run >>"$LOG"; echo "$SYSKIT_CHANGED_FILE" >"$LOG.f"' "$D"
	sleep 0.3
	run cat "$LOG"
	assert_output ''
	: >"$D/a"
	runs 1
	[ -f "$(cat "$LOG.f")" ]
	kill -TERM "$WPID"
	st=0
	wait "$WPID" || st=$?
	WPID=
	assert_equal "$st" 143
	[ ! -e "$(cat "$LOG.f")" ]
}

@test "watch --: 1000 files in one burst run the command once, every path in the file" {
	export LOG=$BATS_TEST_TMPDIR/log
	start_run -p -d 500ms "$D" -- sh -c "$LOGCMD"
	sleep 0.3
	(cd "$D" && touch $(seq -f 'f%g' 1000))
	runs 1
	sleep 0.8
	run grep -c '^run' "$LOG"
	assert_output 1
	run grep -c '^file: ' "$LOG"
	assert_output 1000
	# too long for the environment: SYSKIT_CHANGED is not set
	run grep -c '^unset$' "$LOG"
	assert_output 1
}

@test "watch --on-busy queue: changes during a run give one more run" {
	export LOG=$BATS_TEST_TMPDIR/log
	start_run -p -d 0 "$D" -- sh -c 'echo run >>"$LOG"; sleep 0.5'
	sleep 0.3
	: >"$D/a"
	runs 1
	: >"$D/b"; sleep 0.05; : >"$D/c"; sleep 0.05; : >"$D/d"
	runs 2
	sleep 0.8
	run grep -c '^run' "$LOG"
	assert_output 2
}

@test "watch -r: restart kills a server-like command's whole tree and starts a new one" {
	export LOG=$BATS_TEST_TMPDIR/log
	cat >"$BATS_TEST_TMPDIR/srv" <<'SH'
#!/bin/sh
sleep 1000 &
echo "run $$ $!" >>"$LOG"
trap '' TERM
wait
SH
	chmod +x "$BATS_TEST_TMPDIR/srv"
	start_run -r --grace 0.2s -d 0 "$D" -- "$BATS_TEST_TMPDIR/srv"
	runs 1
	read -r _ p1 s1 < <(head -n 1 "$LOG")
	kill -0 "$p1"
	kill -0 "$s1"
	: >"$D/a"
	runs 2
	read -r _ p2 s2 < <(sed -n 2p "$LOG")
	[ "$p2" != "$p1" ]
	run kill -0 "$p1"
	assert_failure
	run kill -0 "$s1"
	assert_failure
	kill -0 "$p2"
	kill -0 "$s2"
}

@test "watch --on-busy signal: --signal HUP reaches the command, which keeps running" {
	export LOG=$BATS_TEST_TMPDIR/log
	start_run --signal HUP -d 0 "$D" -- sh -c 'trap "echo hup >>\"\$LOG\"" HUP; echo run >>"$LOG"; while :; do sleep 0.05; done'
	runs 1
	: >"$D/a"
	wait_for '^hup$' "$LOG"
	run grep -c '^run' "$LOG"
	assert_output 1
}

@test "watch --: INT stops the command's tree and exits 130" {
	export LOG=$BATS_TEST_TMPDIR/log
	start_run "$D" -- sh -c 'sleep 1000 & echo "run $!" >>"$LOG"; wait'
	runs 1
	read -r _ s < "$LOG"
	kill -INT "$WPID"
	st=0
	wait "$WPID" || st=$?
	WPID=
	assert_equal "$st" 130
	run kill -0 "$s"
	assert_failure
}

@test "watch --exit-on-error and --once give the command's status" {
	run -3 syskit watch --exit-on-error "$D" -- sh -c 'exit 3'
	export LOG=$BATS_TEST_TMPDIR/log
	start_run --once -d 0 "$D" -- sh -c 'echo run >>"$LOG"; exit 5'
	runs 1
	: >"$D/a"
	st=0
	wait "$WPID" || st=$?
	WPID=
	assert_equal "$st" 5
	run grep -c '^run' "$LOG"
	assert_output 2
}

@test "watch --: a command not found is 127, one line" {
	run -127 syskit watch "$D" -- /nonexistent/cmd
	assert_output 'syskit watch: cannot run /nonexistent/cmd: No such file or directory'
}

@test "watch --debounce-mode leading runs at the first change, before the quiet period" {
	export LOG=$BATS_TEST_TMPDIR/log
	start_run -p -d 30s --debounce-mode leading "$D" -- sh -c 'echo run >>"$LOG"'
	sleep 0.3
	: >"$D/a"
	runs 1
}

@test "watch --: an overflow is reported as a change: the command runs" {
	export LOG=$BATS_TEST_TMPDIR/log
	sysctl_set /proc/sys/fs/inotify/max_queued_events 16
	start_run -p -d 0 "$D" -- sh -c "$LOGCMD"
	sleep 0.3
	kill -STOP "$WPID"
	for i in $(seq 100); do : >"$D/f$i"; done
	kill -CONT "$WPID"
	# the run that has the overflow among its changes names the root
	wait_for "^file: $D\$" "$LOG"
}

# ---- periodic ----

@test "watch -n --until: runs until the command succeeds, output in turn" {
	cd "$BATS_TEST_TMPDIR"
	run syskit watch -n 0.05 --until -- sh -c 'echo x >>c; echo "try $(wc -l <c)"; [ "$(wc -l <c)" -ge 3 ]'
	assert_success
	assert_output "$(printf 'try 1\ntry 2\ntry 3')"
}

@test "watch -n off a terminal: the command writes to our stdout itself, stderr too, no pipe between" {
	cd "$BATS_TEST_TMPDIR"
	syskit watch -n 0.05 --until -- sh -c 'echo out; echo err >&2; readlink /proc/self/fd/1 /proc/self/fd/2' >o 2>e
	assert_equal "$(cat o)" "$(printf 'out\nerr\n%s\n%s' "$PWD/o" "$PWD/o")"
	assert_equal "$(cat e)" ""
	# --chgexit keeps each run's output: through a pipe, then shown
	syskit watch -n 0.05 --chgexit -- sh -c 'echo x >>c; readlink /proc/self/fd/1; wc -l <c' >o2
	run sed -n 1p o2
	assert_output --regexp '^pipe:'
}

@test "watch -n --errexit stops at the first failure with its status" {
	cd "$BATS_TEST_TMPDIR"
	run -4 syskit watch -n 0.05 --errexit -- sh -c 'echo x >>c; echo "run $(wc -l <c)"; [ "$(wc -l <c)" -lt 2 ] || exit 4'
	assert_output "$(printf 'run 1\nrun 2')"
}

@test "watch -n --chgexit stops when the output changes" {
	cd "$BATS_TEST_TMPDIR"
	run syskit watch -n 0.05 --chgexit -- sh -c 'echo x >>c; echo "$(($(wc -l <c) / 3))"'
	assert_success
	assert_output "$(printf '0\n0\n1')"
}

@test "watch -n --timeout gives 124; --until with a command that never succeeds" {
	run -124 syskit watch -n 0.05 --until --timeout 0.3 -- false
	assert_output ''
}

@test "watch -n with a PATH runs on change, or at least every interval" {
	export LOG=$BATS_TEST_TMPDIR/log
	start_run -n 0.2 -d 0 "$D" -- sh -c 'echo run >>"$LOG"'
	runs 3
}

@test "watch -n on a terminal: full screen, a header line, --differences in reverse video" {
	cd "$BATS_TEST_TMPDIR"
	run script -qec "syskit watch -n 0.05 --chgexit --differences -- sh -c 'echo x >>c; echo \"n \$(wc -l <c)\"'" /dev/null
	assert_success
	# two screens: each cleared, with the header, then the output
	run grep -c $'^\e\\[H\e\\[2JEvery 0.05s: sh -c echo x >>c; echo "n $(wc -l <c)"' <<<"$output"
	assert_output 2
	run script -qec "syskit watch -n 0.05 --chgexit --differences -- sh -c 'echo x >>c; echo \"n \$(wc -l <c)\"'" /dev/null
	assert_output --partial $'n \e[7m4\e[27m'
}

# ---- the fanotify backend (root) ----

@test "watch --backend fanotify: the same events, no watch per directory" {
	mkdir -p "$D/node_modules/deep" "$D/sub"
	echo a >"$D/f"
	bg --backend fanotify -i node_modules "$D"
	ready
	mkdir -p "$D/sub/a/b" && : >"$D/sub/a/b/c"
	wait_for "created $D/sub/a/b/c"
	: >"$D/node_modules/deep/x"
	echo b >>"$D/f"
	wait_for "^modified $D/f\$"
	mv "$D/f" "$D/g"
	wait_for "^moved $D/f -> $D/g\$"
	rm "$D/g"
	expect "created $D/sub/a" "created $D/sub/a/b" "created $D/sub/a/b/c" \
	    "modified $D/f" "moved $D/f -> $D/g" "deleted $D/g"
	run sh -c "cat /proc/$WPID/fdinfo/* 2>/dev/null | grep -c '^inotify wd:'"
	assert_output 0
}

@test "watch --backend fanotify: a single file replaced by sed -i is modified" {
	echo one >"$D/f"
	bg --backend fanotify "$D/f"
	for i in $(seq 100); do
		touch "$D/f"
		grep -q attrib "$OUT" && break
		sleep 0.05
	done
	sleep 0.1
	MARK=$(wc -l <"$OUT")
	sed -i s/one/two/ "$D/f"
	expect "modified $D/f"
}

@test "watch --backend auto: past the inotify watch limit, fanotify instead of the error" {
	local i
	for i in $(seq 30); do mkdir -p "$D/d$i/e"; done
	sysctl_set /proc/sys/fs/inotify/max_user_watches 20
	bg --backend auto "$D"
	ready
	echo "${RESTORE[0]#*=}" >/proc/sys/fs/inotify/max_user_watches
	: >"$D/d30/e/x"
	expect "created $D/d30/e/x"
	run cat "$ERR"
	assert_output ''
	# no inotify watch is left: it runs on a fanotify mark
	run sh -c "cat /proc/$WPID/fdinfo/* 2>/dev/null | grep -c '^inotify wd:'"
	assert_output 0
	run sh -c "cat /proc/$WPID/fdinfo/* 2>/dev/null | grep -c '^fanotify'"
	refute_output 0
}
