#!/usr/bin/env bats
# ps: selection, formats, layout, names that try to fool a terminal,
# forest, sort, threads, races, JSON; checked against procps-ng ps and
# psutil on this machine, and on the captured tree tests/fixtures/ps-basic.

load helpers
bats_require_minimum_version 1.5.0

PSHELPER=$(dirname "$SYSKIT_BIN")/pshelper
PROCPS=/usr/bin/ps
# procps shows text as the locale says ('?' for each byte of a non-ASCII
# character in the C locale, which CI runs in); syskit shows valid UTF-8
# whatever the locale.  procps runs in a UTF-8 locale where there is one.
UTF8_LC=$(locale -a 2>/dev/null | grep -m1 -ix 'c\.utf-\?8') || UTF8_LC=
procps() {
	if [ -n "$UTF8_LC" ]; then
		LC_ALL=$UTF8_LC "$PROCPS" "$@"
	else
		"$PROCPS" "$@"
	fi
}

# helpers.bash's setup, and: our children, killed and reaped in teardown.
eval "$(declare -f setup | sed '1s/^setup/helpers_setup/')"
setup() {
	helpers_setup
	KIDS=()
	[ -x "$PSHELPER" ] || skip "no $PSHELPER (make builds it)"
}

teardown() {
	local p
	for p in "${KIDS[@]}"; do
		# a setsid child leads a group: its descendants go with it
		kill -9 -- "-$p" 2>/dev/null || true
		kill -9 "$p" 2>/dev/null || true
	done
	for p in "${KIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
}

# spawn ARGS...: run ARGS in the background, its pid in $PID once it has
# started (the helper prints its pid when it is set up).
spawn() {
	local out=$BATS_TEST_TMPDIR/spawn.$RANDOM
	"$@" >"$out" 3>&- &
	PID=$!
	KIDS+=("$PID")
	local i
	for i in $(seq 100); do
		[ -s "$out" ] && return 0
		sleep 0.02
	done
	echo "spawn: $* did not start" >&2
	return 1
}

need_procps() {
	[ -x "$PROCPS" ] && "$PROCPS" --version 2>/dev/null | grep -q procps-ng ||
	    skip "procps-ng ps is not installed"
}

# procps_same ARGS...: procps ps ARGS and syskit ps ARGS in turn, five runs
# (procps, syskit, procps, syskit, procps); the header must match, and every
# row that procps printed alike in all three of its runs (a process that
# lived through them, unchanged) must be in one of syskit's two outputs,
# equal.  Two looks because a busy process's state and C column can swing
# and swing back between runs (R, S, R).  Rows are keyed by PID (and
# LWP/SPID), or by the whole line when there is no PID column.  This shell
# and the bats processes above it are busy while the runs go on: their
# rows are left out.  Tried three times before failing.
procps_same() {
	need_procps
	local try d=$BATS_TEST_TMPDIR/procps_same busy p
	busy=$(p=$$; while [ "$p" -gt 1 ]; do echo "$p"; p=$(awk '{ sub(/.*\) /, ""); print $2 }' /proc/$p/stat); done)
	mkdir -p "$d"
	# without headers, rows are still keyed by PID: the header comes from
	# the same command with headers on
	local head="" a
	for a in "$@"; do
		case $a in --no-headers | --no-heading | h) head=yes ;; esac
	done
	if [ -n "$head" ]; then
		local with=()
		for a in "$@"; do
			case $a in --no-headers | --no-heading | h) ;; *) with+=("$a") ;; esac
		done
		head=$(procps "${with[@]}" | head -1)
	fi
	for try in 1 2 3; do
		procps "$@" >"$d/a" 2>&1 || true
		ps "$@" >"$d/b" 2>&1 || true
		procps "$@" >"$d/c" 2>&1 || true
		ps "$@" >"$d/d" 2>&1 || true
		procps "$@" >"$d/e" 2>&1 || true
		if HEAD="$head" BUSY="$busy" $PY "$TOP/tests/ps_compare.py" "$d" "$*" >"$d/why"
		then
			return 0
		fi
	done
	# the first differences on one line (CI logs keep the first lines)
	echo "ps $*: $(head -c 800 "$d/why" | tr '\n' '|')"
	cat "$d/why"
	return 1
}

# jx EXPR: jget on the JSON saved in $J (run replaces $output).
jx() {
	output=$J jget "$1"
}

# pids_of OUTPUT: the PID column of ps output, sorted.
pids_of() {
	printf '%s\n' "$1" | awk 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "PID") c = i; next } { print $c }' | sort -n
}

