#!/usr/bin/env bash
# bench/tempdir.sh: benchmark `syskit tempdir` against what it replaces,
# then rewrite the tempdir section of bench/RESULTS.md.
#
#   1. removing a tree of 100000 files in 1000 directories: syskit tempdir
#      (its command moves the prepared tree into the temporary directory,
#      one rename, so the removal is syskit's), `rm -rf`, and python3's
#      shutil.rmtree; hyperfine builds the tree in a --prepare step
#      (tests/progs/mktree) before every run;
#   2. a temporary directory around a command: `syskit tempdir -- true`
#      (both builds) against `sh -c 'd=$(mktemp -d); true; rm -rf "$d"'`
#      with coreutils and with busybox-static's mktemp and rm;
#   3. the job BusyBox also does: `syskit tempdir` (create, print the
#      path) against busybox-static's `mktemp -d` and coreutils' (CPU).
#
# The trees live on a tmpfs mounted for the run when we are root (making
# 100000 files on this machine's disk costs about a millisecond each, which
# would make every prepare step take minutes); DISK=1 uses $TMPDIR instead.
#
# Usage, from anywhere:  bench/tempdir.sh
# Knobs: RUNS=10 (tree removals per command), TRUE_RUNS=300, WARMUP=10,
# DISK=1, NO_SPLICE=1 (leave RESULTS.md).
# Output: build/bench/tempdir/*.json (hyperfine), build/bench/tempdir/tempdir.md,
# spliced between the tempdir markers of bench/RESULTS.md.
set -euo pipefail

RUNS=${RUNS:-10}
TRUE_RUNS=${TRUE_RUNS:-300}
WARMUP=${WARMUP:-10}
DISK=${DISK:-0}

cd "$(dirname "$0")/.." || exit 1
[ -f Makefile ] && [ -f applets/tempdir.c ] || { echo "bench: $PWD is not the syskit repo" >&2; exit 1; }
OUT=build/bench/tempdir
mkdir -p "$OUT"
. bench/common.sh
need hyperfine hyperfine
[ -x "$PY" ] || need python3 python3
bench_busybox

say "building syskit (make)"
make -j2 >"$OUT/make.log" 2>&1 || { tail -n 30 "$OUT/make.log"; die "make failed"; }
HAVE_STATIC=0
if [ -f build/musl/prefix/lib/libbsd.a ]; then
	make static >>"$OUT/make.log" 2>&1 || { tail -n 30 "$OUT/make.log"; die "make static failed"; }
	HAVE_STATIC=1
fi
# others may rebuild build/ while this runs: time snapshots
cp build/syskit "$OUT/syskit.tmp" && mv -f "$OUT/syskit.tmp" "$OUT/syskit"
cp build/mktree "$OUT/mktree.tmp" && mv -f "$OUT/mktree.tmp" "$OUT/mktree"
[ "$HAVE_STATIC" = 0 ] ||
    { cp build/static/syskit "$OUT/static.tmp" && mv -f "$OUT/static.tmp" "$OUT/syskit-static"; }
S=$PWD/$OUT/syskit
MK=$PWD/$OUT/mktree

