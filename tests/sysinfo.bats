#!/usr/bin/env bats
# sysinfo: options, sections, formats, errors.

load helpers
bats_require_minimum_version 1.5.0

SECTIONS="host cpu mem swap disk net conn sensors limits pressure"

@test "no section: a one-screen summary" {
	run sysinfo
	assert_success
	assert_line --regexp '^host +[^ ]'
	assert_line --regexp '^kernel +Linux '
	assert_line --regexp '^cpu +[0-9]+ logical, .*[0-9]+ effective'
	assert_line --regexp '^memory +.* used of .*available'
	assert_line --regexp '^uptime +.*load '
	assert_line --regexp '^root fs +'
	[ "${#lines[@]}" -le 24 ]
}

@test "--help prints usage to stdout and exits 0" {
	run sysinfo --help
	assert_success
	assert_line --index 0 --partial 'usage: sysinfo [SECTION ...]'
	run sysinfo -h
	assert_success
}

@test "--help and the man page name the same options" {
	local opts_help opts_man
	opts_help=$(sysinfo --help | grep -oE -- '--[a-z]+' | sort -u)
	opts_man=$(grep -oE '^\.(It|Op) Fl -?-[a-z]+|Fl -[a-z]+' "$TOP/man/sysinfo.1" |
	    grep -oE -- '-[a-z]+$' | sed 's/^/-/' | sort -u)
	assert_equal "$opts_help" "$opts_man"
}

@test "every section alone, in every format" {
	for s in $SECTIONS; do
		run sysinfo "$s"
		assert_success
		run sysinfo "$s" --json
		assert_success
		json_ok
		# the document holds exactly that section
		run jget "sorted(d.keys())"
		assert_output "[\"$s\"]"
		run sysinfo "$s" --format kv
		assert_success
		run bash -c "sysinfo $s --format kv | grep -v '^[a-z0-9_.]*='"
		assert_failure 1
		run sysinfo "$s" --format prometheus
		assert_success
	done
}

@test "--json: the full report parses and holds every section but conn" {
	run sysinfo --json
	assert_success
	json_ok
	run jget "sorted(d.keys())"
	assert_output '["cpu", "disk", "host", "limits", "mem", "net", "pressure", "sensors", "swap"]'
	run sysinfo -j
	assert_success
	json_ok
	run sysinfo --format json
	assert_success
	json_ok
}

@test "kv: dotted keys, shell-safe values" {
	run sysinfo mem swap --format kv
	assert_success
	assert_line --regexp '^mem\.total=[0-9]+$'
	assert_line --regexp '^mem\.available=[0-9]+$'
	assert_line --regexp '^swap\.total=[0-9]+$'
	# the output can be evaluated by a shell
	run sh -c "$(sysinfo host --format kv | sed 's/^\([^=]*\)\./\1_/; s/\./_/g' | grep -v '^host_users'); echo ok"
	assert_success
}

@test "text: sizes in IEC units, sections as blocks" {
	run sysinfo mem
	assert_success
	assert_line --index 0 'mem:'
	assert_line --regexp '^  total +[0-9.]+ (B|KiB|MiB|GiB|TiB)$'
	assert_line --regexp '^  percent +[0-9.]+%$'
}

