#!/usr/bin/env bash
# bench/exporter.sh: `syskit sysinfo --serve` against Debian's
# prometheus-node-exporter on loopback: scrape latency (hyperfine -N of
# curl, one scrape a run), CPU per scrape (the server's utime + stime from
# /proc/PID/stat over a Python loop of SCRAPES scrapes, one connection
# each) and RSS (VmRSS) at rest, after start and after the scrapes.  Then
# rewrite the exporter section of bench/RESULTS.md.
#
# Usage, from anywhere:  bench/exporter.sh
# Environment knobs:
#   RUNS=300        hyperfine runs per server (latency)
#   WARMUP=20       hyperfine warmup runs
#   SCRAPES=1000    scrapes per server for the CPU figure
#   NO_SPLICE=1     write build/bench/exporter/exporter.md, leave RESULTS.md
#
# node_exporter runs twice: with its default collectors, and with the
# subset syskit serves (cpu, meminfo, diskstats, filesystem, netdev,
# netclass, loadavg, pressure, stat, uname, os, time).  Every server is on
# 127.0.0.1; every one is killed and reaped at exit.
set -euo pipefail

RUNS=${RUNS:-300}
WARMUP=${WARMUP:-20}
SCRAPES=${SCRAPES:-1000}

cd "$(dirname "$0")/.." || exit 1
. bench/common.sh
OUT=build/bench/exporter
mkdir -p "$OUT"

command -v hyperfine >/dev/null || apt_install hyperfine
command -v curl >/dev/null || apt_install curl
command -v prometheus-node-exporter >/dev/null || apt_install prometheus-node-exporter

bench_snapshot "$OUT"
BIN=$S
BINKIND="glibc, dynamic"
if [ "$HAVE_STATIC" = 1 ]; then
	BIN=$T
	BINKIND="musl, static, stripped"
fi

PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
}
trap cleanup EXIT

free_port() {
	"$PY" -c "
import socket
s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"
}

