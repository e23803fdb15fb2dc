#!/usr/bin/env python3
"""ps_keys.py keys|opts: every format key of procps's `ps L`, and every
option of the table below, compared between procps ps and syskit ps.

Environment: SYSKIT_BIN (syskit), PROCPS (procps ps, default /usr/bin/ps),
ONLY (the keys to compare, comma-separated, or the options, as the table
writes them, semicolon-separated), VERBOSE=1 (a line for every case).

For each key, `ps -eo pid,KEY` runs five times in turn: procps, syskit,
procps, syskit, procps.  The headers must match, and every row that
procps printed alike in its three runs must be in one of syskit's two,
equal.  A row whose value moved between procps's runs (cpu time, elapsed
time, fault counts, a state) is compared with a tolerance: syskit's
value, read between two of procps's, must lie within the values procps
printed (times as [[DD-]hh:]mm:ss read as seconds).  The rows of this
program and the shells above it are left out (they change while it runs).

A key or option syskit does not support is in MISSING_KEYS or
MISSING_OPTS with its reason ("on purpose:" or "missing:").  The
verdict fails when a key outside the table is refused or disagrees, and when a key in the table works after
all (remove it from the table: the table only shrinks), except one
whose reason starts "sometimes:" (a difference seen on some runs only).  Exit 0 when
all is as the tables say; 1 with one line per surprise.
"""
import os, re, subprocess, sys

SYSKIT = os.environ.get("SYSKIT_BIN", "build/syskit")
PROCPS = os.environ.get("PROCPS", "/usr/bin/ps")

# Keys syskit refuses or prints differently, each with its reason.
MISSING_KEYS = {
}

# Keys whose file a process may not let even root read (EACCES: a
# process of another user namespace): procps prints 0, syskit "-", on
# purpose (no value is not a zero).
UNREADABLE = {"pss", "uss", "rbytes", "wbytes", "rchar", "wchar", "rchars",
              "wchars", "rops", "wops", "wcbytes"}

# Keys whose value moves with the rest of the machine (a page another
# process maps or drops) even while procps printed it alike three times:
# syskit's may be off by 2% (at least 2).
VOLATILE = {"pss", "uss", "rss", "rssize", "rsz", "sgi_rss", "shr", "%mem",
            "pmem"}
# pss and uss count a page by how many processes map it, so the reader
# changes them for a process that runs the very binary under test: while
# syskit's ps runs, that process shares its text with it (uss one text
# lower, pss half of it); while procps's runs, with nobody.  Those rows
# are not compared for these keys (a leftover syskit, or one a test left
# running beside this one, made a row differ by 300 KiB in every run).
SHARING = {"pss", "uss"}


def runs_syskit(pid):
    """whether process pid runs the syskit binary under test"""
    try:
        a, b = os.stat("/proc/%s/exe" % pid), os.stat(SYSKIT)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


# Of those, the sizes in KiB: a small process's pss moves by a few pages
# whenever a process sharing them starts or ends (the suites' own do), so
# they may be off by 5% or 64 KiB; a wrong unit is still far outside.
PAGES = {"pss", "uss", "rss", "rssize", "rsz", "sgi_rss", "shr"}

# procps's layout test keys: their value is the line's, a cycle of a few
# texts by the line's number, not the process's; compared line by line.
POSITIONAL = {"_left", "_left2", "_right", "_right2", "_unlimited",
              "_unlimited2"}