@test "prometheus: node_exporter names, HELP and TYPE once per family" {
	run sysinfo --format prometheus
	assert_success
	assert_line --regexp '^node_cpu_seconds_total\{cpu="0",mode="user"\} [0-9.e+]+$'
	assert_line --regexp '^node_memory_MemAvailable_bytes [0-9.e+]+$'
	assert_line --regexp '^node_memory_MemTotal_bytes [0-9.e+]+$'
	# every partition the disk section lists has its filesystem samples
	local mp
	for mp in $(sysinfo disk --json | $PY -c 'import json,sys; [print(p["mountpoint"]) for p in json.load(sys.stdin)["disk"]["partitions"] if p["total"] is not None]'); do
		assert_line --regexp "^node_filesystem_avail_bytes\{device=\"[^\"]*\",fstype=\"[^\"]*\",mountpoint=\"$mp\"\} [0-9.e+]+\$"
	done
	assert_line --regexp '^node_network_receive_bytes_total\{device="lo"\} [0-9.e+]+$'
	assert_line --regexp '^node_load1 [0-9.e+]+$'
	assert_line --regexp '^node_boot_time_seconds [0-9.e+]+$'
	assert_line '# TYPE node_cpu_seconds_total counter'
	# every family is declared once
	local dup
	dup=$(printf '%s\n' "$output" | grep '^# TYPE' | sort | uniq -d)
	assert_equal "$dup" ""
	# every sample belongs to a declared family
	run bash -c "sysinfo --format prometheus | awk '/^# TYPE/{t[\$3]=1; next} /^#/{next} {n=\$1; sub(/\\{.*/, \"\", n); if (!(n in t)) {print \"undeclared \" n; exit 1}}'"
	assert_success
}

@test "cpu: counts and --effective" {
	run sysinfo cpu --json
	assert_success
	local logical usable eff
	logical=$(jget "d['cpu']['count_logical']")
	usable=$(jget "d['cpu']['count_usable']")
	eff=$(jget "d['cpu']['count_effective']")
	[ "$logical" -ge 1 ]
	[ "$usable" -ge 1 ]
	[ "$usable" -le "$logical" ]
	[ "$eff" -ge 1 ]
	[ "$eff" -le "$usable" ]
	run sysinfo cpu --effective
	assert_success
	assert_output "$eff"
	run sysinfo -e
	assert_success
	assert_output "$eff"
	# the affinity mask is honoured
	run taskset -c 0 sysinfo cpu --effective
	assert_success
	assert_output 1
	run taskset -c 0 sysinfo cpu --json
	assert_equal "$(jget "d['cpu']['count_usable']")" 1
	# percent only with an interval
	run jget "'percent' in d['cpu']"
	assert_output False
}

@test "cpu --interval samples twice and reports percent busy" {
	run sysinfo cpu --interval 100ms --json
	assert_success
	run jget "0 <= d['cpu']['percent'] <= 100 and all(0 <= c['percent'] <= 100 for c in d['cpu']['percpu'])"
	assert_output True
	run sysinfo cpu -i 0.05
	assert_success
	assert_line --regexp '^  percent +[0-9.]+%$'
}

@test "--version: syskit VERSION" {
	run --separate-stderr sysinfo --version
	assert_success
	assert_output --regexp '^syskit [0-9]+\.[0-9]+\.[0-9]+$'
	assert_equal "$stderr" ""
	run sysinfo -V
	assert_success
	assert_output --regexp '^syskit [0-9]'
}

@test "--effective with another section is a usage error" {
	run --separate-stderr sysinfo mem --effective
	assert_failure 2
	assert_equal "$stderr" "syskit sysinfo: --effective goes with the cpu section alone
Try 'syskit sysinfo --help'."
	# one number: no format and no interval to apply it to
	run --separate-stderr sysinfo cpu --effective --json
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit sysinfo: --effective prints one number: no --format, no --interval"
	run --separate-stderr sysinfo -e -i 1s
	assert_failure 2
	assert_output ""
}

