#!/usr/bin/env bash
# bench/compat.sh: syskit's compat names timeout and nproc against the
# originals (coreutils) and busybox-static's applets of the same names,
# then rewrite the compat section of bench/RESULTS.md.
#
#   1. `timeout 10 true`: coreutils, syskit (glibc and static builds),
#      busybox-static;
#   2. `nproc`: the same four.
#
# Each name is called through a link of that name (syskit's made by
# `--install -s --compat`, busybox's a symlink named after the applet), as
# a script calls it.  Two measures: hyperfine -N (wall and the child's CPU,
# user + system, one paired run per group), and bench/forkexec.c in rounds
# interleaved across the commands (CPU from the rusage of LOOP runs each;
# the median over the rounds discards rounds hit by other load).
#
# Usage, from anywhere:  bench/compat.sh
# Knobs: RUNS=500 WARMUP=20 (hyperfine), LOOP=2000 ROUNDS=20 (forkexec),
# NO_SPLICE=1 (leave RESULTS.md alone).
# Output: build/bench/compat/*.json, loop.tsv, compat.md.
set -euo pipefail

RUNS=${RUNS:-500}
WARMUP=${WARMUP:-20}
LOOP=${LOOP:-2000}
ROUNDS=${ROUNDS:-20}

cd "$(dirname "$0")/.." || { echo "bench: cannot find the repo root" >&2; exit 1; }
[ -f Makefile ] && [ -f applets/compat/timeout.c ] || { echo "bench: $PWD is not the syskit repo" >&2; exit 1; }
OUT=build/bench/compat
mkdir -p "$OUT"
. bench/common.sh
need hyperfine hyperfine
[ -x "$PY" ] || need python3 python3
[ -x /usr/bin/timeout ] && [ -x /usr/bin/nproc ] || apt_install coreutils

bench_snapshot "$OUT"
bench_forkexec
bench_busybox

# the links, named as scripts call them
rm -rf "$OUT/bin-glibc" "$OUT/bin-static" "$OUT/bin-bb"
mkdir -p "$OUT/bin-glibc" "$OUT/bin-static" "$OUT/bin-bb"
"$S" --install -s --compat "$OUT/bin-glibc" >/dev/null
[ "$HAVE_STATIC" = 0 ] || "$T" --install -s --compat "$OUT/bin-static" >/dev/null
ln -s "$BB" "$OUT/bin-bb/timeout"
ln -s "$BB" "$OUT/bin-bb/nproc"
G=$PWD/$OUT/bin-glibc Z=$PWD/$OUT/bin-static X=$PWD/$OUT/bin-bb
# the same answers before anything is timed
for b in "$G" "$X" $([ "$HAVE_STATIC" = 0 ] || echo "$Z"); do
	"$b/timeout" 10 true || die "$b/timeout 10 true failed"
	[ "$("$b/nproc")" -ge 1 ] || die "$b/nproc failed"
done

{
	bench_meta
	echo "coreutils=$(/usr/bin/timeout --version | head -n 1)"
	echo "busybox=$BB_VERSION ($BB)"
	echo "have_static=$HAVE_STATIC"
	echo "knobs=RUNS=$RUNS WARMUP=$WARMUP LOOP=$LOOP ROUNDS=$ROUNDS"
} >"$OUT/meta.env"

entries() {	# entries NAME ARGS: the four "label|command" of one name
	local n=$1 a=$2
	E=("coreutils $n|/usr/bin/$n$a" "syskit glibc $n|$G/$n$a")
	[ "$HAVE_STATIC" = 0 ] || E+=("syskit static $n|$Z/$n$a")
	E+=("busybox-static $n|$X/$n$a")
}

