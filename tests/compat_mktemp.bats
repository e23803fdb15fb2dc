#!/usr/bin/env bats
# mktemp (--compat): coreutils' own cases (tests/misc/mktemp.pl), rewritten.
# Each case runs against the installed coreutils mktemp and against
# syskit's mktemp (a link made by `syskit --install --compat`), both found
# by the bare name "mktemp" on PATH as a script would; their stdout (the
# random part masked as mktemp.pl masks it), exit code and stderr must be
# equal, and equal to what the case expects.  The created file or
# directory is checked as mktemp.pl's check_tmp does (type, 0600 / 0700).

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	export COMPAT="$BATS_FILE_TMPDIR/compat" ORIG="$BATS_FILE_TMPDIR/orig"
	mkdir -p "$COMPAT" "$ORIG"
	"$SYSKIT_BIN" --install -s --compat "$COMPAT"
	ln -s /usr/bin/mktemp "$ORIG/mktemp"
}

setup() {
	[ -x /usr/bin/mktemp ] || skip "coreutils mktemp is not installed"
	T=$BATS_TEST_TMPDIR
	cd "$T"
	# mktemp.pl: the messages of the C locale
	export LC_ALL=C
	unset TMPDIR POSIXLY_CORRECT
	umask 022
}

# dir IMPL: where IMPL's mktemp is
dir() {
	if [ "$1" = orig ]; then echo "$ORIG"; else echo "$COMPAT"; fi
}

