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
#           receiver on P2 (syskit pipe tcp-listen:P2 /dev/null)
#   fanout  vmsrc SIZE | TOOL /dev/null /dev/null (+ stdout) | splsink
#   merge   4 files of MLINES lines each -> TOOL -> /dev/null
# Each tool's peak RSS comes from one more run under GNU time (%M), put
# where its entry has an '@' (nc's relay: the listening nc alone).
#
# Usage, from anywhere:  bench/pipe.sh
# Knobs: SIZE=1G FSIZE=512M MLINES=1000000 RUNS=5 WARMUP=1,
# NO_SPLICE=1 (leave RESULTS.md).  Output: build/bench/pipe-*.json,
# build/bench/pipe.md, spliced between the pipe markers of bench/RESULTS.md.
set -euo pipefail

SIZE=${SIZE:-1G}
FSIZE=${FSIZE:-512M}
MLINES=${MLINES:-1000000}
RUNS=${RUNS:-5}
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

say "building syskit, vmsrc, splsink"
make -j2 >"$OUT/pipe-make.log" 2>&1 || { tail -n 30 "$OUT/pipe-make.log"; die "make failed"; }
mkdir -p "$OUT/pipe-snap"
cp build/syskit "$OUT/pipe-snap/syskit"
S=$PWD/$OUT/pipe-snap/syskit
cc -O2 -o "$OUT/vmsrc" bench/vmsrc.c
cc -O2 -o "$OUT/splsink" bench/splsink.c
V=$PWD/$OUT/vmsrc
K=$PWD/$OUT/splsink
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FILE=$TMP/data
head -c "$FSIZE" /dev/urandom >"$FILE"
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
	"busybox cat|$V $SIZE | @$BB cat | $K"
	"socat|$V $SIZE | @socat -u STDIN STDOUT | $K"
	"socat -b 1M|$V $SIZE | @socat -b 1048576 -u STDIN STDOUT | $K"
)
file=(
	"syskit pipe|@$S pipe $FILE - | $K"
	"pv -q|@pv -q $FILE | $K"
	"cat|@cat $FILE | $K"
	"busybox cat|@$BB cat $FILE | $K"
	"socat -b 1M|@socat -b 1048576 -u $FILE STDOUT | $K"
)
sock=(
	"syskit pipe|$RECV & $(wl $P2); @$S pipe $FILE tcp:127.0.0.1:$P2; wait"
	"socat -b 1M|$RECV & $(wl $P2); @socat -b 1048576 -u $FILE TCP:127.0.0.1:$P2; wait"
	"nc|$RECV & $(wl $P2); @nc -N 127.0.0.1 $P2 <$FILE; wait"
)
relay=(
	"syskit pipe|$RECV & $(wl $P2); @$S pipe tcp-listen:127.0.0.1:$P1 tcp:127.0.0.1:$P2 & $(wl $P1); $V $SIZE | $S pipe - tcp:127.0.0.1:$P1; wait"
	"socat -b 1M|$RECV & $(wl $P2); @socat -b 1048576 TCP-LISTEN:$P1,bind=127.0.0.1,reuseaddr TCP:127.0.0.1:$P2 & $(wl $P1); $V $SIZE | $S pipe - tcp:127.0.0.1:$P1; wait"
	"nc|$RECV & $(wl $P2); (@nc -l 127.0.0.1 $P1 | nc -N 127.0.0.1 $P2) & $(wl $P1); $V $SIZE | $S pipe - tcp:127.0.0.1:$P1; wait"
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

# hfs GROUP ARRAY: one hyperfine group of shell commands (bash -c)
hfs() {
	local group=$1 e
	shift
	local args=()
	for e in "$@"; do
		e=${e/@/}
		args+=("${e%%|*}|bash -c '${e#*|}'")
	done
	hf "pipe-$group" "$RUNS" "$WARMUP" "${args[@]}"
}

# rss GROUP ARRAY: each tool's peak RSS (KiB) from one run with GNU time
# where the entry has its '@' (the tool alone, not the line around it)
rss() {
	local group=$1 e name cmd
	shift
	: >"$OUT/pipe-$group.rss"
	for e in "$@"; do
		name=${e%%|*}
		cmd=${e#*|}
		case $cmd in *@*) ;; *) continue ;; esac
		rm -f "$TMP/rss"
		bash -c "${cmd/@//usr/bin/time -f %M -o $TMP/rss }" >/dev/null 2>&1 || true
		printf '%s\t%s\n' "$name" "$(tail -n 1 "$TMP/rss" 2>/dev/null || echo '?')" >>"$OUT/pipe-$group.rss"
	done
}

