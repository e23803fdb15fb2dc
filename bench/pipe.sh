#!/usr/bin/env bash
# bench/pipe.sh: benchmark `syskit pipe` against socat, pv, cat, busybox cat,
# nc, tee and parcat, then rewrite the pipe section of bench/RESULTS.md.
#
# Shapes (SIZE bytes each; vmsrc and splsink are bench/vmsrc.c and
# bench/splsink.c, a vmsplice producer and a splice consumer, each with a
# 1 MiB pipe, so that the tool in the middle is what is measured):
#   p2p     vmsrc SIZE | TOOL | splsink
#   file    TOOL FILE | splsink               (FILE: FSIZE, in the page cache)
#   sock    FILE -> TOOL -> tcp 127.0.0.1 -> a splice receiver (syskit pipe)
#   relay   vmsrc SIZE | syskit pipe - tcp:P1 -> TOOL (P1 -> P2) -> a
#           receiver on P2 (syskit pipe tcp-listen:P2 /dev/null); and
#           "none": the client straight to P2, the floor of any relay
#   relayw  the same with a client that copies: socat -u reads the
#           stream and write(2)s it to P1, as most programs send (the
#           splicing client hands the relay 4 KiB page fragments; a
#           write(2) fills the socket's own larger pages)
#   fanout  vmsrc SIZE | TOOL /dev/null /dev/null (+ stdout) | splsink
#   merge   4 files of MLINES lines each -> TOOL -> /dev/null
# p2p, file and sock also time the static build (build/static/syskit,
# when tools/musl-deps.sh has been run) beside BusyBox's cat and nc, the
# BusyBox containers ship (busybox-static; each row names the build).
# Each tool's peak RSS and its own CPU time (user + system) come from
# CPU_RUNS more runs under GNU time (%M %U %S; the median CPU), put where
# its entry has an '@' (nc's relay: both ncs, under one bash).  The CPU
# time is the load-independent figure: the machine is shared.  *all CPU*
# is hyperfine's user + system time of the whole line (every process in
# it: on 2 CPUs, what the wall time of a busy pipeline follows).
#
# Usage, from anywhere:  bench/pipe.sh
# Knobs: SIZE=4G FSIZE=4G MLINES=1000000 RUNS=5 WARMUP=1 CPU_RUNS=3,
# RELAY_RUNS=15 RELAY_CPU_RUNS=7 (the relays' medians swing most),
# ONLY="p2p file sock relay relayw fanout merge" (a subset reruns those),
# NO_SPLICE=1 (leave RESULTS.md).  Output: build/bench/pipe-*.json,
# build/bench/pipe.md, spliced between the pipe markers of bench/RESULTS.md.
set -euo pipefail

SIZE=${SIZE:-4G}
FSIZE=${FSIZE:-4G}
CPU_RUNS=${CPU_RUNS:-3}
ONLY=${ONLY:-p2p file sock relay relayw fanout merge}
MLINES=${MLINES:-1000000}
RUNS=${RUNS:-5}
RELAY_RUNS=${RELAY_RUNS:-15}
RELAY_CPU_RUNS=${RELAY_CPU_RUNS:-7}
WARMUP=${WARMUP:-1}

cd "$(dirname "$0")/.." || exit 1
OUT=build/bench
mkdir -p "$OUT"
. bench/common.sh
need hyperfine hyperfine
need /usr/bin/time time
need socat socat
need pv pv
need nc netcat-openbsd
[ -x /bin/busybox ] || need busybox busybox-static
BB=$(command -v busybox)
# the BusyBox rows name its build: containers ship the static one
BBN="busybox-static"
LC_ALL=C readelf -l "$BB" 2>/dev/null | grep -q 'program interpreter' && BBN="busybox (dynamic)"

