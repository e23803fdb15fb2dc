#!/usr/bin/env bash
# bench/run.sh: benchmark `syskit run` against what it replaces, then
# rewrite the run section of bench/RESULTS.md.
#
#   1. the cost of starting a command: `syskit run -- true` against `true`
#      run directly, `timeout 10 true`, `env true`, `/usr/bin/time true`
#      (hyperfine -N, wall and CPU), with a fork+exec loop as a second
#      opinion that has no hyperfine in it;
#   2. throughput: `syskit run --capture -- head -c 1G /dev/zero` and
#      `--tee FILE` against cat (to /dev/null, and to a file: the same job
#      as the capture's spill) and tee(1) on the same stream.
#
# Usage, from anywhere:  bench/run.sh
# Knobs: RUNS=1000 WARMUP=50 (start cost), TRUNS=5 (throughput runs),
# SIZE=1G, LOOP=2000 ROUNDS=10 (the loop), NO_SPLICE=1 (leave RESULTS.md),
# REPORT_ONLY=1 (no measuring: the report again from build/bench/run-*).
# Output: build/bench/run-*.json (hyperfine), build/bench/run-loop.tsv,
# build/bench/run.md, spliced between the run markers of bench/RESULTS.md.
set -euo pipefail

RUNS=${RUNS:-1000}
WARMUP=${WARMUP:-50}
TRUNS=${TRUNS:-5}
SIZE=${SIZE:-1G}
LOOP=${LOOP:-2000}
ROUNDS=${ROUNDS:-10}

die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

cd "$(dirname "$0")/.." || die "cannot find the repo root"
[ -f Makefile ] && [ -f applets/run.c ] || die "$PWD is not the syskit repo"
OUT=build/bench
mkdir -p "$OUT"
. bench/common.sh
need hyperfine hyperfine
need /usr/bin/time time
need timeout coreutils
[ -x "$PY" ] || need python3 python3

if [ "${REPORT_ONLY:-0}" != 1 ]; then
# ---- build, then time snapshots (others may rebuild build/ meanwhile) ----
say "building syskit (make, make static)"
make -j2 >"$OUT/run-make.log" 2>&1 || { tail -n 30 "$OUT/run-make.log"; die "make failed"; }
HAVE_STATIC=0
if [ -f build/musl/prefix/lib/libbsd.a ]; then
	make static >>"$OUT/run-make.log" 2>&1 ||
	    { tail -n 30 "$OUT/run-make.log"; die "make static failed"; }
	HAVE_STATIC=1
else
	say "build/musl missing (run tools/musl-deps.sh): no static binary"
fi
mkdir -p "$OUT/run-glibc" "$OUT/run-static"
cp build/syskit "$OUT/run-glibc/syskit.tmp"
mv -f "$OUT/run-glibc/syskit.tmp" "$OUT/run-glibc/syskit"
S=$PWD/$OUT/run-glibc/syskit
if [ "$HAVE_STATIC" = 1 ]; then
	cp build/static/syskit "$OUT/run-static/syskit.tmp"
	mv -f "$OUT/run-static/syskit.tmp" "$OUT/run-static/syskit"
fi
T=$PWD/$OUT/run-static/syskit