# issue 8 item 11: an option works in every format, or it is refused
@test "--interval: mem refuses it, the summary samples, prometheus refuses it" {
	run --separate-stderr sysinfo mem --interval 1s
	assert_failure 2
	assert_equal "$stderr" "syskit sysinfo: --interval goes with the cpu section
Try 'syskit sysinfo --help'."
	assert_output ""
	run --separate-stderr sysinfo mem swap --json -i 1s
	assert_failure 2
	run --separate-stderr sysinfo --format prometheus --interval 1s
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit sysinfo: --interval does not go with --format prometheus (counters: the scraper takes the rate)"
	# the summary shows how busy the CPUs were over the interval
	run sysinfo --interval 50ms
	assert_success
	assert_line --regexp '^cpu +[0-9]+ logical, .* effective, [0-9]+\.[0-9]% busy'
	run sysinfo
	assert_success
	refute_output --partial '% busy'
	# every format that shows cpu samples
	run sysinfo --json -i 50ms
	assert_success
	run jget "0 <= d['cpu']['percent'] <= 100 and d['cpu']['interval'] == 0.05"
	assert_output True
	run sysinfo --format kv -i 50ms
	assert_success
	assert_line --regexp '^cpu\.percent=[0-9.]+$'
}

@test "--all, --kind, --pids: refused where their section does not run" {
	run --separate-stderr sysinfo --all
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit sysinfo: --all goes with the disk section"
	run --separate-stderr sysinfo mem --all --json
	assert_failure 2
	run sysinfo --all --json
	assert_success
	run --separate-stderr sysinfo --kind tcp --json
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit sysinfo: --kind goes with the conn section"
	run --separate-stderr sysinfo cpu --pids
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit sysinfo: --pids goes with the conn section"
	run sysinfo conn cpu --kind tcp --pids --json
	assert_success
}

@test "bad options and values: exit 2, one line naming the value" {
	run --separate-stderr sysinfo --format xml
	assert_failure 2
	assert_equal "$stderr" "syskit sysinfo: invalid --format: xml (text, json, kv, prometheus)
Try 'syskit sysinfo --help'."
	run --separate-stderr sysinfo --interval abc
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit sysinfo: invalid --interval: abc (a duration up to 1h: 1.5s, 200ms)"
	run --separate-stderr sysinfo --interval 0
	assert_failure 2
	run --separate-stderr sysinfo --interval -1s
	assert_failure 2
	run --separate-stderr sysinfo conn --kind sctp
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit sysinfo: invalid --kind: sctp (tcp tcp4 tcp6 udp udp4 udp6 unix inet inet4 inet6 all)"
	run --separate-stderr sysinfo bogus
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit sysinfo: unknown section: bogus"
	# untrusted text is escaped, never sent to the terminal
	run --separate-stderr sysinfo $'x\e]0;pwned\a'
	assert_failure 2
	assert_equal "${stderr_lines[0]}" 'syskit sysinfo: unknown section: x\033]0;pwned\a'
	run --separate-stderr sysinfo --format $'j\ek'
	assert_failure 2
	assert_equal "${stderr_lines[0]}" 'syskit sysinfo: invalid --format: j\033k (text, json, kv, prometheus)'
	run --separate-stderr sysinfo --nope
	assert_failure 2
	assert_equal "$stderr" "syskit sysinfo: unknown option: --nope
Try 'syskit sysinfo --help'."
	assert_equal "$output" ""
	run --separate-stderr sysinfo -Q
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit sysinfo: unknown option: -Q"
	run --separate-stderr sysinfo --kind
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit sysinfo: option --kind needs a value"
	run --separate-stderr sysinfo -k
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit sysinfo: option -k needs a value"
}

@test "mem: psutil's relations hold" {
	run sysinfo mem --json
	assert_success
	run jget "d['mem']['used'] == d['mem']['total'] - d['mem']['available'] and 0 <= d['mem']['percent'] <= 100 and d['mem']['free'] <= d['mem']['total']"
	assert_output True
}

