#!/usr/bin/env bash
# bench/lock.sh: benchmark `syskit lock` against util-linux flock(1) and
# GNU parallel's sem, then rewrite the lock section of bench/RESULTS.md.
#
#   1. uncontended: acquire, run `true`, release: `syskit lock F true`
#      against `flock F true` (hyperfine -N), and busybox-static's flock
#      where its build has that applet (Debian's has not: the report says so);
#   2. contended hand-off: K processes taking turns for M rounds each
#      (`LOCKER F true` in K loops at once), syskit against flock;
#   3. semaphore: J jobs of `true` started at once through 4 slots,
#      `syskit lock --slots 4` against `sem -j 4` (sem --fg, one id);
#   4. hand-off latency: H holders queued on one lock, each holding it for
#      HOLD ms; the gap between one holder's last instant and the next
#      one's first (tests/progs/lockwork: CLOCK_MONOTONIC stamps written
#      inside the lock), for syskit --slots 1, syskit and flock.
#
# Usage, from anywhere:  bench/lock.sh
# Knobs: RUNS=300 WARMUP=20 (uncontended), CRUNS=10 K=4 M=50 (contended),
# SRUNS=10 SEM_RUNS=3 J=8 (semaphore), H=30 HOLD=10 LAT_ROUNDS=5 (latency),
# NO_SPLICE=1 (leave RESULTS.md alone).
# Output: build/bench/lock/*.json (hyperfine), latency-*.log, lock.md.
set -euo pipefail

RUNS=${RUNS:-300}
WARMUP=${WARMUP:-20}
CRUNS=${CRUNS:-10}
K=${K:-4}
M=${M:-50}
SRUNS=${SRUNS:-10}
SEM_RUNS=${SEM_RUNS:-3}
J=${J:-8}
H=${H:-30}
HOLD=${HOLD:-10}
LAT_ROUNDS=${LAT_ROUNDS:-5}

cd "$(dirname "$0")/.." || { echo "bench: cannot find the repo root" >&2; exit 1; }
[ -f Makefile ] && [ -f applets/lock/main.c ] || { echo "bench: $PWD is not the syskit repo" >&2; exit 1; }
OUT=build/bench/lock
mkdir -p "$OUT"
. bench/common.sh

need hyperfine hyperfine
need flock util-linux
need sem parallel
[ -x "$PY" ] || need python3 python3
bench_busybox
BB_FLOCK=0
"$BB" --list | grep -qx flock && BB_FLOCK=1

# ---- build, then time snapshots (others may rebuild build/ meanwhile) ----
say "building syskit"
make -j2 >"$OUT/make.log" 2>&1 || { tail -n 30 "$OUT/make.log"; die "make failed"; }
HAVE_STATIC=0
if [ -f build/musl/prefix/lib/libbsd.a ]; then
	make static >>"$OUT/make.log" 2>&1 ||
	    { tail -n 30 "$OUT/make.log"; die "make static failed"; }
	HAVE_STATIC=1
fi
mkdir -p "$OUT/glibc" "$OUT/static"
cp build/syskit "$OUT/glibc/syskit.tmp" && mv -f "$OUT/glibc/syskit.tmp" "$OUT/glibc/syskit"
cp build/lockwork "$OUT/lockwork.tmp" && mv -f "$OUT/lockwork.tmp" "$OUT/lockwork"
S=$PWD/$OUT/glibc/syskit
T=$PWD/$OUT/static/syskit
if [ "$HAVE_STATIC" = 1 ]; then
	cp build/static/syskit "$OUT/static/syskit.tmp" &&
	    mv -f "$OUT/static/syskit.tmp" "$OUT/static/syskit"
fi
LW=$PWD/$OUT/lockwork