TMP=$(mktemp -d "${TMPDIR:-/tmp}/syskit-bench-run.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

{
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "nproc=$(nproc)"
	echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "kernel=$(uname -r)"
	echo "loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
	echo "hyperfine=$(hyperfine --version | cut -d' ' -f2)"
	echo "coreutils=$(timeout --version | head -n 1)"
	echo "time=GNU time $(dpkg-query -W -f='${Version}' time 2>/dev/null || echo '?')"
	echo "have_static=$HAVE_STATIC"
	echo "size=$SIZE"
	echo "tmpfs=$(stat -f -c %T "$TMP")"
	echo "runs=RUNS=$RUNS WARMUP=$WARMUP TRUNS=$TRUNS LOOP=$LOOP ROUNDS=$ROUNDS"
} >"$OUT/run-meta.env"

# ---- 1. the cost of a start ----
START=(-n "true" "true"
    -n "timeout 10 true" "timeout 10 true"
    -n "env true" "env true"
    -n "/usr/bin/time true" "/usr/bin/time true"
    -n "syskit run -- true (glibc)" "$S run -- true")
[ "$HAVE_STATIC" = 1 ] && START+=(-n "syskit run -- true (static)" "$T run -- true")
say "start cost: hyperfine, $RUNS runs each"
hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$OUT/run-start.json" \
    "${START[@]}" >/dev/null 2>"$OUT/run-start.log" ||
    { tail -n 20 "$OUT/run-start.log"; die "hyperfine failed"; }

# The loop: fork, exec, wait LOOP times per command, in ROUNDS rounds
# interleaved across the commands; the median over the rounds.
cat >"$OUT/run-loop.c" <<'EOF'
#include <sys/wait.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct timespec t0, t1;
	long n, i;
	int null, st;
	pid_t pid;

	if (argc < 3 || (n = strtol(argv[1], NULL, 10)) <= 0)
		return 2;
	if ((null = open("/dev/null", O_WRONLY)) == -1)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		if ((pid = fork()) == -1)
			return 2;
		if (pid == 0) {
			dup2(null, 1);
			dup2(null, 2);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0)
			return 3;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.1f\n", ((t1.tv_sec - t0.tv_sec) * 1e9 +
	    (t1.tv_nsec - t0.tv_nsec)) / n);
	return 0;
}
EOF
cc -O2 -o "$OUT/run-loop" "$OUT/run-loop.c"
say "start cost: fork+exec loop, $LOOP runs in $ROUNDS rounds"
: >"$OUT/run-loop.tsv"
per=$((LOOP / ROUNDS))
for r in $(seq "$ROUNDS"); do
	for c in "true|true" "timeout 10 true|timeout 10 true" "env true|env true" \
	    "/usr/bin/time true|/usr/bin/time true" \
	    "syskit run -- true (glibc)|$S run -- true" \
	    "syskit run -- true (static)|$T run -- true"; do
		name=${c%%|*} cmd=${c#*|}
		case $name in *static*) [ "$HAVE_STATIC" = 1 ] || continue ;; esac
		ns=$("$OUT/run-loop" "$per" $cmd) || die "loop failed: $cmd"
		printf '%s\t%s\n' "$name" "$ns" >>"$OUT/run-loop.tsv"
	done
done

# ---- 2. throughput ----
say "throughput: $SIZE through each, $TRUNS runs (sync before each)"
THRU=(-n "cat >/dev/null" "head -c $SIZE /dev/zero | cat >/dev/null"
    -n "cat >file" "head -c $SIZE /dev/zero | cat >$TMP/cat.out"
    -n "tee file >/dev/null" "head -c $SIZE /dev/zero | tee $TMP/tee.out >/dev/null"
    -n "syskit run --capture" "TMPDIR=$TMP $S run --capture -- head -c $SIZE /dev/zero"
    -n "syskit run --tee file >/dev/null" "$S run --tee $TMP/run.tee -- head -c $SIZE /dev/zero >/dev/null")
hyperfine --shell=bash --warmup 1 --runs "$TRUNS" --prepare "sync; rm -f $TMP/*.out $TMP/run.tee; sync" \
    --export-json "$OUT/run-thru.json" "${THRU[@]}" >/dev/null 2>"$OUT/run-thru.log" ||
    { tail -n 20 "$OUT/run-thru.log"; die "hyperfine failed"; }

fi	# REPORT_ONLY

# ---- the report ----
cat >"$OUT/run-report.py" <<'EOF'
import json, math, os, statistics, sys

out = sys.argv[1]
meta = dict(l.rstrip("\n").split("=", 1) for l in open(os.path.join(out, "run-meta.env")) if "=" in l)
start = {r["command"]: r for r in json.load(open(os.path.join(out, "run-start.json")))["results"]}
thru = {r["command"]: r for r in json.load(open(os.path.join(out, "run-thru.json")))["results"]}
loop = {}
for line in open(os.path.join(out, "run-loop.tsv")):
    n, v = line.rstrip("\n").split("\t")
    loop.setdefault(n, []).append(float(v))
L = []
w = L.append

def ms(x):
    return "%.3f" % (x * 1000)

def cpu(r):
    return r["user"] + r["system"]

def ratio(a, sa, b, sb):
    q = a / b
    return q, q * math.sqrt((sa / a) ** 2 + (sb / b) ** 2)

def lmed(n):
    return statistics.median(loop[n]) / 1e9 if n in loop else None

size = meta["size"]
nbytes = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(size[-1], 1) * float(size.rstrip("KMG"))

w("Measured %s on %s CPUs (%s), kernel %s; load average %s before; files on %s."
  % (meta["date"], meta["nproc"], meta["cpu"],
     meta["kernel"], meta["loadavg"], meta["tmpfs"]))
w("syskit %s; hyperfine %s, %s, %s. Regenerate with `bench/run.sh` (%s)."
  % (meta["commit"], meta["hyperfine"], meta["coreutils"], meta["time"], meta["runs"]))
w("")
w("Method. Start cost: hyperfine `-N` (no shell), mean ± σ and median of wall "
  "time, CPU = user + system of the child; ratios are of the means with the "
  "propagated σ. *loop*: a C loop of fork, execvp, waitpid, the median over "
  "%s interleaved rounds of the mean per run (no hyperfine in it). "
  "Throughput: hyperfine through bash, `sync` before every run, %s of "
  "/dev/zero; MiB/s = size / mean wall." % (meta["runs"].split("ROUNDS=")[1], size))
