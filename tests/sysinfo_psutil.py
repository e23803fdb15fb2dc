#!/usr/bin/python3
"""sysinfo against psutil on the same machine: the same quantities under the
same names.  Counts and totals are exact; values that move are compared
within a tolerance.  Debian's psutil is 5.9, whose "used" predates 7.1, so
used is checked as total - available.

usage: sysinfo_psutil.py CHECK [FILE]

CHECK is one of memory, cpu, host, disk, net, conn.  FILE is syskit's JSON,
taken before psutil is sampled: `sysinfo --json` (for conn,
`sysinfo conn --kind tcp --json`); without FILE the script runs
`syskit sysinfo ...` itself.  Prints each mismatch and exits 1 on any.
Used by tests/sysinfo_psutil.bats.
"""
import json
import os
import subprocess
import sys

import psutil

bad = []


def exact(name, a, b):
    if a != b:
        bad.append("%s: syskit %r, psutil %r" % (name, a, b))


def near(name, a, b, tol):
    if a is None or b is None or abs(a - b) > tol:
        bad.append("%s: syskit %r, psutil %r (tolerance %r)" % (name, a, b, tol))


def memory(d):
    vm = psutil.virtual_memory()
    m = d["mem"]
    exact("total", m["total"], vm.total)
    near("available", m["available"], vm.available, 64 << 20)
    near("buffers", m["buffers"], vm.buffers, 16 << 20)
    near("cached", m["cached"], vm.cached, 64 << 20)
    near("shared", m["shared"], vm.shared, 16 << 20)
    exact("used is total - available", m["used"], m["total"] - m["available"])
    near("percent", m["percent"], vm.percent, 2.0)
    sw = psutil.swap_memory()
    s = d["swap"]
    exact("swap total", s["total"], sw.total)
    near("swap used", s["used"], sw.used, 64 << 20)
    near("swap sin", s["sin"], sw.sin, 64 << 20)


def cpu(d):
    c = d["cpu"]
    exact("count_logical", c["count_logical"], psutil.cpu_count())
    exact("count_physical", c["count_physical"], psutil.cpu_count(logical=False))
    exact("count_usable", c["count_usable"], len(os.sched_getaffinity(0)))
    t = psutil.cpu_times()
    n = psutil.cpu_count()
    for f in ("user", "nice", "system", "idle", "iowait", "irq", "softirq",
              "steal", "guest", "guest_nice"):
        near("times." + f, c["times"][f], getattr(t, f), 1.0 * n + 0.02)
        if c["times"][f] > getattr(t, f) + 0.011:
            bad.append("times.%s went backwards" % f)
    pc = psutil.cpu_times(percpu=True)
    exact("percpu count", len(c["percpu"]), len(pc))
    for i, p in enumerate(pc):
        near("percpu[%d].user" % i, c["percpu"][i]["user"], p.user, 1.0)
    st = psutil.cpu_stats()
    near("ctx_switches", c["stats"]["ctx_switches"], st.ctx_switches, 200000)
    near("interrupts", c["stats"]["interrupts"], st.interrupts, 200000)


def host(d):
    exact("boot_time", d["host"]["boot_time"], int(psutil.boot_time()))
    near("load1", d["host"]["load1"], os.getloadavg()[0], 1.0)


def disk(d):
    u = psutil.disk_usage("/")
    roots = [p for p in d["disk"]["partitions"] if p["mountpoint"] == "/"]
    if roots:
        r = roots[-1]
        exact("/ total", r["total"], u.total)
        near("/ used", r["used"], u.used, 256 << 20)
        near("/ free", r["free"], u.free, 256 << 20)
        near("/ percent", r["percent"], u.percent, 1.0)
    else:   # / is no mount point here (a chroot): psutil does not list it either
        exact("/ listed by psutil",
              [p for p in psutil.disk_partitions() if p.mountpoint == "/"], [])
    ours = set((p["device"], p["mountpoint"], p["fstype"])
               for p in d["disk"]["partitions"])
    theirs = set((p.device, p.mountpoint, p.fstype)
                 for p in psutil.disk_partitions(all=False))
    missing = theirs - ours
    if missing:
        bad.append("partitions psutil lists but syskit does not: %r" % sorted(missing))
    extra = set(x for x in ours - theirs if not (x[1] == "/" and x[2] == "overlay"))
    if extra:
        bad.append("partitions syskit lists but psutil does not: %r" % sorted(extra))
    io = psutil.disk_io_counters(perdisk=True)
    for p in d["disk"]["io"]["perdisk"]:
        if p["name"] in io:
            near(p["name"] + " read_bytes", p["read_bytes"],
                 io[p["name"]].read_bytes, 64 << 20)
            near(p["name"] + " write_count", p["write_count"],
                 io[p["name"]].write_count, 100000)


def net(d):
    io = psutil.net_io_counters(pernic=True)
    ifs = {i["name"]: i for i in d["net"]["interfaces"]}
    exact("interfaces", sorted(ifs), sorted(io))
    for n, c in io.items():
        if n not in ifs:
            continue
        near(n + " bytes_recv", ifs[n]["bytes_recv"], c.bytes_recv, 1 << 20)
        near(n + " bytes_sent", ifs[n]["bytes_sent"], c.bytes_sent, 1 << 20)
        near(n + " packets_recv", ifs[n]["packets_recv"], c.packets_recv, 10000)
        exact(n + " errin", ifs[n]["errin"], c.errin)
    for n, s in psutil.net_if_stats().items():
        if n in ifs:
            exact(n + " is_up", ifs[n]["is_up"], s.isup)
            exact(n + " mtu", ifs[n]["mtu"], s.mtu)
            exact(n + " speed", ifs[n]["speed"], s.speed)
            exact(n + " flags", ifs[n]["flags"], s.flags)
            exact(n + " duplex", ifs[n]["duplex"],
                  {0: "unknown", 1: "half", 2: "full"}[int(s.duplex)])
    fam = {2: "AF_INET", 10: "AF_INET6", 17: "AF_LINK"}
    for n, addrs in psutil.net_if_addrs().items():
        if n not in ifs:
            continue
        ours = sorted((a["family"], a["address"], a["netmask"], a["broadcast"])
                      for a in ifs[n]["addresses"])
        theirs = sorted((fam[int(a.family)], a.address, a.netmask, a.broadcast)
                        for a in addrs)
        exact(n + " addresses", ours, theirs)


def conn(d):
    ours = set((c["laddr"]["ip"], c["laddr"]["port"], c["status"])
               for c in d["conn"] if c["status"] == "LISTEN")
    theirs = set((c.laddr.ip, c.laddr.port, c.status)
                 for c in psutil.net_connections("tcp") if c.status == "LISTEN")
    if ours != theirs:
        bad.append("syskit only: %r" % sorted(ours - theirs))
        bad.append("psutil only: %r" % sorted(theirs - ours))


CHECKS = {f.__name__: f for f in (memory, cpu, host, disk, net, conn)}


def main(argv):
    if len(argv) not in (2, 3) or argv[1] not in CHECKS:
        print("usage: sysinfo_psutil.py %s [FILE]" % "|".join(CHECKS),
              file=sys.stderr)
        return 2
    if len(argv) == 3:
        with open(argv[2]) as f:
            d = json.load(f)
    else:
        cmd = ["syskit", "sysinfo", "--json"]
        if argv[1] == "conn":
            cmd[2:2] = ["conn", "--kind", "tcp"]
        d = json.loads(subprocess.run(cmd, check=True, stdout=subprocess.PIPE).stdout)
    CHECKS[argv[1]](d)
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
