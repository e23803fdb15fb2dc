#!/usr/bin/env bats
# sysinfo against python3-psutil on the same machine: the same quantities
# under the same names.  Counts and totals are exact; values that move are
# compared within a tolerance.  Debian's psutil is 5.9, whose "used" predates
# 7.1, so used is checked as total - available.

load helpers

# compare PYTHON: d is syskit's JSON (taken first), then psutil is sampled;
# the script prints mismatches and exits 1 on any.
compare() {
	sysinfo --json > "$BATS_TEST_TMPDIR/s.json"
	$PY - "$BATS_TEST_TMPDIR/s.json" <<EOF
import json, sys, os, psutil
d = json.load(open(sys.argv[1]))
bad = []
def exact(name, a, b):
    if a != b: bad.append("%s: syskit %r, psutil %r" % (name, a, b))
def near(name, a, b, tol):
    if a is None or b is None or abs(a - b) > tol:
        bad.append("%s: syskit %r, psutil %r (tolerance %r)" % (name, a, b, tol))
$1
for b in bad: print(b)
sys.exit(1 if bad else 0)
EOF
}

@test "psutil is there to compare with" {
	run $PY -c 'import psutil; print(psutil.__version__)'
	assert_success
}

@test "memory: total, available, buffers, cached, shared; swap total" {
	run compare '
vm = psutil.virtual_memory(); m = d["mem"]
exact("total", m["total"], vm.total)
near("available", m["available"], vm.available, 64 << 20)
near("buffers", m["buffers"], vm.buffers, 16 << 20)
near("cached", m["cached"], vm.cached, 64 << 20)
near("shared", m["shared"], vm.shared, 16 << 20)
exact("used is total - available", m["used"], m["total"] - m["available"])
near("percent", m["percent"], vm.percent, 2.0)
sw = psutil.swap_memory(); s = d["swap"]
exact("swap total", s["total"], sw.total)
near("swap used", s["used"], sw.used, 64 << 20)
near("swap sin", s["sin"], sw.sin, 64 << 20)
'
	assert_success
}

@test "cpu: counts exact, cpu_times within a second per CPU" {
	run compare '
c = d["cpu"]
exact("count_logical", c["count_logical"], psutil.cpu_count())
exact("count_physical", c["count_physical"], psutil.cpu_count(logical=False))
exact("count_usable", c["count_usable"], len(os.sched_getaffinity(0)))
t = psutil.cpu_times()
n = psutil.cpu_count()
for f in ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal", "guest", "guest_nice"):
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
'
	assert_success
}

@test "host: boot time exact" {
	run compare '
exact("boot_time", d["host"]["boot_time"], int(psutil.boot_time()))
near("load1", d["host"]["load1"], os.getloadavg()[0], 1.0)
'
	assert_success
}

@test "disk: usage of / and the partitions psutil lists" {
	run compare '
u = psutil.disk_usage("/")
roots = [p for p in d["disk"]["partitions"] if p["mountpoint"] == "/"]
if roots:
    r = roots[-1]
    exact("/ total", r["total"], u.total)
    near("/ used", r["used"], u.used, 256 << 20)
    near("/ free", r["free"], u.free, 256 << 20)
    near("/ percent", r["percent"], u.percent, 1.0)
else:   # / is no mount point here (a chroot): psutil does not list it either
    exact("/ listed by psutil", [p for p in psutil.disk_partitions() if p.mountpoint == "/"], [])
ours = set((p["device"], p["mountpoint"], p["fstype"]) for p in d["disk"]["partitions"])
theirs = set((p.device, p.mountpoint, p.fstype) for p in psutil.disk_partitions(all=False))
missing = theirs - ours
if missing: bad.append("partitions psutil lists but syskit does not: %r" % sorted(missing))
extra = set(x for x in ours - theirs if not (x[1] == "/" and x[2] == "overlay"))
if extra: bad.append("partitions syskit lists but psutil does not: %r" % sorted(extra))
io = psutil.disk_io_counters(perdisk=True)
for p in d["disk"]["io"]["perdisk"]:
    if p["name"] in io:
        near(p["name"] + " read_bytes", p["read_bytes"], io[p["name"]].read_bytes, 64 << 20)
        near(p["name"] + " write_count", p["write_count"], io[p["name"]].write_count, 100000)
'
	assert_success
}

@test "net: interface names, byte counters and stats" {
	run compare '
io = psutil.net_io_counters(pernic=True)
ifs = {i["name"]: i for i in d["net"]["interfaces"]}
exact("interfaces", sorted(ifs), sorted(io))
for n, c in io.items():
    near(n + " bytes_recv", ifs[n]["bytes_recv"], c.bytes_recv, 1 << 20)
    near(n + " bytes_sent", ifs[n]["bytes_sent"], c.bytes_sent, 1 << 20)
    near(n + " packets_recv", ifs[n]["packets_recv"], c.packets_recv, 10000)
    exact(n + " errin", ifs[n]["errin"], c.errin)
st = psutil.net_if_stats()
for n, s in st.items():
    if n in ifs:
        exact(n + " is_up", ifs[n]["is_up"], s.isup)
        exact(n + " mtu", ifs[n]["mtu"], s.mtu)
        exact(n + " speed", ifs[n]["speed"], s.speed)
        exact(n + " flags", ifs[n]["flags"], s.flags)
        exact(n + " duplex", ifs[n]["duplex"], {0: "unknown", 1: "half", 2: "full"}[int(s.duplex)])
ad = psutil.net_if_addrs()
for n, addrs in ad.items():
    if n not in ifs: continue
    fam = {2: "AF_INET", 10: "AF_INET6", 17: "AF_LINK"}
    ours = sorted((a["family"], a["address"], a["netmask"], a["broadcast"]) for a in ifs[n]["addresses"])
    theirs = sorted((fam[int(a.family)], a.address, a.netmask, a.broadcast) for a in addrs)
    exact(n + " addresses", ours, theirs)
'
	assert_success
}

@test "conn: the same listening TCP sockets as psutil.net_connections" {
	sysinfo conn --kind tcp --json > "$BATS_TEST_TMPDIR/c.json"
	run $PY - "$BATS_TEST_TMPDIR/c.json" <<'EOF'
import json, sys, psutil
d = json.load(open(sys.argv[1]))
ours = set((c["laddr"]["ip"], c["laddr"]["port"], c["status"]) for c in d["conn"] if c["status"] == "LISTEN")
theirs = set((c.laddr.ip, c.laddr.port, c.status) for c in psutil.net_connections("tcp") if c.status == "LISTEN")
if ours != theirs:
    print("syskit only:", sorted(ours - theirs)); print("psutil only:", sorted(theirs - ours)); sys.exit(1)
EOF
	assert_success
}
