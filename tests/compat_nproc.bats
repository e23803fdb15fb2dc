#!/usr/bin/env bats
# nproc, the compat name: coreutils' own test cases (tests/nproc/*.sh),
# each run against the installed original (/usr/bin/nproc, coreutils 9.1)
# and against syskit's nproc (a link made by --install --compat, so that
# argv[0] is the bare name); they must agree.  Beyond coreutils 9.1,
# syskit's nproc stays within the cgroup CPU quota: the quota cases run on
# fixture trees (SYSKIT_PROC, SYSKIT_SYS), and follow the rules of
# coreutils' later nproc-quota.sh.

load helpers
bats_require_minimum_version 1.5.0

ORIG=/usr/bin/nproc

setup_file() {
	export CDIR="$BATS_FILE_TMPDIR/compat"
	mkdir -p "$CDIR"
	"$SYSKIT_BIN" --install -s --compat "$CDIR" >/dev/null
}

setup() {
	[ -x "$ORIG" ] || skip "needs coreutils' nproc at $ORIG"
	unset SYSKIT_PROC SYSKIT_SYS OMP_NUM_THREADS OMP_THREAD_LIMIT
	export LC_ALL=C
}

# both ARG...: nproc ARG... with the original, then with syskit's; the
# original's status, stdout and stderr are left in ost, oout, oerr.  The
# original runs as a script's PATH lookup would run it (argv[0] "nproc":
# coreutils names itself by argv[0] as given).
both() {
	run --separate-stderr bash -c 'exec -a nproc "$0" "$@"' "$ORIG" "$@"
	ost=$status oout=$output oerr=$stderr
	run --separate-stderr "$CDIR/nproc" "$@"
}

# agree: syskit's last run matches the original's: status, stdout, stderr.
agree() {
	assert_equal "$status" "$ost"
	assert_equal "$output" "$oout"
	assert_equal "$stderr" "$oerr"
}

# no_quota: this machine's own count has no cgroup CPU quota below it
# (then syskit's nproc and coreutils 9.1's must print the same).
no_quota() {
	[ "$("$SYSKIT_BIN" sysinfo cpu --effective)" = "$("$ORIG")" ] ||
	    skip "this machine's cgroup has a CPU quota: syskit's nproc honours it, coreutils 9.1's does not (see the quota tests)"
}

@test "nproc-avail: nproc is no more than nproc --all (both)" {
	local all avail
	for n in "$ORIG" "$CDIR/nproc"; do
		all=$("$n" --all)
		avail=$(OMP_NUM_THREADS= "$n")
		[ "$avail" -le "$all" ]
	done
	no_quota
	both --all
	agree
	OMP_NUM_THREADS= both
	agree
}

@test "nproc-positive: every mode and override prints a number > 0" {
	local mode v
	no_quota
	for mode in --all ''; do
		both $mode
		agree
		[ "$output" -gt 0 ]
	done
	for v in -1000 0 1 1000; do
		OMP_NUM_THREADS=$v both
		agree
		[ "$output" -gt 0 ]
	done
	for v in 0 ' 1' 1000; do
		both --ignore="$v"
		agree
		[ "$output" -gt 0 ]
	done
	OMP_NUM_THREADS=42 both --ignore=40
	agree
	assert_output 2
}

@test "nproc-positive: --ignore=-1 and --ignore=N fail with 1 and coreutils' message" {
	local v
	for v in -1 N; do
		both --ignore=$v
		agree
		assert_failure 1
		assert_equal "$stderr" "nproc: invalid number: '$v'"
	done
}

