#!/usr/bin/env bash
# bench/watch.sh: benchmark `syskit watch` against its peers, then rewrite
# the watch section of bench/RESULTS.md.
#
#   1. latency from a file write to the command's start (the command is
#      `wlat stamp`, which records CLOCK_MONOTONIC; `wlat drive` writes the
#      file and waits for the stamp), median and p90 over ROUNDS changes:
#      syskit watch -d 0, the default 50ms trailing debounce, and
#      --debounce-mode leading; entr -np; a `while inotifywait` loop;
#   2. setup for a tree of 10101 directories and 100000 files (on tmpfs):
#      the time from start until a write in the tree is reported, and the
#      peak RSS (VmHWM) then, against inotifywait -m -r and python3
#      watchdog (and syskit --backend fanotify: no watches at all); and
#      how many watches a tree with an ignored node_modules
#      of 10000 directories costs with -i node_modules;
#   3. throughput: the --json stream of 100000 creates in one directory
#      against inotifywait -m --format: the watcher is stopped (SIGSTOP)
#      while the files are made, so its queue holds them all
#      (max_queued_events raised for it, restored after), then let go:
#      the time until it has reported them all;
#   4. periodic: `watch -n P -- /bin/sh -c 'echo x >>F'` for PDUR seconds, both
#      builds, against busybox-static's `watch -n P` (which runs its
#      command through /bin/sh -c too): CPU per run of the command.
#
# Usage, from anywhere:  bench/watch.sh
# Knobs: ROUNDS=200 (latency), SETUP_RUNS=3, PERIOD=0.02 PDUR=10 PRUNS=3
# (periodic), NO_SPLICE=1 (leave RESULTS.md).
# Output: build/bench/watch.md, spliced between the watch markers of
# bench/RESULTS.md.  Needs root for the throughput part (the sysctl).
set -euo pipefail

ROUNDS=${ROUNDS:-200}
SETUP_RUNS=${SETUP_RUNS:-3}
PERIOD=${PERIOD:-0.02}
PDUR=${PDUR:-10}
PRUNS=${PRUNS:-3}

cd "$(dirname "$0")/.." || exit 1
. bench/common.sh
[ -f applets/watch/main.c ] || die "$PWD is not the syskit repo"
OUT=build/bench
mkdir -p "$OUT"
need inotifywait inotify-tools
need entr entr
[ -x /usr/bin/time ] || apt_install time
bench_busybox
$PY -c 'import watchdog' 2>/dev/null || apt_install python3-watchdog

say "building syskit"
make -j2 >"$OUT/watch-make.log" 2>&1 || { tail -n 30 "$OUT/watch-make.log"; die "make failed"; }
mkdir -p "$OUT/watch-bin"
cp build/syskit build/wlat "$OUT/watch-bin/"
S=$PWD/$OUT/watch-bin/syskit
ST=
if [ -f build/musl/prefix/lib/libbsd.a ] && make -j2 static >>"$OUT/watch-make.log" 2>&1; then
	mkdir -p "$OUT/watch-bin/static"
	cp build/static/syskit "$OUT/watch-bin/static/"
	ST=$PWD/$OUT/watch-bin/static/syskit
fi
W=$PWD/$OUT/watch-bin/wlat