bench_snapshot "$OUT/pipe-snap"
S=$PWD/$OUT/pipe-snap/glibc/syskit
T=$PWD/$OUT/pipe-snap/static/syskit
cc -O2 -o "$OUT/vmsrc" bench/vmsrc.c
cc -O2 -o "$OUT/splsink" bench/splsink.c
V=$PWD/$OUT/vmsrc
K=$PWD/$OUT/splsink
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FILE=$TMP/data
# FSIZE of random data, 64 MiB of /dev/urandom over and over (quicker to
# make; every page of the file is a page of its own all the same)
head -c 64M /dev/urandom >"$TMP/chunk"
while cat "$TMP/chunk"; do :; done 2>/dev/null | head -c "$FSIZE" >"$FILE" || true
rm -f "$TMP/chunk"
cat "$FILE" >/dev/null

port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P1=$(port)
P2=$(port)
# wait_port P: a shell snippet that waits until something listens on P
wl() { printf 'until ss -Hltn "sport = :%s" | grep -q .; do sleep 0.01; done' "$1"; }

RECV="$S pipe tcp-listen:127.0.0.1:$P2 /dev/null"

# ---- the groups: "name|shell command" ----
p2p=(
	"none (vmsrc to splsink)|$V $SIZE | $K"
	"syskit pipe|$V $SIZE | @$S pipe - - | $K"
	"pv -q|$V $SIZE | @pv -q | $K"
	"cat|$V $SIZE | @cat | $K"
	"$BBN cat|$V $SIZE | @$BB cat | $K"
	"socat|$V $SIZE | @socat -u STDIN STDOUT | $K"
	"socat -b 1M|$V $SIZE | @socat -b 1048576 -u STDIN STDOUT | $K"
)
file=(
	"syskit pipe|@$S pipe $FILE - | $K"
	"pv -q|@pv -q $FILE | $K"
	"cat|@cat $FILE | $K"
	"$BBN cat|@$BB cat $FILE | $K"
	"socat -b 1M|@socat -b 1048576 -u $FILE STDOUT | $K"
)
sock=(
	"syskit pipe|$RECV & $(wl $P2); @$S pipe $FILE tcp:127.0.0.1:$P2; wait"
	"socat -b 1M|$RECV & $(wl $P2); @socat -b 1048576 -u $FILE TCP:127.0.0.1:$P2; wait"
	"nc|$RECV & $(wl $P2); @nc -N 127.0.0.1 $P2 <$FILE; wait"
	"$BBN nc|$RECV & $(wl $P2); @$BB nc 127.0.0.1 $P2 <$FILE; wait"
)
# the static build beside BusyBox, where BusyBox does the job too
if [ "$HAVE_STATIC" = 1 ]; then
	p2p+=("syskit pipe (static)|$V $SIZE | @$T pipe - - | $K")
	file+=("syskit pipe (static)|@$T pipe $FILE - | $K")
	sock+=("syskit pipe (static)|$RECV & $(wl $P2); @$T pipe $FILE tcp:127.0.0.1:$P2; wait")
fi
# the two relays, P1 -> P2, in both relay groups
SKR="$S pipe tcp-listen:127.0.0.1:$P1 tcp:127.0.0.1:$P2"
SOR="socat -b 1048576 TCP-LISTEN:$P1,bind=127.0.0.1,reuseaddr TCP:127.0.0.1:$P2"
relay=(
	"none (client straight to P2)|$RECV & $(wl $P2); $V $SIZE | $S pipe - tcp:127.0.0.1:$P2; wait"
	"syskit pipe|$RECV & $(wl $P2); @$SKR & $(wl $P1); $V $SIZE | $S pipe - tcp:127.0.0.1:$P1; wait"
	"socat -b 1M|$RECV & $(wl $P2); @$SOR & $(wl $P1); $V $SIZE | $S pipe - tcp:127.0.0.1:$P1; wait"
	"nc|$RECV & $(wl $P2); @bash -c \"nc -l 127.0.0.1 $P1 | nc -N 127.0.0.1 $P2\" & $(wl $P1); $V $SIZE | $S pipe - tcp:127.0.0.1:$P1; wait"
)
WC="socat -b 1048576 -u STDIN TCP:127.0.0.1"
relayw=(
	"none (client straight to P2)|$RECV & $(wl $P2); $V $SIZE | $WC:$P2; wait"
	"syskit pipe|$RECV & $(wl $P2); @$SKR & $(wl $P1); $V $SIZE | $WC:$P1; wait"
	"socat -b 1M|$RECV & $(wl $P2); @$SOR & $(wl $P1); $V $SIZE | $WC:$P1; wait"
)
fanout=(
	"syskit pipe|$V $SIZE | @$S pipe - /dev/null /dev/null - | $K"
	"tee|$V $SIZE | @tee /dev/null /dev/null | $K"
)
merge=(
	"syskit pipe --merge|@$S pipe --merge $TMP/m1 $TMP/m2 $TMP/m3 $TMP/m4 --to - >/dev/null"
)
if command -v parcat >/dev/null; then
	merge+=("parcat|@parcat $TMP/m1 $TMP/m2 $TMP/m3 $TMP/m4 >/dev/null")
