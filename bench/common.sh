# bench/common.sh: what every bench/APPLET.sh shares.  Sourced from the repo
# root after `set -euo pipefail`, as
#
#	cd "$(dirname "$0")/.." || exit 1
#	. bench/common.sh
#	OUT=build/bench/APPLET; mkdir -p "$OUT"
#	bench_snapshot "$OUT"		# S, T, HAVE_STATIC: the binaries to time
#	bench_forkexec			# FORKEXEC: the fork/exec timer
#	bench_busybox			# BB (busybox-static), BB_DYN (or empty)
#
# die, say, need, apt_install, hf and splice_results are for every script;
# nothing here prints on stdout.

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

# Debian's python, where python3-psutil lives (a pyenv shim may come first
# in PATH and have no psutil).
PY=/usr/bin/python3

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
	say "installing $*"
	as_root apt-get update -qq >/dev/null
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# need COMMAND PACKAGE: install PACKAGE when COMMAND is missing.
need() {
	command -v "$1" >/dev/null || apt_install "$2"
}

# splice_results APPLET FILE: put FILE between APPLET's markers in
# bench/RESULTS.md (a new "## APPLET" section at the end when it has none),
# unless NO_SPLICE=1.
splice_results() {
	[ "${NO_SPLICE:-0}" != 1 ] || return 0
	"$PY" - "$1" "$2" bench/RESULTS.md <<'PYEOF'
import os, sys
applet, body, path = sys.argv[1], open(sys.argv[2]).read().rstrip("\n"), sys.argv[3]
B, E = "<!-- %s:begin -->" % applet, "<!-- %s:end -->" % applet
text = open(path).read() if os.path.exists(path) else "# syskit benchmarks\n"
if B in text and E in text and text.index(B) < text.index(E):
    head, rest = text.split(B, 1)
    text = head + B + "\n" + body + "\n" + E + rest.split(E, 1)[1]
else:
    text = text.rstrip("\n") + "\n\n## %s\n\n" % applet + B + "\n" + body + "\n" + E + "\n"
open(path + ".tmp", "w").write(text)
os.replace(path + ".tmp", path)
PYEOF
	say "bench/RESULTS.md: $1 section rewritten"
}

# hf GROUP RUNS WARMUP ENTRY...: one hyperfine -N group of "name|command"
# entries, its JSON in $OUT/GROUP.json and its text in $OUT/GROUP.txt.
hf() {
	local group=$1 runs=$2 warm=$3 e
	shift 3
	local names=() cmds=()
	for e in "$@"; do
		names+=(-n "${e%%|*}")
		cmds+=("${e#*|}")
	done
	say "hyperfine: $group ($runs runs)"
	hyperfine -N --style basic --warmup "$warm" --runs "$runs" \
	    --export-json "$OUT/$group.json" "${names[@]}" "${cmds[@]}" \
	    >"$OUT/$group.txt" 2>&1 || { cat "$OUT/$group.txt"; die "hyperfine $group failed"; }
}