# tmpfs, so that the disk is not what is measured
BASE=/dev/shm
[ -d "$BASE" ] && [ -w "$BASE" ] || BASE=${TMPDIR:-/tmp}
TMP=$(mktemp -d "$BASE/syskit-bench-watch.XXXXXX")
QEV=/proc/sys/fs/inotify/max_queued_events
QEV_OLD=$(cat "$QEV")
cleanup() {
	[ -n "${BGPID:-}" ] && kill "$BGPID" 2>/dev/null && wait "$BGPID" 2>/dev/null
	echo "$QEV_OLD" >"$QEV" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- 1. latency ----

# lat NAME GAP_MS CMD...: run CMD (a watcher of $TMP/lat/t that runs
# `wlat stamp $TMP/st`) in the background, ROUNDS writes; "NAME median p90"
lat() {
	local name=$1 gap=$2 r
	shift 2
	rm -f "$TMP/st"
	# a session of its own, so that the whole of it is stopped by its id
	setsid "$@" >/dev/null 2>&1 &
	BGPID=$!
	# ready when a write is answered
	for _ in $(seq 200); do
		echo x >"$TMP/lat/t"
		sleep 0.1
		[ -s "$TMP/st" ] && break
	done
	[ -s "$TMP/st" ] || die "$name does not answer"
	sleep 0.2
	r=$("$W" drive "$TMP/lat/t" "$TMP/st" "$ROUNDS" "$gap")
	kill -- "-$BGPID" 2>/dev/null || true
	wait "$BGPID" 2>/dev/null || true
	BGPID=
	echo "$name $r" >>"$OUT/watch-lat.txt"
	say "latency $name: $r (median, p90 ms)"
}

mkdir -p "$TMP/lat"
: >"$TMP/lat/t"
: >"$OUT/watch-lat.txt"
lat "syskit -d 0" 30 "$S" watch -p -d 0 "$TMP/lat" -- "$W" stamp "$TMP/st"
lat "syskit --debounce-mode leading" 100 "$S" watch -p --debounce-mode leading "$TMP/lat" -- "$W" stamp "$TMP/st"
lat "syskit (default 50ms)" 100 "$S" watch -p "$TMP/lat" -- "$W" stamp "$TMP/st"
lat "entr -np" 150 sh -c "echo '$TMP/lat/t' | exec entr -np '$W' stamp '$TMP/st'"
lat "while inotifywait" 100 sh -c "while inotifywait -qq -e modify,close_write '$TMP/lat/t'; do '$W' stamp '$TMP/st'; done"

# ---- 2. setup ----

say "making 10101 directories and 100000 files under $TMP/tree"
$PY - "$TMP/tree" <<'PYEOF'
import os, sys
root = sys.argv[1]
n = 0
for i in range(101):
    for j in range(100):
        d = os.path.join(root, "d%d" % i, "e%d" % j)
        os.makedirs(d)
        for k in range(10 if n < 100000 else 0):
            open(os.path.join(d, "f%d" % k), "w").close()
            n += 1
os.makedirs(os.path.join(root, "x"), exist_ok=True)
open(os.path.join(root, "x", "probe"), "w").close()
PYEOF
# an ignored node_modules of 10000 directories beside a small source tree
$PY - "$TMP/nm" <<'PYEOF'
import os, sys
root = sys.argv[1]
for i in range(100):
    for j in range(99):
        os.makedirs(os.path.join(root, "node_modules", "p%d" % i, "q%d" % j))
os.makedirs(os.path.join(root, "src", "x"))
open(os.path.join(root, "src", "x", "probe"), "w").close()
PYEOF

cat >"$TMP/wd.py" <<'PYEOF'
import sys, time
from watchdog.observers import Observer
from watchdog.events import FileSystemEventHandler
class H(FileSystemEventHandler):
    def on_any_event(self, e):
        print(e.event_type, e.src_path, flush=True)
o = Observer()
o.schedule(H(), sys.argv[1], recursive=True)
o.start()
while True:
    time.sleep(1)
PYEOF

# setup NAME PROBE CMD...: seconds until a write to PROBE is reported, the
# peak RSS in KiB then, and the inotify watches held: the median of runs
setup() {
	local name=$1 probe=$2
	shift 2
	$PY - "$SETUP_RUNS" "$probe" "$@" <<'PYEOF' | tee -a "$OUT/watch-setup.txt" >&2
import os, select, statistics, subprocess, sys, time
runs, probe, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
def hwm(pid):
    for l in open("/proc/%d/status" % pid):
        if l.startswith("VmHWM:"):
            return int(l.split()[1])
def watches(pid):
    n = 0
    for fd in os.listdir("/proc/%d/fdinfo" % pid):
        try:
            n += sum(1 for l in open("/proc/%d/fdinfo/%s" % (pid, fd)) if l.startswith("inotify wd:"))
        except OSError:
            pass
    return n
ts, rs, ws = [], [], []
for _ in range(runs):
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    buf = b""
    while b"probe" not in buf:
        with open(probe, "w") as f:
            f.write("x")
        r, _, _ = select.select([p.stdout], [], [], 0.005)
        if r:
            buf += os.read(p.stdout.fileno(), 65536)
        if time.monotonic() - t0 > 120:
            sys.exit("no answer from %s" % cmd)
    ts.append(time.monotonic() - t0)
    rs.append(hwm(p.pid))
    ws.append(watches(p.pid))
    p.kill()
    p.wait()
print("%s %.3f %d %d" % (os.environ["NAME"], statistics.median(ts), statistics.median(rs), statistics.median(ws)))
PYEOF
}

: >"$OUT/watch-setup.txt"
NAME=syskit setup syskit "$TMP/tree/x/probe" "$S" watch "$TMP/tree"
NAME=syskit-fanotify setup syskit-fanotify "$TMP/tree/x/probe" "$S" watch --backend fanotify "$TMP/tree"
NAME=inotifywait setup inotifywait "$TMP/tree/x/probe" inotifywait -m -r -e modify "$TMP/tree"
NAME=watchdog setup watchdog "$TMP/tree/x/probe" "$PY" -u "$TMP/wd.py" "$TMP/tree"
NAME=syskit-nm setup syskit-nm "$TMP/nm/src/x/probe" "$S" watch -i node_modules "$TMP/nm"
NAME=inotifywait-nm setup inotifywait-nm "$TMP/nm/src/x/probe" inotifywait -m -r -e modify --exclude node_modules "$TMP/nm"

# ---- 3. throughput ----

# tput NAME CMD...: seconds from SIGCONT until the watcher's output has
# 100000 lines naming a created file
tput() {
	local name=$1 t
	shift
	rm -rf "$TMP/tp"
	mkdir -p "$TMP/tp"
	: >"$TMP/tp/probe"
	"$@" >"$TMP/tp.out" 2>/dev/null &
	BGPID=$!
	until grep -q probe "$TMP/tp.out"; do echo x >"$TMP/tp/probe"; sleep 0.01; done
	t=$($PY - "$W" "$TMP/tp" "$TMP/tp.out" "$BGPID" <<'PYEOF'
import os, signal, subprocess, sys, time
w, d, out, pid = sys.argv[1:]
os.kill(int(pid), signal.SIGSTOP)
t0 = time.monotonic()
subprocess.run([w, "create", d, "100000"], check=True)
tc = time.monotonic() - t0
t0 = time.monotonic()
os.kill(int(pid), signal.SIGCONT)
while True:
    n = sum(1 for l in open(out, "rb") if b"/f" in l)
    if n >= 100000 or time.monotonic() - t0 > 120:
        break
    time.sleep(0.005)
print("%.3f %d %.3f" % (time.monotonic() - t0, n, tc))
PYEOF
)
	kill "$BGPID" 2>/dev/null || true
	wait "$BGPID" 2>/dev/null || true
	BGPID=
	echo "$name $t" >>"$OUT/watch-tput.txt"
	say "throughput $name: $t (seconds, lines, creator's seconds)"
}

: >"$OUT/watch-tput.txt"
echo 1048576 >"$QEV"
tput "syskit --json" "$S" watch --json "$TMP/tp"
tput "inotifywait -m --format" inotifywait -m -e create,modify --format '%w%f %e' "$TMP/tp"
echo "$QEV_OLD" >"$QEV"

# ---- 4. periodic ----

# periodic NAME CMD...: CMD runs `sh -c 'echo x >>FILE'` every $PERIOD s
# (FILE is $TMP/per.out); PRUNS runs of PDUR seconds under timeout: CPU of
# the whole tree (/usr/bin/time: the watcher and every command it waited
# for) and the runs of the command; "NAME cpu_s runs" per run
periodic() {
	local name=$1 i n t
	shift
	for i in $(seq "$PRUNS"); do
		rm -f "$TMP/per.out"
		# timeout runs the watcher: %M is the largest of timeout, the
		# watcher and its commands; the watcher's own is in /proc
		/usr/bin/time -f '%U %S' -o "$TMP/per.time" timeout "$PDUR" "$@" >/dev/null 2>&1 &
		r=0 k=
		while kill -0 $! 2>/dev/null; do	# the watcher's VmHWM, last seen
			if [ -z "$k" ] && to=$(pgrep -n -P $!); then
				k=$(pgrep -n -P "$to" || true)
			fi
			v=$(awk '/^VmHWM:/ { print $2 }' "/proc/${k:-0}/status" 2>/dev/null || true)
			r=${v:-$r}
			sleep 0.5
		done
		wait $! || true
		n=$(wc -l <"$TMP/per.out")
		t=$(awk 'END { print $1 + $2 }' "$TMP/per.time")
		echo "$name $t $n ${r:-0}" >>"$OUT/watch-periodic.txt"
	done
	say "periodic $name: $t s CPU, $n runs (last of $PRUNS)"
}
: >"$OUT/watch-periodic.txt"
periodic "syskit watch -n (glibc)" "$S" watch -n "$PERIOD" -- /bin/sh -c "echo x >>$TMP/per.out"
[ -n "$ST" ] && periodic "syskit watch -n (static)" "$ST" watch -n "$PERIOD" -- /bin/sh -c "echo x >>$TMP/per.out"
periodic "busybox-static watch -n" "$BB" watch -n "$PERIOD" -t "echo x >>$TMP/per.out"
[ -n "$BB_DYN" ] && periodic "busybox (dynamic) watch -n" "$BB_DYN" watch -n "$PERIOD" -t "echo x >>$TMP/per.out"
echo "$BB_VERSION (busybox-static, $BB)" >"$OUT/watch-bb.txt"

# ---- report ----

$PY - "$OUT" "$ROUNDS" "$PERIOD" "$PDUR" "$PRUNS" >"$OUT/watch.md" <<'PYEOF'
import statistics, sys
out, rounds, period, pdur, pruns = sys.argv[1:6]
lat = [l.rsplit(" ", 2) for l in open(out + "/watch-lat.txt").read().splitlines()]
lat = {n: (float(m), float(p)) for n, m, p in lat}
st = {}
for l in open(out + "/watch-setup.txt").read().splitlines():
    n, t, r, w = l.split()
    st[n] = (float(t), int(r), int(w))
tp = {}
for l in open(out + "/watch-tput.txt").read().splitlines():
    n, rest = l.rsplit(" ", 3)[0], l.rsplit(" ", 3)[1:]
    tp[n] = (float(rest[0]), int(rest[1]), float(rest[2]))
print("Measured by `bench/watch.sh` (tmpfs, %s writes per latency row)." % rounds)
print()
print("Write to command start (`wlat stamp` records the time), ms:")
print()
print("| watcher | median | p90 | median vs entr |")
print("|---|---:|---:|---:|")
e = lat.get("entr -np", (None,))[0]
for n, (m, p) in lat.items():
    print("| %s | %.2f | %.2f | %s |" % (n, m, p, "%.2fx" % (m / e) if e else "-"))
print()
print("Setup for 10101 directories / 100000 files (until a write is reported), and peak RSS:")
print()
print("| watcher | setup s | vs inotifywait | VmHWM KiB | inotify watches |")
print("|---|---:|---:|---:|---:|")
b = st.get("inotifywait", (None,))[0]
for n, (t, r, w) in st.items():
    print("| %s | %.3f | %s | %d | %d |" % (n, t, "%.2fx" % (t / b) if b else "-", r, w))
print()
print("(`-nm` rows: a tree with node_modules of 10000 directories, ignored by `-i node_modules` / `--exclude node_modules`.)")
print()
print("Event throughput: 100000 creates queued while the watcher was stopped, then the time it takes to report them all:")
print()
print("| watcher | seconds until all reported | lines | (making them took) | vs inotifywait |")
print("|---|---:|---:|---:|---:|")
b = tp.get("inotifywait -m --format", (None,))[0]
for n, (t, c, tc) in tp.items():
    print("| %s | %.3f | %d | %.3f | %s |" % (n, t, c, tc, "%.2fx" % (t / b) if b else "-"))
per = {}
rss = {}
for l in open(out + "/watch-periodic.txt").read().splitlines():
    n, t, c, r = l.rsplit(" ", 3)
    if int(c) > 0:
        per.setdefault(n, []).append(float(t) / int(c))
    rss.setdefault(n, []).append(int(r))
bbv = open(out + "/watch-bb.txt").read().strip()
print()
print("Periodic: the command `/bin/sh -c 'echo x >>FILE'` every %s s for %s s, %s runs each; CPU (user + system"
      " of the watcher and every command it ran, /usr/bin/time) per run of the command, the median over the runs."
      " BusyBox is %s; its watch runs its command through `/bin/sh -c` (system(3)), so syskit is given"
      " /bin/sh by its full path too: both pay for one sh per run, and no PATH search."
      % (period, pdur, pruns, bbv))
print()
print("| watcher | CPU ms per run of the command | / busybox-static | goal | watcher's peak RSS KiB (VmHWM) |")
print("|---|---:|---:|---|---:|")
B = "busybox-static watch -n"
bb = statistics.median(per[B]) if B in per else None
for n, v in per.items():
    m = statistics.median(v)
    q = m / bb if bb else None
    goal = ""
    if q is not None and n.startswith("syskit"):
        t = 1.0 if "static" in n else 1.2
        ok = q < t if t == 1.0 else q <= t
        goal = "%s: %s" % ("< 1" if t == 1.0 else "≤ 1.2", "met" if ok else "missed")
    print("| %s | %.3f | %s | %s | %d |" % (n, m * 1e3, "%.2f" % q if q else "-", goal, statistics.median(rss[n])))
PYEOF
cat "$OUT/watch.md"
splice_results watch "$OUT/watch.md"
