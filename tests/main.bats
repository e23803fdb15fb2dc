#!/usr/bin/env bats
# The dispatcher: applet table, links, --install, --help, --version.

load helpers
bats_require_minimum_version 1.5.0

# native: syskit's own applets; compat_names: the names that take another
# tool's command line (marked "(--compat)" in --list), which plain
# --install does not link.
native() {
	syskit --list | awk '!/\(--compat\)/ { print $1 }'
}
compat_names() {
	syskit --list | awk '/\(--compat\)/ { print $1 }'
}

@test "--list shows only real applets, one per line with a summary" {
	run syskit --list
	assert_success
	assert_line --regexp '^sysinfo +the machine'
	refute_output --partial 'not implemented'
	# every listed applet runs its --help successfully; a compat name
	# prints the original's "Usage: NAME" (util-linux's: "Usage:", then
	# " NAME" on the next line)
	for a in $(native); do
		run syskit "$a" --help
		assert_success
		assert_output --partial "usage: $a"
	done
	for a in $(compat_names); do
		run syskit "$a" --help
		assert_success
		assert_output --regexp "^[[:space:]]*Usage:[[:space:]]+$a "
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
	run -127 --separate-stderr syskit frobnicate
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

# inst_dir: a fresh directory for --install, on the binary's file system
# (hard links need it), removed by teardown.
inst_dir() {
	d=$(mktemp -d "$(dirname "$SYSKIT_BIN")/test-install.XXXXXX")
	INST_DIRS+=("$d")
}

teardown() {
	local d
	for d in "${INST_DIRS[@]}"; do
		chattr -i "$d"/* 2>/dev/null || true
		rm -rf "$d"
	done
}

# same_file A B: A and B are the same inode.
same_file() {
	[ "$(stat -c %d:%i "$1")" = "$(stat -L -c %d:%i "$2")" ]
}

@test "--install makes hard links, --install -s symlinks" {
	local d a
	inst_dir
	run --separate-stderr syskit --install "$d"
	assert_success
	assert_equal "$stderr" ""
	for a in $(native); do
		[ -f "$d/$a" ]
		[ ! -L "$d/$a" ]
		same_file "$d/$a" "$SYSKIT_BIN"
	done
	run "$d/sysinfo" cpu --effective
	assert_success
	inst_dir
	run --separate-stderr syskit --install -s "$d"
	assert_success
	assert_equal "$stderr" ""
	for a in $(native); do
		[ -L "$d/$a" ]
		assert_equal "$(readlink "$d/$a")" "$(readlink -f "$SYSKIT_BIN")"
	done
	run "$d/sysinfo" cpu --effective
	assert_success
	# the same install again: every link is already there, nothing to say
	run --separate-stderr syskit --install -s "$d"
	assert_success
	assert_equal "$stderr" ""
	run syskit --install /nonexistent/dir
	assert_failure 1
	assert_output --partial 'cannot open /nonexistent/dir'
}

@test "--install skips names that exist, lists them, leaves them as they were" {
	local d a
	inst_dir
	printf 'procps ps\n' >"$d/ps"
	ln -s /bin/true "$d/run"
	run --separate-stderr syskit --install "$d"
	assert_success
	assert_equal "$stderr" "syskit: skipped $d/ps: exists
syskit: skipped $d/run: exists"
	assert_equal "$(cat "$d/ps")" "procps ps"
	assert_equal "$(readlink "$d/run")" /bin/true
	same_file "$d/sysinfo" "$SYSKIT_BIN"
	# -s skips the same names
	rm "$d/sysinfo"
	run --separate-stderr syskit --install -s "$d"
	assert_success
	grep -qxF "syskit: skipped $d/ps: exists" <<<"$stderr"
	assert_equal "$(cat "$d/ps")" "procps ps"
	assert_equal "$(readlink "$d/run")" /bin/true
	[ -L "$d/sysinfo" ]
	# a hard link that exists is not what -s makes: skipped too
	inst_dir
	run syskit --install "$d"
	assert_success
	run --separate-stderr syskit --install -s "$d"
	assert_success
	assert_equal "${#stderr_lines[@]}" "$(native | wc -l)"
	assert_equal "${stderr_lines[0]}" "syskit: skipped $d/$(native | head -1): exists"
	grep -qxF "syskit: skipped $d/ps: exists" <<<"$stderr"
	[ ! -L "$d/ps" ]
}

@test "--install -f replaces names that exist; the old file's content is kept" {
	local d
	inst_dir
	printf 'procps ps\n' >"$d/ps"
	ln "$d/ps" "$d/ps.orig"
	run --separate-stderr syskit --install -f "$d"
	assert_success
	assert_equal "$stderr" ""
	same_file "$d/ps" "$SYSKIT_BIN"
	[ ! -L "$d/ps" ]
	# the replaced file was not truncated or written: its other link has it
	assert_equal "$(cat "$d/ps.orig")" "procps ps"
	# no temporary names left behind
	assert_equal "$(ls -A "$d" | grep -c syskit-install || true)" 0
	local f
	for f in -sf "-s -f" -fs "-f -s"; do
		printf 'procps ps\n' >"$d/ps.$$" && mv "$d/ps.$$" "$d/ps"
		# shellcheck disable=SC2086
		run --separate-stderr syskit --install $f "$d"
		assert_success
		assert_equal "$stderr" ""
		[ -L "$d/ps" ]
		[ -L "$d/run" ]
		assert_equal "$(readlink "$d/ps")" "$(readlink -f "$SYSKIT_BIN")"
		# and back to hard links
		run syskit --install -f "$d"
		assert_success
		[ ! -L "$d/ps" ]
		same_file "$d/ps" "$SYSKIT_BIN"
	done
	assert_equal "$(ls -A "$d" | grep -c syskit-install || true)" 0
}

@test "--install -f never replaces a directory or the binary itself" {
	local d
	inst_dir
	mkdir "$d/run"
	: >"$d/run/keep"
	run --separate-stderr syskit --install -f "$d"
	assert_success
	assert_equal "$stderr" "syskit: skipped $d/run: is a directory"
	[ -f "$d/run/keep" ]
	same_file "$d/ps" "$SYSKIT_BIN"
	# the binary in dir under an applet's name, run as syskit: -sf would
	# make it a symlink to itself
	inst_dir
	cp "$SYSKIT_BIN" "$d/ps"
	run --separate-stderr bash -c 'exec -a syskit "$1/ps" --install -sf "$1"' _ "$d"
	assert_success
	assert_equal "$stderr" "syskit: skipped $d/ps: is the syskit binary"
	[ ! -L "$d/ps" ]
	cmp "$d/ps" "$SYSKIT_BIN"
	assert_equal "$(readlink "$d/run")" "$d/ps"
}

@test "--install that fails partway says what it did, exit 1" {
	local d
	inst_dir
	: >"$d/run"
	chattr +i "$d/run" 2>/dev/null ||
	    skip "needs a file system with chattr +i ($(stat -f -c %T "$d"))"
	run --separate-stderr syskit --install -f "$d"
	assert_failure 1
	assert_equal "${stderr_lines[0]}" "syskit: cannot link $d/run: Operation not permitted"
	assert_equal "${stderr_lines[1]}" "syskit: --install $d incomplete: 1 of $(native | wc -l) failed; linked $(($(native | wc -l) - 1)): $(native | awk '$1 != "run" { printf " %s", $1 }' | cut -c2-)"
	assert_equal "${#stderr_lines[@]}" 2
	# the others are installed, the one that failed is as it was
	same_file "$d/ps" "$SYSKIT_BIN"
	same_file "$d/sysinfo" "$SYSKIT_BIN"
	[ ! -s "$d/run" ]
	assert_equal "$(ls -A "$d" | grep -c syskit-install || true)" 0
}

@test "--install across file systems: hard links fail with a hint" {
	local d
	[ -d /dev/shm ] || skip "needs /dev/shm"
	[ "$(stat -c %d /dev/shm)" != "$(stat -c %d "$SYSKIT_BIN")" ] ||
	    skip "needs /dev/shm on another file system than $SYSKIT_BIN"
	d=$(mktemp -d /dev/shm/test-install.XXXXXX)
	INST_DIRS+=("$d")
	run --separate-stderr syskit --install "$d"
	assert_failure 1
	# glibc says "Invalid cross-device link", musl "Cross-device link"
	[[ "${stderr_lines[0]}" == "syskit: cannot link $d/$(native | head -1): "*"ross-device link (a hard link needs the same file system: use -s)" ]]
	assert_equal "${stderr_lines[-1]}" "syskit: --install $d incomplete: $(native | wc -l) of $(native | wc -l) failed; linked 0"
	assert_equal "$(ls -A "$d")" ""
	# -f when the link cannot be made: the old file is still there, whole
	printf 'procps ps\n' >"$d/ps"
	run syskit --install -f "$d"
	assert_failure 1
	assert_equal "$(cat "$d/ps")" "procps ps"
	assert_equal "$(ls -A "$d")" "ps"
	run syskit --install -s "$d"
	assert_success
	[ -L "$d/run" ]
	[ ! -L "$d/ps" ]
}

@test "--install usage errors" {
	run --separate-stderr syskit --install
	assert_failure 2
	assert_equal "$stderr" "syskit: --install takes one directory
Try 'syskit --help'."
	run --separate-stderr syskit --install -x /tmp
	assert_failure 2
	assert_equal "$stderr" "syskit: unknown option: -x
Try 'syskit --help'."
	run --separate-stderr syskit --install /tmp /tmp
	assert_failure 2
	assert_equal "${#stderr_lines[@]}" 2
}

@test "--help and the man page agree on the synopsis" {
	run syskit --help
	assert_success
	assert_line --index 2 '       syskit --install [-fs] [--compat] DIR'
	grep -qx '\.Op Fl fs' "$TOP/man/syskit.1"
	grep -qx '\.Op Fl -compat' "$TOP/man/syskit.1"
}

@test "user text in the dispatcher's messages is escaped" {
	run -127 --separate-stderr syskit $'x\e]0;pwned\a'
	assert_failure 127
	assert_equal "$stderr" 'syskit: x\033]0;pwned\a: applet not found'
	run --separate-stderr syskit $'--x\e[31m'
	assert_failure 2
	assert_equal "${stderr_lines[0]}" 'syskit: unknown option: --x\033[31m'
	run --separate-stderr syskit --install $'/nonexistent/\e[31m'
	assert_failure 1
	assert_equal "$stderr" 'syskit: cannot open /nonexistent/\033[31m: No such file or directory'
}

@test "stdout write errors are reported, EPIPE is quiet" {
	run bash -c 'syskit --help >/dev/full'
	assert_failure 1
	assert_output --partial 'write error'
	run bash -c 'set -o pipefail; syskit sysinfo --json | head -c1 >/dev/null'
	refute_output --partial 'write error'
}

# and_tests FILE...: lines where a test ([, [[ or test) is followed by && and
# another test in the middle of a test or function: errexit ignores the
# left side, so such a line passes when it should fail.  Allowed: the last
# line before the closing brace, a line continued (ending in \, &&, || or |)
# and a line with || (it handles the failure itself).
and_tests() {
	awk '
	function report() {
		if (held != "")
			printf "%s:%d: %s\n", hfile, hline, held
		held = ""
	}
	FNR == 1 { report() }
	/^[[:space:]]*(#.*)?$/ { next }
	{
		if (held != "" && $0 !~ /^[[:space:]]*}[[:space:]]*$/)
			report()
		held = ""
	}
	/^[[:space:]]*(![[:space:]]+)?(\[\[?|test)[[:space:]]/ &&
	    /(\]\]?|[^&|])[[:space:]]*&&[[:space:]]*(![[:space:]]+)?(\[\[?|test)[[:space:]]/ &&
	    !/\|\|/ && !/(\\|&&|\|)[[:space:]]*$/ {
		held = $0; hfile = FILENAME; hline = FNR
	}
	END { report() }
	' "$@"
}

@test "no suite has a [ a ] && [ b ] line in the middle of a test" {
	run and_tests "$TOP"/tests/*.bats
	assert_success
	assert_output ""
}

@test "the [ a ] && [ b ] check finds the pattern and allows the safe forms" {
	local f=$BATS_TEST_TMPDIR/planted.bats
	{
		printf '@test "planted" {\n'
		printf '\t[ -f a ] && [ -f b ]\n'
		printf '\t[[ -n x ]] && [[ -n y ]]\n'
		printf '\tfor x in 1; do\n\t\t[ "$x" -ge 1 ] && test "$x" -le 2\n\tdone\n'
		printf '\t! [ -f a ] && [ ! -f b ]\n'
		printf '\t[ -f a ] && [ -f b ] || { echo no; return 1; }\n'
		printf '\t[ -f a ] && [ -f b ] &&\n\t    [ -f c ]\n'
		printf '\t[ -f a ] && [ -f b ] \\\n\t    && true\n'
		printf '\t[ -f a ] && cat a\n'
		printf '\t# [ -f a ] && [ -f b ]\n'
		printf '\techo "[ a ] && [ b ]"\n'
		printf '\t[ -f a ] && [ -f b ]\n'
		printf '}\n'
	} >"$f"
	run and_tests "$f"
	assert_success
	assert_equal "${#lines[@]}" 4
	assert_line --index 0 "$f:2: 	[ -f a ] && [ -f b ]"
	assert_line --index 1 "$f:3: 	[[ -n x ]] && [[ -n y ]]"
	assert_line --index 2 --partial "$f:5: "
	assert_line --index 3 --partial "$f:7: "
}

@test "every applet has --help, --version and the two-line unknown-option error" {
	local a version bad=()
	version=$(syskit --version)
	for a in $(native); do
		run --separate-stderr syskit "$a" --help
		[ "$status" -eq 0 ] || bad+=("$a --help: exit $status")
		[ -n "$output" ] || bad+=("$a --help: nothing on stdout")
		[ -z "$stderr" ] || bad+=("$a --help: stderr: $stderr")
		run --separate-stderr syskit "$a" --version
		[ "$status" -eq 0 ] || bad+=("$a --version: exit $status")
		[ "$output" = "$version" ] || bad+=("$a --version: '$output', not '$version'")
		run --separate-stderr syskit "$a" --bogus-x
		[ "$status" -eq 2 ] || bad+=("$a --bogus-x: exit $status")
		[ "$stderr" = "syskit $a: unknown option: --bogus-x
Try 'syskit $a --help'." ] || bad+=("$a --bogus-x: stderr: $stderr")
		[ -z "$output" ] || bad+=("$a --bogus-x: stdout: $output")
		# what the user typed is shown escaped, never raw
		run --separate-stderr syskit "$a" $'--x\e]0;p\a'
		[ "$status" -eq 2 ] || bad+=("$a --x<ESC>: exit $status")
		[ "${stderr_lines[0]}" = "syskit $a: unknown option: --x\\033]0;p\\a" ] ||
		    bad+=("$a --x<ESC>: stderr: ${stderr_lines[0]}")
	done
	if [ "${#bad[@]}" -ne 0 ]; then
		printf '%s\n' "${bad[@]}"
		return 1
	fi
}

@test "a bad option is named as typed: abbreviations, values it does not take" {
	run --separate-stderr syskit sysinfo --jso=x
	assert_failure 2
	assert_equal "$stderr" "syskit sysinfo: option --json takes no value
Try 'syskit sysinfo --help'."
	run --separate-stderr syskit sysinfo --ki
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit sysinfo: option --kind needs a value"
	run --separate-stderr syskit sysinfo -k
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit sysinfo: option -k needs a value"
	run --separate-stderr syskit sysinfo -Z
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit sysinfo: unknown option: -Z"
}

# ---- compat names (timeout, nproc, ...): another tool's command line ----

@test "compat names: --list and --help mark them (--compat)" {
	run syskit --list
	assert_success
	assert_line --regexp '^timeout +\(--compat\) coreutils'
	assert_line --regexp '^nproc +\(--compat\) coreutils'
	refute_line --regexp '^run +\(--compat\)'
	run syskit --help
	assert_success
	assert_line --regexp '^  timeout +\(--compat\) '
	assert_output --partial 'links them only with --compat'
}

@test "compat names: plain --install does not link them, --install --compat does" {
	local d a
	inst_dir
	run --separate-stderr syskit --install "$d"
	assert_success
	assert_equal "$stderr" ""
	for a in $(compat_names); do
		[ ! -e "$d/$a" ]
		[ ! -L "$d/$a" ]
	done
	[ ! -e "$d/timeout" ]
	[ ! -e "$d/nproc" ]
	# --compat adds them; what is there already is no news
	run --separate-stderr syskit --install --compat "$d"
	assert_success
	assert_equal "$stderr" ""
	for a in $(native) $(compat_names); do
		[ -f "$d/$a" ]
		[ ! -L "$d/$a" ]
		same_file "$d/$a" "$SYSKIT_BIN"
	done
	assert_equal "$(ls "$d" | sort)" "$(syskit --list | awk '{print $1}' | sort)"
	# the link answers as the tool: its name, its words
	LC_ALL=C run "$d/nproc" --ignore=x
	assert_failure 1
	assert_output "nproc: invalid number: 'x'"
	run "$d/timeout" 10 sh -c 'exit 3'
	assert_failure 3
}

@test "compat names: --install -s --compat, -sf, --compat before or after the flags" {
	local d f
	inst_dir
	run --separate-stderr syskit --install -s --compat "$d"
	assert_success
	assert_equal "$stderr" ""
	[ -L "$d/timeout" ]
	[ -L "$d/nproc" ]
	[ -L "$d/run" ]
	assert_equal "$(readlink "$d/timeout")" "$(readlink -f "$SYSKIT_BIN")"
	# an existing timeout is skipped without -f, replaced with it
	inst_dir
	printf 'coreutils timeout\n' >"$d/timeout"
	run --separate-stderr syskit --install --compat "$d"
	assert_success
	assert_equal "$stderr" "syskit: skipped $d/timeout: exists"
	assert_equal "$(cat "$d/timeout")" "coreutils timeout"
	same_file "$d/nproc" "$SYSKIT_BIN"
	for f in "-f --compat" "--compat -sf" "-s --compat -f"; do
		printf 'coreutils timeout\n' >"$d/timeout.$$" && mv "$d/timeout.$$" "$d/timeout"
		# shellcheck disable=SC2086
		run --separate-stderr syskit --install $f "$d"
		assert_success
		assert_equal "$stderr" ""
		case $f in
		*s*) [ -L "$d/timeout" ] ;;
		*) same_file "$d/timeout" "$SYSKIT_BIN" ;;
		esac
	done
	# plain -f leaves the compat names alone: a system's own stays
	inst_dir
	printf 'coreutils timeout\n' >"$d/timeout"
	run --separate-stderr syskit --install -f "$d"
	assert_success
	assert_equal "$stderr" ""
	assert_equal "$(cat "$d/timeout")" "coreutils timeout"
	run --separate-stderr syskit --install --compa "$d"
	assert_success
	same_file "$d/nproc" "$SYSKIT_BIN"
	run --separate-stderr syskit --install --compat=x "$d"
	assert_failure 2
	assert_equal "${stderr_lines[0]}" "syskit: option --compat takes no value"
}

@test "compat names: syskit NAME and a link speak as the tool, with its codes" {
	local a version
	version=$(syskit --version)
	for a in $(compat_names); do
		run --separate-stderr syskit "$a" --version
		assert_success
		# the original's form: coreutils' "NAME (syskit) VERSION",
		# util-linux's "NAME from syskit VERSION"
		assert_output --regexp "^$a (\\(syskit\\)|from syskit) ${version#syskit }\$"
		run --separate-stderr syskit "$a" --help
		assert_success
		assert_equal "$stderr" ""
		# glibc getopt's words and the Try line, never syskit's
		run --separate-stderr syskit "$a" --bogus-x
		assert_equal "$stderr" "$a: unrecognized option '--bogus-x'
Try '$a --help' for more information."
		assert_equal "$output" ""
		run --separate-stderr syskit "$a" $'--x\e]0;p\a'
		assert_equal "${stderr_lines[0]}" "$a: unrecognized option '--x\\033]0;p\\a'"
	done
	# the original's exit codes for a usage error
	run --separate-stderr syskit timeout --bogus-x
	assert_failure 125
	run --separate-stderr syskit nproc --bogus-x
	assert_failure 1
	# through a link, as argv[0]
	run --separate-stderr timeout -x 1 true
	assert_failure 125
	assert_equal "$stderr" "timeout: invalid option -- 'x'
Try 'timeout --help' for more information."
}