# rss_of FILE RUNS "name|command"...: the peak RSS (KiB, /usr/bin/time %M)
# of each command (run without a shell, stdout to /dev/null), the median of
# RUNS runs, appended to FILE as "name <tab> KiB".  %M is the largest of the
# process and the children it waited for: a command's child counts too.
rss_of() {
	local file=$1 runs=$2 e i
	shift 2
	for e in "$@"; do
		for i in $(seq "$runs"); do
			# shellcheck disable=SC2086
			/usr/bin/time -f '%M' -o "$file.one" ${e#*|} >/dev/null 2>&1 ||
			    die "fails: ${e#*|}"
			tail -n 1 "$file.one"
		done | sort -n | awk -v name="${e%%|*}" '{ v[NR] = $1 }
		    END { printf "%s\t%d\n", name, v[int((NR + 1) / 2)] }' >>"$file"
	done
	rm -f "$file.one"
}

# rss_sh FILE RUNS NAME SCRIPT: as rss_of for one bash SCRIPT that runs the
# process to measure as `$TIME CMD` (TIME is /usr/bin/time writing where
# rss_sh reads), so that only that process (and its children) counts, not
# the rest of a pipeline.
rss_sh() {
	local file=$1 runs=$2 name=$3 script=$4 i
	for i in $(seq "$runs"); do
		TIME="/usr/bin/time -f %M -o $file.one" bash -c "$script" >/dev/null 2>&1 ||
		    die "fails: $script"
		tail -n 1 "$file.one"
	done | sort -n | awk -v name="$name" '{ v[NR] = $1 }
	    END { printf "%s\t%d\n", name, v[int((NR + 1) / 2)] }' >>"$file"
	rm -f "$file.one"
}

# bench_cc OUTPUT SOURCE [FLAG ...]: compile a C helper of bench/ with the
# flags syskit's objects get (Makefile: -std=gnu11 -O2 -g -D_GNU_SOURCE).
bench_cc() {
	local out=$1 src=$2
	shift 2
	cc -std=gnu11 -O2 -g -D_GNU_SOURCE -o "$out" "$src" "$@" ||
	    die "cannot compile $src"
}

# bench_snapshot DIR: build syskit (make -j2; make static too when
# build/musl has libbsd for musl) and copy the binaries to DIR/glibc/syskit
# and DIR/static/syskit, so that a rebuild of build/ while the bench runs
# cannot change what is measured (the name stays "syskit", which the
# dispatcher needs).  Sets S (glibc), T (static, absent when HAVE_STATIC=0),
# HAVE_STATIC, and SNAP_COMMIT (the commit, "+dirty" with uncommitted
# changes to tracked files).  The make output is in DIR/make.log.
bench_snapshot() {
	local dir=$1 b
	mkdir -p "$dir/glibc" "$dir/static"
	say "building syskit (make -j2$([ -f build/musl/prefix/lib/libbsd.a ] && echo ', make static'))"
	SNAP_COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
	# uncommitted changes, but for the results file the scripts rewrite
	if [ -n "$(git --no-optional-locks status --porcelain --untracked-files=no -- . ':!bench/RESULTS.md' 2>/dev/null)" ]; then
		SNAP_COMMIT="$SNAP_COMMIT+dirty"
	fi
	make -j2 >"$dir/make.log" 2>&1 || { tail -n 30 "$dir/make.log" >&2; die "make failed"; }
	HAVE_STATIC=0
	if [ -f build/musl/prefix/lib/libbsd.a ]; then
		make -j2 static >>"$dir/make.log" 2>&1 ||
		    { tail -n 30 "$dir/make.log" >&2; die "make static failed"; }
		HAVE_STATIC=1
	else
		say "build/musl missing (run tools/musl-deps.sh): no static binary"
	fi
	# copy, then rename: a snapshot is never half written
	for b in glibc static; do
		[ "$b" = glibc ] || [ "$HAVE_STATIC" = 1 ] || continue
		local src=build/syskit
		[ "$b" = static ] && src=build/static/syskit
		cp "$src" "$dir/$b/syskit.tmp" || die "cannot copy $src"
		mv -f "$dir/$b/syskit.tmp" "$dir/$b/syskit"
	done
	S=$PWD/$dir/glibc/syskit
	T=$PWD/$dir/static/syskit
	"$S" --version >/dev/null || die "the snapshot $S does not run"
}

# bench_forkexec: compile bench/forkexec.c (the fork/exec timer: FORKEXEC N
# COMMAND [ARG...] prints "N, wall ns, user µs, system µs" of N runs, tab
# separated) to build/bench/forkexec; sets FORKEXEC.
bench_forkexec() {
	mkdir -p build/bench
	FORKEXEC=$PWD/build/bench/forkexec
	bench_cc "$FORKEXEC.tmp" bench/forkexec.c
	mv -f "$FORKEXEC.tmp" "$FORKEXEC"
}

# forkexec_rounds FILE ROUNDS PER "name|command"...: the fork/exec timer in
# ROUNDS rounds interleaved across the commands (so that a burst of other
# load hits every command alike), PER runs of each per round; appends
# "name <tab> round <tab> FORKEXEC's line" to FILE.  Needs bench_forkexec.
forkexec_rounds() {
	local file=$1 rounds=$2 per=$3 e r line
	shift 3
	for e in "$@"; do	# warm the page cache
		# shellcheck disable=SC2086
		"$FORKEXEC" 20 ${e#*|} >/dev/null || die "forkexec fails: ${e#*|}"
	done
	for r in $(seq "$rounds"); do
		for e in "$@"; do
			# shellcheck disable=SC2086
			line=$("$FORKEXEC" "$per" ${e#*|}) || die "forkexec fails: ${e#*|}"
			printf '%s\t%s\t%s\n' "${e%%|*}" "$r" "$line" >>"$file"
		done
	done
}

# is_static_elf FILE: FILE is an ELF executable with no program interpreter.
is_static_elf() {
	[ -f "$1" ] && ! LC_ALL=C readelf -l "$1" 2>/dev/null | grep -q 'program interpreter' &&
	    LC_ALL=C readelf -h "$1" >/dev/null 2>&1
}

# bb_version BUSYBOX: "BusyBox v1.35.0" (sed reads the whole usage text: a
# reader that stops early would kill busybox with SIGPIPE under pipefail).
bb_version() {
	"$1" 2>&1 | sed -n '1s/^\(BusyBox v[^ ]*\).*/\1/p'
}

# bench_busybox: the BusyBox builds to compare with.  BB is busybox-static
# (Debian's package of that name, /bin/busybox from it: the BusyBox that
# containers ship, the main peer), installed when missing.  BB_DYN is a
# dynamically linked BusyBox, a second reference only: $BUSYBOX_DYNAMIC if
# set, else the Debian package busybox's binary when that is installed
# (it conflicts with busybox-static, so usually there is none: BB_DYN="").
# BB_VERSION and BB_DYN_VERSION are their version lines.  Every row that
# times a BusyBox names its build: "busybox-static APPLET" for BB (the peer
# every goal is measured against), "busybox (dynamic) APPLET" for BB_DYN (a
# second reference, never a goal); BB_LABEL and BB_DYN_LABEL are those
# prefixes, and BB_BUILDS the line a report prints about both.
bench_busybox() {
	local f
	if ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed'; then
		apt_install busybox-static
	fi
	BB=
	for f in $(dpkg -L busybox-static | grep '/busybox$'); do
		is_static_elf "$f" && { BB=$f; break; }
	done
	[ -n "$BB" ] || die "busybox-static is installed but has no static /bin/busybox"
	BB_VERSION=$(bb_version "$BB")
	BB_DYN=${BUSYBOX_DYNAMIC:-}
	if [ -z "$BB_DYN" ] &&
	    dpkg-query -W -f='${Status}' busybox 2>/dev/null | grep -q 'install ok installed'; then
		BB_DYN=$(dpkg -L busybox | awk '/\/busybox$/ && !f { print; f = 1 }')
	fi
	if [ -n "$BB_DYN" ]; then
		[ -x "$BB_DYN" ] && ! is_static_elf "$BB_DYN" ||
		    die "$BB_DYN is not a dynamically linked busybox"
		BB_DYN_VERSION=$(bb_version "$BB_DYN")
	else
		BB_DYN_VERSION=
	fi
	BB_LABEL=busybox-static
	BB_DYN_LABEL="busybox (dynamic)"
	BB_BUILDS="$BB_LABEL: $BB_VERSION, $BB (static); $BB_DYN_LABEL: ${BB_DYN:+$BB_DYN_VERSION, $BB_DYN}${BB_DYN:-none on this machine}"
}

# bench_meta: the lines every report starts from, as key=value: date,
# machine, load, commit (of the snapshot when bench_snapshot ran).
bench_meta() {
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "nproc=$(nproc)"
	echo "cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "kernel=$(uname -r)"
	echo "loadavg_before=$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "commit=${SNAP_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}"
	echo "hyperfine=$(hyperfine --version | cut -d' ' -f2)"
}
