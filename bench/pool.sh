#!/usr/bin/env bash
# bench/pool.sh: the per-job cost of `syskit run -j` (the job pool) against
# `xargs -P 2 -n 1`, GNU `parallel -j 2` and a shell loop, for JOBS jobs of
# `true` (one item each, from a file), then rewrite the pool section of
# bench/RESULTS.md.
#
#   syskit run -j 2 -a FILE -- true   the pool, default --group (two pipes
#                                     per job) and --ungroup (none)
#   cat FILE | syskit run -j 2 -- true  the items from a pipe, read through
#                                     the event loop as the jobs need them
#   xargs -P 2 -n 1 -a FILE true      the floor: fork and exec, no capture
#   parallel -j 2 -a FILE true        GNU parallel (Perl; 3-10 ms a job)
#   sh -c 'while read ...'            a loop of /bin/true, one at a time
#
# Per-job wall time is hyperfine's median over JOBS; CPU is user + system.
# Overhead is the per-job CPU beyond the shell loop's (a bare fork+exec).
# Goals (issue 15): syskit within 1.2x of xargs; at least 10x less per-job
# cost than parallel.
#
# Usage, from anywhere:  bench/pool.sh
# Knobs: JOBS=5000 RUNS=5 PRUNS=2 (parallel's runs), NO_SPLICE=1,
# REPORT_ONLY=1 (no measuring: the report again from build/bench/pool-*).
# Output: build/bench/pool-*.json (hyperfine), build/bench/pool.md.
set -euo pipefail

JOBS=${JOBS:-5000}
RUNS=${RUNS:-5}
PRUNS=${PRUNS:-2}

cd "$(dirname "$0")/.." || exit 1
. bench/common.sh
[ -f Makefile ] && [ -f applets/run/pool.c ] || die "$PWD is not the syskit repo"
OUT=build/bench
mkdir -p "$OUT"
need hyperfine hyperfine
need parallel parallel
need xargs findutils
[ -x "$PY" ] || need python3 python3

if [ "${REPORT_ONLY:-0}" != 1 ]; then
bench_snapshot "$OUT/pool-snap"
ITEMS=$PWD/$OUT/pool-items
seq "$JOBS" >"$ITEMS"
TRUE=$(type -P true)

{
	bench_meta
	echo "xargs=$(xargs --version | head -n 1)"
	echo "parallel=$(parallel --will-cite --version 2>/dev/null | head -n 1)"
	echo "jobs=$JOBS runs=$RUNS parallel_runs=$PRUNS"
} >"$OUT/pool-meta.env"

hf pool-fast "$RUNS" 1 \
    "syskit run -j 2|$S run -j 2 -a $ITEMS -- true" \
    "syskit run -j 2 --ungroup|$S run -j 2 --ungroup -a $ITEMS -- true" \
    "syskit run -j 2, stdin a pipe|sh -c 'cat $ITEMS | $S run -j 2 -- true'" \
    "xargs -P 2 -n 1|xargs -P 2 -n 1 -a $ITEMS true" \
    "shell loop|sh -c 'while read -r x; do $TRUE \"\$x\"; done <$ITEMS'"
hf pool-parallel "$PRUNS" 0 \
    "parallel -j 2|parallel --will-cite -j 2 -a $ITEMS true"
fi

"$PY" - "$OUT" "$JOBS" >"$OUT/pool.md" <<'PYEOF'
import json, sys
out, jobs = sys.argv[1], int(sys.argv[2])
meta = dict(l.rstrip("\n").split("=", 1) for l in open(out + "/pool-meta.env") if "=" in l)
res = {}
for g in ("pool-fast", "pool-parallel"):
    for r in json.load(open("%s/%s.json" % (out, g)))["results"]:
        res[r["command"]] = (r["median"], r["user"] + r["system"])
def ms(name):
    return res[name][0] / jobs * 1e3
def cpu(name):
    return res[name][1] / jobs * 1e3
sk, sku, xa, pa, lo = "syskit run -j 2", "syskit run -j 2 --ungroup", "xargs -P 2 -n 1", "parallel -j 2", "shell loop"
skp = "syskit run -j 2, stdin a pipe"
print("%d jobs of `true`, one item each from a file; hyperfine medians (%s; %s, %s CPUs, load %s before)."
      % (jobs, meta.get("date", "?"), meta.get("commit", "?"), meta.get("nproc", "?"), meta.get("loadavg_before", "?")))
print("%s; %s." % (meta.get("xargs", "?"), meta.get("parallel", "?")))
try:
    busy = float(meta.get("loadavg_before", "0").split()[0]) > float(meta.get("nproc", "1"))
except ValueError:
    busy = False
if busy:
    print()
    print("The load average was above the CPU count: wall times are mostly other processes' turn on the CPUs; compare the CPU per job.")
print()
print("| command | per job (wall) | per job (CPU) | wall vs xargs |")
print("|---|---|---|---|")
for n in (sk, sku, skp, xa, pa, lo):
    print("| %s | %.3f ms | %.3f ms | %.2fx |" % (n, ms(n), cpu(n), ms(n) / ms(xa)))
print()
print("- syskit (--group) vs xargs -P 2: **%.2fx** the wall time (goal: within 1.2x); %.2fx the CPU."
      % (ms(sk) / ms(xa), cpu(sk) / cpu(xa)))
print("- the items from a pipe (streamed through the event loop) vs -a FILE: %.2fx the wall time, %.2fx the CPU (cat and sh included)."
      % (ms(skp) / ms(sk), cpu(skp) / cpu(sk)))
print("- parallel -j 2 vs syskit: **%.1fx** the per-job wall time, %.1fx the CPU."
      % (ms(pa) / ms(sk), cpu(pa) / cpu(sk)))
# overhead: the CPU a job costs beyond a bare fork and exec of the same
# command (the shell loop's per-job CPU)
ov = lambda n: cpu(n) - cpu(lo)
if ov(sk) > 0:
    print("- overhead per job (CPU beyond the shell loop's fork+exec): syskit %.3f ms, xargs %.3f ms, parallel %.3f ms: parallel's is **%.0fx** syskit's (goal: at least 10x)."
          % (ov(sk), ov(xa), ov(pa), ov(pa) / ov(sk)))
else:
    print("- overhead per job (CPU beyond the shell loop's fork+exec): syskit %.3f ms (none measurable), parallel %.3f ms." % (ov(sk), ov(pa)))
print()
# the knobs, as the meta line has them: "jobs=N runs=N parallel_runs=N"
print("Commands: `bench/pool.sh` (jobs=%s)." % meta.get("jobs", str(jobs)))
PYEOF
cat "$OUT/pool.md" >&2
splice_results pool "$OUT/pool.md"
