#!/usr/bin/env bash
# bench/ps.sh: benchmark `syskit ps` against the /proc floor (bench/procfloor.c:
# list /proc, read the files a listing needs once per process) and its peers
# (procps-ng ps, busybox-static's ps and a dynamic BusyBox's where there is
# one, toybox ps, psutil), with N sleeping processes on the machine, then
# rewrite the ps section of bench/RESULTS.md.  Every figure in that section
# comes from the run that writes it: what a /proc file costs is measured
# (the floor with and without it), not written down.
#
# Usage, from anywhere:  bench/ps.sh
#
# The figure is CPU time (user + system, from hyperfine) per process listed.
# The N processes are forked by a small holder in a session and process
# group of its own, and killed by that group afterwards (also on ^C).
#
# Environment knobs (the defaults keep the run under ~5 minutes on a 2-core VM):
#   NS="2000 10000"  the numbers of sleeping processes, one round each
#   RUNS=30          hyperfine runs for the fast commands
#   SLOW_RUNS=10     hyperfine runs at the largest N, and for psutil
#   WARMUP=2         hyperfine warmup runs
#   NO_SPLICE=1      write build/bench/ps/ps.md but leave bench/RESULTS.md alone
# The binaries timed are snapshots (build/bench/ps/glibc, static).
set -euo pipefail

NS=${NS:-"2000 10000"}
RUNS=${RUNS:-30}
SLOW_RUNS=${SLOW_RUNS:-10}
WARMUP=${WARMUP:-2}

cd "$(dirname "$0")/.." || exit 1
. bench/common.sh
[ -f Makefile ] && [ -f applets/applets.h ] || die "$PWD is not the syskit repo"
OUT=build/bench/ps
mkdir -p "$OUT"

# ---- tools ----
command -v hyperfine >/dev/null || apt_install hyperfine
command -v toybox >/dev/null || apt_install toybox
[ -x /usr/bin/ps ] || apt_install procps
[ -x /usr/bin/time ] || apt_install time
command -v strace >/dev/null || apt_install strace
if [ ! -x "$PY" ] || ! "$PY" -c 'import psutil' 2>/dev/null; then
	apt_install python3 python3-psutil
fi

# ---- build: syskit snapshots (glibc; musl static when build/musl is there), the floor ----
bench_snapshot "$OUT"
bench_busybox
bench_cc "$OUT/procfloor" bench/procfloor.c
F=$OUT/procfloor

# The holder: a new session and process group; N children that pause.
cat >"$OUT/holder.c" <<'EOF'
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	long n, i;
	FILE *f;

	if (argc != 3 || (n = strtol(argv[1], NULL, 10)) <= 0 || setsid() == -1)
		return 2;
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == -1)
			return 1;
		if (pid == 0) {
			for (;;)
				pause();
		}
	}
	if ((f = fopen(argv[2], "w")) == NULL)
		return 1;
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
	for (;;)
		pause();
}
EOF
if command -v musl-gcc >/dev/null; then
	musl-gcc -static -Os -o "$OUT/holder" "$OUT/holder.c"	# small children
else
	cc -O2 -o "$OUT/holder" "$OUT/holder.c"
fi

# psutil doing what `syskit ps --json` does: the same fields, as JSON
cat >"$OUT/psutil_ps.py" <<'EOF'
import json, psutil
attrs = ["pid", "ppid", "name", "exe", "cmdline", "status", "username", "uids",
         "gids", "create_time", "cpu_times", "memory_info", "memory_percent",
         "num_threads", "num_fds", "terminal", "nice", "cpu_num",
         "num_ctx_switches"]
print(json.dumps([p.info for p in psutil.process_iter(attrs)], default=list))
EOF

