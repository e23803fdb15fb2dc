#!/usr/bin/env bats
# sysinfo on captured /proc and /sys trees (tests/fixtures/sysinfo-*/{proc,sys}),
# read through SYSKIT_PROC and SYSKIT_SYS: exact output for everything a tree
# decides.  The files in sysinfo-*/expected/ were computed from the raw
# fixture files with psutil 5.9's formulas, not by running syskit; the
# arithmetic is in the comments above each tree's tests.
#
# Left out because they describe the live machine: host (uname, user,
# terminal) and limits.rlimits (getrlimit).  Decided by the tree although
# they look live: cpu.count_usable (the tree's self/status
# Cpus_allowed_list) and the container verdict (/.dockerenv and
# /run/.containerenv are looked at only when SYSKIT_PROC is unset).
# Units: USER_HZ 100 and 4 KiB pages (swap sin/sout, the MemAvailable
# estimate); tests that depend on them skip elsewhere.

load helpers
bats_require_minimum_version 1.5.0

# helpers.bash's setup, and: the "container" variable describes this
# machine, never a tree.
eval "$(declare -f setup | sed '1s/^setup/helpers_setup/')"
setup() {
	helpers_setup
	unset container
}

# fx NAME: read the sysinfo-NAME tree.
fx() {
	FX=$FIXTURES/sysinfo-$1
	export SYSKIT_PROC=$FX/proc SYSKIT_SYS=$FX/sys
}

std_units() {
	if [ "$(getconf CLK_TCK)" != 100 ] || [ "$(getconf PAGESIZE)" != 4096 ]; then
		skip "the expected files assume USER_HZ 100 and 4 KiB pages"
	fi
}

REPORT="cpu mem swap disk net sensors pressure limits"
# limits: only what the tree decides
TREE_PATHS="cpu mem swap disk net sensors pressure limits.cgroup limits.container limits.container_kind"

# same_json PATH...: `sysinfo $REPORT --json` holds what expected/report.json
# holds at each dotted PATH; -PATH leaves a path out (it has a test of its
# own).  Key order and number types count (1 is not 1.0).  Prints a diff
# (tests/sysinfo_expect.py).
same_json() {
	sysinfo $REPORT --json > "$BATS_TEST_TMPDIR/out.json" || return 1
	$PY "$TOP/tests/sysinfo_expect.py" "$FX/expected/report.json" \
	    "$BATS_TEST_TMPDIR/out.json" "$@"
}

# same_text FILE PATTERN CMD...: CMD exits 0, says nothing on stderr, and
# its stdout is expected/FILE byte for byte; PATTERN "" compares every
# line, +RE only the lines matching RE, -RE the others.
same_text() {
	local file=$1 pat=$2 t=$BATS_TEST_TMPDIR rc=0
	shift 2
	"$@" > "$t/out" 2> "$t/err" || rc=$?
	if [ "$rc" -ne 0 ] || [ -s "$t/err" ]; then
		echo "exit $rc"
		cat "$t/err"
		return 1
	fi
	case $pat in
	+*)	grep -e "${pat#+}" "$FX/expected/$file" > "$t/want" || true
		grep -e "${pat#+}" "$t/out" > "$t/got" || true ;;
	-*)	grep -v -e "${pat#-}" "$FX/expected/$file" > "$t/want" || true
		grep -v -e "${pat#-}" "$t/out" > "$t/got" || true ;;
	*)	cp "$FX/expected/$file" "$t/want"
		cp "$t/out" "$t/got" ;;
	esac
	diff -u "$t/want" "$t/got"
}

