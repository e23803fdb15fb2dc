#!/usr/bin/env bats
# The dispatcher: applet table, links, --install, --help, --version.

load helpers
bats_require_minimum_version 1.5.0

@test "--list shows only real applets, one per line with a summary" {
	run syskit --list
	assert_success
	assert_line --regexp '^sysinfo +the machine'
	refute_output --partial 'not implemented'
	# every listed applet runs its --help successfully
	for a in $(syskit --list | awk '{print $1}'); do
		run syskit "$a" --help
		assert_success
		assert_output --partial "usage: $a"
	done
}

@test "--help prints usage and the applets to stdout" {
	run syskit --help
	assert_success
	assert_line --index 0 'usage: syskit APPLET [ARG ...]'
	assert_output --partial 'sysinfo'
}

@test "--version" {
	run syskit --version
	assert_success
	assert_output --regexp '^syskit [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "no arguments is a usage error" {
	run syskit
	assert_failure 2
	assert_output --partial 'usage: syskit'
}

@test "an unknown applet exits 127 with one line" {
	run --separate-stderr syskit frobnicate
	assert_failure 127
	assert_equal "$stderr" "syskit: frobnicate: applet not found"
	assert_equal "$output" ""
}

@test "an unknown option exits 2" {
	run --separate-stderr syskit --bogus
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit: unknown option: --bogus"
}

@test "a link named sysinfo behaves like syskit sysinfo" {
	run sysinfo mem --format kv
	assert_success
	local a=$output
	run syskit sysinfo mem --format kv
	assert_success
	# values move; keys and their order must match
	assert_equal "$(printf '%s\n' "$a" | cut -d= -f1)" "$(printf '%s\n' "$output" | cut -d= -f1)"
	run sysinfo --bogus
	assert_failure 2
	assert_line --index 0 "syskit sysinfo: unknown option: --bogus"
	assert_line --index 1 "Try 'syskit sysinfo --help'."
}

@test "--install makes hard links, --install -s symlinks" {
	local d=$TOP/build/test-install.$$
	mkdir -p "$d"
	run syskit --install "$d"
	assert_success
	for a in $(syskit --list | awk '{print $1}'); do
		[ -f "$d/$a" ] && [ ! -L "$d/$a" ]
		[ "$(stat -c %i "$d/$a")" = "$(stat -L -c %i "$SYSKIT_BIN")" ]
	done
	run "$d/sysinfo" cpu --effective
	assert_success
	rm -rf "$d"; mkdir -p "$d"
	run syskit --install -s "$d"
	assert_success
	[ -L "$d/sysinfo" ]
	# a second install replaces the links
	run syskit --install -s "$d"
	assert_success
	rm -rf "$d"
	run syskit --install /nonexistent/dir
	assert_failure 1
	assert_output --partial 'cannot open /nonexistent/dir'
}

@test "stdout write errors are reported, EPIPE is quiet" {
	run bash -c 'syskit --help >/dev/full'
	assert_failure 1
	assert_output --partial 'write error'
	run bash -c 'set -o pipefail; syskit sysinfo --json | head -c1 >/dev/null'
	refute_output --partial 'write error'
}