@test "--help prints usage to stdout; every option in it is in the man page" {
	run ps --help
	assert_success
	assert_line --index 0 'usage: ps [options]'
	local opt
	for opt in $(ps --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
		grep -qE -- "Fl $(printf '%s' "${opt#-}" | sed 's/-/\\\\?-/g')" "$TOP/man/ps.1" ||
		    grep -qF -- "${opt#--}" "$TOP/man/ps.1" || {
			echo "man/ps.1 lacks $opt"
			return 1
		}
	done
}

@test "ps L lists the keys; the man page describes every one" {
	run ps L
	assert_success
	[ "${#lines[@]}" -ge 60 ]
	local k
	for k in $(ps L | awk '{print $1}'); do
		# the key, or an alias in its entry's list
		grep -qE "^\.It Cm (.* )?$(printf '%s' "$k" | sed 's/%/\\%/')( |$)" "$TOP/man/ps.1" || {
			echo "man/ps.1 lacks key $k"
			return 1
		}
	done
	# the issue's keys are all there
	for k in pid ppid pgid sid tpgid tty user ruser uid ruid group gid stat s \
	    state ni pri psr policy %cpu pcpu %mem pmem vsz rss sz pss uss swap \
	    shr time cputime etime etimes start stime lstart comm args cmd exe \
	    cwd nlwp fds wchan rbytes wbytes rchar wchar cgroup cgname oom \
	    oom_score_adj label env container; do
		run ps -o "$k" -p $$
		assert_success
	done
}

@test "no selection: this user's processes on this terminal, as procps" {
	procps_same
	run ps
	assert_success
	assert_line --index 0 --regexp '^ +PID TTY +TIME CMD$'
}

@test "selection: -e -A -a -d -N, BSD a x ax aux, as procps" {
	procps_same -e
	procps_same -A
	procps_same -a
	procps_same -d
	procps_same -ad
	procps_same -e -N
	procps_same -N
	procps_same x
	procps_same a
	procps_same ax
	procps_same aux
	procps_same -aux
	procps_same r
	# -e lists every process that lives through the run
	spawn "$PSHELPER" -s 20
	run ps -e
	assert_success
	assert_line --regexp "^ *$PID "
}

@test "selection by lists: -p --pid -q --ppid -u -U -g -G -s --sid -t -C, commas, blanks, repeats" {
	# names of this run's own (-C matches every process of that name)
	local na=psla$$ nb=pslb$$
	spawn "$PSHELPER" -n "$na" -s 20
	local a=$PID
	spawn "$PSHELPER" -n "$nb" -s 20
	local b=$PID
	run ps -o pid= -p "$a,$b"
	assert_success
	assert_equal "$(printf '%s\n' "$output" | tr -d ' ')" "$(printf '%s\n%s\n' "$a" "$b" | sort -n)"
	run ps -o pid= -p "$a $b" -p "$a"
	assert_success
	assert_equal "${#lines[@]}" 2
	run ps -o pid= --pid "$b"
	assert_equal "$(echo $output)" "$b"
	run ps -o pid= "$b"
	assert_equal "$(echo $output)" "$b"
	# -q: those pids, in the order given
	run ps -o pid= -q "$b,$a"
	assert_equal "$(echo $output)" "$b $a"
	run ps -o pid= --ppid $$
	assert_success
	assert_line --regexp "^ *$a$"
	assert_line --regexp "^ *$b$"
	run ps -o pid= -C "$na"
	assert_equal "$(echo $output)" "$a"
	run ps -o pid= -C "$na,$nb"
	assert_equal "${#lines[@]}" 2
	# a session of its own: this shell's may be 0 (led from outside the
	# pid namespace), which procps refuses as a process id
	spawn setsid "$PSHELPER" -n "pslc$$" -s 20
	local c=$PID
	run ps -o pid= -s "$c"
	assert_equal "$(echo $output)" "$c"
	procps_same -u "$(id -u)"
	procps_same --user "$(id -un)"
	procps_same -U "$(id -u)"
	procps_same -g "$(id -g)"
	procps_same -G "$(id -gn)"
	procps_same --ppid 2
	procps_same --sid "$c"
	procps_same -t -
	procps_same -C bash,sh
	procps_same -p 1,2 -p 3
	procps_same "+$c"
}

@test "formats: default, -f -F -l -j -lf -jf u j l, as procps" {
	procps_same -e
	procps_same -ef
	procps_same -eF
	procps_same -el
	procps_same -ej
	procps_same -elf
	procps_same -ejf
	procps_same axu
	procps_same axj
	procps_same axl
	procps_same -ef --no-headers
	procps_same ax h
}

@test "-o, -O, O: key=header, key:width, several -o, as procps" {
	procps_same -eo pid,ppid,pgid,sid,uid,stat,ni,rss,vsz,comm
	procps_same -eo args
	procps_same -eo etimes,time
	procps_same -e -o pid,user=User,comm= -o ppid:9
	procps_same -e -o pid,user:3,group:4,tty:2
	procps_same -e -O ppid,rss
	procps_same ax O ppid
	procps_same -e -o pid,tname,tpgid,pgrp,sess,s,state,f,pri,opri,ni,psr,policy,nlwp,sz
	procps_same -e -o pid,%mem,vsz,rss,lstart,stime,start_time,start,bsdtime,cputime,etime
	procps_same -e -o pid,euid,ruid,suid,fsuid,egid,rgid,sgid,user,ruser,group,rgroup
	procps_same -e -o pid,exe
	procps_same -e -o pid,wchan,majflt
}

@test "-o pid= -p \$\$ prints the pid alone: no header, padded as procps" {
	run ps -o pid= -p $$
	assert_success
	assert_equal "${#lines[@]}" 1
	[ "$output" -eq $$ ]
	# procps pads to the width of pid_max (5 for 32768, 7 for 4194304)
	local m=$(($(cat /proc/sys/kernel/pid_max) - 1))
	assert_equal "$output" "$(printf '%*d' "${#m}" $$)"
	need_procps
	assert_equal "$output" "$(procps -o pid= -p $$)"
}

@test "header and columns line up: right for numbers, left for text" {
	spawn "$PSHELPER" -n aligned -s 20
	run ps -o pid,ppid,user,stat,rss,comm -p "$PID"
	assert_success
	local h=${lines[0]} r=${lines[1]}
	# right aligned: each number ends where its header ends
	local col
	for col in PID PPID RSS; do
		local end=$(( $(awk -v s="$h" -v w="$col" 'BEGIN { print index(s, " " w " ") + length(w) }') ))
		[ "${r:end-1:1}" != " " ] || { echo "$col: $h / $r"; return 1; }
		[ "${r:end:1}" = " " ] || { echo "$col: $h / $r"; return 1; }
	done
	# left aligned: the text starts under its header
	local at=$(awk -v s="$h" 'BEGIN { print index(s, "USER") - 1 }')
	assert_equal "${r:at-1:1}" " "
	[ "${r:at:1}" != " " ] || { echo "USER: $h / $r"; return 1; }
	at=$(awk -v s="$h" 'BEGIN { print index(s, "COMMAND") - 1 }')
	assert_equal "${r:at}" aligned
}

@test "width: no truncation into a pipe; COLUMNS, --cols, -w, -ww as procps" {
	spawn bash -c 'exec -a "$(printf "long%.0s" $(seq 80))" '"$PSHELPER"' -s 20'
	run ps -o args= -p "$PID"
	assert_success
	[ "${#output}" -gt 320 ]
	procps_same -ef --cols 60
	COLUMNS=40 procps_same -ef
	COLUMNS=40 procps_same -efw
	COLUMNS=40 procps_same -efww
	procps_same -o pid,args,comm --cols 30 -e
	# on a terminal: the screen's width (a multiple of it, if the
	# header needs more), as procps; through script(1) for a tty
	command -v script >/dev/null || skip "no script(1)"
	run script -qec "stty rows 24 cols 70; ps -ef" /dev/null
	assert_success
	local l mine
	# characters, not bytes, in ${#l}
	[ -z "$UTF8_LC" ] || local LC_ALL=$UTF8_LC
	for l in "${lines[@]}"; do
		l=${l%$'\r'}
		[ "${#l}" -le 70 ] || { echo "too wide: $l"; return 1; }
	done
	mine=$output
	run script -qec "stty rows 24 cols 70; LC_ALL=${UTF8_LC:-$LC_ALL} $PROCPS -ef" /dev/null
	assert_equal "$(printf '%s\n' "$mine" | head -n 3)" "$(printf '%s\n' "$output" | head -n 3)"
}

@test "names with spaces, parentheses, newlines and escape sequences are shown escaped" {
	local esc=$'\033'
	spawn bash -c "exec -a \$'evil \\033]0;pwned\\a (x) y' $PSHELPER -n \$'a) (b\\nc' -s 20"
	run ps -o pid,comm,args -p "$PID"
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_line --index 1 --regexp "^ *$PID a\\) \\(b\\\\nc +evil \\\\033\\]0;pwned\\\\a \\(x\\) y -n a\\) \\(b\\\\nc -s 20$"
	# no control character reaches the terminal
	run bash -c "ps -o comm,args -p $PID | LC_ALL=C grep -c '[[:cntrl:]]'"
	assert_output 0
	# a stat line with ") (" in the name parses: the other fields are right
	run ps -o ppid=,stat=,nlwp= -p "$PID"
	assert_output --regexp "^ *$$ S +1$"
	# JSON has the raw text, escaped as JSON
	run ps --json -p "$PID"
	assert_success
	json_ok
	J=$output
	run jx "d[0]['name']"
	assert_output $'a) (b\nc'
	run jx "d[0]['cmdline'][0]"
	assert_output "evil ${esc}]0;pwned"$'\a'" (x) y"
	# --match finds it by its command line
	run ps -o pid= --match 'pwned.*\(x\) y'
	assert_equal "$(echo $output)" "$PID"
}

@test "--forest and -H draw a known tree; as procps" {
	local top
	spawn setsid bash -c "$PSHELPER -n leaf1 -s 20 >/dev/null & sleep 0.05; bash -c '$PSHELPER -n leaf2 -s 20 >/dev/null & sleep 0.05; $PSHELPER -n leaf3 -s 20 >/dev/null & wait' & sleep 0.3; echo ready; wait"
	top=$PID
	local sid
	sid=$(ps -o sid= -p "$top" | tr -d ' ')
	run ps --forest -o comm -s "$sid"
	assert_success
	assert_equal "$output" "COMMAND
setsid
 \\_ leaf1
 \\_ bash
     \\_ leaf2
     \\_ leaf3" || {
		# setsid execs bash when it is not a group leader
		assert_equal "$output" "COMMAND
bash
 \\_ leaf1
 \\_ bash
     \\_ leaf2
     \\_ leaf3"
	}
	run ps -H -o comm -s "$sid"
	assert_line --index 2 '  leaf1'
	assert_line --index 4 '    leaf2'
	procps_same --forest -s "$sid" -o pid,ppid,comm
	procps_same -ef --forest
	procps_same -eH
	procps_same axf
	procps_same -ejH
}

@test "--sort: keys, order, descending; as procps" {
	run ps -e --sort=-pid -o pid=
	assert_success
	assert_equal "$output" "$(printf '%s\n' "$output" | sort -rn)"
	run ps -e --sort=pid -o pid=
	assert_equal "$output" "$(printf '%s\n' "$output" | sort -n)"
	run ps -e --sort=ppid,-pid -o ppid=,pid=
	assert_equal "$output" "$(printf '%s\n' "$output" | sort -k1,1n -k2,2rn)"
	run ps -e k -pid -o pid=
	assert_equal "$output" "$(printf '%s\n' "$output" | sort -rn)"
	run ps -e --sort=comm -o comm=
	assert_equal "$output" "$(printf '%s\n' "$output" | LC_ALL=C sort -s)"
	procps_same -e --sort=ppid,-pid -o pid,ppid,comm
	procps_same -e --sort=-vsz -o pid,vsz
	procps_same -ef --sort=user,pid
	run ps --sort=nosuchkey
	assert_failure 2
}

@test "threads: -L -T H show each thread; NLWP counts them; as procps" {
	spawn "$PSHELPER" -n threaded -t 3 -s 20
	run ps -L -o pid=,lwp=,nlwp=,comm= -p "$PID"
	assert_success
	assert_equal "${#lines[@]}" 4
	assert_equal "$(printf '%s\n' "$output" | awk '{print $1}' | sort -u)" "$PID"
	assert_equal "$(printf '%s\n' "$output" | awk '{print $2}' | sort -u | wc -l)" 4
	assert_equal "$(printf '%s\n' "$output" | awk '{print $3}' | sort -u)" 4
	run ps -T -p "$PID"
	assert_line --index 0 --regexp '^ +PID +SPID TTY +TIME CMD$'
	run ps H -o pid= -p "$PID"
	assert_equal "${#lines[@]}" 4
	procps_same -L -p "$PID"
	procps_same -T -p "$PID"
	procps_same -eLf
	procps_same -eT
	run ps -L --forest
	assert_failure 2
}

@test "processes that exit mid-scan are skipped silently (spawn and reap while listing)" {
	spawn bash -c 'echo go; end=$((SECONDS + 4)); while [ $SECONDS -lt $end ]; do for i in 1 2 3 4 5 6 7 8; do /bin/true & done; wait; done'
	local i
	for i in $(seq 15); do
		for args in "-ef" "aux" "-eLf" "-ef --forest" "--json -e" "-e -o pid,exe,fds,env,cgroup,rbytes,wchan" "-e -o pid,pss"; do
			run --separate-stderr ps $args
			[ "$status" -eq 0 ] || { echo "ps $args: $status $stderr"; return 1; }
			[ -z "$stderr" ] || { echo "ps $args: $stderr"; return 1; }
		done
	done
	run ps --json -e
	json_ok
}

@test "--json: psutil's names and units; the test's processes equal psutil's values" {
	spawn bash -c "exec -a 'named (x)' $PSHELPER -n jsonkid -t 2 -s 20"
	local a=$PID
	spawn "$PSHELPER" -n jsonkid2 -r 'rewritten title here' -s 20
	local b=$PID
	run ps --json -p "$a,$b"
	assert_success
	json_ok
	printf '%s' "$output" > "$BATS_TEST_TMPDIR/ps.json"
	run $PY "$TOP/tests/ps_psutil.py" "$BATS_TEST_TMPDIR/ps.json" "$a" "$b"
	assert_success
	# the rewritten command line is split on spaces, as psutil does
	run ps --json -p "$b"
	J=$output
	run jx "d[0]['cmdline'][:3]"
	assert_output '["rewritten", "title", "here"]'
	run ps --json -p 999999
	assert_failure 1
	assert_output '[]'
}

@test "--json with -o: the keys asked, sizes in bytes, times in seconds" {
	spawn "$PSHELPER" -n jsono -s 20
	run ps --json -o pid,comm,rss,vsz,%cpu,args,tty,etimes,user -p "$PID"
	assert_success
	json_ok
	J=$output
	run jx "sorted(d[0].keys())"
	assert_output '["args", "comm", "etimes", "pcpu", "pid", "rss", "tty", "user", "vsz"]'
	local rss
	rss=$(ps -o rss= -p "$PID")
	run jx "d[0]['rss'] == 1024 * $rss"
	assert_output True
	run jx "d[0]['tty'] is None and d[0]['comm'] == 'jsono'"
	assert_output True
}

@test "--sample: %CPU over the interval, as top shows it" {
	spawn bash -c 'echo go; while :; do :; done'
	local busy=$PID
	spawn "$PSHELPER" -s 20
	local idle=$PID
	run ps --sample 0.5 -o pid=,%cpu= -p "$busy,$idle"
	assert_success
	local b i
	b=$(printf '%s\n' "$output" | awk -v p="$busy" '$1 == p { print int($2) }')
	i=$(printf '%s\n' "$output" | awk -v p="$idle" '$1 == p { print $2 }')
	# how much CPU a busy loop gets depends on the machine's load: it
	# must be more than nothing, and the sleeper's must be nothing
	[ "$b" -ge 1 ] || { echo "busy: $output"; return 1; }
	assert_equal "$i" 0.0
	run ps --sample 0.2 --json -p "$busy"
	json_ok
	J=$output
	run jx "d[0]['cpu_percent'] > 0.5"
	assert_output True
	# over the interval, not over the lifetime: a process that was busy
	# and now sleeps shows 0.0, where procps's lifetime %CPU does not
	local was
	bash -c 'e=$((SECONDS + 2)); while [ $SECONDS -lt $e ]; do :; done; exec sleep 20' \
	    >/dev/null 2>&1 3>&- &
	was=$!
	KIDS+=("$was")
	local k
	for k in $(seq 200); do
		[ "$(awk '{print $3}' "/proc/$was/stat" 2>/dev/null)" = S ] &&
		    grep -q sleep "/proc/$was/cmdline" 2>/dev/null && break
		sleep 0.05
	done
	run ps -o pid=,%cpu= -p "$was"
	assert_success
	[ "$(echo "$output" | awk '{print int($2 * 10)}')" -ge 1 ] || { echo "lifetime: $output"; return 1; }
	run ps --sample 0.3 -o pid=,%cpu= -p "$was"
	assert_success
	assert_equal "$(echo "$output" | awk '{print $2}')" 0.0
	run ps --sample nonsense
	assert_failure 2
}

@test "--match: an extended regex on the command line, alone or with a selection" {
	spawn "$PSHELPER" -n matchme -s 21
	run ps -o pid= --match 'pshelper -n match[a-z]+ -s 21$'
	assert_success
	assert_equal "$(echo $output)" "$PID"
	run ps -o pid= --match 'pshelper -n matchme' -p 1
	assert_failure 1
	# as pgrep, never itself, though its own command line matches
	run ps -o pid= --match 'no-such-process-but-this-ps'
	assert_failure 1
	assert_output ''
	run --separate-stderr ps --match '('
	assert_failure 2
	assert_regex "${stderr_lines[0]}" '^syskit ps: invalid --match: \( \(.+\)$'
	assert_equal "${stderr_lines[1]}" "Try 'syskit ps --help'."
}

@test "exit status: 1 when nothing matched (header kept), 2 for bad options with one line" {
	run --separate-stderr ps -p 999999
	assert_failure 1
	assert_output --regexp '^ +PID TTY +TIME CMD$'
	for bad in "-o nosuchkey" "-p 0" "-p abc" "-u no_such_user_xyz" "--bogus" "-Q" "-o pid:0" "-o ," "--sort=" "-q 1 -p 2" "-L -T" "--cols 0" "L x"; do
		run --separate-stderr ps $bad
		[ "$status" -eq 2 ] || { echo "ps $bad: status $status"; return 1; }
		assert_equal "${#stderr_lines[@]}" 2
		assert_equal "${stderr_lines[1]}" "Try 'syskit ps --help'."
		assert_equal "$output" ""
	done
	run ps --version
	assert_success
	assert_output "syskit $(syskit --version | cut -d' ' -f2)"
}

@test "a file we may not read shows -, never an error" {
	[ "$(id -u)" = 0 ] || skip "needs root to become another user"
	command -v setpriv >/dev/null || skip "no setpriv"
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$SYSKIT_BIN" ps -o pid,exe,cwd,fds,env -p $$
	assert_success
	assert_equal "$stderr" ""
	assert_line --index 1 --regexp "^ *$$ - +- +- -$"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$SYSKIT_BIN" ps --json -p $$
	J=$output
	run jx "(d[0]['exe'], d[0]['num_fds'])"
	assert_output '[null, null]'
}

@test "a bad option is named as written, never as a raw byte: one line, the hint, exit 2" {
	local a want
	while IFS='|' read -r a want; do
		run --separate-stderr ps $a
		[ "$status" -eq 2 ] || { echo "ps $a: status $status"; return 1; }
		assert_equal "${#stderr_lines[@]}" 2
		assert_equal "${stderr_lines[0]}" "syskit ps: $want"
		assert_equal "${stderr_lines[1]}" "Try 'syskit ps --help'."
		assert_equal "$output" ""
	done <<'LIST'
--sample|option --sample needs a value
--json=x|option --json takes no value
--sort|option --sort needs a value
--ppid|option --ppid needs a value
--match|option --match needs a value
--cols|option --cols needs a value
--width|option --width needs a value
--columns|option --columns needs a value
--forest=1|option --forest takes no value
--bogus|unknown option: --bogus
--bogus=1|unknown option: --bogus
-Q|unknown option: -Q
-o|option -o needs a value
LIST
	# what the user typed is quoted with its control characters escaped
	run --separate-stderr ps $'--bo\e]0;x\a'
	assert_failure 2
	assert_equal "${stderr_lines[0]}" 'syskit ps: unknown option: --bo\033]0;x\a'
	run --separate-stderr ps -o $'pid,\e[31m'
	assert_failure 2
	assert_equal "${stderr_lines[0]}" 'syskit ps: unknown format key: \033[31m'
	run --separate-stderr ps $'\001x'
	assert_failure 2
	assert_equal "${stderr_lines[0]}" 'syskit ps: garbage option: \001x'
}

@test "a tight descriptor limit: every process, exit 0, as procps (ulimit -n 5)" {
	spawn "$PSHELPER" -n fdlimit -t 2 -s 120
	local a
	# 0-2 and one to spare beside /proc's: procps needs as much
	for a in "aux" "-eLf" "-e -o pid,user,fds,exe,rss,wchan,args" \
	    "-ef --forest" "--json -e" "-e -o pid,pss,env,comm"; do
		run --separate-stderr bash -c "exec 3>&- 4>&-; ulimit -n 5; exec \"\$0\" ps $a" "$SYSKIT_BIN"
		[ "$status" -eq 0 ] || { echo "ps $a: status $status: $stderr"; return 1; }
		assert_equal "$stderr" ""
		case $output in
		*fdlimit*) ;;
		*) echo "ps $a: no row for $PID: ${output:0:300}"; return 1 ;;
		esac
	done
	# the same rows as without the limit: user names, sizes, threads
	run bash -c "exec 3>&- 4>&-; ulimit -n 5; exec \"\$0\" ps -L -o pid,lwp,user,vsz,comm -p $PID" "$SYSKIT_BIN"
	assert_success
	local tight=$output
	run ps -L -o pid,lwp,user,vsz,comm -p "$PID"
	assert_equal "$tight" "$output"
	assert_equal "${#lines[@]}" 4
	# none to spare at all: said once, exit 1, not taken for "no process"
	run --separate-stderr bash -c 'exec 3>&- 4>&-; ulimit -n 4; exec "$0" ps aux' "$SYSKIT_BIN"
	assert_failure 1
	assert_equal "${#stderr_lines[@]}" 1
	# glibc's words, and musl's
	assert_regex "$stderr" '^syskit ps: /proc(/uptime)?: (Too many open files|No file descriptors available)$'
}