@test "nproc-override: OMP_THREAD_LIMIT and OMP_NUM_THREADS, coreutils' table" {
	local avail lim num want
	no_quota
	avail=$("$ORIG")
	# OMP_THREAD_LIMIT  OMP_NUM_THREADS  nproc
	while read -r lim num want; do
		unset OMP_THREAD_LIMIT OMP_NUM_THREADS
		[ "$lim" = - ] || export OMP_THREAD_LIMIT=$lim
		[ "$num" = - ] || export OMP_NUM_THREADS=$num
		both
		agree
		assert_output "$want"
	done <<-EOT
	-	-	$avail
	1	-	1
	1	0	1
	-	0	$avail
	-	2,2,1	2
	-	2,ignored	2
	-	2bad	$avail
	-	-2	$avail
	1	2,2,1	1
	0	2,2,1	2
	1bad	2,2,1	2
	1bad	$((avail + 1)),2,1	$((avail + 1))
	1	$((avail + 1))	1
	$((avail + 2))	$((avail + 1))	$((avail + 1))
	$((avail + 1))	$((avail + 2))	$((avail + 1))
	-	$((avail + 1))	$((avail + 1))
	EOT
}

@test "nproc-override: gnulib's reading of the variables: blanks, signs, lists, overflow" {
	local v
	no_quota
	for v in ' 3 ' '3 ,x' ' +3' '3x' '' ' ' '99999999999999999999999' '4,2' \
	    '0x10' '07'; do
		OMP_NUM_THREADS=$v both
		agree
		OMP_THREAD_LIMIT=$v both
		agree
		OMP_THREAD_LIMIT=$v OMP_NUM_THREADS=5 both
		agree
	done
	# --all ignores them
	OMP_NUM_THREADS=7 OMP_THREAD_LIMIT=1 both --all
	agree
}

@test "nproc: --ignore as coreutils reads it (xdectoumax), its messages and codes" {
	local v
	no_quota
	for v in 1x '1 ' +1 0x1 ' 1' 18446744073709551615 18446744073709551616 \
	    ' -1' 01 '1,' '' 99999999999999999999999; do
		both --ignore="$v"
		agree
	done
	both --ignore=18446744073709551616
	assert_failure 1
	assert_equal "$stderr" "nproc: invalid number: '18446744073709551616': Value too large for defined data type"
	# more than there is leaves 1
	both --ignore=100000
	agree
	assert_output 1
	# the last --ignore counts
	both --ignore=100000 --ignore=0
	agree
}

@test "nproc: usage errors as coreutils (glibc getopt's words, exit 1)" {
	local a
	for a in x --bogus --ignore --all=3 --ign '--x=1' -x; do
		both $a
		agree
		assert_failure 1
	done
	# an abbreviation is the option
	both --a
	agree
	assert_success
	both x
	assert_equal "$stderr" "nproc: extra operand 'x'
Try 'nproc --help' for more information."
	# in a UTF-8 locale, coreutils' quote() uses U+2018 and U+2019
	LC_ALL=C.UTF-8 both x
	agree
	assert_equal "${stderr_lines[0]}" "nproc: extra operand ‘x’"
	LC_ALL=C.UTF-8 both --ignore=q
	agree
	# -- ends the options
	both -- --all
	agree
	assert_failure 1
}

@test "nproc: --help starts as coreutils' (syskit adds its quota line); --version names syskit" {
	both --help
	assert_success
	assert_equal "${lines[0]}" "Usage: nproc [OPTION]..."
	assert_equal "${lines[0]}" "$(printf '%s\n' "$oout" | head -1)"
	assert_output --partial '--ignore=N  if possible, exclude N processing units'
	assert_output --partial 'cgroup'
	# documented difference: not coreutils' version text
	both --version
	assert_success
	assert_output "nproc (syskit) $("$SYSKIT_BIN" --version | cut -d' ' -f2)"
}

# ---- beyond coreutils 9.1: the cgroup CPU quota ----