HOLDER=
cleanup() {
	local _
	if [ -n "$HOLDER" ]; then
		kill -KILL -- "-$HOLDER" 2>/dev/null || true
		# wait (up to 20s) for the group to be gone and reaped
		for _ in $(seq 200); do
			kill -0 -- "-$HOLDER" 2>/dev/null || break
			sleep 0.1
		done
		HOLDER=
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_holder() {
	rm -f "$OUT/holder.ready"
	"$OUT/holder" "$1" "$OUT/holder.ready" </dev/null >/dev/null 2>&1 &
	disown	# killed by its group in cleanup: no job notice
	local _
	for _ in $(seq 600); do
		if [ -s "$OUT/holder.ready" ]; then
			HOLDER=$(cat "$OUT/holder.ready")
			return 0
		fi
		sleep 0.05
	done
	die "the holder of $1 processes is not ready after 30s"
}

# ---- metadata ----
{
	bench_meta
	echo "procps=$(/usr/bin/ps --version | sed 's/.* //')"
	echo "busybox=$BB_VERSION (busybox-static, $BB)"
	[ -n "$BB_DYN" ] && echo "busybox_dyn=$BB_DYN_VERSION (dynamic, $BB_DYN)"
	echo "toybox=$(toybox --version 2>&1 | cut -d' ' -f2)"
	echo "psutil=$("$PY" -c 'import psutil; print(psutil.__version__)')"
	echo "have_static=$HAVE_STATIC"
	echo "runs=RUNS=$RUNS SLOW_RUNS=$SLOW_RUNS WARMUP=$WARMUP NS=\"$NS\""
} >"$OUT/meta.env"


nprocs() { ls -f /proc | grep -c '^[0-9]'; }
# hfp: hf, with the number of processes before and after the group: other
# work on the machine may start or end processes meanwhile
hfp() {
	local grp=$1
	echo "procs_${grp}_before=$(nprocs)" >>"$OUT/meta.env"
	hf "$@"
	echo "procs_${grp}_after=$(nprocs)" >>"$OUT/meta.env"
}
TOYAUX="toybox ps -A -o USER,PID,%CPU,%MEM,VSZ,RSS,TTY,STAT,STIME,TIME,ARGS"
last=${NS##* }
for n in $NS; do
	say "starting $n sleeping processes"
	start_holder "$n"
	procs=$(nprocs)
	echo "procs_$n=$procs" >>"$OUT/meta.env"
	slow=$RUNS
	[ "$n" = "$last" ] && slow=$SLOW_RUNS
	# what each /proc/PID file costs: the floor with it, alone, against
	# the floor that only lists /proc
	FLOOR=("list /proc|$F -n" "stat|$F stat" "status|$F status"
	    "cmdline|$F cmdline" "statm|$F statm" "comm|$F comm"
	    "stat statm|$F stat statm" "comm statm|$F comm statm"
	    "stat status cmdline|$F stat status cmdline")
	STAT=("floor|$F" "syskit -o pid,ppid,vsz,comm|$S ps -e -o pid,ppid,vsz,comm"
	    "syskit -e|$S ps -e")
	[ "$HAVE_STATIC" = 1 ] && STAT+=("static -o pid,ppid,vsz,comm|$T ps -e -o pid,ppid,vsz,comm")
	RSS=("floor|$F" "floor stat+statm|$F stat statm"
	    "floor comm+statm|$F comm statm"
	    "syskit -o pid,rss,comm|$S ps -e -o pid,rss,comm")
	[ "$HAVE_STATIC" = 1 ] && RSS+=("static -o pid,rss,comm|$T ps -e -o pid,rss,comm")
	RSS+=("busybox-static -o pid,rss,comm|$BB ps -o pid,rss,comm")
	[ -n "$BB_DYN" ] && RSS+=("busybox (dynamic) -o pid,rss,comm|$BB_DYN ps -o pid,rss,comm")
	RSS+=("toybox -o pid,rss,comm|toybox ps -e -o pid,rss,comm"
	    "procps -o pid,rss,comm|/usr/bin/ps -e -o pid,rss,comm")
	# BusyBox's default columns are PID USER TIME COMMAND; -o pid,user,args
	# is the same listing without TIME
	UARGS=("floor stat+cmdline|$F stat cmdline" "syskit -o pid,user,args|$S ps -e -o pid,user,args")
	[ "$HAVE_STATIC" = 1 ] && UARGS+=("static -o pid,user,args|$T ps -e -o pid,user,args")
	UARGS+=("busybox-static -o pid,user,args|$BB ps -o pid,user,args")
	[ -n "$BB_DYN" ] && UARGS+=("busybox (dynamic) -o pid,user,args|$BB_DYN ps -o pid,user,args")
	UARGS+=("procps -o pid,user,args|/usr/bin/ps -e -o pid,user,args")
	AUX=("floor stat+status+cmdline|$F stat status cmdline"
	    "floor stat+status+cmdline, batched closes|$F -b stat status cmdline" "syskit aux|$S ps aux")
	[ "$HAVE_STATIC" = 1 ] && AUX+=("static aux|$T ps aux")
	AUX+=("procps aux|/usr/bin/ps aux" "toybox aux|$TOYAUX")
	FOREST=("syskit -ef --forest|$S ps -ef --forest" "procps -ef --forest|/usr/bin/ps -ef --forest")
	JSON=("syskit --json|$S ps --json" "psutil process_iter|$PY $OUT/psutil_ps.py")
	for e in "${FLOOR[@]}" "${STAT[@]}" "${RSS[@]}" "${UARGS[@]}" "${AUX[@]}" "${FOREST[@]}" "${JSON[@]}"; do
		# shellcheck disable=SC2086
		${e#*|} >/dev/null || die "fails: ${e#*|}"
	done
	hfp "$n-floor" "$RUNS" "$WARMUP" "${FLOOR[@]}"
	hfp "$n-stat" "$RUNS" "$WARMUP" "${STAT[@]}"
	hfp "$n-rss" "$slow" "$WARMUP" "${RSS[@]}"
	hfp "$n-user" "$slow" "$WARMUP" "${UARGS[@]}"
	hfp "$n-aux" "$slow" "$WARMUP" "${AUX[@]}"
	hfp "$n-forest" "$slow" "$WARMUP" "${FOREST[@]}"
	hfp "$n-json" "$SLOW_RUNS" "$WARMUP" "${JSON[@]}"
	# system calls of each command (strace -c -f): name, calls in all
	if command -v strace >/dev/null; then
		for e in "${RSS[@]}" "${UARGS[@]}" "${AUX[@]}"; do
			# shellcheck disable=SC2086
			strace -c -f -o "$OUT/strace.tmp" ${e#*|} >/dev/null 2>&1 || die "fails under strace: ${e#*|}"
			printf '%s\t%s\t%s\n' "${e%%|*}" "$(awk '$NF == "total" { print $4 }' "$OUT/strace.tmp")" "$(nprocs)"
		done >"$OUT/$n-syscalls.tsv"
	fi
	# peak RSS of each command: the largest of three runs
	for e in "${FLOOR[@]}" "${STAT[@]}" "${RSS[@]}" "${UARGS[@]}" "${AUX[@]}" "${FOREST[@]}" "${JSON[@]}"; do
		for _ in 1 2 3; do
			# shellcheck disable=SC2086
			/usr/bin/time -f "%M" -o "$OUT/peak.tmp" ${e#*|} >/dev/null 2>&1 || die "fails: ${e#*|}"
			printf '%s\t%s\n' "${e%%|*}" "$(cat "$OUT/peak.tmp")"
		done
	done >"$OUT/$n-peak.tsv"
	cleanup
done

# ---- the report ----
cat >"$OUT/report.py" <<'EOF'
import json, os, sys

out = sys.argv[1]
meta = {}
for line in open(os.path.join(out, "meta.env")):
    k, _, v = line.rstrip("\n").partition("=")
    meta[k] = v
ns = meta["runs"].split('NS="')[1].rstrip('"').split()
BBS, BBD = "busybox-static", "busybox (dynamic)"

def load(n, group):
    p = os.path.join(out, "%s-%s.json" % (n, group))
    return {r["command"]: r for r in json.load(open(p))["results"]}

def cpu(r):                      # mean user + system, seconds
    return r["user"] + r["system"]

def peaks(n):                    # command name -> peak RSS, KiB (largest of 3 runs)
    d = {}
    for line in open(os.path.join(out, "%s-peak.tsv" % n)):
        name, _, kib = line.rstrip("\n").rpartition("\t")
        d[name] = max(d.get(name, 0), int(kib))
    return d

def syscalls(n):                 # command name -> system calls of one run (strace -c -f)
    """command name -> (system calls, processes on the machine just after)"""
    d, p = {}, os.path.join(out, "%s-syscalls.tsv" % n)
    if os.path.exists(p):
        for line in open(p):
            f = line.rstrip("\n").split("\t")
            if len(f) == 3 and f[1].isdigit() and f[2].isdigit():
                d[f[0]] = (int(f[1]), int(f[2]))
    return d

def drift(n, grp):
    """The process count's change during a group, as a fraction."""
    a, b = meta.get("procs_%s-%s_before" % (n, grp)), meta.get("procs_%s-%s_after" % (n, grp))
    if not a or not b:
        return None, None, 0.0
    a, b = int(a), int(b)
    return a, b, abs(b - a) / float(min(a, b))

def load_note(meta):
    """A sentence when the machine was busy before the run, else None."""
    la = meta.get("loadavg_before", "").split()
    if not la or float(la[0]) <= float(meta["nproc"]):
        return None
    return ("**A loaded machine:** the load average before the run was %s on %s CPUs, so other work "
            "shared the CPUs while this ran; the σ show how much. Compare ratios from one run only."
            % (la[0], meta["nproc"]))

L = []
w = L.append
w("## ps")
w("")
w("%s; %s CPUs (%s), kernel %s, load average %s before; procps-ng %s, %s%s, toybox %s, psutil %s; "
  "hyperfine %s (%s); syskit %s (snapshots of build/syskit and build/static/syskit)." % (
    meta["date"], meta["nproc"], meta["cpu"], meta["kernel"], meta["loadavg_before"],
    meta["procps"], meta["busybox"],
    (", second reference " + meta["busybox_dyn"]) if "busybox_dyn" in meta else
    " (no dynamic BusyBox on this machine)",
    meta["toybox"], meta["psutil"], meta["hyperfine"], meta["runs"],
    meta["commit"].replace("+dirty", " + uncommitted changes")))
if load_note(meta):
    w("")
    w(load_note(meta))
w("")
w("N sleeping processes are forked by a holder in their own session (bench/ps.sh) and the whole /proc is listed. "
  "The figure is **CPU time (user + system) per process listed**: hyperfine's mean user + system time over the "
  "number of processes on the machine (the mean of the counts before and after the command's group). *floor* is bench/procfloor.c: readdir /proc, then open, read and close "
  "the named /proc/PID files once per process, nothing else (*floor* alone: stat). Ratios are of those CPU "
  "times; *peer / syskit* above 1 means syskit uses less CPU (each peer against the glibc build; the static "
  "build's own ratios are in the goals). *peak RSS* is the largest maximum resident set of three runs "
  "(/usr/bin/time %M). BusyBox rows name their build; busybox-static (the BusyBox containers ship) is the "
  "main peer, a dynamic BusyBox only a second reference.")
w("")
goals = []
notes = []
for n in ns:
    procs = int(meta["procs_%s" % n])
    def gprocs(grp):             # the group's mean count of processes (the round's without one)
        a, b, _ = drift(n, grp)
        return (a + b) / 2.0 if a else procs
    g = {k: load(n, k) for k in ("floor", "stat", "rss", "user", "aux", "forest", "json")}
    pk = peaks(n)
    sc = syscalls(n)
    # system calls per process listed, "?" without strace
    spp = lambda name: ("%.2f" % (sc[name][0] / float(sc[name][1]))) if name in sc else "?"
    usr = lambda grp, name: g[grp][name]["user"] / gprocs(grp) * 1e6
    sys_ = lambda grp, name: g[grp][name]["system"] / gprocs(grp) * 1e6
    s = lambda grp, name: cpu(g[grp][name]) / gprocs(grp) * 1e6
    has = lambda grp, name: name in g[grp]
    w("### N = %s (%d processes listed: the %s and %d others)" % (n, procs, n, procs - int(n)))
    w("")
    # what each file costs, from the floors of this run
    fl = {k: s("floor", k) for k in g["floor"]}
    base = fl["list /proc"]
    w("What reading one /proc/PID file costs (floor with that file alone, less the floor that only lists /proc), "
      "CPU µs per process: listing %.2f; %s." % (
          base, ", ".join("%s %.2f" % (k, fl[k] - base)
                          for k in ("stat", "status", "cmdline", "statm", "comm"))))
    w("")
    w("| command | CPU µs / process | wall ms, mean ± σ | runs | vs floor (stat) | peer / syskit | peak RSS KiB |")
    w("|---|---:|---:|---:|---:|---:|---:|")
    floor = s("stat", "floor")
    def row(grp, name, base=None):
        r = g[grp][name]
        peer = "" if base is None or not has(grp, base) else "%.2fx" % (s(grp, name) / s(grp, base))
        w("| %s | %.2f | %.1f ± %.1f | %d | %.2f | %s | %s |" % (
            name, s(grp, name), r["mean"] * 1e3, r["stddev"] * 1e3, len(r["times"]), s(grp, name) / floor, peer,
            pk.get(name, "")))
    for name in g["stat"]:
        row("stat", name)
    for grp, mine in (("rss", "syskit -o pid,rss,comm"), ("user", "syskit -o pid,user,args"),
                      ("aux", "syskit aux"), ("forest", "syskit -ef --forest"),
                      ("json", "syskit --json")):
        for name in g[grp]:
            if name == "floor":
                continue
            ours = name.startswith("syskit") or name.startswith("static") or name.startswith("floor")
            row(grp, name, None if ours else mine)
    w("")
    moved = []
    for grp in ("floor", "stat", "rss", "user", "aux", "forest", "json"):
        a, b, f = drift(n, grp)
        if f > 0.02:
            moved.append("%s %d → %d" % (grp, a, b))
    if moved:
        w("**The number of processes changed while groups ran** (other work on the machine): %s. A group's "
          "figures divide by the mean of its counts before and after, but its commands ran one after the other, "
          "so those groups' ratios carry that change too." % "; ".join(moved))
        w("")
    rss, stat_only = s("rss", "syskit -o pid,rss,comm"), s("stat", "syskit -o pid,ppid,vsz,comm")
    bb_rss = s("rss", BBS + " -o pid,rss,comm")
    pp_rss = s("rss", "procps -o pid,rss,comm")
    rss_floor = s("rss", "floor comm+statm")
    bb_user, user_floor = s("user", BBS + " -o pid,user,args"), s("user", "floor stat+cmdline")
    aux_floor = s("aux", "floor stat+status+cmdline")
    BATCHED = "floor stat+status+cmdline, batched closes"
    aux, pp_aux = s("aux", "syskit aux"), s("aux", "procps aux")
    goals.append((n, "stat-only formats ≤ 1.25x floor: `-e -o pid,ppid,vsz,comm`", stat_only / floor, "≤ 1.25", stat_only / floor <= 1.25))
    r = s("stat", "syskit -e") / floor
    goals.append((n, "stat-only formats ≤ 1.25x floor: `-e` (PID TTY TIME CMD)", r, "≤ 1.25", r <= 1.25))
    r = rss / floor
    goals.append((n, "`-e -o pid,rss,comm` ≤ 1.25x floor (rss needs statm, see below)", r, "≤ 1.25", r <= 1.25))
    r = rss / rss_floor
    goals.append((n, "`-e -o pid,rss,comm` ≤ 1.05x the floor of the files it reads (comm, statm)", r, "≤ 1.05", r <= 1.05))
    # busybox-static / syskit: within 1.2x (≥ 0.83) for the glibc build, less CPU (> 1) for the static one
    for what, grp, ours, bb in (("`-e -o pid,rss,comm` (exact rss)", "rss", "pid,rss,comm", bb_rss),
                                ("`-e -o pid,user,args`", "user", "pid,user,args", bb_user)):
        r = bb / s(grp, "syskit -o " + ours)
        goals.append((n, what + ": busybox-static / glibc build, within 1.2x", r, "≥ 0.83", r >= 1 / 1.2))
        if has(grp, "static -o " + ours):
            r = bb / s(grp, "static -o " + ours)
            goals.append((n, what + ": busybox-static / static build, less CPU", r, "> 1", r > 1))
    r = bb_rss / rss
    goals.append((n, "`-o pid,rss,comm` 2x faster than busybox-static", r, "≥ 2", r >= 2))
    r = pp_rss / rss
    goals.append((n, "`-o pid,rss,comm` 4x faster than procps", r, "≥ 4", r >= 4))
    r = s("rss", "toybox -o pid,rss,comm") / rss
    goals.append((n, "`-o pid,rss,comm` faster than toybox", r, "> 1", r > 1))
    r = s("user", "syskit -o pid,user,args") / user_floor
    goals.append((n, "`-e -o pid,user,args` ≤ 1.05x the floor of stat + cmdline (the user is one stat more)", r, "≤ 1.05", r <= 1.05))
    r = aux / aux_floor
    goals.append((n, "`ps aux` ≤ 1.05x the floor of the files it reads (stat, status, cmdline)", r, "≤ 1.05", r <= 1.05))
    if has("aux", "static aux"):
        r = s("aux", "static aux") / aux_floor
        goals.append((n, "`ps aux`, static build, ≤ 1.05x that floor", r, "≤ 1.05", r <= 1.05))
    r = pp_aux / aux
    goals.append((n, "`ps aux` 3x faster than procps", r, "≥ 3", r >= 3))
    r = s("aux", "toybox aux") / aux
    goals.append((n, "`ps aux` faster than toybox (its -A -o equivalent)", r, "> 1", r > 1))
    r = s("forest", "procps -ef --forest") / s("forest", "syskit -ef --forest")
    goals.append((n, "`ps -ef --forest` faster than procps", r, "> 1", r > 1))
    r = s("json", "psutil process_iter") / s("json", "syskit --json")
    goals.append((n, "`ps --json` faster than psutil", r, "> 1", r > 1))
    if n == ns[-1]:
        notes.append(
            "Figures from the N = %s round. `rss` and `%%mem` read /proc/PID/statm, because stat's rss is "
            "the kernel's per-CPU counter estimate and can differ from the exact count that procps (status VmRSS) and "
            "psutil (statm) show; syskit shows the exact count (tests/ps.bats compares it with procps). With pid, rss "
            "and the name alone, the name comes from /proc/PID/comm, not stat (the same text; stat formats some forty "
            "fields). statm costs %.2f µs per process in this run, comm %.2f, stat %.2f: the floor of comm + statm is "
            "%.2fx the floor of stat (stat + statm: %.2fx), and syskit's rss listing is %.2fx the stat floor and %.2fx "
            "the comm + statm floor. %s prints stat's estimate and costs %.2fx the stat floor: a ps that reads the "
            "name and the exact rss (comm and statm, two files where BusyBox reads one), even at their floor, uses "
            "%.2fx its CPU. syskit's stat-only listing is %.2fx the floor and %.2fx faster than procps's rss listing. "
            "System calls per process (strace -c -f, over the count of processes just after): syskit %s, the comm + statm floor %s, %s %s."
            % (n, fl["statm"] - base, fl["comm"] - base, fl["stat"] - base, fl["comm statm"] / fl["stat"],
               fl["stat statm"] / fl["stat"], rss / floor, rss / rss_floor, BBS,
               bb_rss / floor, rss_floor / bb_rss, stat_only / floor, pp_rss / stat_only,
               spp("syskit -o pid,rss,comm"), spp("floor comm+statm"), BBS, spp(BBS + " -o pid,rss,comm")))
        notes.append(
            "`-o pid,user,args` reads cmdline and the owner of /proc/PID (one stat: the kernel gives a pid's "
            "directory its task's euid, dumpable or not), and stat only where the command line is empty (a kernel "
            "thread, a zombie: args shows [comm] then); %s reads stat, cmdline and the owner for every process. "
            "The floor of stat + cmdline is %.2f µs per process; syskit takes %.2f µs (%.2fx), the static build %s, "
            "%s %.2f µs. System calls per process (strace -c -f): syskit %s, the static build %s, %s %s, "
            "the stat + cmdline floor %s."
            % (BBS, user_floor, s("user", "syskit -o pid,user,args"),
               s("user", "syskit -o pid,user,args") / user_floor,
               ("%.2f µs" % s("user", "static -o pid,user,args")) if has("user", "static -o pid,user,args") else "not run",
               BBS, bb_user, spp("syskit -o pid,user,args"), spp("static -o pid,user,args"), BBS,
               spp(BBS + " -o pid,user,args"), spp("floor stat+cmdline")))
        notes.append(
            "`ps aux` needs stat, status (the L flag's VmLck, VmRSS) and cmdline: reading those three costs %.2f µs per "
            "process in this run (the floor of all three; stat %.2f + status %.2f + cmdline %.2f µs above a listing "
            "of %.2f µs, measured one by one), whoever reads them. procps aux takes %.2f µs, %.2fx that floor, so "
            "even a ps at the floor would be %.2fx faster than procps%s. syskit aux takes %.2f µs, %.2fx the floor "
            "(%+.2f µs per process: user %+.2f, system %+.2f against the floor's)%s. syskit closes the files it "
            "reads 64 at a time, one close_range per run of consecutive descriptors (lib/fs, fs_batch): the floor "
            "doing the same (procfloor -b) takes %.2f µs, %.2fx the plain floor, and syskit aux %.2fx it%s. "
            "System calls per process (strace -c -f): syskit %s, the static build %s, the floor %s, the floor "
            "with batched closes %s."
            % (aux_floor, fl["stat"] - base, fl["status"] - base, fl["cmdline"] - base, base,
               pp_aux, pp_aux / aux_floor, pp_aux / aux_floor,
               "" if pp_aux / aux_floor >= 3 else ", short of 3x, without dropping status",
               aux, aux / aux_floor, aux - aux_floor,
               usr("aux", "syskit aux") - usr("aux", "floor stat+status+cmdline"),
               sys_("aux", "syskit aux") - sys_("aux", "floor stat+status+cmdline"),
               ("; the static build %.2f µs, %.2fx (user %+.2f, system %+.2f)"
                % (s("aux", "static aux"), s("aux", "static aux") / aux_floor,
                   usr("aux", "static aux") - usr("aux", "floor stat+status+cmdline"),
                   sys_("aux", "static aux") - sys_("aux", "floor stat+status+cmdline")))
               if has("aux", "static aux") else "",
               s("aux", BATCHED), s("aux", BATCHED) / aux_floor, aux / s("aux", BATCHED),
               (", the static build %.2fx" % (s("aux", "static aux") / s("aux", BATCHED)))
               if has("aux", "static aux") else "",
               spp("syskit aux"), spp("static aux"), spp("floor stat+status+cmdline"), spp(BATCHED)))
w("### Goals")
w("")
w("| N | goal | measured | target | verdict |")
w("|---:|---|---:|---:|---|")
for n, what, v, t, ok in goals:
    w("| %s | %s | %.2f | %s | **%s** |" % (n, what, v, t, "met" if ok else "missed"))
w("")
for note in notes:
    w(note)
    w("")
w("The other peers' figures are their own options' equivalents: `toybox ps aux` is refused (\"bad aux\"), so "
  "toybox runs `ps -A -o USER,PID,%CPU,%MEM,VSZ,RSS,TTY,STAT,STIME,TIME,ARGS`; BusyBox ps has no -e (it lists all).")
open(os.path.join(out, "ps.md"), "w").write("\n".join(L) + "\n")
EOF
"$PY" "$OUT/report.py" "$OUT"
say "report: $OUT/ps.md"

splice_results ps "$OUT/ps.md"
