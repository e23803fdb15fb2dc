#!/usr/bin/env bash
# bench/sysinfo.sh: benchmark `syskit sysinfo` against the floor (an empty
# program built the same ways) and against its peers (psutil, free, nproc,
# busybox-static's nproc, free and true, a dynamic BusyBox's where there is
# one, ss), then rewrite the sysinfo section of bench/RESULTS.md.
#
# Usage, from anywhere (it works from the repo root):  bench/sysinfo.sh
#
# Environment knobs (defaults keep the whole run under ~5 minutes on a
# 2-core VM):
#   RUNS=1000       hyperfine runs for the fast commands (floor, syskit, free, nproc)
#   WARMUP=20       hyperfine warmup runs for the fast commands
#   SLOW_RUNS=50    hyperfine runs for the python/psutil commands
#   CONN_RUNS=150   hyperfine runs for the conn commands (thousands of sockets)
#   CONNS=5000      loopback TCP connections held open during the conn runs
#                   (2 sockets each: 10,000 sockets)
#   RSS_RUNS=5      runs per command for the peak RSS (/usr/bin/time %M, median)
#   LOOP=2000       fork+exec runs per command in the hyperfine-free loop
#   ROUNDS=20       the loop is split in ROUNDS interleaved rounds (drift control)
#   NO_SPLICE=1     write build/bench/sysinfo.md but leave bench/RESULTS.md alone
#
# Output, in build/bench/sysinfo/: *.json (hyperfine --export-json),
# loop.tsv (the fork/exec timer, bench/forkexec.c), strace.tsv, sysinfo.md
# (the report), spliced into bench/RESULTS.md between the sysinfo markers.
# The binaries timed are snapshots (build/bench/sysinfo/glibc, static).
set -euo pipefail

RUNS=${RUNS:-1000}
WARMUP=${WARMUP:-20}
SLOW_RUNS=${SLOW_RUNS:-50}
CONN_RUNS=${CONN_RUNS:-150}
CONNS=${CONNS:-5000}
RSS_RUNS=${RSS_RUNS:-5}
LOOP=${LOOP:-2000}
ROUNDS=${ROUNDS:-20}

cd "$(dirname "$0")/.." || exit 1
. bench/common.sh
if [ ! -f Makefile ] || [ ! -f applets/applets.h ]; then
	die "$PWD is not the syskit repo"
fi
OUT=build/bench/sysinfo
mkdir -p "$OUT"

# ---- tools ----
command -v hyperfine >/dev/null || apt_install hyperfine
if [ ! -x "$PY" ] || ! "$PY" -c 'import psutil' 2>/dev/null; then
	apt_install python3 python3-psutil
fi
command -v free >/dev/null || apt_install procps
command -v ss >/dev/null || apt_install iproute2
command -v musl-gcc >/dev/null || apt_install musl-tools
[ -x /usr/bin/time ] || apt_install time
HAVE_STRACE=1
command -v strace >/dev/null || HAVE_STRACE=0

# ---- build: syskit (glibc, musl static) as snapshots, the floors, the timer ----
bench_snapshot "$OUT"
bench_forkexec
bench_busybox

# The floor is compiled with the flags syskit's objects get (Makefile:
# -std=gnu11 CFLAGS=-O2 -g -D_GNU_SOURCE for glibc; -Os -static -s for musl).
say "building the floors"
bench_cc "$OUT/floor-glibc" bench/floor.c
# Same NEEDED entries as build/syskit (libbsd, libmd via libbsd, libm, libc):
# the dynamic loader maps and relocates the same libraries.
bench_cc "$OUT/floor-glibc-bsd" bench/floor.c -Wl,--no-as-needed -lbsd -lm
if [ "$HAVE_STATIC" = 1 ]; then
	musl-gcc -std=gnu11 -Os -D_GNU_SOURCE -static -s \
	    -o "$OUT/floor-musl" bench/floor.c
fi