# ---- sysinfo-v1box: a cgroup v1 VM, 2 CPUs, with swap, sensors, a battery
#
# cpu: online 0-1 = 2; core_cpus_list "0", "1" = 2 cores; Cpus_allowed_list
#   0-1 = 2 usable; cpu.cfs_quota_us -1 (no quota): effective 2.  times =
#   ticks / 100: "cpu 1168 0 1230 72012 212 0 21 6" = user 11.68, system 12.3,
#   idle 720.12, iowait 2.12, softirq 0.21, steal 0.06.  freq, psutil 5.9's
#   cpu_freq(): current = cpuinfo "cpu MHz" 2596.12 (one per cpufreq dir),
#   min/max = mean scaling_min_freq / scaling_max_freq = 1500 / 2800 MHz
#   (not cpuinfo_min/max_freq, 400 / 3500: the hardware's range).
# mem: MemTotal 24684092 kB = 25276510208; MemAvailable 24394160 kB =
#   24979619840; used = total - available = 296890368; percent 1.17 -> 1.2;
#   cached = Cached + SReclaimable = (100296 + 56628) kB = 160690176;
#   shared = Shmem 8856 kB = 9068544.  memory.limit_in_bytes
#   9223372036854771712 is v1's "no limit" (>= 2^60): no container block.
# swap: SwapTotal 2097148 kB = 2147479552, SwapFree 1835004 kB = 1879044096,
#   used 268435456 (256 MiB), percent 12.50002 -> 12.5; sin = pswpin 1234 x
#   4096 = 5054464, sout = 5678 x 4096 = 23257088.
# disk: / (ext4 /dev/vda) is the one device mount; usage is null (not this
#   machine's mount).  io: vda 2274458 sectors x 512 = 1164522496 read; the
#   loops and zram0 are all 0, so the total is vda's.
# net: sysfs flags lack RUNNING; SIOCGIFFLAGS (psutil) adds it when the link
#   is up and operstate is up or unknown, and psutil's isup is "running":
#   lo 0x9 + unknown = up,loopback,running; eth0 0x1003 + up; ifb0 0x82
#   down; ifb1 0x83 (up) but operstate down = not running, is_up false.
#   eth0 speed 10000; ifb0 speed -1 = 0.  bytes_recv total 3267 + 32991697.
# sensors: k10temp temp1 45250 = 45.25 (no max, crit), temp3 38 / 70 / 95;
#   nct6775 temp2 -5500 = -5.5.  thermal_zone0 (acpitz) is not listed:
#   psutil reads thermal zones only when hwmon has no temperature (on real
#   machines acpitz is also an hwmon chip: it would be listed twice).
#   fans 1205 "CPU Fan" and 0 "".  Prometheus, as node_exporter: hwmon0's
#   device link resolves to devices/pci0000:00/0000:00:18.3, so its chip is
#   "pci0000:00_0000:00:18_3" ('.' cleaned to '_'); hwmon1 has no device
#   link: its name, "nct6775".  temp3's max and crit are exported as
#   node_hwmon_temp_max_celsius 70 and node_hwmon_temp_crit_celsius 95.
#   BAT0 energy 31500000 / 45000000 = 70%;
#   AC online 0: on battery; secsleft = 31500000 / 9000000 h = 12600 s.
# pressure: totals us / 1e6: cpu some 3260332 = 3.260332; io 2.101, 1.988142.
# limits: v1; path = the memory controller's; no quota, no memory limit;
#   usage 4665344, max_usage 6860800; the pids hierarchy holds no files:
#   null.  1/cgroup names no runtime and / is ext4: no container.

@test "v1box: json, everything the tree decides (cpu.freq, temperatures apart)" {
	fx v1box
	std_units
	run same_json $TREE_PATHS -cpu.freq -sensors.temperatures
	assert_success
}

@test "v1box: cpu.freq is psutil's: cpuinfo MHz, scaling_min_freq, scaling_max_freq" {
	fx v1box
	run same_json cpu.freq
	assert_success
}

@test "v1box: sensors.temperatures: hwmon, and thermal zones only without hwmon temperatures" {
	fx v1box
	run same_json sensors.temperatures
	assert_success
}

@test "v1box: prometheus mem cpu pressure sensors, exactly (hwmon temperatures apart)" {
	fx v1box
	std_units
	run same_text prom.txt -node_hwmon_temp_celsius sysinfo mem cpu pressure sensors --format prometheus
	assert_success
}

@test "v1box: prometheus node_hwmon_temp_celsius: no thermal zone beside hwmon" {
	fx v1box
	run same_text prom.txt +node_hwmon_temp_celsius sysinfo mem cpu pressure sensors --format prometheus
	assert_success
}

@test "v1box: kv mem swap, exactly" {
	fx v1box
	std_units
	run same_text kv.txt "" sysinfo mem swap --format kv
	assert_success
}