# wait_up PORT: until GET /metrics answers (bounded).
wait_up() {
	local i
	for i in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$1/metrics" && return 0
		sleep 0.1
	done
	die "nothing serves on 127.0.0.1:$1"
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# cpu_per_scrape PID PORT: the server's CPU ms per scrape over SCRAPES.
cpu_per_scrape() {
	"$PY" - "$1" "$2" "$SCRAPES" <<'PYEOF'
import os, sys, urllib.request
pid, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def ticks():
    f = open('/proc/%s/stat' % pid).read().rsplit(')', 1)[1].split()
    return int(f[11]) + int(f[12])
url = 'http://127.0.0.1:%s/metrics' % port
t0 = ticks()
size = 0
for _ in range(n):
    size = len(urllib.request.urlopen(url).read())
t1 = ticks()
print('%.4f %d' % ((t1 - t0) * 1000.0 / os.sysconf('SC_CLK_TCK') / n, size))
PYEOF
}

SUBSET=(--collector.disable-defaults --collector.cpu --collector.meminfo
    --collector.diskstats --collector.filesystem --collector.netdev
    --collector.netclass --collector.loadavg --collector.pressure
    --collector.stat --collector.uname --collector.os --collector.time)

# syskit's sections for the same families: no limits (cgroup) and no
# sensors, which the node_exporter subset does not collect
SYSKIT_SUBSET=host,cpu,mem,swap,disk,net,pressure

declare -A PORT PID RSS0
start() {	# start NAME COMMAND...
	local name=$1 p
	shift
	p=$(free_port)
	"$@" "127.0.0.1:$p" >"$OUT/$name.log" 2>&1 &
	PIDS+=($!)
	PID[$name]=$!
	PORT[$name]=$p
	wait_up "$p"
	sleep 1
	RSS0[$name]=$(rss_kb "${PID[$name]}")
}

NE=$(command -v prometheus-node-exporter)
start syskit "$BIN" sysinfo --serve
start syskit_subset "$BIN" sysinfo --collect "$SYSKIT_SUBSET" --serve
start node_exporter "$NE" --web.listen-address
start node_exporter_subset "$NE" "${SUBSET[@]}" --web.listen-address

NAMES=(syskit syskit_subset node_exporter node_exporter_subset)
entries=()
for n in "${NAMES[@]}"; do
	entries+=("$n|curl -s -o /dev/null http://127.0.0.1:${PORT[$n]}/metrics")
done
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
hf scrape "$RUNS" "$WARMUP" "${entries[@]}"

declare -A CPU SIZE RSS1 MED
for n in "${NAMES[@]}"; do
	say "cpu per scrape: $n ($SCRAPES scrapes)"
	read -r CPU[$n] SIZE[$n] < <(cpu_per_scrape "${PID[$n]}" "${PORT[$n]}")
	RSS1[$n]=$(rss_kb "${PID[$n]}")
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
for n in "${NAMES[@]}"; do
	MED[$n]=$("$PY" -c "
import json, sys
for r in json.load(open('$OUT/scrape.json'))['results']:
    if r['command'] == '$n':
        print('%.3f %.3f %.3f' % (r['median'] * 1e3, r['mean'] * 1e3, r['stddev'] * 1e3))")
done

ratio() { "$PY" -c "print('%.1f' % ($1 / $2) if $2 > 0 else 'n/a')"; }

{
	echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) CPUs, kernel $(uname -r); load average $LOAD_BEFORE before, $LOAD_AFTER after."
	echo "syskit $SNAP_COMMIT ($BINKIND, $(stat -c %s "$BIN") bytes) vs $("$NE" --version 2>&1 | head -n 1) ($(stat -c %s "$(readlink -f "$NE")") bytes); $(hyperfine --version)."
	echo "Regenerate with \`bench/exporter.sh\` (RUNS=$RUNS WARMUP=$WARMUP SCRAPES=$SCRAPES; raw data in build/bench/exporter/)."
	echo
	echo "Method. Latency: hyperfine \`-N\` of \`curl -s -o /dev/null http://127.0.0.1:PORT/metrics\` (one new connection and one scrape per run; curl's own start-up is in every figure alike). CPU per scrape: the server's utime + stime (/proc/PID/stat, clock ticks) over $SCRAPES scrapes from a Python loop, divided by $SCRAPES. RSS: VmRSS one second after start, and after the scrapes. *node_exporter subset*: \`--collector.disable-defaults\` and the collectors whose families syskit serves (${SUBSET[*]:1}); *syskit_subset*: \`--collect $SYSKIT_SUBSET\`, the same families (without the cgroup limits and sensors that syskit serves by default). The same-subset column compares the two subsets."
	echo
	echo "| server | scrape median ms | mean ± σ ms | CPU ms / scrape | RSS at start KiB | RSS after KiB | body bytes |"
	echo "|---|---:|---:|---:|---:|---:|---:|"
	for n in "${NAMES[@]}"; do
		set -- ${MED[$n]}
		echo "| $n | $1 | $2 ± $3 | ${CPU[$n]} | ${RSS0[$n]} | ${RSS1[$n]} | ${SIZE[$n]} |"
	done
	echo
	echo "| ratio (node_exporter / syskit) | default collectors | same subset |"
	echo "|---|---:|---:|"
	set -- ${MED[syskit]}; sm=$1
	set -- ${MED[syskit_subset]}; ssm=$1
	set -- ${MED[node_exporter]}; nm=$1
	set -- ${MED[node_exporter_subset]}; nsm=$1
	echo "| scrape latency (median) | $(ratio "$nm" "$sm") | $(ratio "$nsm" "$ssm") |"
	echo "| CPU per scrape | $(ratio "${CPU[node_exporter]}" "${CPU[syskit]}") | $(ratio "${CPU[node_exporter_subset]}" "${CPU[syskit_subset]}") |"
	echo "| RSS at start | $(ratio "${RSS0[node_exporter]}" "${RSS0[syskit]}") | $(ratio "${RSS0[node_exporter_subset]}" "${RSS0[syskit_subset]}") |"
	echo "| RSS after the scrapes | $(ratio "${RSS1[node_exporter]}" "${RSS1[syskit]}") | $(ratio "${RSS1[node_exporter_subset]}" "${RSS1[syskit_subset]}") |"
	echo
	echo "Goal (issue 16): at least 10x less CPU per scrape and 10x less RSS than node_exporter."
} >"$OUT/exporter.md"
cat "$OUT/exporter.md" >&2
splice_results exporter "$OUT/exporter.md"