# ---- the captured tree (SYSKIT_PROC): exact output ----

fx() {
	export SYSKIT_PROC=$FIXTURES/ps-basic/proc TZ=UTC
}

@test "fixture: kernel thread, zombie, ') (' name, escapes: every column" {
	fx
	run ps -e -o pid,ppid,pgid,sid,tty,stat,ni,rss,vsz,time,etimes,comm,args
	assert_success
	assert_output "  PID  PPID  PGID   SID TT       STAT  NI   RSS    VSZ     TIME ELAPSED COMMAND         COMMAND
    1     0     1     1 ?        Ss     0  1588   2476 00:00:18    9999 init            /sbin/init splash
    2     0     0     0 ?        S      0     0      0 00:00:00    9999 kthreadd        [kthreadd]
   50     1    50    50 pts/0    Ss+    0  1588   2476 00:00:07    2000 a) (b           x) (y z -n a) (b -s 60
   60     1    60    60 ?        Ss     0  1676   2476 00:00:00    1000 zparent         /tmp/pshelper -z -n zparent -s 60
   61    60    60    60 ?        Z      0     0      0 00:00:00     999 zparent         [zparent] <defunct>
   70     1    70    70 ?        Ssl    0  1680  18868 00:00:04     500 threaded        /tmp/pshelper -t 2 -n threaded -s 60
   80     1    80    80 ?        Ss     0  1588   2476 00:00:00     100 evil\\n\\033[31m  printf \\033]0;pwned\\a a\\tb"
}