@test "v1box: text mem, exactly (IEC sizes rounded half up)" {
	# 25276510208 B = 23.5 GiB -> "24 GiB"; 296890368 = 283.1 MiB;
	# 1183744 = 1.13 MiB -> "1.1 MiB"
	fx v1box
	run same_text mem.txt "" sysinfo mem
	assert_success
}

@test "v1box: cpu --effective is every usable CPU without a quota" {
	fx v1box
	run sysinfo cpu --effective
	assert_success
	assert_output 2
	run sysinfo -e
	assert_output 2
}

@test "v1box: usable CPUs come from the tree's Cpus_allowed_list, not our affinity" {
	command -v taskset >/dev/null || skip "taskset missing"
	fx v1box
	run taskset -c 0 sysinfo cpu --json
	assert_success
	run jget "(d['cpu']['count_usable'], d['cpu']['count_effective'])"
	assert_output '[2, 2]'
}

@test "v1box: this machine's \$container does not make the tree a container" {
	# like /.dockerenv, the variable describes where syskit runs
	fx v1box
	run env container=podman sysinfo limits --json
	assert_success
	run jget "(d['limits']['container'], d['limits']['container_kind'])"
	assert_output '[false, null]'
}

# ---- sysinfo-v2ctr: a docker container on cgroup v2 (cgroupns=host)
#
# cpu: online 0-3 = 4; core_cpus_list "0,2", "1,3" = 2 cores; usable 0-3 =
#   4; cpu.max "150000 100000" at the scope (system.slice: "max 100000")
#   = 1.5 CPUs; effective = min(4, floor(1.5 + 0.5)) = 2.  No cpufreq in
#   the container's /sys: freq = mean cpuinfo MHz (2499.998 + 2500.004 +
#   3100 + 2900.002) / 4 = 2750.001, min = max = 0 (psutil's fallback).
#   times: guest 1200 = 12, guest_nice 30 = 0.3 (node_exporter's user and
#   nice leave them out: cpu0 user (1300000 - 300) / 100 = 12997).
# mem: MemTotal 16106940 kB = 16493506560; MemAvailable 11364512 kB =
#   11637260288; used 4856246272; percent 29.44 -> 29.4.  container: limit
#   memory.max 536870912 (system.slice: max); usage memory.current
#   268435456; used = usage - inactive_file 67108864 = 201326592 (192 MiB);
#   available = 536870912 - 201326592 = 335544320; percent 37.5; peak
#   memory.peak 314572800.
# swap: 4194300 - 4190204 kB = 4096 kB used = 4194304, percent 0.098 -> 0.1;
#   sin 321 x 4096 = 1314816; sout 1024 x 4096 = 4194304.
# disk: the overlay / is kept (psutil drops it: nodev); /etc/resolv.conf,
#   /etc/hostname, /etc/hosts and /data are ext4 binds of /dev/nvme0n1p1.
#   io: loop0 and nvme0n1 are whole disks (the partitions have no
#   /sys/block entry); total reads 52 + 1234567 = 1234619, read_bytes
#   (2176 + 98765432) x 512 = 50569015296.
# sensors: none in the container's /sys: [], [], battery null.
# pressure: cpu has no "full" line (kernels before 5.13): null; io some
#   98765432109 us = 98765.432109 s.
# limits: v2; 1/cgroup names docker: container, kind docker; pids.max 512.

@test "v2ctr: json, everything the tree decides" {
	fx v2ctr
	std_units
	run same_json $TREE_PATHS
	assert_success
}

@test "v2ctr: prometheus mem cpu pressure sensors, exactly" {
	fx v2ctr
	std_units
	run same_text prom.txt "" sysinfo mem cpu pressure sensors --format prometheus
	assert_success
}

@test "v2ctr: kv mem swap, exactly" {
	fx v2ctr
	std_units
	run same_text kv.txt "" sysinfo mem swap --format kv
	assert_success
}

@test "v2ctr: text mem with the container block, exactly" {
	fx v2ctr
	run same_text mem.txt "" sysinfo mem
	assert_success
}