fi
for i in 1 2 3 4; do
	awk -v n="$MLINES" -v i="$i" 'BEGIN { for (j = 0; j < n; j++) printf "source %d line %d %s\n", i, j, substr("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 1, j % 48) }' >"$TMP/m$i"
done

# nruns GROUP N RELAY_N: how many runs a group gets (the relays more)
nruns() { case $1 in relay*) echo "$3" ;; *) echo "$2" ;; esac; }

# hfs GROUP ARRAY: one hyperfine group of shell commands (bash -c)
hfs() {
	local group=$1 e
	shift
	local args=()
	for e in "$@"; do
		e=${e/@/}
		args+=("${e%%|*}|bash -c '${e#*|}'")
	done
	hf "pipe-$group" "$(nruns "$group" "$RUNS" "$RELAY_RUNS")" "$WARMUP" "${args[@]}"
}

# rss GROUP ARRAY: each tool's peak RSS (KiB, the largest) and CPU
# seconds (user + system, the median) from CPU_RUNS runs under GNU time
# where the entry has its '@' (the tool alone, not the line around it):
# "name <tab> KiB <tab> CPU s" lines in $OUT/pipe-GROUP.rss
rss() {
	local group=$1 e name cmd i kib cpu k u sy
	shift
	: >"$OUT/pipe-$group.rss"
	for e in "$@"; do
		name=${e%%|*}
		cmd=${e#*|}
		case $cmd in *@*) ;; *) continue ;; esac
		: >"$TMP/cpu"
		kib=0
		for i in $(seq "$(nruns "$group" "$CPU_RUNS" "$RELAY_CPU_RUNS")"); do
			rm -f "$TMP/rss"
			timeout 600 bash -c "${cmd/@//usr/bin/time -f %M:%U:%S -o $TMP/rss }" >/dev/null 2>&1 || true
			IFS=: read -r k u sy < <(tail -n 1 "$TMP/rss" 2>/dev/null || echo '0:0:0')
			[ "${k:-0}" -gt "$kib" ] && kib=$k
			awk -v u="${u:-0}" -v s="${sy:-0}" 'BEGIN { printf "%.3f\n", u + s }' >>"$TMP/cpu"
		done
		cpu=$(sort -n "$TMP/cpu" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
		printf '%s\t%s\t%s\n' "$name" "$kib" "$cpu" >>"$OUT/pipe-$group.rss"
	done
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for g in $ONLY; do
	declare -n arr=$g
	hfs "$g" "${arr[@]}"
	rss "$g" "${arr[@]}"
	unset -n arr
done

# ---- the report ----
"$PY" - "$OUT" "$SIZE" "$FSIZE" "$MLINES" "$RUNS (the relay's $RELAY_RUNS)" \
    "$CPU_RUNS (the relay's $RELAY_CPU_RUNS)" "$LOAD_BEFORE" \
    "$(git rev-parse --short HEAD)" >"$OUT/pipe.md" <<'PYEOF'
import json, sys, os, time, platform
out, size, fsize, mlines, runs, cpuruns, load, commit = sys.argv[1:9]
shapes = {
    "p2p": "pipe to pipe: `vmsrc %s | TOOL | splsink`" % size,
    "file": "file to pipe: `TOOL FILE | splsink` (FILE: %s of random data, in the page cache)" % fsize,
    "sock": "file to socket: `TOOL FILE` -> tcp 127.0.0.1:P -> `syskit pipe tcp-listen:127.0.0.1:P /dev/null` (FILE: %s)" % fsize,
    "relay": "loopback TCP relay: `vmsrc %s | syskit pipe - tcp:127.0.0.1:P1` -> TOOL (P1 -> P2) -> `syskit pipe tcp-listen:127.0.0.1:P2 /dev/null`; TOOL is `syskit pipe tcp-listen:127.0.0.1:P1 tcp:127.0.0.1:P2`, `socat -b 1048576 TCP-LISTEN:P1,bind=127.0.0.1,reuseaddr TCP:127.0.0.1:P2`, `nc -l 127.0.0.1 P1 \\| nc -N 127.0.0.1 P2`" % size,
    "relayw": "loopback TCP relay, a client that copies: `vmsrc %s | socat -b 1048576 -u STDIN TCP:127.0.0.1:P1` -> TOOL (P1 -> P2) -> `syskit pipe tcp-listen:127.0.0.1:P2 /dev/null`; TOOL as above" % size,
    "fanout": "fan-out to 3 sinks: `vmsrc %s | TOOL /dev/null /dev/null (+stdout) | splsink`" % size,
    "merge": "merge of 4 files of %s lines each: `TOOL m1 m2 m3 m4 > /dev/null`" % mlines,
}
groups = ["p2p", "file", "sock", "relay", "relayw", "fanout", "merge"]
def load_rss(g):
    p = os.path.join(out, "pipe-%s.rss" % g)
    d = {}
    if os.path.exists(p):
        for l in open(p):
            f = l.rstrip("\n").split("\t")
            if len(f) >= 2:
                d[f[0]] = (f[1], f[2] if len(f) > 2 else None)
    return d
def results(g):
    p = os.path.join(out, "pipe-%s.json" % g)
    if not os.path.exists(p):
        return None, None
    return json.load(open(p))["results"], time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(os.path.getmtime(p)))
