# bench/common.sh: what every bench/APPLET.sh shares.  Sourced from the repo
# root after `set -euo pipefail`.

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

# Debian's python, where python3-psutil lives (a pyenv shim may come first
# in PATH and have no psutil).
PY=/usr/bin/python3

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
	say "installing $*"
	as_root apt-get update -qq >/dev/null
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# need COMMAND PACKAGE: install PACKAGE when COMMAND is missing.
need() {
	command -v "$1" >/dev/null || apt_install "$2"
}

# splice_results APPLET FILE: put FILE between APPLET's markers in
# bench/RESULTS.md (a new "## APPLET" section at the end when it has none),
# unless NO_SPLICE=1.
splice_results() {
	[ "${NO_SPLICE:-0}" != 1 ] || return 0
	"$PY" - "$1" "$2" bench/RESULTS.md <<'PYEOF'
import os, sys
applet, body, path = sys.argv[1], open(sys.argv[2]).read().rstrip("\n"), sys.argv[3]
B, E = "<!-- %s:begin -->" % applet, "<!-- %s:end -->" % applet
text = open(path).read() if os.path.exists(path) else "# syskit benchmarks\n"
if B in text and E in text and text.index(B) < text.index(E):
    head, rest = text.split(B, 1)
    text = head + B + "\n" + body + "\n" + E + rest.split(E, 1)[1]
else:
    text = text.rstrip("\n") + "\n\n## %s\n\n" % applet + B + "\n" + body + "\n" + E + "\n"
open(path + ".tmp", "w").write(text)
os.replace(path + ".tmp", path)
PYEOF
	say "bench/RESULTS.md: $1 section rewritten"
}

# hf GROUP RUNS WARMUP ENTRY...: one hyperfine -N group of "name|command"
# entries, its JSON in $OUT/GROUP.json and its text in $OUT/GROUP.txt.
hf() {
	local group=$1 runs=$2 warm=$3 e
	shift 3
	local names=() cmds=()
	for e in "$@"; do
		names+=(-n "${e%%|*}")
		cmds+=("${e#*|}")
	done
	say "hyperfine: $group ($runs runs)"
	hyperfine -N --style basic --warmup "$warm" --runs "$runs" \
	    --export-json "$OUT/$group.json" "${names[@]}" "${cmds[@]}" \
	    >"$OUT/$group.txt" 2>&1 || { cat "$OUT/$group.txt"; die "hyperfine $group failed"; }
}
