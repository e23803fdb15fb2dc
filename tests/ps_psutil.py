#!/usr/bin/env python3
"""ps_psutil.py FILE PID...: does syskit's ps --json (saved in FILE) give
each PID the values psutil gives it?

The fields compared are psutil's Process methods of the same names
(memory_info()'s rss and vms through ps's memory_info object); the
user CPU time may differ by a tick.  Exit 0 when all agree; 1 with one
line per difference on stdout.
"""
import json, sys, psutil
got = {p["pid"]: p for p in json.load(open(sys.argv[1]))}
bad = 0
for pid in map(int, sys.argv[2:]):
    p = psutil.Process(pid)
    want = {
        "pid": p.pid, "ppid": p.ppid(), "name": p.name(), "cmdline": p.cmdline(),
        "create_time": p.create_time(), "rss": p.memory_info().rss,
        "vms": p.memory_info().vms, "num_threads": p.num_threads(),
        "username": p.username(), "status": p.status(), "num_fds": p.num_fds(),
        "exe": p.exe(), "terminal": p.terminal(), "nice": p.nice(),
    }
    g = dict(got[pid])
    g["rss"] = g["memory_info"]["rss"]
    g["vms"] = g["memory_info"]["vms"]
    for k, v in want.items():
        if k == "create_time" and abs(g[k] - v) < 1e-6:
            continue
        if g.get(k) != v:
            print("pid %d %s: syskit %r, psutil %r" % (pid, k, g.get(k), v))
            bad = 1
    ct = p.cpu_times()
    if abs(g["cpu_times"]["user"] - ct.user) > 0.05:
        print("pid %d cpu_times.user: %r %r" % (pid, g["cpu_times"], ct))
        bad = 1
sys.exit(bad)