# quota_tree CPUS CPU_MAX: a v2 tree at $T whose process may run on CPUS
# (a Cpus_allowed_list) in cgroup /foo with cpu.max CPU_MAX.
quota_tree() {
	T=$BATS_TEST_TMPDIR/q
	mkdir -p "$T/proc/self" "$T/sys/fs/cgroup/foo"
	printf '0::/foo\n' >"$T/proc/self/cgroup"
	printf 'Name:\tnproc\nCpus_allowed_list:\t%s\n' "$1" >"$T/proc/self/status"
	: >"$T/sys/fs/cgroup/cgroup.controllers"
	printf '%s\n' "$2" >"$T/sys/fs/cgroup/foo/cpu.max"
	export SYSKIT_PROC=$T/proc SYSKIT_SYS=$T/sys
}

@test "quota (coreutils' later nproc-quota.sh, on a v2 tree): rounded half up, at least 1" {
	local q want
	while IFS=: read -r q want; do
		quota_tree 0-3 "$q"
		run "$CDIR/nproc"
		assert_success
		assert_output "$want"
		# what sysinfo cpu --effective says: one computation
		assert_equal "$("$SYSKIT_BIN" sysinfo cpu --effective)" "$want"
	done <<-EOT
	max 100000:4
	1000000 1:4
	100000 0:4
	40000 100000:1
	50000 100000:1
	100000 100000:1
	140000 100000:1
	1 1000000:1
	150000 100000:2
	250000 100000:3
	800000 100000:4
	EOT
}

@test "quota: OMP_NUM_THREADS overrides it, OMP_THREAD_LIMIT caps it, --all and --ignore" {
	quota_tree 0-3 '100000 100000'
	OMP_NUM_THREADS=4 run "$CDIR/nproc"
	assert_output 4
	quota_tree 0-3 '150000 100000'
	OMP_THREAD_LIMIT=10 run "$CDIR/nproc"
	assert_output 2
	OMP_THREAD_LIMIT=1 run "$CDIR/nproc"
	assert_output 1
	run "$CDIR/nproc" --ignore=1
	assert_output 1
	# --all: the configured CPUs, no quota, no affinity below them
	run "$CDIR/nproc" --all
	assert_success
	[ "$output" -ge 4 ]
}

@test "quota: the v2 container fixture (1.5 CPUs on 4) gives 2, as sysinfo cpu --effective" {
	export SYSKIT_PROC=$FIXTURES/sysinfo-v2ctr/proc SYSKIT_SYS=$FIXTURES/sysinfo-v2ctr/sys
	run "$CDIR/nproc"
	assert_success
	assert_output 2
	run "$CDIR/nproc" --all
	assert_output 4
}

@test "quota: cgroup v1 (cfs_quota_us / cfs_period_us), the smallest along the chain" {
	T=$BATS_TEST_TMPDIR/v1
	cp -r "$FIXTURES/cgroup-v1quota" "$T"
	# eight usable CPUs; the leaf allows 2.5, its parent 2
	printf 'Name:\tnproc\nCpus_allowed_list:\t0-7\n' >"$T/proc/self/status"
	export SYSKIT_PROC=$T/proc SYSKIT_SYS=$T/sys
	run "$CDIR/nproc"
	assert_success
	assert_output 2
	assert_equal "$("$SYSKIT_BIN" sysinfo cpu --effective)" 2
	# no quota at all: the usable CPUs
	echo -1 >"$T/sys/fs/cgroup/cpu,cpuacct/docker/cpu.cfs_quota_us"
	echo -1 >"$T/sys/fs/cgroup/cpu,cpuacct/docker/5e1c/cpu.cfs_quota_us"
	run "$CDIR/nproc"
	assert_output 8
}

@test "quota: unreadable or missing cgroup files are no quota, never an error" {
	quota_tree 0-2 'garbage'
	run --separate-stderr "$CDIR/nproc"
	assert_success
	assert_output 3
	assert_equal "$stderr" ""
	rm -r "$SYSKIT_SYS/fs/cgroup"
	run --separate-stderr "$CDIR/nproc"
	assert_success
	assert_output 3
}