@test "fixture: forest, threads, start times, container, missing files" {
	fx
	run ps -ef --forest
	assert_success
	assert_line --index 4 'root        60     1  0  2023 ?        00:00:00 /tmp/pshelper -z -n zparent -s 60'
	assert_line --index 5 'root        61    60  0  2023 ?        00:00:00  \_ [zparent] <defunct>'
	run ps -L -o pid,lwp,nlwp,time,comm -p 70
	assert_output "  PID   LWP NLWP     TIME COMMAND
   70    70    3 00:00:04 threaded
   70    71    3 00:00:02 threaded
   70    72    3 00:00:03 threaded"
	run ps -o pid,lstart,container,cgname,fds,env,rbytes -p 1,50,2
	assert_output "  PID                  STARTED CONTAINER    CGNAME                      FDS ENVIRONMENT                     RBYTES
    1 Tue Nov 14 22:13:20 2023 -            0::/init.scope                3 HOME=/ TERM=linux                   -
    2 Tue Nov 14 22:13:20 2023 -            -                             - -                                   -
   50 Wed Nov 15 00:26:40 2023 0123456789ab 0::/system.slice/docker-012   - -                                   -"
	run ps -o pid=,%cpu=,%mem=,c= -p 1,50
	assert_output "    1  0.1  0.0  0
   50  0.3  0.0  0"
}

