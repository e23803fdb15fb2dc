#!/usr/bin/env bash
# bench/compat2.sh: syskit's drop-in names flock and mktemp (links made by
# `syskit --install --compat`, so argv[0] is the bare name) against the
# originals (util-linux flock, coreutils mktemp) and busybox-static's
# applets of the same names, glibc and static musl builds; then rewrite
# the compat2 section of bench/RESULTS.md.
#
#   1. flock FILE true: acquire, run true, release (uncontended);
#   2. flock -n -E 0 FILE true against a held lock: the conflict path
#      (start, open, one failed try, exit; no command);
#   3. mktemp -p DIR: a file; 4. mktemp -d -p DIR: a directory (each
#      command writes into a directory of its own, emptied after its runs).
#
# One hyperfine -N group per case, every build in it (paired).  The
# figures are medians and CPU (hyperfine's user + system, mean): the CPU
# is what the goal is judged on, the wall time moves with the load of this
# shared VM.  Goal: each name at least as fast as the original (CPU), and
# faster than busybox-static's applet.
#
# Usage, from anywhere:  bench/compat2.sh
# Knobs: RUNS=300 WARMUP=20, NO_SPLICE=1 (leave RESULTS.md alone).
# Output: build/bench/compat2/*.json, *.txt (hyperfine), compat2.md.
set -euo pipefail

RUNS=${RUNS:-300}
WARMUP=${WARMUP:-20}

cd "$(dirname "$0")/.." || { echo "bench: cannot find the repo root" >&2; exit 1; }
[ -f Makefile ] && [ -f applets/compat/flock.c ] || { echo "bench: $PWD is not the syskit repo" >&2; exit 1; }
OUT=build/bench/compat2
mkdir -p "$OUT"
. bench/common.sh

need hyperfine hyperfine
need flock util-linux
[ -x "$PY" ] || need python3 python3

bench_snapshot "$OUT"
bench_busybox

TMP=$(mktemp -d "${TMPDIR:-/tmp}/syskit-bench-compat2.XXXXXX")
HOLDER=
cleanup() {
	[ -z "$HOLDER" ] || pkill -P "$HOLDER" sleep 2>/dev/null || true
	[ -z "$HOLDER" ] || kill "$HOLDER" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# the names, as scripts call them: links named flock and mktemp
mkdir -p "$TMP/orig" "$TMP/glibc" "$TMP/static" "$TMP/bb"
ln -s /usr/bin/flock "$TMP/orig/flock"
ln -s /usr/bin/mktemp "$TMP/orig/mktemp"
"$S" --install -s --compat "$TMP/glibc" 2>/dev/null
[ "$HAVE_STATIC" = 0 ] || "$T" --install -s --compat "$TMP/static" 2>/dev/null
BB_FLOCK=0 BB_MKTEMP=0
"$BB" flock -n /dev/null true >/dev/null 2>&1 && BB_FLOCK=1
"$BB" mktemp -u >/dev/null 2>&1 && BB_MKTEMP=1
[ "$BB_FLOCK" = 0 ] || ln -s "$BB" "$TMP/bb/flock"
[ "$BB_MKTEMP" = 0 ] || ln -s "$BB" "$TMP/bb/mktemp"

{
	bench_meta
	echo "flock=$(/usr/bin/flock --version)"
	echo "mktemp=$(/usr/bin/mktemp --version | head -n 1)"
	echo "busybox=$BB_VERSION ($BB)"
	echo "bb_flock=$BB_FLOCK"
	echo "bb_mktemp=$BB_MKTEMP"
	echo "fs=$(stat -f -c %T "$TMP")"
	echo "runs=RUNS=$RUNS WARMUP=$WARMUP"
} >"$OUT/meta.env"

# entries TOOL ARGS: "name|command" for each build that has TOOL
entries() {
	local tool=$1 args=$2 e=()
	e+=("$tool (original)|$TMP/orig/$tool $args")
	e+=("syskit $tool|$TMP/glibc/$tool $args")
	[ "$HAVE_STATIC" = 0 ] || e+=("static syskit $tool|$TMP/static/$tool $args")
	if [ -e "$TMP/bb/$tool" ]; then
		e+=("busybox-static $tool|$TMP/bb/$tool $args")
	fi
	printf '%s\n' "${e[@]}"
}

F=$TMP/lockfile
: >"$F"

# ---- 1. flock FILE true ----
mapfile -t E < <(entries flock "$F true")
hf flock-true "$RUNS" "$WARMUP" "${E[@]}"

# ---- 2. flock -n against a held lock ----
/usr/bin/flock "$F" sleep 3600 >/dev/null 2>&1 &
HOLDER=$!
for i in $(seq 250); do
	/usr/bin/flock -n "$F" true 2>/dev/null || break
	sleep 0.02
done
mapfile -t E < <(entries flock "-n -E 0 $F true")
hf flock-n "$RUNS" "$WARMUP" "${E[@]}"
# the command first: once flock is gone it would be init's
pkill -P "$HOLDER" sleep 2>/dev/null || true
kill "$HOLDER" 2>/dev/null || true
wait "$HOLDER" 2>/dev/null || true
HOLDER=

# ---- 3, 4. mktemp and mktemp -d, each in a directory of its own ----
for kind in file dir; do
	opt=
	[ "$kind" = dir ] && opt=-d
	E=()
	for b in orig glibc static bb; do
		[ -e "$TMP/$b/mktemp" ] || continue
		mkdir -p "$TMP/m-$kind-$b"
		case $b in
		orig) n="mktemp (original)" ;;
		glibc) n="syskit mktemp" ;;
		static) n="static syskit mktemp" ;;
		bb) n="busybox-static mktemp" ;;
		esac
		E+=("$n|$TMP/$b/mktemp $opt -p $TMP/m-$kind-$b")
	done
	hf "mktemp-$kind" "$RUNS" "$WARMUP" "${E[@]}"
	for b in orig glibc static bb; do
		[ -d "$TMP/m-$kind-$b" ] || continue
		n=$(find "$TMP/m-$kind-$b" -mindepth 1 -maxdepth 1 | wc -l)
		[ "$n" -eq $((RUNS + WARMUP)) ] || die "mktemp $kind $b made $n entries, not $((RUNS + WARMUP))"
		rm -rf "$TMP/m-$kind-$b"
	done
