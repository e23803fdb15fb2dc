#!/usr/bin/env python3
"""ps_compare.py DIR ARGS: is syskit's ps like procps's ps?

tests/ps.bats's procps_same ran procps ps ARGS and syskit ps ARGS in
turn, five times, into DIR/a (procps), DIR/b (syskit), DIR/c (procps),
DIR/d (syskit), DIR/e (procps).  The header must match, and every row
that procps printed alike in all three of its runs (a process that lived
through them, unchanged) must be in one of syskit's two outputs, equal or
alike (see alike()).  Rows are keyed by PID (and LWP/SPID/TID), or by the
whole line when there is no PID column.

Environment: HEAD, the header line when ARGS asked for none (the rows are
still keyed by it; a header printed is then an error); BUSY, the pids
(blank-separated) of the shells running the test, whose rows change
while it runs and are left out.

Exit 0 when alike; 1 with the first differences on stdout.
"""
import os, sys
d, args = sys.argv[1:3]
busy = set(os.environ.get("BUSY", "").split())
a, b, c, b2, c2 = (open(os.path.join(d, f), errors="replace").read().split("\n")
    for f in "abcde")
# A key column after a column of text with blanks in it (a command, a
# command line) is counted from the end of the row: "-o args,uid,pid".
# In CI, "bash -c 'large_limit=0<newline>LARGE...'" was split as
# procps's "... large_limit=0 LARGE 0 PID" and syskit's
# "... large_limit=0\nLARG 0 PID": from the start, neither PID was found.
text = ("COMMAND", "CMD", "ARGS")
def rows(lines, head):
    h = head.split()
    keys = [i for i, t in enumerate(h) if t in ("PID", "LWP", "SPID", "TID")]
    first_text = min([i for i, t in enumerate(h) if t in text] or [len(h)])
    if keys and min(keys) > first_text:
        keys = [i - len(h) for i in keys]
    need = len(h) if keys and keys[0] < 0 else max(keys or [0]) + 1
    out = {}
    for l in lines:
        f = l.split()
        if not l.strip():
            continue
        if not keys:
            if not l.endswith("ps " + args):	# the ps run itself
                out[l] = l
        elif len(f) >= need and f[keys[0]] not in busy:
            out[tuple(f[i] for i in keys)] = l
    return out
head = os.environ.get("HEAD", "")
if head:
    if head in (a[0], b[0]):
        print("a header was printed:\nprocps: %r\nsyskit: %r" % (a[0], b[0]))
        sys.exit(1)
    a, b, c, b2, c2 = ([head] + x for x in (a, b, c, b2, c2))
if a[0] != b[0]:
    print("headers differ:\nprocps: %r\nsyskit: %r" % (a[0], b[0]))
    sys.exit(1)
import re
ra, rb, rc, rb2, rc2 = (rows(x[1:], a[0]) for x in (a, b, c, b2, c2))
# Untrusted text.  syskit escapes a control character (\n, \t, \033)
# and passes a backslash and valid UTF-8 through.  procps prints '?' for
# a control character in a UTF-8 locale and '.' in the C locale, a space
# for a newline in a command line, and in the C locale '?' for each byte
# of a non-ASCII character.  A procps row becomes a pattern that matches
# each of these with syskit's text.
esc = r"\\(?:[0-7]{3}|[abtnvfr])"
def pattern(p):
    out = []
    for run in re.finditer(r"\?+|.", p):
        t = run.group()
        if t[0] == "?":
            out.append(r"(?:\?|%s|[^\x00-\x7f])+" % esc)
        elif t == ".":
            out.append(r"(?:\.|%s)" % esc)
        elif t == " ":
            out.append(r"(?: |\\n)")
        else:
            out.append(re.escape(t))
    return re.compile("".join(out))
# A column cut to its width: syskit's escape is wider than procps's '?',
# so the texts part at the first escape or non-ASCII character, and
# syskit's row is no longer than procps's (an uncut one would be).
odd = re.compile(r"%s|[^\x00-\x7f]" % esc)
def cut_alike(p, s):
    m = odd.search(s)
    return (m is not None and len(s) <= len(p) and
            p[:m.start()] == s[:m.start()])
def alike(p, s):
    return p == s or cut_alike(p, s) or (
        (odd.search(s) is not None or "?" in p or "." in p) and
        pattern(p).fullmatch(s) is not None)
def same(k, r):
    if isinstance(k, tuple):
        return k in r and alike(ra[k], r[k])
    # rows keyed by their text
    return k in r or any(alike(k, s) for s in r
                         if odd.search(s) is not None)
stable = [k for k in ra if rc.get(k) == ra[k] and rc2.get(k) == ra[k]]
bad = [k for k in stable if not same(k, rb) and not same(k, rb2)]
for k in bad[:10]:
    print("procps: %r\nsyskit: %r" % (ra[k], rb.get(k)))
sys.exit(1 if bad else 0)