@test "fixture: --json for a kernel thread, a zombie, a container" {
	fx
	run ps --json -p 2,61,50
	assert_success
	json_ok
	J=$output
	run jx "[(p['pid'], p['name'], p['cmdline'], p['status']) for p in d]"
	assert_output '[[2, "kthreadd", [], "sleeping"], [50, "a) (b", ["x) (y z", "-n", "a) (b", "-s", "60"], "sleeping"], [61, "zparent", [], "zombie"]]'
	run jx "d[1]['create_time']"
	assert_output 1700008000
	run ps --json -o pid,container -p 50
	J=$output
	run jx "d[0]['container']"
	assert_output 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
}

# ---- a tree with malformed files (tests/fixtures/ps-malformed) ----

@test "fixture: a malformed stat field shows -, the row stays; said once on stderr, exit 1" {
	export SYSKIT_PROC=$FIXTURES/ps-malformed/proc TZ=UTC
	# 10: vsize -4096 and rss -10 (no statm or status to take RSS from);
	# 11: a ppid past an int and a vsize past 64 bits; 13: no stat line
	run --separate-stderr ps -e -o pid,ppid,vsz,rss,time,comm
	assert_failure 1
	assert_output "  PID  PPID    VSZ   RSS     TIME COMMAND
   10     1      -     - 00:00:18 neg
   11     -      -  1488 00:00:18 big
   12     1   2476  1588 00:00:18 fine
   14     1   2476  1488 00:00:18 statusdir"
	assert_equal "$stderr" "syskit ps: $SYSKIT_PROC/10/stat: malformed content"
	# JSON: null where the text shows -
	run --separate-stderr ps --json -o pid,ppid,vsz,rss,sz,pmem -p 10,11
	assert_failure 1
	J=$output
	run jx "[[p[k] for k in ('ppid', 'vsz', 'rss', 'sz', 'pmem')] for p in d]"
	assert_output '[[1, null, null, null, null], [null, null, 1523712, null, 0.07265625]]'
	run --separate-stderr ps --json -p 11
	J=$output
	run jx "(d[0]['ppid'], d[0]['memory_info']['vms'], d[0]['memory_info']['rss'])"
	assert_output '[null, null, 1523712]'
	# --sort puts the unknown first
	run --separate-stderr ps -e --sort=vsz -o pid=
	assert_equal "$(echo $output)" "10 11 12 14"
	# a file that cannot be read for another reason than "gone" or "not
	# ours": said, and the value is -
	run --separate-stderr ps -o pid,user -p 14
	assert_failure 1
	assert_output "  PID USER
   14 -"
	assert_equal "$stderr" "syskit ps: $SYSKIT_PROC/14/status: Is a directory"
}

