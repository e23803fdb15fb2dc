#!/usr/bin/python3
"""Compare two sysinfo JSON reports at dotted paths.

usage: sysinfo_expect.py EXPECTED.json GOT.json PATH... [-PATH...]

Each PATH ("cpu", "limits.cgroup") must hold the same value in both files;
a -PATH below one of them is left out of the comparison (it has a test of
its own).  Key order and number types count (1 is not 1.0).  Prints a
unified diff per path that differs and exits 1; exits 0 when all agree.
Used by tests/sysinfo_fixtures.bats (same_json).
"""
import copy
import difflib
import json
import sys


def get(d, path):
    for k in path.split("."):
        d = d[k]
    return d


def drop(v, p, exc):
    """v (the value at p) without the excluded paths below p."""
    for e in exc:
        if not e.startswith(p + "."):
            continue
        *head, last = e[len(p) + 1:].split(".")
        try:
            (get(v, ".".join(head)) if head else v).pop(last)
        except (KeyError, TypeError, AttributeError):
            pass
    return v


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    exp, got = (json.load(open(f)) for f in argv[1:3])
    inc = [a for a in argv[3:] if not a.startswith("-")]
    exc = [a[1:] for a in argv[3:] if a.startswith("-")]
    bad = 0
    for p in inc:
        text = []
        for d in (exp, got):
            try:
                v = drop(copy.deepcopy(get(d, p)), p, exc)
            except (KeyError, TypeError):
                v = "<missing>"
            text.append(json.dumps(v, indent=2, ensure_ascii=False).splitlines())
        if text[0] != text[1]:
            bad = 1
            print("\n".join(difflib.unified_diff(text[0], text[1],
                  "expected " + p, "sysinfo " + p, lineterm="")))
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv))
