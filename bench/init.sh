#!/usr/bin/env bash
# bench/init.sh: `syskit run --init` against tini (Debian's package), both
# as PID 1 of a new PID namespace (unshare --pid --fork --mount-proc):
#
#   1. reaping: the command (build/zombies -w N) makes a burst of N orphans
#      that exit at once and waits until PID 1 has reaped them all;
#   2. forwarding: the command (build/zombies -p N) sends SIGUSR1 to PID 1
#      and waits for it to come back, N times (the round trip of a
#      forwarded signal);
#   3. the floor of each: unshare with the command alone (no burst: the
#      namespace's start and end; the ping cannot run without an init).
# Both syskit builds (glibc, and the static musl one where build/musl is).
# BusyBox has no PID-1 init of this kind (its init reads /etc/inittab and
# runs no command), so tini is the one peer.
#
# Usage, from anywhere (as root):  bench/init.sh
# Knobs: N=10000 (zombies), SIGS=10000 (signals), RUNS=10 WARMUP=2,
# NO_SPLICE=1 (leave RESULTS.md).
# Output: build/bench/init/*.json and *.txt (hyperfine), init.md, spliced
# between the init markers of bench/RESULTS.md.
set -euo pipefail

N=${N:-10000}
SIGS=${SIGS:-10000}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}

cd "$(dirname "$0")/.." || exit 1
. bench/common.sh
[ -f Makefile ] && [ -d applets/run ] || die "$PWD is not the syskit repo"
[ "$(id -u)" -eq 0 ] || die "needs root: unshare --pid"
OUT=build/bench/init
mkdir -p "$OUT"
need hyperfine hyperfine
need tini tini
need unshare util-linux

bench_snapshot "$OUT/snap"
make -j2 build/zombies >/dev/null 2>&1 || make -j2 >/dev/null
Z=$PWD/build/zombies
[ -x "$Z" ] || die "no $Z"
TINI=$(command -v tini)
NS="unshare --pid --fork --mount-proc"

{
	bench_meta
	echo "tini=$("$TINI" --version 2>&1 | head -n 1)"
	echo "runs=N=$N SIGS=$SIGS RUNS=$RUNS WARMUP=$WARMUP"
} >"$OUT/meta.env"

# group NAME ARGS TINI_ARGS: syskit (both builds) and tini as PID 1
group() {
	local g=$1 a=$2 ta=$3 e=()
	e+=("syskit|$NS $S run --init -- $a")
	[ "$HAVE_STATIC" = 1 ] && e+=("syskit static|$NS $T run --init -- $a")
	e+=("tini|$NS $TINI $ta -- $a")
	hf "$g" "$RUNS" "$WARMUP" "${e[@]}"
}
group reap "$Z -w $N" ""
group signals "$Z -p $SIGS" "-g"
group floor "true" ""

"$PY" - "$OUT" "$N" "$SIGS" >"$OUT/init.md" <<'PYEOF'
import json, sys
out, n, sigs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
meta = dict(l.rstrip("\n").split("=", 1) for l in open(out + "/meta.env") if "=" in l)
def res(group):
    return {r["command"]: r for r in json.load(open("%s/%s.json" % (out, group)))["results"]}
w = print
w("Measured %s at %s on %s CPUs (%s, kernel %s), load average before the run %s; %s; %s." % (
    meta.get("date", "?"), meta.get("commit", "?"), meta.get("nproc", "?"),
    meta.get("cpu", "?"), meta.get("kernel", "?"), meta.get("loadavg_before", "?"),
    meta.get("tini", "?"), meta.get("runs", "?")))
w("Both as PID 1 of a new PID namespace (`unshare --pid --fork --mount-proc`); hyperfine -N, medians.")
w("A ratio above 1: syskit took longer than tini.")
w("")
w("| job | build | syskit median ms | tini median ms | syskit / tini | syskit / tini CPU | floor syskit / tini ms | per item, syskit / tini µs (median minus floor) |")
w("|---|---|---|---|---|---|---|---|")
fl = res("floor")
def cpu(r):
    return r["user"] + r["system"]
for group, what, count in (("reap", "reap %d zombies in a burst" % n, n),
                           ("signals", "forward %d signals (round trip)" % sigs, sigs)):
    r = res(group)
    for k, build in (("syskit", "glibc"), ("syskit static", "static")):
        if k not in r:
            continue
        s, t = r[k]["median"], r["tini"]["median"]
        fs, ft = fl[k]["median"], fl["tini"]["median"]
        w("| %s | %s | %.1f | %.1f | %.2f | %.2f | %.1f / %.1f | %.2f / %.2f |" % (
            what, build, s * 1e3, t * 1e3, s / t, cpu(r[k]) / cpu(r["tini"]), fs * 1e3, ft * 1e3,
            (s - fs) / count * 1e6, (t - ft) / count * 1e6))
PYEOF
cat "$OUT/init.md"
splice_results init "$OUT/init.md"