TMP=$(mktemp -d "${TMPDIR:-/tmp}/syskit-bench-lock.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
# sem keeps its state under $HOME/.parallel: a private one
export HOME=$TMP/home
mkdir -p "$HOME"
sem --will-cite --version >/dev/null 2>&1 || true

{
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "nproc=$(nproc)"
	echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "kernel=$(uname -r)"
	echo "loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
	echo "hyperfine=$(hyperfine --version | cut -d' ' -f2)"
	echo "flock=$(flock --version | head -n 1)"
	echo "sem=$(sem --will-cite --version 2>/dev/null | head -n 1)"
	echo "have_static=$HAVE_STATIC"
	echo "busybox=$BB_VERSION (busybox-static, $BB)"
	echo "busybox_flock=$BB_FLOCK"
	echo "tmpfs=$(stat -f -c %T "$TMP")"
	echo "knobs=RUNS=$RUNS WARMUP=$WARMUP CRUNS=$CRUNS K=$K M=$M SRUNS=$SRUNS SEM_RUNS=$SEM_RUNS J=$J H=$H HOLD=$HOLD LAT_ROUNDS=$LAT_ROUNDS"
} >"$OUT/meta.env"

# ---- 1. uncontended: two groups in opposite orders (hyperfine runs one
# command's runs back to back, and the load here drifts), merged ----
u=("syskit lock|$S lock $TMP/u1 true")
[ "$HAVE_STATIC" = 1 ] && u+=("static syskit lock|$T lock $TMP/u2 true")
u+=("flock|flock $TMP/u3 true")
[ "$BB_FLOCK" = 1 ] && u+=("busybox-static flock|$BB flock $TMP/u5 true")
u+=("syskit lock --slots 4|$S lock --slots 4 $TMP/u4 true")
hf uncontended "$((RUNS / 2))" "$WARMUP" "${u[@]}"
r=()
for ((i = ${#u[@]} - 1; i >= 0; i--)); do r+=("${u[i]}"); done
hf uncontended_rev "$((RUNS / 2))" "$WARMUP" "${r[@]}"

# ---- 2. contended hand-off: K loops of M acquisitions at once ----
cat >"$TMP/contend.sh" <<'EOF'
#!/bin/sh
# contend.sh K M FILE LOCKER...: K loops of M "LOCKER... FILE true" at once
k=$1 m=$2 f=$3
shift 3
i=0
while [ "$i" -lt "$k" ]; do
	(j=0; while [ "$j" -lt "$m" ]; do "$@" "$f" true; j=$((j + 1)); done) &
	i=$((i + 1))
done
wait
EOF
c=("syskit lock|sh $TMP/contend.sh $K $M $TMP/c1 $S lock")
[ "$HAVE_STATIC" = 1 ] && c+=("static syskit lock|sh $TMP/contend.sh $K $M $TMP/c2 $T lock")
c+=("flock|sh $TMP/contend.sh $K $M $TMP/c3 flock")
hf contended "$CRUNS" 1 "${c[@]}"

# ---- 3. semaphore: J jobs at once through 4 slots ----
cat >"$TMP/jobs.sh" <<'EOF'
#!/bin/sh
# jobs.sh J LAUNCHER...: J "LAUNCHER... true" at once, then wait for all
j=$1
shift
i=0
while [ "$i" -lt "$j" ]; do
	"$@" true &
	i=$((i + 1))
done
wait
EOF
hf sem_syskit "$SRUNS" 1 \
    "syskit lock --slots 4|sh $TMP/jobs.sh $J $S lock --slots 4 $TMP/s1"
hf sem_gnu "$SEM_RUNS" 0 \
    "sem -j 4|sh $TMP/jobs.sh $J sem --will-cite --fg --id syskitbench -j 4"

# ---- 4. hand-off latency ----
latency() {
	local name=$1 r i
	shift
	: >"$OUT/latency-$name.log"
	for r in $(seq "$LAT_ROUNDS"); do
		rm -f "$TMP/lat" "$TMP/lat.log"
		for i in $(seq "$H"); do
			"$@" "$TMP/lat" "$LW" slot "$TMP/lat.log" "$HOLD" &
		done
		wait
		awk '$1 == "out" { o = $2 } $1 == "in" && o { print ($2 - o) / 1e6 }' \
		    "$TMP/lat.log" >>"$OUT/latency-$name.log"
	done
}
say "hand-off latency: $LAT_ROUNDS rounds of $H holders"
latency slots1 "$S" lock --slots 1
latency plain "$S" lock
latency flock flock

echo "loadavg_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/meta.env"

# ---- the report ----
cat >"$OUT/report.py" <<'EOF'
import json, os, statistics, sys

out = sys.argv[1]
meta = dict(l.rstrip("\n").split("=", 1) for l in open(os.path.join(out, "meta.env")) if "=" in l)

def results(group):
    d = json.load(open(os.path.join(out, group + ".json")))
    return {r["command"]: r for r in d["results"]}

def sd(r):
    return r["stddev"] or 0.0

def ms(r, k="median"):
    return r[k] * 1000

def cpu(r):
    return (r["user"] + r["system"]) * 1000

L = []
L.append("Measured %s on %s CPUs (%s), kernel %s; load average %s before, %s after." % (
    meta["date"], meta["nproc"], meta["cpu"], meta["kernel"], meta["loadavg"], meta["loadavg_after"]))
L.append("syskit %s; hyperfine %s; %s; %s." % (meta["commit"], meta["hyperfine"], meta["flock"], meta["sem"]))
L.append("Lock files on %s. Regenerate with `bench/lock.sh` (%s; raw data in build/bench/lock/)." % (meta["tmpfs"], meta["knobs"]))
L.append("")
L.append("Method. hyperfine `-N`; the figures are medians (this shared 2-core VM is noisy: means carry"
         " the outliers), with the mean ± σ alongside; CPU is hyperfine's mean user + system."
         " Ratios are peer / syskit of the medians: above 1, syskit is faster.")
if meta.get("busybox_flock") == "0":
    L.append("")
    L.append("%s has no flock applet (`busybox --list`), so there is no BusyBox row here:"
             " util-linux flock is the peer." % meta["busybox"])
L.append("")

def merged(*groups):
    # the runs of each command over several groups: median, mean, sd, CPU
    out = {}
    for g in groups:
        for name, r in results(g).items():
            m = out.setdefault(name, {"times": [], "cpu": []})
            m["times"] += r["times"]
            m["cpu"].append((r["user"] + r["system"], len(r["times"])))
    for m in out.values():
        t = m["times"]
        m["median"] = statistics.median(t)
        m["mean"] = statistics.mean(t)
        m["stddev"] = statistics.stdev(t) if len(t) > 1 else 0.0
        n = sum(k for _, k in m["cpu"])
        m["user"], m["system"] = sum(c * k for c, k in m["cpu"]) / n, 0.0
    return out

u = merged("uncontended", "uncontended_rev")
L.append("### Uncontended: acquire, run `true`, release")
L.append("")
L.append("Two hyperfine groups of %d runs each, the second in the opposite order, merged." % (len(u["flock"]["times"]) // 2))
L.append("")
L.append("| command | median ms | mean ± σ ms | CPU ms | flock / this (median) |")
L.append("|---|---:|---:|---:|---:|")
fl = u["flock"]
for name, r in u.items():
    L.append("| %s | %.3f | %.3f ± %.3f | %.3f | %.2f |" % (
        name, ms(r), ms(r, "mean"), sd(r) * 1000, cpu(r), fl["median"] / r["median"]))
L.append("")
def goal(name, label):
    w = u[name]["median"] / fl["median"]
    c = cpu(u[name]) / cpu(fl)
    L.append("%s takes %.2f× flock's median wall time and %.2f× its CPU time: %s." % (
        label, w, c, "met" if w <= 1.0 and c <= 1.0 else
        "met on wall time only" if w <= 1.0 else "missed"))

L.append("Goal: uncontended no slower than flock. The wall-time medians move with the other load"
         " on this VM from one group to the next; the CPU time is steadier.")
goal("syskit lock", "syskit lock (glibc, dynamic)")
if "static syskit lock" in u:
    goal("static syskit lock", "The static musl build")
if "busybox-static flock" in u:
    bf = u["busybox-static flock"]
    for name, t in (("syskit lock", 1.2), ("static syskit lock", 1.0)):
        if name in u:
            q = cpu(u[name]) / cpu(bf)
            L.append("%s / busybox-static flock, CPU: %.2f× (goal %s): %s." % (
                name, q, "< 1" if t == 1.0 else "≤ 1.2", "met" if (q < t if t == 1.0 else q <= t) else "missed"))
L.append("")

c = results("contended")
K, M = meta["knobs"].split(" K=")[1].split()[0], meta["knobs"].split(" M=")[1].split()[0]
n = int(K) * int(M)
L.append("### Contended: %s processes taking turns, %s rounds each (%d acquisitions)" % (K, M, n))
L.append("")
L.append("| command | median s | mean ± σ s | acquisitions/s | flock / this (median) |")
L.append("|---|---:|---:|---:|---:|")
cf = c["flock"]
for name, r in c.items():
    L.append("| %s | %.3f | %.3f ± %.3f | %.0f | %.2f |" % (
        name, r["median"], r["mean"], sd(r), n / r["median"], cf["median"] / r["median"]))
L.append("")

s1 = results("sem_syskit")["syskit lock --slots 4"]
s2 = results("sem_gnu")["sem -j 4"]
J = meta["knobs"].split(" J=")[1].split()[0]
L.append("### Semaphore: %s jobs of `true` at once through 4 slots" % J)
L.append("")
L.append("| command | median s | mean ± σ s | runs |")
L.append("|---|---:|---:|---:|")
for name, r in (("syskit lock --slots 4", s1), ("sem -j 4 (GNU parallel)", s2)):
    L.append("| %s | %.3f | %.3f ± %.3f | %d |" % (name, r["median"], r["mean"], sd(r), len(r["times"])))
ratio = s2["median"] / s1["median"]
L.append("")
L.append("sem / syskit: %.1f× (median). Goal: at least 10×: %s." % (ratio, "met" if ratio >= 10 else "missed"))
L.append("")

L.append("### Hand-off latency")
L.append("")
L.append("From one holder's last instant inside the lock to the next holder's first: the holder's exit,"
         " the release, the waiter's wake-up, its start of the command (a fork and an exec)."
         " Holders queued on one lock, each holding it for a few ms.")
L.append("")
L.append("| locker | hand-offs | median ms | p90 ms | max ms |")
L.append("|---|---:|---:|---:|---:|")
for name, label in (("slots1", "syskit lock --slots 1 (OFD byte locks, a thread per slot)"),
                    ("plain", "syskit lock (flock)"), ("flock", "util-linux flock")):
    v = sorted(float(x) for x in open(os.path.join(out, "latency-%s.log" % name)) if x.strip())
    if not v:
        continue
    p90 = v[min(len(v) - 1, int(len(v) * 0.9))]
    L.append("| %s | %d | %.2f | %.2f | %.2f |" % (label, len(v), statistics.median(v), p90, v[-1]))
L.append("")
open(os.path.join(out, "lock.md"), "w").write("\n".join(L) + "\n")
EOF
"$PY" "$OUT/report.py" "$OUT"
say "report: $OUT/lock.md"
cat "$OUT/lock.md"
splice_results lock "$OUT/lock.md"
