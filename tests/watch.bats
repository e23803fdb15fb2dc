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
		kill "$WPID" 2>/dev/null || true
		wait "$WPID" 2>/dev/null || true
	fi
	for r in "${RESTORE[@]}"; do
		echo "${r#*=}" >"${r%%=*}"
	done
	pkill -KILL -f "$BATS_TEST_TMPDIR/srv" 2>/dev/null || true
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

@test "watch: --allow-missing watches a path that is not there yet" {
	bg --allow-missing "$D/later"
	sleep 0.2
	echo x >"$D/later"
	wait_for "^created $D/later\$"
}
