#!/usr/bin/env bats
# sysinfo against python3-psutil on the same machine: the same quantities
# under the same names.  The checks are in tests/sysinfo_psutil.py (which
# runs alone too: `tests/sysinfo_psutil.py memory`).

load helpers

# compare CHECK: syskit's JSON is taken first, then psutil is sampled by
# tests/sysinfo_psutil.py CHECK, which prints mismatches and exits 1 on any.
compare() {
	sysinfo --json > "$BATS_TEST_TMPDIR/s.json"
	$PY "$TOP/tests/sysinfo_psutil.py" "$1" "$BATS_TEST_TMPDIR/s.json"
}

@test "psutil is there to compare with" {
	run $PY -c 'import psutil; print(psutil.__version__)'
	assert_success
}

@test "memory: total, available, buffers, cached, shared; swap total" {
	run compare memory
	assert_success
}

@test "cpu: counts exact, cpu_times within a second per CPU" {
	run compare cpu
	assert_success
}

@test "host: boot time exact" {
	run compare host
	assert_success
}

@test "disk: usage of / and the partitions psutil lists" {
	run compare disk
	assert_success
}

@test "net: interface names, byte counters and stats" {
	run compare net
	assert_success
}

@test "conn: the same listening TCP sockets as psutil.net_connections" {
	sysinfo conn --kind tcp --json > "$BATS_TEST_TMPDIR/c.json"
	run $PY "$TOP/tests/sysinfo_psutil.py" conn "$BATS_TEST_TMPDIR/c.json"
	assert_success
}