@test "v2ctr: cpu --effective: a 1.5 CPU quota on 4 usable CPUs gives 2" {
	fx v2ctr
	run sysinfo cpu --effective
	assert_success
	assert_output 2
	run sysinfo cpu --json
	run jget "(d['cpu']['count_usable'], d['cpu']['count_effective'])"
	assert_output '[4, 2]'
}

@test "v2ctr: container memory from the cgroup's own files" {
	fx v2ctr
	local cg cur ina lim
	cg=$(echo "$SYSKIT_SYS"/fs/cgroup/system.slice/docker-*.scope)
	cur=$(cat "$cg/memory.current")
	ina=$(awk '$1 == "inactive_file" { print $2 }' "$cg/memory.stat")
	lim=$(cat "$cg/memory.max")
	run sysinfo mem --json
	assert_success
	run jget "[d['mem']['container'][k] for k in ('limit', 'usage', 'used', 'available', 'percent')]"
	assert_output "[$lim, $cur, $((cur - ina)), $((lim - cur + ina)), $($PY -c "print(round(($cur - $ina) / $lim * 100, 1))")]"
}

# ---- sysinfo-noswap: an old kernel: no swap, no PSI, no MemAvailable
#
# cpu: online 0-3 = 4; thread_siblings_list (no core_cpus_list) "0,2",
#   "1,3" = 2 cores; Cpus_allowed_list 0,2-3 = 3 usable; no cgroup:
#   effective 3.  freq = mean(2400, 2400.5, 1200, 1200.5) = 1800.25.
# mem: no MemAvailable: psutil's calculate_avail_vmem with zoneinfo's low
#   watermarks (5 + 1000 + 3000) x 4096 = 16404480: free 524288000 - low
#   + pagecache (Active(file) + Inactive(file) = 950000 kB = 972800000)
#   - min(pagecache / 2, low) + SReclaimable 92160000 - min(92160000 / 2,
#   low) = 1540034560; used 557117440; percent 26.57 -> 26.6.
# swap: total 0, percent 0; vmstat has no pswpin: sin, sout null.
# disk: / is /dev/root, named through /sys/dev/block/8:1/uevent: /dev/sda1;
#   "/mnt/my\040disk" on "/dev/sdb\0401" unescaped; fuse.sshfs and proc are
#   no device file systems.  io: sda, cciss/c0d0 (sysfs: cciss!c0d0) and
#   dm-0 are whole disks, sda1 is not; dm-0 has slaves/sda1, so it is
#   stacked: listed, but its reads are sda1's and the total leaves it out:
#   reads 12345 + 10 = 12355, read_bytes (901234 + 80) x 512 = 461472768.
# net: lo has no /sys/class/net entry: stats null; eth0 0x1103 + up =
#   up,broadcast,running,promisc,multicast, mtu 9000.
# sensors: hwmon0 has a fan only, so the thermal zones are read: acpitz
#   41000 = 41, critical trip 107; x86_pkg_temp 55.5, passive trips only:
#   high and critical null.  BAT1 charge 2500000 / 4000000 = 62.5%; ADP1
#   (Mains) online: plugged, secsleft null (psutil: POWER_TIME_UNLIMITED).
# pressure: no /proc/pressure: null, ENOENT.  limits: no self/cgroup.

@test "noswap: json, everything the tree decides" {
	fx noswap
	std_units
	run same_json $TREE_PATHS
	assert_success
}

# Prometheus: the families in the JSON order (temperatures, then fans):
# node_hwmon_temp_celsius is one block, the thermal zones standing in for
# the hwmon temperatures there are none of.
@test "noswap: prometheus mem cpu pressure sensors, exactly" {
	fx noswap
	run same_text prom.txt "" sysinfo mem cpu pressure sensors --format prometheus
	assert_success
}

@test "noswap: kv mem swap, exactly" {
	fx noswap
	std_units
	run same_text kv.txt "" sysinfo mem swap --format kv
	assert_success
}

@test "noswap: text mem, exactly" {
	fx noswap
	std_units
	run same_text mem.txt "" sysinfo mem
	assert_success
}

@test "noswap: cpu --effective is the 3 CPUs of Cpus_allowed_list" {
	fx noswap
	run sysinfo cpu --effective
	assert_success
	assert_output 3
}