# one IMPL SUBST KIND ARG...: run IMPL's mktemp in a fresh directory
# $T/IMPL; print "rc=N", "out=STDOUT" (SUBST, a sed expression, applied:
# mktemp.pl's OUT_SUBST) and "err=STDERR"; then check what was made: KIND
# F (a file, 0600), D (a directory, 0700), N (nothing: --dry-run) or -
# (no check); a failed check prints "bad: why".  Removes what it made.
one() {
	local impl=$1 subst=$2 kind=$3 out err rc f mode
	shift 3
	rm -rf "$T/$impl"
	mkdir -p "$T/$impl"
	cd "$T/$impl"
	rc=0
	out=$(PATH="$(dir "$impl"):$PATH" mktemp "$@" 2>"$T/err") || rc=$?
	err=$(cat "$T/err")
	f=$out
	case $f in /*) ;; *) f=./$f ;; esac	# "-XXXX": not an option
	echo "rc=$rc"
	echo "out=$(printf '%s' "$out" | sed -E "$subst")"
	echo "err=$err"
	case $kind in
	F|D)
		mode=$(stat -c '%a' "$f" 2>/dev/null) || { echo "bad: $f missing"; return 0; }
		if [ "$kind" = F ]; then
			[ -f "$f" ] || echo "bad: $f is not a regular file"
			[ "$mode" = 600 ] || echo "bad: $f has mode $mode, not 600"
			rm -f "$f"
		else
			[ -d "$f" ] || echo "bad: $f is not a directory"
			[ "$mode" = 700 ] || echo "bad: $f has mode $mode, not 700"
			rmdir "$f"
		fi ;;
	N)
		[ -e "$f" ] && echo "bad: --dry-run made $f" ;;
	esac
	cd "$T"
	return 0
}

# same SUBST KIND EXPECTED ARG...: the case against both; both transcripts
# equal, and equal to EXPECTED
same() {
	local subst=$1 kind=$2 want=$3 o s
	shift 3
	o=$(one orig "$subst" "$kind" "$@")
	s=$(one syskit "$subst" "$kind" "$@")
	assert_equal "$s" "$o"
	assert_equal "$s" "$want"
}

@test "compat mktemp: linked by --install --compat only, speaking as mktemp" {
	mkdir -p "$T/plain"
	"$SYSKIT_BIN" --install "$T/plain"
	[ ! -e "$T/plain/mktemp" ]
	[ -L "$COMPAT/mktemp" ]
	run -1 "$COMPAT/mktemp" XX
	assert_output "mktemp: too few X's in template 'XX'"
	run -0 "$SYSKIT_BIN" mktemp --version
	assert_output "mktemp (syskit) 0.1.0"
	run -0 "$SYSKIT_BIN" mktemp --help
	assert_line --index 0 "Usage: mktemp [OPTION]... [TEMPLATE]"
}

@test "mktemp.pl too-many, suffix9f: two templates (also with POSIXLY_CORRECT)" {
	same '' - "rc=1
out=
err=mktemp: too many templates
Try 'mktemp --help' for more information." -q a b
	export POSIXLY_CORRECT=1
	same '' - "rc=1
out=
err=mktemp: too many templates
Try 'mktemp --help' for more information." 'aXXXX' --suffix=b
}

@test "mktemp.pl too-few-x, suffix10f, suffix10d: under 3 X's (-q does not hide it)" {
	same '' - "rc=1
out=
err=mktemp: too few X's in template 'foo.XX'" -q foo.XX
	same '' - "rc=1
out=
err=mktemp: too few X's in template 'aXXb'" aXXb
	same '' - "rc=1
out=
err=mktemp: too few X's in template 'aXXX'" -d --suffix=X aXX
	# the boundary: 3 are enough
	same 's,^a...$,aZZZ,' F "rc=0
out=aZZZ
err=" aXXX
}

@test "mktemp.pl 1f, 2f: a file from a template, 0600, also after --" {
	same 's,\.....$,.ZZZZ,' F "rc=0
out=bar.ZZZZ
err=" bar.XXXX
	same 's,-....$,-ZZZZ,' F "rc=0
out=-ZZZZ
err=" -- -XXXX
}

@test "mktemp.pl 1d, 1d-allX: a directory, 0700; a template of X's only" {
	same 's,\.....$,.ZZZZ,' D "rc=0
out=f.ZZZZ
err=" -d f.XXXX
	# XXXX itself exists (mktemp.pl makes it): another name is found
	mkdir -p "$T/orig/XXXX" "$T/syskit/XXXX"
	local impl o
	for impl in orig syskit; do
		cd "$T"
		mkdir -p "$impl" && cd "$impl" && mkdir -p XXXX
		o=$(PATH="$(dir "$impl"):$PATH" mktemp -d XXXX)
		assert_regex "$o" '^[A-Za-z0-9]{4}$'
		[ "$o" != XXXX ]
		[ "$(stat -c %a "$o")" = 700 ]
		rmdir "$o" XXXX
	done
}

@test "mktemp.pl uf, ud, suffix1u: --dry-run makes nothing" {
	same 's,\.....$,.ZZZZ,' N "rc=0
out=f.ZZZZ
err=" -u f.XXXX
	same 's,\.....$,.ZZZZ,' N "rc=0
out=d.ZZZZ
err=" -d --dry-run d.XXXX
	same 's,a....b,aZZZZb,' N "rc=0
out=aZZZZb
err=" -u aXXXXb
}

@test "mktemp.pl invalid-tl, invalid-t2: -t with a slash, --tmpdir with an absolute template" {
	same '' - "rc=1
out=
err=mktemp: invalid template, 'a/bXXXX', contains directory separator" -t a/bXXXX
	same '' - "rc=1
out=
err=mktemp: invalid template, '/bXXXX'; with --tmpdir, it may not be absolute" --tmpdir=a /bXXXX
	same '' - "rc=1
out=
err=mktemp: invalid template, '/bXXXX'; with --tmpdir, it may not be absolute" -p /tmp /bXXXX
}

@test "mktemp.pl suffix1f, suffix1d, suffix2f, suffix2d: X's followed by a suffix" {
	same 's,a....b,aZZZZb,' F "rc=0
out=aZZZZb
err=" aXXXXb
	same 's,a....b,aZZZZb,' D "rc=0
out=aZZZZb
err=" -d aXXXXb
	same 's,a....a$,aZZZZa,' F "rc=0
out=aXXXXaaZZZZa
err=" aXXXXaaXXXXa
	same 's,a....$,aZZZZ,' D "rc=0
out=aXXXXaaZZZZ
err=" -d --suffix= aXXXXaaXXXX
}

@test "mktemp.pl suffix3f, suffix4f, suffix8f: --suffix, before or after the template" {
	same 's,a....b,aZZZZb,' F "rc=0
out=aZZZZb
err=" --suffix=b aXXXX
	same 's,^a....,aZZZZ,' F "rc=0
out=aZZZZX
err=" --suffix=X aXXXX
	same 's,^a....,aZZZZ,' F "rc=0
out=aZZZZb
err=" aXXXX --suffix=b
}

@test "mktemp.pl suffix5f, suffix6f, suffix7f, suffix7d: bad suffixes" {
	same '' - "rc=1
out=
err=mktemp: invalid suffix '/b', contains directory separator" --suffix /b aXXXX
	same '' - "rc=1
out=
err=mktemp: invalid suffix '/b', contains directory separator" aXXXX/b
	same '' - "rc=1
out=
err=mktemp: with --suffix, template 'aXXXXb' must end in X" --suffix= aXXXXb
	same '' - "rc=1
out=
err=mktemp: with --suffix, template '' must end in X" -d --suffix=aXXXXb ''
}

@test "mktemp.pl suffix11f: no template: tmp.XXXXXXXXXX under \$TMPDIR, with --suffix" {
	export TMPDIR=.
	same 's,\..{10}\.,.ZZZZZZZZZZ.,' F "rc=0
out=./tmp.ZZZZZZZZZZ.txt
err=" --suffix=.txt
}

@test "mktemp.pl tmp-w-slash: --tmpdir=. and a template with a directory" {
	mkdir -p "$T/orig/a" "$T/syskit/a"
	local impl o
	for impl in orig syskit; do
		cd "$T/$impl"
		o=$(PATH="$(dir "$impl"):$PATH" mktemp --tmpdir=. a/bXXXX)
		assert_regex "$o" '^\./a/b[A-Za-z0-9]{4}$'
		[ -f "$o" ]
		[ "$(stat -c %a "$o")" = 600 ]
	done
}

@test "mktemp.pl pipe-bad-tmpdir, pipe-bad-tmpdir-u: \$TMPDIR that does not exist" {
	export TMPDIR=no/such/dir
	same "s,\\..{10}\$,.ZZZZZZZZZZ," - "rc=1
out=
err=mktemp: failed to create file via template 'no/such/dir/tmp.XXXXXXXXXX': No such file or directory"
	same 's,\..{10}$,.ZZZZZZZZZZ,' N "rc=0
out=no/such/dir/tmp.ZZZZZZZZZZ
err=" -u
}

@test "mktemp: -q hides only the failure to create; -d's message says directory" {
	same '' - "rc=1
out=
err=" -q no/such/dir/XXXXXX
	same '' - "rc=1
out=
err=mktemp: failed to create directory via template 'no/such/XXX': No such file or directory" -d no/such/XXX
	same '' - "rc=1
out=
err=mktemp: failed to create file via template '/dev/null/XXX': Not a directory" -u /dev/null/XXX
}

@test "mktemp: -t and -p: \$TMPDIR first for -t, -p first for -p; /tmp last" {
	mkdir -p "$T/env" "$T/p"
	export TMPDIR=$T/env
	same "s,\\.....\$,.ZZZZ,;s,^$T,T," F "rc=0
out=T/env/x.ZZZZ
err=" -t -p "$T/p" x.XXXX
	same "s,\\.....\$,.ZZZZ,;s,^$T,T," F "rc=0
out=T/p/x.ZZZZ
err=" -p "$T/p" x.XXXX
	same "s,\\.....\$,.ZZZZ,;s,^$T,T," F "rc=0
out=T/p/x.ZZZZ
err=" -p "$T/p/" x.XXXX
	unset TMPDIR
	same 's,\.....$,.ZZZZ,' F "rc=0
out=/tmp/x.ZZZZ
err=" -t x.XXXX
	same 's,\.{10}$,.ZZZZZZZZZZ,;s,\..{10}$,.ZZZZZZZZZZ,' D "rc=0
out=/tmp/tmp.ZZZZZZZZZZ
err=" -d
	# an empty -p is no -p
	same 's,\.....$,.ZZZZ,' F "rc=0
out=/tmp/x.ZZZZ
err=" -p '' x.XXXX
}

@test "mktemp: the umask takes from 0600 and 0700 as coreutils" {
	umask 077
	same 's,\.....$,.ZZZZ,' F "rc=0
out=f.ZZZZ
err=" f.XXXX
	local impl o
	for impl in orig syskit; do
		cd "$T"
		umask 0277
		o=$(PATH="$(dir "$impl"):$PATH" mktemp -d "$T/$impl.XXXX")
		assert_equal "$(stat -c %a "$o")" 500
		o=$(PATH="$(dir "$impl"):$PATH" mktemp "$T/$impl.XXXX")
		assert_equal "$(stat -c %a "$o")" 400
	done
}

@test "mktemp: bad options: getopt's words, exit 1" {
	same '' - "rc=1
out=
err=mktemp: invalid option -- 'z'
Try 'mktemp --help' for more information." -z
	same '' - "rc=1
out=
err=mktemp: unrecognized option '--zz'
Try 'mktemp --help' for more information." --zz
	same '' - "rc=1
out=
err=mktemp: option '--suffix' requires an argument
Try 'mktemp --help' for more information." --suffix
	same '' - "rc=1
out=
err=mktemp: option requires an argument -- 'p'
Try 'mktemp --help' for more information." -p
}

@test "mktemp: a template is quoted as coreutils quotes it, C and C.UTF-8" {
	local t
	t=$(printf 'it'"'"'s\\a\tb\001\303\251\342\200\231.XX')
	same '' - "rc=1
out=
err=mktemp: too few X's in template 'it\\'s\\\\a\\tb\\001\\303\\251\\342\\200\\231.XX'" "$t"
	export LC_ALL=C.UTF-8
	same '' - "rc=1
out=
err=mktemp: too few X's in template ‘it's\\\\a\\tb\\001é\\’.XX’" "$t"
	same '' - "rc=1
out=
err=mktemp: with --suffix, template ‘abc’ must end in X" --suffix=x abc
}

@test "mktemp: a name that cannot be written out is removed, exit 1" {
	[ -w /dev/full ] || skip "no /dev/full"
	local impl n
	for impl in orig syskit; do
		mkdir -p "$T/$impl" && cd "$T/$impl"
		run -1 sh -c "PATH='$(dir "$impl")':\$PATH mktemp '$T/$impl/f.XXXX' >/dev/full"
		assert_output "mktemp: write error: No space left on device"
		n=$(find "$T/$impl" -name 'f.*' | wc -l)
		assert_equal "$n" 0
	done
}
