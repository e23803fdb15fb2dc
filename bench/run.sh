#!/usr/bin/env bash
# bench/run.sh: benchmark `syskit run` against what it replaces, then
# rewrite the run section of bench/RESULTS.md.
#
#   1. the cost of starting a command: `syskit run -- true` against `true`
#      run directly, `timeout 10 true` (coreutils, and busybox-static's;
#      a dynamic BusyBox's too where there is one, see bench_busybox in
#      bench/common.sh), `env true`, `/usr/bin/time true` (hyperfine -N,
#      wall and CPU), with the fork/exec timer bench/forkexec.c as a second
#      opinion that has no hyperfine in it;
#   2. throughput: `syskit run --capture -- head -c 1G /dev/zero` and
#      `--tee FILE` against cat (to /dev/null, and to a file: the same job
#      as the capture's spill, and to a file then removed, as the capture's
#      temp file is) and tee(1) on the same stream, wall and CPU;
#   3. timestamps: `syskit run --timestamps -- seq 1000000` (both builds)
#      against busybox-static's ts and moreutils' ts on the same lines;
#   4. the peak RSS of each (/usr/bin/time %M, the median of RSS_RUNS);
#   5. where the capture's time goes: one run of it and one of cat >file
#      under strace -T (reads, writes, the close of the spill; the rm).
#
# Usage, from anywhere:  bench/run.sh
# Knobs: RUNS=1000 WARMUP=50 (start cost), TRUNS=5 (throughput runs),
# TS_LINES=1000000 TS_RUNS=10 MU_RUNS=2 (timestamps; moreutils' ts, which
# takes seconds, in a group of its own), SIZE=1G, LOOP=2000 ROUNDS=10 (the
# loop), CAP_ROUNDS=30 CAP_SIZE=256M (the capture's CPU, interleaved
# rounds, each pair compared within its round),
# TREE_PER=5 TREE_ROUNDS=4 (the whole tree's CPU, forkexec -t:
# BusyBox's timeout takes a second a run there), RSS_RUNS=5, NO_SPLICE=1
# (leave RESULTS.md),
# REPORT_ONLY=1 (no measuring: the report again from build/bench/run-*).
# Output: build/bench/run-*.json (hyperfine), build/bench/run-loop.tsv,
# build/bench/run.md, spliced between the run markers of bench/RESULTS.md.
# The binaries timed are snapshots (build/bench/run-snap/).
set -euo pipefail

RUNS=${RUNS:-1000}
WARMUP=${WARMUP:-50}
TRUNS=${TRUNS:-5}
SIZE=${SIZE:-1G}
LOOP=${LOOP:-2000}
ROUNDS=${ROUNDS:-10}
TREE_PER=${TREE_PER:-5}
CAP_ROUNDS=${CAP_ROUNDS:-30}
CAP_SIZE=${CAP_SIZE:-256M}
TREE_ROUNDS=${TREE_ROUNDS:-4}
TS_LINES=${TS_LINES:-1000000}
TS_RUNS=${TS_RUNS:-10}
MU_RUNS=${MU_RUNS:-2}
RSS_RUNS=${RSS_RUNS:-5}

cd "$(dirname "$0")/.." || exit 1
. bench/common.sh
[ -f Makefile ] && [ -f applets/run/run.c ] || die "$PWD is not the syskit repo"
OUT=build/bench
mkdir -p "$OUT"
need hyperfine hyperfine
need /usr/bin/time time
need timeout coreutils
[ -x "$PY" ] || need python3 python3

if [ "${REPORT_ONLY:-0}" != 1 ]; then
bench_snapshot "$OUT/run-snap"
bench_forkexec
bench_busybox