@test "noswap: disk io total counts sda and cciss/c0d0, not the stacked dm-0" {
	fx noswap
	local want
	want=$(awk '$3 == "sda" || $3 == "cciss/c0d0" { s += $6 } END { print s * 512 }' "$SYSKIT_PROC/diskstats")
	run sysinfo disk --json
	assert_success
	run jget "[(x['name'], x['stacked']) for x in d['disk']['io']['perdisk']]"
	assert_output '[["sda", false], ["cciss/c0d0", false], ["dm-0", true]]'
	run sysinfo disk --json
	run jget "d['disk']['io']['total']['read_bytes']"
	assert_output "$want"
}

@test "noswap: available is estimated from zoneinfo, and says so" {
	fx noswap
	std_units
	run sysinfo mem --json
	assert_success
	run jget "(d['mem']['available'], d['mem']['available_estimated'])"
	assert_output '[1540034560, true]'
}

# ---- prometheus: every series once

@test "prometheus: no family declared twice, no series twice (two thermal zones of one type)" {
	local t=$BATS_TEST_TMPDIR
	fx noswap
	# laptops often have several "acpitz" zones
	cp -R "$SYSKIT_SYS" "$t/sys"
	cp -R "$t/sys/class/thermal/thermal_zone0" "$t/sys/class/thermal/thermal_zone2"
	echo 39000 > "$t/sys/class/thermal/thermal_zone2/temp"
	for f in v1box v2ctr noswap dup; do
		if [ "$f" = dup ]; then
			export SYSKIT_SYS=$t/sys
		else
			fx "$f"
		fi
		echo "tree $f"
		sysinfo --format prometheus > "$t/prom" || return 1
		run sh -c "grep '^# TYPE' '$t/prom' | sort | uniq -d"
		assert_output ""
		run sh -c "grep -v '^#' '$t/prom' | sed 's/ [^ ]*\$//' | sort | uniq -d"
		assert_output ""
	done
}

# ---- sysinfo-bad: malformed and missing files

@test "bad: a malformed meminfo: one line naming it, exit 1, cpu still prints" {
	fx bad
	run --separate-stderr sysinfo mem cpu --json
	assert_failure 1
	json_ok
	run jget "(d['mem'], d['mem_error'] != '', d['cpu']['count_logical'], d['cpu']['stats']['ctx_switches'], d['cpu']['times']['user'])"
	assert_output '[null, true, 4, 2348900, 47.05]'
	run --separate-stderr sysinfo mem cpu --json
	assert_equal "$stderr" "syskit sysinfo: $SYSKIT_PROC/meminfo: malformed content"
}

@test "bad: a malformed meminfo in kv and prometheus: the same one line, exit 1" {
	fx bad
	run --separate-stderr sysinfo mem swap --format kv
	assert_failure 1
	assert_equal "$stderr" "syskit sysinfo: $SYSKIT_PROC/meminfo: malformed content"
	assert_output $'mem=\nswap='
	run --separate-stderr sysinfo mem cpu --format prometheus
	assert_failure 1
	assert_equal "$stderr" "syskit sysinfo: $SYSKIT_PROC/meminfo: malformed content"
	assert_line 'node_procs_running 2'
}

@test "bad: a malformed pressure/cpu: one line naming it, exit 1, memory and io still print" {
	fx bad
	run --separate-stderr sysinfo pressure --json
	assert_failure 1
	json_ok
	run jget "(d['pressure']['cpu'], d['pressure']['cpu_error'], d['pressure']['io']['some']['total'], d['pressure']['io']['full']['avg300'])"
	assert_output '[null, "malformed content", 2.101, 0.2]'
	run --separate-stderr sysinfo pressure --format prometheus
	assert_failure 1
	assert_equal "$stderr" "syskit sysinfo: $SYSKIT_PROC/pressure/cpu: malformed content"
	assert_line 'node_pressure_io_waiting_seconds_total 2.101'
	# the message names the file, whatever the format
	run --separate-stderr sysinfo pressure --json
	assert_equal "$stderr" "syskit sysinfo: $SYSKIT_PROC/pressure/cpu: malformed content"
}