# Every option of procps's ps(1) (4.0.2), section by section, each with a
# value that selects something here, then the combinations its EXAMPLES
# and its text name.  Each must be accepted and agree with procps, unless
# it is in MISSING_OPTS.
OPTS = [
    # SIMPLE PROCESS SELECTION
    ["a"], ["-A"], ["-a"], ["-d"], ["-e", "--deselect"], ["-e"], ["ag"],
    ["-N"], ["-e", "-N"], ["T"], ["r"], ["ax", "r"], ["x"], ["ax"],
    # PROCESS SELECTION BY LIST
    ["-1"], ["1"], ["-C", "bash"], ["-C", "bash,process_api"], ["-G", "0"],
    ["-G", "root"], ["-g", "0"], ["-g", "1"], ["--Group", "root"],
    ["--group", "root"], ["p", "1"], ["-p", "1"], ["-p", "1 2"],
    ["-p", "1", "-p", "2"], ["--pid", "1"], ["--ppid", "1"], ["--ppid", "2"],
    ["q", "1"], ["-q", "1"], ["--quick-pid", "1"], ["-s", "1"],
    ["--sid", "1"], ["t", "-"], ["-t", "-"], ["--tty", "-"], ["U", "0"],
    ["-U", "0"], ["-u", "0"], ["-u", "root"], ["--User", "root"],
    ["--user", "root"], ["-U", "root", "-u", "root", "u"],
    # OUTPUT FORMAT CONTROL
    ["-e", "-c"], ["-e", "-f", "-c"], ["-e", "-l", "-c"], ["-e", "-F", "-c"],
    ["-e", "-fl", "-c"], ["-e", "-c", "-j"], ["-e", "--context"], ["-ef"],
    ["-e", "-f"], ["-eF"], ["-e", "--format", "pid,comm"], ["axj"], ["-ej"],
    ["-ejf"], ["-ejl"], ["axl"], ["-el"], ["-efl"], ["-ely"],
    ["-e", "-y", "-l"], ["-eM"], ["-e", "-M"], ["-eM", "-f"], ["-eZ"],
    ["ax", "O", "ppid"], ["axO", "ppid"], ["-e", "-O", "ppid"],
    ["-e", "-O", "ppid,user"], ["axo", "pid,comm"], ["-e", "-o", "pid,comm"],
    ["-e", "-P"], ["-e", "-F", "-P"], ["axs"], ["aux"], ["axu"], ["axv"],
    ["axX"], ["ax", "X"], ["axZ"], ["axZu"], ["-e", "-o", "pid=X,comm=Y"],
    ["-e", "-o", "pid,user:19,comm"], ["-e", "-o", "pid", "-o", "comm"],
    # OUTPUT MODIFIERS
    ["axc"], ["-e", "--cols", "60"], ["-e", "--columns", "60"],
    ["-e", "--width", "60"], ["-e", "--cumulative", "-o", "pid,time"],
    ["-e", "--cumulative", "-o", "pid,times,bsdtime,majflt,minflt,pagein"],
    ["axS"], ["axe"], ["axf"], ["auxf"], ["axjf"], ["-e", "--forest"],
    ["-ef", "--forest"], ["axh"], ["-eH"], ["-ejH"], ["-e", "-F", "-H"],
    ["-e", "--headers"], ["-e", "--lines", "20", "--headers"],
    ["-e", "--rows", "7", "--headers"], ["axk", "pid"], ["axk", "-ppid"],
    ["axn"], ["-e", "-o", "pid,comm", "--no-headers"],
    ["-e", "--no-heading"], ["-e", "-o", "pid,ppid,cmd", "--sort", "ppid"],
    ["-e", "-o", "pid,rss", "--sort=-rss"], ["ax", "--sort", "pid"],
    ["-e", "--sort", "-pid,+ppid"], ["axww"], ["-e", "-w"], ["-e", "-ww"],
    ["-e", "-o", "pid,args", "-w"],
    # THREAD DISPLAY
    ["axH"], ["-eL"], ["-eLf"], ["-eLF"], ["axm"], ["-em"], ["-emf"],
    ["-emL"], ["axms"], ["-eT"], ["-eTf"],
    # OTHER INFORMATION
    ["--help"], ["--help", "s"], ["--info"], ["L"], ["V"], ["-V"],
    ["--version"],
    # EXAMPLES
    ["-eo", "euser,ruser,suser,fuser,f,comm,label"],
    ["-eo", "pid,tid,class,rtprio,ni,pri,psr,pcpu,stat,wchan:14,comm"],
    ["axo", "stat,euid,ruid,tty,tpgid,sess,pgrp,ppid,pid,pcpu,comm"],
    ["-Ao", "pid,tt,user,fname,tmout,f,wchan"], ["-C", "bash", "-o", "pid="],
    ["-q", "1", "-o", "comm="], ["-p", "1", "-o", "pid,acflag,cmaj_flt,comm"],
    # STANDARD FORMAT SPECIFIERS: the macros ps(1) names
    ["-e", "-o", "DefBSD"], ["-e", "-o", "pid,DefSysV"],
    # AIX FORMAT DESCRIPTORS
    ["-e", "-o", "%p %P %U %c %C %x %y %z %a"],
    ["-e", "-o", "%G %g %n %r %t %u %p"], ["-e", "-o", "  %p   %c  "],
    ["-e", "-o", "%c%p"],
    # OBSOLETE SORT KEYS (BSD O as a sort order)
    ["ax", "O", "P"], ["ax", "O", "-r"],
    # ENVIRONMENT VARIABLES (NAME=VALUE before the options)
    ["COLUMNS=60", "-ef"], ["COLUMNS=60", "aux"],
    ["LINES=10", "-e", "--headers"], ["PS_FORMAT=pid,ppid,comm", "-e"],
    ["PS_FORMAT=DefBSD", "-e"], ["PS_FORMAT=DefSysV", "ax"],
    ["LIBPROC_HIDE_KERNEL=1", "-e"], ["LIBPROC_HIDE_KERNEL=1", "axf"],
    ["LIBPROC_HIDE_KERNEL=1", "-eL"], ["LC_TIME=C", "-eo", "pid,lstart,stime"],
    ["POSIXLY_CORRECT=1", "-ef"], ["POSIX2=on", "-ef"], ["UNIX95=1", "-ef"],
    ["_XPG=1", "-ef"], ["I_WANT_A_BROKEN_PS=1", "-ef"],
    ["PS_PERSONALITY=linux", "-e"], ["PS_PERSONALITY=posix", "-ef"],
    ["PS_PERSONALITY=bsd", "-e"], ["PS_PERSONALITY=sun", "-e"],
    ["CMD_ENV=bsd", "-e"], ["CMD_ENV=irix", "-ef"],
]

