#!/usr/bin/env bash
# bench/where.sh: where the CPU goes in the jobs syskit shares with
# busybox-static (start, nproc, free, timeout, mktemp -d, watch -n), in
# measures that do not move with the other load on the machine the way
# wall time does: perf stat's task-clock (the CPU time of the process tree)
# and page faults, in interleaved rounds; and strace -f -c's system calls.
# Then rewrite the where section of bench/RESULTS.md.
#
# Usage, from anywhere:  bench/where.sh
# Knobs: PER=100 ROUNDS=5 (perf stat -r PER, ROUNDS rounds interleaved across
# the commands; the figure is the median over the rounds), WDUR=3 (seconds
# of watch -n 0.02 under strace), NO_SPLICE=1.
# Output: build/bench/where/ (perf.tsv, strace.tsv, where.md).
set -euo pipefail

PER=${PER:-100}
ROUNDS=${ROUNDS:-5}
WDUR=${WDUR:-3}

cd "$(dirname "$0")/.." || exit 1
. bench/common.sh
OUT=build/bench/where
mkdir -p "$OUT"
need perf linux-perf
need strace strace
[ -x "$PY" ] || need python3 python3

bench_snapshot "$OUT"
bench_busybox
[ "$HAVE_STATIC" = 1 ] || die "no static build (build/musl missing)"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/syskit-bench-where.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
FLOOR=$OUT/floor
bench_cc "$FLOOR" bench/floor.c

# the pairs: "job|name|command"
E=(
    "start|floor glibc (an empty main)|$FLOOR"
    "start|glibc syskit --list|$S --list"
    "start|static syskit --list|$T --list"
    "start|busybox-static true|$BB true"
    "nproc|glibc sysinfo cpu --effective|$S sysinfo cpu --effective"
    "nproc|static sysinfo cpu --effective|$T sysinfo cpu --effective"
    "nproc|busybox-static nproc|$BB nproc"
    "free|glibc sysinfo mem|$S sysinfo mem"
    "free|static sysinfo mem|$T sysinfo mem"
    "free|busybox-static free -b|$BB free -b"
    "timeout|/usr/bin/true alone|/usr/bin/true"
    "timeout|glibc syskit run -- /usr/bin/true|$S run -- /usr/bin/true"
    "timeout|static syskit run -- /usr/bin/true|$T run -- /usr/bin/true"
    "timeout|busybox-static timeout 10 /usr/bin/true|$BB timeout 10 /usr/bin/true"
    "mktemp|glibc syskit tempdir|$S tempdir -p $TMP"
    "mktemp|static syskit tempdir|$T tempdir -p $TMP"
    "mktemp|busybox-static mktemp -d|$BB mktemp -d -p $TMP"
)