@test "bad: a malformed stat read by host and cpu: one line, and a missing uptime stays missing" {
	local t=$BATS_TEST_TMPDIR
	cp -R "$FIXTURES/sysinfo-bad/proc" "$t/proc"
	echo "cpu  1 2 x 4" > "$t/proc/stat"
	export SYSKIT_PROC=$t/proc SYSKIT_SYS=$FIXTURES/sysinfo-bad/sys
	run --separate-stderr sysinfo host cpu --json
	assert_failure 1
	json_ok
	run jget "[d['host'].get(k) for k in ('boot_time', 'boot_time_error', 'uptime', 'uptime_error')] + [d['cpu']['times'], d['cpu']['times_error']]"
	assert_output '[null, "malformed content", null, "No such file or directory", null, "malformed content"]'
	run --separate-stderr sysinfo host cpu --json
	assert_equal "$stderr" "syskit sysinfo: $SYSKIT_PROC/stat: malformed content"
}

@test "bad: no cpuinfo, no diskstats: nulls with reasons, exit 0" {
	fx bad
	run --separate-stderr sysinfo cpu disk --json
	assert_success
	assert_equal "$stderr" ""
	run jget "[(k, d[s][k], d[s].get(k + '_error')) for s, k in (('cpu', 'model'), ('cpu', 'freq'), ('disk', 'io'))]"
	assert_output '[["model", null, "no model name in cpuinfo"], ["freq", null, "no cpufreq and no cpu MHz"], ["io", null, "No such file or directory"]]'
	run sysinfo cpu disk --json
	run jget "(d['cpu']['count_logical'], d['cpu']['times']['idle'], [p['mountpoint'] for p in d['disk']['partitions']])"
	assert_output '[4, 36.99, ["/"]]'
	run sysinfo cpu
	assert_success
	assert_line --regexp '^  model +-$'
}

# ---- sysinfo-hostile and hostile copies: what a foreign tree can hold
# (issue 8 item 8).  Every file that cannot be read is one line naming its
# full path, once, and exit 1; nothing blocks on a file that is not regular.

# hostile_tree: a copy of the noswap tree in $T to spoil.
hostile_tree() {
	T=$BATS_TEST_TMPDIR/tree
	cp -R "$FIXTURES/sysinfo-noswap" "$T"
	export SYSKIT_PROC=$T/proc SYSKIT_SYS=$T/sys
}

@test "hostile: a meminfo holding only MemTotal is malformed, not 100% used" {
	local f
	fx hostile
	run --separate-stderr sysinfo mem swap --json
	assert_failure 1
	assert_equal "$stderr" "syskit sysinfo: $SYSKIT_PROC/meminfo: malformed content"
	run jget "(d['mem'], d['mem_error'], d['swap'], d['swap_error'])"
	assert_output '[null, "malformed content", null, "malformed content"]'
	for f in text kv prometheus; do
		run --separate-stderr sysinfo mem --format "$f"
		assert_failure 1
		assert_equal "$stderr" "syskit sysinfo: $SYSKIT_PROC/meminfo: malformed content"
		refute_output --partial 100
	done
	run --separate-stderr sysinfo
	assert_failure 1
	assert_line --regexp '^memory +-$'
	assert_equal "$stderr" "syskit sysinfo: $SYSKIT_PROC/meminfo: malformed content"
}

@test "hostile: a meminfo without the swap lines: mem is read, swap is malformed" {
	hostile_tree
	grep -v '^Swap' "$FIXTURES/sysinfo-noswap/proc/meminfo" > "$T/proc/meminfo"
	run --separate-stderr sysinfo mem swap --json
	assert_failure 1
	assert_equal "$stderr" "syskit sysinfo: $T/proc/meminfo: malformed content"
	run jget "(d['mem']['total'] > 0, d['swap'], d['swap_error'])"
	assert_output '[true, null, "malformed content"]'
}

@test "hostile: an online list naming CPUs twice counts each once" {
	fx hostile
	run --separate-stderr sysinfo cpu --json
	assert_success
	run jget "d['cpu']['count_logical']"
	assert_output 2
	run sysinfo
	assert_line --regexp '^cpu +2 logical, '
}