MISSING_OPTS = {
    "--help": "on purpose: syskit's help is its own text",
    "--help s": "on purpose: syskit's help is its own text, without sections",
    "--info": "on purpose: procps's debugging dump of its own state",
    "V": "on purpose: 'syskit VERSION', as every applet",
    "-V": "on purpose: 'syskit VERSION', as every applet",
    "--version": "on purpose: 'syskit VERSION', as every applet",
    "I_WANT_A_BROKEN_PS=1 -ef":
        "on purpose: procps's other personalities (dash options read as "
        "BSD ones, other defaults) are old systems' emulation; syskit has "
        "the default, linux, only, and says so in ps(1)",
    "PS_PERSONALITY=bsd -e": "on purpose: as I_WANT_A_BROKEN_PS",
    "CMD_ENV=bsd -e": "on purpose: as I_WANT_A_BROKEN_PS",
}

busy = set()
p = os.getpid()
while p > 1:
    busy.add(str(p))
    try:
        p = int(open("/proc/%d/stat" % p).read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        break


ENVSET = re.compile(r"^[A-Z_][A-Z0-9_]*=")


def run(prog, args):
    env = dict(os.environ)
    while args and ENVSET.match(args[0]):	# NAME=VALUE first: the environment
        n, v = args[0].split("=", 1)
        env[n] = v
        args = args[1:]
    r = subprocess.run([prog] + args if prog == PROCPS else
                       [prog, "ps"] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, errors="replace", env=env)
    return r.returncode, r.stdout.split("\n")


def rows(lines, head):
    """The rows by their pid (and thread id): the threads of H, which
    share a pid, and the thread lines of -m and m, whose PID is "-",
    come as one row of several lines, under their process's pid."""
    h = head.split()
    keys = [i for i, t in enumerate(h) if t in ("PID", "LWP", "SPID", "TID")]
    out = {}
    pid = None
    for l in lines:
        if not l.strip():
            continue
        f = l.split()
        if not keys:
            if "ps" not in f and "syskit" not in f:
                out[l] = l	# not the row of a ps compared itself
            continue
        if len(f) <= max(keys):
            continue
        if f[keys[0]] != "-":
            pid = f[keys[0]]
        if pid is None or pid in busy:
            continue
        k = (pid,) + tuple(f[i] for i in keys[1:])
        out[k] = out[k] + "\n" + l if k in out else l
    return out


TIME = re.compile(r"^(?:(?:(\d+)-)?(\d+):)?(\d+):(\d+)$")


def number(s):
    """A cell as a number: a plain number, or a time as seconds."""
    try:
        return float(s)
    except ValueError:
        pass
    m = TIME.match(s)
    if m:
        d, h, mi, se = (int(x) if x else 0 for x in m.groups())
        return ((d * 24 + h) * 60 + mi) * 60 + se
    return None


# Untrusted text, as tests/ps_compare.py: syskit escapes a control
# character (\\n, \\033), procps prints '?' (or '.' in the C locale)
# and a space for a newline of a command line.
ESC = r"\\(?:[0-7]{3}|[abtnvfr])"
ODD = re.compile(r"%s|[^\x00-\x7f]" % ESC)


def pattern(p):
    out = []
    for run_ in re.finditer(r"\?+|.", p):
        t = run_.group()
        if t[0] == "?":
            out.append(r"(?:\?|%s|[^\x00-\x7f])+" % ESC)
        elif t == ".":
            out.append(r"(?:\.|%s)" % ESC)
        elif t == " ":
            out.append(r"(?: |\\n)")
        else:
            out.append(re.escape(t))
    return re.compile("".join(out))


def alike(p, s, key):
    if p == s:
        return True
    if "\n" in p or "\n" in s:	# a row of several lines, line by line
        pl, sl = p.split("\n"), s.split("\n")
        return len(pl) == len(sl) and all(
            alike(x, y, key) for x, y in zip(pl, sl))
    if key in UNREADABLE and p.split()[:-1] == s.split()[:-1] and \
            p.split()[-1:] == ["0"] and s.split()[-1:] == ["-"]:
        return True
    m = ODD.search(s)
    if m is not None and len(s) <= len(p) and p[:m.start()] == s[:m.start()]:
        return True	# cut to the column at an escape
    return ((m is not None or "?" in p or "." in p) and
            pattern(p).fullmatch(s) is not None)


# the forest's art: which bars a row shows depends on its siblings, which
# come and go between the runs on a busy machine
ART = re.compile(r"(?:[ |]*\\_ )+")


def rest(line, n):
    """line after its first n fields"""
    m = re.match(r"\s*(?:\S+\s+){%d}" % n, line)
    return line[m.end():] if m else ""


def near(vals, s, key):
    """s's fields lie within the procps values, field by field, up to
    the first text field; the text from there is alike.  A row of
    several lines, line by line."""
    if "\n" in s or any("\n" in v for v in vals):
        sl = s.split("\n")
        vl = [v.split("\n") for v in vals]
        return all(len(v) == len(sl) for v in vl) and all(
            near([v[j] for v in vl], x, key) for j, x in enumerate(sl))
    fs = [v.split() for v in vals]
    ss = s.split()
    for i, x in enumerate(ss):
        if any(len(f) <= i for f in fs):
            return False
        col = [f[i] for f in fs]
        if x in col:
            continue
        nx = number(x)
        nc = [number(c) for c in col]
        if nx is None or None in nc:
            t = ART.sub(r" \\_ ", rest(s, i))
            return any(alike(ART.sub(r" \\_ ", rest(v, i)), t, key)
                       for v in vals)
        slack = 1 if min(nc) < max(nc) else 0	# rounding of a moving value
        if key in VOLATILE:
            slack = max(slack, 2, 0.02 * max(nc))
        if key in PAGES:
            slack = max(slack, 64, 0.05 * max(nc))
        if not min(nc) - slack <= nx <= max(nc) + slack:
            return False
    return all(len(f) == len(ss) for f in fs)


def compare(args, key=None):
    """None when alike, else why not."""
    why = None
    persist = None
    for attempt in range(3):
        ra, a = run(PROCPS, args)
        rb, b = run(SYSKIT, args)
        rc, c = run(PROCPS, args)
        rd, d = run(SYSKIT, args)
        re_, e = run(PROCPS, args)
        if rb == 2 and ra == 0:
            return "refused (exit %d): %s" % (rb, " ".join(b)[:200])
        if rb != ra:
            # a process that comes and goes between the runs (another
            # user's, one with a terminal) changes "none selected" (1)
            why = "exit %d, procps %d" % (rb, ra)
            continue
        if a[0] != b[0]:
            why = "headers differ: procps %r syskit %r" % (a[0], b[0])
            continue
        if key in POSITIONAL:
            va, vb = ([rest(l, 1) for l in x[1:] if l.strip()] for x in (a, b))
            n = min(len(va), len(vb))
            if va[:n] == vb[:n]:
                return None
            why = "the values by line differ: procps %r syskit %r" % (
                va[:4], vb[:4])
            continue
        pa, pb, pc, pd, pe = (rows(x[1:], a[0]) for x in (a, b, c, d, e))
        bad = []
        for k in pa:
            if k not in pc or k not in pe:
                continue		# not alive through the runs
            if key in SHARING and runs_syskit(k[0]):
                continue		# syskit's ps shares its pages
            if len({x[k].count("\n") for x in (pa, pc, pe)}) > 1:
                continue		# a thread came or went
            if any(k in r and alike(pa[k], r[k], key) for r in (pb, pd)):
                continue
            if not isinstance(k, tuple) and any(
                    alike(k, x, key) for r in (pb, pd) for x in r
                    if ODD.search(x)):
                continue		# rows keyed by their text, escaped
            vals = [pa[k], pc[k], pe[k]]
            if not any(k in r and near(vals, r[k], key) for r in (pb, pd)):
                bad.append(k)
        # a row is wrong when it is wrong in every attempt: on a busy
        # machine a process may change between the runs of one attempt
        persist = set(bad) if persist is None else persist & set(bad)
        if not persist:
            return None
        k = sorted(persist)[0]
        why = "%d rows differ, as procps %r syskit %r" % (
            len(persist), pa[k], pb.get(k))
    return why


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else "keys"
    surprises = 0
    if what == "keys":
        _, lines = run(PROCPS, ["L"])
        names = [l.split()[0] for l in lines if l.strip()]
        cases = [(k, ["-eo", "pid," + k], k) for k in names]
        table = MISSING_KEYS
        for k in table:
            if k not in names:
                print("%s: in MISSING_KEYS but not a key of `ps L`" % k)
                surprises += 1
    else:
        cases = [(" ".join(o), o, None) for o in OPTS]
        table = MISSING_OPTS
    only = os.environ.get("ONLY")
    if only:
        # keys by commas; options (which hold commas) by semicolons
        cases = [c for c in cases
                 if c[0] in only.split("," if what == "keys" else ";")]
    for name, args, key in cases:
        why = compare(args, key)
        if why is None and name in table and \
                not table[name].startswith("sometimes:"):
            print("%s: works now: remove it from the table (%s)" %
                  (name, table[name]))
            surprises += 1
        elif why is not None and name not in table:
            print("%s: %s" % (name, why))
            surprises += 1
        elif os.environ.get("VERBOSE"):
            print("%s: %s" % (name, "ok" if why is None else
                              "listed: " + table[name]))
    sys.exit(1 if surprises else 0)


main()