done
echo "loadavg_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/meta.env"

# ---- the report ----
"$PY" - "$OUT" >"$OUT/compat2.md" <<'PYEOF'
import json, os, sys
out = sys.argv[1]
meta = dict(l.rstrip("\n").split("=", 1) for l in open(os.path.join(out, "meta.env")))

def load(name):
    return [(r["command"], r) for r in json.load(open(os.path.join(out, name + ".json")))["results"]]

def cpu(r):
    return (r["user"] + r["system"]) * 1e3

p = print
p("Measured %s on %s CPUs (%s), kernel %s; load average %s before, %s after." %
  (meta["date"], meta["nproc"], meta["cpu"], meta["kernel"], meta["loadavg_before"], meta["loadavg_after"]))
p("syskit %s; hyperfine %s; %s; %s; %s. Files on %s. Regenerate with `bench/compat2.sh` (%s; raw data in build/bench/compat2/)." %
  (meta["commit"], meta["hyperfine"], meta["flock"], meta["mktemp"], meta["busybox"], meta["fs"], meta["runs"]))
p("")
p("Method. hyperfine `-N`, each case one group with every build in it; every command is a link named as the tool (argv[0] `flock`, `mktemp`), as a script calls it. Medians and mean ± σ of the wall time, and CPU = hyperfine's mean user + system. Ratios are the peer's CPU / this row's CPU: above 1, this row is cheaper.")
if meta["bb_flock"] != "1":
    p("busybox-static (%s) has no flock applet: the flock cases have no busybox row." % meta["busybox"])
p("")
cases = (("flock-true", "`flock FILE true` (uncontended: acquire, run true, release)"),
         ("flock-n", "`flock -n -E 0 FILE true` against a held lock (the conflict path, no command)"),
         ("mktemp-file", "`mktemp -p DIR` (a file)"),
         ("mktemp-dir", "`mktemp -d -p DIR` (a directory)"))
verdicts = []
for name, title in cases:
    rows = load(name)
    d = dict(rows)
    orig = next(r for k, r in rows if k.endswith("(original)"))
    bb = next((r for k, r in rows if k.startswith("busybox")), None)
    p("### %s" % title)
    p("")
    p("| command | median ms | mean ± σ ms | CPU ms | original / this (CPU) | busybox-static / this (CPU) |")
    p("|---|---:|---:|---:|---:|---:|")
    for k, r in rows:
        p("| %s | %.3f | %.3f ± %.3f | %.3f | %.2f | %s |" % (
            k, r["median"] * 1e3, r["mean"] * 1e3, r["stddev"] * 1e3, cpu(r),
            cpu(orig) / cpu(r), "%.2f" % (cpu(bb) / cpu(r)) if bb else "n/a"))
    p("")
    for k, r in rows:
        if not k.startswith(("syskit", "static syskit")):
            continue
        a = cpu(orig) / cpu(r)
        line = "%s: %.2f× the original's CPU (%s)" % (k, 1 / a, "met" if a >= 1 else "missed")
        if bb:
            b = cpu(bb) / cpu(r)
            line += ", %.2f× busybox-static's (%s)" % (1 / b, "met" if b > 1 else "missed")
        verdicts.append("- %s, %s" % (name, line))
p("### Goals: CPU at least the original's, below busybox-static's")
p("")
for v in verdicts:
    p(v)
PYEOF
cat "$OUT/compat2.md"
splice_results compat2 "$OUT/compat2.md"