@test "fixture: a malformed uptime or boot time is said, not shown as 0 silently" {
	local t=$BATS_TEST_TMPDIR/proc
	cp -r "$FIXTURES/ps-malformed/proc" "$t"
	echo garbage > "$t/uptime"
	export SYSKIT_PROC=$t TZ=UTC
	run --separate-stderr ps -o pid,etimes -p 12
	assert_failure 1
	assert_equal "$stderr" "syskit ps: $t/uptime: malformed content"
	cp "$FIXTURES/ps-malformed/proc/uptime" "$t/uptime"
	printf 'cpu 1 2 3 4\nbtime -5\n' > "$t/stat"
	run --separate-stderr ps -o pid,lstart -p 12
	assert_failure 1
	assert_equal "$stderr" "syskit ps: $t/stat: malformed content"
}

@test "fixture: wchan without its leading underscores, as procps" {
	local t=$BATS_TEST_TMPDIR/proc
	cp -r "$FIXTURES/ps-malformed/proc" "$t"
	printf '__x64_sys_pause' > "$t/12/wchan"
	SYSKIT_PROC=$t run ps -o pid=,wchan= -p 12
	assert_success
	assert_output '   12 x64_sys_pause'
}

@test "fixture: a FIFO in place of a stat file does not block ps" {
	local t=$BATS_TEST_TMPDIR/proc
	cp -r "$FIXTURES/ps-malformed/proc" "$t"
	rm "$t/12/stat"
	mkfifo "$t/12/stat"
	export SYSKIT_PROC=$t
	run --separate-stderr timeout 10 "$SYSKIT_BIN" ps -o pid,comm -p 12
	assert_failure 1
	assert_output "  PID COMMAND"
	assert_equal "$stderr" "syskit ps: $t/12/stat: malformed content"
}

@test "fixture: the systemd keys from a name=systemd (v1) cgroup, below pid 1's init.scope, as libsystemd reads them" {
	export SYSKIT_PROC=$FIXTURES/ps-systemd/proc
	run ps -o pid=,lsession=,ouid=,slice=,unit=,uunit=,lxc= -e
	assert_success
	assert_line --index 0 --regexp '^ +1 - +- +-\.slice +init\.scope +- +-$'
	assert_line --index 1 --regexp '^ +40 c3 +1000 +user-1000\.slice +session-c3\.scope +- +-$'
	# a leading _ is systemd's escape; " (deleted)" is cut
	assert_line --index 2 --regexp '^ +41 - +1000 +user-1000\.slice +user@1000\.service +foo@bar\.service +-$'
	assert_line --index 3 --regexp '^ +42 - +- +system\.slice +docker-abc\.scope +- +-$'
	# the innermost LXC container; no unit after the slices
	assert_line --index 4 --regexp '^ +43 - +- +a-b\.slice +- +- +c2-nested$'
	run ps -o cgname= -p 40
	assert_output 'systemd:/user.slice/user-1000.slice/session-c3.scope,1:memory:/x'
}