@test "hostile: an online list 5-2, -1 or empty is malformed, said once" {
	local l
	hostile_tree
	for l in 5-2 -1 "" ","; do
		printf '%s\n' "$l" > "$T/sys/devices/system/cpu/online"
		run --separate-stderr sysinfo cpu --json
		assert_failure 1
		assert_equal "$stderr" "syskit sysinfo: $T/sys/devices/system/cpu/online: malformed content"
		run jget "(d['cpu']['count_logical'], d['cpu']['count_logical_error'])"
		assert_output '[null, "malformed content"]'
		run --separate-stderr sysinfo
		assert_failure 1
		assert_line --regexp '^cpu +- logical, '
		assert_equal "$stderr" "syskit sysinfo: $T/sys/devices/system/cpu/online: malformed content"
	done
	# the tree's own Cpus_allowed_list, the same way
	printf '0-3\n' > "$T/sys/devices/system/cpu/online"
	sed -i 's/^Cpus_allowed_list:.*/Cpus_allowed_list:\t3-1/' "$T/proc/self/status"
	run --separate-stderr sysinfo cpu --json
	assert_failure 1
	assert_equal "$stderr" "syskit sysinfo: $T/proc/self/status: malformed content"
}

@test "hostile: a FIFO in place of meminfo, stat or online: no hang, one line each" {
	local f s
	hostile_tree
	for f in proc/meminfo proc/stat sys/devices/system/cpu/online; do
		rm "$T/$f"
		mkfifo "$T/$f"
	done
	for f in text json kv prometheus; do
		for s in "" mem swap cpu host; do
			run --separate-stderr timeout 10 sysinfo $s --format "$f"
			[ "$status" -eq 1 ] || { echo "sysinfo $s --format $f: exit $status"; return 1; }
			case $s in
			mem|swap) assert_equal "$stderr" "syskit sysinfo: $T/proc/meminfo: not a regular file" ;;
			host)	assert_equal "$stderr" "syskit sysinfo: $T/proc/stat: not a regular file" ;;
			esac
		done
	done
	run --separate-stderr timeout 10 sysinfo
	assert_failure 1
	assert_equal "$stderr" "syskit sysinfo: $T/sys/devices/system/cpu/online: not a regular file
syskit sysinfo: $T/proc/meminfo: not a regular file"
	run --separate-stderr timeout 10 sysinfo cpu --json
	assert_failure 1
	run jget "(d['cpu']['count_logical_error'], d['cpu']['times_error'])"
	assert_output '["not a regular file", "not a regular file"]'
	assert_equal "${#stderr_lines[@]}" 2
}

@test "hostile: a FIFO in place of the tree's os-release and utmp: no hang, said" {
	local t=$BATS_TEST_TMPDIR
	cp -R "$FIXTURES/sysinfo-v1box" "$t/v1"
	rm "$t/v1/etc/os-release" "$t/v1/run/utmp"
	mkfifo "$t/v1/etc/os-release" "$t/v1/run/utmp"
	export SYSKIT_PROC=$t/v1/proc SYSKIT_SYS=$t/v1/sys
	run --separate-stderr timeout 10 sysinfo host --json
	assert_failure 1
	assert_equal "$stderr" "syskit sysinfo: $t/v1/etc/os-release: not a regular file
syskit sysinfo: $t/v1/run/utmp: not a regular file"
	run jget "(d['host']['os_name'], d['host']['users'])"
	assert_output '[null, []]'
}

@test "hostile: a FIFO in place of a cgroup file: no hang, said like the others" {
	local t=$BATS_TEST_TMPDIR
	cp -R "$FIXTURES/cgroup-v2ctr" "$t/cg"
	rm "$t/cg/sys/fs/cgroup/memory.max"
	mkfifo "$t/cg/sys/fs/cgroup/memory.max"
	export SYSKIT_PROC=$t/cg/proc SYSKIT_SYS=$t/cg/sys
	run --separate-stderr timeout 10 sysinfo limits --json
	assert_failure 1
	assert_equal "$stderr" "syskit sysinfo: $t/cg/sys/fs/cgroup/memory.max: not a regular file"
	run jget "(d['limits']['cgroup']['version'], d['limits']['cgroup']['version_error'])"
	assert_output '[null, "not a regular file"]'
	# a malformed cgroup file, the same way, whichever section reads it
	export SYSKIT_PROC=$FIXTURES/cgroup-v2bad/proc SYSKIT_SYS=$FIXTURES/cgroup-v2bad/sys
	run --separate-stderr sysinfo cpu --effective
	assert_failure 1
	assert_output --regexp '^[1-9][0-9]*$'
	assert_equal "$stderr" "syskit sysinfo: $SYSKIT_SYS/fs/cgroup/cpu.max: malformed content"
	run --separate-stderr sysinfo limits --format kv
	assert_failure 1
	assert_line 'limits.cgroup.version='
	assert_equal "$stderr" "syskit sysinfo: $SYSKIT_SYS/fs/cgroup/cpu.max: malformed content"
}