TMP=$(mktemp -d "${TMPDIR:-/tmp}/syskit-bench-tempdir.XXXXXX")
MOUNTED=0
cleanup() {
	[ "$MOUNTED" = 0 ] || umount -l "$TMP" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ "$DISK" != 1 ] && [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=2g tmpfs "$TMP"; then
	MOUNTED=1
fi
FS=$(stat -f -c %T "$TMP")
[ "$FS" = tmpfs ] || say "trees on $FS: each prepare step will be slow"

{
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "nproc=$(nproc)"
	echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "kernel=$(uname -r)"
	echo "loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
	echo "hyperfine=$(hyperfine --version | cut -d' ' -f2)"
	echo "coreutils=$(rm --version | head -n 1)"
	echo "python=$("$PY" --version 2>&1)"
	echo "fs=$FS"
	echo "runs=RUNS=$RUNS TRUE_RUNS=$TRUE_RUNS WARMUP=$WARMUP"
	echo "busybox=$BB_VERSION (busybox-static, $BB)"
	[ -n "$BB_DYN" ] && echo "busybox_dyn=$BB_DYN_VERSION (dynamic, $BB_DYN)"
} >"$OUT/meta.env"

# ---- 1. removing 100000 files in 1000 directories ----
T=$TMP/tree
say "removal: $RUNS runs each, a tree of 1000 x 100 files built before each"
hyperfine -N --style basic --runs "$RUNS" \
    --prepare "$MK wide $T 1000 100" \
    --export-json "$OUT/rm.json" \
    -n "syskit tempdir" "$S tempdir -p $TMP -- mv $T ." \
    -n "rm -rf" "rm -rf $T" \
    -n "shutil.rmtree" "$PY -c 'import shutil,sys; shutil.rmtree(sys.argv[1])' $T" \
    >"$OUT/rm.txt" 2>&1 || { cat "$OUT/rm.txt"; die "hyperfine rm failed"; }
[ ! -e "$T" ] || die "the tree is still there after the removals"
[ -z "$(ls -A "$TMP")" ] || die "something was left in $TMP: $(ls -A "$TMP")"

# ---- 2. a directory around `true` ----
say "around true: $TRUE_RUNS runs each"
entries=("syskit tempdir -- true|$S tempdir -p $TMP -- true")
[ "$HAVE_STATIC" = 0 ] ||
    entries+=("static syskit tempdir -- true|$PWD/$OUT/syskit-static tempdir -p $TMP -- true")
entries+=("sh mktemp -d; true; rm -rf|sh -c 'd=\$(mktemp -d -p $TMP); true; rm -rf \"\$d\"'")
entries+=("sh busybox-static mktemp -d; true; rm -rf|sh -c 'd=\$($BB mktemp -d -p $TMP); true; $BB rm -rf \"\$d\"'")
hf true "$TRUE_RUNS" "$WARMUP" "${entries[@]}"
[ -z "$(ls -A "$TMP")" ] || die "something was left in $TMP: $(ls -A "$TMP")"

# ---- 3. create one, print its path: mktemp -d's job ----
say "mktemp -d: $TRUE_RUNS runs each"
entries=("syskit tempdir (glibc)|$S tempdir -p $TMP/mk")
[ "$HAVE_STATIC" = 0 ] ||
    entries+=("syskit tempdir (static)|$PWD/$OUT/syskit-static tempdir -p $TMP/mk")
entries+=("busybox-static mktemp -d|$BB mktemp -d -p $TMP/mk" "mktemp -d|mktemp -d -p $TMP/mk")
[ -z "$BB_DYN" ] || entries+=("busybox (dynamic) mktemp -d|$BB_DYN mktemp -d -p $TMP/mk")
mkdir -p "$TMP/mk"
hf mktemp "$TRUE_RUNS" "$WARMUP" "${entries[@]}"
: >"$OUT/rss.tsv"
rss_of "$OUT/rss.tsv" 5 "${entries[@]}"
rm -rf "$TMP/mk"

# ---- the report ----
"$PY" - "$OUT" >"$OUT/tempdir.md" <<'PYEOF'
import json, os, sys
out = sys.argv[1]
meta = dict(l.rstrip("\n").split("=", 1) for l in open(os.path.join(out, "meta.env")))

def load(name):
    return {r["command"]: r for r in json.load(open(os.path.join(out, name)))["results"]}

def ms(r):
    return "%.1f ± %.1f" % (r["mean"] * 1e3, (r["stddev"] or 0) * 1e3)

def ratio(a, b):
    m = a["mean"] / b["mean"]
    e = m * (((a["stddev"] or 0) / a["mean"]) ** 2 + ((b["stddev"] or 0) / b["mean"]) ** 2) ** 0.5
    return "%.2f ± %.2f" % (m, e)

def med(a, b):
    return "%.2f" % (a["median"] / b["median"])

rm, tr, mk = load("rm.json"), load("true.json"), load("mktemp.json")
rss = dict(l.rstrip("\n").split("\t") for l in open(os.path.join(out, "rss.tsv")))
p = print
p("Measured %s on %s CPUs (%s), kernel %s; load average %s before." %
  (meta["date"], meta["nproc"], meta["cpu"], meta["kernel"], meta["loadavg"]))
p("syskit %s; hyperfine %s, %s, %s, %s%s. Trees on %s. Regenerate with `bench/tempdir.sh` (%s; raw data in build/bench/tempdir/)." %
  (meta["commit"], meta["hyperfine"], meta["coreutils"], meta["python"], meta["busybox"],
   ("; second reference " + meta["busybox_dyn"]) if "busybox_dyn" in meta else "; no dynamic BusyBox on this machine",
   meta["fs"], meta["runs"]))
p("")
p("Method: hyperfine `-N`; mean ± σ and the median. For the removal, a `--prepare` step (not timed) builds 1000 directories of 100 empty files each with tests/progs/mktree before every run; `syskit tempdir -- mv TREE .` moves it into the temporary directory (one rename), so what is timed is syskit's start, the command, and the safe removal of 101001 entries. shutil.rmtree includes the interpreter's start, as the command a script would run.")
p("")
def cpu(r):
    return r["user"] + r["system"]
p("| command | wall ms | median ms | CPU ms | runs |")
p("|---|---:|---:|---:|---:|")
for d in (rm, tr, mk):
    for k, r in d.items():
        p("| %s | %s | %.1f | %.3f | %d |" % (k, ms(r), r["median"] * 1e3, cpu(r) * 1e3, len(r["times"])))
p("")
s = rm["syskit tempdir"]
p("| ratio (lower is faster for syskit) | mean | median | goal |")
p("|---|---:|---:|---|")
for peer, goal in (("rm -rf", "≤ 1: at least as fast"), ("shutil.rmtree", "far below 1")):
    r = s["mean"] / rm[peer]["mean"]
    ok = r <= 1.05 if peer == "rm -rf" else r < 0.5
    p("| syskit tempdir / %s, removing 100000 files | %s | %s | %s: %s |" %
      (peer, ratio(s, rm[peer]), med(s, rm[peer]), goal, "met" if ok else "missed"))
sh = tr["sh mktemp -d; true; rm -rf"]
for k in tr:
    if k.startswith("sh "):
        continue
    p("| %s / sh (mktemp -d; true; rm -rf) | %s | %s | |" % (k, ratio(tr[k], sh), med(tr[k], sh)))
p("")
p("mktemp -d's job (create a directory, print its path), CPU = user + system; "
  "busybox-static is the main peer: the static build below it, the glibc build within 1.2× of it. "
  "Peak RSS: `/usr/bin/time %M`, the median of 5 runs.")
p("")
p("| syskit | peer | syskit / peer (CPU) | wall mean | wall median | goal | peak RSS KiB, syskit / peer |")
p("|---|---|---:|---:|---:|---|---:|")
BB = "busybox-static mktemp -d"
for k in ("syskit tempdir (glibc)", "syskit tempdir (static)"):
    if k not in mk:
        continue
    for peer in (BB, "mktemp -d", "busybox (dynamic) mktemp -d"):
        if peer not in mk:
            continue
        q = cpu(mk[k]) / cpu(mk[peer])
        goal = ""
        if peer == BB:
            t = 1.0 if "static" in k else 1.2
            ok = q < t if t == 1.0 else q <= t
            goal = "%s: %s" % ("< 1" if t == 1.0 else "≤ 1.2", "met" if ok else "missed")
        p("| %s | %s | %.2f | %s | %s | %s | %s / %s |" % (k, peer, q, ratio(mk[k], mk[peer]), med(mk[k], mk[peer]), goal,
                                                rss.get(k, "?"), rss.get(peer, "?")))
PYEOF
cat "$OUT/tempdir.md"
splice_results tempdir "$OUT/tempdir.md"