@test "fixture: a thread id below its leader's (ids wrapped): the leader first, as procps" {
	export SYSKIT_PROC=$FIXTURES/ps-systemd/proc
	run ps -L -o pid=,tid= -p 43
	assert_output "   43    43
   43     7"
	run ps -m -o pid=,tid= -p 43
	assert_output "   43     -
    -    43
    -     7"
}

@test "fixture: LIBPROC_HIDE_KERNEL leaves kthreadd and its children out; DefBSD and DefSysV; O as a sort of one-letter keys" {
	export SYSKIT_PROC=$FIXTURES/ps-basic/proc
	LIBPROC_HIDE_KERNEL=1 run ps -e -o pid= -p 2
	assert_success
	assert_output "    1
   50
   60
   61
   70
   80"
	LIBPROC_HIDE_KERNEL=1 run ps -p 2
	assert_failure 1
	run ps -o DefBSD -p 1
	assert_output "  PID TTY      STAT   TIME COMMAND
    1 ?        Ss     0:18 /sbin/init splash"
	PS_FORMAT=DefSysV run ps -p 1
	assert_output "  PID TTY          TIME CMD
    1 ?        00:00:18 /sbin/init splash"
	# O-P+p: by parent descending, then by pid; O ppid stays a format
	run ps -o pid=,ppid= -e O-P+p
	assert_output "   61    60
   50     1
   60     1
   70     1
   80     1
    1     0
    2     0"
	run ps -p 1 O ppid
	assert_line --index 0 "  PID  PPID S TTY          TIME COMMAND"
}

# ---- psperf (issue 14): the effective uid from the owner of /proc/PID ----
# `user` and `uid` alone are read from the owner of the process's /proc
# directory (one stat) instead of its status file.  The kernel gives that
# directory the task's euid even when the task is not dumpable, while the
# files in it then belong to root: these tests hold a non-dumpable process
# of two other users (ruid nobody, euid 1) and compare with procps.

NODUMP=$(dirname "$SYSKIT_BIN")/nodump

@test "psperf: a non-dumpable process of other users: user, uid, ruser as procps" {
	[ "$(id -u)" = 0 ] || skip "needs root to run a process as other users"
	[ -x "$NODUMP" ] || skip "no $NODUMP (make builds it)"
	need_procps
	local f euser
	euser=$(getent passwd 1 | cut -d: -f1)
	[ -n "$euser" ] || euser=1
	spawn "$NODUMP" 65534 1 1 65534
	# not dumpable: its files are root's, its directory its euid's
	run stat -c %u "/proc/$PID/status"
	assert_output 0
	run stat -c %u "/proc/$PID"
	assert_output 1
	run grep '^Uid:' "/proc/$PID/status"
	assert_output --regexp $'^Uid:\t65534\t1\t1\t1$'
	run ps -o pid=,user=,uid= -p "$PID"
	assert_success
	assert_output --regexp "^ *$PID $euser +1\$"
	# the owner alone, with the status keys beside it, sorted by it
	for f in pid,user pid,uid,user,comm pid,user,args pid,user,ruser,euid,ruid,args \
	    pid,user,rss,comm; do
		run ps -o "$f" -p "$PID"
		assert_success
		assert_output "$(procps -o "$f" -p "$PID")"
	done
	run ps -o pid,user --sort=user -p "$PID"
	assert_output "$(procps -o pid,user --sort=user -p "$PID")"
	# selected by its euid (-u), not by its ruid
	run ps -u 1 -o pid=,user=
	assert_line --regexp "^ *$PID $euser\$"
	run ps -u 65534 -o pid=
	local got=" $(echo $output) "
	[[ $got != *" $PID "* ]]
}

@test "psperf: every process's user and uid from the owner equal procps's (-e, aux, -u)" {
	[ "$(id -u)" = 0 ] || skip "needs root to run a process as other users"
	[ -x "$NODUMP" ] || skip "no $NODUMP (make builds it)"
	spawn "$NODUMP" 65534 1 1 65534
	procps_same -e -o pid,user,args
	procps_same -e -o pid,uid,user,rss,comm
	procps_same -e -o pid,euser,ruser,euid
	procps_same -u 1 -o pid,user
	procps_same aux
}

# `-e -o pid,rss,comm` (pid, the name, rss and the effective user alone,
# every process, streamed) reads the name from /proc/PID/comm, not stat:
# the same text (the kernel's proc_task_name for both), for less.
@test "psperf: pid,rss,comm reads comm and statm, not stat; the names as procps's" {
	need_procps
	command -v strace >/dev/null || skip "no strace (tests/deps/psperf.debian)"
	local tr=$BATS_TEST_TMPDIR/trace n m
	# a name with a newline, a parenthesis and blanks (15 bytes at most)
	spawn $PY -c 'import ctypes, sys, time
ctypes.CDLL(None).prctl(15, b"a) (b\nc d", 0, 0, 0)
print("up"); sys.stdout.flush(); time.sleep(30)'
	run cat "/proc/$PID/comm"
	assert_output $'a) (b\nc d'
	run ps -o pid=,rss=,comm= -p "$PID"
	assert_output --regexp "^ *$PID +[1-9][0-9]* a\) \(b\\\\nc d\$"
	run ps -e -o pid=,comm=
	assert_line --regexp "^ *$PID a\) \(b\\\\nc d\$"
	assert_line --regexp '^ *2 kthreadd$'
	procps_same -e -o pid,rss,comm
	procps_same -e -o pid,comm
	procps_same -e -o pid,user,comm
	procps_same -e -o comm,rss,pid
	# what it opened: comm and statm for every process, stat for none
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	strace -f -e trace=openat,open -o "$tr" "$SYSKIT_BIN" ps -e -o pid,rss,comm >/dev/null
	run grep -cE '"(/proc/)?[0-9]+/stat"' "$tr"
	assert_output 0
	n=$(grep -cE '"(/proc/)?[0-9]+/comm"' "$tr")
	[ "$n" -gt 10 ]
	# statm after comm, for each process still there
	m=$(grep -cE '"(/proc/)?[0-9]+/statm"' "$tr")
	[ "$m" -le "$n" ]
	[ "$m" -gt $((n / 2)) ]
	run grep -c "\"$PID/comm\"" "$tr"
	assert_output 1
	# a key that needs stat brings it back
	strace -f -e trace=openat,open -o "$tr" "$SYSKIT_BIN" ps -e -o pid,rss,comm,stat >/dev/null
	run grep -c "\"$PID/stat\"" "$tr"
	assert_output 1
}