# ---- the psutil equivalents ----
# The same sections `sysinfo --json` reports, through psutil, as one JSON
# document (default=str for the socket family enums of net_if_addrs).
cat >"$OUT/psutil_full.py" <<'EOF'
import json, psutil
b = psutil.sensors_battery()
d = {
    "cpu_count": psutil.cpu_count(),
    "cpu_count_physical": psutil.cpu_count(logical=False),
    "cpu_times": psutil.cpu_times()._asdict(),
    "cpu_times_percpu": [t._asdict() for t in psutil.cpu_times(percpu=True)],
    "cpu_stats": psutil.cpu_stats()._asdict(),
    "cpu_freq": (lambda f: f._asdict() if f else None)(psutil.cpu_freq()),
    "virtual_memory": psutil.virtual_memory()._asdict(),
    "swap_memory": psutil.swap_memory()._asdict(),
    "disk": [dict(p._asdict(), usage=psutil.disk_usage(p.mountpoint)._asdict())
             for p in psutil.disk_partitions()],
    "disk_io_counters": {k: v._asdict() for k, v in
                         (psutil.disk_io_counters(perdisk=True) or {}).items()},
    "net_io_counters": {k: v._asdict() for k, v in
                        psutil.net_io_counters(pernic=True).items()},
    "net_if_addrs": {k: [a._asdict() for a in v] for k, v in
                     psutil.net_if_addrs().items()},
    "net_if_stats": {k: v._asdict() for k, v in psutil.net_if_stats().items()},
    "sensors_temperatures": {k: [t._asdict() for t in v] for k, v in
                             psutil.sensors_temperatures().items()},
    "sensors_fans": {k: [t._asdict() for t in v] for k, v in
                     psutil.sensors_fans().items()},
    "sensors_battery": b._asdict() if b else None,
    "boot_time": psutil.boot_time(),
    "users": [u._asdict() for u in psutil.users()],
    "loadavg": psutil.getloadavg(),
}
print(json.dumps(d, indent=2, default=str))
EOF
"$PY" "$OUT/psutil_full.py" >/dev/null || die "the psutil script fails"

# Holds CONNS loopback TCP connections to itself (2*CONNS sockets, all on
# 127.0.0.1), writes "port sockets" to the ready file, then waits for SIGTERM.
cat >"$OUT/sockhold.py" <<'EOF'
import os, resource, signal, socket, sys
n, ready = int(sys.argv[1]), sys.argv[2]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
need = 2 * n + 64
if soft < need:
    resource.setrlimit(resource.RLIMIT_NOFILE,
                       (need if hard == resource.RLIM_INFINITY else min(need, hard), hard))
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.bind(("127.0.0.1", 0))
ls.listen(128)
port = ls.getsockname()[1]
held = []
for i in range(n):
    c = socket.create_connection(("127.0.0.1", port))
    a, _ = ls.accept()
    held += [c, a]
with open(ready + ".tmp", "w") as f:
    f.write("%d %d\n" % (port, len(held)))
os.rename(ready + ".tmp", ready)
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
while True:
    signal.pause()
EOF

