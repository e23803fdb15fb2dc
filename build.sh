#!/bin/sh
# build.sh: set up and build syskit on a fresh machine, and run its tests.
#
#   ./build.sh              install what is missing, build build/syskit and build/bin/
#   ./build.sh test         build, then run the C unit tests and every bats suite
#   ./build.sh asan         the same tests against an ASan + UBSan build
#   ./build.sh static       a static, stripped musl binary at build/static/syskit
#   ./build.sh static-test  build it, then run the same suites against it
#   ./build.sh fuzz         build the libFuzzer targets and run each briefly
#
# Every test run lists its skipped tests with their reasons and ends with one
# line "N passed, N failed, N skipped".
set -eu
cd "$(dirname "$0")"

say() { printf 'build.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

jobs=$(nproc 2>/dev/null || echo 2)
make_flags="-j$jobs"
[ "${CI:-}" = true ] && make_flags="$make_flags WERROR=1"

# need PKG...: install the Debian (or Alpine) packages that are missing.
need() {
	if command -v dpkg-query >/dev/null 2>&1; then
		missing=
		for p in "$@"; do
			dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			    grep -q 'install ok installed' || missing="$missing $p"
		done
		[ -z "$missing" ] && return 0
		if [ "$(id -u)" != 0 ]; then
			die "missing packages:$missing (run as root, or: sudo apt-get install$missing)"
		fi
		say "installing:$missing"
		if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >/tmp/syskit-apt.log 2>&1; then
			apt-get update -q >/tmp/syskit-apt.log 2>&1 || true
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >>/tmp/syskit-apt.log 2>&1 ||
			    { tail -n 20 /tmp/syskit-apt.log >&2; die "apt-get install failed:$missing"; }
		fi
	elif command -v apk >/dev/null 2>&1; then
		missing=
		for p in "$@"; do
			apk info -e "$p" >/dev/null 2>&1 || missing="$missing $p"
		done
		[ -z "$missing" ] && return 0
		[ "$(id -u)" = 0 ] || die "missing packages:$missing (run as root, or: apk add$missing)"
		say "installing:$missing"
		apk add -q $missing || die "apk add failed:$missing"
	else
		die "no apt-get or apk: install a C compiler, make, pkg-config and libbsd yourself"
	fi
}

is_alpine() { command -v apk >/dev/null 2>&1 && ! command -v dpkg-query >/dev/null 2>&1; }

build_deps() {
	if is_alpine; then
		need build-base pkgconf libbsd-dev linux-headers
	else
		need build-essential pkg-config libbsd-dev
	fi
}

test_deps() {
	if is_alpine; then
		need bats python3 py3-psutil procps util-linux
	else
		# shellcheck disable=SC2046
		need bats bats-support bats-assert bats-file \
		    $(sed 's/#.*//' tests/deps/*.debian | sort -u)
	fi
}

# run_suites BIN UNIT: the unit tests (when BIN's variant has them) and every
# bats suite (tests/*.bats, each on its own) against BIN; lists each skipped
# test with its reason, prints the total line "N passed, N failed, N skipped"
# and fails on any failure.
run_suites() {
	bin=$1 unit=$2
	pass=0 fail=0 skip=0 bp=0 bf=0 bk=0
	if [ -n "$unit" ]; then
		out=$("$unit" 2>&1) || true
		printf '%s\n' "$out" | grep -v '^unit:' || true
		line=$(printf '%s\n' "$out" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
		[ -n "$line" ] || { say "unit tests did not finish"; line="0 1"; }
		set -- $line
		pass=$((pass + $1)) fail=$((fail + $2))
		printf 'unit: %s passed, %s failed\n' "$1" "$2"
	fi
	mkdir -p build
	tap=$(mktemp) skips=$(mktemp)
	: >build/last-test.tap
	for suite in tests/*.bats; do
		[ -f "$suite" ] || continue
		name=${suite#tests/}
		SYSKIT_BIN=$bin bats --tap "$suite" >"$tap" 2>&1 || true
		# each failure with the first lines of its diagnostics
		awk -v s="$name" '/^not ok/ { n = 0; print s ": " $0; next }
		    /^#/ && n < 25 { n++; print; next } /^ok/ { n = 25 }' "$tap"
		# a skip is "ok N NAME # skip [REASON]": not a pass
		sed -n 's/^ok [0-9]* \(.*\) # skip\(.*\)$/\1\t\2/p' "$tap" |
		    while IFS='	' read -r t why; do
			why=${why# }
			printf '%s: %s: %s\n' "$name" "$t" "${why:-no reason given}"
		    done >>"$skips"
		{ printf '# %s\n' "$name"; cat "$tap"; } >>build/last-test.tap
		k=$(grep -c '^ok [0-9]* .* # skip' "$tap" || true)
		p=$(grep -c '^ok ' "$tap" || true)
		f=$(grep -c '^not ok ' "$tap" || true)
		plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tap" | head -n 1)
		if [ -z "$plan" ] || [ $((p + f)) -ne "$plan" ]; then
			say "$name: bats did not run every test (plan ${plan:-none}, ran $((p + f)))"
			tail -n 20 "$tap" >&2
			f=$((f + 1))
		fi
		p=$((p - k))
		pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + k))
		bp=$((bp + p)) bf=$((bf + f)) bk=$((bk + k))
	done
	rm -f "$tap"
	if [ -z "$(ls tests/*.bats 2>/dev/null)" ]; then
		say "no bats suites in tests/"
		fail=$((fail + 1)) bf=$((bf + 1))
	fi
	printf 'bats: %s passed, %s failed, %s skipped\n' "$bp" "$bf" "$bk"
	if [ -s "$skips" ]; then
		echo "skipped:"
		sed 's/^/  /' "$skips"
	fi
	rm -f "$skips"
	printf '%s passed, %s failed, %s skipped\n' "$pass" "$fail" "$skip"
	[ "$fail" -eq 0 ]
}

cmd=${1:-build}
case $cmd in
build)
	build_deps
	make $make_flags
	say "built build/syskit; links in build/bin/"
	;;
test)
	build_deps
	test_deps
	make $make_flags
	run_suites "$PWD/build/syskit" build/unit
	;;
asan)
	build_deps
	test_deps
	make $make_flags asan
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	run_suites "$PWD/build/asan/syskit" build/asan/unit
	;;
static|static-test)
	if is_alpine; then
		need build-base musl-dev libbsd-dev libbsd-static libmd-dev linux-headers
		make $make_flags static MUSL=/usr CC=gcc
	else
		build_deps
		sh tools/musl-deps.sh
		make $make_flags static
	fi
	say "built build/static/syskit"
	if [ "$cmd" = static-test ]; then
		test_deps
		run_suites "$PWD/build/static/syskit" build/static/unit
	fi
	;;
fuzz)
	build_deps
	need clang libclang-rt-14-dev
	make fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-20}"
	;;
*)
	die "unknown command: $cmd (build, test, asan, static, static-test, fuzz)"
	;;
esac