# aux reads status only as far as VmRSS (the ids, VmLck, VmRSS); the L
# flag and the user still come out as procps's.  The files read are closed
# a batch at a time with close_range, and an open that meets the
# descriptor limit closes the batch and tries again: a low limit costs
# nothing.
@test "psperf: aux: status up to VmRSS (L, user as procps); files closed in batches; a low fd limit is enough" {
	need_procps
	command -v strace >/dev/null || skip "no strace (tests/deps/psperf.debian)"
	local tr=$BATS_TEST_TMPDIR/trace n c r all low
	# a process with 4 KiB locked: VmLck 4 kB, so L in STAT
	spawn $PY -c 'import ctypes, mmap, sys, time
m = mmap.mmap(-1, 4096)
b = (ctypes.c_char * 4096).from_buffer(m)
lock = ctypes.CDLL(None, use_errno=True).mlock
lock.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
assert lock(ctypes.addressof(b), 4096) == 0, ctypes.get_errno()
print("up"); sys.stdout.flush(); time.sleep(30)'
	run grep VmLck "/proc/$PID/status"
	assert_output --regexp 'VmLck:[[:space:]]+4 kB'
	run ps -o stat= -p "$PID"
	assert_output --regexp '^S.*L'
	procps_same aux
	procps_same -e -o pid,user,stat,rss
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	strace -e trace=openat,open,close,close_range -o "$tr" "$SYSKIT_BIN" ps aux >/dev/null
	n=$(grep -cE '"(/proc/)?[0-9]+/(stat|status|cmdline)"' "$tr")
	c=$(grep -c '^close(' "$tr")
	r=$(grep -c '^close_range(' "$tr")
	echo "files $n, close $c, close_range $r"
	[ "$n" -gt 30 ]
	[ "$r" -ge 1 ]
	# one close a file would be n; a batch of 64 takes one or two calls
	[ "$c" -lt $((n / 4)) ]
	# twelve descriptors: stdio, /proc, its listing and a few to read
	all=$("$SYSKIT_BIN" ps -e -o pid= | wc -l)
	run bash -c 'ulimit -n 12 && exec "$0" ps aux' "$SYSKIT_BIN"
	assert_success
	refute_output --partial 'Too many open files'
	low=$(grep -c . <<<"$output")
	echo "rows: $all without a limit, $((low - 1)) with 12 descriptors"
	[ "$low" -gt $((all - 10)) ]
	assert_line --regexp "^[^ ]+ +$PID .* S[^ ]*L"
}

# `-e -o pid,user,args` (pid, args and the effective user alone, every
# process, streamed) reads stat only where the command line is empty, for
# the [comm] that args shows then: kernel threads and zombies.
@test "psperf: pid,user,args reads stat only for an empty command line, shown as procps" {
	need_procps
	command -v strace >/dev/null || skip "no strace (tests/deps/psperf.debian)"
	local z="" i tr=$BATS_TEST_TMPDIR/trace
	# a command line with a newline in it, before the PID column in
	# "-A -o args,uid,pid" (CI's runner has one: procps shows a blank,
	# syskit "\n"): the compare finds its PID from the end of the row
	sh -c 'x=1
sleep 30; true' 3>&- &
	KIDS+=("$!")
	# a zombie: sleep 0's parent is the exec'd sleep 30, which never waits
	sh -c 'sleep 0 & exec sleep 30' 3>&- &
	KIDS+=("$!")
	for i in $(seq 200); do
		z=$(cat "/proc/$!/task/$!/children" 2>/dev/null) || true
		z=${z%% *}
		if [ -n "$z" ] && [ "$(cut -d' ' -f3 "/proc/$z/stat" 2>/dev/null)" = Z ]; then
			break
		fi
		z=""
		sleep 0.02
	done
	[ -n "$z" ]
	run ps -e -o pid,user,args
	assert_success
	assert_line --regexp "^ *$z +$(id -un) +\[sleep\] <defunct>\$"
	assert_line --regexp "^ *$! +$(id -un) +sleep 30\$"
	assert_line --regexp '^ *2 +root +\[kthreadd\]$'
	procps_same -e -o pid,user,args
	procps_same -e -o pid,args
	procps_same -A -o args,uid,pid
	# which stat files it opened: the zombie's and kthreadd's, not sleep 30's
	# (LeakSanitizer cannot run under ptrace: an ASan build goes without it)
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	strace -f -e trace=openat,open -o "$tr" "$SYSKIT_BIN" ps -e -o pid,user,args >/dev/null
	run grep -c "\"$z/stat\"" "$tr"
	assert_output 1
	run grep -c '"2/stat"' "$tr"
	assert_output 1
	run grep -c "\"$!/stat\"" "$tr"
	assert_output 0
	# a key that needs stat reads it for every process
	strace -f -e trace=openat,open -o "$tr" "$SYSKIT_BIN" ps -e -o pid,user,args,ppid >/dev/null
	run grep -c "\"$!/stat\"" "$tr"
	assert_output 1
}

@test "AIX descriptors: blanks kept, other text refused as procps refuses it; %cpu stays a key" {
	run --separate-stderr ps -o '%p  %c' -p 1
	assert_success
	assert_line --index 0 '  PID  COMMAND        '
	run --separate-stderr ps -o '%p,%c' -p 1
	assert_failure 2
	assert_equal "${stderr_lines[0]}" 'syskit ps: improper AIX field descriptor'
	run --separate-stderr ps -o '%p %cpu' -p 1
	assert_failure 2
	run --separate-stderr ps -o '%cpu,%mem' -p 1
	assert_success
	assert_line --index 0 '%CPU %MEM'
}