HOLDER=
cleanup() {
	if [ -n "$HOLDER" ]; then
		kill "$HOLDER" 2>/dev/null || true
		wait "$HOLDER" 2>/dev/null || true
		HOLDER=
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_holder() {
	rm -f "$OUT/sockhold.ready"
	"$PY" "$OUT/sockhold.py" "$CONNS" "$OUT/sockhold.ready" &
	HOLDER=$!
	local _
	for _ in $(seq 300); do
		[ -s "$OUT/sockhold.ready" ] && return 0
		kill -0 "$HOLDER" 2>/dev/null || die "the socket holder died"
		sleep 0.1
	done
	die "the socket holder is not ready after 30s"
}

# ---- metadata ----
{
	bench_meta
	echo "python=$("$PY" -c 'import platform, psutil; print(platform.python_version(), "/ psutil", psutil.__version__)')"
	echo "cc=$(cc --version | head -n 1)"
	echo "free=$(free -V | head -n 1)"
	echo "ss=$(ss -V | head -n 1)"
	echo "busybox=$BB_VERSION (busybox-static, $BB)"
	[ -n "$BB_DYN" ] && echo "busybox_dyn=$BB_DYN_VERSION (dynamic, $BB_DYN)"
	echo "have_static=$HAVE_STATIC"
	echo "size_glibc=$(stat -c %s "$S")"
	[ "$HAVE_STATIC" = 1 ] && echo "size_static=$(stat -c %s "$T")"
	echo "conns=$CONNS"
	echo "runs=RUNS=$RUNS WARMUP=$WARMUP SLOW_RUNS=$SLOW_RUNS CONN_RUNS=$CONN_RUNS RSS_RUNS=$RSS_RUNS LOOP=$LOOP ROUNDS=$ROUNDS"
	echo "libs_glibc=$(LC_ALL=C ldd "$S" | awk '$1 !~ /^linux-vdso|^\/lib64/ { print $1 }' | tr '\n' ' ')"
	echo "loop=$LOOP"
	echo "rounds=$ROUNDS"
} >"$OUT/meta.env"

# ---- the commands, as "name|command" (the name is the report's key) ----
FLOORS=("floor glibc|$OUT/floor-glibc" "floor glibc+bsd|$OUT/floor-glibc-bsd")
[ "$HAVE_STATIC" = 1 ] && FLOORS+=("floor musl static|$OUT/floor-musl")

FULL=("${FLOORS[@]}" "glibc sysinfo --json|$S sysinfo --json")
[ "$HAVE_STATIC" = 1 ] && FULL+=("static sysinfo --json|$T sysinfo --json")

SMALL=("${FLOORS[@]}" "glibc sysinfo mem|$S sysinfo mem")
[ "$HAVE_STATIC" = 1 ] && SMALL+=("static sysinfo mem|$T sysinfo mem")
SMALL+=("free -b|/usr/bin/free -b" "busybox-static free -b|$BB free -b")
[ -n "$BB_DYN" ] && SMALL+=("busybox (dynamic) free -b|$BB_DYN free -b")
SMALL+=("glibc sysinfo cpu --effective|$S sysinfo cpu --effective")
[ "$HAVE_STATIC" = 1 ] && SMALL+=("static sysinfo cpu --effective|$T sysinfo cpu --effective")
SMALL+=("nproc|/usr/bin/nproc" "busybox-static nproc|$BB nproc")
[ -n "$BB_DYN" ] && SMALL+=("busybox (dynamic) nproc|$BB_DYN nproc")
# the start of the binary itself: syskit's cheapest job against BusyBox's
SMALL+=("glibc syskit --list|$S --list")
[ "$HAVE_STATIC" = 1 ] && SMALL+=("static syskit --list|$T --list")
SMALL+=("busybox-static true|$BB true")
[ -n "$BB_DYN" ] && SMALL+=("busybox (dynamic) true|$BB_DYN true")

CONN=("glibc sysinfo conn|$S sysinfo conn" "glibc sysinfo conn --kind tcp|$S sysinfo conn --kind tcp"
    "glibc sysinfo conn --pids|$S sysinfo conn --pids")
[ "$HAVE_STATIC" = 1 ] && CONN+=("static sysinfo conn|$T sysinfo conn" \
    "static sysinfo conn --kind tcp|$T sysinfo conn --kind tcp" \
    "static sysinfo conn --pids|$T sysinfo conn --pids")
CONN+=("ss -tuna|/usr/bin/ss -tuna" "ss -tan|/usr/bin/ss -tan" "ss -tunap|/usr/bin/ss -tunap")

# Every command must work before it is timed (hyperfine stops at a failure).
for e in "${FULL[@]}" "${SMALL[@]}" "${CONN[@]}"; do
	# shellcheck disable=SC2086
	${e#*|} >/dev/null || die "fails: ${e#*|}"
done


: >"$OUT/rss.tsv"
hf full "$RUNS" "$WARMUP" "${FULL[@]}"
hf full-psutil "$SLOW_RUNS" 3 "psutil (sysinfo --json equivalent)|$PY $OUT/psutil_full.py"
hf small "$RUNS" "$WARMUP" "${SMALL[@]}"
say "peak RSS: $RSS_RUNS runs each"
rss_of "$OUT/rss.tsv" "$RSS_RUNS" "${FULL[@]}" "${SMALL[@]:${#FLOORS[@]}}"

# ---- the fork/exec timer (no hyperfine): interleaved rounds ----
say "fork/exec timer: $LOOP runs per command in $ROUNDS rounds"
LOOPCMDS=("${FLOORS[@]}" "${FULL[@]:${#FLOORS[@]}}" "${SMALL[@]:${#FLOORS[@]}}")
: >"$OUT/loop.tsv"
forkexec_rounds "$OUT/loop.tsv" "$ROUNDS" $(( (LOOP + ROUNDS - 1) / ROUNDS )) "${LOOPCMDS[@]}"

# ---- conn, with CONNS loopback connections held open ----
say "opening $CONNS loopback TCP connections"
start_holder
echo "sockets_held=$(cut -d' ' -f2 "$OUT/sockhold.ready")" >>"$OUT/meta.env"
hf conn "$CONN_RUNS" 5 "${CONN[@]}"
rss_of "$OUT/rss.tsv" "$RSS_RUNS" "${CONN[@]}"
hf conn-psutil "$SLOW_RUNS" 3 \
    "psutil net_connections(inet)|$PY -c 'import psutil; psutil.net_connections(kind=\"inet\")'"

# ---- where the time goes: syscall counts (strace -c) ----
: >"$OUT/strace.tsv"
if [ "$HAVE_STRACE" = 1 ]; then
	say "strace -c"
	for e in "${FLOORS[@]}" "${FULL[@]:${#FLOORS[@]}}" \
	    "glibc sysinfo mem|$S sysinfo mem" \
	    "glibc sysinfo cpu --effective|$S sysinfo cpu --effective" \
	    "glibc sysinfo conn --pids|$S sysinfo conn --pids"; do
		# shellcheck disable=SC2086
		strace -f -c -S calls -o "$OUT/strace.out" ${e#*|} >/dev/null 2>&1 || continue
		awk -v name="${e%%|*}" '
		/^-+/ { next }
		$NF == "total" { total = $4; errs = (NF == 6) ? $5 : 0; next }
		$1 ~ /^[0-9.]+$/ && NF >= 5 {
			if (n < 6) { top = top (top == "" ? "" : ", ") $NF " " $4; n++ }
			if ($NF == "openat" || $NF == "open") opens += $4
		}
		END { printf "%s\t%d\t%d\t%d\t%s\n", name, total, errs, opens, top }
		' "$OUT/strace.out" >>"$OUT/strace.tsv"
	done
	rm -f "$OUT/strace.out"
fi
cleanup
echo "loadavg_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/meta.env"

# ---- the report ----
cat >"$OUT/report.py" <<'EOF'
import json, math, os, sys

out = sys.argv[1]
meta = {}
for line in open(os.path.join(out, "meta.env")):
    k, _, v = line.rstrip("\n").partition("=")
    meta[k] = v

GROUPS = ("full", "full-psutil", "small", "conn", "conn-psutil")
groups = {}
for g in GROUPS:
    p = os.path.join(out, g + ".json")
    groups[g] = {r["command"]: r for r in json.load(open(p))["results"]} \
        if os.path.exists(p) else {}

rss = {}
if os.path.exists(os.path.join(out, "rss.tsv")):
    for line in open(os.path.join(out, "rss.tsv")):
        k, v = line.rstrip("\n").split("\t")
        rss[k] = int(v)

def kib(name):
    return "%d" % rss[name] if name in rss else ""

loop = {}
for line in open(os.path.join(out, "loop.tsv")):
    name, _, n, wall, us, sy = line.rstrip("\n").split("\t")
    n = int(n)
    loop.setdefault(name, []).append((int(wall) / n / 1e9, (int(us) + int(sy)) / n / 1e6))

def median(xs):
    xs = sorted(xs)
    k = len(xs) // 2
    return xs[k] if len(xs) % 2 else (xs[k - 1] + xs[k]) / 2

def sigma(xs):
    m = sum(xs) / len(xs)
    return math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1)) if len(xs) > 1 else 0.0

def get(g, name):
    return groups[g].get(name)

def wall(r):             # hyperfine (mean, sigma)
    return None if r is None else (r["mean"], r["stddev"] or 0.0)

def cpu(r):              # hyperfine mean user + system
    return None if r is None else r["user"] + r["system"]

def lmed(name):          # fork+exec loop: median over the rounds of the per-run mean
    return median([w for w, _ in loop[name]]) if name in loop else None

def ratio(a, b):         # a/b of (mean, sigma) pairs, sigma propagated
    if a is None or b is None or a[0] <= 0 or b[0] <= 0:
        return None
    r = a[0] / b[0]
    return r, r * math.sqrt((a[1] / a[0]) ** 2 + (b[1] / b[0]) ** 2)

def plain(a, b):
    return None if a is None or b is None or a <= 0 or b <= 0 else a / b

def med_ratio(ra, rb):
    return None if ra is None or rb is None else plain(ra["median"], rb["median"])

def fr(r):
    return "n/a" if r is None else "%.2f ± %.2f" % r

def fp(x):
    return "n/a" if x is None else "%.2f" % x

def fr3(r):              # goals: one more digit, for ratios near the target
    return "n/a" if r is None else "%.3f ± %.3f" % r

def fp3(x):
    return "n/a" if x is None else "%.3f" % x

def ms(x):
    return "" if x is None else "%.3f" % (x * 1e3)

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
w("Measured %s on %s CPUs (%s), kernel %s; load average %s before, %s after."
  % (meta["date"], meta["nproc"], meta["cpu"], meta["kernel"],
     meta["loadavg_before"], meta.get("loadavg_after", "?")))
w("syskit %s; hyperfine %s, Python %s, %s, %s, %s; %s%s."
  % (meta["commit"].replace("+dirty", " + uncommitted changes"),
     meta["hyperfine"], meta["python"], meta["cc"], meta["free"], meta["ss"], meta["busybox"],
     ("; second reference " + meta["busybox_dyn"]) if "busybox_dyn" in meta else
     "; no dynamic BusyBox on this machine"))
w("Binaries timed: snapshots of build/syskit (%s bytes, glibc, dynamic, not "
  "stripped) and build/static/syskit (%s bytes, musl, static, stripped) taken "
  "after `make -j2` and `make static`." % (meta["size_glibc"], meta.get("size_static", "n/a")))
w("Regenerate with `bench/sysinfo.sh` (%s; raw data in build/bench/sysinfo/)." % meta["runs"])
if load_note(meta):
    w("")
    w(load_note(meta))
w("")
w("Method. Wall time: hyperfine `-N` (no shell), mean ± σ over the runs, and "
  "the median. CPU time: hyperfine's mean user + system of the child (the "
  "total is exact, the user/system split is not at this scale). Ratios are "
  "`a / b` of the means ± the propagated σ; *median* ratios are of the "
  "medians. Sub-millisecond timings are noisy on this shared %s-CPU VM, so "
  "the floor comparisons have a second opinion that has no hyperfine in it: "
  "*loop*, bench/forkexec.c, a C loop of fork, execvp, waitpid (%s runs per command, in %s "
  "rounds interleaved across the commands; the figure is the median over the "
  "rounds of the per-run mean, which discards rounds hit by other load)."
  % (meta["nproc"], meta["loop"], meta["rounds"]))
w("")
w("The floors are bench/floor.c (`int main(void) { return 0; }`): *floor glibc* "
  "built and linked as build/syskit is (syskit's CFLAGS; build/syskit links "
  "no libbsd, lib/pidfh loads it for `run --daemon` only, so it loads %s"
  "like this floor); *floor glibc+bsd* the same forced to load libbsd, libmd "
  "and libm, which is what every start of build/syskit cost while it linked "
  "libbsd; *floor musl static* `musl-gcc -static -s -Os`, as `make static`. "
  "The glibc syskit is judged against *floor glibc*, the static one against "
  "*floor musl static*." % (meta.get("libs_glibc", "?")))
w("")

goals = []   # (goal, measured, verdict)

def verdict(r, med, ok, target):
    """r: (mean ratio, sigma); med: median ratio; ok(x): goal met at x."""
    if r is None:
        return "n/a"
    v = "**met**" if ok(r[0]) else "**missed**"
    notes = []
    if abs(r[0] - target) < r[1]:
        notes.append("within noise")
    if med is not None and ok(med) != ok(r[0]):
        notes.append("median: %s" % ("met" if ok(med) else "missed"))
    return v + (" (%s)" % ", ".join(notes) if notes else "")

le = lambda t: (lambda x: x <= t)
gt1 = lambda x: x > 1

def floor_for(name):
    return "floor musl static" if name.startswith("static") else "floor glibc"

# -- absolute means
w("### Absolute figures")
w("")
w("| command | wall ms, mean ± σ | median | CPU ms | loop wall ms | peak RSS KiB | runs |")
w("|---|---:|---:|---:|---:|---:|---:|")
seen = set()
for g in GROUPS:
    for n, r in groups[g].items():
        if n in seen:
            continue
        seen.add(n)
        w("| %s | %s ± %s | %s | %s | %s | %s | %d |" % (
            n, ms(r["mean"]), ms(r["stddev"] or 0), ms(r["median"]), ms(cpu(r)),
            ms(lmed(n)), kib(n), len(r["times"])))
w("")
w("(The floors were measured in two hyperfine groups, with `sysinfo --json` "
  "and with the small commands; each comparison below uses the floor of its "
  "own group. This table shows the first. Peak RSS: the median of %s runs of "
  "`/usr/bin/time -f %%M`.)" % meta["runs"].split("RSS_RUNS=")[1].split()[0])
w("")

# -- sysinfo --json
P = "psutil (sysinfo --json equivalent)"
rp_full = get("full-psutil", P)
w("### sysinfo --json (all sections but conn)")
w("")
w("| syskit | / floor (wall) | median | loop | / floor glibc (wall) | psutil / syskit (wall) | psutil / syskit (CPU) |")
w("|---|---:|---:|---:|---:|---:|---:|")
for s in ("glibc sysinfo --json", "static sysinfo --json"):
    rs = get("full", s)
    if rs is None:
        continue
    f = floor_for(s)
    rf = get("full", f)
    rw = ratio(wall(rs), wall(rf))
    rm = med_ratio(rs, rf)
    rl = plain(lmed(s), lmed(f))
    rg = ratio(wall(rs), wall(get("full", "floor glibc")))
    rpw = ratio(wall(rp_full), wall(rs))
    rpc = plain(cpu(rp_full), cpu(rs))
    w("| %s | %s | %s | %s | %s | %s | %s |" % (s, fr(rw), fp(rm), fp(rl), fr(rg),
                                                fr(rpw), "n/a" if rpc is None else "%.1f" % rpc))
    goals.append(("`%s` wall ≤ 2× %s" % (s, f),
                  "%s (median %s, loop %s)" % (fr3(rw), fp3(rm), fp3(rl)),
                  verdict(rw, rm, le(2.0), 2.0)))
    goals.append(("`%s` CPU ≥ 50× less than psutil" % s,
                  "n/a" if rpc is None else "%.1f× less" % rpc,
                  "n/a" if rpc is None else ("**met**" if rpc >= 50 else "**missed**")))
w("")
if rp_full is not None:
    budget = cpu(rp_full) / 50
    w("For scale: psutil's CPU / 50 = %s ms, the whole budget of a syskit run "
      "for the 50× goal; the floors alone take %s ms (glibc) and %s ms "
      "(musl static) of CPU." % (ms(budget), ms(cpu(get("full", "floor glibc"))),
                                ms(cpu(get("full", "floor musl static")))))
    w("")

# -- mem, cpu --effective, the start
BBS, BBD = "busybox-static", "busybox (dynamic)"
w("### sysinfo mem, sysinfo cpu --effective, syskit --list")
w("")
w("The BusyBox jobs that match: `free -b`, `nproc`, and `true` for the start "
  "of the binary itself (against `syskit --list`, syskit's cheapest job). "
  "busybox-static is the main peer (goals on CPU time: the static build "
  "below it, the glibc build within 1.2× of it); %s."
  % ("a dynamic BusyBox is a second reference" if "busybox_dyn" in meta else
     "there is no dynamic BusyBox on this machine"))
w("")
w("| syskit | / floor (wall) | median | loop | peer | peer / syskit (wall) | median | loop | peer / syskit (CPU) |")
w("|---|---:|---:|---:|---|---:|---:|---:|---:|")
MEMP = ["free -b", BBS + " free -b", BBD + " free -b"]
CPUP = ["nproc", BBS + " nproc", BBD + " nproc"]
STARTP = [BBS + " true", BBD + " true"]
for s, peers in (("glibc sysinfo mem", MEMP), ("static sysinfo mem", MEMP),
                 ("glibc sysinfo cpu --effective", CPUP),
                 ("static sysinfo cpu --effective", CPUP),
                 ("glibc syskit --list", STARTP), ("static syskit --list", STARTP)):
    rs = get("small", s)
    if rs is None:
        continue
    peers = [p for p in peers if get("small", p) is not None]
    f = floor_for(s)
    rf = get("small", f)
    rw = ratio(wall(rs), wall(rf))
    rm = med_ratio(rs, rf)
    rl = plain(lmed(s), lmed(f))
    if "sysinfo" in s:
        goals.append(("`%s` wall ≤ 1.3× %s" % (s, f),
                      "%s (median %s, loop %s)" % (fr3(rw), fp3(rm), fp3(rl)),
                      verdict(rw, rm, le(1.3), 1.3)))
    for i, p in enumerate(peers):
        rq = get("small", p)
        rpw = ratio(wall(rq), wall(rs))
        rpm = med_ratio(rq, rs)
        rpl = plain(lmed(p), lmed(s))
        rpc = plain(cpu(rq), cpu(rs))
        w("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            s if i == 0 else "", fr(rw) if i == 0 else "", fp(rm) if i == 0 else "",
            fp(rl) if i == 0 else "", p, fr(rpw), fp(rpm), fp(rpl), fp(rpc)))
        if p.startswith(BBD):
            continue            # a second reference: no goal
        if p.startswith(BBS):
            # CPU: the static build below busybox-static, glibc within 1.2x
            q = plain(cpu(rs), cpu(rq))
            t = 1.0 if s.startswith("static") else 1.2
            goals.append(("`%s` CPU %s `%s`" % (s, "<" if t == 1.0 else "≤ 1.2×", p),
                          "%s× (wall median %s×, loop %s×)" % (
                              fp3(q), fp3(plain(rs["median"], rq["median"])),
                              fp3(plain(lmed(s), lmed(p)))),
                          "n/a" if q is None else
                          "**met**" if (q < t if t == 1.0 else q <= t) else "**missed**"))
            continue
        goals.append(("`%s` faster than `%s`" % (s, p),
                      "%s× (median %s, loop %s)" % (fr3(rpw), fp3(rpm), fp3(rpl)),
                      verdict(rpw, rpm, gt1, 1.0)))