w("")
w("### Starting a command")
w("")
w("| command | wall ms, mean ± σ | median | CPU ms | loop ms | added wall vs `true` (loop) |")
w("|---|---:|---:|---:|---:|---:|")
t_true = start["true"]["mean"]
for n, r in start.items():
    lm = lmed(n)
    add = "" if n == "true" else "%+.3f (%+.3f)" % ((r["mean"] - t_true) * 1000,
                                                 ((lm - lmed("true")) * 1000) if lm else float("nan"))
    w("| `%s` | %s ± %s | %s | %s | %s | %s |" % (n, ms(r["mean"]), ms(r["stddev"] or 0),
                                                 ms(r["median"]), ms(cpu(r)),
                                                 ms(lm) if lm else "", add))
w("")
goals = []
to = start["timeout 10 true"]
w("| syskit | / timeout (wall) | median | loop | / timeout (CPU) | / env (wall) | / /usr/bin/time (wall) |")
w("|---|---:|---:|---:|---:|---:|---:|")
for n in ("syskit run -- true (glibc)", "syskit run -- true (static)"):
    if n not in start:
        continue
    r = start[n]
    q, s = ratio(r["mean"], r["stddev"] or 0, to["mean"], to["stddev"] or 0)
    qm = r["median"] / to["median"]
    ql = lmed(n) / lmed("timeout 10 true")
    qc = cpu(r) / cpu(to)
    qe = r["mean"] / start["env true"]["mean"]
    qt = r["mean"] / start["/usr/bin/time true"]["mean"]
    w("| %s | %.2f ± %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |" % (n, q, s, qm, ql, qc, qe, qt))
    goals.append(("`%s` ≤ 1.2× the cost of `timeout 10 true` (wall)" % n,
                  "%.2f× (median %.2f, loop %.2f)" % (q, qm, ql),
                  "**met**" if q <= 1.2 else "**missed**"))
    goals.append(("`%s` ≤ 1.2× the CPU of `timeout 10 true`" % n, "%.2f×" % qc,
                  "**met**" if qc <= 1.2 else "**missed**"))
    add = r["mean"] - t_true
    addl = lmed(n) - lmed("true")
    goals.append(("`%s` adds well under 1 ms of wall time to `true`" % n,
                  "%.3f ms (loop %.3f ms)" % (add * 1000, addl * 1000),
                  "**met**" if add < 0.0005 else
                  "**met** for under 1 ms, not well under" if add < 0.001 else
                  "**missed**"))
w("")
w("### Throughput (%s through a pipe)" % size)
w("")
w("| command | wall s, mean ± σ | MiB/s | / `cat >/dev/null` | / `cat >file` | / `tee file` |")
w("|---|---:|---:|---:|---:|---:|")
c0 = thru["cat >/dev/null"]["mean"]
c1 = thru["cat >file"]["mean"]
t1 = thru["tee file >/dev/null"]["mean"]
for n, r in thru.items():
    w("| `%s` | %.3f ± %.3f | %.0f | %.2f | %.2f | %.2f |" % (
        n, r["mean"], r["stddev"] or 0, nbytes / r["mean"] / (1 << 20),
        c0 / r["mean"], c1 / r["mean"], t1 / r["mean"]))
w("")
w("(Throughput ratios are of speed: above 1 is faster than the peer.)")
w("")
for n, peers in (("syskit run --capture", (("cat >/dev/null", c0), ("cat >file", c1))),
                 ("syskit run --tee file >/dev/null", (("cat >/dev/null", c0), ("tee file >/dev/null", t1)))):
    for p, pt in peers:
        q = pt / thru[n]["mean"]
        goals.append(("`%s` ≥ 90%% of `%s`'s throughput" % (n, p), "%.0f%%" % (q * 100),
                      "**met**" if q >= 0.9 else "**missed**"))
w("### Goals")
w("")
w("| goal | measured | verdict |")
w("|---|---|---|")
for g, m, v in goals:
    w("| %s | %s | %s |" % (g, m, v))
w("")
w("The capture cannot be as fast as `cat >/dev/null`: beyond --capture-limit "
  "(16M) it writes the stream to a file, which is what `cat >file` does; "
  "that pair is the like-for-like one, and so is `tee file` for --tee.")
open(os.path.join(out, "run.md"), "w").write("\n".join(L) + "\n")
EOF
"$PY" "$OUT/run-report.py" "$OUT" || die "report failed"

splice_results run "$OUT/run.md"
cat "$OUT/run.md"