TMP=$(mktemp -d "${TMPDIR:-/tmp}/syskit-bench-run.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

{
	bench_meta
	echo "coreutils=$(timeout --version | head -n 1)"
	echo "time=GNU time $(dpkg-query -W -f='${Version}' time 2>/dev/null || echo '?')"
	echo "busybox=$BB_VERSION (busybox-static, $BB)"
	[ -n "$BB_DYN" ] && echo "busybox_dyn=$BB_DYN_VERSION (dynamic, $BB_DYN)"
	echo "have_static=$HAVE_STATIC"
	echo "size=$SIZE"
	echo "cap_size=$CAP_SIZE"
	echo "tmpfs=$(stat -f -c %T "$TMP")"
	echo "runs=RUNS=$RUNS WARMUP=$WARMUP TRUNS=$TRUNS TS_RUNS=$TS_RUNS MU_RUNS=$MU_RUNS RSS_RUNS=$RSS_RUNS LOOP=$LOOP ROUNDS=$ROUNDS"
	echo "ts_lines=$TS_LINES"
	command -v ts >/dev/null && [ "$(readlink -f "$(command -v ts)")" != "$(readlink -f "$BB")" ] &&
	    echo "moreutils=moreutils $(dpkg-query -W -f='${Version}' moreutils 2>/dev/null || echo '?')"
} >"$OUT/run-meta.env"

# ---- 1. the cost of a start ----
STARTS=("true|true" "timeout 10 true|timeout 10 true"
    "busybox-static timeout 10 true|$BB timeout 10 true")
[ -n "$BB_DYN" ] && STARTS+=("busybox (dynamic) timeout 10 true|$BB_DYN timeout 10 true")
STARTS+=("env true|env true" "/usr/bin/time true|/usr/bin/time true"
    "syskit run -- true (glibc)|$S run -- true")
[ "$HAVE_STATIC" = 1 ] && STARTS+=("syskit run -- true (static)|$T run -- true")
START=()
for e in "${STARTS[@]}"; do
	START+=(-n "${e%%|*}" "${e#*|}")
done
say "start cost: hyperfine, $RUNS runs each"
hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$OUT/run-start.json" \
    "${START[@]}" >/dev/null 2>"$OUT/run-start.log" ||
    { tail -n 20 "$OUT/run-start.log"; die "hyperfine failed"; }

# The fork/exec timer: LOOP runs per command in ROUNDS rounds interleaved
# across the commands; the report takes the median over the rounds.
say "start cost: fork/exec timer, $LOOP runs in $ROUNDS rounds"
: >"$OUT/run-loop.tsv"
forkexec_rounds "$OUT/run-loop.tsv" "$ROUNDS" $(( (LOOP + ROUNDS - 1) / ROUNDS )) "${STARTS[@]}"

# the whole tree's CPU: forkexec -t reaps every process a run started,
# BusyBox's orphaned watcher too (it exits up to a second after the command)
say "whole tree: forkexec -t, $TREE_ROUNDS rounds of $TREE_PER runs"
TREE=("timeout 10 true|timeout 10 true" "busybox-static timeout 10 true|$BB timeout 10 true"
    "syskit run -- true (glibc)|$S run -- true")
[ "$HAVE_STATIC" = 1 ] && TREE+=("syskit run -- true (static)|$T run -- true"
    "syskit timeout 10 true (static)|$T timeout 10 true")
: >"$OUT/run-tree.tsv"
for r in $(seq "$TREE_ROUNDS"); do
	for e in "${TREE[@]}"; do
		# shellcheck disable=SC2086
		line=$("$FORKEXEC" -t "$TREE_PER" ${e#*|}) || die "forkexec -t fails: ${e#*|}"
		printf '%s\t%s\t%s\n' "${e%%|*}" "$r" "$line" >>"$OUT/run-tree.tsv"
	done
done

# ---- 2. throughput ----
say "throughput: $SIZE through each, $TRUNS runs (sync before each)"
THRU=(-n "cat >/dev/null" "head -c $SIZE /dev/zero | cat >/dev/null"
    -n "cat >file" "head -c $SIZE /dev/zero | cat >$TMP/cat.out"
    -n "cat >file; rm file" "head -c $SIZE /dev/zero | cat >$TMP/catrm.out; rm $TMP/catrm.out"
    -n "tee file >/dev/null" "head -c $SIZE /dev/zero | tee $TMP/tee.out >/dev/null"
    -n "syskit run --capture" "TMPDIR=$TMP $S run --capture -- head -c $SIZE /dev/zero"
    -n "syskit run --tee file >/dev/null" "$S run --tee $TMP/run.tee -- head -c $SIZE /dev/zero >/dev/null")
hyperfine --shell=bash --warmup 1 --runs "$TRUNS" --prepare "sync; rm -f $TMP/*.out $TMP/run.tee; sync" \
    --export-json "$OUT/run-thru.json" "${THRU[@]}" >/dev/null 2>"$OUT/run-thru.log" ||
    { tail -n 20 "$OUT/run-thru.log"; die "hyperfine failed"; }

# the same three for CPU alone, one run at a time in rounds interleaved
# across them (a run's CPU swings by a fifth here with the page cache's
# state; a median over rounds is steadier than hyperfine's mean of five)
# (CAP_SIZE, smaller than SIZE: more rounds in the same time, and a
# round's three runs close enough together to share the machine's state)
say "capture CPU: $CAP_ROUNDS rounds of $CAP_SIZE, interleaved"
CAPS=("cat >file|head -c $CAP_SIZE /dev/zero | cat >$TMP/cat.out"
    "cat >file; rm file|head -c $CAP_SIZE /dev/zero | cat >$TMP/catrm.out; rm $TMP/catrm.out"
    "syskit run --capture|TMPDIR=$TMP $S run --capture -- head -c $CAP_SIZE /dev/zero")
: >"$OUT/run-cap.tsv"
for r in $(seq "$CAP_ROUNDS"); do
	for e in "${CAPS[@]}"; do
		sync; rm -f "$TMP"/*.out; sync
		line=$("$FORKEXEC" 1 bash -c "${e#*|}") || die "fails: ${e#*|}"
		printf '%s\t%s\t%s\n' "${e%%|*}" "$r" "$line" >>"$OUT/run-cap.tsv"
	done
done
rm -f "$TMP"/*.out

# ---- 3. timestamps ----
say "timestamps: $TS_LINES lines, $TS_RUNS runs"
TSG=(-n "syskit run --timestamps (glibc)" "$S run --timestamps -- seq $TS_LINES >/dev/null")
[ "$HAVE_STATIC" = 1 ] &&
    TSG+=(-n "syskit run --timestamps (static)" "$T run --timestamps -- seq $TS_LINES >/dev/null")
TSG+=(-n "busybox-static ts" "seq $TS_LINES | $BB ts >/dev/null")
TSG+=(-n "seq alone" "seq $TS_LINES >/dev/null")
hyperfine --shell=bash --warmup 1 --runs "$TS_RUNS" --export-json "$OUT/run-ts.json" \
    "${TSG[@]}" >/dev/null 2>"$OUT/run-ts.log" ||
    { tail -n 20 "$OUT/run-ts.log"; die "hyperfine failed"; }
rm -f "$OUT/run-mu.json"
if grep -q '^moreutils=' "$OUT/run-meta.env"; then
	hyperfine --shell=bash --runs "$MU_RUNS" --export-json "$OUT/run-mu.json" \
	    -n "moreutils ts" "seq $TS_LINES | ts >/dev/null" >/dev/null 2>"$OUT/run-mu.log" ||
	    { tail -n 20 "$OUT/run-mu.log"; die "hyperfine failed"; }
fi

# ---- 4. peak RSS ----
say "peak RSS: $RSS_RUNS runs each"
: >"$OUT/run-rss.tsv"
rss_of "$OUT/run-rss.tsv" "$RSS_RUNS" "${STARTS[@]}"
rss_sh "$OUT/run-rss.tsv" "$RSS_RUNS" "syskit run --timestamps (glibc)" "\$TIME $S run --timestamps -- seq $TS_LINES"
[ "$HAVE_STATIC" = 1 ] &&
    rss_sh "$OUT/run-rss.tsv" "$RSS_RUNS" "syskit run --timestamps (static)" "\$TIME $T run --timestamps -- seq $TS_LINES"
rss_sh "$OUT/run-rss.tsv" "$RSS_RUNS" "busybox-static ts" "seq $TS_LINES | \$TIME $BB ts"
rss_sh "$OUT/run-rss.tsv" "$RSS_RUNS" "seq alone" "\$TIME seq $TS_LINES"
rss_sh "$OUT/run-rss.tsv" 3 "cat >file" "head -c $SIZE /dev/zero | \$TIME cat >$TMP/cat.out; rm $TMP/cat.out"
rss_sh "$OUT/run-rss.tsv" 3 "syskit run --capture" "TMPDIR=$TMP \$TIME $S run --capture -- head -c $SIZE /dev/zero"
rss_sh "$OUT/run-rss.tsv" 3 "head -c $SIZE /dev/zero" "\$TIME head -c $SIZE /dev/zero"

# ---- 5. where the capture's time goes ----
# one traced run each, the tool's own system calls with their times
# (strace -T; strace's overhead is in both alike): syskit's pipe reads,
# spill writes and the close of the spill; cat's reads, writes and close,
# and the rm that frees cat's file
if command -v strace >/dev/null; then
	say "capture under strace -T"
	sync
	TMPDIR=$TMP strace -qq -T -e trace=read,write,close -o "$OUT/run-cap.trace" \
	    $S run --capture -- head -c $SIZE /dev/zero >/dev/null 2>&1 || true
	sync
	head -c $SIZE /dev/zero | strace -qq -T -e trace=read,write,close \
	    -o "$OUT/run-cat.trace" cat >"$TMP/cat.out" || true
	sync
	strace -qq -T -e trace=unlink,unlinkat -o "$OUT/run-rm.trace" rm -f "$TMP/cat.out" || true
else
	rm -f "$OUT/run-cap.trace" "$OUT/run-cat.trace" "$OUT/run-rm.trace"
fi

fi	# REPORT_ONLY

# ---- the report ----
cat >"$OUT/run-report.py" <<'EOF'
import json, math, os, re, statistics, sys

out = sys.argv[1]
meta = dict(l.rstrip("\n").split("=", 1) for l in open(os.path.join(out, "run-meta.env")) if "=" in l)
start = {r["command"]: r for r in json.load(open(os.path.join(out, "run-start.json")))["results"]}
thru = {r["command"]: r for r in json.load(open(os.path.join(out, "run-thru.json")))["results"]}
rss = {}
if os.path.exists(os.path.join(out, "run-rss.tsv")):
    for line in open(os.path.join(out, "run-rss.tsv")):
        k, v = line.rstrip("\n").split("\t")
        rss[k] = int(v)
def kib(n):
    return str(rss[n]) if n in rss else ""
loop = {}
for line in open(os.path.join(out, "run-loop.tsv")):
    name, _, n, wall, _, _ = line.rstrip("\n").split("\t")
    loop.setdefault(name, []).append(int(wall) / int(n))
# the whole tree's CPU per run (forkexec -t), the median over the rounds
tree = {}
if os.path.exists(os.path.join(out, "run-tree.tsv")):
    for line in open(os.path.join(out, "run-tree.tsv")):
        name, _, n, _, u, s_ = line.rstrip("\n").split("\t")
        tree.setdefault(name, []).append((int(u) + int(s_)) / int(n) / 1e6)
def tmed(n):
    return statistics.median(tree[n]) if n in tree else None
def load_note(meta):
    """A sentence when the machine was busy before the run, else None."""
    la = meta.get("loadavg_before", "").split()
    if not la or float(la[0]) <= float(meta["nproc"]):
        return None
    return ("**A loaded machine:** the load average before the run was %s on %s CPUs, so other work "
            "shared the CPUs while this ran; the σ show how much. Prefer the medians and the *loop* figures, and compare ratios from one run only."
            % (la[0], meta["nproc"]))

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
     meta["kernel"], meta["loadavg_before"], meta["tmpfs"]))
w("syskit %s (snapshots of build/syskit and build/static/syskit); hyperfine %s, %s, %s; %s%s. "
  "Regenerate with `bench/run.sh` (%s)."
  % (meta["commit"], meta["hyperfine"], meta["coreutils"], meta["time"], meta["busybox"],
     ("; second reference " + meta["busybox_dyn"]) if "busybox_dyn" in meta else
     "; no dynamic BusyBox on this machine", meta["runs"]))
if load_note(meta):
    w("")
    w(load_note(meta))
w("")
w("Method. Start cost: hyperfine `-N` (no shell), mean ± σ and median of wall "
  "time, CPU = user + system of the child; ratios are of the means with the "
  "propagated σ. *loop*: bench/forkexec.c (fork, execvp, waitpid in a C "
  "loop), the median over %s interleaved rounds of the mean per run (no hyperfine in it). "
  "Throughput: hyperfine through bash, `sync` before every run, %s of "
  "/dev/zero; MiB/s = size / mean wall." % (meta["runs"].split("ROUNDS=")[1], size))
w("")
w("### Starting a command")
w("")
w("| command | wall ms, mean ± σ | median | CPU ms | loop ms | added wall vs `true` (loop) | peak RSS KiB |")
w("|---|---:|---:|---:|---:|---:|---:|")
t_true = start["true"]["mean"]
for n, r in start.items():
    lm = lmed(n)
    add = "" if n == "true" else "%+.3f (%+.3f)" % ((r["mean"] - t_true) * 1000,
                                                 ((lm - lmed("true")) * 1000) if lm else float("nan"))
    w("| `%s` | %s ± %s | %s | %s | %s | %s | %s |" % (n, ms(r["mean"]), ms(r["stddev"] or 0),
                                                 ms(r["median"]), ms(cpu(r)),
                                                 ms(lm) if lm else "", add, kib(n)))
w("")
goals = []
to = start["timeout 10 true"]
BBS = "busybox-static timeout 10 true"
BBD = "busybox (dynamic) timeout 10 true"
bb = start[BBS]
w("| syskit | / timeout (wall) | median | loop | / timeout (CPU) | / busybox-static timeout (CPU) | / busybox-static timeout (loop) |%s / env (wall) | / /usr/bin/time (wall) |"
  % (" / busybox (dynamic) timeout (CPU) |" if BBD in start else ""))
w("|---|---:|---:|---:|---:|---:|---:|%s---:|---:|" % ("---:|" if BBD in start else ""))
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
    qb = cpu(r) / cpu(bb)
    qbl = lmed(n) / lmed(BBS)
    qd = (" %.2f |" % (cpu(r) / cpu(start[BBD]))) if BBD in start else ""
    w("| %s | %.2f ± %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%s %.2f | %.2f |"
      % (n, q, s, qm, ql, qc, qb, qbl, qd, qe, qt))
    # the verdict against BusyBox by the whole tree's CPU where it was
    # measured: hyperfine's leaves out BusyBox's watcher
    qv = tmed(n) / tmed(BBS) if tmed(n) and tmed(BBS) else qb
    how = ("%.2f× by the whole tree's CPU (forkexec -t); %.2f× by hyperfine's CPU, which leaves out "
           "BusyBox's watcher" % (qv, qb)) if qv is not qb else "%.2f×" % qb
    if n.endswith("(static)"):
        goals.append(("`%s` uses less CPU than `%s`" % (n, BBS), "%s (loop wall %.2f×); peak RSS %s / %s KiB" % (how, qbl, kib(n), kib(BBS)),
                      "**met**" if qv < 1 else "**missed**"))
    else:
        goals.append(("`%s` ≤ 1.2× the CPU of `%s`" % (n, BBS), "%s (loop wall %.2f×); peak RSS %s / %s KiB" % (how, qbl, kib(n), kib(BBS)),
                      "**met**" if qv <= 1.2 else "**missed**"))
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
w("BusyBox's timeout execs the command in its own process and leaves a "
  "watcher (a grandchild, reparented to init) that wakes once a second until "
  "the command is gone; the watcher's CPU is in none of the figures above "
  "(hyperfine and the loop wait for their child alone), and "
  "its start is in the wall time only as far as it overlaps. The "
  "busybox-static rows are %s; BusyBox rows name their build everywhere in "
  "this file. The peak RSS is the largest of the process and the `true` it "
  "waited for (`/usr/bin/time %%M`, the median of %s runs)." % (meta["busybox"], meta["runs"].split("RSS_RUNS=")[1].split()[0]))
w("")
if tree and tmed(BBS):
    w("The whole tree's CPU: bench/forkexec.c with -t, a child subreaper that ends each run only when every "
      "process the command started has been reaped, BusyBox's watcher too (it exits up to a second after "
      "the command); the median over %d rounds of the mean per run. The verdicts against busybox-static "
      "below use this figure. Compare within its column: it counts forkexec's own child before the exec too, "
      "so every command's figure is above hyperfine's, the coreutils timeout's by %.3f ms, which leaves "
      "nothing behind; BusyBox's by %.3f ms." % (len(tree[BBS]),
      tmed("timeout 10 true") * 1000 - cpu(start["timeout 10 true"]) * 1000,
      tmed(BBS) * 1000 - cpu(start[BBS]) * 1000))
    w("")
    w("| command | CPU ms per run, whole tree | hyperfine CPU ms (the waited-for processes) | / busybox-static timeout (whole tree) |")
    w("|---|---:|---:|---:|")
    for n in tree:
        w("| `%s` | %.3f | %s | %.2f |" % (n, tmed(n) * 1000, ms(cpu(start[n])) if n in start else "",
                                          tmed(n) / tmed(BBS)))
    w("")
    n = "syskit timeout 10 true (static)"
    if tmed(n):
        goals.append(("`%s` (the compat applet, compat.sh's job) uses less CPU than `%s`, whole tree" % (n, BBS),
                      "%.2f×" % (tmed(n) / tmed(BBS)), "**met**" if tmed(n) < tmed(BBS) else "**missed**"))
w("### Throughput (%s through a pipe)" % size)
w("")
CRM = "cat >file; rm file"
w("| command | wall s, mean ± σ | MiB/s | / `cat >/dev/null` | / `cat >file` | / `tee file` | CPU s | CPU / `cat >file` CPU | CPU / `cat >file; rm file` CPU | peak RSS KiB |")
w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
c0 = thru["cat >/dev/null"]["mean"]
c1 = thru["cat >file"]["mean"]
t1 = thru["tee file >/dev/null"]["mean"]
cc1 = cpu(thru["cat >file"])
for n, r in thru.items():
    w("| `%s` | %.3f ± %.3f | %.0f | %.2f | %.2f | %.2f | %.3f | %.2f | %.2f | %s |" % (
        n, r["mean"], r["stddev"] or 0, nbytes / r["mean"] / (1 << 20),
        c0 / r["mean"], c1 / r["mean"], t1 / r["mean"], cpu(r), cpu(r) / cc1,
        cpu(r) / cpu(thru[CRM]), kib(n)))
w("")
w("(Throughput ratios are of speed: above 1 is faster than the peer; the CPU ratio is of "
  "user + system time, the producer `head` included in both, and below 1 is cheaper. "
  "Peak RSS: of `cat` alone, and of `syskit run` with the `head` it waited for (`head` alone: %s KiB); "
  "the other rows have none.)" % kib("head -c %s /dev/zero" % size))
w("")
w("The capture's spill is an unlinked temp file (O_TMPFILE): when syskit closes it, the kernel "
  "frees its pages and blocks, and that system time is syskit's. `cat >file` leaves its file behind "
  "(the `rm` before the next run is not timed); `cat >file; rm file` pays for the removal as the "
  "capture does, so it is the like-for-like peer of the two.")
w("")
# the capture's CPU by the interleaved rounds (run-cap.tsv), when measured:
# per name, per round, the CPU of the whole pipeline
capr = {}
if os.path.exists(os.path.join(out, "run-cap.tsv")):
    for line in open(os.path.join(out, "run-cap.tsv")):
        name, rnd, n, _, u, s_ = line.rstrip("\n").split("\t")
        capr.setdefault(name, {})[rnd] = (int(u) + int(s_)) / int(n) / 1e6
cm = lambda n: statistics.median(capr[n].values())
# the median over rounds of a per-round figure f(cpu of each name)
pm = lambda f: statistics.median(f({k: v[r] for k, v in capr.items()}) for r in capr[CRM])
CAP = "syskit run --capture"
csize = meta.get("cap_size", size)
if capr:
    rel = pm(lambda c: c[CRM] - c["cat >file"])
    w("The capture's CPU by rounds: `cat >file`, `cat >file; rm file` and `syskit run --capture` of %s "
      "each run once a round, %d rounds interleaved, the page cache synced and emptied of the files "
      "before each; the CPU of the whole pipeline (bench/forkexec.c), medians over the rounds: %s. "
      "A single run's CPU ranges from %.3f to %.3f s for `cat >file` alone, so each pair is compared "
      "within its round and the goals below take the median of those per-round ratios: the capture "
      "takes %.2f× the CPU of `cat >file` and %.2f× that of `cat >file; rm file` (ratios of the "
      "medians: %.2f× and %.2f×; hyperfine's means of %s above: %.2f× and %.2f×)."
      % (csize, len(capr[CAP]), ", ".join("`%s` %.3f s" % (n, cm(n)) for n in ("cat >file", CRM, CAP)),
         min(capr["cat >file"].values()), max(capr["cat >file"].values()),
         pm(lambda c: c[CAP] / c["cat >file"]), pm(lambda c: c[CAP] / c[CRM]),
         cm(CAP) / cm("cat >file"), cm(CAP) / cm(CRM), size,
         cpu(thru[CAP]) / cc1, cpu(thru[CAP]) / cpu(thru[CRM])))
    w("")
    w("The spill is a temp file, so the capture frees it before it exits, and `cat >file` leaves that "
      "to whoever removes its file later. What the removal costs, from the same rounds: `cat >file; rm file` "
      "less `cat >file`, %.3f s (median over the rounds), %.0f%% of `cat >file`. The capture less that "
      "much takes %.2f× the CPU of `cat >file` (median over the rounds)."
      % (rel, 100 * pm(lambda c: (c[CRM] - c["cat >file"]) / c["cat >file"]),
         pm(lambda c: (c[CAP] - (c[CRM] - c["cat >file"])) / c["cat >file"])))
    w("")
    qc, qr = pm(lambda c: c[CAP] / c["cat >file"]), pm(lambda c: c[CAP] / c[CRM])
    qa = pm(lambda c: (c[CAP] - (c[CRM] - c["cat >file"])) / c["cat >file"])
    how = " (%s; the median of %d per-round ratios; less the removal `cat >file` leaves undone: %.2f×)" % (
        csize, len(capr[CAP]), qa)
    how2 = " (%s; the median of %d per-round ratios)" % (csize, len(capr[CAP]))
else:
    qc, qr = cpu(thru[CAP]) / cc1, cpu(thru[CAP]) / cpu(thru[CRM])
    how = how2 = ""
gsize = csize if capr else size
gbytes = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(gsize[-1], 1) * float(gsize.rstrip("KMG"))
what = ("past the 16M held in memory by default, the rest in a file" if gbytes > 16 * (1 << 20)
        else "all of it held in memory: under the default --capture-limit")
goals.append(("`syskit run --capture` of %s (%s) ≤ 1.1× the CPU of `cat >file`" % (gsize, what),
              "%.2f×%s" % (qc, how), "**met**" if qc <= 1.1 else "**missed**"))
goals.append(("`syskit run --capture` of %s ≤ 1.1× the CPU of `cat >file; rm file`" % gsize,
              "%.2f×%s" % (qr, how2), "**met**" if qr <= 1.1 else "**missed**"))
for n, peers in (("syskit run --capture", (("cat >/dev/null", c0), ("cat >file", c1))),
                 ("syskit run --tee file >/dev/null", (("cat >/dev/null", c0), ("tee file >/dev/null", t1)))):
    for p, pt in peers:
        q = pt / thru[n]["mean"]
        goals.append(("`%s` ≥ 90%% of `%s`'s throughput" % (n, p), "%.0f%%" % (q * 100),
                      "**met**" if q >= 0.9 else "**missed**"))
tsr = {r["command"]: r for r in json.load(open(os.path.join(out, "run-ts.json")))["results"]}
if os.path.exists(os.path.join(out, "run-mu.json")):
    for r in json.load(open(os.path.join(out, "run-mu.json")))["results"]:
        tsr[r["command"]] = r
w("### Timestamps (%s lines of `seq`)" % meta["ts_lines"])
w("")
w("hyperfine through bash, %s runs (moreutils ts: %s, in a group of its own); CPU = user + system of the whole pipeline (seq included: "
  "the row *seq alone* is seq by itself). syskit writes ISO 8601 UTC with microseconds; both ts write "
  "their default `%%b %%d %%H:%%M:%%S`. Peak RSS: of syskit run with the seq it waited for, of ts alone, of seq alone."
  % (meta["runs"].split("TS_RUNS=")[1].split()[0], meta["runs"].split("MU_RUNS=")[1].split()[0]))
w("")
w("| command | wall s, median | CPU s | CPU minus seq s | peak RSS KiB |")
w("|---|---:|---:|---:|---:|")
seq_cpu = cpu(tsr["seq alone"])
for n, r in tsr.items():
    w("| `%s` | %.3f | %.3f | %s | %s |" % (n, r["median"], cpu(r),
                                       "" if n == "seq alone" else "%.3f" % (cpu(r) - seq_cpu), kib(n)))
w("")
TG, TSS, BTS = "syskit run --timestamps (glibc)", "syskit run --timestamps (static)", "busybox-static ts"
if TSS in tsr:
    q = cpu(tsr[TSS]) / cpu(tsr[TG])
    qo = (cpu(tsr[TSS]) - seq_cpu) / (cpu(tsr[TG]) - seq_cpu)
    goals.append(("`%s` ≤ 1.2× the CPU of the glibc build" % TSS,
                  "%.2f× (syskit's own, seq's CPU taken off both: %.2f×)" % (q, qo),
                  "**met**" if q <= 1.2 else "**missed**"))
    q = cpu(tsr[TSS]) / cpu(tsr[BTS])
    goals.append(("`%s` uses less CPU than `%s`" % (TSS, BTS), "%.2f×" % q,
                  "**met**" if q < 1 else "**missed**"))
q = cpu(tsr[TG]) / cpu(tsr[BTS])
goals.append(("`%s` ≤ 1.2× the CPU of `%s`" % (TG, BTS), "%.2f×" % q,
              "**met**" if q <= 1.2 else "**missed**"))
if "moreutils ts" in tsr:
    q = cpu(tsr[TG]) / cpu(tsr["moreutils ts"])
    goals.append(("`%s` against `moreutils ts` (CPU)" % TG, "%.2f×" % q,
                  "**met**" if q < 1 else "**missed**"))
w("### Goals")
w("")
w("| goal | measured | verdict |")
w("|---|---|---|")
for g, m, v in goals:
    w("| %s | %s | %s |" % (g, m, v))
w("")
# where the capture's time goes: the traced runs of step 5
def trace(name):
    path = os.path.join(out, name)
    calls = {}
    if not os.path.exists(path):
        return None
    for line in open(path):
        m = re.match(r"^(\w+)\((\d+)?.*\) += (-?\d+)(?: \w+)?.*<([0-9.]+)>$", line.strip())
        if m is None:
            continue
        sc, fd, ret, t = m.group(1), m.group(2), int(m.group(3)), float(m.group(4))
        if sc in ("read", "write") and ret < 4096:
            continue	# the data moves in large calls; not the signalfd's
        c = calls.setdefault(sc, {"n": 0, "t": 0.0, "bytes": 0, "max": 0.0})
        c["n"] += 1
        c["t"] += t
        c["bytes"] += max(ret, 0) if sc in ("read", "write") else 0
        c["max"] = max(c["max"], t)
    return calls
cap, cat, rmt = trace("run-cap.trace"), trace("run-cat.trace"), trace("run-rm.trace")
if cap and cat and "read" in cap and "read" in cat:
    def part(c, sc, what):
        if sc not in c:
            return "no %s" % what
        x = c[sc]
        return "%s %.3f s in %d calls (%.0f KiB a call)" % (what, x["t"], x["n"],
            x["bytes"] / max(x["n"], 1) / 1024)
    unl = 0.0
    if rmt:
        unl = sum(v["t"] for k, v in rmt.items() if k.startswith("unlink"))
    w("")
    w("Where the capture's time goes, from one run of each under `strace -T` (its own overhead "
      "in both; the system calls' wall time): syskit's %s, %s, and the longest close %.3f s "
      "(the spill's: the kernel frees its %s of pages and blocks there); cat's %s, %s, "
      "longest close %.3f s, and the `rm` of its file %.3f s afterwards."
      % (part(cap, "read", "pipe reads"), part(cap, "write", "spill writes"),
         cap.get("close", {"max": 0.0})["max"], size,
         part(cat, "read", "pipe reads"), part(cat, "write", "file writes"),
         cat.get("close", {"max": 0.0})["max"], unl))
w("")
w("The capture cannot be as fast as `cat >/dev/null`: beyond --capture-limit "
  "it writes the stream to a file, which is what `cat >file` does; "
  "that pair is the like-for-like one, and so is `tee file` for --tee.")
open(os.path.join(out, "run.md"), "w").write("\n".join(L) + "\n")
EOF
"$PY" "$OUT/run-report.py" "$OUT" || die "report failed"

splice_results run "$OUT/run.md"
cat "$OUT/run.md"