for g in p2p file sock relay fanout merge; do
	declare -n arr=$g
	hfs "$g" "${arr[@]}"
	rss "$g" "${arr[@]}"
	unset -n arr
done

# ---- the report ----
"$PY" - "$OUT" "$SIZE" "$FSIZE" "$MLINES" "$RUNS" >"$OUT/pipe.md" <<'PYEOF'
import json, sys, os
out, size, fsize, mlines, runs = sys.argv[1:6]
shapes = {
    "p2p": "pipe to pipe: `vmsrc %s | TOOL | splsink`" % size,
    "file": "file to pipe: `TOOL FILE | splsink` (FILE: %s of random data, in the page cache)" % fsize,
    "sock": "file to socket: `TOOL FILE` -> tcp 127.0.0.1 -> `syskit pipe tcp-listen:P /dev/null`",
    "relay": "loopback TCP relay: `vmsrc %s | syskit pipe - tcp:P1` -> TOOL (P1 -> P2) -> `syskit pipe tcp-listen:P2 /dev/null`" % size,
    "fanout": "fan-out to 3 sinks: `vmsrc %s | TOOL /dev/null /dev/null (+stdout) | splsink`" % size,
    "merge": "merge of 4 files of %s lines each: `TOOL m1 m2 m3 m4 > /dev/null`" % mlines,
}
print("Measured by `bench/pipe.sh` (hyperfine, %s runs, medians; peak RSS of the tool alone from one run under GNU time). vmsrc and splsink are bench/vmsrc.c and bench/splsink.c. Ratios: the peer's median over syskit's (above 1: syskit is faster).\n" % runs)
for g in ["p2p", "file", "sock", "relay", "fanout", "merge"]:
    p = os.path.join(out, "pipe-%s.json" % g)
    if not os.path.exists(p):
        continue
    res = json.load(open(p))["results"]
    rss = dict(l.rstrip("\n").split("\t") for l in open(os.path.join(out, "pipe-%s.rss" % g)) if "\t" in l)
    base = [r for r in res if r["command"].startswith("syskit")][0]["median"]
    print("### " + shapes[g] + "\n")
    print("| tool | median s | ratio (tool / syskit) | peak RSS KiB |")
    print("|---|---:|---:|---:|")
    for r in res:
        name = r["command"]
        print("| %s | %.3f | %.2f | %s |" % (name, r["median"], r["median"] / base, rss.get(name, "-")))
    print()
# the issue's goals, checked against the medians above
def med(g, name):
    p = os.path.join(out, "pipe-%s.json" % g)
    if not os.path.exists(p):
        return None
    for r in json.load(open(p))["results"]:
        if r["command"] == name:
            return r["median"]
    return None
def goal(text, ok):
    print("- %s: %s" % (text, "met" if ok else "NOT met"))
print("### Goals\n")
sk, pv, none = med("p2p", "syskit pipe"), med("p2p", "pv -q"), med("p2p", "none (vmsrc to splsink)")
if sk and pv and none:
    goal("pipe to pipe at least as fast as pv -q (%.2fx)" % (pv / sk), pv >= sk)
    goal("pipe to pipe within 3x of no tool in the middle (%.2fx)" % (sk / none), sk <= 3 * none)
rs, rso = med("relay", "syskit pipe"), med("relay", "socat -b 1M")
if rs and rso:
    goal("TCP relay at least 1.5x socat -b 1M (%.2fx)" % (rso / rs), rso >= 1.5 * rs)
fs, ft = med("fanout", "syskit pipe"), med("fanout", "tee")
if fs and ft:
    goal("fan-out at least as fast as tee (%.2fx)" % (ft / fs), ft >= fs)
worst = 0
for g in ["p2p", "file", "sock", "relay", "fanout", "merge"]:
    p = os.path.join(out, "pipe-%s.rss" % g)
    if os.path.exists(p):
        for l in open(p):
            n, v = l.rstrip("\n").split("\t")
            if n.startswith("syskit") and v.isdigit():
                worst = max(worst, int(v))
goal("peak RSS under 4 MiB everywhere (largest: %d KiB)" % worst, worst < 4096)
PYEOF
cat "$OUT/pipe.md"
splice_results pipe "$OUT/pipe.md"