entries timeout " 10 true"
TE=("${E[@]}")
entries nproc ""
NE=("${E[@]}")
hf timeout "$RUNS" "$WARMUP" "${TE[@]}"
hf nproc "$RUNS" "$WARMUP" "${NE[@]}"
say "forkexec: $LOOP runs per command in $ROUNDS rounds"
: >"$OUT/loop.tsv"
forkexec_rounds "$OUT/loop.tsv" "$ROUNDS" $(( (LOOP + ROUNDS - 1) / ROUNDS )) "${TE[@]}" "${NE[@]}"
echo "loadavg_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/meta.env"

"$PY" - "$OUT" >"$OUT/compat.md" <<'PYEOF'
import json, os, sys
from statistics import median
out = sys.argv[1]
meta = dict(l.rstrip("\n").split("=", 1) for l in open(os.path.join(out, "meta.env")))
res = {}
for g in ("timeout", "nproc"):
    for r in json.load(open(os.path.join(out, g + ".json")))["results"]:
        res[r["command"]] = r
loop = {}
for line in open(os.path.join(out, "loop.tsv")):
    name, rnd, n, wall, us, sy = line.split("\t")
    loop.setdefault(name, []).append((int(wall) / int(n) / 1e9, (int(us) + int(sy)) / int(n) / 1e6))
def cpu(r): return r["user"] + r["system"]
def lcpu(n): return median(c for _, c in loop[n])
def lwall(n): return median(w for w, _ in loop[n])
p = print
p("Measured %s on %s CPUs (%s), kernel %s; load average %s before, %s after." %
  (meta["date"], meta["nproc"], meta["cpu"], meta["kernel"], meta["loadavg_before"], meta["loadavg_after"]))
p("syskit %s; hyperfine %s; %s; %s. Regenerate with `bench/compat.sh` (%s; raw data in build/bench/compat/)." %
  (meta["commit"], meta["hyperfine"], meta["coreutils"], meta["busybox"], meta["knobs"]))
if meta["have_static"] != "1":
    p("")
    p("**No static build** (build/musl missing): the static rows are absent.")
p("")
p("Method: every name is run through a link of that name, as a script runs it. *hyperfine*: `-N`, one paired run per group; wall mean ± σ and median; CPU = the child's user + system (for timeout, the command `true` is in it too). *loop*: bench/forkexec.c (fork, execvp, waitpid) in %s rounds interleaved across all the commands; the figure is the median over the rounds of the per-run mean, CPU from the rusage of the children. The loop's CPU is the figure least moved by other load on this shared machine." % meta["knobs"].split("ROUNDS=")[1])
p("")
p("| command | wall ms, mean ± σ | median | CPU ms | loop wall ms | loop CPU ms |")
p("|---|---:|---:|---:|---:|---:|")
for k, r in res.items():
    p("| %s | %.3f ± %.3f | %.3f | %.3f | %.3f | %.3f |" % (k, r["mean"] * 1e3, r["stddev"] * 1e3,
      r["median"] * 1e3, cpu(r) * 1e3, lwall(k) * 1e3, lcpu(k) * 1e3))
p("")
p("Ratios: syskit's CPU over the peer's (below 1: syskit uses less). Goals: at most 1 against the original, below 1 against busybox-static.")
p("")
p("| ratio | CPU (hyperfine) | CPU (loop) | wall median | goal |")
p("|---|---:|---:|---:|---|")
for n in ("timeout", "nproc"):
    for b in ("glibc", "static"):
        s = "syskit %s %s" % (b, n)
        if s not in res:
            continue
        for peer, limit, goal in (("coreutils %s" % n, 1.0, "≤ 1"), ("busybox-static %s" % n, 1.0, "< 1")):
            hc = cpu(res[s]) / cpu(res[peer])
            lc = lcpu(s) / lcpu(peer)
            wm = res[s]["median"] / res[peer]["median"]
            ok = lc <= limit if goal == "≤ 1" else lc < limit
            p("| %s / %s | %.2f | %.2f | %.2f | %s: %s |" % (s, peer, hc, lc, wm, goal,
              "met" if ok else "missed"))
PYEOF
cat "$OUT/compat.md"
splice_results compat "$OUT/compat.md"