@test "disk: / is listed with usage; --all lists more" {
	run sysinfo disk --json
	assert_success
	# / is listed unless it is no mount point here (a chroot)
	if findmnt -n / >/dev/null 2>&1; then
		run jget "[p['mountpoint'] for p in d['disk']['partitions']].count('/') >= 1"
		assert_output True
	fi
	run sysinfo disk --json
	run jget "all(p['total'] > 0 for p in d['disk']['partitions'] if p['mountpoint'] == '/')"
	assert_output True
	local n
	n=$(sysinfo disk --json | $PY -c 'import json,sys; print(len(json.load(sys.stdin)["disk"]["partitions"]))')
	run sysinfo disk --all --json
	run jget "len(d['disk']['partitions']) > $n and any(p['fstype'] == 'proc' for p in d['disk']['partitions'])"
	assert_output True
	run sysinfo disk --json
	run jget "all(k in d['disk']['io']['total'] for k in ('read_count','write_count','read_bytes','write_bytes','busy_time'))"
	assert_output True
}

@test "net: lo is up with 127.0.0.1" {
	run sysinfo net --json
	assert_success
	run jget "[ (i['is_up'], [a['address'] for a in i['addresses'] if a['family']=='AF_INET']) for i in d['net']['interfaces'] if i['name']=='lo'][0]"
	assert_output '[true, ["127.0.0.1"]]'
}

@test "conn: a listening socket of ours shows up with its pid" {
	$PY -c '
import socket, sys, os, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
print(s.getsockname()[1], u.getsockname()[1], flush=True)
time.sleep(20)
' </dev/null >"$BATS_TEST_TMPDIR/ports" 3>&- &
	local pid=$! i
	for i in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/ports" ] && break; sleep 0.05; done
	read -r tport uport < "$BATS_TEST_TMPDIR/ports"
	run sysinfo conn --kind tcp4 --pids --json
	assert_success
	run jget "[(c['status'], c['pid']) for c in d['conn'] if c['laddr'] and c['laddr']['port'] == $tport]"
	assert_output "[[\"LISTEN\", $pid]]"
	run sysinfo conn --kind udp --json
	run jget "[(c['status'], c['proto']) for c in d['conn'] if c['laddr'] and c['laddr']['port'] == $uport]"
	assert_output '[["NONE", "udp"]]'
	run sysinfo conn --kind tcp -p
	assert_success
	assert_line --index 0 --regexp '^PROTO +LOCAL +REMOTE +STATE +UID +INODE +PID +NAME$'
	assert_line --regexp "^tcp +127\.0\.0\.1:$tport +0\.0\.0\.0:0 +LISTEN +[0-9]+ +[0-9]+ +$pid +python3"
	run sysinfo conn --kind unix --json
	assert_success
	json_ok
	kill "$pid"; wait "$pid" 2>/dev/null || true
}

@test "limits: cgroup, container and rlimits" {
	run sysinfo limits --json
	assert_success
	# no cgroup file system (a chroot): a null with its reason
	run jget "(d['limits']['cgroup']['version'] in (1, 2) or d['limits']['cgroup']['version_error'] == 'no cgroup file system') and isinstance(d['limits']['container'], bool)"
	assert_output True
	run bash -c 'ulimit -n 77; sysinfo limits --json'
	run jget "[r['soft'] for r in d['limits']['rlimits'] if r['resource'] == 'nofile']"
	assert_output '[77]'
}

@test "host: current user from the passwd database, no terminal when piped" {
	run sysinfo host --json
	assert_success
	run jget "(d['host']['user']['uid'], d['host']['user']['name'], d['host']['terminal'], d['host']['terminal_error'])"
	assert_output "[$(id -u), \"$(id -un)\", null, \"stdout is not a terminal\"]"
	run sysinfo host --json
	run jget "isinstance(d['host']['users'], list) and d['host']['boot_time'] > 1e9"
	assert_output True
}

@test "host: the terminal size when stdout is a terminal" {
	command -v script >/dev/null || skip "script(1) missing"
	run script -qec "stty cols 91 rows 33; $SKBIN/sysinfo host --format kv" /dev/null
	assert_success
	assert_line --regexp $'^host.terminal.columns=91\r?$'
	assert_line --regexp $'^host.terminal.lines=33\r?$'
}