for e in "${E[@]}"; do
	name=${e#*|}
	printf '%s\t%s\n' "${e%%|*}" "${name%%|*}"
done >"$OUT/jobs.tsv"

# perf stat -x, CSV: value,unit,event,...
: >"$OUT/perf.tsv"
say "perf stat: $ROUNDS rounds of $PER runs of each"
for r in $(seq "$ROUNDS"); do
	for e in "${E[@]}"; do
		name=${e#*|}
		name=${name%%|*}
		# shellcheck disable=SC2086
		perf stat -x, -r "$PER" -e task-clock,page-faults ${e##*|} \
		    >/dev/null 2>"$OUT/perf.one" || die "perf stat fails: ${e##*|}"
		awk -F, -v n="$name" -v r="$r" '
		    $3 == "task-clock" { t = $1 } $3 == "page-faults" { f = $1 }
		    END { printf "%s\t%s\t%s\t%s\n", n, r, t, f }' "$OUT/perf.one" >>"$OUT/perf.tsv"
	done
	rm -rf "${TMP:?}"/*
done

# strace -f -c: calls and the most frequent, of the whole tree
: >"$OUT/strace.tsv"
say "strace -f -c"
for e in "${E[@]}"; do
	name=${e#*|}
	name=${name%%|*}
	# shellcheck disable=SC2086
	strace -f -c -S calls -o "$OUT/strace.out" ${e##*|} >/dev/null 2>&1 || die "strace fails: ${e##*|}"
	awk -v n="$name" '
	    $NF == "total" { calls = $4 }	# %, seconds, usecs/call, calls
	    /^ *[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9]+/ && $NF != "total" && k < 6 {
		top = top (k ? ", " : "") $NF " " $4; k++ }
	    END { printf "%s\t%s\t%s\n", n, calls, top }' "$OUT/strace.out" >>"$OUT/strace.tsv"
done
rm -rf "${TMP:?}"/*

# watch -n 0.02 for WDUR seconds under strace (timeout in the trace too, so
# that strace ends with the watcher): system calls per run of the command,
# of the watcher alone (not the sh it runs)
say "watch -n: ${WDUR}s each under strace"
: >"$OUT/watch.tsv"
for w in "glibc syskit watch -n|$S watch -n 0.02 -- /bin/sh -c" \
    "static syskit watch -n|$T watch -n 0.02 -- /bin/sh -c" \
    "busybox-static watch -n|$BB watch -n 0.02 -t"; do
	rm -f "$TMP/w.out"
	# shellcheck disable=SC2086
	strace -f -o "$OUT/watch.trace" timeout "$WDUR" ${w#*|} "echo x >>$TMP/w.out" \
	    >/dev/null 2>&1 || true
	n=$(wc -l <"$TMP/w.out")
	# the watcher is the first pid; its lines up to each fork are its own
	# name, runs, system call, count (a call strace split in two counts
	# once); the watcher is the second process in the trace, timeout's child
	awk -v name="${w%%|*}" -v n="$n" '
	    !($1 in seen) { seen[$1] = 1; if (++np == 2) me = $1 }
	    $1 == me && $2 ~ /^[a-z_0-9]+\(/ { split($2, a, "("); s[a[1]]++ }
	    END { for (k in s) printf "%s\t%d\t%s\t%d\n", name, n, k, s[k] }' \
	    "$OUT/watch.trace" >>"$OUT/watch.tsv"
	rm -f "$OUT/watch.trace"
done

{
	bench_meta
	echo "busybox=$BB_VERSION (busybox-static, $BB)"
	echo "perf=$(perf --version)"
	echo "strace=$(strace -V | head -n 1)"
	echo "runs=PER=$PER ROUNDS=$ROUNDS WDUR=$WDUR"
} >"$OUT/meta.env"

"$PY" - "$OUT" >"$OUT/where.md" <<'PYEOF'
import os, statistics, sys
out = sys.argv[1]
meta = dict(l.rstrip("\n").split("=", 1) for l in open(os.path.join(out, "meta.env")) if "=" in l)
t, f = {}, {}
order = []
for l in open(os.path.join(out, "perf.tsv")):
    n, r, tc, pf = l.rstrip("\n").split("\t")
    if n not in t:
        order.append(n)
    t.setdefault(n, []).append(float(tc))
    f.setdefault(n, []).append(float(pf))
st = {}
for l in open(os.path.join(out, "strace.tsv")):
    n, c, top = l.rstrip("\n").split("\t")
    st[n] = (c, top)
T = {n: statistics.median(v) for n, v in t.items()}
F = {n: statistics.median(v) for n, v in f.items()}
p = print
p("Measured %s on %s CPUs (%s), kernel %s; load average %s before. syskit %s; %s; %s; %s. "
  "Regenerate with `bench/where.sh` (%s)." % (meta["date"], meta["nproc"], meta["cpu"], meta["kernel"],
  meta["loadavg_before"], meta["commit"], meta["busybox"], meta["perf"], meta["strace"], meta["runs"]))
p("")
p("CPU: `perf stat -r PER -e task-clock` (the CPU time of the whole process tree, "
  "user + system, per run), in ROUNDS rounds interleaved across the commands, the median over the "
  "rounds; page faults likewise. System calls: `strace -f -c`, one run, the whole tree. This "
  "machine's perf has no hardware counters (no instruction counts).")
p("")
p("| job | command | CPU ms | / busybox-static | page faults | syscalls | most frequent |")
p("|---|---|---:|---:|---:|---:|---|")
bbof = {}
job_of = {}
for line in open(os.path.join(out, "jobs.tsv")):
    j, n = line.rstrip("\n").split("\t")
    job_of[n] = j
for n in order:
    if n.startswith("busybox-static"):
        bbof[job_of[n]] = n
for n in order:
    b = bbof.get(job_of[n])
    q = "%.2f" % (T[n] / T[b]) if b and b != n else ""
    c, top = st.get(n, ("", ""))
    p("| %s | `%s` | %.3f | %s | %.0f | %s | %s |" % (job_of[n], n, T[n], q, F[n], c, top))
p("")
goals = []
for n in order:
    b = bbof.get(job_of[n])
    if not b or b == n or not (n.startswith("glibc") or n.startswith("static")):
        continue
    q = T[n] / T[b]
    if n.startswith("static"):
        goals.append((n, b, q, "< 1", q < 1))
    else:
        goals.append((n, b, q, "≤ 1.2", q <= 1.2))
fl, bt = "floor glibc (an empty main)", "busybox-static true"
p("| goal (CPU, perf stat) | syskit / busybox-static | verdict |")
p("|---|---:|---|")
for n, b, q, g, ok in goals:
    p("| `%s` %s × `%s` | %.2f | %s |" % (n, g, b, q, "met" if ok else "missed"))
p("")
if fl in T and bt in T:
    room = 1.2 * T[bt] - T[fl]
    p("The floor of any dynamically linked glibc program: an empty `main` takes %.3f ms of CPU, "
      "%.2f× `%s`'s %.3f ms, in %.0f page faults against %.0f: the exec of a dynamic binary, the "
      "loader mapping and relocating libc.so.6, and the larger teardown. %s "
      "`glibc syskit --list` takes %+.3f ms against the floor, in %+.0f page faults."
      % (T[fl], T[fl] / T[bt], bt, T[bt], F[fl], F[bt],
         ("So a glibc build's 1.2× leaves %.3f ms for all of syskit's own work above that floor." % room)
         if room > 0 else "The floor alone is above 1.2×: no glibc build can meet that goal.",
         T["glibc syskit --list"] - T[fl], F["glibc syskit --list"] - F[fl]))
    p("")
ta = "/usr/bin/true alone"
if ta in T:
    p("`timeout` rows: the command is `/usr/bin/true` (dynamic glibc: %.3f ms of CPU alone, in the "
      "figures of both). BusyBox's timeout execs the command in its own process and forks a watcher "
      "that is reparented to init, outside the measured tree; syskit run forks the command and waits "
      "for it, with its signals on a signalfd and the child's on a pidfd in an epoll loop (the system "
      "calls above)." % T[ta])
    p("")
wt = {}
for l in open(os.path.join(out, "watch.tsv")):
    n, runs, sc, c = l.rstrip("\n").split("\t")
    wt.setdefault(n, [int(runs), {}])[1][sc] = int(c)
p("`watch -n 0.02` for %s s under strace: system calls of the watcher alone per run of its "
  "command (the sh it runs is not counted):" % meta["runs"].split("WDUR=")[1])
p("")
p("| watcher | runs | syscalls per run | the most frequent, per run |")
p("|---|---:|---:|---|")
for n, (runs, sc) in wt.items():
    top = sorted(sc.items(), key=lambda kv: -kv[1])[:8]
    p("| %s | %d | %.1f | %s |" % (n, runs, sum(sc.values()) / max(runs, 1),
                                 ", ".join("%s %.1f" % (k, v / max(runs, 1)) for k, v in top)))
PYEOF
cat "$OUT/where.md"
splice_results where "$OUT/where.md"
