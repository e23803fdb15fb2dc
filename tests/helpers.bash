# helpers.bash: loaded by every suite.  The binary under test is $SYSKIT_BIN
# (default build/syskit); each test sees it through links named after the
# applets in a private PATH directory, as an installed syskit would be.

load_libs() {
	local d
	for d in /usr/lib/bats /usr/lib/bats-core /usr/local/lib/bats; do
		if [ -f "$d/bats-support/load.bash" ]; then
			load "$d/bats-support/load.bash"
			load "$d/bats-assert/load.bash"
			[ -f "$d/bats-file/load.bash" ] && load "$d/bats-file/load.bash"
			return 0
		fi
	done
	echo "bats-support and bats-assert are missing" >&2
	return 1
}
load_libs

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
SYSKIT_BIN=${SYSKIT_BIN:-$TOP/build/syskit}
FIXTURES=$TOP/tests/fixtures
# Debian's python3, where python3-psutil lives.
PY=/usr/bin/python3

setup_file() {
	export SKBIN="$BATS_FILE_TMPDIR/bin"
	mkdir -p "$SKBIN"
	ln -sf "$SYSKIT_BIN" "$SKBIN/syskit"
	"$SYSKIT_BIN" --list | while read -r name _; do
		ln -sf "$SYSKIT_BIN" "$SKBIN/$name"
	done
}

setup() {
	PATH="$SKBIN:$PATH"
	unset SYSKIT_PROC SYSKIT_SYS NO_COLOR
}

# json_ok: the output parses as JSON.
json_ok() {
	printf '%s' "$output" | $PY -m json.tool >/dev/null
}

# jget EXPR: evaluate a Python expression on the JSON output, bound to d.
jget() {
	printf '%s' "$output" | $PY -c "import json,sys; d=json.load(sys.stdin); v=($1); print(json.dumps(v) if isinstance(v,(dict,list,tuple)) or v is None else v)"
}

# wait_file FILE: until FILE is not empty (bounded: 10 s); says which
# file it waited for when it gives up
wait_file() {
	local i
	for i in $(seq 1000); do
		[ -s "$1" ] && return 0
		sleep 0.01
	done
	echo "no $1" >&2
	return 1
}