# ---- SYSKIT_PROC naming no directory

@test "nowhere: no /proc and no /sys: every section null with a reason, exit 0" {
	export SYSKIT_PROC=$BATS_TEST_TMPDIR/none/proc SYSKIT_SYS=$BATS_TEST_TMPDIR/none/sys
	run --separate-stderr sysinfo $REPORT --json
	json_ok
	run jget "[(p, v) for p, v in (('cpu.times', d['cpu'].get('times_error')), ('mem', d.get('mem_error')), ('swap', d.get('swap_error')), ('disk.partitions', d['disk'].get('partitions_error')), ('disk.io', d['disk'].get('io_error')), ('net', d.get('net_error')), ('sensors.battery', d['sensors'].get('battery_error')), ('limits.cgroup.version', d['limits']['cgroup'].get('version_error')), ('pressure.cpu', d['pressure'].get('cpu_error')))]"
	assert_output '[["cpu.times", "No such file or directory"], ["mem", "No such file or directory"], ["swap", "No such file or directory"], ["disk.partitions", "No such file or directory"], ["disk.io", "No such file or directory"], ["net", "No such file or directory"], ["sensors.battery", "no battery"], ["limits.cgroup.version", "no cgroup file system"], ["pressure.cpu", "No such file or directory"]]'
	# a missing file is no malformed one
	run --separate-stderr sysinfo $REPORT --json
	assert_equal "$stderr" ""
	assert_success
}

@test "nowhere: every section in every format, and the summary: no crash" {
	local s f
	export SYSKIT_PROC=$BATS_TEST_TMPDIR/none/proc
	for f in text json kv prometheus; do
		for s in "" host cpu mem swap disk net conn sensors limits pressure; do
			run --separate-stderr sysinfo $s --format "$f"
			[ "$status" -le 1 ] || { echo "sysinfo $s --format $f: exit $status"; return 1; }
			if [ "$f" = json ]; then json_ok; fi
		done
	done
	run sysinfo cpu --effective
	assert_success
	assert_output --regexp '^[1-9][0-9]*$'
	export SYSKIT_SYS=$BATS_TEST_TMPDIR/none/sys
	run sysinfo
	[ "$status" -le 1 ]
	run --separate-stderr sysinfo --json
	[ "$status" -le 1 ]
	json_ok
}

# A foreign tree answers for its own os-release and utmp (tree/etc,
# tree/run beside tree/proc): utmp holds a BOOT_TIME, two USER_PROCESS and
# a DEAD_PROCESS record (glibc's 384-byte layout); only the users count.
@test "v1box: host os-release and logged-in users come from the tree" {
	fx v1box
	run sysinfo host --json
	assert_success
	run jget "(d['host']['os_name'], d['host']['os_version'], [(u['name'], u['terminal'], u['host'], u['started'], u['pid']) for u in d['host']['users']])"
	assert_output '["Fixture Linux", "9", [["alice", "pts/0", "10.0.0.5", 1795810000, 1234], ["bob\u001b[31m", "tty1", "", 1795812000, 1400]]]'
	# for people, the escape in a name is shown, not sent to the terminal
	run sysinfo host
	assert_success
	assert_line --regexp '^    bob\\033\[31m +tty1 '
	refute_output --partial $'\e'
}

@test "a tree without utmp has no users, not an error" {
	fx noswap
	run sysinfo host --json
	assert_success
	run jget "d['host']['users']"
	assert_output '[]'
}