w("")

# -- the floor of any dynamic glibc program, against busybox-static
fg, fb, bt = get("small", "floor glibc"), get("small", "floor glibc+bsd"), get("small", BBS + " true")
if fg is not None and bt is not None:
    q = plain(cpu(fg), cpu(bt))
    ql = plain(lmed("floor glibc"), lmed(BBS + " true"))
    w("The floor of a dynamic glibc program: *floor glibc*, which does nothing, "
      "takes %s× the CPU of `%s true` (loop wall %s×): exec of a dynamic "
      "binary, the dynamic loader mapping and relocating libc, and the "
      "larger teardown cost that much more than busybox-static's exec of a "
      "static binary. So the glibc build's 1.2× goal leaves %s× for all of "
      "syskit's own start-up above that floor; `glibc syskit --list` takes "
      "%s× the floor's CPU (loop wall %s×). *floor glibc+bsd* (libbsd and "
      "libmd loaded) takes %s ms more CPU than *floor glibc* per start."
      % (fp(q), BBS, fp(ql), fp(None if q is None else 1.2 / q),
         fp(plain(cpu(get("small", "glibc syskit --list")), cpu(fg))),
         fp(plain(lmed("glibc syskit --list"), lmed("floor glibc"))),
         ms(None if fb is None else cpu(fb) - cpu(fg))))
    w("")
    goals.append(("reference: *floor glibc* (a trivial dynamic glibc program) CPU / `%s true`" % BBS,
                  "%s× (loop wall %s×)" % (fp3(q), fp3(ql)),
                  "the floor of any glibc build" + (": above 1.2×, so the glibc goal cannot be met"
                                                      if q is not None and q > 1.2 else "")))