print("Measured by `bench/pipe.sh` at %s on %d CPUs (kernel %s), load average %s before; hyperfine -N, %s runs each, medians; *tool CPU* is the tool's own user + system time (the median of %s more runs under GNU time, with its peak RSS): the load-independent figure, since the machine is shared. vmsrc and splsink are bench/vmsrc.c and bench/splsink.c (vmsplice and splice, 1 MiB pipes). Ratios: the peer's figure over syskit's (above 1: syskit is faster, or uses less CPU). Rerun with `bench/pipe.sh` (knobs SIZE, FSIZE, ONLY, RUNS in its header).\n" % (commit, os.cpu_count(), platform.release(), load, runs, cpuruns))
meds, cpus, allcpu = {}, {}, {}
for g in groups:
    res, when = results(g)
    if res is None:
        continue
    rss = load_rss(g)
    base = [r for r in res if r["command"].startswith("syskit")][0]["median"]
    sk = [v for n, v in rss.items() if n.startswith("syskit")]
    basecpu = float(sk[0][1]) if sk and sk[0][1] else None
    print("### " + shapes[g] + "\n")
    print("(run %s)\n" % when)
    print("| tool | median s | wall ratio | tool CPU s | CPU ratio | all CPU s | peak RSS KiB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in res:
        name = r["command"]
        kib, cpu = rss.get(name, ("-", None))
        meds[(g, name)] = r["median"]
        if cpu is not None:
            cpus[(g, name)] = float(cpu)
        cr = "%.2f" % (float(cpu) / basecpu) if cpu is not None and basecpu else "-"
        allcpu[(g, name)] = r["user"] + r["system"]
        print("| %s | %.3f | %.2f | %s | %s | %.3f | %s |" % (name, r["median"], r["median"] / base,
              cpu if cpu is not None else "-", cr, allcpu[(g, name)], kib))
    print()
def goal(text, ok):
    print("- %s: %s" % (text, "met" if ok else "NOT met"))
print("### Goals\n")
sk, pv, none = meds.get(("p2p", "syskit pipe")), meds.get(("p2p", "pv -q")), meds.get(("p2p", "none (vmsrc to splsink)"))
if sk and pv and none:
    goal("pipe to pipe at least as fast as pv -q (%.2fx)" % (pv / sk), pv >= sk)
    goal("pipe to pipe within 3x of no tool in the middle (%.2fx)" % (sk / none), sk <= 3 * none)
rs, rso = meds.get(("relay", "syskit pipe")), meds.get(("relay", "socat -b 1M"))
if rs and rso:
    goal("TCP relay at least 1.5x socat -b 1M, end to end (%.2fx)" % (rso / rs), rso >= 1.5 * rs)
    rn = meds.get(("relay", "none (client straight to P2)"))
    if rn:
        print("  - with no relay at all (the client straight to the receiver) the transfer takes %.3f s: "
              "socat -b 1M's %.3f s is %.2fx that, the most any relay could be faster than socat end to end "
              "on this machine%s; %s, socat's adds %.3f s."
              % (rn, rso, rso / rn, " (short of 1.5x: the goal is out of reach here)" if rso < 1.5 * rn else "",
                 ("syskit's relay adds %.3f s to it (%.2fx less than socat's)" % (rs - rn, (rso - rn) / (rs - rn)))
                 if rs > rn else "syskit's relay took %.3f s less than no relay (the machine's noise)" % (rn - rs),
                 rso - rn))
cs, cso = cpus.get(("relay", "syskit pipe")), cpus.get(("relay", "socat -b 1M"))
if cs and cso:
    goal("TCP relay at least 1.5x socat -b 1M, the relay's own CPU (%.2fx)" % (cso / cs), cso >= 1.5 * cs)
an, asy, aso = (allcpu.get(("relay", n)) for n in ("none (client straight to P2)", "syskit pipe", "socat -b 1M"))
if an and asy and aso:
    print("  - the CPU of the whole line (client, relay, receiver), hyperfine's user + system: no relay %.3f s, "
          "with syskit's relay %.3f s, with socat's %.3f s. On 2 CPUs the wall time follows it: for 1.5x socat's "
          "wall, syskit's line would have to take about %.3f s, so its relay could add at most %.3f s of CPU to the "
          "line; it adds %.3f s, of which %.3f s is its own (the rest is the client's and the receiver's extra "
          "work with a relay between them), and socat's adds %.3f s."
          % (an, asy, aso, aso / 1.5, aso / 1.5 - an, asy - an, cs or 0.0, aso - an))
ws, wso = meds.get(("relayw", "syskit pipe")), meds.get(("relayw", "socat -b 1M"))
wcs, wcso = cpus.get(("relayw", "syskit pipe")), cpus.get(("relayw", "socat -b 1M"))
if ws and wso and wcs and wcso:
    print("  - with a client that copies (socat -u write(2)s the stream): socat -b 1M takes %.2fx syskit's wall "
          "time and %.2fx its relay's CPU (reported, no goal)." % (wso / ws, wcso / wcs))
for g, peer in (("p2p", "cat"), ("file", "cat"), ("sock", "nc")):
    st = cpus.get((g, "syskit pipe (static)"))
    bb = [(n, v) for (gg, n), v in cpus.items() if gg == g and n.startswith("busybox") and n.endswith(" " + peer)]
    if st and bb:
        goal("%s: the static build uses less CPU than %s (%.2fs against %.2fs: %.2fx)"
             % (g, bb[0][0], st, bb[0][1], st / bb[0][1]), st < bb[0][1])
fs, ft = meds.get(("fanout", "syskit pipe")), meds.get(("fanout", "tee"))
if fs and ft:
    goal("fan-out at least as fast as tee (%.2fx)" % (ft / fs), ft >= fs)
worst = 0
for g in groups:
    for n, (kib, cpu) in load_rss(g).items():
        if n.startswith("syskit") and kib.isdigit():
            worst = max(worst, int(kib))
goal("peak RSS under 4 MiB everywhere (largest: %d KiB)" % worst, worst < 4096)
PYEOF
cat "$OUT/pipe.md"
splice_results pipe "$OUT/pipe.md"