# -- conn
PC = "psutil net_connections(inet)"
conn = dict(groups["conn"])
if get("conn-psutil", PC) is not None:
    conn[PC] = get("conn-psutil", PC)
w("### sysinfo conn (%s loopback TCP connections held open: %s sockets)"
  % (meta["conns"], meta.get("sockets_held", "?")))
w("")
w("`conn` lists the sockets only, like `ss -tuna`; `conn --pids`, `ss -tunap` "
  "and psutil's `net_connections()` also read every process's fds to find "
  "each socket's owner, so those are the like-for-like pairs. The kind is "
  "inet (tcp and udp, v4 and v6) everywhere, psutil's and syskit's default.")
w("")
w("`conn --kind tcp` is the pair of `ss -tan`. Without --pids, the table is "
  "streamed from the netlink dump (sock_each: one 32 KiB reply at a time, the "
  "rows kept as text for the column widths); with --pids every socket is "
  "held, to be matched with the fds of every process.")
w("")
w("| syskit | peer | peer / syskit (wall) | median | peer / syskit (CPU) | syskit / peer peak RSS (KiB) |")
w("|---|---|---:|---:|---:|---:|")
for s, peers in (("glibc sysinfo conn", ["ss -tuna", "ss -tunap", PC]),
                 ("static sysinfo conn", ["ss -tuna", "ss -tunap", PC]),
                 ("glibc sysinfo conn --kind tcp", ["ss -tan"]),
                 ("static sysinfo conn --kind tcp", ["ss -tan"]),
                 ("glibc sysinfo conn --pids", ["ss -tunap", PC]),
                 ("static sysinfo conn --pids", ["ss -tunap", PC])):
    rs = conn.get(s)
    if rs is None:
        continue
    for i, p in enumerate(peers):
        rq = conn.get(p)
        rpw = ratio(wall(rq), wall(rs))
        rpm = med_ratio(rq, rs)
        rpc = plain(cpu(rq), cpu(rs))
        rr = plain(rss.get(s), rss.get(p))
        w("| %s | %s | %s | %s | %s | %s |" % (s if i == 0 else "", p, fr(rpw), fp(rpm), fp(rpc),
            "" if rr is None else "%.2f (%s / %s)" % (rr, kib(s), kib(p))))
        goals.append(("`%s` faster than `%s` (wall)" % (s, p),
                      "%s× (median %s)" % (fr3(rpw), fp3(rpm)), verdict(rpw, rpm, gt1, 1.0)))
        if p.startswith("ss"):
            goals.append(("`%s` less CPU than `%s`" % (s, p), "%s× less" % fp3(rpc),
                          "n/a" if rpc is None else "**met**" if rpc > 1 else "**missed**"))
        if p.startswith("ss") and not s.endswith("--pids"):
            goals.append(("`%s` peak RSS ≤ `%s`'s" % (s, p),
                          "n/a" if rr is None else "%.2f× (%s / %s KiB)" % (rr, kib(s), kib(p)),
                          "n/a" if rr is None else "**met**" if rr <= 1 else "**missed**"))
w("")

# -- goals
w("### Goals")
w("")
w("| goal | measured | verdict |")
w("|---|---|---|")
for g, m, v in goals:
    w("| %s | %s | %s |" % (g, m, v))
w("")
w("The verdict is the mean's. *within noise*: the mean ratio is less than one "
  "σ from the target; *median: ...*: the medians say otherwise (an outlier "
  "moved the mean).")
w("")

# -- strace
st = os.path.join(out, "strace.tsv")
if os.path.exists(st) and os.path.getsize(st) > 0:
    w("### Where the time goes: system calls (strace -f -c, one run)")
    w("")
    w("| command | syscalls | failed | open/openat | most frequent |")
    w("|---|---:|---:|---:|---|")
    for line in open(st):
        name, total, errs, opens, top = line.rstrip("\n").split("\t")
        w("| %s | %s | %s | %s | %s |" % (name, total, errs, opens, top))
    w("")

open(os.path.join(out, "sysinfo.md"), "w").write("\n".join(L))
EOF
"$PY" "$OUT/report.py" "$OUT" || die "report failed"

# ---- splice into bench/RESULTS.md ----
splice_results sysinfo "$OUT/sysinfo.md"

# ---- the table, on the terminal ----
cat "$OUT/sysinfo.md"
